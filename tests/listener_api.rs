//! The listener's API: binding, replies, logging, stopping, options.
//!
//! Tests here share one process's logging state, so each uses its own
//! logger names and only incremental configs (which leave handlers alone).

use loglisten::listener::Outcome;
use loglisten::{
    get_logger, send_config, send_config_with, Applied, ConfigKind, Handler, Level, Listener,
    Record, Reply, SendOptions, SharedHandler,
};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut v = (payload.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(payload);
    v
}

/// Sends raw bytes, half-closes, and returns the reply payload (None
/// when the listener closed without one).
fn raw_exchange(port: u16, bytes: &[u8]) -> (String, Option<String>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let me = s.local_addr().unwrap().to_string();
    s.write_all(bytes).unwrap();
    s.shutdown(Shutdown::Write).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    if all.is_empty() {
        return (me, None);
    }
    let len = u32::from_be_bytes(all[..4].try_into().unwrap()) as usize;
    assert_eq!(all.len(), 4 + len, "exactly one frame");
    (me, Some(String::from_utf8(all[4..].to_vec()).unwrap()))
}

fn level_config(logger: &str, level: &str) -> Vec<u8> {
    format!(
        r#"{{"version": 1, "incremental": true, "loggers": {{"{logger}": {{"level": "{level}"}}}}}}"#
    )
    .into_bytes()
}

fn spawn() -> Listener {
    Listener::builder().port(0).spawn().unwrap()
}

fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "waiting for {what}"
        );
        thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn listen_binds_now_and_stop_listening_stops_the_most_recent() {
    // The only test in this file that calls listen(): stop_listening acts
    // on a process-wide "most recent".
    let first = loglisten::listen(0, None).unwrap();
    assert_ne!(first.port(), 0);
    let busy = loglisten::listen(first.port(), None).unwrap_err();
    assert_eq!(busy.kind(), std::io::ErrorKind::AddrInUse);
    let second = loglisten::listen(0, None).unwrap();
    get_logger("api.listen").set_level(Level::ERROR);
    loglisten::stop_listening();
    let start = Instant::now();
    second.join().unwrap();
    assert!(start.elapsed() < Duration::from_millis(200));
    // The first still serves; stop_listening again has nothing to stop.
    loglisten::stop_listening();
    let reply = send_config(
        ("127.0.0.1", first.port()),
        &level_config("api.listen", "DEBUG"),
    );
    assert!(matches!(
        reply.unwrap(),
        Reply::Ok {
            kind: ConfigKind::Dict,
            ..
        }
    ));
    assert_eq!(get_logger("api.listen").level(), Level::DEBUG);
    first.stop();
    first.join().unwrap();
}

#[test]
fn listen_with_a_verify_fn_discards_what_it_refuses() {
    fn only_signed(msg: &[u8]) -> Option<Vec<u8>> {
        msg.strip_prefix(b"signed:").map(<[u8]>::to_vec)
    }
    let l = Listener::builder()
        .port(0)
        .verify(only_signed as loglisten::verify::VerifyFn)
        .spawn()
        .unwrap();
    get_logger("api.verifyfn").set_level(Level::ERROR);
    let addr = ("127.0.0.1", l.port());
    let config = level_config("api.verifyfn", "INFO");
    assert_eq!(send_config(addr, &config).unwrap(), Reply::Rejected);
    assert_eq!(get_logger("api.verifyfn").level(), Level::ERROR);
    let mut signed = b"signed:".to_vec();
    signed.extend_from_slice(&config);
    assert!(matches!(
        send_config(addr, &signed).unwrap(),
        Reply::Ok { .. }
    ));
    assert_eq!(get_logger("api.verifyfn").level(), Level::INFO);
}

#[test]
fn replies_are_one_status_line_frame() {
    let l = spawn();
    let (_, reply) = raw_exchange(l.port(), &frame(&level_config("api.reply", "WARNING")));
    let reply = reply.unwrap();
    let generation: u64 = reply.strip_prefix("ok dict ").unwrap().parse().unwrap();
    assert!(generation >= 1);
    let cases: [(&[u8], &str); 4] = [
        (
            &frame(b"{\"version\": 2}"),
            "error: version: Unsupported version: 2",
        ),
        (
            b"\x00\x20\x00\x00",
            "error: message of 2097152 bytes exceeds the limit of 1048576",
        ),
        (
            b"\x00\x00",
            "error: connection closed after 2 of 4 length bytes",
        ),
        (
            &frame(b"{\"version\": 1,\n\"x\": }"),
            "error: expected value at line 2 column 6",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(raw_exchange(l.port(), input).1.as_deref(), Some(want));
    }
}

#[test]
fn the_file_kind_and_apply_errors_come_from_the_apply_step() {
    let l = Listener::builder()
        .port(0)
        .apply(|bytes: &[u8]| match bytes {
            b"file" => Ok(Applied {
                kind: ConfigKind::File,
                generation: 41,
            }),
            _ => Err("no such setting\nsecond line".to_string()),
        })
        .spawn()
        .unwrap();
    let addr = ("127.0.0.1", l.port());
    assert_eq!(
        send_config(addr, b"file").unwrap(),
        Reply::Ok {
            kind: ConfigKind::File,
            generation: 41
        }
    );
    assert_eq!(
        send_config(addr, b"x").unwrap(),
        Reply::Error("no such setting second line".into())
    );
}

#[derive(Debug, Clone, Default)]
struct Capture(Arc<Mutex<Vec<(Level, String)>>>);

impl Handler for Capture {
    fn emit(&mut self, record: &Record, _text: &str) -> std::io::Result<()> {
        let mut lines = self.0.lock().unwrap();
        lines.push((record.level(), record.message().to_string()));
        Ok(())
    }
}

#[test]
fn outcomes_are_logged_to_the_loglisten_logger_with_the_peer() {
    let capture = Capture::default();
    let log = get_logger("loglisten");
    log.add_handler(SharedHandler::new(capture.clone()));
    log.set_propagate(false);
    log.set_level(Level::DEBUG);
    let l = Listener::builder()
        .port(0)
        .verify(|msg: &[u8]| (msg != b"refuse").then(|| msg.to_vec()))
        .spawn()
        .unwrap();
    let (peer_ok, reply) = raw_exchange(l.port(), &frame(&level_config("api.log", "INFO")));
    let generation = reply.unwrap()["ok dict ".len()..].to_string();
    let (peer_rejected, _) = raw_exchange(l.port(), &frame(b"refuse"));
    let (peer_bad, _) = raw_exchange(l.port(), b"\x00\x00\x00\x09abc");
    let (peer_config, _) = raw_exchange(l.port(), &frame(b"{\"version\": 3}"));
    let lines = capture.0.lock().unwrap().clone();
    let find = |peer: &str| {
        let found: Vec<_> = lines.iter().filter(|(_, m)| m.contains(peer)).collect();
        assert_eq!(found.len(), 1, "one line for {peer} in {lines:?}");
        found[0].clone()
    };
    assert_eq!(
        find(&peer_ok),
        (
            Level::INFO,
            format!("applied dict config generation {generation} from {peer_ok}")
        )
    );
    assert_eq!(
        find(&peer_rejected),
        (
            Level::WARNING,
            format!("rejected a config from {peer_rejected}: verify refused it")
        )
    );
    assert_eq!(
        find(&peer_bad),
        (
            Level::ERROR,
            format!("bad message from {peer_bad}: connection closed after 3 of 9 payload bytes")
        )
    );
    assert_eq!(
        find(&peer_config),
        (
            Level::ERROR,
            format!("config from {peer_config} not applied: version: Unsupported version: 3")
        )
    );
}

#[test]
fn on_message_sees_each_outcome_with_the_peer_and_may_panic() {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let l = Listener::builder()
        .port(0)
        .on_message(move |peer, outcome| {
            tx.lock()
                .unwrap()
                .send((peer.to_string(), outcome.clone()))
                .unwrap();
            panic!("a careless callback");
        })
        .spawn()
        .unwrap();
    let (peer, reply) = raw_exchange(l.port(), &frame(b"\xff"));
    assert_eq!(
        reply.as_deref(),
        Some("error: configuration is not UTF-8: invalid byte at offset 0")
    );
    let (got_peer, outcome) = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(got_peer, peer);
    assert_eq!(
        outcome,
        Outcome::ConfigError(loglisten::apply_config(b"\xff").unwrap_err())
    );
    // Still serving after the callback panicked.
    let (_, reply) = raw_exchange(l.port(), &frame(&level_config("api.onmsg", "INFO")));
    assert!(reply.unwrap().starts_with("ok dict "));
    let (_, outcome) = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(matches!(
        outcome,
        Outcome::Applied {
            kind: ConfigKind::Dict,
            ..
        }
    ));
}

#[test]
fn stop_to_join_is_quick_whatever_the_clients_do() {
    let l = Listener::builder()
        .port(0)
        .receive_deadline(Duration::from_secs(30))
        .spawn()
        .unwrap();
    // One client idle, one half-way through a message.
    let _idle = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    let mut partial = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    partial.write_all(b"\x00\x00\x01\x00abc").unwrap();
    wait_for("two connections in flight", || l.__in_flight() == (2, 2));
    let start = Instant::now();
    l.stop();
    l.join().unwrap();
    let took = start.elapsed();
    assert!(
        took < Duration::from_millis(200),
        "stop to join took {took:?}"
    );
    // The connections were shut down: the partial one sees the close.
    let mut rest = Vec::new();
    partial
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = partial.read_to_end(&mut rest);
}

#[test]
fn dropping_a_listener_stops_it_and_several_run_independently() {
    let a = spawn();
    let b = spawn();
    let c = spawn();
    let b_port = b.port();
    let start = Instant::now();
    drop(b);
    assert!(start.elapsed() < Duration::from_millis(200));
    assert!(TcpStream::connect(("127.0.0.1", b_port)).is_err());
    c.stop();
    let reply = send_config(
        ("127.0.0.1", a.port()),
        &level_config("api.multi.a", "ERROR"),
    );
    assert!(matches!(reply.unwrap(), Reply::Ok { .. }));
    c.join().unwrap();
    assert_eq!(get_logger("api.multi.a").level(), Level::ERROR);
    let reply = send_config(
        ("127.0.0.1", a.port()),
        &level_config("api.multi.a", "INFO"),
    );
    assert!(matches!(reply.unwrap(), Reply::Ok { .. }));
}

#[test]
fn verify_with_hmac_accepts_signed_and_rejects_tampered() {
    let key = b"api shared secret";
    let l = Listener::builder()
        .port(0)
        .verify(loglisten::verify::hmac_sha256(key.to_vec()))
        .spawn()
        .unwrap();
    let addr = ("127.0.0.1", l.port());
    get_logger("api.hmac").set_level(Level::CRITICAL);
    let config = level_config("api.hmac", "DEBUG");
    let mut tampered = loglisten::verify::sign(key, &config);
    let last = tampered.len() - 3;
    tampered[last] ^= 1;
    assert_eq!(
        raw_exchange(l.port(), &frame(&tampered)).1.as_deref(),
        Some("rejected")
    );
    assert_eq!(send_config(addr, &config).unwrap(), Reply::Rejected);
    let wrong_key = SendOptions {
        key: Some(b"other".to_vec()),
        ..SendOptions::default()
    };
    assert_eq!(
        send_config_with(addr, &config, &wrong_key).unwrap(),
        Reply::Rejected
    );
    assert_eq!(get_logger("api.hmac").level(), Level::CRITICAL);
    let signed = SendOptions {
        key: Some(key.to_vec()),
        ..SendOptions::default()
    };
    assert!(matches!(
        send_config_with(addr, &config, &signed).unwrap(),
        Reply::Ok { .. }
    ));
    assert_eq!(get_logger("api.hmac").level(), Level::DEBUG);
}

#[test]
fn apply_steps_run_one_at_a_time() {
    let busy = Arc::new(AtomicBool::new(false));
    let overlaps = Arc::new(AtomicUsize::new(0));
    let (b, o) = (Arc::clone(&busy), Arc::clone(&overlaps));
    let l = Listener::builder()
        .port(0)
        .apply(move |_: &[u8]| {
            if b.swap(true, Ordering::SeqCst) {
                o.fetch_add(1, Ordering::SeqCst);
            }
            thread::sleep(Duration::from_millis(15));
            b.store(false, Ordering::SeqCst);
            Ok(Applied {
                kind: ConfigKind::Dict,
                generation: 1,
            })
        })
        .spawn()
        .unwrap();
    let port = l.port();
    let clients: Vec<_> = (0..6)
        .map(|_| thread::spawn(move || send_config(("127.0.0.1", port), b"x").unwrap()))
        .collect();
    for c in clients {
        assert!(matches!(c.join().unwrap(), Reply::Ok { .. }));
    }
    assert_eq!(overlaps.load(Ordering::SeqCst), 0);
}

#[test]
fn a_newcomer_evicts_the_idle_connection_when_every_slot_is_taken() {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let l = Listener::builder()
        .port(0)
        .max_connections(2)
        .header_deadline(Duration::from_secs(30))
        .receive_deadline(Duration::from_secs(30))
        .on_message(move |_, outcome| {
            let _ = tx.lock().unwrap().send(outcome.clone());
        })
        .spawn()
        .unwrap();
    let mut oldest = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    wait_for("one connection in flight", || l.__in_flight() == (1, 1));
    thread::sleep(Duration::from_millis(30));
    // The second has sent part of its message: it has got further.
    let mut partial = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    let config = frame(&level_config("api.limit", "INFO"));
    partial.write_all(&config[..6]).unwrap();
    wait_for("two connections in flight", || l.__in_flight() == (2, 2));
    thread::sleep(Duration::from_millis(30));
    // A third is served, not refused: the idle one makes room.
    let reply = send_config(("127.0.0.1", l.port()), &level_config("api.limit", "ERROR"));
    assert!(matches!(reply.unwrap(), Reply::Ok { .. }));
    oldest
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut told = Vec::new();
    oldest.read_to_end(&mut told).unwrap();
    assert_eq!(
        told,
        frame(
            b"error: evicted after 0 bytes: every connection slot was taken \
              and this connection had got least far"
        )
    );
    let mut outcomes = [
        rx.recv_timeout(Duration::from_secs(5)).unwrap(),
        rx.recv_timeout(Duration::from_secs(5)).unwrap(),
    ];
    outcomes.sort_by_key(|o| matches!(o, Outcome::Applied { .. }));
    assert_eq!(outcomes[0], Outcome::Evicted { received: 0 });
    assert!(matches!(outcomes[1], Outcome::Applied { .. }));
    // The one that had got further is still served.
    partial.write_all(&config[6..]).unwrap();
    let mut reply = Vec::new();
    partial
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    partial.read_to_end(&mut reply).unwrap();
    assert!(reply[4..].starts_with(b"ok dict "), "{reply:?}");
    assert_eq!(get_logger("api.limit").level(), Level::INFO);
}

#[test]
fn a_newcomer_is_told_busy_when_every_slot_is_being_applied() {
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = Mutex::new(release_rx);
    let l = Listener::builder()
        .port(0)
        .max_connections(1)
        .apply(move |_: &[u8]| {
            let _ = release_rx.lock().unwrap().recv();
            Ok(Applied {
                kind: ConfigKind::Dict,
                generation: 5,
            })
        })
        .spawn()
        .unwrap();
    let port = l.port();
    let first = thread::spawn(move || send_config(("127.0.0.1", port), b"x").unwrap());
    wait_for("one connection in flight", || l.__in_flight() == (1, 1));
    thread::sleep(Duration::from_millis(50));
    let mut second = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    second
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reply = Vec::new();
    second.read_to_end(&mut reply).unwrap();
    assert_eq!(
        reply,
        frame(b"error: busy: 1 connections already in flight")
    );
    release_tx.send(()).unwrap();
    assert_eq!(
        first.join().unwrap(),
        Reply::Ok {
            kind: ConfigKind::Dict,
            generation: 5
        }
    );
}

#[test]
fn connection_threads_are_reused_then_end() {
    let l = spawn();
    for _ in 0..6 {
        let reply = send_config(("127.0.0.1", l.port()), &level_config("api.reuse", "INFO"));
        assert!(matches!(reply.unwrap(), Reply::Ok { .. }));
    }
    // A thread may not be back waiting when the next connection arrives
    // (the reply goes out before it is), so another can start on a loaded
    // machine; but never one per connection.
    wait_for("the connections to close", || l.__in_flight().0 == 0);
    let threads = l.__in_flight().1;
    assert!(
        (1..6).contains(&threads),
        "{threads} threads for 6 sequential connections"
    );
    wait_for("the threads to end", || l.__in_flight() == (0, 0));
}

#[test]
fn an_explicit_non_loopback_address_works_and_stops() {
    let l = Listener::builder()
        .bind_address_insecure(std::net::Ipv4Addr::UNSPECIFIED.into())
        .port(0)
        .spawn()
        .unwrap();
    let reply = send_config(("127.0.0.1", l.port()), &level_config("api.any", "INFO"));
    assert!(matches!(reply.unwrap(), Reply::Ok { .. }));
    let start = Instant::now();
    drop(l);
    assert!(start.elapsed() < Duration::from_millis(200));
}

#[test]
fn client_reports_no_ack_timeouts_and_bad_replies() {
    // Trivial servers: read the frame, then close / stay silent / garble.
    fn server(then: fn(&mut TcpStream)) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut len = [0u8; 4];
            s.read_exact(&mut len).unwrap();
            let mut payload = vec![0u8; u32::from_be_bytes(len) as usize];
            s.read_exact(&mut payload).unwrap();
            then(&mut s);
        });
        port
    }
    let quick = SendOptions {
        timeout: Duration::from_millis(300),
        ..SendOptions::default()
    };
    let port = server(|_| {});
    assert_eq!(
        send_config_with(("127.0.0.1", port), b"cfg", &quick).unwrap(),
        Reply::NoAck
    );
    let port = server(|_| thread::sleep(Duration::from_secs(2)));
    let err = send_config_with(("127.0.0.1", port), b"cfg", &quick).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
    assert_eq!(
        err.to_string(),
        "timed out waiting for the listener's reply"
    );
    let port = server(|s| s.write_all(b"\x00\x00\x00\x02hi").unwrap());
    let err = send_config_with(("127.0.0.1", port), b"cfg", &quick).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unexpected reply from the listener: \"hi\""
    );
    let port = server(|s| s.write_all(b"\x00\x00\x00\x09hi").unwrap());
    let err = send_config_with(("127.0.0.1", port), b"cfg", &quick).unwrap_err();
    assert_eq!(
        err.to_string(),
        "bad reply: connection closed after 2 of 9 payload bytes"
    );
}

#[cfg(unix)]
mod unix {
    use super::*;
    use loglisten::send_config_unix;
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    use std::os::unix::net::UnixListener;
    use std::path::PathBuf;

    fn temp_path(name: &str) -> PathBuf {
        // A directory per test, so that one test's files do not show up
        // in another's listing.
        let dir = std::env::temp_dir().join(format!("loglisten-api-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn socket_is_owner_only_serves_and_is_removed_at_stop() {
        let path = temp_path("serve.sock");
        let l = Listener::builder().unix_socket(&path).spawn().unwrap();
        assert_eq!(l.port(), 0);
        let meta = std::fs::symlink_metadata(&path).unwrap();
        assert!(meta.file_type().is_socket());
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let reply = send_config_unix(&path, &level_config("api.unix", "ERROR")).unwrap();
        assert!(matches!(reply, Reply::Ok { .. }));
        assert_eq!(get_logger("api.unix").level(), Level::ERROR);
        let start = Instant::now();
        l.stop();
        l.join().unwrap();
        assert!(start.elapsed() < Duration::from_millis(200));
        assert!(!path.exists());
        // Nor the private directory beside it.
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".loglisten-"))
            .collect();
        assert_eq!(left, Vec::<String>::new());
    }

    #[test]
    fn a_stale_socket_is_replaced() {
        let path = temp_path("stale.sock");
        drop(UnixListener::bind(&path).unwrap());
        assert!(path.exists(), "the dead socket file stays behind");
        let l = Listener::builder().unix_socket(&path).spawn().unwrap();
        let reply = send_config_unix(&path, &level_config("api.stale", "INFO")).unwrap();
        assert!(matches!(reply, Reply::Ok { .. }));
        drop(l);
    }

    #[test]
    fn a_live_socket_or_a_regular_file_is_not_replaced() {
        let path = temp_path("live.sock");
        let live = Listener::builder().unix_socket(&path).spawn().unwrap();
        let err = Listener::builder().unix_socket(&path).spawn().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
        assert_eq!(
            err.to_string(),
            format!("{} is in use by a live listener", path.display())
        );
        drop(live);

        let file = temp_path("regular.sock");
        std::fs::write(&file, b"precious").unwrap();
        let err = Listener::builder().unix_socket(&file).spawn().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(
            err.to_string(),
            format!(
                "{} exists and is not a socket; refusing to replace it",
                file.display()
            )
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"precious");
    }

    #[test]
    fn a_socket_replaced_by_someone_else_is_left_alone_at_stop() {
        let path = temp_path("moved.sock");
        let l = Listener::builder().unix_socket(&path).spawn().unwrap();
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, b"not ours").unwrap();
        // Stopping still works (it connects through the private name) and
        // leaves the file that replaced ours alone.
        let start = Instant::now();
        l.stop();
        l.join().unwrap();
        assert!(start.elapsed() < Duration::from_millis(200));
        assert_eq!(std::fs::read(&path).unwrap(), b"not ours");
    }
}
