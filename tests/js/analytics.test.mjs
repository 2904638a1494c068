// Analytics through the JS API, native and wasm alike: every case in
// tests/vectors/analytics/ gives the Rust runner's bytes, the object API agrees, and bad requests
// become PerfscoreErrors with paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { analytics, catchError, Plan } from './load.mjs';

const dir = new URL('../vectors/analytics/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

function cases(name) {
  const text = readFileSync(new URL(`${name}.json`, dir), 'utf8');
  const expected = readFileSync(new URL(`${name}.expected.jsonl`, dir), 'utf8').split('\n').filter((l) => l !== '');
  const { cases } = JSON.parse(text);
  assert.equal(cases.length, expected.length, `${name}: one expected line per case`);
  // The request's own JSON text, cut from the file so numbers keep their exact spelling.
  return cases.map((c, i) => ({ ...c, expected: expected[i] }));
}

test('the operations are the core\'s, each with a method and with vectors', () => {
  const ops = analytics.operations();
  assert.equal(ops.length, 17);
  const covered = new Set(files.flatMap((f) => cases(f).map((c) => c.operation)));
  assert.deepEqual([...covered].sort(), [...ops].sort());
  for (const op of ops) {
    const method = op.replace(/_([a-z])/g, (_m, c) => c.toUpperCase());
    assert.equal(typeof analytics[method], 'function', method);
  }
});

for (const name of files) {
  test(`analytics vector ${name}`, () => {
    for (const c of cases(name)) {
      // JSON numbers in the vectors are short enough to survive JSON.parse exactly.
      let got;
      try {
        got = analytics.runJson(c.operation, JSON.stringify(c.request));
      } catch (e) {
        got = e.canonical;
      }
      assert.equal(got, c.expected, `${name}/${c.name}`);
      // run() gives the same result as an object (f64 statistics such as 0.0 print as 0 in JS,
      // so the object, not its text, is compared).
      let viaObject;
      try {
        viaObject = analytics.run(c.operation, c.request);
      } catch (e) {
        viaObject = JSON.parse(e.canonical);
      }
      assert.deepEqual(viaObject, JSON.parse(c.expected), `${name}/${c.name} via run()`);
    }
  });
}

test('allocation of 1,000.00 in the ratio 1 : 2 is 333.33 + 666.67 (largest remainder)', () => {
  // Worked by hand: exact shares 333.333… and 666.666…; floors 333.33 + 666.66 = 999.99; the
  // one cent left goes to the larger remainder (0.006… > 0.003…), i.e. the second part.
  const out = analytics.allocateTarget({
    total: '1000.00',
    minor_units: 2,
    parts: [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 2 },
    ],
  });
  assert.deepEqual(
    out.parts.map((p) => p.amount),
    ['333.33', '666.67'],
  );
});

test('bad requests are errors with paths, never silent nulls', () => {
  let e = catchError(() => analytics.run('nope', {}));
  assert.equal(e.name, 'PerfscoreError');
  assert.equal(e.code, 'INPUT_INVALID');
  assert.equal(e.problems[0].path, 'operation');
  // NaN is not "no data": it must not become null.
  e = catchError(() =>
    analytics.seasonalIndices({ history: { start: '2022-01', values: [NaN, ...Array(35).fill(100)] } }),
  );
  assert.equal(e.code, 'INPUT_INVALID');
  assert.match(e.problems[0].path, /history/);
  e = catchError(() => analytics.allocateTarget({ total: 10n ** 40n, minor_units: 2, parts: [{ id: 'a', weight: 1 }] }));
  assert.equal(e.code, 'INPUT_INVALID');
});

test('a Plan stands for its document (toJson / toJSON), in analytics requests too', () => {
  const c = cases('team-rollup').find((x) => x.name === 'by-team');
  const plan = Plan.fromObject(c.request.plan);
  // The document round-trips: written, read back, written again, the same text.
  assert.equal(Plan.fromJson(plan.toJson()).toJson(), plan.toJson());
  assert.equal(JSON.stringify(plan), plan.toJson());
  assert.equal(JSON.parse(plan.toJson()).id, plan.id);
  // The same bytes as the vector's expected line (the Rust runner's), with the Plan in the request.
  assert.deepEqual(analytics.run('rollup', { ...c.request, plan }), JSON.parse(c.expected));
  assert.deepEqual(analytics.rollup({ ...c.request, plan }), JSON.parse(c.expected));
});

test('Plan.toJson gives the core\'s bytes (tests/vectors/plan-documents/)', () => {
  for (const id of ['monthly-sales-rep', 'young-company-process']) {
    const expected = readFileSync(new URL(`../vectors/plan-documents/${id}.json`, import.meta.url), 'utf8');
    assert.equal(Plan.template(id).toJson() + '\n', expected, id);
  }
});
