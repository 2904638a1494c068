//! Exact bounds in scaled integers: the kernel's second stage.
//!
//! A [`Span`] holds integers `lo ≤ hi` with the exact value in `[lo, hi]` units of
//! 1 / (63 × 10¹²) (see [`ONE`]). Sums,
//! differences, negation, min / max and comparisons are exact; a product or quotient is exact
//! when it divides out and otherwise widens by the floor and ceiling of its end points (a quotient
//! takes its extremes at the corners, its divisor's interval being clear of zero). So a row whose
//! values are short decimals — amounts in cents, percentages, counts — keeps a span of width 0,
//! and its rounding, bands and ties (an exact x.xx5) are decided exactly. So is a quotient by a
//! round number (a digit times a power of ten, such as a target of 700,000 or 90,000): the 63 in
//! the unit makes 1/3, 1/7 and 1/9 whole numbers of units, so 138,200 × 100 ÷ 140,000 = 691/7
//! is a point. Any other quotient that does not terminate (1/11) leaves a span one unit wide,
//! decided unless a boundary lies inside it (then the fractions stage decides).
//! Anything out of range (i128 overflow) is uncertain, and the exact engine scores that row.

use rust_decimal::Decimal;

use crate::exact::ten_pow;
use crate::rounding::RoundingMode;

/// Units per 1: 63 × 10¹². Every decimal of at most 12 places is a whole number of units, and so
/// is its quotient by 3, 7 or 9 times a power of ten (at most 10¹²): the divisors round-number
/// targets and weights bring. A larger unit would narrow the range below (and the products in
/// 128 bits); 63 × 10¹² × 2⁸⁰ is below 2¹²⁶.
pub(super) const ONE: i128 = 63 * DECIMAL_ONE;
/// 10¹²: the power of ten in [`ONE`].
const DECIMAL_ONE: i128 = 1_000_000_000_000;
/// [`ONE`] over its power of ten.
const THIRDS_AND_SEVENTHS: i128 = 63;
/// Every value stays below 2⁸⁰ in magnitude, as in the other two stages (see `crate::certified`):
/// the engine reports an overflow for an intermediate past a decimal's range, and the program may
/// compute a product by constants in one step where the engine takes two (`lower`'s rewrites),
/// which is sound only while every value the kernel settles is below 2⁸⁰. In units: 2⁸⁰ × 10¹².
const RANGE: i128 = (1 << 80) * ONE;
/// The scale of a span's units.
const PLACES: u32 = 12;

/// Exact value within `[lo, hi] ÷ ONE`; uncertain when `lo > hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Span {
    lo: i128,
    hi: i128,
}

impl Span {
    pub(crate) const UNSURE: Span = Span { lo: 1, hi: 0 };
    pub(super) const TRUE: Span = Span { lo: ONE, hi: ONE };
    pub(super) const FALSE: Span = Span { lo: 0, hi: 0 };

    /// `[lo, hi]` when it is one and lies below [`RANGE`] in magnitude, else uncertain.
    fn new(lo: Option<i128>, hi: Option<i128>) -> Span {
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo <= hi && lo > -RANGE && hi < RANGE => Span { lo, hi },
            _ => Span::UNSURE,
        }
    }

    fn is_point(self) -> bool {
        self.lo == self.hi
    }

    /// The point `v` when it lies below [`RANGE`] in magnitude, else uncertain: the common case
    /// of every operation (two points in, one out), with one end to compute and check.
    #[inline(always)]
    fn at(v: Option<i128>) -> Span {
        match v {
            Some(v) if v > -RANGE && v < RANGE => Span { lo: v, hi: v },
            _ => Span::UNSURE,
        }
    }

    /// Whether both are points (and so certain: an uncertain span has `lo > hi`).
    #[inline(always)]
    fn points(self, o: Span) -> bool {
        self.is_point() & o.is_point()
    }

    fn from_ends(ends: Option<(i128, i128)>) -> Span {
        ends.map_or(Span::UNSURE, |(lo, hi)| Span::new(Some(lo), Some(hi)))
    }

    /// The exact value in units (`ONE` per 1), when the span is a single point.
    pub(super) fn point(self) -> Option<i128> {
        (self.lo == self.hi).then_some(self.lo)
    }

    /// The exact value as a decimal, when the span is a single point of at most 12 places.
    pub(super) fn decimal(self) -> Option<Decimal> {
        let units = self.point()?;
        let whole = units.checked_rem(THIRDS_AND_SEVENTHS)? == 0;
        let mantissa = units.checked_div(THIRDS_AND_SEVENTHS).filter(|_| whole)?;
        Decimal::try_from_i128_with_scale(mantissa, PLACES).ok()
    }

    /// Whether the value is known.
    pub(super) fn is_sure(self) -> bool {
        self.lo <= self.hi
    }

    fn sure(self) -> Option<Span> {
        (self.lo <= self.hi).then_some(self)
    }

    fn truth(t: Option<bool>) -> Span {
        match t {
            Some(true) => Span::TRUE,
            Some(false) => Span::FALSE,
            None => Span::UNSURE,
        }
    }

    /// A decimal, exactly when it has at most 12 places, else between its floor and ceiling.
    pub(crate) fn from_decimal(d: Decimal) -> Span {
        let (m, s) = (d.mantissa(), d.scale());
        let Some(m) = m.checked_mul(THIRDS_AND_SEVENTHS) else {
            return Span::UNSURE;
        };
        match PLACES.checked_sub(s) {
            Some(up) => {
                let v = ten_pow(up).and_then(|p| m.checked_mul(p));
                Span::new(v, v)
            }
            None => {
                let p = s.checked_sub(PLACES).and_then(ten_pow);
                Span::from_ends(p.and_then(|p| floor_ceil(m, p)))
            }
        }
    }

    pub(super) fn add(self, o: Span) -> Span {
        if self.points(o) {
            return Span::at(self.lo.checked_add(o.lo));
        }
        match (self.sure(), o.sure()) {
            (Some(a), Some(b)) => Span::new(a.lo.checked_add(b.lo), a.hi.checked_add(b.hi)),
            _ => Span::UNSURE,
        }
    }

    pub(super) fn sub(self, o: Span) -> Span {
        if self.points(o) {
            return Span::at(self.lo.checked_sub(o.lo));
        }
        self.add(o.neg())
    }

    pub(super) fn neg(self) -> Span {
        match self.sure() {
            Some(a) => Span::new(a.hi.checked_neg(), a.lo.checked_neg()),
            None => Span::UNSURE,
        }
    }

    pub(super) fn abs(self) -> Span {
        match self.sure() {
            Some(a) if a.lo >= 0 => a,
            Some(a) if a.hi <= 0 => a.neg(),
            Some(a) => Span::new(Some(0), a.lo.checked_neg().map(|n| n.max(a.hi))),
            None => Span::UNSURE,
        }
    }

    pub(super) fn min(self, o: Span) -> Span {
        self.ends(o, i128::min)
    }

    pub(super) fn max(self, o: Span) -> Span {
        self.ends(o, i128::max)
    }

    /// `f` of the two low ends and of the two high ends (exact for a monotone `f`).
    fn ends(self, o: Span, f: fn(i128, i128) -> i128) -> Span {
        match (self.sure(), o.sure()) {
            (Some(a), Some(b)) => Span {
                lo: f(a.lo, b.lo),
                hi: f(a.hi, b.hi),
            },
            _ => Span::UNSURE,
        }
    }

    /// `x × y` in units is `(a × b) ÷ ONE` at the corners (one corner for two exact values,
    /// the common case: a span is a point until a quotient fails to divide out).
    pub(super) fn mul(self, o: Span) -> Span {
        let product = |x: i128, y: i128| floor_ceil(x.checked_mul(y)?, ONE);
        if self.points(o) {
            if let Some(p) = short_product(self.lo, o.lo) {
                return Span::at(Some(p));
            }
            return Span::from_ends(product(self.lo, o.lo));
        }
        match (self.sure(), o.sure()) {
            (Some(a), Some(b)) => corners(a, b, product),
            _ => Span::UNSURE,
        }
    }

    /// `x ÷ y` in units is `(a × ONE) ÷ b` at the corners; uncertain when `y` may be 0.
    pub(super) fn div(self, o: Span) -> Span {
        let quotient = |x: i128, y: i128| floor_ceil(x.checked_mul(ONE)?, y);
        if self.points(o) {
            if o.lo == 0 {
                return Span::UNSURE;
            }
            return Span::from_ends(quotient(self.lo, o.lo));
        }
        let (Some(a), Some(b)) = (self.sure(), o.sure()) else {
            return Span::UNSURE;
        };
        if b.lo <= 0 && b.hi >= 0 {
            return Span::UNSURE;
        }
        corners(a, b, quotient)
    }

    /// This span where `o` is certain, else uncertain.
    pub(super) fn guard(self, o: Span) -> Span {
        if o.is_sure() {
            self
        } else {
            Span::UNSURE
        }
    }

    pub(super) fn lt(self, o: Span) -> Span {
        if self.points(o) {
            return Span::truth(Some(self.lo < o.lo));
        }
        Span::truth(self.order(o, |a, b| a.hi < b.lo, |a, b| a.lo >= b.hi))
    }

    pub(super) fn le(self, o: Span) -> Span {
        if self.points(o) {
            return Span::truth(Some(self.lo <= o.lo));
        }
        Span::truth(self.order(o, |a, b| a.hi <= b.lo, |a, b| a.lo > b.hi))
    }

    pub(super) fn eq(self, o: Span) -> Span {
        Span::truth(self.order(
            o,
            |a, b| a.lo == a.hi && b.lo == b.hi && a.lo == b.lo,
            |a, b| a.hi < b.lo || b.hi < a.lo,
        ))
    }

    /// `Some(true)` when `yes` holds of the spans, `Some(false)` when `no` does, else `None`.
    fn order(
        self,
        o: Span,
        yes: impl Fn(Span, Span) -> bool,
        no: impl Fn(Span, Span) -> bool,
    ) -> Option<bool> {
        let (a, b) = (self.sure()?, o.sure()?);
        if yes(a, b) {
            Some(true)
        } else if no(a, b) {
            Some(false)
        } else {
            None
        }
    }

    pub(super) fn not(self) -> Span {
        Span::FALSE.eq(self)
    }

    pub(super) fn select(self, then: Span, otherwise: Span) -> Span {
        if self == Span::TRUE {
            then
        } else if self == Span::FALSE {
            otherwise
        } else {
            Span::UNSURE
        }
    }

    /// The value rounded to `places` (≤ 12), as a span.
    pub(super) fn round(self, mode: RoundingMode, places: u32) -> Span {
        let step = unit_step(places);
        match (self.round_units(mode, places), step) {
            (Some(u), Some(step)) => {
                let v = i128::from(u).checked_mul(step);
                Span::new(v, v)
            }
            _ => Span::UNSURE,
        }
    }

    /// The value rounded to `places` by `mode` as a count of `10^-places` units, when both ends
    /// round alike (rounding is monotone, so the exact value rounds the same way).
    pub(super) fn round_units(self, mode: RoundingMode, places: u32) -> Option<i64> {
        let a = self.sure()?;
        let step = unit_step(places)?;
        if a.is_point() {
            return i64::try_from(round_div(a.lo, step, mode)?).ok();
        }
        let (lo, hi) = (round_div(a.lo, step, mode)?, round_div(a.hi, step, mode)?);
        if lo == hi {
            i64::try_from(lo).ok()
        } else {
            None
        }
    }
}

/// The hull of `f` at the four corners of `a × b` (`f` gives each corner's floor and ceiling).
fn corners(a: Span, b: Span, f: impl Fn(i128, i128) -> Option<(i128, i128)>) -> Span {
    let mut lo: Option<i128> = None;
    let mut hi: Option<i128> = None;
    for (x, y) in [(a.lo, b.lo), (a.lo, b.hi), (a.hi, b.lo), (a.hi, b.hi)] {
        let Some((fl, ce)) = f(x, y) else {
            return Span::UNSURE;
        };
        lo = Some(lo.map_or(fl, |l| l.min(fl)));
        hi = Some(hi.map_or(ce, |h| h.max(ce)));
    }
    Span::new(lo, hi)
}

/// Units of `10^-places` (≤ 12 places) in units of a span.
fn unit_step(places: u32) -> Option<i128> {
    ten_pow(PLACES.checked_sub(places)?)?.checked_mul(THIRDS_AND_SEVENTHS)
}

/// `x × y ÷ ONE` when one of them is a multiple of 63 × 10⁶ units (a decimal of at most six
/// places, the common case: cents, percentages, counts, weights) and the other of 10⁶ units (as
/// is a quotient by a round number, such as 691/7), both quotients below 2⁶³ (values below about
/// 18 million): then it is exactly `(x ÷ 63·10⁶) × (y ÷ 10⁶)`, found with 64-bit
/// multiplications instead of a 128-bit division.
fn short_product(x: i128, y: i128) -> Option<i128> {
    const SHORT: ExactDivisor = ExactDivisor::new(6, 63 * 15_625);
    const MICRO: ExactDivisor = ExactDivisor::new(6, 15_625);
    let (p, q) = match SHORT.divide(x) {
        Some(p) => (p, MICRO.divide(y)?),
        None => (SHORT.divide(y)?, MICRO.divide(x)?),
    };
    i128::from(p).checked_mul(i128::from(q))
}

/// A divisor `2^shift × odd` for exact division by multiplication: `x` is a multiple of an odd
/// number exactly when `x × odd⁻¹ (mod 2⁶⁴)` is at most `(2⁶⁴ − 1) ÷ odd`, and that product is
/// then the quotient (Granlund and Montgomery, "Division by invariant integers using
/// multiplication", section 9).
struct ExactDivisor {
    shift: u32,
    inverse: u64,
    limit: u64,
}

impl ExactDivisor {
    /// `odd` must be odd (its inverse modulo 2⁶⁴, by Newton's iteration: each step doubles the
    /// bits that are right, from the 3 that `odd` itself gets right).
    const fn new(shift: u32, odd: u64) -> ExactDivisor {
        let mut inverse = odd;
        let mut i = 0u32;
        while i < 5 {
            inverse = inverse.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(inverse)));
            i = i.wrapping_add(1);
        }
        let limit = match u64::MAX.checked_div(odd) {
            Some(limit) => limit,
            None => 0,
        };
        ExactDivisor {
            shift,
            inverse,
            limit,
        }
    }

    /// `x ÷ divisor` when it is whole and, after the power of two, below 2⁶⁴ in magnitude.
    #[inline(always)]
    fn divide(&self, x: i128) -> Option<i64> {
        let m = x.unsigned_abs();
        if m.trailing_zeros() < self.shift && m != 0 {
            return None;
        }
        let m = u64::try_from(m >> self.shift).ok()?;
        let q = m.wrapping_mul(self.inverse);
        if q > self.limit {
            return None;
        }
        // Below 2⁶⁴ ÷ 15,625, so it fits.
        let q = i64::try_from(q).ok()?;
        if x < 0 {
            q.checked_neg()
        } else {
            Some(q)
        }
    }
}

/// `n ÷ d` rounded down and up, from one division (its remainder says which way the exact
/// quotient lies from the truncated one).
fn floor_ceil(n: i128, d: i128) -> Option<(i128, i128)> {
    let q = n.checked_div(d)?;
    let r = n.checked_sub(q.checked_mul(d)?)?;
    if r == 0 {
        Some((q, q))
    } else if (r < 0) != (d < 0) {
        Some((q.checked_sub(1)?, q))
    } else {
        Some((q, q.checked_add(1)?))
    }
}

/// `n ÷ step` (step > 0) rounded by `mode`, symmetric about zero as the engine rounds.
pub(super) fn round_div(n: i128, step: i128, mode: RoundingMode) -> Option<i128> {
    let m = n.checked_abs()?;
    let q = m.checked_div(step)?;
    let r = m.checked_sub(q.checked_mul(step)?)?;
    let twice = r.checked_mul(2)?;
    let up = match mode {
        RoundingMode::Down => false,
        RoundingMode::HalfUp => twice >= step,
        RoundingMode::HalfEven => twice > step || (twice == step && q % 2 == 1),
    };
    let q = if up { q.checked_add(1)? } else { q };
    if n < 0 {
        q.checked_neg()
    } else {
        Some(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Span {
        Span::from_decimal(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn a_product_of_short_decimals_is_the_exact_product() {
        // Hand-worked: 12,345.67 × 0.14 = 1,728.3938; −2.5 × 0.000001 = −0.0000025;
        // 0.0000001 (seven places) × 3 = 0.0000003 through the 128-bit division.
        assert_eq!(d("12345.67").mul(d("0.14")), d("1728.3938"));
        assert_eq!(d("-2.5").mul(d("0.000001")), d("-0.0000025"));
        assert_eq!(d("0.0000001").mul(d("3")), d("0.0000003"));
        assert_eq!(short_product(d("0.0000001").lo, d("3").lo), None);
        // Amounts past what 64 bits hold in units (1,152,833.11 × 63 × 10¹² > 2⁶³) take the
        // same short path: 1,152,833.11 × 1.2 = 1,383,399.732.
        assert!(short_product(d("1152833.11").lo, d("1.2").lo).is_some());
        assert_eq!(d("1152833.11").mul(d("1.2")), d("1383399.732"));
        // A product past 12 places widens to its floor and ceiling: 0.000001 × 0.0000005 =
        // 5 × 10⁻¹³, which is 31.5 units.
        let tiny = d("0.000001").mul(d("0.0000005"));
        assert_eq!((tiny.lo, tiny.hi), (31, 32));
    }

    #[test]
    fn quotients_by_round_numbers_are_exact() {
        // 138,200 × 100 ÷ 140,000 = 691/7 = 98 5/7: a point, and × 0.14 exactly 13.82 (the 7
        // cancels), through the short product.
        let q = d("138200").mul(d("100")).div(d("140000"));
        assert!(q.is_point());
        assert_eq!(q.lo, 691 * ONE / 7);
        assert_eq!(q.mul(d("0.14")), d("13.82"));
        // ÷ 3, ÷ 9 and ÷ 21 alike: 100 ÷ 900,000 × 9,000 = 1; 2 ÷ 3 × 1.5 = 1; 1 ÷ 210 × 21 = 0.1.
        assert_eq!(d("100").div(d("900000")).mul(d("9000")), d("1"));
        assert_eq!(d("2").div(d("3")).mul(d("1.5")), d("1"));
        assert_eq!(d("1").div(d("210")).mul(d("21")), d("0.1"));
        // ÷ 11 does not terminate in these units: one unit wide.
        let eleventh = d("1").div(d("11"));
        assert_eq!(eleventh.hi - eleventh.lo, 1);
        // So a tie through it stays open here (the fractions decide it; core/tests/kernel.rs):
        // 100,250 × 100 ÷ 110,000 = 2005/22, × 0.154 = 14.035 exactly, + 57.3 = 71.335.
        let q = d("100250").mul(d("100")).div(d("110000"));
        let total = q.mul(d("0.154")).add(d("57.3"));
        assert!(total.lo < d("71.335").lo && total.hi > d("71.335").lo);
        assert_eq!(total.round_units(RoundingMode::HalfUp, 2), None);
    }

    #[test]
    fn exact_division_by_multiplication_finds_exactly_the_multiples() {
        // Against the remainder, on multiples of the divisor, their neighbours and both signs.
        // Past 2⁶⁴ after the power of two (2⁷⁰ × 63 × 10⁶), no quotient.
        const SHORT: ExactDivisor = ExactDivisor::new(6, 63 * 15_625);
        let d = 63_000_000i128;
        for k in [
            0i128,
            1,
            2,
            7,
            1_000_003,
            1 << 40,
            (1 << 50) + 12_345,
            1 << 70,
        ] {
            for x in [k * d, k * d + 1, k * d - 1, k * d + d / 2, k * d + 64] {
                for x in [x, -x] {
                    let fits = (x.unsigned_abs() >> 6) < 1 << 64;
                    let expect = (x % d == 0 && fits).then(|| i64::try_from(x / d).unwrap());
                    assert_eq!(SHORT.divide(x), expect, "{x}");
                }
            }
        }
    }

    #[test]
    fn short_decimals_stay_exact_and_decide_the_tie() {
        // 138,200 × 100 ÷ 140,000 = 691/7, exact (above).
        let q = d("138200").mul(d("100")).div(d("140000"));
        // 72.475 exactly (hand-worked: 58.655 + 13.82) rounds half-up to 72.48.
        let t = d("58.655").add(d("13.82"));
        assert_eq!(t.round_units(RoundingMode::HalfUp, 2), Some(7248));
        assert_eq!(t.round_units(RoundingMode::HalfEven, 2), Some(7248));
        assert_eq!(
            d("72.465").round_units(RoundingMode::HalfEven, 2),
            Some(7246)
        );
        assert_eq!(
            d("-72.475").round_units(RoundingMode::HalfUp, 2),
            Some(-7248)
        );
        let w = q.mul(d("0.14"));
        assert_eq!(w.round_units(RoundingMode::HalfUp, 2), Some(1382));
        // A span one unit wide (1/11 × 0.11 = 0.01 exactly) leaves a rounding uncertain only when
        // a boundary lies inside it: not at 2 places, but at 0.01 ÷ 2 = 0.005 to 2 places, yes.
        let w = d("1").div(d("11")).mul(d("0.11"));
        assert_eq!(w.round_units(RoundingMode::HalfUp, 2), Some(1));
        let half = d("1").div(d("11")).mul(d("0.055"));
        assert_eq!(half.round_units(RoundingMode::HalfUp, 2), None);
    }

    #[test]
    fn comparisons_and_truths() {
        assert_eq!(d("1").lt(d("2")), Span::TRUE);
        assert_eq!(d("2").le(d("2")), Span::TRUE);
        assert_eq!(d("2").lt(d("2")), Span::FALSE);
        assert_eq!(d("0.1").eq(d("0.10")), Span::TRUE);
        let third = d("1").div(d("3"));
        assert_eq!(third.eq(d("0.333333333333")), Span::FALSE);
        let eleventh = d("1").div(d("11"));
        assert_eq!(eleventh.eq(d("0.090909090909")), Span::FALSE);
        assert_eq!(eleventh.mul(d("11")).eq(d("1")), Span::UNSURE);
        assert_eq!(Span::TRUE.not(), Span::FALSE);
        assert_eq!(Span::UNSURE.select(d("1"), d("1")), Span::UNSURE);
    }

    #[test]
    fn division_by_a_span_that_may_be_zero_is_uncertain() {
        assert_eq!(d("1").div(d("0")), Span::UNSURE);
        let around_zero = d("1").div(d("11")).mul(d("11")).sub(d("1"));
        assert!(around_zero.lo < 0 && around_zero.hi > 0);
        assert_eq!(d("1").div(around_zero), Span::UNSURE);
        // Negative divisors take their extremes at the corners too: 1 ÷ −4 = −0.25.
        assert_eq!(d("1").div(d("-4")), d("-0.25"));
    }

    #[test]
    fn out_of_range_is_uncertain() {
        // 10²⁴ is below 2⁸⁰ (about 1.21 × 10²⁴); twice it, or 10²⁶, is past it, as in the floats.
        let big = d("1000000000000000000000000");
        assert!(big.is_sure());
        assert_eq!(big.add(big), Span::UNSURE);
        assert_eq!(d("100000000000000000000000000"), Span::UNSURE);
        assert_eq!(big.mul(big), Span::UNSURE);
        assert_eq!(Span::from_decimal(Decimal::MAX).mul(d("10")), Span::UNSURE);
    }
}
