//! A fast reader for the plainest JSON shapes, for callers that can read
//! a large part of a document straight into their own types instead of a
//! [`Value`](super::Value) tree: strings without escapes, `true`, `false`, `null`,
//! objects and arrays of those.
//!
//! It never reports an error: anything else, or anything wrong, is `None`,
//! and the caller then parses the whole text with the full parser, which
//! gives the exact error (or handles the shape). So what it accepts is
//! valid JSON read exactly as the parser reads it, and nothing decides an
//! error here.

use super::parse::find_special;
use super::{parse_noting_references, Map};

/// A scalar value of the plain shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scalar<'a> {
    /// A string without escapes: its text as written.
    Str(&'a str),
    Bool(bool),
    Null,
}

/// A position in a JSON text, read forward.
pub(crate) struct Plain<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Plain<'a> {
    fn byte(&self) -> Option<u8> {
        self.byte_at(self.pos)
    }

    fn byte_at(&self, i: usize) -> Option<u8> {
        self.text.as_bytes().get(i).copied()
    }

    /// Skips whitespace (only space, tab, CR and LF, as the parser).
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.byte() {
            self.pos += 1;
        }
    }

    /// Whitespace, then `b`, which is consumed.
    fn expect(&mut self, b: u8) -> Option<()> {
        self.skip_ws();
        (self.byte() == Some(b)).then(|| self.pos += 1)
    }

    /// A string without escapes or control characters (else `None`).
    pub fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.pos;
        let end = find_special(self.text.as_bytes(), start);
        if self.byte_at(end) != Some(b'"') {
            return None;
        }
        self.pos = end + 1;
        self.text.get(start..end)
    }

    /// A plain string, `true`, `false` or `null`.
    pub fn scalar(&mut self) -> Option<Scalar<'a>> {
        self.skip_ws();
        let rest = &self.text.as_bytes()[self.pos..];
        let (scalar, len) = match rest.first()? {
            b'"' => return self.string().map(Scalar::Str),
            b't' if rest.starts_with(b"true") => (Scalar::Bool(true), 4),
            b'f' if rest.starts_with(b"false") => (Scalar::Bool(false), 5),
            b'n' if rest.starts_with(b"null") => (Scalar::Null, 4),
            _ => return None,
        };
        self.pos += len;
        Some(scalar)
    }

    /// Whether the next value is `null` (then consumed).
    pub fn null(&mut self) -> bool {
        self.skip_ws();
        let null = self.text.as_bytes()[self.pos..].starts_with(b"null");
        if null {
            self.pos += 4;
        }
        null
    }

    /// An object: `member(key, self)` reads each member's value. Keys
    /// must be plain strings.
    pub fn members(
        &mut self,
        mut member: impl FnMut(&'a str, &mut Self) -> Option<()>,
    ) -> Option<()> {
        self.expect(b'{')?;
        self.skip_ws();
        if self.byte() == Some(b'}') {
            self.pos += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            member(key, self)?;
            if self.close(b'}')? {
                return Some(());
            }
        }
    }

    /// An array: `item(self)` reads each item.
    pub fn items(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.expect(b'[')?;
        self.skip_ws();
        if self.byte() == Some(b']') {
            self.pos += 1;
            return Some(());
        }
        loop {
            item(self)?;
            if self.close(b']')? {
                return Some(());
            }
        }
    }

    /// After an item: `,` (false) or the closing bracket (true).
    fn close(&mut self, bracket: u8) -> Option<bool> {
        self.skip_ws();
        let b = self.byte()?;
        self.pos += 1;
        match b {
            b',' => Some(false),
            _ if b == bracket => Some(true),
            _ => None,
        }
    }

    /// The byte range of the next value, found by matching brackets and
    /// quotes, not checked: exact for valid JSON, and whatever it gives for
    /// invalid JSON fails the parse of that range or what follows it.
    fn skip_value(&mut self) -> Option<(usize, usize)> {
        self.skip_ws();
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut depth = 0usize;
        let mut i = start;
        loop {
            match *bytes.get(i)? {
                b'"' => {
                    i += 1;
                    loop {
                        match *bytes.get(i)? {
                            b'"' => break,
                            b'\\' => i += 2,
                            _ => i += 1,
                        }
                    }
                    i += 1;
                }
                b'{' | b'[' => {
                    depth += 1;
                    i += 1;
                }
                b'}' | b']' if depth > 0 => {
                    depth -= 1;
                    i += 1;
                }
                b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => break,
                _ => i += 1,
            }
            if depth == 0 && i > start && !is_scalar_byte(bytes[i - 1]) {
                break;
            }
        }
        self.pos = i;
        Some((start, i))
    }
}

/// Whether a value that ends at this byte may go on: numbers and literals
/// do until a delimiter; a closing quote or bracket ends a value.
fn is_scalar_byte(b: u8) -> bool {
    !matches!(b, b'"' | b'}' | b']')
}

/// Parses a JSON object whose member `key` (present once) `read` reads
/// straight from the text, the other members into a map with the full
/// parser. Returns the map, whether any string of it may be a reference
/// (as [`parse_noting_references`] tells), and what `read` returned; `None`
/// for any text that is not such an object of plain keys, or that `read`
/// refuses, or that does not parse (limited to `max_depth` nesting as the
/// whole text would be).
pub(crate) fn parse_reading_member<T>(
    text: &str,
    max_depth: usize,
    key: &str,
    read: impl FnOnce(&mut Plain<'_>) -> Option<T>,
) -> Option<(Map, bool, T)> {
    let mut plain = Plain { text, pos: 0 };
    let (mut map, mut references) = (Map::new(), false);
    let mut read = Some(read);
    let mut found = None;
    plain.members(|name, plain| {
        if name == key {
            // A second one: the parser's rule (the last wins) is not ours.
            found = Some(read.take()?(plain)?);
            return Some(());
        }
        let (start, end) = plain.skip_value()?;
        let (value, refs) =
            parse_noting_references(text.get(start..end)?, max_depth.checked_sub(1)?).ok()?;
        references |= refs;
        map.insert(name.to_string(), value);
        Some(())
    })?;
    plain.skip_ws();
    if plain.pos != text.len() {
        return None;
    }
    Some((map, references, found?))
}

#[cfg(test)]
mod tests {
    use super::{parse_reading_member, Plain};
    use crate::json::{parse, Value};

    /// Reads `{"k": [plain scalars]}` members as their scalars.
    fn scalars(plain: &mut Plain<'_>) -> Option<Vec<String>> {
        let mut out = Vec::new();
        plain.members(|key, plain| {
            plain.items(|plain| {
                out.push(format!("{key}={:?}", plain.scalar()?));
                Some(())
            })
        })?;
        Some(out)
    }

    /// Reads `{}`.
    fn empty(plain: &mut Plain<'_>) -> Option<()> {
        plain.members(|_, _| None)
    }

    #[test]
    fn reads_the_member_and_parses_the_rest_as_the_parser() {
        let text = r#" {"a": [1, {"x": "y"}], "m": {"k": ["s", true, null, false], "e": []},
            "b": "t\"}", "c": -1.5e3, "d": {}, "a": null } "#;
        let (map, references, read) = parse_reading_member(text, 128, "m", scalars).unwrap();
        assert_eq!(
            read,
            ["k=Str(\"s\")", "k=Bool(true)", "k=Null", "k=Bool(false)"]
        );
        assert!(!references);
        let Ok(Value::Object(mut whole)) = parse(text) else {
            panic!("parses")
        };
        whole.retain_keys(|k| k != "m");
        assert_eq!(Value::Object(map), Value::Object(whole));
    }

    #[test]
    fn tells_references_in_the_rest() {
        let text = r#"{"m": {}, "h": {"stream": "ext://sys.stderr"}}"#;
        let (_, references, _) = parse_reading_member(text, 128, "m", empty).unwrap();
        assert!(references);
    }

    #[test]
    fn anything_else_is_none() {
        let refuse = [
            "",
            "[]",
            "{}",
            r#"{"m": {}} x"#,
            r#"{"m": {}, }"#,
            r#"{"m": {}, "m": {}}"#,
            r#"{"m": {"k": ["a\n"]}}"#,
            r#"{"m": {"k": ["\u0061"]}}"#,
            r#"{"m": {"k\u0061": []}}"#,
            r#"{"m": {"k": [1]}}"#,
            r#"{"m": {"k": [tru]}}"#,
            r#"{"m": {"k": ["a",]}}"#,
            r#"{"m": {"k": []}, "x": [1,]}"#,
            r#"{"m": {"k": []}, "x": 01}"#,
            r#"{"m": {"k": []}, "x": "a"b}"#,
            r#"{"m": {"k": []}, "x": tru}"#,
            r#"{"m": {"k": []}, "x": [[1]}"#,
            r#"{"m": {"k": []}, "x": {"a": 1}}}"#,
            r#"{"m": {"k": []}, "x" 1}"#,
            r#"{"m": {"k": []}, "x": }"#,
            r#"{"m": {"k": []}, "x":"#,
            "{\"m\": {\"k\": []}, \"x\": \"a\u{1}\"}",
        ];
        for text in refuse {
            assert!(
                parse_reading_member(text, 128, "m", scalars).is_none(),
                "{text:?}"
            );
        }
        // The rest nests as deeply as the whole text would.
        let deep = format!(
            r#"{{"m": {{}}, "x": {}1{}}}"#,
            "[".repeat(128),
            "]".repeat(128)
        );
        assert!(parse_reading_member(&deep, 128, "m", empty).is_none());
        assert!(parse_reading_member(&deep, 129, "m", empty).is_some());
        assert!(parse(&deep).is_err());
    }
}
