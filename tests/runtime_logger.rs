//! The logging runtime through its public API: macros with source
//! location, levels and propagation, filters, `disable`, error values, and
//! handler errors that never reach the caller. Each test has a registry
//! of its own.

use loglisten::handler::{FileHandler, FileSettings, SharedBuffer, StreamHandler};
use loglisten::{Formatter, Level, NameFilter, Registry, SharedHandler};
use std::sync::Arc;

fn capture(format: &str) -> (SharedHandler, SharedBuffer) {
    let buffer = SharedBuffer::new();
    let formatter = Formatter::new(format).unwrap();
    let handler = SharedHandler::builder(StreamHandler::new(buffer.clone()))
        .formatter(formatter)
        .build();
    (handler, buffer)
}

#[test]
fn macros_capture_location_and_format_lazily() {
    let r = Registry::new();
    let log = r.get_logger("rt.macros");
    let (handler, buffer) = capture(
        "%(name)s|%(levelname)s|%(funcName)s|%(module)s|%(filename)s|%(lineno)d|%(message)s",
    );
    log.add_handler(handler.clone());
    log.set_level(Level::INFO);
    log.set_propagate(false);
    let line = line!() + 1;
    loglisten::info!(log, "hello {}", "world");
    loglisten::debug!(log, "{}", panic_if_formatted());
    assert_eq!(
        buffer.text(),
        format!("rt.macros|INFO|macros_capture_location_and_format_lazily|runtime_logger|runtime_logger.rs|{line}|hello world\n")
    );
    log.remove_handler(&handler);
}

fn panic_if_formatted() -> &'static str {
    panic!("a disabled call must not evaluate its arguments")
}

#[test]
fn records_propagate_up_to_the_first_non_propagating_logger() {
    let r = Registry::new();
    let (top, top_out) = capture("top:%(message)s");
    let (mid, mid_out) = capture("mid:%(levelname)s:%(message)s");
    let parent = r.get_logger("rt.prop");
    parent.add_handler(top.clone());
    parent.set_propagate(false);
    parent.set_level(Level::DEBUG);
    let child = r.get_logger("rt.prop.child");
    mid.set_level(Level::WARNING);
    child.add_handler(mid.clone());
    loglisten::info!(r.get_logger("rt.prop.child.leaf"), "a");
    loglisten::error!(child, "b");
    assert_eq!(top_out.text(), "top:a\ntop:b\n");
    assert_eq!(mid_out.text(), "mid:ERROR:b\n");
    assert_eq!(child.effective_level(), Level::DEBUG);
    assert_eq!(format!("{child:?}"), "<Logger rt.prop.child (DEBUG)>");
    child.set_propagate(false);
    loglisten::error!(child, "c");
    assert_eq!(
        top_out.text(),
        "top:a\ntop:b\n",
        "propagation stopped at the child"
    );
    parent.remove_handler(&top);
    child.remove_handler(&mid);
}

#[test]
fn logger_and_handler_filters_use_the_name_rule() {
    let r = Registry::new();
    let out = SharedBuffer::new();
    let handler = SharedHandler::builder(StreamHandler::new(out.clone()))
        .formatter(Formatter::new("%(name)s").unwrap())
        .filter(Arc::new(NameFilter::new("rt.filt.a")))
        .build();
    let root = r.get_logger("rt.filt");
    root.add_handler(handler.clone());
    root.set_propagate(false);
    root.set_level(Level::INFO);
    for name in ["rt.filt.a", "rt.filt.ab", "rt.filt.a.b", "rt.filt"] {
        loglisten::info!(r.get_logger(name), "x");
    }
    assert_eq!(out.text(), "rt.filt.a\nrt.filt.a.b\n");
    // A logger's own filter applies to records logged on it only.
    root.add_filter(Arc::new(NameFilter::new("nothing")));
    loglisten::info!(root, "x");
    loglisten::info!(r.get_logger("rt.filt.a"), "x");
    assert_eq!(out.text(), "rt.filt.a\nrt.filt.a.b\nrt.filt.a\n");
    root.remove_handler(&handler);
}

#[test]
fn disable_and_disabled_stop_records_at_the_call() {
    let r = Registry::new();
    let (handler, out) = capture("%(message)s");
    let log = r.get_logger("rt.disable");
    log.add_handler(handler.clone());
    log.set_propagate(false);
    log.set_level(Level::DEBUG);
    r.disable(Level::WARNING);
    loglisten::warning!(log, "dropped");
    loglisten::error!(log, "kept");
    r.disable(Level::NOTSET);
    log.set_disabled(true);
    assert!(!log.is_enabled_for(Level::CRITICAL));
    loglisten::critical!(log, "dropped too");
    log.set_disabled(false);
    assert_eq!(out.text(), "kept\n");
    log.remove_handler(&handler);
}

#[test]
fn attached_errors_are_appended_with_their_causes() {
    let r = Registry::new();
    #[derive(Debug)]
    struct Wrapped(std::io::Error);
    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("config reload failed")
        }
    }
    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    let (handler, out) = capture("%(levelname)s %(message)s");
    let log = r.get_logger("rt.error");
    log.add_handler(handler.clone());
    log.set_propagate(false);
    let error = Wrapped(std::io::Error::other("permission denied"));
    loglisten::error!(log, error = &error, "reload {}", 3);
    assert_eq!(
        out.text(),
        "ERROR reload 3\nError: config reload failed\nCaused by: permission denied\n"
    );
    log.remove_handler(&handler);
}

#[test]
fn a_failing_handler_counts_errors_and_never_fails_the_caller() {
    let r = Registry::new();
    let Ok(full) = FileHandler::new(FileSettings::new("/dev/full")) else {
        // Past the harness capture: a skip should show in every run.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            "skipped: /dev/full is not available\n".as_bytes(),
        );
        return;
    };
    let handler = SharedHandler::new(full);
    let log = r.get_logger("rt.full");
    log.add_handler(handler.clone());
    log.set_propagate(false);
    for _ in 0..3 {
        loglisten::error!(log, "disk full");
    }
    assert_eq!(handler.error_count(), 3);
    log.remove_handler(&handler);
}

/// Without any handler on the chain, WARNING and above go to stderr as the
/// bare message (CPython's lastResort). Run in a child process, whose
/// stderr the test reads.
#[test]
fn last_resort_writes_warnings_to_stderr() {
    if std::env::var_os("LOGLISTEN_LAST_RESORT_CHILD").is_some() {
        let log = loglisten::get_logger("rt.lastresort");
        log.set_propagate(false);
        loglisten::info!(log, "too low");
        loglisten::warning!(log, "shown {}", 1);
        loglisten::critical!(log, "shown {}", 2);
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "last_resort_writes_warnings_to_stderr",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("LOGLISTEN_LAST_RESORT_CHILD", "1")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("shown") || l.starts_with("too"))
        .collect();
    assert_eq!(lines, ["shown 1", "shown 2"]);
}
