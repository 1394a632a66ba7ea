//! Formatting speed: one record into a reused String. Prints the median
//! nanoseconds per record of each format (std only, no harness).

use loglisten::{Formatter, Level, Record, Style};
use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

/// Median over `rounds` of the mean time per call in batches of `batch`.
fn median_ns(rounds: usize, batch: u32, mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                f();
            }
            start.elapsed().as_nanos() as f64 / f64::from(batch)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let cases: &[(&str, Style, &str)] = &[
        (
            "asctime levelname name message",
            Style::Percent,
            "%(asctime)s %(levelname)s %(name)s %(message)s",
        ),
        ("message only", Style::Percent, "%(message)s"),
        (
            "padded fields",
            Style::Percent,
            "%(asctime)s.%(msecs)03d %(levelname)-8s %(name)s:%(lineno)d %(message)s",
        ),
        (
            "brace style",
            Style::Brace,
            "{asctime} {levelname:<8} {name} {message}",
        ),
        ("created float", Style::Percent, "%(created)f %(message)s"),
    ];
    let created = SystemTime::now() - Duration::from_millis(3);
    let record =
        Record::new("app.db", Level::INFO, "connected to the database").with_created(created);
    let mut out = String::with_capacity(256);
    for (label, style, fmt) in cases {
        let formatter = Formatter::builder()
            .fmt(*fmt)
            .style(*style)
            .build()
            .expect("valid format");
        let ns = median_ns(51, 20_000, || {
            out.clear();
            formatter.format(black_box(&record), &mut out);
            black_box(&out);
        });
        println!("format/{label}: median {ns:.1} ns per record");
    }
}
