//! The logger tree: names, parents and the name index, kept apart from the
//! snapshot because creating a logger changes no behaviour (it is NOTSET,
//! propagating, without handlers or filters). Creating one costs a few
//! hash look-ups, never a copy of the tree.
//!
//! This is CPython's `Manager`: a map from every name to a logger or a
//! placeholder, a placeholder remembering the loggers created below it, so
//! that `_fixupChildren` visits only those.

use super::snapshot::{Snapshot, ROOT};
use crate::hash::NameHash;
use std::collections::HashMap;
use std::sync::atomic::AtomicI32;
use std::sync::Arc;

/// The part of a logger handle the fast path reads: one atomic.
#[derive(Debug)]
pub(crate) struct LoggerNode {
    pub id: usize,
    pub name: Arc<str>,
    pub threshold: AtomicI32,
    /// The parent when the logger was created: an ancestor for good (a
    /// logger created later in between is NOTSET, propagating and bare
    /// until the next swap), which is how a snapshot that does not know
    /// this logger yet finds the nearest one it does.
    pub up: Option<Arc<LoggerNode>>,
}

/// A name in CPython's `loggerDict`.
#[derive(Debug)]
enum Entry {
    Logger(usize),
    /// A name with no logger yet, above the loggers listed.
    Placeholder(Vec<usize>),
}

/// Every logger of a registry, by id (creation order) and by name.
#[derive(Debug)]
pub(crate) struct Tree {
    handles: Vec<Arc<LoggerNode>>,
    parents: Vec<usize>,
    /// Hashed with [`NameHash`]: a look-up is most of `get_logger`'s cost.
    names: HashMap<Arc<str>, Entry, NameHash>,
}

impl Tree {
    /// A tree holding only the root at `threshold`.
    pub fn new(threshold: i32) -> Tree {
        let root = Arc::new(LoggerNode {
            id: ROOT,
            name: Arc::from("root"),
            threshold: AtomicI32::new(threshold),
            up: None,
        });
        Tree {
            handles: vec![root],
            parents: vec![ROOT],
            names: HashMap::default(),
        }
    }

    /// Makes room for `more` loggers (and as many other names) to be
    /// created without the index growing step by step.
    pub fn reserve(&mut self, more: usize) {
        self.handles.reserve(more);
        self.parents.reserve(more);
        self.names.reserve(more.saturating_mul(2));
    }

    /// How many loggers there are, the root included.
    pub fn len(&self) -> usize {
        self.handles.len()
    }

    pub fn handles(&self) -> &[Arc<LoggerNode>] {
        &self.handles
    }

    pub fn name(&self, id: usize) -> &Arc<str> {
        &self.handles[id].name
    }

    /// The parent of logger `id`; `None` for the root.
    pub fn parent(&self, id: usize) -> Option<usize> {
        (id != ROOT).then(|| self.parents[id])
    }

    /// The id of logger `name` if it exists (`""`, `"root"`: the root).
    pub fn existing_id(&self, name: &str) -> Option<usize> {
        if name.is_empty() || name == "root" {
            return Some(ROOT);
        }
        match self.names.get(name)? {
            Entry::Logger(id) => Some(*id),
            Entry::Placeholder(_) => None,
        }
    }

    /// The id of logger `name`, creating it as CPython's `getLogger` does
    /// (`_fixupChildren`, then `_fixupParents`). Its handle's threshold is
    /// the one `live` gives it.
    pub fn id(&mut self, name: &str, live: &Snapshot) -> usize {
        if let Some(id) = self.existing_id(name) {
            return id;
        }
        let id = self.handles.len();
        let name: Arc<str> = Arc::from(name);
        let below = match self.names.insert(Arc::clone(&name), Entry::Logger(id)) {
            Some(Entry::Placeholder(children)) => children,
            _ => Vec::new(),
        };
        self.parents.push(ROOT);
        // `_fixupChildren`: a logger created below this name hangs under it
        // unless its parent's name already starts with it (a plain string
        // prefix test, as CPython's: `r` does not adopt `r.x` under root).
        for child in below {
            if !self.name(self.parents[child]).starts_with(&*name) {
                self.parents[child] = id;
            }
        }
        // `_fixupParents`: the first logger among the dotted prefixes; the
        // placeholders on the way remember this logger.
        let mut parent = ROOT;
        for prefix in ancestors(&name) {
            match self.names.get_mut(prefix) {
                Some(Entry::Logger(found)) => {
                    parent = *found;
                    break;
                }
                Some(Entry::Placeholder(children)) => children.push(id),
                None => {
                    let entry = Entry::Placeholder(vec![id]);
                    self.names.insert(Arc::from(prefix), entry);
                }
            }
        }
        self.parents[id] = parent;
        let up = Arc::clone(&self.handles[parent]);
        let known = live.known(&up);
        self.handles.push(Arc::new(LoggerNode {
            id,
            name,
            threshold: AtomicI32::new(live.new_threshold(known)),
            up: Some(up),
        }));
        id
    }
}

/// CPython's `_fixupParents` walk: `a.b.c` gives `a.b` then `a` (and, as
/// there, `rfind(".", 0, i - 1)` skips the character before each dot).
pub(crate) fn ancestors(name: &str) -> impl Iterator<Item = &str> {
    // A byte search: `.` is ASCII, so each one found is a char boundary
    // (and for names of a few dozen bytes this beats `rfind`'s memrchr).
    let dot = |end: usize| name.as_bytes()[..end].iter().rposition(|&b| b == b'.');
    let mut end = dot(name.len());
    std::iter::from_fn(move || {
        let pos = end.filter(|&p| p > 0)?;
        end = dot(pos - 1);
        Some(&name[..pos])
    })
}

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
