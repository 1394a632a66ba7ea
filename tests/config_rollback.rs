//! All or nothing on the file system, checked a second way (beside
//! `config_atomic`'s missing directory): a configuration whose *last*
//! handler fails, after the handlers before it have created files, opened
//! existing ones for truncation (mode `w`) and opened rotating files. The
//! directory must be byte for byte what it was, and the running
//! configuration must log as before. Two failure points: the last
//! handler's constructor (INI, fileConfig) and the last handler's commit
//! (dictConfig), the step where mode `w` files are truncated.

#[path = "support/tempdir.rs"]
mod tempdir;

use loglisten::{dict_config_str, file_config_str, get_logger, register_handler, Handler, Record};
use std::io;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use tempdir::{files, listing, TempDir};

/// Both tests configure the one process-wide logging registry.
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A handler that cannot go live: its commit fails.
#[derive(Debug)]
struct FailsAtCommit;

impl Handler for FailsAtCommit {
    fn emit(&mut self, _record: &Record, _text: &str) -> io::Result<()> {
        Ok(())
    }

    fn commit(&mut self) -> io::Result<()> {
        Err(io::Error::other("refused at commit"))
    }
}

fn register() {
    register_handler("rollback.RefusedByFactory", |_kwargs| {
        Err("refused by the factory".to_string())
    });
    register_handler("rollback.FailsAtCommit", |_kwargs| {
        Ok(Box::new(FailsAtCommit) as Box<dyn Handler>)
    });
}

/// `dir` with three files: the running config's log, a file only the
/// failing config names (mode `w`), and a rotating log with a backup.
fn populate(dir: &Path, logger: &str) {
    std::fs::write(dir.join("other.log"), "precious\n").unwrap();
    std::fs::write(dir.join("rot.log"), "rotating\n").unwrap();
    std::fs::write(dir.join("rot.log.1"), "backup\n").unwrap();
    let kept = dir.join("kept.log");
    let running = format!(
        r#"{{"version": 1, "disable_existing_loggers": false,
            "handlers": {{"k": {{"class": "logging.FileHandler", "filename": {kept:?}}}}},
            "loggers": {{"{logger}": {{"level": "DEBUG", "propagate": false, "handlers": ["k"]}}}}}}"#,
        kept = kept.display().to_string()
    );
    dict_config_str(&running).unwrap();
    loglisten::info!(get_logger(logger), "before");
}

fn expected_before() -> Vec<(String, String)> {
    files(&[
        ("kept.log", "before\n"),
        ("other.log", "precious\n"),
        ("rot.log", "rotating\n"),
        ("rot.log.1", "backup\n"),
    ])
}

/// After the failed configuration: the directory is byte for byte what
/// it was, and the running configuration still logs to the same file,
/// appending. Then the logger's handlers are let go (closing its file).
fn unchanged_and_logging_as_before(dir: &Path, logger: &str) {
    assert_eq!(
        listing(dir),
        expected_before(),
        "the directory is unchanged"
    );
    loglisten::info!(get_logger(logger), "after");
    assert_eq!(
        listing(dir),
        files(&[
            ("kept.log", "before\nafter\n"),
            ("other.log", "precious\n"),
            ("rot.log", "rotating\n"),
            ("rot.log.1", "backup\n"),
        ])
    );
    let release = format!(
        r#"{{"version": 1, "disable_existing_loggers": false, "loggers": {{"{logger}": {{"handlers": []}}}}}}"#
    );
    dict_config_str(&release).unwrap();
}

#[test]
fn a_last_handler_refused_by_its_factory_leaves_every_file_as_it_was() {
    let _g = serial();
    register();
    let dir = TempDir::new("rollback-factory");
    let logger = "rollback.factory";
    populate(&dir.0, logger);
    assert_eq!(listing(&dir.0), expected_before());
    let d = dir.0.display().to_string();
    // Four handlers open before the last fails: a mode w truncation
    // pending on the live log and on other.log, a new file, a rotating log
    // that would roll over at once (maxBytes 1), and a timed one.
    let ini = format!(
        "[loggers]\nkeys=root,app\n\
         [handlers]\nkeys=trunc,trunc2,fresh,rot,timed,last\n\
         [formatters]\nkeys=\n\
         [logger_root]\nhandlers=\n\
         [logger_app]\nqualname={logger}\nhandlers=trunc,trunc2,fresh,rot,timed,last\n\
         [handler_trunc]\nclass=FileHandler\nargs=('{d}/kept.log', 'w')\n\
         [handler_trunc2]\nclass=FileHandler\nargs=('{d}/other.log', 'w')\n\
         [handler_fresh]\nclass=FileHandler\nargs=('{d}/fresh.log',)\n\
         [handler_rot]\nclass=handlers.RotatingFileHandler\nargs=('{d}/rot.log', 'a', 1, 3)\n\
         [handler_timed]\nclass=handlers.TimedRotatingFileHandler\nargs=('{d}/timed.log', 'S', 1, 2)\n\
         [handler_last]\nclass=rollback.RefusedByFactory\nargs=()\n"
    );
    let err = file_config_str(&ini).unwrap_err();
    assert_eq!(err.to_string(), "[handler_last]: refused by the factory");
    unchanged_and_logging_as_before(&dir.0, logger);
}

#[test]
fn a_last_handler_failing_at_commit_leaves_every_file_as_it_was() {
    let _g = serial();
    register();
    let dir = TempDir::new("rollback-commit");
    let logger = "rollback.commit";
    populate(&dir.0, logger);
    let d = dir.0.display().to_string();
    let config = format!(
        r#"{{"version": 1, "disable_existing_loggers": false,
            "handlers": {{
              "trunc": {{"class": "logging.FileHandler", "filename": "{d}/kept.log", "mode": "w"}},
              "trunc2": {{"class": "logging.FileHandler", "filename": "{d}/other.log", "mode": "w"}},
              "fresh": {{"class": "logging.FileHandler", "filename": "{d}/fresh.log"}},
              "rot": {{"class": "logging.handlers.RotatingFileHandler", "filename": "{d}/rot.log",
                       "maxBytes": 1, "backupCount": 3}},
              "zlast": {{"class": "rollback.FailsAtCommit"}}}},
            "loggers": {{"{logger}": {{"level": "DEBUG", "propagate": false,
                         "handlers": ["trunc", "trunc2", "fresh", "rot", "zlast"]}}}}}}"#
    );
    let err = dict_config_str(&config).unwrap_err();
    assert_eq!(err.to_string(), "handlers.zlast: refused at commit");
    unchanged_and_logging_as_before(&dir.0, logger);
}
