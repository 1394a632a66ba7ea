//! Logging-call costs: a disabled call, an enabled call formatted with
//! `%(asctime)s %(levelname)s %(name)s %(message)s` into a handler that
//! discards, and a FileHandler flushed per record next to the floor of one
//! `write` syscall per record.

mod support;

use loglisten::{get_logger, Formatter, Level, SharedHandler};
use std::io::Write;
use std::time::Duration;
use support::{measure, report_time, Discard};

fn main() {
    let sample = Duration::from_millis(100);
    let format = "%(asctime)s %(levelname)s %(name)s %(message)s";

    let off = get_logger("bench.disabled");
    off.set_level(Level::WARNING);
    let stats = measure(21, sample, || loglisten::debug!(off, "request {} done", 42));
    report_time("disabled call (debug! below level)", &stats);

    let on = get_logger("bench.enabled");
    on.set_level(Level::INFO);
    on.set_propagate(false);
    let formatter = Formatter::new(format).expect("format compiles");
    on.add_handler(
        SharedHandler::builder(Discard)
            .formatter(formatter.clone())
            .build(),
    );
    let stats = measure(21, sample, || loglisten::info!(on, "request {} done", 42));
    report_time("enabled call, asctime format, discarding", &stats);

    let dir = std::env::temp_dir().join(format!("loglisten-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = get_logger("bench.file");
    file.set_level(Level::INFO);
    file.set_propagate(false);
    let path = dir.join("bench.log");
    let handler =
        loglisten::handler::FileHandler::open(loglisten::handler::FileSettings::new(&path))
            .expect("open");
    file.add_handler(SharedHandler::builder(handler).formatter(formatter).build());
    let stats = measure(21, sample, || loglisten::info!(file, "request {} done", 42));
    report_time("FileHandler record (flushed per record)", &stats);
    println!(
        "{:<44} {:>10.0} records/s",
        "FileHandler throughput",
        1.0 / stats.median
    );

    let line = b"2026-11-24 02:45:08,123 INFO bench.file request 42 done\n";
    let mut raw = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("floor.log"))
        .expect("open");
    let floor = measure(21, sample, || raw.write_all(line).expect("write"));
    report_time("floor: one write syscall per record", &floor);
    println!(
        "{:<44} {:>10.2}x",
        "FileHandler / floor",
        stats.median / floor.median
    );
    loglisten::shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}
