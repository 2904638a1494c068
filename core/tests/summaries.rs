//! The batch path ([`Plan::summarize`] over a [`Table`]) must give exactly the numbers of the
//! full scorecard path: it runs the same arithmetic without building the detail. Expected values
//! here are the full path's own results (checked by hand in worked_example.rs).

mod common;
use common::*;
use perfscore::batch::Table;
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

/// Row-major cells in the plan's measure order, `None` where the record has no value.
fn cells(plan: &Plan, records: &[Record]) -> (Vec<String>, Vec<String>, Vec<Option<Decimal>>) {
    let names: Vec<String> = plan.measures().iter().map(|m| m.id.to_string()).collect();
    let ids = records.iter().map(|r| r.id.clone()).collect();
    let values = records
        .iter()
        .flat_map(|r| names.iter().map(|n| r.measures.get(n).copied()))
        .collect();
    (names, ids, values)
}

/// One record as a one-row table, summarized, beside the same record scored alone in a batch
/// (so both name it `records[0]` in errors).
fn both(plan: &Plan, r: &Record) -> (perfscore::Result<Scorecard>, perfscore::Result<Summary>) {
    let opts = ScoreOptions::default();
    let card = plan
        .score_many(std::slice::from_ref(r), &opts)
        .map(|mut c| c.remove(0));
    let summary = Table::from_records(plan, std::slice::from_ref(r))
        .and_then(|t| plan.summarize(&t, &opts, None))
        .map(|mut rows| rows.remove(0).summary);
    (card, summary)
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
        for r in &records {
            match both(&plan, r) {
                (Ok(card), Ok(s)) => same(&card, &s),
                (Err(a), Err(b)) => assert_eq!(a, b, "{name} {}", r.id),
                (a, b) => panic!("{name} {}: {a:?} vs {b:?}", r.id),
            }
        }
        // The whole vector at once: all or nothing, like score_many.
        let opts = ScoreOptions::default();
        let batch =
            Table::from_records(&plan, &records).and_then(|t| plan.summarize(&t, &opts, None));
        match (plan.score_many(&records, &opts), batch) {
            (Ok(cards), Ok(rows)) => {
                assert_eq!(cards.len(), rows.len());
                cards
                    .iter()
                    .zip(&rows)
                    .for_each(|(c, r)| same(c, &r.summary));
            }
            (Err(_), Err(_)) => {}
            (a, b) => panic!("{name}: {a:?} vs {b:?}"),
        }
    }
}

#[test]
fn worked_example_table() {
    // worked_example.rs: 88.48 B, 74.40 C, 0.00 D (vetoed).
    let (plan, records) = load_vector("worked-example");
    let ok: Vec<Record> = records.into_iter().take(3).collect();
    let (names, ids, values) = cells(&plan, &ok);
    let table = Table::from_rows(&plan, ids, &names, values).unwrap();
    let out = plan
        .summarize(&table, &ScoreOptions::default(), None)
        .unwrap();
    let got: Vec<(String, String, bool)> = out
        .iter()
        .map(|r| &r.summary)
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
    let err = Table::from_rows(
        &plan,
        vec!["a".into()],
        &["revenue", "nonsense"],
        vec![None; 2],
    )
    .unwrap_err();
    assert_eq!(
        err.problems()[0].path(),
        "columns[1]",
        "unknown column: {err}"
    );
    // A missing value the plan needs (policy: error) is reported at its row.
    let two = vec![records[0].clone(), records[1].clone()];
    let (names, ids, mut values) = cells(&plan, &two);
    let width = names.len();
    for v in values.iter_mut().skip(width) {
        *v = None;
    }
    let table = Table::from_rows(&plan, ids.clone(), &names, values.clone()).unwrap();
    let err = plan
        .summarize(&table, &ScoreOptions::default(), None)
        .unwrap_err();
    let paths: Vec<String> = err.problems().iter().map(|p| p.path()).collect();
    assert!(paths[0].starts_with("records[1] ("), "{paths:?}");
    // Ragged input is refused before anything is scored.
    let err = Table::from_rows(&plan, ids, &names, values[1..].to_vec()).unwrap_err();
    assert_eq!(err.problems()[0].path(), "values");
}

#[test]
fn pay_from_a_table_equals_pay_from_scorecards() {
    // The pay worked example (tests/vectors/pay/pay-worked-example.json): pay totals of a table
    // must equal the statements from scorecards and records.
    let text = std::fs::read_to_string(vectors_dir().join("pay/pay-worked-example.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let plan = Plan::from_json(&v["plan"].to_string()).unwrap();
    let pay = perfscore::PayPlan::from_json(&v["pay_plan"].to_string(), &plan).unwrap();
    let records = plan.records_from_json(&v["records"].to_string()).unwrap();
    let expected = pay
        .pay_records(&plan, &records, &ScoreOptions::default())
        .unwrap();
    let table = Table::from_records(&plan, &records).unwrap();
    let rows = plan
        .summarize(&table, &ScoreOptions::default(), Some(&pay))
        .unwrap();
    let got: Vec<Option<Decimal>> = rows.iter().map(|r| r.pay).collect();
    let want: Vec<Option<Decimal>> = expected.iter().map(|s| Some(s.total)).collect();
    assert_eq!(got, want);
    // Same scale, not just the same value: the total as the statement writes it.
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g.map(|g| g.to_string()), Some(e.total.to_string()));
    }
}

proptest! {
    /// Any numbers: a table of cells, a table of records and the scorecard path agree (or all fail alike).
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
        let opts = ScoreOptions::default();
        let (card, summary) = both(&plan, &r);
        let from_row = Table::from_rows(&plan, vec!["P1".into()], &names, row)
            .and_then(|t| plan.summarize(&t, &opts, None))
            .map(|mut rows| rows.remove(0).summary);
        prop_assert_eq!(&summary, &from_row);
        match (card, summary) {
            (Ok(c), Ok(s)) => same(&c, &s),
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
        }
    }
}
