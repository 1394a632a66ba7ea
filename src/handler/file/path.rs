//! Python's `os.path.abspath` and `posixpath.normpath`, on bytes: how a
//! log file's name becomes the absolute path handlers compare.

use std::ffi::OsString;
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

/// Python's `os.path.abspath`: joined to the current directory and
/// normalized lexically (symbolic links are not resolved).
pub(crate) fn abspath(path: &Path) -> io::Result<PathBuf> {
    let bytes = path.as_os_str().as_bytes();
    if bytes.starts_with(b"/") {
        return Ok(PathBuf::from(OsString::from_vec(normpath(bytes))));
    }
    let mut full = std::env::current_dir()?.into_os_string().into_vec();
    if !full.ends_with(b"/") {
        full.push(b'/');
    }
    full.extend_from_slice(bytes);
    Ok(PathBuf::from(OsString::from_vec(normpath(&full))))
}

/// Python's `posixpath.normpath` on an absolute path.
fn normpath(path: &[u8]) -> Vec<u8> {
    // The common case: already normal (one leading slash, no empty, `.`
    // or `..` part, no trailing slash).
    let normal = path.len() > 1
        && path.starts_with(b"/")
        && !path.ends_with(b"/")
        && path[1..]
            .split(|&b| b == b'/')
            .all(|part| !matches!(part, b"" | b"." | b".."));
    if normal {
        return path.to_vec();
    }
    normpath_parts(path)
}

/// `normpath` the long way: split, drop `.` and empty parts, apply `..`.
fn normpath_parts(path: &[u8]) -> Vec<u8> {
    // POSIX gives exactly two leading slashes a meaning of their own.
    let leading = if path.starts_with(b"//") && !path.starts_with(b"///") {
        2
    } else {
        usize::from(path.starts_with(b"/"))
    };
    let mut parts: Vec<&[u8]> = Vec::new();
    for part in path.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." if leading == 0 && parts.last().is_none_or(|p| *p == b"..") => parts.push(part),
            b".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let mut out = vec![b'/'; leading];
    out.extend_from_slice(&parts.join(&b'/'));
    if out.is_empty() {
        out.push(b'.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn normpath_shortcut_agrees_with_the_long_way(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", "bc", ".", "..", "", ".d", "e.."]), 0..6),
            slashes in 0usize..4,
        ) {
            let path = format!("{}{}", "/".repeat(slashes), parts.join("/"));
            proptest::prop_assert_eq!(normpath(path.as_bytes()), normpath_parts(path.as_bytes()));
        }
    }

    #[test]
    fn normpath_follows_posixpath() {
        for (input, expected) in [
            ("/a/b/../c", "/a/c"),
            ("/a/./b//c/", "/a/b/c"),
            ("/../x", "/x"),
            ("//x/y", "//x/y"),
            ("///x", "/x"),
            ("/", "/"),
            ("/a/..", "/"),
            ("/a/b/c", "/a/b/c"),
            ("/a/b/", "/a/b"),
            ("/a/.b/..c", "/a/.b/..c"),
            ("/./a", "/a"),
        ] {
            let got = normpath(input.as_bytes());
            assert_eq!(String::from_utf8_lossy(&got), expected, "{input}");
        }
    }
}
