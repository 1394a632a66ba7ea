//! The running configuration written back out as a dictConfig: as a value
//! ([`current_config`]) or straight as JSON text ([`dump_into`], what the
//! listener's `get` sends, with no value made for each logger).

use super::model::{FilterSpec, FormatterSpec, HandlerSpec};
use crate::filter::Filter;
use crate::handler::SharedHandler;
use crate::json::{Map, Value};
use crate::level::Level;
use crate::registry::{LoggerNode, LoggerSettings, Registry, Snapshot, ROOT};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;

/// The running configuration as a dictConfig value: applied again with
/// [`dict_config`](crate::dict_config), it reproduces the loggers (every
/// one, those created since the last configuration included), the
/// handlers the last whole configuration defined (with their classes and
/// keyword arguments, whether a logger holds them or not, such as a
/// memory handler's target), their formatters and filters. Handlers
/// added in code have no configuration to write and are left out, as are
/// handlers of earlier configurations still held by loggers the last one
/// did not name, and disabled loggers. Level overrides are not part of
/// the configuration: the loggers' own levels are written.
///
/// ```
/// loglisten::dict_config_str(r#"{"version": 1, "disable_existing_loggers": false,
///     "loggers": {"doc.dump": {"level": "DEBUG", "propagate": false}}}"#).unwrap();
/// let dump = loglisten::current_config();
/// let logger = dump.get("loggers").and_then(|l| l.get("doc.dump")).unwrap();
/// assert_eq!(logger.to_string(), r#"{"level": "DEBUG", "propagate": false}"#);
/// ```
pub fn current_config() -> Value {
    Registry::global().current_config()
}

impl Registry {
    /// This registry's running configuration as a dictConfig value (see
    /// [`current_config`]).
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// registry.dict_config_str(r#"{"version": 1, "root": {"level": "INFO"}}"#).unwrap();
    /// let root = registry.current_config().get("root").unwrap().to_string();
    /// assert_eq!(root, r#"{"level": "INFO"}"#);
    /// ```
    pub fn current_config(&self) -> Value {
        let (snapshot, newer) = self.snapshot_and_newer_loggers();
        dump(&snapshot, &newer)
    }
}

/// Every logger of the registry but the root, by id and name, in
/// creation order: those `snapshot` knows, then `newer`, the loggers
/// created since (which are as a new logger is: NOTSET, propagating, bare).
pub(crate) fn every_logger<'a>(
    snapshot: &'a Snapshot,
    newer: &'a [Arc<LoggerNode>],
) -> impl Iterator<Item = (usize, &'a str)> {
    let known = snapshot.nodes.iter().enumerate().skip(ROOT + 1);
    let known = known.map(|(id, node)| (id, &*node.name));
    known.chain(newer.iter().map(|h| (h.id, &*h.name)))
}

/// The dump of `snapshot` (and of `newer`, see [`every_logger`]) as a value.
pub(crate) fn dump(snapshot: &Snapshot, newer: &[Arc<LoggerNode>]) -> Value {
    let parts = Parts::of(snapshot);
    let mut map = Map::new();
    for (id, name) in every_logger(snapshot, newer) {
        let settings = snapshot.settings(id);
        if !settings.disabled {
            map.insert(name.to_string(), parts.logger(settings, true));
        }
    }
    let root = parts.logger(snapshot.settings(ROOT), false);
    let mut top = Map::new();
    top.insert("version".into(), Value::from(1i64));
    top.insert("disable_existing_loggers".into(), Value::Bool(true));
    top.insert("formatters".into(), parts.formatters);
    top.insert("filters".into(), parts.filters);
    top.insert("handlers".into(), parts.handlers);
    top.insert("loggers".into(), Value::Object(map));
    top.insert("root".into(), root);
    Value::Object(top)
}

/// Appends to `out` exactly the text of [`dump`]`(snapshot, newer)`,
/// each logger written as text rather than made a value first.
pub(crate) fn dump_into(
    snapshot: &Snapshot,
    newer: &[Arc<LoggerNode>],
    levels: &mut LevelTexts,
    out: &mut String,
) {
    let parts = Parts::of(snapshot);
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "{{\"version\": 1, \"disable_existing_loggers\": true, \"formatters\": {}, \
         \"filters\": {}, \"handlers\": {}, \"loggers\": {{",
        parts.formatters, parts.filters, parts.handlers
    );
    let mut first = true;
    for (id, name) in every_logger(snapshot, newer) {
        let settings = snapshot.settings(id);
        if settings.disabled {
            continue;
        }
        if !first {
            out.push_str(", ");
        }
        first = false;
        push_quoted(out, name);
        out.push_str(": ");
        parts.write_logger(out, levels, settings, true);
    }
    out.push_str("}, \"root\": ");
    parts.write_logger(out, levels, snapshot.settings(ROOT), false);
    out.push('}');
}

/// What a dump needs besides the loggers, read once from a snapshot: the
/// handler, formatter and filter sections (few entries, made as values)
/// and the names of the handlers and filters loggers hold.
struct Parts<'a> {
    /// The last whole configuration's handlers, by id.
    current: HashSet<usize>,
    /// Filters by address: everything is held by the snapshot.
    filter_names: HashMap<*const (), &'a str>,
    formatters: Value,
    filters: Value,
    handlers: Value,
}

impl<'a> Parts<'a> {
    fn of(snapshot: &'a Snapshot) -> Parts<'a> {
        let defined = &snapshot.defined;
        let filter_names: HashMap<*const (), &str> = defined
            .filters
            .iter()
            .map(|(n, _, f)| (address(f), n.as_str()))
            .collect();
        let specs: HashMap<usize, &HandlerSpec> = defined
            .handlers
            .iter()
            .map(|(h, spec)| (h.id(), spec))
            .collect();
        let mut handlers = Map::new();
        let mut used_formatters: HashSet<&str> = HashSet::new();
        let mut used_filters: HashSet<&str> = HashSet::new();
        // Only the last whole configuration's handlers: older ones still
        // held by loggers it did not name may use formatters and filters
        // it no longer defines. The handlers loggers hold, in tree order,
        // then those no logger holds (a memory handler's target): applied
        // again, each is needed.
        let mut seen = HashSet::new();
        let held = snapshot.handlers();
        let unheld = defined.handlers.iter().map(|(h, _)| h.clone());
        for handler in held.into_iter().chain(unheld) {
            if !seen.insert(handler.id()) {
                continue;
            }
            let (Some(name), Some(origin)) = (handler.name(), specs.get(&handler.id())) else {
                continue;
            };
            let mut entry = Map::new();
            entry.insert("class".into(), Value::String(origin.class.clone()));
            entry.insert("level".into(), level(handler.level()));
            if let Some(f) = &origin.formatter {
                entry.insert("formatter".into(), Value::String(f.clone()));
                used_formatters.insert(f);
            }
            entry.insert("filters".into(), strings(origin.filters.iter()));
            used_filters.extend(origin.filters.iter().map(String::as_str));
            for (key, value) in origin.kwargs.iter() {
                entry.insert(key.to_string(), value.clone());
            }
            if !origin.props.is_empty() {
                entry.insert(".".into(), Value::Object(origin.props.clone()));
            }
            handlers.insert(name.to_string(), Value::Object(entry));
        }
        // The filters of the loggers written (few loggers have any).
        let written = snapshot.nodes.iter().enumerate();
        let written = written.filter(|(id, n)| *id == ROOT || !n.settings.disabled);
        for (_, node) in written {
            let names = node.settings.filters.iter();
            used_filters.extend(names.filter_map(|f| filter_names.get(&address(f)).copied()));
        }
        let formatters = defined
            .formatters
            .iter()
            .filter(|(n, _, _)| used_formatters.contains(n.as_str()))
            .map(|(name, spec, _)| (name.clone(), formatter(spec)))
            .collect();
        let filters = defined
            .filters
            .iter()
            .filter(|(n, _, _)| used_filters.contains(n.as_str()))
            .map(|(name, spec, _)| (name.clone(), filter(spec)))
            .collect();
        Parts {
            current: specs.keys().copied().collect(),
            filter_names,
            formatters: Value::Object(formatters),
            filters: Value::Object(filters),
            handlers: Value::Object(handlers),
        }
    }

    /// The names of the current configuration's handlers `settings` holds.
    fn handler_names<'s>(&'s self, settings: &'s LoggerSettings) -> impl Iterator<Item = &'s str> {
        let current = settings
            .handlers
            .iter()
            .filter(|h| self.current.contains(&h.id()));
        current.filter_map(SharedHandler::name)
    }

    /// The names of the filters `settings` holds.
    fn filter_names<'s>(&'s self, settings: &'s LoggerSettings) -> impl Iterator<Item = &'s str> {
        let names = settings.filters.iter();
        names.filter_map(|f| self.filter_names.get(&address(f)).copied())
    }

    /// A logger's entry; `propagate` is left out for the root, and
    /// `handlers` and `filters` when empty (a logger a configuration names
    /// has no others: the same, in fewer bytes a logger).
    fn logger(&self, settings: &LoggerSettings, propagate: bool) -> Value {
        let mut entry = Map::new();
        entry.insert("level".into(), level(settings.level));
        if propagate {
            entry.insert("propagate".into(), Value::Bool(settings.propagate));
        }
        let handlers: Vec<&str> = self.handler_names(settings).collect();
        if !handlers.is_empty() {
            entry.insert("handlers".into(), strings(handlers.iter()));
        }
        let filters: Vec<&str> = self.filter_names(settings).collect();
        if !filters.is_empty() {
            entry.insert("filters".into(), strings(filters.iter()));
        }
        Value::Object(entry)
    }

    /// The text of [`Parts::logger`].
    fn write_logger(
        &self,
        out: &mut String,
        levels: &mut LevelTexts,
        settings: &LoggerSettings,
        propagate: bool,
    ) {
        out.push_str("{\"level\": ");
        levels.push(out, settings.level);
        if propagate {
            out.push_str(match settings.propagate {
                true => ", \"propagate\": true",
                false => ", \"propagate\": false",
            });
        }
        push_list(out, ", \"handlers\": [", self.handler_names(settings));
        push_list(out, ", \"filters\": [", self.filter_names(settings));
        out.push('}');
    }
}

fn address(filter: &Arc<dyn Filter>) -> *const () {
    Arc::as_ptr(filter) as *const ()
}

/// A level by name when it has one, else its number.
pub(crate) fn level(level: Level) -> Value {
    let name = level.name();
    if name.starts_with("Level ") {
        Value::from(i64::from(level.0))
    } else {
        Value::String(name.into_owned())
    }
}

/// The texts of [`level`] for the few levels a dump writes, each made
/// once (a name is looked up and checked for escapes once, not once a
/// logger).
#[derive(Default)]
pub(crate) struct LevelTexts(Vec<(Level, String)>);

impl LevelTexts {
    /// Appends the text of [`level`]`(level)`.
    pub(crate) fn push(&mut self, out: &mut String, level: Level) {
        if let Some((_, text)) = self.0.iter().find(|(l, _)| *l == level) {
            out.push_str(text);
            return;
        }
        let mut text = String::new();
        let name = level.name();
        if name.starts_with("Level ") {
            let _ = write!(text, "{}", level.0);
        } else {
            push_quoted(&mut text, &name);
        }
        out.push_str(&text);
        self.0.push((level, text));
    }
}

/// Appends `s` as a JSON string literal, as [`Value::String`] writes it;
/// the common name (printable ASCII, nothing to escape) copied at once.
pub(crate) fn push_quoted(out: &mut String, s: &str) {
    // Without an early exit the check goes many bytes at a time.
    let plain = s.bytes().fold(true, |plain, b| {
        plain & (0x20..0x7f).contains(&b) & (b != b'"') & (b != b'\\')
    });
    if plain {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        let _ = write!(out, "{}", Value::quoted(s));
    }
}

/// Appends `open` (a key and `[`), the strings `items` and `]`; nothing
/// when there are none.
fn push_list<'s>(out: &mut String, open: &str, items: impl Iterator<Item = &'s str>) {
    let mut any = false;
    for item in items {
        out.push_str(if any { ", " } else { open });
        any = true;
        push_quoted(out, item);
    }
    if any {
        out.push(']');
    }
}

fn strings<S: AsRef<str>>(items: impl Iterator<Item = S>) -> Value {
    Value::Array(items.map(|s| Value::from(s.as_ref())).collect())
}

fn formatter(spec: &FormatterSpec) -> Value {
    let mut entry = Map::new();
    match spec {
        FormatterSpec::Standard {
            format,
            datefmt,
            style,
            validate,
            defaults,
        } => {
            let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
            entry.insert("format".into(), text(format));
            entry.insert("datefmt".into(), text(datefmt));
            entry.insert("style".into(), Value::String(style.clone()));
            entry.insert("validate".into(), Value::Bool(*validate));
            if !defaults.is_empty() {
                let map = defaults
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect();
                entry.insert("defaults".into(), Value::Object(map));
            }
        }
        FormatterSpec::Custom { factory, kwargs } => {
            entry.insert("()".into(), Value::String(factory.clone()));
            for (k, v) in kwargs.iter() {
                entry.insert(k.to_string(), v.clone());
            }
        }
    }
    Value::Object(entry)
}

fn filter(spec: &FilterSpec) -> Value {
    let mut entry = Map::new();
    match spec {
        FilterSpec::Name(name) => {
            entry.insert("name".into(), Value::String(name.clone()));
        }
        FilterSpec::Custom { factory, kwargs } => {
            entry.insert("()".into(), Value::String(factory.clone()));
            for (k, v) in kwargs.iter() {
                entry.insert(k.to_string(), v.clone());
            }
        }
    }
    Value::Object(entry)
}

#[cfg(test)]
#[path = "dump_tests.rs"]
mod tests;
