//! The batch engine: a [`Table`] of records scored (and paid) in one call, [`Plan::summarize`],
//! on threads the engine chooses ([`Threads`]), for every binding.
//!
//! - [`table`]: the table, its constructors and their checks;
//! - [`threads`]: how many threads, and running chunks of rows on them;
//! - [`summarize`]: scoring and pay per chunk, merged in row order.
//!
//! See `docs/batch.md` for the policy and the error model.
//!
//! [`Plan::summarize`]: crate::Plan::summarize

pub mod summarize;
pub mod table;
pub mod threads;

pub use summarize::Row;
pub use table::{ChunkMut, Table, TableBuilder};
pub use threads::{Threads, ZeroThreads, MAX_THREADS, MIN_ROWS_PER_THREAD};
