//! 360-degree feedback: aggregation of multi-rater responses, with anonymity rules, agreement and
//! reliability statistics.
//!
//! Compile a questionnaire and rater groups with [`Feedback::from_json`], then
//! [`Feedback::aggregate`] a round of [`Response`]s into a [`FeedbackRound`]: one report per
//! ratee (group, combined and self scores, gaps, agreement) and round reliability (Krippendorff's
//! alpha in four metrics, Shrout & Fleiss ICCs). Decisions, documented in `docs/feedback.md`:
//! - per-rater-first averaging is the default: each rater's answers are averaged into competency
//!   and overall scores before averaging across raters, so a rater who skips items does not get
//!   less say in the competencies they did answer; `per_rater_first: false` pools all answers;
//! - not-applicable answers are a typed value and never count; out-of-scale answers are errors;
//! - a group below its minimum is suppressed (or merged into another group) before anything is
//!   computed, so it cannot leak into any number, including agreement and reliability;
//! - group weights are re-normalised over the groups present for each number; self is reported
//!   beside the combined score unless the configuration includes it.

mod aggregate;
mod report;
mod spec;
mod stats;

pub use crate::schema::{feedback_round_schema_json, feedback_schema_json};
pub use aggregate::Feedback;
pub use report::*;
pub use spec::*;
pub use stats::{IccAll, Stat, Undefined};
