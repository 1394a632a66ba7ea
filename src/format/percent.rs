//! The `'%'` style: Python's printf-style `fmt % record.__dict__`.

use super::fields::{lookup, not_found, Kind, Source, Value};
use super::number::{self, FloatCode, FloatStyle};
use super::pad::{chars_since, insert_fill, pad, push_fill, truncate_chars, Align};
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
    let chars: Vec<char> = fmt.chars().collect();
    let found = (0..chars.len()).any(|i| matches_at(&chars, i));
    if found {
        Ok(())
    } else {
        Err(FormatError(format!("Invalid format '{fmt}' for '%' style")))
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn matches_at(c: &[char], mut i: usize) -> bool {
    let at = |i: usize| c.get(i).copied();
    if at(i) != Some('%') || at(i + 1) != Some('(') {
        return false;
    }
    i += 2;
    let key_start = i;
    while at(i).is_some_and(is_word) {
        i += 1;
    }
    if i == key_start || at(i) != Some(')') {
        return false;
    }
    i += 1;
    while at(i).is_some_and(|c| "#0+ -".contains(c)) {
        i += 1;
    }
    let number = |i: &mut usize| {
        if at(*i) == Some('*') {
            *i += 1;
        } else {
            while at(*i).is_some_and(char::is_numeric) {
                *i += 1;
            }
        }
    };
    number(&mut i);
    if at(i) == Some('.') {
        let mut j = i + 1;
        let before = j;
        number(&mut j);
        if j > before {
            i = j;
        }
    }
    at(i).is_some_and(|c| "diouxefgcrsa%".contains(c.to_ascii_lowercase()))
}

fn err(text: impl Into<String>) -> FormatError {
    FormatError(text.into())
}

/// Compiles the format as `str % mapping` would run it, left to right;
/// the first error Python would raise at format time is returned.
pub(crate) fn compile(fmt: &str, defaults: &[(String, String)]) -> Result<Compiled, FormatError> {
    let c: Vec<char> = fmt.chars().collect();
    let mut out = Compiled::default();
    let mut i = 0;
    while i < c.len() {
        if c[i] != '%' {
            out.literal_char(c[i]);
            i += 1;
            continue;
        }
        i += 1;
        if i >= c.len() {
            return Err(err("incomplete format"));
        }
        if c[i] == '%' {
            out.literal_char('%');
            i += 1;
            continue;
        }
        let mut source = None;
        if c[i] == '(' {
            i += 1;
            let start = i;
            let mut depth = 1;
            while i < c.len() && depth > 0 {
                match c[i] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                i += 1;
            }
            if depth > 0 {
                return Err(err("incomplete format key"));
            }
            let key: String = c[start..i - 1].iter().collect();
            source = Some(lookup(&key, defaults).ok_or_else(|| err(not_found(&key)))?);
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
        while let Some(&f) = c.get(i) {
            match f {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '#' => spec.alt = true,
                '0' => spec.zero = true,
                _ => break,
            }
            i += 1;
        }
        // With a mapping, `*` takes the field's value itself as the width:
        // an int is accepted and leaves nothing to convert.
        let star = match &source {
            Some(Source::Attr(attr)) if attr.kind() == Kind::Int => {
                "not enough arguments for format string"
            }
            _ => "* wants int",
        };
        if c.get(i) == Some(&'*') {
            return Err(keyless_or(source.is_none(), i, star));
        }
        spec.width = digits(&c, &mut i, "width too big")?;
        if c.get(i) == Some(&'.') {
            i += 1;
            if c.get(i) == Some(&'*') {
                return Err(keyless_or(source.is_none(), i, star));
            }
            spec.precision = Some(digits(&c, &mut i, "precision too big")?);
        }
        if matches!(c.get(i), Some('h' | 'l' | 'L')) {
            i += 1;
        }
        let Some(&conv) = c.get(i) else {
            return Err(err("incomplete format"));
        };
        if !"sradiuoxXeEfFgGc".contains(conv) {
            let shown = if (' '..='~').contains(&conv) {
                conv
            } else {
                '?'
            };
            return Err(err(format!(
                "unsupported format character '{shown}' (0x{:x}) at index {i}",
                u32::from(conv)
            )));
        }
        let Some(source) = source else {
            return Err(keyless_or(true, i, ""));
        };
        spec.conv = conv;
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
            Source::Default(text) => {
                check(&spec, Kind::Str, Some(text))?;
                let mut rendered = String::new();
                render(&spec, &Value::Str(text.into()), &mut rendered);
                out.literal(&rendered);
            }
        }
    }
    Ok(out)
}

/// Our error for a conversion without `(key)`: Python would format the
/// whole record dict, which has no meaning here.
fn keyless_or(keyless: bool, index: usize, python: &str) -> FormatError {
    if keyless {
        err(format!(
            "a '%' conversion without a (key) at index {index} is not supported"
        ))
    } else {
        err(python)
    }
}

fn digits(c: &[char], i: &mut usize, too_big: &str) -> Result<usize, FormatError> {
    let mut n: usize = 0;
    while let Some(d) = c.get(*i).and_then(|c| c.to_digit(10)) {
        n = n.saturating_mul(10).saturating_add(d as usize);
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
