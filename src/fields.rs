//! Extra fields on a record: Python's `extra={...}`, with values kept as
//! text, integer, float or bool.

use std::borrow::Cow;
use std::fmt;

/// One extra field's value: what a format's `%(name)s` shows and what the
/// JSON formatter writes with its type.
///
/// ```
/// use loglisten::FieldValue;
/// assert_eq!(FieldValue::from(3).to_string(), "3");
/// assert_eq!(FieldValue::from(true).to_string(), "True");
/// assert_eq!(FieldValue::from(0.5).to_string(), "0.5");
/// assert_eq!(FieldValue::from("bob").to_string(), "bob");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue<'a> {
    /// Text (Python `str`).
    Str(Cow<'a, str>),
    /// An integer (Python `int`).
    Int(i128),
    /// A float (Python `float`).
    Float(f64),
    /// A bool (Python `bool`, shown `True`/`False`).
    Bool(bool),
}

impl FieldValue<'_> {
    /// An owned copy, independent of the borrowed data.
    ///
    /// ```
    /// let owned: loglisten::FieldValue<'static> = loglisten::FieldValue::from("x").into_owned();
    /// assert_eq!(owned.to_string(), "x");
    /// ```
    pub fn into_owned(self) -> FieldValue<'static> {
        match self {
            FieldValue::Str(s) => FieldValue::Str(Cow::Owned(s.into_owned())),
            FieldValue::Int(n) => FieldValue::Int(n),
            FieldValue::Float(x) => FieldValue::Float(x),
            FieldValue::Bool(b) => FieldValue::Bool(b),
        }
    }
}

/// Python's `str(value)`.
impl fmt::Display for FieldValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Str(s) => f.write_str(s),
            FieldValue::Int(n) => write!(f, "{n}"),
            FieldValue::Float(x) => {
                let mut text = String::new();
                crate::pyrepr::push_float_repr(*x, &mut text);
                f.write_str(&text)
            }
            FieldValue::Bool(true) => f.write_str("True"),
            FieldValue::Bool(false) => f.write_str("False"),
        }
    }
}

impl<'a> From<&'a str> for FieldValue<'a> {
    fn from(value: &'a str) -> Self {
        FieldValue::Str(Cow::Borrowed(value))
    }
}

impl From<String> for FieldValue<'_> {
    fn from(value: String) -> Self {
        FieldValue::Str(Cow::Owned(value))
    }
}

impl From<bool> for FieldValue<'_> {
    fn from(value: bool) -> Self {
        FieldValue::Bool(value)
    }
}

impl From<f64> for FieldValue<'_> {
    fn from(value: f64) -> Self {
        FieldValue::Float(value)
    }
}

impl From<f32> for FieldValue<'_> {
    fn from(value: f32) -> Self {
        FieldValue::Float(f64::from(value))
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for FieldValue<'_> {
            fn from(value: $t) -> Self {
                FieldValue::Int(i128::from(value))
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl From<isize> for FieldValue<'_> {
    fn from(value: isize) -> Self {
        FieldValue::Int(value as i128)
    }
}

impl From<usize> for FieldValue<'_> {
    fn from(value: usize) -> Self {
        FieldValue::Int(value as i128)
    }
}

/// Writes a field's value with `write` into `text`; if its formatting
/// fails (a `Debug` or `Display` that returns an error), the field shows
/// what CPython's traceback writes for a value whose `repr()` or `str()`
/// raised, `<field repr() failed>` or `<field str() failed>` (`how` is
/// `repr` or `str`), instead of a partial text or a panic.
pub(crate) fn write_or_failed(
    text: &mut String,
    how: &str,
    write: impl FnOnce(&mut String) -> fmt::Result,
) {
    let start = text.len();
    if write(text).is_err() {
        text.truncate(start);
        text.push_str("<field ");
        text.push_str(how);
        text.push_str("() failed>");
    }
}

/// A field's value written with its `Display` (the `log` bridge's
/// key-values), or `<field str() failed>` when that fails.
#[doc(hidden)]
pub fn __display_field(value: &dyn fmt::Display) -> String {
    let mut text = String::new();
    write_or_failed(&mut text, "str", |t| fmt::write(t, format_args!("{value}")));
    text
}

/// A value the logging macros accept after `name =`: borrowed, so the
/// macro never moves the caller's value.
///
/// ```
/// use loglisten::ToField;
/// let name = String::from("ada");
/// assert_eq!(name.to_field().to_string(), "ada");
/// assert_eq!(7u8.to_field().to_string(), "7");
/// ```
pub trait ToField {
    /// The value as a field, borrowing from `self`.
    fn to_field(&self) -> FieldValue<'_>;
}

impl ToField for str {
    fn to_field(&self) -> FieldValue<'_> {
        FieldValue::Str(Cow::Borrowed(self))
    }
}

impl ToField for String {
    fn to_field(&self) -> FieldValue<'_> {
        FieldValue::Str(Cow::Borrowed(self))
    }
}

impl ToField for Cow<'_, str> {
    fn to_field(&self) -> FieldValue<'_> {
        FieldValue::Str(Cow::Borrowed(self))
    }
}

impl ToField for FieldValue<'_> {
    fn to_field(&self) -> FieldValue<'_> {
        match self {
            FieldValue::Str(s) => FieldValue::Str(Cow::Borrowed(s)),
            other => other.clone(),
        }
    }
}

impl<T: ToField + ?Sized> ToField for &T {
    fn to_field(&self) -> FieldValue<'_> {
        (**self).to_field()
    }
}

macro_rules! to_field_copy {
    ($($t:ty),*) => {$(
        impl ToField for $t {
            fn to_field(&self) -> FieldValue<'_> {
                FieldValue::from(*self)
            }
        }
    )*};
}
to_field_copy!(bool, f32, f64, i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// A named extra field.
///
/// ```
/// let f = loglisten::Field::new("user", "bob");
/// assert_eq!((f.name(), f.value().to_string()), ("user", "bob".to_string()));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Field<'a> {
    name: Cow<'a, str>,
    value: FieldValue<'a>,
}

impl<'a> Field<'a> {
    /// A field `name` with `value`.
    pub fn new(name: impl Into<Cow<'a, str>>, value: impl Into<FieldValue<'a>>) -> Field<'a> {
        Field {
            name: name.into(),
            value: value.into(),
        }
    }

    /// The field's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The field's value.
    pub fn value(&self) -> &FieldValue<'a> {
        &self.value
    }

    /// Name and value to overwrite in place (the `tracing` layer reuses
    /// its per-thread fields, text buffers included).
    pub(crate) fn parts_mut(&mut self) -> (&mut Cow<'a, str>, &mut FieldValue<'a>) {
        (&mut self.name, &mut self.value)
    }

    /// An owned copy.
    ///
    /// ```
    /// let f = loglisten::Field::new("k", "v").into_owned();
    /// assert_eq!(f.name(), "k");
    /// ```
    pub fn into_owned(self) -> Field<'static> {
        Field {
            name: Cow::Owned(self.name.into_owned()),
            value: self.value.into_owned(),
        }
    }
}

/// The attribute names a `LogRecord` has (CPython's `makeRecord` refuses
/// an `extra` key among them, or `message` / `asctime`, with
/// `KeyError("Attempt to overwrite %r in LogRecord")`).
pub(crate) const RESERVED: [&str; 23] = [
    "name",
    "msg",
    "args",
    "levelname",
    "levelno",
    "pathname",
    "filename",
    "module",
    "exc_info",
    "exc_text",
    "stack_info",
    "lineno",
    "funcName",
    "created",
    "msecs",
    "relativeCreated",
    "thread",
    "threadName",
    "processName",
    "process",
    "taskName",
    "message",
    "asctime",
];

/// Whether `name` is a record attribute, which an extra field may not be.
///
/// ```
/// assert!(loglisten::is_reserved_field("levelname"));
/// assert!(!loglisten::is_reserved_field("user"));
/// ```
pub fn is_reserved_field(name: &str) -> bool {
    // A match compiles to a length switch and memcmp: this runs for every
    // field of every bridged record.
    matches!(
        name,
        "name"
            | "msg"
            | "args"
            | "levelname"
            | "levelno"
            | "pathname"
            | "filename"
            | "module"
            | "exc_info"
            | "exc_text"
            | "stack_info"
            | "lineno"
            | "funcName"
            | "created"
            | "msecs"
            | "relativeCreated"
            | "thread"
            | "threadName"
            | "processName"
            | "process"
            | "taskName"
            | "message"
            | "asctime"
    )
}

/// [`is_reserved_field`] for the macros' compile-time check.
const fn is_reserved_const(name: &str) -> bool {
    let mut i = 0;
    while i < RESERVED.len() {
        if const_eq(RESERVED[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Compile-time check the macros run on each field name: a reserved name
/// is a compile error (CPython's `KeyError` at run time). `stack_info` is
/// the one reserved name a call may give: it asks for a backtrace.
#[doc(hidden)]
pub const fn __check_field_name(name: &str) {
    if is_reserved_const(name) && !const_eq(name, "stack_info") {
        panic!("this name is a LogRecord attribute and cannot be an extra field (CPython: KeyError \"Attempt to overwrite ... in LogRecord\")");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_are_cpythons() {
        // CPython's LogRecord.__dict__ keys plus message and asctime.
        if let Some(out) = crate::python_test::run_python(
            "import logging\nr = logging.LogRecord('n', 10, 'p', 1, 'm', (), None)\n\
             print(' '.join(sorted(list(r.__dict__) + ['message', 'asctime'])))",
            "",
            "reserved field names",
        ) {
            let mut ours: Vec<&str> = RESERVED.to_vec();
            // taskName came with Python 3.12; we reserve it already.
            ours.retain(|n| *n != "taskName" || out.contains("taskName"));
            ours.sort();
            assert_eq!(out.trim(), ours.join(" "));
        }
    }

    #[test]
    fn values_show_as_python_str() {
        assert_eq!(FieldValue::from(-2i64).to_string(), "-2");
        assert_eq!(FieldValue::from(1e16).to_string(), "1e+16");
        assert_eq!(FieldValue::from(false).to_string(), "False");
        assert!(!is_reserved_field("stack"));
        assert!(is_reserved_field("asctime"));
        for name in RESERVED {
            assert!(is_reserved_field(name) && is_reserved_const(name), "{name}");
        }
        assert!(!is_reserved_const("user"));
    }

    /// A value whose formatting writes some text, then fails.
    struct Failing;
    impl fmt::Display for Failing {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("half")?;
            Err(fmt::Error)
        }
    }

    #[test]
    fn a_value_whose_formatting_fails_shows_as_cpythons_failed_repr() {
        assert_eq!(__display_field(&Failing), "<field str() failed>");
        assert_eq!(__display_field(&"fine"), "fine");
        let mut text = String::from("kept ");
        write_or_failed(&mut text, "repr", |t| {
            fmt::write(t, format_args!("{Failing}"))
        });
        assert_eq!(text, "kept <field repr() failed>");
    }
}
