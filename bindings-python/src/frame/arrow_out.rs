//! A [`PySummaryTable`](super::PySummaryTable) as Arrow: `record_id`, `total`, `grade`,
//! `grade_before_veto`, `vetoed` and `pay`, exact (`decimal128(38, s)` at the values' scale: the
//! plan's for totals, the currency's for pay) or, on request, `float64` for plotting. Handed out
//! through the Arrow PyCapsule stream interface, which pyarrow, polars, DuckDB and pandas read
//! without copying cell by cell.

use std::sync::Arc;

use arrow_array::types::Int8Type;
use arrow_array::{
    ArrayRef, BooleanArray, Decimal128Array, DictionaryArray, Float64Array, Int8Array, RecordBatch,
    StringArray, StructArray,
};
use arrow_buffer::{BooleanBuffer, Buffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, Field};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use pyo3_arrow::ffi::{to_stream_pycapsule, ArrayIterator};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// The columns of a summary table, borrowed.
pub(super) struct Summary<'a> {
    pub(super) ids: &'a perfscore::batch::Ids,
    pub(super) totals: &'a [Decimal],
    pub(super) grades: &'a [u16],
    pub(super) grade_before_veto: &'a [Option<u16>],
    pub(super) grade_names: Vec<String>,
    pub(super) vetoed: &'a [bool],
    pub(super) pay: Option<&'a [Decimal]>,
}

/// A record batch behind the Arrow PyCapsule stream interface (one batch).
#[pyclass(module = "perfscore._perfscore", name = "ArrowStream", frozen)]
pub(crate) struct PyArrowStream {
    batch: RecordBatch,
}

#[pymethods]
impl PyArrowStream {
    #[pyo3(signature = (requested_schema=None))]
    pub(super) fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = self.batch.schema();
        let whole: ArrayRef = Arc::new(StructArray::from(self.batch.clone()));
        let field = Field::new_struct("", schema.fields().clone(), false);
        let reader = Box::new(ArrayIterator::new(
            std::iter::once(Ok::<_, ArrowError>(whole)),
            field.into(),
        ));
        to_stream_pycapsule(py, reader, requested_schema).map_err(PyErr::from)
    }
}

impl Summary<'_> {
    /// The table as one record batch; `floats`: totals and pay as `float64` instead of exact.
    pub(super) fn stream(&self, floats: bool) -> PyResult<PyArrowStream> {
        let amount = |values: &[Decimal]| match floats {
            true => Ok(float_column(values)),
            false => decimal_column(values),
        };
        let mut columns: Vec<(&str, ArrayRef)> = vec![
            ("record_id", id_column(self.ids)?),
            ("total", amount(self.totals)?),
            (
                "grade",
                self.grade_column(self.grades.iter().map(|g| Some(*g)))?,
            ),
            (
                "grade_before_veto",
                self.grade_column(self.grade_before_veto.iter().copied())?,
            ),
            ("vetoed", vetoed_column(self.vetoed)),
        ];
        if let Some(pay) = self.pay {
            columns.push(("pay", amount(pay)?));
        }
        let batch = RecordBatch::try_from_iter(columns).map_err(arrow_err)?;
        Ok(PyArrowStream { batch })
    }

    /// Grades as a dictionary column (few distinct texts, many rows): each row's grade index as
    /// the key into the plan's grade names, no text looked up per row.
    fn grade_column(&self, grades: impl Iterator<Item = Option<u16>>) -> PyResult<ArrayRef> {
        let count = self.grade_names.len();
        let key = |g: u16| usize::from(g) < count;
        if i8::try_from(count).is_err() {
            return Err(arrow_err(ArrowError::DictionaryKeyOverflowError));
        }
        // Below 128 names every key fits an `i8`.
        let keys: Int8Array = grades
            .map(|g| g.filter(|&g| key(g)).and_then(|g| i8::try_from(g).ok()))
            .collect();
        let names = StringArray::from_iter_values(&self.grade_names);
        let column =
            DictionaryArray::<Int8Type>::try_new(keys, Arc::new(names)).map_err(arrow_err)?;
        Ok(Arc::new(column))
    }
}

/// The ids as one text column, made from their one buffer and ends (no copy per id).
fn id_column(ids: &perfscore::batch::Ids) -> PyResult<ArrayRef> {
    let ends = ids.ends().iter().map(|&e| i32::try_from(e).ok());
    let offsets: Option<Vec<i32>> = std::iter::once(Some(0)).chain(ends).collect();
    let Some(offsets) = offsets else {
        // Past 2 GiB of id text: one id at a time into a large text column's builder.
        return Ok(Arc::new(arrow_array::LargeStringArray::from_iter_values(
            ids.iter(),
        )));
    };
    let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
    let data = Buffer::from(ids.text().as_bytes());
    let array = StringArray::try_new(offsets, data, None).map_err(arrow_err)?;
    Ok(Arc::new(array))
}

/// Whether a veto hit, one bit per row.
fn vetoed_column(vetoed: &[bool]) -> ArrayRef {
    let bits = BooleanBuffer::collect_bool(vetoed.len(), |i| vetoed.get(i).copied() == Some(true));
    Arc::new(BooleanArray::new(bits, None))
}

/// Exact decimals at the largest scale in the column (every value is exact at it). A column
/// of totals or pay has one scale throughout (the plan's or the currency's), so each mantissa is
/// taken as it is; only a column of mixed scales is rescaled value by value.
fn decimal_column(values: &[Decimal]) -> PyResult<ArrayRef> {
    let scale = values.iter().map(Decimal::scale).max().unwrap_or(0);
    let mantissa = |d: &Decimal| {
        if d.scale() == scale {
            d.mantissa()
        } else {
            let mut d = *d;
            d.rescale(scale);
            d.mantissa()
        }
    };
    let array = Decimal128Array::from_iter_values(values.iter().map(mantissa))
        .with_precision_and_scale(38, i8::try_from(scale).unwrap_or(28))
        .map_err(arrow_err)?;
    Ok(Arc::new(array))
}

/// The nearest `float64` of each value, for plots.
fn float_column(values: &[Decimal]) -> ArrayRef {
    Arc::new(Float64Array::from_iter_values(
        values.iter().map(|d| d.to_f64().unwrap_or(f64::NAN)),
    ))
}

fn arrow_err(e: ArrowError) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(e.to_string())
}
