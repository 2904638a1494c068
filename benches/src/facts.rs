//! The facts workload: CRM orders for many people over two months, as CSV text, and the plan
//! that aggregates them (the same aggregation the Python comparison does in pandas and polars).

use crate::people::Rng;

/// A plan with one source (orders) and four fact measures: June revenue of orders not
/// cancelled, signed contracts, distinct customers, the largest signed order.
pub const FACTS_PLAN_JSON: &str = r#"{
  "id": "bench-facts", "name": "Facts benchmark",
  "measures": [
    {"id": "revenue", "from": {"source": "orders", "aggregate": "sum", "column": "amount", "filter": "status != \"cancelled\""}},
    {"id": "contracts", "from": {"source": "orders", "aggregate": "count", "filter": "status == \"signed\""}},
    {"id": "customers", "from": {"source": "orders", "aggregate": "count_distinct", "column": "customer"}},
    {"id": "largest", "from": {"source": "orders", "aggregate": "max", "column": "amount", "filter": "status == \"signed\""}}
  ],
  "sources": [{"id": "orders", "columns": [
      {"id": "order_id", "type": "text"}, {"id": "date", "type": "date"}, {"id": "owner", "type": "text"},
      {"id": "customer", "type": "text"},
      {"id": "status", "type": "enum", "values": ["signed", "returned", "cancelled"]},
      {"id": "amount", "type": "decimal"}],
    "id_column": "order_id", "date_column": "date", "owner_column": "owner"}],
  "indicators": [{"id": "sales", "weight": 100, "actual": "revenue", "target": 1000000, "scoring": {"method": "ratio"}}],
  "grades": [{"grade": "C", "to": 60}, {"grade": "B", "from": 60, "to": 90}, {"grade": "A", "from": 90}]
}"#;

/// `n` orders for `people` people in May and June 2026, as CSV with a header: amounts with two
/// decimals (returns negative), 10 % returned, 5 % cancelled.
pub fn orders_csv(n: usize, people: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(n.saturating_mul(48));
    out.push_str("order_id,date,owner,customer,status,amount\n");
    for i in 0..n {
        let month = 5 + rng.range(0, 1);
        let day = rng.range(1, if month == 5 { 31 } else { 30 });
        let owner = rng.range(0, people.max(1) as i64 - 1);
        let customer = rng.range(0, 49_999);
        let roll = rng.range(0, 99);
        let status = if roll < 10 {
            "returned"
        } else if roll < 15 {
            "cancelled"
        } else {
            "signed"
        };
        let cents = rng.range(1_000, 5_000_000);
        let sign = if status == "returned" { "-" } else { "" };
        out.push_str(&format!(
            "O{i:08},2026-{month:02}-{day:02},E{owner:05},C{customer:05},{status},{sign}{}.{:02}\n",
            cents / 100,
            cents % 100
        ));
    }
    out
}
