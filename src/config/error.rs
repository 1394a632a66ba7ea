//! Why a configuration was not applied.

use crate::error::Position;
use std::error::Error;
use std::fmt;
use std::sync::Arc;

/// Why a configuration was not applied: where in the config (`handlers.
/// console.class`, `[handler_file] args`) and what, with the line and
/// column for syntax errors. Nothing was changed.
///
/// ```
/// let err = loglisten::dict_config_str(r#"{"version": 2}"#).unwrap_err();
/// assert_eq!(err.to_string(), "version: Unsupported version: 2");
/// assert_eq!(err.path(), "version");
/// ```
///
/// An error that came from elsewhere (the JSON or INI parser, the file
/// system) keeps it as its [`source`](Error::source):
///
/// ```
/// use std::error::Error;
/// let err = loglisten::dict_config_str("{").unwrap_err();
/// assert!(err.source().unwrap().downcast_ref::<loglisten::json::Error>().is_some());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError(Box<ErrorParts>);

/// The cause of an error, shared so the error stays `Clone`.
pub(crate) type Cause = Arc<dyn Error + Send + Sync + 'static>;

/// Boxed so that every `Result<_, ConfigError>` stays one pointer wide on
/// its error side: the many `?` in the readers move 8 bytes, not 72.
#[derive(Clone)]
struct ErrorParts {
    path: String,
    message: String,
    position: Option<Position>,
    source: Option<Cause>,
}

/// Equal when they say the same thing, whatever their causes.
impl PartialEq for ErrorParts {
    fn eq(&self, other: &Self) -> bool {
        (&self.path, &self.message, self.position) == (&other.path, &other.message, other.position)
    }
}

impl Eq for ErrorParts {}

impl ConfigError {
    // Errors are rare: one out-of-line copy instead of one inlined at every
    // site.
    #[cold]
    #[inline(never)]
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError(Box::new(ErrorParts {
            path: path.into(),
            message: message.into(),
            position: None,
            source: None,
        }))
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn at(message: impl Into<String>, position: Position) -> ConfigError {
        ConfigError(Box::new(ErrorParts {
            path: String::new(),
            message: message.into(),
            position: Some(position),
            source: None,
        }))
    }

    /// This error, caused by `cause` (kept as its `source`).
    pub(crate) fn caused_by(mut self, cause: impl Error + Send + Sync + 'static) -> ConfigError {
        self.0.source = Some(Arc::new(cause));
        self
    }

    /// This error, placed at `position` in the configuration's text.
    pub(crate) fn placed(mut self, position: Option<Position>) -> ConfigError {
        self.0.position = position;
        self
    }

    /// An error at `path` whose message is `cause`'s, kept as the source.
    #[cold]
    #[inline(never)]
    pub(crate) fn from_cause(
        path: impl Into<String>,
        cause: impl Error + Send + Sync + 'static,
    ) -> ConfigError {
        ConfigError::new(path, cause.to_string()).caused_by(cause)
    }

    /// Where in the configuration, or `""` for the text as a whole.
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Where in the configuration's text, for errors of the text itself:
    /// JSON syntax, INI syntax and interpolation, and the Python literals
    /// of an INI `args=`/`kwargs=` (in the file, not in the value).
    ///
    /// ```
    /// let err = loglisten::file_config_str("[loggers]\nkeys=root\n[loggers]\n").unwrap_err();
    /// let at = err.position().unwrap();
    /// assert_eq!((at.line, at.column, at.offset), (3, 1, 20));
    /// assert!(loglisten::dict_config_str(r#"{"version": 2}"#).unwrap_err().position().is_none());
    /// ```
    pub fn position(&self) -> Option<Position> {
        self.0.position
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigError")
            .field("path", &self.0.path)
            .field("message", &self.0.message)
            .field("position", &self.0.position)
            .field("source", &self.0.source)
            .finish()
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.path.is_empty() {
            f.write_str(&self.0.message)
        } else {
            write!(f, "{}: {}", self.0.path, self.0.message)
        }
    }
}

impl Error for ConfigError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        let cause = self.0.source.as_deref()?;
        Some(cause)
    }
}
