//! Operations on a compiled scoring plan.

use super::lines::{Format, Lines};
use super::request::{json_text, Request};
use super::tape::Tape;
use crate::batch::Column;
use crate::error::{kinds, Error, Loc, Problem};
use crate::pay::PayPlan;
use crate::Plan;
use rust_decimal::Decimal;

/// The operations [`Plan::run`] accepts, with the request fields each reads.
pub const PLAN_OPERATIONS: [(&str, &[&str]); 17] = [
    ("score", &["record", "options"]),
    ("score_many", &["records", "options"]),
    ("summarize", &["records", "options"]),
    ("totals", &["records"]),
    ("explain", &["record", "lang", "options"]),
    (
        "period_results",
        &["records", "period", "options", "pay_plan", "feedback"],
    ),
    (
        "promotion_eligibility",
        &["results", "as_of", "people", "plan", "lang"],
    ),
    ("records_from_csv", &["text"]),
    ("records_from_json", &["text"]),
    (
        "records_from_facts",
        &["facts", "period", "as_of", "records", "people", "org"],
    ),
    (
        "score_facts",
        &[
            "facts", "period", "as_of", "records", "people", "org", "options",
        ],
    ),
    (
        "pivot_facts",
        &[
            "facts", "period", "as_of", "org", "by", "measures", "compare", "top", "lang",
        ],
    ),
    ("check_facts", &["facts", "period", "org"]),
    (
        "reconcile_facts",
        &[
            "facts",
            "period",
            "as_of",
            "people",
            "org",
            "left",
            "right",
            "tolerance",
            "tolerance_pct",
            "lang",
        ],
    ),
    ("measure_ids", &[]),
    ("grade_names", &[]),
    ("to_json", &[]),
];

impl Plan {
    /// Run one operation on this plan: `request` is a JSON object (see [`PLAN_OPERATIONS`] for
    /// each operation's fields), the result JSON text (JSON lines for `score_many`).
    ///
    /// ```
    /// let plan = perfscore::Plan::from_json(perfscore::templates::DEMO_PLAN_JSON)?;
    /// let ids = plan.run("measure_ids", "")?;
    /// assert!(ids.starts_with("[\"revenue\""));
    /// # Ok::<(), perfscore::Error>(())
    /// ```
    pub fn run(&self, operation: &str, request: &str) -> crate::Result<String> {
        let fields = operation_fields(&PLAN_OPERATIONS, operation)?;
        let req = Request::parse(request, fields)?;
        match operation {
            "score" => {
                let record = req.record(self)?;
                let options = req.options()?;
                Ok(self.score_with(&record, &options)?.to_canonical_json())
            }
            "score_many" | "score_facts" => {
                Ok(self.run_lines(operation, &req, Format::Lines)?.text())
            }
            "summarize" => self.summarize_json(&req, None),
            "totals" => {
                let records = req.records(self)?;
                let table = crate::batch::Table::from_records(self, &records)?;
                let totals = self.totals_of(&table, None, crate::batch::Threads::Auto)?;
                Ok(totals_json(self, table.ids(), &totals))
            }
            "explain" => {
                let record = req.record(self)?;
                let lang = req.lang()?;
                let options = req.options()?;
                Ok(json_text(
                    &self.score_with(&record, &options)?.explain(lang),
                ))
            }
            #[cfg(feature = "analytics")]
            "period_results" => {
                let records = req.records(self)?;
                let options = req.options()?;
                let period = req.value("period")?;
                // A pay plan document as an object, or as JSON text (one rule for every host).
                let pay_text = match req.raw("pay_plan") {
                    Some(raw) if raw.trim_start().starts_with('"') => Some(req.text("pay_plan")?),
                    Some(raw) => Some(raw.to_owned()),
                    None => None,
                };
                let extras = crate::analytics::Extras {
                    pay_plan: pay_text.as_deref(),
                    feedback: req
                        .raw("feedback")
                        .map(|_| req.value("feedback"))
                        .transpose()?,
                };
                crate::analytics::period_results(self, &records, &options, period, extras)
            }
            #[cfg(feature = "analytics")]
            "promotion_eligibility" => crate::analytics::plan_promotion(self, request),
            #[cfg(not(feature = "analytics"))]
            "promotion_eligibility" => Err(super::request::field_error(
                "results",
                kinds::NOT_ALLOWED,
                "this build of perfscore has no history (the `analytics` feature is off)",
                "此版本的 perfscore 不含历史档案功能（未启用 `analytics` 特性）",
            )),
            #[cfg(not(feature = "analytics"))]
            "period_results" => Err(super::request::field_error(
                "period",
                kinds::NOT_ALLOWED,
                "this build of perfscore has no history (the `analytics` feature is off)",
                "此版本的 perfscore 不含历史档案功能（未启用 `analytics` 特性）",
            )),
            "records_from_csv" => records_json(&self.records_from_csv(&req.text("text")?)?),
            "records_from_json" => records_json(&self.records_from_json(&req.text("text")?)?),
            #[cfg(not(feature = "facts"))]
            "records_from_facts" | "pivot_facts" => Err(super::request::field_error(
                "facts",
                kinds::NOT_ALLOWED,
                "this build of perfscore has no business facts (the `facts` feature is off)",
                "此版本的 perfscore 不含事实数据功能（未启用 `facts` 特性）",
            )),
            #[cfg(feature = "facts")]
            "records_from_facts" => {
                let got = self.records_of_facts(&req)?;
                Ok(from_facts_json(&got))
            }
            #[cfg(feature = "facts")]
            "pivot_facts" => self.pivot_facts(&req),
            #[cfg(feature = "facts")]
            "check_facts" => self.check_facts(&req),
            #[cfg(feature = "facts")]
            "reconcile_facts" => self.reconcile_facts(&req),
            "measure_ids" => {
                let ids: Vec<&str> = self.measures().iter().map(|m| &*m.id).collect();
                Ok(serde_json::to_string(&ids).unwrap_or_default())
            }
            "grade_names" => {
                let names: Vec<&str> = self.grade_names().collect();
                Ok(serde_json::to_string(&names).unwrap_or_default())
            }
            _ => Ok(self.to_json()),
        }
    }

    /// Run one of the operations whose result is one document per record (`score_many`,
    /// `score_facts`) and hand the documents over as a [`Tape`] instead of JSON lines: the same
    /// values, for a host that builds its own objects (see [`Tape`]). Any other operation is
    /// refused (`unknown_operation`).
    pub fn run_tape(&self, operation: &str, request: &str) -> crate::Result<Tape> {
        let lines = ["score_many", "score_facts"];
        let req = super::tape_request(&PLAN_OPERATIONS, &lines, operation, request)?;
        self.run_lines(operation, &req, Format::Tape)?.tape()
    }

    /// The line operations, in either form.
    fn run_lines(
        &self,
        operation: &str,
        req: &Request<'_>,
        format: Format,
    ) -> crate::Result<Lines> {
        match operation {
            #[cfg(feature = "facts")]
            "score_facts" => {
                let got = self.records_of_facts(req)?;
                // Mid-period, progress runs to the as-of date unless the options say otherwise.
                let options = match req.raw("options") {
                    Some(_) => req.options()?,
                    None => super::facts::position(got.period, got.as_of).unwrap_or_default(),
                };
                self.score_lines(&got.records, &options, format)
            }
            #[cfg(not(feature = "facts"))]
            "score_facts" => Err(super::request::field_error(
                "facts",
                kinds::NOT_ALLOWED,
                "this build of perfscore has no business facts (the `facts` feature is off)",
                "此版本的 perfscore 不含事实数据功能（未启用 `facts` 特性）",
            )),
            _ => {
                let records = req.records(self)?;
                let options = req.options()?;
                self.score_lines(&records, &options, format)
            }
        }
    }

    /// Every record's canonical scorecard, in `format`, each dropped once written. Contiguous
    /// chunks of records are scored and written on the batch engine's threads
    /// ([`crate::batch::Threads::Auto`]); the chunks' problems merge in row order under one
    /// bound, so the documents and the errors are the same for every thread count.
    pub(super) fn score_lines(
        &self,
        records: &[crate::Record],
        options: &crate::ScoreOptions,
        format: Format,
    ) -> crate::Result<Lines> {
        // Options the scorer refuses fail once, before any record.
        drop(self.scorer(options)?);
        let threads = crate::batch::Threads::Auto;
        let weight = crate::batch::threads::SCORECARD_WEIGHT;
        let rows = threads.chunks_weighted(records.len(), weight).collect();
        let chunks = crate::batch::threads::run(rows, |rows| {
            self.score_chunk(records, rows, options, format)
        })?;
        let mut problems = crate::error::Problems::new();
        let mut out = Lines::with_capacity(format, 0);
        for (lines, chunk_problems) in chunks {
            problems.extend(chunk_problems.into_vec());
            if problems.is_empty() {
                out.append(lines);
            }
        }
        problems.finish(Error::Input, ()).map(|()| out)
    }

    /// Records `rows` scored in order: their lines, or (once one has a problem) their problems.
    fn score_chunk(
        &self,
        records: &[crate::Record],
        rows: std::ops::Range<usize>,
        options: &crate::ScoreOptions,
        format: Format,
    ) -> (Lines, crate::error::Problems) {
        let mut out = Lines::with_capacity(format, rows.len());
        let mut problems = crate::error::Problems::new();
        let mut scorer = match self.scorer(options) {
            Ok(s) => s,
            Err(e) => {
                problems.absorb(&e);
                return (out, problems);
            }
        };
        let start = rows.start;
        for (i, r) in records.get(rows).unwrap_or_default().iter().enumerate() {
            match scorer.score_at(r, Some(start.saturating_add(i))) {
                Ok(card) if problems.is_empty() => out.push(&card),
                Ok(_) => {}
                Err(e) => problems.absorb(&e),
            }
        }
        (out, problems)
    }

    /// `summarize`: per record `{record_id, total, grade, grade_before_veto, vetoed}`, plus `pay`
    /// (the statement's total) with a pay plan; the batch engine's numbers and errors, which are
    /// `score_many`'s (then `statements`').
    pub(crate) fn summarize_json(
        &self,
        req: &Request<'_>,
        pay: Option<&PayPlan>,
    ) -> crate::Result<String> {
        let records = req.records(self)?;
        let options = req.options()?;
        let table = crate::batch::Table::from_records(self, &records)?;
        Ok(summaries_json(
            table.ids(),
            &lean(
                self,
                &self.summarize_lean(&table, &options, pay, crate::batch::Threads::Auto)?,
            ),
        ))
    }
}

impl Plan {
    /// [`Plan::totals`] for a host holding typed arrays: `ids` and `names` as JSON arrays of text,
    /// `values` the columns one after another (`names.len() × ids.len()` floats, NaN = missing).
    ///
    /// The result is packed in one array of floats a host can view without copying: the plan's
    /// scale, then four columns of `ids.len()` values each: the total in units of `10^-scale`,
    /// the grade (an index into the `grade_names` operation's list), the grade before a veto (−1
    /// where no veto capped it) and whether a veto hit (1 / 0). A total beyond 2⁵³ units (which a
    /// float would not hold exactly) is refused; the `totals` operation gives it as text.
    pub fn totals_floats(
        &self,
        ids: &str,
        names: &str,
        values: &[f64],
        threads: crate::batch::Threads,
    ) -> crate::Result<Vec<f64>> {
        let text_list = |field: &'static str, text: &str| {
            serde_json::from_str::<Vec<String>>(text).map_err(|_| {
                Error::Input(vec![Problem::new(
                    Loc::root().key(field),
                    kinds::WRONG_TYPE,
                    "expected a list of text",
                )
                .zh("应为文本列表")])
            })
        };
        let (ids, names) = (text_list("ids", ids)?, text_list("names", names)?);
        let rows = ids.len();
        if values.len() != rows.saturating_mul(names.len()) {
            let (n, c) = (values.len(), names.len());
            return Err(Error::Input(vec![Problem::new(
                Loc::root().key("values"),
                kinds::LENGTH_MISMATCH,
                format!("{n} values for {rows} rows of {c} columns"),
            )
            .zh(format!("{n} 个值，但表有 {rows} 行 {c} 列"))]));
        }
        let columns: Vec<Column<'_>> = if rows == 0 {
            names.iter().map(|_| Column::f64(&[])).collect()
        } else {
            values.chunks(rows).map(Column::f64).collect()
        };
        let totals = self.totals(&ids, &names, &columns, threads)?;
        packed(&ids, &totals)
    }
}

/// [`Plan::totals_floats`]' packed layout; every value is an integer a float holds exactly.
#[allow(clippy::cast_precision_loss)] // each cast is of a value checked to be below 2⁵³
fn packed(ids: &[String], t: &crate::batch::Totals) -> crate::Result<Vec<f64>> {
    const EXACT: u64 = 1 << 53;
    let mut problems = crate::error::Problems::new();
    for (i, &u) in t.units.iter().enumerate() {
        if u.unsigned_abs() > EXACT {
            let id = ids.get(i).map_or("", String::as_str);
            let total = t.total(i).unwrap_or_default();
            problems.push(
                Problem::new(
                    Loc::root().key("records").index(i),
                    kinds::NUMBER_OUT_OF_RANGE,
                    format!("the total {total} is beyond what a float column holds exactly (2^53 units); read it as text with plan.totals"),
                )
                .zh(format!("总分 {total} 超出浮点列可精确表示的范围（2^53 个单位）；请用 plan.totals 以文本读取"))
                .with_id(id),
            );
        }
    }
    problems.finish(Error::Input, ())?;
    let n = t.units.len();
    let mut out = Vec::with_capacity(n.saturating_mul(4).saturating_add(1));
    out.push(f64::from(t.scale));
    out.extend(t.units.iter().map(|&u| u as f64));
    out.extend(t.grade.iter().map(|&g| f64::from(g)));
    out.extend(
        t.grade_before_veto
            .iter()
            .map(|g| g.map_or(-1.0, f64::from)),
    );
    out.extend(t.vetoed.iter().map(|&v| if v { 1.0 } else { 0.0 }));
    Ok(out)
}

/// A grade index of the kernel's columns as the plan's grade name (`""` past the list, which a
/// decided row never is).
fn grade_name<'a>(names: &[&'a str], g: u32) -> &'a str {
    usize::try_from(g)
        .ok()
        .and_then(|i| names.get(i))
        .copied()
        .unwrap_or("")
}

/// `{"ids", "totals", "grades", "grades_before_veto", "vetoed"}`: columns, in row order, totals as
/// decimal text at the plan's scale.
fn totals_json(plan: &Plan, ids: &[String], t: &crate::batch::Totals) -> String {
    let grades: Vec<&str> = plan.grade_names().collect();
    let name = |g: u32| grade_name(&grades, g);
    let totals: Vec<String> = (0..t.units.len())
        .map(|i| t.total(i).map(|d| d.to_string()).unwrap_or_default())
        .collect();
    serde_json::json!({
        "ids": ids,
        "totals": totals,
        "grades": t.grade.iter().map(|g| name(*g)).collect::<Vec<_>>(),
        "grades_before_veto": t.grade_before_veto.iter().map(|g| g.map(name)).collect::<Vec<_>>(),
        "vetoed": t.vetoed,
    })
    .to_string()
}

/// The request fields of `operation`, or an input error listing the known operations.
pub(super) fn operation_fields(
    known: &[(&'static str, &'static [&'static str])],
    operation: &str,
) -> crate::Result<&'static [&'static str]> {
    known
        .iter()
        .find(|(name, _)| *name == operation)
        .map(|(_, fields)| *fields)
        .ok_or_else(|| {
            let names: Vec<&str> = known.iter().map(|(n, _)| *n).collect();
            Error::Input(vec![Problem::new(
                Loc::root().key("operation"),
                kinds::UNKNOWN_OPERATION,
                format!(
                    "unknown operation `{}`; expected one of: {}",
                    crate::error::shown(operation),
                    names.join(", ")
                ),
            )
            .zh(format!(
                "没有名为 `{}` 的操作；可用：{}",
                crate::error::shown(operation),
                names.join("、")
            ))])
        })
}

#[cfg(feature = "facts")]
/// `{"records": […], "unassigned": […], "not_listed": […]}`: the records, and each fact left
/// out as `{source, row, id}` (with its `owner` when not listed).
pub(super) fn from_facts_json(got: &super::facts::FromFacts) -> String {
    use serde_json::json;
    let unassigned: Vec<serde_json::Value> = got
        .unassigned
        .iter()
        .map(|u| json!({"source": u.source, "row": u.row, "id": u.id}))
        .collect();
    let not_listed: Vec<serde_json::Value> = got
        .not_listed
        .iter()
        .map(|(u, owner)| json!({"source": u.source, "row": u.row, "id": u.id, "owner": owner}))
        .collect();
    let records = serde_json::to_value(&got.records).unwrap_or_default();
    let mut out = json!({"records": records, "unassigned": unassigned, "not_listed": not_listed});
    if let (Some(list), Some(map)) = (&got.not_in_org, out.as_object_mut()) {
        let list: Vec<serde_json::Value> = list
            .iter()
            .map(|(u, p)| json!({"source": u.source, "row": u.row, "id": u.id, "owner": p}))
            .collect();
        map.insert("not_in_org".into(), list.into());
    }
    out.to_string()
}

fn records_json(records: &[crate::Record]) -> crate::Result<String> {
    serde_json::to_string(records).map_err(|e| {
        super::request::field_error(
            "records",
            kinds::INVALID_VALUE,
            e.to_string(),
            format!("无法写出记录：{e}"),
        )
    })
}

/// What a lean batch result holds of one record: total, grade, grade before a veto, veto and
/// pay — from the engine's summaries or from the kernel's totals alike.
pub(crate) struct Lean<'a> {
    pub(crate) total: Decimal,
    pub(crate) grade: &'a str,
    pub(crate) before: Option<&'a str>,
    pub(crate) vetoed: bool,
    pub(crate) pay: Option<Decimal>,
}

/// The engine's rows, lean.
pub(crate) fn lean_rows(rows: &[crate::batch::Row]) -> Vec<Lean<'_>> {
    rows.iter()
        .map(|r| Lean {
            total: r.summary.total,
            grade: &r.summary.grade,
            before: r.summary.grade_before_veto.as_deref(),
            vetoed: r.summary.vetoed,
            pay: r.pay,
        })
        .collect()
}

/// The kernel's totals, lean (grades named by the plan).
pub(crate) fn lean_totals<'a>(plan: &'a Plan, t: &crate::batch::Totals) -> Vec<Lean<'a>> {
    let names: Vec<&str> = plan.grade_names().collect();
    let grade = |g: u32| grade_name(&names, g);
    (0..t.units.len())
        .map(|i| Lean {
            total: t.total(i).unwrap_or_default(),
            grade: t.grade.get(i).map_or("", |g| grade(*g)),
            before: t.grade_before_veto.get(i).copied().flatten().map(grade),
            vetoed: t.vetoed.get(i).copied().unwrap_or(false),
            pay: t.pay.get(i).copied(),
        })
        .collect()
}

/// The summaries as a JSON array of `{record_id, total, grade, grade_before_veto, vetoed, pay?}`,
/// written directly (a batch can be hundreds of thousands of people).
pub(crate) fn summaries_json<S: AsRef<str>>(
    ids: impl IntoIterator<Item = S>,
    rows: &[Lean<'_>],
) -> String {
    use crate::number::DecimalText;
    let mut out: Vec<u8> = Vec::with_capacity(rows.len().saturating_mul(112).saturating_add(2));
    let text = |out: &mut Vec<u8>, s: &str| {
        // Escaping a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    };
    out.push(b'[');
    for (i, (id, s)) in ids.into_iter().zip(rows).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"record_id\":");
        text(&mut out, id.as_ref());
        out.extend_from_slice(b",\"total\":\"");
        out.extend_from_slice(DecimalText::new(&s.total).as_str().as_bytes());
        out.extend_from_slice(b"\",\"grade\":");
        text(&mut out, s.grade);
        out.extend_from_slice(b",\"grade_before_veto\":");
        match s.before {
            Some(g) => text(&mut out, g),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(if s.vetoed {
            b",\"vetoed\":true"
        } else {
            b",\"vetoed\":false"
        });
        if let Some(pay) = &s.pay {
            out.extend_from_slice(b",\"pay\":\"");
            out.extend_from_slice(DecimalText::normalized(pay).as_str().as_bytes());
            out.push(b'"');
        }
        out.push(b'}');
    }
    out.push(b']');
    String::from_utf8(out).unwrap_or_default()
}

/// The lean rows of a batch result, from whichever path computed it.
pub(crate) fn lean<'a>(plan: &'a Plan, summaries: &'a crate::batch::Summaries) -> Vec<Lean<'a>> {
    match summaries {
        crate::batch::Summaries::Rows(rows) => lean_rows(rows),
        crate::batch::Summaries::Totals(t) => lean_totals(plan, t),
    }
}
