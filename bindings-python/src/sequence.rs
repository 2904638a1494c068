//! The Python sequence protocol (indexing with negatives and slices, iteration) for the
//! binding's result collections, written once.

use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PySlice};

/// `items[index]` with Python semantics: negative indices count from the end; a slice gives a list.
pub(crate) fn get_item<'py, T: pyo3::PyTypeInfo>(
    py: Python<'py>,
    items: &[Py<T>],
    index: &Bound<'py, PyAny>,
    what: &str,
) -> PyResult<Bound<'py, PyAny>> {
    if let Ok(slice) = index.cast::<PySlice>() {
        let list = PyList::new(py, items.iter().map(|c| c.clone_ref(py)))?;
        return list.as_any().get_item(slice);
    }
    let i: isize = index.extract()?;
    let j = if i < 0 {
        isize::try_from(items.len())
            .ok()
            .and_then(|len| i.checked_add(len))
    } else {
        Some(i)
    };
    j.and_then(|j| usize::try_from(j).ok())
        .and_then(|j| items.get(j))
        .map(|c| c.clone_ref(py).into_bound(py).into_any())
        .ok_or_else(|| PyIndexError::new_err(format!("{what} index out of range")))
}

/// `iter(items)`.
pub(crate) fn iter<'py, T: pyo3::PyTypeInfo>(
    py: Python<'py>,
    items: &[Py<T>],
) -> PyResult<Bound<'py, PyAny>> {
    let list = PyList::new(py, items.iter().map(|c| c.clone_ref(py)))?;
    Ok(list.try_iter()?.into_any())
}
