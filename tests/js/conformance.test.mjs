// Conformance: every vector in tests/vectors gives byte-identical canonical JSON to the Rust
// runner (core/tests/conformance.rs): plan text → plan, records (JSON or CSV) → scorecards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plan, vectorNames, loadVector } from './load.mjs';

function outcome(fn) {
  try {
    return fn().join('\n') + '\n';
  } catch (e) {
    assert.equal(typeof e.canonical, 'string', `not a perfscore error: ${e && e.stack}`);
    return e.canonical + '\n';
  }
}

const names = vectorNames();

test('the vectors are there', () => {
  assert.ok(names.length >= 8, `found ${names.length} vectors`);
});

// Vector kinds the JS API does not expose yet (the core's pay module is newer than this suite);
// they are reported as skipped, not silently dropped. Remove an entry when its API lands.
const NOT_YET_EXPOSED = {
  pay_plan: 'pay statements are not exposed in the JS API yet',
  pool: 'pool splitting is not exposed in the JS API yet',
};

for (const name of names) {
  const { vector, expected } = loadVector(name);
  const missing = Object.keys(NOT_YET_EXPOSED).find((k) => k in vector);
  if (missing) {
    test(`vector ${name}`, { skip: NOT_YET_EXPOSED[missing] }, () => {});
    continue;
  }

  test(`vector ${name}: records as the Rust runner reads them`, () => {
    const got = outcome(() => {
      const plan = Plan.fromJson(JSON.stringify(vector.plan));
      const records =
        typeof vector.records_csv === 'string'
          ? plan.recordsFromCsv(vector.records_csv)
          : plan.recordsFromJson(JSON.stringify(vector.records));
      return plan.scoreCanonical(records, vector.options);
    });
    assert.equal(got, expected);
  });

  if (typeof vector.records_csv !== 'string') {
    test(`vector ${name}: records passed as plain JS objects`, () => {
      const got = outcome(() => Plan.fromObject(vector.plan).scoreCanonical(vector.records, vector.options));
      assert.equal(got, expected);
    });
  }

  test(`vector ${name}: scoreMany gives the canonical objects`, () => {
    let cards;
    try {
      const plan = Plan.fromObject(vector.plan);
      const records =
        typeof vector.records_csv === 'string' ? plan.recordsFromCsv(vector.records_csv) : vector.records;
      cards = plan.scoreMany(records, vector.options);
    } catch (e) {
      assert.equal(e.canonical + '\n', expected);
      assert.deepEqual({ code: e.code, problems: e.problems }, JSON.parse(e.canonical));
      return;
    }
    const lines = expected.trimEnd().split('\n');
    assert.deepEqual(cards, lines.map((l) => JSON.parse(l)));
  });
}
