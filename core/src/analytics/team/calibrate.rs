//! Calibration: a forced distribution of grades within each group, then manual overrides.
//!
//! **Quotas.** In a group of `n` people, grade `k` (quotas listed best first) gets
//! `share_k × n ÷ 100` people, rounded by the largest-remainder method ([`crate::apportion::split_pool`]
//! with zero decimal places): every grade first gets the whole part of its exact quota; the
//! people left over go one each to the largest fractional parts; equal fractional parts go to
//! the larger share, then to the better grade. Quotas sum to `n` and each is within one person
//! of its exact value. Shares must sum to exactly 100.
//!
//! **Ranking.** By the rounded total (the number people see), highest first; equal totals share
//! a rank (`1, 2, 2, 4`).
//!
//! **Tie rule.** People with equal totals never get different grades: a tie block that
//! straddles a quota line goes **wholly to the better grade**, and the extra people are taken
//! from the next grades (the lines are cumulative, so later grades shrink). Formally, with
//! `C_k` the sum of the first `k` quotas and `p` the 0-based position of the *first* person of a
//! person's tie block in the ranking, their grade is the first `k` with `p < C_k`. Why the better
//! grade: nobody is marked down for a tie they cannot influence, and the overrun is visible
//! (`forced` against `quota` per grade, and a finding) for the calibration meeting to resolve.
//!
//! **Overrides** are applied after the forced distribution; each keeps who made it, why, and
//! the grade it replaced.

use super::{
    capitalise, check_batch, check_dimensions, group_by, load, parse_request, place, score,
    to_json, Dimension, Finding, GroupKey, Severity,
};
use crate::error::{kinds, shown, Error, Loc, Problem};
use crate::explain::fixed2;
use crate::number::Num;
use crate::plan::Plan;
use crate::record::Record;
use crate::scorecard::Scorecard;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::number::serialize_decimal as dec;

/// One grade of a forced distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// The grade, e.g. `A`.
    pub grade: String,
    /// Percent of each group, e.g. 20.
    pub share: Num,
}

/// A manual change of one person's calibrated grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The record id.
    pub id: String,
    /// The grade they get (one of the quota grades).
    pub grade: String,
    /// Who decided.
    pub by: String,
    /// Why.
    pub reason: String,
}

/// What to calibrate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationOptions {
    /// Quotas from best to worst grade; shares sum to 100.
    pub quotas: Vec<Quota>,
    /// Groups within which quotas apply; empty: the whole batch.
    #[serde(default)]
    pub by: Vec<Dimension>,
    /// Manual overrides, applied after the forced distribution.
    #[serde(default)]
    pub overrides: Vec<Override>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    plan: serde_json::Value,
    records: serde_json::Value,
    quotas: Vec<Quota>,
    #[serde(default)]
    by: Vec<Dimension>,
    #[serde(default)]
    overrides: Vec<Override>,
}

/// The calibrated batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// The dimensions grouped by.
    pub by: Vec<Dimension>,
    /// Per group: quotas against the forced and final counts.
    pub groups: Vec<CalibratedGroup>,
    /// Every person, by group, then rank, then batch order.
    pub people: Vec<CalibratedPerson>,
    /// Quota overruns from ties and overrides, and differences from the plan's grades.
    pub findings: Vec<Finding>,
}

/// One group's quotas and counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibratedGroup {
    /// The group's dimension values.
    pub key: GroupKey,
    /// `team=East`, or `all`.
    pub label: String,
    /// People in the group.
    pub count: usize,
    /// Per grade, best first.
    pub grades: Vec<GradeQuota>,
    /// How the quotas were rounded, in plain English.
    pub explanation: String,
}

/// One grade in one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeQuota {
    /// The grade.
    pub grade: Arc<str>,
    /// Its share, percent.
    #[serde(serialize_with = "dec")]
    pub share: Decimal,
    /// share × n ÷ 100, exact.
    #[serde(serialize_with = "dec")]
    pub exact: Decimal,
    /// The rounded quota (largest remainder).
    pub quota: usize,
    /// People given the grade by the forced distribution (differs from `quota` only by ties).
    pub forced: usize,
    /// People with the grade after overrides.
    #[serde(rename = "final")]
    pub final_count: usize,
}

/// One person's calibration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibratedPerson {
    /// Record id.
    pub id: String,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The group's label.
    pub group: String,
    /// The rounded total.
    #[serde(serialize_with = "dec")]
    pub total: Decimal,
    /// 1 + the number of people in the group with a higher total.
    pub rank: usize,
    /// The grade the plan gives the total.
    pub plan_grade: Arc<str>,
    /// The grade the forced distribution gives.
    pub forced_grade: Arc<str>,
    /// The final grade (the override's, if any).
    pub grade: Arc<str>,
    /// The manual override, if one applied.
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<AppliedOverride>,
    /// How the grade came about, in plain English.
    pub explanation: String,
}

/// An override as applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedOverride {
    /// The forced grade it replaced.
    pub from: Arc<str>,
    /// The grade given.
    pub to: Arc<str>,
    /// Who decided.
    pub by: String,
    /// Why.
    pub reason: String,
}

impl Calibration {
    /// The canonical JSON every binding returns byte for byte.
    pub fn to_canonical_json(&self) -> String {
        to_json(self)
    }
}

/// Quotas by the largest-remainder rule (see the module docs), best grade first.
///
/// `shares` are percentages summing to 100; the result sums to `n`.
pub fn quota_counts(n: usize, shares: &[Decimal]) -> crate::Result<Vec<usize>> {
    if n == 0 {
        return Ok(vec![0; shares.len()]);
    }
    let weights: Vec<(Arc<str>, Decimal)> = shares
        .iter()
        .enumerate()
        .map(|(i, s)| (Arc::from(format!("quotas[{i}]").as_str()), *s))
        .collect();
    crate::apportion::split_pool(Decimal::from(n), 0, &weights).map(|parts| {
        parts
            .iter()
            .map(|p| p.amount.to_usize().unwrap_or(0))
            .collect()
    })
}

/// Forced grade index for each position of a ranking (`totals` sorted highest first), by the
/// tie rule of the module docs: the first `k` with `p < C_k`, `p` the start of the tie block.
pub fn forced_grades(totals_desc: &[Decimal], quotas: &[usize]) -> Vec<usize> {
    let mut cumulative = Vec::with_capacity(quotas.len());
    let mut c = 0usize;
    for q in quotas {
        // Positions are below usize::MAX, so a saturated C_k still counts everyone left.
        c = c.saturating_add(*q);
        cumulative.push(c);
    }
    let last = quotas.len().saturating_sub(1);
    let mut out = Vec::with_capacity(totals_desc.len());
    let mut block_start = 0usize;
    for (p, t) in totals_desc.iter().enumerate() {
        if p.checked_sub(1)
            .is_some_and(|q| totals_desc.get(q) != Some(t))
        {
            block_start = p;
        }
        let k = cumulative
            .iter()
            .position(|&ck| block_start < ck)
            .unwrap_or(last);
        out.push(k);
    }
    out
}

/// Checks quotas and overrides; returns the quota grades and shares.
fn check(
    options: &CalibrationOptions,
    cards: Option<&[Scorecard]>,
    problems: &mut Vec<Problem>,
) -> Vec<(Arc<str>, Decimal)> {
    if options.quotas.is_empty() {
        problems.push(
            Problem::new(
                Loc::root().key("quotas"),
                kinds::EMPTY_LIST,
                "at least one grade quota is needed, e.g. [{\"grade\": \"A\", \"share\": 20}, …]",
            )
            .zh("至少需要一个等级配额，例如 [{\"grade\": \"A\", \"share\": 20}, …]"),
        );
    }
    let mut seen = HashSet::new();
    let mut total = Decimal::ZERO;
    for (i, q) in options.quotas.iter().enumerate() {
        let at = |field: &str| Loc::root().key("quotas").index(i).key(field);
        if q.grade.trim().is_empty() {
            problems.push(Problem::new(at("grade"), kinds::EMPTY, "grade is empty").zh("等级为空"));
        } else if !seen.insert(q.grade.as_str()) {
            let g = shown(&q.grade);
            problems.push(
                Problem::new(
                    at("grade"),
                    kinds::DUPLICATE,
                    format!("grade `{g}` has two quotas"),
                )
                .zh(format!("等级 `{g}` 有两个配额")),
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
    if !options.quotas.is_empty() && total != Decimal::ONE_HUNDRED {
        let total = total.normalize();
        problems.push(
            Problem::new(
                Loc::root().key("quotas"),
                kinds::WEIGHTS_DO_NOT_SUM,
                format!("shares sum to {total}%, expected 100%"),
            )
            .zh(format!("各等级比例合计为 {total}%，应为 100%")),
        );
    }
    let mut ids = HashSet::new();
    for (i, o) in options.overrides.iter().enumerate() {
        let at = |field: &str| Loc::root().key("overrides").index(i).key(field);
        let id = shown(&o.id);
        if let Some(cards) = cards {
            if !cards.iter().any(|c| c.record_id == o.id) {
                problems.push(not_in_batch(at("id"), &o.id));
            }
        }
        if !ids.insert(o.id.as_str()) {
            problems.push(
                Problem::new(
                    at("id"),
                    kinds::DUPLICATE,
                    format!("`{id}` has a second override"),
                )
                .zh(format!("`{id}` 有第二条人工调整")),
            );
        }
        if !options.quotas.iter().any(|q| q.grade == o.grade) {
            let g = shown(&o.grade);
            problems.push(
                Problem::new(
                    at("grade"),
                    kinds::UNKNOWN_REFERENCE,
                    format!("`{g}` is not one of the quota grades"),
                )
                .zh(format!("`{g}` 不是配额中的等级")),
            );
        }
        if o.by.trim().is_empty() {
            problems.push(
                Problem::new(at("by"), kinds::EMPTY, "say who made the override")
                    .zh("请写明由谁做出了这项人工调整"),
            );
        }
        if o.reason.trim().is_empty() {
            problems.push(
                Problem::new(
                    at("reason"),
                    kinds::EMPTY,
                    "say why the grade was overridden",
                )
                .zh("请写明调整等级的原因"),
            );
        }
    }
    options
        .quotas
        .iter()
        .map(|q| (Arc::from(q.grade.as_str()), q.share.0))
        .collect()
}

/// An override naming a record the batch does not have.
fn not_in_batch(at: Loc, id: &str) -> Problem {
    let id = shown(id);
    Problem::new(
        at,
        kinds::UNKNOWN_REFERENCE,
        format!("no record `{id}` in the batch"),
    )
    .zh(format!("本批次中没有记录 `{id}`"))
}

/// Calibrates a scored batch. See the module docs and `docs/analytics-team.md`.
pub fn calibrate(
    plan: &Plan,
    records: &[Record],
    cards: &[Scorecard],
    options: &CalibrationOptions,
) -> crate::Result<Calibration> {
    check_batch(records, cards)?;
    let mut problems = Vec::new();
    check_dimensions(&Loc::root().key("by"), &options.by, records, &mut problems);
    let grades = check(options, Some(cards), &mut problems);
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let shares: Vec<Decimal> = grades.iter().map(|g| g.1).collect();
    let overrides: HashMap<&str, &Override> = options
        .overrides
        .iter()
        .map(|o| (o.id.as_str(), o))
        .collect();
    let mut groups = Vec::new();
    let mut people = Vec::new();
    let mut findings = Vec::new();
    for (key, members) in group_by(&options.by, cards) {
        let label = key.label();
        let n = members.len();
        let quotas = quota_counts(n, &shares)?;
        // Rank: total descending, batch order among equals (stable sort).
        let mut order: Vec<usize> = members.clone();
        order.sort_by(|&a, &b| {
            let ta = cards.get(a).map(|c| c.total);
            let tb = cards.get(b).map(|c| c.total);
            tb.cmp(&ta)
        });
        let totals: Vec<Decimal> = order
            .iter()
            .filter_map(|&i| cards.get(i).map(|c| c.total))
            .collect();
        let forced = forced_grades(&totals, &quotas);
        let mut forced_count = vec![0usize; grades.len()];
        let mut final_count = vec![0usize; grades.len()];
        let mut overridden = 0usize;
        let mut rank = 0usize;
        for (p, (&i, &k)) in order.iter().zip(&forced).enumerate() {
            let Some(card) = cards.get(i) else { continue };
            match p.checked_sub(1) {
                Some(q) if totals.get(q) == totals.get(p) => {}
                // p indexes `order`, so p + 1 is at most its length.
                #[allow(clippy::arithmetic_side_effects)]
                _ => rank = p + 1,
            }
            let forced_grade = grades.get(k).map_or_else(|| Arc::from(""), |g| g.0.clone());
            // Counts of people in this group: at most `order.len()`, so they cannot overflow.
            #[allow(clippy::arithmetic_side_effects)]
            if let Some(c) = forced_count.get_mut(k) {
                *c += 1;
            }
            let applied = overrides.get(card.record_id.as_str()).map(|o| {
                // At most `order.len()`, as above.
                #[allow(clippy::arithmetic_side_effects)]
                {
                    overridden += 1;
                }
                AppliedOverride {
                    from: forced_grade.clone(),
                    to: Arc::from(o.grade.as_str()),
                    by: o.by.clone(),
                    reason: o.reason.clone(),
                }
            });
            let grade = applied
                .as_ref()
                .map_or_else(|| forced_grade.clone(), |a| a.to.clone());
            // At most `order.len()`, as above.
            #[allow(clippy::arithmetic_side_effects)]
            if let Some(c) = grades
                .iter()
                .position(|g| g.0 == grade)
                .and_then(|j| final_count.get_mut(j))
            {
                *c += 1;
            }
            // The tie block is contiguous in the ranking: it starts at rank − 1.
            let tied: Vec<&str> = order
                .iter()
                .skip(rank.saturating_sub(1))
                .take_while(|&&j| cards.get(j).is_some_and(|c| c.total == card.total))
                .filter_map(|&j| cards.get(j))
                .filter(|c| c.record_id != card.record_id)
                .map(|c| c.record_id.as_str())
                .collect();
            let explanation = explain_person(
                card,
                rank,
                n,
                &label,
                &forced_grade,
                &tied,
                applied.as_ref(),
            );
            people.push(CalibratedPerson {
                id: card.record_id.clone(),
                name: card.name.clone(),
                group: label.clone(),
                total: card.total,
                rank,
                plan_grade: card.grade.clone(),
                forced_grade,
                grade,
                override_: applied,
                explanation,
            });
        }
        let rows: Vec<GradeQuota> = grades
            .iter()
            .enumerate()
            .map(|(k, (g, share))| GradeQuota {
                grade: g.clone(),
                share: *share,
                exact: exact_quota(*share, n),
                quota: quotas.get(k).copied().unwrap_or(0),
                forced: forced_count.get(k).copied().unwrap_or(0),
                final_count: final_count.get(k).copied().unwrap_or(0),
            })
            .collect();
        group_findings(&label, &rows, overridden, &mut findings);
        let explanation = explain_group(&label, n, &rows);
        groups.push(CalibratedGroup {
            key,
            label,
            count: n,
            grades: rows,
            explanation,
        });
    }
    let plan_grades: HashSet<&str> = plan.grade_names().collect();
    if grades.iter().all(|g| plan_grades.contains(&*g.0)) {
        let differ = people.iter().filter(|p| p.grade != p.plan_grade).count();
        if differ > 0 {
            findings.push(Finding::new(
                Severity::Info,
                None,
                "differs_from_plan_grade",
                format!(
                    "{differ} of {} people end with a different grade from the one their total earns under the plan.",
                    people.len()
                ),
                format!("{differ}/{} 人的校准等级与方案按总分给出的等级不同。", people.len()),
            ));
        }
    }
    Ok(Calibration {
        by: options.by.clone(),
        groups,
        people,
        findings,
    })
}

fn exact_quota(share: Decimal, n: usize) -> Decimal {
    share
        .checked_mul(Decimal::from(n))
        .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
        .unwrap_or(Decimal::ZERO)
}

fn explain_person(
    card: &Scorecard,
    rank: usize,
    n: usize,
    label: &str,
    forced: &str,
    tied: &[&str],
    applied: Option<&AppliedOverride>,
) -> String {
    let mut s = format!(
        "Rank {rank} of {n} in {} with {} → {forced} by the forced distribution",
        place(label),
        fixed2(card.total)
    );
    match tied.len() {
        0 => {}
        1..=5 => s.push_str(&format!(
            " (tied with {}; equal totals share the better grade)",
            tied.join(", ")
        )),
        many => s.push_str(&format!(
            " (tied with {many} others; equal totals share the better grade)"
        )),
    }
    match applied {
        Some(o) => s.push_str(&format!(
            "; overridden by {} from {} to {}: {}.",
            o.by, o.from, o.to, o.reason
        )),
        None => s.push('.'),
    }
    s
}

fn explain_group(label: &str, n: usize, rows: &[GradeQuota]) -> String {
    let parts: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {}% × {n} = {} → {}",
                r.grade,
                r.share.normalize(),
                r.exact.normalize(),
                r.quota
            )
        })
        .collect();
    format!(
        "{}, {n} people: {} (whole parts first, the rest to the largest remainders).",
        capitalise(place(label)),
        parts.join(", ")
    )
}

fn group_findings(label: &str, rows: &[GradeQuota], overridden: usize, out: &mut Vec<Finding>) {
    let list = |f: fn(&GradeQuota) -> usize| -> (Vec<String>, Vec<String>) {
        rows.iter()
            .filter(|r| f(r) != r.quota)
            .map(|r| {
                (
                    format!("{} {} (quota {})", r.grade, f(r), r.quota),
                    format!("{} {} 人（配额 {}）", r.grade, f(r), r.quota),
                )
            })
            .unzip()
    };
    let where_en = capitalise(place(label));
    let where_zh = if label == "all" { "全体" } else { label };
    let (en, zh) = list(|r| r.forced);
    if !en.is_empty() {
        out.push(Finding::new(
            Severity::Info,
            None,
            "tie_exceeds_quota",
            format!(
                "{where_en}: tied totals straddle a quota line and share the better grade, so {}.",
                en.join(", ")
            ),
            format!(
                "{where_zh}：同分人员跨越配额线，按规则同享较高等级，因此 {}。",
                zh.join("，")
            ),
        ));
    }
    let (en, zh) = list(|r| r.final_count);
    if overridden > 0 && rows.iter().any(|r| r.final_count != r.forced) && !en.is_empty() {
        out.push(Finding::new(
            Severity::Warning,
            None,
            "overrides_break_quota",
            format!(
                "{where_en}: {overridden} manual override(s) leave {}.",
                en.join(", ")
            ),
            format!("{where_zh}：{overridden} 项人工调整后 {}。", zh.join("，")),
        ));
    }
}

/// The `calibrate` operation on a JSON request.
pub(crate) fn run_json(request: &str) -> crate::Result<String> {
    let req: Request = parse_request(request)?;
    let (plan, records) = load(&req.plan, &req.records)?;
    let options = CalibrationOptions {
        quotas: req.quotas,
        by: req.by,
        overrides: req.overrides,
    };
    let mut problems = Vec::new();
    check_dimensions(&Loc::root().key("by"), &options.by, &records, &mut problems);
    check(&options, None, &mut problems);
    for (i, o) in options.overrides.iter().enumerate() {
        if !records.iter().any(|r| r.id == o.id) {
            problems.push(not_in_batch(
                Loc::root().key("overrides").index(i).key("id"),
                &o.id,
            ));
        }
    }
    let s = score(plan, records, problems)?;
    calibrate(&s.plan, &s.records, &s.cards, &options).map(|c| c.to_canonical_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn quotas_hand_worked() {
        // 20/70/10 of 8: exact 1.6, 5.6, 0.8 → whole parts 1, 5, 0 (6); 2 left go to the largest
        // remainders 0.8 (C) and then 0.6 vs 0.6 → larger share (B): 1, 6, 1.
        assert_eq!(
            quota_counts(8, &[d("20"), d("70"), d("10")]).unwrap(),
            [1, 6, 1]
        );
        // 20/70/10 of 10: exact.
        assert_eq!(
            quota_counts(10, &[d("20"), d("70"), d("10")]).unwrap(),
            [2, 7, 1]
        );
        // 2 people, exact 0.6668, 0.6666, 0.6666: A has the largest remainder; B and C are equal in
        // remainder and share, so the better grade (B) gets the second.
        assert_eq!(
            quota_counts(2, &[d("33.34"), d("33.33"), d("33.33")]).unwrap(),
            [1, 1, 0]
        );
        assert_eq!(quota_counts(0, &[d("50"), d("50")]).unwrap(), [0, 0]);
    }

    #[test]
    fn ties_go_to_the_better_grade() {
        // Quotas 1, 2, 1; totals 90, 85, 85, 85 → the 85 block starts at position 1 < C_2 = 3,
        // so all three get B and C is empty.
        let t = [d("90"), d("85"), d("85"), d("85")];
        assert_eq!(forced_grades(&t, &[1, 2, 1]), [0, 1, 1, 1]);
        // A block straddling the A line: position 0 < C_1 = 1 → all A.
        let t = [d("90"), d("90"), d("80"), d("70")];
        assert_eq!(forced_grades(&t, &[1, 2, 1]), [0, 0, 1, 2]);
        // A zero quota is skipped.
        let t = [d("3"), d("2"), d("1")];
        assert_eq!(forced_grades(&t, &[1, 0, 2]), [0, 2, 2]);
    }
}
