//! 360-degree feedback: the example round with its numbers worked out by hand, anonymity, and
//! invariants.

mod common;
use common::*;
use perfscore::feedback::Undefined;
use perfscore::feedback::{Answer, Feedback, FeedbackSpec, GapFlag, GroupStatus, Response};
use perfscore::Num;
use proptest::prelude::*;

fn example() -> (Feedback, Vec<Response>) {
    let text =
        std::fs::read_to_string(vectors_dir().join("feedback/feedback-example.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let fb = Feedback::from_json(&v["feedback"].to_string()).unwrap();
    let responses = fb.responses_from_json(&v["responses"].to_string()).unwrap();
    (fb, responses)
}

#[test]
fn ratee_a_by_hand() {
    let (fb, responses) = example();
    let round = fb.aggregate(&responses).unwrap();
    let a = round.report("A").unwrap();
    let group = |id: &str| a.groups.iter().find(|g| &*g.id == id).unwrap();
    // Manager: customer focus (4 + reversed 2 → 4) ÷ 2 = 4, teamwork 5 → 4 × 0.6 + 5 × 0.4 = 4.4
    assert_eq!(
        group("manager").scores.as_ref().unwrap().overall,
        Some(d("4.4"))
    );
    // Direct reports: 1 rater < 3 → merged into peers, which then count 4 raters.
    assert_eq!(
        group("direct_reports").status,
        GroupStatus::MergedInto {
            group: "peers".into()
        }
    );
    assert_eq!(group("peers").raters, Some(4));
    // Peers' overalls: P1 3 × 0.6 + 4 × 0.4 = 3.4; P2 only customer focus (teamwork n/a) 4.5;
    // P3 4.5 × 0.6 + 4 × 0.4 = 4.3; D1 2 × 0.6 + 3 × 0.4 = 2.4 → mean 14.6 ÷ 4 = 3.65
    assert_eq!(
        group("peers").scores.as_ref().unwrap().overall,
        Some(d("3.65"))
    );
    // Customers: 2 raters < 3 → suppressed, count hidden.
    assert_eq!(
        group("customers").status,
        GroupStatus::Suppressed { minimum: 3 }
    );
    assert_eq!(group("customers").raters, None);
    // Combined: (4.4 × 40 + 3.65 × 30) ÷ 70 = 285.5 ÷ 70 = 4.0785714…
    assert_eq!(a.combined.overall.unwrap().round_dp(6), d("4.078571"));
    assert_eq!(a.weights_used[0].weight.round_dp(4), d("57.1429"));
    // Self beside it: 5 × 0.6 + 3 × 0.4 = 4.2
    assert_eq!(a.self_scores.as_ref().unwrap().overall, Some(d("4.2")));
    // q1: self 5 vs others (4 × 40 + 3.5 × 30) ÷ 70 = 3.7857 → blind spot; q3: 3 vs 4.4286 → hidden strength
    let gap = |id: &str| a.gaps.iter().find(|g| &*g.id == id).unwrap();
    assert_eq!(gap("q1").flag, GapFlag::BlindSpot);
    assert_eq!(gap("q3").flag, GapFlag::HiddenStrength);
    // q1 agreement over M1, P1, P2, P3, D1 = 4, 3, 4, 5, 2: sample variance 5.2 ÷ 4 = 1.3;
    // r_wg = 1 − 1.3 ÷ ((5² − 1) ÷ 12) = 1 − 1.3 ÷ 2 = 0.35
    let q1 = &a.agreement[0];
    assert_eq!(q1.raters, 5);
    assert!((q1.rwg.value().unwrap() - 0.35).abs() < 1e-12);
    assert!((q1.std_dev.value().unwrap() - 1.3f64.sqrt()).abs() < 1e-12);
    let text = a.explain(perfscore::Lang::En);
    assert!(
        text.contains("customers: not shown (fewer than 3 raters, to protect anonymity)"),
        "{text}"
    );
    assert!(text.contains("Combined score 4.08"));
    assert!(a.explain(perfscore::Lang::Zh).contains("盲点"));
}

#[test]
fn not_applicable_is_typed_and_never_counts() {
    let (fb, mut responses) = example();
    // P2 answered q3 "na": peers' q3 is the mean of P1, P3, D1 = (4 + 4 + 3) ÷ 3 = 3.6667, not a 0.
    let round = fb.aggregate(&responses).unwrap();
    let peers = round
        .report("A")
        .unwrap()
        .groups
        .iter()
        .find(|g| &*g.id == "peers")
        .unwrap()
        .clone();
    assert_eq!(
        peers.scores.unwrap().items[2].score.round_dp(4),
        d("3.6667")
    );
    responses.push(Response {
        rater: "X".into(),
        ratee: "A".into(),
        group: "peers".into(),
        item: "q1".into(),
        value: Answer::Value(d("6")),
    });
    let e = fb.aggregate(&responses).unwrap_err();
    assert!(e.problems()[0].message.contains("outside the scale 1–5"));
}

#[test]
fn aggregation_choices() {
    let (_, responses) = example();
    let text =
        std::fs::read_to_string(vectors_dir().join("feedback/feedback-example.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["feedback"]["aggregation"] = serde_json::json!({"method": "median"});
    let fb = Feedback::from_json(&v["feedback"].to_string()).unwrap();
    let a = fb.aggregate(&responses).unwrap();
    let peers = a
        .report("A")
        .unwrap()
        .groups
        .iter()
        .find(|g| &*g.id == "peers")
        .unwrap()
        .clone();
    // Peers' overalls 2.4, 3.4, 4.3, 4.5 → median (3.4 + 4.3) ÷ 2 = 3.85
    assert_eq!(peers.scores.unwrap().overall, Some(d("3.85")));
    v["feedback"]["aggregation"] = serde_json::json!({"method": "trimmed_mean"});
    let fb = Feedback::from_json(&v["feedback"].to_string()).unwrap();
    // Fewer than 5 raters everywhere: the mean is used and the report says so.
    assert!(
        fb.aggregate(&responses)
            .unwrap()
            .report("A")
            .unwrap()
            .trimmed_mean_fell_back
    );
}

#[test]
fn leniency_centring() {
    let cfg = r#"{"id":"l","scale":{"min":1,"max":5},
      "competencies":[{"id":"c","items":[{"id":"q"}]}],
      "groups":[{"id":"peers","relationship":"peer","weight":1,"min_raters":1}],
      "leniency":{"method":"centre"}}"#;
    let fb = Feedback::from_json(cfg).unwrap();
    let mut responses = Vec::new();
    // R1 is one point more lenient than R2 on every ratee.
    for (rater, vals) in [("R1", ["5", "4", "5"]), ("R2", ["4", "3", "4"])] {
        for (ratee, v) in ["X", "Y", "Z"].iter().zip(vals) {
            responses.push(Response {
                rater: rater.into(),
                ratee: (*ratee).into(),
                group: "peers".into(),
                item: "q".into(),
                value: Answer::Value(d(v)),
            });
        }
    }
    let round = fb.aggregate(&responses).unwrap();
    // Grand mean 25 ÷ 6; R1 mean 14 ÷ 3 → shift −0.5; R2 mean 11 ÷ 3 → +0.5; both become 4.5, 3.5, 4.5.
    assert_eq!(round.leniency.len(), 2);
    assert_eq!(round.leniency[0].shift.round_dp(6), d("-0.5"));
    assert_eq!(
        round
            .report("X")
            .unwrap()
            .combined
            .overall
            .map(|x| x.round_dp(6)),
        Some(d("4.5"))
    );
    assert_eq!(
        round
            .report("Y")
            .unwrap()
            .combined
            .overall
            .map(|x| x.round_dp(6)),
        Some(d("3.5"))
    );
}

#[test]
fn invalid_configuration_lists_every_problem() {
    let cfg = r#"{"id":"bad","scale":{"min":5,"max":1},
      "competencies":[{"id":"c","weight":60,"items":[{"id":"q"}]},{"id":"d","weight":30,"items":[{"id":"q"}]}],
      "groups":[{"id":"p","relationship":"peer","weight":1,"below_minimum":{"merge_into":"nobody"}}]}"#;
    let e = Feedback::from_json(cfg).unwrap_err();
    let msgs: Vec<String> = e.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "scale: min must be below max",
            "competencies: competency weights sum to 90%, expected 100%",
            "competencies[0].items[0].scale: min must be below max",
            "competencies[1].items[0].scale: min must be below max",
            "competencies[1].items[0].id: duplicate item id `q`",
            "groups[0].below_minimum.merge_into: no group `nobody`",
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The order of responses never changes a result.
    #[test]
    fn order_invariant(seed in any::<u64>()) {
        let (fb, mut responses) = example();
        let base = fb.aggregate(&responses).unwrap().to_canonical_json();
        // A deterministic shuffle from the seed.
        let mut s = seed | 1;
        for i in (1..responses.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            responses.swap(i, (s % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(fb.aggregate(&responses).unwrap().to_canonical_json(), base);
    }

    /// Suppressed groups never leak: whatever the customers answered, nothing else changes.
    #[test]
    fn suppressed_groups_never_leak(c1 in 1u32..=5, c2 in 1u32..=5, c3 in 1u32..=5) {
        let (fb, responses) = example();
        let base = fb.aggregate(&responses).unwrap();
        let changed: Vec<Response> = responses.iter().map(|r| {
            let mut r = r.clone();
            if r.group == "customers" {
                r.value = Answer::Value(rust_decimal::Decimal::from(match r.item.as_str() { "q1" => c1, "q2" => c2, _ => c3 }));
            }
            r
        }).collect();
        prop_assert_eq!(fb.aggregate(&changed).unwrap(), base);
    }

    /// A shift of every answer shifts the means and leaves agreement and reliability unchanged.
    #[test]
    fn shift_moves_means_not_reliability(shift in 1i64..4) {
        let text = std::fs::read_to_string(vectors_dir().join("feedback/feedback-example.json")).unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["feedback"]["scale"] = serde_json::json!({"min": 1 + shift, "max": 5 + shift});
        let shifted_fb = Feedback::from_json(&v["feedback"].to_string()).unwrap();
        let (fb, responses) = example();
        let base = fb.aggregate(&responses).unwrap();
        let shifted: Vec<Response> = responses.iter().map(|r| {
            let mut r = r.clone();
            if let Answer::Value(x) = r.value { r.value = Answer::Value(x + rust_decimal::Decimal::from(shift)); }
            r
        }).collect();
        let moved = shifted_fb.aggregate(&shifted).unwrap();
        let a0 = base.report("A").unwrap();
        let a1 = moved.report("A").unwrap();
        prop_assert_eq!(a1.combined.overall.unwrap(), a0.combined.overall.unwrap() + rust_decimal::Decimal::from(shift));
        let close = |x: Option<f64>, y: Option<f64>| match (x, y) { (Some(x), Some(y)) => (x - y).abs() < 1e-9, (None, None) => true, _ => false };
        prop_assert!(close(a1.agreement[0].rwg.value(), a0.agreement[0].rwg.value()));
        prop_assert!(close(moved.reliability.alpha_interval.value(), base.reliability.alpha_interval.value()));
        prop_assert!(close(moved.reliability.icc.unwrap().icc1_1.value(), base.reliability.icc.unwrap().icc1_1.value()));
    }
}

/// One competency with items `q` (and `r`, reverse-coded, when `reverse`), the given default
/// scale and rater groups.
fn config(scale: &str, groups: &str, reverse: bool) -> String {
    let r = if reverse {
        r#",{"id":"r","reverse":true}"#
    } else {
        ""
    };
    format!(
        r#"{{"id":"x","scale":{scale},
          "competencies":[{{"id":"c","items":[{{"id":"q"}}{r}]}}],
          "groups":{groups}}}"#
    )
}

/// Rater groups of the overflow tests: a manager, and a manager with the ratee's own answers.
const MANAGER: &str = r#"[{"id":"m","relationship":"manager","weight":1}]"#;
const MANAGER_AND_SELF: &str = r#"[{"id":"m","relationship":"manager","weight":1},
                                   {"id":"s","relationship":"self","weight":0}]"#;

fn answer(rater: &str, group: &str, item: &str, value: &str) -> Response {
    Response {
        rater: rater.into(),
        ratee: "A".into(),
        group: group.into(),
        item: item.into(),
        value: Answer::Value(d(value)),
    }
}

/// A configuration compiled from a document edited in Rust: values past 28 digits are refused
/// when read from JSON (one number rule for every spelling), so the compiler's own overflow
/// checks are reached through a spec built in code, as a Rust host could.
fn from_spec_with(cfg: &str, edit: impl FnOnce(&mut FeedbackSpec)) -> perfscore::Result<Feedback> {
    let mut spec: FeedbackSpec = serde_json::from_str(cfg).unwrap();
    edit(&mut spec);
    Feedback::from_spec(&spec)
}

fn paths(e: &perfscore::Error) -> Vec<String> {
    e.problems().iter().map(|p| p.path()).collect()
}

#[test]
fn group_weight_too_large_for_a_percentage_is_a_plan_error() {
    // 1e27 × 100 = 1e29 is past the largest Decimal (≈ 7.9e28), so the weight's share in percent
    // cannot be computed; this used to panic when the round was aggregated.
    let cfg = config(
        r#"{"min":1,"max":5}"#,
        r#"[{"id":"m","relationship":"manager","weight":1e27}]"#,
        false,
    );
    let e = Feedback::from_json(&cfg).unwrap_err();
    assert_eq!(e.code(), "PLAN_INVALID");
    assert_eq!(paths(&e), ["groups[0].weight"]);
}

#[test]
fn group_weights_past_the_decimal_range_are_a_plan_error() {
    // 4e28 + 4e28 = 8e28 is past the largest Decimal (≈ 7.9e28), and each 4e28 × 100 is too;
    // summing the weights used to panic.
    let cfg = config(
        r#"{"min":1,"max":5}"#,
        r#"[{"id":"m","relationship":"manager","weight":4e28},
            {"id":"p","relationship":"peer","weight":4e28}]"#,
        false,
    );
    // In JSON, 4e28 has 29 integer digits and is refused as it is read.
    let e = Feedback::from_json(&cfg).unwrap_err();
    assert_eq!(e.code(), "PLAN_INVALID");
    assert_eq!(paths(&e), ["groups[0].weight", "groups[1].weight"]);
    // Built in code, the compiler refuses each weight and their sum.
    let small = cfg.replace("4e28", "1");
    let e = from_spec_with(&small, |s| {
        for g in &mut s.groups {
            g.weight = Num(d("40000000000000000000000000000"));
        }
    })
    .unwrap_err();
    assert_eq!(
        paths(&e),
        ["groups[0].weight", "groups[1].weight", "groups"]
    );
}

#[test]
fn scale_wider_than_the_decimal_range_is_a_plan_error() {
    // 5e28 − (−5e28) = 1e29 is past the largest Decimal (≈ 7.9e28): neither the scale's span (for
    // r_wg) nor a self-versus-others gap across it can be computed; both used to panic.
    let cfg = config(r#"{"min":-5e28,"max":5e28}"#, MANAGER_AND_SELF, false);
    // In JSON both ends are refused as they are read (29 integer digits).
    let e = Feedback::from_json(&cfg).unwrap_err();
    assert_eq!(e.code(), "PLAN_INVALID");
    assert_eq!(paths(&e), ["scale.max", "scale.min"]);
    let wide = |s: &mut perfscore::feedback::ScaleSpec| {
        s.min = Num(d("-50000000000000000000000000000"));
        s.max = Num(d("50000000000000000000000000000"));
    };
    let small = cfg.replace("-5e28", "1").replace("5e28", "5");
    let e = from_spec_with(&small, |s| wide(&mut s.scale)).unwrap_err();
    assert_eq!(paths(&e), ["scale"]);
    // The same scale on an item of its own is reported at the item.
    let e = from_spec_with(&small, |s| {
        let mut scale = s.scale;
        wide(&mut scale);
        s.competencies[0].items[0].scale = Some(scale);
    })
    .unwrap_err();
    assert_eq!(paths(&e), ["competencies[0].items[0].scale"]);
}

#[test]
fn reverse_coding_that_overflows_is_an_error_not_the_raw_answer() {
    // Reverse coding is min + max − answer; 4e28 + 7e28 = 1.1e29 is past the largest Decimal, so
    // the item cannot be reverse-coded (it used to keep the raw answer silently).
    let groups = MANAGER;
    let huge = |s: &mut FeedbackSpec| {
        s.scale.min = Num(d("40000000000000000000000000000"));
        s.scale.max = Num(d("70000000000000000000000000000"));
    };
    let e = from_spec_with(&config(r#"{"min":1,"max":5}"#, groups, true), huge).unwrap_err();
    assert_eq!(e.code(), "PLAN_INVALID");
    assert_eq!(paths(&e), ["competencies[0].items[1].reverse"]);
    // The same scale without reverse coding is fine: 7e28 − 4e28 + 1 = 3e28 + 1 points fit.
    assert!(from_spec_with(&config(r#"{"min":1,"max":5}"#, groups, false), huge).is_ok());
}

#[test]
fn overall_score_overflow_is_an_error_not_null() {
    // One competency at 100%: the overall score is 1e27 × 100 ÷ 100, and 1e27 × 100 = 1e29 is
    // past the largest Decimal (≈ 7.9e28). It used to come out as `null` with no error.
    let cfg = config(r#"{"min":0,"max":1e27}"#, MANAGER, false);
    let fb = Feedback::from_json(&cfg).unwrap();
    let e = fb
        .aggregate(&[answer("M", "m", "q", "1000000000000000000000000000")])
        .unwrap_err();
    assert_eq!(e.code(), "INPUT_INVALID");
    assert_eq!(paths(&e), ["responses"]);
    assert!(
        e.problems()[0]
            .message
            .starts_with("the overall score for ratee `A` is too large"),
        "{e}"
    );
    // A small answer on the same scale: 3 × 100 ÷ 100 = 3.
    let round = fb.aggregate(&[answer("M", "m", "q", "3")]).unwrap();
    assert_eq!(round.report("A").unwrap().combined.overall, Some(d("3")));
}

#[test]
fn gap_overflow_across_item_scales_is_an_error() {
    // Items of one competency on −4e28–0 and 0–4e28 (each span fits). Self answers r = 4e28 and the
    // manager q = −4e28, so the competency scores are 4e28 and −4e28 (overalls 4e28 × 1 ÷ 1 and
    // −4e28 × 1 ÷ 1 fit), and the gap 4e28 − (−4e28) = 8e28 is past the largest Decimal. It used
    // to panic.
    let cfg = r#"{"id":"x","scale":{"min":1,"max":5},
      "competencies":[
        {"id":"c","weight":1,"items":[{"id":"q","scale":{"min":-4e28,"max":0}},{"id":"r","scale":{"min":0,"max":4e28}}]},
        {"id":"other","weight":99,"items":[{"id":"z"}]}],
      "groups":[{"id":"m","relationship":"manager","weight":1},{"id":"s","relationship":"self","weight":0}]}"#;
    let fb = from_spec_with(&cfg.replace("4e28", "4"), |s| {
        let c = &mut s.competencies[0];
        c.items[0].scale = c.items[0].scale.map(|mut sc| {
            sc.min = Num(d("-40000000000000000000000000000"));
            sc
        });
        c.items[1].scale = c.items[1].scale.map(|mut sc| {
            sc.max = Num(d("40000000000000000000000000000"));
            sc
        });
    })
    .unwrap();
    let e = fb
        .aggregate(&[
            answer("M", "m", "q", "-40000000000000000000000000000"),
            answer("A", "s", "r", "40000000000000000000000000000"),
        ])
        .unwrap_err();
    assert_eq!(paths(&e), ["responses"]);
    assert!(
        e.problems()[0]
            .message
            .starts_with("a self-versus-others gap for ratee `A` is too large"),
        "{e}"
    );
}

#[test]
fn development_needs_reports_a_feedback_weight_overflow_with_its_request_path() {
    // The analytics `development_needs` request of the vectors, with its first rater group's
    // weight set to 1e27 (1e27 × 100 is past the largest Decimal): it used to panic while
    // aggregating; now the request field is named.
    let text =
        std::fs::read_to_string(vectors_dir().join("analytics/team-development.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut request = v["cases"][0]["request"].clone();
    request["feedback"]["groups"][0]["weight"] = serde_json::json!(1e27);
    let e = perfscore::analytics::run_json("development_needs", &request.to_string()).unwrap_err();
    assert_eq!(paths(&e), ["feedback.groups[0].weight"]);
    assert!(e.problems()[0].message.contains("is too large"), "{e}");
}

#[test]
fn no_raters_is_told_apart_from_a_single_rater() {
    // Only the ratee answered q: no counted (non-self) rater, so r_wg has no ratings at all
    // (`no_raters`, not `single_rater`), and the round has no coder for alpha either. With the
    // manager's answer added there is exactly one rating: `single_rater`.
    let cfg = config(r#"{"min":1,"max":5}"#, MANAGER_AND_SELF, false);
    let fb = Feedback::from_json(&cfg).unwrap();
    let round = fb.aggregate(&[answer("A", "s", "q", "4")]).unwrap();
    let q = &round.report("A").unwrap().agreement[0];
    assert_eq!(q.raters, 0);
    assert_eq!(q.rwg.undefined_reason(), Some(Undefined::NoRaters));
    assert_eq!(
        round.reliability.alpha_interval.undefined_reason(),
        Some(Undefined::NoRaters)
    );
    assert!(round
        .to_canonical_json()
        .contains(r#""reason":"no_raters""#));
    let round = fb
        .aggregate(&[answer("A", "s", "q", "4"), answer("M", "m", "q", "3")])
        .unwrap();
    let q = &round.report("A").unwrap().agreement[0];
    assert_eq!(q.raters, 1);
    assert_eq!(q.rwg.undefined_reason(), Some(Undefined::SingleRater));
    assert_eq!(
        round.reliability.alpha_interval.undefined_reason(),
        Some(Undefined::SingleRater)
    );
}

#[test]
fn a_feedback_document_reads_back_as_the_same_configuration() {
    // `to_json` is how a host stores or pickles a configuration: read back, the example round
    // aggregates to the same canonical report, and the text is a fixed point.
    let (fb, responses) = example();
    let again = Feedback::from_json(&fb.to_json()).unwrap();
    assert_eq!(again.to_json(), fb.to_json());
    let before = fb.aggregate(&responses).unwrap().to_canonical_json();
    let after = again.aggregate(&responses).unwrap().to_canonical_json();
    assert_eq!(before, after);
}
