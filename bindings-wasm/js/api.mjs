// The public perfscore API on top of the thin wasm-bindgen exports (shared by the browser and
// Node entries). Everything crosses the boundary as JSON text; decimals travel as strings or as
// JSON numbers printed by JS's shortest round-trip representation (the same policy as the core's
// `decimal_from_f64`), so the core reads them exactly.

// One source with the Node addon (bindings-node/nul-strings.js, made an ES module by build.sh).
import { NulStrings } from './nul-strings.js';

/** An error from perfscore: `code` is `PLAN_INVALID` or `INPUT_INVALID` (or `WASM_TRAP`). */
export class PerfscoreError extends Error {
  constructor(message, code, problems, canonical) {
    super(message);
    this.name = 'PerfscoreError';
    this.code = code;
    this.problems = problems;
    this.canonical = canonical;
  }
}

function fromEnvelope(text) {
  const { message, canonical } = JSON.parse(text);
  const { code, problems } = JSON.parse(canonical);
  return new PerfscoreError(message, code, problems, canonical);
}

/** A wrong argument type (a programming error, not bad data): a TypeError with a stable code. */
function argumentError(message) {
  const e = new TypeError(message);
  e.code = 'INVALID_ARGUMENT';
  return e;
}

/** The most problems one error lists, as in the core (`MAX_PROBLEMS`). */
const MAX_PROBLEMS = 1000;

/** A JS-side input error, shaped exactly like the core's (bounded the same way). */
function inputError(all) {
  // A list the core already cut ends with its own count of what it left out.
  const last = all.at(-1);
  const counted = last && last.path === '…' ? Number.parseInt(last.message, 10) || 0 : 0;
  const listed = counted ? all.slice(0, -1) : all;
  const omitted = counted + Math.max(0, listed.length - MAX_PROBLEMS);
  const problems = omitted
    ? [...listed.slice(0, MAX_PROBLEMS), { path: '…', message: `${omitted} more problems not listed` }]
    : listed;
  const canonical = JSON.stringify({ code: 'INPUT_INVALID', problems });
  const line = (p) => (p.path ? `${p.path}: ${p.message}` : p.message);
  const message =
    problems.length === 1
      ? `invalid input: ${line(problems[0])}`
      : `invalid input (${problems.length} problems):` + problems.map((p) => `\n  - ${line(p)}`).join('');
  return new PerfscoreError(message, 'INPUT_INVALID', problems, canonical);
}

function key(path, k) {
  return typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k;
}

/**
 * Whether `value` holds a non-finite number (NaN, ±Infinity) or a BigInt anywhere: one cheap walk
 * that builds no paths, so the common case (neither) skips the path-naming walk and the
 * `JSON.stringify` replacer (a JS call per key).
 */
function unusual(value) {
  switch (typeof value) {
    case 'number':
      return !Number.isFinite(value);
    case 'bigint':
      return true;
    case 'object':
      if (value === null) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (unusual(value[i])) return true;
        return false;
      }
      for (const k in value) {
        if (Object.prototype.hasOwnProperty.call(value, k) && unusual(value[k])) return true;
      }
      return false;
    default:
      return false;
  }
}

/** Every non-finite number (NaN, ±Infinity) under `value`, with its path. */
function nonFinite(value, path, out) {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push({ path, message: `${value} is not a finite number` });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nonFinite(v, key(path, i), out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) nonFinite(v, key(path, k), out);
  }
  return out;
}

/** The core's analytics operations; each gets a camelCase method on `analytics`. */
const ANALYTICS_OPERATIONS = ['seasonal_indices', 'growth_targets', 'allocate_target', 'targets_from_history', 'pacing_projection', 'holt_winters', 'rollup', 'calibrate', 'diagnose', 'development_needs'];

const bigintAsText = (_k, v) => (typeof v === 'bigint' ? v.toString() : v);

/**
 * A record with its non-finite measure values swapped for their names as text, so the core
 * reports them in place, in order with any other problem of the batch; `soft` remembers them so
 * the message can then say what was really wrong.
 */
function swapNonFinite(record, path, soft) {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return record;
  const m = record.measures;
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return record;
  let measures = null;
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      measures ??= { ...m };
      measures[k] = String(v);
      soft.set(`${path}.measures.${k}`, `${v} is not a finite number`);
    }
  }
  return measures ? { ...record, measures } : record;
}

/** JSON text of records for the core; NaN/Infinity anywhere else is INPUT_INVALID at once. */
function recordsJson(value, path, soft) {
  if (value === undefined) return 'null';
  if (!unusual(value)) return JSON.stringify(value);
  const swapped = Array.isArray(value)
    ? value.map((r, i) => swapNonFinite(r, key(path, i), soft))
    : swapNonFinite(value, path, soft);
  const problems = nonFinite(swapped, path, []);
  if (problems.length) throw inputError(problems);
  return JSON.stringify(swapped, bigintAsText);
}

function optionsJson(options) {
  if (options === undefined || options === null) return '';
  if (!unusual(options)) return JSON.stringify(options);
  const problems = nonFinite(options, 'options', []);
  if (problems.length) throw inputError(problems);
  return JSON.stringify(options, bigintAsText);
}

const lines = (text) => (text === '' ? [] : text.split('\n'));

const RECORD_FIELDS = new Set(['id', 'name', 'team', 'department', 'branch', 'attributes', 'measures']);
const TEXT_FIELDS = ['name', 'team', 'department', 'branch'];

const isPlain = (v) => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Records as the compact table `summarize` sends (see `Table` in src/lib.rs), or `null` when any
 * record holds something only the JSON path reads exactly (a non-finite number, an unknown field,
 * a value of another type, a non-plain object…): `summarize` then takes that path, which
 * reports the same problems as `scoreMany`. Plain data with string or number values, the common
 * case, never leaves JS as JSON and is never parsed as JSON in wasm.
 */
function encodeTable(records) {
  if (!Array.isArray(records)) return null;
  const n = records.length;
  const ids = new Array(n);
  const strings = new NulStrings(n * 128);
  const counts = new Uint32Array(n);
  const entries = [];
  const nums = [];
  const columns = new Map();
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (!isPlain(r)) return null;
    for (const k in r) if (!RECORD_FIELDS.has(k)) return null;
    const id = r.id;
    if (typeof id !== 'string') return null;
    ids[i] = id;
    for (const f of TEXT_FIELDS) {
      const v = r[f];
      if (v !== undefined && v !== null && typeof v !== 'string') return null;
    }
    const a = r.attributes;
    if (a !== undefined) {
      if (!isPlain(a)) return null;
      for (const k in a) if (typeof a[k] !== 'string' && a[k] !== undefined) return null;
    }
    const m = r.measures;
    if (m === undefined) continue;
    if (!isPlain(m)) return null;
    let count = 0;
    for (const k in m) {
      const v = m[k];
      let kind;
      if (typeof v === 'string') {
        kind = 2;
        strings.push(v);
      } else if (typeof v === 'number') {
        if (!Number.isFinite(v)) return null;
        const abs = Math.abs(v);
        // JS writes these with an exponent: send its text, read as a JSON number.
        if (Number.isSafeInteger(v) || (abs >= 1e-6 && abs < 1e21)) {
          kind = 1;
          nums.push(v);
        } else {
          kind = 3;
          strings.push(String(v));
        }
      } else if (v === null || v === undefined) {
        continue;
      } else if (typeof v === 'bigint') {
        kind = 2;
        strings.push(v.toString());
      } else {
        return null;
      }
      let col = columns.get(k);
      if (col === undefined) {
        col = columns.size;
        columns.set(k, col);
      }
      entries.push((col << 2) | kind);
      count += 1;
    }
    counts[i] = count;
  }
  const names = [...columns.keys()];
  const pieces = ids.concat(names);
  const lens = new Uint32Array(pieces.length);
  for (let i = 0; i < pieces.length; i++) lens[i] = pieces[i].length;
  return {
    text: pieces.join(''),
    lens,
    strings: strings.view(),
    counts,
    entries: Uint32Array.from(entries),
    nums: Float64Array.from(nums),
    ncols: names.length,
  };
}

/** A value's JS type in words, as the Node binding names it in messages. */
function typeName(v) {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'undefined': return 'undefined';
    case 'boolean': return 'a boolean';
    case 'number': return 'a number';
    case 'string': return 'a string';
    case 'symbol': return 'a symbol';
    case 'object': return 'an object';
    case 'function': return 'a function';
    default: return 'an unsupported value';
  }
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A decimal argument (`Num`) for the Rust side (see src/lib.rs): strings and finite numbers as
 * themselves, BigInts as their digits, a non-finite number or another type as a marker the
 * core-side reports at its path (so problems come in the same order as the Node binding's).
 */
function encNum(v) {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $bad: `${v} is not a finite number` };
  return { $type: typeName(v) };
}

/** Any other value: strings as themselves, everything else by its type. */
const encOther = (v) => (typeof v === 'string' ? v : { $type: typeName(v) });

/** Pool weights for the Rust side: objects keep their keys in order (`$fields`). */
function encWeights(weights) {
  if (!Array.isArray(weights)) return JSON.stringify({ $type: typeName(weights) });
  return JSON.stringify(
    weights.map((w) => {
      if (!isPlainObject(w)) return { $type: Array.isArray(w) ? 'an array' : typeName(w) };
      return { $fields: Object.keys(w).map((k) => [k, k === 'weight' ? encNum(w[k]) : encOther(w[k])]) };
    }),
  );
}

/** A feedback answer: as `encNum`, but `null` stays missing and `undefined` is marked. */
function encAnswer(v) {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $bad: `${v} is not a finite number` };
  return { $type: typeName(v) };
}

/** Feedback responses for the Rust side: objects keep their keys in order (`$fields`). */
function encResponses(responses) {
  if (!Array.isArray(responses)) return JSON.stringify({ $type: typeName(responses) });
  return JSON.stringify(
    responses.map((r) => {
      if (!isPlainObject(r)) return { $type: Array.isArray(r) ? 'an array' : typeName(r) };
      return { $fields: Object.keys(r).map((k) => [k, k === 'value' ? encAnswer(r[k]) : encOther(r[k])]) };
    }),
  );
}

/** Decimal places of a currency's minor unit, checked as the Node binding does. */
function minorUnitsArg(v) {
  if (typeof v !== 'number') {
    throw inputError([{ path: 'minor_units', message: `expected a whole number of decimal places, found ${typeName(v)}` }]);
  }
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw inputError([{ path: 'minor_units', message: 'expected a whole number of decimal places' }]);
  }
  return v;
}

/**
 * Build the API. `backend.glue()` returns the live wasm-bindgen exports; `backend.reload()`
 * replaces the instance after a trap (synchronously when it can).
 */
export function createApi(backend) {
  let generation = 0;

  function call(fn, soft) {
    try {
      return fn();
    } catch (e) {
      if (typeof e === 'string') {
        const err = fromEnvelope(e);
        if (soft && soft.size && err.problems.some((p) => soft.has(p.path))) {
          throw inputError(err.problems.map((p) => (soft.has(p.path) ? { path: p.path, message: soft.get(p.path) } : p)));
        }
        throw err;
      }
      if (e instanceof WebAssembly.RuntimeError) {
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
        throw err;
      }
      throw e;
    }
  }

  const token = Symbol('Plan');
  /** The live compiled plan of a `Plan` (re-created after a trap); set in Plan's static block. */
  let liveCore;
  /** A getter of the live compiled pay plan of a `PayPlan`; set in PayPlan's static block. */
  let livePay;

  class Plan {
    #json;
    #core;
    #generation;

    constructor(t, json, core) {
      if (t !== token) throw argumentError('use Plan.fromJson, Plan.fromObject or Plan.template');
      this.#json = json;
      this.#core = core;
      this.#generation = generation;
    }

    static fromJson(text, limits) {
      if (typeof text !== 'string') throw argumentError('Plan.fromJson expects a string');
      const lowered = limits === undefined || limits === null ? undefined : JSON.stringify(limits);
      const core = call(() => backend.glue().CorePlan.fromJson(text, lowered));
      return new Plan(token, text, core);
    }

    static fromObject(plan, limits) {
      if (plan === null || typeof plan !== 'object') throw argumentError('Plan.fromObject expects an object');
      // Non-finite numbers become `null`, which the core reports as PLAN_INVALID with its path.
      return Plan.fromJson(JSON.stringify(plan, bigintAsText), limits);
    }

    static template(id) {
      if (typeof id !== 'string') throw argumentError('Plan.template expects a string');
      return Plan.fromJson(call(() => backend.glue().templateJson(id)));
    }

    /** The compiled plan in the live instance (re-created after a trap). */
    #plan() {
      if (this.#generation !== generation) {
        this.#core = backend.glue().CorePlan.fromJson(this.#json);
        this.#generation = generation;
      }
      return this.#core;
    }

    get id() {
      return call(() => this.#plan().id);
    }

    /** The plan document as compact JSON; `Plan.fromJson` reads it back as the same plan. */
    toJson() {
      return call(() => this.#plan().toJson());
    }

    /** The plan document, so `JSON.stringify(plan)` (and an analytics request holding a Plan) writes it. */
    toJSON() {
      return JSON.parse(this.toJson());
    }

    measureIds() {
      return JSON.parse(call(() => this.#plan().measureIds()));
    }

    recordsFromCsv(text) {
      if (typeof text !== 'string') throw argumentError('recordsFromCsv expects a string');
      return JSON.parse(call(() => this.#plan().recordsFromCsv(text)));
    }

    recordsFromJson(text) {
      if (typeof text !== 'string') throw argumentError('recordsFromJson expects a string');
      return JSON.parse(call(() => this.#plan().recordsFromJson(text)));
    }

    score(record, options) {
      const soft = new Map();
      const r = recordsJson(record, 'record', soft);
      const o = optionsJson(options);
      return JSON.parse(call(() => this.#plan().score(r, o), soft));
    }

    scoreCanonical(records, options) {
      const soft = new Map();
      const r = recordsJson(records, 'records', soft);
      const o = optionsJson(options);
      return lines(call(() => this.#plan().scoreMany(r, o), soft));
    }

    scoreMany(records, options) {
      return this.scoreCanonical(records, options).map((line) => JSON.parse(line));
    }

    /**
     * The lean batch result: per record `{record_id, total, grade, grade_before_veto, vetoed}`,
     * plus `pay` (the pay statement's total, normalised) when `payPlan` is given. Scored once,
     * without scorecards; errors exactly as `scoreMany`'s (then as `payPlan.statements`').
     */
    summarize(records, options, payPlan) {
      if (payPlan !== undefined && payPlan !== null && !(payPlan instanceof PayPlan)) {
        throw argumentError('summarize expects a PayPlan (or nothing) as its third argument');
      }
      const pay = payPlan === undefined || payPlan === null ? null : livePay(payPlan);
      const table = encodeTable(records);
      if (table !== null) {
        let o = null;
        try {
          o = optionsJson(options);
        } catch {
          // Reported below, in scoreMany's order.
        }
        if (o !== null) {
          const { text, lens, strings, counts, entries, nums, ncols } = table;
          const core = this.#plan();
          const out = call(() => {
            const input = new (backend.glue().TableInput)(text, lens, strings, counts, entries, nums, ncols);
            try {
              return pay === null ? core.summarizeTable(input, o) : pay().summarizeTable(core, input, o);
            } finally {
              input.free();
            }
          });
          if (out !== '') return JSON.parse(out);
        }
      }
      // The exact path: the same input handling and problems as scoreMany.
      const soft = new Map();
      const r = recordsJson(records, 'records', soft);
      const o = optionsJson(options);
      const core = this.#plan();
      return JSON.parse(
        call(() => (pay === null ? core.summarizeMany(r, o) : pay().summarizeMany(core, r, o)), soft),
      );
    }

    /** Resolves with `scoreMany`'s result. In wasm it runs on the calling thread (no worker). */
    async scoreManyAsync(records, options) {
      await null;
      return this.scoreMany(records, options);
    }

    explain(record, lang, options) {
      const soft = new Map();
      const r = recordsJson(record, 'record', soft);
      const o = optionsJson(options);
      const l = lang === undefined || lang === null ? 'en' : String(lang);
      return call(() => this.#plan().explain(r, l, o), soft);
    }

    static {
      liveCore = (plan) => plan.#plan();
    }
  }

  const payToken = Symbol('PayPlan');

  /** A compiled pay plan, bound to the scoring `Plan` it was compiled against. */
  class PayPlan {
    #json;
    #plan;
    #core;
    #generation;

    constructor(t, json, plan, core) {
      if (t !== payToken) throw argumentError('use PayPlan.fromJson or PayPlan.fromObject');
      this.#json = json;
      this.#plan = plan;
      this.#core = core;
      this.#generation = generation;
    }

    static fromJson(text, plan) {
      if (typeof text !== 'string') throw argumentError('PayPlan.fromJson expects a string');
      if (!(plan instanceof Plan)) throw argumentError('PayPlan.fromJson expects a Plan as its second argument');
      const core = call(() => backend.glue().CorePayPlan.fromJson(text, liveCore(plan)));
      return new PayPlan(payToken, text, plan, core);
    }

    static fromObject(spec, plan) {
      if (spec === null || typeof spec !== 'object') throw argumentError('PayPlan.fromObject expects an object');
      // Non-finite numbers become `null`, which the core reports as PLAN_INVALID with its path.
      return PayPlan.fromJson(JSON.stringify(spec, bigintAsText), plan);
    }

    /** The compiled pay plan in the live instance (re-created, with its plan, after a trap). */
    #pay() {
      if (this.#generation !== generation) {
        this.#core = backend.glue().CorePayPlan.fromJson(this.#json, liveCore(this.#plan));
        this.#generation = generation;
      }
      return this.#core;
    }

    get id() {
      return call(() => this.#pay().id);
    }

    get minorUnits() {
      return call(() => this.#pay().minorUnits);
    }

    statementsCanonical(records, options) {
      const soft = new Map();
      const r = recordsJson(records, 'records', soft);
      const o = optionsJson(options);
      return lines(call(() => this.#pay().statements(r, o), soft));
    }

    statements(records, options) {
      return this.statementsCanonical(records, options).map((line) => JSON.parse(line));
    }

    explain(record, lang, options) {
      const soft = new Map();
      const r = recordsJson(record, 'record', soft);
      const o = optionsJson(options);
      const l = lang === undefined || lang === null ? 'en' : String(lang);
      return call(() => this.#pay().explain(r, l, o), soft);
    }

    static {
      livePay = (pay) => () => pay.#pay();
    }

    priceDeal(commissionId, priorBase, deal) {
      if (typeof commissionId !== 'string') {
        throw inputError([{ path: 'commission', message: `expected a string, found ${typeName(commissionId)}` }]);
      }
      const args = JSON.stringify([encNum(priorBase), encNum(deal)]);
      return call(() => this.#pay().priceDeal(commissionId, args));
    }

    splitPool(pool, weights) {
      const p = JSON.stringify(encNum(pool));
      const w = encWeights(weights);
      return JSON.parse(call(() => this.#pay().splitPool(p, w)));
    }

    toJSON() {
      return JSON.parse(this.#json);
    }
  }

  const feedbackToken = Symbol('Feedback');

  /** A validated 360-degree feedback configuration. */
  class Feedback {
    #json;
    #core;
    #generation;

    constructor(t, json, core) {
      if (t !== feedbackToken) throw argumentError('use Feedback.fromJson or Feedback.fromObject');
      this.#json = json;
      this.#core = core;
      this.#generation = generation;
    }

    static fromJson(text) {
      if (typeof text !== 'string') throw argumentError('Feedback.fromJson expects a string');
      const core = call(() => backend.glue().CoreFeedback.fromJson(text));
      return new Feedback(feedbackToken, text, core);
    }

    static fromObject(spec) {
      if (spec === null || typeof spec !== 'object') throw argumentError('Feedback.fromObject expects an object');
      // Non-finite numbers become `null`, which the core reports as PLAN_INVALID with its path.
      return Feedback.fromJson(JSON.stringify(spec, bigintAsText));
    }

    /** The configuration in the live instance (re-created from its JSON after a trap). */
    #feedback() {
      if (this.#generation !== generation) {
        this.#core = backend.glue().CoreFeedback.fromJson(this.#json);
        this.#generation = generation;
      }
      return this.#core;
    }

    get id() {
      return call(() => this.#feedback().id);
    }

    aggregateCanonical(responses) {
      const r = encResponses(responses);
      return call(() => this.#feedback().aggregate(r));
    }

    aggregate(responses) {
      return JSON.parse(this.aggregateCanonical(responses));
    }

    explain(responses, ratee, lang) {
      const r = encResponses(responses);
      const who = JSON.stringify(encOther(ratee));
      const l = lang === undefined || lang === null ? 'en' : String(lang);
      return call(() => this.#feedback().explain(r, who, l));
    }

    toJSON() {
      return JSON.parse(this.#json);
    }
  }

  function splitPoolCanonical(pool, minorUnits, weights) {
    const m = minorUnitsArg(minorUnits);
    const p = JSON.stringify(encNum(pool));
    const w = encWeights(weights);
    return call(() => backend.glue().splitPool(p, m, w));
  }

  /**
   * Analytics, as in the native binding: `run(operation, request)` and one method per
   * operation. Non-finite numbers are sent as text ("NaN") so the core reports them at their path
   * (JSON.stringify would make them null, which means "no data" in a series).
   */
  const requestReplacer = (_k, v) =>
    typeof v === 'bigint' ? v.toString() : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
  const operations = () => JSON.parse(call(() => backend.glue().analyticsOperations()));
  const analytics = {
    operations,
    runJson: (operation, request) => {
      if (typeof operation !== 'string' || typeof request !== 'string') {
        throw argumentError('analytics.runJson expects (operation: string, request: string)');
      }
      return call(() => backend.glue().analyticsRunJson(operation, request));
    },
    run: (operation, request) =>
      JSON.parse(analytics.runJson(String(operation), JSON.stringify(request, requestReplacer) ?? 'null')),
  };
  // A fixed list (the module may not be instantiated yet here); a test checks it against the core.
  for (const operation of ANALYTICS_OPERATIONS) {
    analytics[operation.replace(/_([a-z])/g, (_m, c) => c.toUpperCase())] = (request) => analytics.run(operation, request);
  }
  Object.freeze(analytics);

  return {
    Plan,
    PayPlan,
    Feedback,
    analytics,
    splitPool: (pool, minorUnits, weights) => JSON.parse(splitPoolCanonical(pool, minorUnits, weights)),
    splitPoolCanonical,
    PerfscoreError,
    demoPlanJson: () => call(() => backend.glue().demoPlanJson()),
    demoTeamCsv: () => call(() => backend.glue().demoTeamCsv()),
    /** Test hook: traps the instance on purpose (to check recovery). */
    __testTrap: () => call(() => backend.glue().__testTrap()),
  };
}
