//! Criterion benchmarks of the Rust core on the reference workload (see the crate docs).
//! `cargo bench -p perfscore-benches --bench scoring`; `-- --quick` style smoke runs in CI use
//! `PERFSCORE_BENCH_SMOKE=1`, which shrinks the batch and the sample counts.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use perfscore::batch::{Column, Table, Threads};
use perfscore::{Lang, PayPlan, Plan, ScoreOptions};
use perfscore_benches::{generate, plan, Rng, Workload, PAY_PLAN_JSON, PLAN_JSON};
use std::hint::black_box;

fn smoke() -> bool {
    std::env::var_os("PERFSCORE_BENCH_SMOKE").is_some()
}

fn benches(c: &mut Criterion) {
    let plan = plan();
    let opts = ScoreOptions::default();
    let indicators = plan.indicator_count() as u64;
    let batch = if smoke() { 1_000 } else { 100_000 };
    let records = generate(batch, 42);

    let mut g = c.benchmark_group("core");
    if smoke() {
        g.sample_size(10)
            .warm_up_time(std::time::Duration::from_millis(100))
            .measurement_time(std::time::Duration::from_millis(300));
    }
    g.bench_function("plan_compile", |b| {
        b.iter(|| Plan::from_json(black_box(PLAN_JSON)))
    });

    g.throughput(Throughput::Elements(batch as u64 * indicators));
    g.bench_with_input(
        BenchmarkId::new("score_batch_indicator_evals", batch),
        &records,
        |b, rs| {
            b.iter(|| {
                let mut scorer = plan.scorer(&opts).unwrap();
                let mut sum = rust_decimal::Decimal::ZERO;
                for r in rs {
                    sum += scorer.score(r).unwrap().total;
                }
                sum
            })
        },
    );

    // Table cells in the plan's measure order, for the batch engine below.
    let names: Vec<String> = plan.measures().iter().map(|m| m.id.to_string()).collect();
    let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    let values: Vec<Option<rust_decimal::Decimal>> = records
        .iter()
        .flat_map(|r| names.iter().map(|n| r.measures.get(n).copied()))
        .collect();

    // The batch engine every binding runs (the lean path: same arithmetic, no scorecard detail):
    // a table, one call, its own threads.
    // Smoke runs have one batch size (criterion refuses the same id twice).
    let mut sizes = vec![10_000.min(batch), batch];
    sizes.dedup();
    for rows in sizes {
        let table = Table::from_rows(
            &plan,
            ids.iter().take(rows).map(|s| s.to_string()).collect(),
            &names,
            values[..rows * names.len()].to_vec(),
        )
        .unwrap();
        g.throughput(Throughput::Elements(rows as u64 * indicators));
        for (label, threads) in [
            ("1", Threads::from_count(Some(1)).unwrap()),
            ("auto", Threads::Auto),
        ] {
            g.bench_function(
                BenchmarkId::new(format!("summarize_threads_{label}_indicator_evals"), rows),
                |b| {
                    b.iter(|| {
                        plan.summarize_with(black_box(&table), &opts, None, threads)
                            .unwrap()
                    })
                },
            );
        }
    }

    // The fast exact path: `Plan::totals`, the certified-float kernel with the exact engine for
    // the rows it cannot settle; from host float columns (what a DataFrame or typed arrays hand
    // over) and from the decimal table above. Same totals and grades as `summarize` (checked in
    // core/tests/kernel.rs).
    let floats: Vec<Vec<f64>> = (0..names.len())
        .map(|c| {
            values
                .iter()
                .skip(c)
                .step_by(names.len())
                .map(|v| {
                    v.map_or(f64::NAN, |d| {
                        rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap_or(f64::NAN)
                    })
                })
                .collect()
        })
        .collect();
    let columns: Vec<Column> = floats.iter().map(|c| Column::f64(c)).collect();
    let one_thread = Threads::from_count(Some(1)).unwrap();
    let table = Table::from_rows(
        &plan,
        ids.iter().map(|s| s.to_string()).collect(),
        &names,
        values.clone(),
    )
    .unwrap();
    g.throughput(Throughput::Elements(batch as u64 * indicators));
    g.bench_function(
        BenchmarkId::new("totals_from_floats_threads_1_indicator_evals", batch),
        |b| {
            b.iter(|| {
                plan.totals(black_box(&ids), &names_str(&names), &columns, one_thread)
                    .unwrap()
            })
        },
    );
    g.bench_function(
        BenchmarkId::new("totals_from_decimals_threads_1_indicator_evals", batch),
        |b| b.iter(|| plan.totals_of(black_box(&table), None, one_thread).unwrap()),
    );
    // The same from float columns on the other two generators of the kernel's differential
    // tests: round-number targets (non-terminating quotients that cancel) and values on every
    // band, threshold and grade edge, where more rows go to the exact stages.
    for (workload, label) in Workload::ALL.into_iter().skip(1) {
        let mut rng = Rng::new(42);
        let people: Vec<[rust_decimal::Decimal; 17]> =
            (0..batch).map(|_| workload.person(&mut rng)).collect();
        let floats: Vec<Vec<f64>> = (0..names.len())
            .map(|c| {
                people
                    .iter()
                    .map(|p| rust_decimal::prelude::ToPrimitive::to_f64(&p[c]).unwrap_or(f64::NAN))
                    .collect()
            })
            .collect();
        let columns: Vec<Column> = floats.iter().map(|c| Column::f64(c)).collect();
        g.bench_function(
            BenchmarkId::new(format!("totals_{label}_threads_1_indicator_evals"), batch),
            |b| {
                b.iter(|| {
                    plan.totals(black_box(&ids), &names_str(&names), &columns, one_thread)
                        .unwrap()
                })
            },
        );
    }

    g.throughput(Throughput::Elements(1));
    let one = &records[0];
    g.bench_function("one_scorecard", |b| {
        b.iter(|| plan.score(black_box(one)).unwrap())
    });
    // The scorecard target's measure: score one person and explain it in one language, the
    // explanation written into a reused buffer.
    let mut text = String::new();
    g.bench_function("one_scorecard_explained_en", |b| {
        b.iter(|| {
            let card = plan.score(black_box(one)).unwrap();
            text.clear();
            card.explain_into(Lang::En, &mut text);
            text.len()
        })
    });
    g.bench_function("one_scorecard_with_explanation", |b| {
        b.iter(|| {
            let card = plan.score(black_box(one)).unwrap();
            (card.explain(Lang::En), card.explain(Lang::Zh))
        })
    });
    let pay = PayPlan::from_json(PAY_PLAN_JSON, &plan).unwrap();
    let small: Vec<_> = records.iter().take(1_000).cloned().collect();
    g.throughput(Throughput::Elements(small.len() as u64));
    g.bench_function("score_and_pay_1000", |b| {
        b.iter(|| pay.pay_records(&plan, black_box(&small), &opts).unwrap())
    });
    g.finish();
}

criterion_group!(scoring, benches);
criterion_main!(scoring);

fn names_str(names: &[String]) -> Vec<&str> {
    names.iter().map(String::as_str).collect()
}
