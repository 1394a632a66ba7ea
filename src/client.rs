//! Sending a configuration to a listener: ours (which replies) or
//! CPython's `logging.config.listen()` (which does not).

use crate::command::{Command, Op};
use crate::config::ConfigKind;
use crate::json::Value;
use crate::wire::{self, Conn, FrameError, Status};
use std::fmt;
use std::io;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// The longest reply read: a status line, and for `get` the live view.
const MAX_REPLY: usize = 16 << 20;

/// What the listener answered (see the [listener docs](crate::listener)
/// for the status lines).
///
/// ```
/// use loglisten::{ConfigKind, Reply};
/// let reply = Reply::Ok { kind: ConfigKind::File, generation: 4 };
/// assert_eq!(reply.to_string(), "ok file 4");
/// assert_eq!(Reply::Error("bad".into()).to_string(), "error: bad");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Applied; `generation` is the configuration generation now live.
    Ok {
        /// Dict or file config.
        kind: ConfigKind,
        /// The generation now live at the listener.
        generation: u64,
    },
    /// A command was done (`ok get 3`): the generation read or made live.
    Done {
        /// The command's op (get, set or reset).
        op: Op,
        /// The generation the listener read (`get`) or made live.
        generation: u64,
    },
    /// A dry run passed (`ok check`): a push would be applied.
    Checked,
    /// The listener's verifier discarded the message.
    Rejected,
    /// Not applied, and why.
    Error(String),
    /// The peer closed without replying: a CPython listener (which answers
    /// nothing whether it applied the configuration or not), or one that
    /// crashed. The outcome is unknown.
    NoAck,
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status =
            match self {
                Reply::Ok { kind, generation } => Status::Ok {
                    kind: *kind,
                    generation: *generation,
                },
                Reply::Done { op, generation } => Status::Done {
                    op: *op,
                    generation: *generation,
                },
                Reply::Checked => Status::Checked,
                Reply::Rejected => Status::Rejected,
                Reply::Error(msg) => return write!(f, "error: {msg}"),
                Reply::NoAck => return f.write_str(
                    "sent; no reply: the outcome is unknown (CPython's listener answers nothing)",
                ),
            };
        status.fmt(f)
    }
}

/// Options for [`send_config_with`] and [`send_config_unix_with`].
///
/// ```
/// use std::time::Duration;
/// let options = loglisten::SendOptions {
///     key: Some(b"shared secret".to_vec()),
///     timeout: Duration::from_secs(2),
/// };
/// assert_eq!(loglisten::SendOptions::default().timeout, Duration::from_secs(10));
/// # drop(options);
/// ```
#[derive(Clone, Debug)]
pub struct SendOptions {
    /// Sign the configuration with HMAC-SHA256 under this key
    /// ([`verify::sign`](crate::verify::sign)), for a listener verifying
    /// with [`verify::hmac_sha256`](crate::verify::hmac_sha256). Each send
    /// is stamped with the current time and a fresh nonce: the listener
    /// accepts it once, within its window (60 s by default).
    pub key: Option<Vec<u8>>,
    /// The longest the whole exchange may take: connecting, sending and
    /// waiting for the reply (default 10 s).
    pub timeout: Duration,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            key: None,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Sends `config` (dictConfig JSON or fileConfig INI) to the listener at
/// `addr` and returns its reply, with default [`SendOptions`].
///
/// ```
/// let listener = loglisten::listen(0, None).unwrap();
/// let reply = loglisten::send_config(("127.0.0.1", listener.port()), b"not a config").unwrap();
/// let expected = "File contains no section headers. file: '<string>', line: 1 'not a config'";
/// assert_eq!(reply, loglisten::Reply::Error(expected.into()));
/// ```
pub fn send_config(addr: impl ToSocketAddrs, config: &[u8]) -> io::Result<Reply> {
    send_config_with(addr, config, &SendOptions::default())
}

/// [`send_config`] with options: a signing key, a timeout.
///
/// ```
/// use loglisten::{verify, Listener, Reply, SendOptions};
/// let listener = Listener::builder().port(0).verify(verify::hmac_sha256(b"k".to_vec())).spawn().unwrap();
/// let config = br#"{"version": 1, "incremental": true}"#;
/// let addr = ("127.0.0.1", listener.port());
/// assert_eq!(loglisten::send_config(addr, config).unwrap(), Reply::Rejected);
/// let signed = SendOptions { key: Some(b"k".to_vec()), ..SendOptions::default() };
/// assert!(matches!(loglisten::send_config_with(addr, config, &signed).unwrap(), Reply::Ok { .. }));
/// ```
pub fn send_config_with(
    addr: impl ToSocketAddrs,
    config: &[u8],
    options: &SendOptions,
) -> io::Result<Reply> {
    let deadline = Instant::now() + options.timeout;
    let mut stream = connect(addr, deadline)?;
    exchange(&mut stream, config, options, deadline)
}

/// Sends `config` to a listener on the Unix domain socket at `path`.
///
/// ```
/// let path = std::env::temp_dir().join(format!("loglisten-send-{}.sock", std::process::id()));
/// let listener = loglisten::Listener::builder().unix_socket(&path).spawn().unwrap();
/// let reply = loglisten::send_config_unix(&path, br#"{"version": 1, "incremental": true}"#).unwrap();
/// assert!(matches!(reply, loglisten::Reply::Ok { .. }));
/// ```
#[cfg(unix)]
pub fn send_config_unix(path: impl AsRef<std::path::Path>, config: &[u8]) -> io::Result<Reply> {
    send_config_unix_with(path, config, &SendOptions::default())
}

/// [`send_config_unix`] with options.
///
/// ```
/// let options = loglisten::SendOptions::default();
/// assert!(loglisten::send_config_unix_with("/nonexistent/x.sock", b"{}", &options).is_err());
/// ```
#[cfg(unix)]
pub fn send_config_unix_with(
    path: impl AsRef<std::path::Path>,
    config: &[u8],
    options: &SendOptions,
) -> io::Result<Reply> {
    let deadline = Instant::now() + options.timeout;
    let mut stream = std::os::unix::net::UnixStream::connect(path)?;
    stream.set_write_timeout(Some(left(deadline)?))?;
    exchange(&mut stream, config, options, deadline)
}

/// A listener's answer to a [`Command`]: the status and, for `get`,
/// `set` and `reset`, the JSON text after the status line, parsed only
/// when asked ([`json`](Self::json)): a `get` of many loggers is read
/// at the cost of its bytes, and a program that only wants the status
/// (or passes the text on) pays no parse.
///
/// ```
/// use loglisten::{CommandReply, Op, Reply};
/// let r = CommandReply {
///     reply: Reply::Done { op: Op::Reset, generation: 2 },
///     body: Some(r#"{"overrides": {}}"#.into()),
/// };
/// assert_eq!(r.reply.to_string(), "ok reset 2");
/// assert_eq!(r.json().unwrap().get("overrides").unwrap().to_string(), "{}");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CommandReply {
    /// The status line.
    pub reply: Reply,
    /// The JSON text after it, if any.
    pub body: Option<String>,
}

impl CommandReply {
    /// The body parsed; an `InvalidData` error when there is none or it
    /// is not JSON.
    ///
    /// ```
    /// use loglisten::{CommandReply, Reply};
    /// let r = CommandReply { reply: Reply::Checked, body: None };
    /// assert_eq!(r.json().unwrap_err().to_string(), "the reply has no body");
    /// let r = CommandReply { reply: Reply::Checked, body: Some("{".into()) };
    /// assert!(r.json().unwrap_err().to_string().starts_with("the reply's body is not JSON: "));
    /// ```
    pub fn json(&self) -> io::Result<Value> {
        let invalid = |what: String| io::Error::new(io::ErrorKind::InvalidData, what);
        let text = self
            .body
            .as_deref()
            .ok_or_else(|| invalid("the reply has no body".into()))?;
        crate::json::parse(text).map_err(|e| invalid(format!("the reply's body is not JSON: {e}")))
    }
}

/// Sends `command` to the listener at `addr` and returns its answer
/// (signed when `options` has a key).
///
/// ```
/// use loglisten::{send_command, Command, Level, Listener, Op, Registry, Reply, SendOptions};
/// let registry = Registry::new();
/// let l = Listener::builder().registry(&registry).port(0).spawn().unwrap();
/// let addr = ("127.0.0.1", l.port());
/// let set = Command::Set { logger: "app.db".into(), level: Level::DEBUG.into(), ttl: None };
/// let answer = send_command(addr, &set, &SendOptions::default()).unwrap();
/// assert_eq!(answer.reply, Reply::Done { op: Op::Set, generation: 1 });
/// assert_eq!(answer.json().unwrap().get("effective_level").unwrap().as_str(), Some("DEBUG"));
/// let view = send_command(addr, &Command::Get, &SendOptions::default()).unwrap();
/// let overrides = view.json().unwrap().get("overrides").unwrap().to_string();
/// assert_eq!(overrides, r#"{"app.db": {"level": "DEBUG", "ttl_s": null, "remaining_s": null}}"#);
/// ```
pub fn send_command(
    addr: impl ToSocketAddrs,
    command: &Command,
    options: &SendOptions,
) -> io::Result<CommandReply> {
    let deadline = Instant::now() + options.timeout;
    let payload = command.to_json();
    let mut stream = connect(addr, deadline)?;
    exchange_with_body(&mut stream, payload.as_bytes(), options, deadline)
}

/// [`send_command`] to a listener on the Unix domain socket at `path`.
///
/// ```
/// let path = std::env::temp_dir().join(format!("loglisten-cmd-{}.sock", std::process::id()));
/// let registry = loglisten::Registry::new();
/// let l = loglisten::Listener::builder().registry(&registry).unix_socket(&path).spawn().unwrap();
/// let options = loglisten::SendOptions::default();
/// let answer = loglisten::send_command_unix(&path, &loglisten::Command::Get, &options).unwrap();
/// assert_eq!(answer.reply.to_string(), "ok get 0");
/// ```
#[cfg(unix)]
pub fn send_command_unix(
    path: impl AsRef<std::path::Path>,
    command: &Command,
    options: &SendOptions,
) -> io::Result<CommandReply> {
    let deadline = Instant::now() + options.timeout;
    let mut stream = std::os::unix::net::UnixStream::connect(path)?;
    stream.set_write_timeout(Some(left(deadline)?))?;
    exchange_with_body(&mut stream, command.to_json().as_bytes(), options, deadline)
}

/// The time left before `deadline`, or a timeout error.
/// The first of `addr`'s addresses that accepts before `deadline`, ready
/// to write to (the last error when none does).
fn connect(addr: impl ToSocketAddrs, deadline: Instant) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::InvalidInput, "no address to connect to");
    for addr in addr.to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, left(deadline)?) {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                stream.set_write_timeout(Some(left(deadline)?))?;
                return Ok(stream);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn left(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::Error::new(io::ErrorKind::TimedOut, "timed out"));
    }
    Ok(left)
}

fn exchange<C: Conn>(
    conn: &mut C,
    config: &[u8],
    options: &SendOptions,
    deadline: Instant,
) -> io::Result<Reply> {
    exchange_with_body(conn, config, options, deadline).map(|r| r.reply)
}

fn exchange_with_body<C: Conn>(
    conn: &mut C,
    config: &[u8],
    options: &SendOptions,
    deadline: Instant,
) -> io::Result<CommandReply> {
    let payload;
    let message = match &options.key {
        Some(key) => {
            payload = crate::verify::sign(key, config);
            &payload[..]
        }
        None => config,
    };
    let sent = wire::write_frame(conn, message);
    // A listener that refuses a message (too large) replies and closes
    // without reading the rest: the write fails, but the reply may be there.
    match (read_reply(conn, deadline), sent) {
        (Ok(reply), _) => Ok(reply),
        (Err(e), Ok(())) => Err(e),
        (Err(_), Err(e)) => Err(e),
    }
}

fn read_reply<C: Conn>(conn: &mut C, deadline: Instant) -> io::Result<CommandReply> {
    match wire::read_frame(conn, MAX_REPLY, deadline) {
        Ok(bytes) => parse_command_reply(bytes),
        Err(FrameError::Truncated {
            in_length: true,
            got: 0,
            ..
        }) => Ok(CommandReply {
            reply: Reply::NoAck,
            body: None,
        }),
        Err(FrameError::TimedOut) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "timed out waiting for the listener's reply",
        )),
        Err(FrameError::Io(e)) => Err(e),
        Err(e) => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("bad reply: {e}"),
        )),
    }
}

/// A reply frame to a [`Reply`] (the body after the status line, which
/// commands carry, is dropped); anything else is `InvalidData`.
#[cfg(test)]
pub(crate) fn parse_reply(bytes: &[u8]) -> io::Result<Reply> {
    parse_command_reply(bytes.to_vec()).map(|r| r.reply)
}

/// A reply frame to its status and body (its text, parsed by
/// [`CommandReply::json`] when asked); anything else is `InvalidData`.
/// The body stays in the frame's buffer (a `get` of many loggers is
/// large): the status line is cut off its front.
fn parse_command_reply(bytes: Vec<u8>) -> io::Result<CommandReply> {
    let unexpected = |bytes: &[u8]| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "unexpected reply from the listener: {:?}",
                String::from_utf8_lossy(bytes)
            ),
        )
    };
    let line_end = bytes.iter().position(|b| *b == b'\n');
    let line = &bytes[..line_end.unwrap_or(bytes.len())];
    let Some((status, _)) = Status::parse(line) else {
        return Err(unexpected(&bytes));
    };
    let body = match line_end {
        None => None,
        Some(end) => match String::from_utf8(bytes) {
            Ok(mut text) => {
                text.drain(..=end);
                Some(text)
            }
            Err(e) => return Err(unexpected(e.as_bytes())),
        },
    };
    let reply = match status {
        Status::Ok { kind, generation } => Reply::Ok { kind, generation },
        Status::Done { op, generation } => Reply::Done { op, generation },
        Status::Checked => Reply::Checked,
        Status::Rejected => Reply::Rejected,
        Status::Error(msg) => Reply::Error(msg),
    };
    Ok(CommandReply { reply, body })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_status_lines() {
        let ok = |kind, generation| Ok(Reply::Ok { kind, generation });
        let cases: Vec<(&[u8], Result<Reply, &str>)> = vec![
            (b"ok dict 1", ok(ConfigKind::Dict, 1)),
            (
                b"ok file 18446744073709551615",
                ok(ConfigKind::File, u64::MAX),
            ),
            (b"rejected", Ok(Reply::Rejected)),
            (b"error: x: y", Ok(Reply::Error("x: y".into()))),
            (b"error: ", Ok(Reply::Error(String::new()))),
            (
                b"ok dict",
                Err("unexpected reply from the listener: \"ok dict\""),
            ),
            (
                b"ok dict +1",
                Err("unexpected reply from the listener: \"ok dict +1\""),
            ),
            (b"ok dict 0", ok(ConfigKind::Dict, 0)),
            (
                b"ok dict 01",
                Err("unexpected reply from the listener: \"ok dict 01\""),
            ),
            (
                b"ok ini 1",
                Err("unexpected reply from the listener: \"ok ini 1\""),
            ),
            (
                b"ok file 18446744073709551616",
                Err("unexpected reply from the listener: \"ok file 18446744073709551616\""),
            ),
            (
                b"Rejected",
                Err("unexpected reply from the listener: \"Rejected\""),
            ),
            (b"", Err("unexpected reply from the listener: \"\"")),
            (
                b"\xff",
                Err("unexpected reply from the listener: \"\u{fffd}\""),
            ),
        ];
        for (input, want) in cases {
            let got = parse_reply(input).map_err(|e| e.to_string());
            assert_eq!(got, want.map_err(str::to_string), "input {input:?}");
        }
    }

    #[test]
    fn a_reply_frame_of_any_size_is_the_status_then_the_body() {
        let status = Status::Done {
            op: Op::Get,
            generation: 7,
        };
        for len in [0, 10, 16 * 1024, 16 * 1024 + 1, 300_000] {
            let body: String = "{\"x\": \u{e9}}".chars().cycle().take(len).collect();
            let mut written = Vec::new();
            wire::write_reply(&mut written, &status, Some(&body)).unwrap();
            let expected = wire::encode_frame(&status.encode(Some(&body))).unwrap();
            assert_eq!(written, expected, "{len}");
            let reply = parse_command_reply(written[4..].to_vec()).unwrap();
            assert_eq!(
                reply.reply,
                Reply::Done {
                    op: Op::Get,
                    generation: 7
                }
            );
            assert_eq!(reply.body.as_deref(), Some(&*body));
        }
        let mut written = Vec::new();
        wire::write_reply(&mut written, &Status::Checked, None).unwrap();
        assert_eq!(written, b"\x00\x00\x00\x08ok check");
        let reply = parse_command_reply(written[4..].to_vec()).unwrap();
        assert_eq!((reply.reply, reply.body), (Reply::Checked, None));
        // A body that is not UTF-8 is refused, as a bad status line is.
        assert!(parse_command_reply(b"ok get 1\n\xff".to_vec()).is_err());
        assert!(parse_command_reply(b"ok nothing\n{}".to_vec()).is_err());
    }

    #[test]
    fn displays_as_status_lines() {
        for line in ["ok dict 3", "ok file 9", "rejected", "error: nope"] {
            assert_eq!(parse_reply(line.as_bytes()).unwrap().to_string(), line);
        }
        assert_eq!(
            Reply::NoAck.to_string(),
            "sent; no reply: the outcome is unknown (CPython's listener answers nothing)"
        );
    }

    proptest! {
        #[test]
        fn any_reply_bytes_parse_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Ok(reply) = parse_reply(&bytes) {
                let line = reply.to_string();
                let status_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
                prop_assert_eq!(line.as_bytes(), status_line);
            }
        }

        #[test]
        fn ok_lines_round_trip(generation in any::<u64>(), dict in any::<bool>()) {
            let kind = if dict { ConfigKind::Dict } else { ConfigKind::File };
            let reply = Reply::Ok { kind, generation };
            prop_assert_eq!(parse_reply(reply.to_string().as_bytes()).unwrap(), reply);
        }
    }
}
