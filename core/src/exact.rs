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

/// An exact rational value: a `Decimal` when it is one, a reduced fraction otherwise (of 128-bit
/// integers when they suffice, so the common 691/7 allocates nothing; of big integers past that).
/// Each value has exactly one representation.
#[derive(Clone, Debug)]
pub(crate) enum Exact {
    /// A value a `Decimal` holds exactly (every input is one).
    Dec(Decimal),
    /// `num / den` in lowest terms, `den > 0`, not a `Decimal`, both fitting 128 bits.
    Small(i128, i128),
    /// The same past 128 bits.
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
            Exact::Small(..) | Exact::Frac(_) => false,
        }
    }

    /// Whether the value is below zero (−0 is not).
    pub(crate) fn is_negative(&self) -> bool {
        match self {
            Exact::Dec(d) => d.is_sign_negative() && !d.is_zero(),
            Exact::Small(n, _) => *n < 0,
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
        if let Some(r) = small::add(self.small(), other.small()) {
            return r;
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
        if let Some(r) = small::mul(self.small(), other.small()) {
            return r;
        }
        let (a, b) = (self.parts(), other.parts());
        from_parts(big::mul(&a.0, &b.0), big::mul(&a.1, &b.1))
    }

    /// `self ÷ other`; `None` when `other` is zero or past `Decimal`'s range.
    pub(crate) fn checked_div(&self, other: &Exact) -> Option<Exact> {
        if other.is_zero() {
            return None;
        }
        // Multiplying by the reciprocal, in 128 bits where it fits.
        if let Some(r) = small::mul(self.small(), other.small().and_then(small::recip)) {
            return r;
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
            // Lowest terms never hold i128::MIN with den > 1 within the range; if one did, the
            // big form takes it.
            Exact::Small(n, d) => match n.checked_neg() {
                Some(m) => Exact::Small(m, *d),
                None => Exact::Frac(Box::new(Frac {
                    num: big::neg(&BigInt::from(*n)),
                    den: BigInt::from(*d),
                })),
            },
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
            Exact::Small(n, d) => n
                .checked_div(*d)
                .and_then(|w| Decimal::try_from_i128_with_scale(w, 0).ok())
                .map_or(Exact::ZERO, Exact::Dec),
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
            Exact::Small(n, d) => {
                small::display(*n, *d).unwrap_or_else(|| self.big_frac().display())
            }
            Exact::Frac(f) => f.display(),
        }
    }

    /// Rounded once to `scale` places by `mode`, from the exact value.
    pub(crate) fn round(&self, mode: RoundingMode, scale: u32) -> Decimal {
        let scale = scale.min(MAX_SCALE);
        match self {
            Exact::Dec(d) => mode.round(*d, scale),
            Exact::Small(n, d) => match small::rounded(*n, *d, mode, scale) {
                Some(r) => mode.round(r, scale),
                None => mode.round(self.big_frac().rounded(mode, scale), scale),
            },
            Exact::Frac(f) => mode.round(f.rounded(mode, scale), scale),
        }
    }

    /// Numerator and denominator (the denominator positive).
    fn parts(&self) -> (BigInt, BigInt) {
        match self {
            Exact::Dec(d) => (BigInt::from(d.mantissa()), big::ten_pow(d.scale())),
            Exact::Small(n, d) => (BigInt::from(*n), BigInt::from(*d)),
            Exact::Frac(f) => (f.num.clone(), f.den.clone()),
        }
    }

    /// Numerator and denominator in 128 bits (a decimal as mantissa ÷ 10^scale), if they fit.
    fn small(&self) -> Option<(i128, i128)> {
        match self {
            Exact::Dec(d) => small::decimal(*d),
            Exact::Small(n, d) => Some((*n, *d)),
            Exact::Frac(_) => None,
        }
    }

    /// The value as a big fraction (for the rare display or rounding past 128 bits).
    fn big_frac(&self) -> Frac {
        let (num, den) = self.parts();
        Frac { num, den }
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
                if let Some(order) = small::cmp(self.small(), other.small()) {
                    return order;
                }
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
            Exact::Small(..) | Exact::Frac(_) => Some(self.cmp(&Exact::Dec(*other))),
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
        None => match (num.to_i128(), den.to_i128()) {
            (Some(n), Some(d)) => Exact::Small(n, d),
            _ => Exact::Frac(Box::new(Frac { num, den })),
        },
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

/// Fractions of 128-bit integers: every operation is checked, and `None` from an outer `Option`
/// means "does not fit, use big integers", never a wrong value.
/// `base⁰ … base^(N−1)`, computed when the crate is compiled.
// Used only for constant items, which the compiler evaluates: an overflow there stops the build.
#[allow(clippy::arithmetic_side_effects)]
pub(crate) const fn powers<const N: usize>(base: i128) -> [i128; N] {
    let mut t = [1i128; N];
    let mut i = 1;
    while i < N {
        t[i] = t[i - 1] * base;
        i += 1;
    }
    t
}

/// `10^exp` for `exp` up to 28 (the places a decimal can have), from a table.
pub(crate) fn ten_pow(exp: u32) -> Option<i128> {
    small::ten_pow(exp)
}

mod small {
    use super::{Exact, MAX_MANTISSA, MAX_SCALE};
    use crate::rounding::RoundingMode;
    use rust_decimal::Decimal;
    use std::cmp::Ordering;

    type Q = (i128, i128);

    pub(super) fn ten_pow(exp: u32) -> Option<i128> {
        POW10.get(usize::try_from(exp).ok()?).copied()
    }

    /// a/b + c/d in lowest terms (Knuth's form: only small gcds, g = gcd(b, d)); the inner
    /// `None` is out of range.
    pub(super) fn add(a: Option<Q>, b: Option<Q>) -> Option<Option<Exact>> {
        let ((a, b), (c, d)) = (a?, b?);
        let g = gcd(b, d).max(1);
        let (bg, dg) = (quot(b, g)?, quot(d, g)?);
        let t = a.checked_mul(dg)?.checked_add(c.checked_mul(bg)?)?;
        let g2 = gcd(t, g).max(1);
        from(quot(t, g2)?, bg.checked_mul(quot(d, g2)?)?, true)
    }

    /// a/b × c/d, cross-reduced first so the result is in lowest terms and small.
    pub(super) fn mul(a: Option<Q>, b: Option<Q>) -> Option<Option<Exact>> {
        let ((a, b), (c, d)) = (a?, b?);
        let g1 = gcd(a, d).max(1);
        let g2 = gcd(c, b).max(1);
        let num = quot(a, g1)?.checked_mul(quot(c, g2)?)?;
        let den = quot(b, g2)?.checked_mul(quot(d, g1)?)?;
        from(num, den, true)
    }

    /// a ÷ b toward zero, in 64 bits when both fit (a 128-bit division is a library call).
    fn quot(a: i128, b: i128) -> Option<i128> {
        match (i64::try_from(a), i64::try_from(b)) {
            (Ok(x), Ok(y)) => x.checked_div(y).map(i128::from),
            _ => a.checked_div(b),
        }
    }

    /// A decimal as mantissa ÷ 10^scale in lowest terms (only 2s and 5s can be common), which
    /// the operations below rely on to keep their results in lowest terms.
    pub(super) fn decimal(d: Decimal) -> Option<Q> {
        let (mut m, mut s) = (d.mantissa(), d.scale());
        if m == 0 {
            return Some((0, 1));
        }
        let twos = m.trailing_zeros().min(s);
        let mut fives = 0u32;
        // Division by a constant 5 in 64 bits is a multiplication; in 128 bits a library call.
        if let Ok(mut m64) = i64::try_from(m) {
            while fives < s && m64 % 5 == 0 {
                m64 /= 5;
                fives = fives.saturating_add(1);
            }
            m = i128::from(m64);
        } else {
            while fives < s && m.checked_rem(5) == Some(0) {
                m = quot(m, 5)?;
                fives = fives.saturating_add(1);
            }
        }
        // m ÷ (2^s × 5^s) with `twos` 2s and `fives` 5s in common.
        m = m.checked_shr(twos)?;
        s = s.min(28);
        let den = POW5
            .get(usize::try_from(s.saturating_sub(fives)).ok()?)?
            .checked_shl(s.saturating_sub(twos))?;
        Some((m, den))
    }

    /// 1 ÷ (c/d), with a positive denominator; `None` for zero.
    pub(super) fn recip((c, d): Q) -> Option<Q> {
        match c.cmp(&0) {
            Ordering::Greater => Some((d, c)),
            Ordering::Less => Some((d.checked_neg()?, c.checked_neg()?)),
            Ordering::Equal => None,
        }
    }

    pub(super) fn cmp(a: Option<Q>, b: Option<Q>) -> Option<Ordering> {
        let ((a, b), (c, d)) = (a?, b?);
        Some(a.checked_mul(d)?.cmp(&c.checked_mul(b)?))
    }

    /// The value `num / den` (den ≠ 0) in its one representation. Outer `None`: does not fit
    /// (use big integers); inner `None`: past `Decimal`'s range.
    fn from(num: i128, den: i128, reduced: bool) -> Option<Option<Exact>> {
        let (mut num, mut den) = if den < 0 {
            (num.checked_neg()?, den.checked_neg()?)
        } else {
            (num, den)
        };
        if den == 0 {
            return None;
        }
        if num == 0 {
            return Some(Some(Exact::ZERO));
        }
        if !reduced {
            let g = gcd(num, den).max(1);
            num = quot(num, g)?;
            den = quot(den, g)?;
        }
        if let Some(d) = as_decimal(num, den) {
            return Some(Some(Exact::Dec(d)));
        }
        // Past the range: |num| ÷ den > MAX.
        let (n, d) = (num.unsigned_abs(), den.unsigned_abs());
        let max = MAX_MANTISSA.unsigned_abs();
        if n > max {
            let (q, r) = (n.checked_div(d)?, n.checked_rem(d)?);
            if q > max || (q == max && r > 0) {
                return Some(None);
            }
        }
        Some(Some(Exact::Small(num, den)))
    }

    /// `num / den` (lowest terms, den > 0) as a `Decimal` when den = 2ᵃ5ᵇ within 28 places.
    fn as_decimal(num: i128, den: i128) -> Option<Decimal> {
        let twos = den.trailing_zeros();
        let rest = den.checked_shr(twos)?;
        let fives = u32::try_from(POW5.binary_search(&rest).ok()?).ok()?;
        let scale = twos.max(fives);
        if scale > MAX_SCALE {
            return None;
        }
        let mantissa = num.checked_mul(quot(ten_pow(scale)?, den)?)?;
        if mantissa.unsigned_abs() > MAX_MANTISSA.unsigned_abs() {
            return None;
        }
        Decimal::try_from_i128_with_scale(mantissa, scale).ok()
    }

    /// 5⁰ … 5²⁸: a denominator's odd part must be one of these for a decimal.
    const POW5: [i128; 29] = super::powers(5);

    /// 10⁰ … 10²⁸.
    const POW10: [i128; 29] = super::powers(10);

    /// Greatest common divisor of |a| and |b| (binary; 64-bit when both fit).
    fn gcd(a: i128, b: i128) -> i128 {
        let (a, b) = (a.unsigned_abs(), b.unsigned_abs());
        let g = match (u64::try_from(a), u64::try_from(b)) {
            (Ok(a), Ok(b)) => u128::from(gcd64(a, b)),
            _ => binary_gcd128(a, b),
        };
        i128::try_from(g).unwrap_or(1)
    }

    /// Stein's binary gcd, one body for both widths (the 64-bit one is several times faster).
    macro_rules! binary_gcd {
        ($name:ident, $t:ty) => {
            pub(super) fn $name(mut a: $t, mut b: $t) -> $t {
                if a == 0 || b == 0 {
                    return a | b;
                }
                let shift = (a | b).trailing_zeros();
                a >>= a.trailing_zeros();
                loop {
                    b >>= b.trailing_zeros();
                    if a > b {
                        std::mem::swap(&mut a, &mut b);
                    }
                    b = b.wrapping_sub(a);
                    if b == 0 {
                        return a.checked_shl(shift).unwrap_or(a);
                    }
                }
            }
        };
    }
    binary_gcd!(binary_gcd64, u64);

    /// gcd(a, b) = gcd(a, b mod a): when one is far larger (a decimal's denominator 100 against
    /// a target's 70,000,000), one division first, where the binary loop would strip the larger
    /// one bit per round.
    pub(super) fn gcd64(a: u64, b: u64) -> u64 {
        let (small, large) = if a <= b { (a, b) } else { (b, a) };
        let apart = small.leading_zeros() > large.leading_zeros().saturating_add(8);
        let large = match large.checked_rem(small) {
            Some(r) if apart => r,
            _ => large,
        };
        binary_gcd64(small, large)
    }
    binary_gcd!(binary_gcd128, u128);

    /// ⌊n × 10^s ÷ d⌋ and the remainder, by long division in chunks that fit the integers used.
    pub(super) fn scaled(n: u128, d: u128, s: u32) -> Option<(u128, u128)> {
        match (u64::try_from(n), u64::try_from(d)) {
            (Ok(n), Ok(d)) => scaled64(n, d, s),
            _ => scaled128(n, d, s),
        }
    }

    /// [`scaled`] in 128-bit divisions.
    pub(super) fn scaled128(n: u128, d: u128, s: u32) -> Option<(u128, u128)> {
        let (mut m, mut r) = (n.checked_div(d)?, n.checked_rem(d)?);
        let mut left = s;
        while left > 0 {
            // The most digits k with r × 10^k certain to fit (r < d).
            let k = u128::MAX.checked_div(d)?.checked_ilog10()?.min(left);
            if k == 0 {
                return None;
            }
            let p = 10u128.checked_pow(k)?;
            let t = r.checked_mul(p)?;
            m = m.checked_mul(p)?.checked_add(t.checked_div(d)?)?;
            r = t.checked_rem(d)?;
            left = left.saturating_sub(k);
        }
        Some((m, r))
    }

    /// [`scaled`] for a numerator and denominator of 64 bits: the same long division, with each
    /// chunk's remainder kept below 2⁶⁴, so every division is one machine instruction rather than
    /// a 128-bit library call (a scorecard shows a dozen fractions, each to 28 places).
    fn scaled64(n: u64, d: u64, s: u32) -> Option<(u128, u128)> {
        let (q, mut r) = (n.checked_div(d)?, n.checked_rem(d)?);
        let mut m = u128::from(q);
        // The most digits k with r × 10^k below 2⁶⁴ for every r < d.
        let k = u64::MAX.checked_div(d)?.checked_ilog10()?;
        let mut left = s;
        while left > 0 {
            let k = k.min(left);
            if k == 0 {
                // A divisor past 2⁶⁴ ÷ 10: the rest in 128 bits.
                let (low, r) = scaled128(u128::from(r), u128::from(d), left)?;
                let high = m.checked_mul(10u128.checked_pow(left)?)?;
                return Some((high.checked_add(low)?, r));
            }
            let p = 10u64.checked_pow(k)?;
            let t = r.checked_mul(p)?;
            m = m
                .checked_mul(u128::from(p))?
                .checked_add(u128::from(t.checked_div(d)?))?;
            r = t.checked_rem(d)?;
            left = left.saturating_sub(k);
        }
        Some((m, u128::from(r)))
    }

    /// Rounded to `scale` places by `mode`; `None` when it does not fit (the big form decides).
    pub(super) fn rounded(num: i128, den: i128, mode: RoundingMode, scale: u32) -> Option<Decimal> {
        let d = den.unsigned_abs();
        let (m, r) = scaled(num.unsigned_abs(), d, scale)?;
        let twice = r.checked_mul(2)?;
        let up = match mode {
            RoundingMode::Down => false,
            RoundingMode::HalfUp => twice >= d,
            RoundingMode::HalfEven => twice > d || (twice == d && m % 2 == 1),
        };
        let m = if up { m.checked_add(1)? } else { m };
        let m = i128::try_from(m).ok().filter(|m| *m <= MAX_MANTISSA)?;
        let m = if num < 0 { m.checked_neg()? } else { m };
        Decimal::try_from_i128_with_scale(m, scale).ok()
    }

    /// Half-even at the most places that fit a `Decimal` (as a decimal division shows it).
    pub(super) fn display(num: i128, den: i128) -> Option<Decimal> {
        let (n, d) = (num.unsigned_abs(), den.unsigned_abs());
        let whole = match (u64::try_from(n), u64::try_from(d)) {
            (Ok(n), Ok(d)) => u128::from(n.checked_div(d)?),
            _ => n.checked_div(d)?,
        };
        let digits = if whole == 0 {
            0
        } else {
            whole.ilog10().saturating_add(1)
        };
        let mut scale = MAX_SCALE.min(29u32.saturating_sub(digits));
        loop {
            if let Some(d) = rounded(num, den, RoundingMode::HalfEven, scale) {
                return Some(d);
            }
            scale = scale.checked_sub(1)?;
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
        assert!(matches!(completion, Exact::Small(691, 7)));
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
                // One representation per value: a fraction is never a decimal, nor a big
                // fraction one that fits 128 bits.
                match &v {
                    Exact::Frac(f) => {
                        prop_assert!(as_decimal(&f.num, &f.den).is_none());
                        prop_assert!(f.num.to_i128().is_none() || f.den.to_i128().is_none());
                    }
                    Exact::Small(n, d) => {
                        prop_assert!(as_decimal(&BigInt::from(*n), &BigInt::from(*d)).is_none());
                        prop_assert!(*d > 1 && *n != 0);
                    }
                    Exact::Dec(_) => {}
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

    fn any_mode() -> impl Strategy<Value = RoundingMode> {
        prop_oneof![
            Just(RoundingMode::HalfUp),
            Just(RoundingMode::HalfEven),
            Just(RoundingMode::Down)
        ]
    }

    /// Denominators of every size the 64-bit long division meets: small, near 2⁶⁴ ÷ 10 (where a
    /// chunk holds no digit and the rest goes to 128 bits) and up to 2⁶⁴ − 1.
    fn any_den() -> impl Strategy<Value = u64> {
        prop_oneof![
            1u64..1_000_000,
            1u64..=u64::MAX,
            (u64::MAX / 10 - 1_000)..(u64::MAX / 10 + 1_000),
        ]
    }

    proptest! {
        // The 64-bit long division against the 128-bit one it shortcuts, digit for digit.
        #[test]
        fn the_64_bit_long_division_agrees_with_the_128_bit_one(
            n in any::<u64>(), d in any_den(), s in 0u32..=38,
        ) {
            let (n, d) = (u128::from(n), u128::from(d));
            prop_assert_eq!(small::scaled(n, d, s), small::scaled128(n, d, s));
        }

        // A 128-bit fraction rounds and displays as the big-integer form does.
        #[test]
        fn small_fractions_round_as_big_ones(
            num in prop_oneof![any::<i64>().prop_map(i128::from), any::<i128>()],
            den in any_den(),
            mode in any_mode(),
            scale in 0u32..=28,
        ) {
            let den = i128::from(den);
            let big = Frac { num: BigInt::from(num), den: BigInt::from(den) };
            if let Some(r) = small::rounded(num, den, mode, scale) {
                prop_assert_eq!(r, big.rounded(mode, scale));
            }
            if let Some(r) = small::display(num, den) {
                prop_assert_eq!(r, big.display());
            }
        }

        // One Euclid step before the binary loop keeps the greatest common divisor.
        #[test]
        fn the_gcd_with_a_first_division_is_the_gcd(a in any::<u64>(), b in any_den(), k in 0u32..40) {
            let a = a >> k;
            prop_assert_eq!(small::gcd64(a, b), small::binary_gcd64(a, b));
            prop_assert_eq!(small::gcd64(b, a), small::binary_gcd64(a, b));
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
