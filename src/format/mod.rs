//! Formatters: Python's `logging.Formatter`, compiled once per format.
//!
//! A format string is parsed at construction into literal text and fields,
//! each with its conversion checked against the field's Python type, so
//! formatting a record only walks that list (no parsing, no allocation
//! beyond the output; `asctime` is formatted once per second per thread).
//!
//! Errors follow CPython. With `validate` (the default) the format is first
//! checked as `logging` checks it, with its messages. Then, with or without
//! `validate`, whatever Python would raise while formatting *every* record
//! (an unknown field, `%(name)d`, `{levelno:s}`, a bad `$` placeholder) is
//! reported at construction, with the message Python would print then,
//! instead of failing on each record.
//!
//! Where we differ from CPython, on purpose:
//! - `%` conversions without a `(key)`, `{a.b}` / `{a[0]}` lookups and
//!   nested `{a:{b}}` specs are rejected (Python formats the whole record
//!   dict, or looks attributes up at run time).
//! - `%c` takes an int or a one-character default; on a record's string
//!   field it is rejected (Python accepts it only when the value happens
//!   to be one character). An int that is no code point gives U+FFFD
//!   where Python raises.
//! - Widths and precisions above 10 000 are rejected.
//! - `exc_info`, `exc_text`, `stack_info` and `taskName` are `None` (as on
//!   a record's first formatting), `args` is `()`, `msg` is the message.
//! - `TZ` and the zone file are read once, at the first local time.

mod brace;
mod dollar;
mod fields;
pub(crate) mod json;
mod number;
pub(crate) use number::{push_float_repr, push_int};
mod pad;
mod percent;
mod scan;
mod spec;
#[cfg(test)]
mod tests;

use crate::record::Record;
use crate::time;
use fields::{Attr, Value};
use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// Largest width or precision a format may ask for (Python allows any,
/// limited by memory; a config from the wire must not make us allocate
/// gigabytes per record).
pub(crate) const LIMIT: usize = 10_000;

/// The format string's style, as Python's `style` argument: `'%'`, `'{'`
/// or `'$'`.
///
/// ```
/// assert_eq!(loglisten::Style::parse("{").unwrap(), loglisten::Style::Brace);
/// assert_eq!(loglisten::Style::Dollar.as_str(), "$");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Style {
    /// `%(name)s`, printf-style.
    #[default]
    Percent,
    /// `{name}`, `str.format` style.
    Brace,
    /// `$name`, `string.Template` style.
    Dollar,
}

impl Style {
    /// The style named by `%`, `{` or `$`, with Python's error otherwise.
    pub fn parse(text: &str) -> Result<Style, FormatError> {
        match text {
            "%" => Ok(Style::Percent),
            "{" => Ok(Style::Brace),
            "$" => Ok(Style::Dollar),
            _ => Err(FormatError("Style must be one of: %,{,$".to_string())),
        }
    }

    /// The style's character, as Python spells it.
    ///
    /// ```
    /// assert_eq!(loglisten::Style::Percent.as_str(), "%");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Style::Percent => "%",
            Style::Brace => "{",
            Style::Dollar => "$",
        }
    }

    /// The format used when none is given: `%(message)s`, `{message}` or
    /// `${message}`.
    ///
    /// ```
    /// assert_eq!(loglisten::Style::Brace.default_format(), "{message}");
    /// ```
    pub fn default_format(self) -> &'static str {
        match self {
            Style::Percent => "%(message)s",
            Style::Brace => "{message}",
            Style::Dollar => "${message}",
        }
    }
}

/// A format string that failed to compile or validate; the message is
/// CPython's.
///
/// ```
/// let e = loglisten::Formatter::new("%(asctime)").unwrap_err();
/// assert_eq!(e.to_string(), "Invalid format '%(asctime)' for '%' style");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError(pub(crate) String);

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormatError {}

impl FormatError {
    /// An error with `message`, for [`Format`] implementations.
    ///
    /// ```
    /// assert_eq!(loglisten::FormatError::new("bad").to_string(), "bad");
    /// ```
    pub fn new(message: impl Into<String>) -> FormatError {
        FormatError(message.into())
    }
}

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
    fn write(&self, record: &Record, out: &mut String) -> Result<(), FormatError> {
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

/// A formatter's whole job, for formatters that are not a format string
/// (the JSON formatter, or an application's): turn a record into text.
/// Wrap one with [`Formatter::custom`] to use it wherever a [`Formatter`]
/// goes, e.g. from a factory given to
/// [`register_formatter`](crate::register_formatter).
///
/// ```
/// use loglisten::{Format, FormatError, Formatter, Level, Record};
/// #[derive(Debug)]
/// struct Upper;
/// impl Format for Upper {
///     fn format(&self, record: &Record, out: &mut String) -> Result<(), FormatError> {
///         out.push_str(&record.message().to_uppercase());
///         Ok(())
///     }
/// }
/// let f = Formatter::custom(Upper);
/// assert_eq!(f.format_to_string(&Record::new("a", Level::INFO, "hi")), "HI");
/// ```
pub trait Format: Send + Sync + fmt::Debug {
    /// Appends the record's text to `out` (no terminator); an error goes
    /// to the handler's error path (counted, reported on stderr).
    fn format(&self, record: &Record, out: &mut String) -> Result<(), FormatError>;
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

    fn finish(mut self) -> Vec<Segment> {
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

/// Turns records into text, like Python's `logging.Formatter`. Cheap to
/// clone; the default formats `%(message)s`.
///
/// The fields are a `LogRecord`'s: `asctime`, `created`, `msecs`,
/// `relativeCreated`, `levelname`, `levelno`, `name`, `message`, `msg`
/// (the message too), `thread`, `threadName`, `process`, `processName`
/// (`MainProcess`), `module`, `filename`, `pathname`, `lineno`, `funcName`,
/// and `args` (`()`), `exc_info`, `exc_text`, `stack_info`, `taskName`
/// (all `None`, as in a record's first formatting). Any other field must
/// come from `defaults`. The record's error text is appended on a new
/// line, as Python appends `exc_text`.
///
/// ```
/// use loglisten::{Formatter, Level, Record};
/// let f = Formatter::default();
/// let r = Record::new("app", Level::INFO, "ready");
/// assert_eq!(f.format_to_string(&r), "ready");
/// let f = Formatter::new("%(levelname)-8s|%(name)s|%(lineno)03d").unwrap();
/// assert_eq!(f.format_to_string(&r), "INFO    |app|000");
/// ```
#[derive(Clone, Debug)]
pub struct Formatter {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    fmt: String,
    datefmt: Option<String>,
    style: Style,
    validate: bool,
    utc: bool,
    defaults: Vec<(String, String)>,
    segments: Vec<Segment>,
    uses_time: bool,
    /// Identifies this formatter's settings in the per-thread time cache.
    id: u64,
    /// A formatter that is not a format string ([`Formatter::custom`]).
    custom: Option<Arc<dyn Format>>,
}

fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Default for Formatter {
    fn default() -> Formatter {
        static DEFAULT: OnceLock<Arc<Inner>> = OnceLock::new();
        let inner = DEFAULT.get_or_init(|| {
            Arc::new(Inner {
                fmt: Style::Percent.default_format().to_string(),
                datefmt: None,
                style: Style::Percent,
                validate: true,
                utc: false,
                defaults: Vec::new(),
                segments: vec![Segment::Plain(Attr::Message)],
                uses_time: false,
                id: next_id(),
                custom: None,
            })
        });
        Formatter {
            inner: Arc::clone(inner),
        }
    }
}

/// Options for a [`Formatter`], as the arguments of Python's
/// `logging.Formatter(fmt, datefmt, style, validate, defaults=...)`, plus
/// `utc` (Python's `converter = time.gmtime`).
///
/// ```
/// use loglisten::{Formatter, Level, Record, Style};
/// use std::time::{Duration, UNIX_EPOCH};
/// let f = Formatter::builder()
///     .fmt("{asctime} {levelname:<5} [{app}] {message}")
///     .style(Style::Brace)
///     .datefmt("%H:%M:%S")
///     .default_value("app", "demo")
///     .utc(true)
///     .build()
///     .unwrap();
/// let r = Record::new("x", Level::INFO, "up")
///     .with_created(UNIX_EPOCH + Duration::from_secs(3_723));
/// assert_eq!(f.format_to_string(&r), "01:02:03 INFO  [demo] up");
/// ```
#[derive(Clone, Debug)]
pub struct FormatterBuilder {
    fmt: Option<String>,
    datefmt: Option<String>,
    style: Style,
    validate: bool,
    utc: bool,
    defaults: Vec<(String, String)>,
}

impl Default for FormatterBuilder {
    fn default() -> FormatterBuilder {
        FormatterBuilder {
            fmt: None,
            datefmt: None,
            style: Style::Percent,
            validate: true,
            utc: false,
            defaults: Vec::new(),
        }
    }
}

impl FormatterBuilder {
    /// The format string; unset or empty means the style's default.
    ///
    /// ```
    /// let f = loglisten::Formatter::builder().fmt("%(name)s").build().unwrap();
    /// assert_eq!(f.fmt(), "%(name)s");
    /// ```
    pub fn fmt(mut self, fmt: impl Into<String>) -> Self {
        self.fmt = Some(fmt.into());
        self
    }

    /// The `time.strftime` format of `asctime`; unset or empty means
    /// `%Y-%m-%d %H:%M:%S,mmm`.
    ///
    /// ```
    /// let f = loglisten::Formatter::builder().datefmt("%H:%M").build().unwrap();
    /// assert_eq!(f.datefmt(), Some("%H:%M"));
    /// ```
    pub fn datefmt(mut self, datefmt: impl Into<String>) -> Self {
        self.datefmt = Some(datefmt.into());
        self
    }

    /// The style (default `%`).
    ///
    /// ```
    /// use loglisten::{Formatter, Style};
    /// let f = Formatter::builder().style(Style::Dollar).fmt("$name").build().unwrap();
    /// assert_eq!(f.style(), Style::Dollar);
    /// ```
    pub fn style(mut self, style: Style) -> Self {
        self.style = style;
        self
    }

    /// Whether to check the format as `validate=True` does (the default).
    /// Formats that would fail on every record are rejected either way.
    ///
    /// ```
    /// use loglisten::Formatter;
    /// assert!(Formatter::builder().fmt("plain").build().is_err());
    /// assert!(Formatter::builder().fmt("plain").validate(false).build().is_ok());
    /// ```
    pub fn validate(mut self, validate: bool) -> Self {
        self.validate = validate;
        self
    }

    /// Times in UTC (`time.gmtime`) instead of local time.
    ///
    /// ```
    /// use loglisten::{Formatter, Level, Record};
    /// let f = Formatter::builder().fmt("%(asctime)s").utc(true).build().unwrap();
    /// let r = Record::new("a", Level::INFO, "").with_created(std::time::UNIX_EPOCH);
    /// assert_eq!(f.format_to_string(&r), "1970-01-01 00:00:00,000");
    /// ```
    pub fn utc(mut self, utc: bool) -> Self {
        self.utc = utc;
        self
    }

    /// A value for a field records lack (Python's `defaults`); a record's
    /// own attribute wins over a default of the same name.
    ///
    /// ```
    /// use loglisten::{Formatter, Level, Record};
    /// let f = Formatter::builder().fmt("%(app)s: %(message)s")
    ///     .default_value("app", "shop").build().unwrap();
    /// assert_eq!(f.format_to_string(&Record::new("a", Level::INFO, "hi")), "shop: hi");
    /// ```
    pub fn default_value(mut self, field: impl Into<String>, value: impl Into<String>) -> Self {
        let field = field.into();
        let value = value.into();
        match self.defaults.iter_mut().find(|(k, _)| *k == field) {
            Some(slot) => slot.1 = value,
            None => self.defaults.push((field, value)),
        }
        self
    }

    /// Compiles the formatter, with CPython's error for a bad format.
    ///
    /// ```
    /// let e = loglisten::Formatter::builder().fmt("{name:d}")
    ///     .style(loglisten::Style::Brace).build().unwrap_err();
    /// assert_eq!(e.to_string(), "Unknown format code 'd' for object of type 'str'");
    /// ```
    pub fn build(self) -> Result<Formatter, FormatError> {
        let fmt = match self.fmt {
            Some(fmt) if !fmt.is_empty() => fmt,
            _ => self.style.default_format().to_string(),
        };
        let compiled = match self.style {
            Style::Percent => percent::compile(&fmt, &self.defaults),
            Style::Brace => brace::compile(&fmt, &self.defaults),
            Style::Dollar => dollar::compile(&fmt, &self.defaults),
        };
        // Validation comes first in Python, so its error wins; it needs a
        // pass of its own only when compiling did not already prove it.
        if self.validate && !compiled.as_ref().is_ok_and(|c| c.valid) {
            match self.style {
                Style::Percent => percent::validate(&fmt)?,
                Style::Brace => brace::validate(&fmt)?,
                Style::Dollar => dollar::validate(&fmt)?,
            }
        }
        let segments = compiled?.finish();
        let uses_time = segments.iter().any(|s| match s {
            Segment::Plain(a) | Segment::Percent(a, _) | Segment::Brace(a, _) => {
                *a == Attr::Asctime
            }
            Segment::Literal(_) | Segment::Char(_) | Segment::Field(_) => false,
        });
        if uses_time {
            if let Some(datefmt) = &self.datefmt {
                time::check_format(datefmt).map_err(|e| FormatError(e.to_string()))?;
            }
        }
        Ok(Formatter {
            inner: Arc::new(Inner {
                fmt,
                datefmt: self.datefmt,
                style: self.style,
                validate: self.validate,
                utc: self.utc,
                defaults: self.defaults,
                segments,
                uses_time,
                id: next_id(),
                custom: None,
            }),
        })
    }
}

/// The last formatted second per formatter, per thread, so the date is
/// formatted once per second rather than per record.
struct TimeCache {
    entries: [(u64, i64, usize, String); 4],
    next: usize,
}

thread_local! {
    static TIMES: RefCell<TimeCache> = RefCell::new(TimeCache {
        entries: Default::default(),
        next: 0,
    });
}

impl Formatter {
    /// Whether both are the same built formatter (not merely equal).
    #[cfg(test)]
    pub(crate) fn shares(&self, other: &Formatter) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// A `%`-style formatter for `fmt`, validated as Python's
    /// `logging.Formatter(fmt)` is.
    ///
    /// ```
    /// let e = loglisten::Formatter::new("%(name)d").unwrap_err();
    /// assert_eq!(e.to_string(), "%d format: a real number is required, not str");
    /// ```
    pub fn new(fmt: &str) -> Result<Formatter, FormatError> {
        Formatter::builder().fmt(fmt).build()
    }

    /// Options beyond a `%`-style format: style, datefmt, defaults, UTC.
    ///
    /// ```
    /// let f = loglisten::Formatter::builder().style(loglisten::Style::Dollar).build().unwrap();
    /// assert_eq!(f.fmt(), "${message}");
    /// ```
    pub fn builder() -> FormatterBuilder {
        FormatterBuilder::default()
    }

    /// The format string (the style's default when none was given).
    ///
    /// ```
    /// assert_eq!(loglisten::Formatter::default().fmt(), "%(message)s");
    /// ```
    pub fn fmt(&self) -> &str {
        &self.inner.fmt
    }

    /// The date format, as given.
    ///
    /// ```
    /// assert_eq!(loglisten::Formatter::default().datefmt(), None);
    /// ```
    pub fn datefmt(&self) -> Option<&str> {
        self.inner.datefmt.as_deref()
    }

    /// The style.
    ///
    /// ```
    /// assert_eq!(loglisten::Formatter::default().style(), loglisten::Style::Percent);
    /// ```
    pub fn style(&self) -> Style {
        self.inner.style
    }

    /// Whether the format was validated as `validate=True` does.
    ///
    /// ```
    /// assert!(loglisten::Formatter::default().validates());
    /// ```
    pub fn validates(&self) -> bool {
        self.inner.validate
    }

    /// Whether times are shown in UTC rather than local time.
    ///
    /// ```
    /// assert!(!loglisten::Formatter::default().utc());
    /// ```
    pub fn utc(&self) -> bool {
        self.inner.utc
    }

    /// The `defaults`, in the order given.
    ///
    /// ```
    /// let f = loglisten::Formatter::builder().default_value("k", "v").build().unwrap();
    /// assert_eq!(f.defaults(), &[("k".to_string(), "v".to_string())]);
    /// ```
    pub fn defaults(&self) -> &[(String, String)] {
        &self.inner.defaults
    }

    /// Whether the format shows `asctime` (Python's `usesTime`).
    ///
    /// ```
    /// assert!(loglisten::Formatter::new("%(asctime)s").unwrap().uses_time());
    /// ```
    pub fn uses_time(&self) -> bool {
        self.inner.uses_time
    }

    /// A formatter that hands records to `format` (any text: JSON, ...).
    /// Its `fmt` is `%(message)s`, for what describes the configuration.
    ///
    /// ```
    /// # use loglisten::{Format, FormatError, Formatter, Record};
    /// #[derive(Debug)]
    /// struct Name;
    /// impl Format for Name {
    ///     fn format(&self, r: &Record, out: &mut String) -> Result<(), FormatError> {
    ///         out.push_str(r.name());
    ///         Ok(())
    ///     }
    /// }
    /// assert!(Formatter::custom(Name).is_custom());
    /// ```
    pub fn custom(format: impl Format + 'static) -> Formatter {
        Formatter {
            inner: Arc::new(Inner {
                fmt: Style::Percent.default_format().to_string(),
                datefmt: None,
                style: Style::Percent,
                validate: true,
                utc: false,
                defaults: Vec::new(),
                segments: Vec::new(),
                uses_time: false,
                id: next_id(),
                custom: Some(Arc::new(format)),
            }),
        }
    }

    /// Whether this formatter was made by [`Formatter::custom`].
    ///
    /// ```
    /// assert!(!loglisten::Formatter::default().is_custom());
    /// ```
    pub fn is_custom(&self) -> bool {
        self.inner.custom.is_some()
    }

    /// Appends the formatted record to `out` (no terminator), followed by
    /// the attached error's text on a new line, as Python appends exc_text,
    /// and the stack if the call asked for one. An extra field the record
    /// lacks (and that has no default) is left empty; handlers use
    /// [`Formatter::try_format`], which reports it as CPython does.
    ///
    /// ```
    /// use loglisten::{Formatter, Level, Record};
    /// let f = Formatter::new("%(levelname)s:%(message)s").unwrap();
    /// let mut out = String::new();
    /// f.format(&Record::new("a", Level::WARNING, "low disk"), &mut out);
    /// assert_eq!(out, "WARNING:low disk");
    /// ```
    pub fn format(&self, record: &Record, out: &mut String) {
        let _ = self.format_with(record, out, false);
    }

    /// As [`Formatter::format`], but a missing extra field is an error
    /// with CPython's message (`Formatting field not found in record:
    /// 'user'`), and `out` is then left as it was.
    ///
    /// ```
    /// use loglisten::{Field, Formatter, Level, Record};
    /// let f = Formatter::new("%(user)s: %(message)s").unwrap();
    /// let fields = [Field::new("user", "bob")];
    /// let mut out = String::new();
    /// f.try_format(&Record::new("a", Level::INFO, "hi").with_fields(&fields), &mut out).unwrap();
    /// assert_eq!(out, "bob: hi");
    /// let e = f.try_format(&Record::new("a", Level::INFO, "hi"), &mut out).unwrap_err();
    /// assert_eq!(e.to_string(), "Formatting field not found in record: 'user'");
    /// ```
    pub fn try_format(&self, record: &Record, out: &mut String) -> Result<(), FormatError> {
        self.format_with(record, out, true)
    }

    fn format_with(
        &self,
        record: &Record,
        out: &mut String,
        strict: bool,
    ) -> Result<(), FormatError> {
        let start = out.len();
        if let Some(custom) = &self.inner.custom {
            let result = custom.format(record, out);
            if result.is_err() && strict {
                out.truncate(start);
            }
            return result;
        }
        let result = if self.inner.uses_time {
            TIMES.with(|cache| match cache.try_borrow_mut() {
                Ok(mut cache) => {
                    let asctime = cache.get(&self.inner, record);
                    self.inner.write(record, asctime, out, strict)
                }
                Err(_) => {
                    let mut asctime = String::new();
                    self.inner.asctime(record, &mut asctime);
                    self.inner.write(record, &asctime, out, strict)
                }
            })
        } else {
            self.inner.write(record, "", out, strict)
        };
        if let Err(error) = result {
            out.truncate(start);
            return Err(error);
        }
        if let Some(text) = record.error_text() {
            if !out[start..].ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&text);
        }
        if let Some(stack) = record.stack_info() {
            if !out[start..].ends_with('\n') {
                out.push('\n');
            }
            out.push_str(stack);
        }
        Ok(())
    }

    /// Appends the record's `asctime` as this formatter shows it, from the
    /// per-thread cache (for the JSON formatter).
    pub(crate) fn write_asctime(&self, record: &Record, out: &mut String) {
        TIMES.with(|cache| match cache.try_borrow_mut() {
            Ok(mut cache) => out.push_str(cache.get(&self.inner, record)),
            Err(_) => self.inner.asctime(record, out),
        });
    }

    /// The formatted record as a new string.
    ///
    /// ```
    /// use loglisten::{Formatter, Level, Record};
    /// let f = Formatter::new("%(levelno)03d").unwrap();
    /// assert_eq!(f.format_to_string(&Record::new("a", Level::DEBUG, "")), "010");
    /// ```
    pub fn format_to_string(&self, record: &Record) -> String {
        let mut out = String::new();
        self.format(record, &mut out);
        out
    }
}

fn seconds(record: &Record) -> i64 {
    i64::try_from(record.created_since_epoch().as_secs()).unwrap_or(i64::MAX)
}

impl TimeCache {
    fn get(&mut self, inner: &Inner, record: &Record) -> &str {
        let secs = seconds(record);
        let found = self
            .entries
            .iter()
            .position(|(id, s, _, _)| *id == inner.id && *s == secs);
        let slot = match found {
            Some(slot) => slot,
            None => {
                let slot = self.next;
                self.next = (self.next + 1) % self.entries.len();
                let entry = &mut self.entries[slot];
                entry.3.clear();
                inner.date(secs, &mut entry.3);
                *entry = (inner.id, secs, entry.3.len(), std::mem::take(&mut entry.3));
                slot
            }
        };
        let (_, _, len, text) = &mut self.entries[slot];
        text.truncate(*len);
        inner.append_msecs(record, text);
        text
    }
}

impl Inner {
    fn custom_datefmt(&self) -> Option<&str> {
        self.datefmt.as_deref().filter(|d| !d.is_empty())
    }

    /// The part of asctime that depends only on the second.
    fn date(&self, secs: i64, out: &mut String) {
        let tm = if self.utc {
            time::gmtime(secs)
        } else {
            time::localtime(secs)
        };
        let format = self.custom_datefmt().unwrap_or("%Y-%m-%d %H:%M:%S");
        time::strftime(format, &tm, out);
    }

    /// Python's `default_msec_format` `%s,%03d`, without a custom datefmt.
    fn append_msecs(&self, record: &Record, out: &mut String) {
        if self.custom_datefmt().is_none() {
            let ms = record.msecs() as u32;
            out.push(',');
            out.push(char::from(b'0' + (ms / 100 % 10) as u8));
            out.push(char::from(b'0' + (ms / 10 % 10) as u8));
            out.push(char::from(b'0' + (ms % 10) as u8));
        }
    }

    /// Python's `formatTime`.
    fn asctime(&self, record: &Record, out: &mut String) {
        self.date(seconds(record), out);
        self.append_msecs(record, out);
    }

    /// Writes the segments; `strict`: a missing extra field is an error
    /// (else it is left empty).
    fn write(
        &self,
        record: &Record,
        asctime: &str,
        out: &mut String,
        strict: bool,
    ) -> Result<(), FormatError> {
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Char(c) => out.push(*c),
                Segment::Plain(attr) => match attr {
                    Attr::Asctime => out.push_str(asctime),
                    Attr::Message => out.push_str(record.message()),
                    Attr::Name => out.push_str(record.name()),
                    Attr::LevelName => out.push_str(&record.level_name()),
                    attr => push_str_value(&attr.value(record, asctime), out),
                },
                Segment::Percent(attr, spec) => {
                    percent::render(spec, &attr.value(record, asctime), out)
                }
                Segment::Brace(attr, spec) => {
                    brace::render(spec, &attr.value(record, asctime), out)
                }
                Segment::Field(field) => {
                    if let Err(error) = field.write(record, out) {
                        if strict {
                            return Err(error);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
