//! Certified floats: an `f64` with a proven bound on its distance from the exact value.
//!
//! The batch kernel scores in `f64` and keeps, next to every value `v`, a bound `e` such that
//! the exact value of the plan's arithmetic lies in `[v − e, v + e]`. A decision (a band edge, a
//! comparison, the rounding of the total) is taken only when the whole interval falls on one side;
//! otherwise it is *uncertain* (`None`) and the row is scored by the exact engine instead. So the
//! kernel either gives the engine's answer or no answer — never a different one.
//!
//! Error rules (u = 2⁻⁵³, the unit roundoff; ε = 2u; every bound is then multiplied by
//! [`SLACK`] to cover the rounding of the bound's own arithmetic):
//! - input: a decimal or a host float → `e = |v| · 2⁻⁴⁸` (rust_decimal's `to_f64` and the
//!   shortest-decimal reading of a host float are within a few u); an integer below 2⁵³ is exact;
//! - `a ± b`: `e = ea + eb + ε|r|` (0 when both are exact and TwoSum finds no rounding error);
//! - `a × b`: `e = |a|·eb + |b|·ea + ea·eb + ε|r|` (0 when both are exact and the fused residual
//!   `a·b − r` is 0);
//! - `a ÷ b`: uncertain when `|b| ≤ eb`; else `e = (ea·|b| + |a|·eb) ÷ (|b|·(|b| − eb)) + ε|r|`
//!   (0 when both are exact and the fused residual `r·b − a` is 0);
//! - `min`, `max`, clamps, `−a`, `|a|`: 1-Lipschitz, `e = max(ea, eb)` or `ea`;
//! - `a < b` and the other comparisons: decided when `|a − b| > ea + eb`, or exactly when both
//!   bounds are 0; rounding to `s` places: decided when no rounding boundary lies in the interval,
//!   or exactly (ties by the mode) for an exact value whose scaling is exact.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::rounding::RoundingMode;

/// A value and a bound on its distance from the exact value.
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

impl Approx {
    /// A value known exactly.
    pub(crate) const fn exact(v: f64) -> Approx {
        Approx { v, e: 0.0 }
    }

    /// A decimal as a certified float; `None` if it does not fit.
    ///
    /// The common case (a mantissa within 64 bits, at most 22 places) is one conversion and one
    /// division by an exact power of ten: at most two roundings, well inside the input bound.
    pub(crate) fn from_decimal(d: Decimal) -> Option<Approx> {
        let scale = d.scale();
        if let (Ok(m), Some(p)) = (i64::try_from(d.mantissa()), POW10.get(scale as usize)) {
            let integer = match 10i64.checked_pow(scale) {
                Some(q) => m.checked_rem(q) == Some(0),
                None => false,
            };
            // i64 → f64 rounds once (exact below 2⁵³); the division by an exact 10^s once more.
            #[allow(clippy::cast_precision_loss)]
            let v = m as f64 / p;
            return Approx::read(v, integer);
        }
        let v = d.to_f64()?;
        Approx::read(v, d.fract().is_zero())
    }

    /// A host float standing for its shortest decimal (how the engine reads it).
    pub(crate) fn from_host(v: f64) -> Option<Approx> {
        Approx::read(v, v.fract() == 0.0)
    }

    fn read(v: f64, integer: bool) -> Option<Approx> {
        if !v.is_finite() {
            return None;
        }
        let e = if integer && v.abs() < EXACT_INT {
            0.0
        } else {
            v.abs() * INPUT
        };
        Some(Approx { v, e })
    }

    /// The result of an operation, with its bound; uncertain when anything is not finite.
    fn done(v: f64, e: f64) -> Option<Approx> {
        (v.is_finite() && e.is_finite()).then_some(Approx { v, e })
    }

    pub(crate) fn add(self, o: Approx) -> Option<Approx> {
        let v = self.v + o.v;
        if self.e == 0.0 && o.e == 0.0 {
            // TwoSum: the rounding error of a float sum, computed exactly; 0 means v is exact.
            let bv = v - self.v;
            let err = (self.v - (v - bv)) + (o.v - bv);
            if err == 0.0 {
                return Approx::done(v, 0.0);
            }
        }
        Approx::done(v, (self.e + o.e + EPS * v.abs()) * SLACK)
    }

    pub(crate) fn sub(self, o: Approx) -> Option<Approx> {
        self.add(o.neg())
    }

    pub(crate) fn mul(self, o: Approx) -> Option<Approx> {
        let v = self.v * o.v;
        // The fused residual a × b − v is exact: 0 means v is the exact product.
        if self.e == 0.0 && o.e == 0.0 && v.is_finite() && self.v.mul_add(o.v, -v) == 0.0 {
            return Approx::done(v, 0.0);
        }
        let e = self.v.abs() * o.e + o.v.abs() * self.e + self.e * o.e + EPS * v.abs();
        Approx::done(v, e * SLACK)
    }

    pub(crate) fn div(self, o: Approx) -> Option<Approx> {
        let b = o.v.abs();
        if b <= o.e * SLACK || o.v == 0.0 {
            return None;
        }
        let v = self.v / o.v;
        if self.e == 0.0 && o.e == 0.0 && v.mul_add(o.v, -self.v) == 0.0 {
            // The fused residual is exact: r × b = a exactly, so r is the quotient.
            return Approx::done(v, 0.0);
        }
        // Underestimate the denominator so the quotient's bound stays an upper bound.
        let denominator = b * (b - o.e) * (1.0 - 16.0 * EPS);
        let e = (self.e * b + self.v.abs() * o.e) / denominator + EPS * v.abs();
        Approx::done(v, e * SLACK)
    }

    pub(crate) fn neg(self) -> Approx {
        Approx {
            v: -self.v,
            e: self.e,
        }
    }

    pub(crate) fn abs(self) -> Approx {
        Approx {
            v: self.v.abs(),
            e: self.e,
        }
    }

    pub(crate) fn min(self, o: Approx) -> Approx {
        Approx {
            v: self.v.min(o.v),
            e: self.e.max(o.e),
        }
    }

    pub(crate) fn max(self, o: Approx) -> Approx {
        Approx {
            v: self.v.max(o.v),
            e: self.e.max(o.e),
        }
    }

    /// Whether `self < o`, if certain.
    pub(crate) fn lt(self, o: Approx) -> Option<bool> {
        self.order(o).map(|c| c == std::cmp::Ordering::Less)
    }

    /// Whether `self <= o`, if certain.
    pub(crate) fn le(self, o: Approx) -> Option<bool> {
        self.order(o).map(|c| c != std::cmp::Ordering::Greater)
    }

    /// Whether `self == o`, if certain.
    pub(crate) fn eq(self, o: Approx) -> Option<bool> {
        self.order(o).map(|c| c == std::cmp::Ordering::Equal)
    }

    /// The order of the exact values, if certain: exactly for exact values, else only when the
    /// intervals are apart (the sign of a float difference is always right).
    fn order(self, o: Approx) -> Option<std::cmp::Ordering> {
        if self.e == 0.0 && o.e == 0.0 {
            return self.v.partial_cmp(&o.v);
        }
        let gap = self.v - o.v;
        let tolerance = (self.e + o.e) * SLACK;
        if gap.abs() > tolerance {
            gap.partial_cmp(&0.0)
        } else {
            None
        }
    }

    /// The value rounded to `scale` places by `mode`, as an integer count of `10^-scale` units,
    /// if no rounding boundary lies within the bound.
    pub(crate) fn round_units(self, mode: RoundingMode, scale: u32) -> Option<i64> {
        let p = 10f64.powi(i32::try_from(scale).ok()?);
        let x = self.v * p;
        if !x.is_finite() || x.abs() > ROUND_LIMIT {
            return None;
        }
        // The scaling and the two end-point subtractions each round once.
        // A value known exactly, scaled exactly (the fused residual is 0): round it exactly.
        if self.e == 0.0 && self.v.mul_add(p, -x) == 0.0 {
            return exact_units(x, mode);
        }
        let ex = (self.e * p + 3.0 * EPS * x.abs()) * SLACK;
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
        let (a, b) = ((lo + shift).floor(), (hi + shift).floor());
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
}

/// `x` (exact, |x| ≤ 2⁵⁰) rounded to an integer by `mode`; every step here is exact.
fn exact_units(x: f64, mode: RoundingMode) -> Option<i64> {
    let (m, whole) = (x.abs(), x.abs().floor());
    let rest = m - whole;
    let up = match mode {
        RoundingMode::Down => false,
        RoundingMode::HalfUp => rest >= 0.5,
        RoundingMode::HalfEven => rest > 0.5 || (rest == 0.5 && whole % 2.0 == 1.0),
    };
    let units = (if up { whole + 1.0 } else { whole }).to_i64()?;
    Some(if x < 0.0 { units.checked_neg()? } else { units })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Approx {
        Approx::from_decimal(Decimal::from_str(s).unwrap()).unwrap()
    }

    #[test]
    fn exact_integers_stay_exact() {
        let v = d("138200").mul(d("100")).unwrap();
        assert_eq!(v, Approx::exact(13_820_000.0));
        let q = v.div(d("140000")).unwrap();
        assert!(q.e > 0.0, "691/7 is not a float");
        assert_eq!(d("600").div(d("4")).unwrap(), Approx::exact(150.0));
    }

    #[test]
    fn an_exact_tie_is_uncertain_never_guessed() {
        // 691/7 × 0.2 × 0.7 = 13.82; + 58.655 = 72.475, exactly on a half-cent.
        let t = d("138200")
            .mul(d("100"))
            .and_then(|v| v.div(d("140000")))
            .and_then(|v| v.mul(d("0.14")))
            .and_then(|v| v.add(d("58.655")))
            .unwrap();
        assert_eq!(t.round_units(RoundingMode::HalfUp, 2), None);
        // Away from the boundary it is decided: 72.4712… → 72.47.
        let near = d("72.4712");
        assert_eq!(near.round_units(RoundingMode::HalfUp, 2), Some(7247));
        assert_eq!(near.neg().round_units(RoundingMode::HalfUp, 2), Some(-7247));
        assert_eq!(near.round_units(RoundingMode::Down, 2), Some(7247));
    }

    #[test]
    fn comparisons_need_separated_intervals() {
        let third = d("1").div(d("3")).unwrap();
        assert_eq!(third.lt(d("0.34")), Some(true));
        assert_eq!(third.mul(d("3")).unwrap().eq(d("1")), None);
        assert_eq!(d("4").le(d("4")), Some(true));
        assert_eq!(d("0.9").eq(d("0.9")), None);
    }

    #[test]
    fn division_by_an_uncertain_zero_is_uncertain() {
        assert_eq!(d("1").div(Approx::exact(0.0)), None);
        let tiny = Approx { v: 1e-20, e: 1e-19 };
        assert_eq!(d("1").div(tiny), None);
    }
}
