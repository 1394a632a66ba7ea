//! Scanning format strings by byte offset: the syntax of every style is
//! ASCII, and UTF-8 never puts an ASCII byte inside a longer character,
//! so only the few character classes (`\w`, `\d`) decode characters.

/// A set of ASCII bytes, looked up in one step: scanning for the next of
/// several syntax characters costs about what scanning for one does.
pub(crate) struct ByteSet([bool; 256]);

impl ByteSet {
    /// The set of `bytes`, plus ASCII letters and digits if `alphanumeric`.
    pub(crate) const fn new(bytes: &[u8], alphanumeric: bool) -> ByteSet {
        let mut table = [false; 256];
        let mut k = 0;
        while k < bytes.len() {
            table[bytes[k] as usize] = true;
            k += 1;
        }
        let mut c = 0;
        while c < 128 {
            if alphanumeric && (c as u8).is_ascii_alphanumeric() {
                table[c] = true;
            }
            c += 1;
        }
        ByteSet(table)
    }

    /// Whether `b` is in the set.
    #[inline]
    pub(crate) fn has(&self, b: u8) -> bool {
        self.0[usize::from(b)]
    }

    /// The offset of the first byte of `b` from `from` on that is in the
    /// set (`in_set`) or not in it.
    #[inline]
    pub(crate) fn find(&self, b: &[u8], from: usize, in_set: bool) -> Option<usize> {
        let rest = b.get(from..)?;
        rest.iter()
            .position(|&c| self.has(c) == in_set)
            .map(|k| from + k)
    }
}

/// ASCII letters, digits and `_`: identifier characters.
pub(crate) static ASCII_WORD: ByteSet = ByteSet::new(b"_", true);

/// Whether the byte is an ASCII letter, digit or `_`.
#[inline]
pub(crate) fn is_ascii_word(b: u8) -> bool {
    ASCII_WORD.has(b)
}

/// The byte offset past the `\w` characters of `s` from byte offset `i`.
pub(crate) fn skip_word(s: &str, i: usize) -> usize {
    let b = s.as_bytes();
    let end = ASCII_WORD.find(b, i, false).unwrap_or(b.len());
    if b.get(end).is_some_and(|c| !c.is_ascii()) {
        skip(s, end, is_word)
    } else {
        end
    }
}

/// Python's `\w` for a `str` pattern.
#[inline]
pub(crate) fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        c.is_alphanumeric()
    }
}

/// The byte offset past the characters of `s` from byte offset `i` that
/// match `f`; `f` sees ASCII characters without any decoding.
#[inline]
pub(crate) fn skip(s: &str, mut i: usize, f: impl Fn(char) -> bool) -> usize {
    let b = s.as_bytes();
    // ASCII first, in a tight loop; decode only from the first other byte.
    while let Some(&c) = b.get(i) {
        if !c.is_ascii() {
            break;
        }
        if !f(char::from(c)) {
            return i;
        }
        i += 1;
    }
    while i < b.len() {
        let c = if b[i].is_ascii() {
            char::from(b[i])
        } else {
            match s.get(i..).and_then(|rest| rest.chars().next()) {
                Some(c) => c,
                None => break,
            }
        };
        if !f(c) {
            break;
        }
        i += c.len_utf8();
    }
    i
}
