//! Fact measures per person: each measure's facts chosen by window and filter, credited to
//! their owner and aggregated exactly. Work is proportional to the people asked about: each
//! person's facts are found through the owner index of the facts held (a live store or a
//! batch), so both answer through this one aggregation.

use super::compile::{FactMeasure, Model};
use super::date::Date;
use super::load::{Cell, Fact};
use super::period::{window, Span};
use super::spec::Aggregate;
use super::store::key;
use crate::error::{kinds, Error, Loc, Problem, Problems};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Facts held for aggregation, read through their owner index: a live [`super::Store`] or a
/// [`super::Batch`].
pub(crate) trait Held {
    /// Every person with a fact in any source, by id.
    fn owners(&self) -> BTreeSet<&str>;

    /// The facts credited to `owner` (`None`: unassigned), by source and row.
    fn facts_of(&self, owner: Option<usize>) -> impl Iterator<Item = (usize, &Fact)>;

    /// The text index of a person's id, when it has been seen.
    fn person(&self, id: &str) -> Option<usize>;

    /// The (date, row) of the earliest qualifying fact of measure `m` (a `count_new`) whose
    /// counted cells are `key`.
    fn first(&self, m: usize, key: &[Cell]) -> Option<(Date, usize)>;
}

/// Each person's fact measures: by person id, the value of each of the model's measures in
/// order (`None`: no fact to take a min, max, mean, first or last of).
pub(crate) type Measured = BTreeMap<String, Vec<Option<Decimal>>>;

/// A fact no person in the batch is credited with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unassigned {
    pub source: String,
    pub row: usize,
    pub id: String,
}

/// The fact measures of `people` (every owner when `None`) over `period` as known on `as_of`.
pub(crate) fn measure(
    model: &Model,
    store: &impl Held,
    period: Span,
    as_of: Option<Date>,
    people: Option<&[String]>,
) -> crate::Result<Measured> {
    let ids: Vec<String> = match people {
        Some(p) => p.to_vec(),
        None => store.owners().into_iter().map(str::to_owned).collect(),
    };
    let spans: Vec<Span> = model
        .measures
        .iter()
        .map(|m| window(m.window, period, as_of))
        .collect();
    let mut problems = Problems::new();
    let mut out = Measured::new();
    for id in ids {
        let owner = store.person(&id);
        let mut accs: Vec<Acc> = model.measures.iter().map(Acc::new).collect();
        for (source, fact) in owner.into_iter().flat_map(|o| store.facts_of(Some(o))) {
            let share = owner.map_or(Decimal::ZERO, |o| fact.share_of(o));
            for (m, (spec, acc)) in model.measures.iter().zip(&mut accs).enumerate() {
                let span = spans.get(m).copied();
                if spec.source != source
                    || !fact.qualifies.has(m)
                    || !span.is_some_and(|s| s.contains(fact.date))
                {
                    continue;
                }
                if spec.aggregate == Aggregate::CountNew && !is_first(store, m, spec, fact) {
                    continue;
                }
                if acc.add(spec, fact, share).is_none() {
                    problems.push(overflow(spec, &id));
                }
            }
        }
        out.insert(id, accs.into_iter().map(Acc::value).collect());
    }
    problems.finish(Error::Input, out)
}

/// The facts no one is credited with, by source and row.
pub(crate) fn unassigned(model: &Model, store: &impl Held) -> Vec<Unassigned> {
    listed(model, store.facts_of(None))
}

/// The facts credited to `owner`.
pub(crate) fn owned_by(model: &Model, store: &impl Held, owner: &str) -> Vec<Unassigned> {
    let facts = store
        .person(owner)
        .into_iter()
        .flat_map(|o| store.facts_of(Some(o)));
    listed(model, facts)
}

/// Facts (with their source's index) as the answers list them: source, row, id.
fn listed<'a>(model: &Model, facts: impl Iterator<Item = (usize, &'a Fact)>) -> Vec<Unassigned> {
    facts
        .map(|(s, f)| Unassigned {
            source: model
                .sources
                .get(s)
                .map_or(String::new(), |s| s.id.to_string()),
            row: f.row,
            id: f.id.to_string(),
        })
        .collect()
}

/// Whether `fact` is the earliest qualifying fact (by date, then row) of its value, among all
/// the facts held: a value seen for the first time.
fn is_first(store: &impl Held, m: usize, spec: &FactMeasure, fact: &Fact) -> bool {
    let first = key(spec, fact).and_then(|k| store.first(m, &k));
    first == Some((fact.date, fact.row))
}

/// The number a fact brings to a number aggregate, `None` when its cell is empty.
fn number(spec: &FactMeasure, fact: &Fact) -> Option<Decimal> {
    match spec.columns.first().and_then(|&j| fact.cells.get(j)) {
        Some(Cell::Num(n)) => Some(*n),
        _ => None,
    }
}

/// One person's running aggregate. Sums, counts and means weigh each fact by the person's share
/// of its credit (1 unless split); the others take each credited person's facts whole.
enum Acc {
    Sum(Decimal),
    Count(Decimal),
    Distinct(HashSet<Vec<Cell>>),
    /// Distinct values of one column: the cells themselves, no list per fact.
    DistinctOne(usize, HashSet<Cell>),
    Min(Option<Decimal>),
    Max(Option<Decimal>),
    /// Σ share × value and Σ share.
    Mean(Decimal, Decimal),
    /// The chosen fact's (date, row) and value.
    First(Option<(Date, usize, Decimal)>),
    Last(Option<(Date, usize, Decimal)>),
}

impl Acc {
    fn new(spec: &FactMeasure) -> Acc {
        match spec.aggregate {
            Aggregate::Sum => Acc::Sum(Decimal::ZERO),
            Aggregate::Count => Acc::Count(Decimal::ZERO),
            Aggregate::CountDistinct | Aggregate::CountNew => match spec.columns.as_slice() {
                [j] => Acc::DistinctOne(*j, HashSet::new()),
                _ => Acc::Distinct(HashSet::new()),
            },
            Aggregate::Min => Acc::Min(None),
            Aggregate::Max => Acc::Max(None),
            Aggregate::Mean => Acc::Mean(Decimal::ZERO, Decimal::ZERO),
            Aggregate::First => Acc::First(None),
            Aggregate::Last => Acc::Last(None),
        }
    }

    /// Add a qualifying fact credited at `share` (a fraction); `None` on arithmetic overflow.
    fn add(&mut self, spec: &FactMeasure, fact: &Fact, share: Decimal) -> Option<()> {
        if let Acc::Count(c) = self {
            *c = c.checked_add(share)?;
            return Some(());
        }
        if let Acc::Distinct(set) = self {
            if let Some(k) = key(spec, fact) {
                set.insert(k);
            }
            return Some(());
        }
        if let Acc::DistinctOne(j, set) = self {
            // As `key`: an empty cell is not a value.
            match fact.cells.get(*j) {
                None | Some(Cell::Missing) => {}
                Some(c) => {
                    set.insert(*c);
                }
            }
            return Some(());
        }
        let Some(x) = number(spec, fact) else {
            return Some(());
        };
        let at = (fact.date, fact.row);
        match self {
            Acc::Sum(s) => *s = s.checked_add(weighed(x, share)?)?,
            Acc::Min(m) => *m = Some(m.map_or(x, |m| m.min(x))),
            Acc::Max(m) => *m = Some(m.map_or(x, |m| m.max(x))),
            Acc::Mean(s, n) => {
                *s = s.checked_add(weighed(x, share)?)?;
                *n = n.checked_add(share)?;
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
            Acc::Count(_) | Acc::Distinct(_) | Acc::DistinctOne(..) => {}
        }
        Some(())
    }

    /// The value: sums and counts of no facts are 0; a min, max, mean, first or last of none
    /// is missing.
    fn value(self) -> Option<Decimal> {
        match self {
            Acc::Sum(s) => Some(s),
            Acc::Count(c) => Some(c.normalize()),
            Acc::Distinct(set) => Some(Decimal::from(set.len())),
            Acc::DistinctOne(_, set) => Some(Decimal::from(set.len())),
            Acc::Min(m) | Acc::Max(m) => m,
            Acc::Mean(s, n) => (!n.is_zero()).then(|| s.checked_div(n)).flatten(),
            Acc::First(f) | Acc::Last(f) => f.map(|(_, _, x)| x),
        }
    }
}

/// `x × share`, exactly while the product fits 28 digits (a whole fact: `x` itself).
fn weighed(x: Decimal, share: Decimal) -> Option<Decimal> {
    if share == Decimal::ONE {
        Some(x)
    } else {
        x.checked_mul(share)
    }
}

fn overflow(spec: &FactMeasure, person: &str) -> Problem {
    Problem::new(
        Loc::root().key("measures").index(spec.slot).key("from"),
        kinds::ARITHMETIC_OVERFLOW,
        format!(
            "`{}` is too large to hold exactly (more than 28 digits)",
            spec.id
        ),
    )
    .zh(format!(
        "`{}` 的合计过大，无法精确表示（超过 28 位）",
        spec.id
    ))
    .with_id(person.to_owned())
}
