//! Each person's performance file over time: reading period results, timelines, promotion,
//! cycle comparison and the 9-box.
//!
//! - Conformance: every `tests/vectors/analytics/history-*.json` case is run through
//!   `perfscore::analytics::run_json` and compared byte for byte with the matching line of
//!   `history-*.expected.jsonl` (`UPDATE_VECTORS=1` rewrites them).
//! - Hand-worked numbers from the vectors' descriptions, asserted here field by field.
//! - Property tests: the order of results does not matter; restating and restating back gives
//!   the first timeline; eligibility never gets worse as qualifying periods are added; a
//!   9-box places everyone once whatever the order, and a higher score never lowers a band;
//!   transition rows sum to each grade's head count; a team series sums its people exactly.

#![cfg(feature = "analytics")]

mod common;

use proptest::prelude::*;
use serde_json::{json, Value};

fn run(op: &str, request: &Value) -> Value {
    let out = perfscore::analytics::run_json(op, &request.to_string())
        .unwrap_or_else(|e| e.to_canonical_json());
    serde_json::from_str(&out).unwrap()
}

#[test]
fn vectors_match_expected_bytes() {
    let dir = common::vectors_dir().join("analytics");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("history-") && n.ends_with(".json"))
        })
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 7, "expected the history vectors");
    let update = std::env::var_os("UPDATE_VECTORS").is_some();
    for path in paths {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut got = String::new();
        for case in v["cases"].as_array().unwrap() {
            let op = case["operation"].as_str().unwrap();
            let line = perfscore::analytics::run_json(op, &case["request"].to_string())
                .unwrap_or_else(|e| e.to_canonical_json());
            got.push_str(&line);
            got.push('\n');
        }
        let expected_path = path.with_extension("expected.jsonl");
        if update {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap();
        assert_eq!(got, expected, "{}", path.display());
    }
}

fn case(file: &str, i: usize) -> (String, Value) {
    let path = common::vectors_dir().join("analytics").join(file);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let c = &v["cases"][i];
    (
        c["operation"].as_str().unwrap().to_owned(),
        c["request"].clone(),
    )
}

#[test]
fn a_timeline_never_fills_a_missing_period() {
    // Worked in history-timeline.json's description (E1, window 2).
    let (op, req) = case("history-timeline.json", 0);
    let t = &run(&op, &req)["timelines"][0];
    let col = |k: &str| -> Vec<Value> {
        t["periods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[k].clone())
            .collect()
    };
    assert_eq!(
        col("period"),
        [
            json!("2026-01"),
            json!("2026-02"),
            json!("2026-04"),
            json!("2026-05")
        ]
    );
    assert_eq!(
        col("change"),
        [Value::Null, json!("10"), Value::Null, json!("-4")]
    );
    assert_eq!(
        col("rolling_mean"),
        [Value::Null, json!("75"), Value::Null, json!("88")]
    );
    assert_eq!(
        col("percentile"),
        [json!("75"), json!("33.33"), json!("16.67"), json!("50")]
    );
    assert_eq!(t["trend"]["slope"], "4.2");
    assert_eq!(t["trend"]["unit"], "points per month");
    assert_eq!(
        t["streak"],
        json!({"grade": "A", "periods": 2, "from": "2026-04", "to": "2026-05"})
    );
    assert_eq!(
        (t["best"].clone(), t["worst"].clone()),
        (json!("2026-04"), json!("2026-01"))
    );
}

#[test]
fn promotion_is_decided_only_where_missing_periods_cannot_change_it() {
    // Worked in history-promotion.json's description.
    let (op, req) = case("history-promotion.json", 0);
    let out = run(&op, &req);
    let status: Vec<&str> = out["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, ["not_assessable", "not_eligible", "eligible"]);
    let e2: Vec<&str> = out["people"][1]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(e2, ["pass", "unknown", "fail", "unknown"]);
}

#[test]
fn a_restatement_supersedes_and_both_stay() {
    let (op, req) = case("history-read.json", 1);
    let out = run(&op, &req);
    let r = out["results"].as_array().unwrap();
    assert_eq!(r.len(), 3);
    assert_eq!(
        (r[0]["superseded"].clone(), r[1]["restates"].clone()),
        (json!(true), json!(true))
    );
    // The legacy export: every row imported (no plan hash), the notes column listed as ignored.
    let (op, req) = case("history-read.json", 0);
    let out = run(&op, &req);
    assert_eq!(out["ignored_columns"], json!(["备注"]));
    assert!(out["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["imported"] == true));
    assert_eq!(out["results"][0]["period"], "2026-01");
    assert_eq!(out["results"][0]["pay"], "3200");
}

fn results(totals: &[(u8, u8, &str)]) -> Vec<Value> {
    totals
        .iter()
        .map(|(p, m, g)| json!({"person": format!("E{p}"), "period": format!("2026-{m:02}"), "total": format!("{}", 60 + m * 3 + p), "grade": g}))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn timelines_do_not_depend_on_the_order_of_results(
        months in proptest::collection::btree_set((1u8..4, 1u8..13), 1..20),
        seed in any::<u64>(),
    ) {
        let rows: Vec<(u8, u8, &str)> = months.iter().map(|&(p, m)| (p, m, if m % 2 == 0 { "A" } else { "B" })).collect();
        let mut shuffled = results(&rows);
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let people = json!(["E1", "E2", "E3"].iter().filter(|p| rows.iter().any(|r| format!("E{}", r.0) == **p)).collect::<Vec<_>>());
        let a = run("person_timeline", &json!({"results": results(&rows), "people": people}));
        let b = run("person_timeline", &json!({"results": shuffled, "people": people}));
        prop_assert_eq!(a, b);
    }

    #[test]
    fn restating_and_restating_back_gives_the_first_timeline(m in 1u8..13, other in 0u8..40) {
        let rows = results(&[(1, m, "A")]);
        let first = rows[0].clone();
        let mut changed = first.clone();
        changed["total"] = json!(other.to_string());
        changed["restates"] = json!(true);
        let mut back = first.clone();
        back["restates"] = json!(true);
        let plain = run("person_timeline", &json!({"results": [first.clone()]}));
        let twice = run("person_timeline", &json!({"results": [first, changed, back]}));
        prop_assert_eq!(plain, twice);
    }

    #[test]
    fn eligibility_never_worsens_as_qualifying_periods_are_added(
        have in proptest::collection::btree_set(1u8..7, 0..6),
        add in 1u8..7,
    ) {
        let rules = json!({"grade_count": {"grades": ["A"], "at_least": 3, "in_last": 6}, "no_veto_in_last": 6});
        let rank = |s: &str| match s { "not_eligible" => 0, "not_assessable" => 1, _ => 2 };
        let status = |months: &std::collections::BTreeSet<u8>| {
            let rows: Vec<(u8, u8, &str)> = months.iter().map(|&m| (1, m, "A")).collect();
            let out = run("promotion_eligibility", &json!({"results": results(&rows), "rules": rules, "as_of": "2026-06", "people": ["E1"]}));
            rank(out["people"][0]["status"].as_str().unwrap())
        };
        let mut more = have.clone();
        more.insert(add);
        prop_assert!(status(&more) >= status(&have));
    }
}

#[test]
fn scored_records_become_period_results_a_history_reads_back() {
    // The demo team scored under the demo plan for June 2026: each scorecard's total and grade
    // kept with the plan's id and hash, not imported, and read back as a history.
    let plan = perfscore::Plan::from_json(perfscore::templates::DEMO_PLAN_JSON).unwrap();
    let records = plan
        .records_from_csv(perfscore::templates::DEMO_TEAM_CSV)
        .unwrap();
    let request = json!({"records": serde_json::from_str::<Value>(&plan.run("records_from_csv", &json!({"text": perfscore::templates::DEMO_TEAM_CSV}).to_string()).unwrap()).unwrap(), "period": "2026年6月"});
    let out: Value =
        serde_json::from_str(&plan.run("period_results", &request.to_string()).unwrap()).unwrap();
    let results = out["results"].as_array().unwrap();
    assert_eq!(results.len(), records.len());
    for (r, record) in results.iter().zip(&records) {
        let card = plan.score(record).unwrap();
        assert_eq!(r["person"], record.id.as_str());
        assert_eq!(r["period"], "2026-06");
        assert_eq!(r["total"], card.total.normalize().to_string());
        assert_eq!(r["grade"], &*card.grade);
        assert_eq!(
            (r["imported"].clone(), r["plan"].clone()),
            (json!(false), json!(&*card.plan_id))
        );
        let hash = r["plan_hash"].as_str().unwrap();
        assert!(hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    // One hash per plan document: the same document again, the same hash; a changed name,
    // another hash.
    let again = perfscore::Plan::from_json(perfscore::templates::DEMO_PLAN_JSON).unwrap();
    let other = perfscore::Plan::from_json(&perfscore::templates::DEMO_PLAN_JSON.replacen(
        "Monthly sales",
        "Monthly field sales",
        1,
    ))
    .unwrap();
    let hash_of = |p: &perfscore::Plan| -> Value {
        let o: Value =
            serde_json::from_str(&p.run("period_results", &request.to_string()).unwrap()).unwrap();
        o["results"][0]["plan_hash"].clone()
    };
    assert_eq!(hash_of(&again), results[0]["plan_hash"]);
    assert_ne!(hash_of(&other), results[0]["plan_hash"]);
    let read = run("read_history", &json!({"results": results}));
    assert_eq!(read["results"].as_array().unwrap().len(), records.len());
    assert_eq!(read["results"][0]["plan_hash"], results[0]["plan_hash"]);
    let bad = plan.run(
        "period_results",
        &json!({"records": [], "period": "June"}).to_string(),
    );
    assert!(bad
        .unwrap_err()
        .to_canonical_json()
        .contains("\"loc\":[\"period\"]"));
}

#[test]
fn a_cycle_comparison_counts_every_person_once() {
    // Worked in history-compare.json's description.
    let (op, req) = case("history-compare.json", 0);
    let out = run(&op, &req);
    assert_eq!(out["transitions"]["grades"], json!(["A", "B", "C", "none"]));
    assert_eq!(
        out["transitions"]["rows"],
        json!([[0, 1, 0, 0], [0, 1, 0, 1], [1, 0, 0, 0], [0, 0, 1, 0]])
    );
    let visits = &out["indicators"][1];
    assert_eq!(
        (visits["mean_before"].clone(), visits["sd_before"].clone()),
        (json!("28.75"), json!(6.2915))
    );
    assert_eq!(visits["sd_after"], json!(0.0));
    let changed: Vec<(String, String)> = out["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["person"].as_str().unwrap().to_owned(),
                c["most_moved"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        [
            ("E1".to_owned(), "visits".to_owned()),
            ("E3".to_owned(), "sales".to_owned())
        ]
    );
    assert!(out["findings"][0]
        .as_str()
        .unwrap()
        .starts_with("visits stopped separating people"));
}

#[test]
fn a_nine_box_places_on_exact_cuts_and_counts_movement() {
    // Worked in history-ninebox.json's description: a value on a cut goes up.
    let (op, req) = case("history-ninebox.json", 0);
    let out = run(&op, &req);
    let boxes: Vec<(String, u64)> = out["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["person"].as_str().unwrap().to_owned(),
                p["box"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [("E1", 9), ("E2", 6), ("E3", 8), ("E4", 1), ("E5", 5)];
    assert_eq!(boxes, want.map(|(p, b)| (p.to_owned(), b)));
    assert_eq!(out["not_placed"][0]["person"], "E6");
    let m = &out["movement"];
    assert_eq!(
        [
            &m["up"],
            &m["down"],
            &m["across"],
            &m["same"],
            &m["new"],
            &m["left"]
        ],
        [&json!(1); 6]
    );
    // Thirds: ⌊3 × below ÷ 6⌋ on both axes.
    let (op, req) = case("history-ninebox.json", 1);
    let out = run(&op, &req);
    let counts: Vec<u64> = out["boxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [2, 0, 0, 0, 1, 1, 0, 1, 1]);
}

#[test]
fn a_nine_box_reads_pay_and_indicator_points_and_custom_labels() {
    // Pay cut at [3000, 4000], sales points cut at [30, 40]: E1 pay 4000 (high), sales 29.99
    // (low) → box 3; E2 pay 2999.99 (low), sales 40 (high) → box 7; E3 has no pay → not placed.
    let results = json!([
        {"person": "E1", "period": "2026-Q2", "total": "80", "pay": "4000", "indicators": [{"id": "sales", "points": "29.99"}]},
        {"person": "E2", "period": "2026-Q2", "total": "70", "pay": "2999.99", "indicators": [{"id": "sales", "points": "40"}]},
        {"person": "E3", "period": "2026-Q2", "total": "75", "indicators": [{"id": "sales", "points": "35"}]},
    ]);
    let labels: Vec<String> = (1..=9).map(|n| format!("B{n}")).collect();
    let out = run(
        "nine_box",
        &json!({"results": results, "period": "2026Q2", "labels": labels,
            "x": {"score": "pay", "cuts": [3000, 4000]},
            "y": {"score": "indicator", "indicator": "sales", "cuts": [30, 40]}}),
    );
    assert_eq!(out["people"][0]["box"], 3);
    assert_eq!(out["people"][0]["label"], "B3");
    assert_eq!(out["people"][1]["box"], 7);
    assert_eq!(out["not_placed"][0]["reason"], "no pay in 2026-Q2");
}

fn nine_box_rows(values: &[(u8, u8)]) -> Vec<Value> {
    values
        .iter()
        .enumerate()
        .map(|(i, (t, f))| json!({"person": format!("E{i}"), "period": "2026-06", "total": t.to_string(), "feedback": (f / 20).to_string()}))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_nine_box_places_everyone_once_whatever_the_order(
        values in proptest::collection::vec((0u8..101, 0u8..101), 1..30),
        thirds in any::<bool>(),
    ) {
        let cuts = if thirds { json!("thirds") } else { json!([60, 85]) };
        let ask = |rows: Vec<Value>| json!({"results": rows, "period": "2026-06",
            "x": {"score": "total", "cuts": cuts}, "y": {"score": "feedback", "cuts": cuts}});
        let out = run("nine_box", &ask(nine_box_rows(&values)));
        let total: u64 = out["boxes"].as_array().unwrap().iter().map(|b| b["count"].as_u64().unwrap()).sum();
        prop_assert_eq!(total as usize, values.len());
        let mut reversed = nine_box_rows(&values);
        reversed.reverse();
        prop_assert_eq!(run("nine_box", &ask(reversed)), out);
    }

    #[test]
    fn a_higher_score_never_lowers_the_band(
        values in proptest::collection::vec((0u8..101, 0u8..101), 2..20),
        who in 0usize..20,
        more in 1u8..30,
    ) {
        // With thirds as with fixed cuts, raising one person's total keeps or raises their
        // column (x band = (box − 1) mod 3).
        let who = who % values.len();
        for cuts in [json!("thirds"), json!([40, 70])] {
            let column = |rows: &[(u8, u8)]| {
                let out = run("nine_box", &json!({"results": nine_box_rows(rows), "period": "2026-06",
                    "x": {"score": "total", "cuts": cuts}, "y": {"score": "feedback", "cuts": [1, 3]}}));
                (out["people"].as_array().unwrap().iter()
                    .find(|p| p["person"] == format!("E{who}")).unwrap()["box"].as_u64().unwrap() - 1) % 3
            };
            let mut raised = values.clone();
            raised[who].0 = raised[who].0.saturating_add(more);
            prop_assert!(column(&raised) >= column(&values));
        }
    }
}

#[test]
fn every_build_names_the_analytics_operations_this_build_runs() {
    // Hosts make their analytics sugar from the build-independent list; it must be the
    // dispatchers' list, in the same order.
    assert_eq!(
        perfscore::ops::ANALYTICS_OPERATIONS.to_vec(),
        perfscore::analytics::operations()
    );
}

#[test]
fn a_history_series_feeds_targets_from_history_as_the_raw_months_would() {
    // 30 months of one person's revenue actuals as period results, turned into a series and
    // given to targets_from_history: the same targets as the raw monthly values given directly.
    let raw: Vec<i64> = (0..30)
        .map(|t| 50_000 + 700 * t + 4_000 * ((t * 5) % 12))
        .collect();
    let results: Vec<Value> = raw
        .iter()
        .enumerate()
        .map(|(t, v)| {
            let (y, m) = (2023 + t / 12, 1 + t % 12);
            json!({"person": "E1", "period": format!("{y}-{m:02}"), "total": "80",
                "indicators": [{"id": "revenue", "actual": v.to_string()}]})
        })
        .collect();
    let out = run(
        "history_series",
        &json!({"results": results, "measure": {"indicator": "revenue"}}),
    );
    let history = &out["series"][0]["history"];
    assert_eq!(history["start"], "2023-01");
    let via_series = run("targets_from_history", &json!({"history": history}));
    let direct = run(
        "targets_from_history",
        &json!({"history": {"start": "2023-01", "values": raw}}),
    );
    assert_eq!(via_series, direct);
    assert_eq!(via_series["method"], "seasonal_indices");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_team_series_sums_its_people_exactly(
        cells in proptest::collection::btree_map((0u8..5, 1u8..13), 0u32..1_000_000, 1..40),
    ) {
        // Each (person, month) has an actual in cents; the team's month is exactly the sum of
        // its people's months, whatever they are.
        let results: Vec<Value> = cells.iter().map(|((p, m), cents)| json!({
            "person": format!("E{p}"), "period": format!("2026-{m:02}"), "total": "1", "team": "T",
            "indicators": [{"id": "revenue", "actual": format!("{}.{:02}", cents / 100, cents % 100)}]})).collect();
        let measure = json!({"indicator": "revenue"});
        let team = run("history_series", &json!({"results": results, "measure": measure, "by": "team"}));
        let people = run("history_series", &json!({"results": results, "measure": measure}));
        let month_of = |start: &str, i: usize| start[5..].parse::<usize>().unwrap() + i;
        let mut sums = std::collections::BTreeMap::<usize, rust_decimal::Decimal>::new();
        for s in people["series"].as_array().unwrap() {
            let start = s["history"]["start"].as_str().unwrap();
            for (i, v) in s["history"]["values"].as_array().unwrap().iter().enumerate() {
                if let Some(v) = v.as_str() {
                    *sums.entry(month_of(start, i)).or_default() += v.parse::<rust_decimal::Decimal>().unwrap();
                }
            }
        }
        let t = &team["series"][0]["history"];
        let start = t["start"].as_str().unwrap();
        for (i, v) in t["values"].as_array().unwrap().iter().enumerate() {
            let want = sums.get(&month_of(start, i)).map(|d| d.normalize().to_string());
            prop_assert_eq!(v.as_str().map(str::to_owned), want);
        }
    }
}

#[test]
fn period_results_keep_the_pay_statement_total_and_the_360_score() {
    // The pay worked example (tests/vectors/pay/pay-worked-example.json): Li Wei B → performance
    // pay 3,000.00 + margin commission 12,250.00 = 15,250.00; Zhang Min C → 2,400.00 + 14,000.00
    // = 16,400.00; Wang Fang D → 0.00 + 14,000.00. 360 scores given for two of them.
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(common::vectors_dir().join("pay/pay-worked-example.json"))
            .unwrap(),
    )
    .unwrap();
    let plan = perfscore::Plan::from_json(&v["plan"].to_string()).unwrap();
    let request = json!({"records": v["records"], "period": "2026-06", "pay_plan": v["pay_plan"],
        "feedback": {"E001": 4.2, "E002": "3.85"}});
    let out: Value =
        serde_json::from_str(&plan.run("period_results", &request.to_string()).unwrap()).unwrap();
    let got: Vec<(Value, Value)> = out["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["pay"].clone(), r["feedback"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            (json!("15250"), json!("4.2")),
            (json!("16400"), json!("3.85")),
            (json!("14000"), Value::Null)
        ]
    );
    // A bad pay plan and a 360 score for someone not scored: both reported, located.
    let bad = json!({"records": v["records"], "period": "2026-06", "pay_plan": {"id": "x"},
        "feedback": {"E404": 4}});
    let err = plan.run("period_results", &bad.to_string()).unwrap_err();
    let paths: Vec<String> = err.problems().iter().map(|p| p.path()).collect();
    assert!(paths.iter().any(|p| p.starts_with("pay_plan")), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.starts_with("feedback.E404")),
        "{paths:?}"
    );
}

/// The demo's January–May export, then `extra` results, then the demo team's June as `plan`
/// scores it.
fn demo_history_and_june(plan: &perfscore::Plan, extra: &[Value]) -> Vec<Value> {
    let records: Value = serde_json::from_str(
        &plan
            .run(
                "records_from_csv",
                &json!({"text": perfscore::templates::DEMO_TEAM_CSV}).to_string(),
            )
            .unwrap(),
    )
    .unwrap();
    let june: Value = serde_json::from_str(
        &plan
            .run(
                "period_results",
                &json!({"records": records, "period": "2026-06"}).to_string(),
            )
            .unwrap(),
    )
    .unwrap();
    let past = run(
        "read_history",
        &json!({"results": perfscore::templates::DEMO_HISTORY_CSV}),
    );
    let mut results = past["results"].as_array().unwrap().clone();
    results.extend(extra.iter().cloned());
    results.extend(june["results"].as_array().unwrap().iter().cloned());
    results
}

fn demo_plan_with(promotion: Value) -> Result<perfscore::Plan, perfscore::Error> {
    let mut doc: Value = serde_json::from_str(perfscore::templates::DEMO_PLAN_JSON).unwrap();
    doc["promotion"] = promotion;
    perfscore::Plan::from_json(&doc.to_string())
}

#[test]
fn a_plans_promotion_rules_decide_eligibility_over_the_demo_history() {
    // Rules: 3 of the last 4 periods graded S or A, 4 periods assessed, no veto in 6. The demo
    // history (January–May) plus June as scored:
    // E001 A, S, S (Mar–May), June S → 4 of 4 → eligible;
    // E012 Mar B, no April, May B, June B → at most 1 of 4 → not eligible;
    // E005 vetoed in June (C, was B) → not eligible.
    let plan = demo_plan_with(json!({"min_periods": 4, "no_veto_in_last": 6,
        "grade_count": {"grades": ["S", "A"], "at_least": 3, "in_last": 4}}))
    .unwrap();
    let records = plan
        .records_from_csv(perfscore::templates::DEMO_TEAM_CSV)
        .unwrap();
    let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    let results = demo_history_and_june(&plan, &[]);
    let out: Value = serde_json::from_str(
        &plan
            .run(
                "promotion_eligibility",
                &json!({"results": results, "as_of": "2026-06", "people": ids}).to_string(),
            )
            .unwrap(),
    )
    .unwrap();
    let status = |id: &str| {
        out["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["person"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("E001"), "eligible");
    assert_eq!(status("E012"), "not_eligible");
    assert_eq!(status("E005"), "not_eligible");
    // The plan document keeps its rules.
    assert!(plan.to_json().contains("\"promotion\""));
}

#[test]
fn promotion_rules_a_plan_cannot_meet_are_plan_errors() {
    let err = demo_plan_with(
        json!({"grade_count": {"grades": ["X"], "at_least": 5, "in_last": 4},
        "no_veto_in_last": 0}),
    )
    .unwrap_err();
    let paths: Vec<String> = err.problems().iter().map(|p| p.path()).collect();
    assert_eq!(
        paths,
        [
            "promotion.no_veto_in_last",
            "promotion.grade_count.at_least",
            "promotion.grade_count.grades[0]"
        ]
    );
    // A plan without rules says where to put them.
    let plan = perfscore::Plan::from_json(perfscore::templates::DEMO_PLAN_JSON).unwrap();
    let err = plan
        .run(
            "promotion_eligibility",
            &json!({"results": [], "as_of": "2026-06"}).to_string(),
        )
        .unwrap_err();
    assert_eq!(err.problems()[0].kind, "missing");
}

#[test]
fn an_exported_history_reads_back_as_the_same_history() {
    // The demo history (imported) with one restatement and a scored June: JSON Lines reads back
    // equal in full; CSV equal but for the per-indicator outcomes, which only JSON carries.
    let plan = perfscore::Plan::from_json(perfscore::templates::DEMO_PLAN_JSON).unwrap();
    let restated = json!({"person": "E003", "period": "2026-05", "total": "85.1", "grade": "B", "restates": true});
    let results = demo_history_and_june(&plan, &[restated]);
    let original = run("read_history", &json!({ "results": results }));
    for format in ["jsonl", "csv"] {
        let text = run(
            "export_history",
            &json!({"results": results, "format": format}),
        )["text"]
            .clone();
        let mut back = run("read_history", &json!({ "results": text }));
        let mut want = original.clone();
        if format == "csv" {
            for r in want["results"].as_array_mut().unwrap() {
                r.as_object_mut().unwrap().remove("indicators");
            }
        }
        assert_eq!(back["ignored_columns"], json!([]), "{format}");
        back["ignored_columns"] = want["ignored_columns"].clone();
        assert_eq!(back, want, "{format}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn transition_rows_sum_to_each_grades_head_count(
        before in proptest::collection::btree_map(0u8..30, 0usize..3, 0..30),
        after in proptest::collection::btree_map(0u8..30, 0usize..3, 0..30),
    ) {
        // Row g sums to the people graded g before; the `none` row to the people who joined;
        // the whole matrix to the people in either cycle.
        let grades = ["A", "B", "C"];
        let rows = |m: &std::collections::BTreeMap<u8, usize>, period: &str| -> Vec<Value> {
            m.iter().map(|(p, g)| json!({"person": format!("E{p}"), "period": period, "total": "70", "grade": grades[*g]})).collect()
        };
        let mut results = rows(&before, "2026-05");
        results.extend(rows(&after, "2026-06"));
        let out = run("compare_cycles", &json!({"results": results, "before": "2026-05", "after": "2026-06"}));
        let labels: Vec<String> = out["transitions"]["grades"].as_array().unwrap().iter().map(|g| g.as_str().unwrap().to_owned()).collect();
        let matrix = out["transitions"]["rows"].as_array().unwrap();
        let sum = |row: &Value| row.as_array().unwrap().iter().map(|c| c.as_u64().unwrap() as usize).sum::<usize>();
        for (label, row) in labels.iter().zip(matrix) {
            let want = if label == "none" {
                after.keys().filter(|p| !before.contains_key(p)).count()
            } else {
                before.values().filter(|g| grades[**g] == label.as_str()).count()
            };
            prop_assert_eq!(sum(row), want, "row {}", label);
        }
        let everyone: std::collections::BTreeSet<&u8> = before.keys().chain(after.keys()).collect();
        prop_assert_eq!(matrix.iter().map(sum).sum::<usize>(), everyone.len());
    }
}
