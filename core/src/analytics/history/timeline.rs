//! A person's timeline: each period's total and grade, the change from the period before, a
//! rolling mean, the trend, streaks of one grade, the best and worst period and the percentile
//! in the cohort of each period. Computed exactly on the totals (means and the slope rounded
//! half-up to 4 places for output); a gap in the periods is never filled in: a change or a
//! rolling mean that would need a missing period is `null`.

use super::collection::History;
use super::period::Period;
use super::result::PeriodResult;
use crate::analytics::team::round_mean;
use crate::error::{kinds, Error, Loc, Problem, Problems};
use crate::number::{serialize_decimal as dec, serialize_opt_decimal as opt_dec};
use crate::Lang;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// One period of a timeline.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Point {
    pub period: String,
    #[serde(serialize_with = "dec")]
    pub total: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    pub vetoed: bool,
    /// Total minus the total of the period just before (`null` when that period has none).
    #[serde(serialize_with = "opt_dec")]
    pub change: Option<Decimal>,
    /// Mean total of this and the `window − 1` periods before (`null` unless all have one).
    #[serde(serialize_with = "opt_dec")]
    pub rolling_mean: Option<Decimal>,
    /// Mid-rank percentile among the period's results: (below + equal ÷ 2) ÷ cohort × 100.
    #[serde(serialize_with = "dec")]
    pub percentile: Decimal,
    /// How many people have a result that period.
    pub cohort: usize,
    /// Scored under a plan the library never saw.
    pub imported: bool,
}

/// The least-squares slope of the totals over the periods present.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Trend {
    #[serde(serialize_with = "dec")]
    pub slope: Decimal,
    /// `points per month` (quarter, half, year).
    pub unit: String,
    pub periods: usize,
}

/// Consecutive periods (no gap) with one grade.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Streak {
    pub grade: String,
    pub periods: usize,
    pub from: String,
    pub to: String,
}

/// One person's timeline.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Timeline {
    pub person: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub grain: &'static str,
    pub periods: Vec<Point>,
    pub trend: Option<Trend>,
    /// The streak the latest period ends.
    pub streak: Option<Streak>,
    /// The longest streak (the earliest of equals).
    pub longest_streak: Option<Streak>,
    pub best: Option<String>,
    pub worst: Option<String>,
    pub summary: String,
}

/// What a timeline request asks for.
pub(crate) struct Ask<'a> {
    pub people: Option<&'a [String]>,
    pub plan: Option<&'a str>,
    pub window: usize,
    pub lang: Lang,
}

/// The timelines of `ask.people` (everyone, in order of first appearance, when `None`).
pub(crate) fn timelines(history: &History, ask: &Ask<'_>) -> crate::Result<Vec<Timeline>> {
    let mut by_person: BTreeMap<&str, Vec<&PeriodResult>> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    let mut cohorts: BTreeMap<Period, Vec<Decimal>> = BTreeMap::new();
    for r in history.current(ask.plan) {
        let list = by_person.entry(&r.person).or_default();
        if list.is_empty() {
            order.push(&r.person);
        }
        list.push(r);
        cohorts.entry(r.period).or_default().push(r.total);
    }
    for totals in cohorts.values_mut() {
        totals.sort_unstable();
    }
    let mut problems = Problems::new();
    let wanted: Vec<&str> = match ask.people {
        Some(p) => p.iter().map(String::as_str).collect(),
        None => order,
    };
    let mut out = Vec::with_capacity(wanted.len());
    for (i, person) in wanted.into_iter().enumerate() {
        let Some(list) = by_person.get(person) else {
            problems.push(
                Problem::new(
                    Loc::root().key("people").index(i),
                    kinds::UNKNOWN_REFERENCE,
                    "no results for this person",
                )
                .zh("此人没有考核结果")
                .with_id(person.to_owned()),
            );
            continue;
        };
        match timeline(list, &cohorts, ask) {
            Ok(t) => out.push(t),
            Err(p) => problems.push(p),
        }
    }
    problems.finish(Error::Input, out)
}

fn timeline(
    list: &[&PeriodResult],
    cohorts: &BTreeMap<Period, Vec<Decimal>>,
    ask: &Ask<'_>,
) -> Result<Timeline, Problem> {
    let mut by_period: BTreeMap<Period, &PeriodResult> = BTreeMap::new();
    let person = list.first().map(|r| r.person.clone()).unwrap_or_default();
    for r in list {
        if by_period.insert(r.period, r).is_some() {
            return Err(super::collection::two_plans(
                r.period,
                &person,
                Loc::root().key("plan"),
            ));
        }
    }
    let overflow = || {
        Problem::new(
            Loc::root(),
            kinds::ARITHMETIC_OVERFLOW,
            "a total is too large to compute with",
        )
        .zh("总分过大，无法计算")
        .with_id(person.clone())
    };
    let mut points = Vec::with_capacity(by_period.len());
    for (&period, r) in &by_period {
        let change = match period.back(1).and_then(|p| by_period.get(&p)) {
            Some(prev) => Some(r.total.checked_sub(prev.total).ok_or_else(overflow)?),
            None => None,
        };
        let rolling_mean = rolling(&by_period, period, ask.window).map(round_mean);
        let (percentile, cohort) = percentile(cohorts.get(&period), r.total);
        points.push(Point {
            period: period.to_string(),
            total: r.total,
            grade: r.grade.clone(),
            vetoed: r.vetoed,
            change,
            rolling_mean,
            percentile,
            cohort,
            imported: r.imported,
        });
    }
    let grain = by_period.keys().next().map_or("month", |p| p.grain.name());
    let trend = slope(&by_period).map(|slope| Trend {
        slope: round_mean(slope),
        unit: format!("points per {grain}"),
        periods: by_period.len(),
    });
    let runs = streaks(&by_period);
    let streak = runs
        .last()
        .filter(|s| {
            s.to == by_period
                .keys()
                .last()
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .cloned();
    let longest_streak = runs
        .iter()
        .fold(None::<&Streak>, |best, s| match best {
            Some(b) if b.periods >= s.periods => Some(b),
            _ => Some(s),
        })
        .cloned();
    // Best: the highest total (earliest of equals); worst: the lowest (earliest of equals).
    let best = by_period
        .iter()
        .fold(None::<(&Period, Decimal)>, |b, (p, r)| match b {
            Some((_, t)) if t >= r.total => b,
            _ => Some((p, r.total)),
        });
    let worst = by_period
        .iter()
        .fold(None::<(&Period, Decimal)>, |b, (p, r)| match b {
            Some((_, t)) if t <= r.total => b,
            _ => Some((p, r.total)),
        });
    let mut t = Timeline {
        person: person.clone(),
        name: list.iter().rev().find_map(|r| r.name.clone()),
        grain,
        periods: points,
        trend,
        streak,
        longest_streak,
        best: best.map(|(p, _)| p.to_string()),
        worst: worst.map(|(p, _)| p.to_string()),
        summary: String::new(),
    };
    t.summary = summary(&t, ask.lang);
    Ok(t)
}

/// The mean of the `window` periods ending at `period`, when every one has a result.
fn rolling(
    by_period: &BTreeMap<Period, &PeriodResult>,
    period: Period,
    window: usize,
) -> Option<Decimal> {
    let mut sum = Decimal::ZERO;
    for k in 0..window {
        let r = by_period.get(&period.back(i32::try_from(k).ok()?)?)?;
        sum = sum.checked_add(r.total)?;
    }
    sum.checked_div(Decimal::from(window))
}

/// The mid-rank percentile of `total` in a period's sorted totals, rounded half-up to 2 places.
fn percentile(sorted: Option<&Vec<Decimal>>, total: Decimal) -> (Decimal, usize) {
    let Some(all) = sorted else {
        return (Decimal::ZERO, 0);
    };
    let below = all.partition_point(|t| *t < total);
    let upto = all.partition_point(|t| *t <= total);
    let equal = upto.saturating_sub(below);
    // (below + equal / 2) / n × 100 = (2·below + equal) × 50 / n.
    let n = Decimal::from(all.len());
    let p = Decimal::from(below.saturating_mul(2).saturating_add(equal))
        .checked_mul(Decimal::from(50))
        .and_then(|x| x.checked_div(n))
        .map(|x| crate::RoundingMode::HalfUp.round(x, 2).normalize())
        .unwrap_or(Decimal::ZERO);
    (p, all.len())
}

/// The least-squares slope of total over period (steps from the first), with two or more
/// periods: (n·Σxy − Σx·Σy) ÷ (n·Σx² − (Σx)²), exact before the division.
fn slope(by_period: &BTreeMap<Period, &PeriodResult>) -> Option<Decimal> {
    let first = *by_period.keys().next()?;
    if by_period.len() < 2 {
        return None;
    }
    let (mut n, mut sx, mut sy, mut sxx, mut sxy) = (
        Decimal::ZERO,
        Decimal::ZERO,
        Decimal::ZERO,
        Decimal::ZERO,
        Decimal::ZERO,
    );
    for (p, r) in by_period {
        let x = Decimal::from(first.steps_to(*p));
        n = n.checked_add(Decimal::ONE)?;
        sx = sx.checked_add(x)?;
        sy = sy.checked_add(r.total)?;
        sxx = sxx.checked_add(x.checked_mul(x)?)?;
        sxy = sxy.checked_add(x.checked_mul(r.total)?)?;
    }
    let num = n.checked_mul(sxy)?.checked_sub(sx.checked_mul(sy)?)?;
    let den = n.checked_mul(sxx)?.checked_sub(sx.checked_mul(sx)?)?;
    num.checked_div(den)
}

/// Every run of consecutive periods (no gap) with one grade, in order.
fn streaks(by_period: &BTreeMap<Period, &PeriodResult>) -> Vec<Streak> {
    let mut out: Vec<(Period, Period, String, usize)> = Vec::new();
    for (&p, r) in by_period {
        let Some(g) = &r.grade else { continue };
        match out.last_mut() {
            Some((_, to, grade, n)) if grade == g && to.back(-1) == Some(p) => {
                *to = p;
                *n = n.saturating_add(1);
            }
            _ => out.push((p, p, g.clone(), 1)),
        }
    }
    out.into_iter()
        .map(|(from, to, grade, periods)| Streak {
            grade,
            periods,
            from: from.to_string(),
            to: to.to_string(),
        })
        .collect()
}

fn summary(t: &Timeline, lang: Lang) -> String {
    let (Some(first), Some(last)) = (t.periods.first(), t.periods.last()) else {
        return String::new();
    };
    let grain_zh = match t.grain {
        "quarter" => "个季度",
        "half" => "个半年",
        "year" => "年",
        _ => "个月",
    };
    let n = t.periods.len();
    let grade = |p: &Point, zh: bool| match (&p.grade, zh) {
        (Some(g), false) => format!(" (grade {g})"),
        (Some(g), true) => format!("（等级 {g}）"),
        (None, _) => String::new(),
    };
    match lang {
        Lang::En => {
            let mut s = format!(
                "{}: {n} {}{} from {} to {}; latest total {}{}",
                t.person,
                t.grain,
                if n == 1 { "" } else { "s" },
                first.period,
                last.period,
                last.total.normalize(),
                grade(last, false)
            );
            match last.change {
                Some(c) if c.is_sign_negative() && !c.is_zero() => {
                    s.push_str(&format!(
                        ", down {} from the period before",
                        c.abs().normalize()
                    ));
                }
                Some(c) => s.push_str(&format!(", up {} from the period before", c.normalize())),
                None => s.push_str(", no result the period before"),
            }
            if let Some(tr) = &t.trend {
                s.push_str(&format!("; trend {} {}", signed(tr.slope), tr.unit));
            }
            if let Some(st) = t.streak.as_ref().filter(|st| st.periods > 1) {
                s.push_str(&format!("; {} consecutive {}", st.periods, st.grade));
            }
            if let (Some(b), Some(w)) = (&t.best, &t.worst) {
                s.push_str(&format!("; best {b}, worst {w}"));
            }
            s.push('.');
            s
        }
        Lang::Zh => {
            let mut s = format!(
                "{}：{} 至 {} 共 {n} {grain_zh}；最近总分 {}{}",
                t.person,
                first.period,
                last.period,
                last.total.normalize(),
                grade(last, true)
            );
            match last.change {
                Some(c) if c.is_sign_negative() && !c.is_zero() => {
                    s.push_str(&format!("，比上期下降 {}", c.abs().normalize()));
                }
                Some(c) => s.push_str(&format!("，比上期上升 {}", c.normalize())),
                None => s.push_str("，上期无结果"),
            }
            if let Some(tr) = &t.trend {
                s.push_str(&format!("；趋势每期 {} 分", signed(tr.slope)));
            }
            if let Some(st) = t.streak.as_ref().filter(|st| st.periods > 1) {
                s.push_str(&format!("；连续 {} 期 {}", st.periods, st.grade));
            }
            if let (Some(b), Some(w)) = (&t.best, &t.worst) {
                s.push_str(&format!("；最好 {b}，最差 {w}"));
            }
            s.push('。');
            s
        }
    }
}

fn signed(d: Decimal) -> String {
    if d.is_sign_negative() && !d.is_zero() {
        format!("{}", d.normalize())
    } else {
        format!("+{}", d.normalize())
    }
}
