//! Records: the plain data of one logging call, as Python's `LogRecord`.
//! The call site's [`Location`] and the [`OwnedRecord`] copy are in the
//! submodules.

mod location;
mod owned;

pub use location::{__function_name, Location};
pub use owned::OwnedRecord;

use crate::fields::{Field, FieldValue};
use crate::level::Level;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::error::Error;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One logging call: logger name, level, message and the context Python's
/// `LogRecord` carries. The message is formatted on use, so a record that
/// no handler takes never formats its arguments: a formatter's
/// `%(message)s` writes them straight into its output (once per handler,
/// as CPython's formatters call `getMessage()` each time), and
/// [`Record::message`] renders them once and keeps the text.
///
/// ```
/// use loglisten::{Level, Record};
/// let record = Record::new("app.auth", Level::INFO, "hello ada");
/// assert_eq!(record.message(), "hello ada");
/// assert_eq!(record.level_name(), "INFO");
/// assert_eq!(record.module(), "Unknown module");
/// let user = "bob";
/// Record::from_args("app", Level::INFO, format_args!("hi {user}"))
///     .with_created(std::time::UNIX_EPOCH); // used within one expression
/// ```
pub struct Record<'a> {
    name: Cow<'a, str>,
    level: Level,
    text: &'a str,
    args: Option<fmt::Arguments<'a>>,
    message: OnceCell<String>,
    created: Duration,
    location: Option<Location>,
    error: Option<&'a (dyn Error + 'static)>,
    error_text: Option<String>,
    thread: Thread<'a>,
    /// Extra fields given at the call, then those of an adapter.
    fields: Fields<'a>,
    context: &'a [Field<'a>],
    stack_info: Option<Cow<'a, str>>,
}

/// The call's fields, borrowed or (in a detached record) owned. Not a
/// `Cow`: that would make `Record` invariant in its lifetime.
#[derive(Debug)]
enum Fields<'a> {
    Borrowed(&'a [Field<'a>]),
    Owned(Vec<Field<'a>>),
}

impl<'a> std::ops::Deref for Fields<'a> {
    type Target = [Field<'a>];
    fn deref(&self) -> &[Field<'a>] {
        match self {
            Fields::Borrowed(fields) => fields,
            Fields::Owned(fields) => fields,
        }
    }
}

/// The logging thread, shared; borrowed by a record lent out of an
/// [`OwnedRecord`], so that a queue's listener never touches the count
/// the logging thread's own records change.
#[derive(Debug)]
enum Thread<'a> {
    Shared(Arc<ThreadInfo>),
    Borrowed(&'a Arc<ThreadInfo>),
}

impl Thread<'_> {
    fn arc(&self) -> &Arc<ThreadInfo> {
        match self {
            Thread::Shared(arc) => arc,
            Thread::Borrowed(arc) => arc,
        }
    }
}

#[derive(Debug)]
struct ThreadInfo {
    id: u64,
    name: String,
}

thread_local! {
    static THREAD: Arc<ThreadInfo> = Arc::new(current_thread_info());
}

/// Runs `f` with this thread's info: the cached one or, while the thread
/// ends and the cache is already gone (another thread-local's `Drop` that
/// logs), one made afresh, where `THREAD.with` would panic and abort.
#[inline]
fn with_thread<R>(f: impl FnOnce(&Arc<ThreadInfo>) -> R) -> R {
    // Nothing can destroy the cache between the check and the use.
    if THREAD.try_with(|_| ()).is_ok() {
        THREAD.with(f)
    } else {
        f(&Arc::new(current_thread_info()))
    }
}

fn current_thread_info() -> ThreadInfo {
    let thread = std::thread::current();
    // ThreadId has no stable integer accessor; its Debug is `ThreadId(N)`.
    let debug = format!("{:?}", thread.id());
    let id = debug
        .trim_start_matches("ThreadId(")
        .trim_end_matches(')')
        .parse()
        .unwrap_or(0);
    let name = match thread.name() {
        // CPython calls the main thread MainThread; keep outputs identical.
        Some("main") => "MainThread".to_string(),
        Some(name) => name.to_string(),
        None => format!("Thread-{id}"),
    };
    ThreadInfo { id, name }
}

/// The time `relativeCreated` counts from: the first use of the runtime,
/// as CPython counts from the import of `logging`.
pub(crate) fn start_time() -> Duration {
    static START: OnceLock<Duration> = OnceLock::new();
    *START.get_or_init(now)
}

fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
}

impl<'a> Record<'a> {
    /// A record with a ready message, made now, on the current thread,
    /// with no location or error.
    pub fn new(name: &'a str, level: Level, message: &'a str) -> Record<'a> {
        Record::make(name, level, message, None)
    }

    /// A record whose message is formatted from `args` on first use (what
    /// the macros make). `format_args!` values live for one expression, so
    /// build and use such a record in one go.
    pub fn from_args(name: &'a str, level: Level, args: fmt::Arguments<'a>) -> Record<'a> {
        Record::make(name, level, "", Some(args))
    }

    fn make(
        name: &'a str,
        level: Level,
        text: &'a str,
        args: Option<fmt::Arguments<'a>>,
    ) -> Record<'a> {
        start_time();
        let thread = Thread::Shared(with_thread(Arc::clone));
        Record::in_place(name, level, text, args, thread)
    }

    /// Runs `f` on the record of one macro call: made in place with its
    /// location and error (no moves of the record), and borrowing this
    /// thread's info instead of counting a reference to it (two atomic
    /// operations a call). The call's extra fields are added by the caller.
    #[inline]
    pub(crate) fn with_call<R>(
        name: &str,
        level: Level,
        args: fmt::Arguments<'_>,
        location: &'static Location,
        error: Option<&(dyn Error + 'static)>,
        f: impl FnOnce(&Record<'_>) -> R,
    ) -> R {
        start_time();
        with_thread(|thread| {
            let thread = Thread::Borrowed(thread);
            let mut record = Record::in_place(name, level, "", Some(args), thread);
            record.location = Some(*location);
            record.error = error;
            f(&record)
        })
    }

    /// Runs `f` on a bridged event's record (the `tracing` layer's): made
    /// in place with its ready message, location and fields, borrowing
    /// this thread's info, as [`Record::with_call`] does for the macros.
    #[inline]
    pub(crate) fn with_event<R>(
        name: &str,
        level: Level,
        message: &str,
        location: Option<Location>,
        fields: &[Field<'_>],
        f: impl FnOnce(&Record<'_>) -> R,
    ) -> R {
        start_time();
        with_thread(|thread| {
            let thread = Thread::Borrowed(thread);
            let mut record = Record::in_place(name, level, message, None, thread);
            record.location = location;
            record.fields = Fields::Borrowed(fields);
            f(&record)
        })
    }

    /// A record made now on `thread`, with no location, error or fields
    /// yet.
    #[inline]
    fn in_place(
        name: &'a str,
        level: Level,
        text: &'a str,
        args: Option<fmt::Arguments<'a>>,
        thread: Thread<'a>,
    ) -> Record<'a> {
        Record {
            name: Cow::Borrowed(name),
            level,
            text,
            args,
            message: OnceCell::new(),
            created: now(),
            location: None,
            error: None,
            error_text: None,
            thread,
            fields: Fields::Borrowed(&[]),
            context: &[],
            stack_info: None,
        }
    }

    /// Adds extra fields (Python's `extra`); a format names them as
    /// `%(user)s`. Names that are record attributes are never looked up
    /// as fields (the macros refuse them at compile time).
    ///
    /// ```
    /// use loglisten::{Field, Level, Record};
    /// let fields = [Field::new("user", "bob"), Field::new("attempt", 3)];
    /// let r = Record::new("app", Level::INFO, "m").with_fields(&fields);
    /// assert_eq!(r.field("attempt").map(|v| v.to_string()), Some("3".into()));
    /// assert_eq!(r.field("nope"), None);
    /// ```
    pub fn with_fields(mut self, fields: &'a [Field<'a>]) -> Record<'a> {
        self.fields = Fields::Borrowed(fields);
        self
    }

    /// Adds an adapter's fields, consulted after the call's own.
    pub(crate) fn with_context(mut self, context: &'a [Field<'a>]) -> Record<'a> {
        self.context = context;
        self
    }

    /// Sets Python's `stack_info`: the text after `Stack (most recent call
    /// last):`, which formatters append and `%(stack_info)s` shows.
    ///
    /// ```
    /// let r = loglisten::Record::new("a", loglisten::Level::INFO, "m")
    ///     .with_stack_info("  frame 1".to_string());
    /// assert_eq!(r.stack_info(), Some("Stack (most recent call last):\n  frame 1"));
    /// ```
    pub fn with_stack_info(mut self, stack: String) -> Record<'a> {
        self.stack_info = Some(Cow::Owned(format!(
            "Stack (most recent call last):\n{stack}"
        )));
        self
    }

    /// The stack text, if the call asked for it (`stack_info = true`).
    pub fn stack_info(&self) -> Option<&str> {
        self.stack_info.as_deref()
    }

    /// The extra field `name`: the call's own, else the adapter's.
    pub fn field(&self, name: &str) -> Option<&FieldValue<'a>> {
        self.fields().find(|f| f.name() == name).map(|f| f.value())
    }

    /// Every extra field: the call's, then the adapter's not given by the
    /// call (`stack_info` excluded: it is an attribute).
    pub fn fields(&self) -> impl Iterator<Item = &Field<'a>> + '_ {
        let own = &self.fields;
        let context = self
            .context
            .iter()
            .filter(move |c| !own.iter().any(|f| f.name() == c.name()));
        own.iter()
            .chain(context)
            .filter(|f| f.name() != "stack_info")
    }

    fn owned_fields(&self) -> Vec<Field<'static>> {
        self.fields().map(|f| f.clone().into_owned()).collect()
    }

    /// Sets the source location (the macros do this).
    pub fn with_location(mut self, location: &'static Location) -> Record<'a> {
        self.location = Some(*location);
        self
    }

    /// Sets the source location from parts (what the `log` and `tracing`
    /// bridges know of a call site); `funcName` is then `<unknown>`.
    ///
    /// ```
    /// let r = loglisten::Record::new("a", loglisten::Level::INFO, "m")
    ///     .with_source("app::db", "src/db.rs", 9);
    /// assert_eq!((r.filename(), r.lineno(), r.module()), ("db.rs", 9, "db"));
    /// ```
    pub fn with_source(
        mut self,
        module_path: &'static str,
        file: &'static str,
        line: u32,
    ) -> Record<'a> {
        self.location = Some(Location::new(module_path, file, line, None));
        self
    }

    /// Attaches an error; formatters append it and its `source()` chain.
    pub fn with_error(mut self, error: &'a (dyn Error + 'static)) -> Record<'a> {
        self.error = Some(error);
        self
    }

    /// Sets the creation time (for tests and replayed records).
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// let r = loglisten::Record::new("x", loglisten::Level::INFO, "m")
    ///     .with_created(UNIX_EPOCH + Duration::from_millis(1_500));
    /// assert_eq!(r.created(), 1.5);
    /// assert_eq!(r.msecs(), 500.0);
    /// ```
    pub fn with_created(mut self, created: SystemTime) -> Record<'a> {
        self.created = created.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
        self
    }

    /// The logger's name (`root` for the root logger).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The level.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The level's name, as Python's `levelname`.
    pub fn level_name(&self) -> Cow<'static, str> {
        self.level.name()
    }

    /// The message, formatted from the arguments on first call.
    pub fn message(&self) -> &str {
        if let Some(message) = self.message.get() {
            return message;
        }
        match self.args {
            None => self.text,
            Some(args) => self.message.get_or_init(|| args.to_string()),
        }
    }

    /// Appends the message to `out`. Arguments not yet rendered are
    /// written straight in, allocating nothing: the common case of one
    /// handler formats them once either way.
    #[inline]
    pub(crate) fn write_message(&self, out: &mut String) {
        match (self.message.get(), self.args) {
            (None, Some(args)) => match args.as_str() {
                Some(text) => out.push_str(text),
                None => {
                    let _ = fmt::Write::write_fmt(out, args);
                }
            },
            _ => out.push_str(self.message()),
        }
    }

    /// Seconds since the Unix epoch, as Python's `created`.
    pub fn created(&self) -> f64 {
        self.created.as_secs_f64()
    }

    /// The creation time as a duration since the Unix epoch.
    pub fn created_since_epoch(&self) -> Duration {
        self.created
    }

    /// Milliseconds within the second, as Python 3.11's `msecs` (whole).
    pub fn msecs(&self) -> f64 {
        f64::from(self.created.subsec_millis())
    }

    /// Milliseconds since the runtime started, as Python's `relativeCreated`.
    pub fn relative_created(&self) -> f64 {
        (self.created.as_secs_f64() - start_time().as_secs_f64()) * 1000.0
    }

    /// The logging thread's id.
    pub fn thread(&self) -> u64 {
        self.thread.arc().id
    }

    /// The logging thread's name (`MainThread` for the main thread).
    pub fn thread_name(&self) -> &str {
        &self.thread.arc().name
    }

    /// The process id.
    pub fn process(&self) -> u32 {
        std::process::id()
    }

    /// The source location, when logged through a macro.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// Python's `pathname`: the source file, or `(unknown file)`.
    pub fn pathname(&self) -> &'static str {
        self.location.map_or("(unknown file)", |l| l.file())
    }

    /// Python's `filename`: the last component of the path.
    pub fn filename(&self) -> &'static str {
        let path = self.pathname();
        path.rsplit(['/', '\\']).next().unwrap_or(path)
    }

    /// Python's `module`: the file name without its extension, or
    /// `Unknown module`.
    pub fn module(&self) -> &'static str {
        if self.location.is_none() {
            return "Unknown module";
        }
        let file = self.filename();
        file.rsplit_once('.').map_or(file, |(stem, _)| stem)
    }

    /// Python's `lineno` (0 when unknown).
    pub fn lineno(&self) -> u32 {
        self.location.map_or(0, |l| l.line())
    }

    /// Python's `funcName`, or `(unknown function)`.
    pub fn func_name(&self) -> &'static str {
        self.location
            .as_ref()
            .map_or("(unknown function)", Location::function)
    }

    /// The attached error, if any (none on a record replayed by a buffer).
    pub fn error(&self) -> Option<&(dyn Error + 'static)> {
        self.error
    }

    /// The attached error and its `source()` chain as text, one per line:
    /// `Error: <error>` then `Caused by: <source>` for each cause, the way a
    /// Python formatter appends an exception's text.
    #[inline]
    pub fn error_text(&self) -> Option<Cow<'_, str>> {
        // Checked inline: a record without an error (nearly all) costs the
        // formatter no call.
        if self.error.is_none() && self.error_text.is_none() {
            return None;
        }
        self.render_error_text()
    }

    #[inline(never)]
    fn render_error_text(&self) -> Option<Cow<'_, str>> {
        if let Some(text) = &self.error_text {
            return Some(Cow::Borrowed(text));
        }
        let error = self.error?;
        let mut text = format!("Error: {error}");
        let mut cause = error.source();
        while let Some(source) = cause {
            text.push_str("\nCaused by: ");
            text.push_str(&source.to_string());
            cause = source.source();
        }
        Some(Cow::Owned(text))
    }

    /// An owned copy with the message and error text rendered, for handlers
    /// that keep records (the memory handler).
    pub fn detach(&self) -> Record<'static> {
        let message = OnceCell::new();
        let _ = message.set(self.message().to_string());
        Record {
            name: Cow::Owned(self.name.to_string()),
            level: self.level,
            text: "",
            args: None,
            message,
            created: self.created,
            location: self.location,
            error: None,
            error_text: self.error_text().map(Cow::into_owned),
            thread: Thread::Shared(Arc::clone(self.thread.arc())),
            fields: Fields::Owned(self.owned_fields()),
            context: &[],
            stack_info: self.stack_info.as_ref().map(|s| Cow::Owned(s.to_string())),
        }
    }
}

impl fmt::Debug for Record<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Python's LogRecord repr: name, level, path, line, message.
        write!(
            f,
            "<LogRecord: {}, {}, {}, {}, \"{}\">",
            self.name,
            self.level.0,
            self.pathname(),
            self.lineno(),
            self.message()
        )
    }
}

#[cfg(test)]
mod tests;
