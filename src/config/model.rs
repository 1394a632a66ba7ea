//! A configuration as plain data, from either front end, and the
//! definitions a running configuration was built from.

use super::error::ConfigError;
use crate::filter::Filter;
use crate::format::Formatter;
use crate::handler::SharedHandler;
use crate::json::Map;
use crate::level::Level;
use std::sync::Arc;

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

/// What the last whole configuration defined by name, kept in the
/// snapshot it built: formatters and filters have no place in the tree
/// but the handlers and loggers that use them.
#[derive(Debug, Default)]
pub(crate) struct Defined {
    /// With the formatters built from them, reused for an equal spec.
    pub formatters: Vec<(String, FormatterSpec, Formatter)>,
    pub filters: Vec<(String, FilterSpec, Arc<dyn Filter>)>,
    /// Python's `logging._handlers`: the last whole configuration's
    /// handlers (named), what an incremental configuration refers to, with
    /// the entries they were built from.
    pub handlers: Vec<(SharedHandler, HandlerSpec)>,
}

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
    /// The registry's generation now live (see
    /// [`Registry::config_generation`](crate::Registry::config_generation)), so an operator can tell which
    /// push is running.
    pub generation: u64,
}

/// Options of [`file_config_with`](crate::file_config_with), as `fileConfig`'s keyword arguments.
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

/// How [`Registry::apply_config_with`](crate::Registry::apply_config_with)
/// applies a configuration. The default applies it as
/// [`apply_config`](crate::apply_config) does.
///
/// ```
/// let options = loglisten::ApplyOptions { if_generation: Some(7), dry_run: true };
/// assert_ne!(options, loglisten::ApplyOptions::default());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Apply only if the live generation is this one; otherwise the error
    /// is `generation is 9, not 7` and nothing changes. The test and the
    /// swap happen under the lock that serializes configurations and
    /// overrides, so no other push or override goes live in between
    /// (changes made in code, such as `Logger::set_level`, are not
    /// serialized with it).
    pub if_generation: Option<u64>,
    /// Build the configuration as a push would (classes resolved,
    /// formatters compiled, files checked for writing) without creating,
    /// truncating or connecting anything, then discard it: `Ok` or exactly
    /// the error a push would give, and nothing changes.
    pub dry_run: bool,
}
