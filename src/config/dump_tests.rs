//! The dump written as text is byte for byte the dump made as a value.

use super::{dump, dump_into, LevelTexts};
use crate::level::Level;
use crate::registry::Registry;
use proptest::prelude::*;

/// Both dumps of `registry`'s one reading: the text must be the value's.
fn assert_same_text(registry: &Registry) -> String {
    let (snapshot, loggers) = registry.snapshot_and_newer_loggers();
    let mut text = String::from("leading text stays: ");
    dump_into(&snapshot, &loggers, &mut LevelTexts::default(), &mut text);
    let value = dump(&snapshot, &loggers).to_string();
    assert_eq!(text.strip_prefix("leading text stays: "), Some(&*value));
    value
}

const FULL: &str = r#"{"version": 1, "disable_existing_loggers": false,
    "formatters": {"plain": {"format": "%(message)s"},
                   "dated": {"format": "%(asctime)s %(message)s", "datefmt": "%H:%M", "style": "%"},
                   "unused": {"format": "%(name)s"}},
    "filters": {"app_only": {"name": "app"}, "on_handler": {"name": "db"}, "unused": {"name": "x"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "level": "INFO",
                    "stream": "ext://sys.stdout", "filters": ["on_handler"]},
        "target": {"class": "logging.NullHandler", "formatter": "dated"},
        "buffer": {"class": "logging.handlers.MemoryHandler", "capacity": 10, "target": "target",
                   "flushLevel": "ERROR"}},
    "loggers": {
        "app": {"level": "DEBUG", "handlers": ["console", "buffer"], "filters": ["app_only"]},
        "app.db": {"level": 25, "propagate": false},
        "odd \"name\" \\ \u00e9\ud83d\ude00\n\t": {"level": "ERROR"},
        "off": {"level": "INFO"}},
    "root": {"level": "WARNING", "handlers": ["console"], "filters": ["app_only"]}}"#;

#[test]
fn the_written_dump_is_the_dumps_text() {
    let r = Registry::new();
    assert_same_text(&r);
    r.dict_config_str(FULL).unwrap();
    let text = assert_same_text(&r);
    // Handlers no logger holds (the memory handler's target), the
    // formatters and filters in use, not the unused ones.
    assert!(text.contains(r#""target": {"class": "logging.NullHandler""#));
    assert!(
        text.contains(r#""filters": {"app_only": {"name": "app"}, "on_handler": {"name": "db"}}"#)
    );
    assert!(!text.contains("unused"));
    assert!(text.contains(r#""app.db": {"level": 25, "propagate": false}, "#));
    assert!(text.contains(r#""odd \"name\" \\ \u00e9\ud83d\ude00\n\t": {"level": "ERROR""#));
    // Loggers made since the configuration, a disabled one, an override
    // (not written: the loggers' own levels are), a handler added in code.
    r.get_logger("late.one");
    r.get_logger("off").set_disabled(true);
    r.set_level_override("app.db", Level::CRITICAL, None)
        .unwrap();
    r.get_logger("later");
    let text = assert_same_text(&r);
    assert!(text.contains(r#""later": {"level": "NOTSET", "propagate": true}"#));
    assert!(!text.contains(r#""off""#));
    // An incremental configuration changes levels, not definitions.
    r.dict_config_str(
        r#"{"version": 1, "incremental": true, "loggers": {"app": {"level": "ERROR"}},
            "handlers": {"console": {"level": "DEBUG"}}}"#,
    )
    .unwrap();
    let text = assert_same_text(&r);
    assert!(text.contains(r#""app": {"level": "ERROR""#));
    // A level with a name of the program's own.
    crate::level::add_level_name(Level(37), "dump_tests_NOTICE");
    r.dict_config_str(r#"{"version": 1, "root": {"level": 37}, "loggers": {"n": {"level": 13}}}"#)
        .unwrap();
    let text = assert_same_text(&r);
    assert!(
        text.contains(r#""root": {"level": "dump_tests_NOTICE""#),
        "{text}"
    );
    assert!(text.contains(r#""n": {"level": 13, "#), "{text}");
}

#[test]
fn a_logger_made_after_the_configuration_is_dumped_and_stays_enabled() {
    let r = Registry::new();
    r.dict_config_str(r#"{"version": 1, "loggers": {"a": {"level": "INFO"}}}"#)
        .unwrap();
    r.get_logger("late");
    let dump = r.current_config();
    let late = dump.get("loggers").and_then(|l| l.get("late"));
    assert_eq!(
        late.map(ToString::to_string).as_deref(),
        Some(r#"{"level": "NOTSET", "propagate": true}"#)
    );
    r.dict_config(&dump).unwrap();
    assert!(!r.live_view().logger("late").unwrap().disabled);
    assert_eq!(r.current_config(), dump);
}

fn level() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"NOTSET\"".to_string()),
        Just("\"DEBUG\"".to_string()),
        Just("\"INFO\"".to_string()),
        Just("\"WARNING\"".to_string()),
        (1i32..60).prop_map(|n| n.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Generated configurations (handlers held or not, memory handlers
    /// targeting others, filters on loggers and handlers, formatters
    /// used or not, names needing escapes), then loggers made later, some
    /// disabled, and an incremental change: the written text is always
    /// the value's.
    #[test]
    fn the_written_dump_is_the_dumps_text_for_generated_configs(
        loggers in prop::collection::vec(
            ("[ab\u{e9}\"\\\\ ]{1,3}(\\.[ab]{1,2}){0,2}", level(), any::<bool>(),
             prop::collection::vec(0usize..5, 0..3), prop::collection::vec(0usize..3, 0..2)),
            0..8),
        root in level(),
        targets in prop::collection::vec(0usize..2, 0..3),
        handler_filters in prop::collection::vec(0usize..3, 0..3),
        later in prop::collection::vec("[abc]{1,2}(\\.[abc]){0,2}", 0..5),
        disable in prop::collection::vec(any::<bool>(), 0..8),
        incremental in prop::option::of(level()),
        reapply in any::<bool>(),
    ) {
        let quote = |s: &str| crate::json::Value::from(s).to_string();
        let filter_list = |f: &[usize]| {
            f.iter().map(|i| format!("\"f{i}\"")).collect::<Vec<_>>().join(", ")
        };
        let mut handlers = vec![
            format!(r#""h0": {{"class": "logging.NullHandler", "level": "INFO", "filters": [{}]}}"#,
                filter_list(&handler_filters)),
            r#""h1": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "a"}"#.to_string(),
        ];
        for (i, target) in targets.iter().enumerate() {
            handlers.push(format!(
                r#""h{}": {{"class": "logging.handlers.MemoryHandler", "capacity": 3, "target": "h{target}", "formatter": "b"}}"#,
                i + 2
            ));
        }
        let count = handlers.len();
        let loggers: Vec<String> = loggers
            .iter()
            .map(|(name, level, propagate, held, filters)| {
                let held: Vec<String> = held.iter().filter(|h| **h < count).map(|h| format!("\"h{h}\"")).collect();
                format!(r#"{}: {{"level": {level}, "propagate": {propagate}, "handlers": [{}], "filters": [{}]}}"#,
                    quote(name), held.join(", "), filter_list(filters))
            })
            .collect();
        let config = format!(
            r#"{{"version": 1, "formatters": {{"a": {{"format": "%(message)s"}}, "b": {{"format": "%(name)s", "datefmt": "%H"}}, "c": {{}}}},
            "filters": {{"f0": {{"name": "a"}}, "f1": {{"name": ""}}, "f2": {{}}}},
            "handlers": {{{}}}, "loggers": {{{}}}, "root": {{"level": {root}, "handlers": ["h0"], "filters": ["f1"]}}}}"#,
            handlers.join(", "),
            loggers.join(", ")
        );
        let r = Registry::new();
        r.dict_config_str(&config).unwrap();
        assert_same_text(&r);
        for name in &later {
            r.get_logger(name);
        }
        let view = r.live_view();
        for (logger, off) in view.loggers.iter().skip(1).zip(&disable) {
            r.get_logger(&logger.name).set_disabled(*off);
        }
        assert_same_text(&r);
        if let Some(level) = incremental {
            r.dict_config_str(&format!(
                r#"{{"version": 1, "incremental": true, "root": {{"level": {level}}}, "handlers": {{"h0": {{"level": {level}}}}}}}"#
            )).unwrap();
            assert_same_text(&r);
        }
        if reapply {
            let dump = r.current_config();
            r.dict_config(&dump).unwrap();
            // The same configuration (handlers may come in another order).
            let again = crate::json::parse(&assert_same_text(&r)).unwrap();
            prop_assert_eq!(again, dump);
        }
        r.shutdown();
    }
}
