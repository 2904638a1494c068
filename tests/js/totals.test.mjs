// `plan.totals(records)`: the fast exact path (a certified-float kernel with the exact engine for
// every row it cannot settle) gives `summarize`'s totals and grades on every scoring vector, throws
// the same errors, and rounds the exact half-cent of the `exact-ties` vector up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plan, vectorNames, loadVector, demoPlanJson, demoTeamCsv } from './load.mjs';

/** `fn()`'s result, or the canonical text of the perfscore error it throws. */
function outcome(fn) {
  try {
    return { ok: fn() };
  } catch (e) {
    return { err: e.canonical ?? String(e) };
  }
}

test('totals equal the summaries on the demo team', () => {
  const plan = Plan.fromJson(demoPlanJson());
  const records = plan.recordsFromCsv(demoTeamCsv());
  const t = plan.totals(records);
  const s = plan.summarize(records);
  assert.deepEqual(t.ids, s.map((x) => x.record_id));
  assert.deepEqual(t.totals, s.map((x) => x.total));
  assert.deepEqual(t.grades, s.map((x) => x.grade));
  assert.deepEqual(t.vetoed, s.map((x) => x.vetoed));
});

test('an exact half-cent rounds up: 691/7 × 20 % × 70 % + 28 + 30 + 0.655 = 72.475 → 72.48', () => {
  const v = loadVector('exact-ties').vector;
  const plan = Plan.fromJson(JSON.stringify(v.plan));
  const t = plan.totals(v.records);
  assert.deepEqual(t.totals, ['72.48', '98.00']);
  assert.deepEqual(t.grades, ['B', 'A']);
});

for (const name of vectorNames().filter((n) => !n.includes('/'))) {
  const v = loadVector(name).vector;
  if (!v.plan || !Array.isArray(v.records) || v.options) continue;
  test(`vector ${name}: totals agree with summarize`, () => {
    const plan = outcome(() => Plan.fromJson(typeof v.plan === 'string' ? v.plan : JSON.stringify(v.plan)));
    if (plan.err) return;
    const t = outcome(() => plan.ok.totals(v.records));
    const s = outcome(() => plan.ok.summarize(v.records));
    if (s.err) {
      assert.equal(t.err, s.err);
      return;
    }
    assert.deepEqual(t.ok.totals, s.ok.map((x) => x.total));
    assert.deepEqual(t.ok.grades, s.ok.map((x) => x.grade));
    assert.deepEqual(t.ok.grades_before_veto, s.ok.map((x) => x.grade_before_veto ?? null));
  });
}

test('decimal text of units: sign, padding and scale 0', async () => {
  const { decimalText } = await import('../../bindings-js/columns.mjs');
  // Worked by hand: 7248 units at scale 2 is 72.48; −50 is −0.50; 5 at scale 3 is 0.005.
  assert.equal(decimalText(7248, 2), '72.48');
  assert.equal(decimalText(-50, 2), '-0.50');
  assert.equal(decimalText(0, 2), '0.00');
  assert.equal(decimalText(5, 3), '0.005');
  assert.equal(decimalText(-12, 0), '-12');
});

test('totalsColumns: typed-array columns give the record path\'s totals', () => {
  const plan = Plan.fromJson(demoPlanJson());
  const records = plan.recordsFromCsv(demoTeamCsv());
  const ids = records.map((r) => r.id);
  const columns = {};
  for (const key of Object.keys(records[0].measures)) {
    columns[key] = Float64Array.from(records, (r) => Number(r.measures[key]));
  }
  const fromColumns = plan.totalsColumns({ ids, columns });
  const fromRecords = plan.totals(records);
  assert.deepEqual(fromColumns.toJSON(), fromRecords);
  assert.equal(JSON.stringify(fromColumns), JSON.stringify(fromRecords));
  // The typed columns themselves: units at the plan's scale (2), indexes into the grade names.
  assert.equal(fromColumns.scale, 2);
  assert.ok(fromColumns.units instanceof Float64Array);
  assert.ok(fromColumns.gradeIndex instanceof Int32Array);
  fromRecords.totals.forEach((t, i) => {
    assert.equal(fromColumns.units[i], Math.round(Number(t) * 100));
    assert.equal(fromColumns.total(i), t);
    assert.equal(fromColumns.gradeNames[fromColumns.gradeIndex[i]], fromRecords.grades[i]);
    assert.equal(fromColumns.vetoedMask[i] === 1, fromRecords.vetoed[i]);
  });
  // A missing required measure (NaN) is the engine's problem for that row, as on the record path.
  columns.revenue[2] = NaN;
  const err = (() => {
    try {
      plan.totalsColumns({ ids, columns });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err, 'a missing revenue must be refused');
  assert.equal(err.problems.length, 1);
  assert.equal(err.problems[0].kind, 'missing');
  assert.throws(() => plan.totalsColumns({ ids: ['E1'], columns: { revenue: ['12x'] } }), /not a number/);
});
