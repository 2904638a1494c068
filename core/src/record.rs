//! Records: one person's numbers for a period, loaded from CSV exports here (JSON and host
//! values are read by the one record rule in [`crate::input`]).
//!
//! The core reads text (or any `std::io::Read`); it never opens files. Loading is all or nothing:
//! every bad row and cell is reported, and no record is returned from a half-read file.

use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::number::{parse_decimal, rule_error, Num};
use crate::plan::Plan;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// One person's numbers for the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Identifier of the person (employee number), unique in a batch.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Team (小组).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Department (部门).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Branch (分公司).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Any other attributes, carried through to the scorecard untouched.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// Measure values by measure id or alias; `null` or absent means missing.
    #[serde(
        default,
        deserialize_with = "de_measures",
        serialize_with = "ser_measures"
    )]
    pub measures: BTreeMap<String, Decimal>,
}

fn de_measures<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, Decimal>, D::Error> {
    let raw: BTreeMap<String, Option<Num>> = BTreeMap::deserialize(d)?;
    Ok(raw
        .into_iter()
        .filter_map(|(k, v)| v.map(|n| (k, n.0)))
        .collect())
}

fn ser_measures<S: serde::Serializer>(
    m: &BTreeMap<String, Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(m.len()))?;
    /// A measure value as the other decimals of results are written (marked for hosts).
    struct Value<'a>(&'a Decimal);
    impl serde::Serialize for Value<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            crate::number::serialize_decimal(self.0, s)
        }
    }
    for (k, v) in m {
        map.serialize_entry(k, &Value(v))?;
    }
    map.end()
}

impl Record {
    /// A record with an id and no values yet.
    pub fn new(id: impl Into<String>) -> Self {
        Record {
            id: id.into(),
            ..Default::default()
        }
    }

    /// Builder: set a measure value.
    pub fn with(mut self, measure: impl Into<String>, value: Decimal) -> Self {
        self.measures.insert(measure.into(), value);
        self
    }
}

/// Header names recognised as record attributes rather than measures (case-insensitive for ASCII).
const ATTRIBUTE_HEADERS: [(&str, &[&str]); 5] = [
    (
        "id",
        &[
            "id",
            "employee_id",
            "employee id",
            "工号",
            "员工编号",
            "编号",
        ],
    ),
    ("name", &["name", "employee", "姓名", "员工姓名"]),
    ("team", &["team", "团队", "小组"]),
    ("department", &["department", "dept", "部门"]),
    ("branch", &["branch", "分公司", "分支机构"]),
];

/// What a table's column header names, by the rule CSV exports and host frames share: a record
/// attribute (its index in the attribute list: 0 is the id), a measure of the plan (its slot), or
/// nothing the plan reads. A measure's id or alias wins over an attribute name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Header {
    Attribute(usize),
    Measure(usize),
    Ignored,
}

/// The attribute index of the id in [`Header::Attribute`].
pub(crate) const ID_ATTRIBUTE: usize = 0;

impl Plan {
    /// What header `h` names (ASCII case-insensitive for attributes).
    pub(crate) fn header(&self, h: &str) -> Header {
        if let Some(slot) = self.measure_slot(h) {
            return Header::Measure(slot);
        }
        ATTRIBUTE_HEADERS
            .iter()
            .position(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(h)))
            .map_or(Header::Ignored, Header::Attribute)
    }
}

enum Column {
    Attribute(usize),
    Measure(String),
    Ignored,
}

/// What is wrong with a cell that should hold a number: its kind, and the English and Chinese.
#[derive(Debug)]
struct CellError {
    kind: &'static str,
    message: String,
    zh: String,
}

impl CellError {
    /// The problem at `loc`.
    fn at(self, loc: Loc) -> Problem {
        Problem::new(loc, self.kind, self.message).zh(self.zh)
    }
}

/// Parse a CSV cell as a number: plain digits, or digits grouped by commas (`1,234,567.50`).
fn parse_cell(cell: &str) -> Result<Option<Decimal>, CellError> {
    let t = cell.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let grouped = t.contains(',');
    let parsed = if grouped {
        let (int, frac) = t.split_once('.').map_or((t, None), |(a, b)| (a, Some(b)));
        let int = int.strip_prefix('-').unwrap_or(int);
        let groups: Vec<&str> = int.split(',').collect();
        let well_formed = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3)
            && frac.is_none_or(|f| !f.contains(','));
        if !well_formed {
            return Err(CellError {
                kind: kinds::NOT_A_NUMBER,
                message: format!("`{t}` is not a number (commas must group thousands)"),
                zh: format!("`{t}` 不是数字（逗号只能用作千位分隔符）"),
            });
        }
        parse_decimal(&t.replace(',', ""))
    } else {
        parse_decimal(t)
    };
    parsed.map(Some).map_err(|message| {
        let (kind, zh) = rule_error(&message);
        CellError { kind, message, zh }
    })
}

/// A problem the csv crate found in the file's structure (a row with more or fewer cells than
/// the header, text that is not UTF-8), at its line, or at its cell when that is known. `line`
/// is used when the error has no position; `headers` are the file's, as far as they were read.
fn structure_problem(e: &csv::Error, line: u64, headers: &[String]) -> Problem {
    let line = e.position().map_or(line, |p| p.line());
    let message = e.to_string();
    let (loc, zh) = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => (
            Loc::csv(line, None),
            format!("这一行有 {len} 个单元格，而表头有 {expected_len} 列"),
        ),
        csv::ErrorKind::Utf8 { err, .. } => {
            let header = headers.get(err.field()).map(String::as_str);
            (
                Loc::csv(line, header),
                format!(
                    "第 {} 个单元格不是有效的 UTF-8 文本（请将文件另存为 UTF-8 编码）",
                    err.field().saturating_add(1)
                ),
            )
        }
        csv::ErrorKind::Io(_) => (Loc::csv(line, None), format!("读取 CSV 失败：{message}")),
        _ => (Loc::csv(line, None), format!("CSV 格式错误：{message}")),
    };
    Problem::new(loc, kinds::SYNTAX_ERROR, message).zh(zh)
}

impl Plan {
    /// Load records from CSV text with a header row.
    ///
    /// Headers are matched to record attributes (`id`/`工号`, `name`/`姓名`, `team`, `department`,
    /// `branch`) and to the plan's measure ids and aliases (e.g. `回款金额` → `collected`);
    /// other columns are ignored, since exports carry many. An empty cell is a missing value.
    /// Numbers may group thousands with commas. Text must be UTF-8 (a leading BOM is fine).
    ///
    /// Problems are located at the cell, by the 1-based line of the file and the column's header
    /// as the file writes it (`["line", 2, "销售额"]`, shown `line 2, column 销售额`), not by the
    /// measure it maps to: that is what the person sees in their export. See `docs/input.md`.
    pub fn records_from_csv(&self, text: &str) -> crate::Result<Vec<Record>> {
        self.records_from_csv_reader(text.as_bytes())
    }

    /// [`Plan::records_from_csv`] from any reader (a file the host opened, a network body).
    pub fn records_from_csv_reader<R: std::io::Read>(
        &self,
        reader: R,
    ) -> crate::Result<Vec<Record>> {
        CsvRecords::new(self, reader)?.part(usize::MAX)
    }
}

/// A CSV export read a part (some rows) at a time, so a long file can be scored part by part
/// with flat memory and a host can stop between parts. Every part's problems are located by the
/// file's lines and ids are checked across the whole file, so the parts together report exactly
/// what [`Plan::records_from_csv`] reports for the whole text; problems of the header come with
/// the first part.
pub(crate) struct CsvRecords<R> {
    rdr: csv::Reader<R>,
    headers: Vec<String>,
    columns: Vec<Column>,
    /// The column the id comes from (the last id column, should there be several).
    id_column: Option<usize>,
    ids: HashSet<String>,
    /// The header's problems, until the first part reports them.
    pending: Problems,
    /// Rows read so far.
    read: usize,
    done: bool,
}

impl<R: std::io::Read> CsvRecords<R> {
    /// Read the header row. A file whose header cannot be read at all is an error here.
    pub(crate) fn new(plan: &Plan, reader: R) -> crate::Result<CsvRecords<R>> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(reader);
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| Error::Input(vec![structure_problem(&e, 1, &[])]))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let mut pending = Problems::new();
        let mut columns = Vec::with_capacity(headers.len());
        let mut seen_measures = HashSet::new();
        for h in &headers {
            let col = match plan.header(h) {
                Header::Measure(slot) => {
                    let id = plan.measures()[slot].id.to_string();
                    if !seen_measures.insert(slot) {
                        pending.push(
                            Problem::new(
                                Loc::csv(1, Some(h)),
                                kinds::DUPLICATE,
                                format!("`{}` is a second column for measure `{id}`", shown(h)),
                            )
                            .zh(format!("`{}` 是指标数据 `{id}` 的第二列", shown(h))),
                        );
                    }
                    Column::Measure(id)
                }
                Header::Attribute(a) => Column::Attribute(a),
                Header::Ignored => Column::Ignored,
            };
            columns.push(col);
        }
        let id_column = columns
            .iter()
            .rposition(|c| matches!(c, Column::Attribute(ID_ATTRIBUTE)));
        if id_column.is_none() {
            pending.push(
                Problem::new(
                    Loc::csv(1, None),
                    kinds::MISSING,
                    "no id column (expected a header such as `id` or `工号`)",
                )
                .zh("没有 id 列（表头应为 `id` 或 `工号` 等）"),
            );
        }
        Ok(CsvRecords {
            rdr,
            headers,
            columns,
            id_column,
            ids: HashSet::new(),
            pending,
            read: 0,
            done: false,
        })
    }

    /// Whether every row has been read.
    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    /// Rows read so far (bad rows included).
    pub(crate) fn rows_read(&self) -> usize {
        self.read
    }

    /// The next (at most) `max` rows as records, all of their problems at once.
    pub(crate) fn part(&mut self, max: usize) -> crate::Result<Vec<Record>> {
        let mut problems = std::mem::take(&mut self.pending);
        let mut records = Vec::new();
        let mut row = csv::StringRecord::new();
        let mut read = 0usize;
        while read < max {
            match self.rdr.read_record(&mut row) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Err(e) => {
                    problems.push(structure_problem(&e, 0, &self.headers));
                    read = read.saturating_add(1);
                    // A failing reader fails again: stop rather than spin.
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.done = true;
                        break;
                    }
                    continue;
                }
            }
            read = read.saturating_add(1);
            let rec = self.record(&row, &mut problems);
            // Once something is wrong nothing is returned, so rows are only checked, not kept.
            if problems.is_empty() {
                records.push(rec);
            }
        }
        self.read = self.read.saturating_add(read);
        problems.finish(Error::Input, records)
    }

    /// One row as a record, its problems added to `problems`.
    fn record(&mut self, row: &csv::StringRecord, problems: &mut Problems) -> Record {
        let line = row.position().map_or(0, |p| p.line());
        let mut rec = Record::default();
        for ((cell, col), header) in row.iter().zip(&self.columns).zip(&self.headers) {
            match col {
                Column::Attribute(a) => {
                    let v = cell.trim().to_string();
                    match *a {
                        ID_ATTRIBUTE => rec.id = v,
                        _ if v.is_empty() => {}
                        1 => rec.name = Some(v),
                        2 => rec.team = Some(v),
                        3 => rec.department = Some(v),
                        _ => rec.branch = Some(v),
                    }
                }
                Column::Measure(id) => match parse_cell(cell) {
                    Ok(Some(v)) => {
                        rec.measures.insert(id.clone(), v);
                    }
                    Ok(None) => {}
                    Err(e) => problems.push(e.at(Loc::csv(line, Some(header)))),
                },
                Column::Ignored => {}
            }
        }
        if let Some(id_header) = self.id_column.and_then(|c| self.headers.get(c)) {
            let at = Loc::csv(line, Some(id_header));
            if rec.id.is_empty() {
                problems.push(Problem::new(at, kinds::EMPTY, "the id is empty").zh("记录 id 为空"));
            } else if !self.ids.insert(rec.id.clone()) {
                problems.push(
                    Problem::new(
                        at,
                        kinds::DUPLICATE,
                        format!("duplicate id `{}`", shown(&rec.id)),
                    )
                    .zh(format!("记录 id `{}` 重复", shown(&rec.id)))
                    .with_id(rec.id.as_str()),
                );
            }
        }
        rec
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        assert_eq!(
            parse_cell("1,234,567.50").unwrap(),
            Some(Decimal::new(123456750, 2))
        );
        assert_eq!(parse_cell(" 42 ").unwrap(), Some(Decimal::from(42)));
        assert_eq!(parse_cell("").unwrap(), None);
        assert!(parse_cell("1,23").is_err());
        assert!(parse_cell("12%").is_err());
        assert!(parse_cell("abc").is_err());
    }
}
