"""The number policy: exact Decimals out; Decimal, int, str and float (shortest repr) in."""

from decimal import Decimal

import pytest

import perfscore

PLAN = {
    "id": "mini",
    "name": "Mini plan",
    "measures": [{"id": "revenue", "aliases": ["销售额"]}, {"id": "revenue_target"}],
    "indicators": [
        {
            "id": "sales",
            "name": "Sales completion",
            "weight": 100,
            "actual": "revenue",
            "target": "revenue_target",
            "scoring": {"method": "ratio", "cap": 1000},
        }
    ],
    "grades": [{"grade": "B", "to": 95}, {"grade": "A", "from": 95}],
}


@pytest.fixture
def plan():
    return perfscore.Plan.from_dict(PLAN)


def actual(plan, value):
    return plan.score({"id": "X", "revenue": value, "revenue_target": 1}).indicator("sales")["actual"]


def test_float_read_by_shortest_repr(plan):
    assert actual(plan, 0.1) == Decimal("0.1")  # not 0.1000000000000000055511151231257827
    assert str(actual(plan, 0.1)) == "0.1"
    assert actual(plan, 0.1 + 0.2) == Decimal("0.30000000000000004")  # the float the user really has
    assert actual(plan, 1e20) == Decimal("100000000000000000000")


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("0.1"), "0.1"),
        (Decimal("850000.00"), "850000"),
        (Decimal("1E+3"), "1000"),
        (7, "7"),
        (-3, "-3"),
        ("0.3", "0.3"),
        (" 42 ", "42"),
        ("+5", "5"),
        (0.5, "0.5"),
    ],
)
def test_accepted_inputs(plan, value, expected):
    assert actual(plan, value) == Decimal(expected)


def test_exact_sum_of_tenths(plan):
    # 0.1 + 0.2 style: the engine adds exact tenths, so the completion is exactly 30.
    card = plan.score({"id": "X", "revenue": Decimal("0.1") + Decimal("0.2"), "revenue_target": 1})
    assert card.indicator("sales")["completion"] == Decimal(30)
    card = plan.score({"id": "X", "revenue": 0.3, "revenue_target": 1.0})
    assert card.indicator("sales")["completion"] == Decimal(30)
    assert card.total == Decimal("30.00")


def test_plan_from_dict_float_is_shortest_repr():
    d = dict(PLAN)
    d["indicators"] = [dict(PLAN["indicators"][0], scoring={"method": "ratio", "cap": 100.1})]
    plan = perfscore.Plan.from_dict(d)
    card = plan.score({"id": "X", "revenue": 2, "revenue_target": 1})
    assert card.indicator("sales")["score"] == Decimal("100.1")


@pytest.mark.parametrize(
    "value, fragment",
    [
        (float("nan"), "NaN is not a finite number"),
        (float("inf"), "Infinity is not a finite number"),
        (float("-inf"), "not a finite number"),
        (Decimal("NaN"), "NaN is not a finite number"),
        (Decimal("Infinity"), "Infinity is not a finite number"),
        ("abc", "`abc` is not a number"),
        ("1,000", "not a number"),
        ("", "empty"),
        (True, "bool"),
        ([1], "expected a number, found a list"),
        (10**40, "10000000000000000000000000000000000000000"),  # core says "not a number", not "out of range"
        ("0.12345678901234567890123456789012", "28 digits"),
    ],
)
def test_rejected_inputs_name_record_and_field(plan, value, fragment):
    with pytest.raises(perfscore.InputError) as info:
        plan.score({"id": "E9", "revenue": value, "revenue_target": 1})
    e = info.value
    assert e.code == "INPUT_INVALID"
    assert [p.path for p in e.problems] == ["record (E9).revenue"]
    assert fragment in e.problems[0].message
    assert "E9" in str(e) and "revenue" in str(e)


def test_batch_reports_every_bad_value(plan):
    with pytest.raises(perfscore.InputError) as info:
        plan.score_many(
            [
                {"id": "A", "revenue": float("nan"), "revenue_target": 1},
                {"id": "B", "measures": {"revenue": 1, "revenue_target": "x"}},
            ]
        )
    assert [p.path for p in info.value.problems] == ["records[0] (A).revenue", "records[1] (B).measures.revenue_target"]


def test_none_is_missing(plan):
    with pytest.raises(perfscore.InputError) as info:
        plan.score({"id": "A", "revenue": None, "revenue_target": 1})
    assert "missing" in info.value.problems[0].message


def test_nested_and_flat_records_agree(plan):
    flat = plan.score({"id": "A", "name": "Ann", "revenue": 5, "revenue_target": 4})
    nested = plan.score({"id": "A", "name": "Ann", "measures": {"revenue": 5, "revenue_target": 4}})
    alias = plan.score({"id": "A", "name": "Ann", "measures": {"销售额": 5, "revenue_target": 4}})
    assert flat.to_json() == nested.to_json() == alias.to_json()


def test_numpy_scalars(plan):
    np = pytest.importorskip("numpy")
    assert actual(plan, np.int64(7)) == Decimal(7)
    assert actual(plan, np.float64(0.1)) == Decimal("0.1")


def test_any_mapping_is_a_record(plan):
    from types import MappingProxyType

    card = plan.score(MappingProxyType({"id": "A", "revenue": 5, "revenue_target": 4}))
    assert card.record_id == "A" and card.indicator("sales")["completion"] == 125
