//! Numbers: exact integers of any size, or finite `f64`, printed like Python.

use std::fmt;

/// A JSON number: an exact integer, or a finite `f64`.
///
/// Integers within `i64`/`u64` are stored as such; larger ones keep their
/// literal digits, exactly (Python's `int` has no bound either). `Display`
/// writes Python's `repr`: `1`, `2.5`, `1e+16`, `1.5e-07`, `-0.0`.
///
/// ```
/// use loglisten::json::{Number, Value};
///
/// let big: Value = "123456789012345678901234567890".parse()?;
/// assert_eq!(big.to_string(), "123456789012345678901234567890");
/// assert_eq!(big.as_u64(), None);
/// assert_eq!(Number::from_f64(1e16).unwrap().to_string(), "1e+16");
/// # Ok::<(), loglisten::json::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Number(Repr);

#[derive(Clone, PartialEq)]
enum Repr {
    /// Zero or positive.
    PosInt(u64),
    /// Negative only, so each integer has one representation.
    NegInt(i64),
    /// Finite.
    Float(f64),
    /// An integer literal beyond `i64` and `u64`: `-?[1-9][0-9]*`.
    Big(Box<str>),
}

impl Number {
    /// The number for a finite float; `None` for NaN and infinities, which
    /// JSON cannot express.
    ///
    /// ```
    /// use loglisten::json::Number;
    /// assert_eq!(Number::from_f64(0.5).and_then(|n| n.as_f64()), Some(0.5));
    /// assert!(Number::from_f64(f64::NAN).is_none());
    /// ```
    pub fn from_f64(x: f64) -> Option<Number> {
        x.is_finite().then_some(Number(Repr::Float(x)))
    }

    /// The integer, if this is an integer within `i64`.
    ///
    /// ```
    /// use loglisten::json::Number;
    /// assert_eq!(Number::from(7u64).as_i64(), Some(7));
    /// assert_eq!(Number::from(u64::MAX).as_i64(), None);
    /// assert_eq!(Number::from_f64(1.0).unwrap().as_i64(), None);
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match self.0 {
            Repr::PosInt(n) => i64::try_from(n).ok(),
            Repr::NegInt(n) => Some(n),
            _ => None,
        }
    }

    /// The integer, if this is an integer within `u64`.
    ///
    /// ```
    /// use loglisten::json::Number;
    /// assert_eq!(Number::from(7i64).as_u64(), Some(7));
    /// assert_eq!(Number::from(-7i64).as_u64(), None);
    /// ```
    pub fn as_u64(&self) -> Option<u64> {
        match self.0 {
            Repr::PosInt(n) => Some(n),
            _ => None,
        }
    }

    /// The number as `f64`: floats as they are, integers converted with
    /// correct rounding (as Python's `float(n)`); `None` for an integer too
    /// large for `f64`.
    ///
    /// ```
    /// use loglisten::json::Number;
    /// assert_eq!(Number::from(u64::MAX).as_f64(), Some(18446744073709551615.0));
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        match &self.0 {
            Repr::PosInt(n) => Some(*n as f64),
            Repr::NegInt(n) => Some(*n as f64),
            Repr::Float(x) => Some(*x),
            Repr::Big(digits) => digits.parse::<f64>().ok().filter(|x| x.is_finite()),
        }
    }

    /// Whether this is an integer (of any size), not a float.
    ///
    /// ```
    /// use loglisten::json::Value;
    /// let v: Value = "[1, 1.0]".parse()?;
    /// assert!(v.as_array().unwrap()[0].as_number().unwrap().is_integer());
    /// assert!(!v.as_array().unwrap()[1].as_number().unwrap().is_integer());
    /// # Ok::<(), loglisten::json::Error>(())
    /// ```
    pub fn is_integer(&self) -> bool {
        !matches!(self.0, Repr::Float(_))
    }

    pub(crate) fn float(x: f64) -> Number {
        Number(Repr::Float(x))
    }

    /// `magnitude` with a sign; `-0` is `0`, as in Python.
    pub(crate) fn int(negative: bool, magnitude: u64) -> Option<Number> {
        if !negative {
            Some(Number(Repr::PosInt(magnitude)))
        } else if magnitude == 0 {
            Some(Number(Repr::PosInt(0)))
        } else if magnitude <= 1 << 63 {
            // 2^63 wraps to i64::MIN, which is exactly -2^63.
            Some(Number(Repr::NegInt((magnitude as i64).wrapping_neg())))
        } else {
            None
        }
    }

    /// An integer literal that fits neither `i64` nor `u64`.
    pub(crate) fn big(literal: &str) -> Number {
        Number(Repr::Big(literal.into()))
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Number {
        if n < 0 {
            Number(Repr::NegInt(n))
        } else {
            Number(Repr::PosInt(n as u64))
        }
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Number {
        Number(Repr::PosInt(n))
    }
}

impl fmt::Display for Number {
    /// Python's `repr` of the int or float.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::PosInt(n) => write!(f, "{n}"),
            Repr::NegInt(n) => write!(f, "{n}"),
            Repr::Big(digits) => f.write_str(digits),
            Repr::Float(x) => {
                let mut text = String::new();
                crate::pyrepr::push_float_repr(*x, &mut text);
                f.write_str(&text)
            }
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::Number;

    #[test]
    fn floats_print_like_python_repr() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-2.5, "-2.5"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1.5e-7, "1.5e-07"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.00012345, "0.00012345"),
            (1e22, "1e+22"),
            (1e100, "1e+100"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (123.456, "123.456"),
            (9007199254740993.0, "9007199254740992.0"),
        ];
        for &(x, expected) in cases {
            assert_eq!(Number::from_f64(x).unwrap().to_string(), expected, "{x:e}");
        }
    }

    #[test]
    fn integers_have_one_representation() {
        assert!(Number::int(true, 0) == Number::int(false, 0));
        assert_eq!(Number::int(true, 1 << 63).unwrap().as_i64(), Some(i64::MIN));
        assert!(Number::int(true, (1 << 63) + 1).is_none());
        assert!(Number::from(5i64) == Number::from(5u64));
        assert!(Number::from(1i64) != Number::float(1.0));
    }
}
