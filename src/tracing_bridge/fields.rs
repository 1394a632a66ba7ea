//! What the `tracing` layer collects of an event: its message and fields,
//! into per-thread slots reused event after event.
//!
//! An event's field values live only while tracing's visitor is called
//! with them, so their text is copied once; the slots are `Field`s whose
//! text buffers stay allocated between events, so the record borrows
//! them as they are (no list built per event, no allocation in the
//! steady state). A handler that keeps a record (memory, queue) takes
//! its own copy then.

use super::span::__SpanFields;
use crate::fields::{is_reserved_field, write_or_failed, Field, FieldValue, RESERVED};
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
    /// Whether a slot's text grew past `KEEP_TEXT` (dropped at reset).
    oversized: bool,
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
            oversized: false,
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
        // An event whose collection panicked (a value's `Debug`) left
        // its fields here: start empty.
        self.used = 0;
        self.message.clear();
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
        if self.oversized {
            self.oversized = false;
            // Every slot, not only this event's: an event whose collection
            // panicked was never reset, and its slots may lie beyond.
            for slot in &mut self.slots {
                if let FieldValue::Str(Cow::Owned(text)) = slot.parts_mut().1 {
                    if text.capacity() > KEEP_TEXT {
                        *text = String::new();
                    }
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
        for (name, value) in span.iter() {
            if !self.has(name) {
                match value {
                    FieldValue::Str(text) => self.push_text(name, |t| t.push_str(text)),
                    other => self.push_value(name, other.clone()),
                }
            }
        }
    }

    /// The next slot, named `name`: its index.
    #[inline]
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
    #[inline]
    fn push_text(&mut self, name: &'static str, write: impl FnOnce(&mut String)) {
        let at = self.next_slot(name);
        let value = self.slots[at].parts_mut().1;
        let capacity = if let FieldValue::Str(Cow::Owned(text)) = value {
            text.clear();
            write(text);
            text.capacity()
        } else {
            let mut text = self.spare.pop().unwrap_or_default();
            text.clear();
            write(&mut text);
            let capacity = text.capacity();
            *value = FieldValue::Str(Cow::Owned(text));
            capacity
        };
        self.oversized |= capacity > KEEP_TEXT;
    }

    /// A number or bool; a text buffer the slot held is kept aside.
    #[inline]
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
    #[inline]
    fn sink_str(&mut self, name: &'static str, value: &str) {
        if name == "message" {
            self.message.clear();
            self.message.push_str(value);
        } else if !skipped(name) {
            self.push_text(name, |text| text.push_str(value));
        }
    }

    #[inline]
    fn sink_debug(&mut self, name: &'static str, value: &dyn fmt::Debug) {
        if name == "message" {
            self.message.clear();
            let _ = write!(self.message, "{value:?}");
        } else if !skipped(name) {
            self.push_text(name, |text| {
                write_or_failed(text, "repr", |t| write!(t, "{value:?}"));
            });
        }
    }

    #[inline]
    fn sink_value(&mut self, name: &'static str, value: FieldValue<'static>) {
        if name == "message" {
            self.message.clear();
            let _ = write!(self.message, "{value}");
        } else if !skipped(name) {
            self.push_value(name, value);
        }
    }
}

/// Whether an event's field is left out: a record attribute (CPython
/// refuses those in `extra`).
#[inline]
pub(super) fn skipped(name: &str) -> bool {
    may_be_reserved(name) && is_reserved_field(name)
}

/// For each name length, the first and the last letters (`byte & 31` as
/// a bit) of the record attributes that long.
const RESERVED_ENDS: [(u32, u32); 16] = {
    let mut ends = [(0u32, 0u32); 16];
    let mut i = 0;
    while i < RESERVED.len() {
        let name = RESERVED[i].as_bytes();
        let (first, last) = &mut ends[name.len()];
        *first |= 1 << (name[0] & 31);
        *last |= 1 << (name[name.len() - 1] & 31);
        i += 1;
    }
    ends
};

/// A quick test most field names fail (`user`, `attempt`): a record
/// attribute has its length, first and last letter among the
/// attributes'; only names that pass are compared in full.
#[inline]
pub(super) fn may_be_reserved(name: &str) -> bool {
    let bytes = name.as_bytes();
    match (bytes.first(), bytes.last(), RESERVED_ENDS.get(bytes.len())) {
        (Some(&first), Some(&last), Some(&(firsts, lasts))) => {
            firsts & (1 << (first & 31)) != 0 && lasts & (1 << (last & 31)) != 0
        }
        _ => false,
    }
}
