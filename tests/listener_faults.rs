//! The listener survives its clients: each fault gets its exact reply and
//! outcome, leaves the running configuration untouched (a sentinel
//! logger's level), and the listener then applies a valid configuration.

use loglisten::listener::Outcome;
use loglisten::{
    apply_config, get_logger, handler::NullHandler, send_config, Level, Listener, Reply,
    SharedHandler,
};
use proptest::prelude::*;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Mutex, Once};
use std::thread;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_millis(300);

/// The listener's own log would go to stderr (last resort) thousands of
/// times here: give it a handler that drops records.
fn quiet() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let log = get_logger("loglisten");
        log.add_handler(SharedHandler::new(NullHandler));
        log.set_propagate(false);
    });
}

/// A listener with a short deadline whose outcomes arrive on a channel.
fn spawn_with(builder: loglisten::listener::Builder) -> (Listener, Receiver<Outcome>) {
    quiet();
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let l = builder
        .port(0)
        .receive_deadline(DEADLINE)
        .on_message(move |_, outcome| {
            let _ = tx.lock().unwrap().send(outcome.clone());
        })
        .spawn()
        .unwrap();
    (l, rx)
}

fn spawn() -> (Listener, Receiver<Outcome>) {
    spawn_with(Listener::builder())
}

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut v = (payload.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(payload);
    v
}

fn level_config(logger: &str, level: &str) -> Vec<u8> {
    format!(
        r#"{{"version": 1, "incremental": true, "loggers": {{"{logger}": {{"level": "{level}"}}}}}}"#
    )
    .into_bytes()
}

/// Sends `bytes`, half-closes, returns the reply's status line.
fn exchange(port: u16, bytes: &[u8]) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    // The listener may answer and stop reading before all is sent (a
    // length over the limit): a failed write is not the test's concern.
    let _ = s.write_all(bytes);
    let _ = s.shutdown(Shutdown::Write);
    read_reply(&mut s)
}

fn read_reply(s: &mut TcpStream) -> Option<String> {
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut all = Vec::new();
    let _ = s.read_to_end(&mut all);
    if all.len() < 4 {
        return None;
    }
    Some(String::from_utf8_lossy(&all[4..]).into_owned())
}

/// A sentinel logger at ERROR, to tell whether anything was applied.
fn sentinel(name: &str) -> String {
    let name = format!("faults.{name}");
    get_logger(&name).set_level(Level::ERROR);
    name
}

/// The fault changed nothing, and the listener still applies configs.
fn assert_survived(l: &Listener, sentinel: &str) {
    assert_eq!(get_logger(sentinel).level(), Level::ERROR, "untouched");
    let reply = send_config(("127.0.0.1", l.port()), &level_config(sentinel, "DEBUG"));
    assert!(matches!(reply.unwrap(), Reply::Ok { .. }));
    assert_eq!(get_logger(sentinel).level(), Level::DEBUG);
}

fn next(rx: &Receiver<Outcome>) -> Outcome {
    rx.recv_timeout(Duration::from_secs(10)).unwrap()
}

/// Each fault in a table: bytes sent (then a half-close), exact reply.
#[test]
fn malformed_messages_get_exact_replies() {
    let (l, rx) = spawn();
    let name = sentinel("table");
    let too_large = b"\x00\x10\x00\x01";
    let cases: [(&[u8], &str, Outcome); 7] = [
        (
            too_large,
            "error: message of 1048577 bytes exceeds the limit of 1048576",
            Outcome::TooLarge {
                claimed: 1_048_577,
                max: 1_048_576,
            },
        ),
        (
            b"\x00\x00\x00",
            "error: connection closed after 3 of 4 length bytes",
            Outcome::BadFrame("connection closed after 3 of 4 length bytes".into()),
        ),
        (
            b"\x00\x00\x00\x64abcdefghij",
            "error: connection closed after 10 of 100 payload bytes",
            Outcome::BadFrame("connection closed after 10 of 100 payload bytes".into()),
        ),
        (
            b"\x00\x00\x00\x00",
            "error: [formatters]: section is missing",
            Outcome::ConfigError(apply_config(b"").unwrap_err()),
        ),
        (
            &frame(b"{\"version\": 1, \xff}"),
            "error: configuration is not UTF-8: invalid byte at offset 15",
            Outcome::ConfigError(apply_config(b"{\"version\": 1, \xff}").unwrap_err()),
        ),
        (
            &frame(b"hello, listener"),
            "error: File contains no section headers. file: '<string>', line: 1 'hello, listener'",
            Outcome::ConfigError(apply_config(b"hello, listener").unwrap_err()),
        ),
        (
            &frame(b"[1, 2]"),
            "error: [formatters]: section is missing",
            Outcome::ConfigError(apply_config(b"[1, 2]").unwrap_err()),
        ),
    ];
    for (input, reply, outcome) in cases {
        assert_eq!(exchange(l.port(), input).as_deref(), Some(reply));
        assert_eq!(next(&rx), outcome);
    }
    assert_survived(&l, &name);
}

#[test]
fn a_too_large_claim_is_answered_before_any_payload_is_sent() {
    let (l, rx) = spawn();
    let name = sentinel("huge");
    let mut s = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    // Only the prefix; the connection stays open for writing.
    s.write_all(b"\xff\xff\xff\xff").unwrap();
    assert_eq!(
        read_reply(&mut s).as_deref(),
        Some("error: message of 4294967295 bytes exceeds the limit of 1048576")
    );
    assert_eq!(
        next(&rx),
        Outcome::TooLarge {
            claimed: u32::MAX as usize,
            max: 1 << 20
        }
    );
    assert_survived(&l, &name);
}

#[test]
fn a_silent_client_times_out() {
    let (l, rx) = spawn();
    let name = sentinel("silent");
    let start = Instant::now();
    let mut s = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    assert_eq!(
        read_reply(&mut s).as_deref(),
        Some("error: timed out waiting for the message")
    );
    let took = start.elapsed();
    assert!(took >= DEADLINE && took < DEADLINE * 4, "took {took:?}");
    assert_eq!(next(&rx), Outcome::TimedOut);
    assert_survived(&l, &name);
}

#[test]
fn a_trickling_client_is_cut_off_at_the_deadline() {
    let (l, rx) = spawn();
    let name = sentinel("trickle");
    let mut s = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    s.set_nodelay(true).unwrap();
    let mut writer = s.try_clone().unwrap();
    let start = Instant::now();
    // One byte per 100 ms: each read succeeds, only the whole-message
    // deadline ends it.
    let trickle = thread::spawn(move || {
        for b in b"\x00\x00\x00\x20{\"version\": 1, \"incremental\": true}" {
            if writer.write_all(&[*b]).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
    });
    assert_eq!(
        read_reply(&mut s).as_deref(),
        Some("error: timed out waiting for the message")
    );
    let took = start.elapsed();
    assert!(took >= DEADLINE && took < DEADLINE * 4, "took {took:?}");
    assert_eq!(next(&rx), Outcome::TimedOut);
    drop(s);
    trickle.join().unwrap();
    assert_survived(&l, &name);
}

#[test]
fn a_client_dropping_mid_message() {
    let (l, rx) = spawn();
    let name = sentinel("drop");
    let mut s = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    s.write_all(b"\x00\x00\x00\x64{\"ver").unwrap();
    drop(s);
    assert_eq!(
        next(&rx),
        Outcome::BadFrame("connection closed after 5 of 100 payload bytes".into())
    );
    assert_survived(&l, &name);
}

/// Opens `n` connections in a row, each given `send(i)` and dropped, and
/// returns their outcomes. Every 64 connections it waits for the listener
/// to catch up, so the kernel's accept queue never overflows (an
/// overflow costs the client a 1 s SYN retransmission, not a failure).
fn flood(
    l: &Listener,
    rx: &Receiver<Outcome>,
    n: u32,
    send: fn(u32, &mut TcpStream),
) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for i in 0..n {
        let mut s = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
        send(i, &mut s);
        drop(s);
        if (i + 1) % 64 == 0 || i + 1 == n {
            while outcomes.len() < (i + 1) as usize {
                outcomes.push(next(rx));
            }
        }
    }
    wait_idle(l);
    outcomes
}

#[test]
fn a_thousand_connections_opened_and_dropped() {
    let (l, rx) = spawn();
    let name = sentinel("thousand");
    let outcomes = flood(&l, &rx, 1000, |_, _| {});
    assert_eq!(outcomes.len(), 1000);
    for o in outcomes {
        assert!(
            o == Outcome::BadFrame("connection closed after 0 of 4 length bytes".into())
                || matches!(o, Outcome::Refused { .. } | Outcome::Evicted { .. }),
            "{o:?}"
        );
    }
    assert_survived(&l, &name);
}

/// Waits until no connection is being served or queued.
fn wait_idle(l: &Listener) {
    let start = Instant::now();
    while l.__in_flight().0 != 0 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "in flight: {:?}",
            l.__in_flight()
        );
        thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn ten_thousand_bad_connections_leave_nothing_behind() {
    let (l, rx) = spawn();
    let name = sentinel("tenk");
    // Garbage: a partial length prefix (0 to 3 bytes), then a close.
    let outcomes = flood(&l, &rx, 10_000, |i, s| {
        let _ = s.write_all(&i.to_be_bytes()[..(i % 4) as usize]);
    });
    assert_eq!(outcomes.len(), 10_000);
    assert!(outcomes.iter().all(|o| matches!(
        o,
        Outcome::BadFrame(_) | Outcome::Refused { .. } | Outcome::Evicted { .. }
    )));
    let (open, threads) = l.__in_flight();
    assert_eq!(open, 0);
    assert!(threads <= 8, "{threads} threads for at most 8 connections");
    assert_survived(&l, &name);
    // The threads linger a moment for more work, then end.
    let start = Instant::now();
    while l.__in_flight() != (0, 0) {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            l.__in_flight()
        );
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_panicking_verify() {
    let (l, rx) = spawn_with(Listener::builder().verify(|msg: &[u8]| {
        if msg == b"boom" {
            panic!("verify exploded");
        }
        Some(msg.to_vec())
    }));
    let name = sentinel("verify_panic");
    assert_eq!(
        exchange(l.port(), &frame(b"boom")).as_deref(),
        Some("error: internal error while handling the message")
    );
    assert_eq!(
        next(&rx),
        Outcome::Panicked("verify panicked: verify exploded".into())
    );
    assert_survived(&l, &name);
}

#[test]
fn a_panicking_apply_step() {
    let (l, rx) = spawn_with(Listener::builder().apply(|bytes: &[u8]| {
        if bytes == b"bang" {
            panic!("apply exploded");
        }
        loglisten::apply_config(bytes).map_err(|e| e.to_string())
    }));
    let name = sentinel("apply_panic");
    assert_eq!(
        exchange(l.port(), &frame(b"bang")).as_deref(),
        Some("error: internal error while handling the message")
    );
    assert_eq!(
        next(&rx),
        Outcome::Panicked("the apply step panicked: apply exploded".into())
    );
    // The apply lock was released despite the panic.
    assert_survived(&l, &name);
}

#[test]
fn the_size_limit_is_configurable() {
    let (l, rx) = spawn_with(Listener::builder().max_message_bytes(16));
    let name = sentinel("limit");
    assert_eq!(
        exchange(l.port(), &frame(&[b'x'; 17])).as_deref(),
        Some("error: message of 17 bytes exceeds the limit of 16")
    );
    assert_eq!(
        next(&rx),
        Outcome::TooLarge {
            claimed: 17,
            max: 16
        }
    );
    // A config that fits the limit is not needed to show survival: the
    // sentinel is untouched, and short messages are still read.
    assert_eq!(get_logger(&name).level(), Level::ERROR);
    assert_eq!(
        exchange(l.port(), &frame(b"{}")).as_deref(),
        Some("error: version: dictionary doesn't specify a version")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any bytes: the reply is one of the status lines, and nothing is
    /// applied (random bytes are never a valid config).
    #[test]
    fn any_bytes_get_a_status_reply_and_change_nothing(
        bytes in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..40),
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(|v| frame(&v)),
        ]
    ) {
        static LISTENER: Mutex<Option<Listener>> = Mutex::new(None);
        let mut guard = LISTENER.lock().unwrap();
        let l = guard.get_or_insert_with(|| spawn().0);
        let name = sentinel("prop");
        let reply = exchange(l.port(), &bytes).unwrap();
        prop_assert!(reply.starts_with("error: "), "{}", reply);
        prop_assert_eq!(get_logger(&name).level(), Level::ERROR);
    }
}
