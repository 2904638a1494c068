// Pay: pay plans, statements, deal pricing and bonus pools, through the JS API. The
// vectors in tests/vectors/pay run byte for byte in conformance.test.mjs; this file checks the
// issue's reference numbers, the API's shape, errors and explanations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plan, PayPlan, splitPool, splitPoolCanonical, loadVector, catchError, located } from './load.mjs';

const { vector } = loadVector('pay/pay-worked-example');
const plan = Plan.fromObject(vector.plan);
const pay = PayPlan.fromObject(vector.pay_plan, plan);
const [li, zhang, wang] = vector.records;

function assertPerfscoreError(e, code) {
  assert.ok(e instanceof Error, 'an Error instance');
  assert.equal(e.name, 'PerfscoreError');
  assert.equal(e.code, code);
  assert.ok(Array.isArray(e.problems) && e.problems.length > 0);
  assert.equal(e.canonical, JSON.stringify({ code: e.code, problems: e.problems }));
  return e;
}

const sum = (amounts, places) => {
  // Exact: sum in minor units as BigInt.
  const units = amounts.reduce((acc, a) => {
    const [whole, frac = ''] = a.split('.');
    return acc + BigInt(whole + frac.padEnd(places, '0'));
  }, 0n);
  return units;
};
const toUnits = (a, places) => sum([a], places);

test('a pay plan knows its id and minor units', () => {
  assert.ok(pay instanceof PayPlan);
  assert.equal(pay.id, 'worked-pay');
  assert.equal(pay.minorUnits, 2);
  assert.equal(PayPlan.fromJson(JSON.stringify(vector.pay_plan), plan).id, 'worked-pay');
  const yen = PayPlan.fromObject({ ...vector.pay_plan, id: 'yen', currency: { code: 'JPY' } }, plan);
  assert.equal(yen.minorUnits, 0);
  const odd = PayPlan.fromObject({ ...vector.pay_plan, currency: { code: 'XBT', minor_units: 8 } }, plan);
  assert.equal(odd.minorUnits, 8);
  // JSON.stringify writes the document it was compiled from, in both packages.
  assert.deepEqual(JSON.parse(JSON.stringify(yen)), { ...vector.pay_plan, id: 'yen', currency: { code: 'JPY' } });
});

test('pay reference: marginal commission priced from zero', () => {
  // 10% to 100k, 7.5% to 200k, 5% to 400k, 3% to 600k, 1.5% to 1M, 1% above.
  assert.equal(pay.priceDeal('margin', 0, 150000), '13750.00');
  assert.equal(pay.priceDeal('margin', '0', '350000'), '25000.00');
  assert.equal(pay.priceDeal('margin', 0, 1_200_000), '41500.00');
});

test('a deal is priced from where the person already stands; returns reverse at the paid rates', () => {
  // 150,000 on top of 100,000: 100,000 × 7.5% + 50,000 × 5% = 10,000.
  assert.equal(pay.priceDeal('margin', 100000, 150000), '10000.00');
  // The same deal returned later reverses exactly what it paid.
  assert.equal(pay.priceDeal('margin', 250000, -150000), '-10000.00');
  // Pricing in pieces adds up to pricing at once.
  const parts = [pay.priceDeal('margin', 0, 100000), pay.priceDeal('margin', 100000, 250000), pay.priceDeal('margin', 350000, 850000)];
  assert.equal(sum(parts, 2), toUnits(pay.priceDeal('margin', 0, 1_200_000), 2));
});

test('pay reference: performance pay 3,000 by grade', () => {
  const statements = pay.statements(vector.records);
  const perf = statements.map((s) => s.lines.find((l) => l.id === 'performance_pay'));
  assert.deepEqual(
    perf.map((l) => [l.detail.kind === 'performance_pay' && l.detail.grade, l.amount]),
    [['B', '3000.00'], ['C', '2400.00'], ['D', '0.00']],
  );
  assert.deepEqual(statements.map((s) => s.name), ['Li Wei', 'Zhang Min', 'Wang Fang']);
  // The statement total is the sum of the rounded lines.
  for (const s of statements) {
    assert.equal(s.currency, 'CNY');
    assert.equal(s.pay_plan_id, 'worked-pay');
    assert.equal(sum([s.total], 2), sum(s.lines.map((l) => l.amount), 2));
  }
  // Li Wei's margin commission: 100,000 × 10% + 30,000 × 7.5% = 12,250.
  const margin = statements[0].lines.find((l) => l.id === 'margin');
  assert.equal(margin.amount, '12250.00');
  assert.equal(margin.detail.kind, 'commission');
  if (margin.detail.kind === 'commission') {
    assert.equal(margin.detail.mode, 'marginal');
    assert.deepEqual(margin.detail.slices.map((x) => [x.base, x.rate, x.commission]), [
      ['100000', '10', '10000'],
      ['30000', '7.5', '2250'],
    ]);
  }
});

test('statements and statementsCanonical agree; decimals are strings', () => {
  const lines = pay.statementsCanonical([li, zhang]);
  assert.equal(lines.length, 2);
  assert.deepEqual(pay.statements([li, zhang]), lines.map((l) => JSON.parse(l)));
  const [s] = pay.statements([li]);
  assert.equal(typeof s.total, 'string');
  for (const l of s.lines) {
    assert.equal(typeof l.base, 'string');
    assert.equal(typeof l.unrounded, 'string');
    assert.equal(typeof l.amount, 'string');
  }
  assert.deepEqual(pay.statements([]), []);
});

test('a pay plan keeps its scoring plan', () => {
  // A different scoring plan (other grades) cannot take the worked example's pay plan.
  const other = Plan.fromObject({ ...vector.plan, id: 'other', grades: [{ grade: 'P' }] });
  const e = assertPerfscoreError(catchError(() => PayPlan.fromObject(vector.pay_plan, other)), 'PLAN_INVALID');
  assert.ok(e.problems.some((p) => p.path.startsWith('performance_pay.coefficient.by_grade')));
  // Statements score with the plan the pay plan was built with.
  assert.equal(pay.statements([li])[0].lines[0].detail.kind, 'performance_pay');
});

test('explain in English and Chinese', () => {
  const en = pay.explain(li);
  assert.equal(en, pay.explain(li, 'en'));
  assert.ok(en.startsWith('Li Wei (E001)\n'), en);
  assert.ok(en.includes('Performance pay: grade B → coefficient 1; 3,000 × 1 = 3,000 → 3000.00'), en);
  assert.ok(
    en.includes(
      'Margin commission: base 130,000; marginal tiers: 100,000 × 10% = 10,000 + 30,000 × 7.5% = 2,250 = 12,250; multiplier for 0.9 → × 1 = 12,250 → 12250.00',
    ),
    en,
  );
  assert.ok(en.endsWith('Total 15250.00 CNY'), en);
  const zh = pay.explain(zhang, 'zh');
  assert.ok(zh.includes('等级 C → 系数 0.8；3,000 × 0.8 = 2,400 → 2400.00'), zh);
  assert.ok(zh.includes('超额累进'), zh);
  assert.ok(zh.includes('系数表 0.7143 → × 0.8'), zh);
  assert.ok(zh.endsWith('合计 16400.00 CNY'), zh);
  assert.ok(pay.explain(wang, 'zh').includes('等级 D → 系数 0'));
  assertPerfscoreError(catchError(() => pay.explain(li, 'fr')), 'INPUT_INVALID');
});

test('a pool split to the cent: parts sum to the pool, zero weight gets zero', () => {
  const weights = [
    { id: 'a', weight: 1 },
    { id: 'b', weight: '1' },
    { id: 'c', weight: 1 },
    { id: 'z', weight: 0 },
  ];
  const shares = splitPool('100', 2, weights);
  assert.deepEqual(shares.map((s) => [s.id, s.amount]), [['a', '33.34'], ['b', '33.33'], ['c', '33.33'], ['z', '0.00']]);
  assert.deepEqual(shares.map((s) => s.got_remainder_unit), [true, false, false, false]);
  assert.equal(JSON.stringify(shares), splitPoolCanonical('100', 2, weights));
  for (const [pool, places, ws] of [
    ['100000.00', 2, [3000, 2400, 0, 3600, 2400]],
    ['1', 2, [1, 1, 1, 1, 1, 1, 1]],
    ['999999.99', 2, ['0.1', '0.2', '0.3', '12345.6789', 1e-3]],
    ['1000', 0, [7, 11, 13]],
    ['10.005', 3, [1, 2, 3, 4]],
  ]) {
    const s = splitPool(pool, places, ws.map((w, i) => ({ id: `p${i}`, weight: w })));
    assert.equal(sum(s.map((x) => x.amount), places), toUnits(pool, places), `${pool} by ${ws}`);
  }
  // The pay plan splits in its own currency.
  const byPlan = pay.splitPool(100000, [{ id: 'E001', weight: 3000 }, { id: 'E002', weight: 2400 }]);
  assert.deepEqual(byPlan.map((s) => s.amount), ['55555.56', '44444.44']);
  const yen = PayPlan.fromObject({ ...vector.pay_plan, currency: { code: 'JPY' } }, plan);
  assert.deepEqual(yen.splitPool(100, [{ id: 'a', weight: 1 }, { id: 'b', weight: 2 }]).map((s) => s.amount), ['33', '67']);
});

test('an all-zero or empty pool is INPUT_INVALID', () => {
  let e = assertPerfscoreError(catchError(() => splitPool(100, 2, [{ id: 'a', weight: 0 }, { id: 'b', weight: '0' }])), 'INPUT_INVALID');
  assert.deepEqual(located(e), [{ path: 'weights', message: 'every weight is zero: nothing to split by' }]);
  assertPerfscoreError(catchError(() => pay.splitPool(100, [{ id: 'a', weight: 0 }])), 'INPUT_INVALID');
  e = assertPerfscoreError(catchError(() => splitPool(100, 2, [])), 'INPUT_INVALID');
  assert.equal(e.problems[0].path, 'weights');
  e = assertPerfscoreError(catchError(() => splitPool(0, 2, [{ id: 'a', weight: 1 }])), 'INPUT_INVALID');
  assert.equal(e.problems[0].path, 'pool');
  e = assertPerfscoreError(catchError(() => splitPool('0.001', 2, [{ id: 'a', weight: 1 }])), 'INPUT_INVALID');
  assert.equal(e.problems[0].path, 'pool');
  e = assertPerfscoreError(catchError(() => splitPool(100, 2, [{ id: 'a', weight: -1 }, { id: 'b', weight: 2 }])), 'INPUT_INVALID');
  assert.equal(e.problems[0].path, 'weights[0] (a)');
  e = assertPerfscoreError(catchError(() => splitPool(100, 9, [{ id: 'a', weight: 1 }])), 'INPUT_INVALID');
  assert.equal(e.problems[0].path, 'minor_units');
});

test('bad pool arguments: every problem, with its path', () => {
  const e = assertPerfscoreError(
    catchError(() => splitPool(NaN, 2, [{ id: 1, weight: Infinity }, { id: 'b', weight: 1, x: 1 }, [], { id: 'q' }, 'w', { weight: 'abc' }])),
    'INPUT_INVALID',
  );
  assert.deepEqual(located(e), [
    { path: 'pool', message: 'NaN is not a finite number' },
    { path: 'weights[0].id', message: 'expected text, found a number' },
    { path: 'weights[0].weight', message: 'Infinity is not a finite number' },
    { path: 'weights[1].x', message: 'unknown field `x` (fields: id, weight)' },
    { path: 'weights[2]', message: 'expected an {"id", "weight"} object or an [id, weight] pair, found a list' },
    { path: 'weights[3] (q).weight', message: '`weight` is missing' },
    { path: 'weights[4]', message: 'expected an {"id", "weight"} object or an [id, weight] pair, found text' },
    { path: 'weights[5].id', message: '`id` is missing' },
    { path: 'weights[5].weight', message: '`abc` is not a number' },
  ]);
  assert.deepEqual(e.problems.map((p) => p.kind), ['not_finite', 'wrong_type', 'not_finite', 'unknown_field', 'wrong_type', 'missing', 'wrong_type', 'missing', 'not_a_number']);
  assert.match(e.message, /^invalid input \(9 problems\):\n {2}- pool: NaN is not a finite number/);
  assert.deepEqual(located(assertPerfscoreError(catchError(() => splitPool(true, 2, null)), 'INPUT_INVALID')), [
    { path: 'pool', message: 'expected a number, found a bool (true)' },
    { path: 'weights', message: 'missing field `weights`' },
  ]);
  // Numeric text is a number by the one number rule, so `'2'` places is 2 places.
  assert.equal(splitPool(100, '2', [{ id: 'a', weight: 1 }])[0].amount, '100.00');
  for (const m of [-1, 1.5, NaN, null]) {
    const err = assertPerfscoreError(catchError(() => splitPool(100, m, [{ id: 'a', weight: 1 }])), 'INPUT_INVALID');
    assert.equal(err.problems[0].path, 'minor_units');
  }
});

test('priceDeal errors', () => {
  let e = assertPerfscoreError(catchError(() => pay.priceDeal('nope', 0, 1)), 'INPUT_INVALID');
  assert.deepEqual(located(e), [{ path: 'commission', message: 'no commission `nope`' }]);
  e = assertPerfscoreError(catchError(() => pay.priceDeal('margin', 'abc', -Infinity)), 'INPUT_INVALID');
  assert.deepEqual(located(e), [
    { path: 'prior_base', message: '`abc` is not a number' },
    { path: 'deal', message: '-Infinity is not a finite number' },
  ]);
  e = assertPerfscoreError(catchError(() => pay.priceDeal(42, 0, 1)), 'INPUT_INVALID');
  assert.equal(e.problems[0].path, 'commission');
  e = assertPerfscoreError(catchError(() => pay.priceDeal('margin', undefined, {})), 'INPUT_INVALID');
  assert.deepEqual(located(e), [
    { path: 'prior_base', message: 'a number is required, found null' },
    { path: 'deal', message: 'expected a number, found an object' },
  ]);
});

test('an invalid pay plan is PLAN_INVALID with every problem', () => {
  const bad = structuredClone(vector.pay_plan);
  bad.currency = { code: 'XXX' };
  bad.performance_pay.coefficient = { by_grade: { A: 1, B: 1, C: 1, D: 0, Q: 2 } };
  bad.commissions[0].tiers[1].from = 120000; // a gap after 100,000
  bad.commissions.push({ ...bad.commissions[0], tiers: [{ from: 0, to: 10, rate: 1 }] });
  const e = assertPerfscoreError(catchError(() => PayPlan.fromObject(bad, plan)), 'PLAN_INVALID');
  const paths = e.problems.map((p) => p.path);
  assert.ok(paths.includes('currency.minor_units'), paths.join(', '));
  assert.ok(paths.includes('performance_pay.coefficient.by_grade'), paths.join(', '));
  assert.ok(paths.includes('performance_pay.coefficient.by_grade.Q'), paths.join(', '));
  assert.ok(paths.includes('commissions[0].tiers[1].from'), paths.join(', ')); // a gap
  assert.ok(paths.includes('commissions[1].id'), paths.join(', ')); // duplicate id
  assert.ok(paths.includes('commissions[1].tiers[0].to'), paths.join(', ')); // last tier not open
  assert.equal(e.problems.length, 6);
  assert.match(e.problems.find((p) => p.path === 'commissions[0].tiers[1].from').message, /gap/);
  assert.match(e.message, /^invalid plan \(6 problems\):/);

  assertPerfscoreError(catchError(() => PayPlan.fromJson('{"id": ', plan)), 'PLAN_INVALID');
  assertPerfscoreError(catchError(() => PayPlan.fromJson('{}', plan)), 'PLAN_INVALID');
  assertPerfscoreError(catchError(() => PayPlan.fromObject({ ...vector.pay_plan, bogus: 1 }, plan)), 'PLAN_INVALID');
  assert.throws(() => PayPlan.fromJson(JSON.stringify(vector.pay_plan), {}), TypeError);
  assert.throws(() => PayPlan.fromJson(42, plan), TypeError);
});

test('bad records for statements are INPUT_INVALID, all of them, nothing paid', () => {
  const a = structuredClone(li);
  a.measures.gross_profit = NaN;
  const b = structuredClone(zhang);
  b.measures.invoiced = 'many';
  const e = assertPerfscoreError(catchError(() => pay.statements([a, b])), 'INPUT_INVALID');
  assert.deepEqual(e.problems.map((p) => p.path), ['records[0] (E001).measures.gross_profit', 'records[1] (E002).measures.invoiced']);
  assert.equal(e.problems[0].message, 'NaN is not a finite number');
  // A measure the pay plan needs but the scorecard does not: the core names the record.
  const c = structuredClone(li);
  delete c.measures.gross_profit;
  const missing = assertPerfscoreError(catchError(() => pay.statements([c])), 'INPUT_INVALID');
  assert.match(missing.problems[0].path, /^records\[0\] \(E001\)/);
  assertPerfscoreError(catchError(() => pay.statements(null)), 'INPUT_INVALID');
  assertPerfscoreError(catchError(() => pay.explain({ id: 'x', measures: { nope: 1 } })), 'INPUT_INVALID');
});

test('options reach the scoring step', () => {
  const period = { period: { basis: 'calendar_days', elapsed: 30, total: 30 } };
  assert.deepEqual(pay.statementsCanonical(vector.records, period), pay.statementsCanonical(vector.records));
  assert.equal(pay.explain(li, 'en', period), pay.explain(li));
  assertPerfscoreError(
    catchError(() => pay.statements(vector.records, { period: { basis: 'calendar_days', elapsed: NaN, total: 30 } })),
    'INPUT_INVALID',
  );
});
