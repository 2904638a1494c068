//! Data quality and reconciliation: what a month's exports hold before anyone is scored on them.
//! `check` reads facts leniently (the bad rows reported, the good ones kept) and lists what the
//! scoring operations would refuse or leave out; `reconcile` compares two fact measures per
//! person (CRM revenue against finance's invoiced amount) within a tolerance.

use super::aggregate::{measure, outside_org, unassigned, Held};
use super::compile::Model;
use super::date::Date;
use super::load;
use super::org::Org;
use super::period::Span;
use super::store::Store;
use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::explain::{amount, fixed2};
use crate::lang::Lang;
use crate::rounding::RoundingMode;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The data-quality report of `value` (`{"orders": [...] or "CSV", ...}`): every problem loading
/// would refuse, as data, and of the facts that read cleanly, those dated outside `period`,
/// those with no owner, and (with `org`) those of people with no org entry on their date.
pub(crate) fn check(model: &Model, value: Value, period: Option<Span>, org: Option<&Org>) -> Value {
    let at = Loc::root().key("facts");
    let mut problems = Problems::new();
    let mut store = Store::new(model);
    let mut read: BTreeMap<String, usize> = BTreeMap::new();
    if let Value::Object(map) = value {
        for (key, rows) in map {
            let sat = at.clone().key(key.as_str());
            let Some(index) = load::source_index(model, &key, &sat, &mut problems) else {
                continue;
            };
            let Some(source) = model.sources.get(index) else {
                continue;
            };
            let facts = load::read_source(source, rows, &sat, &mut store.texts, &mut problems);
            read.insert(key, facts.len());
            // A fact a filter cannot be evaluated on is reported and left out, alone.
            if let Err(e) = store.add(model, index, facts.clone(), &sat, true) {
                problems.absorb(&e);
                for fact in facts {
                    let _ = store.add(model, index, vec![fact], &sat, true);
                }
            }
        }
    } else {
        problems.push(
            Problem::new(
                at,
                kinds::WRONG_TYPE,
                "expected an object of sources: {\"orders\": [...], ...}",
            )
            .zh("应为按数据源给出的对象：{\"orders\": [...], ...}"),
        );
    }
    let problems = problems.into_vec();
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &problems {
        let n = by_kind.entry(p.kind).or_default();
        *n = n.saturating_add(1);
    }
    let outside: Vec<Value> =
        period.map_or_else(Vec::new, |span| outside_period(model, &store, span));
    let listed = |list: Vec<super::Unassigned>| -> Vec<Value> {
        list.into_iter()
            .map(|u| json!({"source": u.source, "row": u.row, "id": u.id}))
            .collect()
    };
    let mut out = json!({
        "ok": problems.is_empty(),
        "facts": read,
        "problems": problems,
        "kinds": by_kind,
        "unassigned": listed(unassigned(model, &store)),
    });
    if let Some(map) = out.as_object_mut() {
        if period.is_some() {
            map.insert("outside_period".into(), outside.into());
        }
        if let (Some(org), Some(span)) = (org, period) {
            let list: Vec<Value> = outside_org(model, &store, org, span)
                .into_iter()
                .map(|(u, p)| json!({"source": u.source, "row": u.row, "id": u.id, "owner": p}))
                .collect();
            map.insert("not_in_org".into(), list.into());
        }
    }
    out
}

/// The facts dated outside `span`, with their dates.
fn outside_period(model: &Model, store: &impl Held, span: Span) -> Vec<Value> {
    let outside = store.every_fact().filter(|(_, f)| !span.contains(f.date));
    outside
        .map(|(s, fact)| {
            let source = model.sources.get(s).map_or("", |s| &*s.id);
            json!({"source": source, "row": fact.row, "id": &*fact.id,
                "date": fact.date.to_string()})
        })
        .collect()
}

/// What a reconciliation compares, and how closely.
pub(crate) struct Reconcile {
    pub left: String,
    pub right: String,
    /// The largest difference that still matches, absolute.
    pub tolerance: Decimal,
    /// Or relative to the right side, in percent.
    pub tolerance_pct: Option<Decimal>,
}

/// Compare measures `left` and `right` for every person with facts (and `people`), over
/// `period` as known on `as_of`: the people whose values differ beyond the tolerance, the
/// largest difference first.
pub(crate) fn reconcile(
    model: &Model,
    store: &impl Held,
    how: &Reconcile,
    (period, as_of): (Span, Option<Date>),
    people: Option<&[String]>,
    org: Option<&Org>,
    lang: Lang,
) -> crate::Result<Value> {
    let mut problems = Problems::new();
    let find = |field: &str, id: &str, problems: &mut Problems| {
        let found = model.measures.iter().position(|m| *m.id == *id);
        if found.is_none() {
            problems.push(
                Problem::new(
                    Loc::root().key(field),
                    kinds::UNKNOWN_REFERENCE,
                    format!("`{}` is not a fact measure of the plan", shown(id)),
                )
                .zh(format!("`{}` 不是方案中由事实计算的指标数据", shown(id))),
            );
        }
        found
    };
    let left = find("left", &how.left, &mut problems);
    let right = find("right", &how.right, &mut problems);
    if how.tolerance.is_sign_negative() || how.tolerance_pct.is_some_and(|t| t.is_sign_negative()) {
        problems.push(
            Problem::new(
                Loc::root().key("tolerance"),
                kinds::NEGATIVE,
                "a tolerance is 0 or more",
            )
            .zh("容差不能为负数"),
        );
    }
    let (Some(left), Some(right)) = (left, right) else {
        return Err(Error::Input(problems.into_vec()));
    };
    problems.finish(Error::Input, ())?;
    let mut asked: Vec<String> = store.owners().into_iter().map(str::to_owned).collect();
    for p in people.into_iter().flatten() {
        if !asked.contains(p) {
            asked.push(p.clone());
        }
    }
    let measured = measure(model, store, period, as_of, Some(&asked), org)?;
    let mut differences = Vec::new();
    let mut matched = 0usize;
    for (person, values) in &measured {
        let l = values.get(left).copied().flatten();
        let r = values.get(right).copied().flatten();
        let diff = l.zip(r).and_then(|(l, r)| l.checked_sub(r));
        if diff.is_some_and(|d| within(d, r, how)) {
            matched = matched.saturating_add(1);
            continue;
        }
        differences.push((person, l, r, diff));
    }
    // The largest difference first; a missing side before any number; then by person.
    differences.sort_by(|a, b| {
        let size = |d: Option<Decimal>| d.map(|d| d.abs());
        match (size(a.3), size(b.3)) {
            (None, None) => a.0.cmp(b.0),
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.0.cmp(b.0)),
        }
    });
    let text =
        |d: Option<Decimal>| d.map_or(Value::Null, |d| Value::String(d.normalize().to_string()));
    let mut summary = vec![headline(how, measured.len(), matched, lang)];
    let rows: Vec<Value> = differences
        .iter()
        .map(|(person, l, r, d)| {
            let pct = d.zip(*r).and_then(|(d, r)| percent_of(d, r));
            summary.push(line(how, person, *l, *r, *d, pct, lang));
            json!({"person": person, "left": text(*l), "right": text(*r),
                "difference": text(*d), "difference_pct": text(pct)})
        })
        .collect();
    Ok(json!({
        "left": how.left,
        "right": how.right,
        "period": {"from": period.from.to_string(), "to": period.to.to_string()},
        "as_of": as_of.map(|d| d.to_string()),
        "people": measured.len(),
        "matched": matched,
        "differences": rows,
        "summary": summary,
    }))
}

/// Whether a difference `d` is within the tolerance: at most `tolerance`, or at most
/// `tolerance_pct` % of the right side.
fn within(d: Decimal, right: Option<Decimal>, how: &Reconcile) -> bool {
    let d = d.abs();
    let relative = how
        .tolerance_pct
        .zip(right)
        .and_then(|(pct, r)| r.abs().checked_mul(pct)?.checked_div(Decimal::ONE_HUNDRED));
    d <= how.tolerance || relative.is_some_and(|limit| d <= limit)
}

/// `d` as a percentage of `base`, two places (half up); none when the base is 0.
fn percent_of(d: Decimal, base: Decimal) -> Option<Decimal> {
    if base.is_zero() {
        return None;
    }
    let p = d
        .checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(base.abs())?;
    Some(RoundingMode::HalfUp.round(p, 2).normalize())
}

fn headline(how: &Reconcile, people: usize, matched: usize, lang: Lang) -> String {
    let differ = people.saturating_sub(matched);
    let tol = amount(how.tolerance);
    let pct = how.tolerance_pct.map(fixed2);
    match (lang, pct) {
        (Lang::En, None) => format!(
            "{} against {}: {matched} of {people} people match within {tol}; {differ} differ.",
            how.left, how.right
        ),
        (Lang::En, Some(p)) => format!(
            "{} against {}: {matched} of {people} people match within {tol} or {p} %; {differ} differ.",
            how.left, how.right
        ),
        (Lang::Zh, None) => format!(
            "{} 对比 {}：{people} 人中 {matched} 人在容差 {tol} 内一致，{differ} 人不一致。",
            how.left, how.right
        ),
        (Lang::Zh, Some(p)) => format!(
            "{} 对比 {}：{people} 人中 {matched} 人在容差 {tol} 或 {p}% 内一致，{differ} 人不一致。",
            how.left, how.right
        ),
    }
}

fn line(
    how: &Reconcile,
    person: &str,
    l: Option<Decimal>,
    r: Option<Decimal>,
    d: Option<Decimal>,
    pct: Option<Decimal>,
    lang: Lang,
) -> String {
    let v = |x: Option<Decimal>| x.map_or_else(|| String::from("—"), |x| amount(x).to_string());
    let (left, right) = (&how.left, &how.right);
    let gap = match (lang, d, pct) {
        (Lang::En, None, _) => String::from("one side has no value"),
        (Lang::Zh, None, _) => String::from("一方没有数值"),
        (Lang::En, Some(d), p) => {
            let more = if d.is_sign_negative() { right } else { left };
            let p = p.map_or_else(String::new, |p| {
                format!(" ({} % of {right})", fixed2(p.abs()))
            });
            format!("{} more in {more}{p}", amount(d.abs()))
        }
        (Lang::Zh, Some(d), p) => {
            let more = if d.is_sign_negative() { right } else { left };
            let p = p.map_or_else(String::new, |p| {
                format!("（为 {right} 的 {}%）", fixed2(p.abs()))
            });
            format!("{more} 多 {}{p}", amount(d.abs()))
        }
    };
    match lang {
        Lang::En => format!("{person}: {left} {}, {right} {}: {gap}.", v(l), v(r)),
        Lang::Zh => format!("{person}：{left} {}，{right} {}：{gap}。", v(l), v(r)),
    }
}
