//! The columnar path: a polars, pyarrow, DuckDB or pandas frame, or any mapping of column name →
//! sequence, scored to a [`PySummaryTable`] (totals, grades, vetoes and optionally pay) without a
//! Python object per cell, row or scorecard.
//!
//! `read.rs` moves the frame's buffers into Arrow arrays with the GIL held; the core reads them
//! ([`Plan::read_frame`]: the header rule of CSV exports, ids, every number and problem) and
//! scores them ([`Plan::summarize_lean`], [`Plan::frame_totals`]) on its own threads without the
//! GIL. Phases are timed into `SummaryTable._timings` in benchmark wheels.

mod arrow_out;
mod clock;
mod read;

pub(crate) use arrow_out::PyArrowStream;

use crate::{core_err, decimal_class, py_to_json, type_name};
use clock::Clock;
use perfscore::batch::{FramePart, FrameStream, SummaryColumns, Threads};
use perfscore::{PayPlan, Plan, ScoreOptions};
use pyo3::exceptions::{PyImportError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;

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

/// Rows per part: Ctrl-C and progress are looked at between parts (about 50 ms of work here).
pub(crate) const PART_ROWS: usize = 65_536;

/// What a frame batch is scored with, read once from the method's keywords.
pub(crate) struct Request {
    id_column: Option<String>,
    options: ScoreOptions,
    pay: Option<Arc<PayPlan>>,
    threads: Threads,
}

impl Request {
    pub(crate) fn new(
        py: Python<'_>,
        id_column: Option<&str>,
        options: Option<&Bound<'_, PyAny>>,
        pay: Option<Arc<PayPlan>>,
        threads: Option<usize>,
    ) -> PyResult<Request> {
        Ok(Request {
            id_column: id_column.map(str::to_string),
            options: options_from_any(py, options)?,
            pay,
            threads: Threads::from_count(threads)
                .map_err(|e| PyValueError::new_err(e.to_string()))?,
        })
    }

    /// One part read and scored, rows and ids counted by `stream`.
    fn score(
        &self,
        plan: &Plan,
        stream: &mut FrameStream,
        part: &[read::Owned],
    ) -> perfscore::Result<FramePart> {
        let frame = read::frame(part, self.id_column.as_deref());
        let pay = self.pay.as_deref();
        stream.summarize(plan, &frame, &self.options, pay, self.threads)
    }
}

/// A table of the columns gathered from a batch's parts.
fn summary_table(
    py: Python<'_>,
    columns: SummaryColumns,
    paid: bool,
    threads: usize,
) -> PyResult<PySummaryTable> {
    let grade_strings = columns
        .grade_names
        .iter()
        .map(|g| PyString::new(py, g).unbind())
        .collect();
    Ok(PySummaryTable {
        grade_strings,
        paid,
        columns,
        threads,
        timings: [("columns", 0.0), ("read_and_score", 0.0), ("build", 0.0)],
    })
}

/// A progress report: `progress(done, total)` for a callable, a tqdm bar for `True`.
enum Progress<'py> {
    None,
    Call(Bound<'py, PyAny>),
    Bar(Bound<'py, PyAny>),
}

impl<'py> Progress<'py> {
    fn new(py: Python<'py>, progress: Option<&Bound<'py, PyAny>>, total: usize) -> PyResult<Self> {
        Ok(match progress {
            None => Progress::None,
            Some(p) if p.is_none() => Progress::None,
            Some(p) if p.is_instance_of::<PyBool>() => match p.is_truthy()? {
                false => Progress::None,
                true => {
                    let tqdm = py.import("tqdm.auto").map_err(|_| {
                        PyImportError::new_err("progress=True shows a tqdm bar: pip install tqdm")
                    })?;
                    let kwargs = PyDict::new(py);
                    kwargs.set_item("total", total)?;
                    kwargs.set_item("unit", "rows")?;
                    Progress::Bar(tqdm.getattr("tqdm")?.call((), Some(&kwargs))?)
                }
            },
            Some(p) if p.is_callable() => Progress::Call(p.clone()),
            Some(p) => {
                return Err(PyTypeError::new_err(format!(
                    "progress: expected a callable (done, total) or True, found {}",
                    type_name(p)
                )))
            }
        })
    }

    fn report(&self, done: usize, rows: usize, total: usize) -> PyResult<()> {
        match self {
            Progress::None => Ok(()),
            Progress::Call(f) => f.call1((done, total)).map(drop),
            Progress::Bar(bar) => bar.call_method1("update", (rows,)).map(drop),
        }
    }

    fn close(&self) -> PyResult<()> {
        match self {
            Progress::Bar(bar) => bar.call_method0("close").map(drop),
            _ => Ok(()),
        }
    }
}

/// `Plan.summarize_frame`: see the module docs. Parts of [`PART_ROWS`] rows are read and scored
/// without the GIL; between parts Python's signals are checked (Ctrl-C raises
/// `KeyboardInterrupt` within one part and returns nothing) and progress is reported. All or
/// nothing: every part's problems are gathered (bounded) and raised together.
pub(crate) fn summarize_frame(
    py: Python<'_>,
    plan: &Arc<Plan>,
    frame: &Bound<'_, PyAny>,
    request: &Request,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PySummaryTable> {
    let t = Clock::start();
    // An Arrow frame that knows its length (pandas, polars, pyarrow) is read batch by batch (no
    // copy of its columns); any other is read whole first, to know how many rows there are.
    let known = match frame.hasattr("__arrow_c_stream__")? {
        true => frame.len().ok(),
        false => None,
    };
    let (mut parts, total) = match known {
        Some(total) => (read::Parts::open(frame, PART_ROWS)?, total),
        None => {
            let columns = read::columns(frame)?;
            let total = columns.first().map_or(0, read::Owned::rows);
            (read::Parts::whole(columns, PART_ROWS), total)
        }
    };
    let seconds_columns = t.seconds();
    let progress = Progress::new(py, progress, total)?;
    let mut stream = FrameStream::new();
    let mut gathered = SummaryColumns::new(plan);
    let t = Clock::start();
    while let Some(part) = parts.next_part()? {
        let rows = part.first().map_or(0, read::Owned::rows);
        let done = py.detach(|| request.score(plan, &mut stream, &part));
        if let Some(part) = stream.gather(done) {
            gathered.push(part);
        }
        if stream.is_stopped() {
            break;
        }
        py.check_signals()?;
        progress.report(stream.rows(), rows, total)?;
    }
    progress.close()?;
    let seconds_score = t.seconds();
    stream.finish().map_err(|e| core_err(py, &e))?;
    let t = Clock::start();
    let threads = request.threads.count(total);
    let mut table = summary_table(py, gathered, request.pay.is_some(), threads)?;
    table.timings = [
        ("columns", seconds_columns),
        ("read_and_score", seconds_score),
        ("build", t.seconds()),
    ];
    Ok(table)
}

/// `Plan.iter_summaries`: a frame scored part by part, each part a `SummaryTable` as soon as it
/// is scored. An Arrow stream (polars, pyarrow, DuckDB) is read batch by batch, so memory stays
/// at one part; rows are numbered and ids checked for repeats across the whole stream. A part
/// with a problem raises (the parts before it were already handed out).
#[pyclass(module = "perfscore._perfscore", name = "SummaryStream")]
pub(crate) struct PySummaryStream {
    plan: Arc<Plan>,
    request: Request,
    /// A mutex only so the class is `Sync` (an Arrow reader is not); `__next__` holds `&mut`.
    parts: std::sync::Mutex<read::Parts>,
    stream: FrameStream,
}

impl PySummaryStream {
    pub(crate) fn open(
        plan: &Arc<Plan>,
        frame: &Bound<'_, PyAny>,
        request: Request,
        part_rows: usize,
    ) -> PyResult<PySummaryStream> {
        Ok(PySummaryStream {
            plan: Arc::clone(plan),
            request,
            parts: std::sync::Mutex::new(read::Parts::open(frame, part_rows)?),
            stream: FrameStream::new(),
        })
    }
}

#[pymethods]
impl PySummaryStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<PySummaryTable>> {
        let parts = self
            .parts
            .get_mut()
            .map_err(|_| PyValueError::new_err("the stream failed earlier"))?;
        let Some(part) = parts.next_part()? else {
            return Ok(None);
        };
        let (plan, request, stream) = (&self.plan, &self.request, &mut self.stream);
        let done = py
            .detach(|| request.score(plan, stream, &part))
            .map_err(|e| core_err(py, &e))?;
        let rows = done.ids.len();
        let mut gathered = SummaryColumns::new(&self.plan);
        gathered.push(done);
        let threads = self.request.threads.count(rows);
        summary_table(py, gathered, self.request.pay.is_some(), threads).map(Some)
    }

    /// Rows read so far.
    #[getter]
    fn rows(&self) -> usize {
        self.stream.rows()
    }
}

// ---------------------------------------------------------------------------------------------
// SummaryTable

/// The result of `Plan.summarize_frame`: one row per person, in input order.
#[pyclass(module = "perfscore._perfscore", name = "SummaryTable", frozen)]
pub(crate) struct PySummaryTable {
    columns: SummaryColumns,
    /// The grade names as Python text, made once.
    grade_strings: Vec<Py<PyString>>,
    paid: bool,
    threads: usize,
    /// Zeros without the `timings` feature (the clock is not read then).
    #[cfg_attr(not(feature = "timings"), allow(dead_code))]
    timings: [(&'static str, f64); 3],
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
                let o = class.call1((d.to_string(),))?;
                cache.insert(key, o.clone());
                o
            }
        };
        items.push(obj);
    }
    PyList::new(py, items)
}

impl PySummaryTable {
    /// Pay totals when the batch was paid.
    fn paid_totals(&self) -> Option<&[Decimal]> {
        self.paid.then_some(self.columns.pay.as_slice())
    }

    /// The table as one Arrow record batch.
    fn arrow(&self, py: Python<'_>, floats: bool) -> PyResult<PyArrowStream> {
        let grade_names = self
            .grade_strings
            .iter()
            .map(|g| g.bind(py).to_cow().map(|c| c.into_owned()))
            .collect::<PyResult<Vec<_>>>()?;
        arrow_out::Summary {
            ids: &self.columns.ids,
            totals: &self.columns.totals,
            grades: &self.columns.grades,
            grade_before_veto: &self.columns.grades_before_veto,
            grade_names,
            vetoed: &self.columns.vetoed,
            pay: self.paid_totals(),
        }
        .stream(floats)
    }
}

#[pymethods]
impl PySummaryTable {
    fn __len__(&self) -> usize {
        self.columns.len()
    }

    /// Record ids, in input order (as given: text, or an int's digits).
    #[getter]
    fn record_ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        // Made on request (a table handed to Arrow never needs them as Python text); a new list
        // each time, so the caller may change it freely.
        PyList::new(py, self.columns.ids.iter())
    }

    /// Totals as `Decimal`, rounded once with the plan's scale and mode (`Decimal('74.40')`).
    #[getter]
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        decimal_list(py, &self.columns.totals)
    }

    /// Grades (after any veto's grade cap).
    #[getter]
    fn grades<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(
            py,
            self.columns
                .grades
                .iter()
                .map(|&g| self.grade_strings[usize::from(g)].bind(py)),
        )
    }

    /// The grade the total alone would have earned where a veto capped it, else None.
    #[getter]
    fn grade_before_veto<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(
            py,
            self.columns.grades_before_veto.iter().map(|g| match g {
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
        PyList::new(py, self.columns.vetoed.iter().map(|&v| PyBool::new(py, v)))
    }

    /// Pay statement totals as `Decimal` (the currency's minor unit) when a pay plan was given.
    #[getter]
    fn pay<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        self.paid_totals().map(|p| decimal_list(py, p)).transpose()
    }

    /// Headers of the frame's columns the plan does not read (neither a record attribute such as
    /// `name` / `姓名` nor a measure id or alias), in frame order: a notes column, or a misspelt
    /// measure.
    #[getter]
    fn ignored_columns(&self) -> Vec<String> {
        self.columns.ignored.clone()
    }

    /// How many threads scored the table.
    #[getter]
    fn threads(&self) -> usize {
        self.threads
    }

    /// Seconds spent per phase inside `summarize_frame` (benchmark wheels only: the `timings`
    /// cargo feature).
    #[cfg(feature = "timings")]
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
        if self.paid {
            c.push("pay");
        }
        c
    }

    /// The table through the Arrow PyCapsule stream interface (exact `decimal128` totals and pay),
    /// so `pyarrow.table(t)`, `polars.DataFrame(t)` and DuckDB read it directly.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, pyo3::types::PyCapsule>>,
    ) -> PyResult<Bound<'py, pyo3::types::PyCapsule>> {
        self.arrow(py, false)?
            .__arrow_c_stream__(py, requested_schema)
    }

    /// A pyarrow Table: totals and pay as exact `decimal128(38, scale)`, or `float64` with
    /// `floats=True` (for plots); grades as dictionary text.
    #[pyo3(signature = (*, floats=false))]
    fn to_arrow<'py>(&self, py: Python<'py>, floats: bool) -> PyResult<Bound<'py, PyAny>> {
        let stream = Py::new(py, self.arrow(py, floats)?)?;
        py.import("pyarrow")?.call_method1("table", (stream,))
    }

    /// A polars DataFrame, as `to_arrow` (polars `Decimal` columns, or `Float64` with
    /// `floats=True`).
    #[pyo3(signature = (*, floats=false))]
    fn to_polars<'py>(&self, py: Python<'py>, floats: bool) -> PyResult<Bound<'py, PyAny>> {
        let stream = Py::new(py, self.arrow(py, floats)?)?;
        py.import("polars")?.call_method1("DataFrame", (stream,))
    }

    /// A pandas DataFrame from `to_arrow`: exact decimals as pyarrow-backed columns
    /// (`decimal128[pyarrow]`), or `float64` columns with `floats=True`, which `df.plot()`,
    /// `quantile` and friends take. (`to_dataframe()` gives `Decimal` objects instead.)
    #[pyo3(signature = (*, floats=false))]
    fn to_pandas<'py>(&self, py: Python<'py>, floats: bool) -> PyResult<Bound<'py, PyAny>> {
        let table = self.to_arrow(py, floats)?;
        let kwargs = PyDict::new(py);
        if !floats {
            let arrow_dtype = py.import("pandas")?.getattr("ArrowDtype")?;
            kwargs.set_item("types_mapper", arrow_dtype)?;
        }
        table.call_method("to_pandas", (), Some(&kwargs))
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
            self.columns.len(),
            if self.paid { " with pay" } else { "" }
        )
    }
}
