//! Properties: printing then parsing gives the value back, no input of
//! any kind makes the parser panic, and every error's position is in the
//! input with a line and column that agree with its offset.

#[path = "support/position.rs"]
mod position;

use loglisten::json::{self, Map, Number, Value};
use position::assert_in_text;
use proptest::prelude::*;

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>().prop_filter_map("finite", Number::from_f64),
        (-1e6..1e6f64).prop_filter_map("finite", Number::from_f64),
        // Integers beyond u64 and i64, kept as digits.
        "-?[1-9][0-9]{20,40}"
            .prop_map(|digits| { json::parse(&digits).unwrap().as_number().unwrap().clone() }),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        any::<String>().prop_map(Value::String),
        "[a-z\"\\\\\u{0}-\u{1f}]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(|v| Value::Array(v.into())),
            prop::collection::vec(("[a-c]{0,2}|.*", inner), 0..8)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn printed_values_parse_back(v in value()) {
        let text = v.to_string();
        let back = json::parse(&text).unwrap();
        prop_assert_eq!(&back, &v);
        // Printing is a fixed point too (this also checks the sign of -0.0).
        prop_assert_eq!(back.to_string(), text);
        prop_assert!(back.clone() == v);
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        if let Err(e) = json::parse(&text) {
            assert_in_text(&text, e.position());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = json::parse(text);
        }
    }

    #[test]
    fn json_like_text_never_panics(text in r#"[\[\]{}",:0-9eE.+\-tfnrulsa \\u/bdDF\u{0}\u{1f}é😀]{0,64}"#) {
        if let Err(e) = json::parse(&text) {
            // Every error points inside the text or just past it.
            prop_assert!(e.position().offset <= text.len());
            assert_in_text(&text, e.position());
            prop_assert!(!e.to_string().contains('\n'));
        }
    }

    #[test]
    fn damaged_documents_never_panic(v in value(), cut in any::<prop::sample::Index>(),
                                     byte in any::<u8>()) {
        let text = v.to_string();
        let mut bytes = text.into_bytes();
        let at = cut.index(bytes.len() + 1);
        bytes.insert(at, byte);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            if let Err(e) = json::parse(text) {
                assert_in_text(text, e.position());
            }
        }
        bytes.truncate(at);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            if let Err(e) = json::parse(text) {
                assert_in_text(text, e.position());
            }
        }
    }
}
