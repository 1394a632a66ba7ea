//! QueueHandler and SocketHandler costs: a logging call through a queue
//! (median), the caller's latencies while the destination (a TCP peer)
//! stops reading for a full second, with and without a queue in front, and
//! SocketHandler's throughput to a loopback receiver that keeps up.

mod support;

use loglisten::handler::{QueueHandler, QueueSettings, SocketHandler, SocketSettings};
use loglisten::{get_logger, Handler, Level, Logger, Record, SharedHandler};
use std::io::Read;
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{measure, report_time};

#[derive(Debug)]
struct Discard;

impl Handler for Discard {
    fn emit(&mut self, _record: &Record, text: &str) -> std::io::Result<()> {
        std::hint::black_box(text);
        Ok(())
    }
}

fn logger(name: &str, handler: SharedHandler) -> Logger {
    let log = get_logger(name);
    log.set_level(Level::INFO);
    log.set_propagate(false);
    log.add_handler(handler);
    log
}

/// A loopback receiver: reads everything, except that after `stall_after`
/// it stops reading for `stall`. Returns its port and the bytes it read.
fn receiver(stall_after: Option<(Duration, Duration)>) -> (u16, Arc<AtomicU64>) {
    let server = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = server.local_addr().unwrap().port();
    let bytes = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&bytes);
    std::thread::spawn(move || {
        while let Ok((mut conn, _)) = server.accept() {
            let started = Instant::now();
            let mut stalled = false;
            let mut buf = vec![0; 1 << 20];
            loop {
                if let Some((after, stall)) = stall_after {
                    if !stalled && started.elapsed() >= after {
                        stalled = true;
                        std::thread::sleep(stall);
                    }
                }
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        counted.fetch_add(n as u64, Ordering::Relaxed);
                    }
                }
            }
        }
    });
    (port, bytes)
}

/// What the timed call in [`stalled`] is.
#[derive(Clone, Copy, PartialEq)]
enum Caller {
    /// A logging call straight into a SocketHandler.
    Direct,
    /// A logging call into a QueueHandler in front of that SocketHandler.
    Queued,
    /// No logging: a 250 ns busy wait, about a queued call's length, so
    /// its max is what the machine's scheduling alone gives the same loop.
    Control,
}

/// Latencies of calls in one run: (p50, p99, max) in seconds, the calls,
/// and how many took over 1 ms.
struct Latencies(f64, f64, f64, usize, usize);

/// Times one call every 5 us for 1.6 s while the receiver stalls 1 s
/// after 0.3 s.
fn stalled(name: &str, caller: Caller) -> Latencies {
    let (port, _) = receiver(Some((Duration::from_millis(300), Duration::from_secs(1))));
    let socket = SharedHandler::new(SocketHandler::new(SocketSettings::new("127.0.0.1", port)));
    let handler = if caller == Caller::Queued {
        SharedHandler::new(QueueHandler::new(QueueSettings {
            handlers: vec![socket.clone()],
            ..QueueSettings::default()
        }))
    } else {
        socket.clone()
    };
    let log = logger(name, handler.clone());
    let (every, run) = (Duration::from_micros(5), Duration::from_millis(1600));
    let mut times = Vec::with_capacity(400_000);
    let start = Instant::now();
    let mut next = start;
    let show_slow = std::env::var_os("SHOW_SLOW").is_some();
    while start.elapsed() < run {
        while Instant::now() < next {
            std::hint::spin_loop();
        }
        next += every;
        let t = Instant::now();
        if caller == Caller::Control {
            while t.elapsed() < Duration::from_nanos(250) {
                std::hint::spin_loop();
            }
        } else {
            loglisten::info!(log, "request {} done", 42);
        }
        let took = t.elapsed().as_secs_f64();
        times.push(took);
        if show_slow && took > 200e-6 {
            let at = (t - start).as_secs_f64() * 1e3;
            eprintln!("{name}: {:.0} us at {at:.1} ms", took * 1e6);
        }
    }
    handler.close();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    let over = times.iter().filter(|&&t| t > 1e-3).count();
    Latencies(at(0.5), at(0.99), at(1.0), times.len(), over)
}

/// Whether to run the part named `name`: every part, unless arguments
/// (other than cargo's flags) name some, e.g. `cargo bench --bench
/// handlers -- queue socket`.
fn wanted(name: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
}

fn main() {
    let sample = Duration::from_millis(100);
    if wanted("queue") || wanted("discard") {
        queue_caller(sample);
    }
    {
        // SHOW_SLOW=1 prints each call over 200 us with when it came.
        let runs = [
            (
                "bench.stall.direct",
                Caller::Direct,
                "SocketHandler, no queue",
            ),
            (
                "bench.stall.queue",
                Caller::Queued,
                "SocketHandler behind a QueueHandler",
            ),
            (
                "bench.stall.control",
                Caller::Control,
                "no logging, 250 ns busy wait (control)",
            ),
        ];
        for (name, caller, label) in runs {
            if !wanted(name) {
                continue;
            }
            let Latencies(p50, p99, max, n, over) = stalled(name, caller);
            println!(
                "{label:<44} p50 {:>8.2} us  p99 {:>8.2} us  max {:>10.2} us  [{n} calls, {over} over 1 ms, peer stalled 1 s]",
                p50 * 1e6,
                p99 * 1e6,
                max * 1e6
            );
        }
    }
    if wanted("socket") {
        socket_throughput(sample);
    }
}

/// A logging call through a queue against the same call to a handler
/// that discards, in one run.
fn queue_caller(sample: Duration) {
    if wanted("discard") {
        let direct = logger("bench.discard", SharedHandler::new(Discard));
        let stats = measure(21, sample, || {
            loglisten::info!(direct, "request {} done", 42)
        });
        report_time("enabled call, discarding handler", &stats);
    }
    if wanted("queue") {
        let queue = SharedHandler::new(QueueHandler::new(QueueSettings {
            handlers: vec![SharedHandler::new(Discard)],
            ..QueueSettings::default()
        }));
        let queued = logger("bench.queue", queue.clone());
        let stats = measure(21, sample, || {
            loglisten::info!(queued, "request {} done", 42)
        });
        report_time("enabled call through QueueHandler (caller)", &stats);
        queue.close();
    }
}

/// SocketHandler's records per second to a loopback receiver, against
/// plain writes of a record's size to the same kind of receiver (the floor
/// one write per record, as CPython does, puts on this machine).
fn socket_throughput(sample: Duration) {
    let (port, received) = receiver(None);
    let socket = SharedHandler::new(SocketHandler::new(SocketSettings::new("127.0.0.1", port)));
    let sent = logger("bench.socket", socket.clone());
    let calls = std::cell::Cell::new(0u64);
    let stats = measure(21, sample, || {
        calls.set(calls.get() + 1);
        loglisten::info!(sent, "request {} done", 42)
    });
    report_time("SocketHandler record to loopback", &stats);
    socket.close();
    let deadline = Instant::now() + Duration::from_secs(5);
    while received.load(Ordering::Relaxed) == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(50));
    let frame = (received.load(Ordering::Relaxed) / calls.get().max(1)).max(1) as usize;
    println!(
        "{:<44} {:>10.0} records/s ({frame} bytes each, errors {})",
        "SocketHandler throughput",
        1.0 / stats.median,
        socket.error_count()
    );

    // The floor: plain writes of one frame's size to the same receiver.
    let (port, _) = receiver(None);
    let mut raw = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let bytes = vec![b'x'; frame];
    let stats = measure(21, sample, || {
        std::io::Write::write_all(&mut raw, &bytes).expect("write")
    });
    report_time("plain write of a frame to loopback (floor)", &stats);
    println!(
        "{:<44} {:>10.0} writes/s",
        "plain writes throughput",
        1.0 / stats.median
    );
}
