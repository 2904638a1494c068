//! [`Plan::summarize`]: a [`Table`] scored (and paid) to one [`Row`] per record, on the engine's
//! threads, with results and errors identical to a run on one thread.
//!
//! Each chunk of rows gets its own [`crate::Scorer`] (its own scratch space), scores its rows
//! in order and collects its problems in order; when it has none it prices its rows from the
//! summaries it just made, so nothing is scored twice. The chunks' problems are then merged in
//! chunk order under one [`MAX_PROBLEMS`](crate::MAX_PROBLEMS) bound, which lists the same
//! first problems and counts the same rest as one thread would.

use super::table::Table;
use super::threads::{self, Threads};
use super::totals::Totals;
use crate::error::{Error, Problems};
use crate::pay::{PayColumns, PayPlan};
use crate::plan::Plan;
use crate::score::{Columns, ScoreOptions, Summary};
use rust_decimal::Decimal;
use std::ops::Range;

/// One record's result in a batch: its [`Summary`] (total, grade, grade before a veto, whether
/// vetoed, progress when scored mid-period, and the totals behind them) and, when a pay plan was
/// given, its pay statement's total (in the currency's minor unit).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The record's headline numbers.
    pub summary: Summary,
    /// The pay statement's total, when a pay plan was given.
    pub pay: Option<Decimal>,
}

/// What one chunk of rows came to.
struct Chunk {
    rows: Vec<Row>,
    problems: Problems,
    pay_problems: Problems,
}

/// The parts every chunk shares.
struct Job<'a> {
    plan: &'a Plan,
    table: &'a Table,
    columns: &'a Columns,
    options: &'a ScoreOptions,
    pay: Option<(&'a PayPlan, PayColumns)>,
}

impl Plan {
    /// Score every row of `table` to its [`Row`] (and pay it, when `pay` is given), on as many
    /// threads as [`Threads::Auto`] decides. All or nothing: every scoring problem of every row,
    /// in row order; when there are none, every pay problem. See [`Plan::summarize_with`].
    pub fn summarize(
        &self,
        table: &Table,
        options: &ScoreOptions,
        pay: Option<&PayPlan>,
    ) -> crate::Result<Vec<Row>> {
        self.summarize_with(table, options, pay, Threads::Auto)
    }

    /// [`Plan::summarize`] on the given number of threads (`Threads::Exactly(1)` inside a host
    /// that already runs one task per core). The result, and any error byte for byte, is the
    /// same for every thread count.
    pub fn summarize_with(
        &self,
        table: &Table,
        options: &ScoreOptions,
        pay: Option<&PayPlan>,
        threads: Threads,
    ) -> crate::Result<Vec<Row>> {
        // Options the scorer refuses (a bad period) fail once, before any row.
        self.scorer(options)?;
        if let Some(pay) = pay {
            pay.check_plan(self)?;
        }
        let columns = table.columns_for(self)?;
        let job = Job {
            plan: self,
            table,
            columns: &columns,
            options,
            pay: pay.map(|p| (p, p.resolve_columns(table.names()))),
        };
        let chunks = threads::run(threads.chunks(table.len()).collect(), |rows| {
            job.chunk(rows)
        })?;
        merge(chunks, table.len())
    }
}

/// A batch's lean result — each row's total, grade, grade before a veto, veto and pay — from
/// the path that computed it: [`Plan::summarize_lean`].
#[derive(Debug, Clone, PartialEq)]
pub enum Summaries {
    /// The engine's rows (mid-period: progress needs the engine).
    Rows(Vec<Row>),
    /// The batch kernel's totals (period end).
    Totals(Totals),
}

impl Plan {
    /// Each row's total, grade, veto and pay, by the fastest path that gives
    /// [`Plan::summarize_with`]'s numbers and errors: at period end the batch kernel
    /// ([`Plan::totals_of`]: exact, settled in certified floats where it can be), mid-period the
    /// engine (progress needs it). For hosts that hand back those columns only.
    pub fn summarize_lean(
        &self,
        table: &Table,
        options: &ScoreOptions,
        pay: Option<&PayPlan>,
        threads: Threads,
    ) -> crate::Result<Summaries> {
        if options.period.is_none() {
            if let Ok(totals) = self.totals_of(table, pay, threads) {
                return Ok(Summaries::Totals(totals));
            }
            // A batch with a problem is reported by the engine, so its errors are `summarize`'s
            // by construction (and a total past 64-bit units, which the kernel's columns cannot
            // hold, is no problem there). Only failing batches pay for the second run.
        }
        self.summarize_with(table, options, pay, threads)
            .map(Summaries::Rows)
    }
}

impl Job<'_> {
    /// Rows `range` scored in order, then paid when all of them scored.
    fn chunk(&self, range: Range<usize>) -> Chunk {
        let mut out = Chunk {
            rows: Vec::with_capacity(range.len()),
            problems: Problems::new(),
            pay_problems: Problems::new(),
        };
        let mut scorer = match self.plan.scorer(self.options) {
            Ok(s) => s,
            Err(e) => {
                out.problems.absorb(&e);
                return out;
            }
        };
        let ids = self.table.ids().get(range.clone()).unwrap_or_default();
        for (i, id) in range.clone().zip(ids) {
            let row = self.table.row(i).unwrap_or_default();
            match scorer.summarize_cells(self.columns, id, Some(i), row) {
                Ok(summary) => out.rows.push(Row { summary, pay: None }),
                Err(e) => out.problems.absorb(&e),
            }
        }
        if let (Some((pay, columns)), true) = (&self.pay, out.problems.is_empty()) {
            let mut lines = Vec::new();
            for ((i, id), r) in range.clone().zip(ids).zip(&mut out.rows) {
                let row = self.table.row(i).unwrap_or_default();
                let (total, grade) = (r.summary.total, &r.summary.grade);
                match pay.row_total(total, grade, id, Some(i), columns, row, &mut lines) {
                    Ok(paid) => r.pay = Some(paid),
                    Err(e) => out.pay_problems.absorb(&e),
                }
            }
        }
        out
    }
}

/// The chunks' rows concatenated in order, or their problems merged in order: scoring problems
/// first (pay is not reported for a batch that did not score).
fn merge(chunks: Vec<Chunk>, rows: usize) -> crate::Result<Vec<Row>> {
    let mut problems = Problems::new();
    let mut pay_problems = Problems::new();
    let mut out = Vec::with_capacity(rows);
    for c in chunks {
        problems.extend(c.problems.into_vec());
        pay_problems.extend(c.pay_problems.into_vec());
        out.extend(c.rows);
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems.into_vec()));
    }
    pay_problems.finish(Error::Input, out)
}
