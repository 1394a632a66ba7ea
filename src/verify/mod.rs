//! The listener's verify step, and replay-proof HMAC-SHA256 signing to use
//! with it.
//!
//! As in CPython's `logging.config.listen(port, verify)`, a verifier is
//! called with the bytes of each received message: `None` discards the
//! message, `Some(bytes)` is what gets applied (the message itself, or the
//! message unwrapped or decrypted).
//!
//! [`hmac_sha256`] (or an [`HmacVerifier`], to choose its window) accepts
//! messages made by [`sign`] with the same key. A signed message is
//!
//! | bytes     | field                                                       |
//! |-----------|-------------------------------------------------------------|
//! | 4         | the magic `LLS1` (loglisten signed, version 1)              |
//! | 8         | the time it was signed: whole seconds since the Unix epoch, big-endian |
//! | 16        | a nonce: random bytes, new for every message                |
//! | n         | the configuration (dictConfig JSON or fileConfig INI)       |
//! | 32        | HMAC-SHA256, under the shared key, of every byte before it  |
//!
//! It is accepted only when the MAC matches (compared in constant time),
//! the timestamp is within the window of the verifier's clock (60 s either
//! way by default) and the nonce has not been accepted before: a recorded
//! message cannot be replayed, now or later. The README's wire section
//! gives a ten-line Python sender. The configuration travels in clear.
//!
//! Nonces are remembered per verifier: a message sent to one listener can
//! be replayed to another listener with the same key inside the window,
//! unless they share one [`HmacVerifier`] (behind an `Arc`) or use
//! different keys.
//!
//! CPython's own listener can take these messages too, with this verify
//! (it refuses new messages while its cache is full of unexpired nonces,
//! where ours makes room by closing the oldest second):
//!
//! ```python
//! import hashlib, hmac, struct, threading, time
//!
//! def signed_by(key, window=60, capacity=4096):
//!     seen, lock, floor = {}, threading.Lock(), [0]  # nonce -> timestamp
//!     def verify(msg):
//!         body, mac = msg[:-32], msg[-32:]
//!         good = hmac.new(key, body, hashlib.sha256).digest()
//!         if len(msg) < 60 or body[:4] != b"LLS1" or not hmac.compare_digest(mac, good):
//!             return None
//!         stamp, nonce, now = struct.unpack(">Q", body[4:12])[0], body[12:28], int(time.time())
//!         with lock:
//!             floor[0] = max(floor[0], now - window)  # never back with the clock
//!             for old in [n for n, t in seen.items() if t < floor[0]]:
//!                 del seen[old]
//!             if not floor[0] <= stamp <= now + window or nonce in seen or len(seen) >= capacity:
//!                 return None
//!             seen[nonce] = stamp
//!         return body[28:]
//!     return verify
//! ```
//!
//! used as `logging.config.listen(9030, verify=signed_by(key)).start()`.

mod nonce;

use crate::sha256::{sha256, tags_equal, HmacSha256, DIGEST_LEN};
use nonce::{NonceCache, Refusal, NONCE_LEN};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The first bytes of a signed message: format and version.
const MAGIC: &[u8; 4] = b"LLS1";
/// Magic, timestamp and nonce.
const HEADER_LEN: usize = MAGIC.len() + 8 + NONCE_LEN;
/// How far a timestamp may be from the verifier's clock, by default.
const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
/// How many nonces a verifier holds at most, by default.
const DEFAULT_NONCE_CAPACITY: usize = 4096;

/// A verifier in its plain form, as CPython's `verify` argument:
/// `None` discards the message, `Some(bytes)` is applied.
///
/// ```
/// use loglisten::verify::VerifyFn;
///
/// fn only_json(msg: &[u8]) -> Option<Vec<u8>> {
///     msg.starts_with(b"{").then(|| msg.to_vec())
/// }
/// let verify: VerifyFn = only_json;
/// assert_eq!(verify(b"{}"), Some(b"{}".to_vec()));
/// assert_eq!(verify(b"[x]"), None);
/// ```
pub type VerifyFn = fn(&[u8]) -> Option<Vec<u8>>;

/// HMAC-SHA256 (RFC 2104) of `msg` under `key`: the same bytes as Python's
/// `hmac.new(key, msg, hashlib.sha256).digest()`.
///
/// ```
/// let tag = loglisten::verify::hmac_sha256_tag(b"Jefe", b"what do ya want for nothing?");
/// assert_eq!(tag[..4], [0x5b, 0xdc, 0xc1, 0x46]);
/// ```
pub fn hmac_sha256_tag(key: &[u8], msg: &[u8]) -> [u8; 32] {
    HmacSha256::new(key).tag(msg)
}

/// Signs `config` under `key`, stamped with the current time and a fresh
/// nonce: the message an [`HmacVerifier`] with the same key accepts once.
///
/// ```
/// use loglisten::verify::{hmac_sha256, sign};
///
/// let verify = hmac_sha256(b"key".to_vec());
/// let msg = sign(b"key", b"{\"version\": 1}");
/// assert_eq!(msg.len(), 28 + 14 + 32);
/// assert_eq!(verify(&msg), Some(b"{\"version\": 1}".to_vec()));
/// assert_eq!(verify(&msg), None, "a replay");
/// assert_ne!(sign(b"key", b"{}"), sign(b"key", b"{}"), "a new nonce each time");
/// ```
pub fn sign(key: &[u8], config: &[u8]) -> Vec<u8> {
    sign_at(key, config, SystemTime::now(), nonce::fresh_nonce())
}

/// Signs `config` under `key` with the given time and nonce: [`sign`] made
/// repeatable. A nonce must never be used twice with one key; [`sign`]
/// picks a fresh one.
///
/// ```
/// use loglisten::verify::sign_at;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let msg = sign_at(b"key", b"{}", UNIX_EPOCH + Duration::from_secs(258), [7; 16]);
/// assert_eq!(&msg[..4], b"LLS1");
/// assert_eq!(msg[4..12], [0, 0, 0, 0, 0, 0, 1, 2]);
/// assert_eq!(msg[12..28], [7; 16]);
/// assert_eq!(&msg[28..30], b"{}");
/// assert_eq!(msg[30..], loglisten::verify::hmac_sha256_tag(b"key", &msg[..30]));
/// ```
pub fn sign_at(key: &[u8], config: &[u8], time: SystemTime, nonce: [u8; 16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + config.len() + DIGEST_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&unix_seconds(time).to_be_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(config);
    let mac = hmac_sha256_tag(key, &out);
    out.extend_from_slice(&mac);
    out
}

/// A verifier for messages made by [`sign`] under `key`, with the default
/// window (60 s either way) and nonce capacity (4096): an
/// [`HmacVerifier`] as a closure for
/// [`Builder::verify`](crate::listener::Builder::verify). The key is
/// processed once, here.
///
/// ```
/// use loglisten::verify::{hmac_sha256, sign};
///
/// let verify = hmac_sha256(b"shared secret".to_vec());
/// let msg = sign(b"shared secret", b"[loggers]");
/// assert_eq!(verify(&msg), Some(b"[loggers]".to_vec()));
/// assert_eq!(verify(&msg), None, "a replay");
/// assert_eq!(verify(&sign(b"other key", b"[loggers]")), None);
/// assert_eq!(verify(b"short"), None);
/// ```
pub fn hmac_sha256(
    key: impl Into<Vec<u8>>,
) -> impl Fn(&[u8]) -> Option<Vec<u8>> + Send + Sync + 'static {
    let verifier = HmacVerifier::new(key);
    move |msg: &[u8]| verifier.verify(msg)
}

/// Checks messages made by [`sign`]: the MAC under the shared key, the
/// timestamp against a window around the clock, the nonce against the
/// ones already accepted (see the [module docs](self) for the format).
///
/// Accepted nonces are held until their timestamp leaves the window, at
/// most [`nonce_capacity`](Self::nonce_capacity) of them. When that many
/// unexpired nonces are held, the ones with the oldest timestamp are
/// forgotten and messages stamped at or before that second are refused
/// from then on: memory stays bounded under any flood and nothing that was
/// forgotten can be replayed; fresh messages keep going through unless the
/// whole capacity arrives within one second. The floor set by the clock
/// never moves back: if the system clock is set back by more than the
/// window, messages are refused until it catches up (or the verifier is
/// made again).
///
/// ```
/// use loglisten::verify::{sign_at, HmacVerifier};
/// use std::time::{Duration, SystemTime};
///
/// let verifier = HmacVerifier::new(b"k".to_vec()).window(Duration::from_secs(5));
/// let now = SystemTime::now();
/// let msg = sign_at(b"k", b"{}", now, [1; 16]);
/// assert_eq!(verifier.verify_at(&msg, now), Some(b"{}".to_vec()));
/// assert_eq!(verifier.verify_at(&msg, now), None, "a replay");
/// let old = sign_at(b"k", b"{}", now - Duration::from_secs(6), [2; 16]);
/// assert_eq!(verifier.verify_at(&old, now), None, "outside the window");
/// assert_eq!(verifier.nonces_held(), 1);
///
/// // As a listener's verify step:
/// let listener = loglisten::Listener::builder()
///     .port(0)
///     .verify(move |msg: &[u8]| verifier.verify(msg))
///     .spawn()
///     .unwrap();
/// # drop(listener);
/// ```
pub struct HmacVerifier {
    mac: HmacSha256,
    key_id: String,
    window: u64,
    capacity: usize,
    nonces: Mutex<NonceCache>,
}

impl fmt::Debug for HmacVerifier {
    /// Names the key by its id only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacVerifier")
            .field("key_id", &self.key_id)
            .field("window", &Duration::from_secs(self.window))
            .field("nonce_capacity", &self.capacity)
            .field("nonces_held", &self.nonces_held())
            .finish()
    }
}

impl HmacVerifier {
    /// A verifier for `key`, with a window of 60 s either way and room for
    /// 4096 nonces.
    ///
    /// ```
    /// let verifier = loglisten::verify::HmacVerifier::new(b"k".to_vec());
    /// assert_eq!(verifier.nonces_held(), 0);
    /// ```
    pub fn new(key: impl Into<Vec<u8>>) -> HmacVerifier {
        let key = key.into();
        HmacVerifier {
            mac: HmacSha256::new(&key),
            key_id: key_id(&key),
            window: DEFAULT_WINDOW.as_secs(),
            capacity: DEFAULT_NONCE_CAPACITY,
            nonces: Mutex::new(NonceCache::new(
                DEFAULT_WINDOW.as_secs(),
                DEFAULT_NONCE_CAPACITY,
            )),
        }
    }

    /// How far a message's timestamp may be from the clock, either way,
    /// in whole seconds (a fraction is dropped). Forgets accepted nonces:
    /// set it before use.
    ///
    /// ```
    /// use loglisten::verify::{sign_at, HmacVerifier};
    /// use std::time::{Duration, SystemTime};
    ///
    /// let verifier = HmacVerifier::new(b"k".to_vec()).window(Duration::from_secs(300));
    /// let now = SystemTime::now();
    /// let msg = sign_at(b"k", b"{}", now + Duration::from_secs(299), [0; 16]);
    /// assert!(verifier.verify_at(&msg, now).is_some());
    /// ```
    pub fn window(mut self, window: Duration) -> HmacVerifier {
        self.window = window.as_secs();
        self.nonces = Mutex::new(NonceCache::new(self.window, self.capacity));
        self
    }

    /// The most nonces held at once (at least 1). Forgets accepted nonces:
    /// set it before use.
    ///
    /// ```
    /// use loglisten::verify::{sign_at, HmacVerifier};
    /// use std::time::SystemTime;
    ///
    /// let verifier = HmacVerifier::new(b"k".to_vec()).nonce_capacity(2);
    /// let now = SystemTime::now();
    /// for i in 0..10 {
    ///     verifier.verify_at(&sign_at(b"k", b"{}", now, [i; 16]), now);
    ///     assert!(verifier.nonces_held() <= 2);
    /// }
    /// ```
    pub fn nonce_capacity(mut self, capacity: usize) -> HmacVerifier {
        self.capacity = capacity.max(1);
        self.nonces = Mutex::new(NonceCache::new(self.window, self.capacity));
        self
    }

    /// The configuration inside `msg` if it is accepted now (see
    /// [`verify_at`](Self::verify_at)); `None` otherwise.
    ///
    /// ```
    /// use loglisten::verify::{sign, HmacVerifier};
    /// let verifier = HmacVerifier::new(b"k".to_vec());
    /// assert_eq!(verifier.verify(&sign(b"k", b"{}")), Some(b"{}".to_vec()));
    /// ```
    pub fn verify(&self, msg: &[u8]) -> Option<Vec<u8>> {
        self.verify_at(msg, SystemTime::now())
    }

    /// The configuration inside `msg` if it is accepted when the clock
    /// says `now`: a well-formed message whose MAC matches, whose timestamp
    /// is within the window of `now`, and whose nonce was not accepted
    /// before. Its nonce is then remembered. `None` otherwise.
    ///
    /// ```
    /// use loglisten::verify::{sign_at, HmacVerifier};
    /// use std::time::{Duration, UNIX_EPOCH};
    ///
    /// let verifier = HmacVerifier::new(b"k".to_vec());
    /// let then = UNIX_EPOCH + Duration::from_secs(1_000_000);
    /// let msg = sign_at(b"k", b"{}", then, [0; 16]);
    /// let future = sign_at(b"k", b"{}", then + Duration::from_secs(61), [1; 16]);
    /// assert_eq!(verifier.verify_at(&future, then), None);
    /// assert_eq!(verifier.verify_at(&msg, then + Duration::from_secs(60)), Some(b"{}".to_vec()));
    /// assert_eq!(verifier.verify_at(&msg, then + Duration::from_secs(61)), None);
    /// ```
    pub fn verify_at(&self, msg: &[u8], now: SystemTime) -> Option<Vec<u8>> {
        self.check(msg, now).ok().map(<[u8]>::to_vec)
    }

    /// The number of nonces held now: never more than the capacity.
    ///
    /// ```
    /// use loglisten::verify::{sign, HmacVerifier};
    /// let verifier = HmacVerifier::new(b"k".to_vec());
    /// verifier.verify(&sign(b"k", b"{}"));
    /// assert_eq!(verifier.nonces_held(), 1);
    /// ```
    pub fn nonces_held(&self) -> usize {
        self.nonces.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// The key's id (see [`key_id`]).
    pub(crate) fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The configuration inside `msg`, or why it was refused.
    pub(crate) fn check<'m>(&self, msg: &'m [u8], now: SystemTime) -> Result<&'m [u8], Rejection> {
        if msg.len() < HEADER_LEN + DIGEST_LEN || !msg.starts_with(MAGIC) {
            return Err(Rejection::Malformed);
        }
        let (body, tag) = msg.split_at(msg.len() - DIGEST_LEN);
        let mut given = [0u8; DIGEST_LEN];
        given.copy_from_slice(tag);
        // Nothing unauthenticated reaches the nonce cache.
        if !tags_equal(&given, &self.mac.tag(body)) {
            return Err(Rejection::BadMac);
        }
        let mut stamp = [0u8; 8];
        stamp.copy_from_slice(&body[MAGIC.len()..MAGIC.len() + 8]);
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&body[MAGIC.len() + 8..HEADER_LEN]);
        let mut nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        match nonces.admit(u64::from_be_bytes(stamp), nonce, unix_seconds(now)) {
            Ok(()) => Ok(&body[HEADER_LEN..]),
            Err(Refusal::Stale) => Err(Rejection::Stale),
            Err(Refusal::Future) => Err(Rejection::Future),
            Err(Refusal::Replayed) => Err(Rejection::Replayed),
        }
    }
}

/// Why an [`HmacVerifier`] refused a message (for audit records).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rejection {
    /// Too short for the format, or not starting with its magic.
    Malformed,
    /// The MAC does not match: another key, or altered bytes.
    BadMac,
    /// Stamped before the window (or before a second already forgotten).
    Stale,
    /// Stamped after the window.
    Future,
    /// A nonce accepted before.
    Replayed,
}

impl Rejection {
    /// The reason as the audit writes it.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Rejection::Malformed => "malformed",
            Rejection::BadMac => "bad signature",
            Rejection::Stale => "stale signature",
            Rejection::Future => "future signature",
            Rejection::Replayed => "replayed signature",
        }
    }
}

/// A key's id for audit records: the first 8 hex digits of its SHA-256,
/// enough to tell keys apart, nothing usable to recover one.
pub(crate) fn key_id(key: &[u8]) -> String {
    sha256(key)[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whole seconds since the Unix epoch (0 before it).
fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn each_refusal_has_its_reason() {
        let v = HmacVerifier::new(b"k".to_vec());
        let now = at(1_000_000);
        let good = sign_at(b"k", b"{}", now, [1; 16]);
        assert_eq!(v.check(&good, now), Ok(&b"{}"[..]));
        assert_eq!(v.check(&good, now), Err(Rejection::Replayed));
        let mut altered = sign_at(b"k", b"{}", now, [2; 16]);
        altered[28] ^= 1;
        assert_eq!(v.check(&altered, now), Err(Rejection::BadMac));
        let other_key = sign_at(b"j", b"{}", now, [2; 16]);
        assert_eq!(v.check(&other_key, now), Err(Rejection::BadMac));
        let stale = sign_at(b"k", b"{}", at(1_000_000 - 61), [3; 16]);
        assert_eq!(v.check(&stale, now), Err(Rejection::Stale));
        let future = sign_at(b"k", b"{}", at(1_000_000 + 61), [4; 16]);
        assert_eq!(v.check(&future, now), Err(Rejection::Future));
        assert_eq!(v.check(&good[..59], now), Err(Rejection::Malformed));
        let mut magic = good.clone();
        magic[3] = b'2';
        assert_eq!(v.check(&magic, now), Err(Rejection::Malformed));
        assert_eq!(v.nonces_held(), 1, "only the accepted nonce is held");
    }

    #[test]
    fn key_id_is_the_start_of_sha256() {
        // sha256("abc") = ba7816bf...
        assert_eq!(key_id(b"abc"), "ba7816bf");
        assert_eq!(key_id(b""), "e3b0c442");
    }

    #[test]
    fn debug_names_the_key_by_id_only() {
        let v = HmacVerifier::new(b"abc".to_vec()).nonce_capacity(7);
        assert_eq!(
            format!("{v:?}"),
            "HmacVerifier { key_id: \"ba7816bf\", window: 60s, nonce_capacity: 7, nonces_held: 0 }"
        );
    }

    #[test]
    fn before_the_epoch_is_zero() {
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(5)), 0);
        assert_eq!(unix_seconds(at(7)), 7);
    }
}
