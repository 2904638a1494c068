//! Exact fractions in `i128`: the kernel's third stage.
//!
//! A [`Ratio`] is `n ÷ d` in lowest terms (`d > 0`), so every operation of the program is exact
//! and every decision (a comparison, a band, the rounding of the total, an exact x.xx5 tie) is
//! the exact one. It settles the rows the spans of the second stage leave open: a value on a
//! boundary reached through a quotient that does not terminate (138,200 × 100 ÷ 140,000 = 691/7,
//! whose 7 cancels later, giving a total of exactly 72.475). A numerator or denominator that
//! would pass `i128` makes the value uncertain, and the exact engine scores that row.

use rust_decimal::Decimal;

use super::span::round_div;
use crate::rounding::RoundingMode;

/// `n ÷ d` exactly; uncertain when `d` is 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Ratio {
    n: i128,
    d: i128,
}

impl Ratio {
    pub(crate) const UNSURE: Ratio = Ratio { n: 0, d: 0 };
    pub(super) const TRUE: Ratio = Ratio { n: 1, d: 1 };
    pub(super) const FALSE: Ratio = Ratio { n: 0, d: 1 };
    /// A register the third stage has not computed because the second stage's span gives it
    /// exactly (see `Kernel::ratios_after_spans`); uncertain to every operation.
    pub(super) const PENDING: Ratio = Ratio { n: 1, d: 0 };

    /// `n ÷ d` in lowest terms, with a positive denominator.
    fn new(n: Option<i128>, d: Option<i128>) -> Ratio {
        let (Some(n), Some(d)) = (n, d) else {
            return Ratio::UNSURE;
        };
        if d == 0 {
            return Ratio::UNSURE;
        }
        if d == 1 {
            return Ratio::new_signed(Some(n), Some(d));
        }
        let Some(g) = gcd(n, d) else {
            return Ratio::UNSURE;
        };
        let (n, d) = match (exact_div(n, g), exact_div(d, g)) {
            (Some(n), Some(d)) => (n, d),
            _ => return Ratio::UNSURE,
        };
        if d < 0 {
            Ratio::new_signed(n.checked_neg(), d.checked_neg())
        } else {
            Ratio::new_signed(Some(n), Some(d))
        }
    }

    /// `n ÷ d` for `d > 0`, when its magnitude is below [`RANGE`] (zero as 0/1, so equal values
    /// are equal ratios).
    fn new_signed(n: Option<i128>, d: Option<i128>) -> Ratio {
        match (n, d) {
            (Some(0), Some(d)) if d > 0 => Ratio::FALSE,
            (Some(n), Some(d)) if d > 0 && in_range(n, d) => Ratio { n, d },
            _ => Ratio::UNSURE,
        }
    }

    pub(super) fn is_sure(self) -> bool {
        self.d > 0
    }

    fn sure(self) -> Option<Ratio> {
        self.is_sure().then_some(self)
    }

    /// A decimal, exactly.
    pub(crate) fn from_decimal(d: Decimal) -> Ratio {
        Ratio::new(Some(d.mantissa()), 10i128.checked_pow(d.scale()))
    }

    /// A point span's units (`span::ONE` per 1), exactly.
    pub(super) fn from_span_units(units: i128) -> Ratio {
        Ratio::new(Some(units), Some(super::span::ONE))
    }

    pub(super) fn add(self, o: Ratio) -> Ratio {
        let (Some(a), Some(b)) = (self.sure(), o.sure()) else {
            return Ratio::UNSURE;
        };
        if a.d == b.d {
            return Ratio::new(a.n.checked_add(b.n), Some(a.d));
        }
        // Over the least common denominator (Knuth, TAOCP 4.5.1): with g = gcd(da, db), the
        // sum's numerator shares with the denominator only factors of g, so one small gcd
        // reduces it.
        let g = gcd(a.d, b.d).unwrap_or(0);
        let (Some(da), Some(db)) = (exact_div(a.d, g), exact_div(b.d, g)) else {
            return Ratio::UNSURE;
        };
        let n =
            a.n.checked_mul(db)
                .zip(b.n.checked_mul(da))
                .and_then(|(x, y)| x.checked_add(y));
        let Some(n) = n else {
            return Ratio::UNSURE;
        };
        let Some(h) = gcd(n, g) else {
            return Ratio::UNSURE;
        };
        let d = exact_div(b.d, h).and_then(|y| da.checked_mul(y));
        Ratio::new_signed(exact_div(n, h), d)
    }

    pub(super) fn sub(self, o: Ratio) -> Ratio {
        self.add(o.neg())
    }

    pub(super) fn neg(self) -> Ratio {
        match self.sure() {
            Some(a) => Ratio::new_signed(a.n.checked_neg(), Some(a.d)),
            None => Ratio::UNSURE,
        }
    }

    pub(super) fn abs(self) -> Ratio {
        match self.sure() {
            Some(a) if a.n < 0 => a.neg(),
            other => other.unwrap_or(Ratio::UNSURE),
        }
    }

    pub(super) fn mul(self, o: Ratio) -> Ratio {
        let (Some(a), Some(b)) = (self.sure(), o.sure()) else {
            return Ratio::UNSURE;
        };
        // Cross-cancel first, so the products stay as small as the result.
        let (Some(g1), Some(g2)) = (gcd(a.n, b.d), gcd(b.n, a.d)) else {
            return Ratio::UNSURE;
        };
        let n = exact_div(a.n, g1)
            .zip(exact_div(b.n, g2))
            .and_then(|(x, y)| x.checked_mul(y));
        let d = exact_div(a.d, g2)
            .zip(exact_div(b.d, g1))
            .and_then(|(x, y)| x.checked_mul(y));
        // In lowest terms already: a factor common to the numerator and the denominator would
        // divide one of the cross pairs, which the gcds removed (both operands being reduced).
        Ratio::new_signed(n, d)
    }

    /// Uncertain for a divisor of 0 (the engine's division-by-zero problem).
    pub(super) fn div(self, o: Ratio) -> Ratio {
        match o.sure() {
            // The reciprocal of a fraction in lowest terms is in lowest terms.
            Some(b) if b.n < 0 => self.mul(Ratio::new_signed(b.d.checked_neg(), b.n.checked_neg())),
            Some(b) if b.n > 0 => self.mul(Ratio::new_signed(Some(b.d), Some(b.n))),
            _ => Ratio::UNSURE,
        }
    }

    pub(super) fn min(self, o: Ratio) -> Ratio {
        match self.cmp(o) {
            Some(std::cmp::Ordering::Greater) => o,
            Some(_) => self,
            None => Ratio::UNSURE,
        }
    }

    pub(super) fn max(self, o: Ratio) -> Ratio {
        match self.cmp(o) {
            Some(std::cmp::Ordering::Less) => o,
            Some(_) => self,
            None => Ratio::UNSURE,
        }
    }

    /// The order of two certain values (cross-multiplied; `None` past `i128`).
    fn cmp(self, o: Ratio) -> Option<std::cmp::Ordering> {
        let (a, b) = (self.sure()?, o.sure()?);
        if a.d == b.d {
            return Some(a.n.cmp(&b.n));
        }
        Some(a.n.checked_mul(b.d)?.cmp(&b.n.checked_mul(a.d)?))
    }

    fn truth(t: Option<bool>) -> Ratio {
        match t {
            Some(true) => Ratio::TRUE,
            Some(false) => Ratio::FALSE,
            None => Ratio::UNSURE,
        }
    }

    pub(super) fn lt(self, o: Ratio) -> Ratio {
        Ratio::truth(self.cmp(o).map(std::cmp::Ordering::is_lt))
    }

    pub(super) fn le(self, o: Ratio) -> Ratio {
        Ratio::truth(self.cmp(o).map(std::cmp::Ordering::is_le))
    }

    pub(super) fn eq(self, o: Ratio) -> Ratio {
        Ratio::truth(self.cmp(o).map(std::cmp::Ordering::is_eq))
    }

    /// The numerator and denominator (lowest terms, a positive denominator), when known.
    pub(super) fn parts(self) -> Option<(i128, i128)> {
        self.is_sure().then_some((self.n, self.d))
    }

    pub(super) fn not(self) -> Ratio {
        Ratio::FALSE.eq(self)
    }

    pub(super) fn select(self, then: Ratio, otherwise: Ratio) -> Ratio {
        if self == Ratio::TRUE {
            then
        } else if self == Ratio::FALSE {
            otherwise
        } else {
            Ratio::UNSURE
        }
    }

    pub(super) fn guard(self, o: Ratio) -> Ratio {
        if o.is_sure() {
            self
        } else {
            Ratio::UNSURE
        }
    }

    /// The value rounded to `places`, exactly.
    pub(super) fn round(self, mode: RoundingMode, places: u32) -> Ratio {
        let units = self.round_units(mode, places).map(i128::from);
        Ratio::new(units, 10i128.checked_pow(places))
    }

    /// The value rounded to `places` by `mode` as a count of `10^-places` units.
    pub(super) fn round_units(self, mode: RoundingMode, places: u32) -> Option<i64> {
        let a = self.sure()?;
        let scaled = a.n.checked_mul(10i128.checked_pow(places)?)?;
        i64::try_from(round_div(scaled, a.d, mode)?).ok()
    }
}

/// Every value stays below 2⁸⁰ in magnitude, as in the first stage (see `crate::certified`):
/// the engine reports an overflow for an intermediate past a decimal's range (about 7.9 × 10²⁸),
/// even where a later cap would bring it back, so such a row is the engine's to decide.
const RANGE: i128 = 1 << 80;

/// Whether `|n ÷ d| < 2⁸⁰` (`d > 0`).
fn in_range(n: i128, d: i128) -> bool {
    match d.checked_mul(RANGE) {
        Some(limit) => n.unsigned_abs() < limit.unsigned_abs(),
        // d × 2⁸⁰ is past i128, so past any |n|.
        None => true,
    }
}

/// `n ÷ g` for a divisor `g` of `n`, in 64 bits when both fit (a 128-bit division is a library
/// call; reducing a fraction divides by its gcd twice).
fn exact_div(n: i128, g: i128) -> Option<i128> {
    match (i64::try_from(n), i64::try_from(g)) {
        (Ok(n), Ok(g)) => n.checked_div(g).map(i128::from),
        _ => n.checked_div(g),
    }
}

/// The greatest common divisor of the magnitudes (0 only for two zeros, which a caller's
/// division then refuses; `None` for 2¹²⁷, the gcd of two `i128::MIN`). In 64 bits when both
/// fit, the common case, where it is several times cheaper.
fn gcd(a: i128, b: i128) -> Option<i128> {
    use num_integer::Integer;
    let (a, b) = (a.unsigned_abs(), b.unsigned_abs());
    match (u64::try_from(a), u64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(i128::from(a.gcd(&b))),
        _ => i128::try_from(a.gcd(&b)).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn r(s: &str) -> Ratio {
        Ratio::from_decimal(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn a_quotient_that_does_not_terminate_cancels_exactly() {
        // 138,200 × 100 ÷ 140,000 = 691/7; × 20 % × 70 % = 13.82 exactly (hand-worked: the 7
        // cancels against 0.14 = 7/50).
        let completion = r("138200").mul(r("100")).div(r("140000"));
        assert_eq!(completion, Ratio { n: 691, d: 7 });
        let points = completion.mul(r("0.14"));
        assert_eq!(points, r("13.82"));
        // 58.655 + 13.82 = 72.475, a tie: half-up 72.48, half-even 72.48 (8 is even), down 72.47.
        let total = r("58.655").add(points);
        assert_eq!(total.round_units(RoundingMode::HalfUp, 2), Some(7248));
        assert_eq!(total.round_units(RoundingMode::HalfEven, 2), Some(7248));
        assert_eq!(total.round_units(RoundingMode::Down, 2), Some(7247));
        assert_eq!(
            total.neg().round_units(RoundingMode::HalfUp, 2),
            Some(-7248)
        );
    }

    #[test]
    fn comparisons_are_exact() {
        let third = r("1").div(r("3"));
        assert_eq!(third.lt(r("0.333333333333333333333333333")), Ratio::FALSE);
        assert_eq!(third.mul(r("3")).eq(r("1")), Ratio::TRUE);
        assert_eq!(r("2").le(r("2.000")), Ratio::TRUE);
        assert_eq!(third.min(r("0.3")), r("0.3"));
        assert_eq!(third.max(r("0.3")), third);
        assert_eq!(r("-0.25").abs(), r("0.25"));
        assert_eq!(Ratio::TRUE.not(), Ratio::FALSE);
        assert_eq!(Ratio::UNSURE.select(r("1"), r("1")), Ratio::UNSURE);
        assert_eq!(r("1").div(r("-4")), r("-0.25"));
        // Sums reduce to lowest terms, zero included: 1/6 + 1/3 = 1/2, 1/6 − 1/6 = 0.
        let (sixth, third) = (r("1").div(r("6")), r("1").div(r("3")));
        assert_eq!(sixth.add(third), r("0.5"));
        assert_eq!(sixth.sub(sixth), r("0"));
        assert_eq!(r("0.15").add(r("0.35")), r("0.5"));
    }

    #[test]
    fn division_by_zero_and_overflow_are_uncertain() {
        assert_eq!(r("1").div(r("0")), Ratio::UNSURE);
        let big = r("100000000000000000000000000");
        assert_eq!(big.mul(big), Ratio::UNSURE);
        // 2⁸⁰ ≈ 1.2089 × 10²⁴: the engine's to decide, even though an i128 holds it.
        assert!(r("1208925819614629174706175").is_sure());
        assert_eq!(r("1208925819614629174706176"), Ratio::UNSURE);
        assert_eq!(r("1099511627776").mul(r("1099511627776")), Ratio::UNSURE); // 2⁸⁰
        let tiny = r("0.0000000000000000000000000001");
        assert_eq!(tiny.mul(tiny), Ratio::UNSURE);
        assert!(!Ratio::UNSURE.add(r("1")).is_sure());
    }
}
