//! Applying a typical configuration in-process, from text to live: one
//! formatter, a stream and a file handler, three loggers; as dictConfig
//! JSON and as fileConfig INI.

mod support;

use std::time::Duration;
use support::{measure, report_time};

fn main() {
    let dir = std::env::temp_dir().join(format!("loglisten-bench-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let log = dir.join("app.log").display().to_string();
    let json = format!(
        r#"{{"version": 1, "disable_existing_loggers": false,
  "formatters": {{"plain": {{"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}}}},
  "handlers": {{
    "console": {{"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr", "level": "WARNING"}},
    "file": {{"class": "logging.FileHandler", "formatter": "plain", "filename": "{log}"}}
  }},
  "loggers": {{
    "app": {{"level": "INFO", "handlers": ["file"]}},
    "app.db": {{"level": "DEBUG"}},
    "app.http": {{"level": "WARNING", "propagate": false, "handlers": ["console"]}}
  }},
  "root": {{"level": "WARNING", "handlers": ["console"]}}}}"#
    );
    let ini = format!(
        "[loggers]\nkeys=root,app,db,http\n\n[handlers]\nkeys=console,file\n\n[formatters]\nkeys=plain\n\n\
         [logger_root]\nlevel=WARNING\nhandlers=console\n\n\
         [logger_app]\nqualname=app\nlevel=INFO\nhandlers=file\n\n\
         [logger_db]\nqualname=app.db\nlevel=DEBUG\nhandlers=\n\n\
         [logger_http]\nqualname=app.http\nlevel=WARNING\npropagate=0\nhandlers=console\n\n\
         [handler_console]\nclass=StreamHandler\nlevel=WARNING\nformatter=plain\nargs=(sys.stderr,)\n\n\
         [handler_file]\nclass=FileHandler\nformatter=plain\nargs=('{log}', 'a')\n\n\
         [formatter_plain]\nformat=%(asctime)s %(levelname)s %(name)s %(message)s\n"
    );
    let sample = Duration::from_millis(200);
    let options = loglisten::FileConfigOptions {
        disable_existing_loggers: false,
        ..Default::default()
    };
    let stats = measure(15, sample, || {
        loglisten::dict_config_str(&json).expect("applies")
    });
    report_time("dictConfig from JSON text to live", &stats);
    let stats = measure(15, sample, || {
        loglisten::file_config_str_with(&ini, &options).expect("applies")
    });
    report_time("fileConfig from INI text to live", &stats);
    let value = loglisten::json::parse(&json).expect("parses");
    let stats = measure(15, sample, || {
        loglisten::json::parse(&json).expect("parses")
    });
    report_time("  of which: JSON parse", &stats);
    let stats = measure(15, sample, || {
        loglisten::check_config(json.as_bytes()).expect("checks")
    });
    report_time("  of which: read and check (no I/O)", &stats);
    let stats = measure(15, sample, || {
        loglisten::dict_config(&value).expect("applies")
    });
    report_time("dictConfig from a parsed value", &stats);
    // Each push changes the log file and the format, so every apply opens a
    // file, closes the old one and compiles its formatter.
    let other = json
        .replace("app.log", "other.log")
        .replace("%(name)s %(message)s", "%(message)s");
    let mut flip = false;
    let stats = measure(15, sample, || {
        flip = !flip;
        loglisten::dict_config_str(if flip { &other } else { &json }).expect("applies")
    });
    report_time("dictConfig alternating two files and formats", &stats);
    loglisten::shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}
