//! The columnar path (issue 8): a DataFrame, or any mapping of column name → sequence, scored
//! to a [`PySummaryTable`] (totals, grades, vetoes and optionally pay) without building a Python
//! dict per row, a record per row or a scorecard per row.
//!
//! The rows are split once into contiguous chunks, one per thread (`threads`). Phases (timed into
//! `SummaryTable._timings`):
//! 1. `to_sequences`: each column read once as a whole (a numpy float64/int64 array as raw bytes,
//!    anything else as one Python list);
//! 2. `cells_with_gil`: what needs Python, with the GIL held: the ids (all text: one join); in
//!    object columns, the text of the `str` cells gathered without parsing it (one `"\x1f".join`
//!    in C and one UTF-8 copy per column, kept as a [`PyBackedStr`], readable without the GIL, and
//!    cut at the chunks' boundaries; a column mixing text with other cells: per chunk, the text
//!    cells only), and every other cell (Decimal, int, float, None/NaN/pd.NA, other objects)
//!    converted here, one by one, as before. Text that cannot be gathered so (a cell holding
//!    U+001F, or a lone surrogate) is converted here cell by cell too, raising or reporting
//!    exactly as before;
//! 3. `cells_on_threads`: the GIL released, each thread makes its own chunk's row-major
//!    `Vec<Option<Decimal>>` (the cells converted in phase 2 put in) and converts the chunk's
//!    gathered cells into it, row by row: text parsed exactly (`parse_decimal`), float64 bytes by
//!    their shortest representation, int64/uint64 bytes as integers. The number policy is
//!    the records' (str exactly, Decimal by its text, int by its digits, float by its shortest
//!    representation; None/NaN/pd.NA missing, as in frames everywhere in this binding). All bad
//!    cells of all chunks are reported together with the problems found in phase 2, in row order;
//! 4. `score_and_pay`: still without the GIL, the core's `Plan::summarize_table` (one thread) or
//!    one `Scorer` per chunk on scoped threads, results concatenated in row order; pay priced from
//!    the same summaries (`PayPlan::statements_for_table` / `statement_for_columns`), never scored
//!    twice;
//! 5. `build`: the result object (outputs become Python objects only when asked for).

use super::{core_err, decimal_class, is_decimal, number_from_py, problem, py_to_json, type_name};
use perfscore::number::{decimal_from_f64, parse_decimal, DecimalText};
use perfscore::{Columns, Error as CoreError, PayPlan, Plan, Problem, ScoreOptions, Summary};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
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

// ---------------------------------------------------------------------------------------------
// Cells converted off the GIL

/// Joins the text of a chunk's `str` cells (U+001F, the ASCII unit separator).
const SEP: &str = "\u{1f}";
const SEP_CHAR: char = '\u{1f}';

/// Rows per chunk when `n` rows are split over `threads` threads (the last chunk may be shorter).
fn chunk_rows(n: usize, threads: usize) -> usize {
    n.div_ceil(threads.max(1)).max(1)
}

/// The cells of a [`TextChunk`]'s text, in order (like `split(SEP_CHAR)`, cheaper for short cells).
struct Pieces<'a>(Option<&'a str>);

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0?;
        match rest.bytes().position(|b| b == SEP_CHAR as u8) {
            // U+001F is one byte: `at` and `at + 1` are character boundaries.
            Some(at) => {
                self.0 = rest.get(at + 1..);
                rest.get(..at)
            }
            None => {
                self.0 = None;
                Some(rest)
            }
        }
    }
}

/// The text of some `str` cells of one chunk, joined by [`SEP`], held without needing the GIL.
struct TextChunk {
    text: PyBackedStr,
    /// The rows of the cells, in order; `None`: every row of the chunk.
    rows: Option<Vec<usize>>,
}

/// Cells of a measure column left for the scoring threads (all `Send + Sync`: no `Bound`s).
enum DeferredCells {
    /// A numpy float64 array's bytes (native order).
    F64(PyBackedBytes),
    /// A numpy int64 array's bytes (native order).
    I64(PyBackedBytes),
    /// A numpy uint64 array's bytes (native order).
    U64(PyBackedBytes),
    /// An object column of `str` cells only, joined by [`SEP`] once; `cuts`: the byte offsets of
    /// the separators that end each chunk but the last.
    Joined { text: PyBackedStr, cuts: Vec<usize> },
    /// The `str` cells of an object column, per chunk (`None`: the chunk has none).
    Text(Vec<Option<TextChunk>>),
}

struct Deferred {
    /// The measure column's index (its slot in each row of the table).
    k: usize,
    cells: DeferredCells,
}

/// `joined` (the text of `cells` cells joined by [`SEP`]) as UTF-8 readable without the GIL, or
/// `None` when a cell cannot be encoded (a lone surrogate) or itself contains the separator:
/// those chunks are converted cell by cell, which raises or reports exactly as before.
fn joined_text(joined: Bound<'_, PyString>, cells: usize) -> Option<PyBackedStr> {
    let text = PyBackedStr::try_from(joined).ok()?;
    let separators = text.bytes().filter(|&b| b == SEP_CHAR as u8).count();
    (separators + 1 == cells).then_some(text)
}

/// An object column whose cells are all `str` (the usual case for text columns) as one text, the
/// cells joined by [`SEP`] (checked and copied by `str.join` in C, then one UTF-8 copy), and the
/// byte offsets where the chunks of `per` rows end; `None` for any other column, or when a cell
/// cannot be encoded or contains the separator (then the column is read chunk by chunk).
fn join_column(
    list: &Bound<'_, PyList>,
    sep: &Bound<'_, PyString>,
    per: usize,
) -> Option<(PyBackedStr, Vec<usize>)> {
    let n = list.len();
    let joined = sep.call_method1("join", (list,)).ok()?;
    let text = PyBackedStr::try_from(joined.cast_into::<PyString>().ok()?).ok()?;
    const BLOCK: usize = 4096;
    let mut cuts = Vec::with_capacity(n / per.max(1));
    let (mut seen, mut next) = (0, per);
    for (b, block) in text.as_bytes().chunks(BLOCK).enumerate() {
        let count = block.iter().filter(|&&x| x == SEP_CHAR as u8).count();
        if seen + count < next {
            seen += count;
            continue;
        }
        // A chunk ends in this block: find where.
        for (at, &x) in block.iter().enumerate() {
            if x == SEP_CHAR as u8 {
                seen += 1;
                if seen == next {
                    cuts.push(b * BLOCK + at);
                    next += per;
                }
            }
        }
    }
    (n > 0 && seen + 1 == n).then_some((text, cuts))
}

/// Rows `start..end` of an object column: the text of its `str` cells gathered for parsing off
/// the GIL; every other cell converted here, into `converted` as (index in the chunk's row-major
/// values: slot `k` of rows `width` wide, row 0 being row `start`; value), bad ones passed to `bad`.
#[allow(clippy::too_many_arguments)]
fn gather_objects(
    list: &Bound<'_, PyList>,
    start: usize,
    end: usize,
    sep: &Bound<'_, PyString>,
    converted: &mut Vec<(usize, Decimal)>,
    width: usize,
    k: usize,
    bad: &mut impl FnMut(usize, String),
) -> PyResult<Option<TextChunk>> {
    let py = list.py();
    let part = if start == 0 && end == list.len() {
        list.clone()
    } else {
        list.get_slice(start, end).cast_into::<PyList>()?
    };
    // Every cell is text (the usual case for text columns): `str.join` checks and copies in C.
    if let Ok(joined) = sep.call_method1("join", (&part,)) {
        if let Some(text) = joined_text(joined.cast_into::<PyString>()?, end - start) {
            return Ok(Some(TextChunk { text, rows: None }));
        }
    }
    // Mixed cells: text gathered, the rest converted now, in row order.
    let mut texts: Vec<Bound<'_, PyString>> = Vec::new();
    let mut rows = Vec::new();
    for (i, v) in (start..end).zip(part.iter()) {
        if v.is_none() {
            continue;
        }
        let v = match v.cast_into::<PyString>() {
            Ok(s) => {
                texts.push(s);
                rows.push(i);
                continue;
            }
            Err(e) => e.into_inner(),
        };
        match cell_from_py(&v) {
            Ok(Ok(d)) => converted.extend(d.map(|d| ((i - start) * width + k, d))),
            Ok(Err(m)) => bad(i, m),
            Err(e) => {
                // Cell by cell, an earlier text cell that cannot be encoded would have raised first.
                for s in &texts {
                    s.encode_utf8()?;
                }
                return Err(e);
            }
        }
    }
    if texts.is_empty() {
        return Ok(None);
    }
    let joined = sep
        .call_method1("join", (PyList::new(py, &texts)?,))?
        .cast_into::<PyString>()?;
    if let Some(text) = joined_text(joined, texts.len()) {
        return Ok(Some(TextChunk {
            text,
            rows: Some(rows),
        }));
    }
    // A cell that cannot be encoded or contains the separator: cell by cell, here.
    for (s, i) in texts.iter().zip(rows) {
        match cell_from_py(s.as_any())? {
            Ok(d) => converted.extend(d.map(|d| ((i - start) * width + k, d))),
            Err(m) => bad(i, m),
        }
    }
    Ok(None)
}

/// Where one deferred column stands while a chunk is converted row by row.
enum Cursor<'a> {
    F64(std::slice::ChunksExact<'a, u8>),
    I64(std::slice::ChunksExact<'a, u8>),
    U64(std::slice::ChunksExact<'a, u8>),
    /// Every row's cell is the next piece of text.
    Text(Pieces<'a>),
    /// The rows still to come whose cell is the next piece of text.
    Rows(Pieces<'a>, &'a [usize]),
    /// Nothing to convert in this chunk.
    Done,
}

/// Chunk `c`'s values (rows `start..start + rows`, row-major, `names.len()` wide): allocated
/// here (on the chunk's thread: the pages are touched in parallel, without the GIL), the cells
/// converted with the GIL put in (`converted`), then the deferred cells converted row by row
/// (each row's slots written together, in cache). The bad cells come back as problems with their
/// place.
#[allow(clippy::too_many_arguments)]
fn convert_chunk<'a>(
    deferred: &'a [Deferred],
    converted: &[(usize, Decimal)],
    c: usize,
    start: usize,
    rows: usize,
    ids: &[String],
    names: &[String],
) -> (Vec<Option<Decimal>>, Vec<Located>) {
    let width = names.len();
    let mut values = vec![None; rows * width];
    for &(j, d) in converted {
        if let Some(slot) = values.get_mut(j) {
            *slot = Some(d);
        }
    }
    let end = start + rows;
    if width == 0 || deferred.is_empty() {
        return (values, Vec::new());
    }
    let words = |b: &'a PyBackedBytes| -> std::slice::ChunksExact<'a, u8> {
        b.get(start * 8..end * 8)
            .unwrap_or_default()
            .chunks_exact(8)
    };
    let mut cursors: Vec<(usize, Cursor<'a>)> = deferred
        .iter()
        .map(|d| {
            let cursor = match &d.cells {
                DeferredCells::F64(b) => Cursor::F64(words(b)),
                DeferredCells::I64(b) => Cursor::I64(words(b)),
                DeferredCells::U64(b) => Cursor::U64(words(b)),
                DeferredCells::Joined { text, cuts } => {
                    let from = if c == 0 {
                        Some(0)
                    } else {
                        cuts.get(c - 1).map(|&at| at + 1)
                    };
                    let to = cuts.get(c).copied().unwrap_or(text.len());
                    let cells = from.and_then(|from| text.get(from..to)).unwrap_or_default();
                    Cursor::Text(Pieces(Some(cells)))
                }
                DeferredCells::Text(chunks) => match chunks.get(c) {
                    Some(Some(chunk)) => match &chunk.rows {
                        None => Cursor::Text(Pieces(Some(&chunk.text))),
                        Some(rows) => Cursor::Rows(Pieces(Some(&chunk.text)), rows),
                    },
                    _ => Cursor::Done,
                },
            };
            (d.k, cursor)
        })
        .collect();
    let word =
        |w: Option<&[u8]>| -> [u8; 8] { w.and_then(|w| w.try_into().ok()).unwrap_or_default() };
    let mut problems = Vec::new();
    for (i, row) in (start..end).zip(values.chunks_exact_mut(width)) {
        for (k, cursor) in &mut cursors {
            let cell = match cursor {
                Cursor::F64(w) => {
                    let x = f64::from_ne_bytes(word(w.next()));
                    if x.is_nan() {
                        continue;
                    }
                    decimal_from_f64(x)
                }
                Cursor::I64(w) => Ok(Decimal::from(i64::from_ne_bytes(word(w.next())))),
                Cursor::U64(w) => Ok(Decimal::from(u64::from_ne_bytes(word(w.next())))),
                Cursor::Text(cells) => parse_decimal(cells.next().unwrap_or_default()),
                Cursor::Rows(cells, rows) => match rows.split_first() {
                    Some((&r, rest)) if r == i => {
                        *rows = rest;
                        parse_decimal(cells.next().unwrap_or_default())
                    }
                    _ => continue,
                },
                Cursor::Done => continue,
            };
            match cell {
                Ok(d) => {
                    if let Some(slot) = row.get_mut(*k) {
                        *slot = Some(d);
                    }
                }
                Err(m) => problems.push(Located {
                    row: i,
                    col: *k + 1,
                    problem: problem(format!("{}.{}", record_path(i, &ids[i]), names[*k]), m),
                }),
            }
        }
    }
    (values, problems)
}

/// Phase 3 (the GIL released by the caller): every chunk's values made on its own thread
/// (`table.values`, one `Vec` per chunk); the problems of all chunks, unsorted.
fn convert_deferred(table: &mut Table) -> Vec<Located> {
    let n = table.ids.len();
    let per = chunk_rows(n, table.threads);
    let (ids, names, deferred) = (&table.ids[..], &table.names[..], &table.deferred[..]);
    let converted = &table.converted[..];
    let work = |c: usize| {
        let start = c * per;
        let rows = per.min(n - start);
        let cells = converted.get(c).map_or(&[][..], Vec::as_slice);
        convert_chunk(deferred, cells, c, start, rows, ids, names)
    };
    let chunks = n.div_ceil(per);
    let done: Vec<_> = if chunks <= 1 {
        (0..chunks).map(work).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..chunks).map(|c| scope.spawn(move || work(c))).collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        let panicked = Located {
                            row: usize::MAX,
                            col: 0,
                            problem: problem(
                                "records",
                                "internal error: a conversion thread panicked",
                            ),
                        };
                        (Vec::new(), vec![panicked])
                    })
                })
                .collect()
        })
    };
    let mut problems = Vec::new();
    table.values = done
        .into_iter()
        .map(|(values, mut p)| {
            problems.append(&mut p);
            values
        })
        .collect();
    problems
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

/// The frame as read: ids, measure column names, row-major values (no `Bound`s, so the
/// threads can share it). `converted` holds the cells converted with the GIL (per chunk, by index
/// in the chunk's values), `deferred` the rest; [`convert_deferred`] makes `values` from both.
struct Table {
    ids: Vec<String>,
    names: Vec<String>,
    columns: Columns,
    /// One row-major `Vec` per chunk of `chunk_rows(n, threads)` rows, in order.
    values: Vec<Vec<Option<Decimal>>>,
    converted: Vec<Vec<(usize, Decimal)>>,
    deferred: Vec<Deferred>,
    /// Problems of the table as a whole (reported first), then of cells, found with the GIL.
    table_problems: Vec<Problem>,
    located: Vec<Located>,
    /// How many threads (and row chunks) convert and score.
    threads: usize,
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
    threads: Option<usize>,
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
    let threads = threads.unwrap_or_else(|| default_threads(n)).min(n.max(1));
    let per = chunk_rows(n, threads);
    let t_cells = Instant::now();
    let sep = PyString::new(py, SEP);
    let mut ids = Vec::with_capacity(n);
    // All text (the usual case): one `str.join` and one UTF-8 copy instead of one per id.
    let all_text = sep
        .call_method1("join", (&id_cells,))
        .ok()
        .and_then(|j| j.cast_into::<PyString>().ok())
        .and_then(|j| joined_text(j, n));
    let id_objects = if let Some(text) = all_text {
        for (i, id) in text.split(SEP_CHAR).enumerate() {
            if id.trim().is_empty() {
                located.push(Located {
                    row: i,
                    col: 0,
                    problem: problem(format!("records[{i}].id"), "record id is empty"),
                });
            }
            ids.push(id.to_owned());
        }
        // A copy: the caller may change their list afterwards.
        id_cells.get_slice(0, n).cast_into::<PyList>()?
    } else {
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
        id_objects
    };
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
    let mut converted: Vec<Vec<(usize, Decimal)>> = vec![Vec::new(); n.div_ceil(per)];
    let mut deferred = Vec::new();
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
            match cells {
                Cells::F64(b) => deferred.push(Deferred {
                    k,
                    cells: DeferredCells::F64(b.into()),
                }),
                Cells::I64(b) => deferred.push(Deferred {
                    k,
                    cells: DeferredCells::I64(b.into()),
                }),
                Cells::U64(b) => deferred.push(Deferred {
                    k,
                    cells: DeferredCells::U64(b.into()),
                }),
                Cells::Objects(list) => {
                    if let Some((text, cuts)) = join_column(&list, &sep, per) {
                        deferred.push(Deferred {
                            k,
                            cells: DeferredCells::Joined { text, cuts },
                        });
                        seconds_cells += t.elapsed().as_secs_f64();
                        continue;
                    }
                    let mut chunks = Vec::new();
                    for (start, part) in (0..n).step_by(per).zip(converted.iter_mut()) {
                        let end = (start + per).min(n);
                        chunks.push(gather_objects(
                            &list, start, end, &sep, part, width, k, &mut bad,
                        )?);
                    }
                    if chunks.iter().any(Option::is_some) {
                        deferred.push(Deferred {
                            k,
                            cells: DeferredCells::Text(chunks),
                        });
                    }
                }
            }
            seconds_cells += t.elapsed().as_secs_f64();
        }
    }

    // Problems of the cells converted on the threads are added to these later.
    let Some(columns) = resolved else {
        located.sort_by_key(|l| (l.row, l.col));
        table_problems.extend(located.into_iter().map(|l| l.problem));
        return Err(input_error(py, table_problems));
    };
    let table = Table {
        ids,
        names,
        columns,
        values: Vec::new(),
        converted,
        deferred,
        table_problems,
        located,
        threads,
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
    let (mut table, id_objects) = read_table(plan, frame, id_column, threads)?;
    let n = table.ids.len();
    let threads = table.threads;
    let (seconds_sequences, seconds_cells) = (table.seconds_sequences, table.seconds_cells);

    let mut seconds_threads = 0.0;
    let mut seconds_score = 0.0;
    let scored = py
        .detach(|| {
            let t = Instant::now();
            let mut located = convert_deferred(&mut table);
            seconds_threads = t.elapsed().as_secs_f64();
            if !table.table_problems.is_empty() || !table.located.is_empty() || !located.is_empty()
            {
                // Every problem at once: the table's first, then the cells' in row order.
                located.append(&mut table.located);
                located.sort_by_key(|l| (l.row, l.col));
                let mut problems = std::mem::take(&mut table.table_problems);
                problems.extend(located.into_iter().map(|l| l.problem));
                return Err(CoreError::Input(problems));
            }
            let t = Instant::now();
            let scored = score_table(plan, &table, &options, pay.as_deref(), threads);
            seconds_score = t.elapsed().as_secs_f64();
            scored
        })
        .map_err(|e| core_err(py, &e))?;
    // The text and bytes held for the threads are released here, with the GIL.
    drop(table);

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
            ("to_sequences", seconds_sequences),
            ("cells_with_gil", seconds_cells),
            ("cells_on_threads", seconds_threads),
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
    timings: [(&'static str, f64); 5],
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
