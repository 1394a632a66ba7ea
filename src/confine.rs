//! Where a configuration received by the listener may send records: the
//! directories its file handlers may open files in and the hosts its
//! network handlers may reach, in force on this thread while the listener
//! applies it. A leaf: the listener sets it; the file and syslog handlers
//! consult it when they are built. Without one, nothing is confined.

use std::cell::RefCell;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The destinations allowed; `None` leaves that kind unconfined.
#[derive(Clone, Debug, Default)]
pub(crate) struct Confine {
    /// Canonical directories (symlinks resolved).
    pub dirs: Option<Arc<[PathBuf]>>,
    pub hosts: Option<Arc<[String]>>,
}

thread_local! {
    static CONFINE: RefCell<Confine> = RefCell::new(Confine::default());
}

/// Runs `f` with `confine` in force on this thread, restoring what was
/// there afterwards, even on a panic.
pub(crate) fn within<R>(confine: Confine, f: impl FnOnce() -> R) -> R {
    struct Restore(Confine);
    impl Drop for Restore {
        fn drop(&mut self) {
            let before = std::mem::take(&mut self.0);
            CONFINE.with(|c| *c.borrow_mut() = before);
        }
    }
    let before = CONFINE.with(|c| std::mem::replace(&mut *c.borrow_mut(), confine));
    let _restore = Restore(before);
    f()
}

fn outside(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("'{}' is outside the allowed directories", path.display()),
    )
}

/// Whether the log file `path` (absolute) lies inside an allowed
/// directory once `..` and symlinks are resolved: its directory is
/// resolved, and so is the file itself when it is a symlink. A path whose
/// directory does not exist is left to the open, which fails.
pub(crate) fn check_path(path: &Path) -> io::Result<()> {
    let Some(dirs) = CONFINE.with(|c| c.borrow().dirs.clone()) else {
        return Ok(());
    };
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(outside(path));
    };
    let Ok(parent) = std::fs::canonicalize(parent) else {
        return Ok(());
    };
    let mut real = parent.join(name);
    if std::fs::symlink_metadata(&real).is_ok_and(|m| m.file_type().is_symlink()) {
        real = std::fs::canonicalize(&real).map_err(|_| outside(path))?;
    }
    if dirs.iter().any(|d| real.starts_with(d)) {
        Ok(())
    } else {
        Err(outside(path))
    }
}

/// Whether a network handler may reach `host` (compared as written,
/// ASCII case ignored).
pub(crate) fn check_host(host: &str) -> io::Result<()> {
    let Some(hosts) = CONFINE.with(|c| c.borrow().hosts.clone()) else {
        return Ok(());
    };
    if hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("host '{host}' is not an allowed destination"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_before_they_are_compared() {
        let base = std::env::temp_dir().join(format!("loglisten-confine-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let allowed = base.join("logs");
        let other = base.join("other");
        std::fs::create_dir_all(&allowed).unwrap();
        std::fs::create_dir_all(&other).unwrap();
        std::os::unix::fs::symlink(other.join("x.log"), allowed.join("link.log")).unwrap();
        std::os::unix::fs::symlink(&other, allowed.join("dirlink")).unwrap();
        let confine = Confine {
            dirs: Some(vec![std::fs::canonicalize(&allowed).unwrap()].into()),
            hosts: Some(vec!["LocalHost".to_string()].into()),
        };
        let msg = |p: &Path| check_path(p).map_err(|e| e.to_string());
        within(confine, || {
            assert_eq!(msg(&allowed.join("a.log")), Ok(()));
            let escapes = [
                allowed.join("../other/a.log"),
                allowed.join("link.log"),
                allowed.join("dirlink/a.log"),
                other.join("a.log"),
            ];
            for p in escapes {
                let want = format!("'{}' is outside the allowed directories", p.display());
                assert_eq!(msg(&p), Err(want));
            }
            assert!(check_host("localhost").is_ok());
            assert_eq!(
                check_host("10.0.0.1").unwrap_err().to_string(),
                "host '10.0.0.1' is not an allowed destination"
            );
        });
        assert!(check_path(&other.join("a.log")).is_ok(), "restored");
        assert!(check_host("10.0.0.1").is_ok());
        let _ = std::fs::remove_dir_all(&base);
    }
}
