//! Shared helpers for the integration tests.
#![allow(dead_code)]

use perfscore::{Plan, Record};
use std::path::PathBuf;

pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// The plan and records of a conformance vector file.
pub fn load_vector(name: &str) -> (Plan, Vec<Record>) {
    let text = std::fs::read_to_string(vectors_dir().join(format!("{name}.json"))).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let plan = Plan::from_json(&v["plan"].to_string()).unwrap();
    let records = plan.records_from_json(&v["records"].to_string()).unwrap();
    (plan, records)
}

pub fn d(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}
