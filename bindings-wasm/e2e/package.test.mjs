// Checks specific to the wasm package (the shared API suite is tests/js): a trap does not leave
// the package broken, and the package's own layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ps from '../pkg/node/index.js';

const { Plan, demoPlanJson, demoTeamCsv } = ps;

test('a trap re-instantiates the module; existing plans keep working', () => {
  const plan = Plan.fromJson(demoPlanJson());
  const team = plan.recordsFromCsv(demoTeamCsv());
  const before = plan.scoreCanonical(team);
  const original = console.error;
  const logged = [];
  console.error = (...a) => logged.push(a.join(' '));
  let err;
  try {
    ps.__testTrap();
  } catch (e) {
    err = e;
  } finally {
    console.error = original;
  }
  assert.ok(err instanceof Error);
  assert.equal(err.code, 'WASM_TRAP');
  assert.match(err.message, /re-instantiated/);
  assert.ok(err.cause instanceof WebAssembly.RuntimeError);
  assert.ok(logged.some((l) => l.includes('perfscore-wasm panicked')), 'the panic hook wrote to the console');
  // The old plan is re-created in the new instance on its next use.
  assert.deepEqual(plan.scoreCanonical(team), before);
  assert.equal(Plan.fromJson(demoPlanJson()).scoreMany(team).length, 12);
  assert.throws(() => Plan.fromJson('{}'), (e) => e.code === 'PLAN_INVALID');
});

test('a trap does not break pay plans either: re-created from their JSON and their plan', () => {
  const plan = Plan.fromJson(demoPlanJson());
  const team = plan.recordsFromCsv(demoTeamCsv());
  const pay = ps.PayPlan.fromObject(
    { id: 'p', currency: { code: 'CNY' }, commissions: [{ id: 'm', base: 'revenue', mode: 'marginal', tiers: [{ from: 0, to: 100000, rate: 10 }, { from: 100000, rate: 7.5 }] }] },
    plan,
  );
  const before = pay.statementsCanonical(team);
  const original = console.error;
  console.error = () => {};
  try {
    assert.throws(() => ps.__testTrap(), (e) => e.code === 'WASM_TRAP');
  } finally {
    console.error = original;
  }
  assert.deepEqual(pay.statementsCanonical(team), before);
  assert.equal(pay.priceDeal('m', 0, 150000), '13750.00');
  assert.equal(pay.id, 'p');
  assert.equal(ps.splitPoolCanonical(1, 2, [{ id: 'a', weight: 1 }]), '[{"id":"a","weight":"1","exact":"1","amount":"1.00","got_remainder_unit":false}]');
});

test('a trap does not break feedback configurations: re-created from their JSON', () => {
  const vector = JSON.parse(readFileSync(new URL('../../tests/vectors/feedback/feedback-example.json', import.meta.url), 'utf8'));
  const fb = ps.Feedback.fromObject(vector.feedback);
  const before = fb.aggregateCanonical(vector.responses);
  const original = console.error;
  console.error = () => {};
  try {
    assert.throws(() => ps.__testTrap(), (e) => e.code === 'WASM_TRAP');
  } finally {
    console.error = original;
  }
  assert.equal(fb.aggregateCanonical(vector.responses), before);
  assert.equal(fb.id, '360-example');
  assert.match(fb.explain(vector.responses, 'A'), /Combined score 4\.08/);
});

test('error objects are Errors with code, problems and canonical', () => {
  const e = (() => {
    try {
      Plan.fromJson('{"id": 1}');
    } catch (x) {
      return x;
    }
  })();
  assert.ok(e instanceof ps.PerfscoreError && e instanceof Error);
  assert.equal(e.canonical, JSON.stringify({ code: e.code, problems: e.problems }));
});

test('JS numbers: exponent forms and -0 read by the shortest representation', () => {
  const plan = Plan.fromObject({
    id: 'n', name: 'n', measures: [{ id: 'x' }],
    indicators: [{ id: 'v', name: 'V', weight: 100, actual: 'x', scoring: { method: 'formula', expr: 'actual' } }],
    grades: [{ grade: 'A' }],
  });
  const actual = (x) => plan.score({ id: 'r', measures: { x } }).sections[0].indicators[0].actual;
  assert.equal(actual(1e21), '1000000000000000000000');
  assert.equal(actual(2.5e-7), '0.00000025');
  assert.equal(actual(12345678901234567890n), '12345678901234567890');
  assert.throws(() => plan.score({ id: 'r', measures: { x: 1 } }, { period: { basis: 'calendar_days', elapsed: NaN, total: 30 } }),
    (e) => e.code === 'INPUT_INVALID' && e.problems[0].path === 'options.period.elapsed');
});

test('package.json names the package and pins its dev tools', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.name, 'perfscore-wasm');
  assert.equal(pkg.devDependencies.binaryen, '132.0.0');
  assert.equal(pkg.devDependencies['playwright-core'], '1.65.1');
});
