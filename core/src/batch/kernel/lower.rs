//! The plan compiled to a straight-line program over lanes, in the engine's order of operations:
//! each indicator's actual, target and completion, its method, its weighting (score × weight ×
//! section weight ÷ 10,000, exactly what the engine's two steps give), the adjustments, the total's cap and floor, and each veto's
//! condition.
//!
//! Every branch of the engine (a band, a curve segment, a formula's `if`, `and`, `or`) becomes a
//! [`Op::Select`] on a truth: the lane takes the branch its exact value takes, or becomes
//! uncertain when the truth is uncertain — so a branch the engine never evaluates never decides
//! anything here either. The program is in SSA form (operation `i` writes register `i`, its
//! operands come before it), identical operations are shared, and operations on constants are
//! done once here.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::ratio::Ratio;
use super::span::Span;
use crate::certified::Approx;
use crate::formula::{Arith, Compare, Node};
use crate::method::Method;
use crate::plan::spec::{Basis, LowerIsBetterForm};
use crate::plan::{Plan, VetoAction};
use crate::rounding::RoundingMode;

/// A register: the index of the operation that writes it.
pub(super) type Reg = usize;

/// One operation of the program; each writes one lane of values (see `crate::certified` for the
/// error rule of each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Op {
    /// A measure's value, loaded from the batch's columns (uncertain when missing).
    Input,
    /// A constant: an index into [`Program::consts`].
    Const(usize),
    Add(Reg, Reg),
    Sub(Reg, Reg),
    Mul(Reg, Reg),
    Div(Reg, Reg),
    Min(Reg, Reg),
    Max(Reg, Reg),
    Neg(Reg),
    Abs(Reg),
    Round(Reg, u32, RoundingMode),
    /// Truths (1, 0, uncertain) of comparisons.
    Lt(Reg, Reg),
    Le(Reg, Reg),
    Eq(Reg, Reg),
    /// Truths of `x < y` and `x ≤ y` where `x = a ÷ b` and `y = c ÷ d` (`[a, b, c, d]`): the
    /// exact stages compare `x` and `y`; so do the lanes, and where the bounds leave a row open
    /// they compare the products `a × d` and `c × b`, which decide exactly when they are exact
    /// (a collection rate of exactly 0.95 against the band edge 0.95, which no float holds).
    QuotientLt(Reg, Reg, [Reg; 4]),
    QuotientLe(Reg, Reg, [Reg; 4]),
    Not(Reg),
    /// `then` where the truth is 1, `otherwise` where it is 0.
    Select(Reg, Reg, Reg),
    /// The first value where the second is certain, else uncertain: a value the engine computes
    /// (and may fail on) whether or not the total uses it.
    Guard(Reg, Reg),
}

/// The operations of a value domain: certified floats (the lanes), exact spans (the second
/// stage) and exact fractions (the third), so one program runs in each and constants fold in
/// all three.
pub(super) trait Value: Copy {
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn div(self, o: Self) -> Self;
    fn min(self, o: Self) -> Self;
    fn max(self, o: Self) -> Self;
    fn neg(self) -> Self;
    fn abs(self) -> Self;
    fn round(self, mode: RoundingMode, places: u32) -> Self;
    fn lt(self, o: Self) -> Self;
    fn le(self, o: Self) -> Self;
    fn eq(self, o: Self) -> Self;
    fn not(self) -> Self;
    fn select(self, then: Self, otherwise: Self) -> Self;
    fn guard(self, o: Self) -> Self;
}

macro_rules! value {
    ($t:ty) => {
        impl Value for $t {
            fn add(self, o: Self) -> Self {
                <$t>::add(self, o)
            }
            fn sub(self, o: Self) -> Self {
                <$t>::sub(self, o)
            }
            fn mul(self, o: Self) -> Self {
                <$t>::mul(self, o)
            }
            fn div(self, o: Self) -> Self {
                <$t>::div(self, o)
            }
            fn min(self, o: Self) -> Self {
                <$t>::min(self, o)
            }
            fn max(self, o: Self) -> Self {
                <$t>::max(self, o)
            }
            fn neg(self) -> Self {
                <$t>::neg(self)
            }
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            fn round(self, mode: RoundingMode, places: u32) -> Self {
                <$t>::round(self, mode, places)
            }
            fn lt(self, o: Self) -> Self {
                <$t>::lt(self, o)
            }
            fn le(self, o: Self) -> Self {
                <$t>::le(self, o)
            }
            fn eq(self, o: Self) -> Self {
                <$t>::eq(self, o)
            }
            fn not(self) -> Self {
                <$t>::not(self)
            }
            fn select(self, then: Self, otherwise: Self) -> Self {
                <$t>::select(self, then, otherwise)
            }
            fn guard(self, o: Self) -> Self {
                <$t>::guard(self, o)
            }
        }
    };
}
value!(Approx);
value!(Span);
value!(Ratio);

impl Op {
    /// The registers the operation reads.
    pub(super) fn operands(self) -> impl Iterator<Item = Reg> {
        let (a, b, c, q) = match self {
            Op::Input | Op::Const(_) => (None, None, None, None),
            Op::Neg(a) | Op::Abs(a) | Op::Not(a) | Op::Round(a, ..) => (Some(a), None, None, None),
            Op::Select(t, a, b) => (Some(t), Some(a), Some(b), None),
            Op::QuotientLt(x, y, q) | Op::QuotientLe(x, y, q) => (Some(x), Some(y), None, Some(q)),
            Op::Add(a, b)
            | Op::Sub(a, b)
            | Op::Mul(a, b)
            | Op::Div(a, b)
            | Op::Min(a, b)
            | Op::Max(a, b)
            | Op::Lt(a, b)
            | Op::Le(a, b)
            | Op::Eq(a, b)
            | Op::Guard(a, b) => (Some(a), Some(b), None, None),
        };
        [a, b, c]
            .into_iter()
            .flatten()
            .chain(q.into_iter().flatten())
    }

    /// The operation reading register `at(r)` for each register `r` it reads.
    fn renumbered(self, at: impl Fn(Reg) -> Reg) -> Op {
        match self {
            Op::Input | Op::Const(_) => self,
            Op::Add(a, b) => Op::Add(at(a), at(b)),
            Op::Sub(a, b) => Op::Sub(at(a), at(b)),
            Op::Mul(a, b) => Op::Mul(at(a), at(b)),
            Op::Div(a, b) => Op::Div(at(a), at(b)),
            Op::Min(a, b) => Op::Min(at(a), at(b)),
            Op::Max(a, b) => Op::Max(at(a), at(b)),
            Op::Lt(a, b) => Op::Lt(at(a), at(b)),
            Op::Le(a, b) => Op::Le(at(a), at(b)),
            Op::Eq(a, b) => Op::Eq(at(a), at(b)),
            Op::QuotientLt(x, y, q) => Op::QuotientLt(at(x), at(y), q.map(at)),
            Op::QuotientLe(x, y, q) => Op::QuotientLe(at(x), at(y), q.map(at)),
            Op::Guard(a, b) => Op::Guard(at(a), at(b)),
            Op::Neg(a) => Op::Neg(at(a)),
            Op::Abs(a) => Op::Abs(at(a)),
            Op::Not(a) => Op::Not(at(a)),
            Op::Round(a, places, mode) => Op::Round(at(a), places, mode),
            Op::Select(t, a, b) => Op::Select(at(t), at(a), at(b)),
        }
    }

    /// The operation on values `get` gives for its operands (`None` for inputs and constants,
    /// which are not computed, and for an operand `get` does not have).
    pub(super) fn apply<V: Value>(self, get: impl Fn(Reg) -> Option<V>) -> Option<V> {
        Some(match self {
            Op::Input | Op::Const(_) => return None,
            Op::Add(a, b) => get(a)?.add(get(b)?),
            Op::Sub(a, b) => get(a)?.sub(get(b)?),
            Op::Mul(a, b) => get(a)?.mul(get(b)?),
            Op::Div(a, b) => get(a)?.div(get(b)?),
            Op::Min(a, b) => get(a)?.min(get(b)?),
            Op::Max(a, b) => get(a)?.max(get(b)?),
            Op::Neg(a) => get(a)?.neg(),
            Op::Abs(a) => get(a)?.abs(),
            Op::Round(a, places, mode) => get(a)?.round(mode, places),
            Op::Lt(a, b) => get(a)?.lt(get(b)?),
            Op::Le(a, b) => get(a)?.le(get(b)?),
            Op::Eq(a, b) => get(a)?.eq(get(b)?),
            Op::QuotientLt(x, y, _) => get(x)?.lt(get(y)?),
            Op::QuotientLe(x, y, _) => get(x)?.le(get(y)?),
            Op::Not(a) => get(a)?.not(),
            Op::Select(t, then, otherwise) => get(t)?.select(get(then)?, get(otherwise)?),
            Op::Guard(a, b) => get(a)?.guard(get(b)?),
        })
    }
}

impl Op {
    /// The operation on each of `R` rows at once (register `r` of row `j` is `regs[r][j]`),
    /// written into `out`: one dispatch per operation, not per row. `None` for inputs and
    /// constants, and for an operand `regs` does not have.
    pub(super) fn apply_rows<V: Value, const R: usize>(
        self,
        regs: &[[V; R]],
        out: &mut [V; R],
    ) -> Option<()> {
        let reg = |r: Reg| regs.get(r);
        let unary = |a: Reg, out: &mut [V; R], f: fn(V) -> V| {
            for (o, &x) in out.iter_mut().zip(reg(a)?) {
                *o = f(x);
            }
            Some(())
        };
        let binary = |a: Reg, b: Reg, out: &mut [V; R], f: fn(V, V) -> V| {
            for (o, (&x, &y)) in out.iter_mut().zip(reg(a)?.iter().zip(reg(b)?)) {
                *o = f(x, y);
            }
            Some(())
        };
        match self {
            Op::Input | Op::Const(_) => None,
            Op::Add(a, b) => binary(a, b, out, V::add),
            Op::Sub(a, b) => binary(a, b, out, V::sub),
            Op::Mul(a, b) => binary(a, b, out, V::mul),
            Op::Div(a, b) => binary(a, b, out, V::div),
            Op::Min(a, b) => binary(a, b, out, V::min),
            Op::Max(a, b) => binary(a, b, out, V::max),
            Op::Lt(a, b) | Op::QuotientLt(a, b, _) => binary(a, b, out, V::lt),
            Op::Le(a, b) | Op::QuotientLe(a, b, _) => binary(a, b, out, V::le),
            Op::Eq(a, b) => binary(a, b, out, V::eq),
            Op::Guard(a, b) => binary(a, b, out, V::guard),
            Op::Neg(a) => unary(a, out, V::neg),
            Op::Abs(a) => unary(a, out, V::abs),
            Op::Not(a) => unary(a, out, V::not),
            Op::Round(a, places, mode) => {
                for (o, &x) in out.iter_mut().zip(reg(a)?) {
                    *o = x.round(mode, places);
                }
                Some(())
            }
            Op::Select(t, then, otherwise) => {
                let rows = reg(t)?.iter().zip(reg(then)?.iter().zip(reg(otherwise)?));
                for (o, (&t, (&x, &y))) in out.iter_mut().zip(rows) {
                    *o = t.select(x, y);
                }
                Some(())
            }
        }
    }
}

/// A constant in every domain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Constant {
    pub(super) approx: Approx,
    pub(super) span: Span,
    pub(super) ratio: Ratio,
}

impl Constant {
    const UNSURE: Constant = Constant {
        approx: Approx::UNSURE,
        span: Span::UNSURE,
        ratio: Ratio::UNSURE,
    };

    fn key(self) -> (u64, u64, Span, Ratio) {
        (
            self.approx.v.to_bits(),
            self.approx.e.to_bits(),
            self.span,
            self.ratio,
        )
    }

    /// Whether the constant is a known truth (either exact domain's decision is the exact one).
    fn truth(self) -> Option<bool> {
        let yes = self.approx.v == 1.0 || self.span == Span::TRUE || self.ratio == Ratio::TRUE;
        let no = self.approx.v == 0.0 || self.span == Span::FALSE || self.ratio == Ratio::FALSE;
        match (yes, no) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

/// The compiled program and where its answers are.
pub(super) struct Program {
    pub(super) ops: Vec<Op>,
    /// The operations that compute (neither an input nor a constant), with their registers: what
    /// a row's exact stages run.
    pub(super) computed: Vec<(Reg, Op)>,
    pub(super) consts: Vec<Constant>,
    /// The total before rounding.
    pub(super) total: Reg,
    /// The same total in units of `10^-places` (where every weight is a whole number, so an
    /// exact total is an exact float more often), which the lanes round; the exact stages round
    /// `total`.
    pub(super) lane_total: Reg,
    pub(super) places: u32,
    /// Each veto's condition and action.
    pub(super) vetoes: Vec<(Reg, VetoAction)>,
}

/// Compile `plan`; the measures' registers are `0..plan.measures().len()`, in slot order.
pub(super) fn program(plan: &Plan, weights: &[(Decimal, Decimal)]) -> Program {
    let measures = plan.measures().len();
    let mut b = Builder {
        ops: Vec::new(),
        consts: Vec::new(),
        seen: HashMap::new(),
        seen_consts: HashMap::new(),
        env: Vec::with_capacity(plan.env_len()),
    };
    for _ in 0..measures {
        let r = b.ops.len();
        b.ops.push(Op::Input);
        b.env.push(r);
    }
    let unsure = b.unsure();
    b.env.resize(plan.env_len(), unsure);
    let zero = b.number(0);

    let shares: Vec<Option<Decimal>> = weights.iter().map(|(w, sw)| exact_share(*w, *sw)).collect();
    let (places, unit) = total_units(&shares, plan);
    let in_units = |d: Decimal| d.checked_mul(unit);
    let mut total = zero;
    let mut checks = Vec::new();
    for (ind, share) in plan.indicators.iter().zip(&shares) {
        let actual = b.formula(ind.actual.tree());
        let target = ind.target.as_ref().map(|t| b.formula(t.tree()));
        // Completion only for a target certainly positive, as the engine defines it.
        let hundred = b.number(100);
        let completion = target.map(|t| {
            let positive = b.op(Op::Lt(zero, t));
            let scaled = b.op(Op::Mul(actual, hundred));
            let q = b.op(Op::Div(scaled, t));
            b.op(Op::Select(positive, q, unsure))
        });
        // The engine computes the actual, the target and the completion (for a positive target)
        // of every indicator, used or not: the row is settled only where they are all certain.
        checks.push(actual);
        checks.extend(target);
        if let (Some(t), Some(c)) = (target, completion) {
            let positive = b.op(Op::Lt(zero, t));
            checks.push(b.op(Op::Select(positive, c, zero)));
        }
        for (i, r) in [Some(actual), target, completion].into_iter().enumerate() {
            if let Some(cell) = b.env.get_mut(plan.method_slot(i)) {
                *cell = r.unwrap_or(unsure);
            }
        }
        let score = b.method(&ind.method, actual, target, completion);
        // score × w ÷ 100 × section weight ÷ 100 is, exactly, score × (w × section weight ÷
        // 10,000): the engine's value is exact, so one product by the combined weight bounds it
        // (in the total's units: a whole number).
        let share = match share.and_then(in_units) {
            Some(x) => b.decimal(x),
            None => unsure,
        };
        let contribution = b.op(Op::Mul(score, share));
        total = b.op(Op::Add(total, contribution));
    }
    let mut adjustments = zero;
    for a in &plan.adjustments {
        let count = b.formula(a.count.tree());
        // A negative count is a problem the engine reports.
        let negative = b.op(Op::Lt(count, zero));
        let each = b.decimal(a.points_each);
        let mut magnitude = b.op(Op::Mul(count, each));
        if let Some(m) = a.max {
            let m = b.decimal(m);
            magnitude = b.op(Op::Min(magnitude, m));
        }
        let points = if a.bonus {
            magnitude
        } else {
            b.op(Op::Neg(magnitude))
        };
        let points = b.op(Op::Select(negative, unsure, points));
        adjustments = b.op(Op::Add(adjustments, points));
    }
    let mut vetoes = Vec::with_capacity(plan.vetoes.len());
    for v in &plan.vetoes {
        vetoes.push((b.condition(v.when.tree()), v.action));
    }
    let unit_reg = b.decimal(unit);
    let adjustments = b.op(Op::Mul(adjustments, unit_reg));
    total = b.op(Op::Add(total, adjustments));
    let bound = |b: &mut Builder, d: Option<Decimal>| {
        d.map(|d| match in_units(d) {
            Some(d) => b.decimal(d),
            None => b.unsure(),
        })
    };
    if let Some(c) = bound(&mut b, plan.total_cap) {
        total = b.op(Op::Min(total, c));
    }
    if let Some(f) = bound(&mut b, plan.total_floor) {
        total = b.op(Op::Max(total, f));
    }
    // A check the total cannot be certain without needs no guard (found for programs of up to
    // `STRICT_LIMIT` operations, so the analysis stays small; a larger one keeps every guard).
    let needs = if b.ops.len() <= STRICT_LIMIT {
        strict(&b.ops, &b.consts)
    } else {
        Vec::new()
    };
    let covered = needs
        .get(total)
        .map(|needed| covered(&b.ops, &b.consts, needed))
        .unwrap_or_default();
    for c in checks {
        if !covered.get(c).is_some_and(|c| *c) {
            total = b.op(Op::Guard(total, c));
        }
    }
    let lane_total = total;
    let total = b.op(Op::Div(lane_total, unit_reg));
    live_only(
        b.ops,
        b.consts,
        measures,
        Totals {
            total,
            lane_total,
            places,
        },
        vetoes,
    )
}

/// The units the lanes hold the total in: `10^-places` for the fewest places (at least the
/// rounding's) that make every weight a whole number, up to 9 (a weight of more places keeps the
/// plain units, as does a cap or floor that does not convert).
fn total_units(shares: &[Option<Decimal>], plan: &Plan) -> (u32, Decimal) {
    const MOST: u32 = 9;
    let places = shares
        .iter()
        .flatten()
        .map(|s| s.normalize().scale())
        .fold(plan.scale, u32::max);
    let unit = (places <= MOST)
        .then(|| Decimal::try_from_i128_with_scale(10i128.pow(places), 0).ok())
        .flatten();
    let converts =
        |d: Option<Decimal>| d.is_none_or(|d| unit.is_some_and(|u| d.checked_mul(u).is_some()));
    match unit {
        Some(u) if converts(plan.total_cap) && converts(plan.total_floor) => (places, u),
        _ => (0, Decimal::ONE),
    }
}

/// Where a program's total is.
struct Totals {
    total: Reg,
    lane_total: Reg,
    places: u32,
}

/// The largest program whose guards are pruned: the analysis keeps a set of registers for each
/// register (2 MiB at this size; the bundled plan has about 200 operations).
const STRICT_LIMIT: usize = 4096;

/// A set of registers, as bits.
#[derive(Clone)]
struct Regs(Vec<u64>);

impl Regs {
    fn none(n: usize) -> Regs {
        Regs(vec![0; n.div_ceil(64)])
    }

    fn all(n: usize) -> Regs {
        Regs(vec![u64::MAX; n.div_ceil(64)])
    }

    fn has(&self, r: Reg) -> bool {
        self.0.get(r / 64).is_some_and(|w| w >> (r % 64) & 1 == 1)
    }

    fn add(&mut self, r: Reg) {
        if let Some(w) = self.0.get_mut(r / 64) {
            *w |= 1 << (r % 64);
        }
    }

    fn union(mut self, o: &Regs) -> Regs {
        self.0.iter_mut().zip(&o.0).for_each(|(a, b)| *a |= b);
        self
    }

    fn intersection(mut self, o: &Regs) -> Regs {
        self.0.iter_mut().zip(&o.0).for_each(|(a, b)| *a &= b);
        self
    }
}

/// For each register, the registers it is certainly uncertain without: in every domain an
/// operation is uncertain when an operand is, except that a select is uncertain only when its
/// truth or the branch it takes is — so a select needs what its truth needs and what both its
/// branches need (a branch that is the uncertain constant needs everything).
fn strict(ops: &[Op], consts: &[Constant]) -> Vec<Regs> {
    let n = ops.len();
    let mut needs: Vec<Regs> = Vec::with_capacity(n);
    for (d, op) in ops.iter().enumerate() {
        let of = |r: Reg| needs.get(r).cloned().unwrap_or_else(|| Regs::none(n));
        let mut set = match *op {
            Op::Const(i) => match consts.get(i) {
                Some(c) if !c.approx.is_sure() && !c.span.is_sure() && !c.ratio.is_sure() => {
                    Regs::all(n)
                }
                _ => Regs::none(n),
            },
            Op::Select(t, a, b) => of(t).union(&of(a).intersection(&of(b))),
            _ => op
                .operands()
                .fold(Regs::none(n), |set, r| set.union(&of(r))),
        };
        set.add(d);
        needs.push(set);
    }
    needs
}

/// For each register, whether it can be uncertain only when one of `needed` is: it is one of
/// them, a certain constant, or a select or guard whose operands are all covered (neither can be
/// uncertain on its own; any other operation can, so it must be needed itself). One pass, as
/// operands come before the operations that read them.
fn covered(ops: &[Op], consts: &[Constant], needed: &Regs) -> Vec<bool> {
    let mut covered: Vec<bool> = Vec::with_capacity(ops.len());
    for (r, op) in ops.iter().enumerate() {
        let all = |regs: &[Reg]| regs.iter().all(|&x| covered.get(x).is_some_and(|c| *c));
        let c = needed.has(r)
            || match *op {
                Op::Const(i) => consts
                    .get(i)
                    .is_some_and(|c| c.approx.is_sure() && c.span.is_sure() && c.ratio.is_sure()),
                Op::Select(t, a, b) => all(&[t, a, b]),
                Op::Guard(a, b) => all(&[a, b]),
                _ => false,
            };
        covered.push(c);
    }
    covered
}

/// The program with only the operations the total and the vetoes read (the measures' inputs
/// stay, in slot order), renumbered in order.
fn live_only(
    ops: Vec<Op>,
    consts: Vec<Constant>,
    measures: usize,
    totals: Totals,
    vetoes: Vec<(Reg, VetoAction)>,
) -> Program {
    let mut live = vec![false; ops.len()];
    let answers = [totals.total, totals.lane_total];
    for r in answers.into_iter().chain(vetoes.iter().map(|v| v.0)) {
        if let Some(l) = live.get_mut(r) {
            *l = true;
        }
    }
    for (d, op) in ops.iter().enumerate().rev() {
        if d < measures || live.get(d).is_some_and(|l| *l) {
            for r in op.operands() {
                if let Some(l) = live.get_mut(r) {
                    *l = true;
                }
            }
        }
    }
    let mut new_reg: Vec<Reg> = Vec::with_capacity(ops.len());
    let mut kept = Vec::with_capacity(ops.len());
    for (d, op) in ops.into_iter().enumerate() {
        new_reg.push(kept.len());
        if d < measures || live.get(d).is_some_and(|l| *l) {
            kept.push(op.renumbered(|r| new_reg.get(r).copied().unwrap_or(r)));
        }
    }
    let at = |r: Reg| new_reg.get(r).copied().unwrap_or(r);
    let computed = kept
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Input | Op::Const(_)))
        .map(|(r, op)| (r, *op))
        .collect();
    Program {
        computed,
        ops: kept,
        consts,
        total: at(totals.total),
        lane_total: at(totals.lane_total),
        places: totals.places,
        vetoes: vetoes.into_iter().map(|(r, a)| (at(r), a)).collect(),
    }
}

/// `w × sw ÷ 10,000` exactly, or `None` where a decimal cannot hold it (a decimal product would
/// round past 28 places, and a rounded weight would move totals: 49.999…9 % is not 50 %).
fn exact_share(w: Decimal, sw: Decimal) -> Option<Decimal> {
    let mantissa = w.mantissa().checked_mul(sw.mantissa())?;
    let scale = w.scale().checked_add(sw.scale())?.checked_add(4)?;
    Decimal::try_from_i128_with_scale(mantissa, scale).ok()
}

struct Builder {
    ops: Vec<Op>,
    consts: Vec<Constant>,
    /// Each operation and constant already in the program, to share it.
    seen: HashMap<Op, Reg>,
    seen_consts: HashMap<(u64, u64, Span, Ratio), Reg>,
    /// The register of each slot of the formula environment (measures, then the current
    /// indicator's actual, target and completion).
    env: Vec<Reg>,
}

impl Builder {
    /// The register holding `op`'s result: an existing one, a folded constant, or a new one.
    fn op(&mut self, op: Op) -> Reg {
        let op = self.rewrite(op);
        if let Some(r) = self.identity(op) {
            return r;
        }
        if let Some(c) = self.fold(op) {
            return self.constant(c);
        }
        if let Some(&r) = self.seen.get(&op) {
            return r;
        }
        let r = self.ops.len();
        self.ops.push(op);
        self.seen.insert(op, r);
        r
    }

    fn constant(&mut self, c: Constant) -> Reg {
        if let Some(&r) = self.seen_consts.get(&c.key()) {
            return r;
        }
        let r = self.ops.len();
        self.ops.push(Op::Const(self.consts.len()));
        self.consts.push(c);
        self.seen_consts.insert(c.key(), r);
        r
    }

    fn unsure(&mut self) -> Reg {
        self.constant(Constant::UNSURE)
    }

    fn number(&mut self, v: i64) -> Reg {
        self.decimal(Decimal::from(v))
    }

    fn decimal(&mut self, d: Decimal) -> Reg {
        self.constant(Constant {
            approx: Approx::from_constant(d),
            span: Span::from_decimal(d),
            ratio: Ratio::from_decimal(d),
        })
    }

    /// The constant `c` of register `r`, if it holds one.
    fn constant_of(&self, r: Reg) -> Option<Constant> {
        match self.ops.get(r)? {
            Op::Const(i) => self.consts.get(*i).copied(),
            _ => None,
        }
    }

    /// The register an operation equals without computing anything: the branch a known truth
    /// picks, and `x + 0`, `x − 0`, `x × 1`, `x ÷ 1` (exact in both domains, and uncertain
    /// exactly where `x` is).
    fn identity(&self, op: Op) -> Option<Reg> {
        let is = |r: Reg, v: f64| {
            self.constant_of(r)
                .is_some_and(|c| c.approx.v == v && c.approx.e == 0.0)
        };
        match op {
            Op::Select(t, then, otherwise) => match self.constant_of(t)?.truth()? {
                true => Some(then),
                false => Some(otherwise),
            },
            Op::Add(a, b) if is(a, 0.0) => Some(b),
            Op::Add(a, b) | Op::Sub(a, b) if is(b, 0.0) => Some(a),
            Op::Mul(a, b) if is(a, 1.0) => Some(b),
            Op::Mul(a, b) | Op::Div(a, b) if is(b, 1.0) => Some(a),
            // A constant that is certain guards nothing.
            Op::Guard(a, b) if self.constant_of(b).is_some_and(|c| c.approx.is_sure()) => Some(a),
            _ => None,
        }
    }

    /// `op` in fewer operations where rational arithmetic allows it: `(x × a) ÷ b` and
    /// `(x ÷ b) × a` are `x × (a ÷ b)` when that quotient of constants is a short decimal (a band
    /// that scores `(x − 100) × 20 ÷ 20` or a completion `x × 100 ÷ 4`), and `c + (x − c)`,
    /// `(x − c) + c`, `(x + c) − c` are `x`. The engine's arithmetic is exact, so each form has
    /// the same value; what a rewrite could lose is an overflow the engine reports for the step
    /// it removes, so it applies only to constants that keep that step far inside the engine's
    /// range for every value the kernel settles (below 2⁸⁰): `|a| ≤ 10⁴` multiplied,
    /// `|b| ≥ 10⁻⁴` divided by, `|c| ≤ 10²⁴` added.
    fn rewrite(&mut self, op: Op) -> Op {
        let size = |b: &Builder, r: Reg| {
            b.constant_of(r)
                .filter(|c| c.approx.is_sure() && c.span.point().is_some())
                .map(|c| c.approx.v.abs())
        };
        let small = |b: &Builder, r: Reg| size(b, r).is_some_and(|m| m <= 1e4);
        let divisor = |b: &Builder, r: Reg| size(b, r).is_some_and(|m| m >= 1e-4);
        let addend = |b: &Builder, r: Reg| size(b, r).is_some_and(|m| m <= 1e24);
        let inner = |b: &Builder, r: Reg| b.ops.get(r).copied();
        match op {
            Op::Div(m, d) if divisor(self, d) => match inner(self, m) {
                Some(Op::Mul(x, a)) if small(self, a) => self.scaled(x, a, d).unwrap_or(op),
                Some(Op::Mul(a, x)) if small(self, a) => self.scaled(x, a, d).unwrap_or(op),
                _ => op,
            },
            Op::Mul(q, a) | Op::Mul(a, q) if small(self, a) => match inner(self, q) {
                Some(Op::Div(x, d)) if divisor(self, d) => self.scaled(x, a, d).unwrap_or(op),
                _ => op,
            },
            Op::Add(c, s) | Op::Add(s, c) if addend(self, c) => match inner(self, s) {
                Some(Op::Sub(x, c2)) if c2 == c => Op::Add(x, self.zero()),
                _ => op,
            },
            Op::Sub(s, c) if addend(self, c) => match inner(self, s) {
                Some(Op::Add(x, c2) | Op::Add(c2, x)) if c2 == c => Op::Add(x, self.zero()),
                _ => op,
            },
            Op::Lt(..) | Op::Le(..) => self.quotient_comparison(op).unwrap_or(op),
            _ => op,
        }
    }

    /// A comparison with a quotient on either side, with the two sides as numerators and
    /// denominators ([`Op::QuotientLt`], [`Op::QuotientLe`]), so that a quotient exactly on a band
    /// edge (collected ÷ invoiced = 0.95 against 0.95) is decided in floats. A select with a
    /// quotient in a branch is a quotient too (`if(invoiced == 0, 0, collected ÷ invoiced)` is
    /// `if(…, 0, collected) ÷ if(…, 1, invoiced)`, row by row).
    fn quotient_comparison(&mut self, op: Op) -> Option<Op> {
        let (x, y, strict) = match op {
            Op::Lt(x, y) => (x, y, true),
            Op::Le(x, y) => (x, y, false),
            _ => return None,
        };
        if !self.holds_quotient(x) && !self.holds_quotient(y) {
            return None;
        }
        let (a, b) = self.as_quotient(x)?;
        let (c, d) = self.as_quotient(y)?;
        Some(if strict {
            Op::QuotientLt(x, y, [a, b, c, d])
        } else {
            Op::QuotientLe(x, y, [a, b, c, d])
        })
    }

    /// Whether register `r` is a quotient, or a select with a quotient in a branch.
    fn holds_quotient(&self, r: Reg) -> bool {
        let is_div = |r: Reg| matches!(self.ops.get(r), Some(Op::Div(..)));
        match self.ops.get(r) {
            Some(Op::Div(..)) => true,
            Some(&Op::Select(_, p, q)) => is_div(p) || is_div(q),
            _ => false,
        }
    }

    /// Register `r` as a numerator and a denominator: a quotient's operands, a constant's
    /// lowest terms (integers a float holds exactly, so the kernel's products of them can be
    /// exact), a select of its branches' numerators and of their denominators, or `r ÷ 1`.
    fn as_quotient(&mut self, r: Reg) -> Option<(Reg, Reg)> {
        if let Some(&Op::Select(t, p, q)) = self.ops.get(r) {
            let (pn, pd) = self.as_quotient_once(p)?;
            let (qn, qd) = self.as_quotient_once(q)?;
            let n = self.op(Op::Select(t, pn, qn));
            let d = self.op(Op::Select(t, pd, qd));
            return Some((n, d));
        }
        self.as_quotient_once(r)
    }

    /// [`Builder::as_quotient`] without looking into a select.
    fn as_quotient_once(&mut self, r: Reg) -> Option<(Reg, Reg)> {
        if let Some(Op::Div(a, b)) = self.ops.get(r).copied() {
            return Some((a, b));
        }
        if let Some(c) = self.constant_of(r) {
            if !c.approx.is_sure() {
                // Uncertain over uncertain, as a select's uncertain branch.
                return Some((r, r));
            }
            const EXACT: u128 = 1 << 53;
            let (n, d) = c.ratio.parts()?;
            if n.unsigned_abs() >= EXACT || d.unsigned_abs() >= EXACT {
                return None;
            }
            let (n, d) = (i64::try_from(n).ok()?, i64::try_from(d).ok()?);
            return Some((self.number(n), self.number(d)));
        }
        Some((r, self.number(1)))
    }

    /// `x × (a ÷ d)` for constants `a`, `d` whose quotient is a decimal of at most 12 places.
    fn scaled(&mut self, x: Reg, a: Reg, d: Reg) -> Option<Op> {
        let (a, d) = (self.constant_of(a)?, self.constant_of(d)?);
        let q = a.span.div(d.span).decimal()?.normalize();
        Some(Op::Mul(x, self.decimal(q)))
    }

    fn zero(&mut self) -> Reg {
        self.number(0)
    }

    /// An operation on constants, done now in both domains.
    fn fold(&self, op: Op) -> Option<Constant> {
        if let Op::Select(t, then, otherwise) = op {
            // A known truth picks its branch even when the branches are not constants.
            // Either domain's decision, when it has one, is the exact one.
            return match self.constant_of(t)?.truth() {
                Some(true) => self.constant_of(then),
                Some(false) => self.constant_of(otherwise),
                None => Some(Constant::UNSURE),
            };
        }
        Some(Constant {
            approx: op.apply(|r| self.constant_of(r).map(|c| c.approx))?,
            span: op.apply(|r| self.constant_of(r).map(|c| c.span))?,
            ratio: op.apply(|r| self.constant_of(r).map(|c| c.ratio))?,
        })
    }

    /// `then` where `truth` holds, else `otherwise` (a constant truth picks now).
    fn select(&mut self, truth: Reg, then: Reg, otherwise: Reg) -> Reg {
        self.op(Op::Select(truth, then, otherwise))
    }

    /// Short-circuit `and` / `or`, as the engine evaluates them.
    fn and(&mut self, a: Reg, b: Reg) -> Reg {
        let no = self.number(0);
        self.select(a, b, no)
    }

    fn or(&mut self, a: Reg, b: Reg) -> Reg {
        let yes = self.number(1);
        self.select(a, yes, b)
    }

    /// A formula's value (a condition as 1 or 0).
    fn formula(&mut self, node: &Node) -> Reg {
        match node {
            Node::Number(value) => self.decimal(*value),
            Node::Var(slot) => match self.env.get(*slot) {
                Some(&r) => r,
                None => self.unsure(),
            },
            Node::Neg(x) => {
                let x = self.formula(x);
                self.op(Op::Neg(x))
            }
            Node::Abs(x) => {
                let x = self.formula(x);
                self.op(Op::Abs(x))
            }
            Node::Round(x, places, mode) => {
                let x = self.formula(x);
                self.op(Op::Round(x, *places, *mode))
            }
            Node::Arith(op, lhs, rhs) => {
                let (a, b) = (self.formula(lhs), self.formula(rhs));
                self.op(match op {
                    Arith::Add => Op::Add(a, b),
                    Arith::Sub => Op::Sub(a, b),
                    Arith::Mul => Op::Mul(a, b),
                    Arith::Div => Op::Div(a, b),
                    Arith::Min => Op::Min(a, b),
                    Arith::Max => Op::Max(a, b),
                })
            }
            Node::Clamp(x, lo, hi) => {
                let (x, lo, hi) = (self.formula(x), self.formula(lo), self.formula(hi));
                let below = self.op(Op::Min(x, hi));
                self.op(Op::Max(lo, below))
            }
            Node::If(test, then, otherwise) => {
                let test = self.condition(test);
                let (then, otherwise) = (self.formula(then), self.formula(otherwise));
                self.select(test, then, otherwise)
            }
            Node::Bool(_)
            | Node::Not(_)
            | Node::Compare(..)
            | Node::BoolEq(..)
            | Node::And(..)
            | Node::Or(..) => self.condition(node),
        }
    }

    /// A condition's truth (a number is true when it is not zero).
    fn condition(&mut self, node: &Node) -> Reg {
        match node {
            Node::Bool(value) => self.number(i64::from(*value)),
            Node::Not(x) => {
                let x = self.condition(x);
                self.op(Op::Not(x))
            }
            Node::Compare(op, lhs, rhs) => {
                let (a, b) = (self.formula(lhs), self.formula(rhs));
                match op {
                    Compare::Lt => self.op(Op::Lt(a, b)),
                    Compare::Le => self.op(Op::Le(a, b)),
                    Compare::Gt => self.op(Op::Lt(b, a)),
                    Compare::Ge => self.op(Op::Le(b, a)),
                    Compare::Eq => self.op(Op::Eq(a, b)),
                    Compare::Ne => {
                        let eq = self.op(Op::Eq(a, b));
                        self.op(Op::Not(eq))
                    }
                }
            }
            Node::BoolEq(equal, lhs, rhs) => {
                // Truths are exact 0 and 1, so their equality is `Eq`.
                let (a, b) = (self.condition(lhs), self.condition(rhs));
                let eq = self.op(Op::Eq(a, b));
                if *equal {
                    eq
                } else {
                    self.op(Op::Not(eq))
                }
            }
            Node::And(lhs, rhs) => {
                let (a, b) = (self.condition(lhs), self.condition(rhs));
                self.and(a, b)
            }
            Node::Or(lhs, rhs) => {
                let (a, b) = (self.condition(lhs), self.condition(rhs));
                self.or(a, b)
            }
            Node::If(test, then, otherwise) => {
                let test = self.condition(test);
                let (then, otherwise) = (self.condition(then), self.condition(otherwise));
                self.select(test, then, otherwise)
            }
            Node::Number(_)
            | Node::Var(_)
            | Node::Neg(_)
            | Node::Abs(_)
            | Node::Round(..)
            | Node::Arith(..)
            | Node::Clamp(..) => {
                let x = self.formula(node);
                let zero = self.number(0);
                let eq = self.op(Op::Eq(x, zero));
                self.op(Op::Not(eq))
            }
        }
    }

    /// `raw` held between `floor` and `cap` (the engine's "cap, else floor"); a floor above the
    /// cap makes that a jump, left to the engine.
    fn clamp(&mut self, raw: Reg, floor: Option<Decimal>, cap: Option<Decimal>) -> Reg {
        if let (Some(f), Some(c)) = (floor, cap) {
            if f > c {
                return self.unsure();
            }
        }
        let mut x = raw;
        if let Some(c) = cap {
            let c = self.decimal(c);
            x = self.op(Op::Min(x, c));
        }
        if let Some(f) = floor {
            let f = self.decimal(f);
            x = self.op(Op::Max(x, f));
        }
        x
    }

    /// An indicator's points by its method; `actual`, `target`, `completion` as the engine
    /// defines them (a missing target or completion is uncertain).
    fn method(
        &mut self,
        method: &Method,
        actual: Reg,
        target: Option<Reg>,
        completion: Option<Reg>,
    ) -> Reg {
        let unsure = self.unsure();
        let (zero, hundred) = (self.number(0), self.number(100));
        let t = target.unwrap_or(unsure);
        // The engine's completion basis: a positive target (else a problem, or zero_target).
        let on_completion = completion.unwrap_or(unsure);
        let basis = |b: &Basis| match b {
            Basis::Actual => actual,
            Basis::Completion => on_completion,
        };
        match method {
            Method::Ratio {
                floor,
                cap,
                zero_target_score,
            } => {
                let clamped = self.clamp(on_completion, Some(*floor), *cap);
                match zero_target_score {
                    Some(points) => {
                        let zero_target = self.op(Op::Eq(t, zero));
                        let points = self.decimal(*points);
                        self.select(zero_target, points, clamped)
                    }
                    None => clamped,
                }
            }
            Method::LowerIsBetter { form, floor, cap } => {
                let negative = self.op(Op::Lt(t, zero));
                let not_positive = self.op(Op::Le(actual, zero));
                let (fl, cp) = (self.decimal(*floor), self.decimal(*cap));
                let raw = match form {
                    LowerIsBetterForm::Inverse => {
                        let scaled = self.op(Op::Mul(t, hundred));
                        let q = self.op(Op::Div(scaled, actual));
                        self.select(not_positive, cp, q)
                    }
                    LowerIsBetterForm::Linear => {
                        let zero_target = self.op(Op::Eq(t, zero));
                        let at_zero = self.select(not_positive, cp, fl);
                        let scaled = self.op(Op::Mul(actual, hundred));
                        let q = self.op(Op::Div(scaled, t));
                        let two_hundred = self.number(200);
                        let linear = self.op(Op::Sub(two_hundred, q));
                        self.select(zero_target, at_zero, linear)
                    }
                };
                let clamped = self.clamp(raw, Some(*floor), Some(*cap));
                self.select(negative, unsure, clamped)
            }
            Method::Curve {
                basis: b,
                points,
                below,
            } => {
                let x = basis(b);
                let below = self.decimal(*below);
                let Some(&(first_at, _)) = points.first() else {
                    return below;
                };
                // From the last segment back, so the first segment that holds x wins.
                let mut r = match points.last() {
                    Some(p) => self.decimal(p.1),
                    None => below,
                };
                for pair in points.windows(2).rev() {
                    let [(a0, s0), (a1, s1)] = [pair[0], pair[1]];
                    let (a0, s0, a1, s1) = (
                        self.decimal(a0),
                        self.decimal(s0),
                        self.decimal(a1),
                        self.decimal(s1),
                    );
                    let from_start = self.op(Op::Sub(x, a0));
                    let rise = self.op(Op::Sub(s1, s0));
                    let run = self.op(Op::Sub(a1, a0));
                    let slope = self.op(Op::Mul(from_start, rise));
                    let step = self.op(Op::Div(slope, run));
                    let value = self.op(Op::Add(s0, step));
                    let inside = self.op(Op::Lt(x, a1));
                    r = self.select(inside, value, r);
                }
                let first_at = self.decimal(first_at);
                let under = self.op(Op::Lt(x, first_at));
                self.select(under, below, r)
            }
            Method::Bands { basis: b, bands } => {
                let x = basis(b);
                let mut r = unsure;
                for band in bands.iter().rev() {
                    let above = match band.from {
                        Some(f) => {
                            let f = self.decimal(f);
                            self.op(Op::Le(f, x))
                        }
                        None => self.number(1),
                    };
                    let below = match band.to {
                        Some(to) => {
                            let to = self.decimal(to);
                            self.op(Op::Lt(x, to))
                        }
                        None => self.number(1),
                    };
                    let inside = self.and(above, below);
                    let score = self.decimal(band.score);
                    r = self.select(inside, score, r);
                }
                r
            }
            Method::PassFail {
                pass_if,
                pass,
                fail,
            } => {
                let holds = self.condition(pass_if.tree());
                let (pass, fail) = (self.decimal(*pass), self.decimal(*fail));
                self.select(holds, pass, fail)
            }
            Method::Rating { min, max, points } => {
                let (lo, hi) = (self.decimal(*min), self.decimal(*max));
                let under = self.op(Op::Lt(actual, lo));
                let over = self.op(Op::Lt(hi, actual));
                let outside = self.or(under, over);
                let inner = if points.is_empty() {
                    let from_lo = self.op(Op::Sub(actual, lo));
                    let scaled = self.op(Op::Mul(from_lo, hundred));
                    let span = self.op(Op::Sub(hi, lo));
                    self.op(Op::Div(scaled, span))
                } else {
                    // Table ratings match exactly or not at all: the engine compares exact values.
                    let mut r = unsure;
                    for (rating, score) in points.iter().rev() {
                        let rating = self.decimal(*rating);
                        let on = self.op(Op::Eq(actual, rating));
                        let score = self.decimal(*score);
                        r = self.select(on, score, r);
                    }
                    r
                };
                self.select(outside, unsure, inner)
            }
            Method::Deduction {
                start,
                per_unit,
                floor,
            } => {
                let (s, per) = (self.decimal(*start), self.decimal(*per_unit));
                let lost = self.op(Op::Mul(actual, per));
                let raw = self.op(Op::Sub(s, lost));
                self.clamp(raw, Some(*floor), Some(*start))
            }
            Method::Formula { expr, floor, cap } => {
                let raw = self.formula(expr.tree());
                self.clamp(raw, *floor, *cap)
            }
        }
    }
}
