//! The `'$'` style: `string.Template(fmt).substitute(**record.__dict__)`.

use super::fields::{lookup, not_found, Source};
use super::scan::is_ascii_word as is_id;
use super::{Compiled, FormatError, Segment};

/// One match of `string.Template.pattern`.
enum Token<'a> {
    /// Text up to the next `$`.
    Text(&'a str),
    /// `$$`.
    Escaped,
    /// `$name` or `${name}`.
    Named(&'a str),
    /// Anything else after `$`; the byte offset just after the `$`.
    Invalid(usize),
}

fn is_id_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

/// The token at byte offset `*i` of `s`, moving `*i` past it. Works on
/// bytes: the pattern's characters are all ASCII.
fn next_token<'a>(s: &'a str, i: &mut usize) -> Option<Token<'a>> {
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied();
    let start = *i;
    if start >= b.len() {
        return None;
    }
    if b[start] != b'$' {
        let end = b[start..]
            .iter()
            .position(|&c| c == b'$')
            .map_or(b.len(), |k| start + k);
        *i = end;
        return Some(Token::Text(&s[start..end]));
    }
    if at(start + 1) == Some(b'$') {
        *i = start + 2;
        return Some(Token::Escaped);
    }
    if at(start + 1).is_some_and(is_id_start) {
        let mut end = start + 1;
        while at(end).is_some_and(is_id) {
            end += 1;
        }
        *i = end;
        return Some(Token::Named(&s[start + 1..end]));
    }
    if at(start + 1) == Some(b'{') && at(start + 2).is_some_and(is_id_start) {
        let mut end = start + 2;
        while at(end).is_some_and(is_id) {
            end += 1;
        }
        if at(end) == Some(b'}') {
            *i = end + 1;
            return Some(Token::Named(&s[start + 2..end]));
        }
    }
    // Both consumers stop at the first invalid placeholder.
    *i = b.len();
    Some(Token::Invalid(start + 1))
}

/// The tokens of `s`, in order.
fn tokens(s: &str) -> impl Iterator<Item = Token<'_>> {
    let mut i = 0;
    std::iter::from_fn(move || next_token(s, &mut i))
}

/// Python's `str.splitlines` boundaries.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// `Template._invalid`'s message for the placeholder ending before byte
/// offset `at`.
fn invalid(fmt: &str, at: usize) -> FormatError {
    let before: Vec<char> = fmt.get(..at).unwrap_or(fmt).chars().collect();
    let i = before.len();
    let mut line = 1;
    let mut line_start = 0;
    let mut k = 0;
    while k < before.len() {
        if is_line_break(before[k]) {
            if before[k] == '\r' && before.get(k + 1) == Some(&'\n') {
                k += 1;
            }
            if k + 1 < before.len() {
                line += 1;
            }
            line_start = k + 1;
        }
        k += 1;
    }
    let col = i - line_start.min(i);
    let col = if col == 0 { 1 } else { col };
    FormatError(format!(
        "Invalid placeholder in string: line {line}, col {col}"
    ))
}

/// `logging.StringTemplateStyle.validate`.
pub(crate) fn validate(fmt: &str) -> Result<(), FormatError> {
    let mut fields = 0;
    for token in tokens(fmt) {
        match token {
            Token::Named(_) => fields += 1,
            Token::Invalid(_) => {
                return Err(FormatError("invalid format: bare '$' not allowed".into()))
            }
            Token::Text(_) | Token::Escaped => {}
        }
    }
    if fields == 0 {
        return Err(FormatError("invalid format: no fields".into()));
    }
    Ok(())
}

/// Compiles the template as `substitute` would run it, left to right.
pub(crate) fn compile<'a>(
    fmt: &'a str,
    defaults: &'a [(String, String)],
) -> Result<Compiled<'a>, FormatError> {
    let mut out = Compiled::for_len(fmt.len());
    for token in tokens(fmt) {
        match token {
            Token::Text(text) => out.literal(text),
            Token::Escaped => out.literal("$"),
            Token::Invalid(at) => return Err(invalid(fmt, at)),
            // `validate` fails only on an invalid placeholder, which fails
            // this compile too, or on a format without a placeholder.
            Token::Named(name) => match lookup(name, defaults) {
                Some(Source::Attr(attr)) => {
                    out.valid = true;
                    out.push(Segment::Plain(attr));
                }
                Some(Source::Field(name, default)) => {
                    out.valid = true;
                    out.push(super::field_segment(name, default, super::FieldSpec::Plain));
                }
                None => return Err(FormatError(not_found(name))),
            },
        }
    }
    Ok(out)
}
