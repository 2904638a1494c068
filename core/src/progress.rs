//! Progress during a period (红黄绿灯): expected-to-date, pace, a traffic light and a projection.
//!
//! The core has no clock: the caller says how far the period has gone, as calendar days, working
//! days (the caller's own calendar decides which days count) or a custom pace profile such as a
//! seasonal curve. From that fraction `f` of the period:
//! expected = target × f; pace = actual ÷ expected × 100; projected = actual ÷ f (a straight-line
//! run rate on the chosen clock). Green at or above the plan's green threshold (default 100% of
//! pace), yellow at or above yellow (default 90%), red below. When `f` is 0 or the expected value
//! is not positive, pace is undefined and no light is given, rather than a made-up one.

use crate::error::{kinds, Loc, Problem};
use crate::exact::Exact;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How far the period has gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "basis", rename_all = "snake_case", deny_unknown_fields)]
pub enum PeriodPosition {
    /// `elapsed` of `total` calendar days (day 12 of 30 → 0.4).
    CalendarDays {
        /// Days gone, including today if it counts.
        elapsed: crate::number::Num,
        /// Days in the period.
        total: crate::number::Num,
    },
    /// `elapsed` of `total` working days, from the caller's calendar.
    WorkingDays {
        /// Working days gone.
        elapsed: crate::number::Num,
        /// Working days in the period.
        total: crate::number::Num,
    },
    /// A pace profile: how much of the period's result each sub-period normally brings (e.g.
    /// weekly weights, or a seasonal curve), and how many sub-periods are complete.
    Profile {
        /// Relative weight of each sub-period (non-negative, not all zero).
        weights: Vec<crate::number::Num>,
        /// Number of completed sub-periods (a whole number from 0 to the number of weights).
        elapsed: crate::number::Num,
    },
}

impl PeriodPosition {
    /// The fraction of the period gone, in [0, 1]; problems are reported at `path`.
    pub fn fraction(&self, path: &Loc) -> Result<Decimal, Problem> {
        self.exact_fraction(path).map(|f| f.to_decimal())
    }

    /// The exact fraction of the period gone (7 of 30 days is 7/30, not 0.2333…).
    pub(crate) fn exact_fraction(&self, path: &Loc) -> Result<Exact, Problem> {
        let bad = |kind: &'static str, en: String, zh: String| {
            Problem::new(path.clone(), kind, en).zh(zh)
        };
        let overflow = || {
            bad(
                kinds::ARITHMETIC_OVERFLOW,
                "arithmetic overflow".into(),
                "算术溢出：数值过大，无法精确计算".into(),
            )
        };
        match self {
            PeriodPosition::CalendarDays { elapsed, total }
            | PeriodPosition::WorkingDays { elapsed, total } => {
                let (e, t) = (elapsed.0, total.0);
                if t <= Decimal::ZERO {
                    return Err(bad(
                        kinds::OUT_OF_RANGE,
                        format!("the period must have a positive number of days, got {t}"),
                        format!("考核周期的天数必须为正数，实际为 {t}"),
                    ));
                }
                if e < Decimal::ZERO || e > t {
                    return Err(bad(
                        kinds::OUT_OF_RANGE,
                        format!("elapsed days {e} must be between 0 and {t}"),
                        format!("已过天数 {e} 必须在 0 到 {t} 之间"),
                    ));
                }
                Exact::Dec(e)
                    .checked_div(&Exact::Dec(t))
                    .ok_or_else(overflow)
            }
            PeriodPosition::Profile { weights, elapsed } => {
                let e = elapsed.0;
                if !e.fract().is_zero() || e < Decimal::ZERO || e > Decimal::from(weights.len()) {
                    let n = weights.len();
                    return Err(bad(
                        kinds::OUT_OF_RANGE,
                        format!("elapsed must be a whole number from 0 to {n}, got {e}"),
                        format!("`elapsed` 必须是 0 到 {n} 之间的整数，实际为 {e}"),
                    ));
                }
                let mut total = Decimal::ZERO;
                let mut done = Decimal::ZERO;
                for (i, w) in weights.iter().enumerate() {
                    if w.0 < Decimal::ZERO {
                        return Err(bad(
                            kinds::NEGATIVE,
                            format!("weights[{i}] is negative"),
                            format!("weights[{i}] 为负数"),
                        ));
                    }
                    total = total.checked_add(w.0).ok_or_else(overflow)?;
                    if Decimal::from(i) < e {
                        done = total;
                    }
                }
                if total.is_zero() {
                    return Err(bad(
                        kinds::NOTHING_TO_WEIGH,
                        "the pace profile's weights are all zero".into(),
                        "进度曲线的权重全部为零".into(),
                    ));
                }
                Exact::Dec(done)
                    .checked_div(&Exact::Dec(total))
                    .ok_or_else(overflow)
            }
        }
    }
}

/// A traffic light.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Behind: below the yellow threshold.
    Red,
    /// Slightly behind.
    Yellow,
    /// On or ahead of pace.
    Green,
}

impl Status {
    /// English word.
    pub fn en(self) -> &'static str {
        match self {
            Status::Red => "red",
            Status::Yellow => "yellow",
            Status::Green => "green",
        }
    }
    /// Chinese word.
    pub fn zh(self) -> &'static str {
        match self {
            Status::Red => "红灯",
            Status::Yellow => "黄灯",
            Status::Green => "绿灯",
        }
    }
}

/// Progress of one indicator to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Progress {
    /// Fraction of the period gone, 0–1.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub fraction: Decimal,
    /// target × fraction.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub expected: Decimal,
    /// actual ÷ expected × 100; `None` when expected is not positive.
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    #[schemars(with = "Option<crate::number::DecimalTextSchema>")]
    pub pace: Option<Decimal>,
    /// The light; `None` when pace is undefined.
    pub status: Option<Status>,
    /// actual ÷ fraction; `None` when no time has passed.
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    #[schemars(with = "Option<crate::number::DecimalTextSchema>")]
    pub projected: Option<Decimal>,
    /// The indicator's score if the projection comes true; filled in by the scorer.
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    #[schemars(with = "Option<crate::number::DecimalTextSchema>")]
    pub projected_score: Option<Decimal>,
}

/// Light for a pace in percent, with the plan's thresholds.
pub(crate) fn status_for<T: PartialOrd<Decimal>>(
    pace: &T,
    green: Decimal,
    yellow: Decimal,
) -> Status {
    if *pace >= green {
        Status::Green
    } else if *pace >= yellow {
        Status::Yellow
    } else {
        Status::Red
    }
}

/// Progress of `actual` to date against a full-period `target`, `fraction` of the way through,
/// with the exact projection (what the projected score is computed from). Pace is decided on the
/// exact value, so a light never flips on a 28th digit.
///
/// Worked example (core issue): day 12 of 30, 380,000 against 1,000,000 → expected 400,000,
/// pace 95%, yellow, projected 950,000.
pub(crate) fn assess(
    actual: &Exact,
    target: &Exact,
    fraction: &Exact,
    green: Decimal,
    yellow: Decimal,
) -> Option<(Progress, ExactProgress)> {
    let expected = target.checked_mul(fraction)?;
    let pace = if expected > Exact::ZERO {
        Some(
            actual
                .checked_mul(&Exact::HUNDRED)?
                .checked_div(&expected)?,
        )
    } else {
        None
    };
    let projected = if *fraction > Exact::ZERO {
        Some(actual.checked_div(fraction)?)
    } else {
        None
    };
    let status = pace.as_ref().map(|p| status_for(p, green, yellow));
    let progress = Progress {
        fraction: fraction.to_decimal(),
        expected: expected.to_decimal(),
        pace: pace.as_ref().map(Exact::to_decimal),
        status,
        projected: projected.as_ref().map(Exact::to_decimal),
        projected_score: None,
    };
    Some((
        progress,
        ExactProgress {
            expected,
            pace,
            projected,
        },
    ))
}

/// A [`Progress`]'s values before they are shown: what anything rounded is rounded from.
pub(crate) struct ExactProgress {
    // Read by explanations' tests and by analytics forecasts, which a build without the
    // `analytics` feature does not have.
    #[cfg_attr(not(feature = "analytics"), allow(dead_code))]
    pub(crate) expected: Exact,
    #[cfg_attr(not(feature = "analytics"), allow(dead_code))]
    pub(crate) pace: Option<Exact>,
    pub(crate) projected: Option<Exact>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::Num;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn worked_example_day_12_of_30() {
        let f = PeriodPosition::CalendarDays {
            elapsed: Num(d(12)),
            total: Num(d(30)),
        }
        .exact_fraction(&Loc::root().key("p"))
        .unwrap();
        let x = |n: i64| Exact::Dec(d(n));
        let (p, _) = assess(&x(380_000), &x(1_000_000), &f, d(100), d(90)).unwrap();
        assert_eq!(p.expected, d(400_000));
        assert_eq!(p.pace, Some(d(95)));
        assert_eq!(p.status, Some(Status::Yellow));
        assert_eq!(p.projected, Some(d(950_000)));
    }

    #[test]
    fn thresholds_are_inclusive() {
        assert_eq!(status_for(&d(100), d(100), d(90)), Status::Green);
        assert_eq!(status_for(&d(90), d(100), d(90)), Status::Yellow);
        assert_eq!(
            status_for(&Decimal::new(8999, 2), d(100), d(90)),
            Status::Red
        );
    }

    #[test]
    fn pace_on_a_threshold_is_decided_exactly() {
        // Hand-worked: day 7 of 30, 63,000 of 270,000 → expected 63,000 exactly (270,000 × 7/30),
        // pace exactly 100 %: green. At 28 digits 7/30 = 0.2333…3, expected 62,999.99…9, and the
        // pace came out a hair above 100; here it is 100 exactly, both ways round.
        let f = PeriodPosition::CalendarDays {
            elapsed: Num(d(7)),
            total: Num(d(30)),
        }
        .exact_fraction(&Loc::root().key("p"))
        .unwrap();
        let x = |n: i64| Exact::Dec(d(n));
        let (p, exact) = assess(&x(63_000), &x(270_000), &f, d(100), d(90)).unwrap();
        assert_eq!(p.expected, d(63_000));
        assert_eq!(p.pace, Some(d(100)));
        assert_eq!(p.status, Some(Status::Green));
        assert_eq!(exact.projected, Some(x(270_000)));
    }

    #[test]
    fn nothing_made_up_at_the_start() {
        let x = |n: i64| Exact::Dec(d(n));
        let (p, _) = assess(&x(0), &x(1000), &Exact::ZERO, d(100), d(90)).unwrap();
        assert_eq!((p.pace, p.status, p.projected), (None, None, None));
    }

    #[test]
    fn profile_fraction() {
        // Four weeks weighted 1, 1, 2, 4 (month-end rush): after 2 weeks, 2 of 8 = 0.25 is expected.
        let w = [1, 1, 2, 4].map(|x| Num(d(x))).to_vec();
        let f = PeriodPosition::Profile {
            weights: w,
            elapsed: Num(d(2)),
        }
        .fraction(&Loc::root().key("p"))
        .unwrap();
        assert_eq!(f, Decimal::new(25, 2));
        let bad = PeriodPosition::CalendarDays {
            elapsed: Num(d(31)),
            total: Num(d(30)),
        };
        assert!(bad.fraction(&Loc::root().key("period")).is_err());
    }
}
