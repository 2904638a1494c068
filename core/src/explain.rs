//! Explanations: every number on a scorecard in words a sales manager reads, in English and
//! Simplified Chinese. Rendered on demand from the structured scorecard, so scoring itself never
//! formats text.
//!
//! Display rounding here is for reading only (two places for points and percentages, up to four
//! for other values); the scorecard keeps the exact values.

use crate::method::{Bound, CurveSegment, Detail};
use crate::plan::spec::{Basis, LowerIsBetterForm};
use crate::rounding::RoundingMode;
use crate::scorecard::*;
use rust_decimal::Decimal;
use std::fmt::Write;

pub use crate::lang::Lang;

/// A decimal's digits on the stack (no allocation, no 128-bit division for the common
/// mantissas that fit 64 bits): the integer part and the `scale` fractional digits, as the
/// decimal's own `Display` writes them (checked against it by a property test below).
struct Digits {
    /// The digits right-aligned: `buf[start..]`, the last `scale` of them fractional.
    buf: [u8; 32],
    start: usize,
    scale: usize,
    negative: bool,
}

impl Digits {
    const LEN: usize = 32;

    fn of(d: Decimal) -> Digits {
        // A decimal has at most 29 digits and 28 places, so 32 bytes hold the digits and the
        // leading zero of a value below 1.
        let scale = d.scale() as usize;
        let mut out = Digits {
            buf: [b'0'; Digits::LEN],
            start: Digits::LEN,
            scale,
            negative: d.is_sign_negative(),
        };
        let m = d.mantissa().unsigned_abs();
        match u64::try_from(m) {
            Ok(small) => out.fill(small, |n| (n % 10, n / 10)),
            Err(_) => out.fill(m, |n| (n % 10, n / 10)),
        }
        out
    }

    /// Write `n`'s digits right to left (`step` gives the last digit and the rest), then zeros
    /// up to one before the point.
    fn fill<N: Copy + PartialEq + From<u8> + TryInto<u8>>(
        &mut self,
        n: N,
        step: impl Fn(N) -> (N, N),
    ) {
        let zero = N::from(0);
        let mut n = n;
        while let Some(i) = self.start.checked_sub(1) {
            let (digit, rest) = step(n);
            let digit: u8 = digit.try_into().unwrap_or(0);
            if let Some(b) = self.buf.get_mut(i) {
                *b = b'0'.saturating_add(digit);
            }
            self.start = i;
            n = rest;
            let written = Digits::LEN.saturating_sub(i);
            if n == zero && written > self.scale {
                break;
            }
        }
    }

    /// The integer part's digits and the fractional digits.
    fn parts(&self) -> (&[u8], &[u8]) {
        let point = Digits::LEN.saturating_sub(self.scale);
        let int = self.buf.get(self.start..point).unwrap_or_default();
        let frac = self.buf.get(point..).unwrap_or_default();
        (int, frac)
    }
}

/// Write a decimal with its integer part grouped in thousands and a true minus sign (U+2212),
/// as in the rest of the explanation's arithmetic: `-1234567.5` → `−1,234,567.5`; assembled on
/// the stack and written once.
fn grouped(f: &mut std::fmt::Formatter<'_>, digits: &Digits) -> std::fmt::Result {
    // 29 digits, 9 commas, a point and a 3-byte minus sign fit in 64 bytes.
    let mut text = [0u8; 64];
    let mut len = 0usize;
    let mut put = |bytes: &[u8]| {
        let end = len.saturating_add(bytes.len());
        if let Some(slot) = text.get_mut(len..end) {
            slot.copy_from_slice(bytes);
            len = end;
        }
    };
    if digits.negative {
        put("−".as_bytes());
    }
    let (int, frac) = digits.parts();
    // A head of 1–3 digits, then groups of 3.
    let head = match int.len() % 3 {
        0 => int.len().min(3),
        n => n,
    };
    let (first, rest) = int.split_at_checked(head).unwrap_or((int, &[]));
    put(first);
    for group in rest.chunks(3) {
        put(b",");
        put(group);
    }
    if !frac.is_empty() {
        put(b".");
        put(frac);
    }
    // Only ASCII digits, commas, points and a whole minus sign were written.
    f.write_str(std::str::from_utf8(text.get(..len).unwrap_or_default()).unwrap_or_default())
}

/// Points and percentages: two places, grouped (a `Display`, so a line is written in one pass).
#[derive(Clone, Copy)]
pub(crate) struct Fixed2(Decimal);

impl std::fmt::Display for Fixed2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        grouped(f, &Digits::of(RoundingMode::HalfUp.round(self.0, 2)))
    }
}

/// Points and percentages: two places.
pub(crate) fn fixed2(d: Decimal) -> Fixed2 {
    Fixed2(d)
}

/// Other values (amounts, counts, rates): as exact as they are, up to four places.
#[derive(Clone, Copy)]
pub(crate) struct Amount(Decimal);

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = if self.0.scale() > 4 {
            self.0.round_dp(4)
        } else {
            self.0
        };
        grouped(f, &Digits::of(d.normalize()))
    }
}

/// Other values (amounts, counts, rates): as exact as they are, up to four places.
pub(crate) fn amount(d: Decimal) -> Amount {
    Amount(d)
}

/// A value, or "—" where there is none.
struct OrDash<T>(Option<T>);

impl<T: std::fmt::Display> std::fmt::Display for OrDash<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(v) => v.fmt(f),
            None => f.write_str("—"),
        }
    }
}

/// Weights: as written (`50%`, `33.3333%`).
struct Weight(Decimal);

impl std::fmt::Display for Weight {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}%", Amount(self.0))
    }
}

fn weight(d: Decimal) -> Weight {
    Weight(d)
}

fn points_word(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "points",
        Lang::Zh => "分",
    }
}

/// A band edge or curve point on its basis: a completion in percent, else an amount.
struct BasisValue(Basis, Decimal);

impl std::fmt::Display for BasisValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Basis::Completion => write!(f, "{}%", Fixed2(self.1)),
            Basis::Actual => Amount(self.1).fmt(f),
        }
    }
}

fn basis_value(basis: Basis, v: Decimal) -> BasisValue {
    BasisValue(basis, v)
}

impl IndicatorScore {
    /// One line: how this indicator's points and weighted share were computed.
    ///
    /// `Sales completion: 850,000 ÷ 1,000,000 = 85.00% → ratio method → 85.00 points × 50% = 42.50`
    pub fn explain(&self, lang: Lang) -> String {
        let mut s = String::new();
        self.explain_into(lang, &mut s);
        s
    }

    /// [`IndicatorScore::explain`], appended to `s` (a buffer a caller reuses across lines).
    pub fn explain_into(&self, lang: Lang, s: &mut String) {
        let _ = write!(s, "{}: ", self.name);
        let pts = points_word(lang);
        let zh = lang == Lang::Zh;
        let a = OrDash(self.actual.map(amount));
        let t = OrDash(self.target.map(amount));
        let completion = |s: &mut String| {
            if let Some(c) = self.completion {
                let _ = write!(s, "{a} ÷ {t} = {}%", fixed2(c));
            } else {
                let _ = write!(s, "{a}");
            }
        };
        match self.detail {
            Detail::Ratio => {
                completion(s);
                s.push_str(if zh {
                    " → 比率法"
                } else {
                    " → ratio method"
                });
            }
            Detail::ZeroTarget => {
                s.push_str(if zh {
                    "目标为 0 → 按方案计分"
                } else {
                    "the target is 0 → points fixed by the plan"
                });
            }
            Detail::LowerIsBetter { form } => {
                let none_at_all = self.actual.is_some_and(|x| x <= Decimal::ZERO);
                let target_zero = self.target.is_some_and(|x| x.is_zero());
                match (form, none_at_all, target_zero) {
                    (LowerIsBetterForm::Inverse, true, _)
                    | (LowerIsBetterForm::Linear, true, true) => {
                        let _ = write!(s, "{a}");
                        s.push_str(if zh {
                            "（为零，取最高分）"
                        } else {
                            " (none at all: the best score)"
                        });
                    }
                    (LowerIsBetterForm::Linear, false, true) => {
                        let _ = write!(s, "{a}");
                        s.push_str(if zh {
                            "（目标为 0，有即取最低分）"
                        } else {
                            " (the target is 0: any amount scores the floor)"
                        });
                    }
                    (LowerIsBetterForm::Inverse, false, _) => {
                        let _ = write!(s, "{t} ÷ {a} × 100 = {}", fixed2(self.raw_score));
                    }
                    (LowerIsBetterForm::Linear, _, false) => {
                        let _ = write!(s, "200 − {a} ÷ {t} × 100 = {}", fixed2(self.raw_score));
                    }
                }
                s.push_str(if zh {
                    " → 反向指标（越低越好）"
                } else {
                    " → lower is better"
                });
            }
            Detail::Curve {
                basis,
                value,
                segment,
            } => {
                if basis == Basis::Completion {
                    completion(s);
                } else {
                    let _ = write!(s, "{a}");
                }
                s.push_str(if zh {
                    " → 门槛值/目标值/挑战值法："
                } else {
                    " → threshold/target/stretch: "
                });
                match segment {
                    CurveSegment::BelowThreshold => {
                        s.push_str(if zh {
                            "低于门槛值"
                        } else {
                            "below the threshold"
                        });
                    }
                    CurveSegment::Between {
                        from_at,
                        from_score,
                        ..
                    } if value == from_at => {
                        let f = basis_value(basis, from_at);
                        if zh {
                            let _ = write!(s, "恰为 {f}（{} 分）", fixed2(from_score));
                        } else {
                            let _ = write!(s, "exactly at {f} ({} points)", fixed2(from_score));
                        }
                    }
                    CurveSegment::Between {
                        from_at,
                        from_score,
                        to_at,
                        to_score,
                    } => {
                        let (f, t2) = (basis_value(basis, from_at), basis_value(basis, to_at));
                        if zh {
                            let _ = write!(
                                s,
                                "在 {f}（{} 分）与 {t2}（{} 分）之间按比例插值",
                                fixed2(from_score),
                                fixed2(to_score)
                            );
                        } else {
                            let _ = write!(
                                s,
                                "between {f} ({} points) and {t2} ({} points), interpolated",
                                fixed2(from_score),
                                fixed2(to_score)
                            );
                        }
                    }
                    CurveSegment::AtOrAboveTop => {
                        s.push_str(if zh {
                            "达到或超过最高点，按封顶计分"
                        } else {
                            "at or above the top point, capped"
                        });
                    }
                }
            }
            Detail::Bands { basis, value, band } => {
                if basis == Basis::Completion {
                    completion(s);
                } else {
                    let _ = write!(s, "{}", amount(value));
                }
                // Half-open [from, to); an open lower end is written (−∞.
                let _ = write!(
                    s,
                    " → {} ",
                    if zh {
                        "区间法：落在"
                    } else {
                        "step bands: in"
                    }
                );
                let _ = match band.from {
                    Some(f) => write!(s, "[{}", basis_value(basis, f)),
                    None => write!(s, "(−∞"),
                };
                let _ = match band.to {
                    Some(t) => write!(s, ", {})", basis_value(basis, t)),
                    None => write!(s, ", ∞)"),
                };
            }
            Detail::PassFail { passed } => {
                let _ = write!(s, "{a}");
                let word = match (zh, passed) {
                    (false, true) => " → pass/fail: passed",
                    (false, false) => " → pass/fail: not passed",
                    (true, true) => " → 非此即彼：达标",
                    (true, false) => " → 非此即彼：未达标",
                };
                s.push_str(word);
            }
            Detail::Rating { .. } => {
                let _ = write!(s, "{} {a}", if zh { "评分" } else { "rating" });
                s.push_str(if zh {
                    " → 评分量表"
                } else {
                    " → rating scale"
                });
            }
            Detail::Deduction { start, per_unit } => {
                let _ = write!(s, "{} − {a} × {}", amount(start), amount(per_unit));
                s.push_str(if zh {
                    " → 扣分法"
                } else {
                    " → deduction method"
                });
            }
            Detail::Formula => {
                let _ = write!(
                    s,
                    "{a} → {} = {}",
                    if zh {
                        "自定义公式"
                    } else {
                        "custom formula"
                    },
                    fixed2(self.raw_score)
                );
            }
            Detail::MissingScoredZero => {
                let m = self.missing.as_deref().unwrap_or("?");
                if zh {
                    let _ = write!(s, "缺少数据 `{m}` → 按方案记 0 分");
                } else {
                    let _ = write!(
                        s,
                        "`{m}` is missing → scored 0 by the plan's missing-data rule"
                    );
                }
            }
            Detail::MissingLeftOut => {
                let m = self.missing.as_deref().unwrap_or("?");
                if zh {
                    let _ = write!(
                        s,
                        "缺少数据 `{m}` → 不参与计分，本维度其余指标按比例重新分配权重"
                    );
                } else {
                    let _ = write!(
                        s,
                        "`{m}` is missing → left out; the rest of its section is re-weighted"
                    );
                }
                return;
            }
        }
        let _ = write!(s, " → {} {pts}", fixed2(self.score));
        match (self.bound, zh) {
            (Some(Bound::Cap), false) => {
                let _ = write!(s, " (capped, from {})", fixed2(self.raw_score));
            }
            (Some(Bound::Cap), true) => {
                let _ = write!(s, "（封顶，原为 {}）", fixed2(self.raw_score));
            }
            (Some(Bound::Floor), false) => {
                let _ = write!(s, " (raised to the floor, from {})", fixed2(self.raw_score));
            }
            (Some(Bound::Floor), true) => {
                let _ = write!(s, "（保底，原为 {}）", fixed2(self.raw_score));
            }
            (None, _) => {}
        }
        let _ = write!(s, " × {}", weight(self.effective_weight));
        if self.effective_weight != self.weight {
            if zh {
                let _ = write!(s, "（原权重 {}，因缺数据重新分配）", weight(self.weight));
            } else {
                let _ = write!(s, " (re-weighted from {})", weight(self.weight));
            }
        }
        let _ = write!(s, " = {}", fixed2(self.weighted));
        if let Some(p) = &self.progress {
            explain_progress(p, lang, s);
        }
    }
}

fn explain_progress(p: &crate::progress::Progress, lang: Lang, s: &mut String) {
    let status = p
        .status
        .map(|st| if lang == Lang::Zh { st.zh() } else { st.en() });
    let _ = match (lang, p.pace, status, p.projected) {
        (Lang::En, Some(pace), Some(st), Some(proj)) => write!(
            s,
            "; to date: expected {}, pace {}% → {st}, projected {}",
            amount(p.expected),
            fixed2(pace),
            amount(proj)
        ),
        (Lang::Zh, Some(pace), Some(st), Some(proj)) => write!(
            s,
            "；进度：应完成 {}，进度比 {}% → {st}，预计期末 {}",
            amount(p.expected),
            fixed2(pace),
            amount(proj)
        ),
        (Lang::En, ..) => write!(s, "; to date: no pace yet (nothing expected so far)"),
        (Lang::Zh, ..) => write!(s, "；进度：尚无可比进度"),
    };
}

impl AdjustmentScore {
    /// One line: `Customer complaints: 1 × −2 = −2.00`.
    pub fn explain(&self, lang: Lang) -> String {
        let mut s = String::new();
        self.explain_into(lang, &mut s);
        s
    }

    /// [`AdjustmentScore::explain`], appended to `s`.
    pub fn explain_into(&self, lang: Lang, s: &mut String) {
        let sign = if self.bonus { "+" } else { "−" };
        let _ = write!(
            s,
            "{}: {} × {sign}{} = {}",
            self.name,
            amount(self.count),
            amount(self.points_each),
            signed(self.points)
        );
        if self.capped {
            s.push_str(if lang == Lang::Zh {
                "（已达上限）"
            } else {
                " (limited to the maximum)"
            });
        }
        if self.missing {
            s.push_str(if lang == Lang::Zh {
                "（无数据，按 0 次计）"
            } else {
                " (no data, counted as 0)"
            });
        }
    }
}

/// Points with their sign: `+2.00`, `−2.00`, `0.00`.
struct Signed(Decimal);

impl std::fmt::Display for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.0;
        if d.is_zero() {
            Fixed2(Decimal::ZERO).fmt(f)
        } else if d.is_sign_negative() {
            write!(f, "−{}", Fixed2(d.abs()))
        } else {
            write!(f, "+{}", Fixed2(d))
        }
    }
}

fn signed(d: Decimal) -> Signed {
    Signed(d)
}

impl Scorecard {
    /// The whole scorecard, step by step, one line per number.
    pub fn explain(&self, lang: Lang) -> String {
        let mut s = String::new();
        self.explain_into(lang, &mut s);
        s
    }

    /// [`Scorecard::explain`], appended to `s`: a host explaining many scorecards reuses one
    /// buffer (`s.clear()` between cards), and no number is formatted into a string of its own.
    pub fn explain_into(&self, lang: Lang, s: &mut String) {
        let zh = lang == Lang::Zh;
        let who = self.name.as_deref().unwrap_or(&self.record_id);
        let _ = writeln!(s, "{who} ({})", self.record_id);
        for sec in &self.sections {
            let _ = writeln!(s, "{} ({}):", sec.name, weight(sec.effective_weight));
            for ind in &sec.indicators {
                s.push_str("  ");
                ind.explain_into(lang, s);
                s.push('\n');
            }
            if sec.left_out {
                let _ = writeln!(
                    s,
                    "  {}",
                    if zh {
                        "本维度全部缺数据，不参与计分"
                    } else {
                        "every indicator is missing: section left out"
                    }
                );
            } else if zh {
                let _ = writeln!(
                    s,
                    "  维度得分 {} × {} = {}",
                    fixed2(sec.score),
                    weight(sec.effective_weight),
                    fixed2(sec.contribution)
                );
            } else {
                let _ = writeln!(
                    s,
                    "  Section score {} × {} = {}",
                    fixed2(sec.score),
                    weight(sec.effective_weight),
                    fixed2(sec.contribution)
                );
            }
        }
        let _ = writeln!(
            s,
            "{} {}",
            if zh { "加权合计" } else { "Weighted total" },
            fixed2(self.weighted_total)
        );
        for a in &self.adjustments {
            s.push_str(if zh { "加减分 " } else { "Adjustment " });
            a.explain_into(lang, s);
            s.push('\n');
        }
        match (self.total_bound, zh) {
            (Some(Bound::Cap), false) => s.push_str("The total is capped by the plan\n"),
            (Some(Bound::Cap), true) => s.push_str("总分按方案封顶\n"),
            (Some(Bound::Floor), false) => s.push_str("The total is raised to the plan's floor\n"),
            (Some(Bound::Floor), true) => s.push_str("总分按方案保底\n"),
            (None, _) => {}
        }
        for v in &self.vetoes {
            match (&v.effect, zh) {
                (VetoOutcome::ZeroTotal, false) => {
                    let _ = writeln!(
                        s,
                        "Veto: {} (`{}`) → the total is set to 0",
                        v.name, v.condition
                    );
                }
                (VetoOutcome::ZeroTotal, true) => {
                    let _ = writeln!(s, "一票否决：{}（`{}`）→ 总分记为 0", v.name, v.condition);
                }
                (VetoOutcome::CapGrade(g), false) => {
                    let _ = writeln!(
                        s,
                        "Veto: {} (`{}`) → the grade is at most {g}",
                        v.name, v.condition
                    );
                }
                (VetoOutcome::CapGrade(g), true) => {
                    let _ = writeln!(
                        s,
                        "一票否决：{}（`{}`）→ 等级最高为 {g}",
                        v.name, v.condition
                    );
                }
            }
        }
        let places = self.total.scale();
        if zh {
            let _ = write!(
                s,
                "总分 {} → 保留 {places} 位小数 = {} → 等级 {}",
                amount(self.unrounded_total),
                self.total,
                self.grade
            );
        } else {
            let _ = write!(
                s,
                "Total {} → rounded to {places} places = {} → grade {}",
                amount(self.unrounded_total),
                self.total,
                self.grade
            );
        }
        if let Some(g) = &self.grade_before_veto {
            let _ = if zh {
                write!(s, "（原为 {g}）")
            } else {
                write!(s, " (was {g})")
            };
        }
        if let Some(p) = &self.progress {
            let st = p.status.map_or("—", |x| if zh { x.zh() } else { x.en() });
            let proj = OrDash(p.projected_total);
            let g = p.projected_grade.as_deref().unwrap_or("—");
            // The fraction is in [0, 1] on a scorecard; a hand-built one too large shows "—".
            let gone = OrDash(p.fraction.checked_mul(Decimal::ONE_HUNDRED).map(fixed2));
            if zh {
                let _ = write!(
                    s,
                    "\n进度 {gone}%：{st}；按当前进度预计总分 {proj}，等级 {g}"
                );
            } else {
                let _ = write!(
                    s,
                    "\nPeriod {gone}% gone: {st}; on current pace the total would be {proj}, grade {g}"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_display() {
        assert_eq!(amount(Decimal::from(850_000)).to_string(), "850,000");
        assert_eq!(fixed2(Decimal::from(85)).to_string(), "85.00");
        assert_eq!(
            amount(Decimal::new(-12345675, 1)).to_string(),
            "−1,234,567.5"
        );
        assert_eq!(fixed2(Decimal::new(425, 1)).to_string(), "42.50");
        assert_eq!(amount(Decimal::new(9, 1)).to_string(), "0.9");
        // Grouping at every length of the integer part, worked by hand.
        assert_eq!(amount(Decimal::from(100)).to_string(), "100");
        assert_eq!(amount(Decimal::from(1000)).to_string(), "1,000");
        assert_eq!(amount(Decimal::from(-100_000)).to_string(), "−100,000");
        assert_eq!(fixed2(Decimal::ZERO).to_string(), "0.00");
        // The longest texts: 29 digits, 28 places, signs.
        for d in [
            Decimal::MIN,
            Decimal::MAX,
            Decimal::from_i128_with_scale(-1, 28),
            Decimal::from_i128_with_scale(-79_228_162_514_264_337_593_543_950_335, 28),
        ] {
            assert_eq!(plain(d), d.to_string());
        }
    }

    /// The digits as plain text (no grouping, ASCII minus), to compare with `Display`.
    fn plain(d: Decimal) -> String {
        let digits = Digits::of(d);
        let (int, frac) = digits.parts();
        let mut s = String::from(if digits.negative { "-" } else { "" });
        s.push_str(std::str::from_utf8(int).unwrap());
        if !frac.is_empty() {
            s.push('.');
            s.push_str(std::str::from_utf8(frac).unwrap());
        }
        s
    }

    proptest::proptest! {
        /// The stack digits are exactly the decimal's own text, for every mantissa, scale and
        /// sign (negative zero included).
        #[test]
        fn digits_equal_the_decimal_display(
            lo in proptest::prop_oneof![0u64..1_000, proptest::num::u64::ANY],
            hi in proptest::prop_oneof![proptest::strategy::Just(0u32), proptest::num::u32::ANY],
            negative: bool,
            scale in 0u32..=28,
        ) {
            let d = Decimal::from_parts(lo as u32, (lo >> 32) as u32, hi, negative, scale);
            proptest::prop_assert_eq!(plain(d), d.to_string());
        }
    }
}
