// A small request while a long batch runs: `node benches/node/concurrent.mjs [N]` (default
// 200,000 people, seed 42, from target/release/generate) times, on the native addon and on wasm
// in Node, each way of scoring the batch (total, grade and pay) and, while it runs, a small
// request every 5 ms (one `plan.score` of one person, as a server would answer it): how long the
// small request waited at worst and at the 99th percentile, and how many were served.
//   sync        recordsFromCsv(text) then summarize(records): the event loop is held throughout
//   async       summarizeAsync(text): CSV reading and scoring part by part (libuv's thread pool
//               for the native addon; a turn of the event loop after each part in wasm)
// Checks both ways give the same summaries (exit 1 otherwise) and prints one JSON object.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const nativePath = process.env.PERFSCORE_NATIVE ?? join(root, 'bindings-node', 'index.mjs');
const wasmPath = process.env.PERFSCORE_WASM ?? join(root, 'bindings-wasm', 'pkg', 'node', 'index.js');
const load = async (path) => {
  const mod = await import(pathToFileURL(path).href);
  return mod.default && typeof mod.default.Plan === 'function' ? mod.default : mod;
};
const impls = { native: await load(nativePath), wasm: await load(wasmPath) };

const n = Number(process.argv[2] ?? 200000);
const csv = execFileSync(join(root, 'target', 'release', 'generate'), [String(n), '42'], {
  encoding: 'utf8',
  maxBuffer: 1 << 30,
});
const payJson = /PAY_PLAN_JSON: &str = r#"([\s\S]*?)"#;/.exec(readFileSync(join(root, 'benches', 'src', 'lib.rs'), 'utf8'))[1];

/** Run `batch()` while a small request is sent every 5 ms; the batch's time and the waits. */
async function underLoad(batch, small) {
  const waits = [];
  let due = performance.now() + 5;
  let stop = false;
  const tick = () => {
    // A request due while the batch ran counts even if it is served after the batch.
    const now = performance.now();
    small();
    waits.push(Math.max(0, now - due) + (performance.now() - now));
    if (stop) return;
    due = Math.max(due + 5, now + 5);
    setTimeout(tick, Math.max(0, due - performance.now()));
  };
  setTimeout(tick, 5);
  const started = performance.now();
  const result = await batch();
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  // The request that came due while the batch held the loop is served now.
  await new Promise((resolve) => setTimeout(resolve, 10));
  waits.sort((a, b) => a - b);
  const at = (q) => (waits.length ? waits[Math.min(waits.length - 1, Math.floor(q * waits.length))] : null);
  return {
    result,
    row: {
      seconds: Number(seconds.toFixed(3)),
      small_requests: waits.length,
      small_wait_max_ms: waits.length ? Number(waits[waits.length - 1].toFixed(1)) : null,
      small_wait_p99_ms: waits.length ? Number(at(0.99).toFixed(1)) : null,
    },
  };
}

const out = { n, rows: {} };
let status = 0;
for (const [name, api] of Object.entries(impls)) {
  const plan = api.Plan.template('monthly-sales-rep');
  const pay = api.PayPlan.fromJson(payJson, plan);
  const one = plan.recordsFromCsv(csv.slice(0, csv.indexOf('\n', csv.indexOf('\n') + 1) + 1))[0];
  const small = () => plan.score(one);
  // Warm up both paths once (JIT, allocator), untimed.
  plan.summarize(plan.recordsFromCsv(csv.slice(0, csv.lastIndexOf('\n', 200000) + 1)), undefined, pay);
  const sync = await underLoad(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return plan.summarize(plan.recordsFromCsv(csv), undefined, pay);
  }, small);
  const parts = await underLoad(() => plan.summarizeAsync(csv, undefined, pay), small);
  if (JSON.stringify(sync.result) !== JSON.stringify(parts.result)) {
    status = 1;
    out.error = `${name}: summarizeAsync differs from summarize`;
  }
  out.rows[`${name} sync`] = sync.row;
  out.rows[`${name} async`] = parts.row;
}
console.log(JSON.stringify(out, null, 2));
process.exit(status);
