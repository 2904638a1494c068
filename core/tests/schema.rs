//! The committed JSON Schema matches the plan types, and every bundled plan is valid under the types.

use std::path::PathBuf;

/// The committed file `schema/<name>`, after checking it equals `generated`
/// (`UPDATE_SCHEMA=1` rewrites it first).
fn current(name: &str, generated: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../schema")
        .join(name);
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/{name} is stale: run `UPDATE_SCHEMA=1 cargo test -p perfscore --test schema`"
    );
    committed
}

#[test]
fn committed_schema_is_current() {
    let committed = current("plan.schema.json", &perfscore::plan_schema_json());
    let v: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(v["title"], "PlanSpec");
    assert!(v["properties"]["sections"].is_object());
}

#[test]
fn committed_scorecard_schema_is_current() {
    let committed = current("scorecard.schema.json", &perfscore::scorecard_schema_json());
    // Every top-level field a full scorecard writes is in the schema, required exactly when the
    // canonical JSON always writes it (the bundled demo: a mid-period card with a veto).
    let v: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(v["title"], "Scorecard");
    let plan = perfscore::Plan::from_json(perfscore::templates::DEMO_PLAN_JSON).unwrap();
    let records = plan
        .records_from_csv(perfscore::templates::DEMO_TEAM_CSV)
        .unwrap();
    let options: perfscore::ScoreOptions = serde_json::from_str(
        r#"{"period": {"basis": "calendar_days", "elapsed": 12, "total": 30}}"#,
    )
    .unwrap();
    let props = v["properties"].as_object().unwrap();
    let required: Vec<&str> = v["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.as_str())
        .collect();
    for record in &records {
        let card = plan.score_with(record, &options).unwrap();
        let written: serde_json::Value = serde_json::from_str(&card.to_canonical_json()).unwrap();
        let written = written.as_object().unwrap();
        for key in written.keys() {
            assert!(
                props.contains_key(key),
                "{key} is written but not in the schema"
            );
        }
        for key in &required {
            assert!(
                written.contains_key(*key),
                "{key} is required but not written"
            );
        }
    }
}

#[test]
fn committed_pay_schema_is_current() {
    current(
        "pay-plan.schema.json",
        &perfscore::pay::pay_plan_schema_json(),
    );
}

#[cfg(feature = "feedback")]
#[test]
fn committed_feedback_round_schema_is_current() {
    current(
        "feedback-round.schema.json",
        &perfscore::feedback::feedback_round_schema_json(),
    );
}

#[test]
fn committed_pay_statement_schema_is_current() {
    current(
        "pay-statement.schema.json",
        &perfscore::pay::pay_statement_schema_json(),
    );
}

#[cfg(feature = "feedback")]
#[test]
fn committed_feedback_schema_is_current() {
    current(
        "feedback.schema.json",
        &perfscore::feedback::feedback_schema_json(),
    );
}

#[cfg(feature = "analytics")]
#[test]
fn committed_period_result_schema_is_current() {
    let committed = current(
        "period-result.schema.json",
        &perfscore::analytics::period_result_schema_json(),
    );
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

// Rendered only where every described format is built in (the declarations' only test).
#[cfg(all(feature = "feedback", feature = "analytics"))]
mod declarations;

/// The file formats in TypeScript (`schema/formats.d.ts`, which both JavaScript packages ship
/// beside `index.d.ts`) and Python (`schema/formats.py`, the Python package's `perfscore.formats`),
/// rendered from the same JSON Schemas as the files beside them.
#[cfg(all(feature = "feedback", feature = "analytics"))]
#[test]
fn committed_declarations_are_current() {
    let schemas: Vec<serde_json::Value> = [
        perfscore::plan_schema_json(),
        perfscore::pay::pay_plan_schema_json(),
        perfscore::feedback::feedback_schema_json(),
        perfscore::analytics::period_result_schema_json(),
        perfscore::scorecard_schema_json(),
        perfscore::pay::pay_statement_schema_json(),
        perfscore::feedback::feedback_round_schema_json(),
    ]
    .iter()
    .map(|text| serde_json::from_str(text).unwrap())
    .chain([serde_json::to_value(schemars::schema_for!(perfscore::ScoreOptions)).unwrap()])
    .collect();
    let source = |i: usize, prefix, prefix_all| declarations::Source {
        schema: &schemas[i],
        prefix,
        prefix_all,
    };
    let header = "// The file formats perfscore reads and writes, as TypeScript: plans, pay plans, 360-degree\n\
                  // feedback configurations, period results, scorecards, pay statements, feedback rounds and\n\
                  // score options. Generated from the core's types (the ones that read and write them, as are\n\
                  // the JSON Schemas beside this file); do not edit. To regenerate:\n\
                  // `UPDATE_SCHEMA=1 cargo test -p perfscore --test schema`.\n";
    let sources = [
        source(0, "", false),
        source(1, "Pay", false),
        source(2, "Feedback", true),
        source(3, "History", false),
        source(4, "Scorecard", false),
        source(5, "Statement", false),
        source(6, "Round", false),
        source(7, "Options", false),
    ];
    current(
        "formats.d.ts",
        &declarations::typescript::typescript(header, &sources),
    );
    let header = "\"\"\"The file formats perfscore reads and writes, as `TypedDict`s: plans, pay plans, 360-degree\n\
                  feedback configurations, period results and score options (``perfscore.formats``).\n\n\
                  Generated from the core's types (the ones that read and write them, as are the JSON Schemas\n\
                  beside this file) by ``UPDATE_SCHEMA=1 cargo test -p perfscore --test schema``; do not edit.\n\
                  \"\"\"\n";
    // Python's scorecards, pay statements and feedback rounds hold `decimal.Decimal`s where the
    // canonical JSON has text, so their types are not these.
    let [plan, pay, feedback, history, _, _, _, options] = sources;
    let sources = [plan, pay, feedback, history, options];
    current(
        "formats.py",
        &declarations::python::python(header, &sources),
    );
}
