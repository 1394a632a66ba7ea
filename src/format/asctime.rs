//! `asctime`: Python's `formatTime`, and the per-thread cache that formats
//! the date once per second per formatter rather than per record.

use super::{Formatter, Inner};
use crate::record::Record;
use crate::time;
use std::cell::RefCell;

/// The last formatted second per formatter, per thread, so the date is
/// formatted once per second rather than per record.
struct TimeCache {
    entries: [(u64, i64, usize, String); 4],
    next: usize,
}

thread_local! {
    static TIMES: RefCell<TimeCache> = RefCell::new(TimeCache {
        entries: Default::default(),
        next: 0,
    });
}

fn seconds(record: &Record) -> i64 {
    i64::try_from(record.created_since_epoch().as_secs()).unwrap_or(i64::MAX)
}

impl TimeCache {
    fn get(&mut self, inner: &Inner, record: &Record) -> &str {
        let secs = seconds(record);
        let found = self
            .entries
            .iter()
            .position(|(id, s, _, _)| *id == inner.id && *s == secs);
        let slot = match found {
            Some(slot) => slot,
            None => {
                let slot = self.next;
                self.next = (self.next + 1) % self.entries.len();
                let entry = &mut self.entries[slot];
                entry.3.clear();
                inner.date(secs, &mut entry.3);
                *entry = (inner.id, secs, entry.3.len(), std::mem::take(&mut entry.3));
                slot
            }
        };
        let (_, _, len, text) = &mut self.entries[slot];
        text.truncate(*len);
        inner.append_msecs(record, text);
        text
    }
}

impl Formatter {
    /// Appends the record's `asctime` as this formatter shows it, from the
    /// per-thread cache (for the JSON formatter).
    pub(crate) fn write_asctime(&self, record: &Record, out: &mut String) {
        self.inner
            .with_asctime(record, |asctime| out.push_str(asctime));
    }
}

impl Inner {
    /// Calls `f` with the record's `asctime`, from the per-thread cache
    /// (or formatted afresh when the cache is in use further up the stack,
    /// or gone because the thread is ending).
    pub(super) fn with_asctime<R>(&self, record: &Record, f: impl FnOnce(&str) -> R) -> R {
        let in_use = TIMES.try_with(|cache| cache.try_borrow().is_err());
        if in_use == Ok(false) {
            // Not borrowed further up the stack: borrow it here.
            return TIMES.with(|cache| f(cache.borrow_mut().get(self, record)));
        }
        let mut asctime = String::new();
        self.asctime(record, &mut asctime);
        f(&asctime)
    }

    fn custom_datefmt(&self) -> Option<&str> {
        self.datefmt.as_deref().filter(|d| !d.is_empty())
    }

    /// The part of asctime that depends only on the second.
    fn date(&self, secs: i64, out: &mut String) {
        let tm = if self.utc {
            time::gmtime(secs)
        } else {
            time::localtime(secs)
        };
        let format = self.custom_datefmt().unwrap_or("%Y-%m-%d %H:%M:%S");
        time::strftime(format, &tm, out);
    }

    /// Python's `default_msec_format` `%s,%03d`, without a custom datefmt.
    fn append_msecs(&self, record: &Record, out: &mut String) {
        if self.custom_datefmt().is_none() {
            let ms = record.created_since_epoch().subsec_millis();
            let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
            out.push(',');
            out.push(digit(ms / 100));
            out.push(digit(ms / 10));
            out.push(digit(ms));
        }
    }

    /// Python's `formatTime`.
    fn asctime(&self, record: &Record, out: &mut String) {
        self.date(seconds(record), out);
        self.append_msecs(record, out);
    }
}
