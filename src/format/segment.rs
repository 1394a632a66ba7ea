//! A format compiled: the segments a format string becomes (literal text,
//! record attributes, extra fields) and the buffer that builds them.

use super::fields::{self, Attr, Value};
use super::{brace, number, percent, FormatError};
use crate::record::Record;

/// One compiled piece of a format.
#[derive(Clone, Debug)]
pub(crate) enum Segment {
    Literal(Box<str>),
    /// A one-character literal, the usual separator: no allocation.
    Char(char),
    /// `str(value)`: `%(x)s`, `{x}`, `$x`.
    Plain(Attr),
    Percent(Attr, percent::PercentSpec),
    Brace(Attr, Box<brace::BraceSpec>),
    /// An extra field (Python's `extra`), looked up on each record.
    Field(Box<FieldSegment>),
}

/// A format field naming no record attribute: an extra field, with the
/// formatter's default for records that lack it.
#[derive(Clone, Debug)]
pub(crate) struct FieldSegment {
    name: Box<str>,
    default: Option<Box<str>>,
    spec: FieldSpec,
}

/// How an extra field is converted: always from its `str()`.
#[derive(Clone, Debug)]
pub(crate) enum FieldSpec {
    Plain,
    Percent(percent::PercentSpec),
    Brace(Box<brace::BraceSpec>),
}

pub(crate) fn field_segment(name: &str, default: Option<&str>, spec: FieldSpec) -> Segment {
    Segment::Field(Box::new(FieldSegment {
        name: name.into(),
        default: default.map(Into::into),
        spec,
    }))
}

impl FieldSegment {
    /// Appends the field's value, or its default; `Err` with CPython's
    /// message when the record has neither.
    pub(super) fn write(&self, record: &Record, out: &mut String) -> Result<(), FormatError> {
        let text: std::borrow::Cow<'_, str> = match (record.field(&self.name), &self.default) {
            (Some(crate::FieldValue::Str(s)), _) => std::borrow::Cow::Borrowed(s),
            (Some(value), _) => std::borrow::Cow::Owned(value.to_string()),
            (None, Some(default)) => std::borrow::Cow::Borrowed(default),
            (None, None) => return Err(FormatError(fields::not_found(&self.name))),
        };
        match &self.spec {
            FieldSpec::Plain => out.push_str(&text),
            FieldSpec::Percent(spec) => percent::render(spec, &Value::Str(text), out),
            FieldSpec::Brace(spec) => brace::render(spec, &Value::Str(text), out),
        }
        Ok(())
    }
}

/// Segments being built; adjacent literal text is merged.
#[derive(Debug, Default)]
pub(crate) struct Compiled<'a> {
    segments: Vec<Segment>,
    /// Literal text not yet pushed, while it is one piece of the format.
    pending: &'a str,
    /// Literal text not yet pushed, once it is made of several pieces
    /// (only one of `pending` and `text` is non-empty).
    text: String,
    /// Set by the style's compiler when what it saw proves that the
    /// style's `validate` accepts the format, which then needs no pass.
    pub(crate) valid: bool,
}

impl<'a> Compiled<'a> {
    /// Room for the segments of a usual format of `len` bytes (a field
    /// and its separator take about a dozen), so it grows no vector.
    pub(crate) fn for_len(len: usize) -> Compiled<'a> {
        Compiled {
            segments: Vec::with_capacity(len / 6 + 2),
            pending: "",
            text: String::new(),
            valid: false,
        }
    }

    /// Literal text borrowed from the format: copied once, when pushed.
    pub(crate) fn literal(&mut self, text: &'a str) {
        if self.pending.is_empty() && self.text.is_empty() {
            self.pending = text;
        } else {
            self.literal_owned(text);
        }
    }

    /// Literal text that does not live as long as the format.
    pub(crate) fn literal_owned(&mut self, text: &str) {
        if !self.pending.is_empty() {
            self.text.push_str(self.pending);
            self.pending = "";
        }
        self.text.push_str(text);
    }

    pub(crate) fn push(&mut self, segment: Segment) {
        self.flush();
        self.segments.push(segment);
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let text = std::mem::take(&mut self.pending);
            self.segments.push(literal_segment(text));
        } else if !self.text.is_empty() {
            // The buffer stays for the next literal.
            self.segments.push(literal_segment(&self.text));
            self.text.clear();
        }
    }

    pub(super) fn finish(mut self) -> Vec<Segment> {
        self.flush();
        self.segments
    }
}

/// The segment for non-empty literal text: an exact-size copy, or the
/// character itself.
fn literal_segment(text: &str) -> Segment {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Segment::Char(c),
        _ => Segment::Literal(text.into()),
    }
}

/// Appends Python's `str(value)`.
pub(crate) fn push_str_value(value: &Value, out: &mut String) {
    match value {
        Value::Str(s) => out.push_str(s),
        Value::Int(n) => number::push_int(*n, out),
        Value::Float(x) => number::push_float_repr(*x, out),
        Value::None => out.push_str("None"),
        Value::Tuple => out.push_str("()"),
    }
}
