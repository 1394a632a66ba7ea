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

/// The ```python block of the verify module's docs: a verify for CPython's
/// listener.
fn cpython_verify() -> String {
    let docs: String = include_str!("../src/verify/mod.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
        .collect();
    let start = docs.find("```python\n").expect("a python block") + "```python\n".len();
    let len = docs[start..].find("```").expect("the block's end");
    docs[start..start + len].to_string()
}

/// Runs the documented verify on each `now:hex` line: prints the config
/// (hex) it returns, or `None`.
const CPYTHON_VERIFY_DRIVER: &str = "
import sys, time
verify = signed_by(b'cpython key', window=60, capacity=3)
for line in sys.stdin:
    now, msg = line.split()
    time.time = lambda: float(now)
    out = verify(bytes.fromhex(msg))
    print('None' if out is None else out.hex())
";

/// The clock, a message, and the config the verify should return.
type Case = (u64, Vec<u8>, Option<&'static [u8]>);

#[test]
fn the_documented_cpython_verify_agrees() {
    let key = b"cpython key";
    let t = 1_700_000_000u64;
    let at = |s: u64| std::time::UNIX_EPOCH + Duration::from_secs(s);
    let nonce = |i: u8| [i; 16];
    let fresh = sign_at(key, b"{\"a\": 1}", at(t), nonce(1));
    let mut altered = sign_at(key, b"{\"a\": 2}", at(t), nonce(2));
    altered[30] ^= 1;
    let cases: Vec<Case> = vec![
        (t, fresh.clone(), Some(b"{\"a\": 1}")),
        (t, fresh.clone(), None),
        (t, altered, None),
        (t, sign_at(b"other", b"{}", at(t), nonce(3)), None),
        (t, sign_at(key, b"{}", at(t - 61), nonce(4)), None),
        (t, sign_at(key, b"{}", at(t + 61), nonce(5)), None),
        (t, sign_at(key, b"{}", at(t - 60), nonce(6)), Some(b"{}")),
        (t, sign_at(key, b"{}", at(t + 60), nonce(7)), Some(b"{}")),
        // Full (capacity 3) of unexpired nonces: refused.
        (t, sign_at(key, b"{}", at(t), nonce(8)), None),
        (t, fresh[..59].to_vec(), None),
        (t + 30, fresh.clone(), None),
        // The clock moves on: t - 60 and t expire, room again; the old
        // frame is stale, the one stamped t + 60 still a replay.
        (
            t + 61,
            sign_at(key, b"{}", at(t + 61), nonce(9)),
            Some(b"{}"),
        ),
        (t + 61, fresh.clone(), None),
        (t + 61, sign_at(key, b"{}", at(t + 60), nonce(7)), None),
        // The clock set back: what expired stays refused.
        (t, fresh.clone(), None),
    ];
    let script = cpython_verify() + CPYTHON_VERIFY_DRIVER;
    let input: String = cases
        .iter()
        .map(|(now, msg, _)| format!("{now} {}\n", hex(msg)))
        .collect();
    let Some(out) = python::run_python(&script, &input, "the documented CPython verify") else {
        return;
    };
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got.len(), cases.len());
    for (i, ((now, msg, want), got)) in cases.iter().zip(got).enumerate() {
        let want = want.map_or("None".to_string(), hex);
        assert_eq!(got, want, "case {i}: {} bytes at {now}", msg.len());
    }
}
