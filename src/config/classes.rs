//! Class names to constructors: the standard handlers by their Python
//! names, and the factories an application registers with a registry.
//! Nothing else is ever resolved: no import, no eval.

use super::error::ConfigError;
use super::model::{HandlerSpec, Place};
use super::opener::{Kwargs, Opener};
use crate::filter::Filter;
use crate::format::Formatter;
use crate::handler::Handler;
use crate::json::{Map, Value};
use crate::registry::factories::{find, put, Factories};
use crate::registry::Registry;
use std::sync::Arc;

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
    Registry::global().register_handler(name, factory);
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
    Registry::global().register_filter(name, factory);
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
    Registry::global().register_formatter(name, factory);
}

fn unknown(kind: &str, name: &str) -> String {
    format!(
        "unknown {kind} '{name}': not a standard {kind} and not registered (nothing is imported)"
    )
}

pub(crate) fn custom_formatter(
    factories: &Factories,
    name: &str,
    kwargs: &Map,
    place: Place,
) -> Result<Formatter, ConfigError> {
    let Some(factory) = find(&factories.formatters, name) else {
        // Built in: python-json-logger's JSON formatter, unless replaced.
        if crate::format::json::CLASS_NAMES.contains(&name) {
            return crate::format::json::from_kwargs(kwargs).map_err(|e| place.error("", e));
        }
        return Err(place.error("", unknown("formatter class", name)));
    };
    factory(kwargs).map_err(|e| place.error("", e))
}

pub(crate) fn custom_filter(
    factories: &Factories,
    name: &str,
    kwargs: &Map,
    place: Place,
) -> Result<Arc<dyn Filter>, ConfigError> {
    let factory = find(&factories.filters, name);
    let factory = factory.ok_or_else(|| place.error("", unknown("filter factory", name)))?;
    factory(kwargs).map_err(|e| place.error("", e))
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
        // Left out of the build, the class is refused when prepared.
        #[cfg(feature = "queue-handler")]
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
pub(crate) fn prepare(
    factories: &Factories,
    spec: &HandlerSpec,
    place: Place,
) -> Result<Opener, ConfigError> {
    let (class, kwargs) = (spec.class.as_str(), &spec.kwargs);
    if let Some(class) = standard_class(class) {
        let args = Kwargs::new(kwargs, place, parameters(class))?;
        let props = Kwargs {
            map: &spec.props,
            place,
        };
        return super::standard::prepare(factories, class, args, props);
    }
    if !spec.props.is_empty() {
        let message = "'.' attributes can be set on standard handlers only";
        return Err(place.error(".", message));
    }
    let factory = find(&factories.handlers, class);
    let Some(factory) = factory else {
        return Err(place.error("class", unknown("handler class", class)));
    };
    Ok(Opener::Custom(factory, kwargs.clone()))
}

/// Registering factories with a registry: what its configurations may
/// name besides the standard classes.
impl Registry {
    /// Registers a handler class or `()` factory with this registry (see
    /// [`register_handler`]).
    ///
    /// ```
    /// use loglisten::{handler::NullHandler, Handler, Registry};
    /// let registry = Registry::new();
    /// registry.register_handler("myapp.Quiet", |_| Ok(Box::new(NullHandler) as Box<dyn Handler>));
    /// registry.dict_config_str(r#"{"version": 1,
    ///     "handlers": {"q": {"class": "myapp.Quiet"}}, "root": {"handlers": ["q"]}}"#).unwrap();
    /// // Another registry does not know the name.
    /// assert!(Registry::new().check_config(br#"{"version": 1,
    ///     "handlers": {"q": {"class": "myapp.Quiet"}}}"#).is_err());
    /// ```
    pub fn register_handler(
        &self,
        name: &str,
        factory: impl Fn(&Map) -> Result<Box<dyn Handler>, String> + Send + Sync + 'static,
    ) {
        put(&mut self.core.factories().handlers, name, Arc::new(factory));
    }

    /// Registers a filter factory with this registry (see
    /// [`register_filter`]).
    ///
    /// ```
    /// use loglisten::{Filter, NameFilter, Registry};
    /// use std::sync::Arc;
    /// let registry = Registry::new();
    /// registry.register_filter("myapp.none", |_| Ok(Arc::new(NameFilter::new("x")) as Arc<dyn Filter>));
    /// registry.dict_config_str(r#"{"version": 1, "filters": {"f": {"()": "myapp.none"}}}"#).unwrap();
    /// ```
    pub fn register_filter(
        &self,
        name: &str,
        factory: impl Fn(&Map) -> Result<Arc<dyn Filter>, String> + Send + Sync + 'static,
    ) {
        put(&mut self.core.factories().filters, name, Arc::new(factory));
    }

    /// Registers a formatter class or factory with this registry (see
    /// [`register_formatter`]).
    ///
    /// ```
    /// use loglisten::{Formatter, Registry};
    /// let registry = Registry::new();
    /// registry.register_formatter("myapp.Plain", |_| Ok(Formatter::default()));
    /// registry.dict_config_str(r#"{"version": 1, "formatters": {"p": {"()": "myapp.Plain"}}}"#).unwrap();
    /// ```
    pub fn register_formatter(
        &self,
        name: &str,
        factory: impl Fn(&Map) -> Result<Formatter, String> + Send + Sync + 'static,
    ) {
        put(
            &mut self.core.factories().formatters,
            name,
            Arc::new(factory),
        );
    }
}
