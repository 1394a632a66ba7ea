//! The apply gate: configurations (and override changes) go live one at a
//! time, in the order they asked, and one that waits may give up at its
//! deadline instead of waiting behind a slow apply for as long as it
//! takes.
//!
//! A `Mutex` alone has neither: it is not fair (a thread that just let go
//! may take it again first) and has no timed lock. Here each waiter takes
//! a ticket in a queue and goes when it is at the front and the gate is
//! free; one that gives up leaves the queue and wakes the others, so the
//! next in line goes.

use crate::config::ConfigError;
use crate::sync::{lock, wait_until};
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One at a time, first come first served, with an optional deadline.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    queue: Mutex<Queue>,
    turn: Condvar,
}

#[derive(Debug, Default)]
struct Queue {
    /// Someone holds a [`Pass`].
    held: bool,
    next_ticket: u64,
    /// Tickets of the waiters, in arrival order.
    waiting: VecDeque<u64>,
}

/// The right to apply, until dropped (even by a panic).
#[derive(Debug)]
pub(crate) struct Pass<'a> {
    gate: &'a Gate,
    /// How long its holder waited for it.
    pub waited: Duration,
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        lock(&self.gate.queue).held = false;
        // Every waiter looks: only the one at the front goes.
        self.gate.turn.notify_all();
    }
}

impl Gate {
    /// Waits for its turn, however long.
    pub fn enter(&self) -> Pass<'_> {
        loop {
            if let Some(pass) = self.enter_by(None) {
                return pass;
            }
        }
    }

    /// Waits for its turn until `deadline` (`None`: no limit); `None` when
    /// the deadline passed first, having left the queue.
    pub fn enter_by(&self, deadline: Option<Instant>) -> Option<Pass<'_>> {
        let start = Instant::now();
        let mut queue = lock(&self.queue);
        if !queue.held && queue.waiting.is_empty() {
            queue.held = true;
            return Some(self.pass(start));
        }
        let ticket = queue.next_ticket;
        queue.next_ticket += 1;
        queue.waiting.push_back(ticket);
        loop {
            if !queue.held && queue.waiting.front() == Some(&ticket) {
                queue.waiting.pop_front();
                queue.held = true;
                return Some(self.pass(start));
            }
            queue = match wait_until(&self.turn, queue, deadline) {
                Ok(queue) => queue,
                Err(queue) => {
                    self.leave(queue, ticket);
                    return None;
                }
            };
        }
    }

    fn pass(&self, start: Instant) -> Pass<'_> {
        Pass {
            gate: self,
            waited: start.elapsed(),
        }
    }

    /// Takes `ticket` out of the queue; the one behind it may now be first.
    fn leave(&self, mut queue: MutexGuard<'_, Queue>, ticket: u64) {
        queue.waiting.retain(|t| *t != ticket);
        drop(queue);
        self.turn.notify_all();
    }

    /// How many wait for their turn.
    #[cfg(test)]
    pub fn waiting(&self) -> usize {
        lock(&self.queue).waiting.len()
    }
}

/// Why a configuration that waited for its turn was not applied.
#[derive(Debug)]
pub(crate) enum NotApplied {
    /// The configuration was refused (nothing changed).
    Config(ConfigError),
    /// Its turn had not come by its deadline: an earlier apply ran long.
    Overdue,
    /// Its client had gone when its turn came: the configuration was
    /// dropped.
    Abandoned,
}

/// A wait for the turn after which the client is asked whether it still
/// wants its configuration. A shorter wait is no reason to have given up,
/// and a client that sends and closes without waiting for the reply
/// (CPython's does) must not lose its push to a brief queue.
pub(crate) const CHECK_AFTER: Duration = Duration::from_millis(100);

/// The turn a push waited for (`None`: its deadline came first), unless
/// it waited more than [`CHECK_AFTER`] and its client has gone since.
pub(crate) fn still_wanted_after<'g>(
    turn: Option<Pass<'g>>,
    still_wanted: &dyn Fn() -> bool,
) -> Result<Pass<'g>, NotApplied> {
    let turn = turn.ok_or(NotApplied::Overdue)?;
    if turn.waited > CHECK_AFTER && !still_wanted() {
        return Err(NotApplied::Abandoned);
    }
    Ok(turn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::thread;

    /// Waits (bounded) until `n` threads wait at `gate`.
    fn until_waiting(gate: &Gate, n: usize) {
        let give_up = Instant::now() + Duration::from_secs(10);
        while gate.waiting() != n {
            assert!(
                Instant::now() < give_up,
                "{} waiting, not {n}",
                gate.waiting()
            );
            thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn waiters_go_in_arrival_order() {
        let gate = Arc::new(Gate::default());
        let order = Arc::new(Mutex::new(Vec::new()));
        let held = gate.enter();
        let mut threads = Vec::new();
        for i in 0..6 {
            let (g, order) = (Arc::clone(&gate), Arc::clone(&order));
            threads.push(thread::spawn(move || {
                let _pass = g.enter();
                lock(&order).push(i);
            }));
            // The next one asks only once this one waits.
            until_waiting(&gate, i + 1);
        }
        drop(held);
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*lock(&order), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(gate.waiting(), 0);
    }

    #[test]
    fn a_waiter_gives_up_at_its_deadline_and_the_next_goes() {
        let gate = Arc::new(Gate::default());
        let held = gate.enter();
        let start = Instant::now();
        assert!(gate
            .enter_by(Some(start + Duration::from_millis(30)))
            .is_none());
        assert!(start.elapsed() >= Duration::from_millis(30));
        assert_eq!(gate.waiting(), 0, "it left the queue");
        // A patient one behind an impatient one gets in when the gate frees.
        let second = {
            let gate = Arc::clone(&gate);
            thread::spawn(move || {
                gate.enter_by(Some(Instant::now() + Duration::from_millis(20)))
                    .is_some()
            })
        };
        until_waiting(&gate, 1);
        let third = {
            let gate = Arc::clone(&gate);
            thread::spawn(move || gate.enter_by(None).map(|p| p.waited > Duration::ZERO))
        };
        until_waiting(&gate, 2);
        assert!(!second.join().unwrap(), "the first gave up");
        drop(held);
        assert_eq!(third.join().unwrap(), Some(true));
    }

    #[test]
    fn a_free_gate_lets_in_at_once_and_a_panic_frees_it() {
        let gate = Gate::default();
        let pass = gate.enter_by(Some(Instant::now())).unwrap();
        drop(pass);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _pass = gate.enter();
            panic!("boom");
        }));
        assert!(caught.is_err());
        assert!(gate.enter_by(Some(Instant::now())).is_some());
    }
}
