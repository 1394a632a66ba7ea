//! Logger handles and the logging macros.

use crate::fields::{Field, ToField};
use crate::filter::Filter;
use crate::handler::SharedHandler;
use crate::level::Level;
use crate::record::{Location, Record};
use crate::registry::{LoggerNode, LoggerSettings, Registry};
use std::error::Error;
use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// A handle to a named logger, like Python's `logging.getLogger(name)`:
/// cheap to clone, `Send + Sync`, and valid across reconfigurations.
///
/// ```
/// use loglisten::{get_logger, Level};
/// let log = get_logger("app.db");
/// log.set_level(Level::DEBUG);
/// assert!(log.is_enabled_for(Level::DEBUG));
/// loglisten::debug!(log, "pool has {} connections", 4);
/// ```
#[derive(Clone)]
pub struct Logger {
    node: Arc<LoggerNode>,
    /// The registry the logger belongs to: its records go to that one's
    /// snapshot.
    registry: Registry,
}

/// The logger named `name` (dotted for hierarchy); `""` and `"root"` give
/// the root logger. Repeated calls return handles to the same logger.
///
/// ```
/// assert_eq!(loglisten::get_logger("").name(), "root");
/// assert_eq!(loglisten::get_logger("a.b").parent().unwrap().name(), "root");
/// ```
pub fn get_logger(name: &str) -> Logger {
    Registry::global().get_logger(name)
}

impl Logger {
    pub(crate) fn new(registry: Registry, node: Arc<LoggerNode>) -> Logger {
        Logger { node, registry }
    }

    /// The logger's name (`root` for the root logger).
    pub fn name(&self) -> &str {
        &self.node.name
    }

    /// Whether a record at `level` would be handled: one atomic load and a
    /// compare (Python's `isEnabledFor`, including `disable` and `disabled`).
    #[inline]
    pub fn is_enabled_for(&self, level: Level) -> bool {
        level.0 >= self.node.threshold.load(Ordering::Relaxed)
    }

    /// Logs a message at `level`.
    pub fn log(&self, level: Level, message: &str) {
        if self.is_enabled_for(level) {
            self.log_record(&Record::new(self.name(), level, message));
        }
    }

    /// Logs formatted arguments at `level` (what the macros call).
    pub fn log_args(&self, level: Level, args: fmt::Arguments<'_>) {
        if self.is_enabled_for(level) {
            self.log_record(&Record::from_args(self.name(), level, args));
        }
    }

    /// Hands a prepared record to this logger's handlers, Python's
    /// `Logger.handle` (the level was checked by the caller).
    pub fn log_record(&self, record: &Record) {
        self.registry.core.dispatch(&self.node, record);
    }

    // What the macros call once the level check passed: out of line, so a
    // disabled call is the check alone at the call site.
    #[doc(hidden)]
    #[inline(never)]
    pub fn __log(
        &self,
        level: Level,
        args: fmt::Arguments<'_>,
        location: &'static Location,
        error: Option<&(dyn Error + 'static)>,
        fields: &[Field<'_>],
    ) {
        if fields.is_empty() {
            Record::with_call(self.name(), level, args, location, error, |r| {
                self.log_record(r)
            });
        } else {
            self.log_with_fields(level, args, location, error, fields, &[]);
        }
    }

    /// A call with extra fields (its own or an adapter's): the record is
    /// built as the plain one, then given the fields and, when asked, a
    /// backtrace.
    #[inline(never)]
    fn log_with_fields(
        &self,
        level: Level,
        args: fmt::Arguments<'_>,
        location: &'static Location,
        error: Option<&(dyn Error + 'static)>,
        fields: &[Field<'_>],
        context: &[Field<'_>],
    ) {
        let mut record = Record::from_args(self.name(), level, args)
            .with_location(location)
            .with_fields(fields)
            .with_context(context);
        if wants_stack(fields) {
            let trace = std::backtrace::Backtrace::force_capture();
            record = record.with_stack_info(trace.to_string());
        }
        match error {
            Some(error) => self.log_record(&record.with_error(error)),
            None => self.log_record(&record),
        }
    }

    /// A handle whose records carry `fields` as extra fields, as Python's
    /// `LoggerAdapter(logger, extra)`: cheap to make per request, and the
    /// macros take it as they take a [`Logger`]. A field given at the call
    /// wins over the adapter's; reserved names (record attributes, see
    /// [`is_reserved_field`](crate::is_reserved_field)) are dropped, where
    /// CPython raises `KeyError` at each call.
    ///
    /// ```
    /// use loglisten::{get_logger, info, Level};
    /// let log = get_logger("doc.adapter").with_fields([("request_id", 42)]);
    /// assert_eq!(log.fields()[0].name(), "request_id");
    /// info!(log, user = "bob"; "login for {}", "bob");
    /// ```
    pub fn with_fields<K, V, I>(&self, fields: I) -> LoggerAdapter
    where
        K: Into<String>,
        V: ToField,
        I: IntoIterator<Item = (K, V)>,
    {
        let fields = fields
            .into_iter()
            .map(|(k, v)| Field::new(k.into(), v.to_field().into_owned()))
            .filter(|f| !crate::fields::is_reserved_field(f.name()))
            .collect();
        LoggerAdapter {
            logger: self.clone(),
            fields: Arc::new(fields),
        }
    }

    fn read<R>(&self, f: impl FnOnce(&LoggerSettings) -> R) -> R {
        f(self.registry.core.current().settings(self.node.id))
    }

    fn edit(&self, f: impl FnOnce(&mut LoggerSettings)) {
        let id = self.node.id;
        self.registry
            .core
            .reconfigure(|draft| f(draft.settings(id)));
    }

    /// The logger's own level (NOTSET defers to the parent).
    pub fn level(&self) -> Level {
        self.read(|s| s.level)
    }

    /// Sets the logger's own level.
    pub fn set_level(&self, level: Level) {
        self.edit(|s| s.level = level);
    }

    /// The level that applies: the first non-NOTSET level up the tree.
    pub fn effective_level(&self) -> Level {
        self.registry.core.current().effective_level(&self.node)
    }

    /// Whether records go on to the parent's handlers.
    pub fn propagate(&self) -> bool {
        self.read(|s| s.propagate)
    }

    /// Sets `propagate`.
    pub fn set_propagate(&self, propagate: bool) {
        self.edit(|s| s.propagate = propagate);
    }

    /// Whether the logger is disabled (it then handles nothing).
    pub fn disabled(&self) -> bool {
        self.read(|s| s.disabled)
    }

    /// Sets `disabled`.
    pub fn set_disabled(&self, disabled: bool) {
        self.edit(|s| s.disabled = disabled);
    }

    /// The logger's own handlers.
    pub fn handlers(&self) -> Vec<SharedHandler> {
        self.read(|s| s.handlers.clone())
    }

    /// Adds a handler (no effect if it is already there, as in Python).
    pub fn add_handler(&self, handler: SharedHandler) {
        self.edit(|s| {
            if !s.handlers.iter().any(|h| h.same(&handler)) {
                s.handlers.push(handler);
            }
        });
    }

    /// Removes a handler without closing it, as Python does.
    pub fn remove_handler(&self, handler: &SharedHandler) {
        self.edit(|s| s.handlers.retain(|h| !h.same(handler)));
    }

    /// The logger's own filters.
    pub fn filters(&self) -> Vec<Arc<dyn Filter>> {
        self.read(|s| s.filters.clone())
    }

    /// Adds a filter.
    pub fn add_filter(&self, filter: Arc<dyn Filter>) {
        self.edit(|s| s.filters.push(filter));
    }

    /// The parent logger; `None` for the root.
    pub fn parent(&self) -> Option<Logger> {
        let parent = self.registry.core.parent_name(self.node.id)?;
        Some(self.registry.get_logger(&parent))
    }
}

/// Whether the call's fields ask for a backtrace (`stack_info = true`).
fn wants_stack(fields: &[Field<'_>]) -> bool {
    fields
        .iter()
        .any(|f| f.name() == "stack_info" && *f.value() == crate::FieldValue::Bool(true))
}

/// A logger with extra fields on every record, from
/// [`Logger::with_fields`]: Python's `LoggerAdapter` with `extra`.
///
/// ```
/// let log = loglisten::get_logger("doc.adapter2").with_fields([("tenant", "acme")]);
/// loglisten::warning!(log, "quota at {}%", 91);
/// assert_eq!(log.logger().name(), "doc.adapter2");
/// ```
#[derive(Clone, Debug)]
pub struct LoggerAdapter {
    logger: Logger,
    fields: Arc<Vec<Field<'static>>>,
}

impl LoggerAdapter {
    /// The logger records go to.
    pub fn logger(&self) -> &Logger {
        &self.logger
    }

    /// The fields every record carries.
    pub fn fields(&self) -> &[Field<'static>] {
        &self.fields
    }

    /// Whether a record at `level` would be handled: one atomic load.
    #[inline]
    pub fn is_enabled_for(&self, level: Level) -> bool {
        self.logger.is_enabled_for(level)
    }

    #[doc(hidden)]
    #[inline(never)]
    pub fn __log(
        &self,
        level: Level,
        args: fmt::Arguments<'_>,
        location: &'static Location,
        error: Option<&(dyn Error + 'static)>,
        fields: &[Field<'_>],
    ) {
        if fields.is_empty() && self.fields.is_empty() {
            self.logger.__log(level, args, location, error, &[]);
        } else {
            let logger = &self.logger;
            logger.log_with_fields(level, args, location, error, fields, &self.fields);
        }
    }
}

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Python's repr: <Logger app.db (DEBUG)>
        write!(f, "<Logger {} ({})>", self.name(), self.effective_level())
    }
}

/// Logs at a level, with `format!`-style arguments; the level check comes
/// first, so a disabled call formats nothing. `error = e,` before the
/// format attaches an error value whose text (and `source()` chain) the
/// formatter appends. `name = value, ...;` before the format adds extra
/// fields (Python's `extra`; text, integers, floats, bools, see
/// [`ToField`](crate::ToField)) that formats name as `%(name)s`; a name
/// that is a record attribute (`message`, `levelname`, ...) does not
/// compile, except `stack_info = true`, which attaches a backtrace.
/// The logger may be a [`Logger`] or a [`LoggerAdapter`].
///
/// ```
/// use loglisten::{get_logger, log, Level};
/// let log = get_logger("doc.log");
/// log!(log, Level(25), "custom level {}", 25);
/// let e = std::io::Error::other("disk full");
/// log!(log, Level::ERROR, error = &e, "write failed");
/// log!(log, Level::ERROR, user = "bob", attempt = 3; "login failed for {}", "bob");
/// log!(log, Level::ERROR, error = &e, path = "/tmp"; "write failed");
/// ```
///
/// ```compile_fail
/// loglisten::info!(loglisten::get_logger("x"), levelname = "no"; "reserved");
/// ```
#[macro_export]
macro_rules! log {
    ($logger:expr, $level:expr, error = $error:expr, $($key:ident = $value:expr),+ ; $($arg:tt)+) => {
        $crate::__log_at!($logger, $level, ::core::option::Option::Some($error as &(dyn ::std::error::Error + 'static)), [$($key = $value),+], $($arg)+)
    };
    ($logger:expr, $level:expr, error = $error:expr, $($arg:tt)+) => {
        $crate::__log_at!($logger, $level, ::core::option::Option::Some($error as &(dyn ::std::error::Error + 'static)), [], $($arg)+)
    };
    ($logger:expr, $level:expr, $($key:ident = $value:expr),+ ; $($arg:tt)+) => {
        $crate::__log_at!($logger, $level, ::core::option::Option::None, [$($key = $value),+], $($arg)+)
    };
    ($logger:expr, $level:expr, $($arg:tt)+) => {
        $crate::__log_at!($logger, $level, ::core::option::Option::None, [], $($arg)+)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __log_at {
    ($logger:expr, $level:expr, $error:expr, [$($key:ident = $value:expr),*], $($arg:tt)+) => {{
        let logger = &$logger;
        let level: $crate::Level = $level;
        if logger.is_enabled_for(level) {
            $(const _: () = $crate::__check_field_name(::core::stringify!($key));)*
            fn __loglisten_fn() -> &'static str {
                fn __loglisten_here() {}
                $crate::__function_name(::std::any::type_name_of_val(&__loglisten_here))
            }
            static LOCATION: $crate::Location =
                $crate::Location::new(module_path!(), file!(), line!(), Some(__loglisten_fn));
            logger.__log(
                level,
                format_args!($($arg)+),
                &LOCATION,
                $error,
                &[$($crate::Field::new(::core::stringify!($key), $crate::ToField::to_field(&$value))),*],
            );
        }
    }};
}

/// Logs at DEBUG; see [`log!`].
///
/// ```
/// loglisten::debug!(loglisten::get_logger("doc"), "x = {}", 1);
/// ```
#[macro_export]
macro_rules! debug {
    ($logger:expr, $($arg:tt)+) => { $crate::log!($logger, $crate::Level::DEBUG, $($arg)+) };
}

/// Logs at INFO; see [`log!`].
///
/// ```
/// loglisten::info!(loglisten::get_logger("doc"), "ready");
/// ```
#[macro_export]
macro_rules! info {
    ($logger:expr, $($arg:tt)+) => { $crate::log!($logger, $crate::Level::INFO, $($arg)+) };
}

/// Logs at WARNING; see [`log!`].
///
/// ```
/// loglisten::warning!(loglisten::get_logger("doc"), "disk at {}%", 91);
/// ```
#[macro_export]
macro_rules! warning {
    ($logger:expr, $($arg:tt)+) => { $crate::log!($logger, $crate::Level::WARNING, $($arg)+) };
}

/// Logs at ERROR; see [`log!`].
///
/// ```
/// loglisten::error!(loglisten::get_logger("doc"), "failed");
/// ```
#[macro_export]
macro_rules! error {
    ($logger:expr, $($arg:tt)+) => { $crate::log!($logger, $crate::Level::ERROR, $($arg)+) };
}

/// Logs at CRITICAL; see [`log!`].
///
/// ```
/// loglisten::critical!(loglisten::get_logger("doc"), "down");
/// ```
#[macro_export]
macro_rules! critical {
    ($logger:expr, $($arg:tt)+) => { $crate::log!($logger, $crate::Level::CRITICAL, $($arg)+) };
}

#[cfg(test)]
mod tests {
    use crate::handler::{SharedBuffer, StreamHandler};
    use crate::{Formatter, Level, Registry, SharedHandler};

    #[test]
    fn every_route_of_a_call_keeps_fields_errors_and_location() {
        let registry = Registry::new();
        let log = registry.get_logger("t.routes");
        log.set_level(Level::INFO);
        let buffer = SharedBuffer::new();
        let format = "%(levelname)s %(user)s %(lineno)d %(funcName)s %(message)s";
        let formatter = Formatter::builder()
            .fmt(format)
            .default_value("user", "-")
            .build()
            .unwrap();
        log.add_handler(
            SharedHandler::builder(StreamHandler::new(buffer.clone()))
                .formatter(formatter)
                .build(),
        );
        let e = std::io::Error::other("disk full");
        let line = line!() + 1;
        crate::info!(log, "plain {}", 1);
        crate::warning!(log, user = "bob"; "own field");
        crate::error!(log, error = &e, "failed");
        let bare = log.with_fields(Vec::<(String, i64)>::new());
        crate::info!(bare, "adapter without fields");
        let tagged = log.with_fields([("user", "ada")]);
        crate::info!(tagged, "adapter");
        crate::info!(tagged, user = "eve"; "call wins");
        crate::debug!(tagged, "below the level");
        let f = "every_route_of_a_call_keeps_fields_errors_and_location";
        let expected = [
            format!("INFO - {} {f} plain 1", line),
            format!("WARNING bob {} {f} own field", line + 1),
            format!("ERROR - {} {f} failed\nError: disk full", line + 2),
            format!("INFO - {} {f} adapter without fields", line + 4),
            format!("INFO ada {} {f} adapter", line + 6),
            format!("INFO eve {} {f} call wins", line + 7),
        ];
        assert_eq!(buffer.text(), expected.join("\n") + "\n");
    }
}
