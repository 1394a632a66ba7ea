//! The `'%'` style: Python's printf-style `fmt % record.__dict__`.

use super::fields::{lookup, not_found, Kind, Source, Value};
use super::number::{self, FloatCode, FloatStyle};
use super::pad::{chars_since, insert_fill, pad, push_fill, truncate_chars, Align};
use super::scan::{skip, skip_word};
use super::FieldSpec;
use super::{push_str_value, Compiled, FormatError, Segment, LIMIT};

/// One `%(key)...c` conversion.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PercentSpec {
    left: bool,
    plus: bool,
    space: bool,
    alt: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
    conv: char,
}

/// `logging.PercentStyle.validate`: the format must contain a match of
/// `%\(\w+\)[#0+ -]*(\*|\d+)?(\.(\*|\d+))?[diouxefgcrsa%]` (ignoring case).
pub(crate) fn validate(fmt: &str) -> Result<(), FormatError> {
    // Byte search: the std searchers cost more to set up than these
    // short strings take to scan.
    let b = fmt.as_bytes();
    let found = (0..b.len())
        .any(|at| b[at] == b'%' && b.get(at + 1) == Some(&b'(') && matches_after(&fmt[at + 2..]));
    if found {
        Ok(())
    } else {
        Err(FormatError(format!("Invalid format '{fmt}' for '%' style")))
    }
}

/// Whether the rest of the pattern matches `s`, the text after `%(`.
fn matches_after(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = skip_word(s, 0);
    if i == 0 || b.get(i) != Some(&b')') {
        return false;
    }
    i = skip(s, i + 1, |c| matches!(c, '#' | '0' | '+' | ' ' | '-'));
    let number = |i: usize| {
        if b.get(i) == Some(&b'*') {
            i + 1
        } else {
            skip(s, i, char::is_numeric)
        }
    };
    i = number(i);
    if b.get(i) == Some(&b'.') {
        let j = number(i + 1);
        if j > i + 1 {
            i = j;
        }
    }
    // The conversions are ASCII: a byte of a longer character is none.
    b.get(i)
        .is_some_and(|c| b"diouxefgcrsa%".contains(&c.to_ascii_lowercase()))
}

fn err(text: impl Into<String>) -> FormatError {
    FormatError(text.into())
}

/// Python's index (in characters) of the byte offset `at` of `fmt`.
fn char_index(fmt: &str, at: usize) -> usize {
    fmt.get(..at).map_or(0, |s| s.chars().count())
}

/// Compiles the format as `str % mapping` would run it, left to right;
/// the first error Python would raise at format time is returned.
///
/// Works on bytes: every character the syntax looks at is ASCII, and
/// UTF-8 never puts an ASCII byte inside a longer character.
pub(crate) fn compile<'a>(
    fmt: &'a str,
    defaults: &'a [(String, String)],
) -> Result<Compiled<'a>, FormatError> {
    let b = fmt.as_bytes();
    let mut out = Compiled::for_len(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            let end = b[i..]
                .iter()
                .position(|&c| c == b'%')
                .map_or(b.len(), |k| i + k);
            out.literal(&fmt[i..end]);
            i = end;
            continue;
        }
        i += 1;
        if i >= b.len() {
            return Err(err("incomplete format"));
        }
        if b[i] == b'%' {
            out.literal("%");
            i += 1;
            continue;
        }
        let mut source = None;
        let key_start = i + 1;
        if b[i] == b'(' {
            let start = key_start;
            i = key_end(b, start).ok_or_else(|| err("incomplete format key"))?;
            let key = &fmt[start..i - 1];
            let found = lookup(key, defaults).ok_or_else(|| err(not_found(key)))?;
            // The usual `%(key)s`: `str(value)`, which fits every value.
            if b.get(i) == Some(&b's') {
                i += 1;
                match found {
                    Source::Attr(attr) => out.push(Segment::Plain(attr)),
                    Source::Field(name, default) => {
                        out.push(super::field_segment(name, default, FieldSpec::Plain))
                    }
                }
                if !out.valid {
                    out.valid = matches_after(&fmt[key_start..]);
                }
                continue;
            }
            source = Some(found);
        }
        let mut spec = PercentSpec {
            left: false,
            plus: false,
            space: false,
            alt: false,
            zero: false,
            width: 0,
            precision: None,
            conv: 's',
        };
        while let Some(&f) = b.get(i) {
            match f {
                b'-' => spec.left = true,
                b'+' => spec.plus = true,
                b' ' => spec.space = true,
                b'#' => spec.alt = true,
                b'0' => spec.zero = true,
                _ => break,
            }
            i += 1;
        }
        if b.get(i) == Some(&b'*') {
            return Err(star(source.as_ref(), fmt, i));
        }
        spec.width = digits(b, &mut i, "width too big")?;
        if b.get(i) == Some(&b'.') {
            i += 1;
            if b.get(i) == Some(&b'*') {
                return Err(star(source.as_ref(), fmt, i));
            }
            spec.precision = Some(digits(b, &mut i, "precision too big")?);
        }
        if matches!(b.get(i), Some(b'h' | b'l' | b'L')) {
            i += 1;
        }
        let conv = match b.get(i) {
            Some(&c) if c.is_ascii() => char::from(c),
            // Only to name it in the error below.
            Some(_) => fmt[i..].chars().next().unwrap_or('?'),
            None => return Err(err("incomplete format")),
        };
        if !matches!(
            conv,
            's' | 'r'
                | 'a'
                | 'd'
                | 'i'
                | 'u'
                | 'o'
                | 'x'
                | 'X'
                | 'e'
                | 'E'
                | 'f'
                | 'F'
                | 'g'
                | 'G'
                | 'c'
        ) {
            let shown = if (' '..='~').contains(&conv) {
                conv
            } else {
                '?'
            };
            return Err(err(format!(
                "unsupported format character '{shown}' (0x{:x}) at index {}",
                u32::from(conv),
                char_index(fmt, i)
            )));
        }
        let Some(source) = source else {
            return Err(keyless_or(true, fmt, i, ""));
        };
        spec.conv = conv;
        // Every accepted conversion is ASCII: one byte.
        i += 1;
        if spec.left {
            spec.zero = false;
        }
        match source {
            Source::Attr(attr) => {
                check(&spec, attr.kind(), None)?;
                if conv == 's' && spec.width == 0 && spec.precision.is_none() {
                    out.push(Segment::Plain(attr));
                } else {
                    out.push(Segment::Percent(attr, spec));
                }
            }
            Source::Field(name, default) => {
                // An extra field is formatted as its `str()`.
                check(&spec, Kind::Str, default)?;
                out.push(super::field_segment(
                    name,
                    default,
                    FieldSpec::Percent(spec),
                ));
            }
        }
        // This conversion starts with `%(`: where `validate` would look.
        if !out.valid {
            out.valid = matches_after(&fmt[key_start..]);
        }
    }
    Ok(out)
}

/// Just past the `)` closing a key that starts at `start`, counting nested
/// parentheses as Python does.
fn key_end(b: &[u8], start: usize) -> Option<usize> {
    let rest = b.get(start..)?;
    let first = rest.iter().position(|&c| c == b'(' || c == b')')?;
    if rest[first] == b')' {
        return Some(start + first + 1);
    }
    let mut depth = 1;
    for (k, &c) in rest.iter().enumerate() {
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return Some(start + k + 1);
        }
    }
    None
}

/// The error for a `*` width or precision at byte offset `at`. With a
/// mapping, `*` takes the field's value itself as the width: an int is
/// accepted and leaves nothing to convert.
fn star(source: Option<&Source>, fmt: &str, at: usize) -> FormatError {
    let python = match source {
        Some(Source::Attr(attr)) if attr.kind() == Kind::Int => {
            "not enough arguments for format string"
        }
        _ => "* wants int",
    };
    keyless_or(source.is_none(), fmt, at, python)
}

/// Our error for a conversion without `(key)`: Python would format the
/// whole record dict, which has no meaning here. `at` is a byte offset.
fn keyless_or(keyless: bool, fmt: &str, at: usize, python: &str) -> FormatError {
    if keyless {
        err(format!(
            "a '%' conversion without a (key) at index {} is not supported",
            char_index(fmt, at)
        ))
    } else {
        err(python)
    }
}

fn digits(b: &[u8], i: &mut usize, too_big: &str) -> Result<usize, FormatError> {
    let mut n: usize = 0;
    while let Some(d) = b.get(*i).filter(|d| d.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add(usize::from(d - b'0'));
        *i += 1;
    }
    if n > LIMIT {
        return Err(err(too_big));
    }
    Ok(n)
}

/// The `TypeError` Python raises when `conv` meets a value of `kind`.
fn check(spec: &PercentSpec, kind: Kind, text: Option<&str>) -> Result<(), FormatError> {
    let conv = spec.conv;
    let numeric = matches!(kind, Kind::Int | Kind::Float);
    match conv {
        'd' | 'i' | 'u' if !numeric => Err(err(format!(
            "%{conv} format: a real number is required, not {}",
            kind.name()
        ))),
        'o' | 'x' | 'X' if kind != Kind::Int => Err(err(format!(
            "%{conv} format: an integer is required, not {}",
            kind.name()
        ))),
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' if !numeric => {
            Err(err(format!("must be real number, not {}", kind.name())))
        }
        'c' => match (kind, text) {
            (Kind::Int, _) => Ok(()),
            (Kind::Str, Some(t)) if t.chars().count() == 1 => Ok(()),
            _ => Err(err("%c requires int or char")),
        },
        _ => Ok(()),
    }
}

/// Appends `value` converted by `spec`.
pub(crate) fn render(spec: &PercentSpec, value: &Value, out: &mut String) {
    let start = out.len();
    match spec.conv {
        's' | 'r' | 'a' => {
            match (spec.conv, value) {
                ('s', v) => push_str_value(v, out),
                (conv, Value::Str(s)) => number::push_str_repr(s, conv == 'a', out),
                (_, v) => push_str_value(v, out),
            }
            if let Some(p) = spec.precision {
                truncate_chars(out, start, p);
            }
            finish_text(spec, out, start);
        }
        'c' => {
            match value {
                Value::Int(n) => out.push(to_char(*n)),
                Value::Str(s) => out.push_str(s),
                _ => {}
            }
            finish_text(spec, out, start);
        }
        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
            let n = match value {
                Value::Int(n) => *n,
                // Python's int(x): truncation toward zero.
                Value::Float(x) => *x as i128,
                _ => 0,
            };
            let (base, upper) = match spec.conv {
                'o' => (8, false),
                'x' => (16, false),
                'X' => (16, true),
                _ => (10, false),
            };
            if n < 0 {
                out.push('-');
            }
            if spec.alt && base != 10 {
                out.push_str(match spec.conv {
                    'o' => "0o",
                    'x' => "0x",
                    _ => "0X",
                });
            }
            let mut buf = [0u8; 130];
            let digits = number::int_digits(n, base, upper, &mut buf);
            if let Some(p) = spec.precision {
                push_fill(out, '0', p.saturating_sub(digits.len()));
            }
            out.push_str(digits);
            finish_number(spec, out, start);
        }
        conv => {
            let x = match value {
                Value::Int(n) => *n as f64,
                Value::Float(x) => *x,
                _ => 0.0,
            };
            let code = match conv.to_ascii_lowercase() {
                'e' => FloatCode::E,
                'f' => FloatCode::F,
                _ => FloatCode::G,
            };
            let mut style = FloatStyle::new(code, spec.precision.unwrap_or(6));
            style.upper = conv.is_ascii_uppercase();
            style.alt = spec.alt;
            number::push_float(x, style, out);
            let finite = x.is_finite();
            let mut spec = *spec;
            spec.zero &= finite;
            finish_number(&spec, out, start);
        }
    }
}

fn to_char(n: i128) -> char {
    u32::try_from(n)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

fn finish_text(spec: &PercentSpec, out: &mut String, start: usize) {
    let align = if spec.left { Align::Left } else { Align::Right };
    pad(out, start, spec.width, ' ', align);
}

/// CPython's `unicode_format_arg_output` for numbers: sign flags, then
/// zero padding after the sign and `0x` prefix, or space padding.
fn finish_number(spec: &PercentSpec, out: &mut String, start: usize) {
    let first = out[start..].chars().next();
    let mut after_sign = start;
    if matches!(first, Some('-' | '+')) {
        after_sign += 1;
    } else if spec.plus {
        out.insert(start, '+');
        after_sign += 1;
    } else if spec.space {
        out.insert(start, ' ');
        after_sign += 1;
    }
    let len = chars_since(out, start);
    if len >= spec.width {
        return;
    }
    let missing = spec.width - len;
    if spec.left {
        push_fill(out, ' ', missing);
    } else if spec.zero {
        let prefixed = spec.alt && matches!(spec.conv, 'o' | 'x' | 'X');
        let at = after_sign + if prefixed { 2 } else { 0 };
        insert_fill(out, at, '0', missing);
    } else {
        insert_fill(out, start, ' ', missing);
    }
}
