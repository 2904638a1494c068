//! The demo team's June, live: the raw CRM orders, finance documents and visit log of
//! `core/data/demo-facts/` arrive day by day in a fact accumulator, and every five days the
//! team's progress lights and period-to-date totals are read from it. On 30 June the totals are
//! exactly the flat demo's (`cargo run --example demo`); then the month is analysed by product
//! line, customer type and team, and CRM revenue is reconciled with finance's invoices.
//!
//! `cargo run --release --example live`

use perfscore::ops::Accumulator;
use perfscore::templates::{DEMO_FACTS, DEMO_FACTS_PLAN_JSON, DEMO_PEOPLE_CSV};
use perfscore::Plan;
use serde_json::{json, Value};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plan = Arc::new(Plan::from_json(DEMO_FACTS_PLAN_JSON)?);
    let mut live = Accumulator::new(Arc::clone(&plan))?;
    // May's orders first: they decide which June customers are new.
    for (source, csv) in DEMO_FACTS {
        live.run(
            "add",
            &json!({"source": source, "facts": rows_dated(csv, "2026-05")}).to_string(),
        )?;
    }
    let checkpoints = [5, 10, 15, 20, 25, 30];
    let mut table: Vec<(String, Vec<String>)> = Vec::new();
    for day in 1..=30 {
        let date = format!("2026-06-{day:02}");
        let mut touched = 0;
        for (source, csv) in DEMO_FACTS {
            let added = live.run(
                "add",
                &json!({"source": source, "facts": rows_dated(csv, &date)}).to_string(),
            )?;
            let added: Value = serde_json::from_str(&added)?;
            touched += added["changed"].as_u64().unwrap_or(0);
        }
        if !checkpoints.contains(&day) {
            continue;
        }
        let query = json!({"period": "2026-06", "as_of": date, "records": DEMO_PEOPLE_CSV});
        let cards = live.run("score", &query.to_string())?;
        for (i, line) in cards.lines().enumerate() {
            let card: Value = serde_json::from_str(line)?;
            let light = match card["progress"]["status"].as_str() {
                Some("green") => "🟢",
                Some("yellow") => "🟡",
                Some("red") => "🔴",
                _ => "  ",
            };
            let cell = format!(
                "{light}{:>7} {:<1}",
                card["total"].as_str().unwrap_or("?"),
                card["grade"].as_str().unwrap_or("?")
            );
            if table.len() <= i {
                let name = format!(
                    "{} {}",
                    card["record_id"].as_str().unwrap_or(""),
                    card["name"].as_str().unwrap_or("")
                );
                table.push((name, Vec::new()));
            }
            if let Some(row) = table.get_mut(i) {
                row.1.push(cell);
            }
        }
        println!("{date}: {touched} facts arrived today, {} held", live.len());
    }
    println!(
        "\nPeriod-to-date total and grade, with the pace light (month end: no light, final grade)"
    );
    print!("{:<16}", "");
    for day in checkpoints {
        print!("   June {day:<5}");
    }
    println!();
    for (name, cells) in &table {
        println!("{name:<16}{}", cells.join("  "));
    }
    let end = live.run("records", &json!({"period": "2026-06"}).to_string())?;
    let end: Value = serde_json::from_str(&end)?;
    for fact in end["unassigned"].as_array().into_iter().flatten() {
        println!(
            "\nNot credited to anyone yet: {} {} (row {}) — assign its owner to count it",
            fact["source"], fact["id"], fact["row"]
        );
    }
    // Month end: the same facts by product line and customer type, by team (people.csv is the
    // org table), against May; and CRM revenue against what finance invoiced.
    let pivots = [
        json!({"by": ["product_line"], "measures": ["revenue", "gross_profit"], "compare": ["previous_period"]}),
        json!({"by": ["customer_type"], "measures": ["revenue", "new_customers"]}),
        json!({"by": ["team"], "measures": ["revenue", "collected"], "org": DEMO_PEOPLE_CSV}),
    ];
    for mut pivot in pivots {
        pivot["period"] = json!("2026-06");
        let out: Value = serde_json::from_str(&live.run("pivot", &pivot.to_string())?)?;
        println!();
        for line in out["summary"].as_array().into_iter().flatten() {
            println!("{}", line.as_str().unwrap_or(""));
        }
    }
    let check =
        json!({"period": "2026-06", "left": "revenue", "right": "invoiced", "tolerance_pct": 5});
    let out: Value = serde_json::from_str(&live.run("reconcile", &check.to_string())?)?;
    println!();
    for line in out["summary"].as_array().into_iter().flatten() {
        println!("{}", line.as_str().unwrap_or(""));
    }
    Ok(())
}

/// The header and the rows of `csv` whose date (the second column) starts with `prefix`.
fn rows_dated(csv: &str, prefix: &str) -> String {
    let mut lines = csv.lines();
    let mut out = String::from(lines.next().unwrap_or(""));
    for line in lines.filter(|l| l.split(',').nth(1).is_some_and(|d| d.starts_with(prefix))) {
        out.push('\n');
        out.push_str(line);
    }
    out
}
