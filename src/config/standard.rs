//! The standard handlers' keyword arguments, CPython's names and defaults.

use super::classes::{Kwargs, Opener};
use super::ConfigError;
use crate::handler::NullHandler;

pub(crate) fn prepare(class: &str, args: Kwargs<'_>) -> Result<Opener, ConfigError> {
    match class {
        "logging.NullHandler" => Ok(Opener::plain(|| Ok(Box::new(NullHandler)))),
        other => Err(args.error("class", format!("{other} is not available yet"))),
    }
}
