//! Shared validation helpers for plan-like documents (scoring plans, pay plans): a problem
//! collector with the common checks. Structural reading is in `json`.

use crate::error::{Problem, Problems};
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

    pub fn report_untyped(&mut self, path: impl AsRef<str>, message: impl Into<String>) {
        self.problems.push(Problem::untyped(path, message));
    }

    pub fn unique<'a>(&mut self, path: &str, what: &str, ids: impl Iterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        for (i, id) in ids.enumerate() {
            if id.trim().is_empty() {
                self.report_untyped(format!("{path}[{i}].id"), format!("{what} id is empty"));
            } else if !seen.insert(id) {
                self.report_untyped(
                    format!("{path}[{i}].id"),
                    format!("duplicate {what} id `{}`", crate::error::shown(id)),
                );
            }
        }
    }

    pub fn weights_sum(
        &mut self,
        path: &str,
        what: &str,
        weights: impl Iterator<Item = (usize, Decimal)>,
    ) {
        let mut sum = Decimal::ZERO;
        for (i, w) in weights {
            if w.is_sign_negative() && !w.is_zero() {
                self.report_untyped(
                    format!("{path}[{i}].weight"),
                    format!("weight is negative ({w}%)"),
                );
            }
            sum = sum.checked_add(w).unwrap_or(Decimal::MAX);
        }
        if sum != HUNDRED {
            self.report_untyped(
                path.to_string(),
                format!("{what} weights sum to {}%, expected 100%", sum.normalize()),
            );
        }
    }

    pub fn formula(
        &mut self,
        path: &str,
        source: &str,
        expect: Type,
        resolve: &dyn Fn(&str) -> Option<usize>,
        mode: RoundingMode,
    ) -> Option<Formula> {
        match Formula::compile(source, resolve, expect, mode) {
            Ok(f) => Some(f),
            Err(e) => {
                self.report_untyped(path.to_string(), format!("in `{source}`: {e}"));
                None
            }
        }
    }

    pub fn value(
        &mut self,
        path: &str,
        spec: &ValueSpec,
        resolve: &dyn Fn(&str) -> Option<usize>,
        mode: RoundingMode,
    ) -> Option<Formula> {
        match spec {
            ValueSpec::Number(n) => Some(Formula::constant(n.0)),
            ValueSpec::Formula(src) => self.formula(path, src, Type::Number, resolve, mode),
        }
    }

    pub fn floor_cap(&mut self, path: &str, floor: Option<Decimal>, cap: Option<Decimal>) {
        if let (Some(f), Some(c)) = (floor, cap) {
            if f > c {
                self.report_untyped(path.to_string(), format!("floor {f} is above cap {c}"));
            }
        }
    }

    /// Half-open intervals must follow each other exactly: no gap, no overlap, none empty.
    pub fn intervals(
        &mut self,
        path: &str,
        what: &str,
        ranges: &[(Option<Decimal>, Option<Decimal>)],
        full: bool,
    ) {
        if ranges.is_empty() {
            self.report_untyped(path.to_string(), format!("at least one {what} is needed"));
            return;
        }
        for (i, (from, to)) in ranges.iter().enumerate() {
            if let (Some(f), Some(t)) = (from, to) {
                if f >= t {
                    self.report_untyped(
                        format!("{path}[{i}]"),
                        format!("{what} [{f}, {t}) is empty"),
                    );
                }
            }
            if let Some(prev) = i.checked_sub(1) {
                let prev_to = ranges[prev].1;
                match (prev_to, from) {
                    (Some(p), Some(f)) if p < *f => self.report_untyped(
                        format!("{path}[{i}].from"),
                        format!("gap between {what}s: nothing covers [{p}, {f})"),
                    ),
                    (Some(p), Some(f)) if p > *f => self.report_untyped(
                        format!("{path}[{i}].from"),
                        format!("{what}s overlap: [{f}, {p}) is covered twice"),
                    ),
                    (None, _) => self.report_untyped(
                        format!("{path}[{prev}].to"),
                        format!("only the last {what} may be open-ended above"),
                    ),
                    (Some(_), None) => self.report_untyped(
                        format!("{path}[{i}].from"),
                        format!("only the first {what} may be open-ended below"),
                    ),
                    _ => {}
                }
            }
        }
        if full {
            if ranges.first().is_some_and(|r| r.0.is_some()) {
                self.report_untyped(
                    format!("{path}[0].from"),
                    format!("the lowest {what} must have no `from`, so every total gets one"),
                );
            }
            if ranges.last().is_some_and(|r| r.1.is_some()) {
                self.report_untyped(
                    format!("{path}[{}].to", ranges.len().saturating_sub(1)), // exact: not empty
                    format!("the highest {what} must have no `to`, so every total gets one"),
                );
            }
        }
    }
}
