//! Documents from host values: plans, scoring options, limits, feedback configurations and pay
//! plans, each read exactly as its JSON text would be, host markers resolved at their place.
//!
//! Documents are small, so a host value is written as JSON text and read by the text reader,
//! which keeps one path for every check (document size included).

use crate::error::{Error, Loc};
#[cfg(feature = "feedback")]
use crate::feedback::Feedback;
use crate::json::markers::read_value;
use crate::limits::Limits;
use crate::pay::PayPlan;
use crate::plan::Plan;
use crate::score::ScoreOptions;
use serde_json::Value;

impl Plan {
    /// Compile a plan from a host value (the plan document as JSON, host markers allowed: NaN
    /// at `sections[0].weight` is a plan problem there); all problems at once.
    pub fn from_value(plan: Value) -> crate::Result<Plan> {
        Plan::from_json(&plan.to_string())
    }

    /// [`Plan::from_value`] within lowered [`Limits`].
    pub fn from_value_with_limits(plan: Value, limits: &Limits) -> crate::Result<Plan> {
        Plan::from_json_with_limits(&plan.to_string(), limits)
    }
}

impl ScoreOptions {
    /// Read options from a host value, e.g. `{"period": {"basis": "calendar_days", "elapsed":
    /// 12, "total": 30}}`; every problem located under `options`.
    pub fn from_value(options: Value) -> crate::Result<ScoreOptions> {
        read_value(options, &Loc::root().key("options"), Error::Input)
    }

    /// Read options from JSON text, by the same rule as [`ScoreOptions::from_value`].
    pub fn from_json(text: &str) -> crate::Result<ScoreOptions> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::Input(vec![crate::json::text_problem(
                Loc::root().key("options"),
                &e,
            )])
        })?;
        ScoreOptions::from_value(value)
    }
}

impl Limits {
    /// Read lowered limits from a host value (see [`Limits::from_json`]).
    pub fn from_value(limits: Value) -> crate::Result<Limits> {
        Limits::from_json(&limits.to_string())
    }
}

#[cfg(feature = "feedback")]
impl Feedback {
    /// Compile a feedback configuration from a host value; all problems at once.
    pub fn from_value(feedback: Value) -> crate::Result<Feedback> {
        Feedback::from_json(&feedback.to_string())
    }
}

impl PayPlan {
    /// Compile a pay plan for `plan` from a host value; all problems at once.
    pub fn from_value(pay_plan: Value, plan: &Plan) -> crate::Result<PayPlan> {
        PayPlan::from_json(&pay_plan.to_string(), plan)
    }
}
