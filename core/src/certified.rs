//! Certified floats: an `f64` with a proven bound on its distance from the exact value.
//!
//! The batch kernel scores in `f64` and keeps, next to every value `v`, a bound `e` such that
//! the exact value of the plan's arithmetic lies in `[v − e, v + e]`. A decision (a band edge, a
//! comparison, the rounding of the total) is taken only when the whole interval falls on one side;
//! otherwise it is *uncertain*: the value becomes NaN, NaN flows through every later operation,
//! and the row is scored by the exact engine instead. So the kernel either gives the engine's
//! answer or no answer — never a different one. A missing input is NaN too.
//!
//! Error rules (u = 2⁻⁵³, the unit roundoff; ε = 2u; every bound is then multiplied by
//! [`SLACK`] to cover the rounding of the bound's own arithmetic):
//! - input: a decimal or a host float → `e = |v| · 2⁻⁴⁸` (rust_decimal's `to_f64` and the
//!   shortest-decimal reading of a host float are within a few u); an integer below 2⁵³ is exact;
//! - `a ± b`: `e = ea + eb + ε|r|` (0 when both are exact and TwoSum finds no rounding error);
//! - `a × b`: `e = |a|·eb + |b|·ea + ea·eb + ε|r|` (0 when both are exact and the product's
//!   rounding error, computed exactly by Dekker's TwoProduct, is 0); a product or quotient
//!   below 2⁻⁹⁰⁰ in magnitude (where the relative bound could fail by underflow) is uncertain;
//! - `a ÷ b`: uncertain when `|b| ≤ eb`; else `e = (ea·|b| + |a|·eb) ÷ (|b|·(|b| − eb)) + ε|r|`
//!   (0 when both are exact and `r × b = a` exactly, by TwoProduct);
//! - every result: uncertain when `|v| + e` reaches 2⁸⁰ (far inside a decimal's range: the engine
//!   reports an overflow past that range even where a later cap would bring the value back);
//! - `min`, `max`, clamps, `−a`, `|a|`: 1-Lipschitz, `e = max(ea, eb)` or `ea`;
//! - `a < b` and the other comparisons: decided when `|a − b| > ea + eb`, or exactly when both
//!   bounds are 0; a decision is a *truth*: 1, 0, or NaN when uncertain;
//! - `a ÷ b < c ÷ d` (a quotient against a band edge `c ÷ d` or another quotient): as `<` on the
//!   products `a·d` and `c·b` with their bounds (the order flipped when `b·d < 0`), so exact
//!   products decide it exactly; uncertain where `|b| ≤ eb` or `|d| ≤ ed`, or where a quotient
//!   may reach 2⁸⁰ (`|a| + ea ≥ 2⁸⁰ (|b| − eb)`), as the engine computes both quotients;
//! - rounding to `s` places: decided when no rounding boundary lies in the interval, or exactly
//!   (ties by the mode) for an exact value whose scaling is exact.
//!
//! TwoSum and TwoProduct need no fused multiply-add, so every rule is plain `+ − × ÷` and
//! comparisons: the lane loops of the kernel compile to SIMD on any target (SSE2, AVX2, AVX-512,
//! SIMD128) and give the same bits on each. TwoProduct is exact while nothing overflows or underflows;
//! a product near either end (|r| < 2⁻⁹⁰⁰ or a factor ≥ 2⁹⁹⁵) is simply not called exact.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::rounding::RoundingMode;

/// A value and a bound on its distance from the exact value; `v` is NaN when uncertain.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Approx {
    pub(crate) v: f64,
    pub(crate) e: f64,
}

/// ε = 2u = 2⁻⁵²: a generous bound on one rounding, relative to the result.
const EPS: f64 = f64::EPSILON;
/// Inflation for the rounding of the error bound's own arithmetic (a few ε per step).
const SLACK: f64 = 1.0 + 16.0 * f64::EPSILON;
/// Relative error allowed for a value read from a decimal or a host float.
const INPUT: f64 = 1.0 / 281_474_976_710_656.0; // 2⁻⁴⁸
/// Integers below 2⁵³ are exact in `f64`.
const EXACT_INT: f64 = 9_007_199_254_740_992.0;
/// Powers of ten that are exact in `f64` (10^22 is the last).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];
/// Past this magnitude the kernel does not round (the scaled value would lose its units place).
const ROUND_LIMIT: f64 = 1_125_899_906_842_624.0; // 2⁵⁰
/// Every value the kernel settles stays below this magnitude, interval included: 2⁸⁰ ≈ 1.2 × 10²⁴,
/// 65,000 times inside a decimal's range (about 7.9 × 10²⁸), which leaves room for the engine's
/// own intermediates (a weighting step may multiply by up to 100 before dividing). The engine
/// reports an overflow for any intermediate beyond its range, so a row whose values come near it
/// is left to the engine, which decides (a cap that would bring a value back into range does not
/// make it valid).
const RANGE: f64 = 1_208_925_819_614_629_174_706_176.0; // 2⁸⁰
/// Veltkamp's splitter for TwoProduct: 2²⁷ + 1.
const SPLITTER: f64 = 134_217_729.0;
/// Below this magnitude a product's rounding error could underflow; such a product is not
/// called exact.
const TINY: f64 = 1.2e-271; // a little above 2⁻⁹⁰⁰

// Every operation is `#[inline(always)]`: the kernel's lane loops are compiled once per
// instruction set (run-time dispatch), and only code inlined into them is compiled for it.
impl Approx {
    /// An uncertain (or missing) value.
    pub(crate) const UNSURE: Approx = Approx {
        v: f64::NAN,
        e: f64::NAN,
    };

    /// A value known exactly.
    #[cfg(test)]
    pub(crate) const fn exact(v: f64) -> Approx {
        Approx { v, e: 0.0 }
    }

    /// A truth: 1 or 0 when `sure`, else uncertain.
    #[inline(always)]
    fn truth(holds: bool, sure: bool) -> Approx {
        let v = if holds { 1.0 } else { 0.0 };
        Approx {
            v: if sure { v } else { f64::NAN },
            e: if sure { 0.0 } else { f64::NAN },
        }
    }

    /// Whether the value is known (not uncertain, not missing).
    pub(crate) fn is_sure(self) -> bool {
        !self.v.is_nan() && !self.e.is_nan()
    }

    /// A decimal as a certified float; uncertain if it does not fit.
    ///
    /// The common case (a mantissa within 64 bits, at most 22 places) is one conversion and one
    /// division by an exact power of ten: at most two roundings, well inside the input bound. It
    /// is exact only for an integer whose mantissa is below 2⁵³ (then both steps are exact); a
    /// larger mantissa rounds on conversion even when the value is a whole number
    /// (4,612,012,073.000000000 is 4.6 × 10¹⁸ units).
    pub(crate) fn from_decimal(d: Decimal) -> Approx {
        let scale = d.scale();
        if let Some(a) = i64::try_from(d.mantissa())
            .ok()
            .and_then(|m| Approx::from_mantissa(m, scale))
        {
            return a;
        }
        // A mantissa past 64 bits: a whole number below 2⁵³ is read exactly from its integer
        // part; anything else is converted, with the input bound.
        if d.fract().is_zero() {
            if let Some(i) = d.to_i64().filter(|i| i.unsigned_abs() < 1 << 53) {
                #[allow(clippy::cast_precision_loss)]
                return Approx::read(i as f64, true);
            }
        }
        match d.to_f64() {
            Some(v) => Approx::read(v, false),
            None => Approx::UNSURE,
        }
    }

    /// A constant of a plan: [`Approx::from_decimal`], and exact wherever the float holds the
    /// decimal exactly — a terminating binary fraction such as 22.5, 2.5 or 0.125, which would
    /// otherwise carry an input's bound into every product it weights. (Constants are read once,
    /// at compile time, so the test costs nothing per row.)
    pub(crate) fn from_constant(d: Decimal) -> Approx {
        let a = Approx::from_decimal(d);
        let held = || {
            let m = i64::try_from(d.mantissa()).ok()?;
            let p = *POW10.get(d.scale() as usize)?;
            #[allow(clippy::cast_precision_loss)]
            let m = (m.unsigned_abs() < 1 << 53).then_some(m as f64)?;
            exact_quotient::<false>(m, p, a.v).then_some(())
        };
        if a.e != 0.0 && a.is_sure() && held().is_some() {
            Approx { v: a.v, e: 0.0 }
        } else {
            a
        }
    }

    /// The decimal `m × 10^-scale`, as [`Approx::from_decimal`] reads it; `None` past the scales
    /// a float power of ten holds exactly.
    #[inline(always)]
    pub(crate) fn from_mantissa(m: i64, scale: u32) -> Option<Approx> {
        let p = POW10.get(scale as usize)?;
        // i64 → f64 rounds once (exact below 2⁵³); the division by an exact 10^s once more.
        #[allow(clippy::cast_precision_loss)]
        let v = m as f64 / p;
        // Below 2⁵³ the quotient is a whole float exactly when 10^s divides m: otherwise its
        // rounding error (at most |m| × 2⁻⁵³ ÷ 10^s < 10^-s) is less than its distance to any
        // whole number (at least 10^-s), so it cannot land on one.
        let whole = (m.unsigned_abs() < 1 << 53) & is_integer(v.abs());
        Some(Approx::read(v, whole))
    }

    /// A text cell in the common spelling ([`crate::number::short_parts`]), as
    /// [`Approx::from_decimal`] reads the decimal the engine parses from it; `None` for a mantissa
    /// past `i64` (the caller reads the decimal).
    #[inline(always)]
    pub(crate) fn from_short(s: crate::number::Short) -> Option<Approx> {
        let m = i64::try_from(s.mantissa).ok()?;
        // Negating a non-negative i64 cannot overflow.
        let m = if s.negative { m.wrapping_neg() } else { m };
        Approx::from_mantissa(m, s.scale)
    }

    /// A host float standing for its shortest decimal (how the engine reads it); uncertain when
    /// it is missing (NaN) or one the engine reads specially (not finite, or beyond 28 digits on
    /// either side of the point).
    #[inline(always)]
    pub(crate) fn from_host(v: f64) -> Approx {
        let m = v.abs();
        let plain = (m == 0.0) | (1e-11..1e27).contains(&m);
        let a = Approx::read(v, is_integer(m));
        Approx {
            v: if plain { a.v } else { f64::NAN },
            e: if plain { a.e } else { f64::NAN },
        }
    }

    #[inline(always)]
    fn read(v: f64, integer: bool) -> Approx {
        let e = if integer & (v.abs() < EXACT_INT) {
            0.0
        } else {
            v.abs() * INPUT
        };
        Approx::done(v, e)
    }

    /// The result of an operation, with its bound; uncertain when the interval may reach past
    /// [`RANGE`] (where the engine reports an overflow), and so when anything is not finite.
    #[inline(always)]
    fn done(v: f64, e: f64) -> Approx {
        // One comparison: false for NaN and infinities too. Written as selects, not branches, so
        // the lane loops vectorise.
        let ok = v.abs() + e < RANGE;
        Approx {
            v: if ok { v } else { f64::NAN },
            e: if ok { e } else { f64::NAN },
        }
    }

    #[inline(always)]
    pub(crate) fn add(self, o: Approx) -> Approx {
        self.add_with::<true>(o)
    }

    /// `a + b`; with `TRY_EXACT` false the exactness test is skipped (always sound: the bound
    /// holds for an exact sum too), for lanes where no row has two exact operands.
    #[inline(always)]
    pub(crate) fn add_with<const TRY_EXACT: bool>(self, o: Approx) -> Approx {
        let v = self.v + o.v;
        // TwoSum: the rounding error of a float sum, computed exactly; 0 means v is exact.
        let exact = TRY_EXACT && {
            let bv = v - self.v;
            let err = (self.v - (v - bv)) + (o.v - bv);
            (self.e == 0.0) & (o.e == 0.0) & (err == 0.0)
        };
        let e = if exact {
            0.0
        } else {
            (self.e + o.e + EPS * v.abs()) * SLACK
        };
        Approx::done(v, e)
    }

    #[inline(always)]
    pub(crate) fn sub(self, o: Approx) -> Approx {
        self.add(o.neg())
    }

    /// `a − b`, as [`Approx::add_with`].
    #[inline(always)]
    pub(crate) fn sub_with<const TRY_EXACT: bool>(self, o: Approx) -> Approx {
        self.add_with::<TRY_EXACT>(o.neg())
    }

    #[inline(always)]
    pub(crate) fn mul(self, o: Approx) -> Approx {
        self.mul_with::<true, false>(o)
    }

    /// `a × b`, as [`Approx::add_with`]; `FUSED` tests exactness with a fused multiply-add (for
    /// code compiled where the machine has one: the same answer, fewer instructions).
    #[inline(always)]
    pub(crate) fn mul_with<const TRY_EXACT: bool, const FUSED: bool>(self, o: Approx) -> Approx {
        let v = self.v * o.v;
        let exact =
            TRY_EXACT && (self.e == 0.0) & (o.e == 0.0) & exact_product::<FUSED>(self.v, o.v, v);
        let bound =
            (self.v.abs() * o.e + o.v.abs() * self.e + self.e * o.e + EPS * v.abs()) * SLACK;
        // Near underflow the relative bound does not hold.
        let underflow = (v.abs() < TINY) & (self.v != 0.0) & (o.v != 0.0);
        Approx::done(
            if underflow { f64::NAN } else { v },
            if exact { 0.0 } else { bound },
        )
    }

    #[inline(always)]
    pub(crate) fn div(self, o: Approx) -> Approx {
        self.div_with::<true, false>(o)
    }

    /// `a ÷ b`, as [`Approx::mul_with`].
    #[inline(always)]
    pub(crate) fn div_with<const TRY_EXACT: bool, const FUSED: bool>(self, o: Approx) -> Approx {
        let b = o.v.abs();
        // A divisor whose interval reaches zero (a NaN compares false) leaves the row.
        let apart = b > o.e * SLACK;
        let v = self.v / o.v;
        let underflow = (v.abs() < TINY) & (self.v != 0.0);
        let exact =
            TRY_EXACT && (self.e == 0.0) & (o.e == 0.0) & exact_quotient::<FUSED>(self.v, o.v, v);
        // Underestimate the denominator so the quotient's bound stays an upper bound.
        let denominator = b * (b - o.e) * (1.0 - 16.0 * EPS);
        let bound = ((self.e * b + self.v.abs() * o.e) / denominator + EPS * v.abs()) * SLACK;
        Approx::done(
            if apart & !underflow { v } else { f64::NAN },
            if exact { 0.0 } else { bound },
        )
    }

    #[inline(always)]
    pub(crate) fn neg(self) -> Approx {
        Approx {
            v: -self.v,
            e: self.e,
        }
    }

    #[inline(always)]
    pub(crate) fn abs(self) -> Approx {
        Approx {
            v: self.v.abs(),
            e: self.e,
        }
    }

    /// The smaller value (uncertain if either is: `f64::min` alone would drop a NaN).
    #[inline(always)]
    pub(crate) fn min(self, o: Approx) -> Approx {
        Approx {
            v: self.v.min(o.v) + nan_of(self.v) + nan_of(o.v),
            e: self.e.max(o.e) + nan_of(self.e) + nan_of(o.e),
        }
    }

    /// The larger value (uncertain if either is).
    #[inline(always)]
    pub(crate) fn max(self, o: Approx) -> Approx {
        Approx {
            v: self.v.max(o.v) + nan_of(self.v) + nan_of(o.v),
            e: self.e.max(o.e) + nan_of(self.e) + nan_of(o.e),
        }
    }

    /// Truth of `self < o`.
    #[inline(always)]
    pub(crate) fn lt(self, o: Approx) -> Approx {
        let (gap, sure) = self.gap(o);
        Approx::truth(gap < 0.0, sure)
    }

    /// Truth of `self <= o`.
    #[inline(always)]
    pub(crate) fn le(self, o: Approx) -> Approx {
        let (gap, sure) = self.gap(o);
        Approx::truth(gap <= 0.0, sure)
    }

    /// Truth of `self == o`.
    #[inline(always)]
    pub(crate) fn eq(self, o: Approx) -> Approx {
        let (gap, sure) = self.gap(o);
        Approx::truth(gap == 0.0, sure)
    }

    /// `self − o`, whose sign is the order of the exact values when `sure`: exactly for exact
    /// values (the sign of a float difference is always right), else only when the intervals are
    /// apart.
    #[inline(always)]
    fn gap(self, o: Approx) -> (f64, bool) {
        let gap = self.v - o.v;
        let exact = (self.e == 0.0) & (o.e == 0.0);
        let apart = gap.abs() > (self.e + o.e) * SLACK;
        (gap, !gap.is_nan() & (exact | apart))
    }

    /// Truth of `self ÷ b < c ÷ d` (`STRICT`) or `≤`, as [`Approx::mul_with`] for `FUSED`:
    /// the order of the products `self × d` and `c × b` (flipped when `b × d < 0`), each with its
    /// bound — so two exact products decide it exactly, where the quotients (a quotient that
    /// lands on a band edge) would each be rounded. Uncertain where the engine's quotients could
    /// fail: a divisor whose interval reaches zero, a quotient that may reach [`RANGE`].
    #[inline(always)]
    pub(crate) fn cross_with<const STRICT: bool, const FUSED: bool>(
        self,
        b: Approx,
        c: Approx,
        d: Approx,
    ) -> Approx {
        let ad = self.mul_with::<true, FUSED>(d);
        let cb = c.mul_with::<true, FUSED>(b);
        let (gap, sure) = ad.gap(cb);
        // The order flips when `b × d < 0`: the sign bit of the gap, flipped without a branch.
        let flip = (b.v < 0.0) != (d.v < 0.0);
        let gap = f64::from_bits(gap.to_bits() ^ (u64::from(flip) << 63));
        // |n ÷ m| < 2⁸⁰ when |n| + en < 2⁸⁰ × (|m| − em), the divisor's least magnitude
        // (underestimated, so the test errs towards uncertain).
        let quotient = |n: Approx, m: Approx| {
            let least = (m.v.abs() - m.e * SLACK) * (1.0 - 16.0 * EPS);
            (least > 0.0) & ((n.v.abs() + n.e) * SLACK < RANGE * least)
        };
        let known = quotient(self, b) & quotient(c, d);
        let holds = if STRICT { gap < 0.0 } else { gap <= 0.0 };
        Approx::truth(holds, sure & known)
    }

    /// Truth of "not": 1 − t (uncertain stays uncertain).
    #[inline(always)]
    pub(crate) fn not(self) -> Approx {
        Approx {
            v: 1.0 - self.v,
            e: self.e,
        }
    }

    /// This value where `o` is certain, else uncertain (adding `0 × o` keeps the value and makes
    /// it NaN exactly when `o` is).
    #[inline(always)]
    pub(crate) fn guard(self, o: Approx) -> Approx {
        let poison = nan_of(o.v) + nan_of(o.e);
        Approx {
            v: self.v + poison,
            e: self.e + poison,
        }
    }

    /// `then` where this truth is 1, `otherwise` where it is 0, uncertain where it is uncertain:
    /// the branch not taken is never looked at, as the engine never evaluates it.
    #[inline(always)]
    pub(crate) fn select(self, then: Approx, otherwise: Approx) -> Approx {
        // Bit masks rather than branches, so the lane loop vectorises.
        let yes = u64::from(self.v == 1.0).wrapping_neg();
        let no = u64::from(self.v == 0.0).wrapping_neg();
        let nan = f64::NAN.to_bits() & !(yes | no);
        let pick = |a: f64, b: f64| f64::from_bits((a.to_bits() & yes) | (b.to_bits() & no) | nan);
        Approx {
            v: pick(then.v, otherwise.v),
            e: pick(then.e, otherwise.e),
        }
    }

    /// The value rounded to `scale` places by `mode`, as an integer count of `10^-scale` units,
    /// if no rounding boundary lies within the bound.
    pub(crate) fn round_units(self, mode: RoundingMode, scale: u32) -> Option<i64> {
        self.round_rescaled(mode, Rescale::new(scale, 0)?)
    }

    /// [`Approx::round_units`] of a value held in other units (`rescale`: a total in units of
    /// `10^-k`, rounded to `scale` places).
    pub(crate) fn round_rescaled(self, mode: RoundingMode, rescale: Rescale) -> Option<i64> {
        let x = rescale.apply(self.v);
        if !x.is_finite() || x.abs() > ROUND_LIMIT || !self.is_sure() {
            return None;
        }
        // A value known exactly, rescaled exactly: round it exactly.
        if self.e == 0.0 && rescale.is_exact(self.v, x) {
            return exact_units(x, mode);
        }
        // The rescaling and the two end-point subtractions each round once.
        let ex = (rescale.apply(self.e) + 3.0 * EPS * x.abs()) * SLACK;
        let (lo, hi) = (x - ex, x + ex);
        // Work on magnitudes (every mode here is symmetric about zero); an interval across zero
        // is decided only when it rounds to 0 on both sides.
        let (negative, lo, hi) = if lo >= 0.0 {
            (false, lo, hi)
        } else if hi <= 0.0 {
            (true, -hi, -lo)
        } else {
            let zero = match mode {
                RoundingMode::HalfUp | RoundingMode::HalfEven => lo > -0.5 && hi < 0.5,
                RoundingMode::Down => lo > -1.0 && hi < 1.0,
            };
            return zero.then_some(0);
        };
        let shift = match mode {
            RoundingMode::HalfUp | RoundingMode::HalfEven => 0.5,
            RoundingMode::Down => 0.0,
        };
        let (a, b) = (floor(lo + shift), floor(hi + shift));
        // No boundary inside [lo, hi], ends included: both ends strictly inside one cell.
        if a != b || lo + shift == a {
            return None;
        }
        let units = a.to_i64()?;
        Some(if negative {
            units.checked_neg()?
        } else {
            units
        })
    }

    /// [`Approx::round_rescaled`]'s common case without branches, for a whole lane of totals at
    /// once: a value whose interval lies at or above zero and holds no rounding boundary.
    /// `(units, true)` then, the rounded value rescaled by `rescale`, with `shift` ½ for the
    /// half modes and 0 for `Down`; `false` (anything else, NaN included) leaves the row to
    /// [`Approx::round_rescaled`]. The same steps as its inexact case, which holds for an exact
    /// value too: its interval then only adds room.
    #[inline(always)]
    pub(crate) fn round_units_plain(self, rescale: Rescale, shift: f64) -> (f64, bool) {
        let x = rescale.apply(self.v);
        let ex = (rescale.apply(self.e) + 3.0 * EPS * x.abs()) * SLACK;
        let (lo, hi) = (x - ex + shift, x + ex + shift);
        let a = floor_plain(lo);
        let ok = (x.abs() <= ROUND_LIMIT) & (lo >= shift) & (a == floor_plain(hi)) & (lo != a);
        (a, ok)
    }

    /// The shift of `mode` for [`Approx::round_units_plain`].
    pub(crate) fn rounding_shift(mode: RoundingMode) -> f64 {
        match mode {
            RoundingMode::HalfUp | RoundingMode::HalfEven => 0.5,
            RoundingMode::Down => 0.0,
        }
    }

    /// The value rounded to `places` as a certified float (the formula language's `round`).
    pub(crate) fn round(self, mode: RoundingMode, places: u32) -> Approx {
        self.round_units(mode, places)
            .and_then(|u| Decimal::try_from_i128_with_scale(u.into(), places).ok())
            .map_or(Approx::UNSURE, Approx::from_decimal)
    }
}

/// How a value held in units of `10^-k` becomes a count of `10^-scale` units before rounding: a
/// product by `10^(scale − k)` or a quotient by `10^(k − scale)`, exact powers of ten either way
/// (the kernel holds a total in units that make its weights whole numbers, so an exact tie stays
/// exact: 0.245 × 292.142… is not a float, 245 × 292.142… can be).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rescale {
    p: f64,
    divide: bool,
}

impl Rescale {
    /// From units of `10^-k` to units of `10^-scale`; `None` past the exact powers of ten.
    pub(crate) fn new(scale: u32, k: u32) -> Option<Rescale> {
        let (steps, divide) = match scale.checked_sub(k) {
            Some(up) => (up, false),
            None => (k.checked_sub(scale)?, true),
        };
        let p = *POW10.get(steps as usize)?;
        Some(Rescale { p, divide })
    }

    #[inline(always)]
    fn apply(self, v: f64) -> f64 {
        if self.divide {
            v / self.p
        } else {
            v * self.p
        }
    }

    /// Whether `x` is `v` rescaled exactly.
    #[inline(always)]
    fn is_exact(self, v: f64, x: f64) -> bool {
        if self.divide {
            exact_quotient::<false>(v, self.p, x)
        } else {
            exact_product::<false>(v, self.p, x)
        }
    }
}

/// Whether a magnitude `m` (finite, ≥ 0) is an integer, without `trunc` (a library call on
/// baseline x86-64, which would stop the load loop vectorising): below 2⁵² adding and removing
/// 2⁵² rounds to an integer, and above it every float is one.
#[inline]
fn is_integer(m: f64) -> bool {
    const BIG: f64 = 4_503_599_627_370_496.0; // 2⁵²
    (m >= BIG) | ((m + BIG) - BIG == m)
}

/// The decimal a host float reads as (its shortest text), found without formatting it when it is
/// a whole number below 9 × 10¹⁵ or has at most two places below 10¹³: below 10¹³ a float's
/// rounding interval is narrower than 0.01, so no other decimal of two places or fewer reads back
/// to it. `None` for any other float (the caller formats it). No library calls (`fract` and
/// `round` are on baseline x86-64), as the exact stages read every cell of an open row here.
pub(crate) fn short_decimal_of_host(x: f64) -> Option<Decimal> {
    const BIG: f64 = 4_503_599_627_370_496.0; // 2⁵²
    let m = x.abs();
    #[allow(clippy::cast_possible_truncation)]
    if m < 9.0e15 && is_integer(m) {
        return Some(Decimal::from(x as i64));
    }
    if m < 1.0e13 {
        // The nearest integer to m × 100 (< 2⁵²); a tie cannot read back, so either way is fine.
        let cents = (m * 100.0 + BIG) - BIG;
        if cents / 100.0 == m {
            let signed = if x < 0.0 { -cents } else { cents };
            #[allow(clippy::cast_possible_truncation)]
            return Some(Decimal::new(signed as i64, 2));
        }
    }
    None
}

/// 0 for a number, NaN for NaN: added to a result, it makes the result uncertain.
#[inline]
fn nan_of(x: f64) -> f64 {
    x * 0.0
}

/// Whether `p` is exactly `a × b`: its rounding error is 0. `FUSED` computes that error with one
/// fused multiply-add (exact: `a × b − p` rounded once, and the error of a product is itself a
/// float), else by Dekker's TwoProduct from Veltkamp halves. The two agree on every operand the
/// kernel holds (below 2⁹⁷ in magnitude, where the halves cannot overflow, and products from
/// [`TINY`] up, where the error cannot underflow), so every instruction set gives the same bits.
#[inline]
fn exact_product<const FUSED: bool>(a: f64, b: f64, p: f64) -> bool {
    let err = if FUSED {
        a.mul_add(b, -p)
    } else {
        let (ah, al) = split(a);
        let (bh, bl) = split(b);
        ((ah * bh - p) + ah * bl + al * bh) + al * bl
    };
    let zero = (a == 0.0) | (b == 0.0);
    (zero & (p == 0.0)) | (!zero & (err == 0.0) & (p.abs() >= TINY))
}

/// Whether `q` is exactly `a ÷ b`: `q × b = a` exactly.
#[inline]
fn exact_quotient<const FUSED: bool>(a: f64, b: f64, q: f64) -> bool {
    (q * b == a) & exact_product::<FUSED>(q, b, a)
}

/// Veltkamp's split of `x` into a high half of 26 bits and the exact rest.
#[inline]
fn split(x: f64) -> (f64, f64) {
    let c = SPLITTER * x;
    let hi = c - (c - x);
    (hi, x - hi)
}

/// `⌊x⌋` without `f64::floor`, which is a library call on baseline x86-64 (the rounding of each
/// settled total calls it twice): converting to an integer truncates toward zero, exactly for
/// |x| < 2⁶³, and a negative non-integer is then one lower. Past 2⁶³ the conversion saturates;
/// the callers' values are below 2⁵¹, and an interval reaching past that has no single floor to
/// agree on anyway.
#[inline]
fn floor(x: f64) -> f64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let t = x as i64 as f64;
    if t > x {
        t - 1.0
    } else {
        t
    }
}

/// `⌊x⌋` for `0 ≤ x < 2⁵²` in vector instructions every instruction set has (no conversion to
/// integers, which AVX2 lacks for 64-bit lanes): adding and removing 2⁵² rounds to the nearest
/// integer, one lower when that went up. Meaningless outside that range, where callers do not
/// use it.
#[inline(always)]
fn floor_plain(x: f64) -> f64 {
    const BIG: f64 = 4_503_599_627_370_496.0; // 2⁵²
    let r = (x + BIG) - BIG;
    if r > x {
        r - 1.0
    } else {
        r
    }
}

/// `x` (exact, |x| ≤ 2⁵⁰) rounded to an integer by `mode`; every step here is exact.
fn exact_units(x: f64, mode: RoundingMode) -> Option<i64> {
    let (m, whole) = (x.abs(), floor(x.abs()));
    let rest = m - whole;
    // Below 2⁵⁰ the integer part converts exactly, so its last bit says whether it is odd.
    #[allow(clippy::cast_possible_truncation)]
    let odd = (whole as i64) & 1 == 1;
    let up = match mode {
        RoundingMode::Down => false,
        RoundingMode::HalfUp => rest >= 0.5,
        RoundingMode::HalfEven => rest > 0.5 || (rest == 0.5 && odd),
    };
    let units = (if up { whole + 1.0 } else { whole }).to_i64()?;
    Some(if x < 0.0 { units.checked_neg()? } else { units })
}

/// A seeded xorshift64 generator for the tests' values (deterministic, no dependency).
#[cfg(test)]
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn short_host_decimals_are_the_values_the_engine_reads() {
        // Whole numbers, cents and longer decimals of both signs and many sizes: wherever the
        // shortcut answers, it is the engine's reading (the shortest decimal); it answers every
        // whole number and every cent below its limits.
        let mut next = crate::certified::xorshift(0x9E37_79B9_7F4A_7C15);
        let mut answered = 0;
        for k in 0..200_000u32 {
            let r = next();
            let size = 10f64.powi((r % 16) as i32);
            let units = (r >> 8) % 1_000_000_007;
            let x = match k % 4 {
                0 => (units as f64 * size).trunc(),
                1 => (units % 100_000_000_000) as f64 / 100.0,
                2 => units as f64 / 1_000.0,
                _ => (r >> 11) as f64 / (1u64 << 40) as f64 * size,
            };
            let x = if r & 1 == 1 { -x } else { x };
            let engine = crate::input::decimal_from_f64(x).ok();
            if let Some(d) = super::short_decimal_of_host(x) {
                answered += 1;
                assert_eq!(Some(d), engine, "{x}");
            } else if k % 4 == 1 || (k % 4 == 0 && x.abs() < 9.0e15) {
                panic!("{x}: a cent or a whole number was not answered");
            }
        }
        assert!(answered > 70_000, "{answered}");
    }

    #[test]
    fn the_lane_rounding_agrees_with_the_row_rounding_wherever_it_decides() {
        use super::{Approx, RoundingMode};
        // Values on and next to half-cents and whole cents, of both signs, exact and not, with
        // bounds from none to wider than a cent; every mode and scale 0–4.
        let mut next = crate::certified::xorshift(0x2545_F491_4F6C_DD1D);
        let modes = [
            RoundingMode::HalfUp,
            RoundingMode::HalfEven,
            RoundingMode::Down,
        ];
        let (mut decided, mut left) = (0, 0);
        for _ in 0..200_000 {
            let r = next();
            let half_cents = (r % 4_000_001) as f64 - 2_000_000.0;
            let nudge = [0.0, 1e-12, -1e-12, 3e-7, -0.004][(r >> 24) as usize % 5];
            let v = half_cents / 200.0 + nudge;
            let e = [0.0, 1e-15, 1e-9, 0.02][(r >> 32) as usize % 4];
            let a = Approx { v, e };
            let mode = modes[(r >> 40) as usize % 3];
            let scale = (r >> 44) as u32 % 5;
            // Held in units of 10^-k, k from 0 to 4: scaled up or down to the rounding's units.
            let k = (r >> 48) as u32 % 5;
            let rescale = super::Rescale::new(scale, k).unwrap();
            let a = Approx {
                v: a.v * [1.0, 10.0, 100.0, 1e3, 1e4][k as usize],
                e: a.e,
            };
            let (units, ok) = a.round_units_plain(rescale, Approx::rounding_shift(mode));
            if ok {
                decided += 1;
                assert_eq!(
                    a.round_rescaled(mode, rescale),
                    Some(units as i64),
                    "{a:?} {mode:?} {scale} {k}"
                );
            } else {
                left += 1;
            }
        }
        assert!(
            decided > 50_000 && left > 50_000,
            "{decided} decided, {left} left"
        );
        // NaN and values past the rounding limit are left to the row rounding.
        for v in [f64::NAN, 1e16, f64::INFINITY] {
            let rescale = super::Rescale::new(2, 0).unwrap();
            let shift = Approx::rounding_shift(RoundingMode::HalfUp);
            assert!(!Approx { v, e: 0.0 }.round_units_plain(rescale, shift).1);
        }
    }

    #[test]
    fn constants_a_float_holds_exactly_are_exact() {
        use super::Approx;
        let exact = |s: &str| Approx::from_constant(s.parse().unwrap()).e == 0.0;
        // Terminating binary fractions: 22.5 = 45/2, 2.5, −0.125 = −1/8, 0.0625 = 1/16.
        for s in ["22.5", "2.5", "-0.125", "0.0625", "120", "3000"] {
            assert!(exact(s), "{s}");
        }
        // A fifth or a tenth is not a binary fraction: these keep an input's bound.
        for s in ["0.95", "0.1", "0.245", "33.3"] {
            assert!(!exact(s), "{s}");
        }
    }

    #[test]
    fn the_floor_without_a_library_call_agrees_with_f64_floor() {
        let mut next = crate::certified::xorshift(0x9E37_79B9_7F4A_7C15);
        let mut values = vec![0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.5, -2.5, 1e-300, -1e-300];
        values.extend([
            2f64.powi(50),
            -(2f64.powi(50)),
            2f64.powi(52) + 1.0,
            -(2f64.powi(52)) - 3.0,
        ]);
        for _ in 0..100_000 {
            // Random values below 2⁵² in magnitude, with random fractions.
            let bits = next();
            #[allow(clippy::cast_precision_loss)]
            let x = (bits >> 12) as f64 / f64::from(1u32 << (bits % 31) as u32);
            values.push(if bits & 1 == 1 { -x } else { x });
        }
        for x in values {
            assert_eq!(super::floor(x), x.floor(), "{x}");
        }
    }

    #[test]
    fn a_decimal_is_an_exact_float_exactly_when_it_is_whole_below_two_to_the_53() {
        // Every scale a float divides by exactly, on multiples of 10^s and their neighbours and
        // random mantissas: exact (bound 0) exactly when the value is a whole number and its
        // mantissa is below 2⁵³ (both roundings then exact); the remainder says which.
        let mut next = crate::certified::xorshift(0xD1B5_4A32_D192_ED03);
        let mut mantissas: Vec<i64> = vec![0, 1, -1, (1 << 53) - 1, 1 << 53, i64::MAX, i64::MIN];
        for _ in 0..50_000 {
            let x = next();
            let s = (next() % 19) as u32;
            let k = (x % (u64::MAX / 10u64.pow(s) / 2)) >> (next() % 64);
            let k = i64::try_from(k).unwrap();
            let m = k * 10i64.pow(s);
            mantissas.extend([m, m + 1, m - 1, -m, i64::try_from(x >> 1).unwrap()]);
        }
        for m in mantissas {
            for s in 0..=22u32 {
                let d = Decimal::from_i128_with_scale(m.into(), s);
                let whole = 10i64.checked_pow(s).is_none_or(|q| m % q == 0)
                    && (s <= 18 || m == 0)
                    && m.unsigned_abs() < 1 << 53;
                let a = Approx::from_decimal(d);
                assert_eq!(a.e == 0.0, whole, "{d}");
                assert!((a.v - d.to_f64().unwrap()).abs() <= a.e, "{d}");
            }
        }
    }

    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Approx {
        Approx::from_decimal(Decimal::from_str(s).unwrap())
    }

    const TRUE: Approx = Approx::exact(1.0);
    const FALSE: Approx = Approx::exact(0.0);

    fn unsure(a: Approx) -> bool {
        !a.is_sure()
    }

    #[test]
    fn exact_integers_stay_exact() {
        let v = d("138200").mul(d("100"));
        assert_eq!(v, Approx::exact(13_820_000.0));
        let q = v.div(d("140000"));
        assert!(q.e > 0.0, "691/7 is not a float");
        assert_eq!(d("600").div(d("4")), Approx::exact(150.0));
        // 0.5 × 0.5 = 0.25 and 3 ÷ 0.5 = 6 are exact in binary.
        assert_eq!(
            Approx::exact(0.5).mul(Approx::exact(0.5)),
            Approx::exact(0.25)
        );
        assert_eq!(
            Approx::exact(3.0).div(Approx::exact(0.5)),
            Approx::exact(6.0)
        );
        // 0.1 + 0.2 is not.
        assert!(Approx::exact(0.1).add(Approx::exact(0.2)).e > 0.0);
    }

    #[test]
    fn an_exact_tie_is_uncertain_never_guessed() {
        // 691/7 × 0.2 × 0.7 = 13.82; + 58.655 = 72.475, exactly on a half-cent.
        let t = d("138200")
            .mul(d("100"))
            .div(d("140000"))
            .mul(d("0.14"))
            .add(d("58.655"));
        assert_eq!(t.round_units(RoundingMode::HalfUp, 2), None);
        // Away from the boundary it is decided: 72.4712… → 72.47.
        let near = d("72.4712");
        assert_eq!(near.round_units(RoundingMode::HalfUp, 2), Some(7247));
        assert_eq!(near.neg().round_units(RoundingMode::HalfUp, 2), Some(-7247));
        assert_eq!(near.round_units(RoundingMode::Down, 2), Some(7247));
        // An exact value on the boundary is rounded exactly: 0.125 → 0.13 half-up, 0.12 even.
        let tie = Approx::exact(0.125);
        assert_eq!(tie.round_units(RoundingMode::HalfUp, 2), Some(13));
        assert_eq!(tie.round_units(RoundingMode::HalfEven, 2), Some(12));
    }

    #[test]
    fn comparisons_need_separated_intervals() {
        let third = d("1").div(d("3"));
        assert_eq!(third.lt(d("0.34")), TRUE);
        assert!(unsure(third.mul(d("3")).eq(d("1"))));
        assert_eq!(d("4").le(d("4")), TRUE);
        assert_eq!(d("5").le(d("4")), FALSE);
        assert!(unsure(d("0.9").eq(d("0.9"))));
    }

    #[test]
    fn division_by_an_uncertain_zero_is_uncertain() {
        assert!(unsure(d("1").div(Approx::exact(0.0))));
        let tiny = Approx { v: 1e-20, e: 1e-19 };
        assert!(unsure(d("1").div(tiny)));
    }

    #[test]
    fn uncertainty_flows_through_every_operation() {
        let x = d("2");
        let u = Approx::UNSURE;
        for r in [
            x.add(u),
            u.sub(x),
            x.mul(u),
            x.div(u),
            u.div(x),
            x.min(u),
            u.max(x),
            u.neg(),
            u.abs(),
            x.lt(u),
            u.le(x),
            x.eq(u),
            u.not(),
            u.select(x, x),
            TRUE.select(u, x),
        ] {
            assert!(unsure(r), "{r:?}");
        }
        // The branch not taken does not matter.
        assert_eq!(FALSE.select(u, x), x);
        assert_eq!(u.round_units(RoundingMode::HalfUp, 2), None);
    }

    #[test]
    fn products_near_underflow_are_not_called_exact() {
        let tiny = Approx::exact(1e-200);
        assert!(unsure(tiny.mul(tiny)));
        assert!(unsure(tiny.div(Approx::exact(1e200))));
        let big = Approx::exact(1e300);
        assert!(unsure(big.mul(big)));
    }

    #[test]
    fn the_fused_exactness_test_agrees_with_dekkers() {
        // The lanes test a product's exactness with a fused multiply-add where the instruction
        // set has one and by Dekker's TwoProduct elsewhere; the bits must not depend on which.
        // Operands: products known exact by hand (3 × 0.25, 138,200 × 100, 2⁵² × 2), known inexact
        // (0.1 × 3, (2⁵³ − 1) × 3), zeros, and random floats across the kernel's range (up to 2⁹⁷)
        // and down past TINY, with short mantissas so that many products are exact.
        let by_hand = [
            (3.0, 0.25, true),
            (138_200.0, 100.0, true),
            (4_503_599_627_370_496.0, 2.0, true),
            (0.0, 5.0, true),
            (0.1, 3.0, false),
            (9_007_199_254_740_991.0, 3.0, false),
        ];
        for (a, b, exact) in by_hand {
            assert_eq!(exact_product::<false>(a, b, a * b), exact, "{a} × {b}");
            assert_eq!(exact_product::<true>(a, b, a * b), exact, "{a} × {b}");
        }
        let mut next = xorshift(0x5DEE_CE66_D1CE_4E5B);
        let mut exact = 0;
        for _ in 0..200_000 {
            let mut operand = || {
                let bits = next();
                // 1 to 53 significant bits, an exponent from −500 to 97, either sign.
                let width = 1 + (bits % 53) as u32;
                let mantissa = (bits >> 11) >> (53 - width);
                let exponent = ((bits >> 6) % 598) as i32 - 500;
                let sign = if bits & 1 == 1 { -1.0 } else { 1.0 };
                sign * mantissa as f64 * 2f64.powi(exponent)
            };
            let (a, b) = (operand(), operand());
            let p = a * b;
            let fused = exact_product::<true>(a, b, p);
            assert_eq!(fused, exact_product::<false>(a, b, p), "{a:e} × {b:e}");
            if b != 0.0 {
                let q = a / b;
                assert_eq!(
                    exact_quotient::<true>(a, b, q),
                    exact_quotient::<false>(a, b, q),
                    "{a:e} ÷ {b:e}"
                );
            }
            exact += usize::from(fused);
        }
        // Not vacuous: both answers are common.
        assert!(exact > 20_000 && exact < 180_000, "{exact} exact");
    }
}
