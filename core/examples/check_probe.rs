use perfscore::{Plan, Record, Lang};
use rust_decimal::Decimal;
fn d(s: &str) -> Decimal { s.parse().unwrap() }
fn plan(ind: &str, measures: &str) -> Plan {
    let t = format!(r#"{{"id":"p","name":"p","measures":[{measures}],"indicators":[{ind}],"grades":[{{"grade":"X"}}]}}"#);
    Plan::from_json(&t).unwrap_or_else(|e| panic!("{e:?}"))
}
fn show(p: &Plan, r: Record) {
    match p.score(&r) {
        Ok(c) => { let i = &c.sections[0].indicators[0]; println!("  ok raw={} score={} bound={:?} | {} | total {}", i.raw_score, i.score, i.bound, i.explain(Lang::En), c.total); println!("  json adj: {}", c.to_canonical_json().chars().filter(|_| true).collect::<String>().split("\"adjustments\"").nth(1).unwrap_or("").chars().take(120).collect::<String>()); }
        Err(e) => println!("  err {e:?}"),
    }
}
fn main() {
    let m = r#"{"id":"a"},{"id":"b"}"#;
    println!("formula uses target but no target:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","scoring":{"method":"formula","expr":"actual / target"}}"#, m), Record::new("r").with("a", d("5")));
    println!("formula uses completion with target 0:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","target":"b","scoring":{"method":"formula","expr":"completion"}}"#, m), Record::new("r").with("a", d("5")).with("b", d("0")));
    println!("pass_if refers to missing measure b, policy zero:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","missing":"zero","scoring":{"method":"pass_fail","pass_if":"b > 1"}}"#, m), Record::new("r").with("a", d("5")));
    println!("actual missing, policy zero:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","missing":"zero","scoring":{"method":"pass_fail","pass_if":"actual > 1"}}"#, m), Record::new("r"));
    println!("rating table 4.0:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","scoring":{"method":"rating","min":1,"max":5,"points":[{"rating":4,"score":90}]}}"#, m), Record::new("r").with("a", d("4.0")));
    println!("rating table 3 (in scale, not listed):");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","scoring":{"method":"rating","min":1,"max":5,"points":[{"rating":4,"score":90}]}}"#, m), Record::new("r").with("a", d("3")));
    println!("ratio zero_target_score 100 target 0:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","target":"b","scoring":{"method":"ratio","cap":120,"zero_target_score":150}}"#, m), Record::new("r").with("a", d("5")).with("b", d("0")));
    println!("ratio negative actual:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","target":"b","scoring":{"method":"ratio"}}"#, m), Record::new("r").with("a", d("-5")).with("b", d("100")));
    println!("lib inverse target 0 actual 2:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","target":0,"scoring":{"method":"lower_is_better","cap":120}}"#, m), Record::new("r").with("a", d("2")));
    println!("lib inverse negative actual:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","target":8,"scoring":{"method":"lower_is_better","cap":120}}"#, m), Record::new("r").with("a", d("-2")));
    println!("lib linear target 0 actual 0:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","target":0,"scoring":{"method":"lower_is_better","form":"linear","cap":120}}"#, m), Record::new("r").with("a", d("0")));
    println!("lib target negative:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","target":-1,"scoring":{"method":"lower_is_better","cap":120}}"#, m), Record::new("r").with("a", d("2")));
    println!("curve no stretch above target:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","target":"b","scoring":{"method":"threshold_target_stretch","threshold":{"at":80,"score":50},"target":{"at":100,"score":100},"below_threshold":10}}"#, m), Record::new("r").with("a", d("150")).with("b", d("100")));
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","target":"b","scoring":{"method":"threshold_target_stretch","threshold":{"at":80,"score":50},"target":{"at":100,"score":100},"below_threshold":10}}"#, m), Record::new("r").with("a", d("70")).with("b", d("100")));
    println!("curve target 0:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","target":"b","scoring":{"method":"threshold_target_stretch","threshold":{"at":80,"score":50},"target":{"at":100,"score":100}}}"#, m), Record::new("r").with("a", d("70")).with("b", d("0")));
    println!("bands gap check / outside:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","scoring":{"method":"bands","bands":[{"from":0,"to":1,"score":5}]}}"#, m), Record::new("r").with("a", d("1")));
    println!("formula negative no floor:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","scoring":{"method":"formula","expr":"actual - 10"}}"#, m), Record::new("r").with("a", d("3")));
    println!("deduction negative count:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","scoring":{"method":"deduction","per_unit":10}}"#, m), Record::new("r").with("a", d("-2")));
    println!("rating linear 0-10 7.5:");
    show(&plan(r#"{"id":"i","weight":100,"actual":"a","scoring":{"method":"rating","min":0,"max":10}}"#, m), Record::new("r").with("a", d("7.5")));
    // negative zero in adjustments
    let p = Plan::from_json(r#"{"id":"p","name":"p","measures":[{"id":"a"},{"id":"c"}],"indicators":[{"id":"i","weight":100,"actual":"a","scoring":{"method":"formula","expr":"actual"}}],
      "adjustments":[{"id":"x","kind":"deduction","count":"c","points_each":2}],"grades":[{"grade":"X"}]}"#).unwrap();
    let c = p.score(&Record::new("r").with("a", d("0")).with("c", d("0"))).unwrap();
    println!("neg zero: total={} adj_total={} json={}", c.total, c.adjustment_total, c.to_canonical_json());
    // flat plan + compile errors
    for bad in [
        r#"{"id":"p","name":"p","measures":[{"id":"a","aliases":["b"]},{"id":"b"}],"indicators":[{"id":"i","weight":99,"actual":"a","scoring":{"method":"ratio"}}],"grades":[{"grade":"X","from":0}]}"#,
        r#"{"id":"p","name":"p","measures":[{"id":"a"}],"indicators":[{"id":"i","weight":100,"actual":"a","scoring":{"method":"formula","expr":"target"}}],"grades":[{"grade":"X"}]}"#,
    ] { println!("compile: {:?}", Plan::from_json(bad).err()); }
    // CSV
    let p = plan(r#"{"id":"i","weight":100,"actual":"a","scoring":{"method":"formula","expr":"actual"}}"#, r#"{"id":"a","aliases":["金额"]}"#);
    println!("csv: {:?}", p.records_from_csv("\u{feff}ID,Name,金额,x\nE1,Li,\"1,234.50\",zz\nE2,,,\n"));
    println!("csv upper A: {:?}", p.records_from_csv("id,A\nE1,3\n").map(|r| r[0].measures.clone()));
    println!("json unknown: {:?}", p.records_from_json(r#"[{"id":"E1","measures":{"a":"1,000","zz":1}}]"#).err());
    println!("json null: {:?}", p.records_from_json(r#"[{"id":"E1","measures":{"a":null}}]"#).map(|r| r[0].measures.clone()));
    println!("alias+id twice: {:?}", p.score(&Record::new("r").with("a", d("1")).with("金额", d("2"))).err());
    // missing reweight
    let p = Plan::from_json(r#"{"id":"p","name":"p","measures":[{"id":"a"},{"id":"b"}],"indicators":[{"id":"i","weight":60,"actual":"a","scoring":{"method":"formula","expr":"actual"}},{"id":"j","weight":40,"actual":"b","missing":"reweight","scoring":{"method":"formula","expr":"actual"}}],"grades":[{"grade":"X"}]}"#).unwrap();
    println!("reweight: {}", p.score(&Record::new("r").with("a", d("80"))).unwrap().explain(Lang::En));
}
