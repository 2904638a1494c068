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
