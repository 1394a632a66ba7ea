//! Objects: members in insertion order, with a hash index for large ones.
//!
//! A map does not own one `String` per key: each member records where its
//! key lies in a key text, and that text is shared. Every object of a parsed
//! document shares one copy of the document text (one allocation for all
//! keys instead of one per key); a map built or changed by hand gets a key
//! text of its own the first time it needs to add a key.

use super::value::all_equal;
use super::{write, Value};
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

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
    entries: Vec<Entry>,
    /// The text the keys are ranges of; `None` while the map has no members.
    keys: Option<Arc<String>>,
    index: Option<Box<Index>>,
}

/// A member: its key is `keys[start..end]` of the map's key text.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) value: Value,
}

/// The key of `entry` in the key text `keys`.
fn key_in<'a>(keys: &'a str, entry: &Entry) -> &'a str {
    keys.get(entry.start..entry.end).unwrap_or_default()
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
    fn new(keys: &str, entries: &[Entry]) -> Index {
        let hasher = RandomState::new();
        let hashes = entries
            .iter()
            .map(|e| hasher.hash_one(key_in(keys, e)))
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

    fn free_slot(&self, hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        i
    }

    /// `Ok(entry position)` if `key` is present, else `Err((free slot, hash))`.
    fn probe(&self, keys: &str, entries: &[Entry], key: &str) -> Result<usize, (usize, u64)> {
        let hash = self.hasher.hash_one(key);
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            match self.slots[i] {
                0 => return Err((i, hash)),
                n if self.hashes[n - 1] == hash && key_in(keys, &entries[n - 1]) == key => {
                    return Ok(n - 1)
                }
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
            Some(index) => index.probe(keys, &self.entries, key),
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
                self.index = Some(Box::new(Index::new(self.key_text(), &self.entries)));
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
        self.entries.retain_mut(|e| {
            let key = key_in(keys, e);
            match known.iter().position(|k| *k == key) {
                Some(i) => {
                    found[i] = Some(std::mem::take(&mut e.value));
                    false
                }
                None => true,
            }
        });
        if self.index.is_some() {
            self.index = (self.entries.len() > INDEX_THRESHOLD)
                .then(|| Box::new(Index::new(keys, &self.entries)));
        }
        found
    }

    /// Keeps only the members whose key passes `keep`.
    pub(crate) fn retain_keys(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let keys = self.keys.as_deref().map_or("", String::as_str);
        self.entries.retain(|e| keep(key_in(keys, e)));
        if self.index.is_some() {
            self.index = (self.entries.len() > INDEX_THRESHOLD)
                .then(|| Box::new(Index::new(keys, &self.entries)));
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

impl Drop for Map {
    fn drop(&mut self) {
        super::value::drop_members(&mut self.entries);
    }
}

impl Clone for Map {
    fn clone(&self) -> Map {
        // Each value's copy is itself iterative; the key text is shared and
        // the index copies as is.
        Map {
            entries: self
                .entries
                .iter()
                .map(|e| Entry {
                    start: e.start,
                    end: e.end,
                    value: e.value.clone(),
                })
                .collect(),
            keys: self.keys.clone(),
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

impl fmt::Debug for Iter<'_> {
    /// The members still to come.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extract_take_and_retain_keep_the_rest_findable() {
        for size in [4, 40] {
            let text: String = (0..size)
                .map(|i| format!("\"k{i}\": {i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let Value::Object(mut m) = super::super::parse(&format!("{{{text}}}")).unwrap() else {
                panic!("an object")
            };
            assert_eq!(m.index.is_some(), size > INDEX_THRESHOLD);
            let [a, missing, b] = m.extract(["k3", "nope", "k1"]);
            assert_eq!(
                (a, missing, b),
                (Some(Value::from(3i64)), None, Some(Value::from(1i64)))
            );
            assert_eq!(m.take("k2"), Some(Value::from(2i64)));
            assert_eq!(m.get("k2"), Some(&Value::Null), "take leaves null");
            m.retain_keys(|k| k != "k0");
            assert_eq!(m.len(), size - 3);
            assert_eq!(m.index.is_some(), size - 3 > INDEX_THRESHOLD);
            for i in 4..size {
                assert_eq!(
                    m.get(&format!("k{i}")).and_then(Value::as_i64),
                    Some(i as i64)
                );
            }
            assert!(m.get("k0").is_none() && m.get("k1").is_none() && m.get("k3").is_none());
            let named: Vec<(String, Value)> = m.into_named().collect();
            let keys: Vec<&str> = named.iter().map(|(k, _)| k.as_str()).collect();
            let expected: Vec<String> = [2]
                .into_iter()
                .chain(4..size)
                .map(|i| format!("k{i}"))
                .collect();
            assert_eq!(keys, expected);
            assert_eq!(named[0].1, Value::Null);
        }
    }

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

    fn parse_object(text: &str) -> Map {
        match crate::json::parse(text) {
            Ok(Value::Object(m)) => m,
            other => panic!("{other:?}"),
        }
    }

    fn members(m: &Map) -> Vec<(String, String)> {
        m.iter()
            .map(|(k, v)| (k.to_owned(), v.to_string()))
            .collect()
    }

    #[test]
    fn parsed_objects_share_the_document_text() {
        let v = crate::json::parse(r#"{"a": {"b": 1}, "c": [{"d": 2}]}"#).unwrap();
        let outer = v.as_object().unwrap();
        let inner = outer.get("a").and_then(Value::as_object).unwrap();
        let (Some(x), Some(y)) = (&outer.keys, &inner.keys) else {
            panic!("no key text");
        };
        assert!(Arc::ptr_eq(x, y));
        // Held by the three objects: the outer one, the inner one and the one
        // in the array.
        assert_eq!(Arc::strong_count(x), 3);
    }

    #[test]
    fn escaped_keys_are_decoded_and_deduplicated() {
        let cases = [
            (r#"{"a": 1, "\u0061": 2}"#, r#"{"a": 2}"#),
            (r#"{"\u0061": 1, "a": 2, "b": 3}"#, r#"{"a": 2, "b": 3}"#),
            (
                r#"{"x\ny": 1, "x": {"\u00e9": 2, "e": 3}, "z\"": 4}"#,
                r#"{"x\ny": 1, "x": {"\u00e9": 2, "e": 3}, "z\"": 4}"#,
            ),
            (
                r#"{"\u0041": {"\u0042": {"\u0043": 1}, "b": 2}, "\u0044": 3}"#,
                r#"{"A": {"B": {"C": 1}, "b": 2}, "D": 3}"#,
            ),
            (r#"{"": 1, "\/": 2, "/": 3, "": 4}"#, r#"{"": 4, "/": 3}"#),
        ];
        for (text, expected) in cases {
            let v = crate::json::parse(text).unwrap();
            assert_eq!(v.to_string(), expected, "{text}");
        }
        let m = parse_object(r#"{"\u00e9t\u00e9": true, "plain": false}"#);
        assert_eq!(m.get("été"), Some(&Value::Bool(true)));
        assert_eq!(m.get("plain"), Some(&Value::Bool(false)));
    }

    #[test]
    fn inserting_into_a_parsed_map_copies_only_its_keys() {
        let v = crate::json::parse(r#"{"long-outer-key": {"k": 1, "j": 2}}"#).unwrap();
        let mut inner = v
            .get("long-outer-key")
            .and_then(Value::as_object)
            .unwrap()
            .clone();
        assert_eq!(
            inner.insert("k".into(), Value::Null),
            Some(Value::from(1i64))
        );
        assert!(inner
            .keys
            .as_ref()
            .is_some_and(|k| Arc::strong_count(k) > 1));
        assert_eq!(inner.insert("new".into(), true.into()), None);
        assert_eq!(inner.keys.as_deref().map(String::as_str), Some("kjnew"));
        assert_eq!(
            members(&inner),
            [("k", "null"), ("j", "2"), ("new", "true")].map(|(k, v)| (k.into(), v.into()))
        );
        // The document is untouched.
        assert_eq!(v.to_string(), r#"{"long-outer-key": {"k": 1, "j": 2}}"#);
        // A copy of a hand-built map shares its keys until either changes.
        let mut copy = inner.clone();
        copy.insert("more".into(), Value::Null);
        assert_eq!(members(&inner).len(), 3);
        assert_eq!(members(&copy).len(), 4);
        assert!(copy.get("more").is_some() && inner.get("more").is_none());
    }

    #[test]
    fn iter_debug_lists_the_members_left() {
        let m = parse_object(r#"{"a": 1, "b": [true]}"#);
        let mut it = m.iter();
        assert_eq!(format!("{it:?}"), r#"[("a", 1), ("b", [true])]"#);
        it.next();
        assert_eq!(format!("{it:?}"), r#"[("b", [true])]"#);
    }

    /// A Python dict as a list: a repeated key keeps its first position.
    fn model_insert(model: &mut Vec<(String, i64)>, key: &str, value: i64) {
        match model.iter_mut().find(|(k, _)| k == key) {
            Some(member) => member.1 = value,
            None => model.push((key.to_owned(), value)),
        }
    }

    fn model_text(model: &[(String, i64)]) -> String {
        let m: Map = model
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(*v)))
            .collect();
        Value::Object(m).to_string()
    }

    proptest::proptest! {
        #[test]
        fn parsed_and_extended_maps_act_like_python_dicts(
            keys in proptest::collection::vec("[abé]{0,3}", 0..40),
            extra in proptest::collection::vec("[abc]{0,2}", 0..20),
        ) {
            // Keys are written with escapes half of the time (`\u0061` for `a`).
            let mut text = String::from("{");
            let mut model = Vec::new();
            for (i, key) in keys.iter().enumerate() {
                let written = if i % 2 == 0 { key.replace('a', "\\u0061") } else { key.clone() };
                let written = written.replace('é', "\\u00e9");
                if i > 0 {
                    text.push_str(", ");
                }
                text.push_str(&format!("\"{written}\": {i}"));
                model_insert(&mut model, key, i as i64);
            }
            text.push('}');
            let mut m = parse_object(&text);
            proptest::prop_assert_eq!(Value::Object(m.clone()).to_string(), model_text(&model));
            let copy = m.clone();
            for (i, key) in extra.iter().enumerate() {
                let value = 1000 + i as i64;
                m.insert(key.clone(), Value::from(value));
                model_insert(&mut model, key, value);
            }
            proptest::prop_assert_eq!(Value::Object(m.clone()).to_string(), model_text(&model));
            for (key, value) in &model {
                proptest::prop_assert_eq!(m.get(key).and_then(Value::as_i64), Some(*value));
            }
            proptest::prop_assert!(copy.len() <= m.len());
        }
    }
}
