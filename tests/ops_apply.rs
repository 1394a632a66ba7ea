//! Applying with preconditions: compare-and-swap on the generation, and
//! dry runs that say exactly what a push would and touch nothing. Each
//! test has its own registries.

#[path = "support/tempdir.rs"]
mod tempdir;

use loglisten::{ApplyOptions, Level, Registry};
use std::sync::{Arc, Barrier};
use tempdir::TempDir;

const DRY: ApplyOptions = ApplyOptions {
    if_generation: None,
    dry_run: true,
};

fn if_generation(generation: u64) -> ApplyOptions {
    ApplyOptions {
        if_generation: Some(generation),
        dry_run: false,
    }
}

/// Registers the same failing factory as a push target would have it.
fn with_factories(registry: &Registry) -> &Registry {
    registry.register_handler("test.Fails", |_| Err("cannot reach the collector".into()));
    registry
}

#[test]
fn a_stale_generation_changes_nothing() {
    let registry = Registry::new();
    registry
        .dict_config_str(r#"{"version": 1, "root": {"level": "ERROR"}}"#)
        .unwrap();
    registry.get_logger("x").set_level(Level::INFO);
    let config = br#"{"version": 1, "root": {"level": "DEBUG"}}"#;
    let err = registry
        .apply_config_with(config, if_generation(1))
        .unwrap_err();
    assert_eq!(err.to_string(), "generation is 2, not 1");
    assert_eq!(registry.config_generation(), 2);
    assert_eq!(registry.get_logger("").level(), Level::ERROR);
    let applied = registry
        .apply_config_with(config, if_generation(2))
        .unwrap();
    assert_eq!(applied.generation, 3);
    assert_eq!(registry.get_logger("").level(), Level::DEBUG);
    // A syntax error is reported before the generation is looked at.
    let err = registry
        .apply_config_with(b"{", if_generation(0))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "EOF while parsing an object at line 1 column 2"
    );
}

#[test]
fn two_operators_racing_on_one_generation_one_wins() {
    for round in 0..40 {
        let registry = Registry::new();
        let barrier = Arc::new(Barrier::new(2));
        let results: Vec<_> = ["DEBUG", "ERROR"]
            .map(|level| {
                let (registry, barrier) = (registry.clone(), Arc::clone(&barrier));
                std::thread::spawn(move || {
                    let config = format!(r#"{{"version": 1, "root": {{"level": "{level}"}}}}"#);
                    barrier.wait();
                    let result = registry.apply_config_with(config.as_bytes(), if_generation(0));
                    (level, result)
                })
            })
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        let won: Vec<_> = results.iter().filter(|(_, r)| r.is_ok()).collect();
        assert_eq!(won.len(), 1, "round {round}: {results:?}");
        let lost = results.iter().find(|(_, r)| r.is_err()).unwrap();
        assert_eq!(
            lost.1.as_ref().unwrap_err().to_string(),
            "generation is 1, not 0"
        );
        assert_eq!(registry.config_generation(), 1);
        let winner = Level::from_name(won[0].0).unwrap();
        assert_eq!(registry.get_logger("").level(), winner);
    }
}

#[test]
fn an_override_in_between_makes_the_generation_stale() {
    let registry = Registry::new();
    let generation = registry.config_generation();
    registry
        .set_level_override("a", Level::DEBUG, None)
        .unwrap();
    let err = registry
        .apply_config_with(br#"{"version": 1}"#, if_generation(generation))
        .unwrap_err();
    assert_eq!(err.to_string(), "generation is 1, not 0");
}

#[test]
fn dry_runs_give_exactly_the_errors_of_pushes() {
    let dir = TempDir::new("ops-dry-errors");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    std::fs::write(dir.join("plain"), "x").unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere/x"), dir.join("dangling")).unwrap();
    let file = |class: &str, filename: &str, extra: &str| {
        format!(
            r#"{{"version": 1, "handlers": {{"h": {{"class": "{class}", "filename": {filename:?}{extra}}}}},
            "root": {{"handlers": ["h"]}}}}"#
        )
    };
    let missing_dir = path("missing/app.log");
    let under_a_file = path("plain/app.log");
    let a_directory = path("");
    let configs = [
        file("logging.FileHandler", &missing_dir, ""),
        file("logging.FileHandler", &missing_dir, r#", "mode": "w""#),
        file("logging.FileHandler", &under_a_file, ""),
        file("logging.FileHandler", &a_directory, ""),
        file("logging.FileHandler", &a_directory, r#", "mode": "w""#),
        file("logging.FileHandler", &path("dangling"), ""),
        file("logging.FileHandler", &missing_dir, r#", "encoding": "latin-1""#),
        file("logging.handlers.RotatingFileHandler", &missing_dir, r#", "maxBytes": 10"#),
        file("logging.handlers.TimedRotatingFileHandler", &missing_dir, ""),
        file("logging.handlers.TimedRotatingFileHandler", &path("t.log"), r#", "when": "fortnight""#),
        file("logging.handlers.WatchedFileHandler", &under_a_file, ""),
        file("logging.FileHandler", &path("ok.log"), r#", "mode": "x""#),
        r#"{"version": 1, "handlers": {"h": {"class": "logging.Nope"}}}"#.to_string(),
        r#"{"version": 1, "handlers": {"h": {"class": "test.Fails"}}}"#.to_string(),
        r#"{"version": 1, "handlers": {"h": {"class": "logging.NullHandler", "formatter": "f"}}}"#.to_string(),
        r#"{"version": 1, "formatters": {"f": {"format": "%(message"}}}"#.to_string(),
        r#"{"version": 1, "root": {"handlers": ["nobody"]}}"#.to_string(),
        r#"{"version": 1, "root": {"level": "LOUD"}}"#.to_string(),
        r#"{"version": 1, "handlers": {
            "a": {"class": "logging.handlers.MemoryHandler", "capacity": 1, "target": "b"},
            "b": {"class": "logging.handlers.MemoryHandler", "capacity": 1, "target": "a"}}}"#
            .to_string(),
        r#"{"version": 1, "handlers": {"a": {"class": "logging.handlers.MemoryHandler", "capacity": 1, "target": "z"}}}"#
            .to_string(),
        r#"{"version": 1, "incremental": true, "handlers": {"nobody": {"level": "INFO"}}}"#.to_string(),
        r#"{"version": 1,}"#.to_string(),
        "[loggers]\nkeys=root\n".to_string(),
        // The second handler fails after the first file would be made.
        format!(
            r#"{{"version": 1, "handlers": {{
                "a": {{"class": "logging.FileHandler", "filename": {:?}}},
                "b": {{"class": "logging.FileHandler", "filename": {missing_dir:?}}}}}}}"#,
            path("first.log")
        ),
    ];
    for config in &configs {
        let dry_target = Registry::new();
        let dry = with_factories(&dry_target)
            .apply_config_with(config.as_bytes(), DRY)
            .unwrap_err();
        let pushed = Registry::new();
        let push = with_factories(&pushed)
            .apply_config(config.as_bytes())
            .unwrap_err();
        assert_eq!(dry.to_string(), push.to_string(), "{config}");
        assert_eq!(dry_target.config_generation(), 0);
    }
    // Neither left a file behind.
    let mut left: Vec<String> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["dangling", "plain"]);
}

/// Whether this process runs as root, which may write anywhere.
fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"));
    uid.and_then(|u| u.split_whitespace().nth(3)) == Some("0")
}

#[test]
fn a_directory_without_write_permission_fails_the_dry_run_as_the_push() {
    use std::os::unix::fs::PermissionsExt;
    if is_root() {
        eprintln!("skipped: running as root, which may write into any directory");
        return;
    }
    let dir = TempDir::new("ops-dry-perm");
    let locked = dir.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
    let config = format!(
        r#"{{"version": 1, "handlers": {{"h": {{"class": "logging.FileHandler", "filename": {:?}}}}}}}"#,
        locked.join("x.log").to_str().unwrap()
    );
    let dry = Registry::new()
        .apply_config_with(config.as_bytes(), DRY)
        .unwrap_err();
    let push = Registry::new().apply_config(config.as_bytes()).unwrap_err();
    assert_eq!(dry.to_string(), push.to_string());
    assert_eq!(
        dry.to_string(),
        "handlers.h: Permission denied (os error 13)"
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
}

#[test]
fn a_good_dry_run_creates_truncates_and_changes_nothing() {
    let dir = TempDir::new("ops-dry-good");
    let new_file = dir.join("new.log");
    let kept = dir.join("kept.log");
    std::fs::write(&kept, "old line\n").unwrap();
    let config = format!(
        r#"{{"version": 1,
        "formatters": {{"f": {{"format": "%(levelname)s %(message)s"}}}},
        "handlers": {{
            "new": {{"class": "logging.FileHandler", "filename": {:?}, "formatter": "f"}},
            "kept": {{"class": "logging.FileHandler", "filename": {:?}, "mode": "w"}},
            "rot": {{"class": "logging.handlers.RotatingFileHandler", "filename": {:?}, "maxBytes": 5}},
            "buf": {{"class": "logging.handlers.MemoryHandler", "capacity": 2, "target": "new"}}}},
        "loggers": {{"app": {{"level": "DEBUG", "handlers": ["new", "kept", "rot", "buf"]}}}}}}"#,
        new_file.to_str().unwrap(),
        kept.to_str().unwrap(),
        dir.join("rot.log").to_str().unwrap()
    );
    let registry = Registry::new();
    let app = registry.get_logger("app");
    let before = registry.current_config();
    let applied = registry.apply_config_with(config.as_bytes(), DRY).unwrap();
    assert_eq!(applied.generation, 0);
    assert_eq!(registry.config_generation(), 0);
    assert_eq!(registry.current_config(), before);
    assert!(!app.is_enabled_for(Level::DEBUG));
    assert!(!new_file.exists());
    assert!(!dir.join("rot.log").exists());
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "old line\n");
    // The push it predicted does what the dry run did not.
    registry.apply_config(config.as_bytes()).unwrap();
    assert!(new_file.exists());
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "");
    assert!(app.is_enabled_for(Level::DEBUG));
    registry.shutdown();
}

#[test]
fn a_dry_run_checks_the_generation_too() {
    let registry = Registry::new();
    let stale = ApplyOptions {
        if_generation: Some(3),
        dry_run: true,
    };
    let err = registry
        .apply_config_with(br#"{"version": 1}"#, stale)
        .unwrap_err();
    assert_eq!(err.to_string(), "generation is 0, not 3");
    let current = ApplyOptions {
        if_generation: Some(0),
        dry_run: true,
    };
    assert!(registry
        .apply_config_with(br#"{"version": 1}"#, current)
        .is_ok());
    assert_eq!(registry.config_generation(), 0);
}

mod generated {
    use super::*;
    use proptest::prelude::*;

    /// One handler entry, sometimes broken: files that can or cannot be
    /// opened, unknown classes, bad streams, memory handlers whose target
    /// may be missing, formatters that may not exist.
    fn handler(dir: String) -> impl Strategy<Value = String> {
        let file = prop_oneof![
            Just(format!("{dir}/a.log")),
            Just(format!("{dir}/missing/b.log")),
            Just(format!("{dir}/plain/c.log")),
            Just(dir.clone()),
        ];
        let class = prop_oneof![
            Just("logging.FileHandler"),
            Just("logging.handlers.RotatingFileHandler"),
            Just("logging.handlers.WatchedFileHandler"),
        ];
        prop_oneof![
            (class, file, prop::bool::ANY, prop_oneof![Just("a"), Just("w"), Just("r")]).prop_map(
                |(class, file, delay, mode)| format!(
                    r#"{{"class": "{class}", "filename": {file:?}, "delay": {delay}, "mode": "{mode}"}}"#
                )
            ),
            Just(r#"{"class": "logging.NullHandler", "formatter": "f"}"#.to_string()),
            Just(r#"{"class": "logging.NullHandler", "formatter": "nope"}"#.to_string()),
            Just(r#"{"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}"#.to_string()),
            Just(r#"{"class": "logging.StreamHandler", "stream": "ext://x"}"#.to_string()),
            Just(r#"{"class": "logging.Nope"}"#.to_string()),
            (0usize..4).prop_map(|t| format!(
                r#"{{"class": "logging.handlers.MemoryHandler", "capacity": 2, "target": "h{t}"}}"#
            )),
        ]
    }

    fn config(dir: String) -> impl Strategy<Value = String> {
        let handlers = prop::collection::vec(handler(dir), 0..4);
        let format = prop_oneof![Just("%(message)s"), Just("%(message"), Just("%(nope)d")];
        let level = prop_oneof![Just("DEBUG"), Just("LOUD"), Just("30")];
        let held = prop::collection::vec(0usize..5, 0..3);
        (handlers, format, level, held, prop::bool::ANY).prop_map(
            |(handlers, format, level, held, incremental)| {
                let handlers: Vec<String> = handlers
                    .iter()
                    .enumerate()
                    .map(|(i, h)| format!(r#""h{i}": {h}"#))
                    .collect();
                let held: Vec<String> = held.iter().map(|h| format!(r#""h{h}""#)).collect();
                format!(
                    r#"{{"version": 1, "incremental": {incremental},
                    "formatters": {{"f": {{"format": "{format}"}}}},
                    "handlers": {{{}}},
                    "root": {{"level": "{level}", "handlers": [{}]}}}}"#,
                    handlers.join(", "),
                    held.join(", ")
                )
            },
        )
    }

    fn listing(dir: &std::path::Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever the configuration, the dry run says what the push
        /// says, and creates no file on the way.
        #[test]
        fn a_dry_run_predicts_the_push(seed in config("DIR".into())) {
            let dir = TempDir::new("ops-dry-prop");
            std::fs::write(dir.join("plain"), "x").unwrap();
            let text = seed.replace("DIR", dir.0.to_str().unwrap());
            let before = listing(&dir.0);
            let dry_target = Registry::new();
            let dry = dry_target.apply_config_with(text.as_bytes(), DRY);
            prop_assert_eq!(listing(&dir.0), before);
            prop_assert_eq!(dry_target.config_generation(), 0);
            let pushed = Registry::new();
            let push = pushed.apply_config(text.as_bytes());
            pushed.shutdown();
            let said = |r: &Result<loglisten::Applied, loglisten::ConfigError>| {
                r.as_ref().map(|a| a.kind).map_err(|e| e.to_string())
            };
            prop_assert_eq!(said(&dry), said(&push), "{}", text);
        }

        /// Bytes from outside: never a panic, and the same verdict.
        #[test]
        fn any_bytes_get_the_verdict_of_a_push(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let dry = Registry::new().apply_config_with(&bytes, DRY).map_err(|e| e.to_string());
            let push = Registry::new().apply_config(&bytes).map_err(|e| e.to_string());
            prop_assert_eq!(dry.map(|a| a.kind), push.map(|a| a.kind));
        }
    }
}
