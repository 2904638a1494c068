//! 360-degree feedback: feedback configurations, response conversion and round results.
//! Conversion and error mapping only; the numbers are the core's (`perfscore::feedback`).

use super::{core_err, number_from_py, problem, py_to_json, type_name};
use perfscore::feedback::{Answer, Feedback, FeedbackReport, FeedbackRound, Response};
use perfscore::{Error as CoreError, Lang, Problem};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString};
use std::sync::Arc;

fn helpers(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("perfscore._feedback")
}

fn lang(lang: &str) -> PyResult<Lang> {
    lang.parse().map_err(PyValueError::new_err)
}

const RESPONSE_KEYS: [&str; 5] = ["rater", "ratee", "group", "item", "value"];

/// An id field of a response: text, or a (non-bool) int written as text.
fn id_from_py(v: &Bound<'_, PyAny>) -> PyResult<Result<String, String>> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Ok(s.to_cow()?.into_owned()));
    }
    if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
        return Ok(Ok(v.str()?.to_string()));
    }
    Ok(Err(format!("expected text, found {}", type_name(v))))
}

/// An answer: a number (same policy as measures), `"na"`/`"n/a"` or `perfscore.NA` for not
/// applicable, None for missing.
fn answer_from_py(v: &Bound<'_, PyAny>, na: &Bound<'_, PyAny>) -> PyResult<Result<Answer, String>> {
    if v.is(na) {
        return Ok(Ok(Answer::NotApplicable));
    }
    if let Ok(s) = v.cast::<PyString>() {
        let s = s.to_cow()?;
        if s.eq_ignore_ascii_case("na") || s.eq_ignore_ascii_case("n/a") {
            return Ok(Ok(Answer::NotApplicable));
        }
    }
    Ok(match number_from_py(v)? {
        Ok(Some(d)) => Ok(Answer::Value(d)),
        Ok(None) => Ok(Answer::Missing),
        Err(m) => Err(m),
    })
}

/// One response from a mapping; problems are collected for all responses.
fn response_from_py(
    obj: &Bound<'_, PyAny>,
    i: usize,
    na: &Bound<'_, PyAny>,
    problems: &mut Vec<Problem>,
) -> PyResult<Option<Response>> {
    let path = format!("responses[{i}]");
    let converted;
    let obj = if !obj.is_instance_of::<PyDict>() && obj.hasattr("keys")? {
        converted = obj.py().get_type::<PyDict>().call1((obj,))?;
        &converted
    } else {
        obj
    };
    let Ok(dict) = obj.cast::<PyDict>() else {
        problems.push(problem(
            path,
            format!("expected a dict, found {}", type_name(obj)),
        ));
        return Ok(None);
    };
    let before = problems.len();
    for k in dict.keys() {
        let known = k
            .cast::<PyString>()
            .ok()
            .map(|s| s.to_cow().map(|s| RESPONSE_KEYS.contains(&&*s)))
            .transpose()?
            .unwrap_or(false);
        if !known {
            problems.push(problem(
                path.clone(),
                format!(
                    "unknown key {} (expected rater, ratee, group, item, value)",
                    k.repr()?
                ),
            ));
        }
    }
    let mut ids: [String; 4] = Default::default();
    for (slot, key) in ids.iter_mut().zip(RESPONSE_KEYS) {
        match dict.get_item(key)? {
            None => problems.push(problem(format!("{path}.{key}"), format!("missing `{key}`"))),
            Some(v) => match id_from_py(&v)? {
                Ok(t) => *slot = t,
                Err(m) => problems.push(problem(format!("{path}.{key}"), m)),
            },
        }
    }
    // An absent `value` is a missing answer, as in the core's JSON form.
    let value = match dict.get_item("value")? {
        None => Answer::Missing,
        Some(v) => match answer_from_py(&v, na)? {
            Ok(a) => a,
            Err(m) => {
                problems.push(problem(format!("{path}.value"), m));
                Answer::Missing
            }
        },
    };
    if problems.len() != before {
        return Ok(None);
    }
    let [rater, ratee, group, item] = ids;
    Ok(Some(Response {
        rater,
        ratee,
        group,
        item,
        value,
    }))
}

fn responses_from_py(py: Python<'_>, responses: &Bound<'_, PyAny>) -> PyResult<Vec<Response>> {
    let helpers = helpers(py)?;
    // A pandas DataFrame: rows as dicts, pandas' missing markers (NaN, NA) as None (missing).
    let responses = if responses.hasattr("columns")? && responses.hasattr("to_dict")? {
        py.import("perfscore._display")?
            .call_method1("frame_to_records", (responses,))?
    } else {
        responses.clone()
    };
    if responses.is_instance_of::<PyDict>() || responses.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "expected a list of response dicts or a pandas DataFrame",
        ));
    }
    let na = helpers.getattr("NA")?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, item) in responses.try_iter()?.enumerate() {
        if let Some(r) = response_from_py(&item?, i, &na, &mut problems)? {
            out.push(r);
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(core_err(py, &CoreError::Input(problems)))
    }
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
        let responses = responses_from_py(py, responses)?;
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
