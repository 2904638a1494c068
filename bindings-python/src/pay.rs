//! Pay: pay plans, pay statements and bonus pools. Each class holds the core value; parts are
//! converted by `to_py` (decimals as `decimal.Decimal`), the numbers are the core's.

use crate::classes::{PyPayPlan, PyPlan};
use crate::convert::{list_of, py_decimal, py_to_json, to_py};
use crate::errors::core_err;
use crate::host::{options_from_py, read_text, record_from_py, records_from_py};
use crate::ops::{request_text, run_result};
use perfscore::input::{read_number, read_pool};
use perfscore::pay::{split_pool as core_split_pool, PayLine, PoolShare};
use perfscore::{Lang, Loc, PayPlan, PayStatement};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use rust_decimal::Decimal;
use std::sync::Arc;

/// A required exact number (the one number rule), read by the core at `at`.
fn required_number(py: Python<'_>, v: &Bound<'_, PyAny>, at: &str) -> PyResult<Decimal> {
    let value = py_to_json(v, at)?;
    read_number(value, &Loc::root().key(at)).map_err(|e| core_err(py, &e))
}

/// Pool weights as JSON: a mapping becomes `[id, weight]` pairs in its own order (JSON objects
/// are read in key order, and the order breaks ties); lists go as they are.
fn weights_to_json(weights: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    if weights.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "weights: expected a dict {id: weight} or a list of (id, weight) pairs",
        ));
    }
    if weights.hasattr("items")? && weights.hasattr("keys")? {
        let pairs = weights
            .py()
            .get_type::<PyList>()
            .call1((weights.call_method0("items")?,))?;
        return py_to_json(&pairs, "weights");
    }
    py_to_json(weights, "weights")
}

/// Split a bonus pool by weights, exactly to the minor unit (largest remainder; ties to the
/// larger weight, then the earlier position).
#[pyfunction]
#[pyo3(signature = (pool, weights, minor_units=2))]
pub(crate) fn split_pool<'py>(
    py: Python<'py>,
    pool: &Bound<'_, PyAny>,
    weights: &Bound<'_, PyAny>,
    minor_units: u32,
) -> PyResult<Bound<'py, PyAny>> {
    let pool = py_to_json(pool, "pool")?;
    let (amount, weights) =
        read_pool(pool, weights_to_json(weights)?).map_err(|e| core_err(py, &e))?;
    let shares = core_split_pool(amount, minor_units, &weights).map_err(|e| core_err(py, &e))?;
    let shares = shares.into_iter().map(|inner| PyPoolShare { inner });
    list_of(py, shares, "perfscore._pay", "PoolSplit")
}

// ---------------------------------------------------------------------------------------------
// PayPlan

fn pay_plan_result(
    py: Python<'_>,
    plan: &PyPlan,
    r: perfscore::Result<PayPlan>,
) -> PyResult<PyPayPlan> {
    r.map(|p| PyPayPlan {
        inner: Arc::new(p),
        plan: Arc::clone(&plan.inner),
    })
    .map_err(|e| core_err(py, &e))
}

#[pymethods]
impl PyPayPlan {
    /// Parse and validate a pay plan from JSON text against `plan`; every problem at once.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str, plan: PyRef<'_, PyPlan>) -> PyResult<PyPayPlan> {
        pay_plan_result(py, &plan, PayPlan::from_json(text, &plan.inner))
    }

    /// A pay plan from a dict (as `json.loads` would give, Decimals and floats allowed).
    #[staticmethod]
    fn from_dict(
        py: Python<'_>,
        pay_plan: &Bound<'_, PyAny>,
        plan: PyRef<'_, PyPlan>,
    ) -> PyResult<PyPayPlan> {
        let value = py_to_json(pay_plan, "pay_plan")?;
        pay_plan_result(py, &plan, PayPlan::from_value(value, &plan.inner))
    }

    /// A pay plan from a UTF-8 JSON file; Python opens and reads the file.
    #[staticmethod]
    fn from_file(
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        plan: PyRef<'_, PyPlan>,
    ) -> PyResult<PyPayPlan> {
        let text = read_text(py, path)?;
        pay_plan_result(py, &plan, PayPlan::from_json(&text, &plan.inner))
    }

    /// Pickling goes through the documents: `PayPlan.from_json(document, plan)`, the scoring
    /// plan pickled with it.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String, PyPlan))> {
        let from_json = py.get_type::<PyPayPlan>().getattr("from_json")?;
        let plan = PyPlan {
            inner: Arc::clone(&self.plan),
        };
        Ok((from_json, (self.inner.to_json(), plan)))
    }

    /// The pay plan document as compact JSON (`PayPlan.from_json` reads it back against the
    /// same plan).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Decimal places of the currency's minor unit (CNY 2, JPY 0, …).
    #[getter]
    fn minor_units(&self) -> u32 {
        self.inner.minor_units()
    }

    /// Score and pay a batch (a list of dicts or a DataFrame) without holding the GIL; all or
    /// nothing.
    #[pyo3(signature = (records, period=None))]
    fn statements<'py>(
        &self,
        py: Python<'py>,
        records: &Bound<'py, PyAny>,
        period: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = options_from_py(py, period)?;
        let records = records_from_py(py, &self.plan, records)?;
        let plan = Arc::clone(&self.plan);
        let pay = Arc::clone(&self.inner);
        let statements = py
            .detach(move || pay.pay_records(&plan, &records, &options))
            .map_err(|e| core_err(py, &e))?;
        let statements = statements.into_iter().map(|inner| PyPayStatement { inner });
        list_of(py, statements, "perfscore._pay", "PayStatements")
    }

    /// Score and pay one record (a dict).
    #[pyo3(signature = (record, period=None))]
    fn statement(
        &self,
        py: Python<'_>,
        record: &Bound<'_, PyAny>,
        period: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyPayStatement> {
        let options = options_from_py(py, period)?;
        let rec = record_from_py(py, &self.plan, record)?;
        let card = self
            .plan
            .score_with(&rec, &options)
            .map_err(|e| core_err(py, &e))?;
        self.inner
            .statement(&card, &rec)
            .map(|inner| PyPayStatement { inner })
            .map_err(|e| core_err(py, &e))
    }

    /// Price one new deal from where the person stands: commission(prior + deal) −
    /// commission(prior), rounded to the minor unit. A negative deal (a return) reverses.
    fn price_deal<'py>(
        &self,
        py: Python<'py>,
        commission_id: &str,
        prior_base: &Bound<'py, PyAny>,
        deal: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let prior = required_number(py, prior_base, "prior_base")?;
        let deal = required_number(py, deal, "deal")?;
        let due = self
            .inner
            .price_deal(commission_id, prior, deal)
            .map_err(|e| core_err(py, &e))?;
        py_decimal(py, due)
    }

    /// Split a bonus pool in this plan's currency (see `perfscore.split_pool`).
    fn split_pool<'py>(
        &self,
        py: Python<'py>,
        pool: &Bound<'_, PyAny>,
        weights: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        split_pool(py, pool, weights, self.inner.minor_units())
    }

    /// Run one pay plan operation (docs/operations.md) on a request (a mapping, or JSON text);
    /// returns the parsed result (a list for the one-statement-per-line `statements`).
    #[pyo3(signature = (operation, request=None))]
    fn run(
        &self,
        py: Python<'_>,
        operation: &str,
        request: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let (pay, plan) = (Arc::clone(&self.inner), Arc::clone(&self.plan));
        let (op, req) = (operation.to_owned(), request_text(request)?);
        let text = py.detach(move || pay.run(&plan, &op, &req));
        run_result(py, text, perfscore::ops::returns_lines(operation))
    }

    fn __repr__(&self) -> String {
        format!(
            "<PayPlan minor_units={} for plan {}>",
            self.inner.minor_units(),
            self.plan.spec().id
        )
    }
}

// ---------------------------------------------------------------------------------------------
// PayStatement

/// One person's pay statement.
#[pyclass(module = "perfscore._perfscore", name = "PayStatement", frozen)]
pub(crate) struct PyPayStatement {
    inner: PayStatement,
}

#[pymethods]
impl PyPayStatement {
    #[getter]
    fn pay_plan_id(&self) -> String {
        self.inner.pay_plan_id.to_string()
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
    fn currency(&self) -> String {
        self.inner.currency.to_string()
    }
    /// The sum of the rounded lines, in minor units (keeps the scale: `15250.00`).
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.total)
    }
    /// The payable lines.
    #[getter]
    fn lines(&self) -> Vec<PyPayLine> {
        self.inner
            .lines
            .iter()
            .map(|l| PyPayLine { inner: l.clone() })
            .collect()
    }
    /// One line by id (`performance_pay` or a commission id), or None.
    fn line(&self, id: &str) -> Option<PyPayLine> {
        self.inner
            .lines
            .iter()
            .find(|l| &*l.id == id)
            .map(|l| PyPayLine { inner: l.clone() })
    }
    /// The core's canonical JSON, byte for byte.
    fn to_json(&self) -> String {
        self.inner.to_canonical_json()
    }
    /// The statement as Python values, decimals as `decimal.Decimal` (the canonical JSON's shape).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner)
    }
    /// The statement explained line by line in English (`en`) or Simplified Chinese (`zh`).
    #[pyo3(signature = (lang="en"))]
    fn explain(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.explain(crate::convert::lang(lang)?))
    }
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        slf.py()
            .import("perfscore._pay")?
            .call_method1("statement_html", (slf,))?
            .extract()
    }
    fn __repr__(&self) -> String {
        let s = &self.inner;
        let mut out = format!("<PayStatement {}", s.record_id);
        if let Some(n) = &s.name {
            out.push(' ');
            out.push_str(n);
        }
        out.push_str(&format!(
            " total={} {} lines={}>",
            s.total,
            s.currency,
            s.lines.len()
        ));
        out
    }
    fn __str__(&self) -> String {
        self.inner.explain(Lang::En)
    }
}

/// One payable line of a statement.
#[pyclass(module = "perfscore._perfscore", name = "PayLine", frozen)]
pub(crate) struct PyPayLine {
    inner: PayLine,
}

#[pymethods]
impl PyPayLine {
    /// `performance_pay` or the commission id.
    #[getter]
    fn id(&self) -> String {
        self.inner.id.to_string()
    }
    #[getter]
    fn name(&self) -> String {
        self.inner.name.to_string()
    }
    #[getter]
    fn base<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.base.normalize())
    }
    #[getter]
    fn unrounded<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.unrounded.normalize())
    }
    /// The amount paid, rounded once to the minor unit (keeps the scale: `2400.00`).
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.amount)
    }
    /// How it was computed (the canonical `detail` object), decimals as `Decimal`.
    #[getter]
    fn detail(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.detail)
    }
    /// This line's explanation in English (`en`) or Simplified Chinese (`zh`).
    #[pyo3(signature = (lang="en"))]
    fn explain(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.explain(crate::convert::lang(lang)?))
    }
    fn __repr__(&self) -> String {
        format!("<PayLine {} amount={}>", self.inner.id, self.inner.amount)
    }
    fn __str__(&self) -> String {
        self.inner.explain(Lang::En)
    }
}

// ---------------------------------------------------------------------------------------------
// Pool

/// One person's part of a bonus pool.
#[pyclass(module = "perfscore._perfscore", name = "PoolShare", frozen)]
pub(crate) struct PyPoolShare {
    inner: PoolShare,
}

#[pymethods]
impl PyPoolShare {
    #[getter]
    fn id(&self) -> String {
        self.inner.id.to_string()
    }
    #[getter]
    fn weight<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.weight.normalize())
    }
    /// pool × weight ÷ Σ weights, before rounding to the minor unit.
    #[getter]
    fn exact<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.exact.normalize())
    }
    /// The amount paid, in minor units (keeps the scale: `33.34`).
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.amount)
    }
    /// Whether this person received one of the left-over minor units.
    #[getter]
    fn got_remainder_unit(&self) -> bool {
        self.inner.got_remainder_unit
    }
    /// The share's canonical JSON (an element of the split's array).
    fn to_json(&self) -> String {
        serde_json::to_string(&self.inner).unwrap_or_default()
    }
    fn __repr__(&self) -> String {
        format!(
            "<PoolShare {} weight={} amount={}{}>",
            self.inner.id,
            self.inner.weight.normalize(),
            self.inner.amount,
            if self.inner.got_remainder_unit {
                " +1 unit"
            } else {
                ""
            }
        )
    }
}
