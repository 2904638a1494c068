"""Unusual Python values: the intended reading of each, pinned.

Where the binding still differs from the intended behaviour (it converts records and documents
on its own until every binding reads them through one core input layer), the case is marked
``xfail(strict=True)``: it runs, and the suite fails the day it starts passing, so the mark is
removed and the case then guards the behaviour.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import perfscore

VECTOR = json.loads((Path(__file__).parents[2] / "tests/vectors/worked-example.json").read_text(encoding="utf-8"))
PLAN = perfscore.Plan.from_dict(VECTOR["plan"])


def record(**measures):
    r = json.loads(json.dumps(VECTOR["records"][0]))
    r["measures"].update(measures)
    return r


def outcome(records):
    try:
        return PLAN.score_many(records).to_json()
    except perfscore.InputError as e:
        return e.to_json()


@pytest.mark.xfail(strict=True, reason="pandas' NA is refused as a type instead of read as missing")
def test_pandas_na_is_a_missing_value_like_none():
    assert outcome([record(revenue=pd.NA)]) == outcome([record(revenue=None)])


@pytest.mark.xfail(strict=True, reason="numpy float32 is refused as a type")
def test_numpy_float32_is_read_like_a_float():
    # 0.5 is exact in both widths.
    assert outcome([record(revenue=np.float32(0.5))]) == outcome([record(revenue=0.5)])


def test_numpy_float64_and_int64_are_read_like_float_and_int():
    assert outcome([record(revenue=np.float64(850000.0))]) == outcome([record(revenue=850000)])
    assert outcome([record(revenue=np.int64(850000))]) == outcome([record(revenue=850000)])


@pytest.mark.xfail(strict=True, reason="a number id is turned into text; Node and wasm refuse it")
def test_a_number_id_is_refused_at_its_path():
    r = record()
    r["id"] = 5
    with pytest.raises(perfscore.InputError) as info:
        PLAN.score_many([r])
    assert [p.path for p in info.value.problems] == ["records[0].id"]


@pytest.mark.xfail(strict=True, reason="NaN in a plan dict raises a plain ValueError, not PlanError")
def test_nan_in_a_plan_is_a_plan_error_at_its_path():
    p = json.loads(json.dumps(VECTOR["plan"]))
    p["sections"][0]["weight"] = float("nan")
    with pytest.raises(perfscore.PlanError) as info:
        perfscore.Plan.from_dict(p)
    assert [q.path for q in info.value.problems] == ["sections[0].weight"]
