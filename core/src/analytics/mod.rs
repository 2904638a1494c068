//! Analytics over history and results: targets from history, forecasts, roll-ups, calibration,
//! scheme diagnostics and development needs.
//!
//! Three parts, each with one job:
//! - `history`: each person's period results over time → timelines and promotion
//!   eligibility (documented in `docs/history.md`);
//! - [`timeseries`]: monthly history → seasonal indices, growth targets, exact top-down
//!   allocation, pacing projections and Holt-Winters forecasts;
//! - [`team`]: a scored batch → roll-ups, forced-distribution calibration, diagnostics of the
//!   scoring scheme itself, and development (training) needs.
//!
//! Every operation has a typed Rust API and a JSON form, [`run_json`], which the bindings and
//! the conformance vectors in `tests/vectors/analytics/` use so that every language gives the
//! same bytes. Statistics that are not money (correlations, smoothing-parameter fits) use `f64`
//! internally, deterministically, and say so in their results; amounts are exact `Decimal`s.

mod history;

pub(crate) use history::{period_results, plan_promotion, Extras, PeriodResultSchema};

/// The JSON Schema of one period result (`schema/period-result.schema.json`).
pub use crate::schema::period_result_schema_json;
pub mod team;
pub mod timeseries;

/// Runs one analytics operation on a JSON request and returns its canonical JSON result.
///
/// `operation` is one of [`operations`]; an unknown name is an input error that lists the known
/// ones. Request formats are documented in `docs/analytics.md` and in each operation's request
/// type.
pub fn run_json(operation: &str, request: &str) -> crate::Result<String> {
    if let Some(result) = timeseries::dispatch(operation, request) {
        return result;
    }
    if let Some(result) = team::dispatch(operation, request) {
        return result;
    }
    if let Some(result) = history::dispatch(operation, request) {
        return result;
    }
    let op = crate::error::shown(operation);
    let known = operations();
    Err(crate::Error::Input(vec![crate::Problem::new(
        crate::Loc::root().key("operation"),
        crate::error::kinds::UNKNOWN_OPERATION,
        format!(
            "unknown analytics operation `{op}`; expected one of: {}",
            known.join(", ")
        ),
    )
    .zh(format!(
        "没有名为 `{op}` 的分析操作；可用：{}",
        known.join("、")
    ))]))
}

/// Names of every analytics operation [`run_json`] accepts, in a stable order.
pub fn operations() -> Vec<&'static str> {
    let mut all = timeseries::OPERATIONS.to_vec();
    all.extend_from_slice(team::OPERATIONS);
    all.extend_from_slice(history::OPERATIONS);
    all
}
