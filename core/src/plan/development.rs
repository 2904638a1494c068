//! Development rules (发展需求规则) in a plan: below this, recommend that. The rules belong to the
//! plan document, so their type and their check against the compiled plan live here; the
//! `development_needs` analytics operation reads them.

use super::Plan;
use crate::error::{kinds, loc, shown, Error, Problem};
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
pub(crate) fn check(plan: &Plan) -> crate::Result<()> {
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    for (i, r) in plan.spec().development.iter().enumerate() {
        let path = loc!("development", i);
        if let Some(id) = &r.id {
            if id.trim().is_empty() {
                problems.push(
                    Problem::new(path.clone().key("id"), kinds::EMPTY, "rule id is empty")
                        .zh("规则 id 为空"),
                );
            } else if !ids.insert(id.as_str()) {
                let id = shown(id);
                problems.push(
                    Problem::new(
                        path.clone().key("id"),
                        kinds::DUPLICATE,
                        format!("duplicate rule id `{id}`"),
                    )
                    .zh(format!("规则 id `{id}` 重复")),
                );
            }
        }
        match (&r.indicator, &r.competency) {
            (Some(_), Some(_)) => problems.push(
                Problem::new(
                    path.clone(),
                    kinds::CONFLICTING_FIELDS,
                    "give either `indicator` or `competency`, not both",
                )
                .zh("`indicator` 与 `competency` 只能二选一，不能同时给出"),
            ),
            (None, None) => problems.push(
                Problem::new(
                    path.clone(),
                    kinds::MISSING,
                    "give the `indicator` or the `competency` the rule tests",
                )
                .zh("请给出规则所检查的 `indicator`（指标）或 `competency`（能力项）"),
            ),
            (Some(ind), None) => match plan.indicators.iter().find(|x| &*x.id == ind.as_str()) {
                None => {
                    let ind = shown(ind);
                    problems.push(
                        Problem::new(
                            path.clone().key("indicator"),
                            kinds::UNKNOWN_REFERENCE,
                            format!("the plan has no indicator `{ind}`"),
                        )
                        .zh(format!("方案中没有指标 `{ind}`")),
                    )
                }
                Some(x) if r.basis == Some(NeedBasis::Completion) && x.target.is_none() => {
                    let ind = shown(ind);
                    problems.push(
                        Problem::new(
                            path.clone().key("basis"),
                            kinds::MISSING_TARGET,
                            format!("indicator `{ind}` has no target, so it has no completion"),
                        )
                        .zh(format!("指标 `{ind}` 没有目标值，因此没有完成率")),
                    )
                }
                Some(_) => {}
            },
            (None, Some(c)) => {
                if c.trim().is_empty() {
                    problems.push(
                        Problem::new(
                            path.clone().key("competency"),
                            kinds::EMPTY,
                            "competency is empty",
                        )
                        .zh("能力项为空"),
                    );
                }
                if r.basis.is_some() {
                    problems.push(
                        Problem::new(
                            path.clone().key("basis"),
                            kinds::NOT_ALLOWED,
                            "`basis` applies to indicator rules only",
                        )
                        .zh("`basis` 只适用于指标规则"),
                    );
                }
            }
        }
        if r.below.0 <= Decimal::ZERO {
            let below = r.below.0.normalize();
            problems.push(
                Problem::new(
                    path.clone().key("below"),
                    kinds::OUT_OF_RANGE,
                    format!("the threshold must be positive, got {below}"),
                )
                .zh(format!("阈值必须为正数，实际为 {below}")),
            );
        }
        if r.recommend.trim().is_empty() {
            problems.push(
                Problem::new(
                    path.clone().key("recommend"),
                    kinds::EMPTY,
                    "say what is recommended",
                )
                .zh("请写明建议内容"),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Plan(problems))
    }
}
