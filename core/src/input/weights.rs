//! Pool weights: who shares a pool, and by how much.
//!
//! Weights are a list whose entries are `{"id": …, "weight": …}` objects or `[id, weight]`
//! pairs (a host turns its ordered map into pairs, since the order breaks ties), or an object
//! `{id: weight}`, read in key order. Ids are text, not empty; weights are numbers by the one
//! number rule. Locations: a malformed entry at `["weights", i]`; its id at `["weights", i,
//! "id"]`; its weight at `["weights", i]` with the id attached (`weights[0] (E001)`), as the
//! split itself reports weights.

use super::host::{read_document, resolve, Resolved};
use super::scalar::read_number;
use super::scalar::{number, text, what, what_zh};
use crate::error::{kinds, Error, Loc, Problem, Problems};
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

/// One entry: an `{"id", "weight"}` object or an `[id, weight]` pair.
fn entry_of(entry: Value, at: &Loc, problems: &mut Problems) -> Option<(Arc<str>, Decimal)> {
    let parts = match resolve(entry, at, problems) {
        Resolved::Value(Value::Array(pair)) if pair.len() == 2 => {
            let mut pair = pair.into_iter();
            pair.next().zip(pair.next())
        }
        Resolved::Value(Value::Object(mut map)) if map.len() == 2 => {
            map.remove("id").zip(map.remove("weight"))
        }
        Resolved::Refused => return None,
        Resolved::Value(_) => None,
    };
    let Some((id, weight)) = parts else {
        problems.push(
            Problem::new(
                at.clone(),
                kinds::WRONG_TYPE,
                "expected an [id, weight] pair or an {\"id\", \"weight\"} object",
            )
            .zh("应为 [id, weight] 数对或 {\"id\", \"weight\"} 对象"),
        );
        return None;
    };
    let id_at = at.clone().key("id");
    let id = match text(id, &id_at, problems) {
        Ok(Some(id)) if !id.trim().is_empty() => id,
        Ok(_) => {
            problems.push(
                Problem::new(id_at, kinds::EMPTY, "the id is empty").zh("分配对象的 id 为空"),
            );
            return None;
        }
        Err(()) => return None,
    };
    let mut own = Problems::new();
    let weight = match number(weight, at, &mut own) {
        Ok(Some(w)) => Some(w),
        Ok(None) => {
            own.push(
                Problem::new(at.clone(), kinds::MISSING, "the weight is missing (null)")
                    .zh("缺少权重（null）"),
            );
            None
        }
        Err(()) => None,
    };
    problems.extend(own.into_vec().into_iter().map(|p| p.with_id(id.as_str())));
    weight.map(|w| (Arc::from(id.as_str()), w))
}
