//! 360-degree feedback: configurations, rounds and reports. Each class holds the core value;
//! parts are converted by `to_py` (decimals as `decimal.Decimal`, statistics as floats).

use crate::convert::{py_to_json, rows_to_json, to_py};
use crate::errors::core_err;
use crate::host::read_text;
use crate::ops::{request_text, run_result};
use perfscore::feedback::{Feedback, FeedbackReport, FeedbackRound, Response};
use perfscore::Lang;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::sync::Arc;

fn helpers(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("perfscore._feedback")
}

/// Responses (a list of dicts or a DataFrame; `perfscore.NA` for "not applicable"), read by the
/// core's response rule.
fn responses_from_py(
    py: Python<'_>,
    feedback: &Feedback,
    responses: &Bound<'_, PyAny>,
) -> PyResult<Vec<Response>> {
    let value = rows_to_json(py, responses, "response")?;
    feedback.read_responses(value).map_err(|e| core_err(py, &e))
}

// ---------------------------------------------------------------------------------------------
// Feedback

/// A validated 360-degree feedback configuration (questionnaire, rater groups, anonymity).
#[pyclass(module = "perfscore._perfscore", name = "Feedback", frozen)]
pub(crate) struct PyFeedback {
    inner: Arc<Feedback>,
}

fn feedback_result(py: Python<'_>, text: &str) -> PyResult<PyFeedback> {
    let inner = Feedback::from_json(text).map_err(|e| core_err(py, &e))?;
    Ok(PyFeedback {
        inner: Arc::new(inner),
    })
}

#[pymethods]
impl PyFeedback {
    /// Parse and validate a feedback configuration from JSON text; every problem at once.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<PyFeedback> {
        feedback_result(py, text)
    }

    /// Pickling goes through the document: `Feedback.from_json(document)`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = py.get_type::<PyFeedback>().getattr("from_json")?;
        Ok((from_json, (self.inner.to_json(),)))
    }

    /// The configuration document as compact JSON (`Feedback.from_json` reads it back).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// A configuration from a dict (as `json.loads` would give, Decimals and floats allowed).
    #[staticmethod]
    fn from_dict(py: Python<'_>, feedback: &Bound<'_, PyAny>) -> PyResult<PyFeedback> {
        let text = py_to_json(feedback, "feedback")?.to_string();
        feedback_result(py, &text)
    }

    /// A configuration from a UTF-8 JSON file; Python opens and reads the file.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<PyFeedback> {
        feedback_result(py, &read_text(py, path)?)
    }

    /// The configuration's id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id().to_string()
    }

    /// Aggregate a round of responses (a list of dicts `{rater, ratee, group, item, value}` or a
    /// DataFrame with those columns) without holding the GIL; every problem at once.
    fn aggregate(&self, py: Python<'_>, responses: &Bound<'_, PyAny>) -> PyResult<PyFeedbackRound> {
        let responses = responses_from_py(py, &self.inner, responses)?;
        let fb = Arc::clone(&self.inner);
        let round = py
            .detach(move || fb.aggregate(&responses))
            .map_err(|e| core_err(py, &e))?;
        PyFeedbackRound::new(py, round)
    }

    /// Run one feedback operation (docs/operations.md) on a request (a mapping, or JSON text);
    /// returns the parsed result.
    #[pyo3(signature = (operation, request=None))]
    fn run(
        &self,
        py: Python<'_>,
        operation: &str,
        request: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let (fb, op, req) = (
            Arc::clone(&self.inner),
            operation.to_owned(),
            request_text(request)?,
        );
        run_result(py, py.detach(move || fb.run(&op, &req)), false)
    }

    fn __repr__(&self) -> String {
        format!("<Feedback {}>", self.inner.id())
    }
}

// ---------------------------------------------------------------------------------------------
// FeedbackRound

/// A whole feedback round: one report per ratee, reliability and leniency corrections.
#[pyclass(module = "perfscore._perfscore", name = "FeedbackRound", frozen)]
pub(crate) struct PyFeedbackRound {
    inner: FeedbackRound,
    reports: Vec<Py<PyFeedbackReport>>,
}

impl PyFeedbackRound {
    fn new(py: Python<'_>, inner: FeedbackRound) -> PyResult<PyFeedbackRound> {
        let reports = inner
            .reports
            .iter()
            .map(|r| Py::new(py, PyFeedbackReport { inner: r.clone() }))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyFeedbackRound { inner, reports })
    }

    /// A part as Python values; `{"status": "value", "value": x}` statistics flattened to `x`
    /// (undefined ones stay dicts with their reason).
    fn stats<T: serde::Serialize>(py: Python<'_>, part: &T) -> PyResult<Py<PyAny>> {
        let value = to_py(py, part)?;
        Ok(helpers(py)?
            .call_method1("flatten_stats", (value,))?
            .unbind())
    }
}

#[pymethods]
impl PyFeedbackRound {
    /// The configuration id.
    #[getter]
    fn feedback_id(&self) -> String {
        self.inner.feedback_id.to_string()
    }

    /// One report per ratee, by ratee id.
    #[getter]
    fn reports<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.reports.iter().map(|r| r.clone_ref(py)))
    }

    /// The report of one ratee, or None.
    fn report(&self, py: Python<'_>, ratee: &str) -> Option<Py<PyFeedbackReport>> {
        self.reports
            .iter()
            .find(|r| r.get().inner.ratee == ratee)
            .map(|r| r.clone_ref(py))
    }

    /// Round reliability as a dict: defined statistics as floats, undefined ones as
    /// `{"status": "undefined", "reason": …}`.
    #[getter]
    fn reliability(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Self::stats(py, &self.inner.reliability)
    }

    /// Leniency corrections applied, as dicts (decimals as Decimal).
    #[getter]
    fn leniency(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.leniency)
    }

    /// The core's canonical JSON, byte for byte.
    fn to_json(&self) -> String {
        self.inner.to_canonical_json()
    }

    /// The round as Python values: decimals as Decimal, statistics as dicts.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner)
    }

    /// New record dicts with `measure` set to each ratee's combined overall score (records
    /// without a report, or without an overall score, are copied unchanged), ready to score.
    fn attach_to_records<'py>(
        slf: &Bound<'py, Self>,
        records: &Bound<'py, PyAny>,
        measure: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        helpers(slf.py())?.call_method1("attach_to_records", (slf, records, measure))
    }

    /// A pandas DataFrame, one row per ratee (pandas is imported only here).
    fn to_dataframe<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        helpers(slf.py())?.call_method1("round_dataframe", (slf,))
    }

    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        helpers(slf.py())?
            .call_method1("round_html", (slf,))?
            .extract()
    }

    fn __len__(&self) -> usize {
        self.reports.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<FeedbackRound {} ratees={}>",
            self.inner.feedback_id,
            self.reports.len()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// FeedbackReport

/// One ratee's feedback: groups, combined and self scores, gaps, agreement.
#[pyclass(module = "perfscore._perfscore", name = "FeedbackReport", frozen)]
pub(crate) struct PyFeedbackReport {
    inner: FeedbackReport,
}

#[pymethods]
impl PyFeedbackReport {
    /// Who was rated.
    #[getter]
    fn ratee(&self) -> String {
        self.inner.ratee.clone()
    }
    /// The combined score of the counted groups: `{"items", "competencies", "overall"}`.
    #[getter]
    fn combined(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.combined)
    }
    /// The self-assessment (reported beside the combined score), or None.
    #[getter]
    fn self_scores(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.self_scores)
    }
    /// Every group, shown or not, with its status, rater count (shown only), weight and scores.
    #[getter]
    fn groups(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.groups)
    }
    /// The re-normalised group weights (percent) the combined score used.
    #[getter]
    fn weights_used(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.weights_used)
    }
    /// Self-versus-others gaps per item and competency, flagged.
    #[getter]
    fn gaps(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.gaps)
    }
    /// Agreement per item: `raters`, `std_dev` and `rwg` (floats, or undefined dicts).
    #[getter]
    fn agreement(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        PyFeedbackRound::stats(py, &self.inner.agreement)
    }
    /// A trimmed mean was asked for but some group had too few raters.
    #[getter]
    fn trimmed_mean_fell_back(&self) -> bool {
        self.inner.trimmed_mean_fell_back
    }
    /// The report's canonical JSON (as inside the round's).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| PyValueError::new_err(e.to_string()))
    }
    /// The report as Python values: decimals as Decimal, statistics as dicts.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner)
    }
    /// Groups, counts and weights behind the combined score, then gaps, in English (`en`) or
    /// Simplified Chinese (`zh`).
    #[pyo3(signature = (lang="en"))]
    fn explain(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.explain(crate::convert::lang(lang)?))
    }
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        helpers(slf.py())?
            .call_method1("report_html", (slf,))?
            .extract()
    }
    fn __repr__(&self) -> String {
        let r = &self.inner;
        let overall = r.combined.overall.map_or_else(
            || "None".to_string(),
            |o| o.round_dp(2).normalize().to_string(),
        );
        let shown = r.groups.iter().filter(|g| g.scores.is_some()).count();
        format!(
            "<FeedbackReport {} combined={overall} groups_shown={shown}>",
            r.ratee
        )
    }
    fn __str__(&self) -> String {
        self.inner.explain(Lang::En)
    }
}
