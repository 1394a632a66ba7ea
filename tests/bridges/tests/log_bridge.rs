//! The `log` bridge against the real `log` crate: one logger per process,
//! so this file is one test that runs its steps in order.

use bridges::{config, register_capture, take_lines};
use log as renamed_log;

fn lines(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A `Display` that writes part of its text, then fails.
struct Failing;
impl std::fmt::Display for Failing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("half")?;
        Err(std::fmt::Error)
    }
}

const FORMAT: &str = "%(name)s %(levelname)s %(filename)s:%(lineno)d %(module)s %(message)s";

#[test]
fn log_records_follow_every_reconfiguration() {
    register_capture();
    loglisten::log_bridge!(kv).expect("first logger");
    assert!(loglisten::log_bridge!().is_err(), "a second install fails");
    // The forms for a renamed `log` crate compile (and find a logger set).
    assert!(loglisten::log_bridge!(renamed_log).is_err());
    assert!(loglisten::log_bridge!(renamed_log, kv).is_err());

    // Root at WARNING: log's max level is Warn exactly.
    loglisten::dict_config_str(&config(FORMAT, "WARNING", "")).unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Warn);
    let first = bridges_dep::log_every_level();
    let here = line!() + 1;
    log::warn!(target: "app::web", "slow request");
    assert_eq!(
        take_lines(),
        lines(&[
            &format!("bridges_dep ERROR lib.rs:{first} lib dep error"),
            &format!("bridges_dep WARNING lib.rs:{} lib dep warn", first + 1),
            &format!("app.web WARNING log_bridge.rs:{here} log_bridge slow request"),
        ])
    );

    // One dependency's logger to DEBUG: max level follows, the others
    // stay at WARNING.
    let debug_db = r#""bridges_dep.db": {"level": "DEBUG"}"#;
    loglisten::dict_config_str(&config(FORMAT, "WARNING", debug_db)).unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Debug);
    let db = bridges_dep::db::query(12);
    bridges_dep::log_every_level();
    log::debug!(target: "app::web", "not shown");
    assert_eq!(
        take_lines(),
        lines(&[
            &format!("bridges_dep.db INFO lib.rs:{db} lib query done"),
            &format!("bridges_dep.db DEBUG lib.rs:{} lib query plan", db + 1),
            &format!("bridges_dep ERROR lib.rs:{first} lib dep error"),
            &format!("bridges_dep WARNING lib.rs:{} lib dep warn", first + 1),
        ])
    );

    // key-values are extra fields. (As in CPython, a logger the config
    // does not name keeps its level: db is reset explicitly.)
    let rows = "%(name)s %(rows)s %(message)s";
    let reset_db = r#""bridges_dep.db": {"level": "NOTSET"}"#;
    loglisten::dict_config_str(&config(rows, "INFO", reset_db)).unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Info);
    bridges_dep::db::query(12);
    let user = "bob";
    log::info!(target: "app", user, attempt = 3, rows = 1.5; "login");
    assert_eq!(
        take_lines(),
        lines(&["bridges_dep.db 12 query done", "app 1.5 login"])
    );

    // A value whose Display fails shows as CPython writes a failed repr;
    // nothing panics.
    let bad = "%(name)s %(bad)s %(message)s";
    loglisten::dict_config_str(&config(bad, "INFO", "")).unwrap();
    log::info!(target: "app", bad:% = Failing; "odd value");
    assert_eq!(take_lines(), lines(&["app <field str() failed> odd value"]));

    // A bad target maps to the root logger; nothing panics.
    loglisten::dict_config_str(&config(FORMAT, "INFO", "")).unwrap();
    log::info!(target: "", "empty target");
    log::info!(target: "::..", "dots only");
    log::info!(target: ".lead", "leading dot");
    let names: Vec<String> = take_lines()
        .iter()
        .map(|l| l.split(' ').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(names, ["root", "root", "lead"]);

    // Through a real listener: raise one dependency, lower another.
    let listener = loglisten::listen(0, None).unwrap();
    let addr = ("127.0.0.1", listener.port());
    let pushed = config(
        FORMAT,
        "WARNING",
        r#""bridges_dep": {"level": "ERROR"}, "bridges_dep.db": {"level": "DEBUG"}"#,
    );
    let reply = loglisten::send_config(addr, pushed.as_bytes()).unwrap();
    assert!(matches!(reply, loglisten::Reply::Ok { .. }), "{reply}");
    assert_eq!(log::max_level(), log::LevelFilter::Debug);
    bridges_dep::log_every_level();
    let db = bridges_dep::db::query(1);
    assert_eq!(
        take_lines(),
        lines(&[
            &format!("bridges_dep ERROR lib.rs:{first} lib dep error"),
            &format!("bridges_dep.db INFO lib.rs:{db} lib query done"),
            &format!("bridges_dep.db DEBUG lib.rs:{} lib query plan", db + 1),
        ])
    );

    // An incremental push to TRACE: max level Trace, trace records shown.
    let incremental = r#"{"version": 1, "incremental": true,
        "loggers": {"bridges_dep": {"level": "TRACE"}}}"#;
    let reply = loglisten::send_config(addr, incremental.as_bytes()).unwrap();
    assert!(matches!(reply, loglisten::Reply::Ok { .. }), "{reply}");
    assert_eq!(log::max_level(), log::LevelFilter::Trace);
    bridges_dep::log_every_level();
    assert_eq!(
        take_lines(),
        lines(&[
            &format!("bridges_dep ERROR lib.rs:{first} lib dep error"),
            &format!("bridges_dep WARNING lib.rs:{} lib dep warn", first + 1),
            &format!("bridges_dep INFO lib.rs:{} lib dep info", first + 2),
            &format!("bridges_dep DEBUG lib.rs:{} lib dep debug", first + 3),
            &format!("bridges_dep TRACE lib.rs:{} lib dep trace", first + 4),
        ])
    );

    // A level set in process moves max level too; everything off: Off.
    loglisten::get_logger("bridges_dep").set_level(loglisten::Level::INFO);
    assert_eq!(log::max_level(), log::LevelFilter::Debug);
    let reset = r#""bridges_dep": {"level": "NOTSET"}, "bridges_dep.db": {"level": "NOTSET"}"#;
    loglisten::dict_config_str(&config(FORMAT, "CRITICAL", reset)).unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Off);
    listener.stop();
    listener.join().unwrap();
}
