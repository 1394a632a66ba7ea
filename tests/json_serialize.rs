//! Display writes exactly Python's `json.dumps(value)`.

use loglisten::json::{Array, Map, Number, Value};

fn string(s: &str) -> String {
    Value::from(s).to_string()
}

#[test]
fn strings_are_escaped_like_ensure_ascii() {
    let cases: &[(&str, &str)] = &[
        ("", r#""""#),
        ("plain text ~!@#$%^&*()", r#""plain text ~!@#$%^&*()""#),
        (
            "quote \" backslash \\ slash /",
            r#""quote \" backslash \\ slash /""#,
        ),
        ("\n\r\t\u{8}\u{c}", r#""\n\r\t\b\f""#),
        ("\u{0}\u{1}\u{1f}", r#""\u0000\u0001\u001f""#),
        ("\u{7f}", r#""\u007f""#),
        ("é", r#""\u00e9""#),
        ("\u{2028}\u{ffff}", r#""\u2028\uffff""#),
        ("😀", r#""\ud83d\ude00""#),
        ("\u{10ffff}", r#""\udbff\udfff""#),
        ("a€b\u{1d11e}c", r#""a\u20acb\ud834\udd1ec""#),
    ];
    for &(s, expected) in cases {
        assert_eq!(string(s), expected, "string {s:?}");
    }
}

#[test]
fn values_print_with_python_separators() {
    let mut inner = Map::new();
    inner.insert("é".into(), Value::from(Number::from_f64(0.5).unwrap()));
    let mut m = Map::new();
    m.insert("null".into(), Value::Null);
    m.insert(
        "list".into(),
        Value::Array(vec![true.into(), false.into(), Array::new().into()].into()),
    );
    m.insert("obj".into(), Value::Object(inner));
    m.insert("empty".into(), Value::Object(Map::new()));
    m.insert("neg".into(), Value::from(i64::MIN));
    m.insert("max".into(), Value::from(u64::MAX));
    assert_eq!(
        Value::Object(m).to_string(),
        r#"{"null": null, "list": [true, false, []], "obj": {"\u00e9": 0.5}, "empty": {}, "neg": -9223372036854775808, "max": 18446744073709551615}"#
    );
}

#[test]
fn floats_print_like_python_repr() {
    let cases: &[(f64, &str)] = &[
        (1.0, "1.0"),
        (-0.0, "-0.0"),
        (100.0, "100.0"),
        (1e16, "1e+16"),
        (1.5e-7, "1.5e-07"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (-5e-324, "-5e-324"),
        (1234567890123456.7, "1234567890123456.8"),
    ];
    for &(x, expected) in cases {
        assert_eq!(
            Value::from(Number::from_f64(x).unwrap()).to_string(),
            expected
        );
    }
}

#[test]
fn debug_is_the_json_text() {
    let v: Value = r#"{"a": [1, "x"], "b": {}}"#.parse().unwrap();
    assert_eq!(format!("{v:?}"), r#"{"a": [1, "x"], "b": {}}"#);
    assert_eq!(
        format!("{:?}", v.as_object().unwrap()),
        r#"{"a": [1, "x"], "b": {}}"#
    );
    assert_eq!(
        format!("{:?}", v.get("a").unwrap().as_array().unwrap()),
        r#"[1, "x"]"#
    );
    assert_eq!(format!("{:?}", Array::new()), "[]");
    assert_eq!(format!("{:?}", Map::new()), "{}");
    assert_eq!(format!("{:?}", Number::from(3u64)), "Number(3)");
    assert_eq!(format!("{:?}", v.as_object().unwrap().iter().count()), "2");
}
