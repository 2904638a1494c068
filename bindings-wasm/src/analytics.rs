//! Analytics: the core's JSON operations, text in and text out. `js/api.mjs` turns
//! request objects into JSON and results back into objects; no analytics logic lives here.

use wasm_bindgen::prelude::*;

/// Run one analytics operation on a JSON request; the canonical JSON result, or the error
/// envelope the JS wrapper turns into a `PerfscoreError`.
#[wasm_bindgen(js_name = analyticsRunJson)]
pub fn analytics_run_json(operation: &str, request: &str) -> Result<String, String> {
    perfscore::analytics::run_json(operation, request).map_err(|e| crate::envelope(&e))
}

/// Names of every analytics operation, in a stable order, as a JSON array.
#[wasm_bindgen(js_name = analyticsOperations)]
pub fn analytics_operations() -> String {
    serde_json::to_string(&perfscore::analytics::operations()).unwrap_or_else(|_| "[]".into())
}
