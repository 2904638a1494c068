//! Formulas: a small, safe, exact expression language for assessment plans.
//!
//! A formula computes a number (e.g. an indicator's actual value) or a condition (e.g. a gate
//! that zeroes a score). Examples:
//!
//! ```text
//! collected / invoiced
//! if(invoiced == 0, 0, collected / invoiced)
//! compliance_violations > 0
//! clamp(actual / target * 100, 0, 120)
//! round(visits * 1.5 + calls, 2)
//! ```
//!
//! A formula is parsed and checked once, when the plan is compiled, and then evaluated many
//! times against each person's measures. Evaluation never re-parses and never allocates.
//!
//! # Values
//!
//! There are two kinds of values: **numbers** and **conditions** (true/false).
//!
//! * Numbers are exact decimals (up to 28 significant digits). `0.1 + 0.2 == 0.3` is true.
//!   Literals are written with a leading digit: `12`, `0.5`, `100.25` (not `.5`, `1.`, `1e3`,
//!   `1,000` or `1_000`). A literal that cannot be stored exactly (too many digits) is an error;
//!   it is never silently rounded.
//! * Division keeps up to 28 significant digits (`1 / 3` is `0.3333333333333333333333333333`).
//! * Conditions are `true`, `false` and the results of comparisons, `and`, `or`, `not`.
//!
//! # Names
//!
//! A name (`collected`, `target_q3`, `_x1`) refers to a measure of the person being scored. Names
//! use the ASCII letters `A`–`Z`, `a`–`z`, digits `0`–`9` and `_`, and may not start with a
//! digit. Names are case-sensitive. The words `and`, `or`, `not`, `true` and `false` are
//! reserved. A name that the plan does not know is an error when the plan is compiled. A measure
//! that is known but has no value for a person makes evaluation fail for that person, unless the
//! formula does not need it (see `if` below).
//!
//! # Operators
//!
//! From lowest to highest precedence:
//!
//! | Operators                       | Meaning                                   | Operands          |
//! |---------------------------------|-------------------------------------------|-------------------|
//! | `a or b`                        | either is true (b only evaluated if needed) | conditions      |
//! | `a and b`                       | both are true (b only evaluated if needed)  | conditions      |
//! | `not a`                         | negation                                  | a condition       |
//! | `<` `<=` `>` `>=`               | comparison                                | numbers           |
//! | `==` `!=`                       | equal / not equal                         | two of the same kind |
//! | `a + b`, `a - b`                | addition, subtraction                     | numbers           |
//! | `a * b`, `a / b`                | multiplication, division                  | numbers           |
//! | `-a`                            | negation                                  | a number          |
//!
//! All comparisons share one level and cannot be chained: write `0 < x and x < 10`, not
//! `0 < x < 10`. `not` binds looser than comparisons, so `not x > 3` means `not (x > 3)`.
//! Parentheses group as usual. Spaces (including line breaks) are ignored between tokens.
//!
//! # Functions
//!
//! | Function              | Result                                                            |
//! |-----------------------|-------------------------------------------------------------------|
//! | `if(c, a, b)`         | `a` if the condition `c` is true, else `b`. Only the chosen branch is evaluated, so `if(invoiced == 0, 0, collected / invoiced)` never divides by zero, and a missing measure in the other branch does not matter. `a` and `b` must be of the same kind (both numbers or both conditions). |
//! | `min(a, b, ...)`      | the smallest of two or more numbers                               |
//! | `max(a, b, ...)`      | the largest of two or more numbers                                |
//! | `clamp(x, lo, hi)`    | `x` limited to the range `lo`..`hi`; defined as `max(lo, min(x, hi))`, so if `lo > hi` the result is `lo` |
//! | `abs(x)`              | the absolute value of `x`                                         |
//! | `round(x)`            | `x` rounded to a whole number with the plan's rounding mode       |
//! | `round(x, n)`         | `x` rounded to `n` decimal places with the plan's rounding mode; `n` must be written as a whole number from 0 to 28 |
//!
//! # Limits
//!
//! * A formula has at most 1000 characters.
//! * Parentheses, function calls, `-` and `not` nest at most 32 levels deep.
//! * A formula has at most 256 parts (numbers, names, operators and function
//!   calls; parentheses do not count).
//!
//! # Errors
//!
//! Compile errors ([`FormulaError`]) name the first problem and its 1-based character column in
//! the formula (line breaks count as one character, like any other); dividing by the constant 0
//! (`x / 0`) is one, since it would fail for everyone. Evaluation errors ([`EvalError`]) are a
//! missing measure, a division by zero, or a result too large to represent.

mod check;
mod eval;
pub(crate) use eval::{Arith, Compare, Node};
mod lexer;
mod parser;
pub(crate) mod suggest;
#[cfg(test)]
mod tests;

use crate::exact::Exact;
use rust_decimal::Decimal;

use crate::rounding::RoundingMode;

/// Static type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// An exact decimal number.
    Number,
    /// A condition: true or false.
    Bool,
    /// Text (a fact's text or enum column, or text in quotes): only compared with `==` / `!=`.
    Text,
}

impl Type {
    /// How the type is named in error messages for plan authors.
    fn noun(self) -> &'static str {
        match self {
            Type::Number => "a number",
            Type::Bool => "a condition",
            Type::Text => "text",
        }
    }
}

/// Result of evaluating a formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// The result of a [`Type::Number`] formula.
    Number(Decimal),
    /// The result of a [`Type::Bool`] formula.
    Bool(bool),
}

/// A compile-time problem, with a 1-based character column into the source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct FormulaError {
    /// 1-based column of the problem, counted in characters (not bytes) from the start of the
    /// formula. One past the last character means "at the end of the formula".
    pub column: usize,
    /// A plain-English description of the problem.
    pub message: String,
}

impl FormulaError {
    pub(crate) fn new(column: usize, message: impl Into<String>) -> Self {
        FormulaError {
            column,
            message: message.into(),
        }
    }

    /// The problem kind of this error (one of the `formula_*` kinds, or `division_by_zero`),
    /// read from the message the formula compiler wrote.
    pub fn kind(&self) -> &'static str {
        use crate::error::kinds;
        let m = self.message.as_str();
        if m.starts_with("unknown name") || m.starts_with("unknown function") {
            kinds::FORMULA_UNKNOWN_NAME
        } else if m.starts_with("division by zero") {
            kinds::DIVISION_BY_ZERO
        } else if m.starts_with("formula is longer")
            || m.starts_with("formula nests deeper")
            || m.starts_with("formula is too complex")
        {
            kinds::FORMULA_TOO_COMPLEX
        } else if m.contains("found a number")
            || m.contains("found a condition")
            || m.contains("is text")
            || m.contains("found text")
            || m.contains("same kind of value")
        {
            kinds::FORMULA_TYPE
        } else {
            kinds::FORMULA_SYNTAX
        }
    }
}

/// An evaluation-time problem (input-dependent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// `env[slot]` was `None` (or out of range) and its value was needed.
    #[error("missing value")]
    Missing {
        /// The slot of the missing variable.
        slot: usize,
    },
    /// A division by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// A result too large to represent as a decimal.
    #[error("arithmetic overflow")]
    Overflow,
}

/// Maximum length of a formula, in characters.
pub(crate) const MAX_SOURCE_LEN: usize = 1000;
/// Maximum nesting depth of parentheses, function calls, `-` and `not`.
pub(crate) const MAX_DEPTH: usize = 32;
/// Maximum number of parts (numbers, names, operators, function calls) in a formula.
pub(crate) const MAX_NODES: usize = 256;

/// A compiled, type-checked formula, ready to be evaluated many times.
#[derive(Debug, Clone)]
pub struct Formula {
    source: String,
    root: eval::Node,
    result_type: Type,
    variables: Vec<usize>,
}

impl Formula {
    /// Parse and type-check `source`.
    ///
    /// `resolve` maps a name to its slot in the `env` slice given to [`Formula::eval`], or `None`
    /// if the name is unknown. It should be a plain lookup: to suggest a correction for an
    /// unknown name it may also be called with similar names (e.g. `collected` for `colected`).
    ///
    /// `expect` is the required result type; `mode` is the rounding mode used by `round(...)`.
    ///
    /// # Errors
    ///
    /// The first problem found (syntax, unknown name or function, wrong number of arguments,
    /// type mismatch, a limit exceeded), with its column.
    pub fn compile(
        source: &str,
        resolve: &dyn Fn(&str) -> Option<usize>,
        expect: Type,
        mode: RoundingMode,
    ) -> Result<Formula, FormulaError> {
        let cx = check::Cx {
            mode,
            kind_of: &|_| Type::Number,
            text: None,
        };
        Formula::compile_in(source, resolve, &cx, expect)
    }

    /// [`Formula::compile`] where names have their own types and quoted text stands for the
    /// value `text` gives it (fact filters: `status == "signed"`).
    #[cfg(feature = "facts")]
    pub(crate) fn compile_typed(
        source: &str,
        resolve: &dyn Fn(&str) -> Option<usize>,
        kind_of: &dyn Fn(usize) -> Type,
        text: &dyn Fn(&str) -> Option<Decimal>,
        expect: Type,
        mode: RoundingMode,
    ) -> Result<Formula, FormulaError> {
        let cx = check::Cx {
            mode,
            kind_of,
            text: Some(text),
        };
        Formula::compile_in(source, resolve, &cx, expect)
    }

    /// The quoted texts of `source`, in order (none when it does not lex): what a fact filter
    /// compares text columns with, to be given values before [`Formula::compile_typed`].
    #[cfg(feature = "facts")]
    pub(crate) fn quoted_texts(source: &str) -> Vec<String> {
        lexer::tokenize(source)
            .map(|tokens| {
                tokens
                    .iter()
                    .filter(|t| t.kind == lexer::Tok::Text)
                    .filter_map(|t| t.text.strip_prefix('"')?.strip_suffix('"'))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn compile_in(
        source: &str,
        resolve: &dyn Fn(&str) -> Option<usize>,
        cx: &check::Cx<'_>,
        expect: Type,
    ) -> Result<Formula, FormulaError> {
        let parsed = parser::parse(source, resolve)?;
        let (root, result_type) = check::lower(&parsed.expr, cx)?;
        if result_type != expect {
            return Err(FormulaError::new(
                parsed.expr.start,
                format!("expected {}, found {}", expect.noun(), result_type.noun()),
            ));
        }
        Ok(Formula {
            source: source.to_owned(),
            root,
            result_type,
            variables: parsed.variables,
        })
    }

    /// A formula that is the constant number `value` (used when a plan gives a plain number).
    #[must_use]
    pub fn constant(value: Decimal) -> Formula {
        Formula {
            source: value.to_string(),
            root: eval::Node::Number(value),
            result_type: Type::Number,
            variables: Vec::new(),
        }
    }

    /// The original text of the formula (for a [`Formula::constant`], the number as text).
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The type of the formula's result.
    #[must_use]
    pub fn result_type(&self) -> Type {
        self.result_type
    }

    /// `Some(value)` if the whole formula is a single number (`12.5`, `-3`, `(7)`).
    #[must_use]
    pub fn as_constant(&self) -> Option<Decimal> {
        match self.root {
            eval::Node::Number(value) => Some(value),
            _ => None,
        }
    }

    /// `Some(slot)` if the whole formula is one bare name (`collected`, `(collected)`).
    #[must_use]
    pub fn as_variable(&self) -> Option<usize> {
        match self.root {
            eval::Node::Var(slot) => Some(slot),
            _ => None,
        }
    }

    /// The slots of all names used anywhere in the formula, deduplicated and ascending.
    #[must_use]
    pub fn variables(&self) -> Vec<usize> {
        self.variables.clone()
    }

    /// Evaluate against `env`, where `env[slot]` is the value of a name or `None` if missing.
    ///
    /// Arithmetic is exact; a number result that is not a decimal (1 ÷ 3) is shown rounded at the
    /// 28th significant digit. Never panics; a slot beyond the end of `env` counts as missing.
    ///
    /// # Errors
    ///
    /// [`EvalError::Missing`] if a needed value is `None` (only values on the path actually
    /// taken are needed), [`EvalError::DivisionByZero`], or [`EvalError::Overflow`].
    pub fn eval(&self, env: &[Option<Decimal>]) -> Result<Value, EvalError> {
        let env = exact_env(env);
        match self.result_type {
            // A text result is the value standing for the text (compiled only where text is typed).
            Type::Number | Type::Text => {
                eval::number(&self.root, &env).map(|v| Value::Number(v.to_decimal()))
            }
            Type::Bool => eval::condition(&self.root, &env).map(Value::Bool),
        }
    }

    /// Evaluate a [`Type::Number`] formula. A condition result is returned as 1 (true) or 0 (false).
    ///
    /// # Errors
    ///
    /// As for [`Formula::eval`].
    pub fn eval_number(&self, env: &[Option<Decimal>]) -> Result<Decimal, EvalError> {
        eval::number(&self.root, &exact_env(env)).map(|v| v.to_decimal())
    }

    /// Evaluate a [`Type::Bool`] formula. A number result counts as true if it is not zero.
    ///
    /// # Errors
    ///
    /// As for [`Formula::eval`].
    pub fn eval_bool(&self, env: &[Option<Decimal>]) -> Result<bool, EvalError> {
        eval::condition(&self.root, &exact_env(env))
    }

    /// The exact value of a number formula: what the engine scores with.
    pub(crate) fn number(&self, env: &[Option<Exact>]) -> Result<Exact, EvalError> {
        eval::number(&self.root, env)
    }

    /// The checked tree, for the batch kernel to compile.
    pub(crate) fn tree(&self) -> &eval::Node {
        &self.root
    }

    /// Whether a condition holds, decided on exact values.
    pub(crate) fn holds(&self, env: &[Option<Exact>]) -> Result<bool, EvalError> {
        eval::condition(&self.root, env)
    }

    /// The condition as `variable ⋚ number` when it is one (either way round, as most filters
    /// are: `status == "signed"` once texts are numbered), to be decided on the variable's value
    /// alone, as [`Formula::holds`] decides it.
    #[cfg(feature = "facts")]
    pub(crate) fn var_compare(&self) -> Option<VarCompare> {
        let Node::Compare(op, lhs, rhs) = &self.root else {
            return None;
        };
        match (&**lhs, &**rhs) {
            (Node::Var(var), Node::Number(value)) => Some(VarCompare {
                var: *var,
                op: *op,
                value: *value,
                var_first: true,
            }),
            (Node::Number(value), Node::Var(var)) => Some(VarCompare {
                var: *var,
                op: *op,
                value: *value,
                var_first: false,
            }),
            _ => None,
        }
    }
}

/// A condition comparing one variable with a number (see [`Formula::var_compare`]).
#[cfg(feature = "facts")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct VarCompare {
    /// The variable's slot.
    pub var: usize,
    op: Compare,
    value: Decimal,
    /// Whether the variable is on the left.
    var_first: bool,
}

#[cfg(feature = "facts")]
impl VarCompare {
    /// Whether the condition holds when the variable is `x`.
    pub(crate) fn holds(&self, x: Decimal) -> bool {
        if self.var_first {
            self.op.holds(&x, &self.value)
        } else {
            self.op.holds(&self.value, &x)
        }
    }
}

/// Decimal values as exact ones, for the decimal-valued entry points.
fn exact_env(env: &[Option<Decimal>]) -> Vec<Option<Exact>> {
    env.iter().map(|v| v.map(Exact::Dec)).collect()
}
