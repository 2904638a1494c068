//! Rounding policy: the plan names the scale and the mode; the engine rounds once, where the plan says.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// How a value is rounded to the plan's scale.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// 四舍五入: halves go away from zero (2.345 → 2.35, −2.345 → −2.35). The default.
    #[default]
    HalfUp,
    /// Banker's rounding: halves go to the even neighbour (2.345 → 2.34, 2.355 → 2.36).
    HalfEven,
    /// Truncate toward zero (2.349 → 2.34).
    Down,
}

impl RoundingMode {
    /// The matching `rust_decimal` strategy.
    pub fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
        }
    }

    /// Round `value` to `scale` decimal places and keep exactly that many places (`74.4` → `74.40`).
    pub fn round(self, value: Decimal, scale: u32) -> Decimal {
        let mut rounded = value.round_dp_with_strategy(scale, self.strategy());
        // `round_dp` never adds places; rescale pads with zeros so the result shows the plan's scale.
        rounded.rescale(scale);
        // −0.001 rounds to zero: show it as 0.00, never −0.00.
        if rounded.is_zero() {
            rounded.set_sign_positive(true);
        }
        rounded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn modes_differ_only_on_halves() {
        // Hand-checked: 2.345 is exactly halfway between 2.34 and 2.35.
        assert_eq!(
            RoundingMode::HalfUp.round(d("2.345"), 2).to_string(),
            "2.35"
        );
        assert_eq!(
            RoundingMode::HalfEven.round(d("2.345"), 2).to_string(),
            "2.34"
        );
        assert_eq!(
            RoundingMode::HalfEven.round(d("2.355"), 2).to_string(),
            "2.36"
        );
        assert_eq!(RoundingMode::Down.round(d("2.349"), 2).to_string(), "2.34");
        assert_eq!(
            RoundingMode::HalfUp.round(d("-2.345"), 2).to_string(),
            "-2.35"
        );
    }

    #[test]
    fn pads_to_scale() {
        assert_eq!(
            RoundingMode::HalfUp.round(d("74.4"), 2).to_string(),
            "74.40"
        );
        assert_eq!(RoundingMode::HalfUp.round(d("0"), 2).to_string(), "0.00");
        assert_eq!(
            RoundingMode::HalfUp.round(d("-0.001"), 2).to_string(),
            "0.00"
        );
    }
}
