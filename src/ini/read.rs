//! The line reader: configparser's `RawConfigParser._read` and
//! `_join_multiline_values`, line by line in the same order of checks.

use std::collections::HashSet;

use super::pystr::{rstrip, strip};
use super::table::{Ordered, Span};
use super::{Error, Ini, Options, Table, DEFAULT_SECTION};

/// Which table the reader is filling.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Defaults,
    Section(usize),
}

struct Reader<'a> {
    source: &'a str,
    /// Every name and value read, back to back (see [`Span`]).
    text: String,
    defaults: Table,
    /// DEFAULT options read from the text (the `defaults` map may be
    /// overridden once; the text may not repeat itself).
    defaults_seen: HashSet<String>,
    sections: Ordered<Table>,
    /// The option that continuation lines extend, if any. Its value is
    /// always the last thing in `text`: nothing else is stored until the
    /// next option or section ends it.
    current: Option<(Target, usize)>,
}

pub(crate) fn read(text: &str, options: &Options) -> Result<Ini, Error> {
    let mut store = String::with_capacity(text.len());
    let mut defaults = Table::default();
    for (name, value) in &options.defaults {
        let name = Span::push_lower(&mut store, name);
        if defaults.contains(&store, name.get(&store)) {
            return Err(Error::duplicate_option(
                "<dict>",
                None,
                DEFAULT_SECTION,
                name.get(&store),
            ));
        }
        let value = Span::push(&mut store, value);
        defaults.set(&store, name, value);
    }
    let mut reader = Reader {
        source: &options.source,
        text: store,
        defaults,
        defaults_seen: HashSet::new(),
        sections: Ordered::default(),
        current: None,
    };
    // Deliberately unlike 3.11, which keeps U+FEFF as part of line 1.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut cursect: Option<Target> = None;
    let mut indent_level = 0;
    let mut bad: Vec<(usize, &str)> = Vec::new();
    // Lines end at '\n' only (io.StringIO's newline='\n'): a '\r' before it
    // is whitespace to strip, one elsewhere stays in the line.
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let lineno = i + 1;
        let value = strip(line);
        if value.starts_with('#') || value.starts_with(';') {
            continue;
        }
        if value.is_empty() {
            // Blank lines belong to the value being read (trimmed at its end).
            reader.append("");
            continue;
        }
        let indent = line
            .chars()
            .take_while(|&c| super::pystr::is_space(c))
            .count();
        if reader.current.is_some() && indent > indent_level {
            reader.append(value);
            continue;
        }
        indent_level = indent;
        if let Some(name) = header(value) {
            reader.finish_value();
            cursect = Some(reader.open_section(name, lineno)?);
        } else if let Some(target) = cursect {
            match value.find(['=', ':']) {
                Some(at) => {
                    let name = rstrip(&value[..at]);
                    if name.is_empty() {
                        bad.push((lineno, line));
                    }
                    reader.set_option(target, name, strip(&value[at + 1..]), lineno)?;
                }
                None => bad.push((lineno, line)),
            }
        } else {
            return Err(Error::missing_header(reader.source, lineno, line));
        }
    }
    reader.finish_value();
    if !bad.is_empty() {
        return Err(Error::parsing(reader.source, &bad));
    }
    Ok(Ini {
        text: reader.text,
        defaults: reader.defaults,
        sections: reader.sections,
        max_expansion: options.max_expansion,
    })
}

/// The name in a `[name]` line: from after the leading `[` to the last `]`,
/// at least one character (configparser's `\[(?P<header>.+)\]`, matched at
/// the start of the stripped line).
fn header(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

impl Reader<'_> {
    fn table(&mut self, target: Target) -> &mut Table {
        match target {
            Target::Defaults => &mut self.defaults,
            Target::Section(i) => self.sections.value_mut(i),
        }
    }

    fn append(&mut self, piece: &str) {
        if let Some((target, i)) = self.current {
            let mut value = *self.table(target).value_mut(i);
            value.extend(&mut self.text, "\n");
            value.extend(&mut self.text, piece);
            *self.table(target).value_mut(i) = value;
        }
    }

    /// Trims the trailing blank lines (and any whitespace) off the value
    /// just read, as `_join_multiline_values` does. Values from the
    /// `defaults` map are never trimmed: only those the text sets.
    fn finish_value(&mut self) {
        if let Some((target, i)) = self.current.take() {
            let mut value = *self.table(target).value_mut(i);
            value.rstrip(&mut self.text);
            *self.table(target).value_mut(i) = value;
        }
    }

    fn open_section(&mut self, name: &str, lineno: usize) -> Result<Target, Error> {
        if self.sections.contains(&self.text, name) {
            return Err(Error::duplicate_section(self.source, lineno, name));
        }
        if name == DEFAULT_SECTION {
            return Ok(Target::Defaults);
        }
        let name = Span::push(&mut self.text, name);
        let i = self.sections.set(&self.text, name, Table::default());
        Ok(Target::Section(i))
    }

    /// Records `name = value` from line `lineno` (`name` as written). An
    /// empty name is a parsing error the caller has noted; like configparser
    /// it is still stored (so a second one is a duplicate) but takes no
    /// continuation lines.
    fn set_option(
        &mut self,
        target: Target,
        name: &str,
        value: &str,
        lineno: usize,
    ) -> Result<(), Error> {
        // Ends the previous value first: only the last value in `text` can
        // be trimmed.
        self.finish_value();
        let name = Span::push_lower(&mut self.text, name);
        let text = &self.text;
        let duplicate = match target {
            Target::Defaults => !self.defaults_seen.insert(name.get(text).to_string()),
            Target::Section(i) => self.sections.at(i).1.contains(text, name.get(text)),
        };
        if duplicate {
            let section = match target {
                Target::Defaults => DEFAULT_SECTION,
                Target::Section(i) => self.sections.at(i).0.get(text),
            };
            return Err(Error::duplicate_option(
                self.source,
                Some(lineno),
                section,
                name.get(text),
            ));
        }
        let empty = name.get(text).is_empty();
        let value = Span::push(&mut self.text, value);
        let table = match target {
            Target::Defaults => &mut self.defaults,
            Target::Section(i) => self.sections.value_mut(i),
        };
        let i = table.set(&self.text, name, value);
        self.current = (!empty).then_some((target, i));
        Ok(())
    }
}
