//! MemoryHandler flush rules, and SysLogHandler's exact bytes over real
//! UDP, Unix datagram and Unix stream sockets.

use loglisten::handler::{
    facility_by_name, priority_by_name, MemoryHandler, MemorySettings, SharedBuffer, SockType,
    StreamHandler, SysLogHandler, SysLogSettings, SyslogAddress,
};
use loglisten::{add_level_name, Handler, Level, Record, SharedHandler};
use std::io::Read;
use std::net::UdpSocket;
use std::os::unix::net::{UnixDatagram, UnixListener};
use std::time::Duration;

#[path = "support/tempdir.rs"]
mod tempdir;
use tempdir::TempDir;

fn memory(settings: MemorySettings) -> (SharedHandler, SharedBuffer) {
    let out = SharedBuffer::new();
    let target = SharedHandler::new(StreamHandler::new(out.clone()));
    let settings = MemorySettings {
        target: Some(target),
        ..settings
    };
    (SharedHandler::new(MemoryHandler::new(settings)), out)
}

fn log(h: &SharedHandler, level: Level, text: &str) {
    h.handle(&Record::new("t", level, text));
}

#[test]
fn memory_flushes_when_full() {
    let (h, out) = memory(MemorySettings::new(3));
    log(&h, Level::INFO, "1");
    log(&h, Level::INFO, "2");
    assert_eq!(out.text(), "");
    log(&h, Level::INFO, "3");
    assert_eq!(out.text(), "1\n2\n3\n");
    log(&h, Level::INFO, "4");
    assert_eq!(out.text(), "1\n2\n3\n");
}

#[test]
fn memory_flushes_on_a_record_at_flush_level() {
    let (h, out) = memory(MemorySettings {
        flush_level: Level::WARNING,
        ..MemorySettings::new(100)
    });
    log(&h, Level::INFO, "a");
    log(&h, Level(29), "b");
    assert_eq!(out.text(), "");
    log(&h, Level::WARNING, "c");
    assert_eq!(out.text(), "a\nb\nc\n");
}

#[test]
fn memory_close_flushes_only_with_flush_on_close() {
    let (h, out) = memory(MemorySettings::new(10));
    log(&h, Level::INFO, "kept");
    h.close();
    assert_eq!(out.text(), "kept\n");
    let (h, out) = memory(MemorySettings {
        flush_on_close: false,
        ..MemorySettings::new(10)
    });
    log(&h, Level::INFO, "dropped");
    h.close();
    assert_eq!(out.text(), "");
}

#[test]
fn memory_flush_sends_the_buffer_and_close_clears_the_target() {
    let out = SharedBuffer::new();
    let target = SharedHandler::new(StreamHandler::new(out.clone()));
    let mut m = MemoryHandler::new(MemorySettings {
        target: Some(target),
        ..MemorySettings::new(10)
    });
    let r = Record::new("t", Level::INFO, "x");
    m.emit(&r, "").unwrap();
    assert_eq!(m.buffered(), 1);
    m.flush().unwrap();
    assert_eq!((m.buffered(), out.text().as_str()), (0, "x\n"));
    m.close().unwrap();
    assert!(m.settings().target.is_none());
    assert!(!m.wants_text());
}

#[test]
fn memory_without_target_keeps_records_until_one_is_set() {
    let mut m = MemoryHandler::new(MemorySettings::new(1));
    for text in ["a", "b"] {
        m.emit(&Record::new("t", Level::ERROR, text), "").unwrap();
    }
    assert_eq!(m.buffered(), 2);
    let out = SharedBuffer::new();
    m.set_target(Some(SharedHandler::new(StreamHandler::new(out.clone()))));
    m.flush().unwrap();
    assert_eq!(out.text(), "a\nb\n");
}

#[test]
fn memory_replays_records_from_another_thread_intact() {
    let (h, out) = memory(MemorySettings::new(2));
    let error = std::io::Error::other("disk gone");
    let h2 = h.clone();
    std::thread::Builder::new()
        .name("worker".into())
        .spawn(move || log(&h2, Level::INFO, "from worker"))
        .unwrap()
        .join()
        .unwrap();
    h.handle(&Record::new("t", Level::INFO, "with error").with_error(&error));
    assert_eq!(out.text(), "from worker\nwith error\nError: disk gone\n");
}

#[test]
fn memory_handlers_chain() {
    let (inner, out) = memory(MemorySettings::new(2));
    let outer = SharedHandler::new(MemoryHandler::new(MemorySettings {
        target: Some(inner),
        ..MemorySettings::new(3)
    }));
    for text in ["1", "2", "3"] {
        log(&outer, Level::INFO, text);
    }
    // The outer handler passed three records on; the inner one flushed two.
    assert_eq!(out.text(), "1\n2\n");
    assert_eq!(outer.error_count(), 0);
}

fn udp_server() -> (UdpSocket, SyslogAddress) {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let port = server.local_addr().unwrap().port();
    let address = SyslogAddress::Inet {
        host: "127.0.0.1".into(),
        port,
    };
    (server, address)
}

fn receive(server: &UdpSocket) -> Vec<u8> {
    let mut buf = [0; 512];
    let n = server.recv(&mut buf).unwrap();
    buf[..n].to_vec()
}

#[test]
fn syslog_udp_priorities_for_each_level() {
    let (server, address) = udp_server();
    let h = SharedHandler::new(
        SysLogHandler::new(SysLogSettings {
            address,
            ..Default::default()
        })
        .unwrap(),
    );
    let cases: [(Level, &[u8]); 7] = [
        (Level::DEBUG, b"<15>m\0"),
        (Level::INFO, b"<14>m\0"),
        (Level::WARNING, b"<12>m\0"),
        (Level::ERROR, b"<11>m\0"),
        (Level::CRITICAL, b"<10>m\0"),
        (Level(25), b"<12>m\0"),
        (Level::NOTSET, b"<12>m\0"),
    ];
    for (level, expected) in cases {
        log(&h, level, "m");
        assert_eq!(receive(&server), expected, "{level:?}");
    }
    assert_eq!(h.error_count(), 0);
}

#[test]
fn syslog_renamed_level_maps_to_warning() {
    add_level_name(Level(22), "NOTICE_22");
    let (server, address) = udp_server();
    let mut h = SysLogHandler::new(SysLogSettings {
        address,
        ..Default::default()
    })
    .unwrap();
    h.emit(&Record::new("t", Level(22), "n"), "n").unwrap();
    assert_eq!(receive(&server), b"<12>n\0");
}

#[test]
fn syslog_facility_ident_nul_and_utf8() {
    let (server, address) = udp_server();
    let mut h = SysLogHandler::new(SysLogSettings {
        address,
        facility: facility_by_name("local0").unwrap(),
        ident: "app: ".into(),
        append_nul: false,
        socktype: Some(SockType::Datagram),
    })
    .unwrap();
    h.emit(&Record::new("t", Level::ERROR, "x"), "héllo")
        .unwrap();
    assert_eq!(receive(&server), "<131>app: héllo".as_bytes());
    assert_eq!(h.settings().facility, 16);
}

#[test]
fn syslog_name_tables_match_cpython() {
    let facilities = [
        ("auth", 4),
        ("authpriv", 10),
        ("console", 14),
        ("cron", 9),
        ("daemon", 3),
        ("ftp", 11),
        ("kern", 0),
        ("lpr", 6),
        ("mail", 2),
        ("news", 7),
        ("ntp", 12),
        ("security", 13),
        ("solaris-cron", 15),
        ("syslog", 5),
        ("user", 1),
        ("uucp", 8),
        ("local7", 23),
    ];
    for (name, code) in facilities {
        assert_eq!(facility_by_name(name), Some(code), "{name}");
    }
    assert_eq!(facility_by_name("USER"), None);
    let priorities = [
        ("alert", 1),
        ("crit", 2),
        ("critical", 2),
        ("debug", 7),
        ("emerg", 0),
        ("err", 3),
        ("error", 3),
        ("info", 6),
        ("notice", 5),
        ("panic", 0),
        ("warn", 4),
        ("warning", 4),
    ];
    for (name, code) in priorities {
        assert_eq!(priority_by_name(name), Some(code), "{name}");
    }
    assert_eq!(priority_by_name("fatal"), None);
}

#[test]
fn syslog_unix_datagram_socket() {
    let dir = TempDir::new("unix-dgram");
    let path = dir.0.join("log.sock");
    let server = UnixDatagram::bind(&path).unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let h = SharedHandler::new(
        SysLogHandler::new(SysLogSettings {
            address: SyslogAddress::Unix(path),
            ..Default::default()
        })
        .unwrap(),
    );
    log(&h, Level::INFO, "message");
    let mut buf = [0; 64];
    let n = server.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"<14>message\0");
}

#[test]
fn syslog_unix_falls_back_to_a_stream_socket() {
    let dir = TempDir::new("unix-stream");
    let path = dir.0.join("log.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let h = SysLogHandler::new(SysLogSettings {
        address: SyslogAddress::Unix(path),
        ..Default::default()
    })
    .unwrap();
    let (mut conn, _) = listener.accept().unwrap();
    let h = SharedHandler::new(h);
    log(&h, Level::WARNING, "one");
    log(&h, Level::ERROR, "two");
    h.close();
    let mut got = Vec::new();
    conn.read_to_end(&mut got).unwrap();
    assert_eq!(got, b"<12>one\0<11>two\0");
}

#[test]
fn syslog_unix_socket_missing_fails_per_record_not_at_construction() {
    let dir = TempDir::new("unix-missing");
    let path = dir.0.join("absent.sock");
    let h = SharedHandler::new(
        SysLogHandler::new(SysLogSettings {
            address: SyslogAddress::Unix(path.clone()),
            ..Default::default()
        })
        .unwrap(),
    );
    log(&h, Level::INFO, "lost");
    assert_eq!(h.error_count(), 1);
    // Once the daemon is up, the next record connects.
    let server = UnixDatagram::bind(&path).unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    log(&h, Level::INFO, "found");
    let mut buf = [0; 64];
    let n = server.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"<14>found\0");
}

#[test]
fn syslog_unresolvable_host_fails_at_construction() {
    let err = SysLogHandler::new(SysLogSettings {
        address: SyslogAddress::Inet {
            host: "no such host.invalid".into(),
            port: 514,
        },
        ..Default::default()
    })
    .unwrap_err();
    assert!(!err.to_string().is_empty());
}

#[test]
fn syslog_tcp_refused_fails_at_construction() {
    // A port that was just free: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = SysLogHandler::new(SysLogSettings {
        address: SyslogAddress::Inet {
            host: "127.0.0.1".into(),
            port,
        },
        socktype: Some(SockType::Stream),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
}
