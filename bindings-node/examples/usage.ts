// A small, type-checked use of the API (`npx tsc --noEmit -p bindings-node/tsconfig.json`), so
// index.d.ts cannot drift from what users write.
import {
  Plan,
  demoPlanJson,
  demoTeamCsv,
  errorToCanonicalJson,
  type PerfscoreError,
  type PlanSpec,
  type RecordInput,
  type Scorecard,
  type ScoreOptions,
} from '../index.js';

const spec: PlanSpec = {
  id: 'mini',
  name: 'Mini plan',
  measures: [{ id: 'revenue', aliases: ['销售额'] }, { id: 'revenue_target' }],
  indicators: [
    {
      id: 'sales',
      name: 'Sales completion',
      weight: 100,
      actual: 'revenue',
      target: 'revenue_target',
      scoring: { method: 'ratio', cap: 120 },
      track_progress: true,
    },
  ],
  vetoes: [{ id: 'cap', when: 'revenue < 0', effect: { cap_grade: 'B' } }],
  grades: [{ grade: 'B', to: 95 }, { grade: 'A', from: '95' }],
  rounding: { scale: 2, mode: 'half_up' },
};

const plan: Plan = Plan.fromObject(spec);
const id: string = plan.id;
const li: RecordInput = { id: 'E001', name: 'Li Wei', measures: { revenue: '850000', revenue_target: 1_000_000 } };
const options: ScoreOptions = { period: { basis: 'calendar_days', elapsed: 12, total: 30 } };

const card: Scorecard = plan.score(li, options);
const total: string = card.total;
const light: 'red' | 'yellow' | 'green' | null | undefined = card.progress?.status;
for (const section of card.sections) {
  for (const indicator of section.indicators) {
    if (indicator.detail.method === 'bands') {
      const from: string | null = indicator.detail.band.from;
      console.log(from);
    }
    console.log(indicator.id, indicator.score, indicator.progress?.pace);
  }
}
console.log(id, total, card.grade, light, plan.explain(li, 'zh'), plan.measureIds().join(','));

const demo = Plan.fromJson(demoPlanJson());
const team = demo.recordsFromCsv(demoTeamCsv());
const cards: Scorecard[] = demo.scoreMany(team);
const lines: string[] = demo.scoreCanonical(team);
console.log(cards.length, lines.length, Plan.template('young-company-process').id);

async function main(): Promise<void> {
  const later: Scorecard[] = await demo.scoreManyAsync(team, { period: { basis: 'profile', weights: [1, 2, '1'], elapsed: 1 } });
  console.log(later.map((c) => `${c.record_id} ${c.total} ${c.grade}`));
  try {
    Plan.fromJson('{}');
  } catch (e) {
    const err = e as PerfscoreError;
    if (err.code === 'PLAN_INVALID') {
      for (const p of err.problems) console.log(`${p.path}: ${p.message}`);
    }
    console.log(errorToCanonicalJson(e), err.canonical);
  }
}

void main();
