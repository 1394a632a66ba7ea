//! The network handlers against Python's own receivers (the logging
//! cookbook's TCP and UDP pickle receivers, `http.server`, an SMTP sink on
//! `socketserver`): what Python reconstructs from our records equals what
//! it reconstructs from CPython's handlers given the same calls.
#![cfg(feature = "net-handlers")]

#[path = "support/python.rs"]
mod python;

use loglisten::{dict_config_str, get_logger, Level};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

const RECEIVERS: &str = include_str!("support/receivers.py");

fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A receiver started on an ephemeral loopback port.
struct Receiver {
    child: Child,
    out: BufReader<ChildStdout>,
    port: u16,
}

impl Receiver {
    fn start(mode: &str, count: usize, what: &str) -> Option<Receiver> {
        let count = count.to_string();
        let args = [
            OsStr::new("-c"),
            OsStr::new(RECEIVERS),
            OsStr::new(mode),
            OsStr::new(&count),
        ];
        let mut child = python::spawn_python(&args, what)?;
        let mut out = BufReader::new(child.stdout.take().expect("piped"));
        let mut line = String::new();
        out.read_line(&mut line).expect("receiver's port");
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .expect("PORT n")
            .parse()
            .unwrap();
        Some(Receiver { child, out, port })
    }

    /// What it printed for each record, once it has them all.
    fn lines(mut self) -> Vec<String> {
        let lines: Vec<String> = (&mut self.out).lines().map(Result::unwrap).collect();
        assert!(self.child.wait().unwrap().success(), "receiver failed");
        lines
    }
}

/// The same calls through CPython's handler: `make` builds it from `port`.
fn cpython_sends(make: &str, port: u16, calls: &[(i32, &str, u32)]) {
    let calls: Vec<String> = calls
        .iter()
        .map(|(level, msg, line)| format!("({level}, {msg:?}, {line})"))
        .collect();
    let script = format!(
        "import logging, logging.handlers, sys\n\
         port = int(sys.argv[1])\n\
         h = {make}\n\
         for level, msg, line in [{}]:\n    \
             r = logging.getLogger('net.test').makeRecord('net.test', level, {path:?}, line, msg, (), None)\n    \
             h.handle(r)\n\
         h.close()\n",
        calls.join(", "),
        path = file!()
    );
    let port = port.to_string();
    let args = [OsStr::new("-c"), OsStr::new(&script), OsStr::new(&port)];
    python::python_stdout(&args, &[], b"", "CPython's handler").expect("python3 ran before");
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// Removes `"created": <float>` from a JSON line after checking it is
/// within `tolerance` seconds of now.
fn without_created(line: &str, key: &str, tolerance: f64) -> String {
    let start = line.find(&format!("\"{key}\": ")).expect("has the time") + key.len() + 4;
    let end = start + line[start..].find([',', '}']).unwrap();
    let created: f64 = line[start..end].parse().unwrap();
    assert!(
        (now() - created).abs() < tolerance,
        "{key} {created} is now"
    );
    format!("{}{}", &line[..start], &line[end..])
}

/// Logs the calls through a logger configured with `handler` (a
/// dictConfig handler entry): the (level, message, line) of each.
fn log_calls(handler: &str) -> Vec<(i32, &'static str, u32)> {
    let config = format!(
        r#"{{"version": 1, "disable_existing_loggers": false,
            "handlers": {{"h": {handler}}},
            "loggers": {{"net.test": {{"level": "DEBUG", "propagate": false, "handlers": ["h"]}}}}}}"#
    );
    dict_config_str(&config).unwrap();
    let log = get_logger("net.test");
    let mut calls = Vec::new();
    // One macro call per line: its line!() is the logging call's line.
    macro_rules! call {
        ($mac:ident, $level:expr, $msg:literal) => {{
            loglisten::$mac!(log, $msg);
            calls.push(($level.0, $msg, line!()));
        }};
    }
    call!(info, Level::INFO, "hello é 100%");
    call!(warning, Level::WARNING, "a\nb = c&d");
    call!(critical, Level::CRITICAL, "last");
    dict_config_str(r#"{"version": 1, "disable_existing_loggers": false, "loggers": {"net.test": {"handlers": []}}}"#).unwrap();
    calls
}

fn compare_pickles(mode: &str, class: &str, cpython: &str) {
    let _g = serial();
    let Some(ours) = Receiver::start(mode, 3, class) else {
        return;
    };
    let handler = format!(
        r#"{{"class": "{class}", "host": "127.0.0.1", "port": {}}}"#,
        ours.port
    );
    let calls = log_calls(&handler);
    let ours: Vec<String> = ours
        .lines()
        .iter()
        .map(|l| without_created(l, "created", 10.0))
        .collect();
    let theirs = Receiver::start(mode, 3, class).unwrap();
    cpython_sends(cpython, theirs.port, &calls);
    let theirs: Vec<String> = theirs
        .lines()
        .iter()
        .map(|l| without_created(l, "created", 10.0))
        .collect();
    assert_eq!(ours.len(), 3);
    assert_eq!(ours, theirs);
}

#[test]
fn socket_handler_records_equal_cpythons_at_the_cookbook_receiver() {
    compare_pickles(
        "tcp",
        "logging.handlers.SocketHandler",
        "logging.handlers.SocketHandler('127.0.0.1', port)",
    );
}

#[test]
fn datagram_handler_records_equal_cpythons_at_a_udp_receiver() {
    compare_pickles(
        "udp",
        "logging.handlers.DatagramHandler",
        "logging.handlers.DatagramHandler('127.0.0.1', port)",
    );
}

#[test]
fn http_handler_requests_equal_cpythons_for_get_and_post() {
    let _g = serial();
    for method in ["GET", "POST"] {
        let Some(ours) = Receiver::start("http", 3, "HTTPHandler") else {
            return;
        };
        let handler = format!(
            r#"{{"class": "logging.handlers.HTTPHandler", "host": "127.0.0.1:{}", "url": "/log",
                "method": "{method}", "credentials": ["user", "pa:ss"]}}"#,
            ours.port
        );
        let calls = log_calls(&handler);
        let theirs = Receiver::start("http", 3, "HTTPHandler").unwrap();
        let port_of = |line: &str, port: u16| line.replace(&format!("127.0.0.1:{port}"), "HOST");
        let (our_port, their_port) = (ours.port, theirs.port);
        let ours: Vec<String> = ours.lines().iter().map(|l| port_of(l, our_port)).collect();
        let make = format!(
            "logging.handlers.HTTPHandler('127.0.0.1:%d' % port, '/log', method='{method}', \
             credentials=('user', 'pa:ss'))"
        );
        cpython_sends(&make, their_port, &calls);
        let theirs: Vec<String> = theirs
            .lines()
            .iter()
            .map(|l| port_of(l, their_port))
            .collect();
        assert_eq!(ours.len(), 3);
        assert!(
            ours[0].contains(r#""msg": "hello \u00e9 100%""#),
            "{}",
            ours[0]
        );
        assert_eq!(ours, theirs, "{method}");
    }
}

#[test]
fn smtp_handler_mails_equal_cpythons_at_an_smtp_sink() {
    let _g = serial();
    let Some(ours) = Receiver::start("smtp", 3, "SMTPHandler") else {
        return;
    };
    let handler = format!(
        r#"{{"class": "logging.handlers.SMTPHandler", "mailhost": ["127.0.0.1", {}],
            "fromaddr": "app@example.org", "toaddrs": ["ops@example.org", "dev@example.org"],
            "subject": "Alert", "credentials": ["user", "secret"], "timeout": 5}}"#,
        ours.port
    );
    let calls = log_calls(&handler);
    let ours: Vec<String> = ours
        .lines()
        .iter()
        .map(|l| without_created(l, "date", 10.0))
        .collect();
    let theirs = Receiver::start("smtp", 3, "SMTPHandler").unwrap();
    let make = "logging.handlers.SMTPHandler(('127.0.0.1', port), 'app@example.org', \
                ['ops@example.org', 'dev@example.org'], 'Alert', credentials=('user', 'secret'))";
    cpython_sends(make, theirs.port, &calls);
    let theirs: Vec<String> = theirs
        .lines()
        .iter()
        .map(|l| without_created(l, "date", 10.0))
        .collect();
    assert_eq!(ours.len(), 3);
    assert!(
        ours[1].contains("AUTH PLAIN AHVzZXIAc2VjcmV0"),
        "{}",
        ours[1]
    );
    assert_eq!(ours, theirs);
}

#[test]
fn secure_is_refused_at_config_time() {
    let _g = serial();
    let http = r#"{"version": 1, "handlers": {"h": {"class": "logging.handlers.HTTPHandler",
        "host": "localhost", "url": "/", "secure": true}}}"#;
    let smtp = r#"{"version": 1, "handlers": {"h": {"class": "logging.handlers.SMTPHandler",
        "mailhost": "localhost", "fromaddr": "a", "toaddrs": "b", "subject": "s", "secure": []}}}"#;
    let message = "TLS is not available: loglisten is std only; send to a plain receiver or a \
                   local TLS proxy";
    for (config, path) in [(http, "handlers.h.secure"), (smtp, "handlers.h.secure")] {
        let error = dict_config_str(config).unwrap_err();
        assert_eq!(error.to_string(), format!("{path}: {message}"));
    }
}

#[test]
fn bad_network_handler_entries_get_one_line_errors() {
    let _g = serial();
    let cases = [
        (
            r#""class": "logging.handlers.HTTPHandler", "host": "h", "url": "/", "method": "PUT""#,
            "handlers.h.method: method must be GET or POST",
        ),
        (
            r#""class": "logging.handlers.SocketHandler", "host": "h", "port": null"#,
            "handlers.h.port: None (a Unix socket) is not supported: give a TCP/UDP port",
        ),
        (
            r#""class": "logging.handlers.DatagramHandler", "host": "h", "port": 70000"#,
            "handlers.h.port: must be 0..65535",
        ),
        (
            r#""class": "logging.handlers.SocketHandler", "host": "h""#,
            "handlers.h.port: __init__() missing 1 required positional argument: 'port'",
        ),
        (
            r#""class": "logging.handlers.HTTPHandler", "host": "h", "url": "/", "credentials": ["u"]"#,
            "handlers.h.credentials: must be [user, password]",
        ),
        (
            r#""class": "logging.handlers.SMTPHandler", "mailhost": ["h"], "fromaddr": "a",
                "toaddrs": "b", "subject": "s""#,
            "handlers.h.mailhost: must be a host or [host, port]",
        ),
        (
            r#""class": "logging.handlers.SMTPHandler", "mailhost": "h", "fromaddr": "a",
                "toaddrs": [1], "subject": "s""#,
            "handlers.h.toaddrs: must be an address or a list of them",
        ),
        (
            r#""class": "logging.handlers.SMTPHandler", "mailhost": "h", "fromaddr": "a",
                "toaddrs": "b", "subject": "s", "timeout": 0"#,
            "handlers.h.timeout: must be a positive number of seconds",
        ),
    ];
    for (entry, expected) in cases {
        let config = format!(r#"{{"version": 1, "handlers": {{"h": {{{entry}}}}}}}"#);
        assert_eq!(dict_config_str(&config).unwrap_err().to_string(), expected);
    }
}
