//! A batch of records as the JavaScript front encodes it (`bindings-js/table.mjs`): plain
//! records cross into the engine as a few typed arrays instead of JSON, for both JS backends.

use crate::batch::Table;
use crate::number::{decimal_from_f64, parse_decimal, parse_json_number};
use crate::pay::PayPlan;
use crate::{Plan, ScoreOptions};
use rust_decimal::Decimal;

/// A batch of records encoded by the JavaScript front.
///
/// `text` holds, back to back, the `n` record ids, then the column (measure) names; `lens` their
/// lengths in UTF-16 code units (as JS counts). `strings` holds every string value in entry
/// order as UTF-8, each ended by `\0`. `counts[i]` is the number of values of record `i`; each
/// value is an entry `column << 2 | kind`: kind 1 = a JS number in `nums` (in entry order), 2 = a
/// string (read like a JSON string), 3 = a JS number as its JS text (read like a JSON number;
/// used where JS would write an exponent).
#[derive(Debug, Clone, Default)]
pub struct EncodedTable {
    /// Ids, then column names, back to back.
    pub text: String,
    /// Length of each piece of `text` in UTF-16 code units.
    pub lens: Vec<u32>,
    /// String values, UTF-8, each ended by NUL.
    pub strings: Vec<u8>,
    /// Values per record.
    pub counts: Vec<u32>,
    /// `column << 2 | kind` per value.
    pub entries: Vec<u32>,
    /// The number values, in entry order.
    pub nums: Vec<f64>,
    /// Number of columns.
    pub ncols: u32,
}

impl Plan {
    /// `summarize` of an encoded table (with pay when `pay` is given), as columns (see
    /// `summary_columns`; the host already holds the ids): `None` when the table
    /// holds anything the record reader must read and report itself (a value that is not a
    /// number, an unknown or repeated column, an empty or repeated id, text JS could not encode
    /// exactly) — the host then sends the records as a `summarize` request, and nothing has been
    /// scored; otherwise the batch engine's result on `threads`, errors included, which are
    /// exactly those of the record path.
    pub fn summarize_encoded(
        &self,
        encoded: &EncodedTable,
        options: &str,
        pay: Option<&PayPlan>,
        threads: crate::batch::Threads,
    ) -> Option<crate::Result<String>> {
        let options = if options.trim().is_empty() {
            ScoreOptions::default()
        } else {
            ScoreOptions::from_json(options).ok()?
        };
        let table = decode(self, encoded, threads)?;
        Some(
            self.summarize_lean(&table, &options, pay, threads)
                .map(|summaries| encoded_result(self, table.ids(), &summaries)),
        )
    }
}

/// Summaries as the JS front reads them: columns ([`summary_columns`]), or the JSON array when a
/// grade is spelled with a separator, which cannot travel in columns.
pub(super) fn encoded_result(
    plan: &Plan,
    ids: impl IntoIterator<Item = impl AsRef<str>>,
    summaries: &crate::batch::Summaries,
) -> String {
    let rows = super::plan::lean(plan, summaries);
    let odd = |g: &str| g.contains(['\0', '\u{1}']);
    if rows.iter().any(|r| odd(r.grade)) {
        super::plan::summaries_json(ids, &rows)
    } else {
        summary_columns(&rows)
    }
}

/// Summaries as the JS front reads them back, column by column (building 100,000 objects from
/// a few split strings costs a fraction of parsing the same rows as JSON; a result starting
/// with `[` is the JSON array instead, for grades spelled with a separator): five columns
/// separated by U+0001 — totals (the plan's scale), grades, grades before a veto (empty: none),
/// each joined by NUL; vetoes as one `0`/`1` per row; pay totals (normalised, NUL-joined), empty
/// without a pay plan.
pub(crate) fn summary_columns(rows: &[super::plan::Lean<'_>]) -> String {
    use crate::number::DecimalText;
    let mut out = String::with_capacity(rows.len().saturating_mul(24));
    let column = |out: &mut String, cell: &dyn Fn(&super::plan::Lean<'_>, &mut String)| {
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                out.push('\0');
            }
            cell(row, out);
        }
        out.push('\u{1}');
    };
    column(&mut out, &|r, o| {
        o.push_str(DecimalText::new(&r.total).as_str())
    });
    column(&mut out, &|r, o| o.push_str(r.grade));
    column(&mut out, &|r, o| o.push_str(r.before.unwrap_or("")));
    out.extend(rows.iter().map(|r| if r.vetoed { '1' } else { '0' }));
    out.push('\u{1}');
    if rows.iter().any(|r| r.pay.is_some()) {
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                out.push('\0');
            }
            if let Some(pay) = &row.pay {
                out.push_str(DecimalText::normalized(pay).as_str());
            }
        }
    }
    out
}

/// The encoded table as a batch table, or `None` for anything the record path must report.
pub(super) fn decode(
    plan: &Plan,
    input: &EncodedTable,
    threads: crate::batch::Threads,
) -> Option<Table> {
    let ncols = usize::try_from(input.ncols).ok()?;
    let n = input.counts.len();
    let pieces = pieces(&input.text, &input.lens)?;
    let (ids, names) = pieces.split_at_checked(n)?;
    if names.len() != ncols {
        return None;
    }
    // Every string ends with `\0`: after the last one, nothing. A `\0` inside a value makes one
    // string too many, and the record path decides.
    let strings = std::str::from_utf8(&input.strings).ok()?;
    let strings: Vec<&str> = match strings.strip_suffix('\0') {
        Some(body) => body.split('\0').collect(),
        None if strings.is_empty() => Vec::new(),
        None => return None,
    };
    let starts = row_starts(input, ncols, strings.len())?;
    let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    let mut builder = Table::builder(plan, ids, names).ok()?;
    // Values are parsed on the engine's threads, each chunk from its rows' first entry on.
    let parsed = builder
        .fill(threads, |chunk| {
            let mut at = starts.get(chunk.start).copied().unwrap_or_default();
            for (r, cells) in chunk.values.chunks_mut(ncols.max(1)).enumerate() {
                let row = chunk.start.saturating_add(r);
                let count = input.counts.get(row).copied().unwrap_or(0);
                for _ in 0..count {
                    let Some(&e) = input.entries.get(at.entry) else {
                        return false;
                    };
                    at.entry = at.entry.saturating_add(1);
                    let value = match e & 3 {
                        1 => {
                            let v = input.nums.get(at.num).copied().and_then(from_js_number);
                            at.num = at.num.saturating_add(1);
                            v
                        }
                        kind => {
                            let text = strings.get(at.text).copied().unwrap_or_default();
                            at.text = at.text.saturating_add(1);
                            if kind == 2 {
                                parse_decimal(text).ok()
                            } else {
                                parse_json_number(text).ok()
                            }
                        }
                    };
                    let cell = usize::try_from(e >> 2).ok().and_then(|c| cells.get_mut(c));
                    match (value, cell) {
                        (Some(v), Some(cell)) => *cell = Some(v),
                        _ => return false,
                    }
                }
            }
            true
        })
        .ok()?;
    parsed
        .into_iter()
        .all(|ok| ok)
        .then(|| builder.finish().ok())
        .flatten()
}

/// Where a row's values start in the entry, number and text streams.
#[derive(Clone, Copy, Default)]
struct Start {
    entry: usize,
    num: usize,
    text: usize,
}

/// Every row's start in the three streams, from one pass over the entries (no parsing); `None`
/// unless the streams are exactly as long as the entries say and every kind and column is valid.
fn row_starts(input: &EncodedTable, ncols: usize, texts: usize) -> Option<Vec<Start>> {
    let mut starts = Vec::with_capacity(input.counts.len());
    let mut at = Start::default();
    let mut entries = input.entries.iter();
    for &count in &input.counts {
        starts.push(at);
        for _ in 0..count {
            let e = *entries.next()?;
            if usize::try_from(e >> 2).ok()? >= ncols {
                return None;
            }
            match e & 3 {
                1 => at.num = at.num.checked_add(1)?,
                2 | 3 => at.text = at.text.checked_add(1)?,
                _ => return None,
            }
            at.entry = at.entry.checked_add(1)?;
        }
    }
    let consumed = entries.next().is_none() && at.num == input.nums.len() && at.text == texts;
    consumed.then_some(starts)
}

/// Split `text` into pieces of `lens` UTF-16 units each; `None` unless they add up exactly.
fn pieces<'a>(text: &'a str, lens: &[u32]) -> Option<Vec<&'a str>> {
    let mut out = Vec::with_capacity(lens.len());
    if text.is_ascii() {
        let mut at = 0usize;
        for &len in lens {
            let end = at.checked_add(usize::try_from(len).ok()?)?;
            out.push(text.get(at..end)?);
            at = end;
        }
        return (at == text.len()).then_some(out);
    }
    // A lone surrogate arrives as U+FFFD, which the record path reports: leave such text to it.
    if text.contains('\u{FFFD}') {
        return None;
    }
    let mut chars = text.char_indices();
    let mut at = 0usize;
    for &len in lens {
        let len = usize::try_from(len).ok()?;
        let start = at;
        let mut units = 0usize;
        while units < len {
            let (i, c) = chars.next()?;
            units = units.checked_add(c.len_utf16())?;
            at = i.checked_add(c.len_utf8())?;
        }
        if units != len {
            return None;
        }
        out.push(text.get(start..at)?);
    }
    chars.next().is_none().then_some(out)
}

/// A JS number as the record path reads `JSON.stringify(v)`: safe integers exactly, other
/// numbers by their shortest round-trip text (the digits JS writes).
fn from_js_number(v: f64) -> Option<Decimal> {
    const SAFE: f64 = 9_007_199_254_740_992.0;
    if v.fract() == 0.0 && v.abs() < SAFE {
        // A whole number below 2^53 converts exactly.
        Decimal::from_f64_retain(v)
    } else {
        decimal_from_f64(v).ok()
    }
}
