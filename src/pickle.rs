//! A pickle writer for one shape only: a dict of str keys to str, int,
//! float or None, in protocol 2, which is what CPython's `SocketHandler`
//! sends (it uses protocol 1; any `pickle.loads` reads both). No memo, no
//! classes: the receiver's `pickle.loads` builds plain values only.
//!
//! [`Pickler`] writes a record's dict straight into the frame buffer, the
//! constant keys as prepared bytes; `write_dict` (tests only) writes any dict and
//! is what the tests check it against.

#[cfg(test)]
use crate::handler::attrs::Attr;
use crate::record::Record;

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

/// Writes `SocketHandler.makePickle(record)` frames: the 4-byte length,
/// then the pickle of `attrs::record_dict(record)`, byte for byte, without
/// building the dict. What depends only on the call site's file (its
/// `filename` and `module`) is kept from one record to the next.
#[derive(Debug, Default)]
pub(crate) struct Pickler {
    /// The last file seen (its address and length) and the pickled
    /// `pathname`, `filename` and `module` items for it.
    file: Option<(usize, usize)>,
    file_items: Vec<u8>,
}

impl Pickler {
    /// Replaces `out` with the frame for `record`.
    pub(crate) fn frame(&mut self, record: &Record<'_>, out: &mut Vec<u8>) {
        out.clear();
        let message = record.message();
        let name = record.name();
        out.reserve(FRAME_FIXED + name.len() + message.len() + self.file_items.len());
        // The length (patched at the end), the dict, the first key.
        out.extend_from_slice(&[0, 0, 0, 0, PROTO, 2, EMPTY_DICT, MARK]);
        out.extend_from_slice(b"X\x04\0\0\0name");
        write_str(out, name);
        out.extend_from_slice(b"X\x03\0\0\0msg");
        write_str(out, message);
        out.extend_from_slice(b"X\x04\0\0\0argsNX\x09\0\0\0levelname");
        write_str(out, &record.level_name());
        out.extend_from_slice(b"X\x07\0\0\0levelno");
        write_int(out, i64::from(record.level().0));
        out.extend_from_slice(self.file_items(record));
        out.extend_from_slice(b"X\x08\0\0\0exc_infoNX\x08\0\0\0exc_text");
        match record.error_text() {
            Some(text) => write_str(out, &text),
            None => out.push(NONE),
        }
        out.extend_from_slice(b"X\x0a\0\0\0stack_infoNX\x06\0\0\0lineno");
        write_int(out, i64::from(record.lineno()));
        out.extend_from_slice(b"X\x08\0\0\0funcName");
        write_str(out, record.func_name());
        out.extend_from_slice(b"X\x07\0\0\0created");
        write_float(out, record.created());
        out.extend_from_slice(b"X\x05\0\0\0msecs");
        write_float(out, record.msecs());
        out.extend_from_slice(b"X\x0f\0\0\0relativeCreated");
        write_float(out, record.relative_created());
        out.extend_from_slice(b"X\x06\0\0\0thread");
        // A u64 thread id above i64::MAX does not occur (ids count up).
        write_int(out, record.thread() as i64);
        out.extend_from_slice(b"X\x0a\0\0\0threadName");
        write_str(out, record.thread_name());
        out.extend_from_slice(b"X\x0b\0\0\0processNameX\x0b\0\0\0MainProcessX\x07\0\0\0process");
        write_int(out, i64::from(record.process()));
        out.extend_from_slice(&[SETITEMS, STOP]);
        let len = u32::try_from(out.len() - 4).unwrap_or(u32::MAX);
        out[..4].copy_from_slice(&len.to_be_bytes());
    }

    /// The pickled `pathname`, `filename` and `module` items of `record`,
    /// made again only when its file differs from the last one's.
    fn file_items(&mut self, record: &Record<'_>) -> &[u8] {
        let path = record.pathname();
        let key = (path.as_ptr() as usize, path.len());
        if self.file != Some(key) {
            let out = &mut self.file_items;
            out.clear();
            out.extend_from_slice(b"X\x08\0\0\0pathname");
            write_str(out, path);
            out.extend_from_slice(b"X\x08\0\0\0filename");
            write_str(out, record.filename());
            out.extend_from_slice(b"X\x06\0\0\0module");
            write_str(out, record.module());
            self.file = Some(key);
        }
        &self.file_items
    }
}

/// A frame's bytes besides its variable strings: keys, opcodes, numbers,
/// with room for a level name, a function and a thread name.
const FRAME_FIXED: usize = 512;

/// Appends the pickle of the dict `items` to `out`.
#[cfg(test)]
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
    // Records are far below 4 GiB; a longer string is cut, not wrapped.
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    let [a, b, c, d] = len.to_le_bytes();
    out.extend_from_slice(&[BINUNICODE, a, b, c, d]);
    out.extend_from_slice(&s.as_bytes()[..len as usize]);
}

#[cfg(test)]
fn write_value(out: &mut Vec<u8>, value: &Attr<'_>) {
    match value {
        Attr::Str(s) => write_str(out, s),
        Attr::None => out.push(NONE),
        Attr::Float(x) => write_float(out, *x),
        Attr::Int(n) => write_int(out, *n),
    }
}

fn write_float(out: &mut Vec<u8>, x: f64) {
    let [a, b, c, d, e, f, g, h] = x.to_be_bytes();
    out.extend_from_slice(&[BINFLOAT, a, b, c, d, e, f, g, h]);
}

fn write_int(out: &mut Vec<u8>, n: i64) {
    match i32::try_from(n) {
        Ok(small) => {
            let [a, b, c, d] = small.to_le_bytes();
            out.extend_from_slice(&[BININT, a, b, c, d]);
        }
        Err(_) => {
            // LONG1: the shortest little-endian two's complement.
            let bytes = n.to_le_bytes();
            let mut len = 8;
            while len > 1 {
                let (top, next) = (bytes[len - 1], bytes[len - 2]);
                let redundant = (top == 0 && next & 0x80 == 0) || (top == 0xff && next & 0x80 != 0);
                if !redundant {
                    break;
                }
                len -= 1;
            }
            out.push(LONG1);
            out.push(len as u8);
            out.extend_from_slice(&bytes[..len]);
        }
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

    /// The frame as the reference writer makes it from the dict.
    fn reference_frame(record: &Record<'_>) -> Vec<u8> {
        let mut body = Vec::new();
        write_dict(&mut body, &crate::handler::attrs::record_dict(record));
        let mut out = (body.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(&body);
        out
    }

    #[test]
    fn frames_equal_the_pickled_record_dict() {
        use crate::level::Level;
        static HERE: crate::record::Location =
            crate::record::Location::new("app::db", "src/db/pool.rs", 1 << 20, None);
        static THERE: crate::record::Location =
            crate::record::Location::new("app", "main", 7, Some(|| "run"));
        let error = std::io::Error::other("disk gone");
        let long = "é".repeat(5000);
        let records = [
            Record::new("app", Level::INFO, "hi"),
            Record::new("", Level(-7), "").with_location(&HERE),
            Record::new(&long, Level(i32::MAX), &long)
                .with_location(&THERE)
                .with_error(&error),
            Record::new("a.b", Level::ERROR, "n=3").with_location(&HERE),
            Record::new("x", Level::CRITICAL, "z").with_location(&THERE),
        ];
        // One pickler for all: what it keeps of one file never leaks
        // into the next record's frame.
        let mut pickler = Pickler::default();
        let mut out = vec![1, 2, 3];
        for record in records.iter().chain(records.iter().rev()) {
            pickler.frame(record, &mut out);
            assert_eq!(out, reference_frame(record), "{record:?}");
        }
        let dict = read_dict(&out[4..]).unwrap();
        assert_eq!(dict[11], ("lineno".to_string(), Attr::Int(0)));
        assert_eq!(
            dict[12],
            (
                "funcName".to_string(),
                Attr::Str("(unknown function)".into())
            )
        );
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
