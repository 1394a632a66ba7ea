//! Honest replies: each error says what a user needs to fix it.

#[path = "support/tempdir.rs"]
mod tempdir;

use loglisten::{listen, send_config, Reply};
use tempdir::TempDir;

fn reply_to(config: &[u8]) -> Reply {
    let l = listen(0, None).unwrap();
    send_config(("127.0.0.1", l.port()), config).unwrap()
}

#[test]
fn a_file_error_names_the_file() {
    let dir = TempDir::new("replies");
    let path = dir.join("nodir").join("x.log");
    let config = format!(
        r#"{{"version": 1, "handlers": {{"h": {{"class": "logging.FileHandler", "filename": {:?}}}}},
            "loggers": {{"replies.file": {{"handlers": ["h"]}}}}}}"#,
        path.display().to_string()
    );
    assert_eq!(
        reply_to(config.as_bytes()),
        Reply::Error(format!(
            "handlers.h: cannot open '{}': No such file or directory (os error 2)",
            path.display()
        ))
    );
}

#[test]
fn text_that_starts_like_json_gets_the_json_error() {
    let bom = "\u{feff}";
    for (text, want) in [
        (
            "{\"version\": 1,}".to_string(),
            "trailing comma at line 1 column 14",
        ),
        (
            format!("{bom}{{\"version\": 1,}}"),
            "trailing comma at line 1 column 14",
        ),
        (
            format!("{bom}  {{\"version\": 1"),
            "EOF while parsing an object at line 1 column 16",
        ),
    ] {
        assert_eq!(
            reply_to(text.as_bytes()),
            Reply::Error(want.into()),
            "{text:?}"
        );
    }
    let fine = format!("{bom}{{\"version\": 1, \"incremental\": true}}");
    assert!(matches!(reply_to(fine.as_bytes()), Reply::Ok { .. }));
}

#[test]
fn an_undefined_formatter_says_where_it_should_be_defined() {
    let dict = br#"{"version": 1, "handlers": {"h": {"class": "logging.NullHandler", "formatter": "nosuch"}}}"#;
    assert_eq!(
        reply_to(dict),
        Reply::Error(
            "handlers.h.formatter: Unable to set formatter 'nosuch': \
             it is not defined in formatters"
                .into()
        )
    );
    let ini = "[loggers]\nkeys=root\n[handlers]\nkeys=h\n[formatters]\nkeys=\n\
               [logger_root]\nhandlers=h\n\
               [handler_h]\nclass=NullHandler\nformatter=nosuch\nargs=()\n";
    assert_eq!(
        reply_to(ini.as_bytes()),
        Reply::Error(
            "[handler_h] formatter: Unable to set formatter 'nosuch': \
             it is not defined in [formatters] keys"
                .into()
        )
    );
}
