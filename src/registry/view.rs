//! The live view: what an operator reads before changing anything.

use super::snapshot::effective_level;
use super::{LoggerNode, LoggerSettings, Registry, Snapshot};
use crate::config::dump::{
    dump, dump_into, every_logger, level as level_value, push_quoted, LevelTexts,
};
use crate::handler::SharedHandler;
use crate::json::{Map, Value};
use crate::level::Level;
use std::fmt::Write as _;
use std::sync::Arc;
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
        let live = self.read_live();
        let loggers = live
            .entries()
            .map(|logger| LoggerView {
                name: logger.name.to_string(),
                level: logger.settings.level,
                effective_level: logger.effective_level,
                propagate: logger.settings.propagate,
                disabled: logger.settings.disabled,
                handlers: logger
                    .settings
                    .handlers
                    .iter()
                    .map(|h| handler_name(h).to_string())
                    .collect(),
                level_override: logger.level_override,
            })
            .collect();
        LiveView {
            generation: live.snapshot.generation,
            config: dump(&live.snapshot, &live.newer),
            loggers,
        }
    }

    /// The live view's generation and its JSON text, exactly what
    /// [`LiveView::to_json`] writes, written straight from the registry
    /// into one string sized beforehand: no view, no JSON value for the
    /// loggers (what the listener's `get` sends).
    pub(crate) fn live_view_json(&self) -> (u64, String) {
        let live = self.read_live();
        let generation = live.snapshot.generation;
        // About what a bare logger takes: its name twice, 200 bytes else.
        let (mut count, mut names) = (1, 0);
        for (_, name) in every_logger(&live.snapshot, &live.newer) {
            count += 1;
            names += name.len();
        }
        let mut out = String::with_capacity(2 * names + 200 * count + 1024);
        // Writing to a String cannot fail.
        let _ = write!(out, "{{\"generation\": {generation}, \"config\": ");
        let mut levels = LevelTexts::default();
        dump_into(&live.snapshot, &live.newer, &mut levels, &mut out);
        out.push_str(", \"loggers\": {");
        for (i, logger) in live.entries().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_logger(&mut out, &mut levels, &logger);
        }
        out.push_str("}, \"overrides\": {");
        for (i, (id, o)) in live.overrides.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            push_quoted(&mut out, live.name(*id));
            let _ = write!(out, ": {}", override_json(o));
        }
        out.push_str("}}");
        (generation, out)
    }

    /// The live snapshot and the loggers created since, read together.
    pub(crate) fn snapshot_and_newer_loggers(&self) -> (Arc<Snapshot>, Vec<Arc<LoggerNode>>) {
        let state = self.core.state();
        let newer = state.tree.handles().get(state.snapshot.nodes.len()..);
        (
            Arc::clone(&state.snapshot),
            newer.unwrap_or_default().to_vec(),
        )
    }

    /// The snapshot, every logger and the overrides, read at one moment.
    fn read_live(&self) -> Live {
        let now = Instant::now();
        let state = self.core.state();
        let overrides = state.overrides.iter().map(|(id, o)| {
            let view = OverrideView {
                level: o.level,
                ttl: o.ttl,
                remaining: o.expires.map(|at| at.saturating_duration_since(now)),
            };
            (id, view)
        });
        let newer = state.tree.handles().get(state.snapshot.nodes.len()..);
        Live {
            overrides: overrides.collect(),
            snapshot: Arc::clone(&state.snapshot),
            newer: newer.unwrap_or_default().to_vec(),
        }
    }
}

/// What [`Registry::read_live`] read at one moment.
struct Live {
    snapshot: Arc<Snapshot>,
    /// The loggers created since the snapshot, in creation order (by id).
    newer: Vec<Arc<LoggerNode>>,
    /// The active overrides by logger id, in id order.
    overrides: Vec<(usize, OverrideView)>,
}

impl Live {
    /// Every logger as the view shows it, root first, in id order.
    fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        let snapshot = &self.snapshot;
        // Both in id order: one walk pairs them.
        let mut overrides = self.overrides.iter().peekable();
        let known = snapshot.nodes.iter().enumerate();
        let newer = self.newer.iter();
        known
            .map(|(id, node)| (id, &*node.name, effective_level(&snapshot.nodes, id)))
            .chain(newer.map(|h| (h.id, &*h.name, snapshot.effective_level(h))))
            .map(move |(id, name, effective_level)| Entry {
                name,
                settings: snapshot.settings(id),
                effective_level,
                level_override: overrides.next_if(|(o, _)| *o == id).map(|(_, o)| *o),
            })
    }

    /// The name of logger `id`.
    fn name(&self, id: usize) -> &str {
        let known = self.snapshot.nodes.len();
        match self.snapshot.nodes.get(id) {
            Some(node) => &node.name,
            None => self.newer.get(id - known).map_or("", |h| &h.name),
        }
    }
}

/// One logger as [`Live::entries`] gives it.
struct Entry<'a> {
    name: &'a str,
    settings: &'a LoggerSettings,
    effective_level: Level,
    level_override: Option<OverrideView>,
}

/// Appends `logger`'s entry in the view's `loggers`, as
/// [`LiveView::to_json`] writes it.
fn write_logger(out: &mut String, levels: &mut LevelTexts, logger: &Entry<'_>) {
    let s = &logger.settings;
    push_quoted(out, logger.name);
    out.push_str(": {\"level\": ");
    levels.push(out, s.level);
    out.push_str(", \"effective_level\": ");
    levels.push(out, logger.effective_level);
    if !s.propagate {
        out.push_str(", \"propagate\": false");
    }
    if s.disabled {
        out.push_str(", \"disabled\": true");
    }
    for (i, h) in s.handlers.iter().enumerate() {
        out.push_str(if i == 0 { ", \"handlers\": [" } else { ", " });
        push_quoted(out, handler_name(h));
    }
    if !s.handlers.is_empty() {
        out.push(']');
    }
    if let Some(o) = &logger.level_override {
        let _ = write!(out, ", \"override\": {}", override_json(o));
    }
    out.push('}');
}

/// A handler's name in the view: `(unnamed)` for one without.
fn handler_name(h: &SharedHandler) -> &str {
    h.name().unwrap_or("(unnamed)")
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
    ///                       "handlers": ["console"]},
    ///              "app.quiet": {"level": "NOTSET", "effective_level": "WARNING",
    ///                            "propagate": false, "disabled": true},
    ///              "app.db": {"level": "NOTSET", "effective_level": "DEBUG",
    ///                         "override": {"level": "DEBUG", "ttl_s": 600, "remaining_s": 599.874}}},
    ///  "overrides": {"app.db": {"level": "DEBUG", "ttl_s": 600, "remaining_s": 599.874}}}
    /// ```
    ///
    /// Loggers appear root first, then in creation order, each with its
    /// `level` and `effective_level`; the rest only where it is not what
    /// a new logger has (a get of 10,000 loggers is half the bytes):
    /// `propagate` when false, `disabled` when true, `handlers` when it has
    /// some (`(unnamed)` for a handler without a name), `override` when one
    /// is active. Levels by name (a number when unnamed); `ttl_s` and
    /// `remaining_s` are seconds (milliseconds precision), `null` for an
    /// override until reset.
    ///
    /// ```
    /// use loglisten::{Level, Registry};
    /// let registry = Registry::new();
    /// registry.set_level_override("app", Level::DEBUG, None).unwrap();
    /// let json = registry.live_view().to_json();
    /// assert_eq!(json.get("overrides").unwrap().to_string(),
    ///     r#"{"app": {"level": "DEBUG", "ttl_s": null, "remaining_s": null}}"#);
    /// assert_eq!(json.get("loggers").and_then(|l| l.get("app")).unwrap().to_string(),
    ///     r#"{"level": "NOTSET", "effective_level": "DEBUG", "override": {"level": "DEBUG", "ttl_s": null, "remaining_s": null}}"#);
    /// assert_eq!(json.get("loggers").and_then(|l| l.get("root")).unwrap().to_string(),
    ///     r#"{"level": "WARNING", "effective_level": "WARNING"}"#);
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
            if !logger.propagate {
                entry.insert("propagate".into(), Value::Bool(false));
            }
            if logger.disabled {
                entry.insert("disabled".into(), Value::Bool(true));
            }
            if !logger.handlers.is_empty() {
                let handlers = logger.handlers.iter().map(|h| Value::from(h.as_str()));
                entry.insert("handlers".into(), Value::Array(handlers.collect()));
            }
            if let Some(o) = o {
                entry.insert("override".into(), o);
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handler::{Handler, SharedHandler};
    use crate::record::Record;

    #[derive(Debug)]
    struct Sink;
    impl Handler for Sink {
        fn emit(&mut self, _: &Record, _: &str) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// `remaining_s` set to null everywhere (it moves between two reads).
    fn still(mut value: Value) -> Value {
        match &mut value {
            Value::Object(map) => {
                let keys: Vec<String> = map.iter().map(|(k, _)| k.to_string()).collect();
                for key in keys {
                    let v = map.get(&key).cloned().unwrap_or_default();
                    let v = if key == "remaining_s" {
                        Value::Null
                    } else {
                        still(v)
                    };
                    map.insert(key, v);
                }
            }
            Value::Array(items) => {
                let all: Vec<Value> = items.iter().cloned().map(still).collect();
                *items = all.into_iter().collect();
            }
            _ => {}
        }
        value
    }

    #[test]
    fn the_written_text_is_the_views_json() {
        let r = Registry::new();
        r.dict_config_str(
            r#"{"version": 1, "disable_existing_loggers": false,
                "handlers": {"h": {"class": "logging.StreamHandler"}},
                "loggers": {"app": {"level": "INFO", "handlers": ["h"], "propagate": false},
                            "off": {"level": 25}}}"#,
        )
        .unwrap();
        r.get_logger("app.db");
        r.get_logger("odd \"name\" \u{e9}\u{1f600}\n");
        r.get_logger("bare").add_handler(SharedHandler::new(Sink));
        r.get_logger("gone").set_disabled(true);
        r.set_level_override("app.db", Level::DEBUG, None).unwrap();
        r.set_level_override("", Level(7), None).unwrap();
        let (generation, text) = r.live_view_json();
        let view = r.live_view();
        assert_eq!(generation, view.generation);
        assert_eq!(text, view.to_json().to_string());
        assert!(text.contains(
            r#""app": {"level": "INFO", "effective_level": "INFO", "propagate": false, "handlers": ["h"]}"#
        ));
        assert!(text.contains(
            r#""bare": {"level": "NOTSET", "effective_level": 7, "handlers": ["(unnamed)"]}"#
        ));
        assert!(
            text.contains(r#""gone": {"level": "NOTSET", "effective_level": 7, "disabled": true}"#)
        );
        // A timed override: the same but for the time left.
        r.set_level_override("bare", Level::ERROR, Some(Duration::from_millis(1500)))
            .unwrap();
        let (_, text) = r.live_view_json();
        let parsed = crate::json::parse(&text).unwrap();
        assert_eq!(still(parsed), still(r.live_view().to_json()));
        assert!(text.contains(r#""bare": {"level": "ERROR", "ttl_s": 1.5, "remaining_s": "#));
    }

    #[test]
    fn a_new_registry_is_written_whole() {
        let r = Registry::new();
        assert_eq!(
            r.live_view_json().1,
            r#"{"generation": 0, "config": {"version": 1, "disable_existing_loggers": true, "formatters": {}, "filters": {}, "handlers": {}, "loggers": {}, "root": {"level": "WARNING"}}, "loggers": {"root": {"level": "WARNING", "effective_level": "WARNING"}}, "overrides": {}}"#
        );
    }
}
