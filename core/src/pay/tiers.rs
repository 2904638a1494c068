//! Tier tables: the commission on a base, in each of the four modes, with the slices that
//! explain it.
//!
//! Rules (documented for users in `docs/pay.md`):
//! - tiers are half-open `[from, to)`, contiguous, the last one open-ended;
//! - a base below the first tier earns nothing, except a negative base (returns exceeding sales)
//!   when the first tier starts at 0: it is reversed at the first tier's rate;
//! - a fixed-amount tier pays its amount once the base reaches the tier's `from`;
//! - marginal: each slice `[from, min(base, to))` at its tier's rate, plus the amounts of every
//!   amount tier reached; retroactive and flat: the reached tier's rate on the whole base, or its
//!   amount; interpolated: the rate moves linearly across each tier from its rate to the next
//!   tier's, and applies to the whole base.

use super::spec::TierMode;
use crate::exact::Exact;
use rust_decimal::Decimal;
use serde::Serialize;

/// A compiled tier; `rate` is in percent.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tier {
    pub from: Decimal,
    pub to: Option<Decimal>,
    pub rate: Option<Decimal>,
    pub amount: Option<Decimal>,
}

/// A compiled tier table.
#[derive(Debug, Clone)]
pub(crate) struct TierTable {
    pub mode: TierMode,
    pub tiers: Vec<Tier>,
}

/// The part of the base priced in one tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "PaySlice")]
pub struct Slice {
    /// Tier's lower end.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub from: Decimal,
    /// Tier's upper end (`None`: open).
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    #[schemars(with = "Option<crate::number::DecimalTextSchema>")]
    pub to: Option<Decimal>,
    /// The part of the base priced here.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub base: Decimal,
    /// Rate in percent, for a rate tier (for interpolated mode: the interpolated rate).
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    #[schemars(with = "Option<crate::number::DecimalTextSchema>")]
    pub rate: Option<Decimal>,
    /// Fixed amount, for an amount tier.
    #[serde(serialize_with = "crate::number::serialize_opt_decimal")]
    #[schemars(with = "Option<crate::number::DecimalTextSchema>")]
    pub amount: Option<Decimal>,
    /// Commission from this slice.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    #[schemars(with = "crate::number::DecimalTextSchema")]
    pub commission: Decimal,
}

/// Arithmetic overflow while pricing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflow;

fn mul(a: &Exact, b: &Exact) -> Result<Exact, Overflow> {
    a.checked_mul(b).ok_or(Overflow)
}
fn add(a: &Exact, b: &Exact) -> Result<Exact, Overflow> {
    a.checked_add(b).ok_or(Overflow)
}
fn sub(a: &Exact, b: &Exact) -> Result<Exact, Overflow> {
    a.checked_sub(b).ok_or(Overflow)
}
fn percent(base: &Exact, rate: &Exact) -> Result<Exact, Overflow> {
    mul(base, rate)?
        .checked_div(&Exact::HUNDRED)
        .ok_or(Overflow)
}
fn exact(d: Decimal) -> Exact {
    Exact::Dec(d)
}

impl TierTable {
    fn reached(&self, base: &Exact) -> Option<usize> {
        self.tiers.iter().rposition(|t| *base >= t.from)
    }

    /// Commission on `base`, exactly (an interpolated rate such as 7.5 + 2.5 × 1/3 stays a
    /// fraction until the line is rounded); pushes the slices that make it up into `slices`.
    pub(crate) fn commission(
        &self,
        base: &Exact,
        slices: &mut Vec<Slice>,
    ) -> Result<Exact, Overflow> {
        let Some(first) = self.tiers.first() else {
            return Ok(Exact::ZERO);
        };
        let shown_base = base.to_decimal();
        if *base < first.from {
            // Returns beyond sales: reversed at the first tier's rate when tiers start at 0.
            if base.is_negative() && first.from.is_zero() {
                if let Some(rate) = first.rate {
                    let c = percent(base, &exact(rate))?;
                    slices.push(Slice {
                        from: first.from,
                        to: first.to,
                        base: shown_base,
                        rate: Some(rate),
                        amount: None,
                        commission: c.to_decimal(),
                    });
                    return Ok(c);
                }
            }
            return Ok(Exact::ZERO);
        }
        let Some(i) = self.reached(base) else {
            return Ok(Exact::ZERO);
        };
        let tier = self.tiers[i];
        match self.mode {
            TierMode::Flat | TierMode::Retroactive => {
                let c = match (tier.rate, tier.amount) {
                    (Some(r), _) => percent(base, &exact(r))?,
                    (None, Some(a)) => exact(a),
                    (None, None) => Exact::ZERO,
                };
                slices.push(Slice {
                    from: tier.from,
                    to: tier.to,
                    base: shown_base,
                    rate: tier.rate,
                    amount: tier.amount,
                    commission: c.to_decimal(),
                });
                Ok(c)
            }
            TierMode::Marginal => {
                let mut total = Exact::ZERO;
                for t in &self.tiers[..=i] {
                    let top = match t.to {
                        Some(to) if *base > to => exact(to),
                        _ => base.clone(),
                    };
                    let portion = sub(&top, &exact(t.from))?;
                    let c = match (t.rate, t.amount) {
                        (Some(r), _) => percent(&portion, &exact(r))?,
                        (None, Some(a)) => exact(a),
                        (None, None) => Exact::ZERO,
                    };
                    total = add(&total, &c)?;
                    slices.push(Slice {
                        from: t.from,
                        to: t.to,
                        base: portion.to_decimal(),
                        rate: t.rate,
                        amount: t.amount,
                        commission: c.to_decimal(),
                    });
                }
                Ok(total)
            }
            TierMode::Interpolated => {
                let r0 = exact(tier.rate.unwrap_or_default());
                let next = i.checked_add(1).and_then(|n| self.tiers.get(n));
                let rate = match (next.and_then(|n| n.rate), tier.to) {
                    (Some(r1), Some(to)) => {
                        let span = sub(&exact(to), &exact(tier.from))?;
                        let step = mul(&sub(base, &exact(tier.from))?, &sub(&exact(r1), &r0)?)?
                            .checked_div(&span)
                            .ok_or(Overflow)?;
                        add(&r0, &step)?
                    }
                    _ => r0,
                };
                let c = percent(base, &rate)?;
                slices.push(Slice {
                    from: tier.from,
                    to: tier.to,
                    base: shown_base,
                    rate: Some(rate.to_decimal()),
                    amount: None,
                    commission: c.to_decimal(),
                });
                Ok(c)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// The reference table: 10% to 100k, 7.5% to 200k, 5% to 400k, 3% to 600k, 1.5% to 1M, 1% above.
    fn reference(mode: TierMode) -> TierTable {
        let ends = [
            ("0", Some("100000"), "10"),
            ("100000", Some("200000"), "7.5"),
            ("200000", Some("400000"), "5"),
            ("400000", Some("600000"), "3"),
            ("600000", Some("1000000"), "1.5"),
            ("1000000", None, "1"),
        ];
        TierTable {
            mode,
            tiers: ends
                .iter()
                .map(|(f, t, r)| Tier {
                    from: d(f),
                    to: t.map(d),
                    rate: Some(d(r)),
                    amount: None,
                })
                .collect(),
        }
    }

    fn c(t: &TierTable, base: &str) -> Decimal {
        t.commission(&Exact::Dec(d(base)), &mut Vec::new())
            .unwrap()
            .to_decimal()
    }

    #[test]
    fn marginal_reference_numbers() {
        let t = reference(TierMode::Marginal);
        // 100,000 × 10% + 50,000 × 7.5% = 10,000 + 3,750 (the pay reference)
        assert_eq!(c(&t, "150000"), d("13750"));
        // 10,000 + 7,500 + 150,000 × 5% = 25,000
        assert_eq!(c(&t, "350000"), d("25000"));
        // 10,000 + 7,500 + 10,000 + 6,000 + 6,000 + 200,000 × 1% = 41,500
        assert_eq!(c(&t, "1200000"), d("41500"));
        let mut slices = Vec::new();
        t.commission(&Exact::Dec(d("150000")), &mut slices).unwrap();
        assert_eq!(slices.len(), 2);
        assert_eq!(slices[1].base, d("50000"));
    }

    #[test]
    fn retroactive_and_boundaries() {
        let t = reference(TierMode::Retroactive);
        // 150,000 reaches the 7.5% tier: 150,000 × 7.5% = 11,250.
        assert_eq!(c(&t, "150000"), d("11250"));
        // Exactly 100,000 is in the second tier (half-open): 7,500.
        assert_eq!(c(&t, "100000"), d("7500"));
        assert_eq!(c(&t, "99999.99"), d("9999.999"));
    }

    #[test]
    fn interpolated_rate() {
        let t = reference(TierMode::Interpolated);
        // 150,000: halfway through [100k, 200k), rate 7.5 → 5: 6.25% × 150,000 = 9,375.
        assert_eq!(c(&t, "150000"), d("9375"));
        // Above the last tier's start: its own 1%.
        assert_eq!(c(&t, "2000000"), d("20000"));
    }

    #[test]
    fn returns_reverse_at_the_first_rate() {
        let t = reference(TierMode::Marginal);
        assert_eq!(c(&t, "-5000"), d("-500"));
    }

    #[test]
    fn amount_tiers() {
        let t = TierTable {
            mode: TierMode::Marginal,
            tiers: vec![
                Tier {
                    from: d("0"),
                    to: Some(d("10")),
                    rate: None,
                    amount: Some(d("0")),
                },
                Tier {
                    from: d("10"),
                    to: Some(d("20")),
                    rate: None,
                    amount: Some(d("500")),
                },
                Tier {
                    from: d("20"),
                    to: None,
                    rate: None,
                    amount: Some(d("800")),
                },
            ],
        };
        // 25 deals: both bonus steps reached, 500 + 800.
        assert_eq!(c(&t, "25"), d("1300"));
        let retro = TierTable {
            mode: TierMode::Retroactive,
            ..t
        };
        assert_eq!(c(&retro, "25"), d("800"));
        assert_eq!(c(&retro, "10"), d("500"));
    }
}
