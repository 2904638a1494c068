//! Conformance vectors: every `tests/vectors/<name>.json` is scored and compared byte for byte
//! with `<name>.expected.jsonl` (one canonical scorecard per line, or one canonical error).
//! Every binding runs the same files. `UPDATE_VECTORS=1` rewrites the expected files; the numbers
//! in them are checked independently by hand-worked tests (worked_example.rs, methods tests).

mod common;
use perfscore::{Plan, ScoreOptions};

/// Runs one vector the way a host would: plan text → plan, records → scorecards → canonical JSON lines.
fn run(vector: &serde_json::Value) -> String {
    if let Some(pool) = vector.get("pool") {
        return run_pool(pool);
    }
    if vector.get("pay_plan").is_some() {
        return run_pay(vector);
    }
    #[cfg(feature = "feedback")]
    if vector.get("feedback").is_some() {
        return run_feedback(vector);
    }
    let result = (|| {
        let plan = Plan::from_json(&vector["plan"].to_string())?;
        let records = match &vector["records_csv"] {
            serde_json::Value::String(csv) => plan.records_from_csv(csv)?,
            _ => records_both_ways(&plan, &vector["records"])?,
        };
        let options = match vector.get("options") {
            Some(o) => ScoreOptions::from_value(o.clone())?,
            None => ScoreOptions::default(),
        };
        plan.score_many(&records, &options)
    })();
    match result {
        Ok(cards) => {
            let lines: Vec<String> = cards.iter().map(|c| c.to_canonical_json()).collect();
            lines.join("\n") + "\n"
        }
        Err(e) => e.to_canonical_json() + "\n",
    }
}

/// Records read from JSON text and from the parsed value (as a host sends them): the same
/// records, or the same error.
fn records_both_ways(
    plan: &Plan,
    records: &serde_json::Value,
) -> perfscore::Result<Vec<perfscore::Record>> {
    let from_text = plan.records_from_json(&records.to_string());
    let from_value = plan.read_records(records.clone());
    assert_eq!(from_text, from_value, "records from text and from a value");
    from_text
}

/// Pay vectors: score, then one canonical pay statement per line.
fn run_pay(vector: &serde_json::Value) -> String {
    let result = (|| {
        let plan = Plan::from_json(&vector["plan"].to_string())?;
        let pay = perfscore::PayPlan::from_json(&vector["pay_plan"].to_string(), &plan)?;
        let records = records_both_ways(&plan, &vector["records"])?;
        pay.pay_records(&plan, &records, &ScoreOptions::default())
    })();
    match result {
        Ok(st) => st.iter().map(|s| s.to_canonical_json() + "\n").collect(),
        Err(e) => e.to_canonical_json() + "\n",
    }
}

/// 360 vectors: configuration + responses → one line, the canonical round.
#[cfg(feature = "feedback")]
fn run_feedback(vector: &serde_json::Value) -> String {
    let result = (|| {
        let fb = perfscore::feedback::Feedback::from_json(&vector["feedback"].to_string())?;
        let from_text = fb.responses_from_json(&vector["responses"].to_string());
        let from_value = fb.read_responses(vector["responses"].clone());
        assert_eq!(
            from_text, from_value,
            "responses from text and from a value"
        );
        let responses = from_text?;
        fb.aggregate(&responses)
    })();
    match result {
        Ok(round) => round.to_canonical_json() + "\n",
        Err(e) => e.to_canonical_json() + "\n",
    }
}

/// Pool vectors: one line, the canonical JSON array of shares.
fn run_pool(pool: &serde_json::Value) -> String {
    let amount: rust_decimal::Decimal = pool["amount"].as_str().unwrap().parse().unwrap();
    let minor = pool["minor_units"].as_u64().unwrap() as u32;
    let weights: Vec<(std::sync::Arc<str>, rust_decimal::Decimal)> = pool["weights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap().into(),
                w["weight"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    match perfscore::pay::split_pool(amount, minor, &weights) {
        Ok(shares) => perfscore::pay::shares_to_canonical_json(&shares) + "\n",
        Err(e) => e.to_canonical_json() + "\n",
    }
}

/// Every vector file: scoring vectors at the top; pay and pool vectors in `pay/`; 360 vectors in
/// `feedback/` (where the core is built with 360-degree feedback).
fn vector_paths() -> Vec<std::path::PathBuf> {
    let dir = common::vectors_dir();
    let mut dirs = vec![dir.clone(), dir.join("pay")];
    if cfg!(feature = "feedback") {
        dirs.push(dir.join("feedback"));
    }
    let mut names: Vec<_> = dirs
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 5,
        "expected the conformance vectors in {}",
        dir.display()
    );
    names
}

#[test]
fn vectors_match_expected_bytes() {
    let names = vector_paths();
    let update = std::env::var_os("UPDATE_VECTORS").is_some();
    let mut failures = Vec::new();
    for path in names {
        let vector: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let got = run(&vector);
        let expected_path = path.with_extension("expected.jsonl");
        if update {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!(
                "{}:\n  got:      {got}\n  expected: {expected}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `Plan::to_json` round-trips: every vector's plan and every template, written and read back,
/// is the same plan (the same text again, the same scorecards for the vector's records).
#[test]
fn plan_json_round_trips() {
    let mut checked = 0;
    // Each template's document is also a vector (`plan-documents/<id>.json`, the exact bytes
    // every binding's `to_json` / `toJson` must give).
    let update = std::env::var_os("UPDATE_VECTORS").is_some();
    for (id, text) in perfscore::templates::PLAN_TEMPLATES {
        let plan = Plan::from_json(text).unwrap();
        let again = Plan::from_json(&plan.to_json()).unwrap();
        assert_eq!(again.to_json(), plan.to_json(), "template {id}");
        let path = common::vectors_dir()
            .join("plan-documents")
            .join(format!("{id}.json"));
        if update {
            std::fs::write(&path, plan.to_json() + "\n").unwrap();
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(plan.to_json() + "\n", expected, "{}", path.display());
        checked += 1;
    }
    for path in vector_paths() {
        let vector: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let Some(spec) = vector.get("plan") else {
            continue;
        };
        let Ok(plan) = Plan::from_json(&spec.to_string()) else {
            continue;
        };
        let name = path.display();
        let again = Plan::from_json(&plan.to_json()).unwrap();
        assert_eq!(again.to_json(), plan.to_json(), "{name}");
        // Scored (and paid) from the written plan: the same bytes.
        let mut copy = vector.clone();
        copy["plan"] = serde_json::from_str(&plan.to_json()).unwrap();
        assert_eq!(run(&copy), run(&vector), "{name}");
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} plans checked");
}
