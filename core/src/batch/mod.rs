//! The batch engine: a [`Table`] of records scored (and paid) in one call, [`Plan::summarize`],
//! on threads the engine chooses ([`Threads`]), for every binding.
//!
//! - [`Table`]: the table, its constructors and their checks ([`TableBuilder`] fills one in
//!   place, chunk by chunk);
//! - [`Threads`]: how many threads run the chunks of rows;
//! - [`Row`]: one record's result, in row order;
//! - [`Totals`]: [`Plan::totals`]' columns of rounded totals, grades and vetoes, computed by a
//!   kernel in certified `f64` that hands every row it cannot settle to the exact engine.
//!
//! See `docs/batch.md` for the policy and the error model.
//!
//! [`Plan::summarize`]: crate::Plan::summarize
//! [`Plan::totals`]: crate::Plan::totals

mod kernel;
mod summarize;
pub(crate) mod table;
mod threads;
mod totals;

pub use summarize::Row;
pub use table::{ChunkMut, Table, TableBuilder};
pub use threads::{Threads, ZeroThreads};
pub use totals::Totals;
