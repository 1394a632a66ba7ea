//! `watch_file`: each version of a config file applied once, however it is
//! replaced (in place, renamed over, a Kubernetes ConfigMap symlink swap),
//! problems reported once with the running config untouched, and a watcher
//! that stops at once.
//!
//! The tests share the global registry: each uses loggers of its own
//! (`watch.<test>`) and incremental dictConfigs, which touch nothing else.

#[path = "support/tempdir.rs"]
mod tempdir;

use loglisten::{get_logger, ConfigKind, Level, WatchOptions, WatchOutcome};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use tempdir::TempDir;

const INTERVAL: Duration = Duration::from_millis(15);

/// Every outcome the watcher reported, in order.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<WatchOutcome>>>);

impl Seen {
    fn options(&self) -> WatchOptions {
        let seen = self.clone();
        WatchOptions::default()
            .interval(INTERVAL)
            .on_outcome(move |o| seen.0.lock().unwrap().push(o.clone()))
    }

    fn all(&self) -> Vec<WatchOutcome> {
        self.0.lock().unwrap().clone()
    }

    /// Waits until `n` outcomes were reported (the callback runs after
    /// the apply step, so a level can change before it is called).
    fn wait(&self, n: usize) {
        wait_for(&format!("{n} outcomes"), || self.all().len() >= n);
    }

    fn applied(&self) -> usize {
        self.all()
            .iter()
            .filter(|o| matches!(o, WatchOutcome::Applied { .. }))
            .count()
    }

    /// The outcomes with generations blanked (other tests move them).
    fn kinds(&self) -> Vec<WatchOutcome> {
        self.all()
            .into_iter()
            .map(|o| match o {
                WatchOutcome::Applied { kind, .. } => WatchOutcome::Applied {
                    kind,
                    generation: 0,
                },
                other => other,
            })
            .collect()
    }
}

const DICT: WatchOutcome = WatchOutcome::Applied {
    kind: ConfigKind::Dict,
    generation: 0,
};

/// An incremental dictConfig setting one logger's level, always the same
/// length whatever the level, so that an in-place rewrite keeps the size.
fn config(logger: &str, level: &str) -> String {
    let pad = " ".repeat(8 - level.len());
    format!(
        r#"{{"version": 1, "incremental": true, "loggers": {{"{logger}": {{"level": "{level}"{pad}}}}}}}"#
    )
}

/// Rewrites the file in place: same inode, same size, one write.
fn overwrite(path: &Path, text: &str) {
    assert_eq!(fs::metadata(path).unwrap().len(), text.len() as u64);
    let mut file = OpenOptions::new().write(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

/// What an editor does: writes a new file beside it, renames it over.
fn replace(path: &Path, text: &str) {
    let tmp = path.with_extension("swp");
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, path).unwrap();
}

/// A modification time an hour ago, the same for every file, as `rsync -t`
/// or `cp -p` leave it: it tells nothing. (The unit tests in
/// src/watch/poll.rs show that the identity alone reveals each change; here
/// the change time is recent, so the bytes are compared too.)
fn age(path: &Path) {
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    let old = std::time::UNIX_EPOCH
        + Duration::from_secs(old.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs());
    let file = OpenOptions::new().write(true).open(path).unwrap();
    file.set_modified(old).unwrap();
}

fn wait_for(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(2));
    }
}

/// Lets the watcher poll many times, to show that nothing more happens.
/// (Only for asserting an absence: a positive wait is `wait_for`.)
fn quiet() {
    thread::sleep(INTERVAL * 15);
}

fn level(name: &str) -> Level {
    get_logger(name).level()
}

#[test]
fn first_version_is_applied_before_watch_file_returns() {
    let dir = TempDir::new("watch-first");
    let path = dir.join("logging.json");
    fs::write(&path, config("watch.first", "DEBUG")).unwrap();
    let seen = Seen::default();
    let watcher = loglisten::watch_file(&path, seen.options()).unwrap();
    assert_eq!(level("watch.first"), Level::DEBUG);
    assert_eq!(seen.kinds(), vec![DICT]);
    quiet();
    assert_eq!(seen.kinds(), vec![DICT]);
    drop(watcher);
}

#[test]
fn each_in_place_change_is_applied_once() {
    let dir = TempDir::new("watch-inplace");
    let path = dir.join("logging.json");
    fs::write(&path, config("watch.inplace", "WARNING")).unwrap();
    let seen = Seen::default();
    let _watcher = loglisten::watch_file(&path, seen.options()).unwrap();
    assert_eq!(level("watch.inplace"), Level::WARNING);
    let versions = [
        ("ERROR", Level::ERROR),
        ("DEBUG", Level::DEBUG),
        ("CRITICAL", Level::CRITICAL),
        ("INFO", Level::INFO),
    ];
    for (n, (name, expected)) in versions.into_iter().enumerate() {
        overwrite(&path, &config("watch.inplace", name));
        seen.wait(n + 2);
        assert_eq!(level("watch.inplace"), expected, "{name}");
        assert_eq!(seen.applied(), n + 2, "after {name}");
    }
    quiet();
    assert_eq!(seen.kinds(), vec![DICT; 5]);
}

/// An in-place rewrite that puts the modification time back (`touch -r`,
/// `rsync -t`): the change time still moves.
#[cfg(unix)]
#[test]
fn in_place_change_that_keeps_size_and_mtime_is_applied() {
    let dir = TempDir::new("watch-mtime");
    let path = dir.join("logging.json");
    fs::write(&path, config("watch.mtime", "ERROR")).unwrap();
    age(&path);
    let seen = Seen::default();
    let _watcher = loglisten::watch_file(&path, seen.options()).unwrap();
    quiet(); // the version settles: polls now compare the identity only
    overwrite(&path, &config("watch.mtime", "DEBUG"));
    age(&path);
    seen.wait(2);
    assert_eq!(level("watch.mtime"), Level::DEBUG);
    quiet();
    assert_eq!(seen.kinds(), vec![DICT, DICT]);
}

#[test]
fn identical_rewrite_is_not_applied() {
    let dir = TempDir::new("watch-same");
    let path = dir.join("logging.json");
    let text = config("watch.same", "ERROR");
    fs::write(&path, &text).unwrap();
    let seen = Seen::default();
    let _watcher = loglisten::watch_file(&path, seen.options()).unwrap();
    // Someone else changes the level; rewriting the file's same bytes, in
    // place or renamed over, must not put it back.
    get_logger("watch.same").set_level(Level::INFO);
    overwrite(&path, &text);
    quiet();
    replace(&path, &text);
    quiet();
    assert_eq!(level("watch.same"), Level::INFO);
    assert_eq!(seen.kinds(), vec![DICT]);
    // Still watching: a real change goes through.
    replace(&path, &config("watch.same", "DEBUG"));
    seen.wait(2);
    assert_eq!(level("watch.same"), Level::DEBUG);
    assert_eq!(seen.kinds(), vec![DICT, DICT]);
}

#[test]
fn editor_rename_over_is_applied_once() {
    let dir = TempDir::new("watch-rename");
    let path = dir.join("logging.json");
    fs::write(&path, config("watch.rename", "ERROR")).unwrap();
    age(&path);
    let seen = Seen::default();
    let _watcher = loglisten::watch_file(&path, seen.options()).unwrap();
    // The same size and modification time: only the inode (off Unix, the
    // bytes read while the file is recent) tells the new file from the old.
    let tmp = path.with_extension("swp");
    fs::write(&tmp, config("watch.rename", "DEBUG")).unwrap();
    age(&tmp);
    fs::rename(&tmp, &path).unwrap();
    seen.wait(2);
    assert_eq!(level("watch.rename"), Level::DEBUG);
    quiet();
    assert_eq!(seen.kinds(), vec![DICT, DICT]);
}

/// Exactly what the kubelet does to a mounted ConfigMap.
#[cfg(unix)]
#[test]
fn configmap_symlink_swap_is_applied_once() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new("watch-configmap");
    fs::create_dir(dir.join("..2026_a")).unwrap();
    fs::write(
        dir.join("..2026_a/config.json"),
        config("watch.configmap", "ERROR"),
    )
    .unwrap();
    age(&dir.join("..2026_a/config.json"));
    symlink("..2026_a", dir.join("..data")).unwrap();
    symlink("..data/config.json", dir.join("config.json")).unwrap();
    let seen = Seen::default();
    let _watcher = loglisten::watch_file(dir.join("config.json"), seen.options()).unwrap();
    assert_eq!(level("watch.configmap"), Level::ERROR);

    // The same length and modification time: the resolved file's identity
    // is what changed.
    fs::create_dir(dir.join("..2026_b")).unwrap();
    fs::write(
        dir.join("..2026_b/config.json"),
        config("watch.configmap", "DEBUG"),
    )
    .unwrap();
    age(&dir.join("..2026_b/config.json"));
    symlink("..2026_b", dir.join("..data_tmp")).unwrap();
    fs::rename(dir.join("..data_tmp"), dir.join("..data")).unwrap();
    fs::remove_dir_all(dir.join("..2026_a")).unwrap();

    seen.wait(2);
    assert_eq!(level("watch.configmap"), Level::DEBUG);
    quiet();
    assert_eq!(seen.kinds(), vec![DICT, DICT]);
}

#[test]
fn broken_version_is_reported_once_and_changes_nothing() {
    let dir = TempDir::new("watch-broken");
    let path = dir.join("logging.json");
    fs::write(&path, config("watch.broken", "DEBUG")).unwrap();
    let seen = Seen::default();
    let _watcher = loglisten::watch_file(&path, seen.options()).unwrap();
    let broken =
        r#"{"version": 1, "incremental": true, "loggers": {"watch.broken": {"level": "ERROR"}"#;
    let expected = loglisten::check_config(broken.as_bytes())
        .unwrap_err()
        .to_string();
    replace(&path, broken);
    seen.wait(2);
    quiet();
    assert_eq!(
        seen.kinds(),
        vec![DICT, WatchOutcome::NotApplied(expected.clone())]
    );
    assert_eq!(level("watch.broken"), Level::DEBUG);

    // An unknown level: parses, fails to apply, changes nothing either.
    let bad_level = config("watch.broken", "LOUD");
    replace(&path, &bad_level);
    seen.wait(3);
    let expected_level = loglisten::apply_config(bad_level.as_bytes())
        .unwrap_err()
        .to_string();
    assert_eq!(
        seen.all()[2],
        WatchOutcome::NotApplied(expected_level.clone())
    );
    assert_eq!(level("watch.broken"), Level::DEBUG);

    replace(&path, &config("watch.broken", "ERROR"));
    seen.wait(4);
    assert_eq!(level("watch.broken"), Level::ERROR);
    quiet();
    assert_eq!(
        seen.kinds(),
        vec![
            DICT,
            WatchOutcome::NotApplied(expected),
            WatchOutcome::NotApplied(expected_level),
            DICT
        ]
    );
}

#[test]
fn missing_file_is_reported_once_and_waited_for() {
    let dir = TempDir::new("watch-missing");
    let path = dir.join("logging.json");
    let seen = Seen::default();
    let _watcher = loglisten::watch_file(&path, seen.options()).unwrap();
    assert_eq!(seen.kinds(), vec![WatchOutcome::Missing]);
    replace(&path, &config("watch.missing", "ERROR"));
    seen.wait(2);
    assert_eq!(level("watch.missing"), Level::ERROR);

    fs::remove_file(&path).unwrap();
    seen.wait(3);
    quiet();
    assert_eq!(
        seen.kinds(),
        vec![WatchOutcome::Missing, DICT, WatchOutcome::Missing]
    );
    assert_eq!(level("watch.missing"), Level::ERROR);

    replace(&path, &config("watch.missing", "DEBUG"));
    seen.wait(4);
    assert_eq!(level("watch.missing"), Level::DEBUG);
    quiet();
    assert_eq!(
        seen.kinds(),
        vec![WatchOutcome::Missing, DICT, WatchOutcome::Missing, DICT]
    );
}

#[test]
fn file_over_the_limit_is_reported_and_not_read() {
    let dir = TempDir::new("watch-large");
    let path = dir.join("logging.json");
    let small = config("watch.large", "ERROR");
    let large = format!("{}{}", config("watch.large", "DEBUG"), " ".repeat(100));
    let max = small.len() + 10;
    fs::write(&path, &small).unwrap();
    let seen = Seen::default();
    let _watcher = loglisten::watch_file(&path, seen.options().max_bytes(max)).unwrap();
    replace(&path, &large);
    seen.wait(2);
    quiet();
    let too_large = WatchOutcome::TooLarge {
        size: large.len() as u64,
        max: max as u64,
    };
    assert_eq!(seen.kinds(), vec![DICT, too_large.clone()]);
    assert_eq!(level("watch.large"), Level::ERROR);
    replace(&path, &config("watch.large", "DEBUG"));
    seen.wait(3);
    assert_eq!(level("watch.large"), Level::DEBUG);
    assert_eq!(seen.kinds(), vec![DICT, too_large, DICT]);
}

/// fileConfig disables the loggers it does not name (CPython's default),
/// here the other tests' too; it leaves their levels, all they assert on.
#[test]
fn ini_file_is_applied_as_file_config() {
    let dir = TempDir::new("watch-ini");
    let path = dir.join("logging.ini");
    let ini = "[loggers]\nkeys=root,app\n[handlers]\nkeys=\n[formatters]\nkeys=\n\
               [logger_root]\nhandlers=\n\
               [logger_app]\nqualname=watch.ini\nlevel=DEBUG\nhandlers=\n";
    fs::write(&path, ini).unwrap();
    let seen = Seen::default();
    let _watcher = loglisten::watch_file(&path, seen.options()).unwrap();
    assert_eq!(level("watch.ini"), Level::DEBUG);
    assert!(matches!(
        seen.all()[..],
        [WatchOutcome::Applied {
            kind: ConfigKind::File,
            ..
        }]
    ));
}

#[test]
fn replaced_apply_step_gets_each_version_and_its_errors_and_panics() {
    let dir = TempDir::new("watch-apply");
    let path = dir.join("settings.txt");
    fs::write(&path, "one").unwrap();
    let got = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Seen::default();
    let for_apply = Arc::clone(&got);
    let options = seen.options().apply(move |bytes: &[u8]| {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        for_apply.lock().unwrap().push(text.clone());
        match text.as_str() {
            "boom" => panic!("boom"),
            "bad" => Err(format!("cannot use {text:?}")),
            _ => Ok(loglisten::Applied {
                kind: ConfigKind::File,
                generation: 40 + text.len() as u64,
            }),
        }
    });
    let _watcher = loglisten::watch_file(&path, options).unwrap();
    for (n, text) in ["bad", "boom", "three"].into_iter().enumerate() {
        replace(&path, text);
        seen.wait(n + 2);
    }
    quiet();
    assert_eq!(*got.lock().unwrap(), ["one", "bad", "boom", "three"]);
    assert_eq!(
        seen.all(),
        vec![
            WatchOutcome::Applied {
                kind: ConfigKind::File,
                generation: 43
            },
            WatchOutcome::NotApplied("cannot use \"bad\"".into()),
            WatchOutcome::NotApplied("the apply step panicked: boom".into()),
            WatchOutcome::Applied {
                kind: ConfigKind::File,
                generation: 45
            },
        ]
    );
}

#[test]
fn a_panicking_callback_does_not_stop_the_watcher() {
    let dir = TempDir::new("watch-callback");
    let path = dir.join("logging.json");
    fs::write(&path, config("watch.callback", "ERROR")).unwrap();
    let calls = Arc::new(Mutex::new(0));
    let for_callback = Arc::clone(&calls);
    let options = WatchOptions::default()
        .interval(INTERVAL)
        .on_outcome(move |_| {
            *for_callback.lock().unwrap() += 1;
            panic!("callback panicked");
        });
    let _watcher = loglisten::watch_file(&path, options).unwrap();
    replace(&path, &config("watch.callback", "DEBUG"));
    wait_for("DEBUG", || level("watch.callback") == Level::DEBUG);
    wait_for("the second call", || *calls.lock().unwrap() == 2);
}

#[test]
fn stop_returns_at_once_and_the_thread_ends() {
    let dir = TempDir::new("watch-stop");
    let path = dir.join("logging.json");
    fs::write(&path, config("watch.stop", "ERROR")).unwrap();
    let seen = Seen::default();
    // An hour between polls: only the wake-up can end the thread soon.
    let options = seen.options().interval(Duration::from_secs(3600));
    let watcher = loglisten::watch_file(&path, options).unwrap();
    assert_eq!(Arc::strong_count(&seen.0), 2);
    let start = Instant::now();
    watcher.stop();
    watcher.join();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    // The thread has ended: it dropped its options and their callback.
    assert_eq!(Arc::strong_count(&seen.0), 1);
}

#[test]
fn drop_stops_the_watcher() {
    let dir = TempDir::new("watch-drop");
    let path = dir.join("logging.json");
    fs::write(&path, config("watch.drop", "ERROR")).unwrap();
    let seen = Seen::default();
    let watcher = loglisten::watch_file(&path, seen.options()).unwrap();
    let start = Instant::now();
    drop(watcher);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(Arc::strong_count(&seen.0), 1);
    replace(&path, &config("watch.drop", "DEBUG"));
    quiet();
    assert_eq!(level("watch.drop"), Level::ERROR);
    assert_eq!(seen.kinds(), vec![DICT]);
}
