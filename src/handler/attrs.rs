//! A record as the dict of attributes CPython's network handlers send:
//! `LogRecord.__dict__` in its order, with `msg` the rendered message and
//! the error's text as `exc_text`.

use crate::record::Record;
use std::borrow::Cow;

/// One attribute value, as the Python type it becomes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Attr<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Float(f64),
    None,
}

/// How many attributes [`record_dict`] gives.
pub(crate) const COUNT: usize = 20;

/// `SocketHandler.makePickle`'s dict: `LogRecord.__dict__` with `msg` the
/// message (`getMessage()`), `args` and `exc_info` None, and `exc_text`
/// the error rendered as a formatter would render it.
pub(crate) fn record_dict<'a>(record: &'a Record<'_>) -> [(&'static str, Attr<'a>); COUNT] {
    let text = |s: &'a str| Attr::Str(Cow::Borrowed(s));
    let exc_text = match record.error_text() {
        Some(t) => Attr::Str(Cow::Owned(t.into_owned())),
        None => Attr::None,
    };
    [
        ("name", text(record.name())),
        ("msg", text(record.message())),
        ("args", Attr::None),
        ("levelname", Attr::Str(record.level_name())),
        ("levelno", Attr::Int(i64::from(record.level().0))),
        ("pathname", text(record.pathname())),
        ("filename", text(record.filename())),
        ("module", text(record.module())),
        ("exc_info", Attr::None),
        ("exc_text", exc_text),
        ("stack_info", Attr::None),
        ("lineno", Attr::Int(i64::from(record.lineno()))),
        ("funcName", text(record.func_name())),
        ("created", Attr::Float(record.created())),
        ("msecs", Attr::Float(record.msecs())),
        ("relativeCreated", Attr::Float(record.relative_created())),
        // A u64 thread id above i64::MAX does not occur (ids count up).
        ("thread", Attr::Int(record.thread() as i64)),
        ("threadName", text(record.thread_name())),
        ("processName", text("MainProcess")),
        ("process", Attr::Int(i64::from(record.process()))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Level;

    #[test]
    fn the_dict_has_cpython_keys_in_order() {
        let record = Record::new("app", Level::WARNING, "hi");
        let dict = record_dict(&record);
        let keys: Vec<&str> = dict.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys.join(" "),
            "name msg args levelname levelno pathname filename module exc_info exc_text \
             stack_info lineno funcName created msecs relativeCreated thread threadName \
             processName process"
        );
        assert_eq!(dict[1].1, Attr::Str("hi".into()));
        assert_eq!(dict[3].1, Attr::Str("WARNING".into()));
        assert_eq!(dict[4].1, Attr::Int(30));
        assert_eq!(dict[9].1, Attr::None);
    }
}
