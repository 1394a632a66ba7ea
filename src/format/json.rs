//! A JSON-lines formatter with python-json-logger's configuration keys,
//! registered as `pythonjsonlogger.json.JsonFormatter` and its older name
//! `pythonjsonlogger.jsonlogger.JsonFormatter`.
//!
//! One object per record, keys in python-json-logger's order: `defaults`,
//! the fields the format names (`%(name)s`, `{name}`, `${name}`), the
//! `static_fields`, `exc_info` / `stack_info`, the record's extra fields,
//! then the `timestamp`; `rename_fields` renames any of them. Written as
//! Python's `json.dumps` writes (`", "` and `": "` separators,
//! `json_ensure_ascii` escaping). Where we differ: a float that is not
//! finite is written `null` (Python writes `NaN`, which is not JSON).
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
            set(
                &mut entries,
                Cow::Borrowed(self.renamed("exc_info")),
                Out::Str(Cow::Borrowed(text)),
            );
        }
        if let Some(stack) = record.stack_info() {
            set(
                &mut entries,
                Cow::Borrowed(self.renamed("stack_info")),
                Out::Str(Cow::Borrowed(stack)),
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
        out.push('{');
        for (i, (key, value)) in entries.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            push_json_str(key, self.ensure_ascii, out);
            out.push_str(": ");
            self.write(value, out);
        }
        out.push('}');
        Ok(())
    }
}

impl JsonFormat {
    fn write(&self, value: &Out, out: &mut String) {
        match value {
            Out::Null => out.push_str("null"),
            Out::Bool(true) => out.push_str("true"),
            Out::Bool(false) => out.push_str("false"),
            Out::Int(n) => super::push_int(*n, out),
            Out::Float(x) if x.is_finite() => super::push_float_repr(*x, out),
            Out::Float(_) => out.push_str("null"),
            Out::Str(s) => push_json_str(s, self.ensure_ascii, out),
            Out::Json(v) => self.write_value(v, out),
            Out::EmptyArray => out.push_str("[]"),
        }
    }

    fn write_value(&self, value: &Value, out: &mut String) {
        match value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => self.write(&Out::Bool(*b), out),
            Value::Number(n) => out.push_str(&n.to_string()),
            Value::String(s) => push_json_str(s, self.ensure_ascii, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write_value(item, out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (key, item)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    push_json_str(key, self.ensure_ascii, out);
                    out.push_str(": ");
                    self.write_value(item, out);
                }
                out.push('}');
            }
        }
    }
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
mod tests {
    use super::kwargs::required_fields;
    use super::*;
    use crate::fields::Field;
    use crate::format::Style;
    use crate::level::Level;
    use std::time::{Duration, UNIX_EPOCH};

    fn formatter(config: &str) -> Formatter {
        let value = crate::json::parse(config).unwrap();
        match value {
            Value::Object(map) => from_kwargs(&map).unwrap(),
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn fields_in_pythons_order_with_renames_statics_and_extras() {
        let f = formatter(
            r#"{"fmt": "%(levelname)s %(name)s %(message)s %(user)s",
                "rename_fields": {"levelname": "level"},
                "static_fields": {"service": "shop", "n": [1, 2.5]},
                "timestamp": "ts"}"#,
        );
        let fields = [
            Field::new("user", "bob"),
            Field::new("attempt", 3),
            Field::new("ok", true),
        ];
        let r = Record::new("app", Level::WARNING, "caf\u{e9} \"x\"\n")
            .with_fields(&fields)
            .with_created(UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456));
        assert_eq!(
            f.format_to_string(&r),
            "{\"level\": \"WARNING\", \"name\": \"app\", \"message\": \"caf\\u00e9 \\\"x\\\"\\n\", \
             \"user\": \"bob\", \"service\": \"shop\", \"n\": [1, 2.5], \"attempt\": 3, \
             \"ok\": true, \"ts\": \"2023-11-14T22:13:20.123456+00:00\"}"
        );
    }

    #[test]
    fn parse_finds_names_as_python_json_logger_does() {
        // Python: re.findall(r'%\((.+?)\)', ...) and the other two regexes.
        assert_eq!(
            required_fields("%(a)s %(b)-5d %()s", Style::Percent),
            ["a", "b"]
        );
        assert_eq!(
            required_fields("{a} {b:>5} {} x}", Style::Brace),
            ["a", "b:>5", "} x"]
        );
        assert_eq!(
            required_fields("$a ${b} $$c $1 $A_9x", Style::Dollar),
            ["a", "b", "A_9x"]
        );
    }

    #[test]
    fn errors_and_unknown_keys() {
        let e = std::io::Error::other("disk full");
        let f = formatter(r#"{"format": "%(message)s", "json_ensure_ascii": false}"#);
        let r = Record::new("a", Level::ERROR, "\u{e9}").with_error(&e);
        assert_eq!(
            f.format_to_string(&r),
            "{\"message\": \"\u{e9}\", \"exc_info\": \"Error: disk full\"}"
        );
        let map = match crate::json::parse(r#"{"indent": 2}"#).unwrap() {
            Value::Object(map) => map,
            _ => unreachable!(),
        };
        assert_eq!(
            from_kwargs(&map).unwrap_err(),
            "__init__() got an unexpected keyword argument 'indent'"
        );
    }

    #[test]
    fn strings_escape_as_json_dumps() {
        let cases = [
            (
                "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{7f}",
                true,
                r#""a\"b\\c\n\r\t\b\f\u0001\u007f""#,
            ),
            ("\u{7f}\u{e9}\u{1F600}", false, "\"\u{7f}\u{e9}\u{1F600}\""),
            ("\u{e9}\u{1F600}x", true, r#""\u00e9\ud83d\ude00x""#),
        ];
        for (text, ascii, want) in cases {
            let mut out = String::new();
            push_json_str(text, ascii, &mut out);
            assert_eq!(out, want, "{text:?}");
        }
        if let Some(python) = crate::python_test::run_python(
            "import json\nprint(json.dumps('a\"b\\\\c\\n\\r\\t\\b\\f\\x01\\x7f'))\n\
             print(json.dumps('\\xe9\\U0001F600x'))",
            "",
            "json.dumps escaping",
        ) {
            assert_eq!(python, format!("{}\n{}\n", cases[0].2, cases[2].2));
        }
    }

    proptest::proptest! {
        #[test]
        fn output_always_parses(
            message in ".*",
            name in ".*",
            key in "[a-z_]{1,8}",
            value in ".*",
            ascii in proptest::bool::ANY,
        ) {
            let f = formatter(&format!(
                r#"{{"fmt": "%(name)s %(message)s", "json_ensure_ascii": {ascii}}}"#
            ));
            let fields = [Field::new(key, value.as_str()), Field::new("x", 1.5)];
            let r = Record::new(&name, Level::INFO, &message).with_fields(&fields);
            let text = f.format_to_string(&r);
            let parsed = crate::json::parse(&text);
            proptest::prop_assert!(parsed.is_ok(), "{text}");
            let Ok(Value::Object(map)) = parsed else { unreachable!() };
            proptest::prop_assert_eq!(map.get("message").and_then(Value::as_str), Some(message.as_str()));
            proptest::prop_assert_eq!(map.get("name").and_then(Value::as_str), Some(name.as_str()));
        }
    }
}
