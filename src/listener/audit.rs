//! The audit: one record on the `loglisten` logger for every message the
//! listener handles and every override change, its facts as extra fields.

use super::outcome::Outcome;
use crate::command::Command;
use crate::fields::{Field, FieldValue};
use crate::level::Level;
use crate::record::Record;
use crate::registry::overrides::{Change, Reason};
use crate::registry::{Core, Registry};
use crate::sync::lock;
use std::cell::Cell;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

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
            fields.push(Field::new("level", level.name().into_owned()));
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

/// `ttl_s`: seconds, 0 for until reset.
fn ttl_field(ttl: Option<Duration>) -> Field<'static> {
    match ttl {
        Some(d) if d.subsec_nanos() == 0 => Field::new("ttl_s", d.as_secs()),
        Some(d) => Field::new("ttl_s", FieldValue::Float(d.as_secs_f64())),
        None => Field::new("ttl_s", 0u64),
    }
}

/// Logs `line` at `level` on `registry`'s `loglisten` logger with
/// `fields`.
pub(crate) fn log(registry: &Registry, level: Level, line: &str, fields: &[Field<'_>]) {
    let log = registry.get_logger("loglisten");
    if log.is_enabled_for(level) {
        log.log_record(&Record::new(log.name(), level, line).with_fields(fields));
    }
}

thread_local! {
    /// Set while the listener carries out a command: its own record
    /// covers the override changes it makes.
    static IN_COMMAND: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` as a command's step: override changes it makes are not
/// audited a second time.
pub(crate) fn in_command<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            IN_COMMAND.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(IN_COMMAND.with(|c| c.replace(true)));
    f()
}

/// The registries whose override changes are audited (each once, however
/// many listeners it has).
static AUDITED: Mutex<Vec<Weak<Core>>> = Mutex::new(Vec::new());

/// Audits `registry`'s override changes from now on: expiries, and sets
/// and resets made through the API (a command's are in its own record).
pub(crate) fn audit_overrides(registry: &Registry) {
    let mut audited = lock(&AUDITED);
    audited.retain(|w| w.strong_count() > 0);
    let core = Arc::downgrade(&registry.core);
    if audited.iter().any(|w| w.ptr_eq(&core)) {
        return;
    }
    audited.push(core.clone());
    drop(audited);
    // A weak handle: the hook lives in the registry it logs to.
    registry.add_override_hook(Arc::new(move |change: &Change| {
        if IN_COMMAND.with(Cell::get) {
            return;
        }
        if let Some(core) = core.upgrade() {
            log_change(&Registry { core }, change);
        }
    }));
}

fn log_change(registry: &Registry, change: &Change) {
    let (op, line) = match change.reason {
        Reason::Set => ("set", "set by the program"),
        Reason::Reset => ("reset", "reset by the program"),
        Reason::Expired => ("expire", "expired"),
    };
    let level = change.level.name();
    let fields = [
        Field::new("op", op),
        Field::new("logger", change.logger.as_str()),
        Field::new("level", level.as_ref()),
        ttl_field(change.ttl),
        Field::new("generation_before", change.generation.saturating_sub(1)),
        Field::new("generation_after", change.generation),
        Field::new("outcome", line),
    ];
    let message = format!(
        "level override {level} on {} {line}; generation {}",
        change.logger, change.generation
    );
    log(registry, Level::INFO, &message, &fields);
}
