// Each person's history through the JS API, native and wasm alike: scored records become period
// results with the plan's hash, a timeline reads them, and a legacy export's bad cells throw a
// PerfscoreError naming row, column and person.
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analytics, catchError, demoHistoryCsv, demoPlanJson, demoTeamCsv, features, PayPlan, Plan } from './load.mjs';

test('scored records become period results a timeline reads', { skip: !features.analytics }, () => {
  const plan = Plan.fromJson(demoPlanJson());
  const records = plan.recordsFromCsv(demoTeamCsv());
  const june = plan.periodResults(records, '2026-06');
  const july = plan.periodResults(records, '2026-07');
  const cards = plan.scoreMany(records);
  assert.equal(june.results.length, records.length);
  assert.equal(june.results[0].total, cards[0].total.toString());
  assert.match(june.results[0].plan_hash, /^[0-9a-f]{64}$/);
  assert.equal(june.results[0].imported, false);
  // The same records two months running: change 0, rolling mean over 2 periods = the total.
  const out = analytics.personTimeline({ results: [...june.results, ...july.results], people: [records[0].id], window: 2 });
  const [t] = out.timelines;
  assert.deepEqual(t.periods.map((p) => p.period), ['2026-06', '2026-07']);
  assert.equal(t.periods[1].change, '0');
  assert.equal(t.periods[1].rolling_mean, june.results[0].total);
});

test('a legacy export with a bad cell throws with row, column and person', { skip: !features.analytics }, () => {
  const e = catchError(() => analytics.readHistory({ results: '工号,考核期间,总分\nE1,2026-06,八十\n' }));
  assert.equal(e.name, 'PerfscoreError');
  assert.deepEqual(e.problems[0].loc, ['results', 'line', 2, '总分']);
  assert.equal(e.problems[0].id, 'E1');
});

test('a 9-box places on exact cuts and tracks movement', { skip: !features.analytics }, () => {
  // Hand-worked: x = total cut at [70, 85], y = 360 cut at [3, 4], a value on a cut goes up.
  // June: E1 90 / 4.2 → box 9; E2 85 / 3 → box 6; E3 69.99 / 4 → box 7. May: E1 80 / 4.2 → box 8.
  const row = (person, period, total, feedback) => ({ person, period, total, feedback });
  const results = [
    row('E1', '2026-05', 80, '4.2'),
    row('E1', '2026-06', 90, '4.2'),
    row('E2', '2026-06', '85', 3),
    row('E3', '2026-06', '69.99', '4'),
  ];
  const out = analytics.nineBox({ results, period: '2026-06', before: '2026-05', x: { score: 'total', cuts: [70, 85] }, y: { score: 'feedback', cuts: ['3', '4'] } });
  assert.deepEqual(out.people.map((p) => [p.person, p.box, p.movement]), [['E1', 9, 'up'], ['E2', 6, 'new'], ['E3', 7, 'new']]);
  assert.equal(out.boxes[8].label, 'Star');
  const e = catchError(() => analytics.nineBox({ results, period: '2026-06', x: { score: 'total', cuts: [85, 70] } }));
  assert.deepEqual(e.problems.map((p) => p.loc), [['x', 'cuts'], ['y']]);
});

test('a history series gives months with gaps as null, summed by team', { skip: !features.analytics }, () => {
  // Hand-worked: North's revenue actuals, January 100 + 50 = 150, no February, March 80.
  const r = (person, period, actual) => ({ person, period, total: '1', team: 'North', indicators: [{ id: 'revenue', actual }] });
  const out = analytics.historySeries({
    results: [r('E1', '2026-01', 100), r('E2', '2026-01', '50'), r('E1', '2026-03', 80)],
    measure: { indicator: 'revenue' },
    by: 'team',
  });
  assert.equal(out.aggregate, 'sum');
  assert.deepEqual(out.series[0].history, { start: '2026-01', values: ['150', null, '80'] });
  assert.deepEqual(out.series[0].people, [2, 0, 1]);
});

test('the demo history is a legacy export the history reader takes whole', { skip: !features.analytics }, () => {
  // core/data/demo-history.csv: 12 people over January–May 2026, E010 from March, no April for
  // E012: 11 + 11 + 12 + 11 + 12 = 57 imported results, legacy period spelling read as months.
  const { results, ignored_columns } = analytics.readHistory({ results: demoHistoryCsv() });
  assert.equal(results.length, 57);
  assert.deepEqual(ignored_columns, []);
  assert.ok(results.every((r) => r.imported && /^2026-0[1-5]$/.test(r.period)));
});

test('period results keep the pay statement total and the 360 score', { skip: !features.analytics }, () => {
  // tests/vectors/pay/pay-worked-example.json: Zhang Min C → 2,400.00 + 14,000.00 = 16,400.00.
  const v = JSON.parse(readFileSync(new URL('../vectors/pay/pay-worked-example.json', import.meta.url), 'utf8'));
  const plan = Plan.fromObject(v.plan);
  const payPlan = PayPlan.fromObject(v.pay_plan, plan);
  const out = plan.periodResults(v.records, '2026-06', undefined, { payPlan, feedback: { E002: '3.85' } });
  assert.deepEqual(out.results.map((r) => [r.person, r.pay, r.feedback]), [['E001', '15250', undefined], ['E002', '16400', '3.85'], ['E003', '14000', undefined]]);
});

test("a plan's own promotion rules decide over the demo history", { skip: !features.analytics }, () => {
  // "3 of the last 4 periods S or A": E001 (A, S, S, then June S) eligible; E012 (B, no April, B, B) not.
  const doc = JSON.parse(demoPlanJson());
  doc.promotion = { grade_count: { grades: ['S', 'A'], at_least: 3, in_last: 4 } };
  const plan = Plan.fromObject(doc);
  const records = plan.recordsFromCsv(demoTeamCsv());
  const results = [...analytics.readHistory({ results: demoHistoryCsv() }).results, ...plan.periodResults(records, '2026-06').results];
  const out = plan.promotionEligibility({ results, as_of: '2026-06', people: ['E001', 'E012'] });
  assert.deepEqual(out.people.map((p) => p.status), ['eligible', 'not_eligible']);
});

test('an exported history reads back the same', { skip: !features.analytics }, () => {
  const { results } = analytics.readHistory({ results: demoHistoryCsv() });
  for (const format of ['jsonl', 'csv']) {
    const { text } = analytics.exportHistory({ results, format });
    assert.deepEqual(analytics.readHistory({ results: text }).results, results, format);
  }
});
