//! The listener's verify step, and HMAC-SHA256 signing to use with it.
//!
//! As in CPython's `logging.config.listen(port, verify)`, a verifier is
//! called with the bytes of each received message: `None` discards the
//! message, `Some(bytes)` is what gets applied (the message itself, or the
//! message unwrapped or decrypted).
//!
//! [`hmac_sha256`] builds a verifier for the simplest useful scheme: the
//! message is a 32-byte HMAC-SHA256 tag followed by the configuration, and
//! the tag is computed over the configuration with a key both sides share.
//! [`sign`] produces such a message. A Python sender does the same with the
//! standard library:
//!
//! ```text
//! import hashlib, hmac, socket, struct
//!
//! key = b"shared secret"
//! data = open("logging.json", "rb").read()
//! tag = hmac.new(key, data, hashlib.sha256).digest()
//! payload = tag + data
//! with socket.create_connection(("127.0.0.1", 9030)) as sock:
//!     sock.sendall(struct.pack(">L", len(payload)) + payload)
//! ```
//!
//! and a CPython listener accepts what [`sign`] produces with:
//!
//! ```text
//! def verify(msg):
//!     tag, data = msg[:32], msg[32:]
//!     good = hmac.new(key, data, hashlib.sha256).digest()
//!     return data if hmac.compare_digest(tag, good) else None
//!
//! logging.config.listen(9030, verify=verify).start()
//! ```
//!
//! The tag authenticates the sender but does not stop a recorded message
//! from being replayed, and the configuration travels in clear.

use crate::sha256::{tags_equal, HmacSha256, DIGEST_LEN};

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

/// Returns `tag || config`, where the tag is HMAC-SHA256 of `config` under
/// `key`: the message a verifier from [`hmac_sha256`] with the same key
/// accepts.
///
/// ```
/// use loglisten::verify::{hmac_sha256, sign};
///
/// let msg = sign(b"key", b"{\"version\": 1}");
/// assert_eq!(msg.len(), 32 + 14);
/// assert_eq!(hmac_sha256(b"key")(&msg), Some(b"{\"version\": 1}".to_vec()));
/// ```
pub fn sign(key: &[u8], config: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(DIGEST_LEN + config.len());
    out.extend_from_slice(&hmac_sha256_tag(key, config));
    out.extend_from_slice(config);
    out
}

/// A verifier for messages made by [`sign`]: a 32-byte HMAC-SHA256 tag,
/// then the configuration. It returns the configuration when the tag
/// matches (compared in constant time), and `None` when it does not or the
/// message is shorter than a tag. The key is processed once, here.
///
/// ```
/// use loglisten::verify::{hmac_sha256, sign};
///
/// let verify = hmac_sha256(b"shared secret".to_vec());
/// let msg = sign(b"shared secret", b"[loggers]");
/// assert_eq!(verify(&msg), Some(b"[loggers]".to_vec()));
/// assert_eq!(verify(&sign(b"other key", b"[loggers]")), None);
/// assert_eq!(verify(b"short"), None);
/// ```
pub fn hmac_sha256(
    key: impl Into<Vec<u8>>,
) -> impl Fn(&[u8]) -> Option<Vec<u8>> + Send + Sync + 'static {
    let mac = HmacSha256::new(&key.into());
    move |msg: &[u8]| {
        if msg.len() < DIGEST_LEN {
            return None;
        }
        let (tag, config) = msg.split_at(DIGEST_LEN);
        let mut given = [0u8; DIGEST_LEN];
        given.copy_from_slice(tag);
        tags_equal(&given, &mac.tag(config)).then(|| config.to_vec())
    }
}
