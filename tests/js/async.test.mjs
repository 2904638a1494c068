// Async batch: scoreManyAsync runs off the event loop and equals scoreMany.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plan, demoPlanJson, demoTeamCsv, loadVector } from './load.mjs';

test('scoreManyAsync of 1000 records equals scoreMany', async () => {
  const plan = Plan.fromJson(demoPlanJson());
  const team = plan.recordsFromCsv(demoTeamCsv());
  const records = Array.from({ length: 1000 }, (_, i) => ({ ...team[i % team.length], id: `P${i}` }));
  const promise = plan.scoreManyAsync(records);
  assert.ok(promise instanceof Promise);
  const cards = await promise;
  assert.equal(cards.length, 1000);
  assert.deepEqual(cards, plan.scoreMany(records));
  assert.deepEqual(
    cards.map((c) => JSON.stringify(c)),
    plan.scoreCanonical(records),
  );
});

test('scoreManyAsync passes options', async () => {
  const { vector } = loadVector('worked-example-progress');
  const plan = Plan.fromObject(vector.plan);
  const cards = await plan.scoreManyAsync(vector.records, vector.options);
  assert.deepEqual(cards, plan.scoreMany(vector.records, vector.options));
  assert.equal(cards[0].progress.status, 'yellow');
});

test('scoreManyAsync rejects with a perfscore error', async () => {
  const { vector, expected } = loadVector('missing-measure-error');
  const plan = Plan.fromObject(vector.plan);
  await assert.rejects(plan.scoreManyAsync(vector.records), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'INPUT_INVALID');
    assert.equal(e.canonical + '\n', expected);
    return true;
  });
  await assert.rejects(plan.scoreManyAsync([{ id: 'x', measures: { revenue: NaN } }]), (e) => e.code === 'INPUT_INVALID');
});

test('many concurrent batches', async () => {
  const { vector } = loadVector('worked-example');
  const plan = Plan.fromObject(vector.plan);
  const all = await Promise.all(Array.from({ length: 16 }, () => plan.scoreManyAsync(vector.records)));
  for (const cards of all) assert.deepEqual(cards.map((c) => c.total), ['88.48', '74.40', '0.00']);
});
