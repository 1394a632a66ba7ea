//! A handler that keeps each record as `LEVEL message|name=value ...`, so
//! tests can assert audit records and their fields exactly.

use loglisten::{Handler, Record};
use std::sync::{Arc, Mutex};

/// The records seen, one line each.
#[derive(Debug, Default, Clone)]
pub struct Lines(pub Arc<Mutex<Vec<String>>>);

impl Handler for Lines {
    fn emit(&mut self, record: &Record, _text: &str) -> std::io::Result<()> {
        let pairs: Vec<String> = record
            .fields()
            .map(|f| format!("{}={}", f.name(), f.value()))
            .collect();
        let line = format!(
            "{} {}|{}",
            record.level_name(),
            record.message(),
            pairs.join(" ")
        );
        self.0.lock().unwrap().push(line);
        Ok(())
    }
}
