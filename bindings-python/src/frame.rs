//! The columnar path (issue 8): a DataFrame, or any mapping of column name → sequence, scored
//! to a [`PySummaryTable`] (totals, grades, vetoes and optionally pay) without building a Python
//! dict per row, a record per row or a scorecard per row.
//!
//! Phases (timed into `SummaryTable._timings`):
//! 1. `to_sequences`: each column read once as a whole (a numpy float64/int64 array as raw bytes,
//!    anything else as one Python list);
//! 2. `convert_cells`: cells → `Option<Decimal>` into one row-major `Vec` (same number policy as
//!    records: str exactly, Decimal by its text, int by its digits, float by its shortest
//!    representation; None/NaN/pd.NA missing, as in frames everywhere in this binding);
//! 3. `score_and_pay`: the GIL released, the core's `Plan::summarize_table` (one thread) or the
//!    same rows split into contiguous chunks, one `Scorer` per chunk on scoped threads, results
//!    concatenated in row order; pay priced from the same summaries
//!    (`PayPlan::statements_for_table` / `statement_for_columns`), never scored twice;
//! 4. `build`: the result object (outputs become Python objects only when asked for).

use super::{core_err, decimal_class, is_decimal, number_from_py, problem, py_to_json, type_name};
use perfscore::number::{decimal_from_f64, parse_decimal, DecimalText};
use perfscore::{Columns, Error as CoreError, PayPlan, Plan, Problem, ScoreOptions, Summary};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

/// Columns that describe the person, never measures (as in record dicts and `frame_to_records`).
const NON_MEASURES: [&str; 5] = ["name", "team", "department", "branch", "attributes"];

/// Fewer rows than this per thread are not worth a thread (when `threads` is not given).
const MIN_ROWS_PER_THREAD: usize = 4096;
/// The default thread count never exceeds this.
const MAX_DEFAULT_THREADS: usize = 8;

// ---------------------------------------------------------------------------------------------
// Reading columns

/// One column, read once.
enum Cells<'py> {
    /// A numpy float64 array's bytes (native order).
    F64(Bound<'py, PyBytes>),
    /// A numpy int64 array's bytes (native order).
    I64(Bound<'py, PyBytes>),
    /// A numpy uint64 array's bytes (native order).
    U64(Bound<'py, PyBytes>),
    /// Anything else, as one list of Python objects.
    Objects(Bound<'py, PyList>),
}

impl Cells<'_> {
    fn len(&self) -> usize {
        match self {
            Cells::F64(b) | Cells::I64(b) | Cells::U64(b) => b.as_bytes().len() / 8,
            Cells::Objects(l) => l.len(),
        }
    }
}

/// A column (pandas Series or Index, numpy array, list, tuple or other sequence) read once.
fn read_column<'py>(
    col: &Bound<'py, PyAny>,
    numeric: bool,
) -> PyResult<Result<Cells<'py>, String>> {
    if col.is_instance_of::<PyString>() || col.is_instance_of::<PyBytes>() {
        return Ok(Err(format!(
            "expected a sequence of values, found {}",
            type_name(col)
        )));
    }
    if let Ok(list) = col.cast::<PyList>() {
        return Ok(Ok(Cells::Objects(list.clone())));
    }
    // pandas: the values as a numpy array (no per-row work); numpy arrays as they are.
    let array = if col.hasattr("to_numpy")? {
        col.call_method0("to_numpy")?
    } else {
        col.clone()
    };
    if numeric && array.hasattr("dtype")? && array.hasattr("tobytes")? {
        let dtype = array.getattr("dtype")?;
        let kind: String = dtype.getattr("kind")?.extract()?;
        let itemsize: usize = dtype.getattr("itemsize")?.extract()?;
        let order: String = dtype.getattr("byteorder")?.extract()?;
        let native = order == "=" || order == "|";
        if native && itemsize == 8 && matches!(kind.as_str(), "f" | "i" | "u") {
            let bytes = array.call_method0("tobytes")?.cast_into::<PyBytes>()?;
            return Ok(Ok(match kind.as_str() {
                "f" => Cells::F64(bytes),
                "i" => Cells::I64(bytes),
                _ => Cells::U64(bytes),
            }));
        }
    }
    if array.hasattr("tolist")? {
        if let Ok(list) = array.call_method0("tolist")?.cast_into::<PyList>() {
            return Ok(Ok(Cells::Objects(list)));
        }
    }
    if col.is_instance_of::<PyTuple>() || col.hasattr("__len__")? {
        if let Ok(it) = col.try_iter() {
            let items = it.collect::<PyResult<Vec<_>>>()?;
            return Ok(Ok(Cells::Objects(PyList::new(col.py(), items)?)));
        }
    }
    Ok(Err(format!(
        "expected a sequence of values, found {}",
        type_name(col)
    )))
}

/// Whether a value is pandas' or numpy's spelling of "no value" (other than None and float NaN).
fn is_missing_marker(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    let name = v.get_type().name()?;
    let name = name.to_cow()?;
    if name == "NAType" || name == "NaTType" {
        return Ok(true);
    }
    if is_decimal(v)? {
        return v.call_method0("is_nan")?.is_truthy();
    }
    // numpy floats other than float64 (a float subclass) are not missing unless NaN.
    if name.starts_with("float") && v.hasattr("__float__")? {
        let f: f64 = v.call_method0("__float__")?.extract()?;
        return Ok(f.is_nan());
    }
    Ok(false)
}

/// One cell of a measure column: `Ok(None)` is missing; errors are user messages.
fn cell_from_py(v: &Bound<'_, PyAny>) -> PyResult<Result<Option<Decimal>, String>> {
    if let Ok(s) = v.cast::<PyString>() {
        // The UTF-8 bytes borrowed from one encoded copy (`to_cow` copies twice under abi3-py39).
        let bytes = s.encode_utf8()?;
        let text = std::str::from_utf8(bytes.as_bytes()).unwrap_or_default();
        return Ok(parse_decimal(text).map(Some));
    }
    if v.is_none() {
        return Ok(Ok(None));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        let x = f.value();
        return Ok(if x.is_nan() {
            Ok(None)
        } else {
            decimal_from_f64(x).map(Some)
        });
    }
    if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
        if let Ok(i) = v.extract::<i64>() {
            return Ok(Ok(Some(Decimal::from(i))));
        }
    }
    if is_missing_marker(v)? {
        return Ok(Ok(None));
    }
    number_from_py(v)
}

/// A record id: text, or an int (written in digits), as in record dicts.
fn id_from_py<'py>(v: &Bound<'py, PyAny>) -> PyResult<Result<Bound<'py, PyString>, String>> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Ok(s.clone()));
    }
    if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
        return Ok(Ok(v.str()?));
    }
    if v.is_none() || v.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan()) || is_missing_marker(v)?
    {
        return Ok(Err("the id is missing".into()));
    }
    Ok(Err(format!("expected text, found {}", type_name(v))))
}

/// A problem with a place in the table, sorted into row order before reporting.
struct Located {
    row: usize,
    col: usize,
    problem: Problem,
}

fn record_path(index: usize, id: &str) -> String {
    if id.is_empty() {
        format!("records[{index}]")
    } else {
        format!("records[{index}] ({id})")
    }
}

/// `columns[k]` in the core's problems (an index into the measure columns it was given) →
/// `columns[j]`, the column's position in the frame.
fn remap_column_refs(text: &str, positions: &[usize]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("columns[") {
        let (head, tail) = rest.split_at(at + "columns[".len());
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let (number, tail) = tail.split_at(digits);
        match number.parse::<usize>().ok().and_then(|k| positions.get(k)) {
            Some(j) => out.push_str(&j.to_string()),
            None => out.push_str(number),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// The frame as read: ids, measure column names, row-major values (no Python objects, so the
/// scoring threads can share it).
struct Table {
    ids: Vec<String>,
    names: Vec<String>,
    columns: Columns,
    values: Vec<Option<Decimal>>,
    seconds_sequences: f64,
    seconds_cells: f64,
}

fn input_error(py: Python<'_>, problems: Vec<Problem>) -> PyErr {
    core_err(py, &CoreError::Input(problems))
}

/// A frame's columns as (name, column object) pairs, in order.
type NamedColumns<'py> = Vec<(String, Bound<'py, PyAny>)>;

/// The frame's columns as (name, column object) pairs, plus the index when it names the ids.
fn frame_columns<'py>(
    frame: &Bound<'py, PyAny>,
    id_column: &str,
) -> PyResult<(NamedColumns<'py>, Option<Bound<'py, PyAny>>)> {
    let py = frame.py();
    let is_frame =
        frame.hasattr("columns")? && frame.hasattr("index")? && frame.hasattr("items")?;
    if !is_frame
        && (frame.is_instance_of::<PyString>()
            || frame.is_instance_of::<PyList>()
            || frame.is_instance_of::<PyTuple>()
            || !frame.hasattr("items")?)
    {
        return Err(PyTypeError::new_err(format!(
            "summarize_frame: expected a pandas DataFrame or a mapping of column name to sequence, found {}",
            type_name(frame)
        )));
    }
    let mut columns = Vec::new();
    let mut bad_keys = Vec::new();
    for (j, item) in frame.call_method0("items")?.try_iter()?.enumerate() {
        let item = item?;
        let (key, col): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item.extract()?;
        let name = if let Ok(s) = key.cast::<PyString>() {
            s.to_cow()?.into_owned()
        } else if is_frame {
            // DataFrame labels are read as text, like `frame_to_records` does.
            key.str()?.to_cow()?.into_owned()
        } else {
            bad_keys.push(problem(
                format!("columns[{j}]"),
                format!("column names must be strings, found {}", type_name(&key)),
            ));
            continue;
        };
        columns.push((name, col));
    }
    if !bad_keys.is_empty() {
        return Err(input_error(py, bad_keys));
    }
    let mut index = None;
    if is_frame && !columns.iter().any(|(n, _)| n == id_column) {
        let idx = frame.getattr("index")?;
        let name = idx.getattr("name")?;
        if !name.is_none() && name.str()?.to_cow()? == id_column {
            index = Some(idx);
        }
    }
    Ok((columns, index))
}

/// The table and its ids as the Python objects given (for `record_ids`).
fn read_table<'py>(
    plan: &Plan,
    frame: &Bound<'py, PyAny>,
    id_column: &str,
) -> PyResult<(Table, Bound<'py, PyList>)> {
    let py = frame.py();
    let started = Instant::now();
    let mut seconds_cells = 0.0;
    let (columns, index) = frame_columns(frame, id_column)?;

    let mut table_problems: Vec<Problem> = Vec::new();
    let mut located: Vec<Located> = Vec::new();

    // Ids: the id column, or the index when it is named like the id column.
    let id_source = match columns.iter().position(|(n, _)| n == id_column) {
        Some(j) => Some((j, columns[j].1.clone())),
        None => index.map(|idx| (usize::MAX, idx)),
    };
    let Some((id_pos, id_col)) = id_source else {
        let known: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        return Err(input_error(
            py,
            vec![problem(
                "columns",
                format!(
                    "no id column `{id_column}` (columns: {}); name it with id_column=…",
                    known.join(", ")
                ),
            )],
        ));
    };
    let id_cells = match read_column(&id_col, false)? {
        Ok(Cells::Objects(list)) => list,
        // Not reached: ids are never read as raw numbers.
        Ok(_) => PyList::empty(py),
        Err(m) => {
            return Err(input_error(
                py,
                vec![problem(format!("columns.{id_column}"), m)],
            ))
        }
    };
    let n = id_cells.len();
    let t_cells = Instant::now();
    let mut ids = Vec::with_capacity(n);
    let id_objects = PyList::empty(py);
    for (i, v) in id_cells.iter().enumerate() {
        match id_from_py(&v)? {
            Ok(s) => {
                let text = s.to_cow()?.into_owned();
                if text.trim().is_empty() {
                    located.push(Located {
                        row: i,
                        col: 0,
                        problem: problem(format!("records[{i}].id"), "record id is empty"),
                    });
                }
                ids.push(text);
                id_objects.append(s)?;
            }
            Err(m) => {
                located.push(Located {
                    row: i,
                    col: 0,
                    problem: problem(format!("records[{i}].id"), m),
                });
                ids.push(String::new());
                id_objects.append(py.None())?;
            }
        }
    }
    seconds_cells += t_cells.elapsed().as_secs_f64();

    // Measure columns: everything but the id and the person's descriptive columns.
    let mut names = Vec::new();
    let mut positions = Vec::new();
    let mut sources = Vec::new();
    for (j, (name, col)) in columns.iter().enumerate() {
        if j == id_pos || NON_MEASURES.contains(&name.as_str()) {
            continue;
        }
        if name == "measures" {
            table_problems.push(problem(
                format!("columns[{j}]"),
                "a nested `measures` column is not read here: give one column per measure \
                 (pandas.json_normalize flattens it) or use score_many",
            ));
            continue;
        }
        names.push(name.clone());
        positions.push(j);
        sources.push(col);
    }
    let resolved = match plan.columns(&names) {
        Ok(c) => Some(c),
        Err(e) => {
            table_problems.extend(e.problems().iter().map(|p| {
                problem(
                    remap_column_refs(&p.path, &positions),
                    remap_column_refs(&p.message, &positions),
                )
            }));
            None
        }
    };

    let width = names.len();
    let mut values: Vec<Option<Decimal>> = vec![None; n.saturating_mul(width)];
    if resolved.is_some() {
        for (k, col) in sources.iter().enumerate() {
            let j = positions[k];
            let name = &names[k];
            let cells = match read_column(col, true)? {
                Ok(c) => c,
                Err(m) => {
                    table_problems.push(problem(format!("columns[{j}] ({name})"), m));
                    continue;
                }
            };
            if cells.len() != n {
                table_problems.push(problem(
                    format!("columns[{j}] ({name})"),
                    format!("{} values, but the id column has {n}", cells.len()),
                ));
                continue;
            }
            let t = Instant::now();
            let mut bad = |i: usize, message: String| {
                located.push(Located {
                    row: i,
                    col: k + 1,
                    problem: problem(format!("{}.{name}", record_path(i, &ids[i])), message),
                });
            };
            let slots = values.iter_mut().skip(k).step_by(width.max(1));
            match &cells {
                Cells::F64(b) => {
                    for (i, (chunk, slot)) in b.as_bytes().chunks_exact(8).zip(slots).enumerate() {
                        let x = f64::from_ne_bytes(chunk.try_into().unwrap_or_default());
                        if x.is_nan() {
                            continue;
                        }
                        match decimal_from_f64(x) {
                            Ok(d) => *slot = Some(d),
                            Err(m) => bad(i, m),
                        }
                    }
                }
                Cells::I64(b) => {
                    for (chunk, slot) in b.as_bytes().chunks_exact(8).zip(slots) {
                        *slot = Some(Decimal::from(i64::from_ne_bytes(
                            chunk.try_into().unwrap_or_default(),
                        )));
                    }
                }
                Cells::U64(b) => {
                    for (chunk, slot) in b.as_bytes().chunks_exact(8).zip(slots) {
                        *slot = Some(Decimal::from(u64::from_ne_bytes(
                            chunk.try_into().unwrap_or_default(),
                        )));
                    }
                }
                Cells::Objects(list) => {
                    for (i, (v, slot)) in list.iter().zip(slots).enumerate() {
                        match cell_from_py(&v)? {
                            Ok(d) => *slot = d,
                            Err(m) => bad(i, m),
                        }
                    }
                }
            }
            seconds_cells += t.elapsed().as_secs_f64();
        }
    }

    if !table_problems.is_empty() || !located.is_empty() {
        located.sort_by_key(|l| (l.row, l.col));
        table_problems.extend(located.into_iter().map(|l| l.problem));
        return Err(input_error(py, table_problems));
    }
    let Some(columns) = resolved else {
        return Err(input_error(py, table_problems));
    };
    let table = Table {
        ids,
        names,
        columns,
        values,
        seconds_sequences: started.elapsed().as_secs_f64() - seconds_cells,
        seconds_cells,
    };
    Ok((table, id_objects))
}

// ---------------------------------------------------------------------------------------------
// Scoring

/// What each row comes out as (the parts of a [`Summary`] the table keeps).
struct Row {
    total: Decimal,
    grade: Arc<str>,
    grade_before_veto: Option<Arc<str>>,
    vetoed: bool,
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

struct Scored {
    rows: Vec<Row>,
    pay: Option<Vec<Decimal>>,
}

/// `records[i].id: duplicate record id` for every repeat, in order (as the core reports them).
fn duplicate_ids(ids: &[String]) -> Vec<Problem> {
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
struct Chunk {
    rows: Vec<Row>,
    problems: Vec<Problem>,
    pay: Vec<Decimal>,
    pay_problems: Vec<Problem>,
}

#[allow(clippy::too_many_arguments)]
fn score_chunk(
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
fn score_table(
    plan: &Plan,
    table: &Table,
    options: &ScoreOptions,
    pay: Option<&PayPlan>,
    threads: usize,
) -> perfscore::Result<Scored> {
    let n = table.ids.len();
    let width = table.columns.len();
    if threads <= 1 || n < 2 {
        // One thread: the core's table API as it is.
        let summaries = plan.summarize_table(&table.columns, &table.ids, &table.values, options)?;
        let pay = match pay {
            Some(p) => Some(
                p.statements_for_table(&summaries, &table.names, &table.ids, &table.values)?
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
    let per = n.div_ceil(threads);
    let chunks: Vec<Chunk> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .step_by(per)
            .map(|start| {
                let end = (start + per).min(n);
                let ids = &table.ids[start..end];
                let values = &table.values[start * width..end * width];
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

fn default_threads(n: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    cores
        .min(MAX_DEFAULT_THREADS)
        .min(n / MIN_ROWS_PER_THREAD)
        .max(1)
}

/// Score options from a dict (`{"period": {...}}`) or JSON text.
fn options_from_any(py: Python<'_>, options: Option<&Bound<'_, PyAny>>) -> PyResult<ScoreOptions> {
    let Some(options) = options.filter(|o| !o.is_none()) else {
        return Ok(ScoreOptions::default());
    };
    let text = if let Ok(s) = options.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else {
        let dict = if options.is_instance_of::<PyDict>() {
            options.clone()
        } else if options.hasattr("keys")? {
            py.get_type::<PyDict>().call1((options,))?
        } else {
            return Err(PyTypeError::new_err(format!(
                "options: expected a dict such as {{\"period\": {{...}}}} or JSON text, found {}",
                type_name(options)
            )));
        };
        py_to_json(&dict, "options")?.to_string()
    };
    ScoreOptions::from_json(&text).map_err(|e| core_err(py, &e))
}

/// `Plan.summarize_frame`: see the module docs.
pub(crate) fn summarize_frame(
    py: Python<'_>,
    plan: &Arc<Plan>,
    frame: &Bound<'_, PyAny>,
    id_column: &str,
    options: Option<&Bound<'_, PyAny>>,
    pay: Option<Arc<PayPlan>>,
    threads: Option<usize>,
) -> PyResult<PySummaryTable> {
    if threads == Some(0) {
        return Err(PyValueError::new_err("threads must be at least 1"));
    }
    let options = options_from_any(py, options)?;
    let (table, id_objects) = read_table(plan, frame, id_column)?;
    let n = table.ids.len();
    let threads = threads.unwrap_or_else(|| default_threads(n)).min(n.max(1));

    let t = Instant::now();
    let scored = py
        .detach(|| score_table(plan, &table, &options, pay.as_deref(), threads))
        .map_err(|e| core_err(py, &e))?;
    let seconds_score = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut grade_names: Vec<Arc<str>> = Vec::new();
    let mut intern = |g: &Arc<str>| -> u16 {
        match grade_names.iter().position(|h| Arc::ptr_eq(h, g) || h == g) {
            Some(i) => i as u16,
            None => {
                grade_names.push(Arc::clone(g));
                (grade_names.len() - 1) as u16
            }
        }
    };
    let mut totals = Vec::with_capacity(n);
    let mut grades = Vec::with_capacity(n);
    let mut before = Vec::with_capacity(n);
    let mut vetoed = Vec::with_capacity(n);
    for r in &scored.rows {
        totals.push(r.total);
        grades.push(intern(&r.grade));
        before.push(r.grade_before_veto.as_ref().map(&mut intern));
        vetoed.push(r.vetoed);
    }
    let grade_strings = grade_names
        .iter()
        .map(|g| PyString::new(py, g).unbind())
        .collect();
    let seconds_build = t.elapsed().as_secs_f64();
    Ok(PySummaryTable {
        ids: id_objects.unbind(),
        totals,
        grades,
        grade_before_veto: before,
        grade_strings,
        vetoed,
        pay: scored.pay,
        threads,
        timings: [
            ("to_sequences", table.seconds_sequences),
            ("convert_cells", table.seconds_cells),
            ("score_and_pay", seconds_score),
            ("build", seconds_build),
        ],
    })
}

// ---------------------------------------------------------------------------------------------
// SummaryTable

/// The result of `Plan.summarize_frame`: one row per person, in input order.
#[pyclass(module = "perfscore._perfscore", name = "SummaryTable", frozen)]
pub(crate) struct PySummaryTable {
    ids: Py<PyList>,
    totals: Vec<Decimal>,
    grades: Vec<u16>,
    grade_before_veto: Vec<Option<u16>>,
    grade_strings: Vec<Py<PyString>>,
    vetoed: Vec<bool>,
    pay: Option<Vec<Decimal>>,
    threads: usize,
    timings: [(&'static str, f64); 4],
}

/// `decimal.Decimal`s for many values, each distinct value (scale included) built once from its
/// exact text and shared (Decimals are immutable).
fn decimal_list<'py>(py: Python<'py>, values: &[Decimal]) -> PyResult<Bound<'py, PyList>> {
    let class = decimal_class(py)?;
    let mut cache: HashMap<[u8; 16], Bound<'py, PyAny>> = HashMap::new();
    let mut items = Vec::with_capacity(values.len());
    for d in values {
        let key = d.serialize();
        let obj = match cache.get(&key) {
            Some(o) => o.clone(),
            None => {
                let o = class.call1((DecimalText::new(d).as_str(),))?;
                cache.insert(key, o.clone());
                o
            }
        };
        items.push(obj);
    }
    PyList::new(py, items)
}

#[pymethods]
impl PySummaryTable {
    fn __len__(&self) -> usize {
        self.totals.len()
    }

    /// Record ids, in input order (as given: text, or an int's digits).
    #[getter]
    fn record_ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        // A copy, so the caller may change it freely.
        let ids = self.ids.bind(py);
        ids.get_slice(0, ids.len())
            .cast_into::<PyList>()
            .map_err(Into::into)
    }

    /// Totals as `Decimal`, rounded once with the plan's scale and mode (`Decimal('74.40')`).
    #[getter]
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        decimal_list(py, &self.totals)
    }

    /// Grades (after any veto's grade cap).
    #[getter]
    fn grades<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(
            py,
            self.grades
                .iter()
                .map(|&g| self.grade_strings[usize::from(g)].bind(py)),
        )
    }

    /// The grade the total alone would have earned where a veto capped it, else None.
    #[getter]
    fn grade_before_veto<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(
            py,
            self.grade_before_veto.iter().map(|g| match g {
                Some(g) => self.grade_strings[usize::from(*g)]
                    .bind(py)
                    .clone()
                    .into_any(),
                None => py.None().into_bound(py),
            }),
        )
    }

    /// Whether any veto was triggered, per person.
    #[getter]
    fn vetoed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.vetoed.iter().map(|&v| PyBool::new(py, v)))
    }

    /// Pay statement totals as `Decimal` (the currency's minor unit) when a pay plan was given.
    #[getter]
    fn pay<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        self.pay.as_deref().map(|p| decimal_list(py, p)).transpose()
    }

    /// How many threads scored the table.
    #[getter]
    fn threads(&self) -> usize {
        self.threads
    }

    /// Seconds spent per phase inside `summarize_frame` (diagnostics for benchmarks).
    #[getter]
    fn _timings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in self.timings {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    /// Column names of `to_dataframe()` / `rows()`.
    fn columns(&self) -> Vec<&'static str> {
        let mut c = vec!["record_id", "total", "grade", "grade_before_veto", "vetoed"];
        if self.pay.is_some() {
            c.push("pay");
        }
        c
    }

    /// A pandas DataFrame: record_id, total, grade, grade_before_veto, vetoed[, pay]; Decimal
    /// cells for the exact values (pandas is imported only here).
    fn to_dataframe<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("perfscore._display")?
            .call_method1("summary_dataframe", (slf,))
    }

    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        slf.py()
            .import("perfscore._display")?
            .call_method1("summary_html", (slf,))?
            .extract()
    }

    fn __repr__(&self) -> String {
        format!(
            "<SummaryTable {} rows{}>",
            self.totals.len(),
            if self.pay.is_some() { " with pay" } else { "" }
        )
    }
}
