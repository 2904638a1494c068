// Batch totals as typed arrays: the core's packed layout (`Plan::totals_floats`) viewed as
// columns, with the `Totals` shape (decimal text, grade names) computed on demand.
//
// Packed layout: [scale, units × n, grade × n, grade before veto × n (−1: none), vetoed × n];
// every value is an integer below 2^53, so the floats hold it exactly.

/** `units` × 10^-scale as decimal text, as the core writes it (`72.48`, `-0.50`, `0.00`). */
export function decimalText(units, scale) {
  const digits = String(Math.abs(units)).padStart(scale + 1, '0');
  const sign = units < 0 ? '-' : '';
  if (scale === 0) return sign + digits;
  const point = digits.length - scale;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

export class TotalsColumns {
  constructor(ids, gradeNames, packed) {
    const n = ids.length;
    const column = (k) => packed.subarray(1 + k * n, 1 + (k + 1) * n);
    /** The record ids, in input order. */
    this.ids = ids;
    /** Decimal places of the totals. */
    this.scale = packed[0];
    /** Each total in units of 10^-scale (7248 at scale 2 is 72.48), exact. */
    this.units = column(0);
    /** The grade names the indexes point into, best first as the plan lists them. */
    this.gradeNames = gradeNames;
    /** Each grade, as an index into `gradeNames`. */
    this.gradeIndex = Int32Array.from(column(1));
    /** The grade the total alone earned where a veto capped it, else −1. */
    this.gradeBeforeVetoIndex = Int32Array.from(column(2));
    /** 1 where any veto hit, else 0. */
    this.vetoedMask = Uint8Array.from(column(3));
  }

  /** Row `i`'s total as decimal text. */
  total(i) {
    return decimalText(this.units[i], this.scale);
  }

  /** Every total as decimal text (as `plan.totals`). */
  get totals() {
    return Array.from(this.units, (u) => decimalText(u, this.scale));
  }

  get grades() {
    return Array.from(this.gradeIndex, (g) => this.gradeNames[g]);
  }

  get grades_before_veto() {
    return Array.from(this.gradeBeforeVetoIndex, (g) => (g < 0 ? null : this.gradeNames[g]));
  }

  get vetoed() {
    return Array.from(this.vetoedMask, (v) => v === 1);
  }

  /** The `Totals` shape, keys in the core's order, so `JSON.stringify` writes what the `totals`
   * operation writes. */
  toJSON() {
    const { grades, grades_before_veto, ids, totals, vetoed } = this;
    return { grades, grades_before_veto, ids, totals, vetoed };
  }
}
