//! Cycle-over-cycle review: two periods (or one period under two plans) side by side — the
//! grade mix and its shift, the grade transition matrix, each indicator's drift, the people
//! whose grade changed and the indicator that moved most, and findings in plain words.
//! Counts and means are exact (means rounded half-up to 4 places); standard deviations are
//! deterministic `f64` statistics rounded to 4 places.

use super::collection::History;
use super::period::Period;
use super::result::PeriodResult;
use crate::analytics::team::round_mean;
use crate::error::{Loc, Problem};
use crate::number::{serialize_decimal as dec, serialize_opt_decimal as opt_dec};
use crate::Lang;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One side of the comparison.
pub(crate) struct Side<'a> {
    pub period: Period,
    pub plan: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Comparison {
    pub before: Cycle,
    pub after: Cycle,
    /// Per grade: counts and shares (percent of the cycle's head count) and the shift in points.
    pub grade_mix: Vec<GradeShift>,
    /// `grades`: row and column labels (the grades of either cycle, then `none`); `rows[i][j]`:
    /// people graded `grades[i]` before and `grades[j]` after (`none`: no result that cycle).
    /// Each row sums to the before cycle's head count of its grade.
    pub transitions: Transitions,
    pub indicators: Vec<Drift>,
    pub changed: Vec<Changed>,
    pub findings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Cycle {
    pub period: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    pub people: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct GradeShift {
    pub grade: String,
    pub before: usize,
    pub after: usize,
    #[serde(serialize_with = "dec")]
    pub before_share: Decimal,
    #[serde(serialize_with = "dec")]
    pub after_share: Decimal,
    /// after_share − before_share, percentage points.
    #[serde(serialize_with = "dec")]
    pub shift: Decimal,
}

#[derive(Debug, Serialize)]
pub(crate) struct Transitions {
    pub grades: Vec<String>,
    pub rows: Vec<Vec<usize>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Drift {
    pub indicator: String,
    #[serde(serialize_with = "opt_dec")]
    pub mean_before: Option<Decimal>,
    #[serde(serialize_with = "opt_dec")]
    pub mean_after: Option<Decimal>,
    /// Sample standard deviation of the points (`null` with fewer than 2 people).
    pub sd_before: Option<f64>,
    pub sd_after: Option<f64>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Changed {
    pub person: String,
    pub before: String,
    pub after: String,
    #[serde(serialize_with = "dec")]
    pub total_before: Decimal,
    #[serde(serialize_with = "dec")]
    pub total_after: Decimal,
    /// The indicator whose points moved most (either way), when both results have indicators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub most_moved: Option<String>,
    pub reason: String,
}

const NONE: &str = "none";

/// The comparison of `before` and `after`.
pub(crate) fn compare(
    history: &History,
    before: &Side<'_>,
    after: &Side<'_>,
    lang: Lang,
) -> crate::Result<Comparison> {
    let zh = lang == Lang::Zh;
    let (b, a) = match (
        pick(history, before, "before"),
        pick(history, after, "after"),
    ) {
        (Ok(b), Ok(a)) => (b, a),
        (b, a) => {
            let problems = [b.err(), a.err()].into_iter().flatten().collect();
            return Err(crate::Error::Input(problems));
        }
    };
    let grade_of = |r: &PeriodResult| r.grade.clone().unwrap_or_else(|| NONE.to_owned());
    let mut grades: BTreeSet<String> = b.values().chain(a.values()).map(|r| grade_of(r)).collect();
    grades.remove(NONE);
    let mut labels: Vec<String> = grades.into_iter().collect();
    labels.push(NONE.to_owned());
    let count = |m: &BTreeMap<&str, &PeriodResult>, g: &str| {
        m.values().filter(|r| grade_of(r) == g).count()
    };
    let share = |n: usize, of: usize| -> Decimal {
        if of == 0 {
            return Decimal::ZERO;
        }
        Decimal::from(n)
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|x| x.checked_div(Decimal::from(of)))
            .map(|x| crate::RoundingMode::HalfUp.round(x, 2).normalize())
            .unwrap_or(Decimal::ZERO)
    };
    let grade_mix: Vec<GradeShift> = labels
        .iter()
        .filter(|g| g.as_str() != NONE)
        .map(|g| {
            let (nb, na) = (count(&b, g), count(&a, g));
            let (sb, sa) = (share(nb, b.len()), share(na, a.len()));
            GradeShift {
                grade: g.clone(),
                before: nb,
                after: na,
                before_share: sb,
                after_share: sa,
                shift: sa.checked_sub(sb).unwrap_or(Decimal::ZERO),
            }
        })
        .collect();
    let index = |g: &str| {
        labels
            .iter()
            .position(|l| l == g)
            .unwrap_or(labels.len().saturating_sub(1))
    };
    let mut rows = vec![vec![0usize; labels.len()]; labels.len()];
    for (person, rb) in &b {
        let j = a
            .get(person)
            .map_or(labels.len().saturating_sub(1), |ra| index(&grade_of(ra)));
        if let Some(cell) = rows
            .get_mut(index(&grade_of(rb)))
            .and_then(|r| r.get_mut(j))
        {
            *cell = cell.saturating_add(1);
        }
    }
    for (person, ra) in &a {
        if !b.contains_key(person) {
            if let Some(cell) = rows
                .last_mut()
                .and_then(|r| r.get_mut(index(&grade_of(ra))))
            {
                *cell = cell.saturating_add(1);
            }
        }
    }
    let indicators = drifts(&b, &a);
    let mut findings = Vec::new();
    for d in &indicators {
        if let (Some(sb), Some(sa)) = (d.sd_before, d.sd_after) {
            if sb > 0.0 && sa < sb * 0.5 {
                findings.push(if zh {
                    format!("{} 不再区分人员：标准差从 {sb} 降到 {sa}", d.indicator)
                } else {
                    format!("{} stopped separating people: its standard deviation fell from {sb} to {sa}", d.indicator)
                });
            }
        }
    }
    for g in grade_mix
        .iter()
        .filter(|g| g.shift.abs() >= Decimal::from(10))
    {
        let (s, sa, sb) = (g.shift.normalize(), g.after_share, g.before_share);
        findings.push(if zh {
            format!("等级 {} 的占比从 {sb}% 变为 {sa}%（{s} 个百分点）", g.grade)
        } else {
            format!(
                "grade {} went from {sb}% to {sa}% of people ({s} points)",
                g.grade
            )
        });
    }
    let changed = b
        .iter()
        .filter_map(|(person, rb)| {
            let ra = a.get(person)?;
            let (gb, ga) = (grade_of(rb), grade_of(ra));
            (gb != ga).then(|| changed(person, rb, ra, gb, ga, zh))
        })
        .collect();
    Ok(Comparison {
        before: Cycle {
            period: before.period.to_string(),
            plan: before.plan.map(str::to_owned),
            people: b.len(),
        },
        after: Cycle {
            period: after.period.to_string(),
            plan: after.plan.map(str::to_owned),
            people: a.len(),
        },
        grade_mix,
        transitions: Transitions {
            grades: labels,
            rows,
        },
        indicators,
        changed,
        findings,
    })
}

/// A side's current results by person, or the problem of a person with results under two
/// plans that period (the side must name its `plan`).
pub(super) fn pick<'a>(
    history: &'a History,
    s: &Side<'a>,
    key: &str,
) -> Result<BTreeMap<&'a str, &'a PeriodResult>, Problem> {
    let mut out = BTreeMap::new();
    for r in history.current(s.plan).filter(|r| r.period == s.period) {
        if out.insert(r.person.as_str(), r).is_some() {
            return Err(super::collection::two_plans(
                s.period,
                &r.person,
                Loc::root().key(key),
            ));
        }
    }
    Ok(out)
}

/// A result's indicator points by indicator id.
fn points(r: &PeriodResult) -> BTreeMap<&str, Decimal> {
    r.indicators
        .iter()
        .filter_map(|i| Some((i.id.as_str(), i.points?)))
        .collect()
}

fn changed(
    person: &str,
    rb: &PeriodResult,
    ra: &PeriodResult,
    gb: String,
    ga: String,
    zh: bool,
) -> Changed {
    let (pb, pa) = (points(rb), points(ra));
    let most = pb
        .iter()
        .filter_map(|(id, x)| Some((*id, pa.get(id)?.checked_sub(*x)?)))
        .fold(None::<(&str, Decimal)>, |best, (id, d)| match best {
            Some((_, m)) if m.abs() >= d.abs() => best,
            _ => Some((id, d)),
        });
    let diff = ra
        .total
        .checked_sub(rb.total)
        .unwrap_or(Decimal::ZERO)
        .normalize();
    let reason = match (most, zh) {
        (Some((id, d)), false) => format!(
            "total {diff:+}; {id} moved most ({:+} points)",
            d.normalize()
        ),
        (Some((id, d)), true) => {
            format!("总分变化 {diff:+}；{id} 变化最大（{:+} 分）", d.normalize())
        }
        (None, false) => format!("total {diff:+}"),
        (None, true) => format!("总分变化 {diff:+}"),
    };
    Changed {
        person: person.to_owned(),
        before: gb,
        after: ga,
        total_before: rb.total,
        total_after: ra.total,
        most_moved: most.map(|(id, _)| id.to_owned()),
        reason,
    }
}

/// Each indicator's mean and SD of points in either cycle (indicators in first-seen order).
fn drifts(b: &BTreeMap<&str, &PeriodResult>, a: &BTreeMap<&str, &PeriodResult>) -> Vec<Drift> {
    let mut ids: Vec<&str> = Vec::new();
    for r in b.values().chain(a.values()) {
        for i in &r.indicators {
            if !ids.contains(&i.id.as_str()) {
                ids.push(&i.id);
            }
        }
    }
    let points = |m: &BTreeMap<&str, &PeriodResult>, id: &str| -> Vec<Decimal> {
        m.values()
            .filter_map(|r| r.indicators.iter().find(|i| i.id == id)?.points)
            .collect()
    };
    let mean = |xs: &[Decimal]| -> Option<Decimal> {
        let sum = xs
            .iter()
            .try_fold(Decimal::ZERO, |s, x| s.checked_add(*x))?;
        (!xs.is_empty())
            .then(|| sum.checked_div(Decimal::from(xs.len())))
            .flatten()
            .map(round_mean)
    };
    let sd = |xs: &[Decimal]| -> Option<f64> {
        let fs: Vec<f64> = xs.iter().filter_map(ToPrimitive::to_f64).collect();
        crate::stats::sample_sd(&fs)
            .value()
            .map(|v| (v * 10_000.0).round() / 10_000.0)
    };
    ids.into_iter()
        .map(|id| {
            let (pb, pa) = (points(b, id), points(a, id));
            Drift {
                indicator: id.to_owned(),
                mean_before: mean(&pb),
                mean_after: mean(&pa),
                sd_before: sd(&pb),
                sd_after: sd(&pa),
            }
        })
        .collect()
}
