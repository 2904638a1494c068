//! A batch scored part by part ([`SummaryStream`]) gives exactly what one call over the whole
//! batch gives: the same summaries, and for a whole stream the same problems at the same
//! locations; a stream of parts reports each part's problems, numbered from the batch's start.

use std::sync::Arc;

use perfscore::batch::Threads;
use perfscore::ops::SummaryStream;
use perfscore::templates::{plan_template, DEMO_TEAM_CSV};
use perfscore::Plan;
use serde_json::Value;

fn one() -> Threads {
    Threads::from_count(Some(1)).unwrap()
}

fn plan() -> Arc<Plan> {
    Arc::new(Plan::from_json(plan_template("monthly-sales-rep").unwrap()).unwrap())
}

/// Every part's JSON array of summaries, concatenated.
fn csv_parts(stream: &mut SummaryStream, rows: usize) -> Vec<Value> {
    let mut out = Vec::new();
    while let Some(part) = stream.next_csv(rows, one()) {
        let part = part.unwrap();
        if !part.is_empty() {
            let Value::Array(items) = serde_json::from_str(&part).unwrap() else {
                panic!("not an array: {part}")
            };
            out.extend(items);
        }
    }
    out
}

fn paths(e: &perfscore::Error) -> Vec<String> {
    e.problems().iter().map(|p| p.path()).collect()
}

#[test]
fn the_demo_export_in_parts_of_every_size_summarizes_as_one_call() {
    let plan = plan();
    let records = serde_json::to_string(&plan.records_from_csv(DEMO_TEAM_CSV).unwrap()).unwrap();
    let request = format!(r#"{{"records":{records}}}"#);
    let whole: Value = serde_json::from_str(&plan.run("summarize", &request).unwrap()).unwrap();
    for rows in [1, 2, 5, 12, 100] {
        let mut stream = SummaryStream::new(Arc::clone(&plan), None, "", true)
            .unwrap()
            .with_csv(DEMO_TEAM_CSV.to_string())
            .unwrap();
        let parts = csv_parts(&mut stream, rows);
        stream.finish().unwrap();
        assert_eq!(Value::Array(parts), whole, "parts of {rows} rows");
        assert_eq!(stream.rows(), 12);
    }
    // The demo's printed table (cargo run --example demo): E001 119.16 S, E004 vetoed to D.
    let first = &whole[0];
    assert_eq!(first["record_id"], "E001");
    assert_eq!(first["total"], "119.16");
    assert_eq!(first["grade"], "S");
    assert_eq!(whole[3]["grade"], "D");
    assert_eq!(whole[3]["vetoed"], true);
}

#[test]
fn a_whole_stream_reports_every_parts_problems_at_the_end_as_one_call() {
    let plan = plan();
    // Line 3 and line 12 hold text where a number goes, line 9 repeats E002's id.
    let mut lines: Vec<String> = DEMO_TEAM_CSV.lines().map(str::to_string).collect();
    lines[2] = lines[2].replacen("719500.00", "lots", 1);
    lines[8] = lines[8].replacen("E008", "E002", 1);
    lines[11] = lines[11].replacen(",800000,", ",n/a,", 1);
    let text = lines.join("\n");
    let one_call = plan.records_from_csv(&text).unwrap_err();
    assert_eq!(
        paths(&one_call),
        [
            "line 3, column 销售额",
            "line 9, column 工号",
            "line 12, column 销售目标"
        ]
    );
    let mut stream = SummaryStream::new(Arc::clone(&plan), None, "", true)
        .unwrap()
        .with_csv(text)
        .unwrap();
    // Parts after the first problem add nothing; the problems come at the end.
    assert!(csv_parts(&mut stream, 2).is_empty());
    let gathered = stream.finish().unwrap_err();
    assert_eq!(gathered.to_canonical_json(), one_call.to_canonical_json());
}

#[test]
fn parts_report_their_own_problems_numbered_from_the_batch_start() {
    let plan = plan();
    let records: Vec<Value> = serde_json::from_str(
        &serde_json::to_string(&plan.records_from_csv(DEMO_TEAM_CSV).unwrap()).unwrap(),
    )
    .unwrap();
    let part = |rows: &[Value]| serde_json::to_string(rows).unwrap();
    let mut stream = SummaryStream::new(Arc::clone(&plan), None, "", false).unwrap();
    assert!(!stream
        .next_records(&part(&records[0..2]), one())
        .unwrap()
        .is_empty());
    // The second part's second record (row 3 of the batch) has text where a number goes.
    let mut bad = records[3].clone();
    bad["measures"]["revenue"] = Value::from("lots");
    let e = stream
        .next_records(&part(&[records[2].clone(), bad]), one())
        .unwrap_err();
    assert_eq!(paths(&e), ["records[3] (E004).measures.revenue"]);
    // The third part's only record (row 4) repeats E001 from the first part.
    let e = stream
        .next_records(&part(&records[0..1]), one())
        .unwrap_err();
    assert_eq!(paths(&e), ["records[4].id"]);
    assert_eq!(e.problems()[0].kind, "duplicate");
    assert_eq!(stream.rows(), 5);
}

#[test]
fn a_missing_id_column_stops_a_whole_stream_after_its_first_part() {
    let plan = plan();
    let text = DEMO_TEAM_CSV.replacen("工号", "工号码", 1);
    let mut stream = SummaryStream::new(Arc::clone(&plan), None, "", true)
        .unwrap()
        .with_csv(text.clone())
        .unwrap();
    assert_eq!(
        stream.next_csv(4, one()).map(Result::unwrap),
        Some(String::new())
    );
    assert!(stream.is_stopped());
    let e = stream.finish().unwrap_err();
    let one_call = plan.records_from_csv(&text).unwrap_err();
    assert_eq!(paths(&e), paths(&one_call));
    assert_eq!(paths(&e), ["line 1"]);
}

#[test]
fn bad_options_are_refused_before_any_part() {
    let e = SummaryStream::new(plan(), None, r#"{"as_of_day":"soon"}"#, true).unwrap_err();
    assert!(!e.problems().is_empty());
}

#[test]
fn an_id_repeated_from_a_bad_part_is_reported_as_one_call_reports_it() {
    let plan = plan();
    let mut records: Vec<Value> = serde_json::from_str(
        &serde_json::to_string(&plan.records_from_csv(DEMO_TEAM_CSV).unwrap()).unwrap(),
    )
    .unwrap();
    // Row 1 has text where a number goes; row 9 (second part) repeats row 0's id.
    records[1]["measures"]["revenue"] = Value::from("lots");
    records[9]["id"] = records[0]["id"].clone();
    let one_call = plan
        .run(
            "summarize",
            &format!(r#"{{"records":{}}}"#, Value::Array(records.clone())),
        )
        .unwrap_err();
    let mut stream = SummaryStream::new(Arc::clone(&plan), None, "", true).unwrap();
    for part in records.chunks(6) {
        let text = serde_json::to_string(part).unwrap();
        assert_eq!(stream.next_records(&text, one()).unwrap(), "");
    }
    let gathered = stream.finish().unwrap_err();
    assert_eq!(
        paths(&gathered),
        ["records[1] (E002).measures.revenue", "records[9].id"]
    );
    assert_eq!(paths(&gathered), paths(&one_call));
}
