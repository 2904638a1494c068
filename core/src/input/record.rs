//! The one record rule, for every host (see `docs/input.md`).
//!
//! A record is an object: `id` (text, required, not empty after trimming; a number is refused),
//! optional `name`, `team`, `department`, `branch` (text or `null`), `attributes` (an object of
//! text; `null` values are left out) and its measure values, either nested under `measures`
//! (then no other key is allowed) or flat, as in a CSV row (no `measures` key: every other key
//! is a measure id or alias). A measure value is a JSON number, numeric text or `null` (missing).
//!
//! Locations: `["records", i, "measures", "revenue"]` nested, `["records", i, "revenue"]` flat,
//! with the record's id attached once it is known (except to problems about the id itself, whose
//! message names it); a single record ([`Plan::read_record`]) is
//! located from its own root (`["measures", "revenue"]`, shown `record (E001).measures.revenue`).

use super::scalar::{number, text, what, what_zh};
use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::json::markers::{may_hold_markers, read_document, resolve, Resolved};
use crate::json::text_problem;
use crate::number::Num;
use crate::plan::Plan;
use crate::record::Record;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// The record fields that are not measures.
const FIELDS: [&str; 7] = [
    "id",
    "name",
    "team",
    "department",
    "branch",
    "attributes",
    "measures",
];

impl Plan {
    /// Read records from a host value: a JSON array of records (see the module docs), host
    /// markers allowed ([`crate::input`]). Every problem of every record is reported at once
    /// (wrong types, unknown fields, numbers that do not fit, empty or duplicate ids, unknown
    /// measures), up to the problem limit; no record is returned from a half-read list.
    pub fn read_records(&self, records: Value) -> crate::Result<Vec<Record>> {
        let at = Loc::root().key("records");
        read_document(records, &at, Error::Input, |value, problems| {
            self.records_of(value, &at, problems)
        })
    }

    /// Read one record from a host value (a record object), located from its own root.
    pub fn read_record(&self, record: Value) -> crate::Result<Record> {
        let at = Loc::root();
        read_document(record, &at, Error::Input, |value, problems| {
            RecordReader::new(self).read(value, at.clone(), problems)
        })
    }

    /// Load records from JSON text: a JSON array of records, read by the same rule as
    /// [`Plan::read_records`] (measure names may be ids or aliases), with every problem at once.
    pub fn records_from_json(&self, text: &str) -> crate::Result<Vec<Record>> {
        // Well-formed text, the common case, is read straight from the text; anything else is
        // read through the tree, which finds every problem.
        let first = match self.records_from_text(text) {
            Ok(records) => return Ok(records),
            Err(first) => first,
        };
        let at = || Loc::root().key("records");
        let value: Value =
            serde_json::from_str(text).map_err(|e| Error::Input(vec![text_problem(at(), &e)]))?;
        let records = self.read_records(value)?;
        match first {
            None => Ok(records),
            // The tree reads where the text did not: something only the text shows, such as a
            // key given twice (the tree keeps one of them silently). The text's own error is
            // the problem.
            Some(first) => Err(Error::Input(vec![text_problem(at(), &first)])),
        }
    }

    /// The fast path of [`Plan::records_from_json`]: records read straight from the text, and
    /// only when nothing at all is wrong with them. Otherwise the text's own error, or `None`
    /// when the text read but must go through the tree (host markers, or problems the record
    /// rule reports).
    fn records_from_text(&self, text: &str) -> Result<Vec<Record>, Option<serde_json::Error>> {
        if may_hold_markers(text) {
            return Err(None);
        }
        let Strict(records) = serde_json::from_str::<Strict>(text).map_err(Some)?;
        let mut ids = HashSet::with_capacity(records.len());
        let known = |k: &String| self.measure_slot(k).is_some();
        let fine = records.iter().all(|StrictRecord { record: r, nulls }| {
            !r.id.trim().is_empty()
                && ids.insert(r.id.as_str())
                && r.measures.keys().all(known)
                && nulls.iter().all(known)
                && self.each_measure_once(r)
        });
        if fine {
            Ok(records.into_iter().map(|r| r.record).collect())
        } else {
            Err(None)
        }
    }

    /// Whether no two of a record's measure names (an id and an alias) name the same measure.
    fn each_measure_once(&self, record: &Record) -> bool {
        let mut seen = HashSet::with_capacity(record.measures.len());
        record
            .measures
            .keys()
            .all(|k| self.measure_slot(k).is_none_or(|slot| seen.insert(slot)))
    }

    /// The id of the measure `name` stands for, when the record already holds it under another
    /// name (its id or an alias).
    fn same_measure<'a>(
        &'a self,
        measures: &std::collections::BTreeMap<String, rust_decimal::Decimal>,
        name: &str,
    ) -> Option<&'a str> {
        let slot = self.measure_slot(name)?;
        measures
            .keys()
            .any(|k| self.measure_slot(k) == Some(slot))
            .then(|| self.measures().get(slot).map(|m| &*m.id))
            .flatten()
    }

    /// The records of a list, each read by the record rule.
    fn records_of(&self, value: Value, at: &Loc, problems: &mut Problems) -> Option<Vec<Record>> {
        let Value::Array(items) = value else {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::WRONG_TYPE,
                    format!("expected a list of records, found {}", what(&value)),
                )
                .zh(format!("应为记录列表，实际为{}", what_zh(&value))),
            );
            return None;
        };
        let mut reader = RecordReader::new(self);
        let mut records = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            if let Some(r) = reader.read(item, at.clone().index(i), problems) {
                records.push(r);
            }
        }
        Some(records)
    }
}

/// Reads records one by one, remembering the ids seen so that a repeated one is reported.
struct RecordReader<'p> {
    plan: &'p Plan,
    ids: HashSet<String>,
}

impl<'p> RecordReader<'p> {
    fn new(plan: &'p Plan) -> Self {
        RecordReader {
            plan,
            ids: HashSet::new(),
        }
    }

    /// One record at `at`; `None` when it has a problem (reported).
    fn read(&mut self, value: Value, at: Loc, problems: &mut Problems) -> Option<Record> {
        let mut own = Problems::new();
        let record = match resolve(value, &at, &mut own) {
            Resolved::Value(Value::Object(map)) => Some(self.fields(map, &at, &mut own)),
            Resolved::Value(other) => {
                own.push(
                    Problem::new(
                        at.clone(),
                        kinds::WRONG_TYPE,
                        format!("expected a record (an object), found {}", what(&other)),
                    )
                    .zh(format!("应为一条记录（对象），实际为{}", what_zh(&other))),
                );
                None
            }
            Resolved::Refused => None,
        };
        // The id, once known, is attached to every problem of the record but those about the
        // id itself, whose message names it.
        let id = record
            .as_ref()
            .map(|r| r.id.as_str())
            .filter(|id| !id.is_empty());
        let id_at = at.clone().key("id");
        let clean = own.is_empty();
        problems.extend(own.into_vec().into_iter().map(|p| match id {
            Some(id) if p.loc != id_at && p.kind != kinds::MORE_PROBLEMS => p.with_id(id),
            _ => p,
        }));
        record.filter(|_| clean)
    }

    /// The fields of a record object, by the record rule.
    fn fields(&mut self, mut map: Map<String, Value>, at: &Loc, problems: &mut Problems) -> Record {
        let mut record = Record::default();
        if let Some(id) = self.id(map.remove("id"), &at.clone().key("id"), problems) {
            record.id = id;
        }
        let nested = map.contains_key("measures");
        for (key, value) in map {
            let here = at.clone().key(key.as_str());
            match key.as_str() {
                "name" | "team" | "department" | "branch" => {
                    let slot = match key.as_str() {
                        "name" => &mut record.name,
                        "team" => &mut record.team,
                        "department" => &mut record.department,
                        _ => &mut record.branch,
                    };
                    if let Ok(t) = text(value, &here, problems) {
                        *slot = t;
                    }
                }
                "attributes" => attributes(value, &here, &mut record, problems),
                "measures" => match resolve(value, &here, problems) {
                    Resolved::Value(Value::Object(values)) => {
                        for (name, v) in values {
                            let loc = here.clone().key(name.as_str());
                            self.measure(name, v, &loc, &mut record, problems);
                        }
                    }
                    Resolved::Value(other) => problems.push(
                        Problem::new(
                            here,
                            kinds::WRONG_TYPE,
                            format!(
                                "expected an object of measure values, found {}",
                                what(&other)
                            ),
                        )
                        .zh(format!(
                            "应为由指标数据值组成的对象，实际为{}",
                            what_zh(&other)
                        )),
                    ),
                    Resolved::Refused => {}
                },
                _ if nested => problems.push(
                    Problem::new(
                        here,
                        kinds::UNKNOWN_FIELD,
                        format!(
                            "unknown field `{}`: a record with `measures` keeps every value \
                             there (fields: {})",
                            shown(&key),
                            FIELDS.join(", ")
                        ),
                    )
                    .zh(format!(
                        "未知字段 `{}`：带有 `measures` 的记录须把所有数值都放在 `measures` 中\
                         （可用字段：{}）",
                        shown(&key),
                        FIELDS.join(", ")
                    )),
                ),
                _ => self.measure(key, value, &here, &mut record, problems),
            }
        }
        record
    }

    /// The id: required text, not empty after trimming, not seen before in this list.
    fn id(&mut self, value: Option<Value>, at: &Loc, problems: &mut Problems) -> Option<String> {
        let id = match value.map(|v| text(v, at, problems)) {
            Some(Ok(Some(id))) => id,
            Some(Err(())) => return None,
            None | Some(Ok(None)) => {
                problems.push(
                    Problem::new(at.clone(), kinds::MISSING, "the record has no `id`")
                        .zh("记录缺少 `id`"),
                );
                return None;
            }
        };
        if id.trim().is_empty() {
            problems.push(
                Problem::new(at.clone(), kinds::EMPTY, "record id is empty").zh("记录 id 为空"),
            );
            return Some(id);
        }
        if !self.ids.insert(id.clone()) {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::DUPLICATE,
                    format!("duplicate record id `{}`", shown(&id)),
                )
                .zh(format!("记录 id `{}` 重复", shown(&id))),
            );
        }
        Some(id)
    }

    /// One measure value, by measure id or alias.
    fn measure(
        &self,
        name: String,
        value: Value,
        at: &Loc,
        record: &mut Record,
        problems: &mut Problems,
    ) {
        if self.plan.measure_slot(&name).is_none() {
            let (message, zh) = self.unknown_measure(&name);
            problems.push(Problem::new(at.clone(), kinds::UNKNOWN_REFERENCE, message).zh(zh));
            return;
        }
        if let Some(first) = self.plan.same_measure(&record.measures, &name) {
            let m = shown(first);
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::DUPLICATE,
                    format!("measure `{m}` is given twice (by id and alias)"),
                )
                .zh(format!("指标数据 `{m}` 给出了两次（分别通过 id 和别名）")),
            );
            return;
        }
        if let Ok(Some(v)) = number(value, at, problems) {
            record.measures.insert(name, v);
        }
    }

    /// "the plan has no measure of this name", with a near name the plan has when there is one;
    /// in English and in Chinese.
    fn unknown_measure(&self, name: &str) -> (String, String) {
        let slot = |n: &str| self.plan.measure_slot(n);
        match crate::formula::suggest::name(name, &slot).filter(|s| slot(s).is_some()) {
            Some(near) => (
                format!("the plan has no measure of this name (did you mean `{near}`?)"),
                format!("方案中没有这个名称的指标数据（是否想写 `{near}`？）"),
            ),
            None => (
                String::from("the plan has no measure of this name"),
                String::from("方案中没有这个名称的指标数据"),
            ),
        }
    }
}

/// `attributes`: an object of text (`null` for none; `null` values are left out).
fn attributes(value: Value, at: &Loc, record: &mut Record, problems: &mut Problems) {
    match resolve(value, at, problems) {
        Resolved::Value(Value::Null) | Resolved::Refused => {}
        Resolved::Value(Value::Object(map)) => {
            for (k, v) in map {
                if let Ok(Some(t)) = text(v, &at.clone().key(k.as_str()), problems) {
                    record.attributes.insert(k, t);
                }
            }
        }
        Resolved::Value(other) => problems.push(
            Problem::new(
                at.clone(),
                kinds::WRONG_TYPE,
                format!("expected an object of text, found {}", what(&other)),
            )
            .zh(format!("应为由文本组成的对象，实际为{}", what_zh(&other))),
        ),
    }
}

/// A list of records read straight from JSON text by the record rule, failing at the first
/// thing the rule would report (and at a key given twice, which only the text shows).
struct Strict(Vec<StrictRecord>);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct List;
        impl<'de> Visitor<'de> for List {
            type Value = Strict;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(r) = seq.next_element()? {
                    out.push(r);
                }
                Ok(Strict(out))
            }
        }
        d.deserialize_seq(List)
    }
}

/// One record read straight from JSON text (see [`Strict`]), with the names of the measures
/// given as `null`, which the plan must know all the same.
struct StrictRecord {
    record: Record,
    nulls: Vec<String>,
}

/// Measure values read straight from JSON text (a key given twice is an error), and the names
/// given as `null`.
#[derive(Default)]
struct StrictMeasures {
    values: BTreeMap<String, rust_decimal::Decimal>,
    nulls: Vec<String>,
}

impl StrictMeasures {
    /// One measure value from `map`.
    fn take<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        let value: Option<Num> = map.next_value()?;
        if self.values.contains_key(&key) || self.nulls.contains(&key) {
            return Err(de::Error::custom(format!("duplicate field `{key}`")));
        }
        match value {
            Some(Num(v)) => {
                self.values.insert(key, v);
            }
            None => self.nulls.push(key),
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.values.is_empty() && self.nulls.is_empty()
    }
}

impl<'de> Deserialize<'de> for StrictMeasures {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Values;
        impl<'de> Visitor<'de> for Values {
            type Value = StrictMeasures;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of measure values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictMeasures, A::Error> {
                let mut out = StrictMeasures::default();
                while let Some(key) = map.next_key::<String>()? {
                    out.take(key, &mut map)?;
                }
                Ok(out)
            }
        }
        d.deserialize_map(Values)
    }
}

impl<'de> Deserialize<'de> for StrictRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = StrictRecord;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a record")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictRecord, A::Error> {
                let mut r = Record::default();
                let mut seen: Vec<&'static str> = Vec::new();
                let mut id = None;
                let mut nested = None;
                let mut flat = StrictMeasures::default();
                while let Some(key) = map.next_key::<String>()? {
                    let Some(field) = FIELDS.iter().find(|f| **f == key) else {
                        flat.take(key, &mut map)?;
                        continue;
                    };
                    if seen.contains(field) {
                        return Err(de::Error::custom(format!("duplicate field `{key}`")));
                    }
                    seen.push(field);
                    match *field {
                        "id" => id = Some(map.next_value::<String>()?),
                        "name" => r.name = map.next_value()?,
                        "team" => r.team = map.next_value()?,
                        "department" => r.department = map.next_value()?,
                        "branch" => r.branch = map.next_value()?,
                        "attributes" => {
                            let given: Option<BTreeMap<String, Option<String>>> =
                                map.next_value()?;
                            r.attributes = given
                                .unwrap_or_default()
                                .into_iter()
                                .filter_map(|(k, v)| v.map(|v| (k, v)))
                                .collect();
                        }
                        _ => nested = Some(map.next_value::<StrictMeasures>()?),
                    }
                }
                let measures = match nested {
                    Some(_) if !flat.is_empty() => {
                        return Err(de::Error::custom("a field beside `measures`"))
                    }
                    Some(m) => m,
                    None => flat,
                };
                r.id = id.ok_or_else(|| de::Error::missing_field("id"))?;
                r.measures = measures.values;
                Ok(StrictRecord {
                    record: r,
                    nulls: measures.nulls,
                })
            }
        }
        d.deserialize_map(Fields)
    }
}
