//! The fast path against the exact engine: `Plan::totals` (the certified-float kernel, with the
//! engine for the rows it cannot settle) must give every row exactly the total, grade and veto the
//! exact engine gives, on three generators — the benchmark's workload, round numbers (targets of
//! 600,000 / 700,000 / 140,000, where non-terminating quotients cancel into exact half-cents), and
//! values placed on every band edge, curve point and threshold — and on property-generated records
//! for every bundled template. The kernel must also settle most rows (else it proves nothing).

use perfscore::batch::{Column, Table, Threads, Totals};
use perfscore::{templates, Plan, ScoreOptions};
use proptest::prelude::*;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;

#[path = "../../benches/src/people.rs"]
#[allow(dead_code)]
mod people;
use people::{Rng, Workload};

fn one() -> Threads {
    Threads::from_count(Some(1)).unwrap()
}

/// Rows of decimals scored both ways: `totals` from host floats and from a decimal table, against
/// the engine's summaries, row by row. Returns the shares of rows the kernel settled in floats
/// and in its exact stages.
fn check(plan: &Plan, names: &[&str], rows: &[Vec<Option<Decimal>>]) -> (f64, f64) {
    let ids: Vec<String> = (0..rows.len()).map(|i| format!("P{i}")).collect();
    let values: Vec<Option<Decimal>> = rows.iter().flatten().copied().collect();
    let table = Table::from_rows(plan, ids.clone(), names, values).unwrap();
    let engine = plan
        .summarize_with(&table, &ScoreOptions::default(), None, one())
        .unwrap();
    let floats: Vec<Vec<f64>> = (0..names.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].map_or(f64::NAN, |x| x.to_f64().unwrap()))
                .collect()
        })
        .collect();
    let columns: Vec<Column> = floats.iter().map(|c| Column::f64(c)).collect();
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    // A host float stands for its shortest decimal: the float path scores the rows' own numbers
    // only where every value reads back exactly (a long decimal does not), so only then is it
    // checked.
    let round_trips = rows
        .iter()
        .flatten()
        .flatten()
        .all(|d| perfscore::input::decimal_from_f64(d.to_f64().unwrap()) == Ok(*d));
    let from_floats = round_trips.then(|| plan.totals(&ids, &names, &columns, one()).unwrap());
    let from_table = plan
        .totals_of(&table, None, Threads::from_count(Some(2)).unwrap())
        .unwrap();
    let paths: Vec<&Totals> = from_floats.iter().chain([&from_table]).collect();
    let grades: Vec<&str> = plan.grade_names().collect();
    for t in paths {
        for (i, e) in engine.iter().enumerate() {
            let s = &e.summary;
            assert_eq!(t.total(i), Some(s.total), "row {i}: total ({:?})", rows[i]);
            assert_eq!(grades[t.grade[i] as usize], &*s.grade, "row {i}: grade");
            assert_eq!(
                t.grade_before_veto[i].map(|g| grades[g as usize]),
                s.grade_before_veto.as_deref(),
                "row {i}: grade before veto"
            );
            assert_eq!(t.vetoed[i], s.vetoed, "row {i}: vetoed");
        }
    }
    let from_floats = match from_floats {
        Some(f) => {
            assert_eq!(f.settled, from_table.settled);
            assert_eq!(f.settled_exact, from_table.settled_exact);
            f
        }
        None => from_table,
    };
    // The same rows in every other layout a host may hand over give the same answers.
    let layouts = Layouts::new(rows, names.len());
    for (label, columns) in layouts.all() {
        let t = plan.totals(&ids, &names, &columns, one()).unwrap();
        assert_eq!(t.units, from_floats.units, "{label}: totals");
        assert_eq!(t.grade, from_floats.grade, "{label}: grades");
        assert_eq!(t.vetoed, from_floats.vetoed, "{label}: vetoes");
    }
    let settled = from_floats.settled as f64 / rows.len() as f64;
    let exact = from_floats.settled_exact as f64 / rows.len() as f64;
    eprintln!(
        "settled by the kernel: {settled:.4} in floats, {exact:.4} in its exact stages, of {} rows",
        rows.len()
    );
    (settled, exact)
}

/// Rows as integer units with a scale, Arrow text (32- and 64-bit offsets) and decimals, missing
/// values marked in a validity bitmap (and, in text, left as junk the bitmap hides).
struct Layouts {
    units: Vec<(Option<Vec<i64>>, u32)>,
    text: Vec<(Vec<i32>, Vec<i64>, Vec<u8>)>,
    decimals: Vec<Vec<Option<Decimal>>>,
    valid: Vec<Vec<u8>>,
}

impl Layouts {
    fn new(rows: &[Vec<Option<Decimal>>], width: usize) -> Layouts {
        let mut out = Layouts {
            units: Vec::new(),
            text: Vec::new(),
            decimals: Vec::new(),
            valid: Vec::new(),
        };
        for c in 0..width {
            let cells: Vec<Option<Decimal>> = rows.iter().map(|r| r[c]).collect();
            let scale = cells.iter().flatten().map(|d| d.scale()).max().unwrap_or(0);
            // A column whose values do not all fit 64-bit units at one scale (long decimals
            // beside large ones) has no integer layout.
            let units = cells
                .iter()
                .map(|d| match d {
                    None => Some(0),
                    Some(d) => {
                        let mut r = *d;
                        r.rescale(scale);
                        (r == *d && r.scale() == scale)
                            .then(|| i64::try_from(r.mantissa()).ok())
                            .flatten()
                    }
                })
                .collect::<Option<Vec<i64>>>();
            let (mut offsets, mut bytes) = (vec![0i32], Vec::new());
            for d in &cells {
                let shown = d.map_or_else(|| "junk".to_string(), |d| d.to_string());
                bytes.extend_from_slice(shown.as_bytes());
                offsets.push(bytes.len() as i32);
            }
            let large = offsets.iter().map(|&o| i64::from(o)).collect();
            let mut valid = vec![0u8; cells.len().div_ceil(8)];
            for (i, d) in cells.iter().enumerate() {
                if d.is_some() {
                    valid[i / 8] |= 1 << (i % 8);
                }
            }
            out.units.push((units, scale));
            out.text.push((offsets, large, bytes));
            out.decimals.push(cells);
            out.valid.push(valid);
        }
        out
    }

    fn all(&self) -> Vec<(&'static str, Vec<Column<'_>>)> {
        let v = |c: usize| self.valid[c].as_slice();
        let n = self.units.len();
        let mut all = Vec::new();
        if self.units.iter().all(|(u, _)| u.is_some()) {
            all.push((
                "i64 units with a scale",
                (0..n)
                    .map(|c| {
                        let units = self.units[c].0.as_deref().unwrap_or_default();
                        Column::i64(units, self.units[c].1).with_validity(v(c))
                    })
                    .collect(),
            ));
        }
        all.extend([
            (
                "utf8 text",
                (0..n)
                    .map(|c| Column::text(&self.text[c].0, &self.text[c].2).with_validity(v(c)))
                    .collect(),
            ),
            (
                "large utf8 text",
                (0..n)
                    .map(|c| {
                        Column::large_text(&self.text[c].1, &self.text[c].2).with_validity(v(c))
                    })
                    .collect(),
            ),
            (
                "decimals",
                (0..n)
                    .map(|c| Column::decimals(&self.decimals[c]))
                    .collect(),
            ),
        ]);
        all
    }
}

fn generated(workload: Workload, n: usize, seed: u64) -> Vec<Vec<Option<Decimal>>> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| workload.person(&mut rng).into_iter().map(Some).collect())
        .collect()
}

fn sales_plan() -> Plan {
    Plan::from_json(templates::DEMO_PLAN_JSON).unwrap()
}

/// The monthly-sales-rep measure ids in plan order (the order the generators fill).
fn measures() -> Vec<&'static str> {
    static PLAN: std::sync::OnceLock<Plan> = std::sync::OnceLock::new();
    let plan = PLAN.get_or_init(sales_plan);
    plan.measures().iter().map(|m| &*m.id).collect()
}

#[test]
fn kernel_equals_engine_on_the_benchmark_workload() {
    let (settled, _) = check(
        &sales_plan(),
        &measures(),
        &generated(Workload::Bench, 20_000, 0x5eed),
    );
    // Measured 0.99 here; the kernel must carry the workload, not hand it all to the engine.
    assert!(settled > 0.9, "kernel settled only {settled}");
}

#[test]
fn a_table_with_its_columns_in_another_order_reads_each_cell_into_its_measure() {
    // The table's columns in reverse plan order over 150 rows: two full lanes of 64 and a
    // partial one. The kernel must read each cell into its own measure: the engine's totals row
    // by row, and the kernel settles most rows itself.
    let plan = sales_plan();
    let all = measures();
    let names: Vec<&str> = all.iter().rev().copied().collect();
    let rows: Vec<Vec<Option<Decimal>>> = generated(Workload::Bench, 150, 0x7ab1e)
        .into_iter()
        .map(|row| row.into_iter().rev().collect())
        .collect();
    let (settled, exact) = check(&plan, &names, &rows);
    assert!(
        settled + exact > 0.9,
        "kernel settled only {settled} + {exact}"
    );
}

#[test]
fn kernel_equals_engine_on_round_numbers() {
    let (settled, exact) = check(
        &sales_plan(),
        &measures(),
        &generated(Workload::Round, 20_000, 0xc0ffee),
    );
    assert!(settled > 0.5, "kernel settled only {settled}");
    // Short decimals over round targets are fractions with small denominators: the exact
    // stages decide every row the floats leave, exact ties through 691/7-style quotients
    // included, and none reaches the engine.
    // (One row is 1/20,000 of the shares; the tolerance only absorbs their float sum.)
    assert!(settled + exact > 1.0 - 1e-9, "the engine scored some rows");
}

#[test]
fn kernel_equals_engine_on_every_boundary() {
    let (settled, exact) = check(
        &sales_plan(),
        &measures(),
        &generated(Workload::Boundary, 20_000, 0xb0b),
    );
    // Most of these rows sit on an edge on purpose. The floats decide a quotient exactly on a
    // band edge from its operands' products, and an exact tie from a total held in units where
    // the weights are whole numbers (measured 0.90 of 100,000 with the bench binary; 0.20 before
    // either); the exact stages decide the rest.
    assert!(settled > 0.8, "kernel settled only {settled}");
    // (One row is 1/20,000 of the shares; the tolerance only absorbs their float sum.)
    assert!(settled + exact > 1.0 - 1e-9, "the engine scored some rows");
}

/// The `exact-ties` vector's plan and its measure ids in the order the tests fill them.
fn exact_ties_plan() -> (Plan, [&'static str; 6]) {
    exact_ties_plan_weighted(20, 80)
}

/// The `exact-ties` plan with its two results indicators weighted `margin` and `revenue`.
fn exact_ties_plan_weighted(margin: u32, revenue: u32) -> (Plan, [&'static str; 6]) {
    let mut v: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/vectors/exact-ties.json")).unwrap();
    let results = &mut v["plan"]["sections"][0]["indicators"];
    results[0]["weight"] = margin.into();
    results[1]["weight"] = revenue.into();
    let plan = Plan::from_json(&v["plan"].to_string()).unwrap();
    let names = [
        "gross_profit",
        "margin_target",
        "revenue",
        "revenue_target",
        "visits",
        "special_award",
    ];
    (plan, names)
}

/// One row of host floats as single-value columns.
fn one_row(values: &[f64]) -> Vec<Vec<f64>> {
    values.iter().map(|x| vec![*x]).collect()
}

#[test]
fn exact_ties_through_a_quotient_by_a_round_number_are_decided_exactly() {
    // The `exact-ties` vector: 691/7 × 20 % × 70 % + 28 + 30 + 0.655 = 72.475 → 72.48, grade B.
    // The floats cannot decide it; 691/7 is a whole number of the spans' units (63 × 10¹² per 1),
    // so the spans do.
    let (plan, names) = exact_ties_plan();
    let row = [138_200i64, 140_000, 50, 100, 40, 1]
        .map(|x| Some(Decimal::from(x)))
        .to_vec();
    check(&plan, &names, std::slice::from_ref(&row));
    let ids = ["T1"];
    let floats: Vec<f64> = row.iter().map(|x| x.unwrap().to_f64().unwrap()).collect();
    let columns = one_row(&floats);
    let columns: Vec<Column> = columns.iter().map(|c| Column::f64(c)).collect();
    let t = plan.totals(&ids, &names, &columns, one()).unwrap();
    assert_eq!(t.total(0), Some(Decimal::new(7248, 2)));
    assert_eq!(plan.grade_names().nth(t.grade[0] as usize), Some("B"));
    // Never guessed in floats; settled by the kernel's exact stages, not the engine.
    assert_eq!((t.settled, t.settled_exact), (0, 1));
}

/// A tie through a quotient that does not terminate in the spans' units, on the `exact-ties` plan
/// weighted 22 / 78 (worked by hand and with Python's `fractions`): 100,250 ÷ 110,000 × 100 =
/// 2005/22 % × 22 % × 70 % = 14.035 (the 11 cancels) + 50 % × 78 % × 70 % = 27.3 + 30 = 71.335
/// exactly → 71.34 half-up. The span of 2005/22 is one unit wide and straddles the tie (span.rs
/// checks that), so the fractions decide it.
const ELEVENTHS_TIE: [f64; 6] = [100_250.0, 110_000.0, 50.0, 100.0, 40.0, 0.0];
/// A tie the spans decide on the same plan: 135,500 ÷ 140,000 × 100 = 1355/14 % × 15.4 % =
/// 14.905 + 27.3 + 30 = 72.205 exactly → 72.21.
const SEVENTHS_TIE: [f64; 6] = [135_500.0, 140_000.0, 50.0, 100.0, 40.0, 0.0];

#[test]
fn exact_ties_through_a_quotient_that_does_not_terminate_are_decided_in_fractions() {
    let (plan, names) = exact_ties_plan_weighted(22, 78);
    let row: Vec<Option<Decimal>> = ELEVENTHS_TIE
        .iter()
        .map(|&x| Decimal::from_f64(x))
        .collect();
    check(&plan, &names, std::slice::from_ref(&row));
    let columns = one_row(&ELEVENTHS_TIE);
    let columns: Vec<Column> = columns.iter().map(|c| Column::f64(c)).collect();
    let t = plan.totals(&["T1"], &names, &columns, one()).unwrap();
    assert_eq!(t.total(0), Some(Decimal::new(7134, 2)));
    assert_eq!((t.settled, t.settled_exact), (0, 1));
}

#[test]
fn open_rows_run_together_in_the_exact_stages_and_keep_their_order() {
    // The exact stages take the open rows in groups (the spans over all of a group, then the
    // fractions for the rows the spans leave open). 37 rows, more than two groups, alternating
    // the two hand-worked ties above: 71.335 → 71.34 (in fractions) and 72.205 → 72.21 (in
    // spans). Each row keeps its own answer, in order.
    let (plan, names) = exact_ties_plan_weighted(22, 78);
    let (tie, short) = (ELEVENTHS_TIE, SEVENTHS_TIE);
    let n = 37;
    let columns: Vec<Vec<f64>> = (0..tie.len())
        .map(|k| {
            (0..n)
                .map(|i| if i % 2 == 0 { tie[k] } else { short[k] })
                .collect()
        })
        .collect();
    let columns: Vec<Column> = columns.iter().map(|c| Column::f64(c)).collect();
    let ids: Vec<String> = (0..n).map(|i| format!("T{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let t = plan.totals(&ids, &names, &columns, one()).unwrap();
    for i in 0..n {
        let expected = if i % 2 == 0 { 7134 } else { 7221 };
        assert_eq!(t.total(i), Some(Decimal::new(expected, 2)), "row {i}");
    }
    assert_eq!((t.settled, t.settled_exact), (0, n));
}

#[test]
fn exact_ties_of_short_decimals_are_decided_in_exact_spans() {
    // The `exact-ties` plan with a terminating completion, worked by hand: 138,600 ÷ 140,000 =
    // 99 % → 99 × 20 % × 70 % = 13.86; 50 % × 80 % × 70 % = 28; visits 100 × 30 % = 30; award
    // 0.655: 72.515 exactly, half-up → 72.52, grade B (from 72.48). Floats cannot decide a tie
    // (0.655 is not a binary fraction); the exact spans can.
    let (plan, names) = exact_ties_plan();
    let values = [138_600.0, 140_000.0, 50.0, 100.0, 40.0, 1.0];
    let columns = one_row(&values);
    let columns: Vec<Column> = columns.iter().map(|c| Column::f64(c)).collect();
    let t = plan.totals(&["T1"], &names, &columns, one()).unwrap();
    assert_eq!(t.total(0), Some(Decimal::new(7252, 2)));
    assert_eq!(plan.grade_names().nth(t.grade[0] as usize), Some("B"));
    assert_eq!((t.settled, t.settled_exact), (0, 1));
}

#[test]
fn missing_values_and_bad_floats_take_the_engine_path() {
    let plan = sales_plan();
    let mut rows = generated(Workload::Bench, 50, 7);
    // key_accounts may be missing (counted as zero); a missing revenue is a problem.
    rows[3][15] = None;
    check(&plan, &measures(), &rows);
    let ids: Vec<String> = (0..2).map(|i| format!("P{i}")).collect();
    let names = measures();
    let mut floats: Vec<Vec<f64>> = names.iter().map(|_| vec![1.0, 1.0]).collect();
    floats[0][1] = f64::INFINITY;
    floats[1][0] = f64::NAN;
    let columns: Vec<Column> = floats.iter().map(|c| Column::f64(c)).collect();
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let err = plan.totals(&ids, &names, &columns, one()).unwrap_err();
    let kinds: Vec<(String, &str)> = err.problems().iter().map(|p| (p.path(), p.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            (
                "records[0] (P0).indicators.sales_completion".to_string(),
                "missing"
            ),
            ("records[1] (P1).measures.revenue".to_string(), "not_finite"),
        ]
    );
}

#[test]
fn bad_cells_and_bad_columns_are_reported_with_their_place() {
    let plan = Plan::from_json(
        r#"{"id": "p", "name": "P", "measures": [{"id": "revenue"}, {"id": "revenue_target"}],
        "indicators": [{"id": "sales", "name": "Sales", "weight": 100, "actual": "revenue",
          "target": "revenue_target", "scoring": {"method": "ratio", "cap": 120}}],
        "grades": [{"grade": "B", "to": 95}, {"grade": "A", "from": 95}]}"#,
    )
    .unwrap();
    let names = ["revenue", "revenue_target"];
    // Text "850000", "lots", "" (missing): hand-checked 850,000 ÷ 1,000,000 = 85.00.
    let offsets = [0i32, 6, 10, 10];
    let bytes = b"850000lots";
    let target = [1_000_000.0; 3];
    let columns = [Column::text(&offsets, bytes), Column::f64(&target)];
    let err = plan
        .totals(&["A", "B", "C"], &names, &columns, one())
        .unwrap_err();
    let got: Vec<(String, &str)> = err.problems().iter().map(|p| (p.path(), p.kind)).collect();
    assert_eq!(
        got,
        vec![
            (
                "records[1] (B).measures.revenue".to_string(),
                "not_a_number"
            ),
            ("records[2] (C).indicators.sales".to_string(), "missing"),
        ]
    );
    let ok = plan
        .totals(
            &["A"],
            &names,
            &[
                Column::text(&offsets[..2], bytes),
                Column::f64(&target[..1]),
            ],
            one(),
        )
        .unwrap();
    assert_eq!(ok.total(0), Some(Decimal::new(8500, 2)));
    // Offsets past the bytes, and a bitmap too short for the rows, are the column's problems.
    let bad = [0i32, 99];
    let err = plan
        .totals(
            &["A"],
            &names,
            &[Column::text(&bad, bytes), Column::f64(&target[..1])],
            one(),
        )
        .unwrap_err();
    assert_eq!(err.problems()[0].path(), "columns[0]");
    let nine = [1.0; 9];
    let err = plan
        .totals(
            &["1", "2", "3", "4", "5", "6", "7", "8", "9"],
            &names,
            &[
                Column::f64(&nine).with_validity(&[0xff]),
                Column::f64(&nine),
            ],
            one(),
        )
        .unwrap_err();
    assert_eq!(err.problems()[0].path(), "columns[0]");
}

/// A decimal with up to 4 places in a range that reaches every edge of the bundled plans.
fn value() -> impl Strategy<Value = Option<Decimal>> {
    prop_oneof![
        20 => (0i64..200_000, 0u32..=4).prop_map(|(n, s)| Some(Decimal::new(n, s))),
        5 => (0i64..=130).prop_map(|n| Some(Decimal::from(n))),
        10 => (0i64..=6).prop_map(|n| Some(Decimal::from(n))),
        1 => Just(None),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn kernel_equals_engine_on_every_template(
        which in 0usize..templates::PLAN_TEMPLATES.len(),
        cells in prop::collection::vec(value(), 40 * 32),
    ) {
        let plan = Plan::from_json(templates::PLAN_TEMPLATES[which].1).unwrap();
        let names: Vec<String> = plan.measures().iter().map(|m| m.id.to_string()).collect();
        let width = names.len();
        let rows: Vec<Vec<Option<Decimal>>> = cells.chunks(32).map(|c| c[..width.min(32)].to_vec()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).take(32).collect();
        // Rows the engine refuses fail the batch on both paths alike, with the same problems...
        let ids: Vec<String> = (0..rows.len()).map(|i| format!("P{i}")).collect();
        let values: Vec<Option<Decimal>> = rows.iter().flatten().copied().collect();
        let table = Table::from_rows(&plan, ids, &names, values).unwrap();
        let engine = plan.summarize_with(&table, &ScoreOptions::default(), None, one());
        let kernel = plan.totals_of(&table, None, one());
        match (engine, kernel) {
            (Ok(_), Ok(_)) => {}
            (Err(a), Err(b)) => prop_assert_eq!(a.problems(), b.problems()),
            (a, b) => prop_assert!(false, "engine {:?}, kernel {:?}", a.is_ok(), b.is_ok()),
        }
        // ...and the rows it scores get the engine's totals, grades and vetoes.
        let good: Vec<Vec<Option<Decimal>>> = rows
            .into_iter()
            .filter(|r| {
                let t = Table::from_rows(&plan, vec!["P".into()], &names, r.clone()).unwrap();
                plan.summarize_with(&t, &ScoreOptions::default(), None, one()).is_ok()
            })
            .collect();
        if !good.is_empty() {
            check(&plan, &names, &good);
        }
    }
}

/// One indicator of a generated plan: its method, on measures m0…m5.
fn scoring() -> impl Strategy<Value = (String, String, String)> + Clone {
    let target = prop_oneof![
        Just("\"m1\"".to_string()),
        Just("\"m2\"".to_string()),
        (1i64..5_000).prop_map(|t| format!("{t}")),
        Just("700000".to_string()),
        Just("30".to_string()),
    ];
    let actual = prop_oneof![
        Just("\"m0\"".to_string()),
        Just("\"m3\"".to_string()),
        Just("\"m0 / m1 * 100\"".to_string()),
    ];
    let method = prop_oneof![
        Just(r#"{"method": "ratio", "floor": 0, "cap": 120}"#.to_string()),
        Just(r#"{"method": "ratio"}"#.to_string()),
        Just(r#"{"method": "bands", "basis": "completion", "bands": [{"to": 60, "score": 0}, {"from": 60, "to": 100, "score": 70}, {"from": 100, "score": 100}]}"#.to_string()),
        Just(r#"{"method": "threshold_target_stretch", "basis": "completion", "threshold": {"at": 60, "score": 60}, "target": {"at": 100, "score": 100}, "stretch": {"at": 120, "score": 120}}"#.to_string()),
        Just(r#"{"method": "lower_is_better", "form": "linear", "floor": 0, "cap": 120}"#.to_string()),
        Just(r#"{"method": "formula", "expr": "if(actual >= target, 100 + (actual - target) / 7, actual / target * 90)", "floor": 0, "cap": 130}"#.to_string()),
        Just(r#"{"method": "deduction", "start": 100, "per_unit": 2.5, "floor": 0}"#.to_string()),
        Just(r#"{"method": "pass_fail", "pass_if": "actual >= target / 3"}"#.to_string()),
        Just(r#"{"method": "rating", "min": 1, "max": 5}"#.to_string()),
        // A scale whose max − min needs more than 28 digits (exact in the engine too).
        Just(r#"{"method": "rating", "min": 0.0000000000000000000000000001, "max": 130}"#.to_string()),
    ];
    (actual, target, method)
}

/// A generated plan: one or two sections of one to three indicators, weights summing to 100,
/// an optional bonus and veto, a rounding scale and mode.
fn plan_json(
    scoring: impl Strategy<Value = (String, String, String)> + Clone,
) -> impl Strategy<Value = String> {
    let splits = prop_oneof![
        Just(vec![100]),
        Just(vec![40, 60]),
        Just(vec![35, 65]),
        Just(vec![20, 30, 50]),
        Just(vec![33, 33, 34]),
    ];
    let section = (splits, prop::collection::vec(scoring, 3));
    (
        prop::collection::vec(section, 1..=2),
        prop_oneof![Just(70), Just(35), Just(50)],
        any::<bool>(),
        any::<bool>(),
        0u32..=3,
        prop_oneof![Just("half_up"), Just("half_even"), Just("down")],
    )
        .prop_map(|(sections, w0, bonus, veto, scale, mode)| {
            let n = sections.len();
            let mut out = Vec::new();
            for (k, (split, methods)) in sections.into_iter().enumerate() {
                let weight = if n == 1 { 100 } else if k == 0 { w0 } else { 100 - w0 };
                let inds: Vec<String> = split
                    .iter()
                    .zip(methods)
                    .enumerate()
                    .map(|(j, (w, (actual, target, method)))| {
                        format!(
                            r#"{{"id": "i{k}{j}", "name": "I", "weight": {w}, "actual": {actual}, "target": {target}, "scoring": {method}}}"#
                        )
                    })
                    .collect();
                out.push(format!(
                    r#"{{"id": "s{k}", "name": "S", "weight": {weight}, "indicators": [{}]}}"#,
                    inds.join(", ")
                ));
            }
            let adjustments = if bonus {
                r#"[{"id": "b", "name": "B", "kind": "bonus", "count": "m4", "points_each": 1.5, "max": 6}]"#
            } else {
                "[]"
            };
            let vetoes = if veto {
                r#"[{"id": "v", "name": "V", "when": "m5 > 90", "effect": "zero_total"}]"#
            } else {
                "[]"
            };
            format!(
                r#"{{"id": "generated", "name": "G",
                  "measures": [{{"id": "m0"}}, {{"id": "m1"}}, {{"id": "m2"}}, {{"id": "m3"}}, {{"id": "m4"}}, {{"id": "m5"}}],
                  "sections": [{}], "adjustments": {adjustments}, "vetoes": {vetoes},
                  "grades": [{{"grade": "D", "to": 60}}, {{"grade": "C", "from": 60, "to": 80}}, {{"grade": "B", "from": 80, "to": 95}}, {{"grade": "A", "from": 95}}],
                  "rounding": {{"scale": {scale}, "mode": "{mode}"}}}}"#,
                out.join(", ")
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn kernel_equals_engine_on_generated_plans(
        plan in plan_json(scoring()),
        cells in cells(),
    ) {
        agrees_with_engine(&plan, cells)?;
    }

    #[test]
    fn kernel_equals_engine_where_constants_combine(
        plan in plan_json(combined_constants()),
        cells in cells(),
    ) {
        agrees_with_engine(&plan, cells)?;
    }

    #[test]
    fn kernel_equals_engine_on_quotient_comparisons(
        plan in plan_json(quotient_comparisons()),
        cells in edge_cells(),
    ) {
        agrees_with_engine(&plan, cells)?;
    }
}

#[test]
fn quotients_exactly_on_band_edges_are_decided_in_floats() {
    // The bundled plan's collection rate, alone: bands on if(invoiced = 0, 0, collected ÷
    // invoiced) at 0.8, 0.9 and 0.95. 665,000 ÷ 700,000 is exactly 0.95 and 630,000 ÷ 700,000
    // exactly 0.9, which no float holds, so comparing the quotient's float with the edge's
    // cannot decide them; comparing 665,000 × 100 with 95 × 700,000 can, exactly. By hand:
    // 0.95 → 100; 0.9 → 80; 629,999.99 ÷ 700,000 = 0.89999998… → 60; 0 ÷ 0 is not computed
    // (the if gives 0) → 0.
    let plan = Plan::from_json(
        r#"{"id": "c", "name": "C", "measures": [{"id": "collected"}, {"id": "invoiced"}],
            "sections": [{"id": "s", "name": "S", "weight": 100, "indicators": [
              {"id": "rate", "name": "R", "weight": 100,
               "actual": "if(invoiced == 0, 0, collected / invoiced)",
               "scoring": {"method": "bands", "basis": "actual", "bands": [
                 {"to": 0.8, "score": 0}, {"from": 0.8, "to": 0.9, "score": 60},
                 {"from": 0.9, "to": 0.95, "score": 80}, {"from": 0.95, "score": 100}]}}]}],
            "grades": [{"grade": "C", "to": 80}, {"grade": "A", "from": 80}]}"#,
    )
    .unwrap();
    let collected = [665_000.0, 630_000.0, 629_999.99, 0.0];
    let invoiced = [700_000.0, 700_000.0, 700_000.0, 0.0];
    let columns = [Column::f64(&collected), Column::f64(&invoiced)];
    let ids = ["R1", "R2", "R3", "R4"];
    let t = plan
        .totals(&ids, &["collected", "invoiced"], &columns, one())
        .unwrap();
    let totals: Vec<Option<Decimal>> = (0..4).map(|i| t.total(i)).collect();
    let points = [100, 80, 60, 0].map(|p| Some(Decimal::from(p) * Decimal::new(100, 2)));
    assert_eq!(totals, points.to_vec());
    assert_eq!((t.settled, t.settled_exact), (4, 0), "all four in floats");
}

#[test]
fn exact_ties_weighted_by_non_binary_weights_are_decided_in_floats() {
    // Weights 35 and 65 in a section of 70, and 100 in a section of 30: combined weights 0.245,
    // 0.455 and 0.3, none of them a float. By hand, for 30, 50 and 100: 30 × 2.5 = 75 points
    // (2.5 is a float exactly), 75 × 0.245 = 18.375; 50 × 0.455 = 22.75; 100 × 0.3 = 30; total
    // 71.125 exactly, a tie at two places: half-up 71.13, half-even 71.12. The lanes hold the
    // total in thousandths, where every weight is a whole number (245, 455, 300): 71,125
    // exactly, so the tie is decided in floats, where 0.245 × 75 could only be "near 18.375".
    let plan_with = |mode: &str| {
        Plan::from_json(&format!(
            r#"{{"id": "w", "name": "W", "measures": [{{"id": "m1"}}, {{"id": "m2"}}, {{"id": "m3"}}],
                "sections": [
                  {{"id": "a", "name": "A", "weight": 70, "indicators": [
                    {{"id": "i1", "name": "I1", "weight": 35, "actual": "m1",
                      "scoring": {{"method": "formula", "expr": "actual * 2.5"}}}},
                    {{"id": "i2", "name": "I2", "weight": 65, "actual": "m2",
                      "scoring": {{"method": "formula", "expr": "actual"}}}}]}},
                  {{"id": "b", "name": "B", "weight": 30, "indicators": [
                    {{"id": "i3", "name": "I3", "weight": 100, "actual": "m3",
                      "scoring": {{"method": "formula", "expr": "actual"}}}}]}}],
                "grades": [{{"grade": "B", "to": 80}}, {{"grade": "A", "from": 80}}],
                "rounding": {{"scale": 2, "mode": "{mode}"}}}}"#
        ))
        .unwrap()
    };
    let (m1, m2, m3) = ([30.0], [50.0], [100.0]);
    let columns = [Column::f64(&m1), Column::f64(&m2), Column::f64(&m3)];
    for (mode, cents) in [("half_up", 7113), ("half_even", 7112)] {
        let plan = plan_with(mode);
        let t = plan
            .totals(&["W1"], &["m1", "m2", "m3"], &columns, one())
            .unwrap();
        assert_eq!(t.total(0), Some(Decimal::new(cents, 2)), "{mode}");
        assert_eq!((t.settled, t.settled_exact), (1, 0), "{mode}: in floats");
    }
}

/// One indicator that compares quotients: against band edges (through a select, as the bundled
/// plan's collection rate), against each other, with divisors that may be zero or negative.
fn quotient_comparisons() -> impl Strategy<Value = (String, String, String)> + Clone {
    let method = prop_oneof![
        Just(
            r#"{"method": "bands", "basis": "actual", "bands": [{"to": 0.8, "score": 0}, {"from": 0.8, "to": 0.95, "score": 60}, {"from": 0.95, "score": 100}]}"#
        ),
        Just(r#"{"method": "pass_fail", "pass_if": "m0 / m1 >= m2 / m3"}"#),
        Just(r#"{"method": "pass_fail", "pass_if": "m2 / (m1 - 100) < 0.95"}"#),
        Just(r#"{"method": "pass_fail", "pass_if": "0.8 <= m0 / m1 and m0 / m1 < 0.9"}"#),
        Just(
            r#"{"method": "bands", "basis": "completion", "bands": [{"to": 95, "score": 0}, {"from": 95, "score": 100}]}"#
        ),
        Just(
            r#"{"method": "threshold_target_stretch", "basis": "completion", "threshold": {"at": 80, "score": 60}, "target": {"at": 95, "score": 100}, "stretch": {"at": 120, "score": 120}}"#
        ),
    ];
    let actual = prop_oneof![
        Just("\"if(m1 == 0, 0, m0 / m1)\"".to_string()),
        Just("\"m0\"".to_string()),
    ];
    let target = prop_oneof![Just("\"m1\"".to_string()), Just("\"m3\"".to_string())];
    (actual, target, method.prop_map(str::to_string))
}

/// Thirty rows of cells whose quotients often land exactly on 0.8, 0.9, 0.95 and 1, or near
/// them, with zero and negative values.
fn edge_cells() -> impl Strategy<Value = Vec<Option<Decimal>>> {
    let picks = [
        "0", "95", "100", "80", "90", "76", "665000", "700000", "-100", "-95", "0.95", "1", "19",
        "20", "100.01", "94.99", "133", "140",
    ];
    let pick = prop::sample::select(picks.to_vec()).prop_map(|s| Some(s.parse().unwrap()));
    prop::collection::vec(pick, 6 * 30)
}

/// Thirty rows of cells for a generated plan (measures m0…m5).
fn cells() -> impl Strategy<Value = Vec<Option<Decimal>>> {
    prop::collection::vec(
        prop_oneof![
            4 => (1i64..2_000_000, 0u32..=3).prop_map(|(n, s)| Some(Decimal::new(n, s))),
            2 => (0i64..=130).prop_map(|n| Some(Decimal::from(n))),
            1 => Just(Some(Decimal::from(700_000))),
            // Powers of two whose products are exact in floats and past a decimal's range:
            // the engine reports an overflow, and the kernel must leave the row to it.
            1 => prop_oneof![Just(1i64 << 40), Just(1i64 << 52)].prop_map(|n| Some(Decimal::from(n))),
            // 10²² and 10²⁴, inside the kernel's range (below 2⁸⁰), where one step by a large
            // factor or a small divisor takes the engine past a decimal's; 10²⁶, past it.
            1 => prop_oneof![Just(22u32), Just(24), Just(26)]
                .prop_map(|p| Some(Decimal::from_i128_with_scale(10i128.pow(p), 0))),
            // Long decimals, down to 10⁻²⁸: where a 28-digit intermediate would round.
            1 => (1i64..i64::MAX, 10u32..=28).prop_map(|(n, s)| Some(Decimal::new(n, s))),
        ],
        6 * 30,
    )
}

/// Rows of `cells` scored on the kernel and on the engine: the same problems for the batch, and
/// for every row the engine scores, the same total, grade and veto.
fn agrees_with_engine(plan: &str, cells: Vec<Option<Decimal>>) -> Result<(), TestCaseError> {
    let plan = Plan::from_json(plan).unwrap();
    let names = ["m0", "m1", "m2", "m3", "m4", "m5"];
    // The whole batch: the same problems on both paths (overflows included)...
    let ids: Vec<String> = (0..30).map(|i| format!("P{i}")).collect();
    let table = Table::from_rows(&plan, ids, &names, cells.clone()).unwrap();
    match (
        plan.summarize_with(&table, &ScoreOptions::default(), None, one()),
        plan.totals_of(&table, None, one()),
    ) {
        (Ok(_), Ok(_)) => {}
        (Err(a), Err(b)) => {
            // The same problems, but for a total past 64-bit units, which the kernel's columns
            // also refuse (the engine's summaries hold it as a decimal).
            let kernel_only = |p: &&perfscore::Problem| {
                p.kind == "number_out_of_range" && !a.problems().contains(p)
            };
            let rest: Vec<_> = b
                .problems()
                .iter()
                .filter(|p| !kernel_only(p))
                .cloned()
                .collect();
            prop_assert_eq!(a.problems(), &rest[..]);
        }
        // A total past 64-bit units is the one thing the kernel's columns refuse.
        (Ok(rows), Err(b)) => {
            let too_large = |t: &Decimal| {
                t.abs()
                    .checked_mul(Decimal::from(1000))
                    .is_none_or(|u| u > Decimal::from(i64::MAX))
            };
            prop_assert!(rows.iter().any(|r| too_large(&r.summary.total)));
            prop_assert!(b.problems().iter().all(|p| p.kind == "number_out_of_range"));
        }
        (Err(_), Ok(_)) => prop_assert!(false, "the kernel settled a batch the engine refuses"),
    }
    // ...and every row the engine scores, the engine's total, grade and veto.
    let rows: Vec<Vec<Option<Decimal>>> = cells
        .chunks(6)
        .map(|r| r.to_vec())
        .filter(|r| {
            let t = Table::from_rows(&plan, vec!["P".into()], &names, r.clone()).unwrap();
            // Rows the engine scores to a total the kernel's 64-bit units can hold.
            let fits = |t: &Decimal| {
                t.abs()
                    .checked_mul(Decimal::from(1000))
                    .is_some_and(|u| u <= Decimal::from(i64::MAX))
            };
            plan.summarize_with(&t, &ScoreOptions::default(), None, one())
                .is_ok_and(|r| fits(&r[0].summary.total))
        })
        .collect();
    if !rows.is_empty() {
        check(&plan, &names, &rows);
    }
    Ok(())
}

/// One indicator whose formula multiplies and divides by constants the kernel may combine, of
/// every size around its limits (factors up to 10⁴, divisors from 10⁻⁴): with the cells' powers of
/// two, some steps the engine reports as overflows lie inside a combination.
fn combined_constants() -> impl Strategy<Value = (String, String, String)> + Clone {
    let constant = prop::sample::select(vec![
        "0.00001", "0.0001", "0.3", "3", "7", "20", "40", "100", "10000", "100000", "10000000",
    ]);
    let formula = (constant.clone(), constant.clone(), constant, 0..4usize).prop_map(
        |(a, b, c, k)| match k {
            0 => format!("actual * {a} / {b}"),
            1 => format!("actual / {b} * {a}"),
            2 => format!("{c} + (actual - {c}) * {a} / {a}"),
            _ => format!("(actual + {c}) - {c}"),
        },
    );
    let actual = prop_oneof![Just("\"m0\"".to_string()), Just("\"m3\"".to_string())];
    let target = prop_oneof![Just("\"m1\"".to_string()), Just("30".to_string())];
    (actual, target, formula).prop_map(|(actual, target, expr)| {
        let method =
            format!(r#"{{"method": "formula", "expr": "{expr}", "floor": 0, "cap": 130}}"#);
        (actual, target, method)
    })
}

#[test]
fn packed_totals_hold_units_grade_indexes_and_vetoes() {
    // The same two rows as above (72.475 → 72.48, grade B; 72.515 → 72.52, grade B), packed for a
    // host's typed arrays: scale, then units, grades, grades before veto (−1: none), vetoed.
    let (plan, names) = exact_ties_plan();
    let values = [
        138_200.0, 138_600.0, 140_000.0, 140_000.0, 50.0, 50.0, 100.0, 100.0, 40.0, 40.0, 1.0, 1.0,
    ];
    let names = serde_json::to_string(&names).unwrap();
    let packed = plan
        .totals_floats(r#"["T1","T2"]"#, &names, &values, one())
        .unwrap();
    let grades: Vec<String> = serde_json::from_str(&plan.run("grade_names", "").unwrap()).unwrap();
    let b = grades.iter().position(|g| g == "B").unwrap() as f64;
    assert_eq!(packed, [2.0, 7248.0, 7252.0, b, b, -1.0, -1.0, 0.0, 0.0]);
}

/// One indicator on measure m0 against a target of 30, scored by `scoring`; grades D below 60
/// and A from 60; totals at `scale` places, half-up.
fn m0_plan(scoring: &str, scale: u32) -> Plan {
    Plan::from_json(&format!(
        r#"{{"id": "m0", "name": "M", "measures": [{{"id": "m0"}}],
            "sections": [{{"id": "s", "name": "S", "weight": 100, "indicators": [
              {{"id": "i", "name": "I", "weight": 100, "actual": "m0", "target": 30,
                "scoring": {scoring}}}]}}],
            "grades": [{{"grade": "D", "to": 60}}, {{"grade": "A", "from": 60}}],
            "rounding": {{"scale": {scale}, "mode": "half_up"}}}}"#
    ))
    .unwrap()
}

#[test]
fn constants_the_program_combines_keep_the_engine_totals() {
    // The kernel computes `(x − c) × a ÷ a + c` as x and `x × 100 ÷ 4`, `x ÷ 4 × 90` as x × 25
    // and x × 22.5: the same exact values, fewer steps. Hand-worked, half-up to 2 places:
    // 72.475 (a tie, not a float) stays 72.475 → 72.48; 2.899 × 25 = 72.475 → 72.48;
    // 3.2211 ÷ 4 × 90 = 72.47475 → 72.47; 0.04 × 25 = 1 → 1.00.
    let cases: [(&str, [f64; 2], [i64; 2]); 3] = [
        ("100 + (actual - 100) * 20 / 20", [72.475, 0.04], [7248, 4]),
        ("actual * 100 / 4", [2.899, 0.04], [7248, 100]),
        ("actual / 4 * 90", [3.2211, 0.04], [7247, 90]),
    ];
    for (expr, values, units) in cases {
        let plan = m0_plan(
            &format!(r#"{{"method": "formula", "expr": "{expr}", "floor": 0, "cap": 130}}"#),
            2,
        );
        let columns = [Column::f64(&values)];
        let t = plan
            .totals(&["P0", "P1"], &["m0"], &columns, one())
            .unwrap();
        assert_eq!(t.units, units, "{expr}");
        let rows: Vec<Vec<Option<Decimal>>> = values
            .iter()
            .map(|&v| vec![perfscore::input::decimal_from_f64(v).ok()])
            .collect();
        check(&plan, &["m0"], &rows);
    }
}

#[test]
fn constants_too_large_to_combine_keep_the_engine_overflow() {
    // 10²² × 10,000,000 is past a decimal's range (about 7.9 × 10²⁸), and so is 10²² ÷ 10⁻⁷:
    // the engine reports the step, so the kernel must not combine those constants (only factors
    // up to 10⁴ and divisors from 10⁻⁴ are) and settle the capped score instead. (10²² keeps the
    // completion, 10²² × 100 ÷ 30, inside the kernel's range, so only the formula decides.)
    for expr in [
        "actual * 10000000 / 10000000",
        "actual / 0.0000001 * 0.0000001",
    ] {
        let plan = m0_plan(
            &format!(r#"{{"method": "formula", "expr": "{expr}", "floor": 0, "cap": 130}}"#),
            2,
        );
        let values = [1e22, 2.0];
        let columns = [Column::f64(&values)];
        let table = Table::from_rows(
            &plan,
            vec!["P0".into(), "P1".into()],
            &["m0"],
            vec![
                Some(Decimal::from_i128_with_scale(10i128.pow(22), 0)),
                Some(Decimal::from(2)),
            ],
        )
        .unwrap();
        let engine = plan.summarize_with(&table, &ScoreOptions::default(), None, one());
        let kernel = plan.totals(&["P0", "P1"], &["m0"], &columns, one());
        match (engine, kernel) {
            (Err(a), Err(b)) => {
                assert_eq!(a.problems()[0].kind, "arithmetic_overflow", "{expr}");
                assert_eq!(a.problems(), b.problems(), "{expr}");
            }
            (a, b) => panic!("{expr}: engine {a:?}, kernel {b:?}"),
        }
    }
}

#[test]
fn a_combined_step_past_the_engine_range_is_the_engine_problem_in_every_stage() {
    // actual × 10,000 ÷ 10,000 is computed as actual, which is only sound while every value the
    // kernel settles stays below 2⁸⁰ (10⁴ × 2⁸⁰ is inside a decimal's range). 10²⁶ is past 2⁸⁰,
    // so the floats leave the row open, and the exact stages must too: the engine reports
    // 10³⁰ as an overflow. (A target of 0 has no completion, which would otherwise send the
    // row to the engine first.)
    let plan = Plan::from_json(
        r#"{"id": "p", "name": "P", "measures": [{"id": "m0"}, {"id": "m1"}],
            "sections": [{"id": "s", "name": "S", "weight": 100, "indicators": [
              {"id": "i", "name": "I", "weight": 100, "actual": "m0", "target": "m1",
               "scoring": {"method": "formula", "expr": "actual * 10000 / 10000", "floor": 0, "cap": 130}}]}],
            "grades": [{"grade": "D", "to": 60}, {"grade": "A", "from": 60}],
            "rounding": {"scale": 2, "mode": "half_up"}}"#,
    )
    .unwrap();
    let big = Decimal::from_i128_with_scale(10i128.pow(26), 0);
    let table = Table::from_rows(
        &plan,
        vec!["P0".into(), "P1".into()],
        &["m0", "m1"],
        vec![
            Some(big),
            Some(Decimal::ZERO),
            Some(Decimal::from(2)),
            Some(Decimal::ZERO),
        ],
    )
    .unwrap();
    let engine = plan.summarize_with(&table, &ScoreOptions::default(), None, one());
    match (engine, plan.totals_of(&table, None, one())) {
        (Err(a), Err(b)) => {
            assert_eq!(a.problems()[0].kind, "arithmetic_overflow");
            assert_eq!(a.problems(), b.problems());
        }
        (a, b) => panic!("engine {a:?}, kernel {b:?}"),
    }
}

#[test]
fn an_intermediate_past_the_engine_range_is_the_engine_problem() {
    // m0³ for m0 = 2⁴⁰ is about 1.3 × 10³⁶, past a 28-digit decimal (about 7.9 × 10²⁸): the
    // engine reports it even though the cap would bring the score back to 130; the kernel must
    // not settle the row with the capped value.
    let plan = m0_plan(
        r#"{"method": "formula", "expr": "actual * actual * actual", "floor": 0, "cap": 130}"#,
        2,
    );
    // 2⁴⁰: its cube (2¹²⁰ ≈ 1.3 × 10³⁶) is exact in floats, so no error bound gives it away.
    let values = [1_099_511_627_776.0, 2.0];
    let columns = [Column::f64(&values)];
    let engine = {
        let table = Table::from_rows(
            &plan,
            vec!["P0".into(), "P1".into()],
            &["m0"],
            vec![
                Some(Decimal::from(1_099_511_627_776i64)),
                Some(Decimal::from(2)),
            ],
        )
        .unwrap();
        plan.summarize_with(&table, &ScoreOptions::default(), None, one())
    };
    let kernel = plan.totals(&["P0", "P1"], &["m0"], &columns, one());
    match (engine, kernel) {
        (Err(a), Err(b)) => {
            assert_eq!(a.problems()[0].kind, "arithmetic_overflow");
            assert_eq!(a.problems(), b.problems())
        }
        (a, b) => panic!("engine {a:?}, kernel {b:?}"),
    }
}

#[test]
fn lean_summaries_take_the_kernel_at_period_end_and_the_engine_otherwise() {
    use perfscore::batch::Summaries;
    let plan = sales_plan();
    let names = measures();
    let rows = generated(Workload::Bench, 50, 7);
    let ids: Vec<String> = (0..rows.len()).map(|i| format!("P{i}")).collect();
    let values: Vec<Option<Decimal>> = rows.iter().flatten().copied().collect();
    let table = Table::from_rows(&plan, ids, &names, values).unwrap();
    let end = ScoreOptions::default();
    let lean = plan.summarize_lean(&table, &end, None, one()).unwrap();
    let Summaries::Totals(t) = lean else {
        panic!("period end takes the kernel")
    };
    let rows = plan.summarize_with(&table, &end, None, one()).unwrap();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(t.total(i), Some(r.summary.total));
    }
    // Mid-period, progress needs the engine.
    let mid = r#"{"period": {"basis": "calendar_days", "elapsed": 20, "total": 30}}"#;
    let mid = ScoreOptions::from_json(mid).unwrap();
    let lean = plan.summarize_lean(&table, &mid, None, one()).unwrap();
    assert!(matches!(lean, Summaries::Rows(ref r) if r[0].summary.progress.is_some()));
}

#[test]
fn a_lean_total_past_64_bit_units_comes_from_the_engine() {
    // ratio without a cap: 2⁵² ÷ 30 × 100 ≈ 1.5 × 10¹⁶ points, 1.5 × 10¹⁹ units at scale 3 —
    // past what the kernel's i64 columns hold, and no problem for the engine.
    let plan = m0_plan(r#"{"method": "ratio"}"#, 3);
    let table = Table::from_rows(
        &plan,
        vec!["P0".into()],
        &["m0"],
        vec![Some(Decimal::from(1i64 << 52))],
    )
    .unwrap();
    assert!(plan.totals_of(&table, None, one()).is_err());
    let lean = plan
        .summarize_lean(&table, &ScoreOptions::default(), None, one())
        .unwrap();
    let perfscore::batch::Summaries::Rows(rows) = lean else {
        panic!("the engine answers")
    };
    // 4,503,599,627,370,496 × 100 ÷ 30 = 15,011,998,757,901,653.33… → 15011998757901653.333.
    assert_eq!(rows[0].summary.total.to_string(), "15011998757901653.333");
}

/// A one-indicator-section plan on measures a, b, c; grades D below 50, A from 50; scale 2.
/// A plan whose total is measure `a` (b and c are read, not used), rounded half up.
fn total_is_a_plan() -> Plan {
    abc_plan(
        r#"{"id": "i", "name": "I", "weight": 100, "actual": "a",
            "scoring": {"method": "formula", "expr": "actual"}}"#,
        "half_up",
    )
}

fn abc_plan(indicators: &str, mode: &str) -> Plan {
    Plan::from_json(&format!(
        r#"{{"id": "p", "name": "P", "measures": [{{"id": "a"}}, {{"id": "b"}}, {{"id": "c"}}],
            "sections": [{{"id": "s", "name": "S", "weight": 100, "indicators": [{indicators}]}}],
            "grades": [{{"grade": "D", "to": 50}}, {{"grade": "A", "from": 50}}],
            "rounding": {{"scale": 2, "mode": "{mode}"}}}}"#
    ))
    .unwrap()
}

/// One row (text cells, empty = missing) through the engine and through the kernel: each total,
/// or each error's kinds.
fn engine_and_kernel(plan: &Plan, row: [&str; 3]) -> (String, String) {
    let cells = row.iter().map(|s| s.parse::<Decimal>().ok()).collect();
    let table = Table::from_rows(plan, vec!["P0".into()], &["a", "b", "c"], cells).unwrap();
    let kinds = |e: perfscore::Error| {
        format!(
            "{:?}",
            e.problems().iter().map(|p| p.kind).collect::<Vec<_>>()
        )
    };
    let engine = plan
        .summarize_with(&table, &ScoreOptions::default(), None, one())
        .map(|r| r[0].summary.total.to_string())
        .unwrap_or_else(kinds);
    let kernel = plan
        .totals_of(&table, None, one())
        .map(|t| t.total(0).unwrap().to_string())
        .unwrap_or_else(kinds);
    (engine, kernel)
}

#[test]
fn a_whole_decimal_with_a_long_mantissa_is_not_read_as_an_exact_float() {
    // 4,612,012,073.000000000 is a mantissa of 4.6 × 10¹⁸ (past 2⁵³): converting it rounds, so
    // the float is not exact. pass_if actual >= 4612012073 holds: 100 points.
    let plan = passed_at_least("4612012073");
    let (engine, kernel) = engine_and_kernel(&plan, ["4612012073.000000000", "1", "1"]);
    assert_eq!((engine.as_str(), kernel.as_str()), ("100.00", "100.00"));
    let t = totals_of_integers(&plan, 4_612_012_073_000_000_000, 9);
    assert_eq!(t.total(0), Some(Decimal::new(10_000, 2)));
}

/// One pass/fail indicator (weight 100) passed when measure `a` is at least `bound`.
fn passed_at_least(bound: &str) -> Plan {
    abc_plan(
        &format!(
            r#"{{"id": "i", "name": "I", "weight": 100, "actual": "a",
                "scoring": {{"method": "pass_fail", "pass_if": "actual >= {bound}"}}}}"#
        ),
        "half_up",
    )
}

/// `Plan::totals` of one row from integer columns: `a` in units of `10^-scale`, `b` and `c` 1.
fn totals_of_integers(plan: &Plan, a: i64, scale: u32) -> Totals {
    let (units, one_unit) = ([a], [1i64]);
    let columns = [
        Column::i64(&units, scale),
        Column::i64(&one_unit, 0),
        Column::i64(&one_unit, 0),
    ];
    plan.totals(&["P0"], &["a", "b", "c"], &columns, one())
        .unwrap()
}

#[test]
fn a_whole_number_past_two_to_the_53_in_an_integer_column_is_read_exactly() {
    // 2⁵³ + 1 = 9,007,199,254,740,993 has no f64 (it would round to 2⁵³ and fail the test):
    // pass_if actual >= 9007199254740993 holds, 100 points, as the engine reads it.
    let plan = passed_at_least("9007199254740993");
    let (engine, _) = engine_and_kernel(&plan, ["9007199254740993", "1", "1"]);
    assert_eq!(engine, "100.00");
    let t = totals_of_integers(&plan, 9_007_199_254_740_993, 0);
    assert_eq!(t.total(0), Some(Decimal::new(10_000, 2)));
    assert_eq!(t.settled, 0, "an integer past 2⁵³ is not settled in floats");
}

#[test]
fn a_combined_weight_a_decimal_cannot_hold_is_left_to_the_engine() {
    // Weights 49.999…9 % (27 nines) and 50.000…01 %: 100 × 49.999…9 % = 49.999…9, rounded down
    // to 49.99. A share rounded to 28 places would be 0.5 and give 50.00.
    let plan = abc_plan(
        r#"{"id": "i0", "name": "I", "weight": 49.999999999999999999999999999, "actual": "a",
            "scoring": {"method": "formula", "expr": "actual"}},
           {"id": "i1", "name": "I", "weight": 50.000000000000000000000000001, "actual": "b",
            "scoring": {"method": "formula", "expr": "actual"}}"#,
        "down",
    );
    let (engine, kernel) = engine_and_kernel(&plan, ["100", "0", "0"]);
    assert_eq!((engine.as_str(), kernel.as_str()), ("49.99", "49.99"));
}

#[test]
fn actuals_targets_and_completions_the_method_ignores_still_decide_the_row() {
    // The engine computes every indicator's actual, target and completion before its method:
    // a / c with c = 0 is a division by zero, a missing a is missing (or scored 0 by the plan's
    // missing-data rule), 9 × 10²⁶ × 100 overflows — even when the formula only reads b.
    let reads_b = r#"{"id": "i", "name": "I", "weight": 100, "actual": "a / c",
                      "scoring": {"method": "formula", "expr": "b"}}"#;
    let plan = abc_plan(reads_b, "half_up");
    let cases = [
        (["1", "70", "0"], r#"["division_by_zero"]"#),
        (["", "70", "1"], r#"["missing"]"#),
    ];
    for (row, expected) in cases {
        let (engine, kernel) = engine_and_kernel(&plan, row);
        assert_eq!(
            (engine.as_str(), kernel.as_str()),
            (expected, expected),
            "{row:?}"
        );
    }
    let zero_when_missing = abc_plan(
        r#"{"id": "i", "name": "I", "weight": 100, "actual": "a", "missing": "zero",
            "scoring": {"method": "formula", "expr": "b"}}"#,
        "half_up",
    );
    let (engine, kernel) = engine_and_kernel(&zero_when_missing, ["", "70", "1"]);
    assert_eq!((engine.as_str(), kernel.as_str()), ("0.00", "0.00"));
    let completion = abc_plan(
        r#"{"id": "i", "name": "I", "weight": 100, "actual": "a", "target": 1,
            "scoring": {"method": "pass_fail", "pass_if": "b > 0"}}"#,
        "half_up",
    );
    let (engine, kernel) =
        engine_and_kernel(&completion, ["900000000000000000000000000", "70", "0"]);
    let overflow = r#"["arithmetic_overflow"]"#;
    assert_eq!((engine.as_str(), kernel.as_str()), (overflow, overflow));
}

#[test]
fn a_cell_the_engine_refuses_fails_the_batch_even_where_the_total_does_not_read_it() {
    // Column c is not in the plan's arithmetic; an infinite value there is still a bad cell.
    let plan = total_is_a_plan();
    let (a, bad) = ([70.0], [f64::INFINITY]);
    let columns = [Column::f64(&a), Column::f64(&a), Column::f64(&bad)];
    let err = plan
        .totals(&["P0"], &["a", "b", "c"], &columns, one())
        .unwrap_err();
    let p = &err.problems()[0];
    assert_eq!(
        (p.kind, p.loc.to_string()),
        ("not_finite", "records[0].measures.c".to_string())
    );
    // Text the reader refuses, likewise.
    let offsets = [0i32, 3];
    let text = [
        Column::f64(&a),
        Column::f64(&a),
        Column::text(&offsets, b"abc"),
    ];
    let err = plan
        .totals(&["P0"], &["a", "b", "c"], &text, one())
        .unwrap_err();
    assert_eq!(err.problems()[0].kind, "not_a_number");
}

#[test]
fn refused_cells_are_found_at_their_rows_in_every_lane_of_rows() {
    // 150 rows are three lanes of 64 (the last one short). Cells the engine refuses (an
    // infinity, text that is no number) at the first and last row of a lane, the first of the
    // next and one in the short lane, in the column the total reads and in one it does not; a
    // NaN (missing, which the engine accepts) beside them. Each is reported at its own row, in
    // row order, and nothing else.
    let plan = total_is_a_plan();
    let n = 150;
    let ids: Vec<String> = (0..n).map(|i| format!("P{i}")).collect();
    let mut a = vec![70.0; n];
    let mut c = vec![0.0; n];
    a[0] = f64::INFINITY;
    a[64] = f64::NEG_INFINITY;
    c[63] = f64::INFINITY;
    c[5] = f64::NAN;
    let mut bytes = Vec::new();
    let mut offsets = vec![0i32];
    for i in 0..n {
        bytes.extend_from_slice(if i == 130 { b"n/a" } else { b"2" });
        offsets.push(i32::try_from(bytes.len()).unwrap());
    }
    let columns = [
        Column::f64(&a),
        Column::text(&offsets, &bytes),
        Column::f64(&c),
    ];
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let err = plan
        .totals(&ids, &["a", "b", "c"], &columns, one())
        .unwrap_err();
    let found: Vec<(&str, String)> = err
        .problems()
        .iter()
        .map(|p| (p.kind, p.loc.to_string()))
        .collect();
    let at = |row: usize, m: &str| format!("records[{row}].measures.{m}");
    assert_eq!(
        found,
        [
            ("not_finite", at(0, "a")),
            ("not_finite", at(63, "c")),
            ("not_finite", at(64, "a")),
            ("not_a_number", at(130, "b")),
        ]
    );
}

#[test]
fn a_linear_rating_scale_is_exact_past_28_digits() {
    // Worked by hand: a rating scale from 10⁻²⁸ to 10 scores an actual of 10 as
    // (10 − 10⁻²⁸) × 100 ÷ (10 − 10⁻²⁸) = 100 exactly: 100.00 rounding down. A decimal difference
    // rounds 10 − 10⁻²⁸ to 10 (29 digits), which once made the engine say 99.99 while the
    // kernel's exact fractions said 100.00 (found by an adversarial review).
    let plan = abc_plan(
        r#"{"id": "i", "name": "I", "weight": 100, "actual": "a",
            "scoring": {"method": "rating", "min": 0.0000000000000000000000000001, "max": 10}}"#,
        "down",
    );
    let (engine, kernel) = engine_and_kernel(&plan, ["10", "0", "0"]);
    assert_eq!((engine.as_str(), kernel.as_str()), ("100.00", "100.00"));
}
