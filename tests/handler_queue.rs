//! QueueHandler as dictConfig and fileConfig configure it: the listener
//! thread starts when the configuration goes live and hands everything
//! queued to its handlers when the configuration is replaced.

use loglisten::dict_config_str;
#[cfg(feature = "queue-handler")]
use loglisten::{file_config_str, get_logger};
#[cfg(feature = "queue-handler")]
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(feature = "queue-handler")]
fn temp_file(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("loglisten-queue-{name}-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[cfg(feature = "queue-handler")]
fn reset(logger: &str) {
    let text = format!(
        r#"{{"version": 1, "disable_existing_loggers": false, "loggers": {{"{logger}": {{"handlers": []}}}}}}"#
    );
    dict_config_str(&text).unwrap();
}

#[cfg(feature = "queue-handler")]
fn queue_config(logger: &str, queue: &str, file: &str) -> String {
    format!(
        r#"{{"version": 1, "disable_existing_loggers": false,
        "formatters": {{"plain": {{"format": "%(levelname)s %(name)s %(message)s"}},
                        "tagged": {{"format": "[q] %(message)s"}}}},
        "handlers": {{
            "file": {{"class": "logging.FileHandler", "filename": "{file}", "formatter": "plain", "level": "WARNING"}},
            "q": {{"class": "logging.handlers.QueueHandler", "formatter": "tagged", {queue}}}}},
        "loggers": {{"{logger}": {{"level": "DEBUG", "propagate": false, "handlers": ["q"]}}}}}}"#,
        file = file.replace('\\', "/")
    )
}

#[cfg(feature = "queue-handler")]
#[test]
fn records_reach_the_file_through_the_listener_in_order() {
    let _g = serial();
    let path = temp_file("order");
    let file = path.display().to_string();
    let config = queue_config("q.order", r#""handlers": ["file"]"#, &file);
    dict_config_str(&config).unwrap();
    let log = get_logger("q.order");
    for i in 0..500 {
        loglisten::info!(log, "m{i}");
    }
    reset("q.order");
    let expected: String = (0..500)
        .map(|i| format!("INFO q.order [q] m{i}\n"))
        .collect();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    let _ = std::fs::remove_file(&path);
}

#[cfg(feature = "queue-handler")]
#[test]
fn respect_handler_level_and_a_bounded_queue_are_configured() {
    let _g = serial();
    let path = temp_file("respect");
    let file = path.display().to_string();
    let queue = r#""handlers": ["file"], "respect_handler_level": true,
        "queue": {"()": "queue.Queue", "maxsize": 10000},
        "listener": "logging.handlers.QueueListener""#;
    dict_config_str(&queue_config("q.respect", queue, &file)).unwrap();
    let log = get_logger("q.respect");
    loglisten::info!(log, "skipped: below the file's WARNING");
    loglisten::warning!(log, "kept");
    reset("q.respect");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "WARNING q.respect [q] kept\n"
    );
    let _ = std::fs::remove_file(&path);
}

#[cfg(feature = "queue-handler")]
#[test]
fn file_config_takes_the_handlers_as_a_keyword() {
    let _g = serial();
    let path = temp_file("ini");
    let file = path.display().to_string().replace('\\', "/");
    let ini = format!(
        "[loggers]\nkeys=root,q\n[handlers]\nkeys=f,q\n[formatters]\nkeys=\n\
         [logger_root]\nhandlers=\n\
         [logger_q]\nqualname=q.ini\nlevel=DEBUG\npropagate=0\nhandlers=q\n\
         [handler_f]\nclass=FileHandler\nargs=('{file}',)\n\
         [handler_q]\nclass=handlers.QueueHandler\nkwargs={{'handlers': ['f']}}\n"
    );
    file_config_str(&ini).unwrap();
    loglisten::error!(get_logger("q.ini"), "through the queue");
    reset("q.ini");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "through the queue\n"
    );
    let _ = std::fs::remove_file(&path);
}

#[cfg(feature = "queue-handler")]
#[test]
fn bad_queue_entries_get_one_line_errors_and_change_nothing() {
    let _g = serial();
    let cases = [
        (
            r#""handlers": ["nope"]"#,
            "handlers.q.handlers: Unable to set required handler 'nope'",
        ),
        (
            r#""handlers": ["file"], "queue": "myapp.make_queue""#,
            "handlers.q.queue: Invalid queue specifier 'myapp.make_queue': only queue.Queue, \
             queue.SimpleQueue, multiprocessing.Queue (optionally as '()' with maxsize) or a \
             queue factory registered with Registry::register_queue",
        ),
        (
            r#""handlers": ["file"], "queue": {"()": "queue.Queue", "size": 3}"#,
            "handlers.q.queue: __init__() got an unexpected keyword argument 'size'",
        ),
        (
            r#""handlers": ["file"], "listener": "myapp.Listener""#,
            "handlers.q.listener: Invalid listener specifier 'myapp.Listener': only \
             logging.handlers.QueueListener",
        ),
        (
            r#""handlers": "file""#,
            "handlers.q.handlers: must be a list of handler names",
        ),
        (
            r#""handlers": ["q"]"#,
            "handlers.q.handlers: queue handler targets form a cycle",
        ),
        (
            r#""handlers": ["file"], "maxsize": 3"#,
            "handlers.q.maxsize: __init__() got an unexpected keyword argument 'maxsize'",
        ),
    ];
    let path = temp_file("bad");
    for (queue, expected) in cases {
        let config = queue_config("q.bad", queue, &path.display().to_string());
        let error = dict_config_str(&config).unwrap_err();
        assert_eq!(error.to_string(), expected);
        assert!(!path.exists(), "nothing was opened for {queue}");
    }
}

#[cfg(not(feature = "net-handlers"))]
#[test]
fn network_handlers_need_the_feature() {
    let _g = serial();
    let cases = [
        ("SocketHandler", r#""host": "x", "port": 1"#),
        ("DatagramHandler", r#""host": "x", "port": 1"#),
        ("HTTPHandler", r#""host": "x", "url": "/""#),
        (
            "SMTPHandler",
            r#""mailhost": "x", "fromaddr": "a", "toaddrs": "b", "subject": "s""#,
        ),
    ];
    for (class, args) in cases {
        let config = format!(
            r#"{{"version": 1, "handlers": {{"h": {{"class": "logging.handlers.{class}", {args}}}}}}}"#
        );
        let error = dict_config_str(&config).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "handlers.h.class: logging.handlers.{class} is left out of this build: it needs \
                 loglisten's \"net-handlers\" feature"
            )
        );
    }
}

#[cfg(not(feature = "queue-handler"))]
#[test]
fn the_queue_handler_needs_the_feature() {
    let _g = serial();
    // Its handlers, even a missing one, are not looked at: the class is.
    for extra in ["", r#", "handlers": ["missing"]"#] {
        let config = format!(
            r#"{{"version": 1, "handlers": {{"q": {{"class": "logging.handlers.QueueHandler"{extra}}}}}}}"#
        );
        let error = dict_config_str(&config).unwrap_err();
        assert_eq!(
            error.to_string(),
            "handlers.q.class: logging.handlers.QueueHandler is left out of this build: it needs \
             loglisten's \"queue-handler\" feature"
        );
    }
}

/// A handler that signals when a record reaches it, then waits to be
/// released: the queue's listener stays busy while the test fills the queue.
#[cfg(feature = "queue-handler")]
#[derive(Debug)]
struct Gate {
    entered: std::sync::mpsc::Sender<String>,
    release: std::sync::Arc<(Mutex<bool>, std::sync::Condvar)>,
}

#[cfg(feature = "queue-handler")]
impl loglisten::Handler for Gate {
    fn emit(&mut self, _record: &loglisten::Record, text: &str) -> std::io::Result<()> {
        let _ = self.entered.send(text.to_string());
        let (open, cvar) = &*self.release;
        let mut open = open.lock().unwrap();
        while !*open {
            open = cvar.wait(open).unwrap();
        }
        Ok(())
    }
}

#[cfg(feature = "queue-handler")]
#[test]
fn a_registered_queue_factory_bounds_the_queue() {
    use std::sync::{mpsc, Arc, Condvar};
    let registry = loglisten::Registry::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen_by_factory = Arc::clone(&seen);
    registry.register_queue("myapp.bounded", move |kwargs| {
        let keys: Vec<&str> = kwargs.iter().map(|(k, _)| k).collect();
        seen_by_factory.lock().unwrap().push(keys.join(","));
        let size = kwargs.get("size").and_then(|v| v.as_i64()).unwrap_or(2);
        usize::try_from(size).map_err(|_| format!("size must be positive, not {size}"))
    });
    let (entered_tx, entered) = mpsc::channel();
    let release = Arc::new((Mutex::new(false), Condvar::new()));
    let (tx, gate) = (Mutex::new(entered_tx), Arc::clone(&release));
    registry.register_handler("myapp.Gate", move |_| {
        Ok(Box::new(Gate {
            entered: tx.lock().unwrap().clone(),
            release: Arc::clone(&gate),
        }) as Box<dyn loglisten::Handler>)
    });
    let config = |queue: &str| {
        format!(
            r#"{{"version": 1, "handlers": {{"gate": {{"class": "myapp.Gate"}},
                "q": {{"class": "logging.handlers.QueueHandler", "handlers": ["gate"], "queue": {queue}}}}},
              "loggers": {{"app": {{"level": "INFO", "propagate": false, "handlers": ["q"]}}}}}}"#
        )
    };
    // The factory's maxsize (3) bounds the queue; it got the other keys.
    registry
        .dict_config_str(&config(r#"{"()": "myapp.bounded", "size": 3}"#))
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), ["size"]);
    let log = registry.get_logger("app");
    let queue = log.handlers()[0].clone();
    loglisten::info!(log, "first");
    // The listener holds "first" in the gate; the queue is now empty.
    assert_eq!(
        entered
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap(),
        "first"
    );
    for i in 0..5 {
        loglisten::info!(log, "r{i}");
    }
    assert_eq!(queue.error_count(), 2, "r3 and r4 found the queue full");
    *release.0.lock().unwrap() = true;
    release.1.notify_all();
    queue.close();
    let delivered: Vec<String> = entered.try_iter().collect();
    assert_eq!(delivered, ["r0", "r1", "r2"]);

    // The bare name: called with no keys (default size 2).
    registry
        .dict_config_str(&config(r#""myapp.bounded""#))
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), ["size", ""]);

    // The factory's error and an unregistered name fail the config whole.
    let error = registry
        .dict_config_str(&config(r#"{"()": "myapp.bounded", "size": -1}"#))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "handlers.q.queue: queue factory 'myapp.bounded' failed: size must be positive, not -1"
    );
    let error = registry
        .dict_config_str(&config(r#"{"()": "myapp.other", "size": 1}"#))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "handlers.q.queue: Invalid queue specifier 'myapp.other': only queue.Queue, \
         queue.SimpleQueue, multiprocessing.Queue (optionally as '()' with maxsize) or a \
         queue factory registered with Registry::register_queue"
    );
    assert_eq!(*seen.lock().unwrap(), ["size", "", "size"]);
}
