//! JSONTestSuite (../shared/conformance/json/test_parsing): every `y_` file
//! parses, every `n_` file is rejected, every `i_` file runs without panic.

use loglisten::json;
use std::path::PathBuf;

/// The implementation-defined files this parser rejects, and why.
const I_REJECTED: &[&str] = &[
    // Floats beyond f64: Python makes them inf, we refuse (see module docs).
    "i_number_huge_exp.json",
    "i_number_neg_int_huge_exp.json",
    "i_number_pos_double_huge_exp.json",
    "i_number_real_neg_overflow.json",
    "i_number_real_pos_overflow.json",
    // Not UTF-8.
    "i_string_UTF-16LE_with_BOM.json",
    "i_string_UTF-8_invalid_sequence.json",
    "i_string_UTF8_surrogate_U+D800.json",
    "i_string_invalid_utf-8.json",
    "i_string_iso_latin_1.json",
    "i_string_lone_utf8_continuation_byte.json",
    "i_string_not_in_unicode_range.json",
    "i_string_overlong_sequence_2_bytes.json",
    "i_string_overlong_sequence_6_bytes.json",
    "i_string_overlong_sequence_6_bytes_null.json",
    "i_string_truncated-utf-8.json",
    "i_string_utf16BE_no_BOM.json",
    "i_string_utf16LE_no_BOM.json",
    // Deeper than the default limit of 128.
    "i_structure_500_nested_arrays.json",
    // A byte order mark, as Python's json.loads.
    "i_structure_UTF-8_BOM_empty_object.json",
];

fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/json/test_parsing")
}

#[test]
fn json_test_suite() {
    let dir = suite_dir();
    let Ok(listing) = std::fs::read_dir(&dir) else {
        let message = format!(
            "SKIPPED: JSONTestSuite not found at {} (link /work/shared there)\n",
            dir.display()
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr(), message.as_bytes());
        return;
    };
    let mut names: Vec<String> = listing
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let (mut y, mut n, mut i) = (0, 0, 0);
    let mut wrong = Vec::new();
    let mut i_rejected = Vec::new();
    for name in &names {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        // Invalid UTF-8 counts as rejected.
        let result = std::str::from_utf8(&bytes).map(json::parse);
        let accepted = matches!(result, Ok(Ok(_)));
        match name.split('_').next() {
            Some("y") if accepted => y += 1,
            Some("n") if !accepted => n += 1,
            Some("i") => {
                i += 1;
                if !accepted {
                    i_rejected.push(name.as_str());
                }
            }
            _ => wrong.push(format!("{name}: {result:?}")),
        }
    }
    assert!(wrong.is_empty(), "misjudged files:\n{}", wrong.join("\n"));
    assert_eq!(i_rejected, I_REJECTED);
    assert_eq!((y, n, i), (95, 188, 35), "the suite changed size");
    // Written to stderr directly: the test harness captures println! of
    // passing tests, and the counts should show in every run.
    let counts =
        format!("JSONTestSuite: {y} y_ accepted, {n} n_ rejected, {i} i_ ran without panic\n");
    std::io::Write::write_all(&mut std::io::stderr(), counts.as_bytes()).expect("stderr");
}
