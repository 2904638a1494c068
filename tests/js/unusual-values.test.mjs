// Unusual JS values: both packages read them the same way, by construction: the one JS front
// sends what JSON cannot hold as host markers (bindings-js/encode.mjs) and the core's input
// layer decides what each means (docs/input.md). Each case states the behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plan, loadVector } from './load.mjs';

const { vector } = loadVector('worked-example');
const plan = Plan.fromObject(vector.plan);
const li = () => structuredClone(vector.records[0]);

function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

function assertInputError(e, loc, kind) {
  assert.ok(e instanceof Error, 'an error is thrown');
  assert.equal(e.code, 'INPUT_INVALID');
  assert.deepEqual(e.problems.map((p) => p.loc), [loc]);
  assert.deepEqual(e.problems.map((p) => p.kind), [kind]);
}

test('a BigInt measure value is read exactly', () => {
  // 850000n is the same number as 850000: the same scorecard.
  const r = li();
  r.measures.revenue = BigInt(r.measures.revenue);
  assert.deepEqual(plan.scoreCanonical([r]), plan.scoreCanonical([li()]));
});

for (const [label, value] of [['a Symbol', Symbol('x')], ['a function', () => 1]]) {
  test(`${label} as a measure value is INPUT_INVALID at its path`, () => {
    const r = li();
    r.measures.revenue = value;
    assertInputError(thrown(() => plan.scoreMany([r])), ['records', 0, 'measures', 'revenue'], 'unsupported_value');
  });
}

test('ids with lone surrogates are refused, never merged into one id', () => {
  const a = li();
  a.id = 'a\ud800';
  const b = li();
  b.id = 'a\udc00';
  const e = thrown(() => plan.scoreMany([a, b]));
  assert.equal(e.code, 'INPUT_INVALID');
  assert.deepEqual(e.problems.map((p) => p.path), ['records[0].id', 'records[1].id']);
  assert.deepEqual(e.problems.map((p) => p.kind), ['unsupported_value', 'unsupported_value']);
});

test('NaN in options is INPUT_INVALID at its path', () => {
  const e = thrown(() => plan.scoreMany([li()], { period: { basis: 'calendar_days', elapsed: NaN, total: 30 } }));
  assertInputError(e, ['options', 'period', 'elapsed'], 'not_finite');
});

test('a BigInt in options is read exactly', () => {
  const period = (elapsed) => ({ period: { basis: 'calendar_days', elapsed, total: 30 } });
  assert.deepEqual(plan.scoreCanonical([li()], period(10n)), plan.scoreCanonical([li()], period(10)));
});
