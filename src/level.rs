//! Logging levels: Python's integers and the name table of `logging`.

use crate::sync::lock;
use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

/// A logging level: any integer, as in Python (`logging.DEBUG` is 10).
///
/// Records at or above a logger's effective level are handled. The named
/// levels are associated constants; any other integer is allowed and is
/// named `Level N` unless [`add_level_name`] gave it a name.
///
/// ```
/// use loglisten::Level;
/// assert!(Level::ERROR > Level::WARNING);
/// assert_eq!(Level::INFO.name(), "INFO");
/// assert_eq!(Level(25).name(), "Level 25");
/// assert_eq!(Level::from_name("WARN"), Some(Level::WARNING));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Level(pub i32);

impl Level {
    /// 0: a logger at NOTSET defers to its parent; a handler at NOTSET takes all.
    pub const NOTSET: Level = Level(0);
    /// 5: below DEBUG, for the `log` and `tracing` crates' `Trace`. Named
    /// `TRACE` (Python has no such level; here configs may say `"TRACE"`).
    pub const TRACE: Level = Level(5);
    /// 10.
    pub const DEBUG: Level = Level(10);
    /// 20.
    pub const INFO: Level = Level(20);
    /// 30.
    pub const WARNING: Level = Level(30);
    /// 40.
    pub const ERROR: Level = Level(40);
    /// 50.
    pub const CRITICAL: Level = Level(50);

    /// The level's name, like Python's `logging.getLevelName(level)`: the
    /// registered name, or `Level N`.
    ///
    /// ```
    /// assert_eq!(loglisten::Level::CRITICAL.name(), "CRITICAL");
    /// ```
    pub fn name(self) -> Cow<'static, str> {
        // Fast path without a lock while nobody has renamed a level.
        if !CUSTOM_NAMES.load(Ordering::Acquire) {
            if let Some(name) = standard_name(self) {
                return Cow::Borrowed(name);
            }
            return Cow::Owned(format!("Level {}", self.0));
        }
        let tables = tables();
        match tables.to_name.iter().find(|(level, _)| *level == self) {
            Some((_, name)) => Cow::Owned(name.clone()),
            None => Cow::Owned(format!("Level {}", self.0)),
        }
    }

    /// The level registered under `name`, case-sensitively as in Python
    /// (`"debug"` is not a level name). `WARN` and `FATAL` are accepted.
    ///
    /// ```
    /// use loglisten::Level;
    /// assert_eq!(Level::from_name("FATAL"), Some(Level::CRITICAL));
    /// assert_eq!(Level::from_name("debug"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Level> {
        if !CUSTOM_NAMES.load(Ordering::Acquire) {
            return standard_level(name);
        }
        let tables = tables();
        let found = tables.to_level.iter().find(|(n, _)| n == name);
        found
            .map(|(_, level)| *level)
            .or_else(|| standard_level(name))
    }

    /// Parses a level given as a name or as an integer in text, the way
    /// Python's `logging._checkLevel` accepts a name or a number; the error
    /// is Python's `Unknown level: 'X'`.
    ///
    /// ```
    /// use loglisten::Level;
    /// assert_eq!(Level::parse("INFO"), Ok(Level::INFO));
    /// assert_eq!(Level::parse("15"), Ok(Level(15)));
    /// assert_eq!(Level::parse("info").unwrap_err().to_string(), "Unknown level: 'info'");
    /// ```
    pub fn parse(text: &str) -> Result<Level, UnknownLevel> {
        if let Some(level) = Level::from_name(text) {
            return Ok(level);
        }
        text.parse::<i32>()
            .map(Level)
            .map_err(|_| UnknownLevel(text.to_string()))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// The error of [`Level::parse`]: the text names no level.
///
/// ```
/// assert!(loglisten::Level::parse("LOUD").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownLevel(pub String);

impl fmt::Display for UnknownLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Unknown level: '{}'", self.0)
    }
}

impl std::error::Error for UnknownLevel {}

/// Associates `name` with `level`, like Python's `logging.addLevelName`:
/// records at that level show the name, and the name parses to the level.
/// As in Python, a level's earlier name still parses.
///
/// ```
/// use loglisten::{add_level_name, Level};
/// add_level_name(Level(15), "VERBOSE");
/// assert_eq!(Level(15).name(), "VERBOSE");
/// assert_eq!(Level::from_name("VERBOSE"), Some(Level(15)));
/// ```
pub fn add_level_name(level: Level, name: &str) {
    let mut tables = tables();
    tables.to_name.retain(|(l, _)| *l != level);
    tables.to_name.push((level, name.to_string()));
    tables.to_level.retain(|(n, _)| n != name);
    tables.to_level.push((name.to_string(), level));
    CUSTOM_NAMES.store(true, Ordering::Release);
}

/// Set once a level name is added; until then the tables are not consulted.
static CUSTOM_NAMES: AtomicBool = AtomicBool::new(false);

/// Python's `_levelToName` and `_nameToLevel`, which `addLevelName` updates
/// independently (an old name keeps parsing after a rename).
struct Tables {
    to_name: Vec<(Level, String)>,
    to_level: Vec<(String, Level)>,
}

static TABLES: Mutex<Tables> = Mutex::new(Tables {
    to_name: Vec::new(),
    to_level: Vec::new(),
});

fn standard_name(level: Level) -> Option<&'static str> {
    Some(match level.0 {
        0 => "NOTSET",
        5 => "TRACE",
        10 => "DEBUG",
        20 => "INFO",
        30 => "WARNING",
        40 => "ERROR",
        50 => "CRITICAL",
        _ => return None,
    })
}

fn standard_level(name: &str) -> Option<Level> {
    Some(match name {
        "NOTSET" => Level::NOTSET,
        "TRACE" => Level::TRACE,
        "DEBUG" => Level::DEBUG,
        "INFO" => Level::INFO,
        "WARNING" | "WARN" => Level::WARNING,
        "ERROR" => Level::ERROR,
        "CRITICAL" | "FATAL" => Level::CRITICAL,
        _ => return None,
    })
}

/// The name tables, filled with the standard names on first use.
fn tables() -> MutexGuard<'static, Tables> {
    let mut tables = lock(&TABLES);
    if tables.to_name.is_empty() {
        for level in [0, 5, 10, 20, 30, 40, 50] {
            let name = standard_name(Level(level)).unwrap_or_default();
            tables.to_name.push((Level(level), name.to_string()));
        }
        for name in [
            "NOTSET", "TRACE", "DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL",
        ] {
            tables
                .to_level
                .push((name.to_string(), standard_level(name).unwrap_or_default()));
        }
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_names_both_ways() {
        for (level, name) in [
            (Level::NOTSET, "NOTSET"),
            (Level::DEBUG, "DEBUG"),
            (Level::INFO, "INFO"),
            (Level::WARNING, "WARNING"),
            (Level::ERROR, "ERROR"),
            (Level::CRITICAL, "CRITICAL"),
        ] {
            assert_eq!(level.name(), name);
            assert_eq!(Level::from_name(name), Some(level));
        }
        assert_eq!(Level(-3).name(), "Level -3");
        assert_eq!(Level::TRACE.name(), "TRACE");
        assert_eq!(Level::parse("TRACE"), Ok(Level(5)));
        assert_eq!(Level::from_name("Warning"), None);
        assert_eq!(Level::parse("-5"), Ok(Level(-5)));
        assert_eq!(Level::parse(""), Err(UnknownLevel(String::new())));
    }

    #[test]
    fn renaming_a_level_replaces_its_old_name() {
        add_level_name(Level(41), "OOPS");
        add_level_name(Level(41), "BAD");
        assert_eq!(Level(41).name(), "BAD");
        assert_eq!(
            Level::from_name("OOPS"),
            Some(Level(41)),
            "old names still parse"
        );
        assert_eq!(Level::from_name("BAD"), Some(Level(41)));
        assert_eq!(Level::ERROR.name(), "ERROR");
    }
}
