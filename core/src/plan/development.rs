//! Development rules (发展需求规则) in a plan: below this, recommend that. The rules belong to the
//! plan document, so their type and their check against the compiled plan live here; the
//! `development_needs` analytics operation reads them.

use super::Plan;
use crate::error::{Error, Problem};
use crate::number::Num;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What an indicator rule tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NeedBasis {
    /// The indicator's points (after floor and cap). The default.
    #[default]
    Score,
    /// Completion, percent (the indicator needs a target).
    Completion,
    /// The actual value.
    Actual,
}

/// A development rule (发展需求规则): below this, recommend that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DevelopmentRule {
    /// Optional identifier, unique among the rules, shown with each need.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The indicator tested (give this or `competency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// For an indicator: its score (default), completion or actual.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<NeedBasis>,
    /// The 360 competency tested: the person's combined score on the answer scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competency: Option<String>,
    /// A need when the value is strictly below this (positive) threshold.
    pub below: Num,
    /// The recommended training or action.
    pub recommend: String,
    /// The recommendation in Chinese, if the plan has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommend_zh: Option<String>,
}

/// Validates the plan's development rules; every problem at once, as a plan error.
pub fn check(plan: &Plan) -> crate::Result<()> {
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    for (i, r) in plan.spec().development.iter().enumerate() {
        let path = format!("development[{i}]");
        if let Some(id) = &r.id {
            if id.trim().is_empty() {
                problems.push(Problem::untyped(format!("{path}.id"), "rule id is empty"));
            } else if !ids.insert(id.as_str()) {
                problems.push(Problem::untyped(
                    format!("{path}.id"),
                    format!("duplicate rule id `{id}`"),
                ));
            }
        }
        match (&r.indicator, &r.competency) {
            (Some(_), Some(_)) => problems.push(Problem::untyped(
                path.clone(),
                "give either `indicator` or `competency`, not both",
            )),
            (None, None) => problems.push(Problem::untyped(
                path.clone(),
                "give the `indicator` or the `competency` the rule tests",
            )),
            (Some(ind), None) => match plan.indicators.iter().find(|x| &*x.id == ind.as_str()) {
                None => problems.push(Problem::untyped(
                    format!("{path}.indicator"),
                    format!("the plan has no indicator `{ind}`"),
                )),
                Some(x) if r.basis == Some(NeedBasis::Completion) && x.target.is_none() => problems
                    .push(Problem::untyped(
                        format!("{path}.basis"),
                        format!("indicator `{ind}` has no target, so it has no completion"),
                    )),
                Some(_) => {}
            },
            (None, Some(c)) => {
                if c.trim().is_empty() {
                    problems.push(Problem::untyped(
                        format!("{path}.competency"),
                        "competency is empty",
                    ));
                }
                if r.basis.is_some() {
                    problems.push(Problem::untyped(
                        format!("{path}.basis"),
                        "`basis` applies to indicator rules only",
                    ));
                }
            }
        }
        if r.below.0 <= Decimal::ZERO {
            problems.push(Problem::untyped(
                format!("{path}.below"),
                format!(
                    "the threshold must be positive, got {}",
                    r.below.0.normalize()
                ),
            ));
        }
        if r.recommend.trim().is_empty() {
            problems.push(Problem::untyped(
                format!("{path}.recommend"),
                "say what is recommended",
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Plan(problems))
    }
}
