//! configparser's `BasicInterpolation.before_get`: `%%` and `%(name)s`.

use std::borrow::Cow;

use super::Error;

/// configparser's `MAX_INTERPOLATION_DEPTH`.
const MAX_DEPTH: usize = 10;

/// What one expansion needs to look names up and to word its errors.
struct Expansion<'a> {
    /// An option's raw value, looked up in the section, then in DEFAULT.
    lookup: &'a dyn Fn(&str) -> Option<&'a str>,
    max_expansion: usize,
    section: &'a str,
    /// The option being read (lower-cased) and its raw value: every error,
    /// however deep, names these, like Python.
    option: &'a str,
    raw: &'a str,
    budget: usize,
}

/// Expands `raw`, the value of `option` in `section`, finding the names
/// it refers to with `lookup` and doing at most `max_expansion` bytes of
/// work. Borrows `raw` when it holds no `%` (most values).
pub(super) fn expand<'a: 'l, 'l>(
    lookup: &'l dyn Fn(&str) -> Option<&'l str>,
    max_expansion: usize,
    section: &'l str,
    option: &'l str,
    raw: &'a str,
) -> Result<Cow<'a, str>, Error> {
    let mut expansion = Expansion {
        lookup,
        max_expansion,
        section,
        option,
        raw,
        budget: max_expansion,
    };
    if !raw.as_bytes().contains(&b'%') {
        expansion.spend(raw.len())?;
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::new();
    expansion.some(&mut out, raw, 1)?;
    Ok(Cow::Owned(out))
}

impl Expansion<'_> {
    /// Counts `n` bytes of work against the budget.
    fn spend(&mut self, n: usize) -> Result<(), Error> {
        match self.budget.checked_sub(n) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => Err(Error::too_large(
                self.option,
                self.section,
                self.max_expansion,
            )),
        }
    }

    fn some(&mut self, out: &mut String, mut rest: &str, depth: usize) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Err(Error::too_deep(
                self.option,
                self.section,
                self.raw,
                MAX_DEPTH,
            ));
        }
        while !rest.is_empty() {
            let Some(p) = rest.find('%') else {
                self.spend(rest.len())?;
                out.push_str(rest);
                return Ok(());
            };
            self.spend(p)?;
            out.push_str(&rest[..p]);
            rest = &rest[p..];
            if rest[1..].starts_with('%') {
                self.spend(1)?;
                out.push('%');
                rest = &rest[2..];
            } else if let Some(after) = rest[1..].strip_prefix('(') {
                // `%\(([^)]+)\)s`: the name runs to the first ')'.
                let close = after
                    .find(')')
                    .filter(|&j| j > 0 && after[j + 1..].starts_with('s'));
                let Some(close) = close else {
                    return Err(Error::bad_reference(rest));
                };
                let name = after[..close].to_lowercase();
                self.spend(close + 4)?;
                rest = &after[close + 2..];
                let value = (self.lookup)(&name).ok_or_else(|| {
                    Error::missing_option(self.option, self.section, self.raw, &name)
                })?;
                if value.as_bytes().contains(&b'%') {
                    self.some(out, value, depth + 1)?;
                } else {
                    self.spend(value.len())?;
                    out.push_str(value);
                }
            } else {
                return Err(Error::bad_percent(rest));
            }
        }
        Ok(())
    }
}
