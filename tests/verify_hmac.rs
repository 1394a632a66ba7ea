//! HMAC-SHA256 against RFC 4231, and the sign / verify pair.

use loglisten::verify::{hmac_sha256, hmac_sha256_tag, sign, VerifyFn};
use proptest::prelude::*;

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
fn rfc_4231_tags_are_what_verify_accepts() {
    for (key, data, want) in rfc4231() {
        if want.len() != 64 {
            continue;
        }
        let mut msg: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&want[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        msg.extend_from_slice(&data);
        assert_eq!(sign(&key, &data), msg);
        assert_eq!(hmac_sha256(key)(&msg), Some(data));
    }
}

#[test]
fn verify_accepts_its_own_sign() {
    let verify = hmac_sha256(b"k".to_vec());
    for config in [&b""[..], b"{}", b"[loggers]\nkeys=root\n"] {
        assert_eq!(verify(&sign(b"k", config)), Some(config.to_vec()));
    }
}

#[test]
fn tampered_config_or_tag_is_rejected() {
    let verify = hmac_sha256(&b"key"[..]);
    let msg = sign(b"key", b"{\"version\": 1}");
    for i in [0, 17, 31, 32, 40, msg.len() - 1] {
        let mut bad = msg.clone();
        bad[i] ^= 0x01;
        assert_eq!(verify(&bad), None, "byte {i} changed");
    }
    let mut longer = msg.clone();
    longer.push(b' ');
    assert_eq!(verify(&longer), None, "byte appended");
    assert_eq!(verify(&msg[..msg.len() - 1]), None, "byte removed");
    assert_eq!(hmac_sha256(&b"kez"[..])(&msg), None, "other key");
}

#[test]
fn short_input_is_rejected() {
    let verify = hmac_sha256(Vec::new());
    let tag_of_empty = sign(b"", b"");
    assert_eq!(tag_of_empty.len(), 32);
    assert_eq!(
        verify(&tag_of_empty),
        Some(Vec::new()),
        "a tag alone carries an empty config"
    );
    for len in [0, 1, 31] {
        assert_eq!(verify(&tag_of_empty[..len]), None, "{len} bytes");
    }
}

#[test]
fn verifier_is_shareable_across_threads() {
    let verify = std::sync::Arc::new(hmac_sha256(&b"k"[..]));
    let handles: Vec<_> = (0..4u8)
        .map(|i| {
            let verify = verify.clone();
            std::thread::spawn(move || verify(&sign(b"k", &[i])))
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        assert_eq!(h.join().unwrap(), Some(vec![i as u8]));
    }
}

#[test]
fn plain_fn_verifier_shape() {
    fn reject_all(_: &[u8]) -> Option<Vec<u8>> {
        None
    }
    let f: VerifyFn = reject_all;
    assert_eq!(f(&sign(b"k", b"{}")), None);
}

proptest! {
    #[test]
    fn sign_then_verify_round_trips(
        key in proptest::collection::vec(any::<u8>(), 0..150),
        data in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let msg = sign(&key, &data);
        prop_assert_eq!(msg.len(), 32 + data.len());
        prop_assert_eq!(&msg[..32], &hmac_sha256_tag(&key, &data)[..]);
        prop_assert_eq!(hmac_sha256(key)(&msg), Some(data));
    }

    #[test]
    fn any_flipped_bit_is_rejected(
        key in proptest::collection::vec(any::<u8>(), 0..150),
        data in proptest::collection::vec(any::<u8>(), 0..300),
        at in any::<proptest::sample::Index>(),
        bit in 0u8..8,
    ) {
        let mut msg = sign(&key, &data);
        let i = at.index(msg.len());
        msg[i] ^= 1 << bit;
        prop_assert_eq!(hmac_sha256(key)(&msg), None);
    }

    #[test]
    fn arbitrary_messages_never_panic(
        key in proptest::collection::vec(any::<u8>(), 0..80),
        msg in proptest::collection::vec(any::<u8>(), 0..100),
    ) {
        // Random bytes essentially never carry a valid tag.
        prop_assert_eq!(hmac_sha256(key)(&msg), None);
    }
}
