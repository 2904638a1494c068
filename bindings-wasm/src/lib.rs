//! WebAssembly binding of perfscore.
//!
//! Deliberately thin: every function takes and returns JSON text, so the boundary carries exact
//! decimal strings and nothing else. The hand-written JS wrapper (`js/api.mjs`) builds the public
//! `Plan` class and `Error` objects on top. A failure is returned as a thrown JS string holding
//! `{"message": <Display>, "canonical": <Error::to_canonical_json()>}`.

mod analytics;

use perfscore::feedback::{Answer, Feedback, Response};
use perfscore::number::DecimalText;
use perfscore::{Error, Lang, PayPlan, Plan, Problem, Record, ScoreOptions, Summary};
use rust_decimal::Decimal;
use wasm_bindgen::prelude::*;

#[cfg(target_arch = "wasm32")]
mod alloc;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(text: &str);
}

/// Installed when the module is instantiated: a panic (there should be none: the core has no
/// panics on input paths) is written to the console before the instance traps; the JS wrapper
/// then re-instantiates the module.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!("perfscore-wasm panicked: {info}"));
    }));
}

/// The error envelope thrown to JS.
fn envelope(e: &Error) -> String {
    let e = &e.clone().bounded();
    serde_json::json!({ "message": e.to_string(), "canonical": e.to_canonical_json() }).to_string()
}

/// A problem at a path this binding spelled out (its readers move to the core's input layer).
fn problem(path: String, message: String) -> Problem {
    Problem::new(
        perfscore::Loc::from_path(&path),
        perfscore::kinds::INVALID,
        message,
    )
}

fn input_error(path: &str, message: impl Into<String>) -> Error {
    Error::Input(vec![problem(path.into(), message.into())])
}

fn options(text: &str) -> perfscore::Result<ScoreOptions> {
    if text.trim().is_empty() {
        Ok(ScoreOptions::default())
    } else {
        ScoreOptions::from_json(text)
    }
}

/// The bundled demo plan (`monthly-sales-rep`), JSON text.
#[wasm_bindgen(js_name = demoPlanJson)]
pub fn demo_plan_json() -> String {
    perfscore::templates::DEMO_PLAN_JSON.to_string()
}

/// The bundled 12-person demo team, CSV text.
#[wasm_bindgen(js_name = demoTeamCsv)]
pub fn demo_team_csv() -> String {
    perfscore::templates::DEMO_TEAM_CSV.to_string()
}

/// A plan template's JSON text by id.
#[wasm_bindgen(js_name = templateJson)]
pub fn template_json(id: &str) -> Result<String, String> {
    perfscore::templates::plan_template(id)
        .map(str::to_string)
        .ok_or_else(|| {
            let known: Vec<&str> = perfscore::templates::PLAN_TEMPLATES
                .iter()
                .map(|(k, _)| *k)
                .collect();
            envelope(&Error::Plan(vec![problem(
                "template".into(),
                format!("unknown template `{id}` (known: {})", known.join(", ")),
            )]))
        })
}

/// Traps the instance on purpose, so tests can check that the JS wrapper recovers.
#[doc(hidden)]
#[wasm_bindgen(js_name = __testTrap)]
pub fn test_trap() {
    panic!("deliberate trap for the recovery test");
}

/// A compiled plan held inside the wasm instance.
#[wasm_bindgen]
pub struct CorePlan {
    plan: Plan,
}

impl CorePlan {
    fn one_record(&self, record_json: &str) -> perfscore::Result<Record> {
        let mut records = self
            .plan
            .records_from_json(&format!("[{record_json}]"))
            .map_err(|e| {
                let fix = |p: &Problem| {
                    problem(
                        p.path().replacen("records[0]", "record", 1),
                        p.message.clone(),
                    )
                };
                Error::Input(e.problems().iter().map(fix).collect())
            })?;
        records
            .pop()
            .ok_or_else(|| input_error("record", "expected one record"))
    }

    /// Records for a batch. When the array does not load, every bad record is reported (the core
    /// loader stops at the first structural error), each with its `records[i]` path.
    fn parse_records(&self, text: &str) -> perfscore::Result<Vec<Record>> {
        let first = match self.plan.records_from_json(text) {
            Ok(records) => return Ok(records),
            Err(e) => e,
        };
        let Ok(items) = serde_json::from_str::<Vec<serde_json::Value>>(text) else {
            return Err(first);
        };
        let mut problems = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if let Err(e) = self.plan.records_from_json(&format!("[{item}]")) {
                let at = format!("records[{i}]");
                problems.extend(
                    e.problems().iter().map(|p| {
                        problem(p.path().replacen("records[0]", &at, 1), p.message.clone())
                    }),
                );
            }
        }
        if problems.is_empty() {
            Err(first)
        } else {
            Err(Error::Input(problems))
        }
    }

    fn score_one(
        &self,
        record_json: &str,
        options_json: &str,
    ) -> perfscore::Result<perfscore::Scorecard> {
        // Record problems before option problems, as the Node binding.
        let record = self.one_record(record_json)?;
        let options = options(options_json)?;
        self.plan.score_with(&record, &options)
    }
}

impl CorePlan {
    /// `Plan::score_many` written straight into one buffer, one canonical scorecard per line, each
    /// scorecard dropped once written: the same result and problems (the loader has already refused
    /// duplicate ids), without holding every scorecard, every line and their join at once.
    fn score_lines(&self, records: &[Record], options: &ScoreOptions) -> perfscore::Result<String> {
        let mut scorer = self.plan.scorer(options)?;
        let mut out = Lines::with_capacity(records.len());
        let mut problems = Vec::new();
        for (i, r) in records.iter().enumerate() {
            match scorer.score_at(r, Some(i)) {
                Ok(card) if problems.is_empty() => {
                    out.push(|buf| serde_json::to_writer(buf, &card))
                }
                Ok(_) => {}
                Err(e) => problems.extend(e.problems().iter().cloned()),
            }
        }
        if problems.is_empty() {
            Ok(out.finish())
        } else {
            Err(Error::Input(problems))
        }
    }
}

/// Canonical JSON documents, one per line, in one buffer.
struct Lines(Vec<u8>);

impl Lines {
    /// Room for `n` scorecards (about 4 KB each with the bundled plans) up front.
    fn with_capacity(n: usize) -> Self {
        Lines(Vec::with_capacity(n.saturating_mul(2048)))
    }

    /// One document, written by `write` (`serde_json::to_writer` of a scorecard or statement: the
    /// same bytes as the core's `to_canonical_json`, which is `serde_json::to_string`).
    fn push(&mut self, write: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>) {
        if !self.0.is_empty() {
            self.0.push(b'\n');
        }
        let start = self.0.len();
        if write(&mut self.0).is_err() {
            self.0.truncate(start);
            self.0.extend_from_slice(b"{}");
        }
    }

    fn finish(self) -> String {
        // serde_json writes UTF-8 only.
        String::from_utf8(self.0).unwrap_or_default()
    }
}

fn records_json(records: perfscore::Result<Vec<Record>>) -> Result<String, String> {
    let records = records.map_err(|e| envelope(&e))?;
    serde_json::to_string(&records).map_err(|e| envelope(&input_error("records", e.to_string())))
}

#[wasm_bindgen]
impl CorePlan {
    /// Parse and compile a plan; all problems at once.
    /// `limits`: the host's lowered limits as JSON, or nothing for the defaults.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str, limits: Option<String>) -> Result<CorePlan, String> {
        let limits = match limits {
            Some(l) => perfscore::Limits::from_json(&l).map_err(|e| envelope(&e))?,
            None => perfscore::Limits::default(),
        };
        Plan::from_json_with_limits(text, &limits)
            .map(|plan| CorePlan { plan })
            .map_err(|e| envelope(&e))
    }

    /// The plan's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.plan.spec().id.to_string()
    }

    /// The plan document as compact JSON (`fromJson` reads it back as the same plan).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.plan.to_json()
    }

    /// Measure ids in slot order, as a JSON array.
    #[wasm_bindgen(js_name = measureIds)]
    pub fn measure_ids(&self) -> String {
        let ids: Vec<&str> = self.plan.measures().iter().map(|m| &*m.id).collect();
        serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())
    }

    /// Records from CSV text, as a JSON array (decimals as strings).
    #[wasm_bindgen(js_name = recordsFromCsv)]
    pub fn records_from_csv(&self, text: &str) -> Result<String, String> {
        records_json(self.plan.records_from_csv(text))
    }

    /// Records from JSON text, as a JSON array (decimals as strings).
    #[wasm_bindgen(js_name = recordsFromJson)]
    pub fn records_from_json(&self, text: &str) -> Result<String, String> {
        records_json(self.plan.records_from_json(text))
    }

    /// One record (JSON object text) → canonical scorecard JSON. Empty options = period end.
    pub fn score(&self, record_json: &str, options_json: &str) -> Result<String, String> {
        self.score_one(record_json, options_json)
            .map(|c| c.to_canonical_json())
            .map_err(|e| envelope(&e))
    }

    /// Records (JSON array text) → canonical scorecard JSON, one per line.
    #[wasm_bindgen(js_name = scoreMany)]
    pub fn score_many(&self, records_json: &str, options_json: &str) -> Result<String, String> {
        let run = || {
            let records = self.parse_records(records_json)?;
            let options = options(options_json)?;
            self.score_lines(&records, &options)
        };
        run().map_err(|e| envelope(&e))
    }

    /// One record → its step-by-step explanation in `en` or `zh`.
    pub fn explain(
        &self,
        record_json: &str,
        lang: &str,
        options_json: &str,
    ) -> Result<String, String> {
        let run = || {
            let lang: Lang = lang.parse().map_err(|m: String| input_error("lang", m))?;
            Ok(self.score_one(record_json, options_json)?.explain(lang))
        };
        run().map_err(|e| envelope(&e))
    }
}

// ---------------------------------------------------------------------------------------------
// The lean batch API: `plan.summarize(records, options?, payPlan?)` → per record
// `{record_id, total, grade, grade_before_veto, vetoed, pay?}`, scored once with the core's
// `summarize_table` (+ `statements_for_table`), without building scorecards.
//
// `js/api.mjs` sends plain JS records as a compact table (see `Table`) when every value is of a
// plain kind; anything unusual, and any problem at all, goes to the exact path instead
// (`summarizeMany`: the records as JSON through the same loader and checks as `scoreMany`), so
// results and errors are always those of `scoreMany` / `PayPlan.statements`.
// ---------------------------------------------------------------------------------------------

/// A batch as `js/api.mjs` (`encodeTable`) sends it, copied into wasm once and handed to
/// `CorePlan.summarizeTable` or `CorePayPlan.summarizeTable` (see [`Table`] for the layout).
#[wasm_bindgen]
pub struct TableInput {
    text: String,
    lens: Vec<u32>,
    strings: Vec<u8>,
    counts: Vec<u32>,
    entries: Vec<u32>,
    nums: Vec<f64>,
    ncols: u32,
}

#[wasm_bindgen]
impl TableInput {
    /// The parts of the table, in the order `encodeTable` returns them.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(constructor)]
    pub fn new(
        text: String,
        lens: Vec<u32>,
        strings: Vec<u8>,
        counts: Vec<u32>,
        entries: Vec<u32>,
        nums: Vec<f64>,
        ncols: u32,
    ) -> TableInput {
        TableInput {
            text,
            lens,
            strings,
            counts,
            entries,
            nums,
            ncols,
        }
    }
}

/// A batch of records sent as a table by `js/api.mjs` (`encodeTable`), as read.
///
/// `text` holds, back to back, the `n` record ids, then the column (measure) names; `lens` their
/// lengths in UTF-16 code units (as JS counts). `strings` holds every string value in entry
/// order as UTF-8, each ended by `\0`.
/// `counts[i]` is the number of values of record `i`; each value is an entry
/// `column << 2 | kind`, kind 1 = a JS number in `nums` (in entry order), 2 = a string (read like
/// a JSON string: `parse_decimal`), 3 = a JS number as its JS text (read like a JSON number:
/// `parse_json_number`; used where JS would write an exponent).
struct Table<'a> {
    ids: Vec<&'a str>,
    names: Vec<&'a str>,
    /// Row-major, `ids.len() × names.len()`; `None` = missing.
    values: Vec<Option<Decimal>>,
}

/// Split `text` into pieces of `lens` UTF-16 units each; `None` unless they add up exactly.
fn pieces<'a>(text: &'a str, lens: &[u32]) -> Option<Vec<&'a str>> {
    let mut out = Vec::with_capacity(lens.len());
    if text.is_ascii() {
        let mut at = 0usize;
        for &len in lens {
            let end = at.checked_add(len as usize)?;
            out.push(text.get(at..end)?);
            at = end;
        }
        return (at == text.len()).then_some(out);
    }
    // A lone surrogate arrives as U+FFFD, which JSON.stringify would have escaped (and the JSON
    // loader refused): leave such text to the exact path.
    if text.contains('\u{FFFD}') {
        return None;
    }
    let mut chars = text.char_indices();
    let mut at = 0usize;
    for &len in lens {
        let start = at;
        let mut units = 0usize;
        while units < len as usize {
            let (i, c) = chars.next()?;
            units += c.len_utf16();
            at = i + c.len_utf8();
        }
        if units != len as usize {
            return None;
        }
        out.push(text.get(start..at)?);
    }
    chars.next().is_none().then_some(out)
}

/// A JS number as the JSON loader would read `JSON.stringify(v)`: safe integers exactly, other
/// numbers by their shortest round-trip text (JS writes the same digits; `js/api.mjs` sends the
/// numbers JS would write with an exponent as text instead).
fn from_js_number(v: f64) -> Option<Decimal> {
    if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 {
        Some(Decimal::from(v as i64))
    } else {
        perfscore::number::decimal_from_f64(v).ok()
    }
}

impl<'a> Table<'a> {
    /// `None` for anything the exact path must look at (bad values, empty ids, malformed input).
    fn read(input: &'a TableInput) -> Option<Table<'a>> {
        let TableInput {
            text,
            lens,
            strings,
            counts,
            entries,
            nums,
            ncols,
        } = input;
        let ncols = *ncols as usize;
        let n = counts.len();
        let pieces = pieces(text, lens)?;
        let (ids, names) = pieces.split_at_checked(n)?;
        if names.len() != ncols {
            return None;
        }
        // Every string ends with `\0`: after the last one, nothing. A `\0` inside a value makes
        // one string too many, and the exact path decides.
        let strings = std::str::from_utf8(strings).ok()?;
        let strings: Vec<&str> = match strings.strip_suffix('\0') {
            Some(body) => body.split('\0').collect(),
            None if strings.is_empty() => Vec::new(),
            None => return None,
        };
        // The loader's own check (`record id is empty`).
        if ids.iter().any(|id| id.trim().is_empty()) {
            return None;
        }
        let mut values = vec![None; n.checked_mul(ncols)?];
        let mut entries = entries.iter();
        let mut nums = nums.iter();
        let mut strings = strings.iter();
        for (row, &count) in values.chunks_mut(ncols.max(1)).zip(counts) {
            for _ in 0..count {
                let e = *entries.next()?;
                let value = match e & 3 {
                    1 => from_js_number(*nums.next()?)?,
                    2 => perfscore::number::parse_decimal(strings.next()?).ok()?,
                    3 => perfscore::number::parse_json_number(strings.next()?).ok()?,
                    _ => return None,
                };
                *row.get_mut((e >> 2) as usize)? = Some(value);
            }
        }
        let consumed =
            entries.next().is_none() && nums.next().is_none() && strings.next().is_none();
        consumed.then(|| Table {
            ids: ids.to_vec(),
            names: names.to_vec(),
            values,
        })
    }
}

/// The summaries as a JSON array of `{record_id, total, grade, grade_before_veto, vetoed, pay?}`.
fn summaries_json<S: AsRef<str>>(
    ids: &[S],
    summaries: &[Summary],
    pays: Option<&[perfscore::PayStatement]>,
) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(summaries.len().saturating_mul(112) + 2);
    let text = |out: &mut Vec<u8>, s: &str| {
        // Escaping a string cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    };
    out.push(b'[');
    for (i, (id, s)) in ids.iter().zip(summaries).enumerate() {
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
        if let Some(st) = pays.and_then(|p| p.get(i)) {
            out.extend_from_slice(b",\"pay\":\"");
            out.extend_from_slice(DecimalText::normalized(&st.total).as_str().as_bytes());
            out.push(b'"');
        }
        out.push(b'}');
    }
    out.push(b']');
    String::from_utf8(out).unwrap_or_default()
}

impl CorePlan {
    /// The table path: summaries (and pay) or `None` when anything needs the exact path.
    fn summarize_table_json(
        &self,
        pay: Option<&PayPlan>,
        input: &TableInput,
        options_json: &str,
    ) -> Option<String> {
        let options = options(options_json).ok()?;
        let table = Table::read(input)?;
        let columns = self.plan.columns(&table.names).ok()?;
        let summaries = self
            .plan
            .summarize_table(&columns, &table.ids, &table.values, &options)
            .ok()?;
        let pays = match pay {
            Some(pay) => Some(
                pay.statements_for_table(&summaries, &table.names, &table.ids, &table.values)
                    .ok()?,
            ),
            None => None,
        };
        Some(summaries_json(&table.ids, &summaries, pays.as_deref()))
    }

    /// The exact path: records as JSON text (as `scoreMany` takes them), every problem as
    /// `scoreMany` reports it, then (with a pay plan) as `PayPlan.statements` reports it.
    fn summarize_many_json(
        &self,
        pay: Option<&PayPlan>,
        records_json: &str,
        options_json: &str,
    ) -> perfscore::Result<String> {
        let records = self.parse_records(records_json)?;
        let options = options(options_json)?;
        let summaries = self.plan.summarize_many(&records, &options)?;
        let pays = match pay {
            Some(pay) => {
                let mut out = Vec::with_capacity(records.len());
                let mut problems = Vec::new();
                for (i, (s, r)) in summaries.iter().zip(&records).enumerate() {
                    let names: Vec<&str> = r.measures.keys().map(String::as_str).collect();
                    let row: Vec<Option<Decimal>> = r.measures.values().map(|v| Some(*v)).collect();
                    match pay.statement_for_row(s, &r.id, Some(i), &names, &row) {
                        Ok(st) => out.push(st),
                        Err(e) => problems.extend(e.problems().iter().cloned()),
                    }
                }
                if !problems.is_empty() {
                    return Err(Error::Input(problems));
                }
                Some(out)
            }
            None => None,
        };
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        Ok(summaries_json(&ids, &summaries, pays.as_deref()))
    }
}

#[wasm_bindgen]
impl CorePlan {
    /// Summaries of a batch sent as a table (see `Table`): a JSON array, or `""` when the exact
    /// path (`summarizeMany`) must decide (a problem, or a value it should read itself).
    #[wasm_bindgen(js_name = summarizeTable)]
    pub fn summarize_table(&self, table: &TableInput, options_json: &str) -> String {
        self.summarize_table_json(None, table, options_json)
            .unwrap_or_default()
    }

    /// Summaries of records (JSON array text, as `scoreMany` takes them): a JSON array; errors
    /// exactly as `scoreMany`'s.
    #[wasm_bindgen(js_name = summarizeMany)]
    pub fn summarize_many(&self, records_json: &str, options_json: &str) -> Result<String, String> {
        self.summarize_many_json(None, records_json, options_json)
            .map_err(|e| envelope(&e))
    }
}

// ---------------------------------------------------------------------------------------------
// Pay. Decimal arguments arrive as JSON encoded by `js/api.mjs`: a JSON string (digits)
// or number (a finite JS number, by its shortest text), or `{"$bad": message}` for a non-finite
// number, or `{"$type": "a boolean"}` for a value of another type, so the problems (and their
// order) are the same as the Node binding's.
// ---------------------------------------------------------------------------------------------

/// The JS type name of an encoded value (as in the Node binding's messages).
fn type_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(_) => "a string".into(),
        serde_json::Value::Number(_) => "a number".into(),
        serde_json::Value::Bool(_) => "a boolean".into(),
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Array(_) => "an array".into(),
        serde_json::Value::Object(o) => match (o.get("$type"), o.get("$bad")) {
            (Some(serde_json::Value::String(t)), _) => t.clone(),
            (_, Some(_)) => "a number".into(),
            _ => "an object".into(),
        },
    }
}

/// An encoded decimal argument; a problem at `path` when it is not one.
fn num_from_value(
    v: &serde_json::Value,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Option<rust_decimal::Decimal> {
    let parsed = match v {
        serde_json::Value::String(s) => perfscore::number::parse_decimal(s),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) => perfscore::number::decimal_from_f64(f),
            None => Err(format!("`{n}` is out of range")),
        },
        serde_json::Value::Object(o) if o.get("$bad").is_some_and(|b| b.is_string()) => {
            Err(o["$bad"].as_str().unwrap_or_default().to_string())
        }
        other => Err(format!(
            "expected a number or a string of digits, found {}",
            type_of(other)
        )),
    };
    match parsed {
        Ok(d) => Some(d),
        Err(message) => {
            problems.push(problem(path.into(), message));
            None
        }
    }
}

fn is_undefined(v: &serde_json::Value) -> bool {
    v.get("$type").and_then(|t| t.as_str()) == Some("undefined")
}

/// Encoded weights: an array of `{id, weight}` (see `js/api.mjs`), every problem collected.
fn weights_from_value(
    v: &serde_json::Value,
    problems: &mut Vec<Problem>,
) -> Option<Vec<(std::sync::Arc<str>, rust_decimal::Decimal)>> {
    let Some(items) = v.as_array() else {
        problems.push(problem(
            "weights".into(),
            format!(
                "expected an array of {{ id, weight }} objects, found {}",
                type_of(v)
            ),
        ));
        return None;
    };
    let before = problems.len();
    let mut weights = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("weights[{i}]");
        let Some(fields) = item.get("$fields").and_then(|f| f.as_array()) else {
            problems.push(problem(
                path,
                format!(
                    "expected an object with `id` and `weight`, found {}",
                    type_of(item)
                ),
            ));
            continue;
        };
        let item_before = problems.len();
        let mut id = None;
        let mut weight = None;
        // `$fields` keeps the object's keys in order: [[key, value], …].
        for pair in fields {
            let (Some(key), Some(value)) = (pair.get(0).and_then(|k| k.as_str()), pair.get(1))
            else {
                continue;
            };
            let field = format!("{path}.{key}");
            match key {
                "id" => match value {
                    serde_json::Value::String(s) => id = Some(s.clone()),
                    v if is_undefined(v) => {}
                    v => problems.push(problem(
                        field,
                        format!("expected a string, found {}", type_of(v)),
                    )),
                },
                "weight" => {
                    if !is_undefined(value) {
                        weight = num_from_value(value, &field, problems);
                    }
                }
                _ => problems.push(problem(
                    field,
                    "unknown field: expected id or weight".into(),
                )),
            }
        }
        if problems.len() > item_before {
            continue;
        }
        match (id, weight) {
            (Some(id), Some(w)) => weights.push((std::sync::Arc::from(id.as_str()), w)),
            (None, _) => problems.push(problem(format!("{path}.id"), "missing field `id`".into())),
            (_, None) => problems.push(problem(
                format!("{path}.weight"),
                "missing field `weight`".into(),
            )),
        }
    }
    (problems.len() == before).then_some(weights)
}

fn parse_args(text: &str) -> perfscore::Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| input_error("arguments", e.to_string()))
}

/// `pool` and `weights` (encoded JSON) → the canonical JSON array of shares.
fn split_pool_json(
    pool_json: &str,
    minor_units: u32,
    weights_json: &str,
) -> perfscore::Result<String> {
    let pool = parse_args(pool_json)?;
    let weights = parse_args(weights_json)?;
    let mut problems = Vec::new();
    let pool = num_from_value(&pool, "pool", &mut problems);
    let weights = weights_from_value(&weights, &mut problems);
    match (pool, weights) {
        (Some(pool), Some(weights)) if problems.is_empty() => {
            let shares = perfscore::pay::split_pool(pool, minor_units, &weights)?;
            Ok(perfscore::pay::pool::shares_to_canonical_json(&shares))
        }
        _ => Err(Error::Input(problems)),
    }
}

/// Split a bonus pool by weights (largest remainder); the canonical JSON array of shares.
#[wasm_bindgen(js_name = splitPool)]
pub fn split_pool(pool_json: &str, minor_units: u32, weights_json: &str) -> Result<String, String> {
    split_pool_json(pool_json, minor_units, weights_json).map_err(|e| envelope(&e))
}

/// A compiled pay plan and (a copy of) the scoring plan it was compiled against.
#[wasm_bindgen]
pub struct CorePayPlan {
    pay: perfscore::PayPlan,
    plan: CorePlan,
    id: String,
}

#[wasm_bindgen]
impl CorePayPlan {
    /// Parse and compile a pay plan against a scoring plan; all problems at once.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str, plan: &CorePlan) -> Result<CorePayPlan, String> {
        let pay = perfscore::PayPlan::from_json(text, &plan.plan).map_err(|e| envelope(&e))?;
        // It compiled, so the text is a JSON object with a string `id`.
        let id = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
            .unwrap_or_default();
        Ok(CorePayPlan {
            pay,
            plan: CorePlan {
                plan: plan.plan.clone(),
            },
            id,
        })
    }

    /// The pay plan's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.id.clone()
    }

    /// Decimal places of the currency's minor unit.
    #[wasm_bindgen(getter, js_name = minorUnits)]
    pub fn minor_units(&self) -> u32 {
        self.pay.minor_units()
    }

    /// Records (JSON array text) → canonical pay statement JSON, one per line.
    pub fn statements(&self, records_json: &str, options_json: &str) -> Result<String, String> {
        let run = || {
            let records = self.plan.parse_records(records_json)?;
            let options = options(options_json)?;
            let statements = self.pay.pay_records(&self.plan.plan, &records, &options)?;
            let mut out = Lines::with_capacity(statements.len() / 4);
            statements
                .iter()
                .for_each(|s| out.push(|buf| serde_json::to_writer(buf, s)));
            Ok(out.finish())
        };
        run().map_err(|e| envelope(&e))
    }

    /// One record → its pay statement explained in `en` or `zh`.
    pub fn explain(
        &self,
        record_json: &str,
        lang: &str,
        options_json: &str,
    ) -> Result<String, String> {
        let run = || {
            let lang: Lang = lang.parse().map_err(|m: String| input_error("lang", m))?;
            let record = self.plan.one_record(record_json)?;
            let options = options(options_json)?;
            let card = self.plan.plan.score_with(&record, &options)?;
            Ok(self.pay.statement(&card, &record)?.explain(lang))
        };
        run().map_err(|e| envelope(&e))
    }

    /// Price one deal: `args_json` is the encoded `[prior_base, deal]`; the rounded amount.
    #[wasm_bindgen(js_name = priceDeal)]
    pub fn price_deal(&self, commission_id: &str, args_json: &str) -> Result<String, String> {
        let run = || {
            let args = parse_args(args_json)?;
            let null = serde_json::Value::Null;
            let mut problems = Vec::new();
            let prior = num_from_value(args.get(0).unwrap_or(&null), "prior_base", &mut problems);
            let deal = num_from_value(args.get(1).unwrap_or(&null), "deal", &mut problems);
            let (Some(prior), Some(deal)) = (prior, deal) else {
                return Err(Error::Input(problems));
            };
            Ok(self.pay.price_deal(commission_id, prior, deal)?.to_string())
        };
        run().map_err(|e| envelope(&e))
    }

    /// Split a bonus pool in this plan's currency; the canonical JSON array of shares.
    #[wasm_bindgen(js_name = splitPool)]
    pub fn split_pool(&self, pool_json: &str, weights_json: &str) -> Result<String, String> {
        split_pool_json(pool_json, self.pay.minor_units(), weights_json).map_err(|e| envelope(&e))
    }

    /// `plan.summarizeTable` with each person's pay (`pay`: the statement's total, normalised).
    #[wasm_bindgen(js_name = summarizeTable)]
    pub fn summarize_table(
        &self,
        plan: &CorePlan,
        table: &TableInput,
        options_json: &str,
    ) -> String {
        plan.summarize_table_json(Some(&self.pay), table, options_json)
            .unwrap_or_default()
    }

    /// `plan.summarizeMany` with each person's pay; pay problems as `statements` reports them.
    #[wasm_bindgen(js_name = summarizeMany)]
    pub fn summarize_many(
        &self,
        plan: &CorePlan,
        records_json: &str,
        options_json: &str,
    ) -> Result<String, String> {
        plan.summarize_many_json(Some(&self.pay), records_json, options_json)
            .map_err(|e| envelope(&e))
    }
}

// ---------------------------------------------------------------------------------------------
// 360-degree feedback. Responses arrive encoded by `js/api.mjs` like pool weights: an
// array of `{"$fields": [[key, value], …]}` objects whose values are JSON (a non-finite number as
// `{"$bad": message}`, another type as `{"$type": name}`), so the problems and their order are
// the same as the Node binding's.
// ---------------------------------------------------------------------------------------------

/// The id fields of a response, in the order they are checked.
const RESPONSE_IDS: [&str; 4] = ["rater", "ratee", "group", "item"];

/// An encoded answer: a number, `"na"`/`"n/a"` (any case), or `null`/undefined for missing.
fn answer_from_value(v: &serde_json::Value) -> Result<Answer, String> {
    match v {
        serde_json::Value::Null => Ok(Answer::Missing),
        v if is_undefined(v) => Ok(Answer::Missing),
        serde_json::Value::String(s)
            if s.eq_ignore_ascii_case("na") || s.eq_ignore_ascii_case("n/a") =>
        {
            Ok(Answer::NotApplicable)
        }
        serde_json::Value::String(s) => perfscore::number::parse_decimal(s).map(Answer::Value),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) => perfscore::number::decimal_from_f64(f).map(Answer::Value),
            None => Err(format!("`{n}` is out of range")),
        },
        serde_json::Value::Object(o) if o.get("$bad").is_some_and(|b| b.is_string()) => {
            Err(o["$bad"].as_str().unwrap_or_default().to_string())
        }
        other => Err(format!(
            "expected a number, a string of digits, \"na\" or null, found {}",
            type_of(other)
        )),
    }
}

/// One encoded response; every problem is collected under `path`.
fn response_from_value(
    item: &serde_json::Value,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Option<Response> {
    let Some(fields) = item.get("$fields").and_then(|f| f.as_array()) else {
        problems.push(problem(
            path.into(),
            format!("expected a response object, found {}", type_of(item)),
        ));
        return None;
    };
    let before = problems.len();
    let mut ids: [Option<String>; 4] = Default::default();
    let mut answer = Answer::Missing;
    for pair in fields {
        let (Some(key), Some(value)) = (pair.get(0).and_then(|k| k.as_str()), pair.get(1)) else {
            continue;
        };
        let field = format!("{path}.{key}");
        if let Some(slot) = RESPONSE_IDS.iter().position(|k| *k == key) {
            match value {
                serde_json::Value::String(s) => ids[slot] = Some(s.clone()),
                v if is_undefined(v) => {}
                v => problems.push(problem(
                    field,
                    format!("expected a string, found {}", type_of(v)),
                )),
            }
        } else if key == "value" {
            match answer_from_value(value) {
                Ok(a) => answer = a,
                Err(message) => problems.push(problem(field, message)),
            }
        } else {
            problems.push(problem(
                field,
                "unknown field: expected rater, ratee, group, item or value".into(),
            ));
        }
    }
    if problems.len() > before {
        return None;
    }
    for (slot, key) in ids.iter().zip(RESPONSE_IDS) {
        if slot.is_none() {
            problems.push(problem(
                format!("{path}.{key}"),
                format!("missing field `{key}`"),
            ));
        }
    }
    let [Some(rater), Some(ratee), Some(group), Some(item)] = ids else {
        return None;
    };
    Some(Response {
        rater,
        ratee,
        group,
        item,
        value: answer,
    })
}

/// Encoded responses; all problems of all responses are reported together.
fn responses_from_json(text: &str) -> perfscore::Result<Vec<Response>> {
    let v = parse_args(text)?;
    let Some(items) = v.as_array() else {
        return Err(input_error(
            "responses",
            format!("expected an array of responses, found {}", type_of(&v)),
        ));
    };
    let mut problems = Vec::new();
    let mut responses = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if let Some(r) = response_from_value(item, &format!("responses[{i}]"), &mut problems) {
            responses.push(r);
        }
    }
    if problems.is_empty() {
        Ok(responses)
    } else {
        Err(Error::Input(problems))
    }
}

/// A validated 360-degree feedback configuration held inside the wasm instance.
#[wasm_bindgen]
pub struct CoreFeedback {
    feedback: Feedback,
    /// The configuration's id (read from the validated JSON: the core keeps no accessor for it).
    id: String,
}

#[wasm_bindgen]
impl CoreFeedback {
    /// Parse and validate a feedback configuration; all problems at once.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<CoreFeedback, String> {
        let feedback = Feedback::from_json(text).map_err(|e| envelope(&e))?;
        // It validated, so the text is a JSON object with a string `id`.
        let id = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
            .unwrap_or_default();
        Ok(CoreFeedback { feedback, id })
    }

    /// The configuration's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.id.clone()
    }

    /// Encoded responses → the round's canonical JSON.
    pub fn aggregate(&self, responses_json: &str) -> Result<String, String> {
        let run = || {
            let responses = responses_from_json(responses_json)?;
            Ok(self.feedback.aggregate(&responses)?.to_canonical_json())
        };
        run().map_err(|e| envelope(&e))
    }

    /// Encoded responses, the encoded ratee and `en`/`zh` → that ratee's report explained.
    pub fn explain(
        &self,
        responses_json: &str,
        ratee_json: &str,
        lang: &str,
    ) -> Result<String, String> {
        let run = || {
            let lang: Lang = lang.parse().map_err(|m: String| input_error("lang", m))?;
            let ratee = match parse_args(ratee_json)? {
                serde_json::Value::String(s) => s,
                v => {
                    return Err(input_error(
                        "ratee",
                        format!("expected a string, found {}", type_of(&v)),
                    ))
                }
            };
            let responses = responses_from_json(responses_json)?;
            let round = self.feedback.aggregate(&responses)?;
            round
                .report(&ratee)
                .map(|r| r.explain(lang))
                .ok_or_else(|| {
                    input_error(
                        "ratee",
                        format!("no responses about `{ratee}` in this round"),
                    )
                })
        };
        run().map_err(|e| envelope(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> CorePlan {
        CorePlan::from_json(&demo_plan_json(), None).unwrap()
    }

    #[test]
    fn demo_team_scores() {
        let plan = demo();
        let records = plan.records_from_csv(&demo_team_csv()).unwrap();
        let lines = plan.score_many(&records, "").unwrap();
        assert_eq!(lines.lines().count(), 12);
        let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
        assert_eq!(first["record_id"], "E001");
    }

    #[test]
    fn errors_carry_canonical_json() {
        let err = CorePlan::from_json("{}", None).err().unwrap();
        let v: serde_json::Value = serde_json::from_str(&err).unwrap();
        assert!(v["canonical"]
            .as_str()
            .unwrap()
            .starts_with(r#"{"code":"PLAN_INVALID""#));
        let plan = demo();
        let err = plan
            .score(r#"{"id":"x","measures":{"nope":1}}"#, "")
            .unwrap_err();
        assert!(err.contains("record.measures.nope"), "{err}");
        assert!(plan.explain(r#"{"id":"x"}"#, "fr", "").is_err());
        assert!(template_json("nope").is_err());
    }

    #[test]
    fn pay_plan_prices_and_pays() {
        let plan = demo();
        let pay = CorePayPlan::from_json(
            r#"{"id":"p","currency":{"code":"CNY"},"commissions":[{"id":"m","base":"revenue","mode":"marginal","tiers":[{"from":0,"to":100000,"rate":10},{"from":100000,"to":200000,"rate":7.5},{"from":200000,"rate":5}]}]}"#,
            &plan,
        )
        .unwrap();
        assert_eq!(pay.id(), "p");
        assert_eq!(pay.minor_units(), 2);
        assert_eq!(pay.price_deal("m", r#"[0, "150000"]"#).unwrap(), "13750.00");
        let err = pay
            .price_deal("m", r#"[{"$type":"a boolean"}, "x"]"#)
            .unwrap_err();
        assert!(err.contains("prior_base") && err.contains("deal"), "{err}");
        let records = plan.records_from_csv(&demo_team_csv()).unwrap();
        assert_eq!(pay.statements(&records, "").unwrap().lines().count(), 12);
        assert!(CorePayPlan::from_json("{}", &plan).is_err());
    }

    /// `js/api.mjs`'s table encoding of loaded records (every value a string, kind 2).
    /// Records as `js/api.mjs` sends them: ids and names with UTF-16 lengths, the string
    /// values as NUL-ended UTF-8, the entry counts, the entries and the column count.
    #[allow(clippy::type_complexity)]
    fn table_of(
        records: &[serde_json::Value],
    ) -> (String, Vec<u32>, Vec<u8>, Vec<u32>, Vec<u32>, u32) {
        let mut names: Vec<String> = Vec::new();
        let (mut strings, mut counts, mut entries) = (Vec::new(), Vec::new(), Vec::new());
        for r in records {
            let m = r["measures"].as_object().unwrap();
            counts.push(m.len() as u32);
            for (k, v) in m {
                let col = names.iter().position(|n| n == k).unwrap_or_else(|| {
                    names.push(k.clone());
                    names.len() - 1
                });
                entries.push((col as u32) << 2 | 2);
                strings.push(v.as_str().unwrap().to_string());
            }
        }
        let ids = records
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string());
        let pieces: Vec<String> = ids.chain(names.iter().cloned()).collect();
        let lens = pieces
            .iter()
            .map(|p| p.encode_utf16().count() as u32)
            .collect();
        let bytes = strings.iter().flat_map(|s| s.bytes().chain([0])).collect();
        (
            pieces.concat(),
            lens,
            bytes,
            counts,
            entries,
            names.len() as u32,
        )
    }

    #[test]
    fn summaries_match_scorecards_on_both_paths() {
        let plan = demo();
        let records = plan.records_from_csv(&demo_team_csv()).unwrap();
        let cards: Vec<serde_json::Value> = plan
            .score_many(&records, "")
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let exact: serde_json::Value =
            serde_json::from_str(&plan.summarize_many(&records, "").unwrap()).unwrap();
        let loaded: Vec<serde_json::Value> = serde_json::from_str(&records).unwrap();
        let (text, lens, bytes, counts, entries, ncols) = table_of(&loaded);
        let input = TableInput::new(text, lens, bytes, counts, entries, Vec::new(), ncols);
        let lean = plan.summarize_table(&input, "");
        let lean: serde_json::Value = serde_json::from_str(&lean).unwrap();
        assert_eq!(lean, exact);
        for (s, c) in exact.as_array().unwrap().iter().zip(&cards) {
            assert_eq!(s["record_id"], c["record_id"]);
            assert_eq!(s["total"], c["total"]);
            assert_eq!(s["grade"], c["grade"]);
            let before = c.get("grade_before_veto").cloned();
            assert_eq!(s["grade_before_veto"], before.unwrap_or_default());
            let vetoed = !c["vetoes"].as_array().unwrap().is_empty();
            assert_eq!(s["vetoed"], vetoed);
            assert!(s.get("pay").is_none());
        }
        // With pay: the statements' totals, normalised; the same on both paths.
        let pay = CorePayPlan::from_json(
            r#"{"id":"p","currency":{"code":"CNY"},"performance_pay":{"base":3000,"coefficient":{"by_grade":{"S":1.5,"A":1.2,"B":1,"C":0.8,"D":0}}}}"#,
            &plan,
        )
        .unwrap();
        let statements = pay.statements(&records, "").unwrap();
        let exact: serde_json::Value =
            serde_json::from_str(&pay.summarize_many(&plan, &records, "").unwrap()).unwrap();
        let lean = pay.summarize_table(&plan, &input, "");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&lean).unwrap(),
            exact
        );
        for (s, line) in exact.as_array().unwrap().iter().zip(statements.lines()) {
            let st: serde_json::Value = serde_json::from_str(line).unwrap();
            let total = st["total"].as_str().unwrap();
            let normal = DecimalText::normalized(&total.parse().unwrap())
                .as_str()
                .to_string();
            assert_eq!(s["pay"], normal.as_str());
        }
    }

    #[test]
    fn the_table_path_defers_every_problem() {
        let plan = demo();
        // Unknown measure, empty id, duplicate id, a bad value: "" (the exact path decides).
        let one = |id: &str, name: &str, value: &str| {
            let lens = vec![id.len() as u32, name.len() as u32];
            let bytes = format!("{value}\0").into_bytes();
            let input = TableInput::new(
                format!("{id}{name}"),
                lens,
                bytes,
                vec![1],
                vec![2],
                vec![],
                1,
            );
            plan.summarize_table(&input, "")
        };
        let raw =
            |text: &str, lens: &[u32], bytes: &[u8], counts: &[u32], entries: &[u32], ncols| {
                let input = TableInput::new(
                    text.into(),
                    lens.to_vec(),
                    bytes.to_vec(),
                    counts.to_vec(),
                    entries.to_vec(),
                    vec![],
                    ncols,
                );
                plan.summarize_table(&input, "")
            };
        assert_eq!(one("E1", "nope", "1"), "");
        assert_eq!(one(" ", "revenue", "1"), "");
        assert_eq!(one("E1", "revenue", "abc"), "");
        // A NUL inside a value (one string too many) and an unended string.
        assert_eq!(one("E1", "revenue", "1\u{0}2"), "");
        let unended = raw("E1revenue", &[2, 7], b"1", &[1], &[2], 1);
        assert_eq!(unended, "");
        let dup = raw("E1E1", &[2, 2], &[], &[0, 0], &[], 0);
        assert_eq!(dup, "");
        assert!(plan.summarize_many("[5]", "").is_err());
        // Lengths that do not add up.
        assert_eq!(raw("E1", &[3], &[], &[0], &[], 0), "");
    }

    #[test]
    fn pieces_count_utf16_units() {
        assert_eq!(pieces("a😀b", &[1, 2, 1]), Some(vec!["a", "😀", "b"]));
        assert_eq!(pieces("a😀b", &[1, 1, 2]), None);
        assert_eq!(pieces("ab", &[1]), None);
        assert_eq!(pieces("a\u{FFFD}", &[1, 1]), None);
        assert_eq!(from_js_number(0.1), Some(Decimal::new(1, 1)));
        assert_eq!(from_js_number(-0.0), Some(Decimal::ZERO));
        assert_eq!(from_js_number(480078.46), Some(Decimal::new(48007846, 2)));
    }

    #[test]
    fn pools_split_to_the_unit() {
        let weights =
            r#"[{"$fields":[["id","a"],["weight",1]]},{"$fields":[["id","b"],["weight","2"]]}]"#;
        let shares = split_pool(r#""100""#, 2, weights).unwrap();
        assert!(shares.contains(r#""amount":"33.33""#) && shares.contains(r#""amount":"66.67""#));
        let err = split_pool(
            r#"{"$bad":"NaN is not a finite number"}"#,
            2,
            r#"{"$type":"null"}"#,
        )
        .unwrap_err();
        assert!(err.contains("pool") && err.contains("found null"), "{err}");
        assert!(split_pool("100", 2, r#"[{"$fields":[["id","a"],["weight",0]]}]"#).is_err());
    }

    #[test]
    fn feedback_aggregates_and_explains() {
        let fb = CoreFeedback::from_json(
            r#"{"id":"f","scale":{"min":1,"max":5},"competencies":[{"id":"c","items":[{"id":"q1"}]}],"groups":[{"id":"manager","relationship":"manager","weight":1}]}"#,
        )
        .unwrap();
        assert_eq!(fb.id(), "f");
        let r = r#"[{"$fields":[["rater","m"],["ratee","a"],["group","manager"],["item","q1"],["value",4]]}]"#;
        let round = fb.aggregate(r).unwrap();
        assert!(round.starts_with(r#"{"feedback_id":"f""#), "{round}");
        assert!(fb.explain(r, r#""a""#, "en").unwrap().contains('a'));
        assert!(fb.explain(r, r#""zz""#, "en").is_err());
        let err = fb
            .aggregate(r#"[{"$fields":[["rater",{"$type":"a number"}],["value",{"$bad":"NaN is not a finite number"}]]}]"#)
            .unwrap_err();
        assert!(
            err.contains("responses[0].rater") && err.contains("responses[0].value"),
            "{err}"
        );
        assert!(CoreFeedback::from_json("{}").is_err());
    }
}
