//! A batch of records as the JavaScript front encodes it (`bindings-js/table.mjs`): plain
//! records cross into the engine column by column in a few typed arrays instead of JSON, for
//! both JS backends, and are scored as a [`Frame`] (numbers as floats, strings as Arrow text) by
//! the batch kernel, with no table of decimals in between.

use crate::batch::{Column, Frame, FramePart, FrameStream, Threads};
use crate::pay::PayPlan;
use crate::{Plan, ScoreOptions};

/// A batch of records encoded by the JavaScript front, column by column.
///
/// With `n` records and `c` columns (measure names): `labels` holds the `n` record ids, then the
/// `c` names, as UTF-8 back to back, `label_offsets` (`n + c + 1`) where each starts and the last
/// ends. `kinds[k]` says how column `k` crosses: `0` as numbers, `n` floats in `numbers` (the
/// number columns one after another; NaN where a record has no value); `1` as text: `n + 1`
/// Arrow offsets in `text_offsets` (the text columns one after another), each column's from the
/// start of its own bytes in `text` (the columns' bytes one after another), and `ceil(n / 8)`
/// bytes of Arrow validity bitmap in `present` (bit set: the record has a value). Text values are
/// read as the record reader reads a JSON string (a number among strings comes as its JS text,
/// which reads as the JSON number it is); a blank one is a value that is not a number, not a
/// missing one.
#[derive(Debug, Clone, Default)]
pub struct EncodedTable {
    /// Ids, then column names, UTF-8, back to back.
    pub labels: Vec<u8>,
    /// Where each label starts in `labels`, and where the last ends.
    pub label_offsets: Vec<i32>,
    /// How each column crosses: `0` numbers, `1` text.
    pub kinds: Vec<u8>,
    /// The number columns' values.
    pub numbers: Vec<f64>,
    /// The text columns' offsets into `text`.
    pub text_offsets: Vec<i32>,
    /// The text columns' values, UTF-8.
    pub text: Vec<u8>,
    /// The text columns' validity bitmaps.
    pub present: Vec<u8>,
}

impl EncodedTable {
    /// The batch as a frame of the plan's measures (an id column named `""`, then the columns),
    /// or `None` when its layout is inconsistent or a name is not one measure of the plan each
    /// (the record reader reports those).
    fn frame<'a>(&'a self, plan: &Plan) -> Option<Frame<'a>> {
        let width = self.kinds.len();
        let labels = self.label_offsets.len().checked_sub(1)?;
        let n = labels.checked_sub(width)?;
        let label = |k: usize| -> Option<&'a str> {
            let a = usize::try_from(*self.label_offsets.get(k)?).ok()?;
            let b = usize::try_from(*self.label_offsets.get(k.checked_add(1)?)?).ok()?;
            std::str::from_utf8(self.labels.get(a..b)?).ok()
        };
        let names: Vec<&str> = (n..labels).map(label).collect::<Option<_>>()?;
        plan.columns(&names).ok()?;
        let ids = Column::text(self.label_offsets.get(..=n)?, &self.labels);
        let mut frame = Frame::new().column("", ids).id_column("");
        let bitmap = n.div_ceil(8);
        let offsets = n.checked_add(1)?;
        let mut numbers = self.numbers.chunks_exact(n.max(1));
        let mut text_offsets = self.text_offsets.chunks_exact(offsets);
        let mut present = self.present.chunks_exact(bitmap.max(1));
        // Each text column's values follow the previous column's, its offsets from its own start.
        let mut text = self.text.as_slice();
        for (name, kind) in names.into_iter().zip(&self.kinds) {
            let column = match kind {
                0 if n == 0 => Column::f64(&[]),
                0 => Column::f64(numbers.next()?),
                1 => {
                    let offsets = text_offsets.next()?;
                    let present = if n == 0 { &[] } else { present.next()? };
                    let end = usize::try_from(*offsets.last()?).ok()?;
                    let (own, rest) = text.split_at_checked(end)?;
                    text = rest;
                    Column::text(offsets, own)
                        .with_validity(present)
                        .blank_is_a_value()
                }
                _ => return None,
            };
            frame.push(name, column);
        }
        let whole = (n == 0 || numbers.next().is_none() && numbers.remainder().is_empty())
            && text_offsets.next().is_none()
            && text_offsets.remainder().is_empty()
            && (n == 0 || present.next().is_none() && present.remainder().is_empty())
            && text.is_empty();
        whole.then_some(frame)
    }
}

impl Plan {
    /// `summarize` of an encoded table (with pay when `pay` is given), as columns (see
    /// `summary_columns`; the host already holds the ids): `None` when the table holds anything
    /// the record reader must read and report itself (a value that is not a number, an unknown
    /// or repeated column, an empty or repeated id) — the host then sends the records as a
    /// `summarize` request, and nothing has been scored; otherwise the batch engine's result on
    /// `threads`, errors included, which are exactly those of the record path.
    pub fn summarize_encoded(
        &self,
        encoded: &EncodedTable,
        options: &str,
        pay: Option<&PayPlan>,
        threads: Threads,
    ) -> Option<crate::Result<String>> {
        let options = if options.trim().is_empty() {
            ScoreOptions::default()
        } else {
            ScoreOptions::from_json(options).ok()?
        };
        let part = next_encoded(
            &mut FrameStream::new(),
            self,
            encoded,
            &options,
            pay,
            threads,
        )?;
        Some(part.map(|part| encoded_result(self, part.ids.iter(), &part.summaries)))
    }
}

/// The next part of `parts` from an encoded table: `None`, with nothing counted, for anything
/// the record reader must report.
pub(super) fn next_encoded(
    parts: &mut FrameStream,
    plan: &Plan,
    encoded: &EncodedTable,
    options: &ScoreOptions,
    pay: Option<&PayPlan>,
    threads: Threads,
) -> Option<crate::Result<FramePart>> {
    let frame = encoded.frame(plan)?;
    parts.summarize_records(plan, &frame, options, pay, threads)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const WORKED: &str = include_str!("../../../tests/vectors/worked-example.json");

    fn worked() -> (Plan, Vec<Value>) {
        let doc: Value = serde_json::from_str(WORKED).unwrap();
        let plan = Plan::from_json(&doc["plan"].to_string()).unwrap();
        (plan, doc["records"].as_array().cloned().unwrap_or_default())
    }

    /// Records laid out as the front lays them out: a measure with any string crosses as text
    /// (its numbers as their JSON text, each column's offsets from its own start), else as
    /// numbers (NaN where a record has none).
    fn encoded(records: &[Value]) -> EncodedTable {
        let mut names: Vec<String> = Vec::new();
        for r in records {
            for k in r["measures"].as_object().into_iter().flat_map(|m| m.keys()) {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
        let mut t = EncodedTable::default();
        let ids = records
            .iter()
            .map(|r| r["id"].as_str().unwrap_or_default().to_string());
        t.label_offsets.push(0);
        for label in ids.chain(names.iter().cloned()) {
            t.labels.extend_from_slice(label.as_bytes());
            t.label_offsets.push(i32::try_from(t.labels.len()).unwrap());
        }
        for name in &names {
            let cells: Vec<&Value> = records.iter().map(|r| &r["measures"][name]).collect();
            if cells.iter().any(|c| c.is_string()) {
                t.kinds.push(1);
                let (start, mut bits) = (t.text.len(), vec![0u8; records.len().div_ceil(8)]);
                t.text_offsets.push(0);
                for (i, c) in cells.iter().enumerate() {
                    let text = match c {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    };
                    if let Some(text) = text {
                        t.text.extend_from_slice(text.as_bytes());
                        bits[i / 8] |= 1 << (i % 8);
                    }
                    t.text_offsets
                        .push(i32::try_from(t.text.len() - start).unwrap());
                }
                t.present.extend(bits);
            } else {
                t.kinds.push(0);
                t.numbers
                    .extend(cells.iter().map(|c| c.as_f64().unwrap_or(f64::NAN)));
            }
        }
        t
    }

    /// The record path's summaries of the same records.
    fn by_records(plan: &Plan, records: &[Value]) -> Vec<Value> {
        let request = serde_json::json!({ "records": records }).to_string();
        serde_json::from_str(&plan.run("summarize", &request).unwrap()).unwrap()
    }

    /// Column `k` of the front's result columns.
    fn column(out: &str, k: usize) -> Vec<String> {
        let part = out.split('\u{1}').nth(k).unwrap_or_default();
        part.split('\0').map(str::to_string).collect()
    }

    #[test]
    fn an_encoded_table_scores_as_its_records_do() {
        let (plan, mut records) = worked();
        // Visits as text throughout, demos as text in one record only (a mixed column).
        for r in &mut records {
            let visits = r["measures"]["visits"].to_string();
            r["measures"]["visits"] = Value::String(visits);
        }
        let demos = records[1]["measures"]["demos"].to_string();
        records[1]["measures"]["demos"] = Value::String(demos);
        let table = encoded(&records);
        assert_eq!(table.kinds.iter().filter(|&&k| k == 1).count(), 2);
        let out = plan
            .summarize_encoded(&table, "", None, Threads::Auto)
            .expect("the fast path reads it")
            .unwrap();
        // The worked example's totals and grades, worked by hand in core/tests/worked_example.rs.
        assert_eq!(column(&out, 0), ["88.48", "74.40", "0.00"]);
        assert_eq!(column(&out, 1), ["B", "C", "D"]);
        assert_eq!(column(&out, 3), ["001"]);
        let want = by_records(&plan, &records);
        let field = |key: &str| -> Vec<String> {
            want.iter()
                .map(|r| r[key].as_str().unwrap_or_default().to_string())
                .collect()
        };
        assert_eq!(column(&out, 0), field("total"));
        assert_eq!(column(&out, 1), field("grade"));
    }

    #[test]
    fn a_blank_text_or_an_inconsistent_layout_is_left_to_the_record_path() {
        let (plan, records) = worked();
        let run = |t: &EncodedTable| plan.summarize_encoded(t, "", None, Threads::Auto);
        let mut text = records.clone();
        text[0]["measures"]["visits"] = Value::String("36".into());
        assert!(run(&encoded(&text)).is_some_and(|r| r.is_ok()));
        // A blank value is not a missing one: the record reader reports it.
        for blank in ["", "  ", "\u{3000}"] {
            let mut rs = text.clone();
            rs[1]["measures"]["visits"] = Value::String(blank.into());
            assert!(run(&encoded(&rs)).is_none(), "{blank:?}");
        }
        // An empty or repeated id, a measure the plan lacks: the record reader reports them.
        for (i, id) in [(1, "E001"), (2, "")] {
            let mut rs = records.clone();
            rs[i]["id"] = Value::String(id.into());
            assert!(run(&encoded(&rs)).is_none(), "{id:?}");
        }
        let mut unknown = records.clone();
        unknown[0]["measures"]["not_a_measure"] = Value::from(1);
        assert!(run(&encoded(&unknown)).is_none());
        // Layouts that do not add up: bytes past the last column, a bitmap too short, offsets
        // out of order, an unknown kind.
        let good = encoded(&text);
        let mut extra = good.clone();
        extra.text.push(b'7');
        let mut short = good.clone();
        short.present.pop();
        let mut disorder = good.clone();
        disorder.text_offsets.swap(1, 2);
        let mut kind = good.clone();
        kind.kinds[0] = 2;
        for bad in [extra, short, disorder, kind] {
            assert!(run(&bad).is_none(), "{bad:?}");
        }
    }
}
