//! The hash index of a large object: open addressing over the members'
//! positions. A leaf: it knows keys only as strings and members only by
//! position, so `map` (which owns the members) asks it, never the reverse.

use crate::hash::NameHash;
use std::hash::BuildHasher;

/// Open addressing with linear probing: each slot holds a member's position
/// plus one (0 is empty). The table is at most half full. Each key's hash is
/// kept, so growing never hashes again and probes compare hashes first.
#[derive(Clone)]
pub(crate) struct Index {
    hasher: NameHash,
    slots: Vec<usize>,
    /// The hash of each member's key, by position.
    hashes: Vec<u64>,
}

impl Index {
    /// An index of `keys`, the members' keys in order.
    pub(crate) fn new<'a>(keys: impl ExactSizeIterator<Item = &'a str>) -> Index {
        let hasher = NameHash::default();
        let count = keys.len();
        let hashes = keys.map(|key| hasher.hash_one(key)).collect();
        let mut index = Index {
            hasher,
            slots: Vec::new(),
            hashes,
        };
        index.rebuild((count * 2).next_power_of_two().max(64));
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

    /// `Ok(position)` of `key`, whose member at a position `is_key` tells,
    /// else `Err((free slot, hash))` for [`Self::add`].
    pub(crate) fn probe(
        &self,
        key: &str,
        is_key: impl Fn(usize) -> bool,
    ) -> Result<usize, (usize, u64)> {
        let hash = self.hasher.hash_one(key);
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            match self.slots[i] {
                0 => return Err((i, hash)),
                n if self.hashes[n - 1] == hash && is_key(n - 1) => return Ok(n - 1),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Records the member just pushed at `position`, in the free `slot`.
    pub(crate) fn add(&mut self, slot: usize, position: usize, hash: u64) {
        self.slots[slot] = position + 1;
        self.hashes.push(hash);
        if self.hashes.len() * 2 > self.slots.len() {
            self.rebuild(self.slots.len() * 2);
        }
    }
}
