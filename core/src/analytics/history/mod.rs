//! Each person's performance file over time: period results (scored here or imported from a
//! legacy system), a history with explicit restatements, and the operations over it — a
//! person's timeline, promotion eligibility, cycle comparison, the 9-box and monthly series
//! for targets and forecasts.
//!
//! Pure: a history is its canonical document (`read_history`'s `results`), which the host
//! keeps and sends back with each request; nothing is stored here.

mod collection;
mod compare;
mod export;
mod ninebox;
mod period;
mod promotion;
mod result;
mod series;
mod timeline;

use crate::error::{kinds, Error, Loc, Problem, Problems};
use crate::Lang;
use collection::History;
use period::Period;
pub(crate) use result::PeriodResult as PeriodResultSchema;
use serde_json::{Map, Value};

/// The history operations, with the request fields each takes.
pub const OPERATIONS: &[&str] = &[
    "read_history",
    "person_timeline",
    "promotion_eligibility",
    "compare_cycles",
    "nine_box",
    "history_series",
    "export_history",
];

const FIELDS: [(&str, &[&str]); 7] = [
    ("export_history", &["results", "format"]),
    (
        "history_series",
        &["results", "measure", "by", "aggregate", "people", "plan"],
    ),
    (
        "nine_box",
        &[
            "results", "period", "before", "x", "y", "labels", "people", "lang",
        ],
    ),
    ("compare_cycles", &["results", "before", "after", "lang"]),
    ("read_history", &["results"]),
    (
        "person_timeline",
        &["results", "people", "plan", "window", "lang"],
    ),
    (
        "promotion_eligibility",
        &["results", "rules", "as_of", "people", "plan", "lang"],
    ),
];

pub(crate) fn dispatch(operation: &str, request: &str) -> Option<crate::Result<String>> {
    let fields = FIELDS.iter().find(|(op, _)| *op == operation)?.1;
    Some(run(operation, request, fields))
}

fn run(operation: &str, request: &str, fields: &[&str]) -> crate::Result<String> {
    let mut req = parse(request, fields)?;
    let mut problems = Problems::new();
    let history = read(&mut req, &mut problems);
    let people = optional(&mut req, "people", &mut problems, texts);
    let plan = optional(&mut req, "plan", &mut problems, text);
    let lang = optional(&mut req, "lang", &mut problems, |v, at, p| {
        let t = text(v, at, p)?;
        t.parse::<Lang>()
            .map_err(|m| {
                p.push(Problem::new(at.clone(), kinds::INVALID_VALUE, m).zh("语言应为 en 或 zh"))
            })
            .ok()
    });
    match operation {
        "read_history" => {
            let history = problems.finish(Error::Input, history)?;
            let h = history.ok_or_else(|| Error::Input(Vec::new()))?;
            #[derive(serde::Serialize)]
            struct Read<'a> {
                ignored_columns: &'a [String],
                results: &'a [result::PeriodResult],
            }
            Ok(super::team::to_json(&Read {
                ignored_columns: &h.1,
                results: &h.0.results,
            }))
        }
        "person_timeline" => {
            let window = optional(&mut req, "window", &mut problems, |v, at, p| {
                whole(v, at, p).filter(|n| *n >= 1).or_else(|| {
                    p.push(
                        Problem::new(
                            at.clone(),
                            kinds::INVALID_VALUE,
                            "expected a whole number of periods, at least 1",
                        )
                        .zh("应为至少 1 的整数期数"),
                    );
                    None
                })
            });
            let (Some((history, _)), Some(people), Some(plan), Some(lang), Some(window)) =
                (history, people, plan, lang, window)
            else {
                return Err(Error::Input(problems.into_vec()));
            };
            problems.finish(Error::Input, ())?;
            let ask = timeline::Ask {
                people: people.as_deref(),
                plan: plan.as_deref(),
                window: window.unwrap_or(3),
                lang: lang.unwrap_or_default(),
            };
            let out = timeline::timelines(&history, &ask)?;
            #[derive(serde::Serialize)]
            struct Answer<'a> {
                timelines: &'a [timeline::Timeline],
            }
            Ok(super::team::to_json(&Answer { timelines: &out }))
        }
        "export_history" => {
            let format = optional(&mut req, "format", &mut problems, |v, at, p| {
                one_of(v, at, p, &["jsonl", "csv"])
            });
            let (Some((history, _)), Some(format)) = (history, format) else {
                return Err(Error::Input(problems.into_vec()));
            };
            problems.finish(Error::Input, ())?;
            Ok(super::team::to_json(&match format.as_deref() {
                Some("csv") => export::csv(&history),
                _ => export::jsonl(&history),
            }))
        }
        "history_series" => {
            let measure = optional(&mut req, "measure", &mut problems, series::read_measure);
            let by = optional(&mut req, "by", &mut problems, |v, at, p| {
                one_of(v, at, p, &["person", "team", "branch", "role", "all"])
            });
            let aggregate = optional(&mut req, "aggregate", &mut problems, |v, at, p| {
                one_of(v, at, p, &["sum", "mean"]).map(|a| match a.as_str() {
                    "sum" => series::Aggregate::Sum,
                    _ => series::Aggregate::Mean,
                })
            });
            let (
                Some((history, _)),
                Some(measure),
                Some(by),
                Some(aggregate),
                Some(people),
                Some(plan),
            ) = (history, measure, by, aggregate, people, plan)
            else {
                return Err(Error::Input(problems.into_vec()));
            };
            problems.finish(Error::Input, ())?;
            let ask = series::Ask {
                measure: measure.unwrap_or(series::Measure::Total),
                by: by.as_deref().unwrap_or("person"),
                aggregate,
                people: people.as_deref(),
                plan: plan.as_deref(),
            };
            Ok(super::team::to_json(&series::series(&history, &ask)?))
        }
        "nine_box" => {
            let now = side(&mut req, "period", &mut problems);
            let before = match req.contains_key("before") {
                true => side(&mut req, "before", &mut problems).map(Some),
                false => Some(None),
            };
            let x = axis(&mut req, "x", &mut problems);
            let y = axis(&mut req, "y", &mut problems);
            let labels = optional(&mut req, "labels", &mut problems, |v, at, p| {
                texts(v, at, p).filter(|l| l.len() == 9).or_else(|| {
                    p.push(
                        Problem::new(
                            at.clone(),
                            kinds::INVALID_VALUE,
                            "expected nine box labels, box 1 (low, low) to box 9 (high, high)",
                        )
                        .zh("应为九个格子名称，从第 1 格（低，低）到第 9 格（高，高）"),
                    );
                    None
                })
            });
            let (
                Some((history, _)),
                Some(now),
                Some(before),
                Some(x),
                Some(y),
                Some(labels),
                Some(people),
                Some(lang),
            ) = (history, now, before, x, y, labels, people, lang)
            else {
                return Err(Error::Input(problems.into_vec()));
            };
            problems.finish(Error::Input, ())?;
            let ask = ninebox::Ask {
                now: compare::Side {
                    period: now.0,
                    plan: now.1.as_deref(),
                },
                before: before.as_ref().map(|b| compare::Side {
                    period: b.0,
                    plan: b.1.as_deref(),
                }),
                x: &x,
                y: &y,
                labels: labels.as_deref(),
                people: people.as_deref(),
                lang: lang.unwrap_or_default(),
            };
            Ok(super::team::to_json(&ninebox::nine_box(&history, &ask)?))
        }
        "compare_cycles" => {
            let before = side(&mut req, "before", &mut problems);
            let after = side(&mut req, "after", &mut problems);
            let (Some((history, _)), Some(before), Some(after), Some(lang)) =
                (history, before, after, lang)
            else {
                return Err(Error::Input(problems.into_vec()));
            };
            problems.finish(Error::Input, ())?;
            let (before, after) = (
                compare::Side {
                    period: before.0,
                    plan: before.1.as_deref(),
                },
                compare::Side {
                    period: after.0,
                    plan: after.1.as_deref(),
                },
            );
            let out = compare::compare(&history, &before, &after, lang.unwrap_or_default())?;
            Ok(super::team::to_json(&out))
        }
        _ => {
            let rules = match req.remove("rules") {
                Some(v) => serde_json::from_value::<promotion::Rules>(v)
                    .map_err(|e| {
                        problems.push(
                            Problem::new(
                                Loc::root().key("rules"),
                                kinds::INVALID_VALUE,
                                format!("{e}"),
                            )
                            .zh(format!("规则无效：{e}")),
                        )
                    })
                    .ok()
                    .filter(|rules| {
                        let found = crate::plan::promotion::problems(
                            rules,
                            &Loc::root().key("rules"),
                            None,
                        );
                        let ok = found.is_empty();
                        problems.extend(found);
                        ok
                    }),
                None => {
                    problems.push(
                        Problem::new(
                            Loc::root().key("rules"),
                            kinds::MISSING,
                            "`rules` is missing",
                        )
                        .zh("缺少晋升规则（`rules`）"),
                    );
                    None
                }
            };
            let as_of = match req.remove("as_of") {
                Some(v) => {
                    let at = Loc::root().key("as_of");
                    text(v, &at, &mut problems).and_then(|t| parse_period(&t, &at, &mut problems))
                }
                None => {
                    problems.push(
                        Problem::new(
                            Loc::root().key("as_of"),
                            kinds::MISSING,
                            "`as_of` is missing: the period eligibility is decided at",
                        )
                        .zh("缺少 `as_of`（判定所在的考核期间）"),
                    );
                    None
                }
            };
            let (
                Some((history, _)),
                Some(rules),
                Some(as_of),
                Some(people),
                Some(plan),
                Some(lang),
            ) = (history, rules, as_of, people, plan, lang)
            else {
                return Err(Error::Input(problems.into_vec()));
            };
            problems.finish(Error::Input, ())?;
            let out = promotion::eligibility(
                &history,
                &rules,
                as_of,
                people.as_deref(),
                plan.as_deref(),
                lang.unwrap_or_default(),
            );
            #[derive(serde::Serialize)]
            struct Answer<'a, T> {
                as_of: String,
                people: &'a [T],
            }
            Ok(super::team::to_json(&Answer {
                as_of: as_of.to_string(),
                people: &out,
            }))
        }
    }
}

/// The plan operation `promotion_eligibility`: the analytics operation under the plan's own
/// promotion rules (`request`: `results`, `as_of`, `people`, `plan`, `lang`).
pub(crate) fn plan_promotion(plan: &crate::Plan, request: &str) -> crate::Result<String> {
    let mut req = parse(request, &["results", "as_of", "people", "plan", "lang"])?;
    let Some(rules) = &plan.spec().promotion else {
        return Err(Error::Input(vec![Problem::new(
            Loc::root().key("rules"),
            kinds::MISSING,
            format!(
                "plan `{}` has no promotion rules: add `promotion` to the plan, or give `rules` to the analytics operation",
                crate::error::shown(&plan.spec().id)
            ),
        )
        .zh("方案没有晋升规则：请在方案中加入 `promotion`，或在分析操作中给出 `rules`")]));
    };
    let rules = serde_json::to_value(rules).map_err(|e| {
        Error::Input(vec![Problem::new(
            Loc::root(),
            kinds::INVALID_VALUE,
            e.to_string(),
        )])
    })?;
    req.insert("rules".into(), rules);
    let request = Value::Object(req).to_string();
    run(
        "promotion_eligibility",
        &request,
        FIELDS
            .iter()
            .find(|(op, _)| *op == "promotion_eligibility")
            .map_or(&[][..], |f| f.1),
    )
}

/// What `period_results` adds to each scorecard besides the plan's numbers.
pub(crate) struct Extras<'a> {
    /// A pay plan document (its JSON text): each result's `pay` is the statement's total.
    pub pay_plan: Option<&'a str>,
    /// Each person's 360 overall score that period (`{"E1": 4.2, …}`).
    pub feedback: Option<Value>,
}

/// The plan operation `period_results`: each record scored and kept as its period result
/// (`{"results": [...]}`, the document `read_history` answers), with the plan's id and hash,
/// and the pay and 360 score `extras` give.
pub(crate) fn period_results(
    plan: &crate::Plan,
    records: &[crate::Record],
    options: &crate::score::ScoreOptions,
    period: Value,
    extras: Extras<'_>,
) -> crate::Result<String> {
    let at = Loc::root().key("period");
    let mut problems = Problems::new();
    let period =
        text(period, &at, &mut problems).and_then(|t| parse_period(&t, &at, &mut problems));
    let pay = match extras.pay_plan {
        Some(doc) => crate::pay::PayPlan::from_json(doc, plan)
            .map_err(|e| {
                let outer = Loc::root().key("pay_plan");
                problems.extend(e.problems().iter().map(|p| p.clone().under(&outer)));
            })
            .ok(),
        None => None,
    };
    let feedback = match extras.feedback {
        Some(v) => feedback_scores(v, records, &mut problems),
        None => Some(std::collections::HashMap::new()),
    };
    let (period, feedback) = problems.finish(Error::Input, (period, feedback))?;
    let (Some(period), Some(feedback)) = (period, feedback) else {
        return Err(Error::Input(Vec::new()));
    };
    let hash = result::plan_hash(plan);
    let mut out = Vec::with_capacity(records.len());
    for r in records {
        let card = plan.score_with(r, options)?;
        let mut result = result::PeriodResult::from_scorecard(&card, period, &hash);
        if let Some(pay) = &pay {
            result.pay = Some(pay.statement(&card, r)?.total);
        }
        result.feedback = feedback.get(r.id.as_str()).copied();
        out.push(result);
    }
    Ok(super::team::to_json(&Results { results: &out }))
}

/// A history document as answered: `{"results": [...]}`.
#[derive(serde::Serialize)]
struct Results<'a> {
    results: &'a [result::PeriodResult],
}

/// `{"person": score}`: each person's 360 overall, every person one of `records`.
fn feedback_scores(
    v: Value,
    records: &[crate::Record],
    problems: &mut Problems,
) -> Option<std::collections::HashMap<String, rust_decimal::Decimal>> {
    let at = Loc::root().key("feedback");
    let Value::Object(map) = v else {
        problems.push(
            Problem::new(
                at,
                kinds::WRONG_TYPE,
                "expected each person's 360 score: {\"E1\": 4.2, …}",
            )
            .zh("应为每人的 360 评分：{\"E1\": 4.2, …}"),
        );
        return None;
    };
    let before = problems.count();
    let ids: std::collections::HashSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
    let mut out = std::collections::HashMap::with_capacity(map.len());
    for (person, v) in map {
        let here = at.clone().key(person.as_str());
        if !ids.contains(person.as_str()) {
            problems.push(
                Problem::new(
                    here.clone(),
                    kinds::UNKNOWN_REFERENCE,
                    "no record has this id",
                )
                .zh("没有该编号的记录"),
            );
        }
        if let Ok(Some(d)) = crate::input::scalar::number(v, &here, problems) {
            out.insert(person, d);
        }
    }
    (problems.count() == before).then_some(out)
}

/// One side of a comparison: a period (`"2026-05"`) or `{"period": …, "plan": …}`.
fn side(
    req: &mut Map<String, Value>,
    key: &str,
    problems: &mut Problems,
) -> Option<(Period, Option<String>)> {
    let at = Loc::root().key(key);
    let (period, plan) = match req.remove(key) {
        Some(Value::String(p)) => (Value::String(p), None),
        Some(Value::Object(mut m)) => {
            if let Some(k) = m.keys().find(|k| *k != "period" && *k != "plan") {
                problems.push(
                    Problem::new(
                        at.clone().key(k.as_str()),
                        kinds::UNKNOWN_FIELD,
                        "unknown field: expected period, plan",
                    )
                    .zh("未知字段；可用：period、plan"),
                );
                return None;
            }
            let plan = match m.remove("plan") {
                None | Some(Value::Null) => None,
                Some(v) => Some(text(v, &at.clone().key("plan"), problems)?),
            };
            (m.remove("period").unwrap_or(Value::Null), plan)
        }
        _ => {
            problems.push(
                Problem::new(at, kinds::MISSING, format!("`{key}` is missing: a period like 2026-05, or {{\"period\": …, \"plan\": …}}"))
                    .zh(format!("缺少 `{key}`（考核期间，或 {{\"period\": …, \"plan\": …}}）")),
            );
            return None;
        }
    };
    let at = at.key("period");
    let t = text(period, &at, problems)?;
    let p = parse_period(&t, &at, problems)?;
    Some((p, plan))
}

/// A period by the one period rule, or `None` with its problem at `at`.
pub(super) fn parse_period(t: &str, at: &Loc, problems: &mut Problems) -> Option<Period> {
    let p = Period::parse(t);
    if p.is_none() {
        problems.push(period::not_a_period(t, at.clone()));
    }
    p
}

/// A 9-box axis, required.
fn axis(req: &mut Map<String, Value>, key: &str, problems: &mut Problems) -> Option<ninebox::Axis> {
    let at = Loc::root().key(key);
    match req.remove(key) {
        Some(v) => ninebox::read_axis(v, &at, problems),
        None => {
            problems.push(
                Problem::new(
                    at,
                    kinds::MISSING,
                    format!("`{key}` is missing: an axis like {{\"score\": \"total\", \"cuts\": [70, 85]}}"),
                )
                .zh(format!("缺少坐标轴 `{key}`（如 {{\"score\": \"total\", \"cuts\": [70, 85]}}）")),
            );
            None
        }
    }
}

/// The request object, every field not in `fields` refused.
fn parse(request: &str, fields: &[&str]) -> crate::Result<Map<String, Value>> {
    let value: Value = if request.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        super::team::parse_request(request)?
    };
    let Value::Object(map) = value else {
        return Err(Error::Input(vec![Problem::new(
            Loc::root(),
            kinds::WRONG_TYPE,
            "the request is not a JSON object",
        )
        .zh("请求不是 JSON 对象")]));
    };
    let unknown: Vec<Problem> = map
        .keys()
        .filter(|k| !fields.contains(&k.as_str()))
        .map(|k| {
            Problem::new(
                Loc::root().key(k.as_str()),
                kinds::UNKNOWN_FIELD,
                format!("unknown field: expected {}", fields.join(", ")),
            )
            .zh(format!("未知字段；可用：{}", fields.join("、")))
        })
        .collect();
    if unknown.is_empty() {
        Ok(map)
    } else {
        Err(Error::Input(unknown))
    }
}

/// The request's `results` as a history (with the columns it ignored), or `None` with its
/// problems.
fn read(req: &mut Map<String, Value>, problems: &mut Problems) -> Option<(History, Vec<String>)> {
    let at = Loc::root().key("results");
    let Some(value) = req.remove("results") else {
        problems.push(
            Problem::new(
                at,
                kinds::MISSING,
                "`results` is missing: period results as a list or CSV text",
            )
            .zh("缺少 `results`（考核结果列表或 CSV 文本）"),
        );
        return None;
    };
    let mut found = Problems::new();
    let (results, ignored) = result::read_results(value, &at, &mut found);
    if !found.is_empty() {
        problems.extend(found.into_vec());
        return None;
    }
    match History::new(results) {
        Ok(h) => Some((h, ignored)),
        Err(e) => {
            problems.absorb(&e);
            None
        }
    }
}

/// An optional field read by `read` (`Some(None)` when absent or null; `None` on a problem).
fn optional<T>(
    req: &mut Map<String, Value>,
    key: &str,
    problems: &mut Problems,
    read: impl FnOnce(Value, &Loc, &mut Problems) -> Option<T>,
) -> Option<Option<T>> {
    match req.remove(key) {
        None | Some(Value::Null) => Some(None),
        Some(v) => read(v, &Loc::root().key(key), problems).map(Some),
    }
}

fn text(v: Value, at: &Loc, problems: &mut Problems) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        other => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::WRONG_TYPE,
                    format!(
                        "expected text, found {}",
                        crate::input::scalar::what(&other)
                    ),
                )
                .zh(format!(
                    "应为文本，实际为{}",
                    crate::input::scalar::what_zh(&other)
                )),
            );
            None
        }
    }
}

fn texts(v: Value, at: &Loc, problems: &mut Problems) -> Option<Vec<String>> {
    let Value::Array(items) = v else {
        problems.push(
            Problem::new(
                at.clone(),
                kinds::WRONG_TYPE,
                "expected a list of person ids",
            )
            .zh("应为人员编号列表"),
        );
        return None;
    };
    let read: Vec<Option<String>> = items
        .into_iter()
        .enumerate()
        .map(|(i, v)| text(v, &at.clone().index(i), problems))
        .collect();
    read.into_iter().collect()
}

/// Text that must be one of `allowed`.
fn one_of(v: Value, at: &Loc, problems: &mut Problems, allowed: &[&str]) -> Option<String> {
    let t = text(v, at, problems)?;
    if allowed.contains(&t.as_str()) {
        return Some(t);
    }
    problems.push(
        Problem::new(
            at.clone(),
            kinds::INVALID_VALUE,
            format!(
                "`{}` is not allowed here: expected {}",
                crate::error::shown(&t),
                allowed.join(", ")
            ),
        )
        .zh(format!(
            "`{}` 无效；可用：{}",
            crate::error::shown(&t),
            allowed.join("、")
        )),
    );
    None
}

fn whole(v: Value, at: &Loc, problems: &mut Problems) -> Option<usize> {
    match &v {
        Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        _ => {
            problems.push(
                Problem::new(at.clone(), kinds::WRONG_TYPE, "expected a whole number")
                    .zh("应为整数"),
            );
            None
        }
    }
}
