//! The org table: which team and branch each person was in, and whom they reported to, on each
//! date. It is data the host gives with a request (it changes more often than the plan), read
//! all or nothing with every bad cell named, and answers "who, on this date" for roll-ups.

use super::date::Date;
use crate::error::{kinds, shown, Error, Loc, Problem, Problems};
use crate::input::csv_problem;
use crate::input::scalar;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// How far a manager chain is followed: deeper chains (or loops) are refused when read.
pub(crate) const MAX_DEPTH: usize = 64;

/// One person's place over a range of dates (both ends included; open ends: always).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub team: Option<String>,
    pub branch: Option<String>,
    pub manager: Option<String>,
}

impl Entry {
    fn covers(&self, d: Date) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d <= t)
    }
}

/// The org table, by person.
#[derive(Debug, Clone, Default)]
pub(crate) struct Org {
    people: HashMap<String, Vec<Entry>>,
}

impl Org {
    /// `person`'s entry in force on `date`.
    pub(crate) fn at(&self, person: &str, date: Date) -> Option<&Entry> {
        self.people.get(person)?.iter().find(|e| e.covers(date))
    }

    /// The people `person` reported to on `date`, nearest first (at most [`MAX_DEPTH`]).
    pub(crate) fn managers(&self, person: &str, date: Date) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut at = person;
        while let Some(m) = self.at(at, date).and_then(|e| e.manager.as_deref()) {
            if out.len() >= MAX_DEPTH || m == person || out.contains(&m) {
                break;
            }
            out.push(m);
            at = m;
        }
        out
    }

    /// The people with an entry in force on some day of `span`, in no particular order (the
    /// caller collects them into a sorted set).
    #[allow(clippy::disallowed_methods)]
    pub(crate) fn people_during(&self, span: super::period::Span) -> impl Iterator<Item = &str> {
        let during = move |e: &Entry| {
            e.from.is_none_or(|f| f <= span.to) && e.to.is_none_or(|t| span.from <= t)
        };
        (self.people.iter())
            .filter(move |(_, entries)| entries.iter().any(during))
            .map(|(p, _)| p.as_str())
    }

    /// Every entry of `person`, by date.
    pub(crate) fn entries(&self, person: &str) -> &[Entry] {
        self.people.get(person).map_or(&[], Vec::as_slice)
    }
}

/// The fields of a row, with the names an HR export may give them (matched ignoring ASCII case
/// and surrounding spaces).
const FIELDS: [(&str, &[&str]); 6] = [
    (
        "person",
        &["id", "employee_id", "工号", "员工编号", "人员编号"],
    ),
    ("team", &["团队", "小组", "部门"]),
    ("branch", &["分公司", "网点", "门店", "区域"]),
    ("manager", &["manager_id", "主管", "上级", "经理"]),
    ("from", &["effective_from", "生效日期", "开始日期"]),
    ("to", &["effective_to", "失效日期", "结束日期"]),
];
const PERSON: usize = 0;
const FROM: usize = 4;
const TO: usize = 5;

/// The field a key or header names.
fn field(name: &str) -> Option<usize> {
    let name = name
        .trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase();
    FIELDS
        .iter()
        .position(|(id, aliases)| *id == name || aliases.contains(&name.as_str()))
}

/// Read `value` (a list of objects or CSV text) at `at`: every problem at once.
pub(crate) fn read_org(value: Value, at: &Loc) -> crate::Result<Org> {
    let mut problems = Problems::new();
    let rows = match value {
        Value::Array(items) => json_rows(items, at, &mut problems),
        Value::String(text) => csv_rows(&text, at, &mut problems),
        other => {
            let what = [
                "the org table (a list of objects)",
                "组织架构表（对象列表）",
            ];
            problems.push(super::load::not_rows(at, what, &other));
            Vec::new()
        }
    };
    let mut org = Org::default();
    let mut places: HashMap<String, Vec<Loc>> = HashMap::new();
    for (cells, loc) in rows {
        if let Some((person, entry)) = entry(cells, &loc, &mut problems) {
            places.entry(person.clone()).or_default().push(loc.row);
            org.people.entry(person).or_default().push(entry);
        }
    }
    check_overlaps(&mut org, &mut places, &mut problems);
    check_chains(&org, &places, &mut problems);
    problems.finish(Error::Input, org)
}

/// A row's cells by field, with the location of each (built for problems only).
type Row = ([Option<String>; 6], RowLoc);

/// Where a row is, and how its cells are named there.
#[derive(Clone)]
struct RowLoc {
    row: Loc,
    names: [Option<String>; 6],
}

impl RowLoc {
    fn cell(&self, j: usize) -> Loc {
        let name = self
            .names
            .get(j)
            .cloned()
            .flatten()
            .unwrap_or_else(|| FIELDS.get(j).map_or("", |f| f.0).to_owned());
        self.row.clone().key(name.as_str())
    }
}

fn json_rows(items: Vec<Value>, at: &Loc, problems: &mut Problems) -> Vec<Row> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let rat = at.clone().index(i);
        let Value::Object(map) = item else {
            problems.push(
                Problem::new(
                    rat,
                    kinds::WRONG_TYPE,
                    format!("expected an object, found {}", scalar::what(&item)),
                )
                .zh(format!("应为对象，实际为{}", scalar::what_zh(&item))),
            );
            continue;
        };
        let mut cells: [Option<String>; 6] = Default::default();
        let mut names: [Option<String>; 6] = Default::default();
        for (key, v) in map {
            let Some(j) = field(&key) else { continue };
            let kat = rat.clone().key(key.as_str());
            let text = match v {
                // Person ids may be numbers; they are read as their text.
                Value::Number(n) => Some(n.to_string()),
                v => scalar::text(v, &kat, problems).ok().flatten(),
            };
            if let (Some(c), Some(n)) = (cells.get_mut(j), names.get_mut(j)) {
                *c = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
                *n = Some(key);
            }
        }
        let loc = RowLoc { row: rat, names };
        out.push((cells, loc));
    }
    out
}

fn csv_rows(text: &str, at: &Loc, problems: &mut Problems) -> Vec<Row> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => {
            problems.push(csv_problem(at.clone().join(&Loc::csv(1, None)), &e));
            return Vec::new();
        }
    };
    let mut place: [Option<usize>; 6] = [None; 6];
    let mut names: [Option<String>; 6] = Default::default();
    for (k, h) in headers.iter().enumerate() {
        if let Some(j) = field(h) {
            if let (Some(p), Some(n)) = (place.get_mut(j), names.get_mut(j)) {
                *p = Some(k);
                *n = Some(h.trim().trim_start_matches('\u{feff}').to_owned());
            }
        }
    }
    if place[PERSON].is_none() {
        problems.push(
            Problem::new(
                at.clone().join(&Loc::csv(1, None)),
                kinds::MISSING,
                "no column for `person` in the header",
            )
            .zh("表头中没有 `person`（工号）列"),
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, record) in rdr.records().enumerate() {
        let line = i.saturating_add(2) as u64;
        let row = at.clone().join(&Loc::csv(line, None));
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(csv_problem(row, &e));
                continue;
            }
        };
        let cells = place.map(|p| {
            p.and_then(|k| record.get(k))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        });
        let loc = RowLoc {
            row,
            names: names.clone(),
        };
        out.push((cells, loc));
    }
    out
}

/// One row as a person's entry, its problems reported.
fn entry(
    cells: [Option<String>; 6],
    loc: &RowLoc,
    problems: &mut Problems,
) -> Option<(String, Entry)> {
    let before = problems.count();
    let [person, team, branch, manager, from, to] = cells;
    if person.is_none() {
        problems.push(
            Problem::new(loc.cell(PERSON), kinds::MISSING, "`person` is missing")
                .zh("缺少人员编号（`person`）"),
        );
    }
    let mut date = |text: Option<String>, j: usize| {
        let text = text?;
        let d = Date::parse(&text);
        if d.is_none() {
            problems.push(super::compile::bad_date(loc.cell(j), &text));
        }
        d
    };
    let from = date(from, FROM);
    let to = date(to, TO);
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            problems.push(
                Problem::new(
                    loc.cell(TO),
                    kinds::EMPTY_RANGE,
                    format!("`to` ({t}) is before `from` ({f})"),
                )
                .zh(format!("结束日期（{t}）早于开始日期（{f}）")),
            );
        }
    }
    if manager.is_some() && manager == person {
        problems.push(
            Problem::new(
                loc.cell(3),
                kinds::INVALID_VALUE,
                "a person cannot be their own manager",
            )
            .zh("人员不能是自己的上级"),
        );
    }
    if problems.count() > before {
        return None;
    }
    let person = person?;
    Some((
        person,
        Entry {
            from,
            to,
            team,
            branch,
            manager,
        },
    ))
}

/// A person's entries sorted by date, none overlapping another (a person is in one place on
/// one date). People are taken in order of their ids, so the problems come in the same order on
/// every run (a hash map's order varies).
fn check_overlaps(org: &mut Org, places: &mut HashMap<String, Vec<Loc>>, problems: &mut Problems) {
    #[allow(clippy::disallowed_methods)]
    let mut people: Vec<String> = org.people.keys().cloned().collect();
    people.sort_unstable();
    for person in &people {
        let Some(entries) = org.people.get_mut(person) else {
            continue;
        };
        let locs = places.get_mut(person);
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by_key(|&i| entries.get(i).map(|e| e.from));
        for pair in order.windows(2) {
            let (Some(&a), Some(&b)) = (pair.first(), pair.get(1)) else {
                continue;
            };
            let (Some(ea), Some(eb)) = (entries.get(a), entries.get(b)) else {
                continue;
            };
            let overlaps = match (ea.to, eb.from) {
                (Some(t), Some(f)) => f <= t,
                _ => true,
            };
            if overlaps {
                let at = locs
                    .as_ref()
                    .and_then(|l| l.get(b))
                    .cloned()
                    .unwrap_or_default();
                problems.push(
                    Problem::new(
                        at,
                        kinds::RANGE_OVERLAP,
                        format!(
                            "`{}` has two org entries in force on the same dates",
                            shown(person)
                        ),
                    )
                    .zh(format!("`{}` 在同一日期有两条组织架构记录", shown(person)))
                    .with_id(person.clone()),
                );
            }
        }
        // Entries and their locations, both in date order.
        let mut sorted: Vec<Entry> = Vec::with_capacity(entries.len());
        let mut sorted_locs: Vec<Loc> = Vec::with_capacity(entries.len());
        for &i in &order {
            sorted.extend(entries.get(i).cloned());
            sorted_locs.extend(locs.as_ref().and_then(|l| l.get(i)).cloned());
        }
        *entries = sorted;
        if let Some(l) = locs {
            *l = sorted_locs;
        }
    }
}

/// No manager chain loops or runs deeper than [`MAX_DEPTH`] on any date. Chains change only
/// where an entry starts, and a loop is complete on the latest start among its links, so
/// walking from each entry's person on its first day finds every loop.
fn check_chains(org: &Org, places: &HashMap<String, Vec<Loc>>, problems: &mut Problems) {
    let mut starts: Vec<(&str, usize, Date)> = Vec::new();
    for (person, entries) in &org.people {
        for (i, e) in entries.iter().enumerate() {
            if let Some(d) = e.from.or_else(|| Date::from_ymd(1900, 1, 1)) {
                starts.push((person, i, d));
            }
        }
    }
    starts.sort_unstable();
    // Each loop once, however many of its people reach it.
    let mut loops: HashSet<Vec<&str>> = HashSet::new();
    for (person, i, date) in starts {
        let mut seen: Vec<&str> = vec![person];
        let mut at = person;
        while let Some(m) = org.at(at, date).and_then(|e| e.manager.as_deref()) {
            let looped = seen.contains(&m);
            if looped {
                let start = seen.iter().position(|p| *p == m).unwrap_or(0);
                let mut members: Vec<&str> = seen.get(start..).unwrap_or_default().to_vec();
                members.sort_unstable();
                if !loops.insert(members) {
                    break;
                }
            }
            if looped || seen.len() > MAX_DEPTH {
                seen.push(m);
                let chain = seen.join(" → ");
                let open = org.entries(person).get(i).is_some_and(|e| e.from.is_none());
                let (on, on_zh) = if open {
                    (String::new(), String::new())
                } else {
                    (format!(" on {date}"), format!("{date} 时"))
                };
                let (kind, what, what_zh) = if looped {
                    (kinds::INVALID_VALUE, "loops back", "形成循环")
                } else {
                    (kinds::TOO_DEEP, "is deeper than 64 levels", "超过 64 层")
                };
                let at = (places.get(person).and_then(|l| l.get(i)))
                    .cloned()
                    .unwrap_or_default();
                problems.push(
                    Problem::new(
                        at,
                        kind,
                        format!(
                            "the manager chain of `{}` {what}{on}: {chain}",
                            shown(person)
                        ),
                    )
                    .zh(format!(
                        "{on_zh}`{}` 的上级链条{what_zh}：{chain}",
                        shown(person)
                    ))
                    .with_id(person.to_owned()),
                );
                break;
            }
            seen.push(m);
            at = m;
        }
    }
}
