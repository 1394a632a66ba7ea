//! Python's `TimedRotatingFileHandler`: rollover at intervals of time, with
//! date-stamped backups.

use super::file::{forward_to_core, FileCore, FileSettings, Mode, SettingsError};
use super::Handler;
use crate::record::Record;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

const DAY: i64 = 24 * 60 * 60;

/// Where a [`TimedRotatingFileHandler`] reads the time and the local time
/// zone from: Python's `time.time()` and `time.localtime()`. Tests inject
/// their own; the default is [`SystemClock`].
///
/// ```
/// use loglisten::handler::Clock;
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// #[derive(Debug)]
/// struct Fixed;
/// impl Clock for Fixed {
///     fn now(&self) -> SystemTime { UNIX_EPOCH + Duration::from_secs(86_400) }
///     fn local_offset(&self, _secs: i64) -> (i32, bool) { (3600, false) }
/// }
/// assert_eq!(Fixed.local_offset(0), (3600, false));
/// ```
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;

    /// Local time at `secs` (seconds since the epoch): the offset east of
    /// UTC in seconds and whether daylight saving time is in effect
    /// (`tm_gmtoff`, `tm_isdst`).
    fn local_offset(&self, secs: i64) -> (i32, bool) {
        local_offset(secs)
    }
}

/// The system clock, with the local time zone taken from `TZ`.
///
/// ```
/// use loglisten::handler::{Clock, SystemClock};
/// assert!(SystemClock.now() > std::time::UNIX_EPOCH);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Local time as CPython's `time.localtime` gives it (TZ and zone files).
fn local_offset(secs: i64) -> (i32, bool) {
    let tm = crate::time::localtime(secs);
    (i32::try_from(tm.utc_offset).unwrap_or(0), tm.is_dst)
}

/// A time of day, Python's `atTime` (a `datetime.time`).
///
/// ```
/// let t = loglisten::handler::AtTime { hour: 4, minute: 30, second: 0 };
/// assert_eq!(t.to_string(), "04:30:00");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AtTime {
    /// 0 to 23.
    pub hour: u32,
    /// 0 to 59.
    pub minute: u32,
    /// 0 to 59.
    pub second: u32,
}

impl fmt::Display for AtTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.hour, self.minute, self.second)
    }
}

/// `TimedRotatingFileHandler(filename, when='h', interval=1,
/// backupCount=0, encoding=None, delay=False, utc=False, atTime=None,
/// errors=None)`, plus the clock.
///
/// ```
/// use loglisten::handler::TimedSettings;
/// let mut s = TimedSettings::new("app.log");
/// assert_eq!((s.when.as_str(), s.interval, s.backup_count, s.utc), ("h", 1, 0, false));
/// s.when = "W7".into();
/// assert_eq!(s.check().unwrap_err().to_string(), "Invalid day specified for weekly rollover: W7");
/// ```
#[derive(Clone, Debug)]
pub struct TimedSettings {
    /// `filename`, `encoding`, `delay`, `errors` (and the terminator); the
    /// mode is always `'a'`, as CPython passes it.
    pub file: FileSettings,
    /// `when`: `S`, `M`, `H`, `D`, `MIDNIGHT` or `W0` (Monday) … `W6`, in
    /// any case.
    pub when: String,
    /// `interval`: how many units of `when` between rollovers (at least 1;
    /// CPython loops forever on less).
    pub interval: i64,
    /// `backupCount`: how many dated files to keep; 0 or less keeps all.
    pub backup_count: i64,
    /// `utc`: use UTC instead of local time for midnight, weekdays and the
    /// names of old files.
    pub utc: bool,
    /// `atTime`: the time of day of a `MIDNIGHT` or weekly rollover.
    pub at_time: Option<AtTime>,
    /// Where the time comes from (default [`SystemClock`]).
    pub clock: Arc<dyn Clock>,
}

impl TimedSettings {
    /// The settings for `filename` with CPython's defaults.
    pub fn new(filename: impl Into<PathBuf>) -> TimedSettings {
        TimedSettings {
            file: FileSettings::new(filename),
            when: "h".to_string(),
            interval: 1,
            backup_count: 0,
            utc: false,
            at_time: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// Checks the settings, with CPython's messages for a bad `when`.
    pub fn check(&self) -> Result<(), SettingsError> {
        self.rule().map(|_| ())
    }

    fn rule(&self) -> Result<Rule, SettingsError> {
        self.file.check()?;
        let when = self.when.to_uppercase();
        let (kind, unit) = match when.as_str() {
            "S" => (Kind::Second, 1),
            "M" => (Kind::Minute, 60),
            "H" => (Kind::Hour, 3600),
            "D" => (Kind::Day, DAY),
            "MIDNIGHT" => (Kind::Midnight, DAY),
            w if w.starts_with('W') => {
                if w.chars().count() != 2 {
                    return Err(SettingsError(format!(
                        "You must specify a day for weekly rollover from 0 to 6 (0 is Monday): {w}"
                    )));
                }
                match w.as_bytes()[1] {
                    day @ b'0'..=b'6' => (Kind::Week(i64::from(day - b'0')), 7 * DAY),
                    _ => {
                        return Err(SettingsError(format!(
                            "Invalid day specified for weekly rollover: {w}"
                        )))
                    }
                }
            }
            _ => {
                return Err(SettingsError(format!(
                    "Invalid rollover interval specified: {when}"
                )))
            }
        };
        if self.interval < 1 {
            return Err(SettingsError(format!(
                "interval must be at least 1, not {}",
                self.interval
            )));
        }
        let interval = self
            .interval
            .checked_mul(unit)
            .filter(|&i| i <= 1 << 40)
            .ok_or_else(|| SettingsError(format!("interval too large: {}", self.interval)))?;
        if let Some(at) = self.at_time {
            if at.hour > 23 || at.minute > 59 || at.second > 59 {
                return Err(SettingsError(format!("atTime out of range: {at}")));
            }
        }
        Ok(Rule { kind, interval })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Second,
    Minute,
    Hour,
    Day,
    Midnight,
    /// Weekly, on this day (0 is Monday).
    Week(i64),
}

#[derive(Clone, Copy, Debug)]
struct Rule {
    kind: Kind,
    /// Seconds between rollovers.
    interval: i64,
}

/// A broken-down time, as `time.struct_time`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tm {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    /// 0 is Monday.
    weekday: i64,
    dst: bool,
}

/// Seconds since the epoch to a UTC calendar time.
fn gmtime(secs: i64) -> Tm {
    let t = crate::time::gmtime(secs);
    Tm {
        year: t.year,
        month: t.month.into(),
        day: t.day.into(),
        hour: t.hour.into(),
        minute: t.minute.into(),
        second: t.second.into(),
        // struct_time counts weekdays from Monday, C's tm from Sunday.
        weekday: (i64::from(t.weekday) + 6) % 7,
        dst: false,
    }
}

/// Python's `int(time.time())`.
fn unix_secs(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// Python's `logging.handlers.TimedRotatingFileHandler`. The rollover is
/// checked when a record is emitted, against the clock (not the record's
/// time), exactly as CPython 3.11 does, including its daylight saving
/// adjustments in local time.
///
/// ```
/// use loglisten::handler::{Clock, TimedRotatingFileHandler, TimedSettings};
/// use std::{sync::Arc, time::{Duration, SystemTime, UNIX_EPOCH}};
/// #[derive(Debug)]
/// struct At(u64);
/// impl Clock for At {
///     fn now(&self) -> SystemTime { UNIX_EPOCH + Duration::from_secs(self.0) }
///     fn local_offset(&self, _secs: i64) -> (i32, bool) { (0, false) }
/// }
/// let path = std::env::temp_dir().join(format!("loglisten-doc-timed-{}", std::process::id()));
/// let mut s = TimedSettings::new(&path);
/// s.when = "midnight".into();
/// s.file.delay = true; // no file until the first record
/// s.clock = Arc::new(At(1_704_103_200)); // 2024-01-01 10:00 UTC
/// let h = TimedRotatingFileHandler::new(s)?;
/// assert_eq!(h.rollover_at(), 1_704_153_600); // 2024-01-02 00:00
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct TimedRotatingFileHandler {
    core: FileCore,
    settings: TimedSettings,
    rule: Rule,
    rollover_at: i64,
}

impl TimedRotatingFileHandler {
    /// Opens the handler as CPython's constructor does.
    pub fn new(settings: TimedSettings) -> io::Result<TimedRotatingFileHandler> {
        let mut handler = TimedRotatingFileHandler::open(settings)?;
        handler.commit()?;
        Ok(handler)
    }

    /// Opens the handler staged (see [`Handler::commit`]; nothing is truncated in
    /// mode `'a'`, but a created file is removed on abandon).
    pub fn open(settings: TimedSettings) -> io::Result<TimedRotatingFileHandler> {
        let rule = settings.rule()?;
        let core = FileCore::open(settings.file.clone(), Mode::Append)?;
        // The first rollover counts from the file's modification time.
        let start = match fs::metadata(&core.path) {
            Ok(meta) => meta.mtime(),
            Err(_) => unix_secs(settings.clock.now()),
        };
        let mut handler = TimedRotatingFileHandler {
            core,
            settings,
            rule,
            rollover_at: 0,
        };
        handler.rollover_at = handler.compute_rollover(start);
        Ok(handler)
    }

    /// The settings the handler was made with.
    pub fn settings(&self) -> &TimedSettings {
        &self.settings
    }

    /// Python's `rolloverAt`: the time (seconds since the epoch) at or
    /// after which the next record rolls the file over.
    pub fn rollover_at(&self) -> i64 {
        self.rollover_at
    }

    fn localtime(&self, secs: i64) -> Tm {
        let (offset, dst) = self.settings.clock.local_offset(secs);
        Tm {
            dst,
            ..gmtime(secs.saturating_add(i64::from(offset)))
        }
    }

    fn is_dst(&self, secs: i64) -> bool {
        self.settings.clock.local_offset(secs).1
    }

    /// CPython's `computeRollover`.
    fn compute_rollover(&self, current: i64) -> i64 {
        let mut result = current.saturating_add(self.rule.interval);
        if !matches!(self.rule.kind, Kind::Midnight | Kind::Week(_)) {
            return result;
        }
        let t = if self.settings.utc {
            gmtime(current)
        } else {
            self.localtime(current)
        };
        let rotate_at = self.settings.at_time.map_or(DAY, |at| {
            i64::from(at.hour * 3600 + at.minute * 60 + at.second)
        });
        let mut r = rotate_at - (t.hour * 3600 + t.minute * 60 + t.second);
        let mut day = t.weekday;
        if r < 0 {
            r += DAY;
            day = (day + 1) % 7;
        }
        result = current.saturating_add(r);
        if let Kind::Week(rollover_day) = self.rule.kind {
            if day != rollover_day {
                let days_to_wait = if day < rollover_day {
                    rollover_day - day
                } else {
                    6 - day + rollover_day + 1
                };
                let mut next = result.saturating_add(days_to_wait * DAY);
                if !self.settings.utc {
                    next += dst_addend(t.dst, self.is_dst(next));
                }
                result = next;
            }
        }
        result
    }

    /// CPython's `shouldRollover`, at time `now`.
    fn should_rollover(&mut self, now: i64) -> bool {
        if now < self.rollover_at {
            return false;
        }
        let path = &self.core.path;
        if path.exists() && !path.is_file() {
            self.rollover_at = self.compute_rollover(now);
            return false;
        }
        true
    }

    /// CPython's `doRollover`.
    fn do_rollover(&mut self) -> io::Result<()> {
        self.core.drop_stream();
        let current = unix_secs(self.settings.clock.now());
        let dst_now = self.is_dst(current);
        let t = self.rollover_at - self.rule.interval;
        let stamp = if self.settings.utc {
            gmtime(t)
        } else {
            let then = self.localtime(t);
            if dst_now != then.dst {
                self.localtime(t + if dst_now { 3600 } else { -3600 })
            } else {
                then
            }
        };
        let mut name = self.core.path.as_os_str().to_os_string();
        name.push(".");
        name.push(self.suffix(&stamp));
        let dest = PathBuf::from(name);
        if dest.exists() {
            fs::remove_file(&dest)?;
        }
        if self.core.path.exists() {
            fs::rename(&self.core.path, &dest)?;
        }
        if self.settings.backup_count > 0 {
            for old in self.files_to_delete()? {
                fs::remove_file(old)?;
            }
        }
        if !self.settings.file.delay {
            self.core.file = Some(self.core.open_now()?);
        }
        let mut next = self.compute_rollover(current);
        while next <= current {
            next += self.rule.interval;
        }
        if matches!(self.rule.kind, Kind::Midnight | Kind::Week(_)) && !self.settings.utc {
            next += dst_addend(dst_now, self.is_dst(next));
        }
        self.rollover_at = next;
        Ok(())
    }

    /// `time.strftime(self.suffix, t)`.
    fn suffix(&self, t: &Tm) -> String {
        let date = format!("{}-{:02}-{:02}", t.year, t.month, t.day);
        match self.rule.kind {
            Kind::Second => format!("{date}_{:02}-{:02}-{:02}", t.hour, t.minute, t.second),
            Kind::Minute => format!("{date}_{:02}-{:02}", t.hour, t.minute),
            Kind::Hour => format!("{date}_{:02}", t.hour),
            Kind::Day | Kind::Midnight | Kind::Week(_) => date,
        }
    }

    /// Whether a dot-separated part of a file name matches `extMatch`
    /// (`\d` as ASCII digits; `$` also matches before a final newline).
    fn ext_match(&self, part: &[u8]) -> bool {
        let pattern: &[u8] = match self.rule.kind {
            Kind::Second => b"dddd-dd-dd_dd-dd-dd",
            Kind::Minute => b"dddd-dd-dd_dd-dd",
            Kind::Hour => b"dddd-dd-dd_dd",
            Kind::Day | Kind::Midnight | Kind::Week(_) => b"dddd-dd-dd",
        };
        let part = part.strip_suffix(b"\n").unwrap_or(part);
        part.len() == pattern.len()
            && part.iter().zip(pattern).all(|(&c, &p)| match p {
                b'd' => c.is_ascii_digit(),
                _ => c == p,
            })
    }

    /// CPython 3.11's `getFilesToDelete` (without a namer).
    fn files_to_delete(&self) -> io::Result<Vec<PathBuf>> {
        let (Some(dir), Some(base)) = (self.core.path.parent(), self.core.path.file_name()) else {
            return Ok(Vec::new());
        };
        let base = base.as_bytes();
        let mut prefix = splitext(base).to_vec();
        prefix.push(b'.');
        let mut result: Vec<Vec<u8>> = Vec::new();
        for entry in fs::read_dir(dir)? {
            let name = entry?.file_name();
            let name = name.as_bytes();
            if !name.starts_with(base) || !name.starts_with(&prefix) {
                continue;
            }
            if name[prefix.len()..]
                .split(|&b| b == b'.')
                .any(|part| self.ext_match(part))
            {
                let mut full = dir.as_os_str().as_bytes().to_vec();
                if !full.ends_with(b"/") {
                    full.push(b'/');
                }
                full.extend_from_slice(name);
                result.push(full);
            }
        }
        let keep = usize::try_from(self.settings.backup_count).unwrap_or(usize::MAX);
        if result.len() < keep {
            return Ok(Vec::new());
        }
        let keys: Vec<&[u8]> = result.iter().map(Vec::as_slice).collect();
        let order = crate::sort::sorted_order(&keys);
        let mut oldest = Vec::with_capacity(result.len() - keep);
        for &i in &order[..result.len() - keep] {
            oldest.push(PathBuf::from(OsString::from_vec(result[i].clone())));
        }
        Ok(oldest)
    }
}

/// CPython's correction when daylight saving time differs between now and
/// the next rollover: an hour less when it starts, an hour more when it ends.
fn dst_addend(dst_now: bool, dst_then: bool) -> i64 {
    match (dst_now, dst_then) {
        (false, true) => -3600,
        (true, false) => 3600,
        _ => 0,
    }
}

/// The stem `os.path.splitext` leaves: up to the last dot, unless every
/// character before it is a dot.
fn splitext(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b'.') {
        Some(dot) if name[..dot].iter().any(|&b| b != b'.') => &name[..dot],
        _ => name,
    }
}

impl Handler for TimedRotatingFileHandler {
    fn emit(&mut self, _record: &Record, text: &str) -> io::Result<()> {
        self.core.check_live()?;
        let now = unix_secs(self.settings.clock.now());
        if self.should_rollover(now) {
            self.do_rollover()?;
        }
        self.core.emit(text)
    }

    forward_to_core!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmtime_matches_known_dates() {
        let cases = [
            (0, (1970, 1, 1, 0, 0, 0, 3)),
            (951_782_400, (2000, 2, 29, 0, 0, 0, 1)),
            (1_704_067_199, (2023, 12, 31, 23, 59, 59, 6)),
            (1_704_067_200, (2024, 1, 1, 0, 0, 0, 0)),
            (-1, (1969, 12, 31, 23, 59, 59, 2)),
            (4_102_444_800, (2100, 1, 1, 0, 0, 0, 4)),
        ];
        for (secs, (y, mo, d, h, mi, s, wd)) in cases {
            let t = gmtime(secs);
            assert_eq!(
                (t.year, t.month, t.day, t.hour, t.minute, t.second, t.weekday),
                (y, mo, d, h, mi, s, wd),
                "{secs}"
            );
        }
    }

    #[test]
    fn splitext_keeps_leading_dots() {
        for (name, stem) in [
            ("app.log", "app"),
            ("app", "app"),
            (".hidden", ".hidden"),
            ("..x.log", "..x"),
            ("a.b.c", "a.b"),
        ] {
            assert_eq!(splitext(name.as_bytes()), stem.as_bytes(), "{name}");
        }
    }
}
