//! Tests of the registry that need its internals: the tree against
//! CPython, and every record handled once across swaps.

use super::*;
use crate::filter::Filter;
use crate::handler::{Handler, SharedHandler};
use crate::record::Record;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use std::io;
use std::sync::atomic::AtomicUsize;

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
    let registry = Registry::new();
    let (parents, _) = registry.core.reconfigure(|draft| {
        for name in order {
            draft.id(name);
        }
        draft.parents()
    });
    parents
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
fn install_collector(
    core: &Core,
    name: &str,
    lines: &Arc<Mutex<Vec<String>>>,
    late: &Arc<AtomicUsize>,
) {
    let inner = Collect {
        lines: Arc::clone(lines),
        closed: false,
        late: Arc::clone(late),
    };
    let handler = SharedHandler::new(inner);
    let (_, replaced) = core.reconfigure(|draft| {
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

/// Threads each dispatching `per_thread` records "thread:i" to `node`.
fn spawn_loggers(
    registry: &Registry,
    node: &Arc<LoggerNode>,
    name: &'static str,
    threads: usize,
    per_thread: usize,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..threads)
        .map(|t| {
            let node = Arc::clone(node);
            let registry = registry.clone();
            std::thread::spawn(move || {
                for i in 0..per_thread {
                    let text = format!("{t}:{i}");
                    let record = Record::new(name, Level::INFO, &text);
                    registry.core.dispatch(&node, &record);
                }
            })
        })
        .collect()
}

#[test]
fn every_record_is_handled_once_across_a_thousand_swaps() {
    const NAME: &str = "registry.swap.test";
    let registry = Registry::new();
    let node = registry.core.handle(NAME);
    let lines = Arc::new(Mutex::new(Vec::new()));
    let late = Arc::new(AtomicUsize::new(0));
    install_collector(&registry.core, NAME, &lines, &late);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let threads = 3;
    let per_thread = 20_000;
    let loggers = spawn_loggers(&registry, &node, NAME, threads, per_thread);
    let swapper = {
        let (stop, lines, late) = (Arc::clone(&stop), Arc::clone(&lines), Arc::clone(&late));
        let registry = registry.clone();
        std::thread::spawn(move || {
            let mut swaps = 0;
            while swaps < 1000 || !stop.load(Ordering::SeqCst) {
                install_collector(&registry.core, NAME, &lines, &late);
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

/// Every created name is found at its id, every other name is absent,
/// whatever the creation order.
#[test]
fn index_finds_exactly_the_created_loggers() {
    let mut runner = TestRunner::deterministic();
    let probes = ["a", "b", "r", "ro", "a.b", "b.a", "a.a.a", "zz", "root.a"];
    for _ in 0..300 {
        let order = names().new_tree(&mut runner).expect("strategy").current();
        let registry = Registry::new();
        registry.core.reconfigure(|draft| {
            let ids: Vec<usize> = order.iter().map(|name| draft.id(name)).collect();
            for (name, id) in order.iter().zip(&ids) {
                assert_eq!(draft.existing_id(name), Some(*id), "{name:?} in {order:?}");
                assert_eq!(draft.id(name), *id, "no second {name:?} in {order:?}");
            }
            for probe in probes {
                let by_scan = (1..draft.len()).find(|&id| draft.name(id) == probe);
                assert_eq!(draft.existing_id(probe), by_scan, "{probe:?} in {order:?}");
            }
            let mut distinct = order.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(draft.len(), distinct.len() + 1, "{order:?}");
        });
    }
}

fn same_as_first(handlers: &[SharedHandler]) -> Vec<bool> {
    handlers.iter().map(|h| h.same(&handlers[0])).collect()
}

/// `clone_from` into a tree that held other settings leaves nothing of
/// them: the spare tree never shows a stale value.
#[test]
fn clone_from_overwrites_every_field() {
    let (h1, h2, h3) = (
        SharedHandler::new(Collect::default()),
        SharedHandler::new(Collect::default()),
        SharedHandler::new(Collect::default()),
    );
    let f1: Arc<dyn Filter> = Arc::new(crate::filter::NameFilter::new("a"));
    let source = Node {
        name: Arc::from("a.b"),
        parent: Some(3),
        settings: LoggerSettings {
            level: Level::ERROR,
            propagate: false,
            disabled: true,
            handlers: vec![h1.clone(), h2.clone()],
            filters: vec![Arc::clone(&f1)],
        },
        forced: Some(Level::DEBUG),
        threshold: 40,
    };
    let stale = || Node {
        name: Arc::from("x"),
        parent: None,
        settings: LoggerSettings {
            handlers: vec![h3.clone(), h3.clone(), h3.clone()],
            filters: vec![Arc::new(crate::filter::NameFilter::new("z"))],
            ..LoggerSettings::default()
        },
        forced: None,
        threshold: 0,
    };
    let check = |copy: &Node, source: &Node| {
        assert_eq!(copy.name, source.name);
        assert_eq!(copy.parent, source.parent);
        assert_eq!(copy.threshold, source.threshold);
        assert_eq!(copy.forced, source.forced);
        let (c, s) = (&copy.settings, &source.settings);
        assert_eq!(
            (c.level, c.propagate, c.disabled),
            (s.level, s.propagate, s.disabled)
        );
        assert_eq!(c.handlers.len(), s.handlers.len());
        assert!(c.handlers.iter().zip(&s.handlers).all(|(a, b)| a.same(b)));
        assert_eq!(c.filters.len(), s.filters.len());
        assert!(c
            .filters
            .iter()
            .zip(&s.filters)
            .all(|(a, b)| Arc::ptr_eq(a, b)));
    };
    let mut copy = stale();
    copy.clone_from(&source);
    check(&copy, &source);
    assert_eq!(same_as_first(&copy.settings.handlers), [true, false]);
    check(&source.clone(), &source);
    // Empty lists in the source empty the target's.
    let empty = Node {
        settings: LoggerSettings::default(),
        ..source.clone()
    };
    let mut copy = stale();
    copy.clone_from(&empty);
    check(&copy, &empty);
    assert!(copy.settings.handlers.is_empty() && copy.settings.filters.is_empty());
}

/// Swaps in a row give exactly the settings each edit made and return
/// exactly the handlers it dropped, whether or not the old tree's memory
/// was reused.
#[test]
fn successive_swaps_show_exactly_the_last_edit() {
    const NAME: &str = "registry.spare.test";
    let registry = Registry::new();
    let core = &registry.core;
    let id = core.handle(NAME).id;
    let (a, b) = (
        SharedHandler::new(Collect::default()),
        SharedHandler::new(Collect::default()),
    );
    let steps: [(Vec<SharedHandler>, Level, Vec<SharedHandler>); 5] = [
        (vec![a.clone()], Level::INFO, vec![]),
        (vec![a.clone(), b.clone()], Level::DEBUG, vec![]),
        (vec![b.clone()], Level::ERROR, vec![a.clone()]),
        (vec![], Level::NOTSET, vec![b.clone()]),
        (vec![a.clone()], Level::WARNING, vec![]),
    ];
    for (handlers, level, expected) in steps {
        let (_, replaced) = core.reconfigure(|draft| {
            let s = draft.settings(id);
            s.handlers = handlers.clone();
            s.level = level;
        });
        assert_eq!(replaced.len(), expected.len());
        assert!(replaced.iter().zip(&expected).all(|(r, e)| r.same(e)));
        let snapshot = core.current();
        let settings = snapshot.settings(id);
        assert_eq!(settings.level, level);
        assert_eq!(settings.handlers.len(), handlers.len());
        assert!(settings
            .handlers
            .iter()
            .zip(&handlers)
            .all(|(s, h)| s.same(h)));
        assert!(settings.filters.is_empty());
    }
    core.reconfigure(|draft| draft.settings(id).handlers.clear());
}

/// An edit that panics installs nothing, and the name index stays whole:
/// every logger is still found and new ones are created once.
#[test]
fn a_panicking_edit_changes_nothing() {
    const NAME: &str = "registry.panic.kept";
    let registry = Registry::new();
    let core = &registry.core;
    let handle = |name| core.handle(name);
    let current = || core.current();
    let kept = handle(NAME).id;
    let result = std::panic::catch_unwind(|| {
        core.reconfigure(|draft| {
            draft.id("registry.panic.lost");
            draft.settings(kept).level = Level::CRITICAL;
            panic!("edit fails on purpose");
        })
    });
    assert!(result.is_err());
    assert_eq!(handle(NAME).id, kept);
    assert_eq!(current().settings(kept).level, Level::NOTSET);
    let snapshot = current();
    let lost = snapshot
        .loggers()
        .position(|(n, _)| n == "registry.panic.lost");
    assert_eq!(lost, None, "the panicking edit's logger was not installed");
    let created = handle("registry.panic.lost").id;
    assert_eq!(handle("registry.panic.lost").id, created);
    assert_eq!(core.parent_name(created).as_deref(), Some("root"));
}

/// One kind of swap, run in a loop by a thread.
type Swap = fn(&Core, &Arc<Mutex<Vec<String>>>, &Arc<AtomicUsize>);

/// Swaps that close nothing (a new logger, a level) between the ones that
/// do: a handler is closed only after the records of every earlier
/// snapshot holding it are done, not just those of the one just replaced.
#[test]
fn no_record_reaches_a_closed_handler_across_intermediate_swaps() {
    const NAME: &str = "registry.epoch.test";
    let registry = Registry::new();
    let node = registry.core.handle(NAME);
    let lines = Arc::new(Mutex::new(Vec::new()));
    let late = Arc::new(AtomicUsize::new(0));
    install_collector(&registry.core, NAME, &lines, &late);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (threads, per_thread) = (2, 20_000);
    let loggers = spawn_loggers(&registry, &node, NAME, threads, per_thread);
    let spawn_swapper = |swap: Swap| {
        let (stop, lines, late) = (Arc::clone(&stop), Arc::clone(&lines), Arc::clone(&late));
        let registry = registry.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                swap(&registry.core, &lines, &late);
            }
        })
    };
    let closing = spawn_swapper(|core, lines, late| install_collector(core, NAME, lines, late));
    let keeping = spawn_swapper(|core, _, _| {
        let (_, replaced) = core.reconfigure(|draft| draft.set_disable(Level::NOTSET));
        assert!(replaced.is_empty());
    });
    for t in loggers {
        t.join().unwrap();
    }
    stop.store(true, Ordering::SeqCst);
    closing.join().unwrap();
    keeping.join().unwrap();
    assert_eq!(lines.lock().unwrap().len(), threads * per_thread);
    assert_eq!(
        late.load(Ordering::SeqCst),
        0,
        "nothing written to a closed handler"
    );
}

/// A collector handler on logger `name` of `registry`, propagating or not.
fn collect_on(registry: &Registry, name: &str, propagate: bool) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let handler = SharedHandler::new(Collect {
        lines: Arc::clone(&lines),
        ..Collect::default()
    });
    let log = registry.get_logger(name);
    log.add_handler(handler);
    log.set_propagate(propagate);
    lines
}

fn taken(lines: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    std::mem::take(&mut *lines.lock().unwrap())
}

/// Loggers created since the last swap are in no snapshot yet: they swap
/// nothing, and their records go where CPython's would, through their
/// nearest known ancestor, with their effective level, until the next
/// swap folds them in.
#[test]
fn new_loggers_swap_nothing_and_log_through_their_known_ancestor() {
    let registry = Registry::new();
    let top = collect_on(&registry, "a", false);
    let root = collect_on(&registry, "", true);
    registry.get_logger("a").set_level(Level::INFO);
    let generation = registry.config_generation();
    let leaf = registry.get_logger("a.b.c");
    let other = registry.get_logger("z");
    assert_eq!(
        registry.config_generation(),
        generation,
        "creating swaps nothing"
    );
    assert!(
        registry.core.current().nodes.len() < 4,
        "not in the snapshot yet"
    );
    assert!(!leaf.is_enabled_for(Level::DEBUG));
    assert!(leaf.is_enabled_for(Level::INFO));
    assert_eq!(leaf.effective_level(), Level::INFO);
    assert_eq!(leaf.level(), Level::NOTSET);
    assert!(leaf.propagate() && !leaf.disabled() && leaf.handlers().is_empty());
    leaf.log(Level::INFO, "leaf");
    leaf.log(Level::DEBUG, "too low");
    other.log(Level::WARNING, "other");
    // A logger created in between becomes the leaf's parent at once.
    let middle = registry.get_logger("a.b");
    assert_eq!(leaf.parent().unwrap().name(), "a.b");
    assert_eq!(middle.parent().unwrap().name(), "a");
    middle.log(Level::ERROR, "middle");
    assert_eq!(taken(&top), ["leaf", "middle"]);
    assert_eq!(taken(&root), ["other"]);
    // The next swap folds them in: the middle logger's level now counts.
    middle.set_level(Level::ERROR);
    assert_eq!(registry.config_generation(), generation + 1);
    assert!(!leaf.is_enabled_for(Level::WARNING));
    leaf.log(Level::ERROR, "folded");
    assert_eq!(taken(&top), ["folded"]);
}

/// Two registries on one thread: each logger's records go to its own
/// registry's handlers, however the calls alternate (the thread's cached
/// snapshot is told apart by registry, not only by generation).
#[test]
fn loggers_dispatch_to_their_own_registry() {
    let (one, two) = (Registry::new(), Registry::new());
    let lines_one = collect_on(&one, "", true);
    let lines_two = collect_on(&two, "", true);
    // Same generation in both, so only the registry tells them apart.
    assert_eq!(one.config_generation(), two.config_generation());
    let (a, b) = (one.get_logger("app"), two.get_logger("app"));
    for i in 0..3 {
        a.log(Level::WARNING, &format!("one {i}"));
        b.log(Level::WARNING, &format!("two {i}"));
    }
    assert_eq!(taken(&lines_one), ["one 0", "one 1", "one 2"]);
    assert_eq!(taken(&lines_two), ["two 0", "two 1", "two 2"]);
    one.disable(Level::CRITICAL);
    assert!(!a.is_enabled_for(Level::CRITICAL));
    assert!(b.is_enabled_for(Level::CRITICAL));
}

static HOOK_CALLS: AtomicUsize = AtomicUsize::new(0);

fn count_hook() {
    HOOK_CALLS.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn hooks_run_when_a_level_moves_and_follow_the_most_verbose_level() {
    let registry = Registry::new();
    registry.on_reconfigure(count_hook);
    let calls = || HOOK_CALLS.load(Ordering::SeqCst);
    let log = registry.get_logger("hooks.a");
    // Creating a logger changes nothing any logger handles.
    assert_eq!(
        (calls(), registry.most_verbose_level()),
        (0, Level::WARNING)
    );
    log.set_level(Level::DEBUG);
    assert_eq!((calls(), registry.most_verbose_level()), (1, Level::DEBUG));
    // A swap that moves no threshold runs no hook.
    log.set_propagate(false);
    assert_eq!(calls(), 1);
    log.set_level(Level::NOTSET);
    assert_eq!(
        (calls(), registry.most_verbose_level()),
        (2, Level::WARNING)
    );
    // Disabled is not inherited: a new logger below a disabled one at
    // DEBUG handles DEBUG although no existing logger does.
    log.set_level(Level::DEBUG);
    log.set_disabled(true);
    assert_eq!(
        (calls(), registry.most_verbose_level()),
        (4, Level::WARNING)
    );
    let child = registry.get_logger("hooks.a.b");
    assert!(child.is_enabled_for(Level::DEBUG));
    assert_eq!((calls(), registry.most_verbose_level()), (5, Level::DEBUG));
}
