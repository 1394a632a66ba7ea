//! The class names and `()` factories an application registered with a
//! registry: all a configuration can reach besides the standard classes.

use crate::filter::Filter;
use crate::format::Formatter;
use crate::handler::Handler;
use crate::json::Map;
use std::sync::Arc;

/// Builds a handler from an entry's keyword arguments.
pub(crate) type HandlerFactory =
    Arc<dyn Fn(&Map) -> Result<Box<dyn Handler>, String> + Send + Sync>;
/// Builds a filter from an entry's keyword arguments.
pub(crate) type FilterFactory = Arc<dyn Fn(&Map) -> Result<Arc<dyn Filter>, String> + Send + Sync>;
/// Builds a formatter from an entry's keyword arguments.
pub(crate) type FormatterFactory = Arc<dyn Fn(&Map) -> Result<Formatter, String> + Send + Sync>;

/// Makes a queue handler's queue from its `queue` entry's other keys:
/// its `maxsize` (0 is unbounded).
#[cfg(feature = "queue-handler")]
pub(crate) type QueueFactory = Arc<dyn Fn(&Map) -> Result<usize, String> + Send + Sync>;

/// Registered factories by name; a name registered again replaces.
#[derive(Clone, Default)]
pub(crate) struct Factories {
    pub handlers: Vec<(String, HandlerFactory)>,
    pub filters: Vec<(String, FilterFactory)>,
    pub formatters: Vec<(String, FormatterFactory)>,
    #[cfg(feature = "queue-handler")]
    pub queues: Vec<(String, QueueFactory)>,
}

impl std::fmt::Debug for Factories {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Factories");
        d.field("handlers", &names(&self.handlers))
            .field("filters", &names(&self.filters))
            .field("formatters", &names(&self.formatters));
        #[cfg(feature = "queue-handler")]
        d.field("queues", &names(&self.queues));
        d.finish()
    }
}

fn names<T>(list: &[(String, T)]) -> Vec<&str> {
    list.iter().map(|(n, _)| n.as_str()).collect()
}

/// Puts `value` under `name`, replacing an earlier one.
pub(crate) fn put<T>(list: &mut Vec<(String, T)>, name: &str, value: T) {
    list.retain(|(n, _)| n != name);
    list.push((name.to_string(), value));
}

/// The factory registered under `name`.
pub(crate) fn find<T: Clone>(list: &[(String, T)], name: &str) -> Option<T> {
    list.iter().find(|(n, _)| n == name).map(|(_, f)| f.clone())
}
