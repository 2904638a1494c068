//! Ready-made content: the indicator library with the common sales indicators, plan templates a
//! company adapts instead of writing from scratch, and the bundled demo team.
//!
//! All of it is plain JSON/CSV under `core/templates/` and `core/data/`, compiled into the crate so
//! every binding offers the same files.

/// The indicator library: a JSON array of indicator specs with the measures each needs.
pub const INDICATOR_LIBRARY: &str = include_str!("../templates/indicator-library.json");

/// Plan templates: `(id, JSON text)`.
pub const PLAN_TEMPLATES: [(&str, &str); 2] = [
    (
        "monthly-sales-rep",
        include_str!("../templates/monthly-sales-rep.json"),
    ),
    (
        "young-company-process",
        include_str!("../templates/young-company-process.json"),
    ),
];

/// The bundled demo: a 12-person sales team of a small trading company for one month (CSV),
/// scored with the `monthly-sales-rep` template.
pub const DEMO_TEAM_CSV: &str = include_str!("../data/demo-team.csv");

/// The demo team's January–May as a legacy system exported it (工号, 姓名, 考核期间, 总分, 等级:
/// totals and grades only, scored under a plan perfscore never saw): the history the demo's June
/// joins. One person joined in March, one has no April result.
pub const DEMO_HISTORY_CSV: &str = include_str!("../data/demo-history.csv");

/// The plan the demo team is scored with.
pub const DEMO_PLAN_JSON: &str = include_str!("../templates/monthly-sales-rep.json");

/// The demo team's June as raw business facts (`core/data/demo-facts/`, written by
/// `scripts/demo-facts.py`): CRM orders with May history, a cancellation and returns; finance
/// invoices and receipts (one unassigned); the visit log. The plan [`DEMO_FACTS_PLAN_JSON`]
/// aggregates them to exactly the numbers of [`DEMO_TEAM_CSV`].
#[cfg(feature = "facts")]
pub const DEMO_FACTS: [(&str, &str); 3] = [
    ("orders", include_str!("../data/demo-facts/orders.csv")),
    ("payments", include_str!("../data/demo-facts/payments.csv")),
    ("visits", include_str!("../data/demo-facts/visits.csv")),
];

/// The demo team's other measures (targets, ratings, counts the CRM does not hold), as records.
#[cfg(feature = "facts")]
pub const DEMO_PEOPLE_CSV: &str = include_str!("../data/demo-facts/people.csv");

/// `monthly-sales-rep` with seven measures aggregated from [`DEMO_FACTS`]' sources.
#[cfg(feature = "facts")]
pub const DEMO_FACTS_PLAN_JSON: &str = include_str!("../templates/monthly-sales-rep-facts.json");

/// A plan template's JSON text by id.
pub fn plan_template(id: &str) -> Option<&'static str> {
    PLAN_TEMPLATES
        .iter()
        .find(|(k, _)| *k == id)
        .map(|(_, v)| *v)
}
