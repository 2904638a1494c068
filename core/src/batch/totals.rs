//! [`Plan::totals`]: columns in, each row's rounded total, grade and veto out — the fast exact
//! path for hosts that hold columns of numbers (a DataFrame, typed arrays).
//!
//! Each row is first scored by the kernel in certified `f64` (`super::kernel`); a row it cannot
//! settle (a value near a rounding boundary, a band edge or a threshold; a missing value; anything
//! the engine would report as a problem) is scored by the exact engine. Either way the answer is
//! the exact value of the plan's arithmetic rounded once, and the batch is all or nothing: every
//! problem of every row, in row order, as [`Plan::summarize`] reports them.

use super::column::Column;
use super::kernel::{grade_index, Decided, Kernel, Lane, Workspace, LANES, SPAN_ROWS};
use super::table::Table;
use super::threads::{self, Threads};
use crate::certified::Approx;
use crate::error::{kinds, Error, Loc, Problem, Problems};
use crate::number::rule_error;
use crate::pay::{PayColumns, PayPlan};
use crate::plan::Plan;
use crate::score::{Columns, ScoreOptions, Scorer};
use rust_decimal::Decimal;
use std::ops::Range;

/// Each row's rounded total, grade and veto, as columns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Totals {
    /// Decimal places of the totals (the plan's rounding scale).
    pub scale: u32,
    /// Each total in units of `10^-scale` (7248 at scale 2 is 72.48).
    pub units: Vec<i64>,
    /// Each grade, as an index into [`Plan::grade_names`].
    pub grade: Vec<u32>,
    /// The grade the total alone earned, when a veto capped it (else `None`).
    pub grade_before_veto: Vec<Option<u32>>,
    /// Whether any veto hit.
    pub vetoed: Vec<bool>,
    /// How many rows the kernel's first stage (certified floats) settled; for benchmarks and
    /// tests, never part of a result's meaning.
    pub settled: usize,
    /// How many rows its exact stages (exact spans, then exact fractions) settled; the rest were
    /// scored by the exact engine.
    pub settled_exact: usize,
    /// Each row's pay statement total, when a pay plan was given (else empty).
    pub pay: Vec<Decimal>,
}

impl Totals {
    /// Row `i`'s total as a decimal with the plan's scale.
    pub fn total(&self, i: usize) -> Option<Decimal> {
        let units = *self.units.get(i)?;
        Decimal::try_new(units, self.scale).ok()
    }
}

/// Where a batch's values come from.
enum Source<'a> {
    /// Host columns, one per measure, and the pay plan to price their rows with.
    Columns(&'a [Column<'a>], Option<&'a (&'a PayPlan, PayColumns)>),
    /// A table of decimals, and the pay plan to price its rows with.
    Table(&'a Table, Option<&'a (&'a PayPlan, PayColumns)>),
}

/// Where a batch's ids are checked to be non-empty and distinct.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdCheck {
    /// By [`Plan::totals_paid`] itself.
    Here,
    /// By the caller, already.
    Done,
}

impl Plan {
    /// Score host columns (one [`Column`] per measure, in the order of `names`, measure ids or
    /// aliases: `f64`, integers with a scale, Arrow text or decimals, each with an optional
    /// validity bitmap) to each row's total, grade and veto, on `threads`. Ids must be non-empty
    /// and distinct. All or nothing: every problem of every row, in row order.
    pub fn totals<S: AsRef<str> + Sync>(
        &self,
        ids: &[S],
        names: &[S],
        columns: &[Column<'_>],
        threads: Threads,
    ) -> crate::Result<Totals> {
        self.totals_paid(ids, names, columns, None, threads, IdCheck::Here)
    }

    /// [`Plan::totals`], and each row's pay when `pay` is given (pay formulas read the row's
    /// measures as decimals, so a bad cell only pay reads is a pay problem here). `ids` says
    /// whether the ids are checked here or were checked by the caller.
    pub(crate) fn totals_paid<S: AsRef<str> + Sync>(
        &self,
        ids: &[S],
        names: &[S],
        columns: &[Column<'_>],
        pay: Option<&PayPlan>,
        threads: Threads,
        check: IdCheck,
    ) -> crate::Result<Totals> {
        if let Some(pay) = pay {
            pay.check_plan(self)?;
        }
        let columns_for = self.columns(names)?;
        if let Some(p) = shape_problem(ids.len(), names.len(), columns) {
            return Err(Error::Input(vec![p]));
        }
        if let IdCheck::Here = check {
            // Empty and repeated ids, as a table refuses them.
            super::table::check_ids(ids, threads).finish(Error::Input, ())?;
        }
        let pay = pay.map(|p| (p, p.resolve_columns(names)));
        let source = Source::Columns(columns, pay.as_ref());
        self.totals_from(ids, &columns_for, source, threads)
    }

    /// [`Plan::totals`] of a [`Table`] of decimals, and each row's pay when `pay` is given: the
    /// numbers of [`Plan::summarize`] at period end (total, grade, veto, pay), at the kernel's
    /// speed. All or nothing: every scoring problem of every row, in row order; when there are
    /// none, every pay problem.
    pub fn totals_of(
        &self,
        table: &Table,
        pay: Option<&PayPlan>,
        threads: Threads,
    ) -> crate::Result<Totals> {
        if let Some(pay) = pay {
            pay.check_plan(self)?;
        }
        let columns = table.columns_for(self)?;
        let pay = pay.map(|p| (p, p.resolve_columns(table.names())));
        self.totals_from(
            table.ids(),
            &columns,
            Source::Table(table, pay.as_ref()),
            threads,
        )
    }

    fn totals_from<S: AsRef<str> + Sync>(
        &self,
        ids: &[S],
        columns: &Columns,
        source: Source<'_>,
        threads: Threads,
    ) -> crate::Result<Totals> {
        let kernel = self.kernel.get(self);
        let job = Job {
            plan: self,
            kernel,
            columns,
            source: &source,
            ids,
        };
        let chunks = threads::run(threads.chunks(ids.len()).collect(), |rows| job.chunk(rows))?;
        let mut problems = Problems::new();
        let mut pay_problems = Problems::new();
        let mut out = Totals {
            scale: self.scale,
            units: Vec::with_capacity(ids.len()),
            grade: Vec::with_capacity(ids.len()),
            grade_before_veto: Vec::with_capacity(ids.len()),
            vetoed: Vec::with_capacity(ids.len()),
            settled: 0,
            settled_exact: 0,
            pay: Vec::new(),
        };
        for c in chunks {
            problems.extend(c.problems.into_vec());
            pay_problems.extend(c.pay_problems.into_vec());
            out.pay.extend(c.pay);
            out.settled = out.settled.saturating_add(c.settled);
            out.settled_exact = out.settled_exact.saturating_add(c.settled_exact);
            for d in c.rows {
                out.units.push(d.units);
                out.grade.push(d.grade);
                out.grade_before_veto.push(d.grade_before_veto);
                out.vetoed.push(d.vetoed);
            }
        }
        problems.finish(Error::Input, ())?;
        pay_problems.finish(Error::Input, out)
    }
}

/// Columns that do not match the names or the ids in length, or whose own shape is wrong.
fn shape_problem(rows: usize, names: usize, columns: &[Column<'_>]) -> Option<Problem> {
    if columns.len() != names {
        let n = columns.len();
        return Some(
            Problem::new(
                Loc::root().key("columns"),
                kinds::LENGTH_MISMATCH,
                format!("{n} columns of values for {names} column names"),
            )
            .zh(format!("共有 {names} 个列名，但给出了 {n} 列数值")),
        );
    }
    let at = |k: usize| Loc::root().key("columns").index(k);
    if let Some(p) = columns
        .iter()
        .enumerate()
        .find_map(|(k, c)| c.shape_problem(at(k)))
    {
        return Some(p);
    }
    let (k, c) = columns.iter().enumerate().find(|(_, c)| c.len() != rows)?;
    let n = c.len();
    Some(
        Problem::new(
            Loc::root().key("columns").index(k),
            kinds::LENGTH_MISMATCH,
            format!("the column has {n} values for {rows} ids"),
        )
        .zh(format!("该列有 {n} 个值，但共有 {rows} 个 id")),
    )
}

/// Rows scored together by the lanes and then the exact stages: their cells (8 bytes × 1,024
/// rows per measure) stay in a core's cache between the two.
const BLOCK_ROWS: usize = 16 * LANES;

/// The exact stages' buffers, kept from block to block.
#[derive(Default)]
struct ExactScratch {
    /// The block's rows the lanes left open.
    open: Vec<usize>,
    /// A group's inputs, row after row.
    inputs: Vec<Option<Decimal>>,
    /// A group's answers.
    answers: Vec<Option<Decided>>,
}

struct Job<'a, S> {
    plan: &'a Plan,
    kernel: Option<&'a Kernel>,
    columns: &'a Columns,
    source: &'a Source<'a>,
    ids: &'a [S],
}

struct Chunk {
    rows: Vec<Decided>,
    problems: Problems,
    settled: usize,
    settled_exact: usize,
    pay: Vec<Decimal>,
    pay_problems: Problems,
}

impl<S: AsRef<str>> Job<'_, S> {
    fn chunk(&self, range: Range<usize>) -> Chunk {
        let mut out = Chunk {
            rows: Vec::with_capacity(range.len()),
            problems: Problems::new(),
            settled: 0,
            settled_exact: 0,
            pay: Vec::new(),
            pay_problems: Problems::new(),
        };
        let plan = self.plan;
        let measures = plan.measures().len();
        // The kernel, a lane of rows at a time; `None` where it leaves the row to the engine.
        let mut kernel_rows: Vec<Option<Decided>> = Vec::with_capacity(range.len());
        // Rows holding a cell the engine's reader refuses: the engine reports them.
        let mut engine_only: Vec<usize> = Vec::new();
        let mut ws = self.kernel.map(Kernel::workspace);
        let mut scratch = ExactScratch::default();
        match (self.kernel, ws.as_mut()) {
            // A block at a time: its lanes, then the exact stages for the rows they left open,
            // while the block's cells are still in cache (each open row reads all its cells
            // again).
            (Some(k), Some(ws)) => {
                for block in range.clone().step_by(BLOCK_ROWS) {
                    let block = block..range.end.min(block.saturating_add(BLOCK_ROWS));
                    let first = kernel_rows.len();
                    for start in block.clone().step_by(LANES) {
                        let rows = start..block.end.min(start.saturating_add(LANES));
                        let n = rows.len();
                        self.load(rows.clone(), ws.inputs(measures), k.arch());
                        let lane_first = kernel_rows.len();
                        k.run(plan, ws, n, &mut kernel_rows);
                        let decided = kernel_rows.get_mut(lane_first..).unwrap_or_default();
                        self.unread_cells(rows, ws.inputs(measures), decided, &mut engine_only);
                    }
                    let decided = kernel_rows.get_mut(first..).unwrap_or_default();
                    let settled =
                        self.exact_stages(k, ws, block, &engine_only, decided, &mut scratch);
                    out.settled_exact = out.settled_exact.saturating_add(settled);
                }
            }
            _ => kernel_rows.resize(range.len(), None),
        }
        let mut cells: Vec<Option<Decimal>> = Vec::with_capacity(self.columns.slots().len());
        let mut scorer: Option<Scorer<'_>> = None;
        let mut engine_rows = 0usize;
        for (i, d) in range.clone().zip(kernel_rows) {
            if let Some(d) = d {
                out.rows.push(d);
                continue;
            }
            // The exact engine, for this row only.
            let id = self.ids.get(i).map_or("", |s| s.as_ref());
            if let Err(p) = self.cells(i, id, &mut cells) {
                out.problems.extend(p);
                continue;
            }
            let scorer = match &mut scorer {
                Some(s) => s,
                None => match plan.scorer(&ScoreOptions::default()) {
                    Ok(s) => scorer.insert(s),
                    Err(e) => {
                        out.problems.absorb(&e);
                        return out;
                    }
                },
            };
            match scorer.summarize_cells(self.columns, id, Some(i), &cells) {
                Ok(s) => match decided(plan, &s) {
                    Some(d) => {
                        out.rows.push(d);
                        engine_rows = engine_rows.saturating_add(1);
                    }
                    None => out.problems.push(too_large(i, id, &s.total)),
                },
                Err(e) => out.problems.absorb(&e),
            }
        }
        // Every row the kernel settled and its exact stages did not was settled in floats.
        out.settled = out
            .rows
            .len()
            .saturating_sub(engine_rows)
            .saturating_sub(out.settled_exact);
        if out.problems.is_empty() {
            self.price(range, &mut out);
        }
        out
    }

    /// The exact stages for the rows of `range` the lanes left open (`None` in `decided`, and
    /// not in `engine_only`), [`SPAN_ROWS`] at a time: the same program in exact spans, then in
    /// exact fractions. Fills in what they settle and says how many rows that was.
    fn exact_stages(
        &self,
        kernel: &Kernel,
        ws: &mut Workspace,
        range: Range<usize>,
        engine_only: &[usize],
        decided: &mut [Option<Decided>],
        scratch: &mut ExactScratch,
    ) -> usize {
        let measures = self.plan.measures().len();
        let ExactScratch {
            open,
            inputs,
            answers,
        } = scratch;
        open.clear();
        open.extend(
            range
                .clone()
                .zip(decided.iter())
                .filter(|(i, d)| d.is_none() && engine_only.binary_search(i).is_err())
                .map(|(i, _)| i),
        );
        let mut settled = 0usize;
        for group in open.chunks(SPAN_ROWS) {
            inputs.clear();
            for &i in group {
                self.exact_inputs(i, measures, inputs);
            }
            answers.clear();
            kernel.exact_rows(self.plan, ws, inputs, measures, answers);
            for (&i, answer) in group.iter().zip(answers.iter()) {
                let slot = i.checked_sub(range.start).and_then(|j| decided.get_mut(j));
                if let (Some(slot), Some(d)) = (slot, answer) {
                    *slot = Some(*d);
                    settled = settled.saturating_add(1);
                }
            }
        }
        settled
    }

    /// Each decided row's pay statement total, when the source has a pay plan.
    fn price(&self, range: Range<usize>, out: &mut Chunk) {
        let (Source::Table(_, Some((pay, columns))) | Source::Columns(_, Some((pay, columns)))) =
            self.source
        else {
            return;
        };
        let plan = self.plan;
        out.pay.reserve(out.rows.len());
        let mut cells: Vec<Option<Decimal>> = Vec::with_capacity(self.columns.slots().len());
        let mut lines = Vec::new();
        for (i, d) in range.zip(&out.rows) {
            let id = self.ids.get(i).map_or("", |s| s.as_ref());
            if let Err(p) = self.cells(i, id, &mut cells) {
                out.pay_problems.extend(p);
                continue;
            }
            let row = cells.as_slice();
            let total = Decimal::try_from_i128_with_scale(d.units.into(), plan.scale);
            let grade = plan.grades.get(d.grade as usize).map(|g| &g.grade);
            let (Ok(total), Some(grade)) = (total, grade) else {
                // Every decided row has a total at the plan's scale and a grade of the plan.
                continue;
            };
            match pay.row_total(total, grade, id, Some(i), columns, row, &mut lines) {
                Ok(paid) => out.pay.push(paid),
                Err(e) => out.pay_problems.absorb(&e),
            }
        }
    }

    /// A lane of rows into the kernel's measure lanes (column `k` into its slot's lane); a value
    /// the kernel leaves to the engine (missing, or one the engine would refuse or read
    /// specially) is uncertain.
    fn load(&self, rows: Range<usize>, inputs: &mut [Lane], arch: pulp::Arch) {
        let columns = match self.source {
            Source::Columns(columns, _) => columns,
            Source::Table(t, _) => return self.load_table(t, rows, inputs),
        };
        for (k, &slot) in self.columns.slots().iter().enumerate() {
            let Some(lane) = inputs.get_mut(slot) else {
                continue;
            };
            match columns.get(k) {
                Some(c) => c.fill(rows.clone(), lane, arch),
                None => lane.fill(std::iter::empty()),
            }
        }
    }

    /// [`Job::load`] from a table: row by row, as the table holds its cells (each row found once,
    /// read front to back), each cell into its slot's lane.
    fn load_table(&self, t: &Table, rows: Range<usize>, inputs: &mut [Lane]) {
        let slots = self.columns.slots();
        let n = rows.len();
        for (j, i) in rows.enumerate() {
            let row = t.row(i).unwrap_or_default();
            for (cell, &slot) in row.iter().zip(slots) {
                if let Some(lane) = inputs.get_mut(slot) {
                    lane.set(j, cell.map_or(Approx::UNSURE, Approx::from_decimal));
                }
            }
        }
        // Past the last row, and any slot the table has no column for, uncertain.
        for lane in inputs.iter_mut() {
            lane.clear_from(n);
        }
    }

    /// Rows of the lane with a cell the kernel could not read (uncertain where the column has a
    /// value) that the engine's reader refuses: such a row is the engine's to report, whether or
    /// not its total uses the cell, so it is taken from the kernel's answers and listed in
    /// `engine_only` (ascending). A table's cells were read when it was built.
    fn unread_cells(
        &self,
        rows: Range<usize>,
        inputs: &[Lane],
        decided: &mut [Option<Decided>],
        engine_only: &mut Vec<usize>,
    ) {
        let Source::Columns(columns, _) = self.source else {
            return;
        };
        // Only a cell the lanes hold as uncertain can be one the engine refuses: find those a
        // lane at a time, then read just them.
        let in_lane = match decided.len() {
            n if n >= 64 => u64::MAX,
            n => (1u64 << n).wrapping_sub(1),
        };
        let mut refused = 0u64;
        for (k, &slot) in self.columns.slots().iter().enumerate() {
            let Some(column) = columns.get(k).filter(|c| !c.reads_every_cell()) else {
                continue;
            };
            let unsure = inputs.get(slot).map_or(u64::MAX, Lane::unsure_rows);
            let mut open = unsure & in_lane & !refused;
            while open != 0 {
                let j = open.trailing_zeros();
                open &= open.wrapping_sub(1);
                let i = rows.start.saturating_add(j as usize);
                if column.decimal(i).is_err() {
                    refused |= 1u64.checked_shl(j).unwrap_or(0);
                }
            }
        }
        for (j, (i, d)) in rows.zip(decided).enumerate() {
            let bit = u32::try_from(j).ok().and_then(|j| refused.checked_shr(j));
            if bit.is_some_and(|b| b & 1 == 1) {
                *d = None;
                engine_only.push(i);
            }
        }
    }

    /// Row `i`'s measures as the engine reads them, by slot, appended to `out` for the exact
    /// stages (a value the engine reads specially, or a missing one, is `None`).
    fn exact_inputs(&self, i: usize, measures: usize, out: &mut Vec<Option<Decimal>>) {
        let start = out.len();
        out.resize(start.saturating_add(measures), None);
        let row = out.get_mut(start..).unwrap_or_default();
        for (k, &slot) in self.columns.slots().iter().enumerate() {
            let value = match self.source {
                Source::Columns(columns, _) => columns.get(k).and_then(|c| c.exact(i)),
                Source::Table(t, _) => t.row(i).and_then(|r| r.get(k)).copied().flatten(),
            };
            if let Some(cell) = row.get_mut(slot) {
                *cell = value;
            }
        }
    }

    /// Row `i` as decimals for the engine; a float the engine cannot read is a problem here.
    fn cells(
        &self,
        i: usize,
        id: &str,
        cells: &mut Vec<Option<Decimal>>,
    ) -> Result<(), Vec<Problem>> {
        cells.clear();
        match self.source {
            Source::Table(t, _) => cells.extend_from_slice(t.row(i).unwrap_or_default()),
            Source::Columns(columns, _) => {
                let mut problems = Vec::new();
                for (k, column) in columns.iter().enumerate() {
                    match column.decimal(i) {
                        Ok(d) => cells.push(d),
                        Err(message) => {
                            let (kind, zh) = rule_error(&message);
                            let slot = self.columns.slots().get(k).copied().unwrap_or(usize::MAX);
                            let name = self.plan.measures().get(slot);
                            let at = Loc::root().key("records").index(i).key("measures");
                            let at = at.key(name.map_or("?", |m| &*m.id));
                            problems.push(Problem::new(at, kind, message).zh(zh).with_id(id));
                            cells.push(None);
                        }
                    }
                }
                if !problems.is_empty() {
                    return Err(problems);
                }
            }
        }
        Ok(())
    }
}

/// An engine summary as the kernel's answer; `None` when the total does not fit 64-bit units.
fn decided(plan: &Plan, s: &crate::score::Summary) -> Option<Decided> {
    let position = |g: &str| grade_index(plan.grade_names().position(|n| n == g).unwrap_or(0));
    let mut total = s.total;
    total.rescale(plan.scale);
    Some(Decided {
        units: i64::try_from(total.mantissa()).ok()?,
        grade: position(&s.grade),
        grade_before_veto: s.grade_before_veto.as_deref().map(position),
        vetoed: s.vetoed,
    })
}

/// A total past what a column of 64-bit units holds (about 9.2 × 10¹⁸ units).
fn too_large(i: usize, id: &str, total: &Decimal) -> Problem {
    Problem::new(
        Loc::root().key("records").index(i),
        kinds::NUMBER_OUT_OF_RANGE,
        format!("the total {total} does not fit a column of 64-bit units"),
    )
    .zh(format!("总分 {total} 超出 64 位整数列的范围"))
    .with_id(id)
}
