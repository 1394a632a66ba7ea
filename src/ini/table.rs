//! Where a parsed INI keeps its names and values: one string holding the
//! text read (most names and values are ranges of it) plus what had to be
//! rewritten (lower-cased names, joined multi-line values), and lists of
//! [`Key`]s into it in insertion order, like the Python dicts configparser
//! keeps its sections and options in.

use std::collections::HashMap;

use crate::error::Position;

/// A name or value: a range of the string holding them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    /// Appends `s` to `text` and returns where it went.
    pub(crate) fn push(text: &mut String, s: &str) -> Span {
        let start = text.len();
        text.push_str(s);
        Span {
            start,
            end: text.len(),
        }
    }

    /// Appends `name` lower-cased (Python's `str.lower()`, as configparser's
    /// `optionxform`).
    pub(crate) fn push_lower(text: &mut String, name: &str) -> Span {
        let start = text.len();
        if name.is_ascii() {
            text.push_str(name);
            text[start..].make_ascii_lowercase();
        } else {
            text.push_str(&name.to_lowercase());
        }
        Span {
            start,
            end: text.len(),
        }
    }

    pub(crate) fn get(self, text: &str) -> &str {
        &text[self.start..self.end]
    }

    /// The span's bytes (without the character boundary checks of `get`).
    pub(crate) fn bytes(self, text: &str) -> &[u8] {
        text.as_bytes()
            .get(self.start..self.end)
            .unwrap_or_default()
    }
}

/// One line of a value that continues on more lines: the joined value
/// is copied after the text read, and its lines came from elsewhere. The
/// piece at `at` (an offset of the string holding the values), `len`
/// bytes long, was copied from offset `from` of the text read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    pub(crate) at: usize,
    pub(crate) from: usize,
    pub(crate) len: usize,
}

impl Piece {
    /// The piece now at `span`, copied from offset `from` of the text read.
    pub(crate) fn new(span: Span, from: usize) -> Piece {
        Piece {
            at: span.start,
            from,
            len: span.end - span.start,
        }
    }
}

/// Where byte `offset` of `input` is in the text given to [`parse`](super::parse),
/// which had `bom` bytes of byte order mark before `input` (one character
/// of line 1).
pub(crate) fn locate(input: &str, bom: usize, offset: usize) -> Position {
    let mut at = Position::locate(input, offset);
    if bom > 0 {
        at.offset += bom;
        if at.line == 1 {
            at.column += 1;
        }
    }
    at
}

/// A name and a cheap summary of it (see [`fingerprint`]), so a lookup
/// compares whole names only when the summaries agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Key {
    pub(crate) span: Span,
    fingerprint: u64,
}

impl Key {
    pub(crate) fn new(text: &str, span: Span) -> Key {
        Key {
            span,
            fingerprint: fingerprint(span.bytes(text)),
        }
    }

    /// The key of a name as written when lower-casing cannot change it
    /// (ASCII without upper-case letters); `None` when it might.
    pub(crate) fn if_lower_case(text: &str, span: Span) -> Option<Key> {
        let bytes = span.bytes(text);
        let fingerprint = fingerprint(bytes);
        let lower = if bytes.len() < 8 {
            !upper_or_not_ascii(fingerprint)
        } else {
            let mut rest = bytes;
            while let Some((word, tail)) = rest.split_first_chunk::<8>() {
                if upper_or_not_ascii(u64::from_le_bytes(*word)) {
                    return None;
                }
                rest = tail;
            }
            // The last bytes, in a word overlapping the one before.
            match bytes.last_chunk::<8>() {
                Some(word) => !upper_or_not_ascii(u64::from_le_bytes(*word)),
                None => true,
            }
        };
        lower.then_some(Key { span, fingerprint })
    }

    pub(crate) fn get(self, text: &str) -> &str {
        self.span.get(text)
    }
}

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);

/// Whether a byte of `word` is an ASCII upper-case letter or not ASCII.
fn upper_or_not_ascii(word: u64) -> bool {
    // For ASCII bytes neither sum carries out of its byte: the high bit of
    // `b + 0x3f` is set from b'A' on, that of `b + 0x25` from b'Z' + 1 on.
    let upper = word.wrapping_add(ONES * 0x3f) & !word.wrapping_add(ONES * 0x25);
    (word | upper) & HIGHS != 0
}

/// The first and last eight bytes of a name folded into one word. Names
/// shorter than eight bytes are packed whole (little-endian, zero-padded),
/// so for them equal lengths and fingerprints mean equal names.
fn fingerprint(name: &[u8]) -> u64 {
    match (name.first_chunk::<8>(), name.last_chunk::<8>()) {
        (Some(head), Some(tail)) => {
            u64::from_le_bytes(*head) ^ u64::from_le_bytes(*tail).rotate_left(29)
        }
        _ => name
            .iter()
            .rev()
            .fold(0, |word, &b| (word << 8) | u64::from(b)),
    }
}

/// A name to look up, with its fingerprint computed once for several
/// lists (a section's options, then DEFAULT's).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Probe<'a> {
    name: &'a str,
    fingerprint: u64,
}

impl<'a> Probe<'a> {
    pub(crate) fn new(name: &'a str) -> Probe<'a> {
        Probe {
            name,
            fingerprint: fingerprint(name.as_bytes()),
        }
    }
}

/// Where the name with these bytes and fingerprint is among `entries`, by
/// a scan (cheaper than hashing for the handful of entries a section
/// usually has).
#[inline]
fn scan<V>(entries: &[(Key, V)], text: &str, bytes: &[u8], fingerprint: u64) -> Option<usize> {
    let same = |key: &Key| {
        key.fingerprint == fingerprint
            && key.span.end - key.span.start == bytes.len()
            && (bytes.len() < 8 || key.span.bytes(text) == bytes)
    };
    entries.iter().position(|(key, _)| same(key))
}

/// From this many entries on, a run keeps a hash index. Below it a scan
/// is cheaper than hashing the name, and typical sections have a handful
/// of options; the index keeps large hostile inputs from going quadratic.
pub(crate) const INDEX_FROM: usize = 16;

/// One group of entries, consecutive in a list that may hold others (a
/// section's options among all sections' options): where it lies and,
/// once large, a hash index of its names to their positions in the list.
#[derive(Clone, Debug, Default)]
pub(crate) struct Run {
    start: usize,
    end: usize,
    index: Option<HashMap<String, usize>>,
}

impl Run {
    /// An empty run that will grow at the end of a list of `len` entries.
    pub(crate) fn at_end(len: usize) -> Run {
        Run {
            start: len,
            end: len,
            index: None,
        }
    }

    /// The positions in the list this run covers.
    pub(crate) fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// Where `name` is in the list, if it is one of this run's entries.
    pub(crate) fn position<V>(
        &self,
        entries: &[(Key, V)],
        text: &str,
        name: &str,
    ) -> Option<usize> {
        self.probe(entries, text, Probe::new(name))
    }

    /// [`Run::position`] of a name whose fingerprint is computed already.
    pub(crate) fn probe<V>(
        &self,
        entries: &[(Key, V)],
        text: &str,
        probe: Probe<'_>,
    ) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(probe.name).copied(),
            None => {
                let own = entries.get(self.start..self.end)?;
                let (bytes, fingerprint) = (probe.name.as_bytes(), probe.fingerprint);
                scan(own, text, bytes, fingerprint).map(|i| i + self.start)
            }
        }
    }

    /// [`Run::position`] of a key's name.
    pub(crate) fn position_of<V>(
        &self,
        entries: &[(Key, V)],
        text: &str,
        key: Key,
    ) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key.get(text)).copied(),
            None => {
                let own = entries.get(self.start..self.end)?;
                let bytes = key.span.bytes(text);
                scan(own, text, bytes, key.fingerprint).map(|i| i + self.start)
            }
        }
    }

    /// Appends an entry the run does not have yet; the run must end where
    /// `entries` ends. Returns its position.
    pub(crate) fn push<V>(
        &mut self,
        entries: &mut Vec<(Key, V)>,
        text: &str,
        name: Key,
        value: V,
    ) -> usize {
        debug_assert_eq!(self.end, entries.len(), "only the last run grows");
        let i = entries.len();
        entries.push((name, value));
        self.end = i + 1;
        match &mut self.index {
            Some(index) => {
                index.insert(name.get(text).to_string(), i);
            }
            None if self.end - self.start >= INDEX_FROM => {
                let own = entries[self.start..].iter().enumerate();
                let names = own.map(|(j, (n, _))| (n.get(text).to_string(), self.start + j));
                self.index = Some(names.collect());
            }
            None => {}
        }
        i
    }
}

/// Entries in insertion order, alone in their list; setting an existing
/// name keeps its place. Every method that compares names takes the text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ordered<V> {
    entries: Vec<(Key, V)>,
    run: Run,
}

impl<V> Ordered<V> {
    pub(crate) fn with_capacity(n: usize) -> Ordered<V> {
        Ordered {
            entries: Vec::with_capacity(n),
            run: Run::default(),
        }
    }

    pub(crate) fn position(&self, text: &str, name: &str) -> Option<usize> {
        self.run.position(&self.entries, text, name)
    }

    pub(crate) fn get(&self, text: &str, name: &str) -> Option<&V> {
        self.position(text, name).map(|i| &self.entries[i].1)
    }

    /// [`Ordered::get`] of a probe; `None` at once when empty.
    pub(crate) fn get_probe(&self, text: &str, probe: Probe<'_>) -> Option<&V> {
        if self.entries.is_empty() {
            return None;
        }
        let at = self.run.probe(&self.entries, text, probe)?;
        Some(&self.entries[at].1)
    }

    pub(crate) fn contains(&self, text: &str, name: &str) -> bool {
        self.position(text, name).is_some()
    }

    /// [`Ordered::position`] of a key's name.
    pub(crate) fn position_of(&self, text: &str, key: Key) -> Option<usize> {
        self.run.position_of(&self.entries, text, key)
    }

    /// Appends a name it does not have yet; returns its position.
    pub(crate) fn push(&mut self, text: &str, name: Key, value: V) -> usize {
        self.run.push(&mut self.entries, text, name, value)
    }

    /// Sets `name`, keeping its place if it exists, and returns its position.
    pub(crate) fn set(&mut self, text: &str, name: Key, value: V) -> usize {
        match self.position_of(text, name) {
            Some(i) => {
                self.entries[i].1 = value;
                i
            }
            None => self.push(text, name, value),
        }
    }

    pub(crate) fn value_mut(&mut self, i: usize) -> &mut V {
        &mut self.entries[i].1
    }

    /// The last entry, if any.
    pub(crate) fn last(&self) -> Option<(Key, &V)> {
        self.entries.last().map(|(name, value)| (*name, value))
    }

    /// The last entry's value, if any.
    pub(crate) fn last_mut(&mut self) -> Option<&mut V> {
        self.entries.last_mut().map(|(_, value)| value)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (Key, &V)> {
        self.entries.iter().map(|(name, value)| (*name, value))
    }
}

#[cfg(test)]
mod tests {
    use super::{fingerprint, Key, Ordered, Run, Span, INDEX_FROM};

    #[test]
    fn keeps_order_and_places_below_and_above_the_index_threshold() {
        let mut text = String::new();
        let mut map = Ordered::default();
        let n = INDEX_FROM * 2;
        for i in 0..n {
            let name = Span::push(&mut text, &format!("k{i}"));
            assert_eq!(map.set(&text, Key::new(&text, name), i), i);
        }
        // Re-setting keeps the place and replaces the value.
        for i in (0..n).rev() {
            let name = Span::push(&mut text, &format!("k{i}"));
            assert_eq!(map.set(&text, Key::new(&text, name), i * 10), i);
        }
        let seen: Vec<(&str, usize)> = map.iter().map(|(k, v)| (k.get(&text), *v)).collect();
        let names: Vec<String> = (0..n).map(|i| format!("k{i}")).collect();
        let expected: Vec<(&str, usize)> = (0..n).map(|i| (names[i].as_str(), i * 10)).collect();
        assert_eq!(seen, expected);
        for (i, name) in names.iter().enumerate() {
            assert_eq!(map.get(&text, name), Some(&(i * 10)));
            assert_eq!(map.position(&text, name), Some(i));
        }
        assert!(!map.contains(&text, "k"));
        assert_eq!(map.position(&text, &format!("k{n}")), None);
    }

    #[test]
    fn runs_find_only_their_own_entries_with_and_without_an_index() {
        let mut text = String::new();
        let mut entries = Vec::new();
        let mut runs = Vec::new();
        // Three runs: 2 entries, INDEX_FROM + 1 entries (indexed), 1 entry.
        for (r, count) in [2, INDEX_FROM + 1, 1].into_iter().enumerate() {
            let mut run = Run::at_end(entries.len());
            for i in 0..count {
                let name = Span::push(&mut text, &format!("run{r}_name_{i}"));
                let at = run.push(&mut entries, &text, Key::new(&text, name), (r, i));
                assert_eq!(entries[at].1, (r, i));
            }
            runs.push(run);
        }
        for (r, run) in runs.iter().enumerate() {
            for other in 0..3 {
                let found = run.position(&entries, &text, &format!("run{other}_name_0"));
                assert_eq!(
                    found.map(|at| entries[at].1),
                    (other == r).then_some((r, 0))
                );
            }
            assert_eq!(run.range().len(), [2, INDEX_FROM + 1, 1][r]);
        }
    }

    #[test]
    fn fingerprints_tell_short_names_apart_and_long_ones_are_compared() {
        let mut text = String::new();
        let mut map = Ordered::default();
        let names = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "a\0",
            "\0a",
            "abcdefg",
            "abcdefgh",
            "abcdefgi",
            "handler_console",
            "handler_file",
            "xxxxxxxxyxxxxxxxx",
            "xxxxxxxxzxxxxxxxx",
        ];
        for (i, name) in names.iter().enumerate() {
            let span = Span::push(&mut text, name);
            assert_eq!(map.push(&text, Key::new(&text, span), i), i);
        }
        for (i, name) in names.iter().enumerate() {
            assert_eq!(map.position(&text, name), Some(i), "{name:?}");
        }
        assert_eq!(map.position(&text, "\0"), None);
        assert_eq!(map.position(&text, "xxxxxxxxwxxxxxxxx"), None);
        // Same head and tail, different middle: only the comparison tells.
        assert_eq!(
            fingerprint(b"xxxxxxxxyxxxxxxxx"),
            fingerprint(b"xxxxxxxxzxxxxxxxx")
        );
    }

    #[test]
    fn keys_of_lower_case_names_only() {
        let cases = [
            ("", true),
            ("a_b-c.d 0:9", true),
            ("@[`{~\x7f", true),
            ("A", false),
            ("Z", false),
            ("abcdefgZ", false),
            ("abcdefghZ", false),
            ("Zbcdefghi", false),
            ("abcdefghijklmnopqrstuvwxyz", true),
            ("abcdefghijklmnopqrstuvwxyZ", false),
            ("é", false),
            ("abcdefghé", false),
        ];
        let mut text = String::new();
        for (name, lower) in cases {
            let span = Span::push(&mut text, name);
            let key = Key::if_lower_case(&text, span);
            assert_eq!(key, lower.then(|| Key::new(&text, span)), "{name:?}");
        }
        for b in 0..=255u8 {
            let word = u64::from(b) << 24;
            let want = b.is_ascii_uppercase() || !b.is_ascii();
            assert_eq!(super::upper_or_not_ascii(word), want, "{b:#x}");
        }
    }

    #[test]
    fn spans_lower_case() {
        let mut text = String::new();
        let name = Span::push_lower(&mut text, "KeY");
        let other = Span::push_lower(&mut text, "ΣΑΣ");
        assert_eq!(name.get(&text), "key");
        assert_eq!(other.get(&text), "σας", "final sigma, as Python's lower()");
        assert_eq!(text, "keyσας");
    }
}
