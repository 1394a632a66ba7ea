//! HMAC-SHA256 against Python's `hmac` module, in one python3 process.

use loglisten::verify::{hmac_sha256, hmac_sha256_tag};

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
    let input: String = cases
        .iter()
        .map(|(k, m)| format!("{}:{}\n", hex(k), hex(m)))
        .collect();

    let Some(out) = python::run_python(SCRIPT, &input, "HMAC-SHA256") else {
        return;
    };
    let want: Vec<&str> = out.lines().collect();
    assert_eq!(want.len(), cases.len());

    for ((key, msg), want) in cases.iter().zip(want) {
        assert_eq!(
            hex(&hmac_sha256_tag(key, msg)),
            want,
            "key of {} bytes, message of {} bytes",
            key.len(),
            msg.len()
        );
        // And what Python signs, our verifier accepts.
        let mut signed: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&want[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        signed.extend_from_slice(msg);
        assert_eq!(hmac_sha256(key.clone())(&signed).as_deref(), Some(&msg[..]));
    }
}
