//! The walks over a whole tree: clone and equality with a heap stack
//! instead of recursion, and drop with recursion bounded to a few levels,
//! so no nesting depth can overflow the stack.

use super::value::Entry;
use super::{Array, Map, Value};

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
fn drop_items<T>(items: &mut Vec<T>, values: fn(&mut [T], &mut Vec<Value>)) {
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
fn drop_members(entries: &mut Vec<Entry>) {
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
    Object(std::slice::Iter<'a, Entry>, Map),
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
fn all_equal<'a>(mut pending: Vec<(&'a Value, &'a Value)>) -> bool {
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

impl Drop for Map {
    fn drop(&mut self) {
        drop_members(self.entries_for_drop());
    }
}

impl Clone for Map {
    fn clone(&self) -> Map {
        // Each value's copy is itself iterative.
        self.with_values_copied(clone_value)
    }
}

impl PartialEq for Map {
    /// Same members with equal values, in any order.
    fn eq(&self, other: &Map) -> bool {
        let mut pending = Vec::new();
        self.push_member_pairs(other, &mut pending) && all_equal(pending)
    }
}

#[cfg(test)]
mod tests {
    use super::{Array, Map, Value, DROP_DEPTH, DROP_RECURSION};

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
