//! `loglisten send` against listeners in this process, run as the built
//! binary.

use loglisten::{get_logger, Level, Listener};
use std::io::Read;
use std::net::TcpListener;

#[path = "support/cli.rs"]
mod cli;
use cli::{run, temp_file};

fn level_config(name: &str, logger: &str, level: &str) -> String {
    let config = format!(
        r#"{{"version": 1, "incremental": true, "loggers": {{"{logger}": {{"level": "{level}"}}}}}}"#
    );
    temp_file(name, config.as_bytes()).display().to_string()
}

#[test]
fn send_prints_the_reply_and_exits_by_it() {
    let l = Listener::builder().port(0).spawn().unwrap();
    let port = l.port().to_string();
    let file = level_config("ok.json", "cli.send", "ERROR");
    let (code, stdout, stderr) = run(&["send", &file, "--port", &port]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(stdout.starts_with("ok dict "), "{stdout}");
    assert_eq!(get_logger("cli.send").level(), Level::ERROR);

    let bad = temp_file("bad.json", br#"{"version": 7}"#)
        .display()
        .to_string();
    let (code, stdout, stderr) = run(&["send", &bad, "--host", "127.0.0.1", "--port", &port]);
    assert_eq!(code, 1);
    assert_eq!(stdout, "error: version: Unsupported version: 7\n");
    assert_eq!(
        stderr,
        format!("loglisten: 127.0.0.1:{port} did not apply {bad}\n")
    );
}

#[test]
fn send_signs_with_a_key_file() {
    let l = Listener::builder()
        .port(0)
        .verify(loglisten::verify::hmac_sha256(b"cli secret".to_vec()))
        .spawn()
        .unwrap();
    let port = l.port().to_string();
    let file = level_config("signed.json", "cli.signed", "WARNING");
    let (code, stdout, _) = run(&["send", &file, "--port", &port]);
    assert_eq!((code, stdout.as_str()), (1, "rejected\n"));
    // A trailing newline in the key file is not part of the key.
    let key = temp_file("key", b"cli secret\n").display().to_string();
    let (code, stdout, _) = run(&["send", &file, "--port", &port, "--key-file", &key]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("ok dict "), "{stdout}");
    assert_eq!(get_logger("cli.signed").level(), Level::WARNING);
}

#[cfg(unix)]
#[test]
fn send_over_a_unix_socket() {
    let path = std::env::temp_dir().join(format!("loglisten-cli-{}.sock", std::process::id()));
    let l = Listener::builder().unix_socket(&path).spawn().unwrap();
    let file = level_config("unix.json", "cli.unix", "CRITICAL");
    let (code, stdout, _) = run(&["send", &file, "--unix", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("ok dict "), "{stdout}");
    assert_eq!(get_logger("cli.unix").level(), Level::CRITICAL);
    drop(l);
}

#[test]
fn a_listener_without_replies_is_an_unknown_outcome() {
    // CPython's listener reads the message and closes.
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port().to_string();
    let reader = std::thread::spawn(move || {
        let (mut s, _) = server.accept().unwrap();
        let mut len = [0u8; 4];
        s.read_exact(&mut len).unwrap();
        let mut payload = vec![0u8; u32::from_be_bytes(len) as usize];
        s.read_exact(&mut payload).unwrap();
        payload
    });
    let file = level_config("noack.json", "cli.noack", "INFO");
    let (code, stdout, stderr) = run(&["send", &file, "--port", &port]);
    assert_eq!(code, 3, "distinct from applied (0) and refused (1)");
    assert_eq!(
        stderr,
        format!(
            "loglisten: 127.0.0.1:{port} closed without a reply: whether {file} was applied is unknown\n"
        )
    );
    assert_eq!(
        stdout,
        "sent; no reply: the outcome is unknown (CPython's listener answers nothing)\n"
    );
    assert_eq!(reader.join().unwrap(), std::fs::read(&file).unwrap());
}

#[test]
fn send_failures_are_one_line() {
    // A port nothing listens on: bind one, note it, close it.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port().to_string()
    };
    let file = level_config("nowhere.json", "cli.nowhere", "INFO");
    let (code, stdout, stderr) = run(&["send", &file, "--port", &port]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        format!(
            "loglisten: sending to 127.0.0.1:{port} failed: Connection refused (os error 111)\n"
        )
    );
    let cases: [(&[&str], i32, &str); 4] = [
        (&["send"], 2, "send: FILE is missing"),
        (
            &["send", "f", "--unix", "/x", "--port", "1"],
            2,
            "send: --unix cannot be combined with --host or --port",
        ),
        (
            &["send", "f", "--key"],
            2,
            "send: unknown option '--key' (try loglisten send --help)",
        ),
        (
            &["send", "/nonexistent/f"],
            1,
            "cannot read /nonexistent/f: No such file or directory (os error 2)",
        ),
    ];
    for (args, want_code, message) in cases {
        let (code, stdout, stderr) = run(args);
        assert_eq!((code, stdout.as_str()), (want_code, ""), "{args:?}");
        assert_eq!(stderr, format!("loglisten: {message}\n"), "{args:?}");
    }
}
