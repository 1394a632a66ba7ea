//! Python's `SysLogHandler`: records as syslog messages over UDP, TCP or a
//! Unix socket such as `/dev/log`.

use super::Handler;
use crate::record::Record;
use std::fmt;
use std::io::{self, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, UdpSocket};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::PathBuf;
use std::time::Duration;

/// Where syslog messages go, Python's `address`: a `(host, port)` tuple
/// or a string naming a Unix socket.
///
/// ```
/// use loglisten::handler::SyslogAddress;
/// let default = SyslogAddress::default();
/// assert_eq!(default, SyslogAddress::Inet { host: "localhost".into(), port: 514 });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyslogAddress {
    /// `(host, port)`.
    Inet {
        /// Host name or address.
        host: String,
        /// Port (syslog's is 514).
        port: u16,
    },
    /// A Unix socket path, e.g. `/dev/log`.
    Unix(PathBuf),
}

impl Default for SyslogAddress {
    fn default() -> SyslogAddress {
        SyslogAddress::Inet {
            host: "localhost".to_string(),
            port: 514,
        }
    }
}

/// Python's `socktype`: `socket.SOCK_DGRAM` or `socket.SOCK_STREAM`.
///
/// ```
/// assert_ne!(loglisten::handler::SockType::Datagram, loglisten::handler::SockType::Stream);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SockType {
    /// UDP, or a Unix datagram socket.
    Datagram,
    /// TCP, or a Unix stream socket.
    Stream,
}

/// `SysLogHandler(address=('localhost', 514), facility=LOG_USER,
/// socktype=None)`, plus the class attributes `ident` and `append_nul`.
///
/// ```
/// use loglisten::handler::{facility_by_name, SysLogSettings};
/// let s = SysLogSettings::default();
/// assert_eq!((s.facility, s.socktype, s.ident.as_str(), s.append_nul), (1, None, "", true));
/// assert_eq!(facility_by_name("local0"), Some(16));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SysLogSettings {
    /// `address`.
    pub address: SyslogAddress,
    /// `facility` as a number (names: [`facility_by_name`]); default
    /// `LOG_USER` (1).
    pub facility: i32,
    /// `socktype`: `None` means datagram, and for a Unix socket falls back
    /// to a stream socket if datagrams are refused.
    pub socktype: Option<SockType>,
    /// The `ident` attribute, prepended to every message.
    pub ident: String,
    /// The `append_nul` attribute: end each message with a NUL byte.
    pub append_nul: bool,
}

impl Default for SysLogSettings {
    fn default() -> SysLogSettings {
        SysLogSettings {
            address: SyslogAddress::default(),
            facility: 1,
            socktype: None,
            ident: String::new(),
            append_nul: true,
        }
    }
}

const FACILITIES: [(&str, i32); 24] = [
    ("auth", 4),
    ("authpriv", 10),
    ("console", 14),
    ("cron", 9),
    ("daemon", 3),
    ("ftp", 11),
    ("kern", 0),
    ("lpr", 6),
    ("mail", 2),
    ("news", 7),
    ("ntp", 12),
    ("security", 13),
    ("solaris-cron", 15),
    ("syslog", 5),
    ("user", 1),
    ("uucp", 8),
    ("local0", 16),
    ("local1", 17),
    ("local2", 18),
    ("local3", 19),
    ("local4", 20),
    ("local5", 21),
    ("local6", 22),
    ("local7", 23),
];

const PRIORITIES: [(&str, i32); 12] = [
    ("alert", 1),
    ("crit", 2),
    ("critical", 2),
    ("debug", 7),
    ("emerg", 0),
    ("err", 3),
    ("error", 3),
    ("info", 6),
    ("notice", 5),
    ("panic", 0),
    ("warn", 4),
    ("warning", 4),
];

/// A facility by its name in CPython's `SysLogHandler.facility_names`
/// (case-sensitive, as there).
///
/// ```
/// use loglisten::handler::facility_by_name;
/// assert_eq!(facility_by_name("daemon"), Some(3));
/// assert_eq!(facility_by_name("LOCAL0"), None);
/// ```
pub fn facility_by_name(name: &str) -> Option<i32> {
    FACILITIES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// A priority by its name in CPython's `SysLogHandler.priority_names`.
///
/// ```
/// assert_eq!(loglisten::handler::priority_by_name("warn"), Some(4));
/// ```
pub fn priority_by_name(name: &str) -> Option<i32> {
    PRIORITIES.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
}

/// CPython's `mapPriority` through `priority_map`, then `priority_names`:
/// the standard level names map to their priority, anything else
/// (including renamed levels) to warning.
fn map_priority(level_name: &str) -> i32 {
    match level_name {
        "DEBUG" => 7,
        "INFO" => 6,
        "ERROR" => 3,
        "CRITICAL" => 2,
        _ => 4,
    }
}

enum Socket {
    Udp(UdpSocket, SocketAddr),
    Tcp(TcpStream),
    UnixDatagram(UnixDatagram),
    UnixStream(UnixStream),
}

// By hand: the kind of socket, not the sockets' own Debug (which queries
// the descriptors, code used for nothing else).
impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Socket::Udp(..) => "Udp",
            Socket::Tcp(_) => "Tcp",
            Socket::UnixDatagram(_) => "UnixDatagram",
            Socket::UnixStream(_) => "UnixStream",
        })
    }
}

/// How long connecting a TCP syslog destination may take (CPython waits
/// for the kernel's timeout, minutes). An apply step's deadline, when
/// shorter, caps it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Connects within [`CONNECT_TIMEOUT`] (or the apply deadline); a timeout
/// is `TimedOut`: `timed out connecting to <address>`.
fn connect(address: SocketAddr) -> io::Result<TcpStream> {
    let timeout = crate::deadline::cap(CONNECT_TIMEOUT);
    let timed_out = || {
        io::Error::new(
            io::ErrorKind::TimedOut,
            format!("timed out connecting to {address}"),
        )
    };
    if timeout.is_zero() {
        return Err(timed_out());
    }
    TcpStream::connect_timeout(&address, timeout).map_err(|e| match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => timed_out(),
        _ => e,
    })
}

/// Python's `logging.handlers.SysLogHandler`: each record is sent as
/// `<PRI>` + ident + message (+ NUL), UTF-8, where PRI is
/// `(facility << 3) | priority`. The socket is made at construction, so
/// an unresolvable host fails then; as in CPython, a Unix socket that
/// cannot be connected yet is retried at each record instead.
///
/// ```
/// use loglisten::{handler::{SyslogAddress, SysLogHandler, SysLogSettings}, Level, Record, SharedHandler};
/// let server = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let address = SyslogAddress::Inet { host: "127.0.0.1".into(), port: server.local_addr()?.port() };
/// let h = SharedHandler::new(SysLogHandler::new(SysLogSettings { address, ..Default::default() })?);
/// h.handle(&Record::new("app", Level::INFO, "hello"));
/// let mut buf = [0; 64];
/// let n = server.recv(&mut buf)?;
/// assert_eq!(&buf[..n], b"<14>hello\0");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct SysLogHandler {
    settings: SysLogSettings,
    socket: Option<Socket>,
    /// The Unix socket type that connected (CPython updates `socktype`).
    unix_type: Option<SockType>,
}

impl SysLogHandler {
    /// Creates the socket as CPython's constructor does.
    pub fn new(settings: SysLogSettings) -> io::Result<SysLogHandler> {
        let mut handler = SysLogHandler {
            unix_type: settings.socktype,
            settings,
            socket: None,
        };
        handler.create_socket()?;
        Ok(handler)
    }

    /// The settings the handler was made with.
    pub fn settings(&self) -> &SysLogSettings {
        &self.settings
    }

    /// CPython's `createSocket`.
    fn create_socket(&mut self) -> io::Result<()> {
        match &self.settings.address {
            SyslogAddress::Unix(_) => {
                // Like C's openlog(): a syslog daemon may not be up yet.
                let _ = self.connect_unix();
            }
            SyslogAddress::Inet { host, port } => {
                crate::confine::check_host(host)?;
                let stream = self.settings.socktype == Some(SockType::Stream);
                let mut last_error = None;
                let mut made = None;
                let addresses: Vec<SocketAddr> =
                    crate::resolve::resolve(host, *port, CONNECT_TIMEOUT)?;
                if addresses.is_empty() {
                    return Err(io::Error::other("getaddrinfo returns an empty list"));
                }
                for address in addresses {
                    let attempt = if stream {
                        connect(address).map(Socket::Tcp)
                    } else {
                        let local: SocketAddr = if address.is_ipv4() {
                            (Ipv4Addr::UNSPECIFIED, 0).into()
                        } else {
                            (Ipv6Addr::UNSPECIFIED, 0).into()
                        };
                        UdpSocket::bind(local).map(|s| Socket::Udp(s, address))
                    };
                    match attempt {
                        Ok(socket) => {
                            made = Some(socket);
                            break;
                        }
                        Err(e) => last_error = Some(e),
                    }
                }
                match made {
                    Some(socket) => self.socket = Some(socket),
                    None => {
                        return Err(last_error.unwrap_or_else(|| io::Error::other("no address")))
                    }
                }
            }
        }
        Ok(())
    }

    /// CPython's `_connect_unixsocket`: datagram first, then stream if no
    /// type was asked for; the type that worked sticks.
    fn connect_unix(&mut self) -> io::Result<()> {
        self.socket = None;
        let SyslogAddress::Unix(path) = &self.settings.address else {
            return Ok(());
        };
        let datagram = || -> io::Result<Socket> {
            let socket = UnixDatagram::unbound()?;
            socket.connect(path)?;
            Ok(Socket::UnixDatagram(socket))
        };
        let stream = || UnixStream::connect(path).map(Socket::UnixStream);
        let (socket, used) = match self.unix_type {
            Some(SockType::Datagram) => (datagram()?, SockType::Datagram),
            Some(SockType::Stream) => (stream()?, SockType::Stream),
            None => match datagram() {
                Ok(socket) => (socket, SockType::Datagram),
                Err(_) => (stream()?, SockType::Stream),
            },
        };
        self.socket = Some(socket);
        self.unix_type = Some(used);
        Ok(())
    }

    fn send(&mut self, message: &[u8]) -> io::Result<()> {
        match &mut self.socket {
            None => Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "the syslog socket is not connected",
            )),
            Some(Socket::Udp(socket, address)) => socket.send_to(message, *address).map(|_| ()),
            Some(Socket::Tcp(socket)) => socket.write_all(message),
            Some(Socket::UnixDatagram(socket)) => socket.send(message).map(|_| ()),
            Some(Socket::UnixStream(socket)) => socket.write_all(message),
        }
    }
}

impl Handler for SysLogHandler {
    fn emit(&mut self, record: &Record, text: &str) -> io::Result<()> {
        let priority = map_priority(&record.level_name());
        let code = (i64::from(self.settings.facility) << 3) | i64::from(priority);
        let mut message = format!("<{code}>").into_bytes();
        message.extend_from_slice(self.settings.ident.as_bytes());
        message.extend_from_slice(text.as_bytes());
        if self.settings.append_nul {
            message.push(0);
        }
        if self.socket.is_none() {
            self.create_socket()?;
        }
        if matches!(self.settings.address, SyslogAddress::Unix(_)) {
            // A restarted syslog daemon: reconnect once and resend (but a
            // socket that never connected fails at once, as in CPython).
            if self.socket.is_some() {
                if self.send(&message).is_ok() {
                    return Ok(());
                }
                self.connect_unix()?;
            }
        }
        self.send(&message)
    }

    fn close(&mut self) -> io::Result<()> {
        self.socket = None;
        Ok(())
    }
}
