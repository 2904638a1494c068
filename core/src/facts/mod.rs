//! Business facts in, measures out: a plan may declare `sources` (named tables of CRM, ERP and
//! finance rows with typed columns) and measures that aggregate them (`sum`, `count`,
//! `count_distinct`, `count_new`, `min`, `max`, `mean`, `first`, `last`) with a filter in the
//! formula language over a window of dates. Loading facts checks every cell; aggregation is
//! exact and credits each fact to its owner. Rules and worked examples: `docs/facts.md`.
//!
//! Steps, one file each: `spec` (the plan document's types), `compile` (checking them into a
//! model), `date` and `period` (calendar arithmetic, periods and windows), `load` (reading
//! facts), `aggregate` (measures per person).

mod aggregate;
mod compile;
mod date;
mod load;
mod period;
pub mod spec;

pub(crate) use aggregate::{measure, Measured, Unassigned};
pub(crate) use compile::{compile, Model};
pub(crate) use date::Date;
pub(crate) use load::{read, Facts};
pub(crate) use period::{read_date, read_period, Span};
