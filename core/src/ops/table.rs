//! A batch of records as the JavaScript front encodes it (`bindings-js/table.mjs`): plain
//! records cross into the engine as a few typed arrays instead of JSON, for both JS backends.

use super::plan::summaries_json;
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
    /// `summarize` of an encoded table (with pay when `pay` is given): `None` when the table
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
        let table = decode(self, encoded)?;
        Some(
            self.summarize_with(&table, &options, pay, threads)
                .map(|rows| summaries_json(table.ids(), &rows)),
        )
    }
}

/// The encoded table as a batch table, or `None` for anything the record path must report.
fn decode(plan: &Plan, input: &EncodedTable) -> Option<Table> {
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
    let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    let mut builder = Table::builder(plan, ids, names).ok()?;
    let mut entries = input.entries.iter();
    let mut nums = input.nums.iter();
    let mut strings = strings.iter();
    for (row, &count) in input.counts.iter().enumerate() {
        for _ in 0..count {
            let e = *entries.next()?;
            let value = match e & 3 {
                1 => from_js_number(*nums.next()?)?,
                2 => parse_decimal(strings.next()?).ok()?,
                3 => parse_json_number(strings.next()?).ok()?,
                _ => return None,
            };
            if !builder.set(row, usize::try_from(e >> 2).ok()?, Some(value)) {
                return None;
            }
        }
    }
    let consumed = entries.next().is_none() && nums.next().is_none() && strings.next().is_none();
    consumed.then(|| builder.finish().ok()).flatten()
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
