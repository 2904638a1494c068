//! The plan file format (考核方案): the serde types a plan JSON document is read into.
//!
//! These types mirror the document one to one and carry no checks beyond JSON shape; `compile`
//! validates them all at once and builds the compiled [`super::Plan`]. The committed JSON Schema
//! (`schema/plan.schema.json`) is generated from these types.

use crate::number::{Num, Scalar};
use crate::rounding::RoundingMode;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

/// An assessment plan: what is measured, how each indicator is scored and weighted, and how the
/// total becomes a grade.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanSpec {
    /// Stable identifier of the plan, e.g. `monthly-sales-rep`.
    pub id: String,
    /// Display name, e.g. "Monthly sales representative plan".
    pub name: String,
    /// Free text shown to people reading the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The numbers a record carries (actuals, targets, counts), with the column names they go by.
    pub measures: Vec<MeasureSpec>,
    /// Named tables of business facts (CRM orders, payments, visits) that measures with `from`
    /// aggregate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<crate::facts::spec::SourceSpec>,
    /// Weighted sections (维度), each holding weighted indicators. Use either `sections` or `indicators`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<SectionSpec>,
    /// A flat plan: indicators without sections (one implicit section weighing 100%).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<IndicatorSpec>,
    /// Bonus points (加分) and deductions (扣分) applied after the weighted sum.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<AdjustmentSpec>,
    /// Vetoes (一票否决): conditions that zero the total or cap the grade.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vetoes: Vec<VetoSpec>,
    /// Grade bands over the rounded total; together they must cover every possible total exactly once.
    pub grades: Vec<GradeSpec>,
    /// Where and how the total is rounded.
    #[serde(default)]
    pub rounding: RoundingSpec,
    /// Optional floor and cap on the total after adjustments.
    #[serde(default)]
    pub total: TotalSpec,
    /// Red/yellow/green thresholds for progress during a period.
    #[serde(default)]
    pub progress: ProgressSpec,
    /// Development rules: weak indicators or 360 competencies → training recommendations
    /// (used by the `development_needs` analytics operation, which validates them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub development: Vec<super::development::DevelopmentRule>,
    /// Promotion rules: what a person's history must show to be eligible (read by the plan's
    /// `promotion_eligibility` operation; docs/history.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion: Option<super::promotion::PromotionRules>,
}

/// A number a record carries.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureSpec {
    /// Identifier used in formulas and records: ASCII letters, digits and `_`, not starting with a digit.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Unit, e.g. `CNY`, `count`, `%`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Other names the measure goes by in exports (e.g. `回款金额` for `collected`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Computed from facts instead of read from records: which source, how aggregated, which
    /// facts and dates count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<crate::facts::spec::AggregateSpec>,
}

/// A weighted group of indicators.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    /// Identifier, unique in the plan.
    pub id: String,
    /// Display name, e.g. "Results" / "结果指标".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Weight in percent of the total; section weights add up to exactly 100.
    pub weight: Num,
    /// The section's indicators; their weights add up to exactly 100.
    pub indicators: Vec<IndicatorSpec>,
}

/// What an indicator measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// An outcome: revenue, collection, margin, contracts, new customers.
    #[default]
    Result,
    /// An activity that leads to outcomes: visits, opportunities, demos.
    Process,
    /// Conduct and attitude, usually rated.
    Behaviour,
}

/// One scored indicator.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Identifier, unique in the plan.
    pub id: String,
    /// Display name, e.g. "Sales completion".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Result, process or behaviour.
    #[serde(default)]
    pub kind: IndicatorKind,
    /// Weight in percent of its section.
    pub weight: Num,
    /// The achieved value: a number, a measure id, or a formula over measures.
    pub actual: ValueSpec,
    /// The target: a number, a measure id (per-person targets), or a formula.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<ValueSpec>,
    /// How the actual (and target) become points.
    pub scoring: MethodSpec,
    /// What happens when a measure it needs is missing from a record.
    #[serde(default)]
    pub missing: MissingPolicy,
    /// Whether this indicator accumulates over the period, so that progress lights apply to it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub track_progress: bool,
}

/// A value: a JSON number is a constant; a string is a measure id or a formula over measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueSpec {
    /// A fixed number.
    Number(Num),
    /// A measure id (`revenue`) or a formula (`collected / invoiced`).
    Formula(String),
}

impl Serialize for ValueSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ValueSpec::Number(n) => n.serialize(s),
            ValueSpec::Formula(f) => s.serialize_str(f),
        }
    }
}

impl<'de> Deserialize<'de> for ValueSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Scalar::deserialize(d)? {
            Scalar::Number(text) => crate::number::parse_json_number(&text)
                .map(|v| ValueSpec::Number(Num(v)))
                .map_err(serde::de::Error::custom),
            Scalar::Text(text) => Ok(ValueSpec::Formula(text)),
        }
    }
}

impl JsonSchema for ValueSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Value".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A JSON number (constant), or a string: a measure id such as `revenue` or a formula such as `collected / invoiced`.",
            "oneOf": [{ "type": "number" }, { "type": "string", "minLength": 1 }]
        })
    }
}

/// What to do when a record lacks a measure an indicator needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    /// Refuse to score the record, naming the record and the measure. The default.
    #[default]
    Error,
    /// Score the indicator as 0 points, flagged.
    Zero,
    /// Leave the indicator out and re-weight the rest of its section proportionally, flagged.
    Reweight,
}

/// What a scoring method compares: the actual value itself, or completion = actual ÷ target × 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The actual value as is (e.g. a collection rate of 0.9).
    Actual,
    /// Completion in percent: actual ÷ target × 100 (e.g. 85 for 850,000 of 1,000,000).
    Completion,
}

/// A point of a threshold/target/stretch curve: at this basis value, this many points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CurvePoint {
    /// Basis value (actual, or completion in percent).
    pub at: Num,
    /// Points awarded at that value.
    pub score: Num,
}

/// A half-open interval `[from, to)` with its points; a missing end is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BandSpec {
    /// Inclusive lower end; absent means no lower end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Num>,
    /// Exclusive upper end; absent means no upper end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Num>,
    /// Points for a value in the band.
    pub score: Num,
}

/// One step of a rating scale and its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingPoint {
    /// The rating, e.g. 4 (stars).
    pub rating: Num,
    /// Points for that rating.
    pub score: Num,
}

/// Form of the lower-is-better ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LowerIsBetterForm {
    /// target ÷ actual × 100 (actual 0 scores the cap).
    #[default]
    Inverse,
    /// (2 − actual ÷ target) × 100: each percent over target costs one point.
    Linear,
}

/// How an indicator's value becomes points. Edge cases are documented per method in `docs/scoring-methods.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum MethodSpec {
    /// actual ÷ target × 100, then floor (default 0) and optional cap.
    Ratio {
        /// Lowest score (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        floor: Option<Num>,
        /// Highest score (default: none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<Num>,
        /// Points when the target is 0 (default: a target of 0 is an error).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        zero_target_score: Option<Num>,
    },
    /// For costs, complaints, days sales outstanding: less is better.
    LowerIsBetter {
        /// inverse (target ÷ actual × 100, default) or linear ((2 − actual ÷ target) × 100).
        #[serde(default)]
        form: LowerIsBetterForm,
        /// Lowest score (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        floor: Option<Num>,
        /// Highest score; required, since an actual of 0 would otherwise be unbounded.
        cap: Num,
    },
    /// 门槛值/目标值/挑战值: 0 below threshold, linear between the points, capped at stretch.
    ThresholdTargetStretch {
        /// What the points are placed on (default: completion if the indicator has a target, else actual).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        basis: Option<Basis>,
        /// The lowest value that earns points.
        threshold: CurvePoint,
        /// The target value.
        target: CurvePoint,
        /// The stretch (challenge) value; above it the score stays at its points.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stretch: Option<CurvePoint>,
        /// Points below the threshold (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        below_threshold: Option<Num>,
    },
    /// 区间法: half-open bands `[from, to)`, contiguous, no gaps or overlaps.
    Bands {
        /// What the bands are placed on (default: completion if the indicator has a target, else actual).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        basis: Option<Basis>,
        /// The bands, in ascending order.
        bands: Vec<BandSpec>,
    },
    /// 非此即彼: full points if the condition holds, else none.
    PassFail {
        /// A condition over `actual`, `target` and measures, e.g. `actual >= 4`.
        pass_if: String,
        /// Points when passed (default 100).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pass_score: Option<Num>,
        /// Points when failed (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fail_score: Option<Num>,
    },
    /// A rating on a scale (1–5 stars, 0–10) mapped to points.
    Rating {
        /// Lowest rating on the scale.
        min: Num,
        /// Highest rating on the scale.
        max: Num,
        /// Explicit points per rating; absent means linear from `min` → 0 to `max` → 100.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        points: Vec<RatingPoint>,
    },
    /// Start from `start` points and deduct `per_unit` for each unit of the actual (e.g. per error).
    Deduction {
        /// Points with nothing deducted (default 100).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start: Option<Num>,
        /// Points deducted per unit.
        per_unit: Num,
        /// Lowest score (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        floor: Option<Num>,
    },
    /// A custom formula over `actual`, `target`, `completion` and measures, then optional floor and cap.
    Formula {
        /// The formula, e.g. `if(actual >= target, 100, actual / target * 90)`.
        expr: String,
        /// Lowest score.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        floor: Option<Num>,
        /// Highest score.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<Num>,
    },
}

/// Bonus points or deductions outside the weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentKind {
    /// 加分: adds points.
    Bonus,
    /// 扣分: removes points.
    Deduction,
}

/// Points per occurrence, up to a maximum.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentSpec {
    /// Identifier, unique in the plan.
    pub id: String,
    /// Display name, e.g. "Customer complaints".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Bonus or deduction.
    pub kind: AdjustmentKind,
    /// Number of occurrences: a measure id or formula.
    pub count: ValueSpec,
    /// Points per occurrence (a positive number; the kind gives the sign).
    pub points_each: Num,
    /// Most points this adjustment can add or remove in total (positive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Num>,
    /// What happens when the count is missing: error (default), zero (no occurrences).
    #[serde(default)]
    pub missing: MissingPolicy,
}

/// What a triggered veto does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VetoEffect {
    /// The total becomes 0 (and the grade is the one 0 falls in).
    ZeroTotal,
    /// The grade is at most this one; the total is kept.
    CapGrade(String),
}

/// 一票否决: a condition that overrides the score.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VetoSpec {
    /// Identifier, unique in the plan.
    pub id: String,
    /// Display name, e.g. "Compliance violation".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Condition over measures, e.g. `compliance_violations > 0`.
    pub when: String,
    /// Zero the total, or cap the grade.
    pub effect: VetoEffect,
    /// What happens when a measure of the condition is missing: error (default) or zero (treat as not triggered).
    #[serde(default)]
    pub missing: MissingPolicy,
}

/// A grade and the half-open range of rounded totals `[from, to)` it covers.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeSpec {
    /// The grade, e.g. `S`, `A`, `B`.
    pub grade: String,
    /// Inclusive lowest total; absent for the lowest grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Num>,
    /// Exclusive upper total; absent for the highest grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Num>,
    /// Optional description, e.g. "Outstanding" / "卓越".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Where and how the total is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundingSpec {
    /// Decimal places of the total (0–10, default 2).
    #[serde(default = "default_scale")]
    pub scale: u32,
    /// half_up (四舍五入, default), half_even or down.
    #[serde(default)]
    pub mode: RoundingMode,
}

fn default_scale() -> u32 {
    2
}

impl Default for RoundingSpec {
    fn default() -> Self {
        RoundingSpec {
            scale: default_scale(),
            mode: RoundingMode::HalfUp,
        }
    }
}

/// Bounds on the total after adjustments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TotalSpec {
    /// Lowest total (e.g. 0 so deductions cannot make it negative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<Num>,
    /// Highest total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Num>,
}

/// Thresholds for progress lights, in percent of the expected pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressSpec {
    /// Green at or above this pace (default 100).
    #[serde(default = "default_green")]
    pub green: Num,
    /// Yellow at or above this pace (default 90); red below.
    #[serde(default = "default_yellow")]
    pub yellow: Num,
}

fn default_green() -> Num {
    Num(rust_decimal::Decimal::ONE_HUNDRED)
}
fn default_yellow() -> Num {
    Num(rust_decimal::Decimal::from(90))
}

impl Default for ProgressSpec {
    fn default() -> Self {
        ProgressSpec {
            green: default_green(),
            yellow: default_yellow(),
        }
    }
}
