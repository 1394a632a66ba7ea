//! Tables of format -> exact output and format -> exact error, for the
//! three styles, the options and our documented differences from CPython.

use loglisten::{Formatter, Level, Location, Record, Style};
use std::time::{Duration, UNIX_EPOCH};

static HERE: Location = Location::new("app::db", "src/db/pool.rs", 42, None);

/// 2023-11-14 22:13:20.005 UTC, INFO, logger app.db, at src/db/pool.rs:42.
fn record() -> Record<'static> {
    Record::new("app.db", Level::INFO, "connected")
        .with_created(UNIX_EPOCH + Duration::from_millis(1_700_000_000_005))
        .with_location(&HERE)
}

fn build(style: Style, fmt: &str) -> Result<Formatter, String> {
    Formatter::builder()
        .fmt(fmt)
        .style(style)
        .utc(true)
        .build()
        .map_err(|e| e.to_string())
}

fn render(style: Style, fmt: &str) -> Result<String, String> {
    build(style, fmt).map(|f| f.format_to_string(&record()))
}

/// A name that is no record attribute is an extra field: the formatter
/// builds, and a record without it fails as CPython's does.
#[test]
fn unknown_names_are_extra_fields() {
    for (style, fmt) in [
        (Style::Percent, "%(nope)s"),
        (Style::Brace, "{nope}"),
        (Style::Dollar, "$nope"),
    ] {
        let f = build(style, fmt).unwrap();
        let mut out = String::from("kept");
        let e = f.try_format(&record(), &mut out).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Formatting field not found in record: 'nope'"
        );
        assert_eq!(out, "kept");
        let fields = [loglisten::Field::new("nope", 7)];
        assert_eq!(f.format_to_string(&record().with_fields(&fields)), "7");
    }
}

#[test]
fn percent_outputs() {
    let table: &[(&str, &str)] = &[
        ("%(message)s", "connected"),
        ("%(asctime)s", "2023-11-14 22:13:20,005"),
        ("%(msecs)03d", "005"),
        ("%(msecs)s", "5.0"),
        ("%(msecs)r", "5.0"),
        ("%(created)f", "1700000000.005000"),
        ("%(created)s", "1700000000.005"),
        ("%(created).2e", "1.70e+09"),
        ("%(created)g", "1.7e+09"),
        ("%(created)d", "1700000000"),
        ("%(levelname)-8s|", "INFO    |"),
        ("%(levelname)8s|", "    INFO|"),
        ("%(levelname).2s", "IN"),
        (
            "%(levelno)s %(levelno)d %(levelno)05d %(levelno)+d",
            "20 20 00020 +20",
        ),
        (
            "%(levelno)x %(levelno)#X %(levelno)#o %(levelno)c",
            "14 0X14 0o24 \u{14}",
        ),
        ("%(lineno)5d|%(lineno)-5d|", "   42|42   |"),
        ("%(name)r %(name)a", "'app.db' 'app.db'"),
        (
            "%(filename)s %(module)s %(pathname)s",
            "pool.rs pool src/db/pool.rs",
        ),
        (
            "%(processName)s %(exc_info)s %(args)s",
            "MainProcess None ()",
        ),
        ("%(funcName)s", "<unknown>"),
        ("100%% %(message)s", "100% connected"),
        ("%(name)s %(name)ls %(name)hs", "app.db app.db app.db"),
        ("no fields", "no fields"),
    ];
    for (fmt, want) in table {
        let got = if *fmt == "no fields" {
            Formatter::builder()
                .fmt(*fmt)
                .validate(false)
                .build()
                .map(|f| f.format_to_string(&record()))
                .map_err(|e| e.to_string())
        } else {
            render(Style::Percent, fmt)
        };
        assert_eq!(got.as_deref(), Ok(*want), "{fmt}");
    }
}

#[test]
fn brace_outputs() {
    let table: &[(&str, &str)] = &[
        ("{message}", "connected"),
        ("{asctime}", "2023-11-14 22:13:20,005"),
        (
            "{levelname:<8}|{levelname:>8}|{levelname:^8}|",
            "INFO    |    INFO|  INFO  |",
        ),
        ("{levelname:*^9}", "**INFO***"),
        (
            "{levelno:05d} {levelno:x} {levelno:#b} {levelno:c}",
            "00020 14 0b10100 \u{14}",
        ),
        (
            "{created:.3f} {created:,.1f} {created:e}",
            "1700000000.005 1,700,000,000.0 1.700000e+09",
        ),
        ("{created} {msecs} {msecs:.1%}", "1700000000.005 5.0 500.0%"),
        (
            "{levelno:010,} {levelno:+} {levelno: }",
            "00,000,020 +20  20",
        ),
        ("{name!r} {name!a} {levelno!r:>4}", "'app.db' 'app.db'   20"),
        ("{{literal}} {name}", "{literal} app.db"),
        ("{exc_text} {args}", "None ()"),
    ];
    for (fmt, want) in table {
        assert_eq!(render(Style::Brace, fmt).as_deref(), Ok(*want), "{fmt}");
    }
}

#[test]
fn dollar_outputs() {
    let table: &[(&str, &str)] = &[
        ("${message}", "connected"),
        ("$levelname:$name:$message", "INFO:app.db:connected"),
        ("$$ ${levelno} $msecs", "$ 20 5.0"),
        ("$asctime", "2023-11-14 22:13:20,005"),
    ];
    for (fmt, want) in table {
        assert_eq!(render(Style::Dollar, fmt).as_deref(), Ok(*want), "{fmt}");
    }
}

#[test]
fn errors_with_validation() {
    let table: &[(Style, &str, &str)] = &[
        (
            Style::Percent,
            "%(asctime)",
            "Invalid format '%(asctime)' for '%' style",
        ),
        (
            Style::Percent,
            "plain",
            "Invalid format 'plain' for '%' style",
        ),
        (
            Style::Percent,
            "%(name)s %(name)y",
            "unsupported format character 'y' (0x79) at index 16",
        ),
        (
            Style::Percent,
            "%(name)d",
            "%d format: a real number is required, not str",
        ),
        (
            Style::Percent,
            "%(created)x",
            "%x format: an integer is required, not float",
        ),
        (Style::Percent, "%(name)f", "must be real number, not str"),
        (Style::Percent, "%(name)c", "%c requires int or char"),
        (Style::Percent, "%(name)s%(", "incomplete format key"),
        (Style::Percent, "%(name)s%", "incomplete format"),
        (
            Style::Percent,
            "%(levelno)*d",
            "not enough arguments for format string",
        ),
        (Style::Percent, "%(name)*s", "* wants int"),
        (Style::Percent, "%(name)99999s", "width too big"),
        (
            Style::Brace,
            "{",
            "invalid format: Single '{' encountered in format string",
        ),
        (
            Style::Brace,
            "}",
            "invalid format: Single '}' encountered in format string",
        ),
        (Style::Brace, "{}", "invalid format: no fields"),
        (
            Style::Brace,
            "{a-b}",
            "invalid format: invalid field name/expression: 'a-b'",
        ),
        (
            Style::Brace,
            "{name!x}",
            "invalid format: invalid conversion: 'x'",
        ),
        (
            Style::Brace,
            "{name:x:y}",
            "invalid format: bad specifier: 'x:y'",
        ),
        (
            Style::Brace,
            "{name!}",
            "invalid format: unmatched '{' in format spec",
        ),
        (
            Style::Brace,
            "{0}",
            "Replacement index 0 out of range for positional args tuple",
        ),
        (
            Style::Brace,
            "{name:d}",
            "Unknown format code 'd' for object of type 'str'",
        ),
        (
            Style::Brace,
            "{levelno:.2}",
            "Precision not allowed in integer format specifier",
        ),
        (
            Style::Brace,
            "{name:=5}",
            "'=' alignment not allowed in string format specifier",
        ),
        (Style::Brace, "{levelno:,x}", "Cannot specify ',' with 'x'."),
        (
            Style::Brace,
            "{exc_info:>5}",
            "unsupported format string passed to NoneType.__format__",
        ),
        (Style::Dollar, "$", "invalid format: bare '$' not allowed"),
        (Style::Dollar, "$$", "invalid format: no fields"),
    ];
    for (style, fmt, want) in table {
        assert_eq!(build(*style, fmt).err().as_deref(), Some(*want), "{fmt}");
    }
}

#[test]
fn errors_without_validation_are_format_time_errors() {
    let table: &[(Style, &str, Result<&str, &str>)] = &[
        (Style::Percent, "%(asctime)", Err("incomplete format")),
        (Style::Percent, "plain", Ok("plain")),
        (
            Style::Brace,
            "{name!x}",
            Err("Unknown conversion specifier x"),
        ),
        (
            Style::Brace,
            "{name!\u{1}}",
            Err("Unknown conversion specifier \\x1"),
        ),
        (
            Style::Brace,
            "{name:x:y}",
            Err("Invalid format specifier 'x:y' for object of type 'str'"),
        ),
        (Style::Brace, "no fields", Ok("no fields")),
        (
            Style::Dollar,
            "$",
            Err("Invalid placeholder in string: line 1, col 1"),
        ),
        (
            Style::Dollar,
            "ab\n$ x",
            Err("Invalid placeholder in string: line 2, col 1"),
        ),
        (
            Style::Dollar,
            "$name$",
            Err("Invalid placeholder in string: line 1, col 6"),
        ),
        (Style::Dollar, "$$", Ok("$")),
    ];
    for (style, fmt, want) in table {
        let got = Formatter::builder()
            .fmt(*fmt)
            .style(*style)
            .validate(false)
            .build()
            .map(|f| f.format_to_string(&record()))
            .map_err(|e| e.to_string());
        assert_eq!(got.as_deref().map_err(|e| e.as_ref()), *want, "{fmt}");
    }
}

/// Where we reject at construction what CPython accepts and then fails
/// on (or prints oddly) at format time.
#[test]
fn documented_differences() {
    let table: &[(Style, &str, &str)] = &[
        (
            Style::Percent,
            "%(name)s%s",
            "a '%' conversion without a (key) at index 9 is not supported",
        ),
        (
            Style::Percent,
            "%(name)s %d",
            "a '%' conversion without a (key) at index 10 is not supported",
        ),
        (
            Style::Brace,
            "{name:{levelno}}",
            "nested replacement fields in a format spec are not supported",
        ),
        (
            Style::Brace,
            "{name[0]}",
            "attribute and index lookups are not supported in a format field: 'name[0]'",
        ),
        (
            Style::Brace,
            "{name.upper}",
            "attribute and index lookups are not supported in a format field: 'name.upper'",
        ),
        (Style::Percent, "%(message)c", "%c requires int or char"),
    ];
    for (style, fmt, want) in table {
        assert_eq!(build(*style, fmt).err().as_deref(), Some(*want), "{fmt}");
    }
    // A level that is no code point: U+FFFD where Python raises.
    let f = Formatter::new("%(levelno)c").unwrap();
    let r = Record::new("a", Level(-1), "");
    assert_eq!(f.format_to_string(&r), "\u{fffd}");
    // A width beyond 10 000 is refused.
    let e = build(Style::Brace, "{name:20000}").unwrap_err();
    assert_eq!(e, "Too many decimal digits in format string");
}

#[test]
fn defaults_fill_missing_fields_only() {
    let f = Formatter::builder()
        .fmt("%(app)s|%(app)5s|%(name)s|%(one)c")
        .default_value("app", "shop")
        .default_value("name", "ignored")
        .default_value("one", "x")
        .default_value("app", "cart")
        .build()
        .unwrap();
    assert_eq!(f.format_to_string(&record()), "cart| cart|app.db|x");
    assert_eq!(
        f.defaults(),
        &[
            ("app".to_string(), "cart".to_string()),
            ("name".to_string(), "ignored".to_string()),
            ("one".to_string(), "x".to_string()),
        ]
    );
    let e = Formatter::builder()
        .fmt("%(app)d")
        .default_value("app", "1")
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "%d format: a real number is required, not str"
    );
}

#[test]
fn datefmt_and_utc() {
    let f = Formatter::builder()
        .fmt("%(asctime)s %(message)s")
        .datefmt("%d/%b/%Y:%H:%M:%S %z")
        .utc(true)
        .build()
        .unwrap();
    assert_eq!(
        f.format_to_string(&record()),
        "14/Nov/2023:22:13:20 +0000 connected"
    );
    // The cached second must not leak into the next one or another format.
    let later = Record::new("a", Level::INFO, "m")
        .with_created(UNIX_EPOCH + Duration::from_millis(1_700_000_001_999));
    assert_eq!(f.format_to_string(&later), "14/Nov/2023:22:13:21 +0000 m");
    let g = Formatter::builder()
        .fmt("%(asctime)s")
        .utc(true)
        .build()
        .unwrap();
    assert_eq!(g.format_to_string(&later), "2023-11-14 22:13:21,999");
    assert_eq!(g.format_to_string(&record()), "2023-11-14 22:13:20,005");
    let e = Formatter::builder()
        .fmt("%(asctime)s")
        .datefmt("a\0b")
        .build()
        .unwrap_err();
    assert_eq!(e.to_string(), "embedded null character");
    // Unused datefmt is not checked, as Python never calls strftime.
    assert!(Formatter::builder()
        .fmt("%(message)s")
        .datefmt("a\0b")
        .build()
        .is_ok());
}

#[test]
fn accessors_report_the_configuration() {
    let f = Formatter::builder()
        .style(Style::Brace)
        .datefmt("%H")
        .validate(false)
        .utc(true)
        .build()
        .unwrap();
    assert_eq!(f.fmt(), "{message}");
    assert_eq!(f.datefmt(), Some("%H"));
    assert_eq!(f.style(), Style::Brace);
    assert!(!f.validates());
    assert!(f.utc());
    assert!(!f.uses_time());
    let d = Formatter::default();
    assert_eq!(
        (d.fmt(), d.style(), d.validates(), d.utc()),
        ("%(message)s", Style::Percent, true, false)
    );
    assert_eq!(
        Formatter::builder().fmt("").build().unwrap().fmt(),
        "%(message)s"
    );
    assert_eq!(
        Style::parse("#").unwrap_err().to_string(),
        "Style must be one of: %,{,$"
    );
    for style in [Style::Percent, Style::Brace, Style::Dollar] {
        assert_eq!(Style::parse(style.as_str()), Ok(style));
    }
}

#[derive(Debug)]
struct Boom;
impl std::fmt::Display for Boom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("boom")
    }
}
impl std::error::Error for Boom {}

#[test]
fn error_text_is_appended_on_its_own_line() {
    let r = record().with_error(&Boom);
    let f = Formatter::new("%(levelname)s %(message)s").unwrap();
    assert_eq!(f.format_to_string(&r), "INFO connected\nError: boom");
    // No second newline when the format already ends with one.
    let f = Formatter::new("%(message)s\n").unwrap();
    assert_eq!(f.format_to_string(&r), "connected\nError: boom");
    let mut out = String::from("prefix\n");
    Formatter::builder()
        .fmt("%(exc_text)s")
        .build()
        .unwrap()
        .format(&r, &mut out);
    assert_eq!(out, "prefix\nNone\nError: boom");
}
