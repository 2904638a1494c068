//! Reading facts: each source's rows from JSON objects or CSV text, by one cell rule per column
//! type, every bad cell reported with its source, row, column and fact id, all at once.

mod chunks;
mod texts;

pub(crate) use texts::Texts;

use super::compile::{bad_date, folded, Column, Model, Source};
use super::date::Date;
use super::spec::ColumnType;
use crate::batch::Threads;
use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::input::scalar;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// One cell, typed by its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Cell {
    Missing,
    Num(Decimal),
    /// An index into [`Texts`].
    Text(usize),
    Bool(bool),
    Date(Date),
}

/// One fact of a source.
#[derive(Debug, Clone)]
pub(crate) struct Fact {
    /// Its place in the source: the 0-based row of the list or CSV data it was read from, or,
    /// in a live store, the order it arrived in.
    pub row: usize,
    /// Its id: shared by the store's index, so held once.
    pub id: Arc<str>,
    pub date: Date,
    /// The credited people (each a [`Texts`] index).
    pub credits: Credits,
    pub cells: Vec<Cell>,
    /// Whether it passes each fact measure's filter (by the model's measure index; `false` for
    /// measures of other sources), decided once when it is stored.
    pub qualifies: Passes,
}

/// Who is credited with a fact. The owner alone is most facts: held without a list of one.
#[derive(Debug, Clone)]
pub(crate) enum Credits {
    Unassigned,
    /// The owner, with all the credit.
    Owner(usize),
    /// People with their share in percent, adding up to 100.
    Split(Vec<(usize, Decimal)>),
}

impl Fact {
    /// The people the fact is indexed under: each credited person, or `None` when unassigned.
    pub(super) fn holders(&self) -> impl Iterator<Item = Option<usize>> + '_ {
        let (one, split): (Option<Option<usize>>, &[(usize, Decimal)]) = match &self.credits {
            Credits::Unassigned => (Some(None), &[]),
            Credits::Owner(p) => (Some(Some(*p)), &[]),
            Credits::Split(shares) => (None, shares),
        };
        one.into_iter().chain(split.iter().map(|&(p, _)| Some(p)))
    }

    /// The share of the fact credited to `person`, as a fraction (0.6 for 60 %).
    pub(super) fn share_of(&self, person: usize) -> Decimal {
        let pct = match &self.credits {
            Credits::Unassigned => None,
            // The whole fact, without dividing 100 by 100 for each one.
            Credits::Owner(p) if *p == person => return Decimal::ONE,
            Credits::Owner(_) => None,
            Credits::Split(shares) => shares
                .iter()
                .find(|&&(p, _)| p == person)
                .map(|&(_, pct)| pct),
        };
        pct.and_then(|pct| pct.checked_div(Decimal::ONE_HUNDRED))
            .unwrap_or(Decimal::ZERO)
    }
}

/// Which of the model's measures a fact passes, one bit each: no list to allocate per fact for
/// up to 64 measures.
#[derive(Debug, Clone, Default)]
pub(crate) struct Passes {
    low: u64,
    more: Vec<u64>,
}

impl Passes {
    /// Whether measure `m` is passed.
    pub(super) fn has(&self, m: usize) -> bool {
        let (word, bit) = Passes::place(m);
        let w = if word == 0 {
            Some(self.low)
        } else {
            self.more.get(word.saturating_sub(1)).copied()
        };
        w.is_some_and(|w| w & bit != 0)
    }

    /// Mark measure `m` passed.
    pub(super) fn set(&mut self, m: usize) {
        let (word, bit) = Passes::place(m);
        if word == 0 {
            self.low |= bit;
            return;
        }
        let i = word.saturating_sub(1);
        if self.more.len() <= i {
            self.more.resize(i.saturating_add(1), 0);
        }
        if let Some(w) = self.more.get_mut(i) {
            *w |= bit;
        }
    }

    /// Measure `m`'s word and bit.
    fn place(m: usize) -> (usize, u64) {
        let word = m.checked_div(64).unwrap_or(0);
        let bit = m.checked_rem(64).unwrap_or(0);
        (word, 1u64.checked_shl(bit as u32).unwrap_or(0))
    }
}

/// Read `value` (`{"orders": [{…}, …] or "CSV text", …}`) for `model`: each source's facts
/// in the plan's source order (a source not given has none). All or nothing: every problem of
/// every source at once.
pub(super) fn read(
    model: &Model,
    value: Value,
    at: &Loc,
    texts: &mut Texts,
) -> crate::Result<Vec<Vec<Fact>>> {
    let mut problems = Problems::new();
    let mut tables = vec![Vec::new(); model.sources.len()];
    let Value::Object(map) = value else {
        return Err(Error::Input(vec![Problem::new(
            at.clone(),
            kinds::WRONG_TYPE,
            "expected an object of sources: {\"orders\": [...], ...}",
        )
        .zh("应为按数据源给出的对象：{\"orders\": [...], ...}")]));
    };
    for (key, rows) in map {
        let sat = at.clone().key(key.as_str());
        let Some(index) = source_index(model, &key, &sat, &mut problems) else {
            continue;
        };
        if let (Some(source), Some(table)) = (model.sources.get(index), tables.get_mut(index)) {
            *table = read_source(source, rows, &sat, texts, &mut problems);
        }
    }
    problems.finish(Error::Input, tables)
}

/// The index of the source named `key`, or its problem reported.
pub(super) fn source_index(
    model: &Model,
    key: &str,
    at: &Loc,
    problems: &mut Problems,
) -> Option<usize> {
    let found = model.sources.iter().position(|s| *s.id == *key);
    if found.is_none() {
        let known: Vec<&str> = model.sources.iter().map(|s| &*s.id).collect();
        problems.push(
            Problem::new(
                at.clone(),
                kinds::UNKNOWN_REFERENCE,
                format!(
                    "no source `{}` in the plan (sources: {})",
                    shown(key),
                    known.join(", ")
                ),
            )
            .zh(format!("方案中没有数据源 `{}`", shown(key))),
        );
    }
    found
}

/// One source's rows: a list of objects or CSV text.
pub(super) fn read_source(
    source: &Source,
    rows: Value,
    at: &Loc,
    texts: &mut Texts,
    problems: &mut Problems,
) -> Vec<Fact> {
    match rows {
        Value::String(csv) => read_csv(source, &csv, at, texts, problems),
        Value::Array(rows) => read_rows(source, rows, at, texts, problems),
        other => {
            problems.push(not_rows(at, ["a list of facts", "事实列表"], &other));
            Vec::new()
        }
    }
}

/// `value` where rows were expected: a list of objects or CSV text (`what`: of what, in English
/// and Chinese).
pub(super) fn not_rows(at: &Loc, what: [&str; 2], value: &Value) -> Problem {
    let [en, zh] = what;
    Problem::new(
        at.clone(),
        kinds::WRONG_TYPE,
        format!("expected {en} or CSV text, found {}", scalar::what(value)),
    )
    .zh(format!(
        "应为{zh}或 CSV 文本，实际为{}",
        scalar::what_zh(value)
    ))
}

/// Rows as JSON objects, keyed by column id or alias; other keys are ignored.
fn read_rows(
    source: &Source,
    rows: Vec<Value>,
    at: &Loc,
    texts: &mut Texts,
    problems: &mut Problems,
) -> Vec<Fact> {
    let mut out = Vec::with_capacity(rows.len());
    let mut seen = Seen::new(source, rows.len());
    for (row, value) in rows.into_iter().enumerate() {
        let rat = at.clone().index(row);
        let Value::Object(fields) = value else {
            problems.push(
                Problem::new(
                    rat,
                    kinds::WRONG_TYPE,
                    format!(
                        "expected a fact (an object), found {}",
                        scalar::what(&value)
                    ),
                )
                .zh(format!(
                    "应为一条事实（对象），实际为{}",
                    scalar::what_zh(&value)
                )),
            );
            continue;
        };
        let mut given: Vec<Option<(String, Value)>> = vec![None; source.columns.len()];
        for (key, v) in fields {
            let Some(&j) = source.lookup.get(&folded(&key)) else {
                continue;
            };
            if let Some(slot) = given.get_mut(j) {
                if slot.is_some() {
                    problems.push(
                        Problem::new(
                            rat.clone().key(key.as_str()),
                            kinds::DUPLICATE,
                            format!("`{}` is a second key for one column", shown(&key)),
                        )
                        .zh(format!("`{}` 与另一个键指向同一列", shown(&key))),
                    );
                }
                *slot = Some((key, v));
            }
        }
        let keys: Vec<String> = given
            .iter()
            .zip(&source.columns)
            .map(|(g, c)| {
                g.as_ref()
                    .map_or_else(|| c.id.to_string(), |(k, _)| k.clone())
            })
            .collect();
        let cells = given
            .into_iter()
            .map(|g| Raw::Value(g.map_or(Value::Null, |(_, v)| v)));
        let loc = |j: usize| rat.clone().key(keys.get(j).map_or("", String::as_str));
        if let Some(fact) = read_fact(source, row, cells, &loc, texts, &mut seen, problems) {
            out.push(fact);
        }
    }
    out
}

/// CSV text with a header row; headers match column ids and aliases, other columns are
/// ignored, and a column the source needs (not `optional`) must be there.
fn read_csv(
    source: &Source,
    text: &str,
    at: &Loc,
    texts: &mut Texts,
    problems: &mut Problems,
) -> Vec<Fact> {
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
            return Vec::new();
        }
    };
    let mut place: Vec<Option<usize>> = vec![None; source.columns.len()];
    for (k, h) in headers.iter().enumerate() {
        if let Some(&j) = source.lookup.get(&folded(h)) {
            match place.get_mut(j) {
                Some(Some(_)) => problems.push(
                    Problem::new(
                        at.clone().join(&Loc::csv(1, Some(h))),
                        kinds::DUPLICATE,
                        format!("`{}` is a second column for one source column", shown(h)),
                    )
                    .zh(format!("`{}` 与另一列指向同一数据列", shown(h))),
                ),
                Some(slot) => *slot = Some(k),
                None => {}
            }
        }
    }
    let absent: Vec<&Column> = source
        .columns
        .iter()
        .zip(&place)
        .filter(|(c, p)| p.is_none() && !c.optional)
        .map(|(c, _)| c)
        .collect();
    for c in &absent {
        problems.push(
            Problem::new(
                at.clone().join(&Loc::csv(1, None)),
                kinds::MISSING,
                format!("no column for `{}` in the header", c.id),
            )
            .zh(format!("表头中没有 `{}` 列", c.id)),
        );
    }
    if !absent.is_empty() {
        return Vec::new();
    }
    // Room for every line, so a large export is not copied as it grows.
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    let columns = Columns {
        source,
        headers: &headers,
        place: &place,
        at,
    };
    let threads = csv_threads().count(lines);
    if threads > 1 {
        let body = usize::try_from(rdr.position().byte())
            .ok()
            .and_then(|p| text.get(p..));
        if let Some(facts) =
            body.and_then(|body| chunks::read(&columns, body, threads, texts, problems))
        {
            return facts;
        }
    }
    let (mut out, mut seen) = (Vec::with_capacity(lines), Seen::new(source, lines));
    let mut record = csv::StringRecord::new();
    let mut row = 0usize;
    loop {
        // Line numbers count the header as line 1.
        let line = row.saturating_add(2) as u64;
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                problems.push(crate::input::csv_problem(
                    at.clone().join(&Loc::csv(line, None)),
                    &e,
                ));
                row = row.saturating_add(1);
                continue;
            }
        }
        let cells = columns.cells(&record);
        // A cell's location is built only for a problem.
        let loc = |j: usize| columns.loc(row, j);
        if let Some(fact) = read_fact(source, row, cells, &loc, texts, &mut seen, problems) {
            out.push(fact);
        }
        row = row.saturating_add(1);
    }
    out
}

/// The way a CSV text's columns are read: which of its columns holds each source column.
pub(super) struct Columns<'a> {
    pub source: &'a Source,
    /// The header row's names.
    pub headers: &'a [String],
    /// By source column, the CSV column holding it.
    pub place: &'a [Option<usize>],
    /// Where the CSV text is.
    pub at: &'a Loc,
}

impl Columns<'_> {
    /// The cells of `record`, by source column.
    pub(super) fn cells<'r>(
        &'r self,
        record: &'r csv::StringRecord,
    ) -> impl Iterator<Item = Raw<'r>> + 'r {
        self.place.iter().map(|p| {
            Raw::Text(crate::text::trimmed(
                p.and_then(|k| record.get(k)).unwrap_or(""),
            ))
        })
    }

    /// The location of source column `j` on data row `row` (0-based; the header is line 1).
    pub(super) fn loc(&self, row: usize, j: usize) -> Loc {
        let line = row.saturating_add(2) as u64;
        let header = self
            .place
            .get(j)
            .copied()
            .flatten()
            .and_then(|k| self.headers.get(k))
            .map(String::as_str)
            .or_else(|| self.source.columns.get(j).map(|c| &*c.id));
        self.at.clone().join(&Loc::csv(line, header))
    }
}

thread_local! {
    /// The threads CSV text is read on, when a test forces them (`None`: [`Threads::Auto`]).
    static CSV_THREADS: std::cell::Cell<Option<Threads>> = const { std::cell::Cell::new(None) };
}

/// The threads CSV text is read on: [`Threads::Auto`] unless [`with_csv_threads`] says.
fn csv_threads() -> Threads {
    CSV_THREADS.with(std::cell::Cell::get).unwrap_or_default()
}

/// `f` with the CSV text of facts read on `threads` (on this thread's calls), so tests can
/// compare a one-thread read with a chunked one.
pub(crate) fn with_csv_threads<T>(threads: Threads, f: impl FnOnce() -> T) -> T {
    let before = CSV_THREADS.with(|c| c.replace(Some(threads)));
    let out = f();
    CSV_THREADS.with(|c| c.set(before));
    out
}

/// A cell as given: text (CSV, borrowed from the record) or a JSON value.
pub(super) enum Raw<'a> {
    Text(&'a str),
    Value(Value),
}

/// What the reading of one source's facts has seen so far.
pub(super) struct Seen {
    /// The fact ids, with their rows.
    ids: HashMap<Arc<str>, usize>,
    /// Per column, the text index of each of an enum column's values once one is read, so the
    /// many cells of a few values are not each looked up among all the texts.
    enums: Vec<Vec<Option<usize>>>,
}

impl Seen {
    fn new(source: &Source, facts: usize) -> Seen {
        Seen {
            ids: HashMap::with_capacity(facts),
            enums: source
                .columns
                .iter()
                .map(|c| vec![None; c.values.len()])
                .collect(),
        }
    }
}

/// An enum cell's text index, when `text` is one of the column's values (`None` otherwise: read
/// it by [`text_cell`], which reports what is wrong).
pub(super) fn enum_cell(
    column: &Column,
    known: Option<&mut Vec<Option<usize>>>,
    text: &str,
    texts: &mut Texts,
) -> Option<usize> {
    let text = crate::text::trimmed(text);
    if column.kind != ColumnType::Enum || text.is_empty() {
        return None;
    }
    let slot = known?.get_mut(column.values.iter().position(|v| v == text)?)?;
    Some(*slot.get_or_insert_with(|| texts.intern(text)))
}

/// One fact from its cells, or `None` once its problems are reported. `loc(j)` is column `j`'s
/// location, built only when that cell has a problem.
fn read_fact<'a>(
    source: &Source,
    row: usize,
    cells: impl Iterator<Item = Raw<'a>>,
    loc: &dyn Fn(usize) -> Loc,
    texts: &mut Texts,
    seen: &mut Seen,
    problems: &mut Problems,
) -> Option<Fact> {
    let parsed = parse_fact(source, cells, texts, &mut seen.enums);
    let mut first = None;
    if let Some(id) = &parsed.id {
        if let Some(&f) = seen.ids.get(id) {
            first = Some(f);
        } else {
            seen.ids.insert(Arc::clone(id), row);
        }
    }
    settle(source, row, parsed, first, loc, problems)
}

/// One record's cells read, before its id is checked against the facts before it.
pub(super) struct Parsed {
    pub id: Option<Arc<str>>,
    /// The problems of its cells, each with its column, located at the cell.
    pub cell_problems: Vec<(usize, Problem)>,
    /// The problem of its credit split, with its column, located at the cell.
    pub credit_problem: Option<(usize, Problem)>,
    pub date: Option<Date>,
    pub credits: Credits,
    pub cells: Vec<Cell>,
}

impl Parsed {
    /// Whether a cell or the credit split has a problem.
    pub(super) fn has_problems(&self) -> bool {
        !self.cell_problems.is_empty() || self.credit_problem.is_some()
    }

    /// The fact, when nothing is wrong with it (its id not yet checked).
    pub(super) fn into_fact(self, row: usize) -> Option<Fact> {
        if self.has_problems() {
            return None;
        }
        Some(Fact {
            row,
            id: self.id?,
            date: self.date?,
            credits: self.credits,
            cells: self.cells,
            qualifies: Passes::default(),
        })
    }
}

/// A record's cells read by their columns' rules; `enums` is the enum values' text indices seen
/// so far (per column).
pub(super) fn parse_fact<'a>(
    source: &Source,
    cells: impl Iterator<Item = Raw<'a>>,
    texts: &mut Texts,
    enums: &mut [Vec<Option<usize>>],
) -> Parsed {
    let mut cell_problems: Vec<(usize, Problem)> = Vec::new();
    let mut read: Vec<Cell> = Vec::with_capacity(source.columns.len());
    let mut scratch = Problems::new();
    let mut id: Option<Arc<str>> = None;
    for (j, (raw, column)) in cells.zip(&source.columns).enumerate() {
        // An empty owner is an unassigned fact; id and date are needed whatever `optional` says.
        let may_be_empty = j == source.owner_col
            || (column.optional && j != source.id_col && j != source.date_col);
        let cell = if j == source.id_col {
            // Ids are many and distinct: kept as the fact's own text, not among the texts.
            id = fact_id(column, raw, &mut scratch);
            Cell::Missing
        } else {
            match raw {
                Raw::Text(text) => match enum_cell(column, enums.get_mut(j), text, texts) {
                    Some(t) => Cell::Text(t),
                    None => text_cell(column, may_be_empty, text, texts, &mut scratch),
                },
                Raw::Value(value) => value_cell(column, may_be_empty, value, texts, &mut scratch),
            }
        };
        if !scratch.is_empty() {
            let found = std::mem::take(&mut scratch).into_vec();
            cell_problems.extend(found.into_iter().map(|p| (j, p)));
        }
        read.push(cell);
    }
    let date = match read.get(source.date_col) {
        Some(Cell::Date(d)) => Some(*d),
        _ => None,
    };
    let owner = match read.get(source.owner_col) {
        Some(Cell::Text(t)) => Some(*t),
        _ => None,
    };
    let split = source.credit_col.and_then(|j| match read.get(j) {
        Some(Cell::Text(t)) => Some((j, *t)),
        _ => None,
    });
    let mut credit_problem = None;
    let credits = match split {
        Some((j, t)) => {
            let text = texts.get(t).to_owned();
            match split_credit(&text) {
                Ok(shares) => Credits::Split(
                    shares
                        .into_iter()
                        .map(|(person, share)| (texts.intern(&person), share))
                        .collect(),
                ),
                Err(p) => {
                    credit_problem = Some((j, p));
                    Credits::Unassigned
                }
            }
        }
        None => owner.map_or(Credits::Unassigned, Credits::Owner),
    };
    Parsed {
        id,
        cell_problems,
        credit_problem,
        date,
        credits,
        cells: read,
    }
}

/// The fact of a parsed record at `row`, or `None` once its problems are reported: its cells',
/// then, when `first` (the row its id was first read on) is given, its id's, then its credit
/// split's, each placed under `loc(j)` and naming the fact's id.
pub(super) fn settle(
    source: &Source,
    row: usize,
    mut parsed: Parsed,
    first: Option<usize>,
    loc: &dyn Fn(usize) -> Loc,
    problems: &mut Problems,
) -> Option<Fact> {
    if !parsed.has_problems() && first.is_none() {
        return parsed.into_fact(row);
    }
    let mut local: Vec<Problem> = std::mem::take(&mut parsed.cell_problems)
        .into_iter()
        .map(|(j, p)| p.under(&loc(j)))
        .collect();
    if let (Some(id), Some(first)) = (&parsed.id, first) {
        local.push(
            Problem::new(
                loc(source.id_col),
                kinds::DUPLICATE,
                format!("fact id `{}` is also on row {first}", shown(id)),
            )
            .zh(format!("事实编号 `{}` 与第 {first} 行重复", shown(id))),
        );
    }
    if let Some((j, p)) = parsed.credit_problem.take() {
        local.push(p.under(&loc(j)));
    }
    for p in local {
        problems.push(match &parsed.id {
            Some(id) => p.with_id(id.to_string()),
            None => p,
        });
    }
    None
}

/// A fact's id: text (a JSON number as its text), or a whole number in an integer id column
/// (written without trailing zeros); never empty.
fn fact_id(column: &Column, raw: Raw<'_>, problems: &mut Problems) -> Option<Arc<str>> {
    // Text as it is (trimmed): the rule below without a table of texts for one id.
    if let (Raw::Text(text), ColumnType::Text) = (&raw, column.kind) {
        let text = crate::text::trimmed(text);
        if !text.is_empty() {
            return Some(Arc::from(text));
        }
    }
    let mut texts = Texts::default();
    let cell = match raw {
        Raw::Text(text) => text_cell(column, false, text, &mut texts, problems),
        Raw::Value(value) => value_cell(column, false, value, &mut texts, problems),
    };
    match cell {
        Cell::Text(t) => Some(Arc::from(texts.get(t))),
        Cell::Num(n) => Some(Arc::from(n.normalize().to_string())),
        _ => None,
    }
}

/// A split of credit, `E001:60;E002:40` (`;`, `,` or `、` between people, `:` or `=` before a
/// share in percent, which may end in `%`): every person once, every share positive, exactly 100
/// in all.
fn split_credit(text: &str) -> Result<Vec<(String, Decimal)>, Problem> {
    let bad =
        |what: String, zh: String| Problem::new(Loc::root(), kinds::INVALID_VALUE, what).zh(zh);
    let mut out: Vec<(String, Decimal)> = Vec::new();
    let mut total = Decimal::ZERO;
    for part in text
        .split([';', ',', '、'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let Some((person, share)) = part.split_once([':', '=']) else {
            return Err(bad(
                format!(
                    "`{}` is not a credit split like E001:60;E002:40",
                    shown(text)
                ),
                format!("`{}` 不是分配比例（如 E001:60;E002:40）", shown(text)),
            ));
        };
        let (person, share) = (person.trim(), share.trim().trim_end_matches('%').trim());
        let share = crate::input::parse_decimal(share).map_err(|_| {
            bad(
                format!(
                    "`{}`: the share of `{}` is not a number",
                    shown(text),
                    shown(person)
                ),
                format!("`{}`：`{}` 的比例不是数字", shown(text), shown(person)),
            )
        })?;
        if person.is_empty() || share <= Decimal::ZERO {
            return Err(bad(
                format!(
                    "`{}`: every share names a person and is above 0",
                    shown(text)
                ),
                format!("`{}`：每一份都要写明人员且比例大于 0", shown(text)),
            ));
        }
        if out.iter().any(|(p, _)| p == person) {
            return Err(Problem::new(
                Loc::root(),
                kinds::DUPLICATE,
                format!("`{}` names `{}` twice", shown(text), shown(person)),
            )
            .zh(format!(
                "`{}` 中 `{}` 出现了两次",
                shown(text),
                shown(person)
            )));
        }
        total = total.checked_add(share).unwrap_or(Decimal::MAX);
        out.push((person.to_owned(), share));
    }
    if total != Decimal::ONE_HUNDRED {
        return Err(Problem::new(
            Loc::root(),
            kinds::WEIGHTS_DO_NOT_SUM,
            format!(
                "the shares of `{}` add up to {}%, not 100%",
                shown(text),
                total.normalize()
            ),
        )
        .zh(format!(
            "`{}` 的比例合计为 {}%，应为 100%",
            shown(text),
            total.normalize()
        )));
    }
    Ok(out)
}

/// A JSON cell: `null` and empty text are an empty cell; text is read by [`text_cell`]; a
/// number is a number (or, in a text column, its text); a boolean a boolean.
fn value_cell(
    column: &Column,
    may_be_empty: bool,
    value: Value,
    texts: &mut Texts,
    problems: &mut Problems,
) -> Cell {
    let here = Loc::root();
    let value = match crate::json::markers::resolve(value, &here, problems) {
        crate::json::markers::Resolved::Value(v) => v,
        crate::json::markers::Resolved::Refused => return Cell::Missing,
    };
    match (&value, column.kind) {
        (Value::String(s), _) => text_cell(column, may_be_empty, s, texts, problems),
        (Value::Null, _) => empty(column, may_be_empty, problems),
        (Value::Number(n), ColumnType::Text) => Cell::Text(texts.intern(&n.to_string())),
        (Value::Number(_), ColumnType::Decimal | ColumnType::Integer) => {
            match scalar::number(value, &here, problems) {
                Ok(Some(n)) => checked_number(column, n, problems),
                _ => Cell::Missing,
            }
        }
        (Value::Bool(b), ColumnType::Boolean) => Cell::Bool(*b),
        (other, kind) => {
            let (expected, zh) = match kind {
                ColumnType::Text | ColumnType::Enum => ("text", "文本"),
                ColumnType::Decimal | ColumnType::Integer => ("a number", "数字"),
                ColumnType::Date => ("a date like 2026-06-30", "日期"),
                ColumnType::Boolean => ("true or false", "是或否"),
            };
            problems.push(
                Problem::new(
                    here,
                    kinds::WRONG_TYPE,
                    format!("expected {expected}, found {}", scalar::what(other)),
                )
                .zh(format!("应为{zh}，实际为{}", scalar::what_zh(other))),
            );
            Cell::Missing
        }
    }
}

/// An empty cell: a problem unless the column may be empty.
fn empty(column: &Column, may_be_empty: bool, problems: &mut Problems) -> Cell {
    if !may_be_empty {
        problems.push(
            Problem::new(
                Loc::root(),
                kinds::MISSING,
                format!("`{}` is empty", column.id),
            )
            .zh(format!("`{}` 为空", column.id)),
        );
    }
    Cell::Missing
}

/// A cell from text by its column's rule (CSV cells, and JSON text); blank text is empty.
fn text_cell(
    column: &Column,
    may_be_empty: bool,
    text: &str,
    texts: &mut Texts,
    problems: &mut Problems,
) -> Cell {
    let text = crate::text::trimmed(text);
    if text.is_empty() {
        return empty(column, may_be_empty, problems);
    }
    let here = Loc::root();
    match column.kind {
        ColumnType::Text => Cell::Text(texts.intern(text)),
        ColumnType::Enum if column.values.iter().any(|v| v == text) => {
            Cell::Text(texts.intern(text))
        }
        ColumnType::Enum => {
            problems.push(
                Problem::new(
                    here,
                    kinds::INVALID_VALUE,
                    format!(
                        "`{}` is not one of {}",
                        shown(text),
                        column.values.join(", ")
                    ),
                )
                .zh(format!(
                    "`{}` 不在可取值 {} 之中",
                    shown(text),
                    column.values.join("、")
                )),
            );
            Cell::Missing
        }
        ColumnType::Decimal | ColumnType::Integer => match crate::input::parse_decimal(text) {
            Ok(n) => checked_number(column, n, problems),
            Err(message) => {
                problems.push(crate::input::number_problem(here, message));
                Cell::Missing
            }
        },
        ColumnType::Date => Date::parse(text).map_or_else(
            || {
                problems.push(bad_date(here, text));
                Cell::Missing
            },
            Cell::Date,
        ),
        ColumnType::Boolean => match boolean(text) {
            Some(b) => Cell::Bool(b),
            None => {
                problems.push(
                    Problem::new(
                        here,
                        kinds::INVALID_VALUE,
                        format!("expected true or false, found `{}`", shown(text)),
                    )
                    .zh(format!(
                        "应为是或否（true / false），实际为 `{}`",
                        shown(text)
                    )),
                );
                Cell::Missing
            }
        },
    }
}

/// A number checked against its column: whole for integers, not negative where forbidden.
fn checked_number(column: &Column, n: Decimal, problems: &mut Problems) -> Cell {
    let here = Loc::root();
    if column.kind == ColumnType::Integer && !n.fract().is_zero() {
        problems.push(
            Problem::new(
                here,
                kinds::INVALID_VALUE,
                format!("expected a whole number, found {n}"),
            )
            .zh(format!("应为整数，实际为 {n}")),
        );
        return Cell::Missing;
    }
    if column.non_negative && n.is_sign_negative() && !n.is_zero() {
        problems.push(
            Problem::new(
                here,
                kinds::NEGATIVE,
                format!("`{}` may not be negative ({n})", column.id),
            )
            .zh(format!("`{}` 不能为负数（{n}）", column.id)),
        );
        return Cell::Missing;
    }
    Cell::Num(n)
}

/// Boolean text as exports write it.
fn boolean(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" => Some(true),
        "false" | "no" | "n" | "0" | "否" => Some(false),
        _ => None,
    }
}
