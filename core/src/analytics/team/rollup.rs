//! Roll-ups: totals, attainment and score distributions by any list of dimensions.
//!
//! Per group: the number of people; exact sums of the chosen measures; for every indicator its
//! mean points and, when the indicator has a target, attainment as a **ratio of sums**
//! (Σ actual ÷ Σ target × 100 over the people who have both, so big targets weigh more than
//! small ones, the way a manager adds up a team's numbers); and the distribution of totals
//! (mean, median, min, max, grade counts). Means and percentages are rounded to
//! [`super::MEAN_SCALE`] places half-up; sums, minima, maxima and medians are exact.

use super::{
    capitalise, check_batch, check_dimensions, group_by, load, mean, median, overflow,
    parse_request, percent, place, round_mean, score, sum, to_json, Dimension, GroupKey,
};
use crate::error::{kinds, shown, Error, Loc, Problem};
use crate::explain::{amount, fixed2};
use crate::plan::Plan;
use crate::record::Record;
use crate::scorecard::Scorecard;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use crate::number::{serialize_decimal as dec, serialize_opt_decimal as opt_dec};

/// What to roll up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollupOptions {
    /// Dimensions to group by, e.g. `["department", "team"]` or `["person", "product_line"]`;
    /// empty: one group, the whole batch.
    #[serde(default)]
    pub by: Vec<Dimension>,
    /// Measures to sum (ids or aliases); absent: every measure of the plan, in plan order.
    #[serde(default)]
    pub measures: Option<Vec<String>>,
}

/// The JSON request of the `rollup` operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    plan: serde_json::Value,
    records: serde_json::Value,
    #[serde(default)]
    by: Vec<Dimension>,
    #[serde(default)]
    measures: Option<Vec<String>>,
}

/// A roll-up: one row per group, plus the whole batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollup {
    /// The dimensions grouped by.
    pub by: Vec<Dimension>,
    /// One row per group, sorted by key.
    pub groups: Vec<GroupRollup>,
    /// The whole batch as one group.
    pub total: GroupRollup,
}

/// One group's roll-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRollup {
    /// The group's dimension values.
    pub key: GroupKey,
    /// `department=Sales, team=East`, or `all`.
    pub label: String,
    /// Number of people (records) in the group.
    pub count: usize,
    /// Exact sums of the chosen measures.
    pub measures: Vec<MeasureSum>,
    /// Per indicator, in plan order.
    pub indicators: Vec<IndicatorRollup>,
    /// The distribution of totals.
    pub scores: ScoreDistribution,
    /// One line in plain English.
    pub explanation: String,
}

/// The sum of one measure over a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureSum {
    /// Measure id.
    pub measure: Arc<str>,
    /// Σ of the values present (0 when none is).
    #[serde(serialize_with = "dec")]
    pub sum: Decimal,
    /// Records with a value.
    pub values: usize,
    /// Records without one.
    pub missing: usize,
}

/// One indicator over a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorRollup {
    /// Indicator id.
    pub id: Arc<str>,
    /// People scored on it (not left out for missing data).
    pub scored: usize,
    /// Mean points of those people (`null` when nobody was scored).
    #[serde(serialize_with = "opt_dec")]
    pub mean_score: Option<Decimal>,
    /// Σ actual ÷ Σ target, for an indicator with a target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attainment: Option<Attainment>,
}

/// Attainment as a ratio of sums.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attainment {
    /// People with both an actual and a target (not left out).
    pub people: usize,
    /// Σ actual over those people.
    #[serde(serialize_with = "dec")]
    pub sum_actual: Decimal,
    /// Σ target over those people.
    #[serde(serialize_with = "dec")]
    pub sum_target: Decimal,
    /// Σ actual ÷ Σ target × 100; `null` when Σ target is not positive.
    #[serde(serialize_with = "opt_dec")]
    pub percent: Option<Decimal>,
    /// Why the percentage is `null`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

/// How totals are distributed in a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreDistribution {
    /// Mean total (`null` for no people).
    #[serde(serialize_with = "opt_dec")]
    pub mean: Option<Decimal>,
    /// Median total.
    #[serde(serialize_with = "opt_dec")]
    pub median: Option<Decimal>,
    /// Lowest total.
    #[serde(serialize_with = "opt_dec")]
    pub min: Option<Decimal>,
    /// Highest total.
    #[serde(serialize_with = "opt_dec")]
    pub max: Option<Decimal>,
    /// Every grade of the plan, best first, with its count.
    pub grades: Vec<GradeCount>,
}

/// People with one grade.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeCount {
    /// The grade.
    pub grade: Arc<str>,
    /// How many people have it.
    pub count: usize,
    /// Percent of the group (`null` for an empty group).
    #[serde(serialize_with = "opt_dec")]
    pub share: Option<Decimal>,
}

impl Rollup {
    /// The canonical JSON every binding returns byte for byte.
    pub fn to_canonical_json(&self) -> String {
        to_json(self)
    }
}

/// A record's values by measure slot (records may name measures by alias).
pub(crate) fn values_by_slot(plan: &Plan, record: &Record) -> Vec<Option<Decimal>> {
    let mut values = vec![None; plan.measures().len()];
    for (name, v) in &record.measures {
        if let Some(slot) = plan.measure_slot(name).and_then(|s| values.get_mut(s)) {
            *slot = Some(*v);
        }
    }
    values
}

/// Plan grades, best first.
pub(crate) fn grades_best_first(plan: &Plan) -> Vec<Arc<str>> {
    let mut g: Vec<Arc<str>> = plan.grade_names().map(Arc::from).collect();
    g.reverse();
    g
}

/// Rolls up a scored batch. See the module docs and `docs/analytics-team.md`.
pub fn rollup(
    plan: &Plan,
    records: &[Record],
    cards: &[Scorecard],
    options: &RollupOptions,
) -> crate::Result<Rollup> {
    check_batch(records, cards)?;
    let mut problems = Vec::new();
    let slots = check(plan, records, options, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let values: Vec<Vec<Option<Decimal>>> =
        records.iter().map(|r| values_by_slot(plan, r)).collect();
    let ctx = Ctx {
        plan,
        cards,
        values: &values,
        slots: &slots,
        grades: grades_best_first(plan),
    };
    let mut groups = Vec::new();
    for (key, members) in group_by(&options.by, cards) {
        groups.push(ctx.group(key, &members)?);
    }
    let all: Vec<usize> = (0..cards.len()).collect();
    let total = ctx.group(GroupKey(Vec::new()), &all)?;
    Ok(Rollup {
        by: options.by.clone(),
        groups,
        total,
    })
}

/// Checks the options; returns the measure slots to sum.
fn check(
    plan: &Plan,
    records: &[Record],
    options: &RollupOptions,
    problems: &mut Vec<Problem>,
) -> Vec<usize> {
    check_dimensions(&Loc::root().key("by"), &options.by, records, problems);
    match &options.measures {
        None => (0..plan.measures().len()).collect(),
        Some(names) => {
            let mut slots = Vec::new();
            for (i, name) in names.iter().enumerate() {
                let at = Loc::root().key("measures").index(i);
                let shown_name = shown(name);
                match plan.measure_slot(name) {
                    Some(s) if slots.contains(&s) => problems.push(
                        Problem::new(
                            at,
                            kinds::DUPLICATE,
                            format!("measure `{shown_name}` is listed twice"),
                        )
                        .zh(format!("指标数据 `{shown_name}` 重复列出")),
                    ),
                    Some(s) => slots.push(s),
                    None => problems.push(
                        Problem::new(
                            at,
                            kinds::UNKNOWN_REFERENCE,
                            format!("the plan has no measure `{shown_name}`"),
                        )
                        .zh(format!("方案中没有指标数据 `{shown_name}`")),
                    ),
                }
            }
            slots
        }
    }
}

struct Ctx<'a> {
    plan: &'a Plan,
    cards: &'a [Scorecard],
    values: &'a [Vec<Option<Decimal>>],
    slots: &'a [usize],
    grades: Vec<Arc<str>>,
}

impl Ctx<'_> {
    fn group(&self, key: GroupKey, members: &[usize]) -> crate::Result<GroupRollup> {
        let cards: Vec<&Scorecard> = members.iter().filter_map(|&i| self.cards.get(i)).collect();
        let mut measures = Vec::with_capacity(self.slots.len());
        for &slot in self.slots {
            let present: Vec<Decimal> = members
                .iter()
                .filter_map(|&i| {
                    self.values
                        .get(i)
                        .and_then(|v| v.get(slot))
                        .copied()
                        .flatten()
                })
                .collect();
            let id = self
                .plan
                .measures()
                .get(slot)
                .map_or_else(|| Arc::from(""), |m| m.id.clone());
            measures.push(MeasureSum {
                sum: sum(&present)
                    .ok_or_else(|| overflow(Loc::root().key("measures").key(&*id)))?,
                measure: id,
                values: present.len(),
                // `present` is filtered from `members`, so this is exact.
                missing: members.len().saturating_sub(present.len()),
            });
        }
        let mut indicators = Vec::new();
        for (ii, ind) in self.plan.indicators.iter().enumerate() {
            let lines: Vec<_> = cards
                .iter()
                .filter_map(|c| c.indicators().nth(ii))
                .filter(|l| !l.left_out())
                .collect();
            let scores: Vec<Decimal> = lines.iter().map(|l| l.score).collect();
            let attainment = match ind.target {
                None => None,
                Some(_) => {
                    let pairs: Vec<(Decimal, Decimal)> = lines
                        .iter()
                        .filter_map(|l| Some((l.actual?, l.target?)))
                        .collect();
                    let at = || Loc::root().key("indicators").key(&*ind.id);
                    let sa = sum(&pairs.iter().map(|p| p.0).collect::<Vec<_>>())
                        .ok_or_else(|| overflow(at()))?;
                    let st = sum(&pairs.iter().map(|p| p.1).collect::<Vec<_>>())
                        .ok_or_else(|| overflow(at()))?;
                    let pct = if st > Decimal::ZERO {
                        Some(
                            sa.checked_mul(Decimal::ONE_HUNDRED)
                                .and_then(|x| x.checked_div(st))
                                .map(round_mean)
                                .ok_or_else(|| overflow(at()))?,
                        )
                    } else {
                        None
                    };
                    Some(Attainment {
                        people: pairs.len(),
                        sum_actual: sa,
                        sum_target: st,
                        note: match (pct, pairs.is_empty()) {
                            (Some(_), _) => None,
                            (None, true) => {
                                Some("nobody in the group has both an actual and a target")
                            }
                            (None, false) => {
                                Some("the targets sum to zero or less, so attainment is undefined")
                            }
                        },
                        percent: pct,
                    })
                }
            };
            indicators.push(IndicatorRollup {
                id: ind.id.clone(),
                scored: scores.len(),
                mean_score: mean(&scores),
                attainment,
            });
        }
        let totals: Vec<Decimal> = cards.iter().map(|c| c.total).collect();
        let grades = self
            .grades
            .iter()
            .map(|g| {
                let count = cards.iter().filter(|c| c.grade == *g).count();
                GradeCount {
                    grade: g.clone(),
                    count,
                    share: percent(count, cards.len()),
                }
            })
            .collect();
        let scores = ScoreDistribution {
            mean: mean(&totals),
            median: median(&totals),
            min: totals.iter().min().map(|d| d.normalize()),
            max: totals.iter().max().map(|d| d.normalize()),
            grades,
        };
        let label = key.label();
        let explanation = self.explain(&label, members.len(), &scores, &indicators);
        Ok(GroupRollup {
            key,
            label,
            count: members.len(),
            measures,
            indicators,
            scores,
            explanation,
        })
    }

    fn explain(
        &self,
        label: &str,
        n: usize,
        s: &ScoreDistribution,
        indicators: &[IndicatorRollup],
    ) -> String {
        let (Some(mean), Some(median), Some(min), Some(max)) = (s.mean, s.median, s.min, s.max)
        else {
            return format!("{}: no people.", capitalise(place(label)));
        };
        let people = if n == 1 { "person" } else { "people" };
        let grades: Vec<String> = s
            .grades
            .iter()
            .filter(|g| g.count > 0)
            .map(|g| format!("{} {}", g.grade, g.count))
            .collect();
        let mut text = format!(
            "{}: {n} {people}, mean total {}, median {}, from {} to {}; grades {}",
            capitalise(place(label)),
            fixed2(mean),
            fixed2(median),
            fixed2(min),
            fixed2(max),
            grades.join(", ")
        );
        for r in indicators {
            if let Some(Attainment {
                percent: Some(p),
                sum_actual,
                sum_target,
                ..
            }) = &r.attainment
            {
                let name = self
                    .plan
                    .indicators
                    .iter()
                    .find(|i| i.id == r.id)
                    .map_or_else(|| r.id.to_string(), |i| i.name.to_string());
                text.push_str(&format!(
                    "; {name} attainment {}% (Σ actual {} ÷ Σ target {})",
                    fixed2(*p),
                    amount(*sum_actual),
                    amount(*sum_target)
                ));
            }
        }
        text.push('.');
        text
    }
}

/// The `rollup` operation on a JSON request.
pub(crate) fn run_json(request: &str) -> crate::Result<String> {
    let req: Request = parse_request(request)?;
    let (plan, records) = load(&req.plan, &req.records)?;
    let options = RollupOptions {
        by: req.by,
        measures: req.measures,
    };
    // Option problems that do not need scorecards are reported with the scoring problems.
    let mut problems = Vec::new();
    check(&plan, &records, &options, &mut problems);
    let s = score(plan, records, problems)?;
    rollup(&s.plan, &s.records, &s.cards, &options).map(|r| r.to_canonical_json())
}
