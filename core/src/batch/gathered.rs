//! A batch's summaries gathered as columns, part after part: what a host hands back from a
//! long batch (Python's `SummaryTable` and its Arrow form), whichever path scored each part.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::{FramePart, Ids, Row, Summaries, Totals};
use crate::Plan;

/// Summaries as columns in row order, grades as indexes into `grade_names`.
#[derive(Debug, Clone, Default)]
pub struct SummaryColumns {
    /// Record ids.
    pub ids: Ids,
    /// Totals, rounded by the plan.
    pub totals: Vec<Decimal>,
    /// Each row's grade (after any veto's cap).
    pub grades: Vec<u16>,
    /// The grade the total alone would have earned, where a veto capped it.
    pub grades_before_veto: Vec<Option<u16>>,
    /// Whether a veto hit.
    pub vetoed: Vec<bool>,
    /// Pay statement totals, one per row when the batch was paid, else empty.
    pub pay: Vec<Decimal>,
    /// Grade names: the plan's, best first (the kernel's indexes), then any other the engine
    /// gave (none for a compiled plan; kept so an index always names its grade).
    pub grade_names: Vec<Arc<str>>,
    /// Headers the plan does not read, from the first part.
    pub ignored: Vec<String>,
    started: bool,
}

impl SummaryColumns {
    /// Empty columns for `plan`'s summaries.
    pub fn new(plan: &Plan) -> SummaryColumns {
        SummaryColumns {
            grade_names: plan.grade_names().map(Arc::from).collect(),
            ..SummaryColumns::default()
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.totals.len()
    }

    /// Whether no row was added.
    pub fn is_empty(&self) -> bool {
        self.totals.is_empty()
    }

    /// Add the next part's rows.
    pub fn push(&mut self, part: FramePart) {
        if !self.started {
            self.ignored = part.ignored;
            self.started = true;
        }
        self.ids.extend(part.ids.iter());
        match part.summaries {
            Summaries::Rows(rows) => self.push_rows(&rows),
            Summaries::Totals(totals) => self.push_totals(&totals),
        }
    }

    fn push_rows(&mut self, rows: &[Row]) {
        for r in rows {
            let s = &r.summary;
            self.totals.push(s.total);
            let grade = self.intern(&s.grade);
            self.grades.push(grade);
            let before = s.grade_before_veto.as_ref().map(|g| self.intern(g));
            self.grades_before_veto.push(before);
            self.vetoed.push(s.vetoed);
            self.pay.extend(r.pay);
        }
    }

    /// The kernel's grade indexes are the plan's.
    fn push_totals(&mut self, t: &Totals) {
        let index = |g: u32| u16::try_from(g).unwrap_or(u16::MAX);
        self.totals
            .extend((0..t.units.len()).map(|i| t.total(i).unwrap_or_default()));
        self.grades.extend(t.grade.iter().map(|g| index(*g)));
        self.grades_before_veto
            .extend(t.grade_before_veto.iter().map(|g| g.map(index)));
        self.vetoed.extend_from_slice(&t.vetoed);
        self.pay.extend_from_slice(&t.pay);
    }

    fn intern(&mut self, g: &Arc<str>) -> u16 {
        let names = &mut self.grade_names;
        let i = match names.iter().position(|h| Arc::ptr_eq(h, g) || h == g) {
            Some(i) => i,
            None => {
                names.push(Arc::clone(g));
                names.len().saturating_sub(1)
            }
        };
        u16::try_from(i).unwrap_or(u16::MAX)
    }
}
