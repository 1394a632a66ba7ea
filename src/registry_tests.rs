//! Tests of the registry that need its internals: the tree against
//! CPython, and every record handled once across swaps.

use super::*;
use crate::handler::Handler;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use std::io;

/// Names over a tiny alphabet so that prefixes collide often, including
/// the `r`/`ro` prefixes of `root` and empty segments.
fn names() -> impl Strategy<Value = Vec<String>> {
    let segment = prop_oneof![Just("a"), Just("b"), Just("r"), Just("ro"), Just("")];
    let name = prop::collection::vec(segment, 1..4).prop_map(|s| s.join("."));
    prop::collection::vec(
        name.prop_filter("not root", |n| !n.is_empty() && n != "root"),
        1..8,
    )
}

fn our_parents(order: &[String]) -> Vec<(String, String)> {
    let mut draft = Draft::detached();
    for name in order {
        draft.id(name);
    }
    draft.parents()
}

#[test]
fn tree_matches_hand_worked_cases() {
    let order = ["a.b.c", "a", "a.b", "x.y"].map(String::from);
    let parents = our_parents(&order);
    let expected = [
        ("a.b.c", "a.b"),
        ("a", "root"),
        ("a.b", "a"),
        ("x.y", "root"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(parents, expected);
    // CPython's string-prefix test: `r` does not adopt `r.x`, whose parent
    // `root` starts with "r".
    let quirk = our_parents(&["r.x".to_string(), "r".to_string()]);
    assert_eq!(quirk[0], ("r.x".to_string(), "root".to_string()));
}

#[test]
fn random_creation_orders_give_cpython_tree() {
    let mut runner = TestRunner::deterministic();
    let cases: Vec<Vec<String>> = (0..300)
        .map(|_| names().new_tree(&mut runner).expect("strategy").current())
        .collect();
    let script = r#"
import sys, logging
for line in sys.stdin.read().split("\n"):
    if not line:
        continue
    m = logging.Manager(logging.RootLogger(logging.WARNING))
    out = []
    names = line.split(" ")
    for n in names:
        m.getLogger(n)
    for n in dict.fromkeys(names):
        out.append(n + ">" + m.getLogger(n).parent.name)
    print(" ".join(out))
"#;
    let input: String = cases.iter().map(|c| c.join(" ") + "\n").collect();
    let Some(output) = crate::python_test::run_python(script, &input, "the logger tree") else {
        return;
    };
    for (case, line) in cases.iter().zip(output.lines()) {
        let ours: Vec<String> = our_parents(case)
            .iter()
            .map(|(n, p)| format!("{n}>{p}"))
            .collect();
        assert_eq!(ours.join(" "), line, "creation order {case:?}");
    }
    assert_eq!(output.lines().count(), cases.len());
}

/// Collects messages; `closed` proves nothing is written after close.
#[derive(Debug, Default)]
struct Collect {
    lines: Arc<Mutex<Vec<String>>>,
    closed: bool,
    late: Arc<AtomicUsize>,
}

impl Handler for Collect {
    fn emit(&mut self, record: &Record, _text: &str) -> io::Result<()> {
        if self.closed {
            self.late.fetch_add(1, Ordering::SeqCst);
        }
        self.lines
            .lock()
            .unwrap()
            .push(record.message().to_string());
        Ok(())
    }
    fn close(&mut self) -> io::Result<()> {
        self.closed = true;
        Ok(())
    }
    fn wants_text(&self) -> bool {
        false
    }
}

/// Installs a fresh collector as the only handler of `name`, closing the
/// one it replaces once no record uses it any more.
fn install_collector(name: &str, lines: &Arc<Mutex<Vec<String>>>, late: &Arc<AtomicUsize>) {
    let inner = Collect {
        lines: Arc::clone(lines),
        closed: false,
        late: Arc::clone(late),
    };
    let handler = SharedHandler::new(inner);
    let (_, replaced) = reconfigure(|draft| {
        let id = draft.id(name);
        let s = draft.settings(id);
        s.level = Level::INFO;
        s.propagate = false;
        s.handlers = vec![handler];
    });
    for old in replaced {
        old.close();
    }
}

#[test]
fn every_record_is_handled_once_across_a_thousand_swaps() {
    const NAME: &str = "registry.swap.test";
    let node = handle(NAME);
    let lines = Arc::new(Mutex::new(Vec::new()));
    let late = Arc::new(AtomicUsize::new(0));
    install_collector(NAME, &lines, &late);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let threads = 3;
    let per_thread = 20_000;
    let loggers: Vec<_> = (0..threads)
        .map(|t| {
            let node = Arc::clone(&node);
            std::thread::spawn(move || {
                for i in 0..per_thread {
                    let text = format!("{t}:{i}");
                    dispatch(node.id, &Record::new(NAME, Level::INFO, &text));
                }
            })
        })
        .collect();
    let swapper = {
        let (stop, lines, late) = (Arc::clone(&stop), Arc::clone(&lines), Arc::clone(&late));
        std::thread::spawn(move || {
            let mut swaps = 0;
            while swaps < 1000 || !stop.load(Ordering::SeqCst) {
                install_collector(NAME, &lines, &late);
                swaps += 1;
            }
            swaps
        })
    };
    for t in loggers {
        t.join().unwrap();
    }
    stop.store(true, Ordering::SeqCst);
    assert!(swapper.join().unwrap() >= 1000);
    let mut seen = lines.lock().unwrap().clone();
    assert_eq!(
        seen.len(),
        threads * per_thread,
        "no record lost or doubled"
    );
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), threads * per_thread, "no record twice");
    assert_eq!(
        late.load(Ordering::SeqCst),
        0,
        "nothing written to a closed handler"
    );
}
