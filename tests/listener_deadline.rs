//! Every step of an apply is bounded: a SysLogHandler over TCP whose
//! destination never answers (a loopback listener whose accept queue is
//! full) fails within its connect timeout, and the listener's apply step
//! within its deadline, with nothing changed.

#[path = "support/tempdir.rs"]
mod tempdir;

use loglisten::handler::{SockType, SysLogHandler, SysLogSettings, SyslogAddress};
use loglisten::{get_logger, send_config, Level, Listener, Reply};
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};
use tempdir::TempDir;

/// A loopback port whose accept queue is full: a connect to it hangs
/// (the kernel drops the SYN). Keep the values alive while it is needed.
fn hanging_port() -> (TcpListener, Vec<TcpStream>, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..5000 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
            Ok(s) => held.push(s),
            Err(e) if e.kind() == ErrorKind::TimedOut || e.kind() == ErrorKind::WouldBlock => {
                return (listener, held, addr.port())
            }
            Err(e) => panic!("filling the accept queue: {e}"),
        }
    }
    panic!("the accept queue did not fill after 5000 connections");
}

fn tcp_syslog(port: u16) -> SysLogSettings {
    SysLogSettings {
        address: SyslogAddress::Inet {
            host: "127.0.0.1".into(),
            port,
        },
        socktype: Some(SockType::Stream),
        ..SysLogSettings::default()
    }
}

#[test]
fn a_tcp_syslog_connect_gives_up_after_two_seconds() {
    let (_listener, _held, port) = hanging_port();
    let start = Instant::now();
    let err = SysLogHandler::new(tcp_syslog(port)).unwrap_err();
    let took = start.elapsed();
    assert_eq!(err.kind(), ErrorKind::TimedOut);
    assert_eq!(
        err.to_string(),
        format!("timed out connecting to 127.0.0.1:{port}")
    );
    assert!(took >= Duration::from_millis(1900), "took {took:?}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn an_apply_past_its_deadline_changes_nothing_and_says_which_handler() {
    let (_listener, _held, port) = hanging_port();
    let dir = TempDir::new("deadline");
    let log = get_logger("deadline.app");
    log.set_level(Level::WARNING);
    let l = Listener::builder()
        .port(0)
        .apply_deadline(Duration::from_millis(800))
        .spawn()
        .unwrap();
    let created = dir.join("a.log");
    let config = format!(
        r#"{{"version": 1, "disable_existing_loggers": false,
            "handlers": {{
              "a": {{"class": "logging.FileHandler", "filename": {created:?}}},
              "h": {{"class": "logging.handlers.SysLogHandler",
                     "address": ["127.0.0.1", {port}], "socktype": 1}}}},
            "loggers": {{"deadline.app": {{"level": "DEBUG", "handlers": ["a", "h"]}}}}}}"#,
        created = created.display().to_string()
    );
    let start = Instant::now();
    let reply = send_config(("127.0.0.1", l.port()), config.as_bytes()).unwrap();
    let took = start.elapsed();
    assert_eq!(
        reply,
        Reply::Error(format!(
            "timed out building handler 'h' (connecting to 127.0.0.1:{port})"
        ))
    );
    assert!(took >= Duration::from_millis(700), "took {took:?}");
    assert!(took < Duration::from_millis(1900), "took {took:?}");
    assert!(!created.exists(), "the file handler built first was undone");
    assert_eq!(log.level(), Level::WARNING, "nothing changed");
    // The listener serves the next push at once.
    let fine =
        br#"{"version": 1, "incremental": true, "loggers": {"deadline.app": {"level": "ERROR"}}}"#;
    let reply = send_config(("127.0.0.1", l.port()), fine).unwrap();
    assert!(matches!(reply, Reply::Ok { .. }), "{reply}");
    assert_eq!(log.level(), Level::ERROR);
}
