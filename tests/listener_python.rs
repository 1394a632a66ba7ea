//! Interop with CPython 3.11's own listener tests and client.
//!
//! CPython's client code (test_logging's `setup_via_listener`) sends
//! CPython's listener test configs (`ConfigDictTest.config10`,
//! `ConfigFileTest.config1`) to our listener, as `test_listen_config_10_ok`,
//! `test_listen_config_1_ok` and `test_listen_verify` do, and the output must
//! be what those tests assert. The configs are taken from CPython's
//! `test.test_logging` (tests/support/listener_peer.py), with their
//! `sys.stdout` stream handler turned into a FileHandler on a temp file:
//! this process cannot capture its own stdout. Each test then also replays
//! the same configs and calls in CPython (dictConfig/fileConfig applied as
//! CPython's listener applies what it receives) and compares the files
//! byte for byte.
//!
//! Besides: our `send_config` to CPython's `listen()` (it answers nothing:
//! `NoAck`), and a Python HMAC-signing sender against `verify::hmac_sha256`.

use loglisten::listener::Outcome;
use loglisten::{get_logger, ConfigKind, Level, Listener, Reply};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The tests here apply whole configurations to the one logging registry
/// of this process: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

const PEER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/support/listener_peer.py"
);

#[path = "support/python.rs"]
mod support;
use support::skip;

/// Whether python3 runs, and whether its `test` package (test_logging) is
/// installed: checked once. Only a python3 that cannot be found counts as
/// absent; one that is there but fails the probe fails the test.
fn python(need_test_package: bool) -> bool {
    static FOUND: OnceLock<(bool, bool)> = OnceLock::new();
    let (python, tests) = *FOUND.get_or_init(|| {
        let probe = "import importlib.util, sys\n\
                     sys.exit(0 if importlib.util.find_spec('test.test_logging') else 3)";
        let output = Command::new("python3")
            .args(["-c", probe])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output();
        match output {
            Ok(o) if o.status.success() => (true, true),
            Ok(o) if o.status.code() == Some(3) => (true, false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (false, false),
            Err(e) => panic!("python3 is there but could not be started: {e}"),
            Ok(o) => panic!(
                "python3 is there but its probe failed ({}): {}",
                o.status,
                String::from_utf8_lossy(&o.stderr)
            ),
        }
    });
    if !python {
        skip("python3 is not available");
    } else if need_test_package && !tests {
        skip("python3's test package (test.test_logging) is not installed");
    }
    python && (tests || !need_test_package)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// A python3 process: tests/support/listener_peer.py, or a script.
struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Python {
    fn start(args: &[&str]) -> Python {
        let mut child = Command::new("python3")
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

    fn peer() -> Python {
        Python::start(&[PEER])
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line.trim_end().to_string()
    }

    fn command(&mut self, command: &str) {
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// test_logging's client: connect, `struct.pack('>L', len) + data`,
    /// close. `mode` is `plain`, `reverse`, `hmac` or `tampered`.
    fn send(&mut self, port: u16, mode: &str, data: &[u8]) {
        self.command(&format!("send {port} {mode} {}", hex(data)));
        assert_eq!(self.line(), "sent");
    }

    /// CPython's config10 and config1, their output going to `@LOGFILE@`.
    fn configs(&mut self) -> (String, String) {
        self.command("configs");
        let mut texts = Vec::new();
        for name in ["config10", "config1"] {
            let line = self.line();
            let hex = line.strip_prefix(name).and_then(|l| l.strip_prefix(' '));
            let hex = hex.unwrap_or_else(|| panic!("expected {name}, got {line:?}"));
            texts.push(String::from_utf8(unhex(hex)).unwrap());
        }
        let config1 = texts.pop().unwrap();
        (texts.pop().unwrap(), config1)
    }

    /// The CPython test `scenario` replayed in CPython, output in
    /// `dir/py-*.log`.
    fn reference(&mut self, scenario: &str, dir: &Path) {
        let dir = hex(dir.to_str().unwrap().as_bytes());
        self.command(&format!("reference {scenario} {dir}"));
        assert_eq!(self.line(), "done");
    }

    fn finish(mut self) {
        drop(self.stdin);
        assert!(self.child.wait().unwrap().success());
    }
}

/// A temp directory for one test's log files; removed at the end, after
/// logging has been reset (closing the files).
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "loglisten-listener-python-{}-{test}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Our log file `name`.
    fn path(&self, name: &str) -> String {
        let path = self.0.join(format!("rs-{name}.log"));
        path.to_str().unwrap().to_string()
    }

    /// A log file's contents; None when it was never created.
    fn read(&self, side: &str, name: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(format!("{side}-{name}.log"))).ok()
    }

    fn ours(&self, name: &str) -> String {
        self.read("rs", name).unwrap_or_default()
    }

    /// Our files against CPython's, byte for byte.
    fn compare(&self, names: &[&str]) {
        for name in names {
            assert_eq!(
                self.read("rs", name),
                self.read("py", name),
                "{name}.log: ours, then CPython's"
            );
        }
    }
}

/// Logging with nowhere to go: no record reaches the last-resort handler
/// (stderr), such as our listener's report of a rejected message.
const QUIET: &str = r#"{"version": 1, "disable_existing_loggers": false,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["null"]}}"#;

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = loglisten::dict_config_str(QUIET);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// test_logging's BaseTest.setUp: the root logger at DEBUG with a handler
/// in BaseTest's format (on `rs-base.log` instead of a StringIO). The
/// loggers the tests use start out as fresh ones (level NOTSET, no
/// handlers or filters, propagating), whatever an earlier test here did.
/// Our listener reports each outcome on the `loglisten` logger, which
/// CPython's does not have: those records go to `rs-outcomes.log`, not
/// through the root logger.
fn base_setup(scratch: &Scratch) {
    let config = format!(
        r#"{{
    "version": 1,
    "disable_existing_loggers": false,
    "formatters": {{"base": {{"format": "%(name)s -> %(levelname)s: %(message)s"}}}},
    "handlers": {{
        "base": {{"class": "logging.FileHandler", "filename": "{}", "formatter": "base"}},
        "outcomes": {{"class": "logging.FileHandler", "filename": "{}", "formatter": "base"}}
    }},
    "loggers": {{
        "compiler": {{"level": "NOTSET"}},
        "compiler.parser": {{"level": "NOTSET"}},
        "compiler.lexer": {{"level": "NOTSET"}},
        "compiler.parser.codegen": {{"level": "NOTSET"}},
        "loglisten": {{"level": "INFO", "handlers": ["outcomes"], "propagate": false}}
    }},
    "root": {{"level": "DEBUG", "handlers": ["base"]}}
}}"#,
        scratch.path("base"),
        scratch.path("outcomes")
    );
    loglisten::dict_config_str(&config).unwrap();
}

/// setup_via_listener(text) with no verify: CPython's `listen(0, None)`,
/// its client sends `text`, we wait until it is applied, then stop.
/// CPython's client closes its socket as soon as it has sent, before the
/// listener can tell which user it runs as: like CPython's listener, this
/// one serves any local user.
fn via_listen(py: &mut Python, text: &str) {
    let before = loglisten::config_generation();
    let listener = Listener::builder()
        .port(0)
        .allow_any_local_user()
        .spawn()
        .unwrap();
    py.send(listener.port(), "plain", text.as_bytes());
    let deadline = Instant::now() + Duration::from_secs(5);
    while loglisten::config_generation() == before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    listener.stop();
    listener.join().unwrap();
    assert_ne!(
        loglisten::config_generation(),
        before,
        "the configuration was not applied within 5 s"
    );
}

/// A listener with `verify` to which the client sends `text` in `mode`;
/// returns the outcome, once the listener is done with it.
fn via_builder(
    py: &mut Python,
    text: &[u8],
    mode: &str,
    verify: impl Fn(&[u8]) -> Option<Vec<u8>> + Send + Sync + 'static,
) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let listener = Listener::builder()
        .port(0)
        .verify(verify)
        .on_message(move |_, outcome| {
            let _ = tx.lock().unwrap().send(outcome.clone());
        })
        .spawn()
        .unwrap();
    py.send(listener.port(), mode, text);
    let outcome = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    listener.stop();
    listener.join().unwrap();
    outcome
}

/// test_listen_verify's `verify_fail`.
fn verify_fail(_stuff: &[u8]) -> Option<Vec<u8>> {
    None
}

/// test_listen_verify's `verify_reverse`: the bytes reversed.
fn verify_reverse(stuff: &[u8]) -> Option<Vec<u8>> {
    Some(stuff.iter().rev().copied().collect())
}

/// BaseTest.next_message: "1", "2", ... Called before each log call, as
/// Python evaluates it: the `info!`-style macros would not evaluate their
/// arguments at all for a logger that is disabled or below the level.
fn counter() -> impl FnMut() -> String {
    let mut n = 0;
    move || {
        n += 1;
        n.to_string()
    }
}

#[test]
fn listen_config_10_ok() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if !python(true) {
        return;
    }
    let scratch = Scratch::new("config10");
    let mut py = Python::peer();
    let (config10, _) = py.configs();
    base_setup(&scratch);
    let mut next_message = counter();

    via_listen(
        &mut py,
        &config10.replace("@LOGFILE@", &scratch.path("config10")),
    );
    let logger = get_logger("compiler.parser");
    logger.log(Level::WARNING, &next_message());
    let logger = get_logger("compiler");
    // Not output, because filtered
    logger.log(Level::WARNING, &next_message());
    let logger = get_logger("compiler.lexer");
    // Not output, because filtered
    logger.log(Level::WARNING, &next_message());
    let logger = get_logger("compiler.parser.codegen");
    // Output, as not filtered
    logger.log(Level::ERROR, &next_message());
    assert_eq!(scratch.ours("config10"), "WARNING ++ 1\nERROR ++ 4\n");
    assert_eq!(scratch.ours("base"), "");

    py.reference("listen_config_10_ok", &scratch.0);
    scratch.compare(&["config10", "base"]);
    py.finish();
}

#[test]
fn listen_config_1_ok() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if !python(true) {
        return;
    }
    let scratch = Scratch::new("config1");
    let mut py = Python::peer();
    let (_, config1) = py.configs();
    base_setup(&scratch);
    let mut next_message = counter();

    via_listen(
        &mut py,
        &config1.replace("@LOGFILE@", &scratch.path("config1")),
    );
    let logger = get_logger("compiler.parser");
    // Both will output a message
    logger.log(Level::INFO, &next_message());
    logger.log(Level::ERROR, &next_message());
    assert_eq!(scratch.ours("config1"), "INFO ++ 1\nERROR ++ 2\n");
    // Original logger output is empty.
    assert_eq!(scratch.ours("base"), "");

    py.reference("listen_config_1_ok", &scratch.0);
    scratch.compare(&["config1", "base"]);
    py.finish();
}

#[test]
fn listen_verify() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if !python(true) {
        return;
    }
    let scratch = Scratch::new("verify");
    let mut py = Python::peer();
    let (_, config1) = py.configs();
    base_setup(&scratch);
    let mut next_message = counter();
    let to_send = |out: &str| config1.replace("@LOGFILE@", &scratch.path(out));
    let original = "compiler.parser -> INFO: 1\ncompiler.parser -> ERROR: 2\n";

    let logger = get_logger("compiler.parser");
    // First, a verification function that fails: no output, since the
    // configuration never took effect.
    let outcome = via_builder(
        &mut py,
        to_send("verify-fail").as_bytes(),
        "plain",
        verify_fail,
    );
    assert_eq!(outcome, Outcome::Rejected);
    logger.log(Level::INFO, &next_message());
    logger.log(Level::ERROR, &next_message());
    assert_eq!(scratch.read("rs", "verify-fail"), None);
    // Original logger output has the stuff we logged.
    assert_eq!(scratch.ours("base"), original);
    // And our listener said why, on its own logger.
    let outcomes = scratch.ours("outcomes");
    assert!(
        outcomes.starts_with("loglisten -> WARNING: rejected a config from 127.0.0.1:")
            && outcomes.ends_with(": verify refused it\n")
            && outcomes.lines().count() == 1,
        "{outcomes:?}"
    );

    // Now, no verification: the configuration takes effect.
    via_listen(&mut py, &to_send("verify-none"));
    let logger = get_logger("compiler.parser");
    logger.log(Level::INFO, &next_message());
    logger.log(Level::ERROR, &next_message());
    assert_eq!(scratch.ours("verify-none"), "INFO ++ 3\nERROR ++ 4\n");
    assert_eq!(scratch.ours("base"), original);

    // Now, a verification which transforms the bytes: the text is sent
    // reversed, and reversed back.
    let outcome = via_builder(
        &mut py,
        to_send("verify-reverse").as_bytes(),
        "reverse",
        verify_reverse,
    );
    assert!(
        matches!(
            outcome,
            Outcome::Applied {
                kind: ConfigKind::File,
                ..
            }
        ),
        "{outcome:?}"
    );
    let logger = get_logger("compiler.parser");
    logger.log(Level::INFO, &next_message());
    logger.log(Level::ERROR, &next_message());
    assert_eq!(scratch.ours("verify-reverse"), "INFO ++ 5\nERROR ++ 6\n");
    assert_eq!(scratch.ours("verify-none"), "INFO ++ 3\nERROR ++ 4\n");
    assert_eq!(scratch.ours("base"), original);

    py.reference("listen_verify", &scratch.0);
    scratch.compare(&["verify-fail", "verify-none", "verify-reverse", "base"]);
    py.finish();
}

#[test]
fn python_hmac_sender() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if !python(false) {
        return;
    }
    loglisten::dict_config_str(QUIET).unwrap();
    let mut py = Python::peer();
    let config =
        br#"{"version": 1, "incremental": true, "loggers": {"interop.hmac": {"level": "DEBUG"}}}"#;
    let verify = || loglisten::verify::hmac_sha256(b"interop key".to_vec());
    let sentinel = get_logger("interop.hmac");
    sentinel.set_level(Level::ERROR);

    // Signed, then one byte of the config flipped: rejected.
    let outcome = via_builder(&mut py, config, "tampered", verify());
    assert_eq!(outcome, Outcome::Rejected);
    assert_eq!(sentinel.level(), Level::ERROR);
    // Not signed: rejected.
    let outcome = via_builder(&mut py, config, "plain", verify());
    assert_eq!(outcome, Outcome::Rejected);
    assert_eq!(sentinel.level(), Level::ERROR);
    // Signed: applied.
    let outcome = via_builder(&mut py, config, "hmac", verify());
    assert!(
        matches!(
            outcome,
            Outcome::Applied {
                kind: ConfigKind::Dict,
                ..
            }
        ),
        "{outcome:?}"
    );
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
    if !python(false) {
        return;
    }
    let mut py = Python::start(&["-c", CPYTHON_LISTENER, "interop.cpy", "interop.cpy2"]);
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
