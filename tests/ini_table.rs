//! Table tests: INI text -> exact sections, options and values, or the
//! exact error message; interpolation results and errors.

use loglisten::ini::{parse, ErrorKind, Ini, Options};

/// DEFAULT (when it has options) and every section, with `options()` and
/// raw values, on one line each: `[name] key="value" ...`.
fn dump(ini: &Ini) -> String {
    let mut lines = Vec::new();
    if !ini.defaults().is_empty() {
        let pairs: Vec<String> = ini
            .defaults()
            .iter()
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        lines.push(format!("[DEFAULT] {}", pairs.join(" ")));
    }
    for section in ini.sections() {
        let pairs: Vec<String> = ini
            .options(section)
            .unwrap()
            .iter()
            .map(|k| format!("{k}={:?}", ini.get_raw(section, k).unwrap()))
            .collect();
        lines.push(
            format!("[{section}] {}", pairs.join(" "))
                .trim_end()
                .to_string(),
        );
    }
    lines.join("\n")
}

fn outcome(text: &str, options: &Options) -> String {
    match parse(text, options) {
        Ok(ini) => dump(&ini),
        Err(e) => format!("{}: {e}", e.kind().python_name()),
    }
}

#[test]
fn parses_exactly_like_configparser() {
    let cases: &[(&str, &str)] = &[
        ("", ""),
        ("\n\n# only a comment\n", ""),
        ("[a]\nk = v\n", "[a] k=\"v\""),
        ("[a]\nk: v\n", "[a] k=\"v\""),
        ("[a]\nk=v=w\n", "[a] k=\"v=w\""),
        ("[a]\nk:v=w\n", "[a] k=\"v=w\""),
        ("[a]\nk=v:w\n", "[a] k=\"v:w\""),
        (
            "[a]\nKey Name  =  Some Value  \n",
            "[a] key name=\"Some Value\"",
        ),
        ("[a]\nk =\n", "[a] k=\"\""),
        (
            "[a]\nk = v # not a comment\n",
            "[a] k=\"v # not a comment\"",
        ),
        ("[a]\n# c\n; c\n   # indented c\nk = v\n", "[a] k=\"v\""),
        ("[A]\n[a]\n", "[A]\n[a]"),
        ("[ spaced ]\n", "[ spaced ]"),
        ("[a] trailing text\nk=1\n", "[a] k=\"1\""),
        ("[a]b]\n", "[a]b]"),
        ("[]]\n", "[]]"),
        ("  [a]\n  k = v\n", "[a] k=\"v\""),
        // Multi-line values: continuation lines are indented deeper than the key.
        (
            "[a]\nk = one\n  two\n\tthree\n",
            "[a] k=\"one\\ntwo\\nthree\"",
        ),
        ("[a]\nk = one\n\n  two\n\n\n", "[a] k=\"one\\n\\ntwo\""),
        ("[a]\nk =\n  two\n", "[a] k=\"\\ntwo\""),
        ("[a]\nk = one\n# comment\n  two\n", "[a] k=\"one\\ntwo\""),
        (
            "[a]\nk = one\n  # comment too\n  two\n",
            "[a] k=\"one\\ntwo\"",
        ),
        (
            "[a]\nk = one\n  [b]\n  x = y\n",
            "[a] k=\"one\\n[b]\\nx = y\"",
        ),
        ("[a]\n  k = one\n  j = two\n", "[a] k=\"one\" j=\"two\""),
        (
            "[a]\n  k = one\n    more\n j = two\n",
            "[a] k=\"one\\nmore\" j=\"two\"",
        ),
        (
            "[a]\nk = one\n[b]\n  j = two\n",
            "[a] k=\"one\"\n[b] j=\"two\"",
        ),
        ("[a]\nk = v\n   \n", "[a] k=\"v\""),
        // Line endings: only '\n' ends a line; '\r' is stripped whitespace.
        ("[a]\r\nk = v\r\n  w\r\n", "[a] k=\"v\\nw\""),
        ("[a]\nk = v\rw\n", "[a] k=\"v\\rw\""),
        ("[a]\nk = v\u{2028}w\n", "[a] k=\"v\\u{2028}w\""),
        // Python's whitespace includes U+001C..U+001F and U+3000.
        ("[a]\n\u{1c}k\u{3000}=\u{a0}v\u{85}\n", "[a] k=\"v\""),
        ("[a]\n\u{200b}k = v\n", "[a] \u{200b}k=\"v\""),
        // DEFAULT is inherited; section options come first.
        (
            "[DEFAULT]\nz = 1\nb = 2\n[s]\nb = 3\nc = 4\n",
            "[DEFAULT] z=\"1\" b=\"2\"\n[s] b=\"3\" c=\"4\" z=\"1\"",
        ),
        (
            "[s]\nk = 1\n[DEFAULT]\nd = 2\n",
            "[DEFAULT] d=\"2\"\n[s] k=\"1\" d=\"2\"",
        ),
        (
            "[DEFAULT]\na = 1\n[DEFAULT]\nb = 2\n",
            "[DEFAULT] a=\"1\" b=\"2\"",
        ),
        ("[default]\na = 1\n", "[default] a=\"1\""),
        ("[a]\nÉTÉ = Été\n", "[a] été=\"Été\""),
        ("[a]\nİ = x\n", "[a] i\u{307}=\"x\""),
        ("\u{feff}[a]\nk = v\n", "[a] k=\"v\""),
        // Errors stop at a missing header or a duplicate at once.
        (
            "k = v\n",
            "MissingSectionHeaderError: File contains no section headers. file: '<string>', \
             line: 1 'k = v\\n'",
        ),
        (
            "\n# c\n  k = v",
            "MissingSectionHeaderError: File contains no section headers. file: '<string>', \
             line: 3 '  k = v'",
        ),
        (
            "\u{feff}\u{feff}[a]\n",
            "MissingSectionHeaderError: File contains no section headers. file: '<string>', \
             line: 1 '\\ufeff[a]\\n'",
        ),
        (
            "[]\n",
            "MissingSectionHeaderError: File contains no section headers. file: '<string>', \
             line: 1 '[]\\n'",
        ),
        (
            "[x]\n[y]\n\n\n[x]\n",
            "DuplicateSectionError: While reading from '<string>' [line  5]: section 'x' already \
             exists",
        ),
        (
            "[x]\na = 1\nb = 2\nA = 3\n",
            "DuplicateOptionError: While reading from '<string>' [line  4]: option 'a' in section \
             'x' already exists",
        ),
        (
            "[DEFAULT]\na = 1\n[DEFAULT]\na = 2\n",
            "DuplicateOptionError: While reading from '<string>' [line  4]: option 'a' in section \
             'DEFAULT' already exists",
        ),
        (
            "[x]\nbad\n[x]\n",
            "DuplicateSectionError: While reading from '<string>' [line  3]: section 'x' already \
             exists",
        ),
        // Other bad lines are collected to the end.
        (
            "[a]\nno delimiter\nk = v\n[]\n= x\n",
            "ParsingError: Source contains parsing errors: '<string>' [line  2]: 'no \
             delimiter\\n' [line  4]: '[]\\n' [line  5]: '= x\\n'",
        ),
        (
            "[a]\n=1\n=2\n",
            "DuplicateOptionError: While reading from '<string>' [line  3]: option '' in section \
             'a' already exists",
        ),
        (
            "[a]\nit's\n",
            "ParsingError: Source contains parsing errors: '<string>' [line  2]: \"it's\\n\"",
        ),
        (
            "[a]\n\n\n\n\n\n\n\n\nx\n",
            "ParsingError: Source contains parsing errors: '<string>' [line 10]: 'x\\n'",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(
            outcome(text, &Options::default()),
            *expected,
            "input {text:?}"
        );
    }
}

#[test]
fn error_lines_and_kinds() {
    let cases: &[(&str, ErrorKind, Option<usize>)] = &[
        ("k=v", ErrorKind::MissingSectionHeader, Some(1)),
        ("[a]\nx\ny\n", ErrorKind::Parsing, Some(2)),
        ("[a]\n[a]", ErrorKind::DuplicateSection, Some(2)),
        ("[a]\nb=1\n\nb=2", ErrorKind::DuplicateOption, Some(4)),
    ];
    for (text, kind, line) in cases {
        let err = parse(text, &Options::default()).unwrap_err();
        assert_eq!((err.kind(), err.line()), (*kind, *line), "input {text:?}");
    }
}

#[test]
fn defaults_and_source_options() {
    let options = |pairs: &[(&str, &str)]| Options {
        defaults: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        source: "logging.ini".to_string(),
        ..Options::default()
    };
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case] = &[
        (
            &[("Dir", "/tmp"), ("b", " kept  ")],
            "[s]\n",
            "[DEFAULT] dir=\"/tmp\" b=\" kept  \"\n[s] dir=\"/tmp\" b=\" kept  \"",
        ),
        (
            &[("a", "1"), ("b", "2")],
            "[DEFAULT]\nb = 3\nc = 4\n",
            "[DEFAULT] a=\"1\" b=\"3\" c=\"4\"",
        ),
        (
            &[("A", "1"), ("a", "2")],
            "[s]\n",
            "DuplicateOptionError: While reading from '<dict>': option 'a' in section 'DEFAULT' \
             already exists",
        ),
        (
            &[],
            "[s]\n[s]\n",
            "DuplicateSectionError: While reading from 'logging.ini' [line  2]: section 's' \
             already exists",
        ),
        (
            &[],
            "oops",
            "MissingSectionHeaderError: File contains no section headers. file: 'logging.ini', \
             line: 1 'oops'",
        ),
    ];
    for (defaults, text, expected) in cases {
        assert_eq!(
            outcome(text, &options(defaults)),
            *expected,
            "input {text:?}"
        );
    }
}

#[test]
fn interpolation_matches_basic_interpolation() {
    let text = "[DEFAULT]\n\
                base = /srv\n\
                deep0 = %(deep1)s\n\
                [s]\n\
                path = %(BASE)s/log\n\
                pct = 100%%\n\
                both = %(path)s:%(pct)s\n\
                plain = no percent\n\
                missing = a %(nope)s b\n\
                lone = 5 %\n\
                dangling = x %\n\
                letter = %d\n\
                unclosed = %(name\n\
                nos = %(name)x\n\
                empty = %()s\n\
                multi = %(base)s\n  %(pct)s\n\
                self = %(self)s\n\
                viamissing = %(missing)s\n\
                [d]\n\
                d1 = %(d2)s\n\
                d2 = %(d3)s\n\
                d3 = %(d4)s\n\
                d4 = %(d5)s\n\
                d5 = %(d6)s\n\
                d6 = %(d7)s\n\
                d7 = %(d8)s\n\
                d8 = %(d9)s\n\
                d9 = %(d10)s\n\
                d10 = %%\n\
                d0 = %(d1)s\n";
    let ini = parse(text, &Options::default()).unwrap();
    let cases: &[(&str, &str, &str)] = &[
        ("s", "path", "/srv/log"),
        ("s", "PCT", "100%"),
        ("s", "both", "/srv/log:100%"),
        ("s", "plain", "no percent"),
        ("s", "base", "/srv"),
        ("DEFAULT", "base", "/srv"),
        ("s", "multi", "/srv\n100%"),
        (
            "s",
            "missing",
            "InterpolationMissingOptionError: Bad value substitution: option 'missing' in section \
             's' contains an interpolation key 'nope' which is not a valid option name. Raw \
             value: 'a %(nope)s b'",
        ),
        (
            "s",
            "viamissing",
            "InterpolationMissingOptionError: Bad value substitution: option 'viamissing' in \
             section 's' contains an interpolation key 'nope' which is not a valid option name. \
             Raw value: '%(missing)s'",
        ),
        (
            "s",
            "lone",
            "InterpolationSyntaxError: '%' must be followed by '%' or '(', found: '%'",
        ),
        (
            "s",
            "letter",
            "InterpolationSyntaxError: '%' must be followed by '%' or '(', found: '%d'",
        ),
        (
            "s",
            "unclosed",
            "InterpolationSyntaxError: bad interpolation variable reference '%(name'",
        ),
        (
            "s",
            "nos",
            "InterpolationSyntaxError: bad interpolation variable reference '%(name)x'",
        ),
        (
            "s",
            "empty",
            "InterpolationSyntaxError: bad interpolation variable reference '%()s'",
        ),
        (
            "s",
            "self",
            "InterpolationDepthError: Recursion limit exceeded in value substitution: option \
             'self' in section 's' contains an interpolation key which cannot be substituted in \
             10 steps. Raw value: '%(self)s'",
        ),
        ("d", "d1", "%"),
        (
            "d",
            "d0",
            "InterpolationDepthError: Recursion limit exceeded in value substitution: option 'd0' \
             in section 'd' contains an interpolation key which cannot be substituted in 10 \
             steps. Raw value: '%(d1)s'",
        ),
        (
            "DEFAULT",
            "deep0",
            "InterpolationMissingOptionError: Bad value substitution: option 'deep0' in section \
             'DEFAULT' contains an interpolation key 'deep1' which is not a valid option name. \
             Raw value: '%(deep1)s'",
        ),
        ("nosuch", "x", "NoSectionError: No section: 'nosuch'"),
        (
            "s",
            "Nope",
            "NoOptionError: No option 'nope' in section: 's'",
        ),
        (
            "DEFAULT",
            "path",
            "NoOptionError: No option 'path' in section: 'DEFAULT'",
        ),
    ];
    for (section, option, expected) in cases {
        let got = match ini.get(section, option) {
            Ok(v) => v,
            Err(e) => format!("{}: {e}", e.kind().python_name()),
        };
        assert_eq!(got, *expected, "[{section}] {option}");
    }
    assert_eq!(ini.get_raw("s", "lone").unwrap(), "5 %");
    assert_eq!(ini.get_raw("DEFAULT", "base").unwrap(), "/srv");
    assert_eq!(
        ini.get_raw("x", "a").unwrap_err().kind(),
        ErrorKind::NoSection
    );
}

#[test]
fn interpolation_uses_section_then_defaults() {
    let options = Options {
        defaults: vec![("Who".to_string(), "caller".to_string())],
        ..Options::default()
    };
    let text = "[DEFAULT]\nwhere = default\n[a]\nmsg = %(who)s@%(where)s\n[b]\nwho = b\nwhere = here\nmsg = %(who)s@%(where)s\n";
    let ini = parse(text, &options).unwrap();
    assert_eq!(ini.get("a", "msg").unwrap(), "caller@default");
    assert_eq!(ini.get("b", "msg").unwrap(), "b@here");
    // A DEFAULT value referring to a section option sees the section's.
    let ini = parse("[DEFAULT]\nx = %(y)s!\n[a]\ny = 1\n", &Options::default()).unwrap();
    assert_eq!(ini.get("a", "x").unwrap(), "1!");
}

#[test]
fn expansion_is_bounded() {
    // Each level references the next twice: 2^9 copies of the leaf.
    let mut text = String::from("[s]\n");
    for i in 0..9 {
        text.push_str(&format!("l{i} = %(l{n})s%(l{n})s\n", n = i + 1));
    }
    text.push_str("l9 = 0123456789\n");
    let small = Options {
        max_expansion: 1000,
        ..Options::default()
    };
    let ini = parse(&text, &small).unwrap();
    let err = ini.get("s", "l0").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InterpolationTooLarge);
    assert_eq!(
        err.to_string(),
        "Value substitution too large: option 'l0' in section 's' expands past the limit of 1000 \
         bytes"
    );
    assert_eq!(ini.get("s", "l8").unwrap(), "01234567890123456789");
    let ini = parse(&text, &Options::default()).unwrap();
    assert_eq!(ini.get("s", "l0").unwrap().len(), 5120);
}

#[test]
fn lookups_follow_configparser() {
    let ini = parse("[DEFAULT]\nd = 1\n[x]\nA = 2\n", &Options::default()).unwrap();
    assert!(ini.has_section("x"));
    assert!(!ini.has_section("DEFAULT"));
    assert!(ini.has_option("x", "a") && ini.has_option("x", "D"));
    assert!(ini.has_option("", "d") && ini.has_option("DEFAULT", "d"));
    assert!(!ini.has_option("DEFAULT", "a") && !ini.has_option("y", "d"));
    assert_eq!(ini.options("x").unwrap(), ["a", "d"]);
    assert_eq!(ini.options("y").unwrap_err().to_string(), "No section: 'y'");
    assert_eq!(ini.get("DEFAULT", "D").unwrap(), "1");
}
