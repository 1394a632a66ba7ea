//! How costs grow with the number of loggers: a dictConfig of 6,003,
//! 12,006 and 24,012 loggers applied to a fresh registry and re-applied
//! (the 24,012 also with one level given by number, which sends the whole
//! text the full way: parsed to a JSON value, then read), 100,000 new
//! logger names, and a look-up of an existing name among 24,012. Each first apply and each batch of names gets a registry of its
//! own, made and dropped outside the timing. Times are the thread's CPU
//! time where Linux reports it (the machine is shared and noisy).

mod support;

use loglisten::Registry;
use std::time::{Duration, Instant};
use support::{measure, report_time, Stats};

/// A dictConfig of `6_003 * copies` loggers (0.6 MB for 6,003), three
/// handlers, one formatter: what a large service might push.
fn config(copies: usize) -> String {
    let mut loggers = String::new();
    for c in 0..copies {
        for i in 0..2_000 {
            for (part, level) in [("db", "DEBUG"), ("http", "INFO"), ("cache", "WARNING")] {
                let handler = i % 3;
                loggers.push_str(&format!(
                    r#""service{}.module{}.{part}": {{"level": "{level}", "handlers": ["h{handler}"], "propagate": false, "filters": []}},"#,
                    c * 50 + i / 40,
                    i % 40
                ));
                loggers.push('\n');
            }
        }
        loggers.push_str(&format!(
            r#""other{c}": {{"level": "ERROR"}}, "other{c}.a": {{}}, "other{c}.b": {{"level": "INFO"}},"#
        ));
    }
    format!(
        r#"{{"version": 1, "disable_existing_loggers": false,
  "formatters": {{"plain": {{"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}}}},
  "handlers": {{
    "h0": {{"class": "logging.NullHandler", "formatter": "plain"}},
    "h1": {{"class": "logging.NullHandler", "formatter": "plain", "level": "INFO"}},
    "h2": {{"class": "logging.NullHandler"}}
  }},
  "loggers": {{
{loggers}    "": {{}}
  }},
  "root": {{"level": "WARNING", "handlers": ["h2"]}}}}"#
    )
}

/// This thread's CPU time in seconds where Linux tells it
/// (`/proc/thread-self/schedstat`), else the wall clock: on a shared,
/// noisy machine the CPU time of a single-threaded step is what is stable.
fn now() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    // The kernel brings a running thread's figure up to date only at a
    // tick (4 ms) or a reschedule: yielding first makes it exact.
    std::thread::yield_now();
    let cpu = std::fs::read_to_string("/proc/thread-self/schedstat").ok();
    let ns = cpu.and_then(|t| t.split_whitespace().next()?.parse::<u64>().ok());
    match ns {
        Some(ns) => ns as f64 / 1e9,
        None => START.get_or_init(Instant::now).elapsed().as_secs_f64(),
    }
}

/// Times `run` on a fresh value from `make`, `samples` times.
fn fresh<T>(samples: usize, make: impl Fn() -> T, run: impl Fn(&T)) -> Stats {
    let times: Vec<f64> = (0..samples)
        .map(|_| {
            let value = make();
            let start = now();
            run(&value);
            let elapsed = now() - start;
            drop(value);
            elapsed
        })
        .collect();
    Stats::of(times, 1)
}

fn main() {
    let mut first = Vec::new();
    for copies in [1, 2, 4] {
        let text = config(copies);
        let loggers = 6_003 * copies;
        let stats = fresh(
            5,
            || (),
            |()| {
                loglisten::json::parse(&text).expect("parses");
            },
        );
        report_time(&format!("JSON parse to a value ({loggers})"), &stats);
        let stats = fresh(9, Registry::new, |r| {
            r.dict_config_str(&text).expect("applies");
        });
        report_time(
            &format!("dictConfig {loggers} loggers, first apply"),
            &stats,
        );
        first.push(stats.median);
        let registry = Registry::new();
        registry.dict_config_str(&text).expect("applies");
        let stats = fresh(
            9,
            || (),
            |()| {
                registry.dict_config_str(&text).expect("applies");
            },
        );
        report_time(&format!("dictConfig {loggers} loggers, re-apply"), &stats);
        if loggers == 24_012 {
            // Not every entry plain: the whole text goes the full way.
            let full = text.replacen(r#""level": "ERROR""#, r#""level": 40"#, 1);
            assert_ne!(full, text);
            registry.dict_config_str(&full).expect("applies");
            let stats = fresh(
                9,
                || (),
                |()| {
                    registry.dict_config_str(&full).expect("applies");
                },
            );
            report_time("  re-apply, a level by number (full read)", &stats);
            let stats = measure(15, Duration::from_millis(100), || {
                registry.get_logger("service3.module7.http")
            });
            report_time("get_logger of an existing name (24,012)", &stats);
        }
        println!("  ({} bytes of JSON)", text.len());
    }
    println!(
        "{:<44} {:>10.2}x {:.2}x",
        "first apply: 12k / 6k, 24k / 12k",
        first[1] / first[0],
        first[2] / first[1]
    );
    let names: Vec<String> = (0..100_000)
        .map(|i| format!("app{}.part{}.leaf{i}", i % 100, (i / 100) % 100))
        .collect();
    let stats = fresh(9, Registry::new, |r| {
        for name in &names {
            std::hint::black_box(r.get_logger(name));
        }
    });
    report_time("get_logger of 100,000 new names (total)", &stats);
}
