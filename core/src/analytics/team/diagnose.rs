//! Scheme diagnostics: does each indicator separate people, do indicators repeat each other,
//! does each carry the weight the plan gives it, do grades come out as intended, and are the
//! 360 ratings reliable.
//!
//! Per indicator over the batch: mean, sample standard deviation, min and max of its points
//! (people left out for missing data excluded), the share of people at its cap and at its
//! floor (the scorecard's bound flags), missing and left out, and the share holding the most
//! common score. Between indicators: Pearson's r of their points. Effective weight:
//!
//! ```text
//! effective_i = cov(contribution_i, W) ÷ var(W) × 100,   W = weighted total = Σ_i contribution_i
//! ```
//!
//! the share of the spread (variance) of weighted totals each indicator accounts for; because
//! `W` is exactly the sum of the contributions, the effective weights sum to 100 (before
//! rounding). Adjustments, vetoes and total bounds are outside `W`, so they do not distort it.
//! Thresholds for findings are the constants below; all are documented in
//! `docs/analytics-team.md`.
//!
//! # Limits and cost
//!
//! With `I` indicators and `n` people: the per-indicator statistics take O(I · n log n), the
//! correlations O(I² · n) (every pair over the people scored on both). Three limits bound them:
//! at most [`MAX_INDICATORS`] indicators, [`MAX_CELLS`] indicator scores (`I × n`) and
//! [`MAX_PAIR_STEPS`] correlation steps (`I (I − 1) / 2 × n`); beyond any of them the request is
//! an input error (all of them at once, before anything is scored). The result is
//! O(I + [`MAX_CORRELATIONS`]) in size: every pair is listed while there are at most
//! [`MAX_CORRELATIONS`] of them; above that only the redundant pairs (|r| ≥ [`REDUNDANT_R`]),
//! strongest first, at most [`MAX_CORRELATIONS`], with the number of pairs left out in
//! `correlations_omitted`.

use super::calibrate::Quota;
use super::rollup::grades_best_first;
use super::{
    check_batch, f, load, mean, parse_request, percent, prefix, rounded, score, stat, to_json,
    Finding, Severity,
};
use crate::error::{kinds, shown, Error, Loc, Problem};
use crate::explain::{amount, fixed2};
use crate::feedback::{Feedback, FeedbackRound, Reliability};
use crate::method::Bound;
use crate::plan::Plan;
use crate::record::Record;
use crate::scorecard::{IndicatorScore, Scorecard};
use crate::stats::{co_moment, pearson, sample_sd, Stat, Undefined};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::Arc;

use crate::number::{serialize_decimal as dec, serialize_opt_decimal as opt_dec};

/// Fewest people (scored people, for `no_discrimination`) for any per-indicator finding.
pub(crate) const MIN_PEOPLE: usize = 2;
/// `no_discrimination` when at least this percent of scored people share one score.
pub(crate) const IDENTICAL_SHARE: u32 = 90;
/// `ceiling_effect` / `floor_effect` when at least this percent are at the cap / floor.
pub(crate) const BOUND_SHARE: u32 = 50;
/// `often_missing` when at least this percent of people have the indicator's data missing.
pub(crate) const MISSING_SHARE: u32 = 20;
/// `redundant_pair` when |r| (rounded to 4 places) is at least this.
pub(crate) const REDUNDANT_R: f64 = 0.9;
/// `weight_drift` when effective ÷ nominal weight is below 1/this or above this.
pub(crate) const DRIFT_RATIO: f64 = 2.0;
/// `grade_distribution_off` when a grade's share differs from the intended one by at least this
/// many percentage points.
pub(crate) const GRADE_GAP: u32 = 10;
/// `low_reliability` when Krippendorff's alpha (interval) is below this (Krippendorff's lowest
/// acceptable level for tentative conclusions).
pub(crate) const MIN_ALPHA: f64 = 0.667;
/// Most indicators a diagnosed plan may have (the result has one entry per indicator).
pub(crate) const MAX_INDICATORS: usize = 1_000;
/// Most indicator scores (indicators × records) a diagnosed batch may have.
pub(crate) const MAX_CELLS: usize = 1_000_000;
/// Most correlation steps (indicator pairs × records) a diagnosis may take: 1,000 indicators
/// over 250 records, 500 over 1,002 (below 252 indicators [`MAX_CELLS`] comes first).
pub(crate) const MAX_PAIR_STEPS: usize = 125_000_000;
/// Most indicator pairs listed in `correlations` (and `redundant_pair` findings): all pairs
/// while a plan has at most this many (25 indicators give 300), else the strongest redundant.
pub(crate) const MAX_CORRELATIONS: usize = 300;

/// What to diagnose beyond the batch itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagnosisOptions {
    /// The intended grade distribution, best first (plan grades; shares sum to 100); grades not
    /// listed are intended at 0%.
    #[serde(default)]
    pub intended: Vec<Quota>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    plan: serde_json::Value,
    records: serde_json::Value,
    #[serde(default)]
    intended: Vec<Quota>,
    #[serde(default)]
    feedback: Option<serde_json::Value>,
    #[serde(default)]
    responses: Option<serde_json::Value>,
}

/// The diagnosis of a scheme on one batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    /// People in the batch.
    pub people: usize,
    /// Per indicator, in plan order.
    pub indicators: Vec<IndicatorDiagnosis>,
    /// Pearson's r between every pair of indicators' points, in plan order, while there are
    /// at most 300 pairs; above that only the redundant pairs (|r| ≥
    /// 0.9), strongest first (then plan order), at most 300.
    pub correlations: Vec<Correlation>,
    /// Pairs not listed in `correlations` (absent from the JSON when all are listed).
    #[serde(skip_serializing_if = "is_zero")]
    pub correlations_omitted: usize,
    /// Sample standard deviation of the weighted totals.
    pub weighted_total_sd: Stat,
    /// The grade distribution (best first), against the intended one if given.
    pub grades: Vec<GradeShare>,
    /// 360 reliability of the feedback round, if one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reliability: Option<Reliability>,
    /// Plain-language findings, most specific first: per indicator, pairs, weights, grades, 360.
    pub findings: Vec<Finding>,
}

/// One indicator's behaviour over the batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorDiagnosis {
    /// Indicator id.
    pub id: Arc<str>,
    /// Display name.
    pub name: Arc<str>,
    /// People scored on it (not left out).
    pub scored: usize,
    /// Mean points of the scored people.
    #[serde(serialize_with = "opt_dec")]
    pub mean: Option<Decimal>,
    /// Sample standard deviation of their points.
    pub sd: Stat,
    /// Lowest points.
    #[serde(serialize_with = "opt_dec")]
    pub min: Option<Decimal>,
    /// Highest points.
    #[serde(serialize_with = "opt_dec")]
    pub max: Option<Decimal>,
    /// Percent of all people whose points were lowered to the cap.
    #[serde(serialize_with = "opt_dec")]
    pub at_cap: Option<Decimal>,
    /// Percent of all people whose points were raised to the floor.
    #[serde(serialize_with = "opt_dec")]
    pub at_floor: Option<Decimal>,
    /// Percent of all people with a needed measure missing (scored as zero or left out).
    #[serde(serialize_with = "opt_dec")]
    pub missing: Option<Decimal>,
    /// Percent of all people left out of it.
    #[serde(serialize_with = "opt_dec")]
    pub left_out: Option<Decimal>,
    /// The most common score (the lowest such, if several are equally common).
    #[serde(serialize_with = "opt_dec")]
    pub most_common_score: Option<Decimal>,
    /// Percent of the scored people holding it.
    #[serde(serialize_with = "opt_dec")]
    pub identical: Option<Decimal>,
    /// Weight in the total as planned: section weight × indicator weight ÷ 100, percent.
    #[serde(serialize_with = "dec")]
    pub nominal_weight: Decimal,
    /// Percent of the variance of weighted totals it accounts for.
    pub effective_weight: Stat,
}

/// Pearson's r between two indicators.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correlation {
    /// First indicator.
    pub a: Arc<str>,
    /// Second indicator.
    pub b: Arc<str>,
    /// People scored on both.
    pub people: usize,
    /// r, or why it is undefined (fewer than 3 people, or one side constant).
    pub r: Stat,
}

/// One grade's share of the batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeShare {
    /// The grade.
    pub grade: Arc<str>,
    /// People with it.
    pub count: usize,
    /// Percent of the batch.
    #[serde(serialize_with = "opt_dec")]
    pub share: Option<Decimal>,
    /// Intended percent, when an intended distribution was given.
    #[serde(serialize_with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub intended: Option<Decimal>,
    /// share − intended, percentage points.
    #[serde(serialize_with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub difference: Option<Decimal>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Diagnosis {
    /// The canonical JSON every binding returns byte for byte.
    pub fn to_canonical_json(&self) -> String {
        to_json(self)
    }
}

fn check(plan: &Plan, options: &DiagnosisOptions, problems: &mut Vec<Problem>) {
    if options.intended.is_empty() {
        return;
    }
    let grades: HashSet<&str> = plan.grade_names().collect();
    let mut seen = HashSet::new();
    let mut total = Decimal::ZERO;
    for (i, q) in options.intended.iter().enumerate() {
        let at = |field: &str| Loc::root().key("intended").index(i).key(field);
        let g = shown(&q.grade);
        if !grades.contains(q.grade.as_str()) {
            problems.push(
                Problem::new(
                    at("grade"),
                    kinds::UNKNOWN_REFERENCE,
                    format!("the plan has no grade `{g}`"),
                )
                .zh(format!("方案中没有等级 `{g}`")),
            );
        } else if !seen.insert(q.grade.as_str()) {
            problems.push(
                Problem::new(
                    at("grade"),
                    kinds::DUPLICATE,
                    format!("grade `{g}` is listed twice"),
                )
                .zh(format!("等级 `{g}` 重复列出")),
            );
        }
        if q.share.0 < Decimal::ZERO {
            let share = q.share.0.normalize();
            problems.push(
                Problem::new(
                    at("share"),
                    kinds::NEGATIVE,
                    format!("share is negative ({share}%)"),
                )
                .zh(format!("比例为负数（{share}%）")),
            );
        }
        total = total.checked_add(q.share.0).unwrap_or(Decimal::MAX);
    }
    if total != Decimal::ONE_HUNDRED {
        let total = total.normalize();
        problems.push(
            Problem::new(
                Loc::root().key("intended"),
                kinds::WEIGHTS_DO_NOT_SUM,
                format!("shares sum to {total}%, expected 100%"),
            )
            .zh(format!("各等级预期比例合计为 {total}%，应为 100%")),
        );
    }
}

/// The size limits: [`MAX_INDICATORS`], [`MAX_CELLS`] and [`MAX_PAIR_STEPS`].
fn check_size(indicators: usize, records: usize, problems: &mut Vec<Problem>) {
    if indicators > MAX_INDICATORS {
        problems.push(
            Problem::new(
                Loc::root().key("plan"),
                kinds::TOO_MANY,
                format!(
                    "diagnose takes plans of at most {MAX_INDICATORS} indicators; this plan has {indicators}"
                ),
            )
            .zh(format!(
                "方案诊断最多支持 {MAX_INDICATORS} 个指标；该方案有 {indicators} 个"
            )),
        );
    }
    let cells = indicators.checked_mul(records);
    if cells.is_none_or(|c| c > MAX_CELLS) {
        let product = cells.map_or_else(String::new, |c| format!(" = {c}"));
        problems.push(
            Problem::new(
                Loc::root().key("records"),
                kinds::TOO_MANY,
                format!(
                    "diagnose takes at most {MAX_CELLS} indicator scores (indicators × records); this batch has {indicators} × {records}{product}: diagnose a sample, or one department or team at a time"
                ),
            )
            .zh(format!(
                "方案诊断最多支持 {MAX_CELLS} 个指标得分（指标数 × 记录数）；本批次为 {indicators} × {records}{product}：请抽样诊断，或每次只诊断一个部门或团队"
            )),
        );
    }
    let pairs = indicators.saturating_mul(indicators.saturating_sub(1)) / 2;
    let steps = pairs.checked_mul(records);
    if steps.is_none_or(|s| s > MAX_PAIR_STEPS) {
        let most = MAX_PAIR_STEPS.checked_div(pairs).unwrap_or(0);
        let product = steps.map_or_else(String::new, |s| format!(" = {s}"));
        problems.push(
            Problem::new(
                Loc::root().key("records"),
                kinds::TOO_MANY,
                format!(
                    "diagnose correlates every pair of indicators over the records, at most {MAX_PAIR_STEPS} pair × record steps; {indicators} indicators make {pairs} pairs × {records} records{product}: diagnose at most {most} records at a time (a sample, or one department or team), or fewer indicators"
                ),
            )
            .zh(format!(
                "方案诊断要对每两个指标在全部记录上计算相关性，最多 {MAX_PAIR_STEPS} 步（指标对数 × 记录数）；{indicators} 个指标构成 {pairs} 对 × {records} 条记录{product}：请每次最多诊断 {most} 条记录（抽样，或只诊断一个部门或团队），或减少指标"
            )),
        );
    }
}

/// Nominal weight of each indicator in the total, percent, in plan order.
fn nominal_weights(plan: &Plan) -> Vec<Decimal> {
    let mut w = vec![Decimal::ZERO; plan.indicators.len()];
    for s in &plan.sections {
        for i in s.indicators.clone() {
            if let (Some(slot), Some(ind)) = (w.get_mut(i), plan.indicators.get(i)) {
                *slot = s
                    .weight
                    .checked_mul(ind.weight)
                    .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
                    .unwrap_or(Decimal::ZERO)
                    .normalize();
            }
        }
    }
    w
}

/// Diagnoses the scheme on a scored batch; `feedback` adds the 360 round's reliability.
///
/// Errors when the plan has more than 1,000 indicators, or the batch more than
/// 1,000,000 indicator scores or 125,000,000 indicator pairs × people. Cost
/// O(I · n log n + I² · n) for I indicators and n people; result size O(I + 300).
pub fn diagnose(
    plan: &Plan,
    records: &[Record],
    cards: &[Scorecard],
    options: &DiagnosisOptions,
    feedback: Option<&FeedbackRound>,
) -> crate::Result<Diagnosis> {
    check_batch(records, cards)?;
    let mut problems = Vec::new();
    check(plan, options, &mut problems);
    check_size(plan.indicators.len(), records.len(), &mut problems);
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let n = cards.len();
    let lines: Vec<Vec<&IndicatorScore>> = cards.iter().map(|c| c.indicators().collect()).collect();
    let line = |person: usize, ind: usize| lines.get(person).and_then(|l| l.get(ind)).copied();
    let nominal = nominal_weights(plan);
    let totals: Vec<f64> = cards.iter().map(|c| f(c.weighted_total)).collect();
    let var_w = if n >= 2 {
        co_moment(&totals, &totals)
    } else {
        0.0
    };
    let mut findings = Vec::new();
    if n == 0 {
        findings.push(Finding::new(
            Severity::Info,
            None,
            "empty_batch",
            "The batch is empty: there is nothing to diagnose.".into(),
            "没有人员数据，无法诊断。".into(),
        ));
    }
    let mut indicators = Vec::with_capacity(plan.indicators.len());
    for (ii, ind) in plan.indicators.iter().enumerate() {
        let all: Vec<&IndicatorScore> = (0..n).filter_map(|p| line(p, ii)).collect();
        let scored: Vec<Decimal> = all
            .iter()
            .filter(|l| !l.left_out())
            .map(|l| l.score.normalize())
            .collect();
        let count = |pred: &dyn Fn(&IndicatorScore) -> bool| all.iter().filter(|l| pred(l)).count();
        let at_cap = count(&|l| l.bound == Some(Bound::Cap));
        let at_floor = count(&|l| l.bound == Some(Bound::Floor));
        let missing = count(&|l| l.missing.is_some());
        let left_out = count(&|l| l.left_out());
        let (mode, mode_count) = most_common(&scored);
        let xs: Vec<f64> = scored.iter().map(|d| f(*d)).collect();
        let sd = rounded(sample_sd(&xs));
        let effective = if n < 2 {
            Stat::Undefined {
                reason: Undefined::NotEnoughData,
            }
        } else if var_w <= 0.0 {
            Stat::Undefined {
                reason: Undefined::ZeroVariance,
            }
        } else {
            let c: Vec<f64> = (0..n)
                .map(|p| line(p, ii).map_or(0.0, |l| f(l.contribution)))
                .collect();
            stat(co_moment(&c, &totals) / var_w * 100.0)
        };
        let d = IndicatorDiagnosis {
            id: ind.id.clone(),
            name: ind.name.clone(),
            scored: scored.len(),
            mean: mean(&scored),
            sd,
            min: scored.iter().min().copied(),
            max: scored.iter().max().copied(),
            at_cap: percent(at_cap, n),
            at_floor: percent(at_floor, n),
            missing: percent(missing, n),
            left_out: percent(left_out, n),
            most_common_score: mode,
            identical: percent(mode_count, scored.len()),
            nominal_weight: nominal.get(ii).copied().unwrap_or(Decimal::ZERO),
            effective_weight: effective,
        };
        indicator_findings(&d, n, &mut findings);
        indicators.push(d);
    }
    let (correlations, correlations_omitted) = correlate(&lines, &indicators, n, &mut findings);
    for d in &indicators {
        weight_finding(d, &mut findings);
    }
    let grades = grade_shares(plan, cards, options, &mut findings);
    let reliability = feedback.map(|r| r.reliability.clone());
    if let Some(r) = &reliability {
        reliability_finding(r, &mut findings);
    }
    Ok(Diagnosis {
        people: n,
        indicators,
        correlations,
        correlations_omitted,
        weighted_total_sd: rounded(sample_sd(&totals)),
        grades,
        reliability,
        findings,
    })
}

/// One indicator's points per person (`None` when left out), with its mean, deviations and sum
/// of squared deviations when nobody is left out (then every pair with it over the whole batch
/// reuses them).
struct Column {
    points: Vec<Option<f64>>,
    full: Option<(Vec<f64>, f64)>,
}

impl Column {
    fn new(points: Vec<Option<f64>>) -> Column {
        let all: Option<Vec<f64>> = points.iter().copied().collect();
        // Exactly the arithmetic of `co_moment`: mean in order, then Σ (x − x̄)(x − x̄) in order.
        let full = all.filter(|xs| !xs.is_empty()).map(|xs| {
            let m = xs.iter().sum::<f64>() / xs.len() as f64;
            let dev: Vec<f64> = xs.iter().map(|x| x - m).collect();
            let ss = dev.iter().map(|d| d * d).sum::<f64>();
            (dev, ss)
        });
        Column { points, full }
    }
}

/// Pearson's r of two columns over the people scored on both, and how many they are: the same
/// bits as [`pearson`] on those people's points (its sums, in the same order).
fn pair_r(a: &Column, b: &Column) -> (usize, Stat) {
    if let (Some((da, sa)), Some((db, sb))) = (&a.full, &b.full) {
        // Nobody left out: Sxy = Σ (x − x̄)(y − ȳ) from the stored deviations.
        let people = da.len();
        if people < 3 {
            return (people, pearson(&[], &[]));
        }
        let sxy: f64 = da.iter().zip(db).map(|(x, y)| x * y).sum();
        return (people, r_of(sxy, *sa, *sb));
    }
    let both = || {
        a.points
            .iter()
            .zip(&b.points)
            .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
    };
    let people = both().count();
    if people < 3 {
        return (people, pearson(&[], &[]));
    }
    // Two passes instead of `pearson`'s nine; each sum runs over the same values in the same
    // order as there, from −0.0 as `Iterator::sum` does.
    let (sum_x, sum_y) = both().fold((-0.0_f64, -0.0_f64), |(sx, sy), (x, y)| (sx + x, sy + y));
    let (mx, my) = (sum_x / people as f64, sum_y / people as f64);
    let zero = -0.0_f64;
    let (sxy, sxx, syy) = both().fold((zero, zero, zero), |(sxy, sxx, syy), (x, y)| {
        let (dx, dy) = (x - mx, y - my);
        (sxy + dx * dy, sxx + dx * dx, syy + dy * dy)
    });
    (people, r_of(sxy, sxx, syy))
}

/// r from the co-moment and the two sums of squares, as [`pearson`] finishes.
fn r_of(sxy: f64, sxx: f64, syy: f64) -> Stat {
    if sxx <= 0.0 || syy <= 0.0 {
        return Stat::Undefined {
            reason: Undefined::ZeroVariance,
        };
    }
    stat((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0))
}

/// The correlations to list, the number of pairs left out, and the `redundant_pair` findings
/// (see [`Diagnosis::correlations`]). O(I² · n) time, O(I · n + I²) memory at most.
fn correlate(
    lines: &[Vec<&IndicatorScore>],
    indicators: &[IndicatorDiagnosis],
    n: usize,
    findings: &mut Vec<Finding>,
) -> (Vec<Correlation>, usize) {
    let count = indicators.len();
    let columns: Vec<Column> = (0..count)
        .map(|ii| {
            Column::new(
                lines
                    .iter()
                    .map(|l| l.get(ii).filter(|s| !s.left_out()).map(|s| f(s.score)))
                    .collect(),
            )
        })
        .collect();
    let pairs = count.saturating_mul(count.saturating_sub(1)) / 2;
    let correlation = |a: usize, b: usize, people: usize, r: Stat| {
        let (ia, ib) = (indicators.get(a)?, indicators.get(b)?);
        Some((
            Correlation {
                a: ia.id.clone(),
                b: ib.id.clone(),
                people,
                r,
            },
            ia,
            ib,
        ))
    };
    let mut listed = Vec::new();
    if pairs <= MAX_CORRELATIONS {
        // Every pair, in plan order.
        for a in 0..count {
            for b in a.saturating_add(1)..count {
                let (Some(ca), Some(cb)) = (columns.get(a), columns.get(b)) else {
                    continue;
                };
                let (people, r) = pair_r(ca, cb);
                if let Some((c, ia, ib)) = correlation(a, b, people, r) {
                    pair_finding(&c, ia, ib, findings);
                    listed.push(c);
                }
            }
        }
        return (listed, 0);
    }
    // Only redundant pairs; none below 3 people (r is undefined there).
    let mut redundant: Vec<(f64, usize, usize, usize, Stat)> = Vec::new();
    if n >= 3 {
        for a in 0..count {
            for b in a.saturating_add(1)..count {
                let (Some(ca), Some(cb)) = (columns.get(a), columns.get(b)) else {
                    continue;
                };
                let (people, r) = pair_r(ca, cb);
                if let Some(v) = r.value().filter(|v| v.abs() >= REDUNDANT_R) {
                    redundant.push((v.abs(), a, b, people, r));
                }
            }
        }
    }
    // Strongest first, then plan order.
    redundant.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let more = redundant.len().saturating_sub(MAX_CORRELATIONS);
    for &(_, a, b, people, r) in redundant.iter().take(MAX_CORRELATIONS) {
        if let Some((c, ia, ib)) = correlation(a, b, people, r) {
            pair_finding(&c, ia, ib, findings);
            listed.push(c);
        }
    }
    if more > 0 {
        findings.push(Finding::new(
            Severity::Warning,
            None,
            "redundant_pairs_not_listed",
            format!(
                "{more} more pairs of indicators move together (|r| ≥ {REDUNDANT_R}) beyond the {MAX_CORRELATIONS} strongest listed: many indicators measure the same thing."
            ),
            format!(
                "除已列出的最强 {MAX_CORRELATIONS} 对外，另有 {more} 对指标高度相关（|r| ≥ {REDUNDANT_R}）：许多指标衡量的是同一件事。"
            ),
        ));
    }
    let omitted = pairs.saturating_sub(listed.len());
    (listed, omitted)
}

/// The most common value (lowest among equally common) and its count.
fn most_common(values: &[Decimal]) -> (Option<Decimal>, usize) {
    let mut v = values.to_vec();
    v.sort();
    let mut best: (Option<Decimal>, usize) = (None, 0);
    let mut i = 0;
    while let Some(x) = v.get(i) {
        let run = v.iter().skip(i).take_while(|y| *y == x).count();
        if run > best.1 {
            best = (Some(*x), run);
        }
        i = i.saturating_add(run.max(1));
    }
    best
}

fn pct_at_least(p: Option<Decimal>, threshold: u32) -> bool {
    p.is_some_and(|p| p >= Decimal::from(threshold))
}

fn indicator_findings(d: &IndicatorDiagnosis, people: usize, out: &mut Vec<Finding>) {
    // One person says nothing about a scheme: findings need at least two.
    if people < MIN_PEOPLE {
        return;
    }
    let id = Some(&*d.id);
    let name = &d.name;
    if d.scored >= MIN_PEOPLE {
        if let (Some(score), Some(share)) = (d.most_common_score, d.identical) {
            let everyone = share == Decimal::ONE_HUNDRED;
            if everyone || share >= Decimal::from(IDENTICAL_SHARE) {
                let (en, zh) = if everyone {
                    (
                        format!(
                            "Everyone scores {} on {name}: it does not discriminate.",
                            amount(score)
                        ),
                        format!(
                            "所有人在「{name}」上都得 {} 分：该指标没有区分度。",
                            amount(score)
                        ),
                    )
                } else {
                    (
                        format!(
                            "{}% of people score {} on {name}: it hardly discriminates.",
                            fixed2(share),
                            amount(score)
                        ),
                        format!(
                            "{}% 的人在「{name}」上得 {} 分：该指标区分度很低。",
                            fixed2(share),
                            amount(score)
                        ),
                    )
                };
                out.push(Finding::new(
                    Severity::Warning,
                    id,
                    "no_discrimination",
                    en,
                    zh,
                ));
            }
        }
    }
    if pct_at_least(d.at_cap, BOUND_SHARE) {
        let p = fixed2(d.at_cap.unwrap_or_default());
        out.push(Finding::new(
            Severity::Warning,
            id,
            "ceiling_effect",
            format!("{p}% of people hit the cap on {name}: raise the cap or the target so the best can stand out."),
            format!("{p}% 的人在「{name}」上封顶：可提高封顶值或目标，以区分优秀者。"),
        ));
    }
    if pct_at_least(d.at_floor, BOUND_SHARE) {
        let p = fixed2(d.at_floor.unwrap_or_default());
        out.push(Finding::new(
            Severity::Warning,
            id,
            "floor_effect",
            format!("{p}% of people are at the floor on {name}: the target may be out of reach."),
            format!("{p}% 的人在「{name}」上触底：目标可能过高。"),
        ));
    }
    if pct_at_least(d.missing, MISSING_SHARE) {
        let p = fixed2(d.missing.unwrap_or_default());
        out.push(Finding::new(
            Severity::Warning,
            id,
            "often_missing",
            format!("Data for {name} is missing for {p}% of people: check how it is collected."),
            format!("{p}% 的人缺少「{name}」的数据：请检查数据采集。"),
        ));
    }
}

fn pair_finding(
    c: &Correlation,
    a: &IndicatorDiagnosis,
    b: &IndicatorDiagnosis,
    out: &mut Vec<Finding>,
) {
    let Some(r) = c.r.value() else { return };
    if r.abs() < REDUNDANT_R {
        return;
    }
    let (en, zh) = if r > 0.0 {
        (
            format!(
                "{} and {} move together (r = {r:.2}): they measure the same thing; consider merging them or dropping one.",
                a.name, b.name
            ),
            format!(
                "「{}」与「{}」高度相关（r = {r:.2}）：衡量的是同一件事，可考虑合并或删去其一。",
                a.name, b.name
            ),
        )
    } else {
        (
            format!(
                "{} and {} move in opposite directions (r = {r:.2}): they pull the total against each other.",
                a.name, b.name
            ),
            format!(
                "「{}」与「{}」高度负相关（r = {r:.2}）：两者在总分中相互抵消。",
                a.name, b.name
            ),
        )
    };
    out.push(Finding::new(
        Severity::Warning,
        Some(&*a.id),
        "redundant_pair",
        en,
        zh,
    ));
}

fn weight_finding(d: &IndicatorDiagnosis, out: &mut Vec<Finding>) {
    let Some(e) = d.effective_weight.value() else {
        return;
    };
    let nominal = f(d.nominal_weight);
    if nominal <= 0.0 {
        return;
    }
    let ratio = e / nominal;
    if (1.0 / DRIFT_RATIO..=DRIFT_RATIO).contains(&ratio) {
        return;
    }
    let (en_tail, zh_verb, zh_tail) = if ratio > DRIFT_RATIO {
        (
            "it drives the ranking far more than planned",
            "却",
            "对排名的影响远超设计",
        )
    } else {
        ("it barely moves the ranking", "只", "几乎不影响排名")
    };
    out.push(Finding::new(
        Severity::Warning,
        Some(&*d.id),
        "weight_drift",
        format!(
            "{} is {}% of the plan but accounts for {e:.2}% of the spread in weighted totals: {en_tail}.",
            d.name,
            fixed2(d.nominal_weight)
        ),
        format!(
            "「{}」名义权重 {}%，{zh_verb}解释了加权总分差异的 {e:.2}%：{zh_tail}。",
            d.name,
            fixed2(d.nominal_weight)
        ),
    ));
}

fn grade_shares(
    plan: &Plan,
    cards: &[Scorecard],
    options: &DiagnosisOptions,
    out: &mut Vec<Finding>,
) -> Vec<GradeShare> {
    let n = cards.len();
    let given = !options.intended.is_empty();
    let mut rows = Vec::new();
    for g in grades_best_first(plan) {
        let count = cards.iter().filter(|c| c.grade == g).count();
        let share = percent(count, n);
        let intended = given.then(|| {
            options
                .intended
                .iter()
                .find(|q| *q.grade == *g)
                .map_or(Decimal::ZERO, |q| q.share.0.normalize())
        });
        let difference = match (share, intended) {
            (Some(s), Some(i)) => s.checked_sub(i).map(|x| x.normalize()),
            _ => None,
        };
        if let (Some(diff), Some(s), Some(i)) = (difference, share, intended) {
            if diff.abs() >= Decimal::from(GRADE_GAP) {
                let sign = if diff > Decimal::ZERO { "+" } else { "" };
                out.push(Finding::new(
                    Severity::Warning,
                    None,
                    "grade_distribution_off",
                    format!(
                        "Grade {g}: {}% of people against an intended {}% ({sign}{} points).",
                        fixed2(s),
                        fixed2(i),
                        fixed2(diff)
                    ),
                    format!(
                        "等级 {g}：实际 {}%，预期 {}%（相差 {sign}{} 个百分点）。",
                        fixed2(s),
                        fixed2(i),
                        fixed2(diff)
                    ),
                ));
            }
        }
        rows.push(GradeShare {
            grade: g,
            count,
            share,
            intended,
            difference,
        });
    }
    rows
}

fn reliability_finding(r: &Reliability, out: &mut Vec<Finding>) {
    match r.alpha_interval {
        Stat::Value { value } if value < MIN_ALPHA => out.push(Finding::new(
            Severity::Warning,
            None,
            "low_reliability",
            format!(
                "360 raters agree poorly (Krippendorff's alpha, interval = {value:.2}, below {MIN_ALPHA}): treat 360 scores as tentative."
            ),
            format!(
                "360 评价者之间一致性低（Krippendorff alpha（等距）= {value:.2}，低于 {MIN_ALPHA}）：360 得分仅供参考。"
            ),
        )),
        Stat::Value { .. } => {}
        Stat::Undefined { reason } => out.push(Finding::new(
            Severity::Info,
            None,
            "reliability_undefined",
            format!(
                "360 reliability cannot be computed for this round ({}).",
                serde_json::to_value(reason)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            ),
            "本轮 360 数据无法计算信度。".into(),
        )),
    }
}

/// Compiles and aggregates an optional feedback round given in a request.
pub(crate) fn feedback_round(
    feedback: Option<&serde_json::Value>,
    responses: Option<&serde_json::Value>,
) -> crate::Result<Option<FeedbackRound>> {
    let (fb, responses) = match (feedback, responses) {
        (None, None) => return Ok(None),
        (Some(f), Some(r)) => (f, r),
        (Some(_), None) => {
            return Err(Error::Input(vec![Problem::new(
                Loc::root().key("responses"),
                kinds::MISSING_FIELD,
                "a feedback configuration needs its responses",
            )
            .zh("给出了 360 反馈配置，就需要同时给出作答数据（responses）")]))
        }
        (None, Some(_)) => {
            return Err(Error::Input(vec![Problem::new(
                Loc::root().key("feedback"),
                kinds::MISSING_FIELD,
                "responses need their feedback configuration",
            )
            .zh("给出了作答数据，就需要同时给出 360 反馈配置（feedback）")]))
        }
    };
    let fb = Feedback::from_json(&fb.to_string()).map_err(|e| match e {
        Error::Plan(p) => Error::Input(prefix("feedback", p)),
        Error::Input(p) => Error::Input(prefix("feedback", p)),
    })?;
    let parsed = fb
        .responses_from_json(&responses.to_string())
        .map_err(|e| Error::Input(prefix("responses", e.problems().to_vec())))?;
    fb.aggregate(&parsed).map(Some)
}

/// The `diagnose` operation on a JSON request.
pub(crate) fn run_json(request: &str) -> crate::Result<String> {
    let req: Request = parse_request(request)?;
    let (plan, records) = load(&req.plan, &req.records)?;
    let round = feedback_round(req.feedback.as_ref(), req.responses.as_ref())?;
    let options = DiagnosisOptions {
        intended: req.intended,
    };
    let mut problems = Vec::new();
    check(&plan, &options, &mut problems);
    let before = problems.len();
    check_size(plan.indicators.len(), records.len(), &mut problems);
    if problems.len() > before {
        // Too large to score and diagnose: report without doing the work.
        return Err(Error::Input(problems));
    }
    let s = score(plan, records, problems)?;
    diagnose(&s.plan, &s.records, &s.cards, &options, round.as_ref()).map(|d| d.to_canonical_json())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    /// Integer weights summing to exactly 100 over `count` parts (the last takes the rest).
    fn weights(count: usize) -> Vec<usize> {
        let each = 100 / count;
        (0..count)
            .map(|i| {
                if i + 1 == count {
                    100 - each * (count - 1)
                } else {
                    each
                }
            })
            .collect()
    }

    /// A `diagnose` request: `indicators` ratio indicators (target 100, cap 150) in sections of
    /// at most 100, and `people` records whose actual on indicator `i` is `actual(i, person)`
    /// (`None`: no measures at all, enough for requests that must fail on their size).
    fn request(
        indicators: usize,
        people: usize,
        actual: impl Fn(usize, usize) -> Option<f64>,
    ) -> String {
        let sections: Vec<Vec<usize>> = (0..indicators)
            .collect::<Vec<_>>()
            .chunks(100)
            .map(<[usize]>::to_vec)
            .collect();
        let section_weights = weights(sections.len());
        let plan = json!({
            "id": "wide",
            "name": "Wide plan",
            "measures": (0..indicators).map(|i| json!({"id": format!("m{i}")})).collect::<Vec<_>>(),
            "sections": sections.iter().zip(&section_weights).enumerate().map(|(s, (ids, w))| {
                let iw = weights(ids.len());
                json!({
                    "id": format!("s{s}"),
                    "weight": w,
                    "indicators": ids.iter().zip(&iw).map(|(i, w)| json!({
                        "id": format!("i{i}"),
                        "name": format!("Indicator {i}"),
                        "weight": w,
                        "actual": format!("m{i}"),
                        "target": 100,
                        "scoring": {"method": "ratio", "cap": 150}
                    })).collect::<Vec<_>>()
                })
            }).collect::<Vec<_>>(),
            "grades": [{"grade": "C", "to": 80}, {"grade": "B", "from": 80, "to": 95}, {"grade": "A", "from": 95}]
        });
        let records: Vec<Value> = (0..people)
            .map(|p| {
                let measures: serde_json::Map<String, Value> = (0..indicators)
                    .filter_map(|i| Some((format!("m{i}"), json!(actual(i, p)?))))
                    .collect();
                json!({"id": format!("E{p}"), "measures": measures})
            })
            .collect();
        json!({"plan": plan, "records": records}).to_string()
    }

    fn codes(out: &Value, code: &str) -> Vec<Value> {
        out["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == code)
            .cloned()
            .collect()
    }

    /// A pseudo-random actual in 50..150 (fixed LCG on the indicator and person, no randomness).
    fn noise(i: usize, p: usize) -> Option<f64> {
        let x = (i as u64 * 2_654_435_761 + p as u64 * 40_503 + 12_345) % 1_000_003;
        Some(50.0 + (x % 10_000) as f64 / 100.0)
    }

    #[test]
    fn at_the_indicator_limit_the_result_is_bounded() {
        // MAX_INDICATORS indicators, 3 people with actuals 50, 70, 90 on every indicator: every
        // one of the 1000 × 999 ÷ 2 = 499,500 pairs has r = 1. Listed: the 300 strongest, ties in
        // plan order, i.e. i0 with i1 … i300; the other 499,200 are counted, not listed.
        let text = request(MAX_INDICATORS, 3, |_, p| Some(50.0 + 20.0 * p as f64));
        let out = crate::analytics::run_json("diagnose", &text).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        let listed = v["correlations"].as_array().unwrap();
        assert_eq!(listed.len(), MAX_CORRELATIONS);
        assert_eq!(v["correlations_omitted"], 499_200);
        assert_eq!(
            (&listed[0]["a"], &listed[0]["b"]),
            (&json!("i0"), &json!("i1"))
        );
        assert_eq!(listed[299]["b"], "i300");
        assert_eq!(listed[0]["r"], json!({"status": "value", "value": 1.0}));
        assert_eq!(codes(&v, "redundant_pair").len(), MAX_CORRELATIONS);
        let more = codes(&v, "redundant_pairs_not_listed");
        assert_eq!(more.len(), 1);
        assert!(more[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("499200 more pairs"));
        // Size: O(indicators + MAX_CORRELATIONS), here about 0.6 MB (all pairs would be ~40 MB).
        assert_eq!(v["indicators"].as_array().unwrap().len(), MAX_INDICATORS);
        assert!(out.len() < 1_000_000, "{} bytes", out.len());
    }

    #[test]
    fn many_unrelated_indicators_give_a_short_list() {
        // 1000 indicators × 25 people with unrelated actuals (12,487,500 pair steps, a tenth of
        // the limit; the limit itself is checked in `size_limits_hand_checked`): of the 499,500
        // pairs few if any reach |r| ≥ 0.9, so the list is short and the rest is counted.
        let text = request(MAX_INDICATORS, 25, noise);
        let out = crate::analytics::run_json("diagnose", &text).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        let listed = v["correlations"].as_array().unwrap().len();
        assert!(listed <= MAX_CORRELATIONS);
        assert_eq!(
            v["correlations_omitted"].as_u64().unwrap() as usize + listed,
            499_500
        );
        assert_eq!(codes(&v, "redundant_pair").len(), listed);
        assert_eq!(v["people"], 25);
        assert!(out.len() < 1_000_000, "{} bytes", out.len());
    }

    #[test]
    fn size_limits_hand_checked() {
        let paths = |i, n| {
            let mut p = Vec::new();
            check_size(i, n, &mut p);
            p.into_iter().map(|p| p.path()).collect::<Vec<_>>()
        };
        // At each limit: 1000 indicators; 10 × 100,000 = 1,000,000 scores (45 pairs × 100,000
        // = 4,500,000 steps); 1000 × 250 (124,875,000 steps).
        assert!(paths(1_000, 3).is_empty());
        assert!(paths(10, 100_000).is_empty());
        assert!(paths(1_000, 250).is_empty());
        // One over each: 1001 indicators; 10 × 100,001 scores; 1000 × 251 → 125,374,500 steps.
        assert_eq!(paths(1_001, 3), ["plan"]);
        assert_eq!(paths(10, 100_001), ["records"]);
        assert_eq!(paths(1_000, 251), ["records"]);
        // Overflowing products are over the limit, not wrapped.
        assert_eq!(paths(1, usize::MAX), ["records"]);
        assert_eq!(
            paths(usize::MAX, usize::MAX),
            ["plan", "records", "records"]
        );
    }

    #[test]
    fn above_the_limits_is_a_typed_error_before_scoring() {
        let problems = |text: &str| match crate::analytics::run_json("diagnose", text) {
            Err(Error::Input(p)) => p,
            other => panic!("expected an input error, got {other:?}"),
        };
        // One record over the pair-step limit: 499,500 pairs × 251 = 125,374,500; at most
        // 125,000,000 ÷ 499,500 = 250 records.
        let p = problems(&request(MAX_INDICATORS, 251, |_, _| None));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].path(), "records");
        assert!(
            p[0].message.contains("1000 indicators make 499500 pairs × 251 records = 125374500: diagnose at most 250 records"),
            "{}",
            p[0].message
        );
        // One indicator over the indicator limit and 1001 × 1000 = 1,001,000 scores (and
        // 500,500 pairs × 1000 steps): every problem at once.
        let p = problems(&request(MAX_INDICATORS + 1, 1_000, |_, _| None));
        let paths: Vec<String> = p.iter().map(|p| p.path()).collect();
        assert_eq!(paths, ["plan", "records", "records"]);
        assert!(
            p[0].message.contains("this plan has 1001"),
            "{}",
            p[0].message
        );
        assert!(
            p[1].message.contains("1001 × 1000 = 1001000"),
            "{}",
            p[1].message
        );
        // The typed API checks the same limits.
        let plan = Plan::from_json(
            &serde_json::from_str::<Value>(&request(MAX_INDICATORS + 1, 0, |_, _| None)).unwrap()
                ["plan"]
                .to_string(),
        )
        .unwrap();
        let err = diagnose(&plan, &[], &[], &DiagnosisOptions::default(), None).unwrap_err();
        assert_eq!(err.problems()[0].path(), "plan");
    }

    #[test]
    fn above_300_pairs_only_redundant_ones_are_listed() {
        // 26 indicators (325 pairs), 5 people. i0: 50, 60, 70, 80, 90; i1 the same (r = 1);
        // i2 reversed, 90 … 50 (r = −1 with both); i3 … i25 are 100 for everyone (constant, so
        // r is undefined). Listed: the three redundant pairs, |r| = 1 each, in plan order;
        // omitted: 325 − 3 = 322.
        let text = request(26, 5, |i, p| {
            Some(match i {
                0 | 1 => 50.0 + 10.0 * p as f64,
                2 => 90.0 - 10.0 * p as f64,
                _ => 100.0,
            })
        });
        let v: Value =
            serde_json::from_str(&crate::analytics::run_json("diagnose", &text).unwrap()).unwrap();
        let pairs: Vec<(String, String, f64)> = v["correlations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["a"].as_str().unwrap().to_string(),
                    c["b"].as_str().unwrap().to_string(),
                    c["r"]["value"].as_f64().unwrap(),
                )
            })
            .collect();
        let want = [("i0", "i1", 1.0), ("i0", "i2", -1.0), ("i1", "i2", -1.0)];
        assert_eq!(
            pairs,
            want.map(|(a, b, r)| (a.to_string(), b.to_string(), r))
        );
        assert_eq!(v["correlations_omitted"], 322);
        assert_eq!(codes(&v, "redundant_pair").len(), 3);
        assert!(codes(&v, "redundant_pairs_not_listed").is_empty());
    }

    proptest! {
        #[test]
        fn pair_r_is_pearson_bit_for_bit(
            cols in (0usize..8).prop_flat_map(|n| prop::collection::vec(
                prop::collection::vec(
                    prop::option::weighted(0.9, (0..200i32).prop_map(|x| f64::from(x) / 8.0)),
                    n,
                ),
                2..6,
            ))
        ) {
            // Full columns take the precomputed path, others gather: both must equal `pearson`
            // on the people scored on both.
            let columns: Vec<Column> = cols.iter().cloned().map(Column::new).collect();
            for a in 0..cols.len() {
                for b in a + 1..cols.len() {
                    let (gx, gy): (Vec<f64>, Vec<f64>) = cols[a]
                        .iter()
                        .zip(&cols[b])
                        .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
                        .unzip();
                    let got = pair_r(&columns[a], &columns[b]);
                    prop_assert_eq!(got, (gx.len(), rounded(pearson(&gx, &gy))));
                }
            }
        }
    }

    #[test]
    fn most_common_picks_lowest_of_equals() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            most_common(&[d("3"), d("1"), d("3"), d("1"), d("2")]),
            (Some(d("1")), 2)
        );
        assert_eq!(most_common(&[]), (None, 0));
    }
}
