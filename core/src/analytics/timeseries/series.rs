//! Monthly series: a start month and one value per month, where `null` (no data) is told apart
//! from `0` (zero sales).

use crate::error::{kinds, shown, Error, Loc, Problem};
use crate::number::Num;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// Longest series accepted, in months (100 years).
pub(crate) const MAX_MONTHS: usize = 1200;

/// Short English month names, January first.
pub(crate) const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar month, written `YYYY-MM` (e.g. `2024-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: u16,
    month: u8,
}

impl Period {
    /// The month `month` (1–12) of `year` (1–9999); `None` outside those ranges.
    pub fn new(year: u16, month: u8) -> Option<Period> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Period { year, month })
    }

    /// Parses `YYYY-MM` strictly (four-digit year, two-digit month).
    pub fn parse(text: &str) -> Result<Period, String> {
        let b = text.as_bytes();
        let bad = || format!("`{text}` is not a month written YYYY-MM (e.g. 2024-01)");
        if b.len() != 7 || b[4] != b'-' {
            return Err(bad());
        }
        let digits = |s: &[u8]| -> Option<u16> {
            s.iter().try_fold(0u16, |acc, &c| {
                let digit = c.checked_sub(b'0').filter(|_| c.is_ascii_digit())?;
                acc.checked_mul(10)?.checked_add(u16::from(digit))
            })
        };
        let (Some(year), Some(month)) = (digits(&b[..4]), digits(&b[5..])) else {
            return Err(bad());
        };
        u8::try_from(month)
            .ok()
            .and_then(|m| Period::new(year, m))
            .ok_or_else(bad)
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 (January) to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// Months since January of year 0 (a total order with no gaps).
    // A u16 year × 12 plus a u8 month is below 2^20: far inside i64.
    #[allow(clippy::arithmetic_side_effects)]
    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(i: i64) -> Option<Period> {
        let year = u16::try_from(i.div_euclid(12)).ok()?;
        let month = u8::try_from(i.rem_euclid(12)).ok()?.checked_add(1)?;
        Period::new(year, month)
    }

    /// This month plus `months` (which may be negative); `None` outside years 1–9999.
    pub fn add_months(self, months: i64) -> Option<Period> {
        Period::from_index(self.index().checked_add(months)?)
    }

    /// Whole months from `self` to `later` (negative if `later` is earlier).
    // Both indices are in 0..2^20 (see `index`), so the difference fits an i64.
    #[allow(clippy::arithmetic_side_effects)]
    pub fn months_until(self, later: Period) -> i64 {
        later.index() - self.index()
    }

    /// Position of the month in the year, 0 (January) to 11.
    pub(crate) fn month0(self) -> usize {
        usize::from(self.month.saturating_sub(1)).min(11)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A monthly series as written in a request: either `start` + `values`, or `points`.
///
/// `{"start": "2024-01", "values": [120, null, 0, 95]}`: one value per month from `start`, where
/// `null` is a month with no data and `0` a month with zero sales. Or
/// `{"points": [{"period": "2024-01", "value": 120}, …]}`: consecutive months in order, no gaps
/// or duplicates (write `null` for a month without data).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesSpec {
    /// First month, `YYYY-MM`, with `values`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// One value (or `null`) per month from `start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Option<Num>>>,
    /// Alternatively, (period, value) pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<Vec<PointSpec>>,
}

/// One (period, value) pair of a [`SeriesSpec`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointSpec {
    /// The month, `YYYY-MM`.
    pub period: String,
    /// The value, or `null` for no data.
    pub value: Option<Num>,
}

/// A validated monthly series: a start month and one optional value per month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    start: Period,
    values: Vec<Option<Decimal>>,
    points_form: bool,
}

/// Which values a model accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sign {
    /// Zero or more (targets, shares).
    NonNegative,
    /// Strictly positive (multiplicative models).
    Positive,
}

impl Series {
    /// A series from its first month and values (`None` = no data).
    pub fn new(start: Period, values: Vec<Option<Decimal>>) -> Series {
        Series {
            start,
            values,
            points_form: false,
        }
    }

    /// Validates a request's series; problems are pushed with paths under `path`.
    pub fn from_spec(spec: &SeriesSpec, path: &Loc, problems: &mut Vec<Problem>) -> Option<Series> {
        let before = problems.len();
        let mut push = |p: Problem| problems.push(p);
        let series = match (&spec.start, &spec.values, &spec.points) {
            (Some(start), Some(values), None) => {
                let start = match Period::parse(start) {
                    Ok(p) => Some(p),
                    Err(m) => {
                        push(bad_month(path.clone().key("start"), start, m));
                        None
                    }
                };
                start.map(|s| Series::new(s, values.iter().map(|v| v.map(|n| n.0)).collect()))
            }
            (None, None, Some(points)) => {
                let mut start = None;
                let mut values = Vec::with_capacity(points.len());
                let mut prev: Option<Period> = None;
                for (i, p) in points.iter().enumerate() {
                    let at = path.clone().key("points").index(i).key("period");
                    let period = match Period::parse(&p.period) {
                        Ok(x) => x,
                        Err(m) => {
                            push(bad_month(at, &p.period, m));
                            prev = None;
                            continue;
                        }
                    };
                    if let Some(q) = prev {
                        let step = q.months_until(period);
                        if step == 0 {
                            push(
                                Problem::new(
                                    at,
                                    kinds::DUPLICATE,
                                    format!("{period} appears twice"),
                                )
                                .zh(format!("{period} 出现了两次")),
                            );
                        } else if step < 0 {
                            push(
                                Problem::new(
                                    at,
                                    kinds::NOT_ASCENDING,
                                    format!("{period} comes after {q}: points must be in order"),
                                )
                                .zh(format!("{period} 排在 {q} 之后：各点必须按月份顺序排列")),
                            );
                        } else if step > 1 {
                            // Exact: step > 1 here.
                            let gap = step.saturating_sub(1);
                            push(
                                Problem::new(
                                    at,
                                    kinds::MISSING,
                                    format!(
                                        "gap: {gap} month(s) missing between {q} and {period}; write them with value null"
                                    ),
                                )
                                .zh(format!(
                                    "{q} 与 {period} 之间缺了 {gap} 个月：请把这些月份写上，值为 null"
                                )),
                            );
                        }
                    }
                    start.get_or_insert(period);
                    prev = Some(period);
                    values.push(p.value.map(|n| n.0));
                }
                start.map(|s| Series {
                    start: s,
                    values,
                    points_form: true,
                })
            }
            _ => {
                push(
                    Problem::new(
                        path.clone(),
                        kinds::CONFLICTING_FIELDS,
                        "give either `start` and `values`, or `points`",
                    )
                    .zh("请给出 `start` 和 `values`，或者给出 `points`，二者选其一"),
                );
                None
            }
        }?;
        if series.values.is_empty() {
            problems.push(
                Problem::new(path.clone(), kinds::EMPTY_LIST, "the series has no months")
                    .zh("序列中没有任何月份"),
            );
        } else if series.values.len() > MAX_MONTHS {
            let n = series.values.len();
            problems.push(
                Problem::new(
                    path.clone(),
                    kinds::TOO_MANY,
                    format!("{n} months is more than the {MAX_MONTHS} accepted"),
                )
                .zh(format!("共 {n} 个月，超过了可接受的 {MAX_MONTHS} 个月")),
            );
        } else if series.end().is_none() {
            problems.push(past_9999(path.clone()));
        }
        (problems.len() == before).then_some(series)
    }

    /// First month.
    pub fn start(&self) -> Period {
        self.start
    }

    /// Values from the first month, `None` = no data.
    pub fn values(&self) -> &[Option<Decimal>] {
        &self.values
    }

    /// Number of months (with or without data).
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the series has no months.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The month at position `i`.
    pub fn period(&self, i: usize) -> Option<Period> {
        self.start.add_months(i64::try_from(i).ok()?)
    }

    /// Last month (`None` for an empty series).
    pub fn end(&self) -> Option<Period> {
        self.period(self.values.len().checked_sub(1)?)
    }

    /// Number of months with data (zero sales counts; `null` does not).
    pub fn months_with_data(&self) -> usize {
        self.values.iter().filter(|v| v.is_some()).count()
    }

    /// The value at `period`: `None` outside the series, `Some(None)` for a month without data.
    pub fn get(&self, period: Period) -> Option<Option<Decimal>> {
        let i = usize::try_from(self.start.months_until(period)).ok()?;
        self.values.get(i).copied()
    }

    /// Location of the value at position `i`, under the series' own location `base`.
    pub(crate) fn value_path(&self, base: &Loc, i: usize) -> Loc {
        if self.points_form {
            base.clone().key("points").index(i).key("value")
        } else {
            base.clone().key("values").index(i)
        }
    }

    /// Reports every value the model cannot take.
    pub(crate) fn check_sign(
        &self,
        base: &Loc,
        sign: Sign,
        why: &str,
        problems: &mut Vec<Problem>,
    ) {
        for (i, v) in self.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let bad = match sign {
                Sign::NonNegative => *v < Decimal::ZERO,
                Sign::Positive => *v <= Decimal::ZERO,
            };
            if bad {
                let (need, need_zh) = if sign == Sign::Positive {
                    ("positive", "为正数")
                } else {
                    ("zero or more", "不小于零")
                };
                let v = v.normalize();
                problems.push(
                    Problem::new(
                        self.value_path(base, i),
                        kinds::OUT_OF_RANGE,
                        format!("{v} must be {need} {why}"),
                    )
                    .zh(format!("{v} 必须{need_zh}（{}）", why_zh(why))),
                );
            }
        }
    }
}

/// A month and its value in a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodValue {
    /// The month.
    pub period: Period,
    /// The value.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub value: Decimal,
}

/// An amount at exactly `minor_units` places (`84` → `84.00`), as money is written in results.
/// Amounts here are already rounded to their minor units, so this only ever pads zeros.
pub(crate) fn at_minor_units(d: Decimal, minor_units: u32) -> Decimal {
    let mut x = d;
    if x.scale() < minor_units {
        x.rescale(minor_units);
    }
    x
}

/// The location of a request field this module spells itself (`months.history`, `parts[2]`):
/// never text from the request, so reading it back as path text is safe.
pub(crate) fn at(field: &str) -> Loc {
    Loc::from_path(field)
}

/// An input error of one problem.
pub(crate) fn input_error(
    at: Loc,
    kind: &'static str,
    message: impl Into<String>,
    message_zh: impl Into<String>,
) -> Error {
    Error::Input(vec![Problem::new(at, kind, message).zh(message_zh)])
}

/// The overflow error, located.
pub(crate) fn overflow(at: Loc) -> Error {
    input_error(
        at,
        kinds::ARITHMETIC_OVERFLOW,
        "arithmetic overflow",
        "算术溢出：数值过大，无法精确计算",
    )
}

/// A month that did not parse (`m` is [`Period::parse`]'s message).
fn bad_month(at: Loc, text: &str, m: String) -> Problem {
    let text = shown(text);
    Problem::new(at, kinds::INVALID_MONTH, m)
        .zh(format!("`{text}` 不是 YYYY-MM 格式的月份（例如 2024-01）"))
}

/// Months that run past the last month a [`Period`] can hold.
pub(crate) fn past_9999(at: Loc) -> Problem {
    Problem::new(at, kinds::INVALID_MONTH, "the series runs past year 9999")
        .zh("序列超出了 9999 年")
}

/// The reasons models give [`Series::check_sign`], in Chinese.
fn why_zh(why: &str) -> &'static str {
    if why.contains("historical share") {
        "用于计算历史占比"
    } else if why.contains("sales target") {
        "销售目标不能为负"
    } else if why.contains("multiplicative model") {
        "乘法模型要求为正；可改用加法模型，无数据的月份用 null"
    } else if why.contains("multiplicative") {
        "乘法季节性要求为正；可改用加法季节性"
    } else {
        "该模型的要求"
    }
}

/// More decimal places than money can have here.
pub(crate) fn too_many_places(at: Loc) -> Problem {
    let max = crate::apportion::MAX_MINOR_UNITS;
    Problem::new(
        at,
        kinds::OUT_OF_RANGE,
        format!("at most {max} decimal places"),
    )
    .zh(format!("最多 {max} 位小数"))
}

/// An amount finer than the minor unit.
pub(crate) fn not_whole_minor_units(at: Loc, amount: Decimal, minor_units: u32) -> Problem {
    let a = show(amount);
    Problem::new(
        at,
        kinds::TOO_PRECISE,
        format!("{a} is not a whole number of minor units ({minor_units} decimal places)"),
    )
    .zh(format!(
        "{a} 不是最小货币单位的整数倍（{minor_units} 位小数）"
    ))
}

/// An allocation with nothing to allocate to.
pub(crate) fn nothing_to_allocate(at: Loc) -> Problem {
    Problem::new(at, kinds::EMPTY_LIST, "nothing to allocate to").zh("没有可分配的对象")
}

/// A negative weight.
pub(crate) fn negative_weight(at: Loc, w: Decimal) -> Problem {
    let w = show(w);
    Problem::new(at, kinds::NEGATIVE, format!("weight is negative ({w})"))
        .zh(format!("权重为负数（{w}）"))
}

/// Parses a month field of a request.
pub(crate) fn parse_period(text: &str, path: Loc, problems: &mut Vec<Problem>) -> Option<Period> {
    match Period::parse(text) {
        Ok(p) => Some(p),
        Err(m) => {
            problems.push(bad_month(path, text, m));
            None
        }
    }
}

/// Canonical JSON of a result.
pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| String::from("{}"))
}

/// Normalised text of a decimal, for explanations.
pub(crate) fn show(d: Decimal) -> String {
    d.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let p = Period::parse("2024-11").unwrap();
        assert_eq!(p.add_months(3).unwrap().to_string(), "2025-02");
        assert_eq!(p.add_months(-11).unwrap().to_string(), "2023-12");
        assert!(Period::parse("2024-13").is_err());
        assert!(Period::parse("2024-1").is_err());
        assert!(Period::parse("24-01-01").is_err());
        assert!(Period::parse("0000-01").is_err());
        assert!(Period::parse("9999-12").unwrap().add_months(1).is_none());
    }

    #[test]
    fn points_must_be_consecutive() {
        let spec: SeriesSpec = serde_json::from_str(
            r#"{"points":[{"period":"2024-01","value":1},{"period":"2024-03","value":2},
                {"period":"2024-03","value":null},{"period":"2024-02","value":0}]}"#,
        )
        .unwrap();
        let mut p = Vec::new();
        assert!(Series::from_spec(&spec, &Loc::root().key("h"), &mut p).is_none());
        let paths: Vec<_> = p.iter().map(|x| x.path()).collect();
        assert_eq!(
            paths,
            [
                "h.points[1].period",
                "h.points[2].period",
                "h.points[3].period"
            ]
        );
    }
}
