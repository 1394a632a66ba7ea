//! Parse throughput on dictConfig-shaped JSON: a typical ~1 KB config and a
//! generated ~1 MB one of the same shape. `cargo bench --bench json`.

mod support;

use loglisten::json;
use std::time::Duration;

/// A typical dictConfig: formatters, console + file + rotating handlers,
/// loggers and root.
const SMALL: &str = r#"{
  "version": 1,
  "disable_existing_loggers": false,
  "formatters": {
    "brief": {"format": "%(levelname)-8s: %(name)-15s: %(message)s"},
    "precise": {"format": "%(asctime)s %(name)-15s %(levelname)-8s %(message)s",
                "datefmt": "%Y-%m-%d %H:%M:%S"}
  },
  "handlers": {
    "console": {"class": "logging.StreamHandler", "formatter": "brief",
                "level": "INFO", "stream": "ext://sys.stdout"},
    "file": {"class": "logging.FileHandler", "formatter": "precise",
             "filename": "/var/log/app/app.log", "mode": "a", "encoding": "utf-8"},
    "rotating": {"class": "logging.handlers.RotatingFileHandler", "formatter": "precise",
                 "level": "DEBUG", "filename": "/var/log/app/debug.log",
                 "maxBytes": 10485760, "backupCount": 5, "delay": true}
  },
  "loggers": {
    "app": {"level": "DEBUG", "handlers": ["file", "rotating"], "propagate": false},
    "app.db": {"level": "WARNING"},
    "app.http.access": {"level": "INFO", "handlers": ["file"], "propagate": true}
  },
  "root": {"level": "WARNING", "handlers": ["console"]}
}"#;

/// The same shape with `n` handlers and `n` loggers.
fn large(n: usize) -> String {
    let mut out =
        String::from(r#"{"version": 1, "disable_existing_loggers": false, "formatters": {"#);
    for i in 0..n / 10 {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&format!(
            r#""fmt{i}": {{"format": "%(asctime)s [{i}] %(name)s %(levelname)s %(message)s", "datefmt": "%H:%M:%S"}}"#
        ));
    }
    out.push_str(r#"}, "handlers": {"#);
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        let body = match i % 3 {
            0 => format!(
                r#""class": "logging.StreamHandler", "level": "INFO", "formatter": "fmt{}", "stream": "ext://sys.stderr""#,
                i % (n / 10)
            ),
            1 => format!(
                r#""class": "logging.FileHandler", "filename": "/var/log/app/h{i}.log", "mode": "a", "encoding": "utf-8""#
            ),
            _ => format!(
                r#""class": "logging.handlers.RotatingFileHandler", "filename": "/var/log/app/r{i}.log", "maxBytes": {}, "backupCount": {}, "delay": true"#,
                1048576 * (i % 16 + 1),
                i % 9
            ),
        };
        out.push_str(&format!(r#""h{i}": {{{body}}}"#));
    }
    out.push_str(r#"}, "loggers": {"#);
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&format!(
            r#""app.module{}.component{i}": {{"level": "{}", "handlers": ["h{i}", "h{}"], "propagate": {}}}"#,
            i % 50,
            ["DEBUG", "INFO", "WARNING", "ERROR"][i % 4],
            (i * 7) % n,
            i % 2 == 0
        ));
    }
    out.push_str(r#"}, "root": {"level": "WARNING", "handlers": ["h0"]}}"#);
    out
}

fn main() {
    // Scale the handler and logger count to reach about 1 MB.
    let n = 1_000_000 * 1000 / large(1000).len() + 1;
    let big = large(n);
    assert!(json::parse(SMALL).is_ok() && json::parse(&big).is_ok());
    println!(
        "sizes: small {} bytes, large {} bytes ({n} handlers, {n} loggers)",
        SMALL.len(),
        big.len()
    );

    // `cargo bench --bench json -- WORD` runs only the benches named with WORD.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));

    if wanted("parse dictConfig ~1 KB") {
        let stats = support::measure(21, Duration::from_millis(100), || json::parse(SMALL));
        support::report_throughput("parse dictConfig ~1 KB", SMALL.len(), &stats);
    }
    if wanted("parse dictConfig ~1 MB") {
        let stats = support::measure(11, Duration::from_millis(200), || json::parse(&big));
        support::report_throughput("parse dictConfig ~1 MB", big.len(), &stats);
    }
    if wanted("print (json.dumps) ~1 MB") {
        let value = json::parse(&big).unwrap();
        let stats = support::measure(11, Duration::from_millis(200), || value.to_string());
        support::report_throughput("print (json.dumps) ~1 MB", big.len(), &stats);
    }
}
