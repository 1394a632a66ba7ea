//! Python's `WatchedFileHandler`: reopens its file after logrotate moved
//! or deleted it.

use super::file::{forward_to_core, FileCore, FileSettings};
use super::Handler;
use crate::record::Record;
use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;

/// Python's `logging.handlers.WatchedFileHandler(filename, mode='a',
/// encoding=None, delay=False, errors=None)` (settings: [`FileSettings`]).
/// Before each record it compares the path's device and inode with the
/// open file's and reopens the path when they differ or it is gone.
///
/// Unlike CPython, a file opened lazily (with `delay`) is identified at
/// once, so the second record does not reopen it (which in mode `'w'`
/// would truncate the first record away).
///
/// ```
/// use loglisten::{handler::{FileSettings, WatchedFileHandler}, Handler, Level, Record};
/// let dir = std::env::temp_dir().join(format!("loglisten-doc-watch-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let mut h = WatchedFileHandler::new(FileSettings::new(dir.join("app.log")))?;
/// h.emit(&Record::new("app", Level::INFO, "old"), "old")?;
/// std::fs::rename(dir.join("app.log"), dir.join("app.log.1"))?; // logrotate
/// h.emit(&Record::new("app", Level::INFO, "new"), "new")?;
/// assert_eq!(std::fs::read_to_string(dir.join("app.log"))?, "new\n");
/// assert_eq!(std::fs::read_to_string(dir.join("app.log.1"))?, "old\n");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct WatchedFileHandler {
    core: FileCore,
    /// Device and inode of the open file (CPython's `dev`, `ino`).
    identity: Option<(u64, u64)>,
}

impl WatchedFileHandler {
    /// Opens the handler as CPython's constructor does.
    pub fn new(settings: FileSettings) -> io::Result<WatchedFileHandler> {
        let mut handler = WatchedFileHandler::open(settings)?;
        handler.commit()?;
        Ok(handler)
    }

    /// Opens the handler staged (see [`Handler::commit`]).
    pub fn open(settings: FileSettings) -> io::Result<WatchedFileHandler> {
        let mode = settings.mode;
        let mut handler = WatchedFileHandler {
            core: FileCore::open(settings, mode)?,
            identity: None,
        };
        handler.stat_stream()?;
        Ok(handler)
    }

    /// The settings the handler was made with.
    pub fn settings(&self) -> &FileSettings {
        &self.core.settings
    }

    /// CPython's `_statstream`.
    fn stat_stream(&mut self) -> io::Result<()> {
        if let Some(file) = &self.core.file {
            let meta = file.metadata()?;
            self.identity = Some((meta.dev(), meta.ino()));
        }
        Ok(())
    }

    /// CPython's `reopenIfNeeded`.
    fn reopen_if_needed(&mut self) -> io::Result<()> {
        let current = match fs::metadata(&self.core.path) {
            Ok(meta) => Some((meta.dev(), meta.ino())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if (current.is_none() || current != self.identity) && self.core.file.is_some() {
            self.core.flush()?;
            self.core.drop_stream();
            self.core.file = Some(self.core.open_now()?);
            self.stat_stream()?;
        }
        Ok(())
    }
}

impl Handler for WatchedFileHandler {
    fn emit(&mut self, _record: &Record, text: &str) -> io::Result<()> {
        self.core.check_live()?;
        self.reopen_if_needed()?;
        let was_open = self.core.file.is_some();
        self.core.emit(text)?;
        if !was_open {
            self.stat_stream()?;
        }
        Ok(())
    }

    forward_to_core!();
}
