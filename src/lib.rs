//! Python's `logging.config.listen()` for Rust.
//!
//! A program embeds this crate; a listener thread receives logging
//! configurations (CPython's dictConfig JSON or fileConfig INI, behind a
//! 4-byte big-endian length) and applies them atomically to the program's
//! logging runtime, with Python's semantics. std only, synchronous, small.
//!
//! The three things a program does: configure, log, listen.
//!
//! ```
//! use loglisten::{info, Level, Registry};
//! // The free functions work on the process's registry; a `Registry` of
//! // your own is an independent logging system (what tests use).
//! let registry = Registry::new();
//! registry.dict_config_str(r#"{"version": 1,
//!     "handlers": {"out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
//!     "root": {"level": "INFO", "handlers": ["out"]}}"#)?;
//! let log = registry.get_logger("app.db");
//! info!(log, "connected to {}", "db-1");
//! let listener = loglisten::Listener::builder().registry(&registry).port(0).spawn()?;
//! let reply = loglisten::send_config(("127.0.0.1", listener.port()),
//!     br#"{"version": 1, "incremental": true, "loggers": {"app.db": {"level": "DEBUG"}}}"#)?;
//! assert!(matches!(reply, loglisten::Reply::Ok { .. }));
//! assert!(log.is_enabled_for(Level::DEBUG));
//! listener.stop();
//! listener.join()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Where things are: [`Registry`] (one logging system: loggers, live
//! configuration, generation, factories) and [`Logger`] with the macros
//! ([`info!`], …); configuration through [`dict_config_str`],
//! [`file_config`], [`basic_config`], [`apply_config`], read back with
//! [`current_config`]; [`handler`] and [`Formatter`] for the runtime;
//! [`listener`] and [`send_config`] for the socket side; [`verify`] for
//! signed messages; [`json`], [`ini`], [`pyliteral`] for the parsers.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

mod bridge;
mod client;
mod command;
mod config;
mod confine;
mod deadline;
mod error;
mod fields;
mod filter;
mod format;
pub mod handler;
mod hash;
mod level;
pub mod listener;
mod logger;
#[cfg(feature = "net-handlers")]
mod pickle;
mod pyrepr;
#[cfg(test)]
mod python_test;
mod record;
mod registry;
mod resolve;
mod sha256;
mod sort;
mod sync;
mod time;
mod tracing_bridge;
pub mod verify;
mod watch;
mod wire;

pub mod ini;
pub mod json;

pub mod pyliteral;

#[doc(hidden)]
pub use bridge::{
    __cached_enabled, __enabled, __enabled_log, __level_of, __with_logger, __with_static_logger,
};
pub use bridge::{facade_max_level, target_logger_name};
pub use client::{send_command, send_config, send_config_with, CommandReply, Reply, SendOptions};
#[cfg(unix)]
pub use client::{send_command_unix, send_config_unix, send_config_unix_with};
pub use command::{Command, LevelSpec, Op};
pub use config::{
    apply_config, basic_config, check_config, config_generation, current_config, dict_config,
    dict_config_str, file_config, file_config_str, file_config_str_with, file_config_with,
    register_filter, register_formatter, register_handler, Applied, ApplyOptions, BasicConfig,
    ConfigError, ConfigKind, FileConfigOptions,
};
pub use error::Position;
#[doc(hidden)]
pub use fields::{__check_field_name, __display_field};
pub use fields::{is_reserved_field, Field, FieldValue, ToField};
pub use filter::{Filter, NameFilter};
pub use format::{Format, FormatError, Formatter, FormatterBuilder, Style};
pub use handler::{Handler, SharedHandler, SharedHandlerBuilder};
pub use level::{add_level_name, Level, UnknownLevel};
pub use listener::{listen, stop_listening, Listener, DEFAULT_LOGGING_CONFIG_PORT};
pub use logger::{get_logger, Logger, LoggerAdapter};
#[doc(hidden)]
pub use record::__function_name;
pub use record::{Location, OwnedRecord, Record};
pub use registry::{
    disable, most_verbose_level, on_reconfigure, shutdown, LiveView, LoggerView, OverrideView,
    Registry,
};
#[doc(hidden)]
pub use tracing_bridge::{__EventFields, __FieldSink, __SpanFields};
pub use watch::{watch_file, WatchOptions, WatchOutcome, Watcher};

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
