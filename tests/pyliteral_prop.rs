//! Robustness of `pyliteral::parse`: no input panics or overflows the stack.

#[path = "support/position.rs"]
mod position;

use loglisten::pyliteral::{parse, PyValue, MAX_DEPTH};
use position::assert_in_text;
use proptest::prelude::*;

/// Whether the value prints as text `parse` reads back (`inf` does not).
fn printable_back(v: &PyValue) -> bool {
    match v {
        PyValue::Float(x) => x.is_finite(),
        PyValue::Tuple(items) | PyValue::List(items) => items.iter().all(printable_back),
        PyValue::Dict(entries) => entries
            .iter()
            .all(|(k, v)| printable_back(k) && printable_back(v)),
        _ => true,
    }
}

/// Parses, and checks what every result must satisfy: an error points
/// inside the text, at a line and column that agree with its offset; a value prints as Python source that parses back to it.
fn check(text: &str) {
    match parse(text) {
        Ok(v) => {
            if printable_back(&v) {
                let printed = v.to_string();
                assert_eq!(
                    parse(&printed).as_ref(),
                    Ok(&v),
                    "{text:?} printed as {printed:?}"
                );
            }
        }
        Err(e) => {
            let p = e.position();
            assert!(p.offset <= text.len(), "{text:?}: {e}");
            assert!(p.line >= 1 && p.column >= 1, "{text:?}: {e}");
            assert_in_text(text, p);
            assert!(!e.to_string().contains('\n'), "{text:?}: {e}");
        }
    }
}

/// Fragments of the accepted language and of its near misses, so random
/// sequences reach deep into the parser.
const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    ".",
    " ",
    "\n",
    "#c\n",
    "\\\n",
    "'",
    "\"",
    "'''",
    "r'",
    "b'",
    "\\",
    "\\x4",
    "\\u12",
    "\\N",
    "0",
    "1",
    "9",
    "_",
    "e",
    "j",
    "0x",
    "0o",
    "0b",
    "1.5",
    ".5",
    "9223372036854775807",
    "-",
    "+",
    "*",
    "**",
    "//",
    "/",
    "%",
    "~",
    "<",
    "==",
    "sys",
    "sys.stdout",
    "DEBUG",
    "handlers.SysLogHandler.LOG_USER",
    "True",
    "None",
    "lambda",
    "f",
    "é",
    "😀",
    "\r",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn fragment_soup_never_panics(parts in proptest::collection::vec(0..FRAGMENTS.len(), 0..40)) {
        let text: String = parts.iter().map(|&i| FRAGMENTS[i]).collect();
        check(&text);
    }

    #[test]
    fn integers_round_trip(n in any::<i64>()) {
        let text = if n == i64::MIN { format!("{} - 1", n + 1) } else { n.to_string() };
        prop_assert_eq!(parse(&text), Ok(PyValue::Int(n)));
    }

    #[test]
    fn finite_floats_round_trip(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
        let v = parse(&format!("{x:?}")).unwrap();
        prop_assert_eq!(&v, &PyValue::Float(x));
        prop_assert_eq!(parse(&v.to_string()), Ok(v));
    }

    #[test]
    fn strings_round_trip(s in "[^\u{0}]*") {
        let v = PyValue::Str(s);
        prop_assert_eq!(parse(&v.to_string()), Ok(v));
    }
}

/// Runs `f` on a thread with a 256 KiB stack: a recursive parser would
/// overflow it long before 100,000 levels.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the parser panicked or overflowed its stack");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    on_small_stack(|| {
        const N: usize = 100_000;
        let msg = format!("nesting too deep (the limit is {MAX_DEPTH} levels)");
        let cases = [
            ("(".repeat(N), MAX_DEPTH + 1),
            ("[".repeat(N), MAX_DEPTH + 1),
            (format!("{}1", "-".repeat(N)), MAX_DEPTH + 1),
            (format!("{}1", "+-".repeat(N / 2)), MAX_DEPTH + 1),
            (
                format!("{}1{}", "(-".repeat(N), ")".repeat(N)),
                MAX_DEPTH + 1,
            ),
            (format!("{}1", "2**".repeat(N)), 3 * MAX_DEPTH + 2),
            ("{1:".repeat(N), 3 * MAX_DEPTH + 1),
            (
                format!("{}1{}", "(".repeat(N), ")".repeat(N)),
                MAX_DEPTH + 1,
            ),
        ];
        for (text, column) in cases {
            let e = parse(&text).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("{msg} at line 1 column {column}"),
                "{}",
                &text[..10]
            );
        }
    });
}

#[test]
fn deepest_accepted_values_are_fine_on_a_small_stack() {
    on_small_stack(|| {
        let text = format!(
            "{}1{}",
            "[{1: (".repeat(MAX_DEPTH / 3),
            ",)}]".repeat(MAX_DEPTH / 3)
        );
        let v = parse(&text).unwrap();
        assert_eq!(
            v.to_string(),
            format!("{}1{}", "[{1: (".repeat(33), ",)}]".repeat(33))
        );
        assert_eq!(parse(&v.to_string()), Ok(v.clone()));
        drop(v);
        let text = format!("{}1", "-".repeat(MAX_DEPTH));
        assert_eq!(parse(&text), Ok(PyValue::Int(1)));
    });
}
