//! A file handler's settings (Python's `filename`, `mode`, `encoding`,
//! `delay`, `errors`), checked as CPython checks them, and their error.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// A handler setting that CPython rejects or this crate does not support;
/// the message says which and why.
///
/// ```
/// let e = loglisten::handler::Mode::parse("r").unwrap_err();
/// assert_eq!(e.to_string(), "unsupported file mode 'r' (use 'a' or 'w')");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsError(pub(crate) String);

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SettingsError {}

impl From<SettingsError> for io::Error {
    fn from(error: SettingsError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidInput, error)
    }
}

/// How a log file is opened, Python's `mode`: `'a'` appends, `'w'`
/// truncates when the handler is committed.
///
/// ```
/// use loglisten::handler::Mode;
/// assert_eq!(Mode::parse("w"), Ok(Mode::Write));
/// assert_eq!(Mode::default().as_str(), "a");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// `'a'` (the default).
    #[default]
    Append,
    /// `'w'`.
    Write,
}

impl Mode {
    /// `"a"` or `"w"`; other Python modes are not supported.
    pub fn parse(text: &str) -> Result<Mode, SettingsError> {
        match text {
            "a" => Ok(Mode::Append),
            "w" => Ok(Mode::Write),
            _ => Err(SettingsError(format!(
                "unsupported file mode '{text}' (use 'a' or 'w')"
            ))),
        }
    }

    /// The mode as Python writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Append => "a",
            Mode::Write => "w",
        }
    }
}

/// `FileHandler(filename, mode='a', encoding=None, delay=False,
/// errors=None)`: the settings, in CPython's order, of the file handler and
/// (through the rotating handlers' `file` field) of every file handler.
///
/// ```
/// use loglisten::handler::{FileSettings, Mode};
/// let s = FileSettings::new("app.log");
/// assert_eq!((s.mode, s.delay, s.terminator.as_str()), (Mode::Append, false, "\n"));
/// let bad = FileSettings { encoding: Some("latin-1".into()), ..s };
/// assert_eq!(
///     bad.check().unwrap_err().to_string(),
///     "unsupported encoding 'latin-1' (only UTF-8 is supported)"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSettings {
    /// `filename`: made absolute (lexically, as `os.path.abspath`) when
    /// the handler is opened.
    pub filename: PathBuf,
    /// `mode`, default `'a'`.
    pub mode: Mode,
    /// `encoding`: `None` or a name of UTF-8 (`utf-8`, `UTF8`, `u8` …).
    pub encoding: Option<String>,
    /// `delay`: open the file on the first record instead of now.
    pub delay: bool,
    /// `errors`: kept for the record; text is always valid UTF-8 here, so
    /// no encoding error can occur.
    pub errors: Option<String>,
    /// The `terminator` attribute written after each record (`"\n"`).
    pub terminator: String,
}

impl FileSettings {
    /// CPython's defaults for `filename`.
    pub fn new(filename: impl Into<PathBuf>) -> FileSettings {
        FileSettings {
            filename: filename.into(),
            mode: Mode::Append,
            encoding: None,
            delay: false,
            errors: None,
            terminator: "\n".to_string(),
        }
    }

    /// Checks what can be checked without touching the file system.
    pub fn check(&self) -> Result<(), SettingsError> {
        check_encoding(self.encoding.as_deref())
    }
}

/// Accepts no encoding or any spelling Python's codec registry resolves to
/// UTF-8 (lowercased, punctuation runs turned into `_`, then the aliases of
/// `utf_8`).
fn check_encoding(encoding: Option<&str>) -> Result<(), SettingsError> {
    let Some(name) = encoding else {
        return Ok(());
    };
    let mut normal = String::new();
    let mut punct = false;
    for c in name.to_lowercase().chars() {
        if c.is_alphanumeric() || c == '.' {
            if punct && !normal.is_empty() {
                normal.push('_');
            }
            normal.push(c);
            punct = false;
        } else {
            punct = true;
        }
    }
    match normal.as_str() {
        "utf_8" | "utf8" | "u8" | "utf" | "utf8_ucs2" | "utf8_ucs4" | "cp65001" => Ok(()),
        _ => Err(SettingsError(format!(
            "unsupported encoding '{name}' (only UTF-8 is supported)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_accepted_as_python_resolves_them() {
        for ok in [
            "utf-8", "UTF-8", "utf8", "U8", "utf_8", "UTF 8", "cp65001", "utf",
        ] {
            assert_eq!(check_encoding(Some(ok)), Ok(()), "{ok}");
        }
        for bad in ["latin-1", "ascii", "utf-16", "utf-8-sig", ""] {
            assert_eq!(
                check_encoding(Some(bad)).unwrap_err().to_string(),
                format!("unsupported encoding '{bad}' (only UTF-8 is supported)")
            );
        }
    }
}
