//! Phase timings of `summarize_frame`, for the benchmarks only. With the `timings` cargo
//! feature (the benchmark wheel) this is a real clock and `SummaryTable._timings` exists;
//! without it every reading is zero and costs nothing, so production calls read no clock.

/// A started stopwatch.
pub(super) struct Clock(#[cfg(feature = "timings")] std::time::Instant);

impl Clock {
    /// Start timing now.
    pub(super) fn start() -> Clock {
        Clock(
            #[cfg(feature = "timings")]
            std::time::Instant::now(),
        )
    }

    /// Seconds since the start (zero without the `timings` feature).
    pub(super) fn seconds(&self) -> f64 {
        #[cfg(feature = "timings")]
        return self.0.elapsed().as_secs_f64();
        #[cfg(not(feature = "timings"))]
        0.0
    }
}
