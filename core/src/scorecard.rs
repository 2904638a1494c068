//! The scorecard: one person's result, with every number needed to explain it.
//!
//! Serialised (via [`Scorecard::to_canonical_json`]) it is the conformance format every binding
//! returns byte for byte: decimals as normalised strings (`42.5`), except `total`, which keeps the
//! plan's scale (`74.40`); fields in declaration order.

use crate::method::{Bound, Detail};
use crate::plan::IndicatorKind;
use crate::progress::{Progress, Status};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::number::{serialize_decimal as dec, serialize_opt_decimal as opt_dec};

fn total_str<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    crate::number::serialize_decimal_text(crate::number::DecimalText::new(d).as_str(), s)
}
fn is_false(b: &bool) -> bool {
    !*b
}

// The JSON Schema (`scorecard_schema_json`) describes what the canonical JSON writes: decimals
// as text, and an `Option` left out when `None` as an optional field that is never null.

/// One person's scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Scorecard {
    /// Id of the plan that scored it.
    pub plan_id: Arc<str>,
    /// The record's id.
    pub record_id: String,
    /// The person's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// Team.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub team: Option<String>,
    /// Department.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub department: Option<String>,
    /// Branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub branch: Option<String>,
    /// Other attributes from the record.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// Section results, in plan order.
    pub sections: Vec<SectionScore>,
    /// Sum of all indicator contributions, before adjustments.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub weighted_total: Decimal,
    /// Bonus points and deductions, in plan order.
    pub adjustments: Vec<AdjustmentScore>,
    /// Sum of adjustment points (signed).
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub adjustment_total: Decimal,
    /// Which bound of the plan's total floor/cap applied, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Bound")]
    pub total_bound: Option<Bound>,
    /// Vetoes that were triggered.
    pub vetoes: Vec<VetoHit>,
    /// The total before rounding (after adjustments, bounds and vetoes).
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub unrounded_total: Decimal,
    /// The total, rounded once with the plan's scale and mode.
    #[serde(serialize_with = "total_str")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub total: Decimal,
    /// The grade of the rounded total (after any veto's grade cap).
    pub grade: Arc<str>,
    /// The grade the total alone would have earned, when a veto capped it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub grade_before_veto: Option<Arc<str>>,
    /// Progress summary, when scored mid-period.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "ProgressSummary")]
    pub progress: Option<ProgressSummary>,
}

/// A section's result.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SectionScore {
    /// Section id.
    pub id: Arc<str>,
    /// Display name.
    pub name: Arc<str>,
    /// Weight in the plan, percent.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub weight: Decimal,
    /// Weight actually used (differs when another section was left out).
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub effective_weight: Decimal,
    /// Σ indicator score × effective indicator weight ÷ 100.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub score: Decimal,
    /// Share of the weighted total: Σ of its indicators' contributions.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub contribution: Decimal,
    /// Every indicator was left out for missing data, so the section was too.
    #[serde(skip_serializing_if = "is_false")]
    pub left_out: bool,
    /// Indicator results, in plan order.
    pub indicators: Vec<IndicatorScore>,
}

/// One indicator's result.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct IndicatorScore {
    /// Indicator id.
    pub id: Arc<str>,
    /// Display name.
    pub name: Arc<str>,
    /// Result, process or behaviour.
    pub kind: IndicatorKind,
    /// The actual value (absent when missing).
    #[serde(serialize_with = "opt_dec")]
    #[schemars(with = "Option<crate::number::DecimalTextSchema>")]
    pub actual: Option<Decimal>,
    /// The target, if the indicator has one.
    #[serde(serialize_with = "opt_dec", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub target: Option<Decimal>,
    /// actual ÷ target × 100, when the target is positive.
    #[serde(serialize_with = "opt_dec", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub completion: Option<Decimal>,
    /// The rule that produced the points.
    pub detail: Detail,
    /// Points before floor/cap.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub raw_score: Decimal,
    /// Points after floor/cap (0 when left out).
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub score: Decimal,
    /// Which bound applied, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Bound")]
    pub bound: Option<Bound>,
    /// Weight in its section, percent, as planned.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub weight: Decimal,
    /// Weight actually used after re-weighting for missing data.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub effective_weight: Decimal,
    /// score × effective weight ÷ 100: its part of the section score.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub weighted: Decimal,
    /// Its part of the weighted total: weighted × section's effective weight ÷ 100.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub contribution: Decimal,
    /// The measure that was missing, when the missing-data policy applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub missing: Option<Arc<str>>,
    /// Progress to date, when scored mid-period and the indicator is tracked.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Progress")]
    pub progress: Option<Progress>,
}

impl IndicatorScore {
    /// Whether the indicator was left out of its section for missing data.
    pub fn left_out(&self) -> bool {
        matches!(self.detail, Detail::MissingLeftOut)
    }
}

/// A bonus or deduction and what it came to.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AdjustmentScore {
    /// Adjustment id.
    pub id: Arc<str>,
    /// Display name.
    pub name: Arc<str>,
    /// True for bonus points, false for a deduction.
    pub bonus: bool,
    /// Number of occurrences.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub count: Decimal,
    /// Points per occurrence.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub points_each: Decimal,
    /// Signed points applied (after the maximum).
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub points: Decimal,
    /// The maximum limited the points.
    #[serde(skip_serializing_if = "is_false")]
    pub capped: bool,
    /// The count was missing and taken as 0 by the plan's policy.
    #[serde(skip_serializing_if = "is_false")]
    pub missing: bool,
}

/// A triggered veto.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct VetoHit {
    /// Veto id.
    pub id: Arc<str>,
    /// Display name.
    pub name: Arc<str>,
    /// The condition, as written in the plan.
    pub condition: String,
    /// `zero_total`, or the grade it caps at.
    pub effect: VetoOutcome,
}

/// What a triggered veto did.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VetoOutcome {
    /// The total was set to 0.
    ZeroTotal,
    /// The grade was capped at this grade.
    CapGrade(Arc<str>),
}

/// Mid-period summary for the person.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ProgressSummary {
    /// Fraction of the period gone.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub fraction: Decimal,
    /// The worst light among tracked indicators (any red → red); `None` if none has a light.
    pub status: Option<Status>,
    /// The total if every tracked indicator ends the period at its projection, rounded like the total.
    #[serde(serialize_with = "opt_dec")]
    #[schemars(with = "Option<crate::number::DecimalTextSchema>")]
    pub projected_total: Option<Decimal>,
    /// The grade of the projected total.
    pub projected_grade: Option<Arc<str>>,
}

impl Scorecard {
    /// The canonical JSON every binding returns byte for byte.
    pub fn to_canonical_json(&self) -> String {
        // Serialising these plain structs into a String cannot fail; fall back to an empty object defensively.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }

    /// Iterate all indicator results across sections.
    pub fn indicators(&self) -> impl Iterator<Item = &IndicatorScore> {
        self.sections.iter().flat_map(|s| s.indicators.iter())
    }

    /// Find an indicator result by id.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorScore> {
        self.indicators().find(|i| &*i.id == id)
    }

    /// Find a section result by id.
    pub fn section(&self, id: &str) -> Option<&SectionScore> {
        self.sections.iter().find(|s| &*s.id == id)
    }
}

/// A cell of the flat table form of a scorecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text (ids, names, grades, lights).
    Text(String),
    /// An exact decimal.
    Number(Decimal),
    /// No value (missing, not applicable).
    Empty,
}

impl Scorecard {
    /// Column names of [`Scorecard::row`] for a plan's scorecards, in order: attributes, every
    /// indicator score (`<indicator>`), every section score (`<section>.score`), the totals,
    /// grade and progress. Hosts build their tables (pandas, HTML) from this one definition.
    pub fn columns(&self) -> Vec<String> {
        let mut cols: Vec<String> = ["record_id", "name", "team", "department", "branch"]
            .map(String::from)
            .to_vec();
        cols.extend(self.indicators().map(|i| i.id.to_string()));
        cols.extend(self.sections.iter().map(|s| format!("{}.score", s.id)));
        cols.extend(
            [
                "weighted_total",
                "adjustment_total",
                "total",
                "grade",
                "vetoes",
                "status",
                "projected_total",
                "projected_grade",
            ]
            .map(String::from),
        );
        cols
    }

    /// The scorecard as one table row, matching [`Scorecard::columns`].
    pub fn row(&self) -> Vec<Cell> {
        let text = |s: &Option<String>| s.as_ref().map_or(Cell::Empty, |t| Cell::Text(t.clone()));
        let mut row = vec![
            Cell::Text(self.record_id.clone()),
            text(&self.name),
            text(&self.team),
            text(&self.department),
            text(&self.branch),
        ];
        row.extend(self.indicators().map(|i| {
            if i.left_out() {
                Cell::Empty
            } else {
                Cell::Number(i.score.normalize())
            }
        }));
        row.extend(
            self.sections
                .iter()
                .map(|s| Cell::Number(s.score.normalize())),
        );
        let vetoes: Vec<&str> = self.vetoes.iter().map(|v| &*v.id).collect();
        let p = self.progress.as_ref();
        row.extend([
            Cell::Number(self.weighted_total.normalize()),
            Cell::Number(self.adjustment_total.normalize()),
            Cell::Number(self.total),
            Cell::Text(self.grade.to_string()),
            if vetoes.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(vetoes.join(","))
            },
            p.and_then(|p| p.status)
                .map_or(Cell::Empty, |s| Cell::Text(s.en().to_string())),
            p.and_then(|p| p.projected_total)
                .map_or(Cell::Empty, Cell::Number),
            p.and_then(|p| p.projected_grade.clone())
                .map_or(Cell::Empty, |g| Cell::Text(g.to_string())),
        ]);
        row
    }
}
