//! The JSON formatter against python-json-logger itself: the same
//! dictConfig goes to CPython (with the package pip-installed into a
//! temporary directory) and to us, and the JSON objects are compared line
//! by line, timestamps normalised. Skipped, with a message, where python3
//! or pip (or the network) is missing.

#[path = "support/python.rs"]
mod python;
#[path = "support/tempdir.rs"]
mod tempdir;

use loglisten::handler::{SharedBuffer, StreamHandler};
use loglisten::json::Value;
use loglisten::{get_logger, Field, Handler, Level};
use std::ffi::OsStr;
use std::process::Command;
use std::sync::OnceLock;

/// The two tests apply whole configurations: one at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn captured() -> &'static SharedBuffer {
    static BUFFER: OnceLock<SharedBuffer> = OnceLock::new();
    BUFFER.get_or_init(SharedBuffer::new)
}

/// The formatter setups: the defaults; renames with a timestamp, static
/// fields and no ASCII escaping; `json_indent` as a number and as a text
/// (compared as text, whitespace and all); errors and stacks as arrays of
/// lines.
const FORMATTERS: [&str; 5] = [
    r#"{"()": "pythonjsonlogger.json.JsonFormatter",
        "format": "%(levelname)s %(name)s %(message)s %(levelno)d %(user)s"}"#,
    r#"{"()": "pythonjsonlogger.jsonlogger.JsonFormatter",
        "fmt": "{levelname} {message} {name}", "style": "{",
        "rename_fields": {"levelname": "level", "attempt": "tries"},
        "static_fields": {"service": "shop", "tags": ["a", 1, 2.5, null, true]},
        "timestamp": true, "json_ensure_ascii": false}"#,
    r#"{"()": "pythonjsonlogger.json.JsonFormatter", "format": "%(levelname)s %(message)s",
        "json_indent": 2, "static_fields": {"nested": {"a": [1, {"b": []}], "c": {}}}}"#,
    r#"{"()": "pythonjsonlogger.json.JsonFormatter", "format": "%(message)s",
        "json_indent": "\t", "prefix": "> "}"#,
    r#"{"()": "pythonjsonlogger.json.JsonFormatter", "format": "%(levelname)s %(message)s",
        "exc_info_as_array": true, "stack_info_as_array": true, "json_indent": 0}"#,
];

/// The setup whose records also carry an error and a stack.
const ARRAYS: usize = 4;

fn config(formatter: &str, handler_class: &str) -> String {
    format!(
        r#"{{"version": 1, "disable_existing_loggers": false,
            "formatters": {{"j": {formatter}}},
            "handlers": {{"h": {{"class": "{handler_class}", "formatter": "j"}}}},
            "loggers": {{"shop.auth": {{"level": "DEBUG", "handlers": ["h"], "propagate": false}}}}}}"#
    )
}

const PYTHON: &str = r#"
import json, logging, logging.config, sys
for formatter in json.load(sys.stdin):
    cfg = json.loads(formatter)
    logging.config.dictConfig(cfg)
    log = logging.getLogger('shop.auth')
    log.warning('login failed for %s', 'bob',
                extra={'user': 'bob', 'attempt': 3, 'ratio': 0.5, 'ok': True})
    log.info('caf\u00e9 "quoted"\nline \u2603 \U0001F600', extra={'user': 'ad\x01a'})
    log.debug('no extra')
    if 'as_array' in formatter:
        log.error('failed', exc_info=ValueError('bad'))
        log.warning('where', stack_info=True)
    logging.shutdown()
"#;

fn ours() -> Vec<String> {
    loglisten::register_handler("jsontest.Capture", |_| {
        Ok(Box::new(StreamHandler::new(captured().clone())) as Box<dyn Handler>)
    });
    let log = get_logger("shop.auth");
    for (i, formatter) in FORMATTERS.iter().enumerate() {
        loglisten::dict_config_str(&config(formatter, "jsontest.Capture")).unwrap();
        let first = [
            Field::new("user", "bob"),
            Field::new("attempt", 3),
            Field::new("ratio", 0.5),
            Field::new("ok", true),
        ];
        loglisten::Logger::log_record(
            &log,
            &loglisten::Record::from_args(
                "shop.auth",
                Level::WARNING,
                format_args!("login failed for {}", "bob"),
            )
            .with_fields(&first),
        );
        loglisten::info!(log, user = "ad\u{1}a"; "caf\u{e9} \"quoted\"\nline \u{2603} \u{1F600}");
        loglisten::debug!(log, "no extra");
        if i == ARRAYS {
            let e = std::io::Error::other("bad");
            loglisten::error!(log, error = &e, "failed");
            loglisten::warning!(log, stack_info = true; "where");
        }
    }
    records(&captured().text())
}

/// The records in a handler's output: one a line, or with `json_indent`
/// over several (each ends where the text so far parses).
fn records(text: &str) -> Vec<String> {
    let mut records = Vec::new();
    let mut record = String::new();
    for line in text.lines() {
        record.push_str(line);
        let json = record.trim_start_matches("> ");
        if loglisten::json::parse(json).is_ok() {
            records.push(std::mem::take(&mut record));
        } else {
            record.push('\n');
        }
    }
    assert!(record.is_empty(), "an unfinished record: {record}");
    records
}

/// The object with its timestamp replaced by a marker, after checking it
/// has the shape `datetime.isoformat()` gives, and an error's or a stack's
/// lines (a Python traceback there, Rust's here) by their first line's
/// shape, after checking they are a list of lines.
fn normalised(line: &str) -> Value {
    let json = line.trim_start_matches("> ");
    let mut value = loglisten::json::parse(json).unwrap_or_else(|e| panic!("{e}: {line}"));
    if let Value::Object(map) = &mut value {
        for key in ["exc_info", "stack_info"] {
            if let Some(Value::Array(lines)) = map.get(key) {
                assert!(
                    !lines.is_empty() && lines.iter().all(|l| l.as_str().is_some()),
                    "{line}"
                );
                let first = lines[0].as_str().unwrap_or("");
                let shape = if first.starts_with("Stack (most recent call last):") {
                    "stack lines"
                } else {
                    "error lines"
                };
                map.insert(key.to_string(), Value::String(shape.to_string()));
            }
        }
        if let Some(Value::String(stamp)) = map.get("timestamp") {
            assert!(
                stamp.ends_with("+00:00") && stamp.as_bytes()[10] == b'T',
                "{stamp}"
            );
            map.insert("timestamp".to_string(), Value::String("<ts>".to_string()));
        }
    }
    value
}

#[test]
fn json_lines_match_python_json_logger() {
    let guard = serial();
    let ours = ours();
    drop(guard);
    // What we write, whatever python does: checked exactly.
    assert_eq!(
        ours[0],
        r#"{"levelname": "WARNING", "name": "shop.auth", "message": "login failed for bob", "levelno": 30, "user": "bob", "attempt": 3, "ratio": 0.5, "ok": true}"#
    );
    assert_eq!(
        ours[4],
        "{\"level\": \"INFO\", \"message\": \"caf\u{e9} \\\"quoted\\\"\\nline \u{2603} \u{1F600}\", \
         \"name\": \"shop.auth\", \"service\": \"shop\", \"tags\": [\"a\", 1, 2.5, null, true], \
         \"user\": \"ad\\u0001a\", \"timestamp\": \"<ts>\"}"
            .replace("\"<ts>\"", &format!("{:?}", stamp_of(&ours[4])))
    );
    let dir = tempdir::TempDir::new("pjl");
    let target = dir.join("site");
    let pip = Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
        ])
        .arg(&target)
        .arg("python-json-logger==4.2.0")
        .output();
    match pip {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            eprintln!(
                "skipped: pip could not install python-json-logger, not compared: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            );
            return;
        }
        Err(_) => {
            eprintln!("skipped: python3 is not available, python-json-logger not compared");
            return;
        }
    }
    let configs: Vec<String> = FORMATTERS
        .iter()
        .map(|f| {
            config(f, "logging.StreamHandler").replace(
                r#""formatter": "j"}"#,
                r#""formatter": "j", "stream": "ext://sys.stdout"}"#,
            )
        })
        .collect();
    let input = format!(
        "[{}]",
        configs
            .iter()
            .map(|c| format!("{:?}", c))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let site = target.to_string_lossy().to_string();
    let Some(theirs) = python::python_stdout(
        &[OsStr::new("-c"), OsStr::new(PYTHON)],
        &[("PYTHONPATH", &site), ("PYTHONIOENCODING", "utf-8")],
        input.as_bytes(),
        "python-json-logger",
    ) else {
        return;
    };
    let theirs = records(&theirs);
    assert_eq!(theirs.len(), ours.len(), "{theirs:#?}\n{ours:#?}");
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(normalised(a), normalised(b), "\nours:   {a}\ntheirs: {b}");
        // Indented, with nothing Rust and Python write differently: the
        // same text, whitespace and all.
        if a.contains('\n') && !a.contains("_info") {
            assert_eq!(a, b);
        }
    }
    assert!(ours.iter().any(|r| r.starts_with("{\n  \"levelname\"")));
    assert!(ours.iter().any(|r| r.starts_with("> {\n\t\"message\"")));
}

fn stamp_of(line: &str) -> String {
    match loglisten::json::parse(line).unwrap() {
        Value::Object(map) => map
            .get("timestamp")
            .and_then(Value::as_str)
            .unwrap()
            .to_string(),
        _ => panic!("not an object"),
    }
}

/// Named by `class` (dictConfig then passes format, datefmt, style,
/// validate and defaults): the same formatter.
#[test]
fn json_formatter_by_class() {
    let _guard = serial();
    loglisten::register_handler("jsontest.Capture2", |_| {
        Ok(Box::new(StreamHandler::new(second().clone())) as Box<dyn Handler>)
    });
    let formatter = r#"{"class": "pythonjsonlogger.json.JsonFormatter",
        "format": "${levelname} ${name}", "style": "$", "defaults": {"app": "shop"}}"#;
    let cfg = config(formatter, "jsontest.Capture2").replace("shop.auth", "shop.byclass");
    loglisten::dict_config_str(&cfg).unwrap();
    loglisten::error!(get_logger("shop.byclass"), n = 1.5; "m");
    assert_eq!(
        second().text(),
        "{\"app\": \"shop\", \"levelname\": \"ERROR\", \"name\": \"shop.byclass\", \"n\": 1.5}\n"
    );
}

fn second() -> &'static SharedBuffer {
    static BUFFER: OnceLock<SharedBuffer> = OnceLock::new();
    BUFFER.get_or_init(SharedBuffer::new)
}
