//! The batch kernel: a row's total, grade and veto in certified `f64`, following the engine's
//! order of operations step for step (evaluate each indicator; weights as written; adjustments;
//! the total's cap and floor; vetoes; round once; grade; a veto's grade cap).
//!
//! It answers only when every decision is certain (see `crate::certified` for the error rule of
//! each operation) and otherwise says `None`; the exact engine then scores the row. A missing
//! value, re-weighting, an error the engine would report, mid-period progress and pay are all
//! left to the engine, so the kernel's answer, when it gives one, is the engine's answer.

use crate::certified::Approx;
use crate::plan::{Plan, VetoAction};
use rust_decimal::Decimal;

/// What the kernel decided for one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decided {
    /// The total in units of `10^-scale`.
    pub units: i64,
    /// Index of the grade (after any veto's grade cap).
    pub grade: usize,
    /// The grade the total alone earned, when a veto capped it.
    pub grade_before_veto: Option<usize>,
    pub vetoed: bool,
}

/// The plan's weights as the kernel uses them: indicator weight × section weight ÷ 10,000, kept
/// as two factors so each step rounds as the engine's does.
pub(crate) struct Kernel {
    /// Per indicator: (indicator weight, section weight), as certified values.
    weights: Vec<(Approx, Approx)>,
}

impl Kernel {
    /// The kernel for `plan`, or `None` when the plan's weights are not used as written (a
    /// level that does not sum to exactly 100 leaves the weighting to the engine).
    pub(crate) fn new(plan: &Plan) -> Option<Kernel> {
        if !plan.weights_sum_to_100() {
            return None;
        }
        let mut weights = Vec::with_capacity(plan.indicators.len());
        for s in &plan.sections {
            let sw = Approx::from_decimal(s.weight)?;
            for ind in plan.indicators.get(s.indicators.clone())? {
                weights.push((Approx::from_decimal(ind.weight)?, sw));
            }
        }
        (weights.len() == plan.indicators.len()).then_some(Kernel { weights })
    }

    /// One row, its measures already in `env` (the plan's slots; `None` = missing).
    pub(crate) fn row(&self, plan: &Plan, env: &mut [Option<Approx>]) -> Option<Decided> {
        let hundred = Approx::exact(100.0);
        let mut weighted_total = Approx::exact(0.0);
        for (ind, (w, sw)) in plan.indicators.iter().zip(&self.weights) {
            let actual = ind.actual.approx(env)?;
            let target = match &ind.target {
                Some(t) => Some(t.approx(env)?),
                None => None,
            };
            // Completion only for a target certainly positive, as the engine defines it.
            let completion = match target {
                Some(t) if Approx::exact(0.0).lt(t)? => Some(actual.mul(hundred)?.div(t)?),
                _ => None,
            };
            for (i, v) in [Some(actual), target, completion].into_iter().enumerate() {
                if let Some(cell) = env.get_mut(plan.method_slot(i)) {
                    *cell = v;
                }
            }
            let score = ind.method.approx_score(actual, target, completion, env)?;
            // score × w ÷ 100 × section weight ÷ 100, in the engine's order.
            let weighted = score.mul(*w)?.div(hundred)?;
            let contribution = weighted.mul(*sw)?.div(hundred)?;
            weighted_total = weighted_total.add(contribution)?;
        }
        let mut adjustments = Approx::exact(0.0);
        for a in &plan.adjustments {
            let count = a.count.approx(env)?;
            // A negative count is a problem the engine reports.
            if count.lt(Approx::exact(0.0))? {
                return None;
            }
            let mut magnitude = count.mul(Approx::from_decimal(a.points_each)?)?;
            if let Some(m) = a.max {
                magnitude = magnitude.min(Approx::from_decimal(m)?);
            }
            let points = if a.bonus { magnitude } else { magnitude.neg() };
            adjustments = adjustments.add(points)?;
        }
        let mut zeroed = false;
        let mut vetoed = false;
        let mut grade_cap: Option<usize> = None;
        for v in &plan.vetoes {
            if v.when.approx_holds(env)? {
                vetoed = true;
                match v.action {
                    VetoAction::ZeroTotal => zeroed = true,
                    VetoAction::CapGrade(g) => grade_cap = Some(grade_cap.map_or(g, |c| c.min(g))),
                }
            }
        }
        let units = if zeroed {
            0
        } else {
            let mut total = weighted_total.add(adjustments)?;
            if let Some(c) = plan.total_cap {
                total = total.min(Approx::from_decimal(c)?);
            }
            if let Some(f) = plan.total_floor {
                total = total.max(Approx::from_decimal(f)?);
            }
            total.round_units(plan.mode, plan.scale)?
        };
        let rounded = Decimal::try_from_i128_with_scale(units.into(), plan.scale).ok()?;
        let natural = plan.grade_index(rounded);
        let capped = grade_cap.filter(|c| *c < natural);
        Some(Decided {
            units,
            grade: capped.unwrap_or(natural),
            grade_before_veto: capped.map(|_| natural),
            vetoed,
        })
    }
}
