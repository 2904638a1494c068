//! Operations on a validated 360-degree feedback configuration.

use super::plan::operation_fields;
use super::request::{field_error, json_text, Request};
use crate::feedback::{Feedback, Response};

/// The operations [`Feedback::run`] accepts, with the request fields each reads.
pub const FEEDBACK_OPERATIONS: [(&str, &[&str]); 2] = [
    ("aggregate", &["responses"]),
    ("explain", &["responses", "ratee", "lang"]),
];

impl Feedback {
    /// Run one operation on this configuration: `request` is a JSON object (see
    /// [`FEEDBACK_OPERATIONS`]), the result JSON text.
    pub fn run(&self, operation: &str, request: &str) -> crate::Result<String> {
        let fields = operation_fields(&FEEDBACK_OPERATIONS, operation)?;
        let req = Request::parse(request, fields)?;
        let responses = |req: &Request<'_>| -> crate::Result<Vec<Response>> {
            self.read_responses(req.value("responses")?)
        };
        match operation {
            "aggregate" => Ok(self.aggregate(&responses(&req)?)?.to_canonical_json()),
            _ => {
                let lang = req.lang()?;
                let ratee = req.text("ratee")?;
                let round = self.aggregate(&responses(&req)?)?;
                let report = round.report(&ratee).ok_or_else(|| {
                    field_error(
                        "ratee",
                        crate::kinds::UNKNOWN_REFERENCE,
                        format!(
                            "no responses about `{}` in this round",
                            crate::error::shown(&ratee)
                        ),
                        format!("本轮没有关于 `{}` 的评价", crate::error::shown(&ratee)),
                    )
                })?;
                Ok(json_text(&report.explain(lang)))
            }
        }
    }
}
