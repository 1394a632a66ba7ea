//! Surviving panics, shared by the crate: locks that ignore poisoning,
//! and what a caught panic said.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, recovering it from poisoning: a panic elsewhere (in a
/// handler, a verify callback, a factory) must not turn every later
/// logging call or configuration into a panic. Every structure behind
/// these locks is left consistent between statements that can panic.
pub(crate) fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What a caught panic said, when it said it with a string; `(no
/// message)` otherwise.
pub(crate) fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_text_is_the_string_payload_or_says_there_is_none() {
        let caught = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
        assert_eq!(panic_text(&caught), "boom 1");
        let caught = std::panic::catch_unwind(|| panic!("static")).unwrap_err();
        assert_eq!(panic_text(&caught), "static");
        let caught = std::panic::catch_unwind(|| std::panic::panic_any(3)).unwrap_err();
        assert_eq!(panic_text(&caught), "(no message)");
    }
}
