//! Framing shared by the listener and the client.
//!
//! A frame is a 4-byte big-endian unsigned length, then that many payload
//! bytes: exactly what CPython's `logging.config.listen()` reads. The
//! request is one frame; our reply is one frame holding a short UTF-8
//! status line ([`Status`]).
//!
//! Reading is bounded in bytes and in time: the claimed length is checked
//! against the limit before any payload is read, the buffer grows only as
//! bytes actually arrive, and one deadline covers the whole frame (a peer
//! trickling bytes does not extend it).

mod status;

pub(crate) use status::{kind_word, Status};

use std::fmt;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Bytes asked of the connection per read, at most: also the most the
/// payload buffer grows ahead of the bytes received.
const CHUNK: usize = 64 * 1024;

/// A connection frames are read from: a byte stream whose read timeout can
/// be set before each read, so that one deadline covers a whole frame.
pub(crate) trait Conn: Read + Write {
    /// Same meaning as `TcpStream::set_read_timeout`.
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()>;
}

impl Conn for TcpStream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }
}

#[cfg(unix)]
impl Conn for std::os::unix::net::UnixStream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_read_timeout(self, timeout)
    }
}

/// Why a frame could not be read.
#[derive(Debug)]
pub(crate) enum FrameError {
    /// The length prefix claims more than the limit; no payload was read.
    TooLarge { claimed: usize, max: usize },
    /// The peer closed the connection after `got` of `expected` bytes of
    /// the length prefix (`in_length`) or of the payload.
    Truncated {
        in_length: bool,
        expected: usize,
        got: usize,
    },
    /// The deadline passed before the whole frame arrived.
    TimedOut,
    /// Reading failed.
    Io(io::Error),
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::TooLarge { claimed, max } => {
                write!(f, "message of {claimed} bytes exceeds the limit of {max}")
            }
            FrameError::Truncated {
                in_length,
                expected,
                got,
            } => {
                let part = if *in_length { "length" } else { "payload" };
                write!(
                    f,
                    "connection closed after {got} of {expected} {part} bytes"
                )
            }
            FrameError::TimedOut => f.write_str("timed out waiting for the message"),
            FrameError::Io(e) => write!(f, "reading the message failed: {e}"),
        }
    }
}

impl std::error::Error for FrameError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FrameError::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// The 4-byte length prefix for a payload of `len` bytes, or `TooLarge`
/// when `len` does not fit in the u32 the format allows.
fn length_prefix(len: usize) -> Result<[u8; 4], FrameError> {
    match u32::try_from(len) {
        Ok(n) => Ok(n.to_be_bytes()),
        Err(_) => Err(FrameError::TooLarge {
            claimed: len,
            max: u32::MAX as usize,
        }),
    }
}

/// The frame for `payload`: its length prefix, then the payload. A payload
/// over `u32::MAX` bytes cannot be framed: `InvalidInput`, carrying the
/// `TooLarge` error.
pub(crate) fn encode_frame(payload: &[u8]) -> io::Result<Vec<u8>> {
    let prefix =
        length_prefix(payload.len()).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let mut frame = Vec::with_capacity(4 + payload.len());
    frame.extend_from_slice(&prefix);
    frame.extend_from_slice(payload);
    Ok(frame)
}

/// Writes the frame for `payload` in one `write_all` (one segment for a
/// small frame, rather than a lone prefix held back by Nagle), then flushes.
pub(crate) fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    w.write_all(&encode_frame(payload)?)?;
    w.flush()
}

/// Writes the reply frame of `status` and `body` (see [`Status::encode`]),
/// then flushes. A large body (a `get` of many loggers) is written after
/// the prefix and status line rather than copied behind them: the
/// listener's sockets send without delay (`TCP_NODELAY`), so the short
/// first write holds nothing up.
pub(crate) fn write_reply(
    w: &mut impl Write,
    status: &Status,
    body: Option<&str>,
) -> io::Result<()> {
    match body {
        Some(body) if body.len() > 16 * 1024 => {
            let mut head = status.encode(None);
            head.push(b'\n');
            let len = head.len() + body.len();
            let prefix =
                length_prefix(len).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
            head.splice(0..0, prefix);
            w.write_all(&head)?;
            w.write_all(body.as_bytes())?;
            w.flush()
        }
        _ => write_frame(w, &status.encode(body)),
    }
}

/// Reads one frame whose payload is at most `max_len` bytes, all of it
/// before `deadline`. The connection's read timeout is left set to whatever
/// the last read needed; callers that read on afterwards set their own.
///
/// A zero-length frame is valid and gives an empty payload.
pub(crate) fn read_frame<C: Conn + ?Sized>(
    conn: &mut C,
    max_len: usize,
    deadline: Instant,
) -> Result<Vec<u8>, FrameError> {
    read_frame_by(conn, max_len, deadline, deadline)
}

/// [`read_frame`], with the 4-byte length prefix due by `header_by` (the
/// earlier of the two deadlines counts for it): a peer that connects and
/// says nothing is let go early.
pub(crate) fn read_frame_by<C: Conn + ?Sized>(
    conn: &mut C,
    max_len: usize,
    header_by: Instant,
    deadline: Instant,
) -> Result<Vec<u8>, FrameError> {
    let mut prefix = [0u8; 4];
    let mut got = 0;
    let header_by = header_by.min(deadline);
    while got < prefix.len() {
        match read_before(conn, &mut prefix[got..], header_by)? {
            0 => {
                return Err(FrameError::Truncated {
                    in_length: true,
                    expected: 4,
                    got,
                })
            }
            n => got += n,
        }
    }
    let claimed = u32::from_be_bytes(prefix) as usize;
    if claimed > max_len {
        return Err(FrameError::TooLarge {
            claimed,
            max: max_len,
        });
    }
    // `buf[..filled]` holds payload; the rest is zeroed space for the next
    // read, grown by at most CHUNK at a time so a false claim costs little.
    let mut buf = Vec::new();
    let mut filled = 0;
    while filled < claimed {
        if filled == buf.len() {
            buf.resize(claimed.min(filled + CHUNK), 0);
        }
        match read_before(conn, &mut buf[filled..], deadline)? {
            0 => {
                return Err(FrameError::Truncated {
                    in_length: false,
                    expected: claimed,
                    got: filled,
                })
            }
            n => filled += n,
        }
    }
    Ok(buf)
}

/// One read into `buf` (which is not empty), with the read timeout set to
/// the time left before `deadline`. Retries when interrupted.
fn read_before<C: Conn + ?Sized>(
    conn: &mut C,
    buf: &mut [u8],
    deadline: Instant,
) -> Result<usize, FrameError> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        // A zero timeout is refused by the OS calls (it would mean "block").
        if left.is_zero() {
            return Err(FrameError::TimedOut);
        }
        conn.set_read_timeout(Some(left)).map_err(FrameError::Io)?;
        match conn.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // Unix reports an expired read timeout as WouldBlock.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(FrameError::TimedOut)
            }
            Err(e) => return Err(FrameError::Io(e)),
        }
    }
}

#[cfg(test)]
mod tests;
