//! Operating a running program: what a level override costs on the
//! logging path (nothing: the disabled call is the same one load), what
//! setting one and reading the live view cost beside a config push, and
//! how late an override expires.

mod support;

use loglisten::{Level, Registry};
use std::hint::black_box;
use std::time::{Duration, Instant};
use support::{measure, report_time};

fn main() {
    let sample = Duration::from_millis(100);
    let registry = Registry::new();
    for i in 0..100 {
        registry.get_logger(&format!("app.m{i}"));
    }
    let log = registry.get_logger("app.m7");
    let plain = measure(11, sample, || black_box(&log).is_enabled_for(Level::DEBUG));
    report_time("disabled call, no override", &plain);
    registry
        .set_level_override("other", Level::DEBUG, Some(Duration::from_secs(600)))
        .unwrap();
    let under = measure(11, sample, || black_box(&log).is_enabled_for(Level::DEBUG));
    report_time("disabled call, an override elsewhere", &under);
    println!("ratio: {:.2}", under.median / plain.median);

    // A push of the configuration the view then reads: 100 loggers named.
    let loggers: Vec<String> = (0..100)
        .map(|i| format!(r#""app.m{i}": {{"level": "INFO", "handlers": ["n"]}}"#))
        .collect();
    let config = format!(
        r#"{{"version": 1, "handlers": {{"n": {{"class": "logging.NullHandler"}}}}, "loggers": {{{}}}}}"#,
        loggers.join(", ")
    );
    let push = measure(11, sample, || {
        registry.apply_config(config.as_bytes()).unwrap()
    });
    report_time("config push (100 loggers)", &push);
    let set = measure(11, sample, || {
        registry
            .set_level_override("app", Level::DEBUG, Some(Duration::from_secs(600)))
            .unwrap()
    });
    report_time("set_level_override (100 loggers)", &set);
    let dump = measure(11, sample, || registry.current_config());
    report_time("current_config (100 loggers)", &dump);
    let view = measure(11, sample, || registry.live_view());
    report_time("live_view (100 loggers)", &view);
    let json = measure(11, sample, || registry.live_view().to_json().to_string());
    report_time("live_view as JSON text (100 loggers)", &json);
    println!(
        "ratios to a push: set {:.2}, view {:.2}, view as JSON {:.2}",
        set.median / push.median,
        view.median / push.median,
        json.median / push.median
    );
    registry.reset_overrides();

    // Expiry lateness: the time from the deadline to the logger reverting.
    let ttl = Duration::from_millis(20);
    let mut late: Vec<Duration> = (0..25)
        .map(|_| {
            let set = Instant::now();
            registry
                .set_level_override("app.m7", Level::DEBUG, Some(ttl))
                .unwrap();
            while log.is_enabled_for(Level::DEBUG) {
                std::thread::yield_now();
            }
            set.elapsed().saturating_sub(ttl)
        })
        .collect();
    late.sort();
    println!(
        "expiry lateness over {} runs: median {:?}, max {:?}",
        late.len(),
        late[late.len() / 2],
        late[late.len() - 1]
    );
}
