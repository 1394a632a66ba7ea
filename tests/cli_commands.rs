//! `loglisten get`, `set`, `reset` and `send --if-generation/--dry-run`
//! against listeners in this process, run as the built binary.

use loglisten::{Level, Listener, Registry};
use std::io::Read;
use std::net::TcpListener;

#[path = "support/cli.rs"]
mod cli;
use cli::{run, temp_file};

fn listener(r: &Registry) -> (Listener, String) {
    let l = Listener::builder().registry(r).port(0).spawn().unwrap();
    let port = l.port().to_string();
    (l, port)
}

#[test]
fn set_get_reset_print_the_logger_table() {
    let r = Registry::new();
    r.dict_config_str(
        r#"{"version": 1, "handlers": {"console": {"class": "logging.NullHandler"}},
            "loggers": {"app.db": {"level": "ERROR", "handlers": ["console"]}}}"#,
    )
    .unwrap();
    let (_l, port) = listener(&r);
    let (code, stdout, stderr) = run(&["set", "app.db", "DEBUG", "--for", "90s", "--port", &port]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(
        stdout,
        "ok set 2\n\
         LOGGER  LEVEL  EFFECTIVE  OVERRIDE          HANDLERS\n\
         app.db  ERROR  DEBUG      DEBUG 1m30s left  console\n"
    );
    assert!(r.get_logger("app.db").is_enabled_for(Level::DEBUG));

    let (code, stdout, stderr) = run(&["get", "--port", &port]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    // Seconds pass between the two commands on a loaded machine.
    let stdout = (20..30).fold(stdout, |s, n| s.replace(&format!("1m{n}s"), "1m30s"));
    assert_eq!(
        stdout,
        "generation 2\n\
         LOGGER     LEVEL    EFFECTIVE  OVERRIDE          HANDLERS\n\
         root       WARNING  WARNING    -                 -\n\
         app.db     ERROR    DEBUG      DEBUG 1m30s left  console\n\
         loglisten  NOTSET   WARNING    -                 -\n"
    );
    let (code, stdout, _) = run(&["get", "--json", "--port", &port]);
    assert_eq!(code, 0);
    let view = loglisten::json::parse(&stdout).unwrap();
    assert_eq!(view.get("generation").unwrap().as_u64(), Some(2));
    let db = view.get("overrides").unwrap().get("app.db").unwrap();
    assert_eq!(db.get("ttl_s").unwrap().as_u64(), Some(90));

    let (code, stdout, _) = run(&["set", "root", "ERROR", "--until-reset", "--port", &port]);
    assert_eq!(code, 0);
    assert!(stdout.contains("ERROR until reset"), "{stdout}");
    let (code, stdout, _) = run(&["reset", "app.db", "--port", &port]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "ok reset 4\n\
         LOGGER  LEVEL  EFFECTIVE  OVERRIDE  HANDLERS\n\
         app.db  ERROR  ERROR      -         console\n"
    );
    let (code, stdout, _) = run(&["reset", "--port", &port]);
    assert_eq!((code, stdout.as_str()), (0, "ok reset 5\n"));
    assert_eq!(r.get_logger("").effective_level(), Level::WARNING);

    let (code, stdout, stderr) = run(&["reset", "nobody", "--port", &port]);
    assert_eq!(code, 1);
    assert_eq!(stdout, "error: logger: no logger named 'nobody'\n");
    assert_eq!(
        stderr,
        format!("loglisten: 127.0.0.1:{port} did not reset nobody\n")
    );
}

#[test]
fn send_with_preconditions_and_dry_run() {
    let r = Registry::new();
    let (_l, port) = listener(&r);
    let file = temp_file("cas.json", br#"{"version": 1, "root": {"level": "INFO"}}"#);
    let file = file.display().to_string();
    let (code, stdout, _) = run(&["send", &file, "--dry-run", "--port", &port]);
    assert_eq!((code, stdout.as_str()), (0, "ok check\n"));
    assert_eq!(r.config_generation(), 0);
    let (code, stdout, stderr) = run(&["send", &file, "--if-generation", "3", "--port", &port]);
    assert_eq!(
        (code, stdout.as_str()),
        (1, "error: generation is 0, not 3\n")
    );
    assert_eq!(
        stderr,
        format!("loglisten: 127.0.0.1:{port} did not apply {file}\n")
    );
    let (code, stdout, _) = run(&["send", &file, "--if-generation", "0", "--port", &port]);
    assert_eq!((code, stdout.as_str()), (0, "ok dict 1\n"));
    assert_eq!(r.get_logger("").level(), Level::INFO);
    let bad = temp_file(
        "dry-bad.json",
        br#"{"version": 1, "root": {"level": "LOUD"}}"#,
    );
    let bad = bad.display().to_string();
    let (code, real, _) = run(&["send", &bad, "--port", &port]);
    assert_eq!(code, 1);
    let (code, dry, _) = run(&["send", &bad, "--dry-run", "--port", &port]);
    assert_eq!((code, dry), (1, real));
}

#[test]
fn a_fleet_gets_sets_and_resets() {
    let registries: Vec<Registry> = (0..3).map(|_| Registry::new()).collect();
    let listeners: Vec<(Listener, String)> = registries.iter().map(listener).collect();
    let mut args: Vec<String> = vec!["set".into(), "fleet.x".into(), "INFO".into()];
    for (_, port) in &listeners {
        args.push("--to".into());
        args.push(format!("127.0.0.1:{port}"));
    }
    let strs: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut set = strs.clone();
    set.push("--until-reset");
    let (code, stdout, _) = run(&set);
    assert_eq!(code, 0);
    let want: String = listeners
        .iter()
        .map(|(_, p)| format!("127.0.0.1:{p}  ok set 1\n"))
        .collect::<String>()
        + "3 targets: 3 ok, 0 failed\n";
    assert_eq!(stdout, want);
    for r in &registries {
        assert!(r.get_logger("fleet.x").is_enabled_for(Level::INFO));
    }
    let mut get = strs.clone();
    get.splice(0..3, ["get"]);
    let (code, stdout, _) = run(&get);
    assert_eq!(code, 0);
    // Each target's line, its table below it, then the summary.
    let want: String = listeners
        .iter()
        .map(|(_, p)| {
            format!(
                "127.0.0.1:{p}  ok get 1\n  \
                 generation 1\n  \
                 LOGGER     LEVEL    EFFECTIVE  OVERRIDE          HANDLERS\n  \
                 root       WARNING  WARNING    -                 -\n  \
                 loglisten  NOTSET   WARNING    -                 -\n  \
                 fleet.x    NOTSET   INFO       INFO until reset  -\n"
            )
        })
        .collect::<String>()
        + "3 targets: 3 ok, 0 failed\n";
    assert_eq!(stdout, want);
    // A target that is down: its line says so, and no table.
    let down = TcpListener::bind("127.0.0.1:0").unwrap();
    let down_port = down.local_addr().unwrap().port();
    drop(down);
    let (_, first_port) = &listeners[0];
    let to_first = format!("127.0.0.1:{first_port}");
    let to_down = format!("127.0.0.1:{down_port}");
    let (code, stdout, stderr) = run(&["get", "--to", &to_first, "--to", &to_down, "--json"]);
    assert_eq!(code, 1);
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some(format!("{to_first}  ok get 1").as_str()));
    let json = lines.next().unwrap().strip_prefix("  ").unwrap();
    assert_eq!(json, registries[0].live_view().to_json().to_string());
    let down_line = lines.next().unwrap();
    assert!(
        down_line.starts_with(&format!("{to_down}  no reply: ")),
        "{down_line}"
    );
    assert_eq!(lines.next(), Some("2 targets: 1 ok, 1 failed"));
    assert_eq!(lines.next(), None);
    assert_eq!(stderr, "loglisten: 1 of 2 failed to get\n");
    let mut reset = strs.clone();
    reset.splice(0..3, ["reset", "fleet.nope"]);
    let (code, stdout, stderr) = run(&reset);
    assert_eq!(code, 1);
    assert!(stdout.ends_with("3 targets: 0 ok, 3 failed\n"), "{stdout}");
    assert_eq!(stderr, "loglisten: 3 of 3 failed to reset fleet.nope\n");
}

#[test]
fn set_sends_a_level_name_for_the_listener_to_resolve() {
    // A name this listener's program registered; the command's process
    // (the binary) has never heard of it.
    loglisten::add_level_name(Level(15), "VERBOSE");
    let r = Registry::new();
    let (_l, port) = listener(&r);
    let (code, stdout, stderr) = run(&["set", "app", "VERBOSE", "--until-reset", "--port", &port]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(
        stdout,
        "ok set 1\n\
         LOGGER  LEVEL   EFFECTIVE  OVERRIDE             HANDLERS\n\
         app     NOTSET  VERBOSE    VERBOSE until reset  -\n"
    );
    assert_eq!(r.get_logger("app").effective_level(), Level(15));
    let (code, stdout, _) = run(&["set", "app", "TRACE", "--until-reset", "--port", &port]);
    assert_eq!(code, 0);
    assert!(stdout.contains("TRACE until reset"), "{stdout}");
    assert_eq!(r.get_logger("app").effective_level(), Level::TRACE);
    // A name it does not know either: its error, nothing changed.
    let (code, stdout, stderr) = run(&["set", "app", "LOUD", "--port", &port]);
    assert_eq!(code, 1);
    assert_eq!(stdout, "error: level: unknown level \"LOUD\"\n");
    assert_eq!(
        stderr,
        format!("loglisten: 127.0.0.1:{port} did not set app\n")
    );
    assert_eq!(r.get_logger("app").effective_level(), Level::TRACE);
    assert_eq!(r.config_generation(), 2);
}

#[test]
fn usage_errors_and_no_reply() {
    let cases: [(&[&str], &str); 6] = [
        (&["set", "a"], "set: LOGGER and LEVEL are needed"),
        (
            &["set", "a", "DEBUG", "--for", "1x"],
            "set: --for '1x' is not a duration (like 500ms, 90s, 2m or 1h)",
        ),
        (
            &["set", "a", "DEBUG", "--for", "1m", "--until-reset"],
            "set: --for and --until-reset exclude each other",
        ),
        (&["get", "x"], "get: unexpected argument 'x'"),
        (&["reset", "a", "b"], "reset: unexpected argument 'b'"),
        (
            &["send", "f", "--if-generation", "-1"],
            "send: --if-generation must be a whole number from 0, not '-1'",
        ),
    ];
    for (args, message) in cases {
        let (code, stdout, stderr) = run(args);
        assert_eq!((code, stdout.as_str()), (2, ""), "{args:?}");
        assert_eq!(stderr, format!("loglisten: {message}\n"), "{args:?}");
    }
    // A peer that reads the message and closes without a reply.
    let mute = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = mute.local_addr().unwrap().port().to_string();
    let t = std::thread::spawn(move || {
        let (mut s, _) = mute.accept().unwrap();
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).unwrap();
        let mut rest = vec![0u8; u32::from_be_bytes(buf) as usize];
        s.read_exact(&mut rest).unwrap();
    });
    let (code, stdout, stderr) = run(&["get", "--port", &port]);
    t.join().unwrap();
    assert_eq!(code, 3);
    assert!(stdout.starts_with("sent; no reply"), "{stdout}");
    assert_eq!(
        stderr,
        format!(
            "loglisten: 127.0.0.1:{port} closed without a reply: whether it did get is unknown\n"
        )
    );
}

#[test]
fn commands_sign_with_a_key_file() {
    let r = Registry::new();
    let l = Listener::builder()
        .registry(&r)
        .port(0)
        .verify(loglisten::verify::hmac_sha256(b"cmd key".to_vec()))
        .spawn()
        .unwrap();
    let port = l.port().to_string();
    let (code, stdout, _) = run(&["set", "k", "DEBUG", "--port", &port]);
    assert_eq!((code, stdout.as_str()), (1, "rejected\n"));
    let key = temp_file("cmd-key", b"cmd key\n").display().to_string();
    let (code, stdout, _) = run(&["set", "k", "DEBUG", "--port", &port, "--key-file", &key]);
    assert_eq!(code, 0, "{stdout}");
    assert!(r.get_logger("k").is_enabled_for(Level::DEBUG));
}
