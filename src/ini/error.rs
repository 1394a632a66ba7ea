//! The INI error type: which configparser exception it stands for, its
//! message in configparser's words, and where in the text it applies.

use crate::error::Position;
use crate::pyrepr::str_repr as repr;

/// Which of configparser's exceptions an [`Error`] stands for.
///
/// ```
/// let err = loglisten::ini::parse("x = 1", &Default::default()).unwrap_err();
/// assert_eq!(err.kind(), loglisten::ini::ErrorKind::MissingSectionHeader);
/// assert_eq!(err.kind().python_name(), "MissingSectionHeaderError");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// An option line before any `[section]` header.
    MissingSectionHeader,
    /// Lines that are neither header, option, comment nor continuation
    /// (all of them are listed; the text was read to its end).
    Parsing,
    /// A section header repeated in the same text.
    DuplicateSection,
    /// An option repeated in the same section (or in the `defaults` map).
    DuplicateOption,
    /// A lookup in a section that does not exist.
    NoSection,
    /// A lookup of an option that does not exist.
    NoOption,
    /// `%(name)s` names an option that does not exist.
    InterpolationMissingOption,
    /// A `%` not followed by `%` or a well-formed `%(name)s`.
    InterpolationSyntax,
    /// References nested deeper than `MAX_INTERPOLATION_DEPTH` (10).
    InterpolationDepth,
    /// The expansion of a value outgrew [`Options::max_expansion`]
    /// (ours: Python has no such bound).
    ///
    /// [`Options::max_expansion`]: super::Options::max_expansion
    InterpolationTooLarge,
}

impl ErrorKind {
    /// The name of the Python exception class (for `InterpolationTooLarge`,
    /// which Python lacks, the closest one: `InterpolationError`).
    ///
    /// ```
    /// assert_eq!(loglisten::ini::ErrorKind::NoOption.python_name(), "NoOptionError");
    /// ```
    pub fn python_name(self) -> &'static str {
        match self {
            ErrorKind::MissingSectionHeader => "MissingSectionHeaderError",
            ErrorKind::Parsing => "ParsingError",
            ErrorKind::DuplicateSection => "DuplicateSectionError",
            ErrorKind::DuplicateOption => "DuplicateOptionError",
            ErrorKind::NoSection => "NoSectionError",
            ErrorKind::NoOption => "NoOptionError",
            ErrorKind::InterpolationMissingOption => "InterpolationMissingOptionError",
            ErrorKind::InterpolationSyntax => "InterpolationSyntaxError",
            ErrorKind::InterpolationDepth => "InterpolationDepthError",
            ErrorKind::InterpolationTooLarge => "InterpolationError",
        }
    }
}

/// An error from [`parse`](super::parse) or from a lookup on
/// [`Ini`](super::Ini).
///
/// `Display` gives configparser's message on one line: where Python's
/// message has line breaks (missing header, parsing errors) they become
/// single spaces.
///
/// Every error of [`parse`](super::parse) from the text has a
/// [`position`](Error::position); so has an interpolation error (where the
/// value being expanded starts, when it comes from the text).
///
/// ```
/// let err = loglisten::ini::parse("[a]\n  [a]\n", &Default::default()).unwrap_err();
/// assert_eq!(err.line(), Some(2));
/// assert_eq!(err.position().map(|p| (p.offset, p.column)), Some((6, 3)));
/// assert_eq!(
///     err.to_string(),
///     "While reading from '<string>' [line  2]: section 'a' already exists"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    position: Option<Position>,
    message: String,
}

impl Error {
    /// Which configparser exception this is.
    ///
    /// ```
    /// use loglisten::ini::{parse, ErrorKind};
    /// let ini = parse("[a]\n", &Default::default()).unwrap();
    /// assert_eq!(ini.get("b", "x").unwrap_err().kind(), ErrorKind::NoSection);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The 1-based line the error was found on, when it comes from the text
    /// (for [`ErrorKind::Parsing`], the first bad line).
    ///
    /// ```
    /// let err = loglisten::ini::parse("[a]\nok = 1\nbad\n", &Default::default()).unwrap_err();
    /// assert_eq!(err.line(), Some(3));
    /// ```
    pub fn line(&self) -> Option<usize> {
        self.position.map(|p| p.line)
    }

    /// Where in the text the error applies: the first character of the
    /// offending line (for [`ErrorKind::Parsing`], of the first bad line),
    /// or where the value being expanded starts. `None` for lookups
    /// ([`ErrorKind::NoSection`], [`ErrorKind::NoOption`]) and for what
    /// came from [`Options::defaults`](super::Options::defaults).
    ///
    /// ```
    /// let err = loglisten::ini::parse("[a]\nok = 1\n[b]\n  bad\n", &Default::default());
    /// let at = err.unwrap_err().position().unwrap();
    /// assert_eq!((at.offset, at.line, at.column), (17, 4, 3));
    /// ```
    pub fn position(&self) -> Option<Position> {
        self.position
    }

    fn new(kind: ErrorKind, position: Option<Position>, message: String) -> Error {
        Error {
            kind,
            position,
            message,
        }
    }

    /// The same error, placed at `position` if it has no place yet.
    pub(crate) fn or_at(mut self, position: Option<Position>) -> Error {
        self.position = self.position.or(position);
        self
    }

    pub(crate) fn missing_header(source: &str, at: Position, text: &str) -> Error {
        let message = format!(
            "File contains no section headers. file: {}, line: {} {}",
            repr(source),
            at.line,
            repr(text)
        );
        Error::new(ErrorKind::MissingSectionHeader, Some(at), message)
    }

    /// `bad` holds each bad line's number and text, in order; never empty.
    /// `first` is where the first one is.
    pub(crate) fn parsing(source: &str, bad: &[(usize, &str)], first: Position) -> Error {
        let mut message = format!("Source contains parsing errors: {}", repr(source));
        for (line, text) in bad {
            message.push_str(&format!(" [line {:2}]: {}", line, repr(text)));
        }
        Error::new(ErrorKind::Parsing, Some(first), message)
    }

    pub(crate) fn duplicate_section(source: &str, at: Position, section: &str) -> Error {
        let message = format!(
            "While reading from {} [line {:2}]: section {} already exists",
            repr(source),
            at.line,
            repr(section)
        );
        Error::new(ErrorKind::DuplicateSection, Some(at), message)
    }

    pub(crate) fn duplicate_option(
        source: &str,
        position: Option<Position>,
        section: &str,
        option: &str,
    ) -> Error {
        let at = position
            .map(|p| format!(" [line {:2}]", p.line))
            .unwrap_or_default();
        let message = format!(
            "While reading from {}{}: option {} in section {} already exists",
            repr(source),
            at,
            repr(option),
            repr(section)
        );
        Error::new(ErrorKind::DuplicateOption, position, message)
    }

    pub(crate) fn no_section(section: &str) -> Error {
        Error::new(
            ErrorKind::NoSection,
            None,
            format!("No section: {}", repr(section)),
        )
    }

    pub(crate) fn no_option(option: &str, section: &str) -> Error {
        let message = format!("No option {} in section: {}", repr(option), repr(section));
        Error::new(ErrorKind::NoOption, None, message)
    }

    pub(crate) fn missing_option(option: &str, section: &str, raw: &str, key: &str) -> Error {
        let message = format!(
            "Bad value substitution: option {} in section {} contains an interpolation key {} \
             which is not a valid option name. Raw value: {}",
            repr(option),
            repr(section),
            repr(key),
            repr(raw)
        );
        Error::new(ErrorKind::InterpolationMissingOption, None, message)
    }

    pub(crate) fn bad_percent(rest: &str) -> Error {
        let message = format!("'%' must be followed by '%' or '(', found: {}", repr(rest));
        Error::new(ErrorKind::InterpolationSyntax, None, message)
    }

    pub(crate) fn bad_reference(rest: &str) -> Error {
        let message = format!("bad interpolation variable reference {}", repr(rest));
        Error::new(ErrorKind::InterpolationSyntax, None, message)
    }

    pub(crate) fn too_deep(option: &str, section: &str, raw: &str, max: usize) -> Error {
        let message = format!(
            "Recursion limit exceeded in value substitution: option {} in section {} contains \
             an interpolation key which cannot be substituted in {} steps. Raw value: {}",
            repr(option),
            repr(section),
            max,
            repr(raw)
        );
        Error::new(ErrorKind::InterpolationDepth, None, message)
    }

    pub(crate) fn too_large(option: &str, section: &str, limit: usize) -> Error {
        let message = format!(
            "Value substitution too large: option {} in section {} expands past the limit of \
             {} bytes",
            repr(option),
            repr(section),
            limit
        );
        Error::new(ErrorKind::InterpolationTooLarge, None, message)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
