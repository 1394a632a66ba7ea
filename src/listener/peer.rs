//! Who is on the other end of a loopback TCP connection: the uid owning
//! the peer's socket, read from the kernel's socket tables
//! (`/proc/net/tcp`, `/proc/net/tcp6`) on Linux, std only.
//!
//! The peer's socket is the table entry whose local address is the
//! connection's remote one and whose remote address is its local one (the
//! listener's own socket is the reverse). An entry whose socket no process
//! holds any more (inode 0: the client closed it, or it is in TIME_WAIT)
//! says nothing about who made it, so it does not count: such a peer is
//! unknown.

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What the tables say about one connection's peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Peer {
    /// The peer's socket is held by a process of this uid.
    Uid(u32),
    /// Not found, or no longer held by any process.
    Unknown,
}

/// The owner lookup of one connection's peer, run on a helper thread
/// beside the reading of its message, so that a push pays the longer of
/// the two rather than their sum, and a slow lookup holds up only its own
/// connection. It is started by the message's first bytes (an idle or
/// empty connection costs none), at most [`MAX_LOOKUPS`] at a time in the
/// process; beyond that, or without a thread, [`Lookup::finish`] looks on
/// the caller's thread, once the whole message is in.
#[derive(Debug)]
pub(crate) struct Lookup {
    local: SocketAddr,
    remote: SocketAddr,
    answer: Option<crate::sync::Receiver<Peer>>,
}

/// Lookups running on helper threads, the process over.
static LOOKUPS: AtomicUsize = AtomicUsize::new(0);

/// A flood of connections that send a few bytes and go costs at most this
/// many table walks at a time.
pub(crate) const MAX_LOOKUPS: usize = 8;

impl Lookup {
    /// A lookup of the peer of `local` <-> `remote`, not started.
    pub fn new(local: SocketAddr, remote: SocketAddr) -> Lookup {
        Lookup {
            local,
            remote,
            answer: None,
        }
    }

    /// Starts the lookup on a helper thread, unless it runs already or
    /// [`MAX_LOOKUPS`] do.
    pub fn start(&mut self) {
        if self.answer.is_some() {
            return;
        }
        if LOOKUPS.fetch_add(1, Ordering::SeqCst) >= MAX_LOOKUPS {
            LOOKUPS.fetch_sub(1, Ordering::SeqCst);
            return;
        }
        let (tx, rx) = crate::sync::handoff();
        let (local, remote) = (self.local, self.remote);
        let body = move || {
            let peer = owner(local, remote);
            LOOKUPS.fetch_sub(1, Ordering::SeqCst);
            // The connection may be gone: then nobody takes it.
            tx.send(peer);
        };
        let spawned = crate::sync::spawn("loglisten-peer", Box::new(body));
        match spawned {
            Ok(_) => self.answer = Some(rx),
            Err(_) => {
                LOOKUPS.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }

    /// Whether it runs on a helper thread.
    #[cfg(test)]
    pub fn started(&self) -> bool {
        self.answer.is_some()
    }

    /// The answer: the helper's, or looked up now if there is none.
    pub fn finish(self) -> Peer {
        match self.answer.and_then(|answer| answer.recv(None)) {
            Some(peer) => peer,
            None => owner(self.local, self.remote),
        }
    }
}

/// Where the tables are, or `None` on a system without them.
pub(crate) fn tables_available() -> bool {
    cfg!(target_os = "linux") && std::fs::metadata("/proc/net/tcp").is_ok()
}

/// The owner of the peer of the connection `local` <-> `remote` (as seen
/// from this side), looked up in both tables.
///
/// Costly: each read of a table makes the kernel walk its hash of
/// connections (milliseconds on a large machine, however few sockets
/// there are). So the table of the peer's family is read first (a peer
/// seen as an IPv4-mapped address holds an IPv4 socket), in small pieces,
/// stopping at the entry sought: on average half a walk of one table.
pub(crate) fn owner(local: SocketAddr, remote: SocketAddr) -> Peer {
    for table in tables_for(remote) {
        let Ok(file) = std::fs::File::open(table) else {
            continue;
        };
        let mut lines = BufReader::with_capacity(PIECE, file).lines();
        let _header = lines.next();
        for line in lines.map_while(Result::ok) {
            if let Some(uid) = matching_uid(&line, remote, local) {
                return Peer::Uid(uid);
            }
        }
    }
    Peer::Unknown
}

/// How much of a table one read asks for: the kernel stops walking its
/// hash once a read is filled.
const PIECE: usize = 4096;

/// The tables to search for a peer seen at `remote`, likeliest first.
fn tables_for(remote: SocketAddr) -> [&'static str; 2] {
    let v4 = match remote.ip() {
        IpAddr::V4(_) => true,
        IpAddr::V6(v6) => v6.to_ipv4_mapped().is_some(),
    };
    if v4 {
        ["/proc/net/tcp", "/proc/net/tcp6"]
    } else {
        ["/proc/net/tcp6", "/proc/net/tcp"]
    }
}

/// The uid this process runs as (effective), from `/proc/self/status`.
pub(crate) fn own_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_status_uid(&status)
}

/// The effective uid of a `/proc/<pid>/status` text (`Uid:` real,
/// effective, saved, filesystem).
fn parse_status_uid(status: &str) -> Option<u32> {
    let line = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The uid of the held socket whose local address is `local` and remote
/// address `remote`, in a table's text. Lines that do not parse are
/// skipped.
#[cfg(test)]
fn find(table: &str, local: SocketAddr, remote: SocketAddr) -> Option<u32> {
    table
        .lines()
        .skip(1)
        .find_map(|line| matching_uid(line, local, remote))
}

/// The uid in one table line, if it is the held socket sought.
fn matching_uid(line: &str, local: SocketAddr, remote: SocketAddr) -> Option<u32> {
    let entry = parse_line(line)?;
    let matches = same(entry.local, local) && same(entry.remote, remote);
    (matches && entry.inode != 0).then_some(entry.uid)
}

/// One row of a table.
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    local: SocketAddr,
    remote: SocketAddr,
    uid: u32,
    inode: u64,
}

/// `sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...`.
fn parse_line(line: &str) -> Option<Entry> {
    let mut fields = line.split_whitespace();
    let _slot = fields.next()?.strip_suffix(':')?;
    let local = parse_addr(fields.next()?)?;
    let remote = parse_addr(fields.next()?)?;
    let mut rest = fields.skip(4);
    let uid = rest.next()?.parse().ok()?;
    let _timeout = rest.next()?;
    let inode = rest.next()?.parse().ok()?;
    Some(Entry {
        local,
        remote,
        uid,
        inode,
    })
}

/// `0100007F:1F96`: the address as the kernel's 32-bit words in this
/// machine's byte order, printed in hex (8 digits for IPv4, 32 for IPv6),
/// then the port in hex.
fn parse_addr(text: &str) -> Option<SocketAddr> {
    let (addr, port) = text.split_once(':')?;
    if port.len() != 4 {
        return None;
    }
    let port = u16::from_str_radix(port, 16).ok()?;
    let word = |i: usize| -> Option<[u8; 4]> {
        let hex = addr.get(i * 8..i * 8 + 8)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(u32::from_str_radix(hex, 16).ok()?.to_ne_bytes())
    };
    let ip: IpAddr = match addr.len() {
        8 => word(0)?.into(),
        32 => {
            let mut bytes = [0u8; 16];
            for i in 0..4 {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&word(i)?);
            }
            Ipv6Addr::from(bytes).into()
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

/// Equal addresses, an IPv4 one and its IPv4-mapped IPv6 form included.
fn same(a: SocketAddr, b: SocketAddr) -> bool {
    let canon = |ip: IpAddr| match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    a.port() == b.port() && canon(a.ip()) == canon(b.ip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex_v4(ip: [u8; 4]) -> String {
        format!("{:08X}", u32::from_ne_bytes(ip))
    }

    const TABLE: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    fn row(local: &str, remote: &str, uid: u32, inode: u64) -> String {
        format!(
            "   1: {local} {remote} 01 00000000:00000000 00:00000000 00000000 {uid:>5}        0 {inode} 1 0000000000000000 20 4 30 10 -1\n"
        )
    }

    #[test]
    fn finds_the_peer_side_and_skips_orphans() {
        let lo = hex_v4([127, 0, 0, 1]);
        let server: SocketAddr = "127.0.0.1:9030".parse().unwrap();
        let client: SocketAddr = "127.0.0.1:50000".parse().unwrap();
        let table = format!(
            "{TABLE}{}{}{}",
            // The listener's side of the connection: owned by uid 0.
            row(&format!("{lo}:2346"), &format!("{lo}:C350"), 0, 11),
            // The client's side: uid 1000.
            row(&format!("{lo}:C350"), &format!("{lo}:2346"), 1000, 12),
            // An orphan from another connection.
            row(&format!("{lo}:C351"), &format!("{lo}:2346"), 0, 0),
        );
        assert_eq!(find(&table, client, server), Some(1000));
        let gone: SocketAddr = "127.0.0.1:50001".parse().unwrap();
        assert_eq!(find(&table, gone, server), None, "an orphan is unknown");
        assert_eq!(find("", client, server), None);
    }

    #[test]
    fn reads_ipv6_rows_and_mapped_addresses() {
        // ::1 is three zero words then 1 in network order.
        let one = format!("{}{}", "0".repeat(24), hex_v4([0, 0, 0, 1]));
        let a = parse_addr(&format!("{one}:1F96")).unwrap();
        assert_eq!(a, "[::1]:8086".parse().unwrap());
        let mapped = format!(
            "{}{}{}",
            "0".repeat(16),
            hex_v4([0, 0, 0xff, 0xff]),
            hex_v4([127, 0, 0, 1])
        );
        let m = parse_addr(&format!("{mapped}:0050")).unwrap();
        assert!(same(m, "127.0.0.1:80".parse().unwrap()));
        assert!(!same(m, "127.0.0.1:81".parse().unwrap()));
        assert_eq!(parse_addr("0100007F:50"), None);
        assert_eq!(parse_addr("0100007:0050"), None);
        assert_eq!(parse_addr("0100007G:0050"), None);
    }

    #[test]
    fn the_peers_family_picks_the_table_read_first() {
        let at = |ip: &str| SocketAddr::new(ip.parse().unwrap(), 1);
        assert_eq!(tables_for(at("127.0.0.1"))[0], "/proc/net/tcp");
        assert_eq!(tables_for(at("::ffff:127.0.0.1"))[0], "/proc/net/tcp");
        assert_eq!(tables_for(at("::1"))[0], "/proc/net/tcp6");
    }

    #[test]
    fn the_effective_uid_of_a_status() {
        let status = "Name:\tx\nUmask:\t0022\nUid:\t1000\t1001\t1000\t1000\nGid:\t5\t5\t5\t5\n";
        assert_eq!(parse_status_uid(status), Some(1001));
        assert_eq!(parse_status_uid("Name:\tx\n"), None);
        assert_eq!(parse_status_uid("Uid:\t1\n"), None);
    }

    #[test]
    fn this_process_finds_its_own_connection() {
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(server.local_addr().unwrap()).unwrap();
        let (accepted, peer) = server.accept().unwrap();
        let me = own_uid().unwrap();
        assert_eq!(owner(accepted.local_addr().unwrap(), peer), Peer::Uid(me));
        drop(client);
    }

    #[test]
    fn a_started_lookup_answers_as_one_on_the_spot() {
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(server.local_addr().unwrap()).unwrap();
        let (accepted, peer) = server.accept().unwrap();
        let local = accepted.local_addr().unwrap();
        let me = Peer::Uid(own_uid().unwrap());
        let mut early = Lookup::new(local, peer);
        early.start();
        early.start();
        assert!(early.started());
        assert_eq!(early.finish(), me);
        let late = Lookup::new(local, peer);
        assert!(!late.started());
        assert_eq!(late.finish(), me);
        drop(client);
    }

    proptest! {
        #[test]
        fn any_table_text_is_read_without_panicking(text in ".{0,400}") {
            let a: SocketAddr = "127.0.0.1:1".parse().unwrap();
            let _ = find(&text, a, a);
            for line in text.lines() {
                let _ = parse_line(line);
            }
        }

        #[test]
        fn rows_round_trip(ip in any::<[u8; 4]>(), port in any::<u16>(), uid in any::<u32>(), inode in 1..u64::MAX) {
            let addr = SocketAddr::from((ip, port));
            let text = format!("{:08X}:{port:04X}", u32::from_ne_bytes(ip));
            prop_assert_eq!(parse_addr(&text), Some(addr));
            let line = row(&text, &text, uid, inode);
            let entry = parse_line(&line).unwrap();
            prop_assert_eq!(entry, Entry { local: addr, remote: addr, uid, inode });
        }
    }
}
