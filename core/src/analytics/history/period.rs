//! Assessment periods as exports name them: a month, quarter, half or year, each a step on its
//! own calendar, so "the period before" and "the last 4 periods" are plain arithmetic.

use std::fmt;

/// How long a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Grain {
    Month,
    Quarter,
    Half,
    Year,
}

impl Grain {
    /// Periods per year.
    fn per_year(self) -> i32 {
        match self {
            Grain::Month => 12,
            Grain::Quarter => 4,
            Grain::Half => 2,
            Grain::Year => 1,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Half => "half",
            Grain::Year => "year",
        }
    }

    pub(crate) fn name_zh(self) -> &'static str {
        match self {
            Grain::Month => "月",
            Grain::Quarter => "季度",
            Grain::Half => "半年",
            Grain::Year => "年",
        }
    }
}

/// A period: its grain and its step on that grain's calendar (year × periods per year + the
/// 0-based period in the year), so periods of one grain order and subtract as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Period {
    pub grain: Grain,
    pub step: i32,
}

/// Years a period may fall in.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

impl Period {
    fn new(grain: Grain, year: i32, index: i32) -> Option<Period> {
        if !YEARS.contains(&year) || index < 1 || index > grain.per_year() {
            return None;
        }
        let step = year
            .checked_mul(grain.per_year())?
            .checked_add(index.checked_sub(1)?)?;
        Some(Period { grain, step })
    }

    /// `2026-06` / `2026-6` / `2026/06` / `2026年6月`, `2026-Q2` / `2026Q2` / `2026年第2季度`,
    /// `2026-H1` / `2026H1`, `2026` / `2026年`, or an explicit date range that is exactly one of
    /// them (`2026-04-01..2026-06-30`, also with `~` or `至`).
    pub(crate) fn parse(text: &str) -> Option<Period> {
        let t = text.trim();
        if let Some(range) = Period::range(t) {
            return range;
        }
        let (year, rest) = t.split_at_checked(4)?;
        if !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let rest = rest.trim();
        if rest.is_empty() || rest == "年" {
            return Period::new(Grain::Year, year, 1);
        }
        let rest = rest
            .strip_prefix(['-', '/'])
            .or_else(|| rest.strip_prefix('年'))
            .unwrap_or(rest);
        let number = |s: &str| -> Option<i32> {
            (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            return Period::new(Grain::Quarter, year, number(q)?);
        }
        if let Some(h) = rest.strip_prefix(['H', 'h']) {
            return Period::new(Grain::Half, year, number(h)?);
        }
        if let Some(q) = rest.strip_prefix('第').and_then(|r| r.strip_suffix("季度")) {
            return Period::new(Grain::Quarter, year, number(q)?);
        }
        let month = rest.strip_suffix('月').unwrap_or(rest);
        Period::new(Grain::Month, year, number(month)?)
    }

    /// `Some(period)` for a date range covering exactly one calendar month, quarter, half or
    /// year; `Some(None)` for any other range (a fiscal year from April, a broken month: not a
    /// period this history can order); `None` when `t` is not a range.
    fn range(t: &str) -> Option<Option<Period>> {
        let (from, to) = ["..", "~", "至", "～"]
            .iter()
            .find_map(|sep| t.split_once(sep))?;
        let (Some((y1, m1, d1)), Some((y2, m2, d2))) = (date(from.trim()), date(to.trim())) else {
            return Some(None);
        };
        if y1 != y2 || d1 != 1 || d2 != days_in(y2, m2) || m2 < m1 {
            return Some(None);
        }
        let months = m2.saturating_sub(m1).saturating_add(1);
        let grain = match (months, m1) {
            (1, _) => (Grain::Month, m1),
            (3, 1 | 4 | 7 | 10) => (Grain::Quarter, m1.saturating_add(2) / 3),
            (6, 1 | 7) => (Grain::Half, m1.saturating_add(5) / 6),
            (12, 1) => (Grain::Year, 1),
            _ => return Some(None),
        };
        Some(Period::new(grain.0, y1, grain.1))
    }

    /// The period `n` steps before (after, for negative `n`) on the same grain.
    pub(crate) fn back(self, n: i32) -> Option<Period> {
        let step = self.step.checked_sub(n)?;
        let year = step.div_euclid(self.grain.per_year());
        YEARS.contains(&year).then_some(Period {
            grain: self.grain,
            step,
        })
    }

    /// Steps from `self` to `later` (same grain).
    pub(crate) fn steps_to(self, later: Period) -> i32 {
        later.step.saturating_sub(self.step)
    }
}

/// `YYYY-MM-DD` (or with `/`) as (year, month, day), a real calendar day.
fn date(t: &str) -> Option<(i32, i32, i32)> {
    let mut parts = t.split(['-', '/']);
    let mut next = || -> Option<i32> {
        let p = parts.next()?;
        (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (y, m, d) = (next()?, next()?, next()?);
    if parts.next().is_some() || !(1..=12).contains(&m) || d < 1 || d > days_in(y, m) {
        return None;
    }
    Some((y, m, d))
}

/// Days in month `m` of year `y` (Gregorian).
fn days_in(y: i32, m: i32) -> i32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per = self.grain.per_year();
        let (year, i) = (
            self.step.div_euclid(per),
            self.step.rem_euclid(per).saturating_add(1),
        );
        match self.grain {
            Grain::Month => write!(f, "{year:04}-{i:02}"),
            Grain::Quarter => write!(f, "{year:04}-Q{i}"),
            Grain::Half => write!(f, "{year:04}-H{i}"),
            Grain::Year => write!(f, "{year:04}"),
        }
    }
}

/// The problem of text that is not a period.
pub(super) fn not_a_period(t: &str, at: crate::Loc) -> crate::Problem {
    let t = crate::error::shown(t);
    crate::Problem::new(
        at,
        crate::error::kinds::INVALID_VALUE,
        format!("`{t}` is not a period like 2026-06, 2026-Q2, 2026-H1 or 2026 (or a date range that is exactly one of them)"),
    )
    .zh(format!(
        "`{t}` 不是考核期间（如 2026-06、2026-Q2、2026-H1、2026，或恰好等于其中之一的日期区间）"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_spellings_read_as_one_period() {
        let june = Period::parse("2026-06").unwrap();
        for t in ["2026-6", "2026/06", "2026年6月", " 2026-06 "] {
            assert_eq!(Period::parse(t), Some(june), "{t}");
        }
        let q2 = Period::parse("2026-Q2").unwrap();
        for t in ["2026Q2", "2026-q2", "2026年第2季度"] {
            assert_eq!(Period::parse(t), Some(q2), "{t}");
        }
        assert_eq!(Period::parse("2026年").unwrap().to_string(), "2026");
        assert_eq!(Period::parse("2026-H2").unwrap().to_string(), "2026-H2");
        for bad in [
            "2026-13",
            "2026-Q5",
            "2026-H3",
            "26-06",
            "2026-06-01",
            "June",
            "",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_date_range_is_the_calendar_period_it_covers_exactly() {
        for (range, period) in [
            ("2026-06-01..2026-06-30", "2026-06"),
            ("2024-02-01~2024-02-29", "2024-02"),
            ("2026-04-01 至 2026-06-30", "2026-Q2"),
            ("2026/07/01..2026/12/31", "2026-H2"),
            ("2026-01-01..2026-12-31", "2026"),
        ] {
            assert_eq!(
                Period::parse(range).map(|p| p.to_string()).as_deref(),
                Some(period),
                "{range}"
            );
        }
        // Not one calendar period: a broken month, a fiscal year from April, a quarter that does
        // not start a quarter, 29 February of a common year, dates backwards.
        for bad in [
            "2026-06-01..2026-06-29",
            "2026-04-01..2027-03-31",
            "2026-02-01..2026-04-30",
            "2023-02-01..2023-02-29",
            "2026-06-30..2026-06-01",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn steps_cross_years() {
        let jan = Period::parse("2026-01").unwrap();
        assert_eq!(jan.back(1).unwrap().to_string(), "2025-12");
        assert_eq!(jan.back(-12).unwrap().to_string(), "2027-01");
        let q1 = Period::parse("2026-Q1").unwrap();
        assert_eq!(q1.back(1).unwrap().to_string(), "2025-Q4");
        assert_eq!(q1.back(1).unwrap().steps_to(q1), 1);
    }
}
