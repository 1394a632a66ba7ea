//! Files as a source: a thread that applies a configuration file at start
//! and again whenever it changes.
//!
//! A fleet that already distributes files (Kubernetes ConfigMaps, Consul
//! templates, config management) drives loglisten this way, without a
//! socket. The file holds a dictConfig JSON object or fileConfig INI text,
//! told apart as [`apply_config`](crate::apply_config) does.
//!
//! The watcher polls (every second by default). It sees a change of
//! content, of the file itself (an editor writing a new file and renaming
//! it over the old one) and of a symlink on the way to it (Kubernetes
//! mounts a ConfigMap as `dir/config.json -> ..data/config.json` with
//! `..data -> ..2026_12_04_xx`, and swaps `..data` by renaming a new
//! symlink over it): each poll compares the resolved file's identity
//! (device, inode, size, modification and change times; size and
//! modification time off Unix) and, when it differs, its bytes. A version
//! is applied once: rewriting the same bytes applies nothing.
//!
//! A version that fails to parse or apply, a file over the size limit
//! (1 MiB by default, as the listener's messages), an unreadable or a
//! missing file are each reported once, on the `loglisten` logger at
//! WARNING and to [`WatchOptions::on_outcome`], and the running
//! configuration stays as it was; the next change is tried again. Applied
//! versions are logged at INFO.
//!
//! A file seen changing while it is read is not applied; it is read again
//! at the next poll. Writers should still replace the file by renaming a
//! complete one over it (editors, Kubernetes and most config tools do): a
//! writer that rewrites in place and pauses halfway can show a prefix that
//! happens to parse.
//!
//! ```
//! use loglisten::{get_logger, watch_file, Level, WatchOptions};
//! use std::time::Duration;
//!
//! let path = std::env::temp_dir().join(format!("loglisten-doc-watch-{}.json", std::process::id()));
//! std::fs::write(&path, r#"{"version": 1, "incremental": true,
//!                           "loggers": {"doc.watch": {"level": "DEBUG"}}}"#)?;
//! // The first version is applied before watch_file returns.
//! let watcher = watch_file(&path, WatchOptions::default().interval(Duration::from_millis(20)))?;
//! assert_eq!(get_logger("doc.watch").level(), Level::DEBUG);
//! watcher.stop();
//! watcher.join();
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), std::io::Error>(())
//! ```

use crate::config::{apply_config, Applied, ConfigKind};
use crate::level::Level;
use crate::listener::outcome_kind_word;
use crate::logger::{get_logger, Logger};
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime};

type ApplyFn = dyn Fn(&[u8]) -> Result<Applied, String> + Send;
type OnOutcome = dyn Fn(&WatchOutcome) + Send;

/// How long after a file's modification time its bytes are still compared
/// at every poll: a write in the same clock tick as our read leaves the
/// identity unchanged (git's "racily clean" entries). 2 s covers the
/// coarsest file systems (FAT).
const RACY: Duration = Duration::from_secs(2);

/// Options of [`watch_file`].
///
/// Defaults: poll every second, files up to 1 MiB (the listener's message
/// limit), applied with [`apply_config`](crate::apply_config), no callback.
///
/// ```
/// use std::time::Duration;
/// let options = loglisten::WatchOptions::default()
///     .interval(Duration::from_millis(250))
///     .max_bytes(64 * 1024)
///     .apply(|bytes: &[u8]| loglisten::apply_config(bytes))
///     .on_outcome(|outcome| eprintln!("logging config: {outcome}"));
/// # drop(options);
/// ```
pub struct WatchOptions {
    interval: Duration,
    max_bytes: u64,
    apply: Box<ApplyFn>,
    on_outcome: Option<Box<OnOutcome>>,
}

impl fmt::Debug for WatchOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WatchOptions")
            .field("interval", &self.interval)
            .field("max_bytes", &self.max_bytes)
            .field("on_outcome", &self.on_outcome.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            interval: Duration::from_secs(1),
            max_bytes: 1 << 20,
            apply: Box::new(|bytes: &[u8]| apply_config(bytes).map_err(|e| e.to_string())),
            on_outcome: None,
        }
    }
}

impl WatchOptions {
    /// How often the file is looked at (default 1 s, at least 1 ms).
    ///
    /// ```
    /// let o = loglisten::WatchOptions::default().interval(std::time::Duration::from_secs(5));
    /// # drop(o);
    /// ```
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval.max(Duration::from_millis(1));
        self
    }

    /// The largest file applied (default 1 MiB). A larger one is reported
    /// and not read.
    ///
    /// ```
    /// let o = loglisten::WatchOptions::default().max_bytes(4096);
    /// # drop(o);
    /// ```
    pub fn max_bytes(mut self, max: usize) -> Self {
        self.max_bytes = max as u64;
        self
    }

    /// Replaces the apply step (by default
    /// [`apply_config`](crate::apply_config)), to target another registry
    /// or handle the file yourself. An `Err` is reported as
    /// [`WatchOutcome::NotApplied`] with its text.
    ///
    /// ```
    /// use loglisten::{Applied, ConfigKind};
    /// let o = loglisten::WatchOptions::default().apply(|bytes: &[u8]| {
    ///     let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    ///     println!("new settings: {text}");
    ///     Ok::<_, String>(Applied { kind: ConfigKind::Dict, generation: 1 })
    /// });
    /// # drop(o);
    /// ```
    pub fn apply<E: fmt::Display>(
        mut self,
        apply: impl Fn(&[u8]) -> Result<Applied, E> + Send + 'static,
    ) -> Self {
        self.apply = Box::new(move |bytes: &[u8]| apply(bytes).map_err(|e| e.to_string()));
        self
    }

    /// Called with every outcome: each version applied or refused, and
    /// each problem with the file, once. Runs on the watcher's thread (the
    /// first check on the thread calling [`watch_file`]); a panic in it is
    /// caught.
    ///
    /// ```
    /// let o = loglisten::WatchOptions::default().on_outcome(|outcome| eprintln!("{outcome}"));
    /// # drop(o);
    /// ```
    pub fn on_outcome(mut self, f: impl Fn(&WatchOutcome) + Send + 'static) -> Self {
        self.on_outcome = Some(Box::new(f));
        self
    }
}

/// What the watcher did with a version of the file, or what kept it from
/// reading one.
///
/// ```
/// use loglisten::WatchOutcome;
/// let outcome = WatchOutcome::TooLarge { size: 2_000_000, max: 1_048_576 };
/// assert_eq!(outcome.to_string(), "file of 2000000 bytes exceeds the limit of 1048576");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WatchOutcome {
    /// The version went live.
    Applied {
        /// Dict or file config.
        kind: ConfigKind,
        /// The generation now live.
        generation: u64,
    },
    /// The apply step refused this version (or panicked); nothing changed.
    NotApplied(String),
    /// There is no file at the path (or a symlink on the way dangles).
    Missing,
    /// The file could not be read: the I/O error.
    Unreadable(String),
    /// The file is larger than [`WatchOptions::max_bytes`]; it was not read.
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        max: u64,
    },
}

impl fmt::Display for WatchOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WatchOutcome::Applied { kind, generation } => write!(
                f,
                "applied {} config generation {generation}",
                outcome_kind_word(*kind)
            ),
            WatchOutcome::NotApplied(msg) => write!(f, "config not applied: {msg}"),
            WatchOutcome::Missing => f.write_str("file is missing"),
            WatchOutcome::Unreadable(msg) => write!(f, "cannot read the file: {msg}"),
            WatchOutcome::TooLarge { size, max } => {
                write!(f, "file of {size} bytes exceeds the limit of {max}")
            }
        }
    }
}

impl WatchOutcome {
    /// INFO when applied, WARNING otherwise.
    fn level(&self) -> Level {
        match self {
            WatchOutcome::Applied { .. } => Level::INFO,
            _ => Level::WARNING,
        }
    }

    /// The line on the `loglisten` logger, naming the file.
    fn log_line(&self, path: &Path) -> String {
        let path = path.display();
        match self {
            WatchOutcome::Applied { .. } => format!("{self} from file {path}"),
            WatchOutcome::NotApplied(msg) => format!("config file {path} not applied: {msg}"),
            WatchOutcome::Missing => format!("config file {path} is missing; waiting for it"),
            WatchOutcome::Unreadable(msg) => format!("config file {path} cannot be read: {msg}"),
            WatchOutcome::TooLarge { size, max } => {
                format!("config file {path} of {size} bytes exceeds the limit of {max}; not read")
            }
        }
    }
}

/// A running file watcher. Dropping it stops it and waits for its thread.
///
/// ```
/// let path = std::env::temp_dir().join(format!("loglisten-doc-watcher-{}.json", std::process::id()));
/// std::fs::write(&path, r#"{"version": 1, "incremental": true}"#)?;
/// let watcher = loglisten::watch_file(&path, loglisten::WatchOptions::default())?;
/// drop(watcher); // stops the thread at once, though the interval is 1 s
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Watcher {
    stop: Arc<StopFlag>,
    thread: Option<JoinHandle<()>>,
}

/// Set once by [`Watcher::stop`]; the thread sleeps on the condvar, so it
/// wakes at once.
#[derive(Debug, Default)]
struct StopFlag {
    stopped: Mutex<bool>,
    cv: Condvar,
}

/// Watches the configuration file at `path`: applies it now, before
/// returning (or reports why not), then on a thread of its own whenever it
/// changes, until the [`Watcher`] is stopped or dropped. A missing file is
/// reported and waited for. Errors only when the thread cannot be started.
///
/// ```
/// use loglisten::{watch_file, WatchOptions, WatchOutcome};
/// use std::sync::mpsc;
/// let (tx, rx) = mpsc::channel();
/// let path = std::env::temp_dir().join(format!("loglisten-doc-missing-{}.json", std::process::id()));
/// let watcher = watch_file(&path, WatchOptions::default().on_outcome(move |o| {
///     let _ = tx.send(o.clone());
/// }))?;
/// assert_eq!(rx.recv().unwrap(), WatchOutcome::Missing);
/// # drop(watcher);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn watch_file(path: impl Into<PathBuf>, options: WatchOptions) -> io::Result<Watcher> {
    let mut state = State {
        path: path.into(),
        options,
        log: get_logger("loglisten"),
        settled: None,
        last_bytes: None,
        last_problem: None,
    };
    state.poll();
    let stop = Arc::new(StopFlag::default());
    let for_thread = Arc::clone(&stop);
    let thread = thread::Builder::new()
        .name("loglisten-watch".into())
        .spawn(move || run(state, &for_thread))?;
    Ok(Watcher {
        stop,
        thread: Some(thread),
    })
}

impl Watcher {
    /// Stops the watcher. Returns at once; [`join`](Self::join) waits for
    /// its thread (which finishes an apply step already under way).
    ///
    /// ```
    /// let path = std::env::temp_dir().join("loglisten-doc-stop.json");
    /// let w = loglisten::watch_file(path, loglisten::WatchOptions::default())?;
    /// w.stop();
    /// w.join();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stop(&self) {
        *self.stop.stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.stop.cv.notify_all();
    }

    /// Waits until the thread has ended. It does not stop the watcher
    /// itself: call [`stop`](Self::stop) first.
    ///
    /// ```
    /// let path = std::env::temp_dir().join("loglisten-doc-join.json");
    /// let w = loglisten::watch_file(path, loglisten::WatchOptions::default())?;
    /// w.stop();
    /// w.join();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn join(mut self) {
        self.join_thread();
    }

    fn join_thread(&mut self) {
        if let Some(t) = self.thread.take() {
            // The thread catches the program's panics; nothing to report.
            let _ = t.join();
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop();
        self.join_thread();
    }
}

fn run(mut state: State, stop: &StopFlag) {
    let mut stopped = stop.stopped.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        stopped = match stop
            .cv
            .wait_timeout_while(stopped, state.options.interval, |s| !*s)
        {
            Ok((guard, _)) => guard,
            Err(e) => e.into_inner().0,
        };
        if *stopped {
            return;
        }
        // Not holding the lock while polling: stop() must not wait for it.
        drop(stopped);
        state.poll();
        stopped = stop.stopped.lock().unwrap_or_else(|e| e.into_inner());
    }
}

/// Who the file is: the resolved path and its metadata. Equal stamps mean
/// the same version, unless the version is recent (see [`RACY`]).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Stamp {
    target: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    id: (u64, u64, i64, i64),
}

fn stamp(path: &Path) -> io::Result<Stamp> {
    let target = fs::canonicalize(path)?;
    let meta = fs::metadata(&target)?;
    Ok(Stamp {
        target,
        len: meta.len(),
        modified: meta.modified().ok(),
        #[cfg(unix)]
        id: {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec())
        },
    })
}

struct State {
    path: PathBuf,
    options: WatchOptions,
    log: Logger,
    /// The stamp of the version last read, once it is old enough that an
    /// equal stamp proves equal bytes.
    settled: Option<Stamp>,
    /// The bytes last handed to the apply step, applied or refused.
    last_bytes: Option<Vec<u8>>,
    /// The problem last reported, so that it is reported once.
    last_problem: Option<WatchOutcome>,
}

impl State {
    /// One look at the file; applies it if it holds a new version.
    fn poll(&mut self) {
        match self.read_new_version() {
            Ok(Some(bytes)) => self.apply(bytes),
            Ok(None) => {}
            Err(problem) => {
                self.settled = None;
                if self.last_problem.as_ref() != Some(&problem) {
                    self.report(&problem);
                    self.last_problem = Some(problem);
                }
            }
        }
    }

    /// The file's bytes if they may differ from the last version read and
    /// did not change while being read.
    fn read_new_version(&mut self) -> Result<Option<Vec<u8>>, WatchOutcome> {
        let before = stamp(&self.path).map_err(problem)?;
        if self.settled.as_ref() == Some(&before) {
            return Ok(None);
        }
        let max = self.options.max_bytes;
        if before.len > max {
            return Err(WatchOutcome::TooLarge {
                size: before.len,
                max,
            });
        }
        let started = SystemTime::now();
        let bytes = read_at_most(&before.target, max).map_err(problem)?;
        if bytes.len() as u64 > max {
            return Err(WatchOutcome::TooLarge {
                size: bytes.len() as u64,
                max,
            });
        }
        let after = stamp(&self.path).map_err(problem)?;
        self.last_problem = None;
        if after != before || bytes.len() as u64 != before.len {
            // Being written: look again at the next poll.
            self.settled = None;
            return Ok(None);
        }
        self.settled = if is_racy(&before, started) {
            None
        } else {
            Some(before)
        };
        if self.last_bytes.as_deref() == Some(&bytes[..]) {
            return Ok(None);
        }
        Ok(Some(bytes))
    }

    fn apply(&mut self, bytes: Vec<u8>) {
        let outcome = match catch_unwind(AssertUnwindSafe(|| (self.options.apply)(&bytes))) {
            Ok(Ok(applied)) => WatchOutcome::Applied {
                kind: applied.kind,
                generation: applied.generation,
            },
            Ok(Err(message)) => WatchOutcome::NotApplied(message),
            Err(panic) => {
                WatchOutcome::NotApplied(format!("the apply step panicked: {}", panic_text(&panic)))
            }
        };
        self.last_bytes = Some(bytes);
        self.report(&outcome);
    }

    fn report(&self, outcome: &WatchOutcome) {
        let level = outcome.level();
        if self.log.is_enabled_for(level) {
            self.log.log(level, &outcome.log_line(&self.path));
        }
        if let Some(f) = &self.options.on_outcome {
            // The program's callback must not end the watcher.
            let _ = catch_unwind(AssertUnwindSafe(|| f(outcome)));
        }
    }
}

/// A version modified within [`RACY`] of when we read it (or in the
/// future) may change again without its stamp changing.
fn is_racy(stamp: &Stamp, read_at: SystemTime) -> bool {
    match stamp.modified {
        Some(modified) => modified + RACY >= read_at,
        None => true,
    }
}

/// Up to `max + 1` bytes: one more than allowed tells a file that grew.
fn read_at_most(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn problem(e: io::Error) -> WatchOutcome {
    match e.kind() {
        io::ErrorKind::NotFound => WatchOutcome::Missing,
        _ => WatchOutcome::Unreadable(e.to_string()),
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_display_log_and_level() {
        let path = Path::new("/etc/app/logging.json");
        let cases = [
            (
                WatchOutcome::Applied {
                    kind: ConfigKind::Dict,
                    generation: 3,
                },
                "applied dict config generation 3",
                "applied dict config generation 3 from file /etc/app/logging.json",
                Level::INFO,
            ),
            (
                WatchOutcome::NotApplied("version: Unsupported version: 2".into()),
                "config not applied: version: Unsupported version: 2",
                "config file /etc/app/logging.json not applied: version: Unsupported version: 2",
                Level::WARNING,
            ),
            (
                WatchOutcome::Missing,
                "file is missing",
                "config file /etc/app/logging.json is missing; waiting for it",
                Level::WARNING,
            ),
            (
                WatchOutcome::Unreadable("Permission denied (os error 13)".into()),
                "cannot read the file: Permission denied (os error 13)",
                "config file /etc/app/logging.json cannot be read: Permission denied (os error 13)",
                Level::WARNING,
            ),
            (
                WatchOutcome::TooLarge { size: 9, max: 4 },
                "file of 9 bytes exceeds the limit of 4",
                "config file /etc/app/logging.json of 9 bytes exceeds the limit of 4; not read",
                Level::WARNING,
            ),
        ];
        for (outcome, display, line, level) in cases {
            assert_eq!(outcome.to_string(), display);
            assert_eq!(outcome.log_line(path), line);
            assert_eq!(outcome.level(), level);
        }
    }

    #[test]
    fn recent_versions_are_racy() {
        let now = SystemTime::now();
        let at = |modified| Stamp {
            target: PathBuf::from("/x"),
            len: 1,
            modified,
            #[cfg(unix)]
            id: (1, 2, 3, 4),
        };
        assert!(is_racy(&at(Some(now)), now));
        assert!(is_racy(&at(Some(now - RACY)), now));
        assert!(!is_racy(&at(Some(now - RACY * 2)), now));
        assert!(is_racy(&at(None), now));
    }
}
