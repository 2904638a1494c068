//! WebAssembly binding of perfscore (see issue 5).
//!
//! Deliberately thin: every function takes and returns JSON text, so the boundary carries exact
//! decimal strings and nothing else. The hand-written JS wrapper (`js/api.mjs`) builds the public
//! `Plan` class and `Error` objects on top. A failure is returned as a thrown JS string holding
//! `{"message": <Display>, "canonical": <Error::to_canonical_json()>}`.

use perfscore::feedback::{Answer, Feedback, Response};
use perfscore::{Error, Lang, Plan, Problem, Record, ScoreOptions};
use wasm_bindgen::prelude::*;

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
    serde_json::json!({ "message": e.to_string(), "canonical": e.to_canonical_json() }).to_string()
}

fn input_error(path: &str, message: impl Into<String>) -> Error {
    Error::Input(vec![Problem {
        path: path.into(),
        message: message.into(),
    }])
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
            envelope(&Error::Plan(vec![Problem {
                path: "template".into(),
                message: format!("unknown template `{id}` (known: {})", known.join(", ")),
            }]))
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
                let fix = |p: &Problem| Problem {
                    path: p.path.replacen("records[0]", "record", 1),
                    message: p.message.clone(),
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
                problems.extend(e.problems().iter().map(|p| Problem {
                    path: p.path.replacen("records[0]", &at, 1),
                    message: p.message.clone(),
                }));
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
        let options = options(options_json)?;
        let record = self.one_record(record_json)?;
        self.plan.score_with(&record, &options)
    }
}

fn records_json(records: perfscore::Result<Vec<Record>>) -> Result<String, String> {
    let records = records.map_err(|e| envelope(&e))?;
    serde_json::to_string(&records).map_err(|e| envelope(&input_error("records", e.to_string())))
}

#[wasm_bindgen]
impl CorePlan {
    /// Parse and compile a plan; all problems at once.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<CorePlan, String> {
        Plan::from_json(text)
            .map(|plan| CorePlan { plan })
            .map_err(|e| envelope(&e))
    }

    /// The plan's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.plan.spec().id.to_string()
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
            let options = options(options_json)?;
            let records = self.parse_records(records_json)?;
            self.plan.score_many(&records, &options)
        };
        run()
            .map(|cards| {
                let lines: Vec<String> = cards.iter().map(|c| c.to_canonical_json()).collect();
                lines.join("\n")
            })
            .map_err(|e| envelope(&e))
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
// Pay (issue 7). Decimal arguments arrive as JSON encoded by `js/api.mjs`: a JSON string (digits)
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
            problems.push(Problem {
                path: path.into(),
                message,
            });
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
    let problem = |path: String, message: String| Problem { path, message };
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
            let options = options(options_json)?;
            let records = self.plan.parse_records(records_json)?;
            self.pay.pay_records(&self.plan.plan, &records, &options)
        };
        run()
            .map(|st| {
                let lines: Vec<String> = st.iter().map(|s| s.to_canonical_json()).collect();
                lines.join("\n")
            })
            .map_err(|e| envelope(&e))
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
            let options = options(options_json)?;
            let record = self.plan.one_record(record_json)?;
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
}

// ---------------------------------------------------------------------------------------------
// 360-degree feedback (issue 6). Responses arrive encoded by `js/api.mjs` like pool weights: an
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
    let problem = |path: String, message: String| Problem { path, message };
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
        CorePlan::from_json(&demo_plan_json()).unwrap()
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
        let err = CorePlan::from_json("{}").err().unwrap();
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
