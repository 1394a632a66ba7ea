//! The nonces a verifier has accepted, kept as long as a replay of them
//! could otherwise get through, in bounded memory; and fresh nonces for
//! signing.

use crate::sha256::Sha256;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Bytes in a nonce.
pub(crate) const NONCE_LEN: usize = 16;

/// Why a message's timestamp and nonce were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Older than the floor: outside the window, or stamped at or before a
    /// second whose nonces were dropped to make room.
    Stale,
    /// Further ahead of the clock than the window allows.
    Future,
    /// A nonce accepted before: a replay.
    Replayed,
}

/// Accepted nonces and the oldest timestamp still acceptable.
///
/// The invariant that makes replays impossible: every accepted message
/// stamped at or after `floor` has its nonce in `seen`. Entries leave only
/// by falling below `floor`, and `floor` never goes down, so a replay of a
/// forgotten message is refused as stale.
///
/// `floor` follows the clock (`now - window`) but never goes back with it:
/// if the system clock is set back by more than the window, messages
/// stamped with the new time are refused until the clock catches up
/// (fail closed; restarting the listener resets it).
///
/// When the cache is full, the entry with the oldest timestamp `t` is
/// dropped and `floor` raised to `t + 1` (with every other entry below it).
/// So memory stays at `capacity` entries under any flood, nothing is
/// forgotten that could be replayed, and what gets refused first are the
/// oldest-stamped messages; messages stamped with the current second keep
/// going through unless `capacity` of them arrive within that one second.
#[derive(Debug)]
pub(crate) struct NonceCache {
    capacity: usize,
    window: u64,
    floor: u64,
    seen: HashSet<[u8; NONCE_LEN]>,
    /// The same entries, oldest timestamp first.
    by_time: BinaryHeap<Reverse<(u64, [u8; NONCE_LEN])>>,
}

impl NonceCache {
    /// A cache for a window of `window` seconds either side of the clock,
    /// holding at most `capacity` nonces (at least one).
    pub(crate) fn new(window: u64, capacity: usize) -> NonceCache {
        NonceCache {
            capacity: capacity.max(1),
            window,
            floor: 0,
            seen: HashSet::new(),
            by_time: BinaryHeap::new(),
        }
    }

    /// The number of nonces held.
    pub(crate) fn len(&self) -> usize {
        self.seen.len()
    }

    /// Records `nonce`, stamped `stamp`, seen when the clock says `now`
    /// (all in seconds since the Unix epoch), unless it must be refused.
    pub(crate) fn admit(
        &mut self,
        stamp: u64,
        nonce: [u8; NONCE_LEN],
        now: u64,
    ) -> Result<(), Refusal> {
        self.raise_floor(now.saturating_sub(self.window));
        if stamp < self.floor {
            return Err(Refusal::Stale);
        }
        if stamp > now.saturating_add(self.window) {
            return Err(Refusal::Future);
        }
        if self.seen.contains(&nonce) {
            return Err(Refusal::Replayed);
        }
        if self.seen.len() >= self.capacity {
            if let Some(&Reverse((oldest, _))) = self.by_time.peek() {
                // Making room would mean forgetting messages no older than
                // this one: refuse it instead.
                if stamp <= oldest {
                    return Err(Refusal::Stale);
                }
                self.raise_floor(oldest + 1);
            }
        }
        self.seen.insert(nonce);
        self.by_time.push(Reverse((stamp, nonce)));
        Ok(())
    }

    /// Raises the floor to `floor` (never lowers it) and drops the entries
    /// below it: their replays are now refused as stale.
    fn raise_floor(&mut self, floor: u64) {
        self.floor = self.floor.max(floor);
        while let Some(Reverse((stamp, nonce))) = self.by_time.peek() {
            if *stamp >= self.floor {
                break;
            }
            self.seen.remove(nonce);
            self.by_time.pop();
        }
    }
}

/// A nonce no other call in any process is expected to produce: SHA-256 of
/// a per-process seed (OS randomness where readable, else the time, the
/// process id and std's randomly keyed hasher), a counter and the time.
/// Uniqueness is what matters: the MAC, not the nonce, stops forgery.
pub(crate) fn fresh_nonce() -> [u8; NONCE_LEN] {
    static SEED: OnceLock<[u8; 32]> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = SEED.get_or_init(seed);
    let mut h = Sha256::new();
    h.update(seed);
    h.update(&COUNTER.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    h.update(&nanos_now().to_be_bytes());
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&h.finalize()[..NONCE_LEN]);
    nonce
}

fn seed() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher};
    let mut h = Sha256::new();
    let mut random = [0u8; 32];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        use std::io::Read;
        if f.read_exact(&mut random).is_ok() {
            h.update(&random);
        }
    }
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    h.update(&hasher.finish().to_be_bytes());
    h.update(&std::process::id().to_be_bytes());
    h.update(&nanos_now().to_be_bytes());
    h.finalize()
}

fn nanos_now() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(i: u32) -> [u8; NONCE_LEN] {
        let mut nonce = [0u8; NONCE_LEN];
        nonce[..4].copy_from_slice(&i.to_be_bytes());
        nonce
    }

    #[test]
    fn window_both_sides_and_replays() {
        let mut c = NonceCache::new(60, 10);
        assert_eq!(c.admit(1000, n(1), 1000), Ok(()));
        assert_eq!(c.admit(1000, n(1), 1000), Err(Refusal::Replayed));
        assert_eq!(c.admit(940, n(2), 1000), Ok(()), "60 s old: inside");
        assert_eq!(c.admit(939, n(3), 1000), Err(Refusal::Stale));
        assert_eq!(c.admit(1060, n(4), 1000), Ok(()), "60 s ahead: inside");
        assert_eq!(c.admit(1061, n(5), 1000), Err(Refusal::Future));
        assert_eq!(c.len(), 3);
        // Replayed later, each is still refused: held while inside the
        // window, stale once outside it.
        assert_eq!(c.admit(1000, n(1), 1050), Err(Refusal::Replayed));
        assert_eq!(c.admit(1000, n(1), 1061), Err(Refusal::Stale));
        assert_eq!(c.admit(1060, n(4), 1120), Err(Refusal::Replayed));
        assert_eq!(c.len(), 1, "only the entry stamped 1060 is still needed");
    }

    #[test]
    fn clock_set_back_does_not_reopen_the_window() {
        let mut c = NonceCache::new(60, 10);
        assert_eq!(c.admit(1000, n(1), 1000), Ok(()));
        assert_eq!(c.admit(2000, n(2), 2000), Ok(()));
        assert_eq!(c.len(), 1, "the entry stamped 1000 is forgotten");
        // The clock goes back to 1000: the forgotten frame stays refused.
        assert_eq!(c.admit(1000, n(1), 1000), Err(Refusal::Stale));
        assert_eq!(c.admit(1000, n(3), 1000), Err(Refusal::Stale));
        assert_eq!(c.admit(1990, n(3), 1990), Ok(()));
    }

    #[test]
    fn full_cache_drops_the_oldest_second_and_refuses_it() {
        let mut c = NonceCache::new(60, 3);
        assert_eq!(c.admit(990, n(1), 1000), Ok(()));
        assert_eq!(c.admit(995, n(2), 1000), Ok(()));
        assert_eq!(c.admit(995, n(3), 1000), Ok(()));
        // Full: a newer message evicts 990 and raises the floor to 991.
        assert_eq!(c.admit(1000, n(4), 1000), Ok(()));
        assert_eq!(c.len(), 3);
        assert_eq!(c.admit(990, n(1), 1000), Err(Refusal::Stale), "replay");
        assert_eq!(c.admit(990, n(9), 1000), Err(Refusal::Stale));
        // A message no newer than the oldest held is refused, not admitted
        // at the cost of forgetting one.
        assert_eq!(c.admit(995, n(5), 1000), Err(Refusal::Stale));
        assert_eq!(c.len(), 3);
        // Evicting 995 takes both entries stamped 995.
        assert_eq!(c.admit(1001, n(6), 1001), Ok(()));
        assert_eq!(c.len(), 2);
        assert_eq!(c.admit(995, n(2), 1001), Err(Refusal::Stale), "replay");
        assert_eq!(c.admit(1000, n(4), 1001), Err(Refusal::Replayed));
    }

    #[test]
    fn zero_capacity_holds_one() {
        let mut c = NonceCache::new(60, 0);
        assert_eq!(c.admit(10, n(1), 10), Ok(()));
        assert_eq!(c.admit(10, n(2), 10), Err(Refusal::Stale));
        assert_eq!(c.admit(11, n(2), 11), Ok(()));
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn extreme_clocks_do_not_overflow() {
        let mut c = NonceCache::new(u64::MAX, 2);
        assert_eq!(c.admit(u64::MAX, n(1), u64::MAX), Ok(()));
        assert_eq!(c.admit(0, n(2), 0), Ok(()));
        let mut c = NonceCache::new(60, 2);
        assert_eq!(c.admit(u64::MAX, n(1), u64::MAX), Ok(()));
        assert_eq!(c.admit(0, n(2), 0), Err(Refusal::Stale));
    }

    #[test]
    fn fresh_nonces_differ() {
        let nonces: HashSet<_> = (0..10_000).map(|_| fresh_nonce()).collect();
        assert_eq!(nonces.len(), 10_000);
    }

    proptest! {
        /// Whatever the order, clock and flood: the cache never holds more
        /// than its capacity, and a message (stamp and nonce: what a replay
        /// repeats) once admitted is never admitted again.
        #[test]
        fn bounded_and_never_admits_twice(
            capacity in 1usize..20,
            window in 0u64..30,
            steps in proptest::collection::vec(
                (0u32..40, -35i64..35, -2i64..4, any::<Option<proptest::sample::Index>>()),
                1..300,
            ),
        ) {
            let mut c = NonceCache::new(window, capacity);
            let mut admitted = HashSet::new();
            let mut order = Vec::new();
            let mut nonces = HashSet::new();
            // A clock that mostly moves forward, sometimes back; stamps
            // around it, inside the window and out.
            let mut now = 1000u64;
            for (nonce, offset, tick, replay) in steps {
                now = now.saturating_add_signed(tick);
                let stamp = now.saturating_add_signed(offset);
                // Half the steps replay an admitted message, if any.
                let (nonce, stamp) = match replay {
                    Some(i) if !order.is_empty() => order[i.index(order.len())],
                    _ => (nonce, stamp),
                };
                match c.admit(stamp, n(nonce), now) {
                    Ok(()) => {
                        prop_assert!(admitted.insert((nonce, stamp)), "{} {} admitted twice", stamp, nonce);
                        order.push((nonce, stamp));
                        prop_assert!(stamp + window >= now && stamp <= now + window);
                        nonces.insert(nonce);
                    }
                    Err(Refusal::Replayed) => prop_assert!(nonces.contains(&nonce)),
                    Err(_) => {}
                }
                prop_assert!(c.len() <= capacity);
                prop_assert_eq!(c.seen.len(), c.by_time.len());
            }
        }
    }
}
