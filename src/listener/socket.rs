//! The listening socket and its connections, TCP or Unix domain, behind
//! one small enum each.

use crate::wire::Conn;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

#[cfg(unix)]
use std::os::unix::net::{UnixListener, UnixStream};
#[cfg(unix)]
use std::path::{Path, PathBuf};

/// A bound listening socket.
#[derive(Debug)]
pub(crate) enum Socket {
    Tcp(TcpListener),
    #[cfg(unix)]
    Unix(UnixSocket),
}

/// One accepted connection.
#[derive(Debug)]
pub(crate) enum Stream {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(UnixStream),
}

/// Where to connect to wake the blocking `accept`.
#[derive(Clone, Debug)]
pub(crate) enum WakeAddr {
    Tcp(SocketAddr),
    #[cfg(unix)]
    Unix(PathBuf),
}

impl Socket {
    /// Waits for a connection; gives it with the peer's address as text.
    pub fn accept(&self) -> io::Result<(Stream, String)> {
        match self {
            Socket::Tcp(l) => {
                let (s, addr) = l.accept()?;
                // The reply is one small write: send it at once.
                let _ = s.set_nodelay(true);
                Ok((Stream::Tcp(s), addr.to_string()))
            }
            #[cfg(unix)]
            Socket::Unix(u) => {
                let (s, _) = u.listener.accept()?;
                Ok((Stream::Unix(s), format!("unix:{}", u.path.display())))
            }
        }
    }

    /// The address `stop` connects to. A listener bound to an unspecified
    /// address (`0.0.0.0`, `::`) is reached through loopback.
    pub fn wake_addr(&self) -> io::Result<WakeAddr> {
        match self {
            Socket::Tcp(l) => {
                let mut addr = l.local_addr()?;
                if addr.ip().is_unspecified() {
                    addr.set_ip(match addr {
                        SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                        SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
                    });
                }
                Ok(WakeAddr::Tcp(addr))
            }
            #[cfg(unix)]
            Socket::Unix(u) => Ok(WakeAddr::Unix(u.private.join(PRIVATE_NAME))),
        }
    }
}

impl WakeAddr {
    /// Connects once, so that a blocked `accept` returns. Failure is fine:
    /// it means nothing can be accepted any more either.
    pub fn poke(&self) {
        match self {
            WakeAddr::Tcp(addr) => {
                let _ = TcpStream::connect_timeout(addr, Duration::from_secs(1));
            }
            #[cfg(unix)]
            WakeAddr::Unix(path) => {
                let _ = UnixStream::connect(path);
            }
        }
    }
}

impl Stream {
    /// This side's and the peer's address, for a TCP connection.
    pub fn tcp_addrs(&self) -> Option<(SocketAddr, SocketAddr)> {
        match self {
            Stream::Tcp(s) => Some((s.local_addr().ok()?, s.peer_addr().ok()?)),
            #[cfg(unix)]
            Stream::Unix(_) => None,
        }
    }

    pub fn try_clone(&self) -> io::Result<Stream> {
        match self {
            Stream::Tcp(s) => s.try_clone().map(Stream::Tcp),
            #[cfg(unix)]
            Stream::Unix(s) => s.try_clone().map(Stream::Unix),
        }
    }

    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.shutdown(how),
            #[cfg(unix)]
            Stream::Unix(s) => s.shutdown(how),
        }
    }

    /// Whether the peer has closed its end (or reset it): a read would
    /// find the end of the stream. Looks without waiting; a byte past the
    /// message (a Unix socket cannot peek) is consumed.
    pub fn peer_closed(&self) -> bool {
        let mut byte = [0u8; 1];
        let looked = match self {
            Stream::Tcp(s) => nonblocking(s, TcpStream::set_nonblocking, |s| s.peek(&mut byte)),
            #[cfg(unix)]
            Stream::Unix(s) => {
                nonblocking(s, UnixStream::set_nonblocking, |mut s| s.read(&mut byte))
            }
        };
        match looked {
            Ok(n) => n == 0,
            Err(e) => !matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
            ),
        }
    }

    pub fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_write_timeout(timeout),
            #[cfg(unix)]
            Stream::Unix(s) => s.set_write_timeout(timeout),
        }
    }
}

/// `look` at `s` switched to non-blocking for the while.
fn nonblocking<S>(
    s: &S,
    set: fn(&S, bool) -> io::Result<()>,
    look: impl FnOnce(&S) -> io::Result<usize>,
) -> io::Result<usize> {
    set(s, true)?;
    let looked = look(s);
    set(s, false)?;
    looked
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            #[cfg(unix)]
            Stream::Unix(s) => s.flush(),
        }
    }
}

impl Conn for Stream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_read_timeout(timeout),
            #[cfg(unix)]
            Stream::Unix(s) => s.set_read_timeout(timeout),
        }
    }
}

/// Identifies the socket file we created, so that we remove it on stop
/// only if it is still ours.
#[cfg(unix)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
}

#[cfg(unix)]
fn file_id(path: &Path) -> io::Result<FileId> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(path)?;
    Ok(FileId {
        dev: meta.dev(),
        ino: meta.ino(),
    })
}

/// The socket's name inside the private directory.
#[cfg(unix)]
const PRIVATE_NAME: &str = "s";

/// A bound Unix domain socket: its public path, and a second name for it
/// in a private directory, which `stop` connects to (so that stopping
/// works even if someone removed or replaced the public path). Dropping
/// it removes both names, the public one only if it is still ours.
#[cfg(unix)]
#[derive(Debug)]
pub(crate) struct UnixSocket {
    listener: UnixListener,
    path: PathBuf,
    private: PathBuf,
    id: FileId,
}

#[cfg(unix)]
impl Drop for UnixSocket {
    fn drop(&mut self) {
        if file_id(&self.path).is_ok_and(|now| now == self.id) {
            let _ = std::fs::remove_file(&self.path);
        }
        let _ = std::fs::remove_file(self.private.join(PRIVATE_NAME));
        let _ = std::fs::remove_dir(&self.private);
    }
}

/// Binds a Unix domain socket at `path` that only its owner can connect to
/// (mode 0600).
///
/// std cannot set the umask, so the socket is bound inside a fresh
/// directory of mode 0700 next to `path` (no one else can reach it there),
/// made 0600, then linked into place. Linking never replaces anything: an
/// existing file at `path` is removed first only when it is a socket that
/// no one answers on (left by a process that died); a live socket or any
/// other file is an error.
#[cfg(unix)]
pub(crate) fn bind_unix(path: &Path) -> io::Result<UnixSocket> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};

    if path.file_name().is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file path", path.display()),
        ));
    }
    remove_if_stale(path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let private = private_dir_name(&dir);
    std::fs::DirBuilder::new().mode(0o700).create(&private)?;
    let inner = private.join(PRIVATE_NAME);
    let bound = (|| -> io::Result<UnixSocket> {
        let listener = UnixListener::bind(&inner)?;
        std::fs::set_permissions(&inner, std::fs::Permissions::from_mode(0o600))?;
        std::fs::hard_link(&inner, path).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                io::Error::new(
                    e.kind(),
                    format!("{} appeared while binding; not replaced", path.display()),
                )
            } else {
                e
            }
        })?;
        Ok(UnixSocket {
            listener,
            path: path.to_path_buf(),
            private: private.clone(),
            id: file_id(&inner)?,
        })
    })();
    if bound.is_err() {
        let _ = std::fs::remove_file(&inner);
        let _ = std::fs::remove_dir(&private);
    }
    bound
}

/// A name for the private directory that no one else is using.
#[cfg(unix)]
fn private_dir_name(dir: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".loglisten-{}-{n}", std::process::id()))
}

/// Removes a dead socket at `path`; an absent path is fine; anything else
/// is an error that says why it stays.
#[cfg(unix)]
fn remove_if_stale(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::FileTypeExt;
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if !meta.file_type().is_socket() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} exists and is not a socket; refusing to replace it",
                path.display()
            ),
        ));
    }
    if UnixStream::connect(path).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AddrInUse,
            format!("{} is in use by a live listener", path.display()),
        ));
    }
    std::fs::remove_file(path)
}
