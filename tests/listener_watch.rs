//! `Listener::builder().watch_file(..)`: the listener owns the watcher. The
//! file is applied to the listener's registry before `spawn` returns and
//! at each change, audited on its `loglisten` logger like a push, and the
//! watcher stops with the listener (stop, join, drop, stop_listening).

#[path = "support/audit_lines.rs"]
mod audit_lines;
#[path = "support/tempdir.rs"]
mod tempdir;

use audit_lines::Lines;

use loglisten::{Level, Listener, Registry, SharedHandler, WatchOptions};
use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};
use tempdir::TempDir;

const INTERVAL: Duration = Duration::from_millis(15);

fn config(level: &str) -> String {
    format!(
        r#"{{"version": 1, "incremental": true, "loggers": {{"app": {{"level": "{level}"}}}}}}"#
    )
}

/// What an editor does: writes a new file beside it, renames it over.
fn replace(path: &Path, text: &str) {
    let tmp = path.with_extension("swp");
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, path).unwrap();
}

fn wait_for(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(2));
    }
}

/// A registry whose `loglisten` records are kept; its generation is 2.
fn audited() -> (Registry, Lines) {
    let r = Registry::new();
    let lines = Lines::default();
    let log = r.get_logger("loglisten");
    log.add_handler(SharedHandler::new(lines.clone()));
    log.set_level(Level::INFO);
    (r, lines)
}

/// SHA-256 in hex, as `sha256sum` computes it.
fn sha256_hex(dir: &TempDir, text: &str) -> String {
    let path = dir.join("sha-input");
    fs::write(&path, text).unwrap();
    let out = std::process::Command::new("sha256sum")
        .arg(&path)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

#[test]
fn the_file_is_applied_at_spawn_and_on_change_and_audited_like_a_push() {
    let dir = TempDir::new("lw-apply");
    let path = dir.join("logging.json");
    fs::write(&path, config("ERROR")).unwrap();
    let (r, lines) = audited();
    let l = Listener::builder()
        .registry(&r)
        .port(0)
        .watch_file_with(&path, WatchOptions::default().interval(INTERVAL))
        .spawn()
        .unwrap();
    // Applied before spawn returned, to the listener's registry only.
    assert_eq!(r.get_logger("app").level(), Level::ERROR);
    assert_eq!(loglisten::get_logger("app").level(), Level::NOTSET);
    replace(&path, &config("DEBUG"));
    wait_for("the change", || r.get_logger("app").level() == Level::DEBUG);
    wait_for("its record", || lines.0.lock().unwrap().len() == 2);
    let p = path.display();
    assert_eq!(
        *lines.0.lock().unwrap(),
        [
            format!(
                "INFO applied dict config generation 3 from file {p}|op=file path={p} sha256={} \
                 generation_before=2 generation_after=3 outcome=applied dict config generation 3",
                sha256_hex(&dir, &config("ERROR"))
            ),
            format!(
                "INFO applied dict config generation 4 from file {p}|op=file path={p} sha256={} \
                 generation_before=3 generation_after=4 outcome=applied dict config generation 4",
                sha256_hex(&dir, &config("DEBUG"))
            ),
        ]
    );
    l.stop();
    l.join().unwrap();
}

/// Starts a listener watching a file that sets `app` to ERROR, at an hour
/// between polls: only the stop's wake-up ends the watcher soon. Returns
/// it with the count of holders of its callback (2 while it runs).
fn watching(r: &Registry, path: &Path) -> (Listener, Arc<()>) {
    fs::write(path, config("ERROR")).unwrap();
    let alive = Arc::new(());
    let held = Arc::clone(&alive);
    let options = WatchOptions::default()
        .interval(Duration::from_secs(3600))
        .on_outcome(move |_| {
            let _ = &held;
        });
    let l = Listener::builder()
        .registry(r)
        .port(0)
        .watch_file_with(path, options)
        .spawn()
        .unwrap();
    assert_eq!(Arc::strong_count(&alive), 2);
    (l, alive)
}

#[test]
fn the_watcher_ends_with_stop_and_join() {
    let dir = TempDir::new("lw-stop");
    let r = Registry::new();
    let (l, alive) = watching(&r, &dir.join("logging.json"));
    let start = Instant::now();
    l.stop();
    l.join().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(Arc::strong_count(&alive), 1);
}

#[test]
fn the_watcher_ends_with_drop() {
    let dir = TempDir::new("lw-drop");
    let r = Registry::new();
    let (l, alive) = watching(&r, &dir.join("logging.json"));
    let start = Instant::now();
    drop(l);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(Arc::strong_count(&alive), 1);
}

#[test]
fn a_stopped_listener_applies_no_more_versions() {
    let dir = TempDir::new("lw-after");
    let path = dir.join("logging.json");
    fs::write(&path, config("ERROR")).unwrap();
    let r = Registry::new();
    let l = Listener::builder()
        .registry(&r)
        .port(0)
        .watch_file_with(&path, WatchOptions::default().interval(INTERVAL))
        .spawn()
        .unwrap();
    l.stop();
    replace(&path, &config("DEBUG"));
    thread::sleep(INTERVAL * 15);
    assert_eq!(r.get_logger("app").level(), Level::ERROR);
    l.join().unwrap();
}

#[test]
fn a_listener_that_cannot_bind_watches_nothing() {
    let dir = TempDir::new("lw-bind");
    let path = dir.join("logging.json");
    fs::write(&path, config("ERROR")).unwrap();
    let r = Registry::new();
    let first = Listener::builder().registry(&r).port(0).spawn().unwrap();
    let busy = Listener::builder()
        .registry(&r)
        .port(first.port())
        .watch_file(&path)
        .spawn();
    assert!(busy.is_err());
    assert_eq!(r.get_logger("app").level(), Level::NOTSET);
}
