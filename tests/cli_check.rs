//! `loglisten check`, `--help` and usage errors, run as the built binary.

#[path = "support/cli.rs"]
mod cli;
use cli::{run, temp_file};

#[test]
fn the_examples_check_ok() {
    for example in [
        "examples/console.json",
        "examples/verbose.json",
        "examples/file.ini",
    ] {
        let path = format!("{}/{example}", env!("CARGO_MANIFEST_DIR"));
        assert_eq!(
            run(&["check", &path]),
            (0, "ok\n".into(), String::new()),
            "{example}"
        );
    }
}

#[test]
fn check_reports_the_first_error_on_one_line() {
    let cases: [(&str, &[u8], &str); 7] = [
        (
            "trailing.json",
            b"{\"version\": 1,\n  \"root\": {},}",
            "trailing comma at line 2 column 13",
        ),
        ("version.json", b"{\"version\": 2}", "version: Unsupported version: 2"),
        (
            "level.json",
            b"{\"version\": 1, \"root\": {\"level\": \"LOUD\"}}",
            "root.level: Unknown level: 'LOUD'",
        ),
        (
            "level.ini",
            b"[loggers]\nkeys=root\n[handlers]\nkeys=\n[formatters]\nkeys=\n[logger_root]\nlevel=LOUD\nhandlers=\n",
            "[logger_root] level: Unknown level: 'LOUD'",
        ),
        ("missing.ini", b"[loggers]\nkeys=root\n", "[formatters]: section is missing"),
        (
            "text.txt",
            b"just words",
            "File contains no section headers. file: '<string>', line: 1 'just words'",
        ),
        (
            "binary.bin",
            b"\x00\xff",
            "configuration is not UTF-8: invalid byte at offset 1",
        ),
    ];
    for (name, contents, message) in cases {
        let path = temp_file(name, contents);
        let (code, stdout, stderr) = run(&["check", path.to_str().unwrap()]);
        assert_eq!(code, 1, "{name}");
        assert_eq!(stdout, "", "{name}");
        assert_eq!(
            stderr,
            format!("loglisten: {}: {message}\n", path.display()),
            "{name}"
        );
    }
}

#[test]
fn check_opens_no_file() {
    // Applying this would create the log file; checking must not.
    let log = std::env::temp_dir().join(format!("loglisten-check-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let config = format!(
        r#"{{"version": 1, "handlers": {{"f": {{"class": "logging.FileHandler", "filename": "{}"}}}},
            "root": {{"handlers": ["f"]}}}}"#,
        log.display()
    );
    let path = temp_file("file_handler.json", config.as_bytes());
    assert_eq!(
        run(&["check", path.to_str().unwrap()]),
        (0, "ok\n".into(), String::new())
    );
    assert!(!log.exists());
}

#[test]
fn help_and_usage_errors() {
    let (code, stdout, stderr) = run(&["--help"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(stdout.starts_with("usage: loglisten <command> [options]\n"));
    for (command, first) in [
        ("demo", "usage: loglisten demo [--port P]\n"),
        (
            "send",
            "usage: loglisten send FILE [--if-generation N] [--dry-run] [TARGET] [--key-file K]\n",
        ),
        ("get", "usage: loglisten get [--json] [TARGET] [--key-file K]\n"),
        (
            "set",
            "usage: loglisten set LOGGER LEVEL [--for DURATION | --until-reset] [TARGET] [--key-file K]\n",
        ),
        ("reset", "usage: loglisten reset [LOGGER] [TARGET] [--key-file K]\n"),
        ("check", "usage: loglisten check FILE\n"),
    ] {
        let (code, stdout, stderr) = run(&[command, "--help"]);
        assert_eq!((code, stderr.as_str()), (0, ""), "{command}");
        assert!(stdout.starts_with(first), "{command}: {stdout}");
    }
    let cases: [(&[&str], i32, &str); 9] = [
        (&[], 2, "no command given (try loglisten --help)"),
        (
            &["frobnicate"],
            2,
            "unknown command 'frobnicate' (try loglisten --help)",
        ),
        (&["check"], 2, "check: FILE is missing"),
        (&["check", "a", "b"], 2, "check: unexpected argument 'b'"),
        (
            &["check", "--port", "1", "a"],
            2,
            "check: unknown option '--port' (try loglisten check --help)",
        ),
        (
            &["check", "/nonexistent/x.json"],
            1,
            "cannot read /nonexistent/x.json: No such file or directory (os error 2)",
        ),
        (
            &["demo", "--port", "99999"],
            2,
            "demo: --port must be a number from 0 to 65535, not '99999'",
        ),
        (&["demo", "--port"], 2, "demo: --port needs a value"),
        (&["demo", "extra"], 2, "demo: unexpected argument 'extra'"),
    ];
    for (args, want_code, message) in cases {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, want_code, "{args:?}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(stderr, format!("loglisten: {message}\n"), "{args:?}");
    }
}
