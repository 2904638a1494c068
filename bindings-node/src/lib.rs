//! Node binding of perfscore: conversion and error mapping only.
//!
//! The native module is loaded by `index.js`, a thin wrapper that turns results (canonical JSON
//! text) into plain objects and the errors thrown here into JS `Error`s with `code`, `problems`
//! and `canonical`. Errors from the core cross the boundary as a message of the form
//! `ERROR_TAG + canonical JSON + "\n" + display text`; anything else (a caught panic, an argument
//! of the wrong type) is passed through unchanged.

pub mod analytics;
mod summarize;

use napi::bindgen_prelude::*;
use napi::{JsString, JsValue, ValueType};
use napi_derive::napi;
use perfscore::feedback::{Answer, Response};
use perfscore::number::{decimal_from_f64, parse_decimal, Num};
use perfscore::{Error as CoreError, Lang, Problem, Record, ScoreOptions};
use std::sync::Arc;

/// Prefix of an error message carrying a core error, recognised by `index.js`.
const ERROR_TAG: &str = "\u{1}perfscore-error:";

/// A core error as a napi error; `index.js` rebuilds `code`, `problems` and `canonical` from it.
pub(crate) fn core_error(e: CoreError) -> Error {
    let e = e.bounded();
    Error::new(
        Status::GenericFailure,
        format!("{ERROR_TAG}{}\n{e}", e.to_canonical_json()),
    )
}

fn input_error(problems: Vec<Problem>) -> Error {
    core_error(CoreError::Input(problems))
}

fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem::new(
        perfscore::Loc::from_path(&path.into()),
        perfscore::kinds::INVALID,
        message,
    )
}

fn type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        _ => "an unsupported value",
    }
}

fn js_string(v: &Unknown<'_>) -> Result<String> {
    let s: JsString<'_> = v.coerce_to_string()?;
    Ok(s.into_utf8()?.as_str()?.to_owned())
}

/// An optional string field: `undefined`/`null` → `None`; anything else but a string is a problem.
fn opt_string(v: &Unknown<'_>, path: &str, problems: &mut Vec<Problem>) -> Result<Option<String>> {
    match v.get_type()? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        ValueType::String => Ok(Some(js_string(v)?)),
        t => {
            problems.push(problem(
                path,
                format!("expected a string, found {}", type_name(t)),
            ));
            Ok(None)
        }
    }
}

fn is_plain_object(v: &Unknown<'_>) -> Result<bool> {
    Ok(v.get_type()? == ValueType::Object && !v.is_array()?)
}

/// Whether `value` is a plain object; if not, a problem naming what was found (`what`: "record").
fn expect_plain_object(
    value: &Unknown<'_>,
    what: &str,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Result<bool> {
    if is_plain_object(value)? {
        return Ok(true);
    }
    let found = if value.is_array()? {
        "an array"
    } else {
        type_name(value.get_type()?)
    };
    problems.push(problem(
        path,
        format!("expected a {what} object, found {found}"),
    ));
    Ok(false)
}

/// One record from a plain JS object; every problem is collected under `path`.
fn record_from_js(
    value: &Unknown<'_>,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Result<Option<Record>> {
    if !expect_plain_object(value, "record", path, problems)? {
        return Ok(None);
    }
    let obj = value.coerce_to_object()?;
    let before = problems.len();
    let mut record = Record::default();
    let mut has_id = false;
    for key in Object::keys(&obj)? {
        let v: Unknown<'_> = obj.get_named_property(&key)?;
        let field = format!("{path}.{key}");
        match key.as_str() {
            "id" => match v.get_type()? {
                ValueType::String => {
                    record.id = js_string(&v)?;
                    has_id = true;
                }
                t => {
                    // Present but of the wrong type: one problem, not also "missing".
                    has_id = true;
                    problems.push(problem(
                        field,
                        format!("expected a string, found {}", type_name(t)),
                    ));
                }
            },
            "name" => record.name = opt_string(&v, &field, problems)?,
            "team" => record.team = opt_string(&v, &field, problems)?,
            "department" => record.department = opt_string(&v, &field, problems)?,
            "branch" => record.branch = opt_string(&v, &field, problems)?,
            "attributes" => {
                if matches!(v.get_type()?, ValueType::Undefined | ValueType::Null) {
                    continue;
                }
                if !is_plain_object(&v)? {
                    problems.push(problem(field, "expected an object of strings"));
                    continue;
                }
                let attrs = v.coerce_to_object()?;
                for name in Object::keys(&attrs)? {
                    let a: Unknown<'_> = attrs.get_named_property(&name)?;
                    if let Some(s) = opt_string(&a, &format!("{field}.{name}"), problems)? {
                        record.attributes.insert(name, s);
                    }
                }
            }
            "measures" => {
                if matches!(v.get_type()?, ValueType::Undefined | ValueType::Null) {
                    continue;
                }
                if !is_plain_object(&v)? {
                    problems.push(problem(field, "expected an object of numbers"));
                    continue;
                }
                let measures = v.coerce_to_object()?;
                for name in Object::keys(&measures)? {
                    let m: Unknown<'_> = measures.get_named_property(&name)?;
                    let mpath = format!("{field}.{name}");
                    let parsed = match m.get_type()? {
                        ValueType::Undefined | ValueType::Null => continue,
                        ValueType::Number => decimal_from_f64(m.coerce_to_number()?.get_double()?),
                        ValueType::String => parse_decimal(&js_string(&m)?),
                        t => Err(format!(
                            "expected a number, a string of digits or null, found {}",
                            type_name(t)
                        )),
                    };
                    match parsed {
                        Ok(d) => {
                            record.measures.insert(name, d);
                        }
                        Err(message) => problems.push(problem(mpath, message)),
                    }
                }
            }
            _ => problems.push(problem(
                field,
                "unknown field: expected id, name, team, department, branch, attributes or measures",
            )),
        }
    }
    if !has_id {
        problems.push(problem(format!("{path}.id"), "missing field `id`"));
    }
    Ok((problems.len() == before).then_some(record))
}

/// A JS array of `what` (`records`, `responses`), each item converted by `item`; every problem
/// of every item is reported together.
fn array_from_js<T>(
    value: &Unknown<'_>,
    what: &str,
    mut item: impl FnMut(&Unknown<'_>, &str, &mut Vec<Problem>) -> Result<Option<T>>,
) -> Result<Vec<T>> {
    if !value.is_array()? {
        return Err(input_error(vec![problem(
            what,
            format!(
                "expected an array of {what}, found {}",
                type_name(value.get_type()?)
            ),
        )]));
    }
    let array = value.coerce_to_object()?;
    let len = array.get_array_length()?;
    let mut items = Vec::with_capacity(len as usize);
    let mut problems = Vec::new();
    for i in 0..len {
        let element: Unknown<'_> = array.get_element(i)?;
        if let Some(t) = item(&element, &format!("{what}[{i}]"), &mut problems)? {
            items.push(t);
        }
    }
    if problems.is_empty() {
        Ok(items)
    } else {
        Err(input_error(problems))
    }
}

/// A batch of records from a JS array.
pub(crate) fn records_from_js(value: &Unknown<'_>) -> Result<Vec<Record>> {
    array_from_js(value, "records", |v, path, problems| {
        record_from_js(v, path, problems)
    })
}

fn one_record_from_js(value: &Unknown<'_>) -> Result<Record> {
    let mut problems = Vec::new();
    match record_from_js(value, "record", &mut problems)? {
        Some(r) if problems.is_empty() => Ok(r),
        _ => Err(input_error(problems)),
    }
}

/// Options arrive as JSON text (`JSON.stringify(options)` in `index.js`).
pub(crate) fn options_from_json(options: Option<String>) -> Result<ScoreOptions> {
    match options {
        None => Ok(ScoreOptions::default()),
        Some(text) => ScoreOptions::from_json(&text).map_err(core_error),
    }
}

fn canonical_lines(
    plan: &perfscore::Plan,
    records: &[Record],
    options: &ScoreOptions,
) -> Result<Vec<String>> {
    let cards = plan.score_many(records, options).map_err(core_error)?;
    Ok(cards.iter().map(|c| c.to_canonical_json()).collect())
}

fn records_to_json(records: &[Record]) -> Result<String> {
    serde_json::to_string(records).map_err(|e| Error::from_reason(e.to_string()))
}

/// Version of the perfscore core this addon was built from.
#[napi(catch_unwind)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Test hook for the panic safety net: panics inside an export guarded by `catch_unwind`, which
/// must surface as a JS exception instead of aborting the process. Not part of the public API.
#[napi(catch_unwind, js_name = "__panicForTests")]
pub fn panic_for_tests() {
    panic!("deliberate panic to test the catch_unwind safety net");
}

/// The bundled demo plan (`monthly-sales-rep`) as JSON text.
#[napi(catch_unwind)]
pub fn demo_plan_json() -> String {
    perfscore::templates::DEMO_PLAN_JSON.to_string()
}

/// The bundled 12-person demo team as CSV text.
#[napi(catch_unwind)]
pub fn demo_team_csv() -> String {
    perfscore::templates::DEMO_TEAM_CSV.to_string()
}

/// A compiled assessment plan (native side; `index.js` wraps it).
#[napi]
pub struct Plan {
    inner: Arc<perfscore::Plan>,
}

#[napi]
impl Plan {
    /// Compile a plan from JSON text, within the host's lowered limits (JSON) or the defaults.
    #[napi(factory, catch_unwind)]
    pub fn from_json(text: String, limits: Option<String>) -> Result<Plan> {
        let limits = match limits {
            Some(l) => perfscore::Limits::from_json(&l).map_err(core_error)?,
            None => perfscore::Limits::default(),
        };
        let inner = perfscore::Plan::from_json_with_limits(&text, &limits).map_err(core_error)?;
        Ok(Plan {
            inner: Arc::new(inner),
        })
    }

    /// Compile one of the bundled plan templates.
    #[napi(factory, catch_unwind)]
    pub fn template(id: String) -> Result<Plan> {
        match perfscore::templates::plan_template(&id) {
            Some(text) => Plan::from_json(text.to_string(), None),
            None => {
                let known: Vec<&str> = perfscore::templates::PLAN_TEMPLATES
                    .iter()
                    .map(|(k, _)| *k)
                    .collect();
                Err(core_error(CoreError::Plan(vec![problem(
                    "template",
                    format!("unknown template `{id}`: use one of {}", known.join(", ")),
                )])))
            }
        }
    }

    /// The plan document as compact JSON (`Plan.fromJson` reads it back as the same plan).
    #[napi(catch_unwind)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The plan's id.
    #[napi(getter, catch_unwind)]
    pub fn id(&self) -> String {
        self.inner.spec().id.to_string()
    }

    /// The measure ids, in plan order.
    #[napi(catch_unwind)]
    pub fn measure_ids(&self) -> Vec<String> {
        self.inner
            .measures()
            .iter()
            .map(|m| m.id.to_string())
            .collect()
    }

    /// Records from CSV text, as a JSON array (decimals as strings).
    #[napi(catch_unwind)]
    pub fn records_from_csv(&self, text: String) -> Result<String> {
        let records = self.inner.records_from_csv(&text).map_err(core_error)?;
        records_to_json(&records)
    }

    /// Records from JSON text, as a JSON array (decimals as strings).
    #[napi(catch_unwind)]
    pub fn records_from_json(&self, text: String) -> Result<String> {
        let records = self.inner.records_from_json(&text).map_err(core_error)?;
        records_to_json(&records)
    }

    /// Score one record; the scorecard's canonical JSON.
    #[napi(catch_unwind)]
    pub fn score_one(&self, record: Unknown<'_>, options: Option<String>) -> Result<String> {
        let record = one_record_from_js(&record)?;
        let options = options_from_json(options)?;
        let card = self
            .inner
            .score_with(&record, &options)
            .map_err(core_error)?;
        Ok(card.to_canonical_json())
    }

    /// Score a batch; each scorecard's canonical JSON. Nothing is scored if any record has a problem.
    #[napi(catch_unwind)]
    pub fn score_canonical(
        &self,
        records: Unknown<'_>,
        options: Option<String>,
    ) -> Result<Vec<String>> {
        let records = records_from_js(&records)?;
        let options = options_from_json(options)?;
        canonical_lines(&self.inner, &records, &options)
    }

    /// Score a batch on the libuv thread pool; resolves to each scorecard's canonical JSON.
    #[napi(catch_unwind, ts_return_type = "Promise<string[]>")]
    pub fn score_many_async(
        &self,
        records: Unknown<'_>,
        options: Option<String>,
    ) -> Result<AsyncTask<ScoreTask>> {
        let records = records_from_js(&records)?;
        let options = options_from_json(options)?;
        Ok(AsyncTask::new(ScoreTask {
            plan: Arc::clone(&self.inner),
            records,
            options,
        }))
    }

    /// The lean batch result, record path: every record converted as `scoreCanonical`
    /// does, summarized without scorecards (and paid with `pay_plan`); errors exactly as
    /// `scoreCanonical`'s, then `PayPlan.statementsCanonical`'s. See `summarize.rs`.
    #[napi(catch_unwind)]
    pub fn summarize_records(
        &self,
        records: Unknown<'_>,
        options: Option<String>,
        pay_plan: Option<&PayPlan>,
    ) -> Result<summarize::SummaryColumns> {
        let pay = pay_plan.map(|p| &*p.inner);
        summarize::summarize_records(&self.inner, pay, &records, options)
    }

    /// The lean batch result, table path: records encoded by `index.js`; `null` when
    /// the record path must decide. See `summarize.rs`.
    #[allow(clippy::too_many_arguments)]
    #[napi(catch_unwind)]
    pub fn summarize_table(
        &self,
        ids: String,
        names: String,
        ncols: u32,
        strings: Uint8Array,
        entries: Uint32Array,
        counts: Uint32Array,
        nums: Float64Array,
        options: Option<String>,
        pay_plan: Option<&PayPlan>,
    ) -> Result<Option<summarize::SummaryColumns>> {
        let pay = pay_plan.map(|p| &*p.inner);
        summarize::summarize_table(
            &self.inner,
            pay,
            &ids,
            &names,
            ncols,
            &strings,
            &entries,
            &counts,
            &nums,
            options,
        )
    }

    /// Score one record and explain the scorecard in `en` (default) or `zh`.
    #[napi(catch_unwind)]
    pub fn explain(
        &self,
        record: Unknown<'_>,
        lang: Option<String>,
        options: Option<String>,
    ) -> Result<String> {
        let lang = lang_from(lang)?;
        let record = one_record_from_js(&record)?;
        let options = options_from_json(options)?;
        let card = self
            .inner
            .score_with(&record, &options)
            .map_err(core_error)?;
        Ok(card.explain(lang))
    }
}

/// Phase timings of the addon's part of the last `summarize` call, for benchmarks (not part of
/// the public API): `[decode, score, pay, pack]` in seconds.
#[napi(catch_unwind, js_name = "__lastSummarizeTimings")]
pub fn last_summarize_timings() -> Vec<f64> {
    summarize::last_timings()
}

/// A batch scored off the event loop.
pub struct ScoreTask {
    plan: Arc<perfscore::Plan>,
    records: Vec<Record>,
    options: ScoreOptions,
}

impl Task for ScoreTask {
    type Output = Vec<String>;
    type JsValue = Vec<String>;

    fn compute(&mut self) -> Result<Vec<String>> {
        // The core has no panics on input-reachable paths; this is the safety net for the worker thread.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            canonical_lines(&self.plan, &self.records, &self.options)
        }))
        .unwrap_or_else(|_| {
            Err(Error::from_reason(
                "perfscore panicked while scoring (a bug: please report it)",
            ))
        })
    }

    fn resolve(&mut self, _env: Env, output: Vec<String>) -> Result<Vec<String>> {
        Ok(output)
    }
}

// ---------------------------------------------------------------------------------------------
// Pay: pay plans, statements, deal pricing and bonus pools
// ---------------------------------------------------------------------------------------------

/// A decimal argument (`Num`): a string of digits (exact) or a finite JS number (shortest
/// representation); anything else is a problem at `path`. Messages match the wasm package.
fn num_from_js(v: &Unknown<'_>, path: &str, problems: &mut Vec<Problem>) -> Result<Option<Num>> {
    let parsed = match v.get_type()? {
        ValueType::Number => {
            let f = v.coerce_to_number()?.get_double()?;
            if f.is_nan() {
                Err("NaN is not a finite number".to_string())
            } else if f.is_infinite() {
                let sign = if f < 0.0 { "-" } else { "" };
                Err(format!("{sign}Infinity is not a finite number"))
            } else {
                decimal_from_f64(f)
            }
        }
        ValueType::String => parse_decimal(&js_string(v)?),
        t => Err(format!(
            "expected a number or a string of digits, found {}",
            type_name(t)
        )),
    };
    match parsed {
        Ok(d) => Ok(Some(Num(d))),
        Err(message) => {
            problems.push(problem(path, message));
            Ok(None)
        }
    }
}

/// A pool's weights: `(id, weight)` in input order.
type Weights = Vec<(Arc<str>, Num)>;

/// A pool's weights: an array of `{ id, weight }`; every problem is collected in `problems`.
fn weights_from_js(value: &Unknown<'_>, problems: &mut Vec<Problem>) -> Result<Option<Weights>> {
    if !value.is_array()? {
        problems.push(problem(
            "weights",
            format!(
                "expected an array of {{ id, weight }} objects, found {}",
                type_name(value.get_type()?)
            ),
        ));
        return Ok(None);
    }
    let before = problems.len();
    let array = value.coerce_to_object()?;
    let len = array.get_array_length()?;
    let mut weights = Vec::with_capacity(len as usize);
    for i in 0..len {
        let path = format!("weights[{i}]");
        let item: Unknown<'_> = array.get_element(i)?;
        if !is_plain_object(&item)? {
            let found = if item.is_array()? {
                "an array"
            } else {
                type_name(item.get_type()?)
            };
            problems.push(problem(
                path,
                format!("expected an object with `id` and `weight`, found {found}"),
            ));
            continue;
        }
        let obj = item.coerce_to_object()?;
        let item_before = problems.len();
        let mut id = None;
        let mut weight = None;
        for key in Object::keys(&obj)? {
            let v: Unknown<'_> = obj.get_named_property(&key)?;
            let field = format!("{path}.{key}");
            match key.as_str() {
                "id" => match v.get_type()? {
                    ValueType::Undefined => {}
                    ValueType::String => id = Some(js_string(&v)?),
                    t => problems.push(problem(
                        field,
                        format!("expected a string, found {}", type_name(t)),
                    )),
                },
                "weight" => {
                    if v.get_type()? != ValueType::Undefined {
                        weight = num_from_js(&v, &field, problems)?;
                    }
                }
                _ => problems.push(problem(field, "unknown field: expected id or weight")),
            }
        }
        if problems.len() > item_before {
            continue;
        }
        match (id, weight) {
            (Some(id), Some(w)) => weights.push((Arc::from(id.as_str()), w)),
            (None, _) => problems.push(problem(format!("{path}.id"), "missing field `id`")),
            (_, None) => problems.push(problem(format!("{path}.weight"), "missing field `weight`")),
        }
    }
    Ok((problems.len() == before).then_some(weights))
}

/// Decimal places of a currency's minor unit: a whole JS number (the core caps it at 8).
fn minor_units_from_js(v: &Unknown<'_>) -> Result<u32> {
    let t = v.get_type()?;
    let message = if t == ValueType::Number {
        let f = v.coerce_to_number()?.get_double()?;
        if f.is_finite() && f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) {
            return Ok(f as u32);
        }
        "expected a whole number of decimal places".to_string()
    } else {
        format!(
            "expected a whole number of decimal places, found {}",
            type_name(t)
        )
    };
    Err(input_error(vec![problem("minor_units", message)]))
}

fn split_pool_json(pool: &Unknown<'_>, minor_units: u32, weights: &Unknown<'_>) -> Result<String> {
    // A bad pool and bad weights are reported together.
    let mut problems = Vec::new();
    let pool = num_from_js(pool, "pool", &mut problems)?;
    let weights = weights_from_js(weights, &mut problems)?;
    match (pool, weights) {
        (Some(pool), Some(weights)) if problems.is_empty() => {
            let weights: Vec<(Arc<str>, _)> =
                weights.into_iter().map(|(id, w)| (id, w.0)).collect();
            let shares =
                perfscore::pay::split_pool(pool.0, minor_units, &weights).map_err(core_error)?;
            Ok(perfscore::pay::pool::shares_to_canonical_json(&shares))
        }
        _ => Err(input_error(problems)),
    }
}

fn lang_from(lang: Option<String>) -> Result<Lang> {
    match lang {
        None => Ok(Lang::En),
        Some(l) => l
            .parse()
            .map_err(|m: String| input_error(vec![problem("lang", m)])),
    }
}

/// Split a bonus pool by weights to `minor_units` decimal places (largest remainder); the
/// canonical JSON array of shares, byte-identical to `perfscore::pay::pool::shares_to_canonical_json`.
#[napi(catch_unwind)]
pub fn split_pool_canonical(
    pool: Unknown<'_>,
    minor_units: Unknown<'_>,
    weights: Unknown<'_>,
) -> Result<String> {
    let minor_units = minor_units_from_js(&minor_units)?;
    split_pool_json(&pool, minor_units, &weights)
}

/// A compiled pay plan with the scoring plan it pays (native side; `index.js` wraps it).
#[napi]
pub struct PayPlan {
    inner: Arc<perfscore::PayPlan>,
    /// The scoring plan it was compiled against, shared with its `Plan`.
    plan: Arc<perfscore::Plan>,
    id: String,
}

#[napi]
impl PayPlan {
    /// Compile a pay plan from JSON text against a scoring plan.
    #[napi(factory, catch_unwind)]
    pub fn from_json(text: String, plan: &Plan) -> Result<PayPlan> {
        let inner = perfscore::PayPlan::from_json(&text, &plan.inner).map_err(core_error)?;
        // It compiled, so the text is a JSON object with a string `id`.
        let id = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
            .unwrap_or_default();
        Ok(PayPlan {
            inner: Arc::new(inner),
            plan: Arc::clone(&plan.inner),
            id,
        })
    }

    /// The pay plan's id.
    #[napi(getter, catch_unwind)]
    pub fn id(&self) -> String {
        self.id.clone()
    }

    /// Decimal places of the currency's minor unit.
    #[napi(getter, catch_unwind)]
    pub fn minor_units(&self) -> u32 {
        self.inner.minor_units()
    }

    /// Score and pay a batch; each statement's canonical JSON. Nothing is paid if any record has a problem.
    #[napi(catch_unwind)]
    pub fn statements_canonical(
        &self,
        records: Unknown<'_>,
        options: Option<String>,
    ) -> Result<Vec<String>> {
        let records = records_from_js(&records)?;
        let options = options_from_json(options)?;
        let statements = self
            .inner
            .pay_records(&self.plan, &records, &options)
            .map_err(core_error)?;
        Ok(statements.iter().map(|s| s.to_canonical_json()).collect())
    }

    /// Score and pay one record; its statement explained in `en` (default) or `zh`.
    #[napi(catch_unwind)]
    pub fn explain(
        &self,
        record: Unknown<'_>,
        lang: Option<String>,
        options: Option<String>,
    ) -> Result<String> {
        let lang = lang_from(lang)?;
        let record = one_record_from_js(&record)?;
        let options = options_from_json(options)?;
        let card = self
            .plan
            .score_with(&record, &options)
            .map_err(core_error)?;
        let statement = self.inner.statement(&card, &record).map_err(core_error)?;
        Ok(statement.explain(lang))
    }

    /// Price one new deal from where the person stands in a commission's tiers; the rounded
    /// amount as a decimal string.
    #[napi(catch_unwind)]
    pub fn price_deal(
        &self,
        commission_id: Unknown<'_>,
        prior_base: Unknown<'_>,
        deal: Unknown<'_>,
    ) -> Result<String> {
        let id = match commission_id.get_type()? {
            ValueType::String => js_string(&commission_id)?,
            t => {
                return Err(input_error(vec![problem(
                    "commission",
                    format!("expected a string, found {}", type_name(t)),
                )]))
            }
        };
        let mut problems = Vec::new();
        let prior = num_from_js(&prior_base, "prior_base", &mut problems)?;
        let deal = num_from_js(&deal, "deal", &mut problems)?;
        let (Some(prior), Some(deal)) = (prior, deal) else {
            return Err(input_error(problems));
        };
        let due = self
            .inner
            .price_deal(&id, prior.0, deal.0)
            .map_err(core_error)?;
        Ok(due.to_string())
    }

    /// Split a bonus pool in this plan's currency; the canonical JSON array of shares.
    #[napi(catch_unwind)]
    pub fn split_pool(&self, pool: Unknown<'_>, weights: Unknown<'_>) -> Result<String> {
        split_pool_json(&pool, self.inner.minor_units(), &weights)
    }
}

// ---------------------------------------------------------------------------------------------
// 360-degree feedback: configurations, responses, rounds and explanations
// ---------------------------------------------------------------------------------------------

/// The id fields of a response, in the order they are checked.
const RESPONSE_IDS: [&str; 4] = ["rater", "ratee", "group", "item"];

/// An answer: a number (the measure-value policy), `"na"`/`"n/a"` (any case) for not applicable,
/// `null`/`undefined` for missing. Messages match the wasm package.
fn answer_from_js(v: &Unknown<'_>) -> Result<std::result::Result<Answer, String>> {
    Ok(match v.get_type()? {
        ValueType::Undefined | ValueType::Null => Ok(Answer::Missing),
        ValueType::Number => {
            let f = v.coerce_to_number()?.get_double()?;
            if f.is_nan() {
                Err("NaN is not a finite number".to_string())
            } else if f.is_infinite() {
                let sign = if f < 0.0 { "-" } else { "" };
                Err(format!("{sign}Infinity is not a finite number"))
            } else {
                decimal_from_f64(f).map(Answer::Value)
            }
        }
        ValueType::String => {
            let s = js_string(v)?;
            if s.eq_ignore_ascii_case("na") || s.eq_ignore_ascii_case("n/a") {
                Ok(Answer::NotApplicable)
            } else {
                parse_decimal(&s).map(Answer::Value)
            }
        }
        t => Err(format!(
            "expected a number, a string of digits, \"na\" or null, found {}",
            type_name(t)
        )),
    })
}

/// One response from a plain JS object; every problem is collected under `responses[i]`.
fn response_from_js(
    value: &Unknown<'_>,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Result<Option<Response>> {
    if !expect_plain_object(value, "response", path, problems)? {
        return Ok(None);
    }
    let obj = value.coerce_to_object()?;
    let before = problems.len();
    let mut ids: [Option<String>; 4] = Default::default();
    let mut answer = Answer::Missing;
    for key in Object::keys(&obj)? {
        let v: Unknown<'_> = obj.get_named_property(&key)?;
        let field = format!("{path}.{key}");
        if let Some(slot) = RESPONSE_IDS.iter().position(|k| *k == key) {
            match v.get_type()? {
                ValueType::Undefined => {}
                ValueType::String => ids[slot] = Some(js_string(&v)?),
                t => problems.push(problem(
                    field,
                    format!("expected a string, found {}", type_name(t)),
                )),
            }
        } else if key == "value" {
            match answer_from_js(&v)? {
                Ok(a) => answer = a,
                Err(message) => problems.push(problem(field, message)),
            }
        } else {
            problems.push(problem(
                field,
                "unknown field: expected rater, ratee, group, item or value",
            ));
        }
    }
    if problems.len() > before {
        return Ok(None);
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
        return Ok(None);
    };
    Ok(Some(Response {
        rater,
        ratee,
        group,
        item,
        value: answer,
    }))
}

/// A round's responses from a JS array.
fn responses_from_js(value: &Unknown<'_>) -> Result<Vec<Response>> {
    array_from_js(value, "responses", |v, path, problems| {
        response_from_js(v, path, problems)
    })
}

/// A validated 360-degree feedback configuration (native side; `index.js` wraps it).
#[napi]
pub struct Feedback {
    inner: Arc<perfscore::feedback::Feedback>,
    /// The configuration's id (read from the validated JSON: the core keeps no accessor for it).
    id: String,
}

#[napi]
impl Feedback {
    /// Parse and validate a feedback configuration from JSON text; every problem at once.
    #[napi(factory, catch_unwind)]
    pub fn from_json(text: String) -> Result<Feedback> {
        let inner = perfscore::feedback::Feedback::from_json(&text).map_err(core_error)?;
        // It validated, so the text is a JSON object with a string `id`.
        let id = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
            .unwrap_or_default();
        Ok(Feedback {
            inner: Arc::new(inner),
            id,
        })
    }

    /// The configuration's id.
    #[napi(getter, catch_unwind)]
    pub fn id(&self) -> String {
        self.id.clone()
    }

    /// Aggregate a round; the round's canonical JSON (`FeedbackRound::to_canonical_json`).
    #[napi(catch_unwind)]
    pub fn aggregate_canonical(&self, responses: Unknown<'_>) -> Result<String> {
        let responses = responses_from_js(&responses)?;
        let round = self.inner.aggregate(&responses).map_err(core_error)?;
        Ok(round.to_canonical_json())
    }

    /// Aggregate a round and explain one ratee's report in `en` (default) or `zh`.
    #[napi(catch_unwind)]
    pub fn explain(
        &self,
        responses: Unknown<'_>,
        ratee: Unknown<'_>,
        lang: Option<String>,
    ) -> Result<String> {
        let lang = lang_from(lang)?;
        let ratee = match ratee.get_type()? {
            ValueType::String => js_string(&ratee)?,
            t => {
                return Err(input_error(vec![problem(
                    "ratee",
                    format!("expected a string, found {}", type_name(t)),
                )]))
            }
        };
        let responses = responses_from_js(&responses)?;
        let round = self.inner.aggregate(&responses).map_err(core_error)?;
        match round.report(&ratee) {
            Some(report) => Ok(report.explain(lang)),
            None => Err(input_error(vec![problem(
                "ratee",
                format!("no responses about `{ratee}` in this round"),
            )])),
        }
    }
}
