//! HMAC-SHA256 against Python's `hmac` module, in one python3 process:
//! the tags, and the signed envelopes Python would make.

use loglisten::verify::{hmac_sha256_tag, sign_at, HmacVerifier};
use std::time::{Duration, SystemTime};

#[path = "support/python.rs"]
mod python;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Deterministic bytes that differ per (seed, index).
fn bytes(seed: usize, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(131) ^ seed.wrapping_mul(7919)) as u8)
        .collect()
}

const SCRIPT: &str = "\
import sys, hmac, hashlib
for line in sys.stdin:
    key, msg = line.rstrip('\\n').split(':')
    print(hmac.new(bytes.fromhex(key), bytes.fromhex(msg), hashlib.sha256).hexdigest())
";

#[test]
fn matches_python_hmac() {
    // Keys below, at and above the 64-byte block (Python hashes the long
    // ones first); messages around the SHA-256 padding boundaries.
    let key_lens = [0, 1, 16, 32, 63, 64, 65, 100, 131, 200, 1000];
    let msg_lens = [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000];
    let mut cases = Vec::new();
    for (k, &kl) in key_lens.iter().enumerate() {
        for (m, &ml) in msg_lens.iter().enumerate() {
            cases.push((bytes(k, kl), bytes(100 + k * 10 + m, ml)));
        }
    }
    // Each case twice: the plain tag, and the tag of a signed envelope's
    // body (everything before its MAC).
    let now = SystemTime::now();
    let signed: Vec<Vec<u8>> = cases
        .iter()
        .enumerate()
        .map(|(i, (key, msg))| {
            let mut nonce = [0u8; 16];
            nonce[..8].copy_from_slice(&(i as u64).to_be_bytes());
            sign_at(key, msg, now - Duration::from_secs(i as u64 % 60), nonce)
        })
        .collect();
    let input: String = cases
        .iter()
        .zip(&signed)
        .map(|((k, m), s)| {
            format!(
                "{}:{}\n{}:{}\n",
                hex(k),
                hex(m),
                hex(k),
                hex(&s[..s.len() - 32])
            )
        })
        .collect();

    let Some(out) = python::run_python(SCRIPT, &input, "HMAC-SHA256") else {
        return;
    };
    let want: Vec<&str> = out.lines().collect();
    assert_eq!(want.len(), 2 * cases.len());

    for (((key, msg), envelope), want) in cases.iter().zip(&signed).zip(want.chunks(2)) {
        let what = format!("key of {} bytes, message of {} bytes", key.len(), msg.len());
        assert_eq!(hex(&hmac_sha256_tag(key, msg)), want[0], "{what}");
        // The MAC Python computes over the envelope is the one sign_at
        // appended, and the verifier accepts the envelope.
        assert_eq!(hex(&envelope[envelope.len() - 32..]), want[1], "{what}");
        let verifier = HmacVerifier::new(key.clone());
        assert_eq!(
            verifier.verify_at(envelope, now).as_deref(),
            Some(&msg[..]),
            "{what}"
        );
    }
}
