//! INI configuration text with the semantics of Python 3.11's
//! `configparser.ConfigParser()` under its default options, as
//! `logging.config.fileConfig` uses it.
//!
//! - `[section]` headers; names are case-sensitive and everything between
//!   the first `[` and the last `]` of the line (`[a] x` is section `a`).
//!   `[DEFAULT]` holds options every section inherits.
//! - `key = value` or `key: value`: the first `=` or `:` splits; option
//!   names are lower-cased, names and values stripped of whitespace.
//! - Whole-line comments start with `#` or `;` (after any indentation).
//!   There are no inline comments: `a = 1 # x` has the value `1 # x`.
//! - A value continues on following lines indented deeper than its key;
//!   blank lines inside are kept, trailing ones dropped.
//! - Errors as configparser raises them: a missing section header or a
//!   repeated section or option stops at once; other bad lines are all
//!   collected and reported together at the end.
//! - [`Ini::get`] expands `%(name)s` (looked up in the section, then in
//!   DEFAULT) and `%%`; [`Ini::get_raw`] does not.
//!
//! Deliberate differences from Python: a leading UTF-8 byte order mark is
//! skipped (3.11 keeps it and reports a missing section header), and one
//! expansion is bounded by [`Options::max_expansion`].
//!
//! ```
//! use loglisten::ini::{parse, Options};
//!
//! let text = "[DEFAULT]\nlevel = INFO\n\n[logger_root]\nhandlers = console\nformat = %(level)s: %%s\n";
//! let ini = parse(text, &Options::default()).unwrap();
//! assert_eq!(ini.sections(), ["logger_root"]);
//! assert_eq!(ini.options("logger_root").unwrap(), ["handlers", "format", "level"]);
//! assert_eq!(ini.get("logger_root", "format").unwrap(), "INFO: %s");
//! assert_eq!(ini.get_raw("logger_root", "FORMAT").unwrap(), "%(level)s: %%s");
//! ```

// One way: `pystr`, `table`, `error`, `options` and `interpolate` at the
// bottom; `parsed` (the `Ini` and its lookups) above them; `read` builds
// an `Ini` on top; this file only re-exports and calls it.
mod error;
mod interpolate;
mod options;
mod parsed;
mod pystr;
mod read;
mod table;

pub use error::{Error, ErrorKind};
pub use options::Options;
pub use parsed::Ini;
pub(crate) use parsed::Section;

/// Parses INI text the way `ConfigParser(defaults).read_string(text)` does.
///
/// ```
/// use loglisten::ini::{parse, Options};
///
/// let ini = parse("[a]\nkey: one\n  two\n", &Options::default()).unwrap();
/// assert_eq!(ini.get("a", "key").unwrap(), "one\ntwo");
/// let err = parse("[a]\nno delimiter\n", &Options::default()).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "Source contains parsing errors: '<string>' [line  2]: 'no delimiter\\n'"
/// );
/// ```
pub fn parse(text: &str, options: &Options) -> Result<Ini, Error> {
    read::read(text, options)
}
