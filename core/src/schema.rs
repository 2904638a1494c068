//! JSON Schemas (draft 2020-12) generated from the same types that read and write the documents:
//! the files the library reads (plans, pay plans, feedback configurations) as they are read, and
//! the results it writes (scorecards, pay statements, feedback rounds, period results) as their
//! canonical JSON writes them. The committed copies live in `schema/`, with their TypeScript and
//! Python renderings; a test fails when one drifts from the types
//! (`UPDATE_SCHEMA=1 cargo test -p perfscore --test schema` rewrites them).

use schemars::JsonSchema;

/// The schema of `T` as a reader takes it, pretty-printed with a trailing newline.
fn as_read<T: JsonSchema>() -> String {
    pretty(&schemars::schema_for!(T))
}

/// The schema of `T` as serde writes it: a field left out when empty is optional.
fn as_written<T: JsonSchema>() -> String {
    pretty(
        &schemars::generate::SchemaSettings::draft2020_12()
            .for_serialize()
            .into_generator()
            .into_root_schema_for::<T>(),
    )
}

fn pretty(schema: &schemars::Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The plan file JSON Schema (draft 2020-12), pretty-printed with a trailing newline.
pub fn plan_schema_json() -> String {
    as_read::<crate::plan::spec::PlanSpec>()
}

/// The scorecard JSON Schema: [`crate::Scorecard`] as its canonical JSON writes it (a field it
/// leaves out when empty is optional), pretty-printed with a trailing newline.
pub fn scorecard_schema_json() -> String {
    as_written::<crate::Scorecard>()
}

/// The pay statement JSON Schema: [`crate::pay::PayStatement`] as its canonical JSON writes it
/// (as [`scorecard_schema_json`]), pretty-printed with a trailing newline.
pub fn pay_statement_schema_json() -> String {
    as_written::<crate::pay::PayStatement>()
}

/// The pay plan file JSON Schema, pretty-printed with a trailing newline.
pub fn pay_plan_schema_json() -> String {
    as_read::<crate::pay::PayPlanSpec>()
}

#[cfg(feature = "feedback")]
/// The feedback round JSON Schema: [`crate::feedback::FeedbackRound`] as its canonical JSON
/// writes it (as [`scorecard_schema_json`]), pretty-printed with a trailing newline.
pub fn feedback_round_schema_json() -> String {
    as_written::<crate::feedback::FeedbackRound>()
}

#[cfg(feature = "feedback")]
/// The 360-degree feedback configuration JSON Schema, pretty-printed with a trailing newline.
pub fn feedback_schema_json() -> String {
    as_read::<crate::feedback::FeedbackSpec>()
}

#[cfg(feature = "analytics")]
/// The period result JSON Schema (one element of a history's `results`, as `read_history`
/// answers and reads it back), pretty-printed with a trailing newline. It describes the document as
/// the library writes it (a field it leaves out when empty, such as `indicators`, is optional);
/// the reader accepts every such document.
pub fn period_result_schema_json() -> String {
    as_written::<crate::analytics::PeriodResultSchema>()
}
