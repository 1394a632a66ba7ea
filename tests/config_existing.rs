//! Which existing loggers a dictConfig disables, resets or leaves alone,
//! against CPython: the same scenarios (loggers created, then a config
//! naming some of them) run on both sides in one process each, and every
//! logger's `disabled`, level and `propagate` must agree after each
//! config. Skips when python3 is absent.

use loglisten::{dict_config_str, get_logger, json, Level};
use std::collections::BTreeSet;

#[path = "support/python.rs"]
mod python;

const NAMES: [&str; 10] = [
    "a", "a.b", "a.b.c", "a.bc", "ab", "b", "b.a", "a.c.d", "c", "x.y",
];

struct Scenario {
    existing: Vec<&'static str>,
    configured: Vec<&'static str>,
    disable: bool,
}

/// Deterministic pseudo-random scenarios (a linear congruential generator).
fn scenarios() -> Vec<Scenario> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |percent: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % 100 < percent
    };
    (0..80)
        .map(|_| Scenario {
            existing: NAMES.iter().copied().filter(|_| next(35)).collect(),
            configured: NAMES.iter().copied().filter(|_| next(25)).collect(),
            disable: next(50),
        })
        .collect()
}

fn config_text(s: &Scenario) -> String {
    let loggers: Vec<String> = s
        .configured
        .iter()
        .map(|n| format!(r#""{n}": {{"level": "DEBUG"}}"#))
        .collect();
    format!(
        r#"{{"version": 1, "disable_existing_loggers": {}, "loggers": {{{}}}}}"#,
        if s.disable { "true" } else { "false" },
        loggers.join(", ")
    )
}

/// Before each config, every logger of the scenario gets level ERROR,
/// propagate off and disabled off, so a reset or a disable shows.
const PYTHON: &str = r#"
import json, logging, logging.config, sys
out = []
created = set()
for existing, config in json.load(sys.stdin):
    for n in existing:
        lg = logging.getLogger(n)
        lg.setLevel(logging.ERROR); lg.propagate = False; lg.disabled = False
    logging.config.dictConfig(json.loads(config))
    created.update(existing)
    created.update(json.loads(config)["loggers"])
    out.append([[n, logging.getLogger(n).disabled, logging.getLogger(n).level,
                 logging.getLogger(n).propagate] for n in sorted(created)])
print(json.dumps(out))
"#;

fn ours(scenarios: &[Scenario]) -> String {
    let mut created: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    for s in scenarios {
        for n in &s.existing {
            let logger = get_logger(n);
            logger.set_level(Level::ERROR);
            logger.set_propagate(false);
            logger.set_disabled(false);
        }
        dict_config_str(&config_text(s)).unwrap();
        created.extend(s.existing.iter().chain(&s.configured).copied());
        let states: Vec<String> = created
            .iter()
            .map(|n| {
                let l = get_logger(n);
                let py = |b: bool| if b { "true" } else { "false" };
                format!(
                    r#"["{n}", {}, {}, {}]"#,
                    py(l.disabled()),
                    l.level().0,
                    py(l.propagate())
                )
            })
            .collect();
        out.push(format!("[{}]", states.join(", ")));
    }
    format!("[{}]", out.join(", "))
}

#[test]
fn existing_loggers_are_disabled_or_reset_as_cpython_does() {
    let scenarios = scenarios();
    let input: Vec<String> = scenarios
        .iter()
        .map(|s| {
            let existing: Vec<String> = s.existing.iter().map(|n| format!("\"{n}\"")).collect();
            let config = json::Value::from(config_text(s).as_str()).to_string();
            format!("[[{}], {config}]", existing.join(", "))
        })
        .collect();
    let input = format!("[{}]", input.join(", "));
    let Some(output) = python::run_python(PYTHON, &input, "disabling existing loggers") else {
        return;
    };
    let expected = json::parse(&output).unwrap();
    let got = json::parse(&ours(&scenarios)).unwrap();
    let (expected, got) = (expected.as_array().unwrap(), got.as_array().unwrap());
    assert_eq!(expected.len(), scenarios.len());
    for (i, (e, g)) in expected.iter().zip(got).enumerate() {
        assert_eq!(g, e, "after scenario {i}: {}", config_text(&scenarios[i]));
    }
}
