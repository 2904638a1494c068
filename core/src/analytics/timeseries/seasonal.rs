//! Classical decomposition into seasonal indices (FPP2 §6.3), and growth targets (same month last
//! year × (1 + g)).

use super::series::{
    at, at_minor_units, input_error, overflow, parse_period, show, to_json, Period, PeriodValue,
    Series, SeriesSpec, Sign, MONTH_NAMES,
};
use crate::error::{kinds, Error, Problem};
use crate::json::parse_json;
use crate::number::Num;
use crate::rounding::RoundingMode;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Default decimal places of seasonal indices.
pub(crate) const DEFAULT_INDEX_SCALE: u32 = 4;
/// Most decimal places of seasonal indices.
pub(crate) const MAX_INDEX_SCALE: u32 = 10;
/// Decimal places of a derived growth rate (half-up).
pub(crate) const GROWTH_SCALE: u32 = 4;

/// How the seasonal component combines with the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// value = trend × index; indices average 1. Needs positive values. The default.
    #[default]
    Multiplicative,
    /// value = trend + index; indices average 0. Negative values (returns) are allowed.
    Additive,
}

impl Model {
    fn word(self) -> &'static str {
        match self {
            Model::Multiplicative => "multiplicative",
            Model::Additive => "additive",
        }
    }
}

/// How precisely seasonal indices weigh the months of an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexPrecision {
    /// The published indices, rounded to 4 places (what a manager can re-check with a
    /// calculator). The default.
    #[default]
    Rounded,
    /// The normalised indices before rounding (`Decimal`'s 28 significant digits), so rounding
    /// the indices never moves a monthly amount.
    Full,
}

/// One calendar month's seasonal index and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthIndex {
    /// Calendar month, 1 = January.
    pub month: u8,
    /// Its short English name.
    pub name: &'static str,
    /// The detrended values of this month: value ÷ moving average (multiplicative) or value −
    /// moving average (additive), shown to `scale + 2` places.
    pub detrended: Vec<PeriodValue>,
    /// Their mean, shown to `scale + 2` places.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub raw: Decimal,
    /// After normalisation (× 12 ÷ Σ raw, or − mean raw), shown to `scale + 2` places.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub normalised: Decimal,
    /// The index, to `scale` places; the twelve sum to exactly 12 (or 0).
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub index: Decimal,
    /// Whether the largest-remainder rounding gave this month the extra last-place unit.
    pub got_remainder_unit: bool,
    /// How the index was computed, in plain words.
    pub explanation: String,
}

/// Seasonal indices by classical decomposition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeasonalIndices {
    /// Multiplicative or additive.
    pub model: Model,
    /// Decimal places of the indices.
    pub scale: u32,
    /// First month of the history.
    pub from: Period,
    /// Last month of the history.
    pub to: Period,
    /// The centred 2×12 moving average where it is defined, shown to `scale + 2` places.
    pub moving_average: Vec<PeriodValue>,
    /// January to December.
    pub months: Vec<MonthIndex>,
    /// Σ indices: exactly 12 (multiplicative) or 0 (additive).
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub sum: Decimal,
    /// How they were computed.
    pub explanation: String,
    /// The normalised indices before rounding, January first.
    #[serde(skip)]
    full: Vec<Decimal>,
}

impl SeasonalIndices {
    /// The twelve indices, January first.
    pub fn indices(&self) -> Vec<Decimal> {
        self.months.iter().map(|m| m.index).collect()
    }

    /// The twelve weights an allocation uses at `precision`, January first: the indices, or
    /// the normalised indices before rounding.
    pub fn weights(&self, precision: IndexPrecision) -> Vec<Decimal> {
        match precision {
            IndexPrecision::Rounded => self.indices(),
            IndexPrecision::Full => self.full.clone(),
        }
    }

    /// The canonical JSON form.
    pub fn to_canonical_json(&self) -> String {
        to_json(self)
    }
}

/// Rounds `exact` values to `scale` places so they sum to exactly `target` (largest remainder).
///
/// Each value is first rounded down (toward −∞) to `scale` places; the last-place units still
/// missing from `target` go one each to the largest remainders; ties go to the larger exact value,
/// then to the earlier position. Returns each rounded value and whether it got a unit.
///
/// Not [`crate::apportion::split_pool`]: that one splits a given amount by weights and
/// truncates, while this rounds values already computed to a target sum, flooring toward −∞
/// and letting every position take a unit; the two break ties differently.
pub(crate) fn round_to_sum(
    exact: &[Decimal],
    target: Decimal,
    scale: u32,
    path: &str,
) -> crate::Result<Vec<(Decimal, bool)>> {
    let unit = Decimal::new(1, scale);
    let mut floors = Vec::with_capacity(exact.len());
    let mut remainders = Vec::with_capacity(exact.len());
    let mut sum = Decimal::ZERO;
    for x in exact {
        let f = x.round_dp_with_strategy(scale, RoundingStrategy::ToNegativeInfinity);
        sum = sum.checked_add(f).ok_or_else(|| overflow(at(path)))?;
        floors.push(f);
        remainders.push(x.checked_sub(f).ok_or_else(|| overflow(at(path)))?);
    }
    let left = target
        .checked_sub(sum)
        .and_then(|l| l.checked_div(unit))
        .ok_or_else(|| overflow(at(path)))?;
    if left < Decimal::ZERO || !left.fract().is_zero() {
        return Err(input_error(
            at(path),
            kinds::ARITHMETIC_OVERFLOW,
            format!("cannot round to a sum of {target} at {scale} places"),
            format!("无法在 {scale} 位小数下舍入到合计 {target}"),
        ));
    }
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| {
        remainders[b]
            .cmp(&remainders[a])
            .then(exact[b].cmp(&exact[a]))
            .then(a.cmp(&b))
    });
    let mut got = vec![false; exact.len()];
    let mut left = left;
    'outer: while left >= Decimal::ONE && !order.is_empty() {
        for &i in &order {
            if left < Decimal::ONE {
                break 'outer;
            }
            if let (Some(f), Some(g)) = (floors.get_mut(i), got.get_mut(i)) {
                *f = f.checked_add(unit).ok_or_else(|| overflow(at(path)))?;
                *g = true;
            }
            left = left
                .checked_sub(Decimal::ONE)
                .ok_or_else(|| overflow(at(path)))?;
        }
    }
    Ok(floors
        .into_iter()
        .zip(got)
        .map(|(mut f, g)| {
            f.rescale(scale);
            if f.is_zero() {
                f.set_sign_positive(true);
            }
            (f, g)
        })
        .collect())
}

fn detail(d: Decimal, scale: u32) -> Decimal {
    // Saturating: more places than a Decimal keeps leaves `d` as it is.
    d.round_dp_with_strategy(
        scale.saturating_add(2),
        RoundingStrategy::MidpointAwayFromZero,
    )
}

/// Seasonal indices of `history` by classical decomposition (FPP2 §6.3), to `scale` places.
///
/// 1. Trend: the centred 2×12 moving average T_t = (y_{t−6} + 2(y_{t−5} + … + y_{t+5}) + y_{t+6})
///    ÷ 24, defined where all 13 months have data.
/// 2. Detrended: y_t ÷ T_t (multiplicative) or y_t − T_t (additive).
/// 3. Raw index of each calendar month: the mean of its detrended values.
/// 4. Normalised: raw × 12 ÷ Σ raw (multiplicative) or raw − mean raw (additive).
/// 5. Rounded to `scale` places by largest remainder (each rounded down toward −∞, the missing
///    last-place units to the largest remainders; ties to the larger index, then the earlier
///    month), so the twelve indices sum to exactly 12 (average 1) or 0.
///
/// Multiplicative models need every value positive; each calendar month needs at least one
/// defined moving average (24 consecutive months with data always suffice).
pub fn seasonal_indices(
    history: &Series,
    model: Model,
    scale: u32,
) -> crate::Result<SeasonalIndices> {
    seasonal_indices_at(history, model, scale, "history")
}

/// The months in Chinese, January first.
const MONTH_NAMES_ZH: [&str; 12] = [
    "一月",
    "二月",
    "三月",
    "四月",
    "五月",
    "六月",
    "七月",
    "八月",
    "九月",
    "十月",
    "十一月",
    "十二月",
];

pub(crate) fn seasonal_indices_at(
    history: &Series,
    model: Model,
    scale: u32,
    path: &str,
) -> crate::Result<SeasonalIndices> {
    let mut problems = Vec::new();
    if scale == 0 || scale > MAX_INDEX_SCALE {
        problems.push(
            Problem::new(
                at("scale"),
                kinds::OUT_OF_RANGE,
                format!("scale must be from 1 to {MAX_INDEX_SCALE}, got {scale}"),
            )
            .zh(format!(
                "scale 必须在 1 到 {MAX_INDEX_SCALE} 之间，实际为 {scale}"
            )),
        );
    }
    if model == Model::Multiplicative {
        history.check_sign(
            &at(path),
            Sign::Positive,
            "in a multiplicative model (use the additive model, or null for a month without data)",
            &mut problems,
        );
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let (Some(from), Some(to)) = (history.period(0), history.end()) else {
        return Err(input_error(
            at(path),
            kinds::EMPTY_LIST,
            "the series has no months",
            "序列中没有任何月份",
        ));
    };
    let y = history.values();
    let of = || overflow(at(path));
    let mut moving_average = Vec::new();
    let mut detrended: Vec<Vec<(Period, Decimal)>> = vec![Vec::new(); 12];
    for i in 6..y.len().saturating_sub(6) {
        // i runs from 6 to len − 7, so the 13-month window is inside the series.
        let Some(window) = i
            .checked_sub(6)
            .zip(i.checked_add(6))
            .and_then(|(a, b)| y.get(a..=b))
        else {
            continue;
        };
        let Some(w): Option<Vec<Decimal>> = window.iter().copied().collect() else {
            continue;
        };
        let mut sum = Decimal::ZERO;
        for (k, v) in w.iter().enumerate() {
            let weighted = if k == 0 || k == 12 {
                *v
            } else {
                v.checked_mul(Decimal::TWO).ok_or_else(of)?
            };
            sum = sum.checked_add(weighted).ok_or_else(of)?;
        }
        let trend = sum.checked_div(Decimal::from(24)).ok_or_else(of)?;
        let (Some(period), Some(Some(value))) = (history.period(i), y.get(i)) else {
            continue;
        };
        let d = match model {
            Model::Multiplicative => {
                if trend <= Decimal::ZERO {
                    continue;
                }
                value.checked_div(trend).ok_or_else(of)?
            }
            Model::Additive => value.checked_sub(trend).ok_or_else(of)?,
        };
        moving_average.push(PeriodValue {
            period,
            value: detail(trend, scale),
        });
        if let Some(list) = detrended.get_mut(period.month0()) {
            list.push((period, d));
        }
    }
    for (m, list) in detrended.iter().enumerate() {
        if list.is_empty() {
            problems.push(Problem::new(at(path), kinds::INSUFFICIENT_HISTORY, format!(
                    "no {} has a complete centred 13-month window (6 months with data on each side): classical decomposition needs 24 consecutive months with data",
                    MONTH_NAMES.get(m).copied().unwrap_or("month")
                )).zh(format!("没有任何{}拥有完整的居中 13 个月窗口（两侧各 6 个月有数据）：经典分解需要连续 24 个月的数据", MONTH_NAMES_ZH.get(m).copied().unwrap_or("月份"))));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let mut raw = Vec::with_capacity(12);
    for list in &detrended {
        let mut sum = Decimal::ZERO;
        for (_, d) in list {
            sum = sum.checked_add(*d).ok_or_else(of)?;
        }
        raw.push(sum.checked_div(Decimal::from(list.len())).ok_or_else(of)?);
    }
    let mut raw_sum = Decimal::ZERO;
    for r in &raw {
        raw_sum = raw_sum.checked_add(*r).ok_or_else(of)?;
    }
    let twelve = Decimal::from(12);
    let (normalised, target, how) = match model {
        Model::Multiplicative => {
            if raw_sum <= Decimal::ZERO {
                return Err(input_error(
                    at(path),
                    kinds::NOTHING_TO_WEIGH,
                    "the seasonal ratios sum to zero",
                    "季节比率合计为零",
                ));
            }
            let mut n = Vec::with_capacity(12);
            for r in &raw {
                n.push(
                    r.checked_mul(twelve)
                        .and_then(|x| x.checked_div(raw_sum))
                        .ok_or_else(of)?,
                );
            }
            (
                n,
                twelve,
                format!("× 12 ÷ {}", show(detail(raw_sum, scale))),
            )
        }
        Model::Additive => {
            let mean = raw_sum.checked_div(twelve).ok_or_else(of)?;
            let mut n = Vec::with_capacity(12);
            for r in &raw {
                n.push(r.checked_sub(mean).ok_or_else(of)?);
            }
            (n, Decimal::ZERO, format!("− {}", show(detail(mean, scale))))
        }
    };
    let rounded = round_to_sum(&normalised, target, scale, path)?;
    let mut months = Vec::with_capacity(12);
    let mut sum = Decimal::ZERO;
    for (m, ((list, (index, got)), (r, n))) in detrended
        .iter()
        .zip(rounded)
        .zip(raw.iter().zip(&normalised))
        .enumerate()
    {
        sum = sum.checked_add(index).ok_or_else(of)?;
        let name = MONTH_NAMES.get(m).copied().unwrap_or("?");
        let shown: Vec<String> = list.iter().map(|(_, d)| show(detail(*d, scale))).collect();
        let what = if model == Model::Multiplicative {
            "ratios"
        } else {
            "differences"
        };
        months.push(MonthIndex {
            month: u8::try_from(m)
                .ok()
                .and_then(|m| m.checked_add(1))
                .unwrap_or(12),
            name,
            detrended: list
                .iter()
                .map(|(p, d)| PeriodValue {
                    period: *p,
                    value: detail(*d, scale),
                })
                .collect(),
            raw: detail(*r, scale),
            normalised: detail(*n, scale),
            index,
            got_remainder_unit: got,
            explanation: format!(
                "{name}: {what} {} → mean {} → {how} = {} → {}{}",
                shown.join(", "),
                show(detail(*r, scale)),
                show(detail(*n, scale)),
                index,
                if got {
                    " (rounded up by largest remainder)"
                } else {
                    ""
                }
            ),
        });
    }
    let explanation = format!(
        "Classical decomposition ({}), {from} to {to}: centred 2×12 moving average ({} months defined), {} by calendar month, averaged, normalised {}, rounded to {scale} places by largest remainder so the twelve indices sum to exactly {}.",
        model.word(),
        moving_average.len(),
        if model == Model::Multiplicative { "value ÷ moving average" } else { "value − moving average" },
        if model == Model::Multiplicative { "so they average 1 (× 12 ÷ their sum)" } else { "so they average 0 (minus their mean)" },
        target
    );
    Ok(SeasonalIndices {
        model,
        scale,
        from,
        to,
        moving_average,
        months,
        sum,
        explanation,
        full: normalised,
    })
}

/// JSON request of `seasonal_indices`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeasonalIndicesRequest {
    /// The monthly history.
    pub history: SeriesSpec,
    /// `multiplicative` (default) or `additive`.
    #[serde(default)]
    pub model: Model,
    /// Decimal places of the indices (default 4).
    #[serde(default)]
    pub scale: Option<u32>,
}

pub(crate) fn seasonal_indices_json(request: &str) -> crate::Result<String> {
    let req: SeasonalIndicesRequest = parse_json(request, Error::Input)?;
    let mut problems = Vec::new();
    let history = Series::from_spec(&req.history, &at("history"), &mut problems);
    let Some(history) = history.filter(|_| problems.is_empty()) else {
        return Err(Error::Input(problems));
    };
    seasonal_indices(
        &history,
        req.model,
        req.scale.unwrap_or(DEFAULT_INDEX_SCALE),
    )
    .map(|s| s.to_canonical_json())
}

/// Where a growth rate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrowthSource {
    /// Given in the request.
    Given,
    /// Year-on-year growth of the latest months with data in both years.
    Derived,
    /// No month has data in both years (or last year's sum is zero): 0 is used.
    NoComparison,
}

/// A growth rate and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Growth {
    /// g, e.g. 0.08 for +8%.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub rate: Decimal,
    /// Given, derived or none.
    pub source: GrowthSource,
    /// How it was found.
    pub explanation: String,
}

/// The growth rate to use: `given`, or derived from `history` (see [`derive_growth`]).
pub fn growth_rate(history: &Series, given: Option<Decimal>) -> Growth {
    match given {
        Some(g) => Growth {
            rate: g,
            source: GrowthSource::Given,
            explanation: format!("growth {} given", show(g)),
        },
        None => derive_growth(history),
    }
}

/// Year-on-year growth: over the latest (up to) 12 months t that have data in both t and
/// t − 12 months, g = Σ y_t ÷ Σ y_{t−12} − 1, rounded half-up to 4 places. With
/// no such month, or a zero sum a year earlier, g = 0 ([`GrowthSource::NoComparison`]).
pub fn derive_growth(history: &Series) -> Growth {
    let y = history.values();
    let mut now = Decimal::ZERO;
    let mut before = Decimal::ZERO;
    let mut pairs = 0usize;
    let mut first = None;
    let mut last = None;
    for i in (12..y.len()).rev() {
        if pairs == 12 {
            break;
        }
        let year_before = i.checked_sub(12).and_then(|j| y.get(j));
        if let (Some(Some(a)), Some(Some(b))) = (y.get(i), year_before) {
            match (now.checked_add(*a), before.checked_add(*b)) {
                (Some(x), Some(z)) => {
                    now = x;
                    before = z;
                }
                // Growth from fewer months than found would be a silently different number.
                _ => {
                    return Growth {
                        rate: Decimal::ZERO,
                        source: GrowthSource::NoComparison,
                        explanation: "growth 0: the monthly sums are too large to compute exactly \
                                      (arithmetic overflow)"
                            .into(),
                    }
                }
            }
            // At most 12: the loop stops there.
            #[allow(clippy::arithmetic_side_effects)]
            {
                pairs += 1;
            }
            first = history.period(i);
            last = last.or(history.period(i));
        }
    }
    let none = |why: String| Growth {
        rate: Decimal::ZERO,
        source: GrowthSource::NoComparison,
        explanation: why,
    };
    if pairs == 0 {
        return none("growth 0: no month has data both this year and the year before".into());
    }
    if before <= Decimal::ZERO {
        return none("growth 0: the same months a year earlier sum to zero".into());
    }
    let Some(g) = now
        .checked_div(before)
        .and_then(|r| r.checked_sub(Decimal::ONE))
    else {
        return none("growth 0: arithmetic overflow".into());
    };
    let g = RoundingMode::HalfUp.round(g, GROWTH_SCALE);
    let span = match (first, last) {
        (Some(f), Some(l)) if f != l => format!("{f} to {l}"),
        (Some(f), _) => f.to_string(),
        _ => String::new(),
    };
    Growth {
        rate: g,
        source: GrowthSource::Derived,
        explanation: format!(
            "growth derived from {pairs} month(s) with data in both years ({span}): {} ÷ {} − 1 = {}",
            show(now),
            show(before),
            show(g)
        ),
    }
}

/// One month's growth target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrowthTarget {
    /// The target month.
    pub period: Period,
    /// The same month a year earlier.
    pub base_period: Period,
    /// Its value; `None` when that month has no data (or is outside the history).
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    pub base: Option<Decimal>,
    /// base × (1 + g), rounded; `None` without a base.
    #[serde(serialize_with = "crate::number::serialize_opt_amount")]
    pub target: Option<Decimal>,
}

/// Growth targets: same month last year × (1 + g).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrowthTargets {
    /// The growth rate used.
    pub growth: Growth,
    /// Decimal places of the targets.
    pub minor_units: u32,
    /// One per target month.
    pub targets: Vec<GrowthTarget>,
    /// Σ of the targets that exist.
    #[serde(serialize_with = "crate::number::serialize_amount")]
    pub total: Decimal,
    /// Target months without a base (no data a year earlier).
    pub missing: Vec<Period>,
    /// How they were computed.
    pub explanation: String,
}

impl GrowthTargets {
    /// The canonical JSON form.
    pub fn to_canonical_json(&self) -> String {
        to_json(self)
    }
}

/// Largest number of decimal places of an amount.
pub(crate) const MAX_MINOR_UNITS: u32 = crate::apportion::MAX_MINOR_UNITS;

/// Targets for `months` months from `start`: the value of the same month a year earlier ×
/// (1 + g), each rounded to `minor_units` places with `rounding`. Values must not be negative;
/// g must be above −1.
pub fn growth_targets(
    history: &Series,
    growth: Growth,
    start: Period,
    months: u32,
    minor_units: u32,
    rounding: RoundingMode,
) -> crate::Result<GrowthTargets> {
    let mut problems = Vec::new();
    history.check_sign(
        &at("history"),
        Sign::NonNegative,
        "for a sales target",
        &mut problems,
    );
    if growth.rate <= -Decimal::ONE {
        problems.push(
            Problem::new(
                at("growth"),
                kinds::OUT_OF_RANGE,
                format!("growth must be above −1, got {}", show(growth.rate)),
            )
            .zh(format!("增长率必须大于 −1，实际为 {}", show(growth.rate))),
        );
    }
    if minor_units > MAX_MINOR_UNITS {
        problems.push(
            Problem::new(
                at("minor_units"),
                kinds::OUT_OF_RANGE,
                format!("at most {MAX_MINOR_UNITS} decimal places"),
            )
            .zh(format!("最多 {MAX_MINOR_UNITS} 位小数")),
        );
    }
    if !(1..=120).contains(&months) {
        problems.push(
            Problem::new(
                at("months"),
                kinds::OUT_OF_RANGE,
                format!("months must be from 1 to 120, got {months}"),
            )
            .zh(format!("月数必须在 1 到 120 之间，实际为 {months}")),
        );
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let factor = Decimal::ONE
        .checked_add(growth.rate)
        .ok_or_else(|| overflow(at("growth")))?;
    let mut targets = Vec::new();
    let mut missing = Vec::new();
    let mut total = Decimal::ZERO;
    for k in 0..i64::from(months) {
        let before = k.checked_sub(12).and_then(|b| start.add_months(b));
        let (Some(period), Some(base_period)) = (start.add_months(k), before) else {
            return Err(input_error(
                at("start"),
                kinds::INVALID_MONTH,
                "the target months run outside years 1–9999",
                "目标月份超出了 1–9999 年的范围",
            ));
        };
        let base = history.get(base_period).flatten();
        let target = match base {
            Some(b) => {
                let t = b
                    .checked_mul(factor)
                    .ok_or_else(|| overflow(at("history")))?;
                let t = at_minor_units(rounding.round(t, minor_units), minor_units);
                total = total
                    .checked_add(t)
                    .ok_or_else(|| overflow(at("history")))?;
                Some(t)
            }
            None => {
                missing.push(period);
                None
            }
        };
        targets.push(GrowthTarget {
            period,
            base_period,
            base,
            target,
        });
    }
    let explanation = format!(
        "Each month's target = the same month a year earlier × (1 + {}) = × {}, rounded to {minor_units} places; {}. Total {}.{}",
        show(growth.rate),
        show(factor),
        growth.explanation,
        show(total),
        if missing.is_empty() {
            String::new()
        } else {
            format!(
                " No target for {}: no data a year earlier.",
                missing.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ")
            )
        }
    );
    Ok(GrowthTargets {
        growth,
        minor_units,
        targets,
        total: at_minor_units(total, minor_units),
        missing,
        explanation,
    })
}

/// JSON request of `growth_targets`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrowthTargetsRequest {
    /// The monthly history (values zero or more).
    pub history: SeriesSpec,
    /// g (e.g. 0.08); omitted → derived from the history ([`derive_growth`]).
    #[serde(default)]
    pub growth: Option<Num>,
    /// First target month (default: the month after the history ends).
    #[serde(default)]
    pub start: Option<String>,
    /// Number of target months (default 12).
    #[serde(default)]
    pub months: Option<u32>,
    /// Decimal places of the targets (default 2).
    #[serde(default)]
    pub minor_units: Option<u32>,
    /// Rounding of each target (default `half_up`).
    #[serde(default)]
    pub rounding: RoundingMode,
}

pub(crate) fn growth_targets_json(request: &str) -> crate::Result<String> {
    let req: GrowthTargetsRequest = parse_json(request, Error::Input)?;
    let mut problems = Vec::new();
    let history = Series::from_spec(&req.history, &at("history"), &mut problems);
    let start = req
        .start
        .as_deref()
        .map(|s| parse_period(s, at("start"), &mut problems));
    let Some(history) = history.filter(|_| problems.is_empty()) else {
        return Err(Error::Input(problems));
    };
    let start = match start {
        Some(Some(s)) => s,
        Some(None) => return Err(Error::Input(problems)),
        None => history.end().and_then(|e| e.add_months(1)).ok_or_else(|| {
            input_error(
                at("history"),
                kinds::INVALID_MONTH,
                "the series runs past year 9999",
                "序列超出了 9999 年",
            )
        })?,
    };
    let growth = growth_rate(&history, req.growth.map(|g| g.0));
    growth_targets(
        &history,
        growth,
        start,
        req.months.unwrap_or(12),
        req.minor_units.unwrap_or(2),
        req.rounding,
    )
    .map(|g| g.to_canonical_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_to_sum_largest_remainder() {
        // Three thirds of 1 to 2 places: 0.33 each, one unit short; equal remainders and values,
        // so the earliest gets it: 0.34, 0.33, 0.33.
        let third = Decimal::ONE / Decimal::from(3);
        let r = round_to_sum(&[third, third, third], Decimal::ONE, 2, "x").unwrap();
        let v: Vec<String> = r.iter().map(|(d, _)| d.to_string()).collect();
        assert_eq!(v, ["0.34", "0.33", "0.33"]);
        // Negative values (additive indices) round down toward −∞: −0.335 → −0.34 and 0.335 →
        // 0.33 (sum −0.01, one unit short); the remainders tie at 0.005, so the larger value
        // (0.335) gets the unit: −0.34, 0.34.
        let r = round_to_sum(
            &[Decimal::new(-335, 3), Decimal::new(335, 3)],
            Decimal::ZERO,
            2,
            "x",
        )
        .unwrap();
        let v: Vec<String> = r.iter().map(|(d, _)| d.to_string()).collect();
        assert_eq!(v, ["-0.34", "0.34"]);
    }
}
