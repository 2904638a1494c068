//! [`Table`]: the rows of a batch, checked once and resolved to a plan's measures once.
//!
//! Values are held row-major (`Option<Decimal>`, `None` = missing) in a few large blocks of
//! rows: no allocation per cell or per row, and a row is a slice the scorer reads as it is.
//! Values given whole stay one block; values filled on the engine's threads
//! ([`TableBuilder::fill`]) get one block per chunk, allocated (its pages touched) on the chunk's
//! own thread rather than all on the caller's.

use super::distinct::RowIndex;
use super::threads::{self, Threads};
use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::plan::Plan;
use crate::record::Record;
use crate::score::Columns;
use rust_decimal::Decimal;
use std::sync::Arc;

/// The rows of a batch: record ids, measure columns resolved to a plan's slots, and a value
/// (or nothing) per cell. Built with [`Table::from_rows`], [`Table::from_columns`] or, for hosts
/// that fill cells in place, [`Table::builder`]; scored with [`Plan::summarize`].
///
/// A table is checked when it is built, every problem at once: unknown or repeated measure
/// columns (`["columns", k]`), a shape that does not fit the ids (`["values"]`,
/// `["columns", k]`), empty and repeated ids (`["records", i, "id"]`).
#[derive(Debug, Clone)]
pub struct Table {
    ids: Vec<String>,
    names: Vec<String>,
    columns: Columns,
    /// The id of the measure each column was resolved to, to notice a table scored with a
    /// plan other than the one it was built for.
    resolved: Vec<Arc<str>>,
    cells: Cells,
}

/// Equal ids, columns and values, however the values are split into blocks.
impl PartialEq for Table {
    fn eq(&self, other: &Table) -> bool {
        self.ids == other.ids
            && self.names == other.names
            && self.columns == other.columns
            && self.resolved == other.resolved
            && (0..self.len()).all(|i| self.row(i) == other.row(i))
    }
}

/// A table's values: row-major, in blocks of `per` rows (the last may be shorter).
#[derive(Debug, Clone)]
struct Cells {
    per: usize,
    blocks: Vec<Vec<Option<Decimal>>>,
}

impl Cells {
    /// `rows` rows in one block.
    fn whole(values: Vec<Option<Decimal>>, rows: usize) -> Cells {
        Cells {
            per: rows.max(1),
            blocks: vec![values],
        }
    }

    /// Where row `i` starts: its block, and its first value's index in that block.
    fn at(&self, i: usize, width: usize) -> Option<(usize, usize)> {
        // One block (a table built whole): no division.
        if self.blocks.len() == 1 {
            return Some((0, i.checked_mul(width)?));
        }
        let block = i.checked_div(self.per)?;
        let start = i.checked_rem(self.per)?.checked_mul(width)?;
        Some((block, start))
    }

    fn row(&self, i: usize, width: usize) -> Option<&[Option<Decimal>]> {
        let (block, start) = self.at(i, width)?;
        self.blocks
            .get(block)?
            .get(start..start.checked_add(width)?)
    }

    fn row_mut(&mut self, i: usize, width: usize) -> Option<&mut [Option<Decimal>]> {
        let (block, start) = self.at(i, width)?;
        self.blocks
            .get_mut(block)?
            .get_mut(start..start.checked_add(width)?)
    }

    /// The values as one row-major `Vec`.
    fn into_whole(mut self) -> Vec<Option<Decimal>> {
        if self.blocks.len() == 1 {
            return self.blocks.pop().unwrap_or_default();
        }
        self.blocks.concat()
    }
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
            shape.push(
                Problem::new(
                    Loc::root().key("values"),
                    kinds::LENGTH_MISMATCH,
                    format!(
                        "{} values for {} rows of {} columns",
                        values.len(),
                        ids.len(),
                        names.len()
                    ),
                )
                .zh(format!(
                    "{} 个值，但表有 {} 行 {} 列",
                    values.len(),
                    ids.len(),
                    names.len()
                )),
            );
        }
        let mut builder = TableBuilder::checked(plan, ids, names, shape)?;
        builder.cells = Some(Cells::whole(values, builder.len()));
        builder.finish()
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
            shape.push(
                Problem::new(
                    Loc::root().key("columns"),
                    kinds::LENGTH_MISMATCH,
                    format!(
                        "{} columns of values for {} names",
                        columns.len(),
                        names.len()
                    ),
                )
                .zh(format!(
                    "{} 列值，但有 {} 个列名",
                    columns.len(),
                    names.len()
                )),
            );
        }
        for (k, column) in columns.iter().enumerate() {
            if column.len() != ids.len() {
                shape.push(
                    Problem::new(
                        Loc::root().key("columns").index(k),
                        kinds::LENGTH_MISMATCH,
                        format!("{} values, but there are {} ids", column.len(), ids.len()),
                    )
                    .zh(format!(
                        "{} 个值，但有 {} 个 id",
                        column.len(),
                        ids.len()
                    )),
                );
            }
        }
        let mut builder = TableBuilder::checked(plan, ids, names, shape)?;
        for (k, column) in columns.iter().enumerate() {
            for (i, value) in column.iter().enumerate() {
                builder.set(i, k, *value);
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
        TableBuilder::checked(plan, ids, names, Problems::new())
    }

    /// A table of records already read (by [`Plan::records_from_json`] or
    /// [`Plan::read_records`]): one column per measure of the plan, in plan order.
    pub fn from_records(plan: &Plan, records: &[Record]) -> crate::Result<Table> {
        let names: Vec<&str> = plan.measures().iter().map(|m| &*m.id).collect();
        let ids = records.iter().map(|r| r.id.clone()).collect();
        let mut builder = Table::builder(plan, ids, &names)?;
        for (row, record) in records.iter().enumerate() {
            for (name, value) in &record.measures {
                // A record read by the plan holds only its measures (by id or alias).
                if let Some(slot) = plan.measure_slot(name) {
                    builder.set(row, slot, Some(*value));
                }
            }
        }
        builder.finish()
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
        self.cells.row(i, self.width())
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
    ids: Vec<String>,
    names: Vec<String>,
    columns: Columns,
    resolved: Vec<Arc<str>>,
    /// Allocated by the first `set` or `fill`.
    cells: Option<Cells>,
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
    /// Columns resolved and ids checked; `shape`: problems the caller found in the values.
    /// Every problem is reported when the table has no shape; otherwise the ids' problems wait
    /// for `finish`.
    fn checked<S: AsRef<str>>(
        plan: &Plan,
        ids: Vec<String>,
        names: &[S],
        shape: Problems,
    ) -> crate::Result<TableBuilder> {
        let mut problems = Problems::new();
        let columns = plan.columns(names).map_err(|e| problems.absorb(&e)).ok();
        problems.extend(shape.into_vec());
        // A table's rows are read one at a time already: its ids on the caller's thread too.
        let id_problems = check_ids(&ids, Threads::Exactly(std::num::NonZeroUsize::MIN));
        let Some(columns) = columns.filter(|_| problems.is_empty()) else {
            problems.extend(id_problems.into_vec());
            return Err(Error::Input(problems.into_vec()));
        };
        let resolved = columns
            .slots()
            .iter()
            .filter_map(|&slot| plan.measures().get(slot).map(|m| m.id.clone()))
            .collect();
        Ok(TableBuilder {
            ids,
            names: names.iter().map(|n| n.as_ref().to_string()).collect(),
            columns,
            resolved,
            cells: None,
            id_problems,
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The record ids, in row order.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Every cell missing, in one block.
    fn empty_cells(&self) -> Cells {
        let width = self.names.len();
        Cells::whole(vec![None; self.len().saturating_mul(width)], self.len())
    }

    /// Set one cell; `false` (and nothing set) when `row` or `column` is out of range.
    pub fn set(&mut self, row: usize, column: usize, value: Option<Decimal>) -> bool {
        let width = self.names.len();
        if self.cells.is_none() {
            self.cells = Some(self.empty_cells());
        }
        let cell = self
            .cells
            .as_mut()
            .and_then(|c| c.row_mut(row, width))
            .and_then(|r| r.get_mut(column));
        match cell {
            Some(cell) => {
                *cell = value;
                true
            }
            None => false,
        }
    }

    /// Fill the cells chunk by chunk on the batch engine's threads (the chunks of
    /// [`Threads::chunks`]), `fill` returning whatever each chunk found (e.g. its bad cells);
    /// the results come back in row order. On a builder not yet filled, each chunk's values
    /// are allocated on the chunk's thread.
    pub fn fill<T, F>(&mut self, threads: Threads, fill: F) -> crate::Result<Vec<T>>
    where
        T: Send,
        F: Fn(ChunkMut<'_>) -> T + Sync,
    {
        let width = self.names.len();
        let rows = self.len();
        let per = threads.rows_per_chunk(rows);
        let ids = &self.ids;
        let Some(cells) = self.cells.take() else {
            let done = threads::run(threads.chunks(rows).collect(), |range| {
                let mut block = vec![None; range.len().saturating_mul(width)];
                let found = fill(ChunkMut {
                    start: range.start,
                    ids: ids.get(range).unwrap_or_default(),
                    values: &mut block,
                });
                (block, found)
            })?;
            let (blocks, found) = done.into_iter().unzip();
            self.cells = Some(Cells { per, blocks });
            return Ok(found);
        };
        // Already (partly) set: fill the values in place, as one block.
        let mut whole = cells.into_whole();
        let chunks: Vec<ChunkMut<'_>> = ids
            .chunks(per)
            .zip(
                whole
                    .chunks_mut(per.saturating_mul(width).max(1))
                    // A table without columns still has rows to visit.
                    .chain(std::iter::repeat_with(|| &mut [][..])),
            )
            .enumerate()
            .map(|(c, (ids, values))| ChunkMut {
                start: c.saturating_mul(per),
                ids,
                values,
            })
            .collect();
        let found = threads::run(chunks, fill);
        self.cells = Some(Cells::whole(whole, rows));
        found
    }

    /// The table, or the ids' problems (empty ids, repeated ids) in row order.
    pub fn finish(mut self) -> crate::Result<Table> {
        let cells = match self.cells.take() {
            Some(c) => c,
            None => self.empty_cells(),
        };
        let table = Table {
            ids: self.ids,
            names: self.names,
            columns: self.columns,
            resolved: self.resolved,
            cells,
        };
        self.id_problems.finish(Error::Input, table)
    }
}

/// Empty ids, and every repeat of an id, in row order (as for records).
///
/// The set of ids seen holds row numbers, not strings (a third of the memory, so a large batch's
/// set stays in cache; `batch/distinct.rs`: ids made to collide cannot slow a batch).
pub(crate) fn check_ids<S: AsRef<str> + Sync>(ids: &[S], threads: Threads) -> Problems {
    let filled = |j: usize| ids.get(j).map(S::as_ref).filter(|id| !is_blank_id(id));
    let repeats = RowIndex::default().insert_all(0..ids.len(), filled, threads);
    let mut repeats = repeats.iter().peekable();
    let mut problems = Problems::new();
    for (i, id) in ids.iter().enumerate() {
        let id = id.as_ref();
        let at = || Loc::root().key("records").index(i).key("id");
        if is_blank_id(id) {
            problems
                .push(Problem::new(at(), kinds::EMPTY, "record id is empty").zh("记录 id 为空"));
        } else if repeats.next_if_eq(&&i).is_some() {
            problems.push(
                Problem::new(
                    at(),
                    kinds::DUPLICATE,
                    format!("duplicate record id `{}`", shown(id)),
                )
                .zh(format!("记录 id `{}` 重复", shown(id))),
            );
        }
    }
    problems
}

/// Whether `id` is empty or only spaces, which no record's id may be.
pub(crate) fn is_blank_id(id: &str) -> bool {
    // Most ids start with a visible ASCII character: no need to trim them.
    match id.as_bytes().first() {
        Some(b) if b.is_ascii_graphic() => false,
        _ => id.trim().is_empty(),
    }
}
