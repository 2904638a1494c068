//! The compiled documents' Python classes as data: `Plan` and `PayPlan`. Their methods live in
//! `plan.rs` and `pay.rs`, which each name the other's class (a plan's batch takes a pay plan, a
//! pay plan is compiled against a plan), so the classes are defined here, below both.

use perfscore::{PayPlan, Plan};
use pyo3::prelude::*;
use std::sync::Arc;

/// A validated, compiled assessment plan (immutable, shareable across threads).
#[pyclass(module = "perfscore._perfscore", name = "Plan", frozen)]
pub(crate) struct PyPlan {
    pub(crate) inner: Arc<Plan>,
}

/// A validated pay plan, compiled against the scoring plan whose scorecards it pays.
#[pyclass(module = "perfscore._perfscore", name = "PayPlan", frozen)]
pub(crate) struct PyPayPlan {
    pub(crate) inner: Arc<PayPlan>,
    pub(crate) plan: Arc<Plan>,
}

impl PyPayPlan {
    /// The compiled core pay plan.
    pub(crate) fn core(&self) -> Arc<PayPlan> {
        Arc::clone(&self.inner)
    }
}
