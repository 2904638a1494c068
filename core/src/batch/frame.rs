//! [`Frame`]: a table as a host holds it — named columns, each in any [`Column`] layout (a
//! DataFrame's float and integer buffers, Arrow text, decimals) — read by the rule CSV exports are
//! read by (`docs/input.md`): a header names a record attribute (`id` / `工号`, `name` / `姓名`,
//! `team`, `department`, `branch`) or one of the plan's measures by id or alias (`销售额`); any
//! other column is ignored and listed, since exports carry many. So a pandas frame of a CSV export,
//! a polars or Arrow table and the CSV text itself read the same.
//!
//! Problems, all at once, by the column's header as the host wrote it: a second column for one
//! measure or a column of the wrong length at `columns[k]`, a bad cell at
//! `records[i] (id).<header>`, an empty or repeated id at `records[i].id`, in row order.

use std::borrow::Cow;
use std::collections::HashSet;

use super::{Column, IdCheck, IdSet, Ids, Summaries, Table, Threads, Totals};
use crate::error::{kinds, shown, Error, Loc, LocItem, Problem, Problems};
use crate::record::{Header, ID_ATTRIBUTE};
use crate::{PayPlan, Plan, ScoreOptions};

/// Named columns borrowed from the host, in the host's order.
///
/// ```
/// use perfscore::batch::{Column, Frame, Threads};
/// let doc = perfscore::templates::plan_template("monthly-sales-rep").unwrap();
/// let plan = perfscore::Plan::from_json(doc).unwrap();
/// let (offsets, bytes) = ([0i32, 2, 4], b"E1E2");
/// let revenue = [850_000.0, 910_000.0];
/// let notes = [0.0, 0.0];
/// let frame = Frame::new()
///     .column("工号", Column::text(&offsets, bytes))
///     .column("revenue", Column::f64(&revenue))
///     .column("备注", Column::f64(&notes));
/// let read = plan.read_frame(&frame, Threads::Auto).unwrap();
/// assert_eq!(read.table.ids(), ["E1", "E2"]);
/// assert_eq!(read.ignored, ["备注"]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Frame<'a> {
    names: Vec<&'a str>,
    columns: Vec<Column<'a>>,
    id_column: Option<&'a str>,
}

impl<'a> Frame<'a> {
    /// An empty frame.
    pub fn new() -> Frame<'a> {
        Frame::default()
    }

    /// The frame with one more column, named as the host names it.
    pub fn column(mut self, name: &'a str, column: Column<'a>) -> Frame<'a> {
        self.push(name, column);
        self
    }

    /// Add one column, named as the host names it.
    pub fn push(&mut self, name: &'a str, column: Column<'a>) {
        self.names.push(name);
        self.columns.push(column);
    }

    /// The frame with its ids in the column `name` (any header); without it, the id column is the
    /// last one whose header names the id (`id`, `employee_id`, `工号`, …).
    pub fn id_column(mut self, name: &'a str) -> Frame<'a> {
        self.id_column = Some(name);
        self
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// Number of rows (of the first column; a column of another length is a problem).
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Whether the frame has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A batch scored part by part — the record batches of an Arrow stream, blocks of a large frame
/// or of a CSV export, slices of a JS array — so that a host can stop between parts (Ctrl-C, an
/// `AbortSignal`), report progress and keep memory flat, with every part's numbers and problems
/// what one call over the whole batch would give: rows are numbered from the batch's start, and
/// an id repeated from an earlier part is a `duplicate`.
///
/// A host that wants the whole batch or nothing passes each part's result to
/// [`FrameStream::gather`], which keeps the problems of every part, and ends with
/// [`FrameStream::finish`]; a host handing out parts as they come reports each part's error.
#[derive(Debug, Default)]
pub struct FrameStream {
    seen: IdSet,
    rows: usize,
    problems: Problems,
    /// A problem of the batch's shape (a missing id column…) was gathered: every part has it.
    stopped: bool,
}

/// One part of a [`FrameStream`], scored.
#[derive(Debug)]
pub struct FramePart {
    /// The part's record ids, in row order.
    pub ids: Ids,
    /// Each row's total, grade, veto and pay ([`Plan::summarize_lean`]).
    pub summaries: Summaries,
    /// Headers the plan does not read.
    pub ignored: Vec<String>,
}

impl FrameStream {
    /// A stream at its first row.
    pub fn new() -> FrameStream {
        FrameStream::default()
    }

    /// Rows read so far (the first row of the next part).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Read and score the next part. Its problems (all at once, rows numbered from the batch's
    /// start) make it an error; the stream goes on at the next part either way.
    pub fn summarize(
        &mut self,
        plan: &Plan,
        frame: &Frame<'_>,
        options: &ScoreOptions,
        pay: Option<&PayPlan>,
        threads: Threads,
    ) -> crate::Result<FramePart> {
        if let Some(part) = self.summarize_columns(plan, frame, options, pay, threads) {
            return Ok(part);
        }
        match plan.read_frame(frame, threads) {
            Ok(read) => self.summarize_read(plan, Ok(read), frame.len(), options, pay, threads),
            // Its ids as far as they read, so an id repeated from an earlier part is reported too.
            Err(e) => {
                let ids = plan.ids_as_read(frame);
                self.summarize_table(plan, Err((e, ids)), frame.len(), options, pay, threads)
            }
        }
    }

    /// The next part from a host whose frame holds records as the record reader would read them
    /// (only the plan's measures; blank text is a value): scored as [`FrameStream::summarize`]
    /// scores it when every cell and id reads, with its scoring problems; `None`, and nothing
    /// counted, when one does not (the host sends the records to the record reader, which
    /// reports them in its own terms).
    pub(crate) fn summarize_records(
        &mut self,
        plan: &Plan,
        frame: &Frame<'_>,
        options: &ScoreOptions,
        pay: Option<&PayPlan>,
        threads: Threads,
    ) -> Option<crate::Result<FramePart>> {
        if let Some(part) = self.summarize_columns(plan, frame, options, pay, threads) {
            return Some(Ok(part));
        }
        let read = plan.read_frame(frame, threads).ok()?;
        Some(self.summarize_read(plan, Ok(read), frame.len(), options, pay, threads))
    }

    /// A part at period end, scored (and paid) by the kernel straight from its columns (no table
    /// of decimals in between) when it has no problem and repeats no earlier id; `None`
    /// otherwise, and nothing counted, so the table path reports the part as usual.
    fn summarize_columns(
        &mut self,
        plan: &Plan,
        frame: &Frame<'_>,
        options: &ScoreOptions,
        pay: Option<&PayPlan>,
        threads: Threads,
    ) -> Option<FramePart> {
        // The kernel scores at period end; mid-period scoring (pace, projections) is the engine's.
        if options.period.is_some() {
            return None;
        }
        let start = self.seen.len();
        let done = plan.columns_totals(frame, pay, threads, &mut self.seen)?;
        // The part's ids: copied in one piece from a text column, else as the set keeps them.
        let ids: Ids = match done.block {
            Some((text, ends)) => Ids::from_block(text, ends),
            None => self.seen.added_since(start).collect(),
        };
        self.rows = self.rows.saturating_add(ids.len());
        Some(FramePart {
            ids,
            summaries: Summaries::Totals(done.totals),
            ignored: done.ignored,
        })
    }

    /// Score the next part, already read into a table (its rows numbered from the part's start,
    /// as [`Table::from_records`] numbers them): ids are checked against earlier parts and
    /// problems moved to the batch's rows, as [`FrameStream::summarize`] does for a frame. A
    /// part that could not be read comes with its ids as far as they can be read (by row; `None`
    /// where a row has none), so that an id repeated across parts is reported whichever part
    /// has other problems.
    pub fn summarize_table(
        &mut self,
        plan: &Plan,
        table: Result<Table, (Error, Vec<Option<String>>)>,
        rows: usize,
        options: &ScoreOptions,
        pay: Option<&PayPlan>,
        threads: Threads,
    ) -> crate::Result<FramePart> {
        let read = match table {
            Ok(table) => FrameTable {
                table,
                ignored: Vec::new(),
            },
            Err((e, ids)) => {
                let start = self.rows;
                let mut problems = Problems::new();
                problems.extend(shift(e, start).problems().iter().cloned());
                for (i, id) in ids.iter().enumerate() {
                    if let Some(id) = id.as_ref() {
                        if self.seen.contains(id) {
                            problems.push(repeat(start, i, id));
                        }
                    }
                }
                for id in ids.iter().flatten() {
                    self.seen.insert(id);
                }
                self.rows = start.saturating_add(rows);
                return Err(Error::Input(problems.into_vec()));
            }
        };
        self.summarize_read(plan, Ok(read), rows, options, pay, threads)
    }

    fn summarize_read(
        &mut self,
        plan: &Plan,
        read: crate::Result<FrameTable>,
        rows: usize,
        options: &ScoreOptions,
        pay: Option<&PayPlan>,
        threads: Threads,
    ) -> crate::Result<FramePart> {
        let start = self.rows;
        self.rows = start.saturating_add(rows);
        let shifted = |e: Error| shift(e, start);
        let read = read.map_err(shifted)?;
        let ids: Ids = read.table.ids().iter().collect();
        let mut repeats = Problems::new();
        for (i, id) in ids.iter().enumerate() {
            if !self.seen.insert(id) {
                repeats.push(repeat(start, i, id));
            }
        }
        repeats.finish(Error::Input, ())?;
        let summaries = plan
            .summarize_lean(&read.table, options, pay, threads)
            .map_err(shifted)?;
        Ok(FramePart {
            ids,
            summaries,
            ignored: read.ignored,
        })
    }

    /// For a whole-batch call: the part when no part so far (this one included) had a problem;
    /// otherwise nothing, and the problems are kept for [`FrameStream::finish`].
    pub fn gather(&mut self, part: crate::Result<FramePart>) -> Option<FramePart> {
        match part {
            Ok(part) if self.problems.is_empty() => Some(part),
            Ok(_) => None,
            Err(e) => {
                self.problems.absorb(&e);
                // A problem of the batch's shape is the same in every part: once is enough.
                self.stopped |= e.problems().iter().any(|p| !is_row_problem(p));
                None
            }
        }
    }

    /// Whether a gathered problem concerns the whole batch (its header, its options), so that
    /// reading further parts would only repeat it.
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// The end of a whole-batch call: every gathered problem, or `Ok` when there were none.
    pub fn finish(&mut self) -> crate::Result<()> {
        std::mem::take(&mut self.problems).finish(Error::Input, ())
    }
}

/// Row `i` of the part starting at `start` repeats an id of an earlier part.
fn repeat(start: usize, i: usize, id: &str) -> Problem {
    Problem::new(
        Loc::root()
            .key("records")
            .index(start.saturating_add(i))
            .key("id"),
        kinds::DUPLICATE,
        format!("duplicate record id `{}`", shown(id)),
    )
    .zh(format!("记录 id `{}` 重复", shown(id)))
}

/// Whether `p` is about one row (at a record or a CSV line) rather than the batch's shape.
fn is_row_problem(p: &Problem) -> bool {
    match p.loc.items() {
        [LocItem::Key(k), ..] if k == "records" => true,
        [LocItem::Key(k), LocItem::Index(line), ..] if k == "line" => *line != 1,
        _ => p.kind == kinds::MORE_PROBLEMS,
    }
}

/// `e` with its records' rows counted from `by` on.
fn shift(e: Error, by: usize) -> Error {
    let moved = |problems: Vec<Problem>| {
        problems
            .into_iter()
            .map(|mut p| {
                p.loc = p.loc.records_shifted(by);
                p
            })
            .collect()
    };
    match e {
        Error::Input(p) => Error::Input(moved(p)),
        Error::Plan(p) => Error::Plan(moved(p)),
    }
}

/// A frame read for a plan: its [`Table`], and the headers of the columns it ignored.
#[derive(Debug)]
pub struct FrameTable {
    /// The records' ids and measures.
    pub table: Table,
    /// Headers the plan does not read (neither a record attribute nor a measure), in frame order.
    pub ignored: Vec<String>,
}

/// A frame scored straight from its columns ([`Plan::frame_totals`]'s fast way).
struct ColumnsTotals<'f> {
    ids: Vec<Cow<'f, str>>,
    /// The ids as one text and each one's end, when the id column is such a block.
    block: Option<(&'f str, Vec<usize>)>,
    totals: Totals,
    ignored: Vec<String>,
}

/// Which frame columns hold what, after the headers were read.
struct Layout {
    /// The id column's position.
    id: usize,
    /// Each measure column's position in the frame and its measure's id, in frame order.
    measures: Vec<(usize, String)>,
    ignored: Vec<String>,
}

impl Plan {
    /// Read `frame` into a [`Table`] by the header rule above, its cells converted on `threads`.
    /// All or nothing, every problem at once.
    pub fn read_frame(&self, frame: &Frame<'_>, threads: Threads) -> crate::Result<FrameTable> {
        let mut problems = Problems::new();
        let layout = self.layout(frame, &mut problems)?;
        let (ids, id_problems) = read_ids(frame, layout.id);
        let ids = ids.into_iter().map(Cow::into_owned).collect();
        let names: Vec<&str> = layout.measures.iter().map(|(_, m)| m.as_str()).collect();
        let mut builder = match Table::builder(self, ids, &names) {
            Ok(b) => b,
            Err(e) => {
                problems.absorb(&e);
                return Err(Error::Input(problems.into_vec()));
            }
        };
        let width = names.len();
        let found = builder.fill(threads, |chunk| {
            let mut found = Vec::new();
            for (r, id) in chunk.ids.iter().enumerate() {
                let i = chunk.start.saturating_add(r);
                for (k, (j, _)) in layout.measures.iter().enumerate() {
                    let (Some(column), Some(header)) = (frame.columns.get(*j), frame.names.get(*j))
                    else {
                        continue;
                    };
                    match column.decimal(i) {
                        Ok(value) => {
                            let at = r.saturating_mul(width).saturating_add(k);
                            if let Some(cell) = chunk.values.get_mut(at) {
                                *cell = value;
                            }
                        }
                        Err(message) => found.push(cell_problem(i, id, header, message)),
                    }
                }
            }
            found
        })?;
        let table = builder.finish();
        // Ids' problems before the cells' of the same row; rows in order.
        let mut rows: Vec<Problem> = id_problems;
        if let Err(e) = &table {
            rows.extend(e.problems().iter().cloned());
        }
        rows.extend(found.into_iter().flatten());
        rows.sort_by_key(row_of);
        problems.extend(rows);
        let table = match table {
            Ok(t) if problems.is_empty() => t,
            _ => return Err(Error::Input(problems.into_vec())),
        };
        Ok(FrameTable {
            table,
            ignored: layout.ignored,
        })
    }

    /// Each row's rounded total, grade and veto from `frame` ([`Plan::totals`] of its measure
    /// columns, in their own layouts), with the rows' ids. Problems exactly as
    /// [`Plan::read_frame`] reports them.
    pub fn frame_totals<'f>(
        &self,
        frame: &Frame<'f>,
        threads: Threads,
    ) -> crate::Result<(Vec<Cow<'f, str>>, Totals)> {
        if let Some(done) = self.columns_totals(frame, None, threads, &mut IdSet::default()) {
            return Ok((done.ids, done.totals));
        }
        // Something is wrong: report it as the table reader does, in the frame's terms.
        let read = self.read_frame(frame, threads)?;
        let totals = self.totals_of(&read.table, None, threads)?;
        let ids = read.table.ids().iter().cloned().map(Cow::Owned).collect();
        Ok((ids, totals))
    }

    /// [`Plan::totals`] of the frame's measure columns as they are, and each row's pay when `pay`
    /// is given, when the frame has no problem at all and none of its ids is in `seen` (they are
    /// added to it); `None` otherwise, with `seen` as it was (the caller reads the frame as a
    /// table, which reports every problem).
    fn columns_totals<'f>(
        &self,
        frame: &Frame<'f>,
        pay: Option<&PayPlan>,
        threads: Threads,
        seen: &mut IdSet,
    ) -> Option<ColumnsTotals<'f>> {
        let mut problems = Problems::new();
        let layout = self.layout(frame, &mut problems).ok()?;
        let block = frame.columns.get(layout.id).and_then(Column::text_block);
        let (ids, id_problems) = match &block {
            Some((text, ends)) => (block_ids(text, ends), Vec::new()),
            None => read_ids(frame, layout.id),
        };
        if !problems.is_empty() || !id_problems.is_empty() {
            return None;
        }
        let names: Vec<&str> = layout.measures.iter().map(|(_, m)| m.as_str()).collect();
        let columns: Vec<Column<'_>> = layout
            .measures
            .iter()
            .filter_map(|(j, _)| frame.columns.get(*j).copied())
            .collect();
        let id_refs: Vec<&str> = ids.iter().map(|id| &**id).collect();
        // Empty and repeated ids (in the frame, or from earlier parts), each id hashed once.
        let start = seen.len();
        if !seen.add_batch(&id_refs, threads) {
            return None;
        }
        let totals = self.totals_paid(&id_refs, &names, &columns, pay, threads, IdCheck::Done);
        let Ok(totals) = totals else {
            seen.truncate_to(start);
            return None;
        };
        Some(ColumnsTotals {
            ids,
            block,
            totals,
            ignored: layout.ignored,
        })
    }

    /// Each row's id as far as it reads (`None` where a row has none, or none that can be an id).
    fn ids_as_read(&self, frame: &Frame<'_>) -> Vec<Option<String>> {
        let Ok(layout) = self.layout(frame, &mut Problems::new()) else {
            return Vec::new();
        };
        let Some(column) = frame.columns.get(layout.id) else {
            return Vec::new();
        };
        (0..column.len())
            .map(|i| {
                let id = column.id(i).ok()?;
                (!super::table::is_blank_id(&id)).then(|| id.into_owned())
            })
            .collect()
    }

    /// The frame's id column, its measure columns and the columns it ignores; the problems of the
    /// headers and the columns' shapes go to `problems`. `Err` when there is no id column to read.
    fn layout(&self, frame: &Frame<'_>, problems: &mut Problems) -> crate::Result<Layout> {
        let id = match frame.id_column {
            Some(name) => frame.names.iter().position(|n| *n == name),
            None => frame
                .names
                .iter()
                .rposition(|n| self.header(n) == Header::Attribute(ID_ATTRIBUTE)),
        };
        let Some(id) = id else {
            problems.push(no_id_column(frame));
            return Err(Error::Input(std::mem::take(problems).into_vec()));
        };
        let rows = frame.columns.get(id).map_or(0, Column::len);
        let at = |j: usize| Loc::root().key("columns").index(j);
        let mut layout = Layout {
            id,
            measures: Vec::new(),
            ignored: Vec::new(),
        };
        let mut seen = HashSet::new();
        for (j, (name, column)) in frame.names.iter().zip(&frame.columns).enumerate() {
            if j == id {
                continue;
            }
            let slot = match self.header(name) {
                Header::Measure(slot) => slot,
                Header::Attribute(_) => continue,
                Header::Ignored => {
                    layout.ignored.push((*name).to_string());
                    continue;
                }
            };
            let measure = self.measures().get(slot).map(|m| m.id.to_string());
            let Some(measure) = measure else { continue };
            if !seen.insert(slot) {
                problems.push(
                    Problem::new(
                        at(j),
                        kinds::DUPLICATE,
                        format!(
                            "`{}` is a second column for measure `{measure}`",
                            shown(name)
                        ),
                    )
                    .zh(format!("`{}` 是指标数据 `{measure}` 的第二列", shown(name))),
                );
            } else if let Some(p) = column.shape_problem(at(j)) {
                problems.push(p);
            } else if column.len() != rows {
                let n = column.len();
                problems.push(
                    Problem::new(
                        at(j),
                        kinds::LENGTH_MISMATCH,
                        format!(
                            "column `{}` has {n} values, but the id column has {rows}",
                            shown(name)
                        ),
                    )
                    .zh(format!(
                        "`{}` 列有 {n} 个值，但 id 列有 {rows} 个",
                        shown(name)
                    )),
                );
            } else {
                layout.measures.push((j, measure));
            }
        }
        if let Some(p) = frame.columns.get(id).and_then(|c| c.shape_problem(at(id))) {
            problems.push(p);
            return Err(Error::Input(std::mem::take(problems).into_vec()));
        }
        Ok(layout)
    }
}

/// The ids of column `id`, and the problems of cells that cannot be one (a number with a
/// fraction); such a row's id is empty, which the table does not report again.
fn read_ids<'f>(frame: &Frame<'f>, id: usize) -> (Vec<Cow<'f, str>>, Vec<Problem>) {
    let Some(column) = frame.columns.get(id) else {
        return (Vec::new(), Vec::new());
    };
    let mut problems = Vec::new();
    let ids = (0..column.len())
        .map(|i| {
            column.id(i).unwrap_or_else(|value| {
                problems.push(
                    Problem::new(
                        Loc::root().key("records").index(i).key("id"),
                        kinds::WRONG_TYPE,
                        format!("an id is text or a whole number, not `{value}`"),
                    )
                    .zh(format!("id 应为文本或整数，而不是 `{value}`")),
                );
                // A stand-in no real id equals, so the row is not also reported as empty.
                Cow::Owned(format!("\u{0}{i}"))
            })
        })
        .collect();
    (ids, problems)
}

/// The ids of a text block ([`Column::text_block`]), borrowed from it.
fn block_ids<'f>(text: &'f str, ends: &[usize]) -> Vec<Cow<'f, str>> {
    let mut start = 0;
    ends.iter()
        .map(|&end| {
            let id = text.get(start..end).unwrap_or_default();
            start = end;
            Cow::Borrowed(id)
        })
        .collect()
}

/// The problem of a frame without an id column, naming what it has.
fn no_id_column(frame: &Frame<'_>) -> Problem {
    let listed: Vec<String> = frame
        .names
        .iter()
        .take(20)
        .map(|n| format!("`{}`", shown(n)))
        .collect();
    let listed = listed.join(", ");
    let at = Loc::root().key("columns");
    match frame.id_column {
        Some(name) => Problem::new(
            at,
            kinds::MISSING,
            format!("no id column `{}` (columns: {listed})", shown(name)),
        )
        .zh(format!("没有 id 列 `{}`（现有列：{listed}）", shown(name))),
        None => Problem::new(
            at,
            kinds::MISSING,
            format!("no id column (expected a header such as `id` or `工号`; columns: {listed})"),
        )
        .zh(format!(
            "没有 id 列（表头应为 `id` 或 `工号` 等；现有列：{listed}）"
        )),
    }
}

/// A cell the number rule refused, at `records[i] (id).<header>`.
fn cell_problem(i: usize, id: &str, header: &str, message: String) -> Problem {
    let at = Loc::root().key("records").index(i).key(header);
    let p = crate::input::number_problem(at, message);
    if id.starts_with('\u{0}') || id.trim().is_empty() {
        p
    } else {
        p.with_id(id)
    }
}

/// The row a problem is about (`records[i]…`), for ordering; anything else first.
fn row_of(p: &Problem) -> usize {
    match p.loc.items() {
        [LocItem::Key(k), LocItem::Index(i), ..] if k == "records" => i.saturating_add(1),
        _ => 0,
    }
}
