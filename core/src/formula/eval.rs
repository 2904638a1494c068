//! Evaluation of a checked tree. No panics; all arithmetic is checked and exact (a quotient that
//! does not terminate is kept as a fraction, which is the only time evaluation allocates).
//!
//! The tree is already type-checked, so [`number`] is only called on number nodes and
//! [`condition`] on condition nodes. Should that ever not hold, a condition used as a number is
//! 1 or 0 and a number used as a condition is true when it is not zero (never a panic).

use crate::exact::Exact;
use rust_decimal::Decimal;

use super::EvalError;
use crate::rounding::RoundingMode;

/// A node of a checked, ready-to-evaluate tree.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    // Numbers.
    Number(Decimal),
    Var(usize),
    Neg(Box<Node>),
    Abs(Box<Node>),
    Round(Box<Node>, u32, RoundingMode),
    Arith(Arith, Box<Node>, Box<Node>),
    Clamp(Box<Node>, Box<Node>, Box<Node>),
    // Conditions.
    Bool(bool),
    Not(Box<Node>),
    /// A comparison of two numbers.
    Compare(Compare, Box<Node>, Box<Node>),
    /// `==` (`true`) or `!=` (`false`) of two conditions.
    BoolEq(bool, Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    // Either, depending on the branches.
    If(Box<Node>, Box<Node>, Box<Node>),
}

/// Operations from two numbers to a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
}

/// Comparisons of two numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compare {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Compare {
    /// Whether `lhs op rhs`.
    pub(crate) fn holds<T: PartialOrd>(self, lhs: &T, rhs: &T) -> bool {
        match self {
            Compare::Lt => lhs < rhs,
            Compare::Le => lhs <= rhs,
            Compare::Gt => lhs > rhs,
            Compare::Ge => lhs >= rhs,
            Compare::Eq => lhs == rhs,
            Compare::Ne => lhs != rhs,
        }
    }
}

type Result<T> = std::result::Result<T, EvalError>;

/// Evaluate a number node.
pub(super) fn number(node: &Node, env: &[Option<Exact>]) -> Result<Exact> {
    Ok(match node {
        Node::Number(value) => Exact::Dec(*value),
        Node::Var(slot) => env
            .get(*slot)
            .cloned()
            .flatten()
            .ok_or(EvalError::Missing { slot: *slot })?,
        Node::Neg(operand) => number(operand, env)?.neg(),
        Node::Abs(operand) => number(operand, env)?.abs(),
        Node::Round(operand, places, mode) => {
            Exact::Dec(number(operand, env)?.round(*mode, *places))
        }
        Node::Arith(op, lhs, rhs) => {
            let lhs = number(lhs, env)?;
            let rhs = number(rhs, env)?;
            arith(*op, &lhs, &rhs)?
        }
        Node::Clamp(x, lo, hi) => {
            let x = number(x, env)?;
            let lo = number(lo, env)?;
            let hi = number(hi, env)?;
            lo.max(x.min(hi))
        }
        Node::If(test, then, otherwise) => {
            if condition(test, env)? {
                number(then, env)?
            } else {
                number(otherwise, env)?
            }
        }
        Node::Bool(_)
        | Node::Not(_)
        | Node::Compare(..)
        | Node::BoolEq(..)
        | Node::And(..)
        | Node::Or(..) => {
            if condition(node, env)? {
                Exact::Dec(Decimal::ONE)
            } else {
                Exact::ZERO
            }
        }
    })
}

/// Evaluate a condition node.
pub(super) fn condition(node: &Node, env: &[Option<Exact>]) -> Result<bool> {
    Ok(match node {
        Node::Bool(value) => *value,
        Node::Not(operand) => !condition(operand, env)?,
        Node::Compare(op, lhs, rhs) => op.holds(&number(lhs, env)?, &number(rhs, env)?),
        Node::BoolEq(equal, lhs, rhs) => {
            let lhs = condition(lhs, env)?;
            let rhs = condition(rhs, env)?;
            (lhs == rhs) == *equal
        }
        Node::And(lhs, rhs) => condition(lhs, env)? && condition(rhs, env)?,
        Node::Or(lhs, rhs) => condition(lhs, env)? || condition(rhs, env)?,
        Node::If(test, then, otherwise) => {
            if condition(test, env)? {
                condition(then, env)?
            } else {
                condition(otherwise, env)?
            }
        }
        Node::Number(_)
        | Node::Var(_)
        | Node::Neg(_)
        | Node::Abs(_)
        | Node::Round(..)
        | Node::Arith(..)
        | Node::Clamp(..) => !number(node, env)?.is_zero(),
    })
}

/// Exact: a quotient that does not terminate is kept as a fraction, never rounded.
fn arith(op: Arith, lhs: &Exact, rhs: &Exact) -> Result<Exact> {
    match op {
        Arith::Add => lhs.checked_add(rhs).ok_or(EvalError::Overflow),
        Arith::Sub => lhs.checked_sub(rhs).ok_or(EvalError::Overflow),
        Arith::Mul => lhs.checked_mul(rhs).ok_or(EvalError::Overflow),
        Arith::Div if rhs.is_zero() => Err(EvalError::DivisionByZero),
        Arith::Div => lhs.checked_div(rhs).ok_or(EvalError::Overflow),
        Arith::Min => Ok(lhs.min(rhs).clone()),
        Arith::Max => Ok(lhs.max(rhs).clone()),
    }
}
