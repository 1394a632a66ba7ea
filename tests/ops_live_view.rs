//! The live view, and its configuration part: applied again, it
//! reproduces the running state exactly. Each test has its own registry.

#[path = "support/tempdir.rs"]
mod tempdir;

use loglisten::{info, json, Level, Registry};
use proptest::prelude::*;
use std::time::Duration;
use tempdir::TempDir;

/// Applies `config`, dumps, applies the dump to a fresh registry, dumps
/// again: both dumps must be equal, and the dump applied to the first
/// registry must change nothing it reports.
fn round_trip(config: &str) -> json::Value {
    let first = Registry::new();
    first.apply_config(config.as_bytes()).unwrap();
    let dump = first.current_config();
    let second = Registry::new();
    second
        .dict_config(&dump)
        .unwrap_or_else(|e| panic!("the dump does not apply: {e}\n{dump}"));
    assert_eq!(second.current_config(), dump, "{config}");
    first.dict_config(&dump).unwrap();
    assert_eq!(first.current_config(), dump, "{config}");
    first.shutdown();
    second.shutdown();
    dump
}

#[test]
fn a_memory_target_no_logger_holds_survives_the_round_trip() {
    let dir = TempDir::new("ops-memory-target");
    let path = dir.join("out.log");
    let config = format!(
        r#"{{"version": 1,
        "formatters": {{"plain": {{"format": "%(name)s %(levelname)s %(message)s"}}}},
        "handlers": {{
            "out": {{"class": "logging.FileHandler", "filename": {path:?}, "formatter": "plain"}},
            "buffer": {{"class": "logging.handlers.MemoryHandler", "capacity": 10,
                        "flushLevel": "ERROR", "target": "out"}}}},
        "loggers": {{"app": {{"level": "INFO", "handlers": ["buffer"]}}}}}}"#,
        path = path.to_str().unwrap()
    );
    let log_three = |registry: &Registry| {
        let log = registry.get_logger("app");
        info!(log, "one");
        log.log(Level::DEBUG, "hidden");
        log.log(Level::ERROR, "flushes");
        registry.shutdown();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        text
    };
    let first = Registry::new();
    first.dict_config_str(&config).unwrap();
    let dump = first.current_config();
    let out = dump.get("handlers").and_then(|h| h.get("out")).unwrap();
    assert_eq!(
        out.to_string(),
        format!(
            r#"{{"class": "logging.FileHandler", "level": "NOTSET", "formatter": "plain", "filters": [], "filename": {:?}}}"#,
            path.to_str().unwrap()
        )
    );
    let expected = log_three(&first);
    assert_eq!(expected, "app INFO one\napp ERROR flushes\n");
    let second = Registry::new();
    second.dict_config(&dump).unwrap();
    assert_eq!(second.current_config(), dump);
    assert_eq!(log_three(&second), expected);
}

#[test]
fn the_examples_round_trip() {
    let mut seen = 0;
    let mut entries: Vec<_> = std::fs::read_dir("examples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        round_trip(&text);
        seen += 1;
    }
    assert!(seen >= 3);
}

#[test]
fn a_table_of_configurations_round_trips() {
    let dir = TempDir::new("ops-table");
    let file = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let configs = [
        r#"{"version": 1}"#.to_string(),
        r#"{"version": 1, "root": {"level": "DEBUG"}, "loggers": {"a.b": {"level": 25, "propagate": false}}}"#
            .to_string(),
        format!(
            r#"{{"version": 1,
            "formatters": {{"b": {{"format": "{{levelname}}:{{message}}", "style": "{{", "defaults": {{"x": "1"}}}},
                           "unused": {{"format": "%(message)s"}}}},
            "filters": {{"only": {{"name": "app"}}}},
            "handlers": {{
                "f": {{"class": "logging.FileHandler", "filename": "{}", "mode": "w", "formatter": "b", "filters": ["only"], "level": "INFO"}},
                "r": {{"class": "logging.handlers.RotatingFileHandler", "filename": "{}", "maxBytes": 100, "backupCount": 2}},
                "t": {{"class": "logging.handlers.TimedRotatingFileHandler", "filename": "{}", "when": "midnight"}},
                "w": {{"class": "logging.handlers.WatchedFileHandler", "filename": "{}", "delay": true}},
                "n": {{"class": "logging.NullHandler"}},
                "m": {{"class": "logging.handlers.MemoryHandler", "capacity": 5, "target": "n"}},
                "orphan": {{"class": "logging.StreamHandler", "stream": "ext://sys.stdout", ".": {{"terminator": "|"}}}}}},
            "loggers": {{"app": {{"handlers": ["f", "r"], "filters": ["only"]}}, "app.x": {{"handlers": ["t", "m"]}}}},
            "root": {{"level": "ERROR", "handlers": ["w"]}}}}"#,
            file("f.log"),
            file("r.log"),
            file("t.log"),
            file("w.log")
        ),
        "[loggers]\nkeys=root,db\n[handlers]\nkeys=h\n[formatters]\nkeys=s\n\
         [logger_root]\nlevel=INFO\nhandlers=h\n[logger_db]\nlevel=DEBUG\nhandlers=\npropagate=0\nqualname=demo.db\n\
         [handler_h]\nclass=StreamHandler\nlevel=WARNING\nformatter=s\nargs=(sys.stdout,)\n\
         [formatter_s]\nformat=%(message)s\ndatefmt=%H\n"
            .to_string(),
    ];
    for config in &configs {
        round_trip(config);
    }
    // An incremental change on top of a whole configuration.
    let registry = Registry::new();
    registry.apply_config(configs[2].as_bytes()).unwrap();
    registry
        .dict_config_str(r#"{"version": 1, "incremental": true, "handlers": {"orphan": {"level": "ERROR"}}, "loggers": {"app": {"level": "WARNING"}}}"#)
        .unwrap();
    let dump = registry.current_config();
    let orphan = dump.get("handlers").and_then(|h| h.get("orphan")).unwrap();
    assert_eq!(orphan.get("level").and_then(|l| l.as_str()), Some("ERROR"));
    let second = Registry::new();
    second.dict_config(&dump).unwrap();
    assert_eq!(second.current_config(), dump);
    registry.shutdown();
    second.shutdown();
}

#[test]
fn the_view_reports_levels_overrides_and_handlers() {
    let registry = Registry::new();
    registry
        .dict_config_str(
            r#"{"version": 1, "handlers": {"n": {"class": "logging.NullHandler"}},
            "loggers": {"app": {"level": "INFO", "handlers": ["n"]}, "off": {}},
            "root": {"level": "ERROR"}}"#,
        )
        .unwrap();
    registry.get_logger("app.db");
    registry.get_logger("off").set_disabled(true);
    let ttl = Duration::from_secs(600);
    registry
        .set_level_override("app", Level::DEBUG, Some(ttl))
        .unwrap();
    let view = registry.live_view();
    assert_eq!(view.generation, 3);
    assert_eq!(view.generation, registry.config_generation());
    assert_eq!(view.config, registry.current_config());
    let names: Vec<&str> = view.loggers.iter().map(|l| l.name.as_str()).collect();
    // `loglisten`: the override's audit record is logged there.
    assert_eq!(names, ["root", "app", "off", "app.db", "loglisten"]);
    let app = view.logger("app").unwrap();
    assert_eq!(
        (app.level, app.effective_level),
        (Level::INFO, Level::DEBUG)
    );
    assert_eq!(app.handlers, ["n"]);
    let o = app.level_override.unwrap();
    assert_eq!((o.level, o.ttl), (Level::DEBUG, Some(ttl)));
    let remaining = o.remaining.unwrap();
    assert!(remaining <= ttl && remaining > ttl - Duration::from_secs(60));
    let db = view.logger("app.db").unwrap();
    assert_eq!(
        (db.level, db.effective_level),
        (Level::NOTSET, Level::DEBUG)
    );
    assert!(view.logger("off").unwrap().disabled);
    // The JSON: exact but for the time left, which is given to the ms.
    let json = view.to_json();
    let keys: Vec<&str> = json.as_object().unwrap().iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["generation", "config", "loggers", "overrides"]);
    assert_eq!(json.get("generation").and_then(|g| g.as_u64()), Some(3));
    let left = json
        .get("overrides")
        .and_then(|o| o.get("app"))
        .and_then(|a| a.get("remaining_s"))
        .and_then(|r| r.as_f64())
        .unwrap();
    assert!(left <= 600.0 && left > 540.0);
    let left = json::Value::from(json::Number::from_f64(left).unwrap()).to_string();
    let expected_app = format!(
        r#"{{"level": "INFO", "effective_level": "DEBUG", "handlers": ["n"], "override": {{"level": "DEBUG", "ttl_s": 600, "remaining_s": {left}}}}}"#
    );
    let loggers = json.get("loggers").unwrap();
    assert_eq!(loggers.get("app").unwrap().to_string(), expected_app);
    assert_eq!(
        loggers.get("root").unwrap().to_string(),
        r#"{"level": "ERROR", "effective_level": "ERROR"}"#
    );
    // Only what differs from a new logger is written besides the levels.
    assert_eq!(
        loggers.get("off").unwrap().to_string(),
        r#"{"level": "NOTSET", "effective_level": "ERROR", "disabled": true}"#
    );
    assert_eq!(
        json.get("overrides").unwrap().to_string(),
        format!(r#"{{"app": {{"level": "DEBUG", "ttl_s": 600, "remaining_s": {left}}}}}"#)
    );
    // The configuration part carries configured levels, not overrides.
    let app_config = view
        .config
        .get("loggers")
        .and_then(|l| l.get("app"))
        .unwrap();
    assert_eq!(
        app_config.get("level").and_then(|l| l.as_str()),
        Some("INFO")
    );
}

fn level_name() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("NOTSET"),
        Just("DEBUG"),
        Just("INFO"),
        Just("WARNING"),
        Just("ERROR"),
        Just("CRITICAL")
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random trees of loggers, levels, propagation and handler choices
    /// (some handlers held by nobody, some memory handlers targeting
    /// them): the dump applied again gives the same dump.
    #[test]
    fn random_configurations_round_trip(
        loggers in prop::collection::vec(
            ("[ab]{1,2}(\\.[ab]{1,2}){0,2}", level_name(), any::<bool>(), prop::collection::vec(0usize..4, 0..3)),
            0..6),
        root in level_name(),
        targets in prop::collection::vec(0usize..2, 0..3),
    ) {
        let handler = |i: usize| format!("h{i}");
        let mut handlers = vec![
            r#""h0": {"class": "logging.NullHandler", "level": "INFO"}"#.to_string(),
            r#""h1": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "f"}"#.to_string(),
        ];
        for (i, target) in targets.iter().enumerate() {
            handlers.push(format!(
                r#""h{}": {{"class": "logging.handlers.MemoryHandler", "capacity": 3, "target": "h{target}"}}"#,
                i + 2
            ));
        }
        let count = handlers.len();
        let loggers: Vec<String> = loggers
            .iter()
            .map(|(name, level, propagate, held)| {
                let held: Vec<String> = held.iter().filter(|h| **h < count).map(|h| format!("{:?}", handler(*h))).collect();
                format!(r#""{name}": {{"level": "{level}", "propagate": {propagate}, "handlers": [{}]}}"#, held.join(", "))
            })
            .collect();
        let config = format!(
            r#"{{"version": 1, "formatters": {{"f": {{"format": "%(message)s"}}}},
            "handlers": {{{}}}, "loggers": {{{}}}, "root": {{"level": "{root}"}}}}"#,
            handlers.join(", "),
            loggers.join(", ")
        );
        let dump = round_trip(&config);
        let written = dump.get("handlers").unwrap().as_object().unwrap().len();
        prop_assert_eq!(written, count);
    }
}

#[test]
fn ten_thousand_loggers_and_a_thousand_overrides_in_one_view() {
    let registry = Registry::new();
    let loggers: Vec<String> = (0..10_000)
        .map(|i| format!(r#""m{}.l{i}": {{"level": "INFO"}}"#, i % 100))
        .collect();
    registry
        .dict_config_str(&format!(
            r#"{{"version": 1, "loggers": {{{}}}}}"#,
            loggers.join(", ")
        ))
        .unwrap();
    for i in (0..10_000).step_by(10) {
        let name = format!("m{}.l{i}", i % 100);
        registry
            .set_level_override(&name, Level::DEBUG, None)
            .unwrap();
    }
    let view = registry.live_view();
    // The root, 100 placeholders made loggers by nobody: only named ones,
    // and `loglisten`, where the first override's audit record went.
    assert_eq!(view.loggers.len(), 10_002);
    let overridden: Vec<&str> = view
        .loggers
        .iter()
        .filter(|l| l.level_override.is_some())
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(overridden.len(), 1000);
    assert!(overridden.iter().all(|n| n.ends_with('0')));
    let json = view.to_json();
    assert_eq!(
        json.get("overrides").unwrap().as_object().unwrap().len(),
        1000
    );
    let dump = registry.current_config();
    assert_eq!(
        dump.get("loggers").unwrap().as_object().unwrap().len(),
        10_001
    );
}
