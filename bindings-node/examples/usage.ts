// A small, type-checked use of the API (`npx tsc --noEmit -p bindings-node/tsconfig.json`), so
// index.d.ts cannot drift from what users write.
import {
  Plan,
  analytics,
  type AnalyticsOperation,
  type AnalyticsResult,
  type HistoryDocument,
  type HistorySeries,
  type NineBox,
  type PeriodResult,
  type PersonTimeline,
  PayPlan,
  Feedback,
  splitPool,
  splitPoolCanonical,
  demoPlanJson,
  demoTeamCsv,
  demoFacts,
  type Accumulator,
  type FactsRecords,
  type FactsReport,
  type PivotResult,
  type ReconcileResult,
  errorToCanonicalJson,
  type FeedbackGroupResult,
  type FeedbackReport,
  type FeedbackResponse,
  type FeedbackRound,
  type FeedbackSpec,
  type Stat,
  type PayLine,
  type PayPlanSpec,
  type PayStatement,
  type PerfscoreError,
  type PlanSpec,
  type RatioMethod,
  type PoolShare,
  type RecordInput,
  type Scorecard,
  type ScoreOptions,
  type Summary,
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

// A plan over raw business facts: sources and measures aggregated from them (the types come
// from the core's own description of the plan format, schema/formats.d.ts).
const ratio: RatioMethod = { method: 'ratio', cap: '120' };
const factsSpec: PlanSpec = {
  id: 'mini-facts',
  name: 'Mini plan over CRM orders',
  sources: [
    {
      id: 'orders',
      id_column: 'order_id',
      date_column: 'date',
      owner_column: 'owner',
      columns: [
        { id: 'order_id', type: 'text' },
        { id: 'date', type: 'date' },
        { id: 'owner', type: 'text' },
        { id: 'amount', type: 'decimal', aliases: ['金额'] },
      ],
    },
  ],
  measures: [
    { id: 'revenue', from: { source: 'orders', aggregate: 'sum', column: 'amount' } },
    { id: 'revenue_target' },
  ],
  indicators: [{ id: 'sales', weight: 100, actual: 'revenue', target: 'revenue_target', scoring: ratio }],
  grades: [{ grade: 'B', to: 95 }, { grade: 'A', from: '95' }],
};
console.log(Plan.fromObject(factsSpec).measureIds().join(','));

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

// Pay: performance pay by grade and a marginal commission, compiled against `plan`.
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

// The lean batch path: totals, grades and pay, scored once, no scorecards.
const summaries: Summary[] = plan.summarize([li], options, pay);
for (const s of summaries) {
  const capped: string | null = s.grade_before_veto;
  const paid: string | undefined = s.pay;
  console.log(s.record_id, s.total, s.grade, capped, s.vetoed, paid);
}
const teamSummaries: Summary[] = demo.summarize(team);
console.log(teamSummaries.length, plan.summarize([li], null, null)[0]?.total);

// 360-degree feedback: a questionnaire, rater groups with anonymity minimums, responses.
const feedbackSpec: FeedbackSpec = {
  id: '360-2026-h1',
  scale: { min: 1, max: 5 },
  competencies: [
    { id: 'customer_focus', name: 'Customer focus', weight: 60, items: [{ id: 'q1' }, { id: 'q2', reverse: true }] },
    { id: 'teamwork', weight: '40', items: [{ id: 'q3', text: 'Shares leads', scale: { min: 1, max: 5 } }] },
  ],
  groups: [
    { id: 'manager', relationship: 'manager', weight: 40 },
    { id: 'peers', name: 'Peers', relationship: 'peer', weight: 30, min_raters: 3 },
    { id: 'direct_reports', relationship: 'direct_report', weight: 20, below_minimum: { merge_into: 'peers' } },
    { id: 'customers', relationship: 'customer', weight: 10, below_minimum: 'suppress' },
    { id: 'self', relationship: 'self', weight: 0 },
  ],
  aggregation: { method: 'trimmed_mean', trim: '0.1', trimmed_min_raters: 5, per_rater_first: true },
  include_self_in_combined: false,
  gap_threshold: 0.5,
  leniency: { method: 'centre', min_ratees: 3 },
};
const feedback: Feedback = Feedback.fromObject(feedbackSpec);
const responses: FeedbackResponse[] = [
  { rater: 'M1', ratee: 'A', group: 'manager', item: 'q1', value: 4 },
  { rater: 'M1', ratee: 'A', group: 'manager', item: 'q2', value: '2' },
  { rater: 'M1', ratee: 'A', group: 'manager', item: 'q3', value: 'na' },
  { rater: 'A', ratee: 'A', group: 'self', item: 'q1', value: null },
];
const feedbackRound: FeedbackRound = feedback.aggregate(responses);
const report: FeedbackReport | undefined = feedbackRound.reports.find((r) => r.ratee === 'A');
const combined: string | null | undefined = report?.combined.overall;
for (const g of (report?.groups ?? []) as FeedbackGroupResult[]) {
  if (g.status === 'suppressed') console.log(g.id, g.minimum);
  else if (g.status === 'merged_into') console.log(g.id, '→', g.group);
  console.log(g.raters, g.scores?.overall);
}
const rwg: Stat | undefined = report?.agreement[0]?.rwg;
if (rwg?.status === 'value') console.log(rwg.value.toFixed(2));
else if (rwg) console.log(rwg.reason);
const alpha: Stat = feedbackRound.reliability.alpha_interval;
const flags: string[] = (report?.gaps ?? []).map((g) => `${g.level} ${g.id} ${g.flag}`);
const roundJson: string = feedback.aggregateCanonical(responses);
console.log(feedback.id, combined, alpha.status, flags, roundJson.length, feedbackRound.reliability.icc?.icc2_1);
console.log(feedback.explain(responses, 'A', 'zh'), Feedback.fromJson(JSON.stringify(feedbackSpec)).explain(responses, 'A'));

async function main(): Promise<void> {
  const later: Scorecard[] = await demo.scoreManyAsync(team, { period: { basis: 'profile', weights: [1, 2, '1'], elapsed: 1 } });
  console.log(later.map((c) => `${c.record_id} ${c.total} ${c.grade}`));
  // A long batch off the event loop, stoppable, with progress; then a stream of batches.
  const stop = new AbortController();
  const long: Summary[] = await demo.summarizeAsync(demoTeamCsv(), null, null, {
    signal: stop.signal,
    partRows: 5,
    onProgress: ({ rows, total }) => console.log(`${rows} of ${total ?? '?'} rows`),
  });
  async function* batches(): AsyncGenerator<typeof team> {
    yield team;
  }
  for await (const part of demo.iterSummaries(batches(), undefined, undefined, { threads: 1 })) {
    console.log(part.length, long.length);
  }
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

// Analytics: seasonal indices from three years of history, and a roll-up by team.
const ops: AnalyticsOperation[] = analytics.operations();
const indices: AnalyticsResult = analytics.seasonalIndices({
  history: { start: '2023-01', values: Array.from({ length: 36 }, (_, i) => 100 + (i % 12)) },
  model: 'multiplicative',
});
const allocation: string = analytics.runJson('allocate_target', '{"total":"1000.00","minor_units":2,"parts":[{"id":"a","weight":1}]}');
console.log(ops.length, indices, allocation);

// Business facts: the demo team's June from raw orders, invoices and visits, in a batch and live.
const demoJune = demoFacts();
const factsPlan: Plan = Plan.fromObject(demoJune.plan);
const june: FactsRecords = factsPlan.recordsFromFacts({ facts: demoJune.facts, period: '2026-06', records: demoJune.people });
const midMonth: Scorecard[] = factsPlan.scoreFacts({ facts: demoJune.facts, period: '2026-06', as_of: '2026-06-15', records: demoJune.people });
const live: Accumulator = factsPlan.accumulator();
const changed: { changed: number; people: string[] } = live.add('orders', demoJune.facts.orders);
const touched: FactsRecords = live.records({ period: '2026-06', people: changed.people });
const state: string = live.toJson();
console.log(june.unassigned.length, midMonth.length, touched.records.length, factsPlan.accumulator(state).size());
const byPerson: PivotResult = factsPlan.pivotFacts({ facts: demoJune.facts, period: '2026-06', by: ['person'], measures: ['revenue'], compare: ['previous_period'], top: 3 });
const crmVsFinance: ReconcileResult = live.reconcile({ period: '2026-06', left: 'revenue', right: 'invoiced', tolerance: '0.01' });
const factsReport: FactsReport = factsPlan.checkFacts({ facts: demoJune.facts, period: '2026-06' });
console.log(byPerson.summary[0], crmVsFinance.matched, factsReport.ok);

// History: two months of the demo team as period results, a timeline, and a 9-box with movement.
const demoRecords = Plan.fromJson(demoPlanJson()).recordsFromCsv(demoTeamCsv());
const historyPlan: Plan = Plan.fromJson(demoPlanJson());
const may: HistoryDocument = historyPlan.periodResults(demoRecords, '2026-05');
const results: PeriodResult[] = [...may.results, ...historyPlan.periodResults(demoRecords, '2026-06').results];
const timeline: PersonTimeline | undefined = analytics.personTimeline({ results, window: 2 }).timelines[0];
const grid: NineBox = analytics.nineBox({
  results,
  period: '2026-06',
  before: '2026-05',
  x: { score: 'total', cuts: [70, 85] },
  y: { score: 'indicator', indicator: 'revenue', cuts: 'thirds' },
});
const moved: number | undefined = grid.movement?.same;
console.log(timeline?.trend?.slope, grid.boxes[8]?.count, moved);
const monthly: HistorySeries = analytics.historySeries({ results, measure: { indicator: 'revenue' }, by: 'team' });
const firstSeries = monthly.series[0];
if (firstSeries) console.log(analytics.targetsFromHistory({ history: firstSeries.history }));
