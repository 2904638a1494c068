// The public perfscore API for JavaScript, one module over two backends: the Node package runs it
// over its native addon, the wasm package over its WebAssembly instance (bindings-node/index.mjs,
// bindings-wasm/js/node.mjs and web.mjs only load a backend). A backend exposes the core's
// operations, text in and text out (`CorePlan.run(operation, request)` …); this module turns JS
// values into requests (encode.mjs), results into objects, and backend errors into
// `PerfscoreError`s. No scoring logic lives here.

import { toJson } from './encode.mjs';
import { TotalsColumns } from './columns.mjs';
import { decodeSummaries, encodeTable } from './table.mjs';
import { Parts, settingsOf, summarizeEach, summarizeWhole } from './stream.mjs';
import { decodeTape } from './tape.mjs';

/** An error from perfscore: `code` is `PLAN_INVALID`, `INPUT_INVALID` or `WASM_TRAP`. */
export class PerfscoreError extends Error {
  constructor(message, code, problems, canonical) {
    super(message);
    this.name = 'PerfscoreError';
    this.code = code;
    this.problems = problems;
    this.canonical = canonical;
  }
}

/**
 * A capability the loaded module was built without (the scoring-only wasm module has no 360
 * feedback): an Error with the stable code `NOT_BUILT`.
 */
function notBuilt(what) {
  const e = new Error(`${what} is not in this perfscore module (a scoring-only build); load the full package`);
  e.code = 'NOT_BUILT';
  return e;
}

/** A wrong argument type (a programming error, not bad data): a TypeError with a stable code. */
function argumentError(message) {
  const e = new TypeError(message);
  e.code = 'INVALID_ARGUMENT';
  return e;
}

/** napi-rs's codes for an argument of the wrong JS type. */
const NAPI_ARGUMENT_CODES = new Set([
  'InvalidArg', 'ObjectExpected', 'StringExpected', 'NameExpected', 'FunctionExpected',
  'NumberExpected', 'BooleanExpected', 'ArrayExpected', 'BigintExpected', 'DateExpected',
]);

/** A backend's thrown error as the API's: core errors carry `code` and `canonical`. */
function converted(e) {
  if (e instanceof Error && typeof e.canonical === 'string' && typeof e.code === 'string') {
    return new PerfscoreError(e.message, e.code, JSON.parse(e.canonical).problems, e.canonical);
  }
  if (e instanceof Error && NAPI_ARGUMENT_CODES.has(e.code)) return argumentError(e.message);
  return e;
}

const lines = (text) => (text === '' ? [] : text.split('\n'));

/**
 * The documents of a per-record operation (`score_many`, `statements` …) on a compiled object:
 * built from the backend's tape where it has one (no JSON text written or parsed), else parsed
 * from its JSON lines. The same values either way.
 */
function documents(live, operation, request) {
  if (typeof live.runTape === 'function') {
    const tape = live.runTape(operation, toJson(request));
    try {
      return decodeTape(tape);
    } finally {
      if (typeof tape.free === 'function') tape.free();
    }
  }
  return lines(live.run(operation, toJson(request))).map((line) => JSON.parse(line));
}
const camel = (name) => name.replace(/_([a-z])/g, (_m, c) => c.toUpperCase());
const given = (v) => v !== undefined && v !== null;
const langOf = (lang) => (given(lang) ? String(lang) : undefined);

/**
 * Build the API over a backend: `backend.core()` returns the live backend exports;
 * `backend.reload()` (wasm only) replaces the instance after a trap.
 */
export function createApi(backend) {
  let generation = 0;

  function call(fn) {
    try {
      return fn();
    } catch (e) {
      if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError && backend.reload) {
        throw trapped(e);
      }
      throw converted(e);
    }
  }

  function trapped(e) {
    generation += 1;
    let note = 'it has been re-instantiated; plans are re-created on their next use, so the call can be retried';
    try {
      backend.reload();
    } catch (r) {
      note = `re-instantiating it failed: ${r && r.message}`;
    }
    const err = new PerfscoreError(
      `perfscore: the WebAssembly instance trapped (${e.message}); ${note}`,
      'WASM_TRAP',
      [],
      JSON.stringify({ code: 'WASM_TRAP', problems: [] }),
    );
    err.cause = e;
    return err;
  }

  /** A free operation (no compiled object). */
  const run = (operation, request) => call(() => backend.core().run(operation, toJson(request ?? {})));

  /**
   * A compiled object held by the backend, re-created from its document after a wasm trap.
   * `make(core)` compiles it in the live backend.
   */
  class Held {
    #make;
    #live;
    #generation;

    constructor(make) {
      this.#make = make;
      this.#live = call(() => make(backend.core()));
      this.#generation = generation;
    }

    get() {
      if (this.#generation !== generation) {
        this.#live = call(() => this.#make(backend.core()));
        this.#generation = generation;
      }
      return this.#live;
    }
  }

  /** A backend call that may answer later (native workers): its rejection converted too. */
  function step(fn) {
    const out = call(fn);
    return out instanceof Promise ? out.catch((e) => { throw converted(e); }) : out;
  }

  /** An encoded table as the backend's input (to be freed by the caller). */
  const tableInput = ({ labels, labelOffsets, kinds, numbers, textOffsets, text, present }) =>
    new (backend.core().TableInput)(labels, labelOffsets, kinds, numbers, textOffsets, text, present);

  /**
   * A long batch's parts over a core stream of `plan`'s summaries (with `payPlan`'s pay);
   * `whole`: all of its problems at the end. `csv`: the CSV text it reads, if any.
   */
  function openParts(method, plan, payPlan, options, settings, whole, csv) {
    if (given(payPlan) && !(payPlan instanceof PayPlan)) {
      throw argumentError(`${method} expects a PayPlan (or nothing) as its third argument`);
    }
    if (given(payPlan)) checkPays(payPlan, plan);
    const live = livePlan(plan);
    // Only the native addon runs parts on worker threads (it has `runTapeAsync`).
    const checked = settingsOf(settings, method, argumentError, typeof live.runTapeAsync === 'function');
    checked.signal?.throwIfAborted();
    const o = given(options) ? toJson(options) : '';
    const stream = call(() => {
      const { CoreStream } = backend.core();
      return given(payPlan)
        ? CoreStream.createWithPay(livePay(payPlan), o, whole, csv)
        : CoreStream.create(live, o, whole, csv);
    });
    return new Parts(stream, { step, table: tableInput }, checked);
  }

  /** Throws `plan_mismatch` unless `payPlan` was compiled against `plan` (the core decides). */
  const checkPays = (payPlan, plan) => call(() => livePay(payPlan).checkPlan(livePlan(plan)));

  const token = Symbol('perfscore');
  /** The live compiled plan of a `Plan` (set in Plan's static block), and of a `PayPlan`. */
  let livePlan;
  let livePay;

  class Plan {
    #json;
    #held;
    #gradeNames;

    constructor(t, json, held) {
      if (t !== token) throw argumentError('use Plan.fromJson, Plan.fromObject or Plan.template');
      this.#json = json;
      this.#held = held;
    }

    static fromJson(text, limits) {
      if (typeof text !== 'string') throw argumentError('Plan.fromJson expects a string');
      const lowered = given(limits) ? toJson(limits) : undefined;
      return new Plan(token, text, new Held((core) => core.CorePlan.fromJson(text, lowered)));
    }

    static fromObject(plan, limits) {
      if (plan === null || typeof plan !== 'object') throw argumentError('Plan.fromObject expects an object');
      return Plan.fromJson(toJson(plan), limits);
    }

    static template(id) {
      if (typeof id !== 'string') throw argumentError('Plan.template expects a string');
      return Plan.fromJson(run('template', { id }));
    }

    /** Run one of the plan's operations (`score`, `summarize`, …) on a request object. */
    run(operation, request) {
      return call(() => this.#held.get().run(operation, toJson(request ?? {})));
    }

    get id() {
      return call(() => this.#held.get().id);
    }

    /** The plan document as compact JSON; `Plan.fromJson` reads it back as the same plan. */
    toJson() {
      return this.run('to_json');
    }

    /** The plan document, so `JSON.stringify(plan)` (and an analytics request holding a Plan) writes it. */
    toJSON() {
      return JSON.parse(this.toJson());
    }

    measureIds() {
      return JSON.parse(this.run('measure_ids'));
    }

    recordsFromCsv(text) {
      if (typeof text !== 'string') throw argumentError('recordsFromCsv expects a string');
      return JSON.parse(this.run('records_from_csv', { text }));
    }

    recordsFromJson(text) {
      if (typeof text !== 'string') throw argumentError('recordsFromJson expects a string');
      return JSON.parse(this.run('records_from_json', { text }));
    }

    score(record, options) {
      return JSON.parse(this.run('score', { record, options }));
    }

    recordsFromFacts(request) {
      return JSON.parse(this.run('records_from_facts', request));
    }

    scoreFacts(request) {
      return call(() => documents(this.#held.get(), 'score_facts', request ?? {}));
    }

    pivotFacts(request) {
      return JSON.parse(this.run('pivot_facts', request));
    }

    reconcileFacts(request) {
      return JSON.parse(this.run('reconcile_facts', request));
    }

    checkFacts(request) {
      return JSON.parse(this.run('check_facts', request));
    }

    periodResults(records, period, options, extras = {}) {
      const { payPlan, feedback } = extras;
      return JSON.parse(this.run('period_results', { records, period, options, pay_plan: payPlan, feedback }));
    }

    promotionEligibility(request) {
      return JSON.parse(this.run('promotion_eligibility', request));
    }

    scoreCanonical(records, options) {
      return lines(this.run('score_many', { records, options }));
    }

    scoreMany(records, options) {
      return call(() => documents(this.#held.get(), 'score_many', { records, options }));
    }

    /** `scoreMany` off the calling thread where the backend can (the native addon); in wasm, on it. */
    async scoreManyAsync(records, options) {
      const request = toJson({ records, options });
      const live = this.#held.get();
      if (typeof live.runTapeAsync !== 'function') {
        await null;
        return this.scoreMany(records, options);
      }
      let tape;
      try {
        tape = await live.runTapeAsync('score_many', request);
      } catch (e) {
        throw converted(e);
      }
      return decodeTape(tape);
    }

    /**
     * The lean batch result: per record `{record_id, total, grade, grade_before_veto, vetoed}`,
     * plus `pay` (the pay statement's total, normalised) when `payPlan` is given. Plain records
     * cross as a table; anything else, and any problem, takes the record path, which reports
     * exactly what `scoreMany` (then `payPlan.statements`) reports.
     */
    summarize(records, options, payPlan, { threads } = {}) {
      if (given(payPlan) && !(payPlan instanceof PayPlan)) {
        throw argumentError('summarize expects a PayPlan (or nothing) as its third argument');
      }
      if (given(payPlan)) checkPays(payPlan, this);
      if (given(threads) && !(Number.isInteger(threads) && threads > 0)) {
        throw argumentError('summarize: threads must be a positive whole number');
      }
      const target = given(payPlan) ? payPlan : this;
      const table = encodeTable(records);
      if (table !== null) {
        const out = target.summarizeTable(table, options, threads);
        if (out !== '') return decodeSummaries(table.ids, out);
      }
      return JSON.parse(target.run('summarize', { records, options }));
    }

    /**
     * `summarize` of a long batch without holding the event loop: `input` is an array of
     * records or CSV text (read as `recordsFromCsv` reads it). It is scored in parts of
     * `partRows` rows (on libuv's thread pool with the native addon; with a turn of the event
     * loop after each part in wasm); `signal` (an AbortSignal) stops it at the next part and
     * rejects with the signal's reason, returning nothing; `onProgress({ rows, total })` follows
     * it. The summaries and problems are exactly `summarize`'s (all problems of every part).
     */
    async summarizeAsync(input, options, payPlan, settings) {
      const csv = typeof input === 'string' ? input : undefined;
      if (csv === undefined && !Array.isArray(input)) {
        throw argumentError('summarizeAsync expects an array of records or CSV text');
      }
      return summarizeWhole(openParts('summarizeAsync', this, payPlan, options, settings, true, csv), input);
    }

    /**
     * A stream of batches scored one by one, each batch's summaries as soon as it is scored:
     * `source` is CSV text (in parts of `partRows` rows) or an iterable or async iterable of
     * record arrays (a generator reading a file, a database cursor), so memory holds one batch.
     * Rows are numbered and ids checked across the whole stream; a batch with a problem throws
     * (the batches before it were already handed out). `signal` stops it between batches.
     */
    async *iterSummaries(source, options, payPlan, settings) {
      const csv = typeof source === 'string' ? source : undefined;
      const iterable = source !== null && typeof source === 'object'
        && (typeof source[Symbol.iterator] === 'function' || typeof source[Symbol.asyncIterator] === 'function');
      if (csv === undefined && !iterable) {
        throw argumentError('iterSummaries expects CSV text or an iterable of record arrays');
      }
      yield* summarizeEach(openParts('iterSummaries', this, payPlan, options, settings, false, csv), source, argumentError);
    }

    /** Each record's total, grade, grade before a veto and veto, as columns, from the core's
     * fast exact path (`Plan::totals`); the same totals and grades as `summarize`. */
    totals(records) {
      return JSON.parse(this.run('totals', { records }));
    }

    /** `totals` of columns: `{ ids, columns: { measure: Float64Array | number[] } }` (NaN or
     * null = missing), handed to the core as one typed array, no record objects; the result as
     * typed arrays (`TotalsColumns`), decimal text and grade names only when asked for. */
    totalsColumns({ ids, columns }, { threads } = {}) {
      if (!Array.isArray(ids)) throw argumentError('totalsColumns: ids must be an array of text');
      if (given(threads) && !(Number.isInteger(threads) && threads > 0)) {
        throw argumentError('totalsColumns: threads must be a positive whole number');
      }
      const names = Object.keys(columns ?? {});
      const n = ids.length;
      const values = new Float64Array(names.length * n);
      names.forEach((name, k) => {
        const column = columns[name];
        if (column === null || typeof column !== 'object' || typeof column.length !== 'number') {
          throw argumentError(`totalsColumns: column \`${name}\` must be an array or a Float64Array`);
        }
        if (column.length !== n) {
          throw argumentError(`totalsColumns: column \`${name}\` has ${column.length} values for ${n} ids`);
        }
        if (column instanceof Float64Array) {
          // Already the layout the core reads (NaN = missing): one copy.
          values.set(column, k * n);
          return;
        }
        for (let i = 0; i < n; i++) {
          const v = column[i];
          if (v === null || v === undefined) {
            values[k * n + i] = NaN;
          } else if (typeof v === 'number') {
            values[k * n + i] = v;
          } else {
            // Text, bigint or objects have their own rules: plan.totals(records) reads them.
            throw argumentError(`totalsColumns: columns.${name}[${i}] is a ${typeof v}, not a number; use plan.totals(records) for other values`);
          }
        }
      });
      const live = this.#held.get();
      const packed = call(() => live.totalsFloats(JSON.stringify(ids), JSON.stringify(names), values, threads));
      return new TotalsColumns(ids, this.gradeNames, packed);
    }

    /** The plan's grade names, best first (what grade indexes point into). */
    get gradeNames() {
      this.#gradeNames ??= JSON.parse(this.run('grade_names'));
      return this.#gradeNames;
    }

    /** The table path of `summarize` (`''` when the record path must decide); internal. */
    summarizeTable(table, options, threads) {
      return summarizeTable(this.#held.get(), table, options, threads);
    }

    explain(record, lang, options) {
      return JSON.parse(this.run('explain', { record, lang: langOf(lang), options }));
    }

    /** A live accumulator of this plan's facts (empty, or restored from `toJson`'s state). */
    accumulator(state) {
      if (given(state) && typeof state !== 'string') throw argumentError('accumulator expects the state as a string');
      return new Accumulator(
        token,
        call(() => {
          const core = backend.core();
          if (typeof core.CoreAccumulator !== 'function') throw notBuilt('business facts');
          return core.CoreAccumulator.create(this.#held.get(), state ?? undefined);
        }),
      );
    }

    static {
      livePlan = (plan) => plan.#held.get();
    }
  }

  /**
   * A plan's facts held between requests: add and retract facts, then ask for records and
   * scorecards at any as-of date. Its state lives in the backend; after a wasm trap it is gone
   * (restore it from the last `toJson`), so every later call throws `STATE_LOST`.
   */
  class Accumulator {
    #live;
    #generation;

    constructor(t, live) {
      if (t !== token) throw argumentError('use plan.accumulator()');
      this.#live = live;
      this.#generation = generation;
    }

    run(operation, request) {
      const live = this.#held();
      return call(() => live.run(operation, toJson(request ?? {})));
    }

    /** The live backend object, unless a wasm trap lost it. */
    #held() {
      if (this.#generation !== generation) {
        throw new PerfscoreError(
          'perfscore: this accumulator\'s state was lost when the WebAssembly instance trapped; restore it with plan.accumulator(savedState)',
          'STATE_LOST',
          [],
          JSON.stringify({ code: 'STATE_LOST', problems: [] }),
        );
      }
      return this.#live;
    }

    /** Add facts (a list of objects or CSV text) to a source: `{changed, people}`. */
    add(source, facts) {
      return JSON.parse(this.run('add', { source, facts }));
    }

    /** Retract facts by id: `{changed, people}`. */
    retract(source, ids) {
      return JSON.parse(this.run('retract', { source, ids }));
    }

    /** As `plan.recordsFromFacts`, over the facts held. */
    records(request) {
      return JSON.parse(this.run('records', request));
    }

    /** As `plan.scoreFacts`, over the facts held. */
    score(request) {
      const live = this.#held();
      return call(() => documents(live, 'score', request ?? {}));
    }

    /** As `plan.pivotFacts`, over the facts held. */
    pivot(request) {
      return JSON.parse(this.run('pivot', request));
    }

    /** As `plan.reconcileFacts`, over the facts held. */
    reconcile(request) {
      return JSON.parse(this.run('reconcile', request));
    }

    /** How many facts are held. */
    size() {
      return JSON.parse(this.run('size')).facts;
    }

    /** The state, to keep between requests and restore with `plan.accumulator(state)`. */
    toJson() {
      return this.run('to_json');
    }
  }

  /** The table path of `summarize`; `threads` only where the backend has threads (native). */
  function summarizeTable(live, table, options, threads) {
    const o = given(options) ? toJson(options) : '';
    return call(() => {
      const input = tableInput(table);
      try {
        return live.summarizeTable(input, o, threads);
      } finally {
        input.free();
      }
    });
  }

  /** A compiled pay plan, bound to the scoring `Plan` it was compiled against. */
  class PayPlan {
    #json;
    #held;

    constructor(t, json, held) {
      if (t !== token) throw argumentError('use PayPlan.fromJson or PayPlan.fromObject');
      this.#json = json;
      this.#held = held;
    }

    static fromJson(text, plan) {
      if (typeof text !== 'string') throw argumentError('PayPlan.fromJson expects a string');
      if (!(plan instanceof Plan)) throw argumentError('PayPlan.fromJson expects a Plan as its second argument');
      return new PayPlan(token, text, new Held((core) => core.CorePayPlan.fromJson(text, livePlan(plan))));
    }

    static fromObject(spec, plan) {
      if (spec === null || typeof spec !== 'object') throw argumentError('PayPlan.fromObject expects an object');
      return PayPlan.fromJson(toJson(spec), plan);
    }

    /** Run one of the pay plan's operations on a request object. */
    run(operation, request) {
      return call(() => this.#held.get().run(operation, toJson(request ?? {})));
    }

    summarizeTable(table, options, threads) {
      return summarizeTable(this.#held.get(), table, options, threads);
    }

    get id() {
      return call(() => this.#held.get().id);
    }

    get minorUnits() {
      return call(() => this.#held.get().minorUnits);
    }

    statementsCanonical(records, options) {
      return lines(this.run('statements', { records, options }));
    }

    statements(records, options) {
      return call(() => documents(this.#held.get(), 'statements', { records, options }));
    }

    explain(record, lang, options) {
      return JSON.parse(this.run('explain', { record, lang: langOf(lang), options }));
    }

    priceDeal(commission, priorBase, deal) {
      return JSON.parse(this.run('price_deal', { commission, prior_base: priorBase, deal }));
    }

    splitPool(pool, weights) {
      return JSON.parse(this.run('split_pool', { pool, weights }));
    }

    toJSON() {
      return JSON.parse(this.#json);
    }

    static {
      livePay = (pay) => pay.#held.get();
    }
  }

  /** A validated 360-degree feedback configuration. */
  class Feedback {
    #json;
    #held;

    constructor(t, json, held) {
      if (t !== token) throw argumentError('use Feedback.fromJson or Feedback.fromObject');
      this.#json = json;
      this.#held = held;
    }

    static fromJson(text) {
      if (typeof text !== 'string') throw argumentError('Feedback.fromJson expects a string');
      return new Feedback(token, text, new Held((core) => {
        if (typeof core.CoreFeedback !== 'function') throw notBuilt('360-degree feedback');
        return core.CoreFeedback.fromJson(text);
      }));
    }

    static fromObject(spec) {
      if (spec === null || typeof spec !== 'object') throw argumentError('Feedback.fromObject expects an object');
      return Feedback.fromJson(toJson(spec));
    }

    /** Run one of the configuration's operations on a request object. */
    run(operation, request) {
      return call(() => this.#held.get().run(operation, toJson(request ?? {})));
    }

    get id() {
      return call(() => this.#held.get().id);
    }

    aggregateCanonical(responses) {
      return this.run('aggregate', { responses });
    }

    aggregate(responses) {
      return JSON.parse(this.aggregateCanonical(responses));
    }

    explain(responses, ratee, lang) {
      return JSON.parse(this.run('explain', { responses, ratee, lang: langOf(lang) }));
    }

    toJSON() {
      return JSON.parse(this.#json);
    }
  }

  /** Analytics: `run(operation, request)` and one camelCase method per operation the core names. */
  const analyticsOperations = JSON.parse(run('operations', { group: 'analytics' }));
  const analytics = {
    operations: () => [...analyticsOperations],
    runJson: (operation, request) => {
      if (typeof operation !== 'string' || typeof request !== 'string') {
        throw argumentError('analytics.runJson expects (operation: string, request: string)');
      }
      return call(() => backend.core().run(operation, request));
    },
    run: (operation, request) => JSON.parse(call(() => backend.core().run(String(operation), toJson(request) || 'null'))),
  };
  for (const operation of analyticsOperations) analytics[camel(operation)] = (request) => analytics.run(operation, request);
  Object.freeze(analytics);

  const splitPoolCanonical = (pool, minorUnits, weights) => run('split_pool', { pool, minor_units: minorUnits, weights });

  return {
    Plan,
    PayPlan,
    Feedback,
    analytics,
    run: (operation, request) => JSON.parse(run(operation, request)),
    splitPool: (pool, minorUnits, weights) => JSON.parse(splitPoolCanonical(pool, minorUnits, weights)),
    splitPoolCanonical,
    PerfscoreError,
    errorToCanonicalJson(e) {
      if (e && typeof e.canonical === 'string') return e.canonical;
      throw argumentError('not a perfscore error (no `canonical` property)');
    },
    demoPlanJson: () => JSON.parse(run('demo_plan')),
    demoTeamCsv: () => JSON.parse(run('demo_team_csv')),
    demoHistoryCsv: () => JSON.parse(run('demo_history_csv')),
    demoFacts: () => JSON.parse(run('demo_facts')),
    version: () => JSON.parse(run('version')),
    /** Test hook: traps a wasm instance on purpose (to check recovery). */
    __testTrap: () => call(() => backend.core().__testTrap?.()),
  };
}
