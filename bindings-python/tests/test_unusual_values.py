"""Unusual Python values: the intended reading of each, pinned.

Python values become JSON mechanically (host markers for what JSON cannot hold) and the core's
one input layer reads them, so each case reads as Node, wasm and JSON text read it.
"""

import datetime
import json
from decimal import Decimal
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


def test_pandas_na_is_a_missing_value_like_none():
    assert outcome([record(revenue=pd.NA)]) == outcome([record(revenue=None)])


def test_numpy_float32_is_read_like_a_float():
    # 0.5 is exact in both widths.
    assert outcome([record(revenue=np.float32(0.5))]) == outcome([record(revenue=0.5)])


def test_numpy_float64_and_int64_are_read_like_float_and_int():
    assert outcome([record(revenue=np.float64(850000.0))]) == outcome([record(revenue=850000)])
    assert outcome([record(revenue=np.int64(850000))]) == outcome([record(revenue=850000)])


def test_a_number_id_is_refused_at_its_path():
    r = record()
    r["id"] = 5
    with pytest.raises(perfscore.InputError) as info:
        PLAN.score_many([r])
    assert [p.path for p in info.value.problems] == ["records[0].id"]


def test_nan_in_a_plan_is_a_plan_error_at_its_path():
    p = json.loads(json.dumps(VECTOR["plan"]))
    p["sections"][0]["weight"] = float("nan")
    with pytest.raises(perfscore.PlanError) as info:
        perfscore.Plan.from_dict(p)
    assert [q.path for q in info.value.problems] == ["sections[0].weight"]


def problems_of(records):
    with pytest.raises(perfscore.InputError) as info:
        PLAN.score_many(records)
    return [(p.loc, p.kind, p.id, p.message) for p in info.value.problems]


def test_pandas_nat_and_none_are_missing_alike():
    assert outcome([record(revenue=pd.NaT)]) == outcome([record(revenue=None)])


def test_numpy_float32_is_read_by_its_own_shortest_text():
    # float32(0.1) is 0.100000001490116…; its own shortest text is 0.1, which is what was meant.
    assert outcome([record(revenue=np.float32(850000.1))]) == outcome([record(revenue=Decimal("850000.1"))])


def test_numpy_bool_is_a_bool_and_refused_as_a_number():
    assert problems_of([record(revenue=np.bool_(True))]) == [
        (("records", 0, "measures", "revenue"), "wrong_type", "E001", "expected a number, found a bool (true)")
    ]


def test_a_big_int_and_an_exponent_decimal_are_read_exactly():
    assert outcome([record(revenue=Decimal("8.5E+5"))]) == outcome([record(revenue=850000)])
    assert problems_of([record(revenue=10**40)])[0][1] == "number_out_of_range"


def test_values_json_cannot_hold_are_refused_at_their_place():
    r = record(revenue=datetime.time(9, 30), revenue_target=float("nan"))
    assert problems_of([r]) == [
        (("records", 0, "measures", "revenue"), "unsupported_value", "E001", "a datetime.time is not a value perfscore reads"),
        (("records", 0, "measures", "revenue_target"), "not_finite", "E001", "NaN is not a finite number"),
    ]


def test_a_date_is_its_iso_text_so_a_measure_refuses_it_as_text():
    # Dates cross as the calendar date they show (fact sources read them); a measure wants a number.
    r = record(revenue=datetime.date(2024, 1, 31))
    assert problems_of([r]) == [
        (("records", 0, "measures", "revenue"), "not_a_number", "E001", "`2024-01-31` is not a number"),
    ]


def test_ids_with_lone_surrogates_are_refused_never_merged():
    a, b = record(), record()
    a["id"], b["id"] = "a\ud800", "a\udc00"
    assert problems_of([a, b]) == [
        (("records", i, "id"), "unsupported_value", None, "text that is not valid Unicode is not a value perfscore reads")
        for i in (0, 1)
    ]


def test_a_flat_record_reads_like_a_nested_one():
    nested = record()
    flat = {k: v for k, v in nested.items() if k != "measures"}
    flat.update(nested["measures"])
    assert outcome([flat]) == outcome([nested])


def test_nan_in_options_is_an_input_error_at_its_place():
    with pytest.raises(perfscore.InputError) as info:
        PLAN.score_many([record()], period={"basis": "calendar_days", "elapsed": float("nan"), "total": 30})
    assert [(p.loc, p.kind) for p in info.value.problems] == [(("options", "period", "elapsed"), "not_finite")]
