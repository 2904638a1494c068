// Long batches behave: summarizeAsync scores an array or CSV text part by part without holding
// the event loop, gives exactly summarize's summaries and problems, reports progress, and an
// AbortSignal stops it at the next part with nothing returned; iterSummaries hands out each
// batch's summaries as it is scored, with rows numbered and ids checked across the stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plan, PayPlan, demoTeamCsv, loadVector } from './load.mjs';

const plan = Plan.template('monthly-sales-rep');
const csv = demoTeamCsv();
const demo = plan.recordsFromCsv(csv);

/** The demo team repeated, each copy's ids made unique (E001-0, E001-1, …). */
const team = (copies) =>
  Array.from({ length: copies * demo.length }, (_, i) => {
    const r = demo[i % demo.length];
    return { ...r, id: `${r.id}-${Math.floor(i / demo.length)}` };
  });

/** The demo export's lines repeated the same way, as CSV text. */
const teamCsv = (copies) => {
  const [header, ...rows] = csv.trimEnd().split('\n');
  const out = [header];
  for (let k = 0; k < copies; k++) for (const row of rows) out.push(row.replace(/^([^,]+)/, `$1-${k}`));
  return out.join('\n');
};

test('summarizeAsync of an array and of CSV text gives summarize\'s summaries', async () => {
  const records = team(2500); // 30,000 rows: two parts of 16,384 and one of the rest
  const expected = plan.summarize(records);
  assert.deepEqual(await plan.summarizeAsync(records), expected);
  assert.deepEqual(await plan.summarizeAsync(teamCsv(2500)), expected);
  // The demo's printed table: E001 119.16 S; E004 vetoed to D.
  assert.deepEqual(expected[0], { record_id: 'E001-0', total: '119.16', grade: 'S', grade_before_veto: null, vetoed: false });
  assert.equal(expected[3].grade, 'D');
  assert.equal(expected[3].vetoed, true);
});

test('summarizeAsync passes options and pays under a pay plan', async () => {
  const { vector } = loadVector('pay/pay-worked-example');
  const scoring = Plan.fromObject(vector.plan);
  const pay = PayPlan.fromObject(vector.pay_plan, scoring);
  const expected = scoring.summarize(vector.records, vector.options, pay);
  assert.ok(expected.every((s) => typeof s.pay === 'string'));
  assert.deepEqual(await scoring.summarizeAsync(vector.records, vector.options, pay, { partRows: 1 }), expected);
});

test('summarizeAsync reports the problems of every part together, as summarize does', async () => {
  const records = team(2500);
  records[3] = { ...records[3], measures: { ...records[3].measures, revenue: 'lots' } };
  records[20_000] = { ...records[20_000], id: records[5].id };
  let sync;
  assert.throws(() => plan.summarize(records), (e) => ((sync = e), true));
  assert.deepEqual(sync.problems.map((p) => p.loc), [['records', 3, 'measures', 'revenue'], ['records', 20_000, 'id']]);
  await assert.rejects(plan.summarizeAsync(records), (e) => {
    assert.equal(e.code, 'INPUT_INVALID');
    assert.equal(e.canonical, sync.canonical);
    return true;
  });
});

test('summarizeAsync reports progress after each part', async () => {
  const calls = [];
  await plan.summarizeAsync(team(2500), undefined, undefined, { partRows: 16_384, onProgress: (p) => calls.push(p) });
  assert.deepEqual(calls, [{ rows: 16_384, total: 30_000 }, { rows: 30_000, total: 30_000 }]);
  calls.length = 0;
  await plan.summarizeAsync(csv, undefined, undefined, { partRows: 5, onProgress: (p) => calls.push(p.rows) });
  assert.deepEqual(calls, [5, 10, 12]);
});

test('the event loop runs between parts', async () => {
  const records = team(10_000); // 120,000 rows: 8 parts (native), 30 parts (wasm)
  // After each part, a callback is queued on the loop (setImmediate); it records how many parts
  // had been reported when it ran. A batch that held the loop would run them all at its end
  // (each seeing every part); here each runs before the next part is reported. Counted, not
  // timed, so a loaded machine cannot make it flaky.
  const reported = [];
  const seen = [];
  const onProgress = ({ rows }) => {
    reported.push(rows);
    setImmediate(() => seen.push(reported.length));
  };
  await plan.summarizeAsync(records, undefined, undefined, { onProgress });
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(reported.length >= 8, `${reported.length} parts`);
  assert.deepEqual(seen, reported.map((_, i) => i + 1));
});

test('an AbortSignal stops the batch at the next part and nothing is returned', async () => {
  const records = team(10_000);
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(plan.summarizeAsync(records, undefined, undefined, { signal: aborted.signal }), { name: 'AbortError' });

  // Abort from the loop's next turn after the first part, while the second is scored (on a
  // worker natively; between parts on wasm). Counted in parts, not timed, so a loaded machine
  // cannot make it flaky: no part after the one during which the abort came is reported.
  const controller = new AbortController();
  const reported = [];
  let abortedAfter;
  const onProgress = ({ rows }) => {
    reported.push(rows);
    if (reported.length === 1) {
      setImmediate(() => {
        abortedAfter = reported.length;
        controller.abort();
      });
    }
  };
  let result;
  await assert.rejects(
    (async () => {
      result = await plan.summarizeAsync(records, undefined, undefined, { signal: controller.signal, onProgress });
    })(),
    { name: 'AbortError' },
  );
  assert.equal(result, undefined);
  // 120,000 rows: 8 parts natively, 30 on wasm.
  const parts = Math.ceil(records.length / reported[0]);
  assert.ok(parts >= 8, `${parts} parts`);
  assert.ok(reported.length <= abortedAfter + 1 && abortedAfter + 1 < parts, `reported ${reported.length} parts, aborted after ${abortedAfter}`);
});

test('iterSummaries hands out each batch as it is scored, ids checked across batches', async () => {
  const parts = [];
  for await (const part of plan.iterSummaries(csv, undefined, undefined, { partRows: 5 })) parts.push(part);
  assert.deepEqual(parts.map((p) => p.length), [5, 5, 2]);
  assert.deepEqual(parts.flat(), plan.summarize(demo));

  // A generator of batches: the same team twice, so the second E001 is row 12 of the stream.
  async function* batches() {
    yield demo;
    yield demo;
  }
  const stream = plan.iterSummaries(batches());
  assert.equal((await stream.next()).value.length, 12);
  await assert.rejects(stream.next(), (e) => {
    assert.equal(e.code, 'INPUT_INVALID');
    assert.deepEqual(e.problems[0].loc, ['records', 12, 'id']);
    assert.equal(e.problems[0].kind, 'duplicate');
    return true;
  });
});

test('long-batch methods refuse wrong arguments as INVALID_ARGUMENT', async () => {
  const invalid = { name: 'TypeError', code: 'INVALID_ARGUMENT' };
  await assert.rejects(plan.summarizeAsync(42), invalid);
  await assert.rejects(plan.summarizeAsync(demo, undefined, undefined, { partRows: 0 }), invalid);
  await assert.rejects(plan.summarizeAsync(demo, undefined, undefined, { signal: 'stop' }), invalid);
  await assert.rejects(plan.summarizeAsync(demo, undefined, {}), invalid);
  await assert.rejects(plan.iterSummaries(7).next(), invalid);
  const mixed = plan.iterSummaries([demo, 'x']);
  assert.equal((await mixed.next()).value.length, 12);
  await assert.rejects(mixed.next(), invalid);
});

test('a pay plan compiled against another plan is refused, never used with the wrong plan', async () => {
  const { vector } = loadVector('pay/pay-worked-example');
  const scoring = Plan.fromObject(vector.plan);
  const pay = PayPlan.fromObject(vector.pay_plan, scoring);
  const mismatch = (e) => {
    assert.equal(e.code, 'INPUT_INVALID');
    assert.deepEqual(e.problems.map((p) => [p.loc, p.kind]), [[['pay_plan'], 'plan_mismatch']]);
    return true;
  };
  // `plan` (the demo template) is not the plan `pay` was compiled against.
  assert.throws(() => plan.summarize(demo, undefined, pay), mismatch);
  await assert.rejects(plan.summarizeAsync(demo, undefined, pay), mismatch);
  await assert.rejects(plan.iterSummaries([demo], undefined, pay).next(), mismatch);
  // The same document compiled again is the same plan.
  const again = Plan.fromJson(scoring.toJson());
  assert.deepEqual(again.summarize(vector.records, undefined, pay), scoring.summarize(vector.records, undefined, pay));
});
