//! Pay: performance pay (绩效工资), tiered commission (提成) and bonus pools (奖金池), exact to
//! the currency's minor unit and explained line by line.
//!
//! A [`PayPlan`] is compiled against a scoring [`Plan`]: its formulas see the plan's measures,
//! and a grade table must cover the plan's grades. [`PayPlan::statement`] turns one scorecard and
//! its record into a [`PayStatement`]; each payable line is rounded once, to the currency's minor
//! unit with the pay plan's rounding mode, and the statement total is the sum of the rounded lines.

mod pool;
mod spec;
mod statement;
mod tiers;

pub use crate::schema::{pay_plan_schema_json, pay_statement_schema_json};
pub use pool::{shares_to_canonical_json, split_pool, PoolShare};
pub use spec::*;
pub use statement::{
    CoefficientSource, GateOutcome, LineDetail, MultiplierOutcome, PayLine, PayStatement,
    ToDateOutcome,
};
pub use tiers::Slice;

use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::exact::Exact;
use crate::formula::{EvalError, Formula};
use crate::json::parse_json;
use crate::method::Bound;
use crate::plan::Plan;
use crate::record::Record;
use crate::rounding::RoundingMode;
use crate::scorecard::Scorecard;
use crate::validate::Checker;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;
use tiers::{Tier, TierTable};

/// A compiled pay plan.
#[derive(Debug, Clone)]
pub struct PayPlan {
    id: Arc<str>,
    currency: Arc<str>,
    minor_units: u32,
    mode: RoundingMode,
    performance: Option<PerformancePay>,
    commissions: Vec<Commission>,
    /// The scoring plan's measure lookup, to load records.
    lookup: HashMap<String, usize>,
    /// The scoring plan's measure ids by slot, to name a missing one.
    measure_ids: Vec<Arc<str>>,
    /// The document it was compiled from, for [`PayPlan::to_json`].
    spec: Arc<PayPlanSpec>,
    /// The scoring plan it was compiled against: its id, and its document
    /// ([`Plan::to_json`]), which [`PayPlan::check_plan`] compares.
    plan_id: Arc<str>,
    plan_document: Arc<str>,
}

#[derive(Debug, Clone)]
enum Coefficient {
    /// Indexed like the scoring plan's grades.
    ByGrade(HashMap<Arc<str>, Decimal>),
    ByScore(Vec<(Decimal, Decimal)>),
}

#[derive(Debug, Clone)]
enum Proration {
    Days {
        employed: Formula,
        in_period: Formula,
    },
    Factor(Formula),
}

#[derive(Debug, Clone)]
struct PerformancePay {
    name: Arc<str>,
    base: Formula,
    coefficient: Coefficient,
    floor: Option<Decimal>,
    cap: Option<Decimal>,
    proration: Option<Proration>,
}

/// `[from, to)` of the driver and its factor.
type FactorBand = (Option<Decimal>, Option<Decimal>, Decimal);

#[derive(Debug, Clone)]
struct Commission {
    id: Arc<str>,
    name: Arc<str>,
    base: Formula,
    table: TierTable,
    gate: Option<(Formula, Decimal, Decimal)>,
    multiplier: Option<(Formula, Vec<FactorBand>)>,
    cap: Option<Decimal>,
    to_date: Option<(Formula, Formula)>,
}

fn known_minor_units(code: &str) -> Option<u32> {
    match code {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" => Some(0),
        "KWD" | "BHD" | "OMR" | "JOD" | "TND" | "LYD" | "IQD" => Some(3),
        "CNY" | "USD" | "EUR" | "GBP" | "HKD" | "TWD" | "SGD" | "MOP" | "AUD" | "CAD" | "CHF"
        | "INR" | "MYR" | "THB" => Some(2),
        _ => None,
    }
}

impl PayPlan {
    /// Parse and validate a pay plan against the scoring plan whose scorecards it pays.
    pub fn from_json(text: &str, plan: &Plan) -> crate::Result<PayPlan> {
        let spec: PayPlanSpec = parse_json(text, Error::Plan)?;
        PayPlan::from_spec(&spec, plan)
    }

    /// Validate and compile an already-parsed pay plan.
    pub fn from_spec(spec: &PayPlanSpec, plan: &Plan) -> crate::Result<PayPlan> {
        let mut ck = Checker::new();
        let mode = spec.rounding;
        let resolve = |name: &str| plan.spec.measures.iter().position(|m| m.id == name);
        let minor_units = currency_minor_units(&mut ck, spec);
        if spec.performance_pay.is_none() && spec.commissions.is_empty() {
            ck.push(
                Problem::new(
                    Loc::spelled(""),
                    kinds::EMPTY_LIST,
                    "the pay plan has no lines: give `performance_pay` or `commissions`",
                )
                .zh("薪酬方案没有任何项目：请给出 `performance_pay` 或 `commissions`"),
            );
        }
        let performance = spec
            .performance_pay
            .as_ref()
            .and_then(|p| compile_performance(&mut ck, p, plan, &resolve, mode));
        let commissions = compile_commissions(&mut ck, &spec.commissions, &resolve, mode);
        if !ck.problems.is_empty() {
            return Err(Error::Plan(ck.problems.into_vec()));
        }
        Ok(PayPlan {
            id: Arc::from(spec.id.as_str()),
            currency: Arc::from(spec.currency.code.as_str()),
            minor_units,
            mode,
            performance,
            commissions,
            lookup: plan.lookup.clone(),
            measure_ids: plan.measures.iter().map(|m| Arc::clone(&m.id)).collect(),
            spec: Arc::new(spec.clone()),
            plan_id: Arc::from(plan.spec.id.as_str()),
            plan_document: Arc::from(plan.to_json()),
        })
    }

    /// `Ok` when `plan` is the plan this pay plan was compiled against (the same document).
    /// A pay plan reads measures and grades by the positions of its own plan, so pricing another
    /// plan's scorecards could be silently wrong: the batch entry points and [`PayPlan::run`]
    /// refuse it (`plan_mismatch` at `pay_plan`).
    pub fn check_plan(&self, plan: &Plan) -> crate::Result<()> {
        if *self.plan_document == plan.to_json() {
            return Ok(());
        }
        let (ours, theirs) = (&self.plan_id, &plan.spec.id);
        Err(Error::Input(vec![Problem::new(
            Loc::root().key("pay_plan"),
            kinds::PLAN_MISMATCH,
            format!("the pay plan was compiled against plan `{ours}`, not this plan (`{theirs}`)"),
        )
        .zh(format!(
            "该薪酬方案是按考核方案 `{ours}` 编译的，不是当前方案（`{theirs}`）"
        ))]))
    }

    /// The pay plan document as compact JSON: the same pay plan when read back with
    /// [`PayPlan::from_json`] against the same scoring plan (how hosts store or ship one, e.g.
    /// to pickle it for a Spark or Dask worker).
    pub fn to_json(&self) -> String {
        // Plain data with string keys: serialising cannot fail; `{}` would be refused on reading.
        serde_json::to_string(&*self.spec).unwrap_or_else(|_| "{}".to_string())
    }

    /// The pay plan's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The currency code.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// Decimal places of the currency's minor unit.
    pub fn minor_units(&self) -> u32 {
        self.minor_units
    }

    /// Split a bonus pool among people in this plan's currency; see [`split_pool`].
    pub fn split_pool(
        &self,
        pool: Decimal,
        weights: &[(Arc<str>, Decimal)],
    ) -> crate::Result<Vec<PoolShare>> {
        split_pool(pool, self.minor_units, weights)
    }

    /// Price one new deal for a commission line from where the person already stands in the
    /// tiers: commission(prior + deal) − commission(prior), before gate, multiplier and cap.
    /// A negative deal (a return) reverses at the rates it was paid.
    pub fn price_deal(
        &self,
        commission_id: &str,
        prior_base: Decimal,
        deal: Decimal,
    ) -> crate::Result<Decimal> {
        let c = self
            .commissions
            .iter()
            .find(|c| &*c.id == commission_id)
            .ok_or_else(|| {
                let c = shown(commission_id);
                Error::Input(vec![Problem::new(
                    Loc::root().key("commission"),
                    kinds::UNKNOWN_REFERENCE,
                    format!("no commission `{c}`"),
                )
                .zh(format!("没有提成项 `{c}`"))])
            })?;
        let overflow = || {
            Error::Input(vec![Problem::new(
                Loc::root().key("deal"),
                kinds::ARITHMETIC_OVERFLOW,
                "arithmetic overflow",
            )
            .zh("算术溢出：数值过大，无法精确计算")])
        };
        let prior_base = Exact::Dec(prior_base);
        let after = prior_base
            .checked_add(&Exact::Dec(deal))
            .ok_or_else(overflow)?;
        let mut scratch = Vec::new();
        let before = c
            .table
            .commission(&prior_base, &mut scratch)
            .map_err(|_| overflow())?;
        let now = c
            .table
            .commission(&after, &mut scratch)
            .map_err(|_| overflow())?;
        let due = now.checked_sub(&before).ok_or_else(overflow)?;
        Ok(due.round(self.mode, self.minor_units))
    }

    /// Score `records` with `plan` and pay them: the one call hosts need when they keep records,
    /// not scorecards. All problems (scoring or pay) are reported; nothing is paid half-way.
    pub fn pay_records(
        &self,
        plan: &Plan,
        records: &[Record],
        options: &crate::ScoreOptions,
    ) -> crate::Result<Vec<PayStatement>> {
        let cards = plan.score_many(records, options)?;
        self.statements(&cards, records)
    }

    /// The pay statement of one person from their scorecard and the record it was scored from.
    pub fn statement(&self, card: &Scorecard, record: &Record) -> crate::Result<PayStatement> {
        self.statement_at(card, record, None)
    }

    /// Statements for a batch: `cards[i]` must be the scorecard of `records[i]`. All problems are
    /// reported; nothing is paid half-way. Public callers go through [`PayPlan::pay_records`],
    /// which scores the records itself so cards and records cannot be mismatched.
    pub(crate) fn statements(
        &self,
        cards: &[Scorecard],
        records: &[Record],
    ) -> crate::Result<Vec<PayStatement>> {
        if cards.len() != records.len() {
            return Err(Error::Input(vec![Problem::new(
                Loc::spelled("records"),
                kinds::LENGTH_MISMATCH,
                format!("{} scorecards but {} records", cards.len(), records.len()),
            )
            .zh(format!(
                "共 {} 张计分卡，但有 {} 条记录",
                cards.len(),
                records.len()
            ))]));
        }
        let mut out = Vec::with_capacity(cards.len());
        let mut problems = Problems::new();
        for (i, (c, r)) in cards.iter().zip(records).enumerate() {
            match self.statement_at(c, r, Some(i)) {
                Ok(s) => out.push(s),
                Err(e) => problems.absorb(&e),
            }
        }
        problems.finish(Error::Input, out)
    }

    fn statement_at(
        &self,
        card: &Scorecard,
        record: &Record,
        index: Option<usize>,
    ) -> crate::Result<PayStatement> {
        if card.record_id != record.id {
            let at = match index {
                Some(i) => Loc::root().key("records").index(i).key("id"),
                None => Loc::root().key("id"),
            };
            let other = shown(&card.record_id);
            return Err(Error::Input(vec![Problem::new(
                at,
                kinds::RECORD_MISMATCH,
                format!("the scorecard is for `{other}`"),
            )
            .zh(format!("该计分卡属于 `{other}`"))
            .with_id(record.id.as_str())]));
        }
        let scored = Scored {
            total: card.total,
            grade: &card.grade,
        };
        let measures = record
            .measures
            .iter()
            .map(|(k, v)| (k.as_str(), self.lookup.get(k).copied(), Some(*v)));
        self.pay(&scored, &record.id, record.name.as_ref(), index, measures)
    }

    /// A table's measure columns resolved to this pay plan's slots once, for the batch engine (an
    /// unknown name is reported on each row that is paid, at that row's path).
    pub(crate) fn resolve_columns<S: AsRef<str>>(&self, names: &[S]) -> PayColumns {
        PayColumns {
            columns: names
                .iter()
                .map(|n| (n.as_ref().to_string(), self.lookup.get(n.as_ref()).copied()))
                .collect(),
        }
    }

    /// The pay statement total of one table row from its rounded total and grade (all pay reads
    /// of a scored person), for the batch paths, which hand out totals only: no statement is
    /// built, and `lines` is a buffer reused from row to row.
    #[allow(clippy::too_many_arguments)] // one row's parts, named; a struct would only rename them
    pub(crate) fn row_total(
        &self,
        total: Decimal,
        grade: &Arc<str>,
        id: &str,
        index: Option<usize>,
        columns: &PayColumns,
        row: &[Option<Decimal>],
        lines: &mut Vec<PayLine>,
    ) -> crate::Result<Decimal> {
        let scored = Scored { total, grade };
        let measures = columns
            .columns
            .iter()
            .zip(row.iter().copied())
            .map(|((name, slot), v)| (name.as_str(), *slot, v));
        let person = Person::load(self, id, index, measures)?;
        self.lines(&person, &scored, lines)?;
        person.total(lines)
    }

    /// One statement: the person's measures into the pay plan's environment, then every line.
    fn pay<'a>(
        &self,
        card: &Scored<'_>,
        id: &str,
        name: Option<&String>,
        index: Option<usize>,
        measures: impl Iterator<Item = (&'a str, Option<usize>, Option<Decimal>)>,
    ) -> crate::Result<PayStatement> {
        let person = Person::load(self, id, index, measures)?;
        let mut lines = Vec::new();
        self.lines(&person, card, &mut lines)?;
        let total = person.total(&lines)?;
        Ok(PayStatement {
            pay_plan_id: self.id.clone(),
            record_id: id.to_string(),
            name: name.cloned(),
            currency: self.currency.clone(),
            lines,
            total,
        })
    }

    /// Every line of `person`'s statement, in the plan's order, into `lines` (emptied first).
    fn lines(
        &self,
        person: &Person<'_>,
        card: &Scored<'_>,
        lines: &mut Vec<PayLine>,
    ) -> crate::Result<()> {
        lines.clear();
        if let Some(p) = &self.performance {
            lines.push(person.performance_line(p, card)?);
        }
        for c in &self.commissions {
            lines.push(person.commission_line(c)?);
        }
        Ok(())
    }
}

/// One person being paid: their measures in the pay plan's environment, and where problems go.
struct Person<'p> {
    plan: &'p PayPlan,
    id: &'p str,
    index: Option<usize>,
    env: Vec<Option<Exact>>,
}

impl<'p> Person<'p> {
    /// The person's measures into a fresh environment; a measure the plan lacks is a problem.
    fn load<'a>(
        plan: &'p PayPlan,
        id: &'p str,
        index: Option<usize>,
        measures: impl Iterator<Item = (&'a str, Option<usize>, Option<Decimal>)>,
    ) -> crate::Result<Person<'p>> {
        let mut person = Person {
            plan,
            id,
            index,
            env: vec![None; plan.measure_ids.len()],
        };
        for (k, slot, v) in measures {
            match slot.and_then(|s| person.env.get_mut(s)) {
                Some(cell) => *cell = v.map(Exact::Dec),
                None => {
                    return Err(person.problem_at(
                        Loc::root().key(k),
                        kinds::UNKNOWN_REFERENCE,
                        "the plan has no measure of this name".into(),
                        "方案中没有这个名称的指标数据".into(),
                    ))
                }
            }
        }
        Ok(person)
    }

    /// A problem at `what` of this record; the record's path is formatted only when something
    /// goes wrong.
    fn problem_at(&self, at: Loc, kind: &'static str, message: String, zh: String) -> Error {
        let record = match self.index {
            Some(i) => Loc::root().key("records").index(i),
            None => Loc::root(),
        };
        Error::Input(vec![Problem::new(record.join(&at), kind, message)
            .zh(zh)
            .with_id(self.id)])
    }

    /// A problem at the field `what` (spelled by this module, never from input) of this record.
    fn fail(&self, what: &str, kind: &'static str, message: String, zh: String) -> Error {
        self.problem_at(Loc::spelled(what), kind, message, zh)
    }

    fn overflow(&self, what: &str) -> Error {
        self.fail(
            what,
            kinds::ARITHMETIC_OVERFLOW,
            "arithmetic overflow".into(),
            "算术溢出：数值过大，无法精确计算".into(),
        )
    }

    fn eval(&self, f: &Formula, what: &str) -> crate::Result<Exact> {
        f.number(&self.env).map_err(|e| {
            let (kind, msg, zh) = match e {
                EvalError::Missing { slot } => {
                    // The measure's id, not whichever of its names a map gives first.
                    let name = self.plan.measure_ids.get(slot).map_or("?", |id| &**id);
                    let name = shown(name);
                    (
                        kinds::MISSING,
                        format!("measure `{name}` is missing"),
                        format!("缺少指标数据 `{name}`"),
                    )
                }
                EvalError::DivisionByZero => (
                    kinds::DIVISION_BY_ZERO,
                    "division by zero".into(),
                    "除数为零".into(),
                ),
                EvalError::Overflow => (
                    kinds::ARITHMETIC_OVERFLOW,
                    "arithmetic overflow".into(),
                    "算术溢出：数值过大，无法精确计算".into(),
                ),
            };
            self.fail(what, kind, msg, zh)
        })
    }

    /// The payable amount of a line: rounded once, to the minor unit, from the exact amount.
    fn round(&self, unrounded: &Exact) -> Decimal {
        unrounded.round(self.plan.mode, self.plan.minor_units)
    }

    /// base × coefficient (bounded) × proration.
    fn performance_line(&self, p: &PerformancePay, card: &Scored<'_>) -> crate::Result<PayLine> {
        let base = self.eval(&p.base, "performance_pay.base")?;
        let (raw, source) = self.coefficient(p, card)?;
        let (coefficient, bound) = match (p.floor, p.cap) {
            (_, Some(c)) if raw > c => (Exact::Dec(c), Some(Bound::Cap)),
            (Some(f), _) if raw < f => (Exact::Dec(f), Some(Bound::Floor)),
            _ => (raw.clone(), None),
        };
        let proration = self.proration(p)?;
        let mut unrounded = base
            .checked_mul(&coefficient)
            .ok_or_else(|| self.overflow("performance_pay"))?;
        if let Some(f) = &proration {
            unrounded = unrounded
                .checked_mul(f)
                .ok_or_else(|| self.overflow("performance_pay"))?;
        }
        Ok(PayLine {
            id: Arc::from("performance_pay"),
            name: p.name.clone(),
            base: base.to_decimal(),
            unrounded: unrounded.to_decimal(),
            amount: self.round(&unrounded),
            detail: LineDetail::PerformancePay {
                grade: card.grade.clone(),
                score: card.total,
                source,
                raw_coefficient: raw.to_decimal(),
                coefficient: coefficient.to_decimal(),
                bound,
                proration: proration.as_ref().map(Exact::to_decimal),
            },
        })
    }

    /// The coefficient before floor and cap: by grade, or interpolated by score.
    fn coefficient(
        &self,
        p: &PerformancePay,
        card: &Scored<'_>,
    ) -> crate::Result<(Exact, CoefficientSource)> {
        Ok(match &p.coefficient {
            Coefficient::ByGrade(map) => (
                map.get(card.grade)
                    .copied()
                    .map(Exact::Dec)
                    .ok_or_else(|| {
                        let g = shown(card.grade);
                        self.fail(
                            "grade",
                            kinds::UNKNOWN_REFERENCE,
                            format!("no coefficient for grade `{g}`"),
                            format!("等级 `{g}` 没有对应的系数"),
                        )
                    })?,
                CoefficientSource::Grade,
            ),
            Coefficient::ByScore(points) => (
                interpolate(points, card.total).ok_or_else(|| self.overflow("coefficient"))?,
                CoefficientSource::Score,
            ),
        })
    }

    /// The share of the period worked, from 0 to 1 (`None` without proration).
    fn proration(&self, p: &PerformancePay) -> crate::Result<Option<Exact>> {
        match &p.proration {
            None => Ok(None),
            Some(Proration::Factor(f)) => {
                let v = self.eval(f, "performance_pay.proration")?;
                if v < Decimal::ZERO || v > Decimal::ONE {
                    return Err(self.fail(
                        "performance_pay.proration",
                        kinds::OUT_OF_RANGE,
                        format!("the factor must be from 0 to 1, got {v}"),
                        format!("折算系数必须在 0 到 1 之间，实际为 {v}"),
                    ));
                }
                Ok(Some(v))
            }
            Some(Proration::Days {
                employed,
                in_period,
            }) => {
                let e = self.eval(employed, "performance_pay.proration.employed")?;
                let t = self.eval(in_period, "performance_pay.proration.in_period")?;
                if t <= Decimal::ZERO || e < Decimal::ZERO || e > t {
                    return Err(self.fail(
                        "performance_pay.proration",
                        kinds::OUT_OF_RANGE,
                        format!(
                            "days employed ({e}) must be between 0 and the days in the period ({t})"
                        ),
                        format!("在职天数（{e}）必须在 0 到周期天数（{t}）之间"),
                    ));
                }
                // 17 of 30 days is 17/30 exactly, never 0.5666…7.
                Ok(Some(e.checked_div(&t).ok_or_else(|| {
                    self.overflow("performance_pay.proration")
                })?))
            }
        }
    }

    /// Tiers on the (cumulative) base, then gate, multiplier and cap, then the to-date true-up.
    fn commission_line(&self, c: &Commission) -> crate::Result<PayLine> {
        let what = format!("commissions.{}", c.id);
        let base = self.eval(&c.base, &what)?;
        let to_date = match &c.to_date {
            Some((prior, paid)) => Some((self.eval(prior, &what)?, self.eval(paid, &what)?)),
            None => None,
        };
        let priced_base = match &to_date {
            Some((prior, _)) => prior
                .checked_add(&base)
                .ok_or_else(|| self.overflow(&what))?,
            None => base.clone(),
        };
        let mut slices = Vec::new();
        let tiers_commission = c
            .table
            .commission(&priced_base, &mut slices)
            .map_err(|_| self.overflow(&what))?;
        let mut due = tiers_commission.clone();
        let gate = self.gate(c, &what, &mut due)?;
        let multiplier = self.multiplier(c, &what, &mut due)?;
        let capped = c.cap.is_some_and(|cap| due > cap);
        if let Some(cap) = c.cap.filter(|_| capped) {
            due = Exact::Dec(cap);
        }
        let (unrounded, to_date) = match to_date {
            Some((prior, paid)) => (
                due.checked_sub(&paid).ok_or_else(|| self.overflow(&what))?,
                Some(ToDateOutcome {
                    prior_base: prior.to_decimal(),
                    cumulative_base: priced_base.to_decimal(),
                    due: due.to_decimal(),
                    paid: paid.to_decimal(),
                }),
            ),
            None => (due, None),
        };
        Ok(PayLine {
            id: c.id.clone(),
            name: c.name.clone(),
            base: base.to_decimal(),
            unrounded: unrounded.to_decimal(),
            amount: self.round(&unrounded),
            detail: LineDetail::Commission {
                mode: c.table.mode,
                slices,
                tiers_commission: tiers_commission.to_decimal(),
                gate,
                multiplier,
                capped,
                to_date,
            },
        })
    }

    /// Below the minimum attainment, `due` is scaled by the gate's factor.
    fn gate(
        &self,
        c: &Commission,
        what: &str,
        due: &mut Exact,
    ) -> crate::Result<Option<GateOutcome>> {
        let Some((att, min, factor)) = &c.gate else {
            return Ok(None);
        };
        let attainment = self.eval(att, what)?;
        let applied = attainment < *min;
        if applied {
            *due = due
                .checked_mul(&Exact::Dec(*factor))
                .ok_or_else(|| self.overflow(what))?;
        }
        Ok(Some(GateOutcome {
            attainment: attainment.to_decimal(),
            min: *min,
            factor: *factor,
            applied,
        }))
    }

    /// `due` × the factor of the band the driver falls in.
    fn multiplier(
        &self,
        c: &Commission,
        what: &str,
        due: &mut Exact,
    ) -> crate::Result<Option<MultiplierOutcome>> {
        let Some((driver, bands)) = &c.multiplier else {
            return Ok(None);
        };
        let value = self.eval(driver, what)?;
        let factor = bands
            .iter()
            .find(|(f, t, _)| f.is_none_or(|f| value >= f) && t.is_none_or(|t| value < t))
            .map(|b| b.2)
            .ok_or_else(|| {
                self.fail(
                    what,
                    kinds::OUTSIDE_BANDS,
                    format!("{value} falls outside every multiplier band"),
                    format!("{value} 不在任何系数分档区间内"),
                )
            })?;
        *due = due
            .checked_mul(&Exact::Dec(factor))
            .ok_or_else(|| self.overflow(what))?;
        Ok(Some(MultiplierOutcome {
            driver: value.to_decimal(),
            factor,
        }))
    }

    /// The sum of the rounded lines, at the minor unit.
    fn total(&self, lines: &[PayLine]) -> crate::Result<Decimal> {
        let mut total = Decimal::ZERO;
        for l in lines {
            total = total
                .checked_add(l.amount)
                .ok_or_else(|| self.overflow("total"))?;
        }
        total.rescale(self.plan.minor_units);
        Ok(total)
    }
}

/// A table's measure columns resolved to a pay plan's slots; see [`PayPlan::resolve_columns`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PayColumns {
    columns: Vec<(String, Option<usize>)>,
}

/// What pay needs of a scored person: the rounded total and the grade.
struct Scored<'a> {
    total: Decimal,
    grade: &'a Arc<str>,
}

/// Linear between points, flat beyond the ends; exact (a coefficient a third of the way along
/// stays a fraction until the amount is rounded).
fn interpolate(points: &[(Decimal, Decimal)], x: Decimal) -> Option<Exact> {
    let first = points.first()?;
    if x <= first.0 {
        return Some(Exact::Dec(first.1));
    }
    for w in points.windows(2) {
        let [(a0, c0), (a1, c1)] = [w[0], w[1]];
        if x < a1 {
            let (x, a0, a1, c0, c1) = (x.into(), a0.into(), a1.into(), c0.into(), c1.into());
            let step = Exact::checked_sub(&x, &a0)?
                .checked_mul(&Exact::checked_sub(&c1, &c0)?)?
                .checked_div(&Exact::checked_sub(&a1, &a0)?)?;
            return Exact::checked_add(&c0, &step);
        }
    }
    points.last().map(|p| Exact::Dec(p.1))
}

fn compile_commission(
    ck: &mut Checker,
    path: &str,
    c: &CommissionSpec,
    resolve: &dyn Fn(&str) -> Option<usize>,
    mode: RoundingMode,
) -> Option<Commission> {
    let base = ck.value(
        &Loc::spelled(&format!("{path}.base")),
        &c.base,
        resolve,
        mode,
    );
    check_tiers(ck, path, c);
    let gate = c
        .gate
        .as_ref()
        .and_then(|g| compile_gate(ck, path, g, resolve, mode));
    let multiplier = c
        .multiplier
        .as_ref()
        .and_then(|m| compile_multiplier(ck, path, m, resolve, mode));
    if c.cap.is_some_and(|x| x.0 < Decimal::ZERO) {
        ck.push(
            Problem::new(
                Loc::spelled(&format!("{path}.cap")),
                kinds::NEGATIVE,
                "the cap cannot be negative",
            )
            .zh("上限不能为负数"),
        );
    }
    let to_date = c.to_date.as_ref().and_then(|t| {
        let prior = ck.value(
            &Loc::spelled(&format!("{path}.to_date.prior_base")),
            &t.prior_base,
            resolve,
            mode,
        );
        let paid = ck.value(
            &Loc::spelled(&format!("{path}.to_date.paid")),
            &t.paid,
            resolve,
            mode,
        );
        prior.zip(paid)
    });
    if (c.gate.is_some() && gate.is_none())
        || (c.multiplier.is_some() && multiplier.is_none())
        || (c.to_date.is_some() && to_date.is_none())
    {
        return None;
    }
    Some(Commission {
        id: Arc::from(c.id.as_str()),
        name: Arc::from(c.name.as_deref().unwrap_or(&c.id)),
        base: base?,
        table: TierTable {
            mode: c.mode,
            tiers: c
                .tiers
                .iter()
                .map(|t| Tier {
                    from: t.from.0,
                    to: t.to.map(|n| n.0),
                    rate: t.rate.map(|n| n.0),
                    amount: t.amount.map(|n| n.0),
                })
                .collect(),
        },
        gate,
        multiplier,
        cap: c.cap.map(|n| n.0),
        to_date,
    })
}

/// Tiers follow each other without gap or overlap, the last open-ended; each prices by a rate or
/// an amount, never negative.
fn check_tiers(ck: &mut Checker, path: &str, c: &CommissionSpec) {
    let ranges: Vec<_> = c
        .tiers
        .iter()
        .map(|t| (Some(t.from.0), t.to.map(|n| n.0)))
        .collect();
    ck.intervals(
        &Loc::spelled(&format!("{path}.tiers")),
        ("tier", "提成档位"),
        &ranges,
        false,
    );
    if c.tiers.last().is_some_and(|t| t.to.is_some()) {
        // Exact: there is a last tier.
        let last = c.tiers.len().saturating_sub(1);
        ck.push(
            Problem::new(
                Loc::spelled(path).key("tiers").index(last).key("to"),
                kinds::NOT_COVERED,
                "the last tier must be open-ended (no `to`), so every base is priced",
            )
            .zh("最后一档必须没有上限（不设 `to`），这样每个提成基数都有对应费率"),
        );
    }
    if c.mode == TierMode::Flat && c.tiers.len() != 1 {
        ck.push(
            Problem::new(
                Loc::spelled(&format!("{path}.tiers")),
                kinds::WRONG_COUNT,
                "a flat commission has exactly one tier",
            )
            .zh("固定提成只能有一档"),
        );
    }
    for (i, t) in c.tiers.iter().enumerate() {
        let tpath = format!("{path}.tiers[{i}]");
        match (t.rate, t.amount) {
            (Some(_), Some(_)) | (None, None) => ck.push(
                Problem::new(
                    Loc::spelled(&tpath.clone()),
                    kinds::CONFLICTING_FIELDS,
                    "give either `rate` (percent) or `amount`",
                )
                .zh("`rate`（百分比）与 `amount` 必须且只能给出一个"),
            ),
            (None, Some(_)) if c.mode == TierMode::Interpolated => ck.push(
                Problem::new(
                    Loc::spelled(&format!("{tpath}.amount")),
                    kinds::NOT_ALLOWED,
                    "interpolated tiers need rates, not amounts",
                )
                .zh("插值分档需要费率（rate），不能用金额（amount）"),
            ),
            _ => {}
        }
        if t.rate.is_some_and(|r| r.0 < Decimal::ZERO)
            || t.amount.is_some_and(|a| a.0 < Decimal::ZERO)
        {
            ck.push(
                Problem::new(
                    Loc::spelled(&tpath),
                    kinds::NEGATIVE,
                    "rates and amounts cannot be negative",
                )
                .zh("费率和金额不能为负数"),
            );
        }
    }
}

/// The attainment formula, the minimum and the factor (default 0, from 0 to 1).
fn compile_gate(
    ck: &mut Checker,
    path: &str,
    g: &GateSpec,
    resolve: &dyn Fn(&str) -> Option<usize>,
    mode: RoundingMode,
) -> Option<(Formula, Decimal, Decimal)> {
    let factor = g.factor.map_or(Decimal::ZERO, |f| f.0);
    if factor < Decimal::ZERO || factor > Decimal::ONE {
        ck.push(
            Problem::new(
                Loc::spelled(&format!("{path}.gate.factor")),
                kinds::OUT_OF_RANGE,
                "the factor must be from 0 to 1",
            )
            .zh("系数必须在 0 到 1 之间"),
        );
    }
    ck.value(
        &Loc::spelled(&format!("{path}.gate.attainment")),
        &g.attainment,
        resolve,
        mode,
    )
    .map(|f| (f, g.min.0, factor))
}

/// The driver formula and its bands, which must cover every value without gap or overlap.
fn compile_multiplier(
    ck: &mut Checker,
    path: &str,
    m: &MultiplierSpec,
    resolve: &dyn Fn(&str) -> Option<usize>,
    mode: RoundingMode,
) -> Option<(Formula, Vec<FactorBand>)> {
    let ranges: Vec<_> = m
        .bands
        .iter()
        .map(|b| (b.from.map(|n| n.0), b.to.map(|n| n.0)))
        .collect();
    ck.intervals(
        &Loc::spelled(&format!("{path}.multiplier.bands")),
        ("band", "系数分档区间"),
        &ranges,
        true,
    );
    let bands = m
        .bands
        .iter()
        .map(|b| (b.from.map(|n| n.0), b.to.map(|n| n.0), b.factor.0))
        .collect();
    ck.value(
        &Loc::spelled(&format!("{path}.multiplier.driver")),
        &m.driver,
        resolve,
        mode,
    )
    .map(|f| (f, bands))
}

/// The currency's decimal places: given, or known from its code (0 after a problem, so
/// validation goes on).
fn currency_minor_units(ck: &mut Checker, spec: &PayPlanSpec) -> u32 {
    match (
        spec.currency.minor_units,
        known_minor_units(&spec.currency.code),
    ) {
        (Some(m), _) if m > pool::MAX_MINOR_UNITS => {
            ck.push(
                Problem::new(
                    Loc::spelled("currency.minor_units"),
                    kinds::OUT_OF_RANGE,
                    format!("at most {} decimal places", pool::MAX_MINOR_UNITS),
                )
                .zh(format!("最多 {} 位小数", pool::MAX_MINOR_UNITS)),
            );
            0
        }
        (Some(m), _) => m,
        (None, Some(m)) => m,
        (None, None) => {
            ck.push(
                Problem::new(
                    Loc::spelled("currency.minor_units"),
                    kinds::UNKNOWN_CURRENCY,
                    format!(
                        "unknown currency `{}`: give `minor_units`",
                        spec.currency.code
                    ),
                )
                .zh(format!(
                    "未知币种 `{}`：请给出 `minor_units`",
                    shown(&spec.currency.code)
                )),
            );
            0
        }
    }
}

/// Performance pay: base, coefficient, floor/cap and proration, every problem reported before
/// giving up (`None`).
fn compile_performance(
    ck: &mut Checker,
    p: &PerformancePaySpec,
    plan: &Plan,
    resolve: &dyn Fn(&str) -> Option<usize>,
    mode: RoundingMode,
) -> Option<PerformancePay> {
    let path = "performance_pay";
    let base = ck.value(
        &Loc::spelled(&format!("{path}.base")),
        &p.base,
        resolve,
        mode,
    );
    let coefficient = compile_coefficient(ck, path, &p.coefficient, plan);
    ck.floor_cap(
        &Loc::spelled(path),
        p.floor.map(|n| n.0),
        p.cap.map(|n| n.0),
    );
    let proration = compile_proration(ck, path, p.proration.as_ref(), resolve, mode);
    Some(PerformancePay {
        name: Arc::from(p.name.as_deref().unwrap_or("Performance pay")),
        base: base?,
        coefficient,
        floor: p.floor.map(|n| n.0),
        cap: p.cap.map(|n| n.0),
        proration: proration?,
    })
}

/// A grade table must cover exactly the scoring plan's grades; score points must ascend.
fn compile_coefficient(
    ck: &mut Checker,
    path: &str,
    spec: &CoefficientSpec,
    plan: &Plan,
) -> Coefficient {
    match spec {
        CoefficientSpec::ByGrade(map) => {
            for g in plan.grade_names() {
                if !map.contains_key(g) {
                    let g = shown(g);
                    ck.push(
                        Problem::new(
                            Loc::spelled(path).key("coefficient").key("by_grade"),
                            kinds::MISSING,
                            format!("no coefficient for grade `{g}`"),
                        )
                        .zh(format!("等级 `{g}` 没有对应的系数")),
                    );
                }
            }
            for g in map.keys() {
                if !plan.grade_names().any(|x| x == g) {
                    let at = Loc::spelled(path).key("coefficient").key("by_grade").key(g);
                    let g = shown(g);
                    ck.push(
                        Problem::new(
                            at,
                            kinds::UNKNOWN_REFERENCE,
                            format!("the scoring plan has no grade `{g}`"),
                        )
                        .zh(format!("考核方案中没有等级 `{g}`")),
                    );
                }
            }
            Coefficient::ByGrade(
                map.iter()
                    .map(|(k, v)| (Arc::from(k.as_str()), v.0))
                    .collect(),
            )
        }
        CoefficientSpec::ByScore(points) => {
            if points.is_empty() {
                ck.push(
                    Problem::new(
                        Loc::spelled(&format!("{path}.coefficient.by_score")),
                        kinds::EMPTY_LIST,
                        "at least one point is needed",
                    )
                    .zh("至少需要一个点"),
                );
            }
            if points.windows(2).any(|w| w[0].at.0 >= w[1].at.0) {
                ck.push(
                    Problem::new(
                        Loc::spelled(&format!("{path}.coefficient.by_score")),
                        kinds::NOT_ASCENDING,
                        "points must be strictly ascending in `at`",
                    )
                    .zh("各点的 `at` 必须严格递增"),
                );
            }
            Coefficient::ByScore(points.iter().map(|p| (p.at.0, p.coefficient.0)).collect())
        }
    }
}

/// `Some(None)` without proration; `None` when a formula did not compile.
fn compile_proration(
    ck: &mut Checker,
    path: &str,
    spec: Option<&ProrationSpec>,
    resolve: &dyn Fn(&str) -> Option<usize>,
    mode: RoundingMode,
) -> Option<Option<Proration>> {
    match spec {
        None => Some(None),
        Some(ProrationSpec::Days {
            employed,
            in_period,
        }) => {
            let e = ck.value(
                &Loc::spelled(&format!("{path}.proration.days.employed")),
                employed,
                resolve,
                mode,
            );
            let i = ck.value(
                &Loc::spelled(&format!("{path}.proration.days.in_period")),
                in_period,
                resolve,
                mode,
            );
            e.zip(i).map(|(employed, in_period)| {
                Some(Proration::Days {
                    employed,
                    in_period,
                })
            })
        }
        Some(ProrationSpec::Factor(f)) => ck
            .value(
                &Loc::spelled(&format!("{path}.proration.factor")),
                f,
                resolve,
                mode,
            )
            .map(|f| Some(Proration::Factor(f))),
    }
}

/// Unique ids first, then each commission in order; ones with problems are left out.
fn compile_commissions(
    ck: &mut Checker,
    specs: &[CommissionSpec],
    resolve: &dyn Fn(&str) -> Option<usize>,
    mode: RoundingMode,
) -> Vec<Commission> {
    ck.unique(
        &Loc::root().key("commissions"),
        ("commission", "提成项"),
        specs.iter().map(|c| c.id.as_str()),
    );
    let mut commissions = Vec::with_capacity(specs.len());
    for (i, c) in specs.iter().enumerate() {
        let path = format!("commissions[{i}]");
        if let Some(compiled) = compile_commission(ck, &path, c, resolve, mode) {
            commissions.push(compiled);
        }
    }
    commissions
}
