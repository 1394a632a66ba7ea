//! [`OwnedRecord`]: a record copied out of its call, to keep or send to
//! another thread (the memory and queue handlers).

use super::{Fields, Location, Record, Thread, ThreadInfo};
use crate::fields::Field;
use crate::level::Level;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::Arc;
use std::time::Duration;

/// An owned copy of a record that can be kept and sent across threads
/// (a [`Record`] may borrow its arguments and error); what the memory
/// handler buffers. [`OwnedRecord::record`] lends it out as a `Record`.
///
/// ```
/// use loglisten::{Level, OwnedRecord, Record};
/// let kept: OwnedRecord = Record::new("app", Level::INFO, "hi").to_owned_record();
/// let handle = std::thread::spawn(move || kept.record().message().to_string());
/// assert_eq!(handle.join().unwrap(), "hi");
/// ```
#[derive(Debug)]
pub struct OwnedRecord {
    name: String,
    level: Level,
    message: String,
    created: Duration,
    location: Option<Location>,
    error_text: Option<String>,
    thread: Arc<ThreadInfo>,
    fields: Vec<Field<'static>>,
    stack_info: Option<String>,
}

impl OwnedRecord {
    /// `QueueHandler.prepare`: a copy of `record` whose message is the
    /// queue handler's formatted `text` (error and stack text folded in,
    /// so both are dropped, as CPython zaps `exc_text` and `stack_info`).
    #[cfg(feature = "queue-handler")]
    pub(crate) fn prepared(record: &Record<'_>, text: &str) -> OwnedRecord {
        OwnedRecord {
            name: record.name.to_string(),
            level: record.level,
            message: text.to_string(),
            created: record.created,
            location: record.location,
            error_text: None,
            thread: Arc::clone(record.thread.arc()),
            fields: record.owned_fields(),
            stack_info: None,
        }
    }

    /// [`prepared`](Self::prepared) into this copy, reusing its buffers:
    /// a queue refills the slots its listener handed over, so that a
    /// logging call allocates nothing in the steady state.
    #[cfg(feature = "queue-handler")]
    pub(crate) fn prepare_from(&mut self, record: &Record<'_>, text: &str) {
        refill(&mut self.name, record.name());
        refill(&mut self.message, text);
        self.level = record.level;
        self.created = record.created;
        self.location = record.location;
        self.error_text = None;
        self.stack_info = None;
        // The same thread as last time is the usual case: no atomic.
        if !Arc::ptr_eq(&self.thread, record.thread.arc()) {
            self.thread = Arc::clone(record.thread.arc());
        }
        self.fields.clear();
        self.fields
            .extend(record.fields().map(|f| f.clone().into_owned()));
    }

    /// The record, borrowing from this copy.
    pub fn record(&self) -> Record<'_> {
        Record {
            name: Cow::Borrowed(&self.name),
            level: self.level,
            text: &self.message,
            args: None,
            message: OnceCell::new(),
            created: self.created,
            location: self.location,
            error: None,
            error_text: self.error_text.clone(),
            thread: Thread::Borrowed(&self.thread),
            fields: Fields::Borrowed(&self.fields),
            context: &[],
            stack_info: self.stack_info.as_deref().map(Cow::Borrowed),
        }
    }
}

/// Copies `text` into `buf`, keeping its allocation unless a huge
/// message once made it much larger than it needs to be.
#[cfg(feature = "queue-handler")]
fn refill(buf: &mut String, text: &str) {
    const KEEP: usize = 4096;
    if buf.capacity() > KEEP && text.len() <= KEEP {
        *buf = String::with_capacity(KEEP);
    }
    buf.clear();
    buf.push_str(text);
}

impl Record<'_> {
    /// An owned, `Send` copy with the message and error text rendered.
    pub fn to_owned_record(&self) -> OwnedRecord {
        OwnedRecord {
            name: self.name.to_string(),
            level: self.level,
            message: self.message().to_string(),
            created: self.created,
            location: self.location,
            error_text: self.error_text().map(Cow::into_owned),
            thread: Arc::clone(self.thread.arc()),
            fields: self.owned_fields(),
            stack_info: self.stack_info.as_ref().map(|s| s.to_string()),
        }
    }
}
