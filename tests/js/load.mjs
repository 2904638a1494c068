// Loads the perfscore implementation under test. PERFSCORE_IMPL selects it:
//   native (default) → bindings-node/index.mjs (the shared front over the napi-rs addon)
//   wasm             → bindings-wasm/pkg/node/index.js (the shared front over the wasm module)
//   wasm-scoring     → bindings-wasm/pkg-scoring/node/index.js (the scoring-only wasm module: no
//                      360 feedback, no analytics; `features` says so)
// Both may be CommonJS or ESM; the API is read from the namespace or its default export.
import { readFileSync, readdirSync } from 'node:fs';

const IMPLS = {
  native: '../../bindings-node/index.mjs',
  wasm: '../../bindings-wasm/pkg/node/index.js',
  'wasm-scoring': '../../bindings-wasm/pkg-scoring/node/index.js',
};

export const implName = process.env.PERFSCORE_IMPL || 'native';
if (!(implName in IMPLS)) {
  throw new Error(`PERFSCORE_IMPL must be one of ${Object.keys(IMPLS).join(', ')}, got ${implName}`);
}

const ns = await import(new URL(IMPLS[implName], import.meta.url).href);
// A CommonJS module's exports are its default export; an ES module's are the namespace.
const api = ns.default && typeof ns.default.Plan === 'function' ? ns.default : ns;
if (!api || typeof api.Plan !== 'function') {
  throw new Error(`${IMPLS[implName]} does not export Plan`);
}

export const perfscore = api;
export const { Plan, PayPlan, Feedback, splitPool, splitPoolCanonical, analytics } = api;
/** What the module under test was built with (`{analytics, feedback}`). */
export const features = api.run('features');
export const demoPlanJson = () => api.demoPlanJson();
export const demoTeamCsv = () => api.demoTeamCsv();
export const demoHistoryCsv = () => api.demoHistoryCsv();

const vectorsUrl = new URL('../vectors/', import.meta.url);

/**
 * Names of every conformance vector, sorted: scoring vectors `tests/vectors/<name>.json`, pay
 * and pool vectors `tests/vectors/pay/<name>.json` (named `pay/<name>`) and 360-degree feedback
 * vectors `tests/vectors/feedback/<name>.json` (named `feedback/<name>`), as the Rust runner reads them.
 */
export function vectorNames() {
  const names = (dir, prefix) =>
    readdirSync(new URL(dir, vectorsUrl))
      .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
      .map((f) => prefix + f.slice(0, -'.json'.length));
  return [...names('./', ''), ...names('pay/', 'pay/'), ...names('feedback/', 'feedback/')].sort();
}

/** A vector's raw text, its parsed form, and its expected canonical output. */
export function loadVector(name) {
  const text = readFileSync(new URL(`${name}.json`, vectorsUrl), 'utf8');
  return {
    text,
    vector: JSON.parse(text),
    expected: readFileSync(new URL(`${name}.expected.jsonl`, vectorsUrl), 'utf8'),
  };
}

/** Run `fn`, expect a perfscore error, and return it. */
export function catchError(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a perfscore error, nothing was thrown');
}

/** An error's problems as `{path, message}` pairs (their `loc`, `kind` and `id` checked elsewhere). */
export function located(e) {
  return e.problems.map(({ path, message }) => ({ path, message }));
}
