//! The value tree, and the tree walks (clone, equality) done with a heap
//! stack instead of recursion, and drop with recursion bounded to a few
//! levels, so no nesting depth can overflow the stack.

use super::{write, Map, Number};
use std::fmt;

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

// ---- drop: recursive while shallow, iterative when deep ----

/// How many container levels plain recursion may drop before the rest of
/// the tree is torn down with a heap stack: deep enough for any real
/// document, shallow enough for any thread's stack.
const DROP_RECURSION: usize = 32;

thread_local! {
    /// How many container drops are under way on this thread's call stack.
    static DROP_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Drops a container's items (`Vec<Value>` for arrays, members for
/// objects). While the nesting so far is shallow this is plain recursion,
/// with no scan and no allocation; at [`DROP_RECURSION`] levels the nested
/// children are moved to a heap stack and torn down one by one.
pub(crate) fn drop_items<T>(items: &mut Vec<T>, values: fn(&mut [T], &mut Vec<Value>)) {
    if items.is_empty() {
        return;
    }
    let depth = DROP_DEPTH.get();
    if depth < DROP_RECURSION {
        DROP_DEPTH.set(depth + 1);
        drop(std::mem::take(items));
        DROP_DEPTH.set(depth);
    } else {
        let mut stack = Vec::new();
        values(items, &mut stack);
        tear_down(stack);
    }
}

/// [`drop_items`] for an object's members.
pub(crate) fn drop_members(entries: &mut Vec<super::map::Entry>) {
    drop_items(entries, |entries, stack| {
        take_nested(entries.iter_mut().map(|e| &mut e.value), stack)
    });
}

/// Moves the values that have children of their own onto `stack` (leaving
/// `Null`), so that what remains drops without going deeper.
fn take_nested<'a>(values: impl Iterator<Item = &'a mut Value>, stack: &mut Vec<Value>) {
    for v in values {
        let nested = match v {
            Value::Array(a) => !a.0.is_empty(),
            Value::Object(m) => !m.is_empty(),
            _ => false,
        };
        if nested {
            stack.push(std::mem::take(v));
        }
    }
}

/// Drops containers without recursion: each one's nested children move to
/// the heap stack before it is dropped, so every drop is one level deep.
fn tear_down(mut stack: Vec<Value>) {
    while let Some(mut v) = stack.pop() {
        match &mut v {
            Value::Array(a) => take_nested(a.0.iter_mut(), &mut stack),
            Value::Object(m) => take_nested(m.values_mut(), &mut stack),
            _ => {}
        }
    }
}

impl Drop for Array {
    fn drop(&mut self) {
        drop_items(&mut self.0, |items, stack| {
            take_nested(items.iter_mut(), stack)
        });
    }
}

// ---- iterative clone ----

/// A container being copied: where we are in the source, what is built.
enum CloneFrame<'a> {
    Array(std::slice::Iter<'a, Value>, Vec<Value>),
    Object(std::slice::Iter<'a, super::map::Entry>, Map),
}

impl<'a> CloneFrame<'a> {
    /// Returns the value at the frame's position, and (for objects) stores a
    /// copy of its key with a placeholder to be filled by [`Self::fill`].
    fn advance(&mut self) -> Option<&'a Value> {
        match self {
            CloneFrame::Array(src, out) => {
                let v = src.next()?;
                out.push(Value::Null);
                Some(v)
            }
            CloneFrame::Object(src, out) => {
                let e = src.next()?;
                out.push_placeholder(e);
                Some(&e.value)
            }
        }
    }

    /// Replaces the placeholder added by the last `advance`.
    fn fill(&mut self, value: Value) {
        let slot = match self {
            CloneFrame::Array(_, out) => out.last_mut(),
            CloneFrame::Object(_, out) => out.last_value_mut(),
        };
        if let Some(slot) = slot {
            *slot = value;
        }
    }

    fn finish(self) -> Value {
        match self {
            CloneFrame::Array(_, out) => Value::Array(Array(out)),
            CloneFrame::Object(_, out) => Value::Object(out),
        }
    }
}

/// A copy of a scalar or an empty container, or the frame to copy its members.
fn clone_shallow(v: &Value) -> Result<Value, CloneFrame<'_>> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::Bool(b) => Ok(Value::Bool(*b)),
        Value::Number(n) => Ok(Value::Number(n.clone())),
        Value::String(s) => Ok(Value::String(s.clone())),
        Value::Array(a) if a.0.is_empty() => Ok(Value::Array(Array::new())),
        Value::Array(a) => Err(CloneFrame::Array(a.0.iter(), Vec::with_capacity(a.0.len()))),
        Value::Object(m) if m.is_empty() => Ok(Value::Object(Map::new())),
        Value::Object(m) => Err(CloneFrame::Object(m.entries().iter(), m.empty_like())),
    }
}

fn clone_value(root: &Value) -> Value {
    let mut current = match clone_shallow(root) {
        Ok(v) => return v,
        Err(frame) => frame,
    };
    let mut parents: Vec<CloneFrame<'_>> = Vec::new();
    loop {
        match current.advance() {
            Some(child) => match clone_shallow(child) {
                Ok(v) => current.fill(v),
                Err(frame) => parents.push(std::mem::replace(&mut current, frame)),
            },
            None => {
                let done = current.finish();
                match parents.pop() {
                    None => return done,
                    Some(mut parent) => {
                        parent.fill(done);
                        current = parent;
                    }
                }
            }
        }
    }
}

impl Clone for Value {
    fn clone(&self) -> Value {
        clone_value(self)
    }
}

impl Clone for Array {
    fn clone(&self) -> Array {
        // Copy the elements one by one: each copy is itself iterative.
        Array(self.0.iter().map(clone_value).collect())
    }
}

// ---- iterative equality ----

/// Compares pairs of values, pushing the members of containers on the stack.
pub(crate) fn all_equal<'a>(mut pending: Vec<(&'a Value, &'a Value)>) -> bool {
    while let Some(pair) = pending.pop() {
        match pair {
            (Value::Null, Value::Null) => {}
            (Value::Bool(a), Value::Bool(b)) if a == b => {}
            (Value::Number(a), Value::Number(b)) if a == b => {}
            (Value::String(a), Value::String(b)) if a == b => {}
            (Value::Array(a), Value::Array(b)) if a.0.len() == b.0.len() => {
                pending.extend(a.0.iter().zip(b.0.iter()));
            }
            (Value::Object(a), Value::Object(b)) => {
                if !a.push_member_pairs(b, &mut pending) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        all_equal(vec![(self, other)])
    }
}

impl PartialEq for Array {
    fn eq(&self, other: &Array) -> bool {
        self.0.len() == other.0.len() && all_equal(self.0.iter().zip(other.0.iter()).collect())
    }
}

// ---- text ----

impl fmt::Display for Value {
    /// Writes exactly what Python's `json.dumps(value)` writes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write::write_value(f, self)
    }
}

impl fmt::Debug for Value {
    /// The JSON text, as `Display` writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write::write_value(f, self)
    }
}

impl fmt::Debug for Array {
    /// The JSON text of the array.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write::write_array(f, self)
    }
}

#[cfg(test)]
mod tests {
    use super::{Array, Value, DROP_DEPTH, DROP_RECURSION};
    use crate::json::Map;

    /// `depth` arrays nested in one another around `leaf`.
    fn chain(depth: usize, leaf: Value) -> Value {
        let mut v = leaf;
        for _ in 0..depth {
            v = Value::Array(vec![v].into());
        }
        v
    }

    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn drops_recurse_only_while_shallow_and_leave_the_depth_at_zero() {
        on_small_stack(|| {
            // Wide and deep: many chains longer than the recursion bound, at
            // different depths, in arrays and objects, with scalars between.
            let mut root = Map::new();
            for i in 0..50 {
                let deep = chain(DROP_RECURSION * 3 + i, Value::from("leaf"));
                let mut m = Map::new();
                m.insert("deep".into(), deep);
                m.insert("n".into(), Value::from(i as i64));
                root.insert(format!("k{i}"), chain(i, Value::Object(m)));
            }
            root.insert("huge".into(), chain(200_000, Value::Null));
            drop(Value::Object(root));
            assert_eq!(DROP_DEPTH.get(), 0);
            let text = "[".repeat(100_000) + &"]".repeat(100_000);
            let parsed = crate::json::parse_with_max_depth(&text, 100_000).unwrap();
            drop(parsed);
            assert_eq!(DROP_DEPTH.get(), 0);
        });
    }

    #[test]
    fn a_drop_starting_at_the_bound_goes_iterative_at_once() {
        // Start the drop already at the bound: the iterative path runs at once.
        on_small_stack(|| {
            DROP_DEPTH.set(DROP_RECURSION);
            let a: Array = vec![chain(100_000, Value::from(1i64)), Value::Null].into();
            drop(a);
            assert_eq!(DROP_DEPTH.get(), DROP_RECURSION);
            DROP_DEPTH.set(0);
        });
    }
}
