//! Phase 4: scoring (and pay) of the table, one `Scorer` per chunk on scoped threads, results
//! and problems in row order.

use super::cells::chunk_rows;
use super::read::Table;
use crate::problem;
use perfscore::{Columns, Error as CoreError, PayPlan, Plan, Problem, ScoreOptions, Summary};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::sync::Arc;

/// Fewer rows than this per thread are not worth a thread (when `threads` is not given).
pub(super) const MIN_ROWS_PER_THREAD: usize = 4096;
/// The default thread count never exceeds this.
pub(super) const MAX_DEFAULT_THREADS: usize = 8;

/// What each row comes out as (the parts of a [`Summary`] the table keeps).
pub(super) struct Row {
    pub(super) total: Decimal,
    pub(super) grade: Arc<str>,
    pub(super) grade_before_veto: Option<Arc<str>>,
    pub(super) vetoed: bool,
}

impl From<Summary> for Row {
    fn from(s: Summary) -> Self {
        Row {
            total: s.total,
            grade: s.grade,
            grade_before_veto: s.grade_before_veto,
            vetoed: s.vetoed,
        }
    }
}

pub(super) struct Scored {
    pub(super) rows: Vec<Row>,
    pub(super) pay: Option<Vec<Decimal>>,
}

/// `records[i].id: duplicate record id` for every repeat, in order (as the core reports them).
pub(super) fn duplicate_ids(ids: &[String]) -> Vec<Problem> {
    let mut seen = HashSet::with_capacity(ids.len());
    let mut problems = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if !seen.insert(id.as_str()) {
            problems.push(problem(
                format!("records[{i}].id"),
                format!("duplicate record id `{id}`"),
            ));
        }
    }
    problems
}

/// One chunk's work: rows `start..start + ids.len()` scored with their own scorer, then paid.
pub(super) struct Chunk {
    pub(super) rows: Vec<Row>,
    pub(super) problems: Vec<Problem>,
    pub(super) pay: Vec<Decimal>,
    pub(super) pay_problems: Vec<Problem>,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn score_chunk(
    plan: &Plan,
    columns: &Columns,
    names: &[String],
    options: &ScoreOptions,
    pay: Option<&PayPlan>,
    start: usize,
    ids: &[String],
    values: &[Option<Decimal>],
) -> Chunk {
    let width = columns.len();
    let mut out = Chunk {
        rows: Vec::with_capacity(ids.len()),
        problems: Vec::new(),
        pay: Vec::new(),
        pay_problems: Vec::new(),
    };
    let mut scorer = match plan.scorer(options) {
        Ok(s) => s,
        Err(e) => {
            out.problems = e.problems().to_vec();
            return out;
        }
    };
    let mut summaries = Vec::with_capacity(if pay.is_some() { ids.len() } else { 0 });
    let rows = values
        .chunks(width.max(1))
        .chain(std::iter::repeat(&[][..]));
    for (k, (id, row)) in ids.iter().zip(rows).enumerate() {
        match scorer.summarize_row(columns, id, Some(start + k), row) {
            Ok(s) => {
                if pay.is_some() {
                    summaries.push(s);
                } else {
                    out.rows.push(s.into());
                }
            }
            Err(e) => out.problems.extend(e.problems().iter().cloned()),
        }
    }
    if let Some(pay) = pay {
        if out.problems.is_empty() {
            out.pay.reserve(ids.len());
            // Columns resolved to the pay plan's slots once per chunk, not once per cell.
            let columns = pay.columns(names);
            let rows = values
                .chunks(width.max(1))
                .chain(std::iter::repeat(&[][..]));
            for (k, ((s, id), row)) in summaries.iter().zip(ids).zip(rows).enumerate() {
                match pay.statement_for_columns(s, id, Some(start + k), &columns, row) {
                    Ok(st) => out.pay.push(st.total),
                    Err(e) => out.pay_problems.extend(e.problems().iter().cloned()),
                }
            }
        }
        out.rows.extend(summaries.into_iter().map(Row::from));
    }
    out
}

/// Score (and pay) the table; `threads` contiguous chunks, all problems in row order.
pub(super) fn score_table(
    plan: &Plan,
    table: &Table,
    options: &ScoreOptions,
    pay: Option<&PayPlan>,
    threads: usize,
) -> perfscore::Result<Scored> {
    let n = table.ids.len();
    if threads <= 1 || n < 2 || table.values.len() < 2 {
        // One thread: the core's table API as it is (one chunk: the whole table).
        let joined;
        let values = match &table.values[..] {
            [one] => one.as_slice(),
            many => {
                joined = many.concat();
                joined.as_slice()
            }
        };
        let summaries = plan.summarize_table(&table.columns, &table.ids, values, options)?;
        let pay = match pay {
            Some(p) => Some(
                p.statements_for_table(&summaries, &table.names, &table.ids, values)?
                    .into_iter()
                    .map(|s| s.total)
                    .collect(),
            ),
            None => None,
        };
        return Ok(Scored {
            rows: summaries.into_iter().map(Row::from).collect(),
            pay,
        });
    }
    // Duplicate ids are a property of the whole table: checked once, before splitting.
    let mut problems = duplicate_ids(&table.ids);
    // Fail early on options the scorer refuses (e.g. a bad period), like the core does.
    plan.scorer(options)?;
    let per = chunk_rows(n, threads);
    let chunks: Vec<Chunk> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .step_by(per)
            .map(|start| {
                let end = (start + per).min(n);
                let ids = &table.ids[start..end];
                let values = table.values.get(start / per).map_or(&[][..], Vec::as_slice);
                scope.spawn(move || {
                    score_chunk(
                        plan,
                        &table.columns,
                        &table.names,
                        options,
                        pay,
                        start,
                        ids,
                        values,
                    )
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| Chunk {
                    rows: Vec::new(),
                    problems: vec![problem(
                        "records",
                        "internal error: a scoring thread panicked",
                    )],
                    pay: Vec::new(),
                    pay_problems: Vec::new(),
                })
            })
            .collect()
    });
    let mut rows = Vec::with_capacity(n);
    let mut paid = Vec::with_capacity(if pay.is_some() { n } else { 0 });
    let mut pay_problems = Vec::new();
    for c in chunks {
        problems.extend(c.problems);
        pay_problems.extend(c.pay_problems);
        rows.extend(c.rows);
        paid.extend(c.pay);
    }
    if !problems.is_empty() {
        return Err(CoreError::Input(problems));
    }
    if !pay_problems.is_empty() {
        return Err(CoreError::Input(pay_problems));
    }
    Ok(Scored {
        rows,
        pay: pay.map(|_| paid),
    })
}

pub(super) fn default_threads(n: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    cores
        .min(MAX_DEFAULT_THREADS)
        .min(n / MIN_ROWS_PER_THREAD)
        .max(1)
}
