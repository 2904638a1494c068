//! The scoring engine: a compiled [`Plan`] and one record in, one [`Scorecard`] out.
//!
//! Order of work, documented for users in `docs/plan-format.md`:
//! 1. evaluate each indicator (actual, target, completion, method, floor/cap), applying its
//!    missing-data policy; 2. re-weight sections with left-out indicators; 3. contributions =
//!    score × indicator weight × section weight, summed into the weighted total; 4. adjustments;
//! 5. the plan's total floor/cap; 6. vetoes (zero the total); 7. round once; 8. grade, then any
//!    veto's grade cap. Every input problem of a record is collected before failing.

use crate::error::{kinds, loc, shown, Error, Problem, Problems};
use crate::exact::Exact;
use crate::formula::EvalError;
use crate::method::{completion, Bound, Detail, MethodError};
use crate::plan::{Indicator, MissingPolicy, Plan, Section, VetoAction, METHOD_VARIABLES};
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

/// Where in a record a problem is. Paths are formatted only when something goes wrong, so
/// scoring a good record builds no strings.
#[derive(Debug, Clone, Copy)]
enum Site<'a> {
    Record,
    Measure(&'a str),
    Indicator(&'a str),
    Progress(&'a str),
    Adjustment(&'a str),
    Veto(&'a str),
}

/// A problem before its record path is known.
struct Fail<'a> {
    loc: Site<'a>,
    kind: &'static str,
    message: String,
    message_zh: String,
}

impl<'a> Fail<'a> {
    fn new(
        loc: Site<'a>,
        kind: &'static str,
        message: impl Into<String>,
        message_zh: impl Into<String>,
    ) -> Self {
        Fail {
            loc,
            kind,
            message: message.into(),
            message_zh: message_zh.into(),
        }
    }

    fn into_problem(self, id: &str, index: Option<usize>) -> Problem {
        let record = match index {
            Some(i) => crate::Loc::root().key("records").index(i),
            None => crate::Loc::root().key("record"),
        };
        let loc = match self.loc {
            Site::Record => record,
            Site::Measure(k) => record.key("measures").key(k),
            Site::Indicator(id) => record.key("indicators").key(id),
            Site::Progress(id) => record.key("indicators").key(id).key("progress"),
            Site::Adjustment(id) => record.key("adjustments").key(id),
            Site::Veto(id) => record.key("vetoes").key(id),
        };
        Problem::new(loc, self.kind, self.message)
            .zh(self.message_zh)
            .with_id(id)
    }
}

fn overflow(loc: Site<'_>) -> Fail<'_> {
    Fail::new(
        loc,
        kinds::ARITHMETIC_OVERFLOW,
        "arithmetic overflow",
        "算术溢出：数值过大，无法精确计算",
    )
}

fn mul<'a>(a: &Exact, b: &Exact, loc: Site<'a>) -> Result<Exact, Fail<'a>> {
    a.checked_mul(b).ok_or_else(|| overflow(loc))
}
fn add<'a>(a: &Exact, b: &Exact, loc: Site<'a>) -> Result<Exact, Fail<'a>> {
    a.checked_add(b).ok_or_else(|| overflow(loc))
}
/// a × b ÷ 100, the shape of every weighting step: one exact product with b ÷ 100 when b is a
/// decimal (moving its point), which halves the work when a is a fraction.
fn pct<'a>(a: &Exact, b: &Exact, loc: Site<'a>) -> Result<Exact, Fail<'a>> {
    if let Exact::Dec(d) = b {
        let mut hundredth = *d;
        if hundredth.set_scale(d.scale().saturating_add(2)).is_ok() {
            return mul(a, &Exact::Dec(hundredth), loc);
        }
    }
    div100(&mul(a, b, loc)?).ok_or_else(|| overflow(loc))
}

/// x ÷ 100, exactly: moving the decimal point is far cheaper than a division, which matters on
/// the hot path; past 28 places (or for a fraction) it divides, exactly.
fn div100(x: &Exact) -> Option<Exact> {
    if let Exact::Dec(d) = x {
        // Saturating still sends anything past 28 places to the division below.
        let scale = d.scale().saturating_add(2);
        if scale <= 28 {
            let mut y = *d;
            y.set_scale(scale).ok()?;
            return Some(Exact::Dec(y));
        }
    }
    x.checked_div(&Exact::HUNDRED)
}

/// Re-used scratch space for scoring many records: the evaluation environment and per-indicator
/// results are allocated once per scorer, not per person.
pub struct Scorer<'p> {
    plan: &'p Plan,
    env: Vec<Option<Exact>>,
    evaluated: Vec<Evaluated>,
    fraction: Option<Exact>,
    /// Section weights, and each section's indicator weights, sum to exactly 100 (validation
    /// guarantees it; checked once here so the shortcut never depends on it silently).
    weights_sum_to_100: bool,
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
        let mut out = Vec::with_capacity(records.len());
        let mut problems = duplicate_ids(records.iter().map(|r| r.id.as_str()));
        for (i, r) in records.iter().enumerate() {
            match scorer.score_at(r, Some(i)) {
                Ok(x) => out.push(x),
                Err(e) => problems.absorb(&e),
            }
        }
        problems.finish(Error::Input, out)
    }

    /// A scorer with reusable scratch space; see [`Scorer::score`].
    pub fn scorer(&self, options: &ScoreOptions) -> crate::Result<Scorer<'_>> {
        let fraction = match &options.period {
            Some(p) => Some(
                p.exact_fraction(&loc!("options", "period"))
                    .map_err(|p| Error::Input(vec![p]))?,
            ),
            None => None,
        };
        Ok(Scorer {
            plan: self,
            env: vec![None; self.env_len()],
            evaluated: Vec::with_capacity(self.indicators.len()),
            fraction,
            weights_sum_to_100: self.weights_sum_to_100(),
        })
    }
}

/// An indicator evaluated, before weighting: exact values.
struct Evaluated {
    actual: Option<Exact>,
    target: Option<Exact>,
    completion: Option<Exact>,
    detail: Detail,
    raw: Exact,
    score: Exact,
    bound: Option<Bound>,
    missing: Option<Arc<str>>,
}

/// The end of the pipeline: total after adjustments, bounds and vetoes; rounded; graded.
struct Final {
    unrounded: Exact,
    bound: Option<Bound>,
    rounded: Decimal,
    grade: usize,
    grade_before_cap: Option<usize>,
}

/// The headline of one record's result: everything a batch table or a pay statement needs, without
/// the scorecard's per-indicator detail. [`Plan::summarize`] computes it with the same arithmetic
/// as a full [`Scorecard`], so the numbers are identical.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Sum of all indicator contributions, before adjustments.
    pub weighted_total: Decimal,
    /// Sum of adjustment points (signed).
    pub adjustment_total: Decimal,
    /// Which bound of the plan's total floor/cap applied, if any.
    pub total_bound: Option<Bound>,
    /// Whether any veto was triggered.
    pub vetoed: bool,
    /// The total before rounding (after adjustments, bounds and vetoes).
    pub unrounded_total: Decimal,
    /// The total, rounded once with the plan's scale and mode.
    pub total: Decimal,
    /// The grade of the rounded total (after any veto's grade cap).
    pub grade: Arc<str>,
    /// The grade the total alone would have earned, when a veto capped it.
    pub grade_before_veto: Option<Arc<str>>,
    /// Progress summary, when scored mid-period.
    pub progress: Option<ProgressSummary>,
}

/// A scorecard's detail, built only when a full scorecard is asked for.
#[derive(Default)]
struct Parts {
    sections: Vec<SectionScore>,
    adjustments: Vec<AdjustmentScore>,
    vetoes: Vec<VetoHit>,
}

/// Measure columns of a table resolved to the plan's slots once, for the batch engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Columns {
    slots: Vec<usize>,
}

impl Columns {
    /// Each column's slot in the plan's environment.
    pub(crate) fn slots(&self) -> &[usize] {
        &self.slots
    }
}

impl Plan {
    /// Resolve a table's measure column names (ids or aliases) to the plan's slots; an unknown
    /// name, or two names for the same measure, is an input error naming the column.
    pub(crate) fn columns<S: AsRef<str>>(&self, names: &[S]) -> crate::Result<Columns> {
        resolve(self, names).finish(Error::Input, ())?;
        let slots = names
            .iter()
            .filter_map(|n| self.measure_slot(n.as_ref()))
            .collect();
        Ok(Columns { slots })
    }
}

/// Unknown columns, and two columns for the same measure (by id and alias), in column order.
fn resolve<S: AsRef<str>>(plan: &Plan, names: &[S]) -> Problems {
    let mut problems = Problems::new();
    let mut first_of_slot: Vec<Option<usize>> = vec![None; plan.measures().len()];
    for (k, name) in names.iter().enumerate() {
        let name = name.as_ref();
        let at = crate::Loc::root().key("columns").index(k);
        let Some(slot) = plan.measure_slot(name) else {
            problems.push(
                Problem::new(
                    at,
                    kinds::UNKNOWN_REFERENCE,
                    format!("the plan has no measure `{}`", shown(name)),
                )
                .zh(format!("方案中没有指标数据 `{}`", shown(name))),
            );
            continue;
        };
        match first_of_slot.get_mut(slot) {
            Some(Some(first)) => problems.push(
                Problem::new(
                    at,
                    kinds::DUPLICATE,
                    format!(
                        "column `{}` is the same measure as columns[{first}] (by id and alias)",
                        shown(name)
                    ),
                )
                .zh(format!(
                    "列 `{}` 与 columns[{first}] 是同一项指标数据（分别通过 id 和别名）",
                    shown(name)
                )),
            ),
            Some(cell) => *cell = Some(k),
            None => {}
        }
    }
    problems
}

/// `records[i].id: duplicate record id` for every repeat, in order.
fn duplicate_ids<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> Problems {
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    let mut problems = Problems::new();
    for (i, id) in ids.enumerate() {
        if !seen.insert(id) {
            let id = shown(id);
            problems.push(
                Problem::new(
                    loc!("records", i, "id"),
                    kinds::DUPLICATE,
                    format!("duplicate record id `{id}`"),
                )
                .zh(format!("记录 id `{id}` 重复")),
            );
        }
    }
    problems
}

impl<'p> Scorer<'p> {
    /// Score one record.
    pub fn score(&mut self, record: &Record) -> crate::Result<Scorecard> {
        self.score_at(record, None)
    }

    /// Score one record; `index` names it within a batch in error paths.
    pub(crate) fn score_at(
        &mut self,
        record: &Record,
        index: Option<usize>,
    ) -> crate::Result<Scorecard> {
        let mut parts = Parts::default();
        let summary = self.run(&record.id, index, Some(&mut parts), |s| {
            s.load_record(record)
        })?;
        Ok(Scorecard {
            plan_id: self.plan.plan_id.clone(),
            record_id: record.id.clone(),
            name: record.name.clone(),
            team: record.team.clone(),
            department: record.department.clone(),
            branch: record.branch.clone(),
            attributes: record.attributes.clone(),
            sections: parts.sections,
            weighted_total: summary.weighted_total,
            adjustments: parts.adjustments,
            adjustment_total: summary.adjustment_total,
            total_bound: summary.total_bound,
            vetoes: parts.vetoes,
            unrounded_total: summary.unrounded_total,
            total: summary.total,
            grade: summary.grade,
            grade_before_veto: summary.grade_before_veto,
            progress: summary.progress,
        })
    }

    /// Score one row of a table (values in the order of `columns`, `None` = missing) to its
    /// [`Summary`], for the batch engine; `id` and `index` name the row in error paths. No
    /// record is built.
    pub(crate) fn summarize_cells(
        &mut self,
        columns: &Columns,
        id: &str,
        index: Option<usize>,
        row: &[Option<Decimal>],
    ) -> crate::Result<Summary> {
        if row.len() != columns.slots.len() {
            let (values, width) = (row.len(), columns.slots.len());
            let problem = Fail::new(
                Site::Record,
                kinds::LENGTH_MISMATCH,
                format!("the row has {values} values for {width} columns"),
                format!("该行有 {values} 个值，但共有 {width} 列"),
            );
            return Err(Error::Input(vec![problem.into_problem(id, index)]));
        }
        self.run(id, index, None, |s| {
            s.env.iter_mut().for_each(|v| *v = None);
            for (&slot, value) in columns.slots.iter().zip(row) {
                if let Some(cell) = s.env.get_mut(slot) {
                    *cell = value.map(Exact::Dec);
                }
            }
            Ok(())
        })
    }

    /// The pipeline: load values (by `load`), evaluate every indicator, assemble into a summary
    /// and, when `parts` is given, the scorecard's sections, adjustments and vetoes.
    fn run<'r>(
        &mut self,
        id: &str,
        index: Option<usize>,
        parts: Option<&mut Parts>,
        load: impl FnOnce(&mut Self) -> Result<(), Vec<Fail<'r>>>,
    ) -> crate::Result<Summary>
    where
        'p: 'r,
    {
        let to_error = |fails: Vec<Fail<'_>>| {
            Error::Input(
                fails
                    .into_iter()
                    .map(|f| f.into_problem(id, index))
                    .collect(),
            )
        };
        let mut evaluated = std::mem::take(&mut self.evaluated);
        evaluated.clear();
        let loaded = load(self);
        let result = match self.evaluate_all(loaded, &mut evaluated) {
            Ok(()) => self
                .assemble(&evaluated, parts)
                .map_err(|f| to_error(vec![f])),
            Err(fails) => Err(to_error(fails)),
        };
        self.evaluated = evaluated;
        result
    }

    /// Step 1: the record's values into the environment by slot.
    fn load_record<'r>(&mut self, record: &'r Record) -> Result<(), Vec<Fail<'r>>>
    where
        'p: 'r,
    {
        let plan = self.plan;
        let mut fails = Vec::new();
        self.env.iter_mut().for_each(|v| *v = None);
        // Both sides are sorted by name: one merge pass, no hashing.
        let names = &plan.sorted_names;
        let mut j = 0;
        for (key, value) in &record.measures {
            // j only passes names that exist, so it stays at most names.len().
            #[allow(clippy::arithmetic_side_effects)]
            while names.get(j).is_some_and(|(n, _)| n.as_str() < key.as_str()) {
                j += 1;
            }
            let slot = names.get(j).filter(|(n, _)| n == key).map(|(_, s)| *s);
            match slot {
                Some(slot) => match self.env.get_mut(slot) {
                    Some(cell @ None) => *cell = Some(Exact::Dec(*value)),
                    _ => {
                        let m = shown(&plan.measures[slot].id);
                        fails.push(Fail::new(
                            Site::Measure(key),
                            kinds::DUPLICATE,
                            format!("measure `{m}` is given twice (by id and alias)"),
                            format!("指标数据 `{m}` 给出了两次（分别通过 id 和别名）"),
                        ))
                    }
                },
                None => fails.push(Fail::new(
                    Site::Measure(key),
                    kinds::UNKNOWN_REFERENCE,
                    "the plan has no measure of this name",
                    "方案中没有这个名称的指标数据",
                )),
            }
        }
        if fails.is_empty() {
            Ok(())
        } else {
            Err(fails)
        }
    }

    /// Step 2: every indicator, after loading; problems of both steps are reported together.
    fn evaluate_all<'r>(
        &mut self,
        loaded: Result<(), Vec<Fail<'r>>>,
        out: &mut Vec<Evaluated>,
    ) -> Result<(), Vec<Fail<'r>>>
    where
        'p: 'r,
    {
        let mut fails = loaded.err().unwrap_or_default();
        for ind in &self.plan.indicators {
            match self.evaluate(ind) {
                Ok(e) => out.push(e),
                Err(f) => fails.push(f),
            }
        }
        if fails.is_empty() {
            Ok(())
        } else {
            Err(fails)
        }
    }

    /// The measure a missing-value error is about; `None` for other errors and for the method
    /// variables (`actual`, `target`, `completion`), which are not measures.
    fn missing_measure(&self, e: EvalError) -> Option<Arc<str>> {
        match e {
            EvalError::Missing { slot } => self.plan.measures.get(slot).map(|m| m.id.clone()),
            _ => None,
        }
    }

    fn eval_error<'a>(&self, e: EvalError, loc: Site<'a>, what: &str) -> Fail<'a> {
        let what_zh = match what {
            "actual" => "实际值",
            "target" => "目标值",
            "count" => "次数",
            "condition" => "条件",
            _ => "计分",
        };
        if let Some(m) = self.missing_measure(e) {
            let m = shown(&m);
            return Fail::new(
                loc,
                kinds::MISSING,
                format!("measure `{m}` is missing (needed for the {what})"),
                format!("缺少指标数据 `{m}`（计算{what_zh}需要）"),
            );
        }
        match e {
            EvalError::Missing { slot } => {
                let var = slot
                    .checked_sub(self.plan.measures.len())
                    .and_then(|i| METHOD_VARIABLES.get(i))
                    .copied()
                    .unwrap_or("?");
                Fail::new(
                    loc,
                    kinds::MISSING,
                    format!(
                        "{what}: `{var}` has no value here (completion needs a positive target)"
                    ),
                    format!("{what_zh}：此处 `{var}` 没有值（完成率需要正的目标值）"),
                )
            }
            _ => {
                let e = MethodError::Eval(e);
                Fail::new(
                    loc,
                    e.kind(),
                    format!("{what}: {}", e.message()),
                    format!("{what_zh}：{}", e.message_zh()),
                )
            }
        }
    }

    fn method_fail<'a>(&self, e: MethodError, loc: Site<'a>) -> Fail<'a> {
        match e {
            MethodError::Eval(e) => self.eval_error(e, loc, "scoring"),
            other => Fail::new(loc, other.kind(), other.message(), other.message_zh()),
        }
    }

    /// The indicator's missing-data policy, applied because `measure` is missing.
    fn on_missing(
        ind: &'p Indicator,
        measure: Arc<str>,
        actual: Option<Exact>,
        target: Option<Exact>,
    ) -> Result<Evaluated, Fail<'p>> {
        let detail = match ind.missing {
            MissingPolicy::Error => {
                let (m, id) = (shown(&measure), shown(&ind.id));
                return Err(Fail::new(
                    Site::Indicator(&ind.id),
                    kinds::MISSING,
                    format!("measure `{m}` is missing (needed by indicator `{id}`)"),
                    format!("缺少指标数据 `{m}`（指标 `{id}` 需要）"),
                ));
            }
            MissingPolicy::Zero => Detail::MissingScoredZero,
            MissingPolicy::Reweight => Detail::MissingLeftOut,
        };
        Ok(Evaluated {
            actual,
            target,
            completion: None,
            detail,
            raw: Exact::ZERO,
            score: Exact::ZERO,
            bound: None,
            missing: Some(measure),
        })
    }

    fn evaluate(&mut self, ind: &'p Indicator) -> Result<Evaluated, Fail<'p>> {
        let loc = Site::Indicator(&ind.id);
        let actual = ind.actual.number(&self.env);
        let target = ind.target.as_ref().map(|t| t.number(&self.env)).transpose();
        let missing = match (&actual, &target) {
            (Err(e), _) | (_, Err(e)) => self.missing_measure(*e),
            _ => None,
        };
        if let Some(m) = missing {
            return Self::on_missing(ind, m, actual.ok(), target.ok().flatten());
        }
        let actual = actual.map_err(|e| self.eval_error(e, loc, "actual"))?;
        let target = target.map_err(|e| self.eval_error(e, loc, "target"))?;
        match self.run_method(ind, &actual, target.as_ref()) {
            Ok((out, completion)) => Ok(Evaluated {
                actual: Some(actual),
                target,
                completion,
                detail: out.detail,
                raw: out.raw,
                score: out.score,
                bound: out.bound,
                missing: None,
            }),
            // A measure used only inside the method's own formula follows the same policy.
            Err(MethodError::Eval(e)) if self.missing_measure(e).is_some() => {
                let m = self.missing_measure(e).unwrap_or_else(|| Arc::from("?"));
                Self::on_missing(ind, m, Some(actual.clone()), target.clone())
            }
            Err(e) => Err(self.method_fail(e, loc)),
        }
    }

    fn run_method(
        &mut self,
        ind: &Indicator,
        actual: &Exact,
        target: Option<&Exact>,
    ) -> Result<(crate::method::Outcome, Option<Exact>), MethodError> {
        let plan = self.plan;
        let comp = completion(actual, target)?;
        for (i, v) in [Some(actual), target, comp.as_ref()]
            .into_iter()
            .enumerate()
        {
            if let Some(cell) = self.env.get_mut(plan.method_slot(i)) {
                *cell = v.cloned();
            }
        }
        let out = ind.method.score(actual, target, comp.as_ref(), &self.env)?;
        Ok((out, comp))
    }

    /// Steps 3–8: weights, contributions, adjustments, bounds, vetoes, rounding, grade, progress.
    fn assemble(
        &mut self,
        evaluated: &[Evaluated],
        mut parts: Option<&mut Parts>,
    ) -> Result<Summary, Fail<'p>> {
        let plan = self.plan;
        // With nothing left out every weight is used as written (each level sums to 100), so the
        // re-weighting sums and divisions are skipped: the same numbers, fewer operations.
        let weighting = Weighting {
            as_written: self.weights_sum_to_100
                && evaluated.iter().all(|e| e.detail != Detail::MissingLeftOut),
            evaluated,
        };
        let present_section_weight = weighting.present_section_weight(plan)?;
        if let Some(p) = parts.as_deref_mut() {
            p.sections.reserve_exact(plan.sections.len());
        }
        let mut sums = Contributions::default();
        for s in &plan.sections {
            self.score_section(
                s,
                weighting,
                &present_section_weight,
                &mut sums,
                parts.as_deref_mut(),
            )?;
        }
        let adjustment_total = self.score_adjustments(parts.as_deref_mut())?;
        let vetoes = self.check_vetoes(parts)?;
        let end = self.finish(&sums.weighted_total, &adjustment_total, &vetoes)?;
        let progress = self.progress_summary(&sums, &adjustment_total, &vetoes)?;
        Ok(Summary {
            weighted_total: sums.weighted_total.to_decimal(),
            adjustment_total: adjustment_total.to_decimal(),
            total_bound: end.bound,
            vetoed: vetoes.vetoed,
            unrounded_total: end.unrounded.to_decimal(),
            total: end.rounded,
            grade: plan.grade_name(end.grade),
            grade_before_veto: end.grade_before_cap.map(|g| plan.grade_name(g)),
            progress,
        })
    }

    /// Step 3 for one section: its indicators' weighted scores and contributions, added to
    /// `sums`; the section's detail goes to `parts` when asked for.
    fn score_section(
        &mut self,
        s: &'p Section,
        weighting: Weighting<'_>,
        present_section_weight: &Exact,
        sums: &mut Contributions,
        parts: Option<&mut Parts>,
    ) -> Result<(), Fail<'p>> {
        let plan = self.plan;
        let r = Site::Record;
        let as_written = weighting.as_written;
        let is_present = weighting.present(s);
        let section_weight = if as_written {
            Exact::Dec(s.weight)
        } else {
            reweight(s.weight, is_present, present_section_weight, r)?
        };
        let inds = plan
            .indicators
            .get(s.indicators.clone())
            .unwrap_or_default();
        let items = weighting
            .evaluated
            .get(s.indicators.clone())
            .unwrap_or_default();
        let present_weight = weighting.present_indicator_weight(inds, items)?;
        let mut section_score = Exact::ZERO;
        let mut section_contribution = Exact::ZERO;
        // Only allocated when the detail is asked for: the summary path stays allocation-free.
        let mut indicators = match parts {
            Some(_) => Vec::with_capacity(items.len()),
            None => Vec::new(),
        };
        for (ind, e) in inds.iter().zip(items) {
            let loc = Site::Indicator(&ind.id);
            let left_out = e.detail == Detail::MissingLeftOut;
            let effective_weight = if as_written {
                Exact::Dec(ind.weight)
            } else {
                reweight(ind.weight, !left_out && is_present, &present_weight, loc)?
            };
            let weighted = pct(&e.score, &effective_weight, loc)?;
            let contribution = pct(&weighted, &section_weight, loc)?;
            section_score = add(&section_score, &weighted, loc)?;
            section_contribution = add(&section_contribution, &contribution, loc)?;
            let share = Share {
                effective_weight,
                section_weight: &section_weight,
                contribution,
            };
            let progress = if left_out {
                None
            } else {
                self.track_progress(ind, e, &share, sums)?
            };
            if parts.is_some() {
                indicators.push(indicator_score(ind, e, &weighted, &share, progress));
            }
        }
        sums.weighted_total = add(&sums.weighted_total, &section_contribution, r)?;
        if let Some(p) = parts {
            p.sections.push(SectionScore {
                id: s.id.clone(),
                name: s.name.clone(),
                weight: s.weight,
                effective_weight: section_weight.to_decimal(),
                score: section_score.to_decimal(),
                contribution: section_contribution.to_decimal(),
                left_out: !is_present,
                indicators,
            });
        }
        Ok(())
    }

    /// Mid-period progress of one (not left out) indicator, when tracked: its status, and its
    /// projection scored with the same method, added to `sums`.
    fn track_progress(
        &mut self,
        ind: &'p Indicator,
        e: &Evaluated,
        share: &Share<'_>,
        sums: &mut Contributions,
    ) -> Result<Option<progress::Progress>, Fail<'p>> {
        let plan = self.plan;
        let (true, Some(f), Some(actual), Some(target)) = (
            ind.track_progress,
            self.fraction.as_ref(),
            e.actual.as_ref(),
            e.target.as_ref(),
        ) else {
            return Ok(None);
        };
        let loc = Site::Progress(&ind.id);
        let (mut p, exact) = progress::assess(actual, target, f, plan.green, plan.yellow)
            .ok_or_else(|| overflow(loc))?;
        sums.any_tracked = true;
        sums.worst = match (sums.worst, p.status) {
            (Some(w), Some(s)) => Some(w.min(s)),
            (w, s) => w.or(s),
        };
        sums.tracked = add(&sums.tracked, &share.contribution, loc)?;
        // Score the projection with the same method; with no time gone, keep today's score.
        let projected_score = match exact.projected {
            Some(pa) => Some(
                self.run_method(ind, &pa, Some(target))
                    .map_err(|e| self.method_fail(e, loc))?
                    .0
                    .score,
            ),
            None => None,
        };
        p.projected_score = projected_score.as_ref().map(Exact::to_decimal);
        let ps = projected_score.as_ref().unwrap_or(&e.score);
        sums.projected = add(
            &sums.projected,
            &pct(
                &pct(ps, &share.effective_weight, loc)?,
                share.section_weight,
                loc,
            )?,
            loc,
        )?;
        Ok(Some(p))
    }

    /// Step 4: the adjustments' points, summed; each one's detail goes to `parts`.
    fn score_adjustments(&self, mut parts: Option<&mut Parts>) -> Result<Exact, Fail<'p>> {
        let plan = self.plan;
        let mut adjustment_total = Exact::ZERO;
        for a in &plan.adjustments {
            let loc = Site::Adjustment(&a.id);
            let (count, missing) = match a.count.number(&self.env) {
                Ok(c) => (c, false),
                Err(EvalError::Missing { .. }) if a.missing == MissingPolicy::Zero => {
                    (Exact::ZERO, true)
                }
                Err(e) => return Err(self.eval_error(e, loc, "count")),
            };
            if count.is_negative() {
                return Err(Fail::new(
                    loc,
                    kinds::NEGATIVE,
                    format!("the count cannot be negative ({count})"),
                    format!("次数不能为负数（{count}）"),
                ));
            }
            let uncapped = mul(&count, &Exact::Dec(a.points_each), loc)?;
            let (magnitude, capped) = match a.max {
                Some(m) if uncapped > m => (Exact::Dec(m), true),
                _ => (uncapped, false),
            };
            let points = if a.bonus || magnitude.is_zero() {
                magnitude
            } else {
                magnitude.neg()
            };
            adjustment_total = add(&adjustment_total, &points, loc)?;
            let Some(p) = parts.as_deref_mut() else {
                continue;
            };
            p.adjustments.push(AdjustmentScore {
                id: a.id.clone(),
                name: a.name.clone(),
                bonus: a.bonus,
                count: count.to_decimal(),
                points_each: a.points_each,
                points: points.to_decimal(),
                capped,
                missing,
            });
        }
        Ok(adjustment_total)
    }

    /// Step 6: which vetoes hit, and what they do to the total and the grade.
    fn check_vetoes(&self, mut parts: Option<&mut Parts>) -> Result<VetoEffects, Fail<'p>> {
        let plan = self.plan;
        let mut effects = VetoEffects {
            vetoed: false,
            zeroed: false,
            grade_cap: None,
        };
        for v in &plan.vetoes {
            let loc = Site::Veto(&v.id);
            let hit = match v.when.holds(&self.env) {
                Ok(b) => b,
                Err(EvalError::Missing { .. }) if v.missing == MissingPolicy::Zero => false,
                Err(e) => return Err(self.eval_error(e, loc, "condition")),
            };
            if hit {
                effects.vetoed = true;
                let effect = match v.action {
                    VetoAction::ZeroTotal => {
                        effects.zeroed = true;
                        VetoOutcome::ZeroTotal
                    }
                    VetoAction::CapGrade(g) => {
                        effects.grade_cap = Some(effects.grade_cap.map_or(g, |c| c.min(g)));
                        VetoOutcome::CapGrade(plan.grade_name(g))
                    }
                };
                let Some(p) = parts.as_deref_mut() else {
                    continue;
                };
                p.vetoes.push(VetoHit {
                    id: v.id.clone(),
                    name: v.name.clone(),
                    condition: v.when.source().to_string(),
                    effect,
                });
            }
        }
        Ok(effects)
    }

    /// Steps 5, 7, 8: bounds, veto, round once, grade. Used for the total and for its projection.
    fn finish(
        &self,
        weighted: &Exact,
        adjustment_total: &Exact,
        vetoes: &VetoEffects,
    ) -> Result<Final, Fail<'p>> {
        let plan = self.plan;
        let mut total = add(weighted, adjustment_total, Site::Record)?;
        let mut bound = None;
        if let Some(c) = plan.total_cap.filter(|c| total > *c) {
            total = Exact::Dec(c);
            bound = Some(Bound::Cap);
        }
        if let Some(f) = plan.total_floor.filter(|f| total < *f) {
            total = Exact::Dec(f);
            bound = Some(Bound::Floor);
        }
        if vetoes.zeroed {
            total = Exact::ZERO;
        }
        // Rounded once, from the exact total: no intermediate digit can move a half-cent.
        let rounded = total.round(plan.mode, plan.scale);
        let natural = plan.grade_index(rounded);
        let capped = vetoes.grade_cap.filter(|c| *c < natural);
        Ok(Final {
            unrounded: total,
            bound,
            rounded,
            grade: capped.unwrap_or(natural),
            grade_before_cap: capped.map(|_| natural),
        })
    }

    /// Mid-period only: the worst status, and the total projected to period end (tracked
    /// indicators at their projected scores, the rest as they are).
    fn progress_summary(
        &self,
        sums: &Contributions,
        adjustment_total: &Exact,
        vetoes: &VetoEffects,
    ) -> Result<Option<ProgressSummary>, Fail<'p>> {
        let Some(fraction) = self.fraction.as_ref().map(Exact::to_decimal) else {
            return Ok(None);
        };
        let r = Site::Record;
        let projected = if sums.any_tracked {
            let base = sums
                .weighted_total
                .checked_sub(&sums.tracked)
                .ok_or_else(|| overflow(r))?;
            let f = self.finish(&add(&base, &sums.projected, r)?, adjustment_total, vetoes)?;
            Some((f.rounded, self.plan.grade_name(f.grade)))
        } else {
            None
        };
        Ok(Some(ProgressSummary {
            fraction,
            status: sums.worst,
            projected_total: projected.as_ref().map(|p| p.0),
            projected_grade: projected.map(|p| p.1),
        }))
    }
}

/// How weights apply to one record's evaluated indicators.
#[derive(Clone, Copy)]
struct Weighting<'e> {
    /// Nothing is left out and every level sums to 100: weights are used as written.
    as_written: bool,
    evaluated: &'e [Evaluated],
}

impl Weighting<'_> {
    /// A section counts unless every one of its indicators was left out.
    fn present(&self, s: &Section) -> bool {
        self.as_written
            || self
                .evaluated
                .get(s.indicators.clone())
                .is_some_and(|e| e.iter().any(|e| e.detail != Detail::MissingLeftOut))
    }

    /// The weight of the sections that count: what section weights are re-balanced against.
    fn present_section_weight<'p>(&self, plan: &Plan) -> Result<Exact, Fail<'p>> {
        let r = Site::Record;
        let mut present_section_weight = Exact::HUNDRED;
        if !self.as_written {
            present_section_weight = Exact::ZERO;
            for s in plan.sections.iter().filter(|s| self.present(s)) {
                present_section_weight = add(&present_section_weight, &Exact::Dec(s.weight), r)?;
            }
        }
        if present_section_weight.is_zero() {
            return Err(Fail::new(
                r,
                kinds::NOTHING_TO_WEIGH,
                "every indicator was left out for missing data: nothing to score",
                "所有指标都因缺少数据而被剔除：没有可计分的内容",
            ));
        }
        Ok(present_section_weight)
    }

    /// The weight of a section's indicators that are not left out: what their weights are
    /// re-balanced against.
    fn present_indicator_weight<'p>(
        &self,
        inds: &[Indicator],
        items: &[Evaluated],
    ) -> Result<Exact, Fail<'p>> {
        if self.as_written {
            return Ok(Exact::HUNDRED);
        }
        let mut present_weight = Exact::ZERO;
        for (i, _) in inds
            .iter()
            .zip(items)
            .filter(|(_, e)| e.detail != Detail::MissingLeftOut)
        {
            present_weight = add(&present_weight, &Exact::Dec(i.weight), Site::Record)?;
        }
        Ok(present_weight)
    }
}

/// One indicator's line of the scorecard.
/// Exact values are shown as decimals here (a fraction at 28 significant digits).
fn indicator_score(
    ind: &Indicator,
    e: &Evaluated,
    weighted: &Exact,
    share: &Share<'_>,
    progress: Option<progress::Progress>,
) -> IndicatorScore {
    let shown = |v: &Option<Exact>| v.as_ref().map(Exact::to_decimal);
    IndicatorScore {
        id: ind.id.clone(),
        name: ind.name.clone(),
        kind: ind.kind,
        actual: shown(&e.actual),
        target: shown(&e.target),
        completion: shown(&e.completion),
        detail: e.detail,
        raw_score: e.raw.to_decimal(),
        score: e.score.to_decimal(),
        bound: e.bound,
        weight: ind.weight,
        effective_weight: share.effective_weight.to_decimal(),
        weighted: weighted.to_decimal(),
        contribution: share.contribution.to_decimal(),
        missing: e.missing.clone(),
        progress,
    }
}

/// One indicator's share of the total: its weights after re-balancing, and its contribution.
struct Share<'s> {
    effective_weight: Exact,
    section_weight: &'s Exact,
    contribution: Exact,
}

/// What the sections add up to, for the total and for its projection.
#[derive(Default)]
struct Contributions {
    weighted_total: Exact,
    /// The part of `weighted_total` from indicators whose progress is tracked...
    tracked: Exact,
    /// ...and what those indicators would contribute at their projected scores.
    projected: Exact,
    worst: Option<Status>,
    any_tracked: bool,
}

/// What the vetoes that hit do.
struct VetoEffects {
    vetoed: bool,
    zeroed: bool,
    /// The lowest grade any veto caps at.
    grade_cap: Option<usize>,
}

/// A weight after re-weighting among present items: w × 100 ÷ Σ present, exactly (30 × 100 ÷ 85
/// stays 600/17; it is never rounded before it is used).
fn reweight<'a>(
    weight: Decimal,
    present: bool,
    present_sum: &Exact,
    loc: Site<'a>,
) -> Result<Exact, Fail<'a>> {
    if !present || present_sum.is_zero() {
        Ok(Exact::ZERO)
    } else if *present_sum == HUNDRED {
        Ok(Exact::Dec(weight))
    } else {
        mul(&Exact::Dec(weight), &Exact::HUNDRED, loc)?
            .checked_div(present_sum)
            .ok_or_else(|| overflow(loc))
    }
}

impl Plan {
    pub(crate) fn weights_sum_to_100(&self) -> bool {
        fn is_100(ws: impl Iterator<Item = Decimal>) -> bool {
            let mut ws = ws;
            ws.try_fold(Decimal::ZERO, |a, w| a.checked_add(w)) == Some(HUNDRED)
        }
        is_100(self.sections.iter().map(|s| s.weight))
            && self.sections.iter().all(|s| {
                let inds = self
                    .indicators
                    .get(s.indicators.clone())
                    .unwrap_or_default();
                is_100(inds.iter().map(|i| i.weight))
            })
    }

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
