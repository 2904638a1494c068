// Documents from a backend's tape (the core's `ops::Tape`): the values their canonical JSON
// lines hold, built straight from typed arrays instead of writing and parsing JSON text. The
// layout, one u32 node each, depth first (low three bits the tag, the rest the payload):
//   0 null · 1 false · 2 true · 3 the next of `numbers` · 4 interned string `payload` ·
//   5 an array of `payload` values that follow · 6 an object of `payload` entries that follow,
//   each a tag-4 key then a value.
// Interned string i is `strings` from `stringEnds[i - 1]` (0 for the first) to `stringEnds[i]`,
// in UTF-16 units: each distinct text is made once and shared by every document that holds it.
// `JSON.stringify` of each document is its canonical line, byte for byte.

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
        const object = {};
        for (let i = 0; i < size; i++) {
          const key = table[nodes[n++] >>> 3];
          const v = value();
          // JSON.parse makes `__proto__` an own property; an assignment would set the prototype.
          if (key === '__proto__') {
            Object.defineProperty(object, key, { value: v, writable: true, enumerable: true, configurable: true });
          } else {
            object[key] = v;
          }
        }
        return object;
      }
    }
  }
  const documents = [];
  while (n < nodes.length) documents.push(value());
  return documents;
}
