//! Operations on a compiled scoring plan.

use super::lines::Lines;
use super::request::{json_text, Request};
use crate::batch::Column;
use crate::error::{kinds, Error, Loc, Problem};
use crate::pay::PayPlan;
use crate::Plan;

/// The operations [`Plan::run`] accepts, with the request fields each reads.
pub const PLAN_OPERATIONS: [(&str, &[&str]); 9] = [
    ("score", &["record", "options"]),
    ("score_many", &["records", "options"]),
    ("summarize", &["records", "options"]),
    ("totals", &["records"]),
    ("explain", &["record", "lang", "options"]),
    ("records_from_csv", &["text"]),
    ("records_from_json", &["text"]),
    ("measure_ids", &[]),
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
            "score_many" => {
                let records = req.records(self)?;
                let options = req.options()?;
                self.score_lines(&records, &options)
            }
            "summarize" => self.summarize_json(&req, None),
            "totals" => {
                let records = req.records(self)?;
                let table = crate::batch::Table::from_records(self, &records)?;
                let totals = self.totals_of(&table, crate::batch::Threads::Auto)?;
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
            "records_from_csv" => records_json(&self.records_from_csv(&req.text("text")?)?),
            "records_from_json" => records_json(&self.records_from_json(&req.text("text")?)?),
            "measure_ids" => {
                let ids: Vec<&str> = self.measures().iter().map(|m| &*m.id).collect();
                Ok(serde_json::to_string(&ids).unwrap_or_default())
            }
            _ => Ok(self.to_json()),
        }
    }

    /// Every record's canonical scorecard, one per line, each dropped once written.
    fn score_lines(
        &self,
        records: &[crate::Record],
        options: &crate::ScoreOptions,
    ) -> crate::Result<String> {
        let mut scorer = self.scorer(options)?;
        let mut out = Lines::with_capacity(records.len());
        let mut problems = crate::error::Problems::new();
        for (i, r) in records.iter().enumerate() {
            match scorer.score_at(r, Some(i)) {
                Ok(card) if problems.is_empty() => out.push(&card),
                Ok(_) => {}
                Err(e) => problems.absorb(&e),
            }
        }
        problems.finish(Error::Input, ()).map(|()| out.finish())
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
        let rows = self.summarize(&table, &options, pay)?;
        Ok(summaries_json(table.ids(), &rows))
    }
}

impl Plan {
    /// [`Plan::totals`] for a host holding typed arrays: `ids` and `names` as JSON arrays of text,
    /// `values` the columns one after another (`names.len() × ids.len()` floats, NaN = missing);
    /// the result as the `totals` operation's.
    pub fn totals_floats(
        &self,
        ids: &str,
        names: &str,
        values: &[f64],
        threads: crate::batch::Threads,
    ) -> crate::Result<String> {
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
        Ok(totals_json(self, &ids, &totals))
    }
}

/// `{"ids", "totals", "grades", "grades_before_veto", "vetoed"}`: columns, in row order, totals as
/// decimal text at the plan's scale.
fn totals_json(plan: &Plan, ids: &[String], t: &crate::batch::Totals) -> String {
    let grades: Vec<&str> = plan.grade_names().collect();
    let name = |g: u32| {
        usize::try_from(g)
            .ok()
            .and_then(|i| grades.get(i))
            .copied()
            .unwrap_or("")
    };
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

/// The summaries as a JSON array of `{record_id, total, grade, grade_before_veto, vetoed, pay?}`,
/// written directly (a batch can be hundreds of thousands of people).
pub(crate) fn summaries_json<S: AsRef<str>>(ids: &[S], rows: &[crate::batch::Row]) -> String {
    use crate::number::DecimalText;
    let mut out: Vec<u8> = Vec::with_capacity(rows.len().saturating_mul(112).saturating_add(2));
    let text = |out: &mut Vec<u8>, s: &str| {
        // Escaping a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    };
    out.push(b'[');
    for (i, (id, row)) in ids.iter().zip(rows).enumerate() {
        let s = &row.summary;
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"record_id\":");
        text(&mut out, id.as_ref());
        out.extend_from_slice(b",\"total\":\"");
        out.extend_from_slice(DecimalText::new(&s.total).as_str().as_bytes());
        out.extend_from_slice(b"\",\"grade\":");
        text(&mut out, &s.grade);
        out.extend_from_slice(b",\"grade_before_veto\":");
        match &s.grade_before_veto {
            Some(g) => text(&mut out, g),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(if s.vetoed {
            b",\"vetoed\":true"
        } else {
            b",\"vetoed\":false"
        });
        if let Some(pay) = &row.pay {
            out.extend_from_slice(b",\"pay\":\"");
            out.extend_from_slice(DecimalText::normalized(pay).as_str().as_bytes());
            out.push(b'"');
        }
        out.push(b'}');
    }
    out.push(b']');
    String::from_utf8(out).unwrap_or_default()
}
