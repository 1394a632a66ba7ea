use super::*;
use loglisten::{Applied, ConfigKind, Listener};
use std::collections::{HashMap, HashSet};
use std::net::TcpListener;
use std::sync::atomic::AtomicBool;
use std::sync::{Condvar, Mutex};
use std::time::Instant;

fn options(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn files(name: &str) -> io::Result<String> {
    let files: HashMap<&str, &str> = [
        ("a.txt", "127.0.0.1:2\n# x\n127.0.0.1:3\n"),
        ("bad.txt", "127.0.0.1:2\n\nlocalhost\n"),
    ]
    .into();
    files
        .get(name)
        .map(|s| s.to_string())
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "not found"))
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn options_default_to_16_at_once_and_10_seconds() {
    let args = FleetArgs::from_options("send", &options(&[("port", "1")]), files).unwrap();
    let want = FleetArgs {
        targets: vec![],
        parallel: 16,
        timeout: Duration::from_secs(10),
    };
    assert_eq!(args, want);
}

#[test]
fn targets_keep_the_command_line_order() {
    let given = options(&[
        ("to", "127.0.0.1:1"),
        ("targets", "a.txt"),
        ("parallel", "3"),
        ("to", "[::1]:4"),
        ("timeout", "250ms"),
    ]);
    let args = FleetArgs::from_options("send", &given, files).unwrap();
    let want = FleetArgs {
        targets: strings(&["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", "[::1]:4"]),
        parallel: 3,
        timeout: Duration::from_millis(250),
    };
    assert_eq!(args, want);
}

#[test]
fn bad_options_are_one_line_usage_errors() {
    let cases: [(&[(&str, &str)], &str); 9] = [
        (
            &[("to", "nowhere")],
            "send: --to 'nowhere' is not host:port (no port)",
        ),
        (
            &[("targets", "bad.txt")],
            "send: bad.txt:3: 'localhost' is not host:port (no port)",
        ),
        (
            &[("targets", "gone.txt")],
            "send: cannot read targets file gone.txt: not found",
        ),
        (
            &[("to", "h:1"), ("parallel", "0")],
            "send: --parallel must be a number from 1 to 1024, not '0'",
        ),
        (
            &[("to", "h:1"), ("parallel", "1025")],
            "send: --parallel must be a number from 1 to 1024, not '1025'",
        ),
        (
            &[("to", "h:1"), ("parallel", "-1")],
            "send: --parallel must be a number from 1 to 1024, not '-1'",
        ),
        (
            &[("parallel", "4")],
            "send: --parallel needs --to or --targets",
        ),
        (&[("timeout", "0s")], "send: --timeout must be more than 0"),
        (
            &[("timeout", "10")],
            "send: --timeout '10' is not a duration (like 500ms, 90s, 2m or 1h)",
        ),
    ];
    for (given, want) in cases {
        let got = FleetArgs::from_options("send", &options(given), files);
        assert_eq!(got, Err(want.to_string()), "{given:?}");
    }
}

#[test]
fn the_pool_never_runs_more_than_n_at_once() {
    for (items, parallel) in [(40, 4), (3, 8), (1, 1), (17, 16)] {
        let current = AtomicUsize::new(0);
        let max = AtomicUsize::new(0);
        let threads = Mutex::new(HashSet::new());
        let reachable = parallel.min(items);
        let results = run_bounded(
            &(0..items).collect::<Vec<_>>(),
            parallel,
            |&i| {
                threads.lock().unwrap().insert(std::thread::current().id());
                let now = current.fetch_add(1, Ordering::SeqCst) + 1;
                max.fetch_max(now, Ordering::SeqCst);
                // Hold until the bound has been reached once, so the
                // maximum is the bound itself rather than a scheduling
                // accident (the deadline only ends a failing test).
                let deadline = Instant::now() + Duration::from_secs(10);
                while max.load(Ordering::SeqCst) < reachable && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(1));
                }
                // Then stay a while: an unbounded pool would overlap more.
                std::thread::sleep(Duration::from_millis(5));
                current.fetch_sub(1, Ordering::SeqCst);
                i * 10
            },
            |_, _| {},
        );
        assert_eq!(
            max.load(Ordering::SeqCst),
            reachable,
            "{items} by {parallel}"
        );
        assert!(threads.lock().unwrap().len() <= reachable);
        assert_eq!(results, (0..items).map(|i| i * 10).collect::<Vec<_>>());
    }
}

/// Items marked done, and a way to wait for one.
#[derive(Default)]
struct Done {
    set: Mutex<HashSet<usize>>,
    changed: Condvar,
}

impl Done {
    fn mark(&self, i: usize) {
        self.set.lock().unwrap().insert(i);
        self.changed.notify_all();
    }

    /// Waits (at most 10 s) until all of `wanted` are done; false if not.
    fn wait_for(&self, wanted: impl Fn(&HashSet<usize>) -> bool) -> bool {
        let set = self.set.lock().unwrap();
        let (set, _) = self
            .changed
            .wait_timeout_while(set, Duration::from_secs(10), |s| !wanted(s))
            .unwrap();
        wanted(&set)
    }
}

#[test]
fn results_come_out_in_item_order_whatever_order_they_finish_in() {
    // Item i finishes only after item i + 1: the last finishes first.
    let n = 8;
    let done = Done::default();
    let mut emitted = Vec::new();
    let results = run_bounded(
        &(0..n).collect::<Vec<_>>(),
        n,
        |&i| {
            let waited = i + 1 == n || done.wait_for(|s| s.contains(&(i + 1)));
            done.mark(i);
            (i, waited)
        },
        |index, result| emitted.push((index, *result)),
    );
    let want: Vec<(usize, (usize, bool))> = (0..n).map(|i| (i, (i, true))).collect();
    assert_eq!(emitted, want);
    assert_eq!(results, want.iter().map(|w| w.1).collect::<Vec<_>>());
}

#[test]
fn a_slow_item_does_not_hold_up_the_others() {
    // Item 0 finishes only once all the others have: with two at once,
    // they all go through the second worker meanwhile.
    let done = Done::default();
    let results = run_bounded(
        &(0..11).collect::<Vec<_>>(),
        2,
        |&i| {
            let ok = i != 0 || done.wait_for(|s| s.len() == 10);
            done.mark(i);
            ok
        },
        |_, _| {},
    );
    assert_eq!(results, vec![true; 11]);
}

#[test]
fn an_empty_list_runs_nothing() {
    let results = run_bounded(&[] as &[u8], 4, |_| unreachable!(), |_, _| unreachable!());
    assert!(results.is_empty());
}

#[test]
fn outcomes_of_a_send() {
    let cases = [
        (
            Ok(Reply::Ok {
                kind: ConfigKind::Dict,
                generation: 4,
            }),
            Outcome::Ok("ok dict 4".into()),
        ),
        (Ok(Reply::Rejected), Outcome::Failed("rejected".into())),
        (
            Ok(Reply::Error("bad".into())),
            Outcome::Failed("error: bad".into()),
        ),
        (
            Ok(Reply::NoAck),
            Outcome::NoReply("the listener closed without a reply".into()),
        ),
        (
            Err(io::Error::new(io::ErrorKind::TimedOut, "timed out")),
            Outcome::NoReply("timed out".into()),
        ),
    ];
    for (result, want) in cases {
        assert_eq!(Outcome::of_send(result), want);
    }
}

#[test]
fn the_report_aligns_one_line_per_target_then_sums_up() {
    let targets = strings(&["127.0.0.1:9031", "[::1]:9", "db-1.example.com:9030"]);
    let mut out = Vec::new();
    let mut report = Report::new(&targets);
    report.line(&mut out, 0, &Outcome::Ok("ok dict 4".into()));
    report.line(&mut out, 1, &Outcome::Failed("error: a\nb\r\nc".into()));
    report.line(&mut out, 2, &Outcome::NoReply("timed out".into()));
    assert_eq!(report.finish(&mut out), 2);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "127.0.0.1:9031         ok dict 4\n\
         [::1]:9                error: a b  c\n\
         db-1.example.com:9030  no reply: timed out\n\
         3 targets: 1 ok, 2 failed\n"
    );
    let one = strings(&["h:1"]);
    let mut out = Vec::new();
    let mut report = Report::new(&one);
    report.line(&mut out, 0, &Outcome::Ok("ok file 1".into()));
    assert_eq!(report.finish(&mut out), 0);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "h:1  ok file 1\n1 target: 1 ok, 0 failed\n"
    );
}

#[test]
fn a_silent_target_ends_at_its_timeout() {
    // Bound but never accepted: the connection completes in the backlog,
    // the reply never comes.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    // No same-user lookup: under load it can take longer than the 200 ms
    // this test gives every target.
    let live = Listener::builder()
        .port(0)
        .allow_any_local_user()
        .apply(|_: &[u8]| {
            Ok(Applied {
                kind: ConfigKind::Dict,
                generation: 3,
            })
        })
        .spawn()
        .unwrap();
    let silent_addr = silent.local_addr().unwrap().to_string();
    let live_addr = format!("127.0.0.1:{}", live.port());
    let targets = vec![silent_addr.clone(), live_addr.clone()];
    let options = SendOptions {
        key: None,
        timeout: Duration::from_millis(200),
    };
    // One at a time: the live target waits for the silent one's timeout.
    let mut out = Vec::new();
    let failed = send_to_all(&targets, 1, b"{}", &options, &mut out);
    assert_eq!(failed, 1);
    let w = silent_addr.len().max(live_addr.len());
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!(
            "{silent_addr:<w$}  no reply: timed out waiting for the listener's reply\n\
             {live_addr:<w$}  ok dict 3\n\
             2 targets: 1 ok, 1 failed\n"
        )
    );
}

#[test]
fn an_ip_address_needs_no_lookup() {
    fn no_lookup(_: &str) -> io::Result<Vec<SocketAddr>> {
        panic!("looked up")
    }
    let got = contact("[::1]:9", Duration::from_secs(1), no_lookup, |a, left| {
        Ok((a.to_vec(), left <= Duration::from_secs(1)))
    });
    assert_eq!(got.unwrap(), (vec!["[::1]:9".parse().unwrap()], true));
}

#[test]
fn a_host_name_is_looked_up_within_the_timeout() {
    fn quick(name: &str) -> io::Result<Vec<SocketAddr>> {
        assert_eq!(name, "db-1:9030");
        Ok(vec!["127.0.0.1:9030".parse().unwrap()])
    }
    fn unknown(_: &str) -> io::Result<Vec<SocketAddr>> {
        Err(io::Error::other("no such host"))
    }
    // Held until the test lets it go, which it does after `contact` has
    // returned.
    static RELEASE: AtomicBool = AtomicBool::new(false);
    fn stuck(_: &str) -> io::Result<Vec<SocketAddr>> {
        while !RELEASE.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(vec![])
    }
    let timeout = Duration::from_millis(100);
    let got = contact("db-1:9030", timeout, quick, |a, _| Ok(a.to_vec()));
    assert_eq!(got.unwrap(), vec!["127.0.0.1:9030".parse().unwrap()]);
    let failed = |lookup| {
        contact("db-1:9030", timeout, lookup, |_, _| Ok(()))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(failed(unknown), "no such host");
    assert_eq!(failed(stuck), "timed out resolving the host name");
    RELEASE.store(true, Ordering::SeqCst);
}

#[test]
fn ten_thousand_items_go_through_in_order() {
    let items: Vec<usize> = (0..10_000).collect();
    let mut next = 0;
    let results = run_bounded(
        &items,
        16,
        |&i| i + 1,
        |index, &result| {
            assert_eq!((index, result), (next, next + 1));
            next += 1;
        },
    );
    assert_eq!(next, 10_000);
    assert_eq!(results, (1..=10_000).collect::<Vec<_>>());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn any_pool_is_bounded_and_in_order(items in 0usize..60, parallel in 1usize..20) {
        let current = AtomicUsize::new(0);
        let max = AtomicUsize::new(0);
        let mut emitted = Vec::new();
        let results = run_bounded(
            &(0..items).collect::<Vec<_>>(),
            parallel,
            |&i| {
                let now = current.fetch_add(1, Ordering::SeqCst) + 1;
                max.fetch_max(now, Ordering::SeqCst);
                std::thread::yield_now();
                current.fetch_sub(1, Ordering::SeqCst);
                i
            },
            |index, &result| emitted.push((index, result)),
        );
        proptest::prop_assert!(max.load(Ordering::SeqCst) <= parallel);
        proptest::prop_assert_eq!(&results, &(0..items).collect::<Vec<_>>());
        proptest::prop_assert_eq!(emitted, (0..items).map(|i| (i, i)).collect::<Vec<_>>());
    }
}

#[test]
fn a_targets_file_is_utf8_and_bounded() {
    let dir = std::env::temp_dir().join(format!("loglisten-fleet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| dir.join(name).display().to_string();
    std::fs::write(path("ok.txt"), "127.0.0.1:1\n").unwrap();
    std::fs::write(path("latin1.txt"), b"caf\xe9:1\n").unwrap();
    std::fs::write(path("big.txt"), vec![b'#'; (16 << 20) + 1]).unwrap();
    std::fs::write(path("limit.txt"), vec![b'\n'; 16 << 20]).unwrap();
    let read = |name: &str| read_targets_file(&path(name)).map_err(|e| e.to_string());
    assert_eq!(read("ok.txt"), Ok("127.0.0.1:1\n".to_string()));
    assert_eq!(
        read("latin1.txt"),
        Err("stream did not contain valid UTF-8".to_string())
    );
    assert_eq!(read("big.txt"), Err("larger than 16 MiB".to_string()));
    assert_eq!(read("limit.txt").map(|t| t.len()), Ok(16 << 20));
    #[cfg(unix)]
    assert_eq!(
        read_targets_file("/dev/zero").map_err(|e| e.to_string()),
        Err("larger than 16 MiB".to_string())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
