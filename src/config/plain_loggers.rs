//! dictConfig's `loggers` read straight from the text when every entry is
//! plain, as a large configuration's thousands are: no JSON value is built
//! for them, and the rest of the text is read as [`dict`](super::dict)
//! reads it. Any other text is left to the full read, so the result is
//! always the one it gives.

use super::dict::{read_top, references};
use super::model::{Config, LoggerSpec};
use crate::hash::NameHash;
use crate::json::{Plain, Scalar};
use crate::level::Level;
use std::collections::HashSet;
use std::hash::BuildHasher;

/// Reads a dictConfig text whose `loggers` entries are all plain (plain
/// string names, known keys, levels by name, no references) with the
/// loggers read straight from the text: no JSON value is built for them.
/// `None` for any other text, and for any text that is not a good
/// configuration: the caller then parses it whole and reads it with
/// [`read_parsed`](super::dict::read_parsed), which gives the error. So the result is always the one
/// [`read_parsed`](super::dict::read_parsed) would give.
pub(crate) fn read(text: &str) -> Option<Config> {
    // A small text is read as fast the full way (the plain route parses
    // each other section apart, a few µs of its own).
    if text.len() < MIN_LEN {
        return None;
    }
    read_any_size(text)
}

/// Below this many bytes of text, [`read`] leaves the text to the full
/// read.
const MIN_LEN: usize = 16 * 1024;

/// [`read`], whatever the text's length.
fn read_any_size(text: &str) -> Option<Config> {
    let (top, may_reference, loggers) = crate::json::parse_reading_member(
        text,
        crate::json::DEFAULT_MAX_DEPTH,
        "loggers",
        plain_loggers,
    )?;
    let (references, cfg) = references(&top, may_reference);
    if cfg {
        // A `cfg://` may look into the loggers as written.
        return None;
    }
    read_top(top, references, cfg, Some(loggers)).ok()
}

/// The `loggers` section read straight from the text when every entry is
/// plain; `None` for anything else (a name given twice included: the
/// parser's rule for it, the last entry at the first one's place, is left
/// to the full read).
fn plain_loggers(plain: &mut Plain<'_>) -> Option<Vec<(String, LoggerSpec)>> {
    let mut loggers = Vec::new();
    // Hashes only: a collision just sends the text to the full read.
    let hash = NameHash::default();
    let mut seen = HashSet::with_hasher(NameHash::default());
    let mut names = Vec::new();
    plain.members(|name, plain| {
        if !seen.insert(hash.hash_one(name)) {
            return None;
        }
        let mut spec = LoggerSpec::default();
        // A key given twice: the last wins, as in the parser's object.
        plain.members(|key, plain| {
            match key {
                "level" => spec.level = plain_level(plain.scalar()?)?,
                "propagate" => {
                    spec.propagate = match plain.scalar()? {
                        Scalar::Bool(b) => Some(b),
                        Scalar::Null => None,
                        Scalar::Str(_) => return None,
                    }
                }
                "handlers" => spec.handlers = plain_names(plain, &mut names)?,
                "filters" => spec.filters = plain_names(plain, &mut names)?,
                _ => return None,
            }
            Some(())
        })?;
        loggers.push((name.to_string(), spec));
        Some(())
    })?;
    Some(loggers)
}

/// A level given by name (or `null`); `None` for anything else.
fn plain_level(value: Scalar<'_>) -> Option<Option<Level>> {
    match value {
        Scalar::Str(s) if !may_be_reference(s) => Level::from_name(s).map(Some),
        Scalar::Null => Some(None),
        _ => None,
    }
}

/// A list of plain names, or `null`; `names` is scratch space.
fn plain_names<'a>(plain: &mut Plain<'a>, names: &mut Vec<&'a str>) -> Option<Vec<String>> {
    if plain.null() {
        return Some(Vec::new());
    }
    names.clear();
    plain.items(|plain| {
        let name = plain.string()?;
        (!may_be_reference(name)).then(|| names.push(name))
    })?;
    Some(names.iter().map(|name| name.to_string()).collect())
}

/// Whether a string may be a `cfg://` or `ext://` reference (`://` at
/// bytes 3 to 5, the parser's test).
fn may_be_reference(s: &str) -> bool {
    s.as_bytes().get(3..6) == Some(b"://")
}

#[cfg(test)]
mod tests {
    use super::{read, read_any_size as read_plain, MIN_LEN};
    use crate::config::dict::read_parsed;
    use proptest::prelude::*;

    /// What the full read gives: the configuration, or the error.
    fn full(text: &str) -> String {
        match crate::json::parse_noting_references(text, crate::json::DEFAULT_MAX_DEPTH) {
            Ok((value, references)) => format!("{:?}", read_parsed(value, references)),
            Err(e) => format!("{e}"),
        }
    }

    fn config(loggers: &str) -> String {
        format!(
            r#"{{"version": 1, "handlers": {{"h": {{"class": "logging.NullHandler"}},
            "e": {{"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}}}},
            "loggers": {loggers}, "root": {{"level": "INFO"}}}}"#
        )
    }

    #[test]
    fn plain_entries_read_as_the_full_read_does() {
        let texts = [
            config("{}"),
            config(
                r#"{"a": {}, "a.b": {"level": "DEBUG", "handlers": ["h", "e"], "propagate": false, "filters": []}}"#,
            ),
            config(
                r#"{"a": {"level": null, "propagate": null, "handlers": null, "filters": null}}"#,
            ),
            config(
                r#"{"a": {"level": "INFO", "level": "ERROR", "handlers": [], "handlers": ["h"]}}"#,
            ),
            config(
                r#"{"": {"propagate": true}, "root": {"level": "WARNING"}, "é.x": {"handlers": [""]}}"#,
            ),
        ];
        for text in texts {
            let plain = read_plain(&text).unwrap_or_else(|| panic!("not read: {text}"));
            assert_eq!(format!("{:?}", Ok::<_, ()>(plain)), full(&text), "{text}");
        }
    }

    #[test]
    fn only_a_large_text_takes_the_plain_route() {
        let small = config(r#"{"a": {"level": "INFO"}}"#);
        assert!(small.len() < MIN_LEN);
        assert!(read(&small).is_none() && read_plain(&small).is_some());
        let many: Vec<String> = (0..400)
            .map(|i| format!(r#""app{i}": {{"level": "DEBUG", "handlers": ["h"]}}"#))
            .collect();
        let large = config(&format!("{{{}}}", many.join(", ")));
        assert!(large.len() >= MIN_LEN);
        let plain = read(&large).expect("read the plain way");
        assert_eq!(plain.loggers.len(), 400);
        assert_eq!(format!("{:?}", Ok::<_, ()>(plain)), full(&large));
    }

    #[test]
    fn other_entries_are_left_to_the_full_read() {
        let loggers = [
            r#"{"a": {}, "a": {"level": "INFO"}}"#,
            r#"{"a": {"level": 10}}"#,
            r#"{"a": {"level": "LOUD"}}"#,
            r#"{"a": {"level": "ext://sys.stderr"}}"#,
            r#"{"a": {"handlers": ["ext://sys.stderr"]}}"#,
            r#"{"a": {"handlers": ["cfg://handlers.h"]}}"#,
            r#"{"a": {"handlers": "h"}}"#,
            r#"{"a": {"handlers": ["h", 1]}}"#,
            r#"{"a": {"propagate": 0}}"#,
            r#"{"a": {"propagate": "yes"}}"#,
            r#"{"a": {"other": 1}}"#,
            r#"{"a\u002eb": {}}"#,
            r#"{"a": {"level": "INF\u004f"}}"#,
            r#"{"a": null}"#,
            r#"{"a": []}"#,
            "null",
            r#""cfg://handlers""#,
        ];
        for loggers in loggers {
            let text = config(loggers);
            assert!(read_plain(&text).is_none(), "{text}");
        }
        // A `cfg://` anywhere may name a logger entry.
        let text =
            r#"{"version": 1, "loggers": {"a": {"level": "INFO"}}, "root": "cfg://loggers.a"}"#;
        assert!(read_plain(text).is_none());
        // A configuration the rest of which is wrong is left too.
        for text in [
            r#"{"loggers": {}}"#,
            r#"{"version": 2, "loggers": {}}"#,
            r#"{"version": 1, "handlers": {"h": {}}, "loggers": {}}"#,
            r#"{"version": 1, "loggers": {}, "root": {"level": "LOUD"}}"#,
        ] {
            assert!(read_plain(text).is_none(), "{text}");
            assert!(full(text).starts_with("Err"), "{text}");
        }
    }

    /// A logger entry's member from a small vocabulary: plain and not.
    fn member() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            Just("level"),
            Just("propagate"),
            Just("handlers"),
            Just("filters"),
            Just("other"),
            Just("lev\\u0065l"),
        ];
        let value = prop_oneof![
            Just("\"DEBUG\""),
            Just("\"INFO\""),
            Just("\"LOUD\""),
            Just("10"),
            Just("null"),
            Just("true"),
            Just("false"),
            Just("[]"),
            Just("[\"h\"]"),
            Just("[\"h\", \"e\"]"),
            Just("[\"x\"]"),
            Just("[\"ext://sys.stderr\"]"),
            Just("[\"\\u0068\"]"),
            Just("{}"),
            Just("\"h\""),
        ];
        (key, value).prop_map(|(k, v)| format!("\"{k}\": {v}"))
    }

    proptest! {
        #[test]
        fn any_entries_read_as_the_full_read_does_or_are_left_to_it(
            entries in prop::collection::vec(
                (prop::sample::select(vec!["a", "a.b", "b", "root", ""]),
                 prop::collection::vec(member(), 0..4)),
                0..5,
            ),
        ) {
            let loggers: Vec<String> = entries
                .iter()
                .map(|(name, members)| format!("\"{name}\": {{{}}}", members.join(", ")))
                .collect();
            let text = config(&format!("{{{}}}", loggers.join(", ")));
            if let Some(plain) = read_plain(&text) {
                prop_assert_eq!(format!("{:?}", Ok::<_, ()>(plain)), full(&text));
            }
        }

        /// Entries of plain members only, under distinct names, take the
        /// plain route (so the test above does exercise it).
        #[test]
        fn plain_entries_take_the_plain_route(
            entries in prop::collection::vec(
                prop::collection::vec(plain_member(), 0..4),
                0..6,
            ),
        ) {
            let loggers: Vec<String> = entries
                .iter()
                .enumerate()
                .map(|(i, members)| format!("\"app.m{i}\": {{{}}}", members.join(", ")))
                .collect();
            let text = config(&format!("{{{}}}", loggers.join(", ")));
            let plain = read_plain(&text);
            prop_assert!(plain.is_some(), "{}", text);
            prop_assert_eq!(format!("{:?}", Ok::<_, ()>(plain.unwrap())), full(&text));
        }

        /// Any byte of a plain configuration replaced, inserted or
        /// removed: the plain route gives the full read's result or
        /// leaves the text to it.
        #[test]
        fn a_mutated_text_reads_as_the_full_read_does_or_is_left_to_it(
            at in 0usize..400,
            byte in prop::sample::select(b"{}[]:,\"\\ ae1.-tnu".to_vec()),
            how in 0u8..3,
        ) {
            let mut text = config(
                r#"{"a": {"level": "DEBUG", "handlers": ["h"]}, "a.b": {"propagate": false},
                    "b": {"filters": [], "level": "INFO"}}"#,
            )
            .into_bytes();
            let at = at % (text.len() + 1);
            match how {
                0 if at < text.len() => text[at] = byte,
                1 => text.insert(at, byte),
                _ if at < text.len() => { text.remove(at); }
                _ => text.push(byte),
            }
            let text = String::from_utf8(text).expect("ASCII");
            if let Some(plain) = read_plain(&text) {
                prop_assert_eq!(format!("{:?}", Ok::<_, ()>(plain)), full(&text));
            }
        }
    }

    /// A plain logger entry's member.
    fn plain_member() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            r#""level": "DEBUG""#,
            r#""level": "INFO""#,
            r#""propagate": true"#,
            r#""propagate": false"#,
            r#""handlers": []"#,
            r#""handlers": ["h"]"#,
            r#""handlers": ["h", "e"]"#,
            r#""filters": []"#,
        ])
    }
}
