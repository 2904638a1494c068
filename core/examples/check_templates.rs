use perfscore::{templates, Lang, PeriodPosition, Plan, ScoreOptions};

fn main() {
    // Library: every entry compiled as a one-indicator flat plan.
    let lib: serde_json::Value =
        serde_json::from_str(templates::INDICATOR_LIBRARY).expect("library JSON");
    let entries = lib.as_array().expect("array");
    println!("library entries: {}", entries.len());
    for e in entries {
        let plan = serde_json::json!({
            "id": "lib", "name": "lib",
            "measures": e["measures"],
            "indicators": [e["indicator"]],
            "grades": [{"grade": "X"}]
        });
        match Plan::from_json(&plan.to_string()) {
            Ok(_) => println!("  ok {}", e["indicator"]["id"]),
            Err(err) => println!("  FAIL {}: {err:?}", e["indicator"]["id"]),
        }
        for k in ["description", "description_zh"] {
            assert!(e[k].as_str().is_some_and(|s| !s.is_empty()), "{k}");
        }
    }
    for (id, text) in templates::PLAN_TEMPLATES {
        let plan = match Plan::from_json(text) {
            Ok(p) => p,
            Err(e) => {
                println!("PLAN {id} FAILED: {e:?}");
                continue;
            }
        };
        println!("== plan {id}: {} indicators", plan.indicator_count());
        let records = plan
            .records_from_csv(templates::DEMO_TEAM_CSV)
            .expect("csv");
        let cards = match plan.score_many(&records, &Default::default()) {
            Ok(c) => c,
            Err(e) => {
                println!("SCORE FAILED: {e:?}");
                continue;
            }
        };
        for c in &cards {
            println!(
                "{:5} {:11} {:>7} {}{}",
                c.record_id,
                c.name.as_deref().unwrap_or(""),
                c.total.to_string(),
                c.grade,
                c.grade_before_veto
                    .as_deref()
                    .map(|g| format!(" (was {g})"))
                    .unwrap_or_default()
            );
        }
        if std::env::var_os("EXPLAIN").is_some() {
            for c in &cards {
                println!("{}\n", c.explain(Lang::En));
            }
            println!("{}\n", cards[0].explain(Lang::Zh));
        }
        for (e, t) in [(30, 30), (20, 30)] {
            let opts = ScoreOptions {
                period: Some(PeriodPosition::CalendarDays {
                    elapsed: perfscore::number::Num(e.into()),
                    total: perfscore::number::Num(t.into()),
                }),
            };
            let cards = plan.score_many(&records, &opts).expect("progress");
            let s: Vec<String> = cards
                .iter()
                .map(|c| {
                    format!(
                        "{}:{:?}/{}{}",
                        c.record_id,
                        c.progress.as_ref().unwrap().status,
                        c.progress
                            .as_ref()
                            .unwrap()
                            .projected_total
                            .map(|t| t.to_string())
                            .unwrap_or_default(),
                        c.progress
                            .as_ref()
                            .unwrap()
                            .projected_grade
                            .as_deref()
                            .unwrap_or("")
                    )
                })
                .collect();
            println!("period {e}/{t}: {}", s.join(" "));
        }
    }
}
