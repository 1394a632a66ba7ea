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
//!
//! Here: [`Style`], [`FormatError`], the [`Format`] trait and [`Formatter`]
//! with its record-writing loop; the builder, the compiled segments, the
//! `asctime` cache and each style's compiler live in the submodules.

mod asctime;
mod brace;
mod builder;
mod dollar;
mod fields;
pub(crate) mod json;
mod number;
pub(crate) use number::{push_float_repr, push_int};
mod pad;
mod percent;
mod scan;
mod segment;
mod spec;
#[cfg(test)]
mod tests;

use crate::record::Record;
pub use builder::FormatterBuilder;
use fields::Attr;
pub(crate) use segment::{field_segment, push_str_value, Compiled, FieldSpec, Segment};
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

impl Inner {
    /// The default `%(message)s` settings, with `segments` or a `custom`
    /// formatter doing the work.
    fn plain(segments: Vec<Segment>, custom: Option<Arc<dyn Format>>) -> Inner {
        Inner {
            fmt: Style::Percent.default_format().to_string(),
            datefmt: None,
            style: Style::Percent,
            validate: true,
            utc: false,
            defaults: Vec::new(),
            segments,
            uses_time: false,
            id: next_id(),
            custom,
        }
    }
}

fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Default for Formatter {
    fn default() -> Formatter {
        static DEFAULT: OnceLock<Arc<Inner>> = OnceLock::new();
        let inner = DEFAULT
            .get_or_init(|| Arc::new(Inner::plain(vec![Segment::Plain(Attr::Message)], None)));
        Formatter {
            inner: Arc::clone(inner),
        }
    }
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
            inner: Arc::new(Inner::plain(Vec::new(), Some(Arc::new(format)))),
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
            self.inner.with_asctime(record, |asctime| {
                self.inner.write(record, asctime, out, strict)
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

impl Inner {
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
                    Attr::Message => record.write_message(out),
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
