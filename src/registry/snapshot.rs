//! One whole configuration of the tree: what every record is handled by.

use super::tree::LoggerNode;
use crate::config::model::Defined;
use crate::filter::Filter;
use crate::format::Formatter;
use crate::handler::SharedHandler;
use crate::level::Level;
use crate::record::Record;
use std::collections::HashSet;
use std::io::Write;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

/// Root's id; root is created with the registry.
pub(crate) const ROOT: usize = 0;

/// A logger's own settings, as Python's `Logger` attributes.
#[derive(Debug)]
pub(crate) struct LoggerSettings {
    pub level: Level,
    pub propagate: bool,
    pub disabled: bool,
    pub handlers: Vec<SharedHandler>,
    pub filters: Vec<Arc<dyn Filter>>,
}

/// The settings of a logger created since the last swap: a new logger is
/// NOTSET, propagating, with no handlers or filters, in every registry.
static UNCHANGED: LoggerSettings = LoggerSettings::new();

impl LoggerSettings {
    const fn new() -> LoggerSettings {
        LoggerSettings {
            level: Level::NOTSET,
            propagate: true,
            disabled: false,
            handlers: Vec::new(),
            filters: Vec::new(),
        }
    }
}

impl Default for LoggerSettings {
    fn default() -> Self {
        LoggerSettings::new()
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

/// A logger as one snapshot sees it.
#[derive(Debug)]
pub(crate) struct Node {
    pub name: Arc<str>,
    pub parent: Option<usize>,
    pub settings: LoggerSettings,
    /// An active level override, used instead of `settings.level` for
    /// this logger and the loggers that inherit from it.
    pub forced: Option<Level>,
    /// Lowest level this logger handles (effective level and `disable`).
    pub threshold: i32,
}

impl Clone for Node {
    fn clone(&self) -> Self {
        Node {
            name: Arc::clone(&self.name),
            parent: self.parent,
            settings: self.settings.clone(),
            forced: self.forced,
            threshold: self.threshold,
        }
    }

    fn clone_from(&mut self, source: &Self) {
        let Node {
            name,
            parent,
            settings,
            forced,
            threshold,
        } = source;
        if !Arc::ptr_eq(&self.name, name) {
            self.name = Arc::clone(name);
        }
        self.parent = *parent;
        self.settings.clone_from(settings);
        self.forced = *forced;
        self.threshold = *threshold;
    }
}

impl Node {
    /// The root logger as CPython starts it: WARNING, no handlers.
    pub fn root() -> Node {
        let settings = LoggerSettings {
            level: Level::WARNING,
            ..LoggerSettings::default()
        };
        Node {
            name: Arc::from("root"),
            parent: None,
            settings,
            forced: None,
            threshold: Level::WARNING.0,
        }
    }
}

/// One whole configuration: levels, propagation, handlers, filters, the
/// tree as of the swap, and the definitions the handlers were built from.
/// Loggers created after the swap are not in it (see [`Snapshot::known`]).
#[derive(Debug)]
pub(crate) struct Snapshot {
    /// The registry's identity, for the thread-local caches.
    pub registry: u64,
    pub generation: u64,
    pub nodes: Vec<Node>,
    pub disable: Level,
    /// What the last whole configuration defined, for `current_config`
    /// and incremental configurations.
    pub defined: Arc<Defined>,
    /// Records in flight on this epoch's snapshots (see `swap`).
    pub in_flight: Arc<AtomicUsize>,
}

impl Snapshot {
    /// The nearest logger this snapshot knows, from `node` up the parents
    /// each logger had when created. A logger created since the swap is
    /// NOTSET, propagating, without handlers or filters: a record of it
    /// goes through exactly what its nearest known ancestor's would.
    pub fn known(&self, mut node: &LoggerNode) -> usize {
        while node.id >= self.nodes.len() {
            match &node.up {
                Some(up) => node = up,
                None => return super::ROOT,
            }
        }
        node.id
    }

    /// Python's `Logger.handle` and `callHandlers`, including the
    /// last-resort handler when no handler is found on the chain.
    pub fn handle(&self, origin: &LoggerNode, record: &Record) {
        let id = origin.id;
        match self.nodes.get(id) {
            Some(node) => {
                if record.level().0 < node.threshold
                    || !node.settings.filters.iter().all(|f| f.filter(record))
                {
                    return;
                }
                self.call_handlers(id, record);
            }
            None => {
                // A new logger: not disabled, no filters of its own.
                let known = self.known(origin);
                if record.level().0 < self.new_threshold(known) {
                    return;
                }
                self.call_handlers(known, record);
            }
        }
    }

    fn call_handlers(&self, id: usize, record: &Record) {
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

    /// The threshold of a logger created below `known` since the swap.
    pub fn new_threshold(&self, known: usize) -> i32 {
        let effective = effective_level(&self.nodes, known).0;
        effective.max(self.disable.0.saturating_add(1))
    }

    /// Logger `id`'s settings (a new logger's are the defaults).
    pub fn settings(&self, id: usize) -> &LoggerSettings {
        self.nodes.get(id).map_or(&UNCHANGED, |n| &n.settings)
    }

    /// Every logger but the root, in creation order, with its settings.
    #[cfg(test)]
    pub fn loggers(&self) -> impl Iterator<Item = (&str, &LoggerSettings)> {
        self.nodes[1..].iter().map(|n| (&*n.name, &n.settings))
    }

    /// Python's `getEffectiveLevel` of `node`.
    pub fn effective_level(&self, node: &LoggerNode) -> Level {
        effective_level(&self.nodes, self.known(node))
    }

    /// Every distinct handler in the tree, in tree order.
    pub fn handlers(&self) -> Vec<SharedHandler> {
        let mut seen = HashSet::new();
        let all = self.nodes.iter().flat_map(|n| &n.settings.handlers);
        all.filter(|h| seen.insert(h.id())).cloned().collect()
    }
}

/// The first level other than NOTSET from `id` up the tree (Python's
/// `getEffectiveLevel`), an override standing for a logger's own level.
pub(crate) fn effective_level(nodes: &[Node], mut id: usize) -> Level {
    loop {
        let node = &nodes[id];
        let level = node.forced.unwrap_or(node.settings.level);
        match node.parent {
            _ if level != Level::NOTSET => return level,
            Some(parent) => id = parent,
            None => return Level::NOTSET,
        }
    }
}
