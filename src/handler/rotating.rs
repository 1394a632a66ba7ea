//! Python's `RotatingFileHandler`: size-based rollover to `name.1` … `name.N`.

use super::file::{forward_to_core, FileCore, FileSettings, Mode, SettingsError};
use super::Handler;
use crate::record::Record;
use std::fs;
use std::io::{self, Seek, SeekFrom};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// `RotatingFileHandler(filename, mode='a', maxBytes=0, backupCount=0,
/// encoding=None, delay=False, errors=None)`.
///
/// ```
/// use loglisten::handler::RotatingSettings;
/// let s = RotatingSettings::new("app.log", 1024, 3);
/// assert_eq!((s.max_bytes, s.backup_count), (1024, 3));
/// assert_eq!(s.file.filename.to_str(), Some("app.log"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotatingSettings {
    /// `filename`, `mode`, `encoding`, `delay`, `errors` (and the
    /// terminator). The mode is forced to `'a'` when `max_bytes > 0`.
    pub file: FileSettings,
    /// `maxBytes`: roll over before a record would bring the file to this
    /// size; 0 or less never rolls over.
    pub max_bytes: i64,
    /// `backupCount`: how many old files to keep; 0 or less keeps none
    /// (and the file then grows, as in CPython).
    pub backup_count: i64,
}

impl RotatingSettings {
    /// The settings for `filename` with the other keywords at CPython's
    /// defaults.
    pub fn new(filename: impl Into<PathBuf>, max_bytes: i64, backup_count: i64) -> Self {
        RotatingSettings {
            file: FileSettings::new(filename),
            max_bytes,
            backup_count,
        }
    }

    /// Checks what can be checked without touching the file system.
    ///
    /// ```
    /// let mut s = loglisten::handler::RotatingSettings::new("app.log", 0, 0);
    /// s.file.encoding = Some("ascii".into());
    /// assert!(s.check().is_err());
    /// ```
    pub fn check(&self) -> Result<(), SettingsError> {
        self.file.check()
    }
}

/// Python's `logging.handlers.RotatingFileHandler`.
///
/// ```
/// use loglisten::{handler::{RotatingFileHandler, RotatingSettings}, Handler, Level, Record};
/// let dir = std::env::temp_dir().join(format!("loglisten-doc-rot-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let mut h = RotatingFileHandler::new(RotatingSettings::new(dir.join("app.log"), 6, 2))?;
/// for text in ["one", "two", "six"] {
///     h.emit(&Record::new("app", Level::INFO, text), text)?;
/// }
/// assert_eq!(std::fs::read_to_string(dir.join("app.log"))?, "six\n");
/// assert_eq!(std::fs::read_to_string(dir.join("app.log.1"))?, "two\n");
/// assert_eq!(std::fs::read_to_string(dir.join("app.log.2"))?, "one\n");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct RotatingFileHandler {
    core: FileCore,
    settings: RotatingSettings,
}

impl RotatingFileHandler {
    /// Opens the handler as CPython's constructor does.
    pub fn new(settings: RotatingSettings) -> io::Result<RotatingFileHandler> {
        let mut handler = RotatingFileHandler::open(settings)?;
        handler.commit()?;
        Ok(handler)
    }

    /// Opens the handler staged (see [`Handler::commit`]).
    pub fn open(settings: RotatingSettings) -> io::Result<RotatingFileHandler> {
        let mode = if settings.max_bytes > 0 {
            Mode::Append
        } else {
            settings.file.mode
        };
        Ok(RotatingFileHandler {
            core: FileCore::open(settings.file.clone(), mode)?,
            settings,
        })
    }

    /// The settings the handler was made with.
    pub fn settings(&self) -> &RotatingSettings {
        &self.settings
    }

    /// CPython's `shouldRollover`: never for a path that exists and is not
    /// a regular file; else when the file's size plus the record's length
    /// in characters plus one reaches `maxBytes`.
    fn should_rollover(&mut self, text: &str) -> io::Result<bool> {
        let path = &self.core.path;
        if path.exists() && !path.is_file() {
            return Ok(false);
        }
        let mut file = self.core.ensure_open()?;
        if self.settings.max_bytes > 0 {
            // Python compares characters of "%s\n", not bytes.
            let length = text.chars().count() as u64 + 1;
            let size = file.seek(SeekFrom::End(0))?;
            if i128::from(size) + i128::from(length) >= i128::from(self.settings.max_bytes) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// CPython's `doRollover`.
    fn do_rollover(&mut self) -> io::Result<()> {
        self.core.drop_stream();
        if self.settings.backup_count > 0 {
            let base = self.core.path.clone();
            shift_backups(&base, self.settings.backup_count)?;
            let first = numbered(&base, 1);
            if first.exists() {
                fs::remove_file(&first)?;
            }
            if base.exists() {
                fs::rename(&base, &first)?;
            }
        }
        if !self.settings.file.delay {
            self.core.file = Some(self.core.open_now()?);
        }
        Ok(())
    }
}

/// `base.k`.
fn numbered(base: &Path, k: i64) -> PathBuf {
    let mut name = base.as_os_str().to_os_string();
    name.push(format!(".{k}"));
    PathBuf::from(name)
}

/// CPython renames `base.i` to `base.(i+1)` for i from backupCount-1 down
/// to 1, for each that exists. Only existing files matter, so list the
/// directory instead of probing up to backupCount names.
fn shift_backups(base: &Path, backup_count: i64) -> io::Result<()> {
    let (Some(dir), Some(name)) = (base.parent(), base.file_name()) else {
        return Ok(());
    };
    let mut prefix = name.as_bytes().to_vec();
    prefix.push(b'.');
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry_name = entry?.file_name();
        let Some(digits) = entry_name.as_bytes().strip_prefix(prefix.as_slice()) else {
            continue;
        };
        // Only names "%d" produces: digits, no leading zero.
        if digits.is_empty() || digits[0] == b'0' || !digits.iter().all(u8::is_ascii_digit) {
            continue;
        }
        let parsed = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse().ok());
        if let Some(k) = parsed.filter(|&k: &i64| k < backup_count) {
            found.push(k);
        }
    }
    // Highest first. Each k is positive, so its big-endian bytes sort
    // in numeric order.
    let bytes: Vec<[u8; 8]> = found.iter().map(|k| k.to_be_bytes()).collect();
    let keys: Vec<&[u8]> = bytes.iter().map(|b| b.as_slice()).collect();
    for i in crate::sort::sorted_order(&keys).into_iter().rev() {
        let k = found[i];
        let source = numbered(base, k);
        if !source.exists() {
            continue;
        }
        let dest = numbered(base, k + 1);
        if dest.exists() {
            fs::remove_file(&dest)?;
        }
        fs::rename(&source, &dest)?;
    }
    Ok(())
}

impl Handler for RotatingFileHandler {
    fn emit(&mut self, _record: &Record, text: &str) -> io::Result<()> {
        self.core.check_live()?;
        if self.should_rollover(text)? {
            self.do_rollover()?;
        }
        self.core.emit(text)
    }

    forward_to_core!();
}
