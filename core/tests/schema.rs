//! The committed JSON Schema matches the plan types, and every bundled plan is valid under the types.

use std::path::PathBuf;

#[test]
fn committed_schema_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/plan.schema.json");
    let generated = perfscore::plan_schema_json();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "schema/plan.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p perfscore --test schema`");
    let v: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(v["title"], "PlanSpec");
    assert!(v["properties"]["sections"].is_object());
}

#[test]
fn committed_pay_schema_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/pay-plan.schema.json");
    let generated = perfscore::pay::pay_plan_schema_json();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "schema/pay-plan.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p perfscore --test schema`");
}

#[test]
fn committed_feedback_schema_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/feedback.schema.json");
    let generated = perfscore::feedback::feedback_schema_json();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "schema/feedback.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p perfscore --test schema`");
}

#[cfg(feature = "analytics")]
#[test]
fn committed_period_result_schema_is_current() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/period-result.schema.json");
    let generated = perfscore::analytics::period_result_schema_json();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "schema/period-result.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p perfscore --test schema`");
    let v: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(v["title"], "PeriodResult");
    // Every field the canonical document writes is in the schema, and nothing else: the flat
    // CSV export's columns (the core's one list of them) and the JSON-only indicators.
    let header =
        perfscore::analytics::run_json("export_history", r#"{"results": [], "format": "csv"}"#)
            .unwrap();
    let header: serde_json::Value = serde_json::from_str(&header).unwrap();
    let mut written: Vec<&str> = header["text"]
        .as_str()
        .unwrap()
        .trim_end()
        .split(',')
        .collect();
    written.push("indicators");
    written.sort_unstable();
    let mut props: Vec<&str> = v["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    props.sort_unstable();
    assert_eq!(props, written);
}

mod typescript;

/// The file formats in TypeScript (`schema/formats.d.ts`, which both JavaScript packages ship
/// beside `index.d.ts`), rendered from the same JSON Schemas as the files beside it.
#[cfg(all(feature = "feedback", feature = "analytics"))]
#[test]
fn committed_typescript_declarations_are_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/formats.d.ts");
    let schemas: Vec<serde_json::Value> = [
        perfscore::plan_schema_json(),
        perfscore::pay::pay_plan_schema_json(),
        perfscore::feedback::feedback_schema_json(),
        perfscore::analytics::period_result_schema_json(),
    ]
    .iter()
    .map(|text| serde_json::from_str(text).unwrap())
    .collect();
    let source = |i: usize, prefix, prefix_all| typescript::Source {
        schema: &schemas[i],
        prefix,
        prefix_all,
    };
    let header = "// The file formats perfscore reads and writes, as TypeScript: plans, pay plans, 360-degree\n\
                  // feedback configurations and period results. Generated from the core's types (the same\n\
                  // ones that read these files, and that write the JSON Schemas beside this file) by\n\
                  // `UPDATE_SCHEMA=1 cargo test -p perfscore --test schema`; do not edit.\n";
    let generated = typescript::render(
        header,
        &[
            source(0, "", false),
            source(1, "Pay", false),
            source(2, "Feedback", true),
            source(3, "History", false),
        ],
    );
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/formats.d.ts is stale: run `UPDATE_SCHEMA=1 cargo test -p perfscore --test schema`"
    );
}
