//! 360 responses: a list of `{rater, ratee, group, item, value}` objects.
//!
//! `rater`, `ratee`, `group` and `item` are required text; `value` is a number (the one number
//! rule), `"na"` / `"n/a"` (not applicable, any letter case), or `null` or absent (missing).
//! Locations: `["responses", i, "value"]`; an unknown key is `unknown_field` at its own place.

use super::scalar::{number, required_text, what, what_zh};
use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::feedback::{Answer, Feedback, Response};
use crate::json::markers::{may_hold_markers, read_document, resolve, Resolved};
use crate::json::text_problem;
use serde_json::{Map, Value};

/// The keys of a response.
const KEYS: [&str; 5] = ["rater", "ratee", "group", "item", "value"];

impl Feedback {
    /// Read responses from a host value (a JSON array of responses, host markers allowed), every
    /// problem of every response at once.
    pub fn read_responses(&self, responses: Value) -> crate::Result<Vec<Response>> {
        read_responses(responses)
    }

    /// Read responses from JSON text, by the same rule as [`Feedback::read_responses`].
    pub fn responses_from_json(&self, text: &str) -> crate::Result<Vec<Response>> {
        // Well-formed text, the common case, is read straight from the text; text that may
        // hold host markers is read through the tree, which resolves them.
        let first = match may_hold_markers(text) {
            true => None,
            false => match serde_json::from_str::<Vec<Response>>(text) {
                Ok(r) => return Ok(r),
                Err(e) => Some(e),
            },
        };
        let at = || Loc::root().key("responses");
        let value: Value =
            serde_json::from_str(text).map_err(|e| Error::Input(vec![text_problem(at(), &e)]))?;
        let read = read_responses(value)?;
        match first {
            None => Ok(read),
            // The tree reads where the text did not (a key given twice): the text's own error.
            Some(first) => Err(Error::Input(vec![text_problem(at(), &first)])),
        }
    }
}

fn read_responses(value: Value) -> crate::Result<Vec<Response>> {
    let at = Loc::root().key("responses");
    read_document(value, &at, Error::Input, |value, problems| {
        let Value::Array(items) = value else {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::WRONG_TYPE,
                    format!("expected a list of responses, found {}", what(&value)),
                )
                .zh(format!("应为 360 作答列表，实际为{}", what_zh(&value))),
            );
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            if let Some(r) = response(item, &at.clone().index(i), problems) {
                out.push(r);
            }
        }
        Some(out)
    })
}

/// One response at `at`; `None` when it has a problem (reported).
fn response(value: Value, at: &Loc, problems: &mut Problems) -> Option<Response> {
    let before = problems.count();
    let mut map: Map<String, Value> = match resolve(value, at, problems) {
        Resolved::Value(Value::Object(map)) => map,
        Resolved::Value(other) => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::WRONG_TYPE,
                    format!("expected a response (an object), found {}", what(&other)),
                )
                .zh(format!("应为一条作答（对象），实际为{}", what_zh(&other))),
            );
            return None;
        }
        Resolved::Refused => return None,
    };
    let mut text = |key: &str, zh: &str, problems: &mut Problems| {
        required_text(map.remove(key), &at.clone().key(key), zh, problems)
    };
    let rater = text("rater", "评价人", problems);
    let ratee = text("ratee", "被评价人", problems);
    let group = text("group", "评价人分组", problems);
    let item = text("item", "题目", problems);
    let value = answer(map.remove("value"), &at.clone().key("value"), problems);
    for key in map.keys() {
        problems.push(
            Problem::new(
                at.clone().key(key.as_str()),
                kinds::UNKNOWN_FIELD,
                format!(
                    "unknown field `{}` (fields: {})",
                    shown(key),
                    KEYS.join(", ")
                ),
            )
            .zh(format!(
                "未知字段 `{}`（可用字段：{}）",
                shown(key),
                KEYS.join(", ")
            )),
        );
    }
    if problems.count() != before {
        return None;
    }
    Some(Response {
        rater: rater?,
        ratee: ratee?,
        group: group?,
        item: item?,
        value: value?,
    })
}

/// An answer: a number, `na` / `n/a`, or `null` / absent for missing.
fn answer(value: Option<Value>, at: &Loc, problems: &mut Problems) -> Option<Answer> {
    let Some(value) = value else {
        return Some(Answer::Missing);
    };
    let value = match resolve(value, at, problems) {
        Resolved::Value(v) => v,
        Resolved::Refused => return None,
    };
    if let Value::String(s) = &value {
        if s.eq_ignore_ascii_case("na") || s.eq_ignore_ascii_case("n/a") {
            return Some(Answer::NotApplicable);
        }
    }
    match number(value, at, problems) {
        Ok(Some(v)) => Some(Answer::Value(v)),
        Ok(None) => Some(Answer::Missing),
        Err(()) => None,
    }
}
