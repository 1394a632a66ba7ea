//! The JSON formatter's configuration: python-json-logger's keyword
//! arguments (`fmt`, `rename_fields`, `static_fields`, `timestamp`, …)
//! read from a config entry, and the field names its `parse` finds in a
//! format.

use super::JsonFormat;
use crate::format::{Formatter, Style};
use crate::json::{truthy, Map, Value};

/// python-json-logger's `RESERVED_ATTRS` (Python 3.12 adds `taskName`).
const RESERVED_ATTRS: [&str; 23] = [
    "args",
    "asctime",
    "created",
    "exc_info",
    "exc_text",
    "filename",
    "funcName",
    "levelname",
    "levelno",
    "lineno",
    "module",
    "msecs",
    "message",
    "msg",
    "name",
    "pathname",
    "process",
    "processName",
    "relativeCreated",
    "stack_info",
    "thread",
    "threadName",
    "taskName",
];

/// Builds the formatter from a config entry's keyword arguments, with
/// Python's `TypeError` text for an unknown one.
pub(crate) fn from_kwargs(kwargs: &Map) -> Result<Formatter, String> {
    let mut fmt = None;
    let mut style = Style::Percent;
    let mut datefmt = None;
    let mut format = JsonFormat {
        required: Vec::new(),
        rename: Vec::new(),
        keep_missing: false,
        statics: Vec::new(),
        defaults: Vec::new(),
        skip: Vec::new(),
        timestamp: None,
        ensure_ascii: true,
        indent: None,
        exc_info_as_array: false,
        stack_info_as_array: false,
        prefix: String::new(),
        asctime: None,
    };
    let mut reserved: Vec<String> = RESERVED_ATTRS.iter().map(|s| s.to_string()).collect();
    for (key, value) in kwargs.iter() {
        match key {
            "fmt" | "format" => fmt = value.as_str().map(str::to_string),
            "datefmt" => datefmt = value.as_str().map(str::to_string),
            "style" => style = Style::parse(value.as_str().unwrap_or("")).map_err(|e| e.0)?,
            "validate" => {}
            "rename_fields" => format.rename = string_pairs(key, value)?,
            "rename_fields_keep_missing" => format.keep_missing = truthy(value),
            "static_fields" => format.statics = object(key, value)?,
            "defaults" => format.defaults = object(key, value)?,
            "timestamp" => {
                format.timestamp = match value {
                    Value::String(name) => Some(name.clone()),
                    other if truthy(other) => Some("timestamp".to_string()),
                    _ => None,
                }
            }
            "json_ensure_ascii" => format.ensure_ascii = truthy(value),
            "json_indent" => format.indent = indent(value)?,
            "exc_info_as_array" => format.exc_info_as_array = truthy(value),
            "stack_info_as_array" => format.stack_info_as_array = truthy(value),
            "prefix" => format.prefix = value.as_str().unwrap_or("").to_string(),
            "reserved_attrs" => match value {
                Value::Array(items) => {
                    reserved = items
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                }
                _ => return Err("reserved_attrs must be a list of names".to_string()),
            },
            _ => {
                return Err(format!(
                    "__init__() got an unexpected keyword argument '{key}'"
                ))
            }
        }
    }
    if let Some(fmt) = &fmt {
        format.required = required_fields(fmt, style);
    }
    if format.required.iter().any(|f| f == "asctime") {
        let mut builder = Formatter::builder().fmt("%(asctime)s");
        if let Some(datefmt) = datefmt {
            builder = builder.datefmt(datefmt);
        }
        format.asctime = Some(builder.build().map_err(|e| e.0)?);
    }
    format.skip = reserved;
    format.skip.extend(format.required.iter().cloned());
    Ok(Formatter::custom(format))
}

/// The longest `json_indent` taken: each record repeats it once per
/// nesting level, so a pushed configuration may not make every record
/// megabytes long.
const MAX_INDENT: usize = 64;

/// `json_indent` as `json.dumps` takes it: `null` for none, a number of
/// spaces (`true` is 1; below 0 is 0), or the text of one level.
fn indent(value: &Value) -> Result<Option<String>, String> {
    let text = match value {
        Value::Null => return Ok(None),
        Value::Bool(b) => " ".repeat(usize::from(*b)),
        Value::String(s) if s.chars().count() <= MAX_INDENT => s.clone(),
        Value::Number(n) => match n.as_i64() {
            Some(n) if n <= MAX_INDENT as i64 => " ".repeat(usize::try_from(n).unwrap_or(0)),
            Some(_) => return Err(format!("json_indent above {MAX_INDENT} is refused")),
            None => return Err("json_indent must be an integer, a string or null".to_string()),
        },
        Value::String(_) => {
            return Err(format!(
                "json_indent longer than {MAX_INDENT} characters is refused"
            ))
        }
        _ => return Err("json_indent must be an integer, a string or null".to_string()),
    };
    Ok(Some(text))
}

fn object(key: &str, value: &Value) -> Result<Vec<(String, Value)>, String> {
    match value {
        Value::Object(map) => Ok(map
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()),
        Value::Null => Ok(Vec::new()),
        _ => Err(format!("{key} must be an object")),
    }
}

fn string_pairs(key: &str, value: &Value) -> Result<Vec<(String, String)>, String> {
    object(key, value)?
        .into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            _ => Err(format!("{key} values must be strings")),
        })
        .collect()
}

/// python-json-logger's `parse`: the names its style's regex finds.
pub(super) fn required_fields(fmt: &str, style: Style) -> Vec<String> {
    let mut names = Vec::new();
    match style {
        // `%\((.+?)\)`
        Style::Percent => delimited(fmt, "%(", ')', &mut names),
        // `\{(.+?)\}`
        Style::Brace => delimited(fmt, "{", '}', &mut names),
        // `\$(?:\$|\{(.+?)\}|([_a-z][_a-z0-9]*))`, case-insensitive
        Style::Dollar => {
            let mut rest = fmt;
            while let Some(at) = rest.find('$') {
                let after = &rest[at + 1..];
                if let Some(stripped) = after.strip_prefix('$') {
                    rest = stripped;
                } else if let Some(braced) = after.strip_prefix('{') {
                    match braced.get(1..).and_then(|b| b.find('}')) {
                        Some(end) => {
                            names.push(braced[..end + 1].to_string());
                            rest = &braced[end + 2..];
                        }
                        None => rest = after,
                    }
                } else {
                    let len = after
                        .char_indices()
                        .take_while(|&(i, c)| {
                            c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())
                        })
                        .count();
                    if len > 0 {
                        names.push(after[..len].to_string());
                    }
                    rest = &after[len..];
                }
            }
        }
    }
    names
}

/// Pushes what the regex `open(.+?)close` finds in `fmt`: one or more
/// characters up to the first `close` after them.
fn delimited(fmt: &str, open: &str, close: char, names: &mut Vec<String>) {
    let mut rest = fmt;
    while let Some(at) = rest.find(open) {
        let after = &rest[at + open.len()..];
        let Some(end) = after.get(1..).and_then(|a| a.find(close)) else {
            break;
        };
        names.push(after[..end + 1].to_string());
        rest = &after[end + 1 + close.len_utf8()..];
    }
}
