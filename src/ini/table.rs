//! Name -> value maps in insertion order, like the Python dicts configparser
//! keeps its sections and options in.

use std::collections::HashMap;

/// From this many entries on, a map keeps a hash index. Below it a scan is
/// cheaper than hashing the name, and typical sections have a handful of
/// options; the index keeps large hostile inputs from going quadratic.
const INDEX_FROM: usize = 16;

/// Entries in insertion order; setting an existing name keeps its place.
#[derive(Clone, Debug)]
pub(crate) struct Ordered<V> {
    entries: Vec<(String, V)>,
    /// Empty while there are fewer than [`INDEX_FROM`] entries.
    index: HashMap<String, usize>,
}

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered {
            entries: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<V> Ordered<V> {
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        if self.index.is_empty() {
            self.entries.iter().position(|(n, _)| n == name)
        } else {
            self.index.get(name).copied()
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&V> {
        self.position(name).map(|i| &self.entries[i].1)
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// Sets `name`, keeping its place if it exists, and returns its position.
    pub(crate) fn set(&mut self, name: String, value: V) -> usize {
        if let Some(i) = self.position(&name) {
            self.entries[i].1 = value;
            return i;
        }
        let i = self.entries.len();
        self.entries.push((name, value));
        if self.entries.len() == INDEX_FROM {
            let names = self.entries.iter().enumerate();
            self.index = names.map(|(i, (n, _))| (n.clone(), i)).collect();
        } else if self.entries.len() > INDEX_FROM {
            self.index.insert(self.entries[i].0.clone(), i);
        }
        i
    }

    /// The entry at a position [`Ordered::set`] or [`Ordered::position`]
    /// returned.
    pub(crate) fn at(&self, i: usize) -> (&str, &V) {
        let (name, value) = &self.entries[i];
        (name, value)
    }

    pub(crate) fn value_mut(&mut self, i: usize) -> &mut V {
        &mut self.entries[i].1
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries
            .iter()
            .map(|(name, value)| (name.as_str(), value))
    }
}

#[cfg(test)]
mod tests {
    use super::{Ordered, INDEX_FROM};

    #[test]
    fn keeps_order_and_places_below_and_above_the_index_threshold() {
        let mut map = Ordered::default();
        let n = INDEX_FROM * 2;
        for i in 0..n {
            assert_eq!(map.set(format!("k{i}"), i), i);
        }
        // Re-setting keeps the place and replaces the value.
        for i in (0..n).rev() {
            assert_eq!(map.set(format!("k{i}"), i * 10), i);
        }
        let seen: Vec<(String, usize)> = map.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let expected: Vec<(String, usize)> = (0..n).map(|i| (format!("k{i}"), i * 10)).collect();
        assert_eq!(seen, expected);
        for i in 0..n {
            assert_eq!(map.get(&format!("k{i}")), Some(&(i * 10)));
            assert_eq!(map.at(i), (format!("k{i}").as_str(), &(i * 10)));
        }
        assert!(!map.contains("k"));
        assert_eq!(map.position(&format!("k{n}")), None);
    }
}
