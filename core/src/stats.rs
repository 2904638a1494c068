//! Statistics shared by feedback and analytics: the [`Stat`] result (a value, or why it is
//! undefined, never NaN) and the plain sample statistics analytics reports.
//!
//! Every function works in `f64` in a fixed summation order, so the same input gives the same
//! bits. Values are not rounded here; analytics rounds what it reports. The reliability
//! statistics of 360 feedback (ICC, Krippendorff's alpha, r_wg) stay in `feedback::stats`.

/// A statistic, or why it is undefined (never NaN, never a made-up 1.0).
///
/// Serialises as `{"status": "value", "value": 0.62}` or
/// `{"status": "undefined", "reason": "zero_variance"}`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Stat {
    /// The statistic exists; `value` is finite.
    Value {
        /// The value of the statistic, always finite.
        value: f64,
    },
    /// The statistic does not exist for this data.
    Undefined {
        /// Why it does not exist.
        reason: Undefined,
    },
}

impl Stat {
    /// The value, or `None` when the statistic is undefined.
    pub fn value(&self) -> Option<f64> {
        match *self {
            Stat::Value { value } => Some(value),
            Stat::Undefined { .. } => None,
        }
    }

    /// The reason the statistic is undefined, or `None` when it has a value.
    pub fn undefined_reason(&self) -> Option<Undefined> {
        match *self {
            Stat::Value { .. } => None,
            Stat::Undefined { reason } => Some(reason),
        }
    }

    pub(crate) fn undefined(reason: Undefined) -> Stat {
        Stat::Undefined { reason }
    }

    /// A value, or [`Undefined::Overflow`] if it is not finite (belt and braces: no NaN out).
    pub(crate) fn finite(value: f64) -> Stat {
        if value.is_finite() {
            Stat::Value { value }
        } else {
            Stat::undefined(Undefined::Overflow)
        }
    }
}

/// Why a statistic is undefined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "UndefinedReason")]
pub enum Undefined {
    /// The variance the statistic divides by is zero: all ratings are equal (or, for some ICC
    /// forms, the targets do not differ at all).
    ZeroVariance,
    /// No rater at all (no judge, coder, or rating in a group).
    NoRaters,
    /// Exactly one rater (judge, coder, or rating in a group).
    SingleRater,
    /// Fewer than two units (targets) to compare.
    TooFewUnits,
    /// No unit has values from two raters, so there is no pair to compare.
    NoPairableUnits,
    /// Fewer than two values.
    NotEnoughData,
    /// The denominator of the estimator is negative (ICC(2,k) when the judge variance estimate
    /// is negative and larger than the target variance), so the ratio is meaningless.
    NegativeDenominator,
    /// The scale has fewer than two points, so r_wg's null distribution has no variance.
    InvalidScale,
    /// An input value is NaN or infinite (for functions that return a [`Stat`] rather than a
    /// `Result`).
    NonFiniteInput,
    /// The result is too large to represent as a finite `f64`.
    Overflow,
}

#[cfg(feature = "analytics")]
/// Mean of `f64`s in order (caller guarantees non-empty).
fn fmean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

#[cfg(feature = "analytics")]
/// Sample standard deviation (divisor n − 1), two-pass in input order; undefined below two
/// values. `feedback::stats::std_dev` computes the same quantity on scaled values (so huge
/// ratings do not overflow); the two can differ in the last bits, so they are kept apart.
pub(crate) fn sample_sd(xs: &[f64]) -> Stat {
    if xs.len() < 2 {
        return Stat::Undefined {
            reason: Undefined::NotEnoughData,
        };
    }
    let m = fmean(xs);
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    Stat::finite((ss / (xs.len() as f64 - 1.0)).sqrt())
}

#[cfg(feature = "analytics")]
/// Σ (x − x̄)(y − ȳ), two-pass (centre first), fixed order; caller guarantees equal non-empty lengths.
pub(crate) fn co_moment(xs: &[f64], ys: &[f64]) -> f64 {
    let (mx, my) = (fmean(xs), fmean(ys));
    xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum()
}

#[cfg(feature = "analytics")]
/// Pearson's r of paired values; undefined below three pairs or when either side is constant.
pub(crate) fn pearson(xs: &[f64], ys: &[f64]) -> Stat {
    if xs.len() < 3 || xs.len() != ys.len() {
        return Stat::Undefined {
            reason: Undefined::NotEnoughData,
        };
    }
    let sxy = co_moment(xs, ys);
    let sxx = co_moment(xs, xs);
    let syy = co_moment(ys, ys);
    // Constant inputs give exactly zero after centring (x − x̄ = 0 for every x when all are equal).
    if sxx <= 0.0 || syy <= 0.0 {
        return Stat::Undefined {
            reason: Undefined::ZeroVariance,
        };
    }
    Stat::finite((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0))
}
