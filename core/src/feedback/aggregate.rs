//! Aggregation of a feedback round: anonymity, group scores, combined and self scores, gaps,
//! agreement, reliability, and the optional leniency correction.
//!
//! Means are exact decimals; dispersion, agreement and reliability statistics use f64
//! internally (deterministically: fixed iteration order) and are reported as [`Stat`]s, which say
//! why a statistic is undefined instead of returning NaN.

use super::report::*;
use super::spec::*;
use super::stats::{self, Metric, Stat};
use crate::error::{kinds, shown, Error, Loc, Problem};
use crate::json::parse_json;
use crate::validate::Checker;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// A compiled feedback configuration.
#[derive(Debug, Clone)]
pub struct Feedback {
    id: Arc<str>,
    items: Vec<Item>,
    item_index: HashMap<String, usize>,
    competencies: Vec<Competency>,
    groups: Vec<Group>,
    group_index: HashMap<String, usize>,
    aggregation: AggregationSpec,
    include_self: bool,
    gap_threshold: Decimal,
    leniency: Option<LeniencySpec>,
    /// The document it was compiled from, for [`Feedback::to_json`].
    spec: Arc<FeedbackSpec>,
}

#[derive(Debug, Clone)]
struct Item {
    id: Arc<str>,
    competency: usize,
    reverse: bool,
    min: Decimal,
    max: Decimal,
    /// Whole points on the scale (max − min + 1) for r_wg; 0 when not a whole number a `u32` holds.
    points: u32,
}

#[derive(Debug, Clone)]
struct Competency {
    id: Arc<str>,
    weight: Decimal,
}

#[derive(Debug, Clone)]
struct Group {
    id: Arc<str>,
    name: Arc<str>,
    relationship: Relationship,
    weight: Decimal,
    min_raters: u32,
    merge_into: Option<usize>,
}

/// One usable answer after reverse coding (and leniency correction).
#[derive(Debug, Clone)]
struct Scored<'a> {
    rater: &'a str,
    ratee: &'a str,
    group: usize,
    item: usize,
    value: Decimal,
}

fn name_or_id(name: &Option<String>, id: &str) -> Arc<str> {
    Arc::from(
        name.as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(id),
    )
}

/// Arithmetic on the answers that does not fit in a `Decimal`, naming what was being computed.
/// It becomes an input error: a number that cannot be computed is never shown as missing.
#[derive(Debug, Clone, Copy)]
struct Overflow(&'static str);

type Calc<T> = Result<T, Overflow>;

impl Overflow {
    /// The error for a round in which this overflowed for `whom` (e.g. "ratee `E001`").
    fn error(self, whom: &str) -> Error {
        Error::Input(vec![Problem::new(
            Loc::spelled("responses"),
            kinds::ARITHMETIC_OVERFLOW,
            format!(
                "{} for {whom} is too large to compute exactly (arithmetic overflow): the answers, \
                 the scale or the weights are too large",
                self.0
            ),
        )
        .zh(format!(
            "{}（{whom}）数值过大，无法精确计算（算术溢出）：答案、量表或权重过大",
            self.0
        ))])
    }
}

/// max − min + 1; `None` when it cannot be represented.
fn span_points(min: Decimal, max: Decimal) -> Option<Decimal> {
    max.checked_sub(min)?.checked_add(Decimal::ONE)
}

fn mean(values: &[Decimal]) -> Calc<Option<Decimal>> {
    if values.is_empty() {
        return Ok(None);
    }
    let of = Overflow("a mean of the answers");
    let mut sum = Decimal::ZERO;
    for v in values {
        sum = sum.checked_add(*v).ok_or(of)?;
    }
    sum.checked_div(Decimal::from(values.len()))
        .map(Some)
        .ok_or(of)
}

fn f64s(values: &[Decimal]) -> Vec<f64> {
    values.iter().filter_map(|v| v.to_f64()).collect()
}

impl Feedback {
    /// Parse and validate a feedback configuration; all problems at once.
    pub fn from_json(text: &str) -> crate::Result<Feedback> {
        let spec: FeedbackSpec = parse_json(text, Error::Plan)?;
        Feedback::from_spec(&spec)
    }

    /// Validate and compile a parsed configuration.
    pub fn from_spec(spec: &FeedbackSpec) -> crate::Result<Feedback> {
        let mut ck = Checker::new();
        // Span and reverse coding are checked here so that no answer on a valid scale can
        // overflow them later.
        let too_wide = |s: &ScaleSpec| {
            format!(
                "{}–{} is too wide: max − min + 1 is past the largest decimal (about 7.9e28)",
                s.min.0, s.max.0
            )
        };
        let too_wide_zh = |s: &ScaleSpec| {
            format!(
                "量表 {}–{} 过宽：最大值 − 最小值 + 1 超出最大可表示的小数（约 7.9e28）",
                s.min.0, s.max.0
            )
        };
        if spec.scale.min.0 >= spec.scale.max.0 {
            ck.push(
                Problem::new(
                    Loc::spelled("scale"),
                    kinds::INVALID_SCALE,
                    "min must be below max",
                )
                .zh("最小值必须小于最大值"),
            );
        } else if span_points(spec.scale.min.0, spec.scale.max.0).is_none() {
            ck.push(
                Problem::new(
                    Loc::spelled("scale"),
                    kinds::INVALID_SCALE,
                    too_wide(&spec.scale),
                )
                .zh(too_wide_zh(&spec.scale)),
            );
        }
        ck.unique(
            &Loc::root().key("competencies"),
            ("competency", "能力项"),
            spec.competencies.iter().map(|c| c.id.as_str()),
        );
        let weighted = spec
            .competencies
            .iter()
            .filter(|c| c.weight.is_some())
            .count();
        if weighted != 0 && weighted != spec.competencies.len() {
            ck.push(
                Problem::new(
                    Loc::spelled("competencies"),
                    kinds::PARTIAL_WEIGHTS,
                    "give a weight to every competency or to none (equal weights)",
                )
                .zh("要么给每个能力项都设权重，要么都不设（等权）"),
            );
        }
        if weighted == spec.competencies.len() && !spec.competencies.is_empty() {
            ck.weights_sum(
                &Loc::root().key("competencies"),
                ("competency", "各能力项"),
                spec.competencies
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (i, c.weight.map_or(Decimal::ZERO, |w| w.0))),
            );
        }
        if spec.competencies.is_empty() {
            ck.push(
                Problem::new(
                    Loc::spelled("competencies"),
                    kinds::EMPTY_LIST,
                    "at least one competency is needed",
                )
                .zh("至少需要一个能力项"),
            );
        }
        let equal = if spec.competencies.is_empty() {
            Decimal::ZERO
        } else {
            Decimal::ONE_HUNDRED
                .checked_div(Decimal::from(spec.competencies.len()))
                .unwrap_or_default()
        };
        let mut items = Vec::new();
        let mut item_index = HashMap::new();
        let mut competencies = Vec::new();
        for (ci, c) in spec.competencies.iter().enumerate() {
            if c.items.is_empty() {
                ck.push(
                    Problem::new(
                        Loc::spelled(&format!("competencies[{ci}].items")),
                        kinds::EMPTY_LIST,
                        format!("competency `{}` has no items", c.id),
                    )
                    .zh(format!("能力项 `{}` 下没有题目", shown(&c.id))),
                );
            }
            competencies.push(Competency {
                id: Arc::from(c.id.as_str()),
                weight: c.weight.map_or(equal, |w| w.0),
            });
            for (ii, it) in c.items.iter().enumerate() {
                let scale = it.scale.unwrap_or(spec.scale);
                let points = span_points(scale.min.0, scale.max.0);
                if scale.min.0 >= scale.max.0 {
                    ck.push(
                        Problem::new(
                            Loc::spelled(&format!("competencies[{ci}].items[{ii}].scale")),
                            kinds::INVALID_SCALE,
                            "min must be below max",
                        )
                        .zh("最小值必须小于最大值"),
                    );
                } else if points.is_none() && it.scale.is_some() {
                    // A default scale that is too wide is reported once, at `scale`.
                    ck.push(
                        Problem::new(
                            Loc::spelled(&format!("competencies[{ci}].items[{ii}].scale")),
                            kinds::INVALID_SCALE,
                            too_wide(&scale),
                        )
                        .zh(too_wide_zh(&scale)),
                    );
                }
                if it.reverse && scale.min.0.checked_add(scale.max.0).is_none() {
                    ck.push(Problem::new(Loc::spelled(&format!("competencies[{ci}].items[{ii}].reverse")), kinds::ARITHMETIC_OVERFLOW, format!(
                            "cannot reverse-code on the scale {}–{}: min + max is past the \
                             largest decimal (about 7.9e28)",
                            scale.min.0, scale.max.0
                        )).zh(format!("无法在量表 {}–{} 上反向计分：最小值与最大值之和超出最大可表示的小数（约 7.9e28）", scale.min.0, scale.max.0)));
                }
                if item_index.insert(it.id.clone(), items.len()).is_some() {
                    ck.push(
                        Problem::new(
                            Loc::spelled(&format!("competencies[{ci}].items[{ii}].id")),
                            kinds::DUPLICATE,
                            format!("duplicate item id `{}`", it.id),
                        )
                        .zh(format!("题目 id `{}` 重复", it.id)),
                    );
                }
                items.push(Item {
                    id: Arc::from(it.id.as_str()),
                    competency: ci,
                    reverse: it.reverse,
                    min: scale.min.0,
                    max: scale.max.0,
                    points: points.and_then(|p| p.to_u32()).unwrap_or(0),
                });
            }
        }
        ck.unique(
            &Loc::root().key("groups"),
            ("group", "评价人分组"),
            spec.groups.iter().map(|g| g.id.as_str()),
        );
        let group_index: HashMap<String, usize> = spec
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.id.clone(), i))
            .collect();
        let mut groups = Vec::new();
        // Group weights are summed and shown in percent for every report, so both must fit.
        let mut total_weight = Some(Decimal::ZERO);
        for (gi, g) in spec.groups.iter().enumerate() {
            if g.weight.0 < Decimal::ZERO {
                ck.push(
                    Problem::new(
                        Loc::spelled(&format!("groups[{gi}].weight")),
                        kinds::NEGATIVE,
                        "weight cannot be negative",
                    )
                    .zh("权重不能为负数"),
                );
            } else {
                if g.weight.0.checked_mul(Decimal::ONE_HUNDRED).is_none() {
                    ck.push(Problem::new(Loc::spelled(&format!("groups[{gi}].weight")), kinds::ARITHMETIC_OVERFLOW, format!(
                            "weight {} is too large: its share of the combined score in percent \
                             (weight × 100) is past the largest decimal (about 7.9e28)",
                            g.weight.0
                        )).zh(format!("权重 {} 过大：其在综合得分中的百分比份额（权重 × 100）超出最大可表示的小数（约 7.9e28）", g.weight.0)));
                }
                total_weight = total_weight.and_then(|t| t.checked_add(g.weight.0));
            }
            let merge_into = match &g.below_minimum {
                BelowMinimum::Suppress => None,
                BelowMinimum::MergeInto(t) => match group_index.get(t) {
                    Some(&ti) if ti == gi => {
                        ck.push(
                            Problem::new(
                                Loc::spelled(&format!("groups[{gi}].below_minimum")),
                                kinds::INVALID_MERGE,
                                "a group cannot merge into itself",
                            )
                            .zh("分组不能并入自身"),
                        );
                        None
                    }
                    Some(&ti)
                        if matches!(spec.groups[ti].below_minimum, BelowMinimum::MergeInto(_)) =>
                    {
                        ck.push(
                            Problem::new(
                                Loc::spelled(&format!("groups[{gi}].below_minimum")),
                                kinds::INVALID_MERGE,
                                format!("`{t}` itself merges elsewhere: chains are not allowed"),
                            )
                            .zh(format!("`{t}` 本身又并入了其他分组：不允许链式合并")),
                        );
                        None
                    }
                    Some(&ti) => Some(ti),
                    None => {
                        ck.push(
                            Problem::new(
                                Loc::spelled(&format!("groups[{gi}].below_minimum.merge_into")),
                                kinds::UNKNOWN_REFERENCE,
                                format!("no group `{t}`"),
                            )
                            .zh(format!("没有评价人分组 `{t}`")),
                        );
                        None
                    }
                },
            };
            if g.min_raters == Some(0) {
                ck.push(
                    Problem::new(
                        Loc::spelled(&format!("groups[{gi}].min_raters")),
                        kinds::OUT_OF_RANGE,
                        "the minimum is at least 1",
                    )
                    .zh("最少人数至少为 1"),
                );
            }
            groups.push(Group {
                id: Arc::from(g.id.as_str()),
                name: name_or_id(&g.name, &g.id),
                relationship: g.relationship,
                weight: g.weight.0,
                min_raters: g
                    .min_raters
                    .unwrap_or_else(|| g.relationship.default_min_raters()),
                merge_into,
            });
        }
        if total_weight.is_none() {
            ck.push(
                Problem::new(
                    Loc::spelled("groups"),
                    kinds::ARITHMETIC_OVERFLOW,
                    "the group weights add up to more than the largest decimal (about 7.9e28)",
                )
                .zh("各分组权重之和超出最大可表示的小数（约 7.9e28）"),
            );
        }
        let trim = spec.aggregation.trim.0;
        if trim < Decimal::ZERO || trim >= Decimal::new(5, 1) {
            ck.push(
                Problem::new(
                    Loc::spelled("aggregation.trim"),
                    kinds::OUT_OF_RANGE,
                    "the trimmed share must be at least 0 and below 0.5",
                )
                .zh("截尾比例必须不小于 0 且小于 0.5"),
            );
        }
        if !ck.problems.is_empty() {
            return Err(Error::Plan(ck.problems.into_vec()));
        }
        Ok(Feedback {
            id: Arc::from(spec.id.as_str()),
            items,
            item_index,
            competencies,
            groups,
            group_index,
            aggregation: spec.aggregation,
            include_self: spec.include_self_in_combined,
            gap_threshold: spec.gap_threshold.map_or(Decimal::new(5, 1), |g| g.0),
            leniency: spec.leniency,
            spec: Arc::new(spec.clone()),
        })
    }

    /// The configuration document as compact JSON: the same configuration when read back with
    /// [`Feedback::from_json`].
    pub fn to_json(&self) -> String {
        // Plain data with string keys: serialising cannot fail; `{}` would be refused on reading.
        serde_json::to_string(&*self.spec).unwrap_or_else(|_| "{}".to_string())
    }

    /// The configuration's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Aggregate a round of responses into one report per ratee plus round-level reliability.
    /// All input problems are reported at once; nothing is aggregated from bad input.
    pub fn aggregate(&self, responses: &[Response]) -> crate::Result<FeedbackRound> {
        let mut problems = Vec::new();
        let mut answers = Vec::with_capacity(responses.len());
        let mut seen = BTreeSet::new();
        for (i, r) in responses.iter().enumerate() {
            let path = Loc::root().key("responses").index(i);
            let item = self.item_index.get(&r.item).copied();
            let group = self.group_index.get(&r.group).copied();
            if item.is_none() {
                let item = shown(&r.item);
                problems.push(
                    Problem::new(
                        path.clone().key("item"),
                        kinds::UNKNOWN_REFERENCE,
                        format!("no item `{item}`"),
                    )
                    .zh(format!("没有题目 `{item}`")),
                );
            }
            if group.is_none() {
                let group = shown(&r.group);
                problems.push(
                    Problem::new(
                        path.clone().key("group"),
                        kinds::UNKNOWN_REFERENCE,
                        format!("no group `{group}`"),
                    )
                    .zh(format!("没有评价人分组 `{group}`")),
                );
            }
            if !seen.insert((r.rater.as_str(), r.ratee.as_str(), r.item.as_str())) {
                let (rater, item, ratee) = (shown(&r.rater), shown(&r.item), shown(&r.ratee));
                problems.push(
                    Problem::new(
                        path.clone(),
                        kinds::DUPLICATE,
                        format!("{rater} answered item `{item}` about {ratee} twice"),
                    )
                    .zh(format!("{rater} 对 {ratee} 的题目 `{item}` 作答了两次")),
                );
            }
            let (Some(item), Some(group)) = (item, group) else {
                continue;
            };
            let it = &self.items[item];
            if let Answer::Value(v) = r.value {
                if v < it.min || v > it.max {
                    problems.push(
                        Problem::new(
                            path.clone().key("value"),
                            kinds::OUTSIDE_SCALE,
                            format!("{v} is outside the scale {}–{}", it.min, it.max),
                        )
                        .zh(format!("{v} 超出量表范围 {}–{}", it.min, it.max)),
                    );
                    continue;
                }
                let value = if it.reverse {
                    // min + max fits (checked when compiled) and v is on the scale, so this
                    // holds; if it ever did not, the raw answer would be a wrong number.
                    match it.min.checked_add(it.max).and_then(|s| s.checked_sub(v)) {
                        Some(x) => x,
                        None => {
                            problems.push(
                                Problem::new(
                                    path.clone().key("value"),
                                    kinds::ARITHMETIC_OVERFLOW,
                                    format!(
                                        "{v} cannot be reverse-coded on the scale {}–{} \
                                     (arithmetic overflow)",
                                        it.min, it.max
                                    ),
                                )
                                .zh(format!(
                                    "{v} 无法在量表 {}–{} 上反向计分（算术溢出）",
                                    it.min, it.max
                                )),
                            );
                            continue;
                        }
                    }
                } else {
                    v
                };
                answers.push(Scored {
                    rater: &r.rater,
                    ratee: &r.ratee,
                    group,
                    item,
                    value,
                });
            }
        }
        if !problems.is_empty() {
            return Err(Error::Input(problems));
        }
        let corrections = match self.leniency {
            Some(l) => self.correct_leniency(&mut answers, l)?,
            None => Vec::new(),
        };
        let ratees: BTreeSet<&str> = answers.iter().map(|a| a.ratee).collect();
        let mut reports = Vec::with_capacity(ratees.len());
        let mut per_rater_overall: Vec<(String, Vec<(String, Decimal)>)> = Vec::new();
        for ratee in ratees {
            let mine: Vec<&Scored> = answers.iter().filter(|a| a.ratee == ratee).collect();
            let (report, rater_overalls) = self
                .report(ratee, &mine)
                .map_err(|o| o.error(&format!("ratee `{ratee}`")))?;
            per_rater_overall.push((ratee.to_string(), rater_overalls));
            reports.push(report);
        }
        let reliability = self.reliability(&answers, &reports, &per_rater_overall);
        Ok(FeedbackRound {
            feedback_id: self.id.clone(),
            reports,
            reliability,
            leniency: corrections,
        })
    }

    fn is_self(&self, g: usize) -> bool {
        self.groups
            .get(g)
            .is_some_and(|g| g.relationship == Relationship::SelfRating)
    }

    /// Anonymity: which raters each group finally counts, and each group's status.
    fn resolve_groups<'a>(
        &self,
        answers: &[&Scored<'a>],
    ) -> (Vec<BTreeSet<&'a str>>, Vec<GroupStatus>) {
        let mut own: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); self.groups.len()];
        for a in answers {
            if let Some(set) = own.get_mut(a.group) {
                set.insert(a.rater);
            }
        }
        let mut effective = own.clone();
        let mut status = vec![GroupStatus::Shown; self.groups.len()];
        for (gi, g) in self.groups.iter().enumerate() {
            let n = own[gi].len();
            if n > 0 && (n as u32) < g.min_raters {
                if let Some(t) = g.merge_into {
                    let moved = std::mem::take(&mut effective[gi]);
                    effective[t].extend(moved);
                    status[gi] = GroupStatus::MergedInto {
                        group: self.groups[t].id.clone(),
                    };
                }
            }
        }
        for (gi, g) in self.groups.iter().enumerate() {
            if matches!(status[gi], GroupStatus::MergedInto { .. }) {
                continue;
            }
            let n = effective[gi].len();
            if n == 0 {
                status[gi] = GroupStatus::NoResponses;
            } else if (n as u32) < g.min_raters {
                status[gi] = GroupStatus::Suppressed {
                    minimum: g.min_raters,
                };
                effective[gi].clear();
            }
        }
        (effective, status)
    }

    fn aggregate_values(&self, values: &mut [Decimal]) -> Calc<Option<(Decimal, bool)>> {
        values.sort();
        let n = values.len();
        if n == 0 {
            return Ok(None);
        }
        let m = match self.aggregation.method {
            Aggregate::Mean => mean(values)?.map(|m| (m, false)),
            Aggregate::Median => {
                let mid = n / 2;
                let m = if n % 2 == 1 {
                    values.get(mid).copied()
                } else {
                    // n is even and not 0, so mid ≥ 1.
                    mean(values.get(mid.saturating_sub(1)..=mid).unwrap_or_default())?
                };
                m.map(|m| (m, false))
            }
            Aggregate::TrimmedMean => {
                if (n as u32) < self.aggregation.trimmed_min_raters {
                    return Ok(mean(values)?.map(|m| (m, true)));
                }
                // trim < 0.5 (checked when compiled), so cut ≤ n ÷ 2 and the middle is not empty.
                let of = Overflow("a trimmed mean of the answers");
                let cut = Decimal::from(n)
                    .checked_mul(self.aggregation.trim.0)
                    .and_then(|c| c.floor().to_usize())
                    .ok_or(of)?;
                let middle = n
                    .checked_sub(cut)
                    .and_then(|end| values.get(cut..end))
                    .ok_or(of)?;
                mean(middle)?.map(|m| (m, false))
            }
        };
        Ok(m)
    }

    /// Competency-weighted mean of the competencies present (weights re-normalised).
    fn overall(&self, competency_scores: &[Option<Decimal>]) -> Calc<Option<Decimal>> {
        let of = Overflow("the overall score");
        let mut num = Decimal::ZERO;
        let mut den = Decimal::ZERO;
        for (c, s) in self.competencies.iter().zip(competency_scores) {
            if let Some(s) = s {
                num = num
                    .checked_add(s.checked_mul(c.weight).ok_or(of)?)
                    .ok_or(of)?;
                den = den.checked_add(c.weight).ok_or(of)?;
            }
        }
        if den.is_zero() {
            Ok(None)
        } else {
            num.checked_div(den).map(Some).ok_or(of)
        }
    }

    /// Scores of a set of answers from the given raters: items, competencies, overall.
    fn scores(
        &self,
        answers: &[&Scored],
        raters: &BTreeSet<&str>,
        fallback: &mut bool,
    ) -> Calc<(Scores, Vec<(String, Decimal)>)> {
        let n_items = self.items.len();
        let n_comp = self.competencies.len();
        // Per rater: their item values.
        let mut by_rater: BTreeMap<&str, Vec<Option<Decimal>>> = BTreeMap::new();
        for a in answers.iter().filter(|a| raters.contains(a.rater)) {
            let row = by_rater
                .entry(a.rater)
                .or_insert_with(|| vec![None; n_items]);
            if let Some(cell) = row.get_mut(a.item) {
                *cell = Some(a.value);
            }
        }
        let mut item_scores = vec![None; n_items];
        for (i, slot) in item_scores.iter_mut().enumerate() {
            let mut vals: Vec<Decimal> = by_rater.values().filter_map(|row| row[i]).collect();
            if let Some((v, fb)) = self.aggregate_values(&mut vals)? {
                *fallback |= fb;
                *slot = Some(v);
            }
        }
        let comp_of = |row: &[Option<Decimal>], c: usize| -> Calc<Option<Decimal>> {
            let vals: Vec<Decimal> = self
                .items
                .iter()
                .zip(row)
                .filter(|(it, _)| it.competency == c)
                .filter_map(|(_, v)| *v)
                .collect();
            mean(&vals)
        };
        let comps_of = |row: &[Option<Decimal>]| -> Calc<Vec<Option<Decimal>>> {
            (0..n_comp).map(|c| comp_of(row, c)).collect()
        };
        let mut rater_overalls = Vec::new();
        let mut comp_scores = vec![None; n_comp];
        let overall;
        if self.aggregation.per_rater_first {
            let mut rater_comps: Vec<(&str, Vec<Option<Decimal>>)> = Vec::new();
            for (r, row) in &by_rater {
                rater_comps.push((*r, comps_of(row)?));
            }
            for (c, slot) in comp_scores.iter_mut().enumerate() {
                let mut vals: Vec<Decimal> =
                    rater_comps.iter().filter_map(|(_, cs)| cs[c]).collect();
                if let Some((v, fb)) = self.aggregate_values(&mut vals)? {
                    *fallback |= fb;
                    *slot = Some(v);
                }
            }
            let mut overalls: Vec<Decimal> = Vec::new();
            for (r, cs) in &rater_comps {
                if let Some(o) = self.overall(cs)? {
                    overalls.push(o);
                    rater_overalls.push((r.to_string(), o));
                }
            }
            overall = self.aggregate_values(&mut overalls)?.map(|(v, fb)| {
                *fallback |= fb;
                v
            });
        } else {
            for (c, slot) in comp_scores.iter_mut().enumerate() {
                let mut vals: Vec<Decimal> = by_rater
                    .values()
                    .flat_map(|row| {
                        self.items
                            .iter()
                            .zip(row.iter())
                            .filter(|(it, _)| it.competency == c)
                            .filter_map(|(_, v)| *v)
                    })
                    .collect();
                if let Some((v, fb)) = self.aggregate_values(&mut vals)? {
                    *fallback |= fb;
                    *slot = Some(v);
                }
            }
            for (r, row) in &by_rater {
                if let Some(o) = self.overall(&comps_of(row)?)? {
                    rater_overalls.push((r.to_string(), o));
                }
            }
            overall = self.overall(&comp_scores)?;
        }
        Ok((
            self.named(&item_scores, &comp_scores, overall),
            rater_overalls,
        ))
    }

    fn named(
        &self,
        items: &[Option<Decimal>],
        comps: &[Option<Decimal>],
        overall: Option<Decimal>,
    ) -> Scores {
        Scores {
            items: self
                .items
                .iter()
                .zip(items)
                .filter_map(|(it, v)| {
                    v.map(|s| NamedScore {
                        id: it.id.clone(),
                        score: s,
                    })
                })
                .collect(),
            competencies: self
                .competencies
                .iter()
                .zip(comps)
                .filter_map(|(c, v)| {
                    v.map(|s| NamedScore {
                        id: c.id.clone(),
                        score: s,
                    })
                })
                .collect(),
            overall,
        }
    }

    fn report(
        &self,
        ratee: &str,
        answers: &[&Scored],
    ) -> Calc<(FeedbackReport, Vec<(String, Decimal)>)> {
        let (raters, status) = self.resolve_groups(answers);
        let mut groups = Vec::with_capacity(self.groups.len());
        let mut group_scores: Vec<Option<Scores>> = vec![None; self.groups.len()];
        let mut trimmed_fallback = false;
        let mut others_rater_overalls = Vec::new();
        for (gi, g) in self.groups.iter().enumerate() {
            let shown = status[gi] == GroupStatus::Shown;
            if shown {
                let (s, ro) = self.scores(answers, &raters[gi], &mut trimmed_fallback)?;
                if !self.is_self(gi) {
                    others_rater_overalls.extend(ro);
                }
                group_scores[gi] = Some(s);
            }
            groups.push(GroupResult {
                id: g.id.clone(),
                name: g.name.clone(),
                status: status[gi].clone(),
                raters: if shown {
                    Some(raters[gi].len() as u32)
                } else {
                    None
                },
                weight: g.weight,
                scores: group_scores[gi].clone(),
            });
        }
        // Combined: weights re-normalised over the groups that have a value, per number.
        let counted: Vec<usize> = (0..self.groups.len())
            .filter(|&g| {
                group_scores[g].is_some()
                    && (self.include_self || !self.is_self(g))
                    && !self.groups[g].weight.is_zero()
            })
            .collect();
        let combine = |pick: &dyn Fn(&Scores) -> Option<Decimal>| -> Calc<Option<Decimal>> {
            let of = Overflow("a combined score");
            let mut num = Decimal::ZERO;
            let mut den = Decimal::ZERO;
            for &g in &counted {
                if let Some(v) = group_scores[g].as_ref().and_then(pick) {
                    let w = self.groups[g].weight;
                    num = num.checked_add(v.checked_mul(w).ok_or(of)?).ok_or(of)?;
                    den = den.checked_add(w).ok_or(of)?;
                }
            }
            if den.is_zero() {
                Ok(None)
            } else {
                num.checked_div(den).map(Some).ok_or(of)
            }
        };
        let find =
            |list: &[NamedScore], id: &str| list.iter().find(|s| &*s.id == id).map(|s| s.score);
        let combined_items: Vec<Option<Decimal>> = self
            .items
            .iter()
            .map(|it| combine(&|s: &Scores| find(&s.items, &it.id)))
            .collect::<Calc<_>>()?;
        let combined_comps: Vec<Option<Decimal>> = self
            .competencies
            .iter()
            .map(|c| combine(&|s: &Scores| find(&s.competencies, &c.id)))
            .collect::<Calc<_>>()?;
        let combined_overall = combine(&|s: &Scores| s.overall)?;
        // The sum of all group weights and each weight × 100 fit (checked when compiled).
        let share = Overflow("a group's share of the combined score");
        let total_weight = counted
            .iter()
            .try_fold(Decimal::ZERO, |t, &g| t.checked_add(self.groups[g].weight))
            .ok_or(share)?;
        let weights_used = counted
            .iter()
            .map(|&g| {
                Ok(GroupWeight {
                    group: self.groups[g].id.clone(),
                    weight: self.groups[g]
                        .weight
                        .checked_mul(Decimal::ONE_HUNDRED)
                        .and_then(|w| w.checked_div(total_weight))
                        .ok_or(share)?,
                })
            })
            .collect::<Calc<_>>()?;
        let combined = self.named(&combined_items, &combined_comps, combined_overall);
        let self_scores = (0..self.groups.len())
            .find(|&g| self.is_self(g))
            .and_then(|g| group_scores[g].clone());

        // Gaps: self − others, per item and competency.
        let mut gaps = Vec::new();
        if let Some(me) = &self_scores {
            let pairs = me
                .items
                .iter()
                .map(|s| (GapLevel::Item, s))
                .chain(me.competencies.iter().map(|s| (GapLevel::Competency, s)));
            for (level, mine) in pairs {
                let others = match level {
                    GapLevel::Item => find(&combined.items, &mine.id),
                    GapLevel::Competency => find(&combined.competencies, &mine.id),
                };
                if let Some(o) = others {
                    let gap = mine
                        .score
                        .checked_sub(o)
                        .ok_or(Overflow("a self-versus-others gap"))?;
                    let flag = if gap >= self.gap_threshold {
                        GapFlag::BlindSpot
                    } else if gap.is_sign_negative() && gap.abs() >= self.gap_threshold {
                        GapFlag::HiddenStrength
                    } else {
                        GapFlag::None
                    };
                    gaps.push(Gap {
                        level,
                        id: mine.id.clone(),
                        self_score: mine.score,
                        others: o,
                        gap,
                        flag,
                    });
                }
            }
        }

        // Agreement per item over the counted non-self raters.
        let others: BTreeSet<&str> = (0..self.groups.len())
            .filter(|&g| !self.is_self(g) && status[g] == GroupStatus::Shown)
            .flat_map(|g| raters[g].iter().copied())
            .collect();
        let agreement = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let mut vals: Vec<Decimal> = answers
                    .iter()
                    .filter(|a| a.item == i && others.contains(a.rater))
                    .map(|a| a.value)
                    .collect();
                // Sorted so the f64 sums, and so the statistics, do not depend on response order.
                vals.sort();
                ItemAgreement {
                    item: it.id.clone(),
                    raters: vals.len() as u32,
                    std_dev: stats::std_dev(&f64s(&vals)),
                    rwg: stats::rwg(&f64s(&vals), it.points),
                }
            })
            .collect();
        Ok((
            FeedbackReport {
                ratee: ratee.to_string(),
                groups,
                combined,
                weights_used,
                self_scores,
                gaps,
                agreement,
                trimmed_mean_fell_back: trimmed_fallback,
            },
            others_rater_overalls,
        ))
    }

    fn reliability(
        &self,
        answers: &[Scored],
        reports: &[FeedbackReport],
        per_rater_overall: &[(String, Vec<(String, Decimal)>)],
    ) -> Reliability {
        // Only raters counted in a shown, non-self group: suppressed groups never reach a statistic.
        let shown_groups: BTreeMap<&str, BTreeSet<usize>> = reports
            .iter()
            .map(|r| {
                let set = r
                    .groups
                    .iter()
                    .enumerate()
                    .filter(|(gi, g)| g.status == GroupStatus::Shown && !self.is_self(*gi))
                    .map(|(gi, _)| gi)
                    .collect();
                (r.ratee.as_str(), set)
            })
            .collect();
        let merged_target = |ratee: &str, g: usize| -> Option<usize> {
            let shown = shown_groups.get(ratee)?;
            if shown.contains(&g) {
                return Some(g);
            }
            let report = reports.iter().find(|r| r.ratee == ratee)?;
            match report.groups.get(g).map(|x| &x.status) {
                Some(GroupStatus::MergedInto { group }) => self
                    .groups
                    .iter()
                    .position(|x| &x.id == group)
                    .filter(|t| shown.contains(t)),
                _ => None,
            }
        };
        let usable: Vec<&Scored> = answers
            .iter()
            .filter(|a| merged_target(a.ratee, a.group).is_some())
            .collect();
        let coders: Vec<&str> = usable
            .iter()
            .map(|a| a.rater)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let units: Vec<(&str, usize)> = usable
            .iter()
            .map(|a| (a.ratee, a.item))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut data = vec![vec![None; units.len()]; coders.len()];
        for a in &usable {
            if let (Ok(c), Ok(u)) = (
                coders.binary_search(&a.rater),
                units.binary_search(&(a.ratee, a.item)),
            ) {
                data[c][u] = a.value.to_f64();
            }
        }
        let alpha = |m: Metric| {
            stats::krippendorff_alpha(&data, m).unwrap_or(Stat::Undefined {
                reason: stats::Undefined::NotEnoughData,
            })
        };
        // ICC: ratees × k rater slots (raters sorted by id), k = fewest counted raters any ratee has (≥ 2).
        let rows: Vec<&Vec<(String, Decimal)>> = per_rater_overall
            .iter()
            .map(|(_, v)| v)
            .filter(|v| v.len() >= 2)
            .collect();
        let k = rows.iter().map(|v| v.len()).min().unwrap_or(0);
        let matrix: Vec<Vec<f64>> = rows
            .iter()
            .map(|v| v.iter().take(k).filter_map(|(_, o)| o.to_f64()).collect())
            .collect();
        let icc = if matrix.len() >= 2 && k >= 2 {
            stats::icc_all(&matrix).ok()
        } else {
            None
        };
        Reliability {
            alpha_nominal: alpha(Metric::Nominal),
            alpha_ordinal: alpha(Metric::Ordinal),
            alpha_interval: alpha(Metric::Interval),
            alpha_ratio: alpha(Metric::Ratio),
            icc,
            icc_ratees: matrix.len() as u32,
            icc_raters_per_ratee: k as u32,
        }
    }

    fn correct_leniency(
        &self,
        answers: &mut [Scored],
        l: LeniencySpec,
    ) -> crate::Result<Vec<LeniencyCorrection>> {
        let whom = |rater: &str| format!("rater `{rater}`");
        // Each rater's mean per ratee (non-self answers only).
        let mut per: BTreeMap<&str, BTreeMap<&str, Vec<Decimal>>> = BTreeMap::new();
        for a in answers.iter().filter(|a| !self.is_self(a.group)) {
            per.entry(a.rater)
                .or_default()
                .entry(a.ratee)
                .or_default()
                .push(a.value);
        }
        let mut rater_ratee_means: BTreeMap<&str, Vec<Decimal>> = BTreeMap::new();
        for (r, m) in &per {
            let mut means = Vec::with_capacity(m.len());
            for v in m.values() {
                means.extend(mean(v).map_err(|o| o.error(&whom(r)))?);
            }
            rater_ratee_means.insert(*r, means);
        }
        let mut all: Vec<Decimal> = rater_ratee_means.values().flatten().copied().collect();
        all.sort();
        let Some(grand) = mean(&all).map_err(|o| o.error("the round"))? else {
            return Ok(Vec::new());
        };
        let grand_sd = stats::std_dev(&f64s(&all)).value();
        let mut out = Vec::new();
        for (rater, means) in &rater_ratee_means {
            let sd = stats::std_dev(&f64s(means)).value();
            let (Some(m), Some(sd)) = (mean(means).map_err(|o| o.error(&whom(rater)))?, sd) else {
                continue;
            };
            if (means.len() as u32) < l.min_ratees || sd <= 0.0 {
                continue;
            }
            let of = |what| Overflow(what).error(&whom(rater));
            let shift = grand
                .checked_sub(m)
                .ok_or_else(|| of("the leniency shift"))?;
            let correction = match (l.method, grand_sd) {
                (LeniencyMethod::Centre, _) => LeniencyCorrection {
                    rater: rater.to_string(),
                    rater_mean: m,
                    shift,
                    scale: None,
                },
                (LeniencyMethod::Standardise, Some(gsd)) => {
                    // A factor that has no exact decimal is an error, never a silent 1.
                    let factor = crate::number::decimal_from_f64(gsd / sd)
                        .map(|f| f.round_dp(10))
                        .map_err(|_| of("the leniency scale factor"))?;
                    LeniencyCorrection {
                        rater: rater.to_string(),
                        rater_mean: m,
                        shift,
                        scale: Some(factor),
                    }
                }
                (LeniencyMethod::Standardise, None) => continue,
            };
            for a in answers
                .iter_mut()
                .filter(|a| a.rater == *rater && !self.is_self(a.group))
            {
                // centre: v + (grand − m); standardise: grand + (v − m) × (grand sd ÷ rater sd).
                let corrected = match correction.scale {
                    None => a.value.checked_add(correction.shift),
                    Some(f) => a
                        .value
                        .checked_sub(m)
                        .and_then(|d| d.checked_mul(f))
                        .and_then(|d| d.checked_add(grand)),
                };
                a.value = corrected.ok_or_else(|| of("a leniency-corrected answer"))?;
            }
            out.push(correction);
        }
        Ok(out)
    }
}
