// Native-only checks (not part of the shared suite): the panic safety net and the loader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';

const require = createRequire(import.meta.url);
const perfscore = require('../index.js');

test('a panic in an export is a JS exception, not an abort', () => {
  const native = require(`../${readdirSync(new URL('..', import.meta.url)).find((f) => f.endsWith('.node'))}`);
  assert.throws(() => native.__panicForTests(), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /panic/i);
    return true;
  });
  // The addon still works afterwards.
  assert.equal(perfscore.Plan.template('monthly-sales-rep').id, 'monthly-sales-rep');
});

test('the wrapper exports exactly the public API', () => {
  assert.deepEqual(Object.keys(perfscore).sort(), [
    'Plan',
    'demoPlanJson',
    'demoTeamCsv',
    'errorToCanonicalJson',
    'version',
  ]);
  assert.match(perfscore.version(), /^\d+\.\d+\.\d+/);
});

test('the Plan class has every member index.d.ts declares', () => {
  const { Plan } = perfscore;
  for (const name of ['fromJson', 'fromObject', 'template']) assert.equal(typeof Plan[name], 'function', name);
  for (const name of [
    'measureIds',
    'recordsFromCsv',
    'recordsFromJson',
    'score',
    'scoreMany',
    'scoreManyAsync',
    'scoreCanonical',
    'explain',
  ]) {
    assert.equal(typeof Plan.prototype[name], 'function', name);
  }
  assert.equal(typeof Object.getOwnPropertyDescriptor(Plan.prototype, 'id').get, 'function');
});
