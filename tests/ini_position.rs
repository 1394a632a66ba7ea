//! Where INI errors and values are in the text: every error of `parse` has
//! a position, values map back to the file, line by line for values that
//! continue, and fileConfig's `args=`/`kwargs=` errors name their line and
//! column in the file.

use loglisten::ini::{parse, ErrorKind, Options};
use loglisten::{check_config, Position};

fn at(offset: usize, line: usize, column: usize) -> Position {
    Position {
        offset,
        line,
        column,
    }
}

/// A fileConfig text with one handler whose section holds `handler`.
fn config_with_handler(handler: &str) -> String {
    format!(
        "[loggers]\nkeys=root\n\n[handlers]\nkeys=h\n\n[formatters]\nkeys=\n\n\
         [handler_h]\nclass=StreamHandler\n{handler}\n[logger_root]\nhandlers=h\n"
    )
}

fn check_error(text: &str) -> String {
    check_config(text.as_bytes()).unwrap_err().to_string()
}

#[test]
fn an_args_error_names_its_line_and_column_in_the_file() {
    // Line 12 is `args=(`; the '(' is column 6.
    let text = config_with_handler("args=(");
    assert_eq!(text.lines().nth(11), Some("args=("));
    assert_eq!(
        check_error(&text),
        "[handler_h] args: '(' was never closed at line 12 column 6"
    );
    // Indented after the '=' and with a name Python would eval.
    let text = config_with_handler("args =   (sys.stderr, os.sep)");
    assert_eq!(
        check_error(&text),
        "[handler_h] args: unknown name 'os' at line 12 column 23"
    );
    // A call is reported at its '(': column 23.
    let text = config_with_handler("kwargs={'stream': open('x')}");
    assert_eq!(
        check_error(&text),
        "[handler_h] kwargs: unsupported call of 'open' at line 12 column 23"
    );
}

#[test]
fn an_args_error_on_a_continuation_line_names_that_line() {
    // The value continues over a comment line and a blank line; the bad
    // name is on line 15, after six spaces of indentation.
    let handler = "args=(sys.stderr,\n    # a comment\n\n      os.sep)";
    let text = config_with_handler(handler);
    assert_eq!(text.lines().nth(14), Some("      os.sep)"));
    assert_eq!(
        check_error(&text),
        "[handler_h] args: unknown name 'os' at line 15 column 7"
    );
    // A value that starts on the next line (its first line is empty); the
    // '3' is column 6 of line 14.
    let text = config_with_handler("args=\n  (1,\n   2 3)");
    assert_eq!(
        check_error(&text),
        "[handler_h] args: unexpected number at line 14 column 6"
    );
}

#[test]
fn an_args_error_after_an_expansion_names_where_the_value_starts() {
    // Before any `%` the expanded value reads as the raw one: exact.
    let text = config_with_handler("args=(os, '%(x)s')\nx=1");
    assert_eq!(
        check_error(&text),
        "[handler_h] args: unknown name 'os' at line 12 column 7"
    );
    // After one, offsets differ: the value's first character.
    let text = config_with_handler("args=(%(x)s, os)\nx=1");
    assert_eq!(
        check_error(&text),
        "[handler_h] args: unknown name 'os' at line 12 column 6"
    );
}

#[test]
fn value_positions_map_each_line_of_a_value_to_the_text() {
    let text = "[DEFAULT]\nd = dv\n[s]\nk =  one\n  ; note\n\n    two\n\tthree\nz=\n";
    let ini = parse(text, &Options::default()).unwrap();
    assert_eq!(ini.get_raw("s", "k").unwrap(), "one\n\ntwo\nthree");
    let find = |section: &str, option: &str, offset| ini.value_position(section, option, offset);
    assert_eq!(find("s", "k", 0), Some(at(26, 4, 6)));
    assert_eq!(find("s", "k", 2), Some(at(28, 4, 8)));
    // The line breaks that join lines are at the end of the line before.
    assert_eq!(find("s", "k", 3), Some(at(29, 4, 9)));
    assert_eq!(find("s", "k", 4), Some(at(29, 4, 9)));
    assert_eq!(find("s", "k", 5), Some(at(44, 7, 5)));
    assert_eq!(find("s", "k", 9), Some(at(49, 8, 2)));
    assert_eq!(find("s", "k", 14), Some(at(54, 8, 7)), "the value's end");
    assert_eq!(find("s", "k", 15), None, "past the value's end");
    assert_eq!(
        find("s", "d", 1),
        Some(at(15, 2, 6)),
        "inherited from DEFAULT"
    );
    assert_eq!(find("DEFAULT", "D", 0), Some(at(14, 2, 5)));
    assert_eq!(find("s", "z", 0), Some(at(57, 9, 3)), "an empty value");
    assert_eq!(find("s", "missing", 0), None);
    assert_eq!(find("nope", "k", 0), None);
}

#[test]
fn values_from_the_defaults_map_have_no_position() {
    let options = Options {
        defaults: vec![("from_map".into(), "(1,".into())],
        ..Options::default()
    };
    let ini = parse("[s]\nk = a\n  b\n", &options).unwrap();
    assert_eq!(ini.value_position("s", "from_map", 0), None);
    assert_eq!(ini.value_position("s", "k", 1), Some(at(9, 2, 6)));
    assert_eq!(ini.value_position("s", "k", 2), Some(at(12, 3, 3)));
}

#[test]
fn a_byte_order_mark_counts_in_offsets_and_line_1_columns() {
    let text = "\u{feff}[s]\nk = v\n[s]\n";
    let ini_err = parse(text, &Options::default()).unwrap_err();
    assert_eq!(ini_err.position(), Some(at(13, 3, 1)));
    let ini = parse("\u{feff}[s]\nk = v\n", &Options::default()).unwrap();
    assert_eq!(ini.value_position("s", "k", 0), Some(at(11, 2, 5)));
    let err = parse("\u{feff}x = 1\n", &Options::default()).unwrap_err();
    assert_eq!(err.position(), Some(at(3, 1, 2)));
}

#[test]
fn every_error_of_parse_has_a_position() {
    let cases: [(&str, ErrorKind, Position); 6] = [
        ("  x = 1\n", ErrorKind::MissingSectionHeader, at(2, 1, 3)),
        (
            "[a]\nok = 1\n[b]\n  bad\n",
            ErrorKind::Parsing,
            at(17, 4, 3),
        ),
        ("[a]\n= 1\nbad\n", ErrorKind::Parsing, at(4, 2, 1)),
        (
            "[a]\n[b]\n [a] x\n",
            ErrorKind::DuplicateSection,
            at(9, 3, 2),
        ),
        (
            "[a]\n  k = 1\n  K: 2\n",
            ErrorKind::DuplicateOption,
            at(14, 3, 3),
        ),
        (
            "[DEFAULT]\nk=1\nk=2\n",
            ErrorKind::DuplicateOption,
            at(14, 3, 1),
        ),
    ];
    for (text, kind, position) in cases {
        let err = parse(text, &Options::default()).unwrap_err();
        assert_eq!(err.kind(), kind, "{text:?}");
        assert_eq!(err.position(), Some(position), "{text:?}");
        assert_eq!(err.line(), Some(position.line), "{text:?}");
    }
    // Only a repeat inside the defaults map, which is not in the text, has none.
    let options = Options {
        defaults: vec![("a".into(), "1".into()), ("A".into(), "2".into())],
        ..Options::default()
    };
    let err = parse("[s]\n", &options).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateOption);
    assert_eq!(err.position(), None);
}

#[test]
fn interpolation_errors_point_at_the_value_and_lookups_at_nothing() {
    let text = "[s]\na = 1\nb =  x %(nope)s\nc = %(b)s\n";
    let ini = parse(text, &Options::default()).unwrap();
    let err = ini.get("s", "b").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InterpolationMissingOption);
    assert_eq!(err.position(), Some(at(15, 3, 6)));
    // Reached through another value: where the value read starts.
    let err = ini.get("s", "c").unwrap_err();
    assert_eq!(err.position(), Some(at(30, 4, 5)));
    assert_eq!(ini.get("s", "x").unwrap_err().position(), None);
    assert_eq!(ini.get("t", "a").unwrap_err().position(), None);
}

/// A fileConfig error found in the INI text carries its place in the file
/// as `ConfigError::position`, as a JSON syntax error does; an error in a
/// value that came from the defaults map has none.
#[test]
fn config_errors_from_the_ini_text_carry_their_position() {
    let error = |text: &str| check_config(text.as_bytes()).unwrap_err();
    // A literal of `args=`: its '(' is line 12, column 6.
    let err = error(&config_with_handler("args=("));
    assert_eq!(err.position(), Some(at(97, 12, 6)));
    assert_eq!(err.path(), "[handler_h] args");
    let cause = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<loglisten::pyliteral::Error>())
        .map(|e| e.position());
    assert_eq!(
        cause,
        Some(at(97, 12, 6)),
        "the cause is placed in the file too"
    );
    // On a continuation line.
    let handler = "args=(sys.stderr,\n    # a comment\n\n      os.sep)";
    assert_eq!(
        error(&config_with_handler(handler)).position(),
        Some(at(133, 15, 7))
    );
    // After a `%` expansion: where the value starts.
    let text = config_with_handler("args=(%(x)s, os)\nx=1");
    assert_eq!(error(&text).position(), Some(at(97, 12, 6)));
    // An interpolation error: where the value starts.
    let err = error(&config_with_handler("args=()\nlevel=%(nope)s"));
    assert_eq!(err.path(), "[handler_h] level");
    assert_eq!(err.position(), Some(at(106, 13, 7)));
    // INI syntax: the repeated header.
    let err = error("[loggers]\nkeys=root\n[loggers]\n");
    assert_eq!(err.position(), Some(at(20, 3, 1)));
    assert_eq!(
        err.to_string(),
        "While reading from '<string>' [line  3]: section 'loggers' already exists"
    );
    // An `args` taken from the defaults map is in no file.
    let registry = loglisten::Registry::new();
    let options = loglisten::FileConfigOptions {
        defaults: vec![("args".into(), "(".into())],
        ..Default::default()
    };
    let text = config_with_handler("");
    let err = registry.file_config_str_with(&text, &options).unwrap_err();
    assert_eq!(err.path(), "[handler_h] args");
    assert_eq!(err.position(), None);
    assert_eq!(registry.config_generation(), 0, "nothing applied");
}
