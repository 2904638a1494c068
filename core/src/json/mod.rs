//! Reading JSON documents into typed values with every structural problem reported at once
//! (wrong type, unknown field, number that does not fit), each with its JSON path. Plans, pay
//! plans, feedback configurations, records, options, limits and analytics requests all read
//! through here, so they report structural problems the same way.

pub(crate) mod markers;

use crate::error::{kinds, Error, Loc, LocItem, Problem, Problems, MAX_PROBLEMS};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Read JSON text into `T`, reporting every structural problem at once (wrong type, unknown
/// field, number that does not fit), each with its JSON path. Host markers
/// ([`crate::input`]) are resolved first.
///
/// `T` is read once, from the parsed tree. Reading it straight from the text would be faster for
/// a well-formed document, but every document type would then be compiled twice, with and
/// without the text reader: a seventh of a scoring-only wasm module. A document is read once per
/// plan or request, so the tree's cost (about 50 µs on the bundled plan) is paid once.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    kind: fn(Vec<Problem>) -> Error,
) -> crate::Result<T> {
    let repeated = match text_shape(text) {
        Shape::Syntax(problem) => return Err(kind(vec![problem])),
        Shape::Repeated(problem) => Some(problem),
        Shape::Fine => None,
    };
    let value = serde_json::from_str::<Value>(text)
        .map_err(|e| kind(vec![text_problem(Loc::root(), &e)]))?;
    let read = markers::read_value::<T>(value, &Loc::root(), kind)?;
    // A key given twice is what only the text shows (the tree keeps one of them silently); it is
    // reported when the tree has nothing else to say, as serde's own check did.
    match repeated {
        Some(problem) => Err(kind(vec![problem])),
        None => Ok(read),
    }
}

/// What JSON text shows before it is read as a type: a syntax error (or nesting past serde_json's
/// limit of 128) at its path, or the first key an object gives twice, or neither.
enum Shape {
    Fine,
    Syntax(Problem),
    Repeated(Problem),
}

fn text_shape(text: &str) -> Shape {
    use serde::de::DeserializeSeed;
    let mut walk = Walk {
        path: Vec::new(),
        repeated: false,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let Err(e) = (&mut walk).deserialize(&mut de).and_then(|()| de.end()) else {
        return Shape::Fine;
    };
    let path: Vec<Seg> = walk
        .path
        .iter()
        .map(|step| match step {
            Step::Index(i) => Seg::Index(*i),
            Step::Key(k) => Seg::Key(k.to_string()),
        })
        .collect();
    let problem = text_problem(to_loc(&Loc::root(), &path), &e);
    if walk.repeated {
        Shape::Repeated(problem)
    } else {
        Shape::Syntax(problem)
    }
}

/// A walk over JSON text that keeps the path it is at (so an error is placed where it happened)
/// and stops at a key an object gives twice. Keys are borrowed from the text where they have no
/// escapes, so a well-formed document costs no allocation per key. serde_json's recursion limit
/// bounds its depth.
struct Walk<'de> {
    path: Vec<Step<'de>>,
    repeated: bool,
}

/// One step of [`Walk`]'s path.
enum Step<'de> {
    Index(usize),
    Key(Cow<'de, str>),
}

/// An object's keys up to this many are checked for repeats by a scan (objects are small);
/// past it, by a hash set, so a huge object costs linear time.
const SCANNED_KEYS: usize = 16;

impl<'de> serde::de::DeserializeSeed<'de> for &mut Walk<'de> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for &mut Walk<'de> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i: usize = 0;
        loop {
            self.path.push(Step::Index(i));
            if seq.next_element_seed(&mut *self)?.is_none() {
                self.path.pop();
                return Ok(());
            }
            self.path.pop();
            i = i.saturating_add(1);
        }
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut scanned: Vec<Cow<'de, str>> = Vec::new();
        let mut hashed: HashSet<Cow<'de, str>> = HashSet::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let seen = if hashed.is_empty() {
                scanned.contains(&key)
            } else {
                hashed.contains(&key)
            };
            if seen {
                // serde's wording for a struct's field given twice, placed at the object.
                self.repeated = true;
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate field `{key}`"
                )));
            }
            self.path.push(Step::Key(key.clone()));
            map.next_value_seed(&mut *self)?;
            self.path.pop();
            if hashed.is_empty() && scanned.len() < SCANNED_KEYS {
                scanned.push(key);
            } else {
                if hashed.is_empty() {
                    hashed.extend(scanned.drain(..));
                }
                hashed.insert(key);
            }
        }
        Ok(())
    }
}

/// An object's key, borrowed from the text when it has no escapes.
struct KeySeed;

impl<'de> serde::de::DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_string()))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn read(text: &str) -> crate::Result<BTreeMap<String, Vec<u32>>> {
        parse_json(text, Error::Input)
    }

    #[test]
    fn a_key_given_twice_is_found_in_small_and_large_objects() {
        // Up to 16 keys an object's keys are scanned, past that hashed: a repeat is found either
        // way, first or last, and 40 distinct keys read.
        let object = |keys: &[String]| {
            let entries: Vec<String> = keys.iter().map(|k| format!("\"{k}\": [1]")).collect();
            format!("{{{}}}", entries.join(", "))
        };
        let distinct: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        assert_eq!(read(&object(&distinct)).unwrap().len(), 40);
        for (at, repeated) in [(2, "k0"), (16, "k15"), (17, "k3"), (39, "k38")] {
            let mut keys = distinct[..at].to_vec();
            keys.push(repeated.to_string());
            let e = read(&object(&keys)).unwrap_err();
            let p = &e.problems()[0];
            assert_eq!((p.kind, p.loc.items()), (kinds::DUPLICATE_KEY, &[][..]));
            assert!(
                p.message
                    .starts_with(&format!("duplicate field `{repeated}`")),
                "{e}"
            );
        }
    }

    #[test]
    fn a_syntax_error_is_placed_at_the_list_or_object_it_breaks() {
        // Hand-placed: the third item of `b`'s list is not a value.
        let e = read(r#"{"a": [1], "b": [1, 2, }"#).unwrap_err();
        let p = &e.problems()[0];
        assert_eq!(p.kind, kinds::SYNTAX_ERROR);
        assert_eq!(p.loc.items(), [LocItem::Key("b".into()), LocItem::Index(2)]);
        // A key with an escape (not borrowed from the text) is placed the same way.
        let e = read(r#"{"a\u0062": [1, x]}"#).unwrap_err();
        assert_eq!(
            e.problems()[0].loc.items(),
            [LocItem::Key("ab".into()), LocItem::Index(1)]
        );
        // Numbers (kept as their text) and nesting are walked without a problem.
        assert_eq!(read(r#"{"a": [1, 20, 300]}"#).unwrap()["a"], [1, 20, 300]);
    }
}
