//! Python's `logging.config.listen()` for Rust.
//!
//! A program embeds this crate; a listener thread receives logging
//! configurations (CPython's dictConfig JSON or fileConfig INI, behind a
//! 4-byte big-endian length) and applies them atomically to the program's
//! logging runtime, with Python's semantics. std only, synchronous, small.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

mod error;
mod filter;
mod format;
pub mod handler;
mod level;
mod logger;
mod record;
mod registry;
mod time;

pub use error::Position;
pub use filter::{Filter, NameFilter};
pub use format::{FormatError, Formatter, FormatterBuilder, Style};
pub use handler::{Handler, SharedHandler, SharedHandlerBuilder};
pub use level::{add_level_name, Level, UnknownLevel};
pub use logger::{get_logger, Logger};
#[doc(hidden)]
pub use record::__function_name;
pub use record::{Location, Record};
pub use registry::{disable, shutdown};
