//! The network handlers' keyword arguments (`SocketHandler`,
//! `DatagramHandler`, `HTTPHandler`, `SMTPHandler`), with CPython's names.
//! `secure` is refused here, before anything is opened: no TLS in a
//! std-only crate.

use super::opener::{Kwargs, Opener};
use super::ConfigError;
use crate::handler::{HttpSettings, SmtpSettings, SocketSettings};
use crate::json::Value;
use std::time::Duration;

pub(crate) fn prepare(class: &str, args: &Kwargs<'_>) -> Result<Opener, ConfigError> {
    Ok(match class {
        "logging.handlers.SocketHandler" => Opener::Socket(socket(args)?),
        "logging.handlers.DatagramHandler" => Opener::Datagram(socket(args)?),
        "logging.handlers.HTTPHandler" => {
            let mut settings = HttpSettings::new(
                &args.required_string("host")?,
                &args.required_string("url")?,
            );
            if let Some(method) = args.string("method")? {
                settings.method = method.to_ascii_uppercase();
            }
            settings
                .check()
                .map_err(|e| args.error("method", e.to_string()))?;
            if args.bool("secure", false)? {
                return Err(no_tls(args));
            }
            if args.get("context").is_some() {
                return Err(args.error(
                    "context",
                    "an SSL context needs TLS, which loglisten (std only) does not have",
                ));
            }
            settings.credentials = credentials(args)?;
            Opener::Http(settings)
        }
        "logging.handlers.SMTPHandler" => {
            let (host, port) = match args.get("mailhost") {
                Some(Value::String(host)) => (host.clone(), 25),
                Some(Value::Array(pair)) if pair.len() == 2 => {
                    let host = pair[0].as_str().map(str::to_string);
                    let port = pair[1].as_u64().and_then(|p| u16::try_from(p).ok());
                    host.zip(port).ok_or_else(|| {
                        args.error("mailhost", "must be a host or [host, port 0..65535]")
                    })?
                }
                Some(_) => return Err(args.error("mailhost", "must be a host or [host, port]")),
                None => return Err(missing(args, "mailhost")),
            };
            let to = match args.get("toaddrs") {
                Some(Value::String(to)) => vec![to.clone()],
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<String>>>()
                    .ok_or_else(|| args.error("toaddrs", "must be an address or a list of them"))?,
                Some(_) => {
                    return Err(args.error("toaddrs", "must be an address or a list of them"))
                }
                None => return Err(missing(args, "toaddrs")),
            };
            let from = args.required_string("fromaddr")?;
            let subject = args.required_string("subject")?;
            if args.get("secure").is_some() {
                return Err(no_tls(args));
            }
            let mut settings = SmtpSettings::new(&host, &from, &[], &subject);
            settings.port = port;
            settings.to = to;
            settings.credentials = credentials(args)?;
            if let Some(timeout) = args.get("timeout") {
                let secs = timeout.as_f64().filter(|s| *s > 0.0 && s.is_finite());
                let secs = secs
                    .ok_or_else(|| args.error("timeout", "must be a positive number of seconds"))?;
                settings.timeout = Duration::from_secs_f64(secs.min(3600.0));
            }
            Opener::Smtp(settings)
        }
        other => return Err(args.error("class", format!("{other} has no constructor"))),
    })
}

fn missing(args: &Kwargs<'_>, key: &str) -> ConfigError {
    let message = format!("__init__() missing 1 required positional argument: '{key}'");
    args.error(key, message)
}

fn no_tls(args: &Kwargs<'_>) -> ConfigError {
    args.error(
        "secure",
        "TLS is not available: loglisten is std only; send to a plain receiver or a local TLS proxy",
    )
}

/// `(host, port)`; a port of None (a Unix socket in CPython) is refused.
fn socket(args: &Kwargs<'_>) -> Result<SocketSettings, ConfigError> {
    let host = args.required_string("host")?;
    let port = match args.map.get("port") {
        None => return Err(missing(args, "port")),
        Some(Value::Null) => {
            return Err(args.error(
                "port",
                "None (a Unix socket) is not supported: give a TCP/UDP port",
            ))
        }
        Some(v) => v.as_u64().and_then(|p| u16::try_from(p).ok()),
    };
    let port = port.ok_or_else(|| args.error("port", "must be 0..65535"))?;
    Ok(SocketSettings::new(&host, port))
}

/// `credentials`: `[user, password]` or absent.
fn credentials(args: &Kwargs<'_>) -> Result<Option<(String, String)>, ConfigError> {
    match args.get("credentials") {
        None => Ok(None),
        Some(Value::Array(pair)) if pair.len() == 2 => match (pair[0].as_str(), pair[1].as_str()) {
            (Some(user), Some(password)) => Ok(Some((user.to_string(), password.to_string()))),
            _ => Err(args.error("credentials", "must be [user, password] strings")),
        },
        Some(_) => Err(args.error("credentials", "must be [user, password]")),
    }
}
