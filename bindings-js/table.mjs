// Plain records as a compact table for the batch fast path (`summarize`): ids, column names and
// string values cross into the engine as a few typed arrays instead of JSON, for both backends.
// The layout is documented on `EncodedTable` in core/src/ops/table.rs.

const utf8 = new TextEncoder();

/**
 * String values as UTF-8 bytes, each ended by NUL, written straight into one growing Uint8Array.
 * Joining 300,000 short strings into one JS string, which then has to be converted again, costs
 * three times as much.
 */
class NulStrings {
  constructor(capacity) {
    this.bytes = new Uint8Array(Math.max(64, capacity));
    this.length = 0;
  }

  push(value) {
    // At most 3 UTF-8 bytes per UTF-16 unit, and the NUL.
    const need = this.length + 3 * value.length + 1;
    if (need > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, need));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    const bytes = this.bytes;
    const at = this.length;
    let ascii = true;
    for (let j = 0; j < value.length; j++) {
      const c = value.charCodeAt(j);
      if (c > 127) {
        ascii = false;
        break;
      }
      bytes[at + j] = c;
    }
    // Anything else (rare in a number) by the encoder. A lone surrogate becomes U+FFFD, which
    // never parses, so the exact path reports that value as scoreMany does.
    const written = ascii ? value.length : utf8.encodeInto(value, bytes.subarray(at)).written;
    bytes[at + written] = 0;
    this.length = at + written + 1;
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
 * Records as the compact table `summarize` sends, or `null` when any
 * record holds something only the JSON path reads exactly (a non-finite number, an unknown field,
 * a value of another type, a non-plain object…): `summarize` then takes that path, which
 * reports the same problems as `scoreMany`. Plain data with string or number values, the common
 * case, never leaves JS as JSON and is never parsed as JSON in wasm.
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
  const strings = new NulStrings(n * 128);
  const counts = new Uint32Array(n);
  let entries = new Uint32Array(Math.max(16, n * 16));
  let nums = new Float64Array(Math.max(16, n * 16));
  let ne = 0;
  let nn = 0;
  const names = [];
  const columns = new Map();
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
    let count = 0;
    let position = 0;
    for (const k in m) {
      const v = m[k];
      let kind;
      if (typeof v === 'string') {
        kind = 2;
        strings.push(v);
      } else if (typeof v === 'number') {
        if (!Number.isFinite(v)) return null;
        const abs = Math.abs(v);
        // JS writes these with an exponent: send its text, read as a JSON number.
        if (Number.isSafeInteger(v) || (abs >= 1e-6 && abs < 1e21)) {
          kind = 1;
          if (nn === nums.length) nums = grown(nums, Float64Array);
          nums[nn++] = v;
        } else {
          kind = 3;
          strings.push(String(v));
        }
      } else if (v === null || v === undefined) {
        continue;
      } else if (typeof v === 'bigint') {
        kind = 2;
        strings.push(v.toString());
      } else {
        return null;
      }
      // Records of one shape list their keys in the same order: the column is usually the one
      // at the same position.
      let col = names[position] === k ? position : columns.get(k);
      if (col === undefined) {
        col = names.length;
        names.push(k);
        columns.set(k, col);
      }
      if (ne === entries.length) entries = grown(entries, Uint32Array);
      entries[ne++] = (col << 2) | kind;
      count += 1;
      position += 1;
    }
    counts[i] = count;
  }
  const pieces = ids.concat(names);
  const lens = new Uint32Array(pieces.length);
  for (let i = 0; i < pieces.length; i++) lens[i] = pieces[i].length;
  return {
    ids,
    text: pieces.join(''),
    lens,
    strings: strings.view(),
    counts,
    entries: entries.subarray(0, ne),
    nums: nums.subarray(0, nn),
    ncols: names.length,
  };
}

/** A typed array twice as long, with the same first values. */
function grown(array, Type) {
  const bigger = new Type(array.length * 2);
  bigger.set(array);
  return bigger;
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
