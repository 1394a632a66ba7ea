//! Nothing recurses on the call stack: a million-deep value parses, drops,
//! prints, compares and clones in a thread with a 256 KiB stack.

use loglisten::json::{self, Array, Map, Value};

const DEPTH: usize = 1_000_000;
const SMALL_STACK: usize = 256 * 1024;

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn nested_arrays(depth: usize) -> Value {
    let mut v = Value::Array(Array::new());
    for _ in 1..depth {
        v = Value::Array(vec![v].into());
    }
    v
}

fn nested_objects(depth: usize) -> Value {
    let mut v = Value::from(1i64);
    for _ in 0..depth {
        let mut m = Map::new();
        m.insert("a".into(), v);
        v = Value::Object(m);
    }
    v
}

#[test]
fn a_million_open_brackets_hit_the_depth_limit() {
    on_small_stack(|| {
        let err = json::parse(&"[".repeat(DEPTH)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "recursion limit exceeded at line 1 column 129"
        );
        let err = json::parse(&"{\"a\":".repeat(DEPTH)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "recursion limit exceeded at line 1 column 641"
        );
    });
}

#[test]
fn a_million_deep_array_parses_without_a_limit_and_drops() {
    on_small_stack(|| {
        let text = "[".repeat(DEPTH) + &"]".repeat(DEPTH);
        let v = json::parse_with_max_depth(&text, usize::MAX).unwrap();
        assert_eq!(v.to_string(), text);
        // An error deep inside drops the half-built stack.
        let broken = "[".repeat(DEPTH) + "x";
        let err = json::parse_with_max_depth(&broken, usize::MAX).unwrap_err();
        assert_eq!(err.position().column, DEPTH + 1);
    });
}

#[test]
fn a_million_deep_array_formats_compares_clones_and_drops() {
    on_small_stack(|| {
        let v = nested_arrays(DEPTH);
        let text = v.to_string();
        assert_eq!(text.len(), 2 * DEPTH);
        assert!(text.starts_with("[[[") && text.ends_with("]]]"));
        assert_eq!(format!("{v:?}"), text);
        let copy = v.clone();
        assert!(copy == v);
        let other = nested_arrays(DEPTH - 1);
        assert!(other != v);
        drop(copy);
        drop(other);
        drop(v);
    });
}

#[test]
fn a_million_deep_object_formats_compares_clones_and_drops() {
    on_small_stack(|| {
        let v = nested_objects(DEPTH);
        let map = v.as_object().unwrap();
        let text = format!("{map:?}");
        assert_eq!(text.len(), 7 * DEPTH + 1);
        assert!(text.starts_with(r#"{"a": {"a": "#) && text.ends_with("}}}"));
        assert_eq!(text.find('}'), Some(6 * DEPTH + 1));
        let copy = map.clone();
        assert!(&copy == map);
        drop(copy);
        drop(v);
    });
}

#[test]
fn a_deep_array_inside_an_array_clones_and_drops() {
    on_small_stack(|| {
        let a: Array = vec![nested_arrays(DEPTH), Value::Null].into();
        let b = a.clone();
        assert!(a == b);
        assert_eq!(format!("{b:?}").len(), 2 * DEPTH + 8);
        let items = b.into_vec();
        assert_eq!(items.len(), 2);
        drop(items);
        drop(a);
    });
}
