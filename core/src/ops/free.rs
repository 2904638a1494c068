//! Operations that need no compiled object: analytics, pool splits, templates, demo data.

use super::plan::operation_fields;
use super::request::{json_text, Request};
use rust_decimal::Decimal;

/// The free operations [`run`] accepts besides the analytics operations
/// ([`crate::analytics::operations`]), with the request fields each reads.
pub const OPERATIONS: [(&str, &[&str]); 9] = [
    ("split_pool", &["pool", "minor_units", "weights"]),
    ("template", &["id"]),
    ("demo_plan", &[]),
    ("demo_team_csv", &[]),
    ("demo_history_csv", &[]),
    ("demo_facts", &[]),
    ("operations", &["group"]),
    ("features", &[]),
    ("version", &[]),
];

/// The analytics operations' names, in every build (a build without the `analytics` feature
/// answers them as unknown; `features` says which): what hosts make their analytics sugar from.
pub const ANALYTICS_OPERATIONS: [&str; 17] = [
    "seasonal_indices",
    "growth_targets",
    "allocate_target",
    "targets_from_history",
    "pacing_projection",
    "holt_winters",
    "rollup",
    "calibrate",
    "diagnose",
    "development_needs",
    "read_history",
    "person_timeline",
    "promotion_eligibility",
    "compare_cycles",
    "nine_box",
    "history_series",
    "export_history",
];

/// Run one operation that needs no compiled object: `request` is a JSON object (see
/// [`OPERATIONS`]; analytics operations take their documented requests), the result JSON text.
pub fn run(operation: &str, request: &str) -> crate::Result<String> {
    #[cfg(feature = "analytics")]
    if crate::analytics::operations().contains(&operation) {
        return crate::analytics::run_json(operation, request);
    }
    let fields = operation_fields(&OPERATIONS, operation)?;
    let req = Request::parse(request, fields)?;
    match operation {
        "split_pool" => {
            let minor_units = whole_places(req.decimal("minor_units")?)?;
            let (pool, weights) = pool_request(&req)?;
            let shares = crate::apportion::split_pool(pool, minor_units, &weights)?;
            Ok(crate::apportion::shares_to_canonical_json(&shares))
        }
        "template" => {
            let id = req.text("id")?;
            crate::templates::plan_template(&id)
                .map(str::to_string)
                .ok_or_else(|| {
                    let known: Vec<&str> = crate::templates::PLAN_TEMPLATES
                        .iter()
                        .map(|(k, _)| *k)
                        .collect();
                    crate::Error::Plan(vec![crate::Problem::new(
                        crate::Loc::root().key("template"),
                        crate::kinds::UNKNOWN_REFERENCE,
                        format!(
                            "unknown template `{}` (known: {})",
                            crate::error::shown(&id),
                            known.join(", ")
                        ),
                    )
                    .zh(format!(
                        "没有名为 `{}` 的方案模板（已有：{}）",
                        crate::error::shown(&id),
                        known.join("、")
                    ))])
                })
        }
        "demo_plan" => Ok(json_text(crate::templates::DEMO_PLAN_JSON)),
        "demo_team_csv" => Ok(json_text(crate::templates::DEMO_TEAM_CSV)),
        "demo_history_csv" => Ok(json_text(crate::templates::DEMO_HISTORY_CSV)),
        "demo_facts" => demo_facts(),
        "version" => Ok(json_text(env!("CARGO_PKG_VERSION"))),
        // What this build holds: a scoring-only build (default features off) has neither.
        "features" => Ok(format!(
            r#"{{"analytics":{},"facts":{},"feedback":{}}}"#,
            cfg!(feature = "analytics"),
            cfg!(feature = "facts"),
            cfg!(feature = "feedback")
        )),
        _ => operations(&req),
    }
}

/// `operations`: this build's free operations (analytics first), or with `group`, the names of
/// one group: `analytics` (in every build), `free` (the others), `plan`, `pay`, `feedback`,
/// `accumulator` (the operations on those objects).
fn operations(req: &Request<'_>) -> crate::Result<String> {
    let names = |list: &[(&'static str, &[&str])]| list.iter().map(|(n, _)| *n).collect();
    let group = match req.raw("group") {
        None => None,
        Some(_) => Some(req.text("group")?),
    };
    let list: Vec<&str> = match group.as_deref() {
        None => {
            let mut all = analytics_operations();
            all.extend(OPERATIONS.iter().map(|(n, _)| *n));
            all
        }
        Some("analytics") => ANALYTICS_OPERATIONS.to_vec(),
        Some("free") => names(&OPERATIONS),
        Some("plan") => names(&super::PLAN_OPERATIONS),
        Some("pay") => names(&super::PAY_OPERATIONS),
        #[cfg(feature = "feedback")]
        Some("feedback") => names(&super::FEEDBACK_OPERATIONS),
        #[cfg(feature = "facts")]
        Some("accumulator") => names(&super::ACCUMULATOR_OPERATIONS),
        Some(other) => {
            return Err(super::request::field_error(
                "group",
                crate::kinds::UNKNOWN_VARIANT,
                format!(
                    "`{}` is not a group of operations in this build (analytics, free, plan, pay, feedback, accumulator)",
                    crate::error::shown(other)
                ),
                format!("`{}` 不是此版本中的操作分组", crate::error::shown(other)),
            ))
        }
    };
    Ok(serde_json::to_string(&list).unwrap_or_default())
}

/// `{"plan": …, "facts": {"orders": CSV, …}, "people": CSV}`: the bundled demo as facts.
fn demo_facts() -> crate::Result<String> {
    #[cfg(feature = "facts")]
    {
        let plan: serde_json::Value =
            serde_json::from_str(crate::templates::DEMO_FACTS_PLAN_JSON).unwrap_or_default();
        let facts: serde_json::Map<String, serde_json::Value> = crate::templates::DEMO_FACTS
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String((*v).to_owned())))
            .collect();
        Ok(serde_json::json!({
            "plan": plan,
            "facts": facts,
            "people": crate::templates::DEMO_PEOPLE_CSV,
        })
        .to_string())
    }
    #[cfg(not(feature = "facts"))]
    Err(super::request::field_error(
        "operation",
        crate::kinds::NOT_ALLOWED,
        "this build of perfscore has no business facts (the `facts` feature is off)",
        "此版本的 perfscore 不含事实数据功能（未启用 `facts` 特性）",
    ))
}

/// The analytics operations of this build: none without the `analytics` feature, where their
/// names are unknown operations like any other.
fn analytics_operations() -> Vec<&'static str> {
    #[cfg(feature = "analytics")]
    return crate::analytics::operations();
    #[cfg(not(feature = "analytics"))]
    Vec::new()
}

/// `pool` and `weights` of a split request, every problem of both at once.
pub(super) fn pool_request(req: &Request<'_>) -> crate::Result<(Decimal, crate::input::Weights)> {
    let pool = req.decimal("pool");
    let weights = req.value("weights").and_then(crate::input::read_weights);
    match (pool, weights) {
        (Ok(pool), Ok(weights)) => Ok((pool, weights)),
        (pool, weights) => {
            let mut problems = crate::error::Problems::new();
            for e in [pool.err(), weights.err()].into_iter().flatten() {
                problems.absorb(&e);
            }
            Err(crate::Error::Input(problems.into_vec()))
        }
    }
}

/// Decimal places of a currency's minor unit: a whole number (the split checks its range).
fn whole_places(d: Decimal) -> crate::Result<u32> {
    use rust_decimal::prelude::ToPrimitive;
    d.fract()
        .is_zero()
        .then(|| d.to_u32())
        .flatten()
        .ok_or_else(|| {
            super::request::field_error(
                "minor_units",
                crate::kinds::OUT_OF_RANGE,
                format!("expected a whole number of decimal places, found {d}"),
                format!("小数位数应为非负整数，实际为 {d}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "analytics")]
    #[test]
    fn the_analytics_names_hosts_get_are_the_ones_the_analytics_run() {
        assert_eq!(
            crate::analytics::operations(),
            ANALYTICS_OPERATIONS.to_vec()
        );
    }

    #[test]
    fn operations_by_group_name_each_objects_operations() {
        let group = |g: &str| run("operations", &format!(r#"{{"group":"{g}"}}"#));
        assert!(group("analytics")
            .unwrap()
            .starts_with(r#"["seasonal_indices","#));
        assert!(group("plan").unwrap().contains(r#""score_facts""#));
        assert!(group("free").unwrap().contains(r#""demo_facts""#));
        let err = group("everything").unwrap_err();
        assert_eq!(err.problems()[0].kind, crate::kinds::UNKNOWN_VARIANT);
    }
}
