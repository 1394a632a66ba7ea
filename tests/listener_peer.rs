//! Only its owner drives the listener: over TCP, a peer whose socket
//! belongs to another user is told `rejected` and audited with its uid,
//! unless `allow_any_local_user()` restores CPython's behaviour. The other
//! user is `nobody` (uid 65534), which needs root to become; elsewhere the
//! test says it skipped.

#[path = "support/python.rs"]
mod python;

use loglisten::listener::Outcome;
use loglisten::{Applied, ConfigKind, Listener};
use std::ffi::OsStr;
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::Duration;

/// Sends one frame as uid `uid` (or as this user) and prints the reply.
/// What the client needs later is imported before giving up root (the
/// interpreter's files may not be readable by `nobody`); the socket is made
/// after, so that it belongs to `nobody`.
const CLIENT: &str = r#"
import encodings.idna, os, socket, struct, sys
port, uid = int(sys.argv[1]), int(sys.argv[2])
if uid >= 0:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
s = socket.create_connection(("127.0.0.1", port))
s.sendall(struct.pack(">L", 4) + b"good")
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
print(data[4:].decode())
"#;

fn own_uid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    line.split_whitespace().nth(2).unwrap().parse().unwrap()
}

/// The reply a client running as `uid` (-1: as this process) gets, or
/// `None` when python3 is absent.
fn reply_as(port: u16, uid: i64) -> Option<String> {
    let port = port.to_string();
    let uid = uid.to_string();
    let args = [
        OsStr::new("-c"),
        OsStr::new(CLIENT),
        OsStr::new(&port),
        OsStr::new(&uid),
    ];
    let out = python::python_stdout(&args, &[], b"", "the other-user client")?;
    Some(out.trim_end().to_string())
}

fn listener(any_user: bool) -> (Listener, mpsc::Receiver<Outcome>) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let mut builder = Listener::builder()
        .port(0)
        .apply(|_: &[u8]| {
            Ok(Applied {
                kind: ConfigKind::Dict,
                generation: 1,
            })
        })
        .on_message(move |_, outcome| {
            let _ = tx.lock().unwrap().send(outcome.clone());
        });
    if any_user {
        builder = builder.allow_any_local_user();
    }
    (builder.spawn().unwrap(), rx)
}

#[test]
fn a_peer_of_another_user_is_rejected_unless_any_user_is_allowed() {
    if own_uid() != 0 {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"skipped: not root, so no client can run as another user (nobody)\n",
        );
        return;
    }
    let (l, rx) = listener(false);
    let Some(reply) = reply_as(l.port(), 65534) else {
        return;
    };
    assert_eq!(reply, "rejected");
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(5)).unwrap(),
        Outcome::PeerRefused { uid: Some(65534) }
    );
    // The owner's own client is served.
    assert_eq!(reply_as(l.port(), -1).unwrap(), "ok dict 1");
    assert!(matches!(
        rx.recv_timeout(Duration::from_secs(5)).unwrap(),
        Outcome::Applied { .. }
    ));
    // CPython's behaviour, on request.
    let (any, rx) = listener(true);
    assert_eq!(reply_as(any.port(), 65534).unwrap(), "ok dict 1");
    assert!(matches!(
        rx.recv_timeout(Duration::from_secs(5)).unwrap(),
        Outcome::Applied { .. }
    ));
}

/// The peer's user is looked up while its message is still arriving: a
/// message sent in two parts, the second well after the first, is
/// identified and applied, and its audit has the uid.
#[test]
fn a_peer_whose_message_arrives_in_parts_is_identified() {
    use std::io::{Read, Write};
    let registry = loglisten::Registry::new();
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let l = Listener::builder()
        .registry(&registry)
        .port(0)
        .on_audit(move |a| {
            let _ = tx.lock().unwrap().send((a.uid, a.outcome.clone()));
        })
        .spawn()
        .unwrap();
    let config = br#"{"version": 1, "root": {"level": "ERROR"}}"#;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", l.port())).unwrap();
    let mut frame = (config.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(config);
    s.write_all(&frame[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    s.write_all(&frame[10..]).unwrap();
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).unwrap();
    assert_eq!(&reply[4..], b"ok dict 1");
    let (uid, outcome) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(uid, Some(own_uid()));
    assert_eq!(
        outcome,
        Outcome::Applied {
            kind: ConfigKind::Dict,
            generation: 1
        }
    );
}
