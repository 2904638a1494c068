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

use super::calibrate::Quota;
use super::rollup::grades_best_first;
use super::{
    check_batch, co_moment, f, load, mean, parse_request, pearson, percent, prefix, sample_sd,
    score, stat, to_json, Finding, Severity,
};
use crate::error::{Error, Problem};
use crate::explain::{amount, fixed2};
use crate::feedback::stats::{Stat, Undefined};
use crate::feedback::{Feedback, FeedbackRound, Reliability};
use crate::method::Bound;
use crate::plan::Plan;
use crate::record::Record;
use crate::scorecard::{IndicatorScore, Scorecard};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::Arc;

use crate::number::{serialize_decimal as dec, serialize_opt_decimal as opt_dec};

/// Fewest people (scored people, for `no_discrimination`) for any per-indicator finding.
pub const MIN_PEOPLE: usize = 2;
/// `no_discrimination` when at least this percent of scored people share one score.
pub const IDENTICAL_SHARE: u32 = 90;
/// `ceiling_effect` / `floor_effect` when at least this percent are at the cap / floor.
pub const BOUND_SHARE: u32 = 50;
/// `often_missing` when at least this percent of people have the indicator's data missing.
pub const MISSING_SHARE: u32 = 20;
/// `redundant_pair` when |r| (rounded to 4 places) is at least this.
pub const REDUNDANT_R: f64 = 0.9;
/// `weight_drift` when effective ÷ nominal weight is below 1/this or above this.
pub const DRIFT_RATIO: f64 = 2.0;
/// `grade_distribution_off` when a grade's share differs from the intended one by at least this
/// many percentage points.
pub const GRADE_GAP: u32 = 10;
/// `low_reliability` when Krippendorff's alpha (interval) is below this (Krippendorff's lowest
/// acceptable level for tentative conclusions).
pub const MIN_ALPHA: f64 = 0.667;

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
    /// Pearson's r between every pair of indicators' points, in plan order.
    pub correlations: Vec<Correlation>,
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
        if !grades.contains(q.grade.as_str()) {
            problems.push(Problem::new(
                format!("intended[{i}].grade"),
                format!("the plan has no grade `{}`", q.grade),
            ));
        } else if !seen.insert(q.grade.as_str()) {
            problems.push(Problem::new(
                format!("intended[{i}].grade"),
                format!("grade `{}` is listed twice", q.grade),
            ));
        }
        if q.share.0 < Decimal::ZERO {
            problems.push(Problem::new(
                format!("intended[{i}].share"),
                format!("share is negative ({}%)", q.share.0.normalize()),
            ));
        }
        total = total.checked_add(q.share.0).unwrap_or(Decimal::MAX);
    }
    if total != Decimal::ONE_HUNDRED {
        problems.push(Problem::new(
            "intended",
            format!("shares sum to {}%, expected 100%", total.normalize()),
        ));
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
        let sd = sample_sd(&xs);
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
    let mut correlations = Vec::new();
    for a in 0..plan.indicators.len() {
        for b in a + 1..plan.indicators.len() {
            let (mut xs, mut ys) = (Vec::new(), Vec::new());
            for p in 0..n {
                if let (Some(la), Some(lb)) = (line(p, a), line(p, b)) {
                    if !la.left_out() && !lb.left_out() {
                        xs.push(f(la.score));
                        ys.push(f(lb.score));
                    }
                }
            }
            let (Some(ia), Some(ib)) = (indicators.get(a), indicators.get(b)) else {
                continue;
            };
            let c = Correlation {
                a: ia.id.clone(),
                b: ib.id.clone(),
                people: xs.len(),
                r: pearson(&xs, &ys),
            };
            pair_finding(&c, ia, ib, &mut findings);
            correlations.push(c);
        }
    }
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
        weighted_total_sd: sample_sd(&totals),
        grades,
        reliability,
        findings,
    })
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
        i += run.max(1);
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
                "responses",
                "a feedback configuration needs its responses",
            )]))
        }
        (None, Some(_)) => {
            return Err(Error::Input(vec![Problem::new(
                "feedback",
                "responses need their feedback configuration",
            )]))
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
    let s = score(plan, records, problems)?;
    diagnose(&s.plan, &s.records, &s.cards, &options, round.as_ref()).map(|d| d.to_canonical_json())
}

#[cfg(test)]
mod tests {
    use super::*;

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
