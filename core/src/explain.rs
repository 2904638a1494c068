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

/// Group the integer part in thousands: `1234567.5` → `1,234,567.5`.
fn group(text: &str) -> String {
    // A true minus sign (U+2212), as in the rest of the explanation's arithmetic.
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("−", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(a, b)| (a, Some(b)));
    // A capacity hint: saturating only asks for less.
    let mut out = String::with_capacity(text.len().saturating_add(int.len() / 3));
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        // i counts chars, which are never more than the bytes of `int`.
        if i > 0 && int.len().checked_sub(i).is_some_and(|left| left % 3 == 0) {
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

/// Points and percentages: two places.
pub(crate) fn fixed2(d: Decimal) -> String {
    group(&RoundingMode::HalfUp.round(d, 2).to_string())
}

/// Other values (amounts, counts, rates): as exact as they are, up to four places.
pub(crate) fn amount(d: Decimal) -> String {
    let d = if d.scale() > 4 { d.round_dp(4) } else { d };
    group(&d.normalize().to_string())
}

/// Weights: as written (`50%`, `33.3333%`).
fn weight(d: Decimal) -> String {
    format!("{}%", amount(d))
}

fn points_word(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "points",
        Lang::Zh => "分",
    }
}

fn basis_value(basis: Basis, v: Decimal) -> String {
    match basis {
        Basis::Completion => format!("{}%", fixed2(v)),
        Basis::Actual => amount(v),
    }
}

impl IndicatorScore {
    /// One line: how this indicator's points and weighted share were computed.
    ///
    /// `Sales completion: 850,000 ÷ 1,000,000 = 85.00% → ratio method → 85.00 points × 50% = 42.50`
    pub fn explain(&self, lang: Lang) -> String {
        let mut s = format!("{}: ", self.name);
        let pts = points_word(lang);
        let zh = lang == Lang::Zh;
        let a = self.actual.map_or_else(|| "—".to_string(), amount);
        let t = self.target.map_or_else(|| "—".to_string(), amount);
        let completion = |s: &mut String| {
            if let Some(c) = self.completion {
                let _ = write!(s, "{a} ÷ {t} = {}%", fixed2(c));
            } else {
                s.push_str(&a);
            }
        };
        match self.detail {
            Detail::Ratio => {
                completion(&mut s);
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
                        s.push_str(&a);
                        s.push_str(if zh {
                            "（为零，取最高分）"
                        } else {
                            " (none at all: the best score)"
                        });
                    }
                    (LowerIsBetterForm::Linear, false, true) => {
                        s.push_str(&a);
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
                    completion(&mut s);
                } else {
                    s.push_str(&a);
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
                    completion(&mut s);
                } else {
                    s.push_str(&amount(value));
                }
                // Half-open [from, to); an open lower end is written (−∞.
                let from = band
                    .from
                    .map_or_else(|| "(−∞".into(), |f| format!("[{}", basis_value(basis, f)));
                let to = band
                    .to
                    .map_or_else(|| "∞".into(), |t| basis_value(basis, t));
                let _ = write!(
                    s,
                    " → {} {from}, {to})",
                    if zh {
                        "区间法：落在"
                    } else {
                        "step bands: in"
                    }
                );
            }
            Detail::PassFail { passed } => {
                s.push_str(&a);
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
                return s;
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
            s.push_str(&explain_progress(p, lang));
        }
        s
    }
}

fn explain_progress(p: &crate::progress::Progress, lang: Lang) -> String {
    let status = p
        .status
        .map(|st| if lang == Lang::Zh { st.zh() } else { st.en() });
    match (lang, p.pace, status, p.projected) {
        (Lang::En, Some(pace), Some(st), Some(proj)) => format!(
            "; to date: expected {}, pace {}% → {st}, projected {}",
            amount(p.expected),
            fixed2(pace),
            amount(proj)
        ),
        (Lang::Zh, Some(pace), Some(st), Some(proj)) => format!(
            "；进度：应完成 {}，进度比 {}% → {st}，预计期末 {}",
            amount(p.expected),
            fixed2(pace),
            amount(proj)
        ),
        (Lang::En, ..) => "; to date: no pace yet (nothing expected so far)".into(),
        (Lang::Zh, ..) => "；进度：尚无可比进度".into(),
    }
}

impl AdjustmentScore {
    /// One line: `Customer complaints: 1 × −2 = −2.00`.
    pub fn explain(&self, lang: Lang) -> String {
        let sign = if self.bonus { "+" } else { "−" };
        let mut s = format!(
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
        s
    }
}

fn signed(d: Decimal) -> String {
    if d.is_zero() {
        fixed2(Decimal::ZERO)
    } else if d.is_sign_negative() {
        format!("−{}", fixed2(d.abs()))
    } else {
        format!("+{}", fixed2(d))
    }
}

impl Scorecard {
    /// The whole scorecard, step by step, one line per number.
    pub fn explain(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mut s = String::new();
        let who = self.name.as_deref().unwrap_or(&self.record_id);
        let _ = writeln!(s, "{who} ({})", self.record_id);
        for sec in &self.sections {
            let _ = writeln!(s, "{} ({}):", sec.name, weight(sec.effective_weight));
            for ind in &sec.indicators {
                let _ = writeln!(s, "  {}", ind.explain(lang));
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
            let _ = writeln!(
                s,
                "{} {}",
                if zh { "加减分" } else { "Adjustment" },
                a.explain(lang)
            );
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
            let _ = write!(
                s,
                "{}",
                if zh {
                    format!("（原为 {g}）")
                } else {
                    format!(" (was {g})")
                }
            );
        }
        if let Some(p) = &self.progress {
            let st = p.status.map_or("—", |x| if zh { x.zh() } else { x.en() });
            let proj = p
                .projected_total
                .map_or_else(|| "—".to_string(), |t| t.to_string());
            let g = p.projected_grade.as_deref().unwrap_or("—");
            // The fraction is in [0, 1] on a scorecard; a hand-built one too large shows "—".
            let gone = p
                .fraction
                .checked_mul(Decimal::ONE_HUNDRED)
                .map_or_else(|| "—".to_string(), fixed2);
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
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_display() {
        assert_eq!(amount(Decimal::from(850_000)), "850,000");
        assert_eq!(fixed2(Decimal::from(85)), "85.00");
        assert_eq!(amount(Decimal::new(-12345675, 1)), "−1,234,567.5");
        assert_eq!(fixed2(Decimal::new(425, 1)), "42.50");
        assert_eq!(amount(Decimal::new(9, 1)), "0.9");
    }
}
