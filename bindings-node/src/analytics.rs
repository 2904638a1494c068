//! Analytics: the core's JSON operations, text in and text out. `index.js` turns
//! request objects into JSON and results back into objects; no analytics logic lives here.

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Run one analytics operation on a JSON request; the canonical JSON result.
#[napi(catch_unwind, js_name = "analyticsRunJson")]
pub fn analytics_run_json(operation: String, request: String) -> Result<String> {
    perfscore::analytics::run_json(&operation, &request).map_err(crate::core_error)
}

/// Names of every analytics operation, in a stable order.
#[napi(catch_unwind, js_name = "analyticsOperations")]
pub fn analytics_operations() -> Vec<String> {
    perfscore::analytics::operations()
        .into_iter()
        .map(String::from)
        .collect()
}
