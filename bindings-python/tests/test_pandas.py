"""DataFrames in and out (pandas optional at import time)."""

import subprocess
import sys
from decimal import Decimal

import pytest

import perfscore

pd = pytest.importorskip("pandas")


@pytest.fixture
def plan():
    return perfscore.Plan.template("monthly-sales-rep")


def test_dataframe_round_trip(plan):
    team = plan.records_from_csv(perfscore.demo_team_csv())
    from_list = plan.score_many(team)
    # Flat frame (one column per measure), as an analyst would build it.
    flat = pd.DataFrame([{**{k: v for k, v in r.items() if k != "measures"}, **r["measures"]} for r in team])
    from_frame = plan.score_many(flat)
    assert from_frame.to_json_lines() == from_list.to_json_lines()
    # Nested records in a frame work too, and an `id` index is used as the id.
    assert plan.score_many(pd.DataFrame(team)).to_json_lines() == from_list.to_json_lines()
    assert plan.score_many(flat.set_index("id")).to_json_lines() == from_list.to_json_lines()
    # Floats in a frame are read by their shortest representation.
    as_float = flat.copy()
    for m in ("revenue", "collected", "invoiced", "gross_profit"):
        as_float[m] = as_float[m].astype(float)
    assert plan.score_many(as_float).to_json_lines() == from_list.to_json_lines()

    df = from_list.to_dataframe()
    assert len(df) == 12 and list(df.columns) == from_list.columns()
    assert list(df["record_id"]) == [c.record_id for c in from_list]
    assert list(df["total"]) == [c.total for c in from_list]
    assert all(isinstance(x, Decimal) for x in df["total"])
    assert list(df["grade"]) == [c.grade for c in from_list]
    first = from_list[0]
    for ind in first.indicators:
        assert df.loc[0, ind["id"]] == ind["score"]
    for s in first.sections:
        assert df.loc[0, f"{s['id']}.score"] == s["score"]
    assert "status" in df.columns and "weighted_total" in df.columns


def test_nan_in_frame_is_missing(plan):
    team = plan.records_from_csv(perfscore.demo_team_csv())
    flat = pd.DataFrame([{**{k: v for k, v in r.items() if k != "measures"}, **r["measures"]} for r in team])
    flat["demos"] = flat["demos"].astype(float)
    flat.loc[0, "demos"] = float("nan")
    with pytest.raises(perfscore.InputError) as info:
        plan.score_many(flat)
    p = info.value.problems[0]
    assert p.path.startswith("records[0] (E001).indicators.")
    assert "`demos` is missing" in p.message


def test_progress_columns(plan):
    team = plan.records_from_csv(perfscore.demo_team_csv())
    df = plan.score_many(team, period={"basis": "working_days", "elapsed": 10, "total": 20}).to_dataframe()
    assert set(df["status"]) <= {"red", "yellow", "green", None}
    assert df["projected_total"].notna().all()


def test_package_works_without_pandas():
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "import perfscore\n"
        "p = perfscore.Plan.template('monthly-sales-rep')\n"
        "b = p.score_many(p.records_from_csv(perfscore.demo_team_csv()))\n"
        "assert len(b) == 12 and b._repr_html_()\n"
        "try:\n    b.to_dataframe()\nexcept ImportError as e:\n    print('ok', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("ok")
