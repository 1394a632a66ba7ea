//! Python's `logging.config.listen()` for Rust.
//!
//! A program embeds this crate; a listener thread receives logging
//! configurations (CPython's dictConfig JSON or fileConfig INI, behind a
//! 4-byte big-endian length) and applies them atomically to the program's
//! logging runtime, with Python's semantics. std only, synchronous, small.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

mod error;

pub mod pyliteral;

pub use error::Position;
