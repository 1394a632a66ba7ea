//! A full (non-incremental) configuration and the handlers of loggers it
//! does not name, where we differ from CPython on purpose: CPython closes
//! every existing handler, so a `MemoryHandler` still attached to such a
//! logger loses its target and what it buffers afterwards is silently
//! dropped; we keep those handlers working, so no record is lost. Both
//! sides run the same two configurations and the same records; CPython's
//! side skips when python3 is absent.

use loglisten::Registry;

#[path = "support/python.rs"]
mod python;
#[path = "support/tempdir.rs"]
mod tempdir;

/// `keep` logs through a MemoryHandler (capacity 1: every record is
/// flushed at once) to a FileHandler writing `path`.
fn first(path: &str) -> String {
    format!(
        r#"{{"version": 1,
  "formatters": {{"bare": {{"format": "%(message)s"}}}},
  "handlers": {{
    "file": {{"class": "logging.FileHandler", "filename": "{path}", "formatter": "bare"}},
    "buffer": {{"class": "logging.handlers.MemoryHandler", "capacity": 1, "target": "file"}}
  }},
  "loggers": {{"keep": {{"level": "INFO", "handlers": ["buffer"], "propagate": false}}}}}}"#
    )
}

/// Names no logger: `keep` stays enabled with its handler attached.
const SECOND: &str = r#"{"version": 1, "disable_existing_loggers": false, "root": {}}"#;

const CPYTHON: &str = r#"
import json, logging, logging.config, sys
first, second = sys.stdin.read().split("\n\x00\n")
logging.config.dictConfig(json.loads(first))
keep = logging.getLogger("keep")
keep.info("before")
logging.config.dictConfig(json.loads(second))
keep.info("after")
logging.shutdown()
print(len(keep.handlers), keep.disabled)
"#;

#[test]
fn handlers_of_unnamed_loggers_keep_working_where_cpython_drops() {
    let dir = tempdir::TempDir::new("unnamed-handlers");
    let ours = dir.join("ours.log").display().to_string();
    let registry = Registry::new();
    registry.dict_config_str(&first(&ours)).unwrap();
    let keep = registry.get_logger("keep");
    loglisten::info!(keep, "before");
    registry.dict_config_str(SECOND).unwrap();
    assert_eq!((keep.handlers().len(), keep.disabled()), (1, false));
    loglisten::info!(keep, "after");
    registry.shutdown();
    let written = std::fs::read_to_string(&ours).unwrap();
    assert_eq!(written, "before\nafter\n", "ours: nothing dropped");

    let theirs = dir.join("cpython.log").display().to_string();
    let input = format!("{}\n\0\n{SECOND}", first(&theirs));
    let what = "a MemoryHandler of an unnamed logger after a full dictConfig";
    let Some(output) = python::run_python(CPYTHON, &input, what) else {
        return;
    };
    assert_eq!(output.trim(), "1 False", "CPython too keeps it attached");
    let written = std::fs::read_to_string(&theirs).unwrap();
    assert_eq!(
        written, "before\n",
        "CPython: the closed MemoryHandler drops"
    );
}
