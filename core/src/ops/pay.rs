//! Operations on a compiled pay plan (with the scoring plan it was compiled against).

use super::lines::{Format, Lines};
use super::plan::operation_fields;
use super::request::{json_text, Request};
use super::tape::Tape;
use crate::pay::PayPlan;
use crate::Plan;

/// The operations [`PayPlan::run`] accepts, with the request fields each reads.
pub const PAY_OPERATIONS: [(&str, &[&str]); 5] = [
    ("statements", &["records", "options"]),
    ("summarize", &["records", "options"]),
    ("explain", &["record", "lang", "options"]),
    ("price_deal", &["commission", "prior_base", "deal"]),
    ("split_pool", &["pool", "weights"]),
];

impl PayPlan {
    /// Run one operation on this pay plan and the scoring `plan` it was compiled against:
    /// `request` is a JSON object (see [`PAY_OPERATIONS`]), the result JSON text (JSON lines for
    /// `statements`).
    pub fn run(&self, plan: &Plan, operation: &str, request: &str) -> crate::Result<String> {
        self.check_plan(plan)?;
        let fields = operation_fields(&PAY_OPERATIONS, operation)?;
        let req = Request::parse(request, fields)?;
        match operation {
            "statements" => Ok(self.statement_lines(plan, &req, Format::Lines)?.text()),
            "summarize" => plan.summarize_json(&req, Some(self)),
            "explain" => {
                let record = req.record(plan)?;
                let lang = req.lang()?;
                let options = req.options()?;
                let card = plan.score_with(&record, &options)?;
                Ok(json_text(&self.statement(&card, &record)?.explain(lang)))
            }
            "price_deal" => {
                let (commission, prior, deal) = all3(
                    req.text("commission"),
                    req.decimal("prior_base"),
                    req.decimal("deal"),
                )?;
                Ok(json_text(
                    &self.price_deal(&commission, prior, deal)?.to_string(),
                ))
            }
            _ => {
                let (pool, weights) = super::free::pool_request(&req)?;
                let shares = self.split_pool(pool, &weights)?;
                Ok(crate::apportion::shares_to_canonical_json(&shares))
            }
        }
    }
}

/// Three fields read together: every problem of all three at once.
fn all3<A, B, C>(
    a: crate::Result<A>,
    b: crate::Result<B>,
    c: crate::Result<C>,
) -> crate::Result<(A, B, C)> {
    match (a, b, c) {
        (Ok(a), Ok(b), Ok(c)) => Ok((a, b, c)),
        (a, b, c) => {
            let mut problems = crate::error::Problems::new();
            for e in [a.err(), b.err(), c.err()].into_iter().flatten() {
                problems.absorb(&e);
            }
            Err(crate::Error::Input(problems.into_vec()))
        }
    }
}

impl PayPlan {
    /// `statements` with its documents handed over as a [`Tape`] instead of JSON lines (see
    /// [`crate::Plan::run_tape`]); any other operation is refused.
    pub fn run_tape(&self, plan: &Plan, operation: &str, request: &str) -> crate::Result<Tape> {
        self.check_plan(plan)?;
        let req = super::tape_request(&PAY_OPERATIONS, &["statements"], operation, request)?;
        self.statement_lines(plan, &req, Format::Tape)?.tape()
    }

    /// Every record's pay statement, in `format`.
    fn statement_lines(
        &self,
        plan: &Plan,
        req: &Request<'_>,
        format: Format,
    ) -> crate::Result<Lines> {
        let records = req.records(plan)?;
        let options = req.options()?;
        let statements = self.pay_records(plan, &records, &options)?;
        let mut out = Lines::with_capacity(format, statements.len() / 4);
        statements.iter().for_each(|s| out.push(s));
        Ok(out)
    }
}
