//! The accept loop, one short-lived thread per connection, and stopping.

use super::builder::{ApplyClosure, OnMessage, VerifyClosure};
use super::outcome::Outcome;
use super::socket::{Socket, Stream, WakeAddr};
use super::Listener;
use crate::logger::{get_logger, Logger};
use crate::wire;
use std::collections::HashMap;
use std::fmt;
use std::io;
use std::net::Shutdown;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

/// What the builder decided.
pub(crate) struct Settings {
    pub verify: Option<Arc<VerifyClosure>>,
    pub apply: Arc<ApplyClosure>,
    pub on_message: Option<Arc<OnMessage>>,
    pub max_message_bytes: usize,
    pub receive_deadline: Duration,
    pub max_connections: usize,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("verify", &self.verify.is_some())
            .field("on_message", &self.on_message.is_some())
            .field("max_message_bytes", &self.max_message_bytes)
            .field("receive_deadline", &self.receive_deadline)
            .field("max_connections", &self.max_connections)
            .finish_non_exhaustive()
    }
}

/// State shared by the accept thread, the connection threads and the
/// [`Listener`] handle.
#[derive(Debug)]
pub(crate) struct Shared {
    settings: Settings,
    stopping: AtomicBool,
    wake: WakeAddr,
    conns: Mutex<Conns>,
    /// Signalled when the last connection thread ends.
    idle: Condvar,
    turns: Turns,
    log: Logger,
}

/// The connections being served: a second handle to each, so `stop` can
/// shut them down whatever their threads are blocked on.
#[derive(Debug, Default)]
struct Conns {
    closed: bool,
    next_id: u64,
    open: HashMap<u64, Stream>,
    /// Connection threads alive (each holds one entry in `open` until
    /// just before it ends).
    threads: usize,
}

/// Binds are done; starts the accept thread.
pub(crate) fn start(socket: Socket, settings: Settings) -> io::Result<Listener> {
    let wake = socket.wake_addr()?;
    let port = match &wake {
        WakeAddr::Tcp(addr) => addr.port(),
        #[cfg(unix)]
        WakeAddr::Unix(_) => 0,
    };
    let shared = Arc::new(Shared {
        settings,
        stopping: AtomicBool::new(false),
        wake,
        conns: Mutex::new(Conns::default()),
        idle: Condvar::new(),
        turns: Turns::default(),
        log: get_logger("loglisten"),
    });
    let for_thread = Arc::clone(&shared);
    let thread = thread::Builder::new()
        .name("loglisten".into())
        .spawn(move || accept_loop(&for_thread, socket));
    Ok(Listener {
        shared,
        thread: Some(thread?),
        port,
    })
}

impl Shared {
    fn conns(&self) -> MutexGuard<'_, Conns> {
        self.conns.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets the flag, shuts down every open connection and wakes the
    /// accept loop. Returns at once; idempotent.
    pub fn stop(&self) {
        if self.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        {
            let mut conns = self.conns();
            conns.closed = true;
            for stream in conns.open.values() {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
        self.wake.poke();
    }

    /// Connection threads alive and connections registered.
    pub fn in_flight(&self) -> (usize, usize) {
        let conns = self.conns();
        (conns.threads, conns.open.len())
    }

    fn report(&self, peer: &str, outcome: &Outcome) {
        let log = &self.log;
        let level = outcome.level();
        if log.is_enabled_for(level) {
            log.log(level, &outcome.log_line(peer));
        }
        if let Some(f) = &self.settings.on_message {
            // The program's callback must not take the listener down.
            let _ = catch_unwind(AssertUnwindSafe(|| f(peer, outcome)));
        }
    }
}

fn accept_loop(shared: &Arc<Shared>, socket: Socket) -> io::Result<()> {
    loop {
        let accepted = socket.accept();
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        match accepted {
            Ok((stream, peer)) => admit(shared, stream, peer),
            Err(e) => {
                crate::error!(shared.log, "accepting a connection failed: {e}");
                // Out of descriptors or memory: give the system a moment
                // rather than spinning.
                if !matches!(
                    e.kind(),
                    io::ErrorKind::Interrupted | io::ErrorKind::ConnectionAborted
                ) {
                    thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }
    // Closes the port (and removes a Unix socket's file).
    drop(socket);
    // Connections were shut down by `stop`; wait for their threads, which
    // now end promptly (unless an apply step is still running).
    let mut conns = shared.conns();
    while conns.threads > 0 {
        conns = shared.idle.wait(conns).unwrap_or_else(|e| e.into_inner());
    }
    Ok(())
}

/// Serves `stream` on a new thread, or refuses it when the limit is
/// reached or the listener is stopping.
fn admit(shared: &Arc<Shared>, stream: Stream, peer: String) {
    let id = {
        let mut conns = shared.conns();
        if conns.closed {
            return;
        }
        if conns.threads >= shared.settings.max_connections {
            let outcome = Outcome::Refused {
                in_flight: conns.threads,
            };
            drop(conns);
            shared.report(&peer, &outcome);
            // A short write to a fresh socket does not block: the accept
            // loop is not held up.
            let mut stream = stream;
            let _ = wire::write_frame(&mut stream, outcome.reply().as_bytes());
            let _ = stream.shutdown(Shutdown::Write);
            return;
        }
        let Ok(handle) = stream.try_clone() else {
            return;
        };
        let id = conns.next_id;
        conns.next_id += 1;
        conns.open.insert(id, handle);
        conns.threads += 1;
        id
    };
    // Created before the spawn: if the spawn fails, dropping the closure
    // drops the guard, which unregisters the connection.
    let guard = Registered {
        shared: Arc::clone(shared),
        id,
    };
    let spawned = thread::Builder::new()
        .name("loglisten-conn".into())
        .spawn(move || serve(&guard.shared, stream, &peer));
    if let Err(e) = spawned {
        crate::error!(shared.log, "starting a connection thread failed: {e}");
    }
}

/// Unregisters a connection when its thread ends, however it ends.
struct Registered {
    shared: Arc<Shared>,
    id: u64,
}

impl Drop for Registered {
    fn drop(&mut self) {
        let mut conns = self.shared.conns();
        conns.open.remove(&self.id);
        conns.threads -= 1;
        if conns.threads == 0 {
            self.shared.idle.notify_all();
        }
    }
}

/// One connection: read, verify, apply, report, reply.
fn serve(shared: &Shared, mut stream: Stream, peer: &str) {
    let outcome = receive_and_apply(shared, &mut stream);
    shared.report(peer, &outcome);
    // A client that closed early (CPython's does) makes this fail: that
    // is fine. The timeout stops a client that never reads.
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = wire::write_frame(&mut stream, outcome.reply().as_bytes());
    let _ = stream.shutdown(Shutdown::Write);
}

fn receive_and_apply(shared: &Shared, stream: &mut Stream) -> Outcome {
    let settings = &shared.settings;
    let deadline = Instant::now() + settings.receive_deadline;
    let message = match wire::read_frame(stream, settings.max_message_bytes, deadline) {
        Ok(m) => m,
        Err(e) => return Outcome::from_frame_error(e),
    };
    let payload = match &settings.verify {
        None => message,
        Some(verify) => match catch_unwind(AssertUnwindSafe(|| verify(&message))) {
            Ok(Some(payload)) => payload,
            Ok(None) => return Outcome::Rejected,
            Err(panic) => return Outcome::Panicked(format!("verify panicked: {}", text(&panic))),
        },
    };
    let _turn = shared.turns.wait();
    match catch_unwind(AssertUnwindSafe(|| (settings.apply)(&payload))) {
        Ok(Ok(applied)) => Outcome::Applied {
            kind: applied.kind,
            generation: applied.generation,
        },
        Ok(Err(message)) => Outcome::ConfigError(message),
        Err(panic) => Outcome::Panicked(format!("the apply step panicked: {}", text(&panic))),
    }
}

/// What a panic said, when it said it with a string.
fn text(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}

/// A ticket lock: apply steps run one at a time, first come first served
/// (a plain mutex lets a late thread overtake a waiting one).
#[derive(Debug, Default)]
struct Turns {
    /// (next ticket to hand out, ticket now served)
    state: Mutex<(u64, u64)>,
    cv: Condvar,
}

struct Turn<'a>(&'a Turns);

impl Turns {
    fn wait(&self) -> Turn<'_> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let ticket = state.0;
        state.0 += 1;
        while state.1 != ticket {
            state = self.cv.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        Turn(self)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut state = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
        state.1 += 1;
        self.0.cv.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_text() {
        let a: Box<dyn std::any::Any + Send> = Box::new("boom");
        let b: Box<dyn std::any::Any + Send> = Box::new(String::from("bang"));
        let c: Box<dyn std::any::Any + Send> = Box::new(3);
        assert_eq!(text(&a), "boom");
        assert_eq!(text(&b), "bang");
        assert_eq!(text(&c), "(no message)");
    }

    #[test]
    fn turns_are_served_in_ticket_order() {
        let turns = Arc::new(Turns::default());
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = turns.wait();
        let mut threads = Vec::new();
        for i in 0..4u64 {
            let (mine, order) = (Arc::clone(&turns), Arc::clone(&order));
            threads.push(thread::spawn(move || {
                let _t = mine.wait();
                order.lock().unwrap().push(i);
            }));
            // Each thread has taken its ticket before the next starts.
            while turns.state.lock().unwrap().0 < i + 2 {
                thread::yield_now();
            }
        }
        drop(first);
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3]);
    }
}
