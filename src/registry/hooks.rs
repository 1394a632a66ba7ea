//! What follows a reconfiguration: the most verbose level any logger
//! handles (the `log` and `tracing` bridges filter on it), hooks run after
//! every reconfiguration that changes a level, and the audit record of
//! every override change.

use super::overrides::{Change, Reason};
use super::{Core, Registry};
use crate::fields::{Field, FieldValue};
use crate::level::Level;
use crate::record::Record;
use crate::sync::lock;
use std::cell::Cell;
use std::sync::atomic::Ordering;
use std::time::Duration;

impl Registry {
    /// The most verbose level any logger of this registry handles now: the
    /// lowest effective level, `disable` and `disabled` included
    /// (`Level(i32::MAX)` when every logger is disabled). A record below it
    /// is dropped by every logger, so a bridge may filter on it before
    /// looking a logger up.
    ///
    /// ```
    /// use loglisten::{Level, Registry};
    /// let registry = Registry::new();
    /// assert_eq!(registry.most_verbose_level(), Level::WARNING);
    /// registry.get_logger("app").set_level(Level::TRACE);
    /// assert_eq!(registry.most_verbose_level(), Level::TRACE);
    /// ```
    pub fn most_verbose_level(&self) -> Level {
        Level(self.core.most_verbose.load(Ordering::Acquire))
    }

    /// Registers `hook`, called after every reconfiguration of this
    /// registry that changes a level any logger handles (a configuration
    /// applied in-process or pushed, full or incremental, `set_level`,
    /// `disable`, …), on the thread that made it, once the new
    /// configuration is live and no lock is held. A hook must be quick and
    /// must not panic.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// static CALLS: AtomicUsize = AtomicUsize::new(0);
    /// fn count() { CALLS.fetch_add(1, Ordering::SeqCst); }
    /// let registry = loglisten::Registry::new();
    /// registry.on_reconfigure(count);
    /// registry.get_logger("app").set_level(loglisten::Level::ERROR);
    /// assert_eq!(CALLS.load(Ordering::SeqCst), 1);
    /// ```
    pub fn on_reconfigure(&self, hook: fn()) {
        lock(&self.core.hooks).push(hook);
    }
}

impl Core {
    /// Stores `lowest`, the lowest threshold after a swap or a new logger;
    /// whether it moved.
    pub(super) fn set_most_verbose(&self, lowest: i32) -> bool {
        self.most_verbose.swap(lowest, Ordering::AcqRel) != lowest
    }

    /// Runs the hooks (called with no lock held: a hook may reconfigure).
    pub(super) fn run_hooks(&self) {
        let hooks = lock(&self.hooks).clone();
        for hook in hooks {
            hook();
        }
    }
}

/// [`Registry::most_verbose_level`] of the process's registry, the one the
/// `log` and `tracing` bridges serve.
///
/// ```
/// use loglisten::{get_logger, most_verbose_level, Level};
/// get_logger("doc.verbose").set_level(Level::TRACE);
/// assert_eq!(most_verbose_level(), Level::TRACE);
/// get_logger("doc.verbose").set_level(Level::NOTSET);
/// ```
pub fn most_verbose_level() -> Level {
    Registry::global().most_verbose_level()
}

/// [`Registry::on_reconfigure`] on the process's registry: the bridges use
/// it to keep `log::max_level()` and tracing's interest cache in step.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// static CALLS: AtomicUsize = AtomicUsize::new(0);
/// fn count() { CALLS.fetch_add(1, Ordering::SeqCst); }
/// loglisten::on_reconfigure(count);
/// loglisten::get_logger("doc.hook").set_level(loglisten::Level::ERROR);
/// assert!(CALLS.load(Ordering::SeqCst) >= 1);
/// ```
pub fn on_reconfigure(hook: fn()) {
    Registry::global().on_reconfigure(hook);
}

thread_local! {
    /// Set while a listener carries out a command: its own record covers
    /// the override changes the command makes.
    static IN_COMMAND: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` as a command's step: the override changes it makes are not
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

/// Logs `line` at `level` on `registry`'s `loglisten` logger with
/// `fields`: the audit's one way of writing a record.
pub(crate) fn audit_log(registry: &Registry, level: Level, line: &str, fields: &[Field<'_>]) {
    let log = registry.get_logger("loglisten");
    if log.is_enabled_for(level) {
        log.log_record(&Record::new(log.name(), level, line).with_fields(fields));
    }
}

/// `ttl_s`: seconds, 0 for until reset.
pub(crate) fn ttl_field(ttl: Option<Duration>) -> Field<'static> {
    match ttl {
        Some(d) if d.subsec_nanos() == 0 => Field::new("ttl_s", d.as_secs()),
        Some(d) => Field::new("ttl_s", FieldValue::Float(d.as_secs_f64())),
        None => Field::new("ttl_s", 0u64),
    }
}

impl Registry {
    /// The audit of override changes made outside a listener's command
    /// (whose record covers its own): one INFO record each on the
    /// `loglisten` logger, whether or not a listener runs.
    pub(super) fn audit_changes(&self, changes: &[Change]) {
        if IN_COMMAND.with(Cell::get) {
            return;
        }
        for change in changes {
            let (op, outcome) = match change.reason {
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
                Field::new("outcome", outcome),
            ];
            let message = format!(
                "level override {level} on {} {outcome}; generation {}",
                change.logger, change.generation
            );
            audit_log(self, Level::INFO, &message, &fields);
        }
    }
}
