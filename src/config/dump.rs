//! The running configuration written back out as a dictConfig value.

use super::model::{FilterSpec, FormatterSpec};
use crate::filter::Filter;
use crate::handler::SharedHandler;
use crate::json::{Map, Value};
use crate::level::Level;
use crate::registry::{LoggerSettings, Registry, Snapshot, ROOT};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The running configuration as a dictConfig value: applied again with
/// [`dict_config`](crate::dict_config), it reproduces the loggers, the
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
/// assert_eq!(logger.to_string(), r#"{"level": "DEBUG", "propagate": false, "handlers": [], "filters": []}"#);
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
    /// assert_eq!(root, r#"{"level": "INFO", "handlers": [], "filters": []}"#);
    /// ```
    pub fn current_config(&self) -> Value {
        dump(&self.core.current())
    }
}

/// One read of the snapshot: the tree and its definitions together.
pub(crate) fn dump(snapshot: &Snapshot) -> Value {
    let defined = &snapshot.defined;
    // Addresses as identities: everything is held by the snapshot.
    let filter_names: HashMap<*const (), &String> = defined
        .filters
        .iter()
        .map(|(n, _, f)| (Arc::as_ptr(f) as *const (), n))
        .collect();
    let filter_name = |filter: &Arc<dyn Filter>| {
        filter_names
            .get(&(Arc::as_ptr(filter) as *const ()))
            .map(|n| n.to_string())
    };
    let specs: HashMap<usize, &super::model::HandlerSpec> = defined
        .handlers
        .iter()
        .map(|(h, spec)| (h.id(), spec))
        .collect();
    let mut handlers = Map::new();
    let mut used_formatters: HashSet<String> = HashSet::new();
    let mut used_filters: HashSet<String> = HashSet::new();
    // Only the last whole configuration's handlers: older ones still held
    // by loggers it did not name may use formatters and filters it no
    // longer defines.
    let spec = |h: &SharedHandler| specs.get(&h.id()).copied();
    let current = |h: &SharedHandler| spec(h).is_some();
    // The handlers loggers hold, in tree order, then those no logger
    // holds (a memory handler's target): applied again, each is needed.
    let mut seen = HashSet::new();
    let held = snapshot.handlers();
    let unheld = defined.handlers.iter().map(|(h, _)| h.clone());
    for handler in held.into_iter().chain(unheld) {
        if !seen.insert(handler.id()) {
            continue;
        }
        let (Some(name), Some(origin)) = (handler.name(), spec(&handler)) else {
            continue;
        };
        let mut entry = Map::new();
        entry.insert("class".into(), Value::String(origin.class.clone()));
        entry.insert("level".into(), level(handler.level()));
        if let Some(f) = &origin.formatter {
            entry.insert("formatter".into(), Value::String(f.clone()));
            used_formatters.insert(f.clone());
        }
        entry.insert("filters".into(), strings(&origin.filters));
        used_filters.extend(origin.filters.iter().cloned());
        for (key, value) in origin.kwargs.iter() {
            entry.insert(key.to_string(), value.clone());
        }
        if !origin.props.is_empty() {
            entry.insert(".".into(), Value::Object(origin.props.clone()));
        }
        handlers.insert(name.to_string(), Value::Object(entry));
    }
    let mut logger_entry = |settings: &LoggerSettings, propagate: bool| {
        let mut entry = Map::new();
        entry.insert("level".into(), level(settings.level));
        if propagate {
            entry.insert("propagate".into(), Value::Bool(settings.propagate));
        }
        let names: Vec<String> = settings
            .handlers
            .iter()
            .filter(|h| current(h))
            .filter_map(|h| h.name().map(str::to_string))
            .collect();
        entry.insert("handlers".into(), strings(&names));
        let filters: Vec<String> = settings.filters.iter().filter_map(filter_name).collect();
        used_filters.extend(filters.iter().cloned());
        entry.insert("filters".into(), strings(&filters));
        Value::Object(entry)
    };
    let mut loggers = Map::new();
    for (name, settings) in snapshot.loggers() {
        if !settings.disabled {
            loggers.insert(name.to_string(), logger_entry(settings, true));
        }
    }
    let root = logger_entry(snapshot.settings(ROOT), false);
    let mut formatters = Map::new();
    for (name, spec, _) in defined
        .formatters
        .iter()
        .filter(|(n, _, _)| used_formatters.contains(n))
    {
        formatters.insert(name.clone(), formatter(spec));
    }
    let mut filters = Map::new();
    for (name, spec, _) in defined
        .filters
        .iter()
        .filter(|(n, _, _)| used_filters.contains(n))
    {
        filters.insert(name.clone(), filter(spec));
    }
    let mut top = Map::new();
    top.insert("version".into(), Value::from(1i64));
    top.insert("disable_existing_loggers".into(), Value::Bool(true));
    top.insert("formatters".into(), Value::Object(formatters));
    top.insert("filters".into(), Value::Object(filters));
    top.insert("handlers".into(), Value::Object(handlers));
    top.insert("loggers".into(), Value::Object(loggers));
    top.insert("root".into(), root);
    Value::Object(top)
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

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| Value::String(s.clone())).collect())
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
