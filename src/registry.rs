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
//! through the handlers it is about to close. The counter is shared by all
//! the snapshots since the last swap that closed handlers (an epoch): a
//! handler may sit in several of them, and a record may still be running
//! on any. Only a swap that closes handlers starts a new epoch, and it
//! waits for the old epoch's counter. When the swap was the last holder of
//! the old snapshot, it keeps it as the spare whose memory the next edit
//! reuses.

use crate::filter::Filter;
use crate::format::Formatter;
use crate::handler::SharedHandler;
use crate::level::Level;
use crate::record::Record;
use std::cell::{Cell, RefCell};
use std::io::Write;
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// A logger's own settings, as Python's `Logger` attributes.
#[derive(Debug)]
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

// `clone_from` reuses the target's vectors, so an edit that starts from the
// spare tree (see `State::spare`) allocates nothing. Destructuring without
// `..` makes a new field a compile error here rather than a field left stale.
impl Clone for LoggerSettings {
    fn clone(&self) -> Self {
        let mut copy = LoggerSettings::default();
        copy.clone_from(self);
        copy
    }

    fn clone_from(&mut self, source: &Self) {
        let LoggerSettings {
            level,
            propagate,
            disabled,
            handlers,
            filters,
        } = source;
        self.level = *level;
        self.propagate = *propagate;
        self.disabled = *disabled;
        // Most lists are empty on both sides (filters nearly always).
        if !(self.handlers.is_empty() && handlers.is_empty()) {
            self.handlers.clone_from(handlers);
        }
        if !(self.filters.is_empty() && filters.is_empty()) {
            self.filters.clone_from(filters);
        }
    }
}

#[derive(Debug)]
struct Node {
    name: Arc<str>,
    parent: Option<usize>,
    settings: LoggerSettings,
    /// Lowest level this logger handles (effective level and `disable`).
    threshold: i32,
}

impl Clone for Node {
    fn clone(&self) -> Self {
        Node {
            name: Arc::clone(&self.name),
            parent: self.parent,
            settings: self.settings.clone(),
            threshold: self.threshold,
        }
    }

    fn clone_from(&mut self, source: &Self) {
        let Node {
            name,
            parent,
            settings,
            threshold,
        } = source;
        if !Arc::ptr_eq(&self.name, name) {
            self.name = Arc::clone(name);
        }
        self.parent = *parent;
        self.settings.clone_from(settings);
        self.threshold = *threshold;
    }
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
    /// Records in flight on this epoch's snapshots (see the module doc).
    in_flight: Arc<AtomicUsize>,
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
    /// Every logger but the root, as ids in [`search`] order. Lent to the
    /// draft during an edit, so it is never copied.
    index: Vec<usize>,
    /// A replaced snapshot nobody else holds, emptied of handlers and
    /// filters: the next edit reuses its memory instead of allocating.
    spare: Option<Arc<Snapshot>>,
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
                in_flight: Arc::new(AtomicUsize::new(0)),
            }),
            handles: vec![handle],
            index: Vec::new(),
            spare: None,
        })
    });
    let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
    if state.index.len() + 1 != state.snapshot.nodes.len() {
        // An edit panicked while it held the index: rebuild it.
        state.index = sorted_index(&state.snapshot.nodes);
    }
    state
}

/// The ids of every logger but the root, in [`search`] order. Built by
/// binary insertion: it runs only after a panicked edit, and the standard
/// library's sort would add kilobytes of code to every binary for it.
fn sorted_index(nodes: &[Node]) -> Vec<usize> {
    let mut index = Vec::with_capacity(nodes.len().saturating_sub(1));
    for (id, node) in nodes.iter().enumerate().skip(1) {
        let (Ok(at) | Err(at)) = search(nodes, &index, &node.name);
        index.insert(at, id);
    }
    index
}

/// Where `name` is in `index` (`Err`: where it would go). A binary search
/// costs less than hashing the name, comparing lengths first spares most
/// byte comparisons, and a match ends the search at once.
fn search(nodes: &[Node], index: &[usize], name: &str) -> Result<usize, usize> {
    let (mut low, mut high) = (0, index.len());
    while low < high {
        let middle = low + (high - low) / 2;
        match by_length(&nodes[index[middle]].name, name) {
            std::cmp::Ordering::Less => low = middle + 1,
            std::cmp::Ordering::Greater => high = middle,
            std::cmp::Ordering::Equal => return Ok(middle),
        }
    }
    Err(low)
}

/// Names ordered by length, then bytes: any total order serves a search.
fn by_length(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A mutable copy of the tree, edited by [`reconfigure`] and installed
/// whole when the edit returns.
#[derive(Debug)]
pub(crate) struct Draft {
    nodes: Vec<Node>,
    index: Vec<usize>,
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
            index: Vec::new(),
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
        let at = match search(&self.nodes, &self.index, name) {
            Ok(at) => return self.index[at],
            Err(at) => at,
        };
        let id = self.nodes.len();
        // Parent: the first existing logger among the dotted prefixes.
        let parent = ancestors(name)
            .find_map(|prefix| self.existing_id(prefix))
            .unwrap_or(ROOT);
        // Existing descendants whose parent is not already below the new
        // logger now hang under it (CPython's `_fixupChildren`, including
        // its plain string-prefix test against the parent's name).
        for node in 1..self.nodes.len() {
            let child = &self.nodes[node];
            let adopt = ancestors(&child.name).any(|a| a == name)
                && !self.nodes[child.parent.unwrap_or(ROOT)]
                    .name
                    .starts_with(name);
            if adopt {
                self.nodes[node].parent = Some(id);
            }
        }
        self.nodes.push(Node {
            name: Arc::from(name),
            parent: Some(parent),
            settings: LoggerSettings::default(),
            threshold: 0,
        });
        self.index.insert(at, id);
        self.new_handles += 1;
        id
    }

    /// The id of logger `name` if it exists (no creation).
    pub fn existing_id(&self, name: &str) -> Option<usize> {
        let at = search(&self.nodes, &self.index, name).ok()?;
        Some(self.index[at])
    }

    /// The settings of logger `id`, to edit.
    pub fn settings(&mut self, id: usize) -> &mut LoggerSettings {
        &mut self.nodes[id].settings
    }

    /// How many loggers there are, the root included: their ids are
    /// `0..len()`, and a logger created later gets a higher id.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The name of logger `id`.
    pub fn name(&self, id: usize) -> &str {
        &self.nodes[id].name
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
/// no longer has, after every record still using a snapshot that may hold
/// them is done (so the caller can close them safely).
pub(crate) fn reconfigure<R>(edit: impl FnOnce(&mut Draft) -> R) -> (R, Vec<SharedHandler>) {
    // Only the call of `edit` is generic: the rest is compiled once, not
    // once per caller's closure.
    let mut edit_session = Edit::begin();
    let result = edit(&mut edit_session.draft);
    let replaced = edit_session.finish();
    if LEVELS_CHANGED.with(|c| c.replace(false)) {
        run_hooks();
    }
    (result, replaced)
}

/// The lowest threshold of any logger after the last swap: the most
/// verbose level a record can be handled at.
static MOST_VERBOSE: AtomicI32 = AtomicI32::new(Level::WARNING.0);

thread_local! {
    /// Set by `install` when a swap changed a threshold, so the thread
    /// that swapped runs the hooks once the lock is released.
    static LEVELS_CHANGED: Cell<bool> = const { Cell::new(false) };
}

static HOOKS: Mutex<Vec<fn()>> = Mutex::new(Vec::new());

fn run_hooks() {
    // Copied out: a hook may reconfigure, or register another hook.
    let hooks = HOOKS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for hook in hooks {
        hook();
    }
}

/// The most verbose level any logger handles now: the lowest effective
/// level, `disable` and `disabled` included (`Level(i32::MAX)` when every
/// logger is disabled). A record below it is dropped by every logger, so
/// a bridge may filter on it before looking a logger up.
///
/// ```
/// use loglisten::{get_logger, most_verbose_level, Level};
/// get_logger("doc.verbose").set_level(Level::TRACE);
/// assert_eq!(most_verbose_level(), Level::TRACE);
/// get_logger("doc.verbose").set_level(Level::NOTSET);
/// ```
pub fn most_verbose_level() -> Level {
    Level(MOST_VERBOSE.load(Ordering::Acquire))
}

/// Registers `hook`, called after every reconfiguration that changes a
/// level any logger handles (a config applied in-process or pushed, full
/// or incremental, `set_level`, `disable`, ...), on the thread that made
/// it, once the new configuration is live and no lock is held. The `log`
/// and `tracing` bridges use it to keep `log::max_level()` and tracing's
/// interest cache in step. A hook must be quick and must not panic.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// static CALLS: AtomicUsize = AtomicUsize::new(0);
/// fn count() { CALLS.fetch_add(1, Ordering::SeqCst); }
/// loglisten::on_reconfigure(count);
/// let log = loglisten::get_logger("doc.hook");
/// log.set_level(loglisten::Level::ERROR);
/// assert!(CALLS.load(Ordering::SeqCst) >= 1);
/// ```
pub fn on_reconfigure(hook: fn()) {
    HOOKS.lock().unwrap_or_else(|e| e.into_inner()).push(hook);
}

/// An edit in progress: the lock held, the live snapshot and a draft copy.
struct Edit {
    draft: Draft,
    old: Arc<Snapshot>,
    spare: Option<Arc<Snapshot>>,
    state: MutexGuard<'static, State>,
}

impl Edit {
    fn begin() -> Edit {
        let mut state = state();
        let old = Arc::clone(&state.snapshot);
        let mut spare = state.spare.take();
        let mut nodes = match spare.as_mut().and_then(Arc::get_mut) {
            Some(snapshot) => std::mem::take(&mut snapshot.nodes),
            None => Vec::new(),
        };
        nodes.clone_from(&old.nodes);
        let draft = Draft {
            nodes,
            index: std::mem::take(&mut state.index),
            disable: old.disable,
            new_handles: 0,
        };
        Edit {
            draft,
            old,
            spare,
            state,
        }
    }

    fn finish(self) -> Vec<SharedHandler> {
        let Edit {
            draft,
            mut old,
            spare,
            mut state,
        } = self;
        let replaced = replaced_handlers(&old.nodes, &draft.nodes);
        install(&mut state, draft, spare, !replaced.is_empty());
        // The generation is stored: a first look at the counter is as good
        // as the wait's, and most often nothing is in flight.
        if !replaced.is_empty() && !drained(&old) {
            drop(state);
            wait_for_drain(&old);
            return replaced;
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
        replaced
    }
}

/// Makes `draft` the live snapshot; `closes`: the swap closes handlers, so
/// it starts a new epoch.
fn install(state: &mut State, mut draft: Draft, mut spare: Option<Arc<Snapshot>>, closes: bool) {
    for id in 0..draft.nodes.len() {
        draft.nodes[id].threshold = draft.threshold(id);
    }
    let first_new = draft.nodes.len() - draft.new_handles;
    // A new logger given its own level (not merely created) changes what
    // its targets emit: the hooks must run.
    let mut changed = draft.nodes[first_new..].iter().any(|node| {
        node.threshold
            != node
                .parent
                .map_or(node.threshold, |p| draft.nodes[p].threshold)
    });
    for node in &draft.nodes[first_new..] {
        state.handles.push(Arc::new(LoggerNode {
            id: state.handles.len(),
            name: node.name.clone(),
            threshold: AtomicI32::new(node.threshold),
        }));
    }
    let generation = state.snapshot.generation + 1;
    let in_flight = if closes {
        new_epoch(spare.as_mut())
    } else {
        Arc::clone(&state.snapshot.in_flight)
    };
    let snapshot = Snapshot {
        generation,
        nodes: draft.nodes,
        disable: draft.disable,
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
    state.index = draft.index;
    GENERATION.store(generation, Ordering::SeqCst);
    let mut most_verbose = i32::MAX;
    for (handle, node) in state.handles.iter().zip(&state.snapshot.nodes) {
        changed |= handle.threshold.swap(node.threshold, Ordering::Relaxed) != node.threshold;
        most_verbose = most_verbose.min(node.threshold);
    }
    // A new logger takes its parent's threshold: it changes nothing.
    changed |= MOST_VERBOSE.swap(most_verbose, Ordering::AcqRel) != most_verbose;
    if changed {
        LEVELS_CHANGED.with(|c| c.set(true));
    }
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

/// The handlers of `old` that `new` no longer has.
fn replaced_handlers(old: &[Node], new: &[Node]) -> Vec<SharedHandler> {
    let mut replaced: Vec<SharedHandler> = Vec::new();
    // Most edits (a level, a new logger) leave every handler list alone.
    let kept = |(o, n): (&Node, &Node)| {
        let (o, n) = (&o.settings.handlers, &n.settings.handlers);
        o.len() == n.len() && o.iter().zip(n).all(|(a, b)| a.same(b))
    };
    if old.iter().zip(new).all(kept) {
        return replaced;
    }
    let uses = |handler: &SharedHandler| {
        new.iter()
            .any(|n| n.settings.handlers.iter().any(|h| h.same(handler)))
    };
    for node in old {
        for handler in &node.settings.handlers {
            if !replaced.iter().any(|r| r.same(handler)) && !uses(handler) {
                replaced.push(handler.clone());
            }
        }
    }
    replaced
}

thread_local! {
    static CACHE: RefCell<Option<Arc<Snapshot>>> = const { RefCell::new(None) };
    // Records this thread is handling right now (a handler may log).
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Whether no record but this thread's own is in flight on `old`'s epoch
/// (a reconfiguration from inside a handler must not wait for itself).
fn drained(old: &Snapshot) -> bool {
    old.in_flight.load(Ordering::SeqCst) <= DEPTH.with(Cell::get)
}

fn wait_for_drain(old: &Snapshot) {
    while !drained(old) {
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
            let nodes = &state.snapshot.nodes;
            search(nodes, &state.index, name)
                .ok()
                .map(|at| state.index[at])
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
    use crate::{get_logger, most_verbose_level, on_reconfigure, Level};
    use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

    static CALLS: AtomicUsize = AtomicUsize::new(0);
    static SEEN: AtomicI32 = AtomicI32::new(-1);

    fn hook() {
        CALLS.fetch_add(1, Ordering::SeqCst);
        SEEN.store(most_verbose_level().0, Ordering::SeqCst);
    }

    #[test]
    fn hook_sees_the_new_most_verbose_level() {
        on_reconfigure(hook);
        let log = get_logger("registry.hook.test");
        let before = CALLS.load(Ordering::SeqCst);
        // Below anything another test sets (root at NOTSET gives 1).
        log.set_level(Level(1));
        assert!(CALLS.load(Ordering::SeqCst) > before);
        assert_eq!(most_verbose_level(), Level(1));
        assert!(SEEN.load(Ordering::SeqCst) <= 1);
        let before = CALLS.load(Ordering::SeqCst);
        log.set_level(Level::NOTSET);
        assert!(CALLS.load(Ordering::SeqCst) > before);
    }

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
