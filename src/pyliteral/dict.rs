//! Building a dict with Python's key equality: `1`, `1.0` and `True` are
//! one key; a repeated key keeps its first place and takes the last value.

use super::PyValue;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub(super) struct DictBuilder {
    entries: Vec<(PyValue, PyValue)>,
    index: HashMap<String, usize>,
}

impl DictBuilder {
    /// Fails with the type name of an unhashable key (a list or dict).
    pub fn check_key(key: &PyValue) -> Result<(), &'static str> {
        canonical(key, &mut String::new())
    }

    pub fn insert(&mut self, key: PyValue, value: PyValue) -> Result<(), &'static str> {
        let mut canon = String::new();
        canonical(&key, &mut canon)?;
        match self.index.get(&canon) {
            Some(&i) => self.entries[i].1 = value,
            None => {
                self.index.insert(canon, self.entries.len());
                self.entries.push((key, value));
            }
        }
        Ok(())
    }

    pub fn finish(self) -> PyValue {
        PyValue::Dict(self.entries)
    }
}

/// Writes a text that is equal for two keys exactly when Python's `==`
/// holds between them.
fn canonical(key: &PyValue, out: &mut String) -> Result<(), &'static str> {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    match key {
        PyValue::None => out.push_str("N;"),
        PyValue::Bool(b) => out.push_str(if *b { "i1;" } else { "i0;" }),
        PyValue::Int(i) => out.push_str(&format!("i{i};")),
        // An integral float in range equals the int of the same value.
        PyValue::Float(x) if x.fract() == 0.0 && (-TWO_63..TWO_63).contains(x) => {
            out.push_str(&format!("i{};", *x as i64));
        }
        PyValue::Float(x) => out.push_str(&format!("f{};", x.to_bits())),
        PyValue::Str(s) => out.push_str(&format!("s{}:{s}", s.len())),
        PyValue::Tuple(items) => {
            out.push('(');
            for item in items {
                canonical(item, out)?;
            }
            out.push(')');
        }
        PyValue::Stdout => out.push_str("O;"),
        PyValue::Stderr => out.push_str("E;"),
        PyValue::List(_) | PyValue::Dict(_) => return Err(key.type_name()),
    }
    Ok(())
}
