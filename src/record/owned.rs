//! [`OwnedRecord`]: a record copied out of its call, to keep or send to
//! another thread (the memory and queue handlers).

use super::{Fields, Location, Record, ThreadInfo};
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
    /// `QueueHandler.prepare`: the message becomes the queue handler's
    /// formatted text, into which the error text was folded.
    pub(crate) fn set_prepared_message(&mut self, message: String) {
        self.message = message;
        self.error_text = None;
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
            thread: Arc::clone(&self.thread),
            fields: Fields::Borrowed(&self.fields),
            context: &[],
            stack_info: self.stack_info.as_deref().map(Cow::Borrowed),
        }
    }
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
            thread: Arc::clone(&self.thread),
            fields: self.owned_fields(),
            stack_info: self.stack_info.as_ref().map(|s| s.to_string()),
        }
    }
}
