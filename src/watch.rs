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
//! modification time off Unix) and, when it differs or the file changed
//! in the last two seconds (a clock tick can hide a change from the
//! identity), its bytes. A version is applied once: rewriting the same
//! bytes applies nothing.
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

mod poll;

use crate::config::{Applied, ConfigKind};
use crate::level::Level;
use crate::registry::Registry;
use crate::wire::kind_word;
use poll::State;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

type ApplyFn = dyn Fn(&[u8]) -> Result<Applied, String> + Send;
type OnOutcome = dyn Fn(&WatchOutcome) + Send;

/// Options of [`watch_file`].
///
/// Defaults: poll every second, files up to 1 MiB (the listener's message
/// limit), applied with [`apply_config`](crate::apply_config) to the
/// process's registry and logged on its `loglisten` logger, no callback.
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
    /// Where versions are applied (unless `apply` replaces the step) and
    /// the outcomes logged.
    registry: Registry,
    /// The program's apply step; `None`: the registry's `apply_config`.
    apply: Option<Box<ApplyFn>>,
    on_outcome: Option<Box<OnOutcome>>,
}

impl fmt::Debug for WatchOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WatchOptions")
            .field("interval", &self.interval)
            .field("max_bytes", &self.max_bytes)
            .field("registry", &self.registry)
            .field("apply", &self.apply.is_some())
            .field("on_outcome", &self.on_outcome.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            interval: Duration::from_secs(1),
            max_bytes: 1 << 20,
            registry: Registry::global().clone(),
            apply: None,
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

    /// Applies the file to `registry` (by default [`Registry::global`])
    /// and logs the outcomes on its `loglisten` logger, each record with
    /// the audit's fields (`op=file`, `path`, `sha256`,
    /// `generation_before`, `generation_after`, `outcome`).
    ///
    /// ```
    /// use loglisten::{Level, Registry, WatchOptions};
    /// let registry = Registry::new();
    /// let path = std::env::temp_dir().join(format!("loglisten-doc-reg-{}.json", std::process::id()));
    /// std::fs::write(&path, r#"{"version": 1, "root": {"level": "ERROR"}}"#)?;
    /// let watcher = loglisten::watch_file(&path, WatchOptions::default().registry(&registry))?;
    /// assert_eq!(registry.get_logger("").level(), Level::ERROR);
    /// # drop(watcher);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn registry(mut self, registry: &Registry) -> Self {
        self.registry = registry.clone();
        self
    }

    /// Replaces the apply step (by default the registry's
    /// [`apply_config`](Registry::apply_config)), to handle the file
    /// yourself. An `Err` is reported as [`WatchOutcome::NotApplied`]
    /// with its text. The outcomes are still logged on the
    /// [`registry`](Self::registry)'s `loglisten` logger, without
    /// `generation_before` (the step may apply elsewhere).
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
        self.apply = Some(Box::new(move |bytes: &[u8]| {
            apply(bytes).map_err(|e| e.to_string())
        }));
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
                kind_word(*kind)
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
    let mut state = State::new(path.into(), options);
    state.poll();
    let stop = Arc::new(StopFlag::default());
    let for_thread = Arc::clone(&stop);
    let thread = crate::sync::spawn("loglisten-watch", Box::new(move || run(state, &for_thread)))?;
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
}
