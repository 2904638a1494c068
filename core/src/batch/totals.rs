//! [`Plan::totals`]: columns in, each row's rounded total, grade and veto out — the fast exact
//! path for hosts that hold columns of numbers (a DataFrame, typed arrays).
//!
//! Each row is first scored by the kernel in certified `f64` (`super::kernel`); a row it cannot
//! settle (a value near a rounding boundary, a band edge or a threshold; a missing value; anything
//! the engine would report as a problem) is scored by the exact engine. Either way the answer is
//! the exact value of the plan's arithmetic rounded once, and the batch is all or nothing: every
//! problem of every row, in row order, as [`Plan::summarize`] reports them.

use super::kernel::{Decided, Kernel};
use super::table::Table;
use super::threads::{self, Threads};
use crate::certified::Approx;
use crate::error::{kinds, Error, Loc, Problem, Problems};
use crate::number::{decimal_from_f64, rule_error};
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
    /// How many rows the kernel settled (the rest were scored by the exact engine); for
    /// benchmarks and tests, never part of a result's meaning.
    pub settled: usize,
}

impl Totals {
    /// Row `i`'s total as a decimal with the plan's scale.
    pub fn total(&self, i: usize) -> Option<Decimal> {
        let units = *self.units.get(i)?;
        Decimal::try_from_i128_with_scale(units.into(), self.scale).ok()
    }
}

/// Where a batch's values come from.
enum Source<'a> {
    /// Host floats, one slice per column; NaN is a missing value (as in pandas).
    Floats(&'a [&'a [f64]]),
    /// A table of decimals.
    Table(&'a Table),
}

impl Plan {
    /// Score columns of host floats (`columns[c][row]`, NaN = missing, in the order of `names`,
    /// measure ids or aliases) to each row's total, grade and veto, on `threads`. A float stands
    /// for its shortest decimal (0.1 is one tenth), as everywhere else. Ids must be non-empty and
    /// distinct. All or nothing.
    pub fn totals<S: AsRef<str> + Sync>(
        &self,
        ids: &[S],
        names: &[S],
        columns: &[&[f64]],
        threads: Threads,
    ) -> crate::Result<Totals> {
        let columns_for = self.columns(names)?;
        if let Some(p) = shape_problem(ids.len(), names.len(), columns) {
            return Err(Error::Input(vec![p]));
        }
        // Empty and repeated ids, as a table refuses them.
        super::table::check_ids(ids).finish(Error::Input, ())?;
        self.totals_from(ids, &columns_for, Source::Floats(columns), threads)
    }

    /// [`Plan::totals`] of a [`Table`] of decimals.
    pub fn totals_of(&self, table: &Table, threads: Threads) -> crate::Result<Totals> {
        let columns = table.columns_for(self)?;
        self.totals_from(table.ids(), &columns, Source::Table(table), threads)
    }

    fn totals_from<S: AsRef<str> + Sync>(
        &self,
        ids: &[S],
        columns: &Columns,
        source: Source<'_>,
        threads: Threads,
    ) -> crate::Result<Totals> {
        let kernel = Kernel::new(self);
        let job = Job {
            plan: self,
            kernel: kernel.as_ref(),
            columns,
            source: &source,
            ids,
        };
        let chunks = threads::run(threads.chunks(ids.len()).collect(), |rows| job.chunk(rows))?;
        let mut problems = Problems::new();
        let mut out = Totals {
            scale: self.scale,
            units: Vec::with_capacity(ids.len()),
            grade: Vec::with_capacity(ids.len()),
            grade_before_veto: Vec::with_capacity(ids.len()),
            vetoed: Vec::with_capacity(ids.len()),
            settled: 0,
        };
        for c in chunks {
            problems.extend(c.problems.into_vec());
            out.settled = out.settled.saturating_add(c.settled);
            for d in c.rows {
                out.units.push(d.units);
                out.grade.push(index(d.grade));
                out.grade_before_veto.push(d.grade_before_veto.map(index));
                out.vetoed.push(d.vetoed);
            }
        }
        problems.finish(Error::Input, out)
    }
}

/// Grade indexes are bounded by the plan's list limit, far below `u32::MAX`.
fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Columns that do not match the names or the ids in length.
fn shape_problem(rows: usize, names: usize, columns: &[&[f64]]) -> Option<Problem> {
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
}

impl<S: AsRef<str>> Job<'_, S> {
    fn chunk(&self, range: Range<usize>) -> Chunk {
        let mut out = Chunk {
            rows: Vec::with_capacity(range.len()),
            problems: Problems::new(),
            settled: 0,
        };
        let plan = self.plan;
        let mut env: Vec<Option<Approx>> = vec![None; plan.env_len()];
        let mut cells: Vec<Option<Decimal>> = Vec::with_capacity(self.columns.slots().len());
        let mut scorer: Option<Scorer<'_>> = None;
        for i in range {
            if let Some(d) = self.kernel.and_then(|k| {
                self.load(i, &mut env)?;
                k.row(plan, &mut env)
            }) {
                out.settled = out.settled.saturating_add(1);
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
                    Some(d) => out.rows.push(d),
                    None => out.problems.push(too_large(i, id, &s.total)),
                },
                Err(e) => out.problems.absorb(&e),
            }
        }
        out
    }

    /// Row `i` into the kernel's environment; `None` when a value is one the kernel leaves to the
    /// engine (missing, or a float the engine would refuse or read specially).
    fn load(&self, i: usize, env: &mut [Option<Approx>]) -> Option<()> {
        env.iter_mut().for_each(|v| *v = None);
        for (k, &slot) in self.columns.slots().iter().enumerate() {
            let value = match self.source {
                Source::Floats(columns) => {
                    let v = *columns.get(k)?.get(i)?;
                    // Only floats whose shortest decimal the engine reads as it is: finite, not
                    // missing, and within 28 digits on either side of the point.
                    let m = v.abs();
                    if !(m == 0.0 || (1e-11..1e27).contains(&m)) {
                        return None;
                    }
                    Approx::from_host(v)?
                }
                Source::Table(t) => Approx::from_decimal((*t.row(i)?.get(k)?)?)?,
            };
            *env.get_mut(slot)? = Some(value);
        }
        Some(())
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
            Source::Table(t) => cells.extend_from_slice(t.row(i).unwrap_or_default()),
            Source::Floats(columns) => {
                let mut problems = Vec::new();
                for (k, column) in columns.iter().enumerate() {
                    let v = column.get(i).copied().unwrap_or(f64::NAN);
                    if v.is_nan() {
                        cells.push(None);
                        continue;
                    }
                    match decimal_from_f64(v) {
                        Ok(d) => cells.push(Some(d)),
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
    let position = |g: &str| plan.grade_names().position(|n| n == g).unwrap_or(0);
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
