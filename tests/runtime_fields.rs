//! Extra fields on records: the macros' `name = value;` syntax, adapters,
//! `stack_info`, formats naming fields in the three styles (compared with
//! CPython's `extra`), defaults, and a missing field on the error path.

#[path = "support/python.rs"]
mod python;

use loglisten::handler::{SharedBuffer, StreamHandler};
use loglisten::{get_logger, Field, Formatter, Level, Record, SharedHandler, Style};
use std::sync::{Mutex, MutexGuard};

fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn capture(formatter: Formatter) -> (SharedHandler, SharedBuffer) {
    let buffer = SharedBuffer::new();
    let handler = SharedHandler::builder(StreamHandler::new(buffer.clone()))
        .formatter(formatter)
        .build();
    (handler, buffer)
}

fn style_formatter(style: Style, fmt: &str) -> Formatter {
    Formatter::builder().style(style).fmt(fmt).build().unwrap()
}

#[test]
fn macro_fields_reach_the_three_styles_as_cpython_extra() {
    let _g = serial();
    let formats = [
        (
            Style::Percent,
            "%(user)s|%(attempt)s|%(ratio)s|%(ok)s|%(user)-6s|%(message)s",
        ),
        (
            Style::Brace,
            "{user}|{attempt}|{ratio}|{ok}|{user:>6}|{message}",
        ),
        (Style::Dollar, "$user|${attempt}|$ratio|$ok|$message"),
    ];
    let log = get_logger("fields.styles");
    log.set_propagate(false);
    log.set_level(Level::INFO);
    let mut ours = String::new();
    for (style, fmt) in formats {
        let (handler, buffer) = capture(style_formatter(style, fmt));
        log.add_handler(handler.clone());
        let who = "bob";
        loglisten::info!(log, user = "bob", attempt = 3, ratio = 0.5, ok = true; "login failed for {}", who);
        loglisten::debug!(log, user = panic_if_evaluated(); "disabled");
        log.remove_handler(&handler);
        ours.push_str(&buffer.text());
    }
    let script = r#"
import logging, sys
h = logging.StreamHandler(sys.stdout)
log = logging.getLogger('fields.styles')
log.propagate = False
log.addHandler(h)
extra = {'user': 'bob', 'attempt': 3, 'ratio': 0.5, 'ok': True}
for style, fmt in [('%', '%(user)s|%(attempt)s|%(ratio)s|%(ok)s|%(user)-6s|%(message)s'),
                   ('{', '{user}|{attempt}|{ratio}|{ok}|{user:>6}|{message}'),
                   ('$', '$user|${attempt}|$ratio|$ok|$message')]:
    h.setFormatter(logging.Formatter(fmt, style=style))
    log.warning('login failed for %s', 'bob', extra=extra)
"#;
    let expected = "bob|3|0.5|True|bob   |login failed for bob\n\
                    bob|3|0.5|True|   bob|login failed for bob\n\
                    bob|3|0.5|True|login failed for bob\n";
    assert_eq!(ours, expected);
    if let Some(python) = python::run_python(script, "", "extra fields in formats") {
        assert_eq!(ours, python);
    }
}

fn panic_if_evaluated() -> &'static str {
    panic!("a disabled call must not evaluate its fields")
}

#[test]
fn adapter_fields_join_the_calls_and_the_call_wins() {
    let _g = serial();
    let log = get_logger("fields.adapter");
    log.set_propagate(false);
    log.set_level(Level::INFO);
    let (handler, buffer) = capture(Formatter::new("%(request_id)s %(user)s %(message)s").unwrap());
    log.add_handler(handler.clone());
    let request = log.with_fields([("request_id", "r-1"), ("user", "anon"), ("message", "x")]);
    assert_eq!(request.fields().len(), 2, "a reserved name is dropped");
    loglisten::info!(request, "one");
    loglisten::info!(request, user = "ada"; "two");
    let numbered = log.with_fields([("request_id", 7), ("user", 8)]);
    loglisten::warning!(numbered, "three");
    loglisten::debug!(numbered, "{}", panic_if_evaluated());
    log.remove_handler(&handler);
    assert_eq!(buffer.text(), "r-1 anon one\nr-1 ada two\n7 8 three\n");
}

#[test]
fn a_missing_field_takes_the_default_else_the_error_path() {
    let _g = serial();
    let log = get_logger("fields.missing");
    log.set_propagate(false);
    let with_default = Formatter::builder()
        .fmt("%(user)s:%(message)s")
        .default_value("user", "nobody")
        .build()
        .unwrap();
    let (defaulted, defaulted_out) = capture(with_default);
    let (strict, strict_out) = capture(Formatter::new("%(user)s:%(message)s").unwrap());
    log.add_handler(defaulted.clone());
    log.add_handler(strict.clone());
    loglisten::warning!(log, "a");
    loglisten::warning!(log, user = "bob"; "b");
    log.remove_handler(&defaulted);
    log.remove_handler(&strict);
    assert_eq!(defaulted_out.text(), "nobody:a\nbob:b\n");
    // CPython: ValueError "Formatting field not found in record: 'user'"
    // goes to handleError; the record is not written.
    assert_eq!(strict_out.text(), "bob:b\n");
    assert_eq!(strict.error_count(), 1);
    assert_eq!(defaulted.error_count(), 0);
}

#[test]
fn stack_info_captures_a_backtrace() {
    let _g = serial();
    let log = get_logger("fields.stack");
    log.set_propagate(false);
    let (handler, buffer) = capture(Formatter::new("%(message)s").unwrap());
    let (field, field_out) = capture(Formatter::new("[%(stack_info)s]").unwrap());
    log.add_handler(handler.clone());
    log.add_handler(field.clone());
    loglisten::warning!(log, stack_info = true; "here");
    loglisten::warning!(log, "no stack");
    log.remove_handler(&handler);
    log.remove_handler(&field);
    let text = buffer.text();
    assert!(
        text.starts_with("here\nStack (most recent call last):\n"),
        "{text}"
    );
    assert!(text.ends_with("no stack\n"), "{text}");
    let shown = field_out.text();
    assert!(
        shown.starts_with("[Stack (most recent call last):\n"),
        "{shown}"
    );
    // As CPython: the field shows it, and format() appends it as well.
    assert!(
        shown.contains("]\nStack (most recent call last):\n"),
        "{shown}"
    );
    assert!(shown.ends_with("\n[None]\n"), "{shown}");
}

#[test]
fn records_keep_fields_when_detached() {
    let fields = [Field::new("k", "v"), Field::new("n", 2)];
    let record = Record::new("a", Level::INFO, "m").with_fields(&fields);
    let owned = record.to_owned_record();
    let again = owned.record();
    let names: Vec<_> = again.fields().map(|f| f.name().to_string()).collect();
    assert_eq!(names, ["k", "n"]);
    assert_eq!(
        again.field("n").map(ToString::to_string).as_deref(),
        Some("2")
    );
    assert_eq!(
        record
            .detach()
            .field("k")
            .map(ToString::to_string)
            .as_deref(),
        Some("v")
    );
}
