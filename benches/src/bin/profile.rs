//! Score the reference workload in a loop, for profilers (`valgrind --tool=callgrind`, `perf`):
//! `profile [N] [ROUNDS] [full|json|summary]`. Prints a checksum so the work cannot be optimised
//! away. `full` (default) builds scorecards; `json` also writes each one's canonical JSON (what
//! the JS bindings hand over); `summary` computes only the summaries (totals and grades).

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mode = args.next().unwrap_or_else(|| "full".into());
    let plan = perfscore_benches::plan();
    let records = perfscore_benches::generate(n, 42);
    let opts = perfscore::ScoreOptions::default();
    let mut scorer = plan.scorer(&opts).expect("valid options");
    let mut sum = rust_decimal::Decimal::ZERO;
    let mut bytes = 0usize;
    let t0 = std::time::Instant::now();
    for _ in 0..rounds {
        for r in &records {
            if mode == "summary" {
                if let Ok(s) = scorer.summarize(r) {
                    sum += s.total;
                }
                continue;
            }
            if let Ok(c) = scorer.score(r) {
                sum += c.total;
                if mode == "json" {
                    bytes += c.to_canonical_json().len();
                }
            }
        }
    }
    let people = (n * rounds).max(1) as f64;
    eprintln!(
        "{mode}: {:.2} µs per person",
        t0.elapsed().as_secs_f64() * 1e6 / people
    );
    println!("{sum} {bytes}");
}
