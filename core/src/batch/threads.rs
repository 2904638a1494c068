//! How many threads a batch runs on, and running work on contiguous chunks of rows.
//!
//! One policy for every host: a thread is worth it only for [`MIN_ROWS_PER_THREAD`] rows or
//! more, never more than [`MAX_THREADS`] threads nor more than the machine has, and exactly one
//! on wasm32 (no threads there). Hosts that already run one task per core (Spark, Dask) force
//! one thread with [`Threads::Exactly`].

use crate::error::{kinds, Error, Loc, Problem};
use std::num::NonZeroUsize;
use std::ops::Range;

/// Fewer rows than this per thread are not worth a thread (under [`Threads::Auto`]).
pub(crate) const MIN_ROWS_PER_THREAD: usize = 4096;

/// What a full scorecard and its document cost, in rows of a batch of totals: 13 µs against
/// about 0.4 µs on the bench workload, rounded down.
pub(crate) const SCORECARD_WEIGHT: usize = 32;

/// [`Threads::Auto`] never uses more threads than this: past it, memory bandwidth, not
/// arithmetic, limits a batch.
pub(crate) const MAX_THREADS: usize = 8;

/// How many threads a batch may use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Threads {
    /// The engine's policy: one thread per 4096 rows, at most
    /// 8 and at most `std::thread::available_parallelism`.
    #[default]
    Auto,
    /// This many threads (fewer when there are fewer rows), e.g. one inside a Spark task.
    Exactly(NonZeroUsize),
}

impl Threads {
    /// `Exactly(n)`, or `Auto` when `n` is `None`; `Err` for zero threads.
    pub fn from_count(n: Option<usize>) -> Result<Threads, ZeroThreads> {
        match n {
            None => Ok(Threads::Auto),
            Some(n) => NonZeroUsize::new(n)
                .map(Threads::Exactly)
                .ok_or(ZeroThreads),
        }
    }

    /// How many threads a batch of `rows` rows runs on (at least one, at most one per row).
    pub fn count(self, rows: usize) -> usize {
        self.count_weighted(rows, 1)
    }

    /// [`Threads::count`] for rows that each cost `weight` batch rows (a full scorecard with its
    /// document costs about as much as 32 rows of totals, grades and pay), so a thread under
    /// [`Threads::Auto`] gets at least [`MIN_ROWS_PER_THREAD`] ÷ `weight` rows.
    pub(crate) fn count_weighted(self, rows: usize, weight: usize) -> usize {
        if cfg!(target_arch = "wasm32") {
            return 1;
        }
        let wanted = match self {
            Threads::Exactly(n) => n.get(),
            Threads::Auto => {
                let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
                cores.min(MAX_THREADS).min(
                    rows.saturating_mul(weight.max(1))
                        .checked_div(MIN_ROWS_PER_THREAD)
                        .unwrap_or(0),
                )
            }
        };
        wanted.min(rows).max(1)
    }

    /// The rows of each chunk (the last may be shorter): `rows` split evenly over
    /// [`Threads::count`] threads. Chunk `c` holds rows `c * per .. (c + 1) * per`.
    pub fn rows_per_chunk(self, rows: usize) -> usize {
        rows.div_ceil(self.count(rows)).max(1)
    }

    /// The chunks of `rows` rows, in order.
    pub fn chunks(self, rows: usize) -> impl Iterator<Item = Range<usize>> {
        self.chunks_weighted(rows, 1)
    }

    /// [`Threads::chunks`] over [`Threads::count_weighted`] threads.
    pub(crate) fn chunks_weighted(
        self,
        rows: usize,
        weight: usize,
    ) -> impl Iterator<Item = Range<usize>> {
        let per = rows.div_ceil(self.count_weighted(rows, weight)).max(1);
        (0..rows)
            .step_by(per)
            .map(move |start| start..start.saturating_add(per).min(rows))
    }
}

/// A thread count of zero was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZeroThreads;

impl std::fmt::Display for ZeroThreads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("threads must be at least 1")
    }
}

impl std::error::Error for ZeroThreads {}

/// `work` on each job, results in job order: the last job on the calling thread (which would
/// otherwise only wait) and each other on a scoped thread of its own, so `n` jobs start `n − 1`
/// threads (a thread costs tens of microseconds to start on a small VM, and a frame streamed in
/// parts runs several batches per part). A job that panicked (a bug: the core does not panic)
/// is an internal error rather than a panic on the caller's thread.
pub(crate) fn run<J, T, F>(mut jobs: Vec<J>, work: F) -> crate::Result<Vec<T>>
where
    J: Send,
    T: Send,
    F: Fn(J) -> T + Sync,
{
    if jobs.len() <= 1 {
        return Ok(jobs.into_iter().map(&work).collect());
    }
    let work = &work;
    let last = jobs.pop();
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|job| scope.spawn(move || work(job)))
            .collect();
        let here = last.map(|job| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(job)))
                .map_err(|_| panicked())
        });
        let mut out: Vec<T> = handles
            .into_iter()
            .map(|h| h.join().map_err(|_| panicked()))
            .collect::<crate::Result<_>>()?;
        if let Some(here) = here {
            out.push(here?);
        }
        Ok(out)
    })
}

fn panicked() -> Error {
    Error::Input(vec![Problem::new(
        Loc::root(),
        kinds::INTERNAL,
        "internal error: a batch thread panicked",
    )
    .zh("内部错误：批量计算线程崩溃（这是程序缺陷，请报告）")])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exactly(n: usize) -> Threads {
        Threads::from_count(Some(n)).unwrap()
    }

    #[test]
    fn auto_needs_4096_rows_per_thread() {
        assert_eq!(Threads::Auto.count(0), 1);
        assert_eq!(Threads::Auto.count(4095), 1);
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        assert_eq!(Threads::Auto.count(2 * 4096), cores.clamp(1, 2));
        assert_eq!(Threads::Auto.count(1_000_000), cores.min(MAX_THREADS));
    }

    #[test]
    fn exactly_is_capped_by_the_rows() {
        assert_eq!(exactly(64).count(12), 12);
        assert_eq!(exactly(3).count(12), 3);
        assert_eq!(exactly(3).count(0), 1);
        assert!(Threads::from_count(Some(0)).is_err());
    }

    #[test]
    fn chunks_cover_the_rows_in_order() {
        let chunks: Vec<_> = exactly(3).chunks(10).collect();
        // 10 rows over 3 threads: ⌈10/3⌉ = 4 rows per chunk, the last has 2.
        assert_eq!(chunks, vec![0..4, 4..8, 8..10]);
        assert_eq!(exactly(3).chunks(0).count(), 0);
    }

    #[test]
    fn results_come_back_in_job_order() {
        let out = run((0..5).collect(), |i: i32| i * 10).unwrap();
        assert_eq!(out, vec![0, 10, 20, 30, 40]);
    }

    #[test]
    fn a_job_that_panics_is_an_internal_error_on_any_thread() {
        // The last job runs on the calling thread, the others on threads of their own.
        for bad in [0, 2] {
            let err = run(vec![0, 1, 2], |i: i32| {
                assert!(i != bad, "a bug");
                i
            })
            .unwrap_err();
            assert_eq!(err.problems()[0].kind, kinds::INTERNAL);
        }
    }
}
