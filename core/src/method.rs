//! Scoring methods, compiled: how an indicator's actual (and target) become points.
//!
//! Each method returns the points and a [`Detail`] saying which rule produced them, which is
//! what explanations are rendered from. Edge cases (target 0, actual 0, negative values,
//! boundaries) are decided here and documented in `docs/scoring-methods.md`.

use crate::exact::Exact;
use crate::formula::{EvalError, Formula};
use crate::plan::spec::{Basis, LowerIsBetterForm};
use rust_decimal::Decimal;
use serde::Serialize;

/// A compiled scoring method.
#[derive(Debug, Clone)]
pub(crate) enum Method {
    Ratio {
        floor: Decimal,
        cap: Option<Decimal>,
        zero_target_score: Option<Decimal>,
    },
    LowerIsBetter {
        form: LowerIsBetterForm,
        floor: Decimal,
        cap: Decimal,
    },
    Curve {
        basis: Basis,
        /// threshold, target, optional stretch; `at` strictly ascending.
        points: Vec<(Decimal, Decimal)>,
        below: Decimal,
    },
    Bands {
        basis: Basis,
        bands: Vec<Band>,
    },
    PassFail {
        pass_if: Formula,
        pass: Decimal,
        fail: Decimal,
    },
    Rating {
        min: Decimal,
        max: Decimal,
        /// Empty: linear min → 0, max → 100.
        points: Vec<(Decimal, Decimal)>,
    },
    Deduction {
        start: Decimal,
        per_unit: Decimal,
        floor: Decimal,
    },
    Formula {
        expr: Formula,
        floor: Option<Decimal>,
        cap: Option<Decimal>,
    },
}

/// A half-open band `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Band {
    /// Inclusive lower end, `None` for unbounded.
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    #[schemars(with = "Option<crate::number::DecimalTextSchema>")]
    pub from: Option<Decimal>,
    /// Exclusive upper end, `None` for unbounded.
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    #[schemars(with = "Option<crate::number::DecimalTextSchema>")]
    pub to: Option<Decimal>,
    /// Points for a value in the band.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub score: Decimal,
}

impl Band {
    /// Whether `x` lies in `[from, to)`.
    pub fn contains(&self, x: Decimal) -> bool {
        self.holds(&Exact::Dec(x))
    }

    /// Whether the exact value `x` lies in `[from, to)`.
    pub(crate) fn holds(&self, x: &Exact) -> bool {
        self.from.is_none_or(|f| *x >= f) && self.to.is_none_or(|t| *x < t)
    }
}

/// Where a value fell on a threshold/target/stretch curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "segment", rename_all = "snake_case")]
pub enum CurveSegment {
    /// Below the threshold: the below-threshold points.
    BelowThreshold,
    /// Between two points, interpolated linearly.
    Between {
        /// Lower point's basis value.
        #[serde(serialize_with = "crate::number::serialize_decimal")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        from_at: Decimal,
        /// Lower point's points.
        #[serde(serialize_with = "crate::number::serialize_decimal")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        from_score: Decimal,
        /// Upper point's basis value.
        #[serde(serialize_with = "crate::number::serialize_decimal")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        to_at: Decimal,
        /// Upper point's points.
        #[serde(serialize_with = "crate::number::serialize_decimal")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        to_score: Decimal,
    },
    /// At or above the last point: its points.
    AtOrAboveTop,
}

/// Which rule produced an indicator's points: the step-by-step record explanations are rendered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Detail {
    /// completion = actual ÷ target × 100.
    Ratio,
    /// The target was 0; the plan's fixed points apply.
    ZeroTarget,
    /// Lower is better.
    LowerIsBetter {
        /// inverse or linear.
        form: LowerIsBetterForm,
    },
    /// Threshold/target/stretch interpolation on the basis value.
    Curve {
        /// What the curve is placed on.
        basis: Basis,
        /// The basis value.
        #[serde(serialize_with = "crate::number::serialize_decimal")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        value: Decimal,
        /// Where it fell.
        #[serde(flatten)]
        segment: CurveSegment,
    },
    /// Step bands.
    Bands {
        /// What the bands are placed on.
        basis: Basis,
        /// The basis value.
        #[serde(serialize_with = "crate::number::serialize_decimal")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        value: Decimal,
        /// The band it fell in.
        band: Band,
    },
    /// Pass/fail.
    PassFail {
        /// Whether the condition held.
        passed: bool,
    },
    /// A rating on a scale.
    Rating {
        /// Explicit table (true) or linear mapping (false).
        table: bool,
    },
    /// Points deducted per unit from a start value.
    Deduction {
        /// Points with nothing deducted.
        #[serde(serialize_with = "crate::number::serialize_decimal")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        start: Decimal,
        /// Points per unit.
        #[serde(serialize_with = "crate::number::serialize_decimal")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        per_unit: Decimal,
    },
    /// A custom formula.
    Formula,
    /// A needed measure was missing and the plan scores it as zero.
    MissingScoredZero,
    /// A needed measure was missing and the indicator was left out; its section was re-weighted.
    MissingLeftOut,
}

/// Which bound changed the raw points, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Raised to the floor.
    Floor,
    /// Lowered to the cap.
    Cap,
}

/// The points from a method, before weighting: exact values.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub raw: Exact,
    pub score: Exact,
    pub bound: Option<Bound>,
    pub detail: Detail,
}

/// Why a method could not score a value (input-dependent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MethodError {
    Eval(EvalError),
    NeedsTarget,
    /// `ratio` says whether the method is a ratio, which can be given `zero_target_score`.
    ZeroTarget {
        ratio: bool,
    },
    NegativeTarget(Decimal),
    OutsideBands(Decimal),
    OutsideScale(Decimal),
    NotOnScale(Decimal),
}

impl From<EvalError> for MethodError {
    fn from(e: EvalError) -> Self {
        MethodError::Eval(e)
    }
}

impl MethodError {
    /// The problem kind of this error.
    pub(crate) fn kind(self) -> &'static str {
        use crate::error::kinds;
        match self {
            MethodError::Eval(EvalError::DivisionByZero) => kinds::DIVISION_BY_ZERO,
            MethodError::Eval(EvalError::Overflow) => kinds::ARITHMETIC_OVERFLOW,
            MethodError::Eval(EvalError::Missing { .. }) => kinds::MISSING,
            MethodError::NeedsTarget => kinds::MISSING_TARGET,
            MethodError::ZeroTarget { .. } => kinds::ZERO_TARGET,
            MethodError::NegativeTarget(_) => kinds::NEGATIVE,
            MethodError::OutsideBands(_) => kinds::OUTSIDE_BANDS,
            MethodError::OutsideScale(_) => kinds::OUTSIDE_SCALE,
            MethodError::NotOnScale(_) => kinds::NOT_ON_SCALE,
        }
    }

    /// [`MethodError::message`] in Chinese.
    pub(crate) fn message_zh(self) -> String {
        match self {
            MethodError::Eval(EvalError::DivisionByZero) => "除数为零".into(),
            MethodError::Eval(EvalError::Overflow) => "数值过大，无法精确计算（算术溢出）".into(),
            MethodError::Eval(EvalError::Missing { .. }) => "缺少所需的数值".into(),
            MethodError::NeedsTarget => "该计分方法需要目标值，但未给出".into(),
            MethodError::ZeroTarget { ratio: true } => {
                "目标值为 0，完成率无法计算（可在方案中设置 `zero_target_score` 为其计分）".into()
            }
            MethodError::ZeroTarget { ratio: false } => "目标值为 0，完成率无法计算".into(),
            MethodError::NegativeTarget(t) => format!("目标值为负数（{t}）"),
            MethodError::OutsideBands(x) => format!("{} 不在任何分档区间内", x.normalize()),
            MethodError::OutsideScale(x) => format!("评分 {} 超出量表范围", x.normalize()),
            MethodError::NotOnScale(x) => {
                format!("评分 {} 不在方案列出的评分之中", x.normalize())
            }
        }
    }

    pub(crate) fn message(self) -> String {
        match self {
            MethodError::Eval(EvalError::DivisionByZero) => "division by zero".into(),
            MethodError::Eval(EvalError::Overflow) => "arithmetic overflow".into(),
            MethodError::Eval(EvalError::Missing { .. }) => "a needed value is missing".into(),
            MethodError::NeedsTarget => "this method needs a target, and none was given".into(),
            MethodError::ZeroTarget { ratio: true } => {
                "the target is 0, so completion is undefined (set `zero_target_score` in the plan to score it)".into()
            }
            MethodError::ZeroTarget { ratio: false } => {
                "the target is 0, so completion is undefined".into()
            }
            MethodError::NegativeTarget(t) => format!("the target is negative ({t})"),
            MethodError::OutsideBands(x) => format!("{} falls outside every band", x.normalize()),
            MethodError::OutsideScale(x) => format!("rating {} is outside the scale", x.normalize()),
            MethodError::NotOnScale(x) => {
                format!("rating {} is not one of the ratings the plan lists", x.normalize())
            }
        }
    }
}

type MResult<T> = Result<T, MethodError>;

fn mul(a: &Exact, b: &Exact) -> MResult<Exact> {
    a.checked_mul(b)
        .ok_or(MethodError::Eval(EvalError::Overflow))
}
fn div(a: &Exact, b: &Exact) -> MResult<Exact> {
    if b.is_zero() {
        return Err(MethodError::Eval(EvalError::DivisionByZero));
    }
    a.checked_div(b)
        .ok_or(MethodError::Eval(EvalError::Overflow))
}
fn sub(a: &Exact, b: &Exact) -> MResult<Exact> {
    a.checked_sub(b)
        .ok_or(MethodError::Eval(EvalError::Overflow))
}
fn add(a: &Exact, b: &Exact) -> MResult<Exact> {
    a.checked_add(b)
        .ok_or(MethodError::Eval(EvalError::Overflow))
}
fn exact(d: Decimal) -> Exact {
    Exact::Dec(d)
}

/// Completion in percent, defined only for a positive target; exact (691/7 stays 691/7).
pub(crate) fn completion(actual: &Exact, target: Option<&Exact>) -> MResult<Option<Exact>> {
    match target {
        Some(t) if t > &Exact::ZERO => Ok(Some(div(&mul(actual, &Exact::HUNDRED)?, t)?)),
        _ => Ok(None),
    }
}

fn clamp(raw: &Exact, floor: Option<Decimal>, cap: Option<Decimal>) -> (Exact, Option<Bound>) {
    if let Some(c) = cap {
        if *raw > c {
            return (exact(c), Some(Bound::Cap));
        }
    }
    if let Some(f) = floor {
        if *raw < f {
            return (exact(f), Some(Bound::Floor));
        }
    }
    (raw.clone(), None)
}

fn outcome(raw: Exact, floor: Option<Decimal>, cap: Option<Decimal>, detail: Detail) -> Outcome {
    let (score, bound) = clamp(&raw, floor, cap);
    Outcome {
        raw,
        score,
        bound,
        detail,
    }
}

/// The completion a method on a completion basis needs: a positive target.
fn required_completion(target: Option<&Exact>, completion: Option<&Exact>) -> MResult<Exact> {
    match (target, completion) {
        (_, Some(c)) => Ok(c.clone()),
        (None, _) => Err(MethodError::NeedsTarget),
        (Some(t), None) if t.is_zero() => Err(MethodError::ZeroTarget { ratio: false }),
        (Some(t), None) => Err(MethodError::NegativeTarget(t.to_decimal())),
    }
}

impl Method {
    /// Score one value. `env` must already hold `actual`, `target` and `completion` in their slots.
    /// Every step is exact; bands, curve segments, caps and floors are decided on exact values.
    pub(crate) fn score(
        &self,
        actual: &Exact,
        target: Option<&Exact>,
        completion: Option<&Exact>,
        env: &[Option<Exact>],
    ) -> MResult<Outcome> {
        match self {
            Method::Ratio {
                floor,
                cap,
                zero_target_score,
            } => match (target, zero_target_score) {
                (Some(t), Some(points)) if t.is_zero() => {
                    Ok(outcome(exact(*points), None, None, Detail::ZeroTarget))
                }
                _ => {
                    let c = required_completion(target, completion).map_err(|e| match e {
                        MethodError::ZeroTarget { .. } => MethodError::ZeroTarget { ratio: true },
                        other => other,
                    })?;
                    Ok(outcome(c, Some(*floor), *cap, Detail::Ratio))
                }
            },
            Method::LowerIsBetter { form, floor, cap } => {
                let t = target.ok_or(MethodError::NeedsTarget)?;
                if t.is_negative() {
                    return Err(MethodError::NegativeTarget(t.to_decimal()));
                }
                let detail = Detail::LowerIsBetter { form: *form };
                let not_positive = *actual <= Exact::ZERO;
                let raw = match form {
                    // Nothing bad happened at all: the best score the plan allows.
                    LowerIsBetterForm::Inverse if not_positive => exact(*cap),
                    LowerIsBetterForm::Inverse => div(&mul(t, &Exact::HUNDRED)?, actual)?,
                    LowerIsBetterForm::Linear if t.is_zero() => {
                        exact(if not_positive { *cap } else { *floor })
                    }
                    LowerIsBetterForm::Linear => {
                        let ratio = div(&mul(actual, &Exact::HUNDRED)?, t)?;
                        sub(&exact(Decimal::from(200)), &ratio)?
                    }
                };
                Ok(outcome(raw, Some(*floor), Some(*cap), detail))
            }
            Method::Curve {
                basis,
                points,
                below,
            } => {
                let x = basis_value(*basis, actual, target, completion)?;
                let (raw, segment) = interpolate(points, *below, &x)?;
                Ok(outcome(
                    raw,
                    None,
                    None,
                    Detail::Curve {
                        basis: *basis,
                        value: x.to_decimal(),
                        segment,
                    },
                ))
            }
            Method::Bands { basis, bands } => {
                let x = basis_value(*basis, actual, target, completion)?;
                let band = bands
                    .iter()
                    .find(|b| b.holds(&x))
                    .ok_or_else(|| MethodError::OutsideBands(x.to_decimal()))?;
                Ok(outcome(
                    exact(band.score),
                    None,
                    None,
                    Detail::Bands {
                        basis: *basis,
                        value: x.to_decimal(),
                        band: *band,
                    },
                ))
            }
            Method::PassFail {
                pass_if,
                pass,
                fail,
            } => {
                let passed = pass_if.holds(env)?;
                let raw = if passed { *pass } else { *fail };
                Ok(outcome(exact(raw), None, None, Detail::PassFail { passed }))
            }
            Method::Rating { min, max, points } => {
                if *actual < *min || *actual > *max {
                    return Err(MethodError::OutsideScale(actual.to_decimal()));
                }
                if points.is_empty() {
                    let raw = div(
                        &mul(&sub(actual, &exact(*min))?, &Exact::HUNDRED)?,
                        // Exactly: a decimal difference rounds past 28 digits (10 − 10⁻²⁸ would
                        // be 10, and an actual of 10 would score 99.999…9, not 100).
                        &sub(&exact(*max), &exact(*min))?,
                    )?;
                    Ok(outcome(raw, None, None, Detail::Rating { table: false }))
                } else {
                    let raw = points
                        .iter()
                        .find(|(r, _)| *actual == *r)
                        .map(|(_, s)| *s)
                        .ok_or_else(|| MethodError::NotOnScale(actual.to_decimal()))?;
                    Ok(outcome(
                        exact(raw),
                        None,
                        None,
                        Detail::Rating { table: true },
                    ))
                }
            }
            Method::Deduction {
                start,
                per_unit,
                floor,
            } => {
                let raw = sub(&exact(*start), &mul(actual, &exact(*per_unit))?)?;
                // A negative count would add points: deductions never raise the start value.
                let cap = Some(*start);
                Ok(outcome(
                    raw,
                    Some(*floor),
                    cap,
                    Detail::Deduction {
                        start: *start,
                        per_unit: *per_unit,
                    },
                ))
            }
            Method::Formula { expr, floor, cap } => {
                let raw = expr.number(env)?;
                Ok(outcome(raw, *floor, *cap, Detail::Formula))
            }
        }
    }

    /// The method's own formula (pass/fail condition or custom formula), if it has one.
    pub(crate) fn formula(&self) -> Option<&Formula> {
        match self {
            Method::PassFail { pass_if, .. } => Some(pass_if),
            Method::Formula { expr, .. } => Some(expr),
            _ => None,
        }
    }

    /// Whether the method places its values on completion, so it needs a positive target.
    pub(crate) fn needs_target(&self) -> bool {
        match self {
            Method::Ratio { .. } | Method::LowerIsBetter { .. } => true,
            Method::Curve { basis, .. } | Method::Bands { basis, .. } => {
                *basis == Basis::Completion
            }
            _ => false,
        }
    }
}

fn basis_value(
    basis: Basis,
    actual: &Exact,
    target: Option<&Exact>,
    completion: Option<&Exact>,
) -> MResult<Exact> {
    match basis {
        Basis::Actual => Ok(actual.clone()),
        Basis::Completion => required_completion(target, completion),
    }
}

/// Piecewise-linear interpolation through `points` (ascending `at`), `below` under the first point,
/// the last point's score at or above it.
fn interpolate(
    points: &[(Decimal, Decimal)],
    below: Decimal,
    x: &Exact,
) -> MResult<(Exact, CurveSegment)> {
    let Some(&(first_at, _)) = points.first() else {
        return Ok((exact(below), CurveSegment::BelowThreshold));
    };
    if *x < first_at {
        return Ok((exact(below), CurveSegment::BelowThreshold));
    }
    for pair in points.windows(2) {
        let [(a0, s0), (a1, s1)] = [pair[0], pair[1]];
        if *x < a1 {
            // s0 + (x − a0) × (s1 − s0) ÷ (a1 − a0), exactly.
            let (a0e, s0e) = (exact(a0), exact(s0));
            let raw = add(
                &s0e,
                &div(
                    &mul(&sub(x, &a0e)?, &sub(&exact(s1), &s0e)?)?,
                    &sub(&exact(a1), &a0e)?,
                )?,
            )?;
            return Ok((
                raw,
                CurveSegment::Between {
                    from_at: a0,
                    from_score: s0,
                    to_at: a1,
                    to_score: s1,
                },
            ));
        }
    }
    let top = points.last().map_or(below, |p| p.1);
    Ok((exact(top), CurveSegment::AtOrAboveTop))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn ratio(cap: Option<&str>) -> Method {
        Method::Ratio {
            floor: Decimal::ZERO,
            cap: cap.map(d),
            zero_target_score: None,
        }
    }

    /// An outcome shown as decimals, to compare with hand-worked values.
    #[derive(Debug)]
    struct Shown {
        raw: Decimal,
        score: Decimal,
        bound: Option<Bound>,
    }

    fn run(m: &Method, actual: &str, target: Option<&str>) -> MResult<Shown> {
        let a = Exact::Dec(d(actual));
        let t = target.map(|t| Exact::Dec(d(t)));
        let c = completion(&a, t.as_ref())?;
        let o = m.score(&a, t.as_ref(), c.as_ref(), &[])?;
        Ok(Shown {
            raw: o.raw.to_decimal(),
            score: o.score.to_decimal(),
            bound: o.bound,
        })
    }

    #[test]
    fn ratio_caps_and_floors() {
        // 850,000 ÷ 1,000,000 × 100 = 85 (worked example, Li Wei).
        assert_eq!(
            run(&ratio(Some("120")), "850000", Some("1000000"))
                .unwrap()
                .score,
            d("85")
        );
        // 1,300,000 ÷ 1,000,000 = 130% → cap 120 (Zhang Min).
        let o = run(&ratio(Some("120")), "1300000", Some("1000000")).unwrap();
        assert_eq!(
            (o.raw, o.score, o.bound),
            (d("130"), d("120"), Some(Bound::Cap))
        );
        // A negative actual (returns exceed sales) is floored at 0.
        let o = run(&ratio(None), "-5", Some("100")).unwrap();
        assert_eq!((o.score, o.bound), (d("0"), Some(Bound::Floor)));
        // Exactly at the cap is not flagged.
        assert_eq!(
            run(&ratio(Some("120")), "120", Some("100")).unwrap().bound,
            None
        );
    }

    #[test]
    fn ratio_zero_target_is_an_error_unless_the_plan_says() {
        assert_eq!(
            run(&ratio(None), "5", Some("0")).unwrap_err(),
            MethodError::ZeroTarget { ratio: true }
        );
        assert_eq!(
            run(&ratio(None), "5", Some("-1")).unwrap_err(),
            MethodError::NegativeTarget(d("-1"))
        );
        let m = Method::Ratio {
            floor: Decimal::ZERO,
            cap: None,
            zero_target_score: Some(d("100")),
        };
        assert_eq!(run(&m, "5", Some("0")).unwrap().score, d("100"));
    }

    #[test]
    fn lower_is_better_forms() {
        let inv = Method::LowerIsBetter {
            form: LowerIsBetterForm::Inverse,
            floor: Decimal::ZERO,
            cap: d("120"),
        };
        // target 8% cost ratio, actual 10% → 8 ÷ 10 × 100 = 80.
        assert_eq!(run(&inv, "10", Some("8")).unwrap().score, d("80"));
        // actual 0 → the cap.
        assert_eq!(run(&inv, "0", Some("8")).unwrap().score, d("120"));
        // target 0 complaints, 2 complaints → 0 ÷ 2 = 0.
        assert_eq!(run(&inv, "2", Some("0")).unwrap().score, d("0"));
        let lin = Method::LowerIsBetter {
            form: LowerIsBetterForm::Linear,
            floor: Decimal::ZERO,
            cap: d("120"),
        };
        // 10 vs 8: 125% of target → 200 − 125 = 75.
        assert_eq!(run(&lin, "10", Some("8")).unwrap().score, d("75"));
        // 4 vs 8: 50% → 150 → capped 120.
        assert_eq!(run(&lin, "4", Some("8")).unwrap().score, d("120"));
        assert_eq!(run(&lin, "1", Some("0")).unwrap().score, d("0"));
    }

    fn gm_curve() -> Method {
        Method::Curve {
            basis: Basis::Completion,
            points: vec![
                (d("60"), d("60")),
                (d("100"), d("100")),
                (d("120"), d("120")),
            ],
            below: Decimal::ZERO,
        }
    }

    #[test]
    fn curve_interpolates_and_caps() {
        // 130,000 of 150,000 = 86.66…% → 60 + 26.66… × 40 ÷ 40 = 86.66… (worked example).
        let o = run(&gm_curve(), "130000", Some("150000")).unwrap();
        assert_eq!(o.score.round_dp(6), d("86.666667"));
        // Boundaries: exactly at threshold → 60; just below → 0; at stretch → 120; above → 120.
        assert_eq!(run(&gm_curve(), "60", Some("100")).unwrap().score, d("60"));
        assert_eq!(
            run(&gm_curve(), "59.99", Some("100")).unwrap().score,
            d("0")
        );
        assert_eq!(
            run(&gm_curve(), "120", Some("100")).unwrap().score,
            d("120")
        );
        assert_eq!(
            run(&gm_curve(), "200000", Some("150000")).unwrap().score,
            d("120")
        );
        // 110% → halfway between 100 and 120 → 110.
        assert_eq!(
            run(&gm_curve(), "110", Some("100")).unwrap().score,
            d("110")
        );
    }

    #[test]
    fn bands_are_half_open() {
        let m = Method::Bands {
            basis: Basis::Actual,
            bands: vec![
                Band {
                    from: Some(d("0")),
                    to: Some(d("0.8")),
                    score: d("0"),
                },
                Band {
                    from: Some(d("0.8")),
                    to: Some(d("0.9")),
                    score: d("60"),
                },
                Band {
                    from: Some(d("0.9")),
                    to: Some(d("0.95")),
                    score: d("80"),
                },
                Band {
                    from: Some(d("0.95")),
                    to: None,
                    score: d("100"),
                },
            ],
        };
        assert_eq!(run(&m, "0.9", None).unwrap().score, d("80"));
        assert_eq!(run(&m, "0.8999", None).unwrap().score, d("60"));
        assert_eq!(run(&m, "0.95", None).unwrap().score, d("100"));
        assert_eq!(run(&m, "1.3", None).unwrap().score, d("100"));
        assert_eq!(
            run(&m, "-0.1", None).unwrap_err(),
            MethodError::OutsideBands(d("-0.1"))
        );
    }

    #[test]
    fn rating_linear_and_table() {
        let lin = Method::Rating {
            min: d("1"),
            max: d("5"),
            points: vec![],
        };
        // 4 stars on 1–5: (4 − 1) ÷ 4 × 100 = 75.
        assert_eq!(run(&lin, "4", None).unwrap().score, d("75"));
        assert_eq!(
            run(&lin, "6", None).unwrap_err(),
            MethodError::OutsideScale(d("6"))
        );
        let table = Method::Rating {
            min: d("1"),
            max: d("3"),
            points: vec![(d("1"), d("0")), (d("2"), d("70")), (d("3"), d("100"))],
        };
        assert_eq!(run(&table, "2", None).unwrap().score, d("70"));
        assert_eq!(
            run(&table, "2.5", None).unwrap_err(),
            MethodError::NotOnScale(d("2.5"))
        );
    }

    #[test]
    fn deduction_never_exceeds_start_or_drops_below_floor() {
        let m = Method::Deduction {
            start: d("100"),
            per_unit: d("10"),
            floor: d("0"),
        };
        assert_eq!(run(&m, "3", None).unwrap().score, d("70"));
        assert_eq!(run(&m, "12", None).unwrap().score, d("0"));
        assert_eq!(run(&m, "-2", None).unwrap().score, d("100"));
    }
}
