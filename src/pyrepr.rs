//! Python's text of strings and floats: `repr(str)` / `ascii(str)`, and
//! CPython's `format_float_short`, whose `'r'` mode is `repr(float)` and
//! whose other modes are the `%e/%f/%g` layouts.
//!
//! A leaf: the parsers (for their messages and values' `repr`) and the
//! formatter both use it, and it uses nothing of the crate, so neither
//! side depends on the other.
//!
//! ```text
//! str_repr("it's") == "\"it's\""        float_repr(1e16) == "1e+16"
//! ```

use std::cell::RefCell;
use std::fmt::Write;

thread_local! {
    // Digit scratch, reused so formatting floats allocates nothing once warm.
    static DIGITS: RefCell<String> = const { RefCell::new(String::new()) };
}

/// How a float is laid out, as CPython's `PyOS_double_to_string` codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FloatCode {
    /// Exponent form with `precision` digits after the point.
    E,
    /// Fixed form with `precision` digits after the point.
    F,
    /// General form with `precision` significant digits.
    G,
    /// Shortest round-trip (Python's `repr`).
    R,
}

/// Options of one float layout.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FloatStyle {
    pub(crate) code: FloatCode,
    pub(crate) precision: usize,
    pub(crate) upper: bool,
    pub(crate) alt: bool,
    pub(crate) add_dot_0: bool,
    pub(crate) plus: bool,
    pub(crate) no_neg_0: bool,
}

impl FloatStyle {
    pub(crate) fn new(code: FloatCode, precision: usize) -> FloatStyle {
        FloatStyle {
            code,
            precision,
            upper: false,
            alt: false,
            add_dot_0: false,
            plus: false,
            no_neg_0: false,
        }
    }
}

/// Python's `repr(x)` (also `str(x)`) of a float.
pub(crate) fn float_repr(x: f64) -> String {
    let mut out = String::new();
    push_float_repr(x, &mut out);
    out
}

/// Appends `str(x)` / `repr(x)` for a Python float.
pub(crate) fn push_float_repr(x: f64, out: &mut String) {
    let mut style = FloatStyle::new(FloatCode::R, 0);
    style.add_dot_0 = true;
    push_float(x, style, out);
}

/// Appends `x` laid out as CPython's `format_float_short` does.
pub(crate) fn push_float(x: f64, style: FloatStyle, out: &mut String) {
    if !x.is_finite() {
        let sign = if x.is_sign_negative() && !x.is_nan() {
            "-"
        } else if style.plus {
            "+"
        } else {
            ""
        };
        out.push_str(sign);
        let word = match (x.is_nan(), style.upper) {
            (true, false) => "nan",
            (true, true) => "NAN",
            (false, false) => "inf",
            (false, true) => "INF",
        };
        out.push_str(word);
        return;
    }
    let reused = DIGITS.try_with(|cell| {
        let mut digits = cell.try_borrow_mut().ok()?;
        layout(x, style, &mut digits, out);
        Some(())
    });
    // In use further up the stack, or gone because the thread is ending.
    if reused != Ok(Some(())) {
        layout(x, style, &mut String::new(), out);
    }
}

/// Python's `_Py_dg_dtoa` modes from Rust's exact formatting: the digits of
/// |x| with no trailing zeros, and the decimal point's position.
fn digits_of(x: f64, code: FloatCode, precision: usize, digits: &mut String) -> i64 {
    digits.clear();
    let x = x.abs();
    if x == 0.0 {
        digits.push('0');
        return 1;
    }
    match code {
        FloatCode::F => {
            let _ = write!(digits, "{x:.precision$}");
            let point = digits.find('.').unwrap_or(digits.len());
            let mut decpt = point as i64;
            digits.retain(|c| c != '.');
            let leading = digits.bytes().take_while(|&b| b == b'0').count();
            digits.drain(..leading);
            decpt -= leading as i64;
            trim_zeros(digits);
            if digits.is_empty() {
                decpt = -(precision as i64);
            }
            decpt
        }
        FloatCode::R | FloatCode::E | FloatCode::G => {
            if code == FloatCode::R {
                let _ = write!(digits, "{x:e}");
                round_half_even(x, digits);
            } else {
                let sig = match code {
                    FloatCode::E => precision,
                    _ => precision.max(1) - 1,
                };
                let _ = write!(digits, "{x:.sig$e}");
            }
            let e = digits.find('e').unwrap_or(digits.len());
            let exp: i64 = digits[e + 1..].parse().unwrap_or(0);
            digits.truncate(e);
            digits.retain(|c| c != '.');
            trim_zeros(digits);
            exp + 1
        }
    }
}

/// Python's `repr` is the shortest string that reads back as `x` and,
/// of those, the nearest to `x`, a tie going to the even digit. Rust's
/// shortest form (`shortest`, written `{:e}`) has the same length but may
/// take the odd digit in a tie (-87151238563.140625 gives ...063, Python
/// ...062). Rust's fixed-precision form rounds the exact value half to
/// even, so with an odd last digit, that form of the same length is taken
/// when it still reads back as `x`.
fn round_half_even(x: f64, shortest: &mut String) {
    let e = shortest.find('e').unwrap_or(shortest.len());
    let odd = shortest[..e]
        .bytes()
        .last()
        .is_some_and(|d| d.is_ascii_digit() && (d - b'0') % 2 == 1);
    if !odd {
        return;
    }
    let sig = shortest[..e].bytes().filter(u8::is_ascii_digit).count();
    let precision = sig.saturating_sub(1);
    // Written after the shortest form, in the same scratch: no allocation.
    let len = shortest.len();
    let _ = write!(shortest, "{x:.precision$e}");
    let (first, even) = shortest.split_at(len);
    if first != even && even.parse::<f64>() == Ok(x) {
        shortest.drain(..len);
    } else {
        shortest.truncate(len);
    }
}

fn trim_zeros(digits: &mut String) {
    let keep = digits.trim_end_matches('0').len();
    digits.truncate(keep);
}

/// Appends `n` zeros (none when `n` is not positive).
pub(crate) fn push_zeros(out: &mut String, n: i64) {
    for _ in 0..n.max(0) {
        out.push('0');
    }
}

fn layout(x: f64, style: FloatStyle, digits: &mut String, out: &mut String) {
    let mut precision = style.precision;
    if style.code == FloatCode::G && precision == 0 {
        precision = 1;
    }
    let mut decpt = digits_of(x, style.code, precision, digits);
    let digits = digits.as_str();
    let len = digits.len() as i64;
    let prec = precision as i64;
    let mut use_exp = false;
    let mut vend = len;
    match style.code {
        FloatCode::E => {
            use_exp = true;
            vend = prec + 1;
        }
        FloatCode::F => vend = decpt + prec,
        FloatCode::G => {
            let limit = if style.add_dot_0 { prec - 1 } else { prec };
            use_exp = decpt <= -4 || decpt > limit;
            if style.alt {
                vend = prec;
            }
        }
        FloatCode::R => use_exp = decpt <= -4 || decpt > 16,
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vstart = if decpt <= 0 { decpt - 1 } else { 0 };
    vend = if !use_exp && style.add_dot_0 {
        vend.max(decpt + 1)
    } else {
        vend.max(decpt)
    };
    let zero = digits.is_empty() || digits == "0";
    let negative = x.is_sign_negative() && !(style.no_neg_0 && zero);
    if negative {
        out.push('-');
    } else if style.plus {
        out.push('+');
    }
    let start = out.len();
    if decpt <= 0 {
        push_zeros(out, decpt - vstart);
        out.push('.');
        push_zeros(out, -decpt);
    } else {
        push_zeros(out, -vstart);
    }
    if 0 < decpt && decpt <= len {
        let cut = decpt as usize;
        out.push_str(&digits[..cut]);
        out.push('.');
        out.push_str(&digits[cut..]);
    } else {
        out.push_str(digits);
    }
    if len < decpt {
        push_zeros(out, decpt - len);
        out.push('.');
        push_zeros(out, vend - decpt);
    } else {
        push_zeros(out, vend - len);
    }
    if out.len() > start && out.ends_with('.') && !style.alt {
        out.pop();
    }
    if use_exp {
        out.push(if style.upper { 'E' } else { 'e' });
        out.push(if exp < 0 { '-' } else { '+' });
        if exp.abs() < 10 {
            out.push('0');
        }
        let _ = write!(out, "{}", exp.abs());
    }
}

/// Python's `repr(s)` of a string.
pub(crate) fn str_repr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_str_repr(s, false, &mut out);
    out
}

/// Whether Python's `str.isprintable` holds for `c` (used by `repr`).
/// Non-ASCII characters follow Rust's own printable table (the same
/// Unicode categories Python excludes), via `str::escape_debug`, which
/// escapes a grapheme extender only at the start of a string.
pub(crate) fn is_printable(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    let mut buf = [0u8; 8];
    buf[0] = b'a';
    let n = 1 + c.encode_utf8(&mut buf[1..]).len();
    let Ok(text) = std::str::from_utf8(&buf[..n]) else {
        return false;
    };
    let mut escaped = text.escape_debug();
    escaped.next();
    escaped.next() != Some('\\')
}

/// Appends Python's `repr(s)` (`ascii(s)` when `ascii` is set).
pub(crate) fn push_str_repr(s: &str, ascii: bool, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (' '..='~').contains(&c) => out.push(c),
            c if !c.is_ascii() && !ascii && is_printable(c) => out.push(c),
            c => {
                let code = u32::from(c);
                let _ = if code <= 0xff {
                    write!(out, "\\x{code:02x}")
                } else if code <= 0xffff {
                    write!(out, "\\u{code:04x}")
                } else {
                    write!(out, "\\U{code:08x}")
                };
            }
        }
    }
    out.push(quote);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        let table = [
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.1, "0.1"),
            (100.0, "100.0"),
            (-0.0, "-0.0"),
            (5.0, "5.0"),
            (1700000000.123, "1700000000.123"),
            // Exact ties between two shortest forms: the even digit. (Each
            // sum is exact: it is the double named.)
            (-87151238563.0 - 0.140625, "-87151238563.14062"),
            (266697973080600.0 + 0.375, "266697973080600.38"),
            (1814953269179538.0 + 0.25, "1814953269179538.2"),
            (89933615724618.0 + 0.375, "89933615724618.38"),
            (76665521767379.0 + 0.875, "76665521767379.88"),
        ];
        for (x, want) in table {
            assert_eq!(float_repr(x), want, "{x}");
        }
    }

    #[test]
    fn layouts_match_python() {
        let f = |x: f64, code, p, alt| {
            let mut st = FloatStyle::new(code, p);
            st.alt = alt;
            let mut s = String::new();
            push_float(x, st, &mut s);
            s
        };
        assert_eq!(f(1.5, FloatCode::G, 6, true), "1.50000");
        assert_eq!(f(1.5, FloatCode::F, 0, true), "2.");
        assert_eq!(f(2.5, FloatCode::F, 0, false), "2");
        assert_eq!(f(1.5, FloatCode::E, 3, false), "1.500e+00");
        assert_eq!(f(-0.0001, FloatCode::F, 2, false), "-0.00");
        assert_eq!(f(100.0, FloatCode::G, 3, true), "100.");
        assert_eq!(f(5e-324, FloatCode::G, 6, false), "4.94066e-324");
        assert_eq!(f(9.9996, FloatCode::F, 3, false), "10.000");
    }

    #[test]
    fn string_repr_matches_python() {
        let r = |s: &str, ascii| {
            let mut o = String::new();
            push_str_repr(s, ascii, &mut o);
            o
        };
        assert_eq!(r("app", false), "'app'");
        assert_eq!(r("it's", false), "\"it's\"");
        assert_eq!(r("'\"", false), "'\\'\"'");
        assert_eq!(r("a\nb\t\x00\x7f", false), "'a\\nb\\t\\x00\\x7f'");
        assert_eq!(r("é日\u{200b}", false), "'é日\\u200b'");
        assert_eq!(r("é日😀", true), "'\\xe9\\u65e5\\U0001f600'");
    }

    #[test]
    fn float_repr_of_specials_matches_python() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.5, "1.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (123456.789, "123456.789"),
            (1e300, "1e+300"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (0.1 + 0.2, "0.30000000000000004"),
        ];
        for (x, want) in cases {
            assert_eq!(float_repr(x), want, "{x:e}");
        }
    }

    #[test]
    fn str_repr_escapes_like_python() {
        let cases = [
            ("", "''"),
            ("a'b", "\"a'b\""),
            ("a'b\"", "'a\\'b\"'"),
            ("\\\n\r\t\x07\x7f", "'\\\\\\n\\r\\t\\x07\\x7f'"),
            ("é中😀\u{301}", "'é中😀\u{301}'"),
            (
                "\u{85}\u{a0}\u{2028}\u{10ffff}",
                "'\\x85\\xa0\\u2028\\U0010ffff'",
            ),
        ];
        for (s, want) in cases {
            assert_eq!(str_repr(s), want);
        }
    }

    #[test]
    fn str_repr_of_unicode_matches_python() {
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
            assert_eq!(str_repr(input), expected, "{input:?}");
        }
    }

    proptest::proptest! {
        /// repr round-trips, as Python's does.
        #[test]
        fn float_repr_round_trips(bits: u64) {
            let x = f64::from_bits(bits);
            if x.is_finite() {
                let text = float_repr(x);
                proptest::prop_assert_eq!(text.parse::<f64>().ok(), Some(x));
            }
        }
    }
}
