//! Whose turn it is: configurations go live one at a time, in arrival
//! order, each only until its deadline, and only while someone still wants
//! it; then the generation precondition and the dry run are checked.

use super::build::{apply_incremental, apply_whole, incremental_levels};
use super::dry_run;
use super::error::ConfigError;
use super::model::{Applied, ApplyOptions, Config, ConfigKind};
use crate::registry::gate::Pass;
use crate::registry::Core;
use std::time::{Duration, Instant};

/// Applies `config` to `core`'s registry, one configuration at a time.
pub(crate) fn apply(core: &Core, config: Config, kind: ConfigKind) -> Result<Applied, ConfigError> {
    apply_with(core, config, kind, ApplyOptions::default())
}

/// Applies `config` as `options` say: only if the live generation is the
/// one expected (checked under the apply lock, so no other configuration
/// or override goes live in between), or built and discarded.
pub(crate) fn apply_with(
    core: &Core,
    config: Config,
    kind: ConfigKind,
    options: ApplyOptions,
) -> Result<Applied, ConfigError> {
    let _one_at_a_time = core.apply_lock();
    apply_in_turn(core, config, kind, options)
}

/// Why a configuration that waited for its turn was not applied.
#[derive(Debug)]
pub(crate) enum NotApplied {
    /// The configuration was refused (nothing changed).
    Config(ConfigError),
    /// Its turn had not come by its deadline: an earlier apply ran long.
    Overdue,
    /// Its client had gone when its turn came: the configuration was
    /// dropped.
    Abandoned,
}

/// A wait for the turn after which the client is asked whether it still
/// wants its configuration. A shorter wait is no reason to have given up,
/// and a client that sends and closes without waiting for the reply
/// (CPython's does) must not lose its push to a brief queue.
pub(crate) const CHECK_AFTER: Duration = Duration::from_millis(100);

/// [`apply_with`] for a configuration someone waits for: it waits for its
/// turn (first come, first served) only until `deadline`, then, if it
/// waited more than [`CHECK_AFTER`], is applied only if `still_wanted()`
/// says so (checked with the turn held, so nothing goes live in between).
/// Building is bounded by the same `deadline`.
pub(crate) fn apply_when(
    core: &Core,
    config: Config,
    kind: ConfigKind,
    options: ApplyOptions,
    deadline: Instant,
    still_wanted: &dyn Fn() -> bool,
) -> Result<Applied, NotApplied> {
    let turn = still_wanted_after(core.apply_lock_by(deadline), still_wanted)?;
    let applied = crate::deadline::within(deadline, || apply_in_turn(core, config, kind, options));
    drop(turn);
    applied.map_err(NotApplied::Config)
}

/// The turn a push waited for (`None`: its deadline came first), unless
/// it waited more than [`CHECK_AFTER`] and its client has gone since.
pub(crate) fn still_wanted_after<'g>(
    turn: Option<Pass<'g>>,
    still_wanted: &dyn Fn() -> bool,
) -> Result<Pass<'g>, NotApplied> {
    let turn = turn.ok_or(NotApplied::Overdue)?;
    if turn.waited > CHECK_AFTER && !still_wanted() {
        return Err(NotApplied::Abandoned);
    }
    Ok(turn)
}

/// [`apply_with`] once the apply lock is held.
fn apply_in_turn(
    core: &Core,
    config: Config,
    kind: ConfigKind,
    options: ApplyOptions,
) -> Result<Applied, ConfigError> {
    if let Some(expected) = options.if_generation {
        let live = core.generation();
        if live != expected {
            return Err(ConfigError::new(
                "",
                format!("generation is {live}, not {expected}"),
            ));
        }
    }
    match (config.incremental, options.dry_run) {
        (true, false) => apply_incremental(core, &config)?,
        (false, false) => apply_whole(core, config)?,
        (true, true) => drop(incremental_levels(core, &config)?),
        (false, true) => dry_run::build_and_discard(core, &config)?,
    }
    Ok(Applied {
        kind,
        generation: core.generation(),
    })
}
