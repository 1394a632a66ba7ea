//! Parts of the `loglisten` command shared by its subcommands.

pub(crate) mod duration;
pub(crate) mod fleet;
pub(crate) mod remote;
pub(crate) mod targets;
