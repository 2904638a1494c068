//! Pay: pay plans, pay statements and bonus pools. Conversion and error mapping only;
//! the numbers are the core's (`perfscore::pay`).

use super::{
    core_err, options_from_py, py_decimal, py_to_json, record_from_py, records_from_py, PyPlan,
};
use perfscore::input::{read_number, read_pool};
use perfscore::pay::shares_to_canonical_json;
use perfscore::pay::{split_pool as core_split_pool, PayLine, PoolShare};
use perfscore::{Lang, Loc, PayPlan, PayStatement, Plan};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
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

fn split(
    py: Python<'_>,
    pool: &Bound<'_, PyAny>,
    weights: &Bound<'_, PyAny>,
    minor_units: u32,
) -> PyResult<PyPoolSplit> {
    let pool = py_to_json(pool, "pool")?;
    let (amount, weights) =
        read_pool(pool, weights_to_json(weights)?).map_err(|e| core_err(py, &e))?;
    let shares = core_split_pool(amount, minor_units, &weights).map_err(|e| core_err(py, &e))?;
    let shares = shares
        .into_iter()
        .map(|inner| Py::new(py, PyPoolShare { inner }))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(PyPoolSplit { shares })
}

/// Split a bonus pool by weights, exactly to the minor unit (largest remainder; ties to the
/// larger weight, then the earlier position).
#[pyfunction]
#[pyo3(signature = (pool, weights, minor_units=2))]
pub(crate) fn split_pool(
    py: Python<'_>,
    pool: &Bound<'_, PyAny>,
    weights: &Bound<'_, PyAny>,
    minor_units: u32,
) -> PyResult<PyPoolSplit> {
    split(py, pool, weights, minor_units)
}

fn lang(lang: &str) -> PyResult<Lang> {
    lang.parse().map_err(PyValueError::new_err)
}

// ---------------------------------------------------------------------------------------------
// PayPlan

/// A validated pay plan, compiled against the scoring plan whose scorecards it pays.
#[pyclass(module = "perfscore._perfscore", name = "PayPlan", frozen)]
pub(crate) struct PyPayPlan {
    inner: Arc<PayPlan>,
    plan: Arc<Plan>,
}

impl PyPayPlan {
    /// Whether this pay plan pays scorecards of `plan` (the same compiled plan, or an equal one).
    pub(crate) fn pays(&self, plan: &Arc<Plan>) -> bool {
        Arc::ptr_eq(&self.plan, plan)
            || serde_json::to_string(self.plan.spec()).ok()
                == serde_json::to_string(plan.spec()).ok()
    }

    /// The id of the plan this pay plan was compiled against.
    pub(crate) fn plan_id(&self) -> String {
        self.plan.spec().id.to_string()
    }

    /// The compiled core pay plan.
    pub(crate) fn core(&self) -> Arc<PayPlan> {
        Arc::clone(&self.inner)
    }
}

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

fn statements_list<'py>(
    py: Python<'py>,
    statements: Vec<PayStatement>,
) -> PyResult<Bound<'py, PyAny>> {
    let items = statements
        .into_iter()
        .map(|inner| Py::new(py, PyPayStatement { inner }))
        .collect::<PyResult<Vec<_>>>()?;
    let list = PyList::new(py, items)?;
    py.import("perfscore._pay")?
        .getattr("PayStatements")?
        .call1((list,))
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
        let kwargs = PyDict::new(py);
        kwargs.set_item("encoding", "utf-8-sig")?;
        let file = py
            .import("builtins")?
            .call_method("open", (path,), Some(&kwargs))?;
        let text = file.call_method0("read");
        file.call_method0("close")?;
        let text = text?;
        pay_plan_result(
            py,
            &plan,
            PayPlan::from_json(&text.extract::<String>()?, &plan.inner),
        )
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
        statements_list(py, statements)
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
    fn split_pool(
        &self,
        py: Python<'_>,
        pool: &Bound<'_, PyAny>,
        weights: &Bound<'_, PyAny>,
    ) -> PyResult<PyPoolSplit> {
        split(py, pool, weights, self.inner.minor_units())
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
    /// The canonical JSON as Python values, decimals as `decimal.Decimal`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = py
            .import("perfscore._pay")?
            .call_method1("decode_pay", (self.inner.to_canonical_json(),))?;
        Ok(d.cast_into::<PyDict>()?)
    }
    /// The statement explained line by line in English (`en`) or Simplified Chinese (`zh`).
    #[pyo3(signature = (lang="en"))]
    fn explain(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.explain(self::lang(lang)?))
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
    fn detail<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(&self.inner.detail)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        py.import("perfscore._pay")?
            .call_method1("decode_pay", (text,))
    }
    /// This line's explanation in English (`en`) or Simplified Chinese (`zh`).
    #[pyo3(signature = (lang="en"))]
    fn explain(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.explain(self::lang(lang)?))
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

/// A split pool: the shares in input order; a read-only sequence.
#[pyclass(module = "perfscore._perfscore", name = "PoolSplit", frozen, sequence)]
pub(crate) struct PyPoolSplit {
    shares: Vec<Py<PyPoolShare>>,
}

impl PyPoolSplit {
    fn core(&self) -> Vec<PoolShare> {
        self.shares.iter().map(|s| s.get().inner.clone()).collect()
    }
}

#[pymethods]
impl PyPoolSplit {
    fn __len__(&self) -> usize {
        self.shares.len()
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::sequence::get_item(py, &self.shares, index, "PoolSplit")
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::sequence::iter(py, &self.shares)
    }

    /// The sum of the amounts: always exactly the pool.
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut total = Decimal::ZERO;
        for s in &self.shares {
            total += s.get().inner.amount;
        }
        py_decimal(py, total)
    }

    /// The amounts by id (`{id: Decimal}`), in input order.
    fn amounts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for s in &self.shares {
            let s = &s.get().inner;
            d.set_item(&*s.id, py_decimal(py, s.amount)?)?;
        }
        Ok(d)
    }

    /// The core's canonical JSON array of shares, byte for byte.
    fn to_json(&self) -> String {
        shares_to_canonical_json(&self.core())
    }

    /// A pandas DataFrame, one row per share, Decimal cells (pandas is imported only here).
    fn to_dataframe<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("perfscore._pay")?
            .call_method1("pool_dataframe", (slf,))
    }

    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        slf.py()
            .import("perfscore._pay")?
            .call_method1("pool_html", (slf,))?
            .extract()
    }

    fn __repr__(&self) -> String {
        let total: Decimal = self.shares.iter().map(|s| s.get().inner.amount).sum();
        format!("<PoolSplit {} shares total={}>", self.shares.len(), total)
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPayPlan>()?;
    m.add_class::<PyPayStatement>()?;
    m.add_class::<PyPayLine>()?;
    m.add_class::<PyPoolShare>()?;
    m.add_class::<PyPoolSplit>()?;
    m.add_function(wrap_pyfunction!(split_pool, m)?)?;
    Ok(())
}
