//! Idle connections cannot lock the listener: a burst of connections that
//! close at once frees every slot, and a client holding a thousand idle
//! connections (reconnecting whenever one is closed) does not stop
//! legitimate pushes from being applied. Loopback only, bounded in count
//! and time. Each listener has its own apply step (a counter), so the
//! tests touch no logging state and run in parallel.

use loglisten::handler::NullHandler;
use loglisten::{get_logger, send_config, Applied, ConfigKind, Listener, Reply, SharedHandler};
use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Once};
use std::thread;
use std::time::{Duration, Instant};

/// A listener whose apply step counts what it was given. The thousands of
/// evictions it logs go nowhere (not to stderr's last resort).
fn counting_listener() -> (Listener, Arc<AtomicU64>) {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| {
        let log = get_logger("loglisten");
        log.add_handler(SharedHandler::new(NullHandler));
        log.set_propagate(false);
    });
    let applied = Arc::new(AtomicU64::new(0));
    let count = Arc::clone(&applied);
    // Any local user: the same-user check reads /proc/net/tcp for each
    // message, a cost that grows with the sockets on the machine (the
    // holder's churn leaves thousands in TIME_WAIT); it is measured in the
    // listener bench. This test is about the slots.
    let l = Listener::builder()
        .port(0)
        .allow_any_local_user()
        .apply(move |bytes: &[u8]| {
            assert_eq!(bytes, b"good");
            Ok(Applied {
                kind: ConfigKind::Dict,
                generation: count.fetch_add(1, Ordering::SeqCst) + 1,
            })
        })
        .spawn()
        .unwrap();
    (l, applied)
}

#[test]
fn a_good_push_after_a_thousand_connect_and_close_is_applied() {
    let (l, applied) = counting_listener();
    let addr = ("127.0.0.1", l.port());
    for round in 1..=3u64 {
        for _ in 0..1000 {
            drop(TcpStream::connect(addr).unwrap());
        }
        // At once: no waiting for the burst to drain.
        let reply = send_config(addr, b"good").unwrap();
        assert_eq!(
            reply,
            Reply::Ok {
                kind: ConfigKind::Dict,
                generation: round
            }
        );
    }
    assert_eq!(applied.load(Ordering::SeqCst), 3);
}

/// Holds up to `hold` idle connections to `addr`, reconnecting each one the
/// listener closes, until `stop` or `max_connects` connections in all.
/// Counts the connections it makes in `made`.
fn idle_holder(
    addr: SocketAddr,
    hold: usize,
    max_connects: usize,
    stop: &AtomicBool,
    made: &AtomicUsize,
) {
    let connect = || {
        let s = TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()?;
        s.set_nonblocking(true).ok()?;
        Some(s)
    };
    let mut held: Vec<Option<TcpStream>> = (0..hold).map(|_| None).collect();
    let mut buf = [0u8; 256];
    let more = || made.load(Ordering::SeqCst) < max_connects;
    while !stop.load(Ordering::SeqCst) && more() {
        for slot in held.iter_mut() {
            let closed = match slot {
                None => true,
                Some(s) => match s.read(&mut buf) {
                    Err(e) if e.kind() == ErrorKind::WouldBlock => false,
                    // A reply (evicted, timed out), the end, or a reset.
                    _ => true,
                },
            };
            if closed && more() {
                *slot = connect();
                made.fetch_add(1, Ordering::SeqCst);
            }
            if stop.load(Ordering::SeqCst) {
                break;
            }
        }
        thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_thousand_idle_connections_do_not_lock_out_a_hundred_pushes() {
    let (l, applied) = counting_listener();
    let addr: SocketAddr = ([127, 0, 0, 1], l.port()).into();
    let stop = Arc::new(AtomicBool::new(false));
    let made = Arc::new(AtomicUsize::new(0));
    let holder = {
        let (stop, made) = (Arc::clone(&stop), Arc::clone(&made));
        thread::spawn(move || idle_holder(addr, 1000, 200_000, &stop, &made))
    };
    // The holder has a thousand connections open (or tried to) first.
    let start = Instant::now();
    while made.load(Ordering::SeqCst) < 1000 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the holder is slow"
        );
        thread::sleep(Duration::from_millis(5));
    }
    let refused = AtomicUsize::new(0);
    let mut latencies = Vec::new();
    let give_up = Instant::now() + Duration::from_secs(60);
    for _ in 0..100 {
        let start = Instant::now();
        let reply = send_config(addr, b"good").unwrap();
        latencies.push(start.elapsed());
        if !matches!(reply, Reply::Ok { .. }) {
            refused.fetch_add(1, Ordering::SeqCst);
            eprintln!("not applied: {reply}");
        }
        assert!(Instant::now() < give_up, "the pushes took over 60 s");
    }
    let made_during = made.load(Ordering::SeqCst) - 1000;
    stop.store(true, Ordering::SeqCst);
    holder.join().unwrap();
    latencies.sort();
    let p50 = latencies[49];
    let p99 = latencies[98];
    eprintln!(
        "100 pushes while 1000 idle connections were held ({made_during} reconnects meanwhile): \
         p50 {p50:?}, p99 {p99:?}, max {:?}",
        latencies[99]
    );
    assert_eq!(refused.load(Ordering::SeqCst), 0);
    assert_eq!(applied.load(Ordering::SeqCst), 100);
    assert!(made_during > 0, "the holder was not reconnecting");
    assert!(
        p99 <= Duration::from_secs(1),
        "p99 from connect to reply {p99:?}"
    );
}
