//! Fact measures per person: each measure's facts chosen by window and filter, credited to
//! their owner and aggregated exactly. Work is proportional to the people asked about: each
//! person's facts are found through the owner index of the facts held (a live store or a
//! batch), so both answer through this one aggregation.

use super::compile::{FactMeasure, Model};
use super::date::Date;
use super::load::{Cell, Fact};
use super::org::Org;
use super::period::{window, Span};
use super::spec::{Aggregate, Credit};
use crate::batch::threads::{self, Threads};
use crate::error::{kinds, Error, Loc, Problem, Problems};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Facts held for aggregation, read through their owner index: a live [`super::Store`] or a
/// [`super::Batch`].
pub(crate) trait Held: Sync {
    /// Every person with a fact in any source, by id.
    fn owners(&self) -> BTreeSet<&str>;

    /// The facts credited to `owner` (`None`: unassigned), by source and row.
    fn facts_of(&self, owner: Option<usize>) -> impl Iterator<Item = (usize, &Fact)>;

    /// The text index of a person's id, when it has been seen.
    fn person(&self, id: &str) -> Option<usize>;

    /// The (date, row) of the earliest qualifying fact of measure `m` (a `count_new`) whose
    /// counted cells are `key`.
    fn first(&self, m: usize, key: &[Cell]) -> Option<(Date, usize)>;

    /// Every fact held, by source and row: what roll-ups, pivots and reports read.
    fn every_fact(&self) -> impl Iterator<Item = (usize, &Fact)>;

    /// The text of a text index (a person's id).
    fn text(&self, i: usize) -> &str;
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

/// The fact measures of `people` (every owner when `None`) over `period` as known on `as_of`;
/// roll-up measures (team, branch, manager credit) through `org`.
pub(crate) fn measure(
    model: &Model,
    store: &impl Held,
    period: Span,
    as_of: Option<Date>,
    people: Option<&[String]>,
    org: Option<&Org>,
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
    // People apart: contiguous groups of them on the threads the policy gives, joined in order.
    let per = Threads::Auto.rows_per_chunk(ids.len());
    let parts = threads::run(ids.chunks(per).collect(), |ids| {
        measure_people(model, store, &spans, ids)
    })?;
    for (measured, found) in parts {
        out.extend(measured);
        problems.extend(found.into_vec());
    }
    if let Some(org) = org {
        roll_up(model, store, org, &spans, &mut out, &mut problems);
    }
    problems.finish(Error::Input, out)
}

/// The owner-credited measures of `ids`, with their overflow problems.
fn measure_people(
    model: &Model,
    store: &impl Held,
    spans: &[Span],
    ids: &[String],
) -> (Measured, Problems) {
    let mut problems = Problems::new();
    let mut out = Measured::new();
    for id in ids {
        let owner = store.person(id);
        let mut accs: Vec<Acc> = model.measures.iter().map(Acc::new).collect();
        for (source, fact) in owner.into_iter().flat_map(|o| store.facts_of(Some(o))) {
            let share = owner.map_or(Decimal::ZERO, |o| fact.share_of(o));
            for (m, (spec, acc)) in model.measures.iter().zip(&mut accs).enumerate() {
                let span = spans.get(m).copied();
                if spec.source != source
                    || spec.credit != Credit::Owner
                    || !fact.qualifies.has(m)
                    || !span.is_some_and(|s| s.contains(fact.date))
                {
                    continue;
                }
                if spec.aggregate == Aggregate::CountNew && !is_first(store, m, spec, fact) {
                    continue;
                }
                if acc.add(spec, fact, share).is_none() {
                    problems.push(overflow(spec, id));
                }
            }
        }
        out.insert(id.clone(), accs.into_iter().map(Acc::value).collect());
    }
    (out, problems)
}

/// The roll-up measures of the people in `out`, in one pass over their sources' facts: each
/// fact credited to every person its holders' org entries on its date lead to, once, at the
/// sum of those holders' shares (a deal split within a team counts once, whole, for the team).
fn roll_up(
    model: &Model,
    store: &impl Held,
    org: &Org,
    spans: &[Span],
    out: &mut Measured,
    problems: &mut Problems,
) {
    let rolled: Vec<usize> = (model.measures.iter().enumerate())
        .filter(|(_, m)| m.credit != Credit::Owner)
        .map(|(i, _)| i)
        .collect();
    if rolled.is_empty() {
        return;
    }
    let asked = Asked::new(out.keys(), org);
    let mut accs: Vec<Vec<Acc>> = (0..asked.people.len())
        .map(|_| {
            (rolled.iter().filter_map(|&m| model.measures.get(m)))
                .map(Acc::new)
                .collect()
        })
        .collect();
    let mut failed: HashSet<(usize, usize)> = HashSet::new();
    for (source, fact) in store.every_fact() {
        for (k, &m) in rolled.iter().enumerate() {
            let Some(spec) = model.measures.get(m) else {
                continue;
            };
            if spec.source != source
                || !fact.qualifies.has(m)
                || !spans.get(m).is_some_and(|s| s.contains(fact.date))
                || (spec.aggregate == Aggregate::CountNew && !is_first(store, m, spec, fact))
            {
                continue;
            }
            for (person, share) in asked.beneficiaries(store, org, spec.credit, fact) {
                let added = accs
                    .get_mut(person)
                    .and_then(|a| a.get_mut(k))
                    .map(|acc| acc.add(spec, fact, share));
                if added == Some(None) && failed.insert((m, person)) {
                    let id = asked.people.get(person).map_or("", String::as_str);
                    problems.push(overflow(spec, id));
                }
            }
        }
    }
    for (person, accs) in asked.people.iter().zip(accs) {
        if let Some(values) = out.get_mut(person) {
            for (&m, acc) in rolled.iter().zip(accs) {
                if let Some(v) = values.get_mut(m) {
                    *v = acc.value();
                }
            }
        }
    }
}

/// The people a roll-up answers for, indexed by their teams and branches (any date).
struct Asked<'o> {
    people: Vec<String>,
    index: HashMap<String, usize>,
    teams: HashMap<&'o str, Vec<usize>>,
    branches: HashMap<&'o str, Vec<usize>>,
}

impl<'o> Asked<'o> {
    fn new<'p>(people: impl Iterator<Item = &'p String>, org: &'o Org) -> Asked<'o> {
        let people: Vec<String> = people.cloned().collect();
        let mut asked = Asked {
            index: HashMap::with_capacity(people.len()),
            teams: HashMap::new(),
            branches: HashMap::new(),
            people: Vec::new(),
        };
        for (i, p) in people.iter().enumerate() {
            asked.index.insert(p.clone(), i);
            for e in org.entries(p) {
                if let Some(t) = e.team.as_deref() {
                    asked.teams.entry(t).or_default().push(i);
                }
                if let Some(b) = e.branch.as_deref() {
                    asked.branches.entry(b).or_default().push(i);
                }
            }
        }
        // Each list on its own: the order the lists are visited in reaches nothing.
        #[allow(clippy::disallowed_methods)]
        let lists = asked.teams.values_mut().chain(asked.branches.values_mut());
        for list in lists {
            list.dedup();
        }
        asked.people = people;
        asked
    }

    /// The people a fact is credited to under `credit`, each once with the sum of the shares
    /// (fractions) of the holders whose org entries on the fact's date lead to them.
    fn beneficiaries(
        &self,
        store: &impl Held,
        org: &Org,
        credit: Credit,
        fact: &Fact,
    ) -> Vec<(usize, Decimal)> {
        let mut out: Vec<(usize, Decimal)> = Vec::new();
        let mut credit_to = |p: usize, share: Decimal| match out.iter_mut().find(|(q, _)| *q == p) {
            Some((_, s)) => *s = s.saturating_add(share),
            None => out.push((p, share)),
        };
        for holder in fact.holders().flatten() {
            let share = fact.share_of(holder);
            let name = store.text(holder);
            let Some(entry) = org.at(name, fact.date) else {
                continue;
            };
            let (group, members) = match credit {
                Credit::Team => (entry.team.as_deref(), &self.teams),
                Credit::Branch => (entry.branch.as_deref(), &self.branches),
                Credit::Manager | Credit::Owner => {
                    let chain = std::iter::once(name).chain(org.managers(name, fact.date));
                    for p in chain.filter_map(|p| self.index.get(p)) {
                        credit_to(*p, share);
                    }
                    continue;
                }
            };
            let Some(group) = group else { continue };
            for &p in members.get(group).into_iter().flatten() {
                let theirs = (self.people.get(p)).and_then(|id| org.at(id, fact.date));
                let same = match credit {
                    Credit::Team => theirs.and_then(|e| e.team.as_deref()),
                    _ => theirs.and_then(|e| e.branch.as_deref()),
                };
                if same == Some(group) {
                    credit_to(p, share);
                }
            }
        }
        out
    }
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

/// The facts dated in `span` credited to someone with no org entry on the fact's date, with
/// that person: never lost from a roll-up without a word.
pub(crate) fn outside_org(
    model: &Model,
    store: &impl Held,
    org: &Org,
    span: Span,
) -> Vec<(Unassigned, String)> {
    let mut out = Vec::new();
    for (s, fact) in store.every_fact().filter(|(_, f)| span.contains(f.date)) {
        for holder in fact.holders().flatten() {
            let name = store.text(holder);
            if org.at(name, fact.date).is_none() {
                let listed = listed(model, std::iter::once((s, fact)));
                out.extend(listed.into_iter().map(|u| (u, name.to_owned())));
            }
        }
    }
    out
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
pub(super) fn is_first(store: &impl Held, m: usize, spec: &FactMeasure, fact: &Fact) -> bool {
    let first = key(spec, fact).and_then(|k| store.first(m, &k));
    first == Some((fact.date, fact.row))
}

/// The cells a `count_distinct` / `count_new` measure counts, `None` when one is empty.
pub(super) fn key(spec: &FactMeasure, fact: &Fact) -> Option<Vec<Cell>> {
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

/// One person's running aggregate. Sums, counts and means weigh each fact by the person's share
/// of its credit (1 unless split); the others take each credited person's facts whole.
pub(super) enum Acc {
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
    pub(super) fn new(spec: &FactMeasure) -> Acc {
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
    pub(super) fn add(&mut self, spec: &FactMeasure, fact: &Fact, share: Decimal) -> Option<()> {
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
    pub(super) fn value(self) -> Option<Decimal> {
        self.peek()
    }

    /// The value so far.
    pub(super) fn peek(&self) -> Option<Decimal> {
        match self {
            Acc::Sum(s) => Some(*s),
            Acc::Count(c) => Some(c.normalize()),
            Acc::Distinct(set) => Some(Decimal::from(set.len())),
            Acc::DistinctOne(_, set) => Some(Decimal::from(set.len())),
            Acc::Min(m) | Acc::Max(m) => *m,
            Acc::Mean(s, n) => (!n.is_zero()).then(|| s.checked_div(*n)).flatten(),
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

pub(super) fn overflow(spec: &FactMeasure, person: &str) -> Problem {
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
