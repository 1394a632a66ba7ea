//! Listener throughput and latency over loopback, next to the floor: a
//! bare connect-send-reply round trip of the same size against a trivial
//! std server. Also the stop() -> join() time.
//!
//! Then `get` (with and without the client parsing its body) and `set`
//! commands next to a push, against a registry of 3, 13, 103, 1003 and
//! 10,003 loggers; and `get` next to a push of the configuration it
//! returns (every logger named).
//!
//! `cargo bench --bench listener` (`-- commands` for those alone, `--
//! same-user` for the rows up to the same-user check)

use loglisten::{
    send_command, send_config, Applied, Command, ConfigKind, Level, Listener, Registry, Reply,
    SendOptions,
};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

/// A typical small dictConfig: a formatter, a handler, two loggers, root.
const CONFIG: &str = r#"{
    "version": 1,
    "disable_existing_loggers": false,
    "formatters": {"brief": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"quiet": {"class": "logging.NullHandler", "formatter": "brief", "level": "DEBUG"}},
    "loggers": {
        "app.db": {"level": "DEBUG", "handlers": ["quiet"], "propagate": false},
        "app.http": {"level": "WARNING"}
    },
    "root": {"level": "INFO", "handlers": ["quiet"]}
}"#;

const WARMUP: usize = 300;
const ROUNDS: usize = 3000;

struct Stats {
    per_second: f64,
    p50: Duration,
    p90: Duration,
    p99: Duration,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// Sends CONFIG `ROUNDS` times in a row, a fresh connection each, waiting
/// for each reply.
fn measure(port: u16) -> Stats {
    measure_rounds(port, WARMUP, ROUNDS)
}

/// [`measure`] with fewer rounds, for the slow same-user check.
fn measure_rounds(port: u16, warmup: usize, rounds: usize) -> Stats {
    measure_payload(port, CONFIG.as_bytes(), warmup, rounds)
}

/// Sends `payload` (a configuration) as [`measure`] sends CONFIG.
fn measure_payload(port: u16, payload: &[u8], warmup: usize, rounds: usize) -> Stats {
    let addr = ("127.0.0.1", port);
    for _ in 0..warmup {
        assert!(matches!(
            send_config(addr, payload).unwrap(),
            Reply::Ok { .. }
        ));
    }
    let mut times = Vec::with_capacity(rounds);
    let start = Instant::now();
    for _ in 0..rounds {
        let t = Instant::now();
        let reply = send_config(addr, payload).unwrap();
        times.push(t.elapsed());
        assert!(matches!(reply, Reply::Ok { .. }), "{reply:?}");
    }
    let total = start.elapsed();
    times.sort();
    Stats {
        per_second: rounds as f64 / total.as_secs_f64(),
        p50: percentile(&times, 0.5),
        p90: percentile(&times, 0.9),
        p99: percentile(&times, 0.99),
    }
}

/// The floor: accept, read the frame, write the same status line, close;
/// all on the accepting thread.
fn floor_server(spawn: bool) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(s) = stream else { continue };
            if spawn {
                thread::spawn(move || serve_floor(s));
            } else {
                serve_floor(s);
            }
        }
    });
    port
}

fn serve_floor(mut s: std::net::TcpStream) {
    {
        {
            let _ = s.set_nodelay(true);
            let mut len = [0u8; 4];
            if s.read_exact(&mut len).is_err() {
                return;
            }
            let mut payload = vec![0u8; u32::from_be_bytes(len) as usize];
            if s.read_exact(&mut payload).is_err() {
                return;
            }
            let _ = s.write_all(b"\x00\x00\x00\x09ok dict 1");
        }
    }
}

fn report(name: &str, s: &Stats) {
    println!(
        "{name:<34} {:>9.0} configs/s   p50 {:>6.1} us   p90 {:>6.1} us   p99 {:>7.1} us",
        s.per_second,
        s.p50.as_secs_f64() * 1e6,
        s.p90.as_secs_f64() * 1e6,
        s.p99.as_secs_f64() * 1e6,
    );
}

/// Sends `command` `rounds` times in a row, a fresh connection each,
/// waiting for each reply (and its JSON body).
fn measure_command(port: u16, command: &Command, rounds: usize) -> Stats {
    measure_command_then(port, command, rounds, |_| {})
}

/// [`measure_command`], each round timed until `then` is done with the
/// answer too.
fn measure_command_then(
    port: u16,
    command: &Command,
    rounds: usize,
    then: impl Fn(&loglisten::CommandReply),
) -> Stats {
    let addr = ("127.0.0.1", port);
    let options = SendOptions::default();
    let mut times = Vec::with_capacity(rounds);
    let start = Instant::now();
    for _ in 0..rounds {
        let t = Instant::now();
        let answer = send_command(addr, command, &options).unwrap();
        then(&answer);
        times.push(t.elapsed());
        assert!(matches!(answer.reply, Reply::Done { .. }), "{answer:?}");
    }
    let total = start.elapsed();
    times.sort();
    Stats {
        per_second: rounds as f64 / total.as_secs_f64(),
        p50: percentile(&times, 0.5),
        p90: percentile(&times, 0.9),
        p99: percentile(&times, 0.99),
    }
}

/// `get` and `set` next to a push of CONFIG, against one registry holding
/// CONFIG and `extra` more loggers; and `get` next to a push of the
/// configuration it returns (naming every logger: the same bytes back).
fn commands_vs_push(extra: usize) {
    let r = Registry::new();
    r.dict_config_str(CONFIG).unwrap();
    for i in 0..extra {
        r.get_logger(&format!("app.extra.{i}"));
    }
    let l = Listener::builder()
        .registry(&r)
        .port(0)
        .allow_any_local_user()
        .spawn()
        .unwrap();
    let rounds = 1000;
    let set = Command::Set {
        logger: "app.db".into(),
        level: Level::DEBUG.into(),
        ttl: Some(Duration::from_secs(600)),
    };
    measure_command(l.port(), &Command::Get, 100);
    let push = measure_rounds(l.port(), 100, rounds);
    let get = measure_command(l.port(), &Command::Get, rounds);
    let parsed = measure_command_then(l.port(), &Command::Get, rounds, |answer| {
        assert!(answer.json().is_ok());
    });
    let set = measure_command(l.port(), &set, rounds);
    let answer = send_command(
        ("127.0.0.1", l.port()),
        &Command::Get,
        &SendOptions::default(),
    );
    let own = answer
        .unwrap()
        .json()
        .unwrap()
        .get("config")
        .unwrap()
        .to_string();
    let own_rounds = (rounds * 100 / (extra + 100)).max(50);
    let push_own = measure_payload(l.port(), own.as_bytes(), own_rounds / 10, own_rounds);
    let loggers = extra + 3;
    report(&format!("push, {loggers} loggers"), &push);
    report(
        &format!("push of get's config ({} B), {loggers} loggers", own.len()),
        &push_own,
    );
    report(&format!("get, {loggers} loggers"), &get);
    report(
        &format!("get + parse of the body, {loggers} loggers"),
        &parsed,
    );
    report(&format!("set, {loggers} loggers"), &set);
    let ratio = |s: &Stats| s.p50.as_secs_f64() / push.p50.as_secs_f64();
    println!(
        "p50 vs push ({loggers} loggers): get {:.2}x, get + parse {:.2}x, set {:.2}x; \
         get vs a push of its own config {:.2}x",
        ratio(&get),
        ratio(&parsed),
        ratio(&set),
        get.p50.as_secs_f64() / push_own.p50.as_secs_f64()
    );
}

fn stop_to_join() -> (Duration, Duration) {
    let mut times = Vec::new();
    for _ in 0..200 {
        let l = Listener::builder()
            .port(0)
            .allow_any_local_user()
            .spawn()
            .unwrap();
        // Let the accept thread reach accept().
        thread::sleep(Duration::from_micros(200));
        let t = Instant::now();
        l.stop();
        l.join().unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

/// Entries in the kernel's IPv4 TCP table (TIME_WAIT included): what a
/// same-user lookup walks.
fn tcp_entries() -> usize {
    std::fs::read_to_string("/proc/net/tcp").map_or(0, |t| t.lines().count().saturating_sub(1))
}

/// `-- same-user`: the same-user row first (before the floor's thousands
/// of connections fill the table with TIME_WAIT entries), then the floor,
/// with the table's size at the start.
fn same_user_only() {
    let entries = tcp_entries();
    let l = Listener::builder()
        .port(0)
        .apply(|_: &[u8]| {
            Ok(Applied {
                kind: ConfigKind::Dict,
                generation: 1,
            })
        })
        .spawn()
        .unwrap();
    let checked = measure_rounds(l.port(), 20, 200);
    drop(l);
    let floor = measure_rounds(floor_server(false), 20, 200);
    println!("{entries} entries in /proc/net/tcp at the start");
    report("floor (trivial std server)", &floor);
    report("listener, no-op apply, same user", &checked);
    println!(
        "p50 vs floor: same-user check {:.2}x",
        checked.p50.as_secs_f64() / floor.p50.as_secs_f64()
    );
}

fn main() {
    if std::env::args().any(|a| a == "commands") {
        for extra in [0, 10, 100, 1000, 10_000] {
            commands_vs_push(extra);
        }
        return;
    }
    if std::env::args().any(|a| a == "same-user") {
        same_user_only();
        return;
    }
    println!(
        "{ROUNDS} sequential configs of {} bytes over loopback, a fresh connection each, reply awaited",
        CONFIG.len()
    );
    let floor = measure(floor_server(false));
    report("floor (trivial std server)", &floor);
    report("floor + thread per conn", &measure(floor_server(true)));

    let noop = || {
        Listener::builder().port(0).apply(|_: &[u8]| {
            Ok(Applied {
                kind: ConfigKind::Dict,
                generation: 1,
            })
        })
    };
    // Without the same-user check: the transport alone.
    let l = noop().allow_any_local_user().spawn().unwrap();
    let transport = measure(l.port());
    report("listener, no-op apply, any user", &transport);
    drop(l);

    let l = Listener::builder()
        .port(0)
        .allow_any_local_user()
        .spawn()
        .unwrap();
    let full = measure(l.port());
    report("listener, apply_config, any user", &full);
    drop(l);

    // The default: each peer's user looked up in /proc/net/tcp.
    let l = noop().spawn().unwrap();
    let checked = measure_rounds(l.port(), 20, 200);
    report("listener, no-op apply, same user", &checked);
    drop(l);

    let ratio = |s: &Stats| s.p50.as_secs_f64() / floor.p50.as_secs_f64();
    println!(
        "p50 vs floor: no-op apply {:.2}x, apply_config {:.2}x, same-user check {:.2}x",
        ratio(&transport),
        ratio(&full),
        ratio(&checked)
    );
    for extra in [0, 10, 100, 1000] {
        commands_vs_push(extra);
    }
    let (p50, p99) = stop_to_join();
    println!(
        "stop() -> join(): median {:.1} us, p99 {:.1} us (200 runs)",
        p50.as_secs_f64() * 1e6,
        p99.as_secs_f64() * 1e6
    );
}
