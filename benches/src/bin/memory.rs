//! Peak heap memory of scoring N people, batch versus streaming: `memory [N]`.
//!
//! Batch keeps every record and scorecard (memory grows with N, as the output does); streaming
//! generates, scores and drops one person at a time with a reused `Scorer`, keeping only a grade
//! count, so its peak must not grow with N. A counting global allocator measures the heap.

use perfscore_benches::{generate, person, plan, record, Rng};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn reset() -> usize {
    let now = CURRENT.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let plan = plan();
    let opts = perfscore::ScoreOptions::default();

    let base = reset();
    let mut grades = std::collections::BTreeMap::<String, usize>::new();
    {
        let mut scorer = plan.scorer(&opts).expect("options are valid");
        let mut rng = Rng::new(42);
        for i in 0..n {
            let r = record(i, &person(&mut rng));
            let card = scorer.score(&r).expect("generated records score");
            *grades.entry(card.grade.to_string()).or_default() += 1;
        }
    }
    let streaming = PEAK.load(Ordering::Relaxed) - base;

    let base = reset();
    let records = generate(n, 42);
    let cards = plan
        .score_many(&records, &opts)
        .expect("generated records score");
    let batch = PEAK.load(Ordering::Relaxed) - base;
    assert_eq!(cards.len(), n);

    println!(
        "people={n} streaming_peak_bytes={streaming} batch_peak_bytes={batch} grades={grades:?}"
    );
}
