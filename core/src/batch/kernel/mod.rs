//! The batch kernel: the plan compiled to a columnar program in certified `f64` (`lower`), run
//! over lanes of [`LANES`] rows at a time (`lanes`), each row's total, grade and veto settled at
//! the end. The rows the floats leave open run the same program in exact intervals of scaled
//! integers (`span`), [`SPAN_ROWS`] rows at a time, each operation over all of them; a row those
//! leave open (a tie reached through a quotient that does not terminate in their units, such as
//! ÷ 11) runs in exact fractions (`ratio`) only the operations whose span is not a single point,
//! since a point is the exact value already.
//!
//! Every value carries a bound on its distance from the exact value (see `crate::certified` for
//! the error rule of each operation); a decision that the bound leaves open makes the row's value
//! uncertain, and an uncertain row is not answered here: the exact engine scores it. A missing
//! value, re-weighting, an error the engine would report, mid-period progress and pay are all
//! left to the engine too, so the kernel's answer, when it gives one, is the engine's answer.
//!
//! The program is interpreted once per lane of rows, not once per row, and each operation is a
//! loop over the lane with no branches the compiler cannot turn into selects, so the loops
//! vectorise. On x86-64 they are compiled for SSE2, AVX2 and AVX-512 and the widest the machine
//! has is picked at run time (pulp's dispatch: the core stays free of `unsafe`); on wasm they use
//! SIMD128 when the module is built with `+simd128`. IEEE arithmetic without fused multiply-add
//! gives the same bits on every instruction set (checked in the tests below).

mod lanes;
mod lower;
mod ratio;
mod span;

use crate::certified::{Approx, Rescale};
use crate::plan::{Plan, VetoAction};
use crate::rounding::RoundingMode;
use rust_decimal::Decimal;

pub(crate) use lanes::{Lane, LANES};

/// Rows the second stage runs together, each operation once over all of them: enough to
/// amortise the dispatch, few enough that the registers (32 bytes a value) stay in cache.
pub(crate) const SPAN_ROWS: usize = 16;
use ratio::Ratio;
use span::Span;

/// What the kernel decided for one row (24 bytes, as is an `Option` of it: a batch keeps one per
/// row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decided {
    /// The total in units of `10^-scale`.
    pub units: i64,
    /// Index of the grade (after any veto's grade cap).
    pub grade: u32,
    /// The grade the total alone earned, when a veto capped it.
    pub grade_before_veto: Option<u32>,
    pub vetoed: bool,
}

const _: () = assert!(std::mem::size_of::<Option<Decided>>() == 24);

/// A grade's index as a [`Decided`] holds it (grade lists are far shorter than `u32::MAX`).
pub(crate) fn grade_index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// A plan compiled for batches.
pub(crate) struct Kernel {
    program: lower::Program,
    /// Each grade's band in total units (`from`, `to`), when every edge converts.
    grades: Option<Vec<(Option<i64>, Option<i64>)>>,
    /// The machine's vector instructions, detected once.
    arch: pulp::Arch,
}

/// A plan's kernel, compiled the first time a batch needs it and kept with the plan, so a plan
/// is compiled once however many batches it scores (about 0.14 ms for the bundled plan, more
/// than scoring 100 people takes). A clone of the plan starts without one.
#[derive(Default)]
pub(crate) struct KernelCell(std::sync::OnceLock<Option<Kernel>>);

impl KernelCell {
    /// The kernel of `plan` (the plan this cell belongs to), compiling it on first use.
    pub(crate) fn get(&self, plan: &Plan) -> Option<&Kernel> {
        self.0.get_or_init(|| Kernel::new(plan)).as_ref()
    }
}

impl Clone for KernelCell {
    fn clone(&self) -> KernelCell {
        KernelCell::default()
    }
}

impl std::fmt::Debug for KernelCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let compiled = self.0.get().is_some();
        f.debug_struct("KernelCell")
            .field("compiled", &compiled)
            .finish()
    }
}

/// One thread's registers: a lane per operation of the program. Constants are written once;
/// the measures' lanes (`0..measures`) are the caller's to fill for each lane of rows.
pub(crate) struct Workspace {
    lanes: Vec<Lane>,
    /// [`SPAN_ROWS`] rows' registers for the second stage (constants written once, like the
    /// lanes').
    spans: Vec<[Span; SPAN_ROWS]>,
    /// One row's registers for the third stage.
    ratios: Vec<Ratio>,
}

impl Workspace {
    /// The lanes of the measures, in the plan's slot order, to fill with a lane of rows.
    pub(crate) fn inputs(&mut self, measures: usize) -> &mut [Lane] {
        let n = measures.min(self.lanes.len());
        self.lanes.get_mut(..n).unwrap_or_default()
    }
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
            for ind in plan.indicators.get(s.indicators.clone())? {
                weights.push((ind.weight, s.weight));
            }
        }
        if weights.len() != plan.indicators.len() {
            return None;
        }
        let program = lower::program(plan, &weights);
        Some(Kernel {
            program,
            grades: grade_units(plan),
            arch: pulp::Arch::new(),
        })
    }

    /// The machine's vector instructions, for loading lanes.
    pub(crate) fn arch(&self) -> pulp::Arch {
        self.arch
    }

    /// Registers for one thread, constants filled in, every measure missing.
    pub(crate) fn workspace(&self) -> Workspace {
        let lanes = self
            .program
            .ops
            .iter()
            .map(|op| Lane::splat(self.constant(*op).map_or(Approx::UNSURE, |c| c.approx)))
            .collect();
        Workspace {
            lanes,
            spans: self
                .registers::<Span>()
                .into_iter()
                .map(|c| [c; SPAN_ROWS])
                .collect(),
            ratios: self.registers(),
        }
    }

    /// One row's registers in an exact domain, constants filled in, the rest uncertain.
    fn registers<V: Exact>(&self) -> Vec<V> {
        let constant = |op: &lower::Op| self.constant(*op).map_or(V::UNSURE, |c| V::of(&c));
        self.program.ops.iter().map(constant).collect()
    }

    fn constant(&self, op: lower::Op) -> Option<lower::Constant> {
        match op {
            lower::Op::Const(i) => self.program.consts.get(i).copied(),
            _ => None,
        }
    }

    /// Run the program on the lane of rows in `ws`' inputs and settle the first `rows` of them
    /// into `out` (`None`: the exact engine must score that row).
    pub(crate) fn run(
        &self,
        plan: &Plan,
        ws: &mut Workspace,
        rows: usize,
        out: &mut Vec<Option<Decided>>,
    ) {
        lanes::execute(self.arch, &self.program.ops, &mut ws.lanes);
        let rescale = Rescale::new(plan.scale, self.program.places);
        let (Some(total), Some(rescale)) = (ws.lanes.get(self.program.lane_total), rescale) else {
            out.extend(std::iter::repeat_n(None, rows.min(LANES)));
            return;
        };
        let mut units = [0i64; LANES];
        let sure = total.round_units(self.arch, plan.mode, rescale, &mut units);
        for (j, &u) in units.iter().enumerate().take(rows) {
            // A certain total that does not round certainly is still settled when a veto zeroes it.
            let decided = if total.get(j).is_sure() {
                let rounded = (sure >> j & 1 == 1).then_some(u);
                self.settle_lane(plan, &ws.lanes, rounded, j)
            } else {
                None
            };
            out.push(decided);
        }
    }

    /// The exact stages for up to [`SPAN_ROWS`] rows the lanes left uncertain: the program in
    /// exact spans over all of them, then in exact fractions for each row the spans leave open.
    /// `inputs` holds the rows one after another, each giving its measures' values as the engine
    /// reads them, by slot (`None`: missing, or read specially); each row's answer is pushed to
    /// `out` (`None`: the exact engine must score it).
    pub(crate) fn exact_rows(
        &self,
        plan: &Plan,
        ws: &mut Workspace,
        inputs: &[Option<Decimal>],
        measures: usize,
        out: &mut Vec<Option<Decided>>,
    ) {
        let rows = inputs.chunks(measures.max(1)).take(SPAN_ROWS);
        // The measures' registers come first, in slot order; constants are already in place.
        for (m, reg) in ws.spans.iter_mut().take(measures).enumerate() {
            let mut values = rows.clone().map(|row| row.get(m).copied().flatten());
            for v in reg.iter_mut() {
                *v = values
                    .next()
                    .flatten()
                    .map_or(Span::UNSURE, Span::from_decimal);
            }
        }
        for &(d, op) in &self.program.computed {
            let Some((src, rest)) = ws.spans.split_at_mut_checked(d) else {
                break;
            };
            if let Some(out) = rest.first_mut() {
                if op.apply_rows(src, out).is_none() {
                    *out = [Span::UNSURE; SPAN_ROWS];
                }
            }
        }
        for (j, row) in rows.enumerate() {
            let span = |r: usize| {
                ws.spans
                    .get(r)
                    .and_then(|l| l.get(j))
                    .copied()
                    .unwrap_or(Span::UNSURE)
            };
            let decided = self
                .decide(plan, span)
                .or_else(|| self.ratios_after_spans(plan, &span, &mut ws.ratios, row));
            out.push(decided);
        }
    }

    /// A row's answer from its registers in an exact domain (`reg` gives register `r`).
    fn decide<V: Exact>(&self, plan: &Plan, reg: impl Fn(usize) -> V) -> Option<Decided> {
        let truth = |r: usize| match reg(r) {
            t if t == V::TRUE => Some(true),
            t if t == V::FALSE => Some(false),
            _ => None,
        };
        let total = reg(self.program.total);
        if !total.is_sure() {
            return None;
        }
        self.settle(
            plan,
            self.program.vetoes.iter().map(|&(r, a)| (truth(r), a)),
            || total.round_units(plan.mode, plan.scale),
        )
    }

    /// The third stage after the second left the row open: only the operations whose span is
    /// not a single point (a quotient that did not terminate, and what depends on it) run in
    /// fractions; a point span is the exact value already, and becomes a fraction only where a
    /// fraction reads it.
    fn ratios_after_spans(
        &self,
        plan: &Plan,
        span: &impl Fn(usize) -> Span,
        ratios: &mut [Ratio],
        inputs: &[Option<Decimal>],
    ) -> Option<Decided> {
        for (reg, input) in ratios.iter_mut().zip(inputs) {
            *reg = input.map_or(Ratio::UNSURE, Ratio::from_decimal);
        }
        for &(d, op) in &self.program.computed {
            let v = if span(d).point().is_some() {
                Ratio::PENDING
            } else {
                op.apply(|r| Some(ratio_at(span, ratios, r)))
                    .unwrap_or(Ratio::UNSURE)
            };
            if let Some(reg) = ratios.get_mut(d) {
                *reg = v;
            }
        }
        self.decide(plan, |r| ratio_at(span, ratios, r))
    }

    /// Row `j` of the lanes, whose certain total rounds to `units` (`None`: not certainly): its
    /// vetoes and grade.
    fn settle_lane(
        &self,
        plan: &Plan,
        lanes: &[Lane],
        units: Option<i64>,
        j: usize,
    ) -> Option<Decided> {
        let truth = |r: usize| {
            let t = lanes.get(r)?.get(j);
            t.is_sure().then_some(t.v == 1.0)
        };
        self.settle(
            plan,
            self.program.vetoes.iter().map(|&(r, a)| (truth(r), a)),
            || units,
        )
    }

    /// The row's answer from its vetoes' truths and its rounded total (a certain total); `None`
    /// when any of them is uncertain.
    fn settle(
        &self,
        plan: &Plan,
        vetoes: impl Iterator<Item = (Option<bool>, VetoAction)>,
        round: impl FnOnce() -> Option<i64>,
    ) -> Option<Decided> {
        let (mut zeroed, mut vetoed) = (false, false);
        let mut grade_cap: Option<usize> = None;
        for (holds, action) in vetoes {
            if holds? {
                vetoed = true;
                match action {
                    VetoAction::ZeroTotal => zeroed = true,
                    VetoAction::CapGrade(g) => grade_cap = Some(grade_cap.map_or(g, |c| c.min(g))),
                }
            }
        }
        // The total is certain (the engine computes it even when a veto zeroes it).
        let units = if zeroed { 0 } else { round()? };
        let natural = match &self.grades {
            Some(bands) => bands
                .iter()
                .position(|&(from, to)| {
                    from.is_none_or(|f| units >= f) && to.is_none_or(|t| units < t)
                })
                .unwrap_or(0),
            None => {
                plan.grade_index(Decimal::try_from_i128_with_scale(units.into(), plan.scale).ok()?)
            }
        };
        let capped = grade_cap.filter(|c| *c < natural);
        Some(Decided {
            units,
            grade: grade_index(capped.unwrap_or(natural)),
            grade_before_veto: capped.map(|_| grade_index(natural)),
            vetoed,
        })
    }
}

/// A value domain of the exact stages.
trait Exact: lower::Value + PartialEq {
    const UNSURE: Self;
    const TRUE: Self;
    const FALSE: Self;
    /// The constant's value in this domain.
    fn of(c: &lower::Constant) -> Self;
    fn is_sure(self) -> bool;
    /// The value rounded to `places` as a count of `10^-places` units, when it is decided.
    fn round_units(self, mode: RoundingMode, places: u32) -> Option<i64>;
}

macro_rules! exact {
    ($t:ty, $field:ident) => {
        impl Exact for $t {
            const UNSURE: Self = <$t>::UNSURE;
            const TRUE: Self = <$t>::TRUE;
            const FALSE: Self = <$t>::FALSE;
            fn of(c: &lower::Constant) -> Self {
                c.$field
            }
            fn is_sure(self) -> bool {
                <$t>::is_sure(self)
            }
            fn round_units(self, mode: RoundingMode, places: u32) -> Option<i64> {
                <$t>::round_units(self, mode, places)
            }
        }
    };
}
exact!(Span, span);
exact!(Ratio, ratio);

/// Register `r` of the third stage: its fraction, or its span's point where the fraction was
/// left pending.
fn ratio_at(span: impl Fn(usize) -> Span, ratios: &[Ratio], r: usize) -> Ratio {
    match ratios.get(r) {
        Some(&x) if x == Ratio::PENDING => span(r)
            .point()
            .map_or(Ratio::UNSURE, Ratio::from_span_units),
        Some(&x) => x,
        None => Ratio::UNSURE,
    }
}

/// The grade bands in units of `10^-scale`: a rounded total `u` is at least `from` exactly when
/// `u ≥ ⌈from × 10^scale⌉`, and below `to` exactly when `u < ⌈to × 10^scale⌉`. `None` when an
/// edge does not convert (the grade is then found on decimals).
fn grade_units(plan: &Plan) -> Option<Vec<(Option<i64>, Option<i64>)>> {
    let edge = |d: Option<Decimal>| -> Option<Option<i64>> {
        match d {
            None => Some(None),
            Some(d) => {
                let scaled = d.checked_mul(Decimal::from(10i64.checked_pow(plan.scale)?))?;
                i64::try_from(scaled.ceil()).ok().map(Some)
            }
        }
    };
    plan.grades
        .iter()
        .map(|g| Some((edge(g.from)?, edge(g.to)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lanes of every register after one run on `arch` (`None`: the scalar loops with
    /// constants held in registers, as AVX-512 runs them), as bits (NaN as one pattern).
    fn run_on(
        kernel: &Kernel,
        arch: Option<pulp::Arch>,
        inputs: &[Vec<Approx>],
    ) -> Vec<(u64, u64)> {
        let mut ws = kernel.workspace();
        for (lane, values) in ws.inputs(inputs.len()).iter_mut().zip(inputs) {
            lane.fill(values.iter().copied());
        }
        match arch {
            Some(arch) => lanes::execute(arch, &kernel.program.ops, &mut ws.lanes),
            None => lanes::execute_broadcast(&kernel.program.ops, &mut ws.lanes),
        }
        let bits = |x: f64| if x.is_nan() { u64::MAX } else { x.to_bits() };
        ws.lanes
            .iter()
            .flat_map(|l| (0..LANES).map(move |j| l.get(j)))
            .map(|a| (bits(a.v), bits(a.e)))
            .collect()
    }

    #[test]
    fn a_plan_is_compiled_for_batches_once_and_a_clone_compiles_its_own() {
        use crate::batch::{Column, Threads};
        let plan = Plan::from_json(crate::templates::DEMO_PLAN_JSON).unwrap();
        assert!(plan.kernel.0.get().is_none(), "compiled before any batch");
        let names: Vec<&str> = plan.measures().iter().map(|m| &*m.id).collect();
        let values = vec![3.0; 3]; // a rating on the 1–5 scale, and positive targets
        let columns: Vec<Column<'_>> = names.iter().map(|_| Column::f64(&values)).collect();
        let ids = ["E1", "E2", "E3"];
        let first = plan.totals(&ids, &names, &columns, Threads::Auto).unwrap();
        let kernel = plan.kernel.get(&plan).map(std::ptr::from_ref);
        assert!(kernel.is_some());
        let again = plan.totals(&ids, &names, &columns, Threads::Auto).unwrap();
        assert_eq!(
            plan.kernel.get(&plan).map(std::ptr::from_ref),
            kernel,
            "compiled again"
        );
        assert_eq!(first.units, again.units);
        let clone = plan.clone();
        assert!(clone.kernel.0.get().is_none());
        assert_eq!(
            clone
                .totals(&ids, &names, &columns, Threads::Auto)
                .unwrap()
                .units,
            first.units
        );
    }

    #[test]
    fn only_checks_the_total_can_be_certain_without_are_guarded() {
        // The engine computes every indicator's actual, target and completion, used or not, so
        // the program guards the total with each of them — except where the total cannot be
        // certain without it anyway. On the bundled plan that leaves one guard: the completion
        // of `contracts_signed` (contracts × 100 ÷ 4, computed as contracts × 25), whose formula
        // scores the actual and the target, never the completion. Every other check is read, on
        // every branch, by the total.
        let plan = Plan::from_json(crate::templates::DEMO_PLAN_JSON).unwrap();
        let kernel = Kernel::new(&plan).unwrap();
        let ops = &kernel.program.ops;
        let guards: Vec<lower::Op> = ops
            .iter()
            .copied()
            .filter(|op| matches!(op, lower::Op::Guard(..)))
            .collect();
        assert_eq!(guards.len(), 1, "{guards:?}");
        let lower::Op::Guard(_, checked) = guards[0] else {
            unreachable!()
        };
        let contracts = plan.measure_slot("contracts").unwrap();
        let lower::Op::Mul(m, factor) = ops[checked] else {
            panic!("{:?}", ops[checked])
        };
        assert_eq!(m, contracts);
        let lower::Op::Const(c) = ops[factor] else {
            panic!("{:?}", ops[factor])
        };
        assert_eq!(kernel.program.consts[c].approx.v, 25.0);
        // Divisions by constants whose factor is a short decimal are products now (× 100 ÷ 4,
        // ÷ 4 × 90, × 20 ÷ 20, × 10 ÷ 5, …); five remain: two completions against a measure, a
        // ratio of two measures, × 100 ÷ 30 (10/3 does not terminate), and the total from the
        // lanes' units: the weights are 0.35 × 0.7 = 0.245 and the like, whole numbers of
        // thousandths, so the lanes hold the total in thousandths and the exact stages divide.
        let divisions = ops
            .iter()
            .filter(|op| matches!(op, lower::Op::Div(..)))
            .count();
        assert_eq!(divisions, 5);
        assert_eq!(kernel.program.places, 3);
        let lower::Op::Div(lane_total, thousand) = ops[kernel.program.total] else {
            panic!("{:?}", ops[kernel.program.total])
        };
        assert_eq!(lane_total, kernel.program.lane_total);
        let lower::Op::Const(c) = ops[thousand] else {
            panic!("{:?}", ops[thousand])
        };
        assert_eq!(kernel.program.consts[c].approx.v, 1000.0);
        // Only what the total and the vetoes read is left: every computed register is read.
        let mut read = vec![false; ops.len()];
        for op in ops {
            for r in op.operands() {
                read[r] = true;
            }
        }
        read[kernel.program.total] = true;
        for (r, _) in &kernel.program.vetoes {
            read[*r] = true;
        }
        for &(d, _) in &kernel.program.computed {
            assert!(read[d], "register {d} is computed and never read");
        }
    }

    #[test]
    fn every_instruction_set_computes_the_same_bits() {
        // The lane loops are compiled once per instruction set (pulp's dispatch); IEEE
        // arithmetic gives the same bits on each (fused multiply-adds only test exactness, with
        // the same answers as the scalar build's TwoProduct), which this checks
        // on the bundled plan with measures of every kind: round numbers, cents, zero, values
        // on band edges, ratings, and missing values.
        let plan = Plan::from_json(crate::templates::DEMO_PLAN_JSON).unwrap();
        let kernel = Kernel::new(&plan).unwrap();
        let measures = plan.measures().len();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            seed >> 33
        };
        let picks = [
            0.0, 100.0, 80.0, 120.0, 138_200.0, 140_000.0, 0.35, 3.0, 1e-9,
        ];
        let inputs: Vec<Vec<Approx>> = (0..measures)
            .map(|_| {
                (0..LANES)
                    .map(|_| match next() % 200 {
                        0 => Approx::UNSURE,
                        1..70 => Approx::from_host(picks[(next() % 9) as usize]),
                        70..110 => Approx::from_host((next() % 2_000_000) as f64 / 100.0),
                        _ => Approx::from_host((next() % 6) as f64),
                    })
                    .collect()
            })
            .collect();
        let scalar = run_on(&kernel, Some(pulp::Arch::Scalar), &inputs);
        let best = run_on(&kernel, Some(pulp::Arch::new()), &inputs);
        assert_eq!(scalar.len(), kernel.program.ops.len() * LANES);
        assert!(
            scalar == best,
            "the dispatched lanes differ from the scalar build's"
        );
        // Constants held in registers (AVX-512's loops) give the same bits, on any machine.
        let broadcast = run_on(&kernel, None, &inputs);
        assert!(
            scalar == broadcast,
            "constants in registers differ from constants in lanes"
        );
        // Not vacuous: some rows settle and some do not.
        let total = kernel.program.total * LANES;
        let settled = (0..LANES)
            .filter(|j| scalar[total + j].0 != u64::MAX)
            .count();
        assert!(
            settled > 0 && settled < LANES,
            "{settled} of {LANES} settled"
        );
    }
}
