//! A pickle writer for one shape only: a dict of str keys to str, int,
//! float or None, in protocol 2, which is what CPython's `SocketHandler`
//! sends (it uses protocol 1; any `pickle.loads` reads both). No memo, no
//! classes: the receiver's `pickle.loads` builds plain values only.

use crate::handler::attrs::Attr;

const PROTO: u8 = 0x80;
const EMPTY_DICT: u8 = b'}';
const MARK: u8 = b'(';
const SETITEMS: u8 = b'u';
const STOP: u8 = b'.';
const BINUNICODE: u8 = b'X';
const BININT: u8 = b'J';
const LONG1: u8 = 0x8a;
const BINFLOAT: u8 = b'G';
const NONE: u8 = b'N';

/// Appends the pickle of the dict `items` to `out`.
pub(crate) fn write_dict(out: &mut Vec<u8>, items: &[(&str, Attr<'_>)]) {
    out.extend_from_slice(&[PROTO, 2, EMPTY_DICT]);
    if !items.is_empty() {
        out.push(MARK);
        for (key, value) in items {
            write_str(out, key);
            write_value(out, value);
        }
        out.push(SETITEMS);
    }
    out.push(STOP);
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(BINUNICODE);
    // Records are far below 4 GiB; a longer string is cut, not wrapped.
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&s.as_bytes()[..len as usize]);
}

fn write_value(out: &mut Vec<u8>, value: &Attr<'_>) {
    match value {
        Attr::Str(s) => write_str(out, s),
        Attr::None => out.push(NONE),
        Attr::Float(x) => {
            out.push(BINFLOAT);
            out.extend_from_slice(&x.to_be_bytes());
        }
        Attr::Int(n) => match i32::try_from(*n) {
            Ok(small) => {
                out.push(BININT);
                out.extend_from_slice(&small.to_le_bytes());
            }
            Err(_) => {
                // LONG1: the shortest little-endian two's complement.
                let bytes = n.to_le_bytes();
                let mut len = 8;
                while len > 1 {
                    let (top, next) = (bytes[len - 1], bytes[len - 2]);
                    let redundant =
                        (top == 0 && next & 0x80 == 0) || (top == 0xff && next & 0x80 != 0);
                    if !redundant {
                        break;
                    }
                    len -= 1;
                }
                out.push(LONG1);
                out.push(len as u8);
                out.extend_from_slice(&bytes[..len]);
            }
        },
    }
}

/// Reads back what [`write_dict`] writes, for the tests: `None` on any
/// byte it does not expect.
#[cfg(test)]
pub(crate) fn read_dict(bytes: &[u8]) -> Option<Vec<(String, Attr<'static>)>> {
    fn take<'b>(bytes: &mut &'b [u8], n: usize) -> Option<&'b [u8]> {
        let (head, rest) = (bytes.get(..n)?, bytes.get(n..)?);
        *bytes = rest;
        Some(head)
    }
    fn string(bytes: &mut &[u8]) -> Option<String> {
        let len = u32::from_le_bytes(take(bytes, 4)?.try_into().ok()?) as usize;
        String::from_utf8(take(bytes, len)?.to_vec()).ok()
    }
    let mut b = bytes;
    if take(&mut b, 3)? != [PROTO, 2, EMPTY_DICT] {
        return None;
    }
    let mut items = Vec::new();
    if b.first() == Some(&MARK) {
        take(&mut b, 1)?;
        while b.first() == Some(&BINUNICODE) {
            take(&mut b, 1)?;
            let key = string(&mut b)?;
            let value = match take(&mut b, 1)?[0] {
                BINUNICODE => Attr::Str(string(&mut b)?.into()),
                NONE => Attr::None,
                BINFLOAT => Attr::Float(f64::from_be_bytes(take(&mut b, 8)?.try_into().ok()?)),
                BININT => Attr::Int(i64::from(i32::from_le_bytes(
                    take(&mut b, 4)?.try_into().ok()?,
                ))),
                LONG1 => {
                    let len = take(&mut b, 1)?[0] as usize;
                    let digits = take(&mut b, len)?;
                    if len == 0 || len > 8 {
                        return None;
                    }
                    let fill = if digits[len - 1] & 0x80 != 0 { 0xff } else { 0 };
                    let mut full = [fill; 8];
                    full[..len].copy_from_slice(digits);
                    Attr::Int(i64::from_le_bytes(full))
                }
                _ => return None,
            };
            items.push((key, value));
        }
        (take(&mut b, 1)? == [SETITEMS]).then_some(())?;
    }
    (b == [STOP]).then_some(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use std::borrow::Cow;

    fn pickle(items: &[(&str, Attr<'_>)]) -> Vec<u8> {
        let mut out = Vec::new();
        write_dict(&mut out, items);
        out
    }

    #[test]
    fn bytes_are_protocol_2_opcodes() {
        let out = pickle(&[("a", Attr::Int(1)), ("b", Attr::None)]);
        assert_eq!(
            out,
            b"\x80\x02}(X\x01\x00\x00\x00aJ\x01\x00\x00\x00X\x01\x00\x00\x00bNu."
        );
        assert_eq!(pickle(&[]), b"\x80\x02}.");
        let big = pickle(&[("t", Attr::Int(1 << 40))]);
        assert_eq!(&big[10..], b"\x8a\x06\x00\x00\x00\x00\x00\x01u.");
        let neg = pickle(&[("t", Attr::Int(-(1 << 31) - 1))]);
        assert_eq!(&neg[10..], b"\x8a\x05\xff\xff\xff\x7f\xffu.");
    }

    fn attr() -> impl Strategy<Value = Attr<'static>> {
        prop_oneof![
            any::<String>().prop_map(|s| Attr::Str(Cow::Owned(s))),
            any::<i64>().prop_map(Attr::Int),
            any::<f64>()
                .prop_filter("NaN is not equal to itself", |x| !x.is_nan())
                .prop_map(Attr::Float),
            Just(Attr::None),
        ]
    }

    proptest! {
        #[test]
        fn written_dicts_read_back(items in proptest::collection::vec((any::<String>(), attr()), 0..12)) {
            let borrowed: Vec<(&str, Attr<'_>)> =
                items.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            let read = read_dict(&pickle(&borrowed)).expect("readable");
            prop_assert_eq!(read, items);
        }

        #[test]
        fn the_reader_rejects_or_reads_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            // Never panics; what it reads, written again, is the same bytes.
            if let Some(items) = read_dict(&bytes) {
                let borrowed: Vec<(&str, Attr<'_>)> =
                    items.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                let again = pickle(&borrowed);
                prop_assert_eq!(read_dict(&again), Some(items));
            }
        }
    }

    #[test]
    fn python_loads_random_dicts_in_one_run() {
        // A batch of dicts, each pickled, loaded by python3 and printed back
        // as repr; compared with our own rendering of the same values.
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = proptest::collection::vec(
            proptest::collection::vec(("[a-zA-Z_é€😀]{0,6}", attr()), 0..6),
            40,
        );
        let batch = strategy.new_tree(&mut runner).unwrap().current();
        let mut input = String::new();
        let mut expected = String::new();
        for dict in &batch {
            let borrowed: Vec<(&str, Attr<'_>)> =
                dict.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            let bytes = pickle(&borrowed);
            input.push_str(&bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
            input.push('\n');
            let mut line = Vec::new();
            // A dict keeps the last value of a repeated key, in first place.
            let mut seen: Vec<(String, String)> = Vec::new();
            for (k, v) in dict {
                let v = match v {
                    Attr::Str(s) => format!("s:{}", s.escape_unicode()),
                    Attr::Int(n) => format!("i:{n}"),
                    Attr::Float(x) => format!("f:{:016x}", x.to_bits()),
                    Attr::None => "n:".to_string(),
                };
                match seen.iter_mut().find(|(key, _)| key == k) {
                    Some(slot) => slot.1 = v,
                    None => seen.push((k.clone(), v)),
                }
            }
            for (k, v) in seen {
                line.push(format!("{}={v}", k.escape_unicode()));
            }
            expected.push_str(&line.join(","));
            expected.push('\n');
        }
        let script = r#"
import pickle, struct, sys
def esc(s): return ''.join('\\u{%x}' % ord(c) for c in s)
for line in sys.stdin:
    d = pickle.loads(bytes.fromhex(line.strip()))
    out = []
    for k, v in d.items():
        if v is None: t = 'n:'
        elif isinstance(v, str): t = 's:' + esc(v)
        elif isinstance(v, int): t = 'i:%d' % v
        else: t = 'f:' + struct.pack('>d', v).hex()
        out.append(esc(k) + '=' + t)
    print(','.join(out))
"#;
        let Some(out) = crate::python_test::run_python(script, &input, "pickle.loads") else {
            return;
        };
        assert_eq!(out, expected);
    }
}
