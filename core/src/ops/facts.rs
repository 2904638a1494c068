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
    /// With an org table: facts in the period credited to people it has no entry for then.
    pub not_in_org: Option<NotListed>,
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
    pub org: Option<facts::Org>,
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
        // Every field's problems at once: facts, period, as-of date, records, people.
        let (model, store, mut problems) = self.request_facts(req)?;
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
        let org = read_org(req, problems);
        Some(Query {
            period: period?,
            as_of: as_of?,
            records: records?,
            people: people?,
            org: org?,
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
        if query.org.is_none() {
            if let Some(id) = model.rolled_up() {
                problems.push(
                    Problem::new(
                        Loc::root().key("org"),
                        kinds::MISSING,
                        format!("measure `{id}` rolls up through the org table: give `org`"),
                    )
                    .zh(format!(
                        "指标数据 `{id}` 按组织架构汇总：请提供 `org`（组织架构表）"
                    )),
                );
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
            // Without `people`: every owner, and with an org table everyone in it during the
            // period (a team lead scored on the team's facts may have none of their own).
            let mut others = store.owners();
            if let (None, Some(org)) = (&query.people, &query.org) {
                others.extend(org.people_during(query.period));
            }
            for owner in others {
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
        let measured = facts::measure(
            model,
            store,
            query.period,
            query.as_of,
            Some(&roster),
            query.org.as_ref(),
        )?;
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
        let known = Span {
            from: query.period.from,
            to: query
                .as_of
                .map_or(query.period.to, |a| a.min(query.period.to)),
        };
        Ok(FromFacts {
            records: out,
            unassigned: facts::unassigned(model, store),
            not_listed,
            not_in_org: (query.org.as_ref())
                .map(|org| facts::outside_org(model, store, org, known)),
            period: query.period,
            as_of: query.as_of,
        })
    }
}

impl Plan {
    /// `pivot_facts`: the request's facts, pivoted.
    pub(super) fn pivot_facts(&self, req: &Request<'_>) -> crate::Result<String> {
        let (model, store, problems) = self.request_facts(req)?;
        self.pivot_of(model, store.as_ref(), req, problems)
    }

    /// The plan's fact model and the request's `facts` read as a batch (`None` with its problems
    /// in the list returned, for the rest of the request's to join).
    fn request_facts(
        &self,
        req: &Request<'_>,
    ) -> crate::Result<(&facts::Model, Option<facts::Batch>, Problems)> {
        let model = self.fact_model()?;
        let mut problems = Problems::new();
        let batch = keep(
            &mut problems,
            req.value("facts")
                .and_then(|v| facts::batch(model, v, &Loc::root().key("facts"))),
        );
        Ok((model, batch, problems))
    }

    /// The request's pivot over `store` (`None` once its facts had problems, which are in
    /// `problems` with the rest of the request's).
    pub(super) fn pivot_of(
        &self,
        model: &facts::Model,
        store: Option<&impl facts::Held>,
        req: &Request<'_>,
        mut problems: Problems,
    ) -> crate::Result<String> {
        let query = self.read_query(req, &mut problems);
        let fields = read_pivot(req, &mut problems);
        let lang = keep(&mut problems, req.lang());
        let (Some(store), Some(query), Some(fields), Some(lang)) = (store, query, fields, lang)
        else {
            return Err(Error::Input(problems.into_vec()));
        };
        problems.finish(Error::Input, ())?;
        let labels: Vec<String> = (model.slots().into_iter())
            .map(|s| {
                self.measures()
                    .get(s)
                    .map_or(String::new(), |m| m.name.to_string())
            })
            .collect();
        let pivot = facts::compile_pivot(model, fields, &labels, query.org.is_some())?;
        let mut answer = facts::run_pivot(
            model,
            store,
            &pivot,
            query.org.as_ref(),
            query.period,
            query.as_of,
            lang,
        )?;
        if let (Some(org), Some(map)) = (&query.org, answer.as_object_mut()) {
            let known = Span {
                from: query.period.from,
                to: query
                    .as_of
                    .map_or(query.period.to, |a| a.min(query.period.to)),
            };
            let list: Vec<serde_json::Value> = facts::outside_org(model, store, org, known)
                .into_iter()
                .map(|(u, p)| serde_json::json!({"source": u.source, "row": u.row, "id": u.id, "owner": p}))
                .collect();
            map.insert("not_in_org".into(), list.into());
        }
        Ok(answer.to_string())
    }
}

impl Plan {
    /// `check_facts`: the data-quality report of the request's facts (never an error for the
    /// facts themselves: their problems are the report).
    pub(super) fn check_facts(&self, req: &Request<'_>) -> crate::Result<String> {
        let model = self.fact_model()?;
        let mut problems = Problems::new();
        let facts = keep(&mut problems, req.value("facts"));
        let period = match req.raw("period") {
            None => Some(None),
            Some(_) => keep(
                &mut problems,
                req.value("period")
                    .and_then(|v| facts::read_period(v, &Loc::root().key("period"))),
            )
            .map(Some),
        };
        let org = read_org(req, &mut problems);
        let (Some(facts), Some(period), Some(org)) = (facts, period, org) else {
            return Err(Error::Input(problems.into_vec()));
        };
        problems.finish(Error::Input, ())?;
        Ok(facts::check(model, facts, period, org.as_ref()).to_string())
    }

    /// `reconcile_facts`: the request's facts, two measures compared per person.
    pub(super) fn reconcile_facts(&self, req: &Request<'_>) -> crate::Result<String> {
        let (model, store, problems) = self.request_facts(req)?;
        self.reconcile_of(model, store.as_ref(), req, problems)
    }

    /// The request's reconciliation over `store` (`None` once its facts had problems).
    pub(super) fn reconcile_of(
        &self,
        model: &facts::Model,
        store: Option<&impl facts::Held>,
        req: &Request<'_>,
        mut problems: Problems,
    ) -> crate::Result<String> {
        let query = self.read_query(req, &mut problems);
        let left = keep(&mut problems, req.text("left"));
        let right = keep(&mut problems, req.text("right"));
        let amount = |name: &str, problems: &mut Problems| match req.raw(name) {
            None => Some(None),
            Some(_) => keep(
                problems,
                req.value(name)
                    .and_then(|v| crate::input::scalar::read_number(v, &Loc::root().key(name))),
            )
            .map(Some),
        };
        let tolerance = amount("tolerance", &mut problems);
        let tolerance_pct = amount("tolerance_pct", &mut problems);
        let lang = keep(&mut problems, req.lang());
        let (Some(store), Some(query), Some(left), Some(right), Some(tol), Some(pct), Some(lang)) =
            (store, query, left, right, tolerance, tolerance_pct, lang)
        else {
            return Err(Error::Input(problems.into_vec()));
        };
        problems.finish(Error::Input, ())?;
        let how = facts::Reconcile {
            left,
            right,
            tolerance: tol.unwrap_or_default(),
            tolerance_pct: pct,
        };
        let answer = facts::reconcile(
            model,
            store,
            &how,
            (query.period, query.as_of),
            query.people.as_deref(),
            query.org.as_ref(),
            lang,
        )?;
        Ok(answer.to_string())
    }
}

/// `org`, when the request gives it.
fn read_org(req: &Request<'_>, problems: &mut Problems) -> Option<Option<facts::Org>> {
    match req.raw("org") {
        None => Some(None),
        Some(_) => keep(
            problems,
            req.value("org")
                .and_then(|v| facts::read_org(v, &Loc::root().key("org"))),
        )
        .map(Some),
    }
}

/// The pivot fields of a request: `by` (required), `measures`, `compare`, `top`.
fn read_pivot(req: &Request<'_>, problems: &mut Problems) -> Option<facts::PivotFields> {
    let texts = |name: &str, problems: &mut Problems| -> Option<Vec<String>> {
        let value = keep(problems, req.value(name))?;
        keep(problems, text_list(name, value))
    };
    let by = match req.raw("by") {
        None => {
            problems.push(
                Problem::new(Loc::root().key("by"), kinds::MISSING_FIELD, "`by` is missing: the columns or dimensions to group by ([] for the total alone)")
                    .zh("缺少 `by`：分组的列或维度（只要合计时为 []）"),
            );
            None
        }
        Some(_) => texts("by", problems),
    };
    let measures = match req.raw("measures") {
        None => Some(None),
        Some(_) => texts("measures", problems).map(Some),
    };
    let compare = match req.raw("compare") {
        None => Some(Vec::new()),
        Some(_) => texts("compare", problems),
    };
    let top = match req.raw("top") {
        None => Some(None),
        Some(_) => keep(problems, req.value("top").and_then(read_top)).map(Some),
    };
    Some(facts::PivotFields {
        by: by?,
        measures: measures?,
        compare: compare?,
        top: top?,
    })
}

/// A list of texts at field `name`.
fn text_list(name: &str, value: serde_json::Value) -> crate::Result<Vec<String>> {
    let at = Loc::root().key(name);
    let serde_json::Value::Array(items) = value else {
        return Err(super::request::field_error(
            name,
            kinds::WRONG_TYPE,
            "expected a list of names",
            "应为名称列表",
        ));
    };
    let mut problems = Problems::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.into_iter().enumerate() {
        out.extend(crate::input::scalar::required_text(
            Some(v),
            &at.clone().index(i),
            "名称",
            &mut problems,
        ));
    }
    problems.finish(Error::Input, out)
}

/// `top`: a whole number of groups (checked to be at least 1 with the pivot).
fn read_top(value: serde_json::Value) -> crate::Result<usize> {
    value
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| {
            super::request::field_error(
                "top",
                kinds::WRONG_TYPE,
                "expected a whole number of groups",
                "应为组数（正整数）",
            )
        })
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
