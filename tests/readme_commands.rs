//! The README's Python client snippets for `get` and `set`, taken from
//! README.md at test time and run with python3 against a listener.

use loglisten::{Level, Listener, Registry};

#[path = "support/python.rs"]
mod python;

/// The ```python block of README.md whose first line is `# loglisten: NAME`.
fn snippet(name: &str) -> String {
    let readme = include_str!("../README.md");
    let start = format!("```python\n# loglisten: {name}\n");
    let at = readme
        .find(&start)
        .unwrap_or_else(|| panic!("no {name} snippet"));
    let body = &readme[at + "```python\n".len()..];
    body[..body.find("```").unwrap()].to_string()
}

/// The client, the command's snippet, the port.
fn script(name: &str, port: u16) -> String {
    let client = snippet("client").replace("port=9030", &format!("port={port}"));
    format!("{client}\n{}", snippet(name))
}

#[test]
fn the_get_and_set_snippets_work() {
    let r = Registry::new();
    r.dict_config_str(r#"{"version": 1, "loggers": {"app.db": {"level": "ERROR"}}}"#)
        .unwrap();
    let l = Listener::builder().registry(&r).port(0).spawn().unwrap();

    let Some(out) = python::run_python(&script("set", l.port()), "", "the README's set snippet")
    else {
        return;
    };
    assert_eq!(out, "ok set 2 DEBUG 600\n");
    assert!(r.get_logger("app.db").is_enabled_for(Level::DEBUG));

    let out = python::run_python(&script("get", l.port()), "", "the README's get snippet").unwrap();
    assert_eq!(
        out,
        "ok get 2\n\
         root WARNING WARNING None\n\
         app.db ERROR DEBUG {'level': 'DEBUG', 'ttl_s': 600, 'remaining_s': REM}\n\
         loglisten NOTSET WARNING None\n"
            .replace(
                "REM",
                out.split("'remaining_s': ")
                    .nth(1)
                    .map_or("?", |r| r.split('}').next().unwrap()),
            )
    );
    let remaining: f64 = out
        .split("'remaining_s': ")
        .nth(1)
        .unwrap()
        .split('}')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(remaining > 590.0 && remaining <= 600.0, "{remaining}");
}

#[test]
fn the_reset_and_apply_snippets_work() {
    let r = Registry::new();
    r.set_level_override("app.db", Level::DEBUG, None).unwrap();
    let l = Listener::builder().registry(&r).port(0).spawn().unwrap();
    let what = "the README's reset snippet";
    let Some(out) = python::run_python(&script("reset", l.port()), "", what) else {
        return;
    };
    assert_eq!(out, "ok reset 2\nok reset 2\n");
    assert_eq!(r.get_logger("app.db").effective_level(), Level::WARNING);
    let what = "the README's apply snippet";
    let out = python::run_python(&script("apply", l.port()), "", what).unwrap();
    assert_eq!(out, "ok check\nok dict 3\n");
    assert_eq!(r.get_logger("").level(), Level::INFO);
}
