//! Python's format-spec mini-language (`format(value, spec)`) for the
//! types a record holds: str, int, float, None and the empty tuple.

use super::fields::{Kind, Value};
use super::number::{self, FloatCode, FloatStyle};
use super::pad::{chars_since, insert_fill, pad, push_fill, truncate_chars, Align};
use super::{FormatError, LIMIT};

fn err(text: impl Into<String>) -> FormatError {
    FormatError(text.into())
}

/// A parsed and type-checked format spec.
#[derive(Clone, Debug)]
pub(crate) struct Spec {
    empty: bool,
    fill: char,
    align: char,
    sign: Option<char>,
    no_neg_0: bool,
    alt: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

fn show_code(c: char) -> String {
    let code = u32::from(c);
    if code > 32 && code < 128 {
        c.to_string()
    } else {
        format!("\\x{code:x}")
    }
}

/// The decimal number at byte offset `*i` of `b`, if any.
fn number(b: &[u8], i: &mut usize) -> Result<Option<usize>, FormatError> {
    let start = *i;
    let mut n: usize = 0;
    while let Some(d) = b.get(*i).filter(|d| d.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add(usize::from(d - b'0'));
        *i += 1;
    }
    if *i == start {
        return Ok(None);
    }
    if n > LIMIT {
        return Err(err("Too many decimal digits in format string"));
    }
    Ok(Some(n))
}

impl Spec {
    /// CPython's `parse_internal_render_format_spec` plus the checks of the
    /// type's `__format__`, for a value of `kind`.
    pub(crate) fn parse(spec: &str, kind: Kind) -> Result<Spec, FormatError> {
        let (default_type, default_align) = match kind {
            Kind::Str => (Some('s'), '<'),
            Kind::Int => (Some('d'), '>'),
            Kind::Float => (None, '>'),
            Kind::None | Kind::Tuple => {
                if spec.is_empty() {
                    return Ok(Spec::plain(default_align_of(kind)));
                }
                return Err(err(format!(
                    "unsupported format string passed to {}.__format__",
                    kind.name()
                )));
            }
        };
        if spec.is_empty() {
            // The usual case, and one that never fails.
            let mut s = Spec::plain(default_align);
            s.ty = default_type;
            return Ok(s);
        }
        // By byte offset after the fill: the rest of the syntax is ASCII.
        let b = spec.as_bytes();
        let is_align = |c: char| "<>=^".contains(c);
        let mut s = Spec::plain(default_align);
        s.empty = spec.is_empty();
        s.ty = default_type;
        let mut i = 0;
        let mut fill_given = false;
        let mut align_given = false;
        let mut chars = spec.chars();
        let (first, second) = (chars.next(), chars.next());
        match (first, second) {
            (Some(fill), Some(align)) if is_align(align) => {
                s.fill = fill;
                s.align = align;
                fill_given = true;
                align_given = true;
                i = fill.len_utf8() + 1;
            }
            (Some(align), _) if is_align(align) => {
                s.align = align;
                align_given = true;
                i = 1;
            }
            _ => {}
        }
        if let Some(&sign) = b.get(i).filter(|c| b"+- ".contains(c)) {
            s.sign = Some(char::from(sign));
            i += 1;
        }
        if b.get(i) == Some(&b'z') {
            s.no_neg_0 = true;
            i += 1;
        }
        if b.get(i) == Some(&b'#') {
            s.alt = true;
            i += 1;
        }
        if !fill_given && b.get(i) == Some(&b'0') {
            s.fill = '0';
            if !align_given && default_align == '>' {
                s.align = '=';
            }
            i += 1;
        }
        s.width = number(b, &mut i)?.unwrap_or(0);
        if b.get(i) == Some(&b',') {
            s.grouping = Some(',');
            i += 1;
        }
        if b.get(i) == Some(&b'_') {
            if s.grouping.is_some() {
                return Err(err("Cannot specify both ',' and '_'."));
            }
            s.grouping = Some('_');
            i += 1;
        }
        if b.get(i) == Some(&b',') && s.grouping == Some('_') {
            return Err(err("Cannot specify both ',' and '_'."));
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            match number(b, &mut i)? {
                Some(p) => s.precision = Some(p),
                None => return Err(err("Format specifier missing precision")),
            }
        }
        // At most one character (the type) may be left.
        let mut rest = spec[i..].chars();
        let ty = rest.next();
        if rest.next().is_some() {
            return Err(err(format!(
                "Invalid format specifier '{spec}' for object of type '{}'",
                kind.name()
            )));
        }
        if let Some(t) = ty {
            s.ty = Some(t);
        }
        if let Some(sep) = s.grouping {
            let ok = match s.ty {
                None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => true,
                Some('b' | 'o' | 'x' | 'X') => sep == '_',
                _ => false,
            };
            if !ok {
                let ty = s.ty.map_or(String::new(), show_code);
                return Err(err(format!("Cannot specify '{sep}' with '{ty}'.")));
            }
        }
        s.check(kind)?;
        Ok(s)
    }

    fn plain(align: char) -> Spec {
        Spec {
            empty: true,
            fill: ' ',
            align,
            sign: None,
            no_neg_0: false,
            alt: false,
            width: 0,
            grouping: None,
            precision: None,
            ty: None,
        }
    }

    fn unknown(&self, kind: Kind) -> FormatError {
        let ty = self.ty.map_or(String::new(), show_code);
        err(format!(
            "Unknown format code '{ty}' for object of type '{}'",
            kind.name()
        ))
    }

    fn check(&self, kind: Kind) -> Result<(), FormatError> {
        match kind {
            Kind::Str => {
                if self.ty != Some('s') {
                    return Err(self.unknown(kind));
                }
                match self.sign {
                    Some(' ') => return Err(err("Space not allowed in string format specifier")),
                    Some(_) => return Err(err("Sign not allowed in string format specifier")),
                    None => {}
                }
                if self.no_neg_0 {
                    return Err(err(
                        "Negative zero coercion (z) not allowed in string format specifier",
                    ));
                }
                if self.alt {
                    return Err(err(
                        "Alternate form (#) not allowed in string format specifier",
                    ));
                }
                if self.align == '=' {
                    return Err(err("'=' alignment not allowed in string format specifier"));
                }
                Ok(())
            }
            Kind::Int => match self.ty {
                Some('b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n') => {
                    if self.precision.is_some() {
                        return Err(err("Precision not allowed in integer format specifier"));
                    }
                    if self.no_neg_0 {
                        return Err(err(
                            "Negative zero coercion (z) not allowed in integer format specifier",
                        ));
                    }
                    if self.ty == Some('c') && self.sign.is_some() {
                        return Err(err("Sign not allowed with integer format specifier 'c'"));
                    }
                    if self.ty == Some('c') && self.alt {
                        return Err(err(
                            "Alternate form (#) not allowed with integer format specifier 'c'",
                        ));
                    }
                    Ok(())
                }
                Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => Ok(()),
                _ => Err(self.unknown(kind)),
            },
            Kind::Float => match self.ty {
                None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => Ok(()),
                _ => Err(self.unknown(kind)),
            },
            Kind::None | Kind::Tuple => Ok(()),
        }
    }

    /// Appends `format(value, spec)`; `start` is where the field begins.
    pub(crate) fn render(&self, value: &Value, out: &mut String, start: usize) {
        match value {
            Value::Str(s) => {
                out.push_str(s);
                self.render_text_in_place(out, start);
            }
            Value::Int(n) => match self.ty {
                Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => self.float(*n as f64, out),
                _ => self.int(*n, out),
            },
            Value::Float(x) => self.float(*x, out),
            Value::None | Value::Tuple => super::push_str_value(value, out),
        }
    }

    /// Applies a str spec to the text at `out[start..]`.
    pub(crate) fn render_text_in_place(&self, out: &mut String, start: usize) {
        if self.empty {
            return;
        }
        if let Some(p) = self.precision {
            truncate_chars(out, start, p);
        }
        let align = match self.align {
            '>' => Align::Right,
            '^' => Align::Center,
            _ => Align::Left,
        };
        pad(out, start, self.width, self.fill, align);
    }

    fn int(&self, n: i128, out: &mut String) {
        let mut buf = [0u8; 130];
        let (base, upper) = match self.ty {
            Some('b') => (2, false),
            Some('o') => (8, false),
            Some('x') => (16, false),
            Some('X') => (16, true),
            _ => (10, false),
        };
        if self.ty == Some('c') {
            let ch = u32::try_from(n)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or(char::REPLACEMENT_CHARACTER);
            let mut tmp = [0u8; 4];
            let remainder: &str = ch.encode_utf8(&mut tmp);
            self.layout(false, "", "", false, remainder, out);
            return;
        }
        let prefix = match (self.alt, self.ty) {
            (true, Some('b')) => "0b",
            (true, Some('o')) => "0o",
            (true, Some('x')) => "0x",
            (true, Some('X')) => "0X",
            _ => "",
        };
        let digits = number::int_digits(n, base, upper, &mut buf);
        self.layout(n < 0, prefix, digits, false, "", out);
    }

    fn float(&self, x: f64, out: &mut String) {
        let (code, precision, add_dot_0, percent) = match self.ty {
            None => match self.precision {
                None => (FloatCode::R, 0, true, false),
                Some(p) => (FloatCode::G, p, true, false),
            },
            Some('e' | 'E') => (FloatCode::E, self.precision.unwrap_or(6), false, false),
            Some('f' | 'F') => (FloatCode::F, self.precision.unwrap_or(6), false, false),
            Some('%') => (FloatCode::F, self.precision.unwrap_or(6), false, true),
            _ => (FloatCode::G, self.precision.unwrap_or(6), false, false),
        };
        let x = if percent { x * 100.0 } else { x };
        let mut style = FloatStyle::new(code, precision);
        style.upper = matches!(self.ty, Some('E' | 'F' | 'G'));
        style.alt = self.alt;
        style.add_dot_0 = add_dot_0;
        style.no_neg_0 = self.no_neg_0;
        number::with_scratch(|text| {
            number::push_float(x, style, text);
            if percent {
                text.push('%');
            }
            let (negative, body) = match text.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, text.as_str()),
            };
            let digits_end = body
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(body.len());
            let (digits, rest) = body.split_at(digits_end);
            let (decimal, remainder) = match rest.strip_prefix('.') {
                Some(r) => (true, r),
                None => (false, rest),
            };
            self.layout(negative, "", digits, decimal, remainder, out);
        });
    }

    /// CPython's `calc_number_widths` + `fill_number`.
    fn layout(
        &self,
        negative: bool,
        prefix: &str,
        digits: &str,
        decimal: bool,
        remainder: &str,
        out: &mut String,
    ) {
        let sign = match (self.sign, negative) {
            (_, true) => Some('-'),
            (Some('+'), false) => Some('+'),
            (Some(' '), false) => Some(' '),
            _ => None,
        };
        let width = self.width as i64;
        let non_digit = i64::from(sign.is_some())
            + prefix.len() as i64
            + i64::from(decimal)
            + remainder.chars().count() as i64;
        let min_width = if self.fill == '0' && self.align == '=' {
            width - non_digit
        } else {
            0
        };
        let group = match (self.grouping, self.ty) {
            (Some('_'), Some('b' | 'o' | 'x' | 'X')) => 4,
            _ => 3,
        };
        // Written in place, then padded: no scratch string per record.
        let start = out.len();
        if let Some(sign) = sign {
            out.push(sign);
        }
        out.push_str(prefix);
        let middle_at = out.len();
        if !digits.is_empty() {
            number::push_grouped(digits, self.grouping, group, min_width, out);
        }
        if decimal {
            out.push('.');
        }
        out.push_str(remainder);
        let padding = self.width.saturating_sub(chars_since(out, start));
        let (left, middle, right) = match self.align {
            '<' => (0, 0, padding),
            '^' => (padding / 2, 0, padding - padding / 2),
            '=' => (0, padding, 0),
            _ => (padding, 0, 0),
        };
        insert_fill(out, middle_at, self.fill, middle);
        insert_fill(out, start, self.fill, left);
        push_fill(out, self.fill, right);
    }
}

fn default_align_of(kind: Kind) -> char {
    if kind == Kind::Str {
        '<'
    } else {
        '>'
    }
}
