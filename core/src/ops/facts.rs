//! The fact operations of a plan: facts in, each person's record (and scorecard) out.

use super::request::Request;
use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::facts::{self, Date, Span, Unassigned};
use crate::record::Record;
use crate::{Plan, ScoreOptions};
use std::collections::HashSet;

/// Facts of owners outside the request's `people`, with the owner.
type NotListed = Vec<(Unassigned, String)>;

/// Records built from facts, and the facts they leave out (never silently).
pub(super) struct FromFacts {
    pub records: Vec<Record>,
    pub unassigned: Vec<Unassigned>,
    /// Facts of owners outside the request's `people`, when it names them.
    pub not_listed: NotListed,
    /// The period and as-of date, for progress.
    pub period: Span,
    pub as_of: Option<Date>,
}

/// What a fact query asks: the period, the as-of date, the records giving the other measures
/// and, optionally, the people to answer for.
pub(super) struct Query {
    pub period: Span,
    pub as_of: Option<Date>,
    pub records: Vec<Record>,
    pub people: Option<Vec<String>>,
}

impl Plan {
    /// The plan's fact model, or the problem that it has none.
    pub(super) fn fact_model(&self) -> crate::Result<&facts::Model> {
        self.facts.as_deref().ok_or_else(|| {
            super::request::field_error(
                "facts",
                kinds::NOT_ALLOWED,
                "the plan declares no fact sources",
                "方案没有声明事实数据源（sources）",
            )
        })
    }

    /// `records_from_facts` / `score_facts`: the request's facts aggregated over its period,
    /// merged into its records (measures read from records stay as given).
    pub(super) fn records_of_facts(&self, req: &Request<'_>) -> crate::Result<FromFacts> {
        let model = self.fact_model()?;
        // Every field's problems at once: facts, period, as-of date, records, people.
        let mut problems = Problems::new();
        let store = keep(
            &mut problems,
            req.value("facts")
                .and_then(|v| facts::batch(model, v, &Loc::root().key("facts"))),
        );
        let query = self.read_query(req, &mut problems);
        let (Some(store), Some(query)) = (store, query) else {
            return Err(Error::Input(problems.into_vec()));
        };
        self.answer(model, &store, query, true)
    }

    /// The query fields of a request (`period`, `as_of`, `records`, `people`), their problems
    /// added to `problems`.
    pub(super) fn read_query(&self, req: &Request<'_>, problems: &mut Problems) -> Option<Query> {
        let period = keep(
            problems,
            req.value("period")
                .and_then(|v| facts::read_period(v, &Loc::root().key("period"))),
        );
        let as_of = match req.raw("as_of") {
            None => Some(None),
            Some(_) => keep(
                problems,
                req.value("as_of")
                    .and_then(|v| facts::read_date(v, &Loc::root().key("as_of"))),
            )
            .map(Some),
        };
        // Records as JSON, or as CSV text (an export with the other measures).
        let records = match req.raw("records") {
            None => Some(Vec::new()),
            Some(raw) if raw.trim_start().starts_with('"') => keep(
                problems,
                req.text("records")
                    .and_then(|csv| self.records_from_csv(&csv))
                    .map_err(|e| super::request::under(e, &Loc::root().key("records"))),
            ),
            Some(_) => keep(problems, req.records(self)),
        };
        let people = match req.raw("people") {
            None => Some(None),
            Some(_) => keep(problems, req.value("people").and_then(read_people)).map(Some),
        };
        Some(Query {
            period: period?,
            as_of: as_of?,
            records: records?,
            people: people?,
        })
    }

    /// Each person's record over the query's period: the records' people in order, then
    /// `people`'s, then (without `people`) every other owner by id; each person's fact measures
    /// added to their record. A record giving a fact measure itself is refused. With `roster`
    /// (a batch), `people` is the whole team and other owners' facts are `not_listed`; without
    /// (a live query), it only chooses whom to answer for, at the cost of their facts alone.
    pub(super) fn answer(
        &self,
        model: &facts::Model,
        store: &impl facts::Held,
        query: Query,
        roster: bool,
    ) -> crate::Result<FromFacts> {
        let slots = model.slots();
        let mut problems = Problems::new();
        for (i, r) in query.records.iter().enumerate() {
            for key in r.measures.keys() {
                if self.measure_slot(key).is_some_and(|s| slots.contains(&s)) {
                    problems.push(
                        Problem::new(
                            Loc::root()
                                .key("records")
                                .index(i)
                                .key("measures")
                                .key(key.as_str()),
                            kinds::CONFLICTING_FIELDS,
                            format!(
                                "`{}` is computed from facts; a record may not give it",
                                shown(key)
                            ),
                        )
                        .zh(format!("`{}` 由事实数据计算，记录中不能再给出", shown(key)))
                        .with_id(r.id.clone()),
                    );
                }
            }
        }
        problems.finish(Error::Input, ())?;
        let mut out = query.records;
        let mut listed: HashSet<String> = out.iter().map(|r| r.id.clone()).collect();
        for id in query.people.iter().flatten() {
            if listed.insert(id.clone()) {
                out.push(Record::new(id.clone()));
            }
        }
        let mut not_listed = Vec::new();
        if query.people.is_none() || roster {
            for owner in store.owners() {
                if listed.contains(owner) {
                    continue;
                }
                if query.people.is_some() {
                    let facts = facts::owned_by(model, store, owner);
                    not_listed.extend(facts.into_iter().map(|u| (u, owner.to_owned())));
                } else {
                    out.push(Record::new(owner));
                }
            }
        }
        let roster: Vec<String> = out.iter().map(|r| r.id.clone()).collect();
        let measured = facts::measure(model, store, query.period, query.as_of, Some(&roster))?;
        for r in &mut out {
            let Some(values) = measured.get(&r.id) else {
                continue;
            };
            for (&slot, value) in slots.iter().zip(values) {
                if let (Some(m), Some(v)) = (self.measures().get(slot), value) {
                    r.measures.insert(m.id.to_string(), *v);
                }
            }
        }
        Ok(FromFacts {
            records: out,
            unassigned: facts::unassigned(model, store),
            not_listed,
            period: query.period,
            as_of: query.as_of,
        })
    }
}

/// The value, or `None` with its problems added to `problems`.
fn keep<T>(problems: &mut Problems, r: crate::Result<T>) -> Option<T> {
    r.map_err(|e| problems.absorb(&e)).ok()
}

/// `people`: a list of person ids.
fn read_people(value: serde_json::Value) -> crate::Result<Vec<String>> {
    let at = Loc::root().key("people");
    let mut problems = Problems::new();
    let serde_json::Value::Array(items) = value else {
        return Err(super::request::field_error(
            "people",
            kinds::WRONG_TYPE,
            "expected a list of person ids",
            "应为人员编号列表",
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.into_iter().enumerate() {
        let id = crate::input::scalar::required_text(
            Some(v),
            &at.clone().index(i),
            "人员编号",
            &mut problems,
        );
        out.extend(id);
    }
    problems.finish(Error::Input, out)
}

/// The progress position of `as_of` in `period`, when it lies inside it: elapsed calendar days
/// (the as-of day included) of the period's days.
pub(super) fn position(period: Span, as_of: Option<Date>) -> Option<ScoreOptions> {
    let as_of = as_of.filter(|a| *a < period.to && *a >= period.from)?;
    let elapsed = Span {
        from: period.from,
        to: as_of,
    }
    .days();
    let json = format!(
        r#"{{"period":{{"basis":"calendar_days","elapsed":{elapsed},"total":{}}}}}"#,
        period.days()
    );
    ScoreOptions::from_json(&json).ok()
}
