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
