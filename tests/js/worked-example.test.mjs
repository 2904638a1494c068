// The core issue's worked example, hand-checked numbers (see core/tests/worked_example.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plan, loadVector, catchError } from './load.mjs';

const { vector } = loadVector('worked-example');
const plan = Plan.fromObject(vector.plan);
const byId = (id) => structuredClone(vector.records.find((r) => r.id === id));

test('plan id and measures', () => {
  assert.equal(plan.id, 'worked-example');
  const ids = plan.measureIds();
  assert.ok(Array.isArray(ids));
  assert.ok(ids.includes('revenue') && ids.includes('compliance_violations'));
});

test('Li Wei: 88.48, grade B, every line reconciles', () => {
  const c = plan.score(byId('E001'));
  assert.equal(c.record_id, 'E001');
  assert.equal(c.name, 'Li Wei');
  assert.equal(c.total, '88.48');
  assert.equal(c.grade, 'B');
  const revenue = c.sections[0].indicators.find((i) => i.id === 'revenue');
  assert.equal(revenue.completion, '85');
  assert.equal(revenue.score, '85');
  assert.equal(revenue.weighted, '42.5');
  const collection = c.sections[0].indicators.find((i) => i.id === 'collection');
  assert.equal(collection.actual, '0.9');
  assert.equal(collection.score, '80');
  assert.deepEqual(c.vetoes ?? [], []);
});

test('Zhang Min: 74.40, grade C', () => {
  const c = plan.score(byId('E002'));
  assert.equal(c.total, '74.40');
  assert.equal(c.grade, 'C');
});

test('Wang Fang: compliance veto zeroes the total, grade D', () => {
  const c = plan.score(byId('E003'));
  assert.equal(c.total, '0.00');
  assert.equal(c.grade, 'D');
  assert.deepEqual(
    c.vetoes.map((v) => v.id),
    ['compliance'],
  );
  assert.equal(c.vetoes[0].effect, 'zero_total');
});

test('scoreMany equals score one by one', () => {
  const cards = plan.scoreMany(vector.records);
  assert.deepEqual(
    cards.map((c) => [c.record_id, c.total, c.grade]),
    [
      ['E001', '88.48', 'B'],
      ['E002', '74.40', 'C'],
      ['E003', '0.00', 'D'],
    ],
  );
  assert.deepEqual(cards, vector.records.map((r) => plan.score(r)));
});

test('missing demos is INPUT_INVALID naming record and indicator', () => {
  const li = byId('E001');
  delete li.measures.demos;
  const e = catchError(() => plan.scoreMany([li]));
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'INPUT_INVALID');
  assert.deepEqual(
    e.problems.map((p) => p.path),
    ['records[0] (E001).indicators.demos'],
  );
  assert.match(e.problems[0].message, /demos/);
  assert.equal(
    e.canonical,
    JSON.stringify({ code: 'INPUT_INVALID', problems: e.problems }),
  );
  assert.match(e.message, /^invalid input: records\[0\] \(E001\)\.indicators\.demos: /);
});

test('a null measure is missing too', () => {
  const li = byId('E001');
  li.measures.demos = null;
  const e = catchError(() => plan.scoreMany([li]));
  assert.equal(e.code, 'INPUT_INVALID');
  assert.equal(e.problems[0].path, 'records[0] (E001).indicators.demos');
});

test('progress on day 12 of 30: expected 400000, pace 95, yellow, projected 950000', () => {
  const { vector: pv } = loadVector('worked-example-progress');
  const p = Plan.fromObject(pv.plan);
  const options = { period: { basis: 'calendar_days', elapsed: 12, total: 30 } };
  const c = p.score(pv.records[0], options);
  const revenue = c.sections[0].indicators.find((i) => i.id === 'revenue');
  assert.equal(revenue.progress.fraction, '0.4');
  assert.equal(revenue.progress.expected, '400000');
  assert.equal(revenue.progress.pace, '95');
  assert.equal(revenue.progress.status, 'yellow');
  assert.equal(revenue.progress.projected, '950000');
  assert.equal(c.progress.status, 'yellow');
  // The same period given as strings, and as working days, reads the same fraction.
  const asText = p.score(pv.records[0], { period: { basis: 'working_days', elapsed: '12', total: '30' } });
  assert.equal(asText.progress.fraction, '0.4');
  // Without options there is no progress at all (period end).
  assert.equal(p.score(pv.records[0]).progress, undefined);
});

test('a pace profile is accepted', () => {
  const { vector: pv } = loadVector('worked-example-progress');
  const p = Plan.fromObject(pv.plan);
  const c = p.score(pv.records[0], { period: { basis: 'profile', weights: [1, 1, 1, 1, '1'], elapsed: 2 } });
  assert.equal(c.progress.fraction, '0.4');
});

test('bad options are INPUT_INVALID', () => {
  const e = catchError(() => plan.score(byId('E001'), { period: { basis: 'calendar_days', elapsed: 40, total: 30 } }));
  assert.equal(e.code, 'INPUT_INVALID');
  assert.match(e.problems[0].path, /^options/);
  const e2 = catchError(() => plan.score(byId('E001'), { period: { basis: 'fortnights' } }));
  assert.equal(e2.code, 'INPUT_INVALID');
});
