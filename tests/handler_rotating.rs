//! RotatingFileHandler: file names and contents, CPython's size rule,
//! a differential test against CPython, and a property: no record lost.

use loglisten::handler::{FileSettings, Mode, RotatingFileHandler, RotatingSettings};
use loglisten::{Handler, Level, Record, SharedHandler};
use proptest::prelude::*;
use std::fs;
use std::path::Path;

/// A directory under the system temp dir, unique per use, removed after.
#[path = "support/tempdir.rs"]
mod tempdir;
use tempdir::{emit, files, listing, TempDir};

#[path = "support/python.rs"]
mod python;

fn rotating(path: &Path, max_bytes: i64, backup_count: i64) -> RotatingFileHandler {
    RotatingFileHandler::new(RotatingSettings::new(path, max_bytes, backup_count)).unwrap()
}

#[test]
fn rolls_over_before_a_record_would_reach_max_bytes() {
    let dir = TempDir::new("basic");
    let mut h = rotating(&dir.join("app.log"), 10, 2);
    // "aaaa\n" is 5 bytes: 0+5 < 10, then 5+5 >= 10 rolls over.
    for text in ["aaaa", "bbbb", "cccc", "dddd", "eeee"] {
        emit(&mut h, text);
    }
    assert_eq!(
        listing(&dir.0),
        files(&[
            ("app.log", "eeee\n"),
            ("app.log.1", "dddd\n"),
            ("app.log.2", "cccc\n"),
        ])
    );
    assert_eq!(h.settings().backup_count, 2);
}

#[test]
fn max_bytes_zero_never_rolls_over() {
    let dir = TempDir::new("zero");
    let mut h = rotating(&dir.join("app.log"), 0, 3);
    for _ in 0..50 {
        emit(&mut h, "0123456789");
    }
    let all = listing(&dir.0);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].1.len(), 550);
}

#[test]
fn backup_count_zero_keeps_one_growing_file() {
    let dir = TempDir::new("no-backups");
    let mut h = rotating(&dir.join("app.log"), 4, 0);
    for text in ["abc", "def", "ghi"] {
        emit(&mut h, text);
    }
    assert_eq!(listing(&dir.0), files(&[("app.log", "abc\ndef\nghi\n")]));
}

#[test]
fn length_counts_characters_not_bytes() {
    let dir = TempDir::new("chars");
    let mut h = rotating(&dir.join("app.log"), 4, 5);
    // "éé\n": 3 characters (5 bytes): 0 + 3 < 4 stays, then 5 + 3 rolls.
    emit(&mut h, "éé");
    assert_eq!(listing(&dir.0), files(&[("app.log", "éé\n")]));
    emit(&mut h, "éé");
    assert_eq!(
        listing(&dir.0),
        files(&[("app.log", "éé\n"), ("app.log.1", "éé\n")])
    );
}

#[test]
fn a_record_longer_than_max_bytes_still_gets_written() {
    let dir = TempDir::new("long");
    let mut h = rotating(&dir.join("app.log"), 3, 3);
    emit(&mut h, "0123456789");
    emit(&mut h, "xy");
    // The first record rolled the empty file over; the second rolled again.
    assert_eq!(
        listing(&dir.0),
        files(&[
            ("app.log", "xy\n"),
            ("app.log.1", "0123456789\n"),
            ("app.log.2", ""),
        ])
    );
}

#[test]
fn mode_w_is_forced_to_append_when_rotating() {
    let dir = TempDir::new("mode");
    let rotating_path = dir.join("rot.log");
    let plain_path = dir.join("plain.log");
    fs::write(&rotating_path, "kept\n").unwrap();
    fs::write(&plain_path, "dropped\n").unwrap();
    let with_max = RotatingSettings {
        file: FileSettings {
            mode: Mode::Write,
            ..FileSettings::new(&rotating_path)
        },
        ..RotatingSettings::new(&rotating_path, 1000, 1)
    };
    let without = RotatingSettings {
        file: FileSettings {
            mode: Mode::Write,
            ..FileSettings::new(&plain_path)
        },
        ..RotatingSettings::new(&plain_path, 0, 1)
    };
    let mut a = RotatingFileHandler::new(with_max).unwrap();
    let mut b = RotatingFileHandler::new(without).unwrap();
    emit(&mut a, "x");
    emit(&mut b, "x");
    assert_eq!(fs::read_to_string(&rotating_path).unwrap(), "kept\nx\n");
    assert_eq!(fs::read_to_string(&plain_path).unwrap(), "x\n");
    assert_eq!(
        a.settings().file.mode,
        Mode::Write,
        "settings read back as given"
    );
}

#[test]
fn delay_with_rollover_reopens_on_the_next_record() {
    let dir = TempDir::new("delay");
    let path = dir.join("app.log");
    let s = RotatingSettings {
        file: FileSettings {
            delay: true,
            ..FileSettings::new(&path)
        },
        ..RotatingSettings::new(&path, 6, 1)
    };
    let mut h = RotatingFileHandler::new(s).unwrap();
    assert!(!path.exists());
    for text in ["one", "two", "three"] {
        emit(&mut h, text);
    }
    assert_eq!(
        listing(&dir.0),
        files(&[("app.log", "three\n"), ("app.log.1", "two\n")])
    );
}

#[test]
fn gaps_in_backups_shift_as_in_cpython() {
    let dir = TempDir::new("gaps");
    let path = dir.join("app.log");
    fs::write(dir.join("app.log.2"), "two\n").unwrap();
    fs::write(dir.join("app.log.4"), "four\n").unwrap();
    fs::write(dir.join("app.log.03"), "not ours\n").unwrap();
    fs::write(&path, "current\n").unwrap();
    let mut h = rotating(&path, 5, 4);
    emit(&mut h, "next");
    assert_eq!(
        listing(&dir.0),
        files(&[
            ("app.log", "next\n"),
            ("app.log.03", "not ours\n"),
            ("app.log.1", "current\n"),
            ("app.log.3", "two\n"),
            ("app.log.4", "four\n"),
        ])
    );
}

#[test]
fn non_regular_files_never_roll_over() {
    if !Path::new("/dev/null").exists() {
        // Past the harness capture: a skip should show in every run.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            "skipping: /dev/null is not available\n".as_bytes(),
        );
        return;
    }
    let h = SharedHandler::new(rotating(Path::new("/dev/null"), 1, 2));
    for _ in 0..3 {
        h.handle(&Record::new("t", Level::INFO, "discarded"));
    }
    assert_eq!(h.error_count(), 0);
}

#[test]
fn staged_rotating_handler_abandons_its_new_file() {
    let dir = TempDir::new("staged");
    let path = dir.join("app.log");
    let mut h = RotatingFileHandler::open(RotatingSettings::new(&path, 10, 1)).unwrap();
    assert!(path.exists());
    h.discard();
    assert!(!path.exists());
}

/// A Python string literal for `text`.
fn py_str(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        out.push_str(&format!("\\U{:08x}", u32::from(c)));
    }
    out.push('\'');
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One case: mode, maxBytes, backupCount, delay, prior file content, messages.
type Case = (
    &'static str,
    i64,
    i64,
    bool,
    Option<&'static str>,
    Vec<String>,
);

fn cases() -> Vec<Case> {
    let words = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let numbered =
        |n: usize, width: usize| (0..n).map(|i| format!("{i:0width$}")).collect::<Vec<_>>();
    vec![
        ("a", 10, 2, false, None, numbered(12, 3)),
        ("a", 10, 2, true, None, numbered(12, 3)),
        ("a", 25, 3, false, Some("previous run\n"), numbered(30, 4)),
        ("w", 20, 1, false, Some("previous run\n"), numbered(9, 5)),
        ("w", 0, 1, false, Some("previous run\n"), numbered(5, 2)),
        ("a", 1, 3, false, None, words(&["a", "", "bc", "def"])),
        ("a", 7, 0, false, None, words(&["abc", "def", "ghi"])),
        (
            "a",
            9,
            4,
            false,
            None,
            words(&["héllo", "wörld", "日本語", "x", "multi\nline", "✓✓✓✓"]),
        ),
        ("a", 5, 10, false, None, numbered(40, 1)),
    ]
}

fn run_ours(dir: &Path, case: &Case) -> String {
    let (mode, max_bytes, backup_count, delay, prior, messages) = case;
    let path = dir.join("app.log");
    if let Some(prior) = prior {
        fs::write(&path, prior).unwrap();
    }
    let settings = RotatingSettings {
        file: FileSettings {
            mode: Mode::parse(mode).unwrap(),
            delay: *delay,
            encoding: Some("utf-8".into()),
            ..FileSettings::new(&path)
        },
        ..RotatingSettings::new(&path, *max_bytes, *backup_count)
    };
    let h = SharedHandler::new(RotatingFileHandler::new(settings).unwrap());
    for m in messages {
        h.handle(&Record::new("t", Level::INFO, m));
    }
    h.close();
    assert_eq!(h.error_count(), 0);
    let mut names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| format!("{n} {}\n", hex(&fs::read(dir.join(n)).unwrap())))
        .collect()
}

#[test]
fn same_files_as_cpython() {
    let cases = cases();
    let mut literal = String::from("[");
    for (mode, max_bytes, backup_count, delay, prior, messages) in &cases {
        let prior = prior.map_or("None".to_string(), py_str);
        let messages: Vec<String> = messages.iter().map(|m| py_str(m)).collect();
        let delay = if *delay { "True" } else { "False" };
        literal.push_str(&format!(
            "('{mode}', {max_bytes}, {backup_count}, {delay}, {prior}, [{}]),\n",
            messages.join(", ")
        ));
    }
    literal.push(']');
    let script = format!(
        r#"
import logging, logging.handlers, os, sys
base = sys.argv[1]
for i, (mode, max_bytes, backup, delay, prior, msgs) in enumerate({literal}):
    d = os.path.join(base, str(i))
    os.makedirs(d)
    p = os.path.join(d, 'app.log')
    if prior is not None:
        with open(p, 'w', encoding='utf-8') as f:
            f.write(prior)
    h = logging.handlers.RotatingFileHandler(p, mode=mode, maxBytes=max_bytes,
        backupCount=backup, encoding='utf-8', delay=delay)
    for m in msgs:
        h.handle(logging.makeLogRecord({{'msg': m, 'levelno': 20, 'levelname': 'INFO'}}))
    h.close()
    print('CASE', i)
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name), 'rb') as f:
            print(name, f.read().hex())
"#
    );
    let python_dir = TempDir::new("python");
    let Some(output) = python::run_python_in(&script, &python_dir.0, "RotatingFileHandler") else {
        return;
    };
    let mut ours = String::new();
    for (i, case) in cases.iter().enumerate() {
        let dir = TempDir::new("ours");
        ours.push_str(&format!("CASE {i}\n"));
        ours.push_str(&run_ours(&dir.0, case));
    }
    assert_eq!(ours, output);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the sizes, the backups from oldest to newest followed by
    /// the current file hold every record, in order, exactly once.
    #[test]
    fn rotation_never_loses_a_record(
        lengths in prop::collection::vec(0usize..30, 1..40),
        max_bytes in 1i64..64,
        delay in any::<bool>(),
    ) {
        let dir = TempDir::new("prop");
        let path = dir.join("app.log");
        let settings = RotatingSettings {
            file: FileSettings { delay, ..FileSettings::new(&path) },
            ..RotatingSettings::new(&path, max_bytes, 1_000_000)
        };
        let mut h = RotatingFileHandler::new(settings).unwrap();
        let mut expected = String::new();
        for (i, length) in lengths.iter().enumerate() {
            let text: String = std::iter::repeat_n(char::from(b'a' + (i % 26) as u8), *length).collect();
            emit(&mut h, &text);
            expected.push_str(&text);
            expected.push('\n');
        }
        let backups = fs::read_dir(&dir.0).unwrap().count() - 1;
        let mut all = String::new();
        for k in (1..=backups).rev() {
            all.push_str(&fs::read_to_string(dir.join(&format!("app.log.{k}"))).unwrap());
        }
        all.push_str(&fs::read_to_string(&path).unwrap_or_default());
        prop_assert_eq!(all, expected);
    }
}
