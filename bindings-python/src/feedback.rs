//! 360-degree feedback: feedback configurations, response conversion and round results.
//! Conversion and error mapping only; the numbers are the core's (`perfscore::feedback`).

use super::{core_err, py_to_json, rows_to_json};
use perfscore::feedback::{Feedback, FeedbackReport, FeedbackRound, Response};
use perfscore::Lang;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::sync::Arc;

fn helpers(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("perfscore._feedback")
}

fn lang(lang: &str) -> PyResult<Lang> {
    lang.parse().map_err(PyValueError::new_err)
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
    id: String,
}

fn feedback_result(py: Python<'_>, text: &str) -> PyResult<PyFeedback> {
    let inner = Feedback::from_json(text).map_err(|e| core_err(py, &e))?;
    // The id, for display only (the configuration has just been validated).
    let id = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
        .unwrap_or_default();
    Ok(PyFeedback {
        inner: Arc::new(inner),
        id,
    })
}

#[pymethods]
impl PyFeedback {
    /// Parse and validate a feedback configuration from JSON text; every problem at once.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<PyFeedback> {
        feedback_result(py, text)
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
        let kwargs = PyDict::new(py);
        kwargs.set_item("encoding", "utf-8-sig")?;
        let file = py
            .import("builtins")?
            .call_method("open", (path,), Some(&kwargs))?;
        let text = file.call_method0("read");
        file.call_method0("close")?;
        feedback_result(py, &text?.extract::<String>()?)
    }

    /// The configuration's id.
    #[getter]
    fn id(&self) -> String {
        self.id.clone()
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

    fn __repr__(&self) -> String {
        format!("<Feedback {}>", self.id)
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

    /// Canonical JSON text (from `serde_json::to_string`) as Python values.
    fn part<'py>(
        py: Python<'py>,
        text: serde_json::Result<String>,
        flatten: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text = text.map_err(|e| PyValueError::new_err(e.to_string()))?;
        let helpers = helpers(py)?;
        let decoded = helpers.call_method1("decode_feedback", (text,))?;
        if flatten {
            helpers.call_method1("flatten_stats", (decoded,))
        } else {
            Ok(decoded)
        }
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
    fn reliability<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Self::part(py, serde_json::to_string(&self.inner.reliability), true)
    }

    /// Leniency corrections applied, as dicts (decimals as Decimal).
    #[getter]
    fn leniency<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Self::part(py, serde_json::to_string(&self.inner.leniency), false)
    }

    /// The core's canonical JSON, byte for byte.
    fn to_json(&self) -> String {
        self.inner.to_canonical_json()
    }

    /// The canonical JSON as Python values: decimals as Decimal, statistics as dicts.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = helpers(py)?.call_method1("decode_feedback", (self.inner.to_canonical_json(),))?;
        Ok(d.cast_into::<PyDict>()?)
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
    fn combined<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyFeedbackRound::part(py, serde_json::to_string(&self.inner.combined), false)
    }
    /// The self-assessment (reported beside the combined score), or None.
    #[getter]
    fn self_scores<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyFeedbackRound::part(py, serde_json::to_string(&self.inner.self_scores), false)
    }
    /// Every group, shown or not, with its status, rater count (shown only), weight and scores.
    #[getter]
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyFeedbackRound::part(py, serde_json::to_string(&self.inner.groups), false)
    }
    /// The re-normalised group weights (percent) the combined score used.
    #[getter]
    fn weights_used<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyFeedbackRound::part(py, serde_json::to_string(&self.inner.weights_used), false)
    }
    /// Self-versus-others gaps per item and competency, flagged.
    #[getter]
    fn gaps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyFeedbackRound::part(py, serde_json::to_string(&self.inner.gaps), false)
    }
    /// Agreement per item: `raters`, `std_dev` and `rwg` (floats, or undefined dicts).
    #[getter]
    fn agreement<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyFeedbackRound::part(py, serde_json::to_string(&self.inner.agreement), true)
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
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyFeedbackRound::part(py, serde_json::to_string(&self.inner), false)
    }
    /// Groups, counts and weights behind the combined score, then gaps, in English (`en`) or
    /// Simplified Chinese (`zh`).
    #[pyo3(signature = (lang="en"))]
    fn explain(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.explain(self::lang(lang)?))
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

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFeedback>()?;
    m.add_class::<PyFeedbackRound>()?;
    m.add_class::<PyFeedbackReport>()?;
    Ok(())
}
