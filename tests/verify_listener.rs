//! Signed messages over a real listener: applied once, refused when
//! replayed, stale or from the future; `loglisten send --key-file`; and the
//! README's Python sender, run as printed there.

use loglisten::verify::{hmac_sha256, sign, sign_at};
use loglisten::{get_logger, send_config_with, Level, Listener, Reply, SendOptions};
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, SystemTime};

#[path = "support/cli.rs"]
mod cli;
#[path = "support/python.rs"]
mod python;

fn level_config(logger: &str, level: &str) -> Vec<u8> {
    format!(
        r#"{{"version": 1, "incremental": true, "loggers": {{"{logger}": {{"level": "{level}"}}}}}}"#
    )
    .into_bytes()
}

fn signed_listener(key: &[u8]) -> Listener {
    Listener::builder()
        .port(0)
        .verify(hmac_sha256(key.to_vec()))
        .spawn()
        .unwrap()
}

/// Sends `payload` in one frame, as captured bytes would be replayed, and
/// returns the listener's status line.
fn send_raw(port: u16, payload: &[u8]) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut frame = (payload.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(payload);
    s.write_all(&frame).unwrap();
    let mut len = [0u8; 4];
    s.read_exact(&mut len).unwrap();
    let mut reply = vec![0u8; u32::from_be_bytes(len) as usize];
    s.read_exact(&mut reply).unwrap();
    String::from_utf8(reply).unwrap()
}

#[test]
fn a_captured_frame_cannot_be_replayed() {
    // Issue 10's reproduction: signed A (ERROR), signed B (DEBUG), then A's
    // frame again.
    let key = b"replay secret";
    let l = signed_listener(key);
    let log = get_logger("verify.replay");
    let a = sign(key, &level_config("verify.replay", "ERROR"));
    assert!(send_raw(l.port(), &a).starts_with("ok dict "));
    assert_eq!(log.level(), Level::ERROR);
    let signed = SendOptions {
        key: Some(key.to_vec()),
        ..SendOptions::default()
    };
    let b = level_config("verify.replay", "DEBUG");
    let reply = send_config_with(("127.0.0.1", l.port()), &b, &signed).unwrap();
    assert!(matches!(reply, Reply::Ok { .. }), "{reply:?}");
    assert_eq!(log.level(), Level::DEBUG);
    assert_eq!(send_raw(l.port(), &a), "rejected");
    assert_eq!(log.level(), Level::DEBUG);
    // B sent again through the client is a new message: applied.
    let reply = send_config_with(("127.0.0.1", l.port()), &b, &signed).unwrap();
    assert!(matches!(reply, Reply::Ok { .. }), "{reply:?}");
}

#[test]
fn stale_future_and_foreign_frames_are_rejected() {
    let key = b"window secret";
    let l = signed_listener(key);
    let log = get_logger("verify.window");
    log.set_level(Level::CRITICAL);
    let config = level_config("verify.window", "INFO");
    let now = SystemTime::now();
    let cases: [(&str, Vec<u8>); 5] = [
        (
            "two minutes old",
            sign_at(key, &config, now - Duration::from_secs(120), [1; 16]),
        ),
        (
            "two minutes ahead",
            sign_at(key, &config, now + Duration::from_secs(120), [2; 16]),
        ),
        ("another key", sign(b"other secret", &config)),
        ("unsigned", config.clone()),
        ("the old format", {
            let mut old = loglisten::verify::hmac_sha256_tag(key, &config).to_vec();
            old.extend_from_slice(&config);
            old
        }),
    ];
    for (what, frame) in cases {
        assert_eq!(send_raw(l.port(), &frame), "rejected", "{what}");
        assert_eq!(log.level(), Level::CRITICAL, "{what}");
    }
    // Within the window either way: applied.
    let early = sign_at(key, &config, now - Duration::from_secs(30), [3; 16]);
    assert!(send_raw(l.port(), &early).starts_with("ok dict "));
    assert_eq!(log.level(), Level::INFO);
    let late = sign_at(
        key,
        &level_config("verify.window", "WARNING"),
        now + Duration::from_secs(30),
        [4; 16],
    );
    assert!(send_raw(l.port(), &late).starts_with("ok dict "));
    assert_eq!(log.level(), Level::WARNING);
}

#[test]
fn send_with_a_key_file_signs_each_send_afresh() {
    let l = signed_listener(b"cli replay secret");
    let port = l.port().to_string();
    let config = cli::temp_file("verify-fresh.json", &level_config("verify.cli", "ERROR"));
    let key = cli::temp_file("verify-fresh.key", b"cli replay secret\r\n");
    let (config, key) = (config.display().to_string(), key.display().to_string());
    for round in 0..3 {
        let (code, stdout, stderr) =
            cli::run(&["send", &config, "--port", &port, "--key-file", &key]);
        assert_eq!((code, stderr.as_str()), (0, ""), "round {round}");
        assert!(stdout.starts_with("ok dict "), "round {round}: {stdout}");
    }
    assert_eq!(get_logger("verify.cli").level(), Level::ERROR);

    let empty = cli::temp_file("verify-empty.key", b"\n")
        .display()
        .to_string();
    let (code, stdout, stderr) =
        cli::run(&["send", &config, "--port", &port, "--key-file", &empty]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        format!("loglisten: send: key file {empty} is empty\n")
    );
}

/// The first ```python block of README.md's section on signed messages.
fn readme_sender() -> String {
    let readme = include_str!("../README.md");
    let section = &readme[readme.find("### Signed messages").expect("the section")..];
    let start = section.find("```python\n").expect("a python block") + "```python\n".len();
    let len = section[start..].find("```").expect("the block's end");
    section[start..start + len].to_string()
}

#[test]
fn the_readme_python_sender_is_applied() {
    let sender = readme_sender();
    assert!(sender.lines().count() <= 14, "a short client:\n{sender}");
    let key = b"python sender secret";
    let l = signed_listener(key);
    let log = get_logger("verify.python");
    log.set_level(Level::CRITICAL);
    let script = cli::temp_file("send_signed.py", sender.as_bytes());
    let key_file = cli::temp_file("python.key", b"python sender secret\n");
    let config = cli::temp_file("python.json", &level_config("verify.python", "DEBUG"));
    let port = l.port().to_string();
    let args = [
        script.as_os_str(),
        key_file.as_os_str(),
        config.as_os_str(),
        OsStr::new(&port),
    ];
    let Some(out) = python::python_stdout(&args, &[], b"", "the README's signed sender") else {
        return;
    };
    assert!(out.starts_with("ok dict "), "{out}");
    assert_eq!(log.level(), Level::DEBUG);
    // Sent again, it is a new message (a new nonce): applied again.
    log.set_level(Level::CRITICAL);
    let out = python::python_stdout(&args, &[], b"", "the README's signed sender").unwrap();
    assert!(out.starts_with("ok dict "), "{out}");
    assert_eq!(log.level(), Level::DEBUG);
    // Under another key: rejected, nothing changed.
    log.set_level(Level::CRITICAL);
    let other = cli::temp_file("python-other.key", b"another secret");
    let args = [args[0], other.as_os_str(), args[2], args[3]];
    let out = python::python_stdout(&args, &[], b"", "the README's signed sender").unwrap();
    assert_eq!(out, "rejected\n");
    assert_eq!(log.level(), Level::CRITICAL);
}
