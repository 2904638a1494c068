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
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// No unchecked arithmetic in the library: every site is checked, or allowed where it sits with
// the reason it cannot overflow. Unit tests are exempt.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

pub mod analytics;
pub mod apportion;
pub mod batch;
pub mod error;
pub mod explain;
pub mod feedback;
pub mod formula;
pub mod input;
mod json;
mod lang;
mod limits;
pub mod method;
pub mod number;
pub mod ops;
pub mod pay;
pub mod plan;
pub mod progress;
pub mod record;
pub mod rounding;
pub mod schema;
pub mod score;
pub mod scorecard;
pub mod stats;
pub mod templates;
mod validate;

pub use error::{kinds, Error, Loc, LocItem, Problem, Problems, Result, MAX_PROBLEMS};
pub use lang::Lang;
pub use limits::Limits;
pub use pay::{PayColumns, PayPlan, PayStatement};
pub use plan::{Plan, PlanSpec};
pub use progress::{PeriodPosition, Status};
pub use record::Record;
pub use rounding::RoundingMode;
pub use score::{Columns, ScoreOptions, Scorer, Summary};
pub use scorecard::{batch_to_canonical_json, Scorecard};
