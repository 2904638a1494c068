//! Feedback results: per-ratee reports and round reliability, with explanations in English and
//! Simplified Chinese.

use super::stats::{IccAll, Stat};
use crate::explain::{fixed2, Lang};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write;
use std::sync::Arc;

use crate::number::{serialize_decimal as dec, serialize_opt_decimal as opt_dec};

/// A score with the id of what it scores.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "FeedbackNamedScore")]
pub struct NamedScore {
    /// Item or competency id.
    pub id: Arc<str>,
    /// The score on the answer scale.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub score: Decimal,
}

/// Item, competency and overall scores of one group (or combined).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "FeedbackScores")]
pub struct Scores {
    /// Item scores, in questionnaire order (items nobody answered are absent).
    pub items: Vec<NamedScore>,
    /// Competency scores.
    pub competencies: Vec<NamedScore>,
    /// Competency-weighted overall score.
    #[serde(serialize_with = "opt_dec")]
    #[schemars(with = "Option<crate::number::DecimalTextSchema>")]
    pub overall: Option<Decimal>,
}

/// Whether a group is shown, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
#[schemars(rename = "FeedbackGroupStatus")]
pub enum GroupStatus {
    /// Shown and counted.
    Shown,
    /// Fewer raters than the minimum: hidden and not counted anywhere.
    Suppressed {
        /// The minimum it needed.
        minimum: u32,
    },
    /// Fewer raters than the minimum: its raters were counted in another group.
    MergedInto {
        /// The group they joined.
        group: Arc<str>,
    },
    /// Nobody in this group answered.
    NoResponses,
}

/// One rater group's result for a ratee.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "FeedbackGroupResult")]
pub struct GroupResult {
    /// Group id.
    pub id: Arc<str>,
    /// Display name.
    pub name: Arc<str>,
    /// Shown, suppressed, merged, or no responses.
    #[serde(flatten)]
    pub status: GroupStatus,
    /// Number of raters counted (only for shown groups, so small groups cannot be identified).
    pub raters: Option<u32>,
    /// The group's planned weight.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub weight: Decimal,
    /// Scores, for shown groups only.
    pub scores: Option<Scores>,
}

/// A group's weight in the combined score after re-normalising over the groups present.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "FeedbackGroupWeight")]
pub struct GroupWeight {
    /// Group id.
    pub group: Arc<str>,
    /// Percent of the combined score.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub weight: Decimal,
}

/// Item or competency level of a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "FeedbackGapLevel")]
pub enum GapLevel {
    /// An item.
    Item,
    /// A competency.
    Competency,
}

/// How a self-versus-others gap is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "FeedbackGapFlag")]
pub enum GapFlag {
    /// Self rates at least the threshold higher than others do.
    BlindSpot,
    /// Self rates at least the threshold lower than others do.
    HiddenStrength,
    /// Within the threshold.
    None,
}

/// Self minus others on one item or competency.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "FeedbackGap")]
pub struct Gap {
    /// Item or competency.
    pub level: GapLevel,
    /// Its id.
    pub id: Arc<str>,
    /// Self score.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub self_score: Decimal,
    /// Combined score of the others.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub others: Decimal,
    /// self − others.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub gap: Decimal,
    /// Blind spot, hidden strength, or none.
    pub flag: GapFlag,
}

/// Dispersion and agreement on one item for one ratee.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "FeedbackItemAgreement")]
pub struct ItemAgreement {
    /// Item id.
    pub item: Arc<str>,
    /// Number of counted (non-self) answers.
    pub raters: u32,
    /// Sample standard deviation.
    pub std_dev: Stat,
    /// r_wg (James, Demaree & Wolf 1984), truncated at 0.
    pub rwg: Stat,
}

/// One ratee's feedback.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FeedbackReport {
    /// Who was rated.
    pub ratee: String,
    /// Every group, shown or not, with the reason.
    pub groups: Vec<GroupResult>,
    /// The combined score of the counted groups.
    pub combined: Scores,
    /// The weights the combined score used.
    pub weights_used: Vec<GroupWeight>,
    /// The self-assessment, reported beside the combined score.
    pub self_scores: Option<Scores>,
    /// Self-versus-others gaps.
    pub gaps: Vec<Gap>,
    /// Agreement per item.
    pub agreement: Vec<ItemAgreement>,
    /// A trimmed mean was asked for but some group had too few raters, so the mean was used there.
    pub trimmed_mean_fell_back: bool,
}

/// Reliability of the whole round.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "FeedbackReliability")]
pub struct Reliability {
    /// Krippendorff's alpha, nominal.
    pub alpha_nominal: Stat,
    /// Krippendorff's alpha, ordinal.
    pub alpha_ordinal: Stat,
    /// Krippendorff's alpha, interval.
    pub alpha_interval: Stat,
    /// Krippendorff's alpha, ratio.
    pub alpha_ratio: Stat,
    /// The six Shrout & Fleiss ICCs over ratees × rater slots; `None` when fewer than 2 ratees have 2 raters.
    pub icc: Option<IccAll>,
    /// Ratees in the ICC matrix.
    pub icc_ratees: u32,
    /// Raters per ratee in the ICC matrix (the fewest any included ratee had).
    pub icc_raters_per_ratee: u32,
}

/// A leniency/severity correction applied to one rater.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "FeedbackLeniencyCorrection")]
pub struct LeniencyCorrection {
    /// The rater.
    pub rater: String,
    /// Their mean over the ratees they rated.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub rater_mean: Decimal,
    /// grand mean − rater mean.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub shift: Decimal,
    /// For standardisation: grand spread ÷ rater spread.
    #[serde(serialize_with = "opt_dec")]
    #[schemars(with = "Option<crate::number::DecimalTextSchema>")]
    pub scale: Option<Decimal>,
}

/// A whole round.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FeedbackRound {
    /// The configuration id.
    pub feedback_id: Arc<str>,
    /// One report per ratee, by ratee id.
    pub reports: Vec<FeedbackReport>,
    /// Round reliability.
    pub reliability: Reliability,
    /// Leniency corrections applied.
    pub leniency: Vec<LeniencyCorrection>,
}

impl FeedbackRound {
    /// The canonical JSON every binding returns byte for byte.
    pub fn to_canonical_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }

    /// The report of one ratee.
    pub fn report(&self, ratee: &str) -> Option<&FeedbackReport> {
        self.reports.iter().find(|r| r.ratee == ratee)
    }

    /// Put each ratee's combined overall score into their record as measure `measure`, so a plan
    /// can score it (e.g. a "feedback" indicator with the `rating` method on the answer scale).
    /// Records without a report are left as they are (the indicator's missing-data policy applies).
    pub fn attach_to_records(&self, records: &mut [crate::Record], measure: &str) {
        for r in records.iter_mut() {
            if let Some(score) = self.report(&r.id).and_then(|rep| rep.combined.overall) {
                r.measures.insert(measure.to_string(), score);
            }
        }
    }
}

impl FeedbackReport {
    /// Groups, counts and weights behind the combined score, then gaps; one line each.
    pub fn explain(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} {}",
            if zh {
                "360 度反馈："
            } else {
                "360-degree feedback for"
            },
            self.ratee
        );
        for g in &self.groups {
            let line = match (&g.status, zh) {
                (GroupStatus::Shown, _) => {
                    let overall = g
                        .scores
                        .as_ref()
                        .and_then(|x| x.overall)
                        .map_or_else(|| "—".into(), |d| fixed2(d).to_string());
                    let w = self
                        .weights_used
                        .iter()
                        .find(|w| w.group == g.id)
                        .map(|w| fixed2(w.weight));
                    match (w, zh) {
                        (Some(w), false) => format!(
                            "{}: {overall} ({} raters, weight {w}%)",
                            g.name,
                            g.raters.unwrap_or(0)
                        ),
                        (Some(w), true) => format!(
                            "{}：{overall}（{} 人评价，权重 {w}%）",
                            g.name,
                            g.raters.unwrap_or(0)
                        ),
                        (None, false) => format!(
                            "{}: {overall} ({} raters, reported beside the combined score)",
                            g.name,
                            g.raters.unwrap_or(0)
                        ),
                        (None, true) => format!(
                            "{}：{overall}（{} 人评价，单独列示，不计入综合分）",
                            g.name,
                            g.raters.unwrap_or(0)
                        ),
                    }
                }
                (GroupStatus::Suppressed { minimum }, false) => {
                    format!(
                        "{}: not shown (fewer than {minimum} raters, to protect anonymity)",
                        g.name
                    )
                }
                (GroupStatus::Suppressed { minimum }, true) => {
                    format!("{}：不显示（少于 {minimum} 人，保护匿名）", g.name)
                }
                (GroupStatus::MergedInto { group }, false) => {
                    format!("{}: too few raters, counted with `{group}`", g.name)
                }
                (GroupStatus::MergedInto { group }, true) => {
                    format!("{}：人数不足，并入 `{group}`", g.name)
                }
                (GroupStatus::NoResponses, false) => format!("{}: no responses", g.name),
                (GroupStatus::NoResponses, true) => format!("{}：无反馈", g.name),
            };
            let _ = writeln!(s, "  {line}");
        }
        let overall = self
            .combined
            .overall
            .map_or_else(|| "—".into(), |d| fixed2(d).to_string());
        let _ = write!(
            s,
            "{} {overall}",
            if zh { "综合得分" } else { "Combined score" }
        );
        for g in self.gaps.iter().filter(|g| g.flag != GapFlag::None) {
            let word = match (g.flag, zh) {
                (GapFlag::BlindSpot, false) => "blind spot",
                (GapFlag::BlindSpot, true) => "盲点",
                (GapFlag::HiddenStrength, false) => "hidden strength",
                _ => "潜在优势",
            };
            let _ = write!(
                s,
                "\n  {}: {} {} − {} = {} → {word}",
                g.id,
                if zh { "自评" } else { "self" },
                fixed2(g.self_score),
                fixed2(g.others),
                fixed2(g.gap)
            );
        }
        s
    }
}
