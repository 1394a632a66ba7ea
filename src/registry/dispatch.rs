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
        CACHE.with(|cache| loop {
            let generation = self.generation.load(Ordering::SeqCst);
            let fresh = cache.try_borrow().ok().and_then(|c| {
                let current =
                    |s: &&Arc<Snapshot>| s.generation == generation && s.registry == self.id;
                c.as_ref().filter(current).cloned()
            });
            let snapshot = match fresh {
                Some(snapshot) => snapshot,
                None => {
                    let snapshot = self.current();
                    if let Ok(mut slot) = cache.try_borrow_mut() {
                        *slot = Some(Arc::clone(&snapshot));
                    }
                    snapshot
                }
            };
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
        })
    }
}
