//! The facts held for aggregation: each source's facts by arrival, indexed by id and by owner,
//! with each fact's filter results decided once and, for `count_new`, the earliest qualifying
//! fact of every value. A batch is a store filled once; a live accumulator adds and retracts,
//! and both answer through the same aggregation, so they cannot disagree.

use super::compile::{FactMeasure, Model};
use super::date::Date;
use super::load::{Cell, Fact, Texts};
use super::spec::Aggregate;
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
            match qualifies(model, source, fact) {
                Ok(q) => fact.qualifies = q,
                Err((m, e)) => problems.push(filter_problem(model, m, source, i, fact, e, at)),
            }
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
            if spec.source != source || !fact.qualifies.get(m).copied().unwrap_or(false) {
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

    /// Every person with a fact in any source, by id.
    pub(crate) fn owners(&self) -> BTreeSet<&str> {
        self.tables
            .iter()
            .flat_map(|t| t.by_owner.iter())
            .filter(|(_, rows)| !rows.is_empty())
            .filter_map(|(o, _)| o.map(|o| self.texts.get(o)))
            .collect()
    }

    /// The facts credited to `owner` (`None`: unassigned), by source and row.
    pub(super) fn facts_of(&self, owner: Option<usize>) -> impl Iterator<Item = (usize, &Fact)> {
        self.tables.iter().enumerate().flat_map(move |(s, t)| {
            t.by_owner
                .get(&owner)
                .into_iter()
                .flatten()
                .filter_map(move |row| t.facts.get(row).map(|f| (s, f)))
        })
    }

    /// The text index of a person's id, when the store has seen it.
    pub(super) fn person(&self, id: &str) -> Option<usize> {
        self.texts.find(id)
    }

    /// Facts held, over all sources.
    pub(crate) fn len(&self) -> usize {
        self.tables.iter().map(|t| t.facts.len()).sum()
    }
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

/// Whether `fact` of source `source` passes each measure's filter; an empty cell a filter needs
/// fails it (as in SQL). `Err` names the measure whose filter cannot be evaluated.
fn qualifies(model: &Model, source: usize, fact: &Fact) -> Result<Vec<bool>, (usize, EvalError)> {
    let env: Vec<Option<Exact>> = fact
        .cells
        .iter()
        .map(|c| match *c {
            Cell::Num(n) => Some(Exact::Dec(n)),
            Cell::Text(t) => Some(Exact::Dec(Decimal::from(t))),
            Cell::Bool(b) => Some(Exact::Dec(if b { Decimal::ONE } else { Decimal::ZERO })),
            Cell::Date(_) | Cell::Missing => None,
        })
        .collect();
    model
        .measures
        .iter()
        .enumerate()
        .map(|(m, spec)| {
            if spec.source != source {
                return Ok(false);
            }
            match &spec.filter {
                None => Ok(true),
                Some(f) => match f.holds(&env) {
                    Ok(b) => Ok(b),
                    Err(EvalError::Missing { .. }) => Ok(false),
                    Err(e) => Err((m, e)),
                },
            }
        })
        .collect()
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
