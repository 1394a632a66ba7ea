//! Python's `StreamHandler`, and an in-memory writer to capture its output.

use super::Handler;
use crate::record::Record;
use crate::sync::lock;
use std::fmt;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

/// Which stream a [`StreamHandler`] writes to, for reading its settings
/// back (a config's `ext://sys.stderr` / `ext://sys.stdout`).
///
/// ```
/// use loglisten::handler::{StreamHandler, StreamKind};
/// assert_eq!(StreamHandler::default().kind(), StreamKind::Stderr);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamKind {
    /// The process's standard error (CPython's default).
    Stderr,
    /// The process's standard output.
    Stdout,
    /// A writer the program supplied.
    Writer,
}

enum Target {
    Stderr,
    Stdout,
    Writer(Box<dyn Write + Send>),
}

/// Python's `logging.StreamHandler(stream=None)`: writes each record and
/// its `terminator` to a stream in one write, then flushes. The stream is
/// never closed by the handler (it may be stderr).
///
/// ```
/// use loglisten::{handler::{SharedBuffer, StreamHandler}, Handler, Level, Record};
/// let buffer = SharedBuffer::new();
/// let mut h = StreamHandler::new(buffer.clone()).with_terminator(";");
/// h.emit(&Record::new("app", Level::INFO, "a"), "a")?;
/// h.emit(&Record::new("app", Level::INFO, "b"), "b")?;
/// assert_eq!(buffer.text(), "a;b;");
/// assert_eq!(h.terminator(), ";");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct StreamHandler {
    target: Target,
    terminator: String,
    line: Vec<u8>,
}

impl StreamHandler {
    /// A handler writing to `writer`.
    pub fn new(writer: impl Write + Send + 'static) -> StreamHandler {
        StreamHandler::with_target(Target::Writer(Box::new(writer)))
    }

    /// A handler writing to standard error (Python's `stream=None`).
    pub fn stderr() -> StreamHandler {
        StreamHandler::with_target(Target::Stderr)
    }

    /// A handler writing to standard output.
    pub fn stdout() -> StreamHandler {
        StreamHandler::with_target(Target::Stdout)
    }

    fn with_target(target: Target) -> StreamHandler {
        StreamHandler {
            target,
            terminator: "\n".to_string(),
            line: Vec::new(),
        }
    }

    /// Sets the `terminator` attribute written after each record (`"\n"`).
    pub fn with_terminator(mut self, terminator: &str) -> StreamHandler {
        self.terminator = terminator.to_string();
        self
    }

    /// The terminator.
    pub fn terminator(&self) -> &str {
        &self.terminator
    }

    /// Which stream the handler writes to.
    pub fn kind(&self) -> StreamKind {
        match self.target {
            Target::Stderr => StreamKind::Stderr,
            Target::Stdout => StreamKind::Stdout,
            Target::Writer(_) => StreamKind::Writer,
        }
    }
}

impl Default for StreamHandler {
    fn default() -> StreamHandler {
        StreamHandler::stderr()
    }
}

impl fmt::Debug for StreamHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamHandler")
            .field("kind", &self.kind())
            .field("terminator", &self.terminator)
            .finish()
    }
}

impl Handler for StreamHandler {
    fn emit(&mut self, _record: &Record, text: &str) -> io::Result<()> {
        // One write per record, as CPython merges message and terminator.
        self.line.clear();
        self.line.extend_from_slice(text.as_bytes());
        self.line.extend_from_slice(self.terminator.as_bytes());
        match &mut self.target {
            Target::Stderr => {
                let mut out = io::stderr().lock();
                out.write_all(&self.line)?;
                out.flush()
            }
            Target::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(&self.line)?;
                out.flush()
            }
            Target::Writer(w) => {
                w.write_all(&self.line)?;
                w.flush()
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.target {
            Target::Stderr => io::stderr().flush(),
            Target::Stdout => io::stdout().flush(),
            Target::Writer(w) => w.flush(),
        }
    }
}

/// A cloneable in-memory writer: every clone appends to the same bytes.
/// Hand one clone to a [`StreamHandler`] and read the output from another.
///
/// ```
/// use std::io::Write;
/// let buffer = loglisten::handler::SharedBuffer::new();
/// buffer.clone().write_all(b"x\n")?;
/// assert_eq!(buffer.contents(), b"x\n");
/// buffer.clear();
/// assert_eq!(buffer.text(), "");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl SharedBuffer {
    /// An empty buffer.
    pub fn new() -> SharedBuffer {
        SharedBuffer::default()
    }

    fn bytes(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        // Appending bytes cannot leave the vector inconsistent.
        lock(&self.0)
    }

    /// A copy of everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.bytes().clone()
    }

    /// The contents as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes()).into_owned()
    }

    /// Forgets everything written so far.
    pub fn clear(&self) {
        self.bytes().clear();
    }
}

impl Write for SharedBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
