//! Core errors as Python exceptions: `perfscore.PlanError` / `perfscore.InputError` (defined in
//! `perfscore/_errors.py`), each problem a `perfscore.Problem` with `loc` (a tuple of keys and
//! indexes), `kind`, `id`, `path`, `message` and `message_zh`, as in the core's canonical error
//! JSON.

use perfscore::{Error as CoreError, LocItem, Problem};
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyList, PyString, PyTuple};

/// A core error as `perfscore.PlanError` / `perfscore.InputError`, carrying code, problems and
/// the canonical JSON.
pub(crate) fn core_err(py: Python<'_>, e: &CoreError) -> PyErr {
    build_core_err(py, &e.clone().bounded()).unwrap_or_else(|err| err)
}

fn build_core_err(py: Python<'_>, e: &CoreError) -> PyResult<PyErr> {
    let errors = py.import("perfscore._errors")?;
    let class = errors.getattr(match e {
        CoreError::Plan(_) => "PlanError",
        CoreError::Input(_) => "InputError",
    })?;
    let problem = errors.getattr("Problem")?;
    let problems = PyList::empty(py);
    for p in e.problems() {
        let loc = p.loc.items().iter().map(|item| match item {
            LocItem::Key(k) => PyString::new(py, k).into_any(),
            LocItem::Index(i) => PyInt::new(py, *i).into_any(),
        });
        let loc = PyTuple::new(py, loc)?;
        let zh = p.message_in(perfscore::Lang::Zh);
        let args = (p.path(), &p.message, loc, p.kind, p.id.as_deref(), zh);
        problems.append(problem.call1(args)?)?;
    }
    let value = class.call1((e.to_string(), e.code(), problems, e.to_canonical_json()))?;
    Ok(PyErr::from_value(value))
}

/// A problem the binding itself found (options text that is not JSON), located by path text.
pub(crate) fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem::new(
        perfscore::Loc::from_path(&path.into()),
        perfscore::kinds::INVALID,
        message,
    )
}
