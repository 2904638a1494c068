//! Problems as hosts see them: structured locations that survive names with dots, a precise kind
//! for each area, Chinese messages, and every kind documented in docs/errors.md.

mod common;
use perfscore::{kinds, Error, Lang, Limits, LocItem, PayPlan, Plan, Record, ScoreOptions};

/// A plan of one measure `a` (with alias `a.b`), two indicators and two grades.
const PLAN: &str = r#"{"id": "p", "name": "P",
  "measures": [{"id": "a", "aliases": ["a.b"]}, {"id": "t"}],
  "indicators": [
    {"id": "a.b", "weight": 60, "actual": "a", "target": "t", "scoring": {"method": "ratio"}},
    {"id": "visits", "weight": 40, "actual": "t", "target": 10, "scoring": {"method": "ratio"}}
  ],
  "grades": [{"grade": "B", "to": 80}, {"grade": "A", "from": 80}]}"#;

fn plan() -> Plan {
    Plan::from_json(PLAN).unwrap()
}

fn key(k: &str) -> LocItem {
    LocItem::Key(k.to_string())
}

fn kinds_of(e: &Error) -> Vec<&'static str> {
    e.problems().iter().map(|p| p.kind).collect()
}

#[test]
fn names_with_dots_stay_one_location_step() {
    let plan = plan();
    // The measure behind indicator `a.b` is missing: located at the indicator, by its id.
    let records = plan
        .records_from_json(r#"[{"id": "E001", "measures": {"t": 5}}]"#)
        .unwrap();
    let e = plan
        .score_many(&records, &ScoreOptions::default())
        .unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.kind, kinds::MISSING);
    assert_eq!(
        p.loc.items(),
        [
            key("records"),
            LocItem::Index(0),
            key("indicators"),
            key("a.b")
        ]
    );
    assert_eq!(p.path(), "records[0] (E001).indicators.a.b");
    // Scored on its own, the record is named by its id alone.
    let e = plan.score(&records[0]).unwrap_err();
    assert_eq!(e.problems()[0].path(), "record (E001).indicators.a.b");

    // A measure given by its id and by its alias `a.b`: the record reader refuses it at the
    // record's `a.b` key.
    let e = plan
        .records_from_json(r#"[{"id": "E001", "measures": {"a": 1, "a.b": 2, "t": 5}}]"#)
        .unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.kind, kinds::DUPLICATE);
    assert_eq!(
        p.loc.items(),
        [
            key("records"),
            LocItem::Index(0),
            key("measures"),
            key("a.b")
        ]
    );
    assert!(e
        .to_canonical_json()
        .contains(r#""loc":["records",0,"measures","a.b"]"#));

    // A record built by the host with a measure `x.y` the plan does not have.
    let mut r = Record::new("E002");
    r.measures.insert("x.y".into(), 1.into());
    r.measures.insert("t".into(), 5.into());
    let e = plan.score_many(&[r], &ScoreOptions::default()).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.kind, kinds::UNKNOWN_REFERENCE);
    assert_eq!(
        p.loc.items(),
        [
            key("records"),
            LocItem::Index(0),
            key("measures"),
            key("x.y")
        ]
    );

    // A measure id itself cannot hold a dot: formulas could not name it.
    let e = Plan::from_json(&PLAN.replace(r#"{"id": "a", "#, r#"{"id": "a.c", "#)).unwrap_err();
    assert!(kinds_of(&e).contains(&kinds::INVALID_ID));
}

#[test]
fn each_area_reports_its_own_kind() {
    // Plan: weights not summing to 100.
    let e = Plan::from_json(&PLAN.replace(r#""weight": 40"#, r#""weight": 30"#)).unwrap_err();
    assert_eq!(kinds_of(&e), [kinds::WEIGHTS_DO_NOT_SUM]);
    assert_eq!(e.code(), "PLAN_INVALID");

    // Formula: a name the plan does not have, and a formula that does not read.
    let e = Plan::from_json(&PLAN.replace(r#""actual": "a""#, r#""actual": "b""#)).unwrap_err();
    assert_eq!(kinds_of(&e), [kinds::FORMULA_UNKNOWN_NAME]);
    let e = Plan::from_json(&PLAN.replace(r#""actual": "a""#, r#""actual": "a +""#)).unwrap_err();
    assert_eq!(kinds_of(&e), [kinds::FORMULA_SYNTAX]);

    #[cfg(feature = "analytics")]
    feedback_and_analytics_errors();

    // Pay plan: a currency whose minor units are not known.
    let pay = r#"{"id": "pay", "currency": {"code": "XYZ"},
      "performance_pay": {"base": 3000, "coefficient": {"by_grade": {"A": 1.2, "B": 1}}}}"#;
    let e = PayPlan::from_json(pay, &plan()).unwrap_err();
    assert_eq!(kinds_of(&e), [kinds::UNKNOWN_CURRENCY]);

    // Limits: raised above a default, below the least value, and a document over the byte limit.
    let e = Limits::from_json(r#"{"max_list_items": 5000, "max_problems": 0}"#).unwrap_err();
    assert_eq!(kinds_of(&e), [kinds::OUT_OF_RANGE, kinds::LIMIT_RAISED]);
    let e = Limits::from_json(r#"{"max_items": 5}"#).unwrap_err();
    assert_eq!(kinds_of(&e), [kinds::UNKNOWN_FIELD]);
    assert_eq!(e.problems()[0].path(), "limits.max_items");
    let small = Limits::default().with_max_document_bytes(100);
    let e = Plan::from_json_with_limits(PLAN, &small).unwrap_err();
    assert_eq!(kinds_of(&e), [kinds::TOO_LARGE]);
}

/// The 360-degree feedback and analytics errors (in a core built with them).
#[cfg(feature = "analytics")]
fn feedback_and_analytics_errors() {
    // 360 configuration: a scale whose min is not below its max.
    let fb = r#"{"id": "f", "scale": {"min": 5, "max": 5},
      "competencies": [{"id": "c", "name": "Listening", "items": [{"id": "q1", "text": "Listens"}]}],
      "groups": [{"id": "peers", "relationship": "peer", "weight": 100}]}"#;
    let e = perfscore::feedback::Feedback::from_json(fb).unwrap_err();
    assert_eq!(e.problems()[0].path(), "scale");
    assert!(
        kinds_of(&e).iter().all(|k| *k == kinds::INVALID_SCALE),
        "{e}"
    );

    // Analytics: an operation that does not exist, and calibration quotas not summing to 100.
    let e = perfscore::analytics::run_json("forecast_everything", "{}").unwrap_err();
    assert_eq!(kinds_of(&e), [kinds::UNKNOWN_OPERATION]);
    let request = format!(
        r#"{{"plan": {PLAN}, "records": [{{"id": "E001", "measures": {{"a": 1, "t": 5}}}}],
            "quotas": [{{"grade": "A", "share": 20}}, {{"grade": "B", "share": 70}}]}}"#
    );
    let e = perfscore::analytics::run_json("calibrate", &request).unwrap_err();
    assert_eq!(kinds_of(&e), [kinds::WEIGHTS_DO_NOT_SUM]);
    assert_eq!(e.problems()[0].path(), "quotas");
}

#[test]
fn errors_read_in_chinese() {
    let e = Limits::from_json(r#"{"max_list_items": 5000}"#).unwrap_err();
    assert_eq!(
        e.display_in(Lang::Zh),
        "输入无效：limits.max_list_items：5000 高于默认值 2000；限额只能调低，不能调高"
    );

    #[cfg(feature = "analytics")]
    {
        let request = format!(
            r#"{{"plan": {PLAN}, "records": [{{"id": "E001", "measures": {{"a": 1, "t": 5}}}}],
            "by": ["team", "team"], "measures": ["profit"]}}"#
        );
        let e = perfscore::analytics::run_json("rollup", &request).unwrap_err();
        assert_eq!(
            e.display_in(Lang::Zh),
            "输入无效（共 2 个问题）：\n  - by[1]：分组维度 `team` 重复列出\n  - measures[0]：方案中没有指标数据 `profit`"
        );
    }
}

/// Every problem of every error line in the conformance vectors has its own Chinese text and a
/// precise kind (`invalid` is only for problems a binding finds in its own arguments).
#[test]
fn vector_problems_have_chinese_messages() {
    let mut files = Vec::new();
    let mut dirs = vec![common::vectors_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.to_string_lossy().ends_with(".expected.jsonl") {
                files.push(path);
            }
        }
    }
    assert!(!files.is_empty());
    let mut checked = 0usize;
    for file in files {
        for line in std::fs::read_to_string(&file).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let Some(problems) = v.get("problems").and_then(|p| p.as_array()) else {
                continue;
            };
            for p in problems {
                assert_ne!(
                    p["kind"],
                    kinds::INVALID,
                    "{}: {} has no precise kind",
                    file.display(),
                    p["path"]
                );
                let (en, zh) = (
                    p["message"].as_str().unwrap(),
                    p["message_zh"].as_str().unwrap(),
                );
                assert!(
                    !zh.is_empty() && zh != en,
                    "{}: {} has no Chinese message",
                    file.display(),
                    p["path"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

/// (loc, id, kind, path, Chinese message) of each problem.
type Seen = (Vec<LocItem>, Option<String>, &'static str, String, String);

fn seen(e: &Error) -> Vec<Seen> {
    e.problems()
        .iter()
        .map(|p| {
            (
                p.loc.items().to_vec(),
                p.id.clone(),
                p.kind,
                p.path(),
                p.message_zh.clone(),
            )
        })
        .collect()
}

fn line(n: usize, column: Option<&str>) -> Vec<LocItem> {
    let mut at = vec![key("line"), LocItem::Index(n)];
    at.extend(column.map(key));
    at
}

#[test]
fn csv_problems_are_typed_and_located_by_the_files_header() {
    let plan = plan();
    // Cells: text, thousands grouped wrongly, too many digits; by the header as written (`a.b` is
    // an alias of `a`, and the id column is `工号`).
    let csv = "工号,a.b,t\nE1,12x,1,2\nE2,\"1,23\",4e28\n,1,1\nE2,1,1\n";
    let e = plan.records_from_csv(csv).unwrap_err();
    assert_eq!(
        seen(&e),
        [
            (
                line(2, None),
                None,
                kinds::SYNTAX_ERROR,
                "line 2".into(),
                "这一行有 4 个单元格，而表头有 3 列".into()
            ),
            (
                line(3, Some("a.b")),
                None,
                kinds::NOT_A_NUMBER,
                "line 3, column a.b".into(),
                "`1,23` 不是数字（逗号只能用作千位分隔符）".into()
            ),
            (
                line(3, Some("t")),
                None,
                kinds::NUMBER_OUT_OF_RANGE,
                "line 3, column t".into(),
                "`40000000000000000000000000000` 超出范围（整数部分超过 28 位）".into()
            ),
            (
                line(4, Some("工号")),
                None,
                kinds::EMPTY,
                "line 4, column 工号".into(),
                "记录 id 为空".into()
            ),
            (
                line(5, Some("工号")),
                Some("E2".into()),
                kinds::DUPLICATE,
                "line 5, column 工号".into(),
                "记录 id `E2` 重复".into()
            ),
        ]
    );
    assert_eq!(
        e.problems()[1].message,
        "`1,23` is not a number (commas must group thousands)"
    );

    // The header: a second column for one measure, and no id column.
    let e = plan
        .records_from_csv("name,a,a.b,t\nLi,1,1,1\n")
        .unwrap_err();
    assert_eq!(
        seen(&e),
        [
            (
                line(1, Some("a.b")),
                None,
                kinds::DUPLICATE,
                "line 1, column a.b".into(),
                "`a.b` 是指标数据 `a` 的第二列".into()
            ),
            (
                line(1, None),
                None,
                kinds::MISSING,
                "line 1".into(),
                "没有 id 列（表头应为 `id` 或 `工号` 等）".into()
            ),
        ]
    );

    // Text that is not UTF-8: at its cell.
    let bytes: &[u8] = b"id,a,t\nE1,\xff,1\n";
    let e = plan.records_from_csv_reader(bytes).unwrap_err();
    assert_eq!(e.problems()[0].kind, kinds::SYNTAX_ERROR);
    assert_eq!(e.problems()[0].path(), "line 2, column a");
    assert!(e.problems()[0].message_zh.contains("UTF-8"), "{e}");
}

#[test]
fn every_kind_is_documented() {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/errors.md");
    let text = std::fs::read_to_string(docs).unwrap();
    let missing: Vec<&str> = kinds::ALL
        .iter()
        .copied()
        .filter(|k| !text.contains(&format!("`{k}`")))
        .collect();
    assert!(missing.is_empty(), "not in docs/errors.md: {missing:?}");
}

/// The error's one problem as (kind, location, message); fails if it has more or fewer.
fn only_problem(e: &Error) -> (&'static str, &[LocItem], &str) {
    let [p] = e.problems() else {
        panic!("expected one problem: {e}")
    };
    (p.kind, p.loc.items(), p.message.as_str())
}

#[test]
fn a_plan_that_is_not_json_is_refused_where_the_text_breaks() {
    // A second comma in the second indicator: one syntax error, located at that indicator, with
    // serde_json's line and column (the same as before documents were read from the tree only).
    let broken = PLAN.replacen(r#""actual": "t","#, r#""actual": "t",,"#, 1);
    let e = Plan::from_json(&broken).unwrap_err();
    assert_eq!(
        only_problem(&e),
        (
            kinds::SYNTAX_ERROR,
            &[key("indicators"), LocItem::Index(1)][..],
            "key must be a string at line 5 column 50"
        )
    );
}

#[test]
fn a_key_given_twice_is_refused_at_its_object_when_nothing_else_is_wrong() {
    let twice = PLAN.replacen(r#""weight": 40,"#, r#""weight": 40, "weight": 50,"#, 1);
    let e = Plan::from_json(&twice).unwrap_err();
    assert_eq!(
        only_problem(&e),
        (
            kinds::DUPLICATE_KEY,
            &[key("indicators"), LocItem::Index(1)][..],
            "duplicate field `weight` at line 5 column 43"
        )
    );
    // With another problem in the document, the reading's problems are what is reported.
    let also = twice.replacen(r#""weight": 60"#, r#""weight": "sixty""#, 1);
    let e = Plan::from_json(&also).unwrap_err();
    assert_eq!(
        only_problem(&e),
        (
            kinds::NOT_A_NUMBER,
            &[key("indicators"), LocItem::Index(0), key("weight")][..],
            "`sixty` is not a number"
        )
    );
    // A grade given two coefficients is refused too (a map's key, not only a field, given twice:
    // which coefficient was meant cannot be known).
    let pay = r#"{"id": "pay", "currency": {"code": "CNY"},
      "performance_pay": {"base": 3000, "coefficient": {"by_grade": {"A": 1.2, "B": 1, "A": 1.5}}}}"#;
    let e = PayPlan::from_json(pay, &plan()).unwrap_err();
    let (kind, loc, message) = only_problem(&e);
    assert_eq!(
        (kind, loc),
        (
            kinds::DUPLICATE_KEY,
            &[key("performance_pay"), key("coefficient"), key("by_grade")][..]
        )
    );
    assert!(message.starts_with("duplicate field `A`"), "{e}");
}
