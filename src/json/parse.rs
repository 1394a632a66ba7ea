//! The parser: one loop over the bytes with an explicit stack of open
//! containers, so nesting costs heap, never call stack.

use super::value::Entry;
use super::{Array, Map, Number, Value};
use crate::error::{Located, Position};
use std::fmt;
use std::sync::Arc;

/// Why a JSON text was rejected, and where.
///
/// `Display` is one line, `<what> at line L column C` (the column counts
/// characters); [`pyliteral::Error`](crate::pyliteral::Error) has the same
/// shape.
///
/// ```
/// let err = loglisten::json::parse("{\"a\": 1,\n  }").unwrap_err();
/// assert_eq!(err.to_string(), "trailing comma at line 1 column 8");
/// assert_eq!(err.message(), "trailing comma");
/// assert_eq!(err.position().line, 1);
/// assert_eq!(err.position().offset, 7);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<Located>);

impl Error {
    /// Where the error was found.
    ///
    /// ```
    /// let err = loglisten::json::parse("[1]\n x").unwrap_err();
    /// assert_eq!((err.position().line, err.position().column), (2, 2));
    /// ```
    pub fn position(&self) -> Position {
        self.0.position()
    }

    /// What is wrong, without the position.
    ///
    /// ```
    /// let err = loglisten::json::parse("[1] x").unwrap_err();
    /// assert_eq!(err.message(), "trailing characters");
    /// ```
    pub fn message(&self) -> &str {
        self.0.message()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

const EOF_VALUE: &str = "EOF while parsing a value";
const EOF_ARRAY: &str = "EOF while parsing an array";
const EOF_OBJECT: &str = "EOF while parsing an object";
const EOF_STRING: &str = "EOF while parsing a string";
const EXPECTED_VALUE: &str = "expected value";
const EXPECTED_ARRAY_SEP: &str = "expected ',' or ']'";
const EXPECTED_OBJECT_SEP: &str = "expected ',' or '}'";
const EXPECTED_COLON: &str = "expected ':'";
const KEY_NOT_STRING: &str = "key must be a string";
const TRAILING_COMMA: &str = "trailing comma";
const TRAILING_CHARACTERS: &str = "trailing characters";
const CONTROL_CHARACTER: &str = "control character in string";
const INVALID_ESCAPE: &str = "invalid escape";
const INVALID_UNICODE_ESCAPE: &str = "invalid unicode escape";
const INVALID_LITERAL: &str = "invalid literal";
const INVALID_NUMBER: &str = "invalid number";
const NUMBER_OUT_OF_RANGE: &str = "number out of range";
const RECURSION_LIMIT: &str = "recursion limit exceeded";
const BYTE_ORDER_MARK: &str = "unexpected byte order mark";

/// An open container. Its items (or members) so far are `items[start..]`
/// (or `members[start..]`) of the parse's scratch stacks, so each finished
/// container is moved into a vector of exactly its size: one allocation,
/// never a regrowth.
struct Frame {
    start: usize,
    object: bool,
    /// Objects: where their decoded keys begin in [`Scratch::decoded`],
    /// whether any key had an escape, and the range of the key whose value
    /// is being parsed.
    decoded_start: usize,
    escaped: bool,
    key: (usize, usize),
}

/// Working storage shared by all containers of one parse.
#[derive(Default)]
struct Scratch {
    frames: Vec<Frame>,
    items: Vec<Value>,
    members: Vec<Entry>,
    /// Keys with escapes, decoded. A key range `(a, b)` is `text[a..b]` when
    /// `a < text.len()`, else `decoded[a - text.len()..b - text.len()]`.
    decoded: String,
    /// The document text that objects' keys are ranges of, copied once.
    shared: Option<Arc<String>>,
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Whether a string value looks like a `cfg://` or `ext://` reference
    /// (`://` at bytes 3 to 5).
    references: bool,
}

pub(crate) fn parse_text(text: &str, max_depth: usize) -> Result<Value, Error> {
    parse_noting_references(text, max_depth).map(|(value, _)| value)
}

/// Parses, and tells whether any string value has `://` at bytes 3 to 5
/// (as `cfg://…` and `ext://…` do): when none has, a dictConfig reader
/// need not look for references (keys are not counted: they are never
/// resolved).
pub(crate) fn parse_noting_references(
    text: &str,
    max_depth: usize,
) -> Result<(Value, bool), Error> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        references: false,
    };
    let value = parser.document(max_depth)?;
    Ok((value, parser.references))
}

/// What follows an array item or object member.
enum After {
    /// `,` then (for objects) the next key: parse the next value.
    Next,
    /// The container's closing bracket.
    Close,
}

impl Parser<'_> {
    /// Builds an error; only here is the line and column computed.
    #[cold]
    fn fail(&self, message: &'static str, offset: usize) -> Error {
        Error(Box::new(Located::new(self.text, offset, message)))
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn document(&mut self, max_depth: usize) -> Result<Value, Error> {
        // Room for a typical dictConfig without regrowing.
        let mut scratch = Scratch {
            frames: Vec::with_capacity(8),
            items: Vec::with_capacity(16),
            members: Vec::with_capacity(16),
            ..Scratch::default()
        };
        'value: loop {
            self.skip_ws();
            let mut value = match self.peek() {
                None => return Err(self.fail(EOF_VALUE, self.pos)),
                Some(b'"') => Value::String(self.string()?),
                Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
                Some(b'n') => self.literal(b"null", Value::Null)?,
                Some(b't') => self.literal(b"true", Value::Bool(true))?,
                Some(b'f') => self.literal(b"false", Value::Bool(false))?,
                Some(open @ (b'[' | b'{')) => {
                    if scratch.frames.len() >= max_depth {
                        return Err(self.fail(RECURSION_LIMIT, self.pos));
                    }
                    self.pos += 1;
                    self.skip_ws();
                    let mut frame = Frame {
                        start: if open == b'{' {
                            scratch.members.len()
                        } else {
                            scratch.items.len()
                        },
                        object: open == b'{',
                        decoded_start: scratch.decoded.len(),
                        escaped: false,
                        key: (0, 0),
                    };
                    match (open, self.peek()) {
                        (b'[', Some(b']')) => {
                            self.pos += 1;
                            Value::Array(Array::new())
                        }
                        (b'[', _) => {
                            scratch.frames.push(frame);
                            continue 'value;
                        }
                        (_, Some(b'}')) => {
                            self.pos += 1;
                            Value::Object(Map::new())
                        }
                        (_, Some(b'"')) => {
                            self.key(&mut scratch.decoded, &mut frame)?;
                            scratch.frames.push(frame);
                            continue 'value;
                        }
                        (_, None) => return Err(self.fail(EOF_OBJECT, self.pos)),
                        (_, Some(_)) => return Err(self.fail(KEY_NOT_STRING, self.pos)),
                    }
                }
                Some(_) => {
                    let message = if self.bytes[self.pos..].starts_with("\u{feff}".as_bytes()) {
                        BYTE_ORDER_MARK
                    } else {
                        EXPECTED_VALUE
                    };
                    return Err(self.fail(message, self.pos));
                }
            };
            // Hand the finished value to its container; each closing bracket
            // finishes another value, until one needs a next value parsed.
            loop {
                let Some(frame) = scratch.frames.last_mut() else {
                    self.skip_ws();
                    if self.pos < self.bytes.len() {
                        return Err(self.fail(TRAILING_CHARACTERS, self.pos));
                    }
                    return Ok(value);
                };
                let after = if frame.object {
                    let (start, end) = frame.key;
                    scratch.members.push(Entry { start, end, value });
                    let after = self.after_item(b'}', EXPECTED_OBJECT_SEP, EOF_OBJECT)?;
                    if let After::Next = after {
                        match self.peek() {
                            Some(b'"') => self.key(&mut scratch.decoded, frame)?,
                            None => return Err(self.fail(EOF_OBJECT, self.pos)),
                            Some(_) => return Err(self.fail(KEY_NOT_STRING, self.pos)),
                        }
                    }
                    after
                } else {
                    scratch.items.push(value);
                    self.after_item(b']', EXPECTED_ARRAY_SEP, EOF_ARRAY)?
                };
                match after {
                    After::Next => continue 'value,
                    After::Close => value = self.close(&mut scratch),
                }
            }
        }
    }

    /// The value of the innermost open container, just closed.
    fn close(&self, scratch: &mut Scratch) -> Value {
        let Some(frame) = scratch.frames.pop() else {
            return Value::Null; // unreachable: the caller saw an open frame
        };
        if !frame.object {
            return Value::Array(Array::from(scratch.items.split_off(frame.start)));
        }
        let members = &mut scratch.members[frame.start..];
        let keys = if frame.escaped {
            // This object gets a key text of its own, holding all its keys.
            let mut own = String::new();
            for e in members {
                let key = key_of(self.text, &scratch.decoded, e.start, e.end);
                let start = own.len();
                own.push_str(key);
                (e.start, e.end) = (start, own.len());
            }
            scratch.decoded.truncate(frame.decoded_start);
            Arc::new(own)
        } else {
            let text = self.text;
            Arc::clone(
                scratch
                    .shared
                    .get_or_insert_with(|| Arc::new(text.to_owned())),
            )
        };
        Value::Object(Map::from_parsed(
            keys,
            scratch.members.split_off(frame.start),
        ))
    }

    /// After an item: `,` (not followed by the closing bracket) or the
    /// closing bracket. On `Next`, whitespace after the comma is skipped.
    #[inline(always)]
    fn after_item(
        &mut self,
        close: u8,
        expected: &'static str,
        eof: &'static str,
    ) -> Result<After, Error> {
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(close) {
                    return Err(self.fail(TRAILING_COMMA, comma));
                }
                Ok(After::Next)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(After::Close)
            }
            None => Err(self.fail(eof, self.pos)),
            Some(_) => Err(self.fail(expected, self.pos)),
        }
    }

    /// An object key and the `:` after it. The key is not copied: `frame`
    /// gets its range in the text, or, if it has escapes, its range in
    /// `decoded` (offset by the text's length) where it is decoded.
    #[inline(always)]
    fn key(&mut self, decoded: &mut String, frame: &mut Frame) -> Result<(), Error> {
        let start = self.pos + 1;
        let end = find_special(self.bytes, start);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            frame.key = (start, end);
        } else {
            let from = decoded.len();
            self.string_rest(start, end, decoded)?;
            let base = self.text.len();
            frame.key = (base + from, base + decoded.len());
            frame.escaped = true;
        }
        self.skip_ws();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            None => Err(self.fail(EOF_OBJECT, self.pos)),
            Some(_) => Err(self.fail(EXPECTED_COLON, self.pos)),
        }
    }

    fn literal(&mut self, word: &[u8], value: Value) -> Result<Value, Error> {
        let rest = &self.bytes[self.pos..];
        if rest.starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else if word.starts_with(rest) {
            Err(self.fail(EOF_VALUE, self.bytes.len()))
        } else {
            Err(self.fail(INVALID_LITERAL, self.pos))
        }
    }

    fn number(&mut self) -> Result<Number, Error> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let mut magnitude: u64 = 0;
        let mut overflow = false;
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.fail(INVALID_NUMBER, self.pos));
                }
            }
            Some(b'1'..=b'9') => {
                while let Some(&d @ b'0'..=b'9') = self.bytes.get(self.pos) {
                    match magnitude
                        .checked_mul(10)
                        .and_then(|m| m.checked_add(u64::from(d - b'0')))
                    {
                        Some(m) => magnitude = m,
                        None => overflow = true,
                    }
                    self.pos += 1;
                }
            }
            _ => return Err(self.fail(INVALID_NUMBER, self.pos)),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits()?;
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits()?;
            float = true;
        }
        let literal = &self.text[start..self.pos];
        if float {
            match literal.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Number::float(x)),
                _ => Err(self.fail(NUMBER_OUT_OF_RANGE, start)),
            }
        } else if overflow {
            Ok(Number::big(literal))
        } else {
            Ok(Number::int(negative, magnitude).unwrap_or_else(|| Number::big(literal)))
        }
    }

    /// One or more digits (of a fraction or exponent).
    fn digits(&mut self) -> Result<(), Error> {
        let first = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        if self.pos == first {
            return Err(self.fail(INVALID_NUMBER, self.pos));
        }
        Ok(())
    }

    /// A string literal starting at the `"`.
    fn string(&mut self) -> Result<String, Error> {
        let start = self.pos + 1;
        let end = find_special(self.bytes, start);
        if self.bytes.get(end) == Some(&b'"') {
            // The common case: no escapes, one copy.
            self.pos = end + 1;
            self.references |= self.bytes.get(start + 3..start + 6) == Some(b"://");
            return Ok(self.text[start..end].to_owned());
        }
        let mut out = String::with_capacity(end - start + 16);
        self.string_rest(start, end, &mut out)?;
        self.references |= out.as_bytes().get(3..6) == Some(b"://");
        Ok(out)
    }

    /// Decodes onto `out` a string literal whose content begins at `start`
    /// and whose first escape (or bad byte, or the end) is at `end`.
    fn string_rest(&mut self, start: usize, end: usize, out: &mut String) -> Result<(), Error> {
        out.push_str(&self.text[start..end]);
        let mut i = end;
        loop {
            match self.bytes.get(i) {
                None => return Err(self.fail(EOF_STRING, self.bytes.len())),
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(());
                }
                Some(b'\\') => i = self.escape(i, out)?,
                Some(_) => return Err(self.fail(CONTROL_CHARACTER, i)),
            }
            let run_end = find_special(self.bytes, i);
            out.push_str(&self.text[i..run_end]);
            i = run_end;
        }
    }

    /// Decodes the escape at `i` (a backslash) into `out`; returns the
    /// position after it.
    fn escape(&self, i: usize, out: &mut String) -> Result<usize, Error> {
        let ch = match self.bytes.get(i + 1) {
            None => return Err(self.fail(EOF_STRING, self.bytes.len())),
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let (ch, next) = self.unicode_escape(i)?;
                out.push(ch);
                return Ok(next);
            }
            Some(_) => return Err(self.fail(INVALID_ESCAPE, i)),
        };
        out.push(ch);
        Ok(i + 2)
    }

    /// `\uXXXX` at `i`, joined with a following low surrogate escape if it is
    /// a high surrogate. A surrogate without its partner becomes U+FFFD.
    fn unicode_escape(&self, i: usize) -> Result<(char, usize), Error> {
        let unit = match self.hex4(i + 2) {
            Some(unit) => unit,
            None => return Err(self.bad_hex(i)),
        };
        if (0xD800..0xDC00).contains(&unit) && self.bytes.get(i + 6..i + 8) == Some(b"\\u") {
            if let Some(low @ 0xDC00..=0xDFFF) = self.hex4(i + 8) {
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return Ok((char::from_u32(code).unwrap_or('\u{fffd}'), i + 12));
            }
        }
        Ok((char::from_u32(unit).unwrap_or('\u{fffd}'), i + 6))
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes.get(at..at + 4)?;
        let mut n = 0;
        for &d in digits {
            n = n * 16 + char::from(d).to_digit(16)?;
        }
        Some(n)
    }

    /// The error for the `\u` escape at `i` whose four hex digits are not all
    /// there: a text that ends early, or a character that is not hex.
    #[cold]
    fn bad_hex(&self, i: usize) -> Error {
        let present = self.bytes.get(i + 2..).unwrap_or_default();
        let present = &present[..present.len().min(4)];
        if present.len() < 4 && present.iter().all(u8::is_ascii_hexdigit) {
            self.fail(EOF_STRING, self.bytes.len())
        } else {
            self.fail(INVALID_UNICODE_ESCAPE, i)
        }
    }
}

/// A key's text from its range: in `text`, or (past its end) in `decoded`.
fn key_of<'a>(text: &'a str, decoded: &'a str, start: usize, end: usize) -> &'a str {
    let key = match start.checked_sub(text.len()) {
        Some(from) => decoded.get(from..end - text.len()),
        None => text.get(start..end),
    };
    key.unwrap_or_default()
}

/// The position of the first `"`, `\` or control byte at or after `i`, or the
/// end. Eight bytes at a time while none is found: every such byte is ASCII,
/// so the runs in between can be copied whole.
pub(super) fn find_special(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let x = u64::from_le_bytes(chunk);
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        // A byte is zero (or below 0x20) exactly when these set its high bit
        // somewhere in the word (the classic "has zero byte" test).
        let found = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (x.wrapping_sub(ONES * 0x20) & !x);
        if found & HIGH != 0 {
            // Borrows only run upward from a true match, so the lowest
            // flagged byte is exact.
            return i + (found & HIGH).trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::find_special;

    #[test]
    fn find_special_matches_a_plain_scan() {
        let text = "abcdefghijklmnop\"qrs\\tuv\u{1}wxyzé\u{7f}ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let bytes = text.as_bytes();
        for start in 0..bytes.len() {
            let expected = (start..bytes.len())
                .find(|&i| bytes[i] == b'"' || bytes[i] == b'\\' || bytes[i] < 0x20)
                .unwrap_or(bytes.len());
            assert_eq!(find_special(bytes, start), expected, "from {start}");
        }
    }
}
