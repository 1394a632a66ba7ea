//! Carrying out a command (see [`crate::command`]) on a registry: what
//! changes, the outcome and the JSON body of the reply.

use super::outcome::Outcome;
use super::settings::Turn;
use crate::command::{Command, Op};
use crate::config::dump::level as level_value;
use crate::config::{ApplyOptions, NotApplied};
use crate::json::{Map, Value};
use crate::level::Level;
use crate::registry::{seconds_value as seconds, Registry};
use std::time::Duration;

/// What a command did: the outcome (its status line) and the body after
/// the status line, for commands that return data.
#[derive(Debug)]
pub(crate) struct Done {
    pub outcome: Outcome,
    pub body: Option<String>,
}

impl Done {
    fn refused(message: String) -> Done {
        Done {
            outcome: Outcome::CommandError(message),
            body: None,
        }
    }

    /// A set or reset that was refused, or whose turn did not come in
    /// time, or whose client had gone when it came.
    fn not_done(why: NotApplied) -> Done {
        match why {
            NotApplied::Config(e) => Done::refused(e.to_string()),
            why => Done {
                outcome: Outcome::not_applied(why),
                body: None,
            },
        }
    }
}

/// Carries out `command` on `registry`. `apply_within` runs the apply
/// step as the listener runs a push's (confined, with its deadline), and
/// `apply` takes its turn on `turn`'s terms, as a push does.
pub(crate) fn execute(
    registry: &Registry,
    command: &Command,
    apply_within: &dyn Fn(&dyn Fn() -> Outcome) -> Outcome,
    turn: &Turn<'_>,
) -> Done {
    // Set and reset wait for their turn as a push does.
    let waiting = (turn.by, turn.still_wanted);
    match command {
        Command::Get => {
            let (generation, body) = registry.live_view_json();
            Done {
                outcome: Outcome::Done {
                    op: Op::Get,
                    generation,
                },
                body: Some(body),
            }
        }
        Command::Set { logger, level, ttl } => {
            // A name is resolved here, with the names this process knows.
            let level = match level.resolve() {
                Ok(level) => level,
                Err(message) => return Done::refused(message),
            };
            match registry.set_level_override_by(logger, level, *ttl, waiting) {
                Ok(generation) => Done {
                    outcome: Outcome::Done {
                        op: Op::Set,
                        generation,
                    },
                    body: Some(logger_state(registry, logger, Some((level, *ttl)))),
                },
                Err(why) => Done::not_done(why),
            }
        }
        Command::Reset {
            logger: Some(logger),
        } => match registry.reset_override_by(logger, waiting) {
            Ok(_) => Done {
                outcome: Outcome::Done {
                    op: Op::Reset,
                    generation: registry.config_generation(),
                },
                body: Some(logger_state(registry, logger, None)),
            },
            Err(why) => Done::not_done(why),
        },
        Command::Reset { logger: None } => {
            if let Err(why) = registry.reset_overrides_by(waiting) {
                return Done::not_done(why);
            }
            let view = registry.live_view();
            let mut body = Map::new();
            let overrides = view.to_json().get("overrides").cloned();
            body.insert("overrides".into(), overrides.unwrap_or_default());
            Done {
                outcome: Outcome::Done {
                    op: Op::Reset,
                    generation: view.generation,
                },
                body: Some(Value::Object(body).to_string()),
            }
        }
        Command::Apply {
            text,
            if_generation,
            dry_run,
        } => {
            let options = ApplyOptions {
                if_generation: *if_generation,
                dry_run: *dry_run,
            };
            let outcome = apply_within(&|| {
                let bytes = text.as_bytes();
                match registry.apply_config_when(bytes, options, turn.by, turn.still_wanted) {
                    Ok(_) if *dry_run => Outcome::Checked,
                    Ok(applied) => Outcome::Applied {
                        kind: applied.kind,
                        generation: applied.generation,
                    },
                    Err(why) => Outcome::not_applied(why),
                }
            });
            Done {
                outcome,
                body: None,
            }
        }
    }
}

/// `{"logger": name, "generation": …, "level": …, "effective_level": …,
/// "propagate": …, "disabled": …, "handlers": […], "override": …}`: the
/// logger's entry of the live view, read from the logger alone (a `get`
/// costs as much as there are loggers; this does not). `set` is the
/// override just set (its whole ttl left), or `None` after a reset.
fn logger_state(
    registry: &Registry,
    logger: &str,
    set: Option<(Level, Option<Duration>)>,
) -> String {
    let log = registry.get_logger(logger);
    let mut body = Map::new();
    body.insert("logger".into(), Value::from(log.name()));
    body.insert(
        "generation".into(),
        Value::from(registry.config_generation()),
    );
    body.insert("level".into(), level_value(log.level()));
    body.insert("effective_level".into(), level_value(log.effective_level()));
    body.insert("propagate".into(), Value::Bool(log.propagate()));
    body.insert("disabled".into(), Value::Bool(log.disabled()));
    let handlers = log.handlers();
    let names = handlers
        .iter()
        .map(|h| Value::from(h.name().unwrap_or("(unnamed)")));
    body.insert("handlers".into(), Value::Array(names.collect()));
    let level_override = match set {
        None => Value::Null,
        Some((level, ttl)) => {
            let mut o = Map::new();
            o.insert("level".into(), level_value(level));
            let secs = ttl.map_or(Value::Null, seconds);
            o.insert("ttl_s".into(), secs.clone());
            o.insert("remaining_s".into(), secs);
            Value::Object(o)
        }
    };
    body.insert("override".into(), level_override);
    Value::Object(body).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(registry: &Registry, command: &Command) -> Done {
        let turn = Turn {
            by: std::time::Instant::now() + Duration::from_secs(5),
            still_wanted: &|| true,
        };
        execute(registry, command, &|apply| apply(), &turn)
    }

    #[test]
    fn set_reports_the_logger_and_reset_restores_it() {
        let r = Registry::new();
        r.dict_config_str(r#"{"version": 1, "loggers": {"app.db": {"level": "ERROR"}}}"#)
            .unwrap();
        let set = Command::Set {
            logger: "app.db".into(),
            level: Level::DEBUG.into(),
            ttl: None,
        };
        let done = run(&r, &set);
        assert_eq!(
            done.outcome,
            Outcome::Done {
                op: Op::Set,
                generation: 2
            }
        );
        assert_eq!(
            done.body.unwrap(),
            r#"{"logger": "app.db", "generation": 2, "level": "ERROR", "effective_level": "DEBUG", "propagate": true, "disabled": false, "handlers": [], "override": {"level": "DEBUG", "ttl_s": null, "remaining_s": null}}"#
        );
        assert!(r.get_logger("app.db").is_enabled_for(Level::DEBUG));
        let done = run(
            &r,
            &Command::Reset {
                logger: Some("app.db".into()),
            },
        );
        assert_eq!(done.outcome.to_string(), "reset command generation 3");
        assert!(done.body.unwrap().contains(r#""effective_level": "ERROR""#));
        assert!(!r.get_logger("app.db").is_enabled_for(Level::WARNING));
    }

    #[test]
    fn reset_all_and_unknown_logger() {
        let r = Registry::new();
        r.set_level_override("a", Level::DEBUG, Some(Duration::from_secs(60)))
            .unwrap();
        let done = run(&r, &Command::Reset { logger: None });
        assert_eq!(done.body.unwrap(), r#"{"overrides": {}}"#);
        let generation = r.config_generation();
        let done = run(
            &r,
            &Command::Reset {
                logger: Some("nobody".into()),
            },
        );
        assert_eq!(
            done.outcome,
            Outcome::CommandError("logger: no logger named 'nobody'".into())
        );
        assert_eq!(r.config_generation(), generation);
    }

    #[test]
    fn apply_with_preconditions_and_dry_run() {
        let r = Registry::new();
        let apply = |if_generation, dry_run| Command::Apply {
            text: r#"{"version": 1, "root": {"level": "INFO"}}"#.into(),
            if_generation,
            dry_run,
        };
        let done = run(&r, &apply(Some(7), false));
        assert_eq!(
            done.outcome.reply().to_string(),
            "error: generation is 0, not 7"
        );
        let done = run(&r, &apply(None, true));
        assert_eq!(done.outcome.reply().to_string(), "ok check");
        assert_eq!(r.config_generation(), 0);
        let done = run(&r, &apply(Some(0), false));
        assert_eq!(done.outcome.reply().to_string(), "ok dict 1");
        assert_eq!(r.get_logger("").level(), Level::INFO);
    }

    proptest::proptest! {
        #[test]
        fn any_command_changes_nothing_unless_ok(text in crate::command::tests::command_object()) {
            let r = Registry::new();
            r.dict_config_str(r#"{"version": 1, "loggers": {"app.db": {"level": "INFO"}}}"#).unwrap();
            let before = r.config_generation();
            let outcome = match crate::command::detect(text.as_bytes()) {
                Some(Ok(command)) => run(&r, &command).outcome,
                Some(Err(message)) => Outcome::CommandError(message),
                None => panic!("not a command: {text}"),
            };
            let line = outcome.reply().to_string();
            if !line.starts_with("ok ") || line == "ok check" || line.starts_with("ok get") {
                proptest::prop_assert_eq!(r.config_generation(), before, "{}", line);
            }
        }
    }

    #[test]
    fn get_returns_the_live_view() {
        let r = Registry::new();
        let done = run(&r, &Command::Get);
        assert_eq!(done.outcome.reply().to_string(), "ok get 0");
        assert_eq!(done.body.unwrap(), r.live_view().to_json().to_string());
    }
}
