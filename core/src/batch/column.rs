//! [`Column`]: one measure's values for [`Plan::totals`](crate::Plan::totals), in the layout the
//! host already holds — `f64`, integers with a scale, Arrow-style UTF-8 text or decimals — with an
//! optional Arrow validity bitmap. Every layout is read by the rules the engine reads numbers by,
//! so a column gives the same totals and the same problems whatever its layout.

use std::ops::Range;

use rust_decimal::Decimal;
use std::borrow::Cow;

use super::kernel::Lane;
use crate::certified::Approx;
use crate::error::{kinds, Loc, Problem};
use crate::number::{decimal_from_f64, parse_decimal};

/// Integers below this are exact as `f64`.
const EXACT_INT: u64 = 1 << 53;

/// One measure's values for a batch, borrowed from the host.
///
/// ```
/// use perfscore::batch::Column;
/// let cents = [850_000_00i64, 0];
/// let valid = [0b01u8]; // row 1 is missing (Arrow: bit i set = row i present)
/// let revenue = Column::i64(&cents, 2).with_validity(&valid);
/// assert_eq!(revenue.len(), 2);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    values: Values<'a>,
    valid: Option<&'a [u8]>,
    /// Blank text is a value that is not a number (the record reader's rule for JSON strings),
    /// not a missing one (the CSV rule); missing values are then marked by the bitmap.
    blank_is_a_value: bool,
}

#[derive(Debug, Clone, Copy)]
enum Values<'a> {
    F64(&'a [f64]),
    I64 {
        values: &'a [i64],
        scale: u32,
    },
    Text {
        offsets: Offsets<'a>,
        bytes: &'a [u8],
    },
    Decimal(&'a [Option<Decimal>]),
}

#[derive(Debug, Clone, Copy)]
enum Offsets<'a> {
    I32(&'a [i32]),
    I64(&'a [i64]),
}

impl<'a> Column<'a> {
    /// Host floats; NaN is missing, and a float stands for its shortest decimal (0.1 is one
    /// tenth), as everywhere else.
    pub fn f64(values: &'a [f64]) -> Column<'a> {
        Column::new(Values::F64(values))
    }

    /// Integers in units of `10^-scale` (cents at scale 2): exact at any size.
    pub fn i64(values: &'a [i64], scale: u32) -> Column<'a> {
        Column::new(Values::I64 { values, scale })
    }

    /// Arrow `utf8` text: value `i` is `bytes[offsets[i]..offsets[i + 1]]`, read as the CSV
    /// reader reads a cell (an empty or blank cell is missing).
    pub fn text(offsets: &'a [i32], bytes: &'a [u8]) -> Column<'a> {
        Column::new(Values::Text {
            offsets: Offsets::I32(offsets),
            bytes,
        })
    }

    /// Arrow `large_utf8` text (64-bit offsets), as [`Column::text`].
    pub fn large_text(offsets: &'a [i64], bytes: &'a [u8]) -> Column<'a> {
        Column::new(Values::Text {
            offsets: Offsets::I64(offsets),
            bytes,
        })
    }

    /// Decimals; `None` is missing.
    pub fn decimals(values: &'a [Option<Decimal>]) -> Column<'a> {
        Column::new(Values::Decimal(values))
    }

    fn new(values: Values<'a>) -> Column<'a> {
        Column {
            values,
            valid: None,
            blank_is_a_value: false,
        }
    }

    /// The same column with an Arrow validity bitmap: bit `i` (least significant bit first) set
    /// means row `i` is present, clear means missing.
    pub fn with_validity(self, bitmap: &'a [u8]) -> Column<'a> {
        Column {
            valid: Some(bitmap),
            ..self
        }
    }

    /// The same column with blank text read as a value that is not a number (a problem), as the
    /// record reader reads a JSON string, instead of as missing.
    pub(crate) fn blank_is_a_value(self) -> Column<'a> {
        Column {
            blank_is_a_value: true,
            ..self
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self.values {
            Values::F64(v) => v.len(),
            Values::I64 { values, .. } => values.len(),
            Values::Text { offsets, .. } => match offsets {
                Offsets::I32(o) => o.len().saturating_sub(1),
                Offsets::I64(o) => o.len().saturating_sub(1),
            },
            Values::Decimal(v) => v.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A problem with the column's own shape (text offsets out of order or past the bytes, a
    /// validity bitmap too short, a scale past 28), at `at`.
    pub(crate) fn shape_problem(&self, at: Loc) -> Option<Problem> {
        let rows = self.len();
        let short_bitmap = self.valid.is_some_and(|b| b.len().saturating_mul(8) < rows);
        let bad_offsets = match self.values {
            Values::Text { offsets, bytes } => match offsets {
                Offsets::I32(o) => !in_order(o, bytes.len()),
                Offsets::I64(o) => !in_order(o, bytes.len()),
            },
            _ => false,
        };
        let bad_scale = matches!(self.values, Values::I64 { scale, .. } if scale > 28);
        let (en, zh) = if short_bitmap {
            (
                "the validity bitmap is shorter than the column",
                "有效位图比该列短",
            )
        } else if bad_offsets {
            (
                "the text offsets are not in order within the bytes",
                "文本偏移量不是在字节范围内的递增序列",
            )
        } else if bad_scale {
            ("a scale past 28 decimal places", "小数位数超过 28 位")
        } else {
            return None;
        };
        Some(Problem::new(at, kinds::WRONG_TYPE, en).zh(zh))
    }

    fn present(&self, i: usize) -> bool {
        match self.valid {
            None => true,
            Some(bits) => {
                let byte = bits
                    .get(i.checked_div(8).unwrap_or(0))
                    .copied()
                    .unwrap_or(0);
                let bit = i.checked_rem(8).unwrap_or(0);
                byte.checked_shr(u32::try_from(bit).unwrap_or(0))
                    .unwrap_or(0)
                    & 1
                    == 1
            }
        }
    }

    /// A text column whose every row is present, as one text (validated once, not row by row)
    /// and each row's end in it: row `i` is `text[ends[i - 1]..ends[i]]` (from 0 for the
    /// first). `None` for any other column, or when the bytes are not UTF-8 or a row does not
    /// start and end on a character (then each row is read on its own, as
    /// [`Column::id`] reads it).
    pub(crate) fn text_block(&self) -> Option<(&'a str, Vec<usize>)> {
        let Values::Text { offsets, bytes } = self.values else {
            return None;
        };
        if (0..self.len()).any(|i| !self.present(i)) {
            return None;
        }
        let offsets: Vec<usize> = match offsets {
            Offsets::I32(o) => o
                .iter()
                .map(|&x| usize::try_from(x).ok())
                .collect::<Option<_>>(),
            Offsets::I64(o) => o
                .iter()
                .map(|&x| usize::try_from(x).ok())
                .collect::<Option<_>>(),
        }?;
        let (&first, &last) = (offsets.first()?, offsets.last()?);
        let text = std::str::from_utf8(bytes.get(first..last)?).ok()?;
        let ends: Vec<usize> = offsets
            .iter()
            .skip(1)
            .map(|&end| end.checked_sub(first))
            .collect::<Option<_>>()?;
        let mut start = 0;
        for &end in &ends {
            if end < start || !text.is_char_boundary(end) {
                return None;
            }
            start = end;
        }
        Some((text, ends))
    }

    fn text_at(&self, i: usize) -> Option<&'a [u8]> {
        let Values::Text { offsets, bytes } = self.values else {
            return None;
        };
        let end = i.checked_add(1)?;
        let (a, b) = match offsets {
            Offsets::I32(o) => (
                usize::try_from(*o.get(i)?).ok()?,
                usize::try_from(*o.get(end)?).ok()?,
            ),
            Offsets::I64(o) => (
                usize::try_from(*o.get(i)?).ok()?,
                usize::try_from(*o.get(end)?).ok()?,
            ),
        };
        bytes.get(a..b)
    }

    /// Whether the engine's reader reads every cell of the column ([`Column::decimal`] is never
    /// `Err`): integers at a scale of at most 28 (an `i64` mantissa always fits a decimal) and
    /// decimals. Floats (infinities, values past a decimal's range) and text can be refused.
    pub(crate) fn reads_every_cell(&self) -> bool {
        match self.values {
            Values::I64 { scale, .. } => scale <= 28,
            Values::Decimal(_) => true,
            Values::F64(_) | Values::Text { .. } => false,
        }
    }

    /// Row `i` as the engine reads it: `Ok(None)` when missing, else the decimal or the reading's
    /// error message.
    pub(crate) fn decimal(&self, i: usize) -> Result<Option<Decimal>, String> {
        if !self.present(i) {
            return Ok(None);
        }
        match self.values {
            Values::F64(v) => match v.get(i) {
                Some(x) if x.is_nan() => Ok(None),
                Some(&x) => decimal_from_f64(x).map(Some),
                None => Ok(None),
            },
            Values::I64 { values, scale } => match values.get(i) {
                Some(&x) => Decimal::try_from_i128_with_scale(x.into(), scale)
                    .map(Some)
                    .map_err(|_| format!("`{x}` at scale {scale} is out of range")),
                None => Ok(None),
            },
            Values::Text { .. } => {
                let Some(raw) = self.text_at(i) else {
                    return Ok(None);
                };
                // The common spelling reads the same untrimmed: no text to check or trim.
                if let Some(d) = crate::number::parse_short(raw) {
                    return Ok(Some(d));
                }
                let text = match std::str::from_utf8(raw) {
                    Ok(text) => Cow::Borrowed(text),
                    Err(_) => String::from_utf8_lossy(raw),
                };
                if text.trim().is_empty() && !self.blank_is_a_value {
                    return Ok(None);
                }
                parse_decimal(&text).map(Some)
            }
            Values::Decimal(v) => Ok(v.get(i).copied().flatten()),
        }
    }

    /// Row `i` as a record id: text as it is, a whole number by its digits (`1001`, also from a
    /// float column such as pandas makes of integers with gaps); missing is the empty id (which a
    /// table refuses). `Err` with the value's text when it is a number with a fraction.
    ///
    /// Text is borrowed from the column's own bytes where it is UTF-8, so a batch's ids need no
    /// copy each and sit end to end in memory (the id check reads them in order).
    pub(crate) fn id(&self, i: usize) -> Result<Cow<'a, str>, String> {
        if let (Values::Text { .. }, true) = (self.values, self.present(i)) {
            let raw = self.text_at(i).unwrap_or_default();
            return Ok(String::from_utf8_lossy(raw));
        }
        self.id_owned(i).map(Cow::Owned)
    }

    fn id_owned(&self, i: usize) -> Result<String, String> {
        if !self.present(i) {
            return Ok(String::new());
        }
        let whole = |d: Decimal| {
            if d.fract().is_zero() {
                Ok(d.trunc().normalize().to_string())
            } else {
                Err(d.normalize().to_string())
            }
        };
        match self.values {
            Values::Text { .. } => Ok(self
                .text_at(i)
                .map(|raw| String::from_utf8_lossy(raw).into_owned())
                .unwrap_or_default()),
            Values::F64(v) => match v.get(i) {
                Some(x) if x.is_nan() => Ok(String::new()),
                Some(&x) => decimal_from_f64(x).and_then(whole),
                None => Ok(String::new()),
            },
            _ => match self.decimal(i) {
                Ok(Some(d)) => whole(d),
                Ok(None) => Ok(String::new()),
                Err(m) => Err(m),
            },
        }
    }

    /// Rows `rows` into a lane of certified floats; a value the kernel leaves to the engine
    /// (missing, unreadable, or one the engine reads specially) is uncertain.
    pub(crate) fn fill(&self, rows: Range<usize>, lane: &mut Lane, arch: pulp::Arch) {
        match self.values {
            // The common case, one branch-free loop.
            Values::F64(v) => lane.fill_hosts(arch, v.get(rows.clone()).unwrap_or_default()),
            Values::I64 { values, scale: 0 } => {
                lane.fill_integers(arch, values.get(rows.clone()).unwrap_or_default());
            }
            Values::I64 { values, scale } => lane.fill_from(
                values.get(rows.clone()).unwrap_or_default(),
                |x: i64| match (scale, x.unsigned_abs() < EXACT_INT) {
                    // An integer below 2⁵³ is exact as a float.
                    #[allow(clippy::cast_precision_loss)]
                    (0, true) => Approx::from_host(x as f64),
                    _ => Decimal::try_from_i128_with_scale(x.into(), scale)
                        .map_or(Approx::UNSURE, Approx::from_decimal),
                },
            ),
            // Text in the common spelling is read without building a decimal.
            Values::Text { .. } => lane.fill(rows.clone().map(|i| {
                let short = self.text_at(i).and_then(crate::number::short_parts);
                match short.and_then(Approx::from_short) {
                    Some(a) => a,
                    None => self.approx(i),
                }
            })),
            _ => lane.fill(rows.clone().map(|i| self.approx(i))),
        }
        if self.valid.is_some() {
            lane.clear_where(rows.map(|i| !self.present(i)));
        }
    }

    /// Row `i` in a certified float, by way of the engine's decimal.
    fn approx(&self, i: usize) -> Approx {
        match self.decimal(i) {
            Ok(Some(d)) => Approx::from_decimal(d),
            _ => Approx::UNSURE,
        }
    }

    /// Row `i` as the engine reads it, for the kernel's exact stages (`None` when missing,
    /// unreadable, or a float the engine reads specially).
    pub(crate) fn exact(&self, i: usize) -> Option<Decimal> {
        if let (Values::F64(v), true) = (self.values, self.present(i)) {
            let x = v.get(i).copied().unwrap_or(f64::NAN);
            if !Approx::from_host(x).is_sure() {
                return None;
            }
            if let Some(d) = crate::certified::short_decimal_of_host(x) {
                return Some(d);
            }
        }
        self.decimal(i).ok().flatten()
    }
}

/// Whether Arrow offsets are at least one, non-decreasing from a first that is not negative to a
/// last within `len` bytes (so every one lies within): one pass that vectorises, no copy, since
/// it runs for every text column of every batch.
fn in_order<T: Copy + Ord + Default + TryInto<usize>>(offsets: &[T], len: usize) -> bool {
    let (Some(&first), Some(&last)) = (offsets.first(), offsets.last()) else {
        return false;
    };
    let last_within = last.try_into().is_ok_and(|last| last <= len);
    first >= T::default() && last_within && offsets.windows(2).all(|w| w[0] <= w[1])
}

#[cfg(test)]
mod tests {

    /// Each row of a text column as `id` reads it.
    fn ids_row_by_row(c: &Column<'_>) -> Vec<String> {
        (0..c.len())
            .map(|i| c.id(i).unwrap().into_owned())
            .collect()
    }

    #[test]
    fn a_text_block_holds_each_row_as_it_reads_on_its_own() {
        // Offsets from 2: the column is a slice of a longer Arrow buffer.
        let bytes = "xxE1王伟E10".as_bytes();
        let offsets = [2i32, 4, 10, 10, 13];
        let c = Column::text(&offsets, bytes);
        let (text, ends) = c.text_block().unwrap();
        assert_eq!(text, "E1王伟E10");
        assert_eq!(ends, [2, 8, 8, 11]);
        let rows: Vec<&str> = [0, 2, 8, 8]
            .iter()
            .zip(&ends)
            .map(|(&a, &b)| &text[a..b])
            .collect();
        assert_eq!(rows, ids_row_by_row(&c));
        let large = [2i64, 4, 10, 10, 13];
        assert_eq!(
            Column::large_text(&large, bytes).text_block(),
            Some((text, ends))
        );
    }

    #[test]
    fn a_text_column_with_a_missing_row_or_a_split_character_is_read_row_by_row() {
        let bytes = "E1王伟".as_bytes();
        // Row 1 missing (validity bit 0).
        let c = Column::text(&[0, 2, 8], bytes).with_validity(&[0b01]);
        assert_eq!(c.text_block(), None);
        // A row ending inside 王 (three bytes): its first byte reads as one replacement
        // character, each of the two continuation bytes as another.
        let c = Column::text(&[0, 3, 8], bytes);
        assert_eq!(c.text_block(), None);
        assert_eq!(ids_row_by_row(&c), ["E1\u{FFFD}", "\u{FFFD}\u{FFFD}伟"]);
        // Bytes that are not UTF-8 at all.
        let c = Column::text(&[0, 2], &[0x45, 0xFF]);
        assert_eq!(c.text_block(), None);
        // Offsets that go back.
        let c = Column::text(&[0, 4, 2], bytes);
        assert_eq!(c.text_block(), None);
    }

    use super::*;

    #[test]
    fn a_column_said_to_read_every_cell_reads_the_extremes() {
        let ints = [i64::MIN, -1, 0, 1, i64::MAX];
        for scale in [0, 2, 28] {
            let c = Column::i64(&ints, scale);
            assert!(c.reads_every_cell());
            assert!(
                (0..ints.len()).all(|i| c.decimal(i).is_ok()),
                "scale {scale}"
            );
        }
        // Floats and text can hold what the reader refuses: an infinity, a word.
        let floats = [f64::INFINITY];
        assert!(!Column::f64(&floats).reads_every_cell());
        assert!(Column::f64(&floats).decimal(0).is_err());
        let (offsets, bytes) = ([0i32, 3], b"abc");
        assert!(!Column::text(&offsets, bytes).reads_every_cell());
        assert!(Column::text(&offsets, bytes).decimal(0).is_err());
    }

    #[test]
    fn the_exact_stages_read_a_float_as_the_engine_does() {
        // The shortcuts of `exact` (whole numbers, cents) against the engine's reading (the
        // shortest text that reads back): amounts in cents up to 10¹⁴, floats a little off a
        // cent, and arbitrary bit patterns.
        let mut next = crate::certified::xorshift(0x2545_F491_4F6C_DD1D);
        let mut values = vec![
            0.1,
            0.07,
            1.005,
            72.475,
            -0.0,
            99_999_999_999.99,
            1e13 - 0.01,
        ];
        for _ in 0..200_000 {
            let cents = (next() % 10_000_000_000_000_000) as f64 / 100.0;
            values.push(cents);
            values.push(-cents);
            values.push(f64::from_bits(cents.to_bits() + 1));
            values.push(f64::from_bits(next()));
        }
        let column = Column::f64(&values);
        for (i, &x) in values.iter().enumerate() {
            let engine = decimal_from_f64(x).ok();
            let exact = column.exact(i);
            if let Some(d) = exact {
                assert_eq!(Some(d), engine, "{x:?}");
            } else {
                assert!(!Approx::from_host(x).is_sure(), "{x:?} was not read");
            }
        }
    }

    #[test]
    fn a_text_cell_is_read_as_the_decimal_the_engine_parses() {
        // The lanes and the exact reads take text in the common spelling by a shortcut; the value
        // and bound, and the decimal, must be those of the engine's parser, bit for bit. Mantissas of every length up to
        // 19 digits (past i64 too), scales 0..=18, signs, trailing zeros, and spellings the short
        // reader leaves to the engine's parser.
        let mut next = crate::certified::xorshift(0x9E37_79B9_7F4A_7C15);
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "-0.00",
            "100.00",
            "850000",
            "12345.67",
            "+5",
            " 5",
            "5.",
            ".5",
            "1e3",
            "9223372036854775807",
            "9223372036854775808",
            "9999999999999999999",
            "007.50",
            "9007199254740993",
            "-9007199254740992.0",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..100_000 {
            let digits = (next() % 19 + 1) as usize;
            let mantissa = next() % 10u64.pow(digits as u32);
            let mut text = format!("{mantissa:0digits$}");
            let scale = (next() % digits as u64) as usize;
            if scale > 0 {
                text.insert(digits - scale, '.');
            }
            if next() % 4 == 0 {
                text.push_str("00");
            }
            if next() % 2 == 0 {
                text.insert(0, '-');
            }
            texts.push(text);
        }
        let mut offsets = vec![0i32];
        let mut bytes = Vec::new();
        for t in &texts {
            bytes.extend_from_slice(t.as_bytes());
            offsets.push(bytes.len() as i32);
        }
        let column = Column::text(&offsets, &bytes);
        let mut lane = Lane::splat(Approx::UNSURE);
        let mut short = 0;
        for start in (0..texts.len()).step_by(crate::batch::kernel::LANES) {
            let rows = start..texts.len().min(start + crate::batch::kernel::LANES);
            column.fill(rows.clone(), &mut lane, pulp::Arch::new());
            for (j, i) in rows.enumerate() {
                let text = &texts[i];
                short += usize::from(crate::number::short_parts(text.as_bytes()).is_some());
                let want =
                    crate::number::parse_decimal(text).map_or(Approx::UNSURE, Approx::from_decimal);
                let got = lane.get(j);
                assert_eq!(
                    (got.v.to_bits(), got.e.to_bits()),
                    (want.v.to_bits(), want.e.to_bits()),
                    "{text}"
                );
                // And the decimal the exact stages and pay read is the engine's, scale and sign
                // of zero included.
                let parsed = crate::number::parse_decimal(text).map(|d| d.serialize());
                let read = column.decimal(i).map(|d| d.map(|d| d.serialize()));
                assert_eq!(read, parsed.map(Some), "{text}");
            }
        }
        // Most take the short reader (the rest: past 19 digits, or spelt otherwise).
        assert!(short > 90_000, "{short}");
    }
}
