//! Reading an operation's request: a JSON object whose fields are kept as raw text, so each is
//! read by the core reader for its kind (records, options, responses…) with its own location,
//! without parsing the document twice.

use crate::error::{kinds, Error, Loc, Problem};
use crate::explain::Lang;
use crate::record::Record;
use crate::score::ScoreOptions;
use crate::Plan;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// A request: its fields by name, as raw JSON text.
pub(crate) struct Request<'a> {
    fields: BTreeMap<&'a str, &'a RawValue>,
}

impl<'a> Request<'a> {
    /// Read `text` as a JSON object; an empty text is the empty request. Fields other than
    /// `allowed` are refused, each at its key.
    pub(crate) fn parse(text: &'a str, allowed: &[&str]) -> crate::Result<Self> {
        if text.trim().is_empty() {
            return Ok(Request {
                fields: BTreeMap::new(),
            });
        }
        let fields: BTreeMap<&'a str, &'a RawValue> = serde_json::from_str(text).map_err(|e| {
            Error::Input(vec![Problem::new(
                Loc::root(),
                kinds::WRONG_TYPE,
                format!("the request is not a JSON object: {e}"),
            )
            .zh(format!("请求不是 JSON 对象：{e}"))])
        })?;
        let unknown: Vec<Problem> = fields
            .keys()
            .filter(|k| !allowed.contains(k))
            .map(|k| {
                Problem::new(
                    Loc::root().key(*k),
                    kinds::UNKNOWN_FIELD,
                    format!("unknown field: expected {}", allowed.join(", ")),
                )
                .zh(format!("未知字段；可用：{}", allowed.join("、")))
            })
            .collect();
        if unknown.is_empty() {
            Ok(Request { fields })
        } else {
            Err(Error::Input(unknown))
        }
    }

    /// A field's raw text, if given and not `null`.
    pub(crate) fn raw(&self, name: &str) -> Option<&'a str> {
        self.fields
            .get(name)
            .map(|v| v.get())
            .filter(|t| t.trim() != "null")
    }

    /// A required field's raw text.
    pub(crate) fn required(&self, name: &str) -> crate::Result<&'a str> {
        self.raw(name).ok_or_else(|| {
            Error::Input(vec![Problem::new(
                Loc::root().key(name),
                kinds::MISSING_FIELD,
                format!("missing field `{name}`"),
            )
            .zh(format!("缺少字段 `{name}`"))])
        })
    }

    /// The scoring options (`options`), or the defaults.
    pub(crate) fn options(&self) -> crate::Result<ScoreOptions> {
        match self.raw("options") {
            Some(text) => ScoreOptions::from_json(text),
            None => Ok(ScoreOptions::default()),
        }
    }

    /// The language (`lang`: `en` or `zh`), English when absent.
    pub(crate) fn lang(&self) -> crate::Result<Lang> {
        match self.raw("lang") {
            None => Ok(Lang::En),
            Some(_) => {
                let text = self.text("lang")?;
                text.parse().map_err(|m: String| {
                    Error::Input(vec![Problem::new(
                        Loc::root().key("lang"),
                        kinds::INVALID_VALUE,
                        m,
                    )
                    .zh("语言只能是 `en`（英文）或 `zh`（中文）")])
                })
            }
        }
    }

    /// The batch of records (`records`), every problem of every record at once.
    pub(crate) fn records(&self, plan: &Plan) -> crate::Result<Vec<Record>> {
        plan.records_from_json(self.required("records")?)
    }

    /// One record (`record`), its problems located under `record`.
    pub(crate) fn record(&self, plan: &Plan) -> crate::Result<Record> {
        let value = self.value("record")?;
        plan.read_record(value)
            .map_err(|e| under(e, &Loc::root().key("record")))
    }

    /// A field as a JSON value (markers and all), for the core's readers.
    pub(crate) fn value(&self, name: &str) -> crate::Result<serde_json::Value> {
        let text = self.required(name)?;
        serde_json::from_str(text).map_err(|e| {
            Error::Input(vec![Problem::new(
                Loc::root().key(name),
                kinds::SYNTAX_ERROR,
                e.to_string(),
            )
            .zh(format!("不是有效的 JSON：{e}"))])
        })
    }

    /// A decimal field (`prior_base`, `deal`…): a JSON number or numeric text, by the one
    /// number rule; absent is `missing`.
    pub(crate) fn decimal(&self, name: &str) -> crate::Result<rust_decimal::Decimal> {
        let value = self
            .raw(name)
            .map_or(Ok(serde_json::Value::Null), |_| self.value(name))?;
        crate::input::read_number(value, &Loc::root().key(name))
    }

    /// A text field (`ratee`, `commission`, `lang`…), by the core's text rule; absent is `missing`.
    pub(crate) fn text(&self, name: &str) -> crate::Result<String> {
        let value = match self.raw(name) {
            Some(_) => Some(self.value(name)?),
            None => None,
        };
        let mut problems = crate::error::Problems::new();
        let text = crate::input::scalar::required_text(
            value,
            &Loc::root().key(name),
            "字段",
            &mut problems,
        );
        match text {
            Some(t) if problems.is_empty() => Ok(t),
            _ => Err(Error::Input(problems.into_vec())),
        }
    }
}

/// The same error with every problem placed under `outer`.
pub(crate) fn under(e: Error, outer: &Loc) -> Error {
    let move_all = |list: Vec<Problem>| list.into_iter().map(|p| p.under(outer)).collect();
    match e {
        Error::Input(list) => Error::Input(move_all(list)),
        Error::Plan(list) => Error::Plan(move_all(list)),
    }
}

/// An input error at one field.
pub(crate) fn field_error(
    name: &str,
    kind: &'static str,
    message: impl Into<String>,
    zh: impl Into<String>,
) -> Error {
    Error::Input(vec![
        Problem::new(Loc::root().key(name), kind, message).zh(zh)
    ])
}

/// A JSON string result.
pub(crate) fn json_text(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| String::from("\"\""))
}
