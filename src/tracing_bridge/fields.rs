//! What the `tracing` layer collects: an event's message and fields into
//! per-thread slots reused event after event, and a span's fields kept
//! with the span.
//!
//! An event's field values live only while tracing's visitor is called
//! with them, so their text is copied once; the slots are `Field`s whose
//! text buffers stay allocated between events, so the record borrows
//! them as they are (no list built per event, no allocation in the
//! steady state). A handler that keeps a record (memory, queue) takes
//! its own copy then.

use crate::fields::{is_reserved_field, Field, FieldValue};
use crate::level::Level;
use crate::logger::Logger;
use crate::record::{Location, Record};
use std::borrow::Cow;
use std::cell::RefCell;
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

/// An event's message and fields, in this thread's reused buffers.
#[doc(hidden)]
#[derive(Debug)]
pub struct __EventFields {
    pub(super) message: String,
    /// The first `used` are this event's fields; every slot keeps its
    /// text buffer for the events after.
    pub(super) slots: Vec<Field<'static>>,
    pub(super) used: usize,
    /// Text buffers of slots that took a number since.
    pub(super) spare: Vec<String>,
}

thread_local! {
    static SCRATCH: RefCell<__EventFields> = const { RefCell::new(__EventFields::new()) };
}

/// Past these sizes (a huge message once, an event with very many
/// fields) buffers are not kept: at most `KEEP_MESSAGE` plus
/// `2 * KEEP_FIELDS * KEEP_TEXT` bytes stay with a thread.
pub(super) const KEEP_MESSAGE: usize = 4096;
pub(super) const KEEP_FIELDS: usize = 32;
pub(super) const KEEP_TEXT: usize = 512;

impl __EventFields {
    pub(super) const fn new() -> __EventFields {
        __EventFields {
            message: String::new(),
            slots: Vec::new(),
            used: 0,
            spare: Vec::new(),
        }
    }

    /// Collects an event with `collect` into this thread's buffers and
    /// hands its record to `logger` (whose level the caller checked),
    /// with the call site (module path, file, line) if known. An event
    /// logged while one is being handled, or while the thread ends, gets
    /// fresh buffers.
    #[inline]
    pub fn log_event(
        logger: &Logger,
        level: Level,
        source: Option<(&'static str, &'static str, u32)>,
        collect: impl FnOnce(&mut __EventFields),
    ) {
        let mut collect = Some(collect);
        let _ = SCRATCH.try_with(|cell| {
            if let Ok(mut fields) = cell.try_borrow_mut() {
                if let Some(collect) = collect.take() {
                    fields.collect_and_log(logger, level, source, collect);
                }
            }
        });
        if let Some(collect) = collect {
            __EventFields::new().collect_and_log(logger, level, source, collect);
        }
    }

    fn collect_and_log(
        &mut self,
        logger: &Logger,
        level: Level,
        source: Option<(&'static str, &'static str, u32)>,
        collect: impl FnOnce(&mut __EventFields),
    ) {
        collect(self);
        self.log(logger, level, source);
        self.reset();
    }

    /// Hands the collected record to `logger`.
    pub(super) fn log(
        &self,
        logger: &Logger,
        level: Level,
        source: Option<(&'static str, &'static str, u32)>,
    ) {
        let location =
            source.map(|(module_path, file, line)| Location::new(module_path, file, line, None));
        let fields = &self.slots[..self.used];
        Record::with_event(
            logger.name(),
            level,
            &self.message,
            location,
            fields,
            |record| logger.log_record(record),
        );
    }

    /// Empties the buffers for the next event, keeping their allocations
    /// (up to the `KEEP_*` sizes).
    pub(super) fn reset(&mut self) {
        if self.message.capacity() > KEEP_MESSAGE {
            self.message = String::new();
        } else {
            self.message.clear();
        }
        for slot in &mut self.slots[..self.used] {
            if let FieldValue::Str(Cow::Owned(text)) = slot.parts_mut().1 {
                if text.capacity() > KEEP_TEXT {
                    *text = String::new();
                }
            }
        }
        if self.slots.len() > KEEP_FIELDS {
            self.slots = Vec::new();
        }
        self.used = 0;
    }

    fn has(&self, name: &str) -> bool {
        self.slots[..self.used].iter().any(|f| f.name() == name)
    }

    /// Adds a span's fields the event (or an inner span) did not give.
    pub fn add_span(&mut self, span: &__SpanFields) {
        for (name, value) in &span.0 {
            if !self.has(name) {
                match value {
                    FieldValue::Str(text) => self.push_text(name, |t| t.push_str(text)),
                    other => self.push_value(name, other.clone()),
                }
            }
        }
    }

    /// The next slot, named `name`: its index.
    fn next_slot(&mut self, name: &'static str) -> usize {
        let at = self.used;
        if at == self.slots.len() {
            self.slots.push(Field::new(name, false));
        } else {
            *self.slots[at].parts_mut().0 = Cow::Borrowed(name);
        }
        self.used += 1;
        at
    }

    /// A text field, written by `write` into the slot's own buffer.
    fn push_text(&mut self, name: &'static str, write: impl FnOnce(&mut String)) {
        let at = self.next_slot(name);
        let value = self.slots[at].parts_mut().1;
        if let FieldValue::Str(Cow::Owned(text)) = value {
            text.clear();
            write(text);
        } else {
            let mut text = self.spare.pop().unwrap_or_default();
            text.clear();
            write(&mut text);
            *value = FieldValue::Str(Cow::Owned(text));
        }
    }

    /// A number or bool; a text buffer the slot held is kept aside.
    fn push_value(&mut self, name: &'static str, value: FieldValue<'static>) {
        let at = self.next_slot(name);
        let old = std::mem::replace(self.slots[at].parts_mut().1, value);
        if let FieldValue::Str(Cow::Owned(text)) = old {
            if text.capacity() <= KEEP_TEXT && self.spare.len() < KEEP_FIELDS {
                self.spare.push(text);
            }
        }
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
            self.message.clear();
            self.message.push_str(value);
        } else if !is_reserved_field(name) {
            self.push_text(name, |text| text.push_str(value));
        }
    }

    fn sink_debug(&mut self, name: &'static str, value: &dyn fmt::Debug) {
        if name == "message" {
            self.message.clear();
            let _ = write!(self.message, "{value:?}");
        } else if !is_reserved_field(name) {
            self.push_text(name, |text| {
                let _ = write!(text, "{value:?}");
            });
        }
    }

    fn sink_value(&mut self, name: &'static str, value: FieldValue<'static>) {
        if name == "message" {
            self.message.clear();
            let _ = write!(self.message, "{value}");
        } else if !is_reserved_field(name) {
            self.push_value(name, value);
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
