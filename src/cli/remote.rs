//! Where a command goes (one listener by `--host`/`--port`/`--unix`, or a
//! fleet), with which key, and the readable `get` table.

use super::fleet::{self, FleetArgs};
use loglisten::json::Value;
use loglisten::{Command, CommandReply, Reply, SendOptions};
use std::io::{self, Write};

/// The option names read here besides the fleet's.
pub(crate) const OPTIONS: [&str; 4] = ["host", "port", "unix", "key-file"];

/// One listener, or a fleet.
#[derive(Debug)]
pub(crate) enum Target {
    /// `host:port`.
    Tcp(String, u16),
    /// A Unix socket path.
    Unix(String),
    /// `--to` / `--targets`.
    Fleet(FleetArgs),
}

impl Target {
    /// The address as printed in messages.
    pub(crate) fn name(&self) -> String {
        match self {
            Target::Tcp(host, port) => format!("{host}:{port}"),
            Target::Unix(path) => path.clone(),
            Target::Fleet(f) => format!("{} targets", f.targets.len()),
        }
    }
}

/// Reads `--host`, `--port`, `--unix`, `--key-file` and the fleet options
/// of `command`; errors are usage errors (exit 2) but for an unreadable
/// or empty key file (exit 1).
pub(crate) fn target(
    command: &str,
    options: &[(String, String)],
) -> Result<(Target, SendOptions), (String, u8)> {
    let get = |name: &str| {
        options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let usage = |m: String| (m, 2);
    let fleet =
        FleetArgs::from_options(command, options, fleet::read_targets_file).map_err(usage)?;
    let unix = get("unix");
    let host_or_port = get("port").is_some() || get("host").is_some();
    if !fleet.targets.is_empty() && (unix.is_some() || host_or_port) {
        return Err(usage(format!(
            "{command}: --to and --targets cannot be combined with --host, --port or --unix"
        )));
    }
    if unix.is_some() && host_or_port {
        return Err(usage(format!(
            "{command}: --unix cannot be combined with --host or --port"
        )));
    }
    let port = match get("port") {
        None => loglisten::DEFAULT_LOGGING_CONFIG_PORT,
        Some(p) => p.parse().map_err(|_| {
            usage(format!(
                "{command}: --port must be a number from 0 to 65535, not '{p}'"
            ))
        })?,
    };
    let mut send = SendOptions {
        timeout: fleet.timeout,
        ..SendOptions::default()
    };
    if let Some(key_file) = get("key-file") {
        let mut key =
            std::fs::read(key_file).map_err(|e| (format!("cannot read {key_file}: {e}"), 1))?;
        while key.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            key.pop();
        }
        if key.is_empty() {
            return Err((format!("{command}: key file {key_file} is empty"), 1));
        }
        send.key = Some(key);
    }
    let target = match unix {
        _ if !fleet.targets.is_empty() => Target::Fleet(fleet),
        Some(path) => Target::Unix(path.to_string()),
        None => Target::Tcp(get("host").unwrap_or("127.0.0.1").to_string(), port),
    };
    Ok((target, send))
}

/// Sends `command` to one listener.
pub(crate) fn send_one(
    target: &Target,
    command: &Command,
    options: &SendOptions,
) -> io::Result<CommandReply> {
    match target {
        Target::Tcp(host, port) => {
            loglisten::send_command((host.as_str(), *port), command, options)
        }
        #[cfg(unix)]
        Target::Unix(path) => loglisten::send_command_unix(path, command, options),
        #[cfg(not(unix))]
        Target::Unix(_) => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "Unix domain sockets are not available on this system",
        )),
        Target::Fleet(_) => Err(io::Error::other("a fleet is sent to with send_to_all")),
    }
}

/// Whether the listener did it.
pub(crate) fn is_ok(reply: &Reply) -> bool {
    matches!(
        reply,
        Reply::Ok { .. } | Reply::Done { .. } | Reply::Checked
    )
}

/// The `get` body as a table: a generation line, then one row per
/// logger: name, configured level, effective level, override and time
/// left, handlers.
pub(crate) fn table(body: &Value, out: &mut impl Write) -> io::Result<()> {
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "-".to_string(),
        Some(other) => other.to_string(),
    };
    let mut rows = vec![[
        "LOGGER".to_string(),
        "LEVEL".to_string(),
        "EFFECTIVE".to_string(),
        "OVERRIDE".to_string(),
        "HANDLERS".to_string(),
    ]];
    let loggers = body.get("loggers").and_then(Value::as_object);
    for (name, entry) in loggers.into_iter().flat_map(|m| m.iter()) {
        let handlers = match entry.get("handlers").and_then(Value::as_array) {
            Some(list) if !list.is_empty() => {
                let names: Vec<String> = list.iter().map(|h| text(Some(h))).collect();
                names.join(",")
            }
            _ => "-".to_string(),
        };
        rows.push([
            name.to_string(),
            text(entry.get("level")),
            text(entry.get("effective_level")),
            override_text(entry.get("override")),
            handlers,
        ]);
    }
    let generation = text(body.get("generation"));
    writeln!(out, "generation {generation}")?;
    let widths: Vec<usize> = (0..5)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// `DEBUG 9m59s left`, `DEBUG until reset`, or `-`.
fn override_text(o: Option<&Value>) -> String {
    let Some(o @ Value::Object(_)) = o else {
        return "-".to_string();
    };
    let level = o.get("level").and_then(Value::as_str).unwrap_or("?");
    match o.get("remaining_s").and_then(Value::as_f64) {
        None => format!("{level} until reset"),
        Some(secs) => format!("{level} {} left", short_duration(secs)),
    }
}

/// Seconds, rounded up (an override with 0.2 s left is not over), as
/// `1h2m3s`, `9m59s`, `42s`.
pub(crate) fn short_duration(secs: f64) -> String {
    let total = secs.max(0.0).ceil() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_short() {
        assert_eq!(short_duration(0.2), "1s");
        assert_eq!(short_duration(0.0), "0s");
        assert_eq!(short_duration(599.6), "10m0s");
        assert_eq!(short_duration(3725.0), "1h2m5s");
        assert_eq!(short_duration(-1.0), "0s");
    }

    #[test]
    fn the_table_has_one_row_per_logger() {
        let body = loglisten::json::parse(
            r#"{"generation": 4, "config": {}, "loggers": {
                "root": {"level": "WARNING", "effective_level": "WARNING", "handlers": ["console"]},
                "app.db": {"level": "NOTSET", "effective_level": "DEBUG",
                           "override": {"level": "DEBUG", "ttl_s": 600, "remaining_s": 89.2}},
                "app.web": {"level": "ERROR", "effective_level": "INFO", "handlers": ["a", "b"],
                           "override": {"level": "INFO", "ttl_s": null, "remaining_s": null}}}}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        table(&body, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "generation 4\n\
             LOGGER   LEVEL    EFFECTIVE  OVERRIDE          HANDLERS\n\
             root     WARNING  WARNING    -                 console\n\
             app.db   NOTSET   DEBUG      DEBUG 1m30s left  -\n\
             app.web  ERROR    INFO       INFO until reset  a,b\n"
        );
    }
}
