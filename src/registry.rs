//! The logger tree and its configuration snapshot.
//!
//! Everything a record needs (levels, propagation, handlers, filters, the
//! tree) lives in one immutable [`Snapshot`]. Changing anything builds a new
//! snapshot and swaps it in under the registry lock, bumping [`GENERATION`].
//! Logging threads keep the snapshot in a thread-local cache and reload it
//! only when the generation moved, so an enabled call takes no global lock.
//! Each record is handled entirely by one snapshot: a thread announces
//! itself in the snapshot's `in_flight` counter and then re-checks the
//! generation (both SeqCst, against the swapper's store-then-read), so a
//! swap that waits for `in_flight` to drain knows nobody still writes
//! through the handlers it is about to close.

use crate::filter::Filter;
use crate::format::Formatter;
use crate::handler::SharedHandler;
use crate::level::Level;
use crate::record::Record;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// A logger's own settings, as Python's `Logger` attributes.
#[derive(Clone, Debug)]
pub(crate) struct LoggerSettings {
    pub level: Level,
    pub propagate: bool,
    pub disabled: bool,
    pub handlers: Vec<SharedHandler>,
    pub filters: Vec<Arc<dyn Filter>>,
}

impl Default for LoggerSettings {
    fn default() -> Self {
        LoggerSettings {
            level: Level::NOTSET,
            propagate: true,
            disabled: false,
            handlers: Vec::new(),
            filters: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
struct Node {
    name: Arc<str>,
    parent: Option<usize>,
    settings: LoggerSettings,
    /// Lowest level this logger handles (effective level and `disable`).
    threshold: i32,
}

impl Node {
    /// The root logger as CPython starts it: WARNING, no handlers.
    fn root() -> Node {
        let settings = LoggerSettings {
            level: Level::WARNING,
            ..LoggerSettings::default()
        };
        Node {
            name: Arc::from("root"),
            parent: None,
            settings,
            threshold: Level::WARNING.0,
        }
    }
}

/// One whole configuration of the tree: what every record is handled by.
#[derive(Debug)]
pub(crate) struct Snapshot {
    generation: u64,
    nodes: Vec<Node>,
    disable: Level,
    in_flight: AtomicUsize,
}

/// The part of a logger handle the fast path reads: one atomic.
#[derive(Debug)]
pub(crate) struct LoggerNode {
    pub id: usize,
    pub name: Arc<str>,
    pub threshold: AtomicI32,
}

struct State {
    snapshot: Arc<Snapshot>,
    handles: Vec<Arc<LoggerNode>>,
    by_name: HashMap<Arc<str>, usize>,
}

/// Bumped at every swap; the cache check on the logging path.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Root's id; root is created with the registry.
pub(crate) const ROOT: usize = 0;

fn state() -> MutexGuard<'static, State> {
    static STATE: OnceLock<Mutex<State>> = OnceLock::new();
    let state = STATE.get_or_init(|| {
        let root = Node::root();
        let handle = Arc::new(LoggerNode {
            id: ROOT,
            name: root.name.clone(),
            threshold: AtomicI32::new(Level::WARNING.0),
        });
        Mutex::new(State {
            snapshot: Arc::new(Snapshot {
                generation: 0,
                nodes: vec![root],
                disable: Level::NOTSET,
                in_flight: AtomicUsize::new(0),
            }),
            handles: vec![handle],
            by_name: HashMap::new(),
        })
    });
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// A mutable copy of the tree, edited by [`reconfigure`] and installed
/// whole when the edit returns.
#[derive(Debug)]
pub(crate) struct Draft {
    nodes: Vec<Node>,
    by_name: HashMap<Arc<str>, usize>,
    disable: Level,
    new_handles: usize,
}

impl Draft {
    /// A tree holding only a root at WARNING, not installed anywhere.
    #[cfg(test)]
    pub(crate) fn detached() -> Draft {
        let root = Node::root();
        Draft {
            nodes: vec![root],
            by_name: HashMap::new(),
            disable: Level::NOTSET,
            new_handles: 0,
        }
    }

    /// The parent's name of every logger but the root, in creation order.
    #[cfg(test)]
    pub(crate) fn parents(&self) -> Vec<(String, String)> {
        let parent = |n: &Node| self.nodes[n.parent.unwrap_or(ROOT)].name.to_string();
        self.nodes[1..]
            .iter()
            .map(|n| (n.name.to_string(), parent(n)))
            .collect()
    }

    /// The id of logger `name`, creating it (with CPython's re-parenting
    /// of existing descendants) if needed. `""` and `"root"` are the root.
    pub fn id(&mut self, name: &str) -> usize {
        if name.is_empty() || name == "root" {
            return ROOT;
        }
        if let Some(&id) = self.by_name.get(name) {
            return id;
        }
        let id = self.nodes.len();
        let name: Arc<str> = Arc::from(name);
        // Parent: the first existing logger among the dotted prefixes.
        let parent = ancestors(&name)
            .find_map(|prefix| self.by_name.get(prefix).copied())
            .unwrap_or(ROOT);
        // Existing descendants whose parent is not already below the new
        // logger now hang under it (CPython's `_fixupChildren`, including
        // its plain string-prefix test against the parent's name).
        for node in 1..self.nodes.len() {
            let child_name = self.nodes[node].name.clone();
            if !ancestors(&child_name).any(|a| a == &*name) {
                continue;
            }
            let current = self.nodes[node].parent.unwrap_or(ROOT);
            if !self.nodes[current].name.starts_with(&*name) {
                self.nodes[node].parent = Some(id);
            }
        }
        self.nodes.push(Node {
            name: name.clone(),
            parent: Some(parent),
            settings: LoggerSettings::default(),
            threshold: 0,
        });
        self.by_name.insert(name, id);
        self.new_handles += 1;
        id
    }

    /// The id of logger `name` if it exists (no creation).
    pub fn existing_id(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The settings of logger `id`, to edit.
    pub fn settings(&mut self, id: usize) -> &mut LoggerSettings {
        &mut self.nodes[id].settings
    }

    /// Names of every logger but the root, in creation order.
    pub fn names(&self) -> Vec<Arc<str>> {
        self.nodes[1..].iter().map(|n| n.name.clone()).collect()
    }

    /// Sets the global `disable` level.
    pub fn set_disable(&mut self, level: Level) {
        self.disable = level;
    }

    fn threshold(&self, id: usize) -> i32 {
        if self.nodes[id].settings.disabled {
            return i32::MAX;
        }
        // `disable(level)` turns off `level` and below (Python's
        // `manager.disable`, 0 at start, so NOTSET records never pass).
        let effective = effective_level(&self.nodes, id).0;
        effective.max(self.disable.0.saturating_add(1))
    }
}

/// The first level other than NOTSET from `id` up the tree (Python's
/// `getEffectiveLevel`).
fn effective_level(nodes: &[Node], mut id: usize) -> Level {
    loop {
        let node = &nodes[id];
        match node.parent {
            _ if node.settings.level != Level::NOTSET => return node.settings.level,
            Some(parent) => id = parent,
            None => return Level::NOTSET,
        }
    }
}

/// CPython's `_fixupParents` walk: `a.b.c` gives `a.b` then `a` (and, as
/// there, `rfind(".", 0, i - 1)` skips the character before each dot).
pub(crate) fn ancestors(name: &str) -> impl Iterator<Item = &str> {
    let mut end = name.rfind('.');
    std::iter::from_fn(move || {
        let pos = end.filter(|&p| p > 0)?;
        end = name[..pos - 1].rfind('.');
        Some(&name[..pos])
    })
}

/// Edits a copy of the configuration and installs it in one step. Returns
/// the edit's result and the handlers the old snapshot had that the new one
/// no longer has, after every record still using the old snapshot is done
/// (so the caller can close them safely).
pub(crate) fn reconfigure<R>(edit: impl FnOnce(&mut Draft) -> R) -> (R, Vec<SharedHandler>) {
    let mut state = state();
    let old = Arc::clone(&state.snapshot);
    let mut draft = Draft {
        nodes: old.nodes.clone(),
        by_name: state.by_name.clone(),
        disable: old.disable,
        new_handles: 0,
    };
    let result = edit(&mut draft);
    install(&mut state, draft);
    drop(state);
    let replaced = replaced_handlers(&old, &current());
    if !replaced.is_empty() {
        wait_for_drain(&old);
    }
    (result, replaced)
}

fn install(state: &mut State, mut draft: Draft) {
    for id in 0..draft.nodes.len() {
        draft.nodes[id].threshold = draft.threshold(id);
    }
    let first_new = draft.nodes.len() - draft.new_handles;
    for node in &draft.nodes[first_new..] {
        state.handles.push(Arc::new(LoggerNode {
            id: state.handles.len(),
            name: node.name.clone(),
            threshold: AtomicI32::new(node.threshold),
        }));
    }
    let generation = state.snapshot.generation + 1;
    state.snapshot = Arc::new(Snapshot {
        generation,
        nodes: draft.nodes,
        disable: draft.disable,
        in_flight: AtomicUsize::new(0),
    });
    state.by_name = draft.by_name;
    GENERATION.store(generation, Ordering::SeqCst);
    for (handle, node) in state.handles.iter().zip(&state.snapshot.nodes) {
        handle.threshold.store(node.threshold, Ordering::Relaxed);
    }
}

fn replaced_handlers(old: &Snapshot, new: &Snapshot) -> Vec<SharedHandler> {
    let mut replaced: Vec<SharedHandler> = Vec::new();
    let in_new = |h: &SharedHandler| {
        new.nodes
            .iter()
            .any(|n| n.settings.handlers.iter().any(|x| x.same(h)))
    };
    for handler in old.nodes.iter().flat_map(|n| &n.settings.handlers) {
        if !in_new(handler) && !replaced.iter().any(|r| r.same(handler)) {
            replaced.push(handler.clone());
        }
    }
    replaced
}

thread_local! {
    static CACHE: RefCell<Option<Arc<Snapshot>>> = const { RefCell::new(None) };
    // Records this thread is handling right now (a handler may log).
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

fn wait_for_drain(old: &Snapshot) {
    // A reconfiguration from inside a handler must not wait for itself.
    let own = DEPTH.with(Cell::get);
    while old.in_flight.load(Ordering::SeqCst) > own {
        std::thread::yield_now();
    }
}

/// The live snapshot (takes the registry lock; not for the logging path).
pub(crate) fn current() -> Arc<Snapshot> {
    Arc::clone(&state().snapshot)
}

/// The handle of logger `name`, creating the logger if needed.
pub(crate) fn handle(name: &str) -> Arc<LoggerNode> {
    let name = if name == "root" { "" } else { name };
    {
        let state = state();
        let id = if name.is_empty() {
            Some(ROOT)
        } else {
            state.by_name.get(name).copied()
        };
        if let Some(id) = id {
            return Arc::clone(&state.handles[id]);
        }
    }
    let (id, _) = reconfigure(|draft| draft.id(name));
    Arc::clone(&state().handles[id])
}

/// Handles `record`, logged at logger `id`, with exactly one snapshot.
pub(crate) fn dispatch(id: usize, record: &Record) {
    CACHE.with(|cache| loop {
        let generation = GENERATION.load(Ordering::SeqCst);
        let fresh = cache
            .try_borrow()
            .ok()
            .and_then(|c| c.as_ref().filter(|s| s.generation == generation).cloned());
        let snapshot = match fresh {
            Some(snapshot) => snapshot,
            None => {
                let snapshot = current();
                if let Ok(mut slot) = cache.try_borrow_mut() {
                    *slot = Some(Arc::clone(&snapshot));
                }
                snapshot
            }
        };
        snapshot.in_flight.fetch_add(1, Ordering::SeqCst);
        if GENERATION.load(Ordering::SeqCst) != snapshot.generation {
            // A swap happened in between: retry with the new snapshot.
            snapshot.in_flight.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        DEPTH.with(|d| d.set(d.get() + 1));
        snapshot.handle(id, record);
        DEPTH.with(|d| d.set(d.get() - 1));
        snapshot.in_flight.fetch_sub(1, Ordering::SeqCst);
        return;
    })
}

impl Snapshot {
    /// Python's `Logger.handle` and `callHandlers`, including the
    /// last-resort handler when no handler is found on the chain.
    fn handle(&self, id: usize, record: &Record) {
        let Some(node) = self.nodes.get(id) else {
            return;
        };
        if record.level().0 < node.threshold
            || !node.settings.filters.iter().all(|f| f.filter(record))
        {
            return;
        }
        let mut found = 0;
        let mut at = Some(id);
        while let Some(i) = at {
            let node = &self.nodes[i];
            for handler in &node.settings.handlers {
                found += 1;
                if record.level() >= handler.level() {
                    handler.handle(record);
                }
            }
            at = if node.settings.propagate {
                node.parent
            } else {
                None
            };
        }
        if found == 0 && record.level() >= Level::WARNING {
            let text = Formatter::default().format_to_string(record);
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        }
    }

    pub(crate) fn settings(&self, id: usize) -> &LoggerSettings {
        &self.nodes[id].settings
    }

    /// Every logger but the root, in creation order, with its settings.
    pub(crate) fn loggers(&self) -> impl Iterator<Item = (&str, &LoggerSettings)> {
        self.nodes[1..].iter().map(|n| (&*n.name, &n.settings))
    }

    pub(crate) fn effective_level(&self, id: usize) -> Level {
        effective_level(&self.nodes, id)
    }

    pub(crate) fn parent_name(&self, id: usize) -> Option<&str> {
        self.nodes[id].parent.map(|p| &*self.nodes[p].name)
    }

    /// Every distinct handler in the tree, in tree order.
    pub(crate) fn handlers(&self) -> Vec<SharedHandler> {
        let mut all: Vec<SharedHandler> = Vec::new();
        for handler in self.nodes.iter().flat_map(|n| &n.settings.handlers) {
            if !all.iter().any(|h| h.same(handler)) {
                all.push(handler.clone());
            }
        }
        all
    }
}

/// Disables every record at or below `level` on all loggers, like
/// Python's `logging.disable(level)`; `disable(Level::NOTSET)` undoes it.
///
/// ```
/// use loglisten::{disable, get_logger, Level};
/// let log = get_logger("doc.disable");
/// log.set_level(Level::DEBUG);
/// disable(Level::INFO);
/// assert!(!log.is_enabled_for(Level::INFO));
/// assert!(log.is_enabled_for(Level::WARNING));
/// disable(Level::NOTSET);
/// assert!(log.is_enabled_for(Level::INFO));
/// ```
pub fn disable(level: Level) {
    reconfigure(|draft| draft.set_disable(level));
}

/// Flushes and closes every handler of the running configuration, like
/// Python's `logging.shutdown()`. Call it at the end of `main` so buffered
/// output reaches its destination; the configuration stays installed.
///
/// ```
/// loglisten::shutdown();
/// ```
pub fn shutdown() {
    for handler in current().handlers() {
        handler.flush();
        handler.close();
    }
}

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tree_tests;

#[cfg(test)]
mod tests {
    use super::ancestors;

    #[test]
    fn ancestors_follow_cpython_rfind_walk() {
        let all = |name| ancestors(name).collect::<Vec<_>>();
        assert_eq!(all("a.b.c"), ["a.b", "a"]);
        assert_eq!(all("a"), Vec::<&str>::new());
        assert_eq!(all(".a"), Vec::<&str>::new());
        // The character before each dot is skipped by the next search.
        assert_eq!(all("a..b"), ["a."]);
        assert_eq!(all("x.y."), ["x.y", "x"]);
    }
}
