//! Commands over the wire (get, set, reset, apply with preconditions) and
//! the audit of each message: the exact fields.

#[path = "support/audit_lines.rs"]
mod audit_lines;

use audit_lines::Lines;
use loglisten::listener::Audit;
use loglisten::verify::{sign, sign_at, HmacVerifier};
use loglisten::{
    send_command, send_config, Command, Level, Listener, Op, Registry, Reply, SendOptions,
    SharedHandler,
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

type Audits = Arc<Mutex<Vec<Audit>>>;

fn listener(r: &Registry, key: Option<&[u8]>) -> (Listener, Audits) {
    let audits = Audits::default();
    let sink = Arc::clone(&audits);
    let mut b = Listener::builder()
        .registry(r)
        .port(0)
        .on_audit(move |a| sink.lock().unwrap().push(a.clone()));
    if let Some(key) = key {
        b = b.verify_hmac(HmacVerifier::new(key.to_vec()));
    }
    (b.spawn().unwrap(), audits)
}

fn sha256_hex(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("loglisten-cmd-sha-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}", bytes.len()));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("sha256sum")
        .arg(&path)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

fn my_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").unwrap().uid()
}

/// The fields with the peer's port taken out (it is the client's).
fn fields(a: &Audit) -> String {
    let text = a.fields_text();
    let rest = text.split_once(' ').unwrap().1;
    assert!(text.starts_with("peer=127.0.0.1:"), "{text}");
    rest.to_string()
}

fn last(audits: &Audits) -> Audit {
    audits.lock().unwrap().last().unwrap().clone()
}

#[test]
fn set_get_reset_over_the_wire_with_their_audit() {
    let r = Registry::new();
    r.dict_config_str(r#"{"version": 1, "loggers": {"app.db": {"level": "ERROR"}}}"#)
        .unwrap();
    let (l, audits) = listener(&r, None);
    let addr = ("127.0.0.1", l.port());
    let o = SendOptions::default();
    let set = Command::Set {
        logger: "app.db".into(),
        level: Level::DEBUG.into(),
        ttl: Some(Duration::from_secs(600)),
    };
    let answer = send_command(addr, &set, &o).unwrap();
    assert_eq!(
        answer.reply,
        Reply::Done {
            op: Op::Set,
            generation: 2
        }
    );
    let body = answer.json().unwrap();
    assert_eq!(body.get("effective_level").unwrap().as_str(), Some("DEBUG"));
    assert_eq!(body.get("level").unwrap().as_str(), Some("ERROR"));
    assert!(r.get_logger("app.db").is_enabled_for(Level::DEBUG));
    let sha = sha256_hex(set.to_json().as_bytes());
    assert_eq!(
        fields(&last(&audits)),
        format!(
            "uid={} op=set logger=app.db level=DEBUG ttl_s=600 generation_before=1 \
             generation_after=2 sha256={sha} outcome=ok set 2",
            my_uid()
        )
    );

    // A push while the override is active does not cancel it.
    let push = br#"{"version": 1, "disable_existing_loggers": false, "loggers": {"app.db": {"level": "CRITICAL"}}}"#;
    assert!(matches!(
        send_config(addr, push).unwrap(),
        Reply::Ok { generation: 3, .. }
    ));
    assert!(r.get_logger("app.db").is_enabled_for(Level::DEBUG));
    assert_eq!(
        fields(&last(&audits)),
        format!(
            "uid={} op=push generation_before=2 generation_after=3 sha256={} outcome=ok dict 3",
            my_uid(),
            sha256_hex(push)
        )
    );

    let view = send_command(addr, &Command::Get, &o).unwrap();
    assert_eq!(
        view.reply,
        Reply::Done {
            op: Op::Get,
            generation: 3
        }
    );
    let view = view.json().unwrap();
    let db = view.get("loggers").unwrap().get("app.db").unwrap();
    assert_eq!(db.get("level").unwrap().as_str(), Some("CRITICAL"));
    let o_db = view.get("overrides").unwrap().get("app.db").unwrap();
    assert_eq!(o_db.get("ttl_s").unwrap().as_u64(), Some(600));
    assert!(o_db.get("remaining_s").unwrap().as_f64().unwrap() <= 600.0);
    assert_eq!(view.get("generation").unwrap().as_u64(), Some(3));
    assert!(view.get("config").unwrap().get("version").is_some());

    let reset = Command::Reset {
        logger: Some("app.db".into()),
    };
    let answer = send_command(addr, &reset, &o).unwrap();
    assert_eq!(
        answer.reply,
        Reply::Done {
            op: Op::Reset,
            generation: 4
        }
    );
    assert!(!r.get_logger("app.db").is_enabled_for(Level::ERROR));
    assert!(fields(&last(&audits))
        .contains("op=reset logger=app.db generation_before=3 generation_after=4"));
}

#[test]
fn bad_commands_change_nothing_and_say_which_field() {
    let r = Registry::new();
    let (l, audits) = listener(&r, None);
    let addr = ("127.0.0.1", l.port());
    let cases: [(&[u8], &str); 5] = [
        (
            br#"{"loglisten": {"op": "frob"}}"#,
            r#"error: op: unknown operation "frob" (one of get, set, reset, apply)"#,
        ),
        (
            br#"{"loglisten": {"op": "set", "logger": "a", "level": "LOUD"}}"#,
            r#"error: level: unknown level "LOUD""#,
        ),
        (
            br#"{"loglisten": {"op": "set", "logger": "a", "level": "INFO", "ttl_s": -5}}"#,
            "error: ttl_s: must not be negative, not -5",
        ),
        (
            br#"{"loglisten": {"op": "reset", "logger": "nobody"}}"#,
            "error: logger: no logger named 'nobody'",
        ),
        (
            br#"{"loglisten": {"op": "apply", "text": "{\"version\": 1}", "if_generation": 9}}"#,
            "error: generation is 0, not 9",
        ),
    ];
    for (payload, want) in cases {
        let reply = send_config(addr, payload).unwrap();
        assert_eq!(reply.to_string(), want);
        assert_eq!(r.config_generation(), 0);
    }
    let a = last(&audits);
    assert_eq!(a.generation_before, 0);
    assert_eq!(a.generation_after, 0);
}

#[test]
fn dry_run_answers_ok_check_or_the_push_error() {
    let r = Registry::new();
    let (l, _audits) = listener(&r, None);
    let addr = ("127.0.0.1", l.port());
    let o = SendOptions::default();
    let bad = r#"{"version": 1, "handlers": {"h": {"class": "logging.NoSuchHandler"}}}"#;
    let dry = |text: &str| Command::Apply {
        text: text.into(),
        if_generation: None,
        dry_run: true,
    };
    let push_error = send_config(addr, bad.as_bytes()).unwrap();
    let answer = send_command(addr, &dry(bad), &o).unwrap();
    assert_eq!(answer.reply, push_error);
    assert!(matches!(push_error, Reply::Error(_)));
    let good = r#"{"version": 1, "root": {"level": "DEBUG"}}"#;
    assert_eq!(
        send_command(addr, &dry(good), &o).unwrap().reply,
        Reply::Checked
    );
    assert_eq!(r.config_generation(), 0);
    let cas = Command::Apply {
        text: good.into(),
        if_generation: Some(0),
        dry_run: false,
    };
    let answer = send_command(addr, &cas, &o).unwrap();
    assert!(matches!(answer.reply, Reply::Ok { generation: 1, .. }));
    assert_eq!(r.get_logger("").level(), Level::DEBUG);
}

#[test]
fn signed_commands_carry_the_key_id_and_refusals_their_reason() {
    let r = Registry::new();
    let key = b"audit key";
    let (l, audits) = listener(&r, Some(key));
    let addr = ("127.0.0.1", l.port());
    let signed = SendOptions {
        key: Some(key.to_vec()),
        ..SendOptions::default()
    };
    let answer = send_command(addr, &Command::Get, &signed).unwrap();
    assert_eq!(
        answer.reply,
        Reply::Done {
            op: Op::Get,
            generation: 0
        }
    );
    let a = last(&audits);
    assert_eq!(a.key_id.as_deref(), Some(&sha256_hex(key)[..8]));
    assert_eq!(
        a.sha256,
        Some(sha256_hex(Command::Get.to_json().as_bytes()))
    );
    // Unsigned: refused, and the audit says only what it knows.
    let plain = send_command(addr, &Command::Get, &SendOptions::default()).unwrap();
    assert_eq!(plain.reply, Reply::Rejected);
    assert_eq!(last(&audits).refusal, Some("malformed"));
    // Replayed and stale signatures.
    let msg = sign(key, br#"{"loglisten": {"op": "get"}}"#);
    assert!(matches!(
        send_config(addr, &msg).unwrap(),
        Reply::Done { .. }
    ));
    assert_eq!(send_config(addr, &msg).unwrap(), Reply::Rejected);
    let a = last(&audits);
    assert_eq!(a.refusal, Some("replayed signature"));
    assert_eq!(a.sha256, Some(sha256_hex(&msg)));
    assert!(
        fields(&a).ends_with("refusal=replayed signature outcome=rejected"),
        "{}",
        fields(&a)
    );
    let old = sign_at(
        key,
        b"{}",
        SystemTime::now() - Duration::from_secs(3600),
        [7; 16],
    );
    assert_eq!(send_config(addr, &old).unwrap(), Reply::Rejected);
    assert_eq!(last(&audits).refusal, Some("stale signature"));
    assert_eq!(last(&audits).key_id, None);
}

#[test]
fn records_on_the_loglisten_logger_carry_the_fields_once() {
    let r = Registry::new();
    let (l, audits) = listener(&r, None);
    let seen = Lines::default();
    let log = r.get_logger("loglisten");
    log.add_handler(SharedHandler::new(seen.clone()));
    log.set_level(Level::DEBUG);
    let addr = ("127.0.0.1", l.port());
    let set = Command::Set {
        logger: "x".into(),
        level: Level::INFO.into(),
        ttl: Some(Duration::from_millis(200)),
    };
    send_command(addr, &set, &SendOptions::default()).unwrap();
    let a = last(&audits);
    let lines = seen.0.lock().unwrap().clone();
    assert_eq!(
        lines.len(),
        1,
        "one record for the command, none from the override hook: {lines:?}"
    );
    assert_eq!(
        lines[0],
        format!(
            "INFO set command generation 3 from {}|{}",
            a.peer,
            a.fields_text()
        )
    );
    // The expiry, and a set by the program itself, are audited too.
    std::thread::sleep(Duration::from_millis(450));
    r.set_level_override("y", Level::ERROR, None).unwrap();
    let lines = seen.0.lock().unwrap().clone();
    assert_eq!(
        lines[1..],
        [
            "INFO level override INFO on x expired; generation 4|op=expire logger=x level=INFO \
             ttl_s=0.2 generation_before=3 generation_after=4 outcome=expired",
            "INFO level override ERROR on y set by the program; generation 5|op=set logger=y \
             level=ERROR ttl_s=0 generation_before=4 generation_after=5 outcome=set by the program",
        ]
    );
}

#[test]
fn a_watched_file_version_is_audited_like_a_push() {
    let r = Registry::new();
    r.dict_config_str(r#"{"version": 1, "incremental": true}"#)
        .unwrap();
    let seen = Lines::default();
    let log = r.get_logger("loglisten");
    log.add_handler(SharedHandler::new(seen.clone()));
    log.set_level(Level::INFO);
    let dir = std::env::temp_dir().join(format!("loglisten-cmd-watch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("logging.json");
    let config =
        br#"{"version": 1, "disable_existing_loggers": false, "root": {"level": "ERROR"}}"#;
    std::fs::write(&path, config).unwrap();
    let options = loglisten::WatchOptions::default()
        .interval(Duration::from_millis(20))
        .registry(&r);
    let watcher = loglisten::watch_file(&path, options).unwrap();
    // A version that fails keeps the generation: before and after equal.
    let bad = br#"{"version": 2}"#;
    let tmp = dir.join("logging.json.tmp");
    std::fs::write(&tmp, bad).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    let start = std::time::Instant::now();
    while seen.0.lock().unwrap().len() < 2 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    watcher.stop();
    let lines = seen.0.lock().unwrap().clone();
    assert_eq!(
        lines,
        [
            format!(
                "INFO applied dict config generation 4 from file {p}|op=file path={p} sha256={} \
                 generation_before=3 generation_after=4 outcome=applied dict config generation 4",
                sha256_hex(config),
                p = path.display()
            ),
            format!(
                "WARNING config file {p} not applied: version: Unsupported version: 2|op=file \
                 path={p} sha256={} generation_before=4 generation_after=4 \
                 outcome=config not applied: version: Unsupported version: 2",
                sha256_hex(bad),
                p = path.display()
            )
        ]
    );
}

#[test]
fn a_dry_run_is_confined_like_a_push() {
    let r = Registry::new();
    let dir = std::env::temp_dir().join(format!("loglisten-cmd-confine-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let l = Listener::builder()
        .registry(&r)
        .port(0)
        .allow_dirs([&dir])
        .spawn()
        .unwrap();
    let addr = ("127.0.0.1", l.port());
    let outside = r#"{"version": 1, "handlers": {"h": {"class": "logging.FileHandler", "filename": "/tmp/loglisten-cmd-outside.log"}}}"#;
    let push = send_config(addr, outside.as_bytes()).unwrap();
    assert!(
        matches!(&push, Reply::Error(m) if m.contains("outside the allowed directories")),
        "{push:?}"
    );
    let dry = Command::Apply {
        text: outside.into(),
        if_generation: None,
        dry_run: true,
    };
    assert_eq!(
        send_command(addr, &dry, &SendOptions::default())
            .unwrap()
            .reply,
        push
    );
    assert!(!std::path::Path::new("/tmp/loglisten-cmd-outside.log").exists());
}
