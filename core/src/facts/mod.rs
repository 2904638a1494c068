//! Business facts in, measures out: a plan may declare `sources` (named tables of CRM, ERP and
//! finance rows with typed columns) and measures that aggregate them (`sum`, `count`,
//! `count_distinct`, `count_new`, `min`, `max`, `mean`, `first`, `last`) with a filter in the
//! formula language over a window of dates. Loading facts checks every cell; aggregation is
//! exact and credits each fact to its owner. Rules and worked examples: `docs/facts.md`.
//!
//! Steps, one file each: `spec` (the plan document's types), `compile` (checking them into a
//! model), `date` and `period` (calendar arithmetic, periods and windows), `load` (reading
//! facts), `store` (facts held, indexed by id and owner; a batch and a live accumulator alike),
//! `live` (filling, changing, saving a store), `aggregate` (measures per person).
//!
//! Only the document types (`spec`) are in a build without the `facts` feature, where a plan
//! that uses facts is refused when it is compiled.

pub mod spec;

#[cfg(feature = "facts")]
mod aggregate;
#[cfg(feature = "facts")]
mod compile;
#[cfg(feature = "facts")]
mod date;
#[cfg(feature = "facts")]
mod live;
#[cfg(feature = "facts")]
mod load;
#[cfg(feature = "facts")]
mod org;
#[cfg(feature = "facts")]
mod period;
#[cfg(feature = "facts")]
mod pivot;
#[cfg(feature = "facts")]
mod quality;
#[cfg(feature = "facts")]
mod store;

#[cfg(feature = "facts")]
pub(crate) use aggregate::{measure, outside_org, owned_by, unassigned, Held, Unassigned};
#[cfg(feature = "facts")]
pub(crate) use compile::{compile, Model};
#[cfg(feature = "facts")]
pub(crate) use date::Date;
#[cfg(feature = "facts")]
pub(crate) use live::{add, batch, retract, store_from_json, store_json};
#[cfg(feature = "facts")]
pub(crate) use org::{read_org, Org};
#[cfg(feature = "facts")]
pub(crate) use period::{read_date, read_period, Span};
#[cfg(feature = "facts")]
pub(crate) use pivot::{compile_pivot, run_pivot, PivotFields};
#[cfg(feature = "facts")]
pub(crate) use quality::{check, reconcile, Reconcile};
#[cfg(feature = "facts")]
pub(crate) use store::{Batch, Store};

/// `f` with the CSV text of facts read on `threads` on this thread's calls (a test hook: the
/// engine reads under [`crate::batch::Threads::Auto`]), so a one-thread read and a chunked one
/// can be compared.
#[cfg(feature = "facts")]
#[doc(hidden)]
pub fn with_csv_threads<T>(threads: crate::batch::Threads, f: impl FnOnce() -> T) -> T {
    load::with_csv_threads(threads, f)
}

/// Without the `facts` feature: a plan that declares sources or fact measures is refused, at
/// the first of them.
#[cfg(not(feature = "facts"))]
pub(crate) fn refuse(uses_facts: bool, problems: &mut crate::error::Problems) {
    if uses_facts {
        problems.push(
            crate::Problem::new(
                crate::Loc::root().key("sources"),
                crate::kinds::NOT_ALLOWED,
                "this build of perfscore has no business facts (the `facts` feature is off)",
            )
            .zh("此版本的 perfscore 不含事实数据功能（未启用 `facts` 特性）"),
        );
    }
}
