//! The line reader: configparser's `RawConfigParser._read` and
//! `_join_multiline_values`, line by line in the same order of checks.

use std::collections::HashSet;

use super::pystr::{rstrip, strip};
use super::{Error, Ini, Options, Ordered, Table, DEFAULT_SECTION};

/// Which table the reader is filling.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Defaults,
    Section(usize),
}

struct Reader<'a> {
    source: &'a str,
    defaults: Table,
    /// DEFAULT options read from the text (the `defaults` map may be
    /// overridden once; the text may not repeat itself).
    defaults_seen: HashSet<String>,
    sections: Ordered<Table>,
    /// The option that continuation lines extend, if any.
    current: Option<(Target, usize)>,
}

pub(crate) fn read(text: &str, options: &Options) -> Result<Ini, Error> {
    let mut defaults = Table::default();
    for (name, value) in &options.defaults {
        let name = name.to_lowercase();
        if defaults.contains(&name) {
            return Err(Error::duplicate_option(
                "<dict>",
                None,
                DEFAULT_SECTION,
                &name,
            ));
        }
        defaults.set(name, value.clone());
    }
    let mut reader = Reader {
        source: &options.source,
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
                    let name = rstrip(&value[..at]).to_lowercase();
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
            let value = self.table(target).value_mut(i);
            value.push('\n');
            value.push_str(piece);
        }
    }

    /// Trims the trailing blank lines (and any whitespace) off the value
    /// just read, as `_join_multiline_values` does. Values from the
    /// `defaults` map are never trimmed: only those the text sets.
    fn finish_value(&mut self) {
        if let Some((target, i)) = self.current.take() {
            let value = self.table(target).value_mut(i);
            let keep = rstrip(value).len();
            value.truncate(keep);
        }
    }

    fn open_section(&mut self, name: &str, lineno: usize) -> Result<Target, Error> {
        if self.sections.contains(name) {
            return Err(Error::duplicate_section(self.source, lineno, name));
        }
        if name == DEFAULT_SECTION {
            return Ok(Target::Defaults);
        }
        let i = self.sections.set(name.to_string(), Table::default());
        Ok(Target::Section(i))
    }

    /// Records `name = value` from line `lineno`. An empty name is a parsing
    /// error the caller has noted; like configparser it is still stored (so
    /// a second one is a duplicate) but takes no continuation lines.
    fn set_option(
        &mut self,
        target: Target,
        name: String,
        value: &str,
        lineno: usize,
    ) -> Result<(), Error> {
        let duplicate = match target {
            Target::Defaults => !self.defaults_seen.insert(name.clone()),
            Target::Section(i) => self.sections.at(i).1.contains(&name),
        };
        if duplicate {
            let section = match target {
                Target::Defaults => DEFAULT_SECTION,
                Target::Section(i) => self.sections.at(i).0,
            };
            return Err(Error::duplicate_option(
                self.source,
                Some(lineno),
                section,
                &name,
            ));
        }
        self.finish_value();
        let empty = name.is_empty();
        let i = self.table(target).set(name, value.to_string());
        self.current = (!empty).then_some((target, i));
        Ok(())
    }
}
