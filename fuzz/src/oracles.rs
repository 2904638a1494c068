//! Oracles shared by the fuzz targets (`fuzz/fuzz_targets/`) and the boundary sweep
//! (`core/tests/sweep.rs`, which includes this file by path so both check the same properties).
//!
//! Every check returns `Err(violation)` describing a broken property. Panics inside perfscore are
//! not caught here: libFuzzer reports them as crashes, and the sweep wraps each case in
//! `catch_unwind`.
//!
//! The properties:
//! - every `Err` has at least one problem, and every problem has a non-empty message;
//! - canonical JSON (scorecards, statements, feedback rounds, analytics results) is valid JSON
//!   and not the `{}` fallback written when serialising fails;
//! - a plan that compiles round-trips: `Plan::to_json` → `Plan::from_json` compiles, gives the
//!   same `to_json`, and scores the same records to the same bytes;
//! - batch summaries (`Plan::summarize` over a table) equal the full scorecards of `score_many`
//!   (totals, grades and every other headline number), or fail alike (only when the records
//!   have a table form: no measure given twice by id and alias);
//! - pay from a table (`Plan::summarize` with a pay plan) equals pay from scorecards
//!   (`PayPlan::pay_records`).

use perfscore::analytics;
use perfscore::batch;
use perfscore::feedback::Feedback;
use perfscore::formula::{Formula, Type};
use perfscore::{Error, Lang, PayPlan, Plan, Record, RoundingMode, ScoreOptions, Scorecard};
use rust_decimal::Decimal;

/// A broken property, in words (the caller adds which input it was).
pub type Violation = String;

/// Every error carries at least one problem, each with a non-empty message.
pub fn error_is_reported(e: &Error) -> Result<(), Violation> {
    if e.problems().is_empty() {
        return Err(format!("{} error with no problems", e.code()));
    }
    for (i, p) in e.problems().iter().enumerate() {
        if p.message.trim().is_empty() {
            return Err(format!(
                "{} problem {i} (path `{}`) has an empty message",
                e.code(),
                p.path()
            ));
        }
    }
    Ok(())
}

/// `Ok(Some(value))`, or `Ok(None)` for a well-reported error, or the violation.
pub fn checked<T>(result: perfscore::Result<T>) -> Result<Option<T>, Violation> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) => error_is_reported(&e).map(|()| None),
    }
}

/// Canonical JSON is valid JSON and not the `{}` fallback of a failed serialisation.
pub fn canonical_ok(what: &str, text: &str) -> Result<(), Violation> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(m)) if m.is_empty() => Err(format!(
            "{what}: canonical JSON is `{{}}` (serialisation failed)"
        )),
        Ok(_) => Ok(()),
        Err(e) => Err(format!(
            "{what}: canonical JSON does not parse ({e}): {text}"
        )),
    }
}

/// A batch as a host writes it: the scorecards' canonical JSON in an array.
fn batch_json(cards: &[Scorecard]) -> String {
    let cards: Vec<String> = cards.iter().map(|c| c.to_canonical_json()).collect();
    format!("[{}]", cards.join(","))
}

fn canonical_batch(result: &perfscore::Result<Vec<Scorecard>>) -> String {
    match result {
        Ok(cards) => batch_json(cards),
        Err(e) => e.to_canonical_json(),
    }
}

/// Everything a host does with a batch of scorecards: canonical JSON, explanations, the flat row.
fn use_cards(cards: &[Scorecard]) -> Result<(), Violation> {
    for c in cards {
        canonical_ok(
            &format!("scorecard {}", c.record_id),
            &c.to_canonical_json(),
        )?;
        let _ = c.explain(Lang::En);
        let _ = c.explain(Lang::Zh);
        for i in c.indicators() {
            let _ = i.explain(Lang::Zh);
        }
        if c.columns().len() != c.row().len() {
            return Err(format!(
                "scorecard {}: {} columns but {} cells in its row",
                c.record_id,
                c.columns().len(),
                c.row().len()
            ));
        }
    }
    canonical_ok("batch", &batch_json(cards))
}

/// Measure ids, record ids and row-major values: the table form of `records`.
type Table = (Vec<String>, Vec<String>, Vec<Option<Decimal>>);

/// The batch table of `records`, when they have one (see [`table`]).
fn batch_table(plan: &Plan, records: &[Record]) -> Option<perfscore::Result<batch::Table>> {
    let (names, ids, values) = table(plan, records)?;
    Some(batch::Table::from_rows(plan, ids, &names, values))
}

/// The table form of `records`, when it has one: `None` if a record names a measure the plan
/// does not know or gives one measure twice (by id and alias), which only a record can say (the
/// record path reports it; a table has one column per measure).
fn table(plan: &Plan, records: &[Record]) -> Option<Table> {
    let names: Vec<String> = plan.measures().iter().map(|m| m.id.to_string()).collect();
    let slots: Vec<Option<usize>> = names.iter().map(|n| plan.measure_slot(n)).collect();
    let ids = records.iter().map(|r| r.id.clone()).collect();
    let mut values = Vec::with_capacity(records.len() * names.len());
    for r in records {
        let mut by_slot = std::collections::HashMap::new();
        for (key, value) in &r.measures {
            if by_slot.insert(plan.measure_slot(key)?, *value).is_some() {
                return None;
            }
        }
        values.extend(
            slots
                .iter()
                .map(|s| s.and_then(|s| by_slot.get(&s).copied())),
        );
    }
    Some((names, ids, values))
}

/// `Plan::summarize` over the records' table gives exactly the headline numbers of
/// `score_many`'s scorecards, or the same error.
pub fn summaries_agree(
    plan: &Plan,
    records: &[Record],
    options: &ScoreOptions,
) -> Result<(), Violation> {
    summaries_equal(plan, records, options, &plan.score_many(records, options))
}

/// [`summaries_agree`] against `cards`, the result of `plan.score_many(records, options)`.
fn summaries_equal(
    plan: &Plan,
    records: &[Record],
    options: &ScoreOptions,
    cards: &perfscore::Result<Vec<Scorecard>>,
) -> Result<(), Violation> {
    let Some(table) = batch_table(plan, records) else {
        return Ok(());
    };
    let rows = table.and_then(|t| plan.summarize(&t, options, None));
    checked(rows.clone())?;
    match (cards, &rows) {
        (Ok(cards), Ok(rows)) => {
            if cards.len() != rows.len() {
                return Err(format!(
                    "score_many gave {} scorecards, summarize {} rows",
                    cards.len(),
                    rows.len()
                ));
            }
            for (c, r) in cards.iter().zip(rows) {
                let s = &r.summary;
                let same = c.total == s.total
                    && c.total.to_string() == s.total.to_string()
                    && c.grade == s.grade
                    && c.grade_before_veto == s.grade_before_veto
                    && c.unrounded_total == s.unrounded_total
                    && c.weighted_total == s.weighted_total
                    && c.adjustment_total == s.adjustment_total
                    && c.total_bound == s.total_bound
                    && c.vetoes.is_empty() != s.vetoed
                    && c.progress == s.progress;
                if !same {
                    return Err(format!(
                        "record {}: scorecard total {} grade {} but summary total {} grade {} ({s:?})",
                        c.record_id, c.total, c.grade, s.total, s.grade
                    ));
                }
            }
        }
        (Err(a), Err(b)) if a == b => {}
        (a, b) => {
            return Err(format!(
                "score_many and summarize disagree: {} vs {}",
                canonical_batch(a),
                match b {
                    Ok(s) => format!("{} rows", s.len()),
                    Err(e) => e.to_canonical_json(),
                }
            ))
        }
    }
    Ok(())
}

/// `Plan::to_json` → `Plan::from_json` compiles, writes the same text again, and scores `records`
/// to the same bytes (or the same error).
pub fn plan_round_trips(
    plan: &Plan,
    records: &[Record],
    options: &ScoreOptions,
) -> Result<(), Violation> {
    let text = plan.to_json();
    let again = Plan::from_json(&text)
        .map_err(|e| format!("Plan::to_json does not compile again: {e}\n{text}"))?;
    let text_again = again.to_json();
    if text_again != text {
        return Err(format!(
            "Plan::to_json is not stable:\n  first:  {text}\n  second: {text_again}"
        ));
    }
    let a = canonical_batch(&plan.score_many(records, options));
    let b = canonical_batch(&again.score_many(records, options));
    if a != b {
        return Err(format!(
            "the written plan scores differently:\n  plan:    {a}\n  written: {b}"
        ));
    }
    Ok(())
}

/// Score a batch and check everything about it: reported errors, canonical JSON and explanations,
/// summaries equal to scorecards. Returns the scorecards when the batch scored.
pub fn scoring(
    plan: &Plan,
    records: &[Record],
    options: &ScoreOptions,
) -> Result<Option<Vec<Scorecard>>, Violation> {
    let result = plan.score_many(records, options);
    if let Err(e) = &result {
        error_is_reported(e)?;
    }
    if let Ok(cards) = &result {
        use_cards(cards)?;
    }
    summaries_equal(plan, records, options, &result)?;
    Ok(result.ok())
}

/// [`scoring`] plus [`plan_round_trips`].
pub fn scoring_and_round_trip(
    plan: &Plan,
    records: &[Record],
    options: &ScoreOptions,
) -> Result<Option<Vec<Scorecard>>, Violation> {
    let cards = scoring(plan, records, options)?;
    plan_round_trips(plan, records, options)?;
    Ok(cards)
}

/// Pay a scored batch: statements from scorecards are well formed and equal the statements from
/// the table path.
pub fn pay(
    pay: &PayPlan,
    plan: &Plan,
    records: &[Record],
    options: &ScoreOptions,
) -> Result<(), Violation> {
    if checked(plan.score_many(records, options))?.is_none() {
        return Ok(());
    }
    let statements = checked(pay.pay_records(plan, records, options))?;
    if let Some(statements) = &statements {
        for s in statements {
            canonical_ok(
                &format!("statement {}", s.record_id),
                &s.to_canonical_json(),
            )?;
            let _ = s.explain(Lang::En);
            let _ = s.explain(Lang::Zh);
        }
    }
    let Some(table) = batch_table(plan, records) else {
        return Ok(());
    };
    let Some(table) = checked(table)? else {
        return Err("the batch scored but its table did not build".into());
    };
    if checked(plan.summarize(&table, options, None))?.is_none() {
        return Err("the batch scored but its table did not".into());
    }
    let from_table = checked(plan.summarize(&table, options, Some(pay)))?;
    match (statements, from_table) {
        (Some(a), Some(b)) => {
            let a: Vec<Option<String>> = a.iter().map(|s| Some(s.total.to_string())).collect();
            let b: Vec<Option<String>> = b.iter().map(|r| r.pay.map(|p| p.to_string())).collect();
            if a != b {
                return Err(format!(
                    "pay from the table differs from pay from scorecards:\n  cards: {a:?}\n  table: {b:?}"
                ));
            }
        }
        (None, None) => {}
        (a, b) => {
            return Err(format!(
                "pay from scorecards {} but from the table {}",
                if a.is_some() { "succeeded" } else { "failed" },
                if b.is_some() { "succeeded" } else { "failed" },
            ))
        }
    }
    Ok(())
}

/// A 360 round: configuration, responses, aggregation, canonical JSON and explanations.
pub fn feedback(config: &str, responses: &str) -> Result<(), Violation> {
    let Some(fb) = checked(Feedback::from_json(config))? else {
        return Ok(());
    };
    let Some(responses) = checked(fb.responses_from_json(responses))? else {
        return Ok(());
    };
    let Some(round) = checked(fb.aggregate(&responses))? else {
        return Ok(());
    };
    canonical_ok("feedback round", &round.to_canonical_json())?;
    for r in &round.reports {
        let _ = r.explain(Lang::En);
        let _ = r.explain(Lang::Zh);
    }
    Ok(())
}

/// One analytics request through the JSON dispatch; a result is valid JSON.
pub fn analytics(operation: &str, request: &str) -> Result<(), Violation> {
    if let Some(out) = checked(analytics::run_json(operation, request))? {
        canonical_ok(&format!("analytics {operation}"), &out)?;
    }
    Ok(())
}

/// Values given to the measures of synthesized records, chosen to hit zero, small, typical,
/// negative and fractional values.
const RECORD_VALUES: [&str; 9] = ["0", "1", "100", "850000", "0.5", "-3", "12", "1000000", "3"];

/// Three records giving every measure of `plan` a value (a different one per record).
pub fn synthesized_records(plan: &Plan) -> Vec<Record> {
    (0..3)
        .map(|r| {
            let mut record = Record::new(format!("R{r}"));
            for (i, m) in plan.measures().iter().enumerate() {
                let text = RECORD_VALUES[(i + r * 5) % RECORD_VALUES.len()];
                if let Ok(v) = text.parse::<Decimal>() {
                    record = record.with(m.id.to_string(), v);
                }
            }
            record
        })
        .collect()
}

/// A compiled plan: score synthesized records at period end and mid-period, and round-trip it.
pub fn compiled_plan(plan: &Plan) -> Result<(), Violation> {
    let records = synthesized_records(plan);
    scoring_and_round_trip(plan, &records, &ScoreOptions::default())?;
    if let Some(mid) = checked(ScoreOptions::from_json(
        r#"{"period": {"basis": "calendar_days", "elapsed": 12, "total": 30}}"#,
    ))? {
        scoring(plan, &records, &mid)?;
    }
    Ok(())
}

/// The measures a fuzzed formula may name, and the slot of each.
pub const FORMULA_NAMES: [&str; 4] = ["a", "b", "c", "d"];

/// A formula through the public formula API (as a number and as a condition, evaluated against a
/// few environments), then inside a small plan as an indicator's actual value and as a veto.
pub fn formula(source: &str) -> Result<(), Violation> {
    let resolve = |name: &str| FORMULA_NAMES.iter().position(|n| *n == name);
    let envs: [[Option<Decimal>; 4]; 4] = [
        [Some(Decimal::ZERO); 4],
        [
            Some(Decimal::ONE),
            Some(Decimal::TWO),
            Some(Decimal::NEGATIVE_ONE),
            None,
        ],
        [
            Some(Decimal::MAX),
            Some(Decimal::MIN),
            Some(Decimal::MAX),
            Some(Decimal::ONE),
        ],
        [
            Some(Decimal::new(1, 28)),
            Some(Decimal::new(3, 0)),
            Some(Decimal::new(-5, 1)),
            Some(Decimal::ONE_HUNDRED),
        ],
    ];
    for expect in [Type::Number, Type::Bool] {
        for mode in [
            RoundingMode::HalfUp,
            RoundingMode::HalfEven,
            RoundingMode::Down,
        ] {
            match Formula::compile(source, &resolve, expect, mode) {
                Ok(f) => {
                    for env in &envs {
                        let _ = f.eval(env);
                        let _ = f.eval_number(env);
                        let _ = f.eval_bool(env);
                    }
                    let _ = (f.source(), f.as_constant(), f.as_variable(), f.variables());
                }
                Err(e) if e.message.trim().is_empty() => {
                    return Err(format!(
                        "formula error at column {} has no message",
                        e.column
                    ))
                }
                Err(_) => {}
            }
        }
    }
    let measures: Vec<serde_json::Value> = FORMULA_NAMES
        .iter()
        .map(|n| serde_json::json!({ "id": n }))
        .collect();
    let grades = serde_json::json!([{"grade": "B", "to": 95}, {"grade": "A", "from": 95}]);
    let as_actual = serde_json::json!({
        "id": "f", "name": "Formula", "measures": measures,
        "indicators": [{"id": "x", "name": "X", "weight": 100, "actual": source, "target": 100,
                        "scoring": {"method": "ratio", "cap": 120}}],
        "grades": grades,
    });
    let as_veto = serde_json::json!({
        "id": "f", "name": "Formula", "measures": measures,
        "indicators": [{"id": "x", "name": "X", "weight": 100, "actual": "a", "target": "b",
                        "scoring": {"method": "ratio", "cap": 120}}],
        "vetoes": [{"id": "v", "name": "V", "when": source, "effect": "zero_total"}],
        "grades": grades,
    });
    for doc in [as_actual, as_veto] {
        if let Some(plan) = checked(Plan::from_json(&doc.to_string()))? {
            compiled_plan(&plan)?;
        }
    }
    Ok(())
}
