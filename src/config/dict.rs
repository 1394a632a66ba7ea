//! dictConfig: a JSON value to a [`Config`], with CPython's rules for
//! `version`, `incremental`, `cfg://` and `ext://`.
//!
//! The value is taken apart, not copied: names, classes and keyword
//! arguments move into the [`Config`]. A `cfg://` string is replaced by a
//! copy of what it names, looked up in a copy of the value as written that
//! is made only when some `cfg://` string exists. Error paths are spelled
//! out only for an error.

use super::error::ConfigError;
use super::model::{Config, FilterSpec, FormatterSpec, HandlerSpec, LoggerSpec, PathStyle, Place};
use crate::json::{truthy, Map, Value};
use crate::level::Level;
use std::cell::Cell;

/// How many `cfg://` references may chain before we call it a cycle.
const MAX_REFERENCE_DEPTH: usize = 16;

/// Reads a value the JSON parser made: its depth limit holds, so the
/// reader's recursion is bounded.
pub(crate) fn read(value: Value) -> Result<Config, ConfigError> {
    read_parsed(value, true)
}

/// [`read`], told by the parser whether any string may be a reference
/// (see `json::parse_noting_references`): when none may, the walk that
/// looks for them is skipped.
pub(crate) fn read_parsed(value: Value, may_reference: bool) -> Result<Config, ConfigError> {
    let Value::Object(top) = value else {
        return Err(ConfigError::new("", "a dictConfig must be a JSON object"));
    };
    let (references, cfg) = references(&top, may_reference);
    read_top(top, references, cfg, None)
}

/// Which [`SECTIONS`] hold references, and whether any is a `cfg://`
/// (that needs the configuration as written to look up): one walk.
pub(super) fn references(top: &Map, may_reference: bool) -> ([bool; SECTIONS.len()], bool) {
    let mut references = [false; SECTIONS.len()];
    let mut cfg = false;
    for (i, key) in SECTIONS.iter().enumerate() {
        if let Some(section) = top.get(key).filter(|_| may_reference) {
            let mut found = Found::default();
            found.scan(section);
            references[i] = found.cfg || found.ext;
            cfg |= found.cfg;
        }
    }
    (references, cfg)
}

/// Reads the top-level object; `loggers`, when given, were read already
/// (and are not in `top`).
pub(super) fn read_top(
    mut top: Map,
    references: [bool; SECTIONS.len()],
    cfg: bool,
    loggers: Option<Vec<(String, LoggerSpec)>>,
) -> Result<Config, ConfigError> {
    let written = cfg.then(|| top.clone());
    let reader = Reader {
        written: written.as_ref(),
        sections_with_references: references,
        references: Cell::new(false),
    };
    match top.get("version") {
        None => {
            return Err(ConfigError::new(
                "version",
                "dictionary doesn't specify a version",
            ))
        }
        Some(v) if !is_one(v) => {
            return Err(ConfigError::new(
                "version",
                format!("Unsupported version: {}", python_str(v)),
            ))
        }
        Some(_) => {}
    }
    let incremental = top.get("incremental").is_some_and(truthy);
    let disable_existing = top.get("disable_existing_loggers").is_none_or(truthy);
    let mut config = Config {
        incremental,
        disable_existing,
        style: PathStyle::Dict,
        ..Config::default()
    };
    if !incremental {
        // An incremental configuration ignores formatters and filters.
        let formatters = reader.section(&mut top, "formatters")?;
        config.formatters.reserve_exact(formatters.len());
        for (name, entry) in formatters {
            let spec = reader.formatter(&name, entry)?;
            config.formatters.push((name, spec));
        }
        let filters = reader.section(&mut top, "filters")?;
        config.filters.reserve_exact(filters.len());
        for (name, entry) in filters {
            let spec = reader.filter(&name, entry)?;
            config.filters.push((name, spec));
        }
    }
    let handlers = reader.section(&mut top, "handlers")?;
    let mut handlers: Vec<(String, Value)> = handlers.collect();
    // CPython builds handlers in sorted order (the order files appear in).
    // (A stable sort: a name given twice keeps its order.)
    if !handlers.is_sorted_by(|(a, _), (b, _)| a <= b) {
        handlers = crate::sort::sort_by_name(handlers, |(name, _)| name.as_bytes());
    }
    config.handlers.reserve_exact(handlers.len());
    for (name, entry) in handlers {
        let spec = reader.handler(&name, entry, incremental)?;
        config.handlers.push((name, spec));
    }
    if let Some(loggers) = loggers {
        config.loggers = loggers;
    } else {
        let loggers = reader.section(&mut top, "loggers")?;
        config.loggers.reserve_exact(loggers.len());
        for (name, entry) in loggers {
            let place = Place {
                style: PathStyle::Dict,
                kind: "logger",
                name: &name,
            };
            let spec = reader.logger(place, entry)?;
            config.loggers.push((name, spec));
        }
    }
    if let Some(mut root) = top.take("root") {
        let place = Place {
            style: PathStyle::Dict,
            kind: "root",
            name: "",
        };
        reader.enter("root");
        reader.resolve_entry(&mut root, place)?;
        // CPython: `if root:` skips an empty dict (or null).
        if truthy(&root) {
            config.root = Some(reader.logger(place, root)?);
        }
    }
    Ok(config)
}

/// Python's `config['version'] != 1` is false for 1, 1.0 and True.
fn is_one(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.as_f64() == Some(1.0),
        Value::Bool(b) => *b,
        _ => false,
    }
}

/// A value as Python's `str()` would show it in an error message.
fn python_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

/// Reads a value built by hand, which could nest deep enough to overflow
/// the reader's recursion: that is refused first.
pub(crate) fn read_built(value: &Value) -> Result<Config, ConfigError> {
    if nests_deeper_than(value, crate::json::DEFAULT_MAX_DEPTH) {
        let message = format!(
            "nested deeper than {} levels",
            crate::json::DEFAULT_MAX_DEPTH
        );
        return Err(ConfigError::new("", message));
    }
    read(value.clone())
}

/// Whether containers in `value` nest deeper than `limit`, found without
/// recursion.
fn nests_deeper_than(value: &Value, limit: usize) -> bool {
    let mut stack = vec![(value, 0)];
    while let Some((value, depth)) = stack.pop() {
        match value {
            Value::Array(_) | Value::Object(_) if depth >= limit => return true,
            Value::Array(items) => {
                for child in items.iter() {
                    stack.push((child, depth + 1));
                }
            }
            Value::Object(map) => {
                for (_, child) in map.iter() {
                    stack.push((child, depth + 1));
                }
            }
            _ => {}
        }
    }
    false
}

/// The top-level keys whose values are read (and so resolved).
pub(super) const SECTIONS: [&str; 5] = ["formatters", "filters", "handlers", "loggers", "root"];

fn is_cfg(s: &str) -> bool {
    s.starts_with("cfg://")
}

/// The kinds of reference strings in a value.
#[derive(Default)]
struct Found {
    cfg: bool,
    ext: bool,
}

impl Found {
    /// Recursive without allocating: `read` checked the depth first.
    fn scan(&mut self, value: &Value) {
        match value {
            // Most strings are no reference: one look at bytes 3..6 tells.
            Value::String(s) if s.as_bytes().get(3..6) == Some(b"://") => {
                self.cfg |= is_cfg(s);
                self.ext |= s.starts_with("ext://");
            }
            Value::Array(items) => items.iter().for_each(|v| self.scan(v)),
            Value::Object(map) => map.entries().iter().for_each(|e| self.scan(&e.value)),
            _ => {}
        }
    }
}

/// Where in an entry a reference is, for its error message.
enum Trail<'a> {
    Entry(Place<'a>),
    Key(&'a Trail<'a>, &'a str),
    Index(&'a Trail<'a>, usize),
}

impl Trail<'_> {
    #[cold]
    fn path(&self) -> String {
        match self {
            Trail::Entry(place) => place.path(""),
            Trail::Key(trail, key) => format!("{}.{key}", trail.path()),
            Trail::Index(trail, i) => format!("{}[{i}]", trail.path()),
        }
    }
}

/// An optional string member of an entry.
fn string(value: Option<Value>, place: Place, key: &str) -> Result<Option<String>, ConfigError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(place.error(key, "must be a string")),
    }
}

struct Reader<'a> {
    /// The configuration as written, kept only when it has `cfg://`
    /// references to look up.
    written: Option<&'a Map>,
    /// Whether each of [`SECTIONS`] holds any `cfg://` or `ext://`.
    sections_with_references: [bool; SECTIONS.len()],
    /// The same, for the section being read.
    references: Cell<bool>,
}

impl Reader<'_> {
    /// A top-level section (`formatters`, `handlers` …) as its entries; a
    /// section may itself be a `cfg://` reference, as CPython allows.
    /// Starts reading the top-level section `key`.
    fn enter(&self, key: &str) {
        let i = SECTIONS.iter().position(|s| *s == key);
        let references = i.is_some_and(|i| self.sections_with_references[i]);
        self.references.set(references);
    }

    fn section(
        &self,
        top: &mut Map,
        key: &str,
    ) -> Result<impl ExactSizeIterator<Item = (String, Value)>, ConfigError> {
        self.enter(key);
        let value = match top.take(key) {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(Value::String(s)) if is_cfg(&s) => self
                .lookup(&s, &s["cfg://".len()..])
                .map_err(|m| ConfigError::new(key, m))?
                .clone(),
            Some(value) => value,
        };
        match value {
            Value::Object(map) => Ok(map.into_named()),
            _ => Err(ConfigError::new(key, "must be an object")),
        }
    }

    /// Resolves `cfg://` and checks `ext://` strings anywhere in an entry,
    /// as CPython's converting containers do on access.
    fn resolve_entry(&self, entry: &mut Value, place: Place) -> Result<(), ConfigError> {
        if self.references.get() {
            self.resolve(entry, &Trail::Entry(place), 0)?;
        }
        Ok(())
    }

    fn resolve(&self, value: &mut Value, trail: &Trail, depth: usize) -> Result<(), ConfigError> {
        if depth > MAX_REFERENCE_DEPTH {
            return Err(ConfigError::new(
                trail.path(),
                "cfg:// references nest too deeply (a cycle?)",
            ));
        }
        match value {
            Value::String(s) => match (s.strip_prefix("cfg://"), s.strip_prefix("ext://")) {
                (Some(rest), _) => {
                    let target = self.lookup(s, rest).map_err(|m| ConfigError::new(trail.path(), m))?;
                    let mut target = target.clone();
                    self.resolve(&mut target, trail, depth + 1)?;
                    *value = target;
                }
                (_, Some("sys.stdout" | "sys.stderr")) | (None, None) => {}
                _ => {
                    return Err(ConfigError::new(
                        trail.path(),
                        format!("cannot resolve '{s}': only ext://sys.stdout and ext://sys.stderr are known (nothing is imported)"),
                    ))
                }
            },
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.resolve(item, &Trail::Index(trail, i), depth)?;
                }
            }
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    self.resolve(item, &Trail::Key(trail, key), depth)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// CPython's `cfg_convert`: `word`, then `.word` or `[index]` steps.
    fn lookup(&self, whole: &str, rest: &str) -> Result<&Value, String> {
        let fail = || format!("Unable to convert '{whole}'");
        let top = self.written.ok_or_else(fail)?;
        let rest = rest.trim_start();
        let word_end = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
        if word_end == 0 {
            return Err(fail());
        }
        let mut current = top.get(&rest[..word_end]).ok_or_else(fail)?;
        let mut rest = rest[word_end..].trim_start();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('.') {
                let after = after.trim_start();
                let end = after.find(|c: char| !is_word(c)).unwrap_or(after.len());
                if end == 0 {
                    return Err(format!("Unable to convert '{whole}' at '{rest}'"));
                }
                current = current.get(&after[..end]).ok_or_else(fail)?;
                rest = after[end..].trim_start();
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after
                    .find([']', '['])
                    .filter(|&i| after[i..].starts_with(']'));
                let end = end.ok_or_else(|| format!("Unable to convert '{whole}' at '{rest}'"))?;
                let index = &after[..end];
                current = match (current, index.parse::<usize>()) {
                    (Value::Array(items), Ok(i)) if index.bytes().all(|b| b.is_ascii_digit()) => {
                        items.get(i).ok_or_else(fail)?
                    }
                    (value, _) => value.get(index).ok_or_else(fail)?,
                };
                rest = after[end + 1..].trim_start();
            } else {
                return Err(format!("Unable to convert '{whole}' at '{rest}'"));
            }
        }
        Ok(current)
    }

    /// An entry of a section, resolved, which must be an object.
    fn entry(&self, mut entry: Value, place: Place) -> Result<Map, ConfigError> {
        self.resolve_entry(&mut entry, place)?;
        match entry {
            Value::Object(map) => Ok(map),
            _ => Err(place.error("", "must be an object")),
        }
    }

    fn formatter(&self, name: &str, entry: Value) -> Result<FormatterSpec, ConfigError> {
        let place = Place {
            style: PathStyle::Dict,
            kind: "formatter",
            name,
        };
        let mut map = self.entry(entry, place)?;
        if map.get("()").is_some() {
            let (factory, kwargs) = custom(map, place)?;
            return Ok(FormatterSpec::Custom { factory, kwargs });
        }
        let keys = [
            "class", "format", "datefmt", "style", "validate", "defaults",
        ];
        let [class, format, datefmt, style, validate, defaults] = map.extract(keys);
        if let Some(class) = string(class, place, "class")?.filter(|c| c != "logging.Formatter") {
            let mut kwargs = Map::new();
            let given = [format, datefmt, style, validate, defaults];
            for (key, value) in keys[1..].iter().zip(given) {
                if let Some(value) = value {
                    kwargs.insert(key.to_string(), value);
                }
            }
            return Ok(FormatterSpec::Custom {
                factory: class,
                kwargs,
            });
        }
        let defaults = match defaults {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(d)) => d
                .iter()
                .map(|(k, v)| (k.to_string(), python_str(v)))
                .collect(),
            Some(_) => return Err(place.error("defaults", "must be an object")),
        };
        Ok(FormatterSpec::Standard {
            format: string(format, place, "format")?,
            datefmt: string(datefmt, place, "datefmt")?,
            style: string(style, place, "style")?.unwrap_or_else(|| "%".to_string()),
            validate: validate.is_none_or(|v| truthy(&v)),
            defaults,
        })
    }

    fn filter(&self, name: &str, entry: Value) -> Result<FilterSpec, ConfigError> {
        let place = Place {
            style: PathStyle::Dict,
            kind: "filter",
            name,
        };
        let mut map = self.entry(entry, place)?;
        if map.get("()").is_some() {
            let (factory, kwargs) = custom(map, place)?;
            return Ok(FilterSpec::Custom { factory, kwargs });
        }
        match map.take("name") {
            None => Ok(FilterSpec::Name(String::new())),
            Some(Value::String(s)) => Ok(FilterSpec::Name(s)),
            Some(_) => Err(place.error("name", "must be a string")),
        }
    }

    fn handler(
        &self,
        name: &str,
        entry: Value,
        incremental: bool,
    ) -> Result<HandlerSpec, ConfigError> {
        let place = Place {
            style: PathStyle::Dict,
            kind: "handler",
            name,
        };
        let mut map = self.entry(entry, place)?;
        let [level, formatter, filters, factory, class, props] =
            map.extract(["level", "formatter", "filters", "()", "class", "."]);
        let level = optional_level(level.as_ref(), place, "level")?;
        if incremental {
            // Only the level of an existing handler changes.
            return Ok(HandlerSpec {
                level,
                ..HandlerSpec::default()
            });
        }
        let formatter = match formatter {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => (!s.is_empty()).then_some(s),
            Some(_) => return Err(place.error("formatter", "must be a string")),
        };
        let filters = names(filters, place, "filters")?;
        let class = match (factory, class) {
            (Some(Value::String(factory)), _) => factory,
            (Some(_), _) => {
                return Err(place.error("()", "must be a string naming a registered factory"))
            }
            (None, Some(Value::String(class))) => class,
            (None, Some(_)) => return Err(place.error("class", "must be a string")),
            (None, None) => {
                return Err(place.error(
                    "class",
                    "missing: a handler needs a class or a '()' factory",
                ))
            }
        };
        if let Some((key, _)) = map.iter().find(|(key, _)| !valid_ident(key)) {
            let message = format!("Not a valid Python identifier: '{key}'");
            return Err(place.error(key, message));
        }
        let kwargs = map;
        let props = match props {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(props)) => props,
            Some(_) => return Err(place.error(".", "must be an object")),
        };
        Ok(HandlerSpec {
            class,
            level,
            formatter,
            filters,
            kwargs,
            props,
        })
    }

    /// A logger's entry (or the root's).
    fn logger(&self, place: Place, entry: Value) -> Result<LoggerSpec, ConfigError> {
        let mut map = self.entry(entry, place)?;
        let [level, propagate, handlers, filters] =
            map.extract(["level", "propagate", "handlers", "filters"]);
        Ok(LoggerSpec {
            level: optional_level(level.as_ref(), place, "level")?,
            propagate: propagate.filter(|v| !v.is_null()).map(|v| truthy(&v)),
            handlers: names(handlers, place, "handlers")?,
            filters: names(filters, place, "filters")?,
        })
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// CPython's `valid_ident`: `^[a-z_][a-z0-9_]*$`, case-insensitive.
fn valid_ident(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A `()` factory and its keyword arguments (everything but `()` and `.`).
fn custom(mut map: Map, place: Place) -> Result<(String, Map), ConfigError> {
    let Some(Value::String(factory)) = map.take("()") else {
        return Err(place.error("()", "must be a string naming a registered factory"));
    };
    map.retain_keys(|k| !matches!(k, "()" | "."));
    Ok((factory, map))
}

/// A level as `logging._checkLevel` takes it: an integer or a level name;
/// the error is CPython's message.
pub(crate) fn level_value(value: &Value) -> Result<Level, String> {
    match value {
        Value::Number(n) => match n.as_i64().and_then(|i| i32::try_from(i).ok()) {
            Some(i) => Ok(Level(i)),
            None => Err(format!("Level not an integer or a valid string: {n}")),
        },
        Value::String(s) => Level::from_name(s).ok_or_else(|| format!("Unknown level: '{s}'")),
        other => Err(format!(
            "Level not an integer or a valid string: {}",
            python_str(other)
        )),
    }
}

fn optional_level(
    value: Option<&Value>,
    place: Place,
    key: &str,
) -> Result<Option<Level>, ConfigError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => level_value(v).map(Some).map_err(|m| place.error(key, m)),
    }
}

/// A list of names (handlers, filters), moved out.
fn names(value: Option<Value>, place: Place, key: &str) -> Result<Vec<String>, ConfigError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            let mut names = Vec::with_capacity(items.len());
            for item in items.into_vec() {
                match item {
                    Value::String(name) => names.push(name),
                    _ => return Err(place.error(key, "must be a list of names")),
                }
            }
            Ok(names)
        }
        Some(_) => Err(place.error(key, "must be a list of names")),
    }
}
