//! Host values JSON cannot hold, carried through JSON as one marker, and resolved here into an
//! exact number or a problem at the marker's location.
//!
//! A marker is an object with the single key [`HOST_KEY`] (`"\u0000host"`) whose value is text:
//!
//! | marker text | read as |
//! |---|---|
//! | `NaN`, `Infinity`, `-Infinity` | a `not_finite` problem (`NaN is not a finite number`) |
//! | `bigint:<digits>` (`bigint:-12`) | the integer, exactly, wherever a number is read |
//! | `undefined` | absent: a key holding it is left out, an item of a list is `null` |
//! | anything else (`a function`, `a datetime.date`, `text that is not valid Unicode`) | an `unsupported_value` problem naming it (`a function is not a value perfscore reads`) |
//!
//! `undefined` reads the way `JSON.stringify` writes it, so a host that sends the marker and one
//! that drops the key read the same. No JSON key a person writes starts with a NUL, so the marker
//! cannot be mistaken for data, and JSON text can only spell it `\u0000`, which makes
//! [`may_hold_markers`] an exact and cheap test.

use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use serde_json::Value;

/// The key of a host marker: a NUL, then `host`.
pub const HOST_KEY: &str = "\u{0}host";

/// What a value is once any marker in its place is read.
pub(crate) enum Resolved {
    /// A plain JSON value (a `bigint:` marker becomes its number, `undefined` becomes `null`).
    Value(Value),
    /// A marker that stands for no value; its problem has been reported.
    Refused,
}

/// Whether JSON text may hold a marker: only if it spells a NUL, which JSON writes `\u0000`.
pub(crate) fn may_hold_markers(text: &str) -> bool {
    text.contains("\\u0000")
}

/// The marker text of `value`, when it is a marker; `Some(None)` for a malformed one (the key
/// with other keys beside it, or with a value that is not text).
fn marker(value: &Value) -> Option<Option<&str>> {
    let Value::Object(map) = value else {
        return None;
    };
    let held = map.get(HOST_KEY)?;
    Some(match (map.len(), held) {
        (1, Value::String(text)) => Some(text.as_str()),
        _ => None,
    })
}

/// `value` with a marker in its place read: the number or `null` it stands for, or a problem
/// at `at` (reported into `problems`).
pub(crate) fn resolve(value: Value, at: &Loc, problems: &mut Problems) -> Resolved {
    let Some(text) = marker(&value) else {
        return Resolved::Value(value);
    };
    let Some(text) = text else {
        problems.push(
            Problem::new(
                at.clone(),
                kinds::UNSUPPORTED_VALUE,
                format!(
                    "an object with the key `{}` must hold only that key, with text",
                    shown(HOST_KEY)
                ),
            )
            .zh(format!(
                "含键 `{}` 的对象只能有这一个键，且其值必须是文本",
                shown(HOST_KEY)
            )),
        );
        return Resolved::Refused;
    };
    match text {
        "NaN" | "Infinity" | "-Infinity" => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::NOT_FINITE,
                    format!("{text} is not a finite number"),
                )
                .zh(format!("{text} 不是有限数")),
            );
            Resolved::Refused
        }
        "undefined" => Resolved::Value(Value::Null),
        _ => match text.strip_prefix("bigint:") {
            Some(digits) => match big_integer(digits) {
                Some(n) => Resolved::Value(Value::Number(n)),
                None => {
                    problems.push(
                        Problem::new(
                            at.clone(),
                            kinds::NOT_A_NUMBER,
                            format!("`{}` is not an integer", shown(digits)),
                        )
                        .zh(format!("`{}` 不是整数", shown(digits))),
                    );
                    Resolved::Refused
                }
            },
            None => {
                problems.push(
                    Problem::new(
                        at.clone(),
                        kinds::UNSUPPORTED_VALUE,
                        format!("{} is not a value perfscore reads", shown(text)),
                    )
                    .zh(format!("perfscore 无法读取此类值：{}", shown(text))),
                );
                Resolved::Refused
            }
        },
    }
}

/// The digits of a `bigint:` marker as an exact JSON number (`-?[0-9]+`).
fn big_integer(digits: &str) -> Option<serde_json::Number> {
    let unsigned = digits.strip_prefix('-').unwrap_or(digits);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether a tree holds a marker anywhere, looked for without building locations.
fn holds_markers(value: &Value) -> bool {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) if map.contains_key(HOST_KEY) => return true,
            Value::Object(map) => stack.extend(map.values()),
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

/// Resolve every marker of a document in place: numbers and `null`s replace the markers that
/// stand for them, `undefined` keys are left out, and each refused marker is reported and
/// replaced by `null`. Returns the locations of the refused ones, whose place the structural
/// read will find empty (and must not report again).
pub(crate) fn resolve_tree(value: &mut Value, at: &Loc, problems: &mut Problems) -> Vec<Loc> {
    let mut refused = Vec::new();
    if !holds_markers(value) {
        return refused;
    }
    // Depth-first with an explicit stack, children pushed in reverse so that problems come out
    // in document order.
    let mut stack: Vec<(&mut Value, Loc)> = vec![(value, at.clone())];
    while let Some((node, loc)) = stack.pop() {
        if marker(node).is_some() {
            match resolve(std::mem::take(node), &loc, problems) {
                Resolved::Value(v) => *node = v,
                Resolved::Refused => refused.push(loc),
            }
            continue;
        }
        match node {
            Value::Object(map) => {
                map.retain(|_, v| !matches!(marker(v), Some(Some("undefined"))));
                for (k, child) in map.iter_mut().rev() {
                    stack.push((child, loc.clone().key(k.clone())));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate().rev() {
                    stack.push((child, loc.clone().index(i)));
                }
            }
            _ => {}
        }
    }
    refused
}

/// Read a value with a hand-written reader, which resolves markers where it reads each value
/// (so their problems sit where the reader locates that value) and reports its own problems.
pub(crate) fn read_document<T>(
    value: Value,
    at: &Loc,
    kind: fn(Vec<Problem>) -> Error,
    read: impl FnOnce(Value, &mut Problems) -> Option<T>,
) -> crate::Result<T> {
    let mut problems = Problems::new();
    let read = read(value, &mut problems);
    finish(read, problems, at, kind)
}

/// Read a serde type from a host value: markers resolved first, then every structural problem
/// ([`crate::json`]), both under `at`. A structural problem that only follows from a refused
/// marker is the marker's, already reported.
pub(crate) fn read_value<T: serde::de::DeserializeOwned>(
    mut value: Value,
    at: &Loc,
    kind: fn(Vec<Problem>) -> Error,
) -> crate::Result<T> {
    let mut problems = Problems::new();
    let refused = resolve_tree(&mut value, at, &mut problems);
    let mut found = Problems::new();
    let read = crate::json::from_value_all::<T>(value, &at.to_string(), &mut found);
    problems.extend(
        found
            .into_vec()
            .into_iter()
            .filter(|p| !refused.iter().any(|r| consequence(p, r))),
    );
    finish(read, problems, at, kind)
}

/// Whether a structural problem only follows from the `null` left where a refused marker was:
/// at its place or below, or at an enclosing place a type is read as a whole from (a scoring
/// method, a period) and complaining of that null.
fn consequence(problem: &Problem, refused: &Loc) -> bool {
    let (at, marker) = (problem.loc.items(), refused.items());
    at.starts_with(marker) || (marker.starts_with(at) && problem.message.contains("null"))
}

/// The value read, or the error made of every problem reported.
fn finish<T>(
    read: Option<T>,
    problems: Problems,
    at: &Loc,
    kind: fn(Vec<Problem>) -> Error,
) -> crate::Result<T> {
    match read {
        Some(v) => problems.finish(kind, v),
        None if problems.is_empty() => Err(kind(vec![Problem::new(
            at.clone(),
            kinds::INVALID_VALUE,
            "the document could not be read",
        )
        .zh("无法读取该文档")])),
        None => Err(kind(problems.into_vec())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resolved(v: Value) -> (Value, Vec<String>) {
        let mut v = v;
        let mut problems = Problems::new();
        resolve_tree(&mut v, &Loc::root().key("x"), &mut problems);
        let shown = problems.into_vec().iter().map(|p| p.to_string()).collect();
        (v, shown)
    }

    #[test]
    fn markers_become_numbers_nulls_or_problems_in_document_order() {
        let (v, problems) = resolved(json!({
            "a": {"\u{0}host": "bigint:123456789012345678901234567"},
            "b": [{"\u{0}host": "NaN"}, {"\u{0}host": "undefined"}],
            "c": {"\u{0}host": "undefined"},
            "d": {"\u{0}host": "a function"},
            "e": {"\u{0}host": "bigint:1.5"},
            "f": {"\u{0}host": 1},
        }));
        assert_eq!(
            v.to_string(),
            r#"{"a":123456789012345678901234567,"b":[null,null],"d":null,"e":null,"f":null}"#
        );
        assert_eq!(
            problems,
            [
                "x.b[0]: NaN is not a finite number",
                "x.d: a function is not a value perfscore reads",
                "x.e: `1.5` is not an integer",
                "x.f: an object with the key `\\u{0}host` must hold only that key, with text",
            ]
        );
    }

    #[test]
    fn only_text_spelling_a_nul_can_hold_a_marker() {
        assert!(may_hold_markers(r#"{"\u0000host":"NaN"}"#));
        assert!(!may_hold_markers(r#"{"host":"NaN"}"#));
    }
}
