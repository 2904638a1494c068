// A small, type-checked use of the API (`npx tsc --noEmit -p bindings-node/tsconfig.json`), so
// index.d.ts cannot drift from what users write.
import {
  Plan,
  PayPlan,
  splitPool,
  splitPoolCanonical,
  demoPlanJson,
  demoTeamCsv,
  errorToCanonicalJson,
  type PayLine,
  type PayPlanSpec,
  type PayStatement,
  type PerfscoreError,
  type PlanSpec,
  type PoolShare,
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

// Pay (issue 7): performance pay by grade and a marginal commission, compiled against `plan`.
const paySpec: PayPlanSpec = {
  id: 'mini-pay',
  currency: { code: 'CNY' },
  rounding: 'half_up',
  performance_pay: {
    base: 3000,
    coefficient: { by_grade: { A: 1.2, B: '1.0' } },
    floor: 0,
    cap: 1.5,
    proration: { days: { employed: 'revenue / revenue * 30', in_period: 30 } },
  },
  commissions: [
    {
      id: 'sales',
      name: 'Sales commission 销售提成',
      base: 'revenue',
      mode: 'marginal',
      tiers: [{ from: 0, to: 100000, rate: 10 }, { from: 100000, rate: '7.5' }],
      gate: { attainment: 'revenue / revenue_target * 100', min: 80, factor: 0.5 },
      multiplier: { driver: 'revenue_target', bands: [{ to: 1, factor: 0 }, { from: 1, factor: 1 }] },
      cap: 50000,
    },
  ],
};
const pay: PayPlan = PayPlan.fromObject(paySpec, plan);
const payId: string = pay.id;
const places: number = pay.minorUnits;
const statements: PayStatement[] = pay.statements([li], options);
for (const s of statements) {
  for (const line of s.lines as PayLine[]) {
    if (line.detail.kind === 'performance_pay') {
      const coefficient: string = line.detail.coefficient;
      const proration: string | undefined = line.detail.proration;
      console.log(coefficient, proration, line.detail.source === 'grade');
    } else {
      const rates: (string | null)[] = line.detail.slices.map((x) => x.rate);
      console.log(rates, line.detail.gate?.applied, line.detail.to_date?.due, line.detail.capped);
    }
    console.log(line.id, line.amount);
  }
  console.log(s.record_id, s.total, s.currency);
}
const canonical: string[] = pay.statementsCanonical([li]);
const dealDue: string = pay.priceDeal('sales', 0, '150000');
const shares: PoolShare[] = pay.splitPool(100000, [{ id: 'E001', weight: 3000 }, { id: 'E002', weight: '2400' }]);
const yen: PoolShare[] = splitPool('10000', 0, [{ id: 'a', weight: 1 }]);
const poolJson: string = splitPoolCanonical(100, 2, [{ id: 'a', weight: 1 }, { id: 'b', weight: 2 }]);
console.log(payId, places, canonical.length, dealDue, shares[0]?.got_remainder_unit, yen[0]?.amount, poolJson);
console.log(pay.explain(li, 'zh'), PayPlan.fromJson(JSON.stringify(paySpec), plan).id);

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
