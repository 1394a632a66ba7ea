//! A directory under the system temp dir, unique per process and call,
//! removed when dropped, and the helpers of the tests that write files.
//! Included by those tests.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("loglisten-test-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    #[allow(dead_code)]
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `(name, contents)` of every file in `dir`, sorted by name.
#[allow(dead_code)]
pub fn listing(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The listing `pairs` describe, for comparing with [`listing`].
#[allow(dead_code)]
pub fn files(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, c)| (n.to_string(), c.to_string()))
        .collect()
}

/// Emits `text` as the record's formatted text, which must succeed.
#[allow(dead_code)]
pub fn emit(handler: &mut impl loglisten::Handler, text: &str) {
    let record = loglisten::Record::new("t", loglisten::Level::INFO, text);
    handler.emit(&record, text).unwrap();
}
