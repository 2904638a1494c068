//! WebAssembly binding of perfscore (see issue 5).
//!
//! Deliberately thin: every function takes and returns JSON text, so the boundary carries exact
//! decimal strings and nothing else. The hand-written JS wrapper (`js/api.mjs`) builds the public
//! `Plan` class and `Error` objects on top. A failure is returned as a thrown JS string holding
//! `{"message": <Display>, "canonical": <Error::to_canonical_json()>}`.

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
}
