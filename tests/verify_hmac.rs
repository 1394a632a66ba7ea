//! HMAC-SHA256 against RFC 4231, and the signed envelope: what `sign`
//! makes, what an `HmacVerifier` accepts (once, inside its window) and
//! refuses.

use loglisten::verify::{hmac_sha256, hmac_sha256_tag, sign, sign_at, HmacVerifier, VerifyFn};
use proptest::prelude::*;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const HEADER: usize = 28;
const TAG: usize = 32;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A distinct nonce per number.
fn nonce(i: u64) -> [u8; 16] {
    let mut n = [0xa5; 16];
    n[8..].copy_from_slice(&i.to_be_bytes());
    n
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 4231 section 4, test cases 1 to 7: (key, data, HMAC-SHA-256).
/// Case 5's published value is truncated to 128 bits.
fn rfc4231() -> Vec<(Vec<u8>, Vec<u8>, &'static str)> {
    vec![
        (
            vec![0x0b; 20],
            b"Hi There".to_vec(),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            b"Jefe".to_vec(),
            b"what do ya want for nothing?".to_vec(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            vec![0xaa; 20],
            vec![0xdd; 50],
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        ),
        (
            (1..=25).collect(),
            vec![0xcd; 50],
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        (
            vec![0x0c; 20],
            b"Test With Truncation".to_vec(),
            "a3b6167473100ee06e0c796c2955552b",
        ),
        (
            vec![0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            vec![0xaa; 131],
            b"This is a test using a larger than block-size key and a larger than block-size \
              data. The key needs to be hashed before being used by the HMAC algorithm."
                .to_vec(),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ]
}

#[test]
fn rfc_4231_test_cases() {
    for (i, (key, data, want)) in rfc4231().into_iter().enumerate() {
        let tag = hex(&hmac_sha256_tag(&key, &data));
        // Case 5 publishes only the first 128 bits: compare that prefix.
        assert_eq!(&tag[..want.len()], want, "RFC 4231 test case {}", i + 1);
    }
}

#[test]
fn envelope_layout() {
    let key = b"layout key";
    let config = br#"{"version": 1}"#;
    let msg = sign_at(key, config, at(0x0102_0304_0506), nonce(9));
    assert_eq!(msg.len(), HEADER + config.len() + TAG);
    assert_eq!(&msg[..4], b"LLS1");
    assert_eq!(msg[4..12], [0, 0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(msg[12..28], nonce(9));
    assert_eq!(&msg[28..28 + config.len()], config);
    let body = &msg[..msg.len() - TAG];
    assert_eq!(msg[body.len()..], hmac_sha256_tag(key, body));
    // Sub-second parts are dropped; before 1970 is 0.
    let half = sign_at(key, b"", at(7) + Duration::from_millis(999), nonce(1));
    assert_eq!(half[4..12], 7u64.to_be_bytes());
    let early = sign_at(key, b"", UNIX_EPOCH - secs(3), nonce(1));
    assert_eq!(early[4..12], [0; 8]);
}

#[test]
fn sign_stamps_now_with_a_fresh_nonce() {
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let a = sign(b"k", b"{}");
    let b = sign(b"k", b"{}");
    let after = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for msg in [&a, &b] {
        let stamp = u64::from_be_bytes(msg[4..12].try_into().unwrap());
        assert!(
            (before..=after).contains(&stamp),
            "{stamp} not in {before}..={after}"
        );
    }
    assert_ne!(a[12..28], b[12..28], "nonces differ");
}

#[test]
fn verify_accepts_fresh_messages_once() {
    let verify = hmac_sha256(b"k".to_vec());
    for config in [&b""[..], b"{}", b"[loggers]\nkeys=root\n"] {
        let msg = sign(b"k", config);
        assert_eq!(verify(&msg), Some(config.to_vec()));
        assert_eq!(verify(&msg), None, "replayed at once");
    }
}

#[test]
fn replay_is_refused_inside_the_window_and_after_it() {
    let v = HmacVerifier::new(b"k".to_vec());
    let t = 1_700_000_000;
    let msg = sign_at(b"k", b"{}", at(t), nonce(1));
    assert_eq!(v.verify_at(&msg, at(t)), Some(b"{}".to_vec()));
    for later in [0, 1, 30, 59, 60, 61, 3600] {
        assert_eq!(
            v.verify_at(&msg, at(t + later)),
            None,
            "replayed {later} s later"
        );
    }
    // Another message stamped the same second is a different message.
    let other = sign_at(b"k", b"{}", at(t + 3600), nonce(2));
    assert_eq!(v.verify_at(&other, at(t + 3600)), Some(b"{}".to_vec()));
}

#[test]
fn stale_and_future_timestamps_are_refused() {
    let t = 1_700_000_000;
    let v = HmacVerifier::new(b"k".to_vec());
    let cases = [
        (t - 3600, false),
        (t - 61, false),
        (t - 60, true),
        (t, true),
        (t + 60, true),
        (t + 61, false),
        (t + 3600, false),
        (0, false),
        (u64::MAX / 2, false),
    ];
    for (i, (stamp, accepted)) in cases.into_iter().enumerate() {
        let msg = sign_at(b"k", b"{}", at(stamp), nonce(i as u64));
        assert_eq!(
            v.verify_at(&msg, at(t)).is_some(),
            accepted,
            "stamped {stamp}, clock at {t}"
        );
    }
}

#[test]
fn window_is_configurable() {
    let t: u64 = 1_700_000_000;
    let narrow = HmacVerifier::new(b"k".to_vec()).window(secs(5));
    let wide = HmacVerifier::new(b"k".to_vec()).window(Duration::from_millis(300_900));
    for (i, (offset, in_narrow, in_wide)) in [
        (-301i64, false, false),
        (-300, false, true),
        (-6, false, true),
        (-5, true, true),
        (5, true, true),
        (6, false, true),
        (300, false, true),
        (301, false, false),
    ]
    .into_iter()
    .enumerate()
    {
        let msg = sign_at(
            b"k",
            b"{}",
            at(t.saturating_add_signed(offset)),
            nonce(i as u64),
        );
        assert_eq!(
            narrow.verify_at(&msg, at(t)).is_some(),
            in_narrow,
            "{offset} s, 5 s window"
        );
        assert_eq!(
            wide.verify_at(&msg, at(t)).is_some(),
            in_wide,
            "{offset} s, 300 s window"
        );
    }
    // A zero window: only the current second.
    let zero = HmacVerifier::new(b"k".to_vec()).window(Duration::ZERO);
    assert!(zero
        .verify_at(&sign_at(b"k", b"", at(t), nonce(1)), at(t))
        .is_some());
    assert!(zero
        .verify_at(&sign_at(b"k", b"", at(t - 1), nonce(2)), at(t))
        .is_none());
}

#[test]
fn wrong_key_altered_or_malformed_messages_are_refused() {
    let t = 1_700_000_000;
    let v = HmacVerifier::new(b"key".to_vec());
    let msg = sign_at(b"key", br#"{"version": 1}"#, at(t), nonce(1));
    assert_eq!(
        v.verify_at(
            &sign_at(b"kez", br#"{"version": 1}"#, at(t), nonce(1)),
            at(t)
        ),
        None
    );
    for i in [0, 3, 4, 11, 12, 27, 28, 40, msg.len() - 32, msg.len() - 1] {
        let mut bad = msg.clone();
        bad[i] ^= 0x01;
        assert_eq!(v.verify_at(&bad, at(t)), None, "byte {i} changed");
    }
    let mut longer = msg.clone();
    longer.push(b' ');
    assert_eq!(v.verify_at(&longer, at(t)), None, "byte appended");
    assert_eq!(
        v.verify_at(&msg[..msg.len() - 1], at(t)),
        None,
        "byte removed"
    );
    for len in [0, 1, 4, 27, 59] {
        assert_eq!(v.verify_at(&msg[..len], at(t)), None, "{len} bytes");
    }
    // The format before this version (the tag, then the config) is refused.
    let config = br#"{"version": 1}"#;
    let mut old = hmac_sha256_tag(b"key", config).to_vec();
    old.extend_from_slice(config);
    assert_eq!(v.verify_at(&old, at(t)), None, "tag || config");
    assert_eq!(v.nonces_held(), 0, "nothing refused is remembered");
    // And the intact message still goes through after all that.
    assert_eq!(v.verify_at(&msg, at(t)), Some(config.to_vec()));
}

#[test]
fn the_smallest_message_carries_an_empty_config() {
    let v = HmacVerifier::new(Vec::new());
    let msg = sign_at(b"", b"", at(100), nonce(1));
    assert_eq!(msg.len(), 60);
    assert_eq!(v.verify_at(&msg, at(100)), Some(Vec::new()));
}

#[test]
fn a_flood_in_one_second_is_bounded_and_rate_limited() {
    let t = 1_700_000_000;
    let v = HmacVerifier::new(b"k".to_vec()).nonce_capacity(100);
    let mut accepted = 0;
    for i in 0..10_000 {
        if v.verify_at(&sign_at(b"k", b"", at(t), nonce(i)), at(t))
            .is_some()
        {
            accepted += 1;
        }
        assert!(v.nonces_held() <= 100, "{} held after {i}", v.nonces_held());
    }
    assert_eq!(accepted, 100, "room for 100 in one second");
    assert_eq!(v.nonces_held(), 100);
    // The next second has room again, and the old second is closed: its
    // nonces were forgotten, so none of its messages gets in.
    assert!(v
        .verify_at(&sign_at(b"k", b"", at(t + 1), nonce(20_000)), at(t + 1))
        .is_some());
    for i in 0..200 {
        let msg = sign_at(b"k", b"", at(t), nonce(i));
        assert_eq!(
            v.verify_at(&msg, at(t + 1)),
            None,
            "message {i} of the full second"
        );
    }
    assert!(v.nonces_held() <= 100);
}

#[test]
fn a_steady_flood_keeps_going_through_in_bounded_memory() {
    // 100 messages a second for 5 minutes: 30,000 messages, 6,100 inside any
    // two-minute window, 1,000 places. Every fresh one is accepted, the
    // cache never holds more than 1,000, and no accepted one replays.
    let t0 = 1_700_000_000;
    let v = HmacVerifier::new(b"k".to_vec()).nonce_capacity(1000);
    let mut sent = Vec::new();
    for s in 0..300u64 {
        let now = at(t0 + s);
        for j in 0..100 {
            // Stamps a little behind or ahead of the clock, as senders' are.
            let stamp = (t0 + s + j % 7).saturating_sub(3);
            let msg = sign_at(b"k", b"{}", at(stamp), nonce(s * 100 + j));
            assert_eq!(
                v.verify_at(&msg, now),
                Some(b"{}".to_vec()),
                "second {s}, message {j}"
            );
            assert!(v.nonces_held() <= 1000);
            sent.push(msg);
        }
        // Replays of messages of the last two minutes.
        for back in [1, 7, 59, 119] {
            if let Some(old) = sent.len().checked_sub(back * 37) {
                assert_eq!(v.verify_at(&sent[old], now), None, "replay at second {s}");
            }
        }
    }
    // Room is made a whole second at a time: about 100 stamps a second.
    let held = v.nonces_held();
    assert!((900..=1000).contains(&held), "{held} held");
}

#[test]
fn verifier_is_shareable_across_threads() {
    let verify = std::sync::Arc::new(hmac_sha256(&b"k"[..]));
    let msg = sign(b"k", b"once");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let verify = verify.clone();
            let msg = msg.clone();
            std::thread::spawn(move || verify(&msg))
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let accepted = results.iter().filter(|r| r.is_some()).count();
    assert_eq!(accepted, 1, "one message, four threads: accepted once");
}

#[test]
fn plain_fn_verifier_shape() {
    fn reject_all(_: &[u8]) -> Option<Vec<u8>> {
        None
    }
    let f: VerifyFn = reject_all;
    assert_eq!(f(&sign(b"k", b"{}")), None);
}

/// A change to a signed message: what proptest draws.
#[derive(Clone, Debug)]
enum Mutation {
    Flip(proptest::sample::Index, u8),
    Truncate(proptest::sample::Index),
    Extend(Vec<u8>),
    Insert(proptest::sample::Index, u8),
    Remove(proptest::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<proptest::sample::Index>(), 1u8..=255).prop_map(|(i, x)| Mutation::Flip(i, x)),
        any::<proptest::sample::Index>().prop_map(Mutation::Truncate),
        proptest::collection::vec(any::<u8>(), 1..40).prop_map(Mutation::Extend),
        (any::<proptest::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<proptest::sample::Index>().prop_map(Mutation::Remove),
    ]
}

fn mutate(msg: &[u8], m: &Mutation) -> Vec<u8> {
    let mut out = msg.to_vec();
    match m {
        Mutation::Flip(i, x) => {
            let at = i.index(out.len());
            out[at] ^= x;
        }
        Mutation::Truncate(i) => out.truncate(i.index(out.len())),
        Mutation::Extend(tail) => out.extend_from_slice(tail),
        Mutation::Insert(i, b) => out.insert(i.index(out.len() + 1), *b),
        Mutation::Remove(i) => {
            out.remove(i.index(out.len()));
        }
    }
    out
}

const T: u64 = 1_700_000_000;

proptest! {
    #[test]
    fn a_fresh_message_is_accepted_once(
        key in proptest::collection::vec(any::<u8>(), 0..150),
        config in proptest::collection::vec(any::<u8>(), 0..300),
        offset in -60i64..=60,
        n in any::<[u8; 16]>(),
    ) {
        let v = HmacVerifier::new(key.clone());
        let msg = sign_at(&key, &config, at(T.saturating_add_signed(offset)), n);
        prop_assert_eq!(msg.len(), HEADER + config.len() + TAG);
        prop_assert_eq!(v.verify_at(&msg, at(T)), Some(config));
        prop_assert_eq!(v.nonces_held(), 1);
    }

    #[test]
    fn any_mutation_is_refused(
        key in proptest::collection::vec(any::<u8>(), 0..150),
        config in proptest::collection::vec(any::<u8>(), 0..300),
        m in mutation(),
        accepted_first in any::<bool>(),
    ) {
        let v = HmacVerifier::new(key.clone());
        let msg = sign_at(&key, &config, at(T), [3; 16]);
        if accepted_first {
            prop_assert!(v.verify_at(&msg, at(T)).is_some());
        }
        let bad = mutate(&msg, &m);
        // An insert and a remove can cancel out to the same bytes.
        prop_assume!(bad != msg);
        prop_assert_eq!(v.verify_at(&bad, at(T)), None);
        prop_assert_eq!(v.nonces_held(), usize::from(accepted_first));
    }

    #[test]
    fn any_replay_inside_the_window_is_refused(
        config in proptest::collection::vec(any::<u8>(), 0..100),
        offset in -60i64..=60,
        delays in proptest::collection::vec(0u64..=200, 1..5),
        others in 0usize..50,
    ) {
        let v = HmacVerifier::new(b"replay key".to_vec()).nonce_capacity(20);
        let stamp = at(T.saturating_add_signed(offset));
        let msg = sign_at(b"replay key", &config, stamp, [9; 16]);
        prop_assert!(v.verify_at(&msg, at(T)).is_some());
        // Other traffic in between, more than the cache holds.
        for i in 0..others {
            v.verify_at(&sign_at(b"replay key", b"", at(T), nonce(i as u64)), at(T));
        }
        let mut now = T;
        for delay in delays {
            now += delay;
            prop_assert_eq!(v.verify_at(&msg, at(now)), None, "replayed at +{} s", now - T);
        }
    }

    #[test]
    fn arbitrary_messages_never_panic(
        key in proptest::collection::vec(any::<u8>(), 0..80),
        mut msg in proptest::collection::vec(any::<u8>(), 0..100),
        magic in any::<bool>(),
    ) {
        if magic && msg.len() >= 4 {
            msg[..4].copy_from_slice(b"LLS1");
        }
        // Random bytes essentially never carry a valid tag.
        prop_assert_eq!(hmac_sha256(key)(&msg), None);
    }
}
