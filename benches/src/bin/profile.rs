//! Score the reference workload in a loop, for profilers (`valgrind --tool=callgrind`, `perf`):
//! `profile [N] [ROUNDS]`. Prints a checksum so the work cannot be optimised away.

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let plan = perfscore_benches::plan();
    let records = perfscore_benches::generate(n, 42);
    let opts = perfscore::ScoreOptions::default();
    let mut scorer = plan.scorer(&opts).expect("valid options");
    let mut sum = rust_decimal::Decimal::ZERO;
    for _ in 0..rounds {
        for r in &records {
            if let Ok(c) = scorer.score(r) {
                sum += c.total;
            }
        }
    }
    println!("{sum}");
}
