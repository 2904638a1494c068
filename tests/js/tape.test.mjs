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
