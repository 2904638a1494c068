//! perfscore: fair, explainable, exact performance scores for sales teams.
//!
//! Write an assessment plan (考核方案) as JSON, compile it once with [`Plan::from_json`] (every
//! mistake reported at once), then score any number of records into [`Scorecard`]s: each
//! indicator's actual, target, completion, points, weighted contribution and flags, section
//! subtotals, adjustments, vetoes, total and grade, each explainable in English and Chinese.
//!
//! ```
//! use perfscore::{Plan, Record, Lang};
//! use rust_decimal::Decimal;
//!
//! let plan = Plan::from_json(r#"{
//!   "id": "mini", "name": "Mini plan",
//!   "measures": [{"id": "revenue"}, {"id": "revenue_target"}],
//!   "indicators": [{"id": "sales", "name": "Sales completion", "weight": 100,
//!     "actual": "revenue", "target": "revenue_target",
//!     "scoring": {"method": "ratio", "cap": 120}}],
//!   "grades": [{"grade": "B", "to": 95}, {"grade": "A", "from": 95}]
//! }"#)?;
//! let li = Record::new("E001")
//!     .with("revenue", Decimal::from(850_000))
//!     .with("revenue_target", Decimal::from(1_000_000));
//! let card = plan.score(&li)?;
//! assert_eq!(card.total.to_string(), "85.00");
//! assert_eq!(&*card.grade, "B");
//! assert_eq!(
//!     card.sections[0].indicators[0].explain(Lang::En),
//!     "Sales completion: 850,000 ÷ 1,000,000 = 85.00% → ratio method → 85.00 points × 100% = 85.00"
//! );
//! # Ok::<(), perfscore::Error>(())
//! ```
//!
//! # Public API
//!
//! One obvious way to do each thing. The crate root holds the types every caller meets:
//!
//! - compile: [`Plan::from_json`] (or [`Plan::from_value`], [`Plan::from_spec`]),
//!   [`PayPlan::from_json`], [`Limits`], [`plan_schema_json`], [`scorecard_schema_json`];
//! - score: [`Plan::score`], [`Plan::score_with`], [`Plan::score_many`], [`Plan::scorer`]
//!   (streaming, [`Scorer::score`]) into [`Scorecard`]s; [`Plan::summarize`] for a
//!   [`batch::Table`] into [`batch::Row`]s ([`Summary`] and pay total);
//! - pay: [`PayPlan::statement`] (one scorecard and its record), [`PayPlan::pay_records`] (a batch);
//! - results serialize with one `to_canonical_json` per result type; problems are [`Error`]s
//!   listing [`Problem`]s, each with a [`Loc`] and a stable kind from [`kinds`].
//!
//! Namespaces, where one helps:
//!
//! - [`analytics`]: two families of operations (team results, monthly history) with many
//!   request/result types of their own; a namespace keeps them out of the scoring vocabulary;
//! - [`batch`]: the batch table and its thread policy, used by hosts that fill tables in place;
//! - [`feedback`]: 360-degree feedback, a separate document type with its own results;
//! - [`input`]: the readers hosts use to turn their values into exact numbers and records;
//! - [`kinds`]: the stable problem kinds, one constant each, matched by hosts and tests;
//! - [`ops`]: the JSON-in, JSON-out operations every binding exposes;
//! - [`pay`]: the parts of a pay statement, pool splits and the pay plan document types;
//! - [`spec`]: the plan document's types, for building or editing a plan in code;
//! - [`templates`]: the bundled indicator library, plan templates and demo data.
//!
//! # Cargo features
//!
//! `feedback` (360-degree feedback), `analytics` (team and history analytics; needs
//! `feedback`) and `facts` (plans with fact sources, the live accumulator) are on by default. With `default-features = false` the crate scores, explains,
//! batches and pays, and nothing else: a smaller WebAssembly module for hosts that only score.
//! The `features` operation says what a build holds. The test command runs the crate's tests
//! in that build too (`cargo test -p perfscore --no-default-features`); the tests of the optional
//! capabilities declare the features they need (`required-features` in `core/Cargo.toml`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// No unchecked arithmetic in the library: every site is checked, or allowed where it sits with
// the reason it cannot overflow. Unit tests are exempt.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

#[cfg(feature = "analytics")]
pub mod analytics;
mod apportion;
pub mod batch;
mod certified;
mod error;
mod exact;
mod explain;
pub mod facts;
#[cfg(feature = "feedback")]
pub mod feedback;
// Public only so the shared fuzz oracles (also run by `core/tests/sweep.rs`) can drive the
// formula compiler directly; formulas are used through plans, so this is not API.
#[doc(hidden)]
pub mod formula;
pub mod input;
mod json;
mod lang;
mod limits;
mod method;
mod number;
pub mod ops;
pub mod pay;
mod plan;
mod progress;
mod record;
mod rounding;
mod schema;
mod score;
mod scorecard;
#[cfg(feature = "feedback")]
mod stats;
pub mod templates;
mod text;
mod validate;

pub mod spec {
    //! The plan document's types ([`PlanSpec`] and its parts), as read from JSON: for building
    //! or editing a plan in code before [`crate::Plan::from_spec`]. The JSON form and its rules
    //! are in `docs/plan-format.md` and `schema/plan.schema.json`.
    pub use crate::plan::development::{DevelopmentRule, NeedBasis};
    pub use crate::plan::spec::*;
}

pub use error::{kinds, Error, Loc, LocItem, Problem, Problems, Result, MAX_PROBLEMS};
pub use lang::Lang;
pub use limits::Limits;
pub use method::{Band, Bound, CurveSegment, Detail};
pub use number::{Num, DECIMAL_MARK};
pub use pay::{PayPlan, PayStatement};
pub use plan::{Measure, Plan};
pub use progress::{PeriodPosition, Progress, Status};
pub use record::Record;
pub use rounding::RoundingMode;
pub use schema::{plan_schema_json, scorecard_schema_json};
pub use score::{ScoreOptions, Scorer, Summary};
pub use scorecard::{
    AdjustmentScore, Cell, IndicatorScore, ProgressSummary, Scorecard, SectionScore, VetoHit,
    VetoOutcome,
};
