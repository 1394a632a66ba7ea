//! The `'{'` style: Python's `fmt.format(**record.__dict__)`.

use super::fields::{lookup, not_found, Kind, Source, Value};
use super::spec::Spec;
use super::{Compiled, FormatError, Segment};

fn err(text: impl Into<String>) -> FormatError {
    FormatError(text.into())
}

/// One step of CPython's `MarkupIterator`: literal text, then maybe a field.
struct Markup {
    literal: String,
    field: Option<Field>,
}

struct Field {
    name: String,
    conversion: Option<char>,
    spec: String,
    nested: bool,
}

/// Iterates a format string as `_string.formatter_parser` does.
struct Parser {
    c: Vec<char>,
    i: usize,
}

impl Parser {
    fn new(fmt: &str) -> Parser {
        Parser {
            c: fmt.chars().collect(),
            i: 0,
        }
    }

    fn next(&mut self) -> Option<Result<Markup, FormatError>> {
        if self.i >= self.c.len() {
            return None;
        }
        Some(self.step())
    }

    fn step(&mut self) -> Result<Markup, FormatError> {
        let start = self.i;
        let mut ch = '\0';
        let mut markup = false;
        while self.i < self.c.len() {
            ch = self.c[self.i];
            self.i += 1;
            if ch == '{' || ch == '}' {
                markup = true;
                break;
            }
        }
        let at_end = self.i >= self.c.len();
        let mut len = self.i - start;
        if ch == '}' && markup && (at_end || self.c[self.i] != '}') {
            return Err(err("Single '}' encountered in format string"));
        }
        if at_end && ch == '{' && markup {
            return Err(err("Single '{' encountered in format string"));
        }
        if !at_end && markup {
            if self.c[self.i] == ch {
                self.i += 1;
                markup = false;
            } else {
                len -= 1;
            }
        }
        let literal = self.c[start..start + len].iter().collect();
        let field = if markup { Some(self.field()?) } else { None };
        Ok(Markup { literal, field })
    }

    /// CPython's `parse_field`, just after the opening brace.
    fn field(&mut self) -> Result<Field, FormatError> {
        let c = &self.c;
        let name_start = self.i;
        let mut ch = '\0';
        let mut stopped = false;
        while self.i < c.len() {
            ch = c[self.i];
            self.i += 1;
            match ch {
                '{' => return Err(err("unexpected '{' in field name")),
                '[' => {
                    while self.i < c.len() && c[self.i] != ']' {
                        self.i += 1;
                    }
                }
                '}' | ':' | '!' => {
                    stopped = true;
                    break;
                }
                _ => {}
            }
        }
        let name_end = if stopped { self.i - 1 } else { self.i };
        let name: String = c[name_start..name_end].iter().collect();
        let mut field = Field {
            name,
            conversion: None,
            spec: String::new(),
            nested: false,
        };
        if stopped && (ch == '!' || ch == ':') {
            if ch == '!' {
                let Some(&conv) = c.get(self.i) else {
                    return Err(err("end of string while looking for conversion specifier"));
                };
                self.i += 1;
                field.conversion = Some(conv);
                if let Some(&next) = c.get(self.i) {
                    self.i += 1;
                    if next == '}' {
                        return Ok(field);
                    }
                    if next != ':' {
                        return Err(err("expected ':' after conversion specifier"));
                    }
                }
            }
            let spec_start = self.i;
            let mut depth = 1;
            while self.i < c.len() {
                let ch = c[self.i];
                self.i += 1;
                match ch {
                    '{' => {
                        field.nested = true;
                        depth += 1;
                    }
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            field.spec = c[spec_start..self.i - 1].iter().collect();
                            return Ok(field);
                        }
                    }
                    _ => {}
                }
            }
            return Err(err("unmatched '{' in format spec"));
        }
        if !(stopped && ch == '}') {
            return Err(err("expected '}' before end of string"));
        }
        Ok(field)
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Python's `re.match(...)` `$`: the end, or just before a final newline.
fn strip_final_newline(s: &[char]) -> &[char] {
    s.strip_suffix(&['\n']).unwrap_or(s)
}

/// `^(\d+|\w+)(\.\w+|\[[^]]+\])*$`.
fn field_name_ok(name: &str) -> bool {
    let c: Vec<char> = name.chars().collect();
    let alternatives = [c.as_slice(), strip_final_newline(&c)];
    alternatives.iter().any(|c| {
        let mut i = 0;
        while i < c.len() && is_word(c[i]) {
            i += 1;
        }
        if i == 0 {
            return false;
        }
        while i < c.len() {
            match c[i] {
                '.' => {
                    let start = i + 1;
                    i = start;
                    while i < c.len() && is_word(c[i]) {
                        i += 1;
                    }
                    if i == start {
                        return false;
                    }
                }
                '[' => {
                    let start = i + 1;
                    i = start;
                    while i < c.len() && c[i] != ']' {
                        i += 1;
                    }
                    if i == start || i >= c.len() {
                        return false;
                    }
                    i += 1;
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
    let c: Vec<char> = spec.chars().collect();
    let is_align = |c: char| "<>=^".contains(c);
    let mut starts = vec![0];
    if c.first().is_some_and(|&c| is_align(c)) {
        starts.push(1);
    }
    if c.len() >= 2 && c[0] != '\n' && is_align(c[1]) {
        starts.push(2);
    }
    starts.into_iter().any(|s| {
        let rest = &c[s..];
        rest_ok(rest) || rest_ok(strip_final_newline(rest))
    })
}

fn rest_ok(c: &[char]) -> bool {
    let mut i = 0;
    let at = |i: usize| c.get(i).copied();
    if at(i).is_some_and(|c| "+ -".contains(c)) {
        i += 1;
    }
    if at(i) == Some('#') {
        i += 1;
    }
    if at(i) == Some('0') {
        i += 1;
    }
    let number = |i: &mut usize| -> bool {
        if at(*i) == Some('{') {
            let mut j = *i + 1;
            while at(j).is_some_and(is_word) {
                j += 1;
            }
            if j > *i + 1 && at(j) == Some('}') {
                *i = j + 1;
                return true;
            }
            return false;
        }
        let start = *i;
        while at(*i).is_some_and(char::is_numeric) {
            *i += 1;
        }
        *i > start
    };
    number(&mut i);
    if at(i).is_some_and(|c| c == ',' || c == '_') {
        i += 1;
    }
    if at(i) == Some('.') {
        let mut j = i + 1;
        if number(&mut j) {
            i = j;
        }
    }
    if at(i).is_some_and(|c| "bcdefgnosx%".contains(c.to_ascii_lowercase())) {
        i += 1;
    }
    i == c.len()
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
            if !field_name_ok(&field.name) {
                let mut text = String::from("invalid field name/expression: ");
                super::number::push_str_repr(&field.name, false, &mut text);
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
        if !field.spec.is_empty() && !spec_ok(&field.spec) {
            let mut text = String::from("bad specifier: ");
            super::number::push_str_repr(&field.spec, false, &mut text);
            return Err(wrap(err(text)));
        }
    }
    if fields == 0 {
        return Err(err("invalid format: no fields"));
    }
    Ok(())
}

/// The field's value holder: an attribute, or a constant default.
fn resolve<'d>(name: &str, defaults: &'d [(String, String)]) -> Result<Source<'d>, FormatError> {
    // CPython's field_name_split: the first part ends at '.' or '['.
    let first_end = name.find(['.', '[']).unwrap_or(name.len());
    let first = &name[..first_end];
    if first.is_empty() {
        return Err(err(
            "Replacement index 0 out of range for positional args tuple",
        ));
    }
    if first.bytes().all(|b| b.is_ascii_digit()) {
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
pub(crate) fn compile(fmt: &str, defaults: &[(String, String)]) -> Result<Compiled, FormatError> {
    let mut out = Compiled::default();
    let mut parser = Parser::new(fmt);
    while let Some(markup) = parser.next() {
        let markup = markup?;
        out.literal(&markup.literal);
        let Some(field) = markup.field else {
            continue;
        };
        let source = resolve(&field.name, defaults)?;
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
        let kind = match (&source, field.conversion) {
            (_, Some(_)) | (Source::Default(_), None) => Kind::Str,
            (Source::Attr(attr), None) => attr.kind(),
        };
        let spec = Spec::parse(&field.spec, kind)?;
        let compiled = BraceSpec {
            conversion: field.conversion,
            spec,
        };
        match source {
            Source::Attr(attr) => {
                if compiled.conversion.is_none() && field.spec.is_empty() {
                    out.push(Segment::Plain(attr));
                } else {
                    out.push(Segment::Brace(attr, Box::new(compiled)));
                }
            }
            Source::Default(text) => {
                let mut rendered = String::new();
                render(&compiled, &Value::Str(text.into()), &mut rendered);
                out.literal(&rendered);
            }
        }
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
