//! Type checking: turns a parsed tree into an evaluation tree, reporting type errors in plain
//! English at the column of the offending operand.

use super::eval::{Arith, Compare, Node};
use super::parser::{BinOp, Expr, ExprKind, Func};
use super::{FormulaError, Type};
use crate::rounding::RoundingMode;
use rust_decimal::Decimal;

type Result<T> = std::result::Result<T, FormulaError>;

/// The value standing for a quoted text, `None` when there are too many different texts.
pub(super) type TextValue<'a> = &'a dyn Fn(&str) -> Option<Decimal>;

/// What names and quoted text mean where a formula is checked.
pub(super) struct Cx<'a> {
    /// The rounding mode of `round(…)`.
    pub mode: RoundingMode,
    /// The type of the value in each name's slot (a plan's measures are all numbers).
    pub kind_of: &'a dyn Fn(usize) -> Type,
    /// The value standing for a quoted text, where text is allowed (fact filters compare text
    /// columns, whose cells hold the same values); `None` where it is not.
    pub text: Option<TextValue<'a>>,
}

/// The largest number of decimal places `round(x, n)` accepts.
const MAX_ROUND_PLACES: u32 = 28;

/// Check `expr` and build its evaluation tree; returns the tree and its type.
pub(super) fn lower(expr: &Expr, cx: &Cx<'_>) -> Result<(Node, Type)> {
    match &expr.kind {
        ExprKind::Number(value) => Ok((Node::Number(*value), Type::Number)),
        ExprKind::Bool(value) => Ok((Node::Bool(*value), Type::Bool)),
        ExprKind::Var(slot) => Ok((Node::Var(*slot), (cx.kind_of)(*slot))),
        ExprKind::Text(text) => match cx.text.map(|value| value(text)) {
            Some(Some(value)) => Ok((Node::Number(value), Type::Text)),
            Some(None) => Err(FormulaError::new(
                expr.column,
                format!("too many different texts in quotes (at `\"{text}\"`)"),
            )),
            None => Err(FormulaError::new(
                expr.column,
                "text in quotes is only used in fact filters; a plan's formulas work on numbers",
            )),
        },
        ExprKind::Neg(operand) => {
            let node = expect(operand, cx, Type::Number, |found| {
                format!("`-` needs a number after it, but found {found}")
            })?;
            let node = match node {
                // Fold `-12` into a literal so `as_constant` sees it. Negating a Decimal flips its
                // sign bit, which cannot overflow.
                #[allow(clippy::arithmetic_side_effects)]
                Node::Number(value) => Node::Number(-value),
                node => Node::Neg(Box::new(node)),
            };
            Ok((node, Type::Number))
        }
        ExprKind::Not(operand) => {
            let node = expect(operand, cx, Type::Bool, |found| {
                format!("`not` needs a condition after it, but found {found}")
            })?;
            Ok((Node::Not(Box::new(node)), Type::Bool))
        }
        ExprKind::Binary(op, lhs, rhs) => binary(*op, expr.column, lhs, rhs, cx),
        ExprKind::Call(func, args) => call(*func, args, cx),
    }
}

/// Lower `expr`, which must have type `want`; otherwise report `message(found)` at its start.
fn expect(
    expr: &Expr,
    cx: &Cx<'_>,
    want: Type,
    message: impl FnOnce(&str) -> String,
) -> Result<Node> {
    let (node, found) = lower(expr, cx)?;
    if found == want {
        Ok(node)
    } else {
        Err(FormulaError::new(expr.start, message(found.noun())))
    }
}

fn binary(op: BinOp, column: usize, lhs: &Expr, rhs: &Expr, cx: &Cx<'_>) -> Result<(Node, Type)> {
    let symbol = op.symbol();
    let arith = |op| -> Result<(Node, Type)> {
        let needs = |side: &'static str| {
            move |found: &str| {
                format!("`{symbol}` needs numbers on both sides, but the {side} side is {found}")
            }
        };
        let l = expect(lhs, cx, Type::Number, needs("left"))?;
        let r = expect(rhs, cx, Type::Number, needs("right"))?;
        Ok((Node::Arith(op, Box::new(l), Box::new(r)), Type::Number))
    };
    let order = |op| -> Result<(Node, Type)> {
        let needs = |side: &'static str| {
            move |found: &str| {
                format!("`{symbol}` compares numbers, but the {side} side is {found}")
            }
        };
        let l = expect(lhs, cx, Type::Number, needs("left"))?;
        let r = expect(rhs, cx, Type::Number, needs("right"))?;
        Ok((Node::Compare(op, Box::new(l), Box::new(r)), Type::Bool))
    };
    let logic = |make: fn(Box<Node>, Box<Node>) -> Node| -> Result<(Node, Type)> {
        let needs = |side: &'static str| {
            move |found: &str| {
                format!("`{symbol}` needs conditions on both sides, but the {side} side is {found}")
            }
        };
        let l = expect(lhs, cx, Type::Bool, needs("left"))?;
        let r = expect(rhs, cx, Type::Bool, needs("right"))?;
        Ok((make(Box::new(l), Box::new(r)), Type::Bool))
    };
    let equality = |equal: bool| -> Result<(Node, Type)> {
        let (l, lt) = lower(lhs, cx)?;
        let (r, rt) = lower(rhs, cx)?;
        let (l, r) = (Box::new(l), Box::new(r));
        match (lt, rt) {
            (Type::Number, Type::Number) => {
                let op = if equal { Compare::Eq } else { Compare::Ne };
                Ok((Node::Compare(op, l, r), Type::Bool))
            }
            (Type::Bool, Type::Bool) => Ok((Node::BoolEq(equal, l, r), Type::Bool)),
            // Texts stand for values that are equal exactly when the texts are.
            (Type::Text, Type::Text) => {
                let op = if equal { Compare::Eq } else { Compare::Ne };
                Ok((Node::Compare(op, l, r), Type::Bool))
            }
            _ => Err(FormulaError::new(
                column,
                format!(
                    "`{symbol}` needs the same kind of value on both sides, but the left side \
                     is {} and the right side is {}",
                    lt.noun(),
                    rt.noun()
                ),
            )),
        }
    };
    match op {
        BinOp::Add => arith(Arith::Add),
        BinOp::Sub => arith(Arith::Sub),
        BinOp::Mul => arith(Arith::Mul),
        BinOp::Div => {
            let divided = arith(Arith::Div)?;
            // `x / 0` (also `x / (0)`, `x / -0.0`) would fail for every person when scoring.
            if let (Node::Arith(_, _, divisor), _) = &divided {
                if matches!(**divisor, Node::Number(d) if d.is_zero()) {
                    return Err(FormulaError::new(
                        rhs.start,
                        "division by zero: the divisor is the constant 0",
                    ));
                }
            }
            Ok(divided)
        }
        BinOp::Lt => order(Compare::Lt),
        BinOp::Le => order(Compare::Le),
        BinOp::Gt => order(Compare::Gt),
        BinOp::Ge => order(Compare::Ge),
        BinOp::Eq => equality(true),
        BinOp::Ne => equality(false),
        BinOp::And => logic(Node::And),
        BinOp::Or => logic(Node::Or),
    }
}

/// Ordinal words for argument positions in messages (`index` counts from 0).
fn ordinal(index: usize) -> String {
    const WORDS: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    if let Some(word) = WORDS.get(index) {
        return (*word).to_owned();
    }
    // A message's argument number: saturating is harmless (no call has usize::MAX arguments).
    let n = index.saturating_add(1);
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Lower a numeric argument of `func`.
fn number_arg(func: Func, index: usize, arg: &Expr, cx: &Cx<'_>) -> Result<Node> {
    expect(arg, cx, Type::Number, |found| {
        format!(
            "`{}` works on numbers, but its {} argument is {found}",
            func.name(),
            ordinal(index)
        )
    })
}

fn call(func: Func, args: &[Expr], cx: &Cx<'_>) -> Result<(Node, Type)> {
    // The parser has checked the number of arguments; a mismatch here is reported, not panicked.
    let arity_error = || {
        FormulaError::new(
            args.first().map_or(1, |a| a.start),
            format!("wrong number of arguments for `{}`", func.name()),
        )
    };
    match (func, args) {
        (Func::If, [test, then, otherwise]) => {
            let test = expect(test, cx, Type::Bool, |found| {
                format!("the first argument of `if` must be a condition, but it is {found}")
            })?;
            let (then_node, then_type) = lower(then, cx)?;
            let (else_node, else_type) = lower(otherwise, cx)?;
            if then_type != else_type {
                return Err(FormulaError::new(
                    otherwise.start,
                    format!(
                        "both results of `if` must be the same kind of value, but the second \
                         argument is {} and the third is {}",
                        then_type.noun(),
                        else_type.noun()
                    ),
                ));
            }
            let node = Node::If(Box::new(test), Box::new(then_node), Box::new(else_node));
            Ok((node, then_type))
        }
        (Func::Min | Func::Max, [first, rest @ ..]) if !rest.is_empty() => {
            let op = if func == Func::Min {
                Arith::Min
            } else {
                Arith::Max
            };
            let mut node = number_arg(func, 0, first, cx)?;
            for (i, arg) in args.iter().enumerate().skip(1) {
                let next = number_arg(func, i, arg, cx)?;
                node = Node::Arith(op, Box::new(node), Box::new(next));
            }
            Ok((node, Type::Number))
        }
        (Func::Clamp, [x, lo, hi]) => {
            let x = number_arg(func, 0, x, cx)?;
            let lo = number_arg(func, 1, lo, cx)?;
            let hi = number_arg(func, 2, hi, cx)?;
            let node = Node::Clamp(Box::new(x), Box::new(lo), Box::new(hi));
            Ok((node, Type::Number))
        }
        (Func::Abs, [x]) => {
            let x = expect(x, cx, Type::Number, |found| {
                format!("`abs` works on numbers, but its argument is {found}")
            })?;
            Ok((Node::Abs(Box::new(x)), Type::Number))
        }
        (Func::Round, [x]) => {
            let x = expect(x, cx, Type::Number, |found| {
                format!("`round` works on numbers, but its first argument is {found}")
            })?;
            Ok((Node::Round(Box::new(x), 0, cx.mode), Type::Number))
        }
        (Func::Round, [x, places]) => {
            let x = number_arg(func, 0, x, cx)?;
            let places = round_places(places)?;
            Ok((Node::Round(Box::new(x), places, cx.mode), Type::Number))
        }
        _ => Err(arity_error()),
    }
}

/// The number of places in `round(x, n)`: a whole-number literal from 0 to 28.
fn round_places(arg: &Expr) -> Result<u32> {
    let places = match arg.kind {
        ExprKind::Number(value) if value.scale() == 0 => u32::try_from(value.mantissa()).ok(),
        _ => None,
    };
    match places {
        Some(places) if places <= MAX_ROUND_PLACES => Ok(places),
        _ => Err(FormulaError::new(
            arg.start,
            format!(
                "the second argument of `round` is the number of decimal places: write a whole \
                 number from 0 to {MAX_ROUND_PLACES} directly, like `round(x, 2)`"
            ),
        )),
    }
}
