//! The parsed value and its Python `repr`.

use crate::pyrepr::{float_repr, str_repr};
use std::fmt;

/// A value parsed from a fileConfig `args=` or `kwargs=` expression.
///
/// Integers are `i64`: every integer a logging configuration needs (sizes,
/// ports, levels, facilities) fits, and a literal or result outside that
/// range is reported as an error rather than silently widened.
///
/// `Display` prints the value the way Python's `repr` does, except that the
/// two stream markers print as the expressions `sys.stdout` / `sys.stderr`.
///
/// ```
/// use loglisten::pyliteral::{parse, PyValue};
/// let v = parse("('app.log', 'a', 10*1024*1024, 5)").unwrap();
/// assert_eq!(v, PyValue::Tuple(vec![
///     PyValue::Str("app.log".into()),
///     PyValue::Str("a".into()),
///     PyValue::Int(10485760),
///     PyValue::Int(5),
/// ]));
/// assert_eq!(v.to_string(), "('app.log', 'a', 10485760, 5)");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum PyValue {
    /// `None`.
    None,
    /// `True` or `False`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A float (literals only; float arithmetic is rejected).
    Float(f64),
    /// A string.
    Str(String),
    /// A tuple, `()`, `(x,)`, `(x, y)` or a bare `x, y`.
    Tuple(Vec<PyValue>),
    /// A list.
    List(Vec<PyValue>),
    /// A dict in insertion order. Keys are hashable values (no lists or
    /// dicts); a repeated key keeps its first position with the last value,
    /// as in Python (where `1`, `1.0` and `True` are the same key).
    Dict(Vec<(PyValue, PyValue)>),
    /// `sys.stdout`.
    Stdout,
    /// `sys.stderr`.
    Stderr,
}

impl PyValue {
    /// The name of the Python type of this value (`sys.stdout` and
    /// `sys.stderr` are `TextIOWrapper`s), for error messages.
    ///
    /// ```
    /// use loglisten::pyliteral::PyValue;
    /// assert_eq!(PyValue::None.type_name(), "NoneType");
    /// assert_eq!(PyValue::Stderr.type_name(), "TextIOWrapper");
    /// ```
    pub fn type_name(&self) -> &'static str {
        match self {
            PyValue::None => "NoneType",
            PyValue::Bool(_) => "bool",
            PyValue::Int(_) => "int",
            PyValue::Float(_) => "float",
            PyValue::Str(_) => "str",
            PyValue::Tuple(_) => "tuple",
            PyValue::List(_) => "list",
            PyValue::Dict(_) => "dict",
            PyValue::Stdout | PyValue::Stderr => "TextIOWrapper",
        }
    }
}

impl fmt::Display for PyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PyValue::None => f.write_str("None"),
            PyValue::Bool(true) => f.write_str("True"),
            PyValue::Bool(false) => f.write_str("False"),
            PyValue::Int(i) => write!(f, "{i}"),
            PyValue::Float(x) => f.write_str(&float_repr(*x)),
            PyValue::Str(s) => f.write_str(&str_repr(s)),
            PyValue::Tuple(items) => {
                f.write_str("(")?;
                write_items(f, items)?;
                if items.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            PyValue::List(items) => {
                f.write_str("[")?;
                write_items(f, items)?;
                f.write_str("]")
            }
            PyValue::Dict(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            PyValue::Stdout => f.write_str("sys.stdout"),
            PyValue::Stderr => f.write_str("sys.stderr"),
        }
    }
}

fn write_items(f: &mut fmt::Formatter<'_>, items: &[PyValue]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}
