// Explanations in English and Chinese, and the bundled templates and demo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plan, demoPlanJson, demoTeamCsv, loadVector } from './load.mjs';

const { vector } = loadVector('worked-example');
const plan = Plan.fromObject(vector.plan);

test('English explanation of Li Wei', () => {
  const text = plan.explain(vector.records[0]);
  assert.equal(text, plan.explain(vector.records[0], 'en'));
  assert.ok(text.startsWith('Li Wei (E001)\nResults (70%):\n'));
  assert.ok(
    text.includes(
      '  Sales completion: 850,000 ÷ 1,000,000 = 85.00% → ratio method → 85.00 points × 50% = 42.50\n',
    ),
  );
  assert.ok(text.includes('  Collection rate: 0.9 → step bands: in [0.9, 0.95) → 80.00 points × 30% = 24.00\n'));
  assert.ok(text.endsWith('Total 88.4833 → rounded to 2 places = 88.48 → grade B'));
});

test('Chinese explanation of Li Wei', () => {
  const text = plan.explain(vector.records[0], 'zh');
  assert.ok(text.includes('  Sales completion: 850,000 ÷ 1,000,000 = 85.00% → 比率法 → 85.00 分 × 50% = 42.50\n'));
  assert.ok(text.endsWith('总分 88.4833 → 保留 2 位小数 = 88.48 → 等级 B'));
});

test('the veto is explained', () => {
  const text = plan.explain(vector.records[2], 'zh');
  assert.ok(text.includes('一票否决'));
});

test('explain passes options (progress lights)', () => {
  const { vector: pv } = loadVector('worked-example-progress');
  const p = Plan.fromObject(pv.plan);
  const text = p.explain(pv.records[0], 'en', pv.options);
  assert.match(text, /yellow/);
});

test('templates and the demo team', () => {
  for (const id of ['monthly-sales-rep', 'young-company-process']) {
    const t = Plan.template(id);
    assert.equal(t.id, id);
    assert.ok(t.measureIds().length > 0);
  }
  const demo = Plan.fromJson(demoPlanJson());
  assert.equal(demo.id, 'monthly-sales-rep');
  const team = demo.recordsFromCsv(demoTeamCsv());
  assert.equal(team.length, 12);
  const cards = demo.scoreMany(team);
  assert.equal(cards.length, 12);
  for (const c of cards) {
    assert.match(c.total, /^-?\d+\.\d{2}$/);
    assert.equal(typeof c.grade, 'string');
  }
});
