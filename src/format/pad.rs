//! Padding text already written to the output, counted in characters as
//! Python counts (code points).

/// Number of characters in `out[start..]`.
pub(crate) fn chars_since(out: &str, start: usize) -> usize {
    out.get(start..).map_or(0, |s| s.chars().count())
}

/// Pushes `n` copies of `fill`.
pub(crate) fn push_fill(out: &mut String, fill: char, n: usize) {
    for _ in 0..n {
        out.push(fill);
    }
}

/// Inserts `n` copies of `fill` at byte offset `at` (a char boundary),
/// without allocating for the usual ASCII fills.
pub(crate) fn insert_fill(out: &mut String, at: usize, fill: char, n: usize) {
    const SPACES: &str = "                                ";
    const ZEROS: &str = "00000000000000000000000000000000";
    let run = match fill {
        ' ' => SPACES,
        '0' => ZEROS,
        _ => {
            for _ in 0..n {
                out.insert(at, fill);
            }
            return;
        }
    };
    let mut left = n;
    while left > 0 {
        let k = left.min(run.len());
        out.insert_str(at, &run[..k]);
        left -= k;
    }
}

/// Truncates `out[start..]` to at most `max` characters.
pub(crate) fn truncate_chars(out: &mut String, start: usize, max: usize) {
    let Some(tail) = out.get(start..) else {
        return;
    };
    if let Some((cut, _)) = tail.char_indices().nth(max) {
        out.truncate(start + cut);
    }
}

/// Alignment of a padded field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
    Center,
}

/// Pads `out[start..]` to `width` characters with `fill`.
pub(crate) fn pad(out: &mut String, start: usize, width: usize, fill: char, align: Align) {
    let len = chars_since(out, start);
    if len >= width {
        return;
    }
    let total = width - len;
    let left = match align {
        Align::Left => 0,
        Align::Right => total,
        Align::Center => total / 2,
    };
    insert_fill(out, start, fill, left);
    push_fill(out, fill, total - left);
}
