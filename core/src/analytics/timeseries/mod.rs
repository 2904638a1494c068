//! Monthly history → seasonal indices, targets, allocation and forecasts.
//!
//! A monthly [`Series`] is a start month and one value per month, where `null` (no data) is
//! told apart from `0` (zero sales). Operations, each with a typed function and a JSON form
//! (see `docs/analytics-timeseries.md`):
//!
//! | JSON operation         | function                  | result                 |
//! |------------------------|---------------------------|------------------------|
//! | `seasonal_indices`     | [`seasonal_indices()`]    | [`SeasonalIndices`]    |
//! | `growth_targets`       | [`growth_targets()`]      | [`GrowthTargets`]      |
//! | `allocate_target`      | [`allocate_target()`]     | [`Allocation`]         |
//! | `targets_from_history` | [`targets_from_history()`]| [`HistoryTargets`]     |
//! | `pacing_projection`    | [`pacing_projection()`]   | [`PacingProjection`]   |
//! | `holt_winters`         | [`holt_winters()`]        | [`HoltWinters`]        |
//!
//! Seasonal indices, targets and allocations are exact `Decimal`s: indices are rounded to a
//! stated scale by largest remainder so the twelve sum to exactly 12 (or 0), and allocations use
//! [`crate::apportion::split_pool`]'s largest remainder so parts sum exactly to the whole. Holt-Winters
//! runs in `f64` with a fixed order of operations (so the same input gives the same bits on every
//! platform) and states its parameters, initial states and SSE in the result.

mod allocate;
mod forecast;
mod ladder;
mod seasonal;
mod series;

pub use allocate::{
    allocate_target, allocate_to_months, history_weights, split_exact, AllocateTargetRequest,
    Allocation, AllocationMethod, MonthAmount, MonthWeights, MonthsSpec, PartAmount, PartSpec,
    Share,
};
pub use forecast::{
    holt_winters, pacing_projection, HoltWinters, HoltWintersRequest, Initial, PacingProjection,
    PacingRequest, Smoothing, States,
};
pub use ladder::{
    targets_from_history, HistoryTargets, LadderInput, LadderMethod, Skipped,
    TargetsFromHistoryRequest,
};
pub use seasonal::{
    derive_growth, growth_rate, growth_targets, seasonal_indices, Growth, GrowthSource,
    GrowthTarget, GrowthTargets, GrowthTargetsRequest, IndexPrecision, Model, MonthIndex,
    SeasonalIndices, SeasonalIndicesRequest,
};
pub use series::{Period, PeriodValue, PointSpec, Series, SeriesSpec};

/// Operations of this half, by their [`super::run_json`] names.
pub const OPERATIONS: &[&str] = &[
    "seasonal_indices",
    "growth_targets",
    "allocate_target",
    "targets_from_history",
    "pacing_projection",
    "holt_winters",
];

/// Runs `operation` if it belongs to this half.
pub(crate) fn dispatch(operation: &str, request: &str) -> Option<crate::Result<String>> {
    Some(match operation {
        "seasonal_indices" => seasonal::seasonal_indices_json(request),
        "growth_targets" => seasonal::growth_targets_json(request),
        "allocate_target" => allocate::allocate_target_json(request),
        "targets_from_history" => ladder::targets_from_history_json(request),
        "pacing_projection" => forecast::pacing_json(request),
        "holt_winters" => forecast::holt_winters_json(request),
        _ => return None,
    })
}
