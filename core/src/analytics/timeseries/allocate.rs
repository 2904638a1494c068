//! Top-down allocation: an exact total split across months (by seasonal index), parts (people,
//! product lines, by weight or historical share), or parts then months, to the minor unit.
//!
//! Every split is [`crate::apportion::split_pool`]'s largest-remainder method: exact share = total ×
//! weight ÷ Σ weights; each part first gets its share truncated to the minor unit; the units left
//! go one each to the largest remainders, ties to the larger weight, then to the earlier position.
//! The parts sum exactly to the whole.

use super::seasonal::{
    seasonal_indices_at, IndexPrecision, Model, DEFAULT_INDEX_SCALE, MAX_MINOR_UNITS,
};
use super::series::{
    at, at_minor_units, input_error, negative_weight, not_whole_minor_units, nothing_to_allocate,
    overflow, parse_period, show, to_json, too_many_places, Period, Series, SeriesSpec, Sign,
};
use crate::error::{kinds, loc, shown, Error, Loc, Problem};
use crate::json::parse_json;
use crate::number::Num;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Decimal places of the `share` shown for each part (half-up; display only).
pub(crate) const SHARE_SCALE: u32 = 6;
/// Most months one allocation spreads over.
pub(crate) const MAX_ALLOCATION_MONTHS: u32 = 120;

/// One part of an exact split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Share {
    /// Who or what.
    pub id: Arc<str>,
    /// Its weight.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub weight: Decimal,
    /// total × weight ÷ Σ weights, before rounding.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub exact: Decimal,
    /// The amount, to the minor unit.
    #[serde(serialize_with = "crate::number::serialize_amount")]
    pub amount: Decimal,
    /// Whether it received one of the left-over minor units.
    pub got_remainder_unit: bool,
}

/// Splits `total` (zero or more, a whole number of minor units) by `weights` (zero or more, not
/// all zero) to `minor_units` places; the amounts sum exactly to `total`. See the module docs.
pub fn split_exact(
    total: Decimal,
    minor_units: u32,
    weights: &[(Arc<str>, Decimal)],
    path: &str,
) -> crate::Result<Vec<Share>> {
    split_named(total, "total", minor_units, weights, path)
}

/// [`split_exact`] with problems about the total reported at `total_path`, the request field it
/// came from.
pub(crate) fn split_named(
    total: Decimal,
    total_path: &str,
    minor_units: u32,
    weights: &[(Arc<str>, Decimal)],
    path: &str,
) -> crate::Result<Vec<Share>> {
    let mut problems = Vec::new();
    if minor_units > MAX_MINOR_UNITS {
        problems.push(too_many_places(at("minor_units")));
    } else if total.normalize().scale() > minor_units {
        problems.push(not_whole_minor_units(at(total_path), total, minor_units));
    }
    if total < Decimal::ZERO {
        let t = show(total);
        problems.push(
            Problem::new(
                at(total_path),
                kinds::NEGATIVE,
                format!("the total must not be negative, got {t}"),
            )
            .zh(format!("总额不能为负数，实际为 {t}")),
        );
    }
    if weights.is_empty() {
        problems.push(nothing_to_allocate(at(path)));
    }
    let mut sum = Decimal::ZERO;
    for (i, (_, w)) in weights.iter().enumerate() {
        if *w < Decimal::ZERO {
            problems.push(negative_weight(at(path).index(i), *w));
        }
        sum = sum.checked_add(*w).ok_or_else(|| overflow(at(path)))?;
    }
    if problems.is_empty() && sum.is_zero() {
        problems.push(
            Problem::new(
                at(path),
                kinds::NOTHING_TO_WEIGH,
                "every weight is zero: nothing to split by",
            )
            .zh("所有权重都为零：无法据此分配"),
        );
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    if total.is_zero() {
        return Ok(weights
            .iter()
            .map(|(id, w)| Share {
                id: id.clone(),
                weight: *w,
                exact: Decimal::ZERO,
                amount: at_minor_units(Decimal::ZERO, minor_units),
                got_remainder_unit: false,
            })
            .collect());
    }
    // After the checks above only an overflow is left; split_pool names it by its own
    // parameters (`pool`, `weights`), so name the request's fields instead.
    let shares = crate::apportion::split_pool(total, minor_units, weights).map_err(|e| {
        Error::Input(
            e.problems()
                .iter()
                .map(|p| {
                    let field = match p.path().as_str() {
                        "pool" => total_path,
                        "minor_units" => "minor_units",
                        _ => path,
                    };
                    let mut p = p.clone();
                    p.loc = at(field);
                    p
                })
                .collect(),
        )
    })?;
    Ok(shares
        .into_iter()
        .map(|s| Share {
            id: s.id,
            weight: s.weight,
            exact: s.exact,
            amount: s.amount,
            got_remainder_unit: s.got_remainder_unit,
        })
        .collect())
}

/// How months are weighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthWeights {
    /// First month.
    pub start: Period,
    /// Number of months.
    pub count: u32,
    /// Weight of each calendar month, January first (multiplicative seasonal indices, or all 1
    /// for a flat spread).
    pub by_month: [Decimal; 12],
}

impl MonthWeights {
    /// Equal weights: a flat spread.
    pub fn flat(start: Period, count: u32) -> MonthWeights {
        MonthWeights {
            start,
            count,
            by_month: [Decimal::ONE; 12],
        }
    }

    fn list(&self, path: &str) -> crate::Result<Vec<(Period, Decimal)>> {
        (0..i64::from(self.count))
            .map(|k| {
                let p = self.start.add_months(k).ok_or_else(|| {
                    input_error(
                        at(path),
                        kinds::INVALID_MONTH,
                        "the months run past year 9999",
                        "月份超出了 9999 年",
                    )
                })?;
                Ok((
                    p,
                    self.by_month
                        .get(p.month0())
                        .copied()
                        .unwrap_or(Decimal::ZERO),
                ))
            })
            .collect()
    }
}

/// One month's part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthAmount {
    /// The month.
    pub period: Period,
    /// Its weight (seasonal index).
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub weight: Decimal,
    /// Exact share before rounding.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub exact: Decimal,
    /// The amount, to the minor unit.
    #[serde(serialize_with = "crate::number::serialize_amount")]
    pub amount: Decimal,
    /// Whether it received one of the left-over minor units.
    pub got_remainder_unit: bool,
}

/// Splits `total` across months by `weights`; amounts sum exactly to `total`.
pub fn allocate_to_months(
    total: Decimal,
    minor_units: u32,
    weights: &MonthWeights,
) -> crate::Result<Vec<MonthAmount>> {
    months_at(total, "total", minor_units, weights, "months")
}

/// Splits `total` across months; problems name `total_path` (the total's request field) and
/// `path` (the weights').
pub(crate) fn months_at(
    total: Decimal,
    total_path: &str,
    minor_units: u32,
    weights: &MonthWeights,
    path: &str,
) -> crate::Result<Vec<MonthAmount>> {
    let list = weights.list(path)?;
    let w: Vec<(Arc<str>, Decimal)> = list
        .iter()
        .map(|(p, w)| (Arc::from(p.to_string()), *w))
        .collect();
    let shares = split_named(total, total_path, minor_units, &w, path)?;
    Ok(list
        .into_iter()
        .zip(shares)
        .map(|((period, weight), s)| MonthAmount {
            period,
            weight,
            exact: s.exact,
            amount: s.amount,
            got_remainder_unit: s.got_remainder_unit,
        })
        .collect())
}

/// Historical share weights: each part's Σ of values (no-data months count nothing) over the
/// `window` months ending at the latest month any part has.
pub fn history_weights(
    parts: &[(Arc<str>, Series)],
    window: u32,
) -> crate::Result<Vec<(Arc<str>, Decimal)>> {
    let end = parts.iter().filter_map(|(_, s)| s.end()).max();
    let Some(end) = end else {
        return Err(input_error(
            at("parts"),
            kinds::INSUFFICIENT_HISTORY,
            "no history to take shares from",
            "没有可用于计算占比的历史数据",
        ));
    };
    let first = 1i64
        .checked_sub(i64::from(window.max(1)))
        .and_then(|back| end.add_months(back))
        .ok_or_else(|| {
            input_error(
                at("share_months"),
                kinds::INVALID_MONTH,
                "the window starts before year 1",
                "取数窗口早于公元 1 年",
            )
        })?;
    let mut out = Vec::with_capacity(parts.len());
    for (id, s) in parts {
        let mut sum = Decimal::ZERO;
        for (i, v) in s.values().iter().enumerate() {
            match (v, s.period(i)) {
                (Some(v), Some(p)) if p >= first && p <= end => {
                    sum = sum.checked_add(*v).ok_or_else(|| overflow(at("parts")))?;
                }
                _ => {}
            }
        }
        out.push((id.clone(), sum));
    }
    Ok(out)
}

/// One part (person, product line) of an allocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartAmount {
    /// Who or what.
    pub id: Arc<str>,
    /// Its weight (given, or its historical total).
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub weight: Decimal,
    /// weight ÷ Σ weights, to 6 places (display only).
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub share: Decimal,
    /// Exact amount before rounding.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub exact: Decimal,
    /// The amount, to the minor unit.
    #[serde(serialize_with = "crate::number::serialize_amount")]
    pub amount: Decimal,
    /// Whether it received one of the left-over minor units.
    pub got_remainder_unit: bool,
    /// Its amount by month (two-level allocation), summing exactly to `amount`; else empty.
    pub months: Vec<MonthAmount>,
}

/// What an allocation split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationMethod {
    /// Months by weight (seasonal index, or flat).
    Months,
    /// Parts by weight or historical share.
    Parts,
    /// Parts first, then each part's amount across months.
    PartsThenMonths,
}

/// An exact top-down allocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// What was split by.
    pub method: AllocationMethod,
    /// The whole.
    #[serde(serialize_with = "crate::number::serialize_amount")]
    pub total: Decimal,
    /// Decimal places of the amounts.
    pub minor_units: u32,
    /// Parts (empty for a months-only allocation).
    pub parts: Vec<PartAmount>,
    /// Months (months-only allocation; empty otherwise).
    pub months: Vec<MonthAmount>,
    /// How it was split.
    pub explanation: String,
}

impl Allocation {
    /// The canonical JSON form.
    pub fn to_canonical_json(&self) -> String {
        to_json(self)
    }
}

/// Allocates `total` to `parts` (by weight), to `months`, or to parts then each part to months.
pub fn allocate_target(
    total: Decimal,
    minor_units: u32,
    parts: Option<&[(Arc<str>, Decimal)]>,
    months: Option<&MonthWeights>,
) -> crate::Result<Allocation> {
    let rule = "largest remainder: truncated to the minor unit, left-over units to the largest remainders (ties: larger weight, then earlier)";
    match (parts, months) {
        (None, None) => Err(input_error(
            Loc::root(),
            kinds::MISSING,
            "give `parts`, `months`, or both",
            "请给出 `parts`、`months`，或两者都给出",
        )),
        (None, Some(m)) => {
            let months = months_at(total, "total", minor_units, m, "months")?;
            let explanation = format!(
                "{} split across {} months from {} by seasonal weight ({rule}); the months sum to exactly {}.",
                show(total), m.count, m.start, show(total)
            );
            Ok(Allocation {
                method: AllocationMethod::Months,
                total: at_minor_units(total, minor_units),
                minor_units,
                parts: Vec::new(),
                months,
                explanation,
            })
        }
        (Some(p), m) => {
            let shares = split_exact(total, minor_units, p, "parts")?;
            let sum_w = p
                .iter()
                .try_fold(Decimal::ZERO, |a, (_, w)| a.checked_add(*w))
                .ok_or_else(|| overflow(at("parts")))?;
            let mut out = Vec::with_capacity(shares.len());
            for (i, s) in shares.into_iter().enumerate() {
                let share = s
                    .weight
                    .checked_div(sum_w)
                    .map(|x| x.round_dp(SHARE_SCALE))
                    .ok_or_else(|| overflow(at("parts")))?;
                let months = match m {
                    Some(m) => months_at(
                        s.amount,
                        "total",
                        minor_units,
                        m,
                        &format!("parts[{i}].months"),
                    )?,
                    None => Vec::new(),
                };
                out.push(PartAmount {
                    id: s.id,
                    weight: s.weight,
                    share,
                    exact: s.exact,
                    amount: s.amount,
                    got_remainder_unit: s.got_remainder_unit,
                    months,
                });
            }
            let explanation = match m {
                None => format!(
                    "{} split across {} parts by weight ({rule}); the parts sum to exactly {}.",
                    show(total), out.len(), show(total)
                ),
                Some(m) => format!(
                    "{} split across {} parts by weight, then each part's amount across {} months from {} by seasonal weight ({rule}); every level sums exactly to the level above.",
                    show(total), out.len(), m.count, m.start
                ),
            };
            Ok(Allocation {
                method: if m.is_some() {
                    AllocationMethod::PartsThenMonths
                } else {
                    AllocationMethod::Parts
                },
                total: at_minor_units(total, minor_units),
                minor_units,
                parts: out,
                months: Vec::new(),
                explanation,
            })
        }
    }
}

/// A part in an `allocate_target` request: a weight, or a history to take its share from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartSpec {
    /// Person or product-line id.
    pub id: String,
    /// A weight (zero or more).
    #[serde(default)]
    pub weight: Option<Num>,
    /// Or a monthly history: the weight is its total over the share window.
    #[serde(default)]
    pub history: Option<SeriesSpec>,
}

/// The months in an `allocate_target` request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthsSpec {
    /// First month, `YYYY-MM`.
    pub start: String,
    /// Number of months (default 12).
    #[serde(default)]
    pub count: Option<u32>,
    /// Twelve weights (multiplicative seasonal indices), January first.
    #[serde(default)]
    pub indices: Option<Vec<Num>>,
    /// Or a history to compute multiplicative indices from (4 places). Neither → flat.
    #[serde(default)]
    pub history: Option<SeriesSpec>,
    /// With `history`: weigh by the published 4-place indices (`rounded`, the default) or by
    /// the indices before rounding (`full`).
    #[serde(default)]
    pub index_precision: Option<IndexPrecision>,
}

/// JSON request of `allocate_target`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocateTargetRequest {
    /// The whole to split (zero or more).
    pub total: Num,
    /// Decimal places of the amounts (default 2; 0 = whole yuan).
    #[serde(default)]
    pub minor_units: Option<u32>,
    /// Parts to split among.
    #[serde(default)]
    pub parts: Option<Vec<PartSpec>>,
    /// Months to split across (after the parts, when both are given).
    #[serde(default)]
    pub months: Option<MonthsSpec>,
    /// Months of history behind a historical share (default 12).
    #[serde(default)]
    pub share_months: Option<u32>,
}

/// Validates a request's months; problems are pushed.
fn month_weights(spec: &MonthsSpec, problems: &mut Vec<Problem>) -> Option<MonthWeights> {
    let start = parse_period(&spec.start, loc!("months", "start"), problems);
    let count = spec.count.unwrap_or(12);
    if !(1..=MAX_ALLOCATION_MONTHS).contains(&count) {
        problems.push(
            Problem::new(
                loc!("months", "count"),
                kinds::OUT_OF_RANGE,
                format!("count must be from 1 to {MAX_ALLOCATION_MONTHS}, got {count}"),
            )
            .zh(format!(
                "月数必须在 1 到 {MAX_ALLOCATION_MONTHS} 之间，实际为 {count}"
            )),
        );
    }
    let mut by_month = [Decimal::ONE; 12];
    match (&spec.indices, &spec.history) {
        (Some(_), Some(_)) => problems.push(
            Problem::new(
                loc!("months"),
                kinds::CONFLICTING_FIELDS,
                "give `indices` or `history`, not both",
            )
            .zh("`indices` 与 `history` 只能二选一，不能同时给出"),
        ),
        (Some(ix), None) => {
            if ix.len() != 12 {
                let n = ix.len();
                problems.push(
                    Problem::new(
                        loc!("months", "indices"),
                        kinds::WRONG_COUNT,
                        format!("expected 12 indices (January first), got {n}"),
                    )
                    .zh(format!("需要 12 个月度指数（从一月开始），实际为 {n} 个")),
                );
            }
            for (i, (slot, v)) in by_month.iter_mut().zip(ix).enumerate() {
                if v.0 < Decimal::ZERO {
                    let x = show(v.0);
                    problems.push(
                        Problem::new(
                            loc!("months", "indices", i),
                            kinds::NEGATIVE,
                            format!("index is negative ({x})"),
                        )
                        .zh(format!("指数为负数（{x}）")),
                    );
                }
                *slot = v.0;
            }
        }
        (None, Some(h)) => {
            let mut p = Vec::new();
            if let Some(series) = Series::from_spec(h, &loc!("months", "history"), &mut p) {
                match seasonal_indices_at(
                    &series,
                    Model::Multiplicative,
                    DEFAULT_INDEX_SCALE,
                    "months.history",
                ) {
                    Ok(s) => {
                        let precision = spec.index_precision.unwrap_or_default();
                        for (slot, v) in by_month.iter_mut().zip(s.weights(precision)) {
                            *slot = v;
                        }
                    }
                    Err(e) => p.extend(e.problems().iter().cloned()),
                }
            }
            problems.extend(p);
        }
        (None, None) => {}
    }
    if spec.history.is_none() && spec.index_precision.is_some() {
        problems.push(
            Problem::new(
                loc!("months", "index_precision"),
                kinds::CONFLICTING_FIELDS,
                "`index_precision` applies to indices computed from `history`",
            )
            .zh("`index_precision` 仅适用于由 `history` 计算的季节指数"),
        );
    }
    start.map(|start| MonthWeights {
        start,
        count,
        by_month,
    })
}

pub(crate) fn allocate_target_json(request: &str) -> crate::Result<String> {
    let req: AllocateTargetRequest = parse_json(request, Error::Input)?;
    let mut problems = Vec::new();
    let minor_units = req.minor_units.unwrap_or(2);
    let months = req.months.as_ref().map(|m| month_weights(m, &mut problems));
    let mut parts: Option<Vec<(Arc<str>, Decimal)>> = None;
    if let Some(list) = &req.parts {
        if list.is_empty() {
            problems.push(nothing_to_allocate(loc!("parts")));
        }
        let mut seen = std::collections::HashSet::new();
        let mut given = Vec::new();
        let mut histories = Vec::new();
        for (i, p) in list.iter().enumerate() {
            if p.id.trim().is_empty() {
                problems.push(
                    Problem::new(loc!("parts", i, "id"), kinds::EMPTY, "id is empty").zh("id 为空"),
                );
            } else if !seen.insert(p.id.as_str()) {
                let id = shown(&p.id);
                problems.push(
                    Problem::new(
                        loc!("parts", i, "id"),
                        kinds::DUPLICATE,
                        format!("duplicate id `{id}`"),
                    )
                    .zh(format!("id `{id}` 重复")),
                );
            }
            match (&p.weight, &p.history) {
                (Some(w), None) => {
                    if w.0 < Decimal::ZERO {
                        problems.push(negative_weight(loc!("parts", i, "weight"), w.0));
                    }
                    given.push((Arc::from(p.id.as_str()), w.0));
                }
                (None, Some(h)) => {
                    let path = loc!("parts", i, "history");
                    if let Some(s) = Series::from_spec(h, &path, &mut problems) {
                        s.check_sign(
                            &path,
                            Sign::NonNegative,
                            "for a historical share",
                            &mut problems,
                        );
                        histories.push((Arc::from(p.id.as_str()), s));
                    }
                }
                _ => problems.push(
                    Problem::new(
                        loc!("parts", i),
                        kinds::MISSING,
                        "give `weight` or `history`",
                    )
                    .zh("请给出 `weight` 或 `history` 其中之一"),
                ),
            }
        }
        if !given.is_empty() && !histories.is_empty() {
            problems.push(
                Problem::new(
                    loc!("parts"),
                    kinds::CONFLICTING_FIELDS,
                    "give every part a `weight`, or every part a `history`, not a mix",
                )
                .zh("要么每一项都给 `weight`，要么每一项都给 `history`，不能混用"),
            );
        }
        let window = req.share_months.unwrap_or(12);
        if !(1..=120).contains(&window) {
            problems.push(
                Problem::new(
                    loc!("share_months"),
                    kinds::OUT_OF_RANGE,
                    format!("share_months must be from 1 to 120, got {window}"),
                )
                .zh(format!(
                    "share_months 必须在 1 到 120 之间，实际为 {window}"
                )),
            );
        }
        if problems.is_empty() {
            parts = Some(if histories.is_empty() {
                given
            } else {
                history_weights(&histories, window)?
            });
        }
    } else if req.share_months.is_some() {
        problems.push(
            Problem::new(
                loc!("share_months"),
                kinds::NOT_ALLOWED,
                "only used with `parts` that have a history",
            )
            .zh("只有在 `parts` 带有历史数据时才使用"),
        );
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let months = months.flatten();
    allocate_target(req.total.0, minor_units, parts.as_deref(), months.as_ref())
        .map(|a| a.to_canonical_json())
}
