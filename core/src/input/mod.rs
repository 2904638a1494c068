//! One reader for every host: records, 360 responses, pool weights, scoring options and
//! documents, read from JSON values (`serde_json::Value`, or JSON text) by one set of rules, so
//! Python, Node, wasm and JSON text give the same values and the same problems at the same
//! locations. Rules, with examples: `docs/input.md`.
//!
//! A host converts its values to JSON mechanically and sends what JSON cannot hold as a host
//! marker (`{"\u0000host": "NaN"}`, `{"\u0000host": "bigint:123"}`, `{"\u0000host": "a
//! function"}`; see [`HOST_KEY`] and the table in `docs/input.md`). Every reader resolves the
//! markers first, each at its own place: an exact number, an absent value, or a problem
//! (`not_finite`, `unsupported_value`). Then the structure is read with every problem at once.
//!
//! Entry points:
//! - records: [`Plan::read_records`], [`Plan::read_record`], [`Plan::records_from_json`];
//! - 360 responses: [`Feedback::read_responses`], [`Feedback::responses_from_json`];
//! - pool weights: [`read_pool`], [`read_weights`]; one amount: [`read_number`];
//! - one number from a host's text or float: [`parse_decimal`], [`parse_json_number`],
//!   [`decimal_from_f64`];
//! - options and documents: [`ScoreOptions::from_value`], [`Plan::from_value`],
//!   [`Limits::from_value`], [`Feedback::from_value`], [`PayPlan::from_value`]; their `from_json`
//!   text readers resolve markers the same way.
//!
//! [`Plan::read_records`]: crate::Plan::read_records
//! [`Plan::read_record`]: crate::Plan::read_record
//! [`Plan::records_from_json`]: crate::Plan::records_from_json
//! [`Plan::from_value`]: crate::Plan::from_value
//! [`Feedback::read_responses`]: crate::feedback::Feedback::read_responses
//! [`Feedback::responses_from_json`]: crate::feedback::Feedback::responses_from_json
//! [`Feedback::from_value`]: crate::feedback::Feedback::from_value
//! [`ScoreOptions::from_value`]: crate::ScoreOptions::from_value
//! [`Limits::from_value`]: crate::Limits::from_value
//! [`PayPlan::from_value`]: crate::PayPlan::from_value

mod document;
mod record;
#[cfg(feature = "feedback")]
mod response;
pub(crate) mod scalar;
mod weights;

pub use crate::json::markers::HOST_KEY;
pub use crate::number::{decimal_from_f64, parse_decimal, parse_json_number};

/// The problem for a cell the number rule refused, from the rule's English message: its stable
/// kind (`not_a_number`, `number_out_of_range`, `not_finite`) and its Chinese text, as every
/// reader in the core reports it; for hosts that read cells themselves (a DataFrame's buffers).
pub fn number_problem(at: crate::Loc, message: String) -> crate::Problem {
    let (kind, zh) = crate::number::rule_error(&message);
    crate::Problem::new(at, kind, message).zh(zh)
}

/// The problem of CSV text the CSV reader refused (`at`: where, a line when it knows one).
#[cfg(any(feature = "facts", feature = "analytics"))]
pub(crate) fn csv_problem(at: crate::Loc, e: &csv::Error) -> crate::Problem {
    crate::Problem::new(
        at,
        crate::kinds::SYNTAX_ERROR,
        format!("not valid CSV: {e}"),
    )
    .zh(format!("不是有效的 CSV：{e}"))
}

pub use scalar::read_number;
pub use weights::{read_pool, read_weights, Weights};
