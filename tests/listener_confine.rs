//! Destination policy: a listener built with `allow_dirs` and
//! `allow_hosts` refuses, whole, a configuration whose file handler lies
//! outside the directories (`..` and symlinks resolved) or whose syslog
//! handler names another host; inside them it applies as usual.

#[path = "support/tempdir.rs"]
mod tempdir;

use loglisten::{send_config, Listener, Reply};
use std::path::Path;
use tempdir::TempDir;

fn file_config(handlers: &[(&str, &Path)]) -> String {
    let entries: Vec<String> = handlers
        .iter()
        .map(|(name, path)| {
            format!(
                r#""{name}": {{"class": "logging.FileHandler", "filename": {:?}}}"#,
                path.display().to_string()
            )
        })
        .collect();
    let names: Vec<String> = handlers.iter().map(|(n, _)| format!("{n:?}")).collect();
    format!(
        r#"{{"version": 1, "disable_existing_loggers": false, "handlers": {{{}}},
            "loggers": {{"confine.app": {{"handlers": [{}]}}}}}}"#,
        entries.join(", "),
        names.join(", ")
    )
}

#[test]
fn configs_that_leave_the_allowed_places_are_refused_whole() {
    let dir = TempDir::new("confine");
    let logs = dir.join("logs");
    let other = dir.join("other");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::create_dir_all(&other).unwrap();
    std::os::unix::fs::symlink(other.join("t.log"), logs.join("link.log")).unwrap();
    let l = Listener::builder()
        .port(0)
        .allow_dirs([&logs])
        .allow_hosts(["127.0.0.1"])
        .spawn()
        .unwrap();
    let send = |config: &str| send_config(("127.0.0.1", l.port()), config.as_bytes()).unwrap();
    let inside = logs.join("a.log");
    let outside = |shown: &Path| {
        Reply::Error(format!(
            "handlers.b: '{}' is outside the allowed directories",
            shown.display()
        ))
    };
    // Elsewhere, through `..`, through a symlink: refused, nothing created.
    for (written, shown) in [
        (other.join("b.log"), other.join("b.log")),
        (logs.join("../other/b.log"), other.join("b.log")),
        (logs.join("link.log"), logs.join("link.log")),
    ] {
        let config = file_config(&[("a", &inside), ("b", &written)]);
        assert_eq!(send(&config), outside(&shown), "{}", written.display());
        assert!(!inside.exists(), "the handler inside was undone");
        assert!(!other.join("b.log").exists() && !other.join("t.log").exists());
    }
    let syslog = r#"{"version": 1, "handlers": {"s": {"class": "logging.handlers.SysLogHandler",
        "address": ["10.0.0.1", 514]}}, "loggers": {"confine.app": {"handlers": ["s"]}}}"#;
    assert_eq!(
        send(syslog),
        Reply::Error("handlers.s: host '10.0.0.1' is not an allowed destination".into())
    );
    // Inside: applied.
    let reply = send(&file_config(&[("a", &inside)]));
    assert!(matches!(reply, Reply::Ok { .. }), "{reply}");
    assert!(inside.exists());
    let local = r#"{"version": 1, "disable_existing_loggers": false, "handlers": {"s":
        {"class": "logging.handlers.SysLogHandler", "address": ["127.0.0.1", 9]}},
        "loggers": {"confine.app": {"handlers": ["s"]}}}"#;
    let reply = send(local);
    assert!(matches!(reply, Reply::Ok { .. }), "{reply}");
}

#[test]
fn an_allowed_directory_must_exist() {
    let err = Listener::builder()
        .port(0)
        .allow_dirs(["/nonexistent/loglisten-logs"])
        .spawn()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "allowed directory /nonexistent/loglisten-logs: No such file or directory (os error 2)"
    );
}
