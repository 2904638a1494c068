//! The batch engine ([`Plan::summarize`] over a [`Table`]) gives exactly the per-record results
//! of [`Plan::score`] and [`PayPlan::statements`], and the same results and error bytes on any
//! number of threads.

mod common;
use common::*;
use perfscore::batch::{Row, Table, Threads};
use perfscore::{Error, PayPlan, Plan, Record, ScoreOptions, Scorecard};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn threads(n: usize) -> Threads {
    Threads::from_count(Some(n)).unwrap()
}

/// A table of `records` over the plan's measure ids, `None` where a record has no value.
fn table_of(plan: &Plan, records: &[Record]) -> perfscore::Result<Table> {
    let names: Vec<String> = plan.measures().iter().map(|m| m.id.to_string()).collect();
    let ids = records.iter().map(|r| r.id.clone()).collect();
    let values = records
        .iter()
        .flat_map(|r| names.iter().map(|n| r.measures.get(n).copied()))
        .collect();
    Table::from_rows(plan, ids, &names, values)
}

/// The batch row carries the scorecard's headline numbers, at the same scale.
fn same(card: &Scorecard, row: &Row) {
    let s = &row.summary;
    assert_eq!(
        card.total.to_string(),
        s.total.to_string(),
        "{}",
        card.record_id
    );
    assert_eq!(card.grade, s.grade);
    assert_eq!(card.grade_before_veto, s.grade_before_veto);
    assert_eq!(card.unrounded_total, s.unrounded_total);
    assert_eq!(card.weighted_total, s.weighted_total);
    assert_eq!(card.adjustment_total, s.adjustment_total);
    assert_eq!(card.total_bound, s.total_bound);
    assert_eq!(!card.vetoes.is_empty(), s.vetoed);
    assert_eq!(card.progress, s.progress);
}

fn demo_team() -> (Plan, Vec<Record>, ScoreOptions) {
    let text = std::fs::read_to_string(vectors_dir().join("demo-team.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let plan = Plan::from_json(&v["plan"].to_string()).unwrap();
    let records = plan
        .records_from_csv(v["records_csv"].as_str().unwrap())
        .unwrap();
    let options = ScoreOptions::from_json(&v["options"].to_string()).unwrap();
    (plan, records, options)
}

#[test]
fn demo_team_equals_score_per_record() {
    // Scored on day 20 of 30: progress lights and projections are part of each row.
    let (plan, records, options) = demo_team();
    let table = table_of(&plan, &records).unwrap();
    let rows = plan.summarize(&table, &options, None).unwrap();
    assert_eq!(rows.len(), records.len());
    for (r, row) in records.iter().zip(&rows) {
        let card = plan.score_with(r, &options).unwrap();
        same(&card, row);
        assert!(row.summary.progress.is_some());
        assert_eq!(row.pay, None);
    }
}

/// A two-indicator plan small enough to score by hand.
const SMALL_PLAN: &str = r#"{
  "id": "small", "name": "Small plan",
  "measures": [{"id": "revenue"}, {"id": "revenue_target"}, {"id": "visits"}, {"id": "visits_target"}],
  "indicators": [
    {"id": "sales", "name": "Sales", "weight": 60, "actual": "revenue", "target": "revenue_target",
     "scoring": {"method": "ratio", "cap": 120}},
    {"id": "visits", "name": "Visits", "weight": 40, "actual": "visits", "target": "visits_target",
     "scoring": {"method": "ratio", "cap": 120}}],
  "grades": [{"grade": "C", "to": 80}, {"grade": "B", "from": 80, "to": 100}, {"grade": "A", "from": 100}]
}"#;

fn small_ids() -> Vec<String> {
    ["A", "B", "C"].map(String::from).to_vec()
}

fn cell(x: i64) -> Option<Decimal> {
    Some(Decimal::from(x))
}

#[test]
fn a_small_table_worked_by_hand() {
    // total = sales points × 60% + visits points × 40%, each points = actual ÷ target × 100,
    // capped at 120:
    //   A: 900/1000 = 90.00;  50/40 = 125 → 120;  90 × 0.6 + 120 × 0.4 = 54 + 48 = 102.00 → A
    //   B: 500/1000 = 50.00;  30/40 = 75;         50 × 0.6 +  75 × 0.4 = 30 + 30 =  60.00 → C
    //   C: 1000/1000 = 100;   34/40 = 85;        100 × 0.6 +  85 × 0.4 = 60 + 34 =  94.00 → B
    let plan = Plan::from_json(SMALL_PLAN).unwrap();
    // Column-major, the columns in an order other than the plan's.
    let names = ["visits", "visits_target", "revenue", "revenue_target"];
    let columns = vec![
        vec![cell(50), cell(30), cell(34)],
        vec![cell(40), cell(40), cell(40)],
        vec![cell(900), cell(500), cell(1000)],
        vec![cell(1000), cell(1000), cell(1000)],
    ];
    let table = Table::from_columns(&plan, small_ids(), &names, &columns).unwrap();
    assert_eq!(table.row(1).unwrap()[2], cell(500));
    let rows = plan
        .summarize(&table, &ScoreOptions::default(), None)
        .unwrap();
    let got: Vec<(String, &str)> = rows
        .iter()
        .map(|r| (r.summary.total.to_string(), &*r.summary.grade))
        .collect();
    assert_eq!(
        got,
        [
            ("102.00".to_string(), "A"),
            ("60.00".to_string(), "C"),
            ("94.00".to_string(), "B")
        ]
    );
    // The same table row-major, and filled in place, gives the same rows.
    let row_major: Vec<Option<Decimal>> = (0..3)
        .flat_map(|i| columns.iter().map(move |c| c[i]))
        .collect();
    let again = Table::from_rows(&plan, small_ids(), &names, row_major).unwrap();
    assert_eq!(again, table);
    let mut builder = Table::builder(&plan, small_ids(), &names).unwrap();
    for (k, column) in columns.iter().enumerate() {
        for (i, v) in column.iter().enumerate() {
            assert!(builder.set(i, k, *v));
        }
    }
    assert!(!builder.set(3, 0, None) && !builder.set(0, 4, None));
    assert_eq!(builder.finish().unwrap(), table);
    // Filled chunk by chunk on 2 threads (rows 0..2 and 2..3), each chunk's values allocated on
    // its thread; then a cell set afterwards, and filled again over what is there.
    let mut builder = Table::builder(&plan, small_ids(), &names).unwrap();
    let fill = |chunk: perfscore::batch::ChunkMut<'_>| {
        for (k, row) in chunk.values.chunks_mut(names.len()).enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell = columns[j][chunk.start + k];
            }
        }
        (chunk.start, chunk.ids.len())
    };
    assert_eq!(builder.fill(threads(2), fill).unwrap(), [(0, 2), (2, 1)]);
    assert_eq!(builder.finish().unwrap(), table);
    let mut builder = Table::builder(&plan, small_ids(), &names).unwrap();
    builder.set(0, 0, cell(7));
    assert_eq!(
        builder.fill(threads(3), fill).unwrap(),
        [(0, 1), (1, 1), (2, 1)]
    );
    assert_eq!(builder.finish().unwrap(), table);
}

fn problems(e: &Error) -> Vec<(String, &'static str, String)> {
    e.problems()
        .iter()
        .map(|p| (p.path(), p.kind, p.message.clone()))
        .collect()
}

#[test]
fn bad_tables_are_refused_with_every_problem_located() {
    let plan = Plan::from_json(SMALL_PLAN).unwrap();
    let ids = vec!["A".into(), " ".into(), "A".into(), "B".into(), "B".into()];
    let names = ["revenue", "bogus", "revenue_target", "revenue"];
    let e = Table::from_rows(&plan, ids.clone(), &names, vec![None; 3]).unwrap_err();
    assert_eq!(
        problems(&e),
        [
            (
                "columns[1]".into(),
                "unknown_reference",
                "the plan has no measure `bogus`".into()
            ),
            (
                "columns[3]".into(),
                "duplicate",
                "column `revenue` is the same measure as columns[0] (by id and alias)".into()
            ),
            (
                "values".into(),
                "length_mismatch",
                "3 values for 5 rows of 4 columns".into()
            ),
            ("records[1].id".into(), "empty", "record id is empty".into()),
            (
                "records[2].id".into(),
                "duplicate",
                "duplicate record id `A`".into()
            ),
            (
                "records[4].id".into(),
                "duplicate",
                "duplicate record id `B`".into()
            ),
        ]
    );
    // Locations are data: the id problem is at ["records", 2, "id"].
    let loc = serde_json::to_string(&e.problems()[4].loc).unwrap();
    assert_eq!(loc, r#"["records",2,"id"]"#);
    // Column-major: a short column and a missing column.
    let e = Table::from_columns(
        &plan,
        small_ids(),
        &["revenue", "revenue_target"],
        &[vec![None; 2]],
    )
    .unwrap_err();
    assert_eq!(
        problems(&e),
        [
            (
                "columns".into(),
                "length_mismatch",
                "1 columns of values for 2 names".into()
            ),
            (
                "columns[0]".into(),
                "length_mismatch",
                "2 values, but there are 3 ids".into()
            ),
        ]
    );
    // A builder with good columns leaves the ids' problems to `finish`.
    let builder = Table::builder(&plan, ids, &["revenue"]).unwrap();
    assert_eq!(builder.finish().unwrap_err().problems().len(), 3);
}

#[test]
fn scoring_problems_name_the_row() {
    let plan = Plan::from_json(SMALL_PLAN).unwrap();
    let names = ["revenue", "revenue_target", "visits", "visits_target"];
    let mut values: Vec<Option<Decimal>> = [900, 1000, 50, 40].iter().map(|&x| cell(x)).collect();
    values.extend([cell(1), cell(1), None, cell(40)]);
    let table = Table::from_rows(&plan, vec!["A".into(), "B".into()], &names, values).unwrap();
    let e = plan
        .summarize(&table, &ScoreOptions::default(), None)
        .unwrap_err();
    assert_eq!(
        problems(&e),
        [(
            "records[1] (B).indicators.visits".into(),
            "missing",
            "measure `visits` is missing (needed by indicator `visits`)".into()
        )]
    );
    // Bad options fail once, before any row.
    let options = ScoreOptions::from_json(
        r#"{"period": {"basis": "calendar_days", "elapsed": 40, "total": 30}}"#,
    )
    .unwrap();
    let e = plan.summarize(&table, &options, None).unwrap_err();
    assert_eq!(e, plan.scorer(&options).err().unwrap());
}

/// `n` rows of the demo team, ids made distinct and revenue varied; every `bad_every`-th row has
/// no `demos` (which the plan requires) when `bad_every` is given.
fn big(plan: &Plan, base: &[Record], n: usize, bad_every: Option<usize>) -> Table {
    let records: Vec<Record> = (0..n)
        .map(|i| {
            let mut r = base[i % base.len()].clone();
            r.id = format!("{}-{i}", r.id);
            if let Some(v) = r.measures.get_mut("revenue") {
                *v += Decimal::from(i % 997);
            }
            if bad_every.is_some_and(|k| i % k == 3) {
                r.measures.remove("demos");
            }
            r
        })
        .collect();
    table_of(plan, &records).unwrap()
}

#[test]
fn threads_give_the_same_rows_and_the_same_error_bytes() {
    let (plan, records, options) = demo_team();
    let good = big(&plan, &records, 20_000, None);
    let one = plan
        .summarize_with(&good, &options, None, threads(1))
        .unwrap();
    for t in [2, 4, 7] {
        assert_eq!(
            plan.summarize_with(&good, &options, None, threads(t))
                .unwrap(),
            one
        );
    }
    assert_eq!(plan.summarize(&good, &options, None).unwrap(), one);

    // 5,000 bad rows over 20,000: the first 1,000 problems listed in row order, 4,000 counted,
    // whatever the chunks.
    let bad = big(&plan, &records, 20_000, Some(4));
    let one = plan
        .summarize_with(&bad, &options, None, threads(1))
        .unwrap_err();
    let listed = one.problems();
    assert_eq!(listed.len(), 1001);
    assert_eq!(listed[1000].message, "4000 more problems not listed");
    assert!(listed[0].path().starts_with("records[3] (E004-3)"));
    for t in [2, 4, 7] {
        let many = plan
            .summarize_with(&bad, &options, None, threads(t))
            .unwrap_err();
        assert_eq!(many.to_canonical_json(), one.to_canonical_json());
    }
    // A few bad rows, one per chunk of 4 threads: all listed, in row order.
    let few = big(&plan, &records, 20_000, Some(6_000));
    let one = plan
        .summarize_with(&few, &options, None, threads(1))
        .unwrap_err();
    assert_eq!(one.problems().len(), 4);
    let four = plan
        .summarize_with(&few, &options, None, threads(4))
        .unwrap_err();
    assert_eq!(four.to_canonical_json(), one.to_canonical_json());
}

fn pay_vector() -> (Plan, PayPlan, Vec<Record>) {
    let text = std::fs::read_to_string(vectors_dir().join("pay/pay-worked-example.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let plan = Plan::from_json(&v["plan"].to_string()).unwrap();
    let pay = PayPlan::from_json(&v["pay_plan"].to_string(), &plan).unwrap();
    let records = plan.records_from_json(&v["records"].to_string()).unwrap();
    (plan, pay, records)
}

#[test]
fn pay_from_host_columns_equals_the_statements() {
    // A frame at period end is scored and paid by the kernel straight from its columns (text
    // here, as an export holds it): the pay of each statement, and the totals of the table path.
    use perfscore::batch::{Column, Frame, FrameStream, Summaries};
    let (plan, pay, records) = pay_vector();
    let opts = ScoreOptions::default();
    let expected = pay.pay_records(&plan, &records, &opts).unwrap();
    let text_column = |cells: Vec<String>| {
        let mut offsets = vec![0i32];
        let mut bytes = Vec::new();
        for c in &cells {
            bytes.extend_from_slice(c.as_bytes());
            offsets.push(i32::try_from(bytes.len()).unwrap());
        }
        (offsets, bytes)
    };
    let names: Vec<String> = plan.measures().iter().map(|m| m.id.to_string()).collect();
    let mut columns = vec![text_column(records.iter().map(|r| r.id.clone()).collect())];
    for n in &names {
        let cells = records
            .iter()
            .map(|r| r.measures.get(n).map_or(String::new(), |d| d.to_string()));
        columns.push(text_column(cells.collect()));
    }
    let mut frame = Frame::new();
    frame.push("id", Column::text(&columns[0].0, &columns[0].1));
    for (n, (offsets, bytes)) in names.iter().zip(&columns[1..]) {
        frame.push(n, Column::text(offsets, bytes));
    }
    let part = FrameStream::new()
        .summarize(&plan, &frame, &opts, Some(&pay), threads(1))
        .unwrap();
    let Summaries::Totals(t) = part.summaries else {
        panic!("period end takes the kernel")
    };
    let want: Vec<Decimal> = expected.iter().map(|s| s.total).collect();
    assert_eq!(t.pay, want);
    let table = table_of(&plan, &records).unwrap();
    let rows = plan.summarize(&table, &opts, Some(&pay)).unwrap();
    let totals: Vec<Decimal> = (0..t.units.len()).map(|i| t.total(i).unwrap()).collect();
    assert_eq!(
        totals,
        rows.iter().map(|r| r.summary.total).collect::<Vec<_>>()
    );
}

#[test]
fn pay_equals_statements_from_scorecards_on_any_threads() {
    let (plan, pay, records) = pay_vector();
    let opts = ScoreOptions::default();
    let expected = pay.pay_records(&plan, &records, &opts).unwrap();
    let table = table_of(&plan, &records).unwrap();
    let rows = plan.summarize(&table, &opts, Some(&pay)).unwrap();
    let got: Vec<Option<Decimal>> = rows.iter().map(|r| r.pay).collect();
    let want: Vec<Option<Decimal>> = expected.iter().map(|s| Some(s.total)).collect();
    assert_eq!(got, want);
    // Replicated past the threading threshold: the same on 1 and 4 threads.
    let many: Vec<Record> = (0..20_000)
        .map(|i| {
            let mut r = records[i % records.len()].clone();
            r.id = format!("{}-{i}", r.id);
            r
        })
        .collect();
    let table = table_of(&plan, &many).unwrap();
    let one = plan
        .summarize_with(&table, &opts, Some(&pay), threads(1))
        .unwrap();
    let four = plan
        .summarize_with(&table, &opts, Some(&pay), threads(4))
        .unwrap();
    assert_eq!(one, four);
    assert_eq!(one[records.len()].pay, want[0]);
}

#[test]
fn a_table_scored_with_another_plan_is_resolved_again() {
    let plan = Plan::from_json(SMALL_PLAN).unwrap();
    let names = ["revenue_target", "revenue", "visits_target", "visits"];
    let values = [1000, 900, 40, 50].iter().map(|&x| cell(x)).collect();
    let table = Table::from_rows(&plan, vec!["A".into()], &names, values).unwrap();
    // The same measures declared in another order: other slots, the same numbers.
    let reordered = SMALL_PLAN.replace(
        r#"[{"id": "revenue"}, {"id": "revenue_target"}, {"id": "visits"}, {"id": "visits_target"}]"#,
        r#"[{"id": "visits_target"}, {"id": "visits"}, {"id": "revenue_target"}, {"id": "revenue"}]"#,
    );
    let other = Plan::from_json(&reordered).unwrap();
    let opts = ScoreOptions::default();
    let a = plan.summarize(&table, &opts, None).unwrap();
    let b = other.summarize(&table, &opts, None).unwrap();
    assert_eq!(a, b);
    assert_eq!(a[0].summary.total.to_string(), "102.00");
}

#[test]
fn an_empty_table_has_no_rows() {
    let plan = Plan::from_json(SMALL_PLAN).unwrap();
    let table = Table::from_rows(&plan, vec![], &["revenue"], vec![]).unwrap();
    assert!(plan
        .summarize(&table, &ScoreOptions::default(), None)
        .unwrap()
        .is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any small table of the small plan: the batch rows are the per-record scorecards' numbers,
    /// or the batch error is `score_many`'s, on any number of threads.
    #[test]
    fn batch_equals_per_record(
        rows in prop::collection::vec(prop::collection::vec(prop::option::weighted(0.95, 0i64..2000), 4), 0..40),
        t in 1usize..5,
    ) {
        let plan = Plan::from_json(SMALL_PLAN).unwrap();
        let names: Vec<String> = plan.measures().iter().map(|m| m.id.to_string()).collect();
        let records: Vec<Record> = rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut r = Record::new(format!("P{i}"));
                for (n, v) in names.iter().zip(row) {
                    if let Some(v) = v {
                        r = r.with(n, Decimal::from(*v));
                    }
                }
                r
            })
            .collect();
        let table = table_of(&plan, &records).unwrap();
        let opts = ScoreOptions::default();
        let batch = plan.summarize_with(&table, &opts, None, threads(t));
        match plan.score_many(&records, &opts) {
            Ok(cards) => {
                let batch = batch.unwrap();
                prop_assert_eq!(batch.len(), cards.len());
                for (c, r) in cards.iter().zip(&batch) {
                    same(c, r);
                }
            }
            Err(e) => prop_assert_eq!(batch.unwrap_err().to_canonical_json(), e.to_canonical_json()),
        }
    }
}

/// The demo team repeated `n` times with unique ids; every `bad_every`-th record (from the 4th)
/// lacks `demos`, which the plan requires.
fn many_records(base: &[Record], n: usize, bad_every: Option<usize>) -> Vec<Record> {
    (0..n)
        .map(|i| {
            let mut r = base[i % base.len()].clone();
            r.id = format!("{}-{i}", r.id);
            if bad_every.is_some_and(|k| i % k == 3) {
                r.measures.remove("demos");
            }
            r
        })
        .collect()
}

#[test]
fn score_many_on_threads_writes_the_lines_and_errors_of_one_thread() {
    let (plan, records, options) = demo_team();
    let text = std::fs::read_to_string(vectors_dir().join("demo-team.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let request = |records: &[Record]| {
        serde_json::json!({ "records": records, "options": v["options"] }).to_string()
    };
    // 20,000 records: several chunks wherever the machine has cores. The reference is the
    // single-threaded `Plan::score_many`, card by card.
    let good = many_records(&records, 20_000, None);
    let lines = plan.run("score_many", &request(&good)).unwrap();
    let cards = plan.score_many(&good, &options).unwrap();
    let expected: Vec<String> = cards.iter().map(|c| c.to_canonical_json()).collect();
    assert_eq!(lines, expected.join("\n"));
    // 5,000 bad records: 1,000 problems listed in row order, 4,000 counted, whatever the chunks.
    let bad = many_records(&records, 20_000, Some(4));
    let threaded = plan.run("score_many", &request(&bad)).unwrap_err();
    let one = plan.score_many(&bad, &options).unwrap_err();
    assert_eq!(threaded.to_canonical_json(), one.to_canonical_json());
    assert_eq!(threaded.problems().len(), 1001);
    assert!(threaded.problems()[0]
        .path()
        .starts_with("records[3] (E004-3)"));
}

#[test]
fn a_pay_plan_prices_only_the_plan_it_was_compiled_against() {
    let (plan, pay, records) = pay_vector();
    let table = table_of(&plan, &records).unwrap();
    let options = ScoreOptions::default();
    // The same document compiled again is the same plan.
    let again = Plan::from_json(&plan.to_json()).unwrap();
    assert!(again.summarize(&table, &options, Some(&pay)).is_ok());
    // Another plan: refused at `pay_plan`, by every entry point, before anything is priced.
    let other =
        Plan::from_json(perfscore::templates::plan_template("monthly-sales-rep").unwrap()).unwrap();
    let other_table = table_of(&other, &[]).unwrap();
    let refused = |e: Error| {
        let p = &e.problems()[0];
        assert_eq!(
            (p.path(), p.kind),
            ("pay_plan".to_string(), "plan_mismatch")
        );
        assert!(p
            .message
            .starts_with("the pay plan was compiled against plan `"));
    };
    refused(
        other
            .summarize(&other_table, &options, Some(&pay))
            .unwrap_err(),
    );
    refused(
        other
            .totals_of(&other_table, Some(&pay), threads(1))
            .unwrap_err(),
    );
    refused(
        pay.run(&other, "statements", r#"{"records":[]}"#)
            .unwrap_err(),
    );
    assert!(pay.check_plan(&plan).is_ok());
}
