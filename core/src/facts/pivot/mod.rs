//! Cross-analysis of facts: group a plan's fact measures by any columns, by person, team, branch
//! or manager, or by month, quarter or year, with each group's share of the total, the change
//! on the previous period and on the same period last year, and a top-N with the rest as one
//! "others" row. Every aggregate is the measure's own (filter, window, exact decimals), so a
//! pivot answers the questions the scores raise without scoring combinations as people.

mod answer;
mod pass;

pub(crate) use answer::run_pivot;

use super::aggregate::Acc;
use super::compile::Model;
use super::date::Date;
use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::lang::Lang;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeSet;

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

impl Pivot {
    fn accs(&self, model: &Model) -> Vec<Acc> {
        (self.measures.iter())
            .filter_map(|&m| model.measures.get(m))
            .map(Acc::new)
            .collect()
    }

    fn ids<'m>(&self, model: &'m Model) -> Vec<&'m str> {
        (self.measures.iter())
            .filter_map(|&m| model.measures.get(m).map(|s| &*s.id))
            .collect()
    }
}
