//! The live accumulator: facts added and retracted as they arrive, records and scorecards of
//! anyone at any as-of date, through the same store and aggregation as a batch.

use super::facts::{position, FromFacts};
use super::lines::{Format, Lines};
use super::plan::operation_fields;
use super::request::Request;
use super::tape::Tape;
use crate::error::{Error, Loc, Problems};
use crate::{facts, Plan};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The operations [`Accumulator::run`] accepts, with the request fields each reads.
pub const ACCUMULATOR_OPERATIONS: [(&str, &[&str]); 8] = [
    ("add", &["source", "facts"]),
    ("retract", &["source", "ids"]),
    ("records", &["period", "as_of", "records", "people", "org"]),
    (
        "score",
        &["period", "as_of", "records", "people", "org", "options"],
    ),
    (
        "pivot",
        &[
            "period", "as_of", "org", "by", "measures", "compare", "top", "lang",
        ],
    ),
    (
        "reconcile",
        &[
            "period",
            "as_of",
            "people",
            "org",
            "left",
            "right",
            "tolerance",
            "tolerance_pct",
            "lang",
        ],
    ),
    ("size", &[]),
    ("to_json", &[]),
];

/// A plan's facts, held between requests: `add` and `retract` facts in any order, then ask for
/// everyone's records or scorecards (or only the people an update touched) at any as-of date.
/// The answer always equals [`Plan::run`]'s `records_from_facts` / `score_facts` over the facts
/// held. Pure: no clock, no I/O; `to_json` / [`Accumulator::from_json`] keep it between
/// requests. An update that fails changes nothing.
#[derive(Debug, Clone)]
pub struct Accumulator {
    plan: Arc<Plan>,
    store: facts::Store,
}

impl Accumulator {
    /// An empty accumulator for `plan`, which must declare fact sources.
    pub fn new(plan: Arc<Plan>) -> crate::Result<Accumulator> {
        let store = facts::Store::new(plan.fact_model()?);
        Ok(Accumulator { plan, store })
    }

    /// An accumulator restored from `to_json`'s document, every fact read again by `plan`'s
    /// rules (a plan whose filters changed answers by its new filters).
    pub fn from_json(plan: Arc<Plan>, text: &str) -> crate::Result<Accumulator> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            super::request::field_error(
                "state",
                crate::kinds::SYNTAX_ERROR,
                e.to_string(),
                format!("不是有效的 JSON：{e}"),
            )
        })?;
        let store = facts::store_from_json(plan.fact_model()?, value)?;
        Ok(Accumulator { plan, store })
    }

    /// Run one operation (see [`ACCUMULATOR_OPERATIONS`]): `add` (`source`, `facts`: a list
    /// or CSV text) and `retract` (`source`, `ids`) answer `{"changed": n, "people": [...]}`
    /// (the people whose facts changed); `records` and `score` answer as the plan's
    /// `records_from_facts` and `score_facts`; `size` is `{"facts": n}`; `to_json` the state.
    pub fn run(&mut self, operation: &str, request: &str) -> crate::Result<String> {
        let fields = operation_fields(&ACCUMULATOR_OPERATIONS, operation)?;
        let req = Request::parse(request, fields)?;
        let model = self.plan.fact_model()?;
        match operation {
            "add" => {
                let source = req.text("source")?;
                let rows = req.value("facts")?;
                let owners = facts::add(model, &mut self.store, &source, rows)?;
                Ok(changed(owners))
            }
            "retract" => {
                let source = req.text("source")?;
                let ids = read_ids(&req)?;
                let owners = facts::retract(model, &mut self.store, &source, &ids)?;
                Ok(changed(owners))
            }
            "records" => Ok(super::plan::from_facts_json(&self.answer(&req)?)),
            "score" => Ok(self.score_lines(&req, Format::Lines)?.text()),
            "pivot" => (self.plan).pivot_of(model, Some(&self.store), &req, Problems::new()),
            "reconcile" => {
                (self.plan).reconcile_of(model, Some(&self.store), &req, Problems::new())
            }
            "size" => Ok(format!(r#"{{"facts":{}}}"#, self.store.len())),
            _ => Ok(self.to_json()),
        }
    }

    /// `score` with its scorecards handed over as a [`Tape`] instead of JSON lines (see
    /// [`crate::Plan::run_tape`]); any other operation is refused.
    pub fn run_tape(&self, operation: &str, request: &str) -> crate::Result<Tape> {
        let req = super::tape_request(&ACCUMULATOR_OPERATIONS, &["score"], operation, request)?;
        self.score_lines(&req, Format::Tape)?.tape()
    }

    /// Every held person's scorecard, as the plan's `score_facts` answers, in `format`.
    fn score_lines(&self, req: &Request<'_>, format: Format) -> crate::Result<Lines> {
        let got = self.answer(req)?;
        // Mid-period, progress runs to the as-of date unless the options say otherwise.
        let options = match req.raw("options") {
            Some(_) => req.options()?,
            None => position(got.period, got.as_of).unwrap_or_default(),
        };
        self.plan.score_lines(&got.records, &options, format)
    }

    /// The state as JSON text (what `to_json` answers), for [`Accumulator::from_json`].
    pub fn to_json(&self) -> String {
        self.plan
            .fact_model()
            .map(|model| facts::store_json(model, &self.store).to_string())
            .unwrap_or_default()
    }

    /// How many facts are held.
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// Whether no fact is held.
    pub fn is_empty(&self) -> bool {
        self.store.len() == 0
    }

    fn answer(&self, req: &Request<'_>) -> crate::Result<FromFacts> {
        let model = self.plan.fact_model()?;
        let mut problems = Problems::new();
        let query = self.plan.read_query(req, &mut problems);
        let Some(query) = query else {
            return Err(Error::Input(problems.into_vec()));
        };
        self.plan.answer(model, &self.store, query, false)
    }
}

/// `{"changed": n, "people": [...]}`: how many facts changed and whose (by id, once each).
fn changed(owners: Vec<Option<String>>) -> String {
    let n = owners.len();
    let people: BTreeSet<String> = owners.into_iter().flatten().collect();
    serde_json::json!({"changed": n, "people": people}).to_string()
}

/// `ids`: a list of fact ids (text; a number is read as its text, as id columns are).
fn read_ids(req: &Request<'_>) -> crate::Result<Vec<String>> {
    let at = Loc::root().key("ids");
    let value = req.value("ids")?;
    let serde_json::Value::Array(items) = value else {
        return Err(super::request::field_error(
            "ids",
            crate::kinds::WRONG_TYPE,
            "expected a list of fact ids",
            "应为事实编号列表",
        ));
    };
    let mut problems = Problems::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.into_iter().enumerate() {
        match v {
            serde_json::Value::Number(n) => out.push(n.to_string()),
            other => out.extend(crate::input::scalar::required_text(
                Some(other),
                &at.clone().index(i),
                "事实编号",
                &mut problems,
            )),
        }
    }
    problems.finish(Error::Input, out)
}
