//! Pool weights: who shares a pool, and by how much.
//!
//! Weights are a list whose entries are `{"id": …, "weight": …}` objects or `[id, weight]`
//! pairs (a host turns its ordered map into pairs, since the order breaks ties), or an object
//! `{id: weight}`, read in key order. Ids are text, not empty; weights are numbers by the one
//! number rule. Locations: a malformed entry at `["weights", i]`; its id at `["weights", i,
//! "id"]`; its weight at `["weights", i, "weight"]` (an object) or `["weights", i]` (a pair),
//! with the id attached (`weights[0] (E001).weight`); an unknown field at its key.

use super::scalar::read_number;
use super::scalar::{number, required_text, what, what_zh};
use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::json::markers::{read_document, resolve, Resolved};
use rust_decimal::Decimal;
use serde_json::Value;
use std::sync::Arc;

/// Who shares a pool and by how much, in order.
pub type Weights = Vec<(Arc<str>, Decimal)>;

/// Read a pool and its weights from host values: the amount (a number, required) and the
/// weights (see the module docs), with every problem of both at once. The split itself
/// ([`crate::pay::split_pool`]) then checks what the numbers mean (a positive pool, no negative
/// weight).
pub fn read_pool(pool: Value, weights: Value) -> crate::Result<(Decimal, Weights)> {
    let mut problems = Problems::new();
    let amount = read_number(pool, &Loc::root().key("pool"));
    let weights = read_weights(weights);
    match (amount, weights) {
        (Ok(a), Ok(w)) => Ok((a, w)),
        (a, w) => {
            for e in [a.err(), w.err()].iter().flatten() {
                problems.absorb(e);
            }
            Err(Error::Input(problems.into_vec()))
        }
    }
}

/// Read pool weights from a host value (see the module docs).
pub fn read_weights(weights: Value) -> crate::Result<Weights> {
    let at = Loc::root().key("weights");
    read_document(weights, &at, Error::Input, |value, problems| {
        let entries: Vec<(Loc, Value)> = match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (at.clone().index(i), v))
                .collect(),
            Value::Object(map) => map
                .into_iter()
                .enumerate()
                .map(|(i, (id, w))| (at.clone().index(i), Value::Array(vec![id.into(), w])))
                .collect(),
            other => {
                problems.push(
                    Problem::new(
                        at.clone(),
                        kinds::WRONG_TYPE,
                        format!(
                            "expected a list of {{\"id\", \"weight\"}} objects or [id, weight] \
                             pairs, found {}",
                            what(&other)
                        ),
                    )
                    .zh(format!(
                        "应为由 {{\"id\", \"weight\"}} 对象或 [id, weight] 数对组成的列表，\
                         实际为{}",
                        what_zh(&other)
                    )),
                );
                return None;
            }
        };
        let before = problems.count();
        let mut out = Vec::with_capacity(entries.len());
        for (loc, entry) in entries {
            if let Some(w) = entry_of(entry, &loc, problems) {
                out.push(w);
            }
        }
        (problems.count() == before).then_some(out)
    })
}

/// One entry: an `{"id", "weight"}` object (each field checked at its key, every problem at
/// once) or an `[id, weight]` pair.
fn entry_of(entry: Value, at: &Loc, problems: &mut Problems) -> Option<(Arc<str>, Decimal)> {
    let (id, weight, weight_at) = match resolve(entry, at, problems) {
        Resolved::Value(Value::Array(pair)) if pair.len() == 2 => {
            let mut pair = pair.into_iter();
            (pair.next(), pair.next(), at.clone())
        }
        Resolved::Value(Value::Object(mut map)) => {
            let (id, weight) = (map.remove("id"), map.remove("weight"));
            for key in map.keys() {
                problems.push(
                    Problem::new(
                        at.clone().key(key.as_str()),
                        kinds::UNKNOWN_FIELD,
                        format!("unknown field `{}` (fields: id, weight)", shown(key)),
                    )
                    .zh(format!("未知字段 `{}`（可用字段：id、weight）", shown(key))),
                );
            }
            (id, weight, at.clone().key("weight"))
        }
        Resolved::Refused => return None,
        Resolved::Value(other) => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::WRONG_TYPE,
                    format!(
                        "expected an {{\"id\", \"weight\"}} object or an [id, weight] pair, found {}",
                        what(&other)
                    ),
                )
                .zh(format!(
                    "应为 {{\"id\", \"weight\"}} 对象或 [id, weight] 数对，实际为{}",
                    what_zh(&other)
                )),
            );
            return None;
        }
    };
    let before = problems.count();
    let id_at = at.clone().key("id");
    let id = required_text(id, &id_at, "分配对象的 id", problems).filter(|id| {
        let blank = id.trim().is_empty();
        if blank {
            problems
                .push(Problem::new(id_at.clone(), kinds::EMPTY, "the id is empty").zh("id 为空"));
        }
        !blank
    });
    let mut own = Problems::new();
    let weight = match weight.map(|w| number(w, &weight_at, &mut own)) {
        Some(Ok(Some(w))) => Some(w),
        Some(Ok(None)) | None => {
            own.push(
                Problem::new(weight_at.clone(), kinds::MISSING, "`weight` is missing")
                    .zh("缺少 `weight`（权重）"),
            );
            None
        }
        Some(Err(())) => None,
    };
    match &id {
        Some(id) => problems.extend(own.into_vec().into_iter().map(|p| p.with_id(id.as_str()))),
        None => problems.extend(own.into_vec()),
    }
    if problems.count() != before {
        return None;
    }
    id.zip(weight).map(|(id, w)| (Arc::from(id.as_str()), w))
}
