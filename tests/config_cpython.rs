//! CPython's own test_logging configurations (ConfigDictTest.config*,
//! ConfigFileTest.config*), applied by CPython and by this crate in the same
//! order with the same log calls after each: the files written must be the
//! same, and a config CPython rejects must be rejected here too, without the
//! half-application CPython leaves behind (config2b). Stream
//! handlers are redirected to files on both sides. Skips when python3 (or
//! its test package) is absent.

use loglisten::{dict_config_str, file_config_str, get_logger, json, Formatter, Level};
use std::ffi::OsStr;

#[path = "support/python.rs"]
mod python;

const LOGGERS: [&str; 6] = [
    "",
    "compiler",
    "compiler.parser",
    "compiler.lexer",
    "compiler.parser.codegen",
    "other",
];
const LEVELS: [Level; 5] = [
    Level::DEBUG,
    Level::INFO,
    Level::WARNING,
    Level::ERROR,
    Level::CRITICAL,
];

fn calls() {
    let mut n = 0;
    for name in LOGGERS {
        for level in LEVELS {
            get_logger(name).log_args(level, format_args!("m{n}"));
            n += 1;
        }
    }
}

/// CPython's `test_logging.ExceptionFormatter` changes only how exceptions
/// print; these calls log none, so the standard formatter is equivalent.
fn register_python_classes() {
    loglisten::register_formatter("test.test_logging.ExceptionFormatter", |kwargs| {
        let text = |k: &str| kwargs.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let mut builder = Formatter::builder();
        if let Some(format) = text("format") {
            builder = builder.fmt(format);
        }
        if let Some(datefmt) = text("datefmt") {
            builder = builder.datefmt(datefmt);
        }
        builder.build().map_err(|e| e.to_string())
    });
}

#[test]
fn cpython_test_configs_give_the_same_output() {
    register_python_classes();
    let dir =
        std::env::temp_dir().join(format!("loglisten-cpython-configs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/cpython_configs.py"
    );
    let args = [OsStr::new(script), dir.as_os_str()];
    let Some(output) = python::python_output(&args, &[], b"", "test_logging's configs") else {
        return;
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("No module named 'test") {
            python::skip("python3 has no test package, CPython's configs not compared");
            return;
        }
        panic!("python3 failed: {stderr}");
    }
    let text = String::from_utf8(output.stdout).unwrap();
    let mut compared = 0;
    let mut half_applied_by_cpython = Vec::new();
    for line in text.lines() {
        let case = json::parse(line).unwrap();
        let field = |k: &str| {
            case.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let (kind, name) = (field("kind"), field("name"));
        let path = dir.join(format!("rs-{kind}-{name}.log"));
        let config = field("config").replace("@LOGFILE@", &path.display().to_string());
        let applied = if kind == "dict" {
            dict_config_str(&config)
        } else {
            file_config_str(&config)
        };
        calls();
        loglisten::shutdown();
        let ours = std::fs::read_to_string(&path).unwrap_or_default();
        let python_ok = case.get("ok").and_then(|v| v.as_bool()).unwrap();
        assert_eq!(
            applied.is_ok(),
            python_ok,
            "{kind} {name}: CPython said {:?}, we said {applied:?}",
            field("error")
        );
        if python_ok {
            assert_eq!(ours, field("output"), "{kind} {name}: output differs");
        } else {
            // CPython may have half-applied it (config2b configures the
            // loggers before failing on root's level); we applied nothing,
            // so nothing was written where it points.
            assert_eq!(ours, "", "{kind} {name}: a rejected config wrote output");
            if !field("output").is_empty() {
                half_applied_by_cpython.push(format!("{kind} {name}"));
            }
        }
        compared += 1;
    }
    eprintln!("compared {compared} CPython test configs; CPython half-applied {half_applied_by_cpython:?}");
    assert!(
        half_applied_by_cpython.contains(&"dict config2b".to_string()),
        "the half-applied case is exercised"
    );
    assert!(
        compared >= 20,
        "expected the bulk of CPython's configs, got {compared}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
