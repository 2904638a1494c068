//! Tests for the formula language. Expected values are computed by hand in the comments.
// Declared under `#[cfg(test)]` in mod.rs; repeated here so tools reading this file alone see it.
#![cfg(test)]

#[cfg(test)]
use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Slots: collected 0, invoiced 1, actual 2, target 3, compliance_violations 4, x 5, y 6.
const NAMES: [&str; 7] = [
    "collected",
    "invoiced",
    "actual",
    "target",
    "compliance_violations",
    "x",
    "y",
];

fn resolve(name: &str) -> Option<usize> {
    NAMES.iter().position(|n| *n == name)
}

fn compile(source: &str, expect: Type) -> Result<Formula, FormulaError> {
    Formula::compile(source, &resolve, expect, RoundingMode::HalfUp)
}

fn number(source: &str) -> Formula {
    compile(source, Type::Number).unwrap()
}

fn condition(source: &str) -> Formula {
    compile(source, Type::Bool).unwrap()
}

/// Evaluate a number formula with no measures.
fn calc(source: &str) -> Decimal {
    number(source).eval_number(&[]).unwrap()
}

/// Evaluate a condition formula with no measures.
fn test(source: &str) -> bool {
    condition(source).eval_bool(&[]).unwrap()
}

/// The error from compiling a number formula.
fn error(source: &str) -> FormulaError {
    compile(source, Type::Number).unwrap_err()
}

/// Like [`error`] for a condition formula.
fn bool_error(source: &str) -> FormulaError {
    compile(source, Type::Bool).unwrap_err()
}

fn env(values: &[(&str, &str)]) -> Vec<Option<Decimal>> {
    let mut env = vec![None; NAMES.len()];
    for (name, value) in values {
        env[resolve(name).unwrap()] = Some(d(value));
    }
    env
}

#[track_caller]
fn assert_error(e: FormulaError, column: usize, message: &str) {
    assert_eq!(e.message, message, "{e:?}");
    assert_eq!(e.column, column, "{e:?}");
}

// ---------------------------------------------------------------- precedence and arithmetic

#[test]
fn precedence() {
    assert_eq!(calc("1 + 2 * 3"), d("7")); // 2 * 3 = 6 first, then 1 + 6
    assert_eq!(calc("-2 * 3"), d("-6")); // (-2) * 3
    assert_eq!(calc("(1 + 2) * 3"), d("9")); // 3 * 3
    assert_eq!(calc("10 - 4 - 3"), d("3")); // left to right: (10 - 4) - 3, not 10 - 1
    assert_eq!(calc("12 / 3 / 2"), d("2")); // (12 / 3) / 2 = 4 / 2, not 12 / 1.5 = 8
    assert_eq!(calc("2 * -3"), d("-6"));
    assert_eq!(calc("2 - -3"), d("5"));
    assert_eq!(calc("--4"), d("4"));
    assert_eq!(calc("1 + 2 * 3 - 4 / 2"), d("5")); // 1 + 6 - 2
    assert_eq!(calc(" \n 7\t"), d("7")); // whitespace, including line breaks, is ignored
}

#[test]
fn logic_precedence() {
    // `and` binds tighter than `or`: true or (false and false) = true;
    // the other grouping, (true or false) and false, would be false.
    assert!(test("true or false and false"));
    // `not` binds tighter than `and`: (not true) and false = false; not (true and false) = true.
    assert!(!test("not true and false"));
    // `not` binds looser than comparisons: not (1 > 2) = true.
    assert!(test("not 1 > 2"));
    assert!(test("not not true"));
    // Comparisons bind looser than arithmetic: (1 + 2 * 3) == 7.
    assert!(test("1 + 2 * 3 == 7 and 2 < 3"));
    assert!(test("true == (1 < 2)"));
    assert!(test("false != true"));
    assert!(test("1 <= 1 and 1 >= 1 and 2 > 1 and 1 != 2"));
    assert!(!test("1 < 1 or 1 > 1"));
}

#[test]
fn exact_decimals() {
    // In binary floating point 0.1 + 0.2 is 0.30000000000000004; here it is exactly 0.3.
    assert!(test("0.1 + 0.2 == 0.3"));
    // 720000 / 800000 = 72 / 80 = 0.9.
    let f = number("collected / invoiced");
    let e = env(&[("collected", "720000"), ("invoiced", "800000")]);
    assert_eq!(f.eval(&e), Ok(Value::Number(d("0.9"))));
    // 1 / 3 keeps 28 significant digits.
    assert_eq!(calc("1 / 3"), d("0.3333333333333333333333333333"));
    // Equality is by value: 1.0 == 1.00.
    assert!(test("1.0 == 1.00"));
    // Literals keep their scale.
    assert_eq!(number("2.50").as_constant().unwrap().to_string(), "2.50");
    // The largest representable literal, 2^96 - 1, is exact.
    assert_eq!(calc("79228162514264337593543950335"), Decimal::MAX);
    assert_eq!(calc("0.0000000000000000000000000001"), d("1e-28"));
}

#[test]
fn arithmetic_errors() {
    let f = number("collected / invoiced");
    let e = env(&[("collected", "5"), ("invoiced", "0")]);
    assert_eq!(f.eval(&e), Err(EvalError::DivisionByZero));
    assert_eq!(
        number("1 / (2 - 2)").eval(&[]),
        Err(EvalError::DivisionByZero)
    );
    // Decimal::MAX + 1 and Decimal::MAX * 2 do not fit.
    assert_eq!(
        number("79228162514264337593543950335 + 1").eval(&[]),
        Err(EvalError::Overflow)
    );
    assert_eq!(
        number("79228162514264337593543950335 * 2").eval(&[]),
        Err(EvalError::Overflow)
    );
    assert_eq!(
        number("-79228162514264337593543950335 - 1").eval(&[]),
        Err(EvalError::Overflow)
    );
    assert_eq!(
        number("79228162514264337593543950335 / 0.5").eval(&[]),
        Err(EvalError::Overflow)
    );
    // Errors inside conditions propagate too.
    assert_eq!(
        condition("1 / (2 - 2) > 1").eval(&[]),
        Err(EvalError::DivisionByZero)
    );
}

// ---------------------------------------------------------------- laziness and missing values

#[test]
fn lazy_if_avoids_division_by_zero() {
    let f = number("if(invoiced == 0, 0, collected / invoiced)");
    // invoiced = 0: the first branch is taken, the division is never evaluated.
    let e = env(&[("collected", "5"), ("invoiced", "0")]);
    assert_eq!(f.eval_number(&e), Ok(d("0")));
    // invoiced = 0 and collected missing: the missing value is in the untaken branch.
    let e = env(&[("invoiced", "0")]);
    assert_eq!(f.eval_number(&e), Ok(d("0")));
    // invoiced = 4: 3 / 4 = 0.75.
    let e = env(&[("collected", "3"), ("invoiced", "4")]);
    assert_eq!(f.eval_number(&e), Ok(d("0.75")));
}

#[test]
fn and_or_short_circuit() {
    // The right side of `or` is not evaluated when the left is true.
    let f = condition("invoiced == 0 or collected / invoiced > 1");
    assert_eq!(f.eval_bool(&env(&[("invoiced", "0")])), Ok(true));
    // The right side of `and` is not evaluated when the left is false.
    let f = condition("x > 0 and y > 0");
    assert_eq!(f.eval_bool(&env(&[("x", "0")])), Ok(false));
    assert_eq!(
        f.eval_bool(&env(&[("x", "1")])),
        Err(EvalError::Missing { slot: 6 })
    );
}

#[test]
fn missing_value_reports_slot() {
    let f = number("collected / invoiced");
    // collected (slot 0) is missing.
    assert_eq!(
        f.eval(&env(&[("invoiced", "4")])),
        Err(EvalError::Missing { slot: 0 })
    );
    // invoiced (slot 1) is missing.
    assert_eq!(
        f.eval(&env(&[("collected", "4")])),
        Err(EvalError::Missing { slot: 1 })
    );
    // A slot beyond the end of env counts as missing (no panic).
    assert_eq!(f.eval(&[]), Err(EvalError::Missing { slot: 0 }));
    let f = Formula::compile(
        "far",
        &|_| Some(1_000_000),
        Type::Number,
        RoundingMode::HalfUp,
    )
    .unwrap();
    assert_eq!(
        f.eval(&[Some(d("1"))]),
        Err(EvalError::Missing { slot: 1_000_000 })
    );
    assert_eq!(EvalError::Missing { slot: 3 }.to_string(), "missing value");
}

// ---------------------------------------------------------------- functions

#[test]
fn min_max_clamp_abs() {
    assert_eq!(calc("min(3, 1, 2)"), d("1"));
    assert_eq!(calc("max(3, 1, 2)"), d("3"));
    assert_eq!(calc("min(-1, 1)"), d("-1"));
    assert_eq!(calc("max(0.5, 0.25)"), d("0.5"));
    assert_eq!(calc("min(4, 7, 2, 9, 5)"), d("2"));
    assert_eq!(calc("max(4, 7, 2, 9, 5)"), d("9"));
    assert_eq!(calc("clamp(150, 0, 120)"), d("120")); // above the range
    assert_eq!(calc("clamp(-5, 0, 120)"), d("0")); // below the range
    assert_eq!(calc("clamp(50, 0, 120)"), d("50")); // inside the range
                                                    // lo > hi: max(lo, min(x, hi)) = max(10, min(5, 0)) = max(10, 0) = 10.
    assert_eq!(calc("clamp(5, 10, 0)"), d("10"));
    assert_eq!(calc("abs(-2.5)"), d("2.5"));
    assert_eq!(calc("abs(2.5)"), d("2.5"));
    // 90 / 100 * 100 = 90 achievement, inside 0..120.
    let f = number("clamp(actual / target * 100, 0, 120)");
    assert_eq!(
        f.eval_number(&env(&[("actual", "90"), ("target", "100")])),
        Ok(d("90"))
    );
    // 150 / 100 * 100 = 150, capped at 120.
    assert_eq!(
        f.eval_number(&env(&[("actual", "150"), ("target", "100")])),
        Ok(d("120"))
    );
    // `if` can choose between conditions too.
    assert!(test("if(1 > 2, false, true)"));
}

#[test]
fn round_uses_mode() {
    let round = |source: &str, mode| {
        Formula::compile(source, &resolve, Type::Number, mode)
            .unwrap()
            .eval_number(&[])
            .unwrap()
            .to_string()
    };
    // 2.345 is exactly halfway between 2.34 and 2.35.
    assert_eq!(round("round(2.345, 2)", RoundingMode::HalfUp), "2.35");
    assert_eq!(round("round(2.345, 2)", RoundingMode::HalfEven), "2.34");
    assert_eq!(round("round(2.345, 2)", RoundingMode::Down), "2.34");
    assert_eq!(round("round(-2.345, 2)", RoundingMode::HalfUp), "-2.35");
    // round(x) rounds to a whole number: 2.5 is halfway between 2 and 3.
    assert_eq!(round("round(2.5)", RoundingMode::HalfUp), "3");
    assert_eq!(round("round(2.5)", RoundingMode::HalfEven), "2");
    // The result keeps exactly n places.
    assert_eq!(round("round(74.4, 2)", RoundingMode::HalfUp), "74.40");
    assert_eq!(
        round("round(1 / 3, 28)", RoundingMode::HalfUp),
        "0.3333333333333333333333333333"
    );
    assert_eq!(round("round(7, 0)", RoundingMode::HalfUp), "7");
}

// ---------------------------------------------------------------- accessors

#[test]
fn accessors() {
    let f = number("y + x * y + if(x > 0, collected, 0)");
    assert_eq!(f.variables(), vec![0, 5, 6]); // collected, x, y; deduplicated, ascending
    assert_eq!(f.source(), "y + x * y + if(x > 0, collected, 0)");
    assert_eq!(f.result_type(), Type::Number);
    assert_eq!(f.as_constant(), None);
    assert_eq!(f.as_variable(), None);

    assert_eq!(number("12.5").as_constant(), Some(d("12.5")));
    assert_eq!(number("-3").as_constant(), Some(d("-3")));
    assert_eq!(number("(7)").as_constant(), Some(d("7")));
    assert_eq!(number("x + 0").as_constant(), None);
    assert_eq!(number("x").as_variable(), Some(5));
    assert_eq!(number(" (x) ").as_variable(), Some(5));
    assert_eq!(number("x + 0").as_variable(), None);
    assert_eq!(number("x").variables(), vec![5]);
    assert_eq!(number("1").variables(), Vec::<usize>::new());

    let c = Formula::constant(d("2.50"));
    assert_eq!(c.source(), "2.50");
    assert_eq!(c.as_constant(), Some(d("2.50")));
    assert_eq!(c.as_variable(), None);
    assert_eq!(c.result_type(), Type::Number);
    assert!(c.variables().is_empty());
    assert_eq!(c.eval(&[]), Ok(Value::Number(d("2.50"))));

    let g = condition("compliance_violations > 0");
    assert_eq!(g.result_type(), Type::Bool);
    assert_eq!(g.variables(), vec![4]);
    assert_eq!(
        g.eval(&env(&[("compliance_violations", "2")])),
        Ok(Value::Bool(true))
    );
    assert_eq!(
        g.eval(&env(&[("compliance_violations", "0")])),
        Ok(Value::Bool(false))
    );
}

#[test]
fn cross_type_evaluation() {
    // A condition read as a number is 1 or 0.
    assert_eq!(condition("1 < 2").eval_number(&[]), Ok(Decimal::ONE));
    assert_eq!(condition("1 > 2").eval_number(&[]), Ok(Decimal::ZERO));
    // A number read as a condition is true unless zero.
    assert_eq!(number("0.0").eval_bool(&[]), Ok(false));
    assert_eq!(number("-0.5").eval_bool(&[]), Ok(true));
}

// ---------------------------------------------------------------- compile errors

#[test]
fn division_by_a_constant_zero_is_a_compile_error() {
    // Column of the divisor: `x / 0` → 5; the parenthesised and negated zeros fold to the same
    // constant, so they are caught too, at the `(` (5) and the `-` (9).
    let message = "division by zero: the divisor is the constant 0";
    assert_error(error("x / 0"), 5, message);
    assert_error(error("x / (0)"), 5, message);
    assert_error(error("x * 2 / -0.00"), 9, message);
    assert_error(bool_error("1 / 0 > 1"), 5, message);
    // A divisor that is zero only for some people is checked when scoring, as before.
    assert!(compile("x / (2 - 2)", Type::Number).is_ok());
    assert!(compile("if(y == 0, 0, x / y)", Type::Number).is_ok());
}

#[test]
fn type_errors() {
    assert_error(
        bool_error("1 and true"),
        1,
        "`and` needs conditions on both sides, but the left side is a number",
    );
    assert_error(
        bool_error("true and x"),
        10,
        "`and` needs conditions on both sides, but the right side is a number",
    );
    assert_error(
        bool_error("x or false"),
        1,
        "`or` needs conditions on both sides, but the left side is a number",
    );
    assert_error(
        error("1 + true"),
        5,
        "`+` needs numbers on both sides, but the right side is a condition",
    );
    assert_error(
        error("(1 < 2) * 3"),
        1,
        "`*` needs numbers on both sides, but the left side is a condition",
    );
    assert_error(
        bool_error("x < true"),
        5,
        "`<` compares numbers, but the right side is a condition",
    );
    assert_error(
        bool_error("1 == true"),
        3,
        "`==` needs the same kind of value on both sides, but the left side is a number and \
         the right side is a condition",
    );
    assert_error(
        bool_error("not 1"),
        5,
        "`not` needs a condition after it, but found a number",
    );
    assert_error(
        error("-true"),
        2,
        "`-` needs a number after it, but found a condition",
    );
    assert_error(
        error("if(1, 2, 3)"),
        4,
        "the first argument of `if` must be a condition, but it is a number",
    );
    assert_error(
        error("if(true, 1, false)"),
        13,
        "both results of `if` must be the same kind of value, but the second argument is a \
         number and the third is a condition",
    );
    assert_error(
        error("min(1, true)"),
        8,
        "`min` works on numbers, but its second argument is a condition",
    );
    assert_error(
        error("max(1, 2, 3, 4 > 5)"),
        14,
        "`max` works on numbers, but its fourth argument is a condition",
    );
    assert_error(
        error("abs(false)"),
        5,
        "`abs` works on numbers, but its argument is a condition",
    );
    assert_error(
        error("clamp(1, 2, true)"),
        13,
        "`clamp` works on numbers, but its third argument is a condition",
    );
    // Required result type.
    assert_error(
        bool_error("1 + 2"),
        1,
        "expected a condition, found a number",
    );
    assert_error(error("  x > 1"), 3, "expected a number, found a condition");
    assert_error(bool_error("x"), 1, "expected a condition, found a number");
}

#[test]
fn round_places_must_be_a_small_whole_literal() {
    let message = "the second argument of `round` is the number of decimal places: write a \
                   whole number from 0 to 28 directly, like `round(x, 2)`";
    assert_error(error("round(1, x)"), 10, message);
    assert_error(error("round(1, 2.5)"), 10, message);
    assert_error(error("round(1, 2.0)"), 10, message);
    assert_error(error("round(1, 29)"), 10, message);
    assert_error(error("round(1, -1)"), 10, message);
    assert_error(error("round(1, 1 + 1)"), 10, message);
    assert_error(error("round(1, true)"), 10, message);
    assert!(compile("round(1, 28)", Type::Number).is_ok());
}

#[test]
fn arity_errors() {
    assert_error(error("clamp(1, 2)"), 1, "`clamp` takes 3 arguments, got 2");
    assert_error(
        error("1 + min(1)"),
        5,
        "`min` takes at least 2 arguments, got 1",
    );
    assert_error(error("max()"), 1, "`max` takes at least 2 arguments, got 0");
    assert_error(error("abs()"), 1, "`abs` takes 1 argument, got 0");
    assert_error(error("abs(1, 2)"), 1, "`abs` takes 1 argument, got 2");
    assert_error(
        error("round(1, 2, 3)"),
        1,
        "`round` takes 1 or 2 arguments, got 3",
    );
    assert_error(error("if(true, 1)"), 1, "`if` takes 3 arguments, got 2");
}

#[test]
fn unknown_names() {
    // `foo` starts at column 5.
    assert_error(error("1 + foo"), 5, "unknown name `foo`");
    // `colected` starts at column 1; the suggestion comes from one inserted letter.
    assert_error(
        error("colected / invoiced"),
        1,
        "unknown name `colected` (did you mean `collected`?)",
    );
    // `invoicd` starts at column 13.
    assert_error(
        error("collected / invoicd"),
        13,
        "unknown name `invoicd` (did you mean `invoiced`?)",
    );
    assert_error(
        bool_error("TRUE"),
        1,
        "unknown name `TRUE` (did you mean `true`?)",
    );
    assert_error(
        error("sum(1, 2)"),
        1,
        "unknown function `sum`; the functions are if, min, max, clamp, abs, round",
    );
    assert_error(
        error("IF(true, 1, 2)"),
        1,
        "unknown function `IF` (did you mean `if`?)",
    );
    // A name that is also a function name is a variable when not followed by `(`.
    let f = Formula::compile(
        "round + 1",
        &|n| (n == "round").then_some(0),
        Type::Number,
        RoundingMode::HalfUp,
    )
    .unwrap();
    assert_eq!(f.eval_number(&[Some(d("1"))]), Ok(d("2")));
}

#[test]
fn syntax_errors() {
    assert_error(error(""), 1, "formula is empty");
    assert_error(error("  \n "), 1, "formula is empty");
    // `(` at column 1 is unclosed; the end of the formula is column 7.
    assert_error(error("(1 + 2"), 7, "expected `)` to close `(` at column 1");
    assert_error(
        error("min(1, 2"),
        9,
        "expected `)` to close `(` at column 4",
    );
    assert_error(error("(1 2)"), 4, "expected `)` to close `(` at column 1");
    assert_error(
        error("min(1 2)"),
        7,
        "expected `,` or `)` after an argument of `min`, found `2`",
    );
    assert_error(
        error("1 + 2)"),
        6,
        "unexpected `)`: there is no `(` for it to close",
    );
    assert_error(error("()"), 2, "unexpected `)`");
    assert_error(error("min(1, 2,)"), 10, "unexpected `)`");
    assert_error(error("1 * * 2"), 5, "unexpected `*`");
    assert_error(error("1 2"), 3, "unexpected `2`");
    assert_error(error("and"), 1, "unexpected `and`");
    assert_error(
        error("1 +"),
        4,
        "formula ends too early: expected a number, a name or `(`",
    );
    assert_error(
        bool_error("x == not y"),
        6,
        "unexpected `not`: put it in parentheses here, like `(not x)`",
    );
    assert_error(
        bool_error("x = 1"),
        3,
        "unexpected character `=`: to compare, use `==`",
    );
    assert_error(
        bool_error("x > 1 && y > 1"),
        7,
        "unexpected character `&`: use `and`",
    );
    assert_error(
        error(".5"),
        1,
        "unexpected character `.`: numbers start with a digit: write `0.5`, not `.5`",
    );
    assert_error(error("1."), 1, "the number `1.` needs digits after the `.`");
    assert_error(error("2x"), 2, "unexpected `x` right after the number `2`");
    assert_error(
        error("1.2.3"),
        4,
        "unexpected `.` right after the number `1.2`",
    );
    assert_error(
        error("50%"),
        3,
        "unexpected character `%`: there is no `%` operator; divide by 100 instead",
    );
}

#[test]
fn literals_are_exact_or_rejected() {
    // 29 decimal places: more than the 28 a decimal can hold, so it is rejected, not rounded.
    assert_error(
        error("0.00000000000000000000000000001"),
        1,
        "the number `0.00000000000000000000000000001` has too many digits to be stored exactly \
         (at most 28 digits)",
    );
    // 2^96, one more than the largest decimal.
    assert_eq!(error("1 + 79228162514264337593543950336").column, 5);
    // 29 significant digits that would need rounding (8.0…01 × 10^28 exceeds the 96-bit
    // mantissa, while 1.0…01 with 29 digits still fits and is exact).
    assert_eq!(error("8.0000000000000000000000000001").column, 1);
    assert_eq!(
        calc("1.0000000000000000000000000001").to_string(),
        "1.0000000000000000000000000001"
    );
}

#[test]
fn comparisons_do_not_chain() {
    let message = "comparisons can't be chained like `a < b < c`; combine them with `and`, e.g. \
                   `a < b and b < c`";
    // The second `<` is at column 7.
    assert_error(bool_error("1 < 2 < 3"), 7, message);
    assert_eq!(bool_error("x == y == true").column, 8);
    // Parentheses make it explicit (and then type-check): (1 < 2) == true.
    assert!(test("(1 < 2) == true"));
}

#[test]
fn non_ascii_input() {
    assert_error(error("回款 / 2"), 1, "unexpected character `回`");
    // Columns count characters, not bytes: `款` is the 5th character.
    assert_error(error("x + 款"), 5, "unexpected character `款`");
    assert_error(error("é"), 1, "unexpected character `é`");
    // Full-width punctuation from a Chinese input method gets a hint.
    assert_error(
        error("min（1, 2)"),
        4,
        "unexpected character `（`: did you mean `(`?",
    );
    assert_error(
        error("1 ＋ 2"),
        3,
        "unexpected character `＋`: did you mean `+`?",
    );
    // An ideographic space (U+3000) is whitespace.
    assert_eq!(calc("1\u{3000}+ 2"), d("3"));
    // An error after multi-byte characters still has a character column.
    assert_error(error("1\u{3000}+ foo"), 5, "unknown name `foo`");
}

// ---------------------------------------------------------------- limits

#[test]
fn depth_limit() {
    // 32 nested parentheses are allowed...
    let ok = format!("{}1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(calc(&ok), d("1"));
    // ...33 are not; the 33rd `(` is at column 33.
    let deep = format!(
        "{}1{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert_error(error(&deep), 33, "formula nests deeper than 32 levels");
    // Calls, `-` and `not` nest too.
    let calls = format!("{}1{}", "abs(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(calc(&calls), d("1"));
    let calls = format!(
        "{}1{}",
        "abs(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(error(&calls).message, "formula nests deeper than 32 levels");
    assert_eq!(calc(&format!("{}1", "-".repeat(MAX_DEPTH))), d("1")); // 32 negations
    assert_eq!(error(&format!("{}1", "-".repeat(MAX_DEPTH + 1))).column, 33);
    assert_eq!(
        bool_error(&format!("{}true", "not ".repeat(MAX_DEPTH + 1))).column,
        129
    );
    // Far deeper input fails cleanly instead of overflowing the stack.
    assert_eq!(error(&"(".repeat(MAX_SOURCE_LEN)).column, 33);
    // Long flat chains are not nesting.
    assert_eq!(calc(&format!("1{}", " + 1".repeat(100))), d("101"));
}

#[test]
fn length_limit() {
    // Exactly 1000 characters is fine.
    let ok = format!("1{}", " ".repeat(MAX_SOURCE_LEN - 1));
    assert_eq!(calc(&ok), d("1"));
    let long = format!("1{}", " ".repeat(MAX_SOURCE_LEN));
    assert_error(error(&long), 1001, "formula is longer than 1000 characters");
    // Characters, not bytes: 1000 three-byte characters are within the limit (and then
    // rejected as unexpected characters), 1001 are too long.
    assert_eq!(
        error(&"回".repeat(MAX_SOURCE_LEN)).message,
        "unexpected character `回`"
    );
    assert_eq!(
        error(&"回".repeat(MAX_SOURCE_LEN + 1)).message,
        "formula is longer than 1000 characters"
    );
}

#[test]
fn node_limit() {
    // n ones joined by n - 1 `+` make 2n - 1 parts: 128 ones = 255 parts, allowed.
    let ok = vec!["1"; 128].join("+");
    assert_eq!(calc(&ok), d("128"));
    // 129 ones = 257 parts, too many.
    let big = vec!["1"; 129].join("+");
    let e = error(&big);
    assert!(e.message.starts_with("formula is too complex"), "{e:?}");
    // Parts are counted as they are completed: `1`, `1`, `+`, `1`, `+`, ... so the 257th part
    // is the 128th `+`, at column 2 * 128 = 256 (each `1+` takes 2 columns).
    assert_eq!(e.column, 256);
}

#[test]
fn error_display() {
    let e = error("1 + foo");
    assert_eq!(e.to_string(), "column 5: unknown name `foo`");
    assert_eq!(EvalError::DivisionByZero.to_string(), "division by zero");
    assert_eq!(EvalError::Overflow.to_string(), "arithmetic overflow");
}

// ---------------------------------------------------------------- properties

fn any_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (-1000i64..1000, 0u32..4).prop_map(|(n, s)| Decimal::new(n, s)),
        Just(Decimal::ZERO),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            0u32..=28
        )
            .prop_map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale)),
    ]
}

fn any_env() -> impl Strategy<Value = Vec<Option<Decimal>>> {
    prop::collection::vec(prop::option::of(any_decimal()), 0..9)
}

/// Formula-like text: a soup of tokens, so that many inputs get past the lexer.
fn token_soup() -> impl Strategy<Value = String> {
    let tokens = vec![
        "1",
        "0",
        "2.5",
        "0.001",
        "79228162514264337593543950335",
        "collected",
        "invoiced",
        "x",
        "y",
        "true",
        "false",
        "and",
        "or",
        "not",
        "(",
        ")",
        ",",
        "+",
        "-",
        "*",
        "/",
        "<",
        "<=",
        ">",
        ">=",
        "==",
        "!=",
        "if(",
        "min(",
        "max(",
        "clamp(",
        "abs(",
        "round(",
        "foo",
        "=",
        "回",
        ".",
    ];
    prop::collection::vec(prop::sample::select(tokens), 0..40).prop_map(|t| t.join(" "))
}

proptest! {
    #[test]
    fn compile_never_panics(source in ".{0,200}") {
        let _ = compile(&source, Type::Number);
        let _ = compile(&source, Type::Bool);
    }

    #[test]
    fn compile_and_eval_never_panic_on_token_soup(source in token_soup(), env in any_env()) {
        for expect in [Type::Number, Type::Bool] {
            if let Ok(f) = compile(&source, expect) {
                let _ = f.eval(&env);
                let _ = f.eval_number(&env);
                let _ = f.eval_bool(&env);
            }
        }
    }

    #[test]
    fn eval_never_panics(env in any_env()) {
        for source in [
            "collected / invoiced",
            "if(invoiced == 0, 0, collected / invoiced)",
            "clamp(actual / target * 100, 0, 120)",
            "round(x * y - x / y, 28) + abs(min(x, y, collected)) - max(x, y)",
            "-x * -y + 79228162514264337593543950335",
        ] {
            let _ = number(source).eval(&env);
        }
        let _ = condition("compliance_violations > 0 or x == y and not (y != 0)").eval(&env);
    }

    #[test]
    fn addition_is_exact(a in any_decimal(), b in any_decimal()) {
        let result = number("x + y").number(&exact_env_xy(a, b));
        let (x, y) = (Exact::Dec(a), Exact::Dec(b));
        prop_assert_eq!(result, x.checked_add(&y).ok_or(EvalError::Overflow));
        // Where rust_decimal adds without rounding, the same value.
        if let Some(sum) = a.checked_add(b).filter(|s| s.scale() == a.scale().max(b.scale())) {
            prop_assert_eq!(number("x + y").eval_number(&env_xy(a, b)), Ok(sum));
        }
    }

    #[test]
    fn division_is_exact(a in any_decimal(), b in any_decimal()) {
        let result = number("x / y").number(&exact_env_xy(a, b));
        let expected = if b.is_zero() {
            Err(EvalError::DivisionByZero)
        } else {
            Exact::Dec(a).checked_div(&Exact::Dec(b)).ok_or(EvalError::Overflow)
        };
        prop_assert_eq!(&result, &expected);
        // Multiplying back gives the dividend exactly: nothing was rounded.
        if let Ok(q) = &result {
            prop_assert_eq!(q.checked_mul(&Exact::Dec(b)), Some(Exact::Dec(a)));
        }
    }
}

fn exact_env_xy(x: Decimal, y: Decimal) -> Vec<Option<Exact>> {
    env_xy(x, y)
        .into_iter()
        .map(|v| v.map(Exact::Dec))
        .collect()
}

fn env_xy(x: Decimal, y: Decimal) -> Vec<Option<Decimal>> {
    let mut env = vec![None; NAMES.len()];
    env[5] = Some(x);
    env[6] = Some(y);
    env
}

#[cfg(feature = "facts")]
#[test]
fn a_comparison_of_one_variable_is_decided_on_its_value_as_the_tree_decides_it() {
    // Every operator, either way round, on values below, at and above the number; the tree's
    // answer is the reference (a missing value is the filters' concern, not this one's).
    let values = ["-1", "0", "2.5", "2.50", "3", "100"];
    for op in ["<", "<=", ">", ">=", "==", "!="] {
        for text in [format!("x {op} 2.5"), format!("2.5 {op} x")] {
            let f = condition(&text);
            let c = f.var_compare().expect("one variable and a number");
            assert_eq!(c.var, 5);
            for v in values {
                let mut env = vec![None; 7];
                env[5] = Some(Exact::Dec(d(v)));
                assert_eq!(c.holds(d(v)), f.holds(&env).unwrap(), "{text} at x = {v}");
            }
        }
    }
    for other in ["x > y", "x + 1 > 2", "x > 1 and x < 3", "not (x > 1)"] {
        assert!(condition(other).var_compare().is_none(), "{other}");
    }
}
