//! The few pieces of Python's `str` behaviour that configparser relies on:
//! `isspace`/`strip` and `repr` (used verbatim in its error messages).

/// Python's `str.isspace` for one character: Unicode `White_Space` (what
/// Rust's `char::is_whitespace` tests) plus the four information separators
/// U+001C..U+001F, which Python also counts as whitespace.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `s.strip()` with no argument.
pub(crate) fn strip(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Python's `s.rstrip()` with no argument.
pub(crate) fn rstrip(s: &str) -> &str {
    s.trim_end_matches(is_space)
}

/// Characters `str.isprintable()` rejects, other than unassigned code points:
/// the categories Cc, Cf, Zs (except the space), Zl, Zp and Co of Unicode 14
/// (Python 3.11's tables). Surrogates cannot occur in a Rust `str`.
const NOT_PRINTABLE: &[(u32, u32)] = &[
    (0x0, 0x1F),
    (0x7F, 0xA0),
    (0xAD, 0xAD),
    (0x600, 0x605),
    (0x61C, 0x61C),
    (0x6DD, 0x6DD),
    (0x70F, 0x70F),
    (0x890, 0x891),
    (0x8E2, 0x8E2),
    (0x1680, 0x1680),
    (0x180E, 0x180E),
    (0x2000, 0x200F),
    (0x2028, 0x202F),
    (0x205F, 0x2064),
    (0x2066, 0x206F),
    (0x3000, 0x3000),
    (0xE000, 0xF8FF),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
    (0xF0000, 0xFFFFD),
    (0x100000, 0x10FFFD),
];

fn printable(c: char) -> bool {
    let c = c as u32;
    !NOT_PRINTABLE.iter().any(|&(lo, hi)| lo <= c && c <= hi)
}

/// Python's `repr(s)` for a `str`: the same quote choice and escapes, so
/// messages read exactly like configparser's. One known difference: code
/// points unassigned in Unicode 14 are shown as they are, where Python
/// escapes them.
pub(crate) fn repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if c == quote => {
                out.push('\\');
                out.push(c);
            }
            _ if c == ' ' || printable(c) => out.push(c),
            _ if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            _ if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            _ => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::{repr, rstrip, strip};

    #[test]
    fn repr_matches_python() {
        let cases = [
            ("abc", "'abc'"),
            ("it's", "\"it's\""),
            ("it's \"q\"", "'it\\'s \"q\"'"),
            ("a\\b\n\t\r", "'a\\\\b\\n\\t\\r'"),
            ("\u{0}\u{7f}\u{85}\u{a0}é", "'\\x00\\x7f\\x85\\xa0é'"),
            (
                "\u{feff}\u{2028}\u{3000}\u{e000}",
                "'\\ufeff\\u2028\\u3000\\ue000'",
            ),
            ("\u{e0001}😀", "'\\U000e0001😀'"),
        ];
        for (input, expected) in cases {
            assert_eq!(repr(input), expected, "{input:?}");
        }
    }

    #[test]
    fn strip_uses_python_whitespace() {
        assert_eq!(strip("\u{1c}\u{3000} a b\u{85}\u{a0}\n"), "a b");
        assert_eq!(strip("\u{200b}a"), "\u{200b}a", "ZWSP is not whitespace");
        assert_eq!(rstrip(" a \u{1f}"), " a");
    }
}
