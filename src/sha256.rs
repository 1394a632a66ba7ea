//! SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), std only.
//!
//! Written for the listener's verify step: short messages, no secrets kept
//! beyond the HMAC key state. Not optimised beyond the plain algorithm.

/// The first 32 bits of the fractional parts of the cube roots of the first
/// 64 primes (FIPS 180-4, 4.2.2).
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// The initial hash value (FIPS 180-4, 5.3.3).
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Bytes per SHA-256 message block; also the HMAC block size B.
const BLOCK: usize = 64;

/// Length of a SHA-256 digest in bytes.
pub(crate) const DIGEST_LEN: usize = 32;

/// An incremental SHA-256 computation.
#[derive(Clone, Debug)]
pub(crate) struct Sha256 {
    state: [u32; 8],
    /// Bytes not yet compressed; only the first `buffered` are meaningful.
    buf: [u8; BLOCK],
    buffered: usize,
    /// Total message length in bytes so far.
    length: u64,
}

impl Sha256 {
    pub(crate) fn new() -> Sha256 {
        Sha256 {
            state: H0,
            buf: [0; BLOCK],
            buffered: 0,
            length: 0,
        }
    }

    pub(crate) fn update(&mut self, mut data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u64);
        if self.buffered > 0 {
            let take = (BLOCK - self.buffered).min(data.len());
            self.buf[self.buffered..self.buffered + take].copy_from_slice(&data[..take]);
            self.buffered += take;
            data = &data[take..];
            if self.buffered < BLOCK {
                return;
            }
            let block = self.buf;
            compress(&mut self.state, &block);
            self.buffered = 0;
        }
        let mut blocks = data.chunks_exact(BLOCK);
        for block in &mut blocks {
            compress(&mut self.state, block);
        }
        let rest = blocks.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    pub(crate) fn finalize(mut self) -> [u8; DIGEST_LEN] {
        // Padding (5.1.1): a 1 bit, zeros up to 56 mod 64, the bit length.
        let bit_len = self.length.wrapping_mul(8);
        let mut pad = [0u8; BLOCK + 8];
        pad[0] = 0x80;
        let zeros = (BLOCK + 56 - 1 - self.buffered) % BLOCK;
        let end = 1 + zeros;
        pad[end..end + 8].copy_from_slice(&bit_len.to_be_bytes());
        let length = self.length;
        self.update(&pad[..end + 8]);
        debug_assert_eq!(self.buffered, 0);
        self.length = length;
        let mut out = [0u8; DIGEST_LEN];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

/// One-shot SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; DIGEST_LEN] {
    let mut h = Sha256::new();
    h.update(data);
    h.finalize()
}

/// The compression function (6.2.2) over one 64-byte block.
fn compress(state: &mut [u32; 8], block: &[u8]) {
    let mut w = [0u32; 64];
    for (t, chunk) in block.chunks_exact(4).enumerate() {
        w[t] = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    for t in 16..64 {
        let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
        let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16]
            .wrapping_add(s0)
            .wrapping_add(w[t - 7])
            .wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for t in 0..64 {
        let big_s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = h
            .wrapping_add(big_s1)
            .wrapping_add(ch)
            .wrapping_add(K[t])
            .wrapping_add(w[t]);
        let big_s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = big_s0.wrapping_add(maj);
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = s.wrapping_add(v);
    }
}

/// HMAC-SHA256 keyed once, reusable for many messages: the inner and outer
/// hash states after absorbing the padded key are kept, so each message
/// costs only its own blocks plus two.
#[derive(Clone)]
pub(crate) struct HmacSha256 {
    inner: Sha256,
    outer: Sha256,
}

// Deliberately says nothing about the key-derived state.
impl std::fmt::Debug for HmacSha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacSha256 { .. }")
    }
}

impl HmacSha256 {
    pub(crate) fn new(key: &[u8]) -> HmacSha256 {
        // RFC 2104: a key longer than the block is replaced by its hash, then
        // zero-padded to the block size.
        let mut padded = [0u8; BLOCK];
        if key.len() > BLOCK {
            padded[..DIGEST_LEN].copy_from_slice(&sha256(key));
        } else {
            padded[..key.len()].copy_from_slice(key);
        }
        let mut inner = Sha256::new();
        inner.update(&padded.map(|b| b ^ 0x36));
        let mut outer = Sha256::new();
        outer.update(&padded.map(|b| b ^ 0x5c));
        HmacSha256 { inner, outer }
    }

    pub(crate) fn tag(&self, msg: &[u8]) -> [u8; DIGEST_LEN] {
        let mut inner = self.inner.clone();
        inner.update(msg);
        let mut outer = self.outer.clone();
        outer.update(&inner.finalize());
        outer.finalize()
    }
}

/// Compares two tags in time independent of where they differ: every byte
/// is visited and the differences are OR-folded, with no early exit.
pub(crate) fn tags_equal(a: &[u8; DIGEST_LEN], b: &[u8; DIGEST_LEN]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // black_box keeps the optimiser from turning the fold into an early exit.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn fips_180_4_examples() {
        let million_a = vec![b'a'; 1_000_000];
        let cases: [(&[u8], &str); 4] = [
            (
                b"abc",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
            (
                &million_a,
                "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
            ),
            (
                b"",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
        ];
        for (msg, want) in cases {
            assert_eq!(hex(&sha256(msg)), want, "message of {} bytes", msg.len());
        }
    }

    #[test]
    fn million_a_fed_in_odd_pieces() {
        let mut h = Sha256::new();
        let piece = [b'a'; 997];
        let mut left = 1_000_000;
        while left > 0 {
            let n = left.min(piece.len());
            h.update(&piece[..n]);
            left -= n;
        }
        assert_eq!(
            hex(&h.finalize()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn tags_equal_compares_every_byte() {
        let a = [7u8; DIGEST_LEN];
        assert!(tags_equal(&a, &a));
        for i in 0..DIGEST_LEN {
            let mut b = a;
            b[i] ^= 0x80;
            assert!(!tags_equal(&a, &b), "difference at byte {i}");
        }
    }

    #[test]
    fn hmac_debug_hides_the_key_state() {
        assert_eq!(
            format!("{:?}", HmacSha256::new(b"secret")),
            "HmacSha256 { .. }"
        );
    }

    /// Every length around the padding boundaries (55/56/63/64 mod 64) and a
    /// few long ones, against Python's hashlib in one process.
    #[test]
    fn matches_python_hashlib_at_every_padding_boundary() {
        let lengths: Vec<usize> = (0..=200)
            .chain([447, 448, 511, 512, 513, 4096, 65_537])
            .collect();
        let messages: Vec<Vec<u8>> = lengths
            .iter()
            .map(|&n| (0..n).map(|i| (i * 31 + n * 7) as u8).collect())
            .collect();
        let input: String = messages.iter().map(|m| hex(m) + "\n").collect();
        let script = "import sys, hashlib\n\
                      for line in sys.stdin:\n\
                      \x20   print(hashlib.sha256(bytes.fromhex(line.strip())).hexdigest())\n";
        let Some(out) = crate::python_test::run_python(script, &input, "SHA-256") else {
            return;
        };
        let want: Vec<&str> = out.lines().collect();
        assert_eq!(want.len(), messages.len());
        for (m, w) in messages.iter().zip(want) {
            assert_eq!(hex(&sha256(m)), w, "message of {} bytes", m.len());
        }
    }

    proptest! {
        #[test]
        fn split_updates_equal_one_shot(
            data in proptest::collection::vec(any::<u8>(), 0..300),
            cuts in proptest::collection::vec(0usize..300, 0..5),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
            cuts.sort_unstable();
            let mut h = Sha256::new();
            let mut start = 0;
            for c in cuts {
                h.update(&data[start..c]);
                start = c;
            }
            h.update(&data[start..]);
            prop_assert_eq!(h.finalize(), sha256(&data));
        }
    }
}
