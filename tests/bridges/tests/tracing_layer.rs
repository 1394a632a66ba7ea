//! The `tracing` layer against the real `tracing` and `tracing-subscriber`:
//! one global subscriber per process, so this file is one test that runs
//! its steps in order.

use bridges::{config, register_capture, take_lines};
use tracing_subscriber::prelude::*;

fn lines(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

const FORMAT: &str = "%(name)s %(levelname)s %(filename)s:%(lineno)d %(message)s";

fn debug_here() -> u32 {
    let line = line!() + 1;
    tracing::debug!(target: "app::jobs", "job started");
    line
}

#[test]
fn events_follow_every_reconfiguration() {
    register_capture();
    let subscriber = tracing_subscriber::registry().with(loglisten::tracing_layer!());
    tracing::subscriber::set_global_default(subscriber).expect("first subscriber");
    // The form with explicit paths (for renamed crates) compiles too.
    let _unused = loglisten::tracing_layer!(::tracing, ::tracing_subscriber);

    loglisten::dict_config_str(&config(FORMAT, "WARNING", "")).unwrap();
    // Cached as never: a DEBUG callsite under a WARNING root.
    debug_here();
    let here = line!() + 1;
    tracing::warn!(target: "app::jobs", "queue long");
    assert_eq!(
        take_lines(),
        lines(&[&format!(
            "app.jobs WARNING tracing_layer.rs:{here} queue long"
        )])
    );

    // A push to DEBUG reaches the callsite already registered as never.
    let debug_jobs = r#""app.jobs": {"level": "DEBUG"}"#;
    loglisten::dict_config_str(&config(FORMAT, "WARNING", debug_jobs)).unwrap();
    let line = debug_here();
    assert_eq!(
        take_lines(),
        lines(&[&format!(
            "app.jobs DEBUG tracing_layer.rs:{line} job started"
        )])
    );

    // Fields: the event's, then the spans' (innermost wins).
    let fields = "%(name)s %(a)s %(b)s %(rows)s %(table)s %(message)s";
    loglisten::dict_config_str(&config(
        fields,
        "INFO",
        r#""app.jobs": {"level": "NOTSET"}"#,
    ))
    .unwrap();
    let outer = tracing::info_span!("outer", a = 1, b = "outer", table = "none");
    let inner = tracing::info_span!(parent: &outer, "inner", b = "inner");
    inner.in_scope(|| {
        tracing::info!(target: "app", rows = 2.5, ok = true, "in {}", "spans");
    });
    // A span's field set again after creation (on_record) is seen.
    outer.record("a", 2);
    let _outer = outer.enter();
    bridges_dep::db::traced_query(7);
    drop(_outer);
    // Outside every span, an explicit parent still gives its spans' fields.
    tracing::info!(target: "app", parent: &inner, rows = 1, "explicit");
    assert_eq!(
        take_lines(),
        lines(&[
            "app 1 inner 2.5 none in spans",
            "bridges_dep.db 2 outer 7 users query done",
            "app 2 inner 1 none explicit",
        ])
    );

    // Through a real listener: raise one dependency's logger, lower
    // another's.
    loglisten::dict_config_str(&config(FORMAT, "WARNING", "")).unwrap();
    let listener = loglisten::listen(0, None).unwrap();
    let addr = ("127.0.0.1", listener.port());
    let pushed = config(
        FORMAT,
        "INFO",
        // The listener's own audit record (logger `loglisten`) kept out.
        r#""app": {"level": "ERROR"}, "bridges_dep.db": {"level": "DEBUG"},
           "loglisten": {"level": "WARNING"}"#,
    );
    let reply = loglisten::send_config(addr, pushed.as_bytes()).unwrap();
    assert!(matches!(reply, loglisten::Reply::Ok { .. }), "{reply}");
    let db = bridges_dep::db::traced_query(1);
    tracing::warn!(target: "app", "hidden now");
    assert_eq!(
        take_lines(),
        lines(&[
            &format!("bridges_dep.db INFO lib.rs:{db} query done"),
            &format!("bridges_dep.db DEBUG lib.rs:{} query plan", db + 1),
        ])
    );

    // An incremental push to TRACE.
    let incremental = r#"{"version": 1, "incremental": true,
        "loggers": {"app.trace": {"level": "TRACE"}}}"#;
    let reply = loglisten::send_config(addr, incremental.as_bytes()).unwrap();
    assert!(matches!(reply, loglisten::Reply::Ok { .. }), "{reply}");
    let here = line!() + 1;
    tracing::trace!(target: "app::trace", "fine detail");
    tracing::trace!(target: "app::other", "not this one");
    assert_eq!(
        take_lines(),
        lines(&[&format!(
            "app.trace TRACE tracing_layer.rs:{here} fine detail"
        )])
    );
    listener.stop();
    listener.join().unwrap();
}
