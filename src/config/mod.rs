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
mod dry_run;
pub(crate) mod dump;
pub(crate) mod error;
pub(crate) mod file;
pub(crate) mod model;
mod names;
#[cfg(feature = "net-handlers")]
pub(crate) mod net;
pub(crate) mod opener;
mod plain_loggers;
#[cfg(feature = "queue-handler")]
pub(crate) mod queue;
pub(crate) mod standard;
pub(crate) mod turn;

use crate::json::Value;
use crate::registry::Registry;

pub(crate) use crate::registry::gate::NotApplied;
pub use basic::{basic_config, BasicConfig};
pub use classes::{register_filter, register_formatter, register_handler};
pub use dump::current_config;
pub use error::ConfigError;
use model::Config;
pub use model::{Applied, ApplyOptions, ConfigKind, FileConfigOptions};

/// The generation of the configuration now live in the process's
/// registry (0 before the first change; see
/// [`Registry::config_generation`]).
///
/// ```
/// let before = loglisten::config_generation();
/// loglisten::dict_config_str(r#"{"version": 1, "incremental": true}"#).unwrap();
/// assert!(loglisten::config_generation() > before);
/// ```
pub fn config_generation() -> u64 {
    Registry::global().config_generation()
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
    Registry::global().dict_config(config)
}

/// Parses JSON text and applies it as [`dict_config`].
///
/// ```
/// let err = loglisten::dict_config_str("{").unwrap_err();
/// assert_eq!(err.to_string(), "EOF while parsing an object at line 1 column 2");
/// ```
pub fn dict_config_str(text: &str) -> Result<Applied, ConfigError> {
    Registry::global().dict_config_str(text)
}

/// Parses a dictConfig text and reads it into a [`Config`].
fn read_json(text: &str) -> Result<Config, ConfigError> {
    if let Some(config) = plain_loggers::read(text) {
        return Ok(config);
    }
    let (value, references) =
        crate::json::parse_noting_references(text, crate::json::DEFAULT_MAX_DEPTH)
            .map_err(json_error)?;
    dict::read_parsed(value, references)
}

fn json_error(e: crate::json::Error) -> ConfigError {
    ConfigError::at(e.to_string(), e.position()).caused_by(e)
}

/// The text of the file at `path`; an error names the path.
fn read_file(path: &std::path::Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path)
        .map_err(|e| ConfigError::from_cause(path.display().to_string(), e))
}

/// Reads an INI file and applies it, like Python's
/// `logging.config.fileConfig(path)`.
///
/// ```
/// let err = loglisten::file_config("/nonexistent/logging.ini").unwrap_err();
/// assert_eq!(err.to_string(), "/nonexistent/logging.ini: No such file or directory (os error 2)");
/// ```
pub fn file_config(path: impl AsRef<std::path::Path>) -> Result<Applied, ConfigError> {
    Registry::global().file_config(path)
}

/// Applies INI text as `fileConfig` with default options.
///
/// ```
/// let err = loglisten::file_config_str("[loggers]\nkeys=root\n").unwrap_err();
/// assert_eq!(err.to_string(), "[formatters]: section is missing");
/// ```
pub fn file_config_str(text: &str) -> Result<Applied, ConfigError> {
    Registry::global().file_config_str(text)
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
    Registry::global().file_config_with(path, options)
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
    Registry::global().file_config_str_with(text, options)
}

/// The listener's step, exactly CPython's rule: the bytes must be UTF-8;
/// if the text parses as a JSON object it is applied as dictConfig,
/// otherwise as fileConfig. When both fail and the text looks like JSON
/// (it starts with `{`, after a UTF-8 byte order mark if any), the JSON
/// error is the one reported; INI text starts with `[` and gets the INI
/// error. A byte order mark before JSON is skipped.
///
/// ```
/// use loglisten::{apply_config, ConfigKind};
/// let ini = "[loggers]\nkeys=root\n[handlers]\nkeys=\n[formatters]\nkeys=\n[logger_root]\nhandlers=\n";
/// assert_eq!(apply_config(ini.as_bytes()).unwrap().kind, ConfigKind::File);
/// let err = apply_config(b"{\"version\": 1,}").unwrap_err();
/// assert_eq!(err.to_string(), "trailing comma at line 1 column 14");
/// ```
pub fn apply_config(bytes: &[u8]) -> Result<Applied, ConfigError> {
    Registry::global().apply_config(bytes)
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
    Registry::global().check_config(bytes)
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
    // A UTF-8 byte order mark before JSON is skipped (CPython's
    // `json.loads` refuses it); INI text skips it in its own reader.
    let json_text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(config) = plain_loggers::read(json_text) {
        return Ok((config, ConfigKind::Dict));
    }
    let parsed = crate::json::parse_noting_references(json_text, crate::json::DEFAULT_MAX_DEPTH);
    let json_error = match parsed {
        Ok((value @ Value::Object(_), references)) => {
            return Ok((dict::read_parsed(value, references)?, ConfigKind::Dict))
        }
        Ok(_) => None,
        Err(e) => Some(e),
    };
    match file::read(text, &FileConfigOptions::default()) {
        Ok(config) => Ok((config, ConfigKind::File)),
        Err(ini_error) => Err(match json_error {
            // Text that starts like JSON gets the JSON error (its
            // position counts from after the mark).
            Some(e) if json_text.trim_start().starts_with('{') => self::json_error(e),
            _ => ini_error,
        }),
    }
}

/// Applying configurations to a registry: the free functions above, for
/// any [`Registry`].
impl Registry {
    /// Applies a dictConfig value to this registry (see [`dict_config`]).
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// let config = loglisten::json::parse(r#"{"version": 1, "root": {"level": "ERROR"}}"#).unwrap();
    /// registry.dict_config(&config).unwrap();
    /// assert_eq!(registry.get_logger("").level(), loglisten::Level::ERROR);
    /// ```
    pub fn dict_config(&self, config: &Value) -> Result<Applied, ConfigError> {
        turn::apply(&self.core, dict::read_built(config)?, ConfigKind::Dict)
    }

    /// Parses JSON text and applies it to this registry (see
    /// [`dict_config_str`]).
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// let applied = registry.dict_config_str(r#"{"version": 1}"#).unwrap();
    /// assert_eq!(applied.generation, 1);
    /// ```
    pub fn dict_config_str(&self, text: &str) -> Result<Applied, ConfigError> {
        turn::apply(&self.core, read_json(text)?, ConfigKind::Dict)
    }

    /// Reads an INI file and applies it to this registry (see
    /// [`file_config`]).
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// assert!(registry.file_config("/nonexistent/logging.ini").is_err());
    /// ```
    pub fn file_config(&self, path: impl AsRef<std::path::Path>) -> Result<Applied, ConfigError> {
        self.file_config_with(path, &FileConfigOptions::default())
    }

    /// Reads an INI file and applies it with options (see
    /// [`file_config_with`]).
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// let options = loglisten::FileConfigOptions::default();
    /// assert!(registry.file_config_with("/nonexistent.ini", &options).is_err());
    /// ```
    pub fn file_config_with(
        &self,
        path: impl AsRef<std::path::Path>,
        options: &FileConfigOptions,
    ) -> Result<Applied, ConfigError> {
        let text = read_file(path.as_ref())?;
        self.file_config_str_with(&text, options)
    }

    /// Applies INI text as `fileConfig` with default options (see
    /// [`file_config_str`]).
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// let ini = "[loggers]\nkeys=root\n[handlers]\nkeys=\n[formatters]\nkeys=\n[logger_root]\nlevel=INFO\nhandlers=\n";
    /// registry.file_config_str(ini).unwrap();
    /// assert_eq!(registry.get_logger("").level(), loglisten::Level::INFO);
    /// ```
    pub fn file_config_str(&self, text: &str) -> Result<Applied, ConfigError> {
        self.file_config_str_with(text, &FileConfigOptions::default())
    }

    /// Applies INI text as `fileConfig` with options (see
    /// [`file_config_str_with`]).
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// let options = loglisten::FileConfigOptions::default();
    /// assert!(registry.file_config_str_with("", &options).is_err());
    /// ```
    pub fn file_config_str_with(
        &self,
        text: &str,
        options: &FileConfigOptions,
    ) -> Result<Applied, ConfigError> {
        turn::apply(&self.core, file::read(text, options)?, ConfigKind::File)
    }

    /// Applies bytes as the listener does (see [`apply_config`]).
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// let applied = registry.apply_config(br#"{"version": 1}"#).unwrap();
    /// assert_eq!(applied.kind, loglisten::ConfigKind::Dict);
    /// ```
    pub fn apply_config(&self, bytes: &[u8]) -> Result<Applied, ConfigError> {
        let (config, kind) = read_any(bytes)?;
        turn::apply(&self.core, config, kind)
    }

    /// Applies bytes as [`Registry::apply_config`] does, under conditions:
    /// only if the live generation is the one expected, or as a dry run
    /// that builds everything a push would and discards it (see
    /// [`ApplyOptions`]). A dry run returns the live generation, unchanged.
    ///
    /// ```
    /// use loglisten::{ApplyOptions, Registry};
    /// let registry = Registry::new();
    /// let config = br#"{"version": 1, "root": {"level": "INFO"}}"#;
    /// let dry = ApplyOptions { dry_run: true, ..ApplyOptions::default() };
    /// assert_eq!(registry.apply_config_with(config, dry).unwrap().generation, 0);
    /// let stale = ApplyOptions { if_generation: Some(7), ..ApplyOptions::default() };
    /// let err = registry.apply_config_with(config, stale).unwrap_err();
    /// assert_eq!(err.to_string(), "generation is 0, not 7");
    /// let current = ApplyOptions { if_generation: Some(0), ..ApplyOptions::default() };
    /// assert_eq!(registry.apply_config_with(config, current).unwrap().generation, 1);
    /// ```
    pub fn apply_config_with(
        &self,
        bytes: &[u8],
        options: ApplyOptions,
    ) -> Result<Applied, ConfigError> {
        let (config, kind) = read_any(bytes)?;
        turn::apply_with(&self.core, config, kind, options)
    }

    /// [`Registry::apply_config_with`] for a push someone waits for (the
    /// listener's): waits for its turn behind earlier applies only until
    /// `deadline`, is dropped if it waited long and `still_wanted()` then
    /// says its client has gone, and builds within the same deadline
    /// (see [`turn::apply_when`]). Parsing happens before the wait.
    pub(crate) fn apply_config_when(
        &self,
        bytes: &[u8],
        options: ApplyOptions,
        deadline: std::time::Instant,
        still_wanted: impl Fn() -> bool,
    ) -> Result<Applied, NotApplied> {
        let (config, kind) = read_any(bytes).map_err(NotApplied::Config)?;
        turn::apply_when(&self.core, config, kind, options, deadline, &still_wanted)
    }

    /// Checks bytes as [`Registry::apply_config`] would apply them, with
    /// this registry's factories, and applies nothing (see
    /// [`check_config`]).
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// assert!(registry.check_config(br#"{"version": 1}"#).is_ok());
    /// assert_eq!(registry.config_generation(), 0);
    /// ```
    pub fn check_config(&self, bytes: &[u8]) -> Result<ConfigKind, ConfigError> {
        let (config, kind) = read_any(bytes)?;
        build::check(&self.core, &config)?;
        Ok(kind)
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod check_tests;
