//! The reply's status: written by the listener, read by the client.
//!
//! A reply frame's payload is one UTF-8 status line (`ok dict 3`,
//! `rejected`, `error: <message>`; for commands `ok get 3`, `ok set 4`,
//! `ok reset 5`, `ok check`). A command that returns data puts a newline
//! and a JSON body after the line; the status line itself never holds a
//! newline.

use crate::command::Op;
use crate::config::ConfigKind;
use std::fmt;

/// What the listener did with a message, as the peer is told it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Applied; `generation` is now live.
    Ok { kind: ConfigKind, generation: u64 },
    /// A command was done (`ok get 3`, `ok set 4`, `ok reset 5`): the
    /// generation read or made live.
    Done { op: Op, generation: u64 },
    /// A dry run passed: `ok check`.
    Checked,
    /// The peer or the message was refused; no more is said.
    Rejected,
    /// Not applied, and why (one line).
    Error(String),
}

/// The word for a kind of configuration in a status line and in logs.
pub(crate) fn kind_word(kind: ConfigKind) -> &'static str {
    match kind {
        ConfigKind::Dict => "dict",
        ConfigKind::File => "file",
    }
}

impl fmt::Display for Status {
    /// The status line. Control characters in an error message are shown
    /// as spaces, so the line stays one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Ok { kind, generation } => write!(f, "ok {} {generation}", kind_word(*kind)),
            Status::Done { op, generation } => write!(f, "ok {op} {generation}"),
            Status::Checked => f.write_str("ok check"),
            Status::Rejected => f.write_str("rejected"),
            Status::Error(msg) => {
                f.write_str("error: ")?;
                for c in msg.chars() {
                    let c = if c.is_control() { ' ' } else { c };
                    fmt::Write::write_char(f, c)?;
                }
                Ok(())
            }
        }
    }
}

impl Status {
    /// The reply frame's payload: the status line, then, when there is a
    /// body, a newline and the body.
    pub fn encode(&self, body: Option<&str>) -> Vec<u8> {
        let mut out = self.to_string();
        if let Some(body) = body {
            out.push('\n');
            out.push_str(body);
        }
        out.into_bytes()
    }

    /// A reply frame's payload back to its status and body; `None` when the
    /// status line is not one of ours (not UTF-8, unknown word, a
    /// generation that is not a canonical u64).
    pub fn parse(bytes: &[u8]) -> Option<(Status, Option<&str>)> {
        let text = std::str::from_utf8(bytes).ok()?;
        let (line, body) = match text.split_once('\n') {
            Some((line, body)) => (line, Some(body)),
            None => (text, None),
        };
        Some((Status::parse_line(line)?, body))
    }

    fn parse_line(line: &str) -> Option<Status> {
        // Our encoder never writes one: a line holding one is not ours.
        if line.chars().any(char::is_control) {
            return None;
        }
        if line == "rejected" {
            return Some(Status::Rejected);
        }
        if let Some(msg) = line.strip_prefix("error: ") {
            return Some(Status::Error(msg.to_string()));
        }
        if line == "ok check" {
            return Some(Status::Checked);
        }
        let (word, generation) = line.strip_prefix("ok ")?.split_once(' ')?;
        let canonical = generation == "0" || !generation.starts_with('0');
        if !canonical || !generation.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let generation = generation.parse().ok()?;
        let kind = match word {
            "dict" => ConfigKind::Dict,
            "file" => ConfigKind::File,
            _ => {
                let op = Op::from_word(word).filter(|op| *op != Op::Apply)?;
                return Some(Status::Done { op, generation });
            }
        };
        Some(Status::Ok { kind, generation })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Parsed<'a> = Option<(Status, Option<&'a str>)>;

    #[test]
    fn status_lines() {
        let cases: Vec<(&[u8], Parsed)> = vec![
            (
                b"ok dict 1",
                Some((
                    Status::Ok {
                        kind: ConfigKind::Dict,
                        generation: 1,
                    },
                    None,
                )),
            ),
            (
                b"ok file 18446744073709551615",
                Some((
                    Status::Ok {
                        kind: ConfigKind::File,
                        generation: u64::MAX,
                    },
                    None,
                )),
            ),
            (
                b"ok dict 7\n{\"level\": \"INFO\"}",
                Some((
                    Status::Ok {
                        kind: ConfigKind::Dict,
                        generation: 7,
                    },
                    Some("{\"level\": \"INFO\"}"),
                )),
            ),
            (b"rejected", Some((Status::Rejected, None))),
            (b"ok check", Some((Status::Checked, None))),
            (
                b"ok get 3\n{}",
                Some((
                    Status::Done {
                        op: Op::Get,
                        generation: 3,
                    },
                    Some("{}"),
                )),
            ),
            (
                b"ok reset 0",
                Some((
                    Status::Done {
                        op: Op::Reset,
                        generation: 0,
                    },
                    None,
                )),
            ),
            (b"ok apply 1", None),
            (b"ok set 01", None),
            (b"ok check 1", None),
            (b"rejected\n", Some((Status::Rejected, Some("")))),
            (b"error: x: y", Some((Status::Error("x: y".into()), None))),
            (b"error: ", Some((Status::Error(String::new()), None))),
            (b"error: a\tb", None),
            (b"ok dict", None),
            (b"ok dict ", None),
            (b"ok dict +1", None),
            (b"ok dict 01", None),
            (b"ok ini 1", None),
            (b"ok file 18446744073709551616", None),
            (b"Rejected", None),
            (b"", None),
            (b"\xff", None),
        ];
        for (input, want) in cases {
            assert_eq!(Status::parse(input), want, "input {input:?}");
        }
    }

    #[test]
    fn encodes_one_line_then_the_body() {
        let error = Status::Error("a\nb\tc".into());
        assert_eq!(error.encode(None), b"error: a b c");
        let ok = Status::Ok {
            kind: ConfigKind::File,
            generation: 0,
        };
        assert_eq!(ok.encode(Some("{}")), b"ok file 0\n{}");
        assert_eq!(
            Status::parse(&ok.encode(Some("{}"))),
            Some((ok, Some("{}")))
        );
    }

    proptest! {
        #[test]
        fn any_bytes_parse_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Some((status, body)) = Status::parse(&bytes) {
                prop_assert_eq!(status.encode(body), bytes);
            }
        }

        #[test]
        fn every_status_round_trips(
            generation in any::<u64>(),
            which in 0..7u8,
            msg in "[^\\p{Cc}]{0,20}",
            body in proptest::option::of(".{0,20}"),
        ) {
            let status = match which {
                0 => Status::Ok { kind: ConfigKind::Dict, generation },
                1 => Status::Ok { kind: ConfigKind::File, generation },
                2 => Status::Rejected,
                3 => Status::Checked,
                4 => Status::Done { op: Op::Set, generation },
                5 => Status::Done { op: Op::Get, generation },
                _ => Status::Error(msg),
            };
            let bytes = status.encode(body.as_deref());
            prop_assert_eq!(Status::parse(&bytes), Some((status, body.as_deref())));
        }
    }
}
