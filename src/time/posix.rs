//! POSIX `TZ` rule strings (`EST5EDT,M3.2.0,M11.1.0`, `<+03>-3`), parsed
//! and applied as glibc's `__tzset_parse_tz` and `__tz_compute` do: a
//! malformed string leaves the parts parsed so far, never an error.

use super::{broken_down, days_from_civil, is_leap, Tm};

/// The day a change happens on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Date {
    /// `n`: zero-based day of the year, counting February 29th.
    Day(u16),
    /// `Jn`: 1-based day of the year, never counting February 29th.
    Julian(u16),
    /// `Mm.w.d`: weekday `d` of week `w` (5 = last) of month `m`.
    Month { month: u16, week: u16, weekday: u16 },
}

/// One half of the rule: the zone's name and offset, and when it begins.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Part {
    name: String,
    /// Seconds east of UTC.
    offset: i64,
    date: Date,
    /// Local time of day of the change, in seconds (may be negative).
    secs: i64,
}

impl Part {
    fn zero() -> Part {
        Part {
            name: String::new(),
            offset: 0,
            date: Date::Day(0),
            secs: 0,
        }
    }

    /// The UTC instant this part's change happens in `year`.
    fn change(&self, year: i64) -> i64 {
        // glibc starts every year up to 1970 at the epoch (its quirk, kept
        // so pre-1970 times agree); the day within the year is the year's.
        let jan1 = days_from_civil(year, 1, 1);
        let base = if year > 1970 { jan1 } else { 0 };
        let mut day = base;
        match self.date {
            Date::Julian(n) => {
                day += i64::from(n) - 1;
                if n >= 60 && is_leap(year) {
                    day += 1;
                }
            }
            Date::Day(n) => day += i64::from(n),
            Date::Month {
                month,
                week,
                weekday,
            } => {
                let month = u32::from(month);
                let first = days_from_civil(year, month, 1);
                let next = if month == 12 {
                    days_from_civil(year + 1, 1, 1)
                } else {
                    days_from_civil(year, month + 1, 1)
                };
                let month_len = next - first;
                let dow = (first + 4).rem_euclid(7);
                let mut d = (i64::from(weekday) - dow).rem_euclid(7);
                for _ in 1..week {
                    if d + 7 >= month_len {
                        break;
                    }
                    d += 7;
                }
                day = base + (first - jan1) + d;
            }
        }
        day.saturating_mul(86_400)
            .saturating_sub(self.offset)
            .saturating_add(self.secs)
    }
}

/// A parsed POSIX TZ string: standard time and (maybe) daylight time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PosixTz {
    parts: [Part; 2],
}

/// A cursor over the bytes of the string.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> u8 {
        self.s.get(self.i).copied().unwrap_or(0)
    }

    fn peek_at(&self, k: usize) -> u8 {
        self.s.get(self.i + k).copied().unwrap_or(0)
    }

    /// Unsigned decimal digits, if any (as `%hu`, saturating).
    fn number(&mut self) -> Option<u32> {
        let start = self.i;
        let mut n: u32 = 0;
        while self.peek().is_ascii_digit() {
            n = n
                .saturating_mul(10)
                .saturating_add(u32::from(self.peek() - b'0'));
            self.i += 1;
        }
        (self.i > start).then_some(n.min(u32::from(u16::MAX)))
    }

    /// `%hu%n:%hu%n:%hu%n`: up to three numbers; missing ones stay as given.
    fn hms(&mut self, hms: &mut [u32; 3]) -> bool {
        let Some(h) = self.number() else {
            return false;
        };
        hms[0] = h;
        for slot in hms.iter_mut().skip(1) {
            if self.peek() != b':' || !self.peek_at(1).is_ascii_digit() {
                break;
            }
            self.i += 1;
            *slot = self.number().unwrap_or(0);
        }
        true
    }
}

impl PosixTz {
    /// UTC, named `name`.
    pub(crate) fn utc(name: &str) -> PosixTz {
        let mut part = Part::zero();
        part.name = name.to_string();
        PosixTz {
            parts: [part.clone(), part],
        }
    }

    /// Parses `tz` as glibc does (never fails; unparsed rest is ignored).
    pub(crate) fn parse(tz: &str) -> PosixTz {
        let mut parts = [Part::zero(), Part::zero()];
        let mut c = Cursor {
            s: tz.as_bytes(),
            i: 0,
        };
        if parse_name(&mut c, &mut parts[0]) && parse_offset(&mut c, &mut parts, 0) {
            if c.peek() != 0 {
                if parse_name(&mut c, &mut parts[1]) {
                    parse_offset(&mut c, &mut parts, 1);
                }
                if parse_rule(&mut c, &mut parts[0], true) {
                    parse_rule(&mut c, &mut parts[1], false);
                }
            } else {
                parts[1].name = parts[0].name.clone();
                parts[1].offset = parts[0].offset;
            }
        }
        PosixTz { parts }
    }

    /// Broken-down local time of `timestamp` under this rule.
    pub(crate) fn at(&self, timestamp: i64) -> Tm<'_> {
        let year = broken_down(timestamp, 0, false, "").year;
        let start = self.parts[0].change(year);
        let end = self.parts[1].change(year);
        let dst = if start > end {
            timestamp < end || timestamp >= start
        } else {
            timestamp >= start && timestamp < end
        };
        let part = &self.parts[usize::from(dst)];
        broken_down(timestamp, part.offset, dst, &part.name)
    }
}

fn parse_name(c: &mut Cursor, part: &mut Part) -> bool {
    let start = c.i;
    while c.peek().is_ascii_alphabetic() {
        c.i += 1;
    }
    if c.i - start >= 3 {
        part.name = String::from_utf8_lossy(&c.s[start..c.i]).into_owned();
        return true;
    }
    c.i = start;
    if c.peek() != b'<' {
        return false;
    }
    let inner = start + 1;
    let mut j = inner;
    while c
        .s
        .get(j)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'-')
    {
        j += 1;
    }
    if c.s.get(j) != Some(&b'>') || j - inner < 3 {
        return false;
    }
    part.name = String::from_utf8_lossy(&c.s[inner..j]).into_owned();
    c.i = j + 1;
    true
}

fn parse_offset(c: &mut Cursor, parts: &mut [Part; 2], which: usize) -> bool {
    let b = c.peek();
    if which == 0 && (b == 0 || (b != b'+' && b != b'-' && !b.is_ascii_digit())) {
        return false;
    }
    let mut sign = -1;
    if b == b'+' || b == b'-' {
        if b == b'-' {
            sign = 1;
        }
        c.i += 1;
    }
    let mut hms = [0u32; 3];
    if c.hms(&mut hms) {
        let secs = i64::from(hms[2].min(59))
            + i64::from(hms[1].min(59)) * 60
            + i64::from(hms[0].min(24)) * 3600;
        parts[which].offset = sign * secs;
        true
    } else if which == 0 {
        parts[0].offset = 0;
        false
    } else {
        parts[1].offset = parts[0].offset + 3600;
        true
    }
}

fn parse_rule(c: &mut Cursor, part: &mut Part, first: bool) -> bool {
    let ok = parse_rule_inner(c, part, first);
    if !ok {
        part.date = Date::Day(0);
        part.secs = 0;
    }
    ok
}

fn parse_rule_inner(c: &mut Cursor, part: &mut Part, first: bool) -> bool {
    if c.peek() == b',' {
        c.i += 1;
    }
    let b = c.peek();
    if b == b'J' || b.is_ascii_digit() {
        let julian = b == b'J';
        if julian {
            c.i += 1;
        }
        let Some(d) = c.number() else {
            return false;
        };
        if d > 365 || (julian && d == 0) {
            return false;
        }
        let d = d as u16;
        part.date = if julian {
            Date::Julian(d)
        } else {
            Date::Day(d)
        };
    } else if b == b'M' {
        c.i += 1;
        let mut fields = [0u32; 3];
        for (k, slot) in fields.iter_mut().enumerate() {
            if k > 0 {
                if c.peek() != b'.' {
                    return false;
                }
                c.i += 1;
            }
            let Some(n) = c.number() else {
                return false;
            };
            *slot = n;
        }
        let [month, week, weekday] = fields;
        if !(1..=12).contains(&month) || !(1..=5).contains(&week) || weekday > 6 {
            return false;
        }
        part.date = Date::Month {
            month: month as u16,
            week: week as u16,
            weekday: weekday as u16,
        };
    } else if b == 0 {
        // glibc's default: the US rules, M3.2.0 and M11.1.0.
        part.date = if first {
            Date::Month {
                month: 3,
                week: 2,
                weekday: 0,
            }
        } else {
            Date::Month {
                month: 11,
                week: 1,
                weekday: 0,
            }
        };
    } else {
        return false;
    }
    match c.peek() {
        0 | b',' => part.secs = 7200,
        b'/' => {
            c.i += 1;
            if c.peek() == 0 {
                return false;
            }
            let negative = c.peek() == b'-';
            if negative {
                c.i += 1;
            }
            let mut hms = [2u32, 0, 0];
            c.hms(&mut hms);
            let secs = i64::from(hms[0]) * 3600 + i64::from(hms[1]) * 60 + i64::from(hms[2]);
            part.secs = if negative { -secs } else { secs };
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(tz: &str, t: i64) -> String {
        let zone = PosixTz::parse(tz);
        let tm = zone.at(t);
        format!(
            "{}-{:02}-{:02} {:02}:{:02} {} {} {}",
            tm.year, tm.month, tm.day, tm.hour, tm.minute, tm.zone, tm.utc_offset, tm.is_dst
        )
    }

    #[test]
    fn rules_follow_glibc() {
        let us = "EST5EDT,M3.2.0,M11.1.0";
        // 2023-11-14 22:13:20 UTC, then 2023-07-01 12:00 UTC.
        assert_eq!(show(us, 1_700_000_000), "2023-11-14 17:13 EST -18000 false");
        assert_eq!(show(us, 1_688_212_800), "2023-07-01 08:00 EDT -14400 true");
        // DST starts 2023-03-12 at 02:00 EST = 07:00 UTC.
        assert_eq!(show(us, 1_678_604_399), "2023-03-12 01:59 EST -18000 false");
        assert_eq!(show(us, 1_678_604_400), "2023-03-12 03:00 EDT -14400 true");
        assert_eq!(
            show("<+03>-3", 1_700_000_000),
            "2023-11-15 01:13 +03 10800 false"
        );
        assert_eq!(
            show("garbage", 1_700_000_000),
            "2023-11-14 22:13 garbage 0 false"
        );
        assert_eq!(
            show("foo1bar", 1_700_000_000),
            "2023-11-14 21:13 foo -3600 false"
        );
        assert_eq!(show("1", 0), "1970-01-01 00:00  0 false");
        let south = "AEST-10AEDT,M10.1.0,M4.1.0/3";
        assert_eq!(
            show(south, 1_700_000_000),
            "2023-11-15 09:13 AEDT 39600 true"
        );
        assert_eq!(
            show(south, 1_688_212_800),
            "2023-07-01 22:00 AEST 36000 false"
        );
        assert_eq!(
            show("XXX0YYY,J60/0,300", 1_709_251_200),
            "2024-03-01 01:00 YYY 3600 true"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_rule_string_and_time(tz in "[A-Za-z<>+0-9:,./JM-]{0,30}", t: i64) {
            let zone = PosixTz::parse(&tz);
            let tm = zone.at(t);
            proptest::prop_assert!(tm.month >= 1 && tm.month <= 12 && tm.hour < 24);
        }
    }
}
