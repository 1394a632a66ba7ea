use super::*;

#[derive(Debug)]
struct Outer(std::io::Error);
impl fmt::Display for Outer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not load config")
    }
}
impl Error for Outer {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.0)
    }
}

static HERE: Location = Location::new("app::db", "src/db/pool.rs", 42, None);

#[test]
fn location_fields_follow_python() {
    let r = Record::new("app", Level::INFO, "x").with_location(&HERE);
    assert_eq!(r.pathname(), "src/db/pool.rs");
    assert_eq!(r.filename(), "pool.rs");
    assert_eq!(r.module(), "pool");
    assert_eq!(r.lineno(), 42);
    assert_eq!(r.func_name(), "<unknown>");
    let bare = Record::new("app", Level::INFO, "x");
    assert_eq!(bare.pathname(), "(unknown file)");
    assert_eq!(bare.filename(), "(unknown file)");
    assert_eq!(bare.lineno(), 0);
    assert_eq!(bare.func_name(), "(unknown function)");
}

#[test]
fn error_chain_is_rendered_and_survives_detach() {
    let error = Outer(std::io::Error::other("disk full"));
    let r = Record::new("app", Level::ERROR, "7").with_error(&error);
    let expected = "Error: could not load config\nCaused by: disk full";
    assert_eq!(r.error_text().as_deref(), Some(expected));
    let owned = r.detach();
    assert_eq!(owned.message(), "7");
    assert_eq!(owned.error_text().as_deref(), Some(expected));
    assert!(owned.error().is_none());
    assert_eq!(owned.thread(), r.thread());
}

/// Counts how often it is displayed.
struct Counted(std::cell::Cell<u32>);
impl fmt::Display for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.set(self.0.get() + 1);
        write!(f, "shown {}", self.0.get())
    }
}

/// Runs `f` on a record of `args` (which live for one expression).
fn with_args<R>(args: fmt::Arguments<'_>, f: impl FnOnce(&Record<'_>) -> R) -> R {
    f(&Record::from_args("a", Level::INFO, args))
}

#[test]
fn write_message_renders_arguments_straight_in_until_the_message_is_kept() {
    let counted = Counted(std::cell::Cell::new(0));
    with_args(format_args!("<{counted}>"), |r| {
        let mut out = String::from("x ");
        r.write_message(&mut out);
        assert_eq!(out, "x <shown 1>");
        assert_eq!(r.message.get(), None, "writing keeps nothing");
        assert_eq!(r.message(), "<shown 2>");
        let mut again = String::new();
        r.write_message(&mut again);
        r.write_message(&mut again);
        assert_eq!(
            again, "<shown 2><shown 2>",
            "the kept text, not a third render"
        );
    });
    assert_eq!(counted.0.get(), 2);
    let mut out = String::new();
    with_args(format_args!("plain"), |r| r.write_message(&mut out));
    Record::new("a", Level::INFO, "ready").write_message(&mut out);
    assert_eq!(out, "plainready");
}

#[test]
fn a_call_record_borrows_the_thread_and_detaches_whole() {
    let error = Outer(std::io::Error::other("disk full"));
    let (thread, name) = {
        let r = Record::new("a", Level::INFO, "");
        (r.thread(), r.thread_name().to_string())
    };
    let kept = Record::with_call(
        "app.db",
        Level::ERROR,
        format_args!("n={}", 3),
        &HERE,
        Some(&error),
        |r| {
            assert!(matches!(r.thread, Thread::Borrowed(_)));
            assert_eq!((r.thread(), r.thread_name()), (thread, name.as_str()));
            assert_eq!(
                (r.name(), r.level(), r.message()),
                ("app.db", Level::ERROR, "n=3")
            );
            assert_eq!((r.lineno(), r.module()), (42, "pool"));
            assert_eq!(r.fields().count(), 0);
            assert_eq!(r.stack_info(), None);
            assert!(r.error().is_some());
            r.detach()
        },
    );
    assert_eq!((kept.thread(), kept.thread_name()), (thread, name.as_str()));
    assert_eq!(kept.message(), "n=3");
    assert_eq!(
        kept.error_text().as_deref(),
        Some("Error: could not load config\nCaused by: disk full")
    );
    let owned = kept.to_owned_record();
    assert_eq!(owned.record().thread_name(), name);
}

#[test]
fn thread_names_match_python_for_main_and_unnamed_threads() {
    let named = std::thread::Builder::new()
        .name("worker".into())
        .spawn(|| Record::new("a", Level::INFO, "").thread_name().to_string())
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(named, "worker");
    let unnamed = std::thread::spawn(|| {
        let r = Record::new("a", Level::INFO, "");
        (r.thread(), r.thread_name().to_string())
    })
    .join()
    .unwrap();
    assert_eq!(unnamed.1, format!("Thread-{}", unnamed.0));
}
