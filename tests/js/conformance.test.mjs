// Conformance: every vector in tests/vectors gives byte-identical canonical JSON to the Rust
// runner (core/tests/conformance.rs): plan text → plan, records (JSON or CSV) → scorecards; pay
// vectors (`pay_plan`): plan + pay plan + records → one pay statement per line; pool vectors
// (`pool`): amount, minor units and weights → the canonical array of shares; feedback vectors
// (`feedback`): configuration + responses → the canonical round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plan, PayPlan, Feedback, splitPool, splitPoolCanonical, vectorNames, loadVector, features } from './load.mjs';

function outcome(fn) {
  try {
    return fn().join('\n') + '\n';
  } catch (e) {
    assert.equal(typeof e.canonical, 'string', `not a perfscore error: ${e && e.stack}`);
    return e.canonical + '\n';
  }
}

const names = vectorNames();

test('the vectors are there', () => {
  assert.ok(names.length >= 8, `found ${names.length} vectors`);
  assert.ok(names.some((n) => n.startsWith('pay/')), 'the pay and pool vectors in tests/vectors/pay');
  assert.ok(names.includes('feedback/feedback-example'), 'the 360 vectors in tests/vectors/feedback');
});

/**
 * Feedback vectors, as `run_feedback` in core/tests/conformance.rs: `Feedback::from_json`, the
 * responses, `aggregate`, then the round's canonical JSON (or the canonical error) and "\n".
 */
function feedbackVector(name, vector, expected) {
  if (!features.feedback) {
    test(`vector ${name}: a scoring-only module says 360 feedback is not built`, () => {
      assert.throws(() => Feedback.fromObject(vector.feedback).aggregateCanonical(vector.responses), (e) => e.code === 'NOT_BUILT');
    });
    return;
  }
  const run = (fn) => {
    try {
      return fn() + '\n';
    } catch (e) {
      assert.equal(typeof e.canonical, 'string', `not a perfscore error: ${e && e.stack}`);
      return e.canonical + '\n';
    }
  };

  test(`vector ${name}: the round byte for byte (configuration as JSON text)`, () => {
    const got = run(() => Feedback.fromJson(JSON.stringify(vector.feedback)).aggregateCanonical(vector.responses));
    assert.equal(got, expected);
  });

  test(`vector ${name}: the round byte for byte (configuration as a plain object)`, () => {
    const got = run(() => Feedback.fromObject(vector.feedback).aggregateCanonical(vector.responses));
    assert.equal(got, expected);
  });

  test(`vector ${name}: aggregate gives the canonical objects`, () => {
    let round;
    try {
      round = Feedback.fromObject(vector.feedback).aggregate(vector.responses);
    } catch (e) {
      assert.equal(e.canonical + '\n', expected);
      return;
    }
    assert.deepEqual(round, JSON.parse(expected));
  });
}

/** Pay vectors, as `run_pay` in core/tests/conformance.rs: one canonical statement per line. */
function payVector(name, vector, expected) {
  test(`vector ${name}: pay statements as the Rust runner reads them`, () => {
    const got = outcome(() => {
      const plan = Plan.fromJson(JSON.stringify(vector.plan));
      const pay = PayPlan.fromJson(JSON.stringify(vector.pay_plan), plan);
      return pay.statementsCanonical(plan.recordsFromJson(JSON.stringify(vector.records)));
    });
    assert.equal(got, expected);
  });

  test(`vector ${name}: pay statements from plain JS objects`, () => {
    const got = outcome(() => {
      const plan = Plan.fromObject(vector.plan);
      return PayPlan.fromObject(vector.pay_plan, plan).statementsCanonical(vector.records);
    });
    assert.equal(got, expected);
  });

  test(`vector ${name}: statements gives the canonical objects`, () => {
    let statements;
    try {
      const plan = Plan.fromObject(vector.plan);
      statements = PayPlan.fromObject(vector.pay_plan, plan).statements(vector.records);
    } catch (e) {
      assert.equal(e.canonical + '\n', expected);
      return;
    }
    const parsed = expected.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(statements, parsed);
    // Key order too: what JSON.parse of each line gives, property by property.
    assert.deepEqual(statements.map((d) => JSON.stringify(d)), parsed.map((d) => JSON.stringify(d)));
  });
}

/** Pool vectors, as `run_pool` in core/tests/conformance.rs: one line, the array of shares. */
function poolVector(name, pool, expected) {
  test(`vector ${name}: pool split byte for byte`, () => {
    let got;
    try {
      got = splitPoolCanonical(pool.amount, pool.minor_units, pool.weights) + '\n';
    } catch (e) {
      assert.equal(typeof e.canonical, 'string', `not a perfscore error: ${e && e.stack}`);
      got = e.canonical + '\n';
    }
    assert.equal(got, expected);
  });

  test(`vector ${name}: splitPool gives the canonical objects`, () => {
    let shares;
    try {
      shares = splitPool(pool.amount, pool.minor_units, pool.weights);
    } catch (e) {
      assert.equal(e.canonical + '\n', expected);
      return;
    }
    assert.deepEqual(shares, JSON.parse(expected));
  });
}

for (const name of names) {
  const { vector, expected } = loadVector(name);
  if ('pool' in vector) {
    poolVector(name, vector.pool, expected);
    continue;
  }
  if ('pay_plan' in vector) {
    payVector(name, vector, expected);
    continue;
  }
  if ('feedback' in vector) {
    feedbackVector(name, vector, expected);
    continue;
  }

  test(`vector ${name}: records as the Rust runner reads them`, () => {
    const got = outcome(() => {
      const plan = Plan.fromJson(JSON.stringify(vector.plan));
      const records =
        typeof vector.records_csv === 'string'
          ? plan.recordsFromCsv(vector.records_csv)
          : plan.recordsFromJson(JSON.stringify(vector.records));
      return plan.scoreCanonical(records, vector.options);
    });
    assert.equal(got, expected);
  });

  if (typeof vector.records_csv !== 'string') {
    test(`vector ${name}: records passed as plain JS objects`, () => {
      const got = outcome(() => Plan.fromObject(vector.plan).scoreCanonical(vector.records, vector.options));
      assert.equal(got, expected);
    });
  }

  test(`vector ${name}: scoreMany gives the canonical objects`, () => {
    let cards;
    try {
      const plan = Plan.fromObject(vector.plan);
      const records =
        typeof vector.records_csv === 'string' ? plan.recordsFromCsv(vector.records_csv) : vector.records;
      cards = plan.scoreMany(records, vector.options);
    } catch (e) {
      assert.equal(e.canonical + '\n', expected);
      assert.deepEqual({ code: e.code, problems: e.problems }, JSON.parse(e.canonical));
      return;
    }
    const parsed = expected.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(cards, parsed);
    // Key order too: what JSON.parse of each line gives, property by property.
    assert.deepEqual(cards.map((d) => JSON.stringify(d)), parsed.map((d) => JSON.stringify(d)));
  });
}
