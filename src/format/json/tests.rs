use super::kwargs::required_fields;
use super::*;
use crate::fields::Field;
use crate::format::Style;
use crate::level::Level;
use std::time::{Duration, UNIX_EPOCH};

fn formatter(config: &str) -> Formatter {
    let value = crate::json::parse(config).unwrap();
    match value {
        Value::Object(map) => from_kwargs(&map).unwrap(),
        _ => panic!("not an object"),
    }
}

#[test]
fn fields_in_pythons_order_with_renames_statics_and_extras() {
    let f = formatter(
        r#"{"fmt": "%(levelname)s %(name)s %(message)s %(user)s",
            "rename_fields": {"levelname": "level"},
            "static_fields": {"service": "shop", "n": [1, 2.5]},
            "timestamp": "ts"}"#,
    );
    let fields = [
        Field::new("user", "bob"),
        Field::new("attempt", 3),
        Field::new("ok", true),
    ];
    let r = Record::new("app", Level::WARNING, "caf\u{e9} \"x\"\n")
        .with_fields(&fields)
        .with_created(UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456));
    assert_eq!(
        f.format_to_string(&r),
        "{\"level\": \"WARNING\", \"name\": \"app\", \"message\": \"caf\\u00e9 \\\"x\\\"\\n\", \
         \"user\": \"bob\", \"service\": \"shop\", \"n\": [1, 2.5], \"attempt\": 3, \
         \"ok\": true, \"ts\": \"2023-11-14T22:13:20.123456+00:00\"}"
    );
}

#[test]
fn parse_finds_names_as_python_json_logger_does() {
    // Python: re.findall(r'%\((.+?)\)', ...) and the other two regexes.
    assert_eq!(
        required_fields("%(a)s %(b)-5d %()s", Style::Percent),
        ["a", "b"]
    );
    assert_eq!(
        required_fields("{a} {b:>5} {} x}", Style::Brace),
        ["a", "b:>5", "} x"]
    );
    assert_eq!(
        required_fields("$a ${b} $$c $1 $A_9x", Style::Dollar),
        ["a", "b", "A_9x"]
    );
}

#[test]
fn errors_and_unknown_keys() {
    let e = std::io::Error::other("disk full");
    let f = formatter(r#"{"format": "%(message)s", "json_ensure_ascii": false}"#);
    let r = Record::new("a", Level::ERROR, "\u{e9}").with_error(&e);
    assert_eq!(
        f.format_to_string(&r),
        "{\"message\": \"\u{e9}\", \"exc_info\": \"Error: disk full\"}"
    );
    let map = match crate::json::parse(r#"{"indent": 2}"#).unwrap() {
        Value::Object(map) => map,
        _ => unreachable!(),
    };
    assert_eq!(
        from_kwargs(&map).unwrap_err(),
        "__init__() got an unexpected keyword argument 'indent'"
    );
}

#[test]
fn indent_writes_one_item_a_line_as_json_dumps() {
    let record = || Record::new("app", Level::INFO, "m");
    let f = formatter(
        r#"{"fmt": "%(message)s", "json_indent": 2,
            "static_fields": {"b": [1, "x"], "c": {}, "d": [], "e": {"f": null}}}"#,
    );
    // json.dumps({...}, indent=2), as Python writes it.
    assert_eq!(
        f.format_to_string(&record()),
        "{\n  \"message\": \"m\",\n  \"b\": [\n    1,\n    \"x\"\n  ],\n  \"c\": {},\n  \
         \"d\": [],\n  \"e\": {\n    \"f\": null\n  }\n}"
    );
    let tab = formatter(r#"{"fmt": "%(message)s", "json_indent": "\t", "prefix": "> "}"#);
    assert_eq!(
        tab.format_to_string(&record()),
        "> {\n\t\"message\": \"m\"\n}"
    );
    for (indent, want) in [
        ("0", "{\n\"message\": \"m\"\n}"),
        ("-3", "{\n\"message\": \"m\"\n}"),
        ("true", "{\n \"message\": \"m\"\n}"),
        ("null", "{\"message\": \"m\"}"),
    ] {
        let f = formatter(&format!(
            r#"{{"fmt": "%(message)s", "json_indent": {indent}}}"#
        ));
        assert_eq!(f.format_to_string(&record()), want, "{indent}");
    }
    let empty = formatter(r#"{"json_indent": 2}"#);
    assert_eq!(empty.format_to_string(&record()), "{}");
}

#[test]
fn bad_indents_are_refused_at_configuration() {
    for (indent, error) in [
        ("2.5", "json_indent must be an integer, a string or null"),
        ("[2]", "json_indent must be an integer, a string or null"),
        ("65", "json_indent above 64 is refused"),
        ("1000000000000", "json_indent above 64 is refused"),
    ] {
        let map = match crate::json::parse(&format!(r#"{{"json_indent": {indent}}}"#)).unwrap() {
            Value::Object(map) => map,
            _ => unreachable!(),
        };
        assert_eq!(from_kwargs(&map).unwrap_err(), error, "{indent}");
    }
    let long = format!(r#"{{"json_indent": "{}"}}"#, " ".repeat(65));
    let Value::Object(map) = crate::json::parse(&long).unwrap() else {
        unreachable!()
    };
    assert_eq!(
        from_kwargs(&map).unwrap_err(),
        "json_indent longer than 64 characters is refused"
    );
}

#[test]
fn exc_info_and_stack_info_as_arrays_of_lines() {
    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("load failed")
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    let e = Outer(std::io::Error::other("disk full"));
    let r = Record::new("a", Level::ERROR, "m")
        .with_error(&e)
        .with_stack_info("  frame 1\n  frame 2".to_string());
    let arrays =
        formatter(r#"{"fmt": "%(message)s", "exc_info_as_array": true, "stack_info_as_array": 1}"#);
    assert_eq!(
        arrays.format_to_string(&r),
        "{\"message\": \"m\", \"exc_info\": [\"Error: load failed\", \"Caused by: disk full\"], \
         \"stack_info\": [\"Stack (most recent call last):\", \"  frame 1\", \"  frame 2\"]}"
    );
    let strings = formatter(r#"{"fmt": "%(message)s", "exc_info_as_array": false}"#);
    assert_eq!(
        strings.format_to_string(&r),
        "{\"message\": \"m\", \"exc_info\": \"Error: load failed\\nCaused by: disk full\", \
         \"stack_info\": \"Stack (most recent call last):\\n  frame 1\\n  frame 2\"}"
    );
    let indented =
        formatter(r#"{"fmt": "%(message)s", "json_indent": 1, "exc_info_as_array": true}"#);
    assert_eq!(
        indented.format_to_string(&Record::new("a", Level::ERROR, "m").with_error(&e)),
        "{\n \"message\": \"m\",\n \"exc_info\": [\n  \"Error: load failed\",\n  \
         \"Caused by: disk full\"\n ]\n}"
    );
}

#[test]
fn lines_split_as_python_splitlines() {
    let text = "a\x0bb\x0cc\x1cd\x1de\x1ef\u{85}g\u{2028}h\u{2029}i\r\nj\rk\n";
    assert_eq!(
        split_lines(text),
        ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]
    );
    assert_eq!(split_lines("x\n\ny"), ["x", "", "y"]);
    assert_eq!(split_lines(""), Vec::<&str>::new());
    assert_eq!(split_lines("\r\n"), [""]);
    if let Some(python) = crate::python_test::run_python(
        "print([len(s) for s in 'a\\x0bb\\x0cc\\x1cd\\x1de\\x1ef\\x85g\\u2028h\\u2029i\\r\\nj\\rk\\n'.splitlines()])\n\
         print(len('x\\n\\ny'.splitlines()), len('\\r\\n'.splitlines()))",
        "",
        "str.splitlines",
    ) {
        assert_eq!(python, "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n3 1\n");
    }
}

proptest::proptest! {
    #[test]
    fn split_lines_rejoins_to_the_text_without_its_breaks(text in "[a\n\r\u{85}\u{2028}é]{0,40}") {
        let lines = split_lines(&text);
        let kept: usize = lines.iter().map(|l| l.len()).sum();
        let breaks = text.replace("\r\n", "\n");
        let removed = breaks.chars().filter(|c| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}')).count();
        proptest::prop_assert_eq!(kept, breaks.chars().filter(|c| !matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}')).map(char::len_utf8).sum::<usize>());
        proptest::prop_assert!(lines.len() == removed || lines.len() == removed + 1);
    }
}

#[test]
fn strings_escape_as_json_dumps() {
    let cases = [
        (
            "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{7f}",
            true,
            r#""a\"b\\c\n\r\t\b\f\u0001\u007f""#,
        ),
        ("\u{7f}\u{e9}\u{1F600}", false, "\"\u{7f}\u{e9}\u{1F600}\""),
        ("\u{e9}\u{1F600}x", true, r#""\u00e9\ud83d\ude00x""#),
    ];
    for (text, ascii, want) in cases {
        let mut out = String::new();
        push_json_str(text, ascii, &mut out);
        assert_eq!(out, want, "{text:?}");
    }
    if let Some(python) = crate::python_test::run_python(
        "import json\nprint(json.dumps('a\"b\\\\c\\n\\r\\t\\b\\f\\x01\\x7f'))\n\
         print(json.dumps('\\xe9\\U0001F600x'))",
        "",
        "json.dumps escaping",
    ) {
        assert_eq!(python, format!("{}\n{}\n", cases[0].2, cases[2].2));
    }
}

proptest::proptest! {
    #[test]
    fn output_always_parses(
        message in ".*",
        name in ".*",
        key in "[a-z_]{1,8}",
        value in ".*",
        ascii in proptest::bool::ANY,
    ) {
        let f = formatter(&format!(
            r#"{{"fmt": "%(name)s %(message)s", "json_ensure_ascii": {ascii}}}"#
        ));
        let fields = [Field::new(key, value.as_str()), Field::new("x", 1.5)];
        let r = Record::new(&name, Level::INFO, &message).with_fields(&fields);
        let text = f.format_to_string(&r);
        let parsed = crate::json::parse(&text);
        proptest::prop_assert!(parsed.is_ok(), "{text}");
        let Ok(Value::Object(map)) = parsed else { unreachable!() };
        proptest::prop_assert_eq!(map.get("message").and_then(Value::as_str), Some(message.as_str()));
        proptest::prop_assert_eq!(map.get("name").and_then(Value::as_str), Some(name.as_str()));
    }
}
