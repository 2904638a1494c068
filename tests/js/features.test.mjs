// What a module was built with: the full packages (native addon, wasm) have everything; the
// scoring-only wasm module (PERFSCORE_IMPL=wasm-scoring) scores, explains, batches and pays, and
// says clearly that 360 feedback and analytics are not in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perfscore, Plan, Feedback, analytics, features, implName, demoPlanJson, demoTeamCsv } from './load.mjs';

const scoringOnly = implName === 'wasm-scoring';

test('features names what the module holds', () => {
  assert.deepEqual(features, { analytics: !scoringOnly, facts: !scoringOnly, feedback: !scoringOnly });
});

test('every module scores, explains and totals the demo team', () => {
  const plan = Plan.fromJson(demoPlanJson());
  const team = plan.recordsFromCsv(demoTeamCsv());
  const cards = plan.scoreMany(team);
  assert.equal(cards.length, 12);
  // The demo team's first person, as the demo-team conformance vector states: 119.16, grade S.
  assert.equal(cards[0].total, '119.16');
  assert.equal(cards[0].grade, 'S');
  assert.match(plan.explain(team[0], 'en'), /119\.16/);
});

test('feedback: built, or a NOT_BUILT error naming what is missing', () => {
  const config = { id: 'f', scale: { min: 1, max: 5 }, raters: [{ role: 'peer', weight: 100 }], questions: [{ id: 'q', text: 'Q' }] };
  if (features.feedback) {
    assert.equal(typeof Feedback.fromObject, 'function');
    return;
  }
  assert.throws(() => Feedback.fromObject(config), (e) => e.code === 'NOT_BUILT' && /360-degree feedback/.test(e.message));
});

test('facts: built, or plans with sources refused and the accumulator NOT_BUILT', () => {
  const plan = Plan.fromJson(demoPlanJson());
  if (features.facts) {
    // Built: a plan without sources has nothing to accumulate, and says so.
    assert.throws(() => plan.accumulator(), (e) => e.problems.some((p) => p.kind === 'not_allowed' && /no fact sources/.test(p.message)));
    return;
  }
  assert.throws(() => plan.accumulator(), (e) => e.code === 'NOT_BUILT' && /business facts/.test(e.message));
  const spec = JSON.parse(demoPlanJson());
  spec.sources = [{ id: 'orders', columns: [{ id: 'id', type: 'text' }], id_column: 'id', date_column: 'id', owner_column: 'id' }];
  assert.throws(() => Plan.fromObject(spec), (e) => e.problems.some((p) => p.kind === 'not_allowed' && p.path === 'sources'));
});

test('analytics: built, or the core reports each operation as unknown', () => {
  const ops = perfscore.run('operations');
  assert.equal(ops.includes('holt_winters'), features.analytics);
  if (features.analytics) return;
  assert.throws(
    () => analytics.holtWinters({ series: [] }),
    (e) => e.name === 'PerfscoreError' && e.problems.some((p) => p.kind === 'unknown_operation'),
  );
});
