//! fileConfig: INI text to a [`Config`], with CPython's section layout,
//! interpolation, raw formats and positional `args` (parsed as literals,
//! never evaluated).

use std::borrow::Cow;

use super::classes::{parameters, standard_class};
use super::error::ConfigError;
use super::model::{Config, FileConfigOptions, FormatterSpec, HandlerSpec, LoggerSpec, PathStyle};
use crate::error::Position;
use crate::ini::{self, Ini, Section};
use crate::json::{Map, Number, Value};
use crate::level::Level;
use crate::pyliteral::{self, PyValue};

pub(crate) fn read(text: &str, options: &FileConfigOptions) -> Result<Config, ConfigError> {
    let ini_options = ini::Options {
        defaults: options.defaults.clone(),
        ..ini::Options::default()
    };
    let ini = ini::parse(text, &ini_options).map_err(|e| ini_error("", e))?;
    let mut config = Config {
        incremental: false,
        disable_existing: options.disable_existing_loggers,
        style: PathStyle::File,
        ..Config::default()
    };
    let reader = Reader { ini: &ini };
    for name in reader.keys("formatters")? {
        let spec = reader.formatter(&name)?;
        config.formatters.push((name, spec));
    }
    for name in reader.keys("handlers")? {
        let spec = reader.handler(&name)?;
        config.handlers.push((name, spec));
    }
    let mut loggers = reader.keys("loggers")?;
    // CPython: `llist.remove("root")`; a missing root is an error.
    let at = loggers.iter().position(|n| n == "root");
    let at = at.ok_or_else(|| ConfigError::new("[loggers] keys", "must list root"))?;
    loggers.remove(at);
    config.root = Some(reader.logger("root")?.1);
    for key in loggers {
        let (qualname, spec) = reader.logger(&key)?;
        config.loggers.push((qualname, spec));
    }
    Ok(config)
}

/// An INI error, placed where the INI parser found it.
fn ini_error(path: &str, e: ini::Error) -> ConfigError {
    let position = e.position();
    ConfigError::from_cause(path, e).placed(position)
}

struct Reader<'a> {
    ini: &'a Ini,
}

impl Reader<'_> {
    fn section<'s>(&'s self, name: &'s str) -> Result<Section<'s>, ConfigError> {
        let section = self.ini.section(name);
        section.ok_or_else(|| ConfigError::new(format!("[{name}]"), "section is missing"))
    }

    /// `keys` of `[formatters]`, `[handlers]` or `[loggers]`, split on commas
    /// and stripped, as CPython does (an empty value is no keys).
    fn keys(&self, section: &str) -> Result<Vec<String>, ConfigError> {
        let section = self.section(section)?;
        let keys = required(section, "keys")?;
        Ok(split_list(&keys))
    }

    fn formatter(&self, name: &str) -> Result<FormatterSpec, ConfigError> {
        let section = format!("formatter_{name}");
        let sec = self.section(&section)?;
        let format = get_raw(sec, "format");
        let datefmt = get_raw(sec, "datefmt");
        let style = get_raw(sec, "style").unwrap_or_else(|| "%".to_string());
        let validate = match get(sec, "validate")? {
            None => true,
            Some(v) => boolean(&v).ok_or_else(|| {
                ConfigError::new(
                    format!("[{section}] validate"),
                    format!("Not a boolean: {v}"),
                )
            })?,
        };
        if let Some(class) =
            get(sec, "class")?.filter(|c| !c.is_empty() && c != "logging.Formatter")
        {
            let mut kwargs = Map::new();
            let pairs = [
                ("format", format),
                ("datefmt", datefmt),
                ("style", Some(style)),
            ];
            for (key, value) in pairs {
                kwargs.insert(key.to_string(), value.map_or(Value::Null, Value::String));
            }
            kwargs.insert("validate".to_string(), Value::Bool(validate));
            return Ok(FormatterSpec::Custom {
                factory: class.into_owned(),
                kwargs,
            });
        }
        Ok(FormatterSpec::Standard {
            format,
            datefmt,
            style,
            validate,
            defaults: Vec::new(),
        })
    }

    fn handler(&self, name: &str) -> Result<HandlerSpec, ConfigError> {
        let section = format!("handler_{name}");
        let sec = self.section(&section)?;
        let class_name = required(sec, "class")?;
        let class =
            standard_class(&class_name).map_or_else(|| class_name.to_string(), str::to_string);
        let path = |key: &str| format!("[{section}] {key}");
        // Absent, they are CPython's defaults `()` and `{}`.
        let args = match get(sec, "args")? {
            Some(text) => literal(sec, "args", &text)?,
            None => PyValue::Tuple(Vec::new()),
        };
        let args = match args {
            PyValue::Tuple(items) | PyValue::List(items) => items,
            other => {
                let message = format!("must be a tuple of arguments, not {}", other.type_name());
                return Err(ConfigError::new(path("args"), message));
            }
        };
        let kwargs = match get(sec, "kwargs")? {
            Some(text) => literal(sec, "kwargs", &text)?,
            None => PyValue::Dict(Vec::new()),
        };
        let PyValue::Dict(pairs) = kwargs else {
            return Err(ConfigError::new(
                path("kwargs"),
                "must be a dict of keyword arguments",
            ));
        };
        let mut kwargs = Map::new();
        let params = parameters(&class);
        if args.len() > params.len() && standard_class(&class).is_some() {
            let message = format!(
                "takes at most {} arguments ({} given)",
                params.len(),
                args.len()
            );
            return Err(ConfigError::new(path("args"), message));
        }
        for (i, arg) in args.into_iter().enumerate() {
            // A registered class receives positional args as "0", "1", ...
            let key = params
                .get(i)
                .map_or_else(|| i.to_string(), |p| p.to_string());
            kwargs.insert(key, to_json(arg));
        }
        for (key, value) in pairs {
            let PyValue::Str(key) = key else {
                return Err(ConfigError::new(path("kwargs"), "keywords must be strings"));
            };
            if kwargs.get(&key).is_some() {
                let message = format!("__init__() got multiple values for argument '{key}'");
                return Err(ConfigError::new(path("kwargs"), message));
            }
            kwargs.insert(key, to_json(value));
        }
        if class == "logging.handlers.MemoryHandler" {
            // fileConfig sets a memory handler's target from `target=`.
            if let Some(target) = get(sec, "target")?.filter(|t| !t.is_empty()) {
                kwargs.insert("target".to_string(), Value::String(target.into_owned()));
            }
        }
        let level = match get(sec, "level")? {
            None => None,
            Some(text) => Some(level(&text, &section)?),
        };
        let formatter = get(sec, "formatter")?.filter(|f| !f.is_empty());
        let formatter = formatter.map(Cow::into_owned);
        Ok(HandlerSpec {
            class,
            level,
            formatter,
            kwargs,
            ..HandlerSpec::default()
        })
    }

    /// `[logger_key]`: the qualname and settings (root has no qualname).
    fn logger(&self, key: &str) -> Result<(String, LoggerSpec), ConfigError> {
        let section = format!("logger_{key}");
        let sec = self.section(&section)?;
        let path = |option: &str| format!("[{section}] {option}");
        let level = match get(sec, "level")? {
            None => None,
            Some(text) => Some(level(&text, &section)?),
        };
        let handlers = split_list(&required(sec, "handlers")?);
        if key == "root" {
            return Ok((
                String::new(),
                LoggerSpec {
                    level,
                    propagate: None,
                    handlers,
                    filters: Vec::new(),
                },
            ));
        }
        let qualname = required(sec, "qualname")?;
        let propagate = match get(sec, "propagate")? {
            None => true,
            Some(text) => {
                let n = text.trim().parse::<i64>().map_err(|_| {
                    ConfigError::new(
                        path("propagate"),
                        format!("invalid literal for int() with base 10: '{text}'"),
                    )
                })?;
                n != 0
            }
        };
        Ok((
            qualname.into_owned(),
            LoggerSpec {
                level,
                propagate: Some(propagate),
                handlers,
                filters: Vec::new(),
            },
        ))
    }
}

/// An option read with interpolation; `None` when absent.
fn get<'s>(section: Section<'s>, option: &str) -> Result<Option<Cow<'s, str>>, ConfigError> {
    let value = section.value(option);
    value.map_err(|e| ini_error(&format!("[{}] {option}", section.name()), e))
}

/// An option read raw (formats keep their `%`), `None` when absent.
fn get_raw(section: Section<'_>, option: &str) -> Option<String> {
    section.raw_value(option).map(str::to_string)
}

fn required<'s>(section: Section<'s>, option: &str) -> Result<Cow<'s, str>, ConfigError> {
    get(section, option)?.ok_or_else(|| {
        let path = format!("[{}] {option}", section.name());
        ConfigError::new(path, "option is missing")
    })
}

/// CPython splits on commas and strips; `""` is no entries.
fn split_list(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    text.split(',').map(|s| s.trim().to_string()).collect()
}

/// `Logger.setLevel(text)`: a registered level name (no numbers in text).
fn level(text: &str, section: &str) -> Result<Level, ConfigError> {
    Level::from_name(text).ok_or_else(|| {
        ConfigError::new(
            format!("[{section}] level"),
            format!("Unknown level: '{text}'"),
        )
    })
}

/// configparser's booleans.
fn boolean(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" | "on" => Some(true),
        "0" | "no" | "false" | "off" => Some(false),
        _ => None,
    }
}

/// Parses `option`'s value `text` (expanded) as a literal; an error says
/// where it is in the file.
fn literal(section: Section<'_>, option: &str, text: &str) -> Result<PyValue, ConfigError> {
    pyliteral::parse(text).map_err(|e| {
        let at = in_file(section, option, &e);
        let e = match at {
            Some(at) => e.with_position(at),
            None => e,
        };
        let path = format!("[{}] {option}", section.name());
        ConfigError::from_cause(path, e).placed(at)
    })
}

/// Where `e`, found in `option`'s expanded value, is in the file: exactly
/// when the raw value has no `%` before it (so reads the same up to there),
/// else where the value starts. `None` for a value from the defaults.
fn in_file(section: Section<'_>, option: &str, e: &pyliteral::Error) -> Option<Position> {
    let offset = e.position().offset;
    let raw = section.raw_value(option).unwrap_or_default().as_bytes();
    let exact = raw
        .get(..offset)
        .is_some_and(|before| !before.contains(&b'%'));
    section.value_position(option, if exact { offset } else { 0 })
}

/// Literal values as the JSON values handler keywords are read from;
/// `sys.stdout` and `sys.stderr` become their `ext://` names.
fn to_json(value: PyValue) -> Value {
    match value {
        PyValue::None => Value::Null,
        PyValue::Bool(b) => Value::Bool(b),
        PyValue::Int(i) => Value::Number(Number::from(i)),
        PyValue::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        PyValue::Str(s) => Value::String(s),
        PyValue::Tuple(items) | PyValue::List(items) => {
            Value::Array(items.into_iter().map(to_json).collect())
        }
        PyValue::Dict(pairs) => Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        PyValue::Str(s) => s,
                        other => other.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        PyValue::Stdout => Value::String("ext://sys.stdout".to_string()),
        PyValue::Stderr => Value::String("ext://sys.stderr".to_string()),
    }
}
