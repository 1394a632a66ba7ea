//! Unit tests of the map: key sharing, the index, Python dict semantics.

use super::*;

#[test]
fn extract_take_and_retain_keep_the_rest_findable() {
    for size in [4, 40] {
        let text: String = (0..size)
            .map(|i| format!("\"k{i}\": {i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let Value::Object(mut m) = crate::json::parse(&format!("{{{text}}}")).unwrap() else {
            panic!("an object")
        };
        assert_eq!(m.index.is_some(), size > INDEX_THRESHOLD);
        let [a, missing, b] = m.extract(["k3", "nope", "k1"]);
        assert_eq!(
            (a, missing, b),
            (Some(Value::from(3i64)), None, Some(Value::from(1i64)))
        );
        assert_eq!(m.take("k2"), Some(Value::from(2i64)));
        assert_eq!(m.get("k2"), Some(&Value::Null), "take leaves null");
        m.retain_keys(|k| k != "k0");
        assert_eq!(m.len(), size - 3);
        assert_eq!(m.index.is_some(), size - 3 > INDEX_THRESHOLD);
        for i in 4..size {
            assert_eq!(
                m.get(&format!("k{i}")).and_then(Value::as_i64),
                Some(i as i64)
            );
        }
        assert!(m.get("k0").is_none() && m.get("k1").is_none() && m.get("k3").is_none());
        let named: Vec<(String, Value)> = m.into_named().collect();
        let keys: Vec<&str> = named.iter().map(|(k, _)| k.as_str()).collect();
        let expected: Vec<String> = [2]
            .into_iter()
            .chain(4..size)
            .map(|i| format!("k{i}"))
            .collect();
        assert_eq!(keys, expected);
        assert_eq!(named[0].1, Value::Null);
    }
}

#[test]
fn index_finds_every_key_and_replaces_in_place() {
    let mut m = Map::new();
    for i in 0..1000 {
        assert_eq!(m.insert(format!("k{i}"), Value::from(i as i64)), None);
    }
    assert!(m.index.is_some());
    for i in 0..1000 {
        assert_eq!(
            m.get(&format!("k{i}")).and_then(Value::as_i64),
            Some(i as i64)
        );
    }
    assert_eq!(
        m.insert("k500".into(), Value::Null),
        Some(Value::from(500i64))
    );
    assert_eq!(m.len(), 1000);
    assert_eq!(
        m.iter().nth(500).map(|(k, v)| (k, v.is_null())),
        Some(("k500", true))
    );
    assert!(m.get("k1000").is_none());
    // A copy keeps a working index.
    let c = m.clone();
    assert_eq!(c.get("k999").and_then(Value::as_i64), Some(999));
    assert!(c == m);
}

#[test]
fn small_maps_have_no_index() {
    let m: Map = (0..INDEX_THRESHOLD)
        .map(|i| (i.to_string(), Value::Null))
        .collect();
    assert!(m.index.is_none());
    let m: Map = (0..=INDEX_THRESHOLD)
        .map(|i| (i.to_string(), Value::Null))
        .collect();
    assert!(m.index.is_some());
}

fn parse_object(text: &str) -> Map {
    match crate::json::parse(text) {
        Ok(Value::Object(m)) => m,
        other => panic!("{other:?}"),
    }
}

fn members(m: &Map) -> Vec<(String, String)> {
    m.iter()
        .map(|(k, v)| (k.to_owned(), v.to_string()))
        .collect()
}

#[test]
fn parsed_objects_share_the_document_text() {
    let v = crate::json::parse(r#"{"a": {"b": 1}, "c": [{"d": 2}]}"#).unwrap();
    let outer = v.as_object().unwrap();
    let inner = outer.get("a").and_then(Value::as_object).unwrap();
    let (Some(x), Some(y)) = (&outer.keys, &inner.keys) else {
        panic!("no key text");
    };
    assert!(Arc::ptr_eq(x, y));
    // Held by the three objects: the outer one, the inner one and the one
    // in the array.
    assert_eq!(Arc::strong_count(x), 3);
}

#[test]
fn escaped_keys_are_decoded_and_deduplicated() {
    let cases = [
        (r#"{"a": 1, "\u0061": 2}"#, r#"{"a": 2}"#),
        (r#"{"\u0061": 1, "a": 2, "b": 3}"#, r#"{"a": 2, "b": 3}"#),
        (
            r#"{"x\ny": 1, "x": {"\u00e9": 2, "e": 3}, "z\"": 4}"#,
            r#"{"x\ny": 1, "x": {"\u00e9": 2, "e": 3}, "z\"": 4}"#,
        ),
        (
            r#"{"\u0041": {"\u0042": {"\u0043": 1}, "b": 2}, "\u0044": 3}"#,
            r#"{"A": {"B": {"C": 1}, "b": 2}, "D": 3}"#,
        ),
        (r#"{"": 1, "\/": 2, "/": 3, "": 4}"#, r#"{"": 4, "/": 3}"#),
    ];
    for (text, expected) in cases {
        let v = crate::json::parse(text).unwrap();
        assert_eq!(v.to_string(), expected, "{text}");
    }
    let m = parse_object(r#"{"\u00e9t\u00e9": true, "plain": false}"#);
    assert_eq!(m.get("été"), Some(&Value::Bool(true)));
    assert_eq!(m.get("plain"), Some(&Value::Bool(false)));
}

#[test]
fn inserting_into_a_parsed_map_copies_only_its_keys() {
    let v = crate::json::parse(r#"{"long-outer-key": {"k": 1, "j": 2}}"#).unwrap();
    let mut inner = v
        .get("long-outer-key")
        .and_then(Value::as_object)
        .unwrap()
        .clone();
    assert_eq!(
        inner.insert("k".into(), Value::Null),
        Some(Value::from(1i64))
    );
    assert!(inner
        .keys
        .as_ref()
        .is_some_and(|k| Arc::strong_count(k) > 1));
    assert_eq!(inner.insert("new".into(), true.into()), None);
    assert_eq!(inner.keys.as_deref().map(String::as_str), Some("kjnew"));
    assert_eq!(
        members(&inner),
        [("k", "null"), ("j", "2"), ("new", "true")].map(|(k, v)| (k.into(), v.into()))
    );
    // The document is untouched.
    assert_eq!(v.to_string(), r#"{"long-outer-key": {"k": 1, "j": 2}}"#);
    // A copy of a hand-built map shares its keys until either changes.
    let mut copy = inner.clone();
    copy.insert("more".into(), Value::Null);
    assert_eq!(members(&inner).len(), 3);
    assert_eq!(members(&copy).len(), 4);
    assert!(copy.get("more").is_some() && inner.get("more").is_none());
}

#[test]
fn iter_debug_lists_the_members_left() {
    let m = parse_object(r#"{"a": 1, "b": [true]}"#);
    let mut it = m.iter();
    assert_eq!(format!("{it:?}"), r#"[("a", 1), ("b", [true])]"#);
    it.next();
    assert_eq!(format!("{it:?}"), r#"[("b", [true])]"#);
}

/// A Python dict as a list: a repeated key keeps its first position.
fn model_insert(model: &mut Vec<(String, i64)>, key: &str, value: i64) {
    match model.iter_mut().find(|(k, _)| k == key) {
        Some(member) => member.1 = value,
        None => model.push((key.to_owned(), value)),
    }
}

fn model_text(model: &[(String, i64)]) -> String {
    let m: Map = model
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(*v)))
        .collect();
    Value::Object(m).to_string()
}

proptest::proptest! {
    #[test]
    fn parsed_and_extended_maps_act_like_python_dicts(
        keys in proptest::collection::vec("[abé]{0,3}", 0..40),
        extra in proptest::collection::vec("[abc]{0,2}", 0..20),
    ) {
        // Keys are written with escapes half of the time (`\u0061` for `a`).
        let mut text = String::from("{");
        let mut model = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            let written = if i % 2 == 0 { key.replace('a', "\\u0061") } else { key.clone() };
            let written = written.replace('é', "\\u00e9");
            if i > 0 {
                text.push_str(", ");
            }
            text.push_str(&format!("\"{written}\": {i}"));
            model_insert(&mut model, key, i as i64);
        }
        text.push('}');
        let mut m = parse_object(&text);
        proptest::prop_assert_eq!(Value::Object(m.clone()).to_string(), model_text(&model));
        let copy = m.clone();
        for (i, key) in extra.iter().enumerate() {
            let value = 1000 + i as i64;
            m.insert(key.clone(), Value::from(value));
            model_insert(&mut model, key, value);
        }
        proptest::prop_assert_eq!(Value::Object(m.clone()).to_string(), model_text(&model));
        for (key, value) in &model {
            proptest::prop_assert_eq!(m.get(key).and_then(Value::as_i64), Some(*value));
        }
        proptest::prop_assert!(copy.len() <= m.len());
    }
}
