//! Carrying out a command (see [`crate::command`]) on a registry: what
//! changes, the outcome and the JSON body of the reply.

use super::outcome::Outcome;
use crate::command::{Command, Op};
use crate::config::ApplyOptions;
use crate::json::{Map, Value};
use crate::registry::Registry;

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
}

/// Carries out `command` on `registry`. `apply_within` runs the apply
/// step as the listener runs a push's (confined, with its deadline).
pub(crate) fn execute(
    registry: &Registry,
    command: &Command,
    apply_within: &dyn Fn(&dyn Fn() -> Outcome) -> Outcome,
) -> Done {
    match command {
        Command::Get => {
            let view = registry.live_view();
            Done {
                outcome: Outcome::Done {
                    op: Op::Get,
                    generation: view.generation,
                },
                body: Some(view.to_json().to_string()),
            }
        }
        Command::Set { logger, level, ttl } => {
            match registry.set_level_override(logger, *level, *ttl) {
                Ok(generation) => Done {
                    outcome: Outcome::Done {
                        op: Op::Set,
                        generation,
                    },
                    body: Some(logger_state(registry, logger)),
                },
                Err(e) => Done::refused(e.to_string()),
            }
        }
        Command::Reset {
            logger: Some(logger),
        } => match registry.reset_override(logger) {
            Ok(_) => Done {
                outcome: Outcome::Done {
                    op: Op::Reset,
                    generation: registry.config_generation(),
                },
                body: Some(logger_state(registry, logger)),
            },
            Err(e) => Done::refused(e.to_string()),
        },
        Command::Reset { logger: None } => {
            registry.reset_overrides();
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
            let outcome = apply_within(&|| match registry
                .apply_config_with(text.as_bytes(), options)
            {
                Ok(_) if *dry_run => Outcome::Checked,
                Ok(applied) => Outcome::Applied {
                    kind: applied.kind,
                    generation: applied.generation,
                },
                Err(e) => Outcome::ConfigError(e),
            });
            Done {
                outcome,
                body: None,
            }
        }
    }
}

/// `{"logger": name, "level": …, "effective_level": …, "override": …, …}`:
/// one logger's entry of the live view.
fn logger_state(registry: &Registry, logger: &str) -> String {
    let view = registry.live_view();
    let name = view.logger(logger).map_or(logger, |l| l.name.as_str());
    let mut body = Map::new();
    body.insert("logger".into(), Value::from(name));
    body.insert("generation".into(), Value::from(view.generation));
    let json = view.to_json();
    if let Some(Value::Object(entry)) = json.get("loggers").and_then(|l| l.get(name)) {
        for (key, value) in entry.iter() {
            body.insert(key.to_string(), value.clone());
        }
    }
    Value::Object(body).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Level;
    use std::time::Duration;

    fn run(registry: &Registry, command: &Command) -> Done {
        execute(registry, command, &|apply| apply())
    }

    #[test]
    fn set_reports_the_logger_and_reset_restores_it() {
        let r = Registry::new();
        r.dict_config_str(r#"{"version": 1, "loggers": {"app.db": {"level": "ERROR"}}}"#)
            .unwrap();
        let set = Command::Set {
            logger: "app.db".into(),
            level: Level::DEBUG,
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
