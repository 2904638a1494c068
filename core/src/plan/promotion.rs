//! Promotion rules (晋升规则) in a plan: what a person's history must show to be eligible. The
//! rules belong to the plan document, so their type and their check against the compiled plan
//! live here; the promotion eligibility operations read them (or rules a request gives).

use super::Plan;
use crate::error::{kinds, loc, shown, Loc, Problem};
use crate::number::Num;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The promotion rules; every rule given must pass.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromotionRules {
    /// At least this many periods assessed up to the as-of period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_periods: Option<usize>,
    /// At least `at_least` periods graded one of `grades` in the last `in_last` periods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade_count: Option<GradeCount>,
    /// No vetoed period in the last `n` periods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_veto_in_last: Option<usize>,
    /// The latest 360 overall score in the last `in_last` periods is at least `at_least`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_feedback: Option<MinFeedback>,
}

/// At least `at_least` of the last `in_last` periods graded one of `grades`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeCount {
    /// The grades that count (`["S", "A"]`).
    pub grades: Vec<String>,
    /// How many periods must have one of them.
    pub at_least: usize,
    /// Out of how many periods, ending at the as-of period.
    pub in_last: usize,
}

/// The latest 360 overall score in the last `in_last` periods is at least `at_least`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MinFeedback {
    /// The lowest passing score.
    pub at_least: Num,
    /// The periods searched for the latest score, ending at the as-of period.
    pub in_last: usize,
}

/// Validates `rules` at `at` (counts that cannot be met, windows of no periods, and with a plan,
/// grades it does not have); every problem at once.
pub(crate) fn problems(rules: &PromotionRules, at: &Loc, grades: Option<&[&str]>) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut window = |n: usize, here: Loc| {
        if n == 0 {
            out.push(
                Problem::new(
                    here,
                    kinds::OUT_OF_RANGE,
                    "a window of 0 periods: give at least 1",
                )
                .zh("期数为 0：至少为 1"),
            );
        }
    };
    if let Some(g) = &rules.grade_count {
        window(g.in_last, at.clone().key("grade_count").key("in_last"));
    }
    if let Some(n) = rules.no_veto_in_last {
        window(n, at.clone().key("no_veto_in_last"));
    }
    if let Some(f) = &rules.min_feedback {
        window(f.in_last, at.clone().key("min_feedback").key("in_last"));
    }
    if let Some(g) = &rules.grade_count {
        let here = at.clone().key("grade_count");
        if g.at_least > g.in_last {
            out.push(
                Problem::new(
                    here.clone().key("at_least"),
                    kinds::OUT_OF_RANGE,
                    format!(
                        "{} periods out of the last {} can never be met",
                        g.at_least, g.in_last
                    ),
                )
                .zh(format!(
                    "最近 {} 期中达到 {} 期，永远无法满足",
                    g.in_last, g.at_least
                )),
            );
        }
        if g.grades.is_empty() {
            out.push(
                Problem::new(
                    here.clone().key("grades"),
                    kinds::EMPTY_LIST,
                    "no grades given",
                )
                .zh("未给出等级"),
            );
        }
        for (i, grade) in g.grades.iter().enumerate() {
            if grades.is_some_and(|known| !known.contains(&grade.as_str())) {
                let known = grades.unwrap_or_default().join(", ");
                out.push(
                    Problem::new(
                        here.clone().key("grades").index(i),
                        kinds::UNKNOWN_REFERENCE,
                        format!(
                            "the plan has no grade `{}` (its grades: {known})",
                            shown(grade)
                        ),
                    )
                    .zh(format!("方案没有等级 `{}`（已有：{known}）", shown(grade))),
                );
            }
        }
    }
    out
}

/// Validates the plan's promotion rules against its grades, as a plan error.
pub(crate) fn check(plan: &Plan) -> crate::Result<()> {
    let Some(rules) = &plan.spec().promotion else {
        return Ok(());
    };
    let grades: Vec<&str> = plan
        .spec()
        .grades
        .iter()
        .map(|g| g.grade.as_str())
        .collect();
    let found = problems(rules, &loc!("promotion"), Some(&grades));
    if found.is_empty() {
        Ok(())
    } else {
        Err(crate::Error::Plan(found))
    }
}
