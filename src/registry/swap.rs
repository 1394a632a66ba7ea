//! Edits: a draft copy of the live snapshot, installed whole in one swap.
//!
//! Each record is handled entirely by one snapshot: a thread announces
//! itself in the snapshot's `in_flight` counter and then re-checks the
//! generation (both SeqCst, against the swapper's store-then-read), so a
//! swap that waits for `in_flight` to drain knows nobody still writes
//! through the handlers it is about to close. The counter is shared by all
//! the snapshots since the last swap that closed handlers (an epoch): a
//! handler may sit in several of them, and a record may still be running
//! on any. Only a swap that closes handlers starts a new epoch, and it
//! waits for the old epoch's counter. When the swap was the last holder of
//! the old snapshot, it keeps it as the spare whose memory the next edit
//! reuses.

use super::dispatch::drained;
use super::overrides::Overrides;
use super::snapshot::{effective_level, LoggerSettings, Node, Snapshot, ROOT};
use super::tree::Tree;
use super::{Core, State};
use crate::config::model::Defined;
use crate::handler::SharedHandler;
use crate::hash::NameHash;
use crate::level::Level;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, MutexGuard};

/// A mutable copy of the configuration, edited by [`Core::reconfigure`]
/// and installed whole when the edit returns. Loggers it creates are
/// created in the registry's tree at once (creating one changes nothing
/// that runs).
#[derive(Debug)]
pub(crate) struct Draft<'a> {
    nodes: Vec<Node>,
    tree: &'a mut Tree,
    overrides: &'a mut Overrides,
    live: &'a Snapshot,
    disable: Level,
    defined: Option<Arc<Defined>>,
    /// The id after the one [`Draft::id`] last gave: tried first.
    next: usize,
}

impl Draft<'_> {
    /// The id of logger `name`, creating it (with CPython's re-parenting
    /// of existing descendants) if needed. `""` and `"root"` are the root.
    pub fn id(&mut self, name: &str) -> usize {
        // A configuration applied again names its loggers in the order
        // they were created: comparing with the next node's name (memory
        // read in order) spares a hash look-up's scattered reads. A node's
        // name is its logger's alone (the root's is "root", which names
        // the root), so an equal name is this logger.
        if let Some(node) = self.nodes.get(self.next) {
            if *node.name == *name {
                self.next += 1;
                return self.next - 1;
            }
        }
        let id = self.tree.id(name, self.live);
        self.next = id + 1;
        id
    }

    /// Makes room for about `names` loggers a configuration names (more
    /// room only where the tree does not hold as many yet).
    pub fn reserve(&mut self, names: usize) {
        let more = names.saturating_sub(self.tree.len());
        self.tree.reserve(more);
        self.nodes.reserve(more);
    }

    /// The id of logger `name` if it exists (no creation).
    #[cfg(test)]
    pub fn existing_id(&self, name: &str) -> Option<usize> {
        self.tree.existing_id(name)
    }

    /// The settings of logger `id`, to edit.
    pub fn settings(&mut self, id: usize) -> &mut LoggerSettings {
        if id >= self.nodes.len() {
            self.grow();
        }
        &mut self.nodes[id].settings
    }

    /// How many loggers there are, the root included: their ids are
    /// `0..len()`, and a logger created later gets a higher id.
    pub fn len(&self) -> usize {
        self.tree.len()
    }

    /// The name of logger `id`.
    pub fn name(&self, id: usize) -> &str {
        self.tree.name(id)
    }

    /// Sets the global `disable` level.
    pub fn set_disable(&mut self, level: Level) {
        self.disable = level;
    }

    /// Replaces the definitions `current_config` and incremental
    /// configurations read.
    pub fn set_defined(&mut self, defined: Defined) {
        self.defined = Some(Arc::new(defined));
    }

    /// The level overrides, to edit (folded into the thresholds when the
    /// draft is installed).
    pub fn overrides(&mut self) -> &mut Overrides {
        self.overrides
    }

    /// Adds a node for every logger of the tree the copy lacks.
    fn grow(&mut self) {
        for id in self.nodes.len()..self.tree.len() {
            self.nodes.push(Node {
                name: Arc::clone(self.tree.name(id)),
                parent: None,
                settings: LoggerSettings::default(),
                forced: None,
                threshold: 0,
            });
        }
    }

    /// The parent's name of every logger but the root, in creation order.
    #[cfg(test)]
    pub(crate) fn parents(&self) -> Vec<(String, String)> {
        (1..self.tree.len())
            .map(|id| {
                let parent = self.tree.parent(id).unwrap_or(super::ROOT);
                (
                    self.tree.name(id).to_string(),
                    self.tree.name(parent).to_string(),
                )
            })
            .collect()
    }
}

/// An edit in progress: the lock held, the live snapshot and the spare.
pub(super) struct Edit<'a> {
    pub state: MutexGuard<'a, State>,
    pub old: Arc<Snapshot>,
    pub spare: Option<Arc<Snapshot>>,
}

impl Core {
    /// Edits a copy of the configuration and installs it in one step.
    /// Returns the edit's result and the handlers the old snapshot had
    /// that the new one no longer has, after every record still using a
    /// snapshot that may hold them is done (so the caller can close them).
    pub(crate) fn reconfigure<R>(
        &self,
        edit: impl FnOnce(&mut Draft<'_>) -> R,
    ) -> (R, Vec<SharedHandler>) {
        // Only the call of `edit` is generic: the rest is compiled once.
        let (mut session, nodes) = self.begin();
        let state = &mut *session.state;
        let mut draft = Draft {
            nodes,
            tree: &mut state.tree,
            overrides: &mut state.overrides,
            live: &session.old,
            disable: session.old.disable,
            defined: None,
            next: ROOT + 1,
        };
        let result = edit(&mut draft);
        draft.grow();
        let Draft {
            nodes,
            disable,
            defined,
            ..
        } = draft;
        let (replaced, changed) = self.finish(session, nodes, disable, defined);
        if changed {
            self.run_hooks();
        }
        (result, replaced)
    }

    fn begin(&self) -> (Edit<'_>, Vec<Node>) {
        let mut state = self.state();
        let old = Arc::clone(&state.snapshot);
        let mut spare = state.spare.take();
        let mut nodes = match spare.as_mut().and_then(Arc::get_mut) {
            Some(snapshot) => std::mem::take(&mut snapshot.nodes),
            None => Vec::new(),
        };
        nodes.clone_from(&old.nodes);
        (Edit { state, old, spare }, nodes)
    }

    fn finish(
        &self,
        edit: Edit<'_>,
        mut nodes: Vec<Node>,
        disable: Level,
        defined: Option<Arc<Defined>>,
    ) -> (Vec<SharedHandler>, bool) {
        let Edit {
            mut state,
            mut old,
            spare,
        } = edit;
        for (id, node) in nodes.iter_mut().enumerate() {
            node.parent = state.tree.parent(id);
        }
        let replaced = replaced_handlers(&old.nodes, &nodes);
        let defined = defined.unwrap_or_else(|| Arc::clone(&old.defined));
        let changed = self.install(
            &mut state,
            nodes,
            disable,
            defined,
            spare,
            !replaced.is_empty(),
        );
        // The generation is stored: a first look at the counter is as good
        // as the wait's, and most often nothing is in flight.
        if !replaced.is_empty() && !drained(&old) {
            drop(state);
            while !drained(&old) {
                std::thread::yield_now();
            }
            return (replaced, changed);
        }
        if let Some(snapshot) = Arc::get_mut(&mut old) {
            // No logging thread holds it any more: its handlers and filters
            // are let go now, its memory serves the next edit.
            for node in &mut snapshot.nodes {
                node.settings.handlers.clear();
                node.settings.filters.clear();
            }
            state.spare = Some(old);
        }
        (replaced, changed)
    }

    /// Makes `nodes` the live snapshot; `closes`: the swap closes
    /// handlers, so it starts a new epoch. Returns whether a logger's
    /// threshold or the most verbose level moved (the hooks must run).
    fn install(
        &self,
        state: &mut State,
        mut nodes: Vec<Node>,
        disable: Level,
        defined: Arc<Defined>,
        mut spare: Option<Arc<Snapshot>>,
        closes: bool,
    ) -> bool {
        for node in &mut nodes {
            node.forced = None;
        }
        for (id, level) in state.overrides.levels() {
            if let Some(node) = nodes.get_mut(id) {
                node.forced = Some(level);
            }
        }
        for id in 0..nodes.len() {
            nodes[id].threshold = threshold(&nodes, id, disable);
        }
        let generation = state.snapshot.generation + 1;
        let in_flight = if closes {
            new_epoch(spare.as_mut())
        } else {
            Arc::clone(&state.snapshot.in_flight)
        };
        let snapshot = Snapshot {
            registry: self.id,
            generation,
            nodes,
            disable,
            defined,
            in_flight,
        };
        state.snapshot = match spare {
            // Nobody else holds the spare: filling it is making a new one.
            Some(mut spare) => match Arc::get_mut(&mut spare) {
                Some(slot) => {
                    *slot = snapshot;
                    spare
                }
                None => Arc::new(snapshot),
            },
            None => Arc::new(snapshot),
        };
        self.generation.store(generation, Ordering::SeqCst);
        let (mut changed, mut lowest) = (false, i32::MAX);
        for (handle, node) in state.tree.handles().iter().zip(&state.snapshot.nodes) {
            changed |= handle.threshold.swap(node.threshold, Ordering::Relaxed) != node.threshold;
            lowest = lowest.min(node.threshold);
        }
        self.set_most_verbose(lowest) || changed
    }
}

fn threshold(nodes: &[Node], id: usize, disable: Level) -> i32 {
    if nodes[id].settings.disabled {
        return i32::MAX;
    }
    // `disable(level)` turns off `level` and below (Python's
    // `manager.disable`, 0 at start, so NOTSET records never pass).
    let effective = effective_level(nodes, id).0;
    effective.max(disable.0.saturating_add(1))
}

/// A zeroed counter for a new epoch: the spare's when nothing else uses
/// it (then no record can be counted in it), else a new one.
fn new_epoch(spare: Option<&mut Arc<Snapshot>>) -> Arc<AtomicUsize> {
    if let Some(spare) = spare.and_then(Arc::get_mut) {
        if Arc::get_mut(&mut spare.in_flight).is_some() {
            return Arc::clone(&spare.in_flight);
        }
    }
    Arc::new(AtomicUsize::new(0))
}

/// The handlers of `old` that `new` no longer has, in `old`'s order.
/// A configuration has a few handlers shared by many loggers: a set of
/// the distinct ones keeps a huge tree linear.
pub(super) fn replaced_handlers(old: &[Node], new: &[Node]) -> Vec<SharedHandler> {
    // Most edits (a level, a new logger) leave every handler list alone.
    let kept = |(o, n): (&Node, &Node)| {
        let (o, n) = (&o.settings.handlers, &n.settings.handlers);
        o.len() == n.len() && o.iter().zip(n).all(|(a, b)| a.same(b))
    };
    if old.iter().zip(new).all(kept) {
        return Vec::new();
    }
    // Every handler is alive in `old` or `new` meanwhile: its address is
    // its identity.
    let used: HashSet<usize, NameHash> = new
        .iter()
        .flat_map(|n| &n.settings.handlers)
        .map(SharedHandler::id)
        .collect();
    let mut seen = HashSet::with_hasher(NameHash::default());
    old.iter()
        .flat_map(|n| &n.settings.handlers)
        .filter(|h| !used.contains(&h.id()) && seen.insert(h.id()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::Registry;

    #[test]
    fn draft_ids_are_the_tree_ids_in_any_order() {
        let registry = Registry::new();
        let created = ["a", "a.b", "b", "a.b.c", "c"];
        registry.core.reconfigure(|draft| {
            for name in created {
                let id = draft.id(name);
                draft.settings(id);
            }
        });
        // Asked again in creation order, out of it, repeated, mixed with
        // new names and the root's: always the one logger of that name.
        let asked = [
            "a", "a.b", "b", "a.b.c", "c", "b", "a.b", "a.b", "new", "a", "root", "", "a.b", "c",
            "new", "new.x", "b",
        ];
        registry.core.reconfigure(|draft| {
            for name in asked {
                let id = draft.id(name);
                assert_eq!(draft.existing_id(name), Some(id), "{name:?}");
                let expected = if name.is_empty() { "root" } else { name };
                assert_eq!(draft.name(id), expected);
            }
            assert_eq!(draft.len(), 8);
        });
    }
}
