//! `plan.summarize(records, options?, payPlan?)`: the lean batch path. Per record
//! `{ record_id, total, grade, grade_before_veto, vetoed, pay? }`, scored once without building
//! scorecards, with no JSON text in either direction.
//!
//! Two ways in, one way out:
//! - the table path (`summarize_table`): `index.js` walks plain records in JS (where reading
//!   properties is cheap) into a compact table: ids joined with `\0`, string values as UTF-8
//!   bytes each ended by `\0` (a `Uint8Array`, no JS string to convert), the
//!   column names, one `column << 1 | kind` entry per present value, the JS numbers in a
//!   `Float64Array`. Here the values are read exactly (`parse_decimal` for strings,
//!   `decimal_from_f64` for numbers, as `record_from_js`), the columns resolved with
//!   `Plan::columns`, the rows scored with `Plan::summarize_table` and paid with
//!   `PayPlan::statements_for_table` from the same summaries. Anything that is not plainly right
//!   (a value that does not parse, a `\0` inside a string, columns the plan refuses) returns
//!   `null`, and `index.js` takes the record path, which reports it exactly as `scoreMany`.
//! - the record path (`summarize_records`): `records_from_js` + `Plan::summarize_many`, every
//!   problem (then options, scoring and pay problems) as `scoreMany` and `PayPlan.statements`.
//! - out: [`SummaryColumns`], the results as columns (totals and pay joined with `\0`, grades as
//!   indices into the plan's grade names); `index.js` builds the plain objects from them.
//!
//! The table path scores on up to `available_parallelism` scoped threads (contiguous chunks of at
//! least 4,096 rows, each with its own `Scorer`; `PERFSCORE_NODE_THREADS` overrides the count).
//! Threads only ever see good batches: on a duplicate id or any scoring or pay problem the batch
//! is run again on one thread through the core's own `summarize_table` and
//! `statements_for_table`, so errors are always exactly the core's.
//!
//! Phase timings of the last call are kept for `__lastSummarizeTimings` (benchmarks only).

use crate::{core_error, options_from_json, records_from_js};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use perfscore::number::{decimal_from_f64, parse_decimal, DecimalText};
use perfscore::{Error as CoreError, Summary};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Instant;

/// Phases of the last call, seconds: prepare (split, offsets, id check), then summed over the
/// chunks decode, score, pay and pack (CPU time), the chunks' wall time, join, and the threads.
static LAST_TIMINGS: Mutex<[f64; 8]> = Mutex::new([0.0; 8]);

/// Fewer rows than this per thread are not worth a thread.
const MIN_ROWS_PER_THREAD: usize = 4096;
/// The thread count never exceeds this.
const MAX_THREADS: usize = 8;

/// The phase times of the last `summarize_table`/`summarize_records` call (benchmarks only).
pub fn last_timings() -> Vec<f64> {
    LAST_TIMINGS.lock().map(|t| t.to_vec()).unwrap_or_default()
}

fn record_timings(t: [f64; 8]) {
    if let Ok(mut last) = LAST_TIMINGS.lock() {
        *last = t;
    }
}

fn secs(from: Instant, to: Instant) -> f64 {
    (to - from).as_secs_f64()
}

/// Threads for `n` rows: `PERFSCORE_NODE_THREADS`, else the cores, at most one per 4,096 rows.
fn thread_count(n: usize) -> usize {
    let wanted = std::env::var("PERFSCORE_NODE_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&t| t > 0);
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    wanted
        .unwrap_or_else(|| cores.min(MAX_THREADS).min(n / MIN_ROWS_PER_THREAD))
        .min(n)
        .max(1)
}

/// The results of a batch as columns, one entry per record in input order.
#[napi(object)]
pub struct SummaryColumns {
    /// The record ids as read (the record path; the table path only when an id holds U+FFFD,
    /// else its caller has them).
    pub ids: Option<Vec<String>>,
    /// Totals with the plan's scale, joined with `\0`.
    pub totals: String,
    /// Index of each grade in `grade_names`.
    pub grades: Uint8Array,
    /// 0 when no veto capped the grade, else 1 + the index of the grade before the veto.
    pub before: Uint8Array,
    /// 1 when a veto was triggered.
    pub vetoed: Uint8Array,
    /// Pay statement totals, normalised, joined with `\0` (only with a pay plan).
    pub pays: Option<String>,
    /// The plan's grade names, lowest first.
    pub grade_names: Vec<String>,
}

/// Results being packed into columns (each text entry followed by `\0`).
#[derive(Default)]
struct Packed {
    totals: String,
    grades: Vec<u8>,
    before: Vec<u8>,
    vetoed: Vec<u8>,
    pays: String,
}

impl Packed {
    fn with_capacity(n: usize) -> Packed {
        Packed {
            totals: String::with_capacity(n * 8),
            grades: Vec::with_capacity(n),
            before: Vec::with_capacity(n),
            vetoed: Vec::with_capacity(n),
            pays: String::new(),
        }
    }

    /// One summary; `None` if its grade is not one of `grade_names` (never expected).
    fn push(&mut self, s: &Summary, grade_names: &[String]) -> Option<()> {
        let index = |g: &str| {
            grade_names
                .iter()
                .position(|n| n == g)
                .and_then(|i| u8::try_from(i).ok())
                .filter(|&i| i < u8::MAX)
        };
        self.totals.push_str(DecimalText::new(&s.total).as_str());
        self.totals.push('\0');
        self.grades.push(index(&s.grade)?);
        self.before.push(match &s.grade_before_veto {
            Some(g) => index(g)? + 1,
            None => 0,
        });
        self.vetoed.push(u8::from(s.vetoed));
        Some(())
    }

    /// One pay total, already normalised.
    fn push_pay(&mut self, text: &str) {
        self.pays.push_str(text);
        self.pays.push('\0');
    }

    fn append(&mut self, other: Packed) {
        self.totals.push_str(&other.totals);
        self.grades.extend(other.grades);
        self.before.extend(other.before);
        self.vetoed.extend(other.vetoed);
        self.pays.push_str(&other.pays);
    }

    fn finish(
        mut self,
        ids: Option<Vec<String>>,
        paid: bool,
        grade_names: Vec<String>,
    ) -> SummaryColumns {
        self.totals.pop();
        self.pays.pop();
        SummaryColumns {
            ids,
            totals: self.totals,
            grades: Uint8Array::new(self.grades),
            before: Uint8Array::new(self.before),
            vetoed: Uint8Array::new(self.vetoed),
            pays: paid.then_some(self.pays),
            grade_names,
        }
    }
}

/// `text` split at `\0` into exactly `n` pieces, or `None`.
fn split(text: &str, n: usize) -> Option<Vec<&str>> {
    if n == 0 {
        return text.is_empty().then(Vec::new);
    }
    let pieces: Vec<&str> = text.split('\0').collect();
    (pieces.len() == n).then_some(pieces)
}

/// `text` as exactly `n` pieces each ended by `\0`, or `None`.
fn terminated(text: &str, n: usize) -> Option<Vec<&str>> {
    if n == 0 {
        return text.is_empty().then(Vec::new);
    }
    split(text.strip_suffix('\0')?, n)
}

/// Where a chunk of rows starts: its rows, and its first entry, string and number.
#[derive(Clone, Copy)]
struct Bounds {
    start: usize,
    end: usize,
    entry: usize,
    string: usize,
    num: usize,
}

/// What a chunk of the table path came to.
enum Chunk {
    /// A value the record path must read (it reports the problem).
    Unusual,
    /// A scoring or pay problem: the core reports it (on one thread).
    Failed,
    /// The chunk's results, and its decode, score, pay and pack times.
    Done(Packed, [f64; 4]),
}

/// The table path (see the module documentation): results, or `None` when the record path must
/// decide. Errors after decoding (options, scoring, pay) are thrown as the record path would.
#[allow(clippy::too_many_arguments)]
pub fn summarize_table(
    plan: &perfscore::Plan,
    pay: Option<&perfscore::PayPlan>,
    ids: &str,
    names: &str,
    ncols: u32,
    strings: &[u8],
    entries: &[u32],
    counts: &[u32],
    nums: &[f64],
    options: Option<String>,
) -> Result<Option<SummaryColumns>> {
    let t0 = Instant::now();
    let n = counts.len();
    let ncols = ncols as usize;
    let string_count = entries.iter().filter(|e| *e & 1 == 0).count();
    let total: usize = counts.iter().map(|&c| c as usize).sum();
    let (Some(ids), Some(names), Some(strings)) = (
        split(ids, n),
        split(names, ncols),
        std::str::from_utf8(strings)
            .ok()
            .and_then(|s| terminated(s, string_count)),
    ) else {
        return Ok(None);
    };
    if total != entries.len() || entries.len() - string_count != nums.len() {
        return Ok(None);
    }
    let Ok(columns) = plan.columns(&names) else {
        return Ok(None);
    };
    let options = options_from_json(options);
    let grade_names: Vec<String> = plan.grade_names().map(str::to_owned).collect();
    let pay_columns = pay.map(|p| (p, p.columns(&names)));

    // Chunk bounds: each chunk's first entry, string and number.
    let threads = thread_count(n);
    let per = n.div_ceil(threads).max(1);
    let mut bounds = Vec::with_capacity(threads);
    let (mut e, mut s, mut m) = (0usize, 0usize, 0usize);
    for (row, &count) in counts.iter().enumerate() {
        if row % per == 0 {
            bounds.push(Bounds {
                start: row,
                end: (row + per).min(n),
                entry: e,
                string: s,
                num: m,
            });
        }
        for entry in entries.get(e..e + count as usize).unwrap_or_default() {
            if entry & 1 == 0 {
                s += 1;
            } else {
                m += 1;
            }
        }
        e += count as usize;
    }
    let mut seen = HashSet::with_capacity(n);
    let duplicates = !ids.iter().all(|id| seen.insert(*id));
    drop(seen);

    // A chunk's rows as exact decimals, row-major (`None` = missing); `None` if a value does
    // not read.
    let decode = |b: &Bounds| {
        let rows = b.end - b.start;
        let mut values = vec![None; rows * ncols];
        let (mut e, mut s, mut m) = (b.entry, b.string, b.num);
        for (r, &count) in counts.get(b.start..b.end)?.iter().enumerate() {
            for _ in 0..count {
                let entry = *entries.get(e)?;
                e += 1;
                let value = if entry & 1 == 0 {
                    s += 1;
                    parse_decimal(strings.get(s - 1)?).ok()?
                } else {
                    m += 1;
                    decimal_from_f64(*nums.get(m - 1)?).ok()?
                };
                let column = (entry >> 1) as usize;
                if column >= ncols {
                    return None;
                }
                *values.get_mut(r * ncols + column)? = Some(value);
            }
        }
        Some(values)
    };

    // One chunk: decode, score, pay, pack.
    let work = |b: &Bounds| -> Chunk {
        let c0 = Instant::now();
        let Some(values) = decode(b) else {
            return Chunk::Unusual;
        };
        let c1 = Instant::now();
        let Ok(options) = &options else {
            return Chunk::Failed;
        };
        let Ok(mut scorer) = plan.scorer(options) else {
            return Chunk::Failed;
        };
        let rows = b.end - b.start;
        let mut summaries = Vec::with_capacity(rows);
        let row_values = || {
            values
                .chunks(ncols.max(1))
                .chain(std::iter::repeat(&[][..]))
                .take(rows)
        };
        for (k, row) in row_values().enumerate() {
            let i = b.start + k;
            let Some(id) = ids.get(i) else {
                return Chunk::Failed;
            };
            match scorer.summarize_row(&columns, id, Some(i), row) {
                Ok(s) => summaries.push(s),
                Err(_) => return Chunk::Failed,
            }
        }
        let c2 = Instant::now();
        let mut packed = Packed::with_capacity(rows);
        if let Some((p, pc)) = &pay_columns {
            packed.pays.reserve(rows * 8);
            for (k, (s, row)) in summaries.iter().zip(row_values()).enumerate() {
                let i = b.start + k;
                let Some(id) = ids.get(i) else {
                    return Chunk::Failed;
                };
                match p.statement_for_columns(s, id, Some(i), pc, row) {
                    Ok(st) => packed.push_pay(DecimalText::normalized(&st.total).as_str()),
                    Err(_) => return Chunk::Failed,
                }
            }
        }
        let c3 = Instant::now();
        for s in &summaries {
            if packed.push(s, &grade_names).is_none() {
                return Chunk::Failed;
            }
        }
        let c4 = Instant::now();
        Chunk::Done(
            packed,
            [secs(c0, c1), secs(c1, c2), secs(c2, c3), secs(c3, c4)],
        )
    };

    let t1 = Instant::now();
    let chunks: Vec<Chunk> = if duplicates {
        Vec::new()
    } else if bounds.len() <= 1 {
        bounds.iter().map(work).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = bounds.iter().map(|b| scope.spawn(|| work(b))).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(Chunk::Failed))
                .collect()
        })
    };
    let t2 = Instant::now();
    if chunks.iter().any(|c| matches!(c, Chunk::Unusual)) {
        return Ok(None);
    }
    let done = !duplicates && chunks.iter().all(|c| matches!(c, Chunk::Done(..)));
    let mut cpu = [0.0; 4];
    let packed = if done {
        let mut packed = Packed::with_capacity(0);
        for c in chunks {
            if let Chunk::Done(p, t) = c {
                packed.append(p);
                for (sum, x) in cpu.iter_mut().zip(t) {
                    *sum += x;
                }
            }
        }
        packed
    } else {
        // Something is wrong (or an id repeats): the whole batch on one thread through the
        // core's own table API, which reports every problem exactly as `scoreMany` would.
        let all = Bounds {
            start: 0,
            end: n,
            entry: 0,
            string: 0,
            num: 0,
        };
        let Some(values) = decode(&all) else {
            return Ok(None);
        };
        let options = options?;
        let summaries = plan
            .summarize_table(&columns, &ids, &values, &options)
            .map_err(core_error)?;
        let mut packed = Packed::with_capacity(n);
        if let Some(p) = pay {
            let statements = p
                .statements_for_table(&summaries, &names, &ids, &values)
                .map_err(core_error)?;
            for st in &statements {
                packed.push_pay(DecimalText::normalized(&st.total).as_str());
            }
        }
        for s in &summaries {
            packed.push(s, &grade_names).ok_or_else(bug)?;
        }
        packed
    };
    // An id with a lone surrogate arrives here as U+FFFD, as in the record path (and in
    // `scoreMany`'s `record_id`): then the ids as read here are the ones to report.
    let read_ids = ids
        .iter()
        .any(|id| id.contains('\u{FFFD}'))
        .then(|| ids.iter().map(|id| (*id).to_owned()).collect());
    let out = packed.finish(read_ids, pay.is_some(), grade_names);
    let t3 = Instant::now();
    record_timings([
        secs(t0, t1),
        cpu[0],
        cpu[1],
        cpu[2],
        cpu[3],
        secs(t1, t2),
        secs(t2, t3),
        bounds.len() as f64,
    ]);
    Ok(Some(out))
}

fn bug() -> Error {
    Error::from_reason(
        "perfscore: a summary's grade is not one of the plan's (a bug: please report it)",
    )
}

/// The record path (see the module documentation): every conversion problem, then options, then
/// scoring, then pay problems, as `scoreMany` and `PayPlan.statements` report them.
pub fn summarize_records(
    plan: &perfscore::Plan,
    pay: Option<&perfscore::PayPlan>,
    records: &Unknown<'_>,
    options: Option<String>,
) -> Result<SummaryColumns> {
    let t0 = Instant::now();
    let records = records_from_js(records)?;
    let options = options_from_json(options)?;
    let t1 = Instant::now();
    let summaries = plan
        .summarize_many(&records, &options)
        .map_err(core_error)?;
    let t2 = Instant::now();
    let mut packed = Packed::with_capacity(records.len());
    if let Some(p) = pay {
        let mut problems = Vec::new();
        for (i, (s, r)) in summaries.iter().zip(&records).enumerate() {
            let names: Vec<&str> = r.measures.keys().map(String::as_str).collect();
            let row: Vec<Option<_>> = r.measures.values().map(|v| Some(*v)).collect();
            match p.statement_for_row(s, &r.id, Some(i), &names, &row) {
                Ok(st) => packed.push_pay(DecimalText::normalized(&st.total).as_str()),
                Err(e) => problems.extend(e.problems().iter().cloned()),
            }
        }
        if !problems.is_empty() {
            return Err(core_error(CoreError::Input(problems)));
        }
    }
    let t3 = Instant::now();
    let grade_names: Vec<String> = plan.grade_names().map(str::to_owned).collect();
    for s in &summaries {
        packed.push(s, &grade_names).ok_or_else(bug)?;
    }
    let ids = records.into_iter().map(|r| r.id).collect();
    let out = packed.finish(Some(ids), pay.is_some(), grade_names);
    record_timings([
        0.0,
        secs(t0, t1),
        secs(t1, t2),
        secs(t2, t3),
        t3.elapsed().as_secs_f64(),
        secs(t0, Instant::now()),
        0.0,
        1.0,
    ]);
    Ok(out)
}
