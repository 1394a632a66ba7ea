//! Integer arithmetic with Python's semantics, checked against overflow.

use super::PyValue;

/// A binary operator we evaluate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BinOp {
    Add,
    Sub,
    Mul,
    FloorDiv,
    Mod,
    Pow,
}

/// Unary `-` and `+` bind tighter than `*` and looser than `**`.
pub(super) const UNARY_PREC: u8 = 3;

impl BinOp {
    pub fn from_symbol(s: &str) -> Option<BinOp> {
        Some(match s {
            "+" => BinOp::Add,
            "-" => BinOp::Sub,
            "*" => BinOp::Mul,
            "//" => BinOp::FloorDiv,
            "%" => BinOp::Mod,
            "**" => BinOp::Pow,
            _ => return None,
        })
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
        }
    }

    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Add | BinOp::Sub => 1,
            BinOp::Mul | BinOp::FloorDiv | BinOp::Mod => 2,
            BinOp::Pow => 4,
        }
    }
}

/// `bool` is an `int` in Python arithmetic.
fn int_of(v: &PyValue) -> Option<i64> {
    match v {
        PyValue::Int(i) => Some(*i),
        PyValue::Bool(b) => Some(*b as i64),
        _ => None,
    }
}

fn is_number(v: &PyValue) -> bool {
    matches!(v, PyValue::Int(_) | PyValue::Bool(_) | PyValue::Float(_))
}

pub(super) fn unary(negate: bool, v: PyValue) -> Result<PyValue, String> {
    let op = if negate { '-' } else { '+' };
    match (int_of(&v), v) {
        (Some(i), _) if negate => i
            .checked_neg()
            .map(PyValue::Int)
            .ok_or_else(|| "integer overflow in unary '-' (the limit is 64 bits)".into()),
        (Some(i), _) => Ok(PyValue::Int(i)),
        (None, PyValue::Float(x)) => Ok(PyValue::Float(if negate { -x } else { x })),
        (None, v) => Err(format!(
            "unsupported operand type for unary '{op}': '{}'",
            v.type_name()
        )),
    }
}

pub(super) fn binary(op: BinOp, a: &PyValue, b: &PyValue) -> Result<PyValue, String> {
    let sym = op.symbol();
    let (Some(x), Some(y)) = (int_of(a), int_of(b)) else {
        return Err(if is_number(a) && is_number(b) {
            format!("float arithmetic is not supported ('{sym}'); only integers")
        } else {
            format!(
                "unsupported operand types for '{sym}': '{}' and '{}'",
                a.type_name(),
                b.type_name()
            )
        });
    };
    let overflow = || format!("integer overflow in '{sym}' (the limit is 64 bits)");
    let result = match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        BinOp::FloorDiv | BinOp::Mod if y == 0 => {
            return Err(format!("integer division by zero ('{sym}')"));
        }
        // Python rounds the quotient toward minus infinity, so the
        // remainder takes the sign of the divisor.
        BinOp::FloorDiv => x.checked_div(y).map(|q| {
            if x % y != 0 && (x < 0) != (y < 0) {
                q - 1
            } else {
                q
            }
        }),
        BinOp::Mod if y == -1 => Some(0),
        BinOp::Mod => Some(match x % y {
            r if r != 0 && (r < 0) != (y < 0) => r + y,
            r => r,
        }),
        BinOp::Pow if y < 0 => {
            return Err(
                "negative exponent in '**' is not supported (Python's result is a float)".into(),
            );
        }
        BinOp::Pow => match x {
            0 | 1 => Some(if y == 0 { 1 } else { x }),
            -1 => Some(if y % 2 == 0 { 1 } else { -1 }),
            _ => u32::try_from(y).ok().and_then(|y| x.checked_pow(y)),
        },
    };
    result.map(PyValue::Int).ok_or_else(overflow)
}
