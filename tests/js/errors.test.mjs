// Errors: JS Errors with a stable code, every problem with its path, and the canonical form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plan, loadVector, catchError, located } from './load.mjs';

const { vector } = loadVector('worked-example');
const plan = Plan.fromObject(vector.plan);
const li = () => structuredClone(vector.records[0]);

function assertPerfscoreError(e, code) {
  assert.ok(e instanceof Error, 'an Error instance');
  assert.equal(e.code, code);
  assert.ok(Array.isArray(e.problems) && e.problems.length > 0);
  for (const p of e.problems) {
    assert.equal(typeof p.path, 'string');
    assert.equal(typeof p.message, 'string');
  }
  assert.equal(e.canonical, JSON.stringify({ code: e.code, problems: e.problems }));
}

test('an invalid plan reports every problem at once', () => {
  const { vector: bad, expected } = loadVector('invalid-plan');
  const e = catchError(() => Plan.fromObject(bad.plan));
  assertPerfscoreError(e, 'PLAN_INVALID');
  assert.equal(e.canonical + '\n', expected);
  assert.deepEqual(e.problems.map((p) => p.path), [
    'sections[0].indicators[1].actual',
    'sections[0].indicators[1].scoring.bands[2].from',
    'sections[1].indicators',
    'grades[2].from',
    'vetoes[0].when',
  ]);
  assert.match(e.message, /^invalid plan \(5 problems\):\n {2}- sections\[0\]\.indicators\[1\]\.actual: /);
});

test('plan JSON that does not parse is PLAN_INVALID', () => {
  assertPerfscoreError(catchError(() => Plan.fromJson('{"id": ')), 'PLAN_INVALID');
  assertPerfscoreError(catchError(() => Plan.fromJson('{}')), 'PLAN_INVALID');
  assertPerfscoreError(catchError(() => Plan.fromObject({ id: 'x', name: 'x', measures: [], grades: [], bogus: 1 })), 'PLAN_INVALID');
});

test('an unknown template is PLAN_INVALID', () => {
  assertPerfscoreError(catchError(() => Plan.template('no-such-template')), 'PLAN_INVALID');
});

for (const [label, value, pattern] of [
  ['NaN', NaN, /not a finite number/],
  ['Infinity', Infinity, /not a finite number/],
  ['-Infinity', -Infinity, /not a finite number/],
  ['"abc"', 'abc', /`abc` is not a number/],
  ['""', '', /empty/],
  ['"1.2.3"', '1.2.3', /not a number/],
  ['true', true, /expected a number/],
  ['an object', { value: 1 }, /expected a number/],
]) {
  test(`a measure value of ${label} is INPUT_INVALID naming record and field`, () => {
    const r = li();
    r.id = 'E999';
    r.measures.revenue = value;
    const e = catchError(() => plan.scoreMany([li(), r]));
    assertPerfscoreError(e, 'INPUT_INVALID');
    assert.equal(e.problems.length, 1);
    assert.deepEqual(e.problems[0].loc, ['records', 1, 'measures', 'revenue']);
    assert.equal(e.problems[0].id, 'E999');
    assert.equal(e.problems[0].path, 'records[1] (E999).measures.revenue');
    assert.match(e.problems[0].message, pattern);
    const one = catchError(() => plan.score(r));
    assertPerfscoreError(one, 'INPUT_INVALID');
    assert.match(one.problems[0].path, /measures\.revenue$/);
  });
}

test('every bad value in a batch is reported, nothing scored', () => {
  const a = li();
  a.measures.visits = 'many';
  const b = li();
  b.id = 'E999';
  b.measures.demos = NaN;
  const e = catchError(() => plan.scoreCanonical([a, b]));
  assertPerfscoreError(e, 'INPUT_INVALID');
  assert.deepEqual(e.problems.map((p) => p.loc), [['records', 0, 'measures', 'visits'], ['records', 1, 'measures', 'demos']]);
  assert.deepEqual(e.problems.map((p) => p.kind), ['not_a_number', 'not_finite']);
});

test('a record that is not an object, or lacks an id, is INPUT_INVALID', () => {
  assertPerfscoreError(catchError(() => plan.scoreMany([42])), 'INPUT_INVALID');
  assertPerfscoreError(catchError(() => plan.scoreMany(null)), 'INPUT_INVALID');
  const noId = li();
  delete noId.id;
  assertPerfscoreError(catchError(() => plan.score(noId)), 'INPUT_INVALID');
  const unknownField = li();
  unknownField.measure = {};
  assertPerfscoreError(catchError(() => plan.score(unknownField)), 'INPUT_INVALID');
});

test('CSV with bad cells names line and column', () => {
  const { vector: v, expected } = loadVector('csv-bad-cells');
  const p = Plan.fromObject(v.plan);
  const e = catchError(() => p.recordsFromCsv(v.records_csv));
  assertPerfscoreError(e, 'INPUT_INVALID');
  assert.equal(e.canonical + '\n', expected);
  assert.equal(e.problems[0].path, 'line 2, column 销售额');
});

test('records JSON that does not parse is INPUT_INVALID', () => {
  assertPerfscoreError(catchError(() => plan.recordsFromJson('[{"id": 1}]')), 'INPUT_INVALID');
  assertPerfscoreError(catchError(() => plan.recordsFromJson('not json')), 'INPUT_INVALID');
});

test('an unknown explanation language is INPUT_INVALID', () => {
  assertPerfscoreError(catchError(() => plan.explain(li(), 'fr')), 'INPUT_INVALID');
});

test('hostile inputs never abort the process', () => {
  const weird = [undefined, null, 0, 'x', [], [[]], [{}], [{ id: 'a', measures: [] }], [{ id: 'a', measures: { revenue: 1e300 } }]];
  for (const w of weird) {
    try {
      plan.scoreMany(w);
    } catch (e) {
      assert.ok(e instanceof Error);
    }
  }
  for (const text of ['', '[', 'null', '{"id":"x","name":"x","measures":[{"id":"a"}],"grades":[{"grade":"A"}],"indicators":[{"id":"i","weight":100,"actual":"a / 0","scoring":{"method":"ratio"}}]}']) {
    try {
      Plan.fromJson(text).scoreMany([{ id: 'r', measures: { a: 1 } }]);
    } catch (e) {
      assert.ok(e instanceof Error);
    }
  }
});

test('200,000 bad records give one bounded error, not a crash or a string past V8 limits', () => {
  // Every record lacks its measures: many problems each, 1,000 listed and the rest counted.
  const records = Array.from({ length: 200_000 }, (_, i) => ({ id: `E${i}`, measures: {} }));
  const e = catchError(() => plan.scoreMany(records));
  assertPerfscoreError(e, 'INPUT_INVALID');
  assert.equal(e.problems.length, 1001);
  assert.equal(e.problems.at(-1).path, '…');
  assert.match(e.problems.at(-1).message, /^\d+ more problems not listed$/);
  assert.ok(e.message.length < 200_000);
  const c = catchError(() => plan.scoreCanonical(records));
  assertPerfscoreError(c, 'INPUT_INVALID');
});

test('a number out of range is refused however it is spelt', () => {
  // 4e28 has 29 integer digits, one more than any value may have, as a number or as text.
  for (const value of [4e28, '4e28', '40000000000000000000000000000']) {
    const r = li();
    r.measures.revenue = value;
    const e = catchError(() => plan.scoreMany([r]));
    assertPerfscoreError(e, 'INPUT_INVALID');
  }
});

test('ids with control or bidi characters are escaped in errors', () => {
  const a = li();
  a.id = 'a\u0000b\u202ec';
  const e = catchError(() => plan.scoreMany([a, structuredClone(a)]));
  assertPerfscoreError(e, 'INPUT_INVALID');
  assert.ok(e.problems.some((p) => p.message.includes('a\\u{0}b\\u{202e}c')), e.message);
});

test('an argument of the wrong type is a TypeError with code INVALID_ARGUMENT in both packages', () => {
  for (const f of [() => Plan.fromJson(5), () => Plan.fromJson(), () => Plan.template(5)]) {
    const e = catchError(f);
    assert.ok(e instanceof TypeError, e && e.message);
    assert.equal(e.code, 'INVALID_ARGUMENT');
  }
});

test('5,000 non-finite values give one bounded error in both packages', () => {
  // Non-finite numbers are caught before the core in the wasm package, in the core in Node:
  // either way 1,000 problems are listed and the rest counted.
  const records = Array.from({ length: 5000 }, (_, i) => {
    const r = li();
    r.id = `E${i}`;
    r.measures.revenue = NaN;
    return r;
  });
  const e = catchError(() => plan.scoreMany(records));
  assertPerfscoreError(e, 'INPUT_INVALID');
  assert.equal(e.problems.length, 1001);
  assert.deepEqual(located(e).at(-1), { path: '…', message: '4000 more problems not listed' });
  assert.equal(e.problems.at(-1).kind, 'more_problems');
});

test('a host can lower the limits a plan is compiled within, never raise them', () => {
  // The worked example has 12 measures: a limit of 5 entries per list refuses them.
  const e = catchError(() => Plan.fromObject(vector.plan, { max_list_items: 5 }));
  assertPerfscoreError(e, 'PLAN_INVALID');
  assert.ok(e.problems.some((p) => p.path === 'measures' && p.message === '12 entries; at most 5 are accepted'), e.message);
  assert.equal(Plan.fromObject(vector.plan, { max_list_items: 100 }).id, 'worked-example');
  const raised = catchError(() => Plan.fromJson(JSON.stringify(vector.plan), { max_list_items: 1e6 }));
  assertPerfscoreError(raised, 'INPUT_INVALID');
  assert.equal(raised.problems[0].path, 'limits.max_list_items');
});

test('an id of the wrong type is one problem at the id, not also a missing id', () => {
  const r = li();
  r.id = 5;
  const e = catchError(() => plan.scoreMany([r]));
  assertPerfscoreError(e, 'INPUT_INVALID');
  assert.deepEqual(e.problems.map((p) => p.path), ['records[0].id']);
});
