//! Class names to constructors: the standard handlers by their Python
//! names, and the factories an application registers. Nothing else is
//! ever resolved: no import, no eval.

use super::{ConfigError, HandlerSpec, Place};
use crate::filter::Filter;
use crate::format::Formatter;
use crate::handler::{
    FileHandler, FileSettings, Handler, MemoryHandler, MemorySettings, NullHandler, QueueHandler,
    QueueSettings, RotatingFileHandler, RotatingSettings, SharedHandler, StreamHandler,
    SysLogHandler, SysLogSettings, TimedRotatingFileHandler, TimedSettings, WatchedFileHandler,
};
use crate::json::{Map, Value};
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};

type HandlerFactory = Arc<dyn Fn(&Map) -> Result<Box<dyn Handler>, String> + Send + Sync>;
type FilterFactory = Arc<dyn Fn(&Map) -> Result<Arc<dyn Filter>, String> + Send + Sync>;
type FormatterFactory = Arc<dyn Fn(&Map) -> Result<Formatter, String> + Send + Sync>;

#[derive(Default)]
struct Factories {
    handlers: Vec<(String, HandlerFactory)>,
    filters: Vec<(String, FilterFactory)>,
    formatters: Vec<(String, FormatterFactory)>,
}

static FACTORIES: Mutex<Factories> = Mutex::new(Factories {
    handlers: Vec::new(),
    filters: Vec::new(),
    formatters: Vec::new(),
});

fn factories() -> MutexGuard<'static, Factories> {
    FACTORIES.lock().unwrap_or_else(|e| e.into_inner())
}

fn put<T>(list: &mut Vec<(String, T)>, name: &str, value: T) {
    list.retain(|(n, _)| n != name);
    list.push((name.to_string(), value));
}

/// Registers a handler class or `()` factory under `name`: a config that
/// names it (`"class": "myapp.AuditHandler"` or `"()": "..."`) calls
/// `factory` with the entry's other keys as keyword arguments. Configs can
/// reach only the standard handlers and what is registered.
///
/// ```
/// use loglisten::{handler::NullHandler, register_handler, Handler};
/// register_handler("myapp.Quiet", |_kwargs| Ok(Box::new(NullHandler) as Box<dyn Handler>));
/// loglisten::dict_config_str(r#"{"version": 1, "incremental": false,
///     "handlers": {"q": {"class": "myapp.Quiet"}}, "root": {"handlers": ["q"]}}"#).unwrap();
/// # loglisten::dict_config_str(r#"{"version": 1, "root": {"handlers": []}}"#).unwrap();
/// ```
pub fn register_handler(
    name: &str,
    factory: impl Fn(&Map) -> Result<Box<dyn Handler>, String> + Send + Sync + 'static,
) {
    put(&mut factories().handlers, name, Arc::new(factory));
}

/// Registers a filter factory under `name` (for `"()": name` in a filter).
///
/// ```
/// use loglisten::{register_filter, Filter, NameFilter};
/// use std::sync::Arc;
/// register_filter("myapp.only", |kwargs| {
///     let name = kwargs.get("prefix").and_then(|v| v.as_str()).unwrap_or("");
///     Ok(Arc::new(NameFilter::new(name)) as Arc<dyn Filter>)
/// });
/// ```
pub fn register_filter(
    name: &str,
    factory: impl Fn(&Map) -> Result<Arc<dyn Filter>, String> + Send + Sync + 'static,
) {
    put(&mut factories().filters, name, Arc::new(factory));
}

/// Registers a formatter class or factory under `name` (for `"()"` or
/// `"class"` in a formatter; a class receives `format`, `datefmt`,
/// `style`, `validate` and `defaults` as given).
///
/// ```
/// use loglisten::{register_formatter, Formatter};
/// register_formatter("myapp.Plain", |_kwargs| Ok(Formatter::default()));
/// ```
pub fn register_formatter(
    name: &str,
    factory: impl Fn(&Map) -> Result<Formatter, String> + Send + Sync + 'static,
) {
    put(&mut factories().formatters, name, Arc::new(factory));
}

fn unknown(kind: &str, name: &str) -> String {
    format!(
        "unknown {kind} '{name}': not a standard {kind} and not registered (nothing is imported)"
    )
}

pub(crate) fn custom_formatter(
    name: &str,
    kwargs: &Map,
    place: Place,
) -> Result<Formatter, ConfigError> {
    let factory = factories()
        .formatters
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, f)| Arc::clone(f));
    let factory = factory.ok_or_else(|| place.error("", unknown("formatter class", name)))?;
    factory(kwargs).map_err(|e| place.error("", e))
}

pub(crate) fn custom_filter(
    name: &str,
    kwargs: &Map,
    place: Place,
) -> Result<Arc<dyn Filter>, ConfigError> {
    let factory = factories()
        .filters
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, f)| Arc::clone(f));
    let factory = factory.ok_or_else(|| place.error("", unknown("filter factory", name)))?;
    factory(kwargs).map_err(|e| place.error("", e))
}

/// A handler whose settings were checked, ready to be opened: plain data,
/// one variant per class, so opening is one `match` rather than a boxed
/// closure per class.
pub(crate) enum Opener {
    Null,
    Stream(StreamHandler),
    File(FileSettings),
    Watched(FileSettings),
    Rotating(RotatingSettings),
    Timed(TimedSettings),
    Memory(MemorySettings, Option<String>),
    Queue(super::queue::QueuePlan),
    SysLog(SysLogSettings),
    #[cfg(feature = "net-handlers")]
    Socket(crate::handler::SocketSettings),
    #[cfg(feature = "net-handlers")]
    Datagram(crate::handler::SocketSettings),
    #[cfg(feature = "net-handlers")]
    Http(crate::handler::HttpSettings),
    #[cfg(feature = "net-handlers")]
    Smtp(crate::handler::SmtpSettings),
    Custom(HandlerFactory, Map),
}

impl Opener {
    /// The handlers this one needs opened first (a memory handler's
    /// target, a queue handler's handlers).
    pub fn targets(&self) -> Vec<&str> {
        match self {
            Opener::Memory(_, target) => target.as_deref().into_iter().collect(),
            Opener::Queue(plan) => plan.handlers.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// Constructs the handler (opening files, binding sockets), given the
    /// handlers [`targets`](Self::targets) named, in that order.
    pub fn open(self, targets: Vec<SharedHandler>) -> io::Result<Box<dyn Handler>> {
        Ok(match self {
            Opener::Null => Box::new(NullHandler),
            Opener::Stream(handler) => Box::new(handler),
            Opener::File(settings) => Box::new(FileHandler::open(settings)?),
            Opener::Watched(settings) => Box::new(WatchedFileHandler::open(settings)?),
            Opener::Rotating(settings) => Box::new(RotatingFileHandler::open(settings)?),
            Opener::Timed(settings) => Box::new(TimedRotatingFileHandler::open(settings)?),
            Opener::Memory(settings, _) => {
                let mut handler = MemoryHandler::new(settings);
                handler.set_target(targets.into_iter().next());
                Box::new(handler)
            }
            Opener::Queue(plan) => Box::new(QueueHandler::unstarted(QueueSettings {
                maxsize: plan.maxsize,
                handlers: targets,
                respect_handler_level: plan.respect_handler_level,
            })),
            Opener::SysLog(settings) => Box::new(SysLogHandler::new(settings)?),
            #[cfg(feature = "net-handlers")]
            Opener::Socket(settings) => Box::new(crate::handler::SocketHandler::new(settings)),
            #[cfg(feature = "net-handlers")]
            Opener::Datagram(settings) => Box::new(crate::handler::DatagramHandler::new(settings)),
            #[cfg(feature = "net-handlers")]
            Opener::Http(settings) => Box::new(crate::handler::HttpHandler::new(settings)?),
            #[cfg(feature = "net-handlers")]
            Opener::Smtp(settings) => Box::new(crate::handler::SmtpHandler::new(settings)),
            Opener::Custom(factory, kwargs) => factory(&kwargs).map_err(io::Error::other)?,
        })
    }
}

/// The standard class `name` as CPython's fileConfig would resolve it
/// (`StreamHandler`, `handlers.X`, `logging.X`, `logging.handlers.X`),
/// as its full dotted name; `None` when it is not a standard handler.
pub(crate) fn standard_class(name: &str) -> Option<&'static str> {
    let short = name
        .strip_prefix("logging.handlers.")
        .or_else(|| name.strip_prefix("handlers."))
        .map(|s| (s, true))
        .or_else(|| name.strip_prefix("logging.").map(|s| (s, false)))
        .unwrap_or((name, false));
    Some(match short {
        ("StreamHandler", _) => "logging.StreamHandler",
        ("FileHandler", _) => "logging.FileHandler",
        ("NullHandler", _) => "logging.NullHandler",
        ("RotatingFileHandler", true) => "logging.handlers.RotatingFileHandler",
        ("TimedRotatingFileHandler", true) => "logging.handlers.TimedRotatingFileHandler",
        ("WatchedFileHandler", true) => "logging.handlers.WatchedFileHandler",
        ("MemoryHandler", true) => "logging.handlers.MemoryHandler",
        ("SysLogHandler", true) => "logging.handlers.SysLogHandler",
        ("QueueHandler", true) => "logging.handlers.QueueHandler",
        ("SocketHandler", true) => "logging.handlers.SocketHandler",
        ("DatagramHandler", true) => "logging.handlers.DatagramHandler",
        ("HTTPHandler", true) => "logging.handlers.HTTPHandler",
        ("SMTPHandler", true) => "logging.handlers.SMTPHandler",
        _ => return None,
    })
}

/// The constructor parameters of a standard class, in CPython's order, for
/// mapping fileConfig's positional `args`.
pub(crate) fn parameters(class: &str) -> &'static [&'static str] {
    match class {
        "logging.StreamHandler" => &["stream"],
        "logging.FileHandler" | "logging.handlers.WatchedFileHandler" => {
            &["filename", "mode", "encoding", "delay", "errors"]
        }
        "logging.handlers.RotatingFileHandler" => &[
            "filename",
            "mode",
            "maxBytes",
            "backupCount",
            "encoding",
            "delay",
            "errors",
        ],
        "logging.handlers.TimedRotatingFileHandler" => &[
            "filename",
            "when",
            "interval",
            "backupCount",
            "encoding",
            "delay",
            "utc",
            "atTime",
            "errors",
        ],
        "logging.handlers.MemoryHandler" => &["capacity", "flushLevel", "target", "flushOnClose"],
        "logging.handlers.SysLogHandler" => &["address", "facility", "socktype"],
        // CPython 3.12's dictConfig passes these to the handler and its
        // listener.
        "logging.handlers.QueueHandler" => {
            &["queue", "handlers", "respect_handler_level", "listener"]
        }
        "logging.handlers.SocketHandler" | "logging.handlers.DatagramHandler" => &["host", "port"],
        "logging.handlers.HTTPHandler" => {
            &["host", "url", "method", "secure", "credentials", "context"]
        }
        "logging.handlers.SMTPHandler" => &[
            "mailhost",
            "fromaddr",
            "toaddrs",
            "subject",
            "credentials",
            "secure",
            "timeout",
        ],
        _ => &[],
    }
}

/// The handlers an entry names as targets: a memory handler's `target`,
/// a queue handler's `handlers`; with the key and CPython's message for a
/// missing one.
pub(crate) fn handler_references<'a>(
    class: &str,
    kwargs: &'a Map,
) -> Vec<(&'static str, &'a str, &'static str)> {
    match standard_class(class) {
        Some("logging.handlers.MemoryHandler") => kwargs
            .get("target")
            .and_then(Value::as_str)
            .map(|t| ("target", t, "Unable to set target handler"))
            .into_iter()
            .collect(),
        Some("logging.handlers.QueueHandler") => match kwargs.get("handlers") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(|h| ("handlers", h, "Unable to set required handler"))
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Checks a handler entry and returns how to open it.
pub(crate) fn prepare(spec: &HandlerSpec, place: Place) -> Result<Opener, ConfigError> {
    let (class, kwargs) = (spec.class.as_str(), &spec.kwargs);
    if let Some(class) = standard_class(class) {
        let args = Kwargs::new(kwargs, place, parameters(class))?;
        let props = Kwargs {
            map: &spec.props,
            place,
        };
        return super::standard::prepare(class, args, props);
    }
    if !spec.props.is_empty() {
        let message = "'.' attributes can be set on standard handlers only";
        return Err(place.error(".", message));
    }
    let factory = factories()
        .handlers
        .iter()
        .find(|(n, _)| n == class)
        .map(|(_, f)| Arc::clone(f));
    let Some(factory) = factory else {
        return Err(place.error("class", unknown("handler class", class)));
    };
    Ok(Opener::Custom(factory, kwargs.clone()))
}

/// Typed access to a standard handler's keyword arguments, with CPython's
/// errors for unknown keywords.
pub(crate) struct Kwargs<'a> {
    pub(crate) map: &'a Map,
    pub(crate) place: Place<'a>,
}

impl<'a> Kwargs<'a> {
    fn new(map: &'a Map, place: Place<'a>, known: &[&str]) -> Result<Kwargs<'a>, ConfigError> {
        for (key, _) in map.iter() {
            // dictConfig passes `strm` for `stream` on old signatures.
            if !(known.contains(&key) || key == "strm" && known.contains(&"stream")) {
                return Err(place.error(
                    key,
                    format!("__init__() got an unexpected keyword argument '{key}'"),
                ));
            }
        }
        Ok(Kwargs { map, place })
    }

    pub fn error(&self, key: &str, message: impl Into<String>) -> ConfigError {
        self.place.error(key, message)
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, ConfigError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.error(key, "must be a string")),
        }
    }

    pub fn required_string(&self, key: &str) -> Result<String, ConfigError> {
        self.string(key)?.ok_or_else(|| {
            self.error(
                key,
                format!("__init__() missing 1 required positional argument: '{key}'"),
            )
        })
    }

    pub fn int(&self, key: &str, default: i64) -> Result<i64, ConfigError> {
        match self.get(key) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(i64::from(*b)),
            Some(v) => v
                .as_i64()
                .ok_or_else(|| self.error(key, "must be an integer")),
        }
    }

    pub fn bool(&self, key: &str, default: bool) -> Result<bool, ConfigError> {
        match self.get(key) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => v
                .as_i64()
                .map(|i| i != 0)
                .ok_or_else(|| self.error(key, "must be true or false")),
        }
    }
}
