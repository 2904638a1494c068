//! [`Table`]: the rows of a batch, checked once and resolved to a plan's measures once.
//!
//! Values are held row-major in one `Vec<Option<Decimal>>` (`None` = missing): no allocation per
//! cell or per row, a row is a slice the scorer reads as it is, and a chunk of rows is a
//! contiguous slice that one thread can fill or read.

use super::threads::{self, Threads};
use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::plan::Plan;
use crate::score::Columns;
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

/// The rows of a batch: record ids, measure columns resolved to a plan's slots, and a value
/// (or nothing) per cell. Built with [`Table::from_rows`], [`Table::from_columns`] or, for hosts
/// that fill cells in place, [`Table::builder`]; scored with [`Plan::summarize`].
///
/// A table is checked when it is built, every problem at once: unknown or repeated measure
/// columns (`["columns", k]`), a shape that does not fit the ids (`["values"]`,
/// `["columns", k]`), empty and repeated ids (`["records", i, "id"]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    ids: Vec<String>,
    names: Vec<String>,
    columns: Columns,
    /// The id of the measure each column was resolved to, to notice a table scored with a
    /// plan other than the one it was built for.
    resolved: Vec<Arc<str>>,
    values: Vec<Option<Decimal>>,
}

impl Table {
    /// A table from row-major values: row `i` is `values[i * names.len()..][..names.len()]`.
    /// `names` are measure ids or aliases of `plan`.
    pub fn from_rows<S: AsRef<str>>(
        plan: &Plan,
        ids: Vec<String>,
        names: &[S],
        values: Vec<Option<Decimal>>,
    ) -> crate::Result<Table> {
        let mut shape = Problems::new();
        let cells = ids.len().saturating_mul(names.len());
        if values.len() != cells {
            shape.report(
                Loc::root().key("values"),
                kinds::RAGGED_TABLE,
                format!(
                    "{} values for {} rows of {} columns",
                    values.len(),
                    ids.len(),
                    names.len()
                ),
            );
        }
        TableBuilder::checked(plan, ids, names, shape, Some(values))?.finish()
    }

    /// A table from column-major values: `columns[k][i]` is the value of `names[k]` in row `i`.
    pub fn from_columns<S: AsRef<str>>(
        plan: &Plan,
        ids: Vec<String>,
        names: &[S],
        columns: &[Vec<Option<Decimal>>],
    ) -> crate::Result<Table> {
        let mut shape = Problems::new();
        if columns.len() != names.len() {
            shape.report(
                Loc::root().key("columns"),
                kinds::RAGGED_TABLE,
                format!(
                    "{} columns of values for {} names",
                    columns.len(),
                    names.len()
                ),
            );
        }
        for (k, column) in columns.iter().enumerate() {
            if column.len() != ids.len() {
                shape.report(
                    Loc::root().key("columns").index(k),
                    kinds::RAGGED_TABLE,
                    format!("{} values, but there are {} ids", column.len(), ids.len()),
                );
            }
        }
        let mut builder = TableBuilder::checked(plan, ids, names, shape, None)?;
        let width = builder.table.width();
        for (k, column) in columns.iter().enumerate() {
            for (row, value) in builder.table.values.chunks_exact_mut(width).zip(column) {
                if let Some(cell) = row.get_mut(k) {
                    *cell = *value;
                }
            }
        }
        builder.finish()
    }

    /// A table whose cells the caller fills in place (every cell starts missing), e.g. from
    /// columns it converts on the engine's threads ([`TableBuilder::fill`]) or from sparse
    /// `(row, column, value)` entries ([`TableBuilder::set`]). Unknown or repeated columns fail
    /// here (with the ids' problems, all at once); the ids' problems alone are reported by
    /// [`TableBuilder::finish`], so a host can report them with the problems of its cells.
    pub fn builder<S: AsRef<str>>(
        plan: &Plan,
        ids: Vec<String>,
        names: &[S],
    ) -> crate::Result<TableBuilder> {
        TableBuilder::checked(plan, ids, names, Problems::new(), None)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Number of measure columns.
    pub fn width(&self) -> usize {
        self.names.len()
    }

    /// The record ids, in row order.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The measure column names, as given.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Row `i`'s values, in column order (`None` = missing).
    pub fn row(&self, i: usize) -> Option<&[Option<Decimal>]> {
        let width = self.width();
        let start = i.checked_mul(width)?;
        self.values.get(start..start.checked_add(width)?)
    }

    /// The rows `range`, as (ids, row-major values).
    pub(crate) fn rows(&self, range: Range<usize>) -> (&[String], &[Option<Decimal>]) {
        let width = self.width();
        let ids = self.ids.get(range.clone()).unwrap_or_default();
        let values = self
            .values
            .get(range.start.saturating_mul(width)..range.end.saturating_mul(width))
            .unwrap_or_default();
        (ids, values)
    }

    /// The columns resolved to `plan`'s slots: as resolved at build time when `plan` has the
    /// same measures in the same slots, else resolved again (a table may be scored with a plan
    /// compiled separately from the same document, or with another plan).
    pub(crate) fn columns_for(&self, plan: &Plan) -> crate::Result<Columns> {
        let measures = plan.measures();
        let same = self
            .columns
            .slots()
            .iter()
            .zip(&self.resolved)
            .all(|(&slot, id)| measures.get(slot).is_some_and(|m| m.id == *id));
        if same {
            Ok(self.columns.clone())
        } else {
            plan.columns(&self.names)
        }
    }
}

/// A [`Table`] being filled in place; see [`Table::builder`].
#[derive(Debug)]
pub struct TableBuilder {
    table: Table,
    /// The ids' problems, reported by `finish`.
    id_problems: Problems,
}

/// One chunk of a [`TableBuilder`]'s rows, to fill on its own thread.
#[derive(Debug)]
pub struct ChunkMut<'a> {
    /// The index of the chunk's first row in the table.
    pub start: usize,
    /// The chunk's ids.
    pub ids: &'a [String],
    /// The chunk's values, row-major (`ids.len()` rows of the table's width), all missing at first.
    pub values: &'a mut [Option<Decimal>],
}

impl TableBuilder {
    /// Columns resolved and ids checked; `shape`: problems the caller found in the values
    /// (which are all missing when not given). Every problem is reported when the table has no
    /// shape; otherwise the ids' problems wait for `finish`.
    fn checked<S: AsRef<str>>(
        plan: &Plan,
        ids: Vec<String>,
        names: &[S],
        shape: Problems,
        values: Option<Vec<Option<Decimal>>>,
    ) -> crate::Result<TableBuilder> {
        let mut problems = Problems::new();
        let columns = plan.columns(names).map_err(|e| problems.absorb(&e)).ok();
        problems.extend(shape.into_vec());
        let id_problems = check_ids(&ids);
        let Some(columns) = columns.filter(|_| problems.is_empty()) else {
            problems.extend(id_problems.into_vec());
            return Err(Error::Input(problems.into_vec()));
        };
        let resolved = columns
            .slots()
            .iter()
            .filter_map(|&slot| plan.measures().get(slot).map(|m| m.id.clone()))
            .collect();
        let values = values.unwrap_or_else(|| vec![None; ids.len().saturating_mul(names.len())]);
        Ok(TableBuilder {
            table: Table {
                ids,
                names: names.iter().map(|n| n.as_ref().to_string()).collect(),
                columns,
                resolved,
                values,
            },
            id_problems,
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The record ids, in row order.
    pub fn ids(&self) -> &[String] {
        &self.table.ids
    }

    /// Set one cell; `false` (and nothing set) when `row` or `column` is out of range.
    pub fn set(&mut self, row: usize, column: usize, value: Option<Decimal>) -> bool {
        let width = self.table.width();
        let at = row.checked_mul(width).and_then(|r| r.checked_add(column));
        match at
            .filter(|_| column < width)
            .and_then(|at| self.table.values.get_mut(at))
        {
            Some(cell) => {
                *cell = value;
                true
            }
            None => false,
        }
    }

    /// All values, row-major, to fill in place.
    pub fn values_mut(&mut self) -> &mut [Option<Decimal>] {
        &mut self.table.values
    }

    /// Fill the cells chunk by chunk on the batch engine's threads (the chunks of
    /// [`Threads::chunks`]), `fill` returning whatever each chunk found (e.g. its bad cells);
    /// the results come back in row order.
    pub fn fill<T, F>(&mut self, threads: Threads, fill: F) -> crate::Result<Vec<T>>
    where
        T: Send,
        F: Fn(ChunkMut<'_>) -> T + Sync,
    {
        let width = self.table.width();
        let rows = self.table.len();
        let per = threads.rows_per_chunk(rows);
        let chunks: Vec<ChunkMut<'_>> = self
            .table
            .ids
            .chunks(per)
            .zip(
                self.table
                    .values
                    .chunks_mut(per.saturating_mul(width).max(1))
                    .chain(
                        // A table without columns still has rows to visit.
                        std::iter::repeat_with(|| &mut [][..]),
                    ),
            )
            .enumerate()
            .map(|(c, (ids, values))| ChunkMut {
                start: c.saturating_mul(per),
                ids,
                values,
            })
            .collect();
        threads::run(chunks, fill)
    }

    /// The table, or the ids' problems (empty ids, repeated ids) in row order.
    pub fn finish(self) -> crate::Result<Table> {
        self.id_problems.finish(Error::Input, self.table)
    }
}

/// Unknown columns, and two columns for the same measure (by id and alias), in column order.
pub(crate) fn resolve<S: AsRef<str>>(plan: &Plan, names: &[S]) -> Problems {
    let mut problems = Problems::new();
    let mut first_of_slot: Vec<Option<usize>> = vec![None; plan.measures().len()];
    for (k, name) in names.iter().enumerate() {
        let name = name.as_ref();
        let at = Loc::root().key("columns").index(k);
        let Some(slot) = plan.measure_slot(name) else {
            problems.report(
                at,
                kinds::UNKNOWN_COLUMN,
                format!("the plan has no measure `{}`", shown(name)),
            );
            continue;
        };
        match first_of_slot.get_mut(slot) {
            Some(Some(first)) => problems.report(
                at,
                kinds::DUPLICATE_COLUMN,
                format!(
                    "column `{}` is the same measure as columns[{first}] (by id and alias)",
                    shown(name)
                ),
            ),
            Some(cell) => *cell = Some(k),
            None => {}
        }
    }
    problems
}

/// Empty ids, and every repeat of an id, in row order (as for records).
fn check_ids(ids: &[String]) -> Problems {
    let mut seen = HashSet::with_capacity(ids.len());
    let mut problems = Problems::new();
    for (i, id) in ids.iter().enumerate() {
        let at = || Loc::root().key("records").index(i).key("id");
        if id.trim().is_empty() {
            problems.push(Problem::new(at(), kinds::EMPTY_ID, "record id is empty"));
        } else if !seen.insert(id.as_str()) {
            problems.push(Problem::new(
                at(),
                kinds::DUPLICATE_ID,
                format!("duplicate record id `{}`", shown(id)),
            ));
        }
    }
    problems
}
