//! The record attributes a format can name, with the Python type each one
//! has in a `LogRecord`'s `__dict__`.

use crate::record::Record;
use std::borrow::Cow;

/// A `LogRecord` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Attr {
    Asctime,
    Created,
    Msecs,
    RelativeCreated,
    LevelName,
    LevelNo,
    Name,
    Message,
    Msg,
    Args,
    Thread,
    ThreadName,
    Process,
    ProcessName,
    Module,
    Filename,
    Pathname,
    Lineno,
    FuncName,
    ExcInfo,
    ExcText,
    StackInfo,
    TaskName,
}

/// The Python type of a value, which decides what a conversion may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Str,
    Int,
    Float,
    None,
    Tuple,
}

impl Kind {
    /// Python's type name, as error messages print it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Str => "str",
            Kind::Int => "int",
            Kind::Float => "float",
            Kind::None => "NoneType",
            Kind::Tuple => "tuple",
        }
    }
}

/// One value to format.
#[derive(Debug)]
pub(crate) enum Value<'a> {
    Str(Cow<'a, str>),
    Int(i128),
    Float(f64),
    None,
    Tuple,
}

impl Attr {
    /// The attribute called `name` in Python, if a record has one.
    pub(crate) fn from_name(name: &str) -> Option<Attr> {
        Some(match name {
            "asctime" => Attr::Asctime,
            "created" => Attr::Created,
            "msecs" => Attr::Msecs,
            "relativeCreated" => Attr::RelativeCreated,
            "levelname" => Attr::LevelName,
            "levelno" => Attr::LevelNo,
            "name" => Attr::Name,
            "message" => Attr::Message,
            "msg" => Attr::Msg,
            "args" => Attr::Args,
            "thread" => Attr::Thread,
            "threadName" => Attr::ThreadName,
            "process" => Attr::Process,
            "processName" => Attr::ProcessName,
            "module" => Attr::Module,
            "filename" => Attr::Filename,
            "pathname" => Attr::Pathname,
            "lineno" => Attr::Lineno,
            "funcName" => Attr::FuncName,
            "exc_info" => Attr::ExcInfo,
            "exc_text" => Attr::ExcText,
            "stack_info" => Attr::StackInfo,
            "taskName" => Attr::TaskName,
            _ => return None,
        })
    }

    /// The Python type this attribute always has.
    pub(crate) fn kind(self) -> Kind {
        match self {
            Attr::Created | Attr::Msecs | Attr::RelativeCreated => Kind::Float,
            Attr::LevelNo | Attr::Thread | Attr::Process | Attr::Lineno => Kind::Int,
            Attr::ExcInfo | Attr::ExcText | Attr::StackInfo | Attr::TaskName => Kind::None,
            Attr::Args => Kind::Tuple,
            _ => Kind::Str,
        }
    }

    /// The attribute's value on `record`; `asctime` is the formatted time.
    pub(crate) fn value<'a>(self, record: &'a Record<'_>, asctime: &'a str) -> Value<'a> {
        match self {
            Attr::Asctime => Value::Str(Cow::Borrowed(asctime)),
            Attr::Created => Value::Float(record.created()),
            Attr::Msecs => Value::Float(record.msecs()),
            Attr::RelativeCreated => Value::Float(record.relative_created()),
            Attr::LevelName => Value::Str(record.level_name()),
            Attr::LevelNo => Value::Int(i128::from(record.level().0)),
            Attr::Name => Value::Str(Cow::Borrowed(record.name())),
            Attr::Message | Attr::Msg => Value::Str(Cow::Borrowed(record.message())),
            Attr::Args => Value::Tuple,
            Attr::Thread => Value::Int(i128::from(record.thread())),
            Attr::ThreadName => Value::Str(Cow::Borrowed(record.thread_name())),
            Attr::Process => Value::Int(i128::from(record.process())),
            Attr::ProcessName => Value::Str(Cow::Borrowed("MainProcess")),
            Attr::Module => Value::Str(Cow::Borrowed(record.module())),
            Attr::Filename => Value::Str(Cow::Borrowed(record.filename())),
            Attr::Pathname => Value::Str(Cow::Borrowed(record.pathname())),
            Attr::Lineno => Value::Int(i128::from(record.lineno())),
            Attr::FuncName => Value::Str(Cow::Borrowed(record.func_name())),
            Attr::StackInfo => match record.stack_info() {
                Some(stack) => Value::Str(Cow::Borrowed(stack)),
                None => Value::None,
            },
            Attr::ExcInfo | Attr::ExcText | Attr::TaskName => Value::None,
        }
    }
}

/// Where a format field's value comes from: a record attribute, or an
/// extra field of the record with, as fallback, the formatter's `default`.
#[derive(Debug)]
pub(crate) enum Source<'d> {
    Attr(Attr),
    Field(&'d str, Option<&'d str>),
}

/// Looks `name` up as Python's `defaults | record.__dict__` would: any
/// other name is an extra field, looked up on each record.
pub(crate) fn lookup<'d>(name: &'d str, defaults: &'d [(String, String)]) -> Option<Source<'d>> {
    if let Some(attr) = Attr::from_name(name) {
        return Some(Source::Attr(attr));
    }
    let default = defaults
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str());
    Some(Source::Field(name, default))
}

/// CPython's message for a field missing from the record and the defaults
/// (`KeyError` turned into `ValueError` by the style's `format`).
pub(crate) fn not_found(name: &str) -> String {
    let mut text = String::from("Formatting field not found in record: ");
    super::number::push_str_repr(name, false, &mut text);
    text
}

#[cfg(test)]
mod tests {
    use super::Attr;

    #[test]
    fn from_name_knows_every_attribute_and_nothing_else() {
        let known = [
            ("asctime", Attr::Asctime),
            ("created", Attr::Created),
            ("msecs", Attr::Msecs),
            ("relativeCreated", Attr::RelativeCreated),
            ("levelname", Attr::LevelName),
            ("levelno", Attr::LevelNo),
            ("name", Attr::Name),
            ("message", Attr::Message),
            ("msg", Attr::Msg),
            ("args", Attr::Args),
            ("thread", Attr::Thread),
            ("threadName", Attr::ThreadName),
            ("process", Attr::Process),
            ("processName", Attr::ProcessName),
            ("module", Attr::Module),
            ("filename", Attr::Filename),
            ("pathname", Attr::Pathname),
            ("lineno", Attr::Lineno),
            ("funcName", Attr::FuncName),
            ("exc_info", Attr::ExcInfo),
            ("exc_text", Attr::ExcText),
            ("stack_info", Attr::StackInfo),
            ("taskName", Attr::TaskName),
        ];
        for (name, attr) in known {
            assert_eq!(Attr::from_name(name), Some(attr), "{name}");
        }
        for name in [
            "",
            "Name",
            "names",
            "nam",
            "levelName",
            "x",
            "é",
            "message ",
        ] {
            assert_eq!(Attr::from_name(name), None, "{name}");
        }
    }
}
