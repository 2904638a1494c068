//! Host values the classes read (scoring options, records, a document's file), each read by the
//! core's one input layer; shared by `Plan` and `PayPlan`, which import this, not each other.

use crate::convert::{py_to_json, rows_to_json};
use crate::errors::{core_err, problem};
use perfscore::{Error as CoreError, Plan, Record, ScoreOptions};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

/// Scoring options from `period` (a mapping, or JSON text), read by the core under `options`.
pub(crate) fn options_from_py(
    py: Python<'_>,
    period: Option<&Bound<'_, PyAny>>,
) -> PyResult<ScoreOptions> {
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
pub(crate) fn record_from_py(
    py: Python<'_>,
    plan: &Plan,
    record: &Bound<'_, PyAny>,
) -> PyResult<Record> {
    let value = py_to_json(record, "record")?;
    plan.read_record(value).map_err(|e| core_err(py, &e))
}

/// A batch of records (a list of dicts or a DataFrame), read by the core's record rule.
pub(crate) fn records_from_py(
    py: Python<'_>,
    plan: &Plan,
    records: &Bound<'_, PyAny>,
) -> PyResult<Vec<Record>> {
    let value = rows_to_json(py, records, "record")?;
    plan.read_records(value).map_err(|e| core_err(py, &e))
}

/// A JSON file's text, opened and read by Python (`utf-8-sig`: a BOM is allowed).
pub(crate) fn read_text(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<String> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("encoding", "utf-8-sig")?;
    let file = py
        .import("builtins")?
        .call_method("open", (path,), Some(&kwargs))?;
    let text = file.call_method0("read");
    file.call_method0("close")?;
    text?.extract()
}
