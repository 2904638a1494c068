// Each person's history through the JS API, native and wasm alike: scored records become period
// results with the plan's hash, a timeline reads them, and a legacy export's bad cells throw a
// PerfscoreError naming row, column and person.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analytics, catchError, demoPlanJson, demoTeamCsv, features, Plan } from './load.mjs';

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
