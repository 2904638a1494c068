// Number policy: decimals cross the boundary as strings; JS numbers are read by their shortest
// decimal representation (0.1 is one tenth); strings are exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plan } from './load.mjs';

const plan = Plan.fromObject({
  id: 'numbers',
  name: 'Numbers',
  measures: [{ id: 'x' }, { id: 'goal' }],
  indicators: [
    { id: 'value', name: 'Value', weight: 100, actual: 'x', target: 'goal', scoring: { method: 'ratio' } },
  ],
  grades: [{ grade: 'B', to: 95 }, { grade: 'A', from: 95 }],
  rounding: { scale: 4, mode: 'half_up' },
});

const actual = (x, goal = 1) => plan.score({ id: 'n', measures: { x, goal } }).sections[0].indicators[0].actual;

test('0.1 as a JS number is exactly one tenth', () => {
  assert.equal(actual(0.1), '0.1');
  assert.equal(actual(0.1 + 0.2), '0.30000000000000004');
  const c = plan.score({ id: 'n', measures: { x: 0.1, goal: 0.3 } });
  assert.equal(c.sections[0].indicators[0].completion, '33.333333333333333333333333333');
});

test('strings are exact, beyond what a double carries', () => {
  assert.equal(actual('1234567890123456789.123456789'), '1234567890123456789.123456789');
  assert.equal(actual(' 850000.00 '), '850000');
  assert.equal(actual('+5'), '5');
  assert.equal(actual('-0.5'), '-0.5');
});

test('large and tiny numbers by shortest representation', () => {
  assert.equal(actual(1e21), '1000000000000000000000');
  assert.equal(actual(1.5e-7), '0.00000015');
  assert.equal(actual(123456789.125), '123456789.125');
  assert.equal(actual(-0), '0');
});

test('results are decimal strings, totals keep the plan scale', () => {
  const c = plan.score({ id: 'n', measures: { x: '2', goal: '3' } });
  assert.equal(typeof c.total, 'string');
  assert.equal(c.total, '66.6667');
  assert.equal(c.unrounded_total, '66.666666666666666666666666667');
});

test('records from CSV and JSON carry decimals as strings', () => {
  const fromCsv = plan.recordsFromCsv('id,x,goal\nA,"1,234.50",0.1\nB,,2\n');
  assert.deepEqual(fromCsv, [
    { id: 'A', measures: { goal: '0.1', x: '1234.5' } },
    { id: 'B', measures: { goal: '2' } },
  ]);
  const fromJson = plan.recordsFromJson('[{"id": "A", "measures": {"x": 0.1, "goal": "3"}}]');
  assert.deepEqual(fromJson, [{ id: 'A', measures: { x: '0.1', goal: '3' } }]);
  // What the loaders return can be scored directly.
  assert.equal(plan.scoreMany(fromJson)[0].sections[0].indicators[0].actual, '0.1');
});

test('more than 28 digits is an error, never rounding', () => {
  assert.throws(() => actual('0.12345678901234567890123456789012'), (e) => e.code === 'INPUT_INVALID');
});
