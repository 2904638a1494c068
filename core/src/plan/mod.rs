//! Assessment plans: the file format ([`spec`]), its validation (`compile`) and the compiled,
//! ready-to-score [`Plan`].

mod compile;
pub mod development;
pub mod promotion;
pub mod spec;

use crate::error::Error;
use crate::formula::Formula;
use crate::limits::Limits;
use crate::method::Method;
use crate::rounding::RoundingMode;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;

pub use spec::{IndicatorKind, MissingPolicy, PlanSpec};

/// Extra formula variables beyond the measures, in this order after the last measure slot.
pub(crate) const METHOD_VARIABLES: [&str; 3] = ["actual", "target", "completion"];

/// A validated, compiled plan. Build it once with [`Plan::from_json`] or [`Plan::from_spec`], then
/// score any number of records with it; it is immutable and can be shared across threads.
#[derive(Debug, Clone)]
pub struct Plan {
    pub(crate) spec: PlanSpec,
    pub(crate) plan_id: Arc<str>,
    pub(crate) measures: Vec<Measure>,
    /// Measure ids and aliases → slot.
    pub(crate) lookup: HashMap<String, usize>,
    /// The same names sorted, so a record's sorted measures are matched by one merge pass
    /// instead of a hash per measure (the scoring hot path).
    pub(crate) sorted_names: Vec<(String, usize)>,
    pub(crate) sections: Vec<Section>,
    pub(crate) indicators: Vec<Indicator>,
    pub(crate) adjustments: Vec<Adjustment>,
    pub(crate) vetoes: Vec<Veto>,
    /// Ascending by range.
    pub(crate) grades: Vec<Grade>,
    pub(crate) scale: u32,
    pub(crate) mode: RoundingMode,
    pub(crate) total_floor: Option<Decimal>,
    pub(crate) total_cap: Option<Decimal>,
    pub(crate) green: Decimal,
    pub(crate) yellow: Decimal,
    /// The fact sources and fact measures, when the plan has any.
    #[cfg(feature = "facts")]
    pub(crate) facts: Option<Arc<crate::facts::Model>>,
    /// The plan compiled for batches, once, on first use.
    pub(crate) kernel: crate::batch::KernelCell,
}

/// A declared measure.
#[derive(Debug, Clone)]
pub struct Measure {
    /// Identifier used in records and formulas.
    pub id: Arc<str>,
    /// Display name (the id when none was given).
    pub name: Arc<str>,
    /// Unit, if declared.
    pub unit: Option<Arc<str>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub weight: Decimal,
    /// Indices into `Plan::indicators`.
    pub indicators: std::ops::Range<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct Indicator {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub kind: IndicatorKind,
    pub weight: Decimal,
    pub actual: Formula,
    pub target: Option<Formula>,
    pub method: Method,
    pub missing: MissingPolicy,
    pub track_progress: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Adjustment {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub bonus: bool,
    pub count: Formula,
    pub points_each: Decimal,
    pub max: Option<Decimal>,
    pub missing: MissingPolicy,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum VetoAction {
    ZeroTotal,
    /// Index into `Plan::grades`.
    CapGrade(usize),
}

#[derive(Debug, Clone)]
pub(crate) struct Veto {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub when: Formula,
    pub action: VetoAction,
    pub missing: MissingPolicy,
}

#[derive(Debug, Clone)]
pub(crate) struct Grade {
    pub grade: Arc<str>,
    pub from: Option<Decimal>,
    pub to: Option<Decimal>,
}

impl Plan {
    /// Parse and validate a plan from JSON text; all problems are reported at once.
    pub fn from_json(text: &str) -> crate::Result<Plan> {
        Plan::from_json_with_limits(text, &Limits::default())
    }

    /// [`Plan::from_json`] within lowered [`Limits`] (document size, list lengths, problems
    /// listed), for hosts that compile plans from untrusted users.
    pub fn from_json_with_limits(text: &str, limits: &Limits) -> crate::Result<Plan> {
        limits.check_document(text, Error::Plan)?;
        let spec = compile::parse_spec(text)?;
        Plan::compile_within(spec, limits)
    }

    /// Validate and compile an already-parsed plan document.
    pub fn from_spec(spec: PlanSpec) -> crate::Result<Plan> {
        Plan::compile_within(spec, &Limits::default())
    }

    fn compile_within(spec: PlanSpec, limits: &Limits) -> crate::Result<Plan> {
        let plan = compile::compile(spec, limits)?;
        // Development rules name indicators, so they are checked against the compiled plan.
        development::check(&plan)?;
        promotion::check(&plan)?;
        Ok(plan)
    }

    /// The plan document this plan was compiled from.
    pub fn spec(&self) -> &PlanSpec {
        &self.spec
    }

    /// The plan document as compact JSON: the same plan when read back with [`Plan::from_json`]
    /// (numbers as exact decimal strings, absent options left out, fields in a fixed order, so
    /// equal plans give equal text). Hosts use it to store a validated plan, or to pass a compiled
    /// plan where a request takes a plan document (analytics).
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail; an empty object would be refused
        // by `from_json`, never silently accepted.
        serde_json::to_string(&self.spec).unwrap_or_else(|_| "{}".to_string())
    }

    /// The plan's measures, in slot order.
    pub fn measures(&self) -> &[Measure] {
        &self.measures
    }

    /// The slot of a measure by id or alias.
    pub fn measure_slot(&self, name: &str) -> Option<usize> {
        self.lookup.get(name).copied()
    }

    /// Number of indicators across all sections.
    pub fn indicator_count(&self) -> usize {
        self.indicators.len()
    }

    /// Grade names from lowest to highest.
    pub fn grade_names(&self) -> impl Iterator<Item = &str> {
        self.grades.iter().map(|g| &*g.grade)
    }

    /// Decimal places of the total.
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// The plan's rounding mode.
    pub fn rounding_mode(&self) -> RoundingMode {
        self.mode
    }

    /// Length of the evaluation environment: measures then the method variables.
    // A Vec's length is at most isize::MAX, so adding 3 cannot overflow a usize.
    #[allow(clippy::arithmetic_side_effects)]
    pub(crate) fn env_len(&self) -> usize {
        self.measures.len() + METHOD_VARIABLES.len()
    }

    /// Slot of `actual`, `target`, `completion` in the environment.
    // `which` is below 3 (METHOD_VARIABLES), and a Vec's length is at most isize::MAX.
    #[allow(clippy::arithmetic_side_effects)]
    pub(crate) fn method_slot(&self, which: usize) -> usize {
        self.measures.len() + which
    }
}
