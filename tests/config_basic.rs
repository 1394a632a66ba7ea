//! `basic_config`: CPython's `basicConfig` rules (only when root has no
//! handler unless `force`, the default format, file or stream, errors).

use loglisten::handler::{SharedBuffer, StreamHandler};
use loglisten::{basic_config, get_logger, BasicConfig, Formatter, Level, SharedHandler, Style};

#[test]
fn basic_config_follows_cpython() {
    let dir = std::env::temp_dir().join(format!("loglisten-basic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("basic.log");
    std::fs::write(&path, "old\n").unwrap();

    // A file, mode w: the default format `%(levelname)s:%(name)s:%(message)s`.
    let config = BasicConfig {
        filename: Some(path.clone()),
        filemode: Some("w".into()),
        level: Some(Level::INFO),
        ..BasicConfig::default()
    };
    basic_config(config).unwrap();
    loglisten::info!(get_logger("basic.app"), "started");
    loglisten::debug!(get_logger("basic.app"), "hidden");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "INFO:basic.app:started\n"
    );

    // Root has a handler now: a second call does nothing (no level change).
    let again = BasicConfig {
        level: Some(Level::ERROR),
        ..BasicConfig::default()
    };
    basic_config(again).unwrap();
    assert_eq!(get_logger("").level(), Level::INFO);

    // force replaces and closes it; given handlers keep their own formatter.
    let (mine, theirs) = (SharedBuffer::new(), SharedBuffer::new());
    let own = SharedHandler::builder(StreamHandler::new(theirs.clone()))
        .formatter(Formatter::new("own %(message)s").unwrap())
        .build();
    let plain = SharedHandler::new(StreamHandler::new(mine.clone()));
    let forced = BasicConfig {
        force: true,
        format: Some("{levelname} {message}".into()),
        style: Style::Brace,
        handlers: Some(vec![plain, own]),
        ..BasicConfig::default()
    };
    basic_config(forced).unwrap();
    loglisten::warning!(get_logger("basic.app"), "moved");
    assert_eq!(mine.text(), "WARNING moved\n");
    assert_eq!(theirs.text(), "own moved\n");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "INFO:basic.app:started\n"
    );

    let both = BasicConfig {
        filename: Some(path.clone()),
        stream: Some(StreamHandler::stdout()),
        ..BasicConfig::default()
    };
    assert_eq!(
        basic_config(both).unwrap_err().to_string(),
        "'stream' and 'filename' should not be specified together"
    );
    let mixed = BasicConfig {
        filename: Some(path),
        handlers: Some(Vec::new()),
        ..BasicConfig::default()
    };
    assert_eq!(
        basic_config(mixed).unwrap_err().to_string(),
        "'stream' or 'filename' should not be specified together with 'handlers'"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
