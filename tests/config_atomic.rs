//! All or nothing, the file system included, and no record lost or
//! doubled while configurations swap under concurrent logging. Each test
//! has a registry of its own.

use loglisten::Registry;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("loglisten-atomic-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn file(&self, name: &str) -> String {
        self.0.join(name).display().to_string().replace('\\', "/")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn file_config(logger: &str, handlers: &[(&str, &str, &str)]) -> String {
    let entries: Vec<String> = handlers
        .iter()
        .map(|(name, class, extra)| format!(r#""{name}": {{"class": "{class}"{extra}}}"#))
        .collect();
    let names: Vec<String> = handlers
        .iter()
        .map(|(n, _, _)| format!(r#""{n}""#))
        .collect();
    format!(
        r#"{{"version": 1, "disable_existing_loggers": false, "handlers": {{{}}},
            "loggers": {{"{logger}": {{"level": "DEBUG", "propagate": false, "handlers": [{}]}}}}}}"#,
        entries.join(", "),
        names.join(", ")
    )
}

#[test]
fn a_failing_config_creates_no_file_and_truncates_nothing() {
    let r = Registry::new();
    let dir = TempDir::new("aon");
    let kept = dir.file("kept.log");
    let created = dir.file("new.log");
    let running = file_config(
        "atomic.a",
        &[(
            "f",
            "logging.FileHandler",
            &format!(r#", "filename": "{kept}""#),
        )],
    );
    r.dict_config_str(&running).unwrap();
    loglisten::info!(r.get_logger("atomic.a"), "before");
    // `a` would truncate kept.log (mode w) and `b` would create new.log;
    // `c` fails on a directory that does not exist, so neither happens.
    let failing = file_config(
        "atomic.a",
        &[
            (
                "a",
                "logging.FileHandler",
                &format!(r#", "filename": "{kept}", "mode": "w""#),
            ),
            (
                "b",
                "logging.FileHandler",
                &format!(r#", "filename": "{created}""#),
            ),
            (
                "c",
                "logging.FileHandler",
                &format!(r#", "filename": "{}/missing/dir/x.log""#, dir.0.display()),
            ),
        ],
    );
    let err = r.dict_config_str(&failing).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "handlers.c: cannot open '{}/missing/dir/x.log': No such file or directory",
            dir.0.display()
        )),
        "{err}"
    );
    assert!(
        !Path::new(&created).exists(),
        "file created by the failed attempt is removed"
    );
    loglisten::info!(r.get_logger("atomic.a"), "after");
    assert_eq!(
        read(&kept),
        "before\nafter\n",
        "mode w did not truncate; the old handler still writes"
    );
    // Checked before anything is opened: a bad mode creates nothing.
    let bad_mode = file_config(
        "atomic.a",
        &[(
            "b",
            "logging.FileHandler",
            &format!(r#", "filename": "{created}", "mode": "r""#),
        )],
    );
    assert_eq!(
        r.dict_config_str(&bad_mode).unwrap_err().to_string(),
        "handlers.b.mode: unsupported file mode 'r' (use 'a' or 'w')"
    );
    assert!(!Path::new(&created).exists());
    // A successful mode w config truncates at the swap.
    let truncating = file_config(
        "atomic.a",
        &[(
            "a",
            "logging.FileHandler",
            &format!(r#", "filename": "{kept}", "mode": "w""#),
        )],
    );
    r.dict_config_str(&truncating).unwrap();
    loglisten::info!(r.get_logger("atomic.a"), "fresh");
    assert_eq!(read(&kept), "fresh\n");
    r.dict_config_str(r#"{"version": 1, "disable_existing_loggers": false, "loggers": {"atomic.a": {"handlers": []}}}"#).unwrap();
}

#[test]
fn no_record_lost_or_doubled_across_a_thousand_file_swaps() {
    let r = Registry::new();
    let dir = TempDir::new("swap");
    let (one, two) = (dir.file("one.log"), dir.file("two.log"));
    let configs: Vec<String> = [&one, &two]
        .iter()
        .map(|f| {
            file_config(
                "atomic.swap",
                &[(
                    "f",
                    "logging.FileHandler",
                    &format!(r#", "filename": "{f}""#),
                )],
            )
        })
        .collect();
    r.dict_config_str(&configs[0]).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let done = Arc::clone(&done);
            let r = r.clone();
            std::thread::spawn(move || {
                let log = r.get_logger("atomic.swap");
                let mut n = 0u64;
                while !done.load(Ordering::SeqCst) || n < 2_000 {
                    loglisten::info!(log, "{t}-{n}");
                    n += 1;
                }
                n
            })
        })
        .collect();
    for i in 0..1000 {
        r.dict_config_str(&configs[(i + 1) % 2]).unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let counts: Vec<u64> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    r.dict_config_str(r#"{"version": 1, "disable_existing_loggers": false, "loggers": {"atomic.swap": {"handlers": []}}}"#).unwrap();
    let text = read(&one) + &read(&two);
    let mut lines: Vec<&str> = text.lines().collect();
    let total: u64 = counts.iter().sum();
    assert_eq!(lines.len() as u64, total, "every record written once");
    lines.sort_unstable();
    lines.dedup();
    assert_eq!(lines.len() as u64, total, "no record twice");
    for (t, &count) in counts.iter().enumerate() {
        assert!(lines
            .binary_search(&format!("{t}-{}", count - 1).as_str())
            .is_ok());
    }
}

#[cfg(feature = "queue-handler")]
#[test]
fn no_record_lost_or_doubled_through_a_queue_across_file_swaps() {
    // The same swaps with a QueueHandler in front of the file: each
    // replaced queue hands what it holds to its file before closing.
    let registry = Registry::new();
    let dir = TempDir::new("queue");
    let (one, two) = (dir.file("one.log"), dir.file("two.log"));
    let configs: Vec<String> = [&one, &two]
        .iter()
        .map(|f| {
            format!(
                r#"{{"version": 1, "disable_existing_loggers": false,
                "handlers": {{"f": {{"class": "logging.FileHandler", "filename": "{f}"}},
                              "q": {{"class": "logging.handlers.QueueHandler", "handlers": ["f"]}}}},
                "loggers": {{"atomic.queue": {{"level": "DEBUG", "propagate": false, "handlers": ["q"]}}}}}}"#
            )
        })
        .collect();
    registry.dict_config_str(&configs[0]).unwrap();
    // A fixed number of records: callers only enqueue, so they outrun the
    // one thread writing the file, and an open-ended run would only grow
    // the backlog each swap hands over.
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let done = Arc::clone(&done);
            let log = registry.get_logger("atomic.queue");
            std::thread::spawn(move || {
                for n in 0..20_000u64 {
                    loglisten::info!(log, "{t}-{n}");
                    if n % 64 == 0 {
                        std::thread::yield_now();
                    }
                }
                done.fetch_add(1, Ordering::SeqCst);
                20_000u64
            })
        })
        .collect();
    let mut swaps = 0;
    while done.load(Ordering::SeqCst) < 2 || swaps < 50 {
        registry.dict_config_str(&configs[(swaps + 1) % 2]).unwrap();
        swaps += 1;
    }
    let counts: Vec<u64> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    registry.dict_config_str(r#"{"version": 1, "disable_existing_loggers": false, "loggers": {"atomic.queue": {"handlers": []}}}"#).unwrap();
    let text = read(&one) + &read(&two);
    let lines: Vec<&str> = text.lines().collect();
    let total: u64 = counts.iter().sum();
    assert_eq!(lines.len() as u64, total, "every record written once");
    // Each thread's records keep their order within each file.
    for file in [read(&one), read(&two)] {
        for t in 0..2 {
            let mine: Vec<u64> = file
                .lines()
                .filter_map(|l| l.strip_prefix(&format!("{t}-")))
                .map(|n| n.parse().unwrap())
                .collect();
            assert!(mine.windows(2).all(|w| w[0] < w[1]), "in order");
        }
    }
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len() as u64, total, "no record twice");
}
