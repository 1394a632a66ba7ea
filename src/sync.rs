//! Lock helpers shared by the crate.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, recovering it from poisoning: a panic elsewhere (in a
/// handler, a verify callback, a factory) must not turn every later
/// logging call or configuration into a panic. Every structure behind
/// these locks is left consistent between statements that can panic.
pub(crate) fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
