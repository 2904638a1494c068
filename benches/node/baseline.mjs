// The bundled `monthly-sales-rep` plan plus performance pay (3000 × grade coefficient, rounded to
// cents), written as a plain JavaScript loop with decimal.js, the usual exact-money choice in JS.
// Mirrors the engine's semantics (docs/scoring-methods.md, docs/plan-format.md): points are not
// rounded (60 significant digits), only the total is, half up, to 0.01, from its exact value (see
// the snap below).
import DecimalBase from 'decimal.js';

const D = DecimalBase.clone({ precision: 60, rounding: DecimalBase.ROUND_HALF_UP });
const Z = new D(0);
const H = new D(100);
const C120 = new D(120);
const TEAMWORK = new Map([['1', 0], ['2', 40], ['3', 70], ['4', 90], ['5', 100]].map(([k, v]) => [k, new D(v)]));
const PAY = { S: new D('4500'), A: new D('3600'), B: new D('3000'), C: new D('2400'), D: new D('0') };
const pts = (a) => a.map(([x, s]) => [new D(x), new D(s)]);
const MARGIN = pts([[60, 60], [100, 100], [120, 120]]);
const NEWC = pts([[1, 50], [3, 100], [5, 120]]);
const OPP = pts([[5, 60], [10, 100], [15, 110]]);
const B08 = new D('0.8'), B09 = new D('0.9'), B095 = new D('0.95');

const clamp = (x, lo, hi) => (x.lt(lo) ? lo : x.gt(hi) ? hi : x);
function interp(x, p) {
  if (x.lt(p[0][0])) return Z;
  for (let i = 0; i + 1 < p.length; i++) {
    const [a0, s0] = p[i];
    const [a1, s1] = p[i + 1];
    if (x.lt(a1)) return s0.plus(x.minus(a0).times(s1.minus(s0)).div(a1.minus(a0)));
  }
  return p[p.length - 1][1];
}
const val = (m, k) => {
  const v = m[k];
  return v === undefined || v === null || v === '' ? null : new D(v);
};

/** Total (rounded Decimal), grade and pay for one record `{id, measures: {id: string}}`. */
export function scoreOne(rec) {
  const m = rec.measures;
  const rt = val(m, 'revenue_target');
  if (rt.lte(0)) throw new Error(`${rec.id}: sales_completion target not positive`);
  const sales = clamp(val(m, 'revenue').div(rt).times(H), Z, C120);
  const inv = val(m, 'invoiced');
  const rate = inv.isZero() ? Z : val(m, 'collected').div(inv);
  const collection = new D(rate.lt(B08) ? 0 : rate.lt(B09) ? 60 : rate.lt(B095) ? 80 : 100);
  const mt = val(m, 'margin_target');
  if (mt.lte(0)) throw new Error(`${rec.id}: gross_margin target not positive`);
  const margin = interp(val(m, 'gross_profit').div(mt).times(H), MARGIN);
  const newc = interp(val(m, 'new_customers'), NEWC);
  const c = val(m, 'contracts');
  const contracts = clamp(c.gte(4) ? c.minus(4).times(10).plus(100) : c.div(4).times(90), Z, C120);
  const od = val(m, 'overdue_receivables_days');
  const overdue = clamp(new D(200).minus(od.div(30).times(H)), Z, C120);
  const results = [[sales, 35], [collection, 20], [margin, 20], [newc, 10], [contracts, 10], [overdue, 5]];

  const visits = clamp(val(m, 'visits').div(40).times(H), Z, C120);
  const opps = interp(val(m, 'opportunities'), OPP);
  const demos = val(m, 'demos').gte(4) ? H : Z;
  const crm = clamp(H.minus(val(m, 'crm_late_entries').times(10)), Z, H);
  const process = [[visits, 30], [opps, 25], [demos, 15]];
  const tw = val(m, 'teamwork_rating');
  if (tw !== null) {
    const s = TEAMWORK.get(tw.toString());
    if (s === undefined) throw new Error(`${rec.id}: teamwork rating ${tw} not listed`);
    process.push([s, 15]);
  } // missing: re-weighted away
  process.push([crm, 15]);

  let weighted = Z;
  for (const [items, sw] of [[results, 70], [process, 30]]) {
    const wsum = items.reduce((a, [, w]) => a + w, 0);
    for (const [s, w] of items) {
      const ew = wsum === 100 ? new D(w) : new D(w).times(H).div(wsum);
      weighted = weighted.plus(s.times(ew).div(H).times(sw).div(H));
    }
  }
  const comp = val(m, 'complaints');
  const ka = val(m, 'key_accounts') ?? Z;
  let total = weighted.minus(D.min(comp.times(2), 10)).plus(D.min(ka.times(3), 6));
  if (total.lt(0)) total = Z;
  if (val(m, 'compliance_violations').gt(0)) total = Z;
  // 60 digits leave x.xx4999…9 where the exact total is a half-cent reached through a
  // non-terminating quotient (691/7 × 0.14 = 13.82). This plan's exact totals are fractions with
  // denominators far below 10^30, so a total that is not a half-cent lies more than 10^-33 from
  // every half-cent: snapping to 40 places first recovers exact half-cents and moves nothing else.
  total = total.toDecimalPlaces(40, D.ROUND_HALF_UP).toDecimalPlaces(2, D.ROUND_HALF_UP);
  let grade = total.lt(60) ? 'D' : total.lt(80) ? 'C' : total.lt(95) ? 'B' : total.lt(110) ? 'A' : 'S';
  if (od.gt(90) && 'BAS'.includes(grade)) grade = 'C';
  return { id: rec.id, total, grade, pay: PAY[grade].toDecimalPlaces(2, D.ROUND_HALF_UP) };
}

/** Every record, in order. */
export function scoreAll(records) {
  return records.map(scoreOne);
}
