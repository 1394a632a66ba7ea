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

/// Python's `repr(s)` for a `str`, used verbatim in configparser's
/// messages (the formatter's implementation).
pub(crate) fn repr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    crate::format::push_str_repr(s, false, &mut out);
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
