//! Several targets at once: the `--to`, `--targets`, `--parallel` and
//! `--timeout` options, a bounded pool that runs one job per target, and
//! the report (one line per target in the order given, for `get` each
//! followed by its table, then a summary).
//!
//! A command uses it in three steps:
//! [`FleetArgs::from_options`] reads the options, [`run_bounded`] runs the
//! command's job on every target and [`Report`] prints each [`Outcome`] as
//! soon as it and those before it are in.

use super::duration::parse_duration;
use super::targets::{parse_target, parse_targets_file};
use loglisten::{Command, CommandReply, Reply, SendOptions};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Targets contacted at once unless `--parallel` says otherwise.
pub(crate) const DEFAULT_PARALLEL: usize = 16;

/// The most `--parallel` accepts: one thread each.
const MAX_PARALLEL: usize = 1024;

/// Per-target deadline unless `--timeout` says otherwise: the client's.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest `--targets` file read: a million addresses and more.
const MAX_TARGETS_FILE: u64 = 16 << 20;

/// The option names this module reads, for the command's parser.
pub(crate) const OPTIONS: [&str; 4] = ["to", "targets", "parallel", "timeout"];

/// What the fleet options asked for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FleetArgs {
    /// The `--to` addresses and those of the `--targets` files, in
    /// command-line order; empty when there were none.
    pub targets: Vec<String>,
    /// At most this many targets at once.
    pub parallel: usize,
    /// The deadline of each target: connecting, sending, the reply.
    pub timeout: Duration,
}

impl FleetArgs {
    /// Reads the fleet options among `options` (name without `--`, value,
    /// in command-line order) of `command`. `read` reads a `--targets`
    /// file. Errors are usage errors, one line.
    pub(crate) fn from_options(
        command: &str,
        options: &[(String, String)],
        read: impl Fn(&str) -> io::Result<String>,
    ) -> Result<FleetArgs, String> {
        let mut args = FleetArgs {
            targets: Vec::new(),
            parallel: DEFAULT_PARALLEL,
            timeout: DEFAULT_TIMEOUT,
        };
        let mut parallel_given = false;
        for (name, value) in options {
            match name.as_str() {
                "to" => args
                    .targets
                    .push(parse_target(value).map_err(|e| format!("{command}: --to {e}"))?),
                "targets" => {
                    let text = read(value)
                        .map_err(|e| format!("{command}: cannot read targets file {value}: {e}"))?;
                    let listed =
                        parse_targets_file(value, &text).map_err(|e| format!("{command}: {e}"))?;
                    args.targets.extend(listed);
                }
                "parallel" => {
                    parallel_given = true;
                    args.parallel = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_PARALLEL).contains(n))
                        .ok_or_else(|| {
                            let range = format!("a number from 1 to {MAX_PARALLEL}");
                            format!("{command}: --parallel must be {range}, not '{value}'")
                        })?;
                }
                "timeout" => {
                    args.timeout = match parse_duration(value) {
                        Ok(d) if !d.is_zero() => d,
                        Ok(_) => return Err(format!("{command}: --timeout must be more than 0")),
                        Err(e) => return Err(format!("{command}: --timeout {e}")),
                    }
                }
                _ => {}
            }
        }
        if parallel_given && args.targets.is_empty() {
            return Err(format!("{command}: --parallel needs --to or --targets"));
        }
        Ok(args)
    }
}

/// Reads a `--targets` file, for [`FleetArgs::from_options`]: UTF-8, at
/// most 16 MiB, so that a wrong path such as `/dev/zero` fails at once
/// instead of filling memory.
pub(crate) fn read_targets_file(path: &str) -> io::Result<String> {
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_TARGETS_FILE + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_TARGETS_FILE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "larger than 16 MiB",
        ));
    }
    Ok(text)
}

/// How one target fared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Done; the listener's status line (`ok dict 4`).
    Ok(String),
    /// The listener answered but did not do it (`rejected`, `error: …`).
    Failed(String),
    /// No answer: connecting, sending or reading failed or timed out, or
    /// the peer closed without a reply.
    NoReply(String),
}

impl Outcome {
    /// The outcome of sending a configuration.
    pub(crate) fn of_send(result: io::Result<Reply>) -> Outcome {
        match result {
            Ok(reply @ (Reply::Ok { .. } | Reply::Done { .. } | Reply::Checked)) => {
                Outcome::Ok(reply.to_string())
            }
            Ok(Reply::NoAck) => Outcome::NoReply("the listener closed without a reply".into()),
            Ok(reply) => Outcome::Failed(reply.to_string()),
            Err(e) => Outcome::NoReply(e.to_string()),
        }
    }

    /// The text after the address: one line.
    fn line(&self) -> String {
        let text = match self {
            Outcome::Ok(s) | Outcome::Failed(s) => s.clone(),
            Outcome::NoReply(s) => format!("no reply: {s}"),
        };
        text.replace(['\n', '\r'], " ")
    }
}

/// Runs `job` on every item, at most `parallel` at once on scoped
/// threads, and calls `done` with each index and result in item order:
/// a result waits only for those before it. The results are returned in
/// item order too. A job bounds its own time (the per-target timeout);
/// the pool never starts more than `parallel` threads.
pub(crate) fn run_bounded<T: Sync, R: Send>(
    items: &[T],
    parallel: usize,
    job: impl Fn(&T) -> R + Sync,
    mut done: impl FnMut(usize, &R),
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<R>> = items.iter().map(|_| None).collect();
    let mut emitted = 0;
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        for _ in 0..parallel.clamp(1, items.len().max(1)) {
            let tx = tx.clone();
            let (next, job) = (&next, &job);
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(index) else { break };
                if tx.send((index, job(item))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (index, result) in rx {
            slots[index] = Some(result);
            while let Some(Some(result)) = slots.get(emitted) {
                done(emitted, result);
                emitted += 1;
            }
        }
    });
    slots.into_iter().flatten().collect()
}

/// Prints a fleet's outcomes: each target's line (address padded to the
/// widest, two spaces, outcome), then the summary.
#[derive(Debug)]
pub(crate) struct Report<'a> {
    targets: &'a [String],
    width: usize,
    ok: usize,
}

impl<'a> Report<'a> {
    /// A report on `targets`, in this order.
    pub(crate) fn new(targets: &'a [String]) -> Report<'a> {
        let width = targets.iter().map(|t| t.chars().count()).max().unwrap_or(0);
        Report {
            targets,
            width,
            ok: 0,
        }
    }

    /// Writes the line of target `index`.
    pub(crate) fn line(&mut self, out: &mut impl Write, index: usize, outcome: &Outcome) {
        if matches!(outcome, Outcome::Ok(_)) {
            self.ok += 1;
        }
        let target = &self.targets[index];
        let width = self.width;
        // stdout closed early (`| head`): the exit status still tells.
        let _ = writeln!(out, "{target:<width$}  {}", outcome.line());
        let _ = out.flush();
    }

    /// Writes the summary line; returns how many targets were not ok.
    pub(crate) fn finish(self, out: &mut impl Write) -> usize {
        let total = self.targets.len();
        let failed = total - self.ok;
        let noun = if total == 1 { "target" } else { "targets" };
        let _ = writeln!(out, "{total} {noun}: {} ok, {failed} failed", self.ok);
        failed
    }
}

/// Resolves `target` (`host:port`) with `lookup` and calls `exchange`
/// with its addresses and the time left, all within `timeout`. An IP
/// address needs no lookup; a host name is looked up on a thread of its
/// own, left to finish alone if the time runs out first, since the
/// system resolver takes no deadline.
pub(crate) fn contact<R>(
    target: &str,
    timeout: Duration,
    lookup: fn(&str) -> io::Result<Vec<SocketAddr>>,
    exchange: impl FnOnce(&[SocketAddr], Duration) -> io::Result<R>,
) -> io::Result<R> {
    let start = Instant::now();
    let addresses = match target.parse::<SocketAddr>() {
        Ok(address) => vec![address],
        Err(_) => {
            let (tx, rx) = mpsc::channel();
            let name = target.to_string();
            std::thread::spawn(move || {
                let _ = tx.send(lookup(&name));
            });
            rx.recv_timeout(timeout).map_err(|_| {
                io::Error::new(io::ErrorKind::TimedOut, "timed out resolving the host name")
            })??
        }
    };
    let left = timeout.saturating_sub(start.elapsed());
    if left.is_zero() {
        return Err(io::Error::new(io::ErrorKind::TimedOut, "timed out"));
    }
    exchange(&addresses, left)
}

/// The system resolver, for [`contact`].
pub(crate) fn system_lookup(target: &str) -> io::Result<Vec<SocketAddr>> {
    Ok(target.to_socket_addrs()?.collect())
}

/// Sends `config` to every target with `options` (its timeout is each
/// target's), `parallel` at once, printing the report to `out`. Returns
/// the number of targets that failed.
pub(crate) fn send_to_all(
    targets: &[String],
    parallel: usize,
    config: &[u8],
    options: &SendOptions,
    out: &mut impl Write,
) -> usize {
    let mut report = Report::new(targets);
    let send = |target: &String| {
        contact(target, options.timeout, system_lookup, |addresses, left| {
            let options = SendOptions {
                timeout: left,
                ..options.clone()
            };
            loglisten::send_config_with(addresses, config, &options)
        })
    };
    run_bounded(
        targets,
        parallel,
        |target| Outcome::of_send(send(target)),
        |index, outcome| report.line(out, index, outcome),
    );
    report.finish(out)
}

/// Sends `command` to every target as [`send_to_all`] does, and below
/// the line of each target that did it prints what `show` makes of its
/// answer (a `get`'s table), each line indented by two spaces. `show`
/// runs on the pool's threads. Returns the number of targets that failed.
pub(crate) fn command_to_all(
    targets: &[String],
    parallel: usize,
    command: &Command,
    options: &SendOptions,
    show: impl Fn(&CommandReply) -> String + Sync,
    out: &mut impl Write,
) -> usize {
    let mut report = Report::new(targets);
    let send = |target: &String| {
        contact(target, options.timeout, system_lookup, |addresses, left| {
            let options = SendOptions {
                timeout: left,
                ..options.clone()
            };
            loglisten::send_command(addresses, command, &options)
        })
    };
    let job = |target: &String| match send(target) {
        Ok(answer) => {
            let outcome = Outcome::of_send(Ok(answer.reply.clone()));
            let shown = matches!(outcome, Outcome::Ok(_)).then(|| show(&answer));
            (outcome, shown)
        }
        Err(e) => (Outcome::of_send(Err(e)), None),
    };
    run_bounded(targets, parallel, job, |index, (outcome, shown)| {
        report.line(out, index, outcome);
        if let Some(text) = shown {
            for line in text.lines() {
                // stdout closed early: the exit status still tells.
                let _ = writeln!(out, "  {line}");
            }
        }
    });
    report.finish(out)
}

#[cfg(test)]
#[path = "fleet_tests.rs"]
mod tests;
