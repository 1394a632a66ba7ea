//! A small timing helper for `harness = false` benches (std only), and
//! the do-nothing handler they measure the logging path with.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Timings of one benchmark: per-iteration times of `samples` samples.
#[derive(Debug)]
pub struct Stats {
    /// Seconds per iteration (f64: a `Duration` would round below 1 ns).
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub samples: usize,
    pub iterations: u64,
}

impl Stats {
    /// The median and range of `times` (seconds per iteration, one a
    /// sample, at least one), each sample `iterations` iterations.
    pub fn of(mut times: Vec<f64>, iterations: u64) -> Stats {
        times.sort_by(f64::total_cmp);
        Stats {
            median: times[times.len() / 2],
            min: times[0],
            max: times[times.len() - 1],
            samples: times.len(),
            iterations,
        }
    }
}

/// A handler that takes each formatted record and drops it (through
/// `black_box`, so the formatting is not optimized away).
#[allow(dead_code)]
#[derive(Debug)]
pub struct Discard;

impl loglisten::Handler for Discard {
    fn emit(&mut self, _record: &loglisten::Record, text: &str) -> std::io::Result<()> {
        black_box(text);
        Ok(())
    }
}

/// Runs `f` repeatedly: first to find how many iterations fill about
/// `sample_time`, then `samples` samples of that many iterations each.
/// Results go through `black_box` so the work is not optimized away.
pub fn measure<R>(samples: usize, sample_time: Duration, mut f: impl FnMut() -> R) -> Stats {
    // Warm up and calibrate: double until one batch takes long enough.
    let mut iterations: u64 = 1;
    loop {
        let start = Instant::now();
        for _ in 0..iterations {
            black_box(f());
        }
        let elapsed = start.elapsed();
        if elapsed >= sample_time / 2 || iterations >= 1 << 30 {
            let per = elapsed.as_secs_f64() / iterations as f64;
            iterations = ((sample_time.as_secs_f64() / per.max(1e-12)) as u64).max(1);
            break;
        }
        iterations *= 2;
    }
    let times: Vec<f64> = (0..samples.max(1))
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                black_box(f());
            }
            start.elapsed().as_secs_f64() / iterations as f64
        })
        .collect();
    Stats::of(times, iterations)
}

/// Prints throughput for `bytes` processed per iteration:
/// median MB/s with the range over the samples.
#[allow(dead_code)]
pub fn report_throughput(name: &str, bytes: usize, stats: &Stats) {
    let mbps = |secs: f64| bytes as f64 / secs / 1e6;
    println!(
        "{name:<32} {:>8.1} MB/s median  ({:.1} .. {:.1})  {:>10.0} ns/iter  [{} samples x {} iters]",
        mbps(stats.median),
        mbps(stats.max),
        mbps(stats.min),
        stats.median * 1e9,
        stats.samples,
        stats.iterations,
    );
}

/// Prints the median time per iteration in nanoseconds with the range
/// over the samples.
#[allow(dead_code)]
pub fn report_time(name: &str, stats: &Stats) {
    let ns = |secs: f64| secs * 1e9;
    println!(
        "{name:<44} {:>10.2} ns median  ({:.2} .. {:.2})  [{} samples x {} iters]",
        ns(stats.median),
        ns(stats.min),
        ns(stats.max),
        stats.samples,
        stats.iterations,
    );
}
