//! Differential tests against CPython: `json.dumps(json.loads(text))` must
//! equal our parse + Display byte for byte, and floats must print as `repr`.
//! One python3 process per test; skipped when python3 is absent.

use loglisten::json::{self, Number};
use std::ffi::OsStr;

#[path = "support/python.rs"]
mod python;
use python::{python_stdout, run_python};

/// Reads NUL-separated texts; prints one line per text: `OK <dumps>` or `ERR`.
/// Lone surrogates become U+FFFD first, as our parser documents.
const DUMPS: &str = r#"
import json, sys
sys.setrecursionlimit(10000)
def fix(o):
    if isinstance(o, str):
        return o.encode('utf-16-le', 'surrogatepass').decode('utf-16-le', 'replace')
    if isinstance(o, list):
        return [fix(x) for x in o]
    if isinstance(o, dict):
        return {fix(k): fix(v) for k, v in o.items()}
    return o
for raw in sys.stdin.buffer.read().split(b'\0'):
    try:
        print('OK ' + json.dumps(fix(json.loads(raw.decode('utf-8')))))
    except Exception:
        print('ERR')
"#;

/// Texts whose reading is not in the conformance suite: dictConfig shapes,
/// numbers at the edges, and strings.
const CORPUS: &[&str] = &[
    r#"{"version": 1, "disable_existing_loggers": false,
        "formatters": {"brief": {"format": "%(levelname)-8s %(name)-15s %(message)s"},
                       "precise": {"format": "%(asctime)s %(name)-15s %(levelname)-8s %(message)s",
                                   "datefmt": "%Y-%m-%d %H:%M:%S"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "brief",
                                 "level": "INFO", "stream": "ext://sys.stdout"},
                     "file": {"class": "logging.handlers.RotatingFileHandler", "formatter": "precise",
                              "filename": "/tmp/app.log", "maxBytes": 1048576, "backupCount": 3}},
        "loggers": {"app.db": {"level": "DEBUG", "handlers": ["file"], "propagate": false}},
        "root": {"level": "WARNING", "handlers": ["console"]}}"#,
    "[0, -0, 1, -1, 9223372036854775807, -9223372036854775808, 9223372036854775808]",
    "[18446744073709551615, 18446744073709551616, -18446744073709551616]",
    "[123456789012345678901234567890123456789, -98765432109876543210987654321]",
    "[0.0, -0.0, 1.0, 1.5, 1e16, 1e15, 1.5e-7, 1e-4, 1e-5, 123456789.123456789]",
    "[1E400, -1e400, 1e-400, 2.2250738585072011e-308, 4.9e-324, 1.7976931348623157e308]",
    "[0.1, 0.2, 0.30000000000000004, 3.141592653589793, 2.718281828459045, 100e-2]",
    r#"["", "a\"b\\c\/d", "\b\f\n\r\t", "\u0000\u001f\u007f\u0080", "é€😀", "\ud83d\ude00"]"#,
    r#"["\ud800", "\udc00", "\ud800\ud800", "\ud800x", "\udbff\udfff", "\uDBFF\uDFFF"]"#,
    r#"{"b": 1, "a": 2, "b": 3, "\u00e9": [], "": {}, "x": {"x": {"x": null}}}"#,
    "  [ true , false , null , [ ] , { } ]  ",
    "\"\u{2028}\u{2029}\u{feff}\u{fffe}\"",
    "[1,]",
    "[01]",
    "NaN",
    "\u{feff}[]",
];

#[test]
fn dumps_matches_python_on_corpus_and_suite() {
    let mut cases: Vec<(String, Vec<u8>)> = CORPUS
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("corpus #{i}"), t.as_bytes().to_vec()))
        .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/json/test_parsing");
    match std::fs::read_dir(&dir) {
        Ok(listing) => {
            let mut names: Vec<String> = listing
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            for name in names {
                let bytes = std::fs::read(dir.join(&name)).unwrap();
                // NUL separates the texts; a file holding one is invalid JSON
                // anyway and is covered by the conformance test.
                if !bytes.contains(&0) {
                    cases.push((name, bytes));
                }
            }
        }
        // Said past the harness's capture (every run shows it); under
        // LOGLISTEN_REQUIRE_PYTHON=1 (CI) the missing suite fails the test.
        Err(e) => python::skip(&format!(
            "JSONTestSuite not found at {} ({e}): its files not compared with CPython, corpus only",
            dir.display()
        )),
    }
    let input = cases
        .iter()
        .map(|(_, b)| b.as_slice())
        .collect::<Vec<_>>()
        .join(&0u8);
    let args = [OsStr::new("-c"), OsStr::new(DUMPS)];
    let Some(out) = python_stdout(&args, &[], &input, "json.dumps") else {
        return;
    };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), cases.len());
    let mut python_only = Vec::new();
    let mut compared = 0;
    for ((name, bytes), line) in cases.iter().zip(lines) {
        let ours = std::str::from_utf8(bytes)
            .ok()
            .and_then(|t| json::parse(t).ok());
        match (ours, line.strip_prefix("OK ")) {
            (Some(v), Some(theirs)) => {
                assert_eq!(v.to_string(), theirs, "{name}");
                compared += 1;
            }
            (None, Some(_)) => python_only.push(name.as_str()),
            (Some(v), None) => panic!("{name}: we accept {v}, Python rejects"),
            (None, None) => {}
        }
    }
    // Python reads NaN and Infinity, floats beyond f64 (as inf) and deep
    // nesting; we refuse those on purpose (see the module docs).
    let expected: &[&str] = if cases.len() > CORPUS.len() {
        &[
            "corpus #14",
            "corpus #5",
            "i_number_huge_exp.json",
            "i_number_neg_int_huge_exp.json",
            "i_number_pos_double_huge_exp.json",
            "i_number_real_neg_overflow.json",
            "i_number_real_pos_overflow.json",
            "i_structure_500_nested_arrays.json",
            "n_number_NaN.json",
            "n_number_infinity.json",
            "n_number_minus_infinity.json",
        ]
    } else {
        &["corpus #14", "corpus #5"]
    };
    python_only.sort();
    assert_eq!(python_only, expected);
    println!("json.dumps matched on {compared} texts");
}

/// Floats from spread-out bit patterns (a fixed xorshift sequence) and edge
/// values, printed by Python's `repr` and by us.
#[test]
fn floats_print_like_python_repr() {
    let mut floats: Vec<f64> = vec![
        0.0,
        -0.0,
        1.0,
        0.1,
        1e16,
        1e15,
        9999999999999998.0,
        1e-4,
        9.999e-5,
        1e-5,
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        1.0 / 3.0,
        2.0f64.powi(53),
        2.0f64.powi(63),
        1e22,
        1e23,
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    while floats.len() < 5000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let x = f64::from_bits(state);
        // Also numbers of everyday size, where positional notation is used.
        let y = (state >> 11) as f64 / (1u64 << 40) as f64;
        floats.extend([x, y].into_iter().filter(|f| f.is_finite()));
    }
    let input: String = floats
        .iter()
        .map(|f| format!("{}\n", f.to_bits()))
        .collect();
    let script = "import struct, sys\n\
        for line in sys.stdin.read().split():\n    \
        print(repr(struct.unpack('<d', struct.pack('<Q', int(line)))[0]))";
    let Some(out) = run_python(script, &input, "float repr") else {
        return;
    };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), floats.len());
    for (x, expected) in floats.iter().zip(lines) {
        assert_eq!(
            Number::from_f64(*x).unwrap().to_string(),
            expected,
            "bits {:#x}",
            x.to_bits()
        );
    }
}
