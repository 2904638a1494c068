//! Filling and changing a store from requests: a batch at once, live adds and retracts, and the
//! store's state saved as JSON and read back.

use super::compile::Model;
use super::load;
use super::store::{Batch, Store};

/// The facts of `value` (`{"orders": [...] or "CSV", ...}`), each source's rows numbered from 0
/// in the order given, held for one aggregation; all or nothing. Its answers are those of a
/// live store given the same facts (the same reading, filters and aggregation).
pub(crate) fn batch(
    model: &Model,
    value: serde_json::Value,
    at: &crate::Loc,
) -> crate::Result<Batch> {
    let mut texts = load::Texts::seeded(&model.literals);
    let tables = load::read(model, value, at, &mut texts)?;
    Batch::new(model, texts, tables, at)
}

/// Add the rows of `value` (a list of objects or CSV text) to source `source` of a live store:
/// all or none. The people whose facts were added (`None`: unassigned).
pub(crate) fn add(
    model: &Model,
    store: &mut Store,
    source: &str,
    value: serde_json::Value,
) -> crate::Result<Vec<Option<String>>> {
    let at = crate::Loc::root().key("facts");
    let index = named_source(model, source)?;
    let mut problems = crate::error::Problems::new();
    let Some(spec) = model.sources.get(index) else {
        return Ok(Vec::new());
    };
    // Texts of a refused batch stay interned: harmless (a text's value never changes).
    let facts = load::read_source(spec, value, &at, &mut store.texts, &mut problems);
    problems.finish(crate::Error::Input, ())?;
    let owners: Vec<Option<String>> = facts
        .iter()
        .flat_map(|f| f.holders())
        .map(|o| o.map(|o| store.texts.get(o).to_owned()))
        .collect();
    store.add(model, index, facts, &at, false)?;
    Ok(owners)
}

/// The index of the source a live update names in its `source` field.
fn named_source(model: &Model, source: &str) -> crate::Result<usize> {
    let mut problems = crate::error::Problems::new();
    let at = crate::Loc::root().key("source");
    load::source_index(model, source, &at, &mut problems)
        .ok_or_else(|| crate::Error::Input(problems.into_vec()))
}

/// Retract the facts `ids` of source `source`: all or none. The people whose facts went.
pub(crate) fn retract(
    model: &Model,
    store: &mut Store,
    source: &str,
    ids: &[String],
) -> crate::Result<Vec<Option<String>>> {
    let index = named_source(model, source)?;
    let owners = store.retract(model, index, ids, &crate::Loc::root().key("ids"))?;
    Ok(owners
        .into_iter()
        .map(|o| o.map(|o| store.texts.get(o).to_owned()))
        .collect())
}

/// A store as a JSON document: per source, the facts held (cells by column id, as exact text)
/// and the row each arrived as, so restoring gives the same answers.
pub(crate) fn store_json(model: &Model, store: &Store) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let mut sources = Map::new();
    for (spec, table) in model.sources.iter().zip(&store.tables) {
        let mut rows = Vec::with_capacity(table.facts.len());
        let mut facts = Vec::with_capacity(table.facts.len());
        for (row, fact) in &table.facts {
            rows.push(json!(row));
            let cells: Map<String, Value> = spec
                .columns
                .iter()
                .zip(&fact.cells)
                .enumerate()
                .map(|(j, (c, cell))| {
                    let v = match *cell {
                        // The id is the fact's own text, not a cell.
                        _ if j == spec.id_col => Value::String(fact.id.to_string()),
                        load::Cell::Missing => Value::Null,
                        load::Cell::Num(n) => Value::String(n.to_string()),
                        load::Cell::Text(t) => Value::String(store.texts.get(t).to_owned()),
                        load::Cell::Bool(b) => Value::Bool(b),
                        load::Cell::Date(d) => Value::String(d.to_string()),
                    };
                    (c.id.to_string(), v)
                })
                .collect();
            facts.push(Value::Object(cells));
        }
        sources.insert(
            spec.id.to_string(),
            json!({"next": table.next, "rows": rows, "facts": facts}),
        );
    }
    json!({"format": "perfscore-facts/1", "sources": sources})
}

/// The most rows a saved source may have numbered: far below any counter's limit.
const MAX_ROWS: u64 = 1 << 48;

/// A store from [`store_json`]'s document, every fact read again by the plan's rules.
pub(crate) fn store_from_json(model: &Model, value: serde_json::Value) -> crate::Result<Store> {
    use serde_json::Value;
    let bad = |at: crate::Loc, what: &str| {
        crate::Error::Input(vec![crate::Problem::new(
            at,
            crate::kinds::INVALID_VALUE,
            format!("not a saved fact store: {what}"),
        )
        .zh(format!("不是保存的事实数据：{what}"))])
    };
    let root = crate::Loc::root();
    if value.get("format").and_then(Value::as_str) != Some("perfscore-facts/1") {
        return Err(bad(root.key("format"), "expected format perfscore-facts/1"));
    }
    let mut store = Store::new(model);
    let Some(Value::Object(sources)) = value.get("sources").cloned() else {
        return Err(bad(root.key("sources"), "expected an object of sources"));
    };
    let mut problems = crate::error::Problems::new();
    for (key, saved) in sources {
        let at = root.clone().key("sources").key(key.as_str());
        let Some(index) = load::source_index(model, &key, &at, &mut problems) else {
            continue;
        };
        let (Some(spec), Some(rows), Some(next)) = (
            model.sources.get(index),
            saved.get("rows").and_then(Value::as_array),
            saved.get("next").and_then(Value::as_u64),
        ) else {
            problems.push(crate::Problem::new(
                at,
                crate::kinds::INVALID_VALUE,
                "expected next, rows and facts",
            ));
            continue;
        };
        let rows: Vec<Option<usize>> = rows
            .iter()
            .map(|r| r.as_u64().and_then(|r| usize::try_from(r).ok()))
            .collect();
        let facts = saved.get("facts").cloned().unwrap_or(Value::Null);
        let fat = at.clone().key("facts");
        let mut read = load::read_source(spec, facts, &fat, &mut store.texts, &mut problems);
        // Rows are distinct and below `next` (itself far below usize::MAX), or a later add
        // could land on a held fact's row.
        let mut distinct = std::collections::BTreeSet::new();
        let rows_ok = read.len() == rows.len()
            && next < MAX_ROWS
            && rows
                .iter()
                .all(|r| r.is_some_and(|r| (r as u64) < next && distinct.insert(r)));
        if !rows_ok {
            problems.push(crate::Problem::new(
                at,
                crate::kinds::INVALID_VALUE,
                "not a saved fact store: rows must be distinct, one per fact, and below next",
            ));
            continue;
        }
        for (fact, row) in read.iter_mut().zip(rows.into_iter().flatten()) {
            fact.row = row;
        }
        if let Err(e) = store.add(model, index, read, &fat, true) {
            problems.absorb(&e);
        }
        if let Some(t) = store.tables.get_mut(index) {
            t.next = t.next.max(usize::try_from(next).unwrap_or(usize::MAX));
        }
    }
    problems.finish(crate::Error::Input, store)
}
