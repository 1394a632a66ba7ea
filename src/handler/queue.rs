//! Python's `QueueHandler` with the `QueueListener` CPython 3.12's
//! dictConfig attaches to it: logging calls only put a prepared record on
//! a queue; one thread hands the records to the real handlers, so a slow
//! destination never holds up a caller.

use super::{Handler, SharedHandler};
use crate::record::{OwnedRecord, Record};
use std::collections::LinkedList;
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

/// The queue and its listener: dictConfig's `queue` (bounded by
/// `maxsize`), `handlers` and `respect_handler_level`.
///
/// ```
/// use loglisten::handler::QueueSettings;
/// let s = QueueSettings::default();
/// assert_eq!((s.maxsize, s.handlers.len(), s.respect_handler_level), (0, 0, false));
/// ```
#[derive(Clone, Debug, Default)]
pub struct QueueSettings {
    /// `queue.Queue(maxsize)`: at most this many records wait; 0 is
    /// unbounded. A record that finds the queue full is dropped and
    /// counted as an error of the handler, never waited for.
    pub maxsize: usize,
    /// The handlers the listener hands each record to.
    pub handlers: Vec<SharedHandler>,
    /// `respect_handler_level`: skip a handler whose level is above the
    /// record's (CPython's default, `false`, gives it every record).
    pub respect_handler_level: bool,
}

/// Python's `logging.handlers.QueueHandler` and its `QueueListener`
/// (cargo feature `queue-handler`, on by default).
///
/// Each record is prepared as CPython's `QueueHandler.prepare` does: its
/// message becomes this handler's formatted text (formatted once, on the
/// caller's thread, error and stack text folded in) and a copy crosses to
/// the listener thread, in a slot whose buffers the queue reuses. The
/// thread starts when the configuration goes live (or at once from
/// [`QueueHandler::new`]); closing stops it after it has
/// handed over everything queued, then flushes and closes its handlers.
/// Records that come after closing go straight to the handlers.
///
/// ```
/// use loglisten::handler::{QueueHandler, QueueSettings, SharedBuffer, StreamHandler};
/// use loglisten::{Level, Record, SharedHandler};
/// let out = SharedBuffer::new();
/// let target = SharedHandler::new(StreamHandler::new(out.clone()));
/// let queue = SharedHandler::new(QueueHandler::new(QueueSettings {
///     handlers: vec![target],
///     ..QueueSettings::default()
/// }));
/// queue.handle(&Record::new("app", Level::INFO, "hi"));
/// queue.close(); // waits for the listener to hand "hi" over
/// assert_eq!(out.text(), "hi\n");
/// ```
pub struct QueueHandler {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    state: Lifecycle,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lifecycle {
    NotStarted,
    Running,
    Closed,
}

struct Shared {
    settings: QueueSettings,
    queue: Mutex<Queue>,
    ready: Condvar,
    /// How many spare chunks the listener holds (for the tests).
    spare: AtomicUsize,
}

/// Records in chunks of [`CHUNK`] linked in a list, so that a backlog of
/// any length (a stalled destination) grows by one chunk at a time and
/// nothing already queued is ever copied: a caller's cost does not depend
/// on how much waits.
struct Queue {
    chunks: LinkedList<Chunk>,
    len: usize,
    /// Handed-over chunks ready for reuse with their records' buffers
    /// (at most [`FREE_CHUNKS`]; the listener keeps it filled).
    free: Vec<Chunk>,
    /// The listener waits on `ready`: the next record wakes it.
    sleeping: bool,
    stop: bool,
}

impl fmt::Debug for QueueHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueueHandler")
            .field("settings", &self.shared.settings)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl QueueHandler {
    /// A queue handler whose listener thread is already running.
    pub fn new(settings: QueueSettings) -> QueueHandler {
        let mut handler = QueueHandler::unstarted(settings);
        handler.start();
        handler
    }

    /// A queue handler whose listener starts at `commit` (the config path:
    /// nothing runs for a configuration that fails).
    pub(crate) fn unstarted(settings: QueueSettings) -> QueueHandler {
        QueueHandler {
            shared: Arc::new(Shared {
                settings,
                queue: Mutex::new(Queue {
                    chunks: LinkedList::new(),
                    len: 0,
                    free: Vec::new(),
                    sleeping: false,
                    stop: false,
                }),
                ready: Condvar::new(),
                spare: AtomicUsize::new(0),
            }),
            thread: None,
            state: Lifecycle::NotStarted,
        }
    }

    /// The settings.
    pub fn settings(&self) -> &QueueSettings {
        &self.shared.settings
    }

    /// How many records wait for the listener.
    pub fn queued(&self) -> usize {
        self.shared.lock().len
    }

    fn start(&mut self) {
        if self.state != Lifecycle::NotStarted {
            return;
        }
        let shared = Arc::clone(&self.shared);
        let spawned = crate::sync::spawn("loglisten-queue", Box::new(move || shared.listen()));
        match spawned {
            Ok(thread) => {
                self.thread = Some(thread);
                self.state = Lifecycle::Running;
            }
            // No thread: records go straight to the handlers.
            Err(_) => self.state = Lifecycle::Closed,
        }
    }

    fn stop(&mut self) {
        if let Some(thread) = self.thread.take() {
            self.shared.lock().stop = true;
            self.shared.ready.notify_one();
            let _ = thread.join();
        }
        self.state = Lifecycle::Closed;
        // Left only if the thread never ran: handed over here.
        let left = {
            let mut queue = self.shared.lock();
            queue.len = 0;
            std::mem::take(&mut queue.chunks)
        };
        for chunk in &left {
            for record in chunk.records() {
                self.shared.deliver(&record.record());
            }
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `QueueListener.handle`.
    fn deliver(&self, record: &Record<'_>) {
        for handler in &self.settings.handlers {
            if !self.settings.respect_handler_level || record.level() >= handler.level() {
                handler.handle(record);
            }
        }
    }

    /// The listener thread: takes whatever is queued in one go and hands
    /// it over, until stopped and the queue is empty.
    fn listen(&self) {
        let mut batch: LinkedList<Chunk> = LinkedList::new();
        // Handed-over chunks beyond the free list: they refill it, and
        // after a long backlog the excess is freed one chunk per round,
        // outside the lock, so no round (and no caller waiting on the
        // allocator it uses) pays for freeing a whole backlog at once.
        let mut spare: Vec<Chunk> = Vec::new();
        let mut batch_was_small = false;
        loop {
            spare.extend(std::mem::take(&mut batch));
            if spare.len() > FREE_CHUNKS {
                drop(spare.pop());
            }
            {
                let mut queue = self.lock();
                while queue.free.len() < FREE_CHUNKS {
                    let Some(mut chunk) = spare.pop() else { break };
                    chunk.used = 0;
                    queue.free.push(chunk);
                }
                self.spare.store(spare.len(), Ordering::Relaxed);
                // Right after a batch, look again shortly without asking
                // callers to signal: under steady logging they then never
                // pay for a wake-up, and records come in larger batches.
                let mut polled = batch_was_small;
                while queue.len < CHUNK && !queue.stop && polled {
                    polled = false;
                    let (q, _) = self
                        .ready
                        .wait_timeout(queue, POLL)
                        .unwrap_or_else(|e| e.into_inner());
                    queue = q;
                }
                while queue.len == 0 && !queue.stop {
                    queue.sleeping = true;
                    if spare.len() > FREE_CHUNKS {
                        // Idle with an excess to free: a chunk at a time.
                        let (q, _) = self
                            .ready
                            .wait_timeout(queue, RELEASE_EVERY)
                            .unwrap_or_else(|e| e.into_inner());
                        queue = q;
                        if queue.len == 0 && !queue.stop {
                            queue.sleeping = false;
                            break;
                        }
                    } else {
                        queue = self.ready.wait(queue).unwrap_or_else(|e| e.into_inner());
                    }
                }
                queue.sleeping = false;
                if queue.len == 0 {
                    if queue.stop {
                        return;
                    }
                    // Woken to free one more spare chunk.
                    continue;
                }
                queue.len = 0;
                std::mem::swap(&mut queue.chunks, &mut batch);
            }
            batch_was_small = batch.len() <= 1;
            for chunk in &batch {
                for record in chunk.records() {
                    self.deliver(&record.record());
                }
            }
        }
    }
}

/// How long the listener waits for more records after a small batch.
const POLL: std::time::Duration = std::time::Duration::from_micros(200);

/// Records per chunk of the queue.
const CHUNK: usize = 256;
/// Emptied chunks kept for reuse: this many ready for callers, and as
/// many again spare with the listener.
const FREE_CHUNKS: usize = 16;
/// How often an idle listener frees one chunk of an excess.
const RELEASE_EVERY: std::time::Duration = std::time::Duration::from_millis(1);

/// Up to [`CHUNK`] records; those past `used` are spent slots whose
/// buffers the next records reuse.
struct Chunk {
    slots: Vec<OwnedRecord>,
    used: usize,
}

impl Chunk {
    fn records(&self) -> &[OwnedRecord] {
        &self.slots[..self.used]
    }
}

impl Queue {
    /// Queues `record` prepared with `text`, in a spent slot if there is
    /// one (no allocation) or a new one.
    fn push(&mut self, record: &Record<'_>, text: &str) {
        if self.chunks.back().is_none_or(|c| c.used == CHUNK) {
            let chunk = self.free.pop().unwrap_or_else(|| Chunk {
                slots: Vec::with_capacity(CHUNK),
                used: 0,
            });
            self.chunks.push_back(chunk);
        }
        if let Some(chunk) = self.chunks.back_mut() {
            match chunk.slots.get_mut(chunk.used) {
                Some(slot) => slot.prepare_from(record, text),
                None => chunk.slots.push(OwnedRecord::prepared(record, text)),
            }
            chunk.used += 1;
        }
        self.len += 1;
    }
}

impl Handler for QueueHandler {
    fn emit(&mut self, record: &Record, text: &str) -> io::Result<()> {
        if self.state == Lifecycle::NotStarted {
            self.start();
        }
        if self.state == Lifecycle::Closed {
            self.shared
                .deliver(&OwnedRecord::prepared(record, text).record());
            return Ok(());
        }
        let wake = {
            let mut queue = self.shared.lock();
            let maxsize = self.shared.settings.maxsize;
            if maxsize > 0 && queue.len >= maxsize {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!("queue full ({maxsize} records): record dropped"),
                ));
            }
            queue.push(record, text);
            std::mem::replace(&mut queue.sleeping, false)
        };
        if wake {
            self.shared.ready.notify_one();
        }
        Ok(())
    }

    fn commit(&mut self) -> io::Result<()> {
        self.start();
        Ok(())
    }

    /// Hands over what is queued, stops the thread and waits for it, then
    /// flushes and closes the handlers it fed.
    fn close(&mut self) -> io::Result<()> {
        self.stop();
        for handler in &self.shared.settings.handlers {
            handler.flush();
            handler.close();
        }
        Ok(())
    }
}

impl Drop for QueueHandler {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Formatter;
    use crate::handler::{SharedBuffer, StreamHandler};
    use crate::level::Level;
    use std::time::Duration;

    fn target(level: Level) -> (SharedBuffer, SharedHandler) {
        let out = SharedBuffer::new();
        let fmt = Formatter::builder()
            .fmt("%(levelname)s:%(message)s")
            .build()
            .unwrap();
        let handler = SharedHandler::builder(StreamHandler::new(out.clone()))
            .level(level)
            .formatter(fmt)
            .build();
        (out, handler)
    }

    #[test]
    fn the_message_is_the_queue_formatters_text() {
        let (out, t) = target(Level::NOTSET);
        let fmt = Formatter::builder().fmt("[%(name)s] %(message)s").build();
        let queue = SharedHandler::builder(QueueHandler::new(QueueSettings {
            handlers: vec![t],
            ..QueueSettings::default()
        }))
        .formatter(fmt.unwrap())
        .build();
        queue.handle(&Record::new("app", Level::INFO, "one"));
        queue.close();
        assert_eq!(out.text(), "INFO:[app] one\n");
    }

    #[test]
    fn prepare_folds_stack_and_error_text_into_the_message_once() {
        // CPython's prepare: msg is the formatted text; exc_text and
        // stack_info become None, so the target does not append them again.
        let (out, t) = target(Level::NOTSET);
        let queue = SharedHandler::new(QueueHandler::new(QueueSettings {
            handlers: vec![t],
            ..QueueSettings::default()
        }));
        let error = io::Error::other("disk gone");
        let record = Record::new("app", Level::ERROR, "failed")
            .with_error(&error)
            .with_stack_info("  frame 1".to_string());
        queue.handle(&record);
        queue.handle(&record);
        queue.close();
        let one = "ERROR:failed\nError: disk gone\nStack (most recent call last):\n  frame 1\n";
        assert_eq!(out.text(), one.repeat(2));
    }

    #[test]
    fn spent_slots_are_refilled_in_order_across_batches() {
        // More records than the kept chunks hold, in rounds: every record
        // once, in order, with its own name and message.
        let (out, t) = target(Level::NOTSET);
        let queue = SharedHandler::new(QueueHandler::new(QueueSettings {
            handlers: vec![t],
            ..QueueSettings::default()
        }));
        let mut expected = String::new();
        for round in 0..3 {
            for i in 0..(CHUNK * (FREE_CHUNKS + 2) / 3) {
                let name = format!("n{}", i % 7);
                let message = "x".repeat(i % 50);
                queue.handle(&Record::new(&name, Level::INFO, &message));
                expected.push_str(&format!("INFO:{message}\n"));
            }
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while out.text().len() < expected.len() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(2));
            }
            assert_eq!(out.text(), expected, "round {round}");
        }
        queue.close();
    }

    /// A handler that takes each message once its gate is open.
    #[derive(Debug)]
    struct Gated {
        gate: Arc<Mutex<()>>,
        seen: Arc<Mutex<Vec<String>>>,
    }

    impl Handler for Gated {
        fn emit(&mut self, record: &Record, _text: &str) -> io::Result<()> {
            let _open = self.gate.lock().unwrap();
            self.seen.lock().unwrap().push(record.message().to_string());
            Ok(())
        }
    }

    #[test]
    fn a_long_backlog_is_delivered_whole_then_freed_down_to_the_kept_chunks() {
        let gate = Arc::new(Mutex::new(()));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let target = SharedHandler::new(Gated {
            gate: Arc::clone(&gate),
            seen: Arc::clone(&seen),
        });
        let mut queue = QueueHandler::new(QueueSettings {
            handlers: vec![target],
            ..QueueSettings::default()
        });
        // The destination stalls while 40 chunks' worth queue up.
        let total = CHUNK * 40 + 7;
        let closed = gate.lock().unwrap();
        for i in 0..total {
            queue
                .emit(&Record::new("a", Level::INFO, ""), &i.to_string())
                .unwrap();
        }
        drop(closed);
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let settled = || {
            let free = queue.shared.lock().free.len();
            let spare = queue.shared.spare.load(Ordering::Relaxed);
            seen.lock().unwrap().len() == total && (free, spare) == (FREE_CHUNKS, FREE_CHUNKS)
        };
        while !settled() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let expected: Vec<String> = (0..total).map(|i| i.to_string()).collect();
        assert_eq!(*seen.lock().unwrap(), expected);
        assert_eq!(queue.shared.lock().free.len(), FREE_CHUNKS);
        assert_eq!(queue.shared.spare.load(Ordering::Relaxed), FREE_CHUNKS);
        queue.close().unwrap();
    }

    #[test]
    fn respect_handler_level_skips_handlers_above_the_record() {
        for (respect, expected) in [(false, "DEBUG:d\nERROR:e\n"), (true, "ERROR:e\n")] {
            let (out, t) = target(Level::WARNING);
            let queue = SharedHandler::new(QueueHandler::new(QueueSettings {
                handlers: vec![t],
                respect_handler_level: respect,
                ..QueueSettings::default()
            }));
            queue.handle(&Record::new("a", Level::DEBUG, "d"));
            queue.handle(&Record::new("a", Level::ERROR, "e"));
            queue.close();
            assert_eq!(out.text(), expected);
        }
    }

    #[test]
    fn a_full_queue_drops_and_counts_without_blocking() {
        // Not started: nothing drains, so the third record finds it full.
        let (out, t) = target(Level::NOTSET);
        let mut handler = QueueHandler::unstarted(QueueSettings {
            maxsize: 2,
            handlers: vec![t],
            ..QueueSettings::default()
        });
        handler.state = Lifecycle::Running; // as if started, with no thread
        let queue = SharedHandler::new(handler);
        for m in ["1", "2", "3", "4"] {
            queue.handle(&Record::new("a", Level::INFO, m));
        }
        assert_eq!(queue.error_count(), 2);
        queue.close();
        // The two kept are handed over when closing (no thread: directly).
        assert_eq!(out.text(), "INFO:1\nINFO:2\n");
    }

    #[test]
    fn records_after_close_go_straight_to_the_handlers() {
        let (out, t) = target(Level::NOTSET);
        let queue = SharedHandler::new(QueueHandler::new(QueueSettings {
            handlers: vec![t],
            ..QueueSettings::default()
        }));
        queue.close();
        queue.handle(&Record::new("a", Level::INFO, "late"));
        assert_eq!(out.text(), "INFO:late\n");
    }

    #[test]
    fn the_listener_delivers_without_close() {
        let (out, t) = target(Level::NOTSET);
        let queue = SharedHandler::new(QueueHandler::new(QueueSettings {
            handlers: vec![t],
            ..QueueSettings::default()
        }));
        for i in 0..1000 {
            queue.handle(&Record::new("a", Level::INFO, &i.to_string()));
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while out.text().lines().count() < 1000 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let expected: String = (0..1000).map(|i| format!("INFO:{i}\n")).collect();
        assert_eq!(out.text(), expected);
        queue.close();
    }
}
