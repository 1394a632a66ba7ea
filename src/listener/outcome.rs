//! What became of one connection: the outcome, its log line and its reply.

use crate::command::Op;
use crate::config::{ConfigError, ConfigKind, NotApplied};
use crate::level::Level;
use crate::wire::{kind_word, FrameError, Status};
use std::fmt;

/// What the listener did with one connection, passed to
/// [`Builder::on_message`](super::Builder::on_message) and logged to the
/// `loglisten` logger.
///
/// ```
/// use loglisten::listener::Outcome;
/// let outcome = Outcome::TooLarge { claimed: 5_000_000, max: 1_048_576 };
/// assert_eq!(outcome.to_string(), "message of 5000000 bytes exceeds the limit of 1048576");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The configuration went live.
    Applied {
        /// Dict or file config.
        kind: ConfigKind,
        /// The generation now live.
        generation: u64,
    },
    /// A command ([`Command`](crate::Command)) other than `apply` was
    /// carried out: `get` read the view at `generation`, `set` and `reset`
    /// made `generation` live.
    Done {
        /// The command's op.
        op: Op,
        /// The generation read or made live.
        generation: u64,
    },
    /// A dry run (`apply` with `dry_run`) built the configuration and
    /// discarded it: a push would be applied.
    Checked,
    /// A command was refused (a field missing or wrong, an unknown logger
    /// or level); nothing changed.
    CommandError(String),
    /// The verifier returned `None`: the message was discarded.
    Rejected,
    /// The message was not a whole frame: the peer closed early or the
    /// connection failed.
    BadFrame(String),
    /// The length prefix claimed more than the limit; no payload was read.
    TooLarge {
        /// The length the peer claimed.
        claimed: usize,
        /// The listener's limit.
        max: usize,
    },
    /// The whole message did not arrive before the receive deadline.
    TimedOut,
    /// The apply step refused the configuration; nothing changed.
    ConfigError(ConfigError),
    /// The verifier or the apply step panicked; what it said is kept here
    /// for the local log, the peer is told only that it failed.
    Panicked(String),
    /// The peer is not this process's user (or could not be identified,
    /// and there is no verify to vouch for it): it was told `rejected`.
    PeerRefused {
        /// The uid owning the peer's socket, when known.
        uid: Option<u32>,
    },
    /// Every slot was taken and a newer connection needed one: this one,
    /// having got least far, was told `error: evicted` and closed.
    Evicted {
        /// Bytes it had sent by then.
        received: usize,
    },
    /// The push waited for earlier applies to finish past its apply
    /// deadline and was answered with an error; nothing of it was applied.
    Overdue,
    /// The push waited behind earlier applies, and when its turn came its
    /// client had closed the connection: it was dropped unapplied (and no
    /// reply sent). Its audit's outcome is `abandoned`.
    Abandoned,
    /// The connection was answered `error: busy` and closed unread:
    /// `max_connections` were in flight and none could be evicted (all
    /// being applied, or just accepted).
    Refused {
        /// Connections in flight at the time.
        in_flight: usize,
    },
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Applied { kind, generation } => {
                write!(
                    f,
                    "applied {} config generation {generation}",
                    kind_word(*kind)
                )
            }
            Outcome::Done { op, generation } => {
                write!(f, "{op} command generation {generation}")
            }
            Outcome::Checked => f.write_str("dry run passed"),
            Outcome::CommandError(msg) => write!(f, "command refused: {msg}"),
            Outcome::Rejected => f.write_str("rejected by verify"),
            Outcome::BadFrame(msg) => f.write_str(msg),
            Outcome::TooLarge { claimed, max } => {
                write!(f, "message of {claimed} bytes exceeds the limit of {max}")
            }
            Outcome::TimedOut => f.write_str("timed out waiting for the message"),
            Outcome::ConfigError(msg) => write!(f, "config not applied: {msg}"),
            Outcome::Panicked(msg) => f.write_str(msg),
            Outcome::Refused { in_flight } => {
                write!(f, "busy: {in_flight} connections already in flight")
            }
            Outcome::PeerRefused { uid: Some(uid) } => {
                write!(f, "peer refused: its socket belongs to uid {uid}")
            }
            Outcome::PeerRefused { uid: None } => {
                f.write_str("peer refused: its user could not be identified")
            }
            Outcome::Overdue => f.write_str("timed out waiting for another apply to finish"),
            Outcome::Abandoned => f.write_str(
                "abandoned: the client had closed its connection when its turn to apply came",
            ),
            Outcome::Evicted { received } => write!(
                f,
                "evicted after {received} bytes: every connection slot was taken \
                 and this connection had got least far"
            ),
        }
    }
}

impl Outcome {
    /// The outcome of a push that was not applied.
    pub(crate) fn not_applied(why: NotApplied) -> Outcome {
        match why {
            NotApplied::Config(error) => Outcome::ConfigError(error),
            NotApplied::Overdue => Outcome::Overdue,
            NotApplied::Abandoned => Outcome::Abandoned,
        }
    }

    pub(crate) fn from_frame_error(e: FrameError) -> Outcome {
        match e {
            FrameError::TooLarge { claimed, max } => Outcome::TooLarge { claimed, max },
            FrameError::TimedOut => Outcome::TimedOut,
            other => Outcome::BadFrame(other.to_string()),
        }
    }

    /// The level it is logged at: DEBUG for a `get` (it changes nothing),
    /// INFO when applied or done, WARNING when refused by verify, by the
    /// connection limit or as a bad command, ERROR otherwise.
    pub(crate) fn level(&self) -> Level {
        match self {
            Outcome::Done { op: Op::Get, .. } => Level::DEBUG,
            Outcome::Applied { .. } | Outcome::Done { .. } | Outcome::Checked => Level::INFO,
            Outcome::CommandError(_)
            | Outcome::Rejected
            | Outcome::Refused { .. }
            | Outcome::Evicted { .. }
            | Outcome::Overdue
            | Outcome::Abandoned
            | Outcome::PeerRefused { .. } => Level::WARNING,
            _ => Level::ERROR,
        }
    }

    /// The status sent back (see the module docs).
    pub(crate) fn reply(&self) -> Status {
        match self {
            Outcome::Applied { kind, generation } => Status::Ok {
                kind: *kind,
                generation: *generation,
            },
            Outcome::Done { op, generation } => Status::Done {
                op: *op,
                generation: *generation,
            },
            Outcome::Checked => Status::Checked,
            Outcome::CommandError(msg) => Status::Error(msg.clone()),
            Outcome::Rejected | Outcome::PeerRefused { .. } => Status::Rejected,
            Outcome::Panicked(_) => {
                Status::Error("internal error while handling the message".into())
            }
            Outcome::ConfigError(error) => Status::Error(error.to_string()),
            other => Status::Error(other.to_string()),
        }
    }

    /// The log line: the outcome and who sent it.
    pub(crate) fn log_line(&self, peer: &str) -> String {
        match self {
            Outcome::Applied { .. } | Outcome::Done { .. } | Outcome::Checked => {
                format!("{self} from {peer}")
            }
            Outcome::CommandError(msg) => format!("command from {peer} refused: {msg}"),
            Outcome::Rejected => format!("rejected a config from {peer}: verify refused it"),
            Outcome::Refused { in_flight } => format!(
                "refused a connection from {peer}: {in_flight} connections already in flight"
            ),
            Outcome::ConfigError(msg) => format!("config from {peer} not applied: {msg}"),
            Outcome::PeerRefused { .. } => format!("refused a config from {peer}: {self}"),
            Outcome::Evicted { received } => format!(
                "evicted a connection from {peer} after {received} bytes: every slot was taken"
            ),
            Outcome::Overdue => format!(
                "config from {peer} not applied: timed out waiting for another apply to finish"
            ),
            Outcome::Abandoned => format!(
                "dropped a config from {peer}: the client had closed its connection when \
                 its turn to apply came"
            ),
            other => format!("bad message from {peer}: {other}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_and_log_lines() {
        let peer = "127.0.0.1:5000";
        let cases: Vec<(Outcome, &str, &str, Level)> = vec![
            (
                Outcome::Applied {
                    kind: ConfigKind::Dict,
                    generation: 7,
                },
                "ok dict 7",
                "applied dict config generation 7 from 127.0.0.1:5000",
                Level::INFO,
            ),
            (
                Outcome::Applied {
                    kind: ConfigKind::File,
                    generation: 8,
                },
                "ok file 8",
                "applied file config generation 8 from 127.0.0.1:5000",
                Level::INFO,
            ),
            (
                Outcome::Rejected,
                "rejected",
                "rejected a config from 127.0.0.1:5000: verify refused it",
                Level::WARNING,
            ),
            (
                Outcome::BadFrame("connection closed after 2 of 4 length bytes".into()),
                "error: connection closed after 2 of 4 length bytes",
                "bad message from 127.0.0.1:5000: connection closed after 2 of 4 length bytes",
                Level::ERROR,
            ),
            (
                Outcome::TooLarge {
                    claimed: 10,
                    max: 5,
                },
                "error: message of 10 bytes exceeds the limit of 5",
                "bad message from 127.0.0.1:5000: message of 10 bytes exceeds the limit of 5",
                Level::ERROR,
            ),
            (
                Outcome::TimedOut,
                "error: timed out waiting for the message",
                "bad message from 127.0.0.1:5000: timed out waiting for the message",
                Level::ERROR,
            ),
            (
                Outcome::ConfigError(ConfigError::new("", "a\nb\tc")),
                "error: a b c",
                "config from 127.0.0.1:5000 not applied: a\nb\tc",
                Level::ERROR,
            ),
            (
                Outcome::Panicked("verify panicked: boom".into()),
                "error: internal error while handling the message",
                "bad message from 127.0.0.1:5000: verify panicked: boom",
                Level::ERROR,
            ),
            (
                Outcome::PeerRefused { uid: Some(65534) },
                "rejected",
                "refused a config from 127.0.0.1:5000: peer refused: its socket belongs to uid 65534",
                Level::WARNING,
            ),
            (
                Outcome::PeerRefused { uid: None },
                "rejected",
                "refused a config from 127.0.0.1:5000: peer refused: its user could not be identified",
                Level::WARNING,
            ),
            (
                Outcome::Evicted { received: 2 },
                "error: evicted after 2 bytes: every connection slot was taken and this \
                 connection had got least far",
                "evicted a connection from 127.0.0.1:5000 after 2 bytes: every slot was taken",
                Level::WARNING,
            ),
            (
                Outcome::Refused { in_flight: 8 },
                "error: busy: 8 connections already in flight",
                "refused a connection from 127.0.0.1:5000: 8 connections already in flight",
                Level::WARNING,
            ),
            (
                Outcome::Overdue,
                "error: timed out waiting for another apply to finish",
                "config from 127.0.0.1:5000 not applied: timed out waiting for another apply \
                 to finish",
                Level::WARNING,
            ),
            (
                Outcome::Abandoned,
                "error: abandoned: the client had closed its connection when its turn to \
                 apply came",
                "dropped a config from 127.0.0.1:5000: the client had closed its connection \
                 when its turn to apply came",
                Level::WARNING,
            ),
            (
                Outcome::Done {
                    op: Op::Get,
                    generation: 3,
                },
                "ok get 3",
                "get command generation 3 from 127.0.0.1:5000",
                Level::DEBUG,
            ),
            (
                Outcome::Done {
                    op: Op::Set,
                    generation: 4,
                },
                "ok set 4",
                "set command generation 4 from 127.0.0.1:5000",
                Level::INFO,
            ),
            (
                Outcome::Checked,
                "ok check",
                "dry run passed from 127.0.0.1:5000",
                Level::INFO,
            ),
            (
                Outcome::CommandError("ttl_s: must not be negative, not -1".into()),
                "error: ttl_s: must not be negative, not -1",
                "command from 127.0.0.1:5000 refused: ttl_s: must not be negative, not -1",
                Level::WARNING,
            ),
        ];
        for (outcome, reply, log, level) in cases {
            assert_eq!(
                outcome.reply().encode(None),
                reply.as_bytes(),
                "{outcome:?}"
            );
            assert_eq!(outcome.log_line(peer), log, "{outcome:?}");
            assert_eq!(outcome.level(), level, "{outcome:?}");
        }
    }

    #[test]
    fn frame_errors_map_to_outcomes() {
        assert_eq!(
            Outcome::from_frame_error(FrameError::TooLarge { claimed: 9, max: 3 }),
            Outcome::TooLarge { claimed: 9, max: 3 }
        );
        assert_eq!(
            Outcome::from_frame_error(FrameError::TimedOut),
            Outcome::TimedOut
        );
        assert_eq!(
            Outcome::from_frame_error(FrameError::Truncated {
                in_length: false,
                expected: 9,
                got: 2
            }),
            Outcome::BadFrame("connection closed after 2 of 9 payload bytes".into())
        );
    }
}
