//! Python's text forms of integers: digits in a base and thousands
//! grouping, plus the formatter's scratch strings. Floats and `repr` live
//! in the leaf [`crate::pyrepr`], shared with the parsers; they are
//! re-exported here so the formatter names one module for number text.

use std::cell::RefCell;

pub(crate) use crate::pyrepr::{
    push_float, push_float_repr, push_str_repr, push_zeros, FloatCode, FloatStyle,
};

thread_local! {
    static POOL: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with an empty scratch string from a per-thread pool, so
/// formatting allocates nothing once warm (nested use takes another).
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut String) -> R) -> R {
    // The pool is gone while the thread ends: a fresh string then.
    let mut text = POOL
        .try_with(|pool| pool.try_borrow_mut().ok().and_then(|mut p| p.pop()))
        .ok()
        .flatten()
        .unwrap_or_default();
    text.clear();
    let result = f(&mut text);
    if text.capacity() <= 4096 {
        let _ = POOL.try_with(|pool| {
            if let Ok(mut pool) = pool.try_borrow_mut() {
                if pool.len() < 4 {
                    pool.push(text);
                }
            }
        });
    }
    result
}

/// The digits of |n| in `base` (2, 8, 10 or 16), into `buf`; returns the
/// slice used.
pub(crate) fn int_digits(n: i128, base: u32, upper: bool, buf: &mut [u8; 130]) -> &str {
    let v = n.unsigned_abs();
    let mut i = buf.len();
    let table: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    // 64-bit division is much cheaper than 128-bit; record values fit.
    if let Ok(mut v) = u64::try_from(v) {
        let base = u64::from(base);
        loop {
            i -= 1;
            buf[i] = table[(v % base) as usize];
            v /= base;
            if v == 0 {
                break;
            }
        }
    } else {
        let mut v = v;
        loop {
            i -= 1;
            buf[i] = table[(v % u128::from(base)) as usize];
            v /= u128::from(base);
            if v == 0 {
                break;
            }
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// Appends `n` in decimal (Python's `str(int)`).
pub(crate) fn push_int(n: i128, out: &mut String) {
    let mut buf = [0u8; 130];
    if n < 0 {
        out.push('-');
    }
    out.push_str(int_digits(n, 10, false, &mut buf));
}

/// CPython's `_PyUnicode_InsertThousandsGrouping`: `digits` grouped by
/// `group` with `sep`, zero-padded to at least `min_width` characters.
/// Without a separator the digits are only zero-padded.
pub(crate) fn push_grouped(
    digits: &str,
    sep: Option<char>,
    group: i64,
    min_width: i64,
    out: &mut String,
) {
    let Some(sep) = sep else {
        push_zeros(out, min_width - digits.len() as i64);
        out.push_str(digits);
        return;
    };
    // CPython walks right to left in pieces of `group` (only the leftmost
    // piece may be shorter); count the digits it emits, zeros included,
    // then write them left to right with a separator between pieces.
    let len = digits.len() as i64;
    let mut total = 0;
    let mut remaining = len;
    let mut min_width = min_width;
    loop {
        let l = group.min(remaining.max(min_width).max(1));
        total += l;
        remaining -= remaining.min(l).max(0);
        min_width -= l;
        if remaining <= 0 && min_width <= 0 {
            break;
        }
        min_width -= 1;
    }
    let zeros = total - len;
    for i in 0..total {
        if i > 0 && (total - i) % group == 0 {
            out.push(sep);
        }
        if i < zeros {
            out.push('0');
        } else {
            out.push_str(&digits[(i - zeros) as usize..][..1]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_pads_like_cpython() {
        let g = |d: &str, w| {
            let mut s = String::new();
            push_grouped(d, Some(','), 3, w, &mut s);
            s
        };
        assert_eq!(g("1234", 10), "00,001,234");
        assert_eq!(g("1234", 8), "0,001,234");
        assert_eq!(g("1234", 0), "1,234");
        assert_eq!(g("12", 0), "12");
    }
}
