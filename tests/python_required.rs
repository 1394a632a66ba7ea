//! The CPython comparisons skip when python3 is absent, and fail instead
//! under `LOGLISTEN_REQUIRE_PYTHON=1` (what `.ci/run` sets). Checked by
//! running this test binary again, on one test, with no python3 on `PATH`.

#[path = "support/python.rs"]
mod python;

use std::process::Command;

/// The comparison the driver re-runs: python3 prints what it is told.
#[test]
fn probe_compares_with_python() {
    if let Some(out) = python::run_python("print(input())", "42\n", "the probe") {
        assert_eq!(out, "42\n");
    }
}

/// Runs `probe_compares_with_python` in a child with an empty `PATH`, with
/// or without the variable: (passed, stdout + stderr).
fn probe_without_python(require: bool) -> (bool, String) {
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args(["--exact", "probe_compares_with_python", "--nocapture"])
        .env("PATH", "/nonexistent-loglisten-test")
        .env_remove(python::REQUIRE);
    if require {
        child.env(python::REQUIRE, "1");
    }
    let out = child.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn a_missing_python_skips_with_a_message() {
    let (passed, text) = probe_without_python(false);
    assert!(passed, "{text}");
    assert!(
        text.contains("skipped: python3 is not available, the probe not compared with CPython"),
        "{text}"
    );
}

#[test]
fn a_missing_python_fails_when_python_is_required() {
    let (passed, text) = probe_without_python(true);
    assert!(!passed, "{text}");
    assert!(
        text.contains(
            "python3 is not available, the probe not compared with CPython; \
             LOGLISTEN_REQUIRE_PYTHON=1 forbids skipping"
        ),
        "{text}"
    );
    assert!(!text.contains("skipped:"), "{text}");
}
