//! Monthly history → seasonal indices, targets, allocation and forecasts.

/// Operations of this half, by their [`super::run_json`] names.
pub const OPERATIONS: &[&str] = &[];

/// Runs `operation` if it belongs to this half.
pub(crate) fn dispatch(_operation: &str, _request: &str) -> Option<crate::Result<String>> {
    None
}
