//! Shared by the bridge tests: an in-memory handler class that configs
//! name as `"class": "bridges.Capture"`, and a config helper.

use loglisten::handler::{SharedBuffer, StreamHandler};
use loglisten::Handler;
use std::sync::OnceLock;

/// The buffer every `bridges.Capture` handler writes to.
pub fn captured() -> &'static SharedBuffer {
    static BUFFER: OnceLock<SharedBuffer> = OnceLock::new();
    BUFFER.get_or_init(SharedBuffer::new)
}

/// Registers `bridges.Capture` (once is enough; again is harmless).
pub fn register_capture() {
    loglisten::register_handler("bridges.Capture", |_| {
        Ok(Box::new(StreamHandler::new(captured().clone())) as Box<dyn Handler>)
    });
}

/// Takes what was captured so far, as lines.
pub fn take_lines() -> Vec<String> {
    let text = captured().text();
    captured().clear();
    text.lines().map(str::to_string).collect()
}

/// A dictConfig sending everything to the capture handler with `format`,
/// root at `root`, and `loggers` (a JSON object's inside) as given.
pub fn config(format: &str, root: &str, loggers: &str) -> String {
    format!(
        r#"{{"version": 1, "disable_existing_loggers": false,
            "formatters": {{"f": {{"format": {format:?}}}}},
            "handlers": {{"cap": {{"class": "bridges.Capture", "formatter": "f"}}}},
            "root": {{"level": "{root}", "handlers": ["cap"]}},
            "loggers": {{{loggers}}}}}"#
    )
}
