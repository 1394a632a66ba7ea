//! The live view: what an operator reads before changing anything.

use super::snapshot::effective_level;
use super::Registry;
use crate::config::dump::{dump, level as level_value};
use crate::json::{Map, Value};
use crate::level::Level;
use std::time::{Duration, Instant};

/// A registry's running state at one generation: the configuration as a
/// dictConfig object that, applied again, reproduces it (see
/// [`Registry::current_config`]), and every logger with its configured
/// and effective level and its override. Made by [`Registry::live_view`].
///
/// ```
/// use loglisten::{Level, Registry};
/// let registry = Registry::new();
/// registry.dict_config_str(r#"{"version": 1, "loggers": {"app": {"level": "INFO"}}}"#).unwrap();
/// registry.set_level_override("app", Level::DEBUG, None).unwrap();
/// let view = registry.live_view();
/// assert_eq!(view.generation, 2);
/// let app = view.logger("app").unwrap();
/// assert_eq!((app.level, app.effective_level), (Level::INFO, Level::DEBUG));
/// assert_eq!(app.level_override.unwrap().level, Level::DEBUG);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LiveView {
    /// The generation this view is of.
    pub generation: u64,
    /// The running configuration, a dictConfig object.
    pub config: Value,
    /// Every logger, the root first, then in the order they were created.
    pub loggers: Vec<LoggerView>,
}

/// One logger in a [`LiveView`].
///
/// ```
/// let view = loglisten::Registry::new().live_view();
/// assert_eq!(view.loggers[0].name, "root");
/// assert_eq!(view.loggers[0].level, loglisten::Level::WARNING);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggerView {
    /// The logger's name (`root` for the root).
    pub name: String,
    /// Its own level, as configured (NOTSET defers to the parent).
    pub level: Level,
    /// The level that applies, overrides included.
    pub effective_level: Level,
    /// Whether records go on to the parent's handlers.
    pub propagate: bool,
    /// Whether it is disabled (then it handles nothing).
    pub disabled: bool,
    /// Its own handlers' names (`(unnamed)` for a handler without one).
    pub handlers: Vec<String>,
    /// Its level override, if one is active.
    pub level_override: Option<OverrideView>,
}

/// An active level override in a [`LiveView`].
///
/// ```
/// use loglisten::{Level, Registry};
/// use std::time::Duration;
/// let registry = Registry::new();
/// registry.set_level_override("app", Level::DEBUG, Some(Duration::from_secs(60))).unwrap();
/// let o = registry.live_view().logger("app").unwrap().level_override.unwrap();
/// assert_eq!(o.ttl, Some(Duration::from_secs(60)));
/// assert!(o.remaining.unwrap() <= Duration::from_secs(60));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverrideView {
    /// The level in force.
    pub level: Level,
    /// The time it was set for; `None`: until reset.
    pub ttl: Option<Duration>,
    /// The time left when the view was made; `None`: until reset.
    pub remaining: Option<Duration>,
}

impl Registry {
    /// This registry's running state, read at one generation (what the
    /// listener's `get` command returns).
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// let view = registry.live_view();
    /// assert_eq!(view.generation, 0);
    /// assert_eq!(view.config, registry.current_config());
    /// ```
    pub fn live_view(&self) -> LiveView {
        let now = Instant::now();
        let (snapshot, handles, overrides) = {
            let state = self.core.state();
            let overrides: Vec<_> = state.overrides.iter().collect();
            let handles = state.tree.handles().to_vec();
            (std::sync::Arc::clone(&state.snapshot), handles, overrides)
        };
        let mut loggers = Vec::with_capacity(handles.len());
        // Both in id order: one walk pairs them.
        let mut overrides = overrides.into_iter().peekable();
        for handle in &handles {
            let id = handle.id;
            let settings = snapshot.settings(id);
            let effective = match snapshot.nodes.get(id) {
                Some(_) => effective_level(&snapshot.nodes, id),
                None => snapshot.effective_level(handle),
            };
            let level_override = overrides
                .next_if(|(o, _)| *o == id)
                .map(|(_, o)| OverrideView {
                    level: o.level,
                    ttl: o.ttl,
                    remaining: o.expires.map(|at| at.saturating_duration_since(now)),
                });
            let handlers = settings.handlers.iter();
            loggers.push(LoggerView {
                name: handle.name.to_string(),
                level: settings.level,
                effective_level: effective,
                propagate: settings.propagate,
                disabled: settings.disabled,
                handlers: handlers
                    .map(|h| h.name().unwrap_or("(unnamed)").to_string())
                    .collect(),
                level_override,
            });
        }
        LiveView {
            generation: snapshot.generation,
            config: dump(&snapshot),
            loggers,
        }
    }
}

impl LiveView {
    /// The logger named `name` (`root` or `""` for the root).
    ///
    /// ```
    /// let view = loglisten::Registry::new().live_view();
    /// assert!(view.logger("").is_some());
    /// assert!(view.logger("nobody").is_none());
    /// ```
    pub fn logger(&self, name: &str) -> Option<&LoggerView> {
        let name = if name.is_empty() { "root" } else { name };
        self.loggers.iter().find(|l| l.name == name)
    }

    /// The view as one JSON object:
    ///
    /// ```text
    /// {"generation": 3,
    ///  "config": {"version": 1, ...},              the dictConfig object
    ///  "loggers": {"root": {"level": "WARNING", "effective_level": "WARNING",
    ///                       "propagate": true, "disabled": false,
    ///                       "handlers": ["console"], "override": null},
    ///              "app.db": {..., "override": {"level": "DEBUG",
    ///                                           "ttl_s": 600, "remaining_s": 599.874}}},
    ///  "overrides": {"app.db": {"level": "DEBUG", "ttl_s": 600, "remaining_s": 599.874}}}
    /// ```
    ///
    /// Loggers appear root first, then in creation order; levels by name
    /// (a number when unnamed); `ttl_s` and `remaining_s` are seconds
    /// (milliseconds precision), `null` for an override until reset.
    ///
    /// ```
    /// use loglisten::{Level, Registry};
    /// let registry = Registry::new();
    /// registry.set_level_override("app", Level::DEBUG, None).unwrap();
    /// let json = registry.live_view().to_json();
    /// assert_eq!(json.get("overrides").unwrap().to_string(),
    ///     r#"{"app": {"level": "DEBUG", "ttl_s": null, "remaining_s": null}}"#);
    /// assert_eq!(json.get("loggers").and_then(|l| l.get("app")).unwrap().to_string(),
    ///     r#"{"level": "NOTSET", "effective_level": "DEBUG", "propagate": true, "disabled": false, "handlers": [], "override": {"level": "DEBUG", "ttl_s": null, "remaining_s": null}}"#);
    /// ```
    pub fn to_json(&self) -> Value {
        let mut loggers = Map::new();
        let mut overrides = Map::new();
        for logger in &self.loggers {
            let o = logger.level_override.as_ref().map(override_json);
            if let Some(o) = &o {
                overrides.insert(logger.name.clone(), o.clone());
            }
            let mut entry = Map::new();
            entry.insert("level".into(), level_value(logger.level));
            entry.insert(
                "effective_level".into(),
                level_value(logger.effective_level),
            );
            entry.insert("propagate".into(), Value::Bool(logger.propagate));
            entry.insert("disabled".into(), Value::Bool(logger.disabled));
            let handlers = logger.handlers.iter().map(|h| Value::from(h.as_str()));
            entry.insert("handlers".into(), Value::Array(handlers.collect()));
            entry.insert("override".into(), o.unwrap_or(Value::Null));
            loggers.insert(logger.name.clone(), Value::Object(entry));
        }
        let mut top = Map::new();
        top.insert("generation".into(), Value::from(self.generation));
        top.insert("config".into(), self.config.clone());
        top.insert("loggers".into(), Value::Object(loggers));
        top.insert("overrides".into(), Value::Object(overrides));
        Value::Object(top)
    }
}

fn override_json(o: &OverrideView) -> Value {
    let mut entry = Map::new();
    entry.insert("level".into(), level_value(o.level));
    entry.insert("ttl_s".into(), o.ttl.map_or(Value::Null, seconds));
    entry.insert(
        "remaining_s".into(),
        o.remaining.map_or(Value::Null, seconds),
    );
    Value::Object(entry)
}

/// Seconds to the millisecond: whole seconds as an integer (the live
/// view's and the command replies' one way of writing a duration).
pub(crate) fn seconds(d: Duration) -> Value {
    let millis = d.as_millis();
    if millis % 1000 == 0 {
        return Value::from((millis / 1000) as u64);
    }
    let number = crate::json::Number::from_f64(millis as f64 / 1000.0);
    number.map_or(Value::Null, Value::from)
}
