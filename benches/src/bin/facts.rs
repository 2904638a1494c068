//! Facts benchmark: `facts [N_FACTS] [N_PEOPLE] [--csv PATH]`. Times, on one core, the batch
//! `records_from_facts` from CSV text (read, check, store, aggregate), a live accumulator's
//! per-fact `add` and the query for the people an add touched, and reports the peak memory.
//! `--batch-only` stops after the batch (for profiling it). `--csv PATH` also writes the orders, for the pandas / polars comparison
//! (benches/python/facts.py). Prints one JSON line of results.

use perfscore::ops::Accumulator;
use perfscore::Plan;
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let people: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let csv = perfscore_benches::orders_csv(n, people, 42);
    if let Some(path) = args
        .iter()
        .position(|a| a == "--csv")
        .and_then(|i| args.get(i + 1))
    {
        std::fs::write(path, &csv).expect("write the CSV");
    }
    let plan = Arc::new(Plan::from_json(perfscore_benches::FACTS_PLAN_JSON).expect("plan"));

    // Batch: the request as a host sends it (the CSV as a JSON string), to each person's record.
    let request = serde_json::json!({"facts": {"orders": csv}, "period": "2026-06"}).to_string();
    let t0 = Instant::now();
    let out = plan
        .run("records_from_facts", &request)
        .expect("the batch aggregates");
    let batch_s = t0.elapsed().as_secs_f64();
    let checksum = out.len();
    if args.iter().any(|a| a == "--batch-only") {
        println!(
            "{}",
            serde_json::json!({"facts": n, "batch_seconds": batch_s, "result_bytes": checksum})
        );
        return;
    }

    // Live: the first 100,000 orders added one request each, then the touched person's query.
    let lines: Vec<&str> = csv.lines().collect();
    let header = lines.first().copied().unwrap_or("");
    let live_n = (n / 10).clamp(1, 100_000);
    let mut acc = Accumulator::new(Arc::clone(&plan)).expect("accumulator");
    // Each add is one order as a JSON object, as a CRM webhook would send it.
    let columns: Vec<&str> = header.split(',').collect();
    let adds: Vec<String> = lines
        .iter()
        .skip(1)
        .take(live_n)
        .map(|l| {
            let row: serde_json::Map<String, serde_json::Value> = columns
                .iter()
                .zip(l.split(','))
                .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.to_owned())))
                .collect();
            serde_json::json!({"source": "orders", "facts": [row]}).to_string()
        })
        .collect();
    let t1 = Instant::now();
    for a in &adds {
        acc.run("add", a).expect("add");
    }
    let add_us = t1.elapsed().as_secs_f64() * 1e6 / live_n as f64;
    let queries = 1_000.min(live_n);
    let t2 = Instant::now();
    for i in 0..queries {
        let who = format!("E{:05}", i % people.max(1));
        let q = serde_json::json!({"period": "2026-06", "people": [who]}).to_string();
        acc.run("records", &q).expect("query");
    }
    let query_us = t2.elapsed().as_secs_f64() * 1e6 / queries as f64;
    let peak_mb = perfscore_benches::peak_rss_mb();
    println!(
        "{}",
        serde_json::json!({
            "facts": n, "people": people,
            "batch_seconds": (batch_s * 1000.0).round() / 1000.0,
            "batch_ns_per_fact": (batch_s * 1e9 / n as f64).round(),
            "live_adds": live_n, "add_us_per_fact": (add_us * 100.0).round() / 100.0,
            "query_us_per_person": (query_us * 100.0).round() / 100.0,
            "peak_rss_mb": peak_mb, "result_bytes": checksum,
        })
    );
}
