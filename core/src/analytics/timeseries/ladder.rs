//! Targets from history with a fallback ladder for short histories.
//!
//! With n months of data (zero sales counts, `null` does not), the first rung that works is used:
//! 1. n ≥ 24: multiplicative seasonal indices × the annual target;
//! 2. n ≥ 12: the same month last year × (1 + g) (or, with an annual target, the annual target
//!    split in the shape of last year's months);
//! 3. a parent series is given (team, company): the parent's seasonal indices × the annual
//!    target, the annual base being the person's deseasonalised run rate;
//! 4. run rate: the mean of the months with data × 12, spread flat.
//!
//! A rung that cannot be used (too few months, a zero month in a multiplicative model, a month
//! without data a year earlier) is recorded in `skipped` with the reason, and the next is tried.

use super::allocate::{months_at, split_named, MonthAmount, MonthWeights};
use super::seasonal::{
    growth_rate, seasonal_indices_at, Growth, IndexPrecision, Model, DEFAULT_INDEX_SCALE,
    MAX_MINOR_UNITS,
};
use super::series::{
    at, at_minor_units, input_error, overflow, parse_period, show, to_json, Period, Series,
    SeriesSpec, Sign,
};
use crate::error::{kinds, Error, Problem};
use crate::json::parse_json;
use crate::number::Num;
use crate::rounding::RoundingMode;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Which rung of the ladder produced the targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LadderMethod {
    /// 24+ months: seasonal indices × annual target.
    SeasonalIndices,
    /// 12+ months: same month last year × (1 + g).
    LastYearGrowth,
    /// 12+ months with an annual target: the target split in the shape of last year's months.
    LastYearShape,
    /// Under 12 months with a parent series: the parent's seasonal indices.
    ParentSeasonality,
    /// Under 12 months: mean of the months with data × 12, spread flat.
    RunRate,
}

/// A rung that was tried and could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The rung.
    pub method: LadderMethod,
    /// Why not.
    pub reason: String,
}

impl Skipped {
    /// A rung that failed with an error: its problems, joined, are the reason.
    fn because(method: LadderMethod, error: &crate::Error) -> Skipped {
        let reason = error
            .problems()
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("; ");
        Skipped { method, reason }
    }
}

/// Monthly targets from history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryTargets {
    /// The rung used.
    pub method: LadderMethod,
    /// Why this rung.
    pub reason: String,
    /// Rungs above it that could not be used.
    pub skipped: Vec<Skipped>,
    /// Months of history with data.
    pub months_with_data: usize,
    /// The growth rate applied.
    pub growth: Growth,
    /// The annual base before growth (`None` when an annual target was given or the rung does
    /// not use one).
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    pub annual_base: Option<Decimal>,
    /// Σ of the monthly targets.
    #[serde(serialize_with = "crate::number::serialize_amount")]
    pub annual_target: Decimal,
    /// Decimal places of the targets.
    pub minor_units: u32,
    /// The seasonal weights used, January first (seasonal rungs only).
    #[serde(serialize_with = "serialize_opt_indices")]
    pub seasonal_indices: Option<Vec<Decimal>>,
    /// Twelve monthly targets; `weight` is the seasonal index, last year's value, or 1.
    pub targets: Vec<MonthAmount>,
    /// How they were computed.
    pub explanation: String,
}

fn serialize_opt_indices<S: serde::Serializer>(
    v: &Option<Vec<Decimal>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        None => s.serialize_none(),
        Some(list) => s.collect_seq(list.iter().map(|d| d.normalize().to_string())),
    }
}

impl HistoryTargets {
    /// The canonical JSON form.
    pub fn to_canonical_json(&self) -> String {
        to_json(self)
    }
}

/// Inputs of [`targets_from_history`].
#[derive(Debug, Clone)]
pub struct LadderInput {
    /// The person's (or product line's) monthly history; values zero or more.
    pub history: Series,
    /// The parent aggregate's history (team, company), for seasonality when the history is short.
    pub parent: Option<Series>,
    /// The annual target, if set from above; else derived from the history × (1 + g).
    pub annual_target: Option<Decimal>,
    /// g; `None` → derived ([`super::derive_growth`]).
    pub growth: Option<Decimal>,
    /// First target month (default: the month after the history).
    pub start: Option<Period>,
    /// Decimal places of the targets.
    pub minor_units: u32,
    /// Seasonal weights as published (4 places) or before rounding.
    pub index_precision: IndexPrecision,
}

/// Annual base from the latest 12 months: their total if all have data, else the mean of those
/// with data × 12, else the mean of every month with data × 12.
fn annual_base(history: &Series) -> crate::Result<Option<(Decimal, String)>> {
    let y = history.values();
    let latest = y.get(y.len().saturating_sub(12)..).unwrap_or(&[]);
    let of = || overflow(at("history"));
    let mean12 = |vals: Vec<Decimal>| -> crate::Result<Option<Decimal>> {
        if vals.is_empty() {
            return Ok(None);
        }
        let mut s = Decimal::ZERO;
        for v in &vals {
            s = s.checked_add(*v).ok_or_else(of)?;
        }
        let m = s
            .checked_mul(Decimal::from(12))
            .and_then(|x| x.checked_div(Decimal::from(vals.len())))
            .ok_or_else(of)?;
        Ok(Some(m))
    };
    let present: Vec<Decimal> = latest.iter().flatten().copied().collect();
    if latest.len() == 12 && present.len() == 12 {
        let m = mean12(present)?.unwrap_or_default();
        return Ok(Some((m, format!("last 12 months' total {}", show(m)))));
    }
    if !present.is_empty() {
        let k = present.len();
        let m = mean12(present)?.unwrap_or_default();
        return Ok(Some((
            m,
            format!(
                "mean of the {k} months with data among the latest 12 × 12 = {}",
                show(m)
            ),
        )));
    }
    let all: Vec<Decimal> = y.iter().flatten().copied().collect();
    let k = all.len();
    Ok(mean12(all)?.map(|m| {
        (
            m,
            format!("mean of the {k} months with data × 12 = {}", show(m)),
        )
    }))
}

fn grow(base: Decimal, g: &Growth, minor_units: u32) -> crate::Result<Decimal> {
    let f = Decimal::ONE
        .checked_add(g.rate)
        .ok_or_else(|| overflow(at("growth")))?;
    let t = base.checked_mul(f).ok_or_else(|| overflow(at("history")))?;
    Ok(RoundingMode::HalfUp.round(t, minor_units))
}

/// Monthly targets for the 12 months from `start` by the first usable rung of the ladder (see
/// the module docs).
pub fn targets_from_history(input: &LadderInput) -> crate::Result<HistoryTargets> {
    validate(input)?;
    let (start, start_field) = target_window(input)?;
    let ctx = Ctx::new(input, start, start_field);
    let mut skipped = Vec::new();
    let found = climb_ladder(&ctx, &mut skipped)?;
    Ok(ctx.finish(found, skipped))
}

/// Every input problem at once, in field order, before any rung is tried.
fn validate(input: &LadderInput) -> crate::Result<()> {
    let mut problems = Vec::new();
    input.history.check_sign(
        &at("history"),
        Sign::NonNegative,
        "for a sales target",
        &mut problems,
    );
    if let Some(p) = &input.parent {
        p.check_sign(
            &at("parent"),
            Sign::NonNegative,
            "for a sales target",
            &mut problems,
        );
    }
    let mu = input.minor_units;
    if mu > MAX_MINOR_UNITS {
        problems.push(
            Problem::new(
                at("minor_units"),
                kinds::OUT_OF_RANGE,
                format!("at most {MAX_MINOR_UNITS} decimal places"),
            )
            .zh(format!("最多 {MAX_MINOR_UNITS} 位小数")),
        );
    }
    if let Some(a) = input.annual_target {
        if a < Decimal::ZERO {
            problems.push(
                Problem::new(
                    at("annual_target"),
                    kinds::NEGATIVE,
                    format!("must not be negative, got {}", show(a)),
                )
                .zh(format!("不能为负数，实际为 {}", show(a))),
            );
        } else if a.normalize().scale() > mu {
            problems.push(
                Problem::new(
                    at("annual_target"),
                    kinds::TOO_PRECISE,
                    format!(
                        "{} is not a whole number of minor units ({mu} decimal places)",
                        show(a)
                    ),
                )
                .zh(format!(
                    "{} 不是最小货币单位的整数倍（{mu} 位小数）",
                    show(a)
                )),
            );
        }
    }
    if input.growth.is_some_and(|g| g <= -Decimal::ONE) {
        problems.push(
            Problem::new(at("growth"), kinds::OUT_OF_RANGE, "growth must be above −1")
                .zh("增长率必须大于 −1"),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(problems))
    }
}

/// The first target month and the request field it comes from (problems with the 12 months
/// name it).
fn target_window(input: &LadderInput) -> crate::Result<(Period, &'static str)> {
    let start = match input.start {
        Some(s) => s,
        None => input
            .history
            .end()
            .and_then(|e| e.add_months(1))
            .ok_or_else(|| {
                input_error(
                    at("history"),
                    kinds::INVALID_MONTH,
                    "the series runs past year 9999",
                    "序列超出了 9999 年",
                )
            })?,
    };
    let start_field = if input.start.is_some() {
        "start"
    } else {
        "history"
    };
    if start.add_months(11).is_none() {
        return Err(input_error(
            at(start_field),
            kinds::INVALID_MONTH,
            "the 12 target months run past year 9999",
            "12 个目标月份超出了 9999 年",
        ));
    }
    Ok((start, start_field))
}

/// What every rung needs, fixed once the input is valid.
struct Ctx<'a> {
    history: &'a Series,
    parent: Option<&'a Series>,
    annual_target: Option<Decimal>,
    mu: u32,
    /// Months of history with data.
    n: usize,
    growth: Growth,
    start: Period,
    start_field: &'static str,
    /// Split problems name the annual target (or the history it is derived from) for the total.
    total_field: &'static str,
    /// Run-rate bases are shown to two places past the minor unit (mu ≤ MAX_MINOR_UNITS here).
    base_dp: u32,
    precision: IndexPrecision,
}

/// The outcome of one rung: used, or skipped with the reason.
enum Attempt {
    Used(Found),
    Skipped(Skipped),
}

/// What a usable rung produced; [`Ctx::finish`] adds the shared fields.
struct Found {
    method: LadderMethod,
    reason: String,
    annual_base: Option<Decimal>,
    annual: Decimal,
    seasonal_indices: Option<Vec<Decimal>>,
    targets: Vec<MonthAmount>,
    explanation: String,
}

impl<'a> Ctx<'a> {
    fn new(input: &'a LadderInput, start: Period, start_field: &'static str) -> Ctx<'a> {
        let history = &input.history;
        let mu = input.minor_units;
        Ctx {
            precision: input.index_precision,
            history,
            parent: input.parent.as_ref(),
            annual_target: input.annual_target,
            mu,
            n: history.months_with_data(),
            growth: growth_rate(history, input.growth),
            start,
            start_field,
            total_field: if input.annual_target.is_some() {
                "annual_target"
            } else {
                "history"
            },
            base_dp: mu.saturating_add(2),
        }
    }

    fn with_growth(&self, base: Decimal) -> crate::Result<Decimal> {
        grow(base, &self.growth, self.mu)
    }

    /// The annual total split across the 12 target months by `by_month`, largest remainder.
    fn split_by_month(
        &self,
        total: Decimal,
        by_month: [Decimal; 12],
        weights_field: &str,
    ) -> crate::Result<Vec<MonthAmount>> {
        let w = MonthWeights {
            start: self.start,
            count: 12,
            by_month,
        };
        months_at(total, self.total_field, self.mu, &w, weights_field)
    }

    fn finish(self, found: Found, skipped: Vec<Skipped>) -> HistoryTargets {
        HistoryTargets {
            method: found.method,
            reason: found.reason,
            skipped,
            months_with_data: self.n,
            growth: self.growth,
            annual_base: found.annual_base,
            annual_target: at_minor_units(found.annual, self.mu),
            minor_units: self.mu,
            seasonal_indices: found.seasonal_indices,
            targets: found.targets,
            explanation: found.explanation,
        }
    }
}

/// The first usable rung; the ones above it are recorded in `skipped`, in ladder order.
fn climb_ladder(ctx: &Ctx<'_>, skipped: &mut Vec<Skipped>) -> crate::Result<Found> {
    let rungs: [fn(&Ctx<'_>) -> crate::Result<Attempt>; 3] =
        [seasonal_rung, last_year_rung, parent_rung];
    for rung in rungs {
        match rung(ctx)? {
            Attempt::Used(found) => return Ok(found),
            Attempt::Skipped(s) => skipped.push(s),
        }
    }
    run_rate_rung(ctx)
}

/// Twelve weights, January first; months the model has no index for weigh 1.
fn by_month(indices: &[Decimal]) -> [Decimal; 12] {
    let mut by_month = [Decimal::ONE; 12];
    for (slot, v) in by_month.iter_mut().zip(indices) {
        *slot = *v;
    }
    by_month
}

/// Rung 1: the history's own seasonal indices × the annual target.
fn seasonal_rung(ctx: &Ctx<'_>) -> crate::Result<Attempt> {
    let n = ctx.n;
    if n < 24 {
        return Ok(Attempt::Skipped(Skipped {
            method: LadderMethod::SeasonalIndices,
            reason: format!("{n} months with data; seasonal indices need 24"),
        }));
    }
    let s = match seasonal_indices_at(
        ctx.history,
        Model::Multiplicative,
        DEFAULT_INDEX_SCALE,
        "history",
    ) {
        Ok(s) => s,
        Err(e) => {
            return Ok(Attempt::Skipped(Skipped::because(
                LadderMethod::SeasonalIndices,
                &e,
            )))
        }
    };
    let by_month = by_month(&s.weights(ctx.precision));
    let (base, annual, how) = match ctx.annual_target {
        Some(a) => (None, a, format!("annual target {} given", show(a))),
        None => {
            let (b, how) = annual_base(ctx.history)?.ok_or_else(|| {
                input_error(
                    at("history"),
                    kinds::INSUFFICIENT_HISTORY,
                    "no month has data",
                    "没有任何月份有数据",
                )
            })?;
            let a = ctx.with_growth(b)?;
            (
                Some(b),
                a,
                format!(
                    "annual target = {how} × (1 + {}) = {}",
                    show(ctx.growth.rate),
                    show(a)
                ),
            )
        }
    };
    let targets = ctx.split_by_month(annual, by_month, "history")?;
    let reason = format!("{n} months with data (24 or more): seasonal indices");
    let explanation = format!(
        "{reason}. {how}; {}; split across the 12 months from {} by multiplicative seasonal index (classical decomposition, {}), largest remainder to the minor unit.",
        ctx.growth.explanation, ctx.start, precision_words(ctx.precision)
    );
    Ok(Attempt::Used(Found {
        method: LadderMethod::SeasonalIndices,
        reason,
        annual_base: base,
        annual,
        seasonal_indices: Some(by_month.to_vec()),
        targets,
        explanation,
    }))
}

/// Rung 2: the same month last year, grown by g or shaping a given annual target.
fn last_year_rung(ctx: &Ctx<'_>) -> crate::Result<Attempt> {
    let n = ctx.n;
    if n < 12 {
        return Ok(Attempt::Skipped(Skipped {
            method: LadderMethod::LastYearGrowth,
            reason: format!("{n} months with data; last year × growth needs 12"),
        }));
    }
    let (bases, missing) = last_year_bases(ctx)?;
    let total_base = bases
        .iter()
        .try_fold(Decimal::ZERO, |a, (_, v)| a.checked_add(*v))
        .ok_or_else(|| overflow(at("history")))?;
    if !missing.is_empty() {
        return Ok(Attempt::Skipped(Skipped {
            method: LadderMethod::LastYearGrowth,
            reason: format!("no data for {}", missing.join(", ")),
        }));
    }
    if ctx.annual_target.is_some() && total_base.is_zero() {
        return Ok(Attempt::Skipped(Skipped {
            method: LadderMethod::LastYearShape,
            reason: "last year's months sum to zero: no shape to split the annual target by".into(),
        }));
    }
    let reason = format!(
        "{n} months with data (12 or more, seasonal indices not usable): same month last year"
    );
    let (method, targets, annual, how) = match ctx.annual_target {
        Some(a) => {
            let targets = shape_by_last_year(ctx, a, &bases)?;
            (LadderMethod::LastYearShape, targets, a, format!("annual target {} given, split in proportion to the same months last year (total {}), largest remainder to the minor unit", show(a), show(total_base)))
        }
        None => {
            let (targets, sum) = grow_each_month(ctx, &bases)?;
            (LadderMethod::LastYearGrowth, targets, sum, format!("each month = the same month last year × (1 + {}), rounded half-up to {} places; total {}", show(ctx.growth.rate), ctx.mu, show(sum)))
        }
    };
    let explanation = format!("{reason}. {how}; {}.", ctx.growth.explanation);
    Ok(Attempt::Used(Found {
        method,
        reason,
        annual_base: if ctx.annual_target.is_none() {
            Some(total_base)
        } else {
            None
        },
        annual,
        seasonal_indices: None,
        targets,
        explanation,
    }))
}

/// Each target month with the value a year before it, and the ones without data (described).
type LastYear = (Vec<(Period, Decimal)>, Vec<String>);

fn last_year_bases(ctx: &Ctx<'_>) -> crate::Result<LastYear> {
    let start = ctx.start;
    let mut bases = Vec::with_capacity(12);
    let mut missing = Vec::new();
    for k in 0..12i64 {
        let before = k.checked_sub(12).and_then(|b| start.add_months(b));
        let (Some(p), Some(b)) = (start.add_months(k), before) else {
            return Err(input_error(
                at("start"),
                kinds::INVALID_MONTH,
                "the target months run outside years 1–9999",
                "目标月份超出了 1–9999 年的范围",
            ));
        };
        match ctx.history.get(b).flatten() {
            Some(v) => bases.push((p, v)),
            None => missing.push(format!("{b} (a year before {p})")),
        }
    }
    Ok((bases, missing))
}

/// The given annual target split in proportion to last year's months, largest remainder.
fn shape_by_last_year(
    ctx: &Ctx<'_>,
    annual: Decimal,
    bases: &[(Period, Decimal)],
) -> crate::Result<Vec<MonthAmount>> {
    let w: Vec<(Arc<str>, Decimal)> = bases
        .iter()
        .map(|(p, v)| (Arc::from(p.to_string()), *v))
        .collect();
    let shares = split_named(annual, ctx.total_field, ctx.mu, &w, "history")?;
    Ok(bases
        .iter()
        .zip(shares)
        .map(|((p, v), s)| MonthAmount {
            period: *p,
            weight: *v,
            exact: s.exact,
            amount: s.amount,
            got_remainder_unit: s.got_remainder_unit,
        })
        .collect())
}

/// Each month = last year's × (1 + g), rounded half-up on its own; returns the targets and
/// their sum.
fn grow_each_month(
    ctx: &Ctx<'_>,
    bases: &[(Period, Decimal)],
) -> crate::Result<(Vec<MonthAmount>, Decimal)> {
    let mu = ctx.mu;
    let f = Decimal::ONE
        .checked_add(ctx.growth.rate)
        .ok_or_else(|| overflow(at("growth")))?;
    let mut targets = Vec::with_capacity(12);
    let mut sum = Decimal::ZERO;
    for (p, v) in bases {
        let exact = v.checked_mul(f).ok_or_else(|| overflow(at("history")))?;
        let amount = at_minor_units(RoundingMode::HalfUp.round(exact, mu), mu);
        sum = sum
            .checked_add(amount)
            .ok_or_else(|| overflow(at("history")))?;
        targets.push(MonthAmount {
            period: *p,
            weight: *v,
            exact,
            amount,
            got_remainder_unit: false,
        });
    }
    Ok((targets, sum))
}

/// Rung 3: the parent's seasonal indices × the annual target, the base being the person's
/// deseasonalised run rate.
fn parent_rung(ctx: &Ctx<'_>) -> crate::Result<Attempt> {
    let Some(parent) = ctx.parent else {
        return Ok(Attempt::Skipped(Skipped {
            method: LadderMethod::ParentSeasonality,
            reason: "no parent series given".into(),
        }));
    };
    let idx =
        match seasonal_indices_at(parent, Model::Multiplicative, DEFAULT_INDEX_SCALE, "parent") {
            Ok(s) => s.weights(ctx.precision),
            Err(e) => {
                return Ok(Attempt::Skipped(Skipped::because(
                    LadderMethod::ParentSeasonality,
                    &e,
                )))
            }
        };
    let by_month = by_month(&idx);
    let (base, k) = deseasonalised_base(ctx.history, &by_month)?;
    let (base, annual, how) = match (ctx.annual_target, base) {
        (Some(a), _) => (None, a, format!("annual target {} given", show(a))),
        (None, Some(b)) => {
            let a = ctx.with_growth(b)?;
            (Some(b), a, format!(
                "annual target = deseasonalised run rate (mean of value ÷ parent index over {k} month(s) with data × 12 = {}) × (1 + {}) = {}",
                show(b.round_dp(ctx.base_dp)), show(ctx.growth.rate), show(a)
            ))
        }
        (None, None) => {
            return Ok(Attempt::Skipped(Skipped {
                method: LadderMethod::ParentSeasonality,
                reason: "no month of the history has data".into(),
            }))
        }
    };
    let targets = ctx.split_by_month(annual, by_month, "parent")?;
    let reason = format!(
        "{} months with data (under 12) and a parent series: the parent's seasonal indices",
        ctx.n
    );
    let explanation = format!("{reason}. {how}; {}; split across the 12 months from {} by the parent's multiplicative seasonal index, largest remainder to the minor unit.", ctx.growth.explanation, ctx.start);
    Ok(Attempt::Used(Found {
        method: LadderMethod::ParentSeasonality,
        reason,
        annual_base: base.map(|b| b.round_dp(ctx.base_dp)),
        annual,
        seasonal_indices: Some(idx),
        targets,
        explanation,
    }))
}

/// Deseasonalised run rate: mean of y_t ÷ s(month of t), × 12 (`None` when no month with data
/// has a positive index), and how many months it is over.
fn deseasonalised_base(
    history: &Series,
    by_month: &[Decimal; 12],
) -> crate::Result<(Option<Decimal>, u32)> {
    let mut sum = Decimal::ZERO;
    let mut k = 0u32;
    for (i, v) in history.values().iter().enumerate() {
        let (Some(v), Some(p)) = (v, history.period(i)) else {
            continue;
        };
        let s = by_month.get(p.month0()).copied().unwrap_or(Decimal::ONE);
        if s > Decimal::ZERO {
            sum = sum
                .checked_add(v.checked_div(s).ok_or_else(|| overflow(at("history")))?)
                .ok_or_else(|| overflow(at("history")))?;
            k = k.checked_add(1).ok_or_else(|| overflow(at("history")))?;
        }
    }
    if k == 0 {
        return Ok((None, k));
    }
    let base = sum
        .checked_mul(Decimal::from(12))
        .and_then(|x| x.checked_div(Decimal::from(k)))
        .ok_or_else(|| overflow(at("history")))?;
    Ok((Some(base), k))
}

/// Rung 4 (always usable unless there is nothing to base a target on): run rate, spread flat.
fn run_rate_rung(ctx: &Ctx<'_>) -> crate::Result<Found> {
    let (base, annual, how) = match ctx.annual_target {
        Some(a) => (None, a, format!("annual target {} given", show(a))),
        None => {
            let (b, months) = run_rate_base(ctx.history)?;
            let a = ctx.with_growth(b)?;
            let shown = b.round_dp(ctx.base_dp);
            (Some(shown), a, format!("annual target = run rate (mean of {months} month(s) with data × 12 = {}) × (1 + {}) = {}", show(shown), show(ctx.growth.rate), show(a)))
        }
    };
    let flat = MonthWeights::flat(ctx.start, 12);
    let targets = months_at(annual, ctx.total_field, ctx.mu, &flat, ctx.start_field)?;
    let reason = format!("{} months with data: run rate, spread flat", ctx.n);
    let explanation = format!("{reason}. {how}; {}; split equally across the 12 months from {}, largest remainder to the minor unit (earlier months first on ties).", ctx.growth.explanation, ctx.start);
    Ok(Found {
        method: LadderMethod::RunRate,
        reason,
        annual_base: base,
        annual,
        seasonal_indices: None,
        targets,
        explanation,
    })
}

/// Mean of the months with data × 12, and how many there are.
fn run_rate_base(history: &Series) -> crate::Result<(Decimal, usize)> {
    let all: Vec<Decimal> = history.values().iter().flatten().copied().collect();
    if all.is_empty() {
        return Err(input_error(
            at("history"),
            kinds::INSUFFICIENT_HISTORY,
            "no month has data and no annual_target is given: nothing to base a target on",
            "没有任何月份有数据，也没有给出 annual_target：无法据此制定目标",
        ));
    }
    let mut s = Decimal::ZERO;
    for v in &all {
        s = s.checked_add(*v).ok_or_else(|| overflow(at("history")))?;
    }
    let b = s
        .checked_mul(Decimal::from(12))
        .and_then(|x| x.checked_div(Decimal::from(all.len())))
        .ok_or_else(|| overflow(at("history")))?;
    Ok((b, all.len()))
}

/// JSON request of `targets_from_history`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsFromHistoryRequest {
    /// The monthly history (values zero or more).
    pub history: SeriesSpec,
    /// The parent aggregate's history, for seasonality when the history is short.
    #[serde(default)]
    pub parent: Option<SeriesSpec>,
    /// The annual target, if set from above.
    #[serde(default)]
    pub annual_target: Option<Num>,
    /// g; omitted → derived.
    #[serde(default)]
    pub growth: Option<Num>,
    /// First target month (default: the month after the history).
    #[serde(default)]
    pub start: Option<String>,
    /// Decimal places of the targets (default 2).
    #[serde(default)]
    pub minor_units: Option<u32>,
    /// `rounded` (default: the published 4-place indices) or `full` (before rounding).
    #[serde(default)]
    pub index_precision: IndexPrecision,
}

/// How the seasonal weights were taken, for explanations.
fn precision_words(p: IndexPrecision) -> &'static str {
    match p {
        IndexPrecision::Rounded => "4 places",
        IndexPrecision::Full => "full precision, before rounding",
    }
}

pub(crate) fn targets_from_history_json(request: &str) -> crate::Result<String> {
    let req: TargetsFromHistoryRequest = parse_json(request, Error::Input)?;
    let mut problems = Vec::new();
    let history = Series::from_spec(&req.history, &at("history"), &mut problems);
    let parent = req
        .parent
        .as_ref()
        .map(|p| Series::from_spec(p, &at("parent"), &mut problems));
    let start = req
        .start
        .as_deref()
        .map(|s| parse_period(s, at("start"), &mut problems));
    let (Some(history), true) = (history, problems.is_empty()) else {
        return Err(Error::Input(problems));
    };
    targets_from_history(&LadderInput {
        history,
        parent: parent.flatten(),
        annual_target: req.annual_target.map(|a| a.0),
        growth: req.growth.map(|g| g.0),
        start: start.flatten(),
        minor_units: req.minor_units.unwrap_or(2),
        index_precision: req.index_precision,
    })
    .map(|t| t.to_canonical_json())
}
