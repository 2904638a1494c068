//! The column path of `totals_frame`: a frame whose measure columns are all numpy float64 or
//! int64 handed to the core as columns (`f64`, and `i64` at scale 0, exact at any size), with no
//! decimal conversion per cell.
//! Anything else (text or object columns, ids that are not text, a column of another length) is
//! `None`, and the caller reads the frame as `summarize_frame` does.

use super::columns::{frame_columns, read_column, Cells, NON_MEASURES};
use perfscore::batch::Column;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

/// Ids (text), their Python objects, the measure column names and their values.
pub(super) struct Floats<'py> {
    pub(super) ids: Vec<String>,
    pub(super) id_objects: Bound<'py, PyList>,
    pub(super) names: Vec<String>,
    pub(super) columns: Vec<Owned>,
}

/// One column's values, copied out of numpy.
pub(super) enum Owned {
    F64(Vec<f64>),
    I64(Vec<i64>),
}

impl Owned {
    /// The column as the core reads it.
    pub(super) fn column(&self) -> Column<'_> {
        match self {
            Owned::F64(v) => Column::f64(v),
            Owned::I64(v) => Column::i64(v, 0),
        }
    }

    fn len(&self) -> usize {
        match self {
            Owned::F64(v) => v.len(),
            Owned::I64(v) => v.len(),
        }
    }
}

pub(super) fn read<'py>(
    frame: &Bound<'py, PyAny>,
    id_column: &str,
) -> PyResult<Option<Floats<'py>>> {
    let (columns, index) = frame_columns(frame, id_column)?;
    let id_pos = columns.iter().position(|(n, _)| n == id_column);
    let id_col = match (id_pos, index) {
        (Some(j), _) => columns[j].1.clone(),
        (None, Some(idx)) => idx,
        (None, None) => return Ok(None),
    };
    let Ok(Cells::Objects(id_cells)) = read_column(&id_col, false)? else {
        return Ok(None);
    };
    let mut ids = Vec::with_capacity(id_cells.len());
    for v in id_cells.iter() {
        match v.cast::<PyString>() {
            Ok(s) => ids.push(s.to_cow()?.into_owned()),
            Err(_) => return Ok(None),
        }
    }
    let n = ids.len();
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (j, (name, col)) in columns.iter().enumerate() {
        if Some(j) == id_pos || NON_MEASURES.contains(&name.as_str()) {
            continue;
        }
        let column = match read_column(col, true)? {
            Ok(Cells::F64(bytes)) => Owned::F64(words(bytes.as_bytes(), f64::from_ne_bytes)),
            Ok(Cells::I64(bytes)) => Owned::I64(words(bytes.as_bytes(), i64::from_ne_bytes)),
            _ => return Ok(None),
        };
        if column.len() != n {
            return Ok(None);
        }
        names.push(name.clone());
        values.push(column);
    }
    let id_objects = id_cells.get_slice(0, n).cast_into::<PyList>()?;
    Ok(Some(Floats {
        ids,
        id_objects,
        names,
        columns: values,
    }))
}

/// A numpy buffer of 8-byte values, in native byte order, as values.
fn words<T>(bytes: &[u8], from: fn([u8; 8]) -> T) -> Vec<T> {
    bytes
        .chunks_exact(8)
        .map(|c| from(c.try_into().unwrap_or([0; 8])))
        .collect()
}
