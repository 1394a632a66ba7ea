//! Parsing: accepted texts with their exact reading, rejected texts with their
//! exact error message, numbers, strings, duplicate keys and depth.

use loglisten::json::{self, Array, Map, Number, Value};

/// Parses `text`, printing it back (Python's `json.dumps` form).
fn dumps(text: &str) -> String {
    match json::parse(text) {
        Ok(v) => v.to_string(),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn accepted_texts_and_their_values() {
    let cases: &[(&str, &str)] = &[
        ("null", "null"),
        ("true", "true"),
        ("false", "false"),
        (" \t\r\n 1 \t\r\n ", "1"),
        ("0", "0"),
        ("-0", "0"),
        ("-0.0", "-0.0"),
        ("0.5", "0.5"),
        ("1E2", "100.0"),
        ("1e+2", "100.0"),
        ("1.5e-7", "1.5e-07"),
        ("-12.50e1", "-125.0"),
        ("1e16", "1e+16"),
        ("1e-400", "0.0"),
        ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("18446744073709551615", "18446744073709551615"),
        ("18446744073709551616", "18446744073709551616"),
        ("-9223372036854775809", "-9223372036854775809"),
        (
            "123456789012345678901234567890",
            "123456789012345678901234567890",
        ),
        ("\"\"", "\"\""),
        (
            r#""a\"b\\c\/d\be\ff\ng\rh\ti""#,
            r#""a\"b\\c/d\be\ff\ng\rh\ti""#,
        ),
        (r#""\u00e9\u00C9""#, r#""\u00e9\u00c9""#),
        ("\"é😀\u{7f}\"", r#""\u00e9\ud83d\ude00\u007f""#),
        (r#""\ud83d\ude00""#, r#""\ud83d\ude00""#),
        (r#""\ud800""#, r#""\ufffd""#),
        (r#""\ud800x""#, r#""\ufffdx""#),
        (r#""\ud800\u0041""#, r#""\ufffdA""#),
        (r#""\udc00\ud800""#, r#""\ufffd\ufffd""#),
        (r#""\ud800\ud800\udc00""#, r#""\ufffd\ud800\udc00""#),
        (r#""\u0000""#, r#""\u0000""#),
        ("[]", "[]"),
        ("[ ]", "[]"),
        ("{}", "{}"),
        ("{ }", "{}"),
        ("[1,[2,[3,{}]],[]]", "[1, [2, [3, {}]], []]"),
        (
            r#"{"a":1,"b":[true,null],"c":{"d":"e"}}"#,
            r#"{"a": 1, "b": [true, null], "c": {"d": "e"}}"#,
        ),
        (r#"{ "z" : 1 , "a" : 2 }"#, r#"{"z": 1, "a": 2}"#),
        (r#"{"a":1,"b":2,"a":3}"#, r#"{"a": 3, "b": 2}"#),
        (r#"{"":0}"#, r#"{"": 0}"#),
    ];
    for &(text, expected) in cases {
        assert_eq!(dumps(text), expected, "input {text:?}");
    }
}

#[test]
fn rejected_texts_and_their_messages() {
    let deep = "[".repeat(129);
    let cases: &[(&str, &str)] = &[
        ("", "EOF while parsing a value at line 1 column 1"),
        ("   ", "EOF while parsing a value at line 1 column 4"),
        ("x", "expected value at line 1 column 1"),
        (".5", "expected value at line 1 column 1"),
        ("+1", "expected value at line 1 column 1"),
        ("NaN", "expected value at line 1 column 1"),
        ("[Infinity]", "expected value at line 1 column 2"),
        ("'a'", "expected value at line 1 column 1"),
        ("[1,,2]", "expected value at line 1 column 4"),
        ("\u{c}1", "expected value at line 1 column 1"),
        ("\u{a0}1", "expected value at line 1 column 1"),
        (
            "\u{feff}{}",
            "unexpected byte order mark at line 1 column 1",
        ),
        ("[1,]", "trailing comma at line 1 column 3"),
        (r#"{"a":1,}"#, "trailing comma at line 1 column 7"),
        ("[\n  1,\n   2,\n]", "trailing comma at line 3 column 5"),
        ("[\"é\" , ]", "trailing comma at line 1 column 6"),
        (
            "\"a\u{1}b\"",
            "control character in string at line 1 column 3",
        ),
        ("\"a\nb\"", "control character in string at line 1 column 3"),
        (
            "\"a\\n\tb\"",
            "control character in string at line 1 column 5",
        ),
        (&deep, "recursion limit exceeded at line 1 column 129"),
        ("1 2", "trailing characters at line 1 column 3"),
        ("[1]//", "trailing characters at line 1 column 4"),
        ("\"é\" x", "trailing characters at line 1 column 5"),
        ("{}\n\n  ]", "trailing characters at line 3 column 3"),
        ("truex", "trailing characters at line 1 column 5"),
        ("\"abc", "EOF while parsing a string at line 1 column 5"),
        ("\"a\\", "EOF while parsing a string at line 1 column 4"),
        ("\"\\u12", "EOF while parsing a string at line 1 column 6"),
        ("[1", "EOF while parsing an array at line 1 column 3"),
        ("[1,", "EOF while parsing a value at line 1 column 4"),
        ("[", "EOF while parsing a value at line 1 column 2"),
        ("{", "EOF while parsing an object at line 1 column 2"),
        (r#"{"a""#, "EOF while parsing an object at line 1 column 5"),
        (r#"{"a":"#, "EOF while parsing a value at line 1 column 6"),
        (
            r#"{"a":1"#,
            "EOF while parsing an object at line 1 column 7",
        ),
        (
            r#"{"a":1,"#,
            "EOF while parsing an object at line 1 column 8",
        ),
        (r#"{"a" 1}"#, "expected ':' at line 1 column 6"),
        ("{1:2}", "key must be a string at line 1 column 2"),
        (r#"{"a":1,2}"#, "key must be a string at line 1 column 8"),
        (r#"{'a':1}"#, "key must be a string at line 1 column 2"),
        ("[1 2]", "expected ',' or ']' at line 1 column 4"),
        (r#"{"a":1 "b":2}"#, "expected ',' or '}' at line 1 column 8"),
        (r#""\x""#, "invalid escape at line 1 column 2"),
        (r#""\U0041""#, "invalid escape at line 1 column 2"),
        (r#""ab\u12g4""#, "invalid unicode escape at line 1 column 4"),
        (
            r#""\ud800\u12""#,
            "invalid unicode escape at line 1 column 8",
        ),
        ("tru", "EOF while parsing a value at line 1 column 4"),
        ("trux", "invalid literal at line 1 column 1"),
        ("[nul1]", "invalid literal at line 1 column 2"),
        ("False", "expected value at line 1 column 1"),
        ("01", "invalid number at line 1 column 2"),
        ("-01", "invalid number at line 1 column 3"),
        ("-", "invalid number at line 1 column 2"),
        ("-x", "invalid number at line 1 column 2"),
        ("1.", "invalid number at line 1 column 3"),
        ("1.e5", "invalid number at line 1 column 3"),
        ("1e", "invalid number at line 1 column 3"),
        ("1e+", "invalid number at line 1 column 4"),
        ("[1e400]", "number out of range at line 1 column 2"),
        ("-1e400", "number out of range at line 1 column 1"),
        ("1.0e309", "number out of range at line 1 column 1"),
    ];
    for &(text, expected) in cases {
        assert_eq!(dumps(text), format!("error: {expected}"), "input {text:?}");
    }
}

#[test]
fn error_exposes_its_position() {
    let err = json::parse("{\n  \"é\": [1,]\n}").unwrap_err();
    let p = err.position();
    assert_eq!((p.offset, p.line, p.column), (12, 2, 10));
    let as_std: &dyn std::error::Error = &err;
    assert_eq!(as_std.to_string(), "trailing comma at line 2 column 10");
}

#[test]
fn depth_limit() {
    let nest = |n: usize| "[".repeat(n) + &"]".repeat(n);
    assert!(json::parse(&nest(128)).is_ok());
    assert_eq!(
        json::parse(&nest(129)).unwrap_err().to_string(),
        "recursion limit exceeded at line 1 column 129"
    );
    let objects = r#"{"a":"#.repeat(129) + "1" + &"}".repeat(129);
    assert_eq!(
        json::parse(&objects).unwrap_err().to_string(),
        "recursion limit exceeded at line 1 column 641"
    );
    assert_eq!(
        json::parse_with_max_depth("1", 0).map(|v| v.to_string()),
        Ok("1".to_string())
    );
    assert_eq!(
        json::parse_with_max_depth("[]", 0).unwrap_err().to_string(),
        "recursion limit exceeded at line 1 column 1"
    );
    assert_eq!(
        json::parse_with_max_depth("[{}]", 1)
            .unwrap_err()
            .to_string(),
        "recursion limit exceeded at line 1 column 2"
    );
    assert!(json::parse_with_max_depth(&nest(5000), 5000).is_ok());
    assert!(json::parse_with_max_depth(&nest(5000), 4999).is_err());
}

#[test]
fn numbers_are_exact_or_rejected() {
    let n = |text: &str| json::parse(text).unwrap();
    assert_eq!(n("9223372036854775807").as_i64(), Some(i64::MAX));
    assert_eq!(n("-9223372036854775808").as_i64(), Some(i64::MIN));
    assert_eq!(n("9223372036854775808").as_i64(), None);
    assert_eq!(n("9223372036854775808").as_u64(), Some(1 << 63));
    assert_eq!(n("18446744073709551615").as_u64(), Some(u64::MAX));
    assert_eq!(n("-1").as_u64(), None);
    assert_eq!(n("-0").as_u64(), Some(0));
    // Beyond u64: exact digits, no integer view, an f64 view when finite.
    let big = n("18446744073709551616");
    assert_eq!((big.as_u64(), big.as_i64()), (None, None));
    assert_eq!(big.as_f64(), Some(18446744073709551616.0));
    assert!(big.as_number().unwrap().is_integer());
    let huge = n(&("1".to_string() + &"0".repeat(400)));
    assert_eq!(huge.as_f64(), None);
    assert_eq!(huge.to_string().len(), 401);
    assert!(n("-9223372036854775809") != n("-9223372036854775808"));
    // Floats are never integers, even when whole.
    assert_eq!(n("1.0").as_i64(), None);
    assert_eq!(n("1.0").as_f64(), Some(1.0));
    assert_eq!(n("2").as_f64(), Some(2.0));
    assert_eq!(n("0.1").as_f64(), Some(0.1));
    assert_eq!(
        n("2.2250738585072011e-308").as_f64(),
        Some(2.225073858507201e-308)
    );
    assert!(n("1") != n("1.0"));
    assert!(n("-0.0") == n("0.0"));
    assert_eq!(n("-0.0").as_f64().map(f64::is_sign_negative), Some(true));
    assert_eq!(
        Value::from(Number::from_f64(-1.5).unwrap()).to_string(),
        "-1.5"
    );
    assert!(Number::from_f64(f64::INFINITY).is_none());
}

#[test]
fn accessors() {
    let v: Value = r#"{"s": "x", "i": -3, "u": 18446744073709551615, "f": 1.5,
        "b": false, "n": null, "a": [1], "o": {"k": "v"}}"#
        .parse()
        .unwrap();
    let get = |k: &str| v.get(k).unwrap();
    assert_eq!(get("s").as_str(), Some("x"));
    assert_eq!(get("i").as_i64(), Some(-3));
    assert_eq!(get("u").as_u64(), Some(u64::MAX));
    assert_eq!(get("f").as_f64(), Some(1.5));
    assert_eq!(get("b").as_bool(), Some(false));
    assert!(get("n").is_null());
    assert_eq!(get("a").as_array().map(|a| a.len()), Some(1));
    assert_eq!(get("o").get("k").and_then(Value::as_str), Some("v"));
    assert_eq!(v.get("missing"), None);
    // Each accessor says None for every other kind.
    assert_eq!(get("s").as_i64(), None);
    assert_eq!(get("i").as_str(), None);
    assert_eq!(get("n").as_bool(), None);
    assert_eq!(get("b").as_f64(), None);
    assert!(get("a").as_object().is_none());
    assert!(get("o").as_array().is_none());
    assert!(!get("s").is_null());
    assert_eq!(get("a").get("k"), None);
    let keys: Vec<&str> = v.as_object().unwrap().iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["s", "i", "u", "f", "b", "n", "a", "o"]);
}

#[test]
fn duplicate_keys_keep_first_position_and_last_value() {
    let v = json::parse(r#"{"a": 1, "b": 2, "a": 3, "c": 4, "b": 5}"#).unwrap();
    assert_eq!(v.to_string(), r#"{"a": 3, "b": 5, "c": 4}"#);
    // The same in an object large enough to be indexed.
    let mut text = String::from("{");
    for i in 0..2000 {
        text.push_str(&format!("\"k{i}\": {i}, "));
    }
    text.push_str("\"k7\": \"last\", \"k1999\": null}");
    let v = json::parse(&text).unwrap();
    let m = v.as_object().unwrap();
    assert_eq!(m.len(), 2000);
    assert_eq!(m.get("k7").and_then(Value::as_str), Some("last"));
    assert!(m.get("k1999").unwrap().is_null());
    assert_eq!(m.iter().nth(7).map(|(k, _)| k), Some("k7"));
    assert_eq!(m.iter().last().map(|(k, _)| k), Some("k1999"));
    assert_eq!(m.get("k1000").and_then(Value::as_i64), Some(1000));
}

#[test]
fn many_keys_parse_in_linear_time() {
    // 200,000 distinct keys: quadratic duplicate checks would take minutes.
    let mut text = String::from("{");
    for i in 0..200_000 {
        text.push_str(&format!("\"key{i}\":{i},"));
    }
    text.push_str("\"end\":0}");
    let start = std::time::Instant::now();
    let v = json::parse(&text).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 200_001);
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
}

#[test]
fn equality_ignores_member_order_not_types() {
    let p = |t: &str| json::parse(t).unwrap();
    assert_eq!(p(r#"{"a": 1, "b": [1, 2]}"#), p(r#"{"b": [1, 2], "a": 1}"#));
    assert_ne!(p(r#"{"a": 1}"#), p(r#"{"a": 1, "b": 2}"#));
    assert_ne!(p(r#"{"a": 1, "b": 2}"#), p(r#"{"a": 1, "c": 2}"#));
    assert_ne!(p("[1, 2]"), p("[2, 1]"));
    assert_ne!(p("[1]"), p("[1, 1]"));
    assert_ne!(p("[]"), p("{}"));
    assert_ne!(p("null"), p("false"));
    assert_ne!(p(r#""1""#), p("1"));
    let m1: Map = p(r#"{"x": {"y": 1}}"#).as_object().unwrap().clone();
    let m2: Map = p(r#"{"x": {"y": 2}}"#).as_object().unwrap().clone();
    assert!(m1 != m2);
    let a: Array = vec![Value::from(1i64)].into();
    assert!(a == vec![Value::from(1i64)].into());
}

#[test]
fn from_str_and_building_by_hand() {
    let v: Value = "[true]".parse().unwrap();
    let mut a = Array::new();
    a.push(Value::from(true));
    assert_eq!(v, Value::Array(a));
    let m: Map = [
        ("k".to_string(), Value::from("v")),
        ("n".to_string(), Value::from(2u64)),
    ]
    .into_iter()
    .collect();
    assert_eq!(Value::from(m).to_string(), r#"{"k": "v", "n": 2}"#);
    let a: Array = (1..=3i64).map(Value::from).collect();
    assert_eq!(a.iter().filter_map(Value::as_i64).sum::<i64>(), 6);
    assert_eq!(a.into_vec().len(), 3);
    assert!("[".parse::<Value>().is_err());
}
