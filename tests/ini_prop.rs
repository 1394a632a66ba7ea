//! Property tests: no input makes the reader or the interpolation panic,
//! generated documents read back to exactly what generated them, and
//! positions of errors and values are in the text and consistent.

#[path = "support/position.rs"]
mod position;

use loglisten::ini::{parse, ErrorKind, Options};
use loglisten::Position;
use position::assert_in_text;
use proptest::prelude::*;

/// Reads `text` and looks up every value both ways; must not panic. Every
/// error from the text has a position in it; every value's characters
/// are found where [`loglisten::ini::Ini::value_position`] says.
fn exercise(text: &str) {
    let ini = match parse(text, &Options::default()) {
        Ok(ini) => ini,
        Err(e) => {
            let at = e.position();
            assert!(at.is_some(), "{text:?}: {e}");
            assert_in_text(
                text,
                at.unwrap_or(Position {
                    offset: 0,
                    line: 1,
                    column: 1,
                }),
            );
            return;
        }
    };
    for (name, _) in ini.defaults() {
        if let Err(e) = ini.get("DEFAULT", name) {
            assert_in_text(text, e.position().unwrap());
        }
        assert_values_found(text, &ini, "DEFAULT", name);
    }
    for section in ini.sections() {
        for name in ini.options(section).unwrap() {
            if let Err(e) = ini.get(section, name) {
                assert_in_text(text, e.position().unwrap());
            }
            assert!(ini.get_raw(section, name).is_ok());
            assert_values_found(text, &ini, section, name);
        }
    }
}

/// Each character of the raw value but the line breaks joining its lines
/// is in `text` where `value_position` says; each position is consistent.
fn assert_values_found(text: &str, ini: &loglisten::ini::Ini, section: &str, option: &str) {
    let raw = ini.get_raw(section, option).unwrap();
    for (i, c) in raw.char_indices().chain([(raw.len(), '\n')]) {
        let at = ini.value_position(section, option, i).unwrap();
        assert_in_text(text, at);
        if c != '\n' {
            assert!(
                text[at.offset..].starts_with(c),
                "{option:?}[{i}] in {text:?}: {at:?}"
            );
        }
    }
    assert_eq!(ini.value_position(section, option, raw.len() + 1), None);
}

/// Text made of INI-ish pieces, to reach deeper than random characters do.
fn iniish() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "[",
        "]",
        "[s]",
        "[DEFAULT]",
        "=",
        ":",
        "%",
        "%%",
        "%(",
        ")s",
        "%(a)s",
        "%(b)s",
        "a",
        "B",
        " ",
        "\t",
        "\n",
        "\r\n",
        "#",
        ";",
        "\u{feff}",
        "\u{3000}",
        "\u{1c}",
        "é",
        "İ",
        "x",
    ]);
    prop::collection::vec(piece, 0..60).prop_map(|parts| parts.concat())
}

/// One stripped line of a value: no whitespace at its ends, not starting
/// like a comment.
fn value_line() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_./=:()!?,'\"%\\[\\]-]([a-zA-Z0-9 _./=:#;()!?,'\"%\\[\\]-]{0,12}[a-zA-Z0-9_./=:()!?%-])?"
}

/// A value: its first line (may be empty) and continuation lines, where
/// empty ones stand for blank lines inside the value.
fn value() -> impl Strategy<Value = Vec<String>> {
    let first = prop_oneof![1 => Just(String::new()), 4 => value_line()];
    let more = prop_oneof![1 => Just(String::new()), 3 => value_line()];
    (first, prop::collection::vec(more, 0..4)).prop_map(|(first, mut more)| {
        more.insert(0, first);
        more
    })
}

/// Options with distinct names once lower-cased.
fn options() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
    let key = "[a-zA-Z0-9_][a-zA-Z0-9_. -]{0,8}[a-zA-Z0-9_]";
    prop::collection::vec((key, value()), 0..6).prop_map(|mut entries| {
        let mut seen = std::collections::HashSet::new();
        entries.retain(|(k, _)| seen.insert(k.to_lowercase()));
        entries
    })
}

type Doc = (
    Vec<(String, Vec<String>)>,
    Vec<(String, Vec<(String, Vec<String>)>)>,
);

fn document() -> impl Strategy<Value = Doc> {
    let name = "[a-zA-Z0-9_ .:=\\[\\]-]{1,10}".prop_filter("not DEFAULT", |n| n != "DEFAULT");
    let sections = prop::collection::vec((name, options()), 0..5).prop_map(|mut sections| {
        let mut seen = std::collections::HashSet::new();
        sections.retain(|(n, _)| seen.insert(n.clone()));
        sections
    });
    (options(), sections)
}

/// Writes a document; `%` in values is written `%%`, and comments and blank
/// lines are sprinkled between options according to `noise`.
fn write(doc: &Doc, noise: &[u8]) -> String {
    let mut noise = noise.iter().cycle();
    let mut out = String::new();
    let mut block = |header: &str, entries: &[(String, Vec<String>)], out: &mut String| {
        out.push_str(&format!("[{header}]\n"));
        for (key, lines) in entries {
            out.push_str(&format!("{key} = {}\n", lines[0].replace('%', "%%")));
            for line in &lines[1..] {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("    {}\n", line.replace('%', "%%")));
                }
            }
            match noise.next().copied().unwrap_or(0) % 4 {
                0 => out.push_str("# a comment\n"),
                1 => out.push('\n'),
                2 => out.push_str("  ; indented comment = not an option\n"),
                _ => {}
            }
        }
    };
    if !doc.0.is_empty() {
        block("DEFAULT", &doc.0, &mut out);
    }
    for (name, entries) in &doc.1 {
        block(name, entries, &mut out);
    }
    out
}

/// The value configparser keeps: lines joined, trailing blank lines gone.
fn joined(lines: &[String]) -> String {
    lines.join("\n").trim_end_matches('\n').to_string()
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in ".*") {
        exercise(&text);
    }

    #[test]
    fn iniish_text_never_panics(text in iniish()) {
        exercise(&text);
    }

    #[test]
    fn positions_count_a_byte_order_mark(text in iniish()) {
        exercise(&format!("\u{feff}{text}"));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn documents_read_back_exactly(doc in document(), noise in prop::collection::vec(any::<u8>(), 1..8)) {
        let text = write(&doc, &noise);
        exercise(&text);
        let ini = parse(&text, &Options::default()).unwrap();
        let (defaults, sections) = &doc;
        let names: Vec<&str> = sections.iter().map(|(n, _)| n.as_str()).collect();
        prop_assert_eq!(ini.sections(), names);
        let expected_defaults: Vec<(String, String)> =
            defaults.iter().map(|(k, v)| (k.to_lowercase(), joined(v).replace('%', "%%"))).collect();
        let got_defaults: Vec<(String, String)> =
            ini.defaults().iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        prop_assert_eq!(got_defaults, expected_defaults);
        for (name, entries) in sections {
            let mut expected: Vec<(String, String)> =
                entries.iter().map(|(k, v)| (k.to_lowercase(), joined(v))).collect();
            for (k, v) in defaults {
                let k = k.to_lowercase();
                if !expected.iter().any(|(e, _)| *e == k) {
                    expected.push((k, joined(v)));
                }
            }
            let options = ini.options(name).unwrap();
            prop_assert_eq!(options.len(), expected.len());
            for ((key, value), got) in expected.iter().zip(options) {
                prop_assert_eq!(got, key.as_str());
                prop_assert_eq!(ini.get(name, &key.to_uppercase()).unwrap(), value.clone());
                prop_assert_eq!(ini.get_raw(name, key).unwrap(), value.replace('%', "%%"));
            }
        }
    }

    #[test]
    fn a_bad_line_is_reported_at_its_line(doc in document(), at in any::<prop::sample::Index>()) {
        prop_assume!(!doc.0.is_empty() || !doc.1.is_empty());
        let text = write(&doc, &[3]);
        let mut lines: Vec<&str> = text.lines().collect();
        // After the first header, anywhere: at column 0 it never continues a value.
        let line = 1 + at.index(lines.len());
        lines.insert(line, "no delimiter here");
        let err = parse(&lines.join("\n"), &Options::default()).unwrap_err();
        prop_assert_eq!(err.kind(), ErrorKind::Parsing);
        prop_assert_eq!(err.line(), Some(line + 1));
        let expected = format!("Source contains parsing errors: '<string>' [line {:2}]: ", line + 1);
        let at = err.position().unwrap();
        prop_assert_eq!((at.line, at.column), (line + 1, 1));
        prop_assert!(err.to_string().starts_with(&expected));
    }
}
