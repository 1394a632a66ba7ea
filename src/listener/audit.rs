//! The audit: one record on the `loglisten` logger for every message the
//! listener handles, its facts as extra fields. (Override changes made
//! outside a command are audited by the registry itself.)

use super::outcome::Outcome;
use crate::command::Command;
use crate::fields::Field;
use crate::registry::ttl_field;

/// What the listener knew about one connection and what it did: logged
/// on the `loglisten` logger as extra fields, and passed to
/// [`Builder::on_audit`](super::Builder::on_audit).
///
/// | field               | when                                        |
/// |---------------------|---------------------------------------------|
/// | `peer`              | always: `127.0.0.1:50312` or `unix:PATH`     |
/// | `uid`               | the peer's user, where the system tells it   |
/// | `key_id`            | signed (a [`Builder::verify_hmac`](super::Builder::verify_hmac) listener): the first 8 hex digits of SHA-256 of the key |
/// | `op`                | a whole message: `push`, `get`, `set`, `reset`, `apply` |
/// | `logger`, `level`, `ttl_s` | `set` (`ttl_s` 0: until reset); `reset` of one logger |
/// | `if_generation`, `dry_run` | `apply`, when given                  |
/// | `generation_before`, `generation_after` | always                   |
/// | `sha256`            | a whole message: hex SHA-256 of the payload (after verify when verified) |
/// | `refusal`           | why a signed message was refused: `malformed`, `bad signature`, `stale signature`, `future signature`, `replayed signature` |
/// | `outcome`           | always: the status line sent back; `abandoned` when the client had gone before its push's turn (nothing sent) |
///
/// ```
/// use loglisten::listener::{Audit, Outcome};
/// let audit = Audit::new("127.0.0.1:5000", Outcome::Rejected, 3);
/// assert_eq!(audit.generation_before, 3);
/// assert_eq!(audit.fields_text(), "peer=127.0.0.1:5000 generation_before=3 generation_after=3 outcome=rejected");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Audit {
    /// The peer's address (`unix:PATH` for a Unix socket).
    pub peer: String,
    /// The peer's uid, when known.
    pub uid: Option<u32>,
    /// The signing key's id, when the message was signed and verified by
    /// the listener's [`HmacVerifier`](crate::verify::HmacVerifier).
    pub key_id: Option<String>,
    /// Whether a whole message arrived and was a configuration (`push`).
    pub push: bool,
    /// The command, when the message was one.
    pub command: Option<Command>,
    /// The generation live before the message was handled.
    pub generation_before: u64,
    /// The generation live after.
    pub generation_after: u64,
    /// Hex SHA-256 of the payload, when a whole message arrived.
    pub sha256: Option<String>,
    /// Why the signature was refused, when it was.
    pub refusal: Option<&'static str>,
    /// What became of it.
    pub outcome: Outcome,
}

impl Audit {
    /// An audit of `outcome` from `peer`, nothing else known, at
    /// `generation` before and after.
    ///
    /// ```
    /// let a = loglisten::listener::Audit::new("p", loglisten::listener::Outcome::TimedOut, 0);
    /// assert_eq!(a.uid, None);
    /// ```
    pub fn new(peer: &str, outcome: Outcome, generation: u64) -> Audit {
        Audit {
            peer: peer.to_string(),
            uid: None,
            key_id: None,
            push: false,
            command: None,
            generation_before: generation,
            generation_after: generation,
            sha256: None,
            refusal: None,
            outcome,
        }
    }

    /// The extra fields of its record, in the order of the table above.
    pub(crate) fn fields(&self) -> Vec<Field<'static>> {
        let mut fields = vec![Field::new("peer", self.peer.clone())];
        if let Some(uid) = self.uid {
            fields.push(Field::new("uid", uid));
        }
        if let Some(key_id) = &self.key_id {
            fields.push(Field::new("key_id", key_id.clone()));
        }
        if self.push {
            fields.push(Field::new("op", "push"));
        }
        if let Some(command) = &self.command {
            fields.push(Field::new("op", command.op().word()));
            command_fields(command, &mut fields);
        }
        fields.push(Field::new("generation_before", self.generation_before));
        fields.push(Field::new("generation_after", self.generation_after));
        if let Some(sha) = &self.sha256 {
            fields.push(Field::new("sha256", sha.clone()));
        }
        if let Some(refusal) = self.refusal {
            fields.push(Field::new("refusal", refusal));
        }
        let outcome = match self.outcome {
            // No reply was sent: the client had gone.
            Outcome::Abandoned => "abandoned".to_string(),
            _ => self.outcome.reply().to_string(),
        };
        fields.push(Field::new("outcome", outcome));
        fields
    }

    /// The fields as `name=value` pairs, space-separated: for reading in
    /// tests and examples.
    ///
    /// ```
    /// let a = loglisten::listener::Audit::new("p", loglisten::listener::Outcome::TimedOut, 1);
    /// assert!(a.fields_text().starts_with("peer=p generation_before=1"));
    /// ```
    pub fn fields_text(&self) -> String {
        let pairs: Vec<String> = self
            .fields()
            .iter()
            .map(|f| format!("{}={}", f.name(), f.value()))
            .collect();
        pairs.join(" ")
    }
}

fn command_fields(command: &Command, fields: &mut Vec<Field<'static>>) {
    match command {
        Command::Get => {}
        Command::Set { logger, level, ttl } => {
            fields.push(Field::new("logger", logger.clone()));
            fields.push(Field::new("level", level.to_string()));
            fields.push(ttl_field(*ttl));
        }
        Command::Reset { logger } => {
            if let Some(logger) = logger {
                fields.push(Field::new("logger", logger.clone()));
            }
        }
        Command::Apply {
            if_generation,
            dry_run,
            ..
        } => {
            if let Some(g) = if_generation {
                fields.push(Field::new("if_generation", *g));
            }
            if *dry_run {
                fields.push(Field::new("dry_run", true));
            }
        }
    }
}

pub(crate) use crate::registry::{audit_log as log, in_command};
