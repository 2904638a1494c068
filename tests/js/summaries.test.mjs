// The lean batch path `plan.summarize(records, options?, payPlan?)` → per record
// `{ record_id, total, grade, grade_before_veto, vetoed, pay? }`. It must agree with `scoreMany`
// on every scoring vector (and throw exactly its errors), with the pay statements' totals on the
// pay vectors, and reproduce the worked example's hand-checked numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plan, PayPlan, implName, vectorNames, loadVector, catchError, demoPlanJson, demoTeamCsv } from './load.mjs';

// Until an implementation has `summarize`, its run skips these tests (and says so).
const hasSummarize = typeof Plan.fromJson(demoPlanJson()).summarize === 'function';
const skip = hasSummarize
  ? false
  : `${implName}: plan.summarize is not a function in this implementation yet; summary tests skipped`;
const check = (name, fn) => test(name, { skip }, fn);

const KEYS = ['record_id', 'total', 'grade', 'grade_before_veto', 'vetoed'];

/** What `summarize` must give for a scorecard (and, with pay, the statement's total). */
function fromCard(card, statement) {
  const s = {
    record_id: card.record_id,
    total: card.total,
    grade: card.grade,
    grade_before_veto: card.grade_before_veto ?? null,
    vetoed: (card.vetoes ?? []).length > 0,
  };
  if (statement !== undefined) s.pay = normalise(statement.total);
  return s;
}

/** A decimal string without trailing fractional zeros (`"2400.00"` → `"2400"`, `"0.50"` → `"0.5"`). */
function normalise(text) {
  const s = String(text);
  const n = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  return n === '-0' ? '0' : n;
}

/** `fn()`'s result, or the canonical text of the perfscore error it throws. */
function outcome(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    assert.equal(typeof e.canonical, 'string', `not a perfscore error: ${e && e.stack}`);
    return { error: e.canonical, code: e.code, problems: e.problems, message: e.message };
  }
}

/** `summarize` agrees with `scoreMany` (values, or the same error in every detail). */
function assertSameAsScoreMany(plan, records, options, run) {
  const want = outcome(() => plan.scoreMany(records, options).map((c) => fromCard(c)));
  const got = outcome(() => plan.summarize(records, options, undefined, run));
  assert.deepEqual(got, want);
  if (got.value) {
    for (const s of got.value) assert.deepEqual(Object.keys(s), KEYS);
  }
  return got;
}

/** With a pay plan, `summarize` agrees with `scoreMany` and `payPlan.statements` together. */
function assertSameAsStatements(plan, pay, records, options, run) {
  const want = outcome(() => {
    const cards = plan.scoreMany(records, options);
    const statements = pay.statements(records, options);
    return cards.map((c, i) => fromCard(c, statements[i]));
  });
  const got = outcome(() => plan.summarize(records, options, pay, run));
  assert.deepEqual(got, want);
  if (got.value) {
    for (const s of got.value) assert.deepEqual(Object.keys(s), [...KEYS, 'pay']);
  }
  return got;
}

// ---------------------------------------------------------------------------------------------
// Every scoring vector: the same record_id/total/grade/grade_before_veto/vetoed, or the same error
// ---------------------------------------------------------------------------------------------

const scoring = vectorNames().filter((n) => !n.includes('/'));

test('the scoring vectors are there', () => {
  assert.ok(scoring.length >= 8, `found ${scoring.length}`);
});

for (const name of scoring) {
  const { vector, expected } = loadVector(name);
  const first = JSON.parse(expected.split('\n')[0]);
  const kind = 'code' in first ? 'error' : 'scorecards';

  check(`vector ${name} (${kind}): summarize agrees with scoreMany`, () => {
    let plan;
    let records;
    try {
      plan = Plan.fromObject(vector.plan);
      records = typeof vector.records_csv === 'string' ? plan.recordsFromCsv(vector.records_csv) : vector.records;
    } catch (e) {
      // The plan or the CSV is refused before anything is scored: nothing for summarize to do.
      assert.equal(kind, 'error');
      assert.equal(e.canonical + '\n', expected);
      return;
    }
    const got = assertSameAsScoreMany(plan, records, vector.options);
    if (kind === 'error') {
      assert.equal(got.error + '\n', expected);
    } else {
      const cards = expected.trimEnd().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(got.value, cards.map((c) => fromCard(c)));
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The worked example (core/tests/worked_example.rs): 88.48 B, 74.40 C, veto → 0.00 D
// ---------------------------------------------------------------------------------------------

const worked = loadVector('worked-example').vector;

check('worked example: 88.48 B, 74.40 C, 0.00 D (vetoed)', () => {
  const plan = Plan.fromObject(worked.plan);
  assert.deepEqual(plan.summarize(worked.records), [
    { record_id: 'E001', total: '88.48', grade: 'B', grade_before_veto: null, vetoed: false },
    { record_id: 'E002', total: '74.40', grade: 'C', grade_before_veto: null, vetoed: false },
    { record_id: 'E003', total: '0.00', grade: 'D', grade_before_veto: null, vetoed: true },
  ]);
});

check('worked example with pay: performance pay 3000 / 2400 / 0 plus the margin commission', () => {
  const { vector } = loadVector('pay/pay-worked-example');
  const plan = Plan.fromObject(vector.plan);
  const pay = PayPlan.fromObject(vector.pay_plan, plan);
  const got = plan.summarize(vector.records, undefined, pay);
  assert.deepEqual(
    got.map((s) => [s.record_id, s.total, s.grade, s.vetoed, s.pay]),
    [
      ['E001', '88.48', 'B', false, '15250'],
      ['E002', '74.40', 'C', false, '16400'],
      ['E003', '0.00', 'D', true, '14000'],
    ],
  );
  // The statements: 3000.00 + 12250.00, 2400.00 + 14000.00, 0.00 + 14000.00.
  assert.deepEqual(
    pay.statements(vector.records).map((s) => s.total),
    ['15250.00', '16400.00', '14000.00'],
  );
});

check('a capped grade keeps the grade before the veto (demo team)', () => {
  const plan = Plan.fromJson(demoPlanJson());
  const records = plan.recordsFromCsv(demoTeamCsv());
  const got = assertSameAsScoreMany(plan, records).value;
  assert.ok(got.some((s) => s.grade_before_veto !== null && s.vetoed), 'a capped grade in the demo team');
});

// ---------------------------------------------------------------------------------------------
// Pay vectors: `pay` is the pay statement's total, normalised; scored once with the same numbers
// ---------------------------------------------------------------------------------------------

for (const name of vectorNames().filter((n) => n.startsWith('pay/'))) {
  const { vector } = loadVector(name);
  if (!('pay_plan' in vector)) continue;

  check(`vector ${name}: pay is the statement total of PayPlan.statements`, () => {
    const plan = Plan.fromObject(vector.plan);
    const pay = PayPlan.fromObject(vector.pay_plan, plan);
    const got = assertSameAsStatements(plan, pay, vector.records).value;
    const statements = pay.statements(vector.records);
    assert.equal(got.length, statements.length);
    for (const [i, s] of got.entries()) {
      assert.equal(s.pay, normalise(statements[i].total));
      assert.equal(Number(s.pay), Number(statements[i].total));
    }
    // Without a pay plan there is no `pay` key at all.
    for (const s of plan.summarize(vector.records)) assert.ok(!('pay' in s));
    // null/undefined pay plans mean none.
    assert.deepEqual(plan.summarize(vector.records, null, null), plan.summarize(vector.records));
  });

  check(`vector ${name}: pay errors as PayPlan.statements (after scoring errors)`, () => {
    const plan = Plan.fromObject(vector.plan);
    const pay = PayPlan.fromObject(vector.pay_plan, plan);
    // Drop a measure only some pay formula or commission may need, then one scoring needs too.
    for (const drop of [['gross_profit'], ['collected', 'demos'], ['days_employed'], ['revenue']]) {
      const records = structuredClone(vector.records);
      for (const m of drop) delete records[records.length - 1].measures[m];
      assertSameAsStatements(plan, pay, records);
    }
  });
}

check('a pay plan that is not a PayPlan is a TypeError', () => {
  const plan = Plan.fromObject(worked.plan);
  assert.throws(() => plan.summarize(worked.records, undefined, {}), TypeError);
  assert.throws(() => plan.summarize(worked.records, undefined, 'pay'), TypeError);
});

// ---------------------------------------------------------------------------------------------
// Records as JS objects: shapes, value kinds and every error exactly as scoreMany
// ---------------------------------------------------------------------------------------------

const records = () => structuredClone(worked.records);

check('values as numbers, digit strings, null and undefined; keys in any order; aliases', () => {
  const plan = Plan.fromObject(worked.plan);
  const rs = records();
  // Numbers as digit strings for one record, keys reversed for another, nulls and undefineds.
  rs[0].measures = Object.fromEntries(Object.entries(rs[0].measures).map(([k, v]) => [k, String(v)]));
  rs[1].measures = Object.fromEntries(Object.entries(rs[1].measures).reverse());
  rs[1].measures.visits = 20.5;
  rs[2].measures.key_accounts = null;
  rs[2].measures.not_in_plan = null; // a missing value of an unknown name is not a problem
  rs[2].measures.complaints = undefined;
  rs[2].team = 'East';
  rs[2].attributes = { level: 'P5', none: null };
  assertSameAsScoreMany(plan, rs);
  // An alias (`销售额` is `revenue`) in one record and the id in the others.
  const aliased = records();
  aliased[1].measures['销售额'] = aliased[1].measures.revenue;
  delete aliased[1].measures.revenue;
  const got = assertSameAsScoreMany(plan, aliased).value;
  // Ids and values that are not plain ASCII (a lone surrogate is read as U+FFFD, as scoreMany does).
  const odd = records();
  odd[0].id = 'E\uD800';
  odd[1].id = '李伟';
  odd[1].name = 'Lǐ\uDC00';
  assertSameAsScoreMany(plan, odd);
  // Measure values that are text but not ASCII digits: full-width digits, a lone surrogate, a NUL,
  // an astral character, and a plain value after them in the same batch (the bytes stay aligned).
  const text = records();
  text[0].measures.visits = '２０';
  text[1].measures.visits = '20\uD800';
  text[1].measures.demos = '1\u0000';
  text[2].measures.complaints = '😀';
  text[2].measures.key_accounts = '1';
  assertSameAsScoreMany(plan, text);
  const clean = records();
  clean[0].measures.visits = '20';
  clean[1].measures.demos = '３';
  assertSameAsScoreMany(plan, clean);
  assert.deepEqual(got.map((s) => s.total), ['88.48', '74.40', '0.00']);
});

check('one measure as numbers in some records and text in others; blank text; exponents; -0; BigInt', () => {
  const plan = Plan.fromObject(worked.plan);
  // A measure whose values are numbers in one record and strings in another crosses as text.
  const mixed = records();
  mixed[0].measures.visits = String(mixed[0].measures.visits);
  mixed[2].measures.visits = 1e-7;
  const got = assertSameAsScoreMany(plan, mixed).value;
  assert.deepEqual(got.map((s) => s.total), ['88.48', '74.40', '0.00']);
  // Blank text is a value that is not a number (as in a JSON record), not a missing one.
  for (const blank of ['', '  ', '\u3000', '\t']) {
    const rs = records();
    rs[1].measures.visits = blank;
    const out = assertSameAsScoreMany(plan, rs);
    assert.ok(out.error, `${JSON.stringify(blank)} was read as a value`);
  }
  // Numbers JS writes with an exponent, negative zero and a BigInt read as their JSON text.
  const odd = records();
  odd[0].measures.complaints = -0;
  odd[1].measures.key_accounts = 1e21;
  odd[1].measures.complaints = 5e-324;
  odd[2].measures.visits = 12n;
  assertSameAsScoreMany(plan, odd);
  const small = records();
  small[0].measures.complaints = 2.5e-7;
  small[2].measures.key_accounts = 123456789012345680000;
  assertSameAsScoreMany(plan, small);
});

check('records with different sets of measures (missing ones in some)', () => {
  const plan = Plan.fromObject(loadVector('missing-policies').vector.plan);
  const rs = loadVector('missing-policies').vector.records;
  assertSameAsScoreMany(plan, rs);
  assertSameAsScoreMany(plan, [...rs].reverse());
});

check('mid-period options', () => {
  const { vector } = loadVector('worked-example-progress');
  const plan = Plan.fromObject(vector.plan);
  assertSameAsScoreMany(plan, vector.records, vector.options);
  assertSameAsScoreMany(plan, vector.records, { period: { basis: 'calendar_days', elapsed: 3, total: 30 } });
});

check('an empty batch is an empty array', () => {
  const plan = Plan.fromObject(worked.plan);
  assert.deepEqual(plan.summarize([]), []);
});

check('errors: every problem of the batch at once, exactly as scoreMany', () => {
  const plan = Plan.fromObject(worked.plan);
  const cases = {
    'not an array': () => ({ r: 'E001' }),
    'an object instead of an array': () => ({ length: 1, 0: records()[0] }),
    'duplicate ids': () => [...records(), records()[0]],
    'NaN, "abc", a boolean and Infinity': () => {
      const rs = records();
      rs[0].measures.revenue = NaN;
      rs[1].measures.visits = 'abc';
      rs[1].measures.demos = true;
      rs[2].measures.complaints = -Infinity;
      return rs;
    },
    'a record that is not an object, an array, null': () => [records()[0], 42, [], null],
    'missing id, an id that is a number, an unknown field': () => {
      const rs = records();
      delete rs[0].id;
      rs[1].id = 2;
      rs[2].salary = '100';
      return rs;
    },
    'bad name, attributes and measures types': () => {
      const rs = records();
      rs[0].name = 7;
      rs[1].attributes = { level: 5 };
      rs[2].measures = [1, 2];
      return rs;
    },
    'an unknown measure': () => {
      const rs = records();
      rs[1].measures.revenu = 1;
      return rs;
    },
    'a measure given by id and alias': () => {
      const rs = records();
      rs[0].measures['销售额'] = 850000;
      return rs;
    },
    'a missing measure in two records': () => {
      const rs = records();
      delete rs[0].measures.demos;
      delete rs[2].measures.visits;
      return rs;
    },
    'scoring problems and a duplicate id together': () => {
      const rs = records();
      delete rs[0].measures.demos;
      rs[2].id = 'E002';
      return rs;
    },
  };
  for (const [what, make] of Object.entries(cases)) {
    const rs = make();
    const got = assertSameAsScoreMany(plan, rs);
    assert.ok(got.error, `${what}: expected an error`);
    assert.equal(got.code, 'INPUT_INVALID', what);
  }
});

check('errors: bad options after record problems, as scoreMany', () => {
  const plan = Plan.fromObject(worked.plan);
  const bad = { period: { basis: 'calendar_days', elapsed: 40, total: 30 } };
  let got = assertSameAsScoreMany(plan, records(), bad);
  assert.ok(got.error);
  got = assertSameAsScoreMany(plan, records(), { unknown: 1 });
  assert.ok(got.error);
  const rs = records();
  rs[0].measures.revenue = 'x';
  got = assertSameAsScoreMany(plan, rs, { unknown: 1 });
  assert.match(got.error, /records\[0\] \([^)]*\)\.measures\.revenue/);
});

check('a large batch of one shape equals scoreMany (the columnar path)', () => {
  const plan = Plan.fromJson(demoPlanJson());
  const team = plan.recordsFromCsv(demoTeamCsv());
  const many = [];
  for (let i = 0; i < 700; i++) {
    for (const r of team) many.push({ ...r, id: `${r.id}-${i}` });
  }
  const got = assertSameAsScoreMany(plan, many).value;
  assert.equal(got.length, many.length);
});

check('large batches in chunks (the native addon scores them on several threads): results and errors', () => {
  // `threads` is the native package's (the core's batch engine); wasm always scores on one.
  const plan = Plan.fromJson(demoPlanJson());
  const team = plan.recordsFromCsv(demoTeamCsv());
  const { vector } = loadVector('pay/pay-features');
  const wplan = Plan.fromObject(vector.plan);
  const pay = PayPlan.fromObject(vector.pay_plan, wplan);
  const grow = (rs, times) => {
    const out = [];
    for (let i = 0; i < times; i++) for (const r of rs) out.push({ ...r, measures: { ...r.measures }, id: `${r.id}-${i}` });
    return out;
  };
  for (const threads of [1, 3, 7]) {
    const run = { threads };
    const many = grow(team, 30); // 360 records
    assertSameAsScoreMany(plan, many, undefined, run);
    // A missing measure in two chunks, and a duplicate id across chunks.
    const broken = grow(team, 30);
    delete broken[5].measures.visits;
    delete broken[300].measures.demos;
    broken[350].id = broken[2].id;
    assert.ok(assertSameAsScoreMany(plan, broken, undefined, run).error);
    // Only a duplicate id across chunks.
    const dup = grow(team, 30);
    dup[359].id = dup[0].id;
    assert.ok(assertSameAsScoreMany(plan, dup, undefined, run).error);
    // A value that does not read, in the last chunk (a conversion problem comes first).
    const bad = grow(team, 30);
    delete bad[10].measures.visits;
    bad[355].measures.visits = 'x1';
    assert.match(assertSameAsScoreMany(plan, bad, undefined, run).error, /records\[355\] \([^)]*\)\.measures\.visits/);
    // Pay over chunks, and a pay problem (a measure only pay needs) in one of them.
    const paid = grow(vector.records, 60);
    assertSameAsStatements(wplan, pay, paid, undefined, run);
    delete paid[100].measures.days_employed;
    assert.match(assertSameAsStatements(wplan, pay, paid, undefined, run).error, /records\[100\]/);
  }
});
