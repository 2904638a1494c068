//! Development needs: rules in the plan map weak indicators or 360 competencies to training.
//!
//! A plan may carry `"development": [...]` rules (see [`DevelopmentRule`]), e.g.
//! `{"indicator": "visits", "below": 60, "recommend": "Prospecting and visit planning workshop"}`
//! (the indicator's points; `"basis": "completion"` or `"actual"` to test those instead) or
//! `{"competency": "teamwork", "below": 3.5, "recommend": "..."}` (the person's combined 360
//! score for that competency; needs a feedback round). A person has a need when their value is
//! strictly below the rule's threshold. Needs are sorted by relative gap,
//! `(threshold − value) ÷ threshold × 100`, largest first (rule order among equals), so rules on
//! different scales (points, ratings) compare fairly. A value that cannot be read (data missing,
//! no completion, no 360 score) is listed as *unassessed*, never as a need.
//!
//! The rules are part of the plan document, so their type and [`check`] live in
//! [`crate::plan::development`]; plan compilation runs the check, and so does the
//! `development_needs` operation (a plan may come from a spec built by hand).

use super::diagnose::feedback_round;
use super::{check_batch, load, parse_request, round_mean, score, to_json, Finding, Severity};
use crate::error::{kinds, shown, Error, Loc, Problem};
use crate::explain::amount;
use crate::feedback::{FeedbackRound, FeedbackSpec};
use crate::plan::Plan;
use crate::record::Record;
use crate::scorecard::Scorecard;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

// Re-exported so the analytics paths of the rule types keep working.
pub(crate) use crate::plan::development::{check, DevelopmentRule, NeedBasis};

use crate::number::serialize_decimal as dec;

/// Development needs of a batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DevelopmentNeeds {
    /// Every person, in batch order.
    pub people: Vec<PersonNeeds>,
    /// Each recommendation with the people who need it, most needed first.
    pub summary: Vec<RecommendationCount>,
    /// Notes on the rules (none, or skipped competency rules).
    pub findings: Vec<Finding>,
}

/// One person's needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonNeeds {
    /// Record id.
    pub id: String,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Needs, largest relative gap first.
    pub needs: Vec<Need>,
    /// Rules that could not be tested for this person, with the reason.
    pub unassessed: Vec<Unassessed>,
    /// One line in plain English.
    pub explanation: String,
}

/// A rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Need {
    /// Index of the rule in the plan's `development`.
    pub rule: usize,
    /// The rule's id, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// The indicator, for an indicator rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// The competency, for a 360 rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub competency: Option<String>,
    /// `score`, `completion`, `actual` or `competency_score`.
    pub basis: &'static str,
    /// The person's value.
    #[serde(serialize_with = "dec")]
    pub value: Decimal,
    /// The rule's threshold.
    #[serde(serialize_with = "dec")]
    pub threshold: Decimal,
    /// threshold − value.
    #[serde(serialize_with = "dec")]
    pub gap: Decimal,
    /// gap ÷ threshold × 100, rounded to 4 places half-up.
    #[serde(serialize_with = "dec")]
    pub relative_gap: Decimal,
    /// What is recommended.
    pub recommend: String,
    /// The recommendation in Chinese.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommend_zh: Option<String>,
}

/// A rule not tested for a person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unassessed {
    /// Index of the rule.
    pub rule: usize,
    /// Why.
    pub reason: String,
}

/// A recommendation and who needs it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecommendationCount {
    /// The recommendation.
    pub recommend: String,
    /// Number of people.
    pub count: usize,
    /// Their record ids, in batch order.
    pub people: Vec<String>,
}

impl DevelopmentNeeds {
    /// The canonical JSON every binding returns byte for byte.
    pub fn to_canonical_json(&self) -> String {
        to_json(self)
    }
}

fn basis_name(b: NeedBasis) -> &'static str {
    match b {
        NeedBasis::Score => "score",
        NeedBasis::Completion => "completion",
        NeedBasis::Actual => "actual",
    }
}

/// Reads one rule's value for one person: `Ok(value)` or `Err(reason it cannot be read)`.
fn value_of(
    rule: &DevelopmentRule,
    card: &Scorecard,
    feedback: Option<&FeedbackRound>,
) -> Result<Decimal, String> {
    if let Some(ind) = &rule.indicator {
        let line = card
            .indicator(ind)
            .ok_or_else(|| format!("no result for indicator `{ind}`"))?;
        if line.missing.is_some() {
            return Err(format!("data for `{ind}` is missing"));
        }
        return match rule.basis.unwrap_or_default() {
            NeedBasis::Score => Ok(line.score),
            NeedBasis::Actual => line
                .actual
                .ok_or_else(|| format!("no actual value for `{ind}`")),
            NeedBasis::Completion => line
                .completion
                .ok_or_else(|| format!("no completion for `{ind}` (the target is not positive)")),
        };
    }
    let c = rule.competency.as_deref().unwrap_or_default();
    feedback
        .and_then(|f| f.report(&card.record_id))
        .and_then(|r| r.combined.competencies.iter().find(|s| &*s.id == c))
        .map(|s| s.score)
        .ok_or_else(|| format!("no 360 score for competency `{c}`"))
}

/// Development needs of a scored batch under the plan's rules; `feedback` is needed for
/// competency rules (without it they are skipped, with a finding). A plan compiled by
/// [`Plan::from_json`](crate::Plan::from_json) has its rules checked already.
pub fn development_needs(
    plan: &Plan,
    records: &[Record],
    cards: &[Scorecard],
    feedback: Option<&FeedbackRound>,
) -> crate::Result<DevelopmentNeeds> {
    check_batch(records, cards)?;
    check(plan)?;
    let rules = &plan.spec().development;
    let mut findings = Vec::new();
    if rules.is_empty() {
        findings.push(Finding::new(
            Severity::Info,
            None,
            "no_development_rules",
            "The plan has no development rules, so no needs are derived.".into(),
            "方案未设置发展需求规则，因此没有培训建议。".into(),
        ));
    }
    let skip_competencies = feedback.is_none() && rules.iter().any(|r| r.competency.is_some());
    if skip_competencies {
        findings.push(Finding::new(
            Severity::Info,
            None,
            "competency_rules_skipped",
            "Rules on 360 competencies were skipped: no feedback round was given.".into(),
            "未提供 360 反馈数据，能力项规则未评估。".into(),
        ));
    }
    let mut people = Vec::with_capacity(cards.len());
    for card in cards {
        let mut needs = Vec::new();
        let mut unassessed = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if skip_competencies && r.competency.is_some() {
                continue;
            }
            let value = match value_of(r, card, feedback) {
                Ok(v) => v,
                Err(reason) => {
                    unassessed.push(Unassessed { rule: i, reason });
                    continue;
                }
            };
            let threshold = r.below.0;
            if value >= threshold {
                continue;
            }
            let gap = threshold
                .checked_sub(value)
                .ok_or_else(|| super::overflow(Loc::root().key("development").index(i)))?;
            let relative_gap = gap
                .checked_mul(Decimal::ONE_HUNDRED)
                .and_then(|x| x.checked_div(threshold))
                .map(round_mean)
                .ok_or_else(|| super::overflow(Loc::root().key("development").index(i)))?;
            needs.push(Need {
                rule: i,
                rule_id: r.id.clone(),
                indicator: r.indicator.clone(),
                competency: r.competency.clone(),
                basis: if r.competency.is_some() {
                    "competency_score"
                } else {
                    basis_name(r.basis.unwrap_or_default())
                },
                value: value.normalize(),
                threshold: threshold.normalize(),
                gap: gap.normalize(),
                relative_gap,
                recommend: r.recommend.clone(),
                recommend_zh: r.recommend_zh.clone(),
            });
        }
        needs.sort_by(|a, b| {
            b.relative_gap
                .cmp(&a.relative_gap)
                .then(a.rule.cmp(&b.rule))
        });
        let explanation = explain(card, &needs);
        people.push(PersonNeeds {
            id: card.record_id.clone(),
            name: card.name.clone(),
            needs,
            unassessed,
            explanation,
        });
    }
    Ok(DevelopmentNeeds {
        summary: summary(rules, &people),
        people,
        findings,
    })
}

fn explain(card: &Scorecard, needs: &[Need]) -> String {
    let who = match &card.name {
        Some(n) => format!("{} {n}", card.record_id),
        None => card.record_id.clone(),
    };
    if needs.is_empty() {
        return format!("{who}: no development needs under the plan's rules.");
    }
    let parts: Vec<String> = needs
        .iter()
        .map(|n| {
            let what = n
                .indicator
                .as_deref()
                .or(n.competency.as_deref())
                .unwrap_or_default();
            format!(
                "{what} {} {} is below {} by {}% → {}",
                n.basis,
                amount(n.value),
                amount(n.threshold),
                amount(n.relative_gap),
                n.recommend
            )
        })
        .collect();
    format!("{who}: {}.", parts.join("; "))
}

fn summary(rules: &[DevelopmentRule], people: &[PersonNeeds]) -> Vec<RecommendationCount> {
    // Distinct recommendations in rule order; each person counted once per recommendation.
    let mut out: Vec<RecommendationCount> = Vec::new();
    for r in rules {
        if out.iter().any(|o| o.recommend == r.recommend) {
            continue;
        }
        let ids: Vec<String> = people
            .iter()
            .filter(|p| p.needs.iter().any(|n| n.recommend == r.recommend))
            .map(|p| p.id.clone())
            .collect();
        if !ids.is_empty() {
            out.push(RecommendationCount {
                recommend: r.recommend.clone(),
                count: ids.len(),
                people: ids,
            });
        }
    }
    // Stable: most needed first, rule order among equals.
    out.sort_by_key(|r| std::cmp::Reverse(r.count));
    out
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    plan: serde_json::Value,
    records: serde_json::Value,
    #[serde(default)]
    feedback: Option<serde_json::Value>,
    #[serde(default)]
    responses: Option<serde_json::Value>,
}

/// The `development_needs` operation on a JSON request.
pub(crate) fn run_json(request: &str) -> crate::Result<String> {
    let req: Request = parse_request(request)?;
    let (plan, records) = load(&req.plan, &req.records)?;
    check(&plan).map_err(|e| Error::Plan(super::prefix("plan", e.problems().to_vec())))?;
    let round = feedback_round(req.feedback.as_ref(), req.responses.as_ref())?;
    let mut problems = Vec::new();
    if let Some(spec) = req
        .feedback
        .as_ref()
        .and_then(|v| serde_json::from_value::<FeedbackSpec>(v.clone()).ok())
    {
        for (i, r) in plan.spec().development.iter().enumerate() {
            if let Some(c) = &r.competency {
                if !spec.competencies.iter().any(|x| &x.id == c) {
                    let c = shown(c);
                    problems.push(
                        Problem::new(
                            Loc::root()
                                .key("plan")
                                .key("development")
                                .index(i)
                                .key("competency"),
                            kinds::UNKNOWN_REFERENCE,
                            format!("the feedback configuration has no competency `{c}`"),
                        )
                        .zh(format!("360 反馈配置中没有能力项 `{c}`")),
                    );
                }
            }
        }
    }
    let s = score(plan, records, problems)?;
    development_needs(&s.plan, &s.records, &s.cards, round.as_ref()).map(|d| d.to_canonical_json())
}
