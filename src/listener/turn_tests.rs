//! Pushes waiting for their turn to apply: first come first served, each
//! answered within its own deadline, and a push whose client has gone by
//! its turn is dropped and audited as abandoned.

use super::{Audit, Listener, Outcome};
use crate::handler::{Handler, NullHandler};
use crate::sync::lock;
use crate::{send_config, Level, Registry, Reply};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// A registry whose handler class `test.Slow` sleeps `ms` before it is
/// built and `test.Mark` records its `tag` when built; and the tags
/// recorded, in order.
fn registry() -> (Registry, Arc<Mutex<Vec<u64>>>, mpsc::Receiver<()>) {
    let r = Registry::new();
    let (started, starts) = mpsc::channel();
    let started = Mutex::new(started);
    r.register_handler("test.Slow", move |kwargs| {
        let _ = lock(&started).send(());
        let ms = kwargs.get("ms").and_then(|v| v.as_u64()).unwrap_or(0);
        thread::sleep(Duration::from_millis(ms));
        Ok(Box::new(NullHandler) as Box<dyn Handler>)
    });
    let marks = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&marks);
    r.register_handler("test.Mark", move |kwargs| {
        let tag = kwargs.get("tag").and_then(|v| v.as_u64()).unwrap_or(0);
        lock(&seen).push(tag);
        Ok(Box::new(NullHandler) as Box<dyn Handler>)
    });
    (r, marks, starts)
}

fn listener(r: &Registry, deadline: Duration) -> (Listener, Arc<Mutex<Vec<Audit>>>) {
    let audits = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&audits);
    let l = Listener::builder()
        .registry(r)
        .port(0)
        .allow_any_local_user()
        .apply_deadline(deadline)
        .on_audit(move |a| lock(&keep).push(a.clone()))
        .spawn()
        .unwrap();
    (l, audits)
}

fn slow(ms: u64) -> String {
    format!(
        r#"{{"version": 1, "disable_existing_loggers": false,
            "handlers": {{"s": {{"class": "test.Slow", "ms": {ms}}}}},
            "loggers": {{"turn.slow": {{"handlers": ["s"]}}}}}}"#
    )
}

/// Sets logger `turn.<tag>` to DEBUG and builds a `test.Mark` of `tag`.
fn marked(tag: u64) -> String {
    format!(
        r#"{{"version": 1, "disable_existing_loggers": false,
            "handlers": {{"m": {{"class": "test.Mark", "tag": {tag}}}}},
            "loggers": {{"turn.{tag}": {{"level": "DEBUG", "handlers": ["m"]}}}}}}"#
    )
}

/// Pushes `config` on a connection of its own, kept open; the thread
/// answers the reply.
fn push(port: u16, config: String) -> thread::JoinHandle<Reply> {
    thread::spawn(move || send_config(("127.0.0.1", port), config.as_bytes()).unwrap())
}

/// Starts a slow push and returns once its handler is being built.
fn slow_push(port: u16, ms: u64, starts: &mpsc::Receiver<()>) -> thread::JoinHandle<Reply> {
    let slow = push(port, slow(ms));
    starts.recv_timeout(Duration::from_secs(10)).unwrap();
    slow
}

/// Waits (bounded) until `n` pushes wait for their turn at `r`.
fn until_waiting(r: &Registry, n: usize) {
    let give_up = Instant::now() + Duration::from_secs(10);
    while r.core.apply_waiting() != n {
        assert!(
            Instant::now() < give_up,
            "{} waiting",
            r.core.apply_waiting()
        );
        thread::sleep(Duration::from_millis(1));
    }
}

fn frame(config: &str) -> Vec<u8> {
    let mut bytes = (config.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(config.as_bytes());
    bytes
}

fn hex_sha256(bytes: &[u8]) -> String {
    crate::sha256::sha256(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn waiting_pushes_are_applied_in_arrival_order() {
    let (r, marks, starts) = registry();
    let (l, _) = listener(&r, Duration::from_secs(5));
    let slow = slow_push(l.port(), 300, &starts);
    let mut waiting = Vec::new();
    for tag in [5, 3, 4, 1, 2] {
        waiting.push(push(l.port(), marked(tag)));
        until_waiting(&r, waiting.len());
    }
    assert_eq!(
        slow.join().unwrap(),
        Reply::Ok {
            kind: crate::ConfigKind::Dict,
            generation: 1
        }
    );
    let replies: Vec<Reply> = waiting.into_iter().map(|t| t.join().unwrap()).collect();
    let generations: Vec<u64> = replies
        .iter()
        .map(|reply| match reply {
            Reply::Ok { generation, .. } => *generation,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(generations, [2, 3, 4, 5, 6]);
    assert_eq!(*lock(&marks), [5, 3, 4, 1, 2]);
}

#[test]
fn a_push_waiting_past_its_deadline_is_answered_and_never_applied() {
    let (r, marks, starts) = registry();
    let (l, audits) = listener(&r, Duration::from_millis(500));
    let slow = slow_push(l.port(), 1500, &starts);
    let start = Instant::now();
    let reply = send_config(("127.0.0.1", l.port()), marked(7).as_bytes()).unwrap();
    let took = start.elapsed();
    assert_eq!(
        reply,
        Reply::Error("timed out waiting for another apply to finish".into())
    );
    assert!(took >= Duration::from_millis(450), "took {took:?}");
    assert!(
        took < Duration::from_millis(1300),
        "answered before the slow one ended: {took:?}"
    );
    let _ = slow.join().unwrap();
    assert!(lock(&marks).is_empty(), "nothing of it was built");
    assert_eq!(r.get_logger("turn.7").level(), Level::NOTSET);
    let audits = lock(&audits);
    let overdue = audits
        .iter()
        .find(|a| a.outcome == Outcome::Overdue)
        .unwrap();
    assert!(overdue.push);
    assert_eq!(overdue.generation_before, overdue.generation_after);
    assert!(overdue
        .fields_text()
        .ends_with(" outcome=error: timed out waiting for another apply to finish"));
}

#[test]
fn a_push_whose_client_has_gone_by_its_turn_is_dropped_and_audited() {
    let (r, marks, starts) = registry();
    let (l, audits) = listener(&r, Duration::from_secs(5));
    let slow = slow_push(l.port(), 400, &starts);
    // A client that sends, then gives up before its turn.
    let config = marked(9);
    let mut gone = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    let peer = gone.local_addr().unwrap().to_string();
    gone.write_all(&frame(&config)).unwrap();
    until_waiting(&r, 1);
    drop(gone);
    // One that waits behind it is served.
    let patient = push(l.port(), marked(10));
    until_waiting(&r, 2);
    assert!(matches!(slow.join().unwrap(), Reply::Ok { .. }));
    assert_eq!(
        patient.join().unwrap(),
        Reply::Ok {
            kind: crate::ConfigKind::Dict,
            generation: 2
        }
    );
    assert_eq!(*lock(&marks), [10], "the abandoned config was never built");
    assert_eq!(r.get_logger("turn.9").level(), Level::NOTSET);
    let audits = lock(&audits);
    let dropped: Vec<&Audit> = audits.iter().filter(|a| a.peer == peer).collect();
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0].outcome, Outcome::Abandoned);
    // generation_after is the generation live when the audit is written:
    // the slow push's (1), or already the patient one's (2) if it went
    // live first; never one this push made.
    let expected = |after: u64| {
        format!(
            "peer={peer} op=push generation_before=0 generation_after={after} sha256={} \
             outcome=abandoned",
            hex_sha256(config.as_bytes())
        )
    };
    let text = dropped[0].fields_text();
    assert!(text == expected(1) || text == expected(2), "{text}");
}

#[test]
fn a_client_that_closes_after_sending_is_served_when_it_did_not_wait() {
    // CPython's client sends and closes without reading: a push that
    // finds the gate free is applied all the same.
    let (r, marks, _starts) = registry();
    let (l, audits) = listener(&r, Duration::from_secs(5));
    let mut s = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    s.write_all(&frame(&marked(4))).unwrap();
    drop(s);
    let give_up = Instant::now() + Duration::from_secs(10);
    while lock(&audits).is_empty() {
        assert!(Instant::now() < give_up);
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(
        lock(&audits)[0].outcome,
        Outcome::Applied {
            kind: crate::ConfigKind::Dict,
            generation: 1
        }
    );
    assert_eq!(*lock(&marks), [4]);
    assert_eq!(r.get_logger("turn.4").level(), Level::DEBUG);
    // A reply was sent to a client still reading.
    let mut s = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    s.write_all(&frame(&marked(5))).unwrap();
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).unwrap();
    assert_eq!(&reply[4..], b"ok dict 2");
}

#[test]
fn a_name_that_resolves_slowly_times_out_within_the_apply_deadline() {
    let (r, _marks, _starts) = registry();
    let (l, _) = listener(&r, Duration::from_millis(300));
    let config = r#"{"version": 1, "disable_existing_loggers": false,
        "handlers": {"h": {"class": "logging.handlers.SysLogHandler",
                           "address": ["5000.slow.test", 514]}},
        "loggers": {"turn.dns": {"level": "DEBUG", "handlers": ["h"]}}}"#;
    let start = Instant::now();
    let reply = send_config(("127.0.0.1", l.port()), config.as_bytes()).unwrap();
    let took = start.elapsed();
    assert_eq!(
        reply,
        Reply::Error("timed out building handler 'h' (resolving '5000.slow.test')".into())
    );
    assert!(took >= Duration::from_millis(250), "took {took:?}");
    assert!(took < Duration::from_millis(1500), "took {took:?}");
    assert_eq!(r.get_logger("turn.dns").level(), Level::NOTSET);
    // A dry run of it is bounded the same way.
    let dry = r#"{"loglisten": {"op": "apply", "dry_run": true, "config": {"version": 1,
        "handlers": {"h": {"class": "logging.handlers.SysLogHandler",
                           "address": ["5000.slow.test", 514]}}}}}"#;
    let start = Instant::now();
    let reply = send_config(("127.0.0.1", l.port()), dry.as_bytes()).unwrap();
    assert!(start.elapsed() < Duration::from_millis(1500));
    assert_eq!(
        reply,
        Reply::Error("timed out building handler 'h' (resolving '5000.slow.test')".into())
    );
}

#[test]
fn a_programs_own_apply_step_takes_turns_on_the_same_terms() {
    let (entered, enters) = mpsc::channel();
    let entered = Mutex::new(entered);
    let applied = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&applied);
    let l = Listener::builder()
        .port(0)
        .allow_any_local_user()
        .apply_deadline(Duration::from_millis(300))
        .apply(move |bytes: &[u8]| {
            let _ = lock(&entered).send(());
            lock(&seen).push(bytes.to_vec());
            if bytes == b"slow" {
                thread::sleep(Duration::from_millis(1000));
            }
            Ok(crate::Applied {
                kind: crate::ConfigKind::Dict,
                generation: 1,
            })
        })
        .spawn()
        .unwrap();
    let port = l.port();
    let slow = thread::spawn(move || send_config(("127.0.0.1", port), b"slow").unwrap());
    enters.recv_timeout(Duration::from_secs(10)).unwrap();
    let start = Instant::now();
    let reply = send_config(("127.0.0.1", port), b"late").unwrap();
    let took = start.elapsed();
    assert_eq!(
        reply,
        Reply::Error("timed out waiting for another apply to finish".into())
    );
    assert!(took < Duration::from_millis(900), "took {took:?}");
    assert!(matches!(slow.join().unwrap(), Reply::Ok { .. }));
    assert_eq!(*lock(&applied), [b"slow".to_vec()]);
}

#[test]
fn a_set_or_reset_waiting_past_its_deadline_is_answered_and_never_done() {
    let (r, _marks, starts) = registry();
    r.set_level_override("turn.kept", Level::ERROR, None)
        .unwrap();
    let (l, audits) = listener(&r, Duration::from_millis(300));
    // Long enough for the three to time out one after another, loaded.
    let slow = slow_push(l.port(), 3000, &starts);
    let commands = [
        r#"{"loglisten": {"op": "set", "logger": "turn.set", "level": "DEBUG"}}"#,
        r#"{"loglisten": {"op": "reset", "logger": "turn.kept"}}"#,
        r#"{"loglisten": {"op": "reset"}}"#,
    ];
    for command in commands {
        let start = Instant::now();
        let reply = send_config(("127.0.0.1", l.port()), command.as_bytes()).unwrap();
        let took = start.elapsed();
        assert_eq!(
            reply,
            Reply::Error("timed out waiting for another apply to finish".into()),
            "{command}"
        );
        assert!(took >= Duration::from_millis(250), "took {took:?}");
        assert!(took < Duration::from_millis(1000), "took {took:?}");
    }
    let _ = slow.join().unwrap();
    assert_eq!(r.get_logger("turn.set").effective_level(), Level::WARNING);
    assert_eq!(r.get_logger("turn.kept").effective_level(), Level::ERROR);
    let overdue = lock(&audits)
        .iter()
        .filter(|a| a.outcome == Outcome::Overdue)
        .count();
    assert_eq!(overdue, 3);
}

#[test]
fn a_set_whose_client_has_gone_by_its_turn_is_dropped_and_audited() {
    let (r, marks, starts) = registry();
    let (l, audits) = listener(&r, Duration::from_secs(5));
    let slow = slow_push(l.port(), 400, &starts);
    let set = r#"{"loglisten": {"op": "set", "logger": "turn.gone", "level": "DEBUG"}}"#;
    let mut gone = TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    let peer = gone.local_addr().unwrap().to_string();
    gone.write_all(&frame(set)).unwrap();
    until_waiting(&r, 1);
    drop(gone);
    let patient = push(l.port(), marked(11));
    until_waiting(&r, 2);
    assert!(matches!(slow.join().unwrap(), Reply::Ok { .. }));
    assert!(matches!(patient.join().unwrap(), Reply::Ok { .. }));
    assert_eq!(*lock(&marks), [11]);
    assert_eq!(r.get_logger("turn.gone").effective_level(), Level::WARNING);
    let view = r.live_view();
    assert!(view.loggers.iter().all(|l| l.level_override.is_none()));
    let audits = lock(&audits);
    let dropped: Vec<&Audit> = audits.iter().filter(|a| a.peer == peer).collect();
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0].outcome, Outcome::Abandoned);
}
