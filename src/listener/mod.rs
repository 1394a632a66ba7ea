//! The listener: CPython's `logging.config.listen()` and `stopListening()`.
//!
//! A [`Listener`] owns a thread that accepts connections on
//! `127.0.0.1:port` (or a Unix domain socket). Each connection carries one
//! configuration in CPython's framing (a 4-byte big-endian length, then the
//! bytes) and is served on a thread of its own, at most `max_connections`
//! at once (a thread that is done waits a second for the next connection,
//! then ends). The length is due within the header deadline and the whole
//! message within the receive deadline, up to a size limit. Over TCP the
//! peer must then be this process's user (see
//! [`Builder::allow_any_local_user`]); the message is passed to the
//! verifier and applied with [`apply_config`](crate::apply_config) (a JSON
//! object as dictConfig, anything else as fileConfig) within the apply
//! deadline, one configuration at a time in arrival order (the apply
//! step's own gate: the listener adds none). The deadline counts from the
//! message's arrival: a push still waiting for an earlier apply when it
//! passes is answered `error: timed out waiting for another apply to
//! finish`, and one that waited and whose client has closed the
//! connection by its turn is dropped unapplied (audited as `abandoned`).
//!
//! # Reply
//!
//! CPython's listener answers nothing. Ours then writes one frame in the
//! same format (4-byte big-endian length, then the bytes) holding one UTF-8
//! status line, and closes:
//!
//! | status line              | meaning                                        |
//! |--------------------------|------------------------------------------------|
//! | `ok dict <generation>`   | applied as dictConfig; the generation now live |
//! | `ok file <generation>`   | applied as fileConfig                          |
//! | `ok get 3`, `ok set 4`, `ok reset 5` | a command done, then a newline and its JSON |
//! | `ok check`               | a dry run (`apply` with `dry_run`) passed       |
//! | `rejected`               | the peer is another user, or the verifier discarded it (no more detail) |
//! | `error: <message>`       | too large, bad frame, timed out, config error, a panic, evicted, or busy |
//!
//! A client that closed right after sending (CPython's does) never sees
//! it; that is not an error. When every slot is taken, a new connection
//! evicts the one that has got least far, which is answered
//! `error: evicted after <n> bytes: …`; only when none can be evicted is
//! the newcomer answered `error: busy: <n> connections already in flight`
//! and closed unread. [`send_config`](crate::send_config) reads the reply.
//!
//! A payload that is a JSON object whose only key is `"loglisten"` is a
//! [`Command`](crate::Command) (get, set, reset, apply with
//! `if_generation` and `dry_run`), carried out after the peer check and
//! verify; a bad one is answered `error: <field>: …` and changes nothing.
//!
//! # Log
//!
//! Every outcome goes to the `loglisten` logger: applied or done at INFO
//! (`applied dict config generation 3 from 127.0.0.1:50312`), a `get` at
//! DEBUG, rejected, evicted, refused or a bad command at WARNING (a
//! refused peer with its uid), the rest at ERROR. Its [`Audit`] facts
//! (peer, uid, key id, op, generations, SHA-256 of the payload, outcome)
//! are the record's extra fields; override expiries are logged there too.

mod audit;
mod builder;
mod commands;
mod outcome;
mod peer;
mod serve;
mod settings;
mod slots;
mod socket;
#[cfg(test)]
mod turn_tests;

pub use audit::Audit;
pub use builder::Builder;
pub use outcome::Outcome;

use crate::registry::Registry;
use crate::sync::lock;
use crate::verify::VerifyFn;
use crate::watch::{WatchOptions, Watcher};
use serve::Shared;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::thread::JoinHandle;

/// The port CPython's `logging.config.listen()` uses by default.
///
/// ```
/// assert_eq!(loglisten::DEFAULT_LOGGING_CONFIG_PORT, 9030);
/// ```
pub const DEFAULT_LOGGING_CONFIG_PORT: u16 = 9030;

/// The listener most recently started by [`listen`], for [`stop_listening`].
/// One per process, whatever the registry: CPython's module-level
/// `_listener`, which `stopListening()` stops. A listener of another
/// registry is stopped through its own handle.
static LAST: Mutex<Option<Weak<Shared>>> = Mutex::new(None);

/// A running listener. Dropping it stops it and waits for its thread.
///
/// ```
/// let listener = loglisten::listen(0, None).unwrap();
/// let reply = loglisten::send_config(
///     ("127.0.0.1", listener.port()),
///     br#"{"version": 1, "incremental": true}"#,
/// ).unwrap();
/// assert!(matches!(reply, loglisten::Reply::Ok { .. }));
/// listener.stop();
/// listener.join().unwrap();
/// ```
#[derive(Debug)]
pub struct Listener {
    shared: Arc<Shared>,
    /// The accept thread, and its result once it has ended.
    thread: Option<(JoinHandle<()>, crate::sync::Receiver<io::Result<()>>)>,
    port: u16,
    /// The files it watches ([`Builder::watch_file`]): they stop with it.
    watchers: Vec<Watcher>,
}

/// Starts a listener on `127.0.0.1:port`, like CPython's
/// `logging.config.listen(port, verify)` followed by `start()`. The port
/// is bound before this returns: a port in use is an error here, and port
/// 0 picks a free one ([`Listener::port`]). `verify` returning `None`
/// discards a message; `Some(bytes)` is applied.
///
/// ```
/// let listener = loglisten::listen(0, None).unwrap();
/// assert_ne!(listener.port(), 0);
/// loglisten::stop_listening();
/// listener.join().unwrap();
/// ```
pub fn listen(port: u16, verify: Option<VerifyFn>) -> io::Result<Listener> {
    Registry::global().listen(port, verify)
}

impl Registry {
    /// Starts a listener that applies configurations to this registry
    /// (see [`listen`]); [`stop_listening`] stops the one started last,
    /// whatever its registry.
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// let listener = registry.listen(0, None).unwrap();
    /// let reply = loglisten::send_config(("127.0.0.1", listener.port()), br#"{"version": 1}"#).unwrap();
    /// assert!(matches!(reply, loglisten::Reply::Ok { generation: 1, .. }));
    /// assert_eq!(registry.config_generation(), 1);
    /// loglisten::stop_listening();
    /// listener.join().unwrap();
    /// ```
    pub fn listen(&self, port: u16, verify: Option<VerifyFn>) -> io::Result<Listener> {
        let mut builder = Listener::builder().registry(self).port(port);
        if let Some(verify) = verify {
            builder = builder.verify(verify);
        }
        let listener = builder.spawn()?;
        *lock(&LAST) = Some(Arc::downgrade(&listener.shared));
        Ok(listener)
    }
}

/// Stops the listener most recently started by [`listen`], like CPython's
/// `logging.config.stopListening()`; does nothing if there is none or it
/// has stopped. Returns at once; [`Listener::join`] waits.
///
/// ```
/// loglisten::stop_listening(); // nothing running: nothing to do
/// ```
pub fn stop_listening() {
    let last = lock(&LAST).take();
    if let Some(shared) = last.and_then(|w| w.upgrade()) {
        shared.stop();
    }
}

impl Listener {
    /// Options for a listener: address, Unix socket, verify, limits,
    /// callbacks. See [`Builder`].
    ///
    /// ```
    /// let l = loglisten::Listener::builder().port(0).spawn().unwrap();
    /// # drop(l);
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The TCP port listened on (the one picked when 0 was asked), or 0
    /// for a Unix domain socket.
    ///
    /// ```
    /// let l = loglisten::listen(0, None).unwrap();
    /// assert!(l.port() >= 1024);
    /// ```
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops this listener: no new connections, those in progress are shut
    /// down, the files it watches are no longer looked at. Returns at
    /// once; [`join`](Self::join) waits for the threads.
    ///
    /// ```
    /// let l = loglisten::listen(0, None).unwrap();
    /// let port = l.port();
    /// l.stop();
    /// l.join().unwrap();
    /// assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    /// ```
    pub fn stop(&self) {
        self.shared.stop();
        for watcher in &self.watchers {
            watcher.stop();
        }
    }

    /// Waits until the listener's thread has ended (after [`stop`](Self::stop)
    /// or [`stop_listening`]) and every connection thread with it, then
    /// stops its file watchers and waits for them, and returns the
    /// thread's result. It does not stop the listener itself.
    ///
    /// ```
    /// let l = loglisten::listen(0, None).unwrap();
    /// l.stop();
    /// assert!(l.join().is_ok());
    /// ```
    pub fn join(mut self) -> io::Result<()> {
        self.join_thread()
    }

    fn join_thread(&mut self) -> io::Result<()> {
        let result = match self.thread.take() {
            Some((thread, result)) => {
                let _ = thread.join();
                // None: it panicked, before giving a result.
                let result = result.recv(None);
                result.unwrap_or_else(|| Err(io::Error::other("the listener thread panicked")))
            }
            None => Ok(()),
        };
        // The listener has ended (stop, or stop_listening): so do they.
        for watcher in self.watchers.drain(..) {
            watcher.stop();
            watcher.join();
        }
        result
    }

    /// Starts watching each file for this listener's `registry`: the first
    /// version of each is applied before this returns.
    pub(super) fn watch(
        &mut self,
        files: Vec<(PathBuf, WatchOptions)>,
        registry: &Registry,
    ) -> io::Result<()> {
        for (path, options) in files {
            let watcher = crate::watch::watch_file(path, options.registry(registry))?;
            self.watchers.push(watcher);
        }
        Ok(())
    }

    /// Connections being served or queued (each registered for shutdown),
    /// and connection threads alive (serving, or lingering for the next
    /// connection). For tests of resource bounds.
    #[doc(hidden)]
    pub fn __in_flight(&self) -> (usize, usize) {
        self.shared.in_flight()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop();
        let _ = self.join_thread();
    }
}
