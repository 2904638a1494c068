"""360-degree feedback through the Python binding: the conformance vector byte for byte,
the vector's hand-checked numbers, answers (na / NA / None / NaN), errors, DataFrames, records."""

import copy
import json
import threading
from decimal import Decimal
from pathlib import Path

import pytest

import perfscore
from conftest import VECTORS, load_vector

FEEDBACK_DIR = VECTORS / "feedback"


def feedback_vector_names() -> list:
    return sorted(f"feedback/{p.name[: -len('.json')]}" for p in FEEDBACK_DIR.glob("*.json"))


def run_vector(v: dict, how: str) -> str:
    try:
        if how == "json":
            fb = perfscore.Feedback.from_json(json.dumps(v["feedback"], default=str))
        else:
            fb = perfscore.Feedback.from_dict(v["feedback"])
        round = fb.aggregate(v["responses"])
    except perfscore.PerfscoreError as e:
        return e.to_json() + "\n"
    return round.to_json() + "\n"


def test_there_are_feedback_vectors():
    assert "feedback/feedback-example" in feedback_vector_names()


@pytest.mark.parametrize("how", ["dict", "json"])
@pytest.mark.parametrize("name", feedback_vector_names())
def test_feedback_vector_bytes(name, how):
    expected = (VECTORS / f"{name}.expected.jsonl").read_text(encoding="utf-8")
    assert run_vector(load_vector(name), how) == expected


def test_feedback_vector_from_file_and_dataframe(tmp_path):
    pd = pytest.importorskip("pandas")
    v = json.loads((FEEDBACK_DIR / "feedback-example.json").read_text(encoding="utf-8"))
    expected = (FEEDBACK_DIR / "feedback-example.expected.jsonl").read_text(encoding="utf-8")
    path = tmp_path / "360.json"
    path.write_text(json.dumps(v["feedback"], ensure_ascii=False), encoding="utf-8")
    fb = perfscore.Feedback.from_file(path)
    assert fb.aggregate(v["responses"]).to_json() + "\n" == expected
    fb = perfscore.Feedback.from_file(str(path))
    assert fb.id == "360-example"
    frame = pd.DataFrame(v["responses"])  # the null value becomes None/NaN: missing
    assert fb.aggregate(frame).to_json() + "\n" == expected


@pytest.fixture(scope="module")
def example():
    v = load_vector("feedback/feedback-example")
    fb = perfscore.Feedback.from_dict(v["feedback"])
    return v, fb, fb.aggregate(v["responses"])


# ------------------------------------------------------------------ the vector's hand-checked numbers


def test_combined_manager_peers(example):
    _, _, round = example
    a = round.report("A")
    assert a is not None and a.ratee == "A"
    overall = a.combined["overall"]
    assert isinstance(overall, Decimal)
    # (4.4 × 40 + 3.65 × 30) ÷ 70 = 285.5 ÷ 70 = 4.0785714…, the core's 28 decimal places
    assert overall == Decimal("4.0785714285714285714285714286")
    assert abs(overall - Decimal("285.5") / Decimal(70)) < Decimal("1e-26")
    groups = {g["id"]: g for g in a.groups}
    assert groups["manager"]["scores"]["overall"] == Decimal("4.4")
    assert groups["peers"]["scores"]["overall"] == Decimal("3.65")
    assert groups["manager"]["raters"] == 1
    assert [w["group"] for w in a.weights_used] == ["manager", "peers"]
    assert sum(w["weight"] for w in a.weights_used) == pytest.approx(Decimal(100))
    assert [r.ratee for r in round.reports] == ["A", "B"]
    assert round.report("nobody") is None
    assert len(round) == 2 and round.feedback_id == "360-example"


def test_suppressed_and_merged_groups(example):
    _, _, round = example
    groups = {g["id"]: g for g in round.report("A").groups}
    customers = groups["customers"]
    assert customers["status"] == "suppressed" and customers["minimum"] == 3
    assert customers["raters"] is None and customers["scores"] is None
    dr = groups["direct_reports"]
    assert dr["status"] == "merged_into" and dr["group"] == "peers" and dr["raters"] is None
    assert groups["peers"]["raters"] == 4  # P1–P3 plus D1
    assert groups["self"]["status"] == "shown"


def test_self_and_gaps(example):
    _, _, round = example
    a = round.report("A")
    assert a.self_scores["overall"] == Decimal("4.2")
    gaps = {(g["level"], g["id"]): g for g in a.gaps}
    q1 = gaps[("item", "q1")]
    assert q1["flag"] == "blind_spot" and q1["self_score"] == 5
    assert q1["others"].quantize(Decimal("0.0001")) == Decimal("3.7857")
    q3 = gaps[("item", "q3")]
    assert q3["flag"] == "hidden_strength" and q3["self_score"] == 3
    assert q3["others"].quantize(Decimal("0.0001")) == Decimal("4.4286")
    assert q3["gap"] == Decimal("-1.4285714285714285714285714286")  # 3 − 4.4285714…
    b = round.report("B")
    assert b.self_scores is None and b.gaps == []


def test_agreement_and_reliability(example):
    _, _, round = example
    agreement = {x["item"]: x for x in round.report("A").agreement}
    assert agreement["q1"]["rwg"] == pytest.approx(0.35)
    assert isinstance(agreement["q1"]["std_dev"], float)
    assert agreement["q1"]["raters"] == 5
    rel = round.reliability
    assert isinstance(rel["alpha_interval"], float)
    assert rel["icc"]["icc1_1"] == pytest.approx(0.3225506599739729)
    assert rel["icc_ratees"] == 2 and rel["icc_raters_per_ratee"] == 4
    assert round.leniency == []
    # to_dict keeps the statistics as the core's {"status", "value"} objects and decimals exact.
    d = round.to_dict()
    assert d["reliability"]["alpha_interval"] == {"status": "value", "value": rel["alpha_interval"]}
    assert d["reports"][0]["combined"]["overall"] == round.report("A").combined["overall"]
    assert d["reports"][0] == round.report("A").to_dict()
    assert json.loads(round.report("A").to_json()) == json.loads(round.to_json())["reports"][0]


def test_undefined_statistics_keep_their_reason():
    v = load_vector("feedback/feedback-example")
    fb = perfscore.Feedback.from_dict(v["feedback"])
    # One ratee, every rater answers 3: no variance anywhere.
    responses = [
        {"rater": r, "ratee": "A", "group": g, "item": q, "value": 3}
        for r, g in [("M1", "manager"), ("P1", "peers"), ("P2", "peers"), ("P3", "peers")]
        for q in ["q1", "q2", "q3"]
    ]
    round = fb.aggregate(responses)
    rel = round.reliability
    assert rel["alpha_interval"] == {"status": "undefined", "reason": "zero_variance"}
    assert rel["icc"] is None
    assert round.report("A").agreement[0]["rwg"] == 1.0
    assert "nan" not in round.to_json().lower()


def test_explain_en_zh(example):
    _, _, round = example
    a = round.report("A")
    en = a.explain()
    assert en.startswith("360-degree feedback for A")
    assert "fewer than 3 raters" in en and "blind spot" in en and "hidden strength" in en
    assert "Combined score 4.08" in en
    zh = a.explain("zh")
    assert "综合得分" in zh and "盲点" in zh
    assert str(a) == en
    with pytest.raises(ValueError):
        a.explain("fr")
    assert repr(a) == "<FeedbackReport A combined=4.08 groups_shown=3>"
    assert repr(round) == "<FeedbackRound 360-example ratees=2>"


# ----------------------------------------------------------------------------------- answers


def _config():
    return load_vector("feedback/feedback-example")["feedback"]


def _three_peers(value_q1_p3):
    rows = []
    for r, vals in [("P1", [4, 4, 4]), ("P2", [2, 2, 2]), ("P3", [value_q1_p3, 3, 3])]:
        for q, val in zip(["q1", "q2", "q3"], vals):
            rows.append({"rater": r, "ratee": "X", "group": "peers", "item": q, "value": val})
    return rows


@pytest.mark.parametrize("na", ["na", "NA", "n/a", perfscore.NA])
def test_not_applicable_never_counts(na):
    fb = perfscore.Feedback.from_dict(_config())
    round = fb.aggregate(_three_peers(na))
    items = {i["id"]: i["score"] for i in round.report("X").combined["items"]}
    assert items["q1"] == Decimal(3)  # (4 + 2) ÷ 2: the na answer is not a 1, 0 or anything
    assert {x["item"]: x["raters"] for x in round.report("X").agreement}["q1"] == 2
    # Same as leaving the answer out, and as None (missing).
    without = [r for r in _three_peers(0) if not (r["rater"] == "P3" and r["item"] == "q1")]
    assert round.to_json() == fb.aggregate(without).to_json()
    assert round.to_json() == fb.aggregate(_three_peers(None)).to_json()
    assert repr(perfscore.NA) == "perfscore.NA" and perfscore.NotApplicable() is perfscore.NA


@pytest.mark.parametrize("value", [4, 4.0, Decimal("4"), "4", "4.0"])
def test_number_spellings(value):
    fb = perfscore.Feedback.from_dict(_config())
    expected = fb.aggregate(_three_peers(4)).to_json()
    assert fb.aggregate(_three_peers(value)).to_json() == expected


def test_float_by_shortest_repr():
    fb = perfscore.Feedback.from_dict(_config())
    round = fb.aggregate(_three_peers(3.3))
    items = {i["id"]: i["score"] for i in round.report("X").combined["items"]}
    assert items["q1"] == (Decimal(4) + Decimal(2) + Decimal("3.3")) / 3


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN"), True, "lots", [4]])
def test_bad_values_are_input_errors(bad):
    fb = perfscore.Feedback.from_dict(_config())
    with pytest.raises(perfscore.InputError) as info:
        fb.aggregate(_three_peers(bad))
    assert [p.path for p in info.value.problems] == ["responses[6].value"]
    assert info.value.code == "INPUT_INVALID"


def test_nan_message():
    fb = perfscore.Feedback.from_dict(_config())
    with pytest.raises(perfscore.InputError, match="NaN is not a finite number"):
        fb.aggregate(_three_peers(float("nan")))


def test_input_errors_listed_at_once():
    fb = perfscore.Feedback.from_dict(_config())
    rows = _three_peers(9)  # out of scale: the core's check
    rows[0] = {**rows[0], "item": "q9"}
    rows[1] = {**rows[1], "colour": "red"}
    rows[2] = {k: v for k, v in rows[2].items() if k != "rater"}
    with pytest.raises(perfscore.InputError) as info:
        fb.aggregate(rows)
    paths = [p.path for p in info.value.problems]
    assert "responses[1].colour" in paths and "responses[2].rater" in paths
    # Conversion problems come first; the core's own checks run on well-formed responses only.
    rows = _three_peers(9)
    rows[0] = {**rows[0], "item": "q9"}
    with pytest.raises(perfscore.InputError) as info:
        fb.aggregate(rows)
    assert [p.path for p in info.value.problems] == ["responses[0].item", "responses[6].value"]
    with pytest.raises(TypeError):
        fb.aggregate({"rater": "P1"})


def test_missing_value_key_is_missing_answer():
    fb = perfscore.Feedback.from_dict(_config())
    rows = _three_peers(None)
    del rows[6]["value"]
    assert fb.aggregate(rows).to_json() == fb.aggregate(_three_peers(None)).to_json()


def test_dataframe_nan_cell_is_missing():
    pd = pytest.importorskip("pandas")
    fb = perfscore.Feedback.from_dict(_config())
    frame = pd.DataFrame(_three_peers(float("nan")))
    assert fb.aggregate(frame).to_json() == fb.aggregate(_three_peers(None)).to_json()
    frame = pd.DataFrame(_three_peers("na"))
    assert fb.aggregate(frame).to_json() == fb.aggregate(_three_peers(None)).to_json()


# ------------------------------------------------------------------------------------ config errors


def test_invalid_config_lists_problems():
    bad = copy.deepcopy(_config())
    bad["scale"] = {"min": 5, "max": 1}
    bad["competencies"][0]["weight"] = 70  # 70 + 40 ≠ 100
    with pytest.raises(perfscore.PlanError) as info:
        perfscore.Feedback.from_dict(bad)
    e = info.value
    assert e.code == "PLAN_INVALID" and len(e.problems) >= 2
    paths = [p.path for p in e.problems]
    assert "scale" in paths and any(p.startswith("competencies") for p in paths)
    assert json.loads(e.to_json())["code"] == "PLAN_INVALID"
    with pytest.raises(perfscore.PlanError):
        perfscore.Feedback.from_json("{not json")
    with pytest.raises(perfscore.PlanError):
        perfscore.Feedback.from_dict({**_config(), "unknown_field": 1})


# ------------------------------------------------------------------------------------ into a plan

RATING_PLAN = {
    "id": "feedback-plan",
    "name": "Feedback plan",
    "measures": [{"id": "feedback_score"}],
    "indicators": [
        {
            "id": "feedback",
            "name": "360 feedback",
            "weight": 100,
            "actual": "feedback_score",
            "scoring": {"method": "rating", "min": 1, "max": 5},
        }
    ],
    "grades": [{"grade": "C", "to": 60}, {"grade": "B", "from": 60, "to": 80}, {"grade": "A", "from": 80}],
}


def test_attach_to_records_then_score(example):
    _, _, round = example
    records = [{"id": "A", "name": "Ann"}, {"id": "B", "measures": {}}, {"id": "Z"}]
    out = round.attach_to_records(records, "feedback_score")
    assert records == [{"id": "A", "name": "Ann"}, {"id": "B", "measures": {}}, {"id": "Z"}]  # untouched
    overall_a = round.report("A").combined["overall"]
    overall_b = round.report("B").combined["overall"]
    assert out[0] == {"id": "A", "name": "Ann", "feedback_score": overall_a}
    assert out[1] == {"id": "B", "measures": {"feedback_score": overall_b}}
    assert out[2] == {"id": "Z"}  # no report: left as it is, the plan's missing policy applies
    plan = perfscore.Plan.from_dict(RATING_PLAN)
    batch = plan.score_many(out[:2])
    # rating on 1–5: (x − 1) ÷ 4 × 100
    assert batch[0].indicator("feedback")["actual"] == overall_a
    assert batch[0].indicator("feedback")["score"].quantize(Decimal("0.01")) == (
        (overall_a - 1) / 4 * 100
    ).quantize(Decimal("0.01"))
    assert batch[0].total == Decimal("76.96")
    with pytest.raises(perfscore.InputError):
        plan.score(out[2])


# ------------------------------------------------------------------------------ tables, HTML, GIL


def test_dataframe(example):
    pytest.importorskip("pandas")
    _, _, round = example
    df = round.to_dataframe()
    assert list(df.columns) == ["ratee", "overall", "customer_focus", "teamwork", "self_overall", "groups_shown"]
    assert list(df["ratee"]) == ["A", "B"]
    assert df.loc[0, "overall"] == round.report("A").combined["overall"]
    assert df.loc[0, "self_overall"] == Decimal("4.2")
    assert df.loc[1, "self_overall"] is None
    assert df.loc[0, "groups_shown"] == "manager, peers, self"


def test_html(example):
    _, _, round = example
    h = round.report("A")._repr_html_()
    assert "suppressed (fewer than 3)" in h and "merged into peers" in h and "blind spot" in h
    h = round._repr_html_()
    assert "<table>" in h and "2 ratees" in h


def test_aggregate_releases_gil():
    # Two threads aggregating a large round give the same bytes as one (and do not deadlock).
    fb = perfscore.Feedback.from_dict(_config())
    rows = []
    for ratee in range(200):
        for r in range(4):
            for q in ["q1", "q2", "q3"]:
                rows.append({"rater": f"P{r}", "ratee": f"E{ratee:03}", "group": "peers", "item": q,
                             "value": 1 + (ratee + r) % 5})
    expected = fb.aggregate(rows).to_json()
    results = []
    threads = [threading.Thread(target=lambda: results.append(fb.aggregate(rows).to_json())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected, expected]
