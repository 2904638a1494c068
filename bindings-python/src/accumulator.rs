//! The live fact accumulator (`perfscore::ops::Accumulator`): the core's operations, with
//! keyword sugar.

use crate::ops::{query_request, request_text, run_result};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A plan's facts held between requests: `add` / `retract` facts, then `records` / `score` at
/// any as-of date, as the plan's `records_from_facts` / `score_facts` over the facts held.
#[pyclass(name = "Accumulator", module = "perfscore")]
pub struct PyAccumulator {
    inner: perfscore::ops::Accumulator,
}

#[pymethods]
impl PyAccumulator {
    /// Run one accumulator operation (`add`, `retract`, `records`, `score`, `size`,
    /// `to_json`) on a request (a mapping, or JSON text); the parsed result.
    #[pyo3(signature = (operation, request=None))]
    fn run(
        &mut self,
        py: Python<'_>,
        operation: &str,
        request: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let req = request_text(request)?;
        let text = self.inner.run(operation, &req);
        run_result(py, text, operation == "score")
    }

    /// Add facts (a list of dicts, a DataFrame, or CSV text) to a source: `{changed, people}`.
    fn add(
        &mut self,
        py: Python<'_>,
        source: &str,
        facts: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        self.update(py, "add", source, ("facts", facts))
    }

    /// Retract facts of a source by id: `{changed, people}`.
    fn retract(
        &mut self,
        py: Python<'_>,
        source: &str,
        ids: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        self.update(py, "retract", source, ("ids", ids))
    }

    /// As `Plan.records_from_facts`, over the facts held.
    #[pyo3(signature = (period, **query))]
    fn records(
        &mut self,
        py: Python<'_>,
        period: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        self.query(py, "records", period, query)
    }

    /// As `Plan.score_facts`, over the facts held.
    #[pyo3(signature = (period, **query))]
    fn score(
        &mut self,
        py: Python<'_>,
        period: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        self.query(py, "score", period, query)
    }

    /// As `Plan.pivot_facts`, over the facts held.
    #[pyo3(signature = (period, **query))]
    fn pivot(
        &mut self,
        py: Python<'_>,
        period: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        self.query(py, "pivot", period, query)
    }

    /// As `Plan.reconcile_facts`, over the facts held.
    #[pyo3(signature = (period, **query))]
    fn reconcile(
        &mut self,
        py: Python<'_>,
        period: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        self.query(py, "reconcile", period, query)
    }

    /// How many facts are held.
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// The state, to keep between requests and restore with `plan.accumulator(state)`.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }
}

impl PyAccumulator {
    /// A query: `period` and the keyword arguments as the request.
    fn query(
        &mut self,
        py: Python<'_>,
        operation: &str,
        period: &Bound<'_, PyAny>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let request = query_request(py, period, query)?;
        self.run(py, operation, Some(request.as_any()))
    }

    /// An update of one source: `{"source": source, key: value}`.
    fn update(
        &mut self,
        py: Python<'_>,
        operation: &str,
        source: &str,
        (key, value): (&str, &Bound<'_, PyAny>),
    ) -> PyResult<Py<PyAny>> {
        let request = PyDict::new(py);
        request.set_item("source", source)?;
        request.set_item(key, value)?;
        self.run(py, operation, Some(request.as_any()))
    }
}

impl From<perfscore::ops::Accumulator> for PyAccumulator {
    fn from(inner: perfscore::ops::Accumulator) -> Self {
        PyAccumulator { inner }
    }
}
