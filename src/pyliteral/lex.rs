//! Tokenizer: Python's number, string, name and operator tokens.

use std::borrow::Cow;

use super::Error;

/// One token's kind; names keep their text in the source (`start..end`).
#[derive(Debug)]
pub(super) enum Tok {
    Int(i64),
    Float(f64),
    Str(String),
    Name,
    Punct(&'static str),
    Eof,
}

#[derive(Debug)]
pub(super) struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
    /// A line break (not a `\` continuation) separates it from the previous
    /// token; only allowed inside brackets, as in Python.
    pub newline_before: bool,
}

/// The Python operator or delimiter `rest` starts with, longest first (so
/// `**` before `*`); `!` alone is none, but is returned to be reported.
fn punct(rest: &[u8]) -> Option<&'static str> {
    let next = rest.get(1).copied().unwrap_or(0);
    Some(match (rest.first()?, next) {
        (b'.', b'.') if rest.get(2) == Some(&b'.') => "...",
        (b'.', _) => ".",
        (b'*', b'*') => "**",
        (b'*', _) => "*",
        (b'/', b'/') => "//",
        (b'/', _) => "/",
        (b'<', b'<') => "<<",
        (b'<', b'=') => "<=",
        (b'<', _) => "<",
        (b'>', b'>') => ">>",
        (b'>', b'=') => ">=",
        (b'>', _) => ">",
        (b'=', b'=') => "==",
        (b'=', _) => "=",
        (b'!', b'=') => "!=",
        (b'!', _) => "!",
        (b':', b'=') => ":=",
        (b':', _) => ":",
        (b'-', b'>') => "->",
        (b'-', _) => "-",
        (b'+', _) => "+",
        (b'%', _) => "%",
        (b'@', _) => "@",
        (b'&', _) => "&",
        (b'|', _) => "|",
        (b'^', _) => "^",
        (b'~', _) => "~",
        (b'(', _) => "(",
        (b')', _) => ")",
        (b'[', _) => "[",
        (b']', _) => "]",
        (b'{', _) => "{",
        (b'}', _) => "}",
        (b',', _) => ",",
        (b';', _) => ";",
        _ => return None,
    })
}

pub(super) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    peeked: Option<Token>,
    started: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            peeked: None,
            started: false,
        }
    }

    pub fn peek(&mut self) -> Result<&Token, Error> {
        let tok = match self.peeked.take() {
            Some(t) => t,
            None => self.scan()?,
        };
        Ok(self.peeked.insert(tok))
    }

    pub fn next(&mut self) -> Result<Token, Error> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.scan(),
        }
    }

    pub fn text(&self, tok: &Token) -> &'a str {
        &self.src[tok.start..tok.end]
    }

    fn err(&self, offset: usize, message: String) -> Error {
        Error::new(self.src, offset, message)
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    #[inline]
    fn bump(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Skips blanks, comments and `\` line continuations; tells whether a
    /// line break was crossed.
    fn skip_space(&mut self) -> bool {
        let mut newline = false;
        loop {
            let rest = self.rest();
            match rest.as_bytes().first() {
                Some(b' ' | b'\t' | b'\x0c') => self.pos += 1,
                Some(b'\n' | b'\r') => {
                    newline = true;
                    self.pos += 1;
                }
                Some(b'#') => self.pos += rest.find(['\n', '\r']).unwrap_or(rest.len()),
                Some(b'\\') if rest[1..].starts_with(['\n', '\r']) => {
                    self.pos += if rest[1..].starts_with("\r\n") { 3 } else { 2 };
                }
                _ => return newline,
            }
        }
    }

    fn scan(&mut self) -> Result<Token, Error> {
        let newline = self.skip_space();
        let newline_before = newline && self.started;
        self.started = true;
        let start = self.pos;
        let rest = self.rest();
        let tok = match rest.chars().next() {
            None => Tok::Eof,
            Some(c) if c.is_ascii_digit() => self.number(start)?,
            Some('.') if rest[1..].starts_with(|c: char| c.is_ascii_digit()) => {
                self.number(start)?
            }
            Some('\'' | '"') => self.string(start, false)?,
            Some(c) if c == '_' || c.is_alphabetic() => {
                let ascii = rest
                    .bytes()
                    .position(|b| b != b'_' && !b.is_ascii_alphanumeric());
                let len = match ascii {
                    // A non-ASCII character may continue the name.
                    Some(n) if !rest.as_bytes()[n].is_ascii() => {
                        rest.find(|c: char| c != '_' && !c.is_alphanumeric())
                    }
                    other => other,
                };
                self.pos += len.unwrap_or(rest.len());
                let name = &self.src[start..self.pos];
                if self.rest().starts_with(['\'', '"']) {
                    match name.to_ascii_lowercase().as_str() {
                        "r" => self.string(start, true)?,
                        "u" => self.string(start, false)?,
                        "b" | "br" | "rb" => {
                            return Err(self.err(start, "unsupported bytes literal".into()))
                        }
                        "f" | "fr" | "rf" => {
                            return Err(self.err(start, "unsupported f-string".into()))
                        }
                        _ => Tok::Name,
                    }
                } else {
                    Tok::Name
                }
            }
            Some(c) => match punct(rest.as_bytes()) {
                Some(p) if p != "!" => {
                    self.pos += p.len();
                    Tok::Punct(p)
                }
                _ => return Err(self.err(start, format!("unexpected character {c:?}"))),
            },
        };
        Ok(Token {
            tok,
            start,
            end: self.pos,
            newline_before,
        })
    }

    /// A string body after its optional prefix; `self.pos` is at the quote.
    fn string(&mut self, start: usize, raw: bool) -> Result<Tok, Error> {
        let quote = self.bump().unwrap_or('\'');
        // The two quotes that, after one, close a triple-quoted string.
        let closing = if quote == '"' { "\"\"" } else { "''" };
        let triple = self.rest().starts_with(closing);
        if triple {
            self.pos += 2;
        }
        if !triple {
            // Most strings are one line without escapes: their text as is.
            let body = self.rest();
            let stop = |b: &u8| matches!(*b, b'\\' | b'\n' | b'\r') || *b == quote as u8;
            match body.bytes().position(|b| stop(&b)) {
                Some(n) if body.as_bytes()[n] == quote as u8 => {
                    self.pos += n + 1;
                    return Ok(Tok::Str(body[..n].to_string()));
                }
                _ => {}
            }
        }
        let unterminated = |lx: &Self| {
            let what = if triple {
                "unterminated triple-quoted string literal"
            } else {
                "unterminated string literal"
            };
            lx.err(start, what.into())
        };
        let mut out = String::new();
        loop {
            let here = self.pos;
            let Some(c) = self.bump() else {
                return Err(unterminated(self));
            };
            match c {
                c if c == quote => {
                    if !triple {
                        break;
                    }
                    if self.rest().starts_with(closing) {
                        self.pos += 2;
                        break;
                    }
                    out.push(c);
                }
                '\n' | '\r' if !triple => return Err(unterminated(self)),
                '\n' | '\r' => self.newline(c, &mut out),
                '\\' if raw => {
                    // The backslash stays, and protects the next character
                    // (a quote does not end the string).
                    out.push('\\');
                    match self.bump() {
                        None => return Err(unterminated(self)),
                        Some(c @ ('\n' | '\r')) => self.newline(c, &mut out),
                        Some(c) => out.push(c),
                    }
                }
                '\\' => self.escape(here, &mut out, &unterminated)?,
                c => out.push(c),
            }
        }
        Ok(Tok::Str(out))
    }

    /// Python reads source with universal newlines: `\r\n` and `\r` are `\n`.
    fn newline(&mut self, c: char, out: &mut String) {
        if c == '\r' && self.peek_char() == Some('\n') {
            self.pos += 1;
        }
        out.push('\n');
    }

    fn escape(
        &mut self,
        backslash: usize,
        out: &mut String,
        unterminated: &dyn Fn(&Self) -> Error,
    ) -> Result<(), Error> {
        let Some(c) = self.bump() else {
            return Err(unterminated(self));
        };
        let simple = match c {
            '\n' => return Ok(()),
            '\r' => {
                if self.peek_char() == Some('\n') {
                    self.pos += 1;
                }
                return Ok(());
            }
            '\\' | '\'' | '"' => c,
            'a' => '\x07',
            'b' => '\x08',
            'f' => '\x0c',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\x0b',
            '0'..='7' => {
                let mut value = c as u32 - '0' as u32;
                for _ in 0..2 {
                    match self.peek_char() {
                        Some(d @ '0'..='7') => {
                            value = value * 8 + (d as u32 - '0' as u32);
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                // At most 0o777: always a valid character.
                char::from_u32(value).unwrap_or('\u{fffd}')
            }
            'x' => self.hex(backslash, 2, "\\xXX")?,
            'u' => self.hex(backslash, 4, "\\uXXXX")?,
            'U' => self.hex(backslash, 8, "\\UXXXXXXXX")?,
            'N' => return Err(self.err(backslash, "unsupported \\N{...} escape".into())),
            other => {
                // Unknown escapes are kept as written, as Python does.
                out.push('\\');
                other
            }
        };
        out.push(simple);
        Ok(())
    }

    fn hex(&mut self, backslash: usize, len: usize, form: &str) -> Result<char, Error> {
        let digits = self
            .rest()
            .get(..len)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        let Some(digits) = digits else {
            return Err(self.err(backslash, format!("truncated {form} escape")));
        };
        self.pos += len;
        let value = u32::from_str_radix(digits, 16).unwrap_or(u32::MAX);
        match char::from_u32(value) {
            Some(c) => Ok(c),
            None if (0xd800..0xe000).contains(&value) => Err(self.err(
                backslash,
                format!("unsupported lone surrogate \\u{value:04x} (not valid UTF-8)"),
            )),
            None => Err(self.err(
                backslash,
                format!("illegal Unicode character in {form} escape"),
            )),
        }
    }

    /// Integers (decimal, `0x`, `0o`, `0b`) and floats, with `_` allowed
    /// only between digits.
    fn number(&mut self, start: usize) -> Result<Tok, Error> {
        let b = self.src.as_bytes();
        let at = |i: usize| b.get(i).copied().unwrap_or(0);
        let invalid = |lx: &Self| lx.err(start, "invalid number literal".into());
        let radix = match (at(start), at(start + 1)) {
            (b'0', b'x' | b'X') => 16,
            (b'0', b'o' | b'O') => 8,
            (b'0', b'b' | b'B') => 2,
            _ => 10,
        };
        let mut i = start;
        let tok = if radix != 10 {
            i += 2;
            let mut digits = String::new();
            loop {
                let under = at(i) == b'_';
                let d = at(i + under as usize);
                if (d as char).is_digit(radix) {
                    digits.push(d as char);
                    i += 1 + under as usize;
                } else if under || digits.is_empty() {
                    self.pos = i;
                    return Err(invalid(self));
                } else {
                    break;
                }
            }
            self.pos = i;
            Tok::Int(self.int(start, &digits, radix)?)
        } else {
            let digit_part = |i: &mut usize| -> Result<bool, ()> {
                if !at(*i).is_ascii_digit() {
                    return Ok(false);
                }
                loop {
                    while at(*i).is_ascii_digit() {
                        *i += 1;
                    }
                    if at(*i) != b'_' {
                        return Ok(true);
                    }
                    if !at(*i + 1).is_ascii_digit() {
                        return Err(());
                    }
                    *i += 1;
                }
            };
            let mut float = false;
            digit_part(&mut i).map_err(|()| invalid(self))?;
            if at(i) == b'.' {
                float = true;
                i += 1;
                digit_part(&mut i).map_err(|()| invalid(self))?;
            }
            if matches!(at(i), b'e' | b'E') {
                float = true;
                i += 1;
                if matches!(at(i), b'+' | b'-') {
                    i += 1;
                }
                if digit_part(&mut i) != Ok(true) {
                    return Err(invalid(self));
                }
            }
            if matches!(at(i), b'j' | b'J') {
                return Err(self.err(start, "unsupported complex literal".into()));
            }
            self.pos = i;
            let written = &self.src[start..i];
            let text = if written.contains('_') {
                Cow::Owned(written.replace('_', ""))
            } else {
                Cow::Borrowed(written)
            };
            if float {
                Tok::Float(text.parse().map_err(|_| invalid(self))?)
            } else if text.len() > 1 && text.starts_with('0') && text.bytes().any(|b| b != b'0') {
                return Err(self.err(
                    start,
                    "leading zeros in decimal integer literals are not permitted".into(),
                ));
            } else {
                Tok::Int(self.int(start, &text, 10)?)
            }
        };
        if self
            .peek_char()
            .is_some_and(|c| c == '_' || c.is_alphanumeric())
        {
            return Err(invalid(self));
        }
        Ok(tok)
    }

    fn int(&self, start: usize, digits: &str, radix: u32) -> Result<i64, Error> {
        i64::from_str_radix(digits, radix).map_err(|_| {
            self.err(
                start,
                "integer literal too large (the limit is 64 bits)".into(),
            )
        })
    }
}
