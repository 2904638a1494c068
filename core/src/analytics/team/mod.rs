//! A scored batch → roll-ups, calibration, scheme diagnostics and development needs.
//!
//! Every operation reads the same inputs the scoring uses: the compiled [`Plan`], the
//! [`Record`]s and the [`Scorecard`]s scored from them (in the same order, one card per
//! record). The typed functions are [`rollup()`], [`calibrate()`], [`diagnose()`] and
//! [`development_needs()`]; their JSON forms (`rollup`, `calibrate`, `diagnose`,
//! `development_needs`) take `{"plan": {...}, "records": [...], ...options}`, score the records
//! themselves and return canonical JSON. Formulas, thresholds and rules are documented in
//! `docs/analytics-team.md`.
//!
//! Conventions shared by all four:
//! - exact `Decimal` for sums, means, medians, shares and attainment; a mean or share is rounded
//!   once, to 4 places half-up, for output;
//! - statistics that need a square root or a ratio of variances (standard deviations,
//!   correlations, effective weights) are computed in `f64` with a fixed summation order, so
//!   the same input always gives the same bits, and rounded to 4 places; a
//!   statistic that does not exist for the data is a [`Stat::Undefined`] with its reason;
//! - groups are sorted by their key values (text compared by Unicode code point, a missing value
//!   first); people keep their batch order unless a rank orders them;
//! - every result carries plain-language explanations or [`Finding`]s.

mod calibrate;
mod development;
mod diagnose;
mod rollup;

pub use calibrate::{
    calibrate, forced_grades, quota_counts, AppliedOverride, CalibratedGroup, CalibratedPerson,
    Calibration, CalibrationOptions, GradeQuota, Override, Quota,
};
pub use development::{
    development_needs, DevelopmentNeeds, Need, PersonNeeds, RecommendationCount, Unassessed,
};
pub use diagnose::{
    diagnose, Correlation, Diagnosis, DiagnosisOptions, GradeShare, IndicatorDiagnosis,
};
pub use rollup::{
    rollup, Attainment, GradeCount, GroupRollup, IndicatorRollup, MeasureSum, Rollup,
    RollupOptions, ScoreDistribution,
};

use crate::error::{kinds, shown, Error, Loc, Problem};
use crate::plan::Plan;
use crate::record::Record;
use crate::rounding::RoundingMode;
use crate::scorecard::Scorecard;
use crate::stats::{Stat, Undefined};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};

/// Operations of this half, by their [`super::run_json`] names.
pub const OPERATIONS: &[&str] = &["rollup", "calibrate", "diagnose", "development_needs"];

/// Decimal places of means, shares and attainment percentages in results (half-up).
pub(crate) const MEAN_SCALE: u32 = 4;

/// Decimal places of `f64` statistics (standard deviations, correlations, effective weights).
pub(crate) const STAT_SCALE: i32 = 4;

/// Runs `operation` if it belongs to this half.
pub(crate) fn dispatch(operation: &str, request: &str) -> Option<crate::Result<String>> {
    match operation {
        "rollup" => Some(rollup::run_json(request)),
        "calibrate" => Some(calibrate::run_json(request)),
        "diagnose" => Some(diagnose::run_json(request)),
        "development_needs" => Some(development::run_json(request)),
        _ => None,
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; nothing is wrong.
    Info,
    /// The scheme or the data probably needs attention.
    Warning,
}

/// A plain-language observation about the results or the scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Info or warning.
    pub severity: Severity,
    /// The indicator it is about, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// Stable machine-readable code, e.g. `no_discrimination`.
    pub code: &'static str,
    /// The finding in plain English.
    pub message: String,
    /// The finding in Simplified Chinese.
    pub message_zh: String,
}

impl Finding {
    pub(crate) fn new(
        severity: Severity,
        indicator: Option<&str>,
        code: &'static str,
        message: String,
        message_zh: String,
    ) -> Finding {
        Finding {
            severity,
            indicator: indicator.map(str::to_string),
            code,
            message,
            message_zh,
        }
    }
}

/// What people are grouped by: a record field or any attribute key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// The record's department.
    Department,
    /// The record's team.
    Team,
    /// The record's branch.
    Branch,
    /// The record itself (its id): one group per record.
    Person,
    /// A key of the record's `attributes`, e.g. `product_line`, `customer_type`, `period`.
    Attribute(String),
}

impl Dimension {
    /// Reads a dimension name: `department`, `team`, `branch`, `person`, else an attribute key.
    pub fn parse(name: &str) -> Dimension {
        match name {
            "department" => Dimension::Department,
            "team" => Dimension::Team,
            "branch" => Dimension::Branch,
            "person" => Dimension::Person,
            other => Dimension::Attribute(other.to_string()),
        }
    }

    /// The dimension's name, as written in requests.
    pub fn name(&self) -> &str {
        match self {
            Dimension::Department => "department",
            Dimension::Team => "team",
            Dimension::Branch => "branch",
            Dimension::Person => "person",
            Dimension::Attribute(a) => a,
        }
    }

    /// This dimension's value for one scored person (`None` when the record has none).
    pub fn value<'a>(&self, card: &'a Scorecard) -> Option<&'a str> {
        match self {
            Dimension::Department => card.department.as_deref(),
            Dimension::Team => card.team.as_deref(),
            Dimension::Branch => card.branch.as_deref(),
            Dimension::Person => Some(card.record_id.as_str()),
            Dimension::Attribute(a) => card.attributes.get(a).map(String::as_str),
        }
    }
}

impl Serialize for Dimension {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Dimension {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Dimension::parse(&s))
    }
}

/// A group's key: each dimension with its value (`null` when a record has none), in `by` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupKey(pub Vec<(Dimension, Option<String>)>);

impl Serialize for GroupKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (d, v) in &self.0 {
            map.serialize_entry(d.name(), v)?;
        }
        map.end()
    }
}

impl GroupKey {
    /// `department=Sales, team=East`, or `all` for the whole batch.
    pub fn label(&self) -> String {
        if self.0.is_empty() {
            return "all".into();
        }
        self.0
            .iter()
            .map(|(d, v)| format!("{}={}", d.name(), v.as_deref().unwrap_or("(none)")))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// How a group is named in sentences: its label, or "the batch" for the whole batch.
pub(crate) fn place(label: &str) -> &str {
    if label == "all" {
        "the batch"
    } else {
        label
    }
}

/// First letter upper-case (`the batch` → `The batch`).
pub(crate) fn capitalise(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Checks dimensions (non-empty, no repeats, attribute keys present on some record) at `at`.
pub(crate) fn check_dimensions(
    at: &Loc,
    by: &[Dimension],
    records: &[Record],
    problems: &mut Vec<Problem>,
) {
    let mut seen = std::collections::HashSet::new();
    for (i, d) in by.iter().enumerate() {
        let here = at.clone().index(i);
        if d.name().trim().is_empty() {
            problems
                .push(Problem::new(here, kinds::EMPTY, "dimension is empty").zh("分组维度为空"));
        } else if !seen.insert(d) {
            let name = shown(d.name());
            problems.push(
                Problem::new(
                    here,
                    kinds::DUPLICATE,
                    format!("dimension `{name}` is listed twice"),
                )
                .zh(format!("分组维度 `{name}` 重复列出")),
            );
        } else if let Dimension::Attribute(a) = d {
            if !records.is_empty() && !records.iter().any(|r| r.attributes.contains_key(a)) {
                let a = shown(a);
                problems.push(
                    Problem::new(
                        here,
                        kinds::UNKNOWN_REFERENCE,
                        format!(
                            "no record has attribute `{a}`; dimensions are department, team, branch, person or an attribute key"
                        ),
                    )
                    .zh(format!(
                        "没有任何记录带有属性 `{a}`；分组维度可以是 department（部门）、team（团队）、branch（分支机构）、person（个人）或某个属性键"
                    )),
                );
            }
        }
    }
}

/// Groups card indices by their key, sorted by key; people keep batch order within a group.
pub(crate) fn group_by(by: &[Dimension], cards: &[Scorecard]) -> Vec<(GroupKey, Vec<usize>)> {
    let mut groups: std::collections::BTreeMap<Vec<Option<String>>, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (i, c) in cards.iter().enumerate() {
        let key: Vec<Option<String>> = by.iter().map(|d| d.value(c).map(str::to_string)).collect();
        groups.entry(key).or_default().push(i);
    }
    groups
        .into_iter()
        .map(|(values, members)| (GroupKey(by.iter().cloned().zip(values).collect()), members))
        .collect()
}

/// The records and scorecards must be the same batch: one card per record, in order.
pub(crate) fn check_batch(records: &[Record], cards: &[Scorecard]) -> crate::Result<()> {
    if records.len() != cards.len() {
        let (r, c) = (records.len(), cards.len());
        return Err(Error::Input(vec![Problem::new(
            Loc::root().key("scorecards"),
            kinds::LENGTH_MISMATCH,
            format!(
                "{r} records but {c} scorecards: pass the scorecards scored from these records, in order"
            ),
        )
        .zh(format!(
            "共 {r} 条记录，却有 {c} 张计分卡：请按记录顺序传入由这些记录算出的计分卡"
        ))]));
    }
    let problems: Vec<Problem> = records
        .iter()
        .zip(cards)
        .enumerate()
        .filter(|(_, (r, c))| r.id != c.record_id)
        .map(|(i, (r, c))| {
            let (card, record) = (shown(&c.record_id), shown(&r.id));
            Problem::new(
                Loc::root().key("scorecards").index(i),
                kinds::RECORD_MISMATCH,
                format!(
                    "scorecard of `{card}` where record `{record}` was expected (same order as the records)"
                ),
            )
            .zh(format!(
                "此处应为记录 `{record}` 的计分卡，实际是 `{card}` 的（顺序须与记录一致）"
            ))
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(problems))
    }
}

/// A request's plan and records, compiled, loaded and scored the way a host would.
pub(crate) struct Scored {
    pub plan: Plan,
    pub records: Vec<Record>,
    pub cards: Vec<Scorecard>,
}

/// Compiles `plan` (plan problems get the `plan.` prefix) and loads `records`; scoring is left
/// to [`score`] so request problems can be reported together with scoring problems.
pub(crate) fn load(
    plan: &serde_json::Value,
    records: &serde_json::Value,
) -> crate::Result<(Plan, Vec<Record>)> {
    let plan = Plan::from_json(&plan.to_string()).map_err(|e| match e {
        Error::Plan(p) => Error::Plan(prefix("plan", p)),
        Error::Input(p) => Error::Input(prefix("plan", p)),
    })?;
    let records = plan.records_from_json(&records.to_string())?;
    Ok((plan, records))
}

/// Scores the records; problems found in the request so far are reported with scoring problems.
pub(crate) fn score(
    plan: Plan,
    records: Vec<Record>,
    mut problems: Vec<Problem>,
) -> crate::Result<Scored> {
    match plan.score_many(&records, &crate::ScoreOptions::default()) {
        Ok(cards) if problems.is_empty() => Ok(Scored {
            plan,
            records,
            cards,
        }),
        Ok(_) => Err(Error::Input(problems)),
        Err(e) => {
            problems.extend(e.problems().iter().cloned());
            Err(Error::Input(problems))
        }
    }
}

pub(crate) fn prefix(what: &str, problems: Vec<Problem>) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|p| p.under(&crate::Loc::root().key(what)))
        .collect()
}

/// Reads a request structurally; an error names its JSON path.
pub(crate) fn parse_request<T: serde::de::DeserializeOwned>(text: &str) -> crate::Result<T> {
    crate::json::parse_json(text, Error::Input)
}

/// Canonical JSON of a result.
pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| String::from("{}"))
}

/// An arithmetic overflow as an input problem at `at`.
pub(crate) fn overflow(at: Loc) -> Error {
    Error::Input(vec![Problem::new(
        at,
        kinds::ARITHMETIC_OVERFLOW,
        "arithmetic overflow",
    )
    .zh("算术溢出：数值过大，无法精确计算")])
}

/// Round for output: [`MEAN_SCALE`] places, half-up, normalised.
pub(crate) fn round_mean(d: Decimal) -> Decimal {
    RoundingMode::HalfUp.round(d, MEAN_SCALE).normalize()
}

/// Exact mean of `values`, rounded with [`round_mean`]; `None` when empty.
pub(crate) fn mean(values: &[Decimal]) -> Option<Decimal> {
    let sum = sum(values)?;
    let n = Decimal::from(values.len());
    if values.is_empty() {
        return None;
    }
    sum.checked_div(n).map(round_mean)
}

/// Exact sum; `None` on overflow.
pub(crate) fn sum(values: &[Decimal]) -> Option<Decimal> {
    values
        .iter()
        .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(*v))
}

/// `part ÷ whole × 100`, rounded with [`round_mean`]; `None` when `whole` is 0.
pub(crate) fn percent(part: usize, whole: usize) -> Option<Decimal> {
    if whole == 0 {
        return None;
    }
    Decimal::from(part)
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|x| x.checked_div(Decimal::from(whole)))
        .map(round_mean)
}

/// The median: the middle value, or the exact mean of the two middle values; `None` when empty.
pub(crate) fn median(values: &[Decimal]) -> Option<Decimal> {
    let mut v = values.to_vec();
    v.sort();
    let n = v.len();
    if n == 0 {
        return None;
    }
    let hi = *v.get(n / 2)?;
    if n % 2 == 1 {
        return Some(hi.normalize());
    }
    let lo = *v.get((n / 2).checked_sub(1)?)?;
    lo.checked_add(hi)
        .and_then(|s| s.checked_div(Decimal::TWO))
        .map(|m| m.normalize())
}

/// An `f64` for statistics (every `Decimal` fits, with rounding).
pub(crate) fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// A finite `f64` rounded to [`STAT_SCALE`] places as a [`Stat`]; non-finite → overflow.
pub(crate) fn stat(value: f64) -> Stat {
    if !value.is_finite() {
        return Stat::Undefined {
            reason: Undefined::Overflow,
        };
    }
    let scale = 10f64.powi(STAT_SCALE);
    let rounded = (value * scale).round() / scale;
    // −0.0 reads as 0.
    Stat::Value {
        value: if rounded == 0.0 { 0.0 } else { rounded },
    }
}

/// A statistic from [`crate::stats`] rounded to [`STAT_SCALE`] places, as analytics reports it.
pub(crate) fn rounded(s: Stat) -> Stat {
    match s {
        Stat::Value { value } => stat(value),
        undefined => undefined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{pearson, sample_sd};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn median_and_mean() {
        // Hand-worked: sorted 70, 80, 90, 95 → (80 + 90) ÷ 2 = 85; mean 335 ÷ 4 = 83.75.
        let v = [d("90"), d("70"), d("95"), d("80")];
        assert_eq!(median(&v), Some(d("85")));
        assert_eq!(mean(&v), Some(d("83.75")));
        // 1 ÷ 3 rounded to 4 places half-up.
        assert_eq!(mean(&[d("1"), d("0"), d("0")]), Some(d("0.3333")));
        assert_eq!(median(&[]), None);
        assert_eq!(mean(&[]), None);
        assert_eq!(percent(1, 8), Some(d("12.5")));
        assert_eq!(percent(1, 0), None);
    }

    #[test]
    fn pearson_hand_worked() {
        // x = 1, 2, 3; y = 2, 4, 7: x̄ = 2, ȳ = 13/3; Sxy = (−1)(−7/3) + 0 + (1)(8/3) = 5;
        // Sxx = 2; Syy = 49/9 + 1/9 + 64/9 = 114/9; r = 5 / √(2 × 114/9) = 0.99340… → 0.9934.
        assert_eq!(
            rounded(pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 7.0])),
            Stat::Value { value: 0.9934 }
        );
        assert_eq!(
            pearson(&[1.0, 1.0, 1.0], &[2.0, 4.0, 7.0]),
            Stat::Undefined {
                reason: Undefined::ZeroVariance
            }
        );
        assert!(pearson(&[1.0, 2.0], &[1.0, 2.0]).value().is_none());
        // Sample SD of 2, 4, 4, 4, 5, 5, 7, 9: Σ(x − 5)² = 32, ÷ 7, √ = 2.13809 → 2.1381.
        assert_eq!(
            rounded(sample_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])),
            Stat::Value { value: 2.1381 }
        );
    }
}
