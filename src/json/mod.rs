//! JSON: a strict RFC 8259 parser and a serializer that writes exactly what
//! Python's `json.dumps(value)` writes.
//!
//! dictConfig payloads arrive as JSON; this module turns them into a
//! [`Value`] tree with Python's meaning, and prints values back the way
//! CPython would.
//!
//! ```
//! use loglisten::json::{self, Value};
//!
//! let v = json::parse(r#"{"version": 1, "root": {"level": "INFO"}}"#)?;
//! assert_eq!(v.get("version").and_then(Value::as_i64), Some(1));
//! assert_eq!(v.to_string(), r#"{"version": 1, "root": {"level": "INFO"}}"#);
//! # Ok::<(), json::Error>(())
//! ```
//!
//! # Decisions
//!
//! - **Objects** ([`Map`]) keep their members in insertion order, like Python's
//!   dicts. On a duplicate key the *last* value wins and stays at the *first*
//!   key's position (what `dict` does). Lookups are a linear scan for small
//!   objects and use a hash index above 16 members, so large objects never
//!   cost quadratic time. The objects of a parsed document keep their keys
//!   as ranges of one shared copy of the document text (one allocation for
//!   all keys), which lives as long as any of those objects.
//! - **Numbers** ([`Number`]): integers are exact over the whole `i64` and `u64`
//!   range. Integers beyond both are kept exactly as their literal digits (as
//!   Python keeps them as `int`) and printed back unchanged; they are never
//!   rounded, and [`Number::as_i64`]/[`Number::as_u64`] return `None` for them.
//!   Numbers with a fraction or exponent are `f64`, correctly rounded. A float
//!   literal too large for `f64` (such as `1e400`) is rejected with
//!   `number out of range`: Python would make it `inf`, which JSON cannot
//!   express and `json.dumps` prints as the non-JSON `Infinity`.
//! - **Strings**: all escapes, surrogate pairs included. A lone surrogate escape
//!   (`"\ud800"`) is accepted, as Python accepts it, but a Rust string cannot
//!   hold it, so it becomes U+FFFD (the replacement character).
//! - **Strictness**: no trailing commas, comments, leading zeros, `NaN` or
//!   `Infinity`, single quotes or byte order mark (Python's `json.loads`
//!   rejects a BOM too); whitespace is only space, tab, CR and LF; nothing may
//!   follow the value but whitespace.
//! - **Depth**: at most [`DEFAULT_MAX_DEPTH`] (128, serde_json's default)
//!   nested arrays and objects; [`parse_with_max_depth`] changes it.
//! - **Output**: `Display` is `json.dumps(value)` with its defaults:
//!   separators `", "` and `": "`, non-ASCII and control characters as
//!   `\uXXXX` (surrogate pairs above U+FFFF), floats like Python's `repr`
//!   (`1.0`, `1e+16`, `1.5e-07`, `-0.0`). `Debug` prints the same text.
//! - **Equality**: objects compare without regard to member order (as Python's
//!   dicts do); an integer never equals a float (`1` != `1.0`).
//! - **No deep recursion**: parsing, printing, equality and cloning walk the
//!   tree with a heap stack; dropping recurses at most 32 levels (cheap for
//!   real documents) and tears down anything deeper with a heap stack. So
//!   even a value nested a million levels deep (built by hand) cannot
//!   overflow the thread's stack.

// One way: `number` and `index`; then `value`, the tree's types (a value
// holds maps and arrays and they hold values, so the three are declared
// together); `map`, the methods of maps; `walk` (drop, clone, equality)
// and `write` (printing) over the tree; `parse` on top, and `plain` (a
// fast reader of plain shapes that hands the rest to `parse`) above it.
// Nothing below calls up.
mod index;
mod map;
mod number;
mod parse;
mod plain;
mod value;
mod walk;
mod write;

pub use map::Iter;
pub use number::Number;
pub(crate) use parse::parse_noting_references;
pub use parse::Error;
pub(crate) use plain::{parse_reading_member, Plain, Scalar};
pub(crate) use value::truthy;
pub use value::{Array, Map, Value};

/// How deeply arrays and objects may nest in [`parse`]: 128, like serde_json.
/// `[[1]]` has depth 2.
///
/// ```
/// let deep = "[".repeat(129) + &"]".repeat(129);
/// assert!(loglisten::json::parse(&deep).is_err());
/// assert_eq!(loglisten::json::DEFAULT_MAX_DEPTH, 128);
/// ```
pub const DEFAULT_MAX_DEPTH: usize = 128;

/// Parses a JSON text strictly (RFC 8259), with the default depth limit
/// [`DEFAULT_MAX_DEPTH`].
///
/// ```
/// let v = loglisten::json::parse("[1, 2.5, \"x\", null]")?;
/// assert_eq!(v.to_string(), "[1, 2.5, \"x\", null]");
///
/// let err = loglisten::json::parse("[1, 2,]").unwrap_err();
/// assert_eq!(err.to_string(), "trailing comma at line 1 column 6");
/// # Ok::<(), loglisten::json::Error>(())
/// ```
pub fn parse(text: &str) -> Result<Value, Error> {
    parse::parse_text(text, DEFAULT_MAX_DEPTH)
}

/// Parses like [`parse`], allowing at most `max_depth` nested arrays and
/// objects (0 allows only a scalar).
///
/// ```
/// use loglisten::json::parse_with_max_depth;
///
/// assert!(parse_with_max_depth("[[1]]", 2).is_ok());
/// let err = parse_with_max_depth("[[1]]", 1).unwrap_err();
/// assert_eq!(err.to_string(), "recursion limit exceeded at line 1 column 2");
/// ```
pub fn parse_with_max_depth(text: &str, max_depth: usize) -> Result<Value, Error> {
    parse::parse_text(text, max_depth)
}

impl std::str::FromStr for Value {
    type Err = Error;

    /// Same as [`parse`].
    fn from_str(text: &str) -> Result<Value, Error> {
        parse(text)
    }
}
