//! Interop with CPython 3.11: its sender to our listener (as test_logging's
//! `setup_via_listener` does it), our client to its `logging.config.listen()`,
//! and HMAC signing by a Python sender.
//!
//! The configs are test_logging's `config10` (dictConfig) and
//! `ConfigFileTest.config1` (fileConfig) with `StreamHandler` replaced by
//! `NullHandler`, and effects checked through logger levels: the standard
//! stream handlers are wired in elsewhere.

use loglisten::listener::Outcome;
use loglisten::{get_logger, ConfigKind, Level, Listener, Reply};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::Mutex;
use std::time::Duration;

/// These tests apply whole configurations: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn python_present() -> bool {
    let found = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        // Past the harness capture: a skip should show in every run.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            "skipped: python3 is not available\n".as_bytes(),
        );
    }
    found
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn spawn(builder: loglisten::listener::Builder) -> (Listener, Receiver<Outcome>) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let l = builder
        .port(0)
        .on_message(move |_, outcome| {
            let _ = tx.lock().unwrap().send(outcome.clone());
        })
        .spawn()
        .unwrap();
    (l, rx)
}

/// test_logging's sender: length prefix, data, close. With `hmac` the data
/// is signed (tag + data); with `tampered` one byte is flipped after signing.
const SENDER: &str = r#"
import hashlib, hmac, socket, struct, sys
key = b"interop key"
for line in sys.stdin:
    port, mode, data = line.split()
    data = bytes.fromhex(data)
    if mode in ("hmac", "tampered"):
        tag = hmac.new(key, data, hashlib.sha256).digest()
        if mode == "tampered":
            data = data[:-1] + bytes([data[-1] ^ 1])
        data = tag + data
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(2.0)
    sock.connect(("localhost", int(port)))
    s = struct.pack(">L", len(data)) + data
    sentsofar = 0
    left = len(s)
    while left > 0:
        sent = sock.send(s[sentsofar:])
        sentsofar += sent
        left -= sent
    sock.close()
    print("sent", flush=True)
"#;

struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Python {
    fn start(script: &str, args: &[&str]) -> Python {
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(script)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Python {
            child,
            stdin,
            stdout,
        }
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line.trim_end().to_string()
    }

    fn send(&mut self, port: u16, mode: &str, data: &[u8]) {
        writeln!(self.stdin, "{port} {mode} {}", hex(data)).unwrap();
        self.stdin.flush().unwrap();
        assert_eq!(self.line(), "sent");
    }

    fn finish(mut self) {
        drop(self.stdin);
        assert!(self.child.wait().unwrap().success());
    }
}

const CONFIG10: &str = r#"{
    "version": 1,
    "formatters": {"form1": {"format": "%(levelname)s ++ %(message)s"}},
    "filters": {"filt1": {"name": "compiler.parser"}},
    "handlers": {"hand1": {"class": "logging.NullHandler", "formatter": "form1",
                           "level": "NOTSET", "filters": ["filt1"]}},
    "loggers": {"compiler.parser": {"level": "DEBUG", "filters": ["filt1"]}},
    "root": {"level": "WARNING", "handlers": ["hand1"]}
}"#;

const CONFIG1: &str = "
[loggers]
keys=root,parser

[handlers]
keys=hand1

[formatters]
keys=form1

[logger_root]
level=WARNING
handlers=

[logger_parser]
level=DEBUG
handlers=hand1
propagate=1
qualname=compiler.parser

[handler_hand1]
class=NullHandler
level=NOTSET
formatter=form1
args=()

[formatter_form1]
format=%(levelname)s ++ %(message)s
datefmt=
";

fn next(rx: &Receiver<Outcome>) -> Outcome {
    rx.recv_timeout(Duration::from_secs(10)).unwrap()
}

#[test]
fn cpython_sender_to_our_listener() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if !python_present() {
        return;
    }
    let (plain, plain_rx) = spawn(Listener::builder());
    let (signed, signed_rx) =
        spawn(Listener::builder().verify(loglisten::verify::hmac_sha256(b"interop key".to_vec())));
    let mut py = Python::start(SENDER, &[]);
    let parser = get_logger("compiler.parser");

    // test_listen_config_10_ok
    parser.set_level(Level::CRITICAL);
    get_logger("").set_level(Level::ERROR);
    py.send(plain.port(), "plain", CONFIG10.as_bytes());
    assert!(matches!(
        next(&plain_rx),
        Outcome::Applied {
            kind: ConfigKind::Dict,
            ..
        }
    ));
    assert_eq!(parser.level(), Level::DEBUG);
    assert_eq!(get_logger("").level(), Level::WARNING);
    assert!(get_logger("compiler.parser.codegen").is_enabled_for(Level::DEBUG));
    assert!(!get_logger("compiler").is_enabled_for(Level::INFO));
    assert!(get_logger("compiler").is_enabled_for(Level::WARNING));

    // test_listen_config_1_ok
    parser.set_level(Level::CRITICAL);
    get_logger("").set_level(Level::ERROR);
    py.send(plain.port(), "plain", CONFIG1.as_bytes());
    assert!(matches!(
        next(&plain_rx),
        Outcome::Applied {
            kind: ConfigKind::File,
            ..
        }
    ));
    assert_eq!(parser.level(), Level::DEBUG);
    assert_eq!(get_logger("").level(), Level::WARNING);

    // An HMAC-signing Python sender: accepted; tampered: rejected.
    let config =
        br#"{"version": 1, "incremental": true, "loggers": {"interop.hmac": {"level": "DEBUG"}}}"#;
    let sentinel = get_logger("interop.hmac");
    sentinel.set_level(Level::ERROR);
    py.send(signed.port(), "tampered", config);
    assert_eq!(next(&signed_rx), Outcome::Rejected);
    assert_eq!(sentinel.level(), Level::ERROR);
    py.send(signed.port(), "plain", config);
    assert_eq!(next(&signed_rx), Outcome::Rejected);
    py.send(signed.port(), "hmac", config);
    assert!(matches!(next(&signed_rx), Outcome::Applied { .. }));
    assert_eq!(sentinel.level(), Level::DEBUG);
    py.finish();
}

/// CPython's listener: prints its port once listening, then after each
/// configuration it applied, the levels of the loggers named in argv.
const CPYTHON_LISTENER: &str = r#"
import logging, logging.config, sys
t = logging.config.listen(0)
t.start()
t.ready.wait(10)
t.ready.clear()
print(t.port, flush=True)
for _ in range(2):
    done = t.ready.wait(10)
    t.ready.clear()
    levels = [str(logging.getLogger(n).level) for n in sys.argv[1:]]
    print(done, " ".join(levels), flush=True)
logging.config.stopListening()
t.join()
"#;

#[test]
fn our_client_to_cpython_listener() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if !python_present() {
        return;
    }
    let mut py = Python::start(CPYTHON_LISTENER, &["interop.cpy", "interop.cpy2"]);
    let port: u16 = py.line().parse().unwrap();
    let dict = br#"{"version": 1, "disable_existing_loggers": false,
        "loggers": {"interop.cpy": {"level": "DEBUG"}}}"#;
    let reply = loglisten::send_config(("127.0.0.1", port), dict).unwrap();
    assert_eq!(reply, Reply::NoAck);
    assert_eq!(py.line(), "True 10 0");
    let ini = "[loggers]\nkeys=root,cpy2\n[handlers]\nkeys=\n[formatters]\nkeys=\n\
               [logger_root]\nhandlers=\n\
               [logger_cpy2]\nlevel=ERROR\nhandlers=\nqualname=interop.cpy2\n";
    // Our own reader accepts it too.
    assert_eq!(
        loglisten::check_config(ini.as_bytes()).unwrap(),
        ConfigKind::File
    );
    let reply = loglisten::send_config(("127.0.0.1", port), ini.as_bytes()).unwrap();
    assert_eq!(reply, Reply::NoAck);
    assert_eq!(py.line(), "True 10 40");
    py.finish();
}
