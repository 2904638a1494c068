//! History benchmark: `history [N_PEOPLE] [N_MONTHS] [--csv PATH]`. A monthly history of
//! N_PEOPLE people over N_MONTHS months (default 10,000 × 60 = 600,000 results) as CSV text
//! with legacy headers; times, in one process, `read_history` (read and check every cell,
//! restatement and grain rules) and `person_timeline` for everyone (change, rolling mean, trend,
//! streaks, cohort percentiles), and reports the peak memory. `--csv PATH` also writes the CSV,
//! for the pandas comparison (benches/python/history.py). Prints one JSON line.

use perfscore_benches::Rng;
use std::fmt::Write as _;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let people: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let months: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(60);
    let csv = history_csv(people, months, 7);
    if let Some(path) = args
        .iter()
        .position(|a| a == "--csv")
        .and_then(|i| args.get(i + 1))
    {
        std::fs::write(path, &csv).expect("write the CSV");
    }
    let request = serde_json::json!({ "results": csv }).to_string();
    let t0 = Instant::now();
    let read = perfscore::analytics::run_json("read_history", &request).expect("read");
    let read_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let timelines = perfscore::analytics::run_json("person_timeline", &request).expect("timelines");
    let timeline_s = t1.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "people": people, "months": months, "results": people * months,
            "read_history_seconds": (read_s * 1000.0).round() / 1000.0,
            "person_timeline_seconds": (timeline_s * 1000.0).round() / 1000.0,
            "peak_rss_mb": perfscore_benches::peak_rss_mb(),
            "bytes": read.len() + timelines.len(),
        })
    );
}

/// `people` × `months` results from 2022-01 on: 工号, 考核期间, 总分 (two places), 等级.
fn history_csv(people: usize, months: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::from("工号,考核期间,总分,等级\n");
    for p in 0..people {
        let base = rng.range(6_000, 9_000);
        for m in 0..months {
            let total = (base + rng.range(-1_500, 1_500)).clamp(0, 12_000);
            let grade = match total {
                t if t >= 9_000 => "A",
                t if t >= 7_500 => "B",
                t if t >= 6_000 => "C",
                _ => "D",
            };
            let (year, month) = (2022 + m / 12, m % 12 + 1);
            let _ = writeln!(
                out,
                "E{p:05},{year}-{month:02},{}.{:02},{grade}",
                total / 100,
                total % 100
            );
        }
    }
    out
}
