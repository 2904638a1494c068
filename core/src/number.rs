//! Exact numbers at the boundary: how plan and record files spell decimals.
//!
//! A number may be written as a JSON number (`850000`, `0.8`) or as a string (`"850000.00"`).
//! JSON numbers are read from their source text (serde_json's `arbitrary_precision`), so `0.1`
//! is exactly one tenth; strings are parsed with [`Decimal::from_str_exact`]. Anything that does
//! not fit a `Decimal` exactly (more than 28 significant digits, out of range) is an error, never
//! silently rounded.

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// serde_json's private key for a number kept as text under `arbitrary_precision`.
const ARBITRARY_PRECISION_TOKEN: &str = "$serde_json::private::Number";

/// Parse decimal text exactly: surrounding spaces allowed, no silent rounding.
///
/// Accepts `123`, `-0.5`, `+7` and exponent notation (`1e3`, `2.5E-1`, Python's `4E+28`). An
/// exponent moves the decimal point and the plain digits are then read, so one rule holds however
/// a number is spelt: at most 28 integer digits and 28 decimal places (`4e28` is refused exactly as
/// its 29 plain digits are, `1e-29` as its 29 places are).
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    // The common spelling needs no trimming (it has no spaces) and no sign handling.
    if let Some(d) = parse_short(text.as_bytes()) {
        return Ok(d);
    }
    let trimmed = crate::text::trimmed(text);
    if trimmed.is_empty() {
        return Err(EMPTY_VALUE.into());
    }
    let plain = trimmed.strip_prefix('+').unwrap_or(trimmed);
    // One sign at most: `+-1` is not a spelling of −1.
    if plain.len() < trimmed.len() && plain.starts_with(['+', '-']) {
        return Err(format!("`{trimmed}`{NOT_A_NUMBER}"));
    }
    if let Some(d) = parse_short(plain.as_bytes()) {
        return Ok(d);
    }
    // Python's and Rust's spellings of an infinite float (a DataFrame cell read by its text):
    // what they are, not merely "not a number".
    let unsigned = plain.trim_start_matches('-');
    if unsigned.len().saturating_add(1) >= plain.len()
        && (unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity"))
    {
        return Err(format!("{trimmed}{NOT_FINITE}"));
    }
    if let Some(at) = plain.find(['e', 'E']) {
        // Read as the plain digits it stands for, so the limits below hold for every spelling.
        // Problems name the plain digits, so every spelling of a value reads the same.
        return parse_decimal(&without_exponent(plain, at)?);
    }
    if !plain
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return Err(format!("`{trimmed}`{NOT_A_NUMBER}"));
    }
    let digits_before_point = plain
        .trim_start_matches('-')
        .split('.')
        .next()
        .map_or(0, |i| i.trim_start_matches('0').len());
    if digits_before_point > 28 {
        return Err(format!("`{trimmed}`{TOO_MANY_DIGITS}"));
    }
    Decimal::from_str_exact(plain).map_err(|e| match e {
        rust_decimal::Error::Underflow => {
            format!("`{trimmed}`{TOO_MANY_PLACES}")
        }
        rust_decimal::Error::ExceedsMaximumPossibleValue
        | rust_decimal::Error::LessThanMinimumPossibleValue => {
            format!("`{trimmed}`{OUT_OF_RANGE}")
        }
        _ => format!("`{trimmed}`{NOT_A_NUMBER}"),
    })
}

/// The kind and the Simplified Chinese text of an error of the number rule ([`parse_decimal`],
/// [`parse_json_number`], [`decimal_from_f64`]), read from its English, which this module words:
/// `not_a_number` for text that is no number, `number_out_of_range` for a number that does not
/// fit a decimal exactly, `not_finite` for NaN and the infinities. The value is quoted exactly as
/// the English quotes it (`` `12x` is not a number `` → `` `12x` 不是数字 ``).
pub(crate) fn rule_error(message: &str) -> (&'static str, String) {
    use crate::error::kinds;
    let quoted = |suffix: &str| {
        message
            .strip_suffix(suffix)
            .filter(|q| q.len() >= 2 && q.starts_with('`') && q.ends_with('`'))
    };
    if message == EMPTY_VALUE {
        (kinds::NOT_A_NUMBER, String::from("应为数字，实际为空值"))
    } else if let Some(q) = quoted(NOT_A_NUMBER) {
        (kinds::NOT_A_NUMBER, format!("{q} 不是数字"))
    } else if let Some(q) = quoted(TOO_MANY_DIGITS) {
        (
            kinds::NUMBER_OUT_OF_RANGE,
            format!("{q} 超出范围（整数部分超过 28 位）"),
        )
    } else if let Some(q) = quoted(TOO_MANY_PLACES) {
        (
            kinds::NUMBER_OUT_OF_RANGE,
            format!("{q} 的小数位数超过可精确保存的 28 位"),
        )
    } else if let Some(q) = quoted(OUT_OF_RANGE) {
        (kinds::NUMBER_OUT_OF_RANGE, format!("{q} 超出范围"))
    } else if let Some(v) = message.strip_suffix(NOT_FINITE) {
        (kinds::NOT_FINITE, format!("{v} 不是有限数"))
    } else {
        (kinds::NOT_A_NUMBER, format!("不是有效的数字：{message}"))
    }
}

/// The English of the number rule's errors, shared with [`rule_error`], which reads them back.
const EMPTY_VALUE: &str = "expected a number, found an empty value";
const NOT_A_NUMBER: &str = " is not a number";
const TOO_MANY_DIGITS: &str = " is out of range (more than 28 digits)";
const TOO_MANY_PLACES: &str = " has more decimal places than can be kept exactly (28 digits)";
const OUT_OF_RANGE: &str = " is out of range";
const NOT_FINITE: &str = " is not a finite number";

/// The common spelling of a cell (`-?digits(.digits)?`, at most 19 digits in all), read straight
/// into a mantissa and scale: the same `Decimal`, bit for bit (sign of zero and trailing zeros
/// included), as [`Decimal::from_str_exact`], which handles everything else. Batches parse
/// millions of cells, and this is several times cheaper than the general parser.
pub(crate) fn parse_short(text: &[u8]) -> Option<Decimal> {
    let s = short_parts(text)?;
    // A u64 mantissa is the low and middle 32-bit words; the high word is 0.
    Some(Decimal::from_parts(
        (s.mantissa & 0xFFFF_FFFF) as u32,
        (s.mantissa >> 32) as u32,
        0,
        s.negative,
        s.scale,
    ))
}

/// A number in the common spelling, as [`short_parts`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Short {
    pub(crate) negative: bool,
    /// The digits without the point.
    pub(crate) mantissa: u64,
    /// How many digits follow the point.
    pub(crate) scale: u32,
}

/// The parts of `-?digits(.digits)?` (at most 19 digits), the spelling [`parse_short`] reads;
/// `None` for any other text (the general parser's). The batch kernel reads text cells with it
/// without building a `Decimal`.
pub(crate) fn short_parts(text: &[u8]) -> Option<Short> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (int, frac) = match digits.iter().position(|&b| b == b'.') {
        Some(p) => (digits.get(..p)?, digits.get(p.checked_add(1)?..)?),
        None => (digits, &[][..]),
    };
    // "5." and ".5" are left to the general parser, as is anything longer than u64 holds.
    if int.is_empty()
        || (frac.is_empty() && int.len() < digits.len())
        || int.len().saturating_add(frac.len()) > 19
    {
        return None;
    }
    let mut mantissa: u64 = 0;
    for &b in int.iter().chain(frac) {
        if !b.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa
            .checked_mul(10)?
            .checked_add(u64::from(b.checked_sub(b'0')?))?;
    }
    Some(Short {
        negative,
        mantissa,
        scale: u32::try_from(frac.len()).ok()?,
    })
}

/// Parse the text of a JSON number exactly: the same rule as [`parse_decimal`].
pub fn parse_json_number(text: &str) -> Result<Decimal, String> {
    parse_decimal(text)
}

/// `2.5e-3` → `0.0025`: the same digits with the point moved, or an error when the result
/// could not fit a `Decimal` anyway (checked before building text, so `1e999999999` costs
/// nothing).
fn without_exponent(text: &str, at: usize) -> Result<String, String> {
    let out_of_range = || format!("`{text}`{OUT_OF_RANGE}");
    let (mantissa, exponent) = (
        text.get(..at).unwrap_or(""),
        text.get(at.saturating_add(1)..).unwrap_or(""),
    );
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let plain_digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !plain_digits(int) || !plain_digits(frac) {
        return Err(format!("`{text}`{NOT_A_NUMBER}"));
    }
    let digits: String = int.chars().chain(frac.chars()).collect();
    let exponent_digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    if exponent_digits.is_empty() || !plain_digits(exponent_digits) {
        return Err(format!("`{text}`{NOT_A_NUMBER}"));
    }
    // All digits: a parse failure can only be an exponent too large for i64.
    let exponent: i64 = exponent
        .strip_prefix('+')
        .unwrap_or(exponent)
        .parse()
        .map_err(|_| out_of_range())?;
    if digits.bytes().all(|b| b == b'0') {
        return Ok(String::from("0"));
    }
    // Where the point goes, counted in digits from the left; far outside the digits means
    // more than 28 integer digits or 28 places, which no spelling may have.
    let frac_len = i64::try_from(frac.len()).map_err(|_| out_of_range())?;
    let int_len = i64::try_from(int.len()).map_err(|_| out_of_range())?;
    let point = int_len.checked_add(exponent).ok_or_else(out_of_range)?;
    let limit = i64::try_from(digits.len())
        .map_err(|_| out_of_range())?
        .saturating_add(64);
    if point > limit || point < limit.saturating_neg() || frac_len > limit {
        return Err(out_of_range());
    }
    let mut plain = String::with_capacity(digits.len().saturating_add(70));
    if negative {
        plain.push('-');
    }
    let len = i64::try_from(digits.len()).map_err(|_| out_of_range())?;
    if point <= 0 {
        plain.push_str("0.");
        for _ in point..0 {
            plain.push('0');
        }
        plain.push_str(&digits);
    } else if point >= len {
        plain.push_str(&digits);
        for _ in len..point {
            plain.push('0');
        }
    } else {
        // 0 < point < len, so the index is within the digits.
        let split = usize::try_from(point).map_err(|_| out_of_range())?;
        let (a, b) = digits.split_at(split);
        plain.push_str(a);
        plain.push('.');
        plain.push_str(b);
    }
    Ok(plain)
}

/// Read an `f64` by its shortest round-trip decimal representation (`0.1_f64` → `0.1`).
///
/// This is the policy for hosts whose numbers are binary floats (Python `float`, JS `number`).
pub fn decimal_from_f64(value: f64) -> Result<Decimal, String> {
    if !value.is_finite() {
        return Err(format!("{value}{NOT_FINITE}"));
    }
    // Rust's `Display` for f64 prints the shortest text that reads back to the same float (never
    // an exponent); written on the stack, as floats arrive by the million from frames and JS.
    let mut text = StackText::default();
    match fmt::Write::write_fmt(&mut text, format_args!("{value}")) {
        Ok(()) => parse_json_number(text.as_str()),
        // Longer than the buffer (|value| ≥ 1e63 or tiny): out of range or too precise anyway.
        Err(_) => parse_json_number(&format!("{value}")),
    }
}

/// A small stack buffer for `write!`; writing past its end is an error, not a reallocation.
struct StackText {
    buf: [u8; 64],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        StackText {
            buf: [0; 64],
            len: 0,
        }
    }
}

impl StackText {
    fn as_str(&self) -> &str {
        // Only whole `&str`s are ever copied in, so the bytes are UTF-8.
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// A number in a plan or record file; see the module docs for the accepted spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Num(pub Decimal);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_decimal(&self.0, s)
    }
}

/// What a JSON scalar turned out to be, before the caller decides how to read it.
pub(crate) enum Scalar {
    /// A JSON number, as exact text.
    Number(String),
    /// A JSON string.
    Text(String),
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or a string")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        if !v.is_finite() {
            return Err(E::custom("expected a finite number"));
        }
        Ok(Scalar::Number(format!("{v}")))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        // serde_json with `arbitrary_precision` hands numbers over as a one-entry map.
        match map.next_key::<String>()? {
            Some(key) if key == ARBITRARY_PRECISION_TOKEN => {
                let text: String = map.next_value()?;
                Ok(Scalar::Number(text))
            }
            _ => Err(de::Error::custom(
                "expected a number or a string, found an object",
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Scalar::deserialize(d)? {
            Scalar::Number(text) => parse_json_number(&text).map(Num).map_err(de::Error::custom),
            Scalar::Text(text) => parse_decimal(&text).map(Num).map_err(de::Error::custom),
        }
    }
}

impl schemars::JsonSchema for Num {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Number".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A decimal number: a JSON number, or a string of digits for values a JSON number cannot carry exactly.",
            "oneOf": [
                { "type": "number" },
                { "type": "string", "pattern": "^\\s*[+-]?[0-9]*\\.?[0-9]+([eE][+-]?[0-9]+)?\\s*$" }
            ]
        })
    }
}

impl FromStr for Num {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_decimal(s).map(Num)
    }
}

/// A decimal number as exact text (`"85.5"`), as results write it; readers also take JSON numbers.
// Only its JSON Schema is used: `#[schemars(with = ...)]` on decimal fields written as text.
#[derive(schemars::JsonSchema)]
#[schemars(transparent, rename = "DecimalText")]
#[allow(dead_code)]
pub(crate) struct DecimalTextSchema(#[schemars(regex(pattern = r"^-?[0-9]+(\.[0-9]+)?$"))] String);

/// A decimal's text in a stack buffer: the same characters as `Decimal`'s `Display`
/// (`to_string()`), produced without allocating and with a few wide divisions instead of one
/// 96-bit division per digit, because writing results (canonical JSON, binding conversions) is
/// on the hot path of every batch.
#[derive(Clone, Copy)]
pub(crate) struct DecimalText {
    // Sign, 29 digits, a point and up to 28 leading zeros fit in 60 bytes.
    buf: [u8; 60],
    len: usize,
}

impl DecimalText {
    /// The text of `d` as written, keeping its scale (`74.40`), like `d.to_string()`.
    pub(crate) fn new(d: &Decimal) -> Self {
        Self::write(d.is_sign_negative(), d.mantissa().unsigned_abs(), d.scale())
    }

    /// The text of `d` without trailing fractional zeros (`42.5`), like `d.normalize().to_string()`.
    pub(crate) fn normalized(d: &Decimal) -> Self {
        let mut m = d.mantissa().unsigned_abs();
        let mut scale = d.scale();
        // Most mantissas fit 64 bits, where a division by 10 is a multiplication (a 128-bit one
        // is a library call).
        if let Ok(mut small) = u64::try_from(m) {
            while scale > 0 && small % 10 == 0 {
                small /= 10;
                scale = scale.saturating_sub(1); // exact: scale > 0 here
            }
            m = u128::from(small);
        }
        while scale > 0 && m % 10 == 0 {
            m /= 10;
            scale = scale.saturating_sub(1); // exact: scale > 0 here
        }
        // Zero has no sign once normalised.
        Self::write(d.is_sign_negative() && m != 0, m, scale)
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits, '-' and '.' are ever written.
        std::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }

    // n counts at most 3 × 19 digits, written at most 19, scale at most 28 (a Decimal's), out.len
    // at most 60 (the buffer, guarded), and b'0' + a digit is at most b'9'.
    #[allow(clippy::arithmetic_side_effects)]
    fn write(negative: bool, mantissa: u128, scale: u32) -> Self {
        // Digits of the mantissa, least significant first, two 19-digit chunks at a time.
        let mut digits = [b'0'; 40];
        let mut n = 0usize;
        let mut m = mantissa;
        loop {
            let (mut chunk, rest, full) = if m >= 10_000_000_000_000_000_000 {
                (
                    (m % 10_000_000_000_000_000_000) as u64,
                    m / 10_000_000_000_000_000_000,
                    true,
                )
            } else {
                (m as u64, 0, false)
            };
            let mut written = 0;
            while chunk > 0 || (full && written < 19) {
                if let Some(slot) = digits.get_mut(n) {
                    *slot = b'0' + (chunk % 10) as u8;
                }
                chunk /= 10;
                n += 1;
                written += 1;
            }
            m = rest;
            if m == 0 {
                break;
            }
        }
        let scale = scale as usize;
        // At least one digit before the point.
        let n = n.max(scale + 1);
        let mut out = DecimalText {
            buf: [0; 60],
            len: 0,
        };
        let mut push = |b: u8| {
            if let Some(slot) = out.buf.get_mut(out.len) {
                *slot = b;
                out.len += 1;
            }
        };
        if negative {
            push(b'-');
        }
        for i in (0..n).rev() {
            push(digits.get(i).copied().unwrap_or(b'0'));
            if i == scale && scale > 0 {
                push(b'.');
            }
        }
        out
    }
}

/// The name of the newtype struct every decimal in a result is serialised as, around its text.
///
/// JSON writes a newtype struct as its inner value, so canonical JSON is unchanged (`"42.5"`);
/// a host's own serde `Serializer` (the Python binding's) sees the name and builds its exact
/// decimal type from the text instead of guessing which strings are numbers.
pub const DECIMAL_MARK: &str = "$perfscore::Decimal";

/// A decimal's text, marked as a decimal (see [`DECIMAL_MARK`]).
pub fn serialize_decimal_text<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_newtype_struct(DECIMAL_MARK, text)
}

/// Decimals in results are written as normalised strings (`42.5`, not `42.500`).
pub(crate) fn serialize_decimal<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    serialize_decimal_text(DecimalText::normalized(d).as_str(), s)
}

/// Optional decimals in results: `null` or a normalised string.
pub(crate) fn serialize_opt_decimal<S: Serializer>(
    d: &Option<Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => serialize_decimal(d, s),
        None => s.serialize_none(),
    }
}

/// Money in results: written with its scale, the currency's minor units (`"84.00"`), as pay
/// statements and pool splits write it (a zero has no sign). Used by analytics results.
#[cfg(feature = "analytics")]
pub(crate) fn serialize_amount<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let d = if d.is_zero() { d.abs() } else { *d };
    serialize_decimal_text(DecimalText::new(&d).as_str(), s)
}

/// Optional money in results: `null` or as [`serialize_amount`].
#[cfg(feature = "analytics")]
pub(crate) fn serialize_opt_amount<S: Serializer>(
    d: &Option<Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => serialize_amount(d, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit-for-bit identity: same mantissa, scale and sign flag (so `-0` and `1.50` too).
    fn same_bits(a: &Decimal, b: &Decimal) -> bool {
        a.serialize() == b.serialize()
    }

    #[test]
    fn short_parse_is_the_general_parse() {
        for text in [
            "0",
            "-0",
            "-0.00",
            "7",
            "007.50",
            "850000.00",
            "-12.5",
            "9999999999999999999",
            "0.0000000000000000001",
            "1844674407370955161.5",
            "18446744073709551615",
        ] {
            let general = Decimal::from_str_exact(text).unwrap();
            let short = parse_short(text.as_bytes());
            // 20 digits are left to the general parser.
            if text.len() - usize::from(text.contains(['.', '-'])) > 19 {
                assert!(short.is_none(), "{text}");
            } else {
                assert!(same_bits(&short.unwrap(), &general), "{text}");
            }
        }
        for text in [
            "", "-", ".", "5.", ".5", "1.2.3", "1-2", "--1", "1_000", "١",
        ] {
            assert!(parse_short(text.as_bytes()).is_none(), "{text}");
        }
        // The public parser still reads the spellings the short path leaves out.
        assert_eq!(parse_decimal(".5").unwrap().to_string(), "0.5");
        assert_eq!(parse_decimal(" +12.50 ").unwrap().to_string(), "12.50");
    }

    #[test]
    fn floats_without_allocation_match_their_display() {
        for v in [
            0.1,
            -0.0,
            1e21,
            1e-7,
            123456.78,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
        ] {
            let expected = parse_json_number(&format!("{v}"));
            assert_eq!(decimal_from_f64(v), expected, "{v}");
        }
    }

    proptest::proptest! {
        #[test]
        fn short_parse_matches_from_str_exact(text in "-?[0-9]{0,21}(\\.[0-9]{0,21})?") {
            if let Some(short) = parse_short(text.as_bytes()) {
                let general = Decimal::from_str_exact(&text);
                proptest::prop_assert!(general.as_ref().is_ok_and(|g| same_bits(&short, g)), "{text}: {short:?} vs {general:?}");
            }
            let ours = parse_decimal(&text).map(|d| d.serialize());
            let general = Decimal::from_str_exact(&text).map(|d| d.serialize());
            if let Ok(g) = general {
                proptest::prop_assert_eq!(ours, Ok(g));
            }
        }

        #[test]
        fn floats_match_their_display(bits in proptest::num::u64::ANY) {
            let v = f64::from_bits(bits);
            let expected = if v.is_finite() { parse_json_number(&format!("{v}")) } else { decimal_from_f64(v) };
            proptest::prop_assert_eq!(decimal_from_f64(v), expected);
        }
    }

    #[test]
    fn json_numbers_are_exact() {
        let n: Num = serde_json::from_str("0.1").unwrap();
        assert_eq!(n.0.to_string(), "0.1");
        let n: Num = serde_json::from_str("1234567890123456789.123456789").unwrap();
        assert_eq!(n.0.to_string(), "1234567890123456789.123456789");
        let n: Num = serde_json::from_str("1e3").unwrap();
        assert_eq!(n.0, Decimal::from(1000));
        let n: Num = serde_json::from_str("\"850000.00\"").unwrap();
        assert_eq!(n.0.to_string(), "850000.00");
    }

    #[test]
    fn too_precise_is_an_error_not_rounding() {
        assert!(serde_json::from_str::<Num>("0.12345678901234567890123456789012").is_err());
        assert!(parse_decimal("1.2.3").is_err());
        assert!(parse_decimal("abc").is_err());
        assert!(parse_decimal("").is_err());
        assert!(parse_decimal("NaN").is_err());
    }

    #[test]
    fn infinite_float_spellings_are_not_finite() {
        // The text Python (`inf`) and JavaScript (`Infinity`) write for an infinite float.
        for text in ["inf", "-inf", "+inf", "Infinity", "-INFINITY"] {
            let message = parse_decimal(text).unwrap_err();
            assert_eq!(message, format!("{text} is not a finite number"));
            assert_eq!(rule_error(&message).0, crate::error::kinds::NOT_FINITE);
        }
        assert_eq!(
            parse_decimal("--inf").unwrap_err(),
            "`--inf` is not a number"
        );
        assert_eq!(
            parse_decimal("infinite").unwrap_err(),
            "`infinite` is not a number"
        );
    }

    #[test]
    fn every_rule_error_has_its_kind_and_chinese() {
        use crate::error::kinds;
        let err = |r: Result<Decimal, String>| rule_error(&r.unwrap_err());
        for (got, kind, zh) in [
            (
                err(parse_decimal("")),
                kinds::NOT_A_NUMBER,
                "应为数字，实际为空值",
            ),
            (
                err(parse_decimal("12x")),
                kinds::NOT_A_NUMBER,
                "`12x` 不是数字",
            ),
            (
                err(parse_decimal("+-1")),
                kinds::NOT_A_NUMBER,
                "`+-1` 不是数字",
            ),
            (
                err(parse_decimal("1e")),
                kinds::NOT_A_NUMBER,
                "`1e` 不是数字",
            ),
            (
                err(parse_decimal("1.2.3")),
                kinds::NOT_A_NUMBER,
                "`1.2.3` 不是数字",
            ),
            (
                err(parse_decimal("4e28")),
                kinds::NUMBER_OUT_OF_RANGE,
                "`40000000000000000000000000000` 超出范围（整数部分超过 28 位）",
            ),
            (
                err(parse_decimal("1e-29")),
                kinds::NUMBER_OUT_OF_RANGE,
                "`0.00000000000000000000000000001` 的小数位数超过可精确保存的 28 位",
            ),
            (
                err(parse_decimal("1e999999999999999999")),
                kinds::NUMBER_OUT_OF_RANGE,
                "`1e999999999999999999` 超出范围",
            ),
            (
                err(decimal_from_f64(f64::NAN)),
                kinds::NOT_FINITE,
                "NaN 不是有限数",
            ),
            (
                err(decimal_from_f64(f64::NEG_INFINITY)),
                kinds::NOT_FINITE,
                "-inf 不是有限数",
            ),
        ] {
            assert_eq!(got, (kind, String::from(zh)));
        }
    }

    #[test]
    fn floats_read_by_shortest_representation() {
        assert_eq!(decimal_from_f64(0.1).unwrap().to_string(), "0.1");
        assert_eq!(
            decimal_from_f64(1e21).unwrap(),
            Decimal::from_scientific("1e21").unwrap()
        );
        assert!(decimal_from_f64(f64::NAN).is_err());
        assert!(decimal_from_f64(f64::INFINITY).is_err());
    }

    proptest::proptest! {
        /// The fast writer is character for character `Display` and `normalize()` + `Display`.
        #[test]
        fn decimal_text_matches_display(lo: u32, mid: u32, hi: u32, negative: bool, scale in 0u32..=28) {
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            let (w, n) = (DecimalText::new(&d), DecimalText::normalized(&d));
            proptest::prop_assert_eq!(w.as_str(), d.to_string());
            proptest::prop_assert_eq!(n.as_str(), d.normalize().to_string());
        }

        #[test]
        fn decimal_text_matches_display_small(m in -100_000i64..100_000, scale in 0u32..=28) {
            let d = Decimal::new(m, scale);
            let (w, n) = (DecimalText::new(&d), DecimalText::normalized(&d));
            proptest::prop_assert_eq!(w.as_str(), d.to_string());
            proptest::prop_assert_eq!(n.as_str(), d.normalize().to_string());
        }
    }

    #[test]
    fn decimal_text_edges() {
        for (d, written, normalized) in [
            (Decimal::new(7440, 2), "74.40", "74.4"),
            (Decimal::new(0, 2), "0.00", "0"),
            (Decimal::new(-5, 3), "-0.005", "-0.005"),
            (
                Decimal::MAX,
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
            (
                Decimal::MIN,
                "-79228162514264337593543950335",
                "-79228162514264337593543950335",
            ),
            (
                Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, false, 28),
                "7.9228162514264337593543950335",
                "7.9228162514264337593543950335",
            ),
            (
                Decimal::new(1, 28),
                "0.0000000000000000000000000001",
                "0.0000000000000000000000000001",
            ),
            (
                Decimal::new(1_000_000_000_000_000_000, 0),
                "1000000000000000000",
                "1000000000000000000",
            ),
        ] {
            assert_eq!(DecimalText::new(&d).as_str(), written);
            assert_eq!(DecimalText::normalized(&d).as_str(), normalized);
        }
        // 10^19 exactly: a full low chunk of zeros.
        let d = Decimal::from_i128_with_scale(10_000_000_000_000_000_000, 0);
        assert_eq!(DecimalText::new(&d).as_str(), "10000000000000000000");
    }
}
