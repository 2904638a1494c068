//! The scalar rules every reader shares: a number, a piece of text, an id. Each reads one value
//! at its location and reports what is wrong with it there.

use crate::error::{kinds, shown, Loc, LocItem, Problem, Problems};
use crate::json::markers::{resolve, Resolved};
use crate::number::{parse_decimal, parse_json_number, rule_error};
use rust_decimal::Decimal;
use serde_json::Value;

/// How a value is named in "expected …, found …".
pub(crate) fn what(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a bool ({b})"),
        Value::Number(_) => "a number".into(),
        Value::String(_) => "text".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// [`what`] in Simplified Chinese: how a value is named in "应为…，实际为…".
pub(crate) fn what_zh(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("布尔值（{b}）"),
        Value::Number(_) => "数字".into(),
        Value::String(_) => "文本".into(),
        Value::Array(_) => "列表".into(),
        Value::Object(_) => "对象".into(),
    }
}

/// A number by the one number rule ([`crate::number`]): a JSON number read from its exact text,
/// or numeric text; `null` is `Ok(None)`, a missing value. `Err(())` once a problem is reported.
pub(crate) fn number(
    value: Value,
    at: &Loc,
    problems: &mut Problems,
) -> Result<Option<Decimal>, ()> {
    let value = match resolve(value, at, problems) {
        Resolved::Value(v) => v,
        Resolved::Refused => return Err(()),
    };
    let parsed = match &value {
        Value::Null => return Ok(None),
        Value::Number(n) => parse_json_number(&n.to_string()),
        Value::String(s) => parse_decimal(s),
        other => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::WRONG_TYPE,
                    format!("expected a number, found {}", what(other)),
                )
                .zh(format!("应为数字，实际为{}", what_zh(other))),
            );
            return Err(());
        }
    };
    parsed.map(Some).map_err(|message| {
        let (kind, zh) = rule_error(&message);
        problems.push(Problem::new(at.clone(), kind, message).zh(zh));
    })
}

/// Text, or `null` (`Ok(None)`). `Err(())` once a problem is reported.
pub(crate) fn text(value: Value, at: &Loc, problems: &mut Problems) -> Result<Option<String>, ()> {
    match resolve(value, at, problems) {
        Resolved::Value(Value::Null) => Ok(None),
        Resolved::Value(Value::String(s)) => Ok(Some(s)),
        Resolved::Value(other) => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::WRONG_TYPE,
                    format!("expected text, found {}", what(&other)),
                )
                .zh(format!("应为文本，实际为{}", what_zh(&other))),
            );
            Err(())
        }
        Resolved::Refused => Err(()),
    }
}

/// Required text: absent or `null` is `missing`, anything but text is `wrong_type`. `zh` names
/// the value in Chinese for the `missing` message (`缺少评价人（`rater`）`).
pub(crate) fn required_text(
    value: Option<Value>,
    at: &Loc,
    zh: &str,
    problems: &mut Problems,
) -> Option<String> {
    let found = match value {
        Some(v) => text(v, at, problems).ok()?,
        None => None,
    };
    if found.is_none() {
        let field = match at.items().last() {
            Some(LocItem::Key(k)) => shown(k).into_owned(),
            _ => String::from("value"),
        };
        problems.push(
            Problem::new(at.clone(), kinds::MISSING, format!("`{field}` is missing"))
                .zh(format!("缺少{zh}（`{field}`）")),
        );
    }
    found
}

/// Read a required number from a host value (an amount, a deal) at `at`: the one number rule,
/// host markers allowed; `null` is `missing`.
pub fn read_number(value: Value, at: &Loc) -> crate::Result<Decimal> {
    crate::json::markers::read_document(value, at, crate::Error::Input, |v, problems| match number(
        v, at, problems,
    ) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::MISSING,
                    "a number is required, found null",
                )
                .zh("必须填写数字，实际为 null"),
            );
            None
        }
        Err(()) => None,
    })
}
