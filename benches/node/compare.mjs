// Node native and wasm (in Node) perfscore against the plain decimal.js baseline, on the same
// records: `node benches/node/compare.mjs [N] [--csv FILE] [--repeat R]`.
// Generates N people (default 100000, seed 42) with target/release/generate unless --csv is
// given, reads them once with the native `Plan.recordsFromCsv` (not timed), then times, best of
// R runs: native `plan.scoreMany(records)`, wasm `plan.scoreMany(records)` and the decimal.js
// loop (scoring and grading; the baseline also prices pay, which costs it ~nothing). Checks every
// total and grade are equal across the three (exit 1 otherwise) and prints one JSON object.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathToFileURL } from 'node:url';
import { scoreAll } from './baseline.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
// run.sh points these at snapshots of the built bindings, so a concurrent rebuild cannot swap
// them out mid-run; by default the bindings' own build outputs.
const nativePath = process.env.PERFSCORE_NATIVE ?? join(root, 'bindings-node', 'index.js');
const wasmPath = process.env.PERFSCORE_WASM ?? join(root, 'bindings-wasm', 'pkg', 'node', 'index.js');
const nativeMod = await import(pathToFileURL(nativePath).href);
const native = nativeMod.default ?? nativeMod;
const wasm = await import(pathToFileURL(wasmPath).href);
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const csvPath = opt('--csv', null);
const repeat = Number(opt('--repeat', '3'));
const n = Number(args[0] ?? 100000);

const csv = csvPath
  ? readFileSync(csvPath, 'utf8')
  : execFileSync(join(root, 'target', 'release', 'generate'), [String(n), '42'], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
const nplan = native.Plan.template('monthly-sales-rep');
const wplan = wasm.Plan.template('monthly-sales-rep');
const records = nplan.recordsFromCsv(csv);

function bestOf(fn) {
  let best = Infinity;
  let out;
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    out = fn();
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (dt < best) best = dt;
  }
  return [best, out];
}

const [tNative, rNative] = bestOf(() => nplan.scoreMany(records));
const [tWasm, rWasm] = bestOf(() => wplan.scoreMany(records));
const [tDec, rDec] = bestOf(() => scoreAll(records));
// Per-person cost of wasm and native on the first 1,000 records alone, to show how they scale.
const small = records.slice(0, 1000);
const [tWasmSmall] = bestOf(() => wplan.scoreMany(small));
const [tNativeSmall] = bestOf(() => nplan.scoreMany(small));

const mismatches = [];
for (let i = 0; i < records.length; i++) {
  const a = rNative[i];
  const b = rWasm[i];
  const c = rDec[i];
  const ok =
    a.record_id === c.id && b.record_id === c.id &&
    c.total.eq(a.total) && c.total.eq(b.total) && a.grade === c.grade && b.grade === c.grade;
  if (!ok) {
    mismatches.push({ id: c.id, native: [String(a.total), a.grade], wasm: [String(b.total), b.grade], decimaljs: [c.total.toString(), c.grade] });
  }
}

const count = records.length;
const out = {
  n: count,
  repeat_best_of: repeat,
  node: process.version,
  seconds: { native_scoreMany: tNative, wasm_scoreMany: tWasm, decimaljs_loop: tDec },
  per_person_us: {
    native_scoreMany: (tNative / count) * 1e6,
    wasm_scoreMany: (tWasm / count) * 1e6,
    decimaljs_loop: (tDec / count) * 1e6,
  },
  per_person_us_first_1000: {
    native_scoreMany: (tNativeSmall / small.length) * 1e6,
    wasm_scoreMany: (tWasmSmall / small.length) * 1e6,
  },
  ratios: {
    native_speedup_vs_decimaljs: tDec / tNative,
    wasm_speedup_vs_decimaljs: tDec / tWasm,
    wasm_speed_relative_to_native: tNative / tWasm,
  },
  exact: { checked: count, mismatches: mismatches.length, first_mismatches: mismatches.slice(0, 5) },
};
console.log(JSON.stringify(out, null, 2));
process.exit(mismatches.length ? 1 : 0);
