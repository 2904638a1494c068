'use strict';
// String values for the compact batch table, shared by the Node addon's index.js and the wasm
// package (bindings-wasm/build.sh turns this file into an ES module beside api.js): each value as
// UTF-8 bytes ended by NUL, written straight into one growing Uint8Array. Joining 300,000 short
// strings into one JS string, which then has to be converted again, costs three times as much.

const utf8 = new TextEncoder();

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

module.exports = { NulStrings };
