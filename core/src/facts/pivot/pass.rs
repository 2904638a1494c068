//! A pivot's passes over the facts: each fact's groups (split by share on person dimensions)
//! and measures' aggregates, for the period and the periods compared with it.

use super::{Dim, Key, Pivot};
use crate::error::{Error, Problems};
use crate::facts::aggregate::{is_first, overflow, Acc, Held};
use crate::facts::compile::{FactMeasure, Model};
use crate::facts::date::{days_in_month, Date};
use crate::facts::load::{Cell, Fact};
use crate::facts::org::Org;
use crate::facts::period::{window, Span};
use crate::facts::spec::Aggregate;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// One pass's aggregates: by group, each measure's; the total; the groups outside a top set.
pub(super) struct Pass<'a> {
    /// Hashed while aggregating (many groups: a customer each); sorted for the answer.
    pub(super) groups: HashMap<Vec<Key<'a>>, Vec<Acc>>,
    pub(super) total: Vec<Acc>,
    pub(super) others: Vec<Acc>,
}

impl Pivot {
    /// Aggregate every fact in each measure's window of `period` (as known on `as_of`) into its
    /// groups; with `top`, the facts of groups outside it into `others` as well.
    fn pass<'a>(
        &self,
        model: &Model,
        store: &'a impl Held,
        org: Option<&'a Org>,
        (period, as_of): (Span, Option<Date>),
        top: Option<&HashSet<Vec<Key<'a>>>>,
        problems: &mut Problems,
    ) -> Pass<'a> {
        let spans: Vec<Span> = (self.measures.iter())
            .filter_map(|&m| model.measures.get(m))
            .map(|m| window(m.window, period, as_of))
            .collect();
        let mut pass = Pass {
            groups: HashMap::new(),
            total: self.accs(model),
            others: self.accs(model),
        };
        let mut overflowed = false;
        for (source, fact) in store.every_fact() {
            let mut parts: Option<Vec<(Vec<Key<'a>>, Decimal)>> = None;
            for (k, &m) in self.measures.iter().enumerate() {
                let Some(spec) = model.measures.get(m) else {
                    continue;
                };
                if !counts(store, m, spec, source, fact, spans.get(k)) {
                    continue;
                }
                let parts = parts.get_or_insert_with(|| self.keys(store, org, source, fact));
                let mut ok = add(&mut pass.total, k, spec, fact, Decimal::ONE);
                for (key, share) in parts.iter() {
                    // Found without copying the key; copied once, for a new group.
                    if !pass.groups.contains_key(key) {
                        pass.groups.insert(key.clone(), self.accs(model));
                    }
                    if let Some(accs) = pass.groups.get_mut(key) {
                        ok &= add(accs, k, spec, fact, *share);
                    }
                    if top.is_some_and(|t| !t.contains(key)) {
                        ok &= add(&mut pass.others, k, spec, fact, *share);
                    }
                }
                if !ok && !overflowed {
                    overflowed = true;
                    problems.push(overflow(spec, ""));
                }
            }
        }
        pass
    }

    /// The groups a fact falls in, each with the share of it that falls there: whole, unless a
    /// person dimension splits it between its credited people (people in one group merged, so
    /// nothing counts twice).
    fn keys<'a>(
        &self,
        store: &'a impl Held,
        org: Option<&'a Org>,
        source: usize,
        fact: &Fact,
    ) -> Vec<(Vec<Key<'a>>, Decimal)> {
        let holders: Vec<(Option<&'a str>, Decimal)> = if self.dims.iter().any(Dim::by_person) {
            (fact.holders())
                .map(|h| match h {
                    None => (None, Decimal::ONE),
                    Some(h) => (Some(store.text(h)), fact.share_of(h)),
                })
                .collect()
        } else {
            vec![(None, Decimal::ONE)]
        };
        let mut out: Vec<(Vec<Key<'a>>, Decimal)> = Vec::with_capacity(holders.len());
        for (holder, share) in holders {
            let key: Vec<Key<'a>> = (self.dims.iter())
                .map(|d| dim_key(d, store, org, source, fact, holder))
                .collect();
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, s)) => *s = s.saturating_add(share),
                None => out.push((key, share)),
            }
        }
        out
    }
}

/// Whether a fact counts for a measure: its source, its filter, its window, and for `count_new`
/// the first qualifying fact of its value.
fn counts(
    store: &impl Held,
    m: usize,
    spec: &FactMeasure,
    source: usize,
    fact: &Fact,
    span: Option<&Span>,
) -> bool {
    spec.source == source
        && fact.qualifies.has(m)
        && span.is_some_and(|s| s.contains(fact.date))
        && (spec.aggregate != Aggregate::CountNew || is_first(store, m, spec, fact))
}

/// Add a fact to measure `k` of `accs`; `false` on overflow.
fn add(accs: &mut [Acc], k: usize, spec: &FactMeasure, fact: &Fact, share: Decimal) -> bool {
    accs.get_mut(k)
        .is_none_or(|acc| acc.add(spec, fact, share).is_some())
}

/// A fact's value of one dimension, for the credited person `holder` (person dimensions).
fn dim_key<'a>(
    dim: &Dim,
    store: &'a impl Held,
    org: Option<&'a Org>,
    source: usize,
    fact: &Fact,
    holder: Option<&'a str>,
) -> Key<'a> {
    let (y, m, _) = fact.date.ymd();
    let entry = || holder.and_then(|h| org?.at(h, fact.date));
    let text = |t: Option<&'a str>| t.map_or(Key::Null, Key::Text);
    match dim {
        Dim::Column(columns) => {
            let cell = columns
                .get(source)
                .copied()
                .flatten()
                .and_then(|j| fact.cells.get(j));
            match cell {
                Some(Cell::Num(n)) => Key::Num(*n),
                Some(Cell::Text(t)) => Key::Text(store.text(*t)),
                Some(Cell::Bool(b)) => Key::Bool(*b),
                Some(Cell::Date(d)) => Key::Date(*d),
                Some(Cell::Missing) | None => Key::Null,
            }
        }
        Dim::Person => text(holder),
        Dim::Team => text(entry().and_then(|e| e.team.as_deref())),
        Dim::Branch => text(entry().and_then(|e| e.branch.as_deref())),
        Dim::Manager => text(entry().and_then(|e| e.manager.as_deref())),
        Dim::Month => Key::Month(y, m),
        Dim::Quarter => Key::Quarter(y, m.saturating_add(2).checked_div(3).unwrap_or(1)),
        Dim::Year => Key::Year(y),
    }
}

/// The period before `period` of the same length (whole months by months, else by days), and
/// `as_of` moved with it.
fn previous(period: Span, as_of: Option<Date>) -> Option<(Span, Option<Date>)> {
    let months = whole_months(period);
    let shift = |d: Date| match months {
        Some(n) => d.add_months(n.checked_neg()?),
        None => d.add_days(period.days().checked_neg()?),
    };
    let span = Span {
        from: shift(period.from)?,
        to: period.from.add_days(-1)?,
    };
    Some((span, as_of.and_then(shift)))
}

/// The same dates a year earlier.
fn last_year(period: Span, as_of: Option<Date>) -> Option<(Span, Option<Date>)> {
    let back = |d: Date| d.add_months(-12);
    let to = match whole_months(period) {
        // A month end stays a month end (29 February → 28 February).
        Some(_) => back(period.to.add_days(1)?)?.add_days(-1)?,
        None => back(period.to)?,
    };
    let span = Span {
        from: back(period.from)?,
        to,
    };
    Some((span, as_of.and_then(back)))
}

/// How many whole calendar months `period` covers, when it is whole months.
fn whole_months(period: Span) -> Option<i32> {
    let (y1, m1, d1) = period.from.ymd();
    let (y2, m2, d2) = period.to.ymd();
    if d1 != 1 || d2 != days_in_month(y2, m2) {
        return None;
    }
    let months = |y: i32, m: u32| y.checked_mul(12)?.checked_add(i32::try_from(m).ok()?);
    months(y2, m2)?.checked_sub(months(y1, m1)?)?.checked_add(1)
}

/// The passes an answer reads: the period's (groups in answer order, with `top` the groups
/// kept), and the comparison periods' over the same groups.
pub(super) struct Passes<'a> {
    pub(super) current: Pass<'a>,
    pub(super) order: Vec<Vec<Key<'a>>>,
    /// The groups kept, when `top` leaves some out.
    pub(super) cut: Option<HashSet<Vec<Key<'a>>>>,
    pub(super) prev: Option<Pass<'a>>,
    pub(super) ly: Option<Pass<'a>>,
}

impl<'a> Passes<'a> {
    pub(super) fn run(
        pivot: &Pivot,
        model: &Model,
        store: &'a impl Held,
        org: Option<&'a Org>,
        (period, as_of): (Span, Option<Date>),
    ) -> crate::Result<Passes<'a>> {
        let mut problems = Problems::new();
        let first = pivot.pass(model, store, org, (period, as_of), None, &mut problems);
        // With a top-N: the first measure ranks the groups (largest first, missing last), and
        // a second pass gathers the others' facts.
        let (order, top_set) = rank(pivot, &first);
        let cut = top_set.filter(|s| s.len() < first.groups.len());
        let current = match &cut {
            Some(set) => pivot.pass(model, store, org, (period, as_of), Some(set), &mut problems),
            None => first,
        };
        let mut compare = |asked: bool, shifted: Option<(Span, Option<Date>)>| {
            let when = shifted.filter(|_| asked)?;
            Some(pivot.pass(model, store, org, when, cut.as_ref(), &mut problems))
        };
        let prev = compare(pivot.previous, previous(period, as_of));
        let ly = compare(pivot.last_year, last_year(period, as_of));
        problems.finish(
            Error::Input,
            Passes {
                current,
                order,
                cut,
                prev,
                ly,
            },
        )
    }
}

/// The groups in answer order, and with `top`, the set kept: by key; with `top`, by the first
/// measure, largest first (missing last, ties by key).
fn rank<'a>(pivot: &Pivot, pass: &Pass<'a>) -> (Vec<Vec<Key<'a>>>, Option<HashSet<Vec<Key<'a>>>>) {
    // Sorted below, by key or by a comparison that ends with the key.
    #[allow(clippy::disallowed_methods)]
    let mut keys: Vec<Vec<Key>> = pass.groups.keys().cloned().collect();
    let Some(n) = pivot.top else {
        keys.sort_unstable();
        return (keys, None);
    };
    let first = |k: &Vec<Key>| {
        pass.groups
            .get(k)
            .and_then(|a| a.first())
            .and_then(Acc::peek)
    };
    let mut ranked = keys;
    ranked.sort_by(|a, b| match (first(a), first(b)) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.cmp(b)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    });
    ranked.truncate(n);
    let set = ranked.iter().cloned().collect();
    (ranked, Some(set))
}
