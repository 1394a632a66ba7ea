//! The accept loop, the connection threads, and stopping.
//!
//! Each connection is served on a thread of its own, at most
//! `max_connections` at a time. Starting a thread costs more than serving
//! a small config over loopback, so a thread that has served its
//! connection waits up to [`LINGER`] for the next one before it ends: a
//! burst of configs reuses a few threads, and an idle listener has none.
//!
//! A slow or idle client holds no one up: its length prefix is due within
//! the header deadline, and when every slot is taken a newcomer evicts the
//! connection that has got least far (see `slots`) instead of being
//! refused. Only when every slot is past receiving (being applied) or not
//! yet started is a newcomer told `busy`.

use super::audit::{self, Audit};
use super::commands;
use super::outcome::Outcome;
use super::peer::{self, Peer};
use super::settings::{Peers, Settings, Turn};
use super::slots::{Conns, Counted, Job, Progress, CHANCE};
use super::socket::{Socket, Stream, WakeAddr};
use super::Listener;
use crate::logger::Logger;
use crate::sync::{lock, panic_text as text};
use crate::wire;
use std::io;
use std::net::Shutdown;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

/// State shared by the accept thread, the connection threads and the
/// [`Listener`] handle.
#[derive(Debug)]
pub(crate) struct Shared {
    settings: Settings,
    stopping: AtomicBool,
    wake: WakeAddr,
    conns: Mutex<Conns>,
    /// Signalled when a connection is queued for an idle thread, and at
    /// stop.
    work: Condvar,
    /// Signalled when the last connection thread ends.
    done: Condvar,
    /// Signalled when a slot frees or becomes evictable.
    slots: Condvar,
    log: Logger,
}

/// How long a newcomer waits, when every slot is taken and none can be
/// evicted yet, before it is told `busy`.
const EVICT_WAIT: Duration = Duration::from_millis(20);

/// How long a connection thread waits for another connection before it
/// ends.
pub(crate) const LINGER: Duration = Duration::from_secs(1);

/// Binds are done; starts the accept thread.
pub(crate) fn start(socket: Socket, settings: Settings, log: Logger) -> io::Result<Listener> {
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
        work: Condvar::new(),
        done: Condvar::new(),
        slots: Condvar::new(),
        log,
    });
    let for_thread = Arc::clone(&shared);
    let (result, ended) = crate::sync::handoff();
    let body = move || result.send(accept_loop(&for_thread, socket));
    let thread = crate::sync::spawn("loglisten", Box::new(body))?;
    Ok(Listener {
        shared,
        thread: Some((thread, ended)),
        port,
        watchers: Vec::new(),
    })
}

impl Shared {
    fn conns(&self) -> MutexGuard<'_, Conns> {
        lock(&self.conns)
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
            conns.shut_all();
        }
        self.work.notify_all();
        self.slots.notify_all();
        self.wake.poke();
    }

    /// Connections being served or queued (registered for shutdown), and
    /// connection threads alive (serving or lingering).
    pub fn in_flight(&self) -> (usize, usize) {
        let conns = self.conns();
        (conns.open.len(), conns.threads)
    }

    fn report(&self, audit: &Audit) {
        let outcome = &audit.outcome;
        let line = outcome.log_line(&audit.peer);
        audit::log(
            &self.settings.registry,
            outcome.level(),
            &line,
            &audit.fields(),
        );
        // The program's callbacks must not take the listener down.
        if let Some(f) = &self.settings.on_message {
            let _ = catch_unwind(AssertUnwindSafe(|| f(&audit.peer, outcome)));
        }
        if let Some(f) = &self.settings.on_audit {
            let _ = catch_unwind(AssertUnwindSafe(|| f(audit)));
        }
    }

    fn generation(&self) -> u64 {
        self.settings.registry.config_generation()
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
        conns = shared.done.wait(conns).unwrap_or_else(|e| e.into_inner());
    }
    Ok(())
}

/// Hands `stream` to an idle connection thread or a new one. When every
/// slot is taken, evicts the connection with the least progress; refuses
/// (`busy`) only when none can be evicted within [`EVICT_WAIT`].
fn admit(shared: &Arc<Shared>, stream: Stream, peer: String) {
    let max = shared.settings.max_connections;
    let job = {
        let give_up = Instant::now() + EVICT_WAIT;
        let mut conns = shared.conns();
        loop {
            if conns.closed {
                return;
            }
            if conns.open.len() < max || conns.evict_one() {
                break;
            }
            let left = give_up.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let busy = conns.open.len();
                drop(conns);
                refuse(shared, stream, &peer, busy);
                return;
            }
            // A connection becomes evictable by waiting too: look again
            // soon even if nothing is signalled.
            conns = shared
                .slots
                .wait_timeout(conns, left.min(CHANCE))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        let Ok(job) = conns.register(stream, peer) else {
            return;
        };
        // A thread for it: an idle one, a new one while there are fewer
        // than `max`, else the first to finish (an evicted connection's
        // thread is about to).
        if conns.idle > conns.queue.len() || conns.threads >= max {
            conns.queue.push_back(job);
            drop(conns);
            shared.work.notify_one();
            return;
        }
        conns.threads += 1;
        job
    };
    // The guard is made before the spawn: if the spawn fails, dropping the
    // closure drops it, which unregisters the connection and the thread.
    let id = job.id;
    let thread = ThreadGuard(Arc::clone(shared));
    let spawned = crate::sync::spawn("loglisten-conn", Box::new(move || worker(thread, job)));
    if let Err(e) = spawned {
        shared.conns().forget(id);
        crate::error!(shared.log, "starting a connection thread failed: {e}");
    }
}

/// Answers `error: busy` and closes, unread.
fn refuse(shared: &Shared, mut stream: Stream, peer: &str, in_flight: usize) {
    let outcome = Outcome::Refused { in_flight };
    let audit = Audit::new(peer, outcome, shared.generation());
    shared.report(&audit);
    // A short write to a fresh socket does not block: the accept loop is
    // not held up.
    let _ = wire::write_frame(&mut stream, &audit.outcome.reply().encode(None));
    let _ = stream.shutdown(Shutdown::Write);
}

/// A connection thread: serves `job`, then each connection queued for it,
/// until none comes within [`LINGER`] or the listener stops.
fn worker(thread: ThreadGuard, mut job: Job) {
    let shared = &thread.0;
    loop {
        let id = job.id;
        // serve() catches the program's panics (verify, apply, on_message);
        // this catches the rest (a panicking log handler), so that the
        // connection is always unregistered.
        shared.conns().start_reading(id);
        shared.slots.notify_all();
        let _ = catch_unwind(AssertUnwindSafe(|| {
            serve(shared, job.stream, &job.peer, &job.progress)
        }));
        let mut conns = shared.conns();
        conns.forget(id);
        shared.slots.notify_all();
        let give_up = Instant::now() + LINGER;
        conns.idle += 1;
        let next = loop {
            if let Some(next) = conns.queue.pop_front() {
                break Some(next);
            }
            let left = give_up.saturating_duration_since(Instant::now());
            if conns.closed || left.is_zero() {
                break None;
            }
            conns = shared
                .work
                .wait_timeout(conns, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        };
        conns.idle -= 1;
        match next {
            Some(next) => job = next,
            None => return,
        }
    }
}

/// Counts a connection thread out when it ends, however it ends.
struct ThreadGuard(Arc<Shared>);

impl Drop for ThreadGuard {
    fn drop(&mut self) {
        let mut conns = self.0.conns();
        conns.threads -= 1;
        if conns.threads == 0 {
            self.0.done.notify_all();
        }
    }
}

/// One connection: read, check the peer, verify, apply, report, reply.
fn serve(shared: &Shared, mut stream: Stream, peer: &str, progress: &Progress) {
    let mut audit = Audit::new(peer, Outcome::TimedOut, shared.generation());
    let (outcome, body) = receive_and_apply(shared, &mut stream, progress, &mut audit);
    audit.outcome = outcome;
    audit.generation_after = shared.generation();
    shared.report(&audit);
    if audit.outcome == Outcome::Abandoned {
        // Nobody to tell.
        return;
    }
    // A client that closed early (CPython's does) makes this fail: that
    // is fine. The timeout stops a client that never reads.
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = wire::write_reply(&mut stream, &audit.outcome.reply(), body.as_deref());
    let _ = stream.shutdown(Shutdown::Write);
    if matches!(
        audit.outcome,
        Outcome::TooLarge { .. } | Outcome::BadFrame(_) | Outcome::PeerRefused { .. }
    ) {
        drain(&mut stream);
    }
}

/// Reads (a bounded amount, briefly) what the client sent beyond what we
/// read: closing a socket with unread input sends a reset, which can
/// destroy the reply before the client reads it.
fn drain(stream: &mut Stream) {
    use std::io::Read;
    let _ = wire::Conn::set_read_timeout(stream, Some(Duration::from_millis(50)));
    let mut buf = [0u8; 4096];
    let mut left = 64 * 1024;
    while left > 0 {
        match stream.read(&mut buf) {
            Ok(n) if n > 0 => left -= n.min(left),
            _ => break,
        }
    }
}

/// The lookup of the peer's user, when the listener checks it: TCP
/// peers, unless any local user may drive it. Unix socket peers are the
/// owner by the socket's mode.
fn peer_lookup(settings: &Settings, stream: &Stream) -> Option<peer::Lookup> {
    let Peers::SameUser(_) = settings.peers else {
        return None;
    };
    let (local, remote) = stream.tcp_addrs()?;
    Some(peer::Lookup::new(local, remote))
}

/// `Err(outcome)` when the peer may not drive this listener: a TCP peer
/// of another uid, or one that cannot be identified with no verify to
/// vouch for it. `Ok(uid)`: the peer's uid when it was looked up.
fn check_peer(settings: &Settings, lookup: Option<peer::Lookup>) -> Result<Option<u32>, Outcome> {
    let (Peers::SameUser(me), Some(lookup)) = (settings.peers, lookup) else {
        return Ok(None);
    };
    match lookup.finish() {
        Peer::Uid(uid) if uid == me => Ok(Some(uid)),
        Peer::Uid(uid) => Err(Outcome::PeerRefused { uid: Some(uid) }),
        Peer::Unknown if settings.verify.is_some() => Ok(None),
        Peer::Unknown => Err(Outcome::PeerRefused { uid: None }),
    }
}

/// The payload inside `message` as the verify step gives it, or the
/// outcome of a refusal; records the key id or the refusal's reason when
/// the listener holds the verifier itself.
fn verified(settings: &Settings, message: Vec<u8>, audit: &mut Audit) -> Result<Vec<u8>, Outcome> {
    if let Some(hmac) = &settings.hmac {
        return match hmac.check(&message, SystemTime::now()) {
            Ok(payload) => {
                audit.key_id = Some(hmac.key_id().to_string());
                Ok(payload.to_vec())
            }
            Err(why) => {
                audit.refusal = Some(why.word());
                audit.sha256 = Some(hex_sha256(&message));
                Err(Outcome::Rejected)
            }
        };
    }
    let Some(verify) = &settings.verify else {
        return Ok(message);
    };
    match catch_unwind(AssertUnwindSafe(|| verify(&message))) {
        Ok(Some(payload)) => Ok(payload),
        Ok(None) => {
            audit.sha256 = Some(hex_sha256(&message));
            Err(Outcome::Rejected)
        }
        Err(panic) => Err(Outcome::Panicked(format!(
            "verify panicked: {}",
            text(&panic)
        ))),
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    crate::sha256::sha256(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn receive_and_apply(
    shared: &Shared,
    stream: &mut Stream,
    progress: &Progress,
    audit: &mut Audit,
) -> (Outcome, Option<String>) {
    let settings = &shared.settings;
    let now = Instant::now();
    let (header_by, deadline) = (
        now + settings.header_deadline,
        now + settings.receive_deadline,
    );
    // Whose the peer is gets looked up as soon as its message starts
    // arriving, beside the reading of the rest.
    let mut lookup = peer_lookup(settings, stream);
    let mut start_lookup = || {
        if let Some(lookup) = lookup.as_mut() {
            lookup.start();
        }
    };
    let mut counted = Counted {
        stream,
        progress,
        on_bytes: &mut start_lookup,
        header: [0; 4],
    };
    let read = wire::read_frame_by(
        &mut counted,
        settings.max_message_bytes,
        header_by,
        deadline,
    );
    // An eviction wins over whatever the read made of it (its reading was
    // shut down), and over a message that came in just after it.
    if progress.evicted() || (read.is_ok() && !progress.finish_reading()) {
        let received = progress.received();
        return (Outcome::Evicted { received }, None);
    }
    let message = match read {
        Ok(m) => m,
        Err(e) => return (Outcome::from_frame_error(e), None),
    };
    match check_peer(settings, lookup) {
        Ok(uid) => audit.uid = uid,
        Err(refused) => {
            if let Outcome::PeerRefused { uid } = refused {
                audit.uid = uid;
            }
            return (refused, None);
        }
    }
    let payload = match verified(settings, message, audit) {
        Ok(payload) => payload,
        Err(refused) => return (refused, None),
    };
    audit.sha256 = Some(hex_sha256(&payload));
    audit.generation_before = shared.generation();
    // The apply deadline counts from here: waiting for earlier applies to
    // finish and building both come out of it. Building handlers waits on
    // the outside world (resolving a name, connecting a socket): each such
    // wait is capped by it, and once it has passed no further handler is
    // built.
    let apply_by = Instant::now() + settings.apply_deadline;
    let still_wanted = || !stream.peer_closed();
    let turn = Turn {
        by: apply_by,
        still_wanted: &still_wanted,
    };
    let within = |step: &dyn Fn() -> Outcome| -> Outcome {
        let apply = || {
            crate::confine::within(settings.confine.clone(), || {
                crate::deadline::within(apply_by, step)
            })
        };
        catch_unwind(AssertUnwindSafe(apply)).unwrap_or_else(|panic| {
            Outcome::Panicked(format!("the apply step panicked: {}", text(&panic)))
        })
    };
    if let Some(command) = crate::command::detect(&payload) {
        let command = match command {
            Ok(command) => command,
            Err(message) => return (Outcome::CommandError(message), None),
        };
        let run = || {
            audit::in_command(|| commands::execute(&settings.registry, &command, &within, &turn))
        };
        let done = catch_unwind(AssertUnwindSafe(run));
        audit.command = Some(command);
        return match done {
            Ok(done) => (done.outcome, done.body),
            Err(panic) => (
                Outcome::Panicked(format!("the command panicked: {}", text(&panic))),
                None,
            ),
        };
    }
    audit.push = true;
    // One apply at a time, in arrival order, is the apply step's own
    // business (see `Settings::apply`): the listener adds no second lock.
    let outcome = within(&|| match (settings.apply)(&payload, &turn) {
        Ok(applied) => Outcome::Applied {
            kind: applied.kind,
            generation: applied.generation,
        },
        Err(why) => Outcome::not_applied(why),
    });
    (outcome, None)
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
}
