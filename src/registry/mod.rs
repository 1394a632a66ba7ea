//! The [`Registry`]: one logging system, its loggers and what configures
//! them.
//!
//! Everything a record needs (levels, propagation, handlers, filters, the
//! tree, the definitions the handlers came from) lives in one immutable
//! [`Snapshot`](snapshot::Snapshot). Changing anything builds a new one
//! and swaps it in under the registry's lock, bumping its generation
//! ([`swap`]); logging threads read it without a lock ([`dispatch`]). The
//! names and parents of the loggers live beside it in the [`tree`]:
//! creating a logger changes no behaviour, so it swaps nothing, and the
//! next swap folds the new loggers in.

mod dispatch;
pub(crate) mod factories;
pub(crate) mod gate;
mod hooks;
pub(crate) mod overrides;
pub(crate) mod snapshot;
pub(crate) mod swap;
mod timer;
pub(crate) mod tree;
mod view;

pub(crate) use hooks::{audit_log, in_command, ttl_field};
pub use hooks::{most_verbose_level, on_reconfigure};
pub(crate) use snapshot::{LoggerSettings, Snapshot, ROOT};
pub(crate) use swap::Draft;
pub(crate) use tree::{ancestors, LoggerNode};
pub(crate) use view::seconds as seconds_value;
pub use view::{LiveView, LoggerView, OverrideView};

use crate::config::model::Defined;
use crate::level::Level;
use crate::logger::Logger;
use crate::sync::lock;
use factories::Factories;
use snapshot::Node;
use std::fmt;
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use tree::Tree;

/// One logging system: its loggers, the live configuration, the
/// generation counter, the factories configurations may name. The free
/// functions ([`get_logger`](crate::get_logger),
/// [`dict_config_str`](crate::dict_config_str),
/// [`listen`](crate::listen), …) work on [`Registry::global`];
/// [`Registry::new`] gives an independent one, with methods of the same
/// names, whose loggers, configurations and listeners are its own (what
/// tests use to run in parallel). A clone shares the same system.
///
/// ```
/// use loglisten::{Level, Registry};
/// let registry = Registry::new();
/// registry.dict_config_str(r#"{"version": 1, "root": {"level": "DEBUG"}}"#).unwrap();
/// let log = registry.get_logger("app.db");
/// assert!(log.is_enabled_for(Level::DEBUG));
/// // The process's registry is untouched.
/// assert!(!loglisten::get_logger("app.db").is_enabled_for(Level::DEBUG));
/// assert_eq!(registry.config_generation(), 1);
/// ```
#[derive(Clone)]
pub struct Registry {
    pub(crate) core: Arc<Core>,
}

/// The shared state behind a [`Registry`] and its logger handles.
pub(crate) struct Core {
    /// Distinct for every registry the process ever made (an address may
    /// be reused): the thread-local caches tell registries apart by it.
    id: u64,
    /// The live snapshot's generation: the cache check on the logging
    /// path, and what [`Registry::config_generation`] reports.
    generation: AtomicU64,
    state: Mutex<State>,
    /// Configurations are applied one at a time, in arrival order.
    apply: gate::Gate,
    factories: Mutex<Factories>,
    /// The lowest threshold of any logger: see `hooks.rs`.
    most_verbose: AtomicI32,
    hooks: Mutex<Vec<fn()>>,
    /// Ends level overrides when their time is up.
    timer: Arc<timer::Timer>,
    /// Told of every override change.
    #[cfg(test)]
    override_hooks: Mutex<overrides::Hooks>,
}

impl Drop for Core {
    fn drop(&mut self) {
        self.timer.registry_dropped();
    }
}

pub(crate) struct State {
    snapshot: Arc<Snapshot>,
    tree: Tree,
    /// A replaced snapshot nobody else holds, emptied of handlers and
    /// filters: the next edit reuses its memory instead of allocating.
    spare: Option<Arc<Snapshot>>,
    /// Level overrides, folded into every snapshot's thresholds.
    overrides: overrides::Overrides,
}

impl Registry {
    /// A new, independent logging system: a root logger at WARNING with
    /// no handlers, no other logger, no factories, generation 0.
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// assert_eq!(registry.get_logger("").level(), loglisten::Level::WARNING);
    /// assert_eq!(registry.config_generation(), 0);
    /// ```
    pub fn new() -> Registry {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        let root = Node::root();
        let tree = Tree::new(root.threshold);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let snapshot = Snapshot {
            registry: id,
            generation: 0,
            nodes: vec![root],
            disable: Level::NOTSET,
            defined: Arc::new(Defined::default()),
            in_flight: Arc::new(AtomicUsize::new(0)),
        };
        let state = State {
            snapshot: Arc::new(snapshot),
            tree,
            spare: None,
            overrides: overrides::Overrides::default(),
        };
        Registry {
            core: Arc::new(Core {
                id,
                generation: AtomicU64::new(0),
                state: Mutex::new(state),
                apply: gate::Gate::default(),
                factories: Mutex::new(Factories::default()),
                most_verbose: AtomicI32::new(Level::WARNING.0),
                hooks: Mutex::new(Vec::new()),
                timer: Arc::default(),
                #[cfg(test)]
                override_hooks: Mutex::default(),
            }),
        }
    }

    /// The process's logging system, the one the free functions use.
    ///
    /// ```
    /// let log = loglisten::Registry::global().get_logger("doc.global");
    /// assert_eq!(log.name(), loglisten::get_logger("doc.global").name());
    /// ```
    pub fn global() -> &'static Registry {
        static GLOBAL: OnceLock<Registry> = OnceLock::new();
        GLOBAL.get_or_init(Registry::new)
    }

    /// The logger named `name` in this registry (see
    /// [`get_logger`](crate::get_logger)).
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// assert_eq!(registry.get_logger("a.b").parent().unwrap().name(), "root");
    /// ```
    pub fn get_logger(&self, name: &str) -> Logger {
        Logger::new(self.clone(), self.core.handle(name))
    }

    /// Disables every record at or below `level` on all of this
    /// registry's loggers (see [`disable`]).
    ///
    /// ```
    /// use loglisten::{Level, Registry};
    /// let registry = Registry::new();
    /// registry.disable(Level::CRITICAL);
    /// assert!(!registry.get_logger("x").is_enabled_for(Level::CRITICAL));
    /// ```
    pub fn disable(&self, level: Level) {
        self.core.reconfigure(|draft| draft.set_disable(level));
    }

    /// Flushes and closes every handler of this registry's running
    /// configuration (see [`shutdown`]).
    ///
    /// ```
    /// loglisten::Registry::new().shutdown();
    /// ```
    pub fn shutdown(&self) {
        for handler in self.core.current().handlers() {
            handler.flush();
            handler.close();
        }
    }

    /// The generation of this registry's live configuration: 0 at the
    /// start, one more at every change (a configuration applied, a level
    /// set, a handler added). What the listener's reply reports.
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// registry.get_logger("x").set_level(loglisten::Level::INFO);
    /// assert_eq!(registry.config_generation(), 1);
    /// ```
    pub fn config_generation(&self) -> u64 {
        self.core.generation()
    }
}

/// [`Registry::new`]: a new, independent logging system.
///
/// ```
/// let registry = loglisten::Registry::default();
/// assert_eq!(registry.config_generation(), 0);
/// ```
impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("id", &self.core.id)
            .field("generation", &self.config_generation())
            .finish_non_exhaustive()
    }
}

impl Core {
    pub(super) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// The live snapshot (takes the registry lock; not for the logging path).
    pub(crate) fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.state().snapshot)
    }

    /// The handle of logger `name`, creating the logger if needed.
    pub(crate) fn handle(&self, name: &str) -> Arc<LoggerNode> {
        let mut guard = self.state();
        let state = &mut *guard;
        let id = state.tree.id(name, &state.snapshot);
        let handle = Arc::clone(&state.tree.handles()[id]);
        // A new logger below a disabled one may handle more than any
        // logger did (disabled is not inherited).
        let threshold = handle.threshold.load(Ordering::Relaxed);
        let lower = threshold < self.most_verbose.load(Ordering::Acquire)
            && self.set_most_verbose(threshold);
        drop(guard);
        if lower {
            self.run_hooks();
        }
        handle
    }

    /// The name of logger `id`'s parent; `None` for the root.
    pub(crate) fn parent_name(&self, id: usize) -> Option<Arc<str>> {
        let state = self.state();
        let parent = state.tree.parent(id)?;
        Some(Arc::clone(state.tree.name(parent)))
    }

    /// The live snapshot's generation.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Holds off every other configuration while the guard lives; waits
    /// for its turn behind those that asked first.
    pub(crate) fn apply_lock(&self) -> gate::Pass<'_> {
        self.apply.enter()
    }

    /// [`apply_lock`](Self::apply_lock), giving up (`None`) when the turn
    /// has not come by `deadline`.
    pub(crate) fn apply_lock_by(&self, deadline: std::time::Instant) -> Option<gate::Pass<'_>> {
        self.apply.enter_by(Some(deadline))
    }

    /// How many wait for their turn to apply.
    #[cfg(test)]
    pub(crate) fn apply_waiting(&self) -> usize {
        self.apply.waiting()
    }

    /// The registered factories.
    pub(crate) fn factories(&self) -> MutexGuard<'_, Factories> {
        lock(&self.factories)
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
    Registry::global().disable(level);
}

/// Flushes and closes every handler of the running configuration, like
/// Python's `logging.shutdown()`. Call it at the end of `main` so buffered
/// output reaches its destination; the configuration stays installed.
///
/// ```
/// loglisten::shutdown();
/// ```
pub fn shutdown() {
    Registry::global().shutdown();
}

#[cfg(test)]
mod tests;
