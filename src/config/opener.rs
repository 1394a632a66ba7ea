//! What a checked handler entry becomes: plain data ready to open, and
//! typed access to an entry's keyword arguments. A leaf shared by
//! [`classes`](super::classes) and [`standard`](super::standard).

use super::error::ConfigError;
use super::model::Place;
use crate::handler::{
    FileHandler, FileSettings, Handler, MemoryHandler, MemorySettings, NullHandler,
    RotatingFileHandler, RotatingSettings, SharedHandler, SharedHandlerBuilder, StreamHandler,
    SysLogHandler, SysLogSettings, TimedRotatingFileHandler, TimedSettings, WatchedFileHandler,
};
use crate::json::{Map, Value};
use crate::registry::factories::HandlerFactory;
use std::io;

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
    #[cfg(feature = "queue-handler")]
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
            #[cfg(feature = "queue-handler")]
            Opener::Queue(plan) => plan.handlers.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// Constructs the handler (opening files, binding sockets), given the
    /// handlers [`targets`](Self::targets) named, in that order. A memory
    /// handler gets [`SharedHandler`]'s delivering core, any other the
    /// locked one.
    pub fn open(self, targets: Vec<SharedHandler>) -> io::Result<SharedHandlerBuilder> {
        let inner: Box<dyn Handler> = match self {
            Opener::Null => Box::new(NullHandler),
            Opener::Stream(handler) => Box::new(handler),
            Opener::File(settings) => Box::new(FileHandler::open(settings)?),
            Opener::Watched(settings) => Box::new(WatchedFileHandler::open(settings)?),
            Opener::Rotating(settings) => Box::new(RotatingFileHandler::open(settings)?),
            Opener::Timed(settings) => Box::new(TimedRotatingFileHandler::open(settings)?),
            Opener::Memory(settings, _) => {
                let mut handler = MemoryHandler::new(settings);
                handler.set_target(targets.into_iter().next());
                return Ok(SharedHandler::builder(handler));
            }
            #[cfg(feature = "queue-handler")]
            Opener::Queue(plan) => Box::new(crate::handler::QueueHandler::unstarted(
                crate::handler::QueueSettings {
                    maxsize: plan.maxsize,
                    handlers: targets,
                    respect_handler_level: plan.respect_handler_level,
                },
            )),
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
        };
        Ok(SharedHandler::builder_boxed(inner))
    }
}

/// Typed access to a standard handler's keyword arguments, with CPython's
/// errors for unknown keywords.
pub(crate) struct Kwargs<'a> {
    pub(crate) map: &'a Map,
    pub(crate) place: Place<'a>,
}

impl<'a> Kwargs<'a> {
    pub(crate) fn new(
        map: &'a Map,
        place: Place<'a>,
        known: &[&str],
    ) -> Result<Kwargs<'a>, ConfigError> {
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
