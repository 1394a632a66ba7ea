//! Durations on the command line: `500ms`, `90s`, `2m`, `1h`, `1d`, with
//! an optional decimal fraction (`1.5s`).

use std::time::Duration;

/// The longest duration accepted: a deadline this far ahead still fits an
/// `Instant` everywhere, and nothing an operator types needs more.
const MAX: Duration = Duration::from_secs(365 * 24 * 3600);

/// Parses `text` as a number followed by a unit (`ms`, `s`, `m`, `h`, `d`).
/// The error is one line naming the text.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("'{text}' is not a duration (like 500ms, 90s, 2m or 1h)");
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let unit_nanos: u128 = match unit {
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        "d" => 86_400_000_000_000,
        _ => return Err(bad()),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) {
        return Err(bad());
    }
    if number.ends_with('.') {
        return Err(bad());
    }
    let too_long = || format!("'{text}' is too long a duration (at most 365d)");
    // More whole digits than this overflow below (and exceed MAX anyway).
    if whole.trim_start_matches('0').len() > 20 {
        return Err(too_long());
    }
    let whole: u128 = whole.parse().map_err(|_| bad())?;
    let mut nanos = whole.checked_mul(unit_nanos).ok_or_else(too_long)?;
    // The fraction, truncated to whole nanoseconds: digit by digit, so no
    // power of ten overflows.
    let mut scale = unit_nanos;
    for digit in fraction.bytes() {
        scale /= 10;
        nanos += u128::from(digit - b'0') * scale;
    }
    if nanos > MAX.as_nanos() {
        return Err(too_long());
    }
    let secs = (nanos / 1_000_000_000) as u64;
    Ok(Duration::new(secs, (nanos % 1_000_000_000) as u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_numbers_with_units() {
        let cases = [
            ("500ms", Duration::from_millis(500)),
            ("90s", Duration::from_secs(90)),
            ("2m", Duration::from_secs(120)),
            ("1h", Duration::from_secs(3600)),
            ("1d", Duration::from_secs(86_400)),
            ("1.5s", Duration::from_millis(1500)),
            ("0.25m", Duration::from_secs(15)),
            ("0.0000000019s", Duration::from_nanos(1)),
            ("007s", Duration::from_secs(7)),
            ("0s", Duration::ZERO),
            ("1.0000000000000000000000000000009s", Duration::from_secs(1)),
            ("365d", MAX),
            ("8760h", MAX),
        ];
        for (text, want) in cases {
            assert_eq!(parse_duration(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn rejects_anything_else_in_one_line() {
        for text in [
            "", "10", "s", "ms", ".5s", "5.s", "1.2.3s", "-1s", "+1s", "1 s", " 1s", "1s ", "1S",
            "1sec", "1us", "1e3s", "1h30m", "١s",
        ] {
            assert_eq!(
                parse_duration(text),
                Err(format!(
                    "'{text}' is not a duration (like 500ms, 90s, 2m or 1h)"
                )),
                "{text:?}"
            );
        }
        for text in [
            "366d",
            "31536000.000000001s",
            "99999999999999999999999999999d",
            "340282366920938463463374607431768211456s",
        ] {
            assert_eq!(
                parse_duration(text),
                Err(format!("'{text}' is too long a duration (at most 365d)")),
                "{text}"
            );
        }
    }

    proptest! {
        #[test]
        fn any_text_parses_or_fails_in_one_line(text in "\\PC{0,24}") {
            match parse_duration(&text) {
                Ok(d) => prop_assert!(d <= MAX),
                Err(e) => {
                    prop_assert!(!e.contains('\n'));
                    let quoted = format!("'{text}'");
                    prop_assert!(e.contains(&quoted), "{}", e);
                }
            }
        }

        #[test]
        fn milliseconds_round_trip(ms in 0u64..=365 * 24 * 3600 * 1000) {
            prop_assert_eq!(parse_duration(&format!("{ms}ms")), Ok(Duration::from_millis(ms)));
            let text = format!("{}.{:03}s", ms / 1000, ms % 1000);
            prop_assert_eq!(parse_duration(&text), Ok(Duration::from_millis(ms)));
        }
    }
}
