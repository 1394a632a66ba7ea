//! Python's `MemoryHandler`: keeps records and hands them to a target in
//! batches.

use super::{Handler, SharedHandler};
use crate::level::Level;
use crate::record::{OwnedRecord, Record};
use std::fmt;
use std::io;

/// `MemoryHandler(capacity, flushLevel=ERROR, target=None,
/// flushOnClose=True)`.
///
/// ```
/// use loglisten::{handler::MemorySettings, Level};
/// let s = MemorySettings::new(100);
/// assert_eq!((s.capacity, s.flush_level, s.flush_on_close), (100, Level::ERROR, true));
/// assert!(s.target.is_none());
/// ```
#[derive(Clone, Debug)]
pub struct MemorySettings {
    /// `capacity`: the buffer is flushed when it holds this many records.
    pub capacity: usize,
    /// `flushLevel`: a record at or above it flushes the buffer at once.
    pub flush_level: Level,
    /// `target`: the handler flushed records go to. Without one, records
    /// are kept (and accumulate) until a target is set, as in CPython.
    pub target: Option<SharedHandler>,
    /// `flushOnClose`: whether closing sends the buffer to the target.
    pub flush_on_close: bool,
}

impl MemorySettings {
    /// The settings for `capacity` with CPython's defaults.
    pub fn new(capacity: usize) -> MemorySettings {
        MemorySettings {
            capacity,
            flush_level: Level::ERROR,
            target: None,
            flush_on_close: true,
        }
    }
}

/// Python's `logging.handlers.MemoryHandler`. It keeps owned copies of
/// the records ([`Record::to_owned_record`]) and does not format them; the target
/// formats them with its own formatter when they are flushed.
///
/// The target's `handle` runs while this handler's own lock is held (as in
/// CPython), so the lock order is always memory handler, then target.
///
/// ```
/// use loglisten::{handler::{MemoryHandler, MemorySettings, SharedBuffer, StreamHandler},
///                 Level, Record, SharedHandler};
/// let out = SharedBuffer::new();
/// let target = SharedHandler::new(StreamHandler::new(out.clone()));
/// let memory = SharedHandler::new(MemoryHandler::new(MemorySettings {
///     target: Some(target),
///     ..MemorySettings::new(10)
/// }));
/// memory.handle(&Record::new("app", Level::INFO, "kept"));
/// assert_eq!(out.text(), "");
/// memory.handle(&Record::new("app", Level::ERROR, "boom"));
/// assert_eq!(out.text(), "kept\nboom\n");
/// ```
pub struct MemoryHandler {
    settings: MemorySettings,
    buffer: Vec<OwnedRecord>,
}

// By hand: the buffered records are counted, not printed (their derived
// Debug would pull in code that only Debug output uses).
impl fmt::Debug for MemoryHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryHandler")
            .field("settings", &self.settings)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl MemoryHandler {
    /// A handler with these settings.
    pub fn new(settings: MemorySettings) -> MemoryHandler {
        MemoryHandler {
            settings,
            buffer: Vec::new(),
        }
    }

    /// The current settings (the target may have been changed or cleared
    /// by [`set_target`](Self::set_target) or closing).
    pub fn settings(&self) -> &MemorySettings {
        &self.settings
    }

    /// Python's `setTarget`.
    pub fn set_target(&mut self, target: Option<SharedHandler>) {
        self.settings.target = target;
    }

    /// How many records are waiting.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }
}

impl Handler for MemoryHandler {
    fn emit(&mut self, record: &Record, _text: &str) -> io::Result<()> {
        self.buffer.push(record.to_owned_record());
        if self.buffer.len() >= self.settings.capacity
            || record.level() >= self.settings.flush_level
        {
            self.flush()?;
        }
        Ok(())
    }

    /// Sends the buffered records to the target, if there is one.
    fn flush(&mut self) -> io::Result<()> {
        if let Some(target) = &self.settings.target {
            // Taken out first: the buffer is not borrowed while the target
            // runs, whatever the target does.
            for record in std::mem::take(&mut self.buffer) {
                target.handle(&record.record());
            }
        }
        Ok(())
    }

    fn close(&mut self) -> io::Result<()> {
        if self.settings.flush_on_close {
            self.flush()?;
        }
        self.settings.target = None;
        self.buffer.clear();
        Ok(())
    }

    fn wants_text(&self) -> bool {
        false
    }
}
