//! Whose turn it is: configurations go live one at a time, in arrival
//! order, each only until its deadline, and only while someone still wants
//! it; then the generation precondition and the dry run are checked.

use super::build::{apply_incremental, apply_whole, incremental_levels};
use super::dry_run;
use super::error::ConfigError;
use super::model::{Applied, ApplyOptions, Config, ConfigKind};
use crate::registry::gate::{still_wanted_after, NotApplied};
use crate::registry::Core;
use std::time::Instant;

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

/// [`apply_with`] for a configuration someone waits for: it waits for its
/// turn (first come, first served) only until `deadline`, then, if it
/// waited more than `CHECK_AFTER` (100 ms), is applied only if `still_wanted()`
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
