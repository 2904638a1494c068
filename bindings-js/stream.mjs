// Long batches part by part over a core stream (`SummaryStream`, core/src/ops/stream.rs): one
// part per backend call, awaited. On the native addon each part runs on libuv's thread pool; on
// wasm the event loop gets a turn after each part. So other requests run between parts, an
// AbortSignal stops the batch at the next part, and a stream of batches holds one part at a time.
// Numbers and problems are the core's: a whole batch reports what one `summarize` call reports.

import { toJson } from './encode.mjs';
import { decodeSummaries, encodeTable } from './table.mjs';

/**
 * Rows per part when the caller does not say. With workers (the native addon) a part's time is
 * spent off the event loop, and only reading its result back holds the loop (a few ms per
 * thousand rows); without (wasm) the whole part holds the loop, so parts are smaller: about
 * 40 ms of work each on one core.
 */
export const PART_ROWS = { workers: 16384, inline: 4096 };

const nextTurn = () =>
  new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });

/**
 * The settings of a long-batch method, checked: `threads` (native only), `signal` (an
 * AbortSignal), `onProgress({ rows, total })` and `partRows`.
 */
export function settingsOf(settings, method, argumentError, workers) {
  const { threads, signal, onProgress, partRows = workers ? PART_ROWS.workers : PART_ROWS.inline } = settings ?? {};
  if (threads !== undefined && threads !== null && !(Number.isInteger(threads) && threads > 0)) {
    throw argumentError(`${method}: threads must be a positive whole number`);
  }
  if (signal !== undefined && signal !== null && typeof signal.throwIfAborted !== 'function') {
    throw argumentError(`${method}: signal must be an AbortSignal`);
  }
  if (onProgress !== undefined && onProgress !== null && typeof onProgress !== 'function') {
    throw argumentError(`${method}: onProgress must be a function`);
  }
  if (!(Number.isInteger(partRows) && partRows > 0 && partRows <= 0xffffffff)) {
    throw argumentError(`${method}: partRows must be a positive whole number`);
  }
  return { threads: threads ?? undefined, signal: signal ?? undefined, onProgress, partRows };
}

/**
 * One core stream driven from JS. `backend.step(fn)` runs a backend call (a value on wasm, a
 * promise on native) with its errors converted; `backend.table(encoded)` makes the backend's
 * table input.
 */
export class Parts {
  #stream;
  #backend;

  constructor(stream, backend, settings) {
    this.#stream = stream;
    this.#backend = backend;
    this.settings = settings;
  }

  get rows() {
    return this.#stream.rows;
  }

  /** Stop here if the caller aborted. */
  check() {
    this.settings.signal?.throwIfAborted();
  }

  /** One part of records: its summaries, or `null` when a whole batch already has problems. */
  async records(records) {
    this.check();
    const { threads } = this.settings;
    const table = encodeTable(records);
    let out = null;
    if (table !== null) {
      out = await this.#call(() => {
        const input = this.#backend.table(table);
        try {
          return this.#stream.nextEncoded(input, threads);
        } finally {
          input.free();
        }
      });
    }
    // The part holds something only the record reader reports: it comes as JSON.
    if (out === null || out === undefined) {
      out = await this.#call(() => this.#stream.nextRecords(toJson(records), threads));
    }
    return this.#done(out, table?.ids);
  }

  /** The next part of the CSV text: its summaries, `null` (problems already), or `undefined` at
   * the end. */
  async csv() {
    this.check();
    const { threads, partRows } = this.settings;
    const out = await this.#call(() => this.#stream.nextCsv(partRows, threads));
    if (out === null || out === undefined) return undefined;
    return this.#done(out);
  }

  /** Whether further parts would only repeat a problem of the whole batch. */
  get stopped() {
    return this.#stream.stopped;
  }

  /** The end of a whole batch: throws every problem of every part. */
  finish() {
    this.check();
    return this.#backend.step(() => this.#stream.finish());
  }

  progress(total) {
    this.settings.onProgress?.({ rows: this.rows, total });
  }

  async #call(fn) {
    const pending = this.#backend.step(fn);
    const out = await pending;
    // A backend without workers (wasm) scored the part right here: give the loop its turn.
    if (!(pending instanceof Promise)) await nextTurn();
    // Aborted while the part ran: nothing of the batch is returned.
    this.check();
    return out;
  }

  #done(out, ids) {
    if (out === '') return null;
    return out.startsWith('[') ? JSON.parse(out) : decodeSummaries(ids, out);
  }
}

/** A whole batch, part by part — an array of records or CSV text: every summary, or every
 * problem of every part (exactly `summarize`'s). */
export async function summarizeWhole(parts, input) {
  const all = [];
  const add = (summaries) => {
    if (summaries !== null) for (const s of summaries) all.push(s);
  };
  if (typeof input === 'string') {
    for (let s = await parts.csv(); s !== undefined && !parts.stopped; s = await parts.csv()) {
      add(s);
      parts.progress(undefined);
    }
  } else {
    const { partRows } = parts.settings;
    for (let start = 0; start < input.length && !parts.stopped; start += partRows) {
      add(await parts.records(input.slice(start, start + partRows)));
      parts.progress(input.length);
    }
  }
  await parts.finish();
  return all;
}

/** Each batch of `source` (CSV text, or an iterable or async iterable of record arrays) as its
 * summaries, as soon as it is scored; a batch with a problem throws. */
export async function* summarizeEach(parts, source, argumentError) {
  if (typeof source === 'string') {
    for (let s = await parts.csv(); s !== undefined; s = await parts.csv()) {
      parts.progress(undefined);
      yield s;
    }
    return;
  }
  for await (const batch of source) {
    if (!Array.isArray(batch)) throw argumentError('iterSummaries: each batch must be an array of records');
    const summaries = await parts.records(batch);
    parts.progress(undefined);
    yield summaries;
  }
}
