// perfscore scorecard widget: no framework, no network beyond its own files. Scores a team in the
// browser with the perfscore WebAssembly package and lets a person try "what if" on their numbers.
//
//   import { mount } from './widget.js';
//   await mount(document.getElementById('perfscore'), { planJson, teamCsv, history, period, pkgUrl });
//
// `history` (past period results: CSV text with legacy headers or objects, docs/history.md) and
// `period` (the team's current period, default 2026-06) give each person a trend sparkline and a
// streak badge from the core's person timeline; the demo brings its own January–May history.
//
// Every number shown comes from the core as a decimal string; this file never does arithmetic on
// scores (display rounding of line points is done on the decimal text; a sparkline turns totals
// into pixel positions and nothing else).

const DEFAULT_PKG = new URL('../pkg/web/index.js', import.meta.url).href;
const PERIOD_DAYS = 30;
const DEMO_PERIOD = '2026-06';
const SPARK = { w: 84, h: 22, pad: 3 };

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'testid') el.dataset.testid = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** A sparkline of `totals` (decimal texts, oldest first; `null` for a period without a result). */
export function sparkline(totals, title) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', String(SPARK.w));
  svg.setAttribute('height', String(SPARK.h));
  svg.setAttribute('viewBox', `0 0 ${SPARK.w} ${SPARK.h}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title);
  const t = document.createElementNS(ns, 'title');
  t.textContent = title;
  svg.append(t);
  const ys = totals.map((x) => (x === null ? null : Number(x)));
  const known = ys.filter((y) => y !== null);
  if (!known.length) return svg;
  const lo = Math.min(...known);
  const span = Math.max(...known) - lo || 1;
  const step = totals.length > 1 ? (SPARK.w - 2 * SPARK.pad) / (totals.length - 1) : 0;
  const at = (y, i) => [SPARK.pad + i * step, SPARK.h - SPARK.pad - ((y - lo) / span) * (SPARK.h - 2 * SPARK.pad)];
  // A gap breaks the line: one polyline per run of periods with results.
  let run = [];
  const flush = () => {
    if (run.length > 1) {
      const line = document.createElementNS(ns, 'polyline');
      line.setAttribute('points', run.map((p) => p.join(',')).join(' '));
      svg.append(line);
    }
    run = [];
  };
  ys.forEach((y, i) => (y === null ? flush() : run.push(at(y, i))));
  flush();
  const last = ys.length - 1;
  if (ys[last] !== null) {
    const dot = document.createElementNS(ns, 'circle');
    const [cx, cy] = at(ys[last], last);
    dot.setAttribute('cx', String(cx));
    dot.setAttribute('cy', String(cy));
    dot.setAttribute('r', '2.2');
    svg.append(dot);
  }
  return svg;
}

/** Round decimal text to two places, half up, without floats (`86.666…` → `86.67`). */
export function fixed2(text) {
  if (text === null || text === undefined) return '–';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(text));
  if (!m) return String(text);
  const [, sign, int, frac = ''] = m;
  let scaled = BigInt(int + (frac + '00').slice(0, 2));
  if (frac.length > 2 && frac[2] >= '5') scaled += 1n;
  const s = scaled.toString().padStart(3, '0');
  const out = `${s.slice(0, -2)}.${s.slice(-2)}`;
  return sign && /[1-9]/.test(out) ? `-${out}` : out;
}

/** Every month from `first` to `last` (`YYYY-MM`), or null for other periods (quarters …). */
function monthsBetween(first, last) {
  const index = (p) => {
    const m = /^(\d{4})-(\d{2})$/.exec(p);
    return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null;
  };
  const [a, b] = [index(first), index(last)];
  if (a === null || b === null || b < a) return null;
  return Array.from({ length: b - a + 1 }, (_, k) => {
    const i = a + k;
    return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  });
}

function detectRecords(plan, text) {
  const t = text.trim();
  return t.startsWith('[') ? plan.recordsFromJson(t) : plan.recordsFromCsv(text);
}

function readFile(input, textarea) {
  const file = input.files && input.files[0];
  if (!file) return;
  file.text().then((t) => {
    textarea.value = t;
  });
}

export async function mount(root, opts = {}) {
  const ps = await import(opts.pkgUrl || DEFAULT_PKG);
  const { Plan } = ps;

  const state = {
    plan: null,
    spec: null,
    records: [],
    cards: new Map(),
    overrides: new Map(), // record id → { measure: value text }
    selected: null, // { id, indicator | 'total' }
    lang: 'en',
    day: PERIOD_DAYS,
    period: opts.period || DEMO_PERIOD,
    history: [], // past period results (canonical objects)
    timelines: new Map(), // record id → person timeline (current period included)
  };
  const hasHistory = () => Boolean(ps.analytics && ps.analytics.personTimeline);

  // ---- layout ----
  const errorBox = h('div', { class: 'error', testid: 'error', role: 'alert' });
  const planText = h('textarea', { testid: 'plan-input', spellcheck: 'false' });
  const teamText = h('textarea', { testid: 'team-input', spellcheck: 'false' });
  const planFile = h('input', { type: 'file', accept: '.json,application/json', testid: 'plan-file', onchange: () => readFile(planFile, planText) });
  const teamFile = h('input', { type: 'file', accept: '.csv,.json,text/csv,application/json', testid: 'team-file', onchange: () => readFile(teamFile, teamText) });
  const dayInput = h('input', { type: 'number', min: '0', max: String(PERIOD_DAYS), step: '1', value: String(PERIOD_DAYS), testid: 'day' });
  const langSelect = h('select', { testid: 'lang' }, h('option', { value: 'en' }, 'English'), h('option', { value: 'zh' }, '中文'));
  const planName = h('strong', { testid: 'plan-name' });
  const table = h('table', { testid: 'scorecards' });
  const dist = h('div', { class: 'dist', testid: 'distribution' });
  const explainBox = h('pre', { class: 'explain', testid: 'explanation' }, 'Click any score to see how it was computed.');
  const whoSelect = h('select', { testid: 'whatif-person' });
  const measureSelect = h('select', { testid: 'whatif-measure' });
  const valueInput = h('input', { type: 'text', inputmode: 'decimal', size: '14', testid: 'whatif-value' });
  const whatifResult = h('div', { class: 'whatif-result', testid: 'whatif-result' });

  root.replaceChildren(
    h('div', { class: 'psw' },
      h('div', { class: 'controls' },
        h('div', {}, 'Plan: ', planName),
        h('label', {}, `Day of ${PERIOD_DAYS}`, dayInput),
        h('label', {}, 'Explanations', langSelect),
        h('button', { type: 'button', testid: 'load-demo', onclick: () => loadDemo() }, 'Demo data'),
      ),
      h('details', {},
        h('summary', {}, 'Use your own plan and team (paste or upload JSON / CSV)'),
        h('div', { class: 'inputs' },
          h('label', {}, 'Plan (JSON)', planFile, planText),
          h('label', {}, 'Team (CSV with a header row, or a JSON array of records)', teamFile, teamText),
        ),
        h('button', { type: 'button', class: 'primary', testid: 'apply', onclick: () => apply() }, 'Score this team'),
      ),
      errorBox,
      h('h2', {}, 'Scorecards'),
      h('div', { class: 'table-wrap' }, table),
      h('div', { class: 'panels' },
        h('section', {},
          h('h2', {}, 'Grade distribution'), dist,
          h('h2', {}, 'What if…'),
          h('div', { class: 'whatif' },
            h('label', {}, 'Person', whoSelect),
            h('label', {}, 'Measure', measureSelect),
            h('label', {}, 'Value', valueInput),
            h('button', { type: 'button', testid: 'whatif-reset', onclick: () => resetWhatIf() }, 'Reset'),
          ),
          whatifResult,
        ),
        h('section', {}, h('h2', {}, 'Explanation'), explainBox),
      ),
    ),
  );

  // ---- scoring ----
  const options = () => ({ period: { basis: 'calendar_days', elapsed: String(state.day), total: String(PERIOD_DAYS) } });

  function effective(record) {
    const o = state.overrides.get(record.id);
    if (!o) return record;
    return { ...record, measures: { ...record.measures, ...o } };
  }

  function showError(e) {
    errorBox.textContent = e ? (e.problems && e.problems.length ? e.message : String(e.message || e)) : '';
  }

  function scoreAll() {
    const cards = state.plan.scoreMany(state.records.map(effective), options());
    state.cards = new Map(cards.map((c) => [c.record_id, c]));
    trends();
  }

  /** Each person's timeline: the past results and this period's, as the core reads them. */
  function trends() {
    state.timelines = new Map();
    if (!hasHistory() || !state.history.length) return;
    const now = state.plan.periodResults(state.records.map(effective), state.period, options()).results;
    const out = ps.analytics.personTimeline({ results: [...state.history, ...now], lang: state.lang });
    state.timelines = new Map(out.timelines.map((t) => [t.person, t]));
  }

  function load(planJson, teamText, history) {
    const plan = Plan.fromJson(planJson);
    const records = detectRecords(plan, teamText);
    const past = history && hasHistory() ? ps.analytics.readHistory({ results: history }).results : [];
    state.history = past;
    state.plan = plan;
    state.spec = JSON.parse(planJson);
    state.records = records;
    state.overrides = new Map();
    state.whatIf = null;
    state.selected = null;
    scoreAll();
    render();
    fillWhatIf();
  }

  function loadDemo() {
    planText.value = ps.demoPlanJson();
    teamText.value = ps.demoTeamCsv();
    state.period = DEMO_PERIOD;
    apply(hasHistory() ? ps.demoHistoryCsv() : null);
  }

  function apply(history = opts.history) {
    try {
      load(planText.value, teamText.value, history);
      showError(null);
    } catch (e) {
      showError(e);
    }
  }

  // ---- rendering ----
  const indicators = () => (state.spec.sections || [{ indicators: state.spec.indicators || [] }]).flatMap((s) => s.indicators);
  const status = (card) => (card.progress ? card.progress.status : null);

  function numCell(id, key, text, extra = '') {
    const sel = state.selected && state.selected.id === id && state.selected.key === key;
    return h('span', {
      class: `num ${extra}${sel ? ' selected' : ''}`,
      testid: key === 'total' ? `total-${id}` : `cell-${id}-${key}`,
      tabindex: '0',
      title: 'Click for the explanation',
      onclick: () => select(id, key),
      onkeydown: (ev) => { if (ev.key === 'Enter') select(id, key); },
    }, text);
  }

  function row(card) {
    const id = card.record_id;
    const st = status(card);
    const byId = new Map(card.sections.flatMap((s) => s.indicators).map((i) => [i.id, i]));
    return h('tr', { testid: `row-${id}`, class: state.overrides.has(id) ? 'whatif-row' : '' },
      h('td', { class: 'text' }, id),
      h('td', { class: 'text', testid: `name-${id}` }, card.name || ''),
      h('td', { class: 'text' }, card.team || ''),
      h('td', { class: 'text', testid: `status-${id}`, 'data-status': st || 'none' },
        h('span', { class: `light ${st || ''}` }), st || '–'),
      h('td', {}, numCell(id, 'total', card.total, 'total')),
      h('td', { class: 'text' }, h('span', { class: 'grade', testid: `grade-${id}` }, card.grade),
        card.grade_before_veto ? ` (veto; was ${card.grade_before_veto})` : ''),
      ...(state.timelines.size ? [trendCell(id)] : []),
      ...indicators().map((ind) => {
        const s = byId.get(ind.id);
        return h('td', {}, s ? numCell(id, ind.id, fixed2(s.score)) : '–');
      }),
      h('td', {}, fixed2(card.adjustment_total)),
    );
  }

  /** The sparkline of a person's totals (one point per period, gaps open) and the streak badge. */
  function trendCell(id) {
    const t = state.timelines.get(id);
    if (!t) return h('td', { class: 'text', testid: `trend-${id}`, 'data-points': '0' }, '–');
    const byPeriod = new Map(t.periods.map((p) => [p.period, p.total]));
    const first = t.periods[0].period;
    const last = t.periods[t.periods.length - 1].period;
    const steps = monthsBetween(first, last);
    const totals = steps === null ? t.periods.map((p) => p.total) : steps.map((p) => byPeriod.get(p) ?? null);
    const streak = t.streak && t.streak.periods >= 2 ? `${t.streak.periods}× ${t.streak.grade}` : null;
    return h('td', { class: 'text trend' },
      h('span', {
        class: `spark${state.selected && state.selected.id === id && state.selected.key === 'trend' ? ' selected' : ''}`,
        testid: `trend-${id}`, 'data-points': String(t.periods.length), tabindex: '0',
        onclick: () => select(id, 'trend'),
        onkeydown: (ev) => { if (ev.key === 'Enter') select(id, 'trend'); },
      }, sparkline(totals, t.summary)),
      streak ? h('span', { class: 'streak', testid: `streak-${id}`, title: t.summary }, streak) : null);
  }

  function render() {
    planName.textContent = `${state.spec.name || state.plan.id} (${state.plan.id})`;
    table.replaceChildren(
      h('thead', {}, h('tr', {},
        h('th', { class: 'text' }, 'ID'), h('th', { class: 'text' }, 'Name'), h('th', { class: 'text' }, 'Team'),
        h('th', { class: 'text' }, `Status (day ${state.day})`), h('th', {}, 'Total'), h('th', { class: 'text' }, 'Grade'),
        ...(state.timelines.size ? [h('th', { class: 'text', title: `past periods and ${state.period} so far` }, 'Trend')] : []),
        ...indicators().map((i) => h('th', { title: i.id }, i.name || i.id)),
        h('th', { title: 'bonus points and deductions' }, '±'))),
      h('tbody', {}, state.records.map((r) => row(state.cards.get(r.id)))),
    );
    renderDistribution();
    renderExplanation();
    renderWhatIf();
  }

  function renderDistribution() {
    const grades = (state.spec.grades || []).map((g) => g.grade).reverse();
    const counts = new Map(grades.map((g) => [g, 0]));
    for (const c of state.cards.values()) counts.set(c.grade, (counts.get(c.grade) || 0) + 1);
    const max = Math.max(1, ...counts.values());
    dist.replaceChildren(...[...counts].map(([g, n]) => h('div', { class: 'bar-row', testid: `dist-${g}`, 'data-count': String(n) },
      h('span', { class: 'grade' }, g),
      h('div', {}, h('div', { class: 'bar', style: `width:${(100 * n) / max}%` })),
      h('span', {}, String(n)))));
  }

  function select(id, key) {
    state.selected = { id, key };
    for (const el of table.querySelectorAll('.num.selected')) el.classList.remove('selected');
    const testid = key === 'total' ? `total-${id}` : `cell-${id}-${key}`;
    const el = table.querySelector(`[data-testid="${CSS.escape(testid)}"]`);
    if (el) el.classList.add('selected');
    renderExplanation();
  }

  function renderExplanation() {
    const sel = state.selected;
    if (!sel || !state.cards.has(sel.id)) {
      explainBox.textContent = 'Click any score to see how it was computed.';
      return;
    }
    if (sel.key === 'trend') {
      const t = state.timelines.get(sel.id);
      explainBox.replaceChildren(h('mark', { testid: 'explanation-line' }, t ? t.summary : '–'));
      explainBox.dataset.record = sel.id;
      explainBox.dataset.key = sel.key;
      return;
    }
    const record = effective(state.records.find((r) => r.id === sel.id));
    let text;
    try {
      text = state.plan.explain(record, state.lang, options());
    } catch (e) {
      explainBox.textContent = e.message;
      return;
    }
    const card = state.cards.get(sel.id);
    const ind = card.sections.flatMap((s) => s.indicators).find((i) => i.id === sel.key);
    const lines = text.split('\n');
    const hit = ind
      ? lines.findIndex((l) => l.trimStart().startsWith(`${ind.name}:`))
      : lines.findIndex((l) => l.startsWith('Total ') || l.startsWith('总分 '));
    explainBox.replaceChildren(...lines.flatMap((l, i) => [
      i === hit ? h('mark', { testid: 'explanation-line' }, l) : l, ...(i < lines.length - 1 ? ['\n'] : []),
    ]));
    explainBox.dataset.record = sel.id;
    explainBox.dataset.key = sel.key;
  }

  // ---- what if ----
  function fillWhatIf() {
    whoSelect.replaceChildren(...state.records.map((r) => h('option', { value: r.id }, r.name ? `${r.name} (${r.id})` : r.id)));
    const ms = state.spec.measures || [];
    measureSelect.replaceChildren(...ms.map((m) => h('option', { value: m.id }, m.name && m.name !== m.id ? `${m.name} (${m.id})` : m.id)));
    if (ms.some((m) => m.id === 'collected')) measureSelect.value = 'collected';
    syncValue();
    whatifResult.textContent = '';
  }

  function syncValue() {
    const r = state.records.find((x) => x.id === whoSelect.value);
    if (!r) return;
    const v = effective(r).measures[measureSelect.value];
    valueInput.value = v === undefined || v === null ? '' : v;
  }

  function whatIf() {
    const id = whoSelect.value;
    const record = state.records.find((x) => x.id === id);
    if (!record) return;
    const before = state.cards.get(id);
    const measure = measureSelect.value;
    const o = { ...(state.overrides.get(id) || {}) };
    const text = valueInput.value.trim();
    if (text === '') delete o[measure];
    else o[measure] = text;
    const original = record.measures[measure];
    if (o[measure] !== undefined && original !== undefined && o[measure] === original) delete o[measure];
    try {
      const card = state.plan.score(Object.keys(o).length ? { ...record, measures: { ...record.measures, ...o } } : record, options());
      if (Object.keys(o).length) state.overrides.set(id, o);
      else state.overrides.delete(id);
      state.cards.set(id, card);
      if (!state.whatIf || state.whatIf.id !== id) state.whatIf = { id, before };
      showError(null);
      render();
    } catch (e) {
      whatifResult.replaceChildren(h('span', { class: 'error', testid: 'whatif-error' }, e.message));
    }
  }

  /** The what-if person's current numbers (kept current when the day or the data change). */
  function renderWhatIf() {
    const w = state.whatIf;
    const card = w && state.cards.get(w.id);
    if (!card || !state.overrides.has(w.id)) {
      whatifResult.textContent = '';
      return;
    }
    const was = w.before && w.before.total !== card.total ? ` (was ${w.before.total}, ${w.before.grade})` : '';
    whatifResult.replaceChildren(
      h('span', {}, `${card.name || w.id}: total `),
      h('strong', { testid: 'whatif-total' }, card.total),
      h('span', {}, ' · grade '),
      h('strong', { testid: 'whatif-grade' }, card.grade),
      h('span', {}, ' · status '),
      h('strong', { testid: 'whatif-status' }, status(card) || '–'),
      h('span', {}, was),
    );
  }

  function resetWhatIf() {
    state.overrides = new Map();
    state.whatIf = null;
    try {
      scoreAll();
      render();
      syncValue();
      whatifResult.textContent = '';
    } catch (e) {
      showError(e);
    }
  }

  whoSelect.addEventListener('change', () => {
    syncValue();
    state.whatIf = null;
    renderWhatIf();
  });
  measureSelect.addEventListener('change', syncValue);
  valueInput.addEventListener('input', whatIf);
  dayInput.addEventListener('input', () => {
    const d = Number(dayInput.value);
    if (!Number.isInteger(d) || d < 0 || d > PERIOD_DAYS) return;
    state.day = d;
    try {
      scoreAll();
      render();
      showError(null);
    } catch (e) {
      showError(e);
    }
  });
  langSelect.addEventListener('change', () => {
    state.lang = langSelect.value;
    trends();
    render();
  });

  if (opts.planJson || opts.teamText) {
    planText.value = opts.planJson || ps.demoPlanJson();
    teamText.value = opts.teamText || ps.demoTeamCsv();
    apply(opts.history);
  } else {
    loadDemo();
  }
  root.dataset.ready = 'true';
  return { state, reload: apply };
}
