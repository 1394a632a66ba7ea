//! `basicConfig`: one handler on the root logger, for programs that want
//! output without writing a configuration.

use super::error::ConfigError;
use crate::format::{Formatter, Style};
use crate::handler::{FileHandler, FileSettings, Handler, Mode, SharedHandler, StreamHandler};
use crate::level::Level;
use crate::registry::{Registry, ROOT};
use std::path::PathBuf;

/// The arguments of Python's `logging.basicConfig`, for [`basic_config`].
/// `Default` is `basicConfig()` with no arguments.
///
/// ```
/// use loglisten::{BasicConfig, Level};
/// let config = BasicConfig { level: Some(Level::INFO), force: true, ..BasicConfig::default() };
/// assert_eq!(config.filemode, None);
/// ```
#[derive(Debug, Default)]
pub struct BasicConfig {
    /// The root logger's level.
    pub level: Option<Level>,
    /// The format (default: the style's `%(levelname)s:%(name)s:%(message)s`).
    pub format: Option<String>,
    /// The date format for `asctime`.
    pub datefmt: Option<String>,
    /// The format's style.
    pub style: Style,
    /// Log to this file instead of a stream.
    pub filename: Option<PathBuf>,
    /// The file's mode, `a` (default) or `w`.
    pub filemode: Option<String>,
    /// The file's encoding (UTF-8 names only).
    pub encoding: Option<String>,
    /// Log to this stream handler (default: stderr).
    pub stream: Option<StreamHandler>,
    /// Use these handlers instead (those without a formatter get the one
    /// built from `format`).
    pub handlers: Option<Vec<SharedHandler>>,
    /// Remove and close the root's handlers first.
    pub force: bool,
}

/// Python's `logging.basicConfig(**kwargs)`: when the root logger has no
/// handler (or `force` is set), adds a stream or file handler with a
/// formatter to it and sets its level; otherwise does nothing. The errors
/// are Python's.
///
/// ```
/// use loglisten::{basic_config, BasicConfig, Level};
/// basic_config(BasicConfig { level: Some(Level::INFO), force: true, ..BasicConfig::default() }).unwrap();
/// assert_eq!(loglisten::get_logger("").level(), Level::INFO);
/// let both = BasicConfig { filename: Some("x.log".into()), stream: Some(Default::default()), ..BasicConfig::default() };
/// assert_eq!(basic_config(both).unwrap_err().to_string(), "'stream' and 'filename' should not be specified together");
/// ```
pub fn basic_config(config: BasicConfig) -> Result<(), ConfigError> {
    Registry::global().basic_config(config)
}

impl Registry {
    /// Python's `logging.basicConfig` on this registry (see
    /// [`basic_config`]).
    ///
    /// ```
    /// use loglisten::{BasicConfig, Level, Registry};
    /// let registry = Registry::new();
    /// registry.basic_config(BasicConfig { level: Some(Level::INFO), ..BasicConfig::default() }).unwrap();
    /// assert_eq!(registry.get_logger("").level(), Level::INFO);
    /// assert_eq!(registry.get_logger("").handlers().len(), 1);
    /// ```
    pub fn basic_config(&self, config: BasicConfig) -> Result<(), ConfigError> {
        basic(self, config)
    }
}

fn basic(registry: &Registry, config: BasicConfig) -> Result<(), ConfigError> {
    let core = &registry.core;
    let _one_at_a_time = core.apply_lock();
    if config.handlers.is_some() && (config.stream.is_some() || config.filename.is_some()) {
        return Err(ConfigError::new(
            "",
            "'stream' or 'filename' should not be specified together with 'handlers'",
        ));
    }
    if config.stream.is_some() && config.filename.is_some() {
        return Err(ConfigError::new(
            "",
            "'stream' and 'filename' should not be specified together",
        ));
    }
    let root = core.current().settings(ROOT).handlers.clone();
    if !config.force && !root.is_empty() {
        return Ok(());
    }
    let format = config
        .format
        .unwrap_or_else(|| basic_format(config.style).to_string());
    let mut builder = Formatter::builder().fmt(format).style(config.style);
    if let Some(datefmt) = config.datefmt {
        builder = builder.datefmt(datefmt);
    }
    let formatter = builder
        .build()
        .map_err(|e| ConfigError::new("format", e.to_string()))?;
    let handlers = match config.handlers {
        Some(handlers) => handlers,
        None => vec![SharedHandler::builder_boxed(new_handler(
            config.filename,
            config.filemode,
            config.encoding,
            config.stream,
        )?)
        .build()],
    };
    for handler in &handlers {
        handler.set_formatter_if_unset(formatter.clone());
    }
    core.reconfigure(|draft| {
        let settings = draft.settings(ROOT);
        settings.handlers = handlers;
        if let Some(level) = config.level {
            settings.level = level;
        }
    });
    // Python closes the removed handlers even if other loggers hold them.
    if config.force {
        for handler in root {
            handler.flush();
            handler.close();
        }
    }
    Ok(())
}

fn new_handler(
    filename: Option<PathBuf>,
    filemode: Option<String>,
    encoding: Option<String>,
    stream: Option<StreamHandler>,
) -> Result<Box<dyn Handler>, ConfigError> {
    let Some(filename) = filename else {
        return Ok(Box::new(stream.unwrap_or_default()));
    };
    let mut settings = FileSettings::new(filename);
    if let Some(mode) = filemode {
        settings.mode =
            Mode::parse(&mode).map_err(|e| ConfigError::new("filemode", e.to_string()))?;
    }
    settings.encoding = encoding;
    let path = settings.filename.display().to_string();
    FileHandler::new(settings)
        .map(|h| Box::new(h) as Box<dyn Handler>)
        .map_err(|e| ConfigError::from_cause(path, e))
}

/// Python's `_STYLES[style][1]`, the `basicConfig` default format.
fn basic_format(style: Style) -> &'static str {
    match style {
        Style::Percent => "%(levelname)s:%(name)s:%(message)s",
        Style::Brace => "{levelname}:{name}:{message}",
        Style::Dollar => "${levelname}:${name}:${message}",
    }
}
