//! Every scoring method on the `methods` vector, with the expected points worked out by hand.

mod common;
use common::*;

fn scores(card: &perfscore::Scorecard) -> Vec<rust_decimal::Decimal> {
    card.indicators().map(|i| i.score.round_dp(4)).collect()
}

#[test]
fn chen_jie() {
    let (plan, records) = load_vector("methods");
    let c = plan.score(&records[0]).unwrap();
    // cost: 8 ÷ 10 × 100 = 80 (inverse); complaints: 200 − 3 ÷ 2 × 100 = 50 (linear);
    // rating 4 on 1–5: 3 ÷ 4 × 100 = 75; table: 4 → 90; errors: 100 − 2 × 15 = 70;
    // deals: completion 7 ÷ 6 = 116.67% → 100 + 16.67 ÷ 2 = 108.3333; calls: target 0 → 100;
    // curve on actual 7 ≥ 6 (top point) → 100.
    assert_eq!(
        scores(&c),
        ["80", "50", "75", "90", "70", "108.3333", "100", "100"].map(d)
    );
    // 12 + 5 + 11.25 + 9 + 7 + 21.6667 + 10 + 10 = 85.9167 → 1 place half-even → 85.9
    assert_eq!(c.total.to_string(), "85.9");
    assert_eq!(&*c.grade, "B");
}

#[test]
fn zhou_lan_edge_cases_and_grade_cap() {
    let (plan, records) = load_vector("methods");
    let c = plan.score(&records[1]).unwrap();
    // cost 0 → cap 120; complaints 0 vs 2 linear → 200 → cap 110; rating 5 → 100; errors 0 → 100;
    // deals 2 of 4 = 50% → 50 × 0.9 = 45; curve: 2 below threshold 3 → 10 points.
    assert_eq!(
        scores(&c),
        ["120", "110", "100", "100", "100", "45", "100", "10"].map(d)
    );
    // 18 + 11 + 15 + 10 + 10 + 9 + 10 + 1 = 84 → B by score, but returns 9 > 5 caps it at C.
    assert_eq!(c.total.to_string(), "84.0");
    assert_eq!(&*c.grade, "C");
    assert_eq!(c.grade_before_veto.as_deref(), Some("B"));
}

#[test]
fn sun_hao_floors() {
    let (plan, records) = load_vector("methods");
    let c = plan.score(&records[2]).unwrap();
    // cost 8 ÷ 16 = 50; complaints 200 − 250 = −50 → floor 0; rating 1 → 0; errors 100 − 135 → floor 0;
    // deals 75% × 0.9 = 67.5; calls 100; curve 4.5 between (3, 50) and (6, 100): 50 + 1.5 × 50 ÷ 3 = 75.
    assert_eq!(
        scores(&c),
        ["50", "0", "0", "0", "0", "67.5", "100", "75"].map(d)
    );
    // 7.5 + 13.5 + 10 + 7.5 = 38.5
    assert_eq!(c.total.to_string(), "38.5");
    assert_eq!(&*c.grade, "D");
}

#[test]
fn missing_data_policies() {
    let (plan, records) = load_vector("missing-policies");
    let c = plan.score(&records[0]).unwrap();
    let margin = c.indicator("margin").unwrap();
    assert!(margin.left_out());
    assert_eq!(margin.missing.as_deref(), Some("gross_profit"));
    // Revenue and collection re-weighted 50/30 → 62.5/37.5 of the section.
    assert_eq!(c.indicator("revenue").unwrap().effective_weight, d("62.5"));
    assert_eq!(
        c.indicator("collection").unwrap().effective_weight,
        d("37.5")
    );
    // 85 × 0.625 + 80 × 0.375 = 53.125 + 30 = 83.125
    assert_eq!(c.section("results").unwrap().score, d("83.125"));
    // demos missing → 0; process 36 + 30 + 0 = 66
    assert_eq!(c.section("process").unwrap().score, d("66"));
    // complaints missing → counted 0; 83.125 × 0.7 + 66 × 0.3 + 3 = 80.9875 → 80.99
    assert_eq!(c.total.to_string(), "80.99");
    assert!(c.adjustments[0].missing);
    assert!(c
        .indicator("margin")
        .unwrap()
        .explain(perfscore::Lang::En)
        .contains("left out"));
}

#[test]
fn explanations_of_edge_cases() {
    use perfscore::Lang;
    let (plan, records) = load_vector("methods");
    let c = plan.score(&records[1]).unwrap();
    // Cost 0 under the inverse form: the cap, not a division.
    assert_eq!(
        c.indicator("cost").unwrap().explain(Lang::En),
        "Cost ratio: 0 (none at all: the best score) → lower is better → 120.00 points × 15% = 18.00"
    );
    let c = plan.score(&records[0]).unwrap();
    assert_eq!(
        c.indicator("curve_actual").unwrap().explain(Lang::En),
        "Deals curve: 7 → threshold/target/stretch: at or above the top point, capped → 100.00 points × 10% = 10.00"
    );
    let c = plan.score(&records[2]).unwrap();
    assert_eq!(
        c.indicator("complaints").unwrap().explain(Lang::En),
        "Complaints: 200 − 5 ÷ 2 × 100 = −50.00 → lower is better → 0.00 points (raised to the floor, from −50.00) × 10% = 0.00"
    );
}

#[test]
fn target_in_a_formula_needs_a_target() {
    let plan = r#"{"id":"p","name":"P","measures":[{"id":"a"}],
      "indicators":[{"id":"x","weight":100,"actual":"a","scoring":{"method":"formula","expr":"actual / target * 100"}}],
      "grades":[{"grade":"A"}]}"#;
    let e = perfscore::Plan::from_json(plan).unwrap_err();
    assert_eq!(
        e.problems()[0].to_string(),
        "indicators[0].scoring: the formula uses `target`, but indicator `x` has no target"
    );
}

#[test]
fn missing_measure_inside_a_method_formula_follows_the_policy() {
    let plan = r#"{"id":"p","name":"P","measures":[{"id":"a"},{"id":"b"}],
      "indicators":[{"id":"x","weight":50,"actual":"a","missing":"zero","scoring":{"method":"pass_fail","pass_if":"b > 1"}},
                    {"id":"y","weight":50,"actual":"a","scoring":{"method":"deduction","per_unit":1}}],
      "grades":[{"grade":"A"}]}"#;
    let plan = perfscore::Plan::from_json(plan).unwrap();
    let c = plan
        .score(&perfscore::Record::new("r").with("a", d("3")))
        .unwrap();
    let x = c.indicator("x").unwrap();
    assert_eq!((x.score, x.missing.as_deref()), (d("0"), Some("b")));
    // y: 100 − 3 = 97 × 50% = 48.5; x contributes 0.
    assert_eq!(c.total.to_string(), "48.50");
}
