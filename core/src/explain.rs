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

pub use crate::lang::Lang;

/// A number's text on the stack, built right to left (no allocation, and no 128-bit division
/// for the common mantissas that fit 64 bits), written into a line in one piece.
struct NumText {
    /// "", "-" or "−" (U+2212).
    minus: &'static str,
    /// The rest is `buf[start..]`: ASCII digits, commas and a point.
    buf: [u8; NumText::LEN],
    start: usize,
}

impl NumText {
    /// A decimal has at most 29 digits and 28 places: with 9 commas, a point and a leading
    /// zero, 48 bytes hold any of them.
    const LEN: usize = 48;

    fn push_front(&mut self, b: u8) {
        if let Some(i) = self.start.checked_sub(1) {
            if let Some(slot) = self.buf.get_mut(i) {
                *slot = b;
                self.start = i;
            }
        }
    }

    /// `m` × 10^−`scale` with all `scale` places. `grouped`: the integer part in thousands and
    /// a true minus sign (U+2212), as in the explanation's arithmetic (`−1,234,567.5`); else as
    /// the decimal's own `Display` writes it (`-1234567.5`).
    fn build<N: Copy + PartialEq + From<u8> + TryInto<u8>>(
        negative: bool,
        m: N,
        scale: u32,
        grouped: bool,
        step: impl Fn(N) -> (N, N),
    ) -> NumText {
        let zero = N::from(0);
        let mut t = NumText {
            minus: match (negative, grouped) {
                (false, _) => "",
                (true, true) => "−",
                (true, false) => "-",
            },
            buf: [0; NumText::LEN],
            start: NumText::LEN,
        };
        let mut n = m;
        let digit = |t: &mut NumText, n: N| {
            let (d, rest) = step(n);
            let d: u8 = d.try_into().unwrap_or(0);
            t.push_front(b'0'.saturating_add(d));
            rest
        };
        for _ in 0..scale {
            n = digit(&mut t, n);
        }
        if scale > 0 {
            t.push_front(b'.');
        }
        // At least one integer digit (a leading zero below 1), commas between groups of 3.
        let mut in_group = 0u8;
        loop {
            if grouped && in_group == 3 {
                t.push_front(b',');
                in_group = 0;
            }
            n = digit(&mut t, n);
            in_group = in_group.saturating_add(1);
            if n == zero {
                break;
            }
        }
        t
    }

    /// The magnitude `m`, on 64 bits when it fits.
    fn of(negative: bool, m: u128, scale: u32, grouped: bool) -> NumText {
        match u64::try_from(m) {
            Ok(small) => NumText::build(negative, small, scale, grouped, |n| (n % 10, n / 10)),
            Err(_) => NumText::build(negative, m, scale, grouped, |n| (n % 10, n / 10)),
        }
    }

    /// A decimal as it is (all its places).
    fn decimal(d: Decimal, grouped: bool) -> NumText {
        let m = d.mantissa().unsigned_abs();
        NumText::of(d.is_sign_negative(), m, d.scale(), grouped)
    }

    fn ascii(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }

    /// The digits as text (only ASCII is ever written).
    fn digits(&self) -> &str {
        std::str::from_utf8(self.ascii()).unwrap_or_default()
    }

    /// Append the text to a line.
    fn put(&self, s: &mut String) {
        if !self.minus.is_empty() {
            s.push_str(self.minus);
        }
        s.push_str(self.digits());
    }

    fn write(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.minus)?;
        f.write_str(self.digits())
    }
}

/// Whether a magnitude q·p + r (0 ≤ r < p, `rest` = p − r) rounds up to q + 1: past the
/// half, or on it when halves go away from zero or q is odd (to even).
fn rounds_up<N: PartialOrd>(r: N, rest: N, q_odd: bool, to_even: bool) -> bool {
    r > rest || (r == rest && (!to_even || q_odd))
}

/// A 64-bit magnitude `m` × 10^−`scale` rounded to `places` when it has more, with the scale
/// it then has (the common case: native 64-bit division).
fn round_u64(m: u64, scale: u32, places: u32, to_even: bool) -> Option<(u64, u32)> {
    let Some(cut) = scale.checked_sub(places).filter(|&k| k > 0) else {
        return Some((m, scale));
    };
    let p = *POW10.get(cut as usize)?;
    let (q, r) = (m.checked_div(p)?, m.checked_rem(p)?);
    let up = rounds_up(r, p.checked_sub(r)?, q & 1 == 1, to_even);
    Some((if up { q.checked_add(1)? } else { q }, places))
}

/// [`round_u64`] for any mantissa of a decimal (96 bits).
fn round_u128(m: u128, scale: u32, places: u32, to_even: bool) -> Option<(u128, u32)> {
    let Some(cut) = scale.checked_sub(places).filter(|&k| k > 0) else {
        return Some((m, scale));
    };
    let p = 10u128.checked_pow(cut)?;
    let (q, r) = (m.checked_div(p)?, m.checked_rem(p)?);
    let up = rounds_up(r, p.checked_sub(r)?, q & 1 == 1, to_even);
    Some((if up { q.checked_add(1)? } else { q }, places))
}

/// Drop trailing fractional zeros (on 64 bits when the magnitude fits).
fn strip_zeros(m: u128, scale: u32) -> (u128, u32) {
    let mut scale = scale;
    match u64::try_from(m) {
        Ok(mut small) => {
            while scale > 0 && small.checked_rem(10) == Some(0) {
                small = small.checked_div(10).unwrap_or(0);
                scale = scale.saturating_sub(1);
            }
            (u128::from(small), scale)
        }
        Err(_) => {
            let mut m = m;
            while scale > 0 && m.checked_rem(10) == Some(0) {
                m = m.checked_div(10).unwrap_or(0);
                scale = scale.saturating_sub(1);
            }
            (m, scale)
        }
    }
}

/// 10^0 to 10^19: every power of ten that fits 64 bits.
const POW10: [u64; 20] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
    10_000_000_000_000_000_000,
];

/// The largest mantissa a decimal holds (96 bits).
const MAX_MANTISSA: u128 = (1 << 96) - 1;

/// Points and percentages: the value rounded half up to two places, always showing both.
fn fixed2_text(d: Decimal) -> NumText {
    let (m, scale) = (d.mantissa().unsigned_abs(), d.scale());
    // Fewer places are padded with zeros, as far as a decimal holds them.
    let pad = |scale: u32| POW10.get(2u32.checked_sub(scale)? as usize).copied();
    let fast = match u64::try_from(m) {
        Ok(small) => round_u64(small, scale, 2, false)
            .and_then(|(m, scale)| m.checked_mul(pad(scale)?))
            .map(u128::from),
        Err(_) => round_u128(m, scale, 2, false)
            .and_then(|(m, scale)| m.checked_mul(u128::from(pad(scale)?)))
            .filter(|&m| m <= MAX_MANTISSA),
    };
    match fast {
        // A value that rounds to zero shows 0.00, never −0.00.
        Some(m) => NumText::of(d.is_sign_negative() && m != 0, m, 2, true),
        None => NumText::decimal(RoundingMode::HalfUp.round(d, 2), true),
    }
}

/// Other values: past four places rounded to four (banker's rounding, as `round_dp`), then
/// without trailing zeros (as `normalize`, which also drops the sign of zero).
fn amount_text(d: Decimal) -> NumText {
    let (m, scale) = (d.mantissa().unsigned_abs(), d.scale());
    let rounded = match u64::try_from(m) {
        Ok(small) => round_u64(small, scale, 4, true).map(|(m, scale)| (u128::from(m), scale)),
        Err(_) => round_u128(m, scale, 4, true),
    };
    match rounded {
        Some((m, scale)) => {
            let (m, scale) = strip_zeros(m, scale);
            NumText::of(d.is_sign_negative() && m != 0, m, scale, true)
        }
        None => {
            let r = if d.scale() > 4 { d.round_dp(4) } else { d };
            NumText::decimal(r.normalize(), true)
        }
    }
}

/// A piece of a line, appended to the caller's buffer as it is (no `fmt` machinery).
trait Piece {
    fn put(self, s: &mut String);
}

impl Piece for &str {
    fn put(self, s: &mut String) {
        s.push_str(self);
    }
}

/// Append the pieces in order: `put!(s, a, " ÷ ", t)`.
macro_rules! put {
    ($s:expr, $($piece:expr),+ $(,)?) => {{
        let s: &mut String = $s;
        $( Piece::put($piece, s); )+
    }};
}

/// Points and percentages: two places, grouped.
#[derive(Clone, Copy)]
pub(crate) struct Fixed2(Decimal);

impl std::fmt::Display for Fixed2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fixed2_text(self.0).write(f)
    }
}

impl Piece for Fixed2 {
    fn put(self, s: &mut String) {
        fixed2_text(self.0).put(s);
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
        amount_text(self.0).write(f)
    }
}

impl Piece for Amount {
    fn put(self, s: &mut String) {
        amount_text(self.0).put(s);
    }
}

/// Other values (amounts, counts, rates): as exact as they are, up to four places.
pub(crate) fn amount(d: Decimal) -> Amount {
    Amount(d)
}

/// A value, or "—" where there is none.
#[derive(Clone, Copy)]
struct OrDash<T>(Option<T>);

impl<T: Piece> Piece for OrDash<T> {
    fn put(self, s: &mut String) {
        match self.0 {
            Some(v) => v.put(s),
            None => s.push('—'),
        }
    }
}

/// Weights: as written (`50%`, `33.3333%`).
struct Weight(Decimal);

impl Piece for Weight {
    fn put(self, s: &mut String) {
        put!(s, Amount(self.0), "%");
    }
}

fn weight(d: Decimal) -> Weight {
    Weight(d)
}

/// A decimal as its own `Display` writes it (the rounded total).
struct Plain(Decimal);

impl Piece for Plain {
    fn put(self, s: &mut String) {
        NumText::decimal(self.0, false).put(s);
    }
}

/// A count of places.
struct Count(u32);

impl Piece for Count {
    fn put(self, s: &mut String) {
        NumText::of(false, u128::from(self.0), 0, false).put(s);
    }
}

fn points_word(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "points",
        Lang::Zh => "分",
    }
}

/// A band edge or curve point on its basis: a completion in percent, else an amount.
#[derive(Clone, Copy)]
struct BasisValue(Basis, Decimal);

impl Piece for BasisValue {
    fn put(self, s: &mut String) {
        match self.0 {
            Basis::Completion => put!(s, Fixed2(self.1), "%"),
            Basis::Actual => Amount(self.1).put(s),
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
        put!(s, &*self.name, ": ");
        let pts = points_word(lang);
        let zh = lang == Lang::Zh;
        let a = OrDash(self.actual.map(amount));
        let t = OrDash(self.target.map(amount));
        let completion = |s: &mut String| {
            if let Some(c) = self.completion {
                put!(s, a, " ÷ ", t, " = ", fixed2(c), "%");
            } else {
                put!(s, a);
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
                        put!(s, a);
                        s.push_str(if zh {
                            "（为零，取最高分）"
                        } else {
                            " (none at all: the best score)"
                        });
                    }
                    (LowerIsBetterForm::Linear, false, true) => {
                        put!(s, a);
                        s.push_str(if zh {
                            "（目标为 0，有即取最低分）"
                        } else {
                            " (the target is 0: any amount scores the floor)"
                        });
                    }
                    (LowerIsBetterForm::Inverse, false, _) => {
                        put!(s, t, " ÷ ", a, " × 100 = ", fixed2(self.raw_score));
                    }
                    (LowerIsBetterForm::Linear, _, false) => {
                        put!(
                            s,
                            "200 − ",
                            a,
                            " ÷ ",
                            t,
                            " × 100 = ",
                            fixed2(self.raw_score)
                        );
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
                    put!(s, a);
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
                            put!(s, "恰为 ", f, "（", fixed2(from_score), " 分）");
                        } else {
                            put!(s, "exactly at ", f, " (", fixed2(from_score), " points)");
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
                            put!(
                                s,
                                "在 ",
                                f,
                                "（",
                                fixed2(from_score),
                                " 分）与 ",
                                t2,
                                "（",
                                fixed2(to_score),
                                " 分）之间按比例插值"
                            );
                        } else {
                            put!(
                                s,
                                "between ",
                                f,
                                " (",
                                fixed2(from_score),
                                " points) and ",
                                t2,
                                " (",
                                fixed2(to_score),
                                " points), interpolated"
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
                    put!(s, amount(value));
                }
                // Half-open [from, to); an open lower end is written (−∞.
                s.push_str(if zh {
                    " → 区间法：落在 "
                } else {
                    " → step bands: in "
                });
                match band.from {
                    Some(f) => put!(s, "[", basis_value(basis, f)),
                    None => s.push_str("(−∞"),
                }
                match band.to {
                    Some(t) => put!(s, ", ", basis_value(basis, t), ")"),
                    None => s.push_str(", ∞)"),
                }
            }
            Detail::PassFail { passed } => {
                put!(s, a);
                let word = match (zh, passed) {
                    (false, true) => " → pass/fail: passed",
                    (false, false) => " → pass/fail: not passed",
                    (true, true) => " → 非此即彼：达标",
                    (true, false) => " → 非此即彼：未达标",
                };
                s.push_str(word);
            }
            Detail::Rating { .. } => {
                put!(s, if zh { "评分 " } else { "rating " }, a);
                s.push_str(if zh {
                    " → 评分量表"
                } else {
                    " → rating scale"
                });
            }
            Detail::Deduction { start, per_unit } => {
                put!(s, amount(start), " − ", a, " × ", amount(per_unit));
                s.push_str(if zh {
                    " → 扣分法"
                } else {
                    " → deduction method"
                });
            }
            Detail::Formula => {
                put!(
                    s,
                    a,
                    if zh {
                        " → 自定义公式 = "
                    } else {
                        " → custom formula = "
                    },
                    fixed2(self.raw_score)
                );
            }
            Detail::MissingScoredZero => {
                let m = self.missing.as_deref().unwrap_or("?");
                if zh {
                    put!(s, "缺少数据 `", m, "` → 按方案记 0 分");
                } else {
                    put!(
                        s,
                        "`",
                        m,
                        "` is missing → scored 0 by the plan's missing-data rule"
                    );
                }
            }
            Detail::MissingLeftOut => {
                let m = self.missing.as_deref().unwrap_or("?");
                if zh {
                    put!(
                        s,
                        "缺少数据 `",
                        m,
                        "` → 不参与计分，本维度其余指标按比例重新分配权重"
                    );
                } else {
                    put!(
                        s,
                        "`",
                        m,
                        "` is missing → left out; the rest of its section is re-weighted"
                    );
                }
                return;
            }
        }
        put!(s, " → ", fixed2(self.score), " ", pts);
        match (self.bound, zh) {
            (Some(Bound::Cap), false) => {
                put!(s, " (capped, from ", fixed2(self.raw_score), ")");
            }
            (Some(Bound::Cap), true) => {
                put!(s, "（封顶，原为 ", fixed2(self.raw_score), "）");
            }
            (Some(Bound::Floor), false) => {
                put!(
                    s,
                    " (raised to the floor, from ",
                    fixed2(self.raw_score),
                    ")"
                );
            }
            (Some(Bound::Floor), true) => {
                put!(s, "（保底，原为 ", fixed2(self.raw_score), "）");
            }
            (None, _) => {}
        }
        put!(s, " × ", weight(self.effective_weight));
        if self.effective_weight != self.weight {
            if zh {
                put!(s, "（原权重 ", weight(self.weight), "，因缺数据重新分配）");
            } else {
                put!(s, " (re-weighted from ", weight(self.weight), ")");
            }
        }
        put!(s, " = ", fixed2(self.weighted));
        if let Some(p) = &self.progress {
            explain_progress(p, lang, s);
        }
    }
}

fn explain_progress(p: &crate::progress::Progress, lang: Lang, s: &mut String) {
    let status = p
        .status
        .map(|st| if lang == Lang::Zh { st.zh() } else { st.en() });
    match (lang, p.pace, status, p.projected) {
        (Lang::En, Some(pace), Some(st), Some(proj)) => put!(
            s,
            "; to date: expected ",
            amount(p.expected),
            ", pace ",
            fixed2(pace),
            "% → ",
            st,
            ", projected ",
            amount(proj)
        ),
        (Lang::Zh, Some(pace), Some(st), Some(proj)) => put!(
            s,
            "；进度：应完成 ",
            amount(p.expected),
            "，进度比 ",
            fixed2(pace),
            "% → ",
            st,
            "，预计期末 ",
            amount(proj)
        ),
        (Lang::En, ..) => s.push_str("; to date: no pace yet (nothing expected so far)"),
        (Lang::Zh, ..) => s.push_str("；进度：尚无可比进度"),
    }
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
        put!(
            s,
            &*self.name,
            ": ",
            amount(self.count),
            " × ",
            sign,
            amount(self.points_each),
            " = ",
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

impl Piece for Signed {
    fn put(self, s: &mut String) {
        let d = self.0;
        if d.is_zero() {
            Fixed2(Decimal::ZERO).put(s);
        } else if d.is_sign_negative() {
            put!(s, "−", Fixed2(d.abs()));
        } else {
            put!(s, "+", Fixed2(d));
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
        put!(s, who, " (", self.record_id.as_str(), ")\n");
        for sec in &self.sections {
            put!(s, &*sec.name, " (", weight(sec.effective_weight), "):\n");
            for ind in &sec.indicators {
                s.push_str("  ");
                ind.explain_into(lang, s);
                s.push('\n');
            }
            if sec.left_out {
                s.push_str(if zh {
                    "  本维度全部缺数据，不参与计分\n"
                } else {
                    "  every indicator is missing: section left out\n"
                });
            } else {
                put!(
                    s,
                    if zh {
                        "  维度得分 "
                    } else {
                        "  Section score "
                    },
                    fixed2(sec.score),
                    " × ",
                    weight(sec.effective_weight),
                    " = ",
                    fixed2(sec.contribution),
                    "\n"
                );
            }
        }
        put!(
            s,
            if zh {
                "加权合计 "
            } else {
                "Weighted total "
            },
            fixed2(self.weighted_total),
            "\n"
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
            let (name, condition) = (&*v.name, v.condition.as_str());
            match (&v.effect, zh) {
                (VetoOutcome::ZeroTotal, false) => put!(
                    s,
                    "Veto: ",
                    name,
                    " (`",
                    condition,
                    "`) → the total is set to 0\n"
                ),
                (VetoOutcome::ZeroTotal, true) => {
                    put!(s, "一票否决：", name, "（`", condition, "`）→ 总分记为 0\n")
                }
                (VetoOutcome::CapGrade(g), false) => put!(
                    s,
                    "Veto: ",
                    name,
                    " (`",
                    condition,
                    "`) → the grade is at most ",
                    &**g,
                    "\n"
                ),
                (VetoOutcome::CapGrade(g), true) => put!(
                    s,
                    "一票否决：",
                    name,
                    "（`",
                    condition,
                    "`）→ 等级最高为 ",
                    &**g,
                    "\n"
                ),
            }
        }
        let places = Count(self.total.scale());
        if zh {
            put!(
                s,
                "总分 ",
                amount(self.unrounded_total),
                " → 保留 ",
                places,
                " 位小数 = ",
                Plain(self.total),
                " → 等级 ",
                &*self.grade
            );
        } else {
            put!(
                s,
                "Total ",
                amount(self.unrounded_total),
                " → rounded to ",
                places,
                " places = ",
                Plain(self.total),
                " → grade ",
                &*self.grade
            );
        }
        if let Some(g) = &self.grade_before_veto {
            if zh {
                put!(s, "（原为 ", &**g, "）");
            } else {
                put!(s, " (was ", &**g, ")");
            }
        }
        if let Some(p) = &self.progress {
            let st = p.status.map_or("—", |x| if zh { x.zh() } else { x.en() });
            let proj = OrDash(p.projected_total.map(Plain));
            let g = p.projected_grade.as_deref().unwrap_or("—");
            // The fraction is in [0, 1] on a scorecard; a hand-built one too large shows "—".
            let gone = OrDash(p.fraction.checked_mul(Decimal::ONE_HUNDRED).map(fixed2));
            if zh {
                put!(
                    s,
                    "\n进度 ",
                    gone,
                    "%：",
                    st,
                    "；按当前进度预计总分 ",
                    proj,
                    "，等级 ",
                    g
                );
            } else {
                put!(
                    s,
                    "\nPeriod ",
                    gone,
                    "% gone: ",
                    st,
                    "; on current pace the total would be ",
                    proj,
                    ", grade ",
                    g
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
            assert_eq!(fixed2(d).to_string(), fixed2_reference(d));
            assert_eq!(amount(d).to_string(), amount_reference(d));
        }
    }

    /// The digits as plain text (no grouping, ASCII minus), to compare with `Display`.
    fn plain(d: Decimal) -> String {
        let mut s = String::new();
        NumText::decimal(d, false).put(&mut s);
        s
    }

    /// The explanation's grouping of a decimal's own text, worked on the string: thousands
    /// commas in the integer part and a true minus sign.
    fn group(text: &str) -> String {
        let (sign, digits) = match text.strip_prefix('-') {
            Some(rest) => ("−", rest),
            None => ("", text),
        };
        let (int, frac) = digits
            .split_once('.')
            .map_or((digits, None), |(i, f)| (i, Some(f)));
        let mut out = String::from(sign);
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if let Some(f) = frac {
            out.push('.');
            out.push_str(f);
        }
        out
    }

    /// The two display rules as they are defined on decimals: round half up to two places and
    /// pad; round to four places (banker's) and strip trailing zeros.
    fn fixed2_reference(d: Decimal) -> String {
        group(&RoundingMode::HalfUp.round(d, 2).to_string())
    }
    fn amount_reference(d: Decimal) -> String {
        let r = if d.scale() > 4 { d.round_dp(4) } else { d };
        group(&r.normalize().to_string())
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
            // The 64-bit shortcuts of the two display rules, halves and carries included.
            proptest::prop_assert_eq!(fixed2(d).to_string(), fixed2_reference(d));
            proptest::prop_assert_eq!(amount(d).to_string(), amount_reference(d));
        }

        /// Halves and carries at every scale: mantissas ending in 5, 49…, 50…, 99….
        #[test]
        fn rounding_edges_equal_the_decimal_rules(
            head in 0u64..1_000_000,
            tail in proptest::prop_oneof![
                proptest::strategy::Just(5u64),
                proptest::strategy::Just(50),
                proptest::strategy::Just(49),
                proptest::strategy::Just(51),
                proptest::strategy::Just(99),
                proptest::strategy::Just(9_999),
                proptest::strategy::Just(50_000),
                proptest::strategy::Just(5_000_000_000),
                0u64..100_000,
            ],
            negative: bool,
            scale in 0u32..=28,
        ) {
            let m = head.saturating_mul(10_000_000_000).saturating_add(tail);
            let d = Decimal::from_parts(m as u32, (m >> 32) as u32, 0, negative, scale);
            proptest::prop_assert_eq!(fixed2(d).to_string(), fixed2_reference(d));
            proptest::prop_assert_eq!(amount(d).to_string(), amount_reference(d));
        }
    }
}
