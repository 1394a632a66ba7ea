//! dictConfig: a JSON value to a [`Config`], with CPython's rules for
//! `version`, `incremental`, `cfg://` and `ext://`.
//!
//! Entries are read in place; a copy is made only of an entry that holds a
//! `cfg://` or `ext://` string, and error paths are spelled out only when
//! there is an error.

use super::{Config, ConfigError, FilterSpec, FormatterSpec, HandlerSpec, LoggerSpec, PathStyle};
use crate::handler::sorted_order;
use crate::json::{Map, Value};
use crate::level::Level;
use std::borrow::Cow;

/// How many `cfg://` references may chain before we call it a cycle.
const MAX_REFERENCE_DEPTH: usize = 16;

pub(crate) fn read(value: &Value) -> Result<Config, ConfigError> {
    // The reader recurses into entries; a value built by hand (not parsed,
    // where the parser's limit applies) could nest deep enough to overflow.
    if nests_deeper_than(value, crate::json::DEFAULT_MAX_DEPTH) {
        let message = format!(
            "nested deeper than {} levels",
            crate::json::DEFAULT_MAX_DEPTH
        );
        return Err(ConfigError::new("", message));
    }
    let top = value
        .as_object()
        .ok_or_else(|| ConfigError::new("", "a dictConfig must be a JSON object"))?;
    let reader = Reader { top };
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
        for (name, entry) in reader.section("formatters")? {
            config
                .formatters
                .push((name.to_string(), reader.formatter(name, entry)?));
        }
        for (name, entry) in reader.section("filters")? {
            config
                .filters
                .push((name.to_string(), reader.filter(name, entry)?));
        }
    }
    let handlers = reader.section("handlers")?;
    // CPython builds handlers in sorted order (the order files appear in).
    let keys: Vec<&[u8]> = handlers.iter().map(|(name, _)| name.as_bytes()).collect();
    for i in sorted_order(&keys) {
        let (name, entry) = handlers[i];
        config
            .handlers
            .push((name.to_string(), reader.handler(name, entry, incremental)?));
    }
    for (name, entry) in reader.section("loggers")? {
        config.loggers.push((
            name.to_string(),
            reader.logger(&format!("loggers.{name}"), entry)?,
        ));
    }
    if let Some(root) = top.get("root") {
        // CPython: `if root:` skips an empty dict (or null).
        if truthy(reader.resolve(root, "root", 0)?.as_ref()) {
            config.root = Some(reader.logger("root", root)?);
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

/// Python truthiness of a JSON value.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
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

/// An error at `path.key`.
#[cold]
#[inline(never)]
fn at(path: &str, key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::new(format!("{path}.{key}"), message)
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

/// Whether any string in `value` is a `cfg://` or `ext://` reference.
/// Recursive without allocating: `read` checked the depth first.
fn has_reference(value: &Value) -> bool {
    match value {
        Value::String(s) => s.starts_with("cfg://") || s.starts_with("ext://"),
        Value::Array(items) => items.iter().any(has_reference),
        Value::Object(map) => map.iter().any(|(_, v)| has_reference(v)),
        _ => false,
    }
}

struct Reader<'a> {
    top: &'a Map,
}

impl<'a> Reader<'a> {
    /// A top-level section (`formatters`, `handlers` …) as its entries; a
    /// section may itself be a `cfg://` reference, as CPython allows.
    fn section(&self, key: &str) -> Result<Vec<(&'a str, &'a Value)>, ConfigError> {
        let value = match self.top.get(key) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::String(s)) if s.starts_with("cfg://") => self
                .lookup(s, &s["cfg://".len()..])
                .map_err(|m| ConfigError::new(key, m))?,
            Some(value) => value,
        };
        match value {
            Value::Object(map) => Ok(map.iter().collect()),
            _ => Err(ConfigError::new(key, "must be an object")),
        }
    }

    /// `value` with `cfg://` and `ext://` strings resolved anywhere in it,
    /// as CPython's converting containers do on access; borrowed when
    /// there is nothing to resolve.
    fn resolve(
        &self,
        value: &'a Value,
        path: &str,
        depth: usize,
    ) -> Result<Cow<'a, Value>, ConfigError> {
        if depth > MAX_REFERENCE_DEPTH {
            return Err(ConfigError::new(
                path,
                "cfg:// references nest too deeply (a cycle?)",
            ));
        }
        if !has_reference(value) {
            return Ok(Cow::Borrowed(value));
        }
        match value {
            Value::String(s) => match (s.strip_prefix("cfg://"), s.strip_prefix("ext://")) {
                (Some(rest), _) => {
                    let target = self.lookup(s, rest).map_err(|m| ConfigError::new(path, m))?;
                    self.resolve(target, path, depth + 1)
                }
                (_, Some("sys.stdout" | "sys.stderr")) => Ok(Cow::Borrowed(value)),
                _ => Err(ConfigError::new(
                    path,
                    format!("cannot resolve '{s}': only ext://sys.stdout and ext://sys.stderr are known (nothing is imported)"),
                )),
            },
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(self.resolve(item, &format!("{path}[{i}]"), depth)?.into_owned());
                }
                Ok(Cow::Owned(Value::Array(out.into())))
            }
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map.iter() {
                    out.insert(k.to_string(), self.resolve(v, &format!("{path}.{k}"), depth)?.into_owned());
                }
                Ok(Cow::Owned(Value::Object(out)))
            }
            _ => Ok(Cow::Borrowed(value)),
        }
    }

    /// CPython's `cfg_convert`: `word`, then `.word` or `[index]` steps.
    fn lookup(&self, whole: &str, rest: &str) -> Result<&'a Value, String> {
        let fail = || format!("Unable to convert '{whole}'");
        let rest = rest.trim_start();
        let word_end = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
        if word_end == 0 {
            return Err(fail());
        }
        let mut current = self.top.get(&rest[..word_end]).ok_or_else(fail)?;
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
    fn entry(&self, entry: &'a Value, path: &str) -> Result<Cow<'a, Map>, ConfigError> {
        match self.resolve(entry, path, 0)? {
            Cow::Borrowed(Value::Object(map)) => Ok(Cow::Borrowed(map)),
            Cow::Owned(Value::Object(map)) => Ok(Cow::Owned(map)),
            _ => Err(ConfigError::new(path, "must be an object")),
        }
    }

    fn formatter(&self, name: &str, entry: &'a Value) -> Result<FormatterSpec, ConfigError> {
        let path = format!("formatters.{name}");
        let map = self.entry(entry, &path)?;
        if let Some(factory) = map.get("()") {
            let (factory, kwargs) = custom(factory, &map, &path)?;
            return Ok(FormatterSpec::Custom { factory, kwargs });
        }
        let text = |key: &str| -> Result<Option<String>, ConfigError> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(at(&path, key, "must be a string")),
            }
        };
        if let Some(class) = text("class")?.filter(|c| c != "logging.Formatter") {
            let mut kwargs = Map::new();
            for key in ["format", "datefmt", "style", "validate", "defaults"] {
                if let Some(v) = map.get(key) {
                    kwargs.insert(key.to_string(), v.clone());
                }
            }
            return Ok(FormatterSpec::Custom {
                factory: class,
                kwargs,
            });
        }
        let mut defaults = Vec::new();
        match map.get("defaults") {
            None | Some(Value::Null) => {}
            Some(Value::Object(d)) => {
                for (k, v) in d.iter() {
                    defaults.push((k.to_string(), python_str(v)));
                }
            }
            Some(_) => return Err(at(&path, "defaults", "must be an object")),
        }
        Ok(FormatterSpec::Standard {
            format: text("format")?,
            datefmt: text("datefmt")?,
            style: text("style")?.unwrap_or_else(|| "%".to_string()),
            validate: map.get("validate").is_none_or(truthy),
            defaults,
        })
    }

    fn filter(&self, name: &str, entry: &'a Value) -> Result<FilterSpec, ConfigError> {
        let path = format!("filters.{name}");
        let map = self.entry(entry, &path)?;
        if let Some(factory) = map.get("()") {
            let (factory, kwargs) = custom(factory, &map, &path)?;
            return Ok(FilterSpec::Custom { factory, kwargs });
        }
        match map.get("name") {
            None => Ok(FilterSpec::Name(String::new())),
            Some(Value::String(s)) => Ok(FilterSpec::Name(s.clone())),
            Some(_) => Err(at(&path, "name", "must be a string")),
        }
    }

    fn handler(
        &self,
        name: &str,
        entry: &'a Value,
        incremental: bool,
    ) -> Result<HandlerSpec, ConfigError> {
        let path = format!("handlers.{name}");
        let map = self.entry(entry, &path)?;
        let level = optional_level(map.get("level"), &path, "level")?;
        if incremental {
            // Only the level of an existing handler changes.
            return Ok(HandlerSpec {
                level,
                ..HandlerSpec::default()
            });
        }
        let formatter = match map.get("formatter") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(at(&path, "formatter", "must be a string")),
        };
        let filters = names(map.get("filters"), &path, "filters")?;
        let class = match (map.get("()"), map.get("class")) {
            (Some(Value::String(f)), _) => f.clone(),
            (Some(_), _) => {
                return Err(at(
                    &path,
                    "()",
                    "must be a string naming a registered factory",
                ))
            }
            (None, Some(Value::String(c))) => c.clone(),
            (None, Some(_)) => return Err(at(&path, "class", "must be a string")),
            (None, None) => {
                return Err(at(
                    &path,
                    "class",
                    "missing: a handler needs a class or a '()' factory",
                ))
            }
        };
        let mut kwargs = Map::new();
        for (key, value) in map.iter() {
            if matches!(
                key,
                "class" | "()" | "." | "level" | "formatter" | "filters"
            ) {
                continue;
            }
            if !valid_ident(key) {
                return Err(at(
                    &path,
                    key,
                    format!("Not a valid Python identifier: '{key}'"),
                ));
            }
            kwargs.insert(key.to_string(), value.clone());
        }
        let props = match map.get(".") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(props)) => props.clone(),
            Some(_) => return Err(at(&path, ".", "must be an object")),
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

    /// A logger's entry; `path` is `loggers.NAME` or `root`.
    fn logger(&self, path: &str, entry: &'a Value) -> Result<LoggerSpec, ConfigError> {
        let map = self.entry(entry, path)?;
        Ok(LoggerSpec {
            level: optional_level(map.get("level"), path, "level")?,
            propagate: map.get("propagate").filter(|v| !v.is_null()).map(truthy),
            handlers: names(map.get("handlers"), path, "handlers")?,
            filters: names(map.get("filters"), path, "filters")?,
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
fn custom(factory: &Value, map: &Map, path: &str) -> Result<(String, Map), ConfigError> {
    let Value::String(factory) = factory else {
        return Err(at(
            path,
            "()",
            "must be a string naming a registered factory",
        ));
    };
    let mut kwargs = Map::new();
    for (k, v) in map.iter() {
        if !matches!(k, "()" | ".") {
            kwargs.insert(k.to_string(), v.clone());
        }
    }
    Ok((factory.clone(), kwargs))
}

/// A level as `logging._checkLevel` takes it: an integer or a level name.
pub(crate) fn level_value(value: &Value, path: &str) -> Result<Level, ConfigError> {
    match value {
        Value::Number(n) => match n.as_i64().and_then(|i| i32::try_from(i).ok()) {
            Some(i) => Ok(Level(i)),
            None => Err(ConfigError::new(
                path,
                format!("Level not an integer or a valid string: {n}"),
            )),
        },
        Value::String(s) => Level::from_name(s)
            .ok_or_else(|| ConfigError::new(path, format!("Unknown level: '{s}'"))),
        other => Err(ConfigError::new(
            path,
            format!(
                "Level not an integer or a valid string: {}",
                python_str(other)
            ),
        )),
    }
}

fn optional_level(
    value: Option<&Value>,
    path: &str,
    key: &str,
) -> Result<Option<Level>, ConfigError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        // Named levels, the common case, need no path.
        Some(Value::String(s)) if Level::from_name(s).is_some() => Ok(Level::from_name(s)),
        Some(v) => level_value(v, &format!("{path}.{key}")).map(Some),
    }
}

/// A list of names (handlers, filters).
fn names(value: Option<&Value>, path: &str, key: &str) -> Result<Vec<String>, ConfigError> {
    let mut names = Vec::new();
    match value {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items.iter() {
                match item {
                    Value::String(name) => names.push(name.clone()),
                    _ => return Err(at(path, key, "must be a list of names")),
                }
            }
        }
        Some(_) => return Err(at(path, key, "must be a list of names")),
    }
    Ok(names)
}
