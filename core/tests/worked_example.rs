//! The core issue's worked example. Every expected number below was worked out by hand from the
//! plan in `tests/vectors/worked-example.json`; the arithmetic is shown beside each.

mod common;
use common::*;
use perfscore::{Lang, PeriodPosition, ScoreOptions, Status};

#[test]
fn li_wei() {
    let (plan, records) = load_vector("worked-example");
    let c = plan.score(&records[0]).unwrap();
    let score = |id: &str| c.indicator(id).unwrap().score;
    assert_eq!(score("revenue"), d("85")); // 850,000 ÷ 1,000,000 × 100
    assert_eq!(score("collection"), d("80")); // 720,000 ÷ 800,000 = 0.9 → band [0.9, 0.95)
                                              // 130,000 ÷ 150,000 = 86.666…% → 60 + (86.666… − 60) × (100 − 60) ÷ (100 − 60) = 86.666…
    assert_eq!(score("margin").round_dp(10), d("86.6666666667"));
    assert_eq!(score("visits"), d("90")); // 36 ÷ 40
    assert_eq!(score("opportunities"), d("100")); // 12 ÷ 10 = 120% → cap 100
    assert_eq!(score("demos"), d("100")); // 5 ≥ 4 → pass
                                          // Results: 85 × 0.5 + 80 × 0.3 + 86.666… × 0.2 = 42.5 + 24 + 17.333… = 83.8333…
    assert_eq!(
        c.section("results").unwrap().score.round_dp(10),
        d("83.8333333333")
    );
    // Process: 90 × 0.4 + 100 × 0.3 + 100 × 0.3 = 96
    assert_eq!(c.section("process").unwrap().score, d("96"));
    // 83.8333… × 0.7 + 96 × 0.3 = 58.68333… + 28.8 = 87.48333…; − 2 (1 complaint) + 3 (1 key account)
    assert_eq!(c.weighted_total.round_dp(10), d("87.4833333333"));
    assert_eq!(c.adjustment_total, d("1"));
    assert_eq!(c.total.to_string(), "88.48");
    assert_eq!(&*c.grade, "B");
    assert!(c.vetoes.is_empty());
}

#[test]
fn zhang_min() {
    let (plan, records) = load_vector("worked-example");
    let c = plan.score(&records[1]).unwrap();
    let scores: Vec<_> = c.indicators().map(|i| i.score.round_dp(10)).collect();
    // 130% → cap 120; 500/700 = 0.714 → 0; 133.3% → above stretch → 120; 20/40 = 50; 4/10 = 40; 2 < 4 → 0
    assert_eq!(scores, ["120", "0", "120", "50", "40", "0"].map(d));
    // Results 60 + 0 + 24 = 84; Process 20 + 12 + 0 = 32; 84 × 0.7 + 32 × 0.3 = 68.4; + 2 × 3 = 74.4
    assert_eq!(c.total.to_string(), "74.40");
    assert_eq!(&*c.grade, "C");
}

#[test]
fn wang_fang_is_vetoed() {
    let (plan, records) = load_vector("worked-example");
    let c = plan.score(&records[2]).unwrap();
    assert_eq!(c.total.to_string(), "0.00");
    assert_eq!(&*c.grade, "D");
    assert_eq!(c.vetoes.len(), 1);
    assert_eq!(&*c.vetoes[0].id, "compliance");
    assert!(c.explain(Lang::En).contains(
        "Veto: Compliance violation (`compliance_violations > 0`) → the total is set to 0"
    ));
    assert!(c.explain(Lang::Zh).contains("一票否决"));
}

#[test]
fn missing_demos_is_an_error_naming_record_and_measure() {
    let (plan, mut records) = load_vector("worked-example");
    records[0].measures.remove("demos");
    let err = plan
        .score_many(&records, &ScoreOptions::default())
        .unwrap_err();
    assert_eq!(err.code(), "INPUT_INVALID");
    assert_eq!(err.problems().len(), 1);
    assert_eq!(
        err.problems()[0].path(),
        "records[0] (E001).indicators.demos"
    );
    assert_eq!(
        err.problems()[0].message,
        "measure `demos` is missing (needed by indicator `demos`)"
    );
}

#[test]
fn progress_day_12_of_30() {
    let (plan, records) = load_vector("worked-example");
    let mut r = records[0].clone();
    r.measures.insert("revenue".into(), d("380000"));
    let opts = ScoreOptions {
        period: Some(PeriodPosition::CalendarDays {
            elapsed: perfscore::Num(d("12")),
            total: perfscore::Num(d("30")),
        }),
    };
    let c = plan.score_with(&r, &opts).unwrap();
    let p = c.indicator("revenue").unwrap().progress.unwrap();
    assert_eq!(p.expected, d("400000")); // 1,000,000 × 12/30
    assert_eq!(p.pace, Some(d("95"))); // 380,000 ÷ 400,000
    assert_eq!(p.status, Some(Status::Yellow)); // 90 ≤ 95 < 100
    assert_eq!(p.projected, Some(d("950000"))); // 380,000 ÷ 0.4
    assert_eq!(p.projected_score, Some(d("95"))); // ratio 950,000 ÷ 1,000,000
    let summary = c.progress.unwrap();
    assert_eq!(summary.status, Some(Status::Yellow));
    // Projected total: revenue contributes 95 × 0.5 × 0.7 = 33.25 instead of 38 × 0.5 × 0.7 = 13.3,
    // so 87.48333… − 29.75 + … : today's revenue score is 38 (380,000 ÷ 1,000,000);
    // weighted today = 13.3 + 16.8 + 12.1333… + 10.8 + 9 + 9 = 71.0333…; projected = 71.0333… − 13.3 + 33.25 = 90.98333…;
    // + 1 adjustment = 91.98333… → 91.98
    assert_eq!(summary.projected_total, Some(d("91.98")));
}

#[test]
fn explanation_reads_like_the_issue() {
    let (plan, records) = load_vector("worked-example");
    let c = plan.score(&records[0]).unwrap();
    assert_eq!(
        c.indicator("revenue").unwrap().explain(Lang::En),
        "Sales completion: 850,000 ÷ 1,000,000 = 85.00% → ratio method → 85.00 points × 50% = 42.50"
    );
    assert_eq!(
        c.indicator("revenue").unwrap().explain(Lang::Zh),
        "Sales completion: 850,000 ÷ 1,000,000 = 85.00% → 比率法 → 85.00 分 × 50% = 42.50"
    );
    assert_eq!(
        c.indicator("collection").unwrap().explain(Lang::En),
        "Collection rate: 0.9 → step bands: in [0.9, 0.95) → 80.00 points × 30% = 24.00"
    );
    let text = c.explain(Lang::En);
    assert!(
        text.ends_with("Total 88.4833 → rounded to 2 places = 88.48 → grade B"),
        "{text}"
    );
}

#[test]
fn table_row_matches_columns() {
    let (plan, records) = load_vector("worked-example");
    let c = plan.score(&records[0]).unwrap();
    let cols = c.columns();
    let row = c.row();
    assert_eq!(cols.len(), row.len());
    let at = |name: &str| row[cols.iter().position(|c| c == name).unwrap()].clone();
    use perfscore::Cell;
    assert_eq!(at("revenue"), Cell::Number(d("85")));
    assert_eq!(at("process.score"), Cell::Number(d("96")));
    assert_eq!(at("total"), Cell::Number(d("88.48")));
    assert_eq!(at("grade"), Cell::Text("B".into()));
    assert_eq!(at("status"), Cell::Empty);
    let opts = perfscore::ScoreOptions::from_json(
        r#"{"period": {"basis": "working_days", "elapsed": 10, "total": 20}}"#,
    )
    .unwrap();
    // 850,000 against 1,000,000 × 0.5 = 500,000 expected → pace 170% → green.
    let c = plan.score_with(&records[0], &opts).unwrap();
    assert_eq!(
        c.row()[cols.iter().position(|c| c == "status").unwrap()],
        Cell::Text("green".into())
    );
    assert!(perfscore::ScoreOptions::from_json(r#"{"period": {"basis": "weeks"}}"#).is_err());
}

#[test]
fn duplicate_ids_in_a_batch_are_an_error() {
    let (plan, records) = load_vector("worked-example");
    let batch = vec![records[0].clone(), records[0].clone()];
    let e = plan
        .score_many(&batch, &ScoreOptions::default())
        .unwrap_err();
    assert_eq!(
        e.problems()[0].to_string(),
        "records[1].id: duplicate record id `E001`"
    );
}
