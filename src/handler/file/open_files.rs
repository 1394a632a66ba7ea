//! The process's table of files held open for appending, so handlers
//! appending to one file share one descriptor.

use crate::sync::lock;
use std::fs::{self, File};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

/// The files handlers hold open for appending, by absolute path, with the
/// device and inode each was opened as. A handler opening a path in mode
/// 'a' shares the open file when the path still names it: opening it again
/// would give a descriptor that writes the same bytes to the same place,
/// and reconfiguring a running program (the old handler is closed only
/// after the new one is live) would pay for an open and a close.
///
/// One per process, not per registry: open files belong to the process,
/// and handlers of two registries appending to one file (same device and
/// inode) must share one descriptor as handlers of one registry do.
static OPEN_FOR_APPEND: Mutex<Vec<OpenForAppend>> = Mutex::new(Vec::new());

struct OpenForAppend {
    path: PathBuf,
    identity: (u64, u64),
    file: Weak<File>,
}

/// The open file a live handler appends to at `path`, if the path still
/// names that very file (not one logrotate created after moving it).
pub(super) fn open_for_append(path: &Path) -> Option<Arc<File>> {
    let mut open = lock(&OPEN_FOR_APPEND);
    open.retain(|o| o.file.strong_count() > 0);
    let entry = open.iter().find(|o| o.path == path)?;
    let file = entry.file.upgrade()?;
    let meta = fs::metadata(path).ok()?;
    (meta.is_file() && (meta.dev(), meta.ino()) == entry.identity).then_some(file)
}

pub(super) fn remember_for_append(path: &Path, file: &Arc<File>) {
    let Ok(meta) = file.metadata() else {
        return;
    };
    let mut open = lock(&OPEN_FOR_APPEND);
    open.retain(|o| o.file.strong_count() > 0 && o.path != path);
    open.push(OpenForAppend {
        path: path.to_path_buf(),
        identity: (meta.dev(), meta.ino()),
        file: Arc::downgrade(file),
    });
}
