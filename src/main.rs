//! `loglisten`: try the listener, send a configuration, check one, read
//! and change a running program's logging.
//!
//! ```text
//! loglisten demo [--port P]
//! loglisten send FILE [--if-generation N] [--dry-run] [TARGET] [--key-file K]
//! loglisten check FILE
//! loglisten get [--json] [TARGET] [--key-file K]
//! loglisten set LOGGER LEVEL [--for DURATION | --until-reset] [TARGET] [--key-file K]
//! loglisten reset [LOGGER] [TARGET] [--key-file K]
//! TARGET: [--host H] [--port P | --unix PATH]
//!         or (--to HOST:PORT ... | --targets F) [--parallel N] [--timeout D]
//! ```
//!
//! `demo` runs until interrupted: std cannot install a signal handler, so
//! Ctrl-C ends the process the default way (no cleanup is needed).
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

mod cli;

use cli::fleet;
use cli::remote::{self, Target};
use loglisten::{get_logger, Command, CommandReply, Level, LevelSpec, Reply, SendOptions};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
usage: loglisten <command> [options]

commands:
  demo    run a program that logs and listens for logging configs
  send    send a logging config to a listener
  check   validate a logging config without applying it
  get     show a listener's live logging: loggers, levels, overrides
  set     override a logger's level for a while
  reset   drop a level override, or all of them

`loglisten <command> --help` describes each.";

const DEMO_USAGE: &str = "\
usage: loglisten demo [--port P]

Listens on 127.0.0.1:P (default 9030) for logging configs from your own
user (file handlers confined to <temp dir>/loglisten-demo) and logs from
the loggers demo, demo.db and demo.http at every level once a second.
Send it a config from another terminal, e.g.:
  loglisten send examples/verbose.json --port P
Ctrl-C ends it.";

const TARGET_HELP: &str = "\
Target: a listener at H:P (--host, --port; default 127.0.0.1:9030) or
at the Unix socket PATH (--unix), or a fleet (see below).
--key-file signs the message with HMAC-SHA256 under the key in K (a
trailing newline is not part of the key), stamped with the current time
and a fresh nonce: the listener accepts it once, within its window.
--timeout bounds each exchange: connecting, sending, the reply (like 500ms,
90s, 2m; default 10s).
Exits 0 when done; 1 when rejected or failed; 2 on a usage error; 3 when
no reply came (CPython's listener answers nothing).

To a fleet: --to HOST:PORT (repeatable) and --targets F (one HOST:PORT a
line; blank lines and # comments skipped) name the listeners. They are
contacted concurrently, at most N at once (--parallel, default 16), each
within the timeout. One line per target in the order given (address,
then its reply, `error: ...` or `no reply: ...`), then a summary. Exits 0
only when every target did it, 1 otherwise.";

const GET_USAGE: &str = "\
usage: loglisten get [--json] [TARGET] [--key-file K]

Shows the listener's live logging: its generation, then one row per
logger: configured level, effective level, level override and the time
it has left, handlers. --json prints the listener's whole answer (the
configuration as dictConfig included) as JSON instead. To a fleet it
prints one line per target (`ok get N`: its generation, or why not), the
target's table (or JSON) indented below it, then a summary.";

const SET_USAGE: &str = "\
usage: loglisten set LOGGER LEVEL [--for DURATION | --until-reset] [TARGET] [--key-file K]

Overrides LOGGER's level (root for the root logger) with LEVEL (a level
name the target knows: DEBUG, INFO, WARNING, ERROR, CRITICAL, TRACE or
one the program registered; or a number) for DURATION (like 90s, 10m,
1h; default 10m), or until `loglisten reset`. It then reverts to what the
configuration says; a config pushed meanwhile does not cancel it.";

const RESET_USAGE: &str = "\
usage: loglisten reset [LOGGER] [TARGET] [--key-file K]

Drops LOGGER's level override, or every override when no LOGGER is given.";

const SEND_USAGE: &str = "\
usage: loglisten send FILE [--if-generation N] [--dry-run] [TARGET] [--key-file K]
       loglisten send FILE (--to HOST:PORT ... | --targets F) [--parallel N] [--timeout D] [--key-file K]

Sends FILE (dictConfig JSON or fileConfig INI) and prints the reply.
--if-generation N applies it only if generation N is live (else
`error: generation is 9, not 7`, nothing changed). --dry-run builds it in
the listener's process and discards it: `ok check`, or the error a real
send would get.";

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
        "get" => get(rest),
        "set" => set(rest),
        "reset" => reset(rest),
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
    parse_with_flags(command, args, known, &[])
}

/// [`parse`], and `--name` flags without a value (only those in `flags`),
/// kept as options with an empty value.
fn parse_with_flags(
    command: &str,
    args: &[String],
    known: &[&str],
    flags: &[&str],
) -> Result<Parsed, Failure> {
    let mut parsed = Parsed::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "-h" || arg == "--help" {
            parsed.help = true;
        } else if let Some(name) = arg.strip_prefix("--").filter(|n| flags.contains(n)) {
            parsed.options.push((name.to_string(), String::new()));
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
    let known = [&remote::OPTIONS[..], &fleet::OPTIONS, &["if-generation"]].concat();
    let parsed = parse_with_flags("send", args, &known, &["dry-run"])?;
    if parsed.help {
        println!("{SEND_USAGE}\n\n{TARGET_HELP}");
        return Ok(());
    }
    let file = one_file("send", &parsed)?;
    let (target, options) = target("send", &parsed)?;
    let if_generation = match parsed.get("if-generation") {
        None => None,
        Some(n) => Some(n.parse::<u64>().map_err(|_| {
            usage_error(format!(
                "send: --if-generation must be a whole number from 0, not '{n}'"
            ))
        })?),
    };
    let dry_run = parsed.get("dry-run").is_some();
    let config = read_file(file)?;
    if if_generation.is_none() && !dry_run {
        return match &target {
            Target::Fleet(fleet) => to_fleet(fleet, &config, &options, &format!("apply {file}")),
            Target::Tcp(host, port) => {
                let result = loglisten::send_config_with((host.as_str(), *port), &config, &options);
                finish(
                    &target,
                    result.map(|reply| CommandReply { reply, body: None }),
                    &format!("apply {file}"),
                )
            }
            Target::Unix(path) => finish(
                &target,
                send_unix(path, &config, &options),
                &format!("apply {file}"),
            ),
        };
    }
    let text =
        String::from_utf8(config).map_err(|e| Failure(format!("{file} is not UTF-8: {e}"), 1))?;
    let command = Command::Apply {
        text,
        if_generation,
        dry_run,
    };
    run_command(&target, &command, &options, &format!("apply {file}")).map(drop)
}

/// The target options of `command` (see [`remote::target`]).
fn target(command: &str, parsed: &Parsed) -> Result<(Target, SendOptions), Failure> {
    remote::target(command, &parsed.options).map_err(|(m, code)| Failure(m, code))
}

/// Sends `command` to the target (or the fleet) and prints the reply;
/// returns the reply of a single target for more printing.
fn run_command(
    target: &Target,
    command: &Command,
    options: &SendOptions,
    what: &str,
) -> Result<Option<CommandReply>, Failure> {
    if let Target::Fleet(fleet) = target {
        return to_fleet(fleet, command.to_json().as_bytes(), options, what).map(|()| None);
    }
    let result = remote::send_one(target, command, options);
    let answer = result.as_ref().ok().cloned();
    finish(target, result, what)?;
    Ok(answer)
}

fn to_fleet(
    fleet: &fleet::FleetArgs,
    payload: &[u8],
    options: &SendOptions,
    what: &str,
) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    let failed = fleet::send_to_all(&fleet.targets, fleet.parallel, payload, options, &mut out);
    let total = fleet.targets.len();
    match failed {
        0 => Ok(()),
        _ => Err(Failure(format!("{failed} of {total} failed to {what}"), 1)),
    }
}

/// Prints the status line and maps it to the exit status. `what` is what
/// was asked (`apply FILE`, `set app.db`).
fn finish(
    target: &Target,
    result: std::io::Result<CommandReply>,
    what: &str,
) -> Result<(), Failure> {
    let unknown = match what.strip_prefix("apply ") {
        Some(file) => format!("whether {file} was applied is unknown"),
        None => format!("whether it did {what} is unknown"),
    };
    let name = target.name();
    let reply = match result {
        Err(e) => return Err(Failure(format!("sending to {name} failed: {e}"), 1)),
        Ok(answer) => answer.reply,
    };
    println!("{reply}");
    match reply {
        reply if remote::is_ok(&reply) => Ok(()),
        Reply::NoAck => Err(Failure(
            format!("{name} closed without a reply: {unknown}"),
            NO_REPLY,
        )),
        _ => Err(Failure(format!("{name} did not {what}"), 1)),
    }
}

#[cfg(unix)]
fn send_unix(path: &str, config: &[u8], options: &SendOptions) -> std::io::Result<CommandReply> {
    loglisten::send_config_unix_with(path, config, options)
        .map(|reply| CommandReply { reply, body: None })
}

#[cfg(not(unix))]
fn send_unix(_: &str, _: &[u8], _: &SendOptions) -> std::io::Result<CommandReply> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "Unix domain sockets are not available on this system",
    ))
}

fn get(args: &[String]) -> Result<(), Failure> {
    let known = [&remote::OPTIONS[..], &fleet::OPTIONS].concat();
    let parsed = parse_with_flags("get", args, &known, &["json"])?;
    if parsed.help {
        println!("{GET_USAGE}\n\n{TARGET_HELP}");
        return Ok(());
    }
    if let Some(extra) = parsed.positional.first() {
        return Err(usage_error(format!("get: unexpected argument '{extra}'")));
    }
    let (target, options) = target("get", &parsed)?;
    let json = parsed.get("json").is_some();
    if let Target::Fleet(fleet) = &target {
        return get_from_fleet(fleet, &options, json);
    }
    let result = remote::send_one(&target, &Command::Get, &options);
    let answer = match result {
        Ok(answer) if remote::is_ok(&answer.reply) && answer.body.is_some() => answer,
        _ => return finish(&target, result, "get"),
    };
    let mut out = std::io::stdout().lock();
    let written = match (json.then_some(()), answer.json()) {
        (Some(_), Ok(_)) => {
            use std::io::Write;
            writeln!(out, "{}", answer.body.unwrap_or_default())
        }
        (None, Ok(body)) => remote::table(&body, &mut out),
        (_, Err(e)) => return Err(Failure(format!("{}: {e}", target.name()), 1)),
    };
    // stdout closed early (`| head`): nothing more to say.
    drop(written);
    Ok(())
}

/// `get` from a fleet: each target's line, its table (or JSON) below it,
/// the summary.
fn get_from_fleet(
    fleet: &fleet::FleetArgs,
    options: &SendOptions,
    json: bool,
) -> Result<(), Failure> {
    let show = |answer: &CommandReply| {
        let body = answer.body.as_deref().unwrap_or_default();
        if json {
            return body.to_string();
        }
        let mut table = Vec::new();
        match answer.json() {
            Ok(view) => drop(remote::table(&view, &mut table)),
            Err(e) => return e.to_string(),
        }
        String::from_utf8_lossy(&table).into_owned()
    };
    let mut out = std::io::stdout().lock();
    let failed = fleet::command_to_all(
        &fleet.targets,
        fleet.parallel,
        &Command::Get,
        options,
        show,
        &mut out,
    );
    let total = fleet.targets.len();
    match failed {
        0 => Ok(()),
        _ => Err(Failure(format!("{failed} of {total} failed to get"), 1)),
    }
}

fn set(args: &[String]) -> Result<(), Failure> {
    let known = [&remote::OPTIONS[..], &fleet::OPTIONS, &["for"]].concat();
    let parsed = parse_with_flags("set", args, &known, &["until-reset"])?;
    if parsed.help {
        println!("{SET_USAGE}\n\n{TARGET_HELP}");
        return Ok(());
    }
    let (logger, level) = match parsed.positional.as_slice() {
        [logger, level] => (logger, level),
        [] | [_] => return Err(usage_error("set: LOGGER and LEVEL are needed")),
        [_, _, extra, ..] => {
            return Err(usage_error(format!("set: unexpected argument '{extra}'")))
        }
    };
    // A number is a level; a name goes as it is, for the listener to
    // resolve: it may know names (TRACE, its own) that this process does not.
    let level = match level.parse::<i32>() {
        Ok(n) => LevelSpec::Level(Level(n)),
        Err(_) => LevelSpec::Name(level.clone()),
    };
    let ttl = match (parsed.get("for"), parsed.get("until-reset")) {
        (Some(_), Some(_)) => {
            return Err(usage_error(
                "set: --for and --until-reset exclude each other",
            ))
        }
        (None, Some(_)) => None,
        (None, None) => Some(Duration::from_secs(600)),
        (Some(d), None) => match cli::duration::parse_duration(d) {
            Ok(d) if !d.is_zero() => Some(d),
            Ok(_) => {
                return Err(usage_error(
                    "set: --for must be more than 0 (or --until-reset)",
                ))
            }
            Err(e) => return Err(usage_error(format!("set: --for {e}"))),
        },
    };
    let (target, options) = target("set", &parsed)?;
    let command = Command::Set {
        logger: logger.clone(),
        level,
        ttl,
    };
    let answer = run_command(&target, &command, &options, &format!("set {logger}"))?;
    print_logger(answer);
    Ok(())
}

fn reset(args: &[String]) -> Result<(), Failure> {
    let known = [&remote::OPTIONS[..], &fleet::OPTIONS].concat();
    let parsed = parse("reset", args, &known)?;
    if parsed.help {
        println!("{RESET_USAGE}\n\n{TARGET_HELP}");
        return Ok(());
    }
    let logger = match parsed.positional.as_slice() {
        [] => None,
        [logger] => Some(logger.clone()),
        [_, extra, ..] => return Err(usage_error(format!("reset: unexpected argument '{extra}'"))),
    };
    let (target, options) = target("reset", &parsed)?;
    let what = match &logger {
        Some(l) => format!("reset {l}"),
        None => "reset the overrides".to_string(),
    };
    let answer = run_command(&target, &Command::Reset { logger }, &options, &what)?;
    print_logger(answer);
    Ok(())
}

/// After `set` or `reset` of one logger: its row of the `get` table.
fn print_logger(answer: Option<CommandReply>) {
    let Some(body) = answer.and_then(|a| a.json().ok()) else {
        return;
    };
    let Some(name) = body.get("logger").and_then(|n| n.as_str()) else {
        return;
    };
    let text = format!(
        r#"{{"generation": {}, "loggers": {{{}: {body}}}}}"#,
        body.get("generation")
            .map_or("null".to_string(), |g| g.to_string()),
        loglisten::json::Value::from(name)
    );
    if let Ok(view) = loglisten::json::parse(&text) {
        let mut out = Vec::new();
        if remote::table(&view, &mut out).is_ok() {
            // The table without its generation line (the status said it).
            let text = String::from_utf8_lossy(&out);
            print!("{}", text.split_once('\n').map_or("", |(_, rest)| rest));
        }
    }
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
            // An INI error says its line in configparser's words already.
            let ini =
                std::error::Error::source(&e).is_some_and(|s| s.is::<loglisten::ini::Error>());
            if let Some(pos) = e.position().filter(|_| !ini) {
                if !line.contains(&pos.to_string()) {
                    line = format!("{line} at {pos}");
                }
            }
            Err(Failure(line.replace('\n', " "), 1))
        }
    }
}
