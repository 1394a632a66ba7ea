//! The `'{'` style: Python's `fmt.format(**record.__dict__)`.

use super::fields::{lookup, not_found, Kind, Source, Value};
use super::scan::{skip, skip_word, ByteSet};
use super::spec::Spec;
use super::FieldSpec;
use super::{Compiled, FormatError, Segment};

fn err(text: impl Into<String>) -> FormatError {
    FormatError(text.into())
}

/// One step of CPython's `MarkupIterator`: literal text, then maybe a field.
struct Markup<'a> {
    literal: &'a str,
    field: Option<Field<'a>>,
}

struct Field<'a> {
    name: &'a str,
    /// Where the name's first part ends: its first `.` or `[`, or its end.
    first_end: usize,
    conversion: Option<char>,
    spec: &'a str,
    nested: bool,
}

/// The characters that end literal text.
static BRACES: ByteSet = ByteSet::new(b"{}", false);

/// The characters a field name's scan stops at.
static NAME_END: ByteSet = ByteSet::new(b"{[}:!.", false);

/// Iterates a format string as `_string.formatter_parser` does, by byte
/// offset (every character the syntax looks at is ASCII).
struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn new(fmt: &'a str) -> Parser<'a> {
        Parser { s: fmt, i: 0 }
    }

    #[inline]
    fn next(&mut self) -> Option<Result<Markup<'a>, FormatError>> {
        if self.i >= self.s.len() {
            return None;
        }
        Some(self.step())
    }

    fn step(&mut self) -> Result<Markup<'a>, FormatError> {
        let b = self.s.as_bytes();
        let start = self.i;
        let (ch, markup) = match BRACES.find(b, start, true) {
            Some(at) => {
                self.i = at + 1;
                (b[at], true)
            }
            None => {
                self.i = b.len();
                (0, false)
            }
        };
        let at_end = self.i >= b.len();
        let mut len = self.i - start;
        if ch == b'}' && markup && (at_end || b[self.i] != b'}') {
            return Err(err("Single '}' encountered in format string"));
        }
        if at_end && ch == b'{' && markup {
            return Err(err("Single '{' encountered in format string"));
        }
        let mut markup = markup;
        if !at_end && markup {
            if b[self.i] == ch {
                self.i += 1;
                markup = false;
            } else {
                len -= 1;
            }
        }
        let literal = &self.s[start..start + len];
        let field = if markup { Some(self.field()?) } else { None };
        Ok(Markup { literal, field })
    }

    /// CPython's `parse_field`, just after the opening brace.
    fn field(&mut self) -> Result<Field<'a>, FormatError> {
        let s = self.s;
        let b = s.as_bytes();
        let name_start = self.i;
        let mut ch = 0;
        let mut stopped = false;
        let mut first_end = None;
        while self.i < b.len() {
            let Some(at) = NAME_END.find(b, self.i, true) else {
                ch = b[b.len() - 1];
                self.i = b.len();
                break;
            };
            ch = b[at];
            self.i = at + 1;
            match ch {
                b'{' => return Err(err("unexpected '{' in field name")),
                b'.' => {
                    first_end.get_or_insert(at - name_start);
                }
                b'[' => {
                    first_end.get_or_insert(at - name_start);
                    self.i = b[self.i..]
                        .iter()
                        .position(|&c| c == b']')
                        .map_or(b.len(), |k| self.i + k);
                }
                _ => {
                    stopped = true;
                    break;
                }
            }
        }
        let name_end = if stopped { self.i - 1 } else { self.i };
        let name = &s[name_start..name_end];
        let mut field = Field {
            name,
            first_end: first_end.unwrap_or(name.len()).min(name.len()),
            conversion: None,
            spec: "",
            nested: false,
        };
        if stopped && (ch == b'!' || ch == b':') {
            if ch == b'!' {
                let Some(conv) = s[self.i..].chars().next() else {
                    return Err(err("end of string while looking for conversion specifier"));
                };
                self.i += conv.len_utf8();
                field.conversion = Some(conv);
                if let Some(&next) = b.get(self.i) {
                    self.i += 1;
                    if next == b'}' {
                        return Ok(field);
                    }
                    if next != b':' {
                        return Err(err("expected ':' after conversion specifier"));
                    }
                }
            }
            let spec_start = self.i;
            let mut depth = 1;
            while self.i < b.len() {
                let ch = b[self.i];
                self.i += 1;
                match ch {
                    b'{' => {
                        field.nested = true;
                        depth += 1;
                    }
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            field.spec = &s[spec_start..self.i - 1];
                            return Ok(field);
                        }
                    }
                    _ => {}
                }
            }
            return Err(err("unmatched '{' in format spec"));
        }
        if !(stopped && ch == b'}') {
            return Err(err("expected '}' before end of string"));
        }
        Ok(field)
    }
}

/// Python's `re.match(...)` `$`: the end, or just before a final newline.
fn strip_final_newline(s: &str) -> &str {
    s.strip_suffix('\n').unwrap_or(s)
}

/// `^(\d+|\w+)(\.\w+|\[[^]]+\])*$`.
fn field_name_ok(name: &str) -> bool {
    [name, strip_final_newline(name)].iter().any(|s| {
        let b = s.as_bytes();
        let mut i = skip_word(s, 0);
        if i == 0 {
            return false;
        }
        while i < b.len() {
            match b[i] {
                b'.' => {
                    let start = i + 1;
                    i = skip_word(s, start);
                    if i == start {
                        return false;
                    }
                }
                b'[' => {
                    let start = i + 1;
                    match b[start..].iter().position(|&c| c == b']') {
                        Some(0) | None => return false,
                        Some(k) => i = start + k + 1,
                    }
                }
                _ => return false,
            }
        }
        true
    })
}

/// `^(.?[<>=^])?[+ -]?#?0?(\d+|{\w+})?[,_]?(\.(\d+|{\w+}))?[bcdefgnosx%]?$`
/// with `re.I`.
fn spec_ok(spec: &str) -> bool {
    let is_align = |c: char| "<>=^".contains(c);
    let mut chars = spec.chars();
    let first = chars.next();
    let second = chars.next();
    let mut starts = [Some(0), None, None];
    if first.is_some_and(is_align) {
        starts[1] = Some(1);
    }
    if let (Some(first), Some(second)) = (first, second) {
        if first != '\n' && is_align(second) {
            starts[2] = Some(first.len_utf8() + 1);
        }
    }
    starts.into_iter().flatten().any(|s| {
        let rest = &spec[s..];
        rest_ok(rest) || rest_ok(strip_final_newline(rest))
    })
}

fn rest_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied();
    let mut i = 0;
    if at(i).is_some_and(|c| b"+ -".contains(&c)) {
        i += 1;
    }
    if at(i) == Some(b'#') {
        i += 1;
    }
    if at(i) == Some(b'0') {
        i += 1;
    }
    let number = |i: &mut usize| -> bool {
        if at(*i) == Some(b'{') {
            let j = skip_word(s, *i + 1);
            if j > *i + 1 && at(j) == Some(b'}') {
                *i = j + 1;
                return true;
            }
            return false;
        }
        let start = *i;
        *i = skip(s, start, char::is_numeric);
        *i > start
    };
    number(&mut i);
    if at(i).is_some_and(|c| c == b',' || c == b'_') {
        i += 1;
    }
    if at(i) == Some(b'.') {
        let mut j = i + 1;
        if number(&mut j) {
            i = j;
        }
    }
    // The type codes are ASCII: a byte of a longer character is none.
    if at(i).is_some_and(|c| b"bcdefgnosx%".contains(&c.to_ascii_lowercase())) {
        i += 1;
    }
    i == b.len()
}

/// `logging.StrFormatStyle.validate`.
pub(crate) fn validate(fmt: &str) -> Result<(), FormatError> {
    let wrap = |e: FormatError| err(format!("invalid format: {}", e.0));
    let mut parser = Parser::new(fmt);
    let mut fields = 0;
    while let Some(markup) = parser.next() {
        let Some(field) = markup.map_err(wrap)?.field else {
            continue;
        };
        if !field.name.is_empty() {
            if !field_name_ok(field.name) {
                let mut text = String::from("invalid field name/expression: ");
                super::number::push_str_repr(field.name, false, &mut text);
                return Err(wrap(err(text)));
            }
            fields += 1;
        }
        if let Some(conv) = field.conversion {
            if !"rsa".contains(conv) {
                let mut text = String::from("invalid conversion: ");
                super::number::push_str_repr(&conv.to_string(), false, &mut text);
                return Err(wrap(err(text)));
            }
        }
        if !field.spec.is_empty() && !spec_ok(field.spec) {
            let mut text = String::from("bad specifier: ");
            super::number::push_str_repr(field.spec, false, &mut text);
            return Err(wrap(err(text)));
        }
    }
    if fields == 0 {
        return Err(err("invalid format: no fields"));
    }
    Ok(())
}

/// The field's value holder: an attribute, or a constant default.
fn resolve<'d>(
    field: &Field<'d>,
    defaults: &'d [(String, String)],
) -> Result<Source<'d>, FormatError> {
    // CPython's field_name_split: the first part ends at '.' or '['.
    let name = field.name;
    let first_end = field.first_end;
    let first = &name[..first_end];
    if first.is_empty() {
        return Err(err(
            "Replacement index 0 out of range for positional args tuple",
        ));
    }
    if first.as_bytes()[0].is_ascii_digit() && first.bytes().all(|b| b.is_ascii_digit()) {
        let index: Option<usize> = first.parse().ok();
        return Err(match index {
            Some(n) => err(format!(
                "Replacement index {n} out of range for positional args tuple"
            )),
            None => err("Too many decimal digits in format string"),
        });
    }
    let source = lookup(first, defaults).ok_or_else(|| err(not_found(first)))?;
    if first_end < name.len() {
        let mut text =
            String::from("attribute and index lookups are not supported in a format field: ");
        super::number::push_str_repr(name, false, &mut text);
        return Err(err(text));
    }
    Ok(source)
}

/// A compiled `{name!conv:spec}`.
#[derive(Clone, Debug)]
pub(crate) struct BraceSpec {
    conversion: Option<char>,
    spec: Spec,
}

/// Compiles the format as `str.format` would run it, left to right.
pub(crate) fn compile<'a>(
    fmt: &'a str,
    defaults: &'a [(String, String)],
) -> Result<Compiled<'a>, FormatError> {
    let mut out = Compiled::for_len(fmt.len());
    // Whether every field so far passes `validate`'s checks; the parse
    // errors and bad conversions it reports fail this compile as well.
    let mut checks_pass = true;
    let mut parser = Parser::new(fmt);
    while let Some(markup) = parser.next() {
        let markup = markup?;
        out.literal(markup.literal);
        let Some(field) = markup.field else {
            continue;
        };
        let source = resolve(&field, defaults)?;
        // A record attribute's name is an identifier, so it passes.
        checks_pass &= matches!(source, Source::Attr(_)) || field_name_ok(field.name);
        checks_pass &= field.spec.is_empty() || spec_ok(field.spec);
        if let Some(conv) = field.conversion {
            if !"rsa".contains(conv) {
                let code = u32::from(conv);
                return Err(err(if code > 32 && code < 127 {
                    format!("Unknown conversion specifier {conv}")
                } else {
                    format!("Unknown conversion specifier \\x{code:x}")
                }));
            }
        }
        if field.nested {
            return Err(err(
                "nested replacement fields in a format spec are not supported",
            ));
        }
        if field.conversion.is_none() && field.spec.is_empty() {
            // `str(value)`: an empty spec fits every value.
            match source {
                Source::Attr(attr) => out.push(Segment::Plain(attr)),
                Source::Field(name, default) => {
                    out.push(super::field_segment(name, default, FieldSpec::Plain))
                }
            }
            out.valid = checks_pass;
            continue;
        }
        let kind = match (&source, field.conversion) {
            (_, Some(_)) | (Source::Field(..), None) => Kind::Str,
            (Source::Attr(attr), None) => attr.kind(),
        };
        let spec = Spec::parse(field.spec, kind)?;
        let compiled = BraceSpec {
            conversion: field.conversion,
            spec,
        };
        match source {
            Source::Attr(attr) => out.push(Segment::Brace(attr, Box::new(compiled))),
            Source::Field(name, default) => out.push(super::field_segment(
                name,
                default,
                FieldSpec::Brace(Box::new(compiled)),
            )),
        }
        // A field compiled: there is one with a name, as `validate` needs.
        out.valid = checks_pass;
    }
    Ok(out)
}

/// Appends `format(conversion(value), spec)`.
pub(crate) fn render(field: &BraceSpec, value: &Value, out: &mut String) {
    let start = out.len();
    match (field.conversion, value) {
        (None, value) => field.spec.render(value, out, start),
        (Some('s'), value) => {
            super::push_str_value(value, out);
            field.spec.render_text_in_place(out, start);
        }
        (Some(conv), Value::Str(s)) => {
            super::number::push_str_repr(s, conv == 'a', out);
            field.spec.render_text_in_place(out, start);
        }
        (Some(_), value) => {
            super::push_str_value(value, out);
            field.spec.render_text_in_place(out, start);
        }
    }
}
