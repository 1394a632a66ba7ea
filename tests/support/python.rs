//! Running python3 to completion for the tests that compare with CPython.
//! Each returns `None` when python3 cannot be started, after saying on
//! stderr (past the harness's capture, so every run shows it) that `what`
//! was not compared: such a test then returns without asserting. Under
//! `LOGLISTEN_REQUIRE_PYTHON=1` (CI sets it) a skip fails the test instead:
//! there a comparison that quietly skips would check nothing.

use std::ffi::OsStr;
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The variable under which every skip of a CPython comparison fails.
pub const REQUIRE: &str = "LOGLISTEN_REQUIRE_PYTHON";

/// Whether `LOGLISTEN_REQUIRE_PYTHON=1` is set.
#[allow(dead_code)]
pub fn required() -> bool {
    std::env::var_os(REQUIRE).is_some_and(|v| v == "1")
}

/// Reports a comparison that cannot run: on stderr past the harness's
/// capture (`skipped: <why>`), or, under `LOGLISTEN_REQUIRE_PYTHON=1`, as
/// a panic that fails the test.
#[allow(dead_code)]
#[track_caller]
pub fn skip(why: &str) {
    if required() {
        panic!("{why}; {REQUIRE}=1 forbids skipping");
    }
    let _ = std::io::stderr().write_all(format!("skipped: {why}\n").as_bytes());
}

/// `python3 -c script` with `input` on stdin: what it printed.
/// Panics unless it succeeded and printed UTF-8.
#[allow(dead_code)]
#[track_caller]
pub fn run_python(script: &str, input: &str, what: &str) -> Option<String> {
    python_stdout(
        &[OsStr::new("-c"), OsStr::new(script)],
        &[],
        input.as_bytes(),
        what,
    )
}

/// `python3 args...` with `env` added and `input` on stdin: what it
/// printed. Panics unless it succeeded (showing its stderr) and printed UTF-8.
#[allow(dead_code)]
#[track_caller]
pub fn python_stdout(
    args: &[&OsStr],
    env: &[(&str, &str)],
    input: &[u8],
    what: &str,
) -> Option<String> {
    let output = python_output(args, env, input, what)?;
    assert!(
        output.status.success(),
        "python3 failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).expect("python3 printed UTF-8"))
}

/// `python3 -c script dir`, nothing on stdin: what it printed (for the
/// scripts that write files into `dir`).
#[allow(dead_code)]
#[track_caller]
pub fn run_python_in(script: &str, dir: &std::path::Path, what: &str) -> Option<String> {
    let args = [OsStr::new("-c"), OsStr::new(script), dir.as_os_str()];
    python_stdout(&args, &[], b"", what)
}

/// `python3 args...` with `env` added and `input` on stdin, run to the
/// end: its status, stdout and stderr, for a caller that looks at failures.
#[allow(dead_code)]
#[track_caller]
pub fn python_output(
    args: &[&OsStr],
    env: &[(&str, &str)],
    input: &[u8],
    what: &str,
) -> Option<Output> {
    let child = Command::new("python3")
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            skip(&format!(
                "python3 is not available, {what} not compared with CPython"
            ));
            return None;
        }
        Err(e) => panic!("python3 is there but could not be started: {e}"),
    };
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let input = input.to_vec();
    // Written from another thread so a full stdout pipe cannot deadlock us;
    // dropping `stdin` at its end closes it.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("python3 ran");
    // A failed python3 says more than the broken pipe it leaves the writer.
    if output.status.success() {
        writer
            .join()
            .expect("writer thread")
            .expect("wrote to python3");
    }
    Some(output)
}

/// `python3 args...` started with stdout piped (stdin closed, stderr
/// shown), for a test that talks to it while it runs: a receiver that
/// prints its port first. `None`, after saying so, without python3.
#[allow(dead_code)]
pub fn spawn_python(args: &[&OsStr], what: &str) -> Option<std::process::Child> {
    let child = Command::new("python3")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    if child.is_err() {
        let message =
            format!("skipped: python3 is not available, {what} not compared with CPython\n");
        let _ = std::io::stderr().write_all(message.as_bytes());
    }
    child.ok()
}
