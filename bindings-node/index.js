'use strict';
// Thin wrapper around the native addon: results arrive as canonical JSON text and become plain
// objects here; core errors become `Error`s with `code`, `problems` and `canonical`. No scoring
// logic lives in this file.

const { join } = require('node:path');
const { existsSync } = require('node:fs');

function loadNative() {
  const { platform, arch } = process;
  let abi = '';
  if (platform === 'linux') {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
    abi = report && report.header && report.header.glibcVersionRuntime ? '-gnu' : '-musl';
  } else if (platform === 'win32') {
    abi = '-msvc';
  }
  const candidates = [`perfscore.${platform}-${arch}${abi}.node`, 'index.node'];
  for (const file of candidates) {
    const path = join(__dirname, file);
    if (existsSync(path)) return require(path);
  }
  throw new Error(
    `perfscore: no native addon found for ${platform}-${arch}${abi} (looked for ${candidates.join(', ')} in ${__dirname}); ` +
      'build it with `npx napi build --platform --release` in bindings-node/',
  );
}

const native = loadNative();
const ERROR_TAG = '\u0001perfscore-error:';

/** napi-rs's codes for an argument of the wrong JS type. */
const NAPI_ARGUMENT_CODES = new Set([
  'InvalidArg', 'ObjectExpected', 'StringExpected', 'NameExpected', 'FunctionExpected',
  'NumberExpected', 'BooleanExpected', 'ArrayExpected', 'BigintExpected', 'DateExpected',
]);

/** A wrong argument type (a programming error, not bad data): a TypeError with a stable code. */
function argumentError(message) {
  const e = new TypeError(message);
  e.code = 'INVALID_ARGUMENT';
  return e;
}

/**
 * Turn a tagged native error into an `Error` with `code`, `problems` and `canonical`, and
 * napi-rs's argument-type errors into the same `INVALID_ARGUMENT` TypeError the wasm package throws.
 */
function convertError(err) {
  if (err instanceof Error && NAPI_ARGUMENT_CODES.has(err.code)) {
    return argumentError(err.message);
  }
  if (!(err instanceof Error) || typeof err.message !== 'string' || !err.message.startsWith(ERROR_TAG)) {
    return err;
  }
  const rest = err.message.slice(ERROR_TAG.length);
  const newline = rest.indexOf('\n');
  const canonical = rest.slice(0, newline);
  const parsed = JSON.parse(canonical);
  const e = new Error(rest.slice(newline + 1));
  e.name = 'PerfscoreError';
  e.code = parsed.code;
  e.problems = parsed.problems;
  e.canonical = canonical;
  return e;
}

function call(fn) {
  try {
    return fn();
  } catch (err) {
    throw convertError(err);
  }
}

/** The host's lowered limits (`{ max_list_items: 200 }`) as JSON, or nothing for the defaults. */
function limitsJson(limits) {
  return limits === undefined || limits === null ? undefined : JSON.stringify(limits);
}

function optionsJson(options) {
  return options === undefined || options === null ? undefined : JSON.stringify(options);
}

const { isProxy } = require('node:util').types;
const { NulStrings } = require('./nul-strings.js');
const now = () => performance.now();
/** Phases of the last `summarize` call, seconds (benchmarks only: `__lastSummarizeTimings`). */
const lastTimings = {};
const RECORD_FIELDS = new Set(['id', 'name', 'team', 'department', 'branch', 'attributes', 'measures']);
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Records as the compact table `summarizeTable` reads (see bindings-node/src/summarize.rs): ids
 * joined with NUL, string values as NUL-ended UTF-8 bytes (`NulStrings`, shared with the wasm
 * package), column names in first-seen order, one `column << 1 | kind` entry per present value
 * (kind 0: a string, the next of `strings`; 1: a number, the next of `nums`), the entry count of
 * each record. `null` when any record has something only the record path reads exactly (a field, type or shape it would report as a problem); the addon also gives
 * up (returns `null`) on any value it cannot read, so problems are always reported by the record
 * path, exactly as `scoreMany` does.
 */
function encodeTable(records) {
  try {
    if (!Array.isArray(records) || isProxy(records)) return null;
    const n = records.length;
    const idList = new Array(n);
    const counts = new Uint32Array(n);
    const names = [];
    const columns = new Map();
    const strings = new NulStrings(n * 128);
    let entries = new Uint32Array(Math.max(16, n * 16));
    let nums = new Float64Array(16);
    let ne = 0;
    let nn = 0;
    for (let i = 0; i < n; i++) {
      const r = records[i];
      if (!isObject(r)) return null;
      let id;
      let m;
      for (const k in r) {
        const v = r[k];
        if (k === 'id') {
          if (typeof v !== 'string') return null;
          id = v;
        } else if (k === 'measures') {
          m = v;
        } else if (!RECORD_FIELDS.has(k)) {
          return null;
        } else if (k === 'attributes') {
          if (v === undefined || v === null) continue;
          if (!isObject(v)) return null;
          for (const a in v) {
            const x = v[a];
            if (x !== undefined && x !== null && typeof x !== 'string') return null;
          }
        } else if (v !== undefined && v !== null && typeof v !== 'string') {
          return null;
        }
      }
      if (id === undefined) return null;
      idList[i] = id;
      if (m === undefined || m === null) continue;
      if (!isObject(m)) return null;
      let count = 0;
      let position = 0;
      for (const k in m) {
        const v = m[k];
        let kind;
        if (typeof v === 'string') {
          strings.push(v);
          kind = 0;
        } else if (typeof v === 'number') {
          if (nn === nums.length) {
            const grown = new Float64Array(nn * 2);
            grown.set(nums);
            nums = grown;
          }
          nums[nn++] = v;
          kind = 1;
        } else if (v === undefined || v === null) {
          continue;
        } else {
          return null;
        }
        // Records of one shape list their keys in the same order: the column is usually the
        // one at the same position.
        let c = names[position] === k ? position : columns.get(k);
        if (c === undefined) {
          c = names.length;
          names.push(k);
          columns.set(k, c);
        }
        if (ne === entries.length) {
          const grown = new Uint32Array(ne * 2);
          grown.set(entries);
          entries = grown;
        }
        entries[ne++] = (c << 1) | kind;
        count += 1;
        position += 1;
      }
      counts[i] = count;
    }
    return {
      idList,
      ids: idList.join('\0'),
      names,
      strings: strings.view(),
      entries: entries.subarray(0, ne),
      counts,
      nums: nums.subarray(0, nn),
    };
  } catch {
    // A getter threw or the like: the record path meets it again and reports it.
    return null;
  }
}

/** The result objects from the addon's columns (`SummaryColumns`). */
function summariesFrom(ids, columns) {
  const { grades, before, vetoed, gradeNames } = columns;
  const n = grades.length;
  const totals = n === 0 ? [] : columns.totals.split('\0');
  const out = new Array(n);
  const paid = columns.pays !== undefined && columns.pays !== null;
  const pays = paid && n > 0 ? columns.pays.split('\0') : [];
  for (let i = 0; i < n; i++) {
    const summary = {
      record_id: ids[i],
      total: totals[i],
      grade: gradeNames[grades[i]],
      grade_before_veto: before[i] === 0 ? null : gradeNames[before[i] - 1],
      vetoed: vetoed[i] === 1,
    };
    if (paid) summary.pay = pays[i];
    out[i] = summary;
  }
  return out;
}

class Plan {
  /** @private use the static factories */
  constructor(inner) {
    this._inner = inner;
  }

  static fromJson(text, limits) {
    if (typeof text !== 'string') throw argumentError('Plan.fromJson expects a string');
    return new Plan(call(() => native.Plan.fromJson(text, limitsJson(limits))));
  }

  static fromObject(plan, limits) {
    // JSON numbers are read from their text by the core, so a JS number keeps its shortest form.
    return Plan.fromJson(JSON.stringify(plan) ?? 'null', limits);
  }

  static template(id) {
    if (typeof id !== 'string') throw argumentError('Plan.template expects a string');
    return new Plan(call(() => native.Plan.template(id)));
  }

  get id() {
    return this._inner.id;
  }

  /** The plan document as compact JSON; `Plan.fromJson` reads it back as the same plan. */
  toJson() {
    return call(() => this._inner.toJson());
  }

  /** The plan document, so `JSON.stringify(plan)` (and an analytics request holding a Plan) writes it. */
  toJSON() {
    return JSON.parse(this.toJson());
  }

  measureIds() {
    return call(() => this._inner.measureIds());
  }

  recordsFromCsv(text) {
    return JSON.parse(call(() => this._inner.recordsFromCsv(text)));
  }

  recordsFromJson(text) {
    return JSON.parse(call(() => this._inner.recordsFromJson(text)));
  }

  score(record, options) {
    return JSON.parse(call(() => this._inner.scoreOne(record, optionsJson(options))));
  }

  scoreMany(records, options) {
    return this.scoreCanonical(records, options).map((line) => JSON.parse(line));
  }

  /**
   * The lean batch result: per record `{ record_id, total, grade, grade_before_veto,
   * vetoed }`, plus `pay` (the pay statement's total, normalised) when `payPlan` is given. Scored
   * once in the core, no JSON either way; errors exactly as `scoreMany`'s (then as
   * `payPlan.statements`').
   */
  summarize(records, options, payPlan) {
    if (payPlan !== undefined && payPlan !== null && !(payPlan instanceof PayPlan)) {
      throw argumentError('summarize expects a PayPlan (or nothing) as its third argument');
    }
    const pay = payPlan === undefined || payPlan === null ? undefined : payPlan._inner;
    const t0 = now();
    const table = encodeTable(records);
    const t1 = now();
    let columns = null;
    let ids;
    let o;
    let optionsOk = true;
    try {
      o = optionsJson(options);
    } catch {
      optionsOk = false; // JSON.stringify threw: the record path reports it in scoreMany's order
    }
    if (table !== null && optionsOk) {
      const { ids: idText, names, strings, entries, counts, nums } = table;
      columns = call(() =>
        this._inner.summarizeTable(idText, names.join('\0'), names.length, strings, entries, counts, nums, o, pay),
      );
      ids = columns === null ? undefined : (columns.ids ?? table.idList);
    }
    lastTimings.path = columns === null ? 'records' : 'table';
    if (columns === null) {
      columns = call(() => this._inner.summarizeRecords(records, optionsJson(options), pay));
      ids = columns.ids;
    }
    const t2 = now();
    const out = summariesFrom(ids, columns);
    const t3 = now();
    const [prepare, decode, score, payTime, pack, chunks, join, threads] = native.__lastSummarizeTimings();
    Object.assign(lastTimings, {
      total: (t3 - t0) / 1e3,
      encode: (t1 - t0) / 1e3,
      addon: (t2 - t1) / 1e3,
      prepare,
      chunks_wall: chunks,
      join,
      build: (t3 - t2) / 1e3,
      threads,
      cpu: { decode, score, pay: payTime, pack },
    });
    return out;
  }

  async scoreManyAsync(records, options) {
    let lines;
    try {
      lines = await this._inner.scoreManyAsync(records, optionsJson(options));
    } catch (err) {
      throw convertError(err);
    }
    return lines.map((line) => JSON.parse(line));
  }

  scoreCanonical(records, options) {
    return call(() => this._inner.scoreCanonical(records, optionsJson(options)));
  }

  explain(record, lang, options) {
    return call(() => this._inner.explain(record, lang ?? undefined, optionsJson(options)));
  }
}

/** A compiled pay plan, bound to the scoring `Plan` it was compiled against. */
class PayPlan {
  /** @private use the static factories */
  constructor(inner, json) {
    this._inner = inner;
    this._json = json;
  }

  static fromJson(text, plan) {
    if (typeof text !== 'string') throw argumentError('PayPlan.fromJson expects a string');
    if (!(plan instanceof Plan)) throw argumentError('PayPlan.fromJson expects a Plan as its second argument');
    return new PayPlan(call(() => native.PayPlan.fromJson(text, plan._inner)), text);
  }

  /** The pay plan document it was compiled from (as the wasm package does). */
  toJSON() {
    return JSON.parse(this._json);
  }

  static fromObject(spec, plan) {
    if (spec === null || typeof spec !== 'object') throw argumentError('PayPlan.fromObject expects an object');
    return PayPlan.fromJson(JSON.stringify(spec) ?? 'null', plan);
  }

  get id() {
    return this._inner.id;
  }

  get minorUnits() {
    return this._inner.minorUnits;
  }

  statements(records, options) {
    return this.statementsCanonical(records, options).map((line) => JSON.parse(line));
  }

  statementsCanonical(records, options) {
    return call(() => this._inner.statementsCanonical(records, optionsJson(options)));
  }

  explain(record, lang, options) {
    return call(() => this._inner.explain(record, lang ?? undefined, optionsJson(options)));
  }

  priceDeal(commissionId, priorBase, deal) {
    return call(() => this._inner.priceDeal(commissionId, priorBase, deal));
  }

  splitPool(pool, weights) {
    return JSON.parse(call(() => this._inner.splitPool(pool, weights)));
  }
}

/** A validated 360-degree feedback configuration. */
class Feedback {
  /** @private use the static factories */
  constructor(inner, json) {
    this._inner = inner;
    this._json = json;
  }

  static fromJson(text) {
    if (typeof text !== 'string') throw argumentError('Feedback.fromJson expects a string');
    return new Feedback(call(() => native.Feedback.fromJson(text)), text);
  }

  /** The configuration document it was read from (as the wasm package does). */
  toJSON() {
    return JSON.parse(this._json);
  }

  static fromObject(spec) {
    if (spec === null || typeof spec !== 'object') throw argumentError('Feedback.fromObject expects an object');
    // JSON numbers are read from their text by the core; non-finite numbers become `null` (PLAN_INVALID).
    return Feedback.fromJson(JSON.stringify(spec) ?? 'null');
  }

  get id() {
    return this._inner.id;
  }

  aggregate(responses) {
    return JSON.parse(this.aggregateCanonical(responses));
  }

  aggregateCanonical(responses) {
    return call(() => this._inner.aggregateCanonical(responses));
  }

  explain(responses, ratee, lang) {
    return call(() => this._inner.explain(responses, ratee, lang ?? undefined));
  }
}

function splitPoolCanonical(pool, minorUnits, weights) {
  return call(() => native.splitPoolCanonical(pool, minorUnits, weights));
}

function splitPool(pool, minorUnits, weights) {
  return JSON.parse(splitPoolCanonical(pool, minorUnits, weights));
}

/**
 * JSON text of an analytics request. BigInts become their digits, and non-finite numbers become
 * text ("NaN"), which the core reports as INPUT_INVALID at their path; plain JSON.stringify would
 * turn them into null, which means "no data" in a series.
 */
function requestJson(request) {
  const replacer = (_key, v) =>
    typeof v === 'bigint' ? v.toString() : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
  return JSON.stringify(request, replacer) ?? 'null';
}

const camel = (name) => name.replace(/_([a-z])/g, (_m, c) => c.toUpperCase());

/**
 * Analytics: `run(operation, request)` and one method per operation
 * (`seasonalIndices(request)`, `rollup(request)`, …). Requests and results are the JSON forms in
 * docs/analytics-timeseries.md and docs/analytics-team.md; exact values are decimal strings.
 */
const analytics = {
  operations: () => native.analyticsOperations(),
  runJson: (operation, request) => call(() => native.analyticsRunJson(operation, request)),
  run: (operation, request) => JSON.parse(analytics.runJson(operation, requestJson(request))),
};
// The same fixed list as the wasm package (a shared test checks it against the core).
const ANALYTICS_OPERATIONS = ['seasonal_indices', 'growth_targets', 'allocate_target', 'targets_from_history', 'pacing_projection', 'holt_winters', 'rollup', 'calibrate', 'diagnose', 'development_needs'];
for (const operation of ANALYTICS_OPERATIONS) {
  analytics[camel(operation)] = (request) => analytics.run(operation, request);
}
Object.freeze(analytics);

function errorToCanonicalJson(e) {
  if (e && typeof e.canonical === 'string') return e.canonical;
  throw argumentError('not a perfscore error (no `canonical` property)');
}

function demoPlanJson() {
  return native.demoPlanJson();
}

function demoTeamCsv() {
  return native.demoTeamCsv();
}

function version() {
  return native.version();
}

exports.Plan = Plan;
exports.analytics = analytics;
exports.PayPlan = PayPlan;
exports.Feedback = Feedback;
exports.splitPool = splitPool;
exports.splitPoolCanonical = splitPoolCanonical;
exports.demoPlanJson = demoPlanJson;
exports.demoTeamCsv = demoTeamCsv;
exports.errorToCanonicalJson = errorToCanonicalJson;
exports.version = version;
// Benchmarks only, not part of the API: phase times of the last `summarize` call, seconds
// (`encode` and `build` in JS, `decode`, `score`, `pay` and `pack` in the addon) and its `path`.
Object.defineProperty(exports, '__lastSummarizeTimings', { value: () => structuredClone(lastTimings), enumerable: false });
