//! The layer's field collection, without `tracing` (the layer itself is
//! tested against the real crates in tests/bridges).

use super::fields::{may_be_reserved, skipped, KEEP_FIELDS, KEEP_MESSAGE, KEEP_TEXT};
use super::*;
use crate::fields::FieldValue;
use crate::handler::{Handler, SharedHandler};
use crate::level::Level;
use crate::logger::Logger;
use crate::record::Record;
use crate::registry::Registry;
use proptest::prelude::*;
use std::sync::{Arc, Mutex};

/// Keeps each record's message, fields and location as text.
#[derive(Debug)]
struct Keep(Arc<Mutex<Vec<String>>>);

impl Handler for Keep {
    fn emit(&mut self, record: &Record, _text: &str) -> std::io::Result<()> {
        let fields: Vec<String> = record
            .fields()
            .map(|f| format!("{}={:?}", f.name(), f.value()))
            .collect();
        let line = format!("{} | {}", record.message(), fields.join(" "));
        self.0.lock().unwrap().push(line);
        Ok(())
    }
}

fn logger() -> (Logger, Arc<Mutex<Vec<String>>>) {
    let kept = Arc::new(Mutex::new(Vec::new()));
    let log = Registry::new().get_logger("t");
    log.add_handler(SharedHandler::new(Keep(kept.clone())));
    log.set_level(Level::DEBUG);
    (log, kept)
}

#[test]
fn message_fields_and_span_fields_reach_the_record_in_order() {
    let (log, kept) = logger();
    let mut span = __SpanFields::default();
    span.sink_str("user", "span-user");
    span.sink_str("region", "eu");
    span.sink_value("region", 7i64.into()); // recorded again: replaced
    span.sink_str("message", "a span's message is not a field");
    span.sink_value("levelname", true.into()); // an attribute: dropped
    let mut outer = __SpanFields::default();
    outer.sink_str("region", "outer"); // the inner span's wins
    outer.sink_str("zone", "z1");
    __EventFields::log_event(
        &log,
        Level::INFO,
        Some(("app::jobs", "src/jobs.rs", 9)),
        |f| {
            f.sink_str("user", "bob");
            f.sink_debug("message", &format_args!("job {} done", 7));
            f.sink_value("attempt", 3u64.into());
            f.sink_value("ratio", 0.5.into());
            f.sink_debug("path", &"a\"b");
            f.sink_str("asctime", "dropped");
            f.add_span(&span);
            f.add_span(&outer);
        },
    );
    assert_eq!(
        kept.lock().unwrap().as_slice(),
        [
            "job 7 done | user=Str(\"bob\") attempt=Int(3) ratio=Float(0.5) \
              path=Str(\"\\\"a\\\\\\\"b\\\"\") region=Int(7) zone=Str(\"z1\")"
        ]
    );
}

#[test]
fn the_call_site_reaches_the_record() {
    let kept = Arc::new(Mutex::new(Vec::new()));
    #[derive(Debug)]
    struct Where(Arc<Mutex<Vec<String>>>);
    impl Handler for Where {
        fn emit(&mut self, r: &Record, _text: &str) -> std::io::Result<()> {
            let line = format!(
                "{} {}:{} {}",
                r.module(),
                r.filename(),
                r.lineno(),
                r.name()
            );
            self.0.lock().unwrap().push(line);
            Ok(())
        }
    }
    let log = Registry::new().get_logger("app.jobs");
    log.add_handler(SharedHandler::new(Where(kept.clone())));
    __EventFields::log_event(
        &log,
        Level::ERROR,
        Some(("app::jobs", "src/jobs.rs", 9)),
        |_| {},
    );
    __EventFields::log_event(&log, Level::ERROR, None, |_| {});
    assert_eq!(
        kept.lock().unwrap().as_slice(),
        [
            "jobs jobs.rs:9 app.jobs",
            "Unknown module (unknown file):0 app.jobs"
        ]
    );
}

#[test]
fn a_message_of_another_type_is_its_text_and_none_is_empty() {
    let (log, kept) = logger();
    __EventFields::log_event(&log, Level::INFO, None, |f| {
        f.sink_value("message", true.into())
    });
    __EventFields::log_event(&log, Level::INFO, None, |f| f.sink_str("k", "v"));
    __EventFields::log_event(&log, Level::INFO, None, |f| f.sink_str("message", "m"));
    assert_eq!(
        kept.lock().unwrap().as_slice(),
        ["True | ", " | k=Str(\"v\")", "m | "]
    );
}

/// The slots and their text buffers are reused event after event, also
/// when a slot's type changes (text, number, text again).
#[test]
fn slots_and_text_buffers_are_reused() {
    let (log, kept) = logger();
    let mut fields = __EventFields::new();
    let event = |fields: &mut __EventFields, a_is_text: bool| {
        fields.sink_str("message", "m");
        if a_is_text {
            fields.sink_str("a", "xyz");
        } else {
            fields.sink_value("a", 1i64.into());
        }
        fields.sink_str("b", "text");
        fields.log(&log, Level::INFO, None);
        fields.reset();
    };
    event(&mut fields, true);
    let texts = |fields: &__EventFields| -> Vec<*const u8> {
        let mut all: Vec<*const u8> = fields.spare.iter().map(|s| s.as_ptr()).collect();
        for slot in &fields.slots {
            if let FieldValue::Str(text) = slot.value() {
                all.push(text.as_ptr());
            }
        }
        all.sort();
        all
    };
    let first = texts(&fields);
    assert_eq!(first.len(), 2);
    event(&mut fields, false);
    event(&mut fields, true);
    assert_eq!(texts(&fields), first, "the same two buffers throughout");
    assert_eq!(fields.slots.len(), 2);
    assert!(fields.message.is_empty() && fields.used == 0);
    assert_eq!(
        kept.lock().unwrap().as_slice(),
        [
            "m | a=Str(\"xyz\") b=Str(\"text\")",
            "m | a=Int(1) b=Str(\"text\")",
            "m | a=Str(\"xyz\") b=Str(\"text\")"
        ]
    );
}

/// Huge buffers are not kept; an event logged while another is handled
/// (here: inside the collection) gets its own buffers.
#[test]
fn huge_buffers_are_dropped_and_nested_events_get_their_own() {
    let (log, kept) = logger();
    let mut fields = __EventFields::new();
    fields.sink_str("message", &"x".repeat(KEEP_MESSAGE + 1));
    fields.sink_str("big", &"y".repeat(KEEP_TEXT + 1));
    fields.sink_str("small", "s");
    fields.reset();
    assert_eq!(fields.message.capacity(), 0);
    let capacities: Vec<usize> = fields.slots.iter().map(text_capacity).collect();
    assert_eq!(capacities[0], 0);
    assert!(capacities[1] >= 1);
    for n in 0..=KEEP_FIELDS {
        fields.sink_value(["f0", "f1", "f2", "f3"][n % 4], FieldValue::Int(n as i128));
    }
    fields.reset();
    assert_eq!(fields.slots.capacity(), 0, "more than KEEP_FIELDS slots");

    __EventFields::log_event(&log, Level::INFO, None, |outer| {
        outer.sink_str("message", "outer");
        __EventFields::log_event(&log, Level::INFO, None, |inner| {
            inner.sink_str("message", "inner");
        });
    });
    assert_eq!(kept.lock().unwrap().as_slice(), ["inner | ", "outer | "]);
}

/// A huge buffer left by an event that was never reset (its collection
/// panicked) is dropped at the next reset, even in a slot the next event
/// does not reach.
#[test]
fn a_huge_buffer_beyond_the_next_events_slots_is_dropped() {
    let mut fields = __EventFields::new();
    fields.sink_str("a", "x");
    fields.sink_str("big", &"y".repeat(KEEP_TEXT + 1));
    // No reset (as after a panic); the next event fills one slot.
    fields.used = 0;
    fields.sink_str("a", "x");
    fields.reset();
    let capacities: Vec<usize> = fields.slots.iter().map(text_capacity).collect();
    assert!(capacities[0] >= 1, "{capacities:?}");
    assert_eq!(capacities[1], 0, "the huge one is gone");
}

fn text_capacity(slot: &crate::fields::Field<'static>) -> usize {
    match slot.value() {
        FieldValue::Str(std::borrow::Cow::Owned(text)) => text.capacity(),
        _ => 0,
    }
}

#[test]
fn the_quick_reserved_test_passes_every_attribute() {
    for name in crate::fields::RESERVED {
        assert!(may_be_reserved(name), "{name}");
    }
    for name in ["user", "attempt", "request_id", "", "x", "namesake"] {
        assert!(!may_be_reserved(name), "{name}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    /// Names near the attributes too (an attribute with one byte changed,
    /// cut or extended), so the full compare is exercised.
    #[test]
    fn skipped_fields_are_exactly_the_reserved_ones(
        which in 0..crate::fields::RESERVED.len(),
        edit in 0..4usize,
        at in any::<prop::sample::Index>(),
        byte in b'a'..=b'z',
        other in "[a-zA-Z_]{0,16}",
    ) {
        let mut name = crate::fields::RESERVED[which].to_string().into_bytes();
        let i = at.index(name.len());
        match edit {
            0 => name[i] = byte,
            1 => name.truncate(i),
            2 => name.push(byte),
            _ => name = other.into_bytes(),
        }
        let name = String::from_utf8(name).unwrap();
        prop_assert_eq!(skipped(&name), crate::is_reserved_field(&name), "{}", name);
    }
}

/// The per-thread count of entered spans: exits never take it below
/// zero (a span entered before the layer was installed), and another
/// thread's spans do not count here.
#[test]
fn entered_spans_are_counted_per_thread() {
    assert!(!__SpanFields::any_entered());
    __SpanFields::exited();
    assert!(!__SpanFields::any_entered());
    __SpanFields::entered();
    __SpanFields::entered();
    __SpanFields::exited();
    assert!(__SpanFields::any_entered());
    std::thread::spawn(|| assert!(!__SpanFields::any_entered()))
        .join()
        .unwrap();
    __SpanFields::exited();
    assert!(!__SpanFields::any_entered());
}

/// A value whose `Debug` panics unwinds out of the collection; the next
/// event on the thread starts empty all the same.
#[test]
fn an_event_after_a_panicking_one_starts_empty() {
    struct Panics;
    impl std::fmt::Debug for Panics {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            panic!("Debug of a field value")
        }
    }
    let (log, kept) = logger();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        __EventFields::log_event(&log, Level::INFO, None, |f| {
            f.sink_str("message", "lost");
            f.sink_str("a", "x");
            f.sink_debug("b", &Panics);
        })
    }));
    assert!(panicked.is_err());
    __EventFields::log_event(&log, Level::INFO, None, |f| f.sink_str("message", "next"));
    assert_eq!(kept.lock().unwrap().as_slice(), ["next | "]);
}

/// A `Debug` that writes part of its text, then fails.
struct FailingDebug;
impl std::fmt::Debug for FailingDebug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("half")?;
        Err(std::fmt::Error)
    }
}

#[test]
fn a_field_whose_debug_fails_shows_as_cpythons_failed_repr() {
    let (log, kept) = logger();
    let mut span = __SpanFields::default();
    span.sink_debug("conn", &FailingDebug);
    __EventFields::log_event(&log, Level::INFO, None, |f| {
        f.sink_str("message", "m");
        f.sink_debug("user", &FailingDebug);
        f.sink_debug("ok", &1);
        f.add_span(&span);
    });
    assert_eq!(
        kept.lock().unwrap().as_slice(),
        ["m | user=Str(\"<field repr() failed>\") ok=Str(\"1\") \
              conn=Str(\"<field repr() failed>\")"]
    );
}
