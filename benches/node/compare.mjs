// Node native and wasm (in Node) perfscore against the plain decimal.js baseline, on the same
// records: `node benches/node/compare.mjs [N] [--csv FILE] [--repeat R]`.
// Generates N people (default 100000, seed 42) with target/release/generate unless --csv is
// given, reads them once with the native `Plan.recordsFromCsv` (not timed), then times, best of
// R runs:
//   headline   native `plan.summarize(records, undefined, payPlan)` (total, grade and pay, scored
//              once, objects built by the addon) against the decimal.js loop (total, grade and
//              pay: the same work);
//   secondary  native `plan.scoreMany(records)` (full scorecards);
//   wasm       `plan.summarize(records, undefined, payPlan)` when the wasm package has it, else
//              `plan.scoreMany(records)` (key `wasm_api` says which).
// The pay plan is benches/src/lib.rs `PAY_PLAN_JSON` (3000 × grade coefficient), the baseline's.
// Checks every record id, total, grade and pay are equal across the implementations (exit 1
// otherwise) and prints one JSON object.
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
const nativePath = process.env.PERFSCORE_NATIVE ?? join(root, 'bindings-node', 'index.mjs');
const wasmPath = process.env.PERFSCORE_WASM ?? join(root, 'bindings-wasm', 'pkg', 'node', 'index.js');
const nativeMod = await import(pathToFileURL(nativePath).href);
const native = nativeMod.default ?? nativeMod;
const wasmMod = await import(pathToFileURL(wasmPath).href);
const wasm = wasmMod.default && typeof wasmMod.default.Plan === 'function' ? wasmMod.default : wasmMod;
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
const payJson = /PAY_PLAN_JSON: &str = r#"([\s\S]*?)"#;/.exec(readFileSync(join(root, 'benches', 'src', 'lib.rs'), 'utf8'));
if (!payJson) throw new Error('PAY_PLAN_JSON not found in benches/src/lib.rs');
const nplan = native.Plan.template('monthly-sales-rep');
const wplan = wasm.Plan.template('monthly-sales-rep');
const npay = native.PayPlan.fromJson(payJson[1], nplan);
const wasmApi = typeof wplan.summarize === 'function' ? 'summarize' : 'scoreMany';
const wpay = wasmApi === 'summarize' ? wasm.PayPlan.fromJson(payJson[1], wplan) : null;
const records = nplan.recordsFromCsv(csv);

function bestOf(fn) {
  let best = Infinity;
  let out;
  for (let i = 0; i < repeat; i++) {
    out = undefined; // let the previous result be collected before timing the next run
    const t0 = process.hrtime.bigint();
    out = fn();
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (dt < best) best = dt;
  }
  return [best, out];
}

// Phases of the native summarize call with the best time, seconds (`__lastSummarizeTimings`,
// when the addon has it): `encode` (records → table, JS), `addon` (the native call: `prepare`,
// then `chunks_wall` on `threads` threads, then `join`), `build` (result objects, JS); `cpu`
// sums the chunks' decode, score, pay and pack times over the threads.
const timings = typeof native.__lastSummarizeTimings === 'function' ? native.__lastSummarizeTimings : null;
let phases = null;
const [tSummarize, rSummarize] = bestOf(() => {
  const t0 = process.hrtime.bigint();
  const out = nplan.summarize(records, undefined, npay);
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  if (timings && (phases === null || dt < phases.total)) phases = { ...timings(), total: dt };
  return out;
});
// The same on one thread: wasm has no threads, so "wasm ≥ 0.5× native" compares one core each.
const [tSummarize1] = bestOf(() => nplan.summarize(records, undefined, npay, { threads: 1 }));
const [tDec, rDec] = bestOf(() => scoreAll(records));
const wasmRun = wasmApi === 'summarize' ? (rs) => wplan.summarize(rs, undefined, wpay) : (rs) => wplan.scoreMany(rs);
const [tWasm, rWasm] = bestOf(() => wasmRun(records));
const [tScoreMany, rScoreMany] = bestOf(() => nplan.scoreMany(records));
// Per-person cost on the first 1,000 records alone, to show how each scales with N.
const small = records.slice(0, 1000);
const [tSummarizeSmall] = bestOf(() => nplan.summarize(small, undefined, npay));
const [tScoreManySmall] = bestOf(() => nplan.scoreMany(small));
const [tWasmSmall] = bestOf(() => wasmRun(small));

const mismatches = [];
for (let i = 0; i < records.length; i++) {
  const s = rSummarize[i];
  const a = rScoreMany[i];
  const w = rWasm[i];
  const c = rDec[i];
  const ok =
    s.record_id === c.id && a.record_id === c.id && w.record_id === c.id &&
    c.total.eq(s.total) && c.total.eq(a.total) && c.total.eq(w.total) &&
    s.grade === c.grade && a.grade === c.grade && w.grade === c.grade &&
    c.pay.eq(s.pay) && (wasmApi !== 'summarize' || c.pay.eq(w.pay));
  if (!ok) {
    mismatches.push({
      id: c.id,
      native_summarize: [s.total, s.grade, s.pay],
      native_scoreMany: [a.total, a.grade],
      wasm: [String(w.total), w.grade, w.pay],
      decimaljs: [c.total.toString(), c.grade, c.pay.toString()],
    });
  }
}

const count = records.length;
const wasmKey = `wasm_${wasmApi}`;
const perPerson = (t, k = count) => (t / k) * 1e6;
const out = {
  n: count,
  repeat_best_of: repeat,
  node: process.version,
  wasm_api: wasmApi,
  seconds: {
    native_summarize: tSummarize,
    native_summarize_1_thread: tSummarize1,
    native_scoreMany: tScoreMany,
    [wasmKey]: tWasm,
    decimaljs_loop: tDec,
  },
  per_person_us: {
    native_summarize: perPerson(tSummarize),
    native_summarize_1_thread: perPerson(tSummarize1),
    native_scoreMany: perPerson(tScoreMany),
    [wasmKey]: perPerson(tWasm),
    decimaljs_loop: perPerson(tDec),
  },
  per_person_us_first_1000: {
    native_summarize: perPerson(tSummarizeSmall, small.length),
    native_scoreMany: perPerson(tScoreManySmall, small.length),
    [wasmKey]: perPerson(tWasmSmall, small.length),
  },
  // Headline: native summarize (total, grade, pay) against the decimal.js loop (the same).
  ratios: {
    native_speedup_vs_decimaljs: tDec / tSummarize,
    native_scoreMany_speedup_vs_decimaljs: tDec / tScoreMany,
    wasm_speedup_vs_decimaljs: tDec / tWasm,
    native_1_thread_speedup_vs_decimaljs: tDec / tSummarize1,
    // wasm against native on the same API (summarize when wasm has it), one thread each.
    wasm_speed_relative_to_native: (wasmApi === 'summarize' ? tSummarize1 : tScoreMany) / tWasm,
    // ... and against the native addon with its threads.
    wasm_speed_relative_to_native_threads: (wasmApi === 'summarize' ? tSummarize : tScoreMany) / tWasm,
  },
  native_summarize_phases_seconds: phases,
  exact: { checked: count, compared: 'record_id, total, grade, pay', mismatches: mismatches.length, first_mismatches: mismatches.slice(0, 5) },
};
console.log(JSON.stringify(out, null, 2));
process.exit(mismatches.length ? 1 : 0);
