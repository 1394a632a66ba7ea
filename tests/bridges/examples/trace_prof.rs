//! Profiling target (perf record / perf stat) for the bridge paths:
//! `trace_prof` (tracing event), `json`, `logdebug`, `lognop`.

use loglisten::{Handler, Record};
use tracing_subscriber::prelude::*;
#[derive(Debug)]
struct Discard;
impl Handler for Discard {
    fn emit(&mut self, _r: &Record, text: &str) -> std::io::Result<()> {
        std::hint::black_box(text);
        Ok(())
    }
}
fn main() {
    loglisten::register_handler("p.D", |_| Ok(Box::new(Discard) as Box<dyn Handler>));
    let s = tracing_subscriber::registry().with(loglisten::tracing_layer!());
    tracing::subscriber::set_global_default(s).unwrap();
    loglisten::dict_config_str(r#"{"version": 1, "formatters": {"f": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
      "handlers": {"d": {"class": "p.D", "formatter": "f"}}, "root": {"level": "INFO", "handlers": ["d"]}}"#).unwrap();
    let mode = std::env::args().nth(1).unwrap_or_default();
    if mode == "lognop" {
        // The floor `log` itself costs: a logger that does nothing.
        struct Nop;
        impl log::Log for Nop {
            fn enabled(&self, _: &log::Metadata<'_>) -> bool {
                false
            }
            fn log(&self, record: &log::Record<'_>) {
                std::hint::black_box(record.target());
            }
            fn flush(&self) {}
        }
        log::set_logger(&Nop).unwrap();
        log::set_max_level(log::LevelFilter::Debug);
        for i in 0..100_000_000u64 {
            log::debug!(target: "bench::log", "request {} done", i);
        }
        return;
    }
    if mode == "logdebug" {
        loglisten::log_bridge!().unwrap();
        loglisten::get_logger("elsewhere").set_level(loglisten::Level::DEBUG);
        for i in 0..100_000_000u64 {
            log::debug!(target: "bench::log", "request {} done", i);
        }
        return;
    }
    let json = mode == "json";
    if json {
        loglisten::dict_config_str(r#"{"version": 1, "formatters": {"f": {"()": "pythonjsonlogger.json.JsonFormatter", "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
          "handlers": {"d": {"class": "p.D", "formatter": "f"}}, "root": {"level": "INFO", "handlers": ["d"]}}"#).unwrap();
        let log = loglisten::get_logger("j");
        for _ in 0..1_000_000 {
            loglisten::info!(log, user = "bob", attempt = 3, ok = true; "request {} done", 42);
        }
        return;
    }
    for _ in 0..3_000_000 {
        tracing::info!(target: "bench::trace", user = "bob", attempt = 3, "request {} done", 42);
    }
}
