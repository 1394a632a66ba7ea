//! StreamHandler, FileHandler (staged opening included) and
//! WatchedFileHandler on real files.

use loglisten::handler::{
    FileHandler, FileSettings, Mode, SharedBuffer, StreamHandler, StreamKind, WatchedFileHandler,
};
use loglisten::{Handler, Level, Record, SharedHandler};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A directory under the system temp dir, unique per test, removed after.
#[path = "support/tempdir.rs"]
mod tempdir;
use tempdir::TempDir;

fn emit(handler: &mut impl Handler, text: &str) {
    handler
        .emit(&Record::new("test", Level::INFO, text), text)
        .unwrap();
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

fn settings(path: &Path, mode: Mode, delay: bool) -> FileSettings {
    FileSettings {
        mode,
        delay,
        ..FileSettings::new(path)
    }
}

#[test]
fn stream_handler_writes_text_and_terminator_once_per_record() {
    let buffer = SharedBuffer::new();
    let h = SharedHandler::new(StreamHandler::new(buffer.clone()));
    h.handle(&Record::new("a", Level::INFO, "one"));
    h.handle(&Record::new("a", Level::WARNING, "zwei ü"));
    assert_eq!(buffer.contents(), "one\nzwei ü\n".as_bytes());
    let custom = StreamHandler::new(buffer.clone()).with_terminator("\r\n");
    let h = SharedHandler::new(custom);
    buffer.clear();
    h.handle(&Record::new("a", Level::INFO, "x"));
    assert_eq!(buffer.text(), "x\r\n");
    assert_eq!(h.error_count(), 0);
}

#[test]
fn stream_handler_kinds_and_defaults() {
    assert_eq!(StreamHandler::default().kind(), StreamKind::Stderr);
    assert_eq!(StreamHandler::stdout().kind(), StreamKind::Stdout);
    assert_eq!(StreamHandler::stderr().terminator(), "\n");
    let w = StreamHandler::new(SharedBuffer::new());
    assert_eq!(w.kind(), StreamKind::Writer);
    assert_eq!(
        format!("{w:?}"),
        "StreamHandler { kind: Writer, terminator: \"\\n\" }"
    );
}

#[derive(Debug)]
struct Broken;
impl Write for Broken {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("broken pipe"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn stream_write_errors_are_counted_not_raised() {
    let h = SharedHandler::new(StreamHandler::new(Broken));
    h.handle(&Record::new("a", Level::INFO, "x"));
    h.handle(&Record::new("a", Level::INFO, "y"));
    assert_eq!(h.error_count(), 2);
}

#[test]
fn file_handler_appends_by_default() {
    let dir = TempDir::new("append");
    let path = dir.join("app.log");
    fs::write(&path, "old\n").unwrap();
    let mut h = FileHandler::new(FileSettings::new(&path)).unwrap();
    emit(&mut h, "a");
    emit(&mut h, "ünï");
    assert_eq!(read(&path), "old\na\nünï\n");
    assert_eq!(h.base_filename(), path);
    h.close().unwrap();
}

#[test]
fn file_handler_mode_w_truncates_at_construction() {
    let dir = TempDir::new("mode-w");
    let path = dir.join("app.log");
    fs::write(&path, "old content\n").unwrap();
    let mut h = FileHandler::new(settings(&path, Mode::Write, false)).unwrap();
    assert_eq!(read(&path), "");
    emit(&mut h, "new");
    assert_eq!(read(&path), "new\n");
}

#[test]
fn staged_open_truncates_only_at_commit() {
    let dir = TempDir::new("staged-commit");
    let path = dir.join("app.log");
    fs::write(&path, "old content\n").unwrap();
    let mut h = FileHandler::open(settings(&path, Mode::Write, false)).unwrap();
    assert_eq!(read(&path), "old content\n");
    h.commit().unwrap();
    assert_eq!(read(&path), "");
    emit(&mut h, "new");
    assert_eq!(read(&path), "new\n");
}

#[test]
fn staged_open_without_commit_truncates_before_the_first_record() {
    let dir = TempDir::new("staged-emit");
    let path = dir.join("app.log");
    fs::write(&path, "a long old line\n").unwrap();
    let mut h = FileHandler::open(settings(&path, Mode::Write, false)).unwrap();
    emit(&mut h, "x");
    assert_eq!(read(&path), "x\n");
}

#[test]
fn abandon_removes_only_files_the_attempt_created() {
    let dir = TempDir::new("abandon");
    let created = dir.join("new.log");
    let existing = dir.join("old.log");
    fs::write(&existing, "keep me\n").unwrap();
    let mut a = FileHandler::open(settings(&created, Mode::Write, false)).unwrap();
    let mut b = FileHandler::open(settings(&existing, Mode::Write, false)).unwrap();
    assert!(created.exists());
    a.discard();
    b.discard();
    assert!(!created.exists());
    assert_eq!(read(&existing), "keep me\n");
    let err = a
        .emit(&Record::new("t", Level::INFO, "x"), "x")
        .unwrap_err();
    assert_eq!(err.to_string(), "the handler was abandoned");
    assert!(!created.exists());
}

#[test]
fn committed_file_is_not_removed_by_a_later_discard() {
    let dir = TempDir::new("commit-then-abandon");
    let path = dir.join("app.log");
    let mut h = FileHandler::open(FileSettings::new(&path)).unwrap();
    h.commit().unwrap();
    h.discard();
    assert!(path.exists());
}

#[test]
fn committed_handlers_wrap_into_shared_handlers() {
    let dir = TempDir::new("boxed");
    let path = dir.join("app.log");
    let mut staged = FileHandler::open(FileSettings::new(&path)).unwrap();
    staged.commit().unwrap();
    let h = SharedHandler::new(staged);
    h.handle(&Record::new("t", Level::INFO, "boxed"));
    h.close();
    assert_eq!(read(&path), "boxed\n");
}

#[test]
fn delay_opens_on_the_first_record() {
    let dir = TempDir::new("delay");
    let path = dir.join("app.log");
    let mut h = FileHandler::new(settings(&path, Mode::Append, true)).unwrap();
    assert!(!path.exists());
    emit(&mut h, "first");
    assert_eq!(read(&path), "first\n");
}

#[test]
fn delayed_mode_w_truncates_at_the_first_record() {
    let dir = TempDir::new("delay-w");
    let path = dir.join("app.log");
    fs::write(&path, "old\n").unwrap();
    let mut h = FileHandler::new(settings(&path, Mode::Write, true)).unwrap();
    assert_eq!(read(&path), "old\n");
    emit(&mut h, "a");
    emit(&mut h, "b");
    assert_eq!(read(&path), "a\nb\n");
}

#[test]
fn after_close_mode_a_reopens_and_mode_w_drops_records() {
    let dir = TempDir::new("reopen");
    let a = dir.join("a.log");
    let w = dir.join("w.log");
    let mut ha = FileHandler::new(FileSettings::new(&a)).unwrap();
    let mut hw = FileHandler::new(settings(&w, Mode::Write, false)).unwrap();
    emit(&mut ha, "1");
    emit(&mut hw, "1");
    ha.close().unwrap();
    hw.close().unwrap();
    emit(&mut ha, "2");
    emit(&mut hw, "2");
    assert_eq!(read(&a), "1\n2\n");
    assert_eq!(read(&w), "1\n");
}

#[test]
fn terminator_is_configurable() {
    let dir = TempDir::new("terminator");
    let path = dir.join("app.log");
    let s = FileSettings {
        terminator: String::new(),
        ..FileSettings::new(&path)
    };
    let mut h = FileHandler::new(s).unwrap();
    emit(&mut h, "a");
    emit(&mut h, "b");
    assert_eq!(read(&path), "ab");
}

#[test]
fn unsupported_encodings_and_modes_are_rejected_before_touching_files() {
    let dir = TempDir::new("encoding");
    let path = dir.join("app.log");
    let s = FileSettings {
        encoding: Some("latin-1".into()),
        ..FileSettings::new(&path)
    };
    let err = FileHandler::new(s).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(
        err.to_string(),
        "unsupported encoding 'latin-1' (only UTF-8 is supported)"
    );
    assert!(!path.exists());
    for ok in ["utf-8", "UTF8", "utf_8"] {
        let s = FileSettings {
            encoding: Some(ok.into()),
            delay: true,
            ..FileSettings::new(&path)
        };
        assert!(FileHandler::new(s).is_ok(), "{ok}");
    }
    assert_eq!(Mode::parse("a"), Ok(Mode::Append));
    assert_eq!(
        Mode::parse("a+").unwrap_err().to_string(),
        "unsupported file mode 'a+' (use 'a' or 'w')"
    );
}

#[test]
fn relative_names_are_made_absolute_lexically() {
    let s = FileSettings {
        delay: true,
        ..FileSettings::new("logs/../x/./app.log")
    };
    let h = FileHandler::new(s).unwrap();
    let expected = std::env::current_dir().unwrap().join("x/app.log");
    assert_eq!(h.base_filename(), expected);
    assert_eq!(h.settings().filename, PathBuf::from("logs/../x/./app.log"));
}

#[test]
fn missing_directory_fails_at_open() {
    let dir = TempDir::new("missing-dir");
    let err = FileHandler::open(FileSettings::new(dir.join("nope/app.log"))).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
}

#[test]
fn write_errors_on_dev_full_are_counted() {
    if !Path::new("/dev/full").exists() {
        // Past the harness capture: a skip should show in every run.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            "skipping: /dev/full is not available\n".as_bytes(),
        );
        return;
    }
    let h = SharedHandler::new(FileHandler::new(FileSettings::new("/dev/full")).unwrap());
    h.handle(&Record::new("t", Level::ERROR, "lost"));
    assert_eq!(h.error_count(), 1);
    h.close();
    assert!(Path::new("/dev/full").exists());
}

#[test]
fn watched_handler_reopens_after_rename_and_recreate() {
    let dir = TempDir::new("watched-rename");
    let path = dir.join("app.log");
    let mut h = WatchedFileHandler::new(FileSettings::new(&path)).unwrap();
    emit(&mut h, "before");
    fs::rename(&path, dir.join("app.log.1")).unwrap();
    fs::write(&path, "created by logrotate\n").unwrap();
    emit(&mut h, "after");
    emit(&mut h, "again");
    assert_eq!(read(&dir.join("app.log.1")), "before\n");
    assert_eq!(read(&path), "created by logrotate\nafter\nagain\n");
}

#[test]
fn watched_handler_recreates_a_deleted_file() {
    let dir = TempDir::new("watched-delete");
    let path = dir.join("app.log");
    let mut h = WatchedFileHandler::new(FileSettings::new(&path)).unwrap();
    emit(&mut h, "one");
    fs::remove_file(&path).unwrap();
    emit(&mut h, "two");
    assert_eq!(read(&path), "two\n");
}

#[test]
fn watched_handler_with_delay_keeps_its_first_record() {
    let dir = TempDir::new("watched-delay");
    let path = dir.join("app.log");
    let mut h = WatchedFileHandler::new(settings(&path, Mode::Write, true)).unwrap();
    emit(&mut h, "one");
    emit(&mut h, "two");
    assert_eq!(read(&path), "one\ntwo\n");
    assert_eq!(h.settings().mode, Mode::Write);
}

#[test]
fn watched_handler_is_staged_like_the_file_handler() {
    let dir = TempDir::new("watched-staged");
    let path = dir.join("app.log");
    let mut h = WatchedFileHandler::open(FileSettings::new(&path)).unwrap();
    assert!(path.exists());
    h.discard();
    assert!(!path.exists());
}
