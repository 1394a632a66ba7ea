//! The standard handlers built from keyword arguments with CPython's names
//! and defaults. Everything is checked here, before anything is opened.

use super::error::ConfigError;
use super::opener::{Kwargs, Opener};
use crate::handler::{
    facility_by_name, AtTime, FileSettings, MemorySettings, Mode, RotatingSettings, SockType,
    StreamHandler, SysLogSettings, SyslogAddress, TimedSettings,
};
use crate::json::Value;
use crate::registry::factories::Factories;

/// dictConfig's `.` attributes that change a standard handler's output.
struct Props {
    terminator: Option<String>,
    ident: Option<String>,
    append_nul: Option<bool>,
}

/// Other attributes are accepted and ignored: on CPython's standard
/// handlers they change no output either.
fn props(props: &Kwargs<'_>) -> Result<Props, ConfigError> {
    Ok(Props {
        terminator: props.string("terminator")?,
        ident: props.string("ident")?,
        append_nul: props
            .get("append_nul")
            .map(|_| props.bool("append_nul", true))
            .transpose()?,
    })
}

/// `factories` are the registry's: a queue handler may name a registered
/// queue factory.
pub(crate) fn prepare(
    #[cfg_attr(not(feature = "queue-handler"), allow(unused_variables))] factories: &Factories,
    class: &str,
    args: Kwargs<'_>,
    props_map: Kwargs<'_>,
) -> Result<Opener, ConfigError> {
    let props = props(&props_map)?;
    Ok(match class {
        "logging.NullHandler" => Opener::Null,
        "logging.StreamHandler" => {
            let stream = args.get("stream").or_else(|| args.get("strm"));
            let handler = match stream.map(|v| (v, v.as_str())) {
                None | Some((_, Some("ext://sys.stderr"))) => StreamHandler::stderr(),
                Some((_, Some("ext://sys.stdout"))) => StreamHandler::stdout(),
                Some(_) => {
                    return Err(args.error("stream", "must be ext://sys.stdout or ext://sys.stderr"))
                }
            };
            let handler = match props.terminator {
                Some(terminator) => handler.with_terminator(&terminator),
                None => handler,
            };
            Opener::Stream(handler)
        }
        "logging.FileHandler" => {
            let settings = file_settings(&args, &props)?;
            Opener::File(settings)
        }
        "logging.handlers.WatchedFileHandler" => {
            let settings = file_settings(&args, &props)?;
            Opener::Watched(settings)
        }
        "logging.handlers.RotatingFileHandler" => {
            let settings = RotatingSettings {
                file: file_settings(&args, &props)?,
                max_bytes: args.int("maxBytes", 0)?,
                backup_count: args.int("backupCount", 0)?,
            };
            settings
                .check()
                .map_err(|e| args.error("filename", e.to_string()))?;
            Opener::Rotating(settings)
        }
        "logging.handlers.TimedRotatingFileHandler" => {
            let mut settings = TimedSettings::new(args.required_string("filename")?);
            settings.file.encoding = args.string("encoding")?;
            settings.file.delay = args.bool("delay", false)?;
            settings.file.errors = args.string("errors")?;
            if let Some(terminator) = props.terminator {
                settings.file.terminator = terminator;
            }
            settings.when = args.string("when")?.unwrap_or_else(|| "h".to_string());
            settings.interval = args.int("interval", 1)?;
            settings.backup_count = args.int("backupCount", 0)?;
            settings.utc = args.bool("utc", false)?;
            settings.at_time = at_time(&args)?;
            settings
                .check()
                .map_err(|e| args.error("when", e.to_string()))?;
            Opener::Timed(settings)
        }
        "logging.handlers.MemoryHandler" => {
            let capacity = args.int("capacity", -1)?;
            let capacity = usize::try_from(capacity).map_err(|_| {
                args.error(
                    "capacity",
                    "__init__() missing 1 required positional argument: 'capacity'",
                )
            })?;
            let mut settings = MemorySettings::new(capacity);
            if let Some(level) = args.get("flushLevel") {
                settings.flush_level =
                    super::dict::level_value(level).map_err(|m| args.error("flushLevel", m))?;
            }
            settings.flush_on_close = args.bool("flushOnClose", true)?;
            let target = args.string("target")?;
            Opener::Memory(settings, target)
        }
        "logging.handlers.SysLogHandler" => {
            let mut settings = SysLogSettings {
                address: syslog_address(&args)?,
                ..SysLogSettings::default()
            };
            match args.get("facility") {
                None => {}
                Some(Value::String(name)) => {
                    settings.facility = facility_by_name(name).ok_or_else(|| {
                        args.error("facility", format!("unknown facility '{name}'"))
                    })?;
                }
                Some(v) => {
                    let n = v.as_i64().and_then(|n| i32::try_from(n).ok());
                    settings.facility = n.ok_or_else(|| {
                        args.error("facility", "must be a facility name or number")
                    })?;
                }
            }
            if let Some(ident) = props.ident {
                settings.ident = ident;
            }
            if let Some(append_nul) = props.append_nul {
                settings.append_nul = append_nul;
            }
            settings.socktype = match args.get("socktype") {
                None => None,
                // Python's socket.SOCK_STREAM and socket.SOCK_DGRAM.
                Some(v) if v.as_i64() == Some(1) => Some(SockType::Stream),
                Some(v) if v.as_i64() == Some(2) => Some(SockType::Datagram),
                Some(_) => {
                    return Err(args.error("socktype", "must be 1 (SOCK_STREAM) or 2 (SOCK_DGRAM)"))
                }
            };
            Opener::SysLog(settings)
        }
        #[cfg(feature = "queue-handler")]
        "logging.handlers.QueueHandler" => super::queue::prepare(&args, factories)?,
        #[cfg(not(feature = "queue-handler"))]
        "logging.handlers.QueueHandler" => {
            let message = format!(
                "{class} is left out of this build: it needs loglisten's \"queue-handler\" feature"
            );
            return Err(args.error("class", message));
        }
        #[cfg(feature = "net-handlers")]
        "logging.handlers.SocketHandler"
        | "logging.handlers.DatagramHandler"
        | "logging.handlers.HTTPHandler"
        | "logging.handlers.SMTPHandler" => super::net::prepare(class, &args)?,
        #[cfg(not(feature = "net-handlers"))]
        "logging.handlers.SocketHandler"
        | "logging.handlers.DatagramHandler"
        | "logging.handlers.HTTPHandler"
        | "logging.handlers.SMTPHandler" => {
            let message = format!(
                "{class} is left out of this build: it needs loglisten's \"net-handlers\" feature"
            );
            return Err(args.error("class", message));
        }
        other => return Err(args.error("class", format!("{other} has no constructor"))),
    })
}

fn file_settings(args: &Kwargs<'_>, props: &Props) -> Result<FileSettings, ConfigError> {
    let mut settings = FileSettings::new(args.required_string("filename")?);
    if let Some(mode) = args.string("mode")? {
        settings.mode = Mode::parse(&mode).map_err(|e| args.error("mode", e.to_string()))?;
    }
    settings.encoding = args.string("encoding")?;
    settings.delay = args.bool("delay", false)?;
    settings.errors = args.string("errors")?;
    if let Some(terminator) = &props.terminator {
        settings.terminator = terminator.clone();
    }
    settings
        .check()
        .map_err(|e| args.error("encoding", e.to_string()))?;
    Ok(settings)
}

/// `atTime` as `"HH:MM[:SS]"` (CPython takes a `datetime.time`, which
/// JSON and literals cannot express).
fn at_time(args: &Kwargs<'_>) -> Result<Option<AtTime>, ConfigError> {
    let Some(text) = args.string("atTime")? else {
        return Ok(None);
    };
    let bad = || {
        args.error(
            "atTime",
            format!("must be \"HH:MM\" or \"HH:MM:SS\", not '{text}'"),
        )
    };
    let parts: Vec<u32> = text
        .split(':')
        .map(|p| p.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let (hour, minute, second) = match parts[..] {
        [h, m] => (h, m, 0),
        [h, m, s] => (h, m, s),
        _ => return Err(bad()),
    };
    if hour > 23 || minute > 59 || second > 59 {
        return Err(bad());
    }
    Ok(Some(AtTime {
        hour,
        minute,
        second,
    }))
}

/// `address`: `[host, port]` or a Unix socket path.
fn syslog_address(args: &Kwargs<'_>) -> Result<SyslogAddress, ConfigError> {
    match args.get("address") {
        None => Ok(SyslogAddress::default()),
        Some(Value::String(path)) => Ok(SyslogAddress::Unix(path.into())),
        Some(Value::Array(pair)) if pair.len() == 2 => {
            let host = pair[0]
                .as_str()
                .ok_or_else(|| args.error("address", "host must be a string"))?;
            let port = pair[1].as_u64().and_then(|p| u16::try_from(p).ok());
            let port = port.ok_or_else(|| args.error("address", "port must be 0..65535"))?;
            Ok(SyslogAddress::Inet {
                host: host.to_string(),
                port,
            })
        }
        Some(_) => Err(args.error("address", "must be [host, port] or a socket path")),
    }
}
