// 360-degree feedback through the JS API. The vectors in tests/vectors/feedback run byte
// for byte in conformance.test.mjs; this file checks the vector's hand-checked numbers (its
// `description`, core/tests/feedback.rs), the answer policy ("na" never counts, null is missing,
// numbers exact), errors with paths, and explanations in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Feedback, loadVector, catchError, located } from './load.mjs';

const { vector, expected } = loadVector('feedback/feedback-example');
const feedback = Feedback.fromObject(vector.feedback);
const round = feedback.aggregate(vector.responses);
const reportOf = (r, ratee) => r.reports.find((x) => x.ratee === ratee);
const groupOf = (report, id) => report.groups.find((g) => g.id === id);
const a = reportOf(round, 'A');

function assertPerfscoreError(e, code) {
  assert.ok(e instanceof Error, 'an Error instance');
  assert.equal(e.name, 'PerfscoreError');
  assert.equal(e.code, code);
  assert.ok(Array.isArray(e.problems) && e.problems.length > 0);
  assert.equal(e.canonical, JSON.stringify({ code: e.code, problems: e.problems }));
  return e;
}

/** The vector's responses with `edit(response, index)` applied (return undefined to drop one). */
const responsesWith = (edit) =>
  vector.responses.flatMap((r, i) => {
    const out = edit({ ...r }, i);
    return out === undefined ? [] : [out];
  });

test('a configuration knows its id, from JSON text or a plain object', () => {
  assert.ok(feedback instanceof Feedback);
  assert.equal(feedback.id, '360-example');
  assert.equal(Feedback.fromJson(JSON.stringify(vector.feedback)).id, '360-example');
  assert.equal(Feedback.fromObject({ ...vector.feedback, id: '360-2026-h1' }).id, '360-2026-h1');
  // JSON.stringify writes the document it was read from, in both packages.
  assert.deepEqual(JSON.parse(JSON.stringify(feedback)), vector.feedback);
});

test('aggregate is JSON.parse of aggregateCanonical, which is the Rust bytes', () => {
  const canonical = feedback.aggregateCanonical(vector.responses);
  assert.equal(canonical + '\n', expected);
  assert.deepEqual(round, JSON.parse(canonical));
  assert.equal(round.feedback_id, '360-example');
  assert.deepEqual(round.reports.map((r) => r.ratee), ['A', 'B']);
});

test('vector reference: ratee A combined, manager and peers overall', () => {
  // 40:30 re-normalised over the groups shown: (40 × 4.4 + 30 × 3.65) ÷ 70 = 285.5 ÷ 70.
  assert.equal(a.combined.overall, '4.0785714285714285714285714286');
  assert.equal(groupOf(a, 'manager').scores.overall, '4.4');
  assert.equal(groupOf(a, 'manager').raters, 1);
  assert.equal(groupOf(a, 'peers').scores.overall, '3.65');
  assert.deepEqual(
    a.weights_used.map((w) => w.group),
    ['manager', 'peers'],
  );
  assert.equal(a.self_scores.overall, '4.2');
  assert.equal(typeof a.combined.overall, 'string', 'decimals stay strings');
});

test('vector reference: anonymity — customers suppressed, direct reports merged into peers', () => {
  const customers = groupOf(a, 'customers');
  assert.equal(customers.status, 'suppressed');
  assert.equal(customers.minimum, 3);
  assert.equal(customers.raters, null);
  assert.equal(customers.scores, null);
  const direct = groupOf(a, 'direct_reports');
  assert.equal(direct.status, 'merged_into');
  assert.equal(direct.group, 'peers');
  assert.equal(direct.raters, null);
  // P1–P3 plus D1.
  assert.equal(groupOf(a, 'peers').raters, 4);
  // B has no direct reports, customers or self at all.
  assert.equal(groupOf(reportOf(round, 'B'), 'customers').status, 'no_responses');
});

test('vector reference: self-versus-others gaps and agreement', () => {
  const gap = (level, id) => a.gaps.find((g) => g.level === level && g.id === id);
  assert.equal(gap('item', 'q1').flag, 'blind_spot');
  assert.equal(gap('item', 'q1').self_score, '5');
  assert.equal(gap('item', 'q1').others, '3.7857142857142857142857142857');
  assert.equal(gap('item', 'q3').flag, 'hidden_strength');
  assert.equal(gap('item', 'q3').others, '4.4285714285714285714285714286');
  const q1 = a.agreement.find((x) => x.item === 'q1');
  assert.deepEqual(q1.rwg, { status: 'value', value: 0.35 });
  assert.equal(q1.raters, 5);
  assert.equal(q1.std_dev.status, 'value');
  assert.equal(typeof q1.std_dev.value, 'number');
});

test('reliability statistics are values or explicitly undefined, never NaN', () => {
  const stats = [
    round.reliability.alpha_nominal,
    round.reliability.alpha_ordinal,
    round.reliability.alpha_interval,
    round.reliability.alpha_ratio,
    ...(round.reliability.icc
      ? ['icc1_1', 'icc2_1', 'icc3_1', 'icc1_k', 'icc2_k', 'icc3_k'].map((k) => round.reliability.icc[k])
      : []),
  ];
  for (const s of stats) {
    if (s.status === 'value') assert.ok(Number.isFinite(s.value), JSON.stringify(s));
    else {
      assert.equal(s.status, 'undefined');
      assert.equal(typeof s.reason, 'string');
    }
  }
  // A single rater per item: r_wg and the spread are undefined, with a reason.
  const one = Feedback.fromObject(vector.feedback).aggregate(vector.responses.filter((r) => r.rater === 'M1'));
  const q1 = reportOf(one, 'A').agreement.find((x) => x.item === 'q1');
  assert.equal(q1.rwg.status, 'undefined');
  assert.equal(typeof q1.rwg.reason, 'string');
});

test('"na" never counts: the same round as leaving the line out', () => {
  const naLine = vector.responses.findIndex((r) => r.value === 'na');
  assert.ok(naLine >= 0, 'the vector has a not-applicable answer');
  const without = feedback.aggregateCanonical(responsesWith((r, i) => (i === naLine ? undefined : r)));
  assert.equal(without + '\n', expected);
  for (const spelling of ['NA', 'n/a', 'N/A']) {
    const got = feedback.aggregateCanonical(responsesWith((r, i) => (i === naLine ? { ...r, value: spelling } : r)));
    assert.equal(got + '\n', expected, spelling);
  }
});

test('null and an absent value are missing answers; they never count either', () => {
  const nullLine = vector.responses.findIndex((r) => r.value === null);
  assert.ok(nullLine >= 0, 'the vector has a missing answer');
  const absent = responsesWith((r, i) => {
    if (i === nullLine) delete r.value;
    return r;
  });
  assert.equal(feedback.aggregateCanonical(absent) + '\n', expected);
  const undef = responsesWith((r, i) => (i === nullLine ? { ...r, value: undefined } : r));
  assert.equal(feedback.aggregateCanonical(undef) + '\n', expected);
});

test('answers follow the number policy: strings exact, JS numbers by their shortest form', () => {
  // Every number written as a string gives the same bytes.
  const asText = responsesWith((r) => (typeof r.value === 'number' ? { ...r, value: String(r.value) } : r));
  assert.equal(feedback.aggregateCanonical(asText) + '\n', expected);
  // 4.5 as a number or "4.50" as text is exactly four and a half.
  const half = (v) =>
    Feedback.fromObject(vector.feedback).aggregate([
      { rater: 'M1', ratee: 'Z', group: 'manager', item: 'q1', value: v },
    ]);
  const score = (r) => groupOf(reportOf(r, 'Z'), 'manager').scores.items[0].score;
  assert.equal(score(half(4.5)), '4.5');
  assert.equal(score(half('4.50')), '4.5');
});

test('NaN and Infinity are INPUT_INVALID at responses[i].value, with every problem at once', () => {
  const bad = responsesWith((r, i) => (i === 0 ? { ...r, value: NaN } : i === 4 ? { ...r, value: -Infinity } : r));
  const e = assertPerfscoreError(catchError(() => feedback.aggregate(bad)), 'INPUT_INVALID');
  assert.deepEqual(located(e), [
    { path: 'responses[0].value', message: 'NaN is not a finite number' },
    { path: 'responses[4].value', message: '-Infinity is not a finite number' },
  ]);
  const inf = assertPerfscoreError(
    catchError(() => feedback.aggregateCanonical(responsesWith((r, i) => (i === 2 ? { ...r, value: Infinity } : r)))),
    'INPUT_INVALID',
  );
  assert.deepEqual(located(inf), [{ path: 'responses[2].value', message: 'Infinity is not a finite number' }]);
});

test('malformed responses: wrong types, unknown and missing fields, not an array', () => {
  const e = assertPerfscoreError(
    catchError(() =>
      feedback.aggregate([
        { rater: 'M1', ratee: 'A', group: 'manager', item: 'q1', value: 'abc' },
        { rater: 7, ratee: 'A', group: 'manager', item: 'q2', value: true },
        { rater: 'M1', ratee: 'A', group: 'manager', value: 4, comment: 'x' },
        { rater: 'M1', ratee: 'A', group: 'manager', value: 4 },
        'not an object',
      ]),
    ),
    'INPUT_INVALID',
  );
  assert.deepEqual(located(e), [
    { path: 'responses[0].value', message: '`abc` is not a number' },
    { path: 'responses[1].rater', message: 'expected text, found a number' },
    { path: 'responses[1].value', message: 'expected a number, found a bool (true)' },
    { path: 'responses[2].item', message: '`item` is missing' },
    { path: 'responses[2].comment', message: 'unknown field `comment` (fields: rater, ratee, group, item, value)' },
    { path: 'responses[3].item', message: '`item` is missing' },
    { path: 'responses[4]', message: 'expected a response (an object), found text' },
  ]);
  assert.deepEqual(e.problems.map((p) => p.kind), ['not_a_number', 'wrong_type', 'wrong_type', 'missing', 'unknown_field', 'missing', 'wrong_type']);
  const notArray = assertPerfscoreError(catchError(() => feedback.aggregate({ rater: 'M1' })), 'INPUT_INVALID');
  assert.deepEqual(located(notArray), [{ path: 'responses', message: 'expected a list of responses, found an object' }]);
});

test('the core checks the round: unknown items and groups, out-of-scale answers, duplicates', () => {
  const e = assertPerfscoreError(
    catchError(() =>
      feedback.aggregate([
        { rater: 'M1', ratee: 'A', group: 'manager', item: 'q9', value: 4 },
        { rater: 'M1', ratee: 'A', group: 'bosses', item: 'q1', value: 4 },
        { rater: 'M1', ratee: 'A', group: 'manager', item: 'q2', value: 6 },
        { rater: 'M1', ratee: 'A', group: 'manager', item: 'q2', value: 3 },
      ]),
    ),
    'INPUT_INVALID',
  );
  const paths = e.problems.map((p) => p.path);
  assert.ok(paths.includes('responses[0].item'), paths.join(', '));
  assert.ok(paths.includes('responses[1].group'), paths.join(', '));
  assert.ok(paths.some((p) => p.startsWith('responses[2]')), paths.join(', '));
  assert.ok(paths.includes('responses[3]'), paths.join(', '));
});

test('an invalid configuration is PLAN_INVALID with several problems', () => {
  const bad = {
    ...vector.feedback,
    scale: { min: 5, max: 1 },
    competencies: [
      { id: 'c', weight: 60, items: [{ id: 'q1' }] },
      { id: 'c', items: [{ id: 'q2' }] },
    ],
  };
  const e = assertPerfscoreError(catchError(() => Feedback.fromObject(bad)), 'PLAN_INVALID');
  assert.ok(e.problems.length >= 3, JSON.stringify(e.problems));
  const paths = e.problems.map((p) => p.path);
  assert.ok(paths.includes('scale'), paths.join(', '));
  assert.ok(paths.some((p) => p.startsWith('competencies')), paths.join(', '));
  // The same problems from JSON text; a non-finite number in a plain object is a problem too.
  const again = assertPerfscoreError(catchError(() => Feedback.fromJson(JSON.stringify(bad))), 'PLAN_INVALID');
  assert.equal(again.canonical, e.canonical);
  assertPerfscoreError(catchError(() => Feedback.fromJson('{')), 'PLAN_INVALID');
  assertPerfscoreError(
    catchError(() => Feedback.fromObject({ ...vector.feedback, scale: { min: 1, max: NaN } })),
    'PLAN_INVALID',
  );
});

test('explain in English and Chinese: groups, counts, weights and gaps of one ratee', () => {
  const en = feedback.explain(vector.responses, 'A');
  assert.equal(en, feedback.explain(vector.responses, 'A', 'en'));
  assert.ok(en.includes('Combined score 4.08'), en);
  assert.ok(en.includes('blind spot') && en.includes('hidden strength'), en);
  assert.ok(en.includes('customers: not shown'), en);
  const zh = feedback.explain(vector.responses, 'A', 'zh');
  assert.ok(zh.includes('盲点'), zh);
  assert.ok(zh.includes('综合得分 4.08'), zh);
  assert.ok(feedback.explain(vector.responses, 'B').includes('B'));
});

test('explain errors: unknown ratee, bad language, bad responses', () => {
  const nobody = assertPerfscoreError(catchError(() => feedback.explain(vector.responses, 'Nobody')), 'INPUT_INVALID');
  assert.deepEqual(located(nobody), [{ path: 'ratee', message: 'no responses about `Nobody` in this round' }]);
  const notText = assertPerfscoreError(catchError(() => feedback.explain(vector.responses, 42)), 'INPUT_INVALID');
  assert.deepEqual(located(notText), [{ path: 'ratee', message: 'expected text, found a number' }]);
  const lang = assertPerfscoreError(catchError(() => feedback.explain(vector.responses, 'A', 'fr')), 'INPUT_INVALID');
  assert.equal(lang.problems[0].path, 'lang');
  const nan = assertPerfscoreError(
    catchError(() => feedback.explain(responsesWith((r, i) => (i === 1 ? { ...r, value: NaN } : r)), 'A')),
    'INPUT_INVALID',
  );
  assert.deepEqual(located(nan), [{ path: 'responses[1].value', message: 'NaN is not a finite number' }]);
});
