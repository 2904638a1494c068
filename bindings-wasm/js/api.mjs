// The public perfscore API on top of the thin wasm-bindgen exports (shared by the browser and
// Node entries). Everything crosses the boundary as JSON text; decimals travel as strings or as
// JSON numbers printed by JS's shortest round-trip representation (the same policy as the core's
// `decimal_from_f64`), so the core reads them exactly.

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

/** A JS-side input error, shaped exactly like the core's. */
function inputError(problems) {
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
  const swapped = Array.isArray(value)
    ? value.map((r, i) => swapNonFinite(r, key(path, i), soft))
    : swapNonFinite(value, path, soft);
  const problems = nonFinite(swapped, path, []);
  if (problems.length) throw inputError(problems);
  return JSON.stringify(swapped, bigintAsText);
}

function optionsJson(options) {
  if (options === undefined || options === null) return '';
  const problems = nonFinite(options, 'options', []);
  if (problems.length) throw inputError(problems);
  return JSON.stringify(options, bigintAsText);
}

const lines = (text) => (text === '' ? [] : text.split('\n'));

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

  class Plan {
    #json;
    #core;
    #generation;

    constructor(t, json, core) {
      if (t !== token) throw new TypeError('use Plan.fromJson, Plan.fromObject or Plan.template');
      this.#json = json;
      this.#core = core;
      this.#generation = generation;
    }

    static fromJson(text) {
      if (typeof text !== 'string') throw new TypeError('Plan.fromJson expects a string');
      const core = call(() => backend.glue().CorePlan.fromJson(text));
      return new Plan(token, text, core);
    }

    static fromObject(plan) {
      if (plan === null || typeof plan !== 'object') throw new TypeError('Plan.fromObject expects an object');
      // Non-finite numbers become `null`, which the core reports as PLAN_INVALID with its path.
      return Plan.fromJson(JSON.stringify(plan, bigintAsText));
    }

    static template(id) {
      return Plan.fromJson(call(() => backend.glue().templateJson(String(id))));
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

    measureIds() {
      return JSON.parse(call(() => this.#plan().measureIds()));
    }

    recordsFromCsv(text) {
      if (typeof text !== 'string') throw new TypeError('recordsFromCsv expects a string');
      return JSON.parse(call(() => this.#plan().recordsFromCsv(text)));
    }

    recordsFromJson(text) {
      if (typeof text !== 'string') throw new TypeError('recordsFromJson expects a string');
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

    toJSON() {
      return JSON.parse(this.#json);
    }

    static {
      liveCore = (plan) => plan.#plan();
    }
  }

  const payToken = Symbol('PayPlan');

  /** A compiled pay plan, bound to the scoring `Plan` it was compiled against (issue 7). */
  class PayPlan {
    #json;
    #plan;
    #core;
    #generation;

    constructor(t, json, plan, core) {
      if (t !== payToken) throw new TypeError('use PayPlan.fromJson or PayPlan.fromObject');
      this.#json = json;
      this.#plan = plan;
      this.#core = core;
      this.#generation = generation;
    }

    static fromJson(text, plan) {
      if (typeof text !== 'string') throw new TypeError('PayPlan.fromJson expects a string');
      if (!(plan instanceof Plan)) throw new TypeError('PayPlan.fromJson expects a Plan as its second argument');
      const core = call(() => backend.glue().CorePayPlan.fromJson(text, liveCore(plan)));
      return new PayPlan(payToken, text, plan, core);
    }

    static fromObject(spec, plan) {
      if (spec === null || typeof spec !== 'object') throw new TypeError('PayPlan.fromObject expects an object');
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

  /** A validated 360-degree feedback configuration (issue 6). */
  class Feedback {
    #json;
    #core;
    #generation;

    constructor(t, json, core) {
      if (t !== feedbackToken) throw new TypeError('use Feedback.fromJson or Feedback.fromObject');
      this.#json = json;
      this.#core = core;
      this.#generation = generation;
    }

    static fromJson(text) {
      if (typeof text !== 'string') throw new TypeError('Feedback.fromJson expects a string');
      const core = call(() => backend.glue().CoreFeedback.fromJson(text));
      return new Feedback(feedbackToken, text, core);
    }

    static fromObject(spec) {
      if (spec === null || typeof spec !== 'object') throw new TypeError('Feedback.fromObject expects an object');
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

  return {
    Plan,
    PayPlan,
    Feedback,
    splitPool: (pool, minorUnits, weights) => JSON.parse(splitPoolCanonical(pool, minorUnits, weights)),
    splitPoolCanonical,
    PerfscoreError,
    demoPlanJson: () => call(() => backend.glue().demoPlanJson()),
    demoTeamCsv: () => call(() => backend.glue().demoTeamCsv()),
    /** Test hook: traps the instance on purpose (to check recovery). */
    __testTrap: () => call(() => backend.glue().__testTrap()),
  };
}
