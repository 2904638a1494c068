//! Boundary sweep: every number in every conformance vector, replaced one at a time by each of a
//! set of extreme values, must give a result or a well-formed error, never a panic.
//!
//! The vectors are those `conformance.rs`, `analytics_team.rs` and `analytics_timeseries.rs` run
//! (scoring, `pay/`, `feedback/`, `analytics/`). A "number" is a JSON number, a string holding a
//! number (`"100000.00"`), or a numeric cell of a `records_csv` export. Each is replaced by every
//! value of [`EXTREMES`], both as a JSON number and as a string (inside CSV, as the cell's text),
//! and the vector's own operation runs again (compile the plan, read the records, score; pay;
//! aggregate the 360 round; the analytics request) under the oracles of `fuzz/src/oracles.rs`
//! (shared with the fuzz targets): no panic; every error has at least one problem, each with a
//! non-empty message; canonical JSON is well formed; a compiled plan round-trips; batch
//! summaries equal the scorecards.
//!
//! To stay within seconds in a debug build, a fixed, deterministic subset of the cases runs by
//! default (every position, with a share of the values chosen by a hash of the case; see
//! [`DEFAULT_STRIDE`]). `SWEEP_FULL=1 cargo test -p perfscore --test sweep --release` runs all of
//! them.
//!
//! Known panics not yet fixed would be listed in [`KNOWN_PANICS`] and known oracle violations in
//! [`KNOWN_VIOLATIONS`] (both empty): each must still fail the same way or pass; any other panic
//! or violation fails the test, so the lists can only shrink.

mod common;
#[allow(dead_code)]
#[path = "../../fuzz/src/oracles.rs"]
mod oracles;

use oracles::{checked, Violation};
use perfscore::{PayPlan, Plan, ScoreOptions};
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// The replacement values, as text: zero and negative zero, the smallest and largest decimals
/// and just beyond them, more than 28 digits, the largest plain 28-digit number (the largest a
/// string may spell), exponents out of range, and integers past 64 and 128 bits.
const EXTREMES: &[&str] = &[
    "0",
    "-0",
    "1e-28",
    "0.0000000000000000000000000001",
    "-1",
    "1e27",
    "4e28",
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "79228162514264337593543950336",
    "1e29",
    "1e-29",
    "99999999999999999999999999999",
    "9999999999999999999999999999",
    "1e400",
    "18446744073709551616",
    "-9223372036854775809",
    "340282366920938463463374607431768211456",
];

/// By default each position runs every `DEFAULT_STRIDE`-th of its (value, form) replacements,
/// starting at an offset from a hash of its vector and path: every position is exercised, a
/// different subset of values at each, the same subset on every run. Every case of
/// [`KNOWN_PANICS`] runs too. `SWEEP_FULL=1` runs them all (about 88,600 cases, ~90 s of CPU in a
/// debug build).
const DEFAULT_STRIDE: u64 = 5;

/// By default at most this many positions of one vector run, evenly spread; fewer of a vector
/// past [`LARGE_VECTOR_BYTES`] (such as 3,000 CSV rows).
const MAX_POSITIONS: usize = 300;
const MAX_POSITIONS_LARGE: usize = 20;
const LARGE_VECTOR_BYTES: usize = 64 * 1024;

/// Panics found by this sweep and not yet fixed: (vector, path, value). The value is written as
/// it was put in the vector: `1e400` a JSON number, `"1e400"` a string. Each entry must still
/// panic or pass; any panic not listed fails the test. Empty: the sweep's first findings (a 360
/// group weight of 1e27 or more overflowing `weight × 100`) are typed errors now.
#[rustfmt::skip]
const KNOWN_PANICS: &[(&str, &str, &str)] = &[];

/// Oracle violations (not panics) found and not yet fixed, as classes: (value as written, start
/// of the violation). Empty: plans written with `4e28` used to compile and then not read back
/// from their own `to_json`; one number rule for every spelling now refuses them as they are read.
const KNOWN_VIOLATIONS: &[(&str, &str)] = &[];

/// One runnable unit of a vector file: a whole scoring/pay/feedback/pool vector, or one case of
/// an analytics file (`{"operation": …, "request": …}`).
struct Unit {
    /// `worked-example.json`, `pay/pool-split.json`, `analytics/team-rollup.json#rollup-basic`.
    label: String,
    /// Path of the unit within its file (empty, or `cases[3]`), prefixed to positions.
    prefix: String,
    value: Value,
}

/// Where a number is: a JSON path, or a cell of the CSV text at a JSON path.
#[derive(Clone)]
enum Position {
    Json(Vec<Seg>),
    Csv {
        at: Vec<Seg>,
        line: usize,
        field: usize,
    },
}

#[derive(Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn pointer(path: &[Seg]) -> String {
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            Seg::Index(i) => format!("/{i}"),
        })
        .collect()
}

fn dotted(prefix: &str, path: &[Seg]) -> String {
    let mut s = prefix.to_string();
    for seg in path {
        match seg {
            Seg::Key(k) if s.is_empty() => s.push_str(k),
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

impl Position {
    fn describe(&self, prefix: &str) -> String {
        match self {
            Position::Json(p) => dotted(prefix, p),
            Position::Csv { at, line, field } => {
                format!("{}[line {line}][field {field}]", dotted(prefix, at))
            }
        }
    }
}

fn is_number_text(s: &str) -> bool {
    perfscore::input::parse_decimal(s).is_ok()
}

/// Every number in `v`: JSON numbers, numeric strings, and numeric CSV cells of `records_csv`.
fn positions(v: &Value, path: &mut Vec<Seg>, out: &mut Vec<Position>) {
    match v {
        Value::Number(_) => out.push(Position::Json(path.clone())),
        Value::String(s) => {
            let is_csv = matches!(path.last(), Some(Seg::Key(k)) if k == "records_csv");
            if is_csv {
                for (line, text) in s.lines().enumerate() {
                    for (field, raw) in csv_fields(text).into_iter().enumerate() {
                        let cell = raw.trim_matches('"').replace(',', "");
                        if line > 0 && is_number_text(&cell) {
                            out.push(Position::Csv {
                                at: path.clone(),
                                line,
                                field,
                            });
                        }
                    }
                }
            } else if is_number_text(s) {
                out.push(Position::Json(path.clone()));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                positions(item, path, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                path.push(Seg::Key(k.clone()));
                positions(item, path, out);
                path.pop();
            }
        }
        Value::Bool(_) | Value::Null => {}
    }
}

/// The raw fields of one CSV line (quotes kept), split at commas outside quotes.
fn csv_fields(line: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                fields.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push(&line[start..]);
    fields
}

/// How a replacement is written.
#[derive(Clone, Copy, PartialEq)]
enum Form {
    /// A JSON number with exactly this text (serde_json's `arbitrary_precision`).
    Number,
    /// A JSON string, or a CSV cell's text.
    Text,
}

fn json_number(text: &str) -> Value {
    let v: Value = serde_json::from_str(text).expect("extreme value is JSON number text");
    assert!(v.is_number(), "{text}");
    v
}

/// `unit` with the number at `pos` replaced by `text` written as `form`.
fn replaced(unit: &Value, pos: &Position, text: &str, form: Form) -> Value {
    let mut v = unit.clone();
    match pos {
        Position::Json(p) => {
            let slot = v.pointer_mut(&pointer(p)).expect("position exists");
            *slot = match form {
                Form::Number => json_number(text),
                Form::Text => Value::String(text.to_string()),
            };
        }
        Position::Csv { at, line, field } => {
            let slot = v.pointer_mut(&pointer(at)).expect("position exists");
            let csv = slot.as_str().expect("CSV text").to_string();
            let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
            let mut fields: Vec<String> = csv_fields(&lines[*line])
                .into_iter()
                .map(str::to_string)
                .collect();
            fields[*field] = text.to_string();
            lines[*line] = fields.join(",");
            let mut joined = lines.join("\n");
            if csv.ends_with('\n') {
                joined.push('\n');
            }
            *slot = Value::String(joined);
        }
    }
    v
}

/// The vector's own operation, under the oracles.
fn run_unit(v: &Value) -> Result<(), Violation> {
    if let Some(op) = v.get("operation").and_then(Value::as_str) {
        return oracles::analytics(op, &v["request"].to_string());
    }
    if let Some(pool) = v.get("pool") {
        return run_pool(pool);
    }
    if let Some(fb) = v.get("feedback") {
        return oracles::feedback(&fb.to_string(), &v["responses"].to_string());
    }
    let Some(plan) = checked(Plan::from_json(&v["plan"].to_string()))? else {
        return Ok(());
    };
    let records = match &v["records_csv"] {
        Value::String(csv) => plan.records_from_csv(csv),
        _ => plan.records_from_json(&v["records"].to_string()),
    };
    let Some(records) = checked(records)? else {
        return Ok(());
    };
    let options = match v.get("options") {
        Some(o) => checked(ScoreOptions::from_json(&o.to_string()))?,
        None => Some(ScoreOptions::default()),
    };
    let Some(options) = options else {
        return Ok(());
    };
    if let Some(pay) = v.get("pay_plan") {
        if let Some(pay) = checked(PayPlan::from_json(&pay.to_string(), &plan))? {
            oracles::pay(&pay, &plan, &records, &options)?;
        }
        return Ok(());
    }
    oracles::scoring_and_round_trip(&plan, &records, &options).map(|_| ())
}

/// A pool vector: the amount and weights read as plan numbers are (a number or a string), then
/// `split_pool`. Values that are not numbers at all are the host's business, not the core's.
fn run_pool(pool: &Value) -> Result<(), Violation> {
    let num = |v: &Value| serde_json::from_value::<perfscore::Num>(v.clone()).ok();
    let (Some(amount), Some(minor)) = (
        num(&pool["amount"]),
        pool["minor_units"]
            .as_u64()
            .and_then(|m| u32::try_from(m).ok()),
    ) else {
        return Ok(());
    };
    let mut weights = Vec::new();
    for w in pool["weights"].as_array().into_iter().flatten() {
        let (Some(id), Some(weight)) = (w["id"].as_str(), num(&w["weight"])) else {
            return Ok(());
        };
        weights.push((std::sync::Arc::<str>::from(id), weight.0));
    }
    if let Some(shares) = checked(perfscore::pay::split_pool(amount.0, minor, &weights))? {
        oracles::canonical_ok(
            "pool shares",
            &perfscore::pay::shares_to_canonical_json(&shares),
        )?;
    }
    Ok(())
}

/// Every unit of every vector file the conformance tests read.
fn units() -> Vec<Unit> {
    let dir = common::vectors_dir();
    let mut files: Vec<_> = ["", "pay", "feedback", "analytics"]
        .iter()
        .flat_map(|sub| std::fs::read_dir(dir.join(sub)).unwrap())
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let name = relative(&dir, &path);
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        match v.get("cases").and_then(Value::as_array) {
            Some(cases) => {
                for (i, case) in cases.iter().enumerate() {
                    out.push(Unit {
                        label: format!("{name}#{}", case["name"].as_str().unwrap_or("?")),
                        prefix: format!("cases[{i}]"),
                        value: case.clone(),
                    });
                }
            }
            None => out.push(Unit {
                label: name,
                prefix: String::new(),
                value: v,
            }),
        }
    }
    assert!(out.len() >= 30, "expected the conformance vectors");
    out
}

fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

thread_local! {
    /// Set while a sweep case runs: its panics are recorded here instead of printed.
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CAPTURING.with(Cell::get) {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(non-text panic)".into());
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg} at {at}")));
            } else {
                default(info);
            }
        }));
    });
}

/// What one case did.
enum Outcome {
    Passed,
    Violated(Violation),
    Panicked(String),
}

fn run_case(v: &Value) -> Outcome {
    install_quiet_hook();
    CAPTURING.with(|c| c.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| run_unit(v)));
    CAPTURING.with(|c| c.set(false));
    match result {
        Ok(Ok(())) => Outcome::Passed,
        Ok(Err(v)) => Outcome::Violated(v),
        Err(_) => Outcome::Panicked(
            LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_default(),
        ),
    }
}

/// FNV-1a, for a stable choice of cases across runs and platforms.
fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The written form of a replacement, as in [`KNOWN_PANICS`]: `1e400` or `"1e400"`.
fn written(text: &str, form: Form, pos: &Position) -> String {
    match (form, pos) {
        (Form::Number, _) | (Form::Text, Position::Csv { .. }) => text.to_string(),
        (Form::Text, Position::Json(_)) => format!("\"{text}\""),
    }
}

/// One case to run: a unit, and the number replaced (`None`: the unit as it is).
struct Job {
    unit: usize,
    replacement: Option<(Position, &'static str, Form)>,
    path: String,
    value: String,
}

/// One case run.
struct Case {
    vector: String,
    path: String,
    value: String,
    outcome: Outcome,
}

#[test]
fn every_number_at_its_extremes() {
    let started = std::time::Instant::now();
    let full = std::env::var_os("SWEEP_FULL").is_some();
    let units = units();
    // Every case to run.
    let mut jobs: Vec<Job> = Vec::new();
    let mut total = 0usize;
    for (u, unit) in units.iter().enumerate() {
        // The unit itself passes before anything is replaced.
        total += 1;
        jobs.push(Job {
            unit: u,
            replacement: None,
            path: "(unchanged)".into(),
            value: String::new(),
        });
        let mut found = Vec::new();
        positions(&unit.value, &mut Vec::new(), &mut found);
        // A vector about size (thousands of rows) has thousands of positions of the same kind:
        // by default an even spread of them runs.
        // Each case re-reads the whole vector, so a large one gets fewer.
        let cap = if unit.value.to_string().len() > LARGE_VECTOR_BYTES {
            MAX_POSITIONS_LARGE
        } else {
            MAX_POSITIONS
        };
        let spread = if full {
            1
        } else {
            found.len().div_ceil(cap).max(1)
        };
        for pos in found.into_iter().step_by(spread) {
            let path = pos.describe(&unit.prefix);
            let forms: &[Form] = match pos {
                Position::Json(_) => &[Form::Number, Form::Text],
                Position::Csv { .. } => &[Form::Text],
            };
            let offset = fnv(&[&unit.label, &path]) % DEFAULT_STRIDE;
            let replacements = EXTREMES
                .iter()
                .flat_map(|&text| forms.iter().map(move |&form| (text, form)));
            for (k, (text, form)) in (0u64..).zip(replacements) {
                total += 1;
                let value = written(text, form, &pos);
                let keep = full
                    || (k + offset) % DEFAULT_STRIDE == 0
                    || KNOWN_PANICS
                        .iter()
                        .any(|p| (p.0, p.1, p.2) == (&unit.label[..], &path[..], &value[..]));
                if keep {
                    jobs.push(Job {
                        unit: u,
                        replacement: Some((pos.clone(), text, form)),
                        path: path.clone(),
                        value,
                    });
                }
            }
        }
    }
    // Two workers (the machines have two cores), each taking every other case.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    let mut cases: Vec<(usize, Case)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (jobs, units) = (&jobs, &units);
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for (i, job) in jobs.iter().enumerate().skip(w).step_by(workers) {
                        let unit = &units[job.unit];
                        let outcome = match &job.replacement {
                            None => run_case(&unit.value),
                            Some((pos, text, form)) => {
                                run_case(&replaced(&unit.value, pos, text, *form))
                            }
                        };
                        let case = Case {
                            vector: unit.label.clone(),
                            path: job.path.clone(),
                            value: job.value.clone(),
                            outcome,
                        };
                        out.push((i, case));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("sweep worker"))
            .collect()
    });
    cases.sort_by_key(|(i, _)| *i);
    let cases: Vec<Case> = cases.into_iter().map(|(_, c)| c).collect();
    let ran = cases.len();
    let mut failures = Vec::new();
    let mut still_known = 0;
    let mut class_hits = vec![0usize; KNOWN_VIOLATIONS.len()];
    for c in &cases {
        let known = KNOWN_PANICS
            .iter()
            .any(|k| (k.0, k.1, k.2) == (&c.vector[..], &c.path[..], &c.value[..]));
        match &c.outcome {
            Outcome::Passed => {}
            Outcome::Panicked(_) if known => still_known += 1,
            Outcome::Panicked(msg) => failures.push(format!(
                "PANIC  (\"{}\", \"{}\", {:?}),  // {msg}",
                c.vector, c.path, c.value
            )),
            Outcome::Violated(v) => {
                match KNOWN_VIOLATIONS
                    .iter()
                    .position(|k| k.0 == c.value && v.starts_with(k.1))
                {
                    Some(i) => class_hits[i] += 1,
                    None => {
                        failures.push(format!("ORACLE {} {} = {}: {v}", c.vector, c.path, c.value))
                    }
                }
            }
        }
    }
    for k in KNOWN_PANICS {
        if !cases
            .iter()
            .any(|c| (&c.vector[..], &c.path[..], &c.value[..]) == (k.0, k.1, k.2))
        {
            failures.push(format!(
                "KNOWN_PANICS entry names no case of the sweep (vector or path renamed?): {k:?}"
            ));
        }
    }
    // Fixed known cases pass; say so, so that the lists get emptied.
    let now_passing: Vec<_> = cases
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Passed))
        .filter(|c| {
            KNOWN_PANICS
                .iter()
                .any(|k| (k.0, k.1, k.2) == (&c.vector[..], &c.path[..], &c.value[..]))
        })
        .map(|c| format!("({:?}, {:?}, {:?})", c.vector, c.path, c.value))
        .collect();
    if !now_passing.is_empty() {
        eprintln!(
            "sweep: these KNOWN_PANICS now pass; remove them:\n  {}",
            now_passing.join("\n  ")
        );
    }
    for (k, hits) in KNOWN_VIOLATIONS.iter().zip(&class_hits) {
        if *hits == 0 {
            eprintln!("sweep: KNOWN_VIOLATIONS class {k:?} no longer occurs; remove it");
        }
    }
    eprintln!(
        "sweep: {ran} of {total} cases run in {:.1?}; {still_known} of {} known panics still \
         panic; known violations per class: {class_hits:?}",
        started.elapsed(),
        KNOWN_PANICS.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} sweep cases failed. Each names the vector file (under tests/vectors; \
         `#name` = the analytics case), the JSON path of the number replaced and the value \
         written there (a string value is quoted). Reproduce: put the value at the path and run \
         the vector's operation (`run_unit` here). A PANIC line can be pasted into KNOWN_PANICS \
         while it is being fixed.\n{}",
        failures.len(),
        failures.join("\n")
    );
}
