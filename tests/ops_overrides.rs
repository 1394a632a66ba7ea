//! Level overrides through the public API: layered over the
//! configuration, reverting on time to what the configuration says then,
//! visible in the live view. Each test has its own registry.

#[path = "support/audit_lines.rs"]
mod audit_lines;

use audit_lines::Lines;
use loglisten::{Level, Registry};
use std::time::{Duration, Instant};

/// Polls `done` every millisecond for up to `limit`; when it came.
fn when(limit: Duration, done: impl Fn() -> bool) -> Option<Instant> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return Some(Instant::now());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    None
}

#[test]
fn an_override_reverts_after_its_ttl_and_not_before() {
    let registry = Registry::new();
    let log = registry.get_logger("svc");
    for ms in [50, 120, 200] {
        let ttl = Duration::from_millis(ms);
        let set = Instant::now();
        registry
            .set_level_override("svc", Level::DEBUG, Some(ttl))
            .unwrap();
        assert!(log.is_enabled_for(Level::DEBUG));
        let reverted = when(Duration::from_secs(10), || {
            !log.is_enabled_for(Level::DEBUG)
        })
        .expect("the override never expired");
        let took = reverted.duration_since(set);
        assert!(
            took >= ttl,
            "reverted after {took:?}, before its ttl {ttl:?}"
        );
        // Precision is measured in `benches/ops.rs`; here, only shown.
        eprintln!("ttl {ttl:?}: reverted after {took:?}");
        assert!(registry
            .live_view()
            .loggers
            .iter()
            .all(|l| l.level_override.is_none()));
    }
}

#[test]
fn a_push_during_an_override_is_what_it_reverts_to() {
    let registry = Registry::new();
    registry
        .dict_config_str(r#"{"version": 1, "loggers": {"svc": {"level": "ERROR"}}}"#)
        .unwrap();
    let log = registry.get_logger("svc");
    let ttl = Duration::from_millis(150);
    registry
        .set_level_override("svc", Level::DEBUG, Some(ttl))
        .unwrap();
    // A whole configuration, then an INI one: the override stays on top.
    registry
        .dict_config_str(r#"{"version": 1, "loggers": {"svc": {"level": "WARNING"}}}"#)
        .unwrap();
    assert!(log.is_enabled_for(Level::DEBUG));
    let ini = "[loggers]\nkeys=root,svc\n[handlers]\nkeys=\n[formatters]\nkeys=\n\
        [logger_root]\nhandlers=\n[logger_svc]\nlevel=INFO\nhandlers=\nqualname=svc\n";
    registry.file_config_str(ini).unwrap();
    assert!(log.is_enabled_for(Level::DEBUG));
    let view = registry.live_view();
    let svc = view.logger("svc").unwrap();
    assert_eq!(
        (svc.level, svc.effective_level),
        (Level::INFO, Level::DEBUG)
    );
    when(Duration::from_secs(10), || {
        !log.is_enabled_for(Level::DEBUG)
    })
    .unwrap();
    assert_eq!(log.effective_level(), Level::INFO);
    assert!(log.is_enabled_for(Level::INFO));
}

#[test]
fn set_reset_and_expiry_each_move_the_generation() {
    let registry = Registry::new();
    let mut generations = vec![registry.config_generation()];
    let g = registry
        .set_level_override("a", Level::DEBUG, None)
        .unwrap();
    generations.push(g);
    registry.reset_override("a").unwrap();
    generations.push(registry.config_generation());
    // Nothing to reset: nothing changes.
    registry.reset_override("a").unwrap();
    registry.reset_overrides();
    generations.push(registry.config_generation());
    registry
        .set_level_override("a", Level::DEBUG, Some(Duration::from_millis(30)))
        .unwrap();
    generations.push(registry.config_generation());
    let log = registry.get_logger("a");
    when(Duration::from_secs(10), || {
        !log.is_enabled_for(Level::DEBUG)
    })
    .unwrap();
    generations.push(registry.config_generation());
    assert_eq!(generations, [0, 1, 2, 2, 3, 4]);
}

#[test]
fn an_override_on_the_root_reaches_every_inheriting_logger() {
    let registry = Registry::new();
    let deep = registry.get_logger("a.b.c");
    let own = registry.get_logger("own");
    own.set_level(Level::ERROR);
    registry.set_level_override("", Level::DEBUG, None).unwrap();
    assert!(deep.is_enabled_for(Level::DEBUG));
    assert!(!own.is_enabled_for(Level::WARNING));
    // A logger created while the override is on inherits it too.
    assert!(registry.get_logger("later.x").is_enabled_for(Level::DEBUG));
    assert_eq!(registry.reset_override("root"), Ok(true));
    assert!(!deep.is_enabled_for(Level::INFO));
}

#[test]
fn every_override_change_is_audited_without_a_listener() {
    let registry = Registry::new();
    let seen = Lines::default();
    let log = registry.get_logger("loglisten");
    log.add_handler(loglisten::SharedHandler::new(seen.clone()));
    log.set_level(Level::INFO);
    // Adding the handler and setting the level made generations 1 and 2.
    assert_eq!(registry.config_generation(), 2);
    registry
        .set_level_override("a", Level::DEBUG, Some(Duration::from_millis(40)))
        .unwrap();
    registry
        .set_level_override("b", Level::ERROR, None)
        .unwrap();
    let expired = when(Duration::from_secs(10), || {
        seen.0.lock().unwrap().len() == 3
    });
    assert!(expired.is_some(), "{:?}", seen.0.lock().unwrap());
    assert_eq!(registry.reset_override("b"), Ok(true));
    assert_eq!(
        *seen.0.lock().unwrap(),
        [
            "INFO level override DEBUG on a set by the program; generation 3|op=set logger=a \
             level=DEBUG ttl_s=0.04 generation_before=2 generation_after=3 outcome=set by the program",
            "INFO level override ERROR on b set by the program; generation 4|op=set logger=b \
             level=ERROR ttl_s=0 generation_before=3 generation_after=4 outcome=set by the program",
            "INFO level override DEBUG on a expired; generation 5|op=expire logger=a \
             level=DEBUG ttl_s=0.04 generation_before=4 generation_after=5 outcome=expired",
            "INFO level override ERROR on b reset by the program; generation 6|op=reset logger=b \
             level=ERROR ttl_s=0 generation_before=5 generation_after=6 outcome=reset by the program",
        ]
    );
}
