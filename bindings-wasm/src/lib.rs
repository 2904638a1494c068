//! WebAssembly backend of perfscore: the core's operations, text in and text out.
//!
//! The shared JavaScript front (`bindings-js/api.mjs`, the same module the Node package runs over
//! its native addon) builds the public API on top. A core error is thrown as a JS `Error` with
//! `code` and `canonical` properties; nothing here reads a request or writes a result itself.

use perfscore::batch::Threads;
#[cfg(feature = "feedback")]
use perfscore::feedback::Feedback;
use perfscore::ops::{EncodedTable, SummaryStream};
use perfscore::{Error, PayPlan, Plan};
use std::sync::Arc;
use wasm_bindgen::prelude::*;

#[cfg(target_arch = "wasm32")]
mod alloc;

#[wasm_bindgen(
    inline_js = "export function perfscoreError(message, code, canonical) {
  const e = new Error(message);
  e.code = code;
  e.canonical = canonical;
  return e;
}"
)]
extern "C" {
    #[wasm_bindgen(js_name = perfscoreError)]
    fn perfscore_error(message: &str, code: &str, canonical: &str) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(text: &str);
}

/// Installed when the module is instantiated: a panic (there should be none: the core has no
/// panics on input paths) is written to the console before the instance traps; the JS front
/// then re-instantiates the module.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!("perfscore-wasm panicked: {info}"));
    }));
}

/// A core error as the JS `Error` the front expects (`code`, `canonical`).
fn thrown(e: Error) -> JsValue {
    let e = e.bounded();
    perfscore_error(&e.to_string(), e.code(), &e.to_canonical_json())
}

/// Traps the instance on purpose, so tests can check that the JS front recovers.
#[doc(hidden)]
#[wasm_bindgen(js_name = __testTrap)]
pub fn test_trap() {
    panic!("deliberate trap for the recovery test");
}

/// Run an operation that needs no compiled object (analytics, pool splits, templates, demo data).
#[wasm_bindgen]
pub fn run(operation: &str, request: &str) -> Result<String, JsValue> {
    perfscore::ops::run(operation, request).map_err(thrown)
}

/// A table path result: `""` when the record reader must decide, else the result or the error.
fn summarized(result: Option<perfscore::Result<String>>) -> Result<String, JsValue> {
    result.unwrap_or(Ok(String::new())).map_err(thrown)
}

/// The host's lowered limits (JSON), or the defaults.
fn limits(limits: Option<String>) -> Result<perfscore::Limits, JsValue> {
    match limits {
        Some(text) => perfscore::Limits::from_json(&text).map_err(thrown),
        None => Ok(perfscore::Limits::default()),
    }
}

/// Documents as the core's tape (`perfscore::ops::Tape`); the front (`bindings-js/tape.mjs`)
/// reads each part once and builds the objects.
#[wasm_bindgen]
pub struct CoreTape(perfscore::ops::Tape);

#[wasm_bindgen]
impl CoreTape {
    #[wasm_bindgen(getter)]
    pub fn nodes(&self) -> Vec<u32> {
        self.0.nodes.clone()
    }

    #[wasm_bindgen(getter)]
    pub fn numbers(&self) -> Vec<f64> {
        self.0.numbers.clone()
    }

    #[wasm_bindgen(getter)]
    pub fn strings(&self) -> String {
        self.0.strings.clone()
    }

    #[wasm_bindgen(getter, js_name = stringEnds)]
    pub fn string_ends(&self) -> Vec<u32> {
        self.0.string_ends.clone()
    }
}

/// A compiled plan held inside the wasm instance.
#[wasm_bindgen]
pub struct CorePlan {
    plan: Arc<Plan>,
}

#[wasm_bindgen]
impl CorePlan {
    /// Parse and compile a plan; all problems at once.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str, lowered: Option<String>) -> Result<CorePlan, JsValue> {
        Plan::from_json_with_limits(text, &limits(lowered)?)
            .map(|plan| CorePlan {
                plan: Arc::new(plan),
            })
            .map_err(thrown)
    }

    /// The plan's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.plan.spec().id.to_string()
    }

    /// Run one of the plan's operations.
    pub fn run(&self, operation: &str, request: &str) -> Result<String, JsValue> {
        self.plan.run(operation, request).map_err(thrown)
    }

    /// Run one of the plan's per-record operations (`score_many`, `score_facts`), its documents
    /// as a tape.
    #[wasm_bindgen(js_name = runTape)]
    pub fn run_tape(&self, operation: &str, request: &str) -> Result<CoreTape, JsValue> {
        self.plan
            .run_tape(operation, request)
            .map(CoreTape)
            .map_err(thrown)
    }

    /// `summarize` of a table encoded by the front, or `""` when the record reader must report
    /// its input problems (nothing has been scored then).
    #[wasm_bindgen(js_name = summarizeTable)]
    pub fn summarize_table(&self, table: &TableInput, options: &str) -> Result<String, JsValue> {
        summarized(
            self.plan
                .summarize_encoded(&table.0, options, None, Threads::Auto),
        )
    }

    /// `totals` of typed-array columns (ids and names as JSON text, the columns one after
    /// another), packed as the core lays it out.
    #[wasm_bindgen(js_name = totalsFloats)]
    pub fn totals_floats(
        &self,
        ids: &str,
        names: &str,
        values: &[f64],
    ) -> Result<Vec<f64>, JsValue> {
        self.plan
            .totals_floats(ids, names, values, Threads::Auto)
            .map_err(thrown)
    }
}

/// A batch encoded by the front (`bindings-js/table.mjs`), copied into wasm once.
#[wasm_bindgen]
pub struct TableInput(EncodedTable);

#[wasm_bindgen]
impl TableInput {
    /// The parts of the table, in the order the encoder returns them.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(constructor)]
    pub fn new(
        labels: Vec<u8>,
        label_offsets: Vec<i32>,
        kinds: Vec<u8>,
        numbers: Vec<f64>,
        text_offsets: Vec<i32>,
        text: Vec<u8>,
        present: Vec<u8>,
    ) -> TableInput {
        TableInput(EncodedTable {
            labels,
            label_offsets,
            kinds,
            numbers,
            text_offsets,
            text,
            present,
        })
    }
}

/// A compiled pay plan and (a copy of) the scoring plan it was compiled against.
#[wasm_bindgen]
pub struct CorePayPlan {
    pay: Arc<PayPlan>,
    plan: Arc<Plan>,
}

#[wasm_bindgen]
impl CorePayPlan {
    /// Parse and compile a pay plan against a scoring plan; all problems at once.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str, plan: &CorePlan) -> Result<CorePayPlan, JsValue> {
        let pay = PayPlan::from_json(text, &plan.plan).map_err(thrown)?;
        Ok(CorePayPlan {
            pay: Arc::new(pay),
            plan: plan.plan.clone(),
        })
    }

    /// The pay plan's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.pay.id().to_string()
    }

    /// Decimal places of the currency's minor unit.
    #[wasm_bindgen(getter, js_name = minorUnits)]
    pub fn minor_units(&self) -> u32 {
        self.pay.minor_units()
    }

    /// Run one of the pay plan's operations.
    pub fn run(&self, operation: &str, request: &str) -> Result<String, JsValue> {
        self.pay.run(&self.plan, operation, request).map_err(thrown)
    }

    /// `statements`, its documents as a tape.
    #[wasm_bindgen(js_name = runTape)]
    pub fn run_tape(&self, operation: &str, request: &str) -> Result<CoreTape, JsValue> {
        self.pay
            .run_tape(&self.plan, operation, request)
            .map(CoreTape)
            .map_err(thrown)
    }

    /// Throws `plan_mismatch` unless `plan` is the plan this pay plan was compiled against.
    #[wasm_bindgen(js_name = checkPlan)]
    pub fn check_plan(&self, plan: &CorePlan) -> Result<(), JsValue> {
        self.pay.check_plan(&plan.plan).map_err(thrown)
    }

    /// `summarize` with pay of a table encoded by the front, or `""` for the record reader.
    #[wasm_bindgen(js_name = summarizeTable)]
    pub fn summarize_table(&self, table: &TableInput, options: &str) -> Result<String, JsValue> {
        summarized(
            self.plan
                .summarize_encoded(&table.0, options, Some(&*self.pay), Threads::Auto),
        )
    }
}

/// One batch scored part by part (`perfscore::ops::SummaryStream`); the front yields to the
/// event loop between parts, so an `AbortSignal` stops the batch at the next one.
#[wasm_bindgen]
pub struct CoreStream(SummaryStream);

#[wasm_bindgen]
impl CoreStream {
    /// A stream of `plan`'s summaries over `csv` text when given. `whole`: one batch whose
    /// problems all come from `finish`.
    pub fn create(
        plan: &CorePlan,
        options: &str,
        whole: bool,
        csv: Option<String>,
    ) -> Result<CoreStream, JsValue> {
        CoreStream::open(&plan.plan, None, options, whole, csv)
    }

    /// [`CoreStream::create`] with each summary's pay under `pay`.
    #[wasm_bindgen(js_name = createWithPay)]
    pub fn create_with_pay(
        pay: &CorePayPlan,
        options: &str,
        whole: bool,
        csv: Option<String>,
    ) -> Result<CoreStream, JsValue> {
        CoreStream::open(&pay.plan, Some(&pay.pay), options, whole, csv)
    }

    fn open(
        plan: &Arc<Plan>,
        pay: Option<&Arc<PayPlan>>,
        options: &str,
        whole: bool,
        csv: Option<String>,
    ) -> Result<CoreStream, JsValue> {
        SummaryStream::new(Arc::clone(plan), pay.cloned(), options, whole)
            .and_then(|s| match csv {
                Some(text) => s.with_csv(text),
                None => Ok(s),
            })
            .map(CoreStream)
            .map_err(thrown)
    }

    /// The next part, encoded by the front: its summaries, `""` (a whole stream with problems:
    /// nothing to add) or `undefined` (the part must come as records).
    #[wasm_bindgen(js_name = nextEncoded)]
    pub fn next_encoded(&mut self, table: &TableInput) -> Result<Option<String>, JsValue> {
        self.0
            .next_encoded(&table.0, Threads::Auto)
            .transpose()
            .map_err(thrown)
    }

    /// The next part as a JSON array of records.
    #[wasm_bindgen(js_name = nextRecords)]
    pub fn next_records(&mut self, records: &str) -> Result<String, JsValue> {
        self.0.next_records(records, Threads::Auto).map_err(thrown)
    }

    /// The next `rows` rows of the CSV text: their summaries as JSON, `""`, or `undefined` at
    /// the end.
    #[wasm_bindgen(js_name = nextCsv)]
    pub fn next_csv(&mut self, rows: u32) -> Result<Option<String>, JsValue> {
        let rows = usize::try_from(rows).unwrap_or(usize::MAX);
        self.0
            .next_csv(rows, Threads::Auto)
            .transpose()
            .map_err(thrown)
    }

    /// Rows read so far.
    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> u32 {
        u32::try_from(self.0.rows()).unwrap_or(u32::MAX)
    }

    /// Whether reading on would only repeat a problem of the whole batch.
    #[wasm_bindgen(getter)]
    pub fn stopped(&self) -> bool {
        self.0.is_stopped()
    }

    /// The end of a whole stream: throws every problem of every part.
    pub fn finish(&mut self) -> Result<(), JsValue> {
        self.0.finish().map_err(thrown)
    }
}

/// A validated 360-degree feedback configuration held inside the wasm instance (not in a
/// scoring-only module, where the JS front reports `Feedback` as not built).
#[cfg(feature = "feedback")]
#[wasm_bindgen]
pub struct CoreFeedback {
    feedback: Feedback,
}

#[cfg(feature = "feedback")]
#[wasm_bindgen]
impl CoreFeedback {
    /// Parse and validate a feedback configuration; all problems at once.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<CoreFeedback, JsValue> {
        Feedback::from_json(text)
            .map(|feedback| CoreFeedback { feedback })
            .map_err(thrown)
    }

    /// The configuration's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.feedback.id().to_string()
    }

    /// Run one of the configuration's operations.
    pub fn run(&self, operation: &str, request: &str) -> Result<String, JsValue> {
        self.feedback.run(operation, request).map_err(thrown)
    }
}

/// A plan's facts held between requests (`perfscore::ops::Accumulator`).
#[cfg(feature = "facts")]
#[wasm_bindgen]
pub struct CoreAccumulator {
    acc: perfscore::ops::Accumulator,
}

#[cfg(feature = "facts")]
#[wasm_bindgen]
impl CoreAccumulator {
    /// An empty accumulator, or one restored from its `to_json` state.
    pub fn create(plan: &CorePlan, state: Option<String>) -> Result<CoreAccumulator, JsValue> {
        let plan = std::sync::Arc::clone(&plan.plan);
        let acc = match state {
            Some(text) => perfscore::ops::Accumulator::from_json(plan, &text),
            None => perfscore::ops::Accumulator::new(plan),
        };
        acc.map(|acc| CoreAccumulator { acc }).map_err(thrown)
    }

    /// Run one of the accumulator's operations.
    pub fn run(&mut self, operation: &str, request: &str) -> Result<String, JsValue> {
        self.acc.run(operation, request).map_err(thrown)
    }
    /// `score`, its scorecards as a tape.
    #[wasm_bindgen(js_name = runTape)]
    pub fn run_tape(&self, operation: &str, request: &str) -> Result<CoreTape, JsValue> {
        self.acc
            .run_tape(operation, request)
            .map(CoreTape)
            .map_err(thrown)
    }
}
