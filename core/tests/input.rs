//! The one input layer (`perfscore::input`): host values and JSON text read alike, with host
//! markers resolved at their place. Record-shape cases are pinned by the `input-*` vectors; these
//! cover the other readers and the single-record locations.

#[cfg(feature = "feedback")]
use perfscore::feedback::{Answer, Feedback};
use perfscore::input::{read_pool, read_weights, HOST_KEY};
use perfscore::{Plan, ScoreOptions};
use serde_json::{json, Value};

const PLAN: &str = r#"{"id": "p", "name": "P",
  "measures": [{"id": "revenue", "aliases": ["销售额"]}, {"id": "revenue_target"}],
  "indicators": [{"id": "sales", "weight": 100, "actual": "revenue", "target": "revenue_target",
    "scoring": {"method": "ratio", "cap": 120}}],
  "grades": [{"grade": "B", "to": 80}, {"grade": "A", "from": 80}]}"#;

fn marker(text: &str) -> Value {
    json!({ HOST_KEY: text })
}

/// (path, kind) of each problem.
fn problems(e: perfscore::Error) -> Vec<(String, &'static str)> {
    e.problems().iter().map(|p| (p.path(), p.kind)).collect()
}

#[test]
fn one_record_is_located_from_its_own_root() {
    let plan = Plan::from_json(PLAN).unwrap();
    let e = plan
        .read_record(json!({"id": "E1", "measures": {"revenue": "x", "revenu": 1}}))
        .unwrap_err();
    assert_eq!(
        problems(e),
        [
            ("record (E1).measures.revenu".into(), "unknown_reference"),
            ("record (E1).measures.revenue".into(), "not_a_number")
        ]
    );
    let e = plan.read_record(json!({"revenue": 1})).unwrap_err();
    assert_eq!(problems(e), [("id".into(), "missing")]);
    let r = plan
        .read_record(json!({"id": "E1", "销售额": marker("bigint:12"), "revenue_target": "1e1"}))
        .unwrap();
    assert_eq!(r.measures["销售额"].to_string(), "12");
    assert_eq!(r.measures["revenue_target"].to_string(), "10");
}

#[test]
fn a_key_given_twice_in_record_text_is_refused_as_before() {
    let plan = Plan::from_json(PLAN).unwrap();
    let e = plan
        .records_from_json(r#"[{"id": "E1", "revenue": 1, "revenue": 2}]"#)
        .unwrap_err();
    assert!(
        e.problems()[0]
            .message
            .contains("duplicate field `revenue`"),
        "{e}"
    );
}

#[cfg(feature = "feedback")]
#[test]
fn responses_read_from_a_value_or_text_alike() {
    let fb = Feedback::from_json(
        r#"{"id": "f", "scale": {"min": 1, "max": 5},
            "competencies": [{"id": "c", "name": "C", "weight": 100,
              "items": [{"id": "q1", "text": "Q1"}]}],
            "groups": [{"id": "peers", "relationship": "peer", "weight": 100}]}"#,
    )
    .unwrap();
    let good = json!([
        {"rater": "P1", "ratee": "X", "group": "peers", "item": "q1", "value": marker("bigint:4")},
        {"rater": "P2", "ratee": "X", "group": "peers", "item": "q1", "value": "N/A"},
        {"rater": "P3", "ratee": "X", "group": "peers", "item": "q1"}
    ]);
    let read = fb.read_responses(good.clone()).unwrap();
    assert_eq!(
        read.iter().map(|r| r.value).collect::<Vec<_>>(),
        [
            Answer::Value(4.into()),
            Answer::NotApplicable,
            Answer::Missing
        ]
    );
    assert_eq!(fb.responses_from_json(&good.to_string()).unwrap(), read);
    let bad = json!([
        {"rater": 1, "ratee": "X", "group": "peers", "item": "q1", "value": marker("NaN")},
        {"ratee": "X", "group": "peers", "item": "q1", "colour": "red"}
    ]);
    let expected = [
        ("responses[0].rater".to_string(), "wrong_type"),
        ("responses[0].value".into(), "not_finite"),
        ("responses[1].rater".into(), "missing"),
        ("responses[1].colour".into(), "unknown_field"),
    ];
    assert_eq!(
        problems(fb.read_responses(bad.clone()).unwrap_err()),
        expected
    );
    assert_eq!(
        problems(fb.responses_from_json(&bad.to_string()).unwrap_err()),
        expected
    );
}

#[test]
fn weights_come_as_objects_pairs_or_a_map() {
    let objects = read_weights(json!([{"id": "a", "weight": 1}, {"id": "b", "weight": "2.5"}]));
    let pairs = read_weights(json!([["a", 1], ["b", "2.5"]]));
    let map = read_weights(json!({"b": "2.5", "a": 1}));
    assert_eq!(objects, pairs);
    assert_eq!(objects, map);
    let e = read_pool(
        marker("Infinity"),
        json!([["a", true], [1.5, 1], ["b"], ["c", null]]),
    )
    .unwrap_err();
    assert_eq!(
        problems(e),
        [
            ("pool".into(), "not_finite"),
            ("weights[0] (a)".into(), "wrong_type"),
            ("weights[1].id".into(), "wrong_type"),
            ("weights[2]".into(), "wrong_type"),
            ("weights[3] (c)".into(), "missing"),
        ]
    );
}

#[test]
fn options_and_plans_resolve_markers_at_their_place() {
    let period = |elapsed: Value| json!({"period": {"basis": "calendar_days", "elapsed": elapsed, "total": 30}});
    assert_eq!(
        ScoreOptions::from_value(period(marker("bigint:10"))).unwrap(),
        ScoreOptions::from_value(period(json!(10))).unwrap()
    );
    let e = ScoreOptions::from_json(&period(marker("a Symbol")).to_string()).unwrap_err();
    assert_eq!(
        problems(e),
        [("options.period.elapsed".into(), "unsupported_value")]
    );
    // A bigint where the plan reads a number: the same plan as the plain number.
    let mut plan: Value = serde_json::from_str(PLAN).unwrap();
    plan["indicators"][0]["weight"] = marker("bigint:100");
    assert_eq!(
        Plan::from_json(&plan.to_string()).unwrap().to_json(),
        Plan::from_json(PLAN).unwrap().to_json()
    );
    plan["indicators"][0]["weight"] = marker("NaN");
    let e = Plan::from_value(plan).unwrap_err();
    assert_eq!(e.code(), "PLAN_INVALID");
    assert_eq!(problems(e), [("indicators[0].weight".into(), "not_finite")]);
}

#[cfg(feature = "feedback")]
#[test]
fn every_input_problem_has_a_kind_and_chinese() {
    let plan = Plan::from_json(PLAN).unwrap();
    let fb = Feedback::from_json(
        r#"{"id": "f", "scale": {"min": 1, "max": 5},
            "competencies": [{"id": "c", "name": "C", "weight": 100,
              "items": [{"id": "q1", "text": "Q1"}]}],
            "groups": [{"id": "peers", "relationship": "peer", "weight": 100}]}"#,
    )
    .unwrap();
    let errors = [
        plan.records_from_json("[{").unwrap_err(),
        plan.records_from_json(r#"[{"id": "E1", "revenue": 1, "revenue": 2}]"#)
            .unwrap_err(),
        plan.read_records(json!(5)).unwrap_err(),
        plan.read_records(json!([
            "x",
            {"id": "E1", "measures": 3},
            {"id": "E2", "measures": {}, "revenue": 1, "attributes": [1]},
            {"id": " "},
            {"id": "E1", "revenu": 1, "revenue": "1e-29", "revenue_target": "1e99999999999"},
            {"name": "no id", "revenue": {"\u{0}host": "bigint:x"}},
            {"id": "E3", "revenue": {"\u{0}host": 1}}
        ]))
        .unwrap_err(),
        fb.responses_from_json("[").unwrap_err(),
        fb.read_responses(json!({"rater": "A"})).unwrap_err(),
        fb.read_responses(json!([3, {"ratee": "X", "group": "peers", "item": 1, "colour": 2}]))
            .unwrap_err(),
        ScoreOptions::from_json("{").unwrap_err(),
        read_weights(json!(5)).unwrap_err(),
        read_pool(json!(null), json!([[" ", 1], ["a", null], {"id": "b"}])).unwrap_err(),
    ];
    let mut count = 0;
    for e in &errors {
        for p in e.problems() {
            assert_ne!(p.kind, perfscore::kinds::INVALID, "{p}");
            assert!(
                !p.message_zh.is_empty() && p.message_zh != p.message,
                "{p} has no Chinese message"
            );
            count += 1;
        }
    }
    assert!(count >= 25, "{count}");
    let zh = |e: &perfscore::Error| e.display_in(perfscore::Lang::Zh);
    assert_eq!(
        zh(&errors[5]),
        "输入无效：responses：应为 360 作答列表，实际为对象"
    );
    let missing_rater = fb
        .read_responses(json!([{"ratee": "X", "group": "peers", "item": "q1"}]))
        .unwrap_err();
    assert_eq!(
        zh(&missing_rater),
        "输入无效：responses[0].rater：缺少评价人（`rater`）"
    );
    assert_eq!(errors[0].problems()[0].kind, "syntax_error");
    assert_eq!(errors[1].problems()[0].kind, "duplicate_key");
}
