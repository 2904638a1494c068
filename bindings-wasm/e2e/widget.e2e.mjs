// End-to-end test of the scorecard widget in real headless Chromium (Debian's package) driven by
// playwright-core. Expected numbers come from the same wasm package loaded in Node.
//   BASE_URL=http://127.0.0.1:PORT node bindings-wasm/e2e/widget.e2e.mjs
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { Plan, analytics, demoHistoryCsv, demoPlanJson, demoTeamCsv } from '../pkg/node/index.js';

const base = process.env.BASE_URL;
if (!base) throw new Error('set BASE_URL to the static server serving bindings-wasm/');
const shot = process.env.SCREENSHOT || new URL('../../test-artifacts/widget.png', import.meta.url).pathname;
mkdirSync(join(shot, '..'), { recursive: true });

// Expected values, computed in Node by the same package.
const plan = Plan.fromJson(demoPlanJson());
const team = plan.recordsFromCsv(demoTeamCsv());
const at = (day) => ({ period: { basis: 'calendar_days', elapsed: String(day), total: '30' } });
const expected = plan.scoreMany(team, at(30));
// Each person's timeline: the demo's January–May history and June as scored here.
const past = analytics.readHistory({ results: demoHistoryCsv() }).results;
const timelines = new Map(analytics.personTimeline({ results: [...past, ...plan.periodResults(team, '2026-06', at(30)).results] })
  .timelines.map((t) => [t.person, t]));

const started = Date.now();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const failures = [];
const step = async (name, fn) => {
  try {
    await fn();
    console.log(`ok - ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`not ok - ${name}\n  ${String(e && e.stack).split('\n').join('\n  ')}`);
  }
};

try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  const text = (testid) => page.getByTestId(testid).innerText();

  await step('the page loads the demo team', async () => {
    await page.goto(`${base}/widget/index.html`);
    await page.waitForSelector('[data-testid="widget-root"][data-ready="true"]', { timeout: 20000 });
    await page.waitForSelector('[data-testid="row-E012"]');
    assert.equal(await page.locator('[data-testid="scorecards"] tbody tr').count(), team.length);
    assert.equal(await text('error'), '');
  });

  await step('every displayed total, grade and light equals the core (day 30)', async () => {
    for (const c of expected) {
      assert.equal(await text(`total-${c.record_id}`), c.total, `total of ${c.record_id}`);
      assert.equal(await text(`grade-${c.record_id}`), c.grade, `grade of ${c.record_id}`);
      const st = await page.getByTestId(`status-${c.record_id}`).getAttribute('data-status');
      assert.equal(st, c.progress.status || 'none', `status of ${c.record_id}`);
    }
  });

  await step('each person has a trend sparkline over their periods and a streak badge', async () => {
    // Hand-checked in core/data/demo-history.csv: E001 A, A, A, S, S then June S → 3× S;
    // E012 has no April result, so May B and June B → 2× B (a gap breaks a streak);
    // E005 B five times, then C in June (veto) → no badge; E010 joined in March → 4 points.
    assert.equal(await text('streak-E001'), '3× S');
    assert.equal(await text('streak-E012'), '2× B');
    assert.equal(await page.getByTestId('streak-E005').count(), 0);
    assert.equal(await page.getByTestId('trend-E010').getAttribute('data-points'), '4');
    for (const [id, t] of timelines) {
      assert.equal(await page.getByTestId(`trend-${id}`).getAttribute('data-points'), String(t.periods.length), id);
      const badge = t.streak && t.streak.periods >= 2 ? `${t.streak.periods}× ${t.streak.grade}` : null;
      assert.equal(badge === null ? null : await text(`streak-${id}`), badge, id);
    }
    // E012's April gap leaves two line pieces (Jan–Mar, May–Jun).
    assert.equal(await page.locator('[data-testid="trend-E012"] polyline').count(), 2);
    await page.getByTestId('trend-E001').click();
    assert.equal(await text('explanation-line'), timelines.get('E001').summary);
  });

  await step('the grade distribution counts the team', async () => {
    const counts = {};
    for (const c of expected) counts[c.grade] = (counts[c.grade] || 0) + 1;
    for (const [g, n] of Object.entries(counts)) {
      assert.equal(await page.getByTestId(`dist-${g}`).getAttribute('data-count'), String(n), `grade ${g}`);
    }
  });

  await step('mid-period lights follow the day input', async () => {
    await page.getByTestId('day').fill('12');
    const mid = plan.scoreMany(team, at(12));
    for (const c of mid) {
      const st = await page.getByTestId(`status-${c.record_id}`).getAttribute('data-status');
      assert.equal(st, c.progress.status || 'none', `day-12 status of ${c.record_id}`);
    }
    assert.ok(mid.some((c) => c.progress.status !== expected.find((e) => e.record_id === c.record_id).progress.status),
      'day 12 changes some light (else this step proves little)');
    await page.getByTestId('day').fill('30');
    await page.waitForFunction(() => document.querySelector('[data-testid="status-E001"]') !== null);
  });

  const person = team.find((r) => r.id === 'E003');
  const newCollected = '400000'; // 80.32 B → 69.12 C: the grade changes too
  const whatIfCard = plan.score({ ...person, measures: { ...person.measures, collected: newCollected } }, at(30));
  const before = expected.find((c) => c.record_id === 'E003');

  await step('what if: changing collected updates score, grade and status at once', async () => {
    assert.notEqual(whatIfCard.total, before.total, 'the what-if value must change the total');
    assert.notEqual(whatIfCard.grade, before.grade, 'and the grade');
    await page.getByTestId('whatif-person').selectOption('E003');
    await page.getByTestId('whatif-measure').selectOption('collected');
    assert.equal(await page.getByTestId('whatif-value').inputValue(), person.measures.collected);
    await page.getByTestId('whatif-value').fill(newCollected);
    await page.waitForFunction(
      ([id, total]) => document.querySelector(`[data-testid="total-${id}"]`)?.textContent === total,
      ['E003', whatIfCard.total], { timeout: 5000 });
    assert.equal(await text('total-E003'), whatIfCard.total);
    assert.equal(await text('grade-E003'), whatIfCard.grade);
    assert.equal(await text('whatif-total'), whatIfCard.total);
    assert.equal(await text('whatif-grade'), whatIfCard.grade);
    assert.equal(await text('whatif-status'), whatIfCard.progress.status || '–');
    // The others are untouched.
    assert.equal(await text('total-E001'), expected[0].total);
    console.log(`  E003 ${before.total} ${before.grade} → ${whatIfCard.total} ${whatIfCard.grade}`);
  });

  await step('a bad what-if value shows the core error, not a broken page', async () => {
    await page.getByTestId('whatif-value').fill('12abc');
    await page.waitForSelector('[data-testid="whatif-error"]');
    assert.match(await text('whatif-error'), /INPUT|not a number/i);
    await page.getByTestId('whatif-value').fill(newCollected);
    await page.waitForFunction(() => document.querySelector('[data-testid="whatif-total"]'));
  });

  await step('clicking a number shows its explanation', async () => {
    const ind = whatIfCard.sections.flatMap((s) => s.indicators).find((i) => i.id === 'collection_rate');
    await page.getByTestId('cell-E003-collection_rate').click();
    const expl = plan.explain({ ...person, measures: { ...person.measures, collected: newCollected } }, 'en', at(30));
    const line = expl.split('\n').find((l) => l.trimStart().startsWith(`${ind.name}:`));
    assert.ok(line, 'the core explanation has a line for the indicator');
    assert.equal(await text('explanation-line'), line);
    assert.equal(await text('explanation'), expl);
    await page.getByTestId('total-E003').click();
    assert.match(await text('explanation-line'), new RegExp(`^Total .* = ${whatIfCard.total.replace('.', '\\.')} → grade ${whatIfCard.grade}$`));
  });

  await step('explanations switch to Chinese', async () => {
    await page.getByTestId('lang').selectOption('zh');
    assert.match(await text('explanation'), /总分/);
    await page.getByTestId('lang').selectOption('en');
  });

  await step('a pasted plan with mistakes shows every problem and keeps the page working', async () => {
    await page.locator('details summary').click();
    await page.getByTestId('plan-input').fill('{"id": "x"}');
    await page.getByTestId('apply').click();
    assert.match(await text('error'), /invalid plan/);
    assert.equal(await text('total-E003'), whatIfCard.total, 'the previous team stays on screen');
    await page.getByTestId('load-demo').click();
    assert.equal(await text('error'), '');
    assert.equal(await text('total-E003'), before.total);
  });

  await step('no console errors', async () => {
    assert.deepEqual(consoleErrors, []);
  });

  await step('browser package: a trap re-instantiates the module synchronously', async () => {
    const out = await page.evaluate(async () => {
      const ps = await import('../pkg/web/index.js');
      const plan = ps.Plan.fromJson(ps.demoPlanJson());
      const team = plan.recordsFromCsv(ps.demoTeamCsv());
      const before = plan.scoreCanonical(team).join('\n');
      // Give the spare glue copy time to load (it is fetched in the background after start).
      await new Promise((r) => setTimeout(r, 300));
      let code = null;
      try { ps.__testTrap(); } catch (e) { code = e.code; }
      const after = plan.scoreCanonical(team).join('\n');
      return { code, same: before === after, n: team.length };
    });
    assert.deepEqual(out, { code: 'WASM_TRAP', same: true, n: team.length });
    // The panic hook's console message is expected here.
    assert.ok(consoleErrors.some((m) => m.includes('perfscore-wasm panicked')), 'panic hook wrote to the console');
  });

  // Leave the page in the what-if state with an explanation open for the screenshot.
  await page.getByTestId('whatif-person').selectOption('E003');
  await page.getByTestId('whatif-measure').selectOption('collected');
  await page.getByTestId('whatif-value').fill(newCollected);
  await step('the what-if result follows the day input', async () => {
    await page.getByTestId('day').fill('20');
    const c = plan.score({ ...person, measures: { ...person.measures, collected: newCollected } }, at(20));
    assert.equal(await text('whatif-status'), c.progress.status || '–');
    assert.equal(await page.getByTestId('status-E003').getAttribute('data-status'), c.progress.status || 'none');
    assert.equal(await text('total-E003'), c.total);
  });
  await page.locator('details summary').click();
  await page.getByTestId('cell-E003-collection_rate').click();
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);
} finally {
  await browser.close();
}
console.log(`e2e: ${failures.length ? `${failures.length} failed` : 'all passed'} in ${Date.now() - started} ms`);
if (failures.length) process.exit(1);
