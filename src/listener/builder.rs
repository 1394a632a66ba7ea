//! [`Builder`]: every option of a listener, with safe defaults.

use super::audit::Audit;
use super::outcome::Outcome;
use super::peer;
use super::serve;
use super::settings::{ApplyClosure, Peers, Settings, Turn};
use super::socket::Socket;
use super::Listener;
use crate::config::{Applied, ApplyOptions, ConfigError, NotApplied};
use crate::registry::gate::still_wanted_after;
use crate::registry::gate::Gate;
use crate::registry::Registry;
use crate::verify::HmacVerifier;
use crate::watch::WatchOptions;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What [`Builder::allow_any_local_user`] was told.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum LocalUsers {
    #[default]
    SameUser,
    Any,
}

/// Options for a [`Listener`]; [`Listener::builder`] makes one.
///
/// Defaults: `127.0.0.1`, port [`DEFAULT_LOGGING_CONFIG_PORT`]
/// (9030), no verify, messages up to 1 MiB, 1 s to receive the length
/// prefix and 5 s the whole message, 5 s to build a configuration, 8
/// connections in flight, configurations applied with
/// [`apply_config`](crate::apply_config).
///
/// [`DEFAULT_LOGGING_CONFIG_PORT`]: super::DEFAULT_LOGGING_CONFIG_PORT
///
/// ```
/// use std::time::Duration;
/// let listener = loglisten::Listener::builder()
///     .port(0)
///     .verify(loglisten::verify::hmac_sha256(b"shared secret".to_vec()))
///     .max_message_bytes(64 * 1024)
///     .receive_deadline(Duration::from_secs(2))
///     .max_connections(4)
///     .spawn()
///     .unwrap();
/// assert_ne!(listener.port(), 0);
/// ```
pub struct Builder {
    ip: IpAddr,
    port: u16,
    #[cfg(unix)]
    unix: Option<PathBuf>,
    allow_dirs: Option<Vec<PathBuf>>,
    local_users: LocalUsers,
    settings: Settings,
    /// Where configurations are applied and the outcomes logged.
    registry: Registry,
    /// Files watched while the listener runs.
    watch: Vec<(PathBuf, WatchOptions)>,
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Builder");
        d.field("ip", &self.ip).field("port", &self.port);
        #[cfg(unix)]
        d.field("unix", &self.unix);
        d.field("allow_dirs", &self.allow_dirs);
        d.field("local_users", &self.local_users);
        d.field("settings", &self.settings)
            .field("registry", &self.registry)
            .field("watch", &self.watch)
            .finish()
    }
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            ip: Ipv4Addr::LOCALHOST.into(),
            port: super::DEFAULT_LOGGING_CONFIG_PORT,
            #[cfg(unix)]
            unix: None,
            allow_dirs: None,
            local_users: LocalUsers::SameUser,
            settings: Settings {
                peers: Peers::AnyLocalUser,
                confine: Default::default(),
                verify: None,
                hmac: None,
                registry: Registry::global().clone(),
                apply: apply_to(Registry::global().clone()),
                on_message: None,
                on_audit: None,
                max_message_bytes: 1 << 20,
                receive_deadline: Duration::from_secs(5),
                header_deadline: Duration::from_secs(1),
                apply_deadline: Duration::from_secs(5),
                max_connections: 8,
            },
            registry: Registry::global().clone(),
            watch: Vec::new(),
        }
    }
}

impl Builder {
    /// Applies configurations to `registry` (by default
    /// [`Registry::global`]) and logs the outcomes to its `loglisten`
    /// logger. It sets the apply step: call it before
    /// [`apply`](Self::apply), if both.
    ///
    /// ```
    /// let registry = loglisten::Registry::new();
    /// let l = loglisten::Listener::builder().registry(&registry).port(0).spawn().unwrap();
    /// loglisten::send_config(("127.0.0.1", l.port()), br#"{"version": 1, "root": {"level": "ERROR"}}"#).unwrap();
    /// assert_eq!(registry.get_logger("").level(), loglisten::Level::ERROR);
    /// assert_eq!(loglisten::get_logger("").level(), loglisten::Level::WARNING);
    /// ```
    pub fn registry(mut self, registry: &Registry) -> Self {
        let target = registry.clone();
        self.settings.apply = apply_to(target);
        self.settings.registry = registry.clone();
        self.registry = registry.clone();
        self
    }

    /// The TCP port; 0 asks the system for a free one, which
    /// [`Listener::port`] then reports.
    ///
    /// ```
    /// let l = loglisten::Listener::builder().port(0).spawn().unwrap();
    /// assert!(l.port() > 0);
    /// ```
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Listens on `ip` instead of loopback: **dangerous**. Anyone who can
    /// connect can reconfigure this program's logging: silence it, or point
    /// a `FileHandler` at any path the program may write, creating or
    /// truncating files there. Use it only on a trusted network, and with
    /// [`verify`](Self::verify) (e.g. [`hmac_sha256`](crate::verify::hmac_sha256)).
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// let l = loglisten::Listener::builder()
    ///     .bind_address_insecure(Ipv4Addr::UNSPECIFIED.into())
    ///     .port(0)
    ///     .verify(loglisten::verify::hmac_sha256(b"key".to_vec()))
    ///     .spawn()
    ///     .unwrap();
    /// # drop(l);
    /// ```
    pub fn bind_address_insecure(mut self, ip: IpAddr) -> Self {
        self.ip = ip;
        self
    }

    /// Listens on a Unix domain socket at `path` instead of TCP. The socket
    /// file is created with mode 0600 (only this user can connect) and
    /// removed when the listener stops. A socket file left by a dead
    /// process is replaced; a live socket or any other file is an error.
    /// While it runs, a hidden directory `.loglisten-<pid>-<n>` (mode
    /// 0700) beside it holds a second name for the socket, through which
    /// [`Listener::stop`] wakes the listener even if the path was removed.
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("loglisten-doc-{}.sock", std::process::id()));
    /// let l = loglisten::Listener::builder().unix_socket(&path).spawn().unwrap();
    /// assert!(path.exists());
    /// drop(l);
    /// assert!(!path.exists());
    /// ```
    #[cfg(unix)]
    pub fn unix_socket(mut self, path: impl Into<PathBuf>) -> Self {
        self.unix = Some(path.into());
        self
    }

    /// Serves TCP peers of any local user, as CPython does. **Risky**: by
    /// default only peers running as this process's user are served
    /// (Linux tells which user owns a loopback peer's socket; a peer that
    /// cannot be identified, e.g. one that closed at once, is served only
    /// when a [`verify`](Self::verify) vouches for its message). With this,
    /// any user on the machine can reconfigure this program's logging:
    /// silence it, or point a `FileHandler` at any path this program may
    /// write, creating or truncating files there. Pair it with a verify,
    /// or prefer a Unix socket (only its owner can connect).
    ///
    /// ```
    /// let l = loglisten::Listener::builder().port(0).allow_any_local_user().spawn().unwrap();
    /// # drop(l);
    /// ```
    pub fn allow_any_local_user(mut self) -> Self {
        self.local_users = LocalUsers::Any;
        self
    }

    /// Confines the file handlers of configurations received by this
    /// listener to these directories (and below): a log file is checked
    /// with `..` and symlinks resolved, so neither can lead out. A
    /// configuration with a file handler elsewhere is refused whole,
    /// naming the path (`handlers.h: '/etc/x' is outside the allowed
    /// directories`). Each directory must exist when the listener starts.
    /// Handlers a program registered itself are not confined.
    ///
    /// ```
    /// let dir = std::env::temp_dir();
    /// let l = loglisten::Listener::builder().port(0).allow_dirs([&dir]).spawn().unwrap();
    /// # drop(l);
    /// ```
    pub fn allow_dirs<P: Into<PathBuf>>(mut self, dirs: impl IntoIterator<Item = P>) -> Self {
        self.allow_dirs = Some(dirs.into_iter().map(Into::into).collect());
        self
    }

    /// Confines the network handlers (SysLogHandler over UDP or TCP) of
    /// configurations received by this listener to these hosts, compared
    /// as written (ASCII case ignored): `"127.0.0.1"` does not allow
    /// `"localhost"`. A configuration that names another is refused whole,
    /// naming the host.
    ///
    /// ```
    /// let l = loglisten::Listener::builder().port(0).allow_hosts(["127.0.0.1"]).spawn().unwrap();
    /// # drop(l);
    /// ```
    pub fn allow_hosts<S: Into<String>>(mut self, hosts: impl IntoIterator<Item = S>) -> Self {
        let hosts: Vec<String> = hosts.into_iter().map(Into::into).collect();
        self.settings.confine.hosts = Some(hosts.into());
        self
    }

    /// Checks each message before it is applied, as CPython's `verify`:
    /// `None` discards the message (the peer is told only `rejected`),
    /// `Some(bytes)` is applied. A panic counts as a failure.
    ///
    /// ```
    /// let l = loglisten::Listener::builder()
    ///     .port(0)
    ///     .verify(|msg: &[u8]| msg.strip_prefix(b"trusted:").map(<[u8]>::to_vec))
    ///     .spawn()
    ///     .unwrap();
    /// # drop(l);
    /// ```
    pub fn verify(
        mut self,
        verify: impl Fn(&[u8]) -> Option<Vec<u8>> + Send + Sync + 'static,
    ) -> Self {
        self.settings.verify = Some(Arc::new(verify));
        self.settings.hmac = None;
        self
    }

    /// Verifies each message with `verifier` (see
    /// [`hmac_sha256`](crate::verify::hmac_sha256)), asking it directly
    /// so that the audit records the key id of an accepted message and
    /// why a refused one was refused (`stale signature`, `replayed
    /// signature`, …). The peer is still told only `rejected`.
    ///
    /// ```
    /// use loglisten::verify::{sign, HmacVerifier};
    /// use loglisten::{Listener, Reply};
    /// let l = Listener::builder()
    ///     .port(0)
    ///     .verify_hmac(HmacVerifier::new(b"k".to_vec()))
    ///     .spawn()
    ///     .unwrap();
    /// let reply = loglisten::send_config(("127.0.0.1", l.port()), &sign(b"other", b"{}")).unwrap();
    /// assert_eq!(reply, Reply::Rejected);
    /// ```
    pub fn verify_hmac(mut self, verifier: HmacVerifier) -> Self {
        let verifier = Arc::new(verifier);
        let for_verify = Arc::clone(&verifier);
        self.settings.verify = Some(Arc::new(move |msg: &[u8]| for_verify.verify(msg)));
        self.settings.hmac = Some(verifier);
        self
    }

    /// The largest payload accepted (default 1 MiB). A larger length prefix
    /// is refused before any payload is read.
    ///
    /// ```
    /// let b = loglisten::Listener::builder().max_message_bytes(4096);
    /// # drop(b);
    /// ```
    pub fn max_message_bytes(mut self, max: usize) -> Self {
        self.settings.max_message_bytes = max;
        self
    }

    /// How long a peer has to send its whole message, from the moment the
    /// connection is served (default 5 s). A peer trickling bytes does not
    /// extend it.
    ///
    /// ```
    /// let b = loglisten::Listener::builder().receive_deadline(std::time::Duration::from_secs(1));
    /// # drop(b);
    /// ```
    pub fn receive_deadline(mut self, deadline: Duration) -> Self {
        self.settings.receive_deadline = deadline;
        self
    }

    /// How long a peer has, once its connection is served, to send the
    /// 4-byte length prefix (default 1 s): a connection that says nothing
    /// is let go early, so idle connections cannot hold the slots.
    ///
    /// ```
    /// let b = loglisten::Listener::builder().header_deadline(std::time::Duration::from_millis(300));
    /// # drop(b);
    /// ```
    pub fn header_deadline(mut self, deadline: Duration) -> Self {
        self.settings.header_deadline = deadline;
        self
    }

    /// How long applying a received configuration may take (default 5 s),
    /// counted from the message's arrival: waiting for earlier pushes to
    /// be applied, then building. A push still waiting when it passes is
    /// told `error: timed out waiting for another apply to finish`. Each
    /// step of the build that waits on the outside world (resolving a host
    /// name, a syslog handler connecting over TCP, itself limited to 2 s)
    /// is cut short at this deadline, and no handler is started after it:
    /// the pieces built are closed, nothing changes, and the peer is told
    /// `error: timed out building handler 'h' (connecting to 127.0.0.1:5516)`.
    ///
    /// ```
    /// let b = loglisten::Listener::builder().apply_deadline(std::time::Duration::from_secs(2));
    /// # drop(b);
    /// ```
    pub fn apply_deadline(mut self, deadline: Duration) -> Self {
        self.settings.apply_deadline = deadline;
        self
    }

    /// How many connections may be served at once (default 8, at least 1).
    /// When all are taken, a new connection evicts the one that has got
    /// least far (fewest bytes sent, then longest waiting), which is told
    /// `error: evicted …`; only when none can be evicted (all are being
    /// applied) is the newcomer told `error: busy …` and closed unread.
    ///
    /// ```
    /// let b = loglisten::Listener::builder().max_connections(2);
    /// # drop(b);
    /// ```
    pub fn max_connections(mut self, max: usize) -> Self {
        self.settings.max_connections = max.max(1);
        self
    }

    /// Called with the peer's address (`127.0.0.1:50312`, or `unix:PATH`)
    /// and the outcome of each connection, before the reply is sent. Runs
    /// on the connection's thread; a panic in it is caught.
    ///
    /// ```
    /// let l = loglisten::Listener::builder()
    ///     .port(0)
    ///     .on_message(|peer, outcome| eprintln!("{peer}: {outcome}"))
    ///     .spawn()
    ///     .unwrap();
    /// # drop(l);
    /// ```
    pub fn on_message(mut self, f: impl Fn(&str, &Outcome) + Send + Sync + 'static) -> Self {
        self.settings.on_message = Some(Arc::new(f));
        self
    }

    /// Called with the [`Audit`] of each connection (its peer, uid, key
    /// id, command, generations, payload hash and outcome: the fields of
    /// its record on the `loglisten` logger), before the reply is sent.
    /// Runs on the connection's thread; a panic in it is caught.
    ///
    /// ```
    /// let l = loglisten::Listener::builder()
    ///     .port(0)
    ///     .on_audit(|audit| eprintln!("{}", audit.fields_text()))
    ///     .spawn()
    ///     .unwrap();
    /// # drop(l);
    /// ```
    pub fn on_audit(mut self, f: impl Fn(&Audit) + Send + Sync + 'static) -> Self {
        self.settings.on_audit = Some(Arc::new(f));
        self
    }

    /// Replaces the apply step (by default [`apply_config`](crate::apply_config)),
    /// for a program that handles configurations itself. Calls are
    /// serialized (one at a time, in arrival order; a push that cannot
    /// start within the apply deadline is answered `error: timed out
    /// waiting for another apply to finish`, and one whose client has gone
    /// by its turn is dropped); an `Err` is reported to the peer as
    /// `error: <message>`. Commands (`get`, `set`, `reset`, and `apply`
    /// with its preconditions) act on the [`registry`](Self::registry)
    /// itself, not through this step.
    ///
    /// ```
    /// use loglisten::{Applied, ConfigKind};
    /// let l = loglisten::Listener::builder()
    ///     .port(0)
    ///     .apply(|bytes: &[u8]| {
    ///         let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    ///         println!("new settings: {text}");
    ///         Ok(Applied { kind: ConfigKind::Dict, generation: 1 })
    ///     })
    ///     .spawn()
    ///     .unwrap();
    /// # drop(l);
    /// ```
    pub fn apply(
        mut self,
        apply: impl Fn(&[u8]) -> Result<Applied, String> + Send + Sync + 'static,
    ) -> Self {
        // The default step takes its turn at the registry's gate; a
        // program's step gets one of its own, with the same terms.
        let gate = Gate::default();
        self.settings.apply = Arc::new(move |bytes: &[u8], turn: &Turn<'_>| {
            let _turn = still_wanted_after(gate.enter_by(Some(turn.by)), turn.still_wanted)?;
            apply(bytes).map_err(|message| NotApplied::Config(ConfigError::new("", message)))
        });
        self
    }

    /// Binds now (an address in use is an error here) and starts the
    /// listener's thread.
    ///
    /// ```
    /// let first = loglisten::Listener::builder().port(0).spawn().unwrap();
    /// let busy = loglisten::Listener::builder().port(first.port()).spawn();
    /// assert!(busy.is_err());
    /// ```
    pub fn spawn(mut self) -> io::Result<Listener> {
        if let Some(dirs) = self.allow_dirs.take() {
            let canonical = dirs
                .iter()
                .map(|d| {
                    std::fs::canonicalize(d).map_err(|e| {
                        io::Error::new(e.kind(), format!("allowed directory {}: {e}", d.display()))
                    })
                })
                .collect::<io::Result<Vec<_>>>()?;
            self.settings.confine.dirs = Some(canonical.into());
        }
        let log = self.registry.get_logger("loglisten");
        let mut listener = match self.bind()? {
            socket @ Socket::Tcp(_) => {
                self.settings.peers = self.peer_policy()?;
                serve::start(socket, self.settings, log)?
            }
            #[cfg(unix)]
            socket => serve::start(socket, self.settings, log)?,
        };
        listener.watch(self.watch, &self.registry)?;
        Ok(listener)
    }

    /// The socket: the Unix one if asked, else TCP.
    fn bind(&self) -> io::Result<Socket> {
        #[cfg(unix)]
        if let Some(path) = &self.unix {
            return Ok(Socket::Unix(super::socket::bind_unix(path)?));
        }
        Ok(Socket::Tcp(TcpListener::bind((self.ip, self.port))?))
    }

    /// Watches the configuration file at `path` while the listener runs,
    /// as [`watch_file`](crate::watch_file) does (polled every second;
    /// see [`watch_file_with`](Self::watch_file_with) for options): it is
    /// applied to the listener's [`registry`](Self::registry) when the
    /// listener starts, before [`spawn`](Self::spawn) returns, and at every
    /// change; each version is logged on the registry's `loglisten` logger
    /// with the audit's fields (`op=file`, `path`, `sha256`,
    /// `generation_before`, `generation_after`, `outcome`). The watcher
    /// stops with the listener ([`Listener::stop`], [`Listener::join`]
    /// or drop). May be called for several files.
    ///
    /// ```
    /// use loglisten::{Level, Listener, Registry};
    /// let registry = Registry::new();
    /// let path = std::env::temp_dir().join(format!("loglisten-doc-lw-{}.json", std::process::id()));
    /// std::fs::write(&path, r#"{"version": 1, "root": {"level": "ERROR"}}"#)?;
    /// let listener = Listener::builder().registry(&registry).port(0).watch_file(&path).spawn()?;
    /// assert_eq!(registry.get_logger("").level(), Level::ERROR);
    /// listener.stop();
    /// listener.join()?;
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn watch_file(self, path: impl Into<PathBuf>) -> Self {
        self.watch_file_with(path, WatchOptions::default())
    }

    /// [`watch_file`](Self::watch_file) with options (interval, size
    /// limit, apply step, callback). The options' registry is replaced by
    /// the listener's.
    ///
    /// ```
    /// use std::time::Duration;
    /// let path = std::env::temp_dir().join(format!("loglisten-doc-lww-{}.json", std::process::id()));
    /// let options = loglisten::WatchOptions::default().interval(Duration::from_millis(100));
    /// let listener = loglisten::Listener::builder()
    ///     .registry(&loglisten::Registry::new())
    ///     .port(0)
    ///     .watch_file_with(&path, options)
    ///     .spawn()?;
    /// # drop(listener);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn watch_file_with(mut self, path: impl Into<PathBuf>, options: WatchOptions) -> Self {
        self.watch.push((path.into(), options));
        self
    }

    /// Who may connect over TCP: this process's user, unless told
    /// otherwise. Where the system does not say who a peer is, starting
    /// needs a verify or an explicit [`allow_any_local_user`](Self::allow_any_local_user).
    fn peer_policy(&self) -> io::Result<Peers> {
        if self.local_users == LocalUsers::Any {
            return Ok(Peers::AnyLocalUser);
        }
        match peer::own_uid().filter(|_| peer::tables_available()) {
            Some(uid) => Ok(Peers::SameUser(uid)),
            None if self.settings.verify.is_some() => Ok(Peers::AnyLocalUser),
            None => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "this system does not tell which user a TCP peer runs as, so any local \
                 user could reconfigure logging: set a verify (e.g. verify::hmac_sha256), \
                 use a Unix socket, or call allow_any_local_user()",
            )),
        }
    }
}

/// The default apply step: `registry`'s, at its apply gate.
fn apply_to(registry: Registry) -> Arc<ApplyClosure> {
    Arc::new(move |bytes: &[u8], turn: &Turn<'_>| {
        registry.apply_config_when(bytes, ApplyOptions::default(), turn.by, turn.still_wanted)
    })
}
