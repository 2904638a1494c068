//! `Plan`'s methods: compiling, scoring, batches, and the host values only it reads (limits).

use crate::classes::{PyPayPlan, PyPlan};
use crate::convert::{py_decimal, py_to_json};
use crate::errors::core_err;
use crate::host::{options_from_py, read_text, record_from_py, records_from_py};
use crate::ops::{request_text, run_result};
use crate::scorecard::{batch, PyScorecard};
use perfscore::{Error as CoreError, Plan, Record};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;

/// A record as a dict with `Decimal` measures (records serialise their measures as plain text).
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
        d.set_item("attributes", &r.attributes)?;
    }
    let m = PyDict::new(py);
    for (k, v) in &r.measures {
        m.set_item(k, py_decimal(py, *v)?)?;
    }
    d.set_item("measures", m)?;
    Ok(d)
}

fn plan_result(py: Python<'_>, r: perfscore::Result<Plan>) -> PyResult<PyPlan> {
    r.map(|p| PyPlan { inner: Arc::new(p) })
        .map_err(|e| core_err(py, &e))
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

impl PyPlan {
    /// The core pay plan, when it pays this plan's scorecards (the core checks it).
    fn pay_of(
        &self,
        py: Python<'_>,
        pay_plan: Option<PyRef<'_, PyPayPlan>>,
    ) -> PyResult<Option<Arc<perfscore::PayPlan>>> {
        let Some(p) = pay_plan else { return Ok(None) };
        let pay = p.core();
        pay.check_plan(&self.inner).map_err(|e| core_err(py, &e))?;
        Ok(Some(pay))
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
        let limits = limits_from_py(py, limits)?;
        plan_result(py, Plan::from_json_with_limits(text, &limits))
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
        plan_result(py, Plan::from_json(&read_text(py, path)?))
    }

    /// A bundled plan template by id, e.g. `monthly-sales-rep`.
    #[staticmethod]
    fn template(py: Python<'_>, id: &str) -> PyResult<PyPlan> {
        let request = serde_json::json!({ "id": id }).to_string();
        let text = perfscore::ops::run("template", &request).map_err(|e| core_err(py, &e))?;
        plan_result(py, Plan::from_json(&text))
    }

    /// The plan document as compact JSON (`Plan.from_json` reads it back as the same plan);
    /// analytics requests take a `Plan` wherever they take a plan document.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Pickling (Spark, Dask, multiprocessing) goes through the plan document: unpickling
    /// compiles it again with `Plan.from_json`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = py.get_type::<PyPlan>().getattr("from_json")?;
        Ok((from_json, (self.inner.to_json(),)))
    }

    /// Decimal places of the plan's totals.
    #[getter]
    fn scale(&self) -> u32 {
        self.inner.scale()
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

    /// Each record scored and kept as its period result (docs/history.md): a dict
    /// `{"results": [...]}` with the plan's id and hash, the history document the
    /// `analytics.person_timeline` and `analytics.promotion_eligibility` operations read.
    /// `records` as `score_many` takes them; `period` like `2026-06` or `2026-Q2`; `pay_plan` a
    /// pay plan document (dict or JSON text: each result's `pay` is its statement's total);
    /// `feedback` each person's 360 overall score (`{"E1": 4.2}`).
    #[pyo3(signature = (records, period, options=None, *, pay_plan=None, feedback=None))]
    #[allow(clippy::too_many_arguments)]
    fn period_results(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        period: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyAny>>,
        pay_plan: Option<&Bound<'_, PyAny>>,
        feedback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let request = PyDict::new(py);
        request.set_item("records", records)?;
        request.set_item("period", period)?;
        for (key, value) in [
            ("options", options),
            ("pay_plan", pay_plan),
            ("feedback", feedback),
        ] {
            if let Some(v) = value.filter(|v| !v.is_none()) {
                request.set_item(key, v)?;
            }
        }
        self.run(py, "period_results", Some(request.as_any()))
    }

    /// Promotion eligibility under this plan's `promotion` rules (docs/history.md): `results` a
    /// history (a list of dicts, CSV text or a DataFrame), `as_of` a period; `people`, `plan`
    /// and `lang` as the `promotion_eligibility` analytics operation takes them.
    #[pyo3(signature = (results, as_of, **query))]
    fn promotion_eligibility(
        &self,
        py: Python<'_>,
        results: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let request = PyDict::new(py);
        if let Some(q) = query {
            request.update(q.as_mapping())?;
        }
        request.set_item("results", results)?;
        request.set_item("as_of", as_of)?;
        self.run(py, "promotion_eligibility", Some(request.as_any()))
    }

    /// Each person's record from business facts (docs/facts.md): `facts` maps source ids to
    /// rows (a list of dicts, a DataFrame, or CSV text); the plan's fact measures over `period`
    /// as known on `as_of`, merged into `records`. A dict `{records, unassigned, not_listed}`,
    /// decimals as exact text, as the `records_from_facts` operation gives it.
    #[pyo3(signature = (facts, period, **query))]
    fn records_from_facts(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        period: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        self.facts_op(py, "records_from_facts", facts, period, query)
    }

    /// `records_from_facts`, then every record scored (a list of scorecard dicts); with `as_of`
    /// inside the period, progress runs to it unless `options` says otherwise.
    #[pyo3(signature = (facts, period, **query))]
    fn score_facts(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        period: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        self.facts_op(py, "score_facts", facts, period, query)
    }

    /// Cross-analysis of the facts (docs/facts.md): `by` (columns, or person / team / branch
    /// / manager / month / quarter / year), and keywords `measures`, `compare`, `top`, `org`,
    /// `as_of`, `lang`. A dict `{rows, others, total, summary, ...}`.
    #[pyo3(signature = (facts, period, **query))]
    fn pivot_facts(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        period: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        self.facts_op(py, "pivot_facts", facts, period, query)
    }

    /// Two fact measures compared per person (`left`, `right`, `tolerance`, `tolerance_pct`
    /// keywords): a dict `{matched, differences, summary, ...}`.
    #[pyo3(signature = (facts, period, **query))]
    fn reconcile_facts(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        period: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        self.facts_op(py, "reconcile_facts", facts, period, query)
    }

    /// The data-quality report of facts (keywords `period`, `org`): their problems as data,
    /// and what scoring would leave out.
    #[pyo3(signature = (facts, **query))]
    fn check_facts(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let request = crate::ops::keywords(py, query)?;
        request.set_item("facts", facts)?;
        self.run(py, "check_facts", Some(request.as_any()))
    }

    /// A live accumulator of this plan's facts: empty, or restored from `to_json`'s `state`.
    #[pyo3(signature = (state=None))]
    fn accumulator(
        &self,
        py: Python<'_>,
        state: Option<&str>,
    ) -> PyResult<crate::accumulator::PyAccumulator> {
        let plan = Arc::clone(&self.inner);
        let acc = match state {
            Some(text) => perfscore::ops::Accumulator::from_json(plan, text),
            None => perfscore::ops::Accumulator::new(plan),
        };
        acc.map(crate::accumulator::PyAccumulator::from)
            .map_err(|e| core_err(py, &e))
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
            .map(PyScorecard::from)
            .map_err(|e| core_err(py, &e))
    }

    /// Score a batch (a list of dicts or a DataFrame) without holding the GIL; all or nothing.
    #[pyo3(signature = (records, period=None))]
    fn score_many<'py>(
        &self,
        py: Python<'py>,
        records: &Bound<'_, PyAny>,
        period: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = options_from_py(py, period)?;
        let records = records_from_py(py, &self.inner, records)?;
        let plan = Arc::clone(&self.inner);
        let cards = py
            .detach(move || plan.score_many(&records, &options))
            .map_err(|e| core_err(py, &e))?;
        batch(py, cards)
    }

    /// Score a table column by column: a polars, pyarrow, DuckDB or pandas frame (anything with
    /// `__arrow_c_stream__`) or a mapping of column name → sequence in, a `SummaryTable`
    /// (totals, grades, vetoes, optionally pay) out. Headers are read as in a CSV export (`id` /
    /// `工号`, `name` / `姓名`, measure ids and aliases; other columns ignored and listed in
    /// `ignored_columns`); `id_column` names the id column when its header is not one of those.
    /// Scored by the core's batch engine without the GIL, on `threads` threads (default: the
    /// engine's policy, one per 4,096 rows up to 8; give 1 inside Spark or Dask tasks). All or
    /// nothing, every problem at once.
    #[pyo3(signature = (frame, *, id_column=None, options=None, pay_plan=None, threads=None, progress=None))]
    #[allow(clippy::too_many_arguments)] // keyword arguments of one Python method
    fn summarize_frame(
        &self,
        py: Python<'_>,
        frame: &Bound<'_, PyAny>,
        id_column: Option<&str>,
        options: Option<&Bound<'_, PyAny>>,
        pay_plan: Option<PyRef<'_, PyPayPlan>>,
        threads: Option<usize>,
        progress: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<crate::frame::PySummaryTable> {
        let pay = self.pay_of(py, pay_plan)?;
        let request = crate::frame::Request::new(py, id_column, options, pay, threads)?;
        crate::frame::summarize_frame(py, &self.inner, frame, &request, progress)
    }

    /// `summarize_frame` part by part: an iterator of `SummaryTable`s of at most `part_rows` rows
    /// each, handed out as each is scored. An Arrow stream (polars, pyarrow, DuckDB) is read batch
    /// by batch, so memory stays at one part however long the stream. Rows are numbered and ids
    /// checked for repeats across the whole stream; a part with a problem raises.
    #[pyo3(signature = (frame, *, id_column=None, options=None, pay_plan=None, threads=None, part_rows=65_536))]
    #[allow(clippy::too_many_arguments)] // keyword arguments of one Python method
    fn iter_summaries(
        &self,
        py: Python<'_>,
        frame: &Bound<'_, PyAny>,
        id_column: Option<&str>,
        options: Option<&Bound<'_, PyAny>>,
        pay_plan: Option<PyRef<'_, PyPayPlan>>,
        threads: Option<usize>,
        part_rows: usize,
    ) -> PyResult<crate::frame::PySummaryStream> {
        let pay = self.pay_of(py, pay_plan)?;
        let request = crate::frame::Request::new(py, id_column, options, pay, threads)?;
        crate::frame::PySummaryStream::open(&self.inner, frame, request, part_rows)
    }

    /// Each record's rounded total, grade, grade before a veto and veto, as columns (a dict of
    /// lists: `ids`, `totals` as `Decimal`, `grades`, `grades_before_veto`, `vetoed`), from the
    /// core's fast exact path (`Plan::totals`): the same totals and grades as `summarize` at
    /// period end, on `threads` threads (default: the engine's policy).
    #[pyo3(signature = (records, *, threads=None))]
    fn totals<'py>(
        &self,
        py: Python<'py>,
        records: &Bound<'py, PyAny>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let threads = perfscore::batch::Threads::from_count(threads)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let records = records_from_py(py, &self.inner, records)?;
        let plan = Arc::clone(&self.inner);
        let (ids, t) = py
            .detach(move || {
                let table = perfscore::batch::Table::from_records(&plan, &records)?;
                let t = plan.totals_of(&table, None, threads)?;
                Ok::<_, CoreError>((table.ids().to_vec(), t))
            })
            .map_err(|e| core_err(py, &e))?;
        let grades: Vec<&str> = self.inner.grade_names().collect();
        let name = |g: u32| grades.get(g as usize).copied().unwrap_or("");
        let out = PyDict::new(py);
        out.set_item("ids", ids)?;
        let totals = (0..t.units.len())
            .map(|i| py_decimal(py, t.total(i).unwrap_or_default()))
            .collect::<PyResult<Vec<_>>>()?;
        out.set_item("totals", totals)?;
        out.set_item(
            "grades",
            t.grade.iter().map(|g| name(*g)).collect::<Vec<_>>(),
        )?;
        let before: Vec<Option<&str>> = t.grade_before_veto.iter().map(|g| g.map(name)).collect();
        out.set_item("grades_before_veto", before)?;
        out.set_item("vetoed", &t.vetoed)?;
        Ok(out)
    }

    /// Run one plan operation (docs/operations.md) on a request (a mapping, or JSON text);
    /// returns the parsed result (a list for the one-document-per-line `score_many` and
    /// `score_facts`).
    #[pyo3(signature = (operation, request=None))]
    fn run(
        &self,
        py: Python<'_>,
        operation: &str,
        request: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let (plan, op, req) = (
            Arc::clone(&self.inner),
            operation.to_owned(),
            request_text(request)?,
        );
        let text = py.detach(move || plan.run(&op, &req));
        run_result(py, text, perfscore::ops::returns_lines(operation))
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

impl PyPlan {
    /// A fact operation: `facts`, `period` and the keyword arguments as its request (the core
    /// names any keyword it does not take).
    fn facts_op(
        &self,
        py: Python<'_>,
        operation: &str,
        facts: &Bound<'_, PyAny>,
        period: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let request = crate::ops::query_request(py, period, query)?;
        request.set_item("facts", facts)?;
        self.run(py, operation, Some(request.as_any()))
    }
}
