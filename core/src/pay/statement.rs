//! Pay statements: each payable line with its base, rate or coefficient, tier slices, proration
//! and rounding, explained in English and Simplified Chinese.

use super::spec::TierMode;
use super::tiers::Slice;
use crate::explain::{amount, Lang};
use crate::method::Bound;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::fmt::Write;
use std::sync::Arc;

use crate::number::{serialize_decimal as dec, serialize_opt_decimal as opt_dec};

fn money<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    crate::number::serialize_decimal_text(crate::number::DecimalText::new(d).as_str(), s)
}

/// One person's pay.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PayStatement {
    /// The pay plan.
    pub pay_plan_id: Arc<str>,
    /// The person's record id.
    pub record_id: String,
    /// The person's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// Currency code.
    pub currency: Arc<str>,
    /// Payable lines, each rounded once.
    pub lines: Vec<PayLine>,
    /// Sum of the rounded lines, in minor units.
    #[serde(serialize_with = "money")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub total: Decimal,
}

/// A payable line.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PayLine {
    /// `performance_pay` or the commission id.
    pub id: Arc<str>,
    /// Display name.
    pub name: Arc<str>,
    /// The base amount (performance-pay base, or the commission base this period).
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub base: Decimal,
    /// Exact amount before rounding.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub unrounded: Decimal,
    /// Amount paid, rounded once to the minor unit.
    #[serde(serialize_with = "money")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub amount: Decimal,
    /// How it was computed.
    pub detail: LineDetail,
}

/// Where a performance-pay coefficient came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoefficientSource {
    /// The grade table.
    Grade,
    /// The score curve.
    Score,
}

/// The attainment gate of a commission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct GateOutcome {
    /// Attainment found.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub attainment: Decimal,
    /// The gate.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub min: Decimal,
    /// Factor below the gate.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub factor: Decimal,
    /// Whether the attainment was below the gate.
    pub applied: bool,
}

/// The multiplier of a commission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MultiplierOutcome {
    /// The driving value (e.g. collection rate).
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub driver: Decimal,
    /// The factor its band gives.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub factor: Decimal,
}

/// Period-to-date pricing of a commission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ToDateOutcome {
    /// Base booked earlier in the period.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub prior_base: Decimal,
    /// Prior + this period's base: where the tiers were read.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub cumulative_base: Decimal,
    /// Commission due on the cumulative base.
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub due: Decimal,
    /// Already paid; the line pays due − paid (a true-up).
    #[serde(serialize_with = "dec")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub paid: Decimal,
}

/// How a line was computed.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[schemars(rename = "PayLineDetail")]
pub enum LineDetail {
    /// base × coefficient × proration.
    PerformancePay {
        /// The scorecard's grade.
        grade: Arc<str>,
        /// The scorecard's rounded total.
        #[serde(serialize_with = "money")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        score: Decimal,
        /// Grade table or score curve.
        source: CoefficientSource,
        /// Coefficient before floor/cap.
        #[serde(serialize_with = "dec")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        raw_coefficient: Decimal,
        /// Coefficient used.
        #[serde(serialize_with = "dec")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        coefficient: Decimal,
        /// Which bound applied.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schemars(with = "Bound")]
        bound: Option<Bound>,
        /// Proration factor, if any.
        #[serde(serialize_with = "opt_dec", skip_serializing_if = "Option::is_none")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        proration: Option<Decimal>,
    },
    /// Tiered commission.
    Commission {
        /// Tier mode.
        mode: TierMode,
        /// Slices of the (cumulative) base and their commission.
        slices: Vec<Slice>,
        /// Commission from the tiers alone.
        #[serde(serialize_with = "dec")]
        #[schemars(with = "crate::number::DecimalTextSchema")]
        tiers_commission: Decimal,
        /// Attainment gate.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schemars(with = "GateOutcome")]
        gate: Option<GateOutcome>,
        /// Multiplier.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schemars(with = "MultiplierOutcome")]
        multiplier: Option<MultiplierOutcome>,
        /// The cap applied.
        capped: bool,
        /// Period-to-date pricing.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schemars(with = "ToDateOutcome")]
        to_date: Option<ToDateOutcome>,
    },
}

fn pct(rate: Decimal) -> String {
    format!("{}%", amount(rate))
}

impl PayLine {
    /// Step-by-step explanation of this line.
    pub fn explain(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mut s = format!("{}: ", self.name);
        match &self.detail {
            LineDetail::PerformancePay {
                grade,
                score,
                source,
                raw_coefficient,
                coefficient,
                bound,
                proration,
            } => {
                let from = match (source, zh) {
                    (CoefficientSource::Grade, false) => {
                        format!("grade {grade} → coefficient {}", amount(*raw_coefficient))
                    }
                    (CoefficientSource::Grade, true) => {
                        format!("等级 {grade} → 系数 {}", amount(*raw_coefficient))
                    }
                    (CoefficientSource::Score, false) => {
                        format!("score {score} → coefficient {}", amount(*raw_coefficient))
                    }
                    (CoefficientSource::Score, true) => {
                        format!("得分 {score} → 系数 {}", amount(*raw_coefficient))
                    }
                };
                s.push_str(&from);
                match (bound, zh) {
                    (Some(Bound::Cap), false) => {
                        let _ = write!(s, " (capped at {})", amount(*coefficient));
                    }
                    (Some(Bound::Cap), true) => {
                        let _ = write!(s, "（封顶 {}）", amount(*coefficient));
                    }
                    (Some(Bound::Floor), false) => {
                        let _ = write!(s, " (raised to the floor {})", amount(*coefficient));
                    }
                    (Some(Bound::Floor), true) => {
                        let _ = write!(s, "（保底 {}）", amount(*coefficient));
                    }
                    (None, _) => {}
                }
                let sep = if zh { "；" } else { "; " };
                let _ = write!(s, "{sep}{} × {}", amount(self.base), amount(*coefficient));
                if let Some(p) = proration {
                    let _ = write!(
                        s,
                        " × {}{}",
                        amount(*p),
                        if zh {
                            "（按在岗天数折算）"
                        } else {
                            " (proration)"
                        }
                    );
                }
            }
            LineDetail::Commission {
                mode,
                slices,
                tiers_commission,
                gate,
                multiplier,
                capped,
                to_date,
            } => {
                let mode_name = match (mode, zh) {
                    (TierMode::Flat, false) => "flat rate",
                    (TierMode::Retroactive, false) => "retroactive tiers",
                    (TierMode::Marginal, false) => "marginal tiers",
                    (TierMode::Interpolated, false) => "interpolated tiers",
                    (TierMode::Flat, true) => "固定比例",
                    (TierMode::Retroactive, true) => "全额累进",
                    (TierMode::Marginal, true) => "超额累进",
                    (TierMode::Interpolated, true) => "插值累进",
                };
                if let Some(t) = to_date {
                    if zh {
                        let _ = write!(
                            s,
                            "累计基数 {} + {} = {}；",
                            amount(t.prior_base),
                            amount(self.base),
                            amount(t.cumulative_base)
                        );
                    } else {
                        let _ = write!(
                            s,
                            "cumulative base {} + {} = {}; ",
                            amount(t.prior_base),
                            amount(self.base),
                            amount(t.cumulative_base)
                        );
                    }
                } else {
                    let _ = write!(
                        s,
                        "{} {}; ",
                        if zh { "基数" } else { "base" },
                        amount(self.base)
                    );
                }
                s.push_str(mode_name);
                let parts: Vec<String> = slices
                    .iter()
                    .map(|x| match (x.rate, x.amount) {
                        (Some(r), _) => {
                            format!("{} × {} = {}", amount(x.base), pct(r), amount(x.commission))
                        }
                        (None, Some(a)) => format!(
                            "{} {}",
                            if zh { "达档奖励" } else { "tier amount" },
                            amount(a)
                        ),
                        _ => String::new(),
                    })
                    .collect();
                match parts.as_slice() {
                    [] => {}
                    [one] => {
                        let _ = write!(s, ": {one}");
                    }
                    many => {
                        let _ = write!(s, ": {} = {}", many.join(" + "), amount(*tiers_commission));
                    }
                }
                if let Some(g) = gate {
                    if g.applied {
                        if zh {
                            let _ = write!(
                                s,
                                "；达成率 {} 低于门槛 {} → × {}",
                                amount(g.attainment),
                                amount(g.min),
                                amount(g.factor)
                            );
                        } else {
                            let _ = write!(
                                s,
                                "; attainment {} below the gate {} → × {}",
                                amount(g.attainment),
                                amount(g.min),
                                amount(g.factor)
                            );
                        }
                    }
                }
                if let Some(m) = multiplier {
                    if zh {
                        let _ = write!(s, "；系数表 {} → × {}", amount(m.driver), amount(m.factor));
                    } else {
                        let _ = write!(
                            s,
                            "; multiplier for {} → × {}",
                            amount(m.driver),
                            amount(m.factor)
                        );
                    }
                }
                if *capped {
                    s.push_str(if zh { "；封顶" } else { "; capped" });
                }
                if let Some(t) = to_date {
                    if zh {
                        let _ = write!(s, "；应付 {} − 已付 {}", amount(t.due), amount(t.paid));
                    } else {
                        let _ = write!(
                            s,
                            "; due {} − already paid {}",
                            amount(t.due),
                            amount(t.paid)
                        );
                    }
                }
            }
        }
        // A commission with nothing after its tiers already ends in "= <amount>": don't repeat it.
        let plain_commission = matches!(
            &self.detail,
            LineDetail::Commission { slices, gate, multiplier, capped: false, to_date: None, .. }
                if !slices.is_empty() && gate.is_none_or(|g| !g.applied) && multiplier.is_none()
        );
        if plain_commission {
            let _ = write!(s, " → {}", self.amount);
        } else {
            let _ = write!(s, " = {} → {}", amount(self.unrounded), self.amount);
        }
        s
    }
}

impl PayStatement {
    /// The whole statement, one line per payable line, then the total.
    pub fn explain(&self, lang: Lang) -> String {
        let mut s = String::new();
        let who = self.name.as_deref().unwrap_or(&self.record_id);
        let _ = writeln!(s, "{who} ({})", self.record_id);
        for l in &self.lines {
            let _ = writeln!(s, "  {}", l.explain(lang));
        }
        let _ = write!(
            s,
            "{} {} {}",
            if lang == Lang::Zh { "合计" } else { "Total" },
            self.total,
            self.currency
        );
        s
    }

    /// The canonical JSON every binding returns byte for byte.
    pub fn to_canonical_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}
