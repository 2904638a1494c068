//! JSON Schema for plan files, generated from the same types that read them
//! ([`crate::plan::spec::PlanSpec`]). The committed copy lives at `schema/plan.schema.json`; a test
//! fails when it drifts from the types (`UPDATE_SCHEMA=1 cargo test -p perfscore --test schema`
//! rewrites it). The pay plan schema sits beside it at `schema/pay-plan.schema.json`.

/// The plan file JSON Schema (draft 2020-12), pretty-printed with a trailing newline.
pub fn plan_schema_json() -> String {
    let schema = schemars::schema_for!(crate::plan::spec::PlanSpec);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The scorecard JSON Schema: [`crate::Scorecard`] as its canonical JSON writes it (a field it
/// leaves out when empty is optional), pretty-printed with a trailing newline.
pub fn scorecard_schema_json() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<crate::Scorecard>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The pay statement JSON Schema: [`crate::pay::PayStatement`] as its canonical JSON writes it
/// (as [`scorecard_schema_json`]), pretty-printed with a trailing newline.
pub fn pay_statement_schema_json() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<crate::pay::PayStatement>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The pay plan file JSON Schema, pretty-printed with a trailing newline.
pub fn pay_plan_schema_json() -> String {
    let schema = schemars::schema_for!(crate::pay::PayPlanSpec);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(feature = "feedback")]
/// The feedback round JSON Schema: [`crate::feedback::FeedbackRound`] as its canonical JSON
/// writes it (as [`scorecard_schema_json`]), pretty-printed with a trailing newline.
pub fn feedback_round_schema_json() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<crate::feedback::FeedbackRound>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(feature = "feedback")]
/// The 360-degree feedback configuration JSON Schema, pretty-printed with a trailing newline.
pub fn feedback_schema_json() -> String {
    let schema = schemars::schema_for!(crate::feedback::FeedbackSpec);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(feature = "analytics")]
/// The period result JSON Schema (one element of a history's `results`, as `read_history`
/// answers and reads it back), pretty-printed with a trailing newline. It describes the document as
/// the library writes it (a field it leaves out when empty, such as `indicators`, is optional);
/// the reader accepts every such document.
pub fn period_result_schema_json() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<crate::analytics::PeriodResultSchema>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
