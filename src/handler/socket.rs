//! Python's `SocketHandler` and `DatagramHandler`: each record as a
//! 4-byte big-endian length and a pickle of its attribute dict, over TCP
//! or UDP, as CPython's logging-cookbook receivers read them.

use super::Handler;
use crate::pickle::Pickler;
use crate::record::Record;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

/// Where a [`SocketHandler`] or [`DatagramHandler`] sends: `(host, port)`,
/// with CPython's reconnection backoff for the TCP one.
///
/// ```
/// use loglisten::handler::SocketSettings;
/// let s = SocketSettings::new("localhost", 9020);
/// assert_eq!((s.retry_start, s.retry_factor, s.retry_max), (1.0, 2.0, 30.0));
/// assert_eq!(s.timeout.as_secs(), 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SocketSettings {
    /// `host`.
    pub host: String,
    /// `port`.
    pub port: u16,
    /// Bounds connecting and each write (CPython's `makeSocket` uses 1 s).
    pub timeout: Duration,
    /// `retryStart`: seconds to wait after a first failed connection.
    pub retry_start: f64,
    /// `retryFactor`: the wait grows by this after each failure.
    pub retry_factor: f64,
    /// `retryMax`: the longest wait.
    pub retry_max: f64,
}

impl SocketSettings {
    /// CPython's defaults for `host` and `port`.
    pub fn new(host: &str, port: u16) -> SocketSettings {
        SocketSettings {
            host: host.to_string(),
            port,
            timeout: Duration::from_secs(1),
            retry_start: 1.0,
            retry_factor: 2.0,
            retry_max: 30.0,
        }
    }

    fn addresses(&self) -> io::Result<Vec<SocketAddr>> {
        crate::resolve::resolve(&self.host, self.port, self.timeout)
    }
}

/// Python's `logging.handlers.SocketHandler(host, port)`: connects on the
/// first record, and after a failure waits `retry_start` seconds, then
/// twice as long each time up to `retry_max`, before trying again; records
/// in between are dropped and counted. Connecting and each write are
/// bounded by `timeout`, so a logging call waits at most one bounded
/// attempt (put a `QueueHandler` in front to keep even that off callers).
///
/// ```
/// use loglisten::handler::{SocketHandler, SocketSettings};
/// use loglisten::{Handler, Level, Record};
/// use std::io::Read;
/// let server = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let port = server.local_addr()?.port();
/// let mut handler = SocketHandler::new(SocketSettings::new("127.0.0.1", port));
/// handler.emit(&Record::new("app", Level::INFO, "hi"), "hi")?;
/// let mut length = [0; 4];
/// server.accept()?.0.read_exact(&mut length)?;
/// assert!(u32::from_be_bytes(length) > 100);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct SocketHandler {
    settings: SocketSettings,
    sock: Option<TcpStream>,
    /// When the next connection may be tried, after a failure.
    retry_time: Option<Instant>,
    retry_period: f64,
    /// The frame of the record being sent, its capacity kept.
    buffer: Vec<u8>,
    pickler: Pickler,
}

impl SocketHandler {
    /// A handler that connects when the first record comes.
    pub fn new(settings: SocketSettings) -> SocketHandler {
        SocketHandler {
            settings,
            sock: None,
            retry_time: None,
            retry_period: 0.0,
            buffer: Vec::new(),
            pickler: Pickler::default(),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &SocketSettings {
        &self.settings
    }

    fn connect(&self) -> io::Result<TcpStream> {
        let mut last = io::Error::new(io::ErrorKind::NotFound, "host has no address");
        for address in self.settings.addresses()? {
            match TcpStream::connect_timeout(&address, self.settings.timeout) {
                Ok(sock) => {
                    sock.set_write_timeout(Some(self.settings.timeout))?;
                    return Ok(sock);
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// CPython's `createSocket`: try now unless waiting out a failure.
    fn create_socket(&mut self) -> io::Result<()> {
        let now = Instant::now();
        if let Some(at) = self.retry_time {
            if now < at {
                return Err(io::Error::new(
                    io::ErrorKind::NotConnected,
                    "not connected: waiting to retry after a failed connection",
                ));
            }
        }
        match self.connect() {
            Ok(sock) => {
                self.retry_time = None;
                self.sock = Some(sock);
                Ok(())
            }
            Err(e) => {
                self.retry_period = match self.retry_time {
                    None => self.settings.retry_start,
                    Some(_) => (self.retry_period * self.settings.retry_factor)
                        .min(self.settings.retry_max),
                };
                let wait = Duration::try_from_secs_f64(self.retry_period).unwrap_or_default();
                self.retry_time = Some(now + wait);
                Err(e)
            }
        }
    }

    /// The wait before the next connection attempt, once one failed.
    pub fn retry_period(&self) -> Option<Duration> {
        self.retry_time
            .map(|_| Duration::try_from_secs_f64(self.retry_period).unwrap_or_default())
    }
}

impl Handler for SocketHandler {
    fn emit(&mut self, record: &Record, _text: &str) -> io::Result<()> {
        self.pickler.frame(record, &mut self.buffer);
        if self.sock.is_none() {
            self.create_socket()?;
        }
        let Some(sock) = self.sock.as_mut() else {
            return Ok(());
        };
        if let Err(e) = sock.write_all(&self.buffer) {
            // CPython closes and reconnects on the next record.
            self.sock = None;
            return Err(e);
        }
        Ok(())
    }

    fn close(&mut self) -> io::Result<()> {
        self.sock = None;
        Ok(())
    }

    fn wants_text(&self) -> bool {
        false
    }
}

/// Python's `logging.handlers.DatagramHandler(host, port)`: the same
/// length and pickle as [`SocketHandler`], one UDP datagram per record.
///
/// ```
/// use loglisten::handler::{DatagramHandler, SocketSettings};
/// use loglisten::{Handler, Level, Record};
/// let server = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let port = server.local_addr()?.port();
/// let mut handler = DatagramHandler::new(SocketSettings::new("127.0.0.1", port));
/// handler.emit(&Record::new("app", Level::INFO, "hi"), "hi")?;
/// let mut datagram = [0; 2048];
/// let n = server.recv(&mut datagram)?;
/// assert_eq!(u32::from_be_bytes(datagram[..4].try_into().unwrap()) as usize, n - 4);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct DatagramHandler {
    settings: SocketSettings,
    sock: Option<(UdpSocket, SocketAddr)>,
    buffer: Vec<u8>,
    pickler: Pickler,
}

impl DatagramHandler {
    /// A handler that makes its socket when the first record comes.
    pub fn new(settings: SocketSettings) -> DatagramHandler {
        DatagramHandler {
            settings,
            sock: None,
            buffer: Vec::new(),
            pickler: Pickler::default(),
        }
    }

    fn socket(&mut self) -> io::Result<&(UdpSocket, SocketAddr)> {
        if self.sock.is_none() {
            let address = self.settings.addresses()?.into_iter().next();
            let address = address
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "host has no address"))?;
            let local: SocketAddr = match address {
                SocketAddr::V4(_) => ([0, 0, 0, 0], 0).into(),
                SocketAddr::V6(_) => ([0u16; 8], 0).into(),
            };
            let sock = UdpSocket::bind(local)?;
            sock.set_write_timeout(Some(self.settings.timeout))?;
            self.sock = Some((sock, address));
        }
        Ok(self.sock.as_ref().expect("made above"))
    }
}

impl Handler for DatagramHandler {
    fn emit(&mut self, record: &Record, _text: &str) -> io::Result<()> {
        let mut buffer = std::mem::take(&mut self.buffer);
        self.pickler.frame(record, &mut buffer);
        let sent = self
            .socket()
            .and_then(|(sock, address)| sock.send_to(&buffer, address));
        self.buffer = buffer;
        if sent.is_err() {
            self.sock = None;
        }
        sent.map(|_| ())
    }

    fn close(&mut self) -> io::Result<()> {
        self.sock = None;
        Ok(())
    }

    fn wants_text(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Level;
    use std::net::TcpListener;

    #[test]
    fn a_refused_connection_backs_off_as_cpython() {
        // A port with nothing listening: bind, note it, close.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut settings = SocketSettings::new("127.0.0.1", port);
        settings.retry_start = 0.05;
        settings.retry_max = 0.15;
        let mut handler = SocketHandler::new(settings);
        let record = Record::new("a", Level::INFO, "m");
        assert!(handler.emit(&record, "").is_err());
        assert_eq!(handler.retry_period(), Some(Duration::from_millis(50)));
        // Within the wait: no attempt, the period stays.
        let error = handler.emit(&record, "").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotConnected);
        assert_eq!(handler.retry_period(), Some(Duration::from_millis(50)));
        let mut periods = Vec::new();
        for _ in 0..3 {
            std::thread::sleep(handler.retry_period().unwrap() + Duration::from_millis(5));
            assert!(handler.emit(&record, "").is_err());
            periods.push(handler.retry_period().unwrap().as_millis());
        }
        assert_eq!(periods, [100, 150, 150]);
        // The peer comes up: the next attempt after the wait connects.
        let server = TcpListener::bind(("127.0.0.1", port)).unwrap();
        std::thread::sleep(Duration::from_millis(160));
        handler.emit(&record, "").unwrap();
        assert_eq!(handler.retry_period(), None);
        drop(server);
    }

    #[test]
    fn the_frame_is_a_length_then_the_pickle() {
        let record = Record::new("app", Level::ERROR, "boom");
        let mut out = Vec::new();
        Pickler::default().frame(&record, &mut out);
        let len = u32::from_be_bytes(out[..4].try_into().unwrap()) as usize;
        assert_eq!(len, out.len() - 4);
        let dict = crate::pickle::read_dict(&out[4..]).unwrap();
        assert_eq!(dict.len(), super::super::attrs::COUNT);
        assert_eq!(dict[0].0, "name");
        assert_eq!(dict[1].1, crate::handler::attrs::Attr::Str("boom".into()));
    }
}
