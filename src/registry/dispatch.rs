//! The logging path: a record to the handlers of exactly one snapshot.
//!
//! Logging threads keep the last snapshot they used in a thread-local
//! cache, tagged with its registry and generation, and reload it only when
//! either differs, so an enabled call takes no lock. One slot serves every
//! registry: a program logs to one, and a thread alternating between two
//! only reloads more often. (A cached snapshot keeps its handlers alive
//! until the thread logs again or ends.)

use super::snapshot::Snapshot;
use super::tree::LoggerNode;
use super::Core;
use crate::record::Record;
use std::cell::{Cell, RefCell};
use std::sync::atomic::Ordering;
use std::sync::Arc;

thread_local! {
    static CACHE: RefCell<Option<Arc<Snapshot>>> = const { RefCell::new(None) };
    // Records this thread is handling right now (a handler may log).
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Whether no record but this thread's own is in flight on `old`'s epoch
/// (a reconfiguration from inside a handler must not wait for itself).
pub(super) fn drained(old: &Snapshot) -> bool {
    old.in_flight.load(Ordering::SeqCst) <= DEPTH.with(Cell::get)
}

impl Core {
    /// Handles `record`, logged at `node`, with exactly one snapshot.
    pub(crate) fn dispatch(&self, node: &LoggerNode, record: &Record) {
        loop {
            let generation = self.generation.load(Ordering::SeqCst);
            let snapshot = self.snapshot_of(generation);
            snapshot.in_flight.fetch_add(1, Ordering::SeqCst);
            if self.generation.load(Ordering::SeqCst) != snapshot.generation {
                // A swap happened in between: retry with the new snapshot.
                snapshot.in_flight.fetch_sub(1, Ordering::SeqCst);
                continue;
            }
            DEPTH.with(|d| d.set(d.get() + 1));
            snapshot.handle(node, record);
            DEPTH.with(|d| d.set(d.get() - 1));
            snapshot.in_flight.fetch_sub(1, Ordering::SeqCst);
            return;
        }
    }

    /// This registry's snapshot of `generation` from the thread's cache,
    /// else the live one, cached for the next call. While the thread ends
    /// and its cache is gone (a record logged from another thread-local's
    /// `Drop`), the live one, uncached.
    fn snapshot_of(&self, generation: u64) -> Arc<Snapshot> {
        let current = |s: &&Arc<Snapshot>| s.generation == generation && s.registry == self.id;
        let cached = CACHE.try_with(|cache| {
            let slot = cache.try_borrow().ok()?;
            slot.as_ref().filter(current).cloned()
        });
        if let Ok(Some(snapshot)) = cached {
            return snapshot;
        }
        let snapshot = self.current();
        let _ = CACHE.try_with(|cache| {
            if let Ok(mut slot) = cache.try_borrow_mut() {
                *slot = Some(Arc::clone(&snapshot));
            }
        });
        snapshot
    }
}
