//! Objects: members in insertion order, with a hash index for large ones.

use super::value::{all_equal, take_nested, tear_down};
use super::{write, Value};
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;

/// Above this many members a map keeps a hash index; below, a linear scan of
/// a few short keys is faster than hashing.
const INDEX_THRESHOLD: usize = 16;

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
    entries: Vec<(String, Value)>,
    index: Option<Box<Index>>,
}

/// Open addressing with linear probing: each slot holds an entry's position
/// plus one (0 is empty). The table is at most half full. Each key's hash is
/// kept, so growing never hashes again and probes compare hashes first.
#[derive(Clone)]
struct Index {
    hasher: RandomState,
    slots: Vec<usize>,
    /// The hash of each entry's key, by position.
    hashes: Vec<u64>,
}

impl Index {
    fn new(entries: &[(String, Value)]) -> Index {
        let hasher = RandomState::new();
        let hashes = entries
            .iter()
            .map(|(k, _)| hasher.hash_one(k.as_str()))
            .collect();
        let mut index = Index {
            hasher,
            slots: Vec::new(),
            hashes,
        };
        index.rebuild((entries.len() * 2).next_power_of_two().max(64));
        index
    }

    fn rebuild(&mut self, size: usize) {
        self.slots = vec![0; size];
        for i in 0..self.hashes.len() {
            let slot = self.free_slot(self.hashes[i]);
            self.slots[slot] = i + 1;
        }
    }

    fn hash(&self, key: &str) -> u64 {
        self.hasher.hash_one(key)
    }

    fn free_slot(&self, hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        i
    }

    /// `Ok(entry position)` if `key` is present, else `Err(free slot)`.
    fn probe(&self, entries: &[(String, Value)], key: &str, hash: u64) -> Result<usize, usize> {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            match self.slots[i] {
                0 => return Err(i),
                n if self.hashes[n - 1] == hash && entries[n - 1].0 == key => return Ok(n - 1),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Records the entry just pushed at `position`, in the free `slot`.
    fn add(&mut self, slot: usize, position: usize, hash: u64) {
        self.slots[slot] = position + 1;
        self.hashes.push(hash);
        if self.hashes.len() * 2 > self.slots.len() {
            self.rebuild(self.slots.len() * 2);
        }
    }
}

impl Map {
    /// An empty map.
    ///
    /// ```
    /// assert!(loglisten::json::Map::new().is_empty());
    /// ```
    pub fn new() -> Map {
        Map::default()
    }

    /// The number of members.
    ///
    /// ```
    /// let v: loglisten::json::Value = r#"{"a": 1, "a": 2}"#.parse()?;
    /// assert_eq!(v.as_object().unwrap().len(), 1);
    /// # Ok::<(), loglisten::json::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no members.
    ///
    /// ```
    /// assert!(loglisten::json::Map::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of `key`, if present.
    ///
    /// ```
    /// let v: loglisten::json::Value = r#"{"a": 1}"#.parse()?;
    /// let m = v.as_object().unwrap();
    /// assert_eq!(m.get("a").and_then(|a| a.as_i64()), Some(1));
    /// assert!(m.get("b").is_none());
    /// # Ok::<(), loglisten::json::Error>(())
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key).map(|i| &self.entries[i].1)
    }

    /// Inserts a member. An existing key keeps its position and gets the new
    /// value; the old value is returned.
    ///
    /// ```
    /// use loglisten::json::{Map, Value};
    /// let mut m = Map::new();
    /// assert_eq!(m.insert("k".into(), Value::Null), None);
    /// assert_eq!(m.insert("k".into(), true.into()), Some(Value::Null));
    /// assert_eq!(m.len(), 1);
    /// ```
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        let found = match &self.index {
            Some(index) => {
                let hash = index.hash(&key);
                index
                    .probe(&self.entries, &key, hash)
                    .map_err(|slot| (slot, hash))
            }
            None => self
                .entries
                .iter()
                .position(|(k, _)| *k == key)
                .ok_or((0, 0)),
        };
        match found {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err((slot, hash)) => {
                self.push_at(slot, hash, key, value);
                None
            }
        }
    }

    /// The members in order, as `(key, value)` pairs.
    ///
    /// ```
    /// let v: loglisten::json::Value = r#"{"z": 1, "a": 2}"#.parse()?;
    /// let keys: Vec<&str> = v.as_object().unwrap().iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["z", "a"]);
    /// # Ok::<(), loglisten::json::Error>(())
    /// ```
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    fn find(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.probe(&self.entries, key, index.hash(key)).ok(),
            None => self.entries.iter().position(|(k, _)| k == key),
        }
    }

    /// Appends a new member; `slot` and `hash` come from a failed probe when
    /// the map is indexed (else they are unused).
    fn push_at(&mut self, slot: usize, hash: u64, key: String, value: Value) {
        self.entries.push((key, value));
        match &mut self.index {
            Some(index) => index.add(slot, self.entries.len() - 1, hash),
            None if self.entries.len() > INDEX_THRESHOLD => {
                self.index = Some(Box::new(Index::new(&self.entries)));
            }
            None => {}
        }
    }

    /// Appends a member whose key the caller knows is not present.
    pub(crate) fn push_unique(&mut self, key: String, value: Value) {
        let (slot, hash) = match &self.index {
            Some(index) => {
                let hash = index.hash(&key);
                (index.free_slot(hash), hash)
            }
            None => (0, 0),
        };
        self.push_at(slot, hash, key, value);
    }

    /// The members, moved out in order.
    pub(crate) fn into_entries(mut self) -> Vec<(String, Value)> {
        std::mem::take(&mut self.entries)
    }

    /// The members in order, values mutable.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (k.as_str(), v))
    }

    /// The value of the last member, for filling in placeholders.
    pub(crate) fn last_value_mut(&mut self) -> Option<&mut Value> {
        self.entries.last_mut().map(|(_, v)| v)
    }

    /// An empty map with room for as many members as `self`.
    pub(crate) fn empty_like(&self) -> Map {
        Map {
            entries: Vec::with_capacity(self.entries.len()),
            index: None,
        }
    }

    /// For the iterative drop: see [`take_nested`].
    pub(crate) fn take_nested(&mut self, stack: &mut Vec<Value>) {
        take_nested(self.entries.iter_mut().map(|(_, v)| v), stack);
    }

    /// For equality: false if the key sets differ, else pushes the pairs of
    /// values to compare. Member order does not matter, as in Python.
    pub(crate) fn push_member_pairs<'a>(
        &'a self,
        other: &'a Map,
        pending: &mut Vec<(&'a Value, &'a Value)>,
    ) -> bool {
        if self.len() != other.len() {
            return false;
        }
        for (key, value) in &self.entries {
            match other.get(key) {
                Some(theirs) => pending.push((value, theirs)),
                None => return false,
            }
        }
        true
    }
}

impl Drop for Map {
    fn drop(&mut self) {
        let mut stack = Vec::new();
        self.take_nested(&mut stack);
        if !stack.is_empty() {
            tear_down(stack);
        }
    }
}

impl Clone for Map {
    fn clone(&self) -> Map {
        // Each value's copy is itself iterative; the index copies as is.
        Map {
            entries: self
                .entries
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            index: self.index.clone(),
        }
    }
}

impl PartialEq for Map {
    /// Same members with equal values, in any order.
    fn eq(&self, other: &Map) -> bool {
        let mut pending = Vec::new();
        self.push_member_pairs(other, &mut pending) && all_equal(pending)
    }
}

impl fmt::Debug for Map {
    /// The JSON text of the object.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write::write_map(f, self)
    }
}

impl FromIterator<(String, Value)> for Map {
    /// Inserts the members in order (a repeated key keeps its first position
    /// and its last value).
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Map {
        let mut map = Map::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a str, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Iterator over a [`Map`]'s members in order, from [`Map::iter`].
///
/// ```
/// let v: loglisten::json::Value = r#"{"a": 1}"#.parse()?;
/// let mut it = v.as_object().unwrap().iter();
/// assert_eq!(it.next().map(|(k, _)| k), Some("a"));
/// assert!(it.next().is_none());
/// # Ok::<(), loglisten::json::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Iter<'a>(std::slice::Iter<'a, (String, Value)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Value);

    fn next(&mut self) -> Option<(&'a str, &'a Value)> {
        self.0.next().map(|(k, v)| (k.as_str(), v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_finds_every_key_and_replaces_in_place() {
        let mut m = Map::new();
        for i in 0..1000 {
            assert_eq!(m.insert(format!("k{i}"), Value::from(i as i64)), None);
        }
        assert!(m.index.is_some());
        for i in 0..1000 {
            assert_eq!(
                m.get(&format!("k{i}")).and_then(Value::as_i64),
                Some(i as i64)
            );
        }
        assert_eq!(
            m.insert("k500".into(), Value::Null),
            Some(Value::from(500i64))
        );
        assert_eq!(m.len(), 1000);
        assert_eq!(
            m.iter().nth(500).map(|(k, v)| (k, v.is_null())),
            Some(("k500", true))
        );
        assert!(m.get("k1000").is_none());
        // A copy keeps a working index.
        let c = m.clone();
        assert_eq!(c.get("k999").and_then(Value::as_i64), Some(999));
        assert!(c == m);
    }

    #[test]
    fn small_maps_have_no_index() {
        let m: Map = (0..INDEX_THRESHOLD)
            .map(|i| (i.to_string(), Value::Null))
            .collect();
        assert!(m.index.is_none());
        let m: Map = (0..=INDEX_THRESHOLD)
            .map(|i| (i.to_string(), Value::Null))
            .collect();
        assert!(m.index.is_some());
    }
}
