//! Serialization as Python's `json.dumps(value)` does it, walking the tree
//! with a heap stack: the `Display` and `Debug` of values, arrays and maps.

use super::{map, Array, Iter, Map, Value};
use std::fmt::{self, Write as _};

impl fmt::Display for Value {
    /// Writes exactly what Python's `json.dumps(value)` writes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value(f, self)
    }
}

impl fmt::Debug for Value {
    /// The JSON text, as `Display` writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value(f, self)
    }
}

impl fmt::Debug for Array {
    /// The JSON text of the array.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_array(f, self)
    }
}

impl fmt::Debug for Iter<'_> {
    /// The members still to come.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl fmt::Debug for Map {
    /// The JSON text of the object.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_map(f, self)
    }
}

/// A container being written: the members still to come.
enum Frame<'a> {
    Array(std::slice::Iter<'a, Value>),
    Object(map::Iter<'a>),
}

struct Writer<'f, 'w, 'a> {
    out: &'f mut fmt::Formatter<'w>,
    stack: Vec<Frame<'a>>,
}

impl<'a> Writer<'_, '_, 'a> {
    /// Writes `[` and returns the first element; `[]` and `None` if empty.
    fn open_array(&mut self, a: &'a Array) -> Result<Option<&'a Value>, fmt::Error> {
        let mut items = a.iter();
        match items.next() {
            None => self.out.write_str("[]").map(|()| None),
            Some(first) => {
                self.out.write_str("[")?;
                self.stack.push(Frame::Array(items));
                Ok(Some(first))
            }
        }
    }

    /// Writes `{` and the first key; returns the first value.
    fn open_object(&mut self, m: &'a Map) -> Result<Option<&'a Value>, fmt::Error> {
        let mut members = m.iter();
        match members.next() {
            None => self.out.write_str("{}").map(|()| None),
            Some((key, value)) => {
                self.out.write_str("{")?;
                write_string(self.out, key)?;
                self.out.write_str(": ")?;
                self.stack.push(Frame::Object(members));
                Ok(Some(value))
            }
        }
    }

    /// Writes `first`, then everything left in the open containers.
    fn run(&mut self, first: &'a Value) -> fmt::Result {
        let mut next = first;
        loop {
            let child = match next {
                Value::Null => self.out.write_str("null").map(|()| None),
                Value::Bool(true) => self.out.write_str("true").map(|()| None),
                Value::Bool(false) => self.out.write_str("false").map(|()| None),
                Value::Number(n) => write!(self.out, "{n}").map(|()| None),
                Value::String(s) => write_string(self.out, s).map(|()| None),
                Value::Array(a) => self.open_array(a),
                Value::Object(m) => self.open_object(m),
            }?;
            next = match child {
                Some(v) => v,
                None => match self.next_sibling()? {
                    Some(v) => v,
                    None => return Ok(()),
                },
            };
        }
    }

    /// Closes finished containers; writes the separator (and key) before the
    /// next value and returns it, or `None` when everything is written.
    fn next_sibling(&mut self) -> Result<Option<&'a Value>, fmt::Error> {
        loop {
            match self.stack.last_mut() {
                None => return Ok(None),
                Some(Frame::Array(items)) => match items.next() {
                    Some(v) => {
                        self.out.write_str(", ")?;
                        return Ok(Some(v));
                    }
                    None => {
                        self.out.write_str("]")?;
                        self.stack.pop();
                    }
                },
                Some(Frame::Object(members)) => match members.next() {
                    Some((key, value)) => {
                        self.out.write_str(", ")?;
                        write_string(self.out, key)?;
                        self.out.write_str(": ")?;
                        return Ok(Some(value));
                    }
                    None => {
                        self.out.write_str("}")?;
                        self.stack.pop();
                    }
                },
            }
        }
    }

    fn finish(&mut self, first: Option<&'a Value>) -> fmt::Result {
        match first {
            Some(v) => self.run(v),
            None => Ok(()),
        }
    }
}

fn write_value(out: &mut fmt::Formatter<'_>, value: &Value) -> fmt::Result {
    Writer {
        out,
        stack: Vec::new(),
    }
    .run(value)
}

fn write_array(out: &mut fmt::Formatter<'_>, array: &Array) -> fmt::Result {
    let mut w = Writer {
        out,
        stack: Vec::new(),
    };
    let first = w.open_array(array)?;
    w.finish(first)
}

fn write_map(out: &mut fmt::Formatter<'_>, map: &Map) -> fmt::Result {
    let mut w = Writer {
        out,
        stack: Vec::new(),
    };
    let first = w.open_object(map)?;
    w.finish(first)
}

impl Value {
    /// `s` as a JSON string literal, as [`Value::String`] writes it: for
    /// writers that make JSON text without building a value.
    pub(crate) fn quoted(s: &str) -> impl fmt::Display + '_ {
        Quoted(s)
    }
}

struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_string(f, self.0)
    }
}

/// Writes a string literal with `ensure_ascii`: printable ASCII as is, the
/// rest escaped (`\n` and friends, else `\u00XX`, surrogate pairs above
/// U+FFFF), lowercase hex as Python writes it.
fn write_string(out: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    out.write_char('"')?;
    let bytes = s.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' {
            i += 1;
            continue;
        }
        out.write_str(&s[run_start..i])?;
        let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
        match ch {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            '\u{8}' => out.write_str("\\b")?,
            '\u{c}' => out.write_str("\\f")?,
            _ => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    write!(out, "\\u{unit:04x}")?;
                }
            }
        }
        i += ch.len_utf8();
        run_start = i;
    }
    out.write_str(&s[run_start..])?;
    out.write_char('"')
}
