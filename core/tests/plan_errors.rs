//! Plan validation: every mistake reported at once, each with its path; a bad plan compiles to nothing.

use perfscore::Plan;

fn problems(json: &str) -> Vec<String> {
    Plan::from_json(json)
        .unwrap_err()
        .problems()
        .iter()
        .map(|p| p.to_string())
        .collect()
}

const BASE: &str = r#"{"id": "p", "name": "P", "measures": [{"id": "a"}, {"id": "t"}],
  "indicators": [INDICATORS], "grades": [GRADES]}"#;

fn plan(indicators: &str, grades: &str) -> String {
    BASE.replace("INDICATORS", indicators)
        .replace("GRADES", grades)
}

const GRADES: &str = r#"{"grade": "B", "to": 80}, {"grade": "A", "from": 80}"#;

#[test]
fn weights_are_compared_exactly() {
    // 33.33 + 33.33 + 33.34 = 100 exactly; 33.333 × 3 = 99.999 is not.
    let ok = plan(
        r#"{"id":"x","weight":33.33,"actual":"a","scoring":{"method":"deduction","per_unit":1}},
           {"id":"y","weight":33.33,"actual":"a","scoring":{"method":"deduction","per_unit":1}},
           {"id":"z","weight":33.34,"actual":"a","scoring":{"method":"deduction","per_unit":1}}"#,
        GRADES,
    );
    assert!(Plan::from_json(&ok).is_ok());
    let bad = ok.replace("33.34", "33.339");
    assert_eq!(
        problems(&bad),
        ["indicators: indicator weights sum to 99.999%, expected 100%"]
    );
}

#[test]
fn all_problems_at_once() {
    let bad = plan(
        r#"{"id":"x","weight":60,"actual":"a","target":"t","scoring":{"method":"ratio","floor":10,"cap":5}},
           {"id":"x","weight":40,"actual":"b","scoring":{"method":"ratio"}}"#,
        r#"{"grade": "B", "from": 0, "to": 80}, {"grade": "A", "from": 90}"#,
    );
    let got = problems(&bad);
    assert_eq!(
        got,
        [
            "indicators[1].id: duplicate indicator id `x`",
            "indicators[0].scoring: floor 10 is above cap 5",
            "indicators[1].actual: in `b`: column 1: unknown name `b` (did you mean `a`?)",
            "indicators[1].target: indicator `x` is scored on completion, so it needs a target",
            "grades[1].from: gap between grades: nothing covers [80, 90)",
            "grades[0].from: the lowest grade must have no `from`, so every total gets one",
        ]
    );
}

#[test]
fn structural_errors_name_their_path() {
    let bad = plan(
        r#"{"id":"x","weight":"lots","actual":"a","scoring":{"method":"deduction","per_unit":1}}"#,
        GRADES,
    );
    let got = problems(&bad);
    assert_eq!(got.len(), 1);
    assert!(
        got[0].starts_with("indicators[0].weight: `lots` is not a number"),
        "{got:?}"
    );
    let unknown = plan(
        r#"{"id":"x","weight":100,"actual":"a","scoring":{"method":"ratoi"}}"#,
        GRADES,
    );
    assert!(problems(&unknown)[0].contains("unknown variant `ratoi`"));
}

#[test]
fn bands_reject_overlap_and_open_middles() {
    let bad = plan(
        r#"{"id":"x","weight":100,"actual":"a","scoring":{"method":"bands","bands":[
            {"to":10,"score":0},{"from":5,"to":20,"score":50},{"from":20,"score":100},{"from":30,"score":1}]}}"#,
        GRADES,
    );
    assert_eq!(
        problems(&bad),
        [
            "indicators[0].scoring.bands[1].from: bands overlap: [5, 10) is covered twice",
            "indicators[0].scoring.bands[2].to: only the last band may be open-ended above",
        ]
    );
}

#[test]
fn measures_and_vetoes() {
    let bad = r#"{"id": "p", "name": "P", "measures": [{"id": "target"}, {"id": "9a"}, {"id": "ok", "aliases": ["回款"]}, {"id": "ok2", "aliases": ["回款"]}],
      "indicators": [{"id":"x","weight":100,"actual":"ok","scoring":{"method":"deduction","per_unit":1}}],
      "vetoes": [{"id":"v","when":"ok > 1","effect":{"cap_grade":"Z"}}],
      "grades": [{"grade": "A"}]}"#;
    assert_eq!(
        problems(bad),
        [
            "measures[0].id: `target` is a reserved word",
            "measures[1].id: `9a` is not a valid measure id (letters, digits and `_`, not starting with a digit)",
            "measures[3].aliases[0]: `回款` names more than one measure",
            "vetoes[0].effect.cap_grade: no grade `Z` in the plan",
        ]
    );
}

#[test]
fn division_by_a_constant_zero_is_refused_when_compiling() {
    // `a / 0` would fail for every record when scoring; the plan names it instead.
    let bad = plan(
        r#"{"id":"x","weight":100,"actual":"a / 0","scoring":{"method":"deduction","per_unit":1}}"#,
        GRADES,
    );
    assert_eq!(
        problems(&bad),
        ["indicators[0].actual: in `a / 0`: column 5: division by zero: the divisor is the constant 0"]
    );
}
