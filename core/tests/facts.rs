//! Business facts in, measures out.
//!
//! - Conformance: every `tests/vectors/facts/*.json` case runs through `Plan::run` on the
//!   vector's plan; the result (JSON lines joined into one array for `score_facts`) or the
//!   error's canonical JSON is compared byte for byte with the matching line of
//!   `*.expected.jsonl` (`UPDATE_VECTORS=1` rewrites them).
//! - Hand-worked tests: each expected number derived in a comment.
//! - Property tests: aggregation does not depend on the order facts arrive in.

mod common;
use perfscore::Plan;
use proptest::prelude::*;
use serde_json::{json, Value};

fn vector_paths() -> Vec<std::path::PathBuf> {
    let dir = common::vectors_dir().join("facts");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".json") && !name.ends_with(".expected.json")
        })
        .collect();
    paths.sort();
    paths
}

/// A case's result as the vectors state it: one line of JSON.
fn run_case(plan: &Plan, op: &str, request: &Value) -> String {
    match plan.run(op, &request.to_string()) {
        Ok(out) if op == "score_facts" => {
            format!("[{}]", out.lines().collect::<Vec<_>>().join(","))
        }
        Ok(out) => out,
        Err(e) => e.to_canonical_json(),
    }
}

#[test]
fn vectors_match_expected_bytes() {
    let paths = vector_paths();
    assert!(!paths.is_empty(), "expected the facts vectors");
    let update = std::env::var_os("UPDATE_VECTORS").is_some();
    let mut failures = Vec::new();
    for path in paths {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let plan = Plan::from_json(&v["plan"].to_string()).expect("the vector's plan compiles");
        let mut got = String::new();
        for case in v["cases"].as_array().unwrap() {
            let op = case["operation"].as_str().unwrap();
            got.push_str(&run_case(&plan, op, &case["request"]));
            got.push('\n');
        }
        let expected_path = path.with_extension("expected.jsonl");
        if update {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != got {
            failures.push(path.display().to_string());
        }
    }
    assert!(failures.is_empty(), "vectors differ: {failures:?}");
}

/// The vector's plan and its June facts.
fn orders_plan() -> (Plan, Value) {
    let path = common::vectors_dir().join("facts/orders-visits.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let plan = Plan::from_json(&v["plan"].to_string()).unwrap();
    let facts = v["cases"][0]["request"]["facts"].clone();
    (plan, facts)
}

fn measures_of(plan: &Plan, request: Value) -> Value {
    let out: Value = serde_json::from_str(
        &plan
            .run("records_from_facts", &request.to_string())
            .unwrap(),
    )
    .unwrap();
    out
}

#[test]
fn june_measures_are_the_hand_worked_sums_counts_and_new_customers() {
    let (plan, facts) = orders_plan();
    let out = measures_of(&plan, json!({"facts": facts, "period": "2026-06"}));
    let records = out["records"].as_array().unwrap();
    // No records given: the owners, by id.
    assert_eq!(records.len(), 2);
    let e1 = &records[0]["measures"];
    // O2 200.50 + O3 300.00 = 500.50 (records write decimals without trailing zeros); O4 is
    // cancelled, O1 is May, O8 is last year.
    assert_eq!(e1["revenue"], "500.5");
    assert_eq!(e1["contracts"], "2");
    // C1 first signed in May (O1): not new; C2 first signed on 10 June: new.
    assert_eq!(e1["new_customers"], "1");
    // Two calls on C1 on 3 June count once, plus C1 on 4 June.
    assert_eq!(e1["visits"], "2");
    // O8, 10 June 2025.
    assert_eq!(e1["revenue_last_year"], "400");
    assert_eq!(e1["largest_order"], "300");
    let e2 = &records[1]["measures"];
    // O5 1000 and the return O6 −250 net in June; O7 is July.
    assert_eq!(e2["revenue"], "750");
    assert_eq!(e2["contracts"], "1");
    assert_eq!(e2["revenue_last_year"], "0");
    // O9 has no owner: listed, not lost.
    assert_eq!(
        out["unassigned"],
        json!([{"source": "orders", "row": 8, "id": "O9"}])
    );
}

#[test]
fn as_of_date_leaves_out_facts_not_known_yet() {
    let (plan, facts) = orders_plan();
    let out = measures_of(
        &plan,
        json!({"facts": facts, "period": "2026-06", "as_of": "2026-06-12"}),
    );
    let e2 = &out["records"][1]["measures"];
    // E2's orders are dated the 20th and 25th: nothing yet, but the 5 June visit counts.
    assert_eq!(e2["revenue"], "0");
    assert_eq!(e2["visits"], "1");
    // E2 has no order to take a maximum of: the measure is missing, not 0.
    assert!(e2.get("largest_order").is_none());
}

#[test]
fn filter_errors_are_plan_problems_with_paths() {
    let (_, _) = orders_plan();
    let path = common::vectors_dir().join("facts/orders-visits.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let plan = &mut v["plan"];
    // Text compared with a number, a sum of text, an unknown column, an unknown source, and an
    // enum value that does not exist: all five at once.
    plan["measures"][0]["from"]["filter"] = json!("status > 3");
    plan["measures"][1]["from"] =
        json!({"source": "orders", "aggregate": "sum", "column": "customer"});
    plan["measures"][2]["from"]["column"] = json!("client");
    plan["measures"][3]["from"]["source"] = json!("calls");
    plan["measures"][5]["from"]["filter"] = json!("status == \"singed\"");
    let err = Plan::from_json(&plan.to_string()).unwrap_err();
    let got: Vec<(String, &str)> = err.problems().iter().map(|p| (p.path(), p.kind)).collect();
    assert_eq!(
        got,
        vec![
            ("measures[0].from.filter".to_string(), "formula_type"),
            ("measures[1].from.column".to_string(), "wrong_type"),
            ("measures[2].from.column".to_string(), "unknown_reference"),
            ("measures[3].from.source".to_string(), "unknown_reference"),
            ("measures[5].from.filter".to_string(), "unknown_reference"),
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The facts' order does not change any measure (sums are exact, first/last break date
    /// ties by row, which moves with the fact, so only date-distinct orders are generated).
    #[test]
    fn measures_do_not_depend_on_fact_order(seed in any::<u64>()) {
        let (plan, facts) = orders_plan();
        let mut orders = facts["orders"].as_array().unwrap().clone();
        let mut s = seed;
        for i in (1..orders.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            orders.swap(i, (s >> 33) as usize % (i + 1));
        }
        let base = measures_of(&plan, json!({"facts": facts.clone(), "period": "2026-06"}));
        let mut shuffled = facts.clone();
        shuffled["orders"] = Value::Array(orders);
        let got = measures_of(&plan, json!({"facts": shuffled, "period": "2026-06"}));
        prop_assert_eq!(&base["records"], &got["records"]);
    }
}

#[test]
fn quoted_text_is_refused_in_a_plans_scoring_formulas() {
    let (_, _) = orders_plan();
    let path = common::vectors_dir().join("facts/orders-visits.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["plan"]["indicators"][0]["actual"] = json!("if(revenue == \"x\", 0, revenue)");
    let err = Plan::from_json(&v["plan"].to_string()).unwrap_err();
    let p = &err.problems()[0];
    assert_eq!(p.path(), "indicators[0].actual");
    assert!(
        p.message.contains("only used in fact filters"),
        "{}",
        p.message
    );
    // An unclosed quote in a filter is a syntax problem at its column.
    v["plan"]["indicators"][0]["actual"] = json!("revenue");
    v["plan"]["measures"][0]["from"]["filter"] = json!("status == \"signed");
    let err = Plan::from_json(&v["plan"].to_string()).unwrap_err();
    assert_eq!(err.problems()[0].kind, "formula_syntax");
    assert!(
        err.problems()[0].message.contains("column 11"),
        "{}",
        err.problems()[0].message
    );
}

/// A generated order: id, date, owner ("" for none), customer, status, amount.
fn order(i: usize, r: &[u64; 5]) -> Value {
    let dates = [
        "2026-05-28",
        "2026-06-01",
        "2026-06-12",
        "2026-06-12",
        "2026-06-30",
        "2026-07-02",
        "2025-06-05",
    ];
    let owners = ["E1", "E2", "E3", ""];
    let statuses = ["signed", "signed", "returned", "cancelled"];
    let cents = (r[4] % 2_000_000) as i64 - 200_000;
    json!({
        "order_id": format!("F{i}"),
        "date": dates[(r[0] % dates.len() as u64) as usize],
        "owner": owners[(r[1] % 4) as usize],
        "customer": format!("C{}", r[2] % 5),
        "status": statuses[(r[3] % 4) as usize],
        "amount": format!("{}.{:02}", cents / 100, (cents % 100).abs()).replace("-0.", "-0."),
    })
}

fn accumulate(acc: &mut perfscore::ops::Accumulator, op: &str, request: Value) -> Value {
    serde_json::from_str(&acc.run(op, &request.to_string()).unwrap()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// After any sequence of adds and retracts, the accumulator's records equal the batch
    /// operation's over the facts that survive, in the order they arrived (exactly: the same
    /// decimal text), at period end and mid-period.
    #[test]
    fn accumulator_equals_batch_over_surviving_facts(
        draws in proptest::collection::vec(any::<[u64; 5]>(), 1..40),
        retract_mask in any::<u64>(),
        as_of in proptest::option::of(0u8..3),
    ) {
        let (plan, _) = orders_plan();
        let plan = std::sync::Arc::new(plan);
        let mut acc = perfscore::ops::Accumulator::new(plan.clone()).unwrap();
        let orders: Vec<Value> = draws.iter().enumerate().map(|(i, r)| order(i, r)).collect();
        let mut alive = Vec::new();
        for (i, o) in orders.iter().enumerate() {
            accumulate(&mut acc, "add", json!({"source": "orders", "facts": [o]}));
            alive.push(i);
            // Retract an earlier order now and then, the newest first.
            if retract_mask >> (i % 64) & 1 == 1 && alive.len() > 1 {
                let gone = alive.remove(alive.len() / 2);
                accumulate(&mut acc, "retract", json!({"source": "orders", "ids": [format!("F{gone}")]}));
            }
        }
        let mut query = json!({"period": "2026-06"});
        if let Some(d) = as_of {
            query["as_of"] = json!(["2026-06-01", "2026-06-12", "2026-06-29"][d as usize]);
        }
        let live = accumulate(&mut acc, "records", query.clone());
        let mut batch_request = query.clone();
        batch_request["facts"] = json!({"orders": alive.iter().map(|&i| orders[i].clone()).collect::<Vec<_>>()});
        let batch: Value = serde_json::from_str(&plan.run("records_from_facts", &batch_request.to_string()).unwrap()).unwrap();
        prop_assert_eq!(&live["records"], &batch["records"]);
        let ids = |v: &Value| v["unassigned"].as_array().unwrap().iter().map(|u| u["id"].clone()).collect::<Vec<_>>();
        prop_assert_eq!(ids(&live), ids(&batch));
        // Saved and restored, it answers the same.
        let saved = acc.run("to_json", "").unwrap();
        let mut back = perfscore::ops::Accumulator::from_json(plan.clone(), &saved).unwrap();
        prop_assert_eq!(accumulate(&mut back, "records", query), live);
    }
}

#[test]
fn a_failed_update_changes_nothing() {
    let (plan, facts) = orders_plan();
    let mut acc = perfscore::ops::Accumulator::new(std::sync::Arc::new(plan)).unwrap();
    let added = accumulate(
        &mut acc,
        "add",
        json!({"source": "orders", "facts": facts["orders"]}),
    );
    // Nine orders, owned by E1 and E2 (and O9 by nobody).
    assert_eq!(added, json!({"changed": 9, "people": ["E1", "E2"]}));
    let before = acc.run("to_json", "").unwrap();
    // One good row and one bad: neither is added. A duplicate id is refused too.
    let bad = json!({"source": "orders", "facts": [
        {"order_id": "N1", "date": "2026-06-03", "owner": "E1", "customer": "C1", "status": "signed", "amount": "5"},
        {"order_id": "O1", "date": "2026-06-03", "owner": "E1", "customer": "C1", "status": "signed", "amount": "x"}]});
    let err = acc.run("add", &bad.to_string()).unwrap_err();
    let kinds: Vec<&str> = err.problems().iter().map(|p| p.kind).collect();
    assert_eq!(kinds, vec!["not_a_number"]);
    let dup = json!({"source": "orders", "facts": [
        {"order_id": "O1", "date": "2026-06-03", "owner": "E1", "customer": "C1", "status": "signed", "amount": "5"}]});
    assert_eq!(
        acc.run("add", &dup.to_string()).unwrap_err().problems()[0].kind,
        "duplicate"
    );
    // Retracting one unknown id among known ones retracts none.
    let err = acc
        .run(
            "retract",
            &json!({"source": "orders", "ids": ["O1", "NOPE"]}).to_string(),
        )
        .unwrap_err();
    assert_eq!(err.problems()[0].path(), "ids[1] (NOPE)");
    assert_eq!(acc.run("to_json", "").unwrap(), before);
    // A retraction names whose numbers changed.
    assert_eq!(
        accumulate(
            &mut acc,
            "retract",
            json!({"source": "orders", "ids": ["O6"]})
        ),
        json!({"changed": 1, "people": ["E2"]})
    );
    // E2's June revenue without the return: 1000.
    let out = accumulate(
        &mut acc,
        "records",
        json!({"period": "2026-06", "people": ["E2"]}),
    );
    assert_eq!(out["records"][0]["measures"]["revenue"], "1000");
}

#[test]
fn demo_facts_aggregate_to_the_flat_demo_teams_totals_and_grades() {
    // The flat demo team (demo-team.csv) scored with monthly-sales-rep, against the same month
    // from raw facts scored with monthly-sales-rep-facts: every total and grade is the same.
    let flat = Plan::from_json(perfscore::templates::DEMO_PLAN_JSON).unwrap();
    let team = flat
        .records_from_csv(perfscore::templates::DEMO_TEAM_CSV)
        .unwrap();
    let want: Vec<(String, String, String)> = team
        .iter()
        .map(|r| {
            let c = flat.score(r).unwrap();
            (
                c.record_id.clone(),
                c.total.to_string(),
                c.grade.to_string(),
            )
        })
        .collect();
    let plan = Plan::from_json(perfscore::templates::DEMO_FACTS_PLAN_JSON).unwrap();
    let facts: serde_json::Map<String, Value> = perfscore::templates::DEMO_FACTS
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let request = json!({"facts": facts, "period": "2026-06", "records": perfscore::templates::DEMO_PEOPLE_CSV});
    let lines = plan.run("score_facts", &request.to_string()).unwrap();
    let got: Vec<(String, String, String)> = lines
        .lines()
        .map(|l| {
            let c: Value = serde_json::from_str(l).unwrap();
            (
                c["record_id"].as_str().unwrap().into(),
                c["total"].as_str().unwrap().into(),
                c["grade"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(got, want);
    // The first person: 119.16, grade S (the demo-team vector's numbers).
    assert_eq!(got[0], ("E001".into(), "119.16".into(), "S".into()));
}

#[test]
fn split_credit_adds_up_to_the_orders_total_exactly() {
    let path = common::vectors_dir().join("facts/split-credit.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let plan = Plan::from_json(&v["plan"].to_string()).unwrap();
    let out = measures_of(&plan, v["cases"][0]["request"].clone());
    let revenue: Vec<rust_decimal::Decimal> = out["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| common::d(r["measures"]["revenue"].as_str().unwrap()))
        .collect();
    // 60 % and 40 % of 1,000.00, plus E1's own 500.00; thirds of 300.00 at 33.34 / 33.33 / 33.33 %.
    assert_eq!(
        revenue,
        vec![
            common::d("1100"),
            common::d("500.02"),
            common::d("99.99"),
            common::d("99.99")
        ]
    );
    // The split loses and invents nothing: 1,000.00 + 500.00 + 300.00.
    assert_eq!(
        revenue.iter().sum::<rust_decimal::Decimal>(),
        common::d("1800.00")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any CSV text, any cell text and any filter: an answer or a typed error, never a panic.
    #[test]
    fn any_fact_input_is_an_answer_or_an_error(
        csv in "[a-zA-Z0-9,;:\"\n\r\t %._\\-/=]{0,200}",
        cell in ".{0,40}",
        filter in "[a-z_ =!<>\"()0-9.+*/-]{0,40}",
        period in "[0-9QH-]{0,8}",
    ) {
        let (plan, facts) = orders_plan();
        let mut rows = facts["orders"].clone();
        rows[0]["amount"] = json!(cell.clone());
        rows[1]["date"] = json!(cell.clone());
        rows[2]["status"] = json!(cell);
        for request in [
            json!({"facts": {"orders": csv.clone(), "visits": csv.clone()}, "period": "2026-06"}),
            json!({"facts": {"orders": rows}, "period": period}),
        ] {
            let _ = plan.run("records_from_facts", &request.to_string());
        }
        let path = common::vectors_dir().join("facts/orders-visits.json");
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        v["plan"]["measures"][0]["from"]["filter"] = json!(filter);
        if let Ok(p) = Plan::from_json(&v["plan"].to_string()) {
            let _ = p.run("records_from_facts", &json!({"facts": facts, "period": "2026-06"}).to_string());
        }
    }
}

#[test]
fn a_tampered_saved_state_is_refused_not_half_read() {
    let (plan, facts) = orders_plan();
    let plan = std::sync::Arc::new(plan);
    let mut acc = perfscore::ops::Accumulator::new(plan.clone()).unwrap();
    accumulate(
        &mut acc,
        "add",
        json!({"source": "orders", "facts": facts["orders"]}),
    );
    let mut state: Value = serde_json::from_str(&acc.to_json()).unwrap();
    // Two facts on one row would let one overwrite the other; a huge `next` would wrap rows.
    state["sources"]["orders"]["rows"][1] = json!(0);
    assert!(perfscore::ops::Accumulator::from_json(plan.clone(), &state.to_string()).is_err());
    let mut state: Value = serde_json::from_str(&acc.to_json()).unwrap();
    state["sources"]["orders"]["next"] = json!(u64::MAX);
    assert!(perfscore::ops::Accumulator::from_json(plan.clone(), &state.to_string()).is_err());
    // Untouched, it restores with every fact.
    assert_eq!(
        perfscore::ops::Accumulator::from_json(plan, &acc.to_json())
            .unwrap()
            .len(),
        9
    );
}

#[test]
fn collection_rate_counts_invoices_due_in_the_period_and_margin_nets_returned_lines() {
    let path = common::vectors_dir().join("facts/collection-margin.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let plan = Plan::from_json(&v["plan"].to_string()).unwrap();
    let cards = plan
        .run("score_facts", &v["cases"][1]["request"].to_string())
        .unwrap();
    let cards: Vec<Value> = cards
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let actual = |card: &Value, id: &str| {
        let ind = card["sections"][0]["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap();
        ind["actual"].as_str().unwrap().to_owned()
    };
    // E1: received 1,000 + 200 + 300 in June against V1 1,000 + V2 500 due in June = 100 %.
    assert_eq!(actual(&cards[0], "collection_rate"), "100");
    // E1's lines: (1,600 − 1,080) / 1,600 = 32.5 %; total 50 + 50 × 32.5 / 30 = 104.17.
    assert_eq!(actual(&cards[0], "gross_margin"), "32.5");
    assert_eq!(cards[0]["total"], "104.17");
    // E2: 1,500 of 2,000 due = 75 %; one line at 10 %: 37.5 + 16.67 = 54.17.
    assert_eq!(actual(&cards[1], "collection_rate"), "75");
    assert_eq!(cards[1]["total"], "54.17");
}
