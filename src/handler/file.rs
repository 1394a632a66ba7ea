//! Python's `FileHandler`, and the file plumbing the rotating and watched
//! handlers share: settings, absolute paths and staged opening.

use super::Handler;
use crate::record::Record;
use crate::sync::lock;
use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

/// A handler setting that CPython rejects or this crate does not support;
/// the message says which and why.
///
/// ```
/// let e = loglisten::handler::Mode::parse("r").unwrap_err();
/// assert_eq!(e.to_string(), "unsupported file mode 'r' (use 'a' or 'w')");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsError(pub(crate) String);

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SettingsError {}

impl From<SettingsError> for io::Error {
    fn from(error: SettingsError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidInput, error)
    }
}

/// How a log file is opened, Python's `mode`: `'a'` appends, `'w'`
/// truncates when the handler is committed.
///
/// ```
/// use loglisten::handler::Mode;
/// assert_eq!(Mode::parse("w"), Ok(Mode::Write));
/// assert_eq!(Mode::default().as_str(), "a");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// `'a'` (the default).
    #[default]
    Append,
    /// `'w'`.
    Write,
}

impl Mode {
    /// `"a"` or `"w"`; other Python modes are not supported.
    pub fn parse(text: &str) -> Result<Mode, SettingsError> {
        match text {
            "a" => Ok(Mode::Append),
            "w" => Ok(Mode::Write),
            _ => Err(SettingsError(format!(
                "unsupported file mode '{text}' (use 'a' or 'w')"
            ))),
        }
    }

    /// The mode as Python writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Append => "a",
            Mode::Write => "w",
        }
    }
}

/// `FileHandler(filename, mode='a', encoding=None, delay=False,
/// errors=None)`: the settings, in CPython's order, of the file handler and
/// (through the rotating handlers' `file` field) of every file handler.
///
/// ```
/// use loglisten::handler::{FileSettings, Mode};
/// let s = FileSettings::new("app.log");
/// assert_eq!((s.mode, s.delay, s.terminator.as_str()), (Mode::Append, false, "\n"));
/// let bad = FileSettings { encoding: Some("latin-1".into()), ..s };
/// assert_eq!(
///     bad.check().unwrap_err().to_string(),
///     "unsupported encoding 'latin-1' (only UTF-8 is supported)"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSettings {
    /// `filename`: made absolute (lexically, as `os.path.abspath`) when
    /// the handler is opened.
    pub filename: PathBuf,
    /// `mode`, default `'a'`.
    pub mode: Mode,
    /// `encoding`: `None` or a name of UTF-8 (`utf-8`, `UTF8`, `u8` …).
    pub encoding: Option<String>,
    /// `delay`: open the file on the first record instead of now.
    pub delay: bool,
    /// `errors`: kept for the record; text is always valid UTF-8 here, so
    /// no encoding error can occur.
    pub errors: Option<String>,
    /// The `terminator` attribute written after each record (`"\n"`).
    pub terminator: String,
}

impl FileSettings {
    /// CPython's defaults for `filename`.
    pub fn new(filename: impl Into<PathBuf>) -> FileSettings {
        FileSettings {
            filename: filename.into(),
            mode: Mode::Append,
            encoding: None,
            delay: false,
            errors: None,
            terminator: "\n".to_string(),
        }
    }

    /// Checks what can be checked without touching the file system.
    pub fn check(&self) -> Result<(), SettingsError> {
        check_encoding(self.encoding.as_deref())
    }

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

/// Accepts no encoding or any spelling Python's codec registry resolves to
/// UTF-8 (lowercased, punctuation runs turned into `_`, then the aliases of
/// `utf_8`).
fn check_encoding(encoding: Option<&str>) -> Result<(), SettingsError> {
    let Some(name) = encoding else {
        return Ok(());
    };
    let mut normal = String::new();
    let mut punct = false;
    for c in name.to_lowercase().chars() {
        if c.is_alphanumeric() || c == '.' {
            if punct && !normal.is_empty() {
                normal.push('_');
            }
            normal.push(c);
            punct = false;
        } else {
            punct = true;
        }
    }
    match normal.as_str() {
        "utf_8" | "utf8" | "u8" | "utf" | "utf8_ucs2" | "utf8_ucs4" | "cp65001" => Ok(()),
        _ => Err(SettingsError(format!(
            "unsupported encoding '{name}' (only UTF-8 is supported)"
        ))),
    }
}

/// Python's `os.path.abspath`: joined to the current directory and
/// normalized lexically (symbolic links are not resolved).
pub(crate) fn abspath(path: &Path) -> io::Result<PathBuf> {
    let bytes = path.as_os_str().as_bytes();
    if bytes.starts_with(b"/") {
        return Ok(PathBuf::from(OsString::from_vec(normpath(bytes))));
    }
    let mut full = std::env::current_dir()?.into_os_string().into_vec();
    if !full.ends_with(b"/") {
        full.push(b'/');
    }
    full.extend_from_slice(bytes);
    Ok(PathBuf::from(OsString::from_vec(normpath(&full))))
}

/// Python's `posixpath.normpath` on an absolute path.
fn normpath(path: &[u8]) -> Vec<u8> {
    // The common case: already normal (one leading slash, no empty, `.`
    // or `..` part, no trailing slash).
    let normal = path.len() > 1
        && path.starts_with(b"/")
        && !path.ends_with(b"/")
        && path[1..]
            .split(|&b| b == b'/')
            .all(|part| !matches!(part, b"" | b"." | b".."));
    if normal {
        return path.to_vec();
    }
    normpath_parts(path)
}

/// `normpath` the long way: split, drop `.` and empty parts, apply `..`.
fn normpath_parts(path: &[u8]) -> Vec<u8> {
    // POSIX gives exactly two leading slashes a meaning of their own.
    let leading = if path.starts_with(b"//") && !path.starts_with(b"///") {
        2
    } else {
        usize::from(path.starts_with(b"/"))
    };
    let mut parts: Vec<&[u8]> = Vec::new();
    for part in path.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." if leading == 0 && parts.last().is_none_or(|p| *p == b"..") => parts.push(part),
            b".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let mut out = vec![b'/'; leading];
    out.extend_from_slice(&parts.join(&b'/'));
    if out.is_empty() {
        out.push(b'.');
    }
    out
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

/// The files handlers hold open for appending, by absolute path, with the
/// device and inode each was opened as. A handler opening a path in mode
/// 'a' shares the open file when the path still names it: opening it again
/// would give a descriptor that writes the same bytes to the same place,
/// and reconfiguring a running program (the old handler is closed only
/// after the new one is live) would pay for an open and a close.
///
/// One per process, not per registry: open files belong to the process,
/// and handlers of two registries appending to one file (same device and
/// inode) must share one descriptor as handlers of one registry do.
static OPEN_FOR_APPEND: Mutex<Vec<OpenForAppend>> = Mutex::new(Vec::new());

struct OpenForAppend {
    path: PathBuf,
    identity: (u64, u64),
    file: Weak<File>,
}

/// The open file a live handler appends to at `path`, if the path still
/// names that very file (not one logrotate created after moving it).
fn open_for_append(path: &Path) -> Option<Arc<File>> {
    let mut open = lock(&OPEN_FOR_APPEND);
    open.retain(|o| o.file.strong_count() > 0);
    let entry = open.iter().find(|o| o.path == path)?;
    let file = entry.file.upgrade()?;
    let meta = fs::metadata(path).ok()?;
    (meta.is_file() && (meta.dev(), meta.ino()) == entry.identity).then_some(file)
}

fn remember_for_append(path: &Path, file: &Arc<File>) {
    let Ok(meta) = file.metadata() else {
        return;
    };
    let mut open = lock(&OPEN_FOR_APPEND);
    open.retain(|o| o.file.strong_count() > 0 && o.path != path);
    open.push(OpenForAppend {
        path: path.to_path_buf(),
        identity: (meta.dev(), meta.ino()),
        file: Arc::downgrade(file),
    });
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

    proptest::proptest! {
        #[test]
        fn normpath_shortcut_agrees_with_the_long_way(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", "bc", ".", "..", "", ".d", "e.."]), 0..6),
            slashes in 0usize..4,
        ) {
            let path = format!("{}{}", "/".repeat(slashes), parts.join("/"));
            proptest::prop_assert_eq!(normpath(path.as_bytes()), normpath_parts(path.as_bytes()));
        }
    }

    #[test]
    fn normpath_follows_posixpath() {
        for (input, expected) in [
            ("/a/b/../c", "/a/c"),
            ("/a/./b//c/", "/a/b/c"),
            ("/../x", "/x"),
            ("//x/y", "//x/y"),
            ("///x", "/x"),
            ("/", "/"),
            ("/a/..", "/"),
            ("/a/b/c", "/a/b/c"),
            ("/a/b/", "/a/b"),
            ("/a/.b/..c", "/a/.b/..c"),
            ("/./a", "/a"),
        ] {
            let got = normpath(input.as_bytes());
            assert_eq!(String::from_utf8_lossy(&got), expected, "{input}");
        }
    }

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

    #[test]
    fn encodings_accepted_as_python_resolves_them() {
        for ok in [
            "utf-8", "UTF-8", "utf8", "U8", "utf_8", "UTF 8", "cp65001", "utf",
        ] {
            assert_eq!(check_encoding(Some(ok)), Ok(()), "{ok}");
        }
        for bad in ["latin-1", "ascii", "utf-16", "utf-8-sig", ""] {
            assert_eq!(
                check_encoding(Some(bad)).unwrap_err().to_string(),
                format!("unsupported encoding '{bad}' (only UTF-8 is supported)")
            );
        }
    }
}
