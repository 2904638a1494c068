//! The facts held for aggregation: each source's facts by arrival, indexed by id and by owner,
//! with each fact's filter results decided once and, for `count_new`, the earliest qualifying
//! fact of every value. A batch is a store filled once; a live accumulator adds and retracts,
//! and both answer through the same aggregation, so they cannot disagree.

use super::aggregate::{key, Held};
use super::compile::Model;
use super::date::Date;
use super::load::{Cell, Fact, Passes, Texts};
use super::spec::Aggregate;
use crate::batch::threads::{self, Threads};
use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::exact::Exact;
use crate::formula::EvalError;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// One source's facts.
#[derive(Debug, Clone, Default)]
pub(super) struct Table {
    /// By arrival (the fact's `row`).
    pub facts: BTreeMap<usize, Fact>,
    /// Fact id → row.
    pub ids: HashMap<Arc<str>, usize>,
    /// Owner ([`Texts`] index; `None`: unassigned) → rows.
    pub by_owner: HashMap<Option<usize>, BTreeSet<usize>>,
    /// The row the next fact gets.
    pub next: usize,
}

/// The earliest qualifying facts of each value of a `count_new` measure: value → (date, source
/// row) of every qualifying fact, so the earliest survives a retraction.
type Firsts = HashMap<Vec<Cell>, BTreeSet<(Date, usize)>>;

/// A batch's earliest qualifying fact of each value of a `count_new` measure: value → (date,
/// row); a batch never retracts, so the earliest is all it needs.
type Earliest = HashMap<Vec<Cell>, (Date, usize)>;

/// Facts for a model.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    pub(super) texts: Texts,
    pub(super) tables: Vec<Table>,
    /// By the model's measure index: `Some` for `count_new` measures.
    pub(super) firsts: Vec<Option<Firsts>>,
}

impl Store {
    /// An empty store for `model`.
    pub(crate) fn new(model: &Model) -> Store {
        Store {
            texts: Texts::seeded(&model.literals),
            tables: vec![Table::default(); model.sources.len()],
            firsts: model
                .measures
                .iter()
                .map(|m| (m.aggregate == Aggregate::CountNew).then(HashMap::new))
                .collect(),
        }
    }

    /// Add `facts` (read for source `source`) in order: all of them, or, when one's id is
    /// already held or a filter fails on one, none (every problem at once). `at` locates the
    /// list the facts were read from.
    pub(super) fn add(
        &mut self,
        model: &Model,
        source: usize,
        mut facts: Vec<Fact>,
        at: &Loc,
        numbered: bool,
    ) -> crate::Result<()> {
        let mut problems = Problems::new();
        let Some(table) = self.tables.get(source) else {
            return Ok(());
        };
        let id_column = model
            .sources
            .get(source)
            .and_then(|s| s.columns.get(s.id_col))
            .map_or("id", |c| &*c.id);
        let mut env = Vec::new();
        for (i, fact) in facts.iter_mut().enumerate() {
            if let Some(&row) = table.ids.get(&fact.id) {
                problems.push(
                    Problem::new(
                        at.clone().index(i).key(id_column),
                        kinds::DUPLICATE,
                        format!(
                            "fact id `{}` is already held (row {row}); retract it first to replace it",
                            shown(&fact.id)
                        ),
                    )
                    .zh(format!("事实编号 `{}` 已存在（第 {row} 行）；如需替换请先撤回", shown(&fact.id)))
                    .with_id(fact.id.to_string()),
                );
            }
            decide_one(model, source, i, fact, at, &mut env, &mut problems);
        }
        problems.finish(Error::Input, ())?;
        for mut fact in facts {
            if let Some(table) = self.tables.get_mut(source) {
                if !numbered {
                    fact.row = table.next;
                }
                table.next = table.next.max(fact.row.saturating_add(1));
            }
            self.insert(model, source, fact);
        }
        Ok(())
    }

    fn insert(&mut self, model: &Model, source: usize, fact: Fact) {
        for (m, spec) in model.measures.iter().enumerate() {
            if spec.source != source || !fact.qualifies.has(m) {
                continue;
            }
            if let (Some(Some(firsts)), Some(k)) = (self.firsts.get_mut(m), key(spec, &fact)) {
                firsts.entry(k).or_default().insert((fact.date, fact.row));
            }
        }
        if let Some(table) = self.tables.get_mut(source) {
            table.ids.insert(Arc::clone(&fact.id), fact.row);
            for holder in fact.holders() {
                table.by_owner.entry(holder).or_default().insert(fact.row);
            }
            table.facts.insert(fact.row, fact);
        }
    }

    /// Remove the facts with `ids` from source `source`: all, or, when one is not held, none.
    pub(super) fn retract(
        &mut self,
        model: &Model,
        source: usize,
        ids: &[String],
        at: &Loc,
    ) -> crate::Result<Vec<Option<usize>>> {
        let mut problems = Problems::new();
        let table = self.tables.get(source);
        for (i, id) in ids.iter().enumerate() {
            if !table.is_some_and(|t| t.ids.contains_key(id.as_str())) {
                problems.push(
                    Problem::new(
                        at.clone().index(i),
                        kinds::UNKNOWN_REFERENCE,
                        format!("no fact `{}` is held in this source", shown(id)),
                    )
                    .zh(format!("该数据源中没有事实 `{}`", shown(id)))
                    .with_id(id.clone()),
                );
            }
        }
        problems.finish(Error::Input, ())?;
        let mut owners = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(table) = self.tables.get_mut(source) else {
                break;
            };
            let Some(row) = table.ids.remove(id.as_str()) else {
                continue;
            };
            let Some(fact) = table.facts.remove(&row) else {
                continue;
            };
            for holder in fact.holders() {
                if let Some(rows) = table.by_owner.get_mut(&holder) {
                    rows.remove(&row);
                }
                owners.push(holder);
            }
            for (m, spec) in model.measures.iter().enumerate() {
                if let (Some(Some(firsts)), Some(k)) = (self.firsts.get_mut(m), key(spec, &fact)) {
                    if let Some(set) = firsts.get_mut(&k) {
                        set.remove(&(fact.date, fact.row));
                        if set.is_empty() {
                            firsts.remove(&k);
                        }
                    }
                }
            }
        }
        Ok(owners)
    }

    /// Facts held, over all sources.
    pub(crate) fn len(&self) -> usize {
        self.tables.iter().map(|t| t.facts.len()).sum()
    }
}

impl Held for Store {
    // Collected into a sorted set.
    #[allow(clippy::disallowed_methods)]
    fn owners(&self) -> BTreeSet<&str> {
        self.tables
            .iter()
            .flat_map(|t| t.by_owner.iter())
            .filter(|(_, rows)| !rows.is_empty())
            .filter_map(|(o, _)| o.map(|o| self.texts.get(o)))
            .collect()
    }

    fn facts_of(&self, owner: Option<usize>) -> impl Iterator<Item = (usize, &Fact)> {
        self.tables.iter().enumerate().flat_map(move |(s, t)| {
            t.by_owner
                .get(&owner)
                .into_iter()
                .flatten()
                .filter_map(move |row| t.facts.get(row).map(|f| (s, f)))
        })
    }

    fn person(&self, id: &str) -> Option<usize> {
        self.texts.find(id)
    }

    fn first(&self, m: usize, key: &[Cell]) -> Option<(Date, usize)> {
        self.firsts.get(m)?.as_ref()?.get(key)?.first().copied()
    }

    fn every_fact(&self) -> impl Iterator<Item = (usize, &Fact)> {
        (self.tables.iter().enumerate()).flat_map(|(s, t)| t.facts.values().map(move |f| (s, f)))
    }

    fn text(&self, i: usize) -> &str {
        self.texts.get(i)
    }
}

/// A batch's facts, held only to be aggregated once: each source's facts in row order and one
/// flat owner index, without the per-fact maps a live store keeps for retraction.
#[derive(Debug)]
pub(crate) struct Batch {
    texts: Texts,
    /// By source, the facts in row order.
    tables: Vec<Vec<Fact>>,
    /// Every holder's facts as (source, index in its table), grouped by holder key (0:
    /// unassigned, then each person's text index + 1), each group in source and row order.
    held: Vec<(usize, usize)>,
    /// Holder key `k`'s facts are `held[starts[k]..starts[k + 1]]`.
    starts: Vec<usize>,
    /// By the model's measure index, for `count_new` measures: value → earliest (date, row).
    firsts: Vec<Option<Earliest>>,
}

/// A holder's place in [`Batch::starts`].
fn holder_key(holder: Option<usize>) -> Option<usize> {
    match holder {
        None => Some(0),
        Some(p) => p.checked_add(1),
    }
}

impl Batch {
    /// The batch of `tables` (each source's facts as read, in row order): every fact's filters
    /// decided, or every fact whose filter cannot be evaluated reported (`at` locates the
    /// sources), as a live store's add would.
    pub(super) fn new(
        model: &Model,
        texts: Texts,
        mut tables: Vec<Vec<Fact>>,
        at: &Loc,
    ) -> crate::Result<Batch> {
        let mut problems = Problems::new();
        for (source, facts) in tables.iter_mut().enumerate() {
            let sat = model
                .sources
                .get(source)
                .map_or_else(|| at.clone(), |s| at.clone().key(&*s.id));
            // Each fact's filters alone: contiguous chunks on the threads the policy gives, their
            // problems joined in fact order.
            let per = Threads::Auto.rows_per_chunk(facts.len());
            let jobs: Vec<(usize, &mut [Fact])> = facts
                .chunks_mut(per)
                .enumerate()
                .map(|(c, chunk)| (c.saturating_mul(per), chunk))
                .collect();
            let found = threads::run(jobs, |(start, chunk)| {
                let mut found = Problems::new();
                decide(model, source, start, chunk, &sat, &mut found);
                found
            })?;
            for found in found {
                problems.extend(found.into_vec());
            }
        }
        problems.finish(Error::Input, ())?;
        let mut firsts: Vec<Option<Earliest>> = model
            .measures
            .iter()
            .map(|m| (m.aggregate == Aggregate::CountNew).then(HashMap::new))
            .collect();
        for (m, spec) in model.measures.iter().enumerate() {
            let (Some(Some(firsts)), Some(facts)) = (firsts.get_mut(m), tables.get(spec.source))
            else {
                continue;
            };
            for fact in facts {
                if !fact.qualifies.has(m) {
                    continue;
                }
                if let Some(k) = key(spec, fact) {
                    let at = (fact.date, fact.row);
                    firsts
                        .entry(k)
                        .and_modify(|f| *f = (*f).min(at))
                        .or_insert(at);
                }
            }
        }
        // The owner index, by counting: each holder's number of facts, then each fact placed.
        let keys = texts.len().saturating_add(1);
        let mut starts = vec![0usize; keys.saturating_add(1)];
        let holders = || {
            tables.iter().enumerate().flat_map(|(s, facts)| {
                facts.iter().enumerate().flat_map(move |(i, f)| {
                    f.holders()
                        .filter_map(move |h| holder_key(h).map(|k| (k, s, i)))
                })
            })
        };
        for (k, _, _) in holders() {
            if let Some(n) = k.checked_add(1).and_then(|k| starts.get_mut(k)) {
                *n = n.saturating_add(1);
            }
        }
        let mut total = 0usize;
        for n in &mut starts {
            total = total.saturating_add(*n);
            *n = total;
        }
        let mut next: Vec<usize> = starts.clone();
        let mut held = vec![(0usize, 0usize); total];
        for (k, s, i) in holders() {
            if let Some(pos) = next.get_mut(k) {
                if let Some(slot) = held.get_mut(*pos) {
                    *slot = (s, i);
                }
                *pos = pos.saturating_add(1);
            }
        }
        Ok(Batch {
            texts,
            tables,
            held,
            starts,
            firsts,
        })
    }

    /// The facts of holder key `k`, as (source, index).
    fn group(&self, k: Option<usize>) -> &[(usize, usize)] {
        let range =
            k.and_then(|k| Some((*self.starts.get(k)?, *self.starts.get(k.checked_add(1)?)?)));
        range
            .and_then(|(from, to)| self.held.get(from..to))
            .unwrap_or(&[])
    }
}

impl Held for Batch {
    fn owners(&self) -> BTreeSet<&str> {
        (0..self.texts.len())
            .filter(|&p| !self.group(holder_key(Some(p))).is_empty())
            .map(|p| self.texts.get(p))
            .collect()
    }

    fn facts_of(&self, owner: Option<usize>) -> impl Iterator<Item = (usize, &Fact)> {
        self.group(holder_key(owner))
            .iter()
            .filter_map(|&(s, i)| self.tables.get(s)?.get(i).map(|f| (s, f)))
    }

    fn person(&self, id: &str) -> Option<usize> {
        self.texts.find(id)
    }

    fn first(&self, m: usize, key: &[Cell]) -> Option<(Date, usize)> {
        self.firsts.get(m)?.as_ref()?.get(key).copied()
    }

    fn every_fact(&self) -> impl Iterator<Item = (usize, &Fact)> {
        (self.tables.iter().enumerate()).flat_map(|(s, t)| t.iter().map(move |f| (s, f)))
    }

    fn text(&self, i: usize) -> &str {
        self.texts.get(i)
    }
}

/// Decide the filters of the facts given to source `source`, or report, for each fact, the
/// filter that cannot be evaluated on it (at its index among the facts given).
/// `facts` are the given facts from index `start` on.
fn decide(
    model: &Model,
    source: usize,
    start: usize,
    facts: &mut [Fact],
    at: &Loc,
    problems: &mut Problems,
) {
    let mut env = Vec::new();
    for (i, fact) in facts.iter_mut().enumerate() {
        let i = start.saturating_add(i);
        decide_one(model, source, i, fact, at, &mut env, problems);
    }
}

/// Decide `fact`'s filters (the `i`-th of the facts given), or report the filter that cannot be
/// evaluated on it.
fn decide_one(
    model: &Model,
    source: usize,
    i: usize,
    fact: &mut Fact,
    at: &Loc,
    env: &mut Vec<Option<Exact>>,
    problems: &mut Problems,
) {
    match qualifies(model, source, fact, env) {
        Ok(q) => fact.qualifies = q,
        Err((m, e)) => problems.push(filter_problem(model, m, source, i, fact, e, at)),
    }
}

/// Whether `fact` of source `source` passes each measure's filter; an empty cell a filter needs
/// fails it (as in SQL). `Err` names the measure whose filter cannot be evaluated.
/// `env` is room for the filters' variables, reused from fact to fact.
fn qualifies(
    model: &Model,
    source: usize,
    fact: &Fact,
    env: &mut Vec<Option<Exact>>,
) -> Result<Passes, (usize, EvalError)> {
    // A cell as the filters see it: texts by their number, booleans as 1 and 0.
    let value = |c: &Cell| match *c {
        Cell::Num(n) => Some(n),
        Cell::Text(t) => Some(Decimal::from(t)),
        Cell::Bool(b) => Some(if b { Decimal::ONE } else { Decimal::ZERO }),
        Cell::Date(_) | Cell::Missing => None,
    };
    env.clear();
    let mut passes = Passes::default();
    for (m, spec) in model.measures.iter().enumerate() {
        if spec.source != source {
            continue;
        }
        let passed = match spec.filter.as_ref().map(|f| (f, f.var_compare())) {
            None => true,
            // One comparison of a column: decided on its cell (an empty cell fails it).
            Some((_, Some(c))) => fact
                .cells
                .get(c.var)
                .and_then(value)
                .is_some_and(|x| c.holds(x)),
            Some((f, None)) => {
                if env.is_empty() {
                    env.extend(fact.cells.iter().map(|c| value(c).map(Exact::Dec)));
                }
                match f.holds(env) {
                    Ok(b) => b,
                    Err(EvalError::Missing { .. }) => false,
                    Err(e) => return Err((m, e)),
                }
            }
        };
        if passed {
            passes.set(m);
        }
    }
    Ok(passes)
}

fn filter_problem(
    model: &Model,
    m: usize,
    source: usize,
    index: usize,
    fact: &Fact,
    e: EvalError,
    at: &Loc,
) -> Problem {
    let id = model.measures.get(m).map_or("", |s| &*s.id);
    let (kind, what, zh) = match e {
        EvalError::DivisionByZero => (kinds::DIVISION_BY_ZERO, "divides by zero", "除以零"),
        _ => (kinds::ARITHMETIC_OVERFLOW, "overflows", "数值溢出"),
    };
    let _ = source;
    Problem::new(
        at.clone().index(index),
        kind,
        format!("the filter of measure `{id}` {what} on this fact"),
    )
    .zh(format!("指标数据 `{id}` 的筛选条件在这条事实上{zh}"))
    .with_id(fact.id.to_string())
}
