//! One look at the watched file: is there a new version, and what became
//! of it.

use super::{WatchOptions, WatchOutcome};
use crate::fields::Field;
use crate::logger::Logger;
use crate::record::Record;
use crate::sync::panic_text;
use std::fs::{self, File};
use std::io::{self, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long after a file last changed (its modification or, on Unix,
/// status change time) its bytes are still compared at every poll: a
/// write in the same clock tick as our read can leave its identity
/// unchanged (git's "racily clean" entries). 2 s covers the coarsest file
/// systems (FAT).
const RACY: Duration = Duration::from_secs(2);

/// Who the file is: the resolved path and its metadata. Equal stamps mean
/// the same version, unless the version is recent (see [`RACY`]).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Stamp {
    target: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
    /// The status change time: a writer can set the modification time
    /// back, not this.
    changed: Option<SystemTime>,
    /// Device and inode: a file renamed over the path is another file.
    #[cfg(unix)]
    id: (u64, u64),
}

fn stamp(path: &Path) -> io::Result<Stamp> {
    let target = fs::canonicalize(path)?;
    let meta = fs::metadata(&target)?;
    #[cfg(unix)]
    use std::os::unix::fs::MetadataExt;
    #[cfg(unix)]
    let changed = u64::try_from(meta.ctime()).ok().map(|secs| {
        SystemTime::UNIX_EPOCH + Duration::new(secs, meta.ctime_nsec().clamp(0, 999_999_999) as u32)
    });
    #[cfg(not(unix))]
    let changed = None;
    Ok(Stamp {
        target,
        len: meta.len(),
        modified: meta.modified().ok(),
        changed,
        #[cfg(unix)]
        id: (meta.dev(), meta.ino()),
    })
}

/// The watcher's memory between polls.
pub(super) struct State {
    path: PathBuf,
    pub(super) options: WatchOptions,
    log: Logger,
    racy: Duration,
    /// The stamp of the version last read, once it is old enough that an
    /// equal stamp proves equal bytes.
    settled: Option<Stamp>,
    /// The bytes last handed to the apply step, applied or refused.
    last_bytes: Option<Vec<u8>>,
    /// The problem last reported, so that it is reported once.
    last_problem: Option<WatchOutcome>,
}

impl State {
    pub(super) fn new(path: PathBuf, options: WatchOptions) -> State {
        State {
            path,
            log: options.registry.get_logger("loglisten"),
            options,
            racy: RACY,
            settled: None,
            last_bytes: None,
            last_problem: None,
        }
    }

    /// One look at the file; applies it if it holds a new version.
    pub(super) fn poll(&mut self) {
        match self.read_new_version() {
            Ok(Some(bytes)) => self.apply(bytes),
            Ok(None) => {}
            Err(problem) => {
                self.settled = None;
                if self.last_problem.as_ref() != Some(&problem) {
                    self.report(&problem);
                    self.last_problem = Some(problem);
                }
            }
        }
    }

    /// The file's bytes if they may differ from the last version read and
    /// did not change while being read.
    fn read_new_version(&mut self) -> Result<Option<Vec<u8>>, WatchOutcome> {
        let before = stamp(&self.path).map_err(problem)?;
        if self.settled.as_ref() == Some(&before) {
            return Ok(None);
        }
        let max = self.options.max_bytes;
        if before.len > max {
            return Err(WatchOutcome::TooLarge {
                size: before.len,
                max,
            });
        }
        let started = SystemTime::now();
        let bytes = read_at_most(&before.target, max).map_err(problem)?;
        if bytes.len() as u64 > max {
            return Err(WatchOutcome::TooLarge {
                size: bytes.len() as u64,
                max,
            });
        }
        let after = stamp(&self.path).map_err(problem)?;
        self.last_problem = None;
        if after != before || bytes.len() as u64 != before.len {
            // Being written: look again at the next poll.
            self.settled = None;
            return Ok(None);
        }
        self.settled = if is_racy(&before, started, self.racy) {
            None
        } else {
            Some(before)
        };
        if self.last_bytes.as_deref() == Some(&bytes[..]) {
            return Ok(None);
        }
        Ok(Some(bytes))
    }

    fn apply(&mut self, bytes: Vec<u8>) {
        let registry = &self.options.registry;
        // Known only when the step is the registry's own.
        let before = match self.options.apply {
            None => Some(registry.config_generation()),
            Some(_) => None,
        };
        let step = || match &self.options.apply {
            Some(apply) => apply(&bytes),
            None => registry.apply_config(&bytes).map_err(|e| e.to_string()),
        };
        let outcome = match catch_unwind(AssertUnwindSafe(step)) {
            Ok(Ok(applied)) => WatchOutcome::Applied {
                kind: applied.kind,
                generation: applied.generation,
            },
            Ok(Err(message)) => WatchOutcome::NotApplied(message),
            Err(panic) => {
                WatchOutcome::NotApplied(format!("the apply step panicked: {}", panic_text(&panic)))
            }
        };
        let sha256 = crate::sha256::sha256(&bytes);
        self.last_bytes = Some(bytes);
        self.report_version(&outcome, Some(sha256), before);
    }

    fn report(&self, outcome: &WatchOutcome) {
        self.report_version(outcome, None, None);
    }

    /// Logs `outcome` with the audit's fields: `op=file`, the path, the
    /// version's SHA-256 when one was read, the generations before (when
    /// known) and after it, the outcome.
    fn report_version(
        &self,
        outcome: &WatchOutcome,
        sha256: Option<[u8; 32]>,
        before: Option<u64>,
    ) {
        let level = outcome.level();
        if self.log.is_enabled_for(level) {
            let path = self.path.display().to_string();
            let mut fields = vec![Field::new("op", "file"), Field::new("path", path)];
            if let Some(sha) = sha256 {
                let hex: String = sha.iter().map(|b| format!("{b:02x}")).collect();
                fields.push(Field::new("sha256", hex));
            }
            if let Some(before) = before {
                fields.push(Field::new("generation_before", before));
            }
            match (outcome, before) {
                (WatchOutcome::Applied { generation, .. }, _) => {
                    fields.push(Field::new("generation_after", *generation));
                }
                // Refused: nothing changed.
                (_, Some(before)) => fields.push(Field::new("generation_after", before)),
                _ => {}
            }
            fields.push(Field::new("outcome", outcome.to_string()));
            let line = outcome.log_line(&self.path);
            let record = Record::new(self.log.name(), level, &line).with_fields(&fields);
            self.log.log_record(&record);
        }
        if let Some(f) = &self.options.on_outcome {
            // The program's callback must not end the watcher.
            let _ = catch_unwind(AssertUnwindSafe(|| f(outcome)));
        }
    }
}

/// A version changed within `racy` of when we read it (or in the future)
/// may change again without its stamp changing.
fn is_racy(stamp: &Stamp, read_at: SystemTime, racy: Duration) -> bool {
    match stamp.modified.max(stamp.changed) {
        Some(last) => last + racy >= read_at,
        None => true,
    }
}

/// Up to `max + 1` bytes: one more than allowed tells a file that grew.
fn read_at_most(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn problem(e: io::Error) -> WatchOutcome {
    match e.kind() {
        io::ErrorKind::NotFound => WatchOutcome::Missing,
        _ => WatchOutcome::Unreadable(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Applied, ConfigKind};
    use std::sync::{Arc, Mutex};

    #[test]
    fn recent_versions_are_racy() {
        let now = SystemTime::now();
        let old = now - RACY * 2;
        let at = |modified, changed| Stamp {
            target: PathBuf::from("/x"),
            len: 1,
            modified,
            changed,
            #[cfg(unix)]
            id: (1, 2),
        };
        assert!(is_racy(&at(Some(now), Some(old)), now, RACY));
        assert!(is_racy(&at(Some(now - RACY), None), now, RACY));
        assert!(!is_racy(&at(Some(old), None), now, RACY));
        assert!(!is_racy(&at(Some(old), Some(old)), now, RACY));
        // A modification time set back does not hide a recent change.
        assert!(is_racy(&at(Some(old), Some(now)), now, RACY));
        assert!(is_racy(&at(None, None), now, RACY));
    }

    /// A directory of its own under the temp dir, removed at the end.
    struct Dir(PathBuf);

    impl Dir {
        fn new(name: &str) -> Dir {
            let path =
                std::env::temp_dir().join(format!("loglisten-unit-{}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).unwrap();
            Dir(path)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// A state that trusts a stamp as soon as it is read (no racy window),
    /// so that only the stamp can reveal a new version; and the bytes its
    /// apply step got.
    fn trusting(path: PathBuf) -> (State, Arc<Mutex<Vec<Vec<u8>>>>) {
        let got = Arc::new(Mutex::new(Vec::new()));
        let for_apply = Arc::clone(&got);
        let options = WatchOptions::default().apply(move |bytes: &[u8]| {
            for_apply.lock().unwrap().push(bytes.to_vec());
            Ok::<_, String>(Applied {
                kind: ConfigKind::Dict,
                generation: 1,
            })
        });
        let mut state = State::new(path, options);
        state.racy = Duration::ZERO;
        (state, got)
    }

    fn set_old_mtime(path: &Path) {
        let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let file = fs::OpenOptions::new().write(true).open(path).unwrap();
        file.set_modified(old).unwrap();
    }

    fn replace(path: &Path, bytes: &[u8]) {
        let tmp = path.with_extension("tmp");
        fs::write(&tmp, bytes).unwrap();
        set_old_mtime(&tmp);
        fs::rename(&tmp, path).unwrap();
    }

    /// Waits until the file system's clock has moved past `settled`'s
    /// change time.
    fn next_tick(dir: &Dir, settled: &Stamp) {
        let probe = dir.0.join("probe");
        for _ in 0..10_000 {
            fs::write(&probe, b"").unwrap();
            if stamp(&probe).unwrap().changed > settled.changed {
                return;
            }
            std::thread::yield_now();
        }
        panic!("the clock did not move");
    }

    #[test]
    fn a_trusted_stamp_still_sees_rename_over_and_in_place_changes() {
        let dir = Dir::new("stamp");
        let path = dir.0.join("c.json");
        replace(&path, b"one");
        let (mut state, got) = trusting(path.clone());
        state.poll();
        assert!(state.settled.is_some());
        state.poll();
        assert_eq!(*got.lock().unwrap(), [b"one"]);

        // Same size and modification time, another file.
        replace(&path, b"two");
        state.poll();
        assert_eq!(*got.lock().unwrap(), [b"one", b"two"]);

        // In place, the modification time put back, a clock tick later
        // (in the same tick nothing but the bytes can tell: the racy
        // window is there for that).
        next_tick(&dir, state.settled.as_ref().unwrap());
        fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"six"))
            .unwrap();
        set_old_mtime(&path);
        state.poll();
        state.poll();
        assert_eq!(*got.lock().unwrap(), [b"one", b"two", b"six"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_trusted_stamp_still_sees_a_symlink_swap() {
        use std::os::unix::fs::symlink;
        let dir = Dir::new("symlink");
        for (name, bytes) in [("..a", b"one"), ("..b", b"two")] {
            fs::create_dir(dir.0.join(name)).unwrap();
            fs::write(dir.0.join(name).join("c.json"), bytes).unwrap();
            set_old_mtime(&dir.0.join(name).join("c.json"));
        }
        symlink("..a", dir.0.join("..data")).unwrap();
        symlink("..data/c.json", dir.0.join("c.json")).unwrap();
        let (mut state, got) = trusting(dir.0.join("c.json"));
        state.poll();
        assert!(state.settled.is_some());
        symlink("..b", dir.0.join("..tmp")).unwrap();
        fs::rename(dir.0.join("..tmp"), dir.0.join("..data")).unwrap();
        state.poll();
        state.poll();
        assert_eq!(*got.lock().unwrap(), [b"one", b"two"]);
    }

    /// What the watcher must report for a sequence of versions (`None`:
    /// the file removed), each looked at once: every new version applied
    /// once, identical ones never, each problem once.
    fn expected(versions: &[(Option<Vec<u8>>, bool)], max: usize) -> Vec<WatchOutcome> {
        let (mut last_bytes, mut last_problem) = (None::<&[u8]>, None);
        let mut out = Vec::new();
        for (version, _) in versions {
            let problem = match version {
                None => Some(WatchOutcome::Missing),
                Some(b) if b.len() > max => Some(WatchOutcome::TooLarge {
                    size: b.len() as u64,
                    max: max as u64,
                }),
                Some(b) => {
                    last_problem = None;
                    if last_bytes != Some(&b[..]) {
                        last_bytes = Some(b);
                        out.push(match b.first() {
                            Some(b'!') => WatchOutcome::NotApplied("refused".into()),
                            _ => WatchOutcome::Applied {
                                kind: ConfigKind::Dict,
                                generation: b.len() as u64,
                            },
                        });
                    }
                    None
                }
            };
            if problem.is_some() && problem != last_problem {
                out.push(problem.clone().unwrap());
                last_problem = problem;
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn each_version_is_applied_once_and_each_problem_reported_once(
            versions in proptest::collection::vec(
                (
                    proptest::option::weighted(
                        0.85,
                        proptest::collection::vec(proptest::sample::select(vec![b'a', b'b', b'!']), 0..6),
                    ),
                    proptest::bool::ANY,
                ),
                1..12,
            )
        ) {
            let dir = Dir::new("prop");
            let path = dir.0.join("c.json");
            let seen = Arc::new(Mutex::new(Vec::new()));
            let for_outcome = Arc::clone(&seen);
            let options = WatchOptions::default()
                .max_bytes(4)
                .apply(|bytes: &[u8]| match bytes.first() {
                    Some(b'!') => Err("refused"),
                    _ => Ok(Applied { kind: ConfigKind::Dict, generation: bytes.len() as u64 }),
                })
                .on_outcome(move |o| for_outcome.lock().unwrap().push(o.clone()));
            let mut state = State::new(path.clone(), options);
            for (version, rename) in &versions {
                match version {
                    None => {
                        let _ = fs::remove_file(&path);
                    }
                    Some(bytes) if *rename => {
                        fs::write(dir.0.join("tmp"), bytes).unwrap();
                        fs::rename(dir.0.join("tmp"), &path).unwrap();
                    }
                    Some(bytes) => fs::write(&path, bytes).unwrap(),
                }
                state.poll();
                state.poll();
            }
            proptest::prop_assert_eq!(&*seen.lock().unwrap(), &expected(&versions, 4));
        }
    }
}
