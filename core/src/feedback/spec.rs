//! The 360-degree feedback configuration format: questionnaire, rater groups, anonymity and
//! aggregation choices; and the response format.

use crate::number::{Num, Scalar};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

/// A feedback round's configuration.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackSpec {
    /// Identifier, e.g. `360-2026-h1`.
    pub id: String,
    /// The default answer scale, e.g. 1–5.
    pub scale: ScaleSpec,
    /// Competencies, each a group of items; the overall score weighs them.
    pub competencies: Vec<CompetencySpec>,
    /// Rater groups (manager, peers, direct reports, customers, self, custom) with weights.
    pub groups: Vec<GroupSpec>,
    /// How answers are combined.
    #[serde(default)]
    pub aggregation: AggregationSpec,
    /// Count the self-assessment in the combined score (default: no, it is reported beside it).
    #[serde(default)]
    pub include_self_in_combined: bool,
    /// Self-versus-others gap (in scale points) from which blind spots and hidden strengths are flagged (default 0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap_threshold: Option<Num>,
    /// Optional rater leniency/severity correction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leniency: Option<LeniencySpec>,
}

/// An answer scale.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleSpec {
    /// Lowest answer (e.g. 1).
    pub min: Num,
    /// Highest answer (e.g. 5, 7 or 10).
    pub max: Num,
}

/// A competency: a weighted group of items.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompetencySpec {
    /// Identifier.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Weight in the overall score, percent; omit on every competency for equal weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<Num>,
    /// The questions.
    pub items: Vec<ItemSpec>,
}

/// One question.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemSpec {
    /// Identifier, unique in the questionnaire.
    pub id: String,
    /// The question as asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Reverse-coded: a high answer means less of the competency (scored as min + max − answer).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reverse: bool,
    /// The item's own scale, when it differs from the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<ScaleSpec>,
}

/// Who a rater is to the ratee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// The direct manager.
    Manager,
    /// The manager's manager.
    SkipLevel,
    /// Colleagues at the same level.
    Peer,
    /// People who report to the ratee.
    DirectReport,
    /// Customers.
    Customer,
    /// The ratee about themself.
    #[serde(rename = "self")]
    SelfRating,
    /// Any other group.
    Custom,
}

impl Relationship {
    /// Default minimum number of raters before the group is shown: self, manager and skip-level
    /// 1; everyone else 3.
    pub fn default_min_raters(self) -> u32 {
        match self {
            Relationship::SelfRating | Relationship::Manager | Relationship::SkipLevel => 1,
            _ => 3,
        }
    }
}

/// What happens to a group with fewer raters than its minimum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BelowMinimum {
    /// Not shown and not counted (the default).
    Suppress,
    /// Its raters join another group (which must then reach its own minimum).
    MergeInto(String),
}

/// A rater group.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Identifier; responses name it.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Relationship, which sets the default minimum.
    pub relationship: Relationship,
    /// Weight in the combined score (re-normalised over the groups present).
    pub weight: Num,
    /// Minimum raters to show or count the group (default by relationship).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_raters: Option<u32>,
    /// Policy below the minimum (default suppress).
    #[serde(default = "suppress")]
    pub below_minimum: BelowMinimum,
}

fn suppress() -> BelowMinimum {
    BelowMinimum::Suppress
}

/// Central tendency over raters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// Arithmetic mean (default).
    #[default]
    Mean,
    /// Median (mean of the two middle values for an even count).
    Median,
    /// Mean after dropping `trim` of the values at each end, when there are enough raters.
    TrimmedMean,
}

/// How answers are combined.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AggregationSpec {
    /// mean (default), median or trimmed_mean.
    #[serde(default)]
    pub method: Aggregate,
    /// Share of values dropped at each end by the trimmed mean (default 0.1).
    #[serde(default = "default_trim")]
    pub trim: Num,
    /// Fewest raters for a trimmed mean; below it the mean is used, and the report says so (default 5).
    #[serde(default = "default_trimmed_min")]
    pub trimmed_min_raters: u32,
    /// Average each rater's answers first, then across raters (default true); false pools all answers.
    #[serde(default = "default_true")]
    pub per_rater_first: bool,
}

fn default_trim() -> Num {
    Num(rust_decimal::Decimal::new(1, 1))
}
fn default_trimmed_min() -> u32 {
    5
}
fn default_true() -> bool {
    true
}

impl Default for AggregationSpec {
    fn default() -> Self {
        AggregationSpec {
            method: Aggregate::Mean,
            trim: default_trim(),
            trimmed_min_raters: default_trimmed_min(),
            per_rater_first: true,
        }
    }
}

/// Leniency/severity correction method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeniencyMethod {
    /// Shift each rater's answers by (grand mean − rater's mean).
    Centre,
    /// Rescale each rater's answers to the grand mean and spread.
    Standardise,
}

/// Leniency correction settings.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeniencySpec {
    /// centre or standardise.
    pub method: LeniencyMethod,
    /// Fewest ratees a rater must have rated, with non-zero spread, to be corrected (default 3).
    #[serde(default = "default_min_ratees")]
    pub min_ratees: u32,
}

fn default_min_ratees() -> u32 {
    3
}

/// One answer: a value on the scale, not applicable, or missing. Never a sentinel number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A value on the item's scale.
    Value(rust_decimal::Decimal),
    /// "Not applicable": the rater could not judge; never counts.
    NotApplicable,
    /// No answer.
    Missing,
}

impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::Value(v) => crate::number::serialize_decimal(v, s),
            Answer::NotApplicable => s.serialize_str("na"),
            Answer::Missing => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Option::<Scalar>::deserialize(d)? {
            None => Ok(Answer::Missing),
            Some(Scalar::Text(t))
                if t.eq_ignore_ascii_case("na") || t.eq_ignore_ascii_case("n/a") =>
            {
                Ok(Answer::NotApplicable)
            }
            Some(Scalar::Text(t)) => crate::number::parse_decimal(&t)
                .map(Answer::Value)
                .map_err(serde::de::Error::custom),
            Some(Scalar::Number(t)) => crate::number::parse_json_number(&t)
                .map(Answer::Value)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// One response line: a rater's answer to one item about one ratee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// Who answered (kept inside the engine; never shown for anonymous groups).
    pub rater: String,
    /// Who is rated.
    pub ratee: String,
    /// The rater group id (the relationship), e.g. `peers`.
    pub group: String,
    /// The item id.
    pub item: String,
    /// A number, `"na"` (not applicable) or `null` (missing).
    pub value: Answer,
}
