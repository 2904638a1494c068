//! The lean batch path ([`Scorer::summarize`], [`Plan::summarize_table`]) must give exactly the
//! numbers of the full scorecard path: it runs the same arithmetic without building the detail.
//! Expected values here are the full path's own results (checked by hand in worked_example.rs).

mod common;
use common::*;
use perfscore::{Plan, Record, ScoreOptions, Scorecard, Summary};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn same(card: &Scorecard, s: &Summary) {
    assert_eq!(card.total, s.total);
    assert_eq!(card.total.to_string(), s.total.to_string(), "same scale");
    assert_eq!(card.grade, s.grade);
    assert_eq!(card.grade_before_veto, s.grade_before_veto);
    assert_eq!(card.unrounded_total, s.unrounded_total);
    assert_eq!(card.weighted_total, s.weighted_total);
    assert_eq!(card.adjustment_total, s.adjustment_total);
    assert_eq!(card.total_bound, s.total_bound);
    assert_eq!(card.vetoes.is_empty(), !s.vetoed);
    assert_eq!(card.progress, s.progress);
}

/// Rows of a table in the plan's measure order, `None` where the record has no value.
fn table(plan: &Plan, records: &[Record]) -> (Vec<String>, Vec<String>, Vec<Option<Decimal>>) {
    let names: Vec<String> = plan.measures().iter().map(|m| m.id.to_string()).collect();
    let ids = records.iter().map(|r| r.id.clone()).collect();
    let values = records
        .iter()
        .flat_map(|r| names.iter().map(|n| r.measures.get(n).copied()))
        .collect();
    (names, ids, values)
}

#[test]
fn summaries_equal_scorecards_on_every_vector() {
    let demo = Plan::from_json(perfscore::templates::DEMO_PLAN_JSON).unwrap();
    let demo_team = demo
        .records_from_csv(perfscore::templates::DEMO_TEAM_CSV)
        .unwrap();
    let vectors = ["worked-example", "methods", "missing-policies"]
        .map(|name| (name, load_vector(name)))
        .into_iter()
        .chain([("demo-team", (demo, demo_team))]);
    for (name, (plan, records)) in vectors {
        let opts = ScoreOptions::default();
        let mut scorer = plan.scorer(&opts).unwrap();
        for r in &records {
            match (plan.score(r), scorer.summarize(r)) {
                (Ok(card), Ok(s)) => {
                    same(&card, &s);
                    let scores: Vec<Decimal> = scorer.indicator_scores().collect();
                    let expected: Vec<Decimal> = card.indicators().map(|i| i.score).collect();
                    assert_eq!(scores, expected, "{name} {}", r.id);
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{name} {}", r.id),
                (a, b) => panic!("{name} {}: {a:?} vs {b:?}", r.id),
            }
        }
    }
}

#[test]
fn worked_example_table() {
    // worked_example.rs: 88.48 B, 74.40 C, 0.00 D (vetoed).
    let (plan, records) = load_vector("worked-example");
    let ok: Vec<Record> = records.into_iter().take(3).collect();
    let (names, ids, values) = table(&plan, &ok);
    let columns = plan.columns(&names).unwrap();
    let out = plan
        .summarize_table(&columns, &ids, &values, &ScoreOptions::default())
        .unwrap();
    let got: Vec<(String, String, bool)> = out
        .iter()
        .map(|s| (s.total.to_string(), s.grade.to_string(), s.vetoed))
        .collect();
    assert_eq!(
        got,
        [
            ("88.48".into(), "B".into(), false),
            ("74.40".into(), "C".into(), false),
            ("0.00".into(), "D".into(), true)
        ]
    );
}

#[test]
fn table_errors_name_the_row_and_column() {
    let (plan, records) = load_vector("worked-example");
    let err = plan.columns(&["revenue", "nonsense"]).unwrap_err();
    assert_eq!(
        err.problems()[0].path(),
        "columns[1]",
        "unknown column: {err}"
    );
    // The same record twice, and a missing value the plan needs (policy: error).
    let two = vec![records[0].clone(), records[0].clone()];
    let (names, ids, mut values) = table(&plan, &two);
    let width = names.len();
    let columns = plan.columns(&names).unwrap();
    for v in values.iter_mut().skip(width) {
        *v = None;
    }
    let err = plan
        .summarize_table(&columns, &ids, &values, &ScoreOptions::default())
        .unwrap_err();
    let paths: Vec<String> = err.problems().iter().map(|p| p.path()).collect();
    assert_eq!(paths[0], "records[1].id");
    assert!(paths[1].starts_with("records[1] ("), "{paths:?}");
    // Ragged input is refused before anything is scored.
    let err = plan
        .summarize_table(&columns, &ids, &values[1..], &ScoreOptions::default())
        .unwrap_err();
    assert_eq!(err.problems()[0].path(), "values");
}

#[test]
fn pay_from_a_table_equals_pay_from_scorecards() {
    // The pay worked example (tests/vectors/pay/pay-worked-example.json): statements from
    // summaries of a table must be byte-identical to statements from scorecards and records.
    let text = std::fs::read_to_string(vectors_dir().join("pay/pay-worked-example.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let plan = Plan::from_json(&v["plan"].to_string()).unwrap();
    let pay = perfscore::PayPlan::from_json(&v["pay_plan"].to_string(), &plan).unwrap();
    let records = plan.records_from_json(&v["records"].to_string()).unwrap();
    let expected = pay
        .pay_records(&plan, &records, &ScoreOptions::default())
        .unwrap();
    let (names, ids, values) = table(&plan, &records);
    let columns = plan.columns(&names).unwrap();
    let summaries = plan
        .summarize_table(&columns, &ids, &values, &ScoreOptions::default())
        .unwrap();
    let got = pay
        .statements_for_table(&summaries, &names, &ids, &values)
        .unwrap();
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        let mut e = e.clone();
        e.name = None; // a table row carries no display name
        assert_eq!(g.to_canonical_json(), e.to_canonical_json());
    }
}

proptest! {
    /// Any numbers: the table path, the record path and the scorecard path agree (or all fail alike).
    #[test]
    fn three_paths_agree(values in proptest::collection::vec(proptest::option::weighted(0.9, 0i64..3_000_000), 17),
                         scale in 0u32..3) {
        let plan = Plan::from_json(perfscore::templates::DEMO_PLAN_JSON).unwrap();
        let names: Vec<String> = plan.measures().iter().map(|m| m.id.to_string()).collect();
        let mut r = Record::new("P1");
        let mut row = Vec::new();
        for (n, v) in names.iter().zip(values.iter().chain(std::iter::repeat(&None))) {
            let v = v.map(|v| Decimal::new(v, scale));
            if let Some(v) = v {
                r.measures.insert(n.clone(), v);
            }
            row.push(v);
        }
        let columns = plan.columns(&names).unwrap();
        let opts = ScoreOptions::default();
        let mut scorer = plan.scorer(&opts).unwrap();
        let card = plan.score(&r);
        let summary = scorer.summarize(&r);
        let from_row = scorer.summarize_row(&columns, "P1", None, &row);
        prop_assert_eq!(&summary, &from_row);
        match (card, summary) {
            (Ok(c), Ok(s)) => same(&c, &s),
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
        }
    }
}
