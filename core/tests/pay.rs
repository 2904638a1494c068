//! Pay: performance pay, commission and pools, with expected amounts worked out by hand.

mod common;
use common::*;
use perfscore::pay::{split_pool, PayPlan};
use perfscore::{Plan, Record, ScoreOptions};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::sync::Arc;

fn vector(name: &str) -> (Plan, PayPlan, Vec<Record>) {
    let text =
        std::fs::read_to_string(vectors_dir().join("pay").join(format!("{name}.json"))).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let plan = Plan::from_json(&v["plan"].to_string()).unwrap();
    let pay = PayPlan::from_json(&v["pay_plan"].to_string(), &plan).unwrap();
    let records = plan.records_from_json(&v["records"].to_string()).unwrap();
    (plan, pay, records)
}

fn amounts(name: &str) -> Vec<Vec<String>> {
    let (plan, pay, records) = vector(name);
    let st = pay
        .pay_records(&plan, &records, &ScoreOptions::default())
        .unwrap();
    st.iter()
        .map(|s| {
            s.lines
                .iter()
                .map(|l| l.amount.to_string())
                .chain([s.total.to_string()])
                .collect()
        })
        .collect()
}

#[test]
fn issue_reference_performance_pay_and_marginal_commission() {
    // Performance pay 3,000 × grade coefficient: B 1.0, C 0.8, D 0 (the pay reference numbers).
    // Margin commission on the reference marginal table: 130,000 → 10,000 + 30,000 × 7.5% = 12,250;
    // 200,000 → 10,000 + 7,500 = 17,500, × 0.8 for a collection rate of 500/700 < 0.8 = 14,000.
    assert_eq!(
        amounts("pay-worked-example"),
        [
            vec!["3000.00", "12250.00", "15250.00"],
            vec!["2400.00", "14000.00", "16400.00"],
            vec!["0.00", "14000.00", "14000.00"],
        ]
    );
}

#[test]
fn curve_proration_gate_cap_true_up() {
    // Li Wei, total 88.48: coefficient 0.5 + (88.48 − 60) × 0.5 ÷ 40 = 0.856; 4,000 × 0.856 × 15/30 = 1,712.
    // Cash: 300,000 prior + 720,000 = 1,020,000 → retroactive 2% = 20,400 → cap 12,000 − paid 3,000 = 9,000.
    // Flat 0.125% × 850,000 = 1,062.50. Interpolated: rate 1 + 850,000 × 2 ÷ 1,000,000 = 2.7% → 22,950.
    // Zhang Min, 74.40: 0.5 + 14.4 × 0.5 ÷ 40 = 0.68 → 2,720. Cash 1,300,000 → 26,000 → cap 12,000 − 12,000 = 0.
    // Flat 1,625. Interpolated: in the open last tier, 3% × 1,300,000 = 39,000.
    assert_eq!(
        amounts("pay-features"),
        [
            vec!["1712.00", "9000.00", "1062.50", "22950.00", "34724.50"],
            vec!["2720.00", "0.00", "1625.00", "39000.00", "43345.00"],
        ]
    );
}

#[test]
fn gate_reduces_below_attainment() {
    let (plan, pay, mut records) = vector("pay-features");
    // Revenue 700,000 of 1,000,000 = 70% < 80: the cash commission is halved before the cap.
    // 300,000 + 720,000 → 20,400 × 0.5 = 10,200 (under the cap) − 3,000 paid = 7,200.
    records[0].measures.insert("revenue".into(), d("700000"));
    let card = plan.score(&records[0]).unwrap();
    let st = pay.statement(&card, &records[0]).unwrap();
    let cash = st.lines.iter().find(|l| &*l.id == "cash").unwrap();
    assert_eq!(cash.amount.to_string(), "7200.00");
    assert!(cash
        .explain(perfscore::Lang::En)
        .contains("attainment 70 below the gate 80 → × 0.5"));
    assert!(st.explain(perfscore::Lang::Zh).contains("合计"));
}

#[test]
fn deal_pricing_from_where_the_person_stands() {
    let (_, pay, _) = vector("pay-worked-example");
    // Standing at 90,000 on the marginal table, a 20,000 deal: 10,000 at 10% + 10,000 at 7.5% = 1,750.
    assert_eq!(
        pay.price_deal("margin", d("90000"), d("20000"))
            .unwrap()
            .to_string(),
        "1750.00"
    );
    // Returning 20,000 from 110,000 reverses at the rates it was paid: −1,750.
    assert_eq!(
        pay.price_deal("margin", d("110000"), d("-20000"))
            .unwrap()
            .to_string(),
        "-1750.00"
    );
}

#[test]
fn pay_plan_errors_are_collected() {
    let (plan, _, _) = vector("pay-worked-example");
    let bad = r#"{"id":"x","currency":{"code":"XYZ"},
      "performance_pay":{"base":3000,"coefficient":{"by_grade":{"S":1.5,"A":1.2,"B":1,"Q":1}}},
      "commissions":[{"id":"c","base":"revenu","mode":"marginal","tiers":[{"from":0,"to":10,"rate":5},{"from":20,"rate":3}]}]}"#;
    let e = PayPlan::from_json(bad, &plan).unwrap_err();
    let msgs: Vec<String> = e.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "currency.minor_units: unknown currency `XYZ`: give `minor_units`",
            "performance_pay.coefficient.by_grade: no coefficient for grade `D`",
            "performance_pay.coefficient.by_grade: no coefficient for grade `C`",
            "performance_pay.coefficient.by_grade.Q: the scoring plan has no grade `Q`",
            "commissions[0].base: in `revenu`: column 1: unknown name `revenu` (did you mean `revenue`?)",
            "commissions[0].tiers[1].from: gap between tiers: nothing covers [10, 20)",
        ]
    );
}

fn rising_table(mode: &str, rates: &[u32]) -> String {
    let mut tiers = Vec::new();
    for (i, r) in rates.iter().enumerate() {
        let from = i * 1000;
        let to = if i + 1 == rates.len() {
            String::new()
        } else {
            format!(r#","to":{}"#, from + 1000)
        };
        tiers.push(format!(r#"{{"from":{from}{to},"rate":{r}}}"#));
    }
    format!(
        r#"{{"id":"t","currency":{{"code":"CNY"}},"commissions":[{{"id":"c","base":"revenue","mode":"{mode}","tiers":[{}]}}]}}"#,
        tiers.join(",")
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Parts sum exactly to the pool; each is within one minor unit of its exact share; zero weight gets zero.
    #[test]
    fn pool_sums_exactly(pool_cents in 1i64..10_000_000_000, weights in proptest::collection::vec(0u32..10_000, 1..40), places in 0u32..4) {
        prop_assume!(weights.iter().any(|w| *w > 0));
        let pool = Decimal::new(pool_cents, places);
        let ws: Vec<(Arc<str>, Decimal)> = weights.iter().enumerate().map(|(i, w)| (Arc::from(format!("p{i}")), Decimal::from(*w))).collect();
        let shares = split_pool(pool, places, &ws).unwrap();
        let sum: Decimal = shares.iter().map(|s| s.amount).sum();
        prop_assert_eq!(sum, pool);
        let unit = Decimal::new(1, places);
        for s in &shares {
            prop_assert!((s.amount - s.exact).abs() < unit);
            if s.weight.is_zero() { prop_assert!(s.amount.is_zero()); }
        }
    }

    /// Commission never decreases as the base grows; retroactive ≥ marginal with rising rates.
    #[test]
    fn commission_monotone(rates in proptest::collection::vec(0u32..20, 1..6), a in 0i64..10_000, b in 0i64..10_000) {
        let mut rates = rates;
        rates.sort();
        let plan = Plan::from_json(r#"{"id":"p","name":"P","measures":[{"id":"revenue"}],
            "indicators":[{"id":"r","weight":100,"actual":"revenue","scoring":{"method":"deduction","per_unit":0}}],
            "grades":[{"grade":"A"}]}"#).unwrap();
        let marginal = PayPlan::from_json(&rising_table("marginal", &rates), &plan).unwrap();
        let retro = PayPlan::from_json(&rising_table("retroactive", &rates), &plan).unwrap();
        let (lo, hi) = (a.min(b), a.max(b));
        let pay = |p: &PayPlan, x: i64| {
            let r = Record::new("x").with("revenue", Decimal::from(x));
            let c = plan.score(&r).unwrap();
            p.statement(&c, &r).unwrap().total
        };
        prop_assert!(pay(&marginal, lo) <= pay(&marginal, hi));
        prop_assert!(pay(&retro, lo) <= pay(&retro, hi));
        prop_assert!(pay(&retro, hi) >= pay(&marginal, hi));
    }

    /// Any numbers: a statement or an error, never a panic; the cap always holds.
    #[test]
    fn never_panics_and_caps_hold(values in proptest::collection::vec((any::<i64>(), 0u32..10), 16)) {
        let (plan, pay, records) = vector("pay-features");
        let mut r = records[0].clone();
        for (m, (v, s)) in plan.measures().iter().zip(&values) {
            r.measures.insert(m.id.to_string(), Decimal::new(*v, *s));
        }
        if let Ok(card) = plan.score(&r) {
            if let Ok(st) = pay.statement(&card, &r) {
                let cash = st.lines.iter().find(|l| &*l.id == "cash").unwrap();
                if let perfscore::pay::LineDetail::Commission { to_date: Some(t), .. } = &cash.detail {
                    prop_assert!(t.due <= d("12000"));
                }
                let _ = st.explain(perfscore::Lang::En);
            }
        }
    }
}

#[test]
fn statement_explains_each_line() {
    let (plan, pay, records) = vector("pay-worked-example");
    let card = plan.score(&records[0]).unwrap();
    let st = pay.statement(&card, &records[0]).unwrap();
    assert_eq!(
        st.lines[1].explain(perfscore::Lang::En),
        "Margin commission: base 130,000; marginal tiers: 100,000 × 10% = 10,000 + 30,000 × 7.5% = 2,250 = 12,250; multiplier for 0.9 → × 1 = 12,250 → 12250.00"
    );
    assert_eq!(
        st.lines[0].explain(perfscore::Lang::Zh),
        "Performance pay: 等级 B → 系数 1；3,000 × 1 = 3,000 → 3000.00"
    );
}

#[test]
fn plain_commission_does_not_repeat_its_amount() {
    let (plan, _, records) = vector("pay-features");
    let pay = PayPlan::from_json(
        r#"{"id":"p","currency":{"code":"CNY"},"commissions":[{"id":"flat","name":"Flat","base":"revenue","mode":"flat","tiers":[{"from":0,"rate":1}]}]}"#,
        &plan,
    )
    .unwrap();
    let card = plan.score(&records[0]).unwrap();
    let st = pay.statement(&card, &records[0]).unwrap();
    // 850,000 × 1% = 8,500, rounded once to 8500.00.
    assert_eq!(
        st.lines[0].explain(perfscore::Lang::En),
        "Flat: base 850,000; flat rate: 850,000 × 1% = 8,500 → 8500.00"
    );
}

#[test]
fn a_pay_plan_document_reads_back_as_the_same_pay_plan() {
    // `to_json` is how a host stores or pickles a pay plan: read back against the same scoring
    // plan, every statement of both vectors is the same, and the text is a fixed point.
    for name in ["pay-worked-example", "pay-features"] {
        let (plan, pay, records) = vector(name);
        let again = PayPlan::from_json(&pay.to_json(), &plan).unwrap();
        assert_eq!(again.to_json(), pay.to_json(), "{name}");
        let options = ScoreOptions::default();
        let before = pay.pay_records(&plan, &records, &options).unwrap();
        let after = again.pay_records(&plan, &records, &options).unwrap();
        let text = |s: &[perfscore::PayStatement]| {
            s.iter().map(|s| s.to_canonical_json()).collect::<Vec<_>>()
        };
        assert_eq!(text(&before), text(&after), "{name}");
    }
}

#[test]
fn a_missing_measure_with_aliases_is_named_by_its_id() {
    // The commission's base has four aliases; the message names the measure's id on every run
    // (it used to name whichever of its names a hash map listed first, which varies by run).
    let plan = Plan::from_json(
        r#"{"id":"p","name":"P","measures":[{"id":"revenue"},
            {"id":"gross_profit","aliases":["毛利","gp","a_gp","GP"]}],
        "indicators":[{"id":"r","weight":100,"actual":"revenue","scoring":{"method":"deduction","per_unit":0}}],
        "grades":[{"grade":"A"}]}"#,
    )
    .unwrap();
    let pay = PayPlan::from_json(
        r#"{"id":"p","currency":{"code":"CNY"},"commissions":[{"id":"flat","name":"Flat","base":"gross_profit","mode":"flat","tiers":[{"from":0,"rate":1}]}]}"#,
        &plan,
    )
    .unwrap();
    let r = Record::new("E1").with("revenue", Decimal::from(100));
    let card = plan.score(&r).unwrap();
    for _ in 0..8 {
        let e = pay.statement(&card, &r).unwrap_err();
        let p = &e.problems()[0];
        assert_eq!(p.kind, perfscore::kinds::MISSING);
        assert!(
            p.message.contains("measure `gross_profit` is missing"),
            "{}",
            p.message
        );
    }
}
