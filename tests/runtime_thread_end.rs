//! Logging while a thread ends: from the `Drop` of a thread-local that
//! outlives the crate's own per-thread caches. `std` aborts the process
//! when a thread-local is used after its destruction, so each logging path
//! must find its caches gone and carry on.

use loglisten::{__FieldSink, Handler, Level, Record, Registry};
use std::sync::{Arc, Mutex};
use std::thread;

/// Keeps each formatted line.
#[derive(Debug)]
struct Keep(Arc<Mutex<Vec<String>>>);

impl Handler for Keep {
    fn emit(&mut self, _record: &Record, text: &str) -> std::io::Result<()> {
        self.0.lock().unwrap().push(text.to_string());
        Ok(())
    }
}

/// Logs through `log` when dropped.
struct LogOnDrop(Option<Box<dyn FnOnce()>>);

impl Drop for LogOnDrop {
    fn drop(&mut self) {
        if let Some(log) = self.0.take() {
            log();
        }
    }
}

thread_local! {
    static ON_EXIT: std::cell::RefCell<LogOnDrop> = std::cell::RefCell::new(LogOnDrop(None));
}

fn registry() -> (Registry, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let r = Registry::new();
    let keep = Arc::clone(&lines);
    r.register_handler("test.Keep", move |_| {
        Ok(Box::new(Keep(Arc::clone(&keep))) as Box<dyn Handler>)
    });
    r.dict_config_str(
        r#"{"version": 1,
            "formatters": {"f": {"format": "%(asctime)s %(created).3f|%(threadName)s %(levelname)s %(ratio)s %(message)s"}},
            "handlers": {"h": {"class": "test.Keep", "formatter": "f"}},
            "root": {"level": "DEBUG", "handlers": ["h"]}}"#,
    )
    .unwrap();
    (r, lines)
}

#[test]
fn a_record_logged_while_its_thread_ends_is_handled() {
    let (r, lines) = registry();
    let log = r.get_logger("app.exit");
    thread::Builder::new()
        .name("ending".into())
        .spawn(move || {
            // Registered first, so destroyed after the caches the calls
            // below make.
            let late = log.clone();
            ON_EXIT.with(|slot| {
                slot.borrow_mut().0 = Some(Box::new(move || {
                    loglisten::info!(late, ratio = 0.25; "bye {}", 2);
                    // The tracing layer's path.
                    loglisten::__EventFields::log_event(&late, Level::WARNING, None, |f| {
                        f.sink_str("message", "traced");
                        f.sink_value("ratio", 0.75.into());
                    });
                }))
            });
            loglisten::info!(log, ratio = 0.5; "hello {}", 1);
        })
        .unwrap()
        .join()
        .unwrap();
    let lines = lines.lock().unwrap();
    let tails: Vec<&str> = lines
        .iter()
        .map(|l| l.split_once('|').map_or("", |(_, rest)| rest))
        .collect();
    assert_eq!(
        tails,
        [
            "ending INFO 0.5 hello 1",
            "ending INFO 0.25 bye 2",
            "ending WARNING 0.75 traced"
        ]
    );
}
