//! A host frame as named Arrow arrays, each in a layout the core's [`Column`] borrows without
//! copying: float64, int64 (with a scale, for decimals), utf8 or large utf8, and the validity
//! bitmap. What the columns mean (ids, aliases, ignored columns, every number) is the core's
//! ([`Plan::read_frame`](perfscore::Plan::read_frame)); this file only moves buffers.
//!
//! - Anything with the Arrow PyCapsule stream interface (`__arrow_c_stream__`: polars, pyarrow,
//!   DuckDB, pandas ≥ 2.2 with pyarrow) is read through the stream, batch by batch, without a
//!   Python object per cell. A pandas frame with a `RangeIndex` is made into that stream column
//!   by column, its float64 columns without a copy (see `pandas_table`).
//! - A pandas frame that has no Arrow form (no pyarrow installed, or an object column mixing
//!   numbers and text) and a mapping of column name → sequence are read column by column:
//!   float64 and int64 numpy data as their bytes, anything else cell by cell as text (a number
//!   by its text, a float by its shortest representation; None, NaN and pd.NA missing), which
//!   the core then reads by the same number rule as CSV cells.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, Float64Type, Int64Type};
use arrow_array::{new_null_array, Array, ArrayRef, Float64Array, Int64Array, StringArray};
use arrow_buffer::Buffer;
use arrow_cast::{cast_with_options, CastOptions};
use arrow_schema::DataType;
use perfscore::batch::{Column, Frame};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyList, PyString};
use pyo3_arrow::PyRecordBatchReader;

use crate::type_name;

/// One column as the core will borrow it.
pub(crate) struct Owned {
    name: String,
    /// Float64, Int64, Utf8 or LargeUtf8.
    array: ArrayRef,
    /// Decimal places of an Int64 array made from decimals.
    scale: u32,
    valid: Option<Buffer>,
}

impl Owned {
    fn new(name: String, array: ArrayRef, scale: u32) -> Owned {
        // The bitmap from the array's first row (a sliced array's bits start mid-byte).
        let valid = array.nulls().map(|n| n.inner().sliced());
        Owned {
            name,
            array,
            scale,
            valid,
        }
    }

    /// The column for the core.
    fn column(&self) -> Column<'_> {
        let column = match self.array.data_type() {
            DataType::Float64 => Column::f64(self.array.as_primitive::<Float64Type>().values()),
            DataType::Int64 => {
                Column::i64(self.array.as_primitive::<Int64Type>().values(), self.scale)
            }
            DataType::Utf8 => {
                let a = self.array.as_string::<i32>();
                Column::text(a.value_offsets(), a.value_data())
            }
            DataType::LargeUtf8 => {
                let a = self.array.as_string::<i64>();
                Column::large_text(a.value_offsets(), a.value_data())
            }
            // `layout` makes only the four above.
            _ => Column::decimals(&[]),
        };
        match &self.valid {
            Some(bits) => column.with_validity(bits.as_slice()),
            None => column,
        }
    }
}

impl Owned {
    /// Rows `start..start + len` (zero-copy; the bitmap is re-cut from the first row).
    fn slice(&self, start: usize, len: usize) -> Owned {
        Owned::new(self.name.clone(), self.array.slice(start, len), self.scale)
    }

    fn len(&self) -> usize {
        self.array.len()
    }

    /// Number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.array.len()
    }
}

/// Where a frame's rows come from, part by part: an Arrow stream batch by batch (memory stays at
/// one batch), or columns held whole; either way cut into parts of at most `block` rows, so a
/// host can check for Ctrl-C and report progress between parts.
pub(crate) struct Parts {
    reader: Option<Box<dyn arrow_array::RecordBatchReader + Send>>,
    current: Vec<Owned>,
    offset: usize,
    block: usize,
    started: bool,
}

impl Parts {
    /// Columns held whole.
    pub(crate) fn whole(columns: Vec<Owned>, block: usize) -> Parts {
        Parts {
            reader: None,
            current: columns,
            offset: 0,
            block: block.max(1),
            started: false,
        }
    }

    /// An Arrow stream read as it comes (batch by batch: no copy of its columns into one
    /// array each), or any other frame read whole. A pandas frame pyarrow cannot convert (no
    /// pyarrow, or an object column it cannot type) fails here, before any batch, and is then
    /// read column by column.
    pub(crate) fn open(frame: &Bound<'_, PyAny>, block: usize) -> PyResult<Parts> {
        if frame.hasattr("__arrow_c_stream__")? {
            match stream(frame) {
                Ok(reader) => {
                    let schema = reader.schema();
                    // Empty columns until the first batch, so a stream without rows still reads.
                    let empty = schema
                        .fields()
                        .iter()
                        .map(|f| layout(f.name().clone(), new_null_array(f.data_type(), 0)))
                        .collect::<PyResult<Vec<_>>>()?;
                    let mut parts = Parts::whole(empty, block);
                    parts.reader = Some(reader);
                    return Ok(parts);
                }
                Err(_) if is_pandas(frame)? => {
                    return Ok(Parts::whole(sequence_columns(frame, true)?, block))
                }
                Err(e) => return Err(e),
            }
        }
        Ok(Parts::whole(columns(frame)?, block))
    }

    /// Rows of the columns held now.
    fn held(&self) -> usize {
        self.current.first().map_or(0, Owned::len)
    }

    /// The next part's columns; `None` after the last. A frame without rows has one empty part,
    /// so its headers are still read.
    pub(crate) fn next_part(&mut self) -> PyResult<Option<Vec<Owned>>> {
        loop {
            let held = self.held();
            if self.offset < held {
                // Columns of unequal lengths are handed over whole, for the core to report.
                if self.current.iter().any(|c| c.len() != held) {
                    self.offset = held;
                    self.started = true;
                    return Ok(Some(std::mem::take(&mut self.current)));
                }
                let len = self.block.min(held.saturating_sub(self.offset));
                let part = self
                    .current
                    .iter()
                    .map(|c| c.slice(self.offset, len))
                    .collect();
                self.offset = self.offset.saturating_add(len);
                self.started = true;
                return Ok(Some(part));
            }
            if let Some(reader) = self.reader.as_mut() {
                match reader.next() {
                    Some(batch) => {
                        let batch = batch.map_err(arrow_err)?;
                        let schema = batch.schema();
                        self.current = schema
                            .fields()
                            .iter()
                            .zip(batch.columns())
                            .map(|(f, a)| layout(f.name().clone(), Arc::clone(a)))
                            .collect::<PyResult<_>>()?;
                        self.offset = 0;
                        continue;
                    }
                    None => self.reader = None,
                }
            }
            if self.started {
                return Ok(None);
            }
            self.started = true;
            return Ok(Some(std::mem::take(&mut self.current)));
        }
    }
}

/// The frame for the core, with its ids in `id_column` when given.
pub(crate) fn frame<'a>(columns: &'a [Owned], id_column: Option<&'a str>) -> Frame<'a> {
    let mut frame = Frame::new();
    for c in columns {
        frame.push(&c.name, c.column());
    }
    match id_column {
        Some(name) => frame.id_column(name),
        None => frame,
    }
}

/// The columns of `frame`: an Arrow stream, a pandas DataFrame or a mapping of name → sequence.
pub(crate) fn columns(frame: &Bound<'_, PyAny>) -> PyResult<Vec<Owned>> {
    let pandas = is_pandas(frame)?;
    if frame.hasattr("__arrow_c_stream__")? {
        match arrow_columns(frame) {
            Ok(columns) => return Ok(columns),
            // pandas without pyarrow, or an object column pyarrow cannot type: column by column.
            Err(_) if pandas => {}
            Err(e) => return Err(e),
        }
    }
    if pandas || frame.is_instance_of::<PyDict>() || frame.hasattr("keys")? {
        return sequence_columns(frame, pandas);
    }
    Err(PyTypeError::new_err(format!(
        "expected a table: a polars, pyarrow, DuckDB or pandas frame (anything with \
         __arrow_c_stream__) or a mapping of column name → sequence, found {}",
        type_name(frame)
    )))
}

fn is_pandas(frame: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(frame.hasattr("columns")? && frame.hasattr("index")? && frame.hasattr("iloc")?)
}

/// The frame's Arrow stream.
fn stream(frame: &Bound<'_, PyAny>) -> PyResult<Box<dyn arrow_array::RecordBatchReader + Send>> {
    let frame = match is_pandas(frame)? {
        true => pandas_table(frame)?.unwrap_or_else(|| frame.clone()),
        false => conformant(frame)?,
    };
    let reader: PyRecordBatchReader = frame.extract()?;
    reader.into_reader()
}

/// A pandas frame with a `RangeIndex` and unique text headers as a pyarrow table made column by
/// column, as pandas' own Arrow export (`Table.from_pandas`) makes it, except that a numpy
/// float64 column is handed over as it is (no copy) with NaN left as NaN, which the core reads
/// as a missing value just as it reads a null: pandas' export scans every float for NaN to build
/// a validity bitmap, most of its time on a numeric frame. `None` for any other frame (its index
/// becomes a column, or its headers need converting), which pandas exports itself.
fn pandas_table<'py>(frame: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = frame.py();
    let range_index = py.import("pandas")?.getattr("RangeIndex")?;
    if !frame.getattr("index")?.is_instance(&range_index)?
        || !frame
            .getattr("columns")?
            .getattr("is_unique")?
            .is_truthy()?
    {
        return Ok(None);
    }
    let pyarrow = py.import("pyarrow")?;
    let from_pandas = PyDict::new(py);
    from_pandas.set_item("from_pandas", true)?;
    let (mut names, mut arrays) = (Vec::new(), Vec::new());
    for item in frame.call_method0("items")?.try_iter()? {
        let (name, series): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item?.extract()?;
        if !name.is_instance_of::<PyString>() {
            return Ok(None);
        }
        let array = match is_float64(&series)? {
            true => pyarrow.call_method1("array", (series.call_method0("to_numpy")?,))?,
            false => one_chunk(pyarrow.call_method("array", (series,), Some(&from_pandas))?)?,
        };
        names.push(name);
        arrays.push(array);
    }
    let named = PyDict::new(py);
    named.set_item("names", names)?;
    let table = pyarrow.getattr("Table")?;
    table
        .call_method("from_arrays", (arrays,), Some(&named))
        .map(Some)
}

/// A pyarrow-backed pandas column (pandas' `str` columns from `read_csv`) arrives in the chunks
/// it was read in; the stream would cut the frame into a part per chunk boundary, and small
/// parts cost the core a pass of threads each (100,000 rows whose ids came in 6 chunks: 10.7–11.1
/// ms against 9.1 ms in one). Its chunks are joined into one array: one copy of this column only.
fn one_chunk<'py>(array: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    match array.getattr("num_chunks") {
        Ok(n) if n.extract::<usize>()? > 1 => array.call_method0("combine_chunks"),
        _ => Ok(array),
    }
}

/// Whether a pandas Series holds numpy float64 values in the machine's byte order (not a
/// nullable `Float64` or a pyarrow-backed column, which keep their own missing values).
fn is_float64(series: &Bound<'_, PyAny>) -> PyResult<bool> {
    let dtype = series.getattr("dtype")?;
    let numpy_dtype = series.py().import("numpy")?.getattr("dtype")?;
    if !dtype.is_instance(&numpy_dtype)? {
        return Ok(false);
    }
    let kind: String = dtype.getattr("kind")?.extract()?;
    let size: usize = dtype.getattr("itemsize")?.extract()?;
    Ok(kind == "f" && size == 8 && dtype.getattr("isnative")?.is_truthy()?)
}

/// The frame as an Arrow stream arrow-rs accepts. polars exports an all-null column (its `Null`
/// dtype) with a buffer the Arrow C data interface does not allow for that type, which arrow-rs
/// refuses: such columns are cast to text first (null text cells read as null cells).
fn conformant<'py>(frame: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let module: String = frame.get_type().getattr("__module__")?.extract()?;
    if !module.starts_with("polars.") {
        return Ok(frame.clone());
    }
    let polars = frame.py().import("polars")?;
    let casts = PyDict::new(frame.py());
    casts.set_item(polars.getattr("Null")?, polars.getattr("String")?)?;
    frame.call_method1("cast", (casts,))
}

/// Every batch of the stream, each column joined into one array.
fn arrow_columns(frame: &Bound<'_, PyAny>) -> PyResult<Vec<Owned>> {
    let reader = stream(frame)?;
    let schema = reader.schema();
    let mut parts: Vec<Vec<ArrayRef>> = vec![Vec::new(); schema.fields().len()];
    for batch in reader {
        let batch = batch.map_err(arrow_err)?;
        for (k, column) in batch.columns().iter().enumerate() {
            if let Some(p) = parts.get_mut(k) {
                p.push(Arc::clone(column));
            }
        }
    }
    schema
        .fields()
        .iter()
        .zip(parts)
        .map(|(field, parts)| {
            let array = match parts.len() {
                0 => new_null_array(field.data_type(), 0),
                1 => parts
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| new_null_array(field.data_type(), 0)),
                _ => {
                    let refs: Vec<&dyn Array> = parts.iter().map(AsRef::as_ref).collect();
                    arrow_select::concat::concat(&refs).map_err(arrow_err)?
                }
            };
            layout(field.name().clone(), array)
        })
        .collect()
}

/// `array` in one of the four layouts the core borrows: integers of any width become int64,
/// decimals int64 at their scale when every value fits, anything else its text (exact: Arrow
/// writes a float32 by its shortest representation, a decimal by its digits). Never a silent
/// change of value: a cast that would lose one fails, and the column is text instead.
fn layout(name: String, array: ArrayRef) -> PyResult<Owned> {
    let strict = CastOptions {
        safe: false,
        ..CastOptions::default()
    };
    let cast = |to: &DataType| cast_with_options(&array, to, &strict);
    match array.data_type() {
        DataType::Float64 | DataType::Int64 | DataType::Utf8 | DataType::LargeUtf8 => {
            return Ok(Owned::new(name, array, 0))
        }
        DataType::Null => {
            let missing = new_null_array(&DataType::Float64, array.len());
            return Ok(Owned::new(name, missing, 0));
        }
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => {
            if let Ok(ints) = cast(&DataType::Int64) {
                return Ok(Owned::new(name, ints, 0));
            }
        }
        DataType::Decimal128(_, scale) => {
            if let (Ok(scale), Some(ints)) = (u32::try_from(*scale), decimal_units(&array)) {
                if scale <= 28 {
                    return Ok(Owned::new(name, Arc::new(ints), scale));
                }
            }
        }
        // Nested values have no one text a person would read as a number or an id.
        DataType::List(_)
        | DataType::LargeList(_)
        | DataType::FixedSizeList(..)
        | DataType::ListView(_)
        | DataType::LargeListView(_)
        | DataType::Struct(_)
        | DataType::Map(..)
        | DataType::Union(..) => return Err(not_numbers(&name, array.data_type())),
        _ => {}
    }
    match cast(&DataType::LargeUtf8) {
        Ok(text) => Ok(Owned::new(name, text, 0)),
        Err(_) => Err(not_numbers(&name, array.data_type())),
    }
}

fn not_numbers(name: &str, data_type: &DataType) -> PyErr {
    PyTypeError::new_err(format!(
        "column `{name}`: a column of {data_type} cannot hold numbers or ids"
    ))
}

/// A decimal128 column's values as int64 units, when every present value fits.
fn decimal_units(array: &ArrayRef) -> Option<Int64Array> {
    let d = array.as_primitive::<Decimal128Type>();
    let units: Option<Vec<i64>> = d
        .values()
        .iter()
        .enumerate()
        .map(|(i, v)| match d.is_valid(i) {
            true => i64::try_from(*v).ok(),
            false => Some(0),
        })
        .collect();
    Some(Int64Array::new(units?.into(), d.nulls().cloned()))
}

fn arrow_err(e: arrow_schema::ArrowError) -> PyErr {
    PyTypeError::new_err(format!("reading the Arrow stream: {e}"))
}

/// A pandas frame (its named index first, as a column) or a mapping, column by column.
fn sequence_columns(frame: &Bound<'_, PyAny>, pandas: bool) -> PyResult<Vec<Owned>> {
    let mut out = Vec::new();
    if pandas {
        let index = frame.getattr("index")?;
        let name = index.getattr("name")?;
        if !name.is_none() {
            out.push(sequence(name.str()?.to_cow()?.into_owned(), &index)?);
        }
    }
    for name in frame.call_method0("keys")?.try_iter()? {
        let name = name?;
        let values = frame.get_item(&name)?;
        out.push(sequence(name.str()?.to_cow()?.into_owned(), &values)?);
    }
    Ok(out)
}

/// One sequence: float64 / int64 numpy data by its bytes, anything else cell by cell as text.
fn sequence(name: String, values: &Bound<'_, PyAny>) -> PyResult<Owned> {
    if let Some(array) = numpy_column(values)? {
        return Ok(Owned::new(name, array, 0));
    }
    if values.is_instance_of::<PyString>() || values.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "column `{name}`: expected a sequence of cells, found {}",
            type_name(values)
        )));
    }
    let mut cells: Vec<Option<String>> = Vec::new();
    for cell in values.try_iter()? {
        cells.push(cell_text(&cell?)?);
    }
    Ok(Owned::new(name, Arc::new(StringArray::from(cells)), 0))
}

/// A numpy float64 or int64 array (or a pandas Series of one) as an Arrow array of its values.
fn numpy_column(values: &Bound<'_, PyAny>) -> PyResult<Option<ArrayRef>> {
    let Ok(dtype) = values.getattr("dtype") else {
        return Ok(None);
    };
    // pandas extension dtypes (StringDtype, nullable Int64…) lack numpy's attributes: those
    // columns are read cell by cell.
    let attr = |name: &str| dtype.getattr(name).ok();
    let kind: String = attr("kind")
        .and_then(|k| k.extract().ok())
        .unwrap_or_default();
    let size: usize = attr("itemsize")
        .and_then(|s| s.extract().ok())
        .unwrap_or_default();
    let native = attr("isnative").is_some_and(|n| n.is_truthy().unwrap_or(false));
    if size != 8 || !(kind == "f" || kind == "i") || !native {
        return Ok(None);
    }
    let array = match values.hasattr("to_numpy")? {
        true => values.call_method0("to_numpy")?,
        false => values.clone(),
    };
    let bytes = array.call_method0("tobytes")?;
    let bytes = bytes.cast::<PyBytes>()?.as_bytes();
    let words = bytes.chunks_exact(8).map(|w| {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        b
    });
    Ok(Some(match kind.as_str() {
        "f" => Arc::new(Float64Array::from_iter_values(
            words.map(f64::from_ne_bytes),
        )),
        _ => Arc::new(Int64Array::from_iter_values(words.map(i64::from_ne_bytes))),
    }))
}

/// One cell as the core reads text: `None` for None, NaN (float or Decimal) and pandas' missing
/// markers; a float by
/// its shortest representation (`repr`), anything else by `str`.
fn cell_text(cell: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if cell.is_none() {
        return Ok(None);
    }
    if let Ok(s) = cell.cast::<PyString>() {
        return Ok(Some(s.to_cow()?.into_owned()));
    }
    if let Ok(f) = cell.cast::<PyFloat>() {
        let x = f.value();
        return (!x.is_nan())
            .then(|| cell.repr().map(|r| r.to_string()))
            .transpose();
    }
    let missing = match type_name(cell).as_str() {
        "NAType" | "NaTType" => true,
        "Decimal" => cell.call_method0("is_nan")?.is_truthy()?,
        _ => false,
    };
    if missing {
        return Ok(None);
    }
    if cell.is_instance_of::<PyList>() {
        return Err(PyTypeError::new_err(
            "a cell holds a list: give one column per measure",
        ));
    }
    Ok(Some(cell.str()?.to_cow()?.into_owned()))
}
