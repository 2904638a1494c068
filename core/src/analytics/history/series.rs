//! History → monthly series: a person's or a group's totals, pay, 360 scores or indicator
//! measures month by month, in the `{"start", "values"}` form targets-from-history, seasonal
//! indices and Holt-Winters take. A month without data is `null`, never 0. Sums are exact;
//! means are exact, rounded half-up to 4 places.

use super::collection::History;
use super::period::{Grain, Period};
use super::result::PeriodResult;
use crate::analytics::team::round_mean;
use crate::error::{kinds, Loc, Problem, Problems};
use crate::number::serialize_opt_decimal as opt_dec;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// What a series measures.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Measure {
    Total,
    Pay,
    Feedback,
    /// One indicator's `actual`, `target`, `points` or `completion`.
    Indicator {
        id: String,
        field: Field,
    },
}

/// Which value of an indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Field {
    Actual,
    Target,
    Points,
    Completion,
}

/// How results of one group and month combine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Aggregate {
    Sum,
    Mean,
}

/// What the request asks for.
pub(crate) struct Ask<'a> {
    pub measure: Measure,
    /// `person`, `team`, `branch`, `role` or `all`.
    pub by: &'a str,
    pub aggregate: Option<Aggregate>,
    pub people: Option<&'a [String]>,
    pub plan: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Answer {
    pub measure: String,
    pub by: String,
    pub aggregate: &'static str,
    pub series: Vec<KeyedSeries>,
    /// Results left out of a group series because they name no team (branch, role).
    pub unassigned: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct KeyedSeries {
    pub key: String,
    /// Pass as `history` to `targets_from_history`, `seasonal_indices` or `holt_winters`.
    pub history: MonthSeries,
    /// How many results make up each month.
    pub people: Vec<usize>,
}

#[derive(Debug, Serialize)]
pub(crate) struct MonthSeries {
    pub start: String,
    #[serde(serialize_with = "values")]
    pub values: Vec<Option<Decimal>>,
}

fn values<S: serde::Serializer>(v: &[Option<Decimal>], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    #[derive(Serialize)]
    struct One<'a>(#[serde(serialize_with = "opt_dec")] &'a Option<Decimal>);
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for x in v {
        seq.serialize_element(&One(x))?;
    }
    seq.end()
}

/// The series `ask` describes.
pub(crate) fn series(history: &History, ask: &Ask<'_>) -> crate::Result<Answer> {
    let only: Option<std::collections::HashSet<&str>> =
        ask.people.map(|ps| ps.iter().map(String::as_str).collect());
    let wanted = |r: &&PeriodResult| {
        only.as_ref()
            .is_none_or(|ps| ps.contains(r.person.as_str()))
    };
    let results: Vec<&PeriodResult> = history.current(ask.plan).filter(wanted).collect();
    check(&results, ask.plan)?;
    let aggregate = ask.aggregate.unwrap_or(match ask.measure {
        Measure::Pay
        | Measure::Indicator {
            field: Field::Actual | Field::Target,
            ..
        } => Aggregate::Sum,
        _ => Aggregate::Mean,
    });
    let mut unassigned = 0usize;
    let mut groups: BTreeMap<String, BTreeMap<i32, Vec<Decimal>>> = BTreeMap::new();
    for r in results {
        let key = match ask.by {
            "person" => Some(r.person.clone()),
            "team" => r.team.clone(),
            "branch" => r.branch.clone(),
            "role" => r.role.clone(),
            _ => Some(String::from("all")),
        };
        let Some(key) = key else {
            unassigned = unassigned.saturating_add(1);
            continue;
        };
        let months = groups.entry(key).or_default();
        if let Some(v) = value(&ask.measure, r) {
            months.entry(r.period.step).or_default().push(v);
        }
    }
    let mut series = Vec::with_capacity(groups.len());
    for (key, months) in groups {
        let (Some(first), Some(last)) = (
            months.keys().next().copied(),
            months.keys().next_back().copied(),
        ) else {
            continue;
        };
        let mut values = Vec::new();
        let mut people = Vec::new();
        for step in first..=last {
            let found = months.get(&step).map(Vec::as_slice).unwrap_or_default();
            values.push(combine(found, aggregate)?);
            people.push(found.len());
        }
        let start = Period {
            grain: Grain::Month,
            step: first,
        };
        series.push(KeyedSeries {
            key,
            history: MonthSeries {
                start: start.to_string(),
                values,
            },
            people,
        });
    }
    Ok(Answer {
        measure: measure_name(&ask.measure),
        by: ask.by.to_owned(),
        aggregate: match aggregate {
            Aggregate::Sum => "sum",
            Aggregate::Mean => "mean",
        },
        series,
        unassigned,
    })
}

/// Monthly results only, one per person and month (else the request must name its plan).
fn check(results: &[&PeriodResult], plan: Option<&str>) -> crate::Result<()> {
    let mut problems = Problems::new();
    if let Some(r) = results.iter().find(|r| r.period.grain != Grain::Month) {
        problems.push(
            Problem::new(
                r.at.clone(),
                kinds::NOT_ALLOWED,
                format!(
                    "series are monthly (what targets and forecasts take); period {} is a {}",
                    r.period,
                    r.period.grain.name()
                ),
            )
            .zh(format!(
                "序列按月构建（目标与预测所需）；考核期间 {} 不是月度",
                r.period
            ))
            .with_id(r.person.clone()),
        );
    }
    if plan.is_none() {
        let mut seen: HashMap<(&str, Period), &PeriodResult> = HashMap::new();
        for r in results {
            if seen.insert((r.person.as_str(), r.period), r).is_some() {
                problems.push(super::collection::two_plans(
                    r.period,
                    &r.person,
                    Loc::root().key("plan"),
                ));
                break;
            }
        }
    }
    problems.finish(crate::Error::Input, ())
}

fn value(m: &Measure, r: &PeriodResult) -> Option<Decimal> {
    match m {
        Measure::Total => Some(r.total),
        Measure::Pay => r.pay,
        Measure::Feedback => r.feedback,
        Measure::Indicator { id, field } => {
            let i = r.indicators.iter().find(|i| &i.id == id)?;
            match field {
                Field::Actual => i.actual,
                Field::Target => i.target,
                Field::Points => i.points,
                Field::Completion => i.completion,
            }
        }
    }
}

fn combine(xs: &[Decimal], how: Aggregate) -> crate::Result<Option<Decimal>> {
    if xs.is_empty() {
        return Ok(None);
    }
    let overflow = || {
        crate::Error::Input(vec![Problem::new(
            Loc::root().key("results"),
            kinds::ARITHMETIC_OVERFLOW,
            "the month's sum is too large",
        )
        .zh("该月合计过大")])
    };
    let sum = xs
        .iter()
        .try_fold(Decimal::ZERO, |s, x| s.checked_add(*x))
        .ok_or_else(overflow)?;
    Ok(Some(match how {
        Aggregate::Sum => sum.normalize(),
        Aggregate::Mean => round_mean(
            sum.checked_div(Decimal::from(xs.len()))
                .ok_or_else(overflow)?,
        ),
    }))
}

fn measure_name(m: &Measure) -> String {
    match m {
        Measure::Total => "total".into(),
        Measure::Pay => "pay".into(),
        Measure::Feedback => "feedback".into(),
        Measure::Indicator { id, field } => format!(
            "{id}.{}",
            match field {
                Field::Actual => "actual",
                Field::Target => "target",
                Field::Points => "points",
                Field::Completion => "completion",
            }
        ),
    }
}

/// The request's `measure`: `"total"`, `"pay"`, `"feedback"` or `{"indicator": id, "value":
/// "actual" | "target" | "points" | "completion"}` (value default `actual`).
pub(crate) fn read_measure(v: Value, at: &Loc, problems: &mut Problems) -> Option<Measure> {
    match v {
        Value::String(s) => match s.as_str() {
            "total" => Some(Measure::Total),
            "pay" => Some(Measure::Pay),
            "feedback" | "360" => Some(Measure::Feedback),
            other => {
                problems.push(
                    Problem::new(
                        at.clone(),
                        kinds::INVALID_VALUE,
                        format!(
                            "`{}` is not a measure: expected total, pay, feedback or {{\"indicator\": id}}",
                            crate::error::shown(other)
                        ),
                    )
                    .zh(format!(
                        "`{}` 不是度量；可用：total、pay、feedback 或 {{\"indicator\": 指标编号}}",
                        crate::error::shown(other)
                    )),
                );
                None
            }
        },
        Value::Object(mut m) => {
            let mut ok = true;
            for k in m.keys().filter(|k| *k != "indicator" && *k != "value") {
                ok = false;
                problems.push(
                    Problem::new(
                        at.clone().key(k.as_str()),
                        kinds::UNKNOWN_FIELD,
                        "unknown field: expected indicator, value",
                    )
                    .zh("未知字段；可用：indicator、value"),
                );
            }
            let id = crate::input::scalar::required_text(
                m.remove("indicator"),
                &at.clone().key("indicator"),
                "指标编号",
                problems,
            );
            let field = match m.remove("value") {
                None | Some(Value::Null) => Some(Field::Actual),
                Some(Value::String(s)) => match s.as_str() {
                    "actual" => Some(Field::Actual),
                    "target" => Some(Field::Target),
                    "points" => Some(Field::Points),
                    "completion" => Some(Field::Completion),
                    _ => None,
                },
                Some(_) => None,
            };
            if field.is_none() {
                problems.push(
                    Problem::new(
                        at.clone().key("value"),
                        kinds::INVALID_VALUE,
                        "expected actual, target, points or completion",
                    )
                    .zh("应为 actual、target、points 或 completion"),
                );
            }
            let (id, field) = (id?, field?);
            ok.then_some(Measure::Indicator { id, field })
        }
        _ => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::WRONG_TYPE,
                    "expected a measure: total, pay, feedback or {\"indicator\": id}",
                )
                .zh("应为度量：total、pay、feedback 或 {\"indicator\": 指标编号}"),
            );
            None
        }
    }
}
