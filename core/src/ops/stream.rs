//! A batch scored part by part for hosts that must not block: the JS front scores a long array
//! or a CSV export one part per call (on a worker thread where it has one), so its event loop
//! stays free between parts, an `AbortSignal` stops the batch at the next part, and a stream of
//! batches is scored with flat memory.
//!
//! Parts are numbered and checked as one batch ([`FrameStream`]): rows from the batch's start,
//! ids across parts. A *whole* stream keeps every part's problems and reports them together at
//! [`SummaryStream::finish`], exactly what one `summarize` call over the whole batch reports; a
//! stream of parts reports each part's problems with that part.

use std::io::Cursor;
use std::sync::Arc;

use super::table::{encoded_result, next_encoded, EncodedTable};
use crate::batch::{FramePart, FrameStream, Table, Threads};
use crate::pay::PayPlan;
use crate::record::CsvRecords;
use crate::{Plan, ScoreOptions};

/// Rows of a CSV export scored per part when the host does not say.
pub const CSV_PART_ROWS: usize = 32_768;

/// One batch, scored part by part (see the module documentation).
pub struct SummaryStream {
    plan: Arc<Plan>,
    pay: Option<Arc<PayPlan>>,
    options: ScoreOptions,
    parts: FrameStream,
    /// Gather problems until [`SummaryStream::finish`] instead of reporting them per part.
    whole: bool,
    csv: Option<CsvRecords<Cursor<Vec<u8>>>>,
}

impl std::fmt::Debug for SummaryStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SummaryStream")
            .field("rows", &self.parts.rows())
            .field("whole", &self.whole)
            .field("csv", &self.csv.is_some())
            .finish_non_exhaustive()
    }
}

impl SummaryStream {
    /// A stream of `plan`'s summaries (with pay under `pay`), `options` as JSON text (empty: the
    /// defaults). `whole`: one batch, all of its problems at the end.
    pub fn new(
        plan: Arc<Plan>,
        pay: Option<Arc<PayPlan>>,
        options: &str,
        whole: bool,
    ) -> crate::Result<SummaryStream> {
        let options = if options.trim().is_empty() {
            ScoreOptions::default()
        } else {
            ScoreOptions::from_json(options)?
        };
        Ok(SummaryStream {
            plan,
            pay,
            options,
            parts: FrameStream::new(),
            whole,
            csv: None,
        })
    }

    /// The stream over a CSV export (read as [`Plan::records_from_csv`] reads it), scored with
    /// [`SummaryStream::next_csv`]. A header that cannot be read at all is an error here.
    pub fn with_csv(mut self, text: String) -> crate::Result<SummaryStream> {
        self.csv = Some(CsvRecords::new(&self.plan, Cursor::new(text.into_bytes()))?);
        Ok(self)
    }

    /// Rows read so far.
    pub fn rows(&self) -> usize {
        self.parts.rows()
    }

    /// The next part, encoded by the JS front: its summaries as the front reads them
    /// (`summarize_encoded`'s columns, for the ids the front holds), `""` when a whole stream
    /// already has problems (nothing to add), or `None` when the part holds something only the
    /// record reader reports (send it with [`SummaryStream::next_records`]; nothing was counted).
    pub fn next_encoded(
        &mut self,
        encoded: &EncodedTable,
        threads: Threads,
    ) -> Option<crate::Result<String>> {
        let (plan, options, pay) = (&self.plan, &self.options, self.pay.as_deref());
        let part = next_encoded(&mut self.parts, plan, encoded, options, pay, threads)?;
        Some(self.written(part, Output::Columns))
    }

    /// The next part as a JSON array of records (read as `summarize` reads `records`): a JSON
    /// array of summaries (`record_id`, `total`, …), or `""` as for an encoded part.
    pub fn next_records(&mut self, records: &str, threads: Threads) -> crate::Result<String> {
        let table = self
            .plan
            .records_from_json(records)
            .and_then(|r| Table::from_records(&self.plan, &r));
        // A bad part still counts its rows and ids, so later parts are numbered and checked as
        // in one call; both are read from the text only then.
        let (table, rows) = match table {
            Ok(t) => {
                let rows = t.len();
                (Ok(t), rows)
            }
            Err(e) => {
                let ids = ids_in(records);
                let rows = ids.len();
                (Err((e, ids)), rows)
            }
        };
        self.next_table(table, rows, threads, Output::Json)
    }

    /// The next (at most) `rows` rows of the CSV export as a JSON array of summaries
    /// (`record_id`, `total`, …), `""` when a whole stream already has problems, `None` once
    /// every row has been read (or for a stream without CSV).
    pub fn next_csv(&mut self, rows: usize, threads: Threads) -> Option<crate::Result<String>> {
        let csv = self.csv.as_mut().filter(|c| !c.is_done())?;
        let before = csv.rows_read();
        let part = csv.part(rows.max(1));
        let read = csv.rows_read().saturating_sub(before);
        if read == 0 && part.as_ref().is_ok_and(Vec::is_empty) {
            return None;
        }
        // The CSV reader checks ids across the whole file itself.
        let table = part
            .and_then(|r| Table::from_records(&self.plan, &r))
            .map_err(|e| (e, Vec::new()));
        Some(self.next_table(table, read, threads, Output::Json))
    }

    /// Whether reading on would only repeat a problem of the whole batch (a whole stream).
    pub fn is_stopped(&self) -> bool {
        self.parts.is_stopped()
    }

    /// The end of a whole stream: every problem of every part, or `Ok`.
    pub fn finish(&mut self) -> crate::Result<()> {
        self.parts.finish()
    }

    fn next_table(
        &mut self,
        table: Result<Table, (crate::Error, Vec<Option<String>>)>,
        rows: usize,
        threads: Threads,
        output: Output,
    ) -> crate::Result<String> {
        let pay = self.pay.as_deref();
        let (plan, options) = (&self.plan, &self.options);
        let part = self
            .parts
            .summarize_table(plan, table, rows, options, pay, threads);
        self.written(part, output)
    }

    /// A scored part as the host reads it; a whole stream keeps its problems for the end.
    fn written(&mut self, part: crate::Result<FramePart>, output: Output) -> crate::Result<String> {
        let part = if self.whole {
            match self.parts.gather(part) {
                Some(part) => part,
                None => return Ok(String::new()),
            }
        } else {
            part?
        };
        Ok(output.write(&self.plan, &part))
    }
}

/// The `id` of each item of a JSON array of records, where it is text (the record reader's
/// rule); nothing for text that is not an array.
fn ids_in(records: &str) -> Vec<Option<String>> {
    let items: Vec<serde_json::Value> = serde_json::from_str(records).unwrap_or_default();
    items
        .iter()
        .map(|r| {
            r.get("id")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
        })
        .collect()
}

/// How a part's summaries are written.
#[derive(Clone, Copy)]
enum Output {
    /// Columns for the ids the host holds.
    Columns,
    /// A JSON array with each record's id.
    Json,
}

impl Output {
    fn write(self, plan: &Plan, part: &FramePart) -> String {
        match self {
            Output::Columns => encoded_result(plan, part.ids.iter(), &part.summaries),
            Output::Json => super::plan::summaries_json(
                part.ids.iter(),
                &super::plan::lean(plan, &part.summaries),
            ),
        }
    }
}
