//! A span's fields, kept with the span for the events inside it, and
//! this thread's count of entered spans (none: an event has no scope to
//! walk).

use crate::fields::{is_reserved_field, write_or_failed, FieldValue};
use std::cell::Cell;
use std::fmt::{self, Write as _};

use super::fields::__FieldSink;

/// A span's fields, kept with the span for the events inside it; a field
/// recorded again replaces its value. `message` and record attributes
/// are not kept.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct __SpanFields(Vec<(&'static str, FieldValue<'static>)>);

thread_local! {
    static ENTERED: Cell<usize> = const { Cell::new(0) };
}

impl __SpanFields {
    /// The fields, in the order first recorded.
    pub(super) fn iter(&self) -> impl Iterator<Item = &(&'static str, FieldValue<'static>)> {
        self.0.iter()
    }

    /// A span was entered on this thread.
    pub fn entered() {
        let _ = ENTERED.try_with(|n| n.set(n.get() + 1));
    }

    /// A span was exited on this thread.
    pub fn exited() {
        let _ = ENTERED.try_with(|n| n.set(n.get().saturating_sub(1)));
    }

    /// Whether this thread is inside a span: if not, an event without an
    /// explicit parent has no span fields, and its scope is not looked up
    /// (a per-thread read instead of the registry's span stack). When
    /// unsure (the thread is ending), yes.
    #[inline]
    pub fn any_entered() -> bool {
        ENTERED.try_with(|n| n.get() != 0).unwrap_or(true)
    }

    fn set(&mut self, name: &'static str, value: FieldValue<'static>) {
        if is_reserved_field(name) {
            return;
        }
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }
}

impl __FieldSink for __SpanFields {
    fn sink_str(&mut self, name: &'static str, value: &str) {
        self.set(name, value.to_string().into());
    }

    fn sink_debug(&mut self, name: &'static str, value: &dyn fmt::Debug) {
        let mut text = String::new();
        write_or_failed(&mut text, "repr", |t| write!(t, "{value:?}"));
        self.set(name, text.into());
    }

    fn sink_value(&mut self, name: &'static str, value: FieldValue<'static>) {
        self.set(name, value);
    }
}
