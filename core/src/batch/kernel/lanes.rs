//! Lanes of certified floats and the loop of each operation over them.

use super::lower::{Op, Reg};
use crate::certified::{Approx, Rescale};
use crate::rounding::RoundingMode;

/// Rows per lane: long enough to amortise interpreting the program, short enough that a
/// program's registers stay in cache (16 bytes × 64 rows = 1 KiB per operation).
pub(crate) const LANES: usize = 64;

/// One register: a value and its bound for each row of the lane.
#[derive(Clone)]
pub(crate) struct Lane {
    v: [f64; LANES],
    e: [f64; LANES],
}

impl Lane {
    pub(crate) fn splat(a: Approx) -> Lane {
        Lane {
            v: [a.v; LANES],
            e: [a.e; LANES],
        }
    }

    /// Row `j < LANES` of the lane, for the operation loops (the bound is the array's, so the
    /// index check folds away).
    #[inline(always)]
    fn at(&self, j: usize) -> Approx {
        Approx {
            v: self.v[j],
            e: self.e[j],
        }
    }

    #[inline(always)]
    fn put(&mut self, j: usize, a: Approx) {
        (self.v[j], self.e[j]) = (a.v, a.e);
    }

    /// Row `j`'s value (uncertain past the lane).
    pub(crate) fn get(&self, j: usize) -> Approx {
        match (self.v.get(j), self.e.get(j)) {
            (Some(&v), Some(&e)) => Approx { v, e },
            _ => Approx::UNSURE,
        }
    }

    /// Fill the lane with `f` of each of `values` (the rest of it uncertain); a full lane is one
    /// plain loop the compiler can vectorise.
    #[inline(always)]
    pub(crate) fn fill_from<T: Copy>(&mut self, values: &[T], f: impl Fn(T) -> Approx) {
        if let Ok(full) = <&[T; LANES]>::try_from(values) {
            for ((v, e), &x) in self.v.iter_mut().zip(self.e.iter_mut()).zip(full) {
                let a = f(x);
                (*v, *e) = (a.v, a.e);
            }
        } else {
            self.fill(values.iter().map(|&x| f(x)));
        }
    }

    /// Fill the lane with host floats ([`Approx::from_host`]), compiled for the widest vector
    /// instructions the machine has.
    pub(crate) fn fill_hosts(&mut self, arch: pulp::Arch, values: &[f64]) {
        arch.dispatch(Fill {
            lane: self,
            values,
            read: Approx::from_host,
        });
    }

    /// Fill the lane with host integers: exact below 2⁵³, uncertain beyond (the exact stages read
    /// those), in one branch-free loop compiled like [`Lane::fill_hosts`].
    pub(crate) fn fill_integers(&mut self, arch: pulp::Arch, values: &[i64]) {
        arch.dispatch(Fill {
            lane: self,
            values,
            read: from_integer,
        });
    }

    /// Row `j`'s value (nothing past the lane).
    #[inline(always)]
    pub(crate) fn set(&mut self, j: usize, a: Approx) {
        if let (Some(v), Some(e)) = (self.v.get_mut(j), self.e.get_mut(j)) {
            (*v, *e) = (a.v, a.e);
        }
    }

    /// Make rows `from..` uncertain.
    pub(crate) fn clear_from(&mut self, from: usize) {
        let (v, e) = (self.v.get_mut(from..), self.e.get_mut(from..));
        v.unwrap_or_default().fill(f64::NAN);
        e.unwrap_or_default().fill(f64::NAN);
    }

    /// Fill the lane from `values` (the rest of it uncertain).
    pub(crate) fn fill(&mut self, mut values: impl Iterator<Item = Approx>) {
        for j in 0..LANES {
            let a = values.next().unwrap_or(Approx::UNSURE);
            (self.v[j], self.e[j]) = (a.v, a.e);
        }
    }
}

impl Lane {
    /// The rows whose value is uncertain (or missing), as a bit mask: bit `j` for row `j`. One
    /// branch-free pass, where asking row by row would test every row of every input.
    pub(crate) fn unsure_rows(&self) -> u64 {
        const _: () = assert!(LANES <= 64, "a lane's rows fit a 64-bit mask");
        let mut mask = 0u64;
        for (j, (v, e)) in self.v.iter().zip(&self.e).enumerate() {
            mask |= u64::from(v.is_nan() | e.is_nan()) << j;
        }
        mask
    }

    /// Make uncertain each row where `missing` says so.
    pub(crate) fn clear_where(&mut self, missing: impl Iterator<Item = bool>) {
        for ((v, e), m) in self.v.iter_mut().zip(&mut self.e).zip(missing) {
            if m {
                (*v, *e) = (f64::NAN, f64::NAN);
            }
        }
    }
}

impl Lane {
    /// Each row's value (held in the units `rescale` converts from) rounded to whole units of
    /// the rounding by `mode`, into `units`: one branch-free pass for the common case
    /// ([`Approx::round_units_plain`]), compiled like the operations, then
    /// [`Approx::round_rescaled`] for the rows it leaves (an exact tie, a negative total, an
    /// uncertain one). Bit `j` of the answer says row `j` rounded certainly.
    pub(crate) fn round_units(
        &self,
        arch: pulp::Arch,
        mode: RoundingMode,
        rescale: Rescale,
        units: &mut [i64; LANES],
    ) -> u64 {
        let plain = arch.dispatch(RoundPlain {
            lane: self,
            rescale,
            shift: Approx::rounding_shift(mode),
            units,
        });
        let mut sure = plain;
        for (j, u) in units.iter_mut().enumerate() {
            if plain >> j & 1 == 0 {
                if let Some(r) = self.at(j).round_rescaled(mode, rescale) {
                    *u = r;
                    sure |= 1 << j;
                }
            }
        }
        sure
    }
}

/// The branch-free pass of [`Lane::round_units`] as a unit of dispatch.
struct RoundPlain<'a> {
    lane: &'a Lane,
    rescale: Rescale,
    shift: f64,
    units: &'a mut [i64; LANES],
}

impl pulp::WithSimd for RoundPlain<'_> {
    type Output = u64;
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> u64 {
        let mut mask = 0u64;
        for (j, u) in self.units.iter_mut().enumerate() {
            let (a, ok) = self.lane.at(j).round_units_plain(self.rescale, self.shift);
            // `a` is a whole number below 2⁵¹ where `ok`, so the conversion is exact.
            #[allow(clippy::cast_possible_truncation)]
            let whole = a as i64;
            *u = whole;
            mask |= u64::from(ok) << j;
        }
        mask
    }
}

/// Run every operation of `ops` (past the inputs and constants, which are already in place),
/// compiled for the widest vector instructions the machine has (`arch`, detected once).
pub(super) fn execute(arch: pulp::Arch, ops: &[Op], lanes: &mut [Lane]) {
    arch.dispatch(Execute { ops, lanes });
}

/// [`execute`] without vector instructions but with constants held in registers, as AVX-512
/// runs it: the tests compare it with the scalar build on any machine.
#[cfg(test)]
pub(super) fn execute_broadcast(ops: &[Op], lanes: &mut [Lane]) {
    execute_ops::<false, true>(ops, lanes);
}

/// The program's run as pulp's unit of dispatch: `with_simd` is compiled once per instruction
/// set, everything it calls inlined into it.
struct Execute<'a> {
    ops: &'a [Op],
    lanes: &'a mut [Lane],
}

/// A lane filled from host values as a unit of dispatch ([`Lane::fill_hosts`],
/// [`Lane::fill_integers`]): the loop is compiled once per instruction set.
/// `read` is a function item (a type of its own), so each use is monomorphised and inlined.
struct Fill<'a, T, R> {
    lane: &'a mut Lane,
    values: &'a [T],
    read: R,
}

impl<T: Copy, R: Fn(T) -> Approx> pulp::WithSimd for Fill<'_, T, R> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        self.lane.fill_from(self.values, self.read);
    }
}

/// A host integer: exact below 2⁵³ (i64 → f64 is exact there), uncertain past it (the exact
/// stages read those).
#[inline(always)]
fn from_integer(x: i64) -> Approx {
    const EXACT: u64 = 1 << 53;
    #[allow(clippy::cast_precision_loss)]
    let v = if x.unsigned_abs() < EXACT {
        x as f64
    } else {
        f64::NAN
    };
    Approx::from_host(v)
}

impl pulp::WithSimd for Execute<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        // The vector instruction sets pulp picks on x86-64 (v3, v4) and aarch64 (NEON) have a
        // fused multiply-add; the scalar fallback and wasm's SIMD128 may not, and there
        // `mul_add` would be a library call.
        const FMA_ARCH: bool = cfg!(any(target_arch = "x86_64", target_arch = "aarch64"));
        // With 512-bit vectors (AVX-512) a constant operand held in a register instead of read
        // from its lane is faster (bench workload 146-151 -> 139-147 ns per person, boundary set
        // 206-213 -> 196-199); compiled for AVX2 the same idea was slower (156-160 -> 168-172:
        // more loops in one function, fewer registers), so only there.
        let wide = std::mem::size_of::<S::f64s>() >= 64;
        match (FMA_ARCH && !S::IS_SCALAR, wide) {
            (true, true) => execute_ops::<true, true>(self.ops, self.lanes),
            (true, false) => execute_ops::<true, false>(self.ops, self.lanes),
            _ => execute_ops::<false, false>(self.ops, self.lanes),
        }
    }
}

/// `FUSED`: the exactness tests of products and quotients use fused multiply-adds. `BROADCAST`:
/// a constant operand of a binary operation is read once, not from its lane row by row.
#[inline(always)]
fn execute_ops<const FUSED: bool, const BROADCAST: bool>(ops: &[Op], lanes: &mut [Lane]) {
    for (d, op) in ops.iter().enumerate() {
        // SSA: every operand register comes before `d`, so the split gives them all.
        let Some((src, rest)) = lanes.split_at_mut_checked(d) else {
            return;
        };
        let Some(out) = rest.first_mut() else {
            return;
        };
        let lane = |r: Reg| src.get(r);
        // Operands that are constants (a constant's lane holds one value in every row).
        let constant = |r: Reg| match (BROADCAST, ops.get(r)) {
            (true, Some(Op::Const(_))) => src.get(r).map(|l| l.at(0)),
            _ => None,
        };
        if let Some(done) = with_constant::<FUSED>(op, &lane, &constant, out) {
            if done.is_none() {
                *out = Lane::splat(Approx::UNSURE);
            }
            continue;
        }
        // An arithmetic operation in its exact-testing and its bounded-only form.
        macro_rules! arith {
            ($f:ident $(<$fused:ident>)?, $a:expr, $b:expr) => {
                arith(
                    lane($a),
                    lane($b),
                    out,
                    Approx::$f::<true $(, $fused)?>,
                    Approx::$f::<false $(, $fused)?>,
                )
            };
        }
        let done = match *op {
            Op::Input | Op::Const(_) => Some(()),
            Op::Add(a, b) => arith!(add_with, a, b),
            Op::Sub(a, b) => arith!(sub_with, a, b),
            Op::Mul(a, b) => arith!(mul_with<FUSED>, a, b),
            Op::Div(a, b) => arith!(div_with<FUSED>, a, b),
            Op::Min(a, b) => binary(lane(a), lane(b), out, Approx::min),
            Op::Max(a, b) => binary(lane(a), lane(b), out, Approx::max),
            Op::Lt(a, b) => binary(lane(a), lane(b), out, Approx::lt),
            Op::Le(a, b) => binary(lane(a), lane(b), out, Approx::le),
            Op::Eq(a, b) => binary(lane(a), lane(b), out, Approx::eq),
            Op::Neg(a) => unary(lane(a), out, Approx::neg),
            Op::Abs(a) => unary(lane(a), out, Approx::abs),
            Op::Not(a) => unary(lane(a), out, Approx::not),
            Op::Round(a, places, mode) => unary(lane(a), out, |x| x.round(mode, places)),
            Op::Select(t, a, b) => select(lane(t), lane(a), lane(b), out),
            Op::QuotientLt(x, y, q) => quotients::<true, FUSED>(lane(x), lane(y), q.map(lane), out),
            Op::QuotientLe(x, y, q) => {
                quotients::<false, FUSED>(lane(x), lane(y), q.map(lane), out)
            }
            Op::Guard(a, b) => binary(lane(a), lane(b), out, Approx::guard),
        };
        if done.is_none() {
            // A malformed program (never built): every row goes to the engine.
            *out = Lane::splat(Approx::UNSURE);
        }
    }
}

/// A binary operation with a constant on one side, the constant held in a register: `None` when
/// `op` is not one (then the lanes' loops run), else whether it ran.
#[inline(always)]
fn with_constant<'l, const FUSED: bool>(
    op: &Op,
    lane: &impl Fn(Reg) -> Option<&'l Lane>,
    constant: &impl Fn(Reg) -> Option<Approx>,
    out: &mut Lane,
) -> Option<Option<()>> {
    // The constant's side: `Some(c)` on the right, or on the left.
    let (a, b) = match *op {
        Op::Add(a, b) | Op::Sub(a, b) | Op::Mul(a, b) | Op::Div(a, b) => (a, b),
        Op::Min(a, b) | Op::Max(a, b) | Op::Lt(a, b) | Op::Le(a, b) | Op::Eq(a, b) => (a, b),
        Op::Select(t, a, b) => return select_constant(lane(t), (a, b), lane, constant, out),
        _ => return None,
    };
    let (x, c, right) = match (constant(b), constant(a)) {
        (Some(c), _) => (a, c, true),
        (None, Some(c)) => (b, c, false),
        (None, None) => return None,
    };
    let x = lane(x);
    macro_rules! run {
        ($f:expr) => {
            if right {
                unary(x, out, |v| $f(v, c))
            } else {
                unary(x, out, |v| $f(c, v))
            }
        };
    }
    macro_rules! arith {
        ($f:ident $(<$fused:ident>)?) => {
            if c.e == 0.0 && x.is_some_and(|x| x.e.contains(&0.0)) {
                run!(Approx::$f::<true $(, $fused)?>)
            } else {
                run!(Approx::$f::<false $(, $fused)?>)
            }
        };
    }
    Some(match *op {
        Op::Add(..) => arith!(add_with),
        Op::Sub(..) => arith!(sub_with),
        Op::Mul(..) => arith!(mul_with<FUSED>),
        Op::Div(..) => arith!(div_with<FUSED>),
        Op::Min(..) => run!(Approx::min),
        Op::Max(..) => run!(Approx::max),
        Op::Lt(..) => run!(Approx::lt),
        Op::Le(..) => run!(Approx::le),
        _ => run!(Approx::eq),
    })
}

/// A select with a constant in either branch or both, as [`with_constant`].
#[inline(always)]
fn select_constant<'l>(
    t: Option<&Lane>,
    (a, b): (Reg, Reg),
    lane: &impl Fn(Reg) -> Option<&'l Lane>,
    constant: &impl Fn(Reg) -> Option<Approx>,
    out: &mut Lane,
) -> Option<Option<()>> {
    let Some(t) = t else {
        return Some(None);
    };
    let ran = match (constant(a), constant(b)) {
        (None, None) => return None,
        (Some(x), Some(y)) => {
            for j in 0..LANES {
                out.put(j, t.at(j).select(x, y));
            }
            Some(())
        }
        (Some(x), None) => lane(b).map(|b| {
            for j in 0..LANES {
                out.put(j, t.at(j).select(x, b.at(j)));
            }
        }),
        (None, Some(y)) => lane(a).map(|a| {
            for j in 0..LANES {
                out.put(j, t.at(j).select(a.at(j), y));
            }
        }),
    };
    Some(ran)
}

/// An arithmetic operation over the lanes: `exact` (which tests whether each result is exact)
/// only where some row has two exact operands, else the cheaper `bounded`. Each is
/// monomorphised, so both loops vectorise.
#[inline(always)]
fn arith(
    a: Option<&Lane>,
    b: Option<&Lane>,
    out: &mut Lane,
    exact: impl Fn(Approx, Approx) -> Approx,
    bounded: impl Fn(Approx, Approx) -> Approx,
) -> Option<()> {
    if both_exact(a, b) {
        binary(a, b, out, exact)
    } else {
        binary(a, b, out, bounded)
    }
}

/// Whether any row of the lanes has two exact operands (bound 0), where an exact result is
/// worth detecting.
#[inline(always)]
fn both_exact(a: Option<&Lane>, b: Option<&Lane>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            a.e.iter()
                .zip(&b.e)
                .fold(false, |any, (x, y)| any | ((*x == 0.0) & (*y == 0.0)))
        }
        _ => true,
    }
}

#[inline(always)]
fn unary(a: Option<&Lane>, out: &mut Lane, f: impl Fn(Approx) -> Approx) -> Option<()> {
    let a = a?;
    for j in 0..LANES {
        out.put(j, f(a.at(j)));
    }
    Some(())
}

#[inline(always)]
fn binary(
    a: Option<&Lane>,
    b: Option<&Lane>,
    out: &mut Lane,
    f: impl Fn(Approx, Approx) -> Approx,
) -> Option<()> {
    let (a, b) = (a?, b?);
    for j in 0..LANES {
        out.put(j, f(a.at(j), b.at(j)));
    }
    Some(())
}

/// `x < y` (`STRICT`) or `x ≤ y` for quotients `x = a ÷ b`, `y = c ÷ d` (`q` = `[a, b, c, d]`):
/// compared as values, and only in a lane where that leaves a row open whose `x` and `y` are
/// both certain, by their operands' products ([`Approx::cross_with`]) for those rows.
#[inline(always)]
fn quotients<const STRICT: bool, const FUSED: bool>(
    x: Option<&Lane>,
    y: Option<&Lane>,
    q: [Option<&Lane>; 4],
    out: &mut Lane,
) -> Option<()> {
    let (x, y) = (x?, y?);
    let mut open = 0u64;
    for j in 0..LANES {
        let (a, b) = (x.at(j), y.at(j));
        let t = if STRICT { a.lt(b) } else { a.le(b) };
        out.put(j, t);
        // An open truth of two certain sides (NaN in either half marks an uncertain value).
        let unsure = |z: Approx| z.v.is_nan() | z.e.is_nan();
        open |= u64::from(unsure(t) & !unsure(a) & !unsure(b)) << j;
    }
    if open == 0 {
        return Some(());
    }
    let [a, b, c, d] = q;
    let (a, b, c, d) = (a?, b?, c?, d?);
    for j in 0..LANES {
        let products = a
            .at(j)
            .cross_with::<STRICT, FUSED>(b.at(j), c.at(j), d.at(j));
        let here = open >> j & 1 == 1;
        out.put(j, if here { products } else { out.at(j) });
    }
    Some(())
}

#[inline(always)]
fn select(t: Option<&Lane>, a: Option<&Lane>, b: Option<&Lane>, out: &mut Lane) -> Option<()> {
    let (t, a, b) = (t?, a?, b?);
    for j in 0..LANES {
        out.put(j, t.at(j).select(a.at(j), b.at(j)));
    }
    Some(())
}
