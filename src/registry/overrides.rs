//! Level overrides: a level set on one logger for a while, layered over
//! the configuration.
//!
//! An override stands for the logger's own level (so loggers inheriting
//! from it follow it too) until it is reset or its time is up; then the
//! logger has whatever level the configuration gives it at that moment.
//! A configuration applied meanwhile changes the configured level but
//! does not cancel the override. The override is folded into the
//! snapshot's thresholds when it is set and when it ends (one swap each),
//! so a disabled logging call stays one relaxed load. Expiry is the
//! [`timer`](super::timer)'s job.

use super::gate::{still_wanted_after, Pass};
use super::timer;
use super::Registry;
use crate::config::{ConfigError, NotApplied};
use crate::json::Value;
use crate::level::Level;
#[cfg(test)]
use crate::sync::lock;
use std::collections::{BTreeMap, BTreeSet};
#[cfg(test)]
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest time an override may be set for: 30 days.
pub(crate) const MAX_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// What the wire gives an override when the command names no time: a
/// forgotten DEBUG must not take a deployment down.
pub(crate) const DEFAULT_TTL: Duration = Duration::from_secs(600);

/// One active override.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Override {
    pub level: Level,
    /// As set; `None`: until reset.
    pub ttl: Option<Duration>,
    pub expires: Option<Instant>,
}

/// The active overrides of a registry, by logger id, with their deadlines
/// in order so the next one is found in O(log n).
#[derive(Debug, Default)]
pub(crate) struct Overrides {
    by_logger: BTreeMap<usize, Override>,
    deadlines: BTreeSet<(Instant, usize)>,
}

impl Overrides {
    /// Sets logger `id`'s override, returning the one it replaces.
    pub fn insert(&mut self, id: usize, new: Override) -> Option<Override> {
        let old = self.remove(id);
        if let Some(at) = new.expires {
            self.deadlines.insert((at, id));
        }
        self.by_logger.insert(id, new);
        old
    }

    /// Drops logger `id`'s override.
    pub fn remove(&mut self, id: usize) -> Option<Override> {
        let old = self.by_logger.remove(&id)?;
        if let Some(at) = old.expires {
            self.deadlines.remove(&(at, id));
        }
        Some(old)
    }

    /// Drops every override, in logger order.
    pub fn clear(&mut self) -> Vec<(usize, Override)> {
        self.deadlines.clear();
        std::mem::take(&mut self.by_logger).into_iter().collect()
    }

    /// Drops the overrides whose time is up at `now`, soonest first.
    pub fn take_due(&mut self, now: Instant) -> Vec<(usize, Override)> {
        let mut due = Vec::new();
        while let Some(&(at, id)) = self.deadlines.first() {
            if at > now {
                break;
            }
            self.deadlines.pop_first();
            if let Some(o) = self.by_logger.remove(&id) {
                due.push((id, o));
            }
        }
        due
    }

    /// When the next override ends, if any has a time.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.first().map(|&(at, _)| at)
    }

    /// Logger `id`'s override.
    pub fn get(&self, id: usize) -> Option<&Override> {
        self.by_logger.get(&id)
    }

    /// Each overridden logger's id and level.
    pub fn levels(&self) -> impl Iterator<Item = (usize, Level)> + '_ {
        self.by_logger.iter().map(|(&id, o)| (id, o.level))
    }

    /// Each override with its logger's id, in logger order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, Override)> + '_ {
        self.by_logger.iter().map(|(&id, o)| (id, *o))
    }

    pub fn len(&self) -> usize {
        self.by_logger.len()
    }
}

/// Why an override changed, for the audit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    Set,
    Reset,
    Expired,
}

/// One change of an override, as the audit records it: the logger, the
/// override's level and ttl (for a reset or an expiry: the override that
/// ended), why, and the generation the change made live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Change {
    pub logger: String,
    pub level: Level,
    pub ttl: Option<Duration>,
    pub reason: Reason,
    pub generation: u64,
}

/// A function told of every override change (tests watch the timer by it;
/// the program sees the changes as audit records).
#[cfg(test)]
pub(crate) type Hook = Arc<dyn Fn(&Change) + Send + Sync>;

/// The hooks of a registry, each with the id that removes it.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct Hooks {
    next: u64,
    hooks: Vec<(u64, Hook)>,
}

impl Registry {
    /// Audits each change (see `hooks.rs`) and, in tests, calls every hook
    /// with it, outside every registry lock (a hook may log; it must not
    /// wait for another thread that applies a configuration or sets an
    /// override).
    pub(crate) fn tell(&self, changes: &[Change]) {
        if changes.is_empty() {
            return;
        }
        self.audit_changes(changes);
        #[cfg(test)]
        self.call_hooks(changes);
    }

    #[cfg(test)]
    fn call_hooks(&self, changes: &[Change]) {
        let hooks: Vec<Hook> = lock(&self.core.override_hooks)
            .hooks
            .iter()
            .map(|(_, h)| h.clone())
            .collect();
        for change in changes {
            for hook in &hooks {
                hook(change);
            }
        }
    }

    /// Ends the overrides whose time is up at `now`, in one swap, and
    /// tells the hooks. The timer's step.
    pub(crate) fn expire_due(&self, now: Instant) {
        let changes = {
            let _one_at_a_time = self.core.apply_lock();
            if self
                .core
                .state()
                .overrides
                .next_deadline()
                .is_none_or(|at| at > now)
            {
                return;
            }
            let (ended, _) = self.core.reconfigure(|draft| {
                let due = draft.overrides().take_due(now);
                let name = |id: usize| draft.name(id).to_string();
                due.into_iter()
                    .map(|(id, o)| (name(id), o))
                    .collect::<Vec<_>>()
            });
            let generation = self.core.generation();
            let change = |(logger, o): (String, Override)| Change {
                logger,
                level: o.level,
                ttl: o.ttl,
                reason: Reason::Expired,
                generation,
            };
            ended.into_iter().map(change).collect::<Vec<_>>()
        };
        self.tell(&changes);
    }
}

/// Level overrides: a level set on a logger for a while, over whatever
/// the configuration says.
impl Registry {
    /// Overrides logger `logger`'s level with `level` for `ttl` (`None`:
    /// until [`reset_override`](Registry::reset_override)), over the
    /// configuration: the logger and those inheriting its level use
    /// `level` meanwhile, then go back to what the configuration says at
    /// that moment. Applying a configuration meanwhile does not cancel
    /// the override. A disabled logger stays disabled. The logger is
    /// created if it does not exist; an override it already has is
    /// replaced. Returns the generation made live. A `ttl` over 30 days is
    /// an error, and nothing changes.
    ///
    /// ```
    /// use loglisten::{Level, Registry};
    /// use std::time::Duration;
    /// let registry = Registry::new();
    /// let db = registry.get_logger("app.db");
    /// registry.set_level_override("app", Level::DEBUG, Some(Duration::from_secs(600))).unwrap();
    /// assert!(db.is_enabled_for(Level::DEBUG));
    /// // A configuration pushed meanwhile changes the configured level only.
    /// registry.dict_config_str(r#"{"version": 1, "disable_existing_loggers": false,
    ///     "loggers": {"app": {"level": "ERROR"}}}"#).unwrap();
    /// assert!(db.is_enabled_for(Level::DEBUG));
    /// registry.reset_override("app").unwrap();
    /// assert!(!db.is_enabled_for(Level::WARNING));
    /// let err = registry.set_level_override("app", Level::DEBUG, Some(Duration::from_secs(40 * 86400)));
    /// assert_eq!(err.unwrap_err().to_string(), "ttl: must be at most 2592000 seconds (30 days), not 3456000");
    /// ```
    pub fn set_level_override(
        &self,
        logger: &str,
        level: Level,
        ttl: Option<Duration>,
    ) -> Result<u64, ConfigError> {
        check_ttl(ttl)?;
        Ok(self.set_in_turn(self.core.apply_lock(), logger, level, ttl))
    }

    /// [`set_level_override`](Registry::set_level_override) for a client
    /// of the listener: it waits for its turn only until `by`, and is
    /// dropped if it waited long and `still_wanted()` says its client
    /// has gone (as a push is).
    pub(crate) fn set_level_override_by(
        &self,
        logger: &str,
        level: Level,
        ttl: Option<Duration>,
        (by, still_wanted): (Instant, &dyn Fn() -> bool),
    ) -> Result<u64, NotApplied> {
        check_ttl(ttl).map_err(NotApplied::Config)?;
        let turn = still_wanted_after(self.core.apply_lock_by(by), still_wanted)?;
        Ok(self.set_in_turn(turn, logger, level, ttl))
    }

    /// Sets the override once the turn is held; returns the generation.
    fn set_in_turn(
        &self,
        turn: Pass<'_>,
        logger: &str,
        level: Level,
        ttl: Option<Duration>,
    ) -> u64 {
        let expires = ttl.map(|t| Instant::now() + t);
        let new = Override {
            level,
            ttl,
            expires,
        };
        let (name, _) = self.core.reconfigure(|draft| {
            let id = draft.id(logger);
            draft.overrides().insert(id, new);
            draft.name(id).to_string()
        });
        let change = Change {
            logger: name,
            level,
            ttl,
            reason: Reason::Set,
            generation: self.core.generation(),
        };
        drop(turn);
        timer::poke(self, ttl.is_some());
        let generation = change.generation;
        self.tell(&[change]);
        generation
    }

    /// Drops logger `logger`'s override, if it has one (`true` then): it
    /// has its configured level again. A name no logger has is an error,
    /// and nothing changes.
    ///
    /// ```
    /// use loglisten::{Level, Registry};
    /// let registry = Registry::new();
    /// registry.set_level_override("app", Level::DEBUG, None).unwrap();
    /// assert_eq!(registry.reset_override("app"), Ok(true));
    /// assert_eq!(registry.reset_override("app"), Ok(false));
    /// let err = registry.reset_override("nobody").unwrap_err();
    /// assert_eq!(err.to_string(), "logger: no logger named 'nobody'");
    /// ```
    pub fn reset_override(&self, logger: &str) -> Result<bool, ConfigError> {
        self.reset_in_turn(self.core.apply_lock(), logger)
    }

    /// [`reset_override`](Registry::reset_override) waiting for its turn
    /// as [`set_level_override_by`](Registry::set_level_override_by) does.
    pub(crate) fn reset_override_by(
        &self,
        logger: &str,
        (by, still_wanted): (Instant, &dyn Fn() -> bool),
    ) -> Result<bool, NotApplied> {
        let turn = still_wanted_after(self.core.apply_lock_by(by), still_wanted)?;
        self.reset_in_turn(turn, logger).map_err(NotApplied::Config)
    }

    /// Drops the override once the turn is held.
    fn reset_in_turn(&self, turn: Pass<'_>, logger: &str) -> Result<bool, ConfigError> {
        let found = {
            let state = self.core.state();
            let id = state.tree.existing_id(logger);
            id.map(|id| (id, state.overrides.get(id).is_some()))
        };
        let changes = match found {
            None => {
                let message = format!("no logger named '{logger}'");
                return Err(ConfigError::new("logger", message));
            }
            Some((_, false)) => return Ok(false),
            Some((id, true)) => self.end(|o| o.remove(id).map(|o| vec![(id, o)])),
        };
        drop(turn);
        timer::poke(self, false);
        self.tell(&changes);
        Ok(true)
    }

    /// Drops every override; returns how many there were.
    ///
    /// ```
    /// use loglisten::{Level, Registry};
    /// let registry = Registry::new();
    /// registry.set_level_override("a", Level::DEBUG, None).unwrap();
    /// registry.set_level_override("b", Level::ERROR, None).unwrap();
    /// assert_eq!(registry.reset_overrides(), 2);
    /// assert_eq!(registry.get_logger("a").effective_level(), Level::WARNING);
    /// ```
    pub fn reset_overrides(&self) -> usize {
        self.reset_all_in_turn(self.core.apply_lock())
    }

    /// [`reset_overrides`](Registry::reset_overrides) waiting for its
    /// turn as [`set_level_override_by`](Registry::set_level_override_by)
    /// does.
    pub(crate) fn reset_overrides_by(
        &self,
        (by, still_wanted): (Instant, &dyn Fn() -> bool),
    ) -> Result<usize, NotApplied> {
        let turn = still_wanted_after(self.core.apply_lock_by(by), still_wanted)?;
        Ok(self.reset_all_in_turn(turn))
    }

    /// Drops every override once the turn is held.
    fn reset_all_in_turn(&self, turn: Pass<'_>) -> usize {
        if self.core.state().overrides.len() == 0 {
            return 0;
        }
        let changes = self.end(|o| Some(o.clear()));
        drop(turn);
        timer::poke(self, false);
        self.tell(&changes);
        changes.len()
    }

    /// Ends the overrides `take` removes, in one swap (the apply lock
    /// held), as reset changes.
    fn end(
        &self,
        take: impl FnOnce(&mut Overrides) -> Option<Vec<(usize, Override)>>,
    ) -> Vec<Change> {
        let (ended, _) = self.core.reconfigure(|draft| {
            let ended = take(draft.overrides()).unwrap_or_default();
            ended
                .into_iter()
                .map(|(id, o)| (draft.name(id).to_string(), o))
                .collect::<Vec<_>>()
        });
        let generation = self.core.generation();
        ended
            .into_iter()
            .map(|(logger, o)| Change {
                logger,
                level: o.level,
                ttl: o.ttl,
                reason: Reason::Reset,
                generation,
            })
            .collect()
    }

    /// Calls `hook` with every override change from now on (set, reset,
    /// expired), outside the registry's locks; returns the id that
    /// removes it.
    #[cfg(test)]
    pub(crate) fn add_override_hook(&self, hook: Hook) -> u64 {
        let mut hooks = lock(&self.core.override_hooks);
        hooks.next += 1;
        let id = hooks.next;
        hooks.hooks.push((id, hook));
        id
    }

    /// Removes the hook `id` returned by [`Registry::add_override_hook`].
    #[cfg(test)]
    pub(crate) fn remove_override_hook(&self, id: u64) {
        lock(&self.core.override_hooks)
            .hooks
            .retain(|(i, _)| *i != id);
    }
}

/// A `ttl` over [`MAX_TTL`] is an error naming the field.
fn check_ttl(ttl: Option<Duration>) -> Result<(), ConfigError> {
    match ttl.filter(|t| *t > MAX_TTL) {
        None => Ok(()),
        Some(ttl) => {
            let message = format!(
                "must be at most {} seconds (30 days), not {}",
                MAX_TTL.as_secs(),
                seconds(ttl)
            );
            Err(ConfigError::new("ttl", message))
        }
    }
}

/// Seconds as the wire writes them: whole when whole.
fn seconds(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        d.as_secs().to_string()
    } else {
        d.as_secs_f64().to_string()
    }
}

/// The wire's `ttl_s`: absent means [`DEFAULT_TTL`]; a JSON number of
/// seconds (fractions allowed) up to 30 days; `0` means until reset
/// (`None`). Anything else is an error naming the field.
#[allow(dead_code)] // The wire's `set` command is its user.
pub(crate) fn parse_ttl_seconds(value: Option<&Value>) -> Result<Option<Duration>, String> {
    let Some(value) = value else {
        return Ok(Some(DEFAULT_TTL));
    };
    let Some(secs) = value.as_f64() else {
        return Err(format!("ttl_s: must be a number of seconds, not {value}"));
    };
    if !secs.is_finite() {
        return Err(format!(
            "ttl_s: must be a finite number of seconds, not {value}"
        ));
    }
    if secs < 0.0 {
        return Err(format!("ttl_s: must not be negative, not {value}"));
    }
    if secs == 0.0 {
        return Ok(None);
    }
    if secs > MAX_TTL.as_secs_f64() {
        let max = MAX_TTL.as_secs();
        return Err(format!(
            "ttl_s: must be at most {max} (30 days), not {value}"
        ));
    }
    Ok(Some(Duration::from_secs_f64(secs)))
}

#[cfg(test)]
#[path = "overrides_tests.rs"]
mod tests;
