//! The `tracing` bridge: a `tracing_subscriber::Layer` made by a macro
//! that expands in the user's crate (see [`tracing_layer!`]), and the
//! field collection it calls, here so that the expansion stays small.
//!
//! An event's field values live only while tracing's visitor is called
//! with them, so their text is copied once into a per-thread buffer that
//! is reused event after event; the record's message and fields borrow
//! from it for the dispatch. A handler that keeps a record (memory, queue)
//! takes its own copy then. No allocation in the steady state.

use crate::fields::{is_reserved_field, Field, FieldValue};
use crate::level::Level;
use crate::logger::Logger;
use crate::record::Record;
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt::{self, Write as _};

/// Where a visitor puts what it is given; implemented by an event's and
/// a span's field lists.
#[doc(hidden)]
pub trait __FieldSink {
    /// A text value (or the message).
    fn sink_str(&mut self, name: &'static str, value: &str);
    /// A value written with its `Debug` (the message's `format_args!`).
    fn sink_debug(&mut self, name: &'static str, value: &dyn fmt::Debug);
    /// An integer, float or bool.
    fn sink_value(&mut self, name: &'static str, value: FieldValue<'static>);
}

/// A field not yet a [`Field`]: text is a range of the buffer.
#[derive(Debug)]
enum Pending {
    Text(usize, usize),
    Value(FieldValue<'static>),
}

/// An event's message and fields, collected into per-thread buffers.
#[doc(hidden)]
#[derive(Debug)]
pub struct __EventFields {
    text: String,
    message: Option<(usize, usize)>,
    pending: Vec<(&'static str, Pending)>,
    /// Only the allocation is kept between events (always empty here).
    fields: Vec<Field<'static>>,
}

thread_local! {
    static SCRATCH: Cell<__EventFields> = const { Cell::new(__EventFields::new()) };
}

/// Buffers past these sizes (a huge message once) are not kept.
const KEEP_TEXT: usize = 4096;
const KEEP_FIELDS: usize = 64;

impl __EventFields {
    const fn new() -> __EventFields {
        __EventFields {
            text: String::new(),
            message: None,
            pending: Vec::new(),
            fields: Vec::new(),
        }
    }

    /// This thread's buffers, taken out (an event logged while one is
    /// being handled gets fresh ones).
    pub fn take() -> __EventFields {
        SCRATCH.with(Cell::take)
    }

    fn has(&self, name: &str) -> bool {
        self.pending.iter().any(|(n, _)| *n == name)
    }

    /// Adds a span's fields the event (or an inner span) did not give.
    pub fn add_span(&mut self, span: &__SpanFields) {
        for (name, value) in &span.0 {
            if !self.has(name) {
                let pending = match value {
                    FieldValue::Str(s) => {
                        let (a, b) = self.push_text(s);
                        Pending::Text(a, b)
                    }
                    other => Pending::Value(other.clone()),
                };
                self.pending.push((name, pending));
            }
        }
    }

    fn push_text(&mut self, value: &str) -> (usize, usize) {
        let start = self.text.len();
        self.text.push_str(value);
        (start, self.text.len())
    }

    /// Hands the record to `logger` (whose level the caller checked), with
    /// the call site if known, then gives the buffers back to the thread.
    pub fn log(
        mut self,
        logger: &Logger,
        level: Level,
        source: Option<(&'static str, &'static str, u32)>,
    ) {
        let text = &self.text;
        let message = self.message.map_or("", |(a, b)| &text[a..b]);
        // The kept allocation, now holding fields that borrow `text`.
        let mut fields: Vec<Field<'_>> = std::mem::take(&mut self.fields);
        fields.extend(self.pending.iter().map(|(name, pending)| {
            let value = match pending {
                Pending::Text(a, b) => FieldValue::Str(Cow::Borrowed(&text[*a..*b])),
                Pending::Value(value) => value.clone(),
            };
            Field::new(*name, value)
        }));
        let mut record = Record::new(logger.name(), level, message).with_fields(&fields);
        if let Some((module_path, file, line)) = source {
            record = record.with_source(module_path, file, line);
        }
        logger.log_record(&record);
        drop(record);
        fields.clear();
        // Back to `'static` (it is empty: nothing is copied), collected
        // in place, so the allocation is kept.
        self.fields = fields.into_iter().map(Field::into_owned).collect();
        self.put_back();
    }

    fn put_back(mut self) {
        self.message = None;
        self.pending.clear();
        if self.text.capacity() > KEEP_TEXT {
            self.text = String::new();
        } else {
            self.text.clear();
        }
        if self.pending.capacity() > KEEP_FIELDS {
            self.pending = Vec::new();
        }
        if self.fields.capacity() > KEEP_FIELDS {
            self.fields = Vec::new();
        }
        SCRATCH.with(|cell| cell.set(self));
    }
}

impl Default for __EventFields {
    fn default() -> __EventFields {
        __EventFields::new()
    }
}

impl __FieldSink for __EventFields {
    fn sink_str(&mut self, name: &'static str, value: &str) {
        if name == "message" {
            self.message = Some(self.push_text(value));
        } else if !is_reserved_field(name) {
            let (a, b) = self.push_text(value);
            self.pending.push((name, Pending::Text(a, b)));
        }
    }

    fn sink_debug(&mut self, name: &'static str, value: &dyn fmt::Debug) {
        if name != "message" && is_reserved_field(name) {
            return;
        }
        let start = self.text.len();
        let _ = write!(self.text, "{value:?}");
        let end = self.text.len();
        if name == "message" {
            self.message = Some((start, end));
        } else {
            self.pending.push((name, Pending::Text(start, end)));
        }
    }

    fn sink_value(&mut self, name: &'static str, value: FieldValue<'static>) {
        if name == "message" {
            let start = self.text.len();
            let _ = write!(self.text, "{value}");
            self.message = Some((start, self.text.len()));
        } else if !is_reserved_field(name) {
            self.pending.push((name, Pending::Value(value)));
        }
    }
}

/// A span's fields, kept with the span for the events inside it; a field
/// recorded again replaces its value. `message` and record attributes
/// are not kept.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct __SpanFields(Vec<(&'static str, FieldValue<'static>)>);

impl __SpanFields {
    fn set(&mut self, name: &'static str, value: FieldValue<'static>) {
        if is_reserved_field(name) {
            return;
        }
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }
}

impl __FieldSink for __SpanFields {
    fn sink_str(&mut self, name: &'static str, value: &str) {
        self.set(name, value.to_string().into());
    }

    fn sink_debug(&mut self, name: &'static str, value: &dyn fmt::Debug) {
        self.set(name, format!("{value:?}").into());
    }

    fn sink_value(&mut self, name: &'static str, value: FieldValue<'static>) {
        self.set(name, value);
    }
}

/// A `tracing_subscriber::Layer` that turns events into records: the
/// target names the logger as for the `log` bridge
/// ([`target_logger_name`](crate::target_logger_name)), levels map
/// ERROR→ERROR, WARN→WARNING, INFO→INFO, DEBUG→DEBUG, TRACE→TRACE (5), the
/// `message` field is the message, and every other field, with the fields
/// of the enclosing spans (the innermost wins a name clash), becomes an
/// extra field (`%(user)s`). File, line and module path are kept.
/// Callsite interest and `enabled` answer from the live levels, and the
/// interest cache is rebuilt after every reconfiguration
/// ([`on_reconfigure`](crate::on_reconfigure)), so a pushed DEBUG reaches
/// callsites cached as never. Spans are always enabled (their fields
/// must be there for the events inside them).
///
/// Expands in your crate, which depends on `tracing` and
/// `tracing-subscriber` (feature `registry`). `tracing_layer!()` uses
/// `::tracing` and `::tracing_subscriber`; give other paths for renamed
/// crates: `tracing_layer!(my_tracing, my_subscriber)`.
///
/// ```text
/// use tracing_subscriber::prelude::*;
/// tracing_subscriber::registry().with(loglisten::tracing_layer!()).init();
/// tracing::info!(user = "bob", "login"); // logger named after the module
/// ```
#[macro_export]
macro_rules! tracing_layer {
    () => {
        $crate::tracing_layer!(::tracing, ::tracing_subscriber)
    };
    ($tracing:path, $subscriber:path) => {{
        use $subscriber as __loglisten_ts;
        use $tracing as __loglisten_t;
        struct LoglistenLayer;
        struct Visitor<'a, F>(&'a mut F);
        impl<F: $crate::__FieldSink> __loglisten_t::field::Visit for Visitor<'_, F> {
            fn record_debug(
                &mut self,
                field: &__loglisten_t::field::Field,
                value: &dyn ::core::fmt::Debug,
            ) {
                self.0.sink_debug(field.name(), value);
            }
            fn record_str(&mut self, field: &__loglisten_t::field::Field, value: &str) {
                self.0.sink_str(field.name(), value);
            }
            fn record_i64(&mut self, field: &__loglisten_t::field::Field, value: i64) {
                self.0.sink_value(field.name(), value.into());
            }
            fn record_u64(&mut self, field: &__loglisten_t::field::Field, value: u64) {
                self.0.sink_value(field.name(), value.into());
            }
            fn record_f64(&mut self, field: &__loglisten_t::field::Field, value: f64) {
                self.0.sink_value(field.name(), value.into());
            }
            fn record_bool(&mut self, field: &__loglisten_t::field::Field, value: bool) {
                self.0.sink_value(field.name(), value.into());
            }
        }
        fn level_of(level: &__loglisten_t::Level) -> $crate::Level {
            $crate::__level_of(if *level == __loglisten_t::Level::ERROR {
                1
            } else if *level == __loglisten_t::Level::WARN {
                2
            } else if *level == __loglisten_t::Level::INFO {
                3
            } else if *level == __loglisten_t::Level::DEBUG {
                4
            } else {
                5
            })
        }
        impl<S> __loglisten_ts::Layer<S> for LoglistenLayer
        where
            S: __loglisten_t::Subscriber + for<'a> __loglisten_ts::registry::LookupSpan<'a>,
        {
            fn register_callsite(
                &self,
                metadata: &'static __loglisten_t::Metadata<'static>,
            ) -> __loglisten_t::subscriber::Interest {
                let level = level_of(metadata.level());
                if metadata.is_span()
                    || $crate::__with_static_logger(metadata.target(), |l| l.is_enabled_for(level))
                {
                    __loglisten_t::subscriber::Interest::always()
                } else {
                    __loglisten_t::subscriber::Interest::never()
                }
            }
            fn enabled(
                &self,
                metadata: &__loglisten_t::Metadata<'_>,
                _: __loglisten_ts::layer::Context<'_, S>,
            ) -> bool {
                metadata.is_span()
                    || $crate::__enabled(metadata.target(), level_of(metadata.level()))
            }
            fn max_level_hint(
                &self,
            ) -> ::core::option::Option<__loglisten_t::level_filters::LevelFilter> {
                use __loglisten_t::level_filters::LevelFilter;
                ::core::option::Option::Some(match $crate::facade_max_level() {
                    0 => LevelFilter::OFF,
                    1 => LevelFilter::ERROR,
                    2 => LevelFilter::WARN,
                    3 => LevelFilter::INFO,
                    4 => LevelFilter::DEBUG,
                    _ => LevelFilter::TRACE,
                })
            }
            fn on_new_span(
                &self,
                attrs: &__loglisten_t::span::Attributes<'_>,
                id: &__loglisten_t::span::Id,
                ctx: __loglisten_ts::layer::Context<'_, S>,
            ) {
                let mut fields = $crate::__SpanFields::default();
                attrs.record(&mut Visitor(&mut fields));
                if let ::core::option::Option::Some(span) = ctx.span(id) {
                    span.extensions_mut().insert(fields);
                }
            }
            fn on_record(
                &self,
                id: &__loglisten_t::span::Id,
                values: &__loglisten_t::span::Record<'_>,
                ctx: __loglisten_ts::layer::Context<'_, S>,
            ) {
                if let ::core::option::Option::Some(span) = ctx.span(id) {
                    let mut extensions = span.extensions_mut();
                    if let ::core::option::Option::Some(fields) =
                        extensions.get_mut::<$crate::__SpanFields>()
                    {
                        values.record(&mut Visitor(fields));
                    }
                }
            }
            fn on_event(
                &self,
                event: &__loglisten_t::Event<'_>,
                ctx: __loglisten_ts::layer::Context<'_, S>,
            ) {
                let metadata = event.metadata();
                let level = level_of(metadata.level());
                $crate::__with_static_logger(metadata.target(), |logger| {
                    if !logger.is_enabled_for(level) {
                        return;
                    }
                    let mut fields = $crate::__EventFields::take();
                    event.record(&mut Visitor(&mut fields));
                    if let ::core::option::Option::Some(scope) = ctx.event_scope(event) {
                        for span in scope {
                            if let ::core::option::Option::Some(own) =
                                span.extensions().get::<$crate::__SpanFields>()
                            {
                                fields.add_span(own);
                            }
                        }
                    }
                    let source = match (metadata.file(), metadata.line()) {
                        (
                            ::core::option::Option::Some(file),
                            ::core::option::Option::Some(line),
                        ) => ::core::option::Option::Some((
                            metadata.module_path().unwrap_or(""),
                            file,
                            line,
                        )),
                        _ => ::core::option::Option::None,
                    };
                    fields.log(logger, level, source);
                });
            }
        }
        fn rebuild_interest() {
            __loglisten_t::callsite::rebuild_interest_cache();
        }
        $crate::on_reconfigure(rebuild_interest);
        LoglistenLayer
    }};
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handler::{Handler, SharedHandler};
    use crate::registry::Registry;
    use std::sync::{Arc, Mutex};

    /// Keeps each record's message and fields as text.
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
        let mut fields = __EventFields::take();
        fields.sink_str("user", "bob");
        fields.sink_debug("message", &format_args!("job {} done", 7));
        fields.sink_value("attempt", 3u64.into());
        fields.sink_value("ratio", 0.5.into());
        fields.sink_debug("path", &"a\"b");
        fields.sink_str("asctime", "dropped");
        fields.add_span(&span);
        fields.log(&log, Level::INFO, Some(("app::jobs", "src/jobs.rs", 9)));
        assert_eq!(
            kept.lock().unwrap().as_slice(),
            [
                "job 7 done | user=Str(\"bob\") attempt=Int(3) ratio=Float(0.5) \
              path=Str(\"\\\"a\\\\\\\"b\\\"\") region=Int(7)"
            ]
        );
    }

    #[test]
    fn a_message_of_another_type_is_its_text_and_none_is_empty() {
        let (log, kept) = logger();
        let mut fields = __EventFields::take();
        fields.sink_value("message", true.into());
        fields.log(&log, Level::INFO, None);
        let mut fields = __EventFields::take();
        fields.sink_str("k", "v");
        fields.log(&log, Level::INFO, None);
        assert_eq!(
            kept.lock().unwrap().as_slice(),
            ["True | ", " | k=Str(\"v\")"]
        );
    }

    /// The buffers go back to the thread after each event, so the next
    /// one allocates nothing; an event inside another gets its own.
    #[test]
    fn buffers_are_reused_and_nested_events_get_their_own() {
        let (log, kept) = logger();
        let mut fields = __EventFields::take();
        fields.sink_str("message", "first");
        fields.sink_str("a", "x");
        fields.log(&log, Level::INFO, None);
        let reused = __EventFields::take();
        assert!(reused.text.capacity() >= "firstx".len());
        assert!(reused.pending.capacity() >= 1);
        assert!(
            reused.fields.capacity() >= 1,
            "kept through the in-place collect"
        );
        assert!(reused.text.is_empty() && reused.pending.is_empty());
        let nested = __EventFields::take();
        assert_eq!(
            nested.text.capacity(),
            0,
            "taken out: a nested event starts afresh"
        );
        let mut outer = reused;
        outer.sink_str("message", "outer");
        let mut inner = nested;
        inner.sink_str("message", "inner");
        inner.log(&log, Level::INFO, None);
        outer.log(&log, Level::INFO, None);
        assert_eq!(kept.lock().unwrap()[1..], ["inner | ", "outer | "]);
        // A huge message's buffer is not kept.
        let mut big = __EventFields::take();
        big.sink_str("message", &"x".repeat(KEEP_TEXT + 1));
        big.log(&log, Level::INFO, None);
        assert!(__EventFields::take().text.capacity() <= KEEP_TEXT);
    }
}
