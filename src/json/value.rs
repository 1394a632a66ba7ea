//! The value tree: [`Value`], [`Array`] and [`Map`], declared together
//! because each holds the others, and the accessors of values and arrays.
//! The methods of maps are in `map.rs`, the walks over the whole tree in
//! `walk.rs`, printing in `write.rs`: all of them import this file, which
//! imports none of them.

use super::index::Index;
use super::Number;
use std::sync::Arc;

/// A JSON value.
///
/// ```
/// use loglisten::json::Value;
///
/// let v: Value = r#"{"handlers": ["console"], "level": "DEBUG"}"#.parse()?;
/// assert_eq!(v.get("level").and_then(Value::as_str), Some("DEBUG"));
/// match v.get("handlers") {
///     Some(Value::Array(items)) => assert_eq!(items[0].as_str(), Some("console")),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), loglisten::json::Error>(())
/// ```
#[derive(Default)]
pub enum Value {
    /// `null` (Python's `None`).
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number: an exact integer or an `f64`.
    Number(Number),
    /// A string.
    String(String),
    /// An array (Python's `list`).
    Array(Array),
    /// An object (Python's `dict`), members in order.
    Object(Map),
}

impl Value {
    /// The string, if this is a string.
    ///
    /// ```
    /// use loglisten::json::Value;
    /// assert_eq!(Value::from("x").as_str(), Some("x"));
    /// assert_eq!(Value::Null.as_str(), None);
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is an integer that fits in `i64` (never for a
    /// float, even `1.0`).
    ///
    /// ```
    /// use loglisten::json::Value;
    /// assert_eq!(Value::from(-3i64).as_i64(), Some(-3));
    /// assert_eq!(Value::from(u64::MAX).as_i64(), None);
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number()?.as_i64()
    }

    /// The integer, if this is an integer that fits in `u64`.
    ///
    /// ```
    /// use loglisten::json::Value;
    /// assert_eq!(Value::from(u64::MAX).as_u64(), Some(u64::MAX));
    /// assert_eq!(Value::from(-1i64).as_u64(), None);
    /// ```
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number()?.as_u64()
    }

    /// The number as `f64`, if this is a number (see [`Number::as_f64`]).
    ///
    /// ```
    /// use loglisten::json::Value;
    /// assert_eq!("2.5".parse::<Value>()?.as_f64(), Some(2.5));
    /// assert_eq!(Value::from(3i64).as_f64(), Some(3.0));
    /// # Ok::<(), loglisten::json::Error>(())
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number()?.as_f64()
    }

    /// The number, if this is a number.
    ///
    /// ```
    /// use loglisten::json::Value;
    /// assert!(Value::from(1i64).as_number().is_some());
    /// ```
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The boolean, if this is `true` or `false`.
    ///
    /// ```
    /// use loglisten::json::Value;
    /// assert_eq!(Value::Bool(true).as_bool(), Some(true));
    /// ```
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The array, if this is an array.
    ///
    /// ```
    /// use loglisten::json::Value;
    /// let v: Value = "[1, 2]".parse()?;
    /// assert_eq!(v.as_array().map(|a| a.len()), Some(2));
    /// # Ok::<(), loglisten::json::Error>(())
    /// ```
    pub fn as_array(&self) -> Option<&Array> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The object, if this is an object.
    ///
    /// ```
    /// use loglisten::json::Value;
    /// let v: Value = r#"{"a": 1}"#.parse()?;
    /// assert_eq!(v.as_object().map(|m| m.len()), Some(1));
    /// # Ok::<(), loglisten::json::Error>(())
    /// ```
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Whether this is `null`.
    ///
    /// ```
    /// use loglisten::json::Value;
    /// assert!(Value::Null.is_null());
    /// ```
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The member `key` of this object; `None` if absent or not an object.
    ///
    /// ```
    /// use loglisten::json::Value;
    /// let v: Value = r#"{"a": {"b": true}}"#.parse()?;
    /// assert_eq!(v.get("a").and_then(|a| a.get("b")), Some(&Value::Bool(true)));
    /// assert_eq!(v.get("zz"), None);
    /// # Ok::<(), loglisten::json::Error>(())
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }
}

/// Python's truthiness of a parsed value (`bool(value)`): false for
/// `null`, `false`, zero and empty strings, arrays and objects.
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// A JSON object: members in insertion order, like a Python dict.
///
/// Inserting an existing key replaces its value in place (the last value
/// wins, at the first key's position).
///
/// ```
/// use loglisten::json::{Map, Value};
///
/// let mut m = Map::new();
/// m.insert("b".to_string(), Value::from(1i64));
/// m.insert("a".to_string(), Value::from(2i64));
/// m.insert("b".to_string(), Value::from(3i64));
/// assert_eq!(Value::Object(m).to_string(), r#"{"b": 3, "a": 2}"#);
/// ```
#[derive(Default)]
pub struct Map {
    pub(super) entries: Vec<Entry>,
    /// The text the keys are ranges of; `None` while the map has no members.
    pub(super) keys: Option<Arc<String>>,
    /// Present above a few members (see `map.rs`).
    pub(super) index: Option<Box<Index>>,
}

/// A member: its key is `keys[start..end]` of the map's key text.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) value: Value,
}

/// A JSON array: a vector of values that dereferences to `[Value]`.
///
/// It is its own type (not a bare `Vec`) so that dropping a deeply nested
/// array can be done iteratively.
///
/// ```
/// use loglisten::json::{Array, Value};
///
/// let mut a = Array::new();
/// a.push(Value::from(1i64));
/// a.push(Value::from("two"));
/// assert_eq!(a.len(), 2);
/// assert_eq!(Value::Array(a).to_string(), r#"[1, "two"]"#);
/// ```
#[derive(Default)]
pub struct Array(pub(crate) Vec<Value>);

impl Array {
    /// An empty array.
    ///
    /// ```
    /// assert!(loglisten::json::Array::new().is_empty());
    /// ```
    pub fn new() -> Array {
        Array(Vec::new())
    }

    /// Appends a value.
    ///
    /// ```
    /// let mut a = loglisten::json::Array::new();
    /// a.push(true.into());
    /// assert_eq!(a[0].as_bool(), Some(true));
    /// ```
    pub fn push(&mut self, value: Value) {
        self.0.push(value);
    }

    /// The values, as a vector.
    ///
    /// ```
    /// let a: loglisten::json::Array = vec![1i64.into()].into();
    /// assert_eq!(a.into_vec().len(), 1);
    /// ```
    pub fn into_vec(mut self) -> Vec<Value> {
        std::mem::take(&mut self.0)
    }
}

impl std::ops::Deref for Array {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        &self.0
    }
}

impl std::ops::DerefMut for Array {
    fn deref_mut(&mut self) -> &mut [Value] {
        &mut self.0
    }
}

impl From<Vec<Value>> for Array {
    fn from(values: Vec<Value>) -> Array {
        Array(values)
    }
}

impl FromIterator<Value> for Array {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Array {
        Array(iter.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a Array {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(n.into())
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Number(n.into())
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<Array> for Value {
    fn from(a: Array) -> Value {
        Value::Array(a)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Object(m)
    }
}
