// The two JS packages declare their shared types (360-degree feedback, analytics) in one file:
// bindings-node/shared.d.ts is the source and bindings-wasm/js/shared.d.ts must be its exact copy,
// so the types cannot drift apart (bindings-node's tsc check covers the source).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

test('bindings-wasm/js/shared.d.ts is a copy of bindings-node/shared.d.ts', () => {
  const source = readFileSync(new URL('../../bindings-node/shared.d.ts', import.meta.url), 'utf8');
  const copy = readFileSync(new URL('../../bindings-wasm/js/shared.d.ts', import.meta.url), 'utf8');
  assert.equal(copy, source, 'copy bindings-node/shared.d.ts to bindings-wasm/js/shared.d.ts');
});
