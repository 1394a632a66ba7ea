//! A safe parser for the Python expressions in fileConfig's `args=` and
//! `kwargs=` (CPython runs them through `eval(text, vars(logging))`).
//!
//! Nothing is ever evaluated as code: [`parse`] reads a small subset of
//! Python into a [`PyValue`] and rejects everything else with an [`Error`]
//! that names the offending token and its line and column.
//!
//! Accepted:
//! - literals: `None`, `True`, `False`; integers in decimal, `0x`, `0o` and
//!   `0b` with `_` between digits (Python's rules); floats (`1.5`, `.5`,
//!   `1e3`, `1_0.5`); strings in `'`, `"`, `'''` or `"""` quotes with Python's
//!   escapes, the `r` and `u` prefixes, adjacent literals concatenated;
//! - tuples (`()`, `(x,)`, `(x, y)`, and a bare `x, y` at the top), lists and
//!   dicts (hashable keys; a repeated key keeps its first place and the last
//!   value), with line breaks and comments inside brackets;
//! - integer arithmetic `+ - * // % **` and unary `-` / `+`, with Python's
//!   precedence, associativity and rounding (`-7 // 2 == -4`, `-2**2 == -4`);
//!   `True` and `False` count as `1` and `0`, as in Python;
//! - the names `fileConfig` commonly uses: `sys.stdout`, `sys.stderr`, the
//!   level names `DEBUG` … `CRITICAL` (also `WARN`, `FATAL`, `NOTSET`),
//!   `handlers.SysLogHandler.LOG_*`, `handlers.SYSLOG_UDP_PORT` and the other
//!   port constants of logging.handlers, and
//!   `config.DEFAULT_LOGGING_CONFIG_PORT`.
//!
//! Where this differs from Python:
//! - integers are `i64`: a literal or any intermediate result outside that
//!   range is an overflow error (so `i64::MIN` must be written
//!   `-9223372036854775807 - 1`);
//! - arithmetic involving a float, true division `/`, and `**` with a
//!   negative exponent (all of which give floats in Python) are errors;
//!   unary `-` and `+` on a float literal are fine;
//! - nesting (brackets, unary operators and `**` awaiting their right
//!   operand, together) is limited to [`MAX_DEPTH`] levels, so no input
//!   exhausts the stack; the parser itself uses no recursion;
//! - `\N{...}` escapes and lone surrogates (`'\ud800'`) are rejected;
//! - blank lines and indentation around the expression are accepted
//!   (Python's `eval` rejects an indented line after a line break);
//! - calls, attributes, subscripts, other names and keywords, comparison,
//!   boolean and bitwise operators, sets, comprehensions, `lambda`, bytes and
//!   f-strings, and complex numbers are errors.
//!
//! ```
//! use loglisten::pyliteral::{parse, PyValue};
//! let v = parse("(sys.stderr,)").unwrap();
//! assert_eq!(v, PyValue::Tuple(vec![PyValue::Stderr]));
//! let e = parse("(open('x'),)").unwrap_err();
//! assert_eq!(e.to_string(), "unsupported call of 'open' at line 1 column 6");
//! ```

// One way: `value` and `error` at the bottom; `lex`, `names`, `arith`,
// `dict` above them; `parse` on top; this file only re-exports and calls it.
mod arith;
mod dict;
mod error;
mod lex;
mod names;
mod parse;
mod value;

pub use error::Error;
pub use parse::MAX_DEPTH;
pub use value::PyValue;

/// Parses one `args=` / `kwargs=` expression. Surrounding whitespace is
/// allowed; line breaks only inside brackets.
///
/// ```
/// use loglisten::pyliteral::{parse, PyValue};
/// assert_eq!(parse(" 'a', 2 ** 10 ").unwrap().to_string(), "('a', 1024)");
/// assert_eq!(
///     parse("{'level': DEBUG}").unwrap(),
///     PyValue::Dict(vec![(PyValue::Str("level".into()), PyValue::Int(10))])
/// );
/// ```
pub fn parse(text: &str) -> Result<PyValue, Error> {
    parse::parse_text(text)
}
