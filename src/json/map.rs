//! Objects' behaviour: members in insertion order, with a hash index for
//! large ones. (The [`Map`] type itself is declared beside [`Value`] in
//! `value.rs`, since each holds the other; this file adds the methods.)
//!
//! A map does not own one `String` per key: each member records where its
//! key lies in a key text, and that text is shared. Every object of a parsed
//! document shares one copy of the document text (one allocation for all
//! keys instead of one per key); a map built or changed by hand gets a key
//! text of its own the first time it needs to add a key.

use super::index::Index;
use super::value::{Entry, Map, Value};
use std::sync::Arc;

/// Above this many members a map keeps a hash index; below, a linear scan of
/// a few short keys is faster than hashing.
const INDEX_THRESHOLD: usize = 16;

/// The key of `entry` in the key text `keys`.
fn key_in<'a>(keys: &'a str, entry: &Entry) -> &'a str {
    keys.get(entry.start..entry.end).unwrap_or_default()
}

/// The keys of `entries` in the key text `keys`, in order.
fn key_iter<'a>(keys: &'a str, entries: &'a [Entry]) -> impl ExactSizeIterator<Item = &'a str> {
    entries.iter().map(move |e| key_in(keys, e))
}

/// Whether two of `entries` have the same key (a quadratic scan: for small
/// objects only).
fn has_repeated_key(keys: &str, entries: &[Entry]) -> bool {
    let keys = keys.as_bytes();
    entries.iter().enumerate().any(|(i, a)| {
        let key = keys.get(a.start..a.end);
        entries[..i]
            .iter()
            .any(|b| b.end - b.start == a.end - a.start && keys.get(b.start..b.end) == key)
    })
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
        self.locate(key).ok().map(|i| &self.entries[i].value)
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
        match self.locate(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].value, value)),
            Err((slot, hash)) => {
                let (start, end) = self.append_key(&key);
                self.push_entry(Entry { start, end, value }, slot, hash);
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
        Iter {
            keys: self.key_text(),
            entries: self.entries.iter(),
        }
    }

    fn key_text(&self) -> &str {
        self.keys.as_deref().map_or("", String::as_str)
    }

    /// `Ok(position)` of `key`, else `Err((slot, hash))` to pass to
    /// [`Self::push_entry`] (both 0 when the map has no index).
    fn locate(&self, key: &str) -> Result<usize, (usize, u64)> {
        let keys = self.key_text();
        match &self.index {
            Some(index) => index.probe(key, |i| key_in(keys, &self.entries[i]) == key),
            None => {
                let keys = keys.as_bytes();
                let key = key.as_bytes();
                self.entries
                    .iter()
                    .position(|e| keys.get(e.start..e.end) == Some(key))
                    .ok_or((0, 0))
            }
        }
    }

    /// Appends `key` to this map's own key text and returns its range. A
    /// shared text (a parsed document's, or a copy's) is first replaced by
    /// one holding just this map's keys.
    fn append_key(&mut self, key: &str) -> (usize, usize) {
        let keys = self.keys.get_or_insert_with(Default::default);
        if Arc::get_mut(keys).is_none() {
            let mut own = String::new();
            for e in &mut self.entries {
                let old = key_in(keys, e);
                e.start = own.len();
                own.push_str(old);
                e.end = own.len();
            }
            *keys = Arc::new(own);
        }
        // Not shared any more, so this does not copy.
        let text = Arc::make_mut(keys);
        let start = text.len();
        text.push_str(key);
        (start, text.len())
    }

    /// Appends a member whose key is not present; `slot` and `hash` come from
    /// [`Self::locate`].
    fn push_entry(&mut self, entry: Entry, slot: usize, hash: u64) {
        self.entries.push(entry);
        match &mut self.index {
            Some(index) => index.add(slot, self.entries.len() - 1, hash),
            None if self.entries.len() > INDEX_THRESHOLD => {
                self.index = Some(Box::new(Index::new(key_iter(
                    self.key_text(),
                    &self.entries,
                ))));
            }
            None => {}
        }
    }

    /// The object of a parsed document: `members`' keys are ranges of `keys`.
    /// A repeated key keeps its first position and its last value.
    pub(crate) fn from_parsed(keys: Arc<String>, members: Vec<Entry>) -> Map {
        if members.len() <= INDEX_THRESHOLD && !has_repeated_key(&keys, &members) {
            // The common case: a small object without repeated keys needs
            // neither lookups nor an index.
            return Map {
                entries: members,
                keys: Some(keys),
                index: None,
            };
        }
        let mut map = Map {
            entries: Vec::with_capacity(members.len()),
            keys: Some(keys),
            index: None,
        };
        for entry in members {
            match map.locate(key_in(map.key_text(), &entry)) {
                Ok(i) => map.entries[i].value = entry.value,
                Err((slot, hash)) => map.push_entry(entry, slot, hash),
            }
        }
        map
    }

    /// The members, for the tree walks.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// A map with the same keys (sharing the key text, copying the index)
    /// and `copy(value)` for each value: how `walk.rs` clones a map.
    pub(crate) fn with_values_copied(&self, copy: impl Fn(&Value) -> Value) -> Map {
        Map {
            entries: self
                .entries
                .iter()
                .map(|e| Entry {
                    start: e.start,
                    end: e.end,
                    value: copy(&e.value),
                })
                .collect(),
            keys: self.keys.clone(),
            index: self.index.clone(),
        }
    }

    /// The members themselves, for the drop in `walk.rs` only (which
    /// empties them: the index is not kept in step).
    pub(crate) fn entries_for_drop(&mut self) -> &mut Vec<Entry> {
        &mut self.entries
    }

    /// The values, for the iterative drop.
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.entries.iter_mut().map(|e| &mut e.value)
    }

    /// An empty map sharing `self`'s key text and index, with room for its
    /// members: [`Self::push_placeholder`] then fills it in the same order.
    pub(crate) fn empty_like(&self) -> Map {
        Map {
            entries: Vec::with_capacity(self.entries.len()),
            keys: self.keys.clone(),
            index: self.index.clone(),
        }
    }

    /// Appends a member with `like`'s key and a `null` value to fill in.
    pub(crate) fn push_placeholder(&mut self, like: &Entry) {
        self.entries.push(Entry {
            start: like.start,
            end: like.end,
            value: Value::Null,
        });
    }

    /// The members moved out in order, each key as its own string.
    pub(crate) fn into_named(mut self) -> impl ExactSizeIterator<Item = (String, Value)> {
        let keys = self.keys.take();
        let entries = std::mem::take(&mut self.entries);
        entries.into_iter().map(move |e| {
            let keys = keys.as_deref().map_or("", String::as_str);
            (key_in(keys, &e).to_string(), e.value)
        })
    }

    /// Moves the value of `key` out, leaving `null` in its place.
    pub(crate) fn take(&mut self, key: &str) -> Option<Value> {
        let i = self.locate(key).ok()?;
        Some(std::mem::take(&mut self.entries[i].value))
    }

    /// Moves out the values of the `known` keys, in that order, and removes
    /// those members: one pass however many keys are asked for.
    pub(crate) fn extract<const N: usize>(&mut self, known: [&str; N]) -> [Option<Value>; N] {
        let mut found = std::array::from_fn(|_| None);
        let keys = self.keys.as_deref().map_or("", String::as_str);
        // Compared as bytes (no char-boundary checks), kept members slid
        // down in order: this runs once per logger of a configuration.
        let mut kept = 0;
        for i in 0..self.entries.len() {
            let e = &mut self.entries[i];
            let key = keys.as_bytes().get(e.start..e.end).unwrap_or_default();
            match known.iter().position(|k| k.as_bytes() == key) {
                Some(k) => found[k] = Some(std::mem::take(&mut e.value)),
                None => {
                    self.entries.swap(kept, i);
                    kept += 1;
                }
            }
        }
        self.entries.truncate(kept);
        if self.index.is_some() {
            self.index = (self.entries.len() > INDEX_THRESHOLD)
                .then(|| Box::new(Index::new(key_iter(keys, &self.entries))));
        }
        found
    }

    /// Keeps only the members whose key passes `keep`.
    pub(crate) fn retain_keys(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let keys = self.keys.as_deref().map_or("", String::as_str);
        self.entries.retain(|e| keep(key_in(keys, e)));
        if self.index.is_some() {
            self.index = (self.entries.len() > INDEX_THRESHOLD)
                .then(|| Box::new(Index::new(key_iter(keys, &self.entries))));
        }
    }

    /// The members in order, values mutable.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut Value)> {
        let keys = self.keys.as_deref().map_or("", String::as_str);
        self.entries
            .iter_mut()
            .map(move |e| (keys.get(e.start..e.end).unwrap_or_default(), &mut e.value))
    }

    /// The value of the last member, for filling in placeholders.
    pub(crate) fn last_value_mut(&mut self) -> Option<&mut Value> {
        self.entries.last_mut().map(|e| &mut e.value)
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
        for (key, value) in self {
            match other.get(key) {
                Some(theirs) => pending.push((value, theirs)),
                None => return false,
            }
        }
        true
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
#[derive(Clone)]
pub struct Iter<'a> {
    keys: &'a str,
    entries: std::slice::Iter<'a, Entry>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Value);

    fn next(&mut self) -> Option<(&'a str, &'a Value)> {
        self.entries
            .next()
            .map(|e| (key_in(self.keys, e), &e.value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests;
