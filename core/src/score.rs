//! The scoring engine: a compiled [`Plan`] and one record in, one [`Scorecard`] out.
//!
//! Order of work, documented for users in `docs/plan-format.md`:
//! 1. evaluate each indicator (actual, target, completion, method, floor/cap), applying its
//!    missing-data policy; 2. re-weight sections with left-out indicators; 3. contributions =
//!    score × indicator weight × section weight, summed into the weighted total; 4. adjustments;
//! 5. the plan's total floor/cap; 6. vetoes (zero the total); 7. round once; 8. grade, then any
//!    veto's grade cap. Every input problem of a record is collected before failing.

use crate::error::{Error, Problem};
use crate::formula::EvalError;
use crate::method::{completion, Bound, Detail, MethodError};
use crate::plan::{Indicator, MissingPolicy, Plan, VetoAction};
use crate::progress::{self, PeriodPosition, Status};
use crate::record::Record;
use crate::scorecard::*;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::sync::Arc;

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Options for one scoring run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreOptions {
    /// How far the period has gone, for progress lights and projections; absent at period end.
    #[serde(default)]
    pub period: Option<PeriodPosition>,
}

impl ScoreOptions {
    /// Read options from JSON text, e.g. `{"period": {"basis": "calendar_days", "elapsed": 12, "total": 30}}`.
    pub fn from_json(text: &str) -> crate::Result<ScoreOptions> {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." {
                "options".to_string()
            } else {
                format!("options.{path}")
            };
            Error::Input(vec![Problem::new(path, e.into_inner().to_string())])
        })
    }
}

fn overflow(path: &str) -> Problem {
    Problem::new(path, "arithmetic overflow")
}

fn mul(a: Decimal, b: Decimal, path: &str) -> Result<Decimal, Problem> {
    a.checked_mul(b).ok_or_else(|| overflow(path))
}
fn add(a: Decimal, b: Decimal, path: &str) -> Result<Decimal, Problem> {
    a.checked_add(b).ok_or_else(|| overflow(path))
}
/// a × b ÷ 100, the shape of every weighting step.
fn pct(a: Decimal, b: Decimal, path: &str) -> Result<Decimal, Problem> {
    mul(a, b, path)?
        .checked_div(HUNDRED)
        .ok_or_else(|| overflow(path))
}

/// Re-used scratch space for scoring many records: one allocation per batch, not per person.
pub struct Scorer<'p> {
    plan: &'p Plan,
    env: Vec<Option<Decimal>>,
    fraction: Option<Decimal>,
}

impl Plan {
    /// Score one record at period end.
    pub fn score(&self, record: &Record) -> crate::Result<Scorecard> {
        self.scorer(&ScoreOptions::default())?.score(record)
    }

    /// Score one record with options (e.g. mid-period progress).
    pub fn score_with(&self, record: &Record, options: &ScoreOptions) -> crate::Result<Scorecard> {
        self.scorer(options)?.score(record)
    }

    /// Score a batch; if any record has a problem, all problems are returned and nothing is scored.
    pub fn score_many(
        &self,
        records: &[Record],
        options: &ScoreOptions,
    ) -> crate::Result<Vec<Scorecard>> {
        let mut scorer = self.scorer(options)?;
        let mut cards = Vec::with_capacity(records.len());
        let mut problems = Vec::new();
        for (i, r) in records.iter().enumerate() {
            match scorer.score_at(r, Some(i)) {
                Ok(c) => cards.push(c),
                Err(e) => problems.extend(e.problems().iter().cloned()),
            }
        }
        if problems.is_empty() {
            Ok(cards)
        } else {
            Err(Error::Input(problems))
        }
    }

    /// A scorer with reusable scratch space; see [`Scorer::score`].
    pub fn scorer(&self, options: &ScoreOptions) -> crate::Result<Scorer<'_>> {
        let fraction = match &options.period {
            Some(p) => Some(
                p.fraction("options.period")
                    .map_err(|p| Error::Input(vec![p]))?,
            ),
            None => None,
        };
        Ok(Scorer {
            plan: self,
            env: vec![None; self.env_len()],
            fraction,
        })
    }
}

/// The end of the pipeline: total after adjustments, bounds and vetoes; rounded; graded.
struct Final {
    unrounded: Decimal,
    bound: Option<Bound>,
    rounded: Decimal,
    grade: usize,
    grade_before_cap: Option<usize>,
}

/// An indicator evaluated, before weighting.
struct Evaluated {
    actual: Option<Decimal>,
    target: Option<Decimal>,
    completion: Option<Decimal>,
    detail: Detail,
    raw: Decimal,
    score: Decimal,
    bound: Option<Bound>,
    missing: Option<Arc<str>>,
}

impl<'p> Scorer<'p> {
    /// Score one record.
    pub fn score(&mut self, record: &Record) -> crate::Result<Scorecard> {
        self.score_at(record, None)
    }

    fn record_path(record: &Record, index: Option<usize>) -> String {
        match index {
            Some(i) => format!("records[{i}] ({})", record.id),
            None => format!("record {}", record.id),
        }
    }

    /// Score one record; `index` names it within a batch in error paths.
    pub fn score_at(&mut self, record: &Record, index: Option<usize>) -> crate::Result<Scorecard> {
        let plan = self.plan;
        let rpath = Self::record_path(record, index);
        let mut problems = Vec::new();

        // 1. Load the record's values into the environment by slot.
        self.env.iter_mut().for_each(|v| *v = None);
        for (key, value) in &record.measures {
            match plan.measure_slot(key) {
                Some(slot) => match self.env.get_mut(slot) {
                    Some(cell @ None) => *cell = Some(*value),
                    _ => problems.push(Problem::new(
                        format!("{rpath}.{key}"),
                        format!(
                            "measure `{}` is given twice (by id and alias)",
                            plan.measures[slot].id
                        ),
                    )),
                },
                None => problems.push(Problem::new(
                    format!("{rpath}.{key}"),
                    "the plan has no measure of this name",
                )),
            }
        }

        // 2. Indicators.
        let mut evaluated = Vec::with_capacity(plan.indicators.len());
        for ind in &plan.indicators {
            let path = format!("{rpath}.indicators.{}", ind.id);
            match self.evaluate(ind, &path) {
                Ok(e) => evaluated.push(e),
                Err(p) => problems.push(p),
            }
        }
        if !problems.is_empty() {
            return Err(Error::Input(problems));
        }

        self.assemble(record, &rpath, evaluated)
            .map_err(|p| Error::Input(vec![p]))
    }

    fn missing_name(&self, e: EvalError) -> Option<Arc<str>> {
        match e {
            EvalError::Missing { slot } => Some(
                self.plan
                    .measures
                    .get(slot)
                    .map_or_else(|| Arc::from("?"), |m| m.id.clone()),
            ),
            _ => None,
        }
    }

    fn eval_error(&self, e: EvalError, path: &str, what: &str) -> Problem {
        match self.missing_name(e) {
            Some(m) => Problem::new(
                path,
                format!("measure `{m}` is missing (needed for the {what})"),
            ),
            None => Problem::new(path, format!("{what}: {}", MethodError::Eval(e).message())),
        }
    }

    fn evaluate(&mut self, ind: &Indicator, path: &str) -> Result<Evaluated, Problem> {
        let actual = ind.actual.eval_number(&self.env);
        let target = ind
            .target
            .as_ref()
            .map(|t| t.eval_number(&self.env))
            .transpose();
        let missing = match (&actual, &target) {
            (Err(e @ EvalError::Missing { .. }), _) | (_, Err(e @ EvalError::Missing { .. })) => {
                self.missing_name(*e)
            }
            _ => None,
        };
        if let Some(m) = missing {
            let detail = match ind.missing {
                MissingPolicy::Error => {
                    return Err(Problem::new(
                        path,
                        format!(
                            "measure `{m}` is missing (needed by indicator `{}`)",
                            ind.id
                        ),
                    ))
                }
                MissingPolicy::Zero => Detail::MissingScoredZero,
                MissingPolicy::Reweight => Detail::MissingLeftOut,
            };
            return Ok(Evaluated {
                actual: actual.ok(),
                target: target.ok().flatten(),
                completion: None,
                detail,
                raw: Decimal::ZERO,
                score: Decimal::ZERO,
                bound: None,
                missing: Some(m),
            });
        }
        let actual = actual.map_err(|e| self.eval_error(e, path, "actual"))?;
        let target = target.map_err(|e| self.eval_error(e, path, "target"))?;
        let out = self.run_method(ind, actual, target, path)?;
        Ok(Evaluated {
            actual: Some(actual),
            target,
            completion: out.1,
            detail: out.0.detail,
            raw: out.0.raw,
            score: out.0.score,
            bound: out.0.bound,
            missing: None,
        })
    }

    fn run_method(
        &mut self,
        ind: &Indicator,
        actual: Decimal,
        target: Option<Decimal>,
        path: &str,
    ) -> Result<(crate::method::Outcome, Option<Decimal>), Problem> {
        let plan = self.plan;
        let fail = |e: MethodError| Problem::new(path, e.message());
        let comp = completion(actual, target).map_err(fail)?;
        for (i, v) in [Some(actual), target, comp].into_iter().enumerate() {
            if let Some(cell) = self.env.get_mut(plan.method_slot(i)) {
                *cell = v;
            }
        }
        let out = ind.method.score(actual, target, comp, &self.env);
        match out {
            Ok(o) => Ok((o, comp)),
            Err(MethodError::Eval(e)) => Err(self.eval_error(e, path, "scoring")),
            Err(e) => Err(fail(e)),
        }
    }

    fn assemble(
        &mut self,
        record: &Record,
        rpath: &str,
        evaluated: Vec<Evaluated>,
    ) -> Result<Scorecard, Problem> {
        let plan = self.plan;
        // Effective section weights: sections whose every indicator was left out drop out.
        let section_present: Vec<bool> = plan
            .sections
            .iter()
            .map(|s| {
                evaluated[s.indicators.clone()]
                    .iter()
                    .any(|e| e.detail != Detail::MissingLeftOut)
            })
            .collect();
        let present_section_weight = plan
            .sections
            .iter()
            .zip(&section_present)
            .filter(|(_, p)| **p)
            .try_fold(Decimal::ZERO, |acc, (s, _)| add(acc, s.weight, rpath))?;
        if present_section_weight.is_zero() {
            return Err(Problem::new(
                rpath,
                "every indicator was left out for missing data: nothing to score",
            ));
        }

        let mut sections = Vec::with_capacity(plan.sections.len());
        let mut weighted_total = Decimal::ZERO;
        let mut tracked_contribution = Decimal::ZERO;
        let mut projected_contribution = Decimal::ZERO;
        let mut worst: Option<Status> = None;
        let mut any_tracked = false;
        let mut evaluated = evaluated.into_iter();
        for (s, present) in plan.sections.iter().zip(section_present) {
            let section_weight = reweight(s.weight, present, present_section_weight, rpath)?;
            let items: Vec<Evaluated> = evaluated.by_ref().take(s.indicators.len()).collect();
            let present_weight = plan.indicators[s.indicators.clone()]
                .iter()
                .zip(&items)
                .filter(|(_, e)| e.detail != Detail::MissingLeftOut)
                .try_fold(Decimal::ZERO, |acc, (i, _)| add(acc, i.weight, rpath))?;
            let mut section_score = Decimal::ZERO;
            let mut section_contribution = Decimal::ZERO;
            let mut indicators = Vec::with_capacity(items.len());
            for (ind, e) in plan.indicators[s.indicators.clone()].iter().zip(items) {
                let left_out = e.detail == Detail::MissingLeftOut;
                let effective_weight =
                    reweight(ind.weight, !left_out && present, present_weight, rpath)?;
                let weighted = pct(e.score, effective_weight, rpath)?;
                let contribution = pct(weighted, section_weight, rpath)?;
                section_score = add(section_score, weighted, rpath)?;
                section_contribution = add(section_contribution, contribution, rpath)?;

                let mut progress = None;
                if let (true, Some(f), Some(actual), Some(target)) =
                    (ind.track_progress, self.fraction, e.actual, e.target)
                {
                    if !left_out {
                        let path = format!("{rpath}.indicators.{}.progress", ind.id);
                        let mut p = progress::assess(actual, target, f, plan.green, plan.yellow)
                            .ok_or_else(|| overflow(&path))?;
                        any_tracked = true;
                        worst = match (worst, p.status) {
                            (Some(w), Some(s)) => Some(w.min(s)),
                            (w, s) => w.or(s),
                        };
                        tracked_contribution = add(tracked_contribution, contribution, &path)?;
                        // Score the projection with the same method; without one (no time gone) keep today's score.
                        let projected_score = match p.projected {
                            Some(pa) => {
                                Some(self.run_method(ind, pa, Some(target), &path)?.0.score)
                            }
                            None => None,
                        };
                        p.projected_score = projected_score;
                        let ps = projected_score.unwrap_or(e.score);
                        projected_contribution = add(
                            projected_contribution,
                            pct(pct(ps, effective_weight, &path)?, section_weight, &path)?,
                            &path,
                        )?;
                        progress = Some(p);
                    }
                }

                indicators.push(IndicatorScore {
                    id: ind.id.clone(),
                    name: ind.name.clone(),
                    kind: ind.kind,
                    actual: e.actual,
                    target: e.target,
                    completion: e.completion,
                    detail: e.detail,
                    raw_score: e.raw,
                    score: e.score,
                    bound: e.bound,
                    weight: ind.weight,
                    effective_weight,
                    weighted,
                    contribution,
                    missing: e.missing,
                    progress,
                });
            }
            weighted_total = add(weighted_total, section_contribution, rpath)?;
            sections.push(SectionScore {
                id: s.id.clone(),
                name: s.name.clone(),
                weight: s.weight,
                effective_weight: section_weight,
                score: section_score,
                contribution: section_contribution,
                left_out: !present,
                indicators,
            });
        }

        // 4. Adjustments.
        let mut adjustments = Vec::with_capacity(plan.adjustments.len());
        let mut adjustment_total = Decimal::ZERO;
        let mut problems = Vec::new();
        for a in &plan.adjustments {
            let path = format!("{rpath}.adjustments.{}", a.id);
            let (count, missing) = match a.count.eval_number(&self.env) {
                Ok(c) => (c, false),
                Err(EvalError::Missing { .. }) if a.missing == MissingPolicy::Zero => {
                    (Decimal::ZERO, true)
                }
                Err(e) => {
                    problems.push(self.eval_error(e, &path, "count"));
                    continue;
                }
            };
            if count.is_sign_negative() && !count.is_zero() {
                problems.push(Problem::new(
                    &path,
                    format!("the count cannot be negative ({count})"),
                ));
                continue;
            }
            let uncapped = mul(count, a.points_each, &path)?;
            let (magnitude, capped) = match a.max {
                Some(m) if uncapped > m => (m, true),
                _ => (uncapped, false),
            };
            let points = if a.bonus { magnitude } else { -magnitude };
            adjustment_total = add(adjustment_total, points, &path)?;
            adjustments.push(AdjustmentScore {
                id: a.id.clone(),
                name: a.name.clone(),
                bonus: a.bonus,
                count,
                points_each: a.points_each,
                points,
                capped,
                missing,
            });
        }

        // 6. Vetoes (evaluated before totals so every problem is collected).
        let mut vetoes = Vec::new();
        let mut zeroed = false;
        let mut grade_cap: Option<usize> = None;
        for v in &plan.vetoes {
            let path = format!("{rpath}.vetoes.{}", v.id);
            let hit = match v.when.eval_bool(&self.env) {
                Ok(b) => b,
                Err(EvalError::Missing { .. }) if v.missing == MissingPolicy::Zero => false,
                Err(e) => {
                    problems.push(self.eval_error(e, &path, "condition"));
                    continue;
                }
            };
            if hit {
                let effect = match v.action {
                    VetoAction::ZeroTotal => {
                        zeroed = true;
                        VetoOutcome::ZeroTotal
                    }
                    VetoAction::CapGrade(g) => {
                        grade_cap = Some(grade_cap.map_or(g, |c| c.min(g)));
                        VetoOutcome::CapGrade(
                            plan.grades
                                .get(g)
                                .map_or_else(|| Arc::from("?"), |x| x.grade.clone()),
                        )
                    }
                };
                vetoes.push(VetoHit {
                    id: v.id.clone(),
                    name: v.name.clone(),
                    condition: v.when.source().to_string(),
                    effect,
                });
            }
        }
        if let Some(p) = problems.into_iter().next() {
            return Err(p);
        }

        let finish = |weighted: Decimal| -> Result<Final, Problem> {
            let mut total = add(weighted, adjustment_total, rpath)?;
            let mut bound = None;
            if let Some(c) = plan.total_cap.filter(|c| total > *c) {
                total = c;
                bound = Some(Bound::Cap);
            }
            if let Some(f) = plan.total_floor.filter(|f| total < *f) {
                total = f;
                bound = Some(Bound::Floor);
            }
            if zeroed {
                total = Decimal::ZERO;
            }
            let rounded = plan.mode.round(total, plan.scale);
            let natural = plan.grade_index(rounded);
            let capped = grade_cap.filter(|c| *c < natural);
            Ok(Final {
                unrounded: total,
                bound,
                rounded,
                grade: capped.unwrap_or(natural),
                grade_before_cap: capped.map(|_| natural),
            })
        };
        let Final {
            unrounded: unrounded_total,
            bound: total_bound,
            rounded: total,
            grade,
            grade_before_cap: before_cap,
        } = finish(weighted_total)?;

        let progress = match self.fraction {
            Some(fraction) => {
                let projected = if any_tracked {
                    let base = weighted_total
                        .checked_sub(tracked_contribution)
                        .ok_or_else(|| overflow(rpath))?;
                    let w = add(base, projected_contribution, rpath)?;
                    let f = finish(w)?;
                    Some((f.rounded, plan.grade_name(f.grade)))
                } else {
                    None
                };
                Some(ProgressSummary {
                    fraction,
                    status: worst,
                    projected_total: projected.as_ref().map(|p| p.0),
                    projected_grade: projected.map(|p| p.1),
                })
            }
            None => None,
        };

        Ok(Scorecard {
            plan_id: plan.plan_id.clone(),
            record_id: record.id.clone(),
            name: record.name.clone(),
            team: record.team.clone(),
            department: record.department.clone(),
            branch: record.branch.clone(),
            attributes: record.attributes.clone(),
            sections,
            weighted_total,
            adjustments,
            adjustment_total,
            total_bound,
            vetoes,
            unrounded_total,
            total,
            grade: plan.grade_name(grade),
            grade_before_veto: before_cap.map(|g| plan.grade_name(g)),
            progress,
        })
    }
}

/// A weight after re-weighting among present items: w × 100 ÷ Σ present (exact when nothing is missing).
fn reweight(
    weight: Decimal,
    present: bool,
    present_sum: Decimal,
    path: &str,
) -> Result<Decimal, Problem> {
    if !present || present_sum.is_zero() {
        Ok(Decimal::ZERO)
    } else if present_sum == HUNDRED {
        Ok(weight)
    } else {
        mul(weight, HUNDRED, path)?
            .checked_div(present_sum)
            .ok_or_else(|| overflow(path))
    }
}

impl Plan {
    /// Index of the grade band holding a (rounded) total; bands cover every value by validation.
    pub(crate) fn grade_index(&self, total: Decimal) -> usize {
        self.grades
            .iter()
            .position(|g| g.from.is_none_or(|f| total >= f) && g.to.is_none_or(|t| total < t))
            .unwrap_or(0)
    }

    pub(crate) fn grade_name(&self, index: usize) -> Arc<str> {
        self.grades
            .get(index)
            .map_or_else(|| Arc::from(""), |g| g.grade.clone())
    }
}
