//! The thread that ends level overrides when their time is up.
//!
//! One per registry, and only while an override with a time exists: it
//! sleeps on a condition variable until the next deadline (or until an
//! override changes), ends what is due in one swap, and exits when no
//! override with a time remains. It holds the registry weakly, so a
//! dropped registry ends it too.
//!
//! No lock is held across the two sides: a change pokes the timer after
//! editing the table, and the thread counts the pokes, so a change it
//! did not see in its scan makes it scan again instead of sleeping or
//! exiting.

use super::{Core, Registry};
use crate::sync::lock;
use std::sync::{Arc, Condvar, Mutex, PoisonError, Weak};
use std::thread::JoinHandle;
use std::time::Instant;

/// The timer of one registry.
#[derive(Debug, Default)]
pub(crate) struct Timer {
    state: Mutex<TimerState>,
    wake: Condvar,
}

#[derive(Debug, Default)]
struct TimerState {
    /// Whether a thread is serving (it clears this as it exits).
    running: bool,
    thread: Option<JoinHandle<()>>,
    /// Changes of the overrides since the registry was made.
    pokes: u64,
    /// Threads started since the registry was made.
    spawns: u64,
}

/// Tells `registry`'s timer that its overrides changed: it wakes to look
/// again, or starts when `timed` (an override with a time was set) and
/// no thread serves.
pub(super) fn poke(registry: &Registry, timed: bool) {
    let timer = &registry.core.timer;
    let mut state = lock(&timer.state);
    state.pokes += 1;
    if state.running {
        timer.wake.notify_one();
        return;
    }
    if !timed {
        return;
    }
    let core = Arc::downgrade(&registry.core);
    let shared = Arc::clone(timer);
    let spawned = crate::sync::spawn("loglisten-timer", Box::new(move || run(&shared, &core)));
    match spawned {
        Ok(handle) => {
            state.running = true;
            state.spawns += 1;
            state.thread = Some(handle);
        }
        // Like any handler error: reported, never the caller's failure.
        Err(e) => eprintln!("loglisten: cannot start the override timer: {e}"),
    }
}

fn run(timer: &Timer, core: &Weak<Core>) {
    loop {
        let seen = lock(&timer.state).pokes;
        let next = {
            let Some(core) = core.upgrade() else {
                lock(&timer.state).running = false;
                return;
            };
            let registry = Registry { core };
            registry.expire_due(Instant::now());
            let next = registry.core.state().overrides.next_deadline();
            next
        };
        let mut state = lock(&timer.state);
        if state.pokes != seen {
            continue;
        }
        let Some(at) = next else {
            state.running = false;
            return;
        };
        let wait = at.saturating_duration_since(Instant::now());
        if !wait.is_zero() {
            let woken = timer.wake.wait_timeout(state, wait);
            drop(woken.unwrap_or_else(PoisonError::into_inner));
        }
    }
}

impl Timer {
    /// Wakes the thread so that it sees its registry is gone.
    pub(super) fn registry_dropped(&self) {
        let _state = lock(&self.state);
        self.wake.notify_all();
    }
}

impl Registry {
    /// Whether this registry's override timer thread is alive.
    #[cfg(test)]
    pub(crate) fn timer_running(&self) -> bool {
        let state = lock(&self.core.timer.state);
        state.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Whether a timer thread is serving, as the thread itself says.
    #[cfg(test)]
    pub(crate) fn timer_serving(timer: &Timer) -> bool {
        lock(&timer.state).running
    }

    /// How many timer threads this registry has started.
    #[cfg(test)]
    pub(crate) fn timer_spawns(&self) -> u64 {
        lock(&self.core.timer.state).spawns
    }
}
