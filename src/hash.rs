//! A fast hasher for names: the logger tree's index and large JSON
//! objects' indexes hash tens of thousands of short strings per
//! configuration, where std's SipHash is most of the look-up's cost.
//!
//! It reads eight bytes per step, each folded in with one wide multiply
//! (as foldhash does), so the low bits an open-addressing table takes are
//! as good as the high ones. Each table gets a seed drawn from
//! std's `RandomState`, so a set of colliding names cannot be prepared in
//! advance as easily as with a fixed function. A leaf: it uses nothing of
//! the crate.

use std::hash::{BuildHasher, Hasher};

/// An odd multiplier with well-mixed bits (FxHash's).
const K: u64 = 0x517c_c1b7_2722_0a95;

/// Builds [`NameHasher`]s with one random seed per table.
#[derive(Clone, Debug)]
pub(crate) struct NameHash {
    seed: u64,
}

impl Default for NameHash {
    fn default() -> NameHash {
        let seed = std::collections::hash_map::RandomState::new().hash_one(0x6c6f_676c_u64);
        NameHash { seed }
    }
}

impl BuildHasher for NameHash {
    type Hasher = NameHasher;

    fn build_hasher(&self) -> NameHasher {
        NameHasher { hash: self.seed }
    }
}

/// The hasher [`NameHash`] builds.
pub(crate) struct NameHasher {
    hash: u64,
}

impl NameHasher {
    /// Folds `word` in: a multiply whose high half is folded onto its
    /// low half, so every input bit reaches every output bit (FxHash's
    /// plain multiply carries only upward, and names that differ in a
    /// digit or two collide).
    #[inline]
    fn add(&mut self, word: u64) {
        let product = u128::from(self.hash ^ word) * u128::from(K);
        self.hash = (product as u64) ^ ((product >> 64) as u64);
    }
}

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let n = rest.len();
        // The last 1 to 7 bytes as one word, read in at most two pieces
        // (overlapping ones put the same bytes in the same places).
        let word = match n {
            0 => return,
            1..=3 => {
                let (a, b, c) = (rest[0], rest[n / 2], rest[n - 1]);
                u64::from(a) | u64::from(b) << 8 | u64::from(c) << 16
            }
            _ => {
                let low = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
                let high = u32::from_le_bytes([rest[n - 4], rest[n - 3], rest[n - 2], rest[n - 1]]);
                u64::from(low) | u64::from(high) << ((n - 4) * 8)
            }
        };
        // The length tells "a" from "a\0".
        self.add(word ^ ((n as u64) << 59));
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::NameHash;
    use std::collections::HashSet;
    use std::hash::BuildHasher;

    #[test]
    fn equal_strings_hash_equal_and_neighbours_differ() {
        let build = NameHash::default();
        assert_eq!(
            build.hash_one("app.db"),
            build.hash_one(String::from("app.db"))
        );
        // Names that differ only in a digit or two, as generated ones do.
        let names: Vec<String> = (0..10_000)
            .map(|i| format!("service{}.module{}.db", i / 40, i % 40))
            .chain((0..50_000).map(|i| format!("app{}.part{}.leaf{i}", i % 100, i / 100)))
            .chain(["", "a", "a\0", "a\0\0\0\0\0\0\0", "abcdefgh", "abcdefgh\0"].map(String::from))
            .collect();
        let hashes: HashSet<u64> = names.iter().map(|n| build.hash_one(n)).collect();
        assert_eq!(hashes.len(), names.len());
        // The low bits alone (what a table of 1024 slots uses) spread too:
        // no slot gets far more than its share (59) of the names.
        let mut slots = [0usize; 1024];
        for n in &names {
            slots[(build.hash_one(n) & 1023) as usize] += 1;
        }
        let fullest = slots.iter().max().copied().unwrap_or(0);
        assert!(fullest < 100, "fullest slot holds {fullest}");
    }

    #[test]
    fn each_table_gets_its_own_seed() {
        let (a, b) = (NameHash::default(), NameHash::default());
        assert_ne!(a.hash_one("app"), b.hash_one("app"));
    }
}
