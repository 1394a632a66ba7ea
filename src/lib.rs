//! Python's `logging.config.listen()` for Rust.
//!
//! A program embeds this crate; a listener thread receives logging
//! configurations (CPython's dictConfig JSON or fileConfig INI, behind a
//! 4-byte big-endian length) and applies them atomically to the program's
//! logging runtime, with Python's semantics. std only, synchronous, small.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

mod client;
mod config;
mod error;
mod filter;
mod format;
pub mod handler;
mod level;
pub mod listener;
mod logger;
#[cfg(feature = "net-handlers")]
mod pickle;
#[cfg(test)]
mod python_test;
mod record;
mod registry;
mod sha256;
mod time;
pub mod verify;
mod wire;

pub mod ini;
pub mod json;

pub mod pyliteral;

pub use client::{send_config, send_config_with, Reply, SendOptions};
#[cfg(unix)]
pub use client::{send_config_unix, send_config_unix_with};
pub use config::{
    apply_config, basic_config, check_config, config_generation, current_config, dict_config,
    dict_config_str, file_config, file_config_str, file_config_str_with, file_config_with,
    register_filter, register_formatter, register_handler, Applied, BasicConfig, ConfigError,
    ConfigKind, FileConfigOptions,
};
pub use error::Position;
pub use filter::{Filter, NameFilter};
pub use format::{FormatError, Formatter, FormatterBuilder, Style};
pub use handler::{Handler, SharedHandler, SharedHandlerBuilder};
pub use level::{add_level_name, Level, UnknownLevel};
pub use listener::{listen, stop_listening, Listener, DEFAULT_LOGGING_CONFIG_PORT};
pub use logger::{get_logger, Logger};
#[doc(hidden)]
pub use record::__function_name;
pub use record::{Location, OwnedRecord, Record};
pub use registry::{disable, shutdown};

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
