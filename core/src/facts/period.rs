//! The scored period and the windows of fact measures, as date ranges.

use super::compile::{bad_date, Win};
use super::date::{days_in_month, Date};
use crate::error::{kinds, shown, Error, Loc, Problem};
use serde_json::Value;

/// A range of dates, both ends included (empty when `from > to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub from: Date,
    pub to: Date,
}

impl Span {
    pub(super) fn contains(self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }

    /// Days in the range (0 when empty).
    pub(crate) fn days(self) -> i32 {
        self.from.days_until(self.to).saturating_add(1).max(0)
    }
}

/// A period: `2026-06` (a month), `2026-Q2`, `2026-H1`, `2026`, or `{"from": …, "to": …}`.
pub(crate) fn read_period(value: Value, at: &Loc) -> crate::Result<Span> {
    let bad = |found: &str| {
        Error::Input(vec![Problem::new(
            at.clone(),
            kinds::INVALID_VALUE,
            format!(
                "expected a period like 2026-06, 2026-Q2, 2026-H1, 2026 or {{\"from\": \"2026-06-01\", \"to\": \"2026-06-30\"}}, found {found}"
            ),
        )
        .zh(format!(
            "应为考核期间，如 2026-06、2026-Q2、2026-H1、2026 或 {{\"from\": …, \"to\": …}}，实际为 {found}"
        ))])
    };
    match value {
        Value::String(text) => {
            named_period(text.trim()).ok_or_else(|| bad(&format!("`{}`", shown(&text))))
        }
        Value::Object(map) => {
            let date = |key: &str| -> crate::Result<Date> {
                match map.get(key) {
                    Some(Value::String(s)) => Date::parse(s)
                        .ok_or_else(|| Error::Input(vec![bad_date(at.clone().key(key), s)])),
                    _ => Err(Error::Input(vec![Problem::new(
                        at.clone().key(key),
                        kinds::MISSING,
                        format!("`{key}` is missing: a date like 2026-06-30"),
                    )
                    .zh(format!("缺少 `{key}`（日期，如 2026-06-30）"))])),
                }
            };
            if let Some(k) = map.keys().find(|k| *k != "from" && *k != "to") {
                return Err(Error::Input(vec![Problem::new(
                    at.clone().key(k.as_str()),
                    kinds::UNKNOWN_FIELD,
                    "unknown field: expected from, to",
                )
                .zh("未知字段；可用：from、to")]));
            }
            let (from, to) = (date("from"), date("to"));
            let (from, to) = match (from, to) {
                (Ok(f), Ok(t)) => (f, t),
                (f, t) => {
                    let mut p = crate::error::Problems::new();
                    for e in [f.err(), t.err()].into_iter().flatten() {
                        p.absorb(&e);
                    }
                    return Err(Error::Input(p.into_vec()));
                }
            };
            if from > to {
                return Err(Error::Input(vec![Problem::new(
                    at.clone(),
                    kinds::EMPTY_RANGE,
                    format!("the period ends ({to}) before it starts ({from})"),
                )
                .zh(format!("考核期间的结束（{to}）早于开始（{from}）"))]));
            }
            Ok(Span { from, to })
        }
        other => Err(bad(&crate::input::scalar::what(&other))),
    }
}

/// A calendar period by name.
fn named_period(text: &str) -> Option<Span> {
    let (year, rest) = match text.split_once('-') {
        Some((y, r)) => (y, Some(r)),
        None => (text, None),
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    // First and last month.
    let (first, last) = match rest {
        None => (1, 12),
        Some(r) if r.starts_with(['Q', 'q']) => match r.get(1..)? {
            "1" => (1, 3),
            "2" => (4, 6),
            "3" => (7, 9),
            "4" => (10, 12),
            _ => return None,
        },
        Some(r) if r.starts_with(['H', 'h']) => match r.get(1..)? {
            "1" => (1, 6),
            "2" => (7, 12),
            _ => return None,
        },
        Some(r) if (1..=2).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_digit()) => {
            let m: u32 = r.parse().ok()?;
            (m, m)
        }
        _ => return None,
    };
    let from = Date::from_ymd(year, first, 1)?;
    let to = Date::from_ymd(year, last, days_in_month(year, last))?;
    Some(Span { from, to })
}

/// An as-of date.
pub(crate) fn read_date(value: Value, at: &Loc) -> crate::Result<Date> {
    match &value {
        Value::String(s) => {
            Date::parse(s).ok_or_else(|| Error::Input(vec![bad_date(at.clone(), s)]))
        }
        other => Err(Error::Input(vec![Problem::new(
            at.clone(),
            kinds::WRONG_TYPE,
            format!(
                "expected a date like 2026-06-30, found {}",
                crate::input::scalar::what(other)
            ),
        )
        .zh("应为日期（如 2026-06-30）")])),
    }
}

/// The dates a window covers for `period` as known on `as_of`: no fact dated after `as_of`
/// counts in any window (it is not known yet), so `end` is the period's end or `as_of`.
pub(super) fn window(win: Win, period: Span, as_of: Option<Date>) -> Span {
    let end = as_of.map_or(period.to, |a| a.min(period.to));
    let known = |s: Span| Span {
        from: s.from,
        to: as_of.map_or(s.to, |a| a.min(s.to)),
    };
    let empty = Span {
        from: period.to,
        to: period.from.add_days(-1).unwrap_or(period.from),
    };
    let span = match win {
        Win::Period => Some(Span {
            from: period.from,
            to: end,
        }),
        Win::ToDate => Date::from_ymd(1900, 1, 1).map(|from| Span { from, to: end }),
        Win::LastYear => period
            .from
            .add_months(-12)
            .zip(end.add_months(-12))
            .map(|(from, to)| Span { from, to }),
        Win::LastDays(n) => {
            let back = i32::try_from(n).ok().and_then(|n| n.checked_sub(1));
            back.and_then(|b| end.add_days(b.checked_neg()?))
                .map(|from| Span { from, to: end })
        }
        Win::LastMonths(n) => i32::try_from(n)
            .ok()
            .and_then(|n| end.add_months(n.checked_neg()?))
            .and_then(|d| d.add_days(1))
            .map(|from| Span { from, to: end }),
        Win::Range(from, to) => Some(Span { from, to }),
    };
    span.map_or(empty, known)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn named_periods_cover_their_calendar_days() {
        let span = |s: &str| named_period(s).map(|p| (p.from.to_string(), p.to.to_string()));
        let pair = |a: &str, b: &str| Some((a.to_owned(), b.to_owned()));
        assert_eq!(span("2026-06"), pair("2026-06-01", "2026-06-30"));
        assert_eq!(span("2024-02"), pair("2024-02-01", "2024-02-29"));
        assert_eq!(span("2026-Q2"), pair("2026-04-01", "2026-06-30"));
        assert_eq!(span("2026-H2"), pair("2026-07-01", "2026-12-31"));
        assert_eq!(span("2026"), pair("2026-01-01", "2026-12-31"));
        for bad in ["2026-13", "2026-Q5", "26-06", "2026-06-01", "June"] {
            assert_eq!(span(bad), None, "{bad}");
        }
    }

    #[test]
    fn windows_end_at_the_as_of_date() {
        let june = Span {
            from: d("2026-06-01"),
            to: d("2026-06-30"),
        };
        let as_of = Some(d("2026-06-12"));
        let w = |win| {
            let s = window(win, june, as_of);
            (s.from.to_string(), s.to.to_string())
        };
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(w(Win::Period), pair("2026-06-01", "2026-06-12"));
        // Same period last year, to the same day: 1–12 June 2025.
        assert_eq!(w(Win::LastYear), pair("2025-06-01", "2025-06-12"));
        // 7 days up to and including the 12th: 6th–12th.
        assert_eq!(w(Win::LastDays(7)), pair("2026-06-06", "2026-06-12"));
        // 3 months up to the 12th of June: 13 March – 12 June.
        assert_eq!(w(Win::LastMonths(3)), pair("2026-03-13", "2026-06-12"));
        // A fixed range still ignores facts not known yet.
        assert_eq!(
            w(Win::Range(d("2026-05-01"), d("2026-06-30"))),
            pair("2026-05-01", "2026-06-12")
        );
        assert_eq!(window(Win::Period, june, None).days(), 30);
        // Before the period starts, the period window is empty.
        assert_eq!(window(Win::Period, june, Some(d("2026-05-31"))).days(), 0);
    }
}
