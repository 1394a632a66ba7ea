//! The `'$'` style: `string.Template(fmt).substitute(**record.__dict__)`.

use super::fields::{lookup, not_found, Source};
use super::{Compiled, FormatError, Segment};

/// One match of `string.Template.pattern`.
enum Token {
    /// Text up to the next `$`.
    Text(String),
    /// `$$`.
    Escaped,
    /// `$name` or `${name}`.
    Named(String),
    /// Anything else after `$`; the index just after the `$`.
    Invalid(usize),
}

fn is_id_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_id(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn tokens(c: &[char]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] != '$' {
            let start = i;
            while i < c.len() && c[i] != '$' {
                i += 1;
            }
            out.push(Token::Text(c[start..i].iter().collect()));
            continue;
        }
        let at = |i: usize| c.get(i).copied();
        if at(i + 1) == Some('$') {
            out.push(Token::Escaped);
            i += 2;
        } else if at(i + 1).is_some_and(is_id_start) {
            let start = i + 1;
            i = start;
            while at(i).is_some_and(is_id) {
                i += 1;
            }
            out.push(Token::Named(c[start..i].iter().collect()));
        } else if at(i + 1) == Some('{') && at(i + 2).is_some_and(is_id_start) {
            let start = i + 2;
            let mut j = start;
            while at(j).is_some_and(is_id) {
                j += 1;
            }
            if at(j) == Some('}') {
                out.push(Token::Named(c[start..j].iter().collect()));
                i = j + 1;
            } else {
                out.push(Token::Invalid(i + 1));
                out.push(Token::Text("$".into()));
                i += 1;
            }
        } else {
            out.push(Token::Invalid(i + 1));
            out.push(Token::Text("$".into()));
            i += 1;
        }
    }
    out
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

/// `Template._invalid`'s message for the placeholder ending before `i`.
fn invalid(c: &[char], i: usize) -> FormatError {
    let before = &c[..i];
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
    let c: Vec<char> = fmt.chars().collect();
    let mut fields = 0;
    for token in tokens(&c) {
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
pub(crate) fn compile(fmt: &str, defaults: &[(String, String)]) -> Result<Compiled, FormatError> {
    let c: Vec<char> = fmt.chars().collect();
    let mut out = Compiled::default();
    for token in tokens(&c) {
        match token {
            Token::Text(text) => out.literal(&text),
            Token::Escaped => out.literal("$"),
            Token::Invalid(i) => return Err(invalid(&c, i)),
            Token::Named(name) => match lookup(&name, defaults) {
                Some(Source::Attr(attr)) => out.push(Segment::Plain(attr)),
                Some(Source::Default(text)) => out.literal(text),
                None => return Err(FormatError(not_found(&name))),
            },
        }
    }
    Ok(out)
}
