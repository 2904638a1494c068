// Plain records as a compact table for the batch fast path (`summarize`): ids, column names and
// each measure's values cross into the engine column by column in a few typed arrays instead of
// JSON, for both backends; the engine reads them as a frame (numbers as floats, text as Arrow
// text). The layout is documented on `EncodedTable` in core/src/ops/table.rs.

const utf8 = new TextEncoder();

/**
 * UTF-8 text written straight into one growing Uint8Array, with Arrow offsets kept by the
 * caller. Joining 300,000 short strings into one JS string, which then has to be converted
 * again, costs three times as much.
 */
class Utf8Bytes {
  constructor(capacity) {
    this.bytes = new Uint8Array(Math.max(64, capacity));
    this.length = 0;
  }

  /** Append `value`; `false` (nothing usable written) for text that is not valid Unicode. */
  push(value) {
    // At most 3 UTF-8 bytes per UTF-16 unit.
    const need = this.length + 3 * value.length;
    if (need > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, need));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    const bytes = this.bytes;
    const at = this.length;
    for (let j = 0; j < value.length; j++) {
      const c = value.charCodeAt(j);
      if (c > 127) {
        // Anything else (rare in a number or an id) by the encoder; a lone surrogate would
        // become U+FFFD, so such text is left to the record path, which reports it.
        if (!value.isWellFormed()) return false;
        this.length = at + utf8.encodeInto(value, bytes.subarray(at)).written;
        return true;
      }
      bytes[at + j] = c;
    }
    this.length = at + value.length;
    return true;
  }

  /** The bytes written so far (a view, not a copy). */
  view() {
    return this.bytes.subarray(0, this.length);
  }
}

const RECORD_FIELDS = new Set(['id', 'name', 'team', 'department', 'branch', 'attributes', 'measures']);

const isPlain = (v) => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Records as the compact table `summarize` sends, or `null` when any record holds something
 * only the JSON path reads exactly (a non-finite number, an unknown field, a value of another
 * type, a non-plain object, text that is not valid Unicode…): `summarize` then takes that path,
 * which reports the same problems as `scoreMany`. Plain data with string or number values, the
 * common case, never leaves JS as JSON and is never parsed as JSON in wasm.
 */
export function encodeTable(records) {
  try {
    return encode(records);
  } catch {
    // A getter threw or the like: the record path meets it again and reports it.
    return null;
  }
}

function encode(records) {
  if (!Array.isArray(records)) return null;
  const n = records.length;
  const ids = new Array(n);
  const names = [];
  const byName = new Map();
  const columns = [];
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (!isPlain(r)) return null;
    let id;
    let m;
    for (const k in r) {
      const v = r[k];
      if (k === 'id') {
        if (typeof v !== 'string') return null;
        id = v;
      } else if (k === 'measures') {
        m = v;
      } else if (!RECORD_FIELDS.has(k)) {
        return null;
      } else if (k === 'attributes') {
        if (v === undefined) continue;
        if (!isPlain(v)) return null;
        for (const a in v) if (typeof v[a] !== 'string' && v[a] !== undefined) return null;
      } else if (v !== undefined && v !== null && typeof v !== 'string') {
        return null;
      }
    }
    if (id === undefined) return null;
    ids[i] = id;
    if (m === undefined) continue;
    if (!isPlain(m)) return null;
    let position = 0;
    for (const k in m) {
      const v = m[k];
      if (v === null || v === undefined) continue;
      // Records of one shape list their keys in the same order: the column is usually the one
      // at the same position.
      let column = names[position] === k ? columns[position] : byName.get(k);
      if (column === undefined) {
        column = new EncodedColumn(n);
        names.push(k);
        columns.push(column);
        byName.set(k, column);
      }
      if (!column.set(i, v)) return null;
      position += 1;
    }
  }
  return joined(ids, names, columns);
}

/**
 * One measure's values as they arrive, row by row: numbers into floats (NaN: none), anything
 * else into UTF-8 text with Arrow offsets and a validity bitmap. A column holding both is
 * written as text at the end.
 */
class EncodedColumn {
  constructor(n) {
    this.n = n;
    this.numbers = null;
    this.text = null;
    this.offsets = null;
    this.present = null;
    // The last row with text: the offsets are written up to its end.
    this.last = -1;
  }

  /** Row `i`'s value; `false` for one only the record path reads. */
  set(i, v) {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
      if (this.numbers === null) this.numbers = new Float64Array(this.n).fill(NaN);
      // −0 is written `0` in JSON, as the record path reads it.
      this.numbers[i] = v === 0 ? 0 : v;
      return true;
    }
    if (typeof v === 'string') return this.write(i, v);
    // A BigInt by its digits.
    return typeof v === 'bigint' && this.write(i, v.toString());
  }

  write(i, value) {
    if (this.text === null) {
      this.text = new Utf8Bytes(this.n * 10);
      this.offsets = new Int32Array(this.n + 1);
      this.present = new Uint8Array((this.n + 7) >> 3);
    }
    this.reach(i);
    if (!this.text.push(value)) return false;
    this.present[i >> 3] |= 1 << (i & 7);
    this.offsets[i + 1] = this.text.length;
    this.last = i;
    return true;
  }

  /** The offsets of the rows before `i` (without text) written. */
  reach(i) {
    const end = this.text.length;
    for (let r = this.last + 1; r < i; r++) this.offsets[r + 1] = end;
  }

  /** The column's text when it holds any: a number among strings by its JS text (what JSON
   * holds for it). */
  finish() {
    if (this.text === null) return true;
    if (this.numbers !== null) {
      const { numbers, text, offsets, present } = this;
      this.text = null;
      this.last = -1;
      for (let i = 0; i < this.n; i++) {
        const has = (present[i >> 3] >> (i & 7)) & 1;
        const value = has ? utf8Text(text.bytes.subarray(offsets[i], offsets[i + 1])) : Number.isNaN(numbers[i]) ? null : String(numbers[i]);
        if (value !== null && !this.write(i, value)) return false;
      }
    }
    this.reach(this.n);
    return true;
  }
}

const utf8Decoder = new TextDecoder();
const utf8Text = (bytes) => utf8Decoder.decode(bytes);

/** The table as the backend takes it: labels, the number columns' floats one after another,
 * the text columns' offsets (each from its own start), bytes and bitmaps one after another. */
function joined(ids, names, columns) {
  const n = ids.length;
  const labels = new Utf8Bytes(n * 16);
  const labelOffsets = new Int32Array(n + names.length + 1);
  const pieces = ids.concat(names);
  for (let k = 0; k < pieces.length; k++) {
    if (!labels.push(pieces[k])) return null;
    labelOffsets[k + 1] = labels.length;
  }
  const kinds = new Uint8Array(names.length);
  let numberColumns = 0;
  let bytes = 0;
  for (let c = 0; c < columns.length; c++) {
    if (!columns[c].finish()) return null;
    if (columns[c].text === null) numberColumns += 1;
    else bytes += columns[c].text.length;
    kinds[c] = columns[c].text === null ? 0 : 1;
  }
  // Arrow offsets are 32-bit.
  if (bytes > 0x7fffffff || labels.length > 0x7fffffff) return null;
  const textColumns = names.length - numberColumns;
  const bitmap = (n + 7) >> 3;
  const numbers = new Float64Array(numberColumns * n);
  const textOffsets = new Int32Array(textColumns * (n + 1));
  const present = new Uint8Array(textColumns * bitmap);
  const text = new Uint8Array(bytes);
  let f = 0;
  let t = 0;
  let at = 0;
  for (const column of columns) {
    if (column.text === null) {
      if (column.numbers === null) numbers.fill(NaN, f * n, (f + 1) * n);
      else numbers.set(column.numbers, f * n);
      f += 1;
    } else {
      textOffsets.set(column.offsets, t * (n + 1));
      present.set(column.present, t * bitmap);
      text.set(column.text.view(), at);
      at += column.text.length;
      t += 1;
    }
  }
  return { ids, labels: labels.view(), labelOffsets, kinds, numbers, textOffsets, text, present };
}

/**
 * The table path's result as `summarize` returns it: one object per record, built from the
 * columns the engine writes (`summary_columns` in core/src/ops/table.rs), or parsed when the
 * engine sent JSON.
 */
export function decodeSummaries(ids, out) {
  if (out.startsWith('[')) return JSON.parse(out);
  const [t, g, b, v, p] = out.split('\u0001');
  const n = ids.length;
  const totals = n ? t.split('\0') : [];
  const grades = n ? g.split('\0') : [];
  const before = n ? b.split('\0') : [];
  const pays = p === '' ? null : p.split('\0');
  const rows = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = {
      record_id: ids[i],
      total: totals[i],
      grade: grades[i],
      grade_before_veto: before[i] === '' ? null : before[i],
      vetoed: v.charCodeAt(i) === 49,
    };
    if (pays !== null) row.pay = pays[i];
    rows[i] = row;
  }
  return rows;
}
