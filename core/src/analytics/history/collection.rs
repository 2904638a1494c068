//! A history: period results with one current result per person, period and plan. A
//! restatement is explicit (`restates`): it supersedes the earlier result, and both stay
//! visible; a second result without it is an error, never a silent overwrite. One person's
//! timeline is on one grain (months, quarters, halves or years).

use super::period::{Grain, Period};
use super::result::PeriodResult;
use crate::error::{kinds, shown, Error, Problem, Problems};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Results in the order given, each earlier result a restatement replaced marked `superseded`.
#[derive(Debug, Clone)]
pub(crate) struct History {
    pub results: Vec<PeriodResult>,
}

impl History {
    /// The history of `results` (in the order given), or every problem across rows at once.
    pub(crate) fn new(mut results: Vec<PeriodResult>) -> crate::Result<History> {
        let mut problems = Problems::new();
        let mut current: HashMap<(String, Period, String), usize> = HashMap::new();
        for i in 0..results.len() {
            let Some(r) = results.get(i) else { continue };
            let key = (
                r.person.clone(),
                r.period,
                r.plan.clone().unwrap_or_default(),
            );
            let restates = r.restates;
            let (at, person, period) = (r.at.clone(), r.person.clone(), r.period);
            match current.get(&key).copied() {
                Some(earlier) if restates => {
                    if let Some(e) = results.get_mut(earlier) {
                        e.superseded = true;
                    }
                    current.insert(key, i);
                }
                Some(earlier) => {
                    let first = results
                        .get(earlier)
                        .map(|e| e.at.to_string())
                        .unwrap_or_default();
                    problems.push(
                        Problem::new(
                            at,
                            kinds::DUPLICATE,
                            format!(
                                "a second result for period {period}{} (the first is at {first}); mark it `restates` to supersede the first",
                                plan_words(&key.2)
                            ),
                        )
                        .zh(format!(
                            "考核期间 {period}{} 已有结果（见 {first}）；如需更正，请标记 `restates`",
                            plan_words_zh(&key.2)
                        ))
                        .with_id(person),
                    );
                }
                None if restates => problems.push(
                    Problem::new(
                        at,
                        kinds::UNKNOWN_REFERENCE,
                        format!(
                            "restates a result that is not there (period {period}{})",
                            plan_words(&key.2)
                        ),
                    )
                    .zh(format!(
                        "要更正的结果不存在（考核期间 {period}{}）",
                        plan_words_zh(&key.2)
                    ))
                    .with_id(person),
                ),
                None => {
                    current.insert(key, i);
                }
            }
        }
        let mut grains: BTreeMap<&str, BTreeSet<Grain>> = BTreeMap::new();
        for r in &results {
            grains.entry(&r.person).or_default().insert(r.period.grain);
        }
        for (person, g) in grains.iter().filter(|(_, g)| g.len() > 1) {
            let names: Vec<&str> = g.iter().map(|g| g.name()).collect();
            let names_zh: Vec<&str> = g.iter().map(|g| g.name_zh()).collect();
            problems.push(
                Problem::new(
                    crate::Loc::root().key("results"),
                    kinds::CONFLICTING_FIELDS,
                    format!(
                        "one timeline mixes periods of different lengths ({}); give one person's results on one grain",
                        names.join(", ")
                    ),
                )
                .zh(format!("同一人的考核期间长短不一（{}）；请统一为一种周期", names_zh.join("、")))
                .with_id((*person).to_owned()),
            );
        }
        problems.finish(Error::Input, History { results })
    }

    /// The current results (not superseded), of plan `plan` when given.
    pub(crate) fn current<'a>(
        &'a self,
        plan: Option<&'a str>,
    ) -> impl Iterator<Item = &'a PeriodResult> + 'a {
        self.results
            .iter()
            .filter(move |r| !r.superseded && plan.is_none_or(|p| r.plan.as_deref() == Some(p)))
    }
}

/// The problem of a person with results under more than one plan in `period` where the request
/// names no `plan` (placed at `at`).
pub(crate) fn two_plans(period: Period, person: &str, at: crate::Loc) -> Problem {
    Problem::new(
        at,
        kinds::CONFLICTING_FIELDS,
        format!("more than one plan's result in period {period}: give `plan`"),
    )
    .zh(format!("考核期间 {period} 有多个方案的结果：请指定 `plan`"))
    .with_id(person.to_owned())
}

fn plan_words(plan: &str) -> String {
    if plan.is_empty() {
        String::new()
    } else {
        format!(" under plan `{}`", shown(plan))
    }
}

fn plan_words_zh(plan: &str) -> String {
    if plan.is_empty() {
        String::new()
    } else {
        format!("（方案 `{}`）", shown(plan))
    }
}
