//! Fuzz targets for perfscore: one per input surface, all sharing the oracles of
//! [`oracles`] (also run by the boundary sweep, `core/tests/sweep.rs`). Each `fuzz_targets/*.rs`
//! is one line calling the function of the same name here, which panics when an oracle is
//! violated so that libFuzzer keeps the input in `fuzz/artifacts/<target>/`.
//!
//! Build and run them all with `scripts/fuzz.sh [seconds]` (nightly; see docs/reliability.md).

pub mod oracles;

use oracles::{checked, Violation};
use perfscore::{PayPlan, Plan, Record, ScoreOptions};
use std::sync::OnceLock;

/// Panic (a crash for libFuzzer) when an oracle is violated.
pub fn assert_oracles(result: Result<(), Violation>) {
    if let Err(v) = result {
        panic!("oracle violated: {v}");
    }
}

/// A conformance vector's plan and records, compiled once per process.
pub struct Fixed {
    /// The vector's plan.
    pub plan: Plan,
    /// The vector's records (from `records` or `records_csv`).
    pub records: Vec<Record>,
    /// The vector's options, or the defaults.
    pub options: ScoreOptions,
}

fn load(text: &str) -> Fixed {
    let v: serde_json::Value = serde_json::from_str(text).expect("vector JSON");
    let plan = Plan::from_json(&v["plan"].to_string()).expect("vector plan compiles");
    let records = match &v["records_csv"] {
        serde_json::Value::String(csv) => plan.records_from_csv(csv),
        _ => plan.records_from_json(&v["records"].to_string()),
    }
    .expect("vector records");
    let options = match v.get("options") {
        Some(o) => ScoreOptions::from_json(&o.to_string()).expect("vector options"),
        None => ScoreOptions::default(),
    };
    Fixed {
        plan,
        records,
        options,
    }
}

macro_rules! fixed {
    ($name:ident, $path:literal) => {
        #[doc = concat!("`tests/vectors/", $path, "`.")]
        pub fn $name() -> &'static Fixed {
            static CELL: OnceLock<Fixed> = OnceLock::new();
            CELL.get_or_init(|| load(include_str!(concat!("../../tests/vectors/", $path))))
        }
    };
}

fixed!(worked_example, "worked-example.json");
fixed!(worked_example_progress, "worked-example-progress.json");
fixed!(csv_aliases, "csv-aliases.json");
fixed!(pay_worked_example, "pay/pay-worked-example.json");
fixed!(pay_features, "pay/pay-features.json");

/// Input bytes as text; libFuzzer's non-UTF-8 inputs are skipped (every surface takes `&str`).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Target `plan_json`: a plan document; if it compiles, synthesized records are scored (period
/// end and mid-period) and the plan round-trips.
pub fn plan_json(data: &[u8]) -> Result<(), Violation> {
    let Some(s) = text(data) else { return Ok(()) };
    if let Some(plan) = checked(Plan::from_json(s))? {
        oracles::compiled_plan(&plan)?;
    }
    Ok(())
}

/// Target `formula`: formula source through `Formula::compile`/`eval` and inside a small plan.
pub fn formula(data: &[u8]) -> Result<(), Violation> {
    match text(data) {
        Some(s) => oracles::formula(s),
        None => Ok(()),
    }
}

/// Target `records_json`: records JSON against the worked example's plan.
pub fn records_json(data: &[u8]) -> Result<(), Violation> {
    let Some(s) = text(data) else { return Ok(()) };
    let f = worked_example();
    if let Some(records) = checked(f.plan.records_from_json(s))? {
        oracles::scoring_and_round_trip(&f.plan, &records, &f.options)?;
    }
    Ok(())
}

/// Target `records_csv`: a CSV export against the plan of the `csv-aliases` vector (Chinese
/// header aliases, grouped thousands).
pub fn records_csv(data: &[u8]) -> Result<(), Violation> {
    let Some(s) = text(data) else { return Ok(()) };
    let f = csv_aliases();
    if let Some(records) = checked(f.plan.records_from_csv(s))? {
        oracles::scoring_and_round_trip(&f.plan, &records, &f.options)?;
    }
    Ok(())
}

/// Target `pay_plan`: a pay plan document against the pay vectors' plan, paying both vectors'
/// records (statements from scorecards and from the table path).
pub fn pay_plan(data: &[u8]) -> Result<(), Violation> {
    let Some(s) = text(data) else { return Ok(()) };
    let (a, b) = (pay_features(), pay_worked_example());
    if let Some(pay) = checked(PayPlan::from_json(s, &a.plan))? {
        oracles::pay(&pay, &a.plan, &a.records, &a.options)?;
        oracles::pay(&pay, &b.plan, &b.records, &b.options)?;
    }
    Ok(())
}

/// Target `feedback`: a 360 configuration, a NUL byte, then the responses JSON.
pub fn feedback(data: &[u8]) -> Result<(), Violation> {
    let Some(s) = text(data) else { return Ok(()) };
    let (config, responses) = s.split_once('\0').unwrap_or((s, "[]"));
    oracles::feedback(config, responses)
}

/// Target `analytics`: the operation name on the first line, the request JSON after it.
pub fn analytics(data: &[u8]) -> Result<(), Violation> {
    let Some(s) = text(data) else { return Ok(()) };
    let (operation, request) = s.split_once('\n').unwrap_or((s, "{}"));
    oracles::analytics(operation.trim(), request)
}

/// Target `score_options`: score options JSON, scoring the `worked-example-progress` vector.
pub fn score_options(data: &[u8]) -> Result<(), Violation> {
    let Some(s) = text(data) else { return Ok(()) };
    let f = worked_example_progress();
    if let Some(options) = checked(ScoreOptions::from_json(s))? {
        oracles::scoring(&f.plan, &f.records, &options)?;
    }
    Ok(())
}

/// Target `totals`: the demo plan's 17 measures read from the input (8 bytes per float, any bit
/// pattern: NaN is missing, infinities and tiny or huge values are problems); `Plan::totals` (the
/// certified-float kernel with the engine as fallback) must give the exact engine's total, grade
/// and veto for every row, or the engine's problems.
pub fn totals(data: &[u8]) -> Result<(), Violation> {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    let plan = PLAN.get_or_init(|| Plan::from_json(perfscore::templates::DEMO_PLAN_JSON).expect("demo plan"));
    let names: Vec<String> = plan.measures().iter().map(|m| m.id.to_string()).collect();
    let width = names.len();
    let floats: Vec<f64> = data
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect();
    let rows = floats.len() / width;
    if rows == 0 {
        return Ok(());
    }
    let columns: Vec<Vec<f64>> = (0..width)
        .map(|c| (0..rows).map(|r| floats[r * width + c]).collect())
        .collect();
    let slices: Vec<perfscore::batch::Column> = columns.iter().map(|c| perfscore::batch::Column::f64(c)).collect();
    let ids: Vec<String> = (0..rows).map(|i| format!("R{i}")).collect();
    let one = perfscore::batch::Threads::from_count(Some(1)).expect("one thread");
    let fast = plan.totals(&ids, &names, &slices, one);
    // The engine on the same values, read as the engine reads host floats.
    let mut values = Vec::with_capacity(rows * width);
    let mut unreadable = false;
    for r in 0..rows {
        for column in &columns {
            let v = column[r];
            if v.is_nan() {
                values.push(None);
            } else {
                match perfscore::input::decimal_from_f64(v) {
                    Ok(d) => values.push(Some(d)),
                    Err(_) => {
                        unreadable = true;
                        values.push(None);
                    }
                }
            }
        }
    }
    if unreadable {
        // A float the engine refuses: totals must refuse the batch too.
        return match fast {
            Err(_) => Ok(()),
            Ok(_) => Err("totals: accepted a float the engine refuses".to_string()),
        };
    }
    let table = checked(perfscore::batch::Table::from_rows(plan, ids, &names, values))?;
    let Some(table) = table else { return Ok(()) };
    let exact = plan.summarize_with(&table, &ScoreOptions::default(), None, one);
    match (fast, exact) {
        (Ok(t), Ok(rows)) => {
            let grades: Vec<&str> = plan.grade_names().collect();
            for (i, row) in rows.iter().enumerate() {
                let s = &row.summary;
                let same = t.total(i) == Some(s.total)
                    && grades.get(t.grade[i] as usize).copied() == Some(&*s.grade)
                    && t.vetoed[i] == s.vetoed;
                if !same {
                    return Err(format!("totals: row {i} differs from the engine"));
                }
            }
            Ok(())
        }
        (Err(a), Err(b)) if a.problems() == b.problems() => Ok(()),
        _ => Err("totals: totals and summarize disagree on success".to_string()),
    }
}
