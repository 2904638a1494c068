//! Reading JSON documents into typed values with every structural problem reported at once
//! (wrong type, unknown field, number that does not fit), each with its JSON path. Plans, pay
//! plans, feedback configurations, records, options, limits and analytics requests all read
//! through here, so they report structural problems the same way.

pub(crate) mod markers;

use crate::error::{kinds, Error, Loc, LocItem, Problem, Problems, MAX_PROBLEMS};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Read JSON text into `T`, reporting every structural problem at once (wrong type, unknown
/// field, number that does not fit), each with its JSON path. Host markers
/// ([`crate::input`]) are resolved first.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    kind: fn(Vec<Problem>) -> Error,
) -> crate::Result<T> {
    // Well-formed documents, the common case, are read straight from the text (unless the text
    // may hold host markers, which only the tree resolves).
    let mut de = serde_json::Deserializer::from_str(text);
    let first = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) if !markers::may_hold_markers(text) => {
            return match de.end() {
                Ok(()) => Ok(v),
                Err(e) => Err(kind(vec![text_problem(Loc::root(), &e)])),
            }
        }
        Ok(_) => None,
        Err(e) => Some(e),
    };
    // A syntax error has one place; anything else is gathered in full from the parsed tree.
    let value = match serde_json::from_str::<Value>(text) {
        Ok(value) => value,
        Err(e) => {
            return Err(kind(vec![match first {
                Some(first) => {
                    let at = to_loc(&Loc::root(), &segments(first.path()));
                    text_problem(at, first.inner())
                }
                None => text_problem(Loc::root(), &e),
            }]));
        }
    };
    let read = markers::read_value::<T>(value, &Loc::root(), kind)?;
    // Markers fail the text but resolve in the tree, so then the tree's reading is the answer.
    let Some(first) = first.filter(|_| !markers::may_hold_markers(text)) else {
        return Ok(read);
    };
    // The tree reads where the text did not: something only the text shows, such as a key given
    // twice (the tree keeps one of them silently). The text's own error is the problem.
    let at = to_loc(&Loc::root(), &segments(first.path()));
    Err(kind(vec![text_problem(at, first.inner())]))
}

/// A problem the JSON text itself has: its kind from serde_json's own category.
pub(crate) fn text_problem(at: Loc, e: &serde_json::Error) -> Problem {
    use serde_json::error::Category;
    let message = e.to_string();
    let kind = match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            if message.starts_with("recursion limit exceeded") {
                kinds::TOO_DEEP
            } else {
                kinds::SYNTAX_ERROR
            }
        }
        Category::Data => data_kind(&message),
    };
    structural(at, kind, message)
}

/// The kind of a data error serde reported, read from its message (serde has no codes).
fn data_kind(message: &str) -> &'static str {
    let starts = |p: &str| message.starts_with(p);
    if starts("missing field") {
        kinds::MISSING_FIELD
    } else if starts("unknown field") {
        kinds::UNKNOWN_FIELD
    } else if starts("duplicate field") || starts("duplicate key") {
        kinds::DUPLICATE_KEY
    } else if starts("unknown variant") {
        kinds::UNKNOWN_VARIANT
    } else if starts("invalid type") {
        kinds::WRONG_TYPE
    } else if starts("invalid length") {
        kinds::WRONG_COUNT
    } else if message.contains("is not a number") || message.contains("not a finite number") {
        kinds::NOT_A_NUMBER
    } else if message.contains("out of range")
        || message.contains("decimal places than can be kept")
    {
        kinds::NUMBER_OUT_OF_RANGE
    } else if starts("recursion limit exceeded") {
        kinds::TOO_DEEP
    } else {
        kinds::INVALID_VALUE
    }
}

/// A structural problem: serde's English detail, with a Chinese lead-in naming the kind.
fn structural(at: Loc, kind: &'static str, message: String) -> Problem {
    let lead = match kind {
        kinds::SYNTAX_ERROR => "JSON 格式错误",
        kinds::TOO_DEEP => "嵌套层级过深",
        kinds::MISSING_FIELD => "缺少必填字段",
        kinds::UNKNOWN_FIELD => "未知字段",
        kinds::DUPLICATE_KEY => "键重复",
        kinds::UNKNOWN_VARIANT => "不支持的取值",
        kinds::WRONG_TYPE => "类型不符",
        kinds::WRONG_COUNT => "数量不符",
        kinds::NOT_A_NUMBER => "不是数字",
        kinds::NUMBER_OUT_OF_RANGE => "数值超出可精确表示的范围",
        _ => "取值无效",
    };
    let zh = format!("{lead}：{message}");
    Problem::new(at, kind, message).zh(zh)
}

/// [`from_value_in`] under a prefix the library spelled as path text (`records[3]`).
pub(crate) fn from_value_all<T: serde::de::DeserializeOwned>(
    value: Value,
    prefix: &str,
    problems: &mut Problems,
) -> Option<T> {
    from_value_in(value, &Loc::from_path(prefix), problems)
}

/// Deserialise `T` from a parsed JSON value, reporting every structural problem into
/// `problems` under `prefix`; `None` when there was any.
///
/// serde stops at the first error, so each round reports it, removes the offending value and
/// tries again; a "missing field" caused only by such a removal is not reported, and array
/// indices are mapped back to the document's. Each round reads the whole value, so the rounds
/// are bounded by a work budget ([`STRUCTURE_WORK`] values visited) as well as by the problem
/// limit: a huge document with many problems reports as many as the budget allows, at least one.
pub(crate) fn from_value_in<T: serde::de::DeserializeOwned>(
    mut value: Value,
    prefix: &Loc,
    problems: &mut Problems,
) -> Option<T> {
    let rounds = STRUCTURE_WORK
        .checked_div(count_values(&value))
        .unwrap_or(1)
        .clamp(1, MAX_PROBLEMS);
    let mut removed: HashMap<Vec<Seg>, Vec<usize>> = HashMap::new();
    let mut pruned: HashSet<Vec<Seg>> = HashSet::new();
    let mut found = false;
    for _ in 0..rounds {
        let error = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(v) if !found => return Some(v),
            Ok(_) => return None,
            Err(e) => e,
        };
        let at = segments(error.path());
        let original = to_original(&at, &removed);
        let message = error.into_inner().to_string();
        let consequence = missing_field(&message).is_some_and(|field| {
            let mut child = original.clone();
            child.push(Seg::Key(field.to_string()));
            pruned.contains(&child)
        });
        if !consequence {
            problems.push(structural(
                to_loc(prefix, &original),
                data_kind(&message),
                message,
            ));
            found = true;
        }
        if at.is_empty() || !remove_at(&mut value, &at) {
            break;
        }
        if let (Some(Seg::Index(i)), Some(parent)) = (original.last(), original.split_last()) {
            let list = removed.entry(parent.1.to_vec()).or_default();
            let slot = list.partition_point(|r| r < i);
            list.insert(slot, *i);
        }
        pruned.insert(original);
    }
    if !found {
        problems.push(
            Problem::new(
                prefix.clone(),
                kinds::INVALID_VALUE,
                "the document could not be read",
            )
            .zh("无法读取该文档"),
        );
    }
    None
}

/// Values visited in all rounds of [`from_value_all`] together, at most.
const STRUCTURE_WORK: usize = 20_000_000;

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Seg {
    Key(String),
    Index(usize),
}

fn segments(path: &serde_path_to_error::Path) -> Vec<Seg> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(Seg::Index(*index)),
            Segment::Map { key } => Some(Seg::Key(key.clone())),
            // Enum variants and unknown steps have no place of their own in the JSON text.
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// The location of `path` under `prefix`, keys kept exactly as the document spells them.
fn to_loc(prefix: &Loc, path: &[Seg]) -> Loc {
    let mut out = prefix.clone();
    for seg in path {
        out = out.step(match seg {
            Seg::Index(i) => LocItem::Index(*i),
            Seg::Key(k) => LocItem::Key(k.clone()),
        });
    }
    out
}

/// The path in the original document of a path in the pruned one.
fn to_original(path: &[Seg], removed: &HashMap<Vec<Seg>, Vec<usize>>) -> Vec<Seg> {
    let mut out = Vec::with_capacity(path.len());
    for seg in path {
        let seg = match (seg, removed.get(&out)) {
            (Seg::Index(i), Some(gone)) => {
                // The i-th index not removed, counting in order.
                let mut j = *i;
                for &r in gone {
                    if r <= j {
                        j = j.saturating_add(1);
                    } else {
                        break;
                    }
                }
                Seg::Index(j)
            }
            (seg, _) => seg.clone(),
        };
        out.push(seg);
    }
    out
}

/// Removes the value at `path`; false when it is not there.
fn remove_at(value: &mut Value, path: &[Seg]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut node = value;
    for seg in parents {
        node = match (seg, node) {
            (Seg::Key(k), Value::Object(m)) => match m.get_mut(k) {
                Some(n) => n,
                None => return false,
            },
            (Seg::Index(i), Value::Array(a)) => match a.get_mut(*i) {
                Some(n) => n,
                None => return false,
            },
            _ => return false,
        };
    }
    match (last, node) {
        (Seg::Key(k), Value::Object(m)) => m.remove(k).is_some(),
        (Seg::Index(i), Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        _ => false,
    }
}

/// The field named by serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// How many values a JSON tree holds, counted without recursion.
fn count_values(value: &Value) -> usize {
    let mut stack = vec![value];
    let mut n: usize = 0;
    while let Some(v) = stack.pop() {
        n = n.saturating_add(1);
        match v {
            Value::Array(a) => stack.extend(a),
            Value::Object(m) => stack.extend(m.values()),
            _ => {}
        }
    }
    n
}
