//! Python binding of perfscore: conversion and error mapping only.
//!
//! Python values become JSON values mechanically (`convert.rs`) and are read by the core's one
//! input layer (`perfscore::input`: records, options, plans, responses, weights), so Python reads
//! exactly what Node, wasm and JSON text read. Results go back as the core's canonical JSON, its
//! flat table cells and `decimal.Decimal`s built from exact text. Errors become
//! `perfscore.PlanError` / `perfscore.InputError` (`errors.rs`). The HTML and pandas niceties live
//! in the pure-Python layer (`perfscore/_display.py`, `perfscore/_pay.py`,
//! `perfscore/_feedback.py`). Pay plans, statements and bonus pools are in `pay.rs`; 360-degree
//! feedback in `feedback.rs`.

use perfscore::Cell;
use perfscore::{Error as CoreError, Lang, Plan, Record, ScoreOptions, Scorecard};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use rust_decimal::Decimal;
use std::sync::Arc;

mod analytics;
mod convert;
mod errors;
mod feedback;
mod frame;
mod pay;
mod sequence;

pub(crate) use convert::{
    decimal_class, is_decimal, number_from_py, py_decimal, py_to_json, rows_to_json, type_name,
};
pub(crate) use errors::{core_err, problem};

// ---------------------------------------------------------------------------------------------
// Options and records

/// Scoring options from `period` (a mapping, or JSON text), read by the core under `options`.
fn options_from_py(py: Python<'_>, period: Option<&Bound<'_, PyAny>>) -> PyResult<ScoreOptions> {
    let Some(period) = period.filter(|p| !p.is_none()) else {
        return Ok(ScoreOptions::default());
    };
    let value = if let Ok(s) = period.cast::<PyString>() {
        serde_json::from_str(&s.to_cow()?).map_err(|e| {
            core_err(
                py,
                &CoreError::Input(vec![problem("options.period", e.to_string())]),
            )
        })?
    } else {
        py_to_json(period, "period")?
    };
    ScoreOptions::from_value(serde_json::json!({ "period": value })).map_err(|e| core_err(py, &e))
}

/// One record (a dict), read by the core's record rule.
fn record_from_py(py: Python<'_>, plan: &Plan, record: &Bound<'_, PyAny>) -> PyResult<Record> {
    let value = py_to_json(record, "record")?;
    plan.read_record(value).map_err(|e| core_err(py, &e))
}

/// A batch of records (a list of dicts or a DataFrame), read by the core's record rule.
fn records_from_py(
    py: Python<'_>,
    plan: &Plan,
    records: &Bound<'_, PyAny>,
) -> PyResult<Vec<Record>> {
    let value = rows_to_json(py, records, "record")?;
    plan.read_records(value).map_err(|e| core_err(py, &e))
}

const ATTRIBUTES: [&str; 5] = ["id", "name", "team", "department", "branch"];

fn record_to_py<'py>(py: Python<'py>, r: &Record) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", &r.id)?;
    for (k, v) in [
        ("name", &r.name),
        ("team", &r.team),
        ("department", &r.department),
        ("branch", &r.branch),
    ] {
        d.set_item(k, v.as_deref())?;
    }
    if !r.attributes.is_empty() {
        let a = PyDict::new(py);
        for (k, v) in &r.attributes {
            a.set_item(k, v)?;
        }
        d.set_item("attributes", a)?;
    }
    let m = PyDict::new(py);
    for (k, v) in &r.measures {
        m.set_item(k, py_decimal(py, *v)?)?;
    }
    d.set_item("measures", m)?;
    Ok(d)
}

// ---------------------------------------------------------------------------------------------
// Plan

/// A validated, compiled assessment plan (immutable, shareable across threads).
#[pyclass(module = "perfscore._perfscore", name = "Plan", frozen)]
struct PyPlan {
    inner: Arc<Plan>,
}

fn plan_result(py: Python<'_>, r: perfscore::Result<Plan>) -> PyResult<PyPlan> {
    r.map(|p| PyPlan { inner: Arc::new(p) })
        .map_err(|e| core_err(py, &e))
}

/// A plan compiled within the host's lowered limits (a mapping such as `{"max_list_items": 200}`),
/// or the defaults.
fn compile_plan(py: Python<'_>, text: &str, limits: Option<&Bound<'_, PyAny>>) -> PyResult<PyPlan> {
    let limits = limits_from_py(py, limits)?;
    plan_result(py, Plan::from_json_with_limits(text, &limits))
}

/// The host's lowered limits (a mapping such as `{"max_list_items": 200}`), or the defaults.
fn limits_from_py(
    py: Python<'_>,
    limits: Option<&Bound<'_, PyAny>>,
) -> PyResult<perfscore::Limits> {
    match limits {
        Some(l) if !l.is_none() => {
            perfscore::Limits::from_value(py_to_json(l, "limits")?).map_err(|e| core_err(py, &e))
        }
        _ => Ok(perfscore::Limits::default()),
    }
}

#[pymethods]
impl PyPlan {
    /// Parse and validate a plan from JSON text; every problem is reported at once.
    /// `limits` lowers the defaults for plans from untrusted users (see SECURITY.md).
    #[staticmethod]
    #[pyo3(signature = (text, limits=None))]
    fn from_json(
        py: Python<'_>,
        text: &str,
        limits: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyPlan> {
        compile_plan(py, text, limits)
    }

    /// A plan from a dict (as `json.loads` would give, Decimals and floats allowed).
    #[staticmethod]
    #[pyo3(signature = (plan, limits=None))]
    fn from_dict(
        py: Python<'_>,
        plan: &Bound<'_, PyAny>,
        limits: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyPlan> {
        let value = py_to_json(plan, "plan")?;
        let limits = limits_from_py(py, limits)?;
        plan_result(py, Plan::from_value_with_limits(value, &limits))
    }

    /// A plan from a UTF-8 JSON file; Python opens and reads the file.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<PyPlan> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("encoding", "utf-8-sig")?;
        let file = py
            .import("builtins")?
            .call_method("open", (path,), Some(&kwargs))?;
        let text = file.call_method0("read");
        file.call_method0("close")?;
        let text = text?;
        plan_result(py, Plan::from_json(&text.extract::<String>()?))
    }

    /// A bundled plan template by id, e.g. `monthly-sales-rep`.
    #[staticmethod]
    fn template(py: Python<'_>, id: &str) -> PyResult<PyPlan> {
        match perfscore::templates::plan_template(id) {
            Some(text) => plan_result(py, Plan::from_json(text)),
            None => {
                let known: Vec<&str> = perfscore::templates::PLAN_TEMPLATES
                    .iter()
                    .map(|(k, _)| *k)
                    .collect();
                Err(core_err(
                    py,
                    &CoreError::Plan(vec![problem(
                        "template",
                        format!("no template `{id}` (known: {})", known.join(", ")),
                    )]),
                ))
            }
        }
    }

    /// The plan document as compact JSON (`Plan.from_json` reads it back as the same plan);
    /// analytics requests take a `Plan` wherever they take a plan document.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The plan's id.
    #[getter]
    fn id(&self) -> String {
        self.inner.spec().id.to_string()
    }

    /// The plan's display name.
    #[getter]
    fn name(&self) -> String {
        self.inner.spec().name.to_string()
    }

    /// Measure ids, in declaration order.
    #[getter]
    fn measures(&self) -> Vec<String> {
        self.inner
            .measures()
            .iter()
            .map(|m| m.id.to_string())
            .collect()
    }

    /// Grade names from lowest to highest.
    #[getter]
    fn grades(&self) -> Vec<String> {
        self.inner.grade_names().map(str::to_owned).collect()
    }

    /// Records from CSV text with a header row (headers may be measure aliases), as dicts.
    fn records_from_csv<'py>(
        &self,
        py: Python<'py>,
        text: &str,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let records = self
            .inner
            .records_from_csv(text)
            .map_err(|e| core_err(py, &e))?;
        records.iter().map(|r| record_to_py(py, r)).collect()
    }

    /// Records from a JSON array of record objects, as dicts.
    fn records_from_json<'py>(
        &self,
        py: Python<'py>,
        text: &str,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let records = self
            .inner
            .records_from_json(text)
            .map_err(|e| core_err(py, &e))?;
        records.iter().map(|r| record_to_py(py, r)).collect()
    }

    /// Score one record (a dict); `period` says how far the period has gone.
    #[pyo3(signature = (record, period=None))]
    fn score(
        &self,
        py: Python<'_>,
        record: &Bound<'_, PyAny>,
        period: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyScorecard> {
        let options = options_from_py(py, period)?;
        let rec = record_from_py(py, &self.inner, record)?;
        self.inner
            .score_with(&rec, &options)
            .map(|inner| PyScorecard { inner })
            .map_err(|e| core_err(py, &e))
    }

    /// Score a batch (a list of dicts or a DataFrame) without holding the GIL; all or nothing.
    #[pyo3(signature = (records, period=None))]
    fn score_many(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        period: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyBatch> {
        let options = options_from_py(py, period)?;
        let records = records_from_py(py, &self.inner, records)?;
        let plan = Arc::clone(&self.inner);
        let cards = py
            .detach(move || plan.score_many(&records, &options))
            .map_err(|e| core_err(py, &e))?;
        let cards = cards
            .into_iter()
            .map(|inner| Py::new(py, PyScorecard { inner }))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyBatch { cards })
    }

    /// Score a table column by column: a pandas DataFrame or a mapping of column name →
    /// sequence in, a `SummaryTable` (totals, grades, vetoes, optionally pay) out. The cells are
    /// converted in Rust into the core's batch table, then scored by the core's batch engine
    /// without the GIL, on `threads` threads (default: the engine's policy, one per 4,096 rows up
    /// to 8; give 1 inside Spark or Dask tasks); no dict, record or scorecard per row. All or
    /// nothing, every problem at once.
    #[pyo3(signature = (frame, *, id_column="id", options=None, pay_plan=None, threads=None))]
    fn summarize_frame(
        &self,
        py: Python<'_>,
        frame: &Bound<'_, PyAny>,
        id_column: &str,
        options: Option<&Bound<'_, PyAny>>,
        pay_plan: Option<PyRef<'_, pay::PyPayPlan>>,
        threads: Option<usize>,
    ) -> PyResult<frame::PySummaryTable> {
        let pay = match pay_plan {
            Some(p) => {
                if !p.pays(&self.inner) {
                    return Err(PyValueError::new_err(format!(
                        "pay_plan was compiled against plan `{}`, not this plan (`{}`)",
                        p.plan_id(),
                        self.inner.spec().id
                    )));
                }
                Some(p.core())
            }
            None => None,
        };
        frame::summarize_frame(py, &self.inner, frame, id_column, options, pay, threads)
    }

    fn __repr__(&self) -> String {
        let spec = self.inner.spec();
        format!(
            "<Plan {} {:?} indicators={}>",
            spec.id,
            spec.name.to_string(),
            self.inner.indicator_count()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Scorecard

/// One person's result.
#[pyclass(module = "perfscore._perfscore", name = "Scorecard", frozen)]
struct PyScorecard {
    inner: Scorecard,
}

fn opt_dec<'py>(py: Python<'py>, d: Option<Decimal>) -> PyResult<Option<Bound<'py, PyAny>>> {
    d.map(|d| py_decimal(py, d)).transpose()
}

fn display(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("perfscore._display")
}

#[pymethods]
impl PyScorecard {
    #[getter]
    fn plan_id(&self) -> String {
        self.inner.plan_id.to_string()
    }
    #[getter]
    fn record_id(&self) -> String {
        self.inner.record_id.clone()
    }
    #[getter]
    fn name(&self) -> Option<String> {
        self.inner.name.clone()
    }
    #[getter]
    fn team(&self) -> Option<String> {
        self.inner.team.clone()
    }
    #[getter]
    fn department(&self) -> Option<String> {
        self.inner.department.clone()
    }
    #[getter]
    fn branch(&self) -> Option<String> {
        self.inner.branch.clone()
    }
    #[getter]
    fn attributes(&self) -> std::collections::BTreeMap<String, String> {
        self.inner.attributes.clone()
    }
    /// The total, rounded once with the plan's scale and mode (keeps the scale: `74.40`).
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.total)
    }
    #[getter]
    fn unrounded_total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.unrounded_total.normalize())
    }
    #[getter]
    fn weighted_total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.weighted_total.normalize())
    }
    #[getter]
    fn adjustment_total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.adjustment_total.normalize())
    }
    #[getter]
    fn grade(&self) -> String {
        self.inner.grade.to_string()
    }
    #[getter]
    fn grade_before_veto(&self) -> Option<String> {
        self.inner.grade_before_veto.as_ref().map(|g| g.to_string())
    }
    /// `"red"`, `"yellow"`, `"green"`, or None (no progress scored, or no light).
    #[getter]
    fn status(&self) -> Option<&'static str> {
        self.inner
            .progress
            .as_ref()
            .and_then(|p| p.status)
            .map(|s| s.en())
    }
    #[getter]
    fn projected_total<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_dec(
            py,
            self.inner.progress.as_ref().and_then(|p| p.projected_total),
        )
    }
    #[getter]
    fn projected_grade(&self) -> Option<String> {
        self.inner
            .progress
            .as_ref()
            .and_then(|p| p.projected_grade.as_ref())
            .map(|g| g.to_string())
    }
    /// Section results as dicts (decimals as Decimal), each with its `indicators`.
    #[getter]
    fn sections<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.part(py, "sections")
    }
    /// All indicator results across sections, as dicts.
    #[getter]
    fn indicators<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        display(py)?.call_method1("indicators_of", (self.to_dict(py)?,))
    }
    /// Adjustments (bonus points and deductions) as dicts.
    #[getter]
    fn adjustments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.part(py, "adjustments")
    }
    /// Triggered vetoes as dicts (`id`, `name`, `condition`, `effect`).
    #[getter]
    fn vetoes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.part(py, "vetoes")
    }
    /// The progress summary as a dict, or None at period end.
    #[getter]
    fn progress<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self
            .to_dict(py)?
            .get_item("progress")?
            .unwrap_or_else(|| py.None().into_bound(py)))
    }

    /// One indicator's result by id, as a dict, or None.
    fn indicator<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        display(py)?.call_method1("find_by_id", (self.indicators(py)?, id))
    }

    /// One section's result by id, as a dict, or None.
    fn section<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        display(py)?.call_method1("find_by_id", (self.sections(py)?, id))
    }

    /// The core's canonical JSON, byte for byte.
    fn to_json(&self) -> String {
        self.inner.to_canonical_json()
    }

    /// The canonical JSON as Python values, decimals as `decimal.Decimal`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = display(py)?.call_method1("decode_card", (self.inner.to_canonical_json(),))?;
        Ok(d.cast_into::<PyDict>()?)
    }

    /// A step-by-step explanation in English (`en`) or Simplified Chinese (`zh`).
    #[pyo3(signature = (lang="en"))]
    fn explain(&self, lang: &str) -> PyResult<String> {
        let lang: Lang = lang.parse().map_err(PyValueError::new_err)?;
        Ok(self.inner.explain(lang))
    }

    /// Column names of the flat table form (`row()`).
    fn columns(&self) -> Vec<String> {
        self.inner.columns()
    }

    /// The flat table form: text, Decimal or None per column.
    fn row<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.inner
            .row()
            .into_iter()
            .map(|c| match c {
                Cell::Text(t) => Ok(PyString::new(py, &t).into_any()),
                Cell::Number(d) => py_decimal(py, d),
                Cell::Empty => Ok(py.None().into_bound(py)),
            })
            .collect()
    }

    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        display(slf.py())?
            .call_method1("scorecard_html", (slf,))?
            .extract()
    }

    fn __repr__(&self) -> String {
        let c = &self.inner;
        let mut s = format!("<Scorecard {}", c.record_id);
        if let Some(n) = &c.name {
            s.push(' ');
            s.push_str(n);
        }
        s.push_str(&format!(" total={} grade={}", c.total, c.grade));
        if let Some(st) = c.progress.as_ref().and_then(|p| p.status) {
            s.push_str(&format!(" status={}", st.en()));
        }
        s.push('>');
        s
    }

    fn __str__(&self) -> String {
        self.inner.explain(Lang::En)
    }
}

impl PyScorecard {
    fn part<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        Ok(self
            .to_dict(py)?
            .get_item(key)?
            .unwrap_or_else(|| PyList::empty(py).into_any()))
    }
}

// ---------------------------------------------------------------------------------------------
// BatchResult

/// The scorecards of a batch, in input order; a read-only sequence.
#[pyclass(
    module = "perfscore._perfscore",
    name = "BatchResult",
    frozen,
    sequence
)]
struct PyBatch {
    cards: Vec<Py<PyScorecard>>,
}

#[pymethods]
impl PyBatch {
    fn __len__(&self) -> usize {
        self.cards.len()
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::sequence::get_item(py, &self.cards, index, "BatchResult")
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::sequence::iter(py, &self.cards)
    }

    /// Canonical JSON lines: one scorecard per line, each ending in a newline.
    fn to_json_lines(&self) -> String {
        self.cards
            .iter()
            .map(|c| c.get().inner.to_canonical_json() + "\n")
            .collect()
    }

    /// The canonical JSON array of all scorecards.
    fn to_json(&self) -> String {
        let cards: Vec<String> = self
            .cards
            .iter()
            .map(|c| c.get().inner.to_canonical_json())
            .collect();
        format!("[{}]", cards.join(","))
    }

    /// Column names of the table form (from the first scorecard; the attribute columns when empty).
    fn columns(&self) -> Vec<String> {
        match self.cards.first() {
            Some(c) => c.get().inner.columns(),
            None => ATTRIBUTES
                .iter()
                .map(|a| if *a == "id" { "record_id" } else { a }.to_string())
                .collect(),
        }
    }

    /// One row per person (see `Scorecard.row`).
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Vec<Vec<Bound<'py, PyAny>>>> {
        self.cards.iter().map(|c| c.get().row(py)).collect()
    }

    /// A pandas DataFrame, one row per person, Decimal cells (pandas is imported only here).
    fn to_dataframe<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        display(slf.py())?.call_method1("batch_dataframe", (slf,))
    }

    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        display(slf.py())?
            .call_method1("batch_html", (slf,))?
            .extract()
    }

    fn __repr__(&self) -> String {
        format!("<BatchResult {} scorecards>", self.cards.len())
    }
}

// ---------------------------------------------------------------------------------------------
// Module

/// The bundled demo team (12 people, one month) as CSV text.
#[pyfunction]
fn demo_team_csv() -> &'static str {
    perfscore::templates::DEMO_TEAM_CSV
}

/// The plan the demo team is scored with, as JSON text.
#[pyfunction]
fn demo_plan_json() -> &'static str {
    perfscore::templates::DEMO_PLAN_JSON
}

/// The indicator library (JSON array of indicator specs).
#[pyfunction]
fn indicator_library_json() -> &'static str {
    perfscore::templates::INDICATOR_LIBRARY
}

/// Ids of the bundled plan templates.
#[pyfunction]
fn template_ids() -> Vec<&'static str> {
    perfscore::templates::PLAN_TEMPLATES
        .iter()
        .map(|(k, _)| *k)
        .collect()
}

#[pymodule]
fn _perfscore(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPlan>()?;
    m.add_class::<PyScorecard>()?;
    m.add_class::<PyBatch>()?;
    m.add_class::<frame::PySummaryTable>()?;
    m.add_function(wrap_pyfunction!(demo_team_csv, m)?)?;
    m.add_function(wrap_pyfunction!(demo_plan_json, m)?)?;
    m.add_function(wrap_pyfunction!(indicator_library_json, m)?)?;
    m.add_function(wrap_pyfunction!(template_ids, m)?)?;
    pay::register(m)?;
    feedback::register(m)?;
    analytics::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
