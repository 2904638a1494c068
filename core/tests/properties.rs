//! Invariants that must hold for any input (proptest).

mod common;
use common::*;
use perfscore::{Plan, Record};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn money() -> impl Strategy<Value = Decimal> {
    (0i64..5_000_000_000, 0u32..3).prop_map(|(m, s)| Decimal::new(m, s))
}

/// Any decimal at all, including huge, tiny, negative and zero values.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        Just(Decimal::ZERO),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        (-100i64..100).prop_map(Decimal::from),
    ]
}

fn worked() -> (Plan, Vec<Record>) {
    load_vector("worked-example")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// More revenue never lowers the revenue score or the total (all other numbers fixed).
    #[test]
    fn higher_actual_never_lowers_score(a in money(), b in money()) {
        let (plan, records) = worked();
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let lo_card = plan.score(&records[0].clone().with("revenue", lo)).unwrap();
        let hi_card = plan.score(&records[0].clone().with("revenue", hi)).unwrap();
        prop_assert!(lo_card.indicator("revenue").unwrap().score <= hi_card.indicator("revenue").unwrap().score);
        prop_assert!(lo_card.unrounded_total <= hi_card.unrounded_total);
        // Same for gross profit on the threshold/target/stretch curve.
        let lo_card = plan.score(&records[0].clone().with("gross_profit", lo)).unwrap();
        let hi_card = plan.score(&records[0].clone().with("gross_profit", hi)).unwrap();
        prop_assert!(lo_card.indicator("margin").unwrap().score <= hi_card.indicator("margin").unwrap().score);
    }

    /// Scores stay within floor and cap; contributions add up exactly to the weighted total.
    #[test]
    fn bounds_and_sums(revenue in money(), collected in money(), invoiced in 1i64..10_000_000, gp in money(), visits in 0i64..200, opp in 0i64..50) {
        let (plan, records) = worked();
        let r = records[0].clone()
            .with("revenue", revenue)
            .with("collected", collected)
            .with("invoiced", Decimal::from(invoiced))
            .with("gross_profit", gp)
            .with("visits", Decimal::from(visits))
            .with("opportunities", Decimal::from(opp));
        let c = plan.score(&r).unwrap();
        let s = |id: &str| c.indicator(id).unwrap().score;
        prop_assert!(s("revenue") >= Decimal::ZERO && s("revenue") <= Decimal::from(120));
        prop_assert!(s("margin") >= Decimal::ZERO && s("margin") <= Decimal::from(120));
        prop_assert!(s("visits") <= Decimal::ONE_HUNDRED && s("opportunities") <= Decimal::ONE_HUNDRED);
        let sum: Decimal = c.indicators().map(|i| i.contribution).sum();
        prop_assert_eq!(sum, c.weighted_total);
        let sections: Decimal = c.sections.iter().map(|s| s.contribution).sum();
        prop_assert_eq!(sections, c.weighted_total);
        // Rounded once, half-up to 2 places: within half a cent of the exact total.
        prop_assert!((c.total - c.unrounded_total).abs() <= Decimal::new(5, 3));
        prop_assert_eq!(c.total.scale(), 2);
    }

    /// A plan that validates never panics, whatever the numbers: it scores or returns an error.
    #[test]
    fn never_panics_on_any_numbers(values in proptest::collection::vec(any_decimal(), 12)) {
        for name in ["worked-example", "methods", "missing-policies"] {
            let (plan, records) = load_vector(name);
            let mut r = records[0].clone();
            for (m, v) in plan.measures().iter().zip(&values) {
                r.measures.insert(m.id.to_string(), *v);
            }
            let _ = plan.score(&r);
            let opts = perfscore::ScoreOptions { period: Some(perfscore::PeriodPosition::CalendarDays {
                elapsed: perfscore::Num(Decimal::from(7)), total: perfscore::Num(Decimal::from(31)) }) };
            if let Ok(c) = plan.score_with(&r, &opts) {
                let _ = c.explain(perfscore::Lang::Zh);
                let _ = c.to_canonical_json();
            }
        }
    }

    /// Loading never panics on arbitrary CSV or JSON text.
    #[test]
    fn loaders_never_panic(text in ".{0,300}") {
        let (plan, _) = worked();
        let _ = plan.records_from_csv(&text);
        let _ = plan.records_from_json(&text);
        let _ = Plan::from_json(&text);
    }
}
