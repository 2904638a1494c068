//! Reliability promises: every structural problem reported at once, one number rule for every
//! spelling, errors bounded in size, names in errors made safe, and plans bounded by limits.
//! Expected values are worked out by hand from the inputs written here.

use perfscore::input::{parse_decimal, parse_json_number};
use perfscore::{Limits, Plan, MAX_PROBLEMS};

const PLAN: &str = r#"{"id": "p", "name": "P",
  "measures": [{"id": "revenue"}, {"id": "revenue_target"}],
  "indicators": [
    {"id": "sales", "weight": 60, "actual": "revenue", "target": "revenue_target",
     "scoring": {"method": "ratio", "cap": 120}},
    {"id": "visits", "weight": 40, "actual": "revenue",
     "scoring": {"method": "deduction", "per_unit": 1}}],
  "grades": [{"grade": "B", "to": 80}, {"grade": "A", "from": 80}]}"#;

fn messages(e: &perfscore::Error) -> Vec<String> {
    e.problems().iter().map(|p| p.to_string()).collect()
}

#[test]
fn every_type_error_in_a_plan_is_reported_at_once() {
    // Two wrong types in two indicators and a misspelt field in a third place: three problems.
    let bad = PLAN
        .replace(r#""weight": 60"#, r#""weight": "sixty""#)
        .replace(r#""per_unit": 1"#, r#""per_unit": [1]"#)
        .replace(r#""grade": "B", "to": 80"#, r#""grade": "B", "too": 80"#);
    let e = Plan::from_json(&bad).unwrap_err();
    let paths: Vec<String> = e.problems().iter().map(|p| p.path()).collect();
    // Object keys are visited in sorted order, the same in every binding.
    assert_eq!(
        paths,
        [
            "grades[0].too",
            "indicators[0].weight",
            "indicators[1].scoring"
        ],
        "{e}"
    );
    assert_eq!(e.code(), "PLAN_INVALID");
}

#[test]
fn every_bad_record_in_json_is_reported_at_once() {
    let plan = Plan::from_json(PLAN).unwrap();
    let records = r#"[
      {"id": "E1", "measures": {"revenue": "12x"}},
      {"id": "E2", "measures": {"revenue": 1}},
      {"id": "E3", "measures": {"revenue": true}, "tem": "north"},
      {"id": "E2", "measures": {"visits": 3}}]"#;
    let e = plan.records_from_json(records).unwrap_err();
    let paths: Vec<String> = e.problems().iter().map(|p| p.path()).collect();
    // In record order: E1's bad number; E3's wrong type and its unknown field; the second E2's
    // repeated id and its measure the plan does not have. The first E2 is fine. Each problem
    // names its record's id, but the one about the id itself.
    assert_eq!(
        paths,
        [
            "records[0] (E1).measures.revenue",
            "records[2] (E3).measures.revenue",
            "records[2] (E3).tem",
            "records[3].id",
            "records[3] (E2).measures.visits"
        ],
        "{e}"
    );
}

#[test]
fn a_number_out_of_range_is_refused_however_it_is_spelt() {
    // 4e28 is 4 followed by 28 zeros: 29 integer digits, one more than any value may have.
    let plain = "40000000000000000000000000000";
    assert_eq!(plain.len(), 29);
    let from_exponent = parse_json_number("4e28").unwrap_err();
    let from_digits = parse_decimal(plain).unwrap_err();
    assert_eq!(from_exponent, from_digits);
    // 1e27 has 28 digits and fits; 1e-28 has 28 places and fits; 1e-29 does not.
    assert_eq!(
        parse_json_number("1e27").unwrap().to_string(),
        format!("1{}", "0".repeat(27))
    );
    assert_eq!(
        parse_json_number("1e-28").unwrap(),
        parse_decimal(&format!("0.{}1", "0".repeat(27))).unwrap()
    );
    assert!(parse_json_number("1e-29").is_err());
    assert_eq!(parse_json_number("2.5E-1").unwrap().to_string(), "0.25");
    assert_eq!(parse_json_number("-1.5e+2").unwrap().to_string(), "-150");
    assert_eq!(parse_json_number("0e999999999").unwrap().to_string(), "0");
    // A huge exponent is refused before any text is built.
    assert!(parse_json_number("1e999999999999999999").is_err());
    assert!(parse_json_number("1e-999999999").is_err());
    // The same rule inside a plan document.
    let e = Plan::from_json(&PLAN.replace(r#""cap": 120"#, r#""cap": 4e28"#)).unwrap_err();
    // A scoring method is read as a whole, so the path stops at it; the message names the value.
    assert_eq!(e.problems()[0].path(), "indicators[0].scoring");
    assert!(e.problems()[0].message.contains("out of range"), "{e}");
}

#[test]
fn an_error_lists_at_most_the_limit_and_counts_the_rest() {
    let plan = Plan::from_json(PLAN).unwrap();
    // 5,000 rows, each with one bad cell: 5,000 problems, 1,000 listed and 4,000 counted.
    let mut csv = String::from("id,revenue,revenue_target\n");
    for i in 0..5000 {
        csv.push_str(&format!("E{i},abc,100\n"));
    }
    let e = plan.records_from_csv(&csv).unwrap_err();
    assert_eq!(e.problems().len(), MAX_PROBLEMS + 1);
    assert_eq!(
        e.problems().last().unwrap().to_string(),
        "…: 4000 more problems not listed"
    );
    // The same when records fail while scoring: 3,000 records missing a measure.
    let records: Vec<perfscore::Record> = (0..3000)
        .map(|i| perfscore::Record::new(format!("E{i}")))
        .collect();
    let e = plan
        .score_many(&records, &perfscore::ScoreOptions::default())
        .unwrap_err();
    assert_eq!(e.problems().len(), MAX_PROBLEMS + 1);
    assert!(e.to_string().len() < 200_000);
}

#[test]
fn names_from_input_are_escaped_and_shortened_in_errors() {
    let plan = Plan::from_json(PLAN).unwrap();
    // The same id twice, holding a NUL and a right-to-left override.
    let records = r#"[{"id": "a\u0000b\u202Ec", "measures": {"revenue": 1}},
                      {"id": "a\u0000b\u202Ec", "measures": {"revenue": 1}}]"#;
    let e = plan.records_from_json(records).unwrap_err();
    assert_eq!(
        messages(&e),
        ["records[1].id: duplicate record id `a\\u{0}b\\u{202e}c`"]
    );
    let long = "x".repeat(10_000);
    let records = format!(r#"[{{"id": "{long}"}}, {{"id": "{long}"}}]"#);
    let e = plan.records_from_json(&records).unwrap_err();
    // 64 characters of the id, then an ellipsis.
    assert!(e.to_string().len() < 200, "{e}");
}

#[test]
fn plans_past_the_limits_are_refused_with_the_list_named() {
    let limits = Limits::default().with_max_list_items(1);
    let e = Plan::from_json_with_limits(PLAN, &limits).unwrap_err();
    assert_eq!(
        messages(&e),
        [
            "measures: 2 entries; at most 1 are accepted",
            "indicators: 2 entries; at most 1 are accepted",
            "grades: 2 entries; at most 1 are accepted"
        ]
    );
    let e = Plan::from_json_with_limits(PLAN, &Limits::default().with_max_document_bytes(100))
        .unwrap_err();
    assert!(messages(&e)[0].contains("at most 100 are accepted"), "{e}");
    // 2,001 measures are past the default of 2,000.
    let measures: Vec<String> = (0..2001).map(|i| format!(r#"{{"id": "m{i}"}}"#)).collect();
    let big = PLAN.replace(
        r#"{"id": "revenue"}, {"id": "revenue_target"}"#,
        &format!(
            r#"{{"id": "revenue"}}, {{"id": "revenue_target"}}, {}"#,
            measures.join(",")
        ),
    );
    let e = Plan::from_json(&big).unwrap_err();
    assert_eq!(
        messages(&e),
        ["measures: 2003 entries; at most 2000 are accepted"]
    );
}

#[test]
fn nesting_past_the_json_limit_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = Plan::from_json(&deep).unwrap_err();
    assert_eq!(e.code(), "PLAN_INVALID");
    let plan = Plan::from_json(PLAN).unwrap();
    assert!(plan.records_from_json(&deep).is_err());
}

#[test]
fn text_with_an_exponent_follows_the_same_rule() {
    // Python writes Decimal('1E+3') as "1E+3"; spreadsheets export 1.5E+07. Both are read exactly.
    assert_eq!(parse_decimal("1E+3").unwrap().to_string(), "1000");
    assert_eq!(parse_decimal(" 1.5E+07 ").unwrap().to_string(), "15000000");
    assert_eq!(
        parse_decimal("4E+28"),
        parse_decimal("40000000000000000000000000000")
    );
    assert!(parse_decimal("4E+28").is_err());
    for bad in [
        "1e", "e5", "1e+", "1ex", "1.2.3e4", "--1e2", "+-1", "+-1e2", "++1",
    ] {
        assert_eq!(
            parse_decimal(bad).unwrap_err(),
            format!("`{bad}` is not a number")
        );
    }
}

#[test]
fn a_key_given_twice_is_still_an_error() {
    // The parsed tree would keep one `id` silently; the text's own error is reported instead.
    let twice = PLAN.replacen(r#""id": "p""#, r#""id": "p", "id": "q""#, 1);
    let e = Plan::from_json(&twice).unwrap_err();
    assert!(
        e.problems()[0].message.contains("duplicate field `id`"),
        "{e}"
    );
    let plan = Plan::from_json(PLAN).unwrap();
    let e = plan
        .records_from_json(r#"[{"id": "E1", "id": "E2"}]"#)
        .unwrap_err();
    assert!(
        e.problems()[0].message.contains("duplicate field `id`"),
        "{e}"
    );
}
