//! Wall-clock time without libc: broken-down UTC or local time (from `TZ`
//! and the zoneinfo database, as glibc reads them) and `strftime` in the C
//! locale, as Python's `time.localtime` / `time.gmtime` / `time.strftime`
//! give on Linux.
//!
//! Known differences from glibc: leap-second records in zone files are
//! skipped (the `right/` zones); a DST rule with no dates uses the US rules
//! rather than the `posixrules` file (the same since 2007); `%s` is the
//! record's timestamp even under `utc` (glibc reinterprets it as local).

mod posix;
mod strftime;
mod zone;

pub(crate) use strftime::{check_format, strftime};
pub(crate) use zone::Zone;

use std::sync::OnceLock;

/// Broken-down time, as C's `struct tm` (with `tm_gmtoff` and `tm_zone`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tm<'z> {
    /// Seconds since the Unix epoch this was made from.
    pub(crate) timestamp: i64,
    /// Full year, e.g. 2024.
    pub(crate) year: i64,
    /// 1 to 12.
    pub(crate) month: u32,
    /// 1 to 31.
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
    /// 0 is Sunday.
    pub(crate) weekday: u32,
    /// 0 is January 1st.
    pub(crate) yday: u32,
    pub(crate) is_dst: bool,
    /// Seconds east of UTC.
    pub(crate) utc_offset: i64,
    /// Zone abbreviation (`%Z`).
    pub(crate) zone: &'z str,
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01: (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub(crate) fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Broken-down time of `timestamp` shifted by `utc_offset` seconds.
pub(crate) fn broken_down<'z>(
    timestamp: i64,
    utc_offset: i64,
    is_dst: bool,
    zone: &'z str,
) -> Tm<'z> {
    let local = timestamp.saturating_add(utc_offset);
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    let yday = (days - days_from_civil(year, 1, 1)) as u32;
    Tm {
        timestamp,
        year,
        month,
        day,
        hour: secs / 3600,
        minute: secs / 60 % 60,
        second: secs % 60,
        weekday: (days + 4).rem_euclid(7) as u32,
        yday,
        is_dst,
        utc_offset,
        zone,
    }
}

/// `time.gmtime`: UTC, named `GMT` as glibc names it.
pub(crate) fn gmtime(timestamp: i64) -> Tm<'static> {
    broken_down(timestamp, 0, false, "GMT")
}

/// The process's local zone, from `TZ` as glibc resolves it, read once.
pub(crate) fn local_zone() -> &'static Zone {
    static ZONE: OnceLock<Zone> = OnceLock::new();
    ZONE.get_or_init(|| Zone::from_tz_var(std::env::var("TZ").ok().as_deref()))
}

/// `time.localtime`.
pub(crate) fn localtime(timestamp: i64) -> Tm<'static> {
    local_zone().at(timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips() {
        for days in [-800_000, -1, 0, 1, 59, 365, 11_016, 19_723, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn gmtime_fields() {
        let tm = gmtime(1_700_000_000);
        assert_eq!(
            (tm.year, tm.month, tm.day, tm.hour, tm.minute, tm.second),
            (2023, 11, 14, 22, 13, 20)
        );
        assert_eq!((tm.weekday, tm.yday, tm.zone), (2, 317, "GMT"));
        let tm = gmtime(-1);
        assert_eq!((tm.year, tm.month, tm.day, tm.hour), (1969, 12, 31, 23));
    }

    /// Local times and `strftime` against CPython's `time.localtime` under
    /// each `TZ` (one python3 process, `time.tzset()` per zone).
    #[test]
    fn zones_match_cpython() {
        let common: &[i64] = &[
            -2_000_000_000,
            -1,
            0,
            15_552_000,
            1_000_000_000,
            1_262_217_600,
            1_678_604_399,
            1_678_604_400,
            1_688_212_800,
            1_699_164_000,
            1_700_000_000,
            1_711_846_799,
            1_711_846_800,
            2_147_483_648,
            4_102_444_800,
            7_258_118_400,
        ];
        let modern: &[i64] = &[1_688_212_800, 1_700_000_000];
        let zones: &[(&str, &[i64])] = &[
            ("UTC", common),
            ("UTC0", common),
            ("", common),
            (":", common),
            ("EST5EDT,M3.2.0,M11.1.0", common),
            ("EST5EDT", common),
            ("Europe/Paris", common),
            (":Europe/Paris", common),
            ("/usr/share/zoneinfo/America/New_York", common),
            ("Australia/Sydney", common),
            ("Asia/Kolkata", common),
            ("America/St_Johns", common),
            ("Pacific/Chatham", common),
            ("Africa/Casablanca", common),
            ("Europe/Dublin", common),
            ("Antarctica/Troll", common),
            ("<+03>-3", common),
            ("garbage", common),
            ("1", common),
            ("foo1bar", modern),
            ("AEST-10AEDT,M10.1.0,M4.1.0/3", common),
            ("XXX3YYY,J60/0,300", common),
            ("ABC-5:30", common),
            ("NZST-12NZDT,M9.5.0,M4.1.0/3", common),
            ("EST5EDT,M3.2.0/-1,M11.1.0/26", common),
            ("WGT3WGST,M3.5.0/-2,M10.5.0/-1", common),
            ("No/Such_Zone", common),
        ];
        let format = "%Y-%m-%d %H:%M:%S %Z %z %j %a %U %V";
        let script = r"
import os, sys, time
for line in sys.stdin:
    tz, t, fmt = line.rstrip('\n').split('\t')
    os.environ['TZ'] = tz
    time.tzset()
    tm = time.localtime(int(t))
    print(time.strftime(fmt, tm), tm.tm_isdst)
";
        let mut input = String::new();
        let mut expected_ours = Vec::new();
        for (tz, times) in zones {
            let zone = Zone::from_tz_var(Some(tz));
            for &t in *times {
                input.push_str(&format!("{tz}\t{t}\t{format}\n"));
                let tm = zone.at(t);
                let mut text = String::new();
                strftime(format, &tm, &mut text);
                expected_ours.push((tz, t, format!("{text} {}", u8::from(tm.is_dst))));
            }
        }
        let Some(text) = crate::python_test::run_python(script, &input, "time zones") else {
            return;
        };
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), expected_ours.len());
        let mut failures = Vec::new();
        for ((tz, t, ours), python) in expected_ours.iter().zip(lines) {
            if ours != python {
                failures.push(format!("TZ={tz:?} t={t}: python {python:?}, ours {ours:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
