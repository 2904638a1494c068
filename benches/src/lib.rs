//! The reference workload for perfscore's benchmarks: a seeded, deterministic generator of
//! realistic monthly numbers for N sales staff on the bundled `monthly-sales-rep` plan (two
//! sections, 11 indicators with derived measures, bands, interpolation, a formula, adjustments and
//! two vetoes), plus performance pay by grade. Every language's benchmark reads the same CSV.

use perfscore::{Plan, Record};
use rust_decimal::Decimal;
use std::io::Write;

/// The plan every benchmark scores with.
pub const PLAN_JSON: &str = perfscore::templates::DEMO_PLAN_JSON;

/// Performance pay by grade on a per-person base, for the pay part of the workload.
pub const PAY_PLAN_JSON: &str = r#"{"id": "bench-pay", "currency": {"code": "CNY"},
  "performance_pay": {"base": 3000, "coefficient": {"by_grade": {"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.8, "D": 0}}}}"#;

/// Columns of the generated CSV, in order: `id` then the plan's measure ids.
pub const MEASURES: [&str; 17] = [
    "revenue",
    "revenue_target",
    "collected",
    "invoiced",
    "gross_profit",
    "margin_target",
    "new_customers",
    "contracts",
    "overdue_receivables_days",
    "visits",
    "opportunities",
    "demos",
    "teamwork_rating",
    "crm_late_entries",
    "complaints",
    "key_accounts",
    "compliance_violations",
];

/// xorshift64*: small, fast and the same on every platform, so every language sees the same data.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by a fixed non-zero value).
    pub fn new(seed: u64) -> Self {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform integer in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo + 1).max(1) as u64;
        lo + (self.next_u64() % span) as i64
    }
}

/// One person's values, in [`MEASURES`] order; amounts in cents-exact decimals.
pub fn person(rng: &mut Rng) -> [Decimal; 17] {
    let target = rng.range(50, 120) * 10_000;
    let attainment = rng.range(55, 135); // percent
    let revenue_cents = target * attainment + rng.range(0, 9_999); // target × attainment% in cents
    let revenue = Decimal::new(revenue_cents, 2);
    let invoiced = revenue * Decimal::new(rng.range(90, 100), 2);
    let collected = (invoiced * Decimal::new(rng.range(70, 100), 2)).round_dp(2);
    let margin_target = Decimal::from(target / 5);
    let gross_profit = (revenue * Decimal::new(rng.range(14, 24), 2)).round_dp(2);
    [
        revenue,
        Decimal::from(target),
        collected,
        invoiced.round_dp(2),
        gross_profit,
        margin_target,
        Decimal::from(rng.range(0, 6)),
        Decimal::from(rng.range(1, 8)),
        Decimal::from(rng.range(0, 100)),
        Decimal::from(rng.range(15, 55)),
        Decimal::from(rng.range(4, 18)),
        Decimal::from(rng.range(1, 7)),
        Decimal::from(rng.range(1, 5)),
        Decimal::from(rng.range(0, 4)),
        Decimal::from(if rng.range(0, 9) == 0 {
            rng.range(1, 3)
        } else {
            0
        }),
        Decimal::from(rng.range(0, 2)),
        Decimal::from(if rng.range(0, 199) == 0 { 1 } else { 0 }),
    ]
}

/// The `i`-th generated record (ids `P0000001`, …).
pub fn record(i: usize, values: &[Decimal; 17]) -> Record {
    let mut r = Record::new(format!("P{:07}", i + 1));
    for (m, v) in MEASURES.iter().zip(values) {
        r.measures.insert((*m).to_string(), *v);
    }
    r
}

/// `n` records from `seed`.
pub fn generate(n: usize, seed: u64) -> Vec<Record> {
    let mut rng = Rng::new(seed);
    (0..n).map(|i| record(i, &person(&mut rng))).collect()
}

/// The same records as CSV text with a header row (`id` + measure ids).
pub fn write_csv<W: Write>(n: usize, seed: u64, mut out: W) -> std::io::Result<()> {
    let mut rng = Rng::new(seed);
    writeln!(out, "id,{}", MEASURES.join(","))?;
    for i in 0..n {
        let v = person(&mut rng);
        write!(out, "P{:07}", i + 1)?;
        for x in &v {
            write!(out, ",{x}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The compiled reference plan.
pub fn plan() -> Plan {
    match Plan::from_json(PLAN_JSON) {
        Ok(p) => p,
        Err(e) => panic!("the bundled plan must compile: {e}"),
    }
}
