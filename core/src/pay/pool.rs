//! Bonus pools (奖金池): split a fixed amount among people by weights, exactly to the minor unit,
//! by the largest-remainder method of [`crate::apportion`] (which analytics uses too).

pub(crate) use crate::apportion::MAX_MINOR_UNITS;
pub use crate::apportion::{shares_to_canonical_json, split_pool, PoolShare};
