//! Bridge costs beside the native macros: `log::info!` and an enabled
//! `tracing::info!` through the bridges to a handler that formats
//! `%(asctime)s %(levelname)s %(name)s %(message)s` and discards; a
//! `log::debug!` passing `log::max_level()` but disabled at its logger,
//! and one below `max_level()`; a disabled `tracing::debug!` after the
//! interest cache is built; three extra fields through the JSON formatter
//! beside the plain format.

#[path = "../../../benches/support/mod.rs"]
mod support;

use loglisten::{get_logger, Handler};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use support::{measure, report_time, Discard, Stats};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

const CONFIG: &str = r#"{"version": 1,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "discard": {"class": "bench.Discard", "formatter": "plain"},
        "json": {"class": "bench.Discard", "formatter": "json"}},
    "root": {"level": "WARNING"},
    "loggers": {
        "native": {"level": "INFO", "handlers": ["discard"], "propagate": false},
        "bench.log": {"level": "INFO", "handlers": ["discard"], "propagate": false},
        "bench.trace": {"level": "INFO", "handlers": ["discard"], "propagate": false},
        "fields.plain": {"level": "INFO", "handlers": ["discard"], "propagate": false},
        "fields.json": {"level": "INFO", "handlers": ["json"], "propagate": false},
        "elsewhere": {"level": "OTHER"}}}"#;

/// A dependency's module, logging with its module path as the target.
mod db {
    pub mod postgres {
        pub mod connection {
            pub const TARGET: &str = module_path!();
            pub fn establish() {
                log::debug!("request {} done", 42)
            }
        }
    }
}

/// A `log::Log` that does nothing: the floor of a `log::debug!` that
/// reaches a logger.
struct Nop;

impl log::Log for Nop {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        false
    }
    fn log(&self, _: &log::Record<'_>) {}
    fn flush(&self) {}
}

/// `log::debug!` past `log::max_level()` to a logger at INFO, beside the
/// floor: the same macro to a do-nothing `log::Log` (called through `dyn`
/// as the global one is; it skips only `log`'s load of the global logger,
/// so the floor is if anything low). Rounds alternate, so load changes
/// hit both alike; the medians of the rounds' medians are the figures.
fn disabled_at_logger(sample: Duration) {
    static NOP: Nop = Nop;
    let nop: &'static dyn log::Log = &NOP;
    let long = db::postgres::connection::TARGET;
    get_logger(&loglisten::target_logger_name(long)).set_level(loglisten::Level::INFO);
    let (mut floor, mut ours, mut ours_long) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..5 {
        floor.push(
            measure(
                11,
                sample / 2,
                || log::debug!(logger: black_box(nop), target: "bench::log", "request {} done", 42),
            )
            .median,
        );
        ours.push(
            measure(
                11,
                sample / 2,
                || log::debug!(target: "bench::log", "request {} done", 42),
            )
            .median,
        );
        ours_long.push(measure(11, sample / 2, db::postgres::connection::establish).median);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let show = |v: &Vec<f64>| {
        v.iter()
            .map(|t| format!("{:.2}", t * 1e9))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!(
        "log::debug! to a do-nothing log::Log (floor)    {:>7.2} ns median of rounds [{}]",
        median(&mut floor) * 1e9,
        show(&floor)
    );
    println!(
        "log::debug! past max_level, logger at INFO      {:>7.2} ns median of rounds [{}]",
        median(&mut ours) * 1e9,
        show(&ours)
    );
    println!(
        "  the same, no target: its 33-byte module path  {:>7.2} ns median of rounds [{}]",
        median(&mut ours_long) * 1e9,
        show(&ours_long)
    );
    println!(
        "  over the floor                                {:>7.2} ns, {:.2} ns (module path)",
        (median(&mut ours) - median(&mut floor)) * 1e9,
        (median(&mut ours_long) - median(&mut floor)) * 1e9
    );
}

/// Whether [`Switch`] skips the inner layer's `on_event`: the floor.
static FLOOR: AtomicBool = AtomicBool::new(false);

/// Our layer, forwarded to; with [`FLOOR`] set its `on_event` is not
/// called, so the same stack, callsite and interest measure what tracing
/// and the `Registry` cost per event beside ours (one relaxed load is the
/// switch's own cost, paid by both).
struct Switch<L>(L);

impl<S, L> Layer<S> for Switch<L>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    L: Layer<S>,
{
    fn register_callsite(
        &self,
        metadata: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        self.0.register_callsite(metadata)
    }
    fn enabled(&self, metadata: &tracing::Metadata<'_>, ctx: Context<'_, S>) -> bool {
        self.0.enabled(metadata, ctx)
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        self.0.max_level_hint()
    }
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        self.0.on_new_span(attrs, id, ctx)
    }
    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: Context<'_, S>,
    ) {
        self.0.on_record(id, values, ctx)
    }
    fn on_enter(&self, id: &tracing::span::Id, ctx: Context<'_, S>) {
        self.0.on_enter(id, ctx)
    }
    fn on_exit(&self, id: &tracing::span::Id, ctx: Context<'_, S>) {
        self.0.on_exit(id, ctx)
    }
    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        if !FLOOR.load(Ordering::Relaxed) {
            self.0.on_event(event, ctx)
        }
    }
}

/// One enabled `tracing::info!` with two fields (the benchmarked call).
#[inline(never)]
fn trace_two_fields() {
    tracing::info!(target: "bench::trace", user = "bob", attempt = 3, "request {} done", 42)
}

/// The native `info!` with the same two fields.
#[inline(never)]
fn native_two_fields(native: &loglisten::Logger) {
    loglisten::info!(native, user = "bob", attempt = 3; "request {} done", 42)
}

/// The tracing event beside the floor (the same event to the same stack,
/// our `on_event` skipped) and the native call with the same fields, in
/// alternating rounds; medians of the rounds' medians.
fn tracing_beside_floor(sample: Duration, native: &loglisten::Logger) {
    let (mut floor, mut ours, mut nat) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..5 {
        FLOOR.store(true, Ordering::Relaxed);
        floor.push(measure(11, sample / 2, trace_two_fields).median);
        FLOOR.store(false, Ordering::Relaxed);
        ours.push(measure(11, sample / 2, trace_two_fields).median);
        nat.push(measure(11, sample / 2, || native_two_fields(native)).median);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (floor, ours, nat) = (median(&mut floor), median(&mut ours), median(&mut nat));
    println!(
        "tracing::info! (2 fields), do-nothing on_event (floor) {:>7.1} ns",
        floor * 1e9
    );
    println!(
        "tracing::info! (2 fields) to our layer              {:>7.1} ns",
        ours * 1e9
    );
    println!(
        "native info! with the same two fields               {:>7.1} ns",
        nat * 1e9
    );
    println!(
        "  ours / native {:.2}x, floor / native {:.2}x, (floor + native) / native {:.2}x, ours over the floor {:.1} ns",
        ours / nat,
        floor / nat,
        (floor + nat) / nat,
        (ours - floor) * 1e9
    );
}

/// `BRIDGES_BENCH=count:<case>:<n>` runs `n` calls of one case and
/// nothing timed, for `valgrind --tool=callgrind`: the difference of two
/// runs' totals over the difference of their `n` is the instructions a
/// call. Cases: `floor`, `trace` (both the tracing event), `native` (the
/// native `info!` with the same two fields).
fn count(case: &str, n: u64, native: &loglisten::Logger) {
    FLOOR.store(case == "floor", Ordering::Relaxed);
    for _ in 0..n {
        match case {
            "floor" | "trace" => trace_two_fields(),
            "native" => native_two_fields(native),
            other => panic!("no case {other}"),
        }
    }
}

fn ratio(name: &str, a: &Stats, b: &Stats) {
    println!("{name:<44} {:>10.2}x", a.median / b.median);
}

fn main() {
    let sample = Duration::from_millis(100);
    loglisten::register_handler("bench.Discard", |_| {
        Ok(Box::new(Discard) as Box<dyn Handler>)
    });
    loglisten::log_bridge!().expect("first logger");
    let subscriber = tracing_subscriber::registry().with(Switch(loglisten::tracing_layer!()));
    tracing::subscriber::set_global_default(subscriber).expect("first subscriber");

    // Phase 1: another logger at DEBUG, so log::max_level() is Debug.
    loglisten::dict_config_str(&CONFIG.replace("OTHER", "DEBUG")).expect("config");
    assert_eq!(log::max_level(), log::LevelFilter::Debug);

    let native = get_logger("native");
    let part = std::env::var("BRIDGES_BENCH").unwrap_or_default();
    if let Some(spec) = part.strip_prefix("count:") {
        let (case, n) = spec.split_once(':').expect("count:<case>:<n>");
        count(case, n.parse().expect("a number of calls"), &native);
        return;
    }
    if part == "tracing" {
        tracing_beside_floor(sample, &native);
        return;
    }
    let stats_native = measure(21, sample, || {
        loglisten::info!(native, "request {} done", 42)
    });
    report_time("native info!, asctime format, discarding", &stats_native);
    let stats_log = measure(
        21,
        sample,
        || log::info!(target: "bench::log", "request {} done", 42),
    );
    report_time("log::info! through the bridge", &stats_log);
    ratio("log::info! / native", &stats_log, &stats_native);
    disabled_at_logger(sample);
    // `BRIDGES_BENCH=disabled` stops here (for a profiler's run).
    if part == "disabled" {
        return;
    }

    let stats_trace = measure(21, sample, trace_two_fields);
    report_time("tracing::info!, two fields", &stats_trace);
    ratio(
        "tracing::info! (2 fields) / native",
        &stats_trace,
        &stats_native,
    );
    let stats_fields = measure(21, sample, || native_two_fields(&native));
    report_time("native info!, the same two fields", &stats_fields);
    ratio(
        "tracing::info! / native, both 2 fields",
        &stats_trace,
        &stats_fields,
    );
    let stats = measure(
        21,
        sample,
        || tracing::debug!(target: "bench::trace", "request {} done", 42),
    );
    report_time("tracing::debug! disabled (interest never)", &stats);

    let plain = get_logger("fields.plain");
    let json = get_logger("fields.json");
    let stats_plain = measure(
        21,
        sample,
        || loglisten::info!(plain, user = "bob", attempt = 3, ok = true; "request {} done", 42),
    );
    report_time("3 extra fields, plain format", &stats_plain);
    let stats_json = measure(
        21,
        sample,
        || loglisten::info!(json, user = "bob", attempt = 3, ok = true; "request {} done", 42),
    );
    report_time("3 extra fields, JSON formatter", &stats_json);
    ratio("JSON / plain", &stats_json, &stats_plain);

    // Phase 2: nothing at DEBUG, so log::max_level() is Info.
    loglisten::dict_config_str(&CONFIG.replace("OTHER", "INFO")).expect("config");
    assert_eq!(log::max_level(), log::LevelFilter::Info);
    let stats = measure(
        21,
        sample,
        || log::debug!(target: "bench::log", "request {} done", 42),
    );
    report_time("log::debug! below max_level", &stats);
    let stats = measure(21, sample, || {
        loglisten::debug!(native, "request {} done", 42)
    });
    report_time("native debug! disabled", &stats);
}
