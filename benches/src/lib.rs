//! The reference workload for perfscore's benchmarks: a seeded, deterministic generator of
//! realistic monthly numbers for N sales staff on the bundled `monthly-sales-rep` plan (two
//! sections, 11 indicators with derived measures, bands, interpolation, a formula, adjustments and
//! two vetoes), plus performance pay by grade. Every language's benchmark reads the same CSV.

mod facts;
mod people;

pub use facts::{orders_csv, FACTS_PLAN_JSON};

pub use people::{person, Rng, Workload};
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

/// The process's peak resident memory in MB (Linux `VmHWM`; 0 elsewhere), for the bench binaries.
pub fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
