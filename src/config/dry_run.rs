//! A dry run: a whole configuration built in this process as a push
//! would build it, then discarded, touching nothing.
//!
//! Classes are resolved, formatters and filters built (factories
//! called), every reference checked, and each handler "opened" by a check
//! that gives the error its opening would give without its effect: a log
//! file is opened for writing if it exists (never truncated), and if not
//! its directory is checked as creating the file would find it
//! (existence, type, permissions, a read-only mount), without creating
//! it. A syslog host is resolved but no socket is made. A registered
//! handler factory is called and its handler discarded, as after a
//! failed push. Memory handlers are built around the checked targets.

use super::build::{discard, open_handlers, plan, Plan};
use super::error::ConfigError;
use super::model::Config;
use super::opener::Opener;
use crate::handler::cannot_open;
use crate::handler::{
    FileSettings, Mode, NullHandler, SharedHandler, SharedHandlerBuilder, SyslogAddress,
};
use crate::registry::Core;
use std::fs::{self, Metadata};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Builds `config` (a whole one) as a push would and discards it: the
/// error is the one the push would give.
pub(super) fn build_and_discard(core: &Core, config: &Config) -> Result<(), ConfigError> {
    let Plan {
        formatters,
        filters,
        handlers: names,
        openers,
    } = plan(core, config)?;
    let handlers = open_handlers(config, openers, &formatters, &filters, &names, check)?;
    discard(&handlers);
    Ok(())
}

/// Opens `opener`'s handler in name only: file handlers are checked and
/// stand in as a null handler.
fn check(opener: Opener, targets: Vec<SharedHandler>) -> io::Result<SharedHandlerBuilder> {
    match opener {
        Opener::File(settings) | Opener::Watched(settings) => {
            check_file(&settings, settings.mode)?;
        }
        Opener::Rotating(settings) => {
            // As `RotatingFileHandler::open`: appending when it rolls over.
            let mode = if settings.max_bytes > 0 {
                Mode::Append
            } else {
                settings.file.mode
            };
            check_file(&settings.file, mode)?;
        }
        Opener::Timed(settings) => {
            settings.check()?;
            check_file(&settings.file, Mode::Append)?;
        }
        Opener::SysLog(settings) => {
            if let SyslogAddress::Inet { host, port } = &settings.address {
                let timeout = std::time::Duration::from_secs(2);
                if crate::resolve::resolve(host, *port, timeout)?.is_empty() {
                    return Err(io::Error::other("getaddrinfo returns an empty list"));
                }
            }
        }
        other => return other.open(targets),
    }
    Ok(SharedHandler::builder(NullHandler))
}

/// What opening a log file would fail with, without creating or
/// truncating it.
fn check_file(settings: &FileSettings, mode: Mode) -> io::Result<()> {
    match settings.open_check(mode)? {
        None => Ok(()),
        Some(path) => creatable(&path).map_err(|e| cannot_open(&path, e)),
    }
}

const EEXIST: i32 = 17;
const ENOTDIR: i32 = 20;
const EACCES: i32 = 13;
const EROFS: i32 = 30;

/// The error creating the missing file `path` would give.
fn creatable(path: &Path) -> io::Result<()> {
    // A dangling symbolic link: exclusive creation refuses it.
    if fs::symlink_metadata(path).is_ok() {
        return Err(io::Error::from_raw_os_error(EEXIST));
    }
    let dir = path.parent().unwrap_or(Path::new("/"));
    let meta = fs::metadata(dir)?;
    if !meta.is_dir() {
        return Err(io::Error::from_raw_os_error(ENOTDIR));
    }
    if !may_write(&meta) {
        return Err(io::Error::from_raw_os_error(EACCES));
    }
    if read_only_mount(dir) {
        return Err(io::Error::from_raw_os_error(EROFS));
    }
    Ok(())
}

/// Whether this process may create files in a directory with `meta`, by
/// its file-system ids (`/proc/self/status`); where they cannot be read,
/// the open at push time is left to tell.
fn may_write(meta: &Metadata) -> bool {
    let Ok(status) = fs::read_to_string("/proc/self/status") else {
        return true;
    };
    let ids = |key: &str| -> Vec<u32> {
        let line = status.lines().find_map(|l| l.strip_prefix(key));
        let fields = line.unwrap_or("").split_whitespace();
        fields.filter_map(|f| f.parse().ok()).collect()
    };
    // Real, effective, saved, file-system: access is by the last.
    let (uids, gids, groups) = (ids("Uid:"), ids("Gid:"), ids("Groups:"));
    let (Some(&uid), Some(&gid)) = (uids.get(3), gids.get(3)) else {
        return true;
    };
    if uid == 0 {
        return true;
    }
    let mode = meta.mode();
    // Creating needs write and search permission.
    let bits = if meta.uid() == uid {
        mode >> 6
    } else if meta.gid() == gid || groups.contains(&meta.gid()) {
        mode >> 3
    } else {
        mode
    };
    bits & 0o3 == 0o3
}

/// Whether `dir` is on a file system mounted read-only
/// (`/proc/self/mountinfo`; `false` where it cannot be read).
fn read_only_mount(dir: &Path) -> bool {
    let (Ok(dir), Ok(table)) = (
        fs::canonicalize(dir),
        fs::read_to_string("/proc/self/mountinfo"),
    ) else {
        return false;
    };
    let mut best: Option<(usize, bool)> = None;
    for line in table.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let (Some(point), Some(options)) = (fields.get(4), fields.get(5)) else {
            continue;
        };
        let point = unescape(point);
        if !dir.starts_with(&point) {
            continue;
        }
        let read_only = options.split(',').any(|o| o == "ro");
        // The deepest mount point wins; of equal ones, the later mount.
        if best.is_none_or(|(len, _)| point.len() >= len) {
            best = Some((point.len(), read_only));
        }
    }
    best.is_some_and(|(_, read_only)| read_only)
}

/// A mount point as mountinfo writes it: space, tab, newline and
/// backslash as three octal digits after a backslash.
fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let digits = bytes.get(i + 1..i + 4);
        let octal = digits.filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match (bytes[i], octal) {
            (b'\\', Some(d)) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{read_only_mount, unescape};
    use std::path::Path;

    #[test]
    fn mountinfo_escapes_are_decoded() {
        assert_eq!(unescape(r"/mnt/my\040disk"), "/mnt/my disk");
        assert_eq!(unescape(r"/a\134b"), r"/a\b");
        assert_eq!(unescape(r"/plain\09"), r"/plain\09");
    }

    #[test]
    fn the_temp_directory_is_not_on_a_read_only_mount() {
        assert!(!read_only_mount(&std::env::temp_dir()));
        // /proc/sys is read-only in containers, read-write on hosts: only
        // the answer's agreement with mountinfo's own line is certain.
        assert!(!read_only_mount(Path::new("/nonexistent-dir-for-test")));
    }
}
