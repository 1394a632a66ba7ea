//! Commands on the wire: a payload that is a JSON object whose only key is
//! `"loglisten"` asks the listener to do something other than apply a
//! configuration. Shared by the listener (which parses them) and the
//! client (which writes them).
//!
//! ```text
//! {"loglisten": {"op": "get"}}
//! {"loglisten": {"op": "set", "logger": "app.db", "level": "DEBUG", "ttl_s": 600}}
//! {"loglisten": {"op": "reset", "logger": "app.db"}}        (no logger: every override)
//! {"loglisten": {"op": "apply", "config": {...} | "text": "...", "if_generation": 7, "dry_run": false}}
//! ```
//!
//! A dictConfig always has `version`, so no configuration CPython accepts
//! is taken for a command.

use crate::json::{Map, Number, Value};
use crate::level::Level;
use std::fmt;
use std::time::Duration;

/// The top-level key that makes a payload a command.
const KEY: &str = "loglisten";

/// What a command does.
///
/// ```
/// use loglisten::Op;
/// assert_eq!(Op::Set.to_string(), "set");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// Read the live view.
    Get,
    /// Set a level override.
    Set,
    /// Drop one override or all.
    Reset,
    /// Apply a configuration, with preconditions.
    Apply,
}

impl Op {
    /// The word on the wire.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Op::Get => "get",
            Op::Set => "set",
            Op::Reset => "reset",
            Op::Apply => "apply",
        }
    }

    pub(crate) fn from_word(word: &str) -> Option<Op> {
        [Op::Get, Op::Set, Op::Reset, Op::Apply]
            .into_iter()
            .find(|op| op.word() == word)
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// The level of a [`Command::Set`]: a level, or a name for the listener to
/// resolve (one the program registered with
/// [`add_level_name`](crate::add_level_name), which the sender may not
/// know). An unknown name is answered `error: level: unknown level "…"`.
///
/// ```
/// use loglisten::{Command, Level, LevelSpec};
/// let named = Command::Set { logger: "app".into(), level: LevelSpec::Name("VERBOSE".into()), ttl: None };
/// assert_eq!(named.to_json(), r#"{"loglisten": {"op": "set", "logger": "app", "level": "VERBOSE", "ttl_s": 0}}"#);
/// assert_eq!(LevelSpec::from(Level::DEBUG).to_string(), "DEBUG");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LevelSpec {
    /// This level.
    Level(Level),
    /// The level the listener knows by this name.
    Name(String),
}

impl From<Level> for LevelSpec {
    fn from(level: Level) -> Self {
        LevelSpec::Level(level)
    }
}

impl fmt::Display for LevelSpec {
    /// The level's name, or the name given.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LevelSpec::Level(level) => f.write_str(&level.name()),
            LevelSpec::Name(name) => f.write_str(name),
        }
    }
}

impl LevelSpec {
    /// The level, resolving a name with this process's level names; the
    /// error names the field and the level.
    pub(crate) fn resolve(&self) -> Result<Level, String> {
        match self {
            LevelSpec::Level(level) => Ok(*level),
            LevelSpec::Name(name) => level(Some(&Value::from(name.as_str()))),
        }
    }

    /// As the wire carries it: a name, or a number for an unnamed level.
    fn to_value(&self) -> Value {
        match self {
            LevelSpec::Name(name) => Value::from(name.as_str()),
            LevelSpec::Level(level) => match Level::from_name(&level.name()) {
                Some(named) if named == *level => Value::from(level.name().into_owned()),
                _ => Value::from(i64::from(level.0)),
            },
        }
    }
}

/// A command for a listener, sent with
/// [`send_command`](crate::send_command).
///
/// ```
/// use loglisten::{Command, Level};
/// use std::time::Duration;
/// let set = Command::Set {
///     logger: "app.db".into(),
///     level: Level::DEBUG.into(),
///     ttl: Some(Duration::from_secs(90)),
/// };
/// assert_eq!(
///     set.to_json(),
///     r#"{"loglisten": {"op": "set", "logger": "app.db", "level": "DEBUG", "ttl_s": 90}}"#
/// );
/// assert_eq!(Command::Get.to_json(), r#"{"loglisten": {"op": "get"}}"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// The live view: generation, configuration as dictConfig, every
    /// logger's configured and effective level, the overrides.
    Get,
    /// A level override on `logger` (`""` or `"root"`: the root) for
    /// `ttl`, `None` meaning until reset (on the wire `ttl_s: 0`; an
    /// absent `ttl_s` means 600 s).
    Set {
        /// The logger's name.
        logger: String,
        /// The level in force meanwhile (a name for the listener to
        /// resolve, or a level).
        level: LevelSpec,
        /// How long; `None`: until reset.
        ttl: Option<Duration>,
    },
    /// Drops the override of `logger`, or every override.
    Reset {
        /// The logger; `None`: all.
        logger: Option<String>,
    },
    /// Applies `text` (dictConfig JSON or fileConfig INI, as a push
    /// carries it), only if the live generation is `if_generation` when
    /// given; with `dry_run`, builds it and discards it.
    Apply {
        /// The configuration.
        text: String,
        /// Apply only if this generation is live.
        if_generation: Option<u64>,
        /// Build and discard: the reply is `ok check` or the error.
        dry_run: bool,
    },
}

impl Command {
    /// What it does.
    ///
    /// ```
    /// assert_eq!(loglisten::Command::Get.op(), loglisten::Op::Get);
    /// ```
    pub fn op(&self) -> Op {
        match self {
            Command::Get => Op::Get,
            Command::Set { .. } => Op::Set,
            Command::Reset { .. } => Op::Reset,
            Command::Apply { .. } => Op::Apply,
        }
    }

    /// The payload that carries it: one JSON object.
    ///
    /// ```
    /// let reset = loglisten::Command::Reset { logger: None };
    /// assert_eq!(reset.to_json(), r#"{"loglisten": {"op": "reset"}}"#);
    /// ```
    pub fn to_json(&self) -> String {
        let mut body = Map::new();
        body.insert("op".into(), Value::from(self.op().word()));
        match self {
            Command::Get => {}
            Command::Set { logger, level, ttl } => {
                body.insert("logger".into(), Value::from(logger.as_str()));
                body.insert("level".into(), level.to_value());
                body.insert("ttl_s".into(), ttl.map_or(Value::from(0u64), seconds));
            }
            Command::Reset { logger } => {
                if let Some(logger) = logger {
                    body.insert("logger".into(), Value::from(logger.as_str()));
                }
            }
            Command::Apply {
                text,
                if_generation,
                dry_run,
            } => {
                body.insert("text".into(), Value::from(text.as_str()));
                if let Some(generation) = if_generation {
                    body.insert("if_generation".into(), Value::from(*generation));
                }
                if *dry_run {
                    body.insert("dry_run".into(), Value::Bool(true));
                }
            }
        }
        let mut top = Map::new();
        top.insert(KEY.into(), Value::Object(body));
        Value::Object(top).to_string()
    }
}

/// Seconds as a JSON number: whole when whole.
fn seconds(d: Duration) -> Value {
    if d.subsec_nanos() == 0 {
        return Value::from(d.as_secs());
    }
    Number::from_f64(d.as_secs_f64()).map_or(Value::from(d.as_secs()), Value::from)
}

/// `Some` when `payload` is a command (a JSON object whose only key is
/// `"loglisten"`): the command, or the one-line error naming the field.
/// `None`: a configuration.
pub(crate) fn detect(payload: &[u8]) -> Option<Result<Command, String>> {
    let text = std::str::from_utf8(payload).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // A configuration costs one scan, not a second parse.
    let may_be = text.trim_start().starts_with('{') && (text.contains(KEY) || text.contains('\\'));
    if !may_be {
        return None;
    }
    let value = crate::json::parse(text).ok()?;
    let top = value.as_object()?;
    if top.len() != 1 {
        return None;
    }
    Some(parse(top.get(KEY)?))
}

/// The fields each op takes.
fn known(op: Op) -> &'static [&'static str] {
    match op {
        Op::Get => &["op"],
        Op::Set => &["op", "logger", "level", "ttl_s"],
        Op::Reset => &["op", "logger"],
        Op::Apply => &["op", "config", "text", "if_generation", "dry_run"],
    }
}

/// The command in the value under `"loglisten"`.
pub(crate) fn parse(body: &Value) -> Result<Command, String> {
    let Some(fields) = body.as_object() else {
        return Err(format!(
            "loglisten: must be an object with an op, not {}",
            short(body)
        ));
    };
    let op = match fields.get("op") {
        None => return Err("op: missing (one of get, set, reset, apply)".into()),
        Some(Value::String(word)) => Op::from_word(word).ok_or_else(|| {
            format!(
                "op: unknown operation {} (one of get, set, reset, apply)",
                short(&Value::from(word.as_str()))
            )
        })?,
        Some(other) => return Err(format!("op: must be a string, not {}", short(other))),
    };
    if let Some((name, _)) = fields.iter().find(|(k, _)| !known(op).contains(k)) {
        return Err(format!("{}: unknown field for op {op}", short_key(name)));
    }
    match op {
        Op::Get => Ok(Command::Get),
        Op::Set => Ok(Command::Set {
            logger: string(fields, "logger")?.ok_or("logger: missing")?,
            level: LevelSpec::Level(level(fields.get("level"))?),
            ttl: crate::registry::overrides::parse_ttl_seconds(fields.get("ttl_s"))?,
        }),
        Op::Reset => Ok(Command::Reset {
            logger: string(fields, "logger")?,
        }),
        Op::Apply => {
            let text = match (fields.get("config"), string(fields, "text")?) {
                (Some(_), Some(_)) => return Err("config: give config or text, not both".into()),
                (None, None) => return Err("config: missing (give config or text)".into()),
                (None, Some(text)) => text,
                (Some(config @ Value::Object(_)), None) => config.to_string(),
                (Some(other), None) => {
                    return Err(format!("config: must be an object, not {}", short(other)))
                }
            };
            let if_generation = match fields.get("if_generation") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_u64().filter(|_| is_integer(v)).ok_or_else(|| {
                    format!(
                        "if_generation: must be a whole number from 0, not {}",
                        short(v)
                    )
                })?),
            };
            let dry_run = match fields.get("dry_run") {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(v) => return Err(format!("dry_run: must be true or false, not {}", short(v))),
            };
            Ok(Command::Apply {
                text,
                if_generation,
                dry_run,
            })
        }
    }
}

fn is_integer(v: &Value) -> bool {
    v.as_number().is_some_and(Number::is_integer)
}

/// Field `name` as text, if present.
fn string(fields: &Map, name: &str) -> Result<Option<String>, String> {
    match fields.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.to_string())),
        Some(other) => Err(format!("{name}: must be a string, not {}", short(other))),
    }
}

/// A level by name (`DEBUG`) or number (`15`).
fn level(value: Option<&Value>) -> Result<Level, String> {
    match value {
        None => Err("level: missing".into()),
        Some(Value::String(name)) => Level::from_name(name).ok_or_else(|| {
            format!(
                "level: unknown level {}",
                short(&Value::from(name.as_str()))
            )
        }),
        Some(v) => match v.as_i64().filter(|_| is_integer(v)) {
            Some(n) if (0..=i64::from(i32::MAX)).contains(&n) => Ok(Level(n as i32)),
            _ => Err(format!(
                "level: must be a level name or a number from 0, not {}",
                short(v)
            )),
        },
    }
}

/// A value as JSON, cut to a readable length.
fn short(value: &Value) -> String {
    cut(value.to_string())
}

fn short_key(key: &str) -> String {
    cut(Value::from(key).to_string())
}

fn cut(mut text: String) -> String {
    const MAX: usize = 60;
    if text.chars().count() > MAX {
        text = text.chars().take(MAX).collect::<String>() + "…";
    }
    text
}

#[cfg(test)]
#[path = "command_tests.rs"]
pub(crate) mod tests;
