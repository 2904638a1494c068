//! The pay plan file format: performance pay (绩效工资) and commissions (提成), read from JSON
//! and compiled against a scoring [`crate::Plan`] (formulas see its measures).

use crate::number::Num;
use crate::plan::spec::ValueSpec;
use crate::rounding::RoundingMode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a person's pay is computed from their scorecard and numbers.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayPlanSpec {
    /// Identifier, e.g. `sales-pay-2026`.
    pub id: String,
    /// The currency and its minor units.
    pub currency: CurrencySpec,
    /// Rounding mode for each payable line (half_up 四舍五入 by default).
    #[serde(default)]
    pub rounding: RoundingMode,
    /// Performance pay from the grade or score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_pay: Option<PerformancePaySpec>,
    /// Commission lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commissions: Vec<CommissionSpec>,
}

/// A currency: ISO code and the number of decimal places of its minor unit.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrencySpec {
    /// ISO 4217 code, e.g. `CNY`, `JPY`.
    pub code: String,
    /// Decimal places of the minor unit; known codes default (CNY/USD/EUR 2, JPY/KRW 0, KWD/BHD 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minor_units: Option<u32>,
}

/// Performance pay: base × coefficient × proration.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerformancePaySpec {
    /// Display name, e.g. "Performance pay 绩效工资".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The base amount: a number, or a measure/formula for per-person bases.
    pub base: ValueSpec,
    /// Where the coefficient comes from.
    pub coefficient: CoefficientSpec,
    /// Lowest coefficient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<Num>,
    /// Highest coefficient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Num>,
    /// Part of a period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proration: Option<ProrationSpec>,
}

/// The performance-pay coefficient: from the grade, or from the total score.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoefficientSpec {
    /// Grade → coefficient, e.g. `{"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.8, "D": 0}`; every grade of the plan must be listed.
    ByGrade(BTreeMap<String, Num>),
    /// Piecewise-linear in the rounded total: points ascending in `at`; flat beyond the ends.
    ByScore(Vec<CoefficientPoint>),
}

/// A point of the score → coefficient curve.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoefficientPoint {
    /// Total score.
    pub at: Num,
    /// Coefficient at that score.
    pub coefficient: Num,
}

/// Proration for part of a period.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ProrationSpec {
    /// days employed ÷ days in the period.
    Days {
        /// Days employed in the period (measure, formula or number).
        employed: ValueSpec,
        /// Days in the period.
        in_period: ValueSpec,
    },
    /// A given factor from 0 to 1 (measure, formula or number).
    Factor(ValueSpec),
}

/// How a tier table turns a base into commission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TierMode {
    /// One rate on the whole base (a single tier).
    Flat,
    /// 全额累进: the rate of the tier reached applies to the whole base.
    Retroactive,
    /// 超额累进: each slice of the base at its own tier's rate.
    Marginal,
    /// The rate moves linearly from each tier's rate to the next tier's across the tier; the
    /// resulting rate applies to the whole base.
    Interpolated,
}

/// A half-open tier `[from, to)` with a percentage rate or a fixed amount.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierSpec {
    /// Inclusive lower end (the first tier usually starts at 0).
    pub from: Num,
    /// Exclusive upper end; absent for the last tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Num>,
    /// Rate in percent (7.5 means 7.5%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Num>,
    /// A fixed amount paid for reaching this tier (instead of a rate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Num>,
}

/// Below a given attainment, nothing or a reduced commission.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GateSpec {
    /// Attainment, usually in percent: a measure or formula, e.g. `revenue / revenue_target * 100`.
    pub attainment: ValueSpec,
    /// The gate: attainment below this reduces the commission.
    pub min: Num,
    /// Factor applied below the gate (default 0: nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<Num>,
}

/// A multiplier driven by another indicator, e.g. collection rate below 80% → × 0.8.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MultiplierSpec {
    /// The driving value: a measure or formula, e.g. `collected / invoiced`.
    pub driver: ValueSpec,
    /// Half-open bands of the driver and their factors, contiguous, covering every value.
    pub bands: Vec<MultiplierBand>,
}

/// A band `[from, to)` of a multiplier table.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MultiplierBand {
    /// Inclusive lower end; absent for the first band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Num>,
    /// Exclusive upper end; absent for the last band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Num>,
    /// The factor.
    pub factor: Num,
}

/// Period-to-date pricing: where the person already stands and what was already paid.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToDateSpec {
    /// Base already booked earlier in the period (measure or formula).
    pub prior_base: ValueSpec,
    /// Commission already paid on it (measure or formula).
    pub paid: ValueSpec,
}

/// One commission line.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommissionSpec {
    /// Identifier, unique in the pay plan.
    pub id: String,
    /// Display name, e.g. "Sales commission 销售提成".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The commission base: revenue, gross margin or cash collected (a measure or formula).
    pub base: ValueSpec,
    /// flat, retroactive, marginal or interpolated.
    pub mode: TierMode,
    /// Half-open tiers, contiguous, the last one open-ended.
    pub tiers: Vec<TierSpec>,
    /// Optional attainment gate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<GateSpec>,
    /// Optional multiplier table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<MultiplierSpec>,
    /// Most commission this line pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Num>,
    /// Period-to-date pricing and true-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_date: Option<ToDateSpec>,
}
