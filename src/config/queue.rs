//! `logging.handlers.QueueHandler` as CPython 3.12's dictConfig takes it:
//! `queue`, `listener`, `handlers` and `respect_handler_level`.

use super::opener::{Kwargs, Opener};
use super::ConfigError;
use crate::json::{Map, Value};
use crate::registry::factories::{find, put, Factories};
use crate::registry::Registry;
use std::sync::Arc;

/// A queue handler's checked settings; its handlers are opened first.
pub(crate) struct QueuePlan {
    pub maxsize: usize,
    pub respect_handler_level: bool,
    pub handlers: Vec<String>,
}

/// The queues dictConfig may name: the standard library's FIFO queues,
/// which are what the listener drains in order (nothing is imported).
const QUEUES: [&str; 3] = ["queue.Queue", "queue.SimpleQueue", "multiprocessing.Queue"];

pub(crate) fn prepare(args: &Kwargs<'_>, factories: &Factories) -> Result<Opener, ConfigError> {
    let maxsize = match args.get("queue") {
        None => 0,
        Some(Value::String(name)) if QUEUES.contains(&name.as_str()) => 0,
        // CPython calls a callable named by a string with no arguments.
        Some(Value::String(name)) if find(&factories.queues, name).is_some() => {
            registered(args, factories, name, &Map::new())?
        }
        Some(Value::Object(spec)) => queue_spec(args, spec, factories)?,
        Some(other) => return Err(invalid_queue(args, describe(other))),
    };
    match args.get("listener") {
        None => {}
        Some(Value::String(name)) if name == "logging.handlers.QueueListener" => {}
        Some(other) => {
            let message = format!(
                "Invalid listener specifier {}: only logging.handlers.QueueListener",
                describe(other)
            );
            return Err(args.error("listener", message));
        }
    }
    let handlers = match args.get("handlers") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| args.error("handlers", "must be a list of handler names"))?,
        Some(_) => return Err(args.error("handlers", "must be a list of handler names")),
    };
    Ok(Opener::Queue(QueuePlan {
        maxsize,
        respect_handler_level: args.bool("respect_handler_level", false)?,
        handlers,
    }))
}

/// `{"()": "queue.Queue", "maxsize": N}`: Python's `maxsize <= 0` is
/// unbounded. A registered factory gets the other keys.
fn queue_spec(args: &Kwargs<'_>, spec: &Map, factories: &Factories) -> Result<usize, ConfigError> {
    let factory = spec.get("()").and_then(Value::as_str);
    if let Some(name) = factory.filter(|f| find(&factories.queues, f).is_some()) {
        let mut kwargs = Map::new();
        for (key, value) in spec.iter().filter(|(key, _)| *key != "()") {
            kwargs.insert(key.to_string(), value.clone());
        }
        return registered(args, factories, name, &kwargs);
    }
    if !factory.is_some_and(|f| QUEUES.contains(&f)) {
        return Err(invalid_queue(
            args,
            describe(spec.get("()").unwrap_or(&Value::Null)),
        ));
    }
    let mut maxsize = 0;
    for (key, value) in spec.iter() {
        match key {
            "()" => {}
            "maxsize" if factory != Some("queue.SimpleQueue") => {
                let n = value
                    .as_i64()
                    .ok_or_else(|| args.error("queue", "maxsize must be an integer"))?;
                maxsize = usize::try_from(n).unwrap_or(0);
            }
            _ => {
                let message = format!("__init__() got an unexpected keyword argument '{key}'");
                return Err(args.error("queue", message));
            }
        }
    }
    Ok(maxsize)
}

/// Calls the queue factory registered as `name`; its error names it.
fn registered(
    args: &Kwargs<'_>,
    factories: &Factories,
    name: &str,
    kwargs: &Map,
) -> Result<usize, ConfigError> {
    let factory =
        find(&factories.queues, name).ok_or_else(|| invalid_queue(args, format!("'{name}'")))?;
    factory(kwargs).map_err(|e| args.error("queue", format!("queue factory '{name}' failed: {e}")))
}

/// A specifier as the error quotes it: a string in quotes, else its kind
/// (the JSON writer stays out of programs that do not otherwise need it).
fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{s}'"),
        Value::Null => "None".to_string(),
        Value::Bool(_) => "a boolean".to_string(),
        Value::Number(_) => "a number".to_string(),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "a dict".to_string(),
    }
}

fn invalid_queue(args: &Kwargs<'_>, spec: String) -> ConfigError {
    args.error(
        "queue",
        format!(
            "Invalid queue specifier {spec}: only queue.Queue, queue.SimpleQueue, \
             multiprocessing.Queue (optionally as '()' with maxsize) or a queue factory \
             registered with Registry::register_queue"
        ),
    )
}

impl Registry {
    /// Registers a queue factory under `name`, for a `QueueHandler`'s
    /// `queue` given as `{"()": name, ...}` or as the bare name (CPython:
    /// a callable returning a queue). It receives the entry's other keys
    /// and returns the queue's `maxsize` (0: unbounded); an `Err` fails
    /// the configuration with its text. A name registered again replaces.
    ///
    /// ```
    /// use loglisten::Registry;
    /// let registry = Registry::new();
    /// registry.register_queue("myapp.bounded", |kwargs| {
    ///     let size = kwargs.get("size").and_then(|v| v.as_i64()).unwrap_or(1000);
    ///     usize::try_from(size).map_err(|_| format!("size must be positive, not {size}"))
    /// });
    /// registry.dict_config_str(r#"{"version": 1, "handlers": {"q": {
    ///     "class": "logging.handlers.QueueHandler",
    ///     "queue": {"()": "myapp.bounded", "size": 10}}}}"#).unwrap();
    /// let error = registry.dict_config_str(r#"{"version": 1, "handlers": {"q": {
    ///     "class": "logging.handlers.QueueHandler",
    ///     "queue": {"()": "myapp.bounded", "size": -1}}}}"#).unwrap_err();
    /// assert_eq!(error.to_string(),
    ///     "handlers.q.queue: queue factory 'myapp.bounded' failed: size must be positive, not -1");
    /// ```
    pub fn register_queue(
        &self,
        name: &str,
        factory: impl Fn(&Map) -> Result<usize, String> + Send + Sync + 'static,
    ) {
        put(&mut self.core.factories().queues, name, Arc::new(factory));
    }
}
