//! [`FormatterBuilder`]: a formatter's options, compiled into a
//! [`Formatter`] by the chosen style.

use super::fields::Attr;
use super::{brace, dollar, next_id, percent, FormatError, Formatter, Inner, Segment, Style};
use crate::time;
use std::sync::Arc;

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
