//! Score the reference workload in a loop, for profilers (`valgrind --tool=callgrind`, `perf`):
//! `profile [N] [ROUNDS] [full|json|explain|table|pay|totals|totals_table|frame|tape]`. Prints a checksum so the work cannot be
//! optimised away. `full` (default) builds scorecards; `json` also writes each one's canonical
//! JSON (what the JS bindings hand over); `explain` also writes each one's English explanation into
//! one reused buffer (the `score` + `explain` benchmark's work, over many people); `table` computes only summaries (totals and grades)
//! from a batch table on one thread (`Plan::summarize`, what every binding's batch path runs);
//! `pay` adds pay to `table`; `totals` runs the fast exact path (`Plan::totals` from float
//! columns) on each of the three generators (or the one named after it) and says how many rows
//! each stage settled; `totals_table` runs it from the bench generator's decimal table (`Plan::totals_of`); `frame [THREADS] [PART_ROWS]` reads and scores a frame of float columns and text
//! ids, part by part as a host streams it, (`FrameStream::summarize`, the core call behind Python's `summarize_frame` of a float64
//! DataFrame) on the bench generator; `tape` runs `score_many` into a tape (what the JavaScript
//! front's `scoreMany` calls: scoring, then each card's values and interned texts; run it under `taskset -c 0` for one thread).

use perfscore::batch::{Table, Threads};
use perfscore::{PayPlan, ScoreOptions};
use rust_decimal::Decimal;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mode = args.next().unwrap_or_else(|| "full".into());
    let plan = perfscore_benches::plan();
    let records = perfscore_benches::generate(n, 42);
    let opts = ScoreOptions::default();
    let mut scorer = plan.scorer(&opts).expect("valid options");
    let names: Vec<String> = plan.measures().iter().map(|m| m.id.to_string()).collect();
    let ids = records.iter().map(|r| r.id.clone()).collect();
    let values = records
        .iter()
        .flat_map(|r| names.iter().map(|k| r.measures.get(k).copied()))
        .collect();
    let table = Table::from_rows(&plan, ids, &names, values).expect("a good table");
    let pay = PayPlan::from_json(perfscore_benches::PAY_PLAN_JSON, &plan).expect("valid pay plan");
    let one_thread = Threads::from_count(Some(1)).expect("one thread");
    if mode == "totals" {
        totals(&plan, n, rounds, one_thread, args.next());
        return;
    }
    if mode == "totals_table" {
        totals_table(&plan, &table, rounds, one_thread);
        return;
    }
    if mode == "frame" {
        let threads = args.next().and_then(|a| a.parse().ok());
        let threads = Threads::from_count(threads).expect("a thread count");
        let part_rows = args.next().and_then(|a| a.parse().ok()).unwrap_or(n).max(1);
        frame(&plan, n, rounds, threads, part_rows);
        return;
    }
    if mode == "tape" {
        tape(&plan, &records, rounds);
        return;
    }
    let mut sum = Decimal::ZERO;
    let mut bytes = 0usize;
    let mut text = String::new();
    let t0 = std::time::Instant::now();
    for _ in 0..rounds {
        if mode == "table" || mode == "pay" {
            let pay = (mode == "pay").then_some(&pay);
            let rows = plan
                .summarize_with(&table, &opts, pay, one_thread)
                .expect("the workload scores");
            for r in rows {
                sum += r.summary.total + r.pay.unwrap_or_default();
            }
            continue;
        }
        for r in &records {
            if let Ok(c) = scorer.score(r) {
                sum += c.total;
                if mode == "json" {
                    bytes += c.to_canonical_json().len();
                }
                if mode == "explain" {
                    text.clear();
                    c.explain_into(perfscore::Lang::En, &mut text);
                    bytes += text.len();
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

/// `score_many` of every record into one tape: time per person and the tape's size.
fn tape(plan: &perfscore::Plan, records: &[perfscore::Record], rounds: usize) {
    let request = serde_json::json!({ "records": records }).to_string();
    let t0 = std::time::Instant::now();
    let mut nodes = 0usize;
    for _ in 0..rounds {
        let tape = plan
            .run_tape("score_many", &request)
            .expect("the workload scores");
        nodes += tape.nodes.len() + tape.string_ends.len();
    }
    let people = (records.len() * rounds).max(1) as f64;
    eprintln!(
        "tape: {:.2} µs per person",
        t0.elapsed().as_secs_f64() * 1e6 / people
    );
    println!("{nodes}");
}

/// `Plan::totals` from float columns on each generator: time per person and where rows settled.
/// `only` names one generator (`bench`, `round_numbers`, `boundary`) to run alone.
fn totals(plan: &perfscore::Plan, n: usize, rounds: usize, threads: Threads, only: Option<String>) {
    let names: Vec<&str> = perfscore_benches::MEASURES.to_vec();
    let ids: Vec<String> = (0..n).map(|i| format!("P{i:07}")).collect();
    for (workload, label) in perfscore_benches::Workload::ALL {
        if only.as_deref().is_some_and(|o| o != label) {
            continue;
        }
        let floats = float_columns(workload, n, names.len());
        let columns: Vec<perfscore::batch::Column> = floats
            .iter()
            .map(|c| perfscore::batch::Column::f64(c))
            .collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut best = f64::INFINITY;
        let mut sum = 0i64;
        let mut stages = (0, 0);
        for _ in 0..rounds {
            let t0 = std::time::Instant::now();
            let t = plan
                .totals(&id_refs, &names, &columns, threads)
                .expect("the workload scores");
            sum = sum.wrapping_add(t.units.iter().sum::<i64>());
            stages = (t.settled, t.settled_exact);
            best = best.min(t0.elapsed().as_secs_f64());
        }
        // The best round: the least disturbed by other work on a shared machine.
        let per = best * 1e9 / n.max(1) as f64;
        eprintln!(
            "{label}: {per:.0} ns per person; settled in floats {}, in exact stages {}, by the engine {} of {n}",
            stages.0,
            stages.1,
            n.saturating_sub(stages.0 + stages.1)
        );
        println!("{sum}");
    }
}

/// `Plan::totals_of` a decimal table (the bench generator's): time per person.
fn totals_table(plan: &perfscore::Plan, table: &Table, rounds: usize, threads: Threads) {
    let mut best = f64::INFINITY;
    let mut sum = 0i64;
    for _ in 0..rounds {
        let t0 = std::time::Instant::now();
        let t = plan
            .totals_of(table, None, threads)
            .expect("the workload scores");
        sum = sum.wrapping_add(t.units.iter().sum::<i64>());
        best = best.min(t0.elapsed().as_secs_f64());
    }
    let n = table.ids().len().max(1);
    eprintln!("table: {:.0} ns per person", best * 1e9 / n as f64);
    println!("{sum}");
}

/// `FrameStream::summarize` of a frame of float columns and text ids, bench generator.
fn frame(plan: &perfscore::Plan, n: usize, rounds: usize, threads: Threads, part_rows: usize) {
    use perfscore::batch::{Column, Frame, FrameStream};
    let names: Vec<&str> = perfscore_benches::MEASURES.to_vec();
    let floats = float_columns(perfscore_benches::Workload::Bench, n, names.len());
    // PROFILE_INTS=1: a column of whole numbers as int64, as pandas reads it from CSV.
    let ints: Vec<Option<Vec<i64>>> = floats
        .iter()
        .map(|c| {
            let whole = std::env::var_os("PROFILE_INTS").is_some()
                && c.iter().all(|x| x.fract() == 0.0 && x.abs() < 1e15);
            #[allow(clippy::cast_possible_truncation)]
            whole.then(|| c.iter().map(|&x| x as i64).collect())
        })
        .collect();
    // Each part's ids as their own text column (as a host hands over one part at a time).
    let parts: Vec<(Vec<i32>, Vec<u8>, std::ops::Range<usize>)> = (0..n)
        .step_by(part_rows)
        .map(|start| {
            let rows = start..n.min(start + part_rows);
            let mut bytes = Vec::new();
            let mut offsets = vec![0i32];
            for i in rows.clone() {
                bytes.extend_from_slice(format!("P{i:07}").as_bytes());
                offsets.push(i32::try_from(bytes.len()).expect("ids fit"));
            }
            (offsets, bytes, rows)
        })
        .collect();
    let frames: Vec<Frame> = parts
        .iter()
        .map(|(offsets, bytes, rows)| {
            let mut frame = Frame::new().column("id", Column::text(offsets, bytes));
            for ((name, column), ints) in names.iter().zip(&floats).zip(&ints) {
                match ints {
                    Some(ints) => frame.push(name, Column::i64(&ints[rows.clone()], 0)),
                    None => frame.push(name, Column::f64(&column[rows.clone()])),
                }
            }
            frame
        })
        .collect();
    let opts = ScoreOptions::default();
    let mut best = f64::INFINITY;
    let mut sum = 0usize;
    for _ in 0..rounds {
        let t0 = std::time::Instant::now();
        let mut stream = FrameStream::new();
        for frame in &frames {
            let part = stream
                .summarize(plan, frame, &opts, None, threads)
                .expect("the workload scores");
            sum = sum.wrapping_add(part.ids.len());
        }
        best = best.min(t0.elapsed().as_secs_f64());
    }
    eprintln!("frame: {:.2} ms for {n} people", best * 1e3);
    println!("{sum}");
}

/// `n` people of `workload` (seed 42) as one float column per measure, in `MEASURES` order.
fn float_columns(
    workload: perfscore_benches::Workload,
    n: usize,
    measures: usize,
) -> Vec<Vec<f64>> {
    use rust_decimal::prelude::ToPrimitive;
    let mut rng = perfscore_benches::Rng::new(42);
    let people: Vec<[Decimal; 17]> = (0..n).map(|_| workload.person(&mut rng)).collect();
    (0..measures)
        .map(|c| {
            people
                .iter()
                .map(|p| p.get(c).and_then(|d| d.to_f64()).unwrap_or(f64::NAN))
                .collect()
        })
        .collect()
}
