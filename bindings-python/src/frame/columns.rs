//! Phase 1: each column of the frame read once (numpy arrays as raw bytes, anything else as one
//! list), the per-cell number policy, and the frame's columns by name.

use super::read::input_error;
use crate::{is_decimal, number_from_py, problem, type_name};
use perfscore::input::{decimal_from_f64, parse_decimal};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt, PyList, PyString, PyTuple};
use rust_decimal::Decimal;

/// Columns that describe the person, never measures (as in record dicts and `frame_to_records`).
pub(super) const NON_MEASURES: [&str; 5] = ["name", "team", "department", "branch", "attributes"];

/// One column, read once.
pub(super) enum Cells<'py> {
    /// A numpy float64 array's bytes (native order).
    F64(Bound<'py, PyBytes>),
    /// A numpy int64 array's bytes (native order).
    I64(Bound<'py, PyBytes>),
    /// A numpy uint64 array's bytes (native order).
    U64(Bound<'py, PyBytes>),
    /// Anything else, as one list of Python objects.
    Objects(Bound<'py, PyList>),
}

impl Cells<'_> {
    pub(super) fn len(&self) -> usize {
        match self {
            Cells::F64(b) | Cells::I64(b) | Cells::U64(b) => b.as_bytes().len() / 8,
            Cells::Objects(l) => l.len(),
        }
    }
}

/// A column (pandas Series or Index, numpy array, list, tuple or other sequence) read once.
pub(super) fn read_column<'py>(
    col: &Bound<'py, PyAny>,
    numeric: bool,
) -> PyResult<Result<Cells<'py>, String>> {
    if col.is_instance_of::<PyString>() || col.is_instance_of::<PyBytes>() {
        return Ok(Err(format!(
            "expected a sequence of values, found {}",
            type_name(col)
        )));
    }
    if let Ok(list) = col.cast::<PyList>() {
        return Ok(Ok(Cells::Objects(list.clone())));
    }
    // pandas: the values as a numpy array (no per-row work); numpy arrays as they are.
    let array = if col.hasattr("to_numpy")? {
        col.call_method0("to_numpy")?
    } else {
        col.clone()
    };
    if numeric && array.hasattr("dtype")? && array.hasattr("tobytes")? {
        let dtype = array.getattr("dtype")?;
        let kind: String = dtype.getattr("kind")?.extract()?;
        let itemsize: usize = dtype.getattr("itemsize")?.extract()?;
        let order: String = dtype.getattr("byteorder")?.extract()?;
        let native = order == "=" || order == "|";
        if native && itemsize == 8 && matches!(kind.as_str(), "f" | "i" | "u") {
            let bytes = array.call_method0("tobytes")?.cast_into::<PyBytes>()?;
            return Ok(Ok(match kind.as_str() {
                "f" => Cells::F64(bytes),
                "i" => Cells::I64(bytes),
                _ => Cells::U64(bytes),
            }));
        }
    }
    if array.hasattr("tolist")? {
        if let Ok(list) = array.call_method0("tolist")?.cast_into::<PyList>() {
            return Ok(Ok(Cells::Objects(list)));
        }
    }
    if col.is_instance_of::<PyTuple>() || col.hasattr("__len__")? {
        if let Ok(it) = col.try_iter() {
            let items = it.collect::<PyResult<Vec<_>>>()?;
            return Ok(Ok(Cells::Objects(PyList::new(col.py(), items)?)));
        }
    }
    Ok(Err(format!(
        "expected a sequence of values, found {}",
        type_name(col)
    )))
}

/// Whether a value is pandas' or numpy's spelling of "no value" (other than None and float NaN).
pub(super) fn is_missing_marker(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    let name = v.get_type().name()?;
    let name = name.to_cow()?;
    if name == "NAType" || name == "NaTType" {
        return Ok(true);
    }
    if is_decimal(v)? {
        return v.call_method0("is_nan")?.is_truthy();
    }
    // numpy floats other than float64 (a float subclass) are not missing unless NaN.
    if name.starts_with("float") && v.hasattr("__float__")? {
        let f: f64 = v.call_method0("__float__")?.extract()?;
        return Ok(f.is_nan());
    }
    Ok(false)
}

/// One cell of a measure column: `Ok(None)` is missing; errors are user messages.
pub(super) fn cell_from_py(v: &Bound<'_, PyAny>) -> PyResult<Result<Option<Decimal>, String>> {
    if let Ok(s) = v.cast::<PyString>() {
        // The UTF-8 bytes borrowed from one encoded copy (`to_cow` copies twice under abi3-py39).
        let bytes = s.encode_utf8()?;
        let text = std::str::from_utf8(bytes.as_bytes()).unwrap_or_default();
        return Ok(parse_decimal(text).map(Some));
    }
    if v.is_none() {
        return Ok(Ok(None));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        let x = f.value();
        return Ok(if x.is_nan() {
            Ok(None)
        } else {
            decimal_from_f64(x).map(Some)
        });
    }
    if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
        if let Ok(i) = v.extract::<i64>() {
            return Ok(Ok(Some(Decimal::from(i))));
        }
    }
    if is_missing_marker(v)? {
        return Ok(Ok(None));
    }
    number_from_py(v)
}

/// A record id: text, or an int (written in digits), as in record dicts.
pub(super) fn id_from_py<'py>(
    v: &Bound<'py, PyAny>,
) -> PyResult<Result<Bound<'py, PyString>, String>> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Ok(s.clone()));
    }
    if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
        return Ok(Ok(v.str()?));
    }
    if v.is_none() || v.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan()) || is_missing_marker(v)?
    {
        return Ok(Err("the id is missing".into()));
    }
    Ok(Err(format!("expected text, found {}", type_name(v))))
}

/// A frame's columns as (name, column object) pairs, in order.
pub(super) type NamedColumns<'py> = Vec<(String, Bound<'py, PyAny>)>;

/// The frame's columns as (name, column object) pairs, plus the index when it names the ids.
pub(super) fn frame_columns<'py>(
    frame: &Bound<'py, PyAny>,
    id_column: &str,
) -> PyResult<(NamedColumns<'py>, Option<Bound<'py, PyAny>>)> {
    let py = frame.py();
    let is_frame =
        frame.hasattr("columns")? && frame.hasattr("index")? && frame.hasattr("items")?;
    if !is_frame
        && (frame.is_instance_of::<PyString>()
            || frame.is_instance_of::<PyList>()
            || frame.is_instance_of::<PyTuple>()
            || !frame.hasattr("items")?)
    {
        return Err(PyTypeError::new_err(format!(
            "summarize_frame: expected a pandas DataFrame or a mapping of column name to sequence, found {}",
            type_name(frame)
        )));
    }
    let mut columns = Vec::new();
    let mut bad_keys = Vec::new();
    for (j, item) in frame.call_method0("items")?.try_iter()?.enumerate() {
        let item = item?;
        let (key, col): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item.extract()?;
        let name = if let Ok(s) = key.cast::<PyString>() {
            s.to_cow()?.into_owned()
        } else if is_frame {
            // DataFrame labels are read as text, like `frame_to_records` does.
            key.str()?.to_cow()?.into_owned()
        } else {
            bad_keys.push(problem(
                format!("columns[{j}]"),
                format!("column names must be strings, found {}", type_name(&key)),
            ));
            continue;
        };
        columns.push((name, col));
    }
    if !bad_keys.is_empty() {
        return Err(input_error(py, bad_keys));
    }
    let mut index = None;
    if is_frame && !columns.iter().any(|(n, _)| n == id_column) {
        let idx = frame.getattr("index")?;
        let name = idx.getattr("name")?;
        if !name.is_none() && name.str()?.to_cow()? == id_column {
            index = Some(idx);
        }
    }
    Ok((columns, index))
}
