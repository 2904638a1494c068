//! Calendar dates as whole days, with the month arithmetic windows need. No clock and no time
//! zone: a fact's date is the calendar date its export wrote.

use std::fmt;

/// A calendar date (proleptic Gregorian), counted in days from 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Date(i32);

/// Years a date may have: wide enough for any business record, narrow enough that no day
/// count below can overflow.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

impl Date {
    /// The date of `year`-`month`-`day`, when it exists and the year is in range.
    pub(crate) fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !YEARS.contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    /// `YYYY-MM-DD` (or `YYYY/MM/DD`), optionally followed by a time after a space or `T`,
    /// which is ignored (`2026-06-03 14:22`, `2026-06-03T14:22:05Z`).
    pub(crate) fn parse(text: &str) -> Option<Date> {
        let text = crate::text::trimmed(text);
        if let Some(date) = Date::parse_iso(text.as_bytes()) {
            return Some(date);
        }
        Date::parse_spelled(text)
    }

    /// [`Date::parse`] of trimmed text, by the general rule.
    fn parse_spelled(text: &str) -> Option<Date> {
        let day_part = text.split([' ', 'T']).next().unwrap_or(text);
        let mut parts = day_part.split(['-', '/']);
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.is_empty() || m.len() > 2 {
            return None;
        }
        if d.is_empty() || d.len() > 2 {
            return None;
        }
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !(digits(y) && digits(m) && digits(d)) {
            return None;
        }
        Date::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// `YYYY-MM-DD` exactly, the spelling of nearly every export: read without splitting.
    fn parse_iso(b: &[u8]) -> Option<Date> {
        let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = b else {
            return None;
        };
        let digit = |c: u8| c.is_ascii_digit().then(|| u32::from(c.wrapping_sub(b'0')));
        let two = |a: u8, b: u8| Some(digit(a)?.wrapping_mul(10).wrapping_add(digit(b)?));
        let year = two(y0, y1)?.wrapping_mul(100).wrapping_add(two(y2, y3)?);
        Date::from_ymd(i32::try_from(year).ok()?, two(m0, m1)?, two(d0, d1)?)
    }

    /// Year, month and day.
    pub(crate) fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// The date `n` days later (earlier for negative `n`), when in range.
    pub(crate) fn add_days(self, n: i32) -> Option<Date> {
        let (y, m, d) = civil_from_days(self.0.checked_add(n)?);
        Date::from_ymd(y, m, d)
    }

    /// The same day `n` months later (earlier for negative `n`), on the month's last day when
    /// it is shorter (31 March − 1 month = 28 or 29 February).
    pub(crate) fn add_months(self, n: i32) -> Option<Date> {
        let (y, m, d) = self.ymd();
        let index = y.checked_mul(12)?.checked_add(i32::try_from(m).ok()?)?;
        let index = index.checked_sub(1)?.checked_add(n)?;
        let (year, month) = (index.div_euclid(12), index.rem_euclid(12).checked_add(1)?);
        let month = u32::try_from(month).ok()?;
        Date::from_ymd(year, month, d.min(days_in_month(year, month)))
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub(crate) fn days_until(self, later: Date) -> i32 {
        // Both lie within YEARS, so the difference is far from i32's range.
        later.0.saturating_sub(self.0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Days in `month` of `year`.
pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's `days_from_civil` / `civil_from_days`: exact integer arithmetic, here on
// years 1900–2999 only, where no step can overflow an i32.
#[allow(clippy::arithmetic_side_effects)]
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let (m, d) = (m as i32, d as i32);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[allow(clippy::arithmetic_side_effects)]
fn civil_from_days(z: i32) -> (i32, u32, u32) {
    // Callers keep `z` within a few million days of 0 (years 1900–2999 plus small offsets).
    let z = z.clamp(-10_000_000, 10_000_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_leap_days_count_as_the_calendar_does() {
        // 1970-01-01 is day 0; 2000 is a leap year (divisible by 400), 1900 is not.
        assert_eq!(Date::parse("1970-01-01"), Some(Date(0)));
        assert_eq!(
            Date::parse("2000-02-29").map(Date::ymd),
            Some((2000, 2, 29))
        );
        assert_eq!(Date::parse("1900-02-29"), None);
        // 2026-06-01 is 20,605 days after the epoch (56 years incl. 14 leap days = 20,454, plus
        // Jan–May 2026 = 151).
        assert_eq!(Date::parse("2026-06-01"), Some(Date(20_605)));
    }

    #[test]
    fn times_and_slashes_are_read_as_the_date() {
        let june3 = Date::from_ymd(2026, 6, 3);
        assert_eq!(Date::parse("2026/06/03"), june3);
        assert_eq!(Date::parse("2026-6-3"), june3);
        assert_eq!(Date::parse("2026-06-03 14:22"), june3);
        assert_eq!(Date::parse("2026-06-03T14:22:05Z"), june3);
        for bad in [
            "",
            "2026-06",
            "26-06-03",
            "2026-13-01",
            "2026-06-31",
            "2026-06-03-1",
            "x",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn iso_dates_read_fast_as_by_the_general_rule() {
        // Every day of 1999–2001 and 2024 (leap and common years, century rule), and ten-byte
        // texts that are no date: the fast path agrees with the general rule on each.
        let mut texts: Vec<String> = Vec::new();
        for y in [1999, 2000, 2001, 2024] {
            for m in 0..=13 {
                for d in 0..=32 {
                    texts.push(format!("{y:04}-{m:02}-{d:02}"));
                }
            }
        }
        texts.extend(["2026-0a-01", "2026/06-01", "+026-06-01", "2026-06-1 "].map(String::from));
        for t in &texts {
            let fast = Date::parse_iso(t.as_bytes()).or_else(|| Date::parse_spelled(t));
            assert_eq!(fast, Date::parse_spelled(t), "{t}");
        }
        assert_eq!(Date::parse_iso(b"2024-02-29"), Date::from_ymd(2024, 2, 29));
        assert_eq!(Date::parse_iso(b"2023-02-29"), None);
    }

    #[test]
    fn months_end_on_the_shorter_months_last_day() {
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(d("2026-03-31").add_months(-1), Some(d("2026-02-28")));
        assert_eq!(d("2024-03-31").add_months(-1), Some(d("2024-02-29")));
        assert_eq!(d("2026-06-30").add_months(-12), Some(d("2025-06-30")));
        assert_eq!(d("2026-01-15").add_months(-1), Some(d("2025-12-15")));
        assert_eq!(d("2026-06-01").add_days(-1), Some(d("2026-05-31")));
        assert_eq!(d("2026-06-01").days_until(d("2026-06-30")), 29);
        assert_eq!(d("2026-06-01").to_string(), "2026-06-01");
    }
}
