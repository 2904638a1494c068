// Documents from a backend's tape (the core's `ops::Tape`): the values their canonical JSON
// lines hold, built straight from typed arrays instead of writing and parsing JSON text. The
// layout, one u32 node each, depth first (low three bits the tag, the rest the payload):
//   0 null · 1 false · 2 true · 3 the next of `numbers` · 4 interned string `payload` ·
//   5 an array of `payload` values that follow · 6 an object of `payload` entries that follow,
//   each a tag-4 key then a value.
// Interned string i is `strings` from `stringEnds[i - 1]` (0 for the first) to `stringEnds[i]`,
// in UTF-16 units: each distinct text is made once per chunk of the batch (the core's threads
// each intern their own) and shared by every document of that chunk that holds it.
// `JSON.stringify` of each document is its canonical line, byte for byte.
//
// Objects of one shape (the same keys in the same order: every scorecard's indicators, say) are
// made by one object literal compiled for that shape, which the engine builds from a template in
// one step; adding the keys one by one, from one place in the code for every shape, is a
// dictionary lookup per key and took half of the decoding. Where code cannot be compiled from
// text (a page whose Content-Security-Policy forbids it), and for a shape with a `__proto__` key
// (which a literal would take as the prototype), the keys are added one by one.

/** A shape is compiled once it has been seen this many times in one tape. */
const COMPILE_AFTER = 4;
/** At most this many compiled shapes are kept (for the life of the module). */
const MAX_SHAPES = 4096;
/** Compiled makers by their keys (as JSON text); `null`: add the keys one by one. */
const makers = new Map();
/** Whether code can be compiled from text here; asked the first time a shape repeats. */
let canCompile;

function compilable() {
  if (canCompile === undefined) {
    try {
      canCompile = new Function('return 1')() === 1;
    } catch {
      canCompile = false;
    }
  }
  return canCompile;
}

/**
 * A function `(stack, base)` making the object with `keys`, the values at `stack[base + i]`; or
 * `null` when it cannot be made from a literal. Keys are written as JSON string literals, which
 * are JavaScript string literals too, so no key can change the code.
 */
function makerFor(keys) {
  const id = JSON.stringify(keys);
  let make = makers.get(id);
  if (make === undefined) {
    make = null;
    if (!keys.includes('__proto__') && makers.size < MAX_SHAPES && compilable()) {
      const entries = keys.map((k, i) => `${JSON.stringify(k)}:s[b+${i}]`).join(',');
      make = new Function('s', 'b', `return {${entries}};`);
    }
    makers.set(id, make);
  }
  return make;
}

/** A node of one tape's tree of shapes: the keys so far, and the shapes one key longer by
 * the key's number in the tape's string table (an array: a lookup by index, not by hash). */
function shape(keys) {
  return { keys, next: [], seen: 0, make: undefined };
}

/** The documents of `tape` (`{nodes, numbers, strings, stringEnds}`), in order. */
export function decodeTape(tape) {
  const { nodes, numbers, strings, stringEnds } = tape;
  const table = new Array(stringEnds.length);
  let start = 0;
  for (let i = 0; i < stringEnds.length; i++) {
    table[i] = strings.slice(start, stringEnds[i]);
    start = stringEnds[i];
  }
  let n = 0;
  let f = 0;
  // An object's values wait on the stack until its last key is read (nested objects above them).
  const stack = [];
  let top = 0;
  const root = shape([]);

  /** The object of `keys` from the stack, its keys added one by one. */
  function keyByKey(keys, base) {
    const object = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const v = stack[base + i];
      // JSON.parse makes `__proto__` an own property; an assignment would set the prototype.
      if (key === '__proto__') {
        Object.defineProperty(object, key, { value: v, writable: true, enumerable: true, configurable: true });
      } else {
        object[key] = v;
      }
    }
    return object;
  }

  // Depth is the document's own (a scorecard's is a handful of levels).
  function value() {
    const node = nodes[n++];
    const size = node >>> 3;
    switch (node & 7) {
      case 0:
        return null;
      case 1:
        return false;
      case 2:
        return true;
      case 3:
        return numbers[f++];
      case 4:
        return table[size];
      case 5: {
        const items = [];
        for (let i = 0; i < size; i++) items.push(value());
        return items;
      }
      default: {
        const base = top;
        let at = root;
        for (let i = 0; i < size; i++) {
          const key = nodes[n++] >>> 3;
          let next = at.next[key];
          if (next === undefined) {
            next = shape([...at.keys, table[key]]);
            at.next[key] = next;
          }
          at = next;
          const v = value();
          stack[top++] = v;
        }
        if (at.make === undefined && ++at.seen >= COMPILE_AFTER) at.make = makerFor(at.keys);
        const object = at.make ? at.make(stack, base) : keyByKey(at.keys, base);
        top = base;
        return object;
      }
    }
  }
  const documents = [];
  while (n < nodes.length) documents.push(value());
  return documents;
}
