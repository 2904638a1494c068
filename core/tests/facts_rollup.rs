//! Team and manager roll-ups through the org table, and the pivot operation.
//!
//! - Hand-worked tests over the vector `tests/vectors/facts/team-pivot.json` (its orders and
//!   org table are tabled in docs/facts.md; each expected number is derived in a comment).
//! - Property tests: pivot groups add up to the ungrouped total exactly (by person, team,
//!   product line), a team roll-up counts each fact once however it is split, a manager's
//!   roll-up is the sum of their whole tree's facts, and an accumulator pivots as the batch does.

mod common;
use perfscore::Plan;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;

fn team_vector() -> (Plan, Value) {
    let path = common::vectors_dir().join("facts/team-pivot.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    (Plan::from_json(&v["plan"].to_string()).unwrap(), v)
}

fn run(plan: &Plan, op: &str, request: &Value) -> Value {
    serde_json::from_str(&plan.run(op, &request.to_string()).unwrap()).unwrap()
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap()).unwrap()
}

#[test]
fn team_and_manager_roll_ups_count_each_order_once_in_the_team_of_its_date() {
    let (plan, v) = team_vector();
    let out = run(&plan, "records_from_facts", &v["cases"][0]["request"]);
    let get = |who: &str, m: &str| {
        let r = out["records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == who)
            .unwrap();
        r["measures"][m].as_str().unwrap().to_owned()
    };
    // North on each order's date: P1 1,000 (E1), P2 2,000 (E2, in North until 15 June), P4
    // E1's half 400, P6 400 (M), P9 1,000 (E1 60 % + M 40 %: both North, counted once) = 4,800.
    assert_eq!(get("M", "team_revenue"), "4800");
    assert_eq!(get("E1", "team_revenue"), "4800");
    // South: P3 500 (E2 from 16 June), P4 E3's half 400, P5 300 = 1,200.
    assert_eq!(get("S", "team_revenue"), "1200");
    // E2 moved: North's orders up to the 15th (1,000 + 2,000 + 400) and South's from the 16th
    // (500 + 300) = 4,200.
    assert_eq!(get("E2", "team_revenue"), "4200");
    // M's own 400 + 400 (P6, P9's 40 %), E1's 1,000 + 400 + 600 and E2's 2,000 while reporting
    // to M: 4,800; P9 whole once, not 40 % + 60 % twice.
    assert_eq!(get("M", "org_revenue"), "4800");
    // S: E2's P3 500 (after the move) + E3's 400 + 300 = 1,200.
    assert_eq!(get("S", "org_revenue"), "1200");
    // Own credit: E1 1,000 + 400 + 600 = 2,000, and 1 + 0.5 + 0.6 = 2.1 orders.
    assert_eq!(get("E1", "revenue"), "2000");
    assert_eq!(get("E1", "orders"), "2.1");
    // X sold P7 but has no org entry: listed, not lost.
    assert_eq!(
        out["not_in_org"],
        json!([{"source": "orders", "row": 6, "id": "P7", "owner": "X"}])
    );
}

#[test]
fn without_people_everyone_in_the_org_table_gets_a_record_even_with_no_facts() {
    let (plan, v) = team_vector();
    let mut request = v["cases"][0]["request"].clone();
    request.as_object_mut().unwrap().remove("people");
    let out = run(&plan, "records_from_facts", &request);
    let ids: Vec<&str> = out["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    // Owners E1, E2, E3, M, X and, from the org table, S (no orders of their own), by id.
    assert_eq!(ids, ["E1", "E2", "E3", "M", "S", "X"]);
    let s = &out["records"][4]["measures"];
    // S leads South: P3 500 + E3's half of P4 400 + P5 300 (docs/facts.md).
    assert_eq!(
        (s["revenue"].as_str(), s["team_revenue"].as_str()),
        (Some("0"), Some("1200"))
    );
}

#[test]
fn pivot_by_product_line_has_shares_and_changes_on_may_and_last_june() {
    let (plan, v) = team_vector();
    let out = run(&plan, "pivot_facts", &v["cases"][1]["request"]);
    let row = |k: usize| &out["rows"][k]["values"]["revenue"];
    // Signed June orders: hardware P1 1,000 + P3 500 + P6 400 + P7 100 = 2,000 (P8 cancelled).
    assert_eq!(out["rows"][0]["key"], json!({"product_line": "hardware"}));
    assert_eq!(row(0)["value"], "2000");
    // 2,000 / 6,100 = 32.7869 % → 32.79; May's hardware was Q1 600: +1,400 = +233.33 %.
    assert_eq!(row(0)["share"], "32.79");
    assert_eq!(row(0)["change"], "1400");
    assert_eq!(row(0)["change_pct"], "233.33");
    // June 2025: R1 700 → +1,300 = +185.71 %.
    assert_eq!(row(0)["yoy_pct"], "185.71");
    // Service had nothing in May: a change of 1,300 from 0, no percentage.
    assert_eq!(row(1)["previous"], "0");
    assert_eq!(row(1)["change_pct"], Value::Null);
    // Software 2,800 = 45.90 %; the shares 32.79 + 21.31 + 45.90 = 100.
    assert_eq!(row(2)["share"], "45.9");
    assert_eq!(out["total"]["revenue"]["value"], "6100");
    assert_eq!(out["total"]["orders"]["previous"], "2");
}

#[test]
fn pivot_top_n_keeps_the_largest_and_folds_the_rest_into_others() {
    let (plan, v) = team_vector();
    let out = run(&plan, "pivot_facts", &v["cases"][2]["request"]);
    // North 4,800 of 6,100 = 78.69 %; South 1,200 and X's 100 (no team) are the 2 others.
    assert_eq!(out["rows"].as_array().unwrap().len(), 1);
    assert_eq!(out["rows"][0]["values"]["revenue"]["value"], "4800");
    assert_eq!(out["others"]["groups"], 2);
    assert_eq!(out["others"]["values"]["revenue"]["value"], "1300");
    assert_eq!(
        out["summary"][2],
        "Others (2 groups): 1,300 (21.31 % of the total)."
    );
}

#[test]
fn org_table_problems_are_all_reported_with_rows() {
    let (plan, v) = team_vector();
    let err = plan
        .run("records_from_facts", &v["cases"][7]["request"].to_string())
        .unwrap_err();
    let kinds: Vec<(&str, String)> = err
        .problems()
        .iter()
        .map(|p| (p.kind, p.path().to_string()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("empty_range", "org[4].to".to_owned()),
            ("missing", "org[5].person".to_owned()),
            ("range_overlap", "org[1] (E2)".to_owned()),
            ("invalid_value", "org[2] (A)".to_owned()),
        ]
    );
}

#[test]
fn overlapping_org_entries_are_reported_in_order_of_the_people_ids() {
    // Three people, each with two entries in force on 2026-06-20, listed Z9, A1, M5: the
    // problems come in id order on every run (they came in a hash map's order, which varies).
    let (plan, v) = team_vector();
    let mut request = v["cases"][7]["request"].clone();
    let entry = |person: &str, team: &str, from: &str| serde_json::json!({ "person": person, "team": team, "from": from });
    let mut org = Vec::new();
    for person in ["Z9", "A1", "M5"] {
        org.push(entry(person, "North", "2026-01-01"));
        org.push(entry(person, "South", "2026-06-16"));
    }
    request["org"] = Value::Array(org);
    for _ in 0..4 {
        let err = plan
            .run("records_from_facts", &request.to_string())
            .unwrap_err();
        let paths: Vec<String> = err
            .problems()
            .iter()
            .map(|p| p.path().to_string())
            .collect();
        assert_eq!(paths, ["org[3] (A1)", "org[5] (M5)", "org[1] (Z9)"]);
    }
}

/// The plan of the property tests: revenue by owner, by team, by manager; a product column.
fn generated_plan() -> Plan {
    let (_, v) = team_vector();
    Plan::from_json(&v["plan"].to_string()).unwrap()
}

/// A generated order: a date in June, a split between up to two of six people or none.
fn generated_order(i: usize, r: &[u64; 4]) -> Value {
    let people = ["P0", "P1", "P2", "P3", "P4", "P5"];
    let a = people[(r[0] % 6) as usize];
    let b = people[(r[0] / 6 % 6) as usize];
    let (owner, credit) = match r[1] % 4 {
        0 => ("", String::new()),
        1 | 2 => (a, String::new()),
        _ if a == b => (a, String::new()),
        _ => (a, format!("{a}:{};{b}:{}", 1 + r[1] % 99, 99 - r[1] % 99)),
    };
    let lines = ["hardware", "software", "service"];
    json!({
        "order_id": format!("G{i}"),
        "date": format!("2026-06-{:02}", 1 + r[2] % 30),
        "owner": owner, "credit": credit, "customer": format!("C{}", r[2] % 7),
        "product_line": lines[(r[3] % 3) as usize], "customer_type": "retail",
        "status": if r[3] % 5 == 0 { "cancelled" } else { "signed" },
        "amount": format!("{}.{:02}", r[3] % 100_000, r[2] % 100),
    })
}

/// P0 manages P1 and P2 (team A), P1 manages P3 (team A until the 15th, then B); P4 manages P5
/// (team B). Each person is in one team on each date.
fn generated_org() -> Value {
    json!([
        {"person": "P0", "team": "A"},
        {"person": "P1", "team": "A", "manager": "P0"},
        {"person": "P2", "team": "A", "manager": "P0"},
        {"person": "P3", "team": "A", "manager": "P1", "to": "2026-06-15"},
        {"person": "P3", "team": "B", "manager": "P1", "from": "2026-06-16"},
        {"person": "P4", "team": "B"},
        {"person": "P5", "team": "B", "manager": "P4"},
    ])
}

fn sum_of(rows: &Value, m: &str) -> Decimal {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| dec(&r["values"][m]["value"]))
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Grouped by person, team or product line, the groups' revenue and order counts add up to
    /// the ungrouped total exactly, which is the sum of the signed orders' amounts.
    #[test]
    fn pivot_groups_add_up_to_the_ungrouped_total(
        draws in proptest::collection::vec(any::<[u64; 4]>(), 1..40),
    ) {
        let plan = generated_plan();
        let orders: Vec<Value> = draws.iter().enumerate().map(|(i, r)| generated_order(i, r)).collect();
        let signed: Decimal = orders.iter().filter(|o| o["status"] == "signed").map(|o| dec(&o["amount"])).sum();
        let facts = json!({"orders": orders});
        for by in ["person", "team", "product_line"] {
            let out = run(&plan, "pivot_facts", &json!({
                "facts": facts, "period": "2026-06", "org": generated_org(), "by": [by],
                "measures": ["revenue", "orders"]}));
            prop_assert_eq!(dec(&out["total"]["revenue"]["value"]), signed);
            prop_assert_eq!(sum_of(&out["rows"], "revenue"), signed, "by {}", by);
            let count = dec(&out["total"]["orders"]["value"]);
            prop_assert_eq!(sum_of(&out["rows"], "orders"), count, "by {}", by);
        }
    }

    /// Each team's roll-up (asked of a member who stays in it all month) equals the team's
    /// pivot group; the top manager's roll-up is every order of their tree once; no split is
    /// counted twice.
    #[test]
    fn roll_ups_count_each_fact_once(
        draws in proptest::collection::vec(any::<[u64; 4]>(), 1..40),
    ) {
        let plan = generated_plan();
        let orders: Vec<Value> = draws.iter().enumerate().map(|(i, r)| generated_order(i, r)).collect();
        let facts = json!({"orders": orders});
        let records = run(&plan, "records_from_facts", &json!({
            "facts": facts, "period": "2026-06", "org": generated_org(),
            "people": ["P0", "P1", "P2", "P3", "P4", "P5"]}));
        let measure = |who: &str, m: &str| {
            let r = records["records"].as_array().unwrap().iter().find(|r| r["id"] == who).unwrap();
            dec(&r["measures"][m])
        };
        let pivot = run(&plan, "pivot_facts", &json!({
            "facts": facts, "period": "2026-06", "org": generated_org(), "by": ["team"],
            "measures": ["revenue"]}));
        let team = |t: &str| pivot["rows"].as_array().unwrap().iter()
            .find(|r| r["key"]["team"] == t)
            .map_or(Decimal::ZERO, |r| dec(&r["values"]["revenue"]["value"]));
        prop_assert_eq!(measure("P0", "team_revenue"), team("A"));
        prop_assert_eq!(measure("P4", "team_revenue"), team("B"));
        // P0's tree is P0, P1, P2 and P3 (P3 reports to P1 all month): everyone's own revenue.
        let tree: Decimal = ["P0", "P1", "P2", "P3"].iter().map(|p| measure(p, "revenue")).sum();
        prop_assert_eq!(measure("P0", "org_revenue"), tree);
        prop_assert_eq!(measure("P4", "org_revenue"), measure("P4", "revenue") + measure("P5", "revenue"));
    }

    /// An accumulator holding the same facts pivots exactly as the batch operation.
    #[test]
    fn accumulator_pivot_equals_batch_pivot(
        draws in proptest::collection::vec(any::<[u64; 4]>(), 1..30),
    ) {
        let plan = std::sync::Arc::new(generated_plan());
        let orders: Vec<Value> = draws.iter().enumerate().map(|(i, r)| generated_order(i, r)).collect();
        let mut acc = perfscore::ops::Accumulator::new(plan.clone()).unwrap();
        acc.run("add", &json!({"source": "orders", "facts": orders}).to_string()).unwrap();
        let query = json!({"period": "2026-06", "as_of": "2026-06-20", "org": generated_org(),
            "by": ["team", "product_line"], "compare": ["previous_period"], "top": 3});
        let live: Value = serde_json::from_str(&acc.run("pivot", &query.to_string()).unwrap()).unwrap();
        let mut batch = query.clone();
        batch["facts"] = json!({"orders": orders});
        prop_assert_eq!(live, run(&plan, "pivot_facts", &batch));
    }
}
