//! Name lookups that give up. std's resolver (`getaddrinfo`) blocks for as
//! long as the system's takes: seconds, or minutes with a DNS server that
//! does not answer. So a lookup runs on a helper thread and is waited for
//! only until a timeout, itself capped by the apply deadline in force;
//! past it the caller gets `TimedOut`, `timed out resolving 'host'`, and
//! the helper ends on its own when the system answers. A literal address
//! needs no lookup and no thread. A leaf: the network handlers and the
//! dry run call it.

use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Lookups still running on helper threads, the process over: past
/// [`MAX_PENDING`], a new lookup fails at once instead of adding a thread
/// (a resolver that hangs must not cost a thread per configuration).
static PENDING: AtomicUsize = AtomicUsize::new(0);
const MAX_PENDING: usize = 8;

/// The addresses of `host` at `port`, as `(host, port).to_socket_addrs()`
/// gives them, waiting at most `timeout` (less if the apply deadline in
/// force comes first).
pub(crate) fn resolve(host: &str, port: u16, timeout: Duration) -> io::Result<Vec<SocketAddr>> {
    resolve_counted(&PENDING, host, port, timeout)
}

/// [`resolve`], counting the helper threads in `pending`.
fn resolve_counted(
    pending: &'static AtomicUsize,
    host: &str,
    port: u16,
    timeout: Duration,
) -> io::Result<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let timeout = crate::deadline::cap(timeout);
    let timed_out = || {
        io::Error::new(
            io::ErrorKind::TimedOut,
            format!("timed out resolving '{host}'"),
        )
    };
    if timeout.is_zero() {
        return Err(timed_out());
    }
    if pending.fetch_add(1, Ordering::SeqCst) >= MAX_PENDING {
        pending.fetch_sub(1, Ordering::SeqCst);
        return Err(io::Error::new(
            io::ErrorKind::WouldBlock,
            format!("cannot resolve '{host}': {MAX_PENDING} earlier lookups are still running"),
        ));
    }
    let (tx, rx) = crate::sync::handoff();
    let name = host.to_string();
    let body = move || {
        let found = lookup(&name, port);
        pending.fetch_sub(1, Ordering::SeqCst);
        // The caller may have given up: then nobody takes it.
        tx.send(found);
    };
    let spawned = crate::sync::spawn("loglisten-resolve", Box::new(body));
    if let Err(e) = spawned {
        pending.fetch_sub(1, Ordering::SeqCst);
        return Err(e);
    }
    match rx.recv(Some(timeout)) {
        Some(found) => found,
        None => Err(timed_out()),
    }
}

/// The system's lookup.
#[cfg(not(test))]
fn lookup(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    Ok((host, port).to_socket_addrs()?.collect())
}

/// The system's lookup, except for `<ms>.slow.test` (a reserved name that
/// never resolves for real): `ms` milliseconds, then loopback. Tests use
/// it for a resolver that takes its time.
#[cfg(test)]
fn lookup(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    if let Some(ms) = host.strip_suffix(".slow.test") {
        let ms = ms.parse().unwrap_or(0);
        std::thread::sleep(Duration::from_millis(ms));
        return Ok(vec![SocketAddr::from(([127, 0, 0, 1], port))]);
    }
    Ok((host, port).to_socket_addrs()?.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn literal_addresses_need_no_lookup() {
        let v4 = resolve("127.0.0.1", 514, Duration::ZERO).unwrap();
        assert_eq!(v4, vec![SocketAddr::from(([127, 0, 0, 1], 514))]);
        let v6 = resolve("::1", 80, Duration::ZERO).unwrap();
        assert_eq!(v6, vec!["[::1]:80".parse().unwrap()]);
    }

    #[test]
    fn a_slow_lookup_gives_up_at_its_timeout_naming_the_host() {
        let start = Instant::now();
        let err = resolve("2000.slow.test", 514, Duration::from_millis(100)).unwrap_err();
        let took = start.elapsed();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert_eq!(err.to_string(), "timed out resolving '2000.slow.test'");
        assert!(took >= Duration::from_millis(100), "{took:?}");
        assert!(took < Duration::from_millis(1500), "{took:?}");
    }

    #[test]
    fn the_apply_deadline_caps_the_wait() {
        let start = Instant::now();
        let by = start + Duration::from_millis(50);
        let err = crate::deadline::within(by, || {
            resolve("3000.slow.test", 1, Duration::from_secs(10)).unwrap_err()
        });
        assert_eq!(err.to_string(), "timed out resolving '3000.slow.test'");
        assert!(start.elapsed() < Duration::from_millis(1500));
        // Past the deadline, no lookup starts.
        let err =
            crate::deadline::within(start, || resolve("x.slow.test", 1, Duration::from_secs(1)));
        assert_eq!(err.unwrap_err().kind(), io::ErrorKind::TimedOut);
    }

    #[test]
    fn a_quick_lookup_answers() {
        let found = resolve("5.slow.test", 9, Duration::from_secs(5)).unwrap();
        assert_eq!(found, vec![SocketAddr::from(([127, 0, 0, 1], 9))]);
        let local = resolve("localhost", 9, Duration::from_secs(5)).unwrap();
        assert!(
            local.iter().all(|a| a.ip().is_loopback() && a.port() == 9),
            "{local:?}"
        );
    }

    #[test]
    fn hung_lookups_are_bounded_and_end_on_their_own() {
        static OWN: AtomicUsize = AtomicUsize::new(0);
        let short = Duration::from_millis(10);
        for _ in 0..MAX_PENDING {
            let err = resolve_counted(&OWN, "400.slow.test", 1, short).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        }
        let err = resolve_counted(&OWN, "1.slow.test", 1, short).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot resolve '1.slow.test': 8 earlier lookups are still running"
        );
        let give_up = Instant::now() + Duration::from_secs(10);
        while OWN.load(Ordering::SeqCst) > 0 {
            assert!(Instant::now() < give_up, "the helpers never ended");
            std::thread::sleep(Duration::from_millis(5));
        }
        let found = resolve_counted(&OWN, "1.slow.test", 2, Duration::from_secs(5)).unwrap();
        assert_eq!(found, vec![SocketAddr::from(([127, 0, 0, 1], 2))]);
    }

    #[test]
    #[cfg(feature = "net-handlers")]
    fn network_handlers_give_up_on_a_slow_name_within_their_timeout() {
        use crate::handler::{
            DatagramHandler, Handler, HttpHandler, HttpSettings, SmtpHandler, SmtpSettings,
            SocketHandler, SocketSettings,
        };
        use crate::{Level, Record};
        let record = Record::new("app", Level::INFO, "hi");
        let short = Duration::from_millis(100);
        let mut socket = SocketSettings::new("2000.slow.test", 9);
        socket.timeout = short;
        let mut http = HttpSettings::new("2000.slow.test:80", "/log");
        http.timeout = short;
        let mut smtp = SmtpSettings::new("2000.slow.test", "a@b", &["c@d"], "s");
        smtp.timeout = short;
        let mut handlers: Vec<Box<dyn Handler>> = vec![
            Box::new(SocketHandler::new(socket.clone())),
            Box::new(DatagramHandler::new(socket)),
            Box::new(HttpHandler::new(http).unwrap()),
            Box::new(SmtpHandler::new(smtp)),
        ];
        for h in &mut handlers {
            let start = Instant::now();
            let err = h.emit(&record, "hi").unwrap_err();
            let took = start.elapsed();
            assert_eq!(err.to_string(), "timed out resolving '2000.slow.test'");
            assert!(took < Duration::from_millis(1500), "{took:?}");
        }
    }
}
