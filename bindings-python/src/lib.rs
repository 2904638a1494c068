//! Python binding of perfscore: conversion and error mapping only, one file per core type.
//!
//! Python values become JSON values mechanically (`convert.rs`) and are read by the core's one
//! input layer, so Python reads exactly what Node, wasm and JSON text read; core values become
//! Python values through serde (`convert::to_py`, decimals as `decimal.Decimal`). Errors become
//! `perfscore.PlanError` / `perfscore.InputError` (`errors.rs`). Every capability is also
//! reachable through the core's generic operations (`ops.rs`, `run` on each type). HTML and
//! pandas niceties live in the pure-Python layer.

use pyo3::prelude::*;

mod accumulator;
mod classes;
mod convert;
mod errors;
mod feedback;
mod frame;
mod host;
mod ops;
mod pay;
mod plan;
mod scorecard;

// The DataFrame path (`frame/`) reads these from the crate root.
pub(crate) use convert::{decimal_class, py_to_json, type_name};
pub(crate) use errors::core_err;

#[pymodule]
fn _perfscore(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<classes::PyPlan>()?;
    m.add_class::<accumulator::PyAccumulator>()?;
    m.add_class::<scorecard::PyScorecard>()?;
    m.add_class::<frame::PySummaryTable>()?;
    m.add_class::<frame::PyArrowStream>()?;
    m.add_class::<frame::PySummaryStream>()?;
    m.add_class::<classes::PyPayPlan>()?;
    m.add_class::<pay::PyPayStatement>()?;
    m.add_class::<pay::PyPayLine>()?;
    m.add_class::<pay::PyPoolShare>()?;
    m.add_class::<feedback::PyFeedback>()?;
    m.add_class::<feedback::PyFeedbackRound>()?;
    m.add_class::<feedback::PyFeedbackReport>()?;
    m.add_function(wrap_pyfunction!(pay::split_pool, m)?)?;
    ops::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
