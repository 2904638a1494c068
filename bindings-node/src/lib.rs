//! Node backend of perfscore: the core's operations, text in and text out, over napi-rs.
//!
//! The shared JavaScript front (`bindings-js/api.mjs`, the same module the wasm package runs over
//! its WebAssembly instance) builds the public API on top. A core error is thrown as a JS `Error`
//! with `code` and `canonical` properties; nothing here reads a request or writes a result itself.

use napi::bindgen_prelude::*;
use napi::JsValue;
use napi_derive::napi;
use perfscore::batch::Threads;
use perfscore::feedback::Feedback;
use perfscore::ops::{EncodedTable, SummaryStream};
use perfscore::Error as CoreError;
use std::sync::{Arc, Mutex};

/// A core error as the JS `Error` the front expects (`code`, `canonical`).
fn thrown(env: &Env, e: CoreError) -> Error {
    let e = e.bounded();
    let build = || -> Result<Error> {
        let mut obj = env.create_error(Error::from_reason(e.to_string()))?;
        obj.set_named_property("code", e.code())?;
        obj.set_named_property("canonical", e.to_canonical_json())?;
        Ok(Error::from(obj.to_unknown()))
    };
    build().unwrap_or_else(|err| err)
}

/// A table path result: `""` when the record reader must decide, else the result or the error.
fn summarized(env: &Env, result: Option<perfscore::Result<String>>) -> Result<String> {
    result
        .unwrap_or(Ok(String::new()))
        .map_err(|e| thrown(env, e))
}

/// The host's thread count for a batch (`None`: the engine's policy); zero is refused.
fn threads_of(env: &Env, threads: Option<u32>) -> Result<Threads> {
    Threads::from_count(threads.map(|n| n as usize)).map_err(|_| {
        let problem = perfscore::Problem::new(
            perfscore::Loc::root().key("threads"),
            perfscore::kinds::OUT_OF_RANGE,
            "at least one thread",
        )
        .zh("至少一个线程");
        thrown(env, CoreError::Input(vec![problem]))
    })
}

/// Test hook for the panic safety net: panics inside an export guarded by `catch_unwind`, which
/// must surface as a JS exception instead of aborting the process. Not part of the public API.
#[napi(catch_unwind, js_name = "__panicForTests")]
pub fn panic_for_tests() {
    panic!("deliberate panic to test the catch_unwind safety net");
}

/// Run an operation that needs no compiled object (analytics, pool splits, templates, demo data).
#[napi(catch_unwind)]
pub fn run(env: Env, operation: String, request: String) -> Result<String> {
    perfscore::ops::run(&operation, &request).map_err(|e| thrown(&env, e))
}

/// A compiled assessment plan.
#[napi]
pub struct CorePlan {
    plan: Arc<perfscore::Plan>,
}

#[napi]
impl CorePlan {
    /// Compile a plan from JSON text, within the host's lowered limits (JSON) or the defaults.
    #[napi(factory, catch_unwind)]
    pub fn from_json(env: Env, text: String, limits: Option<String>) -> Result<CorePlan> {
        let limits = match limits {
            Some(l) => perfscore::Limits::from_json(&l).map_err(|e| thrown(&env, e))?,
            None => perfscore::Limits::default(),
        };
        let plan =
            perfscore::Plan::from_json_with_limits(&text, &limits).map_err(|e| thrown(&env, e))?;
        Ok(CorePlan {
            plan: Arc::new(plan),
        })
    }

    /// The plan's id.
    #[napi(getter, catch_unwind)]
    pub fn id(&self) -> String {
        self.plan.spec().id.to_string()
    }

    /// Run one of the plan's operations.
    #[napi(catch_unwind)]
    pub fn run(&self, env: Env, operation: String, request: String) -> Result<String> {
        self.plan
            .run(&operation, &request)
            .map_err(|e| thrown(&env, e))
    }

    /// Run one of the plan's per-record operations (`score_many`, `score_facts`), its documents
    /// as a tape.
    #[napi(catch_unwind)]
    pub fn run_tape(&self, env: Env, operation: String, request: String) -> Result<TapeOut> {
        self.plan
            .run_tape(&operation, &request)
            .map(TapeOut::from)
            .map_err(|e| thrown(&env, e))
    }

    /// `run_tape` on libuv's thread pool, off the event loop.
    #[napi(ts_return_type = "Promise<TapeOut>")]
    pub fn run_tape_async(&self, operation: String, request: String) -> AsyncTask<RunTask> {
        AsyncTask::new(RunTask {
            plan: Arc::clone(&self.plan),
            operation,
            request,
        })
    }

    /// `summarize` of a table encoded by the front, or `""` when the record reader must report
    /// its input problems (nothing has been scored then).
    #[napi(catch_unwind)]
    pub fn summarize_table(
        &self,
        env: Env,
        table: &TableInput,
        options: String,
        threads: Option<u32>,
    ) -> Result<String> {
        let threads = threads_of(&env, threads)?;
        summarized(
            &env,
            self.plan
                .summarize_encoded(&table.0.borrow(), &options, None, threads),
        )
    }

    /// `totals` of typed-array columns (ids and names as JSON text, the columns one after
    /// another), packed as the core lays it out.
    #[napi(catch_unwind)]
    pub fn totals_floats(
        &self,
        env: Env,
        ids: String,
        names: String,
        values: Float64Array,
        threads: Option<u32>,
    ) -> Result<Float64Array> {
        let threads = threads_of(&env, threads)?;
        self.plan
            .totals_floats(&ids, &names, &values, threads)
            .map(Float64Array::new)
            .map_err(|e| thrown(&env, e))
    }
}

/// Documents as the core's tape (`perfscore::ops::Tape`), its arrays handed over without a copy;
/// the front (`bindings-js/tape.mjs`) builds the objects.
#[napi(object)]
pub struct TapeOut {
    pub nodes: Uint32Array,
    pub numbers: Float64Array,
    pub strings: String,
    pub string_ends: Uint32Array,
}

impl From<perfscore::ops::Tape> for TapeOut {
    fn from(t: perfscore::ops::Tape) -> Self {
        TapeOut {
            nodes: Uint32Array::new(t.nodes),
            numbers: Float64Array::new(t.numbers),
            strings: t.strings,
            string_ends: Uint32Array::new(t.string_ends),
        }
    }
}

/// A per-record plan operation run off the event loop, its documents as a tape.
pub struct RunTask {
    plan: Arc<perfscore::Plan>,
    operation: String,
    request: String,
}

impl Task for RunTask {
    type Output = std::result::Result<perfscore::ops::Tape, CoreError>;
    type JsValue = TapeOut;

    fn compute(&mut self) -> Result<Self::Output> {
        // The core has no panics on input-reachable paths; this is the safety net for the worker.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.plan.run_tape(&self.operation, &self.request)
        }))
        .map_err(|_| Error::from_reason("perfscore panicked (a bug: please report it)"))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<TapeOut> {
        output.map(TapeOut::from).map_err(|e| thrown(&env, e))
    }
}

/// A batch encoded by the front (`bindings-js/table.mjs`).
#[napi]
pub struct TableInput(std::cell::RefCell<EncodedTable>);

#[napi]
impl TableInput {
    /// The parts of the table, in the order the encoder returns them.
    #[allow(clippy::too_many_arguments)]
    #[napi(constructor)]
    pub fn new(
        labels: Uint8Array,
        label_offsets: Int32Array,
        kinds: Uint8Array,
        numbers: Float64Array,
        text_offsets: Int32Array,
        text: Uint8Array,
        present: Uint8Array,
    ) -> TableInput {
        TableInput(std::cell::RefCell::new(EncodedTable {
            labels: labels.to_vec(),
            label_offsets: label_offsets.to_vec(),
            kinds: kinds.to_vec(),
            numbers: numbers.to_vec(),
            text_offsets: text_offsets.to_vec(),
            text: text.to_vec(),
            present: present.to_vec(),
        }))
    }

    /// Nothing to release (wasm's table has to be freed; the front calls this on both).
    #[napi]
    pub fn free(&self) {}
}

/// A compiled pay plan and the scoring plan it was compiled against.
#[napi]
pub struct CorePayPlan {
    pay: Arc<perfscore::PayPlan>,
    plan: Arc<perfscore::Plan>,
}

#[napi]
impl CorePayPlan {
    /// Parse and compile a pay plan against a scoring plan; all problems at once.
    #[napi(factory, catch_unwind)]
    pub fn from_json(env: Env, text: String, plan: &CorePlan) -> Result<CorePayPlan> {
        let pay = perfscore::PayPlan::from_json(&text, &plan.plan).map_err(|e| thrown(&env, e))?;
        Ok(CorePayPlan {
            pay: Arc::new(pay),
            plan: Arc::clone(&plan.plan),
        })
    }

    /// The pay plan's id.
    #[napi(getter, catch_unwind)]
    pub fn id(&self) -> String {
        self.pay.id().to_string()
    }

    /// Decimal places of the currency's minor unit.
    #[napi(getter, catch_unwind)]
    pub fn minor_units(&self) -> u32 {
        self.pay.minor_units()
    }

    /// Run one of the pay plan's operations.
    #[napi(catch_unwind)]
    pub fn run(&self, env: Env, operation: String, request: String) -> Result<String> {
        self.pay
            .run(&self.plan, &operation, &request)
            .map_err(|e| thrown(&env, e))
    }

    /// `statements`, its documents as a tape.
    #[napi(catch_unwind)]
    pub fn run_tape(&self, env: Env, operation: String, request: String) -> Result<TapeOut> {
        self.pay
            .run_tape(&self.plan, &operation, &request)
            .map(TapeOut::from)
            .map_err(|e| thrown(&env, e))
    }

    /// Throws `plan_mismatch` unless `plan` is the plan this pay plan was compiled against.
    #[napi(catch_unwind)]
    pub fn check_plan(&self, env: Env, plan: &CorePlan) -> Result<()> {
        self.pay.check_plan(&plan.plan).map_err(|e| thrown(&env, e))
    }

    /// `summarize` with pay of a table encoded by the front, or `""` for the record reader.
    #[napi(catch_unwind)]
    pub fn summarize_table(
        &self,
        env: Env,
        table: &TableInput,
        options: String,
        threads: Option<u32>,
    ) -> Result<String> {
        let threads = threads_of(&env, threads)?;
        let pay = Some(&*self.pay);
        summarized(
            &env,
            self.plan
                .summarize_encoded(&table.0.borrow(), &options, pay, threads),
        )
    }
}

/// One batch scored part by part on libuv's thread pool (`perfscore::ops::SummaryStream`): the
/// front awaits each part, so the event loop runs between parts and an `AbortSignal` stops the
/// batch at the next one. Parts of one stream run one after another.
#[napi]
pub struct CoreStream {
    stream: Arc<Mutex<SummaryStream>>,
}

#[napi]
impl CoreStream {
    /// A stream of `plan`'s summaries, over `csv` text when given. `whole`: one batch whose
    /// problems all come from `finish`.
    #[napi(factory, catch_unwind)]
    pub fn create(
        env: Env,
        plan: &CorePlan,
        options: String,
        whole: bool,
        csv: Option<String>,
    ) -> Result<CoreStream> {
        CoreStream::open(&env, &plan.plan, None, &options, whole, csv)
    }

    /// [`CoreStream::create`] with each summary's pay under `pay`.
    #[napi(factory, catch_unwind)]
    pub fn create_with_pay(
        env: Env,
        pay: &CorePayPlan,
        options: String,
        whole: bool,
        csv: Option<String>,
    ) -> Result<CoreStream> {
        CoreStream::open(&env, &pay.plan, Some(&pay.pay), &options, whole, csv)
    }

    fn open(
        env: &Env,
        plan: &Arc<perfscore::Plan>,
        pay: Option<&Arc<perfscore::PayPlan>>,
        options: &str,
        whole: bool,
        csv: Option<String>,
    ) -> Result<CoreStream> {
        let stream = SummaryStream::new(Arc::clone(plan), pay.cloned(), options, whole)
            .and_then(|s| match csv {
                Some(text) => s.with_csv(text),
                None => Ok(s),
            })
            .map_err(|e| thrown(env, e))?;
        Ok(CoreStream {
            stream: Arc::new(Mutex::new(stream)),
        })
    }

    /// The next part, encoded by the front: its summaries, `""` (a whole stream with problems:
    /// nothing to add) or `null` (the part must come as records).
    #[napi(ts_return_type = "Promise<string | null>")]
    pub fn next_encoded(
        &self,
        env: Env,
        table: &TableInput,
        threads: Option<u32>,
    ) -> Result<AsyncTask<StreamTask>> {
        // The worker owns the part; the front frees the input right after this call.
        let part = Part::Encoded(table.0.take());
        self.task(&env, part, threads)
    }

    /// The next part as a JSON array of records.
    #[napi(ts_return_type = "Promise<string | null>")]
    pub fn next_records(
        &self,
        env: Env,
        records: String,
        threads: Option<u32>,
    ) -> Result<AsyncTask<StreamTask>> {
        self.task(&env, Part::Records(records), threads)
    }

    /// The next `rows` rows of the CSV text: their summaries as JSON, `""`, or `null` at the end.
    #[napi(ts_return_type = "Promise<string | null>")]
    pub fn next_csv(
        &self,
        env: Env,
        rows: u32,
        threads: Option<u32>,
    ) -> Result<AsyncTask<StreamTask>> {
        self.task(&env, Part::Csv(rows as usize), threads)
    }

    /// Rows read so far.
    #[napi(getter, catch_unwind)]
    pub fn rows(&self) -> Result<u32> {
        Ok(u32::try_from(self.locked()?.rows()).unwrap_or(u32::MAX))
    }

    /// Whether reading on would only repeat a problem of the whole batch.
    #[napi(getter, catch_unwind)]
    pub fn stopped(&self) -> Result<bool> {
        Ok(self.locked()?.is_stopped())
    }

    /// The end of a whole stream: throws every problem of every part.
    #[napi(catch_unwind)]
    pub fn finish(&self, env: Env) -> Result<()> {
        self.locked()?.finish().map_err(|e| thrown(&env, e))
    }

    fn locked(&self) -> Result<std::sync::MutexGuard<'_, SummaryStream>> {
        self.stream.lock().map_err(|_| poisoned())
    }

    fn task(&self, env: &Env, part: Part, threads: Option<u32>) -> Result<AsyncTask<StreamTask>> {
        Ok(AsyncTask::new(StreamTask {
            stream: Arc::clone(&self.stream),
            part,
            threads: threads_of(env, threads)?,
        }))
    }
}

/// What a stream's next part is made of.
enum Part {
    Encoded(EncodedTable),
    Records(String),
    Csv(usize),
}

fn poisoned() -> Error {
    Error::from_reason(
        "perfscore: an earlier part of this stream panicked (a bug: please report it)",
    )
}

/// One part of a [`CoreStream`], scored on libuv's thread pool.
pub struct StreamTask {
    stream: Arc<Mutex<SummaryStream>>,
    part: Part,
    threads: Threads,
}

impl Task for StreamTask {
    type Output = Option<std::result::Result<String, CoreError>>;
    type JsValue = Option<String>;

    fn compute(&mut self) -> Result<Self::Output> {
        let part = std::mem::replace(&mut self.part, Part::Csv(0));
        let threads = self.threads;
        let stream = &self.stream;
        // A part that panicked poisons the stream: later parts fail instead of guessing.
        let mut s = stream.lock().map_err(|_| poisoned())?;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match part {
            Part::Encoded(table) => s.next_encoded(&table, threads),
            Part::Records(records) => Some(s.next_records(&records, threads)),
            Part::Csv(rows) => s.next_csv(rows, threads),
        }))
        .map_err(|_| Error::from_reason("perfscore panicked (a bug: please report it)"))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<Option<String>> {
        output.transpose().map_err(|e| thrown(&env, e))
    }
}

/// A validated 360-degree feedback configuration.
#[napi]
pub struct CoreFeedback {
    feedback: Feedback,
}

#[napi]
impl CoreFeedback {
    /// Parse and validate a feedback configuration; all problems at once.
    #[napi(factory, catch_unwind)]
    pub fn from_json(env: Env, text: String) -> Result<CoreFeedback> {
        Feedback::from_json(&text)
            .map(|feedback| CoreFeedback { feedback })
            .map_err(|e| thrown(&env, e))
    }

    /// The configuration's id.
    #[napi(getter, catch_unwind)]
    pub fn id(&self) -> String {
        self.feedback.id().to_string()
    }

    /// Run one of the configuration's operations.
    #[napi(catch_unwind)]
    pub fn run(&self, env: Env, operation: String, request: String) -> Result<String> {
        self.feedback
            .run(&operation, &request)
            .map_err(|e| thrown(&env, e))
    }
}

/// A plan's facts held between requests (`perfscore::ops::Accumulator`).
#[napi]
pub struct CoreAccumulator {
    acc: perfscore::ops::Accumulator,
}

#[napi]
impl CoreAccumulator {
    /// An empty accumulator, or one restored from its `to_json` state.
    #[napi(factory, catch_unwind)]
    pub fn create(env: Env, plan: &CorePlan, state: Option<String>) -> Result<CoreAccumulator> {
        let plan = Arc::clone(&plan.plan);
        let acc = match state {
            Some(text) => perfscore::ops::Accumulator::from_json(plan, &text),
            None => perfscore::ops::Accumulator::new(plan),
        };
        acc.map(|acc| CoreAccumulator { acc })
            .map_err(|e| thrown(&env, e))
    }

    /// Run one of the accumulator's operations.
    #[napi(catch_unwind)]
    pub fn run(&mut self, env: Env, operation: String, request: String) -> Result<String> {
        self.acc
            .run(&operation, &request)
            .map_err(|e| thrown(&env, e))
    }
    /// `score`, its scorecards as a tape.
    #[napi(catch_unwind)]
    pub fn run_tape(&self, env: Env, operation: String, request: String) -> Result<TapeOut> {
        self.acc
            .run_tape(&operation, &request)
            .map(TapeOut::from)
            .map_err(|e| thrown(&env, e))
    }
}
