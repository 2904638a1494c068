//! The batch engine: a [`Table`] of records scored (and paid) in one call, [`Plan::summarize`],
//! on threads the engine chooses ([`Threads`]), for every binding.
//!
//! - [`Table`]: the table, its constructors and their checks ([`TableBuilder`] fills one in
//!   place, chunk by chunk);
//! - [`Threads`]: how many threads run the chunks of rows;
//! - [`Row`]: one record's result, in row order;
//! - [`Column`]: one measure's values as the host holds them (`f64`, integers with a scale,
//!   Arrow text, decimals; a validity bitmap), for [`Plan::totals`];
//! - [`Frame`]: named columns as a host's DataFrame or Arrow table holds them, read by the
//!   header rule of CSV exports ([`Plan::read_frame`], [`Plan::frame_totals`]), a long batch
//!   part by part ([`FrameStream`]) and its parts' summaries gathered as columns
//!   ([`SummaryColumns`]);
//! - [`Totals`]: [`Plan::totals`]' columns of rounded totals, grades and vetoes, computed by the
//!   plan's compiled kernel (certified floats, then exact spans, then exact fractions) with the exact engine for the
//!   rows it cannot settle.
//!
//! See `docs/batch.md` for the policy and the error model.
//!
//! [`Plan::summarize`]: crate::Plan::summarize
//! [`Plan::totals`]: crate::Plan::totals
//! [`Plan::read_frame`]: crate::Plan::read_frame
//! [`Plan::frame_totals`]: crate::Plan::frame_totals

mod column;
mod frame;
mod gathered;
mod ids;
mod kernel;
pub(crate) use kernel::KernelCell;
pub(crate) mod distinct;
mod summarize;
pub(crate) mod table;
pub(crate) mod threads;
mod totals;

pub use column::Column;
pub use frame::{Frame, FramePart, FrameStream, FrameTable};
pub use gathered::SummaryColumns;
pub(crate) use ids::IdSet;
pub use ids::Ids;
pub use summarize::{Row, Summaries};
pub use table::{ChunkMut, Table, TableBuilder};
pub use threads::{Threads, ZeroThreads};
pub(crate) use totals::IdCheck;
pub use totals::Totals;
