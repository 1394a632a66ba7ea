//! The line reader: configparser's `RawConfigParser._read` and
//! `_join_multiline_values`, line by line in the same order of checks.
//!
//! The text is copied once into the [`Ini`]; names and single-line values
//! are ranges of that copy. Only what configparser rewrites is appended
//! after it: lower-cased names that were not lower-case already, and
//! values that continue on more lines.

use std::collections::HashMap;

use super::options::DEFAULT_SECTION;
use super::pystr::{lstrip_at, rstrip_at};
use super::table::{locate, Key, Ordered, Piece, Run, Span};
use super::{Error, Ini, Options};

/// Which table the reader is filling.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Defaults,
    /// The last section opened (only it can take options: a section
    /// cannot be opened twice).
    Section,
}

struct Reader<'a> {
    source: &'a str,
    /// The text read (what `text` starts with).
    input: &'a str,
    /// The bytes of the byte order mark skipped before `input`, if any.
    bom: usize,
    /// The text read, then whatever had to be rewritten (see [`Span`]).
    text: String,
    defaults: Ordered<Span>,
    /// DEFAULT options read from the text (the `defaults` map may be
    /// overridden once; the text may not repeat itself).
    /// A map rather than a set: the table's index is the same type, so
    /// the hashing code is compiled once.
    defaults_seen: HashMap<String, usize>,
    sections: Ordered<Run>,
    /// Every section's options, section after section.
    options: Vec<(Key, Span)>,
    /// The option that continuation lines extend, if any, and where it is
    /// (in `defaults` or `options`).
    current: Option<(Target, usize)>,
    /// Blank lines seen since the current value's last line: kept if the
    /// value continues after them, dropped if it ends (configparser strips
    /// them when it joins the lines).
    blanks: usize,
    /// Where the lines of values that continue came from (see [`Piece`]).
    pieces: Vec<Piece>,
}

pub(crate) fn read(text: &str, options: &Options) -> Result<Ini, Error> {
    // Deliberately unlike 3.11, which keeps U+FEFF as part of line 1.
    let given = text.len();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = given - text.len();
    let extra = options.defaults.iter().map(|(k, v)| k.len() + v.len());
    let extra = extra.sum::<usize>();
    let mut store = String::with_capacity(text.len() + extra + 32);
    store.push_str(text);
    let mut defaults = Ordered::with_capacity(options.defaults.len());
    for (name, value) in &options.defaults {
        let name = Span::push_lower(&mut store, name);
        let name = Key::new(&store, name);
        if defaults.contains(&store, name.get(&store)) {
            return Err(Error::duplicate_option(
                "<dict>",
                None,
                DEFAULT_SECTION,
                name.get(&store),
            ));
        }
        let value = Span::push(&mut store, value);
        defaults.push(&store, name, value);
    }
    let (sections, options_at_most) = capacities(text.len());
    let mut reader = Reader {
        source: &options.source,
        input: text,
        bom,
        text: store,
        defaults,
        defaults_seen: HashMap::new(),
        sections: Ordered::with_capacity(sections),
        options: Vec::with_capacity(options_at_most),
        current: None,
        blanks: 0,
        pieces: Vec::new(),
    };
    let mut cursect: Option<Target> = None;
    let mut indent_level = 0;
    let mut bad: Vec<(usize, &str)> = Vec::new();
    // Where the first bad line starts (after its indentation).
    let mut first_bad = 0;
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut lineno = 0;
    // Lines end at '\n' only (io.StringIO's newline='\n'): a '\r' before it
    // is whitespace to strip, one elsewhere stays in the line. Positions are
    // byte offsets into `text` (all character boundaries).
    while start < bytes.len() {
        lineno += 1;
        let line_start = start;
        let (delimiter, end) = scan_line(bytes, start);
        start = end;
        // The line stripped is `first..last`.
        let first = lstrip_at(text, line_start, end);
        let last = rstrip_at(text, first, end);
        if first == last {
            // Blank lines belong to the value being read (trimmed at its end).
            if reader.current.is_some() {
                reader.blanks += 1;
            }
            continue;
        }
        if matches!(bytes[first], b'#' | b';') {
            continue;
        }
        let lead = &bytes[line_start..first];
        let indent = if lead.is_ascii() {
            lead.len()
        } else {
            text[line_start..first].chars().count()
        };
        if reader.current.is_some() && indent > indent_level {
            reader.append(Span {
                start: first,
                end: last,
            });
            continue;
        }
        indent_level = indent;
        if let Some(name) = header(bytes, first, last) {
            reader.finish_value();
            cursect = Some(reader.open_section(name, first)?);
        } else if let Some(target) = cursect {
            match delimiter {
                Some(at) => {
                    let name = Span {
                        start: first,
                        end: rstrip_at(text, first, at),
                    };
                    if name.start == name.end {
                        if bad.is_empty() {
                            first_bad = first;
                        }
                        bad.push((lineno, &text[line_start..end]));
                    }
                    let value = Span {
                        start: lstrip_at(text, at + 1, last),
                        end: last,
                    };
                    reader.set_option(target, name, value)?;
                }
                None => {
                    if bad.is_empty() {
                        first_bad = first;
                    }
                    bad.push((lineno, &text[line_start..end]));
                }
            }
        } else {
            let line = &text[line_start..end];
            let at = locate(text, bom, first);
            return Err(Error::missing_header(reader.source, at, line));
        }
    }
    reader.finish_value();
    if !bad.is_empty() {
        let at = locate(text, bom, first_bad);
        return Err(Error::parsing(reader.source, &bad, at));
    }
    Ok(Ini {
        text: reader.text,
        defaults: reader.defaults,
        sections: reader.sections,
        options: reader.options,
        max_expansion: options.max_expansion,
        input_len: text.len(),
        bom,
        pieces: reader.pieces,
    })
}

/// Guesses of the sections and options in a text of `len` bytes, to
/// allocate their lists once for typical configurations (a section per
/// 64 bytes, an option per 16); larger ones grow as usual.
fn capacities(len: usize) -> (usize, usize) {
    ((len / 64 + 2).min(256), (len / 16 + 4).min(1024))
}

/// Where the line starting at `start` has its first `=` or `:`, if
/// anywhere, and where it ends (after its `\n`, or at the end of the text).
fn scan_line(bytes: &[u8], start: usize) -> (Option<usize>, usize) {
    let at = find(bytes, start, true);
    match bytes.get(at) {
        None => (None, at),
        Some(b'\n') => (None, at + 1),
        Some(_) => {
            let end = find(bytes, at + 1, false);
            (Some(at), (end + 1).min(bytes.len()))
        }
    }
}

/// The first `\n` (or also `=` or `:`, with `delimiters`) from `from` on,
/// or the end of `bytes`. Eight bytes at a time: lines are short, but the
/// word test costs about what one byte's would.
fn find(bytes: &[u8], mut from: usize, delimiters: bool) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte of `word` equal to `b`, and maybe of some
    // bytes after the first such byte (the borrow runs on), never before:
    // the lowest bit set is exact.
    let equal = |word: u64, b: u8| {
        let x = word ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    while let Some(chunk) = bytes.get(from..).and_then(|rest| rest.first_chunk::<8>()) {
        let word = u64::from_le_bytes(*chunk);
        let mut hits = equal(word, b'\n');
        if delimiters {
            hits |= equal(word, b'=') | equal(word, b':');
        }
        if hits != 0 {
            return from + (hits.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    let stop = |b: &u8| *b == b'\n' || (delimiters && (*b == b'=' || *b == b':'));
    let rest = bytes.get(from..).unwrap_or_default();
    from + rest.iter().position(stop).unwrap_or(rest.len())
}

/// The name in a `[name]` line (stripped to `first..last`): from after the
/// leading `[` to the last `]`, at least one character (configparser's
/// `\[(?P<header>.+)\]`, matched at the start of the stripped line).
fn header(bytes: &[u8], first: usize, last: usize) -> Option<Span> {
    if bytes[first] != b'[' {
        return None;
    }
    let start = first + 1;
    let end = start + bytes.get(start..last)?.iter().rposition(|&b| b == b']')?;
    (end > start).then_some(Span { start, end })
}

impl Reader<'_> {
    /// Where the current option's value is.
    fn value_mut(&mut self, target: Target, i: usize) -> &mut Span {
        match target {
            Target::Defaults => self.defaults.value_mut(i),
            Target::Section => &mut self.options[i].1,
        }
    }

    /// Adds a continuation line (`piece`, a range of the text read,
    /// stripped, not empty) to the current value, after the blank lines
    /// before it.
    fn append(&mut self, piece: Span) {
        let Some((target, i)) = self.current else {
            return;
        };
        let mut value = *self.value_mut(target, i);
        if value.end != self.text.len() {
            // Still a range of the text read: copy it to the end to grow it.
            let first = value;
            value = Span::push(
                &mut self.text,
                self.input.get(value.start..value.end).unwrap_or_default(),
            );
            self.pieces.push(Piece::new(value, first.start));
        }
        for _ in 0..=self.blanks {
            self.text.push('\n');
        }
        self.blanks = 0;
        let line = Span::push(
            &mut self.text,
            self.input.get(piece.start..piece.end).unwrap_or_default(),
        );
        self.pieces.push(Piece::new(line, piece.start));
        value.end = self.text.len();
        *self.value_mut(target, i) = value;
    }

    /// Ends the value just read. Its trailing blank lines are dropped as
    /// `_join_multiline_values` strips them; each line was stripped
    /// already, so nothing else trails.
    fn finish_value(&mut self) {
        self.current = None;
        self.blanks = 0;
    }

    /// Opens the section `name`, from a header line starting at `first`.
    fn open_section(&mut self, name: Span, first: usize) -> Result<Target, Error> {
        let text = &self.text;
        let key = Key::new(text, name);
        if self.sections.position_of(text, key).is_some() {
            let at = locate(self.input, self.bom, first);
            return Err(Error::duplicate_section(self.source, at, name.get(text)));
        }
        if name.bytes(text) == DEFAULT_SECTION.as_bytes() {
            return Ok(Target::Defaults);
        }
        let run = Run::at_end(self.options.len());
        self.sections.push(text, key, run);
        Ok(Target::Section)
    }

    /// Records `name = value` (`name` as written, at the start of its
    /// stripped line; both ranges of the text read). An empty name is a
    /// parsing error the caller has noted; like configparser it is still
    /// stored (so a second one is a duplicate) but takes no continuation
    /// lines.
    fn set_option(&mut self, target: Target, name: Span, value: Span) -> Result<(), Error> {
        let line_at = name.start;
        self.finish_value();
        // Most names are lower-case ASCII already: a range of the text read.
        let key = match Key::if_lower_case(&self.text, name) {
            Some(key) => key,
            None => {
                let written = self.input.get(name.start..name.end).unwrap_or_default();
                let lower = Span::push_lower(&mut self.text, written);
                Key::new(&self.text, lower)
            }
        };
        let name = key.span;
        let text = &self.text;
        let duplicate = match target {
            Target::Defaults => self
                .defaults_seen
                .insert(name.get(text).to_string(), 0)
                .is_some(),
            Target::Section => match self.sections.last() {
                Some((_, run)) => run.position_of(&self.options, text, key).is_some(),
                None => false,
            },
        };
        if duplicate {
            let section = match target {
                Target::Defaults => DEFAULT_SECTION,
                Target::Section => self.sections.last().map_or("", |(n, _)| n.get(text)),
            };
            return Err(Error::duplicate_option(
                self.source,
                Some(locate(self.input, self.bom, line_at)),
                section,
                name.get(text),
            ));
        }
        let i = match target {
            Target::Defaults => self.defaults.set(text, key, value),
            Target::Section => match self.sections.last_mut() {
                Some(run) => run.push(&mut self.options, text, key, value),
                None => return Ok(()),
            },
        };
        self.current = (name.start != name.end).then_some((target, i));
        Ok(())
    }
}
