//! The columnar path: a DataFrame, or any mapping of column name → sequence, scored
//! to a [`PySummaryTable`] (totals, grades, vetoes and optionally pay) without building a Python
//! dict per row, a record per row or a scorecard per row.
//!
//! The frame is read into the core's batch [`Table`](perfscore::batch::Table) and scored by
//! [`Plan::summarize_lean`] (the batch kernel at period end, the engine mid-period): the
//! threads, their chunks of rows, scoring, pay and the order of problems are the core's. What is here is what needs Python: reading the columns, with and
//! without the GIL. The rows are split once into the core's contiguous chunks, one per thread
//! (`threads`, or the core's policy). Phases (timed into `SummaryTable._timings`):
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
//! 3. `cells_on_threads`: the GIL released, on the core's threads
//!    ([`TableBuilder::fill`](perfscore::batch::TableBuilder::fill)) each chunk of the table's
//!    row-major values gets the cells converted in phase 2 and converts the chunk's gathered cells
//!    into it, row by row: text parsed exactly (`parse_decimal`), float64 bytes by
//!    their shortest representation, int64/uint64 bytes as integers. The number policy is
//!    the records' (str exactly, Decimal by its text, int by its digits, float by its shortest
//!    representation; None/NaN/pd.NA missing, as in frames everywhere in this binding). All bad
//!    cells of all chunks are reported together with the problems found in phase 2 and the core
//!    table's id problems (empty, repeated), in row order;
//! 4. `score_and_pay`: still without the GIL, the core's `Plan::summarize_lean` (scoring and pay
//!    per chunk on the same threads, results and problems in row order);
//! 5. `build`: the result object (outputs become Python objects only when asked for).

mod cells;
mod clock;
mod columns;
mod floats;
mod read;

use crate::{core_err, decimal_class, py_to_json, type_name};
use cells::convert_deferred;
use clock::Clock;
use perfscore::batch::{Column, Row, Summaries, Threads};
use perfscore::{Error as CoreError, PayPlan, Plan, ScoreOptions};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use read::{place_core_problems, read_table};
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
    let threads = Threads::from_count(threads).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let options = options_from_any(py, options)?;
    let (mut frame, id_objects) = read_table(plan, frame, id_column, threads)?;
    let n = id_objects.len();
    let (seconds_sequences, seconds_cells) = (frame.seconds_sequences, frame.seconds_cells);

    let mut seconds_threads = 0.0;
    let mut seconds_score = 0.0;
    let rows = py
        .detach(|| {
            let t = Clock::start();
            let table = finish_table(&mut frame)?;
            seconds_threads = t.seconds();
            let t = Clock::start();
            let rows = plan.summarize_lean(&table, &options, pay.as_deref(), threads);
            seconds_score = t.seconds();
            rows
        })
        .map_err(|e| core_err(py, &e))?;
    // The text and bytes held for the threads are released here, with the GIL.
    drop(frame);

    let t = Clock::start();
    let (columns, pay_totals) = match rows {
        Summaries::Rows(rows) => (
            SummaryColumns::new(&rows),
            rows.iter().filter_map(|r| r.pay).collect(),
        ),
        Summaries::Totals(totals) => {
            let columns = SummaryColumns::of_totals(plan, &totals);
            (columns, totals.pay)
        }
    };
    let grade_strings = columns
        .grade_names
        .iter()
        .map(|g| PyString::new(py, g).unbind())
        .collect();
    let seconds_build = t.seconds();
    Ok(PySummaryTable {
        ids: id_objects.unbind(),
        totals: columns.totals,
        grades: columns.grades,
        grade_before_veto: columns.before,
        grade_strings,
        vetoed: columns.vetoed,
        pay: pay.is_some().then_some(pay_totals),
        threads: threads.count(n),
        timings: [
            ("to_sequences", seconds_sequences),
            ("cells_with_gil", seconds_cells),
            ("cells_on_threads", seconds_threads),
            ("score_and_pay", seconds_score),
            ("build", seconds_build),
        ],
    })
}

/// Phase 3 (without the GIL): the deferred cells converted on the core's threads and the core
/// table finished; every problem of the frame at once, the table's first, then the rows' in row
/// order.
fn finish_table(frame: &mut read::FrameTable) -> perfscore::Result<perfscore::batch::Table> {
    let mut located = convert_deferred(frame)?;
    let table = frame.builder.take().map(|b| b.finish());
    located.append(&mut frame.located);
    if let Some(Err(e)) = &table {
        let (positions, problems) = (&frame.positions, &mut frame.table_problems);
        place_core_problems(e, positions, problems, &mut located);
    }
    match table {
        Some(Ok(table)) if frame.table_problems.is_empty() && located.is_empty() => Ok(table),
        _ => {
            located.sort_by_key(|l| (l.row, l.col));
            let mut problems = std::mem::take(&mut frame.table_problems);
            problems.extend(located.into_iter().map(|l| l.problem));
            Err(CoreError::Input(problems).bounded())
        }
    }
}

/// `Plan.totals_frame`: the frame read exactly as `summarize_frame` reads it (float64 and int64
/// columns as raw bytes, the same number policy, aliases and problems), then the core's fast
/// exact path, `Plan::totals_of`, without the GIL. Totals as `Decimal`s and as integer units.
pub(crate) fn totals_frame<'py>(
    py: Python<'py>,
    plan: &Arc<Plan>,
    frame: &Bound<'py, PyAny>,
    id_column: &str,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let threads = Threads::from_count(threads).map_err(|e| PyValueError::new_err(e.to_string()))?;
    // All-numeric frames: the float and integer columns straight to the core; on any problem the table path
    // below reports it, exactly as `summarize_frame` would.
    if let Some(f) = floats::read(frame, id_column)? {
        let slices: Vec<Column<'_>> = f.columns.iter().map(floats::Owned::column).collect();
        if let Ok(totals) = py.detach(|| plan.totals(&f.ids, &f.names, &slices, threads)) {
            return totals_dict(py, plan, f.id_objects, &totals);
        }
    }
    let (mut frame, id_objects) = read_table(plan, frame, id_column, threads)?;
    let totals = py
        .detach(|| {
            let table = finish_table(&mut frame)?;
            plan.totals_of(&table, None, threads)
        })
        .map_err(|e| core_err(py, &e))?;
    drop(frame);
    totals_dict(py, plan, id_objects, &totals)
}

/// `totals_frame`'s result: a dict of columns.
fn totals_dict<'py>(
    py: Python<'py>,
    plan: &Plan,
    id_objects: Bound<'py, PyList>,
    totals: &perfscore::batch::Totals,
) -> PyResult<Bound<'py, PyDict>> {
    let grades: Vec<Bound<'py, PyString>> =
        plan.grade_names().map(|g| PyString::new(py, g)).collect();
    let name = |g: u32| grades.get(g as usize).cloned();
    let decimal = decimal_class(py)?;
    let out = PyDict::new(py);
    out.set_item("ids", id_objects)?;
    // Decimals are immutable: one object per distinct total (a team's totals repeat a lot).
    let mut made: HashMap<i64, Bound<'py, PyAny>> = HashMap::new();
    let mut values = Vec::with_capacity(totals.units.len());
    for (i, units) in totals.units.iter().enumerate() {
        let value = match made.get(units) {
            Some(v) => v.clone(),
            None => {
                let v = decimal.call1((totals.total(i).unwrap_or_default().to_string(),))?;
                made.insert(*units, v.clone());
                v
            }
        };
        values.push(value);
    }
    out.set_item("totals", values)?;
    out.set_item("units", &totals.units)?;
    out.set_item("scale", totals.scale)?;
    out.set_item(
        "grades",
        totals.grade.iter().map(|g| name(*g)).collect::<Vec<_>>(),
    )?;
    let before: Vec<_> = totals
        .grade_before_veto
        .iter()
        .map(|g| g.and_then(name))
        .collect();
    out.set_item("grades_before_veto", before)?;
    out.set_item("vetoed", &totals.vetoed)?;
    Ok(out)
}

/// The rows as columns, grades interned (each distinct grade text kept once).
struct SummaryColumns {
    totals: Vec<Decimal>,
    grades: Vec<u16>,
    before: Vec<Option<u16>>,
    vetoed: Vec<bool>,
    grade_names: Vec<Arc<str>>,
}

impl SummaryColumns {
    fn new(rows: &[Row]) -> SummaryColumns {
        let n = rows.len();
        let mut out = SummaryColumns {
            totals: Vec::with_capacity(n),
            grades: Vec::with_capacity(n),
            before: Vec::with_capacity(n),
            vetoed: Vec::with_capacity(n),
            grade_names: Vec::new(),
        };
        for r in rows {
            let s = &r.summary;
            out.totals.push(s.total);
            let grade = out.intern(&s.grade);
            out.grades.push(grade);
            let before = s.grade_before_veto.as_ref().map(|g| out.intern(g));
            out.before.push(before);
            out.vetoed.push(s.vetoed);
        }
        out
    }

    /// The kernel's totals as columns: its grade indexes are the plan's.
    fn of_totals(plan: &Plan, t: &perfscore::batch::Totals) -> SummaryColumns {
        let index = |g: u32| u16::try_from(g).unwrap_or(u16::MAX);
        SummaryColumns {
            totals: (0..t.units.len())
                .map(|i| t.total(i).unwrap_or_default())
                .collect(),
            grades: t.grade.iter().map(|g| index(*g)).collect(),
            before: t.grade_before_veto.iter().map(|g| g.map(index)).collect(),
            vetoed: t.vetoed.clone(),
            grade_names: plan.grade_names().map(Arc::from).collect(),
        }
    }

    fn intern(&mut self, g: &Arc<str>) -> u16 {
        let names = &mut self.grade_names;
        let i = match names.iter().position(|h| Arc::ptr_eq(h, g) || h == g) {
            Some(i) => i,
            None => {
                names.push(Arc::clone(g));
                names.len() - 1
            }
        };
        i as u16
    }
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
    /// Zeros without the `timings` feature (the clock is not read then).
    #[cfg_attr(not(feature = "timings"), allow(dead_code))]
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
                let o = class.call1((d.to_string(),))?;
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
