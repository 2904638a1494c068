// Facts through the JS API, native and wasm alike: every case in tests/vectors/facts/ gives the
// Rust runner's bytes, the methods agree, and host values that would shift a date are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { catchError, Plan } from './load.mjs';

const dir = new URL('../vectors/facts/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

function vector(name) {
  const doc = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8'));
  const expected = readFileSync(new URL(`${name}.expected.jsonl`, dir), 'utf8').split('\n').filter((l) => l !== '');
  assert.equal(doc.cases.length, expected.length, `${name}: one expected line per case`);
  return { plan: Plan.fromJson(JSON.stringify(doc.plan)), cases: doc.cases.map((c, i) => ({ ...c, expected: expected[i] })) };
}

// JSON lines become one array, as the vectors state them.
const asLine = (op, text) => (op === 'score_facts' ? `[${text.split('\n').filter((l) => l).join(',')}]` : text);

for (const name of files) {
  test(`facts vector ${name}`, () => {
    const { plan, cases } = vector(name);
    for (const c of cases) {
      let got;
      try {
        got = asLine(c.operation, plan.run(c.operation, c.request));
      } catch (e) {
        got = e.canonical;
      }
      assert.equal(got, c.expected, `${name}/${c.name}`);
    }
  });
}

test('recordsFromFacts and scoreFacts give the operations\' results as objects', () => {
  const { plan, cases } = vector('orders-visits');
  const june = cases.find((c) => c.name === 'june-at-period-end');
  const out = plan.recordsFromFacts(june.request);
  assert.deepEqual(out, JSON.parse(june.expected));
  // Worked in docs/facts.md: E1 200.50 + 300.00; E2 1000 − 250 (the return nets in June).
  assert.deepEqual(out.records.map((r) => r.measures.revenue), ['500.5', '750']);
  const scored = cases.find((c) => c.name === 'scored-on-the-12th');
  const cards = plan.scoreFacts(scored.request);
  assert.deepEqual(cards, JSON.parse(scored.expected));
  // 12 of June's 30 days gone.
  assert.equal(cards[0].progress.fraction, '0.4');
});

test('a Date object is refused where it sits: its JSON is a UTC instant, maybe another day', () => {
  const { plan, cases } = vector('orders-visits');
  const request = structuredClone(cases[0].request);
  request.facts.orders[1].date = new Date(2026, 5, 2);
  const e = catchError(() => plan.recordsFromFacts(request));
  assert.equal(e.code, 'INPUT_INVALID');
  assert.deepEqual(e.problems.map((p) => [p.loc, p.kind]), [[['facts', 'orders', 1, 'date'], 'unsupported_value']]);
});

test('an accumulator answers as the batch over the facts it holds, and saves its state', () => {
  const { plan, cases } = vector('orders-visits');
  const { facts, records } = cases[0].request;
  const acc = plan.accumulator();
  // The nine orders one by one, the visits as CSV.
  for (const o of facts.orders) acc.add('orders', [o]);
  assert.deepEqual(acc.add('visits', facts.visits), { changed: 4, people: ['E1', 'E2'] });
  assert.equal(acc.size(), 13);
  const live = acc.records({ period: '2026-06', records });
  assert.deepEqual(live, plan.recordsFromFacts({ facts, period: '2026-06', records }));
  // The return O6 retracted: E2's June revenue is 1000 again (worked in docs/facts.md).
  assert.deepEqual(acc.retract('orders', ['O6']), { changed: 1, people: ['E2'] });
  const restored = plan.accumulator(acc.toJson());
  const after = restored.records({ period: '2026-06', people: ['E2'] });
  assert.equal(after.records[0].measures.revenue, '1000');
  // Mid-period scorecards with progress to the as-of date.
  const cards = restored.score({ period: '2026-06', as_of: '2026-06-12', records });
  assert.equal(cards[0].progress.fraction, '0.4');
  // The objects are what JSON.parse of the operation's canonical lines gives, key order included.
  const lines = restored.run('score', { period: '2026-06', as_of: '2026-06-12', records }).split('\n');
  assert.deepEqual(cards.map((c) => JSON.stringify(c)), lines.map((l) => JSON.stringify(JSON.parse(l))));
  // A bad row changes nothing.
  const e = catchError(() => restored.add('orders', [{ order_id: 'N1', date: 'June 3', owner: 'E1', customer: 'C1', status: 'signed', amount: '1' }]));
  assert.equal(e.code, 'INPUT_INVALID');
  assert.equal(restored.size(), 12);
});

test('the bundled demo facts score to the flat demo team at month end', async () => {
  const { perfscore } = await import('./load.mjs');
  const demo = perfscore.demoFacts();
  const plan = Plan.fromObject(demo.plan);
  const cards = plan.scoreFacts({ facts: demo.facts, period: '2026-06', records: demo.people });
  // The demo-team vector's first person: 119.16, grade S.
  assert.deepEqual([cards[0].record_id, cards[0].total, cards[0].grade], ['E001', '119.16', 'S']);
  assert.equal(cards.length, 12);
});

test('pivotFacts, reconcileFacts, checkFacts and an accumulator\'s pivot give the operations\' results', () => {
  const teams = vector('team-pivot');
  const byLine = teams.cases[1];
  const pivot = teams.plan.pivotFacts(byLine.request);
  assert.deepEqual(pivot, JSON.parse(byLine.expected));
  // Hand-worked in docs/facts.md: hardware 2,000 of 6,100 = 32.79 %, +233.33 % on May's 600.
  assert.deepEqual(
    [pivot.rows[0].values.revenue.value, pivot.rows[0].values.revenue.share, pivot.rows[0].values.revenue.change_pct],
    ['2000', '32.79', '233.33'],
  );
  const byTeam = teams.cases[2];
  const acc = teams.plan.accumulator();
  acc.add('orders', byTeam.request.facts.orders);
  const { facts, ...query } = byTeam.request;
  assert.deepEqual(acc.pivot(query), JSON.parse(byTeam.expected));
  const quality = vector('quality-reconcile');
  const rec = quality.cases[2];
  const out = quality.plan.reconcileFacts(rec.request);
  // E3 400 with no invoice, E2 800 − 700 = 100, E4 0 − 90; E1 within 1.
  assert.deepEqual(out.differences.map((d) => d.person), ['E3', 'E2', 'E4']);
  assert.equal(out.matched, 1);
  const report = quality.plan.checkFacts(quality.cases[0].request);
  assert.deepEqual(report.kinds, { duplicate: 1, invalid_value: 2, negative: 1 });
  // A misspelt field is the core's unknown_field, thrown as an error with data.
  const e = catchError(() => quality.plan.reconcileFacts({ ...rec.request, tolerence: '1' }));
  assert.equal(e.problems[0].kind, 'unknown_field');
});
