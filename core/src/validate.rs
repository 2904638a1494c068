//! Shared validation helpers for plan-like documents (scoring plans, pay plans): a problem
//! collector with the common checks. Structural reading is in `json`.

use crate::error::{kinds, shown, Loc, Problem, Problems};
use crate::formula::{Formula, Type};
use crate::plan::spec::ValueSpec;
use crate::rounding::RoundingMode;
use rust_decimal::Decimal;
use std::collections::HashSet;

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Collects problems while compiling a document, so all are reported at once.
pub(crate) struct Checker {
    pub problems: Problems,
}

impl Checker {
    /// An empty collector.
    pub fn new() -> Self {
        Checker {
            problems: Problems::new(),
        }
    }

    /// An empty collector that lists at most `limit` problems.
    pub fn with_limit(limit: usize) -> Self {
        Checker {
            problems: Problems::with_limit(limit),
        }
    }

    /// Add one problem.
    pub fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Ids are given and unique; `what`/`what_zh` name the entries (`indicator`, `指标`).
    pub fn unique<'a>(
        &mut self,
        path: &Loc,
        (what, what_zh): (&str, &str),
        ids: impl Iterator<Item = &'a str>,
    ) {
        let mut seen = HashSet::new();
        for (i, id) in ids.enumerate() {
            let at = path.clone().index(i).key("id");
            if id.trim().is_empty() {
                self.push(
                    Problem::new(at, kinds::EMPTY, format!("{what} id is empty"))
                        .zh(format!("{what_zh} id 为空")),
                );
            } else if !seen.insert(id) {
                let id = shown(id);
                self.push(
                    Problem::new(at, kinds::DUPLICATE, format!("duplicate {what} id `{id}`"))
                        .zh(format!("{what_zh} id `{id}` 重复")),
                );
            }
        }
    }

    /// No weight is negative, and together they make 100%.
    pub fn weights_sum(
        &mut self,
        path: &Loc,
        (what, what_zh): (&str, &str),
        weights: impl Iterator<Item = (usize, Decimal)>,
    ) {
        let mut sum = Decimal::ZERO;
        for (i, w) in weights {
            if w.is_sign_negative() && !w.is_zero() {
                self.push(
                    Problem::new(
                        path.clone().index(i).key("weight"),
                        kinds::NEGATIVE,
                        format!("weight is negative ({w}%)"),
                    )
                    .zh(format!("权重为负数（{w}%）")),
                );
            }
            sum = sum.checked_add(w).unwrap_or(Decimal::MAX);
        }
        if sum != HUNDRED {
            let sum = sum.normalize();
            self.push(
                Problem::new(
                    path.clone(),
                    kinds::WEIGHTS_DO_NOT_SUM,
                    format!("{what} weights sum to {sum}%, expected 100%"),
                )
                .zh(format!("{what_zh}权重合计为 {sum}%，应为 100%")),
            );
        }
    }

    /// The formula compiled, or its first problem reported at `path`.
    pub fn formula(
        &mut self,
        path: &Loc,
        source: &str,
        expect: Type,
        resolve: &dyn Fn(&str) -> Option<usize>,
        mode: RoundingMode,
    ) -> Option<Formula> {
        match Formula::compile(source, resolve, expect, mode) {
            Ok(f) => Some(f),
            Err(e) => {
                // The compiler's detail stays in English; the lead-in says where it is.
                self.push(
                    Problem::new(path.clone(), e.kind(), format!("in `{source}`: {e}")).zh(
                        format!("公式 `{source}` 第 {} 列有误：{}", e.column, e.message),
                    ),
                );
                None
            }
        }
    }

    pub fn value(
        &mut self,
        path: &Loc,
        spec: &ValueSpec,
        resolve: &dyn Fn(&str) -> Option<usize>,
        mode: RoundingMode,
    ) -> Option<Formula> {
        match spec {
            ValueSpec::Number(n) => Some(Formula::constant(n.0)),
            ValueSpec::Formula(src) => self.formula(path, src, Type::Number, resolve, mode),
        }
    }

    pub fn floor_cap(&mut self, path: &Loc, floor: Option<Decimal>, cap: Option<Decimal>) {
        if let (Some(f), Some(c)) = (floor, cap) {
            if f > c {
                self.push(
                    Problem::new(
                        path.clone(),
                        kinds::FLOOR_ABOVE_CAP,
                        format!("floor {f} is above cap {c}"),
                    )
                    .zh(format!("下限 {f} 高于上限 {c}")),
                );
            }
        }
    }

    /// Half-open intervals must follow each other exactly: no gap, no overlap, none empty.
    /// `what`/`what_zh` name one interval (`grade`, `等级区间`).
    pub fn intervals(
        &mut self,
        path: &Loc,
        (what, what_zh): (&str, &str),
        ranges: &[(Option<Decimal>, Option<Decimal>)],
        full: bool,
    ) {
        if ranges.is_empty() {
            self.push(
                Problem::new(
                    path.clone(),
                    kinds::EMPTY_LIST,
                    format!("at least one {what} is needed"),
                )
                .zh(format!("至少需要一个{what_zh}")),
            );
            return;
        }
        let at = |i: usize, field: Option<&str>| {
            let item = path.clone().index(i);
            match field {
                Some(f) => item.key(f),
                None => item,
            }
        };
        for (i, (from, to)) in ranges.iter().enumerate() {
            if let (Some(f), Some(t)) = (from, to) {
                if f >= t {
                    self.push(
                        Problem::new(
                            at(i, None),
                            kinds::EMPTY_RANGE,
                            format!("{what} [{f}, {t}) is empty"),
                        )
                        .zh(format!("{what_zh} [{f}, {t}) 为空")),
                    );
                }
            }
            if let Some(prev) = i.checked_sub(1) {
                let prev_to = ranges[prev].1;
                let problem = match (prev_to, from) {
                    (Some(p), Some(f)) if p < *f => Some(
                        Problem::new(
                            at(i, Some("from")),
                            kinds::RANGE_GAP,
                            format!("gap between {what}s: nothing covers [{p}, {f})"),
                        )
                        .zh(format!(
                            "{what_zh}之间有空缺：[{p}, {f}) 不在任何{what_zh}内"
                        )),
                    ),
                    (Some(p), Some(f)) if p > *f => Some(
                        Problem::new(
                            at(i, Some("from")),
                            kinds::RANGE_OVERLAP,
                            format!("{what}s overlap: [{f}, {p}) is covered twice"),
                        )
                        .zh(format!("{what_zh}相互重叠：[{f}, {p}) 被覆盖了两次")),
                    ),
                    (None, _) => Some(
                        Problem::new(
                            at(prev, Some("to")),
                            kinds::OPEN_END_MISPLACED,
                            format!("only the last {what} may be open-ended above"),
                        )
                        .zh(format!("只有最后一个{what_zh}可以没有上限")),
                    ),
                    (Some(_), None) => Some(
                        Problem::new(
                            at(i, Some("from")),
                            kinds::OPEN_END_MISPLACED,
                            format!("only the first {what} may be open-ended below"),
                        )
                        .zh(format!("只有第一个{what_zh}可以没有下限")),
                    ),
                    _ => None,
                };
                if let Some(p) = problem {
                    self.push(p);
                }
            }
        }
        if full {
            if ranges.first().is_some_and(|r| r.0.is_some()) {
                self.push(
                    Problem::new(
                        at(0, Some("from")),
                        kinds::NOT_COVERED,
                        format!("the lowest {what} must have no `from`, so every total gets one"),
                    )
                    .zh(format!(
                        "最低的{what_zh}不能设 `from`，这样每个总分都有对应的{what_zh}"
                    )),
                );
            }
            if ranges.last().is_some_and(|r| r.1.is_some()) {
                self.push(
                    Problem::new(
                        at(ranges.len().saturating_sub(1), Some("to")), // exact: not empty
                        kinds::NOT_COVERED,
                        format!("the highest {what} must have no `to`, so every total gets one"),
                    )
                    .zh(format!(
                        "最高的{what_zh}不能设 `to`，这样每个总分都有对应的{what_zh}"
                    )),
                );
            }
        }
    }
}
