//! Reliability and agreement statistics for 360-degree feedback: intraclass correlations,
//! Krippendorff's alpha, r_wg and the sample standard deviation.
//!
//! Every function works in `f64` and is deterministic: no hashing, no randomness, no
//! parallelism, and a fixed summation order, so the same input always gives the same bits.
//! None of them panics, and none returns NaN: a statistic that does not exist for the data at
//! hand (zero variance, a single rater, no unit rated twice, …) is returned as
//! [`Stat::Undefined`] with the [`Undefined`] reason, never as NaN or a made-up 1.0. Malformed
//! input (ragged rows, NaN or infinite ratings, negative values on a ratio scale) is a
//! [`StatsError`].
//!
//! # Intraclass correlation (Shrout & Fleiss 1979)
//!
//! `ratings[target][judge]`, `n` targets (ratees) by `k` judges (raters), complete data. From
//! the one-way and two-way ANOVA of the table, with `x̄ᵢ.` the target means, `x̄.ⱼ` the judge
//! means and `x̄` the grand mean:
//!
//! ```text
//! BMS = k Σᵢ (x̄ᵢ. − x̄)² / (n − 1)                       between targets
//! WMS = Σᵢⱼ (xᵢⱼ − x̄ᵢ.)² / (n (k − 1))                  within targets
//! JMS = n Σⱼ (x̄.ⱼ − x̄)² / (k − 1)                       between judges
//! EMS = Σᵢⱼ (xᵢⱼ − x̄ᵢ. − x̄.ⱼ + x̄)² / ((n − 1)(k − 1))   residual
//!
//! ICC(1,1) = (BMS − WMS) / (BMS + (k − 1) WMS)
//! ICC(2,1) = (BMS − EMS) / (BMS + (k − 1) EMS + k (JMS − EMS) / n)
//! ICC(3,1) = (BMS − EMS) / (BMS + (k − 1) EMS)
//! ICC(1,k) = (BMS − WMS) / BMS
//! ICC(2,k) = (BMS − EMS) / (BMS + (JMS − EMS) / n)
//! ICC(3,k) = (BMS − EMS) / BMS
//! ```
//!
//! Form 1 is the one-way random model (each target rated by a different set of judges), form 2
//! the two-way random model (judges are a sample, absolute agreement), form 3 the two-way mixed
//! model (these judges only, consistency). `,1` is the reliability of a single judge, `,k` of
//! the mean of the `k` judges. An ICC may be negative; it is reported as computed. It is
//! [`Undefined::ZeroVariance`] when its denominator is zero (all ratings equal, or no variance
//! between targets for the `,k` forms) and [`Undefined::NegativeDenominator`] when the
//! denominator is negative (possible for ICC(2,k) only, when the judge variance estimate is
//! negative and larger than the target variance). Denominators within about 1e-12 of the sum of
//! the mean squares, or below 1e-24 of the squared largest absolute rating, are rounding noise
//! and count as zero. Ratings are divided by the largest absolute rating before the ANOVA, so no
//! intermediate overflows.
//!
//! # Krippendorff's alpha (Krippendorff 2011)
//!
//! `data[coder][unit]`, `None` where a coder did not rate a unit. Units with fewer than two
//! values are not pairable and are dropped. From the coincidence matrix
//! `o_ck = Σᵤ (number of ordered c–k pairs of values in unit u) / (mᵤ − 1)`, with `mᵤ` the
//! number of values in unit `u`, its marginals `n_c = Σ_k o_ck` and `n = Σ_c n_c`:
//!
//! ```text
//! α = 1 − D_o / D_e = 1 − (n − 1) Σ_c Σ_k o_ck δ²_ck / Σ_c Σ_k n_c n_k δ²_ck
//!
//! nominal   δ²_ck = 0 if c = k, else 1
//! ordinal   δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k) / 2)²   (ranks on the marginals)
//! interval  δ²_ck = (c − k)²
//! ratio     δ²_ck = ((c − k) / (c + k))²
//! ```
//!
//! The ordinal metric equals the interval metric applied to the mid-ranks
//! `t_c = Σ_{g<c} n_g + n_c / 2` of the values in the pooled marginals, which is how it is
//! computed. Alpha is [`Undefined::NoRaters`] with no coder, [`Undefined::SingleRater`] with
//! one, [`Undefined::NoPairableUnits`] when no unit has two values, and [`Undefined::ZeroVariance`]
//! when all pairable values are equal (`D_e = 0`; Krippendorff's α is 0/0 there, not 1).
//! Values are categories by exact `f64` equality.
//!
//! Cost, for C coders × U units holding N values: O(C U + N log N) for every metric, with no
//! limit on the number of distinct values. Nominal, ordinal and interval sums have closed forms.
//! The ratio metric's `Σ c_a c_b δ²_ab` over a multiset (each unit's values, and the pooled
//! marginals) has none: up to [`RATIO_DIRECT_MAX`] distinct values it is the double loop (at most
//! 130,816 pairs; δ from the values divided by the largest, so two values that agree to k
//! significant digits lose about k digits of their δ), above that a quadrature of
//! `1 / (a + b)² = ∫₀^∞ t e^(−t(a + b)) dt` in O(d + L log d) for d distinct values, with
//! L ≤ 8,545 nodes (about 200 when the values lie within a factor of 1,000 of each other). The
//! quadrature agrees with the double loop to about 1e−14 relative (a property test checks
//! 1e−12 on random inputs), loses no precision on close values, and uses only + − × ÷ (its
//! own e^x), so it gives the same bits on every platform.
//!
//! # Agreement within one group: r_wg (James, Demaree & Wolf 1984)
//!
//! For the ratings of one target on one item by one group of raters, on an `A`-point scale:
//!
//! ```text
//! r_wg = 1 − s² / σ²_EU,   s² = Σ (x − x̄)² / (N − 1),   σ²_EU = (A² − 1) / 12
//! ```
//!
//! `s²` is the sample variance as in James et al.; `σ²_EU` the variance of a uniform (no
//! agreement) null distribution over the `A` categories. The result is truncated to `[0, 1]`.
//!
//! # References
//!
//! - Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
//!   reliability. *Psychological Bulletin* 86(2), 420–428.
//! - Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*. Annenberg School
//!   for Communication, University of Pennsylvania.
//! - James, L. R., Demaree, R. G. & Wolf, G. (1984). Estimating within-group interrater
//!   reliability with and without response bias. *Journal of Applied Psychology* 69(1), 85–98.

// The result type is shared with analytics, so it lives in the crate's statistics layer.
pub use crate::stats::{Stat, Undefined};

/// Malformed input to a statistic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatsError {
    /// Rows of the table have different lengths.
    #[error("row {row} has {found} entries, but row 0 has {expected}")]
    Ragged {
        /// Index of the first row whose length differs from row 0.
        row: usize,
        /// Length of row 0.
        expected: usize,
        /// Length of this row.
        found: usize,
    },
    /// A value is NaN or infinite.
    #[error("the value at row {row}, column {column} is not a finite number")]
    NonFinite {
        /// Row index (target for ICC, coder for alpha).
        row: usize,
        /// Column index (judge for ICC, unit for alpha).
        column: usize,
    },
    /// A value is negative, but the ratio metric needs values on a scale with a true zero.
    #[error("the value at row {row}, column {column} is negative, which the ratio metric does not allow")]
    NegativeRatioValue {
        /// Coder index.
        row: usize,
        /// Unit index.
        column: usize,
    },
    /// The ANOVA mean squares need at least two targets and two judges.
    #[error("mean squares need at least 2 targets and 2 judges, got {targets} targets and {judges} judges")]
    TooSmall {
        /// Number of targets (rows).
        targets: usize,
        /// Number of judges (columns).
        judges: usize,
    },
    /// The ratings are so large that a mean square exceeds the range of `f64`.
    #[error("the ratings are too large: a mean square exceeds the range of f64")]
    OutOfRange,
}

/// The six intraclass correlation forms of Shrout & Fleiss (1979); `k` is the number of judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[allow(non_camel_case_types)] // Shrout & Fleiss notation: ICC(2,k) is `Icc2_k`.
pub enum IccForm {
    /// ICC(1,1): one-way random, single judge.
    Icc1_1,
    /// ICC(2,1): two-way random, absolute agreement, single judge.
    Icc2_1,
    /// ICC(3,1): two-way mixed, consistency, single judge.
    Icc3_1,
    /// ICC(1,k): one-way random, mean of k judges.
    Icc1_k,
    /// ICC(2,k): two-way random, absolute agreement, mean of k judges.
    Icc2_k,
    /// ICC(3,k): two-way mixed, consistency, mean of k judges.
    Icc3_k,
}

/// All six ICC forms with the ANOVA mean squares they are computed from.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct IccAll {
    /// ICC(1,1).
    pub icc1_1: Stat,
    /// ICC(2,1).
    pub icc2_1: Stat,
    /// ICC(3,1).
    pub icc3_1: Stat,
    /// ICC(1,k).
    pub icc1_k: Stat,
    /// ICC(2,k).
    pub icc2_k: Stat,
    /// ICC(3,k).
    pub icc3_k: Stat,
    /// BMS: mean square between targets, df = n − 1.
    pub ms_between_targets: f64,
    /// WMS: mean square within targets, df = n (k − 1).
    pub ms_within_targets: f64,
    /// JMS: mean square between judges, df = k − 1.
    pub ms_between_judges: f64,
    /// EMS: residual mean square, df = (n − 1)(k − 1).
    pub ms_residual: f64,
}

/// Mean squares in units of the largest absolute rating (so all in [0, 4]).
struct Anova {
    n: f64,
    k: f64,
    bms: f64,
    wms: f64,
    jms: f64,
    ems: f64,
    /// Largest absolute rating; multiply a scaled mean square by `scale²` to get it in rating units.
    scale: f64,
}

impl Anova {
    fn icc(&self, form: IccForm) -> Stat {
        let (n, k) = (self.n, self.k);
        let (b, w, j, e) = (self.bms, self.wms, self.jms, self.ems);
        let (num, den) = match form {
            IccForm::Icc1_1 => (b - w, b + (k - 1.0) * w),
            IccForm::Icc2_1 => (b - e, b + (k - 1.0) * e + k * (j - e) / n),
            IccForm::Icc3_1 => (b - e, b + (k - 1.0) * e),
            IccForm::Icc1_k => (b - w, b),
            IccForm::Icc2_k => (b - e, b + (j - e) / n),
            IccForm::Icc3_k => (b - e, b),
        };
        // Rounding noise: relative to the mean squares, with an absolute floor (in units of the
        // largest rating squared) for data that is constant up to rounding.
        let tol = 1e-12 * (b + w + j + e) + 1e-24;
        if den.abs() <= tol {
            Stat::undefined(Undefined::ZeroVariance)
        } else if den < 0.0 {
            Stat::undefined(Undefined::NegativeDenominator)
        } else {
            Stat::finite(num / den)
        }
    }
}

/// Checks that `ratings` is rectangular and finite; returns (targets, judges).
fn check_matrix(ratings: &[Vec<f64>]) -> Result<(usize, usize), StatsError> {
    let k = ratings.first().map_or(0, Vec::len);
    for (row, r) in ratings.iter().enumerate() {
        if r.len() != k {
            return Err(StatsError::Ragged {
                row,
                expected: k,
                found: r.len(),
            });
        }
        if let Some(column) = r.iter().position(|x| !x.is_finite()) {
            return Err(StatsError::NonFinite { row, column });
        }
    }
    Ok((ratings.len(), k))
}

/// Two-way ANOVA of a checked, rectangular, finite table with n ≥ 2 and k ≥ 2.
fn anova(ratings: &[Vec<f64>], n: usize, k: usize) -> Anova {
    let scale = ratings
        .iter()
        .flatten()
        .fold(0.0_f64, |m, x| m.max(x.abs()));
    let div = if scale > 0.0 { scale } else { 1.0 };
    let y: Vec<Vec<f64>> = ratings
        .iter()
        .map(|r| r.iter().map(|x| x / div).collect())
        .collect();
    let (nf, kf) = (n as f64, k as f64);
    let grand = y.iter().flatten().sum::<f64>() / (nf * kf);
    let row_means: Vec<f64> = y.iter().map(|r| r.iter().sum::<f64>() / kf).collect();
    let col_means: Vec<f64> = (0..k)
        .map(|j| y.iter().map(|r| r[j]).sum::<f64>() / nf)
        .collect();
    let ss_rows = kf * row_means.iter().map(|m| (m - grand).powi(2)).sum::<f64>();
    let ss_cols = nf * col_means.iter().map(|m| (m - grand).powi(2)).sum::<f64>();
    let mut ss_within = 0.0;
    let mut ss_resid = 0.0;
    for (r, rm) in y.iter().zip(&row_means) {
        for (x, cm) in r.iter().zip(&col_means) {
            ss_within += (x - rm).powi(2);
            ss_resid += (x - rm - cm + grand).powi(2);
        }
    }
    Anova {
        n: nf,
        k: kf,
        bms: ss_rows / (nf - 1.0),
        wms: ss_within / (nf * (kf - 1.0)),
        jms: ss_cols / (kf - 1.0),
        ems: ss_resid / ((nf - 1.0) * (kf - 1.0)),
        scale: if scale > 0.0 { scale } else { 0.0 },
    }
}

/// Intraclass correlation of `ratings[target][judge]` in one Shrout & Fleiss (1979) form.
///
/// Complete data is required. Errors for ragged rows or non-finite ratings; returns
/// [`Undefined::TooFewUnits`] for fewer than two targets, [`Undefined::NoRaters`] for no judge,
/// [`Undefined::SingleRater`] for one, and [`Undefined::ZeroVariance`] /
/// [`Undefined::NegativeDenominator`] for degenerate data (see the module documentation).
// Only the tests check single forms against published tables; the library uses `icc_all`.
#[cfg(test)]
fn icc(ratings: &[Vec<f64>], form: IccForm) -> Result<Stat, StatsError> {
    let (n, k) = check_matrix(ratings)?;
    if n < 2 {
        return Ok(Stat::undefined(Undefined::TooFewUnits));
    }
    if k == 0 {
        return Ok(Stat::undefined(Undefined::NoRaters));
    }
    if k < 2 {
        return Ok(Stat::undefined(Undefined::SingleRater));
    }
    Ok(anova(ratings, n, k).icc(form))
}

/// All six ICC forms of `ratings[target][judge]` and the four ANOVA mean squares.
///
/// Same input rules as [`icc`], with two more errors: [`StatsError::TooSmall`] for fewer than
/// two targets or judges (the mean squares do not exist; use [`icc`] to get an [`Undefined`]
/// instead), and [`StatsError::OutOfRange`] when a mean square is too large for `f64` (ratings
/// beyond about 1e150). The ICCs themselves never overflow.
pub fn icc_all(ratings: &[Vec<f64>]) -> Result<IccAll, StatsError> {
    let (n, k) = check_matrix(ratings)?;
    if n < 2 || k < 2 {
        return Err(StatsError::TooSmall {
            targets: n,
            judges: k,
        });
    }
    let a = anova(ratings, n, k);
    let mut ms = [a.bms, a.wms, a.jms, a.ems];
    for m in &mut ms {
        *m = *m * a.scale * a.scale;
        if !m.is_finite() {
            return Err(StatsError::OutOfRange);
        }
    }
    let [ms_between_targets, ms_within_targets, ms_between_judges, ms_residual] = ms;
    Ok(IccAll {
        icc1_1: a.icc(IccForm::Icc1_1),
        icc2_1: a.icc(IccForm::Icc2_1),
        icc3_1: a.icc(IccForm::Icc3_1),
        icc1_k: a.icc(IccForm::Icc1_k),
        icc2_k: a.icc(IccForm::Icc2_k),
        icc3_k: a.icc(IccForm::Icc3_k),
        ms_between_targets,
        ms_within_targets,
        ms_between_judges,
        ms_residual,
    })
}

/// The level of measurement for Krippendorff's alpha, which chooses the difference function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Metric {
    /// Categories without order: any two different values differ by 1.
    Nominal,
    /// Ordered categories: differences by mid-rank in the pooled values.
    Ordinal,
    /// Equal intervals: squared difference.
    Interval,
    /// Equal intervals with a true zero (values must be ≥ 0): squared relative difference.
    Ratio,
}

/// Up to this many distinct values in one multiset, the ratio metric's pair sum is the direct
/// double loop (exact up to rounding); above it, an O(d + L log d) quadrature (see the module
/// documentation).
pub(crate) const RATIO_DIRECT_MAX: usize = 512;

/// Sum over ordered pairs (a, b) of `count_a · count_b · δ²(a, b)` for one multiset of values,
/// given as (distinct-value index, count) with indices ascending. `pos` are the positions the
/// metric acts on; `raw` the distinct values themselves (used by the ratio metric only).
fn pair_sum(counts: &[(usize, f64)], metric: Metric, pos: &[f64], raw: &[f64]) -> f64 {
    let at = |i: usize| pos.get(i).copied().unwrap_or(0.0);
    let m: f64 = counts.iter().map(|&(_, c)| c).sum();
    match metric {
        Metric::Nominal => m * m - counts.iter().map(|&(_, c)| c * c).sum::<f64>(),
        // Σ_a Σ_b n_a n_b (x_a − x_b)² = 2 m Σ_a n_a (x_a − x̄)².
        Metric::Ordinal | Metric::Interval => {
            let mean = counts.iter().map(|&(i, c)| c * at(i)).sum::<f64>() / m;
            2.0 * m
                * counts
                    .iter()
                    .map(|&(i, c)| c * (at(i) - mean).powi(2))
                    .sum::<f64>()
        }
        Metric::Ratio if counts.len() <= RATIO_DIRECT_MAX => {
            ratio_pair_sum_direct(counts, pos, raw)
        }
        Metric::Ratio => {
            let values: Vec<(f64, f64)> = counts
                .iter()
                .map(|&(i, c)| (raw.get(i).copied().unwrap_or(0.0), c))
                .collect();
            ratio_pair_sum_quadrature(&values)
        }
    }
}

/// The ratio metric's pair sum by the double loop over unordered pairs: O(d²) for d distinct
/// values, so used only up to [`RATIO_DIRECT_MAX`] of them. δ is computed from `pos`, the values
/// divided by the largest (as it always has been, so results stay bit for bit what they were);
/// values that agree to about k significant digits lose about k digits of δ's precision.
fn ratio_pair_sum_direct(counts: &[(usize, f64)], pos: &[f64], raw: &[f64]) -> f64 {
    let at = |v: &[f64], i: usize| v.get(i).copied().unwrap_or(0.0);
    let mut s = 0.0;
    let mut rest = counts;
    while let Some((&(a, ca), tail)) = rest.split_first() {
        for &(b, cb) in tail {
            let (va, vb) = (at(pos, a), at(pos, b));
            let (ra, rb) = (at(raw, a), at(raw, b));
            let d = if va.min(vb) >= f64::MIN_POSITIVE || (ra.min(rb) == 0.0 && va.max(vb) > 0.0) {
                (va - vb) / (va + vb)
            } else {
                // Divided by the largest value, a tiny positive one underflowed to a subnormal
                // or to 0 (two zeros would give 0 / 0): use the raw values instead.
                ratio_delta(ra, rb)
            };
            s += ca * cb * d * d;
        }
        rest = tail;
    }
    2.0 * s
}

/// δ = (a − b) / (a + b) for distinct a, b ≥ 0 from raw values: close values keep their
/// difference exactly (a − b is exact within a factor of 2); where a + b overflows, the same δ
/// from q = smaller ÷ larger, which cannot overflow.
fn ratio_delta(a: f64, b: f64) -> f64 {
    let sum = a + b;
    if sum.is_finite() {
        (a - b) / sum
    } else if a < b {
        let q = a / b;
        (q - 1.0) / (q + 1.0)
    } else {
        let q = b / a;
        (1.0 - q) / (1.0 + q)
    }
}

/// 2^(k/4) for k = 0..3: the mantissas of the quadrature nodes t = 2^(k/4).
const QUARTER_POWERS: [f64; 4] = [
    1.0,
    1.189_207_115_002_721,
    std::f64::consts::SQRT_2,
    1.681_792_830_507_429,
];
/// The quadrature step in u = ln t: ln 2 / 4.
const QUADRATURE_STEP: f64 = std::f64::consts::LN_2 / 4.0;
/// At a node, values with t·x below this have weight e^(−t·x) taken to first order.
const Y_LOW: f64 = 1.0 / 134_217_728.0; // 2^−27
/// At a node, values with t·x above this have weight below e^−64 ≈ 1.6e−28 and are left out.
const Y_HIGH: f64 = 64.0;

/// ⌊log₂ x⌋ for a finite x > 0 (read from the bits, so exact).
fn floor_log2(x: f64) -> i64 {
    // Subnormals: scale by 2^64 first (exact), then take 64 off.
    let (x, shift) = if x < f64::MIN_POSITIVE {
        (x * 18_446_744_073_709_551_616.0, 64)
    } else {
        (x, 0)
    };
    let biased = i64::try_from(x.to_bits().checked_shr(52).unwrap_or(0) & 0x7ff).unwrap_or(0);
    biased.saturating_sub(1023).saturating_sub(shift)
}

/// 2^e for −1022 ≤ e ≤ 1023, built from its bits (exact).
fn pow2(e: i64) -> f64 {
    let biased = e.clamp(-1022, 1023).saturating_add(1023);
    f64::from_bits(
        u64::try_from(biased)
            .unwrap_or(1023)
            .checked_shl(52)
            .unwrap_or(0),
    )
}

/// x · 2^e for any integer e, in exact power-of-two steps (rounded only if the result is
/// subnormal; saturates to 0 or ∞ far out of range, never NaN for finite x).
fn ldexp(mut x: f64, mut e: i64) -> f64 {
    while e > 1000 {
        x *= pow2(1000);
        e = e.saturating_sub(1000);
    }
    while e < -1000 {
        x *= pow2(-1000);
        e = e.saturating_add(1000);
    }
    x * pow2(e)
}

/// (−1)^k / k! for k = 0..=16, correctly rounded: the Taylor coefficients of e^(−r).
const EXP_NEG_TAYLOR: [f64; 17] = [
    1.0,
    -1.0,
    0.5,
    -0.166_666_666_666_666_66,
    0.041_666_666_666_666_664,
    -0.008_333_333_333_333_333,
    0.001_388_888_888_888_889,
    -0.000_198_412_698_412_698_4,
    2.480_158_730_158_73e-5,
    -2.755_731_922_398_589_3e-6,
    2.755_731_922_398_589e-7,
    -2.505_210_838_544_172e-8,
    2.087_675_698_786_81e-9,
    -1.605_904_383_682_161_3e-10,
    1.147_074_559_772_972_5e-11,
    -7.647_163_731_819_816e-13,
    4.779_477_332_387_385e-14,
];

/// e^(−y) for 0 ≤ y ≤ [`Y_HIGH`], from + − × only so that it is the same on every platform
/// (the platform `exp` is not): y = n ln 2 + r with |r| ≤ ln 2 / 2 (Cody–Waite split of ln 2),
/// e^(−r) by its Taylor polynomial of degree 16 (truncation below 1e−19 relative), times 2^−n.
fn exp_neg(y: f64) -> f64 {
    // fdlibm's split: LN2_HI has 32 significant bits, so n · LN2_HI is exact; LN2_LO = ln 2 − LN2_HI.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // y ≥ 0, so truncating y / ln 2 + ½ rounds to the nearest n (≤ 93 for y ≤ 64).
    let n = (y * std::f64::consts::LOG2_E + 0.5) as i64;
    let nf = n as f64;
    let r = (y - nf * LN2_HI) - nf * LN2_LO;
    let p = EXP_NEG_TAYLOR.iter().rev().fold(0.0, |p, c| p * r + c);
    p * pow2(n.saturating_neg())
}

/// The ratio metric's pair sum `Σ_a Σ_b c_a c_b ((a − b) / (a + b))²` over ordered pairs, for
/// `values` = (value, count) with values distinct, ascending and ≥ 0, in O(d + L log d) for d
/// values, where L is the number of quadrature nodes: 4 per octave from the smallest positive
/// to the largest value, plus 157 (at most 8,545 for any f64 values).
///
/// From 1 / s² = ∫₀^∞ t e^(−ts) dt (s > 0) and, with weights w_a(t) = c_a e^(−t a),
/// `Σ_a Σ_b w_a w_b (a − b)² = 2 W Σ_a w_a (a − ā)²` (W = Σ w_a, ā the w-weighted mean):
///
/// ```text
/// Σ_a Σ_b c_a c_b (a − b)² / (a + b)² = ∫_{−∞}^{∞} 2 W(t) · Σ_a w_a(t) (t a − t ā)² du,  t = e^u
/// ```
///
/// (pairs of two zeros add 0 on both sides). The integrand is a sum of positive terms, each
/// analytic in the strip |Im u| < π/2, so the trapezoidal rule in u converges geometrically:
/// with step ln 2 / 4 its error is below 1e−20 relative to each pair's term. The nodes are
/// t = 2^(k/4) from 2^−32 ÷ (largest value) to 2^6 ÷ (smallest positive value), which leaves out
/// under 1e−18 of any pair's term. At each node, values with t·a above 64 weigh under e^−64 and
/// are left out; values with t·a below 2^−27 are pooled from prefix sums (their weight to first
/// order, c (1 − t a), error below 2^−55); only the values between are visited, each at no more
/// than 133 nodes (33 octaves). Deviations are taken in the values' own units before scaling by
/// t, so tightly clustered values keep their precision. Overall the result agrees with the
/// double loop to about 1e−14 relative (checked by a property test against it).
fn ratio_pair_sum_quadrature(values: &[(f64, f64)]) -> f64 {
    ratio_quadrature(values).sum
}

/// The quadrature's result and the work it took.
struct Quadrature {
    /// The pair sum.
    sum: f64,
    /// Nodes evaluated.
    nodes: usize,
    /// Weights e^(−t x) evaluated, over all nodes (each value at most 133 times).
    visits: usize,
}

/// [`ratio_pair_sum_quadrature`], with its work counted.
fn ratio_quadrature(values: &[(f64, f64)]) -> Quadrature {
    let mut out = Quadrature {
        sum: 0.0,
        nodes: 0,
        visits: 0,
    };
    let Some(&(largest, _)) = values.last() else {
        return out;
    };
    let Some(&(smallest_positive, _)) = values.iter().find(|&&(x, _)| x > 0.0) else {
        return out;
    };
    // Prefix pools [0, j), normalised by their largest value v_j (so nothing under- or
    // overflows): count P, mean ÷ v_j, and Σ c (x − mean)² ÷ v_j², by weighted Welford steps.
    struct Pool {
        count: f64,
        top: f64,
        mean: f64,
        m2: f64,
    }
    let mut pools = Vec::with_capacity(values.len().saturating_add(1));
    let mut pool = Pool {
        count: 0.0,
        top: 0.0,
        mean: 0.0,
        m2: 0.0,
    };
    pools.push((pool.count, pool.top, pool.mean, pool.m2));
    for &(x, c) in values {
        if x > 0.0 {
            let rho = pool.top / x; // ≤ 1: values ascend
            let (mean, m2) = (pool.mean * rho, pool.m2 * rho * rho);
            let count = pool.count + c;
            let delta = 1.0 - mean;
            let new_mean = mean + delta * c / count;
            pool = Pool {
                count,
                top: x,
                mean: new_mean,
                m2: m2 + c * delta * (1.0 - new_mean),
            };
        } else {
            pool.count += c; // a zero: mean and spread stay 0
        }
        pools.push((pool.count, pool.top, pool.mean, pool.m2));
    }

    let first = floor_log2(largest)
        .saturating_add(33)
        .saturating_neg()
        .saturating_mul(4);
    let last = 6_i64
        .saturating_sub(floor_log2(smallest_positive))
        .saturating_mul(4);
    let mut weights: Vec<f64> = Vec::new();
    let mut total = 0.0;
    for k in first..=last {
        // t = m · 2^e
        let (e, m) = (
            k.div_euclid(4),
            QUARTER_POWERS
                .get(usize::try_from(k.rem_euclid(4)).unwrap_or(0))
                .copied()
                .unwrap_or(1.0),
        );
        // t as one factor when 2^e is a normal number (x · 2^e · m then rounds once, as in
        // `ldexp`), else by exact power-of-two steps.
        let factor = (-1000..=1000).contains(&e).then(|| pow2(e) * m);
        let y = |x: f64| factor.map_or_else(|| ldexp(x, e) * m, |f| x * f);
        let lo = values.partition_point(|&(x, _)| y(x) < Y_LOW);
        let hi = values.partition_point(|&(x, _)| y(x) <= Y_HIGH);
        let window = values.get(lo..hi).unwrap_or_default();

        // The window, directly: total weight, mean (in value units) and Σ w (t x − t x̄)².
        weights.clear();
        weights.extend(window.iter().map(|&(x, c)| c * exp_neg(y(x))));
        let w_window: f64 = weights.iter().sum();
        let (bottom, top) = (
            window.first().map_or(0.0, |&(x, _)| x),
            window.last().map_or(1.0, |&(x, _)| x),
        );
        let (mean_window, m2_window) = if w_window > 0.0 {
            // Offsets from the window's smallest value, in units of its largest: exact
            // differences for close values, and nothing overflows.
            let offset = |x: f64| (x - bottom) / top;
            let mean_offset = window
                .iter()
                .zip(&weights)
                .map(|(&(x, _), w)| w * offset(x))
                .sum::<f64>()
                / w_window;
            let top_y = y(top);
            let m2 = window
                .iter()
                .zip(&weights)
                .map(|(&(x, _), w)| w * ((offset(x) - mean_offset) * top_y).powi(2))
                .sum::<f64>();
            (y(bottom) + mean_offset * top_y, m2)
        } else {
            (0.0, 0.0)
        };

        // The pool below the window: weight c (1 − t x) to first order.
        let (count, pool_top, mean_n, m2_n) = pools.get(lo).copied().unwrap_or_default();
        let top_y = y(pool_top);
        let mean_pool = top_y * mean_n;
        let w_pool = count * (1.0 - mean_pool);
        let m2_pool = top_y * top_y * m2_n;

        let w = w_pool + w_window;
        if w > 0.0 {
            let gap = mean_window - mean_pool;
            let m2 = m2_window + m2_pool + gap * gap * (w_pool * w_window / w);
            total += 2.0 * w * m2;
        }
        out.nodes = out.nodes.saturating_add(1);
        out.visits = out.visits.saturating_add(window.len());
    }
    out.sum = total * QUADRATURE_STEP;
    out
}

/// Krippendorff's alpha for `data[coder][unit]` (`None` = missing), by the coincidence-matrix
/// method of Krippendorff (2011); see the module documentation for the formulas.
///
/// Errors for rows of different lengths, non-finite values, or negative values with
/// [`Metric::Ratio`]. Returns [`Undefined::NoRaters`] for no coder, [`Undefined::SingleRater`]
/// for one, [`Undefined::NoPairableUnits`] when no unit has two values, and
/// [`Undefined::ZeroVariance`] when all pairable values are equal.
pub fn krippendorff_alpha(data: &[Vec<Option<f64>>], metric: Metric) -> Result<Stat, StatsError> {
    let units = data.first().map_or(0, Vec::len);
    for (row, r) in data.iter().enumerate() {
        if r.len() != units {
            return Err(StatsError::Ragged {
                row,
                expected: units,
                found: r.len(),
            });
        }
        for (column, v) in r.iter().enumerate() {
            match *v {
                Some(x) if !x.is_finite() => return Err(StatsError::NonFinite { row, column }),
                Some(x) if metric == Metric::Ratio && x < 0.0 => {
                    return Err(StatsError::NegativeRatioValue { row, column })
                }
                _ => {}
            }
        }
    }
    if data.is_empty() {
        return Ok(Stat::undefined(Undefined::NoRaters));
    }
    if data.len() < 2 {
        return Ok(Stat::undefined(Undefined::SingleRater));
    }

    // Values of each pairable unit; `+ 0.0` turns −0.0 into 0.0 so they are one category.
    let unit_values: Vec<Vec<f64>> = (0..units)
        .map(|u| {
            data.iter()
                .filter_map(|r| r.get(u).copied().flatten())
                .map(|x| x + 0.0)
                .collect()
        })
        .filter(|v: &Vec<f64>| v.len() >= 2)
        .collect();
    if unit_values.is_empty() {
        return Ok(Stat::undefined(Undefined::NoPairableUnits));
    }
    let mut distinct: Vec<f64> = unit_values.iter().flatten().copied().collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    if distinct.len() < 2 {
        return Ok(Stat::undefined(Undefined::ZeroVariance));
    }

    // Per unit: (distinct-value index, count), ascending by index.
    let unit_counts: Vec<Vec<(usize, f64)>> = unit_values
        .iter()
        .map(|vals| {
            let mut idx: Vec<usize> = vals
                .iter()
                .map(|x| distinct.partition_point(|d| d.total_cmp(x).is_lt()))
                .collect();
            idx.sort_unstable();
            let mut counts: Vec<(usize, f64)> = Vec::new();
            for i in idx {
                match counts.last_mut() {
                    Some((j, c)) if *j == i => *c += 1.0,
                    _ => counts.push((i, 1.0)),
                }
            }
            counts
        })
        .collect();

    // Marginals of the coincidence matrix: n_c = number of pairable values equal to c.
    let mut marginals = vec![0.0_f64; distinct.len()];
    for &(i, c) in unit_counts.iter().flatten() {
        if let Some(slot) = marginals.get_mut(i) {
            *slot += c;
        }
    }
    let n: f64 = marginals.iter().sum();
    let totals: Vec<(usize, f64)> = marginals.iter().copied().enumerate().collect();

    // Positions on which the difference function acts.
    let pos: Vec<f64> = match metric {
        Metric::Nominal => Vec::new(),
        Metric::Ordinal => {
            // Mid-ranks: t_c = Σ_{g<c} n_g + n_c / 2, so δ_ck = t_k − t_c (Krippendorff 2011).
            let mut below = 0.0;
            marginals
                .iter()
                .map(|&nc| {
                    let t = below + nc / 2.0;
                    below += nc;
                    t / n
                })
                .collect()
        }
        Metric::Interval | Metric::Ratio => {
            // Both metrics are scale-free; dividing by the largest |value| prevents overflow.
            let scale = distinct.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
            distinct.iter().map(|x| x / scale).collect()
        }
    };

    let observed: f64 = unit_counts
        .iter()
        .map(|counts| {
            let m: f64 = counts.iter().map(|&(_, c)| c).sum();
            pair_sum(counts, metric, &pos, &distinct) / (m - 1.0)
        })
        .sum();
    let expected = pair_sum(&totals, metric, &pos, &distinct);
    if expected <= 0.0 {
        return Ok(Stat::undefined(Undefined::ZeroVariance));
    }
    Ok(Stat::finite(1.0 - (n - 1.0) * observed / expected))
}

/// Sample variance (n − 1) of at least two finite values, as `(variance / scale², scale)`, with
/// `scale` the largest absolute value (so nothing overflows).
fn scaled_sample_variance(values: &[f64]) -> (f64, f64) {
    let scale = values.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    if scale == 0.0 {
        return (0.0, 0.0);
    }
    let n = values.len() as f64;
    let mean = values.iter().map(|x| x / scale).sum::<f64>() / n;
    let ss: f64 = values.iter().map(|x| (x / scale - mean).powi(2)).sum();
    (ss / (n - 1.0), scale)
}

/// r_wg (James, Demaree & Wolf 1984): 1 − observed variance / expected variance of a uniform
/// null over `scale_points` categories ((A² − 1) / 12), truncated to [0, 1].
///
/// The observed variance is the sample variance (n − 1). Ratings are expected to lie on the
/// `scale_points`-point scale; that is not checked, since the scale's anchor (1..A or 0..A−1) is
/// not known here. Undefined: [`Undefined::NoRaters`] for no rating, [`Undefined::SingleRater`]
/// for one, [`Undefined::InvalidScale`] for `scale_points < 2`, [`Undefined::NonFiniteInput`] if
/// a rating is NaN or infinite. Perfect agreement (all ratings equal) gives 1.
pub fn rwg(ratings: &[f64], scale_points: u32) -> Stat {
    if ratings.iter().any(|x| !x.is_finite()) {
        return Stat::undefined(Undefined::NonFiniteInput);
    }
    if ratings.is_empty() {
        return Stat::undefined(Undefined::NoRaters);
    }
    if ratings.len() < 2 {
        return Stat::undefined(Undefined::SingleRater);
    }
    if scale_points < 2 {
        return Stat::undefined(Undefined::InvalidScale);
    }
    let a = f64::from(scale_points);
    let expected = (a * a - 1.0) / 12.0;
    let (var_scaled, scale) = scaled_sample_variance(ratings);
    // s² / σ²_EU, ordered so that huge ratings overflow to +∞ (→ 0 after truncation), not NaN.
    let ratio = var_scaled * (scale / expected) * scale;
    Stat::finite((1.0 - ratio).clamp(0.0, 1.0))
}

/// Sample standard deviation (n − 1) of `values`.
///
/// Undefined: [`Undefined::NotEnoughData`] below 2 values, [`Undefined::NonFiniteInput`] if a
/// value is NaN or infinite, [`Undefined::Overflow`] if the result exceeds `f64::MAX`.
pub fn std_dev(values: &[f64]) -> Stat {
    if values.iter().any(|x| !x.is_finite()) {
        return Stat::undefined(Undefined::NonFiniteInput);
    }
    if values.len() < 2 {
        return Stat::undefined(Undefined::NotEnoughData);
    }
    let (var_scaled, scale) = scaled_sample_variance(values);
    Stat::finite(var_scaled.sqrt() * scale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Shrout & Fleiss (1979), Psychological Bulletin 86(2), 420–428, Table 2: 6 targets
    /// (rows) rated by 4 judges (columns). Copied from
    /// `shared/reference/shrout_fleiss_1979_table2.csv`.
    fn shrout_fleiss_table2() -> Vec<Vec<f64>> {
        vec![
            vec![9.0, 2.0, 5.0, 8.0],
            vec![6.0, 1.0, 3.0, 2.0],
            vec![8.0, 4.0, 6.0, 8.0],
            vec![7.0, 1.0, 2.0, 6.0],
            vec![10.0, 5.0, 6.0, 9.0],
            vec![6.0, 2.0, 4.0, 7.0],
        ]
    }

    /// Krippendorff (2011), Computing Krippendorff's Alpha-Reliability, p. 8: 4 coders (A–D)
    /// × 12 units, `None` = missing. Copied from `shared/reference/krippendorff_2011_4x12.csv`.
    fn krippendorff_2011() -> Vec<Vec<Option<f64>>> {
        const M: f64 = f64::NAN; // marker for a blank cell, mapped to None below
        let rows: [[f64; 12]; 4] = [
            [1., 2., 3., 3., 2., 1., 4., 1., 2., M, M, M],
            [1., 2., 3., 3., 2., 2., 4., 1., 2., 5., M, 3.],
            [M, 3., 3., 3., 2., 3., 4., 2., 2., 5., 1., M],
            [1., 2., 3., 3., 2., 4., 4., 1., 2., 5., 1., M],
        ];
        rows.iter()
            .map(|r| r.iter().map(|&x| (!x.is_nan()).then_some(x)).collect())
            .collect()
    }

    fn v(s: Stat) -> f64 {
        s.value().expect("statistic should be defined")
    }

    #[test]
    fn shrout_fleiss_table2_icc_and_mean_squares() {
        let all = icc_all(&shrout_fleiss_table2()).unwrap();
        // Published to 2 places in Shrout & Fleiss (1979), Table 2 (k = 4 judges).
        let published = [
            (IccForm::Icc1_1, all.icc1_1, "0.17"),
            (IccForm::Icc2_1, all.icc2_1, "0.29"),
            (IccForm::Icc3_1, all.icc3_1, "0.71"),
            (IccForm::Icc1_k, all.icc1_k, "0.44"),
            (IccForm::Icc2_k, all.icc2_k, "0.62"),
            (IccForm::Icc3_k, all.icc3_k, "0.91"),
        ];
        for (form, stat, want) in published {
            assert_eq!(format!("{:.2}", v(stat)), want, "{form:?}");
            assert_eq!(
                icc(&shrout_fleiss_table2(), form).unwrap(),
                stat,
                "{form:?}"
            );
        }
        // ANOVA mean squares for Table 2, to 6 places (shared/reference/README.md).
        assert_eq!(format!("{:.6}", all.ms_between_targets), "11.241667");
        assert_eq!(format!("{:.6}", all.ms_within_targets), "6.263889");
        assert_eq!(format!("{:.6}", all.ms_between_judges), "32.486111");
        assert_eq!(format!("{:.6}", all.ms_residual), "1.019444");
    }

    #[test]
    fn krippendorff_2011_published_alphas() {
        // Krippendorff (2011), pp. 8–11: α to 3 places for the 4 × 12 example with missing data.
        let data = krippendorff_2011();
        for (metric, want) in [
            (Metric::Nominal, "0.743"),
            (Metric::Ordinal, "0.815"),
            (Metric::Interval, "0.849"),
            (Metric::Ratio, "0.797"),
        ] {
            let a = v(krippendorff_alpha(&data, metric).unwrap());
            assert_eq!(format!("{a:.3}"), want, "{metric:?}");
        }
    }

    #[test]
    fn icc_undefined_cases() {
        // Zero variance: every rating equal.
        let flat = vec![vec![3.0; 4]; 5];
        for form in ALL_FORMS {
            assert_eq!(
                icc(&flat, form).unwrap(),
                Stat::Undefined {
                    reason: Undefined::ZeroVariance
                }
            );
        }
        // No between-target variance: ICC(1,k) and ICC(3,k) divide by BMS = 0.
        let same_means = vec![vec![1.0, 2.0], vec![2.0, 1.0]];
        assert_eq!(
            icc(&same_means, IccForm::Icc3_k)
                .unwrap()
                .undefined_reason(),
            Some(Undefined::ZeroVariance)
        );
        // ICC(2,k): BMS = JMS = 0, EMS = 1 → denominator 0 + (0 − 1) / 2 < 0.
        assert_eq!(
            icc(&same_means, IccForm::Icc2_k)
                .unwrap()
                .undefined_reason(),
            Some(Undefined::NegativeDenominator)
        );
        // A single judge, a single target.
        let one_judge = vec![vec![1.0], vec![2.0], vec![3.0]];
        assert_eq!(
            icc(&one_judge, IccForm::Icc2_1).unwrap().undefined_reason(),
            Some(Undefined::SingleRater)
        );
        assert_eq!(
            icc(&[vec![1.0, 2.0]], IccForm::Icc1_1)
                .unwrap()
                .undefined_reason(),
            Some(Undefined::TooFewUnits)
        );
        assert_eq!(
            icc_all(&one_judge),
            Err(StatsError::TooSmall {
                targets: 3,
                judges: 1
            })
        );
        let flat_all = icc_all(&flat).unwrap();
        assert_eq!(flat_all.ms_between_targets, 0.0);
        assert_eq!(
            flat_all.icc2_k.undefined_reason(),
            Some(Undefined::ZeroVariance)
        );
    }

    #[test]
    fn icc_malformed_input() {
        let ragged = vec![vec![1.0, 2.0], vec![1.0]];
        assert_eq!(
            icc(&ragged, IccForm::Icc1_1),
            Err(StatsError::Ragged {
                row: 1,
                expected: 2,
                found: 1
            })
        );
        let nan = vec![vec![1.0, 2.0], vec![1.0, f64::NAN]];
        assert_eq!(
            icc_all(&nan),
            Err(StatsError::NonFinite { row: 1, column: 1 })
        );
        let inf = vec![vec![f64::INFINITY, 2.0], vec![1.0, 2.0]];
        assert_eq!(
            icc(&inf, IccForm::Icc3_1),
            Err(StatsError::NonFinite { row: 0, column: 0 })
        );
    }

    #[test]
    fn alpha_undefined_and_malformed() {
        let u = |d: &[Vec<Option<f64>>]| {
            krippendorff_alpha(d, Metric::Interval)
                .unwrap()
                .undefined_reason()
        };
        // One coder; none.
        assert_eq!(
            u(&[vec![Some(1.0), Some(2.0)]]),
            Some(Undefined::SingleRater)
        );
        assert_eq!(u(&[]), Some(Undefined::NoRaters));
        // No unit rated by two coders.
        let unpaired = vec![vec![Some(1.0), None], vec![None, Some(2.0)]];
        assert_eq!(u(&unpaired), Some(Undefined::NoPairableUnits));
        // All pairable values equal: D_e = 0 (the lone 5 in an unpairable unit is dropped).
        let agree = vec![
            vec![Some(3.0), Some(3.0), Some(5.0)],
            vec![Some(3.0), Some(3.0), None],
        ];
        assert_eq!(u(&agree), Some(Undefined::ZeroVariance));
        // Malformed.
        assert_eq!(
            krippendorff_alpha(&[vec![Some(1.0)], vec![]], Metric::Nominal),
            Err(StatsError::Ragged {
                row: 1,
                expected: 1,
                found: 0
            })
        );
        assert_eq!(
            krippendorff_alpha(&[vec![Some(f64::NAN)], vec![Some(1.0)]], Metric::Ordinal),
            Err(StatsError::NonFinite { row: 0, column: 0 })
        );
        assert_eq!(
            krippendorff_alpha(&[vec![Some(1.0)], vec![Some(-1.0)]], Metric::Ratio),
            Err(StatsError::NegativeRatioValue { row: 1, column: 0 })
        );
        // Perfect agreement with variation is 1, and −0.0 is the same category as 0.0.
        let perfect = vec![vec![Some(0.0), Some(1.0)], vec![Some(-0.0), Some(1.0)]];
        assert_eq!(
            krippendorff_alpha(&perfect, Metric::Nominal).unwrap(),
            Stat::Value { value: 1.0 }
        );
    }

    /// The ratio metric's pair sum by its definition: every ordered pair of different values,
    /// O(d²). Test-only reference for the two production forms. (a − b) / (a + b) keeps close
    /// values exact (a − b is exact within a factor of 2); where a + b overflows, the same δ as
    /// (1 − q) / (1 + q) with q = smaller ÷ larger.
    fn ratio_pair_sum_reference(values: &[(f64, f64)]) -> f64 {
        let mut s = 0.0;
        for &(a, ca) in values {
            for &(b, cb) in values {
                if a != b {
                    let d = if (a + b).is_finite() {
                        (a - b) / (a + b)
                    } else {
                        let q = a.min(b) / a.max(b);
                        (1.0 - q) / (1.0 + q)
                    };
                    s += ca * cb * d * d;
                }
            }
        }
        s
    }

    /// Values → (distinct value, count), ascending.
    fn multiset(values: &[f64]) -> Vec<(f64, f64)> {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let mut out: Vec<(f64, f64)> = Vec::new();
        for x in v {
            match out.last_mut() {
                Some((y, c)) if *y == x => *c += 1.0,
                _ => out.push((x, 1.0)),
            }
        }
        out
    }

    /// Krippendorff's alpha (ratio) from the coincidence-matrix definition with `pair_sum` as the
    /// ratio metric's pair sum over a multiset.
    fn alpha_ratio_with(data: &[Vec<Option<f64>>], pair_sum: fn(&[(f64, f64)]) -> f64) -> f64 {
        let units = data[0].len();
        let pairable: Vec<Vec<f64>> = (0..units)
            .map(|u| data.iter().filter_map(|r| r[u]).collect())
            .filter(|v: &Vec<f64>| v.len() >= 2)
            .collect();
        let observed: f64 = pairable
            .iter()
            .map(|v| pair_sum(&multiset(v)) / (v.len() as f64 - 1.0))
            .sum();
        let all = pairable.concat();
        let n = all.len() as f64;
        1.0 - (n - 1.0) * observed / pair_sum(&multiset(&all))
    }

    /// `coders` × `units` of distinct-ish values `1 + ((u·7919 + c·104729) mod 100003) ÷ 100`,
    /// every tenth cell missing (a fixed pattern, no randomness).
    fn many_values(coders: usize, units: usize) -> Vec<Vec<Option<f64>>> {
        (0..coders)
            .map(|c| {
                (0..units)
                    .map(|u| {
                        let k = (u * 7919 + c * 104_729) % 100_003;
                        ((u + c) % 10 != 3).then_some(1.0 + k as f64 / 100.0)
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn ratio_quadrature_gives_krippendorff_2011_published_alpha() {
        // The fast form on the published data (it would take the double loop: 5 distinct values).
        let data = krippendorff_2011();
        let fast = alpha_ratio_with(&data, ratio_pair_sum_quadrature);
        assert_eq!(format!("{fast:.3}"), "0.797");
        let exact = v(krippendorff_alpha(&data, Metric::Ratio).unwrap());
        assert!((fast - exact).abs() < 1e-14, "{fast} vs {exact}");
        assert!((exact - alpha_ratio_with(&data, ratio_pair_sum_reference)).abs() < 1e-14);
    }

    #[test]
    fn ratio_alpha_with_many_distinct_values_matches_the_reference() {
        // 3 coders × 700 units: about 1,900 distinct values in the pooled marginals, so the
        // expected disagreement takes the quadrature; units have at most 3 values.
        let data = many_values(3, 700);
        let distinct = multiset(&data.iter().flatten().flatten().copied().collect::<Vec<_>>());
        assert!(distinct.len() > RATIO_DIRECT_MAX, "{}", distinct.len());
        let fast = v(krippendorff_alpha(&data, Metric::Ratio).unwrap());
        let reference = alpha_ratio_with(&data, ratio_pair_sum_reference);
        assert!((fast - reference).abs() < 1e-12, "{fast} vs {reference}");
        // One unit rated by 600 coders: its observed disagreement takes the quadrature too.
        let mut wide = many_values(600, 2);
        wide[0][1] = Some(3.0);
        let fast = v(krippendorff_alpha(&wide, Metric::Ratio).unwrap());
        let reference = alpha_ratio_with(&wide, ratio_pair_sum_reference);
        assert!((fast - reference).abs() < 1e-12, "{fast} vs {reference}");
    }

    #[test]
    fn ratio_quadrature_work_is_linear_in_distinct_values() {
        // 32,000 distinct values 1.00 … 320.99: the double loop would be 512 million pairs; the
        // quadrature visits each value at most 133 times, over 4 nodes per octave + 157.
        let values: Vec<(f64, f64)> = (0..32_000)
            .map(|i| (1.0 + f64::from(i) / 100.0, 2.0))
            .collect();
        let q = ratio_quadrature(&values);
        // Octaves: ⌊log₂ 320.99⌋ = 8 down to ⌊log₂ 1⌋ = 0 → 4 × (8 − 0 + 39) + 1 = 189 nodes.
        assert_eq!(q.nodes, 189);
        assert!(q.visits <= 133 * values.len(), "{}", q.visits);
        assert!(q.sum.is_finite() && q.sum > 0.0);
        // Any f64 values: at most 4 × (1023 + 1074 + 39) + 1 = 8,545 nodes.
        let extreme = [
            (0.0, 1.0),
            (f64::from_bits(1), 1.0),
            (1.0, 1.0),
            (f64::MAX, 1.0),
        ];
        let q = ratio_quadrature(&extreme);
        assert_eq!(q.nodes, 8_545);
        // Pairs: 0–tiny, 0–1, 0–max, tiny–1, tiny–max, 1–max all have δ² = 1 (to f64
        // precision), twice each (ordered pairs): 12.
        assert!((q.sum - 12.0).abs() < 1e-12, "{}", q.sum);
    }

    #[test]
    fn deterministic_exp_and_powers_of_two() {
        for i in 0..=6400 {
            let y = f64::from(i) / 100.0;
            let (ours, libm) = (exp_neg(y), (-y).exp());
            assert!(
                (ours - libm).abs() <= 4.0 * f64::EPSILON * libm,
                "{y}: {ours} vs {libm}"
            );
        }
        assert_eq!(exp_neg(0.0), 1.0);
        assert_eq!(floor_log2(1.0), 0);
        assert_eq!(floor_log2(0.75), -1);
        assert_eq!(floor_log2(320.99), 8);
        assert_eq!(floor_log2(f64::MAX), 1023);
        assert_eq!(floor_log2(f64::MIN_POSITIVE), -1022);
        assert_eq!(floor_log2(f64::from_bits(1)), -1074);
        assert_eq!(pow2(-1022), f64::MIN_POSITIVE);
        assert_eq!(ldexp(3.0, -1075), f64::from_bits(2)); // 1.5 × 2^−1074, ties to even
        assert_eq!(ldexp(f64::from_bits(1), 2097), 2.0_f64.powi(1023));
        assert_eq!(ldexp(1.0, 5000), f64::INFINITY);
        assert_eq!(ldexp(f64::MAX, -5000), 0.0);
    }

    #[test]
    fn ratio_forms_keep_extreme_and_close_values() {
        // 1e−310 and 2e−310 (subnormal) beside 1e10 and f64::MAX: δ = (2 − 1) / (2 + 1) = 1/3
        // between the two small ones, and 1 (to f64 precision) for every other pair, including
        // 1e10 against f64::MAX (1e10 + MAX rounds to MAX, δ = (1 − q) / (1 + q) with q ≈ 6e−299).
        let raw = [1e-310, 2e-310, 1e10, f64::MAX];
        let pos: Vec<f64> = raw.iter().map(|x| x / f64::MAX).collect();
        let counts = [(0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0)];
        let want = 2.0 * (1.0 / 9.0 + 5.0);
        let values: Vec<(f64, f64)> = raw.iter().map(|&x| (x, 1.0)).collect();
        for s in [
            ratio_pair_sum_direct(&counts, &pos, &raw),
            ratio_pair_sum_reference(&values),
            ratio_pair_sum_quadrature(&values),
        ] {
            assert!((s - want).abs() < 1e-12, "{s} vs {want}");
        }
        // 1 and 1 + ε (adjacent doubles): δ = ε / (2 + ε), so the sum over both orders is
        // 2 ε² / (2 + ε)² = ε² / 2 to 16 digits. The quadrature keeps it (offsets are taken in
        // the values' own units).
        let close = [(1.0, 1.0), (1.0 + f64::EPSILON, 1.0)];
        let want = f64::EPSILON * f64::EPSILON / 2.0;
        let s = ratio_pair_sum_quadrature(&close);
        assert!((s - want).abs() <= 1e-15 * want, "{s} vs {want}");
    }

    #[test]
    fn rwg_hand_examples() {
        // Ratings 4, 4, 5, 5 on a 5-point scale: mean 4.5, sample variance (4 × 0.25) / 3 = 1/3;
        // uniform null variance (5² − 1) / 12 = 2; r_wg = 1 − (1/3) / 2 = 5/6 = 0.8333.
        let r = v(rwg(&[4.0, 4.0, 5.0, 5.0], 5));
        assert!((r - 5.0 / 6.0).abs() < 1e-12, "{r}");
        assert_eq!(format!("{r:.4}"), "0.8333");
        // Ratings 1, 5, 1, 5: sample variance 16/3 > 2, so 1 − 8/3 < 0 is truncated to 0.
        assert_eq!(rwg(&[1.0, 5.0, 1.0, 5.0], 5), Stat::Value { value: 0.0 });
        // Perfect agreement.
        assert_eq!(rwg(&[3.0, 3.0, 3.0], 7), Stat::Value { value: 1.0 });
        // Undefined.
        assert_eq!(
            rwg(&[4.0], 5).undefined_reason(),
            Some(Undefined::SingleRater)
        );
        assert_eq!(rwg(&[], 5).undefined_reason(), Some(Undefined::NoRaters));
        assert_eq!(
            rwg(&[1.0, 1.0], 1).undefined_reason(),
            Some(Undefined::InvalidScale)
        );
        assert_eq!(
            rwg(&[1.0, f64::NAN], 5).undefined_reason(),
            Some(Undefined::NonFiniteInput)
        );
        // Huge spread overflows the variance to +∞ and truncates to 0, never NaN.
        assert_eq!(rwg(&[f64::MAX, -f64::MAX], 5), Stat::Value { value: 0.0 });
    }

    #[test]
    fn std_dev_examples() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x − 5)² = 32, sample variance 32 / 7.
        let s = v(std_dev(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]));
        assert!((s - (32.0_f64 / 7.0).sqrt()).abs() < 1e-12);
        assert_eq!(std_dev(&[1.0, 1.0]), Stat::Value { value: 0.0 });
        assert_eq!(
            std_dev(&[1.0]).undefined_reason(),
            Some(Undefined::NotEnoughData)
        );
        assert_eq!(
            std_dev(&[1.0, f64::INFINITY]).undefined_reason(),
            Some(Undefined::NonFiniteInput)
        );
        assert_eq!(
            std_dev(&[f64::MAX, -f64::MAX]).undefined_reason(),
            Some(Undefined::Overflow)
        );
    }

    #[test]
    fn stat_serialises_with_status_tag() {
        let value = serde_json::to_string(&Stat::Value { value: 0.5 }).unwrap();
        assert_eq!(value, r#"{"status":"value","value":0.5}"#);
        let undefined = serde_json::to_string(&Stat::Undefined {
            reason: Undefined::NoPairableUnits,
        })
        .unwrap();
        assert_eq!(
            undefined,
            r#"{"status":"undefined","reason":"no_pairable_units"}"#
        );
    }

    const ALL_FORMS: [IccForm; 6] = [
        IccForm::Icc1_1,
        IccForm::Icc2_1,
        IccForm::Icc3_1,
        IccForm::Icc1_k,
        IccForm::Icc2_k,
        IccForm::Icc3_k,
    ];
    const ALL_METRICS: [Metric; 4] = [
        Metric::Nominal,
        Metric::Ordinal,
        Metric::Interval,
        Metric::Ratio,
    ];

    fn same_stat(a: Stat, b: Stat, tol: f64) -> bool {
        match (a, b) {
            (Stat::Value { value: x }, Stat::Value { value: y }) => {
                (x - y).abs() <= tol * (1.0 + x.abs().max(y.abs()))
            }
            _ => a == b,
        }
    }

    fn no_nan(s: Stat) -> bool {
        s.value().is_none_or(f64::is_finite)
    }

    /// Likert-style tables: 2–7 targets × 2–5 judges, ratings 1–7.
    fn likert_table() -> impl Strategy<Value = Vec<Vec<f64>>> {
        (2usize..8, 2usize..6).prop_flat_map(|(n, k)| {
            prop::collection::vec(prop::collection::vec((1..=7i32).prop_map(f64::from), k), n)
        })
    }

    /// Any finite f64, including huge, tiny, subnormal and zero, mixed with small integers so
    /// that ties and constant tables occur.
    fn any_finite() -> impl Strategy<Value = f64> {
        prop_oneof![
            prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
            (0..3i32).prop_map(f64::from),
        ]
    }

    /// Coders × units with about 30% missing, values 1–5.
    fn coding_table() -> impl Strategy<Value = Vec<Vec<Option<f64>>>> {
        (2usize..5, 1usize..10).prop_flat_map(|(coders, units)| {
            prop::collection::vec(
                prop::collection::vec(
                    prop::option::weighted(0.7, (1..=5i32).prop_map(f64::from)),
                    units,
                ),
                coders,
            )
        })
    }

    /// Distinct non-negative values with counts 1–4, ascending, all of one kind or mixed: small
    /// integers (with 0), prices in cents, a cluster near 10⁶, a cluster within 1,000 ulps of 1,
    /// magnitudes 2^−40 … 2^40, and magnitudes 2^−1000 … 2^1000.
    fn ratio_multiset() -> impl Strategy<Value = Vec<(f64, f64)>> {
        let kinds = [
            (0..=10i32).prop_map(f64::from).boxed(),
            (1..=100_000i32).prop_map(|c| f64::from(c) / 100.0).boxed(),
            (0..=1000i32)
                .prop_map(|k| 1e6 + f64::from(k) / 1024.0)
                .boxed(),
            (0..=1000i32)
                .prop_map(|k| 1.0 + f64::from(k) * f64::EPSILON)
                .boxed(),
            (-40..=40i32, 1.0f64..2.0)
                .prop_map(|(e, m)| m * 2.0_f64.powi(e))
                .boxed(),
            (-1000..=1000i32, 1.0f64..2.0)
                .prop_map(|(e, m)| m * 2.0_f64.powi(e))
                .boxed(),
        ];
        let mixed = prop::strategy::Union::new(kinds.clone()).boxed();
        let choices: Vec<BoxedStrategy<f64>> = kinds.into_iter().chain([mixed]).collect();
        (0..choices.len()).prop_flat_map(move |k| {
            let count = (1..=4i32).prop_map(f64::from);
            prop::collection::vec((choices[k].clone(), count), 1..40).prop_map(|mut v| {
                v.sort_by(|a, b| a.0.total_cmp(&b.0));
                v.dedup_by(|a, b| a.0 == b.0);
                v
            })
        })
    }

    proptest! {
        #[test]
        fn ratio_fast_forms_match_the_quadratic_reference(values in ratio_multiset()) {
            let reference = ratio_pair_sum_reference(&values);
            let fast = ratio_pair_sum_quadrature(&values);
            prop_assert!(
                (fast - reference).abs() <= 1e-12 * reference,
                "quadrature {fast} vs reference {reference}"
            );
            // The direct form divides by the largest value first, which costs close values
            // precision: compare it where neighbours differ by at least 0.1%.
            let raw: Vec<f64> = values.iter().map(|&(x, _)| x).collect();
            if raw.windows(2).all(|w| w[1] - w[0] >= 1e-3 * w[1]) {
                let top = raw.last().copied().unwrap_or(1.0);
                let pos: Vec<f64> = raw.iter().map(|x| x / top).collect();
                let counts: Vec<(usize, f64)> =
                    values.iter().enumerate().map(|(i, &(_, c))| (i, c)).collect();
                let direct = ratio_pair_sum_direct(&counts, &pos, &raw);
                prop_assert!((direct - reference).abs() <= 1e-12 * reference);
            }
        }
    }

    proptest! {
        #[test]
        fn icc_is_shift_invariant(t in likert_table(), c in -1000.0f64..1000.0) {
            let shifted: Vec<Vec<f64>> =
                t.iter().map(|r| r.iter().map(|x| x + c).collect()).collect();
            for form in ALL_FORMS {
                let (a, b) = (icc(&t, form).unwrap(), icc(&shifted, form).unwrap());
                prop_assert!(same_stat(a, b, 1e-7), "{form:?}: {a:?} vs {b:?}");
            }
        }

        #[test]
        fn icc_never_nan(
            t in (2usize..6, 1usize..5).prop_flat_map(|(n, k)| {
                prop::collection::vec(prop::collection::vec(any_finite(), k), n)
            })
        ) {
            for form in ALL_FORMS {
                prop_assert!(no_nan(icc(&t, form).unwrap()));
            }
            // Mean squares are finite or OutOfRange; never NaN or infinite.
            if let Ok(all) = icc_all(&t) {
                for ms in [all.ms_between_targets, all.ms_within_targets,
                           all.ms_between_judges, all.ms_residual] {
                    prop_assert!(ms.is_finite() && ms >= 0.0);
                }
            }
        }

        #[test]
        fn alpha_is_shift_invariant(d in coding_table(), c in -1000.0f64..1000.0) {
            let shifted: Vec<Vec<Option<f64>>> =
                d.iter().map(|r| r.iter().map(|x| x.map(|x| x + c)).collect()).collect();
            // Ratio has a true zero, so it is not shift invariant by design.
            for metric in [Metric::Nominal, Metric::Ordinal, Metric::Interval] {
                let a = krippendorff_alpha(&d, metric).unwrap();
                let b = krippendorff_alpha(&shifted, metric).unwrap();
                prop_assert!(same_stat(a, b, 1e-9), "{metric:?}: {a:?} vs {b:?}");
            }
        }

        #[test]
        fn alpha_is_invariant_to_unit_order(
            (d, perm) in coding_table().prop_flat_map(|d| {
                let units = d[0].len();
                (Just(d), Just((0..units).collect::<Vec<_>>()).prop_shuffle())
            })
        ) {
            let permuted: Vec<Vec<Option<f64>>> =
                d.iter().map(|r| perm.iter().map(|&u| r[u]).collect()).collect();
            for metric in ALL_METRICS {
                let a = krippendorff_alpha(&d, metric).unwrap();
                let b = krippendorff_alpha(&permuted, metric).unwrap();
                prop_assert!(same_stat(a, b, 1e-12), "{metric:?}: {a:?} vs {b:?}");
            }
        }

        #[test]
        fn alpha_never_nan(
            d in (2usize..5, 1usize..8).prop_flat_map(|(coders, units)| {
                prop::collection::vec(
                    prop::collection::vec(prop::option::weighted(0.7, any_finite()), units),
                    coders,
                )
            })
        ) {
            for metric in [Metric::Nominal, Metric::Ordinal, Metric::Interval] {
                prop_assert!(no_nan(krippendorff_alpha(&d, metric).unwrap()));
            }
            let abs: Vec<Vec<Option<f64>>> =
                d.iter().map(|r| r.iter().map(|x| x.map(f64::abs)).collect()).collect();
            prop_assert!(no_nan(krippendorff_alpha(&abs, Metric::Ratio).unwrap()));
        }

        #[test]
        fn rwg_and_std_dev_never_nan(xs in prop::collection::vec(any_finite(), 0..8), a in 0u32..12) {
            let r = rwg(&xs, a);
            prop_assert!(no_nan(r));
            if let Some(r) = r.value() {
                prop_assert!((0.0..=1.0).contains(&r));
            }
            prop_assert!(no_nan(std_dev(&xs)));
        }
    }
}
