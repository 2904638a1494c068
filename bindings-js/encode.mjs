// Host values as the engine's input: JSON text, with one marker for the JS values JSON cannot
// hold (docs/input.md): `{"\u0000host": "NaN"}`, `"Infinity"`, `"-Infinity"`,
// `"bigint:<digits>"`, `"a Symbol"`, `"a function"`, `"text that is not valid Unicode"`, `"a Date
// object"` (its JSON text is a UTC instant, which may be another calendar day than the one the
// host meant: dates cross as text, `2026-06-03`). The core
// reads the markers, so what is accepted or refused, and where, is decided once for every host.

const MARK = '\u0000host';
const marker = (what) => ({ [MARK]: what });

/** Whether `value` holds anything JSON.stringify would drop or change; one walk, no paths. */
function unusual(value) {
  switch (typeof value) {
    case 'number':
      return !Number.isFinite(value);
    case 'bigint':
    case 'symbol':
    case 'function':
      return true;
    case 'string':
      return !value.isWellFormed();
    case 'object':
      if (value === null) return false;
      if (value instanceof Date) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (unusual(value[i])) return true;
        return false;
      }
      if (typeof value.toJSON === 'function') return false;
      for (const k in value) {
        if (Object.prototype.hasOwnProperty.call(value, k) && unusual(value[k])) return true;
      }
      return false;
    default:
      return false;
  }
}

function replacer(key, v) {
  // `v` is already Date.toJSON's text; the holder still has the Date.
  if (this[key] instanceof Date) return marker('a Date object');
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : marker(String(v));
    case 'bigint':
      return marker(`bigint:${v}`);
    case 'symbol':
      return marker('a Symbol');
    case 'function':
      return marker('a function');
    case 'string':
      return v.isWellFormed() ? v : marker('text that is not valid Unicode');
    default:
      return v;
  }
}

/** JSON text of a request; the common case (nothing unusual) takes JSON.stringify's fast path. */
export function toJson(value) {
  return (unusual(value) ? JSON.stringify(value, replacer) : JSON.stringify(value)) ?? '';
}
