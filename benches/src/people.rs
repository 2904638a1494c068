//! The seeded people the benchmarks time and the kernel's differential tests check: the
//! benchmark workload, round numbers and values on every boundary, for the bundled
//! `monthly-sales-rep` plan, in its measure order. One file, compiled into `perfscore-benches`
//! and included by `core/tests/kernel.rs`, so the timed data and the checked data are the same.

use rust_decimal::Decimal;

/// xorshift64*: small, fast and the same on every platform, so every language sees the same data.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by a fixed non-zero value).
    pub fn new(seed: u64) -> Self {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform integer in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo + 1).max(1) as u64;
        lo + (self.next_u64() % span) as i64
    }

    /// One of `xs`, uniformly.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[(self.next_u64() % xs.len() as u64) as usize]
    }
}

/// Which people to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// The benchmark workload: targets of 500,000–1,200,000, attainment 55–135 %, cents.
    Bench,
    /// Round numbers: targets whose quotients do not terminate (÷ 7, ÷ 3) and cancel again.
    Round,
    /// Every edge: completions of exactly 60 / 100 / 120 %, collection rates of exactly 0.8 /
    /// 0.9 / 0.95, overdue days at 30 and 90, ratings and counts at their points.
    Boundary,
}

impl Workload {
    /// Every workload, with the name benchmarks report it under.
    pub const ALL: [(Workload, &'static str); 3] = [
        (Workload::Bench, "bench"),
        (Workload::Round, "round_numbers"),
        (Workload::Boundary, "boundary"),
    ];

    /// One person of this workload.
    pub fn person(self, rng: &mut Rng) -> [Decimal; 17] {
        match self {
            Workload::Bench => person(rng),
            Workload::Round => round_person(rng),
            Workload::Boundary => boundary_person(rng),
        }
    }
}

fn d(n: i64, scale: u32) -> Decimal {
    Decimal::new(n, scale)
}

/// One person of the benchmark workload, in measure order; amounts in cents-exact decimals.
pub fn person(rng: &mut Rng) -> [Decimal; 17] {
    let target = rng.range(50, 120) * 10_000;
    let attainment = rng.range(55, 135); // percent
    let revenue = d(target * attainment + rng.range(0, 9_999), 2);
    let invoiced = revenue * d(rng.range(90, 100), 2);
    let collected = (invoiced * d(rng.range(70, 100), 2)).round_dp(2);
    let gross_profit = (revenue * d(rng.range(14, 24), 2)).round_dp(2);
    counts(
        rng,
        [
            revenue,
            Decimal::from(target),
            collected,
            invoiced.round_dp(2),
            gross_profit,
            Decimal::from(target / 5),
        ],
    )
}

fn round_person(rng: &mut Rng) -> [Decimal; 17] {
    let target = rng.pick(&[600_000i64, 700_000, 900_000, 300_000, 210_000]);
    let revenue = Decimal::from(rng.range(300, 900) * 1_000);
    let invoiced = Decimal::from(rng.range(30, 90) * 10_000);
    let collected = Decimal::from(rng.range(20, 90) * 10_000).min(invoiced);
    let margin_target = rng.pick(&[140_000i64, 120_000, 70_000, 210_000]);
    let gross_profit = Decimal::from(rng.range(600, 1_500) * 100);
    counts(
        rng,
        [
            revenue,
            Decimal::from(target),
            collected,
            invoiced,
            gross_profit,
            Decimal::from(margin_target),
        ],
    )
}

fn boundary_person(rng: &mut Rng) -> [Decimal; 17] {
    let target = rng.pick(&[700_000i64, 800_000, 140_000, 600_000]);
    let pct = rng.pick(&[55i64, 60, 100, 120, 121, 99]);
    let revenue = Decimal::from(target * pct / 100);
    let invoiced = Decimal::from(rng.pick(&[700_000i64, 300_000, 1_000_000]));
    let rate = rng.pick(&[d(8, 1), d(9, 1), d(95, 2), d(1, 0), d(7, 1)]);
    let margin_target = rng.pick(&[140_000i64, 160_000, 150_000]);
    let gp_pct = rng.pick(&[60i64, 100, 120, 80]);
    let mut v = counts(
        rng,
        [
            revenue,
            Decimal::from(target),
            invoiced * rate,
            invoiced,
            Decimal::from(margin_target * gp_pct / 100),
            Decimal::from(margin_target),
        ],
    );
    v[7] = Decimal::from(rng.pick(&[3i64, 4, 5]));
    v[8] = Decimal::from(rng.pick(&[0i64, 30, 60, 90, 91]));
    v
}

/// The six money measures, then the count measures as the benchmark draws them.
fn counts(rng: &mut Rng, money: [Decimal; 6]) -> [Decimal; 17] {
    let [a, b, c, e, f, g] = money;
    [
        a,
        b,
        c,
        e,
        f,
        g,
        Decimal::from(rng.range(0, 6)),
        Decimal::from(rng.range(1, 8)),
        Decimal::from(rng.range(0, 100)),
        Decimal::from(rng.range(15, 55)),
        Decimal::from(rng.range(4, 18)),
        Decimal::from(rng.range(1, 7)),
        Decimal::from(rng.range(1, 5)),
        Decimal::from(rng.range(0, 4)),
        Decimal::from(if rng.range(0, 9) == 0 {
            rng.range(1, 3)
        } else {
            0
        }),
        Decimal::from(rng.range(0, 2)),
        Decimal::from(if rng.range(0, 199) == 0 { 1 } else { 0 }),
    ]
}
