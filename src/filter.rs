//! Filters: decide per record whether a logger or handler goes on with it.

use crate::record::Record;
use std::fmt;

/// A filter attached to a logger or a handler, like Python's `Filter`:
/// return `false` to drop the record there. Implement it for your own.
///
/// ```
/// use loglisten::{Filter, Level, Record};
/// #[derive(Debug)]
/// struct NoHealthChecks;
/// impl Filter for NoHealthChecks {
///     fn filter(&self, record: &Record) -> bool {
///         !record.message().contains("/health")
///     }
/// }
/// let r = Record::new("http", Level::INFO, "GET /health");
/// assert!(!NoHealthChecks.filter(&r));
/// ```
pub trait Filter: Send + Sync + fmt::Debug {
    /// Whether the record passes.
    fn filter(&self, record: &Record) -> bool;
}

/// Python's `logging.Filter(name)`: passes records of the logger `name`
/// and its descendants (`A.B` passes `A.B` and `A.B.C`, not `A.BB`); the
/// empty name passes everything.
///
/// ```
/// use loglisten::{Filter, Level, NameFilter, Record};
/// let f = NameFilter::new("A.B");
/// let passes = |name| f.filter(&Record::new(name, Level::INFO, ""));
/// assert!(passes("A.B") && passes("A.B.C"));
/// assert!(!passes("A.BB") && !passes("A"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameFilter {
    name: String,
}

impl NameFilter {
    /// A filter for logger `name` and its children.
    pub fn new(name: &str) -> NameFilter {
        NameFilter {
            name: name.to_string(),
        }
    }

    /// The name this filter passes.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Filter for NameFilter {
    fn filter(&self, record: &Record) -> bool {
        let name = record.name();
        match name.strip_prefix(self.name.as_str()) {
            _ if self.name.is_empty() => true,
            Some(rest) => rest.is_empty() || rest.starts_with('.'),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Level;

    #[test]
    fn name_filter_table() {
        let cases = [
            ("", "anything", true),
            ("a", "a", true),
            ("a", "a.b", true),
            ("a", "ab", false),
            ("a.b", "a", false),
            ("a.b", "a.b.c.d", true),
            ("a.b", "a.bc", false),
            ("a.b", "x.a.b", false),
        ];
        for (filter, name, expected) in cases {
            let r = Record::new(name, Level::INFO, "");
            assert_eq!(
                NameFilter::new(filter).filter(&r),
                expected,
                "{filter} vs {name}"
            );
        }
    }
}
