//! Cross-analysis of facts: group a plan's fact measures by any columns, by person, team, branch
//! or manager, or by month, quarter or year, with each group's share of the total, the change
//! on the previous period and on the same period last year, and a top-N with the rest as one
//! "others" row. Every aggregate is the measure's own (filter, window, exact decimals), so a
//! pivot answers the questions the scores raise without scoring combinations as people.

use super::aggregate::{is_first, overflow, Acc, Held};
use super::compile::{FactMeasure, Model};
use super::date::{days_in_month, Date};
use super::load::{Cell, Fact};
use super::org::Org;
use super::period::{window, Span};
use super::spec::Aggregate;
use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::explain::{amount, fixed2};
use crate::lang::Lang;
use crate::rounding::RoundingMode;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap, HashSet};

/// At most this many dimensions in one pivot.
pub(crate) const MAX_DIMENSIONS: usize = 8;

/// What a pivot groups by.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Dim {
    /// A source column: its index in each of the model's sources (`None` where absent, which
    /// the compiled pivot never reads).
    Column(Vec<Option<usize>>),
    Person,
    Team,
    Branch,
    Manager,
    Month,
    Quarter,
    Year,
}

impl Dim {
    fn needs_org(&self) -> bool {
        matches!(self, Dim::Team | Dim::Branch | Dim::Manager)
    }

    fn by_person(&self) -> bool {
        matches!(self, Dim::Person | Dim::Team | Dim::Branch | Dim::Manager)
    }
}

/// One group's value of one dimension. `Null` (an empty cell, an unassigned fact, a person with
/// no org entry) sorts last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Key<'a> {
    Num(Decimal),
    /// A text held by the facts or the org table: borrowed, so grouping allocates no text.
    Text(&'a str),
    Bool(bool),
    Date(Date),
    Month(i32, u32),
    Quarter(i32, u32),
    Year(i32),
    Null,
}

impl Key<'_> {
    fn json(&self) -> Value {
        match self {
            Key::Num(n) => Value::String(n.normalize().to_string()),
            Key::Text(t) => Value::String((*t).to_owned()),
            Key::Bool(b) => Value::Bool(*b),
            Key::Date(d) => Value::String(d.to_string()),
            Key::Month(y, m) => Value::String(format!("{y}-{m:02}")),
            Key::Quarter(y, q) => Value::String(format!("{y}-Q{q}")),
            Key::Year(y) => Value::String(y.to_string()),
            Key::Null => Value::Null,
        }
    }

    fn text(&self, lang: Lang) -> String {
        match (self.json(), lang) {
            (Value::String(s), _) => s,
            (Value::Null, Lang::En) => String::from("(none)"),
            (Value::Null, Lang::Zh) => String::from("（无）"),
            (other, _) => other.to_string(),
        }
    }
}

/// A pivot request, checked against the model.
#[derive(Debug)]
pub(crate) struct Pivot {
    names: Vec<String>,
    dims: Vec<Dim>,
    /// The model's measure indexes, in the order asked.
    measures: Vec<usize>,
    /// Each measure's display name, in the same order.
    labels: Vec<String>,
    previous: bool,
    last_year: bool,
    top: Option<usize>,
}

/// The fields of a pivot request, as read (unchecked against the model).
pub(crate) struct PivotFields {
    pub by: Vec<String>,
    pub measures: Option<Vec<String>>,
    pub compare: Vec<String>,
    pub top: Option<usize>,
}

/// Check a pivot against the model: every dimension a column of each measure's source or a
/// derived dimension, every measure a fact measure; `labels` gives each model measure's
/// display name. Every problem at once, each at its request path.
pub(crate) fn compile_pivot(
    model: &Model,
    fields: PivotFields,
    labels: &[String],
    has_org: bool,
) -> crate::Result<Pivot> {
    let mut problems = Problems::new();
    let measures: Vec<usize> = match &fields.measures {
        None => (0..model.measures.len()).collect(),
        Some(ids) => ids
            .iter()
            .enumerate()
            .filter_map(|(i, id)| {
                let found = model.measures.iter().position(|m| *m.id == **id);
                if found.is_none() {
                    let known: Vec<&str> = model.measures.iter().map(|m| &*m.id).collect();
                    problems.push(
                        Problem::new(
                            Loc::root().key("measures").index(i),
                            kinds::UNKNOWN_REFERENCE,
                            format!(
                                "`{}` is not a fact measure of the plan (fact measures: {})",
                                shown(id),
                                known.join(", ")
                            ),
                        )
                        .zh(format!("`{}` 不是方案中由事实计算的指标数据", shown(id))),
                    );
                }
                found
            })
            .collect(),
    };
    if measures.is_empty() && problems.is_empty() {
        problems.push(
            Problem::new(
                Loc::root().key("measures"),
                kinds::EMPTY_LIST,
                "name at least one fact measure",
            )
            .zh("至少给出一个由事实计算的指标数据"),
        );
    }
    if fields.by.len() > MAX_DIMENSIONS {
        problems.push(
            Problem::new(
                Loc::root().key("by"),
                kinds::TOO_MANY,
                format!("at most {MAX_DIMENSIONS} dimensions"),
            )
            .zh(format!("最多 {MAX_DIMENSIONS} 个分组维度")),
        );
    }
    let mut dims = Vec::with_capacity(fields.by.len());
    for (i, name) in fields.by.iter().enumerate() {
        let at = Loc::root().key("by").index(i);
        if fields.by.iter().take(i).any(|n| n == name) {
            problems.push(
                Problem::new(
                    at,
                    kinds::DUPLICATE,
                    format!("`{}` is named twice", shown(name)),
                )
                .zh(format!("`{}` 重复出现", shown(name))),
            );
            continue;
        }
        if let Some(dim) = dimension(model, &measures, name, &at, &mut problems) {
            if dim.needs_org() && !has_org {
                problems.push(
                    Problem::new(
                        Loc::root().key("org"),
                        kinds::MISSING,
                        format!("grouping by `{name}` needs the org table: give `org`"),
                    )
                    .zh(format!("按 `{name}` 分组需要组织架构表：请提供 `org`")),
                );
            }
            dims.push(dim);
        }
    }
    let (mut previous, mut last_year) = (false, false);
    for (i, c) in fields.compare.iter().enumerate() {
        match c.as_str() {
            "previous_period" => previous = true,
            "last_year" => last_year = true,
            other => problems.push(
                Problem::new(
                    Loc::root().key("compare").index(i),
                    kinds::UNKNOWN_VARIANT,
                    format!(
                        "`{}` is not a comparison (`previous_period`, `last_year`)",
                        shown(other)
                    ),
                )
                .zh(format!(
                    "`{}` 不是可用的对比（`previous_period` 上期、`last_year` 去年同期）",
                    shown(other)
                )),
            ),
        }
    }
    if fields.top == Some(0) {
        problems.push(
            Problem::new(
                Loc::root().key("top"),
                kinds::OUT_OF_RANGE,
                "`top` is at least 1",
            )
            .zh("`top` 至少为 1"),
        );
    }
    let pivot = Pivot {
        names: fields.by,
        dims,
        labels: (measures.iter())
            .map(|&m| labels.get(m).cloned().unwrap_or_default())
            .collect(),
        measures,
        previous,
        last_year,
        top: fields.top,
    };
    problems.finish(Error::Input, pivot)
}

/// The dimension `name` means: a column of every measure's source (a column wins over a
/// derived name), else `person`, `team`, `branch`, `manager`, `month`, `quarter` or `year`.
fn dimension(
    model: &Model,
    measures: &[usize],
    name: &str,
    at: &Loc,
    problems: &mut Problems,
) -> Option<Dim> {
    let column_of = |s: usize| {
        let source = model.sources.get(s)?;
        let j = source.columns.iter().position(|c| *c.id == *name)?;
        Some((j, source))
    };
    let sources: BTreeSet<usize> = (measures.iter())
        .filter_map(|&m| model.measures.get(m).map(|m| m.source))
        .collect();
    let found: Vec<(usize, Option<usize>)> = sources
        .iter()
        .map(|&s| (s, column_of(s).map(|c| c.0)))
        .collect();
    if found.iter().any(|(_, j)| j.is_some()) {
        let mut columns = vec![None; model.sources.len()];
        for &(s, j) in &found {
            let Some(source) = model.sources.get(s) else {
                continue;
            };
            match j {
                None => problems.push(
                    Problem::new(
                        at.clone(),
                        kinds::UNKNOWN_REFERENCE,
                        format!(
                            "source `{}` has no column `{}`, and a measure asked for reads it",
                            source.id,
                            shown(name)
                        ),
                    )
                    .zh(format!(
                        "数据源 `{}` 没有 `{}` 列，而所选指标数据来自该数据源",
                        source.id,
                        shown(name)
                    )),
                ),
                Some(j) if j == source.id_col => problems.push(
                    Problem::new(
                        at.clone(),
                        kinds::NOT_ALLOWED,
                        format!(
                            "`{}` is the fact id column: each fact would be its own group",
                            shown(name)
                        ),
                    )
                    .zh(format!("`{}` 是事实编号列，不能用于分组", shown(name))),
                ),
                Some(j) => {
                    if let Some(slot) = columns.get_mut(s) {
                        *slot = Some(j);
                    }
                }
            }
        }
        return Some(Dim::Column(columns));
    }
    let dim = match name {
        "person" => Dim::Person,
        "team" => Dim::Team,
        "branch" => Dim::Branch,
        "manager" => Dim::Manager,
        "month" => Dim::Month,
        "quarter" => Dim::Quarter,
        "year" => Dim::Year,
        _ => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::UNKNOWN_REFERENCE,
                    format!(
                        "`{}` is neither a column of the measures' sources nor one of person, \
                         team, branch, manager, month, quarter, year",
                        shown(name)
                    ),
                )
                .zh(format!(
                    "`{}` 既不是所选指标数据来源的列，也不是 person、team、branch、manager、month、quarter、year 之一",
                    shown(name)
                )),
            );
            return None;
        }
    };
    Some(dim)
}

/// One pass's aggregates: by group, each measure's; the total; the groups outside a top set.
struct Pass<'a> {
    /// Hashed while aggregating (many groups: a customer each); sorted for the answer.
    groups: HashMap<Vec<Key<'a>>, Vec<Acc>>,
    total: Vec<Acc>,
    others: Vec<Acc>,
}

impl Pivot {
    fn accs(&self, model: &Model) -> Vec<Acc> {
        (self.measures.iter())
            .filter_map(|&m| model.measures.get(m))
            .map(Acc::new)
            .collect()
    }

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

/// Run `pivot` over `store` for `period` as known on `as_of`: the answer as JSON.
pub(crate) fn run_pivot(
    model: &Model,
    store: &impl Held,
    pivot: &Pivot,
    org: Option<&Org>,
    period: Span,
    as_of: Option<Date>,
    lang: Lang,
) -> crate::Result<Value> {
    let passes = Passes::run(pivot, model, store, org, (period, as_of))?;
    let writer = Writer::new(pivot, model, lang, &passes);
    let mut summary = vec![pivot.headline(
        lang,
        period,
        as_of,
        &writer.totals,
        passes.current.groups.len(),
    )];
    let rows: Vec<Value> = (passes.order.iter())
        .map(|key| writer.row(&passes, key, &mut summary))
        .collect();
    let others = writer.others(&passes, &mut summary);
    let total = writer.cell(
        &writer.totals,
        passes
            .prev
            .as_ref()
            .map(|p| p.total.iter().map(Acc::peek).collect()),
        passes
            .ly
            .as_ref()
            .map(|p| p.total.iter().map(Acc::peek).collect()),
    );
    Ok(json!({
        "period": {"from": period.from.to_string(), "to": period.to.to_string()},
        "as_of": as_of.map(|d| d.to_string()),
        "by": pivot.names,
        "measures": pivot.ids(model),
        "rows": rows,
        "others": others,
        "total": total,
        "summary": summary,
    }))
}

/// The passes an answer reads: the period's (groups in answer order, with `top` the groups
/// kept), and the comparison periods' over the same groups.
struct Passes<'a> {
    current: Pass<'a>,
    order: Vec<Vec<Key<'a>>>,
    /// The groups kept, when `top` leaves some out.
    cut: Option<HashSet<Vec<Key<'a>>>>,
    prev: Option<Pass<'a>>,
    ly: Option<Pass<'a>>,
}

impl<'a> Passes<'a> {
    fn run(
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

/// Writes an answer's cells and summary lines.
struct Writer<'p> {
    pivot: &'p Pivot,
    ids: Vec<&'p str>,
    lang: Lang,
    /// The totals of the period, by measure.
    totals: Vec<Option<Decimal>>,
    /// Whether each measure adds up over groups (sums and counts): the ones with shares.
    additive: Vec<bool>,
    /// The values of no facts (0 for sums and counts): a group's in a pass it has no facts in.
    empty: Vec<Option<Decimal>>,
}

impl<'p> Writer<'p> {
    fn new(pivot: &'p Pivot, model: &'p Model, lang: Lang, passes: &Passes<'_>) -> Writer<'p> {
        let additive = (pivot.measures.iter())
            .map(|&m| {
                (model.measures.get(m))
                    .is_some_and(|s| matches!(s.aggregate, Aggregate::Sum | Aggregate::Count))
            })
            .collect();
        Writer {
            pivot,
            ids: pivot.ids(model),
            lang,
            totals: passes.current.total.iter().map(Acc::peek).collect(),
            additive,
            empty: pivot.accs(model).iter().map(Acc::peek).collect(),
        }
    }

    fn values(&self, pass: &Pass<'_>, group: &Vec<Key<'_>>) -> Vec<Option<Decimal>> {
        match pass.groups.get(group) {
            Some(a) => a.iter().map(Acc::peek).collect(),
            None => self.empty.clone(),
        }
    }

    /// One group's row, its summary line added to `summary`.
    fn row(&self, passes: &Passes<'_>, key: &Vec<Key<'_>>, summary: &mut Vec<String>) -> Value {
        let now = self.values(&passes.current, key);
        let p = passes.prev.as_ref().map(|pass| self.values(pass, key));
        let l = passes.ly.as_ref().map(|pass| self.values(pass, key));
        let named: Map<String, Value> = (self.pivot.names.iter().zip(key))
            .map(|(name, k)| (name.clone(), k.json()))
            .collect();
        summary.push(self.pivot.line(
            self.lang,
            key,
            &now,
            &self.totals,
            p.as_deref(),
            l.as_deref(),
        ));
        json!({"key": named, "values": self.cell(&now, p, l)})
    }

    /// The row of the groups `top` left out, when it left some out.
    fn others(&self, passes: &Passes<'_>, summary: &mut Vec<String>) -> Option<Value> {
        let set = passes.cut.as_ref()?;
        let n = passes.current.groups.len().saturating_sub(set.len());
        let rest = |pass: &Pass<'_>| pass.others.iter().map(Acc::peek).collect::<Vec<_>>();
        let now = rest(&passes.current);
        let (p, l) = (passes.prev.as_ref().map(rest), passes.ly.as_ref().map(rest));
        let name = match self.lang {
            Lang::En => format!("Others ({n} groups)"),
            Lang::Zh => format!("其他（{n} 组）"),
        };
        let key = [Key::Text(&name)];
        summary.push(self.pivot.line(
            self.lang,
            &key,
            &now,
            &self.totals,
            p.as_deref(),
            l.as_deref(),
        ));
        Some(json!({"groups": n, "values": self.cell(&now, p, l)}))
    }

    /// Each measure's cell: its value, share of the total and comparisons.
    fn cell(
        &self,
        now: &[Option<Decimal>],
        p: Option<Vec<Option<Decimal>>>,
        l: Option<Vec<Option<Decimal>>>,
    ) -> Value {
        let mut map = Map::new();
        for (k, id) in self.ids.iter().enumerate() {
            let v = now.get(k).copied().flatten();
            let total = self.totals.get(k).copied().flatten();
            let additive = self.additive.get(k).copied().unwrap_or(false);
            let share = additive.then(|| percent(v?, total?)).flatten();
            let mut m = Map::new();
            m.insert("value".into(), dec(v));
            m.insert("share".into(), dec(share));
            if let Some(p) = &p {
                let base = p.get(k).copied().flatten();
                change(&mut m, v, base, ["previous", "change", "change_pct"]);
            }
            if let Some(l) = &l {
                let base = l.get(k).copied().flatten();
                change(&mut m, v, base, ["last_year", "yoy_change", "yoy_pct"]);
            }
            map.insert((*id).to_owned(), Value::Object(m));
        }
        Value::Object(map)
    }
}

/// The groups in answer order, and with `top`, the set kept: by key; with `top`, by the first
/// measure, largest first (missing last, ties by key).
fn rank<'a>(pivot: &Pivot, pass: &Pass<'a>) -> (Vec<Vec<Key<'a>>>, Option<HashSet<Vec<Key<'a>>>>) {
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

impl Pivot {
    fn ids<'m>(&self, model: &'m Model) -> Vec<&'m str> {
        (self.measures.iter())
            .filter_map(|&m| model.measures.get(m).map(|s| &*s.id))
            .collect()
    }

    /// The first line: what was grouped, over which dates, and the first measure's total.
    fn headline(
        &self,
        lang: Lang,
        period: Span,
        as_of: Option<Date>,
        totals: &[Option<Decimal>],
        groups: usize,
    ) -> String {
        let label = self.labels.first().map_or("", String::as_str);
        let total = totals.first().copied().flatten();
        let end = as_of.map_or(period.to, |a| a.min(period.to));
        let by = if self.names.is_empty() {
            String::new()
        } else {
            self.names.join(" × ")
        };
        let total = total.map_or_else(|| String::from("—"), |t| amount(t).to_string());
        match lang {
            Lang::En => format!(
                "{label}{}{by}, {} to {end}: total {total} in {groups} group{}.",
                if by.is_empty() { "" } else { " by " },
                period.from,
                if groups == 1 { "" } else { "s" },
            ),
            Lang::Zh => format!(
                "{label}{}{by}，{} 至 {end}：合计 {total}，共 {groups} 组。",
                if by.is_empty() { "" } else { "，按 " },
                period.from,
            ),
        }
    }

    /// One group's line: its first measure, share of the total and changes.
    fn line(
        &self,
        lang: Lang,
        key: &[Key],
        now: &[Option<Decimal>],
        totals: &[Option<Decimal>],
        prev: Option<&[Option<Decimal>]>,
        ly: Option<&[Option<Decimal>]>,
    ) -> String {
        let name: Vec<String> = key.iter().map(|k| k.text(lang)).collect();
        let name = name.join(" / ");
        let v = now.first().copied().flatten();
        let shown = v.map_or_else(|| String::from("—"), |v| amount(v).to_string());
        let mut out = match lang {
            Lang::En => format!("{name}: {shown}"),
            Lang::Zh => format!("{name}：{shown}"),
        };
        if let Some(share) = v
            .zip(totals.first().copied().flatten())
            .and_then(|(v, t)| percent(v, t))
        {
            out.push_str(&match lang {
                Lang::En => format!(" ({} % of the total)", fixed2(share)),
                Lang::Zh => format!("（占合计 {}%）", fixed2(share)),
            });
        }
        let mut versus = |base: Option<&[Option<Decimal>]>, en: &str, zh: &str| {
            let Some(base) = base else { return };
            let b = base.first().copied().flatten();
            out.push_str(
                &match (lang, v.zip(b).and_then(|(v, b)| pct_change(v, b))) {
                    (Lang::En, Some(p)) if p.is_sign_negative() => {
                        format!("; down {} % on {en}", fixed2(p.abs()))
                    }
                    (Lang::En, Some(p)) => format!("; up {} % on {en}", fixed2(p)),
                    (Lang::Zh, Some(p)) if p.is_sign_negative() => {
                        format!("；较{zh}下降 {}%", fixed2(p.abs()))
                    }
                    (Lang::Zh, Some(p)) => format!("；较{zh}增长 {}%", fixed2(p)),
                    (Lang::En, None) => format!("; {en} had none to compare with"),
                    (Lang::Zh, None) => format!("；{zh}无可比数据"),
                },
            );
        };
        versus(prev, "the previous period", "上期");
        versus(ly, "the same period last year", "去年同期");
        out.push_str(match lang {
            Lang::En => ".",
            Lang::Zh => "。",
        });
        out
    }
}

/// `value` as a percentage of `total`, two places (half up); none when the total is 0.
fn percent(value: Decimal, total: Decimal) -> Option<Decimal> {
    if total.is_zero() {
        return None;
    }
    let p = value
        .checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(total)?;
    Some(RoundingMode::HalfUp.round(p, 2).normalize())
}

/// The change from `base` to `value` in percent of `|base|`, two places; none from 0.
fn pct_change(value: Decimal, base: Decimal) -> Option<Decimal> {
    percent(value.checked_sub(base)?, base.abs())
}

/// A comparison's fields (named `[base, change, change in percent]`): the base value, the change
/// and the change in percent.
fn change(m: &mut Map<String, Value>, v: Option<Decimal>, base: Option<Decimal>, names: [&str; 3]) {
    let [base_name, diff_name, pct_name] = names;
    m.insert(base_name.into(), dec(base));
    let diff = v.zip(base).and_then(|(v, b)| v.checked_sub(b));
    m.insert(diff_name.into(), dec(diff));
    let pct = v.zip(base).and_then(|(v, b)| pct_change(v, b));
    m.insert(pct_name.into(), dec(pct));
}

fn dec(d: Option<Decimal>) -> Value {
    d.map_or(Value::Null, |d| Value::String(d.normalize().to_string()))
}
