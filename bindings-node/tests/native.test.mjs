// Native-only checks (not part of the shared suite): the panic safety net and the loader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';

import * as perfscore from '../index.mjs';

const require = createRequire(import.meta.url);

test('a panic in an export is a JS exception, not an abort', () => {
  const native = require(`../${readdirSync(new URL('..', import.meta.url)).find((f) => f.endsWith('.node'))}`);
  assert.throws(() => native.__panicForTests(), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /panic/i);
    return true;
  });
  // The addon still works afterwards.
  assert.equal(perfscore.Plan.template('monthly-sales-rep').id, 'monthly-sales-rep');
});

test('the wrapper exports exactly the public API', () => {
  assert.deepEqual(Object.keys(perfscore).sort(), [
    'Feedback',
    'PayPlan',
    'PerfscoreError',
    'Plan',
    'analytics',
    'default',
    'demoFacts',
    'demoHistoryCsv',
    'demoPlanJson',
    'demoTeamCsv',
    'errorToCanonicalJson',
    'run',
    'splitPool',
    'splitPoolCanonical',
    'version',
  ]);
  assert.match(perfscore.version(), /^\d+\.\d+\.\d+/);
});

test('the Plan class has every member index.d.ts declares', () => {
  const { Plan } = perfscore;
  for (const name of ['fromJson', 'fromObject', 'template']) assert.equal(typeof Plan[name], 'function', name);
  for (const name of [
    'measureIds',
    'recordsFromCsv',
    'recordsFromJson',
    'score',
    'scoreMany',
    'summarize',
    'scoreManyAsync',
    'scoreCanonical',
    'explain',
    'recordsFromFacts',
    'scoreFacts',
    'pivotFacts',
    'reconcileFacts',
    'checkFacts',
    'periodResults',
    'accumulator',
  ]) {
    assert.equal(typeof Plan.prototype[name], 'function', name);
  }
  assert.equal(typeof Object.getOwnPropertyDescriptor(Plan.prototype, 'id').get, 'function');
});

test('the PayPlan class has every member index.d.ts declares', () => {
  const { PayPlan } = perfscore;
  for (const name of ['fromJson', 'fromObject']) assert.equal(typeof PayPlan[name], 'function', name);
  for (const name of ['statements', 'statementsCanonical', 'explain', 'priceDeal', 'splitPool']) {
    assert.equal(typeof PayPlan.prototype[name], 'function', name);
  }
  for (const name of ['id', 'minorUnits']) {
    assert.equal(typeof Object.getOwnPropertyDescriptor(PayPlan.prototype, name).get, 'function', name);
  }
});

test('the Feedback class has every member index.d.ts declares', () => {
  const { Feedback } = perfscore;
  for (const name of ['fromJson', 'fromObject']) assert.equal(typeof Feedback[name], 'function', name);
  for (const name of ['aggregate', 'aggregateCanonical', 'explain']) {
    assert.equal(typeof Feedback.prototype[name], 'function', name);
  }
  assert.equal(typeof Object.getOwnPropertyDescriptor(Feedback.prototype, 'id').get, 'function');
});

test('a pay plan outlives the JS Plan it was built from (it shares the core plan)', () => {
  const { Plan, PayPlan } = perfscore;
  const plan = Plan.template('monthly-sales-rep');
  const pay = PayPlan.fromObject(
    { id: 'p', currency: { code: 'JPY' }, commissions: [{ id: 'c', base: 'revenue', mode: 'flat', tiers: [{ from: 0, rate: 1 }] }] },
    plan,
  );
  const team = plan.recordsFromCsv(perfscore.demoTeamCsv());
  const first = pay.statementsCanonical(team);
  assert.equal(first.length, 12);
  // Pay plans built from the same Plan object are independent of each other.
  const again = PayPlan.fromJson(JSON.stringify({ id: 'q', currency: { code: 'USD' }, performance_pay: { base: 1, coefficient: { by_score: [{ at: 0, coefficient: 1 }] } } }), plan);
  assert.equal(again.statements(team).length, 12);
  assert.deepEqual(pay.statementsCanonical(team), first);
  assert.equal(JSON.parse(first[0]).lines[0].amount.includes('.'), false, 'JPY has no minor unit');
});
