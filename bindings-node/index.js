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

/** Turn a tagged native error into an `Error` with `code`, `problems` and `canonical`. */
function convertError(err) {
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

function optionsJson(options) {
  return options === undefined || options === null ? undefined : JSON.stringify(options);
}

class Plan {
  /** @private use the static factories */
  constructor(inner) {
    this._inner = inner;
  }

  static fromJson(text) {
    return new Plan(call(() => native.Plan.fromJson(text)));
  }

  static fromObject(plan) {
    // JSON numbers are read from their text by the core, so a JS number keeps its shortest form.
    return Plan.fromJson(JSON.stringify(plan) ?? 'null');
  }

  static template(id) {
    return new Plan(call(() => native.Plan.template(id)));
  }

  get id() {
    return this._inner.id;
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

/** A compiled pay plan, bound to the scoring `Plan` it was compiled against (issue 7). */
class PayPlan {
  /** @private use the static factories */
  constructor(inner) {
    this._inner = inner;
  }

  static fromJson(text, plan) {
    if (typeof text !== 'string') throw new TypeError('PayPlan.fromJson expects a string');
    if (!(plan instanceof Plan)) throw new TypeError('PayPlan.fromJson expects a Plan as its second argument');
    return new PayPlan(call(() => native.PayPlan.fromJson(text, plan._inner)));
  }

  static fromObject(spec, plan) {
    if (spec === null || typeof spec !== 'object') throw new TypeError('PayPlan.fromObject expects an object');
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

/** A validated 360-degree feedback configuration (issue 6). */
class Feedback {
  /** @private use the static factories */
  constructor(inner) {
    this._inner = inner;
  }

  static fromJson(text) {
    if (typeof text !== 'string') throw new TypeError('Feedback.fromJson expects a string');
    return new Feedback(call(() => native.Feedback.fromJson(text)));
  }

  static fromObject(spec) {
    if (spec === null || typeof spec !== 'object') throw new TypeError('Feedback.fromObject expects an object');
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

function errorToCanonicalJson(e) {
  if (e && typeof e.canonical === 'string') return e.canonical;
  throw new TypeError('not a perfscore error (no `canonical` property)');
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
exports.PayPlan = PayPlan;
exports.Feedback = Feedback;
exports.splitPool = splitPool;
exports.splitPoolCanonical = splitPoolCanonical;
exports.demoPlanJson = demoPlanJson;
exports.demoTeamCsv = demoTeamCsv;
exports.errorToCanonicalJson = errorToCanonicalJson;
exports.version = version;
