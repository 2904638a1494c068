//! Largest remainder (Hamilton): an exact amount split by weights to a fixed number of places.
//!
//! Each part's exact share is pool × weight ÷ Σ weights; everyone first gets their share
//! truncated to the minor unit; the units left over go one each to the largest remainders. Ties
//! are broken deterministically: larger remainder first, then larger weight, then earlier
//! position in the input. The parts always sum to the pool, each is within one minor unit of its
//! exact share, and a zero weight always gets zero.
//!
//! Pay splits bonus pools with it, analytics splits targets and forced-distribution quotas; both
//! sit above this module, so neither imports the other for it.

use crate::error::{kinds, Error, Loc, Problem};
use crate::exact::Exact;
use rust_decimal::Decimal;
use serde::Serialize;
use std::sync::Arc;

/// One person's part of a pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolShare {
    /// Who.
    pub id: Arc<str>,
    /// Their weight.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub weight: Decimal,
    /// pool × weight ÷ Σ weights, before rounding to the minor unit.
    #[serde(serialize_with = "crate::number::serialize_decimal")]
    pub exact: Decimal,
    /// The amount paid, in the currency's minor unit.
    pub amount: Decimal,
    /// Whether this person received one of the left-over minor units.
    pub got_remainder_unit: bool,
}

/// Largest number of minor-unit places a currency may have here.
pub(crate) const MAX_MINOR_UNITS: u32 = 8;

fn input_error(
    at: &str,
    kind: &'static str,
    en: impl Into<String>,
    zh: impl Into<String>,
) -> Error {
    Error::Input(vec![Problem::new(Loc::root().key(at), kind, en).zh(zh)])
}

fn overflow(at: &str) -> Error {
    input_error(
        at,
        kinds::ARITHMETIC_OVERFLOW,
        "arithmetic overflow",
        "算术溢出：数值过大，无法精确计算",
    )
}

/// Split `pool` by `weights` to `minor_units` decimal places by the largest-remainder method;
/// see the module docs.
pub fn split_pool(
    pool: Decimal,
    minor_units: u32,
    weights: &[(Arc<str>, Decimal)],
) -> crate::Result<Vec<PoolShare>> {
    if minor_units > MAX_MINOR_UNITS {
        return Err(input_error(
            "minor_units",
            kinds::OUT_OF_RANGE,
            format!("at most {MAX_MINOR_UNITS} decimal places"),
            format!("最多 {MAX_MINOR_UNITS} 位小数"),
        ));
    }
    if weights.is_empty() {
        return Err(input_error(
            "weights",
            kinds::EMPTY_LIST,
            "nobody to share the pool among",
            "没有可以分配奖金池的人",
        ));
    }
    if pool <= Decimal::ZERO {
        return Err(input_error(
            "pool",
            kinds::OUT_OF_RANGE,
            format!("the pool must be positive, got {pool}"),
            format!("奖金池必须为正数，实际为 {pool}"),
        ));
    }
    if pool.normalize().scale() > minor_units {
        return Err(input_error(
            "pool",
            kinds::TOO_PRECISE,
            format!("{pool} is not a whole number of minor units ({minor_units} decimal places)"),
            format!("{pool} 不是最小货币单位的整数倍（{minor_units} 位小数）"),
        ));
    }
    let mut problems = Vec::new();
    let mut total_weight = Decimal::ZERO;
    for (i, (id, w)) in weights.iter().enumerate() {
        if *w < Decimal::ZERO {
            problems.push(
                Problem::new(
                    Loc::root().key("weights").index(i),
                    kinds::NEGATIVE,
                    format!("weight is negative ({w})"),
                )
                .zh(format!("权重为负数（{w}）"))
                .with_id(&**id),
            );
        }
        match total_weight.checked_add(*w) {
            Some(t) => total_weight = t,
            None => problems.push(
                Problem::new(
                    Loc::root().key("weights"),
                    kinds::ARITHMETIC_OVERFLOW,
                    "arithmetic overflow",
                )
                .zh("算术溢出：数值过大，无法精确计算"),
            ),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    if total_weight.is_zero() {
        return Err(input_error(
            "weights",
            kinds::NOTHING_TO_WEIGH,
            "every weight is zero: nothing to split by",
            "所有权重都为零：无法据此分配",
        ));
    }
    let unit_scale = Decimal::from_i128_with_scale(10i128.pow(minor_units), 0);
    let overflow = || overflow("pool");
    let pool_units = pool.checked_mul(unit_scale).ok_or_else(overflow)?;

    let mut shares = Vec::with_capacity(weights.len());
    let mut floors = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut handed_out = Decimal::ZERO;
    for (id, w) in weights {
        // Exact shares: remainders are compared exactly, so a tie is a real tie.
        let exact_units = Exact::Dec(pool_units)
            .checked_mul(&Exact::Dec(*w))
            .and_then(|x| x.checked_div(&Exact::Dec(total_weight)))
            .ok_or_else(overflow)?;
        let floor = exact_units.trunc();
        let whole = floor.to_decimal();
        handed_out = handed_out.checked_add(whole).ok_or_else(overflow)?;
        floors.push(whole);
        remainders.push(exact_units.checked_sub(&floor).ok_or_else(overflow)?);
        let exact = Exact::Dec(pool)
            .checked_mul(&Exact::Dec(*w))
            .and_then(|x| x.checked_div(&Exact::Dec(total_weight)))
            .ok_or_else(overflow)?;
        shares.push((id.clone(), *w, exact.to_decimal()));
    }
    // Units left: Σ remainders, a whole number below the number of people.
    let mut left = pool_units.checked_sub(handed_out).ok_or_else(overflow)?;
    let mut order: Vec<usize> = (0..weights.len())
        .filter(|&i| !shares[i].1.is_zero())
        .collect();
    order.sort_by(|&a, &b| {
        remainders[b]
            .cmp(&remainders[a])
            .then(shares[b].1.cmp(&shares[a].1))
            .then(a.cmp(&b))
    });
    let mut extra = vec![false; weights.len()];
    // One unit each in that order (exactly Σ remainders units are left, fewer than the people;
    // the loop still stops if that ever did not hold).
    'outer: while left >= Decimal::ONE {
        for &i in &order {
            if left < Decimal::ONE {
                break 'outer;
            }
            floors[i] = floors[i].checked_add(Decimal::ONE).ok_or_else(overflow)?;
            extra[i] = true;
            left = left.checked_sub(Decimal::ONE).ok_or_else(overflow)?;
        }
        if order.is_empty() {
            break;
        }
    }
    shares
        .into_iter()
        .zip(floors)
        .zip(extra)
        .map(|(((id, weight, exact), units), got)| {
            // unit_scale is 10^minor_units ≥ 1, so this only moves the decimal point.
            let mut amount = units.checked_div(unit_scale).ok_or_else(overflow)?;
            amount.rescale(minor_units);
            Ok(PoolShare {
                id,
                weight,
                exact,
                amount,
                got_remainder_unit: got,
            })
        })
        .collect()
}

/// The canonical JSON of a split: an array of shares.
pub fn shares_to_canonical_json(shares: &[PoolShare]) -> String {
    serde_json::to_string(shares).unwrap_or_else(|_| String::from("[]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }
    fn w(list: &[(&str, &str)]) -> Vec<(Arc<str>, Decimal)> {
        list.iter().map(|(i, x)| (Arc::from(*i), d(x))).collect()
    }

    #[test]
    fn thirds_to_the_cent() {
        // 100.00 in three equal parts: 33.33 each and one cent left, to the first by position.
        let s = split_pool(d("100"), 2, &w(&[("a", "1"), ("b", "1"), ("c", "1")])).unwrap();
        let amounts: Vec<String> = s.iter().map(|x| x.amount.to_string()).collect();
        assert_eq!(amounts, ["33.34", "33.33", "33.33"]);
    }

    #[test]
    fn largest_remainder_then_weight() {
        // 10 split 1 : 2 : 0 in yuan (0 places): exact 3.33…, 6.66…, 0 → 3, 6 and the left unit goes to
        // the larger remainder (b).
        let s = split_pool(d("10"), 0, &w(&[("a", "1"), ("b", "2"), ("z", "0")])).unwrap();
        let amounts: Vec<String> = s.iter().map(|x| x.amount.to_string()).collect();
        assert_eq!(amounts, ["3", "7", "0"]);
    }

    #[test]
    fn errors() {
        assert!(split_pool(d("10"), 2, &[]).is_err());
        assert!(split_pool(d("10"), 2, &w(&[("a", "0")])).is_err());
        assert!(split_pool(d("0"), 2, &w(&[("a", "1")])).is_err());
        assert!(split_pool(d("10.001"), 2, &w(&[("a", "1")])).is_err());
        assert!(split_pool(d("10"), 2, &w(&[("a", "-1"), ("b", "2")])).is_err());
    }
}
