//! Property tests: any format string either fails at construction or
//! formats any record without panicking; validation only ever rejects
//! more, never changes the output.

use loglisten::{Formatter, Level, Location, Record, Style};
use proptest::prelude::*;
use std::time::{Duration, UNIX_EPOCH};

static HERE: Location = Location::new("m", "src/lib.rs", 9, None);

#[derive(Debug)]
struct Oops;
impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}
impl std::error::Error for Oops {}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![
        Just(Style::Percent),
        Just(Style::Brace),
        Just(Style::Dollar)
    ]
}

const FIELD_NAMES: &[&str] = &[
    "asctime",
    "created",
    "msecs",
    "relativeCreated",
    "levelname",
    "levelno",
    "name",
    "message",
    "thread",
    "threadName",
    "process",
    "lineno",
    "funcName",
    "exc_info",
    "args",
    "custom",
    "nope",
    "",
    "0",
];

/// Pieces that look like real fields, glued with random text.
fn near_valid() -> impl Strategy<Value = String> {
    let field = prop::sample::select(FIELD_NAMES);
    let piece = prop_oneof![
        "[a-z %{}$!:.<>=^+#0-9-]{0,4}",
        (
            field.clone(),
            "[-+ #0]{0,3}",
            "[0-9]{0,3}",
            "(\\.[0-9]{0,2})?",
            "[sradiuoxXeEfFgGcyS%*hl]"
        )
            .prop_map(|(f, flags, w, p, c)| format!("%({f}){flags}{w}{p}{c}")),
        (
            field.clone(),
            "(![rsax])?",
            "(:.?[<>=^]?[-+ ]?z?#?0?[0-9]{0,3}[,_]?(\\.[0-9]{0,2})?[bcdeEfFgGnosxX%]?)?"
        )
            .prop_map(|(f, conv, spec)| format!("{{{f}{conv}{spec}}}")),
        field.prop_map(|f| format!("${{{f}}}$")),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

fn records(level: i32, millis: u64) -> Vec<Record<'static>> {
    let at = UNIX_EPOCH + Duration::from_millis(millis);
    vec![
        Record::new("app", Level(level), "msg é").with_created(at),
        Record::new("", Level(level), "")
            .with_created(at)
            .with_location(&HERE)
            .with_error(&Oops),
    ]
}

fn check(style: Style, fmt: &str, datefmt: &str, utc: bool, level: i32, millis: u64) {
    let build = |validate| {
        Formatter::builder()
            .fmt(fmt)
            .style(style)
            .datefmt(datefmt)
            .validate(validate)
            .utc(utc)
            .default_value("custom", "c")
            .build()
    };
    let strict = build(true);
    let lax = build(false);
    for record in records(level, millis) {
        let a = strict.as_ref().map(|f| f.format_to_string(&record));
        let b = lax.as_ref().map(|f| f.format_to_string(&record));
        if let Ok(a) = a {
            // Validation only adds checks: what it accepts formats the same.
            assert_eq!(Ok(&a), b.as_ref().map_err(|_| ()));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_formats_never_panic(
        style in style(),
        fmt in ".{0,40}",
        datefmt in "(%[-_0^#]?[0-9]?[EO]?.|.){0,6}",
        utc: bool,
        level: i32,
        millis in 0u64..10_000_000_000_000,
    ) {
        check(style, &fmt, &datefmt, utc, level, millis);
    }

    #[test]
    fn near_valid_formats_never_panic(
        style in style(),
        fmt in near_valid(),
        level in -5i32..60,
        millis in 0u64..5_000_000_000_000,
    ) {
        check(style, &fmt, "", true, level, millis);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Far past the year 9999 (and the 32-bit range) nothing overflows.
    #[test]
    fn extreme_times_never_panic(secs in 0u64..=u64::MAX / 2, utc: bool) {
        let Some(at) = UNIX_EPOCH.checked_add(Duration::from_secs(secs)) else {
            return Ok(());
        };
        let r = Record::new("a", Level::INFO, "m").with_created(at);
        for fmt in [
            "%(asctime)s %(created)f %(msecs)d %(relativeCreated)s",
            "%(created)d %(created)e %(relativeCreated).3g",
        ] {
            let f = Formatter::builder().fmt(fmt).utc(utc).datefmt("%c %G %V %s %z").build().unwrap();
            let _ = f.format_to_string(&r);
        }
    }
}
