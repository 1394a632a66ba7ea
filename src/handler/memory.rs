//! Python's `MemoryHandler`: keeps records and hands them to a target in
//! batches.
//!
//! CPython runs the target's `handle` while the memory handler's lock is
//! held. Two memory handlers that reach each other (A -> B and B -> A,
//! flushed from two threads) then wait on each other's locks forever. Here
//! the records are taken out under a short lock and handed over without
//! it. Only one thread at a time hands over one handler's records (its
//! "deliverer"), so they reach the target in the order they were kept.
//! A thread that wants to flush while another delivers waits for that
//! delivery to end, as CPython's caller waits for the lock, except when
//! the wait could close a circle of waiting threads: then it leaves its
//! request to the deliverer, which takes it before it stops. A record that
//! does not flush never waits for a delivery.

use super::{Handler, SharedHandler};
use crate::level::Level;
use crate::record::{OwnedRecord, Record};
use crate::sync::lock;
use std::fmt;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, ThreadId};

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
/// the records ([`Record::to_owned_record`]) and does not format them; the
/// target formats them with its own formatter when they are flushed.
///
/// Unlike CPython, no lock of this handler is held while the target runs
/// (see the module notes), so memory handlers that target each other do
/// not deadlock; the target still receives the records in order, and a
/// caller whose record triggers a flush returns once the records up to
/// its own have been handed over.
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
    core: Arc<Core>,
}

// By hand: the buffered records are counted, not printed (their derived
// Debug would pull in code that only Debug output uses).
impl fmt::Debug for MemoryHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryHandler")
            .field("settings", &self.settings())
            .field("buffered", &self.buffered())
            .finish()
    }
}

impl MemoryHandler {
    /// A handler with these settings.
    pub fn new(settings: MemorySettings) -> MemoryHandler {
        MemoryHandler {
            core: Arc::new(Core {
                capacity: settings.capacity,
                flush_level: settings.flush_level,
                flush_on_close: settings.flush_on_close,
                state: Mutex::new(State {
                    target: settings.target,
                    buffer: Vec::new(),
                    removed: 0,
                    wanted: 0,
                    delivered: 0,
                }),
            }),
        }
    }

    /// The current settings (the target may have been changed or cleared
    /// by [`set_target`](Self::set_target) or closing).
    pub fn settings(&self) -> MemorySettings {
        let core = &self.core;
        MemorySettings {
            capacity: core.capacity,
            flush_level: core.flush_level,
            target: core.state().target.clone(),
            flush_on_close: core.flush_on_close,
        }
    }

    /// Python's `setTarget`.
    /// Once the handler is shared, [`SharedHandler::set_target`] does this.
    pub fn set_target(&mut self, target: Option<SharedHandler>) {
        self.core.set_target(target);
    }

    /// How many records are waiting.
    pub fn buffered(&self) -> usize {
        self.core.state().buffer.len()
    }

    /// The shared state, for the [`SharedHandler`] built around it.
    pub(crate) fn into_core(self) -> Arc<Core> {
        self.core
    }
}

impl Handler for MemoryHandler {
    fn emit(&mut self, record: &Record, _text: &str) -> io::Result<()> {
        self.core.emit(record);
        Ok(())
    }

    /// Sends the buffered records to the target, if there is one.
    fn flush(&mut self) -> io::Result<()> {
        self.core.flush();
        Ok(())
    }

    fn close(&mut self) -> io::Result<()> {
        self.core.close();
        Ok(())
    }

    fn wants_text(&self) -> bool {
        false
    }
}

/// A memory handler's state, shared by the [`MemoryHandler`] and the
/// [`SharedHandler`] around it, which calls it without taking its own lock.
/// Not `Debug`: see `MemoryHandler`'s `Debug`.
#[allow(missing_debug_implementations)]
pub(crate) struct Core {
    capacity: usize,
    flush_level: Level,
    flush_on_close: bool,
    state: Mutex<State>,
}

/// Positions count records ever kept: the buffer holds the records from
/// `removed` on.
struct State {
    target: Option<SharedHandler>,
    buffer: Vec<OwnedRecord>,
    /// Records taken out of the buffer (handed over or dropped) so far.
    removed: u64,
    /// The position up to which flushes have asked for records to go.
    wanted: u64,
    /// The position up to which records have been handed over.
    delivered: u64,
}

impl Core {
    fn state(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement; a panic elsewhere
        // does not make it unusable.
        lock(&self.state)
    }

    fn id(&self) -> usize {
        self as *const Core as usize
    }

    pub(crate) fn set_target(&self, target: Option<SharedHandler>) {
        self.state().target = target;
    }

    /// `BufferingHandler.emit`: keep the record, flush if it fills the
    /// buffer or is at the flush level.
    pub(crate) fn emit(&self, record: &Record) {
        let mark = {
            let mut s = self.state();
            s.buffer.push(record.to_owned_record());
            let end = s.removed + s.buffer.len() as u64;
            let due = s.buffer.len() >= self.capacity || record.level() >= self.flush_level;
            due.then_some(end)
        };
        if let Some(mark) = mark {
            self.flush_to(mark);
        }
    }

    /// `MemoryHandler.flush`: everything kept so far goes to the target.
    pub(crate) fn flush(&self) {
        let mark = {
            let s = self.state();
            s.removed + s.buffer.len() as u64
        };
        self.flush_to(mark);
    }

    /// `MemoryHandler.close`: flush if configured so, then forget the
    /// target and the buffer.
    pub(crate) fn close(&self) {
        if self.flush_on_close {
            self.flush();
        }
        let mut s = self.state();
        s.target = None;
        s.removed += s.buffer.len() as u64;
        s.delivered = s.removed;
        s.buffer.clear();
    }

    /// Hands the records up to position `mark` to the target, in order.
    /// Without a target they stay, as in CPython.
    fn flush_to(&self, mark: u64) {
        if self.state().target.is_none() {
            return;
        }
        let Some(_deliverer) = self.claim(mark) else {
            return;
        };
        loop {
            let batch = {
                let mut s = self.state();
                s.delivered = s.removed;
                s.take()
            };
            match batch {
                Some((target, records)) => {
                    for record in &records {
                        target.handle(&record.record());
                    }
                }
                None if self.nothing_wanted() => return,
                None => {}
            }
        }
    }

    /// Makes this thread the deliverer of the records up to `mark`, or
    /// returns `None` when they have been handed over meanwhile or the
    /// current deliverer was asked to take them.
    ///
    /// While another thread delivers, this one waits for it to finish (as
    /// CPython's caller waits for the lock) and then delivers its own
    /// records, so no caller delivers for the others. Only when waiting
    /// could close a circle (the deliverer waits, through other
    /// deliverers, for a handler this thread delivers), or when an outer
    /// call on this same thread delivers, is the request left to the
    /// deliverer, which takes it before it stops.
    fn claim(&self, mark: u64) -> Option<Deliverer<'_>> {
        let (id, me) = (self.id(), thread::current().id());
        let mut d = lock_deliveries();
        loop {
            let mut s = self.state();
            if s.delivered >= mark {
                return None;
            }
            let owner = d.owner(id);
            let wait = owner.is_some_and(|owner| owner != me && !d.waits_for(owner, me));
            if !wait {
                s.wanted = s.wanted.max(mark);
                if owner.is_some() {
                    return None;
                }
                d.owners.push((id, me));
                return Some(Deliverer(self));
            }
            drop(s);
            d.waiting.push((me, id));
            d = CHANGED.wait(d).unwrap_or_else(|e| e.into_inner());
            d.waiting.retain(|&(t, _)| t != me);
        }
    }

    /// Whether the deliverer may stop: checked and given up under the
    /// deliveries lock, so a request made meanwhile is either seen here or
    /// finds no deliverer and delivers itself.
    fn nothing_wanted(&self) -> bool {
        let mut d = lock_deliveries();
        let s = self.state();
        if s.target.is_some() && s.wanted > s.removed && !s.buffer.is_empty() {
            return false;
        }
        drop(s);
        d.release(self.id());
        drop(d);
        CHANGED.notify_all();
        true
    }
}

impl State {
    /// The target and the records wanted next, taken out of the buffer.
    fn take(&mut self) -> Option<(SharedHandler, Vec<OwnedRecord>)> {
        let target = self.target.clone()?;
        let count = (self.wanted.saturating_sub(self.removed) as usize).min(self.buffer.len());
        if count == 0 {
            return None;
        }
        self.removed += count as u64;
        let records = if count == self.buffer.len() {
            std::mem::take(&mut self.buffer)
        } else {
            self.buffer.drain(..count).collect()
        };
        Some((target, records))
    }
}

/// This thread delivers the core's records until dropped; dropping gives
/// the role up even when a target panicked.
struct Deliverer<'a>(&'a Core);

impl Drop for Deliverer<'_> {
    fn drop(&mut self) {
        let mut d = lock_deliveries();
        if d.owner(self.0.id()) == Some(thread::current().id()) {
            d.release(self.0.id());
            drop(d);
            CHANGED.notify_all();
        }
    }
}

/// Which thread delivers which memory handler's records, and which thread
/// waits for which handler: the graph that tells whether a wait could
/// close a circle. Held only for bookkeeping, never while a target runs.
///
/// One per process, not per registry: it is a graph of threads, and a
/// handler (so a circle of targets) may be shared by loggers of several
/// registries.
struct Deliveries {
    /// (core id, deliverer).
    owners: Vec<(usize, ThreadId)>,
    /// (waiting thread, core id it waits for).
    waiting: Vec<(ThreadId, usize)>,
}

static DELIVERIES: Mutex<Deliveries> = Mutex::new(Deliveries {
    owners: Vec::new(),
    waiting: Vec::new(),
});
/// Signalled when a deliverer gives its role up.
static CHANGED: Condvar = Condvar::new();

fn lock_deliveries() -> MutexGuard<'static, Deliveries> {
    lock(&DELIVERIES)
}

impl Deliveries {
    fn owner(&self, id: usize) -> Option<ThreadId> {
        self.owners.iter().find(|o| o.0 == id).map(|o| o.1)
    }

    fn release(&mut self, id: usize) {
        self.owners.retain(|o| o.0 != id);
    }

    /// Whether `thread` waits, directly or through other deliverers, for
    /// a handler `me` delivers.
    fn waits_for(&self, mut thread: ThreadId, me: ThreadId) -> bool {
        // Each step follows one waiting thread; there are no more steps
        // than waiting threads unless the chain loops without `me`.
        for _ in 0..=self.waiting.len() {
            if thread == me {
                return true;
            }
            let Some(&(_, id)) = self.waiting.iter().find(|w| w.0 == thread) else {
                return false;
            };
            let Some(owner) = self.owner(id) else {
                return false;
            };
            thread = owner;
        }
        false
    }
}
