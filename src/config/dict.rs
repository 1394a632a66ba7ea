//! dictConfig: a JSON value to a [`Config`], with CPython's rules for
//! `version`, `incremental`, `cfg://` and `ext://`.

use super::{Config, ConfigError, FilterSpec, FormatterSpec, HandlerSpec, LoggerSpec, PathStyle};
use crate::json::{Map, Value};
use crate::level::Level;

/// How many `cfg://` references may chain before we call it a cycle.
const MAX_REFERENCE_DEPTH: usize = 16;

pub(crate) fn read(value: &Value) -> Result<Config, ConfigError> {
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
            let spec = reader.formatter(&name, &entry)?;
            config.formatters.push((name, spec));
        }
        for (name, entry) in reader.section("filters")? {
            let spec = reader.filter(&name, &entry)?;
            config.filters.push((name, spec));
        }
    }
    let mut handlers = reader.section("handlers")?;
    // CPython builds handlers in sorted order (the order files appear in).
    handlers.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, entry) in handlers {
        let spec = reader.handler(&name, &entry, incremental)?;
        config.handlers.push((name, spec));
    }
    for (name, entry) in reader.section("loggers")? {
        let spec = reader.logger("loggers", &name, &entry)?;
        config.loggers.push((name, spec));
    }
    if let Some(root) = top.get("root") {
        let root = reader.convert(root, "root")?;
        // CPython: `if root:` skips an empty dict.
        if root.as_object().is_some_and(|m| !m.is_empty()) {
            config.root = Some(reader.logger("root", "", &root)?);
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

struct Reader<'a> {
    top: &'a Map,
}

impl<'a> Reader<'a> {
    /// A top-level section (`formatters`, `handlers` …) as its entries; a
    /// section may itself be a `cfg://` reference, as CPython allows.
    fn section(&self, key: &str) -> Result<Vec<(String, Value)>, ConfigError> {
        let value = match self.top.get(key) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::String(s)) if s.starts_with("cfg://") => {
                let rest = &s["cfg://".len()..];
                self.lookup(s, rest).map_err(|m| ConfigError::new(key, m))?
            }
            Some(value) => value,
        };
        match value {
            Value::Object(map) => Ok(map
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect()),
            _ => Err(ConfigError::new(key, "must be an object")),
        }
    }

    /// Resolves `cfg://` and `ext://` strings anywhere in `value`, as
    /// CPython's converting containers do on access.
    fn convert(&self, value: &Value, path: &str) -> Result<Value, ConfigError> {
        self.convert_depth(value, path, 0)
    }

    fn convert_depth(&self, value: &Value, path: &str, depth: usize) -> Result<Value, ConfigError> {
        if depth > MAX_REFERENCE_DEPTH {
            return Err(ConfigError::new(
                path,
                "cfg:// references nest too deeply (a cycle?)",
            ));
        }
        match value {
            Value::String(s) => {
                if let Some(rest) = s.strip_prefix("cfg://") {
                    let target = self
                        .lookup(s, rest)
                        .map_err(|m| ConfigError::new(path, m))?;
                    return self.convert_depth(target, path, depth + 1);
                }
                if let Some(rest) = s.strip_prefix("ext://") {
                    return match rest {
                        "sys.stdout" | "sys.stderr" => Ok(value.clone()),
                        _ => Err(ConfigError::new(
                            path,
                            format!("cannot resolve '{s}': only ext://sys.stdout and ext://sys.stderr are known (nothing is imported)"),
                        )),
                    };
                }
                Ok(value.clone())
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(self.convert_depth(item, &format!("{path}[{i}]"), depth)?);
                }
                Ok(Value::Array(out.into()))
            }
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map.iter() {
                    out.insert(
                        k.to_string(),
                        self.convert_depth(v, &format!("{path}.{k}"), depth)?,
                    );
                }
                Ok(Value::Object(out))
            }
            other => Ok(other.clone()),
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

    fn entry(&self, entry: &Value, path: &str) -> Result<Map, ConfigError> {
        match self.convert(entry, path)? {
            Value::Object(map) => Ok(map),
            _ => Err(ConfigError::new(path, "must be an object")),
        }
    }

    fn formatter(&self, name: &str, entry: &Value) -> Result<FormatterSpec, ConfigError> {
        let path = format!("formatters.{name}");
        let map = self.entry(entry, &path)?;
        if let Some(factory) = map.get("()") {
            return custom(factory, &map, &path)
                .map(|(factory, kwargs)| FormatterSpec::Custom { factory, kwargs });
        }
        let text = |key: &str| -> Result<Option<String>, ConfigError> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(ConfigError::new(
                    format!("{path}.{key}"),
                    "must be a string",
                )),
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
        let defaults = match map.get("defaults") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(d)) => d
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        v.as_str().map_or_else(|| python_str(v), str::to_string),
                    )
                })
                .collect(),
            Some(_) => {
                return Err(ConfigError::new(
                    format!("{path}.defaults"),
                    "must be an object",
                ))
            }
        };
        Ok(FormatterSpec::Standard {
            format: text("format")?,
            datefmt: text("datefmt")?,
            style: text("style")?.unwrap_or_else(|| "%".to_string()),
            validate: map.get("validate").is_none_or(truthy),
            defaults,
        })
    }

    fn filter(&self, name: &str, entry: &Value) -> Result<FilterSpec, ConfigError> {
        let path = format!("filters.{name}");
        let map = self.entry(entry, &path)?;
        if let Some(factory) = map.get("()") {
            return custom(factory, &map, &path)
                .map(|(factory, kwargs)| FilterSpec::Custom { factory, kwargs });
        }
        match map.get("name") {
            None => Ok(FilterSpec::Name(String::new())),
            Some(Value::String(s)) => Ok(FilterSpec::Name(s.clone())),
            Some(_) => Err(ConfigError::new(format!("{path}.name"), "must be a string")),
        }
    }

    fn handler(
        &self,
        name: &str,
        entry: &Value,
        incremental: bool,
    ) -> Result<HandlerSpec, ConfigError> {
        let path = format!("handlers.{name}");
        let map = self.entry(entry, &path)?;
        let level = optional_level(map.get("level"), &format!("{path}.level"))?;
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
            Some(_) => {
                return Err(ConfigError::new(
                    format!("{path}.formatter"),
                    "must be a string",
                ))
            }
        };
        let filters = names(map.get("filters"), &format!("{path}.filters"))?;
        let class = match (map.get("()"), map.get("class")) {
            (Some(Value::String(f)), _) => f.clone(),
            (Some(_), _) => {
                return Err(ConfigError::new(
                    format!("{path}.()"),
                    "must be a string naming a registered factory",
                ))
            }
            (None, Some(Value::String(c))) => c.clone(),
            (None, Some(_)) => {
                return Err(ConfigError::new(
                    format!("{path}.class"),
                    "must be a string",
                ))
            }
            (None, None) => {
                return Err(ConfigError::new(
                    format!("{path}.class"),
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
                return Err(ConfigError::new(
                    format!("{path}.{key}"),
                    format!("Not a valid Python identifier: '{key}'"),
                ));
            }
            kwargs.insert(key.to_string(), value.clone());
        }
        let props = match map.get(".") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(props)) => props.clone(),
            Some(_) => return Err(ConfigError::new(format!("{path}.."), "must be an object")),
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

    fn logger(&self, section: &str, name: &str, entry: &Value) -> Result<LoggerSpec, ConfigError> {
        let path = if section == "root" {
            "root".to_string()
        } else {
            format!("loggers.{name}")
        };
        let map = self.entry(entry, &path)?;
        Ok(LoggerSpec {
            level: optional_level(map.get("level"), &format!("{path}.level"))?,
            propagate: map.get("propagate").filter(|v| !v.is_null()).map(truthy),
            handlers: names(map.get("handlers"), &format!("{path}.handlers"))?,
            filters: names(map.get("filters"), &format!("{path}.filters"))?,
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
        return Err(ConfigError::new(
            format!("{path}.()"),
            "must be a string naming a registered factory",
        ));
    };
    let kwargs = map
        .iter()
        .filter(|(k, _)| !matches!(*k, "()" | "."))
        .map(|(k, v)| (k.to_string(), v.clone()));
    Ok((factory.clone(), kwargs.collect()))
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

fn optional_level(value: Option<&Value>, path: &str) -> Result<Option<Level>, ConfigError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => level_value(v, path).map(Some),
    }
}

/// A list of names (handlers, filters).
fn names(value: Option<&Value>, path: &str) -> Result<Vec<String>, ConfigError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| ConfigError::new(path, "must be a list of names"))
            })
            .collect(),
        Some(_) => Err(ConfigError::new(path, "must be a list of names")),
    }
}
