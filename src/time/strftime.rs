//! `strftime` as glibc runs it in the C locale, which is what Python's
//! `time.strftime` gives on Linux: GNU flags (`_ - 0 ^ #`), a width, the
//! `E`/`O` modifiers, and unknown directives copied as they are.

use super::Tm;
use std::fmt::Write;

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Python's check before calling the C function.
pub(crate) fn check_format(format: &str) -> Result<(), &'static str> {
    if format.contains('\0') {
        return Err("embedded null character");
    }
    Ok(())
}

/// How a directive pads.
#[derive(Clone, Copy)]
struct Flags {
    pad: Option<char>,
    upper: bool,
    swap: bool,
    width: Option<usize>,
}

/// Longest width honoured; glibc allows more, nobody needs it.
const MAX_WIDTH: usize = 1024;

/// Appends `tm` formatted by `format`.
pub(crate) fn strftime(format: &str, tm: &Tm, out: &mut String) {
    let mut chars = format.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = Flags {
            pad: None,
            upper: false,
            swap: false,
            width: None,
        };
        while let Some(&(_, f)) = chars.peek() {
            match f {
                '_' | '-' | '0' => flags.pad = Some(f),
                '^' => flags.upper = true,
                '#' => flags.swap = true,
                _ => break,
            }
            chars.next();
        }
        while let Some(&(_, d)) = chars.peek() {
            let Some(d) = d.to_digit(10) else { break };
            let w = flags.width.unwrap_or(0).saturating_mul(10) + d as usize;
            flags.width = Some(w.min(MAX_WIDTH));
            chars.next();
        }
        let mut modifier = None;
        if let Some(&(_, m)) = chars.peek() {
            if m == 'E' || m == 'O' {
                modifier = Some(m);
                chars.next();
            }
        }
        let Some((at, conv)) = chars.next() else {
            out.push_str(&format[start..]);
            return;
        };
        let allowed = match modifier {
            Some('E') => "cCxXyY".contains(conv),
            Some(_) => "bBhdeHIklmMSuUVwWy".contains(conv),
            None => true,
        };
        if !allowed || !directive(conv, tm, flags, out) {
            out.push_str(&format[start..at + conv.len_utf8()]);
        }
    }
}

/// Writes one directive; `false` when glibc does not know it.
fn directive(conv: char, tm: &Tm, flags: Flags, out: &mut String) -> bool {
    let hour12 = match tm.hour % 12 {
        0 => 12,
        h => h,
    };
    let wday = tm.weekday as usize % 7;
    let month = (tm.month as usize).clamp(1, 12) - 1;
    match conv {
        'a' => text(&DAYS[wday][..3], flags, Case::Names, out),
        'A' => text(DAYS[wday], flags, Case::Names, out),
        'b' | 'h' => text(&MONTHS[month][..3], flags, Case::Names, out),
        'B' => text(MONTHS[month], flags, Case::Names, out),
        'p' => text(
            if tm.hour < 12 { "AM" } else { "PM" },
            flags,
            Case::Lower,
            out,
        ),
        'P' => text(
            if tm.hour < 12 { "am" } else { "pm" },
            flags,
            Case::Names,
            out,
        ),
        'Z' => text(tm.zone, flags, Case::Lower, out),
        'n' => text("\n", flags, Case::Names, out),
        't' => text("\t", flags, Case::Names, out),
        '%' => text("%", flags, Case::Names, out),
        'c' => composite("%a %b %e %H:%M:%S %Y", tm, flags, out),
        'D' | 'x' => composite("%m/%d/%y", tm, flags, out),
        'F' => composite("%Y-%m-%d", tm, flags, out),
        'r' => composite("%I:%M:%S %p", tm, flags, out),
        'R' => composite("%H:%M", tm, flags, out),
        'T' | 'X' => composite("%H:%M:%S", tm, flags, out),
        'C' => num(tm.year.div_euclid(100), 2, '0', flags, out),
        'd' => num(i64::from(tm.day), 2, '0', flags, out),
        'e' => num(i64::from(tm.day), 2, '_', flags, out),
        'H' => num(i64::from(tm.hour), 2, '0', flags, out),
        'I' => num(i64::from(hour12), 2, '0', flags, out),
        'k' => num(i64::from(tm.hour), 2, '_', flags, out),
        'l' => num(i64::from(hour12), 2, '_', flags, out),
        'j' => num(i64::from(tm.yday) + 1, 3, '0', flags, out),
        'm' => num(i64::from(tm.month), 2, '0', flags, out),
        'M' => num(i64::from(tm.minute), 2, '0', flags, out),
        'S' => num(i64::from(tm.second), 2, '0', flags, out),
        's' => num(tm.timestamp, 1, '0', flags, out),
        'u' => num(if wday == 0 { 7 } else { wday as i64 }, 1, '0', flags, out),
        'w' => num(wday as i64, 1, '0', flags, out),
        'U' => num(
            (i64::from(tm.yday) + 7 - wday as i64) / 7,
            2,
            '0',
            flags,
            out,
        ),
        'W' => {
            let monday_based = (wday as i64 + 6) % 7;
            num(
                (i64::from(tm.yday) + 7 - monday_based) / 7,
                2,
                '0',
                flags,
                out,
            )
        }
        'y' => num(tm.year.rem_euclid(100), 2, '0', flags, out),
        'Y' => num(tm.year, 4, '0', flags, out),
        'G' | 'g' | 'V' => {
            let (year, week) = iso_week(tm);
            match conv {
                'G' => num(year, 4, '0', flags, out),
                'g' => num(year.rem_euclid(100), 2, '0', flags, out),
                _ => num(week, 2, '0', flags, out),
            }
        }
        'z' => {
            let offset = tm.utc_offset;
            let minutes = offset.abs() / 60;
            let value = minutes / 60 * 100 + minutes % 60;
            let sign = if offset < 0 { '-' } else { '+' };
            let digits = match flags.pad {
                Some('-') => 1,
                _ => 4,
            };
            out.push(sign);
            let mut f = flags;
            f.width = flags.width.map(|w| w.saturating_sub(1));
            num(value, digits, '0', f, out)
        }
        _ => return false,
    }
    true
}

/// How `#` changes a name's case in glibc.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    /// Day and month names: `#` upper-cases.
    Names,
    /// `%p` and `%Z`: `#` lower-cases.
    Lower,
}

fn text(s: &str, flags: Flags, case: Case, out: &mut String) {
    let width = flags.width.unwrap_or(0);
    let len = s.chars().count();
    if width > len && flags.pad != Some('-') {
        let fill = if flags.pad == Some('0') { '0' } else { ' ' };
        for _ in len..width {
            out.push(fill);
        }
    }
    if flags.upper || (flags.swap && case == Case::Names) {
        out.extend(s.chars().map(|c| c.to_ascii_uppercase()));
    } else if flags.swap {
        out.extend(s.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.push_str(s);
    }
}

fn composite(format: &str, tm: &Tm, flags: Flags, out: &mut String) {
    let mut inner = String::new();
    strftime(format, tm, &mut inner);
    text(&inner, flags, Case::Names, out);
}

/// A number padded to `digits` (or the given width) with `default_pad`
/// unless a flag says otherwise.
fn num(value: i64, digits: usize, default_pad: char, flags: Flags, out: &mut String) {
    let pad = flags.pad.unwrap_or(default_pad);
    let width = flags.width.unwrap_or(digits);
    let negative = value < 0;
    let magnitude = value.unsigned_abs();
    let len = magnitude.checked_ilog10().unwrap_or(0) as usize + 1 + usize::from(negative);
    let missing = if pad == '-' {
        0
    } else {
        width.saturating_sub(len)
    };
    if pad == '_' {
        for _ in 0..missing {
            out.push(' ');
        }
    }
    if negative {
        out.push('-');
    }
    if pad != '_' {
        for _ in 0..missing {
            out.push('0');
        }
    }
    let _ = write!(out, "{magnitude}");
}

/// ISO 8601 week-based year and week number.
fn iso_week(tm: &Tm) -> (i64, i64) {
    let weeks_in = |year: i64| {
        // Sunday = 0; a year has 53 weeks when it starts on a Thursday,
        // or on a Wednesday in a leap year.
        let jan1 = (super::days_from_civil(year, 1, 1) + 4).rem_euclid(7);
        if jan1 == 4 || (jan1 == 3 && super::is_leap(year)) {
            53
        } else {
            52
        }
    };
    let monday_based = (i64::from(tm.weekday) + 6) % 7;
    let week = (i64::from(tm.yday) - monday_based + 10) / 7;
    if week < 1 {
        (tm.year - 1, weeks_in(tm.year - 1))
    } else if week > weeks_in(tm.year) {
        (tm.year + 1, 1)
    } else {
        (tm.year, week)
    }
}

#[cfg(test)]
mod tests {
    use super::super::gmtime;
    use super::*;

    fn f(format: &str, t: i64) -> String {
        let mut s = String::new();
        strftime(format, &gmtime(t), &mut s);
        s
    }

    #[test]
    fn directives_match_glibc() {
        let t = 1_700_000_000; // Tuesday 2023-11-14 22:13:20 UTC
        let table = [
            ("%Y-%m-%d %H:%M:%S", "2023-11-14 22:13:20"),
            ("%a %A %b %B %h", "Tue Tuesday Nov November Nov"),
            ("%c", "Tue Nov 14 22:13:20 2023"),
            (
                "%x %X %D %T %F %R %r",
                "11/14/23 22:13:20 11/14/23 22:13:20 2023-11-14 22:13 10:13:20 PM",
            ),
            ("%j %U %W %V %G %g %u %w", "318 46 46 46 2023 23 2 2"),
            ("%I %l %k %p %P %e %C %y", "10 10 22 PM pm 14 20 23"),
            ("%z %Z %s %%", "+0000 GMT 1700000000 %"),
            (
                "%10Y|%10A|%-d|%_m|%^a|%#p|%#Z|%#a",
                "0000002023|   Tuesday|14|11|TUE|pm|gmt|TUE",
            ),
            (
                "%Q|%-Q|%Ey|%Ed|%5d|%_5d|%05e|%-z|%N",
                "%Q|%-Q|23|%Ed|00014|   14|00014|+0|%N",
            ),
            ("100%", "100%"),
            ("%-", "%-"),
        ];
        for (format, want) in table {
            assert_eq!(f(format, t), want, "{format}");
        }
        assert_eq!(f("%e %k %l", 0), " 1  0 12");
        assert_eq!(check_format("a\0b"), Err("embedded null character"));
    }

    #[test]
    fn iso_weeks_at_year_edges() {
        // (timestamp, %G-%V)
        let table = [
            (1_104_537_600, "2004-53"), // Sat 2005-01-01
            (1_230_768_000, "2009-01"), // Thu 2009-01-01
            (1_230_681_600, "2009-01"), // Wed 2008-12-31
            (1_262_217_600, "2009-53"), // Thu 2009-12-31
            (1_704_067_200, "2024-01"), // Mon 2024-01-01
            (1_735_516_800, "2025-01"), // Mon 2024-12-30
        ];
        for (t, want) in table {
            assert_eq!(f("%G-%V", t), want, "{t}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_format_any_time(format in "(%[-_0^#]{0,2}[0-9]{0,3}[EO]?.|.){0,8}", t in -(1i64 << 50)..(1i64 << 50)) {
            let mut s = String::new();
            strftime(&format, &gmtime(t), &mut s);
            // Text outside directives is copied as it is.
            if !format.contains('%') {
                proptest::prop_assert_eq!(s, format);
            }
        }
    }
}
