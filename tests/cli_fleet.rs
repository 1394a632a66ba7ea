//! `loglisten send` to a fleet (`--to`, `--targets`, `--parallel`,
//! `--timeout`) against listeners in this process, on loopback.

use loglisten::{get_logger, Applied, Level, Listener};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[path = "support/cli.rs"]
mod cli;
use cli::{run, temp_file};

/// A port nothing listens on: bound, noted, closed.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The report `send` prints: each address padded to the widest, two
/// spaces, its outcome.
fn report(rows: &[(String, String)]) -> String {
    let w = rows.iter().map(|(a, _)| a.len()).max().unwrap();
    rows.iter()
        .map(|(address, outcome)| format!("{address:<w$}  {outcome}\n"))
        .collect()
}

#[test]
fn send_to_50_listeners_and_2_dead_addresses() {
    const LISTENERS: usize = 50;
    const PARALLEL: usize = 8;
    let config =
        br#"{"version": 1, "incremental": true, "loggers": {"fleet.fifty": {"level": "ERROR"}}}"#;
    let file = temp_file("fifty.json", config).display().to_string();

    // Each listener checks the config, keeps what it received and answers
    // with a generation of its own (1000 + its number), so each line shows
    // which listener answered. The apply steps of all of them together
    // count how many are in progress at once.
    let in_progress = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let mut received = Vec::new();
    let mut listeners = Vec::new();
    for i in 0..LISTENERS {
        let got = Arc::new(Mutex::new(Vec::new()));
        let (kept, in_progress, most) = (got.clone(), in_progress.clone(), most.clone());
        let listener = Listener::builder()
            .port(0)
            .apply(move |bytes: &[u8]| {
                let now = in_progress.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(50));
                let checked = loglisten::check_config(bytes).map_err(|e| e.to_string());
                kept.lock().unwrap().push(bytes.to_vec());
                in_progress.fetch_sub(1, Ordering::SeqCst);
                Ok(Applied {
                    kind: checked?,
                    generation: 1000 + i as u64,
                })
            })
            .spawn()
            .unwrap();
        received.push(got);
        listeners.push(listener);
    }

    // The targets file: the live ones in order, a dead one after the
    // tenth and one at the end, comments and blank lines between.
    let mut rows = Vec::new();
    let mut text = String::from("# the fleet\n\n");
    for (i, listener) in listeners.iter().enumerate() {
        let address = format!("127.0.0.1:{}", listener.port());
        text.push_str(&format!("{address}   # listener {i}\n"));
        rows.push((address, format!("ok dict {}", 1000 + i)));
        if i == 9 {
            let dead = format!("127.0.0.1:{}", closed_port());
            text.push_str(&format!("\n{dead}\n"));
            rows.push((dead, "no reply: Connection refused (os error 111)".into()));
        }
    }
    let dead = format!("127.0.0.1:{}", closed_port());
    text.push_str(&format!("{dead}\n"));
    rows.push((dead, "no reply: Connection refused (os error 111)".into()));
    let targets = temp_file("fifty.txt", text.as_bytes())
        .display()
        .to_string();

    let parallel = PARALLEL.to_string();
    let (code, stdout, stderr) = run(&[
        "send",
        &file,
        "--targets",
        &targets,
        "--parallel",
        &parallel,
        "--timeout",
        "5s",
    ]);
    let want = report(&rows) + "52 targets: 50 ok, 2 failed\n";
    assert_eq!(stdout, want);
    assert_eq!(
        (code, stderr),
        (1, format!("loglisten: 2 of 52 failed to apply {file}\n"))
    );
    for (i, got) in received.iter().enumerate() {
        assert_eq!(*got.lock().unwrap(), vec![config.to_vec()], "listener {i}");
    }
    let most = most.load(Ordering::SeqCst);
    assert!((2..=PARALLEL).contains(&most), "{most} at once");
}

#[test]
fn send_to_listeners_applies_and_exits_0() {
    // The default apply step: the process's configuration, so each reply
    // carries one of the next generations, in whichever order they came.
    let listeners: Vec<Listener> = (0..3)
        .map(|_| Listener::builder().port(0).spawn().unwrap())
        .collect();
    let config =
        br#"{"version": 1, "incremental": true, "loggers": {"fleet.applied": {"level": "CRITICAL"}}}"#;
    let file = temp_file("applied.json", config).display().to_string();
    let addresses: Vec<String> = listeners
        .iter()
        .map(|l| format!("127.0.0.1:{}", l.port()))
        .collect();
    let before = loglisten::config_generation();
    let (code, stdout, stderr) = run(&[
        "send",
        &file,
        "--to",
        &addresses[0],
        "--to",
        &addresses[1],
        "--parallel",
        "2",
        "--to",
        &addresses[2],
    ]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(get_logger("fleet.applied").level(), Level::CRITICAL);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    let mut generations = Vec::new();
    for (line, address) in lines.iter().zip(&addresses) {
        let generation = line
            .strip_prefix(&format!("{address}  ok dict "))
            .unwrap_or_else(|| panic!("{line}"));
        generations.push(generation.parse::<u64>().unwrap());
    }
    generations.sort_unstable();
    assert_eq!(generations, [before + 1, before + 2, before + 3]);
    assert_eq!(lines[3], "3 targets: 3 ok, 0 failed");
}

#[test]
fn fleet_usage_errors_send_nothing() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let l = Listener::builder()
        .port(0)
        .on_message(move |_, _| {
            counted.fetch_add(1, Ordering::SeqCst);
        })
        .spawn()
        .unwrap();
    let live = format!("127.0.0.1:{}", l.port());
    let file = temp_file("unsent.json", br#"{"version": 1, "incremental": true}"#)
        .display()
        .to_string();
    let bad_list = temp_file(
        "bad.txt",
        format!("{live}\n# next\n{live} extra\n").as_bytes(),
    )
    .display()
    .to_string();
    let cases: [(&[&str], String); 6] = [
        (
            &["--targets", &bad_list],
            format!("send: {bad_list}:3: one address a line, found '{live}' and 'extra'"),
        ),
        (
            &["--targets", "/nonexistent/targets"],
            "send: cannot read targets file /nonexistent/targets: No such file or directory (os error 2)".into(),
        ),
        (
            &["--to", &live, "--port", "1"],
            "send: --to and --targets cannot be combined with --host, --port or --unix".into(),
        ),
        (
            &["--to", &live, "--timeout", "soon"],
            "send: --timeout 'soon' is not a duration (like 500ms, 90s, 2m or 1h)".into(),
        ),
        (
            &["--to", &live, "--parallel", "0"],
            "send: --parallel must be a number from 1 to 1024, not '0'".into(),
        ),
        (
            &["--to", "127.0.0.1"],
            "send: --to '127.0.0.1' is not host:port (no port)".into(),
        ),
    ];
    for (options, message) in cases {
        let args: Vec<&str> = ["send", file.as_str()]
            .iter()
            .chain(options)
            .copied()
            .collect();
        let (code, stdout, stderr) = run(&args);
        assert_eq!((code, stdout.as_str()), (2, ""), "{options:?}");
        assert_eq!(stderr, format!("loglisten: {message}\n"), "{options:?}");
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[test]
fn timeout_applies_to_a_single_target_too() {
    // Bound but never accepted: the reply never comes.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let file = temp_file("silent.json", br#"{"version": 1, "incremental": true}"#)
        .display()
        .to_string();
    let (code, stdout, stderr) = run(&["send", &file, "--port", &port, "--timeout", "200ms"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        format!(
            "loglisten: sending to 127.0.0.1:{port} failed: timed out waiting for the listener's reply\n"
        )
    );
}

#[test]
fn send_help_describes_the_fleet_options() {
    let (code, stdout, stderr) = run(&["send", "--help"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let second = stdout.lines().nth(1).unwrap();
    assert_eq!(
        second,
        "       loglisten send FILE (--to HOST:PORT ... | --targets F) [--parallel N] [--timeout D] [--key-file K]"
    );
}
