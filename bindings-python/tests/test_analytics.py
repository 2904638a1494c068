"""Analytics from Python: every vector in tests/vectors/analytics/ gives the core's
bytes, the dict API agrees with them, and bad requests raise structured errors."""

import json
from decimal import Decimal

import pytest

import perfscore
from perfscore import analytics
from conftest import VECTORS

ANALYTICS = VECTORS / "analytics"


def vector_files():
    return sorted(p.name[: -len(".json")] for p in ANALYTICS.glob("*.json"))


def cases(name):
    v = json.loads((ANALYTICS / f"{name}.json").read_text(encoding="utf-8"), parse_float=Decimal)
    expected = (ANALYTICS / f"{name}.expected.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(expected) == len(v["cases"])
    return list(zip(v["cases"], expected))


def test_every_operation_has_vectors():
    covered = {c["operation"] for name in vector_files() for c, _ in cases(name)}
    assert covered == set(analytics.operations())
    assert len(analytics.operations()) == 17


@pytest.mark.parametrize("name", vector_files())
def test_vector_bytes(name):
    for case, expected in cases(name):
        # Decimals from the vector are written back as exact digit strings by the binding.
        try:
            got = json.dumps(analytics.run(case["operation"], case["request"]), ensure_ascii=False, separators=(",", ":"))
        except perfscore.PerfscoreError as e:
            got = e.to_json()
        # The dict round-trips the canonical text (same keys, same order, same values).
        assert json.loads(got) == json.loads(expected), case["name"]
        try:
            # The request as the binding sends it (converted in Rust), the result as text.
            raw = analytics.run_json(case["operation"], case["request"])
        except perfscore.PerfscoreError as e:
            raw = e.to_json()
        assert raw == expected, case["name"]


def test_seasonal_indices_by_keyword():
    # Hand-worked (docs/analytics-timeseries.md): a series that repeats the same 12 months twice
    # (+ a third year) has ratio-to-moving-average indices equal to month ÷ yearly mean; with
    # months 60, 60, ..., 60, 180, 60 ... the indices are exact and sum to 12.
    year = [Decimal(100)] * 12
    year[11] = Decimal(200)  # December double → mean 108.333…; index Dec = 200 ÷ 108.33 ≈ 1.8462
    out = analytics.seasonal_indices(history={"start": "2022-01", "values": year * 3}, model="multiplicative")
    idx = [Decimal(m["index"]) for m in out["months"]]
    assert sum(idx) == 12 and Decimal(out["sum"]) == 12
    assert idx[11] > idx[0]


def test_floats_and_decimals_are_read_exactly():
    a = analytics.allocate_target(total=Decimal("1000.00"), minor_units=2, parts=[{"id": "a", "weight": 1}, {"id": "b", "weight": 2}])
    b = analytics.allocate_target(total=1000.0, minor_units=2, parts=[{"id": "a", "weight": 1.0}, {"id": "b", "weight": 2}])
    assert a == b
    amounts = [Decimal(p["amount"]) for p in a["parts"]]
    # 1000 split 1:2 → 333.33 and 666.67 (largest remainder: 666.666… has the larger remainder).
    assert amounts == [Decimal("333.33"), Decimal("666.67")]
    assert sum(amounts) == Decimal(1000)


def test_errors_are_structured():
    with pytest.raises(perfscore.InputError) as e:
        analytics.run("nope", {})
    assert e.value.problems[0].path == "operation"
    with pytest.raises(perfscore.InputError) as e:
        analytics.allocate_target(total=float("nan"), minor_units=2, parts=[{"id": "a", "weight": 1}])
    assert e.value.problems[0].path == "total"
    with pytest.raises(perfscore.InputError) as e:
        analytics.run("rollup", {"plan": object()})
    assert e.value.problems[0].path == "plan"


def _case(name, case_name):
    return next((c, e) for c, e in cases(name) if c["name"] == case_name)


def _canonical(result):
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))


def test_records_from_a_dataframe():
    pd = pytest.importorskip("pandas")
    case, expected = _case("team-rollup", "by-team")
    # The vector's records as an analyst's flat frame: person columns, one column per measure
    # (Bo has no teamwork rating: NaN in the float column, absent in the vector).
    rows = []
    for r in case["request"]["records"]:
        row = {k: r[k] for k in ("id", "name", "team", "department") if k in r}
        row.update(r["measures"])
        row["attributes"] = r.get("attributes")
        rows.append(row)
    frame = pd.DataFrame(rows)
    assert frame["teamwork_rating"].isna().any()
    got = analytics.rollup({**case["request"], "records": frame})
    assert _canonical(got) == expected
    # Ids from an index named `id`, as Plan.score_many reads them.
    by_index = analytics.rollup({**case["request"], "records": frame.set_index("id")})
    assert _canonical(by_index) == expected


def test_history_from_a_series_or_array():
    pd = pytest.importorskip("pandas")
    import numpy as np

    case, expected = _case("timeseries-targets", "ladder-run-rate")
    # [100, null, 0]: NaN in a Series is "no data", never zero sales (the ladder keeps them apart).
    assert case["request"]["history"]["values"] == [100, None, 0]
    for series in (pd.Series([100, np.nan, 0]), np.array([100, np.nan, 0]), pd.array([100, None, 0], dtype="Int64")):
        request = {**case["request"], "history": {**case["request"]["history"], "values": series}}
        assert _canonical(analytics.run("targets_from_history", request)) == expected


def test_non_finite_numpy_scalar_is_refused_with_its_path():
    np = pytest.importorskip("numpy")
    with pytest.raises(perfscore.InputError) as e:
        analytics.growth_targets(history={"start": "2024-01", "values": [1, 2]}, growth=np.float64("nan"))
    assert [p.path for p in e.value.problems] == ["growth"]


def test_a_plan_object_stands_for_its_document():
    case, expected = _case("team-rollup", "by-team")
    plan = perfscore.Plan.from_dict(case["request"]["plan"])
    assert _canonical(analytics.rollup({**case["request"], "plan": plan})) == expected
    # The document round-trips: written, read back, written again, the same text.
    assert perfscore.Plan.from_json(plan.to_json()).to_json() == plan.to_json()
    assert json.loads(plan.to_json())["id"] == plan.id


@pytest.mark.parametrize("template", ["monthly-sales-rep", "young-company-process"])
def test_plan_to_json_is_the_cores_bytes(template):
    expected = (VECTORS / "plan-documents" / f"{template}.json").read_text(encoding="utf-8")
    assert perfscore.Plan.template(template).to_json() + "\n" == expected
