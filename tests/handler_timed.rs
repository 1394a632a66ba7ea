//! TimedRotatingFileHandler with an injected clock: rollover times for
//! every `when`, file names, backupCount deletion, daylight saving time,
//! and a differential test against CPython with a patched `time.time`.

use loglisten::handler::{AtTime, Clock, TimedRotatingFileHandler, TimedSettings};
use loglisten::{Handler, Level, Record, SharedHandler};
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// 2024-01-01 00:00:00 UTC, a Monday.
const JAN1: i64 = 1_704_067_200;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

#[path = "support/tempdir.rs"]
mod tempdir;
use tempdir::{emit, files, listing, TempDir};

#[path = "support/python.rs"]
mod python;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Zone {
    Utc,
    Fixed(i32),
    /// `EST5EDT,M3.2.0,M11.1.0` for 2023 to 2025.
    UsEastern,
}

/// A settable clock in a zone.
#[derive(Debug)]
struct TestClock {
    now: AtomicI64,
    zone: Zone,
}

impl TestClock {
    fn new(now: i64, zone: Zone) -> Arc<TestClock> {
        Arc::new(TestClock {
            now: AtomicI64::new(now),
            zone,
        })
    }

    fn set(&self, now: i64) {
        self.now.store(now, Ordering::Relaxed);
    }
}

impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.now.load(Ordering::Relaxed) as u64)
    }

    fn local_offset(&self, secs: i64) -> (i32, bool) {
        match self.zone {
            Zone::Utc => (0, false),
            Zone::Fixed(offset) => (offset, false),
            Zone::UsEastern => {
                let dst = [
                    (1_678_604_400, 1_699_164_000),
                    (1_710_054_000, 1_730_613_600),
                    (1_741_503_600, 1_762_063_200),
                ]
                .iter()
                .any(|&(start, end)| (start..end).contains(&secs));
                if dst {
                    (-4 * 3600, true)
                } else {
                    (-5 * 3600, false)
                }
            }
        }
    }
}

fn settings(path: &Path, when: &str, clock: &Arc<TestClock>) -> TimedSettings {
    let mut s = TimedSettings::new(path);
    s.when = when.to_string();
    s.file.delay = true;
    s.clock = clock.clone();
    s
}

#[test]
fn bad_settings_give_cpythons_messages() {
    let clock = TestClock::new(JAN1, Zone::Utc);
    let cases = [
        ("x", "Invalid rollover interval specified: X"),
        (
            "W",
            "You must specify a day for weekly rollover from 0 to 6 (0 is Monday): W",
        ),
        (
            "w12",
            "You must specify a day for weekly rollover from 0 to 6 (0 is Monday): W12",
        ),
        ("W7", "Invalid day specified for weekly rollover: W7"),
        ("wx", "Invalid day specified for weekly rollover: WX"),
        ("midnite", "Invalid rollover interval specified: MIDNITE"),
    ];
    for (when, message) in cases {
        let s = settings(Path::new("/nonexistent/app.log"), when, &clock);
        assert_eq!(s.check().unwrap_err().to_string(), message, "{when}");
        let err = TimedRotatingFileHandler::new(s).unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    let mut s = settings(Path::new("/nonexistent/app.log"), "s", &clock);
    s.interval = 0;
    assert_eq!(
        s.check().unwrap_err().to_string(),
        "interval must be at least 1, not 0"
    );
    s.interval = i64::MAX;
    assert_eq!(
        s.check().unwrap_err().to_string(),
        format!("interval too large: {}", i64::MAX)
    );
    let mut s = settings(Path::new("/nonexistent/app.log"), "midnight", &clock);
    s.at_time = Some(AtTime {
        hour: 24,
        minute: 0,
        second: 0,
    });
    assert_eq!(
        s.check().unwrap_err().to_string(),
        "atTime out of range: 24:00:00"
    );
}

#[test]
fn first_rollover_time_for_every_when() {
    let dir = TempDir::new("first");
    // 2024-01-03 (Wednesday) 10:20:30 UTC.
    let now = JAN1 + 2 * DAY + 10 * HOUR + 20 * 60 + 30;
    let clock = TestClock::new(now, Zone::Utc);
    let cases = [
        ("s", 1, now + 1),
        ("S", 5, now + 5),
        ("m", 1, now + 60),
        ("h", 2, now + 2 * HOUR),
        ("d", 1, now + DAY),
        ("midnight", 1, JAN1 + 3 * DAY),
        // Weekly: at the midnight that ends the named day (CPython 3.11).
        ("W0", 1, JAN1 + 8 * DAY),
        ("W2", 1, JAN1 + 3 * DAY),
        ("W3", 1, JAN1 + 4 * DAY),
        ("W6", 1, JAN1 + 7 * DAY),
    ];
    for (when, interval, expected) in cases {
        let mut s = settings(&dir.join("app.log"), when, &clock);
        s.interval = interval;
        let h = TimedRotatingFileHandler::new(s).unwrap();
        assert_eq!(h.rollover_at(), expected, "{when}");
    }
}

#[test]
fn at_time_and_local_offset_move_midnight() {
    let dir = TempDir::new("at-time");
    let now = JAN1 + 2 * DAY + 10 * HOUR; // Wednesday 10:00 UTC
    let utc = TestClock::new(now, Zone::Utc);
    let mut s = settings(&dir.join("app.log"), "midnight", &utc);
    s.at_time = Some(AtTime {
        hour: 4,
        minute: 30,
        second: 0,
    });
    let h = TimedRotatingFileHandler::new(s.clone()).unwrap();
    assert_eq!(h.rollover_at(), JAN1 + 3 * DAY + 4 * HOUR + 1800);
    s.at_time = Some(AtTime {
        hour: 12,
        minute: 0,
        second: 0,
    });
    let h = TimedRotatingFileHandler::new(s).unwrap();
    assert_eq!(h.rollover_at(), JAN1 + 2 * DAY + 12 * HOUR);
    // At UTC+5:30 it is 15:30 local: local midnight is 18:30 UTC.
    let india = TestClock::new(now, Zone::Fixed(5 * 3600 + 1800));
    let h =
        TimedRotatingFileHandler::new(settings(&dir.join("app.log"), "midnight", &india)).unwrap();
    assert_eq!(h.rollover_at(), JAN1 + 2 * DAY + 18 * HOUR + 1800);
    // utc=True ignores the local zone.
    let mut s = settings(&dir.join("app.log"), "midnight", &india);
    s.utc = true;
    let h = TimedRotatingFileHandler::new(s).unwrap();
    assert_eq!(h.rollover_at(), JAN1 + 3 * DAY);
}

#[test]
fn rolls_over_each_second_with_names_of_the_interval_start() {
    let dir = TempDir::new("seconds");
    let clock = TestClock::new(JAN1, Zone::Utc);
    let mut h = TimedRotatingFileHandler::new(settings(&dir.join("app.log"), "S", &clock)).unwrap();
    emit(&mut h, "a");
    clock.set(JAN1 + 1);
    emit(&mut h, "b");
    emit(&mut h, "c");
    clock.set(JAN1 + 5);
    emit(&mut h, "d");
    assert_eq!(
        listing(&dir.0),
        files(&[
            ("app.log", "d\n"),
            ("app.log.2024-01-01_00-00-00", "a\n"),
            ("app.log.2024-01-01_00-00-01", "b\nc\n"),
        ])
    );
    assert_eq!(h.rollover_at(), JAN1 + 6);
}

#[test]
fn suffixes_for_minutes_hours_days_and_weeks() {
    let start = JAN1 + 10 * HOUR + 15 * 60; // Monday 10:15
    let cases = [
        ("M", 60, "app.log.2024-01-01_10-15"),
        ("H", HOUR, "app.log.2024-01-01_10"),
        ("D", DAY, "app.log.2024-01-01"),
        ("MIDNIGHT", DAY, "app.log.2024-01-01"),
        // The week ending at the first rollover (Tuesday 00:00) began on
        // 2023-12-26, and CPython names the file after that.
        ("W0", 7 * DAY, "app.log.2023-12-26"),
    ];
    for (when, step, name) in cases {
        let dir = TempDir::new("suffix");
        let clock = TestClock::new(start, Zone::Utc);
        let mut h =
            TimedRotatingFileHandler::new(settings(&dir.join("app.log"), when, &clock)).unwrap();
        emit(&mut h, "old");
        clock.set(start + step);
        emit(&mut h, "new");
        assert_eq!(
            listing(&dir.0),
            files(&[("app.log", "new\n"), (name, "old\n")]),
            "{when}"
        );
    }
}

#[test]
fn backup_count_deletes_the_oldest_matching_files() {
    let dir = TempDir::new("backups");
    fs::write(dir.join("app.log.notes"), "unrelated\n").unwrap();
    fs::write(dir.join("other.2020-01-01"), "unrelated\n").unwrap();
    let clock = TestClock::new(JAN1, Zone::Utc);
    let mut s = settings(&dir.join("app.log"), "D", &clock);
    s.backup_count = 2;
    let mut h = TimedRotatingFileHandler::new(s).unwrap();
    for day in 0..5 {
        clock.set(JAN1 + day * DAY);
        emit(&mut h, &format!("day {day}"));
    }
    assert_eq!(
        listing(&dir.0),
        files(&[
            ("app.log", "day 4\n"),
            ("app.log.2024-01-03", "day 2\n"),
            ("app.log.2024-01-04", "day 3\n"),
            ("app.log.notes", "unrelated\n"),
            ("other.2020-01-01", "unrelated\n"),
        ])
    );
}

#[test]
fn an_idle_gap_names_the_file_after_the_missed_interval() {
    let dir = TempDir::new("gap");
    let clock = TestClock::new(JAN1, Zone::Utc);
    let mut h = TimedRotatingFileHandler::new(settings(&dir.join("app.log"), "H", &clock)).unwrap();
    emit(&mut h, "early");
    clock.set(JAN1 + 5 * HOUR + 10);
    emit(&mut h, "late");
    assert_eq!(
        listing(&dir.0),
        files(&[("app.log", "late\n"), ("app.log.2024-01-01_00", "early\n")])
    );
    assert_eq!(h.rollover_at(), JAN1 + 6 * HOUR + 10);
}

#[test]
fn first_rollover_counts_from_an_existing_files_mtime() {
    let dir = TempDir::new("mtime");
    let path = dir.join("app.log");
    fs::write(&path, "yesterday\n").unwrap();
    let file = fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(UNIX_EPOCH + Duration::from_secs((JAN1 - DAY) as u64))
        .unwrap();
    drop(file);
    let clock = TestClock::new(JAN1 + 10 * HOUR, Zone::Utc);
    let mut s = settings(&path, "midnight", &clock);
    s.file.delay = false;
    let mut h = TimedRotatingFileHandler::new(s).unwrap();
    assert_eq!(h.rollover_at(), JAN1);
    emit(&mut h, "today");
    assert_eq!(
        listing(&dir.0),
        files(&[
            ("app.log", "today\n"),
            ("app.log.2023-12-31", "yesterday\n")
        ])
    );
}

#[test]
fn staged_timed_handler_abandons_its_new_file() {
    let dir = TempDir::new("staged");
    let path = dir.join("app.log");
    let clock = TestClock::new(JAN1, Zone::Utc);
    let mut s = settings(&path, "h", &clock);
    s.file.delay = false;
    let mut h = TimedRotatingFileHandler::open(s).unwrap();
    assert!(path.exists());
    h.discard();
    assert!(!path.exists());
}

#[test]
fn midnight_across_daylight_saving_changes() {
    // US Eastern: 2024-03-10 has 23 hours, 2024-11-03 has 25.
    let spring = 1_709_917_200; // 2024-03-08 12:00 EST
    let clock = TestClock::new(spring, Zone::UsEastern);
    let dir = TempDir::new("dst");
    let mut h =
        TimedRotatingFileHandler::new(settings(&dir.join("app.log"), "midnight", &clock)).unwrap();
    assert_eq!(h.rollover_at(), 1_709_960_400); // 03-09 00:00 EST
    clock.set(1_709_960_400);
    emit(&mut h, "sat");
    // Next local midnight is 03-10 00:00 EST, then 03-11 00:00 EDT.
    assert_eq!(h.rollover_at(), 1_710_046_800);
    clock.set(1_710_046_800);
    emit(&mut h, "sun");
    assert_eq!(h.rollover_at(), 1_710_129_600);
    assert_eq!(
        listing(&dir.0),
        files(&[("app.log", "sun\n"), ("app.log.2024-03-09", "sat\n")])
    );
}

#[test]
fn shared_handler_counts_rollover_errors() {
    let dir = TempDir::new("errors");
    let clock = TestClock::new(JAN1, Zone::Utc);
    let path = dir.join("app.log");
    let h =
        SharedHandler::new(TimedRotatingFileHandler::new(settings(&path, "S", &clock)).unwrap());
    h.handle(&Record::new("t", Level::INFO, "a"));
    // A directory where the dated name should go makes the rename fail.
    fs::create_dir(dir.join("app.log.2024-01-01_00-00-00")).unwrap();
    fs::write(dir.join("app.log.2024-01-01_00-00-00/x"), "").unwrap();
    clock.set(JAN1 + 1);
    h.handle(&Record::new("t", Level::INFO, "b"));
    assert_eq!(h.error_count(), 1);
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// One case: when, interval, backupCount, utc, atTime, TZ, start, events.
struct Case {
    when: &'static str,
    interval: i64,
    backup_count: i64,
    utc: bool,
    at_time: Option<(u32, u32, u32)>,
    zone: Zone,
    start: i64,
    events: Vec<i64>,
}

fn tz_name(zone: Zone) -> &'static str {
    match zone {
        Zone::Utc => "UTC0",
        Zone::Fixed(_) => "<+0530>-5:30",
        Zone::UsEastern => "EST5EDT,M3.2.0,M11.1.0",
    }
}

fn cases() -> Vec<Case> {
    let every = |start: i64, step: i64, count: i64| (0..count).map(move |i| start + i * step);
    let case = |when, interval, backup_count, zone, start: i64, events: Vec<i64>| Case {
        when,
        interval,
        backup_count,
        utc: false,
        at_time: None,
        zone,
        start,
        events,
    };
    let spring = 1_709_830_800; // 2024-03-07 12:00 EST
    let autumn = 1_730_390_400; // 2024-10-31 12:00 EDT
    vec![
        case("S", 1, 3, Zone::Utc, JAN1, every(JAN1, 1, 8).collect()),
        case("s", 3, 0, Zone::Utc, JAN1, every(JAN1, 2, 10).collect()),
        case(
            "M",
            2,
            2,
            Zone::Utc,
            JAN1 + 50,
            every(JAN1, 47, 12).collect(),
        ),
        case("H", 1, 4, Zone::Utc, JAN1, every(JAN1, 1500, 20).collect()),
        case(
            "D",
            1,
            1,
            Zone::Utc,
            JAN1,
            every(JAN1, 20 * HOUR, 6).collect(),
        ),
        case(
            "midnight",
            1,
            3,
            Zone::Utc,
            JAN1 + 5,
            every(JAN1, 7 * HOUR, 20).collect(),
        ),
        case(
            "W3",
            1,
            2,
            Zone::Utc,
            JAN1,
            every(JAN1, DAY + 77, 30).collect(),
        ),
        case("W0", 2, 0, Zone::Utc, JAN1, every(JAN1, DAY, 30).collect()),
        case(
            "midnight",
            1,
            0,
            Zone::Fixed(5 * 3600 + 1800),
            JAN1,
            every(JAN1, 5 * HOUR, 15).collect(),
        ),
        case(
            "midnight",
            1,
            0,
            Zone::UsEastern,
            spring,
            every(spring, 5 * HOUR, 25).collect(),
        ),
        case(
            "midnight",
            1,
            0,
            Zone::UsEastern,
            autumn,
            every(autumn, 5 * HOUR, 25).collect(),
        ),
        case(
            "W6",
            1,
            0,
            Zone::UsEastern,
            spring - 5 * DAY,
            every(spring - 5 * DAY, 11 * HOUR, 40).collect(),
        ),
        case(
            "W6",
            1,
            0,
            Zone::UsEastern,
            autumn - 5 * DAY,
            every(autumn - 5 * DAY, 11 * HOUR, 40).collect(),
        ),
        case(
            "H",
            1,
            0,
            Zone::UsEastern,
            spring + 2 * DAY,
            every(spring + 2 * DAY, 1700, 30).collect(),
        ),
        Case {
            at_time: Some((3, 30, 0)),
            ..case(
                "midnight",
                1,
                2,
                Zone::UsEastern,
                autumn,
                every(autumn, 4 * HOUR, 30).collect(),
            )
        },
        Case {
            utc: true,
            at_time: Some((23, 0, 0)),
            ..case(
                "W4",
                1,
                0,
                Zone::UsEastern,
                spring,
                every(spring, 9 * HOUR, 30).collect(),
            )
        },
    ]
}

fn run_ours(dir: &Path, case: &Case) -> String {
    let clock = TestClock::new(case.start, case.zone);
    let mut s = settings(&dir.join("app.log"), case.when, &clock);
    s.interval = case.interval;
    s.backup_count = case.backup_count;
    s.utc = case.utc;
    s.at_time = case.at_time.map(|(hour, minute, second)| AtTime {
        hour,
        minute,
        second,
    });
    let mut h = TimedRotatingFileHandler::new(s).unwrap();
    for (i, &t) in case.events.iter().enumerate() {
        clock.set(t);
        emit(&mut h, &format!("m{i}"));
    }
    let at = h.rollover_at();
    h.close().unwrap();
    let mut out = format!("AT {at}\n");
    for (name, content) in listing(dir) {
        out.push_str(&format!("{name} {content:?}\n"));
    }
    out
}

#[test]
fn same_files_as_cpython_with_a_patched_clock() {
    let cases = cases();
    let mut literal = String::from("[");
    for c in &cases {
        let at = c
            .at_time
            .map_or("None".to_string(), |(h, m, s)| format!("({h}, {m}, {s})"));
        let events: Vec<String> = c.events.iter().map(i64::to_string).collect();
        literal.push_str(&format!(
            "('{}', {}, {}, {}, {at}, '{}', {}, [{}]),\n",
            c.when,
            c.interval,
            c.backup_count,
            py_bool(c.utc),
            tz_name(c.zone),
            c.start,
            events.join(", ")
        ));
    }
    literal.push(']');
    let script = format!(
        r#"
import datetime, logging, logging.handlers, os, sys, time
now = [0]
time.time = lambda: now[0]
base = sys.argv[1]
for i, (when, interval, backup, utc, at, tz, start, events) in enumerate({literal}):
    os.environ['TZ'] = tz
    time.tzset()
    d = os.path.join(base, str(i))
    os.makedirs(d)
    now[0] = start
    h = logging.handlers.TimedRotatingFileHandler(os.path.join(d, 'app.log'), when=when,
        interval=interval, backupCount=backup, encoding='utf-8', delay=True, utc=utc,
        atTime=datetime.time(*at) if at else None)
    for j, t in enumerate(events):
        now[0] = t
        h.handle(logging.makeLogRecord({{'msg': 'm%d' % j, 'levelno': 20, 'levelname': 'INFO'}}))
    print('CASE', i)
    print('AT', h.rolloverAt)
    h.close()
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name), encoding='utf-8') as f:
            text = f.read()
        print(name, '"' + text.replace('\n', '\\n') + '"')
"#
    );
    let python_dir = TempDir::new("python");
    let Some(expected) = python::run_python_in(&script, &python_dir.0, "TimedRotatingFileHandler")
    else {
        return;
    };
    let mut ours = String::new();
    for (i, case) in cases.iter().enumerate() {
        let dir = TempDir::new("ours");
        ours.push_str(&format!("CASE {i}\n"));
        ours.push_str(&run_ours(&dir.0, case));
    }
    for (i, (a, b)) in ours.split("CASE").zip(expected.split("CASE")).enumerate() {
        assert_eq!(a, b, "case {}", i as i64 - 1);
    }
    assert_eq!(ours, expected);
}
