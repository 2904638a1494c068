// The tape: per-record documents (scoreMany, statements, scoreFacts) cross from the backend as
// typed arrays and interned strings, and the front builds the objects. Whatever crosses, the
// objects are what JSON.parse of the canonical lines gives, key order included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTape } from '../../bindings-js/tape.mjs';
import { Plan, demoPlanJson, demoTeamCsv } from './load.mjs';

const node = (tag, payload = 0) => (payload << 3) | tag;
const [NULL, , TRUE, NUMBER, STRING, ARRAY, OBJECT] = [0, 1, 2, 3, 4, 5, 6];

/** A tape as the backends hand it over, from its interned strings. */
function tape(nodes, numbers, strings) {
  let end = 0;
  const stringEnds = strings.map((s) => (end += s.length));
  return {
    nodes: Uint32Array.from(nodes),
    numbers: Float64Array.from(numbers),
    strings: strings.join(''),
    stringEnds: Uint32Array.from(stringEnds),
  };
}

test('a hand-laid tape decodes to its document', () => {
  // The layout of core/src/ops/tape.rs's worked example: {"a":1,"b":[true,null,"xy","名字"],
  // "c":{"a":2.5}}, strings interned in order of first use.
  const t = tape(
    [
      node(OBJECT, 3), node(STRING, 0), node(NUMBER), node(STRING, 1), node(ARRAY, 4), node(TRUE),
      node(NULL), node(STRING, 2), node(STRING, 3), node(STRING, 4), node(OBJECT, 1), node(STRING, 0),
      node(NUMBER),
    ],
    [1, 2.5],
    ['a', 'b', 'xy', '名字', 'c'],
  );
  const docs = decodeTape(t);
  assert.equal(docs.length, 1);
  assert.equal(JSON.stringify(docs[0]), '{"a":1,"b":[true,null,"xy","名字"],"c":{"a":2.5}}');
});

test('a key named __proto__ is an own property, as JSON.parse makes it', () => {
  const t = tape([node(OBJECT, 1), node(STRING, 0), node(STRING, 1), node(ARRAY, 0)], [], ['__proto__', 'x']);
  const [doc, empty] = decodeTape(t);
  const parsed = JSON.parse('{"__proto__":"x"}');
  assert.equal(Object.getPrototypeOf(doc), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyNames(doc), ['__proto__']);
  assert.equal(JSON.stringify(doc), JSON.stringify(parsed));
  assert.deepEqual(empty, []);
});

test('scorecards with unusual attribute keys and texts match their canonical lines', () => {
  // Keys JavaScript treats specially (__proto__, constructor, integer-like keys, which objects
  // order first) and texts outside the basic plane, in a record's attributes.
  const plan = Plan.fromJson(demoPlanJson());
  const [first] = plan.recordsFromCsv(demoTeamCsv());
  const attributes = JSON.parse('{"__proto__":"p","constructor":"2","10":"ten","2":"two","emoji":"😀 𝄞","":"blank"}');
  const records = [{ ...first, attributes }, { ...first, id: 'B2', attributes: { constructor: '1' } }];
  const lines = plan.scoreCanonical(records);
  const cards = plan.scoreMany(records);
  assert.deepEqual(
    cards.map((c) => JSON.stringify(c)),
    lines.map((l) => JSON.stringify(JSON.parse(l))),
  );
  assert.equal(cards[0].attributes.emoji, '😀 𝄞');
  assert.equal(cards[0].attributes[10], 'ten');
  assert.equal(Object.getOwnPropertyDescriptor(cards[0].attributes, '__proto__').value, 'p');
  assert.equal(Object.getPrototypeOf(cards[0].attributes), Object.prototype);
});

/** A tape of the given documents, laid out as the core lays it out (strings interned). */
function tapeOf(documents) {
  const nodes = [];
  const numbers = [];
  const strings = [];
  const ids = new Map();
  const intern = (s) => {
    if (!ids.has(s)) {
      ids.set(s, strings.length);
      strings.push(s);
    }
    return ids.get(s);
  };
  const put = (v) => {
    if (v === null) nodes.push(node(NULL));
    else if (v === true) nodes.push(node(TRUE));
    else if (v === false) nodes.push(node(1));
    else if (typeof v === 'number') nodes.push(node(NUMBER)), numbers.push(v);
    else if (typeof v === 'string') nodes.push(node(STRING, intern(v)));
    else if (Array.isArray(v)) nodes.push(node(ARRAY, v.length)), v.forEach(put);
    else {
      const keys = Object.getOwnPropertyNames(v);
      nodes.push(node(OBJECT, keys.length));
      for (const k of keys) nodes.push(node(STRING, intern(k))), put(v[k]);
    }
  };
  documents.forEach(put);
  return tape(nodes, numbers, strings);
}

const LINES = [
  // One shape many times (past the point where its maker is compiled), nested in itself, beside
  // shapes that share its first keys, an empty object, integer-like keys (ordered first, as in
  // any object), and keys written to break out of a literal if they were pasted unquoted.
  ...Array.from({ length: 12 }, (_, i) =>
    `{"id":"E${i}","total":${i}.5,"inner":{"id":"in${i}","total":${i},"inner":{"id":"x","total":1,"inner":null}},"list":[{"id":"a","total":0,"inner":{}}]}`),
  '{"id":"E1","total":2}',
  '{"2":"two","10":"ten","a":"x"}',
  '{"\\"};throw new Error(1);//":1,"\\\\":2,"\\u2028":3,"名字":4}',
  '{"\\"};throw new Error(1);//":5,"\\\\":6,"\\u2028":7,"名字":8}',
];

test('objects of a repeated shape are the objects JSON.parse makes, each its own', () => {
  const expected = LINES.flatMap((l) => Array(5).fill(l)).map((l) => JSON.parse(l));
  const docs = decodeTape(tapeOf(expected));
  assert.deepEqual(docs.map((d) => JSON.stringify(d)), expected.map((d) => JSON.stringify(d)));
  assert.deepEqual(docs, expected);
  // Objects of one shape share nothing: changing one leaves the others as they were.
  docs[0].inner.total = 99;
  assert.equal(docs[1].inner.total, 0);
  assert.equal(Object.getPrototypeOf(docs[0]), Object.prototype);
});

test('a repeated shape with a __proto__ key keeps it an own property', () => {
  const doc = JSON.parse('{"a":1,"__proto__":{"polluted":true},"b":2}');
  const docs = decodeTape(tapeOf(Array(10).fill(doc)));
  for (const d of docs) {
    assert.equal(Object.getPrototypeOf(d), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyNames(d), ['a', '__proto__', 'b']);
    assert.equal(d.polluted, undefined);
  }
  assert.equal({}.polluted, undefined);
});

test('where code cannot be compiled from text, the same objects are made key by key', async () => {
  // Node's --disallow-code-generation-from-strings makes `new Function` throw, as a page's
  // Content-Security-Policy without 'unsafe-eval' does.
  const { execFileSync } = await import('node:child_process');
  const t = tapeOf(LINES.flatMap((l) => Array(5).fill(l)).map((l) => JSON.parse(l)));
  const script = `
    import { decodeTape } from ${JSON.stringify(new URL('../../bindings-js/tape.mjs', import.meta.url).href)};
    let compiled = true;
    try { new Function('return 1'); } catch { compiled = false; }
    const t = ${JSON.stringify({ ...t, nodes: [...t.nodes], numbers: [...t.numbers], stringEnds: [...t.stringEnds] })};
    const docs = decodeTape({ ...t, nodes: Uint32Array.from(t.nodes), numbers: Float64Array.from(t.numbers), stringEnds: Uint32Array.from(t.stringEnds) });
    process.stdout.write(JSON.stringify({ compiled, docs }));`;
  const out = JSON.parse(
    execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    }),
  );
  assert.equal(out.compiled, false);
  assert.deepEqual(out.docs, decodeTape(t));
});
