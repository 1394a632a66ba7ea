//! fileConfig semantics: sections, positional args through the literal
//! parser, interpolation, raw formats, and errors with their place. Each
//! test has a registry of its own.

use loglisten::{FileConfigOptions, Handler, Level, Record, Registry};
use std::io;
use std::sync::{Arc, Mutex};

/// A registry whose `test.Args` records the keyword arguments it was
/// built with, in the list returned.
fn setup() -> (Registry, Arc<Mutex<Vec<String>>>) {
    let registry = Registry::new();
    let built: Arc<Mutex<Vec<String>>> = Arc::default();
    let list = Arc::clone(&built);
    registry.register_handler("test.Args", move |kwargs| {
        list.lock()
            .unwrap()
            .push(loglisten::json::Value::Object(kwargs.clone()).to_string());
        Ok(Box::new(Sink) as Box<dyn Handler>)
    });
    (registry, built)
}

#[derive(Debug)]
struct Sink;

impl Handler for Sink {
    fn emit(&mut self, _record: &Record, _text: &str) -> io::Result<()> {
        Ok(())
    }
}

const BASE: &str =
    "[loggers]\nkeys=root\n[handlers]\nkeys=\n[formatters]\nkeys=\n[logger_root]\nhandlers=\n";

#[test]
fn errors_name_the_section_and_option() {
    let (r, _built) = setup();
    let cases = [
        ("", "[formatters]: section is missing"),
        ("[formatters]\nkeys=\n", "[handlers]: section is missing"),
        ("[formatters]\nkeys=\n[handlers]\nkeys=\n[loggers]\nkeys=app\n", "[loggers] keys: must list root"),
        ("[formatters]\nkeys=\n[handlers]\nkeys=\n[loggers]\nkeys=root\n", "[logger_root]: section is missing"),
        ("[formatters]\nkeys=\n[handlers]\nkeys=\n[loggers]\nkeys=root\n[logger_root]\nlevel=INFO\n", "[logger_root] handlers: option is missing"),
        (
            "[formatters]\nkeys=\n[handlers]\nkeys=h\n[handler_h]\nclass=test.Args\nargs=(os.system('x'),)\n[loggers]\nkeys=root\n[logger_root]\nhandlers=h\n",
            "[handler_h] args: unknown name 'os' at line 7 column 7",
        ),
        (
            "[formatters]\nkeys=\n[handlers]\nkeys=h\n[handler_h]\nclass=StreamHandler\nargs=(sys.stdout, 1)\n[loggers]\nkeys=root\n[logger_root]\nhandlers=h\n",
            "[handler_h] args: takes at most 1 arguments (2 given)",
        ),
        (
            "[formatters]\nkeys=\n[handlers]\nkeys=h\n[handler_h]\nclass=test.Args\nargs='x'\n[loggers]\nkeys=root\n[logger_root]\nhandlers=h\n",
            "[handler_h] args: must be a tuple of arguments, not str",
        ),
        (
            "[formatters]\nkeys=\n[handlers]\nkeys=h\n[handler_h]\nclass=test.Args\nlevel=loud\n[loggers]\nkeys=root\n[logger_root]\nhandlers=h\n",
            "[handler_h] level: Unknown level: 'loud'",
        ),
        (
            "[formatters]\nkeys=\n[handlers]\nkeys=h\n[handler_h]\nclass=FileHandler\nargs=('/tmp/never.log', 'r')\n[loggers]\nkeys=root\n[logger_root]\nhandlers=h\n",
            "[handler_h] mode: unsupported file mode 'r' (use 'a' or 'w')",
        ),
        (
            "[formatters]\nkeys=\n[handlers]\nkeys=h\n[handler_h]\nclass=StreamHandler\nargs=()\nkwargs={'nope': 1}\n[loggers]\nkeys=root\n[logger_root]\nhandlers=h\n",
            "[handler_h] nope: __init__() got an unexpected keyword argument 'nope'",
        ),
        (
            "[formatters]\nkeys=\n[handlers]\nkeys=\n[loggers]\nkeys=root,app\n[logger_root]\nhandlers=\n[logger_app]\nhandlers=\n",
            "[logger_app] qualname: option is missing",
        ),
        (
            "[formatters]\nkeys=\n[handlers]\nkeys=\n[loggers]\nkeys=root\n[logger_root]\nhandlers=ghost\n",
            "[logger_root] handlers: Unable to add handler 'ghost'",
        ),
        ("[loggers]\nkeys=root\nkeys=again\n", "While reading from '<string>' [line  3]: option 'keys' in section 'loggers' already exists"),
    ];
    for (text, expected) in cases {
        assert_eq!(
            r.file_config_str(text).unwrap_err().to_string(),
            expected,
            "config:\n{text}"
        );
    }
}

#[test]
fn positional_args_map_to_cpython_parameter_names() {
    let (r, built) = setup();
    let text = "[formatters]\nkeys=\n[handlers]\nkeys=h\n\
        [handler_h]\nclass=test.Args\nargs=('%(dir)s/app.log', 'a', 10*1024*1024)\nkwargs={'delay': True}\n\
        [loggers]\nkeys=root\n[logger_root]\nhandlers=h\n";
    let options = FileConfigOptions {
        disable_existing_loggers: false,
        defaults: vec![("dir".into(), "/var/log".into())],
    };
    r.file_config_str_with(text, &options).unwrap();
    // A registered class gets positional args by index.
    assert_eq!(
        built.lock().unwrap().as_slice(),
        [r#"{"0": "/var/log/app.log", "1": "a", "2": 10485760, "delay": true}"#]
    );
}

#[test]
fn loggers_get_qualname_level_propagate_and_existing_rules() {
    let (r, _built) = setup();
    let stale = r.get_logger("file.stale");
    let child = r.get_logger("file.app.child");
    child.set_level(Level::ERROR);
    let text = "[formatters]\nkeys=\n[handlers]\nkeys=\n[loggers]\nkeys=root, app\n\
        [logger_root]\nlevel=ERROR\nhandlers=\n\
        [logger_app]\nqualname=file.app\nlevel=DEBUG\npropagate=0\nhandlers=\n";
    let applied = r.file_config_str(text).unwrap();
    assert_eq!(applied.kind, loglisten::ConfigKind::File);
    let app = r.get_logger("file.app");
    assert_eq!(
        (app.level(), app.propagate(), app.disabled()),
        (Level::DEBUG, false, false)
    );
    assert_eq!(r.get_logger("").level(), Level::ERROR);
    assert!(stale.disabled());
    assert_eq!(child.level(), Level::NOTSET);
    assert!(!child.disabled());
    r.file_config_str(BASE).unwrap();
    assert!(
        app.disabled(),
        "an INI push disables loggers it does not name, as CPython"
    );
}

/// An error from the INI parser or the file system stays the source of the
/// `ConfigError`, whose text is still one line.
#[test]
fn errors_keep_their_cause() {
    use std::error::Error;
    let r = Registry::new();
    let err = r.file_config("/nonexistent/logging.ini").unwrap_err();
    let io = err.source().and_then(|s| s.downcast_ref::<io::Error>());
    assert_eq!(io.map(io::Error::kind), Some(io::ErrorKind::NotFound));
    let err = r.file_config_str("[loggers\nkeys=root\n").unwrap_err();
    let ini = err
        .source()
        .and_then(|s| s.downcast_ref::<loglisten::ini::Error>());
    assert_eq!(ini.map(ToString::to_string), Some(err.to_string()));
    assert!(!err.to_string().contains('\n'));
    let built = r.dict_config_str(r#"{"version": 1, "handlers": {"f": {"class": "logging.FileHandler", "filename": "/nonexistent/dir/x.log"}}}"#);
    let err = built.unwrap_err();
    assert!(err.source().is_some_and(|s| s.is::<io::Error>()), "{err}");
    assert_eq!(r.config_generation(), 0, "nothing applied");
}
