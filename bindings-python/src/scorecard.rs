//! `Scorecard` and `BatchResult`: one person's result and a batch of them. Parts are the core's
//! values converted by `to_py` (decimals as `decimal.Decimal`); `to_json` is the canonical JSON.

use crate::convert::{list_of, py_decimal, to_py};
use perfscore::Cell;
use perfscore::{Lang, Scorecard};
use pyo3::prelude::*;
use pyo3::types::PyString;

fn display(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("perfscore._display")
}

/// One person's result.
#[pyclass(module = "perfscore._perfscore", name = "Scorecard", frozen)]
pub(crate) struct PyScorecard {
    inner: Scorecard,
}

impl From<Scorecard> for PyScorecard {
    fn from(inner: Scorecard) -> Self {
        PyScorecard { inner }
    }
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
        let p = self.inner.progress.as_ref();
        p.and_then(|p| p.status).map(|s| s.en())
    }
    #[getter]
    fn projected_total<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let p = self.inner.progress.as_ref();
        p.and_then(|p| p.projected_total)
            .map(|d| py_decimal(py, d))
            .transpose()
    }
    #[getter]
    fn projected_grade(&self) -> Option<String> {
        let p = self.inner.progress.as_ref();
        p.and_then(|p| p.projected_grade.as_ref())
            .map(|g| g.to_string())
    }
    /// Section results as dicts (decimals as Decimal), each with its `indicators`.
    #[getter]
    fn sections(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.sections)
    }
    /// All indicator results across sections, as dicts.
    #[getter]
    fn indicators(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let all: Vec<_> = self
            .inner
            .sections
            .iter()
            .flat_map(|s| &s.indicators)
            .collect();
        to_py(py, &all)
    }
    /// Adjustments (bonus points and deductions) as dicts.
    #[getter]
    fn adjustments(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.adjustments)
    }
    /// Triggered vetoes as dicts (`id`, `name`, `condition`, `effect`).
    #[getter]
    fn vetoes(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.vetoes)
    }
    /// The progress summary as a dict, or None at period end.
    #[getter]
    fn progress(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.progress)
    }

    /// One indicator's result by id, as a dict, or None.
    fn indicator(&self, py: Python<'_>, id: &str) -> PyResult<Py<PyAny>> {
        let mut all = self.inner.sections.iter().flat_map(|s| &s.indicators);
        to_py(py, &all.find(|i| &*i.id == id))
    }

    /// One section's result by id, as a dict, or None.
    fn section(&self, py: Python<'_>, id: &str) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.sections.iter().find(|s| &*s.id == id))
    }

    /// The core's canonical JSON, byte for byte.
    fn to_json(&self) -> String {
        self.inner.to_canonical_json()
    }

    /// The scorecard as Python values, decimals as `decimal.Decimal` (the canonical JSON's shape).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner)
    }

    /// A step-by-step explanation in English (`en`) or Simplified Chinese (`zh`).
    #[pyo3(signature = (lang="en"))]
    fn explain(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.explain(crate::convert::lang(lang)?))
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

/// The scorecards of a batch as a `perfscore.BatchResult` (a list with table helpers).
pub(crate) fn batch<'py>(py: Python<'py>, cards: Vec<Scorecard>) -> PyResult<Bound<'py, PyAny>> {
    let cards = cards.into_iter().map(|inner| PyScorecard { inner });
    list_of(py, cards, "perfscore._display", "BatchResult")
}
