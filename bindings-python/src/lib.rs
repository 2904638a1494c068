//! Python binding of perfscore: conversion and error mapping only.
//!
//! Python values become core [`Record`]s, [`ScoreOptions`] and plan JSON here; results go back as
//! the core's canonical JSON, its flat table cells and `decimal.Decimal`s built from exact text.
//! Errors become `perfscore.PlanError` / `perfscore.InputError` (defined in `perfscore/_errors.py`).
//! The HTML and pandas niceties live in the pure-Python layer (`perfscore/_display.py`,
//! `perfscore/_pay.py`, `perfscore/_feedback.py`). Pay plans, statements and bonus pools
//! are in `pay.rs`; 360-degree feedback in `feedback.rs`.

use perfscore::number::{decimal_from_f64, parse_decimal, parse_json_number};
use perfscore::scorecard::Cell;
use perfscore::{Error as CoreError, Lang, Plan, Problem, Record, ScoreOptions, Scorecard};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use rust_decimal::Decimal;
use std::sync::Arc;

mod analytics;
mod feedback;
mod frame;
mod pay;
mod sequence;

// ---------------------------------------------------------------------------------------------
// Errors

/// A core error as `perfscore.PlanError` / `perfscore.InputError`, carrying code, problems and
/// the canonical JSON.
fn core_err(py: Python<'_>, e: &CoreError) -> PyErr {
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
        problems.append(problem.call1((p.path(), &p.message))?)?;
    }
    let value = class.call1((e.to_string(), e.code(), problems, e.to_canonical_json()))?;
    Ok(PyErr::from_value(value))
}

fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem::new(
        perfscore::Loc::from_path(&path.into()),
        perfscore::kinds::INVALID,
        message,
    )
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// `decimal.Decimal`, looked up once per interpreter.
fn decimal_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DECIMAL.import(py, "decimal", "Decimal")
}

/// A `decimal.Decimal` built from the exact text of `d` (its scale kept).
fn py_decimal<'py>(py: Python<'py>, d: Decimal) -> PyResult<Bound<'py, PyAny>> {
    decimal_class(py)?.call1((d.to_string(),))
}

fn is_decimal(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    v.is_instance(decimal_class(v.py())?)
}

fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map_or_else(|_| "object".to_string(), |n| n.to_string())
}

/// A Python number as an exact Decimal: `None` is a missing value; errors are user messages.
///
/// Decimal by its text, int by its digits, str exactly (`parse_decimal`), float by its shortest
/// representation (`decimal_from_f64`), other integer types (numpy) via `__index__`; bool is refused.
fn number_from_py(v: &Bound<'_, PyAny>) -> PyResult<Result<Option<Decimal>, String>> {
    if v.is_none() {
        return Ok(Ok(None));
    }
    if v.is_instance_of::<PyBool>() {
        return Ok(Err(format!(
            "expected a number, found a bool ({})",
            v.str()?
        )));
    }
    if is_decimal(v)? {
        let text = v.str()?.to_string();
        let parsed = if text.contains(['e', 'E']) && !text.contains(['n', 'N']) {
            parse_json_number(&text)
        } else {
            parse_decimal(&text)
        };
        return Ok(parsed.map(Some));
    }
    if v.is_instance_of::<PyInt>() {
        return Ok(parse_decimal(&v.str()?.to_string()).map(Some));
    }
    if v.is_instance_of::<PyFloat>() {
        let f: f64 = v.extract()?;
        return Ok(decimal_from_f64(f).map(Some));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(parse_decimal(&s.to_cow()?).map(Some));
    }
    if v.hasattr("__index__")? {
        let i = v.py().import("operator")?.call_method1("index", (v,))?;
        return Ok(parse_decimal(&i.str()?.to_string()).map(Some));
    }
    Ok(Err(format!("expected a number, found {}", type_name(v))))
}

// ---------------------------------------------------------------------------------------------
// Python values → JSON text (plans, options)

fn py_to_json(v: &Bound<'_, PyAny>, path: &str) -> PyResult<serde_json::Value> {
    json_of(v).map_err(|e| match e {
        Unjson::Python(err) => err,
        Unjson::Bad {
            steps,
            message,
            wrong_type,
        } => {
            let mut at = path.to_string();
            for step in &steps {
                match step {
                    Step::Key(k) => at.push_str(&format!(".{k}")),
                    Step::Index(i) => at.push_str(&format!("[{i}]")),
                }
            }
            let message = format!("{at}: {message}");
            if wrong_type {
                PyTypeError::new_err(message)
            } else {
                PyValueError::new_err(message)
            }
        }
    })
}

/// Deepest nesting of dicts and lists read from Python: the same as the core's JSON reader, and
/// what stops a value that contains itself (the conversion would otherwise never end).
const MAX_JSON_DEPTH: usize = 128;

/// One step of the path to a value.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Why a value could not be converted: an exception raised by Python, or a value JSON cannot
/// hold, with its path from the root.
enum Unjson {
    Python(PyErr),
    Bad {
        steps: Vec<Step>,
        message: String,
        wrong_type: bool,
    },
}

impl From<PyErr> for Unjson {
    fn from(e: PyErr) -> Self {
        Unjson::Python(e)
    }
}

/// A dict or list being converted: what is built so far, the children still to convert, and
/// the step to the child being converted now.
struct Open<'py> {
    built: serde_json::Value,
    pending: std::vec::IntoIter<(Step, Bound<'py, PyAny>)>,
    at: Option<Step>,
}

/// Python value → JSON value, with an explicit stack instead of recursion: the C stack stays
/// small however deep the input (a thread with a 256 KB stack is enough), and the path of a bad
/// value is built only when it fails.
fn json_of<'py>(root: &Bound<'py, PyAny>) -> Result<serde_json::Value, Unjson> {
    use serde_json::Value;
    let mut stack: Vec<Open<'py>> = Vec::new();
    let mut next = root.clone();
    loop {
        let fail = |stack: &[Open<'py>], message: String, wrong_type: bool| Unjson::Bad {
            steps: stack.iter().filter_map(|o| o.at.clone()).collect(),
            message,
            wrong_type,
        };
        let mut done = match scalar_json(&next) {
            Ok(Some(value)) => Some(value),
            Ok(None) => {
                let opened = container_json(&next).map_err(|e| match e {
                    Unjson::Bad {
                        message,
                        wrong_type,
                        ..
                    } => fail(&stack, message, wrong_type),
                    python => python,
                })?;
                let Some((built, children)) = opened else {
                    let message = format!("cannot be written as JSON: {}", type_name(&next));
                    return Err(fail(&stack, message, true));
                };
                if stack.len() >= MAX_JSON_DEPTH {
                    let message = format!(
                        "nested more than {MAX_JSON_DEPTH} levels deep (or a value that contains itself)"
                    );
                    return Err(fail(&stack, message, false));
                }
                stack.push(Open {
                    built,
                    pending: children.into_iter(),
                    at: None,
                });
                None
            }
            Err(ScalarError::Python(e)) => return Err(Unjson::Python(e)),
            Err(ScalarError::Bad(message, wrong_type)) => {
                return Err(fail(&stack, message, wrong_type))
            }
        };
        // Hand each finished value to its parent, closing every container that is complete,
        // until a container has a child left to convert.
        loop {
            let Some(open) = stack.last_mut() else {
                return Ok(done.unwrap_or(Value::Null));
            };
            if let Some(value) = done.take() {
                match (&mut open.built, open.at.take()) {
                    (Value::Object(map), Some(Step::Key(k))) => {
                        map.insert(k, value);
                    }
                    (Value::Array(items), Some(Step::Index(_))) => items.push(value),
                    _ => {}
                }
            }
            if let Some((step, child)) = open.pending.next() {
                open.at = Some(step);
                next = child;
                break;
            }
            done = stack.pop().map(|closed| closed.built);
        }
    }
}

enum ScalarError {
    Python(PyErr),
    Bad(String, bool),
}

impl From<PyErr> for ScalarError {
    fn from(e: PyErr) -> Self {
        ScalarError::Python(e)
    }
}

/// A scalar (None, bool, str, int, float, Decimal) as JSON; `None` for anything else.
fn scalar_json(v: &Bound<'_, PyAny>) -> Result<Option<serde_json::Value>, ScalarError> {
    use serde_json::Value;
    let bad_number =
        |text: &str| ScalarError::Bad(format!("`{text}` is not a finite number"), false);
    if v.is_none() {
        return Ok(Some(Value::Null));
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Some(Value::Bool(b.is_true())));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Some(Value::String(s.to_cow()?.into_owned())));
    }
    let number_text = if v.is_instance_of::<PyInt>() {
        Some(v.str()?.to_string())
    } else if v.is_instance_of::<PyFloat>() {
        let f: f64 = v.extract()?;
        // The shortest representation, as the float policy says (0.1 → 0.1).
        Some(
            decimal_from_f64(f)
                .map_err(|_| bad_number(&f.to_string()))?
                .to_string(),
        )
    } else if is_decimal(v)? {
        Some(v.str()?.to_string())
    } else {
        None
    };
    match number_text {
        Some(text) => text
            .parse::<serde_json::Number>()
            .map(|n| Some(Value::Number(n)))
            .map_err(|_| bad_number(&text)),
        None => Ok(None),
    }
}

/// An empty JSON container for a dict, list or tuple, with its children in order; `None` for
/// any other type.
#[allow(clippy::type_complexity)]
fn container_json<'py>(
    v: &Bound<'py, PyAny>,
) -> Result<Option<(serde_json::Value, Vec<(Step, Bound<'py, PyAny>)>)>, Unjson> {
    if let Ok(d) = v.cast::<PyDict>() {
        let mut children = Vec::with_capacity(d.len());
        for (k, item) in d.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(Unjson::Bad {
                    steps: Vec::new(),
                    message: format!("keys must be strings, found {}", type_name(&k)),
                    wrong_type: true,
                });
            };
            children.push((Step::Key(key.to_cow()?.into_owned()), item));
        }
        return Ok(Some((
            serde_json::Value::Object(Default::default()),
            children,
        )));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let mut children = Vec::new();
        for (i, item) in v.try_iter()?.enumerate() {
            children.push((Step::Index(i), item?));
        }
        return Ok(Some((serde_json::Value::Array(Vec::new()), children)));
    }
    Ok(None)
}

fn options_from_py(py: Python<'_>, period: Option<&Bound<'_, PyAny>>) -> PyResult<ScoreOptions> {
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
    let text = serde_json::json!({ "period": value }).to_string();
    ScoreOptions::from_json(&text).map_err(|e| core_err(py, &e))
}

// ---------------------------------------------------------------------------------------------
// Records

const ATTRIBUTES: [&str; 5] = ["id", "name", "team", "department", "branch"];

fn text_attr(v: &Bound<'_, PyAny>) -> PyResult<Result<Option<String>, String>> {
    if v.is_none() {
        return Ok(Ok(None));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Ok(Some(s.to_cow()?.into_owned())));
    }
    Ok(Err(format!("expected text, found {}", type_name(v))))
}

/// One record from a dict: attributes by name, measures under `measures` or as the other keys.
/// Problems are collected (all of them, for all records) rather than raised one by one.
fn record_from_py(
    obj: &Bound<'_, PyAny>,
    index: Option<usize>,
    problems: &mut Vec<Problem>,
) -> PyResult<Record> {
    let at = |id: &str| match (index, id.is_empty()) {
        (Some(i), false) => format!("records[{i}] ({id})"),
        (Some(i), true) => format!("records[{i}]"),
        (None, false) => format!("record {id}"),
        (None, true) => "record".to_string(),
    };
    // Any mapping (not only dict) is read through `dict(obj)`.
    let converted;
    let obj = if !obj.is_instance_of::<PyDict>() && obj.hasattr("keys")? {
        converted = obj.py().get_type::<PyDict>().call1((obj,))?;
        &converted
    } else {
        obj
    };
    let Ok(dict) = obj.cast::<PyDict>() else {
        problems.push(problem(
            at(""),
            format!("expected a dict, found {}", type_name(obj)),
        ));
        return Ok(Record::default());
    };
    let mut rec = Record::default();
    match dict.get_item("id")? {
        Some(id) if id.is_instance_of::<PyString>() => rec.id = id.str()?.to_string(),
        Some(id) if id.is_instance_of::<PyInt>() && !id.is_instance_of::<PyBool>() => {
            rec.id = id.str()?.to_string()
        }
        Some(id) => problems.push(problem(
            format!("{}.id", at("")),
            format!("expected text, found {}", type_name(&id)),
        )),
        None => problems.push(problem(format!("{}.id", at("")), "the record has no `id`")),
    }
    if rec.id.trim().is_empty() && dict.contains("id")? {
        problems.push(problem(format!("{}.id", at("")), "record id is empty"));
    }
    let path = at(&rec.id);
    let mut measure = |key: &str, value: &Bound<'_, PyAny>, rec: &mut Record| -> PyResult<()> {
        match number_from_py(value)? {
            Ok(Some(d)) => {
                rec.measures.insert(key.to_owned(), d);
            }
            Ok(None) => {}
            Err(m) => problems.push(problem(format!("{path}.{key}"), m)),
        }
        Ok(())
    };
    let mut text_problems = Vec::new();
    for (k, v) in dict.iter() {
        let Ok(key) = k.cast::<PyString>() else {
            text_problems.push(problem(
                path.clone(),
                format!("keys must be strings, found {}", type_name(&k)),
            ));
            continue;
        };
        let key = key.to_cow()?;
        let key: &str = &key;
        match key {
            "id" => {}
            "name" | "team" | "department" | "branch" => match text_attr(&v)? {
                Ok(t) => {
                    let slot = match key {
                        "name" => &mut rec.name,
                        "team" => &mut rec.team,
                        "department" => &mut rec.department,
                        _ => &mut rec.branch,
                    };
                    *slot = t;
                }
                Err(m) => text_problems.push(problem(format!("{path}.{key}"), m)),
            },
            "attributes" => {
                if v.is_none() {
                    continue;
                }
                let Ok(attrs) = v.cast::<PyDict>() else {
                    text_problems.push(problem(
                        format!("{path}.attributes"),
                        format!("expected a dict, found {}", type_name(&v)),
                    ));
                    continue;
                };
                for (ak, av) in attrs.iter() {
                    let name = ak.str()?.to_string();
                    match text_attr(&av)? {
                        Ok(Some(t)) => {
                            rec.attributes.insert(name, t);
                        }
                        Ok(None) => {}
                        Err(m) => {
                            text_problems.push(problem(format!("{path}.attributes.{name}"), m))
                        }
                    }
                }
            }
            "measures" => {
                if v.is_none() {
                    continue;
                }
                let Ok(ms) = v.cast::<PyDict>() else {
                    text_problems.push(problem(
                        format!("{path}.measures"),
                        format!("expected a dict, found {}", type_name(&v)),
                    ));
                    continue;
                };
                for (mk, mv) in ms.iter() {
                    let name = mk.str()?.to_string();
                    measure(&name, &mv, &mut rec)?;
                }
            }
            other => measure(other, &v, &mut rec)?,
        }
    }
    problems.extend(text_problems);
    Ok(rec)
}

fn records_from_py(py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<Vec<Record>> {
    // A pandas DataFrame: rows as flat dicts, pandas' missing markers as None (see _frame.py).
    let records = if records.hasattr("columns")? && records.hasattr("to_dict")? {
        py.import("perfscore._display")?
            .call_method1("frame_to_records", (records,))?
    } else {
        records.clone()
    };
    if records.is_instance_of::<PyDict>() || records.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "expected a list of record dicts or a pandas DataFrame",
        ));
    }
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, item) in records.try_iter()?.enumerate() {
        out.push(record_from_py(&item?, Some(i), &mut problems)?);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(core_err(py, &CoreError::Input(problems)))
    }
}

fn record_to_py<'py>(py: Python<'py>, r: &Record) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", &r.id)?;
    for (k, v) in [
        ("name", &r.name),
        ("team", &r.team),
        ("department", &r.department),
        ("branch", &r.branch),
    ] {
        d.set_item(k, v.as_deref())?;
    }
    if !r.attributes.is_empty() {
        let a = PyDict::new(py);
        for (k, v) in &r.attributes {
            a.set_item(k, v)?;
        }
        d.set_item("attributes", a)?;
    }
    let m = PyDict::new(py);
    for (k, v) in &r.measures {
        m.set_item(k, py_decimal(py, *v)?)?;
    }
    d.set_item("measures", m)?;
    Ok(d)
}

// ---------------------------------------------------------------------------------------------
// Plan

/// A validated, compiled assessment plan (immutable, shareable across threads).
#[pyclass(module = "perfscore._perfscore", name = "Plan", frozen)]
struct PyPlan {
    inner: Arc<Plan>,
}

fn plan_result(py: Python<'_>, r: perfscore::Result<Plan>) -> PyResult<PyPlan> {
    r.map(|p| PyPlan { inner: Arc::new(p) })
        .map_err(|e| core_err(py, &e))
}

/// A plan compiled within the host's lowered limits (a mapping such as `{"max_list_items": 200}`),
/// or the defaults.
fn compile_plan(py: Python<'_>, text: &str, limits: Option<&Bound<'_, PyAny>>) -> PyResult<PyPlan> {
    let limits = match limits {
        Some(l) if !l.is_none() => {
            let text = py_to_json(l, "limits")?.to_string();
            perfscore::Limits::from_json(&text).map_err(|e| core_err(py, &e))?
        }
        _ => perfscore::Limits::default(),
    };
    plan_result(py, Plan::from_json_with_limits(text, &limits))
}

#[pymethods]
impl PyPlan {
    /// Parse and validate a plan from JSON text; every problem is reported at once.
    /// `limits` lowers the defaults for plans from untrusted users (see SECURITY.md).
    #[staticmethod]
    #[pyo3(signature = (text, limits=None))]
    fn from_json(
        py: Python<'_>,
        text: &str,
        limits: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyPlan> {
        compile_plan(py, text, limits)
    }

    /// A plan from a dict (as `json.loads` would give, Decimals and floats allowed).
    #[staticmethod]
    #[pyo3(signature = (plan, limits=None))]
    fn from_dict(
        py: Python<'_>,
        plan: &Bound<'_, PyAny>,
        limits: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyPlan> {
        let text = py_to_json(plan, "plan")?.to_string();
        compile_plan(py, &text, limits)
    }

    /// A plan from a UTF-8 JSON file; Python opens and reads the file.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<PyPlan> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("encoding", "utf-8-sig")?;
        let file = py
            .import("builtins")?
            .call_method("open", (path,), Some(&kwargs))?;
        let text = file.call_method0("read");
        file.call_method0("close")?;
        let text = text?;
        plan_result(py, Plan::from_json(&text.extract::<String>()?))
    }

    /// A bundled plan template by id, e.g. `monthly-sales-rep`.
    #[staticmethod]
    fn template(py: Python<'_>, id: &str) -> PyResult<PyPlan> {
        match perfscore::templates::plan_template(id) {
            Some(text) => plan_result(py, Plan::from_json(text)),
            None => {
                let known: Vec<&str> = perfscore::templates::PLAN_TEMPLATES
                    .iter()
                    .map(|(k, _)| *k)
                    .collect();
                Err(core_err(
                    py,
                    &CoreError::Plan(vec![problem(
                        "template",
                        format!("no template `{id}` (known: {})", known.join(", ")),
                    )]),
                ))
            }
        }
    }

    /// The plan document as compact JSON (`Plan.from_json` reads it back as the same plan);
    /// analytics requests take a `Plan` wherever they take a plan document.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The plan's id.
    #[getter]
    fn id(&self) -> String {
        self.inner.spec().id.to_string()
    }

    /// The plan's display name.
    #[getter]
    fn name(&self) -> String {
        self.inner.spec().name.to_string()
    }

    /// Measure ids, in declaration order.
    #[getter]
    fn measures(&self) -> Vec<String> {
        self.inner
            .measures()
            .iter()
            .map(|m| m.id.to_string())
            .collect()
    }

    /// Grade names from lowest to highest.
    #[getter]
    fn grades(&self) -> Vec<String> {
        self.inner.grade_names().map(str::to_owned).collect()
    }

    /// Records from CSV text with a header row (headers may be measure aliases), as dicts.
    fn records_from_csv<'py>(
        &self,
        py: Python<'py>,
        text: &str,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let records = self
            .inner
            .records_from_csv(text)
            .map_err(|e| core_err(py, &e))?;
        records.iter().map(|r| record_to_py(py, r)).collect()
    }

    /// Records from a JSON array of record objects, as dicts.
    fn records_from_json<'py>(
        &self,
        py: Python<'py>,
        text: &str,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let records = self
            .inner
            .records_from_json(text)
            .map_err(|e| core_err(py, &e))?;
        records.iter().map(|r| record_to_py(py, r)).collect()
    }

    /// Score one record (a dict); `period` says how far the period has gone.
    #[pyo3(signature = (record, period=None))]
    fn score(
        &self,
        py: Python<'_>,
        record: &Bound<'_, PyAny>,
        period: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyScorecard> {
        let options = options_from_py(py, period)?;
        let mut problems = Vec::new();
        let rec = record_from_py(record, None, &mut problems)?;
        if !problems.is_empty() {
            return Err(core_err(py, &CoreError::Input(problems)));
        }
        self.inner
            .score_with(&rec, &options)
            .map(|inner| PyScorecard { inner })
            .map_err(|e| core_err(py, &e))
    }

    /// Score a batch (a list of dicts or a DataFrame) without holding the GIL; all or nothing.
    #[pyo3(signature = (records, period=None))]
    fn score_many(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        period: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyBatch> {
        let options = options_from_py(py, period)?;
        let records = records_from_py(py, records)?;
        let plan = Arc::clone(&self.inner);
        let cards = py
            .detach(move || plan.score_many(&records, &options))
            .map_err(|e| core_err(py, &e))?;
        let cards = cards
            .into_iter()
            .map(|inner| Py::new(py, PyScorecard { inner }))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyBatch { cards })
    }

    /// Score a table column by column: a pandas DataFrame or a mapping of column name →
    /// sequence in, a `SummaryTable` (totals, grades, vetoes, optionally pay) out. The cells are
    /// converted in Rust into the core's batch table, then scored by the core's batch engine
    /// without the GIL, on `threads` threads (default: the engine's policy, one per 4,096 rows up
    /// to 8; give 1 inside Spark or Dask tasks); no dict, record or scorecard per row. All or
    /// nothing, every problem at once.
    #[pyo3(signature = (frame, *, id_column="id", options=None, pay_plan=None, threads=None))]
    fn summarize_frame(
        &self,
        py: Python<'_>,
        frame: &Bound<'_, PyAny>,
        id_column: &str,
        options: Option<&Bound<'_, PyAny>>,
        pay_plan: Option<PyRef<'_, pay::PyPayPlan>>,
        threads: Option<usize>,
    ) -> PyResult<frame::PySummaryTable> {
        let pay = match pay_plan {
            Some(p) => {
                if !p.pays(&self.inner) {
                    return Err(PyValueError::new_err(format!(
                        "pay_plan was compiled against plan `{}`, not this plan (`{}`)",
                        p.plan_id(),
                        self.inner.spec().id
                    )));
                }
                Some(p.core())
            }
            None => None,
        };
        frame::summarize_frame(py, &self.inner, frame, id_column, options, pay, threads)
    }

    fn __repr__(&self) -> String {
        let spec = self.inner.spec();
        format!(
            "<Plan {} {:?} indicators={}>",
            spec.id,
            spec.name.to_string(),
            self.inner.indicator_count()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Scorecard

/// One person's result.
#[pyclass(module = "perfscore._perfscore", name = "Scorecard", frozen)]
struct PyScorecard {
    inner: Scorecard,
}

fn opt_dec<'py>(py: Python<'py>, d: Option<Decimal>) -> PyResult<Option<Bound<'py, PyAny>>> {
    d.map(|d| py_decimal(py, d)).transpose()
}

fn display(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("perfscore._display")
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
        self.inner
            .progress
            .as_ref()
            .and_then(|p| p.status)
            .map(|s| s.en())
    }
    #[getter]
    fn projected_total<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_dec(
            py,
            self.inner.progress.as_ref().and_then(|p| p.projected_total),
        )
    }
    #[getter]
    fn projected_grade(&self) -> Option<String> {
        self.inner
            .progress
            .as_ref()
            .and_then(|p| p.projected_grade.as_ref())
            .map(|g| g.to_string())
    }
    /// Section results as dicts (decimals as Decimal), each with its `indicators`.
    #[getter]
    fn sections<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.part(py, "sections")
    }
    /// All indicator results across sections, as dicts.
    #[getter]
    fn indicators<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        display(py)?.call_method1("indicators_of", (self.to_dict(py)?,))
    }
    /// Adjustments (bonus points and deductions) as dicts.
    #[getter]
    fn adjustments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.part(py, "adjustments")
    }
    /// Triggered vetoes as dicts (`id`, `name`, `condition`, `effect`).
    #[getter]
    fn vetoes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.part(py, "vetoes")
    }
    /// The progress summary as a dict, or None at period end.
    #[getter]
    fn progress<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self
            .to_dict(py)?
            .get_item("progress")?
            .unwrap_or_else(|| py.None().into_bound(py)))
    }

    /// One indicator's result by id, as a dict, or None.
    fn indicator<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        display(py)?.call_method1("find_by_id", (self.indicators(py)?, id))
    }

    /// One section's result by id, as a dict, or None.
    fn section<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        display(py)?.call_method1("find_by_id", (self.sections(py)?, id))
    }

    /// The core's canonical JSON, byte for byte.
    fn to_json(&self) -> String {
        self.inner.to_canonical_json()
    }

    /// The canonical JSON as Python values, decimals as `decimal.Decimal`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = display(py)?.call_method1("decode_card", (self.inner.to_canonical_json(),))?;
        Ok(d.cast_into::<PyDict>()?)
    }

    /// A step-by-step explanation in English (`en`) or Simplified Chinese (`zh`).
    #[pyo3(signature = (lang="en"))]
    fn explain(&self, lang: &str) -> PyResult<String> {
        let lang: Lang = lang.parse().map_err(PyValueError::new_err)?;
        Ok(self.inner.explain(lang))
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

impl PyScorecard {
    fn part<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        Ok(self
            .to_dict(py)?
            .get_item(key)?
            .unwrap_or_else(|| PyList::empty(py).into_any()))
    }
}

// ---------------------------------------------------------------------------------------------
// BatchResult

/// The scorecards of a batch, in input order; a read-only sequence.
#[pyclass(
    module = "perfscore._perfscore",
    name = "BatchResult",
    frozen,
    sequence
)]
struct PyBatch {
    cards: Vec<Py<PyScorecard>>,
}

#[pymethods]
impl PyBatch {
    fn __len__(&self) -> usize {
        self.cards.len()
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::sequence::get_item(py, &self.cards, index, "BatchResult")
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::sequence::iter(py, &self.cards)
    }

    /// Canonical JSON lines: one scorecard per line, each ending in a newline.
    fn to_json_lines(&self) -> String {
        self.cards
            .iter()
            .map(|c| c.get().inner.to_canonical_json() + "\n")
            .collect()
    }

    /// The canonical JSON array of all scorecards.
    fn to_json(&self) -> String {
        let cards: Vec<Scorecard> = self.cards.iter().map(|c| c.get().inner.clone()).collect();
        perfscore::batch_to_canonical_json(&cards)
    }

    /// Column names of the table form (from the first scorecard; the attribute columns when empty).
    fn columns(&self) -> Vec<String> {
        match self.cards.first() {
            Some(c) => c.get().inner.columns(),
            None => ATTRIBUTES
                .iter()
                .map(|a| if *a == "id" { "record_id" } else { a }.to_string())
                .collect(),
        }
    }

    /// One row per person (see `Scorecard.row`).
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Vec<Vec<Bound<'py, PyAny>>>> {
        self.cards.iter().map(|c| c.get().row(py)).collect()
    }

    /// A pandas DataFrame, one row per person, Decimal cells (pandas is imported only here).
    fn to_dataframe<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        display(slf.py())?.call_method1("batch_dataframe", (slf,))
    }

    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        display(slf.py())?
            .call_method1("batch_html", (slf,))?
            .extract()
    }

    fn __repr__(&self) -> String {
        format!("<BatchResult {} scorecards>", self.cards.len())
    }
}

// ---------------------------------------------------------------------------------------------
// Module

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
    perfscore::templates::PLAN_TEMPLATES
        .iter()
        .map(|(k, _)| *k)
        .collect()
}

#[pymodule]
fn _perfscore(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPlan>()?;
    m.add_class::<PyScorecard>()?;
    m.add_class::<PyBatch>()?;
    m.add_class::<frame::PySummaryTable>()?;
    m.add_function(wrap_pyfunction!(demo_team_csv, m)?)?;
    m.add_function(wrap_pyfunction!(demo_plan_json, m)?)?;
    m.add_function(wrap_pyfunction!(indicator_library_json, m)?)?;
    m.add_function(wrap_pyfunction!(template_ids, m)?)?;
    pay::register(m)?;
    feedback::register(m)?;
    analytics::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
