//! Promotion eligibility: rules over the periods up to an as-of period, each decided as
//! passed, failed or unknown. A rule that a missing period could still turn either way is
//! unknown, never guessed: a person is `eligible` when every rule passes, `not_eligible` when
//! one fails whatever the missing periods held, and `not_assessable` otherwise.

use super::collection::History;
use super::period::Period;
use super::result::PeriodResult;
use crate::Lang;
use serde::Serialize;
use std::collections::BTreeMap;

pub(crate) use crate::plan::promotion::PromotionRules as Rules;

/// One rule's outcome for a person.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Check {
    pub rule: &'static str,
    /// `pass`, `fail` or `unknown`.
    pub status: &'static str,
    pub reason: String,
}

/// A person's eligibility.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Eligibility {
    pub person: String,
    /// `eligible`, `not_eligible` or `not_assessable`.
    pub status: &'static str,
    pub checks: Vec<Check>,
}

const PASS: &str = "pass";
const FAIL: &str = "fail";
const UNKNOWN: &str = "unknown";

/// Every person's eligibility at `as_of` (people of `as_of`'s grain, in order of first
/// appearance, or `people`).
pub(crate) fn eligibility(
    history: &History,
    rules: &Rules,
    as_of: Period,
    people: Option<&[String]>,
    plan: Option<&str>,
    lang: Lang,
) -> Vec<Eligibility> {
    let mut by_person: BTreeMap<&str, BTreeMap<Period, &PeriodResult>> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for r in history
        .current(plan)
        .filter(|r| r.period.grain == as_of.grain)
    {
        let periods = by_person.entry(&r.person).or_default();
        if periods.is_empty() {
            order.push(&r.person);
        }
        periods.insert(r.period, r);
    }
    let wanted: Vec<&str> = match people {
        Some(p) => p.iter().map(String::as_str).collect(),
        None => order,
    };
    let empty = BTreeMap::new();
    wanted
        .into_iter()
        .map(|person| {
            let periods = by_person.get(person).unwrap_or(&empty);
            let checks = decide(periods, rules, as_of, lang);
            let status = if checks.iter().any(|c| c.status == FAIL) {
                "not_eligible"
            } else if checks.iter().any(|c| c.status == UNKNOWN) {
                "not_assessable"
            } else {
                "eligible"
            };
            Eligibility {
                person: person.to_owned(),
                status,
                checks,
            }
        })
        .collect()
}

/// The `n` periods ending at `as_of`, latest first, each with its result if there is one.
fn last<'a>(
    periods: &BTreeMap<Period, &'a PeriodResult>,
    as_of: Period,
    n: usize,
) -> Vec<(Period, Option<&'a PeriodResult>)> {
    (0..n)
        .filter_map(|k| as_of.back(i32::try_from(k).ok()?))
        .map(|p| (p, periods.get(&p).copied()))
        .collect()
}

fn decide(
    periods: &BTreeMap<Period, &PeriodResult>,
    rules: &Rules,
    as_of: Period,
    lang: Lang,
) -> Vec<Check> {
    let zh = lang == Lang::Zh;
    let words = |en: String, cn: String| if zh { cn } else { en };
    let mut out = Vec::new();
    if let Some(n) = rules.min_periods {
        let have = periods.keys().filter(|p| **p <= as_of).count();
        out.push(Check {
            rule: "min_periods",
            status: if have >= n { PASS } else { FAIL },
            reason: words(
                format!("{have} periods assessed up to {as_of}; {n} needed"),
                format!("截至 {as_of} 已考核 {have} 期；需要 {n} 期"),
            ),
        });
    }
    if let Some(g) = &rules.grade_count {
        let window = last(periods, as_of, g.in_last);
        let have = window
            .iter()
            .filter(|(_, r)| {
                r.and_then(|r| r.grade.as_ref())
                    .is_some_and(|x| g.grades.contains(x))
            })
            .count();
        let missing = window.iter().filter(|(_, r)| r.is_none()).count();
        let status = if have >= g.at_least {
            PASS
        } else if have.saturating_add(missing) < g.at_least {
            FAIL
        } else {
            UNKNOWN
        };
        let grades = g.grades.join("/");
        out.push(Check {
            rule: "grade_count",
            status,
            reason: words(
                format!(
                    "{have} of the last {} periods graded {grades} ({missing} without a result); {} needed",
                    g.in_last, g.at_least
                ),
                format!(
                    "最近 {} 期中 {have} 期为 {grades}（{missing} 期无结果）；需要 {} 期",
                    g.in_last, g.at_least
                ),
            ),
        });
    }
    if let Some(n) = rules.no_veto_in_last {
        let window = last(periods, as_of, n);
        let vetoed: Vec<String> = window
            .iter()
            .filter(|(_, r)| r.is_some_and(|r| r.vetoed))
            .map(|(p, _)| p.to_string())
            .collect();
        let missing = window.iter().filter(|(_, r)| r.is_none()).count();
        let status = if !vetoed.is_empty() {
            FAIL
        } else if missing > 0 {
            UNKNOWN
        } else {
            PASS
        };
        out.push(Check {
            rule: "no_veto_in_last",
            status,
            reason: if vetoed.is_empty() {
                words(
                    format!("no veto in the last {n} periods ({missing} without a result)"),
                    format!("最近 {n} 期无否决（{missing} 期无结果）"),
                )
            } else {
                words(
                    format!("vetoed in {}", vetoed.join(", ")),
                    format!("{} 被否决", vetoed.join("、")),
                )
            },
        });
    }
    if let Some(f) = &rules.min_feedback {
        let window = last(periods, as_of, f.in_last);
        // The latest 360 score in the window; a missing period after it could hold a newer one.
        let found = window
            .iter()
            .position(|(_, r)| r.is_some_and(|r| r.feedback.is_some()));
        let newer_missing = window
            .iter()
            .take(found.unwrap_or(window.len()))
            .any(|(_, r)| r.is_none());
        let latest = found
            .and_then(|i| window.get(i))
            .and_then(|(p, r)| Some((*p, r.as_ref()?.feedback?)));
        let at_least = f.at_least.0.normalize();
        let (status, reason) = match latest {
            _ if newer_missing => (
                UNKNOWN,
                words(
                    format!("a period without a result may hold a newer 360 score; at least {at_least} needed"),
                    format!("有期间无结果，可能有更新的 360 得分；需要至少 {at_least}"),
                ),
            ),
            Some((p, v)) => (
                if v >= f.at_least.0 { PASS } else { FAIL },
                words(
                    format!("360 score {} in {p}; at least {at_least} needed", v.normalize()),
                    format!("{p} 的 360 得分 {}；需要至少 {at_least}", v.normalize()),
                ),
            ),
            None => (
                UNKNOWN,
                words(
                    format!("no 360 score in the last {} periods", f.in_last),
                    format!("最近 {} 期没有 360 得分", f.in_last),
                ),
            ),
        };
        out.push(Check {
            rule: "min_feedback",
            status,
            reason,
        });
    }
    out
}
