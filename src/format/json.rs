//! A JSON-lines formatter with python-json-logger's configuration keys,
//! registered as `pythonjsonlogger.json.JsonFormatter` and its older name
//! `pythonjsonlogger.jsonlogger.JsonFormatter`.
//!
//! One object per record, keys in python-json-logger's order: `defaults`,
//! the fields the format names (`%(name)s`, `{name}`, `${name}`), the
//! `static_fields`, `exc_info` / `stack_info`, the record's extra fields,
//! then the `timestamp`; `rename_fields` renames any of them. Written as
//! Python's `json.dumps` writes (`", "` and `": "` separators, or with
//! `json_indent` one item a line, `json_ensure_ascii` escaping);
//! `exc_info_as_array` / `stack_info_as_array` write those texts as
//! lists of lines (`str.splitlines`). Where we differ: a float that is
//! not finite is written `null` (Python writes `NaN`, which is not JSON).
//!
//! Here: the record-to-JSON writer and `json.dumps` string escaping; the
//! keyword arguments are read in `json/kwargs.rs`.

mod kwargs;

use super::fields::{Attr, Value as AttrValue};
use super::{Format, FormatError, Formatter};
use crate::fields::FieldValue;
use crate::json::Value;
use crate::record::Record;
pub(crate) use kwargs::from_kwargs;
use std::borrow::Cow;

/// The class names the JSON formatter is registered under.
pub(crate) const CLASS_NAMES: [&str; 2] = [
    "pythonjsonlogger.json.JsonFormatter",
    "pythonjsonlogger.jsonlogger.JsonFormatter",
];

/// The settings of one JSON formatter.
#[derive(Debug)]
struct JsonFormat {
    required: Vec<String>,
    rename: Vec<(String, String)>,
    keep_missing: bool,
    statics: Vec<(String, Value)>,
    defaults: Vec<(String, Value)>,
    /// Names never taken as extra fields: reserved attributes and the
    /// required fields.
    skip: Vec<String>,
    timestamp: Option<String>,
    ensure_ascii: bool,
    /// `json_indent`: the text of one level (spaces for a number).
    indent: Option<String>,
    exc_info_as_array: bool,
    stack_info_as_array: bool,
    prefix: String,
    /// Formats `asctime`, when the format names it.
    asctime: Option<Formatter>,
}

/// One value to write.
enum Out<'r> {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(Cow<'r, str>),
    Json(&'r Value),
    EmptyArray,
    /// A text written as the list of its lines.
    Lines(&'r str),
}

impl JsonFormat {
    fn renamed<'k>(&'k self, key: &'k str) -> &'k str {
        self.rename
            .iter()
            .find(|(from, _)| from == key)
            .map_or(key, |(_, to)| to.as_str())
    }

    /// A required field's value as `record.__dict__.get(field)`.
    fn attribute<'r>(&self, record: &'r Record, name: &str, asctime: &'r str) -> Out<'r> {
        if let Some(attr) = Attr::from_name(name) {
            return match attr.value(record, asctime) {
                AttrValue::Str(s) => Out::Str(s),
                AttrValue::Int(n) => Out::Int(n),
                AttrValue::Float(x) => Out::Float(x),
                AttrValue::None => Out::Null,
                AttrValue::Tuple => Out::EmptyArray,
            };
        }
        record.field(name).map_or(Out::Null, field_out)
    }
}

fn field_out<'r>(value: &'r FieldValue<'_>) -> Out<'r> {
    match value {
        FieldValue::Str(s) => Out::Str(Cow::Borrowed(s)),
        FieldValue::Int(n) => Out::Int(*n),
        FieldValue::Float(x) => Out::Float(*x),
        FieldValue::Bool(b) => Out::Bool(*b),
    }
}

/// Keys in insertion order; setting a key again keeps its place, as a
/// Python dict does.
fn set<'r>(entries: &mut Vec<(Cow<'r, str>, Out<'r>)>, key: Cow<'r, str>, value: Out<'r>) {
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => entries.push((key, value)),
    }
}

impl Format for JsonFormat {
    fn format(&self, record: &Record, out: &mut String) -> Result<(), FormatError> {
        let mut asctime = String::new();
        if let Some(formatter) = &self.asctime {
            formatter.write_asctime(record, &mut asctime);
        }
        let error = record.error_text();
        let mut entries: Vec<(Cow<'_, str>, Out<'_>)> = Vec::with_capacity(8);
        for (key, value) in &self.defaults {
            set(
                &mut entries,
                Cow::Borrowed(self.renamed(key)),
                Out::Json(value),
            );
        }
        for name in &self.required {
            let value = self.attribute(record, name, &asctime);
            set(&mut entries, Cow::Borrowed(self.renamed(name)), value);
        }
        for (key, value) in &self.statics {
            set(
                &mut entries,
                Cow::Borrowed(self.renamed(key)),
                Out::Json(value),
            );
        }
        if let Some(text) = &error {
            let value = match self.exc_info_as_array {
                true => Out::Lines(text),
                false => Out::Str(Cow::Borrowed(text)),
            };
            set(&mut entries, Cow::Borrowed(self.renamed("exc_info")), value);
        }
        if let Some(stack) = record.stack_info() {
            let value = match self.stack_info_as_array {
                true => Out::Lines(stack),
                false => Out::Str(Cow::Borrowed(stack)),
            };
            set(
                &mut entries,
                Cow::Borrowed(self.renamed("stack_info")),
                value,
            );
        }
        for field in record.fields() {
            if !self.skip.iter().any(|s| s == field.name()) {
                set(
                    &mut entries,
                    Cow::Borrowed(self.renamed(field.name())),
                    field_out(field.value()),
                );
            }
        }
        let stamp;
        if let Some(key) = &self.timestamp {
            stamp = iso_timestamp(record);
            set(
                &mut entries,
                Cow::Borrowed(self.renamed(key)),
                Out::Str(Cow::Borrowed(&stamp)),
            );
        }
        if self.keep_missing {
            for (_, to) in &self.rename {
                if !entries.iter().any(|(k, _)| k == to) {
                    entries.push((Cow::Borrowed(to), Out::Null));
                }
            }
        }
        out.push_str(&self.prefix);
        if entries.is_empty() {
            out.push_str("{}");
            return Ok(());
        }
        out.push('{');
        for (i, (key, value)) in entries.iter().enumerate() {
            self.item(i, 1, out);
            push_json_str(key, self.ensure_ascii, out);
            out.push_str(": ");
            self.write(value, 1, out);
        }
        self.end(0, out);
        out.push('}');
        Ok(())
    }
}

impl JsonFormat {
    /// Before item `i` of a list or object at `depth`: `", "` between
    /// items, or with an indent a comma, a new line and the indent.
    fn item(&self, i: usize, depth: usize, out: &mut String) {
        match (&self.indent, i) {
            (None, 0) => {}
            (None, _) => out.push_str(", "),
            (Some(_), i) => {
                if i > 0 {
                    out.push(',');
                }
                self.end(depth, out);
            }
        }
    }

    /// With an indent: a new line and `depth` indents (before an item or
    /// a closing bracket).
    fn end(&self, depth: usize, out: &mut String) {
        if let Some(indent) = &self.indent {
            out.push('\n');
            for _ in 0..depth {
                out.push_str(indent);
            }
        }
    }

    /// A list of `items` at `depth`, as `json.dumps` writes one.
    fn list<T>(
        &self,
        items: impl ExactSizeIterator<Item = T>,
        depth: usize,
        out: &mut String,
        mut each: impl FnMut(T, &mut String),
    ) {
        if items.len() == 0 {
            out.push_str("[]");
            return;
        }
        out.push('[');
        for (i, item) in items.enumerate() {
            self.item(i, depth + 1, out);
            each(item, out);
        }
        self.end(depth, out);
        out.push(']');
    }

    fn write(&self, value: &Out, depth: usize, out: &mut String) {
        match value {
            Out::Null => out.push_str("null"),
            Out::Bool(true) => out.push_str("true"),
            Out::Bool(false) => out.push_str("false"),
            Out::Int(n) => super::push_int(*n, out),
            Out::Float(x) if x.is_finite() => super::push_float_repr(*x, out),
            Out::Float(_) => out.push_str("null"),
            Out::Str(s) => push_json_str(s, self.ensure_ascii, out),
            Out::Json(v) => self.write_value(v, depth, out),
            Out::EmptyArray => out.push_str("[]"),
            Out::Lines(text) => {
                let lines = split_lines(text);
                self.list(lines.iter(), depth, out, |line, out| {
                    push_json_str(line, self.ensure_ascii, out)
                });
            }
        }
    }

    fn write_value(&self, value: &Value, depth: usize, out: &mut String) {
        match value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => self.write(&Out::Bool(*b), depth, out),
            Value::Number(n) => out.push_str(&n.to_string()),
            Value::String(s) => push_json_str(s, self.ensure_ascii, out),
            Value::Array(items) => self.list(items.iter(), depth, out, |item, out| {
                self.write_value(item, depth + 1, out)
            }),
            Value::Object(map) if map.is_empty() => out.push_str("{}"),
            Value::Object(map) => {
                out.push('{');
                for (i, (key, item)) in map.iter().enumerate() {
                    self.item(i, depth + 1, out);
                    push_json_str(key, self.ensure_ascii, out);
                    out.push_str(": ");
                    self.write_value(item, depth + 1, out);
                }
                self.end(depth, out);
                out.push('}');
            }
        }
    }
}

/// Python's `str.splitlines()`: lines split at `\n`, `\r`, `\r\n`, `\v`,
/// `\f`, `\x1c`–`\x1e`, `\x85`, U+2028 and U+2029, with no empty last line.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let ends = matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if !ends {
            continue;
        }
        lines.push(&text[start..at]);
        start = at + c.len_utf8();
        if c == '\r' && chars.peek().map(|&(_, n)| n) == Some('\n') {
            chars.next();
            start += 1;
        }
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// A JSON string as Python's `json.dumps` writes it: with `ensure_ascii`,
/// everything outside printable ASCII as `\uXXXX` (surrogate pairs above
/// the BMP); without, only controls, `"` and `\`.
pub(crate) fn push_json_str(text: &str, ensure_ascii: bool, out: &mut String) {
    out.push('"');
    let bytes = text.as_bytes();
    // Runs that need no escape are copied whole; only bytes that may need
    // one are looked at closely.
    let (mut start, mut at) = (0, 0);
    while at < bytes.len() {
        let b = bytes[at];
        let plain = match b {
            b'"' | b'\\' => false,
            0x20..=0x7e => true,
            0x7f.. => !ensure_ascii,
            _ => false,
        };
        if plain {
            at += 1;
            continue;
        }
        out.push_str(&text[start..at]);
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            _ => "",
        };
        if escape.is_empty() {
            // A control character, DEL, or (ensure_ascii) the lead byte of
            // a non-ASCII character: at a char boundary either way.
            let c = text[at..].chars().next().unwrap_or('\u{fffd}');
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    let digit = (*unit >> shift) & 0xf;
                    out.push(char::from(b"0123456789abcdef"[usize::from(digit)]));
                }
            }
            at += c.len_utf8();
        } else {
            out.push_str(escape);
            at += 1;
        }
        start = at;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// `datetime.fromtimestamp(created, tz=timezone.utc).isoformat()`.
fn iso_timestamp(record: &Record) -> String {
    let since = record.created_since_epoch();
    let mut secs = i64::try_from(since.as_secs()).unwrap_or(i64::MAX);
    let mut micros = (since.subsec_nanos() + 500) / 1000;
    if micros == 1_000_000 {
        secs = secs.saturating_add(1);
        micros = 0;
    }
    let tm = crate::time::gmtime(secs);
    let mut text = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        tm.year, tm.month, tm.day, tm.hour, tm.minute, tm.second
    );
    if micros != 0 {
        text.push_str(&format!(".{micros:06}"));
    }
    text.push_str("+00:00");
    text
}

#[cfg(test)]
mod tests;
