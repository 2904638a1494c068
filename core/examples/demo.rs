//! The bundled demo: a 12-person sales team of a small trading company, scored on the
//! `monthly-sales-rep` template. Prints the team table with traffic lights, the grade
//! distribution and one full explanation.
//!
//! `cargo run --release --example demo` (month end) or `... -- --day 20` (day 20 of 30: lights and
//! projections mid-period), `--lang zh` for Chinese explanations.

use perfscore::templates::{DEMO_PLAN_JSON, DEMO_TEAM_CSV};
use perfscore::{Lang, PeriodPosition, Plan, ScoreOptions, Scorecard, Status};
use rust_decimal::Decimal;

const DAYS: i64 = 30;

fn light(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Green) => "🟢",
        Some(Status::Yellow) => "🟡",
        Some(Status::Red) => "🔴",
        None => "⚪",
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let day: i64 = arg("--day").map_or(Ok(DAYS), |d| d.parse())?;
    let lang: Lang = arg("--lang").map_or(Ok(Lang::En), |l| l.parse())?;

    let plan = Plan::from_json(DEMO_PLAN_JSON)?;
    let team = plan.records_from_csv(DEMO_TEAM_CSV)?;
    // At month end (day 30 of 30) pace equals attainment, so the lights show who reached target.
    let options = ScoreOptions {
        period: Some(PeriodPosition::CalendarDays {
            elapsed: perfscore::Num(Decimal::from(day)),
            total: perfscore::Num(Decimal::from(DAYS)),
        }),
    };
    let cards = plan.score_many(&team, &options)?;

    println!(
        "{} — day {day} of {DAYS}, {} people\n",
        plan.spec().name,
        cards.len()
    );
    print_table(&cards);
    print_distribution(&plan, &cards);

    // One full explanation: the first person whose card shows a veto, else the top scorer.
    let pick = cards
        .iter()
        .find(|c| !c.vetoes.is_empty())
        .or_else(|| cards.iter().max_by_key(|c| c.total));
    if let Some(card) = pick {
        println!(
            "\nHow {}'s score was computed:\n{}",
            card.name.as_deref().unwrap_or(&card.record_id),
            card.explain(lang)
        );
    }
    Ok(())
}

fn print_table(cards: &[Scorecard]) {
    let Some(first) = cards.first() else { return };
    let ids: Vec<&str> = first.indicators().map(|i| &*i.id).collect();
    let width = |id: &str| id.len().clamp(6, 10);
    print!("{:<6} {:<12} {:<7} {:^4}", "id", "name", "team", "pace");
    for id in &ids {
        print!(" {:>w$}", &id[..id.len().min(10)], w = width(id));
    }
    println!(
        " {:>8} {:>7} {:>5} {:>9}",
        "adjust", "total", "grade", "projected"
    );
    for c in cards {
        let status = c.progress.as_ref().and_then(|p| p.status);
        print!(
            "{:<6} {:<12} {:<7} {:^4}",
            c.record_id,
            c.name.as_deref().unwrap_or(""),
            c.team.as_deref().unwrap_or(""),
            light(status)
        );
        for (i, id) in c.indicators().zip(&ids) {
            let shown = if i.left_out() {
                "—".to_string()
            } else {
                format!("{:.2}", i.score)
            };
            print!(" {:>w$}", shown, w = width(id));
        }
        let veto = if c.vetoes.is_empty() { "" } else { " veto" };
        let projected = c
            .progress
            .as_ref()
            .and_then(|p| {
                p.projected_total
                    .map(|t| format!("{t} {}", p.projected_grade.as_deref().unwrap_or("")))
            })
            .unwrap_or_default();
        println!(
            " {:>8} {:>7} {:>5} {:>9}{veto}",
            format!("{:.2}", c.adjustment_total),
            c.total.to_string(),
            &*c.grade,
            projected
        );
    }
}

fn print_distribution(plan: &Plan, cards: &[Scorecard]) {
    println!("\nGrade distribution:");
    for g in plan.grade_names().collect::<Vec<_>>().into_iter().rev() {
        let n = cards.iter().filter(|c| &*c.grade == g).count();
        println!("  {g:<3} {:<12} {n}", "█".repeat(n));
    }
}
