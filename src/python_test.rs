//! For unit tests that compare with CPython: run `python3 -c script` with
//! `input` on stdin and return what it printed. Skipped when python3 is
//! absent, except under `LOGLISTEN_REQUIRE_PYTHON=1` (CI), where the skip
//! fails the test.

use std::io::Write;
use std::process::{Command, Stdio};

/// `None` when python3 is not installed, after saying on stderr (past the
/// harness's capture, so every run shows it) that `what` was skipped; a
/// panic instead under `LOGLISTEN_REQUIRE_PYTHON=1`.
pub(crate) fn run_python(script: &str, input: &str, what: &str) -> Option<String> {
    let child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let why = format!("python3 is not available, {what} not compared with CPython");
            if std::env::var_os("LOGLISTEN_REQUIRE_PYTHON").is_some_and(|v| v == "1") {
                panic!("{why}; LOGLISTEN_REQUIRE_PYTHON=1 forbids skipping");
            }
            let _ = std::io::stderr().write_all(format!("skipped: {why}\n").as_bytes());
            return None;
        }
        Err(e) => panic!("python3 is there but could not be started: {e}"),
    };
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let input = input.to_owned();
    // Written from another thread so a full stdout pipe cannot deadlock us.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("python3 ran");
    writer
        .join()
        .expect("writer thread")
        .expect("wrote to python3");
    assert!(output.status.success(), "python3 failed");
    Some(String::from_utf8(output.stdout).expect("python3 printed UTF-8"))
}
