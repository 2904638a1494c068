//! Team analytics: roll-ups, calibration, diagnostics and development needs.
//!
//! - Conformance: every `tests/vectors/analytics/team-*.json` case is run through
//!   `perfscore::analytics::run_json` and compared byte for byte with the matching line of
//!   `team-*.expected.jsonl` (`UPDATE_VECTORS=1` rewrites them).
//! - Hand-worked tests on the same eight-person batch, each expected number derived in a comment.
//! - Property tests: forced-distribution quotas and the tie rule for any group size.

mod common;
use common::d;
use perfscore::analytics::team::{
    self, forced_grades, quota_counts, CalibrationOptions, DiagnosisOptions, RollupOptions,
};
use perfscore::feedback::Stat;
use perfscore::{Plan, Record, ScoreOptions, Scorecard};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn vector_paths() -> Vec<std::path::PathBuf> {
    let dir = common::vectors_dir().join("analytics");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("team-") && n.ends_with(".json"))
        })
        .collect();
    paths.sort();
    paths
}

#[test]
fn vectors_match_expected_bytes() {
    let paths = vector_paths();
    assert!(paths.len() >= 4, "expected the team analytics vectors");
    let update = std::env::var_os("UPDATE_VECTORS").is_some();
    let mut failures = Vec::new();
    for path in paths {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut got = String::new();
        for case in v["cases"].as_array().unwrap() {
            let op = case["operation"].as_str().unwrap();
            let line = match perfscore::analytics::run_json(op, &case["request"].to_string()) {
                Ok(out) => out,
                Err(e) => e.to_canonical_json(),
            };
            got.push_str(&line);
            got.push('\n');
        }
        let expected_path = path.with_extension("expected.jsonl");
        if update {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        for (i, (g, e)) in got.lines().zip(expected.lines()).enumerate() {
            if g != e {
                failures.push(format!(
                    "{} case {i}:\n  got:      {g}\n  expected: {e}",
                    path.display()
                ));
            }
        }
        if got.lines().count() != expected.lines().count() {
            failures.push(format!("{}: number of cases differs", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A compiled plan written back with `Plan::to_json` works as the request's plan document: every
/// case whose plan compiles gives the same bytes (what the bindings do with a `Plan` object).
#[test]
fn a_compiled_plan_written_back_gives_the_same_result() {
    let mut checked = 0;
    for path in vector_paths() {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for case in v["cases"].as_array().unwrap() {
            let op = case["operation"].as_str().unwrap();
            let Ok(plan) = Plan::from_json(&case["request"]["plan"].to_string()) else {
                continue;
            };
            let mut request = case["request"].clone();
            request["plan"] = serde_json::from_str(&plan.to_json()).unwrap();
            let run = |r: &serde_json::Value| {
                perfscore::analytics::run_json(op, &r.to_string())
                    .unwrap_or_else(|e| e.to_canonical_json())
            };
            assert_eq!(run(&request), run(&case["request"]), "{}", case["name"]);
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} cases checked");
}

/// Every case that is not an error case succeeds, and every error case fails: the vectors
/// cover both, per operation.
#[test]
fn vectors_have_an_error_case_per_operation() {
    let mut ok_ops = std::collections::BTreeSet::new();
    let mut err_ops = std::collections::BTreeSet::new();
    for path in vector_paths() {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for case in v["cases"].as_array().unwrap() {
            let op = case["operation"].as_str().unwrap().to_string();
            let name = case["name"].as_str().unwrap();
            let r = perfscore::analytics::run_json(&op, &case["request"].to_string());
            assert_eq!(r.is_err(), name.starts_with("error"), "{name}: {r:?}");
            if r.is_err() {
                err_ops.insert(op);
            } else {
                ok_ops.insert(op);
            }
        }
    }
    let all: std::collections::BTreeSet<String> =
        team::OPERATIONS.iter().map(|s| s.to_string()).collect();
    assert_eq!(ok_ops, all);
    assert_eq!(err_ops, all);
}

/// The eight-person batch of the vectors, scored.
fn batch() -> (Plan, Vec<Record>, Vec<Scorecard>) {
    let path = common::vectors_dir().join("analytics/team-development.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let req = &v["cases"][0]["request"];
    let plan = Plan::from_json(&req["plan"].to_string()).unwrap();
    let records = plan.records_from_json(&req["records"].to_string()).unwrap();
    let cards = plan.score_many(&records, &ScoreOptions::default()).unwrap();
    (plan, records, cards)
}

fn feedback_round() -> perfscore::feedback::FeedbackRound {
    let path = common::vectors_dir().join("analytics/team-development.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let req = &v["cases"][0]["request"];
    let fb = perfscore::feedback::Feedback::from_json(&req["feedback"].to_string()).unwrap();
    let responses = fb
        .responses_from_json(&req["responses"].to_string())
        .unwrap();
    fb.aggregate(&responses).unwrap()
}

#[test]
fn totals_of_the_batch_are_hand_worked() {
    // Results 70% (sales 60, margin 40), process 30% (visits 50, teamwork 50); ratio points capped
    // at 120 (visits at 100); teamwork rating 1 → 0 … 5 → 100, so 4 → 75, 3 → 50, 2 → 25.
    // E1: sales 120, margin 30/25 = 120 → (72 + 48) × 0.7 = 84; visits 100, teamwork 100 → 30; 114.
    // E2: 100, 96 → 98.4 × 0.7 = 68.88; (100 + 75)/2 × 0.3 = 26.25; 95.13.
    // E3: 90, 80 → 86 × 0.7 = 60.2; (100 + 50)/2 × 0.3 = 22.5; 82.7.
    // E4: 80, 72 → 76.8 × 0.7 = 53.76; 26.25; 80.01.
    // W1: 110, 112 → 110.8 × 0.7 = 77.56; 26.25; 103.81.
    // W2: 100, 100 → 70; teamwork missing, re-weighted: visits 100% of process → 30; 100.
    // W3: 70, 60 → 66 × 0.7 = 46.2; (100 + 25)/2 × 0.3 = 18.75; 64.95.
    // W4: 95, 88 → 92.2 × 0.7 = 64.54; 22.5; 87.04.
    let (_, _, cards) = batch();
    let totals: Vec<String> = cards.iter().map(|c| c.total.to_string()).collect();
    assert_eq!(
        totals,
        ["114.00", "95.13", "82.70", "80.01", "103.81", "100.00", "64.95", "87.04"]
    );
    let grades: Vec<&str> = cards.iter().map(|c| &*c.grade).collect();
    assert_eq!(grades, ["A", "A", "B", "B", "A", "A", "C", "B"]);
}

#[test]
fn rollup_by_team_hand_worked() {
    let (plan, records, cards) = batch();
    let options = RollupOptions {
        by: vec![team::Dimension::Team],
        measures: Some(vec!["销售额".into(), "revenue_target".into()]),
    };
    let r = team::rollup(&plan, &records, &cards, &options).unwrap();
    assert_eq!(r.groups.len(), 2);
    let east = &r.groups[0];
    assert_eq!(east.label, "team=East");
    assert_eq!(east.count, 4);
    // Σ revenue East = 120 + 100 + 90 + 80 = 390 (the alias 销售额 names measure `revenue`).
    assert_eq!(&*east.measures[0].measure, "revenue");
    assert_eq!(east.measures[0].sum, d("390"));
    // Sales attainment = 390 ÷ 400 × 100 = 97.5 (ratio of sums).
    let sales = &east.indicators[0];
    let att = sales.attainment.as_ref().unwrap();
    assert_eq!(
        (att.sum_actual, att.sum_target, att.percent),
        (d("390"), d("400"), Some(d("97.5")))
    );
    // Mean total East = (114 + 95.13 + 82.7 + 80.01) ÷ 4 = 371.84 ÷ 4 = 92.96;
    // median = (82.7 + 95.13) ÷ 2 = 88.915.
    assert_eq!(east.scores.mean, Some(d("92.96")));
    assert_eq!(east.scores.median, Some(d("88.915")));
    assert_eq!(east.scores.min, Some(d("80.01")));
    assert_eq!(east.scores.max, Some(d("114")));
    // Grades best first: A (E1, E2), B (E3, E4), C none.
    let g: Vec<(String, usize)> = east
        .scores
        .grades
        .iter()
        .map(|g| (g.grade.to_string(), g.count))
        .collect();
    assert_eq!(g, [("A".into(), 2), ("B".into(), 2), ("C".into(), 0)]);
    // Teamwork has no target: no attainment. West teamwork: W2 left out → 3 scored, mean of 75,
    // 25, 50 = 50.
    let west = &r.groups[1];
    assert!(west.indicators[3].attainment.is_none());
    assert_eq!(west.indicators[3].scored, 3);
    assert_eq!(west.indicators[3].mean_score, Some(d("50")));
    // Margin West = (28 + 25 + 15 + 22) ÷ 100 = 90%.
    assert_eq!(
        west.indicators[1].attainment.as_ref().unwrap().percent,
        Some(d("90"))
    );
    // Whole batch: mean = 727.64 ÷ 8 = 90.955.
    assert_eq!(r.total.scores.mean, Some(d("90.955")));
}

#[test]
fn rollup_errors_all_at_once() {
    let (plan, records, cards) = batch();
    let options = RollupOptions {
        by: vec![
            team::Dimension::Team,
            team::Dimension::Team,
            team::Dimension::parse("region"),
        ],
        measures: Some(vec!["profit".into()]),
    };
    let e = team::rollup(&plan, &records, &cards, &options).unwrap_err();
    let paths: Vec<String> = e.problems().iter().map(|p| p.path()).collect();
    assert_eq!(paths, ["by[1]", "by[2]", "measures[0]"]);
    // Mismatched batch.
    assert!(team::rollup(&plan, &records[1..], &cards, &RollupOptions::default()).is_err());
}

#[test]
fn calibration_hand_worked() {
    let (plan, records, cards) = batch();
    let options = CalibrationOptions {
        quotas: vec![q("A", "20"), q("B", "70"), q("C", "10")],
        by: vec![],
        overrides: vec![team::Override {
            id: "W3".into(),
            grade: "B".into(),
            by: "Wang Li (HR)".into(),
            reason: "Covered a colleague's territory".into(),
        }],
    };
    let c = team::calibrate(&plan, &records, &cards, &options).unwrap();
    // n = 8: exact 1.6, 5.6, 0.8 → whole parts 1, 5, 0; the 2 left go to remainder 0.8 (C) and
    // then, of the equal 0.6s, to the larger share (B): quotas 1, 6, 1.
    let g = &c.groups[0];
    let quotas: Vec<usize> = g.grades.iter().map(|x| x.quota).collect();
    assert_eq!(quotas, [1, 6, 1]);
    // Ranking: E1 114, W1 103.81, W2 100, E2 95.13, W4 87.04, E3 82.7, E4 80.01, W3 64.95.
    let order: Vec<(&str, usize, &str)> = c
        .people
        .iter()
        .map(|p| (p.id.as_str(), p.rank, &*p.forced_grade))
        .collect();
    assert_eq!(
        order,
        [
            ("E1", 1, "A"),
            ("W1", 2, "B"),
            ("W2", 3, "B"),
            ("E2", 4, "B"),
            ("W4", 5, "B"),
            ("E3", 6, "B"),
            ("E4", 7, "B"),
            ("W3", 8, "C"),
        ]
    );
    // The override is kept with who and why, and the forced grade it replaced.
    let w3 = c.people.iter().find(|p| p.id == "W3").unwrap();
    let o = w3.override_.as_ref().unwrap();
    assert_eq!(
        (&*o.from, &*o.to, o.by.as_str()),
        ("C", "B", "Wang Li (HR)")
    );
    assert_eq!(&*w3.grade, "B");
    assert_eq!(&*w3.plan_grade, "C");
    // Final counts: A 1, B 7, C 0 → the override breaks the C quota.
    let finals: Vec<usize> = g.grades.iter().map(|x| x.final_count).collect();
    assert_eq!(finals, [1, 7, 0]);
    assert!(c.findings.iter().any(|f| f.code == "overrides_break_quota"));
}

#[test]
fn calibration_by_team_and_overrides_checked() {
    let (plan, records, cards) = batch();
    let mut options = CalibrationOptions {
        quotas: vec![q("A", "20"), q("B", "70"), q("C", "10")],
        by: vec![team::Dimension::Team],
        overrides: vec![],
    };
    let c = team::calibrate(&plan, &records, &cards, &options).unwrap();
    // n = 4: exact 0.8, 2.8, 0.4 → 0, 2, 0; 2 left: remainders A 0.8 = B 0.8 → larger share B
    // first, then A; C keeps 0: quotas 1, 3, 0 in each team.
    for g in &c.groups {
        let quotas: Vec<usize> = g.grades.iter().map(|x| x.quota).collect();
        assert_eq!(quotas, [1, 3, 0]);
    }
    // West: W1 103.81 A, then W2, W4, W3 B — W3 (64.95) gets B though the plan says C.
    let w3 = c.people.iter().find(|p| p.id == "W3").unwrap();
    assert_eq!((w3.rank, &*w3.grade), (4, "B"));
    options.overrides.push(team::Override {
        id: "nobody".into(),
        grade: "Z".into(),
        by: " ".into(),
        reason: String::new(),
    });
    let e = team::calibrate(&plan, &records, &cards, &options).unwrap_err();
    let paths: Vec<String> = e.problems().iter().map(|p| p.path()).collect();
    assert_eq!(
        paths,
        [
            "overrides[0].id",
            "overrides[0].grade",
            "overrides[0].by",
            "overrides[0].reason"
        ]
    );
}

fn q(grade: &str, share: &str) -> team::Quota {
    team::Quota {
        grade: grade.into(),
        share: share.parse().unwrap(),
    }
}

fn value(s: &Stat) -> f64 {
    s.value().unwrap()
}

#[test]
fn diagnosis_hand_worked() {
    let (plan, records, cards) = batch();
    let options = DiagnosisOptions {
        intended: vec![q("A", "20"), q("B", "70"), q("C", "10")],
    };
    let dg = team::diagnose(&plan, &records, &cards, &options, None).unwrap();
    let visits = &dg.indicators[2];
    // Visits: 25/20, 22/20, 30/20, 21/20, 24/20 are capped at 100 (5 of 8 = 62.5%); 20/20 is 100
    // without a cap; everyone scores 100 → SD 0, 100% identical.
    assert_eq!(visits.at_cap, Some(d("62.5")));
    assert_eq!(visits.identical, Some(d("100")));
    assert_eq!(visits.sd, Stat::Value { value: 0.0 });
    // Nominal weights: 70 × 60 / 100 = 42, 70 × 40 / 100 = 28, 30 × 50 / 100 = 15, 15.
    let nominal: Vec<Decimal> = dg.indicators.iter().map(|i| i.nominal_weight).collect();
    assert_eq!(nominal, [d("42"), d("28"), d("15"), d("15")]);
    // Visits' contribution is 15 for everyone except W2 (30, re-weighted), so it still carries a
    // little spread; effective weights sum to 100 (up to the 4-place rounding).
    let sum: f64 = dg
        .indicators
        .iter()
        .map(|i| value(&i.effective_weight))
        .sum();
    assert!((sum - 100.0).abs() < 0.001, "{sum}");
    // Teamwork: W2 left out → 12.5% missing and left out.
    assert_eq!(dg.indicators[3].missing, Some(d("12.5")));
    assert_eq!(dg.indicators[3].left_out, Some(d("12.5")));
    // Sales mean points = (120 + 100 + 90 + 80 + 110 + 100 + 70 + 95) ÷ 8 = 765 ÷ 8 = 95.625.
    assert_eq!(dg.indicators[0].mean, Some(d("95.625")));
    // Sales SD: deviations from 95.625: 24.375, 4.375, −5.625, −15.625, 14.375, 4.375, −25.625,
    // −0.625; squares sum 594.140625 + 19.140625 + 31.640625 + 244.140625 + 206.640625
    // + 19.140625 + 656.640625 + 0.390625 = 1771.875; ÷ 7 = 253.125; √ = 15.9099…
    assert_eq!(dg.indicators[0].sd, Stat::Value { value: 15.9099 });
    let codes: Vec<(&str, Option<&str>)> = dg
        .findings
        .iter()
        .map(|f| (f.code, f.indicator.as_deref()))
        .collect();
    assert!(codes.contains(&("no_discrimination", Some("visits"))));
    assert!(codes.contains(&("redundant_pair", Some("sales"))));
    // Grades: A 4 of 8 = 50% vs 20 (+30), B 37.5% vs 70 (−32.5), C 12.5% vs 10 (+2.5, no finding).
    let diffs: Vec<Option<Decimal>> = dg.grades.iter().map(|g| g.difference).collect();
    assert_eq!(diffs, [Some(d("30")), Some(d("-32.5")), Some(d("2.5"))]);
    assert_eq!(
        codes
            .iter()
            .filter(|c| c.0 == "grade_distribution_off")
            .count(),
        2
    );
    let msg = &dg
        .findings
        .iter()
        .find(|f| f.code == "no_discrimination")
        .unwrap()
        .message;
    assert_eq!(
        msg,
        "Everyone scores 100 on visits: it does not discriminate."
    );
}

#[test]
fn diagnosis_correlation_hand_worked() {
    // Sales vs margin points over the 8 people (both always scored):
    // x = 120, 100, 90, 80, 110, 100, 70, 95 (x̄ = 95.625), y = 120, 96, 80, 72, 112, 100, 60, 88
    // (ȳ = 91). Sxx = 1771.875 (above); Syy = 29² + 5² + 11² + 19² + 21² + 9² + 31² + 3² = 2840;
    // Sxy = 24.375·29 + 4.375·5 + (−5.625)(−11) + (−15.625)(−19) + 14.375·21 + 4.375·9
    // + (−25.625)(−31) + (−0.625)(−3) = 2225; r = 2225 ÷ √(1771.875 × 2840) = 2225 ÷ 2243.2398…
    // = 0.99187… → 0.9919.
    let (plan, records, cards) = batch();
    let dg = team::diagnose(&plan, &records, &cards, &DiagnosisOptions::default(), None).unwrap();
    let c = &dg.correlations[0];
    assert_eq!((&*c.a, &*c.b, c.people), ("sales", "margin", 8));
    assert_eq!(c.r, Stat::Value { value: 0.9919 });
    // Visits vs anything: visits is constant → undefined (zero variance), not NaN.
    assert!(dg.correlations[1].r.value().is_none());
    // Teamwork pairs use the 7 people scored on both.
    assert_eq!(dg.correlations[2].people, 7);
}

#[test]
fn diagnosis_small_and_empty_batches() {
    let (plan, records, cards) = batch();
    let one = team::diagnose(
        &plan,
        &records[..1],
        &cards[..1],
        &DiagnosisOptions::default(),
        None,
    )
    .unwrap();
    assert!(one.indicators[0].sd.value().is_none());
    assert!(one.indicators[0].effective_weight.value().is_none());
    assert!(one.findings.is_empty());
    let none = team::diagnose(&plan, &[], &[], &DiagnosisOptions::default(), None).unwrap();
    assert_eq!(none.people, 0);
    assert_eq!(none.findings[0].code, "empty_batch");
    assert_eq!(none.indicators[0].mean, None);
}

#[test]
fn diagnosis_reports_360_reliability() {
    let (plan, records, cards) = batch();
    let round = feedback_round();
    let dg = team::diagnose(
        &plan,
        &records,
        &cards,
        &DiagnosisOptions::default(),
        Some(&round),
    )
    .unwrap();
    let r = dg.reliability.as_ref().unwrap();
    assert_eq!(r, &round.reliability);
    let low = r.alpha_interval.value().is_some_and(|a| a < 0.667);
    assert_eq!(dg.findings.iter().any(|f| f.code == "low_reliability"), low);
}

#[test]
fn development_needs_hand_worked() {
    let (plan, records, cards) = batch();
    let round = feedback_round();
    let dn = team::development_needs(&plan, &records, &cards, Some(&round)).unwrap();
    let person = |id: &str| dn.people.iter().find(|p| p.id == id).unwrap();
    // E3 sits exactly on completion 90, margin 80, teamwork 50, 360 teamwork (3 + 4) ÷ 2 = 3.5:
    // strictly below only → no needs.
    assert!(person("E3").needs.is_empty());
    // E4: completion 80 < 90, gap 10, relative 10 ÷ 90 = 11.1111%; margin 72 < 80, gap 8,
    // relative 10% → prospecting first.
    let e4: Vec<(&str, Decimal, Decimal)> = person("E4")
        .needs
        .iter()
        .map(|n| (n.rule_id.as_deref().unwrap(), n.gap, n.relative_gap))
        .collect();
    assert_eq!(
        e4,
        [
            ("prospecting", d("10"), d("11.1111")),
            ("pricing", d("8"), d("10"))
        ]
    );
    // W3: teamwork 25 < 50 (50%), margin 60 < 80 (25%), completion 70 < 90 (22.2222%),
    // 360 teamwork (2 + 4) ÷ 2 = 3 < 3.5 (0.5 ÷ 3.5 = 14.2857%).
    let w3: Vec<(&str, Decimal)> = person("W3")
        .needs
        .iter()
        .map(|n| (n.rule_id.as_deref().unwrap(), n.relative_gap))
        .collect();
    assert_eq!(
        w3,
        [
            ("teamwork-rating", d("50")),
            ("pricing", d("25")),
            ("prospecting", d("22.2222")),
            ("teamwork-360", d("14.2857")),
        ]
    );
    // W2's teamwork rating is missing: unassessed, not a need.
    assert_eq!(person("W2").unassessed[0].rule, 2);
    // Summary: prospecting E4, W3; pricing E4, W3; collaboration W3.
    let summary: Vec<(&str, usize)> = dn
        .summary
        .iter()
        .map(|s| (s.recommend.as_str(), s.count))
        .collect();
    assert_eq!(
        summary,
        [
            ("Prospecting and pipeline workshop", 2),
            ("Pricing and negotiation training", 2),
            ("Collaboration coaching", 1)
        ]
    );
}

#[test]
fn development_rules_are_checked() {
    let (plan, _, _) = batch();
    let mut spec = plan.spec().clone();
    spec.development[0].indicator = Some("nope".into());
    spec.development[1].below = "0".parse().unwrap();
    spec.development[3].basis = Some(perfscore::spec::NeedBasis::Actual);
    // Checked when the plan is compiled, all problems at once.
    let e = Plan::from_spec(spec).unwrap_err();
    assert_eq!(e.code(), "PLAN_INVALID");
    let paths: Vec<String> = e.problems().iter().map(|p| p.path()).collect();
    assert_eq!(
        paths,
        [
            "development[0].indicator",
            "development[1].below",
            "development[3].basis"
        ]
    );
}

#[test]
fn unknown_operation_lists_ours() {
    let e = perfscore::analytics::run_json("nope", "{}").unwrap_err();
    let msg = &e.problems()[0].message;
    for op in team::OPERATIONS {
        assert!(msg.contains(op), "{msg}");
    }
}

#[test]
fn bundled_template_and_demo_team_roll_up() {
    let plan = Plan::from_json(perfscore::templates::DEMO_PLAN_JSON).unwrap();
    let csv = perfscore::templates::DEMO_TEAM_CSV;
    let records = plan.records_from_csv(csv).unwrap();
    let cards = plan.score_many(&records, &ScoreOptions::default()).unwrap();
    let r = team::rollup(
        &plan,
        &records,
        &cards,
        &RollupOptions {
            by: vec![team::Dimension::Team],
            measures: None,
        },
    )
    .unwrap();
    assert_eq!(r.total.count, records.len());
    let counted: usize = r.groups.iter().map(|g| g.count).sum();
    assert_eq!(counted, records.len());
    // Sums are exact: the groups' revenue sums add up to the batch's.
    let total_rev = r.total.measures[0].sum;
    let by_group: Decimal = r.groups.iter().map(|g| g.measures[0].sum).sum();
    assert_eq!(total_rev, by_group);
    let dg = team::diagnose(&plan, &records, &cards, &DiagnosisOptions::default(), None).unwrap();
    assert_eq!(dg.indicators.len(), plan.indicator_count());
}

fn totals_strategy() -> impl Strategy<Value = Vec<Decimal>> {
    // Few distinct values so ties are common.
    prop::collection::vec(0i64..6, 0..40).prop_map(|v| v.into_iter().map(Decimal::from).collect())
}

fn shares_strategy() -> impl Strategy<Value = Vec<Decimal>> {
    // 1–5 grades, shares in hundredths of a percent summing to exactly 100.
    prop::collection::vec(0u32..1000, 1..6).prop_map(|raw| {
        let total: u32 = raw.iter().sum::<u32>().max(1);
        let mut hundredths: Vec<u32> = raw.iter().map(|r| r * 10_000 / total).collect();
        let sum: u32 = hundredths.iter().sum();
        hundredths[0] += 10_000 - sum;
        hundredths
            .into_iter()
            .map(|h| Decimal::new(h as i64, 2))
            .collect()
    })
}

proptest! {
    /// Quotas sum to n, each is within one person of share × n ÷ 100 (floor or ceiling), and a
    /// zero share gets nobody.
    #[test]
    fn quotas_hold_for_any_group_size(n in 0usize..300, shares in shares_strategy()) {
        let q = quota_counts(n, &shares).unwrap();
        prop_assert_eq!(q.iter().sum::<usize>(), n);
        for (k, s) in shares.iter().enumerate() {
            let exact = *s * Decimal::from(n) / Decimal::ONE_HUNDRED;
            let got = Decimal::from(q[k]);
            prop_assert!(got == exact.floor() || got == exact.ceil(), "{} vs {}", got, exact);
            if s.is_zero() { prop_assert_eq!(q[k], 0); }
        }
        // Largest remainder: whoever got a person beyond the whole part has a remainder at least
        // as large as anyone who did not.
        let rem = |k: usize| shares[k] * Decimal::from(n) / Decimal::ONE_HUNDRED
            - (shares[k] * Decimal::from(n) / Decimal::ONE_HUNDRED).floor();
        for a in 0..shares.len() {
            for b in 0..shares.len() {
                let a_up = Decimal::from(q[a]) > (shares[a] * Decimal::from(n) / Decimal::ONE_HUNDRED).floor();
                let b_up = Decimal::from(q[b]) > (shares[b] * Decimal::from(n) / Decimal::ONE_HUNDRED).floor();
                if a_up && !b_up && !shares[b].is_zero() {
                    prop_assert!(rem(a) >= rem(b));
                }
            }
        }
    }

    /// The tie rule exactly: grade = first k with (start of the person's tie block) < C_k; so
    /// equal totals share a grade, better totals never get a worse grade, and the top k grades
    /// hold exactly up to the end of the tie block at their line.
    #[test]
    fn tie_rule_holds(mut totals in totals_strategy(), shares in shares_strategy()) {
        totals.sort_by(|a, b| b.cmp(a));
        let n = totals.len();
        let quotas = quota_counts(n, &shares).unwrap();
        let grades = forced_grades(&totals, &quotas);
        prop_assert_eq!(grades.len(), n);
        let cumulative: Vec<usize> = quotas.iter().scan(0, |c, q| { *c += q; Some(*c) }).collect();
        for p in 0..n {
            let start = (0..=p).rev().take_while(|&i| totals[i] == totals[p]).last().unwrap();
            let expected = cumulative.iter().position(|&c| start < c).unwrap();
            prop_assert_eq!(grades[p], expected);
            if p > 0 {
                prop_assert!(grades[p] >= grades[p - 1]);
                if totals[p] == totals[p - 1] { prop_assert_eq!(grades[p], grades[p - 1]); }
            }
        }
        for (k, &c) in cumulative.iter().enumerate() {
            let in_top = grades.iter().filter(|&&g| g <= k).count();
            if c == 0 {
                prop_assert_eq!(in_top, 0);
            } else {
                // Exactly up to the end of the tie block holding position C_k − 1.
                let end = (c - 1..n).take_while(|&i| totals[i] == totals[c - 1]).last().unwrap() + 1;
                prop_assert_eq!(in_top, end);
            }
        }
        // Without ties the forced counts equal the quotas.
        let mut distinct = totals.clone();
        distinct.dedup();
        if distinct.len() == n {
            for (k, &q) in quotas.iter().enumerate() {
                prop_assert_eq!(grades.iter().filter(|&&g| g == k).count(), q);
            }
        }
    }
}

/// Malformed requests are input errors with paths, never panics.
#[test]
fn malformed_requests_are_errors() {
    let (plan, _, _) = batch();
    let plan_json = serde_json::to_string(plan.spec()).unwrap();
    for op in team::OPERATIONS {
        for request in [
            "".to_string(),
            "[]".to_string(),
            "{}".to_string(),
            format!(r#"{{"plan": {plan_json}, "records": {{}}}}"#),
            format!(r#"{{"plan": {plan_json}, "records": [], "unknown": 1}}"#),
            format!(
                r#"{{"plan": {plan_json}, "records": [{{"id": "a", "measures": {{"revenue": "x"}}}}]}}"#
            ),
            r#"{"plan": {"id": ""}, "records": []}"#.to_string(),
        ] {
            let e = perfscore::analytics::run_json(op, &request).unwrap_err();
            assert!(!e.problems().is_empty(), "{op}: {request}");
        }
    }
    // A plan problem is reported under `plan.`.
    let e = perfscore::analytics::run_json("rollup", r#"{"plan": {"id": "x"}, "records": []}"#)
        .unwrap_err();
    assert_eq!(e.code(), "PLAN_INVALID");
    assert!(e.problems()[0].path().starts_with("plan"), "{e:?}");
    // Scoring problems and option problems come together.
    let req = format!(
        r#"{{"plan": {plan_json}, "records": [{{"id": "a", "measures": {{"revenue": 1}}}}], "quotas": [{{"grade": "A", "share": 50}}]}}"#
    );
    let e = perfscore::analytics::run_json("calibrate", &req).unwrap_err();
    let paths: Vec<String> = e.problems().iter().map(|p| p.path()).collect();
    assert_eq!(paths[0], "quotas");
    assert!(paths.len() > 1, "{paths:?}");
}
