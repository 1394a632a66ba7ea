//! `check_config` and `apply_config`'s reading rule.

use super::*;
use proptest::prelude::*;

const INI: &str =
    "[loggers]\nkeys=root\n[handlers]\nkeys=\n[formatters]\nkeys=\n[logger_root]\nhandlers=\n";

#[test]
fn kinds_and_first_errors() {
    let cases: [(&[u8], Result<ConfigKind, &str>); 8] = [
        (br#"{"version": 1}"#, Ok(ConfigKind::Dict)),
        (INI.as_bytes(), Ok(ConfigKind::File)),
        (
            b"{\"version\": 1",
            Err("EOF while parsing an object at line 1 column 14"),
        ),
        (
            br#"{"version": "1"}"#,
            Err("version: Unsupported version: 1"),
        ),
        // INI text starts with `[`: its own error, not JSON's.
        (
            b"[loggers]\nkeys=root\n",
            Err("[formatters]: section is missing"),
        ),
        (b"[1, 2]", Err("[formatters]: section is missing")),
        (b"", Err("[formatters]: section is missing")),
        (
            b"ok\xc3",
            Err("configuration is not UTF-8: invalid byte at offset 2"),
        ),
    ];
    for (input, want) in cases {
        let got = check_config(input).map_err(|e| e.to_string());
        assert_eq!(got, want.map_err(str::to_string), "input {input:?}");
    }
}

#[test]
fn json_errors_carry_their_position() {
    let err = check_config(b"{\n  \"version\": 1,\n  oops\n}").unwrap_err();
    let pos = err.position().unwrap();
    assert_eq!((pos.line, pos.column), (3, 3));
}

proptest! {
    #[test]
    fn never_panics_and_dict_means_a_json_object(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(ConfigKind::Dict) = check_config(&bytes) {
            let text = std::str::from_utf8(&bytes).unwrap();
            prop_assert!(matches!(crate::json::parse(text), Ok(Value::Object(_))));
        }
    }

    #[test]
    fn ini_like_text_never_panics(text in "(\\[[a-z_]{0,8}\\]\n|[a-z]{0,6}=[a-zA-Z,()]{0,8}\n){0,12}") {
        let _ = check_config(text.as_bytes());
    }
}
