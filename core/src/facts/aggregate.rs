//! Fact measures per person: each measure's facts chosen by window and filter, credited to
//! their owner and aggregated exactly.

use super::compile::{aggregate_name, FactMeasure, Model};
use super::date::Date;
use super::load::{Cell, Fact, Facts};
use super::period::{window, Span};
use super::spec::Aggregate;
use crate::error::{kinds, Error, Loc, Problem, Problems};
use crate::exact::Exact;
use crate::formula::EvalError;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Each person's fact measures: by person id (sorted), the value of each of the model's
/// measures in order (`None`: no fact to take a min, max, mean, first or last of).
pub(crate) type Measured = BTreeMap<String, Vec<Option<Decimal>>>;

/// A fact no person is credited with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unassigned {
    pub source: String,
    pub row: usize,
    pub id: String,
}

/// Every person with facts, and each fact measure's value for them, over `period` as known on
/// `as_of`; the facts no one owns are listed.
pub(crate) fn measure(
    model: &Model,
    facts: &Facts,
    period: Span,
    as_of: Option<Date>,
) -> crate::Result<(Measured, Vec<Unassigned>)> {
    let mut people: Measured = BTreeMap::new();
    let none = vec![None; model.measures.len()];
    let mut unassigned = Vec::new();
    for (source, table) in model.sources.iter().zip(&facts.tables) {
        for fact in table {
            match fact.owner {
                Some(o) => {
                    people
                        .entry(facts.texts.get(o).to_owned())
                        .or_insert_with(|| none.clone());
                }
                None => unassigned.push(Unassigned {
                    source: source.id.to_string(),
                    row: fact.row,
                    id: fact.id.clone(),
                }),
            }
        }
    }
    let mut problems = Problems::new();
    for (m, spec) in model.measures.iter().enumerate() {
        let table = facts.tables.get(spec.source).map_or(&[][..], Vec::as_slice);
        let span = window(spec.window, period, as_of);
        match one_measure(model, spec, table, span) {
            Ok(values) => {
                for (owner, value) in values {
                    if let Some(slot) = people
                        .get_mut(facts.texts.get(owner))
                        .and_then(|v| v.get_mut(m))
                    {
                        *slot = value;
                    }
                }
                // Sums and counts of no facts are 0, for everyone.
                if spec.aggregate.counts() {
                    for values in people.values_mut() {
                        if let Some(v @ None) = values.get_mut(m) {
                            *v = Some(Decimal::ZERO);
                        }
                    }
                }
            }
            Err(p) => problems.push(p),
        }
    }
    problems.finish(Error::Input, (people, unassigned))
}

/// One measure's value for each owner with qualifying facts.
fn one_measure(
    model: &Model,
    spec: &FactMeasure,
    table: &[Fact],
    span: Span,
) -> Result<Vec<(usize, Option<Decimal>)>, Problem> {
    let mut env: Vec<Option<Exact>> = Vec::new();
    let mut qualifies = |fact: &Fact| -> Result<bool, Problem> {
        let Some(filter) = &spec.filter else {
            return Ok(true);
        };
        env.clear();
        env.extend(fact.cells.iter().map(|c| match *c {
            Cell::Num(n) => Some(Exact::Dec(n)),
            Cell::Text(t) => Some(Exact::Dec(Decimal::from(t))),
            Cell::Bool(b) => Some(Exact::Dec(if b { Decimal::ONE } else { Decimal::ZERO })),
            Cell::Date(_) | Cell::Missing => None,
        }));
        match filter.holds(&env) {
            Ok(b) => Ok(b),
            // An empty cell the filter needs: the fact does not match (as in SQL).
            Err(EvalError::Missing { .. }) => Ok(false),
            Err(e) => Err(fact_problem(model, spec, fact, e)),
        }
    };
    if spec.aggregate == Aggregate::CountNew {
        return count_new(spec, table, span, &mut qualifies);
    }
    let mut acc: HashMap<usize, Acc> = HashMap::new();
    for fact in table {
        let Some(owner) = fact.owner else { continue };
        if !span.contains(fact.date) || !qualifies(fact)? {
            continue;
        }
        let entry = acc.entry(owner).or_insert_with(|| Acc::new(spec.aggregate));
        entry.add(spec, fact).ok_or_else(|| overflow(spec, fact))?;
    }
    let mut out: Vec<(usize, Option<Decimal>)> =
        acc.into_iter().map(|(o, a)| (o, a.value())).collect();
    out.sort_unstable_by_key(|(o, _)| *o);
    Ok(out)
}

/// Values seen for the first time in the window: for each distinct value (combination) the
/// earliest qualifying fact among all facts up to the window's end (by date, then row); when it
/// falls in the window, its owner is credited with one new value.
fn count_new(
    spec: &FactMeasure,
    table: &[Fact],
    span: Span,
    qualifies: &mut dyn FnMut(&Fact) -> Result<bool, Problem>,
) -> Result<Vec<(usize, Option<Decimal>)>, Problem> {
    let mut first: HashMap<Vec<Cell>, (Date, usize, Option<usize>)> = HashMap::new();
    for fact in table {
        if fact.date > span.to || !qualifies(fact)? {
            continue;
        }
        let Some(key) = key(spec, fact) else { continue };
        let here = (fact.date, fact.row, fact.owner);
        first
            .entry(key)
            .and_modify(|f| {
                if (here.0, here.1) < (f.0, f.1) {
                    *f = here;
                }
            })
            .or_insert(here);
    }
    let mut counts: BTreeMap<usize, u64> = BTreeMap::new();
    for (date, _, owner) in first.into_values() {
        if let (true, Some(o)) = (span.contains(date), owner) {
            let c = counts.entry(o).or_insert(0);
            *c = c.saturating_add(1);
        }
    }
    Ok(counts
        .into_iter()
        .map(|(o, c)| (o, Some(Decimal::from(c))))
        .collect())
}

/// The aggregated cells of a fact, `None` when one is empty (the fact is left out).
fn key(spec: &FactMeasure, fact: &Fact) -> Option<Vec<Cell>> {
    spec.columns
        .iter()
        .map(|&j| match fact.cells.get(j) {
            None | Some(Cell::Missing) => None,
            Some(c) => Some(*c),
        })
        .collect()
}

/// The number a fact brings to a number aggregate, `None` when its cell is empty.
fn number(spec: &FactMeasure, fact: &Fact) -> Option<Decimal> {
    match spec.columns.first().and_then(|&j| fact.cells.get(j)) {
        Some(Cell::Num(n)) => Some(*n),
        _ => None,
    }
}

/// One person's running aggregate.
enum Acc {
    Sum(Decimal),
    Count(u64),
    Distinct(HashSet<Vec<Cell>>),
    Min(Option<Decimal>),
    Max(Option<Decimal>),
    Mean(Decimal, u64),
    /// The chosen fact's (date, row) and value.
    First(Option<(Date, usize, Decimal)>),
    Last(Option<(Date, usize, Decimal)>),
}

impl Acc {
    fn new(a: Aggregate) -> Acc {
        match a {
            Aggregate::Sum => Acc::Sum(Decimal::ZERO),
            Aggregate::Count => Acc::Count(0),
            Aggregate::CountDistinct | Aggregate::CountNew => Acc::Distinct(HashSet::new()),
            Aggregate::Min => Acc::Min(None),
            Aggregate::Max => Acc::Max(None),
            Aggregate::Mean => Acc::Mean(Decimal::ZERO, 0),
            Aggregate::First => Acc::First(None),
            Aggregate::Last => Acc::Last(None),
        }
    }

    /// Add a qualifying fact; `None` on arithmetic overflow.
    fn add(&mut self, spec: &FactMeasure, fact: &Fact) -> Option<()> {
        if let Acc::Count(c) = self {
            *c = c.saturating_add(1);
            return Some(());
        }
        if let Acc::Distinct(set) = self {
            if let Some(k) = key(spec, fact) {
                set.insert(k);
            }
            return Some(());
        }
        let Some(x) = number(spec, fact) else {
            return Some(());
        };
        let at = (fact.date, fact.row);
        match self {
            Acc::Sum(s) => *s = s.checked_add(x)?,
            Acc::Min(m) => *m = Some(m.map_or(x, |m| m.min(x))),
            Acc::Max(m) => *m = Some(m.map_or(x, |m| m.max(x))),
            Acc::Mean(s, n) => {
                *s = s.checked_add(x)?;
                *n = n.saturating_add(1);
            }
            // The earliest fact (date, then row); the latest (date, then row).
            Acc::First(f) => {
                if f.is_none_or(|(d, r, _)| at < (d, r)) {
                    *f = Some((at.0, at.1, x));
                }
            }
            Acc::Last(f) => {
                if f.is_none_or(|(d, r, _)| at > (d, r)) {
                    *f = Some((at.0, at.1, x));
                }
            }
            Acc::Count(_) | Acc::Distinct(_) => {}
        }
        Some(())
    }

    fn value(self) -> Option<Decimal> {
        match self {
            Acc::Sum(s) => Some(s),
            Acc::Count(c) => Some(Decimal::from(c)),
            Acc::Distinct(set) => Some(Decimal::from(set.len())),
            Acc::Min(m) | Acc::Max(m) => m,
            Acc::Mean(s, n) => (n > 0).then(|| s.checked_div(Decimal::from(n))).flatten(),
            Acc::First(f) | Acc::Last(f) => f.map(|(_, _, x)| x),
        }
    }
}

fn measure_loc(spec: &FactMeasure) -> Loc {
    Loc::root().key("measures").index(spec.slot).key("from")
}

fn fact_problem(model: &Model, spec: &FactMeasure, fact: &Fact, e: EvalError) -> Problem {
    let source = model.sources.get(spec.source).map_or("", |s| &*s.id);
    let (kind, what, zh) = match e {
        EvalError::DivisionByZero => (kinds::DIVISION_BY_ZERO, "divides by zero", "除以零"),
        _ => (kinds::ARITHMETIC_OVERFLOW, "overflows", "数值溢出"),
    };
    Problem::new(
        Loc::root().key("facts").key(source).index(fact.row),
        kind,
        format!(
            "the filter of measure `{}` ({}) {what} on this fact",
            spec.id,
            aggregate_name(spec.aggregate)
        ),
    )
    .zh(format!("指标数据 `{}` 的筛选条件在这条事实上{zh}", spec.id))
    .with_id(fact.id.clone())
}

fn overflow(spec: &FactMeasure, fact: &Fact) -> Problem {
    Problem::new(
        measure_loc(spec),
        kinds::ARITHMETIC_OVERFLOW,
        "the sum is too large to hold exactly (more than 28 digits)",
    )
    .zh("合计过大，无法精确表示（超过 28 位）")
    .with_id(fact.id.clone())
}
