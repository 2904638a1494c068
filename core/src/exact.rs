//! Exact values: the plan's arithmetic with no intermediate rounding.
//!
//! A value stays a [`Decimal`] while it is one exactly: every input, and every sum, product or
//! quotient whose result fits 28 places and 96 bits. A quotient that does not terminate (138,200
//! × 100 ÷ 140,000 = 691/7) becomes a fraction of big integers, and returns to a `Decimal` as
//! soon as it terminates again (691/7 × 0.2 × 0.7 = 13.82). So a total is the exact value of the
//! plan's arithmetic, rounded once by the plan's rule, and no 28-digit remainder
//! (13.8199…9 instead of 13.82) can move a rounded total, a band, a grade edge or a payable amount.
//!
//! The fast path costs one scale comparison per sum or product (`rust_decimal` lowers the scale
//! exactly when it rounds) and one multiplication per quotient (the quotient times the divisor must
//! give back the dividend). Magnitudes keep `Decimal`'s range (|x| ≤ 79,228,162,514,264,337,593,543,950,335):
//! a result beyond it is an overflow, as before. Work is bounded by the size of the plan: a
//! formula is a tree of limited size, so no input can make a fraction's digits grow without bound.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;

use crate::rounding::RoundingMode;

/// An exact rational value: a `Decimal` when it is one, a reduced fraction otherwise.
#[derive(Clone, Debug)]
pub(crate) enum Exact {
    /// A value a `Decimal` holds exactly (every input is one).
    Dec(Decimal),
    /// A value no `Decimal` holds exactly (a non-terminating quotient, or more than 28 places).
    Frac(Box<Frac>),
}

/// `num / den` in lowest terms, `den > 0`, never representable as a `Decimal` (else it would be
/// [`Exact::Dec`]): each value has one representation, so `Dec` and `Frac` never compare equal.
#[derive(Clone, Debug)]
pub(crate) struct Frac {
    num: BigInt,
    den: BigInt,
}

/// The largest `Decimal` mantissa, 2⁹⁶ − 1.
const MAX_MANTISSA: i128 = 79_228_162_514_264_337_593_543_950_335;
/// `Decimal`'s largest scale.
const MAX_SCALE: u32 = 28;

impl Exact {
    pub(crate) const ZERO: Exact = Exact::Dec(Decimal::ZERO);
    pub(crate) const HUNDRED: Exact = Exact::Dec(Decimal::ONE_HUNDRED);

    /// Whether the value is zero.
    pub(crate) fn is_zero(&self) -> bool {
        match self {
            Exact::Dec(d) => d.is_zero(),
            // A fraction in lowest terms is never zero (zero is the `Decimal` 0).
            Exact::Frac(_) => false,
        }
    }

    /// Whether the value is below zero (−0 is not).
    pub(crate) fn is_negative(&self) -> bool {
        match self {
            Exact::Dec(d) => d.is_sign_negative() && !d.is_zero(),
            Exact::Frac(f) => f.num.is_negative(),
        }
    }

    /// `self + other`; `None` past `Decimal`'s range.
    pub(crate) fn checked_add(&self, other: &Exact) -> Option<Exact> {
        if let (Exact::Dec(a), Exact::Dec(b)) = (self, other) {
            let sum = a.checked_add(*b)?;
            // rust_decimal lowers the scale exactly when it has to round the sum.
            if sum.scale() == a.scale().max(b.scale()) {
                return Some(Exact::Dec(sum));
            }
        }
        let (a, b) = (self.parts(), other.parts());
        from_parts(
            big::add(&big::mul(&a.0, &b.1), &big::mul(&b.0, &a.1)),
            big::mul(&a.1, &b.1),
        )
    }

    /// `self − other`; `None` past `Decimal`'s range.
    pub(crate) fn checked_sub(&self, other: &Exact) -> Option<Exact> {
        self.checked_add(&other.neg())
    }

    /// `self × other`; `None` past `Decimal`'s range.
    pub(crate) fn checked_mul(&self, other: &Exact) -> Option<Exact> {
        if let (Exact::Dec(a), Exact::Dec(b)) = (self, other) {
            if let Some(product) = exact_product(*a, *b) {
                return Some(Exact::Dec(product));
            }
        }
        let (a, b) = (self.parts(), other.parts());
        from_parts(big::mul(&a.0, &b.0), big::mul(&a.1, &b.1))
    }

    /// `self ÷ other`; `None` when `other` is zero or past `Decimal`'s range.
    pub(crate) fn checked_div(&self, other: &Exact) -> Option<Exact> {
        if other.is_zero() {
            return None;
        }
        if let (Exact::Dec(a), Exact::Dec(b)) = (self, other) {
            // A quotient is exact when multiplying it back gives the dividend exactly.
            if let Some(q) = a.checked_div(*b) {
                if exact_product(q, *b).is_some_and(|back| back == *a) {
                    return Some(Exact::Dec(q));
                }
            }
        }
        let (a, b) = (self.parts(), other.parts());
        from_parts(big::mul(&a.0, &b.1), big::mul(&a.1, &b.0))
    }

    /// `−self` (never overflows: the range is symmetric).
    pub(crate) fn neg(&self) -> Exact {
        match self {
            // Negating a Decimal flips its sign bit, which cannot overflow.
            #[allow(clippy::arithmetic_side_effects)]
            Exact::Dec(d) => Exact::Dec(-*d),
            Exact::Frac(f) => Exact::Frac(Box::new(Frac {
                num: big::neg(&f.num),
                den: f.den.clone(),
            })),
        }
    }

    /// `|self|`.
    pub(crate) fn abs(&self) -> Exact {
        if self.is_negative() {
            self.neg()
        } else {
            self.clone()
        }
    }

    /// The whole part, toward zero (7/2 → 3, −7/2 → −3).
    pub(crate) fn trunc(&self) -> Exact {
        match self {
            Exact::Dec(d) => Exact::Dec(d.trunc()),
            Exact::Frac(f) => {
                // Truncating division; |whole| ≤ |value|, so it is within range and a decimal.
                let whole = big::div(&f.num, &f.den).unwrap_or_default();
                whole
                    .to_i128()
                    .and_then(|w| Decimal::try_from_i128_with_scale(w, 0).ok())
                    .map_or(Exact::ZERO, Exact::Dec)
            }
        }
    }

    /// The value as a `Decimal` for display: itself when exact, else rounded half-even at the
    /// most places that fit (28 significant digits or more, as a `Decimal` division shows it).
    pub(crate) fn to_decimal(&self) -> Decimal {
        match self {
            Exact::Dec(d) => *d,
            Exact::Frac(f) => f.display(),
        }
    }

    /// Rounded once to `scale` places by `mode`, from the exact value.
    pub(crate) fn round(&self, mode: RoundingMode, scale: u32) -> Decimal {
        match self {
            Exact::Dec(d) => mode.round(*d, scale),
            Exact::Frac(f) => mode.round(f.rounded(mode, scale.min(MAX_SCALE)), scale),
        }
    }

    /// Numerator and denominator (the denominator positive).
    fn parts(&self) -> (BigInt, BigInt) {
        match self {
            Exact::Dec(d) => (BigInt::from(d.mantissa()), big::ten_pow(d.scale())),
            Exact::Frac(f) => (f.num.clone(), f.den.clone()),
        }
    }
}

impl Default for Exact {
    fn default() -> Self {
        Exact::ZERO
    }
}

impl From<Decimal> for Exact {
    fn from(d: Decimal) -> Self {
        Exact::Dec(d)
    }
}

impl PartialEq for Exact {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Exact {}
impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Exact {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Exact::Dec(a), Exact::Dec(b)) => a.cmp(b),
            _ => {
                let (a, b) = (self.parts(), other.parts());
                big::mul(&a.0, &b.1).cmp(&big::mul(&b.0, &a.1))
            }
        }
    }
}

impl PartialEq<Decimal> for Exact {
    fn eq(&self, other: &Decimal) -> bool {
        matches!(self, Exact::Dec(d) if d == other)
    }
}
impl PartialOrd<Decimal> for Exact {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        match self {
            Exact::Dec(d) => Some(d.cmp(other)),
            Exact::Frac(_) => Some(self.cmp(&Exact::Dec(*other))),
        }
    }
}

impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_decimal().normalize().fmt(f)
    }
}

/// `a × b` when `rust_decimal` computes it without rounding (it lowers the scale exactly when it
/// rounds a product).
fn exact_product(a: Decimal, b: Decimal) -> Option<Decimal> {
    let product = a.checked_mul(b)?;
    (product.scale() == a.scale().saturating_add(b.scale())).then_some(product)
}

/// The value `num / den` (den ≠ 0) in its one representation; `None` past `Decimal`'s range.
fn from_parts(num: BigInt, den: BigInt) -> Option<Exact> {
    let (num, den) = if den.is_negative() {
        (big::neg(&num), big::neg(&den))
    } else {
        (num, den)
    };
    if den.is_zero() {
        return None;
    }
    let g = num.gcd(&den);
    let (num, den) = if g.is_one() || g.is_zero() {
        (num, den)
    } else {
        (big::div(&num, &g)?, big::div(&den, &g)?)
    };
    // Past the range: |num| > MAX × den.
    if big::abs(&num) > big::mul(&BigInt::from(MAX_MANTISSA), &den) {
        return None;
    }
    Some(match as_decimal(&num, &den) {
        Some(d) => Exact::Dec(d),
        None => Exact::Frac(Box::new(Frac { num, den })),
    })
}

/// `num / den` (lowest terms, den > 0) as a `Decimal` when one holds it exactly: den = 2ᵃ5ᵇ with
/// max(a, b) ≤ 28, and the mantissa fits 96 bits.
fn as_decimal(num: &BigInt, den: &BigInt) -> Option<Decimal> {
    let twos = u32::try_from(den.trailing_zeros().unwrap_or(0)).ok()?;
    if twos > MAX_SCALE {
        return None;
    }
    let mut rest = big::shr(den, twos);
    let five = BigInt::from(5);
    let mut fives = 0u32;
    while !rest.is_one() {
        let (q, r) = rest.div_rem(&five);
        if !r.is_zero() || fives >= MAX_SCALE {
            return None;
        }
        rest = q;
        fives = fives.saturating_add(1);
    }
    let scale = twos.max(fives);
    // den divides 10^scale exactly, so the mantissa is num × (10^scale ÷ den).
    let mantissa = big::mul(num, &big::div(&big::ten_pow(scale), den)?).to_i128()?;
    if mantissa.unsigned_abs() > MAX_MANTISSA.unsigned_abs() {
        return None;
    }
    Decimal::try_from_i128_with_scale(mantissa, scale).ok()
}

impl Frac {
    /// Half-even at the most places that fit a `Decimal`.
    fn display(&self) -> Decimal {
        let whole = big::div(&big::abs(&self.num), &self.den).unwrap_or_default();
        let digits = if whole.is_zero() {
            0
        } else {
            u32::try_from(whole.to_string().len()).unwrap_or(u32::MAX)
        };
        // 29 significant digits where the mantissa allows, else 28, as rust_decimal shows a quotient.
        let mut scale = MAX_SCALE.min(29u32.saturating_sub(digits));
        loop {
            let d = self.rounded(RoundingMode::HalfEven, scale);
            if d.scale() == scale || scale == 0 {
                return d;
            }
            scale = scale.saturating_sub(1);
        }
    }

    /// Rounded to `scale` (≤ 28) places by `mode`; when the mantissa would not fit, the result has
    /// a smaller scale (the caller retries or rescales).
    fn rounded(&self, mode: RoundingMode, scale: u32) -> Decimal {
        let scaled = big::mul(&big::abs(&self.num), &big::ten_pow(scale));
        let (q, r) = scaled.div_rem(&self.den);
        let twice = big::add(&r, &r);
        let up = match mode {
            RoundingMode::Down => false,
            RoundingMode::HalfUp => twice >= self.den,
            RoundingMode::HalfEven => twice > self.den || (twice == self.den && q.is_odd()),
        };
        let q = if up { big::add(&q, &BigInt::one()) } else { q };
        let negative = self.num.is_negative();
        match q.to_i128().filter(|m| *m <= MAX_MANTISSA) {
            Some(m) => {
                let m = if negative { m.saturating_neg() } else { m };
                Decimal::try_from_i128_with_scale(m, scale).unwrap_or(Decimal::MAX)
            }
            // One place fewer (the range check on every result keeps the value itself in range).
            None if scale > 0 => self.rounded(mode, scale.saturating_sub(1)),
            None => Decimal::MAX,
        }
    }
}

/// Big-integer arithmetic: it cannot overflow (only memory bounds it, and the plan's size bounds
/// the digits), and division is only ever by a non-zero value (checked here).
#[allow(clippy::arithmetic_side_effects)]
mod big {
    use num_bigint::BigInt;
    use num_traits::{Signed, Zero};

    pub(super) fn add(a: &BigInt, b: &BigInt) -> BigInt {
        a + b
    }
    pub(super) fn mul(a: &BigInt, b: &BigInt) -> BigInt {
        a * b
    }
    pub(super) fn neg(a: &BigInt) -> BigInt {
        -a
    }
    pub(super) fn abs(a: &BigInt) -> BigInt {
        a.abs()
    }
    pub(super) fn shr(a: &BigInt, bits: u32) -> BigInt {
        a >> bits
    }
    pub(super) fn div(a: &BigInt, b: &BigInt) -> Option<BigInt> {
        (!b.is_zero()).then(|| a / b)
    }
    pub(super) fn ten_pow(exp: u32) -> BigInt {
        num_traits::pow(BigInt::from(10u8), usize::try_from(exp).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn x(s: &str) -> Exact {
        Exact::Dec(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn a_cancelled_seventh_is_exact_again() {
        // Hand-worked: 138,200 × 100 ÷ 140,000 = 691/7; × 0.2 × 0.7 = 691 × 0.02 = 13.82.
        let completion = x("138200")
            .checked_mul(&Exact::HUNDRED)
            .and_then(|v| v.checked_div(&x("140000")))
            .unwrap();
        assert!(matches!(completion, Exact::Frac(_)));
        assert_eq!(
            completion.to_decimal().to_string(),
            "98.71428571428571428571428571"
        );
        let points = completion
            .checked_mul(&x("0.2"))
            .and_then(|v| v.checked_mul(&x("0.7")))
            .unwrap();
        assert_eq!(points, x("13.82"));
        assert!(matches!(points, Exact::Dec(_)));
        // The 28-digit decimal arithmetic this replaces: 13.819999999999999999999999999.
        let old = Decimal::from(13_820_000)
            .checked_div(Decimal::from(140_000))
            .unwrap()
            .checked_mul(Decimal::from_str("0.2").unwrap())
            .unwrap()
            .checked_mul(Decimal::from_str("0.7").unwrap())
            .unwrap();
        assert_ne!(old.to_string(), "13.82");
    }

    #[test]
    fn ties_round_from_the_exact_value() {
        // 58.655 + 13.82 = 72.475 exactly: half-up to 72.48, half-even to 72.48 (8 is even).
        let seventh = x("691").checked_div(&x("7")).unwrap();
        let total = seventh
            .checked_mul(&x("0.14"))
            .and_then(|v| v.checked_add(&x("58.655")))
            .unwrap();
        assert_eq!(total.round(RoundingMode::HalfUp, 2).to_string(), "72.48");
        assert_eq!(total.round(RoundingMode::HalfEven, 2).to_string(), "72.48");
        assert_eq!(total.round(RoundingMode::Down, 2).to_string(), "72.47");
    }

    #[test]
    fn fractions_round_by_mode_and_sign() {
        // Hand-worked: 2/3 = 0.666…, −2/3 = −0.666…; 1/7 = 0.142857…
        let two_thirds = x("2").checked_div(&x("3")).unwrap();
        assert_eq!(
            two_thirds.round(RoundingMode::HalfUp, 2).to_string(),
            "0.67"
        );
        assert_eq!(two_thirds.round(RoundingMode::Down, 2).to_string(), "0.66");
        let minus = two_thirds.neg();
        assert!(minus.is_negative());
        assert_eq!(minus.round(RoundingMode::HalfUp, 2).to_string(), "-0.67");
        assert_eq!(minus.round(RoundingMode::Down, 2).to_string(), "-0.66");
        let tiny = x("-1").checked_div(&x("700")).unwrap();
        assert_eq!(tiny.round(RoundingMode::HalfUp, 2).to_string(), "0.00");
    }

    #[test]
    fn display_matches_a_decimal_quotient() {
        for (a, b) in [
            ("1", "3"),
            ("2", "3"),
            ("100", "3"),
            ("691", "7"),
            ("1", "7000"),
        ] {
            let exact = x(a).checked_div(&x(b)).unwrap();
            let decimal = Decimal::from_str(a)
                .unwrap()
                .checked_div(Decimal::from_str(b).unwrap())
                .unwrap();
            assert_eq!(exact.to_decimal(), decimal, "{a} / {b}");
        }
    }

    #[test]
    fn comparisons_are_exact() {
        let third = x("1").checked_div(&x("3")).unwrap();
        assert!(third > x("0.3333333333333333333333333333"));
        assert!(third < x("0.3333333333333333333333333334"));
        let back = third.checked_mul(&x("3")).unwrap();
        assert_eq!(back, x("1"));
        assert!(matches!(back, Exact::Dec(_)));
    }

    fn any_decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (-100_000i64..100_000, 0u32..5).prop_map(|(n, s)| Decimal::new(n, s)),
            Just(Decimal::MAX),
            Just(Decimal::MIN),
            (
                any::<u32>(),
                any::<u32>(),
                any::<u32>(),
                any::<bool>(),
                0u32..=28
            )
                .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
        ]
    }

    /// The reference: `num / den` from the mantissas, with no `Decimal` arithmetic at all.
    fn ratio(d: Decimal) -> (BigInt, BigInt) {
        (BigInt::from(d.mantissa()), big::ten_pow(d.scale()))
    }

    /// `value` equals `num / den`, or is `None` exactly when that is past the range.
    fn agrees(value: Option<Exact>, num: BigInt, den: BigInt) -> Result<(), TestCaseError> {
        let out_of_range = big::abs(&num) > big::mul(&BigInt::from(MAX_MANTISSA), &big::abs(&den));
        match value {
            None => prop_assert!(out_of_range, "refused an in-range value"),
            Some(v) => {
                prop_assert!(!out_of_range, "accepted an out-of-range value");
                let (n, d) = v.parts();
                prop_assert_eq!(big::mul(&n, &den), big::mul(&num, &d));
                if let Exact::Frac(f) = &v {
                    // One representation per value: a fraction is never a decimal.
                    prop_assert!(as_decimal(&f.num, &f.den).is_none());
                }
            }
        }
        Ok(())
    }

    proptest! {
        // The decimal fast paths against big-integer arithmetic on the mantissas.
        #[test]
        fn sums_products_and_quotients_are_exact(a in any_decimal(), b in any_decimal()) {
            let (x, y) = (Exact::Dec(a), Exact::Dec(b));
            let ((an, ad), (bn, bd)) = (ratio(a), ratio(b));
            agrees(
                x.checked_add(&y),
                big::add(&big::mul(&an, &bd), &big::mul(&bn, &ad)),
                big::mul(&ad, &bd),
            )?;
            agrees(x.checked_mul(&y), big::mul(&an, &bn), big::mul(&ad, &bd))?;
            if !b.is_zero() {
                agrees(x.checked_div(&y), big::mul(&an, &bd), big::mul(&ad, &bn))?;
            }
        }

        // Rounding a fraction once equals rounding its exact value by hand.
        #[test]
        fn rounding_a_quotient_is_correct(a in -10_000_000i64..10_000_000, b in 1i64..100_000) {
            let q = Exact::Dec(Decimal::from(a)).checked_div(&Exact::Dec(Decimal::from(b))).unwrap();
            // Hand rule, half-up at 2 places: floor((|a| × 200 + b) ÷ 2b) with the sign of a.
            let m = (a.unsigned_abs() * 200 + b.unsigned_abs()) / (2 * b.unsigned_abs());
            let m = i64::try_from(m).unwrap() * a.signum();
            let expected = RoundingMode::HalfUp.round(Decimal::new(m, 2), 2);
            prop_assert_eq!(q.round(RoundingMode::HalfUp, 2), expected);
        }
    }

    #[test]
    fn trunc_goes_toward_zero() {
        let q = |a: &str, b: &str| x(a).checked_div(&x(b)).unwrap();
        assert_eq!(q("22", "7").trunc(), x("3"));
        assert_eq!(q("-22", "7").trunc(), x("-3"));
        assert_eq!(x("-2.5").trunc(), x("-2"));
    }

    #[test]
    fn range_is_decimal_range() {
        let max = Exact::Dec(Decimal::MAX);
        assert!(max.checked_add(&x("1")).is_none());
        assert!(max.checked_mul(&x("1.5")).is_none());
        assert!(x("1").checked_div(&Exact::ZERO).is_none());
        // Tiny values stay exact rather than underflowing to zero.
        let tiny = x("0.00000000000000000001")
            .checked_mul(&x("0.00000000000000000001"))
            .unwrap();
        assert!(!tiny.is_zero());
        assert_eq!(tiny.round(RoundingMode::HalfUp, 2).to_string(), "0.00");
    }
}
