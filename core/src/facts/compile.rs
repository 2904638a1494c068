//! Checking the plan's sources and fact measures, every problem at once with its path, and
//! building the compiled model that loading and aggregation use.

use super::date::Date;
use super::spec::{Aggregate, AggregateSpec, ColumnType, Columns, Credit, SourceSpec, Window};
use crate::error::{kinds, loc, shown, Loc, Problem, Problems};
use crate::formula::{Formula, Type};
use crate::rounding::RoundingMode;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;

/// The longest window in days or months a measure may name (ten years).
const MAX_WINDOW_DAYS: u32 = 3660;
const MAX_WINDOW_MONTHS: u32 = 120;

/// The compiled sources and fact measures of a plan.
#[derive(Debug)]
pub(crate) struct Model {
    pub(super) sources: Vec<Source>,
    pub(super) measures: Vec<FactMeasure>,
    /// The filters' quoted texts: the value standing for `literals[i]` is `i`.
    pub(super) literals: Vec<String>,
}

#[derive(Debug)]
pub(super) struct Source {
    pub id: Arc<str>,
    pub columns: Vec<Column>,
    /// Column ids and aliases (ASCII letters folded to lower case) → column.
    pub lookup: HashMap<String, usize>,
    pub id_col: usize,
    pub date_col: usize,
    pub owner_col: usize,
    /// The column splitting credit between people, if any.
    pub credit_col: Option<usize>,
}

#[derive(Debug)]
pub(super) struct Column {
    pub id: Arc<str>,
    pub kind: ColumnType,
    pub values: Vec<String>,
    pub optional: bool,
    pub non_negative: bool,
}

/// A measure computed from facts.
#[derive(Debug)]
pub(super) struct FactMeasure {
    /// The plan measure's slot and id.
    pub slot: usize,
    pub id: Arc<str>,
    pub source: usize,
    pub aggregate: Aggregate,
    pub columns: Vec<usize>,
    pub filter: Option<Formula>,
    pub window: Win,
    pub credit: Credit,
}

/// A checked window.
#[derive(Debug, Clone, Copy)]
pub(super) enum Win {
    Period,
    ToDate,
    LastYear,
    LastDays(u32),
    LastMonths(u32),
    Range(Date, Date),
}

impl Model {
    /// The plan slots of the fact measures, in the model's order.
    /// The first measure that rolls up through the org table, when one does.
    pub(crate) fn rolled_up(&self) -> Option<&str> {
        (self.measures.iter())
            .find(|m| m.credit != Credit::Owner)
            .map(|m| &*m.id)
    }

    pub(crate) fn slots(&self) -> Vec<usize> {
        self.measures.iter().map(|m| m.slot).collect()
    }
}

/// Folded header text for matching export columns (`Amount`, `amount`).
pub(super) fn folded(name: &str) -> String {
    name.trim().to_ascii_lowercase()
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Check `sources` and the measures computed from them (`froms`: each measure's slot and
/// aggregation), reporting into `problems`; `None` when the plan uses no facts.
pub(crate) fn compile(
    sources: &[SourceSpec],
    froms: &[(usize, &str, &AggregateSpec)],
    mode: RoundingMode,
    problems: &mut Problems,
) -> Option<Model> {
    if sources.is_empty() && froms.is_empty() {
        return None;
    }
    let compiled: Vec<Source> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| source(s, &loc!("sources", i), problems))
        .collect();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, s) in sources.iter().enumerate() {
        if ids.insert(s.id.as_str(), i).is_some() {
            problems.push(
                Problem::new(
                    loc!("sources", i, "id"),
                    kinds::DUPLICATE,
                    format!("duplicate source id `{}`", shown(&s.id)),
                )
                .zh(format!("数据源 id `{}` 重复", shown(&s.id))),
            );
        }
    }
    let mut literals = Vec::new();
    let measures = froms
        .iter()
        .filter_map(|&(slot, id, spec)| {
            let at = loc!("measures", slot, "from");
            let m = measure(
                slot,
                spec,
                &at,
                &compiled,
                &ids,
                &mut literals,
                mode,
                problems,
            );
            m.map(|m| FactMeasure {
                id: Arc::from(id),
                ..m
            })
        })
        .collect();
    Some(Model {
        sources: compiled,
        measures,
        literals,
    })
}

fn source(spec: &SourceSpec, at: &Loc, problems: &mut Problems) -> Source {
    if !is_identifier(&spec.id) {
        problems.push(
            Problem::new(
                at.clone().key("id"),
                kinds::INVALID_ID,
                format!(
                    "source id `{}` must be ASCII letters, digits and `_`, not starting with a digit",
                    shown(&spec.id)
                ),
            )
            .zh(format!(
                "数据源 id `{}` 只能由英文字母、数字和 `_` 组成，且不能以数字开头",
                shown(&spec.id)
            )),
        );
    }
    if spec.columns.is_empty() {
        problems.push(
            Problem::new(
                at.clone().key("columns"),
                kinds::EMPTY_LIST,
                "a source needs columns",
            )
            .zh("数据源至少要有一列"),
        );
    }
    let mut lookup = HashMap::new();
    let mut columns = Vec::with_capacity(spec.columns.len());
    for (j, c) in spec.columns.iter().enumerate() {
        let cat = at.clone().key("columns").index(j);
        if !is_identifier(&c.id) {
            problems.push(
                Problem::new(
                    cat.clone().key("id"),
                    kinds::INVALID_ID,
                    format!(
                        "column id `{}` must be ASCII letters, digits and `_`, not starting with a digit",
                        shown(&c.id)
                    ),
                )
                .zh(format!("列 id `{}` 只能由英文字母、数字和 `_` 组成", shown(&c.id))),
            );
        }
        let names = std::iter::once((c.id.as_str(), cat.clone().key("id"))).chain(
            c.aliases
                .iter()
                .enumerate()
                .map(|(k, a)| (a.as_str(), cat.clone().key("aliases").index(k))),
        );
        for (name, nat) in names {
            // The same name twice for one column (`owner` and `Owner`) is harmless.
            if lookup
                .insert(folded(name), j)
                .is_some_and(|other| other != j)
            {
                problems.push(
                    Problem::new(
                        nat,
                        kinds::DUPLICATE,
                        format!("`{}` names two columns of the source", shown(name)),
                    )
                    .zh(format!("`{}` 在该数据源中指向两列", shown(name))),
                );
            }
        }
        check_values(c.kind, &c.values, &cat, problems);
        if c.non_negative && !matches!(c.kind, ColumnType::Decimal | ColumnType::Integer) {
            problems.push(
                Problem::new(
                    cat.clone().key("non_negative"),
                    kinds::NOT_ALLOWED,
                    "`non_negative` is for decimal and integer columns",
                )
                .zh("`non_negative` 只用于数值列（decimal、integer）"),
            );
        }
        columns.push(Column {
            id: Arc::from(c.id.as_str()),
            kind: c.kind,
            values: c.values.clone(),
            optional: c.optional,
            non_negative: c.non_negative,
        });
    }
    let role = |name: &str, field: &str, allowed: &[ColumnType], problems: &mut Problems| {
        let found = spec.columns.iter().position(|c| c.id == name);
        let at = at.clone().key(field);
        match found.and_then(|j| spec.columns.get(j).map(|c| (j, c))) {
            None => {
                problems.push(
                    Problem::new(
                        at,
                        kinds::UNKNOWN_REFERENCE,
                        format!("no column `{}` in the source", shown(name)),
                    )
                    .zh(format!("数据源中没有列 `{}`", shown(name))),
                );
                0
            }
            Some((j, c)) if !allowed.contains(&c.kind) => {
                let want: Vec<&str> = allowed.iter().map(|k| type_name(*k)).collect();
                problems.push(
                    Problem::new(
                        at,
                        kinds::WRONG_TYPE,
                        format!(
                            "`{}` is a {} column; `{field}` needs {}",
                            shown(name),
                            type_name(c.kind),
                            want.join(" or ")
                        ),
                    )
                    .zh(format!(
                        "`{}` 是 {} 列，`{field}` 需要 {}",
                        shown(name),
                        type_name(c.kind),
                        want.join(" 或 ")
                    )),
                );
                j
            }
            Some((j, _)) => j,
        }
    };
    use ColumnType as T;
    let id_col = role(
        &spec.id_column,
        "id_column",
        &[T::Text, T::Integer],
        problems,
    );
    let date_col = role(&spec.date_column, "date_column", &[T::Date], problems);
    let owner_col = role(&spec.owner_column, "owner_column", &[T::Text], problems);
    let credit_col = spec
        .credit_column
        .as_deref()
        .map(|c| role(c, "credit_column", &[T::Text], problems));
    Source {
        id: Arc::from(spec.id.as_str()),
        columns,
        lookup,
        id_col,
        date_col,
        owner_col,
        credit_col,
    }
}

fn check_values(kind: ColumnType, values: &[String], at: &Loc, problems: &mut Problems) {
    let at = at.clone().key("values");
    match (kind, values.is_empty()) {
        (ColumnType::Enum, true) => problems.push(
            Problem::new(at, kinds::EMPTY_LIST, "an enum column lists its `values`")
                .zh("枚举列需要列出可取的值（`values`）"),
        ),
        (ColumnType::Enum, false) => {
            for (k, v) in values.iter().enumerate() {
                if values.get(..k).is_some_and(|before| before.contains(v)) {
                    problems.push(
                        Problem::new(
                            at.clone().index(k),
                            kinds::DUPLICATE,
                            format!("duplicate value `{}`", shown(v)),
                        )
                        .zh(format!("可取值 `{}` 重复", shown(v))),
                    );
                }
            }
        }
        (_, false) => problems.push(
            Problem::new(at, kinds::NOT_ALLOWED, "`values` is for enum columns")
                .zh("`values` 只用于枚举列"),
        ),
        (_, true) => {}
    }
}

pub(super) fn type_name(kind: ColumnType) -> &'static str {
    match kind {
        ColumnType::Text => "text",
        ColumnType::Decimal => "decimal",
        ColumnType::Integer => "integer",
        ColumnType::Date => "date",
        ColumnType::Boolean => "boolean",
        ColumnType::Enum => "enum",
    }
}

#[allow(clippy::too_many_arguments)]
fn measure(
    slot: usize,
    spec: &AggregateSpec,
    at: &Loc,
    sources: &[Source],
    ids: &HashMap<&str, usize>,
    literals: &mut Vec<String>,
    mode: RoundingMode,
    problems: &mut Problems,
) -> Option<FactMeasure> {
    let before = problems.count();
    let Some((index, source)) = ids
        .get(spec.source.as_str())
        .and_then(|&i| sources.get(i).map(|s| (i, s)))
    else {
        let known: Vec<&str> = sources.iter().map(|s| &*s.id).collect();
        problems.push(
            Problem::new(
                at.clone().key("source"),
                kinds::UNKNOWN_REFERENCE,
                format!(
                    "no source `{}` in the plan (sources: {})",
                    shown(&spec.source),
                    known.join(", ")
                ),
            )
            .zh(format!("方案中没有数据源 `{}`", shown(&spec.source))),
        );
        return None;
    };
    let columns = aggregate_columns(spec, source, at, problems);
    let filter = spec.filter.as_deref().and_then(|text| {
        compile_filter(
            text,
            source,
            literals,
            mode,
            &at.clone().key("filter"),
            problems,
        )
    });
    let window = window(&spec.window, &at.clone().key("window"), problems);
    (problems.count() == before).then_some(FactMeasure {
        slot,
        id: Arc::from(""),
        source: index,
        aggregate: spec.aggregate,
        columns,
        filter,
        window: window?,
        credit: spec.credit,
    })
}

/// The aggregated columns, checked against what the aggregate needs.
fn aggregate_columns(
    spec: &AggregateSpec,
    source: &Source,
    at: &Loc,
    problems: &mut Problems,
) -> Vec<usize> {
    let at = at.clone().key("column");
    let names: Vec<&str> = match &spec.column {
        None => Vec::new(),
        Some(Columns::One(c)) => vec![c.as_str()],
        Some(Columns::Many(cs)) => cs.iter().map(String::as_str).collect(),
    };
    let name = aggregate_name(spec.aggregate);
    let need = match spec.aggregate {
        Aggregate::Count => Need::None,
        Aggregate::CountDistinct | Aggregate::CountNew => Need::Any,
        _ => Need::OneNumber,
    };
    let wrong = |message: String, zh: String| {
        Problem::new(at.clone(), kinds::INVALID_VALUE, message).zh(zh)
    };
    match (need, names.len()) {
        (Need::None, 0) => return Vec::new(),
        (Need::None, _) => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::NOT_ALLOWED,
                    "`count` counts facts and takes no `column`",
                )
                .zh("`count` 统计事实条数，不需要 `column`"),
            );
            return Vec::new();
        }
        (_, 0) => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::MISSING_FIELD,
                    format!("`{name}` needs a `column`"),
                )
                .zh(format!("`{name}` 需要指定列（`column`）")),
            );
            return Vec::new();
        }
        (Need::OneNumber, n) if n > 1 => {
            problems.push(wrong(
                format!("`{name}` aggregates one column"),
                format!("`{name}` 只能汇总一列"),
            ));
            return Vec::new();
        }
        _ => {}
    }
    let mut out = Vec::with_capacity(names.len());
    for (k, n) in names.iter().enumerate() {
        let cat = if names.len() > 1 {
            at.clone().index(k)
        } else {
            at.clone()
        };
        let Some(&j) = source.columns.iter().position(|c| &*c.id == *n).as_ref() else {
            let known: Vec<&str> = source.columns.iter().map(|c| &*c.id).collect();
            problems.push(
                Problem::new(
                    cat,
                    kinds::UNKNOWN_REFERENCE,
                    format!(
                        "no column `{}` in source `{}` (columns: {})",
                        shown(n),
                        source.id,
                        known.join(", ")
                    ),
                )
                .zh(format!("数据源 `{}` 中没有列 `{}`", source.id, shown(n))),
            );
            continue;
        };
        let kind = source.columns.get(j).map(|c| c.kind);
        if j == source.id_col {
            problems.push(
                Problem::new(
                    cat,
                    kinds::NOT_ALLOWED,
                    format!(
                        "`{}` is the source's id column: count facts with `count`",
                        shown(n)
                    ),
                )
                .zh(format!(
                    "`{}` 是数据源的编号列：统计条数请用 `count`",
                    shown(n)
                )),
            );
            continue;
        }
        if need == Need::OneNumber
            && !matches!(kind, Some(ColumnType::Decimal | ColumnType::Integer))
        {
            let found = kind.map_or("unknown", type_name);
            problems.push(
                Problem::new(
                    cat,
                    kinds::WRONG_TYPE,
                    format!(
                        "`{name}` needs a number column, but `{}` is {found}",
                        shown(n)
                    ),
                )
                .zh(format!(
                    "`{name}` 需要数值列，而 `{}` 是 {found} 列",
                    shown(n)
                )),
            );
            continue;
        }
        out.push(j);
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    None,
    Any,
    OneNumber,
}

pub(super) fn aggregate_name(a: Aggregate) -> &'static str {
    match a {
        Aggregate::Sum => "sum",
        Aggregate::Count => "count",
        Aggregate::CountDistinct => "count_distinct",
        Aggregate::CountNew => "count_new",
        Aggregate::Min => "min",
        Aggregate::Max => "max",
        Aggregate::Mean => "mean",
        Aggregate::First => "first",
        Aggregate::Last => "last",
    }
}

/// A filter over the source's columns: text and enum columns are text, booleans conditions,
/// numbers numbers; dates are chosen by the window, not the filter.
fn compile_filter(
    text: &str,
    source: &Source,
    literals: &mut Vec<String>,
    mode: RoundingMode,
    at: &Loc,
    problems: &mut Problems,
) -> Option<Formula> {
    for quoted in Formula::quoted_texts(text) {
        if !literals.contains(&quoted) {
            literals.push(quoted);
        }
    }
    // Dates are chosen by the window; the id identifies a fact and is not a value of it.
    let resolve = |name: &str| {
        let j = source.columns.iter().position(|c| &*c.id == name)?;
        let kind = source.columns.get(j).map(|c| c.kind);
        (j != source.id_col && kind != Some(ColumnType::Date)).then_some(j)
    };
    let kind_of = |slot: usize| match source.columns.get(slot).map(|c| c.kind) {
        Some(ColumnType::Text | ColumnType::Enum) => Type::Text,
        Some(ColumnType::Boolean) => Type::Bool,
        _ => Type::Number,
    };
    let value = |quoted: &str| literals.iter().position(|l| l == quoted).map(Decimal::from);
    match Formula::compile_typed(text, &resolve, &kind_of, &value, Type::Bool, mode) {
        Ok(f) => {
            check_enum_literals(text, source, at, problems);
            Some(f)
        }
        Err(e) => {
            problems.push(
                Problem::new(at.clone(), e.kind(), format!("in `{text}`: {e}")).zh(format!(
                    "筛选条件 `{text}` 第 {} 列有误：{}",
                    e.column, e.message
                )),
            );
            None
        }
    }
}

/// A quoted text that no enum column of the source allows, where the filter names only enum
/// columns, is a typo (`"singed"`): it could never match.
fn check_enum_literals(text: &str, source: &Source, at: &Loc, problems: &mut Problems) {
    let named: Vec<&Column> = source
        .columns
        .iter()
        .filter(|c| mentions(text, &c.id))
        .collect();
    let only_enums = !named.is_empty()
        && named
            .iter()
            .filter(|c| matches!(c.kind, ColumnType::Text | ColumnType::Enum))
            .all(|c| c.kind == ColumnType::Enum);
    if !only_enums {
        return;
    }
    for quoted in Formula::quoted_texts(text) {
        if !named.iter().any(|c| c.values.contains(&quoted)) {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::UNKNOWN_REFERENCE,
                    format!(
                        "in `{text}`: \"{}\" is not a value of any enum column it names",
                        shown(&quoted)
                    ),
                )
                .zh(format!(
                    "筛选条件 `{text}` 中的 \"{}\" 不是所涉枚举列的可取值",
                    shown(&quoted)
                )),
            );
        }
    }
}

/// Whether `text` uses the name `id` as a whole word.
fn mentions(text: &str, id: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| w == id)
}

fn window(spec: &Window, at: &Loc, problems: &mut Problems) -> Option<Win> {
    let too_long = |n: u32, max: u32, unit: &str, problems: &mut Problems| {
        let ok = (1..=max).contains(&n);
        if !ok {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::OUT_OF_RANGE,
                    format!("a window of {n} {unit} is outside 1 to {max}"),
                )
                .zh(format!("时间窗口 {n} 超出范围（1 到 {max}）")),
            );
        }
        ok
    };
    Some(match spec {
        Window::Period => Win::Period,
        Window::ToDate => Win::ToDate,
        Window::LastYear => Win::LastYear,
        Window::LastDays(n) => {
            too_long(*n, MAX_WINDOW_DAYS, "days", problems).then_some(Win::LastDays(*n))?
        }
        Window::LastMonths(n) => {
            too_long(*n, MAX_WINDOW_MONTHS, "months", problems).then_some(Win::LastMonths(*n))?
        }
        Window::Range { from, to } => {
            let date = |text: &str, key: &str, problems: &mut Problems| {
                let d = Date::parse(text);
                if d.is_none() {
                    problems.push(bad_date(at.clone().key("range").key(key), text));
                }
                d
            };
            let (from, to) = (date(from, "from", problems), date(to, "to", problems));
            let (from, to) = (from?, to?);
            if from > to {
                problems.push(
                    Problem::new(
                        at.clone().key("range"),
                        kinds::EMPTY_RANGE,
                        format!("the range ends ({to}) before it starts ({from})"),
                    )
                    .zh(format!("日期范围的结束（{to}）早于开始（{from}）")),
                );
                return None;
            }
            Win::Range(from, to)
        }
    })
}

/// The problem for text that is not a date.
pub(super) fn bad_date(at: Loc, text: &str) -> Problem {
    Problem::new(
        at,
        kinds::INVALID_VALUE,
        format!("expected a date like 2026-06-30, found `{}`", shown(text)),
    )
    .zh(format!(
        "应为日期（如 2026-06-30），实际为 `{}`",
        shown(text)
    ))
}
