//! Operations: one request in, one result out, the same for every host.
//!
//! A binding exposes a handful of entry points (`run` on a compiled plan, pay plan or feedback
//! configuration, and a free `run`) and never reads requests itself: the request is JSON text,
//! read here with the core's readers, so every host reports the same problems at the same
//! locations, and a new capability costs one match arm here and nothing in the bindings.
//!
//! Results are JSON text; the batch operations that return one document per record
//! (`score_many`, `statements`) return JSON lines, one canonical document per record, so hosts
//! can keep each record's bytes exactly as the conformance vectors state them.

#[cfg(feature = "facts")]
mod accumulator;
#[cfg(feature = "facts")]
mod facts;
#[cfg(feature = "feedback")]
mod feedback;
mod free;
mod lines;
mod pay;
mod plan;
mod request;
mod stream;
mod table;
mod tape;

#[cfg(feature = "facts")]
pub use accumulator::{Accumulator, ACCUMULATOR_OPERATIONS};
#[cfg(feature = "feedback")]
pub use feedback::FEEDBACK_OPERATIONS;
pub use free::{run, ANALYTICS_OPERATIONS, OPERATIONS};
pub use pay::PAY_OPERATIONS;
pub use plan::PLAN_OPERATIONS;
pub use stream::{SummaryStream, CSV_PART_ROWS};
pub use table::EncodedTable;
pub use tape::Tape;

/// The operations whose result is JSON lines (one canonical document per record) rather than one
/// JSON document: what a host splits into a list.
pub const LINE_OPERATIONS: [&str; 3] = ["score_many", "statements", "score_facts"];

/// Whether `operation`'s result is JSON lines ([`LINE_OPERATIONS`]).
pub fn returns_lines(operation: &str) -> bool {
    LINE_OPERATIONS.contains(&operation)
}

/// The request of a `run_tape` call: `operation` must be one of `operations` (with its fields)
/// and one of `lines`, the object's per-record operations.
fn tape_request<'a>(
    operations: &[(&'static str, &'static [&'static str])],
    lines: &[&str],
    operation: &str,
    request: &'a str,
) -> crate::Result<request::Request<'a>> {
    let fields = plan::operation_fields(operations, operation)?;
    if !lines.contains(&operation) {
        return Err(not_lines(operation));
    }
    request::Request::parse(request, fields)
}

/// The refusal of a `run_tape` call for an operation whose result is one document, not one per
/// record.
fn not_lines(operation: &str) -> crate::Error {
    crate::Error::Input(vec![crate::Problem::new(
        crate::Loc::root().key("operation"),
        crate::kinds::NOT_ALLOWED,
        format!("`{operation}` answers one document, not one per record: run it for JSON text"),
    )
    .zh(format!(
        "`{operation}` 只返回一个文档，而非每条记录一个：请以 JSON 文本方式运行"
    ))])
}
