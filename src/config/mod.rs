//! Configuration: CPython's `dictConfig` and `fileConfig`, applied all or
//! nothing.
//!
//! Both front ends ([`dict`] for JSON, [`file`] for INI) turn their input
//! into one [`Config`] of plain data; [`build`] checks it, constructs every
//! formatter, filter and handler outside any lock, and only when all of it
//! succeeded swaps the runtime's snapshot in one step. A failure closes
//! what was built, removes the files this attempt created, and changes
//! nothing that is running.

pub(crate) mod basic;
pub(crate) mod build;
pub(crate) mod classes;
pub(crate) mod dict;
pub(crate) mod dump;
pub(crate) mod file;
#[cfg(feature = "net-handlers")]
pub(crate) mod net;
pub(crate) mod queue;
pub(crate) mod standard;

use crate::error::Position;
use crate::json::{Map, Value};
use crate::level::Level;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

pub use basic::{basic_config, BasicConfig};
pub use classes::{register_filter, register_formatter, register_handler};
pub use dump::current_config;

/// A configuration as plain data, from either front end.
#[derive(Debug, Default)]
pub(crate) struct Config {
    pub incremental: bool,
    pub disable_existing: bool,
    pub formatters: Vec<(String, FormatterSpec)>,
    pub filters: Vec<(String, FilterSpec)>,
    /// In build order (dictConfig: sorted by name, fileConfig: as listed).
    pub handlers: Vec<(String, HandlerSpec)>,
    pub loggers: Vec<(String, LoggerSpec)>,
    pub root: Option<LoggerSpec>,
    /// Where each entry came from, for error messages: `handlers` (dict)
    /// or `handler_` (INI section prefix).
    pub style: PathStyle,
}

/// How error paths are written: `handlers.console.class` for dictConfig,
/// `[handler_console] class` for fileConfig.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum PathStyle {
    #[default]
    Dict,
    File,
}

impl PathStyle {
    /// The path of `key` in entry `name` of `kind` (`handler`, `formatter`,
    /// `filter`, `logger`).
    pub fn path(self, kind: &str, name: &str, key: &str) -> String {
        match (self, kind) {
            (PathStyle::Dict, "root") => join("root", key),
            (PathStyle::Dict, _) => join(&format!("{kind}s.{name}"), key),
            (PathStyle::File, "root") => join("[logger_root]", key),
            (PathStyle::File, _) => join(&format!("[{kind}_{name}]"), key),
        }
    }
}

/// An entry of a configuration (`handlers.console`, `[handler_console]`),
/// whose path is spelled out only for an error.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Place<'a> {
    pub style: PathStyle,
    /// `handler`, `formatter`, `filter`, `logger` or `root`.
    pub kind: &'static str,
    pub name: &'a str,
}

impl Place<'_> {
    /// The path of `key` in this entry (`""`: the entry itself).
    pub fn path(&self, key: &str) -> String {
        self.style.path(self.kind, self.name, key)
    }

    /// An error at `key` of this entry.
    #[cold]
    #[inline(never)]
    pub fn error(&self, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::new(self.path(key), message)
    }
}

fn join(prefix: &str, key: &str) -> String {
    match (key.is_empty(), prefix.starts_with('[')) {
        (true, _) => prefix.to_string(),
        (false, true) => format!("{prefix} {key}"),
        (false, false) => format!("{prefix}.{key}"),
    }
}

/// A formatter: the standard one or a registered factory.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FormatterSpec {
    Standard {
        format: Option<String>,
        datefmt: Option<String>,
        style: String,
        validate: bool,
        defaults: Vec<(String, String)>,
    },
    Custom {
        factory: String,
        kwargs: Map,
    },
}

/// A filter: Python's name filter or a registered factory.
#[derive(Debug, Clone)]
pub(crate) enum FilterSpec {
    Name(String),
    Custom { factory: String, kwargs: Map },
}

/// A handler: a class (standard or registered) and its keyword arguments.
#[derive(Debug, Clone, Default)]
pub(crate) struct HandlerSpec {
    pub class: String,
    pub level: Option<Level>,
    pub formatter: Option<String>,
    pub filters: Vec<String>,
    pub kwargs: Map,
    /// dictConfig's `.`: attributes set after construction.
    pub props: Map,
}

/// A logger's settings; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoggerSpec {
    pub level: Option<Level>,
    pub propagate: Option<bool>,
    pub handlers: Vec<String>,
    pub filters: Vec<String>,
}

/// Why a configuration was not applied: where in the config (`handlers.
/// console.class`, `[handler_file] args`) and what, with the line and
/// column for syntax errors. Nothing was changed.
///
/// ```
/// let err = loglisten::dict_config_str(r#"{"version": 2}"#).unwrap_err();
/// assert_eq!(err.to_string(), "version: Unsupported version: 2");
/// assert_eq!(err.path(), "version");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError(Box<ErrorParts>);

/// Boxed so that every `Result<_, ConfigError>` stays one pointer wide on
/// its error side: the many `?` in the readers move 8 bytes, not 72.
#[derive(Clone, PartialEq, Eq)]
struct ErrorParts {
    path: String,
    message: String,
    position: Option<Position>,
}

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
        }))
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn at(message: impl Into<String>, position: Position) -> ConfigError {
        ConfigError(Box::new(ErrorParts {
            path: String::new(),
            message: message.into(),
            position: Some(position),
        }))
    }

    /// Where in the configuration, or `""` for the text as a whole.
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The line and column, for syntax errors.
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

impl std::error::Error for ConfigError {}

/// Which front end applied a configuration.
///
/// ```
/// let applied = loglisten::apply_config(br#"{"version": 1, "incremental": true}"#).unwrap();
/// assert_eq!(applied.kind, loglisten::ConfigKind::Dict);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigKind {
    /// A JSON object, applied as `dictConfig`.
    Dict,
    /// INI text, applied as `fileConfig`.
    File,
}

/// A configuration that went live.
///
/// ```
/// let a = loglisten::dict_config_str(r#"{"version": 1, "incremental": true}"#).unwrap();
/// assert!(a.generation >= 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    /// Dict or file config.
    pub kind: ConfigKind,
    /// The process-wide generation now live: one more for each applied
    /// configuration, so an operator can tell which push is running.
    pub generation: u64,
}

static GENERATION: AtomicU64 = AtomicU64::new(0);

/// The generation of the configuration now live (0 before the first).
///
/// ```
/// let before = loglisten::config_generation();
/// loglisten::dict_config_str(r#"{"version": 1, "incremental": true}"#).unwrap();
/// assert!(loglisten::config_generation() > before);
/// ```
pub fn config_generation() -> u64 {
    GENERATION.load(Ordering::SeqCst)
}

pub(crate) fn next_generation() -> u64 {
    GENERATION.fetch_add(1, Ordering::SeqCst) + 1
}

/// Options of [`file_config_with`], as `fileConfig`'s keyword arguments.
///
/// ```
/// let options = loglisten::FileConfigOptions {
///     disable_existing_loggers: false,
///     defaults: vec![("logdir".into(), "/tmp".into())],
/// };
/// assert!(!options.disable_existing_loggers);
/// ```
#[derive(Clone, Debug)]
pub struct FileConfigOptions {
    /// Disable loggers that exist but are not named (default true).
    pub disable_existing_loggers: bool,
    /// Values for interpolation, as `ConfigParser(defaults)`.
    pub defaults: Vec<(String, String)>,
}

impl Default for FileConfigOptions {
    fn default() -> Self {
        FileConfigOptions {
            disable_existing_loggers: true,
            defaults: Vec::new(),
        }
    }
}

/// Applies a dictConfig value, like Python's `logging.config.dictConfig`.
///
/// ```
/// let config = loglisten::json::parse(r#"{"version": 1, "root": {"level": "ERROR"}}"#).unwrap();
/// loglisten::dict_config(&config).unwrap();
/// assert_eq!(loglisten::get_logger("").level(), loglisten::Level::ERROR);
/// # loglisten::dict_config_str(r#"{"version": 1, "root": {"level": "WARNING"}}"#).unwrap();
/// ```
pub fn dict_config(config: &Value) -> Result<Applied, ConfigError> {
    build::apply(dict::read_built(config)?, ConfigKind::Dict)
}

/// Parses JSON text and applies it as [`dict_config`].
///
/// ```
/// let err = loglisten::dict_config_str("{").unwrap_err();
/// assert_eq!(err.to_string(), "EOF while parsing an object at line 1 column 2");
/// ```
pub fn dict_config_str(text: &str) -> Result<Applied, ConfigError> {
    build::apply(dict::read(parse_json(text)?)?, ConfigKind::Dict)
}

fn parse_json(text: &str) -> Result<Value, ConfigError> {
    crate::json::parse(text).map_err(|e| ConfigError::at(e.to_string(), e.position()))
}

/// Reads an INI file and applies it, like Python's
/// `logging.config.fileConfig(path)`.
///
/// ```
/// let err = loglisten::file_config("/nonexistent/logging.ini").unwrap_err();
/// assert_eq!(err.to_string(), "/nonexistent/logging.ini: No such file or directory (os error 2)");
/// ```
pub fn file_config(path: impl AsRef<std::path::Path>) -> Result<Applied, ConfigError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new(path.display().to_string(), e.to_string()))?;
    file_config_str_with(&text, &FileConfigOptions::default())
}

/// Applies INI text as `fileConfig` with default options.
///
/// ```
/// let err = loglisten::file_config_str("[loggers]\nkeys=root\n").unwrap_err();
/// assert_eq!(err.to_string(), "[formatters]: section is missing");
/// ```
pub fn file_config_str(text: &str) -> Result<Applied, ConfigError> {
    file_config_str_with(text, &FileConfigOptions::default())
}

/// Reads an INI file and applies it with options.
///
/// ```
/// let options = loglisten::FileConfigOptions::default();
/// assert!(loglisten::file_config_with("/nonexistent.ini", &options).is_err());
/// ```
pub fn file_config_with(
    path: impl AsRef<std::path::Path>,
    options: &FileConfigOptions,
) -> Result<Applied, ConfigError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new(path.display().to_string(), e.to_string()))?;
    file_config_str_with(&text, options)
}

/// Applies INI text as `fileConfig` with options.
///
/// ```
/// let options = loglisten::FileConfigOptions::default();
/// assert!(loglisten::file_config_str_with("", &options).is_err());
/// ```
pub fn file_config_str_with(
    text: &str,
    options: &FileConfigOptions,
) -> Result<Applied, ConfigError> {
    build::apply(file::read(text, options)?, ConfigKind::File)
}

/// The listener's step, exactly CPython's rule: the bytes must be UTF-8;
/// if the text parses as a JSON object it is applied as dictConfig,
/// otherwise as fileConfig. When both fail and the text looks like JSON
/// (it starts with `{`), the JSON error is the one reported; INI text
/// starts with `[` and gets the INI error.
///
/// ```
/// use loglisten::{apply_config, ConfigKind};
/// let ini = "[loggers]\nkeys=root\n[handlers]\nkeys=\n[formatters]\nkeys=\n[logger_root]\nhandlers=\n";
/// assert_eq!(apply_config(ini.as_bytes()).unwrap().kind, ConfigKind::File);
/// let err = apply_config(b"{\"version\": 1,}").unwrap_err();
/// assert_eq!(err.to_string(), "trailing comma at line 1 column 14");
/// ```
pub fn apply_config(bytes: &[u8]) -> Result<Applied, ConfigError> {
    let (config, kind) = read_any(bytes)?;
    build::apply(config, kind)
}

/// Checks `bytes` as [`apply_config`] would apply them, and applies
/// nothing: syntax, structure, levels, formats, class names, references
/// between entries and every handler's arguments. Only what needs the
/// system (opening files, binding sockets) is left to applying.
///
/// ```
/// use loglisten::{check_config, ConfigKind};
/// assert_eq!(check_config(br#"{"version": 1}"#).unwrap(), ConfigKind::Dict);
/// let err = check_config(br#"{"version": 1, "root": {"handlers": ["h"]}}"#).unwrap_err();
/// assert_eq!(err.to_string(), "root.handlers: Unable to add handler 'h'");
/// ```
pub fn check_config(bytes: &[u8]) -> Result<ConfigKind, ConfigError> {
    let (config, kind) = read_any(bytes)?;
    build::check(&config)?;
    Ok(kind)
}

/// UTF-8, then a JSON object as dictConfig, anything else as fileConfig.
fn read_any(bytes: &[u8]) -> Result<(Config, ConfigKind), ConfigError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        ConfigError::new(
            "",
            format!("configuration is not UTF-8: invalid byte at offset {offset}"),
        )
    })?;
    let json_error = match crate::json::parse(text) {
        Ok(value @ Value::Object(_)) => return Ok((dict::read(value)?, ConfigKind::Dict)),
        Ok(_) => None,
        Err(e) => Some(e),
    };
    match file::read(text, &FileConfigOptions::default()) {
        Ok(config) => Ok((config, ConfigKind::File)),
        Err(ini_error) => Err(match json_error {
            Some(e) if text.trim_start().starts_with('{') => {
                ConfigError::at(e.to_string(), e.position())
            }
            _ => ini_error,
        }),
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod check_tests;
