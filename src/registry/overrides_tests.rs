//! Overrides and their timer, from inside: the thread's life, the
//! table, the hooks, the wire's ttl parser.

use super::*;
use crate::level::Level;
use proptest::prelude::*;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

/// Waits up to `limit` for `done`; whether it came.
fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        thread::sleep(Duration::from_millis(2));
    }
    done()
}

/// Override changes as a hook saw them, with when they came.
type Seen = Arc<Mutex<Vec<(Change, Instant)>>>;

/// A registry whose override changes are recorded.
fn recorded() -> (Registry, Seen) {
    let registry = Registry::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    registry.add_override_hook(Arc::new(move |c: &Change| {
        sink.lock().unwrap().push((c.clone(), Instant::now()));
    }));
    (registry, seen)
}

const LONG: Duration = Duration::from_secs(5);

#[test]
fn no_override_runs_no_timer_and_the_last_expiry_ends_it() {
    let registry = Registry::new();
    registry.get_logger("app").set_level(Level::INFO);
    assert!(!registry.timer_running());
    // An override until reset needs no timer either.
    registry
        .set_level_override("app", Level::DEBUG, None)
        .unwrap();
    assert!(!registry.timer_running());
    registry
        .set_level_override("app.x", Level::DEBUG, Some(Duration::from_millis(60)))
        .unwrap();
    assert!(registry.timer_running());
    assert!(wait_for(LONG, || !registry.timer_running()));
    assert_eq!(registry.timer_spawns(), 1);
    // The override until reset is still there.
    assert!(registry.get_logger("app").is_enabled_for(Level::DEBUG));
}

#[test]
fn a_reset_stops_the_timer_at_once() {
    let registry = Registry::new();
    let ttl = Some(Duration::from_secs(3600));
    registry.set_level_override("a", Level::DEBUG, ttl).unwrap();
    assert!(registry.timer_running());
    assert_eq!(registry.reset_overrides(), 1);
    assert!(wait_for(LONG, || !registry.timer_running()));
}

#[test]
fn a_dropped_registry_ends_its_timer() {
    let registry = Registry::new();
    let ttl = Some(Duration::from_secs(3600));
    registry.set_level_override("a", Level::DEBUG, ttl).unwrap();
    let timer = Arc::clone(&registry.core.timer);
    drop(registry);
    assert!(wait_for(LONG, || !Registry::timer_serving(&timer)));
}

#[test]
fn expiry_reverts_to_the_configuration_of_that_moment() {
    let (registry, seen) = recorded();
    let app = registry.get_logger("app");
    let child = registry.get_logger("app.db");
    app.set_level(Level::ERROR);
    let ttl = Duration::from_millis(150);
    let set_at = Instant::now();
    let generation = registry
        .set_level_override("app", Level::DEBUG, Some(ttl))
        .unwrap();
    assert_eq!(generation, 2);
    // The child inherits the override; the configured level is kept.
    assert!(child.is_enabled_for(Level::DEBUG));
    assert_eq!(app.level(), Level::ERROR);
    assert_eq!(app.effective_level(), Level::DEBUG);
    // A whole configuration meanwhile does not cancel it.
    let config = r#"{"version": 1, "disable_existing_loggers": false,
        "loggers": {"app": {"level": "INFO"}}}"#;
    registry.dict_config_str(config).unwrap();
    assert!(child.is_enabled_for(Level::DEBUG));
    assert_eq!(app.level(), Level::INFO);
    assert!(wait_for(LONG, || !child.is_enabled_for(Level::DEBUG)));
    // Back to the configuration pushed meanwhile, not the one before.
    assert!(child.is_enabled_for(Level::INFO));
    assert_eq!(registry.config_generation(), 4);
    let seen = seen.lock().unwrap();
    let reasons: Vec<_> = seen.iter().map(|(c, _)| (c.reason, c.generation)).collect();
    assert_eq!(reasons, [(Reason::Set, 2), (Reason::Expired, 4)]);
    let (expired, at) = &seen[1];
    assert_eq!(expired.logger, "app");
    assert_eq!((expired.level, expired.ttl), (Level::DEBUG, Some(ttl)));
    // Never before its time.
    assert!(at.duration_since(set_at) >= ttl);
}

#[test]
fn replacing_an_override_moves_its_deadline() {
    let registry = Registry::new();
    let log = registry.get_logger("a");
    let short = Some(Duration::from_millis(50));
    registry
        .set_level_override("a", Level::DEBUG, short)
        .unwrap();
    registry.set_level_override("a", Level::INFO, None).unwrap();
    thread::sleep(Duration::from_millis(120));
    // The first deadline is gone with the override it belonged to.
    assert!(log.is_enabled_for(Level::INFO));
    assert!(!log.is_enabled_for(Level::DEBUG));
    assert!(wait_for(LONG, || !registry.timer_running()));
}

#[test]
fn resets_tell_the_hooks_and_unknown_names_are_errors() {
    let (registry, seen) = recorded();
    registry
        .set_level_override("a", Level::DEBUG, None)
        .unwrap();
    registry
        .set_level_override("b", Level::ERROR, Some(LONG))
        .unwrap();
    let before = registry.config_generation();
    let err = registry.reset_override("a.nope").unwrap_err();
    assert_eq!(err.to_string(), "logger: no logger named 'a.nope'");
    assert_eq!(registry.config_generation(), before);
    assert_eq!(registry.reset_override("a"), Ok(true));
    assert_eq!(registry.reset_override("a"), Ok(false));
    assert_eq!(registry.reset_overrides(), 1);
    assert_eq!(registry.reset_overrides(), 0);
    assert_eq!(registry.config_generation(), before + 2);
    let seen = seen.lock().unwrap();
    let summary: Vec<_> = seen
        .iter()
        .map(|(c, _)| (c.logger.as_str(), c.reason, c.level))
        .collect();
    assert_eq!(
        summary,
        [
            ("a", Reason::Set, Level::DEBUG),
            ("b", Reason::Set, Level::ERROR),
            ("a", Reason::Reset, Level::DEBUG),
            ("b", Reason::Reset, Level::ERROR),
        ]
    );
}

#[test]
fn a_removed_hook_is_not_called() {
    let registry = Registry::new();
    let count = Arc::new(Mutex::new(0));
    let sink = Arc::clone(&count);
    let id = registry.add_override_hook(Arc::new(move |_: &Change| *sink.lock().unwrap() += 1));
    registry
        .set_level_override("a", Level::DEBUG, None)
        .unwrap();
    registry.remove_override_hook(id);
    registry.reset_overrides();
    assert_eq!(*count.lock().unwrap(), 1);
}

#[test]
fn a_thousand_overrides_expire_once_each_on_one_thread() {
    let (registry, seen) = recorded();
    let count = 1000;
    let start = Instant::now();
    let mut set_at = Vec::with_capacity(count);
    for i in 0..count {
        // Distinct deadlines, in an order unlike the loggers'.
        let ttl = Duration::from_millis(400 + (i * 7919 % count) as u64);
        set_at.push((Instant::now(), ttl));
        registry
            .set_level_override(&format!("l{i}"), Level::DEBUG, Some(ttl))
            .unwrap();
    }
    let done = || {
        let seen = seen.lock().unwrap();
        seen.iter()
            .filter(|(c, _)| c.reason == Reason::Expired)
            .count()
            == count
    };
    assert!(wait_for(Duration::from_secs(30), done));
    assert!(wait_for(LONG, || !registry.timer_running()));
    let seen = seen.lock().unwrap();
    let mut expired: Vec<(usize, Instant)> = seen
        .iter()
        .filter(|(c, _)| c.reason == Reason::Expired)
        .map(|(c, at)| (c.logger[1..].parse().unwrap(), *at))
        .collect();
    expired.sort();
    let loggers: Vec<usize> = expired.iter().map(|(i, _)| *i).collect();
    assert_eq!(loggers, (0..count).collect::<Vec<_>>());
    for (i, at) in expired {
        let (set, ttl) = set_at[i];
        assert!(at.duration_since(set) >= ttl, "l{i} expired early");
    }
    // Setting them all took less than the shortest ttl, so the timer never
    // ran out of work in between.
    if start.elapsed() < Duration::from_millis(400) {
        assert_eq!(registry.timer_spawns(), 1);
    }
    let view = registry.live_view();
    assert!(view.loggers.iter().all(|l| l.level_override.is_none()));
    assert!(!registry.get_logger("l0").is_enabled_for(Level::DEBUG));
}

#[test]
fn an_override_too_long_changes_nothing() {
    let registry = Registry::new();
    let ttl = Some(MAX_TTL + Duration::from_millis(1));
    let err = registry
        .set_level_override("a", Level::DEBUG, ttl)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "ttl: must be at most 2592000 seconds (30 days), not 2592000.001"
    );
    assert_eq!(registry.config_generation(), 0);
    assert!(registry
        .set_level_override("a", Level::DEBUG, Some(MAX_TTL))
        .is_ok());
    assert!(!registry.get_logger("b").is_enabled_for(Level::DEBUG));
    assert!(registry.get_logger("a").is_enabled_for(Level::DEBUG));
}

#[test]
fn disabled_loggers_stay_disabled_under_an_override() {
    let registry = Registry::new();
    let log = registry.get_logger("a");
    log.set_disabled(true);
    registry
        .set_level_override("a", Level::DEBUG, None)
        .unwrap();
    assert!(!log.is_enabled_for(Level::CRITICAL));
}

#[test]
fn the_table_keeps_deadlines_in_step() {
    let mut table = Overrides::default();
    let now = Instant::now();
    let at = |ms| Some(now + Duration::from_millis(ms));
    let o = |level, expires| Override {
        level,
        ttl: None,
        expires,
    };
    table.insert(1, o(Level::DEBUG, at(30)));
    table.insert(2, o(Level::INFO, at(10)));
    table.insert(3, o(Level::ERROR, None));
    assert_eq!(table.next_deadline(), at(10));
    // Replacing 2 drops its deadline.
    table.insert(2, o(Level::INFO, at(50)));
    assert_eq!(table.next_deadline(), at(30));
    let due = table.take_due(now + Duration::from_millis(40));
    assert_eq!(due, [(1, o(Level::DEBUG, at(30)))]);
    assert_eq!(table.remove(2), Some(o(Level::INFO, at(50))));
    assert_eq!(table.next_deadline(), None);
    assert_eq!(table.len(), 1);
    assert_eq!(table.clear(), [(3, o(Level::ERROR, None))]);
}

#[test]
fn ttl_seconds_parse_as_the_wire_gives_them() {
    let parse = |text: &str| parse_ttl_seconds(Some(&crate::json::parse(text).unwrap()));
    assert_eq!(parse_ttl_seconds(None), Ok(Some(Duration::from_secs(600))));
    assert_eq!(parse("0"), Ok(None));
    assert_eq!(parse("0.0"), Ok(None));
    assert_eq!(parse("90"), Ok(Some(Duration::from_secs(90))));
    assert_eq!(parse("0.25"), Ok(Some(Duration::from_millis(250))));
    assert_eq!(parse("2592000"), Ok(Some(MAX_TTL)));
    let errors = [
        ("-1", "ttl_s: must not be negative, not -1"),
        ("-0.5", "ttl_s: must not be negative, not -0.5"),
        (
            "2592000.5",
            "ttl_s: must be at most 2592000 (30 days), not 2592000.5",
        ),
        ("\"10m\"", "ttl_s: must be a number of seconds, not \"10m\""),
        ("null", "ttl_s: must be a number of seconds, not null"),
        ("true", "ttl_s: must be a number of seconds, not true"),
        ("[1]", "ttl_s: must be a number of seconds, not [1]"),
    ];
    for (text, message) in errors {
        assert_eq!(parse(text), Err(message.to_string()), "{text}");
    }
}

proptest! {
    #[test]
    fn any_number_of_seconds_is_parsed_or_refused(secs in proptest::num::f64::ANY) {
        let value = crate::json::Number::from_f64(secs).map(crate::json::Value::from);
        if let Some(value) = value {
            match parse_ttl_seconds(Some(&value)) {
                Ok(None) => prop_assert_eq!(secs, 0.0),
                Ok(Some(d)) => {
                    prop_assert!(secs > 0.0 && d <= MAX_TTL);
                    prop_assert!((d.as_secs_f64() - secs).abs() <= 1e-6 * secs.max(1.0));
                }
                Err(message) => {
                    prop_assert!(message.starts_with("ttl_s: "));
                    prop_assert!(!(0.0..=MAX_TTL.as_secs_f64()).contains(&secs));
                }
            }
        }
    }

    #[test]
    fn any_json_value_is_parsed_or_refused_without_panic(text in "[-+.0-9eE\"a-z\\[\\]{}:, ]{0,16}") {
        if let Ok(value) = crate::json::parse(&text) {
            let result = parse_ttl_seconds(Some(&value));
            if let Err(message) = result {
                prop_assert!(message.starts_with("ttl_s: must "));
            }
        }
    }
}
