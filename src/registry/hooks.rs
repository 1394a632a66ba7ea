//! What the `log` and `tracing` bridges follow: the most verbose level any
//! logger handles, and hooks run after every reconfiguration that changes
//! a level.

use super::{Core, Registry};
use crate::level::Level;
use crate::sync::lock;
use std::sync::atomic::Ordering;

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
