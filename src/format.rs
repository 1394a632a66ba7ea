//! Formatters: Python's `logging.Formatter`, compiled once per format string.
//!
//! (Interface in place; the '%', '{' and '$' compilers are being written.)

use crate::record::Record;
use std::fmt;
use std::sync::Arc;

/// The format string's style, as Python's `style` argument: `'%'`, `'{'`
/// or `'$'`.
///
/// ```
/// assert_eq!(loglisten::Style::parse("{").unwrap(), loglisten::Style::Brace);
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
}

/// A format string that failed to compile or validate; the message is
/// CPython's.
///
/// ```
/// assert!(loglisten::Style::parse("#").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError(pub(crate) String);

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormatError {}

/// Turns records into text, like Python's `logging.Formatter`. Cheap to
/// clone; the default formats `%(message)s`.
///
/// ```
/// use loglisten::{Formatter, Level, Record};
/// let f = Formatter::default();
/// let r = Record::new("app", Level::INFO, "ready");
/// assert_eq!(f.format_to_string(&r), "ready");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Formatter {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {}

impl Formatter {
    /// Appends the formatted record to `out` (no terminator), followed by
    /// the attached error's text on new lines, as Python appends exc_text.
    pub fn format(&self, record: &Record, out: &mut String) {
        let _ = &self.inner;
        out.push_str(record.message());
        if let Some(text) = record.error_text() {
            out.push('\n');
            out.push_str(&text);
        }
    }

    /// The formatted record as a new string.
    pub fn format_to_string(&self, record: &Record) -> String {
        let mut out = String::new();
        self.format(record, &mut out);
        out
    }
}
