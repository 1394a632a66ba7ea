use super::*;
use proptest::prelude::*;

fn cmd(text: &str) -> Option<Result<Command, String>> {
    detect(text.as_bytes())
}

#[test]
fn commands_parse() {
    let cases: Vec<(&str, Command)> = vec![
        (r#"{"loglisten": {"op": "get"}}"#, Command::Get),
        (
            r#"{"loglisten": {"op": "set", "logger": "app.db", "level": "DEBUG", "ttl_s": 600}}"#,
            Command::Set {
                logger: "app.db".into(),
                level: Level::DEBUG.into(),
                ttl: Some(Duration::from_secs(600)),
            },
        ),
        (
            r#"{"loglisten": {"op": "set", "logger": "", "level": 15, "ttl_s": 0.5}}"#,
            Command::Set {
                logger: "".into(),
                level: Level(15).into(),
                ttl: Some(Duration::from_millis(500)),
            },
        ),
        (
            r#"{"loglisten": {"op": "set", "logger": "a", "level": "ERROR"}}"#,
            Command::Set {
                logger: "a".into(),
                level: Level::ERROR.into(),
                ttl: Some(Duration::from_secs(600)),
            },
        ),
        (
            r#"{"loglisten": {"op": "set", "logger": "a", "level": "ERROR", "ttl_s": 0}}"#,
            Command::Set {
                logger: "a".into(),
                level: Level::ERROR.into(),
                ttl: None,
            },
        ),
        (
            r#"{"loglisten": {"op": "reset"}}"#,
            Command::Reset { logger: None },
        ),
        (
            r#"{"loglisten": {"op": "reset", "logger": "x"}}"#,
            Command::Reset {
                logger: Some("x".into()),
            },
        ),
        (
            r#"{"loglisten": {"op": "apply", "config": {"version": 1}, "if_generation": 7, "dry_run": true}}"#,
            Command::Apply {
                text: r#"{"version": 1}"#.into(),
                if_generation: Some(7),
                dry_run: true,
            },
        ),
        (
            "\u{feff} {\"loglisten\": {\"op\": \"apply\", \"text\": \"[loggers]\"}}",
            Command::Apply {
                text: "[loggers]".into(),
                if_generation: None,
                dry_run: false,
            },
        ),
        (r#"{"loglis\u0074en": {"op": "get"}}"#, Command::Get),
    ];
    for (text, want) in cases {
        assert_eq!(cmd(text), Some(Ok(want)), "{text}");
    }
}

#[test]
fn configurations_are_not_commands() {
    for text in [
        r#"{"version": 1}"#,
        r#"{"version": 1, "loglisten": {"op": "get"}}"#,
        r#"{"loglisten": {"op": "get"}, "x": 1}"#,
        "[loggers]\nkeys=root\n",
        r#"["loglisten"]"#,
        r#"{"loglisten": "#,
        "",
    ] {
        assert_eq!(cmd(text), None, "{text}");
    }
}

#[test]
fn bad_commands_name_the_field() {
    let cases = [
        (
            r#"{"loglisten": 1}"#,
            "loglisten: must be an object with an op, not 1",
        ),
        (
            r#"{"loglisten": {}}"#,
            "op: missing (one of get, set, reset, apply)",
        ),
        (r#"{"loglisten": {"op": 3}}"#, "op: must be a string, not 3"),
        (
            r#"{"loglisten": {"op": "drop"}}"#,
            r#"op: unknown operation "drop" (one of get, set, reset, apply)"#,
        ),
        (
            r#"{"loglisten": {"op": "get", "x": 1}}"#,
            r#""x": unknown field for op get"#,
        ),
        (
            r#"{"loglisten": {"op": "set", "level": "DEBUG"}}"#,
            "logger: missing",
        ),
        (
            r#"{"loglisten": {"op": "set", "logger": 1, "level": "DEBUG"}}"#,
            "logger: must be a string, not 1",
        ),
        (
            r#"{"loglisten": {"op": "set", "logger": "a"}}"#,
            "level: missing",
        ),
        (
            r#"{"loglisten": {"op": "set", "logger": "a", "level": "LOUD"}}"#,
            r#"level: unknown level "LOUD""#,
        ),
        (
            r#"{"loglisten": {"op": "set", "logger": "a", "level": "debug"}}"#,
            r#"level: unknown level "debug""#,
        ),
        (
            r#"{"loglisten": {"op": "set", "logger": "a", "level": -1}}"#,
            "level: must be a level name or a number from 0, not -1",
        ),
        (
            r#"{"loglisten": {"op": "set", "logger": "a", "level": "DEBUG", "ttl_s": -1}}"#,
            "ttl_s: must not be negative, not -1",
        ),
        (
            r#"{"loglisten": {"op": "set", "logger": "a", "level": "DEBUG", "ttl_s": "60"}}"#,
            r#"ttl_s: must be a number of seconds, not "60""#,
        ),
        (
            r#"{"loglisten": {"op": "set", "logger": "a", "level": "DEBUG", "ttl_s": 1e12}}"#,
            "ttl_s: must be at most 2592000 (30 days), not 1000000000000.0",
        ),
        (
            r#"{"loglisten": {"op": "reset", "logger": null}}"#,
            "logger: must be a string, not null",
        ),
        (
            r#"{"loglisten": {"op": "apply"}}"#,
            "config: missing (give config or text)",
        ),
        (
            r#"{"loglisten": {"op": "apply", "config": {}, "text": ""}}"#,
            "config: give config or text, not both",
        ),
        (
            r#"{"loglisten": {"op": "apply", "config": "x"}}"#,
            r#"config: must be an object, not "x""#,
        ),
        (
            r#"{"loglisten": {"op": "apply", "text": "", "if_generation": -1}}"#,
            "if_generation: must be a whole number from 0, not -1",
        ),
        (
            r#"{"loglisten": {"op": "apply", "text": "", "if_generation": 1.5}}"#,
            "if_generation: must be a whole number from 0, not 1.5",
        ),
        (
            r#"{"loglisten": {"op": "apply", "text": "", "dry_run": 1}}"#,
            "dry_run: must be true or false, not 1",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(cmd(text), Some(Err(want.to_string())), "{text}");
    }
}

#[test]
fn to_json_round_trips() {
    let commands = [
        Command::Get,
        Command::Set {
            logger: "a \"b\"".into(),
            level: Level(15).into(),
            ttl: Some(Duration::from_millis(1500)),
        },
        Command::Set {
            logger: "root".into(),
            level: Level::CRITICAL.into(),
            ttl: None,
        },
        Command::Reset { logger: None },
        Command::Reset {
            logger: Some("x".into()),
        },
        Command::Apply {
            text: "[loggers]\nkeys=root".into(),
            if_generation: Some(u64::MAX),
            dry_run: true,
        },
    ];
    for command in commands {
        assert_eq!(cmd(&command.to_json()), Some(Ok(command.clone())));
    }
}

fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(|x| format!("{x:?}")),
        prop_oneof![
            Just("DEBUG"),
            Just("INFO"),
            Just("nope"),
            Just("app.db"),
            Just(""),
            Just("root"),
            Just("get"),
            Just("set"),
            Just("reset"),
            Just("apply"),
            Just("{\"version\": 1}"),
        ]
        .prop_map(|s| format!("{:?}", s)),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop::collection::vec(inner, 0..3).prop_map(|v| format!("[{}]", v.join(", ")))
    })
}

/// A command object with any of the fields, of any JSON type.
pub(crate) fn command_object() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("op"),
        Just("logger"),
        Just("level"),
        Just("ttl_s"),
        Just("config"),
        Just("text"),
        Just("if_generation"),
        Just("dry_run"),
        Just("x"),
    ];
    let op = prop_oneof![
        Just("get"),
        Just("set"),
        Just("reset"),
        Just("apply"),
        Just("zap")
    ];
    (op, prop::collection::vec((key, json_value()), 0..5)).prop_map(|(op, members)| {
        let mut parts = vec![format!("\"op\": \"{op}\"")];
        parts.extend(
            members
                .into_iter()
                .filter(|(k, _)| *k != "op")
                .map(|(k, v)| format!("\"{k}\": {v}")),
        );
        format!("{{\"loglisten\": {{{}}}}}", parts.join(", "))
    })
}

proptest! {
    #[test]
    fn any_command_object_parses_or_fails_in_one_line(text in command_object()) {
        match cmd(&text) {
            Some(Ok(command)) => prop_assert_eq!(cmd(&command.to_json()), Some(Ok(command.clone()))),
            Some(Err(e)) => {
                prop_assert!(!e.contains('\n'));
                let field = e.split(':').next().unwrap_or("");
                prop_assert!(!field.is_empty() && !field.contains(' ') || field.starts_with('"'), "{}", e);
            }
            None => prop_assert!(false, "not seen as a command: {}", text),
        }
    }

    #[test]
    fn any_bytes_detect_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = detect(&bytes);
    }
}
