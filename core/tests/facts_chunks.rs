//! CSV facts read on several threads give exactly what a read on one thread gives: the same
//! records and unassigned facts, or the same problems (kinds, locations, ids, order), for text
//! with bad cells, ids repeated across the chunks, quoted fields holding line breaks and quotes,
//! CRLF line ends and blank lines.

use perfscore::batch::Threads;
use perfscore::Plan;
use serde_json::json;

const PLAN: &str = r#"{
  "id": "chunks", "name": "Chunked CSV",
  "measures": [
    {"id": "revenue", "from": {"source": "orders", "aggregate": "sum", "column": "amount", "filter": "status != \"cancelled\""}},
    {"id": "contracts", "from": {"source": "orders", "aggregate": "count", "filter": "status == \"signed\""}},
    {"id": "customers", "from": {"source": "orders", "aggregate": "count_distinct", "column": "customer"}},
    {"id": "first_customers", "from": {"source": "orders", "aggregate": "count_new", "column": "customer"}},
    {"id": "largest", "from": {"source": "orders", "aggregate": "max", "column": "amount", "filter": "status == \"signed\""}}
  ],
  "sources": [{"id": "orders", "columns": [
      {"id": "order_id", "type": "text"}, {"id": "date", "type": "date"}, {"id": "owner", "type": "text"},
      {"id": "customer", "type": "text"},
      {"id": "status", "type": "enum", "values": ["signed", "returned", "cancelled"]},
      {"id": "amount", "type": "decimal"},
      {"id": "split", "type": "text", "optional": true}],
    "id_column": "order_id", "date_column": "date", "owner_column": "owner", "credit_column": "split"}],
  "indicators": [{"id": "sales", "weight": 100, "actual": "revenue", "target": 1000000, "scoring": {"method": "ratio"}}],
  "grades": [{"grade": "C", "to": 60}, {"grade": "B", "from": 60, "to": 90}, {"grade": "A", "from": 90}]
}"#;

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// `n` orders as CSV; with `bad`, some cells are wrong and some ids repeat (across the text, so
/// across chunk boundaries); always some quoted fields with line breaks and quotes, CRLF line
/// ends, blank lines, owners left empty and credit splits.
fn orders(n: usize, bad: bool) -> String {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = String::from("order_id,date,owner,customer,status,amount,split\n");
    for i in 0..n {
        let mut id = format!("O{i:06}");
        let day = 1 + rng.below(30);
        let mut date = format!("2026-06-{day:02}");
        let owner = if rng.below(50) == 0 {
            String::new()
        } else {
            format!("E{:03}", rng.below(300))
        };
        let mut customer = format!("C{:04}", rng.below(2000));
        let mut status = ["signed", "returned", "cancelled"][rng.below(3) as usize].to_string();
        let mut amount = format!("{}.{:02}", rng.below(100_000), rng.below(100));
        let mut split = String::new();
        match rng.below(40) {
            0 => customer = format!("\"C{:04}\nsecond line, \"\"quoted\"\"\"", rng.below(20)),
            1 => customer = format!("C{:04}\"inch", rng.below(20)),
            2 => split = format!("E{:03}:60;E{:03}:40", rng.below(300), 300 + rng.below(5)),
            3 => customer = format!("\"C{:04}\r\n\"", rng.below(20)),
            _ => {}
        }
        if bad {
            match rng.below(400) {
                0 => date = "2026-13-01".into(),
                1 => amount = "12,5".into(),
                2 => amount = "lots".into(),
                3 => status = "maybe".into(),
                4 => split = "E001:50;E002:40".into(),
                5 => split = "E001:50;E001:50".into(),
                6..=8 => id = format!("O{:06}", rng.below(i as u64 + 1)),
                9 => {
                    id = format!("O{:06}", rng.below(i as u64 + 1));
                    date = "not a date".into();
                }
                10 => id = String::new(),
                _ => {}
            }
        }
        if amount.contains(',') {
            amount = format!("\"{amount}\"");
        }
        out.push_str(&format!(
            "{id},{date},{owner},{customer},{status},{amount},{split}"
        ));
        out.push_str(if i % 7 == 0 { "\r\n" } else { "\n" });
        if i % 1000 == 999 {
            out.push('\n');
        }
    }
    out
}

fn run_on(plan: &Plan, op: &str, csv: &str, threads: usize) -> String {
    let request = json!({"facts": {"orders": csv}, "period": "2026-06"}).to_string();
    let threads = Threads::from_count(Some(threads)).unwrap();
    perfscore::facts::with_csv_threads(threads, || match plan.run(op, &request) {
        Ok(out) => out,
        Err(e) => e.to_canonical_json(),
    })
}

fn same_on_any_threads(csv: &str) -> String {
    let plan = Plan::from_json(PLAN).unwrap();
    let one = run_on(&plan, "records_from_facts", csv, 1);
    for threads in [2, 3, 5, 8] {
        let many = run_on(&plan, "records_from_facts", csv, threads);
        assert!(one == many, "{threads} threads read the CSV differently");
    }
    one
}

#[test]
fn clean_csv_reads_the_same_on_any_threads() {
    let csv = orders(24_000, false);
    let out = same_on_any_threads(&csv);
    assert!(
        out.contains("\"records\""),
        "expected records: {}",
        &out[..out.len().min(400)]
    );
    assert!(out.contains("\"unassigned\""));
}

#[test]
fn bad_csv_reports_the_same_problems_on_any_threads() {
    let csv = orders(24_000, true);
    let out = same_on_any_threads(&csv);
    assert!(
        out.contains("duplicate"),
        "expected duplicate ids: {}",
        &out[..out.len().min(400)]
    );
    assert!(out.contains("is also on row"));
    assert!(out.contains("invalid_value"));
    // Every problem listed (none cut at the limit), so their order is compared whole.
    let problems = out.matches("\"kind\"").count();
    assert!((200..1000).contains(&problems), "{problems} problems");
}

#[test]
fn unequal_records_are_reported_as_on_one_thread() {
    let mut csv = orders(20_000, false);
    csv.push_str("O999999,2026-06-01,E001\n");
    csv.push_str(&orders(20_000, false));
    let out = same_on_any_threads(&csv);
    assert!(
        out.contains("not valid CSV"),
        "{}",
        &out[..out.len().min(400)]
    );
}
