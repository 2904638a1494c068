//! A history written out for storage or a spreadsheet: JSON Lines (one canonical result per
//! line, everything kept) or flat CSV (one row per result, the result's own columns; the
//! per-indicator outcomes stay in JSON). Both read back with `read_history`.

use super::collection::History;
use super::result::PeriodResult;
use serde::Serialize;

/// The flat CSV columns, in order (the names `read_history` reads back).
const COLUMNS: [&str; 17] = [
    "person",
    "name",
    "period",
    "plan",
    "plan_hash",
    "total",
    "grade",
    "grade_before_veto",
    "vetoed",
    "pay",
    "feedback",
    "team",
    "branch",
    "role",
    "restates",
    "imported",
    "superseded",
];

#[derive(Debug, Serialize)]
pub(crate) struct Export {
    pub format: &'static str,
    pub text: String,
}

/// Every result of `history` (superseded ones included, in order) as JSON Lines.
pub(crate) fn jsonl(history: &History) -> Export {
    let mut text = String::new();
    for r in &history.results {
        text.push_str(&crate::analytics::team::to_json(r));
        text.push('\n');
    }
    Export {
        format: "jsonl",
        text,
    }
}

/// Every result of `history` as CSV with a header row. A text cell that a spreadsheet would
/// run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) is written with
/// a leading `'`; numbers are written as they are.
pub(crate) fn csv(history: &History) -> Export {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail; a failure would leave the text short, never wrong.
    let _ = out.write_record(COLUMNS);
    for r in &history.results {
        let _ = out.write_record(row(r));
    }
    let bytes = out.into_inner().unwrap_or_default();
    Export {
        format: "csv",
        text: String::from_utf8(bytes).unwrap_or_default(),
    }
}

fn row(r: &PeriodResult) -> [String; 17] {
    let text = |t: &Option<String>| t.as_deref().map(safe).unwrap_or_default();
    let number = |d: &Option<rust_decimal::Decimal>| {
        d.map(|d| d.normalize().to_string()).unwrap_or_default()
    };
    [
        safe(&r.person),
        text(&r.name),
        r.period.to_string(),
        text(&r.plan),
        text(&r.plan_hash),
        r.total.normalize().to_string(),
        text(&r.grade),
        text(&r.grade_before_veto),
        r.vetoed.to_string(),
        number(&r.pay),
        number(&r.feedback),
        text(&r.team),
        text(&r.branch),
        text(&r.role),
        r.restates.to_string(),
        r.imported.to_string(),
        r.superseded.to_string(),
    ]
}

/// `t` as a spreadsheet shows it as text.
fn safe(t: &str) -> String {
    if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{t}")
    } else {
        t.to_owned()
    }
}
