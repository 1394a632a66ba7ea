//! A parsed configuration and its lookups: sections, options, values
//! raw or expanded, and where each value is in the text.

use std::borrow::Cow;

use super::interpolate;
use super::options::DEFAULT_SECTION;
use super::table::{locate, Key, Ordered, Piece, Probe, Run, Span};
use super::Error;
#[cfg(doc)]
use super::{parse, ErrorKind, Options};
use crate::error::Position;

/// `name`, lower-cased as configparser's `optionxform` does; borrowed when
/// that changes nothing (names written in code usually are lower-case).
fn lower(name: &str) -> Cow<'_, str> {
    if name
        .bytes()
        .any(|b| !b.is_ascii() || b.is_ascii_uppercase())
    {
        Cow::Owned(name.to_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// A parsed configuration: sections in file order, each an ordered set of
/// options, plus the DEFAULT options every section inherits.
///
/// ```
/// let ini = loglisten::ini::parse("[b]\n[a]\n", &Default::default()).unwrap();
/// assert_eq!(ini.sections(), ["b", "a"]);
/// ```
#[derive(Clone, Debug)]
pub struct Ini {
    // Filled in by `read.rs`.
    /// The names and values the tables refer to.
    pub(super) text: String,
    /// DEFAULT's options: lower-cased names to raw values.
    pub(super) defaults: Ordered<Span>,
    /// Each section's run of `options`.
    pub(super) sections: Ordered<Run>,
    /// Every section's options, section after section.
    pub(super) options: Vec<(Key, Span)>,
    pub(super) max_expansion: usize,
    /// How much of `text` is the text read; the rest was rewritten.
    pub(super) input_len: usize,
    /// The bytes of byte order mark skipped before the text read.
    pub(super) bom: usize,
    /// Where the lines of values that continue came from, in order.
    pub(super) pieces: Vec<Piece>,
}

impl Ini {
    /// Section names in the order they first appear, without DEFAULT.
    ///
    /// ```
    /// let ini = loglisten::ini::parse("[DEFAULT]\n[x]\n", &Default::default()).unwrap();
    /// assert_eq!(ini.sections(), ["x"]);
    /// ```
    pub fn sections(&self) -> Vec<&str> {
        let names = self.sections.iter().map(|(name, _)| name.get(&self.text));
        names.collect()
    }

    /// Whether the section exists; false for DEFAULT, like Python.
    ///
    /// ```
    /// let ini = loglisten::ini::parse("[x]\n", &Default::default()).unwrap();
    /// assert!(ini.has_section("x") && !ini.has_section("X") && !ini.has_section("DEFAULT"));
    /// ```
    pub fn has_section(&self, section: &str) -> bool {
        self.sections.contains(&self.text, section)
    }

    /// Whether `option` (any case) is set in `section` or in DEFAULT. An
    /// empty name or DEFAULT asks DEFAULT alone; an unknown section gives
    /// false.
    ///
    /// ```
    /// let ini = loglisten::ini::parse("[DEFAULT]\nd = 1\n[x]\na = 2\n", &Default::default()).unwrap();
    /// assert!(ini.has_option("x", "A") && ini.has_option("x", "d"));
    /// assert!(!ini.has_option("DEFAULT", "a") && !ini.has_option("y", "d"));
    /// ```
    pub fn has_option(&self, section: &str, option: &str) -> bool {
        let option = lower(option);
        let text = &self.text;
        if section.is_empty() || section == DEFAULT_SECTION {
            return self.defaults.contains(text, &option);
        }
        match self.sections.get(text, section) {
            Some(run) => self.own(run, &option).is_some() || self.defaults.contains(text, &option),
            None => false,
        }
    }

    /// Option names of `section`: its own in order, then DEFAULT's that it
    /// does not override. DEFAULT itself is not a section here
    /// ([`ErrorKind::NoSection`]), like Python; see [`Ini::defaults`].
    ///
    /// ```
    /// let ini = loglisten::ini::parse("[DEFAULT]\nb = 1\nz = 2\n[x]\na = 3\nz = 4\n", &Default::default()).unwrap();
    /// assert_eq!(ini.options("x").unwrap(), ["a", "z", "b"]);
    /// assert_eq!(ini.options("DEFAULT").unwrap_err().to_string(), "No section: 'DEFAULT'");
    /// ```
    pub fn options(&self, section: &str) -> Result<Vec<&str>, Error> {
        let text = &self.text;
        let Some(run) = self.sections.get(text, section) else {
            return Err(Error::no_section(section));
        };
        let own = self.options[run.range()]
            .iter()
            .map(|(name, _)| name.get(text));
        let inherited = self.defaults.iter().map(|(name, _)| name.get(text));
        Ok(own
            .chain(inherited.filter(|name| self.own(run, name).is_none()))
            .collect())
    }

    /// DEFAULT's options and raw values, in order.
    ///
    /// ```
    /// let ini = loglisten::ini::parse("[DEFAULT]\nA = %(b)s\n", &Default::default()).unwrap();
    /// assert_eq!(ini.defaults(), [("a", "%(b)s")]);
    /// ```
    pub fn defaults(&self) -> Vec<(&str, &str)> {
        let entries = self.defaults.iter();
        let text = &self.text;
        entries
            .map(|(name, value)| (name.get(text), value.get(text)))
            .collect()
    }

    /// The value of `option` (any case) in `section`, falling back to
    /// DEFAULT, with `%(name)s` and `%%` expanded: Python's
    /// `get(section, option)`. `section` may be DEFAULT.
    ///
    /// ```
    /// let ini = loglisten::ini::parse("[s]\na = x\nb = %(A)s-%%\n", &Default::default()).unwrap();
    /// assert_eq!(ini.get("s", "B").unwrap(), "x-%");
    /// assert_eq!(ini.get("s", "c").unwrap_err().to_string(), "No option 'c' in section: 's'");
    /// ```
    pub fn get(&self, section: &str, option: &str) -> Result<String, Error> {
        let own = self.table(section)?;
        let found = Section {
            ini: self,
            name: section,
            own,
        };
        match found.value(option)? {
            Some(value) => Ok(value.into_owned()),
            None => Err(Error::no_option(&lower(option), section)),
        }
    }

    /// The value as written, without expansion: Python's
    /// `get(section, option, raw=True)`.
    ///
    /// ```
    /// let ini = loglisten::ini::parse("[s]\nfmt = %(message)s\n", &Default::default()).unwrap();
    /// assert_eq!(ini.get_raw("s", "fmt").unwrap(), "%(message)s");
    /// assert!(ini.get_raw("s", "datefmt").is_err());
    /// ```
    pub fn get_raw(&self, section: &str, option: &str) -> Result<&str, Error> {
        match self.lookup(self.table(section)?, &lower(option)) {
            Some(raw) => Ok(raw),
            None => Err(Error::no_option(&lower(option), section)),
        }
    }

    /// Where byte `offset` of `option`'s raw value in `section` (as
    /// [`Ini::get_raw`] returns it, DEFAULT's included) is in the text given
    /// to [`parse`]. For a value that continues on more lines, an offset in
    /// a later line is in that line of the text, and the line break joining
    /// two lines is at the end of the first. `None` when the option is
    /// missing, the value came from [`Options::defaults`], or `offset` is
    /// past the value's end.
    ///
    /// ```
    /// let text = "[h]\nargs = (1,\n    2 3)\n";
    /// let ini = loglisten::ini::parse(text, &Default::default()).unwrap();
    /// assert_eq!(ini.get_raw("h", "args").unwrap(), "(1,\n2 3)");
    /// let at = ini.value_position("h", "args", 6).unwrap();
    /// assert_eq!((at.offset, at.line, at.column), (21, 3, 7));
    /// assert_eq!(&text[at.offset..], "3)\n");
    /// ```
    pub fn value_position(&self, section: &str, option: &str, offset: usize) -> Option<Position> {
        let span = self.lookup_span(self.table(section).ok()?, &lower(option))?;
        self.position_in(span, offset)
    }

    /// [`Ini::value_position`] for the value at `span`.
    fn position_in(&self, span: Span, offset: usize) -> Option<Position> {
        let at = span
            .start
            .checked_add(offset)
            .filter(|&at| at <= span.end)?;
        let from = if span.end <= self.input_len {
            at
        } else {
            // A value that continues: find the line of it holding `at`.
            let i = self.pieces.partition_point(|p| p.at <= at);
            let piece = self.pieces.get(i.checked_sub(1)?)?;
            if piece.at < span.start {
                return None; // not a joined value: one from the defaults
            }
            piece.from + (at - piece.at).min(piece.len)
        };
        Some(locate(&self.text[..self.input_len], self.bom, from))
    }

    /// `name` when it is a section ([`Ini::has_section`]), to read several
    /// options of it without looking it up each time.
    pub(crate) fn section<'a>(&'a self, name: &'a str) -> Option<Section<'a>> {
        let own = self.sections.get(&self.text, name)?;
        Some(Section {
            ini: self,
            name,
            own: Some(own),
        })
    }

    /// The section's own options; `None` for DEFAULT, which has none
    /// besides the defaults.
    fn table(&self, section: &str) -> Result<Option<&Run>, Error> {
        match self.sections.get(&self.text, section) {
            Some(run) => Ok(Some(run)),
            None if section == DEFAULT_SECTION => Ok(None),
            None => Err(Error::no_section(section)),
        }
    }

    /// The raw value of `name` (already lower-cased) among a section's own
    /// options.
    fn own(&self, run: &Run, name: &str) -> Option<&str> {
        let at = run.position(&self.options, &self.text, name)?;
        Some(self.options[at].1.get(&self.text))
    }

    /// `name` (already lower-cased) in `own`, then in DEFAULT.
    fn lookup<'a>(&'a self, own: Option<&'a Run>, name: &str) -> Option<&'a str> {
        Some(self.lookup_span(own, name)?.get(&self.text))
    }

    /// Where [`Ini::lookup`]'s value is in `text`.
    fn lookup_span(&self, own: Option<&Run>, name: &str) -> Option<Span> {
        let text = &self.text;
        let probe = Probe::new(name);
        let at = own.and_then(|run| run.probe(&self.options, text, probe));
        match at {
            Some(at) => Some(self.options[at].1),
            None => self.defaults.get_probe(text, probe).copied(),
        }
    }
}

/// One section of an [`Ini`] (or DEFAULT), found once for several reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Section<'a> {
    ini: &'a Ini,
    name: &'a str,
    /// The section's own options; `None` for DEFAULT.
    own: Option<&'a Run>,
}

impl<'a> Section<'a> {
    pub(crate) fn name(self) -> &'a str {
        self.name
    }

    /// [`Ini::get`] for callers that treat a missing option as absent:
    /// `None` instead of [`ErrorKind::NoOption`], and no copy of a value
    /// that has nothing to expand.
    pub(crate) fn value(self, option: &str) -> Result<Option<Cow<'a, str>>, Error> {
        let option = lower(option);
        let Some(span) = self.ini.lookup_span(self.own, &option) else {
            return Ok(None);
        };
        let ini = self.ini;
        let raw = span.get(&ini.text);
        let lookup = |name: &str| ini.lookup(self.own, name);
        let expansion = interpolate::expand(&lookup, ini.max_expansion, self.name, &option, raw);
        match expansion {
            Ok(value) => Ok(Some(value)),
            Err(e) => Err(e.or_at(self.ini.position_in(span, 0))),
        }
    }

    /// [`Ini::value_position`] in this section.
    pub(crate) fn value_position(self, option: &str, offset: usize) -> Option<Position> {
        let span = self.ini.lookup_span(self.own, &lower(option))?;
        self.ini.position_in(span, offset)
    }

    /// [`Ini::get_raw`] with `None` for a missing option.
    pub(crate) fn raw_value(self, option: &str) -> Option<&'a str> {
        self.ini.lookup(self.own, &lower(option))
    }
}
