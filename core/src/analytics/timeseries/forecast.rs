//! Forecasts: period-end pacing projections (exact, via [`crate::progress`]) and Holt-Winters
//! (FPP3 §8.3, `f64` internally, deterministic).

use super::seasonal::Model;
use super::series::{
    at, input_error, overflow, show, to_json, PeriodValue, Series, SeriesSpec, Sign,
};
use crate::error::{kinds, Error, Problem};
use crate::exact::Exact;
use crate::json::parse_json;
use crate::number::{parse_decimal, Num};
use crate::progress::{assess, PeriodPosition, Status};
use crate::rounding::RoundingMode;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Decimal places of the elapsed fraction shown in a pacing result (half-up; display only).
pub(crate) const FRACTION_SCALE: u32 = 6;
/// Decimal places of pace and projected completion percentages (half-up).
pub(crate) const PERCENT_SCALE: u32 = 2;
/// Decimal places of Holt-Winters states, parameters and SSE in results (half-up).
pub(crate) const STATE_SCALE: u32 = 6;
/// Longest Holt-Winters horizon, in months.
pub(crate) const MAX_HORIZON: u32 = 60;

/// A period-end projection from results to date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PacingProjection {
    /// `calendar_days`, `working_days` or `profile`: the clock the fraction is measured on.
    pub basis: &'static str,
    /// Fraction of the period gone, to 6 places.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub fraction: Decimal,
    /// Result to date.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub actual: Decimal,
    /// Full-period target, if given.
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    pub target: Option<Decimal>,
    /// target × fraction, to `scale` places.
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    pub expected: Option<Decimal>,
    /// actual ÷ expected × 100, to 2 places; `None` when expected is not positive.
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    pub pace: Option<Decimal>,
    /// Traffic light from the pace.
    pub status: Option<Status>,
    /// actual ÷ fraction, to `scale` places; `None` when no time has passed.
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    pub projected: Option<Decimal>,
    /// projected ÷ target × 100, to 2 places.
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    pub projected_completion: Option<Decimal>,
    /// target − actual, what is still needed.
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    pub remaining: Option<Decimal>,
    /// How it was computed.
    pub explanation: String,
}

impl PacingProjection {
    /// The canonical JSON form.
    pub fn to_canonical_json(&self) -> String {
        to_json(self)
    }
}

/// Projects `actual` to the period end: projected = actual ÷ f, where f is the fraction of the
/// period gone on the chosen clock ([`PeriodPosition::fraction`]: calendar days, working days or a
/// pace profile); pace and light as in a scorecard's progress ([`crate::Progress`]). Amounts are rounded half-up to
/// `scale` places, percentages to 2.
pub fn pacing_projection(
    actual: Decimal,
    target: Option<Decimal>,
    position: &PeriodPosition,
    scale: u32,
    green: Decimal,
    yellow: Decimal,
) -> crate::Result<PacingProjection> {
    if scale > 10 {
        return Err(input_error(
            at("scale"),
            kinds::OUT_OF_RANGE,
            format!("scale must be at most 10, got {scale}"),
            format!("scale 最大为 10，实际为 {scale}"),
        ));
    }
    let f = position
        .exact_fraction(&at("position"))
        .map_err(|p| Error::Input(vec![p]))?;
    let basis = match position {
        PeriodPosition::CalendarDays { .. } => "calendar_days",
        PeriodPosition::WorkingDays { .. } => "working_days",
        PeriodPosition::Profile { .. } => "profile",
    };
    let (p, exact) = assess(
        &Exact::Dec(actual),
        &Exact::Dec(target.unwrap_or(Decimal::ZERO)),
        &f,
        green,
        yellow,
    )
    .ok_or_else(|| overflow(at("actual")))?;
    // Rounded once from the exact projection (7 of 30 days gone is 7/30, not 0.2333…).
    let r = |x: &Exact, places: u32| x.round(RoundingMode::HalfUp, places);
    let projected = exact
        .projected
        .as_ref()
        .map(|x| x.round(RoundingMode::HalfUp, scale));
    let completion = match (&exact.projected, target) {
        (Some(x), Some(t)) if t > Decimal::ZERO => Some(
            x.checked_mul(&Exact::HUNDRED)
                .and_then(|v| v.checked_div(&Exact::Dec(t)))
                .ok_or_else(|| overflow(at("actual")))?
                .round(RoundingMode::HalfUp, PERCENT_SCALE),
        ),
        _ => None,
    };
    let remaining = match target {
        Some(t) => Some(
            t.checked_sub(actual)
                .ok_or_else(|| overflow(at("actual")))?,
        ),
        None => None,
    };
    let fraction = f.to_decimal().round_dp(FRACTION_SCALE);
    let clock = match position {
        PeriodPosition::CalendarDays { elapsed, total } => {
            format!("{} of {} calendar days", show(elapsed.0), show(total.0))
        }
        PeriodPosition::WorkingDays { elapsed, total } => {
            format!("{} of {} working days", show(elapsed.0), show(total.0))
        }
        PeriodPosition::Profile { weights, elapsed } => {
            format!(
                "{} of {} sub-periods of the pace profile",
                show(elapsed.0),
                weights.len()
            )
        }
    };
    let mut explanation = format!("{clock} gone: fraction {}. ", show(fraction));
    match projected {
        Some(x) => explanation.push_str(&format!(
            "Projected = {} ÷ {} = {}",
            show(actual),
            show(fraction),
            show(x)
        )),
        None => explanation.push_str("No time has passed: no projection"),
    }
    if let (Some(t), Some(c)) = (target, completion) {
        explanation.push_str(&format!(" = {}% of the target {}", show(c), show(t)));
    }
    explanation.push('.');
    if let (Some(pace), Some(s)) = (&exact.pace, p.status) {
        explanation.push_str(&format!(
            " Pace {}% of expected → {}.",
            show(r(pace, PERCENT_SCALE)),
            s.en()
        ));
    }
    Ok(PacingProjection {
        basis,
        fraction,
        actual,
        target,
        expected: target.map(|_| r(&exact.expected, scale)),
        pace: exact.pace.as_ref().map(|x| r(x, PERCENT_SCALE)),
        status: p.status,
        projected,
        projected_completion: completion,
        remaining,
        explanation,
    })
}

/// JSON request of `pacing_projection`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PacingRequest {
    /// Result to date.
    pub actual: Num,
    /// Full-period target (optional).
    #[serde(default)]
    pub target: Option<Num>,
    /// How far the period has gone: `{"basis": "calendar_days" | "working_days", "elapsed", "total"}`
    /// or `{"basis": "profile", "weights": [...], "elapsed"}`.
    pub position: PeriodPosition,
    /// Decimal places of amounts (default 2).
    #[serde(default)]
    pub scale: Option<u32>,
    /// Green from this pace, percent (default 100).
    #[serde(default)]
    pub green: Option<Num>,
    /// Yellow from this pace, percent (default 90).
    #[serde(default)]
    pub yellow: Option<Num>,
}

pub(crate) fn pacing_json(request: &str) -> crate::Result<String> {
    let req: PacingRequest = parse_json(request, Error::Input)?;
    let green = req.green.map_or(Decimal::ONE_HUNDRED, |g| g.0);
    let yellow = req.yellow.map_or(Decimal::from(90), |y| y.0);
    if yellow > green {
        return Err(input_error(
            at("yellow"),
            kinds::NOT_ASCENDING,
            format!("yellow {} is above green {}", show(yellow), show(green)),
            format!("黄灯阈值 {} 高于绿灯阈值 {}", show(yellow), show(green)),
        ));
    }
    pacing_projection(
        req.actual.0,
        req.target.map(|t| t.0),
        &req.position,
        req.scale.unwrap_or(2),
        green,
        yellow,
    )
    .map(|p| p.to_canonical_json())
}

/// Holt-Winters smoothing parameters (α, β*, γ), each in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Smoothing {
    /// Level α; `None` = fit.
    pub alpha: Option<Decimal>,
    /// Trend β*; `None` = fit.
    pub beta: Option<Decimal>,
    /// Seasonal γ; `None` = fit.
    pub gamma: Option<Decimal>,
}

/// How Holt-Winters' initial states are set.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum Initial {
    /// ℓ₀ = mean of the first 12 months; b₀ = (mean of months 13–24 − ℓ₀) ÷ 12; s = each of
    /// the first 12 months − ℓ₀ (÷ ℓ₀ when multiplicative). FPP3's simple initialisation; the
    /// default.
    #[default]
    FirstSeasons,
    /// The heuristic of Hyndman, Koehler, Ord & Snyder (2008) §2.6.1, as statsmodels implements
    /// it: a centred 2×12 moving average over the first min(5, n ÷ 12) years, the seasonal
    /// states the mean detrended value of each month (normalised to sum 0, or average 1), and
    /// ℓ₀, b₀ the intercept and slope of a least-squares line through the first 10 moving
    /// averages (x = 1…10).
    Heuristic,
    /// Given states: ℓ₀, b₀ and the seasonal states of the 12 months before the series, in
    /// time order.
    Given {
        /// ℓ₀.
        level: Decimal,
        /// b₀.
        trend: Decimal,
        /// Twelve seasonal states, the month 12 before the series' start first.
        seasonal: Vec<Decimal>,
    },
}

impl Initial {
    fn name(&self) -> &'static str {
        match self {
            Initial::FirstSeasons => "first_seasons",
            Initial::Heuristic => "heuristic",
            Initial::Given { .. } => "given",
        }
    }
}

/// Level, trend and seasonal states at one time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct States {
    /// ℓ.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub level: Decimal,
    /// b.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub trend: Decimal,
    /// The last 12 seasonal states, each labelled with the month it belongs to.
    pub seasonal: Vec<PeriodValue>,
}

/// A Holt-Winters fit and forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoltWinters {
    /// Additive or multiplicative seasonality (the trend is additive).
    pub seasonality: Model,
    /// The recursion, named.
    pub method: String,
    /// α.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub alpha: Decimal,
    /// β*.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub beta: Decimal,
    /// γ.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub gamma: Decimal,
    /// Which of α, β*, γ were fitted (the others were given).
    pub fitted: Vec<&'static str>,
    /// How the initial states were set: `first_seasons`, `heuristic` or `given`.
    pub initialisation: &'static str,
    /// States before the first observation.
    pub initial: States,
    /// States after the last observation.
    #[serde(rename = "final")]
    pub final_states: States,
    /// Σ of squared one-step errors over every observation.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub sse: Decimal,
    /// Number of observations.
    pub observations: usize,
    /// Forecasts, rounded half-up to `scale` places.
    pub forecasts: Vec<PeriodValue>,
    /// How it was computed.
    pub explanation: String,
}

impl HoltWinters {
    /// The canonical JSON form.
    pub fn to_canonical_json(&self) -> String {
        to_json(self)
    }
}

const M: usize = 12;

#[derive(Debug, Clone)]
struct Run {
    sse: f64,
    level: f64,
    trend: f64,
    season: [f64; M],
}

/// Initial states: ℓ₀ = mean of months 1–12, b₀ = (mean of months 13–24 − ℓ₀) ÷ 12, s_{j−12}
/// = y_j − ℓ₀ (additive) or y_j ÷ ℓ₀ (multiplicative), j = 1…12.
fn initial(y: &[f64], model: Model) -> Option<(f64, f64, [f64; M])> {
    let first = y.get(..M)?;
    let second = y.get(M..2 * M)?;
    let l0 = first.iter().sum::<f64>() / M as f64;
    let b0 = (second.iter().sum::<f64>() / M as f64 - l0) / M as f64;
    let mut s = [0.0; M];
    for (slot, v) in s.iter_mut().zip(first) {
        *slot = match model {
            Model::Additive => v - l0,
            Model::Multiplicative => v / l0,
        };
    }
    Some((l0, b0, s))
}

/// The heuristic initial states ([`Initial::Heuristic`]); `None` where a moving average is not
/// positive in a multiplicative model or the sums are not finite.
fn heuristic(y: &[f64], model: Model) -> Option<(f64, f64, [f64; M])> {
    const HALF: usize = M / 2;
    // 10 moving averages are needed for the line, and HALF are lost at either end.
    const MIN_OBS: usize = 10 + 2 * HALF;
    let cycles = (y.len() / M).clamp(MIN_OBS.div_ceil(M), 5);
    let series = y.get(..M.checked_mul(cycles)?)?;
    let mean12 = |from: usize| -> Option<f64> {
        Some(series.get(from..from.checked_add(M)?)?.iter().sum::<f64>() / M as f64)
    };
    // Centred 2×12 moving average at i: the mean of the 12-month means starting at i − 6 and
    // i − 5.
    let trend: Vec<(usize, f64)> = (HALF..series.len().saturating_sub(HALF))
        .map(|i| {
            let from = i.checked_sub(HALF)?;
            Some((i, (mean12(from)? + mean12(from.checked_add(1)?)?) / 2.0))
        })
        .collect::<Option<_>>()?;
    let mut sums = [0.0; M];
    let mut counts = [0u32; M];
    for &(i, t) in &trend {
        let v = *series.get(i)?;
        let d = match model {
            Model::Additive => v - t,
            Model::Multiplicative if t > 0.0 => v / t,
            Model::Multiplicative => return None,
        };
        *sums.get_mut(i % M)? += d;
        let n = counts.get_mut(i % M)?;
        *n = n.saturating_add(1);
    }
    let mut season = [0.0; M];
    for (s, (sum, n)) in season.iter_mut().zip(sums.iter().zip(counts)) {
        *s = sum / f64::from(n);
    }
    let mean = season.iter().sum::<f64>() / M as f64;
    for s in &mut season {
        *s = match model {
            Model::Additive => *s - mean,
            Model::Multiplicative => *s / mean,
        };
    }
    // Least squares through (1, T₁) … (10, T₁₀): x̄ = 5.5, Σ(x − x̄)² = 82.5.
    let first: Vec<f64> = trend.iter().take(10).map(|(_, t)| *t).collect();
    let t_mean = first.iter().sum::<f64>() / 10.0;
    let slope = (1..=10u32)
        .zip(&first)
        .map(|(x, t)| (f64::from(x) - 5.5) * (t - t_mean))
        .sum::<f64>()
        / 82.5;
    let level = t_mean - slope * 5.5;
    let finite = level.is_finite() && slope.is_finite() && season.iter().all(|s| s.is_finite());
    finite.then_some((level, slope, season))
}

/// The FPP3 §8.3 component-form recursion over every observation; `None` if a multiplicative
/// state turns non-positive or anything turns non-finite.
fn run(
    y: &[f64],
    model: Model,
    a: f64,
    b: f64,
    g: f64,
    init: &(f64, f64, [f64; M]),
) -> Option<Run> {
    let (mut level, mut trend, mut season) = (init.0, init.1, init.2);
    let mut sse = 0.0;
    for (t, &yt) in y.iter().enumerate() {
        let slot = season.get_mut(t % M)?;
        let s_old = *slot;
        let base = level + trend;
        let (fit, new_level, new_season) = match model {
            Model::Additive => {
                let l = a * (yt - s_old) + (1.0 - a) * base;
                (base + s_old, l, g * (yt - base) + (1.0 - g) * s_old)
            }
            Model::Multiplicative => {
                if base <= 0.0 || s_old <= 0.0 {
                    return None;
                }
                let l = a * (yt / s_old) + (1.0 - a) * base;
                (base * s_old, l, g * (yt / base) + (1.0 - g) * s_old)
            }
        };
        let e = yt - fit;
        sse += e * e;
        trend = b * (new_level - level) + (1.0 - b) * trend;
        level = new_level;
        *slot = new_season;
        if !(sse.is_finite() && level.is_finite() && trend.is_finite() && new_season.is_finite()) {
            return None;
        }
    }
    if model == Model::Multiplicative && level + trend <= 0.0 {
        return None;
    }
    Some(Run {
        sse,
        level,
        trend,
        season,
    })
}

/// Fits the parameters not given by least SSE: a grid of step 0.05, then 0.01 and 0.001 around
/// the best point, with 0 < α < 1, 0 ≤ β* ≤ α, 0 ≤ γ ≤ 1 − α; ties keep the first point in
/// (α, β*, γ) ascending order. Parameters are in thousandths; a given one is held fixed.
fn fit(
    y: &[f64],
    model: Model,
    given: [Option<u32>; 3],
    init: &(f64, f64, [f64; M]),
) -> Option<([u32; 3], Run)> {
    let mut best: Option<([u32; 3], Run)> = None;
    let mut centre: Option<[u32; 3]> = None;
    for (step, radius) in [(50u32, 1000u32), (10, 50), (1, 10)] {
        let range = |dim: usize, lo: u32, hi: u32| -> Vec<u32> {
            if let Some(v) = given[dim] {
                return vec![v];
            }
            let (lo, hi) = match centre {
                Some(c) => (
                    lo.max(c[dim].saturating_sub(radius)),
                    hi.min(c[dim].saturating_add(radius)),
                ),
                None => (lo, hi),
            };
            // The multiples of `step` (50, 10 or 1, never 0) from lo to hi, all at most 1000.
            match lo.div_ceil(step).checked_mul(step) {
                Some(start) => (start..=hi).step_by(step as usize).collect(),
                None => Vec::new(),
            }
        };
        let alpha_lo = if step == 50 { 50 } else { step };
        for a in range(0, alpha_lo, 1000u32.saturating_sub(alpha_lo)) {
            for b in range(1, 0, a) {
                for g in range(2, 0, 1000u32.saturating_sub(a)) {
                    let f = |k: u32| f64::from(k) / 1000.0;
                    if let Some(r) = run(y, model, f(a), f(b), f(g), init) {
                        if best.as_ref().is_none_or(|(_, x)| r.sse < x.sse) {
                            best = Some(([a, b, g], r));
                        }
                    }
                }
            }
        }
        centre = best.as_ref().map(|(p, _)| *p);
        if given.iter().all(Option::is_some) {
            break;
        }
    }
    best
}

/// An `f64` as a decimal: its exact binary value rounded to `scale` places (Rust's `{:.N}`
/// formatting, correctly rounded, the same on every platform), then normalised.
fn dec(x: f64, scale: u32, what: &str) -> crate::Result<Decimal> {
    if !x.is_finite() {
        return Err(input_error(
            at("history"),
            kinds::ARITHMETIC_OVERFLOW,
            format!("{what} is not finite"),
            format!("{what} 不是有限数值"),
        ));
    }
    let text = format!("{:.*}", scale as usize, x);
    let mut d = parse_decimal(&text)
        .map_err(|m| {
            input_error(
                at("history"),
                kinds::ARITHMETIC_OVERFLOW,
                format!("{what}: {m} (values out of range)"),
                format!("{what}：{m}（数值超出范围）"),
            )
        })?
        .normalize();
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    Ok(d)
}

/// Holt-Winters with additive trend and `seasonality` (FPP3 §8.3 component form), period 12.
///
/// ```text
/// Additive:        ŷ(t|t−1) = ℓ(t−1) + b(t−1) + s(t−12)
///                  ℓ(t) = α (y(t) − s(t−12)) + (1 − α)(ℓ(t−1) + b(t−1))
///                  s(t) = γ (y(t) − ℓ(t−1) − b(t−1)) + (1 − γ) s(t−12)
/// Multiplicative:  ŷ(t|t−1) = (ℓ(t−1) + b(t−1)) · s(t−12)
///                  ℓ(t) = α y(t) / s(t−12) + (1 − α)(ℓ(t−1) + b(t−1))
///                  s(t) = γ y(t) / (ℓ(t−1) + b(t−1)) + (1 − γ) s(t−12)
/// Both:            b(t) = β* (ℓ(t) − ℓ(t−1)) + (1 − β*) b(t−1)
/// Forecast:        ℓ(n) + h b(n), plus (or times) the latest seasonal state of that month
/// ```
///
/// Needs 24+ months, no `null`s (and all positive for multiplicative). Parameters not given are
/// fitted ([`Smoothing`]); the initial states are set as `initial_states` says ([`Initial`]).
pub fn holt_winters(
    history: &Series,
    seasonality: Model,
    smoothing: Smoothing,
    initial_states: &Initial,
    horizon: u32,
    scale: u32,
) -> crate::Result<HoltWinters> {
    let mut problems = Vec::new();
    let mut y = Vec::with_capacity(history.len());
    for (i, v) in history.values().iter().enumerate() {
        match v.and_then(|d| d.to_f64()) {
            Some(x) => y.push(x),
            None => problems.push(Problem::new(history.value_path(&at("history"), i), kinds::MISSING, "Holt-Winters needs a value for every month (no null): fill the gap or start the series after it").zh("Holt-Winters 方法要求每个月都有值（不能为 null）：请补齐缺失月份，或让序列从缺口之后开始")),
        }
    }
    if seasonality == Model::Multiplicative {
        history.check_sign(
            &at("history"),
            Sign::Positive,
            "for multiplicative seasonality (use additive)",
            &mut problems,
        );
    }
    if history.len() < 2 * M {
        problems.push(
            Problem::new(
                at("history"),
                kinds::INSUFFICIENT_HISTORY,
                format!(
                    "Holt-Winters needs at least 24 months (two seasons to initialise), got {}",
                    history.len()
                ),
            )
            .zh(format!(
                "Holt-Winters 方法至少需要 24 个月（两个季节周期用于初始化），实际为 {}",
                history.len()
            )),
        );
    }
    let mut given = [None; 3];
    for (slot, (name, v)) in given.iter_mut().zip([
        ("alpha", smoothing.alpha),
        ("beta", smoothing.beta),
        ("gamma", smoothing.gamma),
    ]) {
        if let Some(v) = v {
            if v < Decimal::ZERO || v > Decimal::ONE || v.normalize().scale() > 3 {
                problems.push(
                    Problem::new(
                        at(name),
                        kinds::OUT_OF_RANGE,
                        format!(
                            "must be from 0 to 1 with at most 3 decimal places, got {}",
                            show(v)
                        ),
                    )
                    .zh(format!(
                        "必须在 0 到 1 之间，且最多 3 位小数，实际为 {}",
                        show(v)
                    )),
                );
            } else {
                *slot = v.checked_mul(Decimal::from(1000)).and_then(|t| t.to_u32());
            }
        }
    }
    if !(1..=MAX_HORIZON).contains(&horizon) {
        problems.push(
            Problem::new(
                at("horizon"),
                kinds::OUT_OF_RANGE,
                format!("horizon must be from 1 to {MAX_HORIZON}, got {horizon}"),
            )
            .zh(format!(
                "预测期数必须在 1 到 {MAX_HORIZON} 之间，实际为 {horizon}"
            )),
        );
    }
    if scale > 10 {
        problems.push(
            Problem::new(
                at("scale"),
                kinds::OUT_OF_RANGE,
                format!("scale must be at most 10, got {scale}"),
            )
            .zh(format!("scale 最大为 10，实际为 {scale}")),
        );
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    check_given(initial_states, seasonality, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let init = match initial_states {
        Initial::FirstSeasons => initial(&y, seasonality),
        Initial::Heuristic => heuristic(&y, seasonality),
        Initial::Given {
            level,
            trend,
            seasonal,
        } => given_states(*level, *trend, seasonal),
    }
    .ok_or_else(|| {
        input_error(
            at("history"),
            kinds::OUT_OF_RANGE,
            "the initial states cannot be computed (a moving average that is not positive in a multiplicative model, or values out of range)",
            "无法计算初始状态（乘法模型中移动平均值非正，或数值超出范围）",
        )
    })?;
    if seasonality == Model::Multiplicative && init.0 <= 0.0 {
        return Err(input_error(
            at("history"),
            kinds::OUT_OF_RANGE,
            "the initial level is not positive",
            "初始水平值不是正数",
        ));
    }
    let ([a, b, g], r) = fit(&y, seasonality, given, &init).ok_or_else(|| {
        input_error(
            at("history"),
            kinds::OUT_OF_RANGE,
            "the recursion breaks down (non-positive level or non-finite values) for every parameter tried; use additive seasonality",
            "所有尝试过的参数都使递推失效（水平值非正或出现非有限数值）；请改用加法季节性",
        )
    })?;
    let n = y.len();
    let label = |states: &[f64; M], from: usize, what: &str| -> crate::Result<Vec<PeriodValue>> {
        // Observation t (0-based) uses slot t % 12; list the 12 slots in time order from `from`.
        // The initial states are the 12 months before the series.
        let back = if what == "initial" { M } else { 0 };
        (0..M)
            .map(|k| {
                let t = from.checked_add(k).ok_or_else(|| overflow(at("history")))?;
                let period = i64::try_from(t)
                    .ok()
                    .zip(i64::try_from(back).ok())
                    .and_then(|(t, back)| t.checked_sub(back))
                    .and_then(|offset| history.start().add_months(offset));
                let v = states.get(t % M).copied().unwrap_or(0.0);
                Ok(PeriodValue {
                    period: period.ok_or_else(|| {
                        input_error(
                            at("history"),
                            kinds::INVALID_MONTH,
                            "the series starts too early for its initial seasonal states",
                            "序列起始月份过早，无法放置初始季节状态",
                        )
                    })?,
                    value: dec(v, STATE_SCALE, "seasonal state")?,
                })
            })
            .collect()
    };
    let initial = States {
        level: dec(init.0, STATE_SCALE, "level")?,
        trend: dec(init.1, STATE_SCALE, "trend")?,
        seasonal: label(&init.2, 0, "initial")?,
    };
    let final_states = States {
        level: dec(r.level, STATE_SCALE, "level")?,
        trend: dec(r.trend, STATE_SCALE, "trend")?,
        // n ≥ 24 was checked above.
        seasonal: label(
            &r.season,
            n.checked_sub(M).ok_or_else(|| overflow(at("history")))?,
            "final",
        )?,
    };
    let mut forecasts = Vec::with_capacity(horizon as usize);
    for h in 1..=horizon as usize {
        let slot = n
            .checked_add(h)
            .and_then(|x| x.checked_sub(1))
            .ok_or_else(|| overflow(at("horizon")))?;
        let s = r.season.get(slot % M).copied().unwrap_or(0.0);
        let trend_part = r.level + h as f64 * r.trend;
        let v = match seasonality {
            Model::Additive => trend_part + s,
            Model::Multiplicative => trend_part * s,
        };
        let period = history
            .end()
            .and_then(|e| e.add_months(h as i64))
            .ok_or_else(|| {
                input_error(
                    at("horizon"),
                    kinds::INVALID_MONTH,
                    "the forecast runs past year 9999",
                    "预测超出了 9999 年",
                )
            })?;
        forecasts.push(PeriodValue {
            period,
            value: dec(v, scale, "forecast")?,
        });
    }
    let p = |k: u32| Decimal::new(i64::from(k), 3).normalize();
    let fitted: Vec<&'static str> = ["alpha", "beta", "gamma"]
        .into_iter()
        .zip(given)
        .filter(|(_, g)| g.is_none())
        .map(|(n, _)| n)
        .collect();
    let sse = dec(r.sse, STATE_SCALE, "SSE")?;
    let word = if seasonality == Model::Additive {
        "additive"
    } else {
        "multiplicative"
    };
    let method = format!(
        "Holt-Winters, additive trend, {word} seasonality, period 12 (FPP3 §8.3 component form)"
    );
    let how_params = if fitted.is_empty() {
        "given".to_string()
    } else {
        format!(
            "{} fitted by least SSE of one-step errors over a grid of step 0.05, refined to 0.01 and 0.001 (0 ≤ β* ≤ α, 0 ≤ γ ≤ 1 − α)",
            fitted.join(", ")
        )
    };
    let (level0, trend0) = (show(initial.level), show(initial.trend));
    let how_initial = match initial_states {
        Initial::FirstSeasons => format!(
            "Initial level = mean of the first 12 months = {level0}; initial trend = (mean of months 13–24 − initial level) ÷ 12 = {trend0}; initial seasonal states = first 12 months {} the initial level.",
            if seasonality == Model::Additive { "minus" } else { "divided by" },
        ),
        Initial::Heuristic => format!(
            "Initial states by the heuristic of Hyndman et al. (2008) §2.6.1: centred 2×12 moving average of the first {} months, seasonal states = mean {} of each month, normalised; initial level {level0} and trend {trend0} = intercept and slope of the least-squares line through the first 10 moving averages.",
            (y.len() / M).clamp(2, 5).saturating_mul(M),
            if seasonality == Model::Additive { "difference from it" } else { "ratio to it" },
        ),
        Initial::Given { .. } => format!("Initial states given: level {level0}, trend {trend0}, 12 seasonal states."),
    };
    let explanation = format!(
        "{method}. α = {}, β* = {}, γ = {} ({how_params}). {how_initial} SSE = {} over {n} one-step forecasts. Forecast h months ahead = (final level {} + h × final trend {}) {} the latest seasonal state of that month, rounded half-up to {scale} places.",
        p(a), p(b), p(g),
        show(sse), show(final_states.level), show(final_states.trend),
        if seasonality == Model::Additive { "+" } else { "×" },
    );
    Ok(HoltWinters {
        seasonality,
        method,
        alpha: p(a),
        beta: p(b),
        gamma: p(g),
        fitted,
        initialisation: initial_states.name(),
        initial,
        final_states,
        sse,
        observations: n,
        forecasts,
        explanation,
    })
}

/// JSON request of `holt_winters`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoltWintersRequest {
    /// The monthly history: 24+ months, no `null`.
    pub history: SeriesSpec,
    /// `additive` or `multiplicative` (default `additive`).
    #[serde(default = "additive")]
    pub seasonality: Model,
    /// α (0–1, up to 3 places); omitted → fitted.
    #[serde(default)]
    pub alpha: Option<Num>,
    /// β* (0–1, up to 3 places); omitted → fitted.
    #[serde(default)]
    pub beta: Option<Num>,
    /// γ (0–1, up to 3 places); omitted → fitted.
    #[serde(default)]
    pub gamma: Option<Num>,
    /// Months to forecast (default 12, at most 60).
    #[serde(default)]
    pub horizon: Option<u32>,
    /// Decimal places of the forecasts (default 2).
    #[serde(default)]
    pub scale: Option<u32>,
    /// `"first_seasons"` (default), `"heuristic"`, or `{"level", "trend", "seasonal": [12]}`
    /// (the 12 months before the series, in time order).
    #[serde(default)]
    pub initial: Option<serde_json::Value>,
}

fn additive() -> Model {
    Model::Additive
}

pub(crate) fn holt_winters_json(request: &str) -> crate::Result<String> {
    let req: HoltWintersRequest = parse_json(request, Error::Input)?;
    let mut problems = Vec::new();
    let history = Series::from_spec(&req.history, &at("history"), &mut problems);
    let initial = read_initial(req.initial, &mut problems);
    let (Some(history), Some(initial)) = (history, initial) else {
        return Err(Error::Input(problems));
    };
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    holt_winters(
        &history,
        req.seasonality,
        Smoothing {
            alpha: req.alpha.map(|x| x.0),
            beta: req.beta.map(|x| x.0),
            gamma: req.gamma.map(|x| x.0),
        },
        &initial,
        req.horizon.unwrap_or(12),
        req.scale.unwrap_or(2),
    )
    .map(|h| h.to_canonical_json())
}

/// Given initial states as the recursion's `f64`s (slot k = the k-th month before the series).
fn given_states(
    level: Decimal,
    trend: Decimal,
    seasonal: &[Decimal],
) -> Option<(f64, f64, [f64; M])> {
    let mut s = [0.0; M];
    for (slot, v) in s.iter_mut().zip(seasonal) {
        *slot = v.to_f64()?;
    }
    Some((level.to_f64()?, trend.to_f64()?, s))
}

/// Given states that cannot start the recursion: not 12 seasonal states, or (multiplicative) a
/// state that is not positive.
fn check_given(initial: &Initial, model: Model, problems: &mut Vec<Problem>) {
    let Initial::Given {
        level, seasonal, ..
    } = initial
    else {
        return;
    };
    if seasonal.len() != M {
        let n = seasonal.len();
        problems.push(
            Problem::new(
                at("initial").key("seasonal"),
                kinds::WRONG_COUNT,
                format!("expected 12 seasonal states (the 12 months before the series), got {n}"),
            )
            .zh(format!(
                "需要 12 个季节初始状态（序列之前的 12 个月），实际为 {n} 个"
            )),
        );
    }
    if model == Model::Multiplicative {
        let bad = std::iter::once((at("initial").key("level"), level)).chain(
            seasonal
                .iter()
                .enumerate()
                .map(|(i, v)| (at("initial").key("seasonal").index(i), v)),
        );
        for (loc, v) in bad.filter(|(_, v)| **v <= Decimal::ZERO) {
            problems.push(
                Problem::new(
                    loc,
                    kinds::OUT_OF_RANGE,
                    format!(
                        "must be positive in a multiplicative model, got {}",
                        show(*v)
                    ),
                )
                .zh(format!("乘法模型中必须为正数，实际为 {}", show(*v))),
            );
        }
    }
}

/// The request's `initial`, or `None` with its problems.
fn read_initial(v: Option<serde_json::Value>, problems: &mut Vec<Problem>) -> Option<Initial> {
    use serde_json::Value;
    let loc = at("initial");
    let mut found = crate::error::Problems::new();
    let out = match v {
        None | Some(Value::Null) => Some(Initial::FirstSeasons),
        Some(Value::String(s)) if s == "first_seasons" => Some(Initial::FirstSeasons),
        Some(Value::String(s)) if s == "heuristic" => Some(Initial::Heuristic),
        Some(Value::Object(mut m)) => {
            for k in m
                .keys()
                .filter(|k| !["level", "trend", "seasonal"].contains(&k.as_str()))
            {
                found.push(
                    Problem::new(
                        loc.clone().key(k.as_str()),
                        kinds::UNKNOWN_FIELD,
                        "unknown field: expected level, trend, seasonal",
                    )
                    .zh("未知字段；可用：level、trend、seasonal"),
                );
            }
            let mut number = |key: &str| -> Option<Decimal> {
                let here = loc.clone().key(key);
                let value = m.remove(key).unwrap_or(Value::Null);
                match crate::input::scalar::number(value, &here, &mut found) {
                    Ok(Some(d)) => Some(d),
                    Ok(None) => {
                        found.push(
                            Problem::new(here, kinds::MISSING, format!("`{key}` is missing"))
                                .zh(format!("缺少 `{key}`")),
                        );
                        None
                    }
                    Err(()) => None,
                }
            };
            let (level, trend) = (number("level"), number("trend"));
            let seasonal = match m.remove("seasonal") {
                Some(Value::Array(items)) => items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let here = loc.clone().key("seasonal").index(i);
                        crate::input::scalar::number(v, &here, &mut found)
                            .ok()
                            .flatten()
                            .or_else(|| {
                                found.push(
                                    Problem::new(
                                        here,
                                        kinds::MISSING,
                                        "a seasonal state is required, found null",
                                    )
                                    .zh("季节状态不能为 null"),
                                );
                                None
                            })
                    })
                    .collect::<Vec<_>>()
                    .into_iter()
                    .collect::<Option<Vec<_>>>(),
                _ => {
                    found.push(
                        Problem::new(
                            loc.clone().key("seasonal"),
                            kinds::MISSING,
                            "`seasonal` is missing: the 12 seasonal states before the series",
                        )
                        .zh("缺少 `seasonal`（序列之前 12 个月的季节状态）"),
                    );
                    None
                }
            };
            match (level, trend, seasonal) {
                (Some(level), Some(trend), Some(seasonal)) if found.is_empty() => {
                    Some(Initial::Given {
                        level,
                        trend,
                        seasonal,
                    })
                }
                _ => None,
            }
        }
        Some(_) => {
            found.push(
                Problem::new(
                    loc,
                    kinds::INVALID_VALUE,
                    "expected \"first_seasons\", \"heuristic\" or {\"level\", \"trend\", \"seasonal\"}",
                )
                .zh("应为 \"first_seasons\"、\"heuristic\" 或 {\"level\", \"trend\", \"seasonal\"}"),
            );
            None
        }
    };
    problems.extend(found.into_vec());
    out
}
