//! The core's generic operations (docs/operations.md): a request (a mapping, or JSON text) in,
//! the parsed result out. `Plan.run`, `PayPlan.run` and `Feedback.run` use the same two helpers;
//! the module-level `run` takes every free and analytics operation.

use crate::convert::{json_to_py, py_to_json};
use crate::errors::core_err;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

/// A request as the JSON text the core reads: text as it is, anything else converted by
/// `convert.rs` (host values the core refuses become markers, reported at their place).
pub(crate) fn request_text(request: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    match request {
        None => Ok(String::new()),
        Some(r) if r.is_none() => Ok(String::new()),
        Some(r) => match r.cast::<PyString>() {
            Ok(s) => Ok(s.to_cow()?.into_owned()),
            Err(_) => Ok(py_to_json(r, "request")?.to_string()),
        },
    }
}

/// Keyword arguments as a request (`None` values left out).
pub(crate) fn keywords<'py>(
    py: Python<'py>,
    query: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let request = PyDict::new(py);
    for (key, value) in query.into_iter().flat_map(|q| q.iter()) {
        if !value.is_none() {
            request.set_item(key, value)?;
        }
    }
    Ok(request)
}

/// The query of the fact operations: `period` and the keyword arguments (`None` values left
/// out; the core names any field an operation does not take).
pub(crate) fn query_request<'py>(
    py: Python<'py>,
    period: &Bound<'py, PyAny>,
    query: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let request = keywords(py, query)?;
    request.set_item("period", period)?;
    Ok(request)
}

/// A result as Python values: JSON lines (one document per record) as a list.
pub(crate) fn run_result(
    py: Python<'_>,
    text: perfscore::Result<String>,
    lines: bool,
) -> PyResult<Py<PyAny>> {
    let text = text.map_err(|e| core_err(py, &e))?;
    if !lines {
        return json_to_py(py, &text);
    }
    let items = text
        .lines()
        .map(|line| json_to_py(py, line))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(PyList::new(py, items)?.into_any().unbind())
}

/// A free operation's result text, run without the GIL.
fn core_run(
    py: Python<'_>,
    operation: &str,
    request: Option<&Bound<'_, PyAny>>,
) -> PyResult<perfscore::Result<String>> {
    let (op, request) = (operation.to_owned(), request_text(request)?);
    Ok(py.detach(move || perfscore::ops::run(&op, &request)))
}

/// Run one operation that needs no compiled object (analytics, pool splits, templates, demo
/// data; `run("operations")` lists them) on a request; returns the parsed result.
#[pyfunction]
#[pyo3(signature = (operation, request=None))]
fn run(py: Python<'_>, operation: &str, request: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
    run_result(py, core_run(py, operation, request)?, false)
}

/// `run`, returning the core's canonical JSON text itself.
#[pyfunction]
#[pyo3(signature = (operation, request=None))]
fn run_json(
    py: Python<'_>,
    operation: &str,
    request: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    core_run(py, operation, request)?.map_err(|e| core_err(py, &e))
}

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
    let ids = perfscore::templates::PLAN_TEMPLATES.iter();
    ids.map(|(k, _)| *k).collect()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(run_json, m)?)?;
    m.add_function(wrap_pyfunction!(demo_team_csv, m)?)?;
    m.add_function(wrap_pyfunction!(demo_plan_json, m)?)?;
    m.add_function(wrap_pyfunction!(indicator_library_json, m)?)?;
    m.add_function(wrap_pyfunction!(template_ids, m)?)?;
    Ok(())
}
