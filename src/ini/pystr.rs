//! The few pieces of Python's `str` behaviour that configparser relies on:
//! `isspace`/`strip`.

/// Python's `str.isspace` for one character: Unicode `White_Space` (what
/// Rust's `char::is_whitespace` tests) plus the four information separators
/// U+001C..U+001F, which Python also counts as whitespace.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's whitespace among ASCII bytes: `\t\n\x0b\x0c\r`, the four
/// separators `\x1c..\x1f` and the space.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | 0x1c..=b' ')
}

/// Where Python's `s[start..end].lstrip()` starts. Bytes are tested one by
/// one while they are ASCII; a non-ASCII character falls back to `char`s.
/// `start` and `end` must be character boundaries of `s`.
#[inline]
pub(crate) fn lstrip_at(s: &str, start: usize, end: usize) -> usize {
    let bytes = s.as_bytes().get(..end).unwrap_or_default();
    let mut i = start;
    while i < bytes.len() && is_ascii_space(bytes[i]) {
        i += 1;
    }
    if i < end && !bytes[i].is_ascii() {
        return lstrip_chars(s, i, end);
    }
    i
}

/// Where Python's `s[start..end].rstrip()` ends (see [`lstrip_at`]).
#[inline]
pub(crate) fn rstrip_at(s: &str, start: usize, end: usize) -> usize {
    let bytes = s.as_bytes().get(..end).unwrap_or_default();
    let mut i = end;
    while i > start && is_ascii_space(bytes[i - 1]) {
        i -= 1;
    }
    if i > start && !bytes[i - 1].is_ascii() {
        return rstrip_chars(s, start, i);
    }
    i
}

/// [`lstrip_at`] from a non-ASCII character on. `i` follows ASCII bytes
/// only, so it is a character boundary.
#[cold]
fn lstrip_chars(s: &str, i: usize, end: usize) -> usize {
    let rest = s.get(i..end).unwrap_or_default();
    end - rest.trim_start_matches(is_space).len()
}

/// [`rstrip_at`] back from a non-ASCII character.
#[cold]
fn rstrip_chars(s: &str, start: usize, i: usize) -> usize {
    let rest = s.get(start..i).unwrap_or_default();
    start + rest.trim_end_matches(is_space).len()
}

#[cfg(test)]
mod tests {
    use super::{is_space, lstrip_at, rstrip_at};

    fn lstrip(s: &str) -> &str {
        &s[lstrip_at(s, 0, s.len())..]
    }

    fn rstrip(s: &str) -> &str {
        &s[..rstrip_at(s, 0, s.len())]
    }

    /// Python's `s.strip()`, as the reader strips a line.
    fn strip(s: &str) -> &str {
        rstrip(lstrip(s))
    }

    #[test]
    fn strip_uses_python_whitespace() {
        assert_eq!(strip("\u{1c}\u{3000} a b\u{85}\u{a0}\n"), "a b");
        assert_eq!(strip("\u{200b}a"), "\u{200b}a", "ZWSP is not whitespace");
        assert_eq!(rstrip(" a \u{1f}"), " a");
        assert_eq!(lstrip("\t\u{3000} \u{85}a \u{85}"), "a \u{85}");
        assert_eq!(rstrip("\u{85} a\u{a0} \u{2029}\r\n"), "\u{85} a");
        assert_eq!(strip("é \u{2009}"), "é");
        assert_eq!(strip(" \u{200b} "), "\u{200b}");
        assert_eq!(strip("\u{1c}\u{85}\n"), "");
        // Within a range of a longer text.
        let s = "xx  a b \u{2003}yy";
        assert_eq!((lstrip_at(s, 2, 11), rstrip_at(s, 2, 11)), (4, 7));
        assert_eq!((lstrip_at(s, 4, 4), rstrip_at(s, 4, 4)), (4, 4));
        assert_eq!((lstrip_at(s, 7, 11), rstrip_at(s, 7, 11)), (11, 7));
    }

    #[test]
    fn ascii_fast_path_agrees_with_is_space() {
        for b in 0..=127u8 {
            let c = char::from(b);
            let s = format!("{c}x{c}");
            let want = if is_space(c) {
                "x".to_string()
            } else {
                s.clone()
            };
            assert_eq!(strip(&s), want, "{b:#x}");
        }
    }
}
