//! The deadline of the apply step running on this thread, for the steps
//! of a build that wait on the outside world (connecting a socket). A leaf:
//! the listener sets it around its apply step; handlers and the config
//! build read it. Without one, nothing is capped.

use std::cell::Cell;
use std::time::{Duration, Instant};

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Runs `f` with `deadline` in force on this thread (an earlier one already
/// in force stays), restoring what was there afterwards, even on a panic.
pub(crate) fn within<R>(deadline: Instant, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Instant>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DEADLINE.with(|d| d.set(self.0));
        }
    }
    let before = DEADLINE.with(Cell::get);
    let _restore = Restore(before);
    let effective = before.map_or(deadline, |b| b.min(deadline));
    DEADLINE.with(|d| d.set(Some(effective)));
    f()
}

/// Whether the deadline in force has passed.
pub(crate) fn passed() -> bool {
    DEADLINE
        .with(Cell::get)
        .is_some_and(|d| Instant::now() >= d)
}

/// `timeout`, or the time left before the deadline in force if that is
/// shorter (zero once it has passed).
pub(crate) fn cap(timeout: Duration) -> Duration {
    match DEADLINE.with(Cell::get) {
        Some(d) => timeout.min(d.saturating_duration_since(Instant::now())),
        None => timeout,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_nest_and_are_restored() {
        let long = Duration::from_secs(60);
        assert_eq!(cap(long), long);
        assert!(!passed());
        let soon = Instant::now() + Duration::from_secs(1);
        within(soon, || {
            assert!(cap(long) <= Duration::from_secs(1));
            // A later deadline does not extend an earlier one.
            within(Instant::now() + long, || {
                assert!(cap(long) <= Duration::from_secs(1));
            });
            within(Instant::now(), || {
                assert!(passed());
                assert_eq!(cap(long), Duration::ZERO);
            });
            assert!(!passed());
        });
        assert_eq!(cap(long), long);
        let caught = std::panic::catch_unwind(|| within(Instant::now(), || panic!("boom")));
        assert!(caught.is_err());
        assert!(!passed(), "restored after a panic");
    }
}
