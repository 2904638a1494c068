//! Analytics: the core's JSON operations, one call each way. The typed Python surface
//! lives in `perfscore/analytics.py`; this module only moves text across, off the GIL.

use pyo3::prelude::*;

/// Run one analytics operation on a JSON request; returns the canonical JSON result.
#[pyfunction]
fn analytics_run_json(py: Python<'_>, operation: &str, request: &str) -> PyResult<String> {
    let (operation, request) = (operation.to_owned(), request.to_owned());
    py.detach(move || perfscore::analytics::run_json(&operation, &request))
        .map_err(|e| crate::core_err(py, &e))
}

/// Names of every analytics operation, in a stable order.
#[pyfunction]
fn analytics_operations() -> Vec<&'static str> {
    perfscore::analytics::operations()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(analytics_run_json, m)?)?;
    m.add_function(wrap_pyfunction!(analytics_operations, m)?)?;
    Ok(())
}
