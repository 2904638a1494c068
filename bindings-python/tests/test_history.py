"""Each person's history from Python: scored records become period results with the plan's
hash, a timeline reads them, and a legacy export's bad cells raise with row, column and person."""

from decimal import Decimal

import pytest

import perfscore
from perfscore import analytics


def test_scored_records_become_period_results_a_timeline_reads():
    plan = perfscore.Plan.from_json(perfscore.demo_plan_json())
    records = plan.records_from_csv(perfscore.demo_team_csv())
    june = plan.period_results(records, "2026-06")
    july = plan.period_results(records, "2026年7月")
    cards = plan.score_many(records)
    assert len(june["results"]) == len(records)
    assert Decimal(june["results"][0]["total"]) == cards[0].total
    assert len(june["results"][0]["plan_hash"]) == 64
    assert june["results"][0]["imported"] is False
    # The same records two months running: change 0, rolling mean over 2 periods = the total.
    out = analytics.person_timeline(results=june["results"] + july["results"], people=[records[0]["id"]], window=2)
    (t,) = out["timelines"]
    assert [p["period"] for p in t["periods"]] == ["2026-06", "2026-07"]
    assert t["periods"][1]["change"] == "0"
    assert t["periods"][1]["rolling_mean"] == june["results"][0]["total"]


def test_a_legacy_export_with_a_bad_cell_raises_with_row_column_and_person():
    with pytest.raises(perfscore.InputError) as e:
        analytics.read_history(results="工号,考核期间,总分\nE1,2026-06,八十\n")
    p = e.value.problems[0]
    assert p.loc == ("results", "line", 2, "总分")
    assert p.id == "E1"


def test_a_nine_box_from_a_dataframe_places_on_the_cuts_and_tracks_movement():
    # Hand-worked: x = total cut at [70, 85], y = 360 cut at [3, 4], a value on a cut goes up.
    # June: E1 90 / 4.2 → box 9; E2 85 / 3 → high, middle → box 6; E3 69.99 / 4 → low, high →
    # box 7. May: E1 80 / 4.2 → box 8 (moved up); E2 85 / 3 → box 6 (same); E3 absent (new).
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(
        {
            "工号": ["E1", "E2", "E1", "E2", "E3"],
            "考核期间": ["2026-05", "2026-05", "2026-06", "2026-06", "2026-06"],
            "总分": [Decimal("80"), Decimal("85"), Decimal("90"), Decimal("85"), Decimal("69.99")],
            "feedback": ["4.2", "3", "4.2", "3", "4"],
        }
    )
    out = analytics.nine_box(
        results=df,
        period="2026-06",
        before="2026-05",
        x={"score": "total", "cuts": [70, 85]},
        y={"score": "feedback", "cuts": [Decimal(3), 4.0]},
    )
    assert [(p["person"], p["box"], p.get("movement")) for p in out["people"]] == [
        ("E1", 9, "up"),
        ("E2", 6, "same"),
        ("E3", 7, "new"),
    ]
    assert out["movement"]["transitions"] == [{"from": 6, "to": 6, "count": 1}, {"from": 8, "to": 9, "count": 1}]


def _two_months():
    plan = perfscore.Plan.from_json(perfscore.demo_plan_json())
    records = plan.records_from_csv(perfscore.demo_team_csv())
    return plan, records, plan.period_results(records, "2026-05")["results"] + plan.period_results(records, "2026-06")["results"]


def test_a_history_round_trips_through_a_dataframe_indexed_by_person_and_period():
    import pickle

    pytest.importorskip("pandas")
    plan, records, results = _two_months()
    h = perfscore.History(results)
    frame = h.to_frame()
    assert list(frame.index.names) == ["person", "period"]
    first = records[0]["id"]
    # Exact decimals, the scorecard's own total.
    assert frame.loc[(first, "2026-06"), "total"] == plan.score(records[0]).total
    back = perfscore.History(frame)
    assert back == h
    assert pickle.loads(pickle.dumps(h)) == h
    assert len(h) == 2 * len(records)
    # The operations read the history as it is.
    (t,) = h.timeline(people=[first])["timelines"]
    assert [p["period"] for p in t["periods"]] == ["2026-05", "2026-06"]


def test_a_history_refuses_a_silent_overwrite_and_keeps_a_restatement():
    # A second June result for E1 without `restates` is an error; with it, the first is
    # superseded and both stay.
    june = {"person": "E1", "period": "2026-06", "total": "80"}
    h = perfscore.History([june])
    with pytest.raises(perfscore.InputError) as e:
        h.extend([{"person": "E1", "period": "2026-06", "total": "85"}])
    assert e.value.problems[0].kind == "duplicate"
    r = h.extend([{"person": "E1", "period": "2026-06", "total": "85", "restates": True}])
    assert [(x["total"], x["superseded"]) for x in r.results] == [("80", True), ("85", False)]


def test_history_series_gives_monthly_values_with_gaps_as_none():
    # Hand-worked: E1 totals 80 (January), none in February, 70 (March) → [80, None, 70].
    h = perfscore.History(
        [
            {"person": "E1", "period": "2026-01", "total": "80"},
            {"person": "E1", "period": "2026-03", "total": "70"},
        ]
    )
    (s,) = h.series()["series"]
    assert s["history"] == {"start": "2026-01", "values": ["80", None, "70"]}


def test_a_history_reads_its_own_document_back_without_ignoring_anything():
    h = perfscore.History([{"person": "E1", "period": "2026-06", "total": "80", "备注": "note"}])
    assert h.ignored_columns == ["备注"]
    assert perfscore.History(h.results).ignored_columns == []
    assert perfscore.History(h.to_frame()).ignored_columns == []


def test_the_demo_history_and_june_give_the_streaks_the_widget_shows():
    # core/data/demo-history.csv: E001 A, A, A, S, S (January–May); June scored S (119.16) →
    # 3 consecutive S. E012 has no April result, so only May and June count: 2 consecutive B.
    plan, records, _ = _two_months()
    past = perfscore.History(perfscore.demo_history_csv())
    assert len(past) == 57
    h = past.extend(plan.period_results(records, "2026-06")["results"])
    streaks = {t["person"]: t["streak"] for t in h.timeline(people=["E001", "E012"])["timelines"]}
    assert (streaks["E001"]["grade"], streaks["E001"]["periods"]) == ("S", 3)
    assert (streaks["E012"]["grade"], streaks["E012"]["periods"], streaks["E012"]["from"]) == ("B", 2, "2026-05")


def test_period_results_keep_pay_and_360_given_with_the_records():
    # tests/vectors/pay/pay-worked-example.json: Li Wei 3,000.00 + 12,250.00 = 15,250.00 pay.
    import json
    from pathlib import Path

    v = json.loads((Path(__file__).parents[2] / "tests/vectors/pay/pay-worked-example.json").read_text(encoding="utf-8"))
    plan = perfscore.Plan.from_json(json.dumps(v["plan"]))
    out = plan.period_results(v["records"], "2026-06", pay_plan=json.dumps(v["pay_plan"]), feedback={"E001": Decimal("4.2")})
    first = out["results"][0]
    assert (first["pay"], first["feedback"]) == ("15250", "4.2")
    assert "feedback" not in out["results"][1]


def test_a_plans_own_promotion_rules_decide_over_a_history():
    # Demo plan + rules "3 of the last 4 periods S or A": over the demo history and June,
    # E001 (A, S, S, S) is eligible and E012 (B, none, B, B) is not.
    import json

    doc = json.loads(perfscore.demo_plan_json())
    doc["promotion"] = {"grade_count": {"grades": ["S", "A"], "at_least": 3, "in_last": 4}}
    plan = perfscore.Plan.from_json(json.dumps(doc))
    records = plan.records_from_csv(perfscore.demo_team_csv())
    h = perfscore.History(perfscore.demo_history_csv()).extend(plan.period_results(records, "2026-06")["results"])
    out = h.promotion(plan, "2026-06", people=["E001", "E012"])
    assert [p["status"] for p in out["people"]] == ["eligible", "not_eligible"]
    # A rule naming a grade the plan does not have is a plan error at its place.
    doc["promotion"]["grade_count"]["grades"] = ["A+"]
    with pytest.raises(perfscore.PlanError) as e:
        perfscore.Plan.from_json(json.dumps(doc))
    assert e.value.problems[0].loc == ("promotion", "grade_count", "grades", 0)


def test_a_history_written_as_csv_or_jsonl_reads_back_equal():
    h = perfscore.History(perfscore.demo_history_csv())
    assert perfscore.History(h.to_jsonl()) == h
    assert perfscore.History(h.to_csv()) == h
    assert h.to_csv().splitlines()[0].startswith("person,name,period,plan,plan_hash,total,grade")
