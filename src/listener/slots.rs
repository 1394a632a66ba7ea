//! The connection slots: which connections are being served, how far each
//! has got, and which one a newcomer evicts when every slot is taken.
//!
//! A connection is evictable once its thread has started reading it and
//! until its whole message is in: a connection still waiting in the queue
//! has not had its chance yet, and one being applied is past receiving.
//! A connection is given [`CHANCE`] to send its first bytes (a client's
//! message is usually waiting when its thread starts reading), and one
//! that has sent some is spared for [`GRACE`] (the rest is likely just
//! arriving); after that a trickler is evictable too. Among
//! the evictable, the one with the fewest bytes received goes, and of
//! those the one that has been read from the longest.

use super::socket::Stream;
use crate::wire::Conn;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a connection is read from before it may be evicted.
pub(crate) const CHANCE: Duration = Duration::from_millis(1);

/// How long a connection that has sent some bytes is spared eviction.
const GRACE: Duration = Duration::from_millis(100);

/// How far one connection has got; shared by its thread (which counts the
/// bytes) and the accept loop (which may evict it).
#[derive(Debug, Default)]
pub(crate) struct Progress {
    received: AtomicUsize,
    /// The whole frame's size once its 4-byte header is in (0 before).
    expected: AtomicUsize,
    state: AtomicU8,
}

const READING: u8 = 0;
const RECEIVED: u8 = 1;
const EVICTED: u8 = 2;

impl Progress {
    pub fn received(&self) -> usize {
        self.received.load(Ordering::Relaxed)
    }

    /// Marks the whole message as in; `false` when the connection was
    /// evicted first (its message is then not applied).
    pub fn finish_reading(&self) -> bool {
        self.state
            .compare_exchange(READING, RECEIVED, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// Marks the connection evicted; `false` when its message is already in.
    fn evict(&self) -> bool {
        self.state
            .compare_exchange(READING, EVICTED, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    pub fn evicted(&self) -> bool {
        self.state.load(Ordering::SeqCst) == EVICTED
    }

    /// Whether every byte of the message is in, though its thread may not
    /// have marked it yet (a loaded machine can keep that thread waiting
    /// for the CPU past the grace): such a connection is not evicted.
    fn complete(&self) -> bool {
        let expected = self.expected.load(Ordering::Relaxed);
        expected != 0 && self.received() >= expected
    }

    /// Counts `bytes`, just read; the first four (kept in `header` until
    /// they are all in) give the frame's size.
    fn count(&self, bytes: &[u8], header: &mut [u8; 4]) {
        let before = self.received.fetch_add(bytes.len(), Ordering::Relaxed);
        if before < 4 {
            let take = bytes.len().min(4 - before);
            header[before..before + take].copy_from_slice(&bytes[..take]);
            if before + take == 4 {
                let size = (u32::from_be_bytes(*header) as usize).saturating_add(4);
                self.expected.store(size, Ordering::Relaxed);
            }
        }
    }
}

/// One accepted connection, waiting for or on its thread.
#[derive(Debug)]
pub(crate) struct Job {
    pub stream: Stream,
    pub peer: String,
    pub id: u64,
    pub progress: Arc<Progress>,
}

/// A connection being served or queued: a second handle to its stream, so
/// that `stop` or an eviction can shut it down whatever its thread is
/// blocked on.
#[derive(Debug)]
pub(crate) struct Slot {
    id: u64,
    stream: Stream,
    progress: Arc<Progress>,
    /// When its thread started reading it; `None` while queued.
    reading_since: Option<Instant>,
}

/// The connections being served and the threads serving them.
#[derive(Debug, Default)]
pub(crate) struct Conns {
    pub closed: bool,
    next_id: u64,
    /// At most `max_connections`, so a list is enough.
    pub open: Vec<Slot>,
    /// Connections handed to idle threads, not yet taken.
    pub queue: VecDeque<Job>,
    /// Connection threads alive, serving or idle.
    pub threads: usize,
    /// Of those, the ones waiting for a connection.
    pub idle: usize,
}

impl Conns {
    /// Registers `stream` (a second handle to it is kept) as a new job.
    pub fn register(&mut self, stream: Stream, peer: String) -> io::Result<Job> {
        let handle = stream.try_clone()?;
        let id = self.next_id;
        self.next_id += 1;
        let progress = Arc::new(Progress::default());
        self.open.push(Slot {
            id,
            stream: handle,
            progress: Arc::clone(&progress),
            reading_since: None,
        });
        Ok(Job {
            stream,
            peer,
            id,
            progress,
        })
    }

    /// Drops the second handle of connection `id`.
    pub fn forget(&mut self, id: u64) {
        if let Some(i) = self.open.iter().position(|s| s.id == id) {
            self.open.swap_remove(i);
        }
    }

    /// Connection `id`'s thread starts reading it: from now on it may be
    /// evicted.
    pub fn start_reading(&mut self, id: u64) {
        if let Some(slot) = self.open.iter_mut().find(|s| s.id == id) {
            slot.reading_since = Some(Instant::now());
        }
    }

    /// Evicts the evictable connection with the least progress: its
    /// reading is shut down (its thread replies `evicted`) and its slot is
    /// free at once. `false` when none is evictable.
    pub fn evict_one(&mut self) -> bool {
        loop {
            let now = Instant::now();
            let candidates = self.open.iter().map(|s| {
                let waited = now - s.reading_since?;
                let received = s.progress.received();
                let spared = if received == 0 { CHANCE } else { GRACE };
                let evictable =
                    s.progress.state() == READING && waited > spared && !s.progress.complete();
                evictable.then_some((received, waited))
            });
            let Some(i) = least_progress(candidates) else {
                return false;
            };
            let slot = self.open.swap_remove(i);
            // Lost the race with its last bytes: it stays served (and off
            // the list, which only undercounts it briefly); try another.
            if slot.progress.evict() {
                let _ = slot.stream.shutdown(Shutdown::Read);
                return true;
            }
        }
    }

    /// Shuts every connection down (at stop).
    pub fn shut_all(&self) {
        for slot in &self.open {
            let _ = slot.stream.shutdown(Shutdown::Both);
        }
    }
}

impl Progress {
    fn state(&self) -> u8 {
        self.state.load(Ordering::SeqCst)
    }
}

/// The index of the candidate to evict (`None` entries are not
/// evictable): fewest bytes received, then longest read from; the first
/// of equals.
fn least_progress(candidates: impl Iterator<Item = Option<(usize, Duration)>>) -> Option<usize> {
    let mut best: Option<(usize, (usize, Duration))> = None;
    for (i, c) in candidates.enumerate() {
        let Some((received, waited)) = c else {
            continue;
        };
        let better = match best {
            None => true,
            Some((_, (r, w))) => received < r || (received == r && waited > w),
        };
        if better {
            best = Some((i, (received, waited)));
        }
    }
    best.map(|(i, _)| i)
}

/// A connection whose reads are counted into its [`Progress`];
/// `on_bytes` is called after each read that got some.
pub(crate) struct Counted<'a> {
    pub stream: &'a mut Stream,
    pub progress: &'a Progress,
    pub on_bytes: &'a mut dyn FnMut(),
    /// The frame's header as it comes in.
    pub header: [u8; 4],
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.stream.read(buf)?;
        self.progress.count(&buf[..n], &mut self.header);
        if n > 0 {
            (self.on_bytes)();
        }
        Ok(n)
    }
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

impl Conn for Counted<'_> {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        Conn::set_read_timeout(&*self.stream, timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_least_progress_goes_first_then_the_longest_waiting() {
        let pick = |c: Vec<Option<(usize, Duration)>>| least_progress(c.into_iter());
        assert_eq!(pick(vec![]), None);
        assert_eq!(pick(vec![None, None]), None);
        assert_eq!(pick(vec![Some((4, ms(900))), Some((0, ms(1)))]), Some(1));
        assert_eq!(pick(vec![Some((0, ms(5))), Some((0, ms(50)))]), Some(1));
        assert_eq!(
            pick(vec![Some((0, ms(5))), None, Some((0, ms(5)))]),
            Some(0)
        );
        assert_eq!(pick(vec![None, Some((100, ms(0)))]), Some(1));
    }

    #[test]
    fn a_message_wholly_in_is_complete_however_its_bytes_came() {
        let frame = [0, 0, 0, 3, b'a', b'b', b'c'];
        for split in [vec![7], vec![1, 1, 1, 1, 3], vec![2, 4, 1], vec![5, 2]] {
            let (p, mut header) = (Progress::default(), [0; 4]);
            let mut at = 0;
            for n in split {
                assert!(!p.complete(), "{at} bytes in");
                p.count(&frame[at..at + n], &mut header);
                at += n;
            }
            assert!(p.complete());
            assert_eq!(p.received(), 7);
        }
        // An empty message is complete with its header.
        let p = Progress::default();
        p.count(&[0, 0, 0, 0], &mut [0; 4]);
        assert!(p.complete());
    }

    #[test]
    fn a_complete_message_is_never_evicted() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        let mut conns = Conns::default();
        let job = conns.register(Stream::Tcp(server), "peer".into()).unwrap();
        conns.start_reading(job.id);
        std::thread::sleep(GRACE + ms(20));
        job.progress.count(&[0, 0, 0, 1, b'x'], &mut [0; 4]);
        assert!(!conns.evict_one(), "its whole message is in");
        drop(client);
    }

    #[test]
    fn eviction_and_the_last_bytes_race_have_one_winner() {
        let p = Progress::default();
        assert!(p.evict());
        assert!(!p.finish_reading());
        assert!(p.evicted());
        let q = Progress::default();
        assert!(q.finish_reading());
        assert!(!q.evict());
        assert!(!q.evicted());
    }

    proptest! {
        #[test]
        fn the_pick_has_the_least_progress(
            c in proptest::collection::vec(proptest::option::of((0..5usize, 0..5u64)), 0..12)
        ) {
            let c: Vec<_> = c.into_iter().map(|o| o.map(|(r, w)| (r, ms(w)))).collect();
            match least_progress(c.iter().copied()) {
                None => prop_assert!(c.iter().all(Option::is_none)),
                Some(i) => {
                    let (r, w) = c[i].unwrap();
                    for other in c.iter().flatten() {
                        prop_assert!(r < other.0 || (r == other.0 && w >= other.1));
                    }
                }
            }
        }
    }
}
