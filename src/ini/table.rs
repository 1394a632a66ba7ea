//! Where a parsed INI keeps its names and values: all of them back to back
//! in one string (one allocation instead of two per option), and tables of
//! [`Span`]s into it in insertion order, like the Python dicts configparser
//! keeps its sections and options in.

use std::collections::HashMap;

/// A name or value: a range of the string holding them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// Appends `s` to `text` and returns where it went.
    pub(crate) fn push(text: &mut String, s: &str) -> Span {
        let start = text.len();
        text.push_str(s);
        Span {
            start,
            end: text.len(),
        }
    }

    /// Appends `name` lower-cased (Python's `str.lower()`, as configparser's
    /// `optionxform`).
    pub(crate) fn push_lower(text: &mut String, name: &str) -> Span {
        let start = text.len();
        if name.is_ascii() {
            text.push_str(name);
            text[start..].make_ascii_lowercase();
        } else {
            text.push_str(&name.to_lowercase());
        }
        Span {
            start,
            end: text.len(),
        }
    }

    pub(crate) fn get(self, text: &str) -> &str {
        &text[self.start..self.end]
    }

    /// Extends the span, which must end where `text` ends, by `s`.
    pub(crate) fn extend(&mut self, text: &mut String, s: &str) {
        debug_assert_eq!(self.end, text.len(), "only the last span grows");
        text.push_str(s);
        self.end = text.len();
    }

    /// Drops trailing whitespace (Python's `rstrip`) from the span, which
    /// must end where `text` ends, and from `text`.
    pub(crate) fn rstrip(&mut self, text: &mut String) {
        debug_assert_eq!(self.end, text.len(), "only the last span shrinks");
        self.end = self.start + super::pystr::rstrip(self.get(text)).len();
        text.truncate(self.end);
    }
}

/// From this many entries on, a table keeps a hash index. Below it a scan
/// is cheaper than hashing the name, and typical sections have a handful
/// of options; the index keeps large hostile inputs from going quadratic.
const INDEX_FROM: usize = 16;

/// Entries named by spans of one text, in insertion order; setting an
/// existing name keeps its place. Every method that compares names takes
/// that text.
#[derive(Clone, Debug)]
pub(crate) struct Ordered<V> {
    entries: Vec<(Span, V)>,
    /// Built once there are [`INDEX_FROM`] entries.
    index: Option<HashMap<String, usize>>,
}

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered {
            entries: Vec::new(),
            index: None,
        }
    }
}

impl<V> Ordered<V> {
    pub(crate) fn position(&self, text: &str, name: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(name).copied(),
            None => {
                let name = name.as_bytes();
                let same = |n: &Span| text.as_bytes().get(n.start..n.end) == Some(name);
                self.entries.iter().position(|(n, _)| same(n))
            }
        }
    }

    pub(crate) fn get(&self, text: &str, name: &str) -> Option<&V> {
        self.position(text, name).map(|i| &self.entries[i].1)
    }

    pub(crate) fn contains(&self, text: &str, name: &str) -> bool {
        self.position(text, name).is_some()
    }

    /// Sets `name`, keeping its place if it exists, and returns its position.
    pub(crate) fn set(&mut self, text: &str, name: Span, value: V) -> usize {
        if let Some(i) = self.position(text, name.get(text)) {
            self.entries[i].1 = value;
            return i;
        }
        let i = self.entries.len();
        self.entries.push((name, value));
        match &mut self.index {
            Some(index) => {
                index.insert(name.get(text).to_string(), i);
            }
            None if self.entries.len() >= INDEX_FROM => {
                let names = self.entries.iter().enumerate();
                let index = names.map(|(i, (n, _))| (n.get(text).to_string(), i));
                self.index = Some(index.collect());
            }
            None => {}
        }
        i
    }

    /// The entry at a position [`Ordered::set`] or [`Ordered::position`]
    /// returned.
    pub(crate) fn at(&self, i: usize) -> (Span, &V) {
        let (name, value) = &self.entries[i];
        (*name, value)
    }

    pub(crate) fn value_mut(&mut self, i: usize) -> &mut V {
        &mut self.entries[i].1
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (Span, &V)> {
        self.entries.iter().map(|(name, value)| (*name, value))
    }
}

#[cfg(test)]
mod tests {
    use super::{Ordered, Span, INDEX_FROM};

    #[test]
    fn keeps_order_and_places_below_and_above_the_index_threshold() {
        let mut text = String::new();
        let mut map = Ordered::default();
        let n = INDEX_FROM * 2;
        for i in 0..n {
            let name = Span::push(&mut text, &format!("k{i}"));
            assert_eq!(map.set(&text, name, i), i);
        }
        // Re-setting keeps the place and replaces the value.
        for i in (0..n).rev() {
            let name = Span::push(&mut text, &format!("k{i}"));
            assert_eq!(map.set(&text, name, i * 10), i);
        }
        let seen: Vec<(&str, usize)> = map.iter().map(|(k, v)| (k.get(&text), *v)).collect();
        let names: Vec<String> = (0..n).map(|i| format!("k{i}")).collect();
        let expected: Vec<(&str, usize)> = (0..n).map(|i| (names[i].as_str(), i * 10)).collect();
        assert_eq!(seen, expected);
        for (i, name) in names.iter().enumerate() {
            assert_eq!(map.get(&text, name), Some(&(i * 10)));
            assert_eq!(map.at(i).0.get(&text), name);
        }
        assert!(!map.contains(&text, "k"));
        assert_eq!(map.position(&text, &format!("k{n}")), None);
    }

    #[test]
    fn spans_grow_shrink_and_lower_case() {
        let mut text = String::new();
        let name = Span::push_lower(&mut text, "KeY");
        let other = Span::push_lower(&mut text, "ΣΑΣ");
        let mut value = Span::push(&mut text, "a");
        value.extend(&mut text, "\nb \n\n");
        value.rstrip(&mut text);
        assert_eq!(name.get(&text), "key");
        assert_eq!(other.get(&text), "σας", "final sigma, as Python's lower()");
        assert_eq!(value.get(&text), "a\nb");
        assert_eq!(text, "keyσαςa\nb");
    }
}
