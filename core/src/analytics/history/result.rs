//! Period results: one person's outcome of one assessment period, read from canonical JSON, a
//! list of objects or a CSV export (legacy systems' headers included: 工号, 考核期间, 总分, 等级,
//! 绩效工资), every bad cell reported at once with its row, column, person and period.

use super::period::Period;
use crate::error::{kinds, shown, Loc, Problem, Problems};
use crate::number::{
    parse_decimal, serialize_decimal as dec, serialize_opt_decimal as opt_dec, DecimalTextSchema,
};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

/// One indicator's outcome in a period result.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub(crate) struct IndicatorResult {
    /// The indicator's id in its plan.
    pub id: String,
    /// The measured value (sales, visits …), when known.
    #[serde(serialize_with = "opt_dec", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DecimalTextSchema>")]
    pub actual: Option<Decimal>,
    /// Its target, when the indicator has one.
    #[serde(serialize_with = "opt_dec", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DecimalTextSchema>")]
    pub target: Option<Decimal>,
    /// Points scored.
    #[serde(serialize_with = "opt_dec", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DecimalTextSchema>")]
    pub points: Option<Decimal>,
    /// Completion, percent.
    #[serde(serialize_with = "opt_dec", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DecimalTextSchema>")]
    pub completion: Option<Decimal>,
    /// `red`, `yellow` or `green`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub light: Option<String>,
}

/// A period: `2026-06`, `2026-Q2`, `2026-H1` or `2026` (legacy spellings such as `2026年6月` are
/// read too).
#[derive(schemars::JsonSchema)]
#[schemars(transparent)]
#[allow(dead_code)]
struct PeriodText(String);

/// One person's result of one period under one plan: an element of a history's `results`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(title = "PeriodResult")]
pub(crate) struct PeriodResult {
    /// The person's id.
    pub person: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(serialize_with = "period_text")]
    #[schemars(with = "PeriodText")]
    pub period: Period,
    /// The plan's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// SHA-256 of the plan's canonical document, hex; absent on imported results.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = "^[0-9a-f]{64}$"))]
    pub plan_hash: Option<String>,
    #[serde(serialize_with = "dec")]
    #[schemars(with = "DecimalTextSchema")]
    pub total: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_before_veto: Option<String>,
    pub vetoed: bool,
    /// The pay statement's total.
    #[serde(serialize_with = "opt_dec", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DecimalTextSchema>")]
    pub pay: Option<Decimal>,
    /// The 360 overall score, when the period had a feedback round.
    #[serde(serialize_with = "opt_dec", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DecimalTextSchema>")]
    pub feedback: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<IndicatorResult>,
    /// It supersedes the earlier result of its person, period and plan (both stay visible).
    pub restates: bool,
    /// Scored under a plan the library never saw (no plan hash): only its totals and grades are
    /// known.
    pub imported: bool,
    /// A later result restates it.
    pub superseded: bool,
    /// Where it was read (its row), for problems found across rows.
    #[serde(skip)]
    pub at: Loc,
}

impl PeriodResult {
    /// The result `card` records for `period`, scored by the plan whose canonical document
    /// hashes to `plan_hash`.
    pub(crate) fn from_scorecard(
        card: &crate::scorecard::Scorecard,
        period: Period,
        plan_hash: &str,
    ) -> PeriodResult {
        let indicators = (card.sections.iter())
            .flat_map(|s| &s.indicators)
            .map(|i| IndicatorResult {
                id: i.id.to_string(),
                actual: i.actual,
                target: i.target,
                points: Some(i.score),
                completion: i.completion,
                light: i.progress.and_then(|p| p.status).map(|s| s.en().to_owned()),
            })
            .collect();
        PeriodResult {
            person: card.record_id.clone(),
            name: card.name.clone(),
            period,
            plan: Some(card.plan_id.to_string()),
            plan_hash: Some(plan_hash.to_owned()),
            total: card.total,
            grade: Some(card.grade.to_string()),
            grade_before_veto: card.grade_before_veto.as_ref().map(ToString::to_string),
            vetoed: !card.vetoes.is_empty(),
            pay: None,
            feedback: None,
            team: card.team.clone(),
            branch: card.branch.clone(),
            role: card.attributes.get("role").cloned(),
            indicators,
            restates: false,
            imported: false,
            superseded: false,
            at: Loc::root(),
        }
    }
}

/// The hash that names a plan in period results: SHA-256 of its canonical document, in hex.
pub(crate) fn plan_hash(plan: &crate::Plan) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(plan.to_json().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn period_text<S: serde::Serializer>(p: &Period, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(p)
}

/// A field of a period result and the headers that name it (compared trimmed, case-folded).
const FIELDS: [(&str, &[&str]); 17] = [
    (
        "person",
        &[
            "person",
            "id",
            "employee_id",
            "person_id",
            "工号",
            "员工编号",
            "人员编号",
        ],
    ),
    ("name", &["name", "姓名"]),
    (
        "period",
        &["period", "考核期间", "期间", "考核周期", "月份"],
    ),
    ("plan", &["plan", "plan_id", "方案", "考核方案"]),
    ("plan_hash", &["plan_hash"]),
    (
        "total",
        &["total", "score", "total_score", "总分", "得分", "综合得分"],
    ),
    (
        "grade",
        &["grade", "rating", "等级", "绩效等级", "考核等级"],
    ),
    ("grade_before_veto", &["grade_before_veto", "否决前等级"]),
    ("vetoed", &["vetoed", "veto", "否决", "是否否决"]),
    (
        "pay",
        &[
            "pay",
            "performance_pay",
            "pay_total",
            "绩效工资",
            "绩效奖金",
        ],
    ),
    (
        "feedback",
        &["feedback", "feedback_overall", "360", "360得分", "360评分"],
    ),
    ("team", &["team", "团队", "小组"]),
    ("branch", &["branch", "分公司", "区域"]),
    ("role", &["role", "岗位", "职位"]),
    ("indicators", &["indicators"]),
    ("restates", &["restates", "更正"]),
    ("imported", &["imported"]),
];

/// A field of the canonical document the history recomputes (`superseded`): read back without
/// being reported as ignored.
fn derived(header: &str) -> bool {
    header.trim() == "superseded"
}

/// The field a header names, if any.
fn field_of(header: &str) -> Option<&'static str> {
    let h = header.trim().trim_start_matches('\u{feff}').to_lowercase();
    FIELDS
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.to_lowercase() == h))
        .map(|(f, _)| *f)
}

/// Period results read from `value` (a list of objects, JSON Lines text — one object per line —
/// or CSV text) at `at`, all problems at once, and the headers / keys that name no field
/// (ignored, reported to the caller).
pub(crate) fn read_results(
    value: Value,
    at: &Loc,
    problems: &mut Problems,
) -> (Vec<PeriodResult>, Vec<String>) {
    match value {
        Value::Array(rows) => {
            let rows = rows.into_iter().enumerate();
            read_objects(rows.map(|(i, v)| (at.clone().index(i), v)), problems)
        }
        Value::String(text) if text.trim_start().starts_with('{') => {
            let rows = json_lines(&text, at, problems);
            read_objects(rows.into_iter(), problems)
        }
        Value::String(text) => read_csv(&text, at, problems),
        other => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::WRONG_TYPE,
                    format!(
                        "expected a list of period results or CSV text, found {}",
                        crate::input::scalar::what(&other)
                    ),
                )
                .zh("应为考核结果列表或 CSV 文本"),
            );
            (Vec::new(), Vec::new())
        }
    }
}

/// Each non-blank line of JSON Lines text parsed, at `results.line[n]` (1-based).
fn json_lines(text: &str, at: &Loc, problems: &mut Problems) -> Vec<(Loc, Value)> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let here = at.clone().key("line").index(i.saturating_add(1));
        match serde_json::from_str::<Value>(line) {
            Ok(v) => rows.push((here, v)),
            Err(e) => problems.push(
                Problem::new(here, kinds::SYNTAX_ERROR, format!("not valid JSON: {e}"))
                    .zh(format!("不是有效的 JSON：{e}")),
            ),
        }
    }
    rows
}

fn read_objects(
    rows: impl ExactSizeIterator<Item = (Loc, Value)>,
    problems: &mut Problems,
) -> (Vec<PeriodResult>, Vec<String>) {
    let mut out = Vec::with_capacity(rows.len());
    let mut ignored: Vec<String> = Vec::new();
    for (here, row) in rows {
        let Value::Object(map) = row else {
            problems.push(
                Problem::new(
                    here,
                    kinds::WRONG_TYPE,
                    "expected an object (one period result)",
                )
                .zh("应为对象（一条考核结果）"),
            );
            continue;
        };
        let mut cells: Vec<(&'static str, Cow<'_, str>, Value)> = Vec::new();
        for (key, v) in map {
            match field_of(&key) {
                Some(f) => cells.push((f, Cow::Owned(key), v)),
                None if !derived(&key) && !ignored.contains(&key) => ignored.push(key),
                None => {}
            }
        }
        let loc = |key: &str| here.clone().key(key);
        if let Some(r) = read_row(cells, &loc, here.clone(), problems) {
            out.push(r);
        }
    }
    (out, ignored)
}

fn read_csv(text: &str, at: &Loc, problems: &mut Problems) -> (Vec<PeriodResult>, Vec<String>) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect(),
        Err(e) => {
            problems.push(crate::input::csv_problem(
                at.clone().join(&Loc::csv(1, None)),
                &e,
            ));
            return (Vec::new(), Vec::new());
        }
    };
    let fields: Vec<Option<&'static str>> = headers.iter().map(|h| field_of(h)).collect();
    let ignored: Vec<String> = (headers.iter().zip(&fields))
        .filter(|(h, f)| f.is_none() && !derived(h))
        .map(|(h, _)| h.clone())
        .collect();
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        line = line.saturating_add(1);
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                problems.push(crate::input::csv_problem(
                    at.clone().join(&Loc::csv(line, None)),
                    &e,
                ));
                continue;
            }
        }
        let cells: Vec<(&'static str, Cow<'_, str>, Value)> = (fields.iter().zip(&headers))
            .zip(record.iter())
            .filter_map(|((f, h), cell)| {
                Some((
                    (*f)?,
                    Cow::Borrowed(h.as_str()),
                    Value::String(cell.to_owned()),
                ))
            })
            .collect();
        let loc = |key: &str| at.clone().join(&Loc::csv(line, Some(key)));
        let row = at.clone().join(&Loc::csv(line, None));
        if let Some(r) = read_row(cells, &loc, row, problems) {
            out.push(r);
        }
    }
    (out, ignored)
}

/// A cell as text: text trimmed, numbers as written, empty and `null` as none.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// One row's cells (field, key as given, value) read into a result, or `None` once its
/// problems are reported (each naming the row's person and period when they could be read).
fn read_row(
    cells: Vec<(&'static str, Cow<'_, str>, Value)>,
    loc: &dyn Fn(&str) -> Loc,
    row: Loc,
    problems: &mut Problems,
) -> Option<PeriodResult> {
    let get = |f: &str| cells.iter().find(|(g, _, _)| *g == f);
    let person = get("person").and_then(|(_, _, v)| text_of(v));
    let period_text = get("period").and_then(|(_, _, v)| text_of(v));
    let mut found: Vec<Problem> = Vec::new();
    for (field, zh) in [
        ("person", "人员编号"),
        ("period", "考核期间"),
        ("total", "总分"),
    ] {
        if get(field).and_then(|(_, _, v)| text_of(v)).is_none() {
            let key = get(field).map_or(field, |(_, k, _)| k.as_ref());
            found.push(
                Problem::new(loc(key), kinds::MISSING, format!("`{field}` is missing"))
                    .zh(format!("缺少{zh}（`{field}`）")),
            );
        }
    }
    let period = match (get("period"), &period_text) {
        (Some((_, key, _)), Some(t)) => {
            let p = Period::parse(t);
            if p.is_none() {
                found.push(super::period::not_a_period(t, loc(key)));
            }
            p
        }
        _ => None,
    };
    let mut number = |field: &str| -> Option<Decimal> {
        let (_, key, v) = get(field)?;
        let t = text_of(v)?;
        match parse_decimal(&t) {
            Ok(d) => Some(d),
            Err(message) => {
                found.push(crate::input::number_problem(loc(key), message));
                None
            }
        }
    };
    let total = number("total");
    let pay = number("pay");
    let feedback = number("feedback");
    let mut flag = |field: &str| -> bool {
        let Some((_, key, v)) = get(field) else {
            return false;
        };
        match v {
            Value::Bool(b) => *b,
            Value::Null => false,
            other => match text_of(other).map(|t| t.to_lowercase()).as_deref() {
                None | Some("false" | "no" | "n" | "0" | "否") => false,
                Some("true" | "yes" | "y" | "1" | "是") => true,
                Some(t) => {
                    found.push(
                        Problem::new(
                            loc(key),
                            kinds::INVALID_VALUE,
                            format!("expected true or false, found `{}`", shown(t)),
                        )
                        .zh(format!("应为是或否（true / false），实际为 `{}`", shown(t))),
                    );
                    false
                }
            },
        }
    };
    let vetoed = flag("vetoed");
    let restates = flag("restates");
    let imported_flag = flag("imported");
    let indicators = match get("indicators") {
        Some((_, key, v)) => read_indicators(v, &loc(key), &mut found),
        None => Vec::new(),
    };
    let text = |field: &str| get(field).and_then(|(_, _, v)| text_of(v));
    if !found.is_empty() {
        for mut p in found {
            // Named by person (the problem's id) and period (in the words).
            if let Some(t) = &period_text {
                p.message = format!("{} (period {})", p.message, shown(t));
                if !p.message_zh.is_empty() {
                    p.message_zh = format!("{}（考核期间 {}）", p.message_zh, shown(t));
                }
            }
            problems.push(match &person {
                Some(id) => p.with_id(id.clone()),
                None => p,
            });
        }
        return None;
    }
    let plan_hash = text("plan_hash");
    Some(PeriodResult {
        person: person?,
        name: text("name"),
        period: period?,
        plan: text("plan"),
        imported: imported_flag || plan_hash.is_none(),
        plan_hash,
        total: total?,
        grade: text("grade"),
        grade_before_veto: text("grade_before_veto"),
        vetoed,
        pay,
        feedback,
        team: text("team"),
        branch: text("branch"),
        role: text("role"),
        indicators,
        restates,
        superseded: false,
        at: row,
    })
}

/// Per-indicator outcomes: a list of `{id, actual, target, points, completion, light}`.
fn read_indicators(v: &Value, at: &Loc, found: &mut Vec<Problem>) -> Vec<IndicatorResult> {
    let Value::Array(items) = v else {
        if !v.is_null() {
            found.push(
                Problem::new(
                    at.clone(),
                    kinds::WRONG_TYPE,
                    "expected a list of indicators",
                )
                .zh("应为指标结果列表"),
            );
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let here = at.clone().index(i);
        let Some(map) = item.as_object() else {
            found.push(
                Problem::new(
                    here,
                    kinds::WRONG_TYPE,
                    "expected an object {id, actual, target, points, completion, light}",
                )
                .zh("应为对象 {id, actual, target, points, completion, light}"),
            );
            continue;
        };
        let id = map.get("id").and_then(text_of);
        if id.is_none() {
            found.push(
                Problem::new(here.clone().key("id"), kinds::MISSING, "`id` is missing")
                    .zh("缺少指标编号（`id`）"),
            );
        }
        let num = |key: &str, found: &mut Vec<Problem>| -> Option<Decimal> {
            let t = map.get(key).and_then(text_of)?;
            parse_decimal(&t)
                .map_err(|m| found.push(crate::input::number_problem(here.clone().key(key), m)))
                .ok()
        };
        let actual = num("actual", found);
        let target = num("target", found);
        let points = num("points", found);
        let completion = num("completion", found);
        out.push(IndicatorResult {
            id: id.unwrap_or_default(),
            actual,
            target,
            points,
            completion,
            light: map.get("light").and_then(text_of),
        });
    }
    out
}
