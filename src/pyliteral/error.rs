//! The error of [`parse`](super::parse): a message and its position, the
//! shape every parser error of the crate has.

use crate::error::{Located, Position};
use std::fmt;

/// Why [`parse`](super::parse) rejected a text, and where: the same shape as
/// [`json::Error`](crate::json::Error).
///
/// ```
/// use loglisten::pyliteral::parse;
/// let e = parse("[1,\n os.getcwd()]").unwrap_err();
/// assert_eq!(e.message(), "unknown name 'os'");
/// assert_eq!((e.position().line, e.position().column), (2, 2));
/// assert_eq!(e.to_string(), "unknown name 'os' at line 2 column 2");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<Located>);

impl Error {
    pub(super) fn new(text: &str, offset: usize, message: String) -> Error {
        Error(Box::new(Located::new(text, offset, message)))
    }

    /// What is wrong, without the position.
    ///
    /// ```
    /// let e = loglisten::pyliteral::parse("1 // 0").unwrap_err();
    /// assert_eq!(e.message(), "integer division by zero ('//')");
    /// ```
    pub fn message(&self) -> &str {
        self.0.message()
    }

    /// Where the offending token starts.
    ///
    /// ```
    /// let e = loglisten::pyliteral::parse("(1, 2").unwrap_err();
    /// assert_eq!(e.position().offset, 0);
    /// ```
    pub fn position(&self) -> Position {
        self.0.position()
    }

    /// The same error placed at `position`: for a literal taken from a
    /// larger text (an INI file's `args=`), where it is in that text.
    ///
    /// ```
    /// use loglisten::Position;
    /// let e = loglisten::pyliteral::parse("(1, 2").unwrap_err();
    /// let in_file = Position { offset: 40, line: 7, column: 6 };
    /// assert_eq!(e.with_position(in_file).to_string(), "'(' was never closed at line 7 column 6");
    /// ```
    pub fn with_position(self, position: Position) -> Error {
        Error(Box::new(self.0.with_position(position)))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}
