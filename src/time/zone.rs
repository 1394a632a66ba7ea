//! Zones: a TZif file (RFC 8536, versions 1 to 4) or a POSIX rule,
//! chosen from `TZ` the way glibc's `tzset` chooses.

use super::posix::PosixTz;
use super::Tm;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Real zone files are a few KiB; anything far larger is not one.
const MAX_FILE: u64 = 1 << 20;

/// A local time type of a TZif file.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LocalType {
    offset: i64,
    dst: bool,
    name: String,
}

/// The transitions of a TZif file and the rule for times after them.
#[derive(Clone, Debug, PartialEq, Eq)]
struct TzFile {
    transitions: Vec<i64>,
    kinds: Vec<u8>,
    types: Vec<LocalType>,
    footer: Option<PosixTz>,
}

/// A time zone: how to turn a timestamp into local time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Zone(ZoneKind);

#[derive(Clone, Debug, PartialEq, Eq)]
enum ZoneKind {
    File(TzFile),
    Rule(PosixTz),
}

fn zoneinfo_dir() -> PathBuf {
    match std::env::var_os("TZDIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from("/usr/share/zoneinfo"),
    }
}

impl Zone {
    /// UTC, named `UTC`.
    pub(crate) fn utc() -> Zone {
        Zone(ZoneKind::Rule(PosixTz::utc("UTC")))
    }

    /// The zone glibc uses for the value of `TZ` (`None`: unset).
    pub(crate) fn from_tz_var(tz: Option<&str>) -> Zone {
        let Some(tz) = tz else {
            return Zone::from_file(Path::new("/etc/localtime")).unwrap_or_else(Zone::utc);
        };
        let tz = if tz.is_empty() { "Universal" } else { tz };
        let tz = tz.strip_prefix(':').unwrap_or(tz);
        if tz.is_empty() {
            return Zone::utc();
        }
        let path = if tz.starts_with('/') {
            PathBuf::from(tz)
        } else {
            zoneinfo_dir().join(tz)
        };
        if let Some(zone) = Zone::from_file(&path) {
            return zone;
        }
        Zone::from_posix(tz)
    }

    /// A zone from a POSIX TZ rule string.
    pub(crate) fn from_posix(rule: &str) -> Zone {
        Zone(ZoneKind::Rule(PosixTz::parse(rule)))
    }

    /// A zone from a TZif file, if it reads and parses.
    pub(crate) fn from_file(path: &Path) -> Option<Zone> {
        let file = std::fs::File::open(path).ok()?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE).read_to_end(&mut bytes).ok()?;
        Zone::from_tzif(&bytes)
    }

    /// A zone from the bytes of a TZif file.
    pub(crate) fn from_tzif(bytes: &[u8]) -> Option<Zone> {
        parse_tzif(bytes).map(|f| Zone(ZoneKind::File(f)))
    }

    /// Broken-down local time of `timestamp`, as glibc's `localtime`.
    pub(crate) fn at(&self, timestamp: i64) -> Tm<'_> {
        match &self.0 {
            ZoneKind::Rule(rule) => rule.at(timestamp),
            ZoneKind::File(file) => file.at(timestamp),
        }
    }
}

impl TzFile {
    fn at(&self, t: i64) -> Tm<'_> {
        let kind = match (self.transitions.first(), self.transitions.last()) {
            (Some(&first), Some(&last)) if t >= first => {
                if t >= last {
                    if let Some(rule) = &self.footer {
                        return rule.at(t);
                    }
                }
                let i = self.transitions.partition_point(|&x| x <= t);
                usize::from(self.kinds[i - 1])
            }
            // Before any transition glibc takes the first non-DST type.
            _ => self.types.iter().position(|ty| !ty.dst).unwrap_or(0),
        };
        let ty = &self.types[kind];
        super::broken_down(t, ty.offset, ty.dst, &ty.name)
    }
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.i.checked_add(n)?;
        let out = self.b.get(self.i..end)?;
        self.i = end;
        Some(out)
    }

    fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn i64(&mut self, wide: bool) -> Option<i64> {
        if wide {
            let b = self.take(8)?;
            let mut a = [0u8; 8];
            a.copy_from_slice(b);
            Some(i64::from_be_bytes(a))
        } else {
            Some(i64::from(self.u32()? as i32))
        }
    }
}

struct Counts {
    isut: usize,
    isstd: usize,
    leap: usize,
    time: usize,
    types: usize,
    chars: usize,
}

fn header(r: &mut Reader) -> Option<(u8, Counts)> {
    if r.take(4)? != b"TZif" {
        return None;
    }
    let version = r.take(1)?[0];
    r.take(15)?;
    let mut n = [0usize; 6];
    for slot in &mut n {
        *slot = r.u32()? as usize;
    }
    let counts = Counts {
        isut: n[0],
        isstd: n[1],
        leap: n[2],
        time: n[3],
        types: n[4],
        chars: n[5],
    };
    Some((version, counts))
}

fn parse_tzif(bytes: &[u8]) -> Option<TzFile> {
    let mut r = Reader { b: bytes, i: 0 };
    let (version, mut counts) = header(&mut r)?;
    let mut wide = false;
    if version >= b'2' {
        // Skip the 32-bit block; the 64-bit one follows with its own header.
        let skip = counts.time * 5
            + counts.types * 6
            + counts.chars
            + counts.leap * 8
            + counts.isstd
            + counts.isut;
        r.take(skip)?;
        counts = header(&mut r)?.1;
        wide = true;
    }
    if counts.types == 0 || counts.types > 256 {
        return None;
    }
    let mut transitions = Vec::with_capacity(counts.time.min(bytes.len()));
    for _ in 0..counts.time {
        transitions.push(r.i64(wide)?);
    }
    let kinds = r.take(counts.time)?.to_vec();
    let mut raw = Vec::with_capacity(counts.types);
    for _ in 0..counts.types {
        let b = r.take(6)?;
        let offset = i64::from(i32::from_be_bytes([b[0], b[1], b[2], b[3]]));
        raw.push((offset, b[4] != 0, usize::from(b[5])));
    }
    let chars = r.take(counts.chars)?;
    let leap_size = if wide { 12 } else { 8 };
    r.take(counts.leap * leap_size + counts.isstd + counts.isut)?;
    if kinds.iter().any(|&k| usize::from(k) >= counts.types)
        || transitions.windows(2).any(|w| w[0] >= w[1])
    {
        return None;
    }
    let mut types = Vec::with_capacity(raw.len());
    for (offset, dst, at) in raw {
        let tail = chars.get(at..)?;
        let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
        let name = String::from_utf8_lossy(&tail[..end]).into_owned();
        types.push(LocalType { offset, dst, name });
    }
    let footer = if wide { footer(&bytes[r.i..]) } else { None };
    Some(TzFile {
        transitions,
        kinds,
        types,
        footer,
    })
}

fn footer(rest: &[u8]) -> Option<PosixTz> {
    let rest = rest.strip_prefix(b"\n")?;
    let end = rest.iter().position(|&b| b == b'\n')?;
    let text = std::str::from_utf8(&rest[..end]).ok()?;
    if text.is_empty() {
        return None;
    }
    Some(PosixTz::parse(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A v2 file: one transition at t=1000 to a DST type, footer `AAA-1`.
    fn sample(footer: &str) -> Vec<u8> {
        fn head(out: &mut Vec<u8>, time: u32, types: u32, chars: u32) {
            out.extend_from_slice(b"TZif2");
            out.extend_from_slice(&[0; 15]);
            for n in [0, 0, 0, time, types, chars] {
                out.extend_from_slice(&u32::to_be_bytes(n));
            }
        }
        let mut out = Vec::new();
        head(&mut out, 0, 1, 4);
        out.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(b"UTC\0");
        head(&mut out, 1, 2, 8);
        out.extend_from_slice(&1000i64.to_be_bytes());
        out.push(1);
        out.extend_from_slice(&0i32.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&3600i32.to_be_bytes());
        out.extend_from_slice(&[1, 4]);
        out.extend_from_slice(b"LMT\0DST\0");
        out.extend_from_slice(format!("\n{footer}\n").as_bytes());
        out
    }

    #[test]
    fn tzif_transitions_and_footer() {
        let zone = Zone::from_tzif(&sample("AAA-2")).unwrap();
        let tm = zone.at(999);
        assert_eq!((tm.zone, tm.utc_offset, tm.is_dst), ("LMT", 0, false));
        // At and after the last transition the footer rule applies.
        let tm = zone.at(1000);
        assert_eq!((tm.zone, tm.utc_offset), ("AAA", 7200));
        let zone = Zone::from_tzif(&sample("")).unwrap();
        let tm = zone.at(5000);
        assert_eq!((tm.zone, tm.utc_offset, tm.is_dst), ("DST", 3600, true));
    }

    #[test]
    fn broken_files_are_rejected() {
        let good = sample("AAA-2");
        for cut in 0..good.len() - 8 {
            // Any truncation before the footer must fail cleanly.
            let _ = Zone::from_tzif(&good[..cut]);
        }
        assert!(Zone::from_tzif(b"TZif").is_none());
        assert!(Zone::from_tzif(b"nope").is_none());
        let mut bad_index = good.clone();
        let pos = good.len() - "\nAAA-2\n".len() - 8 - 12 - 1;
        bad_index[pos] = 9;
        assert!(Zone::from_tzif(&bad_index).is_none());
    }

    #[test]
    fn tz_variable_resolution() {
        assert_eq!(Zone::from_tz_var(Some(":")), Zone::utc());
        let rule = Zone::from_tz_var(Some("XYZ-5:30"));
        let tm = rule.at(0);
        assert_eq!((tm.hour, tm.minute, tm.zone), (5, 30, "XYZ"));
        let zone = Zone::from_tz_var(Some("UTC0-no-such-file"));
        assert_eq!(zone.at(0).zone, "UTC");
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_parse_or_fail(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200), t: i64) {
            if let Some(zone) = Zone::from_tzif(&bytes) {
                let _ = zone.at(t);
            }
        }

        #[test]
        fn mutated_files_parse_or_fail(pos in 0usize..200, byte: u8, t: i64) {
            let mut bytes = sample("AAA-2BBB,M3.2.0,M11.1.0");
            let at = pos % bytes.len();
            bytes[at] = byte;
            if let Some(zone) = Zone::from_tzif(&bytes) {
                let _ = zone.at(t);
            }
        }
    }
}
