//! The text encodings the HTTP and SMTP handlers need: base64 (for basic
//! auth and SMTP AUTH) and `urllib.parse.urlencode` of a record's dict.

use super::attrs::Attr;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `base64.b64encode`.
pub(crate) fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `urllib.parse.quote_plus(s)`: unreserved bytes kept, space as `+`,
/// everything else `%XX` of its UTF-8 bytes.
pub(crate) fn quote_plus(s: &str, out: &mut String) {
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
}

/// `str(value)` as Python prints it.
pub(crate) fn python_str(value: &Attr<'_>, out: &mut String) {
    match value {
        Attr::Str(s) => out.push_str(s),
        Attr::Int(n) => out.push_str(&n.to_string()),
        Attr::Float(x) => crate::format::push_float_repr(*x, out),
        Attr::None => out.push_str("None"),
    }
}

/// `urllib.parse.urlencode(d)` for a dict of plain values.
pub(crate) fn urlencode(items: &[(&str, Attr<'_>)]) -> String {
    let mut out = String::new();
    let mut text = String::new();
    for (i, (key, value)) in items.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        quote_plus(key, &mut out);
        out.push('=');
        text.clear();
        python_str(value, &mut text);
        quote_plus(&text, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn base64_pads_as_python() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("\0u\0p", "AHUAcA=="),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn urlencode_matches_python() {
        let items = [
            ("msg", Attr::Str("a b&c=d/é~".into())),
            ("n", Attr::Int(-3)),
            ("x", Attr::Float(1.5)),
            ("e", Attr::None),
        ];
        let expected = "msg=a+b%26c%3Dd%2F%C3%A9~&n=-3&x=1.5&e=None";
        assert_eq!(urlencode(&items), expected);
        let script = "import urllib.parse\n\
            print(urllib.parse.urlencode({'msg': 'a b&c=d/\\u00e9~', 'n': -3, 'x': 1.5, 'e': None}))";
        if let Some(out) = crate::python_test::run_python(script, "", "urlencode") {
            assert_eq!(out.trim_end(), expected);
        }
    }

    proptest! {
        #[test]
        fn quote_plus_round_trips_through_percent_decoding(s in any::<String>()) {
            let mut out = String::new();
            quote_plus(&s, &mut out);
            prop_assert!(out.bytes().all(|b| b.is_ascii_graphic()));
            let mut bytes = Vec::new();
            let mut it = out.bytes();
            while let Some(b) = it.next() {
                match b {
                    b'+' => bytes.push(b' '),
                    b'%' => {
                        let hex = [it.next().unwrap(), it.next().unwrap()];
                        let hex = std::str::from_utf8(&hex).unwrap();
                        bytes.push(u8::from_str_radix(hex, 16).unwrap());
                    }
                    b => bytes.push(b),
                }
            }
            prop_assert_eq!(String::from_utf8(bytes).unwrap(), s);
        }

        #[test]
        fn base64_has_the_length_and_alphabet(bytes in proptest::collection::vec(any::<u8>(), 0..50)) {
            let text = base64(&bytes);
            prop_assert_eq!(text.len(), bytes.len().div_ceil(3) * 4);
            prop_assert!(text.trim_end_matches('=').bytes().all(|b| ALPHABET.contains(&b)));
        }
    }
}
