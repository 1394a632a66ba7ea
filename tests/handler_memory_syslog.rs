//! MemoryHandler flush rules (and memory handlers that reach each other
//! from several threads without deadlocking), and SysLogHandler's exact bytes over real
//! UDP, Unix datagram and Unix stream sockets.

use loglisten::handler::{
    facility_by_name, priority_by_name, MemoryHandler, MemorySettings, SharedBuffer, SockType,
    StreamHandler, SysLogHandler, SysLogSettings, SyslogAddress,
};
use loglisten::{add_level_name, Filter, Handler, Level, Record, SharedHandler};
use std::collections::HashSet;
use std::io::Read;
use std::net::UdpSocket;
use std::os::unix::net::{UnixDatagram, UnixListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Barrier, Condvar, Mutex, OnceLock};
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

/// Runs `f` on its own thread and fails the test, instead of hanging it,
/// when `f` does not finish within 20 s (a deadlock).
fn within_deadline<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(f());
    });
    match finished.recv_timeout(Duration::from_secs(20)) {
        Ok(value) => value,
        Err(RecvTimeoutError::Timeout) => panic!("deadlock: {what} did not finish within 20 s"),
        Err(RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

/// A filter that lets each message through a handler once and turns away
/// records of logger `other` at ERROR and above, so that every record in
/// the A <-> B cycle below makes one round and stops: it records what it
/// passed and what it turned away, in order.
#[derive(Debug)]
struct Probe {
    other: &'static str,
    seen: Mutex<(HashSet<String>, Vec<String>, Vec<String>)>,
}

impl Probe {
    fn new(other: &'static str) -> Arc<Probe> {
        Arc::new(Probe {
            other,
            seen: Mutex::default(),
        })
    }

    /// (passed, turned away).
    fn take(&self) -> (Vec<String>, Vec<String>) {
        let mut seen = self.seen.lock().unwrap();
        (std::mem::take(&mut seen.1), std::mem::take(&mut seen.2))
    }
}

impl Filter for Probe {
    fn filter(&self, record: &Record) -> bool {
        let mut seen = self.seen.lock().unwrap();
        let message = record.message().to_string();
        let pass = !(record.name() == self.other && record.level() >= Level::ERROR)
            && seen.0.insert(message.clone());
        if pass { &mut seen.1 } else { &mut seen.2 }.push(message);
        pass
    }
}

fn filtered_memory(settings: MemorySettings, probe: &Arc<Probe>) -> SharedHandler {
    SharedHandler::builder(MemoryHandler::new(settings))
        .filter(probe.clone())
        .build()
}

fn names(prefix: &str, range: impl Iterator<Item = usize>) -> Vec<String> {
    range.map(|i| format!("{prefix}{i}")).collect()
}

/// Two memory handlers that target each other, each fed by its own thread
/// and flushed (every 7th record is an ERROR) while the other thread
/// flushes the other one: with the target called under the memory
/// handler's lock, as in CPython, the two threads wait on each other.
///
/// What arrives where follows CPython's rules and does not depend on the
/// interleaving (CPython, run serially, gives the same counts): A keeps
/// thread 1's records `a0..a699`; an ERROR flushes A into B, which keeps
/// the INFO ones (`a` ERRORs are turned away by B's probe); B's flushes
/// (thread 2's ERRORs, and the final flushes) send them back to A, whose
/// probe turns them away as already seen. The same holds the other way
/// round. So each probe passes its own thread's 700 records and the
/// other's 600 INFO records, in each thread's order, and turns away the
/// other's 100 ERRORs and its own 600 INFO records coming back.
#[test]
fn memory_handlers_targeting_each_other_flush_from_two_threads_without_deadlock() {
    const N: usize = 700;
    const EVERY: usize = 7;
    let (probe_a, probe_b) = (Probe::new("b"), Probe::new("a"));
    let settings = MemorySettings::new(1_000_000);
    let a = filtered_memory(settings.clone(), &probe_a);
    let b = filtered_memory(
        MemorySettings {
            target: Some(a.clone()),
            ..settings
        },
        &probe_b,
    );
    assert!(a.set_target(Some(b.clone())));
    let start = Arc::new(Barrier::new(2));
    let feed = move |h: SharedHandler, name: &'static str| {
        let start = start.clone();
        std::thread::spawn(move || {
            start.wait();
            for i in 0..N {
                let level = if i % EVERY == EVERY - 1 {
                    Level::ERROR
                } else {
                    Level::INFO
                };
                h.handle(&Record::new(name, level, &format!("{name}{i}")));
            }
        })
    };
    let (a2, b2) = (a.clone(), b.clone());
    within_deadline("two threads flushing A -> B and B -> A", move || {
        let threads = [feed(a2.clone(), "a"), feed(b2.clone(), "b")];
        for t in threads {
            t.join().unwrap();
        }
        // What is still kept goes round once more and is turned away.
        a2.flush();
        b2.flush();
    });
    let info = |i: &usize| i % EVERY != EVERY - 1;
    let errors = |i: &usize| i % EVERY == EVERY - 1;
    for (probe, own, other) in [(&probe_a, "a", "b"), (&probe_b, "b", "a")] {
        let (passed, turned_away) = probe.take();
        let of = |list: &[String], name: &str| -> Vec<String> {
            list.iter()
                .filter(|m| m.starts_with(name))
                .cloned()
                .collect()
        };
        assert_eq!(passed.len(), N + N / EVERY * (EVERY - 1), "{own}");
        assert_eq!(of(&passed, own), names(own, 0..N), "{own}");
        assert_eq!(of(&passed, other), names(other, (0..N).filter(info)));
        assert_eq!(of(&turned_away, own), names(own, (0..N).filter(info)));
        assert_eq!(of(&turned_away, other), names(other, (0..N).filter(errors)));
    }
    assert_eq!((a.error_count(), b.error_count()), (0, 0));
    a.close();
    b.close();
}

/// Without filters, records go round the cycle; one that comes back to a
/// handler this thread is already inside is skipped (CPython recurses
/// until RecursionError). Both threads fill the buffers, so flushes of A
/// and B run nested inside each other on both threads at once.
#[test]
fn memory_cycle_with_nested_flushes_on_two_threads_finishes() {
    let (probe_a, probe_b) = (Probe::new("-"), Probe::new("-"));
    let a = filtered_memory(MemorySettings::new(3), &probe_a);
    let b = filtered_memory(
        MemorySettings {
            target: Some(a.clone()),
            ..MemorySettings::new(5)
        },
        &probe_b,
    );
    assert!(a.set_target(Some(b.clone())));
    let (a2, b2) = (a.clone(), b.clone());
    within_deadline("nested flushes around a cycle", move || {
        let start = Arc::new(Barrier::new(2));
        let feed = move |h: SharedHandler, name: &'static str| {
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                for i in 0..2000 {
                    h.handle(&Record::new(name, Level::INFO, &format!("{name}{i}")));
                }
            })
        };
        for t in [feed(a2, "a"), feed(b2, "b")] {
            t.join().unwrap();
        }
    });
    // Each handler first saw its own thread's records in order; the
    // probes pass each message once, so later rounds are turned away.
    let (passed_a, _) = probe_a.take();
    let own: Vec<String> = passed_a
        .into_iter()
        .filter(|m| m.starts_with('a'))
        .collect();
    assert_eq!(own, names("a", 0..2000));
    let (passed_b, _) = probe_b.take();
    let own: Vec<String> = passed_b
        .into_iter()
        .filter(|m| m.starts_with('b'))
        .collect();
    assert_eq!(own, names("b", 0..2000));
    assert_eq!((a.error_count(), b.error_count()), (0, 0));
    a.close();
    b.close();
}

/// On one thread a record that comes back round a cycle is skipped by the
/// handler it started from (the filter still saw it).
#[test]
fn memory_cycle_on_one_thread_skips_the_record_coming_back() {
    let seen = Probe::new("-");
    let recorder = Arc::new(Recorder(Mutex::default()));
    let a = SharedHandler::builder(MemoryHandler::new(MemorySettings::new(1)))
        .filter(recorder.clone())
        .build();
    let b = filtered_memory(
        MemorySettings {
            target: Some(a.clone()),
            ..MemorySettings::new(1)
        },
        &seen,
    );
    assert!(a.set_target(Some(b.clone())));
    within_deadline("a record going round a cycle", {
        let a = a.clone();
        move || log(&a, Level::INFO, "r")
    });
    assert_eq!(*recorder.0.lock().unwrap(), ["r", "r"]);
    assert_eq!(seen.take(), (vec!["r".to_string()], vec![]));
    a.close();
    b.close();
}

/// Records every message it sees and passes it.
#[derive(Debug)]
struct Recorder(Mutex<Vec<String>>);

impl Filter for Recorder {
    fn filter(&self, record: &Record) -> bool {
        self.0.lock().unwrap().push(record.message().to_string());
        true
    }
}

/// A handler that writes to a list, waiting at each record until the test
/// opens its gate; it says when a record is waiting.
#[derive(Debug)]
struct Gate {
    open: Arc<(Mutex<bool>, Condvar)>,
    waiting: mpsc::Sender<String>,
    out: Arc<Mutex<Vec<String>>>,
}

impl Handler for Gate {
    fn emit(&mut self, _record: &Record, text: &str) -> std::io::Result<()> {
        let (open, opened) = &*self.open;
        let _ = self.waiting.send(text.to_string());
        let mut open = open.lock().unwrap();
        while !*open {
            open = opened.wait(open).unwrap();
        }
        self.out.lock().unwrap().push(text.to_string());
        Ok(())
    }
}

/// While one thread hands a memory handler's records to a slow target: a
/// record that does not flush returns at once, and a flush from another
/// thread (here from inside another memory handler's flush) waits for it
/// and then delivers after it, so the target gets the records in order.
#[test]
fn memory_flushes_of_one_handler_do_not_overtake_each_other() {
    within_deadline("flushes during a slow delivery", || {
        let open = Arc::new((Mutex::new(false), Condvar::new()));
        let (waiting, arrived) = mpsc::channel();
        let out = Arc::new(Mutex::new(Vec::new()));
        let gate = SharedHandler::new(Gate {
            open: open.clone(),
            waiting,
            out: out.clone(),
        });
        let inner = SharedHandler::new(MemoryHandler::new(MemorySettings {
            target: Some(gate),
            ..MemorySettings::new(10)
        }));
        let outer = SharedHandler::new(MemoryHandler::new(MemorySettings {
            target: Some(inner.clone()),
            ..MemorySettings::new(1)
        }));
        let first = {
            let inner = inner.clone();
            std::thread::spawn(move || log(&inner, Level::ERROR, "1"))
        };
        assert_eq!(arrived.recv().unwrap(), "1");
        // Kept, not flushed: returns although the delivery is stuck.
        log(&inner, Level::INFO, "2");
        let second_done = Arc::new(AtomicBool::new(false));
        let second = {
            let done = second_done.clone();
            std::thread::spawn(move || {
                log(&outer, Level::ERROR, "3");
                done.store(true, Ordering::SeqCst);
            })
        };
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            !second_done.load(Ordering::SeqCst),
            "the flush did not wait"
        );
        *open.0.lock().unwrap() = true;
        open.1.notify_all();
        first.join().unwrap();
        second.join().unwrap();
        assert_eq!(*out.lock().unwrap(), ["1", "2", "3"]);
        assert_eq!(arrived.try_iter().collect::<Vec<_>>(), ["2", "3"]);
    });
}

/// A handler whose flush logs to itself.
#[derive(Debug)]
struct LogsWhenFlushed {
    me: Arc<OnceLock<SharedHandler>>,
    out: Arc<Mutex<Vec<String>>>,
}

impl Handler for LogsWhenFlushed {
    fn emit(&mut self, _record: &Record, text: &str) -> std::io::Result<()> {
        self.out.lock().unwrap().push(text.to_string());
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Some(me) = self.me.get() {
            me.handle(&Record::new("t", Level::INFO, "from flush"));
        }
        Ok(())
    }
}

#[test]
fn a_handler_whose_flush_logs_to_itself_skips_that_record() {
    let me = Arc::new(OnceLock::new());
    let out = Arc::new(Mutex::new(Vec::new()));
    let h = SharedHandler::new(LogsWhenFlushed {
        me: me.clone(),
        out: out.clone(),
    });
    me.set(h.clone()).unwrap();
    within_deadline("a flush that logs to its own handler", move || {
        log(&h, Level::INFO, "x");
        h.flush();
        h.close(); // the default close flushes
        assert_eq!(h.error_count(), 0);
    });
    assert_eq!(*out.lock().unwrap(), ["x"]);
    // The handler holds itself; break the cycle so the test leaks nothing.
    drop(me);
}

/// A memory handler flushed while its target logs back to it: the record
/// coming back is skipped, the flush finishes.
#[test]
fn memory_target_logging_back_during_flush_is_skipped() {
    let me = Arc::new(OnceLock::new());
    let out = Arc::new(Mutex::new(Vec::new()));
    let echo = SharedHandler::new(Echo {
        to: me.clone(),
        out: out.clone(),
    });
    let memory = SharedHandler::new(MemoryHandler::new(MemorySettings {
        target: Some(echo),
        ..MemorySettings::new(10)
    }));
    me.set(memory.clone()).unwrap();
    within_deadline("a flush whose target logs back", move || {
        log(&memory, Level::INFO, "a");
        log(&memory, Level::INFO, "b");
        memory.flush();
        log(&memory, Level::INFO, "c");
        memory.close();
    });
    assert_eq!(*out.lock().unwrap(), ["a", "b", "c"]);
}

/// Writes the record to a list and logs it again to `to`.
#[derive(Debug)]
struct Echo {
    to: Arc<OnceLock<SharedHandler>>,
    out: Arc<Mutex<Vec<String>>>,
}

impl Handler for Echo {
    fn emit(&mut self, record: &Record, text: &str) -> std::io::Result<()> {
        self.out.lock().unwrap().push(text.to_string());
        if let Some(to) = self.to.get() {
            to.handle(record);
        }
        Ok(())
    }
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
