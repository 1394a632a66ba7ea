//! `loglisten`: try the listener, send a configuration, check one.
//!
//! ```text
//! loglisten demo [--port P]
//! loglisten send FILE [--host H] [--port P | --unix PATH] [--key-file K]
//! loglisten send FILE (--to HOST:PORT ... | --targets F) [--parallel N] [--timeout D] [--key-file K]
//! loglisten check FILE
//! ```
//!
//! `demo` runs until interrupted: std cannot install a signal handler, so
//! Ctrl-C ends the process the default way (no cleanup is needed).
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

mod cli;

use cli::fleet::{self, FleetArgs};
use loglisten::{get_logger, Level, Reply, SendOptions};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
usage: loglisten <command> [options]

commands:
  demo    run a program that logs and listens for logging configs
  send    send a logging config to a listener
  check   validate a logging config without applying it

`loglisten <command> --help` describes each.";

const DEMO_USAGE: &str = "\
usage: loglisten demo [--port P]

Listens on 127.0.0.1:P (default 9030) for logging configs from your own
user (file handlers confined to <temp dir>/loglisten-demo) and logs from
the loggers demo, demo.db and demo.http at every level once a second.
Send it a config from another terminal, e.g.:
  loglisten send examples/verbose.json --port P
Ctrl-C ends it.";

const SEND_USAGE: &str = "\
usage: loglisten send FILE [--host H] [--port P | --unix PATH] [--key-file K]
       loglisten send FILE (--to HOST:PORT ... | --targets F) [--parallel N] [--timeout D] [--key-file K]

Sends FILE (dictConfig JSON or fileConfig INI) to a listener at H:P
(default 127.0.0.1:9030) or at the Unix socket PATH, and prints its reply.
--key-file signs the config with HMAC-SHA256 under the key in K (a
trailing newline is not part of the key), stamped with the current time
and a fresh nonce: the listener accepts it once, within its window.
--timeout bounds each exchange: connecting, sending, the reply (like 500ms,
90s, 2m; default 10s).
Exits 0 only when applied; 1 when rejected or failed; 3 when no reply
came (CPython's listener answers nothing, so the outcome is unknown).

To a fleet: --to HOST:PORT (repeatable) and --targets F (one HOST:PORT a
line; blank lines and # comments skipped) name the listeners. They are
contacted concurrently, at most N at once (--parallel, default 16), each
within the timeout. One line per target in the order given (address,
then its reply, `error: ...` or `no reply: ...`), then a summary. Exits 0
only when every target applied FILE, 1 otherwise.";

const CHECK_USAGE: &str = "\
usage: loglisten check FILE

Parses FILE as the listener would (a JSON object as dictConfig, anything
else as fileConfig) and validates it without applying it. Prints `ok`, or
the first error; exits 1 on error.";

/// `send`'s exit code when the listener closed without a reply.
const NO_REPLY: u8 = 3;

/// A command-line failure: the one line printed, and the exit code.
struct Failure(String, u8);

fn usage_error(msg: impl Into<String>) -> Failure {
    Failure(msg.into(), 2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(msg, code)) => {
            eprintln!("loglisten: {msg}");
            ExitCode::from(code)
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(usage_error("no command given (try loglisten --help)"));
    };
    match command.as_str() {
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        "demo" => demo(rest),
        "send" => send(rest),
        "check" => check(rest),
        other => Err(usage_error(format!(
            "unknown command '{other}' (try loglisten --help)"
        ))),
    }
}

/// Options and positional arguments of one command.
#[derive(Default)]
struct Parsed {
    positional: Vec<String>,
    options: Vec<(String, String)>,
    help: bool,
}

impl Parsed {
    fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Splits `args` into `--name value` options (only those in `known`) and
/// positional arguments.
fn parse(command: &str, args: &[String], known: &[&str]) -> Result<Parsed, Failure> {
    let mut parsed = Parsed::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "-h" || arg == "--help" {
            parsed.help = true;
        } else if let Some(name) = arg.strip_prefix("--") {
            if !known.contains(&name) {
                return Err(usage_error(format!(
                    "{command}: unknown option '{arg}' (try loglisten {command} --help)"
                )));
            }
            let value = it
                .next()
                .ok_or_else(|| usage_error(format!("{command}: {arg} needs a value")))?;
            parsed.options.push((name.to_string(), value.clone()));
        } else {
            parsed.positional.push(arg.clone());
        }
    }
    Ok(parsed)
}

fn port(command: &str, parsed: &Parsed) -> Result<u16, Failure> {
    match parsed.get("port") {
        None => Ok(loglisten::DEFAULT_LOGGING_CONFIG_PORT),
        Some(p) => p.parse().map_err(|_| {
            usage_error(format!(
                "{command}: --port must be a number from 0 to 65535, not '{p}'"
            ))
        }),
    }
}

/// The single FILE argument.
fn one_file<'a>(command: &str, parsed: &'a Parsed) -> Result<&'a str, Failure> {
    match parsed.positional.as_slice() {
        [file] => Ok(file),
        [] => Err(usage_error(format!("{command}: FILE is missing"))),
        [_, extra, ..] => Err(usage_error(format!(
            "{command}: unexpected argument '{extra}'"
        ))),
    }
}

fn read_file(path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure(format!("cannot read {path}: {e}"), 1))
}

fn demo(args: &[String]) -> Result<(), Failure> {
    let parsed = parse("demo", args, &["port"])?;
    if parsed.help {
        println!("{DEMO_USAGE}");
        return Ok(());
    }
    if let Some(extra) = parsed.positional.first() {
        return Err(usage_error(format!("demo: unexpected argument '{extra}'")));
    }
    let port = port("demo", &parsed)?;
    // Pushed configs may write log files only here.
    let log_dir = std::env::temp_dir().join("loglisten-demo");
    std::fs::create_dir_all(&log_dir)
        .map_err(|e| Failure(format!("cannot create {}: {e}", log_dir.display()), 1))?;
    let listener = loglisten::Listener::builder()
        .port(port)
        .allow_dirs([&log_dir])
        .spawn()
        .map_err(|e| Failure(format!("cannot listen on 127.0.0.1:{port}: {e}"), 1))?;
    let port = listener.port();
    println!("listening for logging configs on 127.0.0.1:{port}");
    println!(
        "from your user only; file handlers may write only under {}",
        log_dir.display()
    );
    println!("send one with: loglisten send examples/verbose.json --port {port}");
    println!("until then, WARNING and above go to stderr; Ctrl-C ends the demo");
    let loggers = [
        get_logger("demo"),
        get_logger("demo.db"),
        get_logger("demo.http"),
    ];
    let levels = [
        Level::DEBUG,
        Level::INFO,
        Level::WARNING,
        Level::ERROR,
        Level::CRITICAL,
    ];
    for tick in 1u64.. {
        for log in &loggers {
            for level in levels {
                if log.is_enabled_for(level) {
                    log.log(level, &format!("tick {tick} at {}", level.name()));
                }
            }
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    Ok(())
}

fn send(args: &[String]) -> Result<(), Failure> {
    let known = [&["host", "port", "unix", "key-file"][..], &fleet::OPTIONS].concat();
    let parsed = parse("send", args, &known)?;
    if parsed.help {
        println!("{SEND_USAGE}");
        return Ok(());
    }
    let file = one_file("send", &parsed)?;
    let fleet = FleetArgs::from_options("send", &parsed.options, fleet::read_targets_file)
        .map_err(usage_error)?;
    let unix = parsed.get("unix");
    let host_or_port = parsed.get("port").is_some() || parsed.get("host").is_some();
    if !fleet.targets.is_empty() && (unix.is_some() || host_or_port) {
        return Err(usage_error(
            "send: --to and --targets cannot be combined with --host, --port or --unix",
        ));
    }
    if unix.is_some() && host_or_port {
        return Err(usage_error(
            "send: --unix cannot be combined with --host or --port",
        ));
    }
    let port = port("send", &parsed)?;
    let config = read_file(file)?;
    let mut options = SendOptions {
        timeout: fleet.timeout,
        ..SendOptions::default()
    };
    if let Some(key_file) = parsed.get("key-file") {
        let mut key = read_file(key_file)?;
        while key.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            key.pop();
        }
        if key.is_empty() {
            return Err(Failure(format!("send: key file {key_file} is empty"), 1));
        }
        options.key = Some(key);
    }
    if !fleet.targets.is_empty() {
        let mut out = std::io::stdout().lock();
        let failed =
            fleet::send_to_all(&fleet.targets, fleet.parallel, &config, &options, &mut out);
        let total = fleet.targets.len();
        return match failed {
            0 => Ok(()),
            _ => Err(Failure(
                format!("{failed} of {total} failed to apply {file}"),
                1,
            )),
        };
    }
    let (target, result) = match unix {
        Some(path) => (path.to_string(), send_unix(path, &config, &options)),
        None => {
            let host = parsed.get("host").unwrap_or("127.0.0.1");
            (
                format!("{host}:{port}"),
                loglisten::send_config_with((host, port), &config, &options),
            )
        }
    };
    match result {
        Err(e) => Err(Failure(format!("sending to {target} failed: {e}"), 1)),
        Ok(reply) => {
            println!("{reply}");
            match reply {
                Reply::Ok { .. } | Reply::Done { .. } | Reply::Checked => Ok(()),
                Reply::Rejected | Reply::Error(_) => {
                    Err(Failure(format!("{target} did not apply {file}"), 1))
                }
                Reply::NoAck => Err(Failure(
                    format!(
                        "{target} closed without a reply: whether {file} was applied is unknown"
                    ),
                    NO_REPLY,
                )),
            }
        }
    }
}

#[cfg(unix)]
fn send_unix(path: &str, config: &[u8], options: &SendOptions) -> std::io::Result<Reply> {
    loglisten::send_config_unix_with(path, config, options)
}

#[cfg(not(unix))]
fn send_unix(_: &str, _: &[u8], _: &SendOptions) -> std::io::Result<Reply> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "Unix domain sockets are not available on this system",
    ))
}

fn check(args: &[String]) -> Result<(), Failure> {
    let parsed = parse("check", args, &[])?;
    if parsed.help {
        println!("{CHECK_USAGE}");
        return Ok(());
    }
    let file = one_file("check", &parsed)?;
    let config = read_file(file)?;
    match loglisten::check_config(&config) {
        Ok(_) => {
            println!("ok");
            Ok(())
        }
        Err(e) => {
            let mut line = format!("{file}: {e}");
            if let Some(pos) = e.position() {
                if !line.contains(&pos.to_string()) {
                    line = format!("{line} at {pos}");
                }
            }
            Err(Failure(line.replace('\n', " "), 1))
        }
    }
}
