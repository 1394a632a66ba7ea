//! Handlers: where records go. The [`Handler`] trait is the part a handler
//! writes itself (emit, flush, close); [`SharedHandler`] wraps one with the
//! parts Python's `Handler` base class has (name, level, formatter,
//! filters, lock, error reporting) and is what loggers hold.

use crate::filter::Filter;
use crate::format::Formatter;
use crate::level::Level;
use crate::record::Record;
use crate::sync::lock;
use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// The part of a handler that writes: Python's `emit`, `flush` and `close`.
/// Implement it for your own destinations and wrap it in a
/// [`SharedHandler`].
///
/// ```
/// use loglisten::{Handler, Record};
/// #[derive(Debug, Default)]
/// struct Lines(Vec<String>);
/// impl Handler for Lines {
///     fn emit(&mut self, _record: &Record, text: &str) -> std::io::Result<()> {
///         self.0.push(text.to_string());
///         Ok(())
///     }
/// }
/// ```
pub trait Handler: Send + fmt::Debug {
    /// Writes one record; `text` is the record formatted by the handler's
    /// formatter, without a terminator. An error is counted and reported,
    /// never returned to the logging caller.
    fn emit(&mut self, record: &Record, text: &str) -> io::Result<()>;

    /// Pushes buffered output to its destination.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Flushes and releases the destination. Called once, when the handler
    /// is replaced by a new configuration or at [`shutdown`](crate::shutdown).
    fn close(&mut self) -> io::Result<()> {
        self.flush()
    }

    /// Whether `emit` uses `text`; a handler that only keeps records (the
    /// memory handler) returns `false` and the record is not formatted.
    fn wants_text(&self) -> bool {
        true
    }

    /// Called when the configuration that built this handler goes live,
    /// just before the swap: the moment for effects that must not happen
    /// if the configuration fails (a mode `w` file is truncated here).
    fn commit(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Called instead of `commit` when the configuration that built this
    /// handler failed: undo what construction did (remove a file it
    /// created). The handler is dropped afterwards.
    fn discard(&mut self) {}
}

/// A handler with its level, formatter and filters, shared by the loggers
/// that use it. Cloning shares the same handler.
///
/// ```
/// use loglisten::{Level, SharedHandler, handler::NullHandler};
/// let h = SharedHandler::builder(NullHandler).level(Level::ERROR).name("quiet").build();
/// assert_eq!(h.level(), Level::ERROR);
/// assert_eq!(h.name(), Some("quiet"));
/// ```
#[derive(Clone)]
pub struct SharedHandler(Arc<Cell>);

struct Cell {
    name: Option<String>,
    level: AtomicI32,
    /// Unset means Python's default formatter; `basic_config` may set it
    /// once, as `if h.formatter is None: h.setFormatter(fmt)`.
    formatter: OnceLock<Formatter>,
    filters: Vec<Arc<dyn Filter>>,
    wants_text: bool,
    core: Core,
    errors: AtomicU64,
}

/// How calls reach the handler, chosen once when it is built.
enum Core {
    /// Any handler: one call at a time, under this lock.
    Locked(Mutex<Box<dyn Handler>>),
    /// A [`MemoryHandler`]: its state is locked only briefly inside, and
    /// records are handed to its target with no lock held (see `memory`),
    /// so two memory handlers may target each other.
    Delivering(Arc<memory::Core>),
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Core::Locked(_) => f.write_str("Locked"),
            Core::Delivering(_) => f.write_str("Delivering"),
        }
    }
}

/// Builds a [`SharedHandler`]; see [`SharedHandler::builder`].
#[derive(Debug)]
pub struct SharedHandlerBuilder {
    name: Option<String>,
    level: Level,
    formatter: Option<Formatter>,
    filters: Vec<Arc<dyn Filter>>,
    core: Core,
}

impl SharedHandlerBuilder {
    /// The handler's name (dictConfig's key).
    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }

    /// Records below this level are skipped (default NOTSET: none are).
    pub fn level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// The formatter (default `%(message)s`).
    pub fn formatter(mut self, formatter: Formatter) -> Self {
        self.formatter = Some(formatter);
        self
    }

    /// Adds a filter.
    pub fn filter(mut self, filter: Arc<dyn Filter>) -> Self {
        self.filters.push(filter);
        self
    }

    /// The shared handler.
    pub fn build(self) -> SharedHandler {
        SharedHandler(Arc::new(Cell {
            name: self.name,
            level: AtomicI32::new(self.level.0),
            formatter: self.formatter.map(OnceLock::from).unwrap_or_default(),
            filters: self.filters,
            wants_text: match &self.core {
                Core::Locked(inner) => lock(inner).wants_text(),
                Core::Delivering(_) => false,
            },
            core: self.core,
            errors: AtomicU64::new(0),
        }))
    }
}

thread_local! {
    // Reused per thread so formatting allocates nothing in the steady state.
    static TEXT: RefCell<String> = const { RefCell::new(String::new()) };
    // Handlers this thread is inside of (emitting, flushing or closing),
    // so a handler that logs to itself skips itself instead of
    // deadlocking on its own lock.
    static INSIDE: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Marks a handler as entered on this thread until dropped.
struct Entered(usize);

impl Entered {
    /// `None` when this thread is already inside the handler `id`. While
    /// the thread ends and its list is gone (a record logged from another
    /// thread-local's `Drop`), entered without being tracked.
    fn enter(id: usize) -> Option<Entered> {
        let entered = INSIDE.try_with(|inside| {
            let mut inside = inside.borrow_mut();
            if inside.contains(&id) {
                return None;
            }
            inside.push(id);
            Some(Entered(id))
        });
        entered.unwrap_or_else(|_| Some(Entered(id)))
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        let _ = INSIDE.try_with(|inside| {
            let mut inside = inside.borrow_mut();
            // Entered and left in nested order: the last one is ours.
            if inside.last() == Some(&self.0) {
                inside.pop();
            } else {
                inside.retain(|&i| i != self.0);
            }
        });
    }
}

impl SharedHandler {
    /// Starts building a shared handler around `handler`.
    pub fn builder<H: Handler + 'static>(handler: H) -> SharedHandlerBuilder {
        // The one place the kind of handler is looked at: a memory handler
        // gets the delivering core, every other the locked one.
        // `Any` needs a value it can hand back whole: the handler goes in
        // an `Option` that the memory case empties and the other keeps.
        let mut slot = Some(handler);
        let memory = (&mut slot as &mut dyn Any)
            .downcast_mut::<Option<MemoryHandler>>()
            .and_then(Option::take);
        match (memory, slot) {
            (Some(memory), _) => SharedHandler::builder_core(Core::Delivering(memory.into_core())),
            (None, Some(handler)) => SharedHandler::builder_boxed(Box::new(handler)),
            // Not reached: the slot is emptied only when it held a memory
            // handler. A handler that does nothing is the harmless answer.
            (None, None) => SharedHandler::builder_boxed(Box::new(NullHandler)),
        }
    }

    pub(crate) fn builder_boxed(inner: Box<dyn Handler>) -> SharedHandlerBuilder {
        SharedHandler::builder_core(Core::Locked(Mutex::new(inner)))
    }

    fn builder_core(core: Core) -> SharedHandlerBuilder {
        SharedHandlerBuilder {
            name: None,
            level: Level::NOTSET,
            formatter: None,
            filters: Vec::new(),
            core,
        }
    }

    /// A shared handler with default level, formatter and no filters.
    pub fn new(handler: impl Handler + 'static) -> SharedHandler {
        SharedHandler::builder(handler).build()
    }

    /// The handler's name, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// The handler's level.
    pub fn level(&self) -> Level {
        Level(self.0.level.load(Ordering::Relaxed))
    }

    /// Sets the level (what an incremental configuration changes).
    pub fn set_level(&self, level: Level) {
        self.0.level.store(level.0, Ordering::Relaxed);
    }

    /// The formatter (Python's default, `%(message)s`, when none was set).
    pub fn formatter(&self) -> &Formatter {
        static DEFAULT: OnceLock<Formatter> = OnceLock::new();
        self.0
            .formatter
            .get()
            .unwrap_or_else(|| DEFAULT.get_or_init(Formatter::default))
    }

    /// Sets the formatter if none was set; returns whether it was set.
    pub(crate) fn set_formatter_if_unset(&self, formatter: Formatter) -> bool {
        self.0.formatter.set(formatter).is_ok()
    }

    /// The filters.
    pub fn filters(&self) -> &[Arc<dyn Filter>] {
        &self.0.filters
    }

    /// How many records failed to be written (I/O errors or panics).
    pub fn error_count(&self) -> u64 {
        self.0.errors.load(Ordering::Relaxed)
    }

    /// Whether two values share one handler.
    pub fn same(&self, other: &SharedHandler) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The handler's identity while it is alive (its address).
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as *const u8 as usize
    }

    /// Python's `Handler.handle`: filters, then formats outside the lock
    /// and emits under it. Never panics, never returns an error.
    pub fn handle(&self, record: &Record) {
        if !self.0.filters.iter().all(|f| f.filter(record)) {
            return;
        }
        let Some(_entered) = Entered::enter(self.id()) else {
            return;
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| self.format_and_emit(record)));
        let error = match outcome {
            Ok(Ok(())) => return,
            Ok(Err(error)) => error,
            Err(_) => io::Error::other("the handler panicked"),
        };
        self.report(record, &error);
    }

    fn format_and_emit(&self, record: &Record) -> io::Result<()> {
        let inner = match &self.0.core {
            Core::Locked(inner) => inner,
            Core::Delivering(memory) => {
                memory.emit(record);
                return Ok(());
            }
        };
        if !self.0.wants_text {
            return lock(inner).emit(record, "");
        }
        let format_and_emit = |text: &mut String| {
            text.clear();
            self.formatter()
                .try_format(record, text)
                .map_err(io::Error::other)?;
            lock(inner).emit(record, text)
        };
        let reused = TEXT.try_with(|buffer| {
            let mut text = buffer.try_borrow_mut().ok()?;
            Some(format_and_emit(&mut text))
        });
        match reused {
            Ok(Some(done)) => done,
            // A Display impl that logs re-enters here, or the thread is
            // ending and its buffer is gone: a fresh buffer.
            _ => format_and_emit(&mut String::new()),
        }
    }

    /// Runs `f` on the handler under its lock; a delivering core has no
    /// such step (`None`).
    fn with_locked<R>(&self, f: impl FnOnce(&mut dyn Handler) -> R) -> Option<R> {
        match &self.0.core {
            Core::Locked(inner) => Some(f(&mut **lock(inner))),
            Core::Delivering(_) => None,
        }
    }

    /// Counts a failed write and, the first time for this handler, reports
    /// it on stderr the way Python's `Handler.handleError` does.
    fn report(&self, record: &Record, error: &io::Error) {
        if self.0.errors.fetch_add(1, Ordering::Relaxed) == 0 {
            let name = self.name().unwrap_or("(unnamed)");
            eprintln!(
                "--- Logging error ---\nhandler {name}: {error}\nMessage: {:?}\n\
                 (further errors of this handler are counted, not printed)",
                record.message()
            );
        }
    }

    /// Runs [`Handler::commit`]; the error is returned, for the config
    /// layer to abandon the configuration.
    pub(crate) fn commit(&self) -> io::Result<()> {
        catch_unwind(AssertUnwindSafe(|| {
            self.with_locked(|h| h.commit()).unwrap_or(Ok(()))
        }))
        .unwrap_or_else(|_| Err(io::Error::other("the handler panicked in commit")))
    }

    /// Runs [`Handler::discard`].
    pub(crate) fn discard(&self) {
        let _ = catch_unwind(AssertUnwindSafe(|| self.with_locked(|h| h.discard())));
    }

    /// Python's `MemoryHandler.setTarget` for a memory handler that is
    /// already shared (which is how two memory handlers come to target
    /// each other). Returns `false`, changing nothing, for other handlers.
    ///
    /// ```
    /// use loglisten::{handler::{MemoryHandler, MemorySettings, NullHandler},
    ///                 SharedHandler};
    /// let a = SharedHandler::new(MemoryHandler::new(MemorySettings::new(10)));
    /// let b = SharedHandler::new(MemoryHandler::new(MemorySettings {
    ///     target: Some(a.clone()),
    ///     ..MemorySettings::new(10)
    /// }));
    /// assert!(a.set_target(Some(b.clone())));
    /// assert!(!SharedHandler::new(NullHandler).set_target(None));
    /// a.close(); // forgets the target: a and b no longer hold each other
    /// ```
    pub fn set_target(&self, target: Option<SharedHandler>) -> bool {
        match &self.0.core {
            Core::Delivering(memory) => {
                memory.set_target(target);
                true
            }
            Core::Locked(_) => false,
        }
    }

    /// Flushes the handler; errors are counted like write errors. Like
    /// [`handle`](Self::handle), it does nothing when this thread is
    /// already inside the handler (its flush logging to itself).
    pub fn flush(&self) {
        self.guarded(|| match &self.0.core {
            Core::Delivering(memory) => {
                memory.flush();
                Ok(())
            }
            Core::Locked(inner) => lock(inner).flush(),
        });
    }

    /// Flushes and closes the handler; errors are counted like write
    /// errors. Skipped, as `flush` is, when this thread is inside it.
    pub fn close(&self) {
        self.guarded(|| match &self.0.core {
            Core::Delivering(memory) => {
                memory.close();
                Ok(())
            }
            Core::Locked(inner) => lock(inner).close(),
        });
    }

    /// Runs `f` marked as inside this handler, counting an error or panic.
    fn guarded(&self, f: impl FnOnce() -> io::Result<()>) {
        let Some(_entered) = Entered::enter(self.id()) else {
            return;
        };
        if catch_unwind(AssertUnwindSafe(f)).map_or(true, |r| r.is_err()) {
            self.0.errors.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl fmt::Debug for SharedHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedHandler")
            .field("name", &self.0.name)
            .field("level", &self.level())
            .finish_non_exhaustive()
    }
}

/// Python's `NullHandler`: takes records and does nothing, so a library's
/// logger has a handler without producing output.
///
/// ```
/// use loglisten::{handler::NullHandler, Handler, Level, Record};
/// let r = Record::new("lib", Level::ERROR, "x");
/// assert!(NullHandler.emit(&r, "x").is_ok());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NullHandler;

impl Handler for NullHandler {
    fn emit(&mut self, _record: &Record, _text: &str) -> io::Result<()> {
        Ok(())
    }

    fn wants_text(&self) -> bool {
        false
    }
}

#[cfg(feature = "net-handlers")]
pub(crate) mod attrs;
#[cfg(feature = "net-handlers")]
mod encode;
mod file;
#[cfg(feature = "net-handlers")]
mod http;
mod memory;
#[cfg(feature = "queue-handler")]
mod queue;
mod rotating;
#[cfg(feature = "net-handlers")]
mod smtp;
#[cfg(feature = "net-handlers")]
mod socket;
mod stream;
mod syslog;
mod timed;
mod watched;

pub(crate) use file::cannot_open;
pub use file::{FileHandler, FileSettings, Mode, SettingsError};
#[cfg(feature = "net-handlers")]
pub use http::{HttpHandler, HttpSettings};
pub use memory::{MemoryHandler, MemorySettings};
#[cfg(feature = "queue-handler")]
pub use queue::{QueueHandler, QueueSettings};
pub use rotating::{RotatingFileHandler, RotatingSettings};
#[cfg(feature = "net-handlers")]
pub use smtp::{SmtpHandler, SmtpSettings};
#[cfg(feature = "net-handlers")]
pub use socket::{DatagramHandler, SocketHandler, SocketSettings};
pub use stream::{SharedBuffer, StreamHandler, StreamKind};
pub use syslog::{
    facility_by_name, priority_by_name, SockType, SysLogHandler, SysLogSettings, SyslogAddress,
};
pub use timed::{AtTime, Clock, SystemClock, TimedRotatingFileHandler, TimedSettings};
pub use watched::WatchedFileHandler;

#[cfg(test)]
mod tests {
    use super::{Entered, INSIDE};

    fn inside() -> Vec<usize> {
        INSIDE.with(|inside| inside.borrow().clone())
    }

    #[test]
    fn entered_handlers_leave_in_any_order() {
        let outer = Entered::enter(1).expect("not inside 1 yet");
        assert!(Entered::enter(1).is_none(), "inside 1 already");
        let inner = Entered::enter(2).expect("not inside 2 yet");
        assert_eq!(inside(), [1, 2]);
        drop(outer); // out of nesting order: found and removed anyway
        assert_eq!(inside(), [2]);
        let again = Entered::enter(1).expect("left 1");
        drop(inner);
        assert_eq!(inside(), [1]);
        drop(again);
        assert_eq!(inside(), Vec::<usize>::new());
    }
}
