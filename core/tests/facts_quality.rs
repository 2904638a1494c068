//! The data-quality report and the reconciliation of two sources, over the vector
//! `tests/vectors/facts/quality-reconcile.json` (its rows are tabled in docs/facts.md; each
//! expected number is derived in a comment).

mod common;
use perfscore::Plan;
use serde_json::{json, Value};

fn vector() -> (Plan, Value) {
    let path = common::vectors_dir().join("facts/quality-reconcile.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    (Plan::from_json(&v["plan"].to_string()).unwrap(), v)
}

fn run(plan: &Plan, request: &Value, op: &str) -> Value {
    serde_json::from_str(&plan.run(op, &request.to_string()).unwrap()).unwrap()
}

#[test]
fn quality_report_lists_every_problem_and_what_scoring_would_leave_out() {
    let (plan, v) = vector();
    let out = run(&plan, &v["cases"][0]["request"], "check_facts");
    // B1 twice, `singed`, −20 in a non-negative column, 31 June: four problems, not an error.
    assert_eq!(out["ok"], false);
    assert_eq!(
        out["kinds"],
        json!({"duplicate": 1, "invalid_value": 2, "negative": 1})
    );
    // Clean: orders B1, B4, B5, B6 and invoice J1.
    assert_eq!(out["facts"], json!({"orders": 4, "invoices": 1}));
    assert_eq!(out["outside_period"][0]["id"], "B4");
    assert_eq!(out["unassigned"][0]["id"], "B5");
    assert_eq!(out["not_in_org"][0]["owner"], "X");
}

#[test]
fn reconciliation_lists_people_beyond_the_tolerance_largest_first() {
    let (plan, v) = vector();
    let out = run(&plan, &v["cases"][2]["request"], "reconcile_facts");
    // E1: 1,000 + 250.50 against 1,000 + 250 = 0.50 apart, within 1: matched.
    assert_eq!(out["matched"], 1);
    let people: Vec<&str> = out["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["person"].as_str().unwrap())
        .collect();
    // E3 400 (no invoice), E2 800 − 700 = 100 (14.29 % of 700), E4 0 − 90 = −90.
    assert_eq!(people, ["E3", "E2", "E4"]);
    assert_eq!(out["differences"][1]["difference_pct"], "14.29");
    assert_eq!(out["differences"][2]["difference"], "-90");
    // Within 1 or 15 % of invoiced: E2's 100 ≤ 105 matches too.
    let out = run(&plan, &v["cases"][3]["request"], "reconcile_facts");
    assert_eq!(out["matched"], 2);
}

#[test]
fn a_measure_reconciles_with_itself_for_everyone() {
    let (plan, v) = vector();
    let mut request = v["cases"][2]["request"].clone();
    request["right"] = json!("revenue");
    request["tolerance"] = json!("0");
    let out = run(&plan, &request, "reconcile_facts");
    assert_eq!(out["matched"], out["people"]);
    assert_eq!(out["differences"], json!([]));
}
