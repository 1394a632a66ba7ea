//! dictConfig semantics: schema errors, logger rules, references, and all
//! or nothing. Each test configures a registry of its own, so they run in
//! parallel.

use loglisten::{Handler, Level, Record, Registry};
use std::io;
use std::sync::{Arc, Mutex};

type Lines = Arc<Mutex<Vec<String>>>;

/// A registry whose `test.Capture` handlers write to the lines returned,
/// tagged with the `tag` kwarg; `tag: fail` refuses to open.
fn setup() -> (Registry, Lines) {
    let registry = Registry::new();
    let lines: Lines = Arc::default();
    let sink = Arc::clone(&lines);
    registry.register_handler("test.Capture", move |kwargs| {
        let tag = kwargs
            .get("tag")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        if tag == "fail" {
            return Err("refusing to open".to_string());
        }
        let lines = Arc::clone(&sink);
        Ok(Box::new(Capture { tag, lines }) as Box<dyn Handler>)
    });
    registry
        .dict_config_str(r#"{"version": 1, "disable_existing_loggers": false, "root": {"level": "WARNING", "handlers": []}}"#)
        .unwrap();
    (registry, lines)
}

#[derive(Debug)]
struct Capture {
    tag: String,
    lines: Lines,
}

impl Handler for Capture {
    fn emit(&mut self, _record: &Record, text: &str) -> io::Result<()> {
        self.lines
            .lock()
            .unwrap()
            .push(format!("{}|{}", self.tag, text));
        Ok(())
    }
}

fn take(lines: &Lines) -> Vec<String> {
    std::mem::take(&mut *lines.lock().unwrap())
}

#[test]
fn schema_errors_name_the_place() {
    let (r, _lines) = setup();
    let cases = [
        (r#"[]"#, "a dictConfig must be a JSON object"),
        (r#"{}"#, "version: dictionary doesn't specify a version"),
        (r#"{"version": 2}"#, "version: Unsupported version: 2"),
        (r#"{"version": "1"}"#, "version: Unsupported version: 1"),
        (r#"{"version": 1, "handlers": {"h": {}}}"#, "handlers.h.class: missing: a handler needs a class or a '()' factory"),
        (
            r#"{"version": 1, "handlers": {"h": {"class": "os.system"}}}"#,
            "handlers.h.class: unknown handler class 'os.system': not a standard handler class and not registered (nothing is imported)",
        ),
        (
            r#"{"version": 1, "handlers": {"h": {"class": "test.Capture", "formatter": "nope"}}}"#,
            "handlers.h.formatter: Unable to set formatter 'nope': it is not defined in formatters",
        ),
        (r#"{"version": 1, "loggers": {"a": {"handlers": ["ghost"]}}}"#, "loggers.a.handlers: Unable to add handler 'ghost'"),
        (r#"{"version": 1, "root": {"filters": ["ghost"]}}"#, "root.filters: Unable to add filter 'ghost'"),
        (r#"{"version": 1, "root": {"level": "LOUD"}}"#, "root.level: Unknown level: 'LOUD'"),
        (r#"{"version": 1, "root": {"level": "info"}}"#, "root.level: Unknown level: 'info'"),
        (r#"{"version": 1, "loggers": {"a": {"level": [1]}}}"#, "loggers.a.level: Level not an integer or a valid string: [1]"),
        (
            r#"{"version": 1, "handlers": {"h": {"class": "test.Capture", "bad-key": 1}}}"#,
            "handlers.h.bad-key: Not a valid Python identifier: 'bad-key'",
        ),
        (
            r#"{"version": 1, "handlers": {"h": {"class": "logging.NullHandler", "stream": 1}}}"#,
            "handlers.h.stream: __init__() got an unexpected keyword argument 'stream'",
        ),
        (
            r#"{"version": 1, "handlers": {"h": {"class": "test.Capture", "tag": "cfg://nowhere"}}}"#,
            "handlers.h.tag: Unable to convert 'cfg://nowhere'",
        ),
        (
            r#"{"version": 1, "handlers": {"h": {"class": "test.Capture", "tag": "ext://os.environ"}}}"#,
            "handlers.h.tag: cannot resolve 'ext://os.environ': only ext://sys.stdout and ext://sys.stderr are known (nothing is imported)",
        ),
        (r#"{"version": 1, "root": {"handlers": "cfg://nowhere"}}"#, "root.handlers: Unable to convert 'cfg://nowhere'"),
        (r#"{"version": 1, "loggers": {"a": {"filters": ["ext://os.x"]}}}"#, "loggers.a.filters[0]: cannot resolve 'ext://os.x': only ext://sys.stdout and ext://sys.stderr are known (nothing is imported)"),
        (r#"{"version": 1, "formatters": {"f": {"format": "cfg://x"}}, "x": 1}"#, "formatters.f.format: must be a string"),
        (r#"{"version": 1, "filters": {"f": {"name": "cfg://nowhere"}}}"#, "filters.f.name: Unable to convert 'cfg://nowhere'"),
        (r#"{"version": 1, "incremental": true, "handlers": {"ghost": {"level": "INFO"}}}"#, "handlers.ghost: No handler found with name 'ghost'"),
        (r#"{"version": 1,"#, "EOF while parsing an object at line 1 column 15"),
        (
            r#"{"version": 1, "handlers": {"h": {"class": "test.Capture", "tag": "fail"}}}"#,
            "handlers.h: refusing to open",
        ),
    ];
    for (config, expected) in cases {
        let err = r.dict_config_str(config).unwrap_err();
        assert_eq!(err.to_string(), expected, "config {config}");
    }
}

#[test]
fn output_goes_through_the_configured_chain() {
    let (r, lines) = setup();
    r.dict_config_str(
        r#"{"version": 1,
            "filters": {"only_db": {"name": "app.db"}},
            "handlers": {
                "all": {"class": "test.Capture", "tag": "all", "level": "DEBUG"},
                "errors": {"class": "test.Capture", "tag": "err", "level": 40},
                "db": {"class": "test.Capture", "tag": "db", "filters": ["only_db"]}
            },
            "loggers": {"app": {"level": "DEBUG", "handlers": ["all", "db"]},
                        "app.quiet": {"propagate": false}},
            "root": {"level": "INFO", "handlers": ["errors"]}}"#,
    )
    .unwrap();
    let app = r.get_logger("app");
    loglisten::debug!(app, "d1");
    loglisten::error!(r.get_logger("app.db.pool"), "e{}", 2);
    loglisten::warning!(r.get_logger("app.quiet"), "w3");
    loglisten::info!(r.get_logger("other"), "i4");
    loglisten::error!(r.get_logger("other"), "e5");
    assert_eq!(
        take(&lines),
        ["all|d1", "all|e2", "db|e2", "err|e2", "err|e5"]
    );
}

#[test]
fn memory_handlers_open_after_their_targets_whatever_the_order() {
    let (r, lines) = setup();
    // Built in sorted order: "a" needs "b", which needs "c".
    r.dict_config_str(
        r#"{"version": 1,
            "handlers": {
                "a": {"class": "logging.handlers.MemoryHandler", "capacity": 2, "target": "b"},
                "b": {"class": "logging.handlers.MemoryHandler", "capacity": 1, "target": "c"},
                "c": {"class": "test.Capture", "tag": "c"}
            },
            "root": {"level": "INFO", "handlers": ["a"]}}"#,
    )
    .unwrap();
    let log = r.get_logger("mem");
    loglisten::info!(log, "one");
    assert_eq!(take(&lines), Vec::<String>::new(), "buffered in a");
    loglisten::info!(log, "two");
    assert_eq!(take(&lines), ["c|one", "c|two"]);
    let cycle = r#"{"version": 1, "handlers": {
        "x": {"class": "logging.handlers.MemoryHandler", "capacity": 1, "target": "y"},
        "y": {"class": "logging.handlers.MemoryHandler", "capacity": 1, "target": "x"}}}"#;
    let err = r.dict_config_str(cycle).unwrap_err();
    assert_eq!(
        err.to_string(),
        "handlers.x.target: memory handler targets form a cycle"
    );
    loglisten::info!(log, "three");
    loglisten::info!(log, "four");
    assert_eq!(
        take(&lines),
        ["c|three", "c|four"],
        "the failed config changed nothing"
    );
}

#[test]
fn unnamed_existing_loggers_are_disabled_but_children_of_named_ones_reset() {
    let (r, lines) = setup();
    let old = r.get_logger("legacy.module");
    let child = r.get_logger("svc.worker");
    child.set_level(Level::CRITICAL);
    child.set_propagate(false);
    r.dict_config_str(
        r#"{"version": 1, "handlers": {"h": {"class": "test.Capture", "tag": "h"}},
            "loggers": {"svc": {"level": "INFO", "handlers": ["h"]}}}"#,
    )
    .unwrap();
    assert!(
        old.disabled(),
        "not named: disabled (disable_existing_loggers defaults to true)"
    );
    assert!(!child.disabled());
    assert_eq!(
        (child.level(), child.propagate()),
        (Level::NOTSET, true),
        "child of a named logger is reset"
    );
    loglisten::info!(child, "from child");
    loglisten::error!(old, "dropped");
    assert_eq!(take(&lines), ["h|from child"]);
    // disable_existing_loggers false leaves them enabled.
    r.dict_config_str(
        r#"{"version": 1, "disable_existing_loggers": false, "loggers": {"legacy.module": {}}}"#,
    )
    .unwrap();
    assert!(!old.disabled());
}

#[test]
fn placeholder_parents_count_as_existing_like_cpython() {
    let (r, _lines) = setup();
    // `ph` exists only as a placeholder of `ph.leaf`; naming it resets the
    // leaf instead of disabling it.
    let leaf = r.get_logger("ph.leaf");
    leaf.set_level(Level::ERROR);
    r.dict_config_str(r#"{"version": 1, "loggers": {"ph": {"level": "DEBUG"}}}"#)
        .unwrap();
    assert!(!leaf.disabled());
    assert_eq!(leaf.level(), Level::NOTSET);
    assert_eq!(leaf.effective_level(), Level::DEBUG);
}

#[test]
fn incremental_changes_only_levels_and_propagate() {
    let (r, lines) = setup();
    r.dict_config_str(
        r#"{"version": 1, "handlers": {"h": {"class": "test.Capture", "tag": "h", "level": "ERROR"}},
            "loggers": {"inc": {"level": "INFO", "handlers": ["h"], "propagate": false}}}"#,
    )
    .unwrap();
    let inc = r.get_logger("inc");
    r.dict_config_str(
        r#"{"version": 1, "incremental": true, "handlers": {"h": {"level": 0}},
            "loggers": {"inc": {"level": "DEBUG", "propagate": true, "handlers": []}}}"#,
    )
    .unwrap();
    assert_eq!(inc.level(), Level::DEBUG);
    assert!(inc.propagate());
    assert_eq!(
        inc.handlers().len(),
        1,
        "handlers untouched by an incremental config"
    );
    assert_eq!(
        inc.handlers()[0].level(),
        Level::NOTSET,
        "a level of 0 is applied (CPython ignores it)"
    );
    loglisten::debug!(inc, "now visible");
    assert_eq!(take(&lines), ["h|now visible"]);
}

#[test]
fn cfg_references_follow_cpython_path_syntax() {
    let (r, lines) = setup();
    r.dict_config_str(
        r#"{"version": 1, "custom": {"tags": ["zero", "one"], "map": {"k": "kv"}},
            "handlers": {"a": {"class": "test.Capture", "tag": "cfg://custom.tags[1]"},
                         "b": {"class": "test.Capture", "tag": "cfg://custom[map][k]"}},
            "root": {"handlers": ["a", "b"]}}"#,
    )
    .unwrap();
    loglisten::warning!(r.get_logger("cfgref"), "x");
    let mut lines = take(&lines);
    lines.sort();
    assert_eq!(lines, ["kv|x", "one|x"]);
}

#[test]
fn a_failing_config_changes_nothing() {
    let (r, lines) = setup();
    r.dict_config_str(
        r#"{"version": 1, "handlers": {"keep": {"class": "test.Capture", "tag": "keep"}},
            "loggers": {"aon": {"level": "INFO", "handlers": ["keep"]}}}"#,
    )
    .unwrap();
    let before = r.current_config().to_string();
    let generation = r.config_generation();
    // Valid up to the last handler, which fails to open. CPython would have
    // closed the old handlers and configured some loggers by then.
    let err = r
        .dict_config_str(
            r#"{"version": 1, "handlers": {"a": {"class": "test.Capture", "tag": "new"},
                                       "z": {"class": "test.Capture", "tag": "fail"}},
            "loggers": {"aon": {"level": "DEBUG", "handlers": ["a"]}}}"#,
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "handlers.z: refusing to open");
    assert_eq!(r.current_config().to_string(), before);
    assert_eq!(r.config_generation(), generation);
    loglisten::info!(r.get_logger("aon"), "still here");
    assert_eq!(take(&lines), ["keep|still here"]);
}

#[test]
fn current_config_round_trips() {
    let (r, _lines) = setup();
    // A logger the next config does not name keeps a handler whose filter
    // that config no longer defines: the dump must still apply.
    r.dict_config_str(
        r#"{"version": 1, "filters": {"old": {"name": "x"}},
            "handlers": {"stale": {"class": "test.Capture", "tag": "s", "filters": ["old"]}},
            "loggers": {"rt.stale": {"handlers": ["stale"]}}}"#,
    )
    .unwrap();
    r.dict_config_str(
        r#"{"version": 1, "formatters": {"f": {"format": "%(levelname)s %(message)s"}},
            "filters": {"ab": {"name": "a.b"}},
            "handlers": {"h": {"class": "test.Capture", "tag": "rt", "level": "INFO", "formatter": "f", "filters": ["ab"]}},
            "loggers": {"a": {"level": "DEBUG", "handlers": ["h"], "propagate": false, "filters": ["ab"]}},
            "root": {"level": "ERROR"}, "disable_existing_loggers": false}"#,
    )
    .unwrap();
    let first = r.current_config();
    assert!(first.get("handlers").and_then(|h| h.get("stale")).is_none());
    r.dict_config_str(&first.to_string()).unwrap();
    assert_eq!(r.current_config(), first);
    let a = first.get("loggers").and_then(|l| l.get("a")).unwrap();
    assert_eq!(
        a.to_string(),
        r#"{"level": "DEBUG", "propagate": false, "handlers": ["h"], "filters": ["ab"]}"#
    );
    let h = first.get("handlers").and_then(|l| l.get("h")).unwrap();
    assert_eq!(
        h.to_string(),
        r#"{"class": "test.Capture", "level": "INFO", "formatter": "f", "filters": ["ab"], "tag": "rt"}"#
    );
    let _ = Arc::new(());
}

#[test]
fn a_value_nested_a_million_deep_is_an_error_not_a_crash() {
    let mut deep = loglisten::json::Value::Null;
    for _ in 0..1_000_000 {
        deep = loglisten::json::Value::Array(vec![deep].into());
    }
    let mut top = loglisten::json::Map::new();
    top.insert("version".into(), loglisten::json::Value::from(1i64));
    top.insert("custom".into(), deep);
    let config = loglisten::json::Value::Object(top);
    let err = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || loglisten::dict_config(&config).unwrap_err().to_string())
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(err, "nested deeper than 128 levels");
}
