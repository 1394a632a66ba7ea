//! Threads, shared by the crate: locks that ignore poisoning, what a
//! caught panic said, starting helper threads and handing their one
//! answer back.
//!
//! The last two exist for size: std's `thread::Builder::spawn` and its
//! channels are compiled once per closure or message type (a channel's
//! three flavours come to about 12 KB each), so every helper thread starts
//! through one boxed [`spawn`] and answers through a small [`handoff`].

use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Locks `mutex`, recovering it from poisoning: a panic elsewhere (in a
/// handler, a verify callback, a factory) must not turn every later
/// logging call or configuration into a panic. Every structure behind
/// these locks is left consistent between statements that can panic.
pub(crate) fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Waits once on `condvar` with `guard`, until `deadline` at the latest
/// (`None`: however long it takes), recovering from poisoning as [`lock`]
/// does. `Err` with the guard when the deadline has passed already.
pub(crate) fn wait_until<'a, T>(
    condvar: &Condvar,
    guard: MutexGuard<'a, T>,
    deadline: Option<Instant>,
) -> Result<MutexGuard<'a, T>, MutexGuard<'a, T>> {
    let Some(deadline) = deadline else {
        return Ok(condvar.wait(guard).unwrap_or_else(PoisonError::into_inner));
    };
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(guard);
    }
    let waited = condvar.wait_timeout(guard, left);
    Ok(waited.unwrap_or_else(PoisonError::into_inner).0)
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

/// Starts a thread named `name` running `body`.
pub(crate) fn spawn(name: &str, body: Box<dyn FnOnce() + Send>) -> io::Result<JoinHandle<()>> {
    std::thread::Builder::new().name(name.into()).spawn(body)
}

/// A one-value channel: the [`Sender`] (moved to a helper thread) gives at
/// most one value, the [`Receiver`] waits for it.
pub(crate) fn handoff<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Slot {
        value: Mutex::new(None),
        done: Done::default(),
    });
    (Sender(Arc::clone(&slot)), Receiver(slot))
}

struct Slot<T> {
    value: Mutex<Option<T>>,
    done: Done,
}

/// Set once the sender is gone, with or without a value (a helper that
/// panicked sends nothing); not generic, so the waiting is compiled once.
#[derive(Default)]
struct Done {
    set: Mutex<bool>,
    changed: Condvar,
}

impl Done {
    fn set(&self) {
        *lock(&self.set) = true;
        self.changed.notify_all();
    }

    /// Whether it was set within `timeout` (`None`: however long it takes).
    fn wait(&self, timeout: Option<Duration>) -> bool {
        // A timeout too long for an `Instant` is no timeout.
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut set = lock(&self.set);
        while !*set {
            set = match wait_until(&self.changed, set, deadline) {
                Ok(set) => set,
                Err(_) => return false,
            };
        }
        true
    }
}

/// The giving end of a [`handoff`].
pub(crate) struct Sender<T>(Arc<Slot<T>>);

impl<T> Sender<T> {
    /// Gives `value` (kept if the receiver is gone, dropped with the slot).
    pub fn send(self, value: T) {
        *lock(&self.0.value) = Some(value);
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.0.done.set();
    }
}

/// The waiting end of a [`handoff`].
pub(crate) struct Receiver<T>(Arc<Slot<T>>);

impl<T> Receiver<T> {
    /// The value, once given, waiting at most `timeout` (`None`: however
    /// long it takes); `None` past the timeout or if the sender went
    /// without giving one.
    pub fn recv(self, timeout: Option<Duration>) -> Option<T> {
        if !self.0.done.wait(timeout) {
            return None;
        }
        lock(&self.0.value).take()
    }
}

impl<T> std::fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Receiver")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handoff_gives_the_value_sent_from_another_thread() {
        let (tx, rx) = handoff();
        let thread = spawn("t", Box::new(move || tx.send(7))).unwrap();
        assert_eq!(rx.recv(None), Some(7));
        thread.join().unwrap();
    }

    #[test]
    fn a_handoff_whose_sender_goes_without_a_value_gives_none_at_once() {
        let (tx, rx) = handoff::<u8>();
        let thread = spawn("t", Box::new(move || drop(tx))).unwrap();
        let start = Instant::now();
        assert_eq!(rx.recv(Some(Duration::from_secs(10))), None);
        assert!(start.elapsed() < Duration::from_secs(5));
        thread.join().unwrap();
    }

    #[test]
    fn a_handoff_gives_up_at_its_timeout_and_the_late_value_is_dropped() {
        let (tx, rx) = handoff::<String>();
        let start = Instant::now();
        assert_eq!(rx.recv(Some(Duration::from_millis(50))), None);
        assert!(start.elapsed() >= Duration::from_millis(50));
        tx.send("late".into());
    }

    #[test]
    fn a_handoff_with_a_huge_timeout_waits_for_the_value() {
        let (tx, rx) = handoff();
        tx.send(1);
        assert_eq!(rx.recv(Some(Duration::MAX)), Some(1));
    }

    #[test]
    fn spawn_names_the_thread() {
        let (tx, rx) = handoff();
        let body = move || tx.send(std::thread::current().name().map(str::to_string));
        spawn("loglisten-x", Box::new(body))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(rx.recv(None), Some(Some("loglisten-x".to_string())));
    }

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
