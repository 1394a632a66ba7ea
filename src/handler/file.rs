//! Python's `FileHandler`, and the file plumbing the rotating and watched
//! handlers share: [`FileCore`], the staged opening and writing of one
//! log file. Its settings, absolute paths and the table of files open for
//! appending are in the submodules.

mod open_files;
mod path;
mod settings;

use open_files::{open_for_append, remember_for_append};
use path::abspath;
pub use settings::{FileSettings, Mode, SettingsError};

use super::Handler;
use crate::record::Record;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

impl FileSettings {
    /// A dry run of [`FileCore::open`] in `mode`: the error it would give,
    /// creating and truncating nothing. `Ok(Some(path))`: the file does
    /// not exist and opening would create it at that absolute path (the
    /// caller checks the directory).
    pub(crate) fn open_check(&self, mode: Mode) -> io::Result<Option<PathBuf>> {
        self.check()?;
        let path = abspath(&self.filename)?;
        // As `FileCore::open`: the destination policy, then the file.
        crate::confine::check_path(&path)?;
        if self.delay || mode == Mode::Append && open_for_append(&path).is_some() {
            return Ok(None);
        }
        let mut options = OpenOptions::new();
        match mode {
            Mode::Append => options.append(true),
            Mode::Write => options.write(true),
        };
        match options.open(&path) {
            Ok(_) => Ok(None),
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(cannot_open(&path, e)),
            Err(_) => Ok(Some(path)),
        }
    }
}

/// The state Python's `FileHandler` keeps (path, mode, stream, `_closed`)
/// plus the staging flags.
pub(crate) struct FileCore {
    pub(crate) settings: FileSettings,
    /// `baseFilename`.
    pub(crate) path: PathBuf,
    /// The mode files are opened with (the rotating handler may force 'a').
    mode: Mode,
    /// Shared with other handlers appending to the same file (see
    /// `OPEN_FOR_APPEND`).
    pub(crate) file: Option<Arc<File>>,
    closed: bool,
    created: bool,
    pending_truncate: bool,
    abandoned: bool,
    line: Vec<u8>,
}

// By hand: the open file shows as open or not (`File`'s own Debug reads
// the descriptor's path and flags, code used for nothing else).
impl fmt::Debug for FileCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileCore")
            .field("path", &self.path)
            .field("mode", &self.mode)
            .field("open", &self.file.is_some())
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

/// Opening a log file failed: the error names the file.
#[derive(Debug)]
struct CannotOpen {
    path: PathBuf,
    source: io::Error,
}

impl fmt::Display for CannotOpen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot open '{}': {}", self.path.display(), self.source)
    }
}

impl std::error::Error for CannotOpen {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// `e`, of the same kind, saying which file.
pub(crate) fn cannot_open(path: &Path, e: io::Error) -> io::Error {
    let kind = e.kind();
    io::Error::new(
        kind,
        CannotOpen {
            path: path.to_path_buf(),
            source: e,
        },
    )
}

impl FileCore {
    /// Checks the settings and, unless delayed, opens the file without
    /// truncating it, remembering whether it was created.
    pub(crate) fn open(settings: FileSettings, mode: Mode) -> io::Result<FileCore> {
        settings.check()?;
        let path = abspath(&settings.filename)?;
        crate::confine::check_path(&path)?;
        let mut core = FileCore {
            settings,
            path,
            mode,
            file: None,
            closed: false,
            created: false,
            pending_truncate: false,
            abandoned: false,
            line: Vec::new(),
        };
        if !core.settings.delay {
            if mode == Mode::Append {
                if let Some(file) = open_for_append(&core.path) {
                    core.file = Some(file);
                    return Ok(core);
                }
            }
            let mut options = OpenOptions::new();
            match mode {
                Mode::Append => options.append(true),
                Mode::Write => options.write(true),
            };
            // Usually the file exists: one open. Otherwise create it
            // exclusively, so that only a file this attempt made is removed
            // if the configuration fails (a race with another creator ends
            // in the first branch on the retry).
            let mut tries = 0;
            let file = loop {
                tries += 1;
                match options.open(&core.path) {
                    Ok(file) => {
                        core.pending_truncate = mode == Mode::Write;
                        break file;
                    }
                    Err(e) if e.kind() != io::ErrorKind::NotFound => {
                        return Err(cannot_open(&core.path, e))
                    }
                    Err(_) => {}
                }
                match options.clone().create_new(true).open(&core.path) {
                    Ok(file) => {
                        core.created = true;
                        break file;
                    }
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 3 => continue,
                    Err(e) => return Err(cannot_open(&core.path, e)),
                }
            };
            let file = Arc::new(file);
            if mode == Mode::Append {
                remember_for_append(&core.path, &file);
            }
            core.file = Some(file);
        }
        Ok(core)
    }

    /// Python's `_open`: opens the base file with the handler's mode.
    pub(crate) fn open_now(&self) -> io::Result<Arc<File>> {
        open_with_mode(&self.path, self.mode).map(Arc::new)
    }

    /// Opens the stream if there is none (`if self.stream is None: …`).
    pub(crate) fn ensure_open(&mut self) -> io::Result<&File> {
        match &mut self.file {
            Some(file) => Ok(file),
            file => Ok(file.insert(open_with_mode(&self.path, self.mode).map(Arc::new)?)),
        }
    }

    /// Closes the stream without marking the handler closed (rollover).
    pub(crate) fn drop_stream(&mut self) {
        self.file = None;
    }

    /// Python 3.11's `FileHandler.emit`: reopens a missing stream unless
    /// the handler was closed in mode 'w', then writes text + terminator
    /// and flushes.
    pub(crate) fn emit(&mut self, text: &str) -> io::Result<()> {
        self.check_live()?;
        if self.file.is_none() && (self.mode != Mode::Write || !self.closed) {
            self.file = Some(self.open_now()?);
        }
        let Some(file) = &self.file else {
            return Ok(());
        };
        self.line.clear();
        self.line.extend_from_slice(text.as_bytes());
        self.line
            .extend_from_slice(self.settings.terminator.as_bytes());
        let mut file: &File = file;
        file.write_all(&self.line)?;
        file.flush()
    }

    /// Fails once abandoned; commits a handler used without a commit, so
    /// a mode 'w' file is truncated before the first record at the latest.
    pub(crate) fn check_live(&mut self) -> io::Result<()> {
        if self.abandoned {
            return Err(io::Error::other("the handler was abandoned"));
        }
        self.commit()
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        match &self.file {
            Some(file) => (&**file).flush(),
            None => Ok(()),
        }
    }

    /// Python's `FileHandler.close`: flush, drop the stream, mark closed.
    pub(crate) fn close(&mut self) -> io::Result<()> {
        let flushed = self.flush();
        self.file = None;
        self.closed = true;
        flushed
    }

    pub(crate) fn commit(&mut self) -> io::Result<()> {
        self.created = false;
        if self.pending_truncate {
            if let Some(file) = &self.file {
                file.set_len(0)?;
                (&**file).seek(SeekFrom::Start(0))?;
            }
            self.pending_truncate = false;
        }
        Ok(())
    }

    pub(crate) fn abandon(&mut self) {
        self.file = None;
        self.abandoned = true;
        self.pending_truncate = false;
        if self.created {
            self.created = false;
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn open_with_mode(path: &Path, mode: Mode) -> io::Result<File> {
    let mut options = OpenOptions::new();
    match mode {
        Mode::Append => options.append(true).create(true),
        Mode::Write => options.write(true).create(true).truncate(true),
    };
    options.open(path)
}

/// Python's `logging.FileHandler`: appends each record and its terminator
/// to a file, flushing after each.
///
/// [`FileHandler::new`] behaves as CPython's constructor (mode `'w'`
/// truncates at once); [`FileHandler::open`] is the staged form the
/// configuration layer uses (see [`Handler::commit`]).
///
/// ```
/// use loglisten::{handler::{FileHandler, FileSettings}, Handler, Level, Record};
/// let path = std::env::temp_dir().join(format!("loglisten-doc-file-{}", std::process::id()));
/// let mut h = FileHandler::new(FileSettings::new(&path))?;
/// h.emit(&Record::new("app", Level::INFO, "hi"), "hi")?;
/// h.close()?;
/// assert_eq!(std::fs::read_to_string(&path)?, "hi\n");
/// assert_eq!(h.settings().filename, path);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct FileHandler {
    core: FileCore,
}

impl FileHandler {
    /// Opens the handler as CPython's constructor does, truncating in mode
    /// `'w'` (unless delayed: then on the first record).
    pub fn new(settings: FileSettings) -> io::Result<FileHandler> {
        let mut handler = FileHandler::open(settings)?;
        handler.commit()?;
        Ok(handler)
    }

    /// Opens the handler staged: the file is created if missing but not
    /// truncated until [`Handler::commit`] (or the first record).
    pub fn open(settings: FileSettings) -> io::Result<FileHandler> {
        let mode = settings.mode;
        Ok(FileHandler {
            core: FileCore::open(settings, mode)?,
        })
    }

    /// The settings the handler was made with.
    pub fn settings(&self) -> &FileSettings {
        &self.core.settings
    }

    /// Python's `baseFilename`: the absolute path written to.
    pub fn base_filename(&self) -> &Path {
        &self.core.path
    }
}

/// The `Handler` methods every file-based handler hands straight to its
/// [`FileCore`]; each writes its own `emit`.
macro_rules! forward_to_core {
    () => {
        fn flush(&mut self) -> io::Result<()> {
            self.core.flush()
        }

        fn close(&mut self) -> io::Result<()> {
            self.core.close()
        }

        fn commit(&mut self) -> io::Result<()> {
            self.core.commit()
        }

        fn discard(&mut self) {
            self.core.abandon()
        }
    };
}
pub(crate) use forward_to_core;

impl Handler for FileHandler {
    fn emit(&mut self, _record: &Record, text: &str) -> io::Result<()> {
        self.core.emit(text)
    }

    forward_to_core!();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(a: &FileHandler, b: &FileHandler) -> bool {
        match (&a.core.file, &b.core.file) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    #[test]
    fn appending_handlers_share_the_file_while_the_path_names_it() {
        let dir = std::env::temp_dir().join(format!("loglisten-unit-share-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("app.log");
        let mut first = FileHandler::new(FileSettings::new(&path)).unwrap();
        let mut second = FileHandler::new(FileSettings::new(&path)).unwrap();
        assert!(
            shares(&first, &second),
            "same path, mode 'a': one open file"
        );
        let truncating = FileSettings {
            mode: Mode::Write,
            ..FileSettings::new(&path)
        };
        assert!(!shares(&first, &FileHandler::open(truncating).unwrap()));
        let rec = Record::new("t", crate::Level::INFO, "");
        first.emit(&rec, "one").unwrap();
        second.emit(&rec, "two").unwrap();
        // logrotate moves the file: the next handler opens a new one there.
        fs::rename(&path, dir.join("app.log.1")).unwrap();
        let mut third = FileHandler::new(FileSettings::new(&path)).unwrap();
        assert!(!shares(&first, &third));
        third.emit(&rec, "three").unwrap();
        first.emit(&rec, "four").unwrap();
        first.close().unwrap();
        second.close().unwrap();
        third.close().unwrap();
        // Every holder closed: a new handler opens the file afresh.
        let fourth = FileHandler::new(FileSettings::new(&path)).unwrap();
        assert!(!shares(&third, &fourth));
        assert_eq!(
            fs::read_to_string(dir.join("app.log.1")).unwrap(),
            "one\ntwo\nfour\n"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "three\n");
        drop(fourth);
        fs::remove_dir_all(&dir).unwrap();
    }
}
