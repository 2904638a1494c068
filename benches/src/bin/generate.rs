//! Write the reference workload as CSV: `generate N [SEED] > people.csv`.

use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    perfscore_benches::write_csv(n, seed, &mut out)?;
    out.flush()
}
